/*
** Knockout tournaments: Monte Carlo against the bracket's recursion, the failure rate falling with
** N and staying below Chen et al.'s bound, the call record, and exact mode.
*/
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include "callscale/exact.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"
#include "testutil_closed.h"
#include "testutil_cells.h"
#include "testutil_experiment.h"
#include "testutil_sweep.h"

/* The right answer of a right/wrong pair wins a match of K comparisons: more than K/2 preferences
** (each with probability pc), or half of the ties at exactly K/2. */
static double match(unsigned K, double pc)
{
    double w = 0;
    for (unsigned j = 0; j <= K; j++) {
        double pr = gsl_ran_binomial_pdf(j, pc, K);
        w += 2 * j > K ? pr : 2 * j == K ? pr / 2 : 0;
    }
    return w;
}

static unsigned ceil_log2(size_t n)
{
    unsigned r = 0;
    while (((size_t)1 << r) < n)
        r++;
    return r;
}

/* Monte Carlo against the recursion, budgets with and without byes; tolerance 4 s.e. */
START_TEST(knockout_matches_the_bracket)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 60000\nbudgets = 1,2,3,5,6,7,12,33,64\nanswers = 3\n"
                   "[population.a]\np_correct = 0.3\n"
                   "[strategy.knockout:k1]\ncomparisons = 1\np_comp = 0.8\n"
                   "[strategy.knockout:k4]\ncomparisons = 4\np_comp = 0.7\n");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    const unsigned K[2] = {1, 4};
    const double pc[2] = {0.8, 0.7};
    for (size_t s = 0; s < 2; s++)
        for (size_t b = 0; b < ex.nbudgets; b++) {
            double want = bracket(ex.budgets[b], 0.3, match(K[s], pc[s]));
            double got = cell_mean(&r, s, b, 0), tol = 4 * sqrt(want * (1 - want) / 60000);
            ck_assert_msg(fabs(got - want) <= tol, "K=%u N=%zu: %.4f vs %.4f", K[s], ex.budgets[b],
                          got, want);
        }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* With p_comp > 1/2 the failure rate falls as N doubles (by more than 3 s.e. of the difference)
** and stays below (1-p)^N + ceil(log2 N) exp(-2K(p_comp - 1/2)^2): the tournament fails only if no
** candidate is right, or a right one loses one of its at most ceil(log2 N) matches, each lost with
** probability at most exp(-2K(p_comp - 1/2)^2) (Hoeffding). With p_comp < 1/2 it rises instead. */
START_TEST(knockout_failure_falls_below_the_bound)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 60000\nbudgets = 1,2,4,8,16,32,64\nanswers = open\n"
                   "[population.a]\np_correct = beta(2,3)\n"
                   "[strategy.knockout:good]\ncomparisons = 25\np_comp = 0.75\n"
                   "[strategy.knockout:bad]\ncomparisons = 3\np_comp = 0.4\n");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    for (size_t b = 1; b < ex.nbudgets; b++) {
        double f0 = 1 - cell_mean(&r, 0, b - 1, 0), f1 = 1 - cell_mean(&r, 0, b, 0);
        double s0 = sqrt(f0 * (1 - f0) / 60000), s1 = sqrt(f1 * (1 - f1) / 60000);
        ck_assert_msg(f0 - f1 > 3 * hypot(s0, s1), "N=%zu: %.4f -> %.4f", ex.budgets[b], f0, f1);
        ck_assert(1 - cell_mean(&r, 1, b, 0) > 1 - cell_mean(&r, 1, b - 1, 0));
    }
    /* the bound for a query with p, averaged over p ~ Beta(2,3): E[(1-p)^N] = B(2, 3+N) / B(2,3) */
    for (size_t b = 0; b < ex.nbudgets; b++) {
        double N = (double)ex.budgets[b];
        double none = exp(lgamma(3 + N) + lgamma(5) - lgamma(5 + N) - lgamma(3));
        double bound = none + ceil_log2(ex.budgets[b]) * exp(-2 * 25 * 0.25 * 0.25);
        double f = 1 - cell_mean(&r, 0, b, 0), s = sqrt(f * (1 - f) / 60000);
        printf("knockout: N=%3zu failure %.5f (+- %.5f), bound %.5f\n", ex.budgets[b], f, s, bound);
        fflush(stdout);
        if (b == 0) /* one candidate: failure is 1 - p, the bound exactly */
            ck_assert(fabs(f - bound) < 4 * s);
        else
            ck_assert(f + 3 * s < bound);
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* N generations in one round, then N - 1 matches of K comparisons in ceil(log2 N) rounds. */
START_TEST(knockout_calls)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 10\nbudgets = 1,2,5,64\n"
                   "[generator]\ntokens = 100\nparams = 1e9\n[judge]\ntokens = 5\nparams = 2e9\n"
                   "[strategy.knockout]\ncomparisons = 3\n");
    cs_results r;
    sweep_ok(&ex, &r, 1);
    for (size_t b = 0; b < ex.nbudgets; b++) {
        double N = (double)ex.budgets[b];
        const cs_cell *c = cs_results_cell(&r, 0, b, 0);
        ck_assert_double_eq_tol(c->calls / c->n, N + 3 * (N - 1), 1e-12);
        ck_assert_double_eq_tol(c->tokens / c->n, 100 * N + 5 * 3 * (N - 1), 1e-9);
        ck_assert_double_eq_tol(c->flops / c->n, 2e9 * 100 * N + 4e9 * 5 * 3 * (N - 1), 1e-3);
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Exact mode integrates the bracket recursion over p: against quadrature done here by the
** midpoint rule on Beta(2,2) (density 6p(1-p), smooth: 20000 points give 1e-9). */
START_TEST(knockout_exact_mode)
{
    gsl_set_error_handler_off();
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nbudgets = 1,3,8,100\n[population.a]\np_correct = beta(2,2)\n"
                   "[strategy.knockout]\ncomparisons = 2\np_comp = 0.65\n");
    cs_results r;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    ck_assert_msg(cs_exact_run(&ex, &r, &err) == 0, "%s", err.msg);
    double q = match(2, 0.65);
    for (size_t b = 0; b < ex.nbudgets; b++) {
        double want = 0;
        int M = 20000;
        for (int i = 0; i < M; i++) {
            double p = (i + 0.5) / M;
            want += 6 * p * (1 - p) * bracket(ex.budgets[b], p, q) / M;
        }
        ck_assert_double_eq_tol(cell_mean(&r, 0, b, 0), want, 1e-8);
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("knockout");
    TCase *tc = tcase_create("knockout");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, knockout_matches_the_bracket);
    tcase_add_test(tc, knockout_failure_falls_below_the_bound);
    tcase_add_test(tc, knockout_calls);
    tcase_add_test(tc, knockout_exact_mode);
    suite_add_tcase(s, tc);
    return s;
}
