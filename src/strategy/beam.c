/*
** beam: PRM-guided beam search (Snell et al. 2024; search-and-learn). N first steps; at each depth
** keep the N/M best prefixes and expand each with M proposals; with lookahead k, a prefix is ranked
** by the PRM's score after k more steps rolled out (and thrown away). N chains finish; `select`
** picks the answer.
*/
#include <string.h>
#include "tree.h"

static const cs_param beam_params[] = {
    {"beam_width", "4", 1, 4096, 1, "sqrt", 0, "M: proposals per kept prefix; 'sqrt' for sqrt(N)"},
    {"lookahead", "0", 0, 64, 1, NULL, 0, "k: steps rolled out to score a prefix (cost N (k+1) steps per depth)"},
    SELECT_PARAM,
};

/* Rank the prefixes (by their score, or by the score k steps further on a rollout) and give the
** N/M best M children each, and what is left over to the best ones, so that N children follow. */
static void beam_alloc(const tree_ctx *c, cs_stepper *st, const cs_node *a, size_t N, unsigned d,
                       size_t *kids, size_t *order, cs_record *rec)
{
    unsigned k = (unsigned)c->s->value[1], L = c->q->L, ahead = k < L - d ? k : L - d;
    if (ahead) {
        for (size_t j = 0; j < N; j++) {
            cs_node end;
            cs_step_rollout(st, &a[j], d + ahead, &end);
            c->key[j] = end.agg;
        }
        cs_step_record(c->q, rec, (double)(N * ahead), (double)N, d + ahead);
    } else {
        for (size_t j = 0; j < N; j++)
            c->key[j] = a[j].agg;
    }
    size_t M = tree_width(c->s->value[0], N), keep = N / M, extra = N - keep * M;
    cs_steps_rank_top(c->key, N, keep, order, kids, c->kept); /* kids: work until filled below */
    memset(kids, 0, N * sizeof *kids);
    /* M each, and the N - keep M left over one at a time to the best, round after round when
    ** there are more of them than kept prefixes (N = 7, M = 4: one prefix, all 7): always N */
    for (size_t r = 0; r < keep; r++)
        kids[order[r]] = M + extra / keep + (r < extra % keep ? 1 : 0);
}

static void beam_run(const cs_strategy_ctx *ctx)
{
    tree_frontier_run(ctx, beam_alloc);
}

const cs_strategy_type cs_strategy_beam = {
    .name = "beam",
    .unit = "beams (N chains finish)",
    .help = "PRM beam search: keep N/M prefixes, M proposals each; optional lookahead",
    .source = "Snell et al. 2024; HF search-and-learn",
    .uses = "[generator], [steps], [prm]",
    .params = beam_params,
    .nparams = sizeof beam_params / sizeof beam_params[0],
    .run = beam_run,
    .needs_steps = 1,
    .draws = CS_DRAWS_NONE,
    .work_size = tree_frontier_work,
};
