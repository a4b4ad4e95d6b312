/*
** Verifier strategies: exact forms against independent computations, common random numbers, and
** the findings the shipped experiments must show.
*/
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include "callscale/exact.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"
#include "testutil_cells.h"
#include "testutil_sweep.h"

static void load(cs_experiment *ex, const char *text_or_path, int is_path, const char **sets,
                 size_t nsets)
{
    cs_error err;
    const char *path = is_path ? text_or_path : write_temp_ini(text_or_path);
    ck_assert_msg(cs_experiment_load(ex, path, sets, nsets, &err) == 0, "%s:%d: %s", err.file,
                  err.line, err.msg);
    if (!is_path)
        remove(path);
}
static void run_exact(const cs_experiment *ex, cs_results *r)
{
    cs_error err;
    ck_assert_int_eq(cs_results_init(r, ex), 0);
    ck_assert_msg(cs_exact_run(ex, r, &err) == 0, "%s", err.msg);
}

/* Coverage of a Beta(a,b) population: 1 - B(a, b+N)/B(a, b), the closed form of Schaeffer et al. */
START_TEST(coverage_beta_closed_form)
{
    gsl_set_error_handler_off();
    const double a = 0.4, b = 4;
    cs_experiment ex;
    load(&ex, "[experiment]\nbudgets = 1,7,100,1000,100000\nanswers = open\n"
              "[population.x]\np_correct = beta(0.4,4)\n[strategy.coverage]\n", 0, NULL, 0);
    cs_results r;
    run_exact(&ex, &r);
    for (size_t i = 0; i < ex.nbudgets; i++) {
        double N = (double)ex.budgets[i];
        double want = 1 - exp(gsl_sf_lnbeta(a, b + N) - gsl_sf_lnbeta(a, b));
        ck_assert_msg(fabs(cell_mean(&r, 0, i, 0) - want) < 1e-6, "N=%g: %.12f vs %.12f", N,
                      cell_mean(&r, 0, i, 0), want);
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Resampling, fixed p: a direct sum over the draw at which the judge first accepts. */
START_TEST(resample_direct_sum)
{
    gsl_set_error_handler_off();
    const double p = 0.3, t = 0.85, f = 0.2;
    cs_experiment ex;
    load(&ex, "[experiment]\nbudgets = 1,2,3,10,50\nanswers = 3\n"
              "[population.x]\np_correct = 0.3\n[judge]\ntpr = 0.85\nfpr = 0.2\n"
              "[generator]\ntokens = 100\n[strategy.resample]\n", 0, NULL, 0);
    cs_results r;
    run_exact(&ex, &r);
    for (size_t i = 0; i < ex.nbudgets; i++) {
        size_t K = ex.budgets[i];
        double want = 0, draws = 0, reject_all = 1;
        for (size_t j = 1; j <= K; j++) {
            /* draws 1..j-1 rejected; draw j accepted (and right), or j = K and rejected (and right) */
            want += reject_all * p * t;
            if (j == K)
                want += reject_all * p * (1 - t);
            draws += reject_all; /* draw j happens when the first j-1 were rejected */
            reject_all *= 1 - (p * t + (1 - p) * f);
        }
        ck_assert_msg(fabs(cell_mean(&r, 0, i, 0) - want) < 1e-12, "K=%zu", K);
        const cs_cell *c = cs_results_cell(&r, 0, i, 0);
        ck_assert(fabs(c->calls - 2 * draws) < 1e-9);
        ck_assert(fabs(c->tokens - 2 * 100 * draws) < 1e-6); /* judge tokens default to generator's */
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Best-of-N without answer noise, by a direct integral over the best correct sample's score x:
** P(right) = K p int phi_c(x) G(x)^(K-1) dx, G(x) = p Phi((x - sep)/s) + (1-p) Phi(x/s). */
typedef struct direct {
    double p, sep, s;
    double K;
} direct;

static double direct_integrand(double x, void *v)
{
    const direct *d = v;
    double G = d->p * gsl_cdf_ugaussian_P((x - d->sep) / d->s) +
               (1 - d->p) * gsl_cdf_ugaussian_P(x / d->s);
    return d->K * d->p * gsl_ran_gaussian_pdf(x - d->sep, d->s) * pow(G, d->K - 1);
}

static double bon_direct(double p, double sep, double s, double K)
{
    direct d = {p, sep, s, K};
    gsl_function f = {direct_integrand, &d};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(2000);
    double res, err;
    gsl_integration_qagi(&f, 1e-13, 1e-11, 2000, ws, &res, &err);
    gsl_integration_workspace_free(ws);
    return res;
}

START_TEST(best_of_n_direct_integral)
{
    gsl_set_error_handler_off();
    cs_experiment ex;
    load(&ex, "[experiment]\nbudgets = 1,2,5,32,300\nanswers = 4\n"
              "[population.x]\np_correct = 0.35\n"
              "[verifier]\nseparation = 1.2\nanswer_noise = 0\nsample_noise = 0.8\n"
              "[strategy.best_of_n]\n", 0, NULL, 0);
    cs_results r;
    run_exact(&ex, &r);
    for (size_t i = 0; i < ex.nbudgets; i++) {
        double want = bon_direct(0.35, 1.2, 0.8, (double)ex.budgets[i]);
        ck_assert_msg(fabs(cell_mean(&r, 0, i, 0) - want) < 1e-6, "K=%zu: %.10f vs %.10f", ex.budgets[i],
                      cell_mean(&r, 0, i, 0), want);
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* A Beta component: the direct integral integrated again over p with the Beta density. */
typedef struct outer {
    double a, b, sep, s, K;
} outer;

static double outer_integrand(double p, void *v)
{
    const outer *o = v;
    return bon_direct(p, o->sep, o->s, o->K) * gsl_ran_beta_pdf(p, o->a, o->b);
}

START_TEST(best_of_n_beta_direct_integral)
{
    gsl_set_error_handler_off();
    cs_experiment ex;
    load(&ex, "[experiment]\nbudgets = 3,40\n"
              "[population.x]\np_correct = beta(2,3)\n"
              "[verifier]\nseparation = 1\nanswer_noise = 0\nsample_noise = 1\n"
              "[strategy.best_of_n]\n", 0, NULL, 0);
    cs_results r;
    run_exact(&ex, &r);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    for (size_t i = 0; i < ex.nbudgets; i++) {
        outer o = {2, 3, 1, 1, (double)ex.budgets[i]};
        gsl_function f = {outer_integrand, &o};
        double want, err;
        gsl_integration_qags(&f, 0, 1, 1e-10, 1e-9, 1000, ws, &want, &err);
        ck_assert_msg(fabs(cell_mean(&r, 0, i, 0) - want) < 1e-6, "K=%zu: %.10f vs %.10f", ex.budgets[i],
                      cell_mean(&r, 0, i, 0), want);
    }
    gsl_integration_workspace_free(ws);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

START_TEST(exact_refuses_what_it_cannot_do)
{
    gsl_set_error_handler_off();
    cs_experiment ex;
    cs_error err;
    load(&ex, "[experiment]\nbudgets = 4\n[population.x]\np_correct = 0.5\nanswer_noise = 0.3\n"
              "[strategy.best_of_n]\n", 0, NULL, 0);
    cs_results r;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    ck_assert_int_eq(cs_exact_run(&ex, &r, &err), CS_ERR_UNSUPPORTED);
    ck_assert_int_eq(err.line, 3); /* the component whose answer_noise is not 0 */
    ck_assert_ptr_nonnull(strstr(err.msg, "answer_noise"));
    cs_results_free(&r);
    cs_experiment_free(&ex);
    load(&ex, "[experiment]\nbudgets = 4\n[strategy.weighted_vote]\n", 0, NULL, 0);
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    ck_assert_int_eq(cs_exact_run(&ex, &r, &err), CS_ERR_UNSUPPORTED);
    ck_assert_int_eq(err.line, 3);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Common random numbers: at N = 1 every selection rule returns the one shared sample, so vote,
** best_of_n, weighted_vote and coverage agree exactly, query by query and so in sum. */
START_TEST(common_random_numbers)
{
    cs_experiment ex;
    load(&ex, "[experiment]\nqueries = 3000\nbudgets = 1,8\nanswers = open\n"
              "[population.x]\np_correct = beta(2,2)\nwrong = dirichlet(1)\n"
              "[strategy.vote]\n[strategy.best_of_n]\n[strategy.weighted_vote]\n[strategy.coverage]\n",
         0, NULL, 0);
    cs_results r;
    sweep_ok(&ex, &r, 2);
    for (size_t s = 1; s < 4; s++)
        ck_assert_double_eq(cell_mean(&r, s, 0, 0), cell_mean(&r, 0, 0, 0));
    /* and at N = 8 the oracle bounds every rule, query by query, hence in sum */
    for (size_t s = 0; s < 3; s++)
        ck_assert(cell_mean(&r, s, 1, 0) <= cell_mean(&r, 3, 1, 0));
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Least-squares slope of ln(1 - coverage) against ln N over budgets in [lo, hi]. */
static double failure_slope(const cs_experiment *ex, const cs_results *r, double lo, double hi)
{
    double sx = 0, sy = 0, sxx = 0, sxy = 0, n = 0;
    for (size_t i = 0; i < ex->nbudgets; i++) {
        double N = (double)ex->budgets[i];
        if (N < lo || N > hi)
            continue;
        double x = log(N), y = log(1 - cell_mean(r, 0, i, 0));
        sx += x;
        sy += y;
        sxx += x * x;
        sxy += x * y;
        n++;
    }
    return (n * sxy - sx * sy) / (n * sxx - sx * sx);
}

/* The power-law experiment: the failure rate's log-log slope between 10^3 and 10^5 recovers the
** Beta's a = 0.4 within 0.02 (Schaeffer et al.). The asymptotic slope is exactly -a; between 10^3
** and 10^5 the next term shifts it by about a b / N < 0.002, and the Monte Carlo error of the slope
** with 200000 queries is about 0.004, so 0.02 is 5 s.e. of margin. */
START_TEST(power_law_exponent)
{
    cs_experiment ex;
    load(&ex, "experiments/monkeys_power_law.ini", 1, NULL, 0);
    ck_assert_int_eq(ex.comp[0].p_kind, CS_P_BETA);
    cs_results r;
    sweep_ok(&ex, &r, 2);
    double slope = failure_slope(&ex, &r, 1e3, 1e5);
    printf("power law: fitted exponent %.4f, population a = %.4f\n", -slope, ex.comp[0].a);
    ck_assert_msg(fabs(-slope - ex.comp[0].a) < 0.02, "slope %.4f", slope);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

typedef struct ceiling {
    double a, b, t, f;
} ceiling;

static double ceiling_integrand(double p, void *v)
{
    const ceiling *c = v;
    return p * c->t / (p * c->t + (1 - p) * c->f) * gsl_ran_beta_pdf(p, c->a, c->b);
}

/* The imperfect-verifier experiment: resampling's last point is within 4 s.e. of the ceiling
** E[p t / (p t + (1-p) f)], computed here by quadrature over the Beta population. */
START_TEST(resample_ceiling)
{
    gsl_set_error_handler_off();
    cs_experiment ex;
    load(&ex, "experiments/imperfect_verifier.ini", 1, NULL, 0);
    ck_assert_str_eq(ex.strat[0].type->name, "resample");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    ceiling c = {ex.comp[0].a, ex.comp[0].b, ex.comp[0].set.tpr, ex.comp[0].set.fpr};
    gsl_function f = {ceiling_integrand, &c};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    double want, err;
    gsl_integration_qags(&f, 0, 1, 1e-12, 1e-10, 1000, ws, &want, &err);
    gsl_integration_workspace_free(ws);
    size_t last = ex.nbudgets - 1;
    double got = cell_mean(&r, 0, last, 0), s = cell_se(&r, 0, last, 0);
    printf("resample: last point %.4f +- %.4f, ceiling %.4f\n", got, s, want);
    ck_assert_msg(fabs(got - want) <= 4 * s, "%.5f vs ceiling %.5f (s.e. %.5f)", got, want, s);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* The over-optimisation experiment: best-of-n peaks and then falls, each change beyond 4 s.e. (the
** s.e. of a difference taken as sqrt(se1^2 + se2^2), which ignores the positive correlation that
** common random numbers add, so it overstates the error), and weighted vote ends above it. */
START_TEST(bon_overoptimizes)
{
    cs_experiment ex;
    load(&ex, "experiments/bon_overoptimization.ini", 1, NULL, 0);
    ck_assert_str_eq(ex.strat[0].type->name, "best_of_n");
    ck_assert_str_eq(ex.strat[1].type->name, "weighted_vote");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    size_t peak = 0, last = ex.nbudgets - 1;
    for (size_t i = 0; i < ex.nbudgets; i++)
        if (cell_mean(&r, 0, i, 0) > cell_mean(&r, 0, peak, 0))
            peak = i;
    ck_assert_uint_gt(peak, 0);
    ck_assert_uint_lt(peak, last);
    double d_rise = cell_mean(&r, 0, peak, 0) - cell_mean(&r, 0, 0, 0);
    double d_fall = cell_mean(&r, 0, peak, 0) - cell_mean(&r, 0, last, 0);
    double d_wv = cell_mean(&r, 1, last, 0) - cell_mean(&r, 0, last, 0);
    double s_rise = hypot(cell_se(&r, 0, peak, 0), cell_se(&r, 0, 0, 0));
    double s_fall = hypot(cell_se(&r, 0, peak, 0), cell_se(&r, 0, last, 0));
    double s_wv = hypot(cell_se(&r, 1, last, 0), cell_se(&r, 0, last, 0));
    printf("best-of-n: peak %.4f at N=%zu, %.1f s.e. above N=1 and %.1f s.e. above N=%zu; weighted "
           "vote %.1f s.e. above best-of-n there\n", cell_mean(&r, 0, peak, 0), ex.budgets[peak],
           d_rise / s_rise, d_fall / s_fall, ex.budgets[last], d_wv / s_wv);
    ck_assert(d_rise > 4 * s_rise);
    ck_assert(d_fall > 4 * s_fall);
    ck_assert(d_wv > 4 * s_wv);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("verifier");
    TCase *tc = tcase_create("exact");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, coverage_beta_closed_form);
    tcase_add_test(tc, resample_direct_sum);
    tcase_add_test(tc, best_of_n_direct_integral);
    tcase_add_test(tc, best_of_n_beta_direct_integral);
    tcase_add_test(tc, exact_refuses_what_it_cannot_do);
    suite_add_tcase(s, tc);
    TCase *mc = tcase_create("monte-carlo");
    tcase_set_timeout(mc, 600);
    tcase_add_test(mc, common_random_numbers);
    tcase_add_test(mc, power_law_exponent);
    tcase_add_test(mc, resample_ceiling);
    tcase_add_test(mc, bon_overoptimizes);
    suite_add_tcase(s, mc);
    return s;
}
