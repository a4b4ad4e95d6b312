/*
** best_of_n: N samples scored by the reward model; the highest score is the answer.
*/
#include <math.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_roots.h>
#include "callscale/strategy.h"
#include "exact.h"

static void best_of_n_run(const cs_strategy_ctx *ctx)
{
    for (size_t i = 0; i < ctx->nb; i++) /* the answer holding the highest score so far */
        ctx->score[i] = cs_samples_leader(ctx->smp, i) == 0 ? 1.0 : 0.0;
}

/* Exact form without answer-level noise: scores are independent, N(sep, s^2) when right and
** N(0, s^2) when wrong, with CDF G = p G_c + (1-p) G_w per sample. The best of K has CDF G^K, and it
** is right with the posterior r(x) = p g_c(x) / (p g_c(x) + (1-p) g_w(x)) at its score x, so
** accuracy = E[r(X_max)] = integral over v in (0,1) of r(G^-1(v^(1/K))) dv — smooth and bounded for
** every K, where the x-space integrand concentrates ever further out. */
typedef struct bon {
    double p, sep, sd, q;
    gsl_root_fsolver *solver; /* one for all the quantiles of an integral */
} bon;

static double upper_tail(double x, void *v)
{
    const bon *b = v;
    return b->p * gsl_cdf_ugaussian_Q((x - b->sep) / b->sd) +
           (1 - b->p) * gsl_cdf_ugaussian_Q(x / b->sd) - b->q;
}

/* Score x whose upper tail 1 - G(x) is q: it lies between the two components' quantiles. */
static double tail_quantile(bon *b)
{
    double z = b->sd * gsl_cdf_ugaussian_Qinv(b->q);
    double lo = z + (b->sep < 0 ? b->sep : 0), hi = z + (b->sep > 0 ? b->sep : 0);
    if (hi - lo < 1e-15)
        return lo;
    gsl_function f = {upper_tail, b};
    gsl_root_fsolver *s = b->solver;
    double x = 0.5 * (lo + hi);
    if (gsl_root_fsolver_set(s, &f, lo, hi))
        return x;
    for (int i = 0; i < 200; i++) {
        gsl_root_fsolver_iterate(s);
        x = gsl_root_fsolver_root(s);
        if (gsl_root_test_interval(gsl_root_fsolver_x_lower(s), gsl_root_fsolver_x_upper(s), 1e-14,
                                   1e-14) == GSL_SUCCESS)
            break;
    }
    return x;
}

typedef struct bon_k {
    bon b;
    size_t K;
} bon_k;

static double posterior_at_max(double v, void *data)
{
    bon_k *d = data;
    d->b.q = -expm1(log(v) / (double)d->K); /* 1 - v^(1/K), precise when v^(1/K) is near 1 */
    if (d->b.q <= 0 || d->b.q >= 1)
        return d->b.q <= 0 ? (d->b.sep > 0 ? 1 : 0) : (d->b.sep > 0 ? 0 : 1);
    double x = tail_quantile(&d->b), sd2 = d->b.sd * d->b.sd;
    double llr = (2 * x * d->b.sep - d->b.sep * d->b.sep) / (2 * sd2);
    return 1 / (1 + (1 - d->b.p) / d->b.p * exp(-llr));
}

static double best_of_n_exact(const cs_exact_ctx *ctx, double p, size_t K)
{
    const cs_settings *set = &ctx->comp->set;
    if (p <= 0 || p >= 1 || K == 1 || set->separation == 0)
        return p <= 0 ? 0 : p >= 1 ? 1 : K == 1 ? p : p;
    gsl_root_fsolver *solver = gsl_root_fsolver_alloc(gsl_root_fsolver_brent);
    bon_k d = {{p, set->separation, set->sample_noise, 0, solver}, K};
    gsl_function f = {posterior_at_max, &d};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    double res = NAN, err;
    if (ws && solver)
        gsl_integration_qag(&f, 0, 1, 1e-12, 1e-10, 1000, GSL_INTEG_GAUSS21, ws, &res, &err);
    if (ws)
        gsl_integration_workspace_free(ws);
    if (solver)
        gsl_root_fsolver_free(solver);
    return res;
}

static int best_of_n_check(const cs_strategy *s, const cs_component *c, char *why, size_t n)
{
    (void)s;
    if (c->set.answer_noise != 0) {
        snprintf(why, n, "answer_noise = %g makes the scores of one answer share a bias; the exact "
                 "form needs answer_noise = 0", c->set.answer_noise);
        return 1;
    }
    if (!(c->set.sample_noise > 0)) {
        snprintf(why, n, "sample_noise = 0 makes scores tie; the exact form needs sample_noise > 0");
        return 1;
    }
    return 0;
}

const cs_strategy_type cs_strategy_best_of_n = {
    .name = "best_of_n",
    .unit = "samples (N generations + N reward-model scores)",
    .help = "the sample the reward model scores highest ([verifier] settings)",
    .source = "Cobbe et al. 2021; Snell et al. 2024",
    .uses = "[generator], [verifier]",
    .run = best_of_n_run,
    .exact = best_of_n_exact,
    .exact_check = best_of_n_check,
    .record = cs_record_scored,
    .exact_when = "answer_noise = 0 and sample_noise > 0",
    .draws = CS_DRAWS_MAXIMA,
};
