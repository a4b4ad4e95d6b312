/*
** adaptive_vote: majority vote that stops early once it is confident (Aggarwal et al. 2023,
** Adaptive-Consistency): `batch` samples at a time, at most N, from the shared samples vote reads.
*/
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "callscale/strategy.h"
#include "plurality.h"

static const cs_param adaptive_params[] = {
    {"confidence", "0.95", 0.5, 1, 0, NULL, 0,
     "stop once P(leader likelier than runner-up) >= this (Beta rule); 1: never early (vote)"},
    {"batch", "1", 1, 1e6, 1, NULL, 0,
     "samples drawn together, one generation round each; the rule is checked after every batch"},
};

/* The stopping rule. Adaptive-Consistency's Dirichlet criterion asks for the posterior probability,
** under a uniform Dirichlet prior on the answer distribution, that the current leader is the most
** likely answer. We use the form the paper's experiments (and its released code's default) use:
** the Beta approximation that keeps only the leader's count a and the runner-up's b, for which the
** posterior of the leader's share of the two is Beta(a + 1, b + 1) and the rule is
** P(Beta(a + 1, b + 1) > 1/2) >= confidence. Why this form: a closed form (the regularised
** incomplete beta function), deterministic — the full Dirichlet probability over every answer needs
** a multidimensional integral, which the authors estimate by Monte Carlo — and, as they report, it
** stops as early at matched accuracy. The lower tail is what is computed, so a confidence near 1 is
** not lost to rounding (1 - P is 2^-(a+1) when b = 0). */
static int confident(uint32_t a, uint32_t b, double confidence)
{
    if (!(confidence < 1) || a <= b)
        return confidence <= 0.5 && a == b && a > 0; /* P = 1/2 exactly when a = b */
    return gsl_cdf_beta_P(0.5, (double)a + 1, (double)b + 1) <= 1 - confidence;
}

/* The calls of c samples drawn `batch` at a time: full batches, then what is left. */
static void record_calls(const cs_query *q, size_t c, size_t batch, cs_record *rec)
{
    size_t full = c / batch, rest = c % batch;
    if (full)
        cs_record_rounds(rec, CS_CALL_GENERATE, (double)full, (double)batch, q->sample_tokens,
                         q->set->gen_params);
    if (rest)
        cs_record_round(rec, CS_CALL_GENERATE, (double)rest, q->sample_tokens, q->set->gen_params);
}

static void adaptive_run(const cs_strategy_ctx *ctx)
{
    const cs_strategy *s = ctx->s;
    const cs_query *q = ctx->q;
    const size_t *budgets = ctx->budgets;
    size_t nb = ctx->nb;
    double *score = ctx->score;
    cs_record *rec = ctx->rec;
    cs_samples *smp = ctx->smp;
    double confidence = s->value[0];
    size_t batch = (size_t)s->value[1], kmax = budgets[nb - 1];
    uint32_t *count = ctx->scratch->count;
    memset(count, 0, q->nans * sizeof *count);
    /* the leader's count a and the runner-up's b, kept as votes arrive; a novel answer is a new
    ** answer of one vote */
    uint32_t a = 0, b = 0;
    long lead = -1;
    const uint16_t *ans = NULL;
    size_t have = 0, i = 0, t = 0;
    while (i < nb) {
        if (t == have) { /* ask the shared samples for the next batch (they draw ahead in chunks) */
            have = t + batch < kmax ? t + batch : kmax;
            ans = cs_samples_answers(smp, have);
        }
        long j = ans[t++];
        uint32_t c = j == q->novel ? 1 : ++count[j];
        if (j == q->novel)
            count[j]++;
        if (j == lead && j != q->novel) {
            a = c;
        } else if (c > a) {
            b = a;
            a = c;
            lead = j;
        } else if (c > b) {
            b = c;
        }
        int stop = t % batch == 0 && confident(a, b, confidence);
        if (t == budgets[i] || stop) {
            double now = plurality_score(count, q->nans, q->novel);
            /* this budget, and once stopped every larger one: the same votes, t calls */
            for (; i < nb && (t == budgets[i] || stop); i++) {
                score[i] = now;
                record_calls(q, t, batch, &rec[i]);
            }
        }
    }
}

const cs_strategy_type cs_strategy_adaptive_vote = {
    .name = "adaptive_vote",
    .unit = "calls at most",
    .help = "majority vote drawing `batch` samples at a time until the leader is the mode with "
            "posterior probability `confidence`",
    .source = "Aggarwal et al. 2023 (Adaptive-Consistency)",
    .uses = "[generator]",
    .params = adaptive_params,
    .nparams = sizeof adaptive_params / sizeof adaptive_params[0],
    .run = adaptive_run,
    .draws = CS_DRAWS_SEQUENCE,
};
