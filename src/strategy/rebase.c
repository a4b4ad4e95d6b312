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

static void rebase_alloc(const tree_ctx *c, cs_stepper *st, const cs_node *a, size_t N,
                         unsigned d, size_t *kids, size_t *order, cs_record *rec)
{
    (void)st;
    (void)d;
    (void)rec;
    for (size_t j = 0; j < N; j++)
        c->key[j] = a[j].agg;
    cs_steps_rebase_allocate(c->key, N, N, c->s->value[0], kids, order, c->kept);
}

static void rebase_run(const cs_strategy_ctx *ctx)
{
    tree_frontier_run(ctx, rebase_alloc);
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
    .work_size = tree_frontier_work,
};
