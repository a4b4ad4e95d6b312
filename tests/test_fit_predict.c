/*
** The fit's prediction past the fitted samples (src/fit.c): on logs drawn from known populations
** like the Tree-of-Thoughts one (100 queries, 100 samples, fitted on the first 20), the bootstrap
** 95% interval of coverage at 100 holds the truth, and the log's own coverage, often enough.
*/
#include <gsl/gsl_sf_gamma.h>
#include "callscale/error.h"
#include "callscale/experiment.h"
#include "callscale/fit.h"
#include "callscale/logfile.h"
#include "callscale/strategy.h"
#include "testutil_experiment.h"

/* 50 replications, as the parameter recovery; a 95% interval misses 2.5 times in 50 on
** average, so at least 45 holding is 2.5 below the mean against a binomial s.d. of 1.5. */
#define REPS 50
#define MIN_COVERED 45
#define QUERIES 100
#define LOGGED 100
#define REACH 100.0

typedef struct scenario {
    const char *name, *ini;
    size_t samples;
    double w, a, b;   /* weight of one Beta(a, b); the rest is a mass at p = 0 */
} scenario;

/* E[pass@k] of the population: w (1 - B(a, b + k) / B(a, b)); the mass at 0 adds nothing. */
static double true_coverage(const scenario *sc, double k)
{
    return sc->w * (1 - exp(gsl_sf_lnbeta(sc->a, sc->b + k) - gsl_sf_lnbeta(sc->a, sc->b)));
}

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* The 20-sample case of the Tree-of-Thoughts log, in a population like its own: the single-Beta
** fit of all its 100 samples is Beta(0.2155, 5.128), rounded here to Beta(0.2, 5). Measured while
** writing this (the same 50 replications, not asserted): at 50 samples the interval held the truth
** in 46 and the log's own coverage in 50; at 10 samples in 40 and 46, the percentile interval too
** narrow for the truth there; for a mass of 0.5 at 0 beside Beta(0.5, 4) at 20 samples, in 44 and
** 45 (BIC chose the mass in 5 of 50, and the refits keep the chosen structure, so the interval
** leaves out the choice's own uncertainty). Those two are open, not asserted. */
static const scenario scenarios[] = {
    {"one U-shaped Beta, 20 samples", "[experiment]\nanswers = open\n[population.one]\n"
     "p_correct = beta(0.2,5)\n", 20, 1, 0.2, 5},
};

START_TEST(prediction_interval)
{
    const scenario *sc = &scenarios[_i];
    cs_experiment ex;
    load_text_ok(&ex, sc->ini);
    double truth = true_coverage(sc, REACH), col[CS_FIT_BOOT], sum = 0;
    int held_truth = 0, held_observed = 0;
    for (int rep = 0; rep < REPS; rep++) {
        cs_log log;
        cs_error err;
        ck_assert_msg(cs_log_simulate(&log, &ex, QUERIES, LOGGED, 5000 + (uint64_t)rep, &err) == 0,
                      "%s", err.msg);
        free(log.answer);
        log.answer = NULL;
        /* the log's own coverage at 100: the share of queries with a right sample among all 100 */
        double observed = 0;
        for (size_t i = 0; i < log.nq; i++) {
            int any = 0;
            for (size_t j = log.start[i]; j < log.start[i + 1]; j++)
                any |= log.correct[j];
            observed += any;
        }
        observed /= (double)log.nq;
        /* as `callscale fit --samples K` does: BIC chooses the structure, CS_FIT_BOOT refits */
        cs_fit_options opt = {.samples = sc->samples, .boot = CS_FIT_BOOT, .seed = 1};
        cs_fit fit;
        ck_assert_msg(cs_fit_run(&log, &opt, &fit, &err) == 0, "%s", err.msg);
        for (size_t b = 0; b < CS_FIT_BOOT; b++)
            col[b] = cs_fit_coverage(&fit.boot[b], REACH);
        qsort(col, CS_FIT_BOOT, sizeof *col, cmp_double);
        double lo = col[(size_t)(0.025 * CS_FIT_BOOT)], hi = col[(size_t)(0.975 * CS_FIT_BOOT) - 1];
        double pred = cs_fit_coverage(&fit.best, REACH);
        sum += pred;
        held_truth += lo <= truth && truth <= hi;
        held_observed += lo <= observed && observed <= hi;
        if (getenv("CS_TEST_VERBOSE"))
            fprintf(stderr, "%s rep %d: %d Betas%s, predicted %.4f [%.4f, %.4f], observed %.4f\n",
                    sc->name, rep, fit.best.nbeta, fit.best.mass0 ? " + mass 0" : "", pred, lo, hi,
                    observed);
        cs_fit_free(&fit);
        cs_log_free(&log);
    }
    if (getenv("CS_TEST_VERBOSE"))
        fprintf(stderr, "%s: truth %.4f, mean prediction %.4f, held truth %d, observed %d of %d\n",
                sc->name, truth, sum / REPS, held_truth, held_observed, REPS);
    ck_assert_msg(held_truth >= MIN_COVERED, "%s: the interval held E[pass@100] = %.4f in %d of %d",
                  sc->name, truth, held_truth, REPS);
    ck_assert_msg(held_observed >= MIN_COVERED,
                  "%s: the interval held the log's own coverage at 100 in %d of %d", sc->name,
                  held_observed, REPS);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("fit_predict");
    TCase *tc = tcase_create("prediction");
    tcase_set_timeout(tc, 600);
    tcase_add_loop_test(tc, prediction_interval, 0, (int)(sizeof scenarios / sizeof scenarios[0]));
    suite_add_tcase(s, tc);
    return s;
}
