/*
** Monte Carlo against exact mode on every shipped experiment: every budget, every bin.
*/
#include <glob.h>
#include <gsl/gsl_errno.h>
#include "callscale/exact.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"

/* Tolerance: 4 standard errors. A score lies in [0,1] with mean a, so its variance is at most
** a(1 - a) (equality for 0/1 scores; tie credit only lowers it): s.e. <= sqrt(a(1-a)/n). We use
** that bound from the exact a, so a cell whose Monte Carlo variance happens to be 0 is still
** judged fairly. With a few hundred cells, a 4 s.e. band fails by chance with probability about
** 6e-5 per cell, and the seeds are fixed. */
#define Z_MAX 4.0

static void check_experiment(const char *path)
{
    cs_experiment ex;
    cs_error err;
    ck_assert_msg(cs_experiment_load(&ex, path, NULL, 0, &err) == 0, "%s: %s", path, err.msg);
    cs_results mc, exact;
    ck_assert_int_eq(cs_results_init(&mc, &ex), 0);
    ck_assert_int_eq(cs_results_init(&exact, &ex), 0);
    int rc = cs_exact_run(&ex, &exact, &err);
    if (rc == CS_ERR_UNSUPPORTED) {
        printf("%s: no exact form (%s); skipped\n", path, err.msg);
    } else {
        ck_assert_msg(rc == 0, "%s: exact: %s", path, err.msg);
        ck_assert_int_eq(cs_sweep_run(&ex, 2, NULL, NULL, &mc, &err), 0);
        double zmax = 0;
        size_t cells = 0;
        for (size_t s = 0; s < mc.nstrat; s++)
            for (size_t b = 0; b < mc.nbudgets; b++)
                for (size_t bin = 0; bin <= mc.nbins; bin++) {
                    const cs_cell *m = cs_results_cell(&mc, s, b, bin);
                    const cs_cell *e = cs_results_cell(&exact, s, b, bin);
                    double a = e->sum / e->n, x = m->sum / m->n;
                    double se = sqrt(a * (1 - a) / m->n);
                    double z = fabs(x - a) / (se > 0 ? se : 1e-300);
                    if (fabs(x - a) < 1e-12)
                        z = 0;
                    zmax = z > zmax ? z : zmax;
                    cells++;
                    ck_assert_msg(z <= Z_MAX, "%s: %s budget %zu bin %zu: Monte Carlo %.6f, exact %.6f "
                                  "(%.2f s.e.)", path, ex.strat[s].type->name, ex.budgets[b], bin, x, a, z);
                    /* Calls: equal when they do not depend on the query; otherwise within 4 s.e.,
                    ** bounding the s.d. of a query's calls by half their range [0, 2K]
                    ** (Popoviciu's inequality), since the sweep keeps no sum of squares of calls. */
                    double dc = fabs(m->calls / m->n - e->calls / e->n);
                    if (ex.strat[s].type->record)
                        ck_assert(dc <= 1e-9 * (1 + e->calls));
                    else
                        ck_assert(dc <= 4 * (double)ex.budgets[b] / sqrt(m->n));
                }
        printf("%s: %zu cells, largest deviation %.2f s.e.\n", path, cells, zmax);
    }
    cs_results_free(&mc);
    cs_results_free(&exact);
    cs_experiment_free(&ex);
}

START_TEST(shipped_experiments)
{
    gsl_set_error_handler_off();
    glob_t g;
    ck_assert_int_eq(glob("experiments/*.ini", 0, NULL, &g), 0);
    ck_assert_uint_ge(g.gl_pathc, 3);
    for (size_t i = 0; i < g.gl_pathc; i++)
        check_experiment(g.gl_pathv[i]);
    globfree(&g);
}
END_TEST

/* Not shipped, but the hardest case for the bin bookkeeping: quantile bins over a Beta component
** with a singular density at 0, mixed with an atom whose queries straddle two bins, M = 4 with
** Zipf shares and a per-component judge. */
START_TEST(quantile_bins_with_an_atom)
{
    gsl_set_error_handler_off();
    const char *path = write_temp_ini("[experiment]\nqueries = 100000\nbudgets = 1,2,3,8,31\n"
                                    "answers = 4\nbins = quantiles:5\n"
                                    "[population.a]\nweight = 0.7\np_correct = beta(0.6,1.2)\n"
                                    "[population.b]\nweight = 0.3\np_correct = 0.4\n"
                                    "wrong = zipf(1)\ntpr = 0.9\n"
                                    "[strategy.vote]\n[strategy.filter_vote]\n");
    check_experiment(path);
    remove(path);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("agreement");
    TCase *tc = tcase_create("monte-carlo-vs-exact");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, shipped_experiments);
    tcase_add_test(tc, quantile_bins_with_an_atom);
    suite_add_tcase(s, tc);
    return s;
}
