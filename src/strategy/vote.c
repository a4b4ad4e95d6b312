/*
** vote: majority (plurality) vote over N generator calls (Wang et al.; Chen et al.).
*/
#include "callscale/strategy.h"
#include "exact.h"
#include "plurality.h"

static void vote_run(const cs_strategy_ctx *ctx)
{
    const cs_query *q = ctx->q;
    double *lw = ctx->scratch->sum;
    plurality_logs(q->pi, q->nans, lw);
    double now = 0;
    int settled = 0;
    for (size_t i = 0; i < ctx->nb; i++) {
        /* once settled, the outcome is carried forward and no more samples are asked for */
        if (!settled) {
            const uint32_t *c = cs_samples_counts(ctx->smp, i);
            now = plurality_vote(c, q->nans, q->novel, lw, &settled);
        }
        ctx->score[i] = now;
    }
}

/* Condition on the correct answer's count c ~ Bin(K, p); the other K - c votes split by the
** fixed shares, whatever p is. */
static double vote_exact(const cs_exact_ctx *ctx, double p, size_t K)
{
    double acc = 0;
    for (size_t c = 0; c <= K; c++)
        acc += cs_exact_binom(ctx, K, c, p) * cs_exact_vote_win(ctx, c, K - c);
    return acc;
}

const cs_strategy_type cs_strategy_vote = {
    .name = "vote",
    .unit = "generator calls",
    .help = "plurality vote over N answers; a tie among t answers scores 1/t",
    .source = "Wang et al. 2022; Chen et al. 2024",
    .uses = "[generator]",
    .run = vote_run,
    .exact = vote_exact,
    .record = cs_record_generations,
    .draws = CS_DRAWS_COUNTS,
    .exact_tables = 1,
};
