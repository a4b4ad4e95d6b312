/*
** dvts: diverse verifier tree search (HF search-and-learn): N/M independent subtrees, each keeping
** the single best of M proposals at every depth; the last proposals are the N finished chains.
** The subtrees are independent, so budgets share them: where a budget's first subtrees have the
** widths of the last budget's, it keeps those and grows only the rest (prefix sharing, as the
** answer-level strategies share their samples; with a fixed M, N = 4, 16, 64 grow 16 subtrees,
** not 21), from the query's stream where its own first subtree that differs would start: the
** stream's state is kept at each subtree's start, so that each budget's results are to the bit
** those of that budget alone.
*/
#include "tree.h"

static const cs_param dvts_params[] = {
    {"beam_width", "4", 1, 4096, 1, "sqrt", 0, "M: proposals per subtree and depth; 'sqrt' for sqrt(N)"},
    SELECT_PARAM,
};

/* Where a subtree starts: the query's stream and the next novel answer's id. */
typedef struct mark {
    cs_pcg32 rng;
    uint32_t next_novel;
} mark;

static size_t dvts_work(const cs_strategy *s, size_t kmax)
{
    (void)s;
    return tree_size(kmax, sizeof(cs_node)) + tree_size(2 * kmax, sizeof(cs_node)) +
           tree_size(CS_SELECT_WORK(kmax), sizeof(double)) + tree_size(kmax + 1, sizeof(mark));
}

/* The width of subtree t of the T that share N: widths that sum to N. */
static size_t subtree_width(size_t N, size_t T, size_t t)
{
    return N / T + (t < N % T ? 1 : 0);
}

static void dvts_run(const cs_strategy_ctx *ctx)
{
    const cs_strategy *s = ctx->s;
    const cs_query *q = ctx->q;
    const size_t *budgets = ctx->budgets;
    size_t nb = ctx->nb;
    cs_record *rec = ctx->rec;
    size_t kmax = budgets[nb - 1];
    char *cur = ctx->scratch->work;
    cs_node *finals = tree_take(&cur, kmax, sizeof *finals);
    cs_node *prop = tree_take(&cur, 2 * kmax, sizeof *prop); /* two depths' proposals */
    double *work = tree_take(&cur, CS_SELECT_WORK(kmax), sizeof *work);
    mark *at = tree_take(&cur, kmax + 1, sizeof *at); /* at[t]: where subtree t of heldN began */
    cs_stepper st;
    cs_stepper_init(&st, q, ctx->rng);
    size_t held = 0, heldN = 0; /* the subtrees in finals: the first held of heldN's */
    at[0] = (mark){*st.rng, st.next_novel};
    for (size_t i = 0; i < nb; i++) {
        size_t N = budgets[i], M = tree_width(s->value[0], N), T = N / M, t = 0, n = 0;
        for (; t < held && t < T && subtree_width(heldN, held, t) == subtree_width(N, T, t); t++)
            n += subtree_width(N, T, t);
        *st.rng = at[t].rng; /* where this budget alone would grow its subtree t */
        st.next_novel = at[t].next_novel;
        for (; t < T; t++) {
            size_t w = subtree_width(N, T, t);
            cs_step_greedy(&st, w, prop, &finals[n]);
            n += w;
            at[t + 1] = (mark){*st.rng, st.next_novel};
        }
        held = T;
        heldN = N;
        for (unsigned d = 1; d <= q->L; d++)
            cs_step_record(q, &rec[i], (double)N, (double)N, d);
        ctx->score[i] = cs_steps_select_score(q, finals, N, tree_select(s), work);
    }
}

const cs_strategy_type cs_strategy_dvts = {
    .name = "dvts",
    .unit = "leaves (N chains finish)",
    .help = "N/M independent subtrees, each keeping its best of M proposals per step",
    .source = "HF search-and-learn (Beeching et al. 2024)",
    .uses = "[generator], [steps], [prm]",
    .params = dvts_params,
    .nparams = sizeof dvts_params / sizeof dvts_params[0],
    .run = dvts_run,
    .needs_steps = 1,
    .draws = CS_DRAWS_NONE,
    .work_size = dvts_work,
};
