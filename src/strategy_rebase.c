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

static void rebase_run(const cs_strategy *s, const cs_query *q, cs_samples *smp, cs_pcg32 *rng,
                       cs_scratch *scratch, const size_t *budgets, size_t nb, double *score,
                       cs_record *rec)
{
    (void)smp;
    size_t kmax = budgets[nb - 1];
    char *cur = scratch->work;
    cs_node *a = tree_take(&cur, kmax, sizeof *a), *b = tree_take(&cur, kmax, sizeof *b);
    double *key = tree_take(&cur, kmax, sizeof *key);
    size_t *kids = tree_take(&cur, kmax, sizeof *kids), *order = tree_take(&cur, kmax, sizeof *order);
    size_t *tmp = tree_take(&cur, kmax, sizeof *tmp);
    double *work = tree_take(&cur, 2 * kmax, sizeof *work);
    double T = s->value[0];
    unsigned L = q->L;
    cs_stepper st;
    cs_stepper_init(&st, q, rng);
    for (size_t i = 0; i < nb; i++) {
        size_t N = budgets[i];
        cs_node root;
        cs_step_root(&st, &root);
        for (size_t j = 0; j < N; j++)
            cs_step_child(&st, &root, &a[j]);
        cs_step_record(q, &rec[i], (double)N, (double)N, 1);
        for (unsigned d = 1; d < L; d++) {
            for (size_t j = 0; j < N; j++)
                key[j] = a[j].agg;
            cs_rebase_allocate(key, N, N, T, kids, order, tmp);
            size_t n = 0;
            for (size_t j = 0; j < N; j++)
                for (size_t c = 0; c < kids[order[j]]; c++)
                    cs_step_child(&st, &a[order[j]], &b[n++]);
            cs_step_record(q, &rec[i], (double)N, (double)N, d + 1);
            cs_node *t = a;
            a = b;
            b = t;
        }
        score[i] = cs_select_score(q, a, N, tree_select(s), work);
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
