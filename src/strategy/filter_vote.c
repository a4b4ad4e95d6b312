/*
** filter_vote: a judge call on each of N answers; vote among those judged correct, or among all
** when the judge rejects every one (Chen et al. 2024).
*/
#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "callscale/strategy.h"
#include "exact.h"
#include "plurality.h"

static void filter_vote_run(const cs_strategy_ctx *ctx)
{
    const cs_query *q = ctx->q;
    size_t m = q->nans;
    uint32_t *kept = ctx->scratch->count;
    double *lw = ctx->scratch->sum; /* log of how likely each answer is to be drawn and kept */
    memset(kept, 0, m * sizeof *kept);
    for (size_t j = 0; j < m; j++)
        lw[j] = q->pi[j] * (j == 0 ? q->set->tpr : q->set->fpr);
    plurality_logs(lw, m, lw);
    gsl_rng judge = {cs_rng_pcg32, ctx->rng}; /* GSL's binomial drawing from this strategy's stream */
    const uint32_t *prev = NULL;
    uint32_t nkept = 0;
    double now = 0;
    int settled = 0;
    for (size_t i = 0; i < ctx->nb; i++) {
        if (!settled) {
            /* the judge keeps each new answer independently: a binomial per answer */
            const uint32_t *c = cs_samples_counts(ctx->smp, i);
            for (size_t j = 0; j < m; j++) {
                uint32_t d = c[j] - (prev ? prev[j] : 0u);
                if (d) {
                    uint32_t k = gsl_ran_binomial(&judge, j == 0 ? q->set->tpr : q->set->fpr, d);
                    kept[j] += k;
                    nkept += k;
                }
            }
            prev = c;
            /* once something is kept the fallback never returns, so only the kept vote matters */
            if (nkept)
                now = plurality_vote(kept, m, q->novel, lw, &settled);
            else
                now = plurality_score(c, m, q->novel);
        }
        ctx->score[i] = now;
    }
}

/* Bands of a binomial outside which the mass is below 1e-25 (Chernoff: 12 s.d. plus 40 covers
** both the central and the Poisson-like regime). */
static void band(size_t n, double x, size_t *lo, size_t *hi)
{
    double m = (double)n * x, w = 12.0 * sqrt(m * (1 - x)) + 40.0;
    *lo = m - w > 0 ? (size_t)(m - w) : 0;
    *hi = m + w < (double)n ? (size_t)(m + w) + 1 : n;
    if (*hi > n)
        *hi = n;
}

/* Each answer is kept and correct (a = p tpr), kept and wrong (b = (1-p) fpr) or dropped.
** With c kept correct and w kept wrong, the kept vote is won with cs_exact_vote_win(c, w) (the kept wrong
** answers keep their shares, as fpr is the same for all); when all K are dropped, the fallback
** vote is over answers that are correct with probability p (1-tpr) / d. */
static double filter_vote_exact(const cs_exact_ctx *ctx, double p, size_t K)
{
    double t = ctx->comp->set.tpr, f = ctx->comp->set.fpr;
    double a = p * t, b = (1 - p) * f, d = 1 - a - b;
    if (d < 0)
        d = 0;
    double acc = 0;
    size_t clo, chi;
    band(K, a, &clo, &chi);
    if (clo < 1)
        clo = 1;
    for (size_t c = clo; c <= chi; c++) {
        double pc = cs_exact_binom(ctx, K, c, a);
        if (pc == 0)
            continue;
        double bw = a < 1 ? b / (1 - a) : 0;
        size_t wlo, whi;
        band(K - c, bw, &wlo, &whi);
        double inner = 0;
        for (size_t w = wlo; w <= whi; w++)
            inner += cs_exact_binom(ctx, K - c, w, bw) * cs_exact_vote_win(ctx, c, w);
        acc += pc * inner;
    }
    if (d > 0) {
        double pd = pow(d, (double)K);
        if (pd > 0) {
            double x = p * (1 - t) / d, fb = 0;
            for (size_t c = 0; c <= K; c++)
                fb += cs_exact_binom(ctx, K, c, x) * cs_exact_vote_win(ctx, c, K - c);
            acc += pd * fb;
        }
    }
    return acc;
}

/* N generations, then N judge calls */
static void filter_vote_record(const cs_strategy *s, const cs_settings *set, double tokens,
                               double score_params, size_t N, cs_record *rec)
{
    (void)s;
    (void)score_params;
    cs_record_round(rec, CS_CALL_GENERATE, (double)N, tokens, set->gen_params);
    cs_record_call(rec, CS_CALL_JUDGE, (double)N, tokens, set->judge_tokens, set->judge_params);
}

const cs_strategy_type cs_strategy_filter_vote = {
    .name = "filter_vote",
    .unit = "generations (2 calls each)",
    .help = "a judge call per answer; vote among the answers judged correct, or all if none is",
    .source = "Chen et al. 2024",
    .uses = "[generator], [judge]",
    .run = filter_vote_run,
    .exact = filter_vote_exact,
    .record = filter_vote_record,
    .draws = CS_DRAWS_COUNTS,
    .exact_tables = 1,
};
