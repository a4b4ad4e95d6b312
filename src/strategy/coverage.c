/*
** coverage: the oracle's pass@N — right when any of N samples is right (Brown et al. 2024).
*/
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_gamma.h>
#include "callscale/strategy.h"
#include "exact.h"

static void coverage_run(const cs_strategy_ctx *ctx)
{
    int found = 0;
    for (size_t i = 0; i < ctx->nb; i++) {
        /* once a right answer is among the samples, no more are asked for */
        if (!found)
            found = cs_samples_counts(ctx->smp, i)[0] > 0;
        ctx->score[i] = found ? 1.0 : 0.0;
    }
}

static double coverage_exact(const cs_exact_ctx *ctx, double p, size_t K)
{
    (void)ctx;
    return -expm1((double)K * log1p(-p)); /* 1 - (1-p)^K */
}

/* E[1 - (1-p)^K] over p ~ Beta(a, b) restricted to [lo, hi]: (1-p)^K times the density is
** B(a, b+K)/B(a, b) times the Beta(a, b+K) density (Schaeffer et al. 2025), so the integral is
** I_hi(a,b) - I_lo(a,b) - B(a,b+K)/B(a,b) [I_hi(a,b+K) - I_lo(a,b+K)], I the regularised
** incomplete beta function. */
static double coverage_exact_beta(const cs_exact_ctx *ctx, double a, double b, double lo,
                                  double hi, size_t K)
{
    (void)ctx;
    double bk = b + (double)K, ratio = exp(gsl_sf_lnbeta(a, bk) - gsl_sf_lnbeta(a, b));
    if (lo <= 0 && hi >= 1)
        return -expm1(gsl_sf_lnbeta(a, bk) - gsl_sf_lnbeta(a, b));
    double mass = gsl_cdf_beta_P(hi, a, b) - gsl_cdf_beta_P(lo, a, b);
    return mass - ratio * (gsl_cdf_beta_P(hi, a, bk) - gsl_cdf_beta_P(lo, a, bk));
}

const cs_strategy_type cs_strategy_coverage = {
    .name = "coverage",
    .unit = "samples",
    .help = "oracle pass@N: right when any of the N samples is right",
    .source = "Brown et al. 2024 (Large Language Monkeys)",
    .uses = "[generator]",
    .run = coverage_run,
    .draws = CS_DRAWS_COUNTS,
    .exact = coverage_exact,
    .exact_beta = coverage_exact_beta,
    .record = cs_record_generations,
};
