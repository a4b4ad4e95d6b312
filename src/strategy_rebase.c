/*
** rebase: reward-balanced search (Wu et al. 2024). At every depth the N open prefixes share N
** children by a softmax of their PRM scores at temperature T, with REBASE's sequential ceiling
** allocation so that exactly N are generated; N chains finish.
*/
#include "tree.h"

static const cs_param rebase_params[] = {
    {"softmax_temperature", "0.2", 1e-6, 1e3, 0, NULL, 0, "T of the softmax over PRM scores (paper 0.1, repository 0.2)"},
    SELECT_PARAM,
};

static size_t rebase_work(const cs_strategy *s, size_t kmax)
{
    (void)s;
    return 2 * tree_size(kmax, sizeof(cs_node)) + tree_size(kmax, sizeof(double)) +
           3 * tree_size(kmax, sizeof(size_t)) + tree_size(2 * kmax, sizeof(double));
}

typedef struct rebase_ctx {
    double T;
    double *key;
    size_t *tmp;
} rebase_ctx;

static void rebase_alloc(const void *ctx, cs_stepper *st, const cs_node *a, size_t N, unsigned d,
                         size_t *kids, size_t *order, cs_record *rec)
{
    (void)st;
    (void)d;
    (void)rec;
    const rebase_ctx *c = ctx;
    for (size_t j = 0; j < N; j++)
        c->key[j] = a[j].agg;
    cs_rebase_allocate(c->key, N, N, c->T, kids, order, c->tmp);
}

static void rebase_run(const cs_strategy *s, const cs_query *q, cs_samples *smp, cs_pcg32 *rng,
                       cs_scratch *scratch, const size_t *budgets, size_t nb, double *score,
                       cs_record *rec)
{
    (void)smp;
    size_t kmax = budgets[nb - 1];
    char *cur = scratch->work;
    cs_node *a = tree_take(&cur, kmax, sizeof *a), *b = tree_take(&cur, kmax, sizeof *b);
    rebase_ctx ctx = {s->value[0], tree_take(&cur, kmax, sizeof(double)),
                      tree_take(&cur, kmax, sizeof(size_t))};
    size_t *kids = tree_take(&cur, kmax, sizeof *kids), *order = tree_take(&cur, kmax, sizeof *order);
    double *work = tree_take(&cur, 2 * kmax, sizeof *work);
    cs_stepper st;
    cs_stepper_init(&st, q, rng);
    for (size_t i = 0; i < nb; i++) {
        tree_frontier(&st, q, &a, &b, budgets[i], rebase_alloc, &ctx, kids, order, &rec[i]);
        score[i] = cs_select_score(q, a, budgets[i], tree_select(s), work);
    }
}

const cs_strategy_type cs_strategy_rebase = {
    .name = "rebase",
    .unit = "leaves (N chains finish)",
    .help = "REBASE: children allocated by a softmax of PRM scores, exactly N per depth",
    .source = "Wu et al. 2024",
    .uses = "[generator], [steps], [prm]",
    .params = rebase_params,
    .nparams = sizeof rebase_params / sizeof rebase_params[0],
    .run = rebase_run,
    .needs_steps = 1,
    .draws = CS_DRAWS_NONE,
    .work_size = rebase_work,
};
