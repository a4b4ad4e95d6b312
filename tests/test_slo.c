/*
** The SLO planner: the capacity search against the M/M/1 queue's closed form, and the choice of
** the most accurate cell within the target.
*/
#include "callscale/slo.h"
#include "callscale/strategy.h"
#include "testutil.h"
#include "testutil_experiment.h"

/* M/M/1 with mean service S: the time in the system is exponential of rate 1/S - lambda, so its
** p99 is ln(100) / (1/S - lambda), and the largest rate whose p99 meets T is
** lambda* = 1/S - ln(100) / T (S = 1, T = 10: 0.5395). The search finds where the empirical p99
** crosses T. Its error: the p99 of n = 100,000 exponential sojourns has s.e.
** sqrt(0.99 * 0.01 / n) / f(q) with f(q) = 0.01 (1/S - lambda), 0.068 s at lambda*, say 0.2 s
** with the correlation of successive sojourns at rho = 0.54; p99 moves by ln(100) / (1/S -
** lambda)^2 = 21.9 s per unit of rate there, so the rate's s.e. is about 0.009, and 4 s.e. 0.037;
** the bisection's own 1% adds 0.005. */
START_TEST(capacity_against_mm1)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 100000\nbudgets = 1\n[strategy.vote]\n"
                      "[serving]\nservice = exponential(1)\nmax_num_seqs = 1\n"
                      "[arrivals]\nrate = 0.3\nslo = 10\nwarmup = 0.02\n");
    cs_slo s;
    cs_error err;
    ck_assert_msg(cs_slo_run(&ex, 1, &s, &err) == 0, "%s", err.msg);
    double want = 1 - log(100) / 10;
    ck_assert_ptr_nonnull(s.capacity);
    fprintf(stderr, "slo: M/M/1 capacity within p99 <= 10 s: %.4f/s, closed form %.4f/s\n",
            s.capacity[0], want);
    ck_assert_msg(fabs(s.capacity[0] - want) <= 0.042, "capacity %g, M/M/1 %g", s.capacity[0], want);
    ck_assert(s.capacity_p99[0] <= 10);
    cs_slo_free(&s);
    cs_experiment_free(&ex);
}
END_TEST

/* Two budgets of vote on a single slow replica: budget 3 is more accurate (p = 0.7: 0.784 against
** 0.7) but its three calls queue behind each other and a 2.5 s target holds only budget 1 (one
** call of 1 s, and at a trickle of arrivals no queue: p99 1 s; budget 3: 3 s). */
START_TEST(choice_within_the_slo)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 2000\nbudgets = 1,3\nanswers = 2\n"
                      "[population.a]\np_correct = 0.7\n[strategy.vote]\n"
                      "[serving]\nservice = fixed(1)\nmax_num_seqs = 1\n"
                      "[arrivals]\nconcurrency = 1\nslo = 2.5\nwarmup = 0\n");
    cs_slo s;
    cs_error err;
    ck_assert_msg(cs_slo_run(&ex, 2, &s, &err) == 0, "%s", err.msg);
    ck_assert_ptr_null(s.capacity); /* a closed loop: no rate to search */
    ck_assert_int_eq(s.choice[0].cell, 0);
    ck_assert_double_eq_tol(s.choice[0].latency_p99, 1, 1e-12);
    cs_slo_free(&s);
    /* a looser target admits budget 3, the more accurate */
    cs_experiment_free(&ex);
    load_text_ok(&ex, "[experiment]\nqueries = 2000\nbudgets = 1,3\nanswers = 2\n"
                      "[population.a]\np_correct = 0.7\n[strategy.vote]\n"
                      "[serving]\nservice = fixed(1)\nmax_num_seqs = 1\n"
                      "[arrivals]\nconcurrency = 1\nslo = 3.5\nwarmup = 0\n");
    ck_assert_msg(cs_slo_run(&ex, 2, &s, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(s.choice[0].cell, 1);
    ck_assert_double_eq_tol(s.choice[0].latency_p99, 3, 1e-12);
    cs_slo_free(&s);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("slo");
    TCase *tc = tcase_create("planner");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, capacity_against_mm1);
    tcase_add_test(tc, choice_within_the_slo);
    suite_add_tcase(s, tc);
    return s;
}
