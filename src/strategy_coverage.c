/*
** coverage: the oracle's pass@N — right when any of N samples is right (Brown et al. 2024).
*/
#include <math.h>
#include "callscale/strategy.h"
#include "exact.h"

static void coverage_run(const cs_strategy *s, const cs_query *q, cs_samples *smp, cs_pcg32 *rng,
                         cs_scratch *scratch, const size_t *budgets, size_t nb, double *score,
                         cs_record *rec)
{
    (void)s;
    (void)rng;
    (void)scratch;
    /* Only the first correct sample matters: ask for samples in growing prefixes, so a query
    ** solved early costs little even when the largest budget is 10^5. */
    size_t kmax = budgets[nb - 1], first = kmax, k = 0, have = 0;
    while (first == kmax && have < kmax) {
        size_t want = have ? 2 * have : 64;
        have = want < kmax ? want : kmax;
        const uint16_t *ans = cs_samples_answers(smp, have);
        for (; k < have; k++)
            if (ans[k] == 0) {
                first = k;
                break;
            }
    }
    for (size_t i = 0; i < nb; i++) {
        score[i] = first < budgets[i] ? 1.0 : 0.0;
        cs_record_round(&rec[i], CS_CALL_GENERATE, (double)budgets[i], q->sample_tokens,
                        q->set->gen_params);
    }
}

static double coverage_exact(const cs_exact_ctx *ctx, double p, size_t K)
{
    (void)ctx;
    return -expm1((double)K * log1p(-p)); /* 1 - (1-p)^K */
}

static void coverage_cost(const cs_exact_ctx *ctx, double p, size_t K, cs_record *rec)
{
    (void)p;
    const cs_settings *set = &ctx->comp->set;
    cs_record_round(rec, CS_CALL_GENERATE, (double)K, set->gen_tokens, set->gen_params);
}

const cs_strategy_type cs_strategy_coverage = {
    .name = "coverage",
    .unit = "samples",
    .help = "oracle pass@N: right when any of the N samples is right",
    .source = "Brown et al. 2024 (Large Language Monkeys)",
    .uses = "[generator]",
    .run = coverage_run,
    .exact = coverage_exact,
    .cost = coverage_cost,
    .cost_fixed = 1,
};
