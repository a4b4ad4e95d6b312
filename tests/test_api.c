/*
** The public API (include/callscale.h) as an embedding program uses it: experiments from text,
** run and exact, cells read by index and by name, error records, and GSL's handler kept off.
** Expected values are binomial tails computed here (DESIGN.md section 1's two-level example).
*/
#include <pthread.h>
#include <gsl/gsl_errno.h>
#include "testutil.h"
#include "testutil_two_level.h"
#include "callscale.h"
#include "guard.h"

/* Chen et al.'s two-level binary population (DESIGN.md section 1): F(1) = 0.67, F(5) = 0.7110. */
static const char two_level[] = "[experiment]\n"
                                "name = api-two-level\n"
                                "queries = 20000\n"
                                "seed = 7\n"
                                "budgets = 1,3,5\n" TWO_LEVEL_POPULATION
                                "[strategy.vote]\n"
                                "[strategy.coverage:oracle]\n";

static cs_study *load_text(const char *text, const char *const *sets, size_t n, cs_error *err)
{
    return cs_study_load_text("two-level.ini", text, strlen(text), sets, n, err);
}

START_TEST(test_exact_from_text)
{
    cs_error *err = cs_error_alloc();
    cs_study *st = load_text(two_level, NULL, 0, err);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(cs_error_code(err), CS_OK);
    ck_assert_str_eq(cs_study_name(st), "api-two-level");
    ck_assert_uint_eq(cs_study_queries(st), 20000);
    cs_table *t = cs_study_exact(st, err);
    ck_assert_msg(t != NULL, "%s", cs_error_text(err));
    ck_assert(cs_table_is_exact(t));
    ck_assert_uint_eq(cs_table_nstrategies(t), 2);
    ck_assert_str_eq(cs_table_strategy(t, 0), "vote");
    ck_assert_str_eq(cs_table_setting(t, 0), "default");
    ck_assert_str_eq(cs_table_strategy(t, 1), "coverage");
    ck_assert_str_eq(cs_table_setting(t, 1), "oracle");
    ck_assert_uint_eq(cs_table_nbudgets(t), 3);
    ck_assert_uint_eq(cs_table_budget(t, 2), 5);
    ck_assert_uint_eq(cs_table_nbins(t), 3);
    ck_assert_str_eq(cs_table_bin(t, 0), "all");
    ck_assert_str_eq(cs_table_bin(t, 1), "easy");
    ck_assert_str_eq(cs_table_bin(t, 2), "hard");
    ck_assert_uint_eq(cs_table_ncells(t), 2 * 3 * 3);
    /* The published example, rounded as DESIGN.md prints it, and the binomial sums exactly. */
    ck_assert_double_eq_tol(cs_table_value(t, cs_table_find(t, "vote", NULL, 1, NULL), CS_COL_ACCURACY), 0.67, 1e-12);
    ck_assert_double_eq_tol(cs_table_value(t, cs_table_find(t, "vote", NULL, 5, "all"), CS_COL_ACCURACY), 0.7110, 5e-5);
    for (size_t b = 0; b < 3; b++) {
        unsigned K = (unsigned)cs_table_budget(t, b);
        long c = cs_table_cell(t, 0, b, 0);
        ck_assert_int_eq(c, cs_table_find(t, "vote", "default", K, "all"));
        ck_assert_double_eq_tol(cs_table_value(t, c, CS_COL_ACCURACY), two_level_vote(K), 1e-12);
        ck_assert_double_eq_tol(cs_table_value(t, cs_table_find(t, "vote", NULL, K, "hard"), CS_COL_ACCURACY),
                                majority(K, 0.4), 1e-12);
        /* coverage: 1 - (1 - p)^K per level */
        double cov = 0.6 * (1 - pow(0.15, K)) + 0.4 * (1 - pow(0.6, K));
        ck_assert_double_eq_tol(cs_table_value(t, cs_table_find(t, "coverage", "oracle", K, "all"), CS_COL_ACCURACY),
                                cov, 1e-12);
        /* exact mode: the interval is the point, and queries are 0 (as results.csv) */
        ck_assert_double_eq(cs_table_value(t, c, CS_COL_CI_LOW), cs_table_value(t, c, CS_COL_ACCURACY));
        ck_assert_double_eq(cs_table_value(t, c, CS_COL_QUERIES), 0);
        ck_assert_double_eq_tol(cs_table_value(t, c, CS_COL_CALLS), K, 1e-12);
    }
    cs_table_free(t);
    cs_study_free(st);
    cs_error_free(err);
}
END_TEST

START_TEST(test_run_cells)
{
    cs_error *err = cs_error_alloc();
    const char *sets[] = {"experiment.seed=11"};
    cs_study *st = load_text(two_level, sets, 1, err);
    ck_assert_ptr_nonnull(st);
    cs_table *t = cs_study_run(st, 2, err);
    ck_assert_msg(t != NULL, "%s", cs_error_text(err));
    ck_assert(!cs_table_is_exact(t));
    for (size_t b = 0; b < 3; b++) {
        unsigned K = (unsigned)cs_table_budget(t, b);
        long c = cs_table_find(t, "vote", "default", K, "all");
        double f = two_level_vote(K), got = cs_table_value(t, c, CS_COL_ACCURACY);
        /* 20000 queries, each scoring 0 or 1 with mean F(K) < 0.72: s.e. = sqrt(F(1-F)/n) < 0.0033;
        ** four standard errors */
        double se = sqrt(f * (1 - f) / 20000);
        ck_assert_msg(fabs(got - f) < 4 * se, "vote K=%u: %.5f vs exact %.5f (4 s.e. = %.5f)", K,
                      got, f, 4 * se);
        ck_assert_double_eq(cs_table_value(t, c, CS_COL_QUERIES), 20000);
        ck_assert(cs_table_value(t, c, CS_COL_CI_LOW) < got && got < cs_table_value(t, c, CS_COL_CI_HIGH));
        /* the bins' queries add up to the whole population's */
        double n1 = cs_table_value(t, cs_table_find(t, "vote", NULL, K, "easy"), CS_COL_QUERIES);
        double n2 = cs_table_value(t, cs_table_find(t, "vote", NULL, K, "hard"), CS_COL_QUERIES);
        ck_assert_double_eq(n1 + n2, 20000);
    }
    /* results.csv's text: a header and one row per cell, in cell order, numbers as printed */
    size_t n = cs_table_csv(t, NULL, 0);
    char *csv = malloc(n + 1);
    ck_assert_uint_eq(cs_table_csv(t, csv, n + 1), n);
    ck_assert_uint_eq(strlen(csv), n);
    char *line = strtok(csv, "\n");
    ck_assert_str_eq(line, "strategy,setting,budget,bin,queries,accuracy,ci_low,ci_high,calls,tokens,flops");
    for (long c = 0; c < (long)cs_table_ncells(t); c++) {
        line = strtok(NULL, "\n");
        ck_assert_ptr_nonnull(line);
        char strat[64], setting[64], bin[64];
        size_t budget;
        double q, acc;
        ck_assert_int_eq(sscanf(line, "%63[^,],%63[^,],%zu,%63[^,],%lf,%lf", strat, setting, &budget, bin, &q, &acc), 6);
        ck_assert_int_eq(cs_table_find(t, strat, setting, budget, bin), c);
        ck_assert_double_eq_tol(acc, cs_table_value(t, c, CS_COL_ACCURACY), 5.1e-11);
    }
    ck_assert_ptr_null(strtok(NULL, "\n"));
    free(csv);
    /* a small buffer gets what fits, NUL-terminated, and the length it would need */
    char small[8];
    ck_assert_uint_eq(cs_table_csv(t, small, sizeof small), n);
    ck_assert_str_eq(small, "strateg");
    /* the effective configuration, with the override applied */
    n = cs_study_config(st, NULL, 0);
    char *conf = malloc(n + 1);
    cs_study_config(st, conf, n + 1);
    ck_assert_ptr_nonnull(strstr(conf, "seed = 11"));
    free(conf);
    cs_table_free(t);
    cs_study_free(st);
    cs_error_free(err);
}
END_TEST

START_TEST(test_same_for_any_threads)
{
    cs_study *st = load_text(two_level, NULL, 0, NULL);
    cs_table *a = cs_study_run(st, 1, NULL), *b = cs_study_run(st, 3, NULL);
    size_t n = cs_table_csv(a, NULL, 0);
    char *x = malloc(n + 1), *y = malloc(n + 1);
    ck_assert_uint_eq(cs_table_csv(b, NULL, 0), n);
    cs_table_csv(a, x, n + 1);
    cs_table_csv(b, y, n + 1);
    ck_assert_str_eq(x, y);
    free(x);
    free(y);
    cs_table_free(a);
    cs_table_free(b);
    cs_study_free(st);
}
END_TEST

START_TEST(test_out_of_range)
{
    cs_study *st = load_text(two_level, NULL, 0, NULL);
    cs_table *t = cs_study_exact(st, NULL);
    ck_assert_int_eq(cs_table_cell(t, 2, 0, 0), -1);
    ck_assert_int_eq(cs_table_cell(t, 0, 3, 0), -1);
    ck_assert_int_eq(cs_table_cell(t, 0, 0, 3), -1);
    ck_assert_int_eq(cs_table_find(t, "vote", NULL, 2, NULL), -1);
    ck_assert_int_eq(cs_table_find(t, "vote", "m4", 1, NULL), -1);
    ck_assert_int_eq(cs_table_find(t, "vote", NULL, 1, "medium"), -1);
    ck_assert_int_eq(cs_table_find(t, NULL, NULL, 1, NULL), -1);
    ck_assert(isnan(cs_table_value(t, -1, CS_COL_ACCURACY)));
    ck_assert(isnan(cs_table_value(t, 18, CS_COL_ACCURACY)));
    ck_assert(isnan(cs_table_value(t, 0, CS_NCOLUMNS)));
    ck_assert_ptr_null(cs_table_strategy(t, 2));
    ck_assert_ptr_null(cs_table_bin(t, 3));
    ck_assert_ptr_null(cs_table_column(CS_NCOLUMNS));
    ck_assert_str_eq(cs_table_column(CS_COL_FLOPS), "flops");
    /* NULL objects are empty, not a crash */
    ck_assert_uint_eq(cs_table_ncells(NULL), 0);
    ck_assert(isnan(cs_table_value(NULL, 0, 0)));
    cs_table_free(NULL);
    cs_study_free(NULL);
    cs_frontier_free(NULL);
    cs_error_free(NULL);
    cs_table_free(t);
    cs_study_free(st);
}
END_TEST

START_TEST(test_errors)
{
    cs_error *err = cs_error_alloc();
    char line[1200];
    /* a bad value: file (the name given), line and key in the record and the program's line */
    const char bad[] = "[experiment]\nqueries = 10\n[population.easy]\np_correct = 1.5\n";
    ck_assert_ptr_null(load_text(bad, NULL, 0, err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_INPUT);
    ck_assert_str_eq(cs_error_file(err), "two-level.ini");
    ck_assert_int_eq(cs_error_line(err), 4);
    ck_assert_ptr_nonnull(strstr(cs_error_text(err), "p = 1.5 is outside [0, 1]"));
    size_t n = cs_error_format(err, line, sizeof line);
    ck_assert_uint_eq(n, strlen(line));
    ck_assert_msg(strncmp(line, "callscale: two-level.ini:4: ", 28) == 0, "%s", line);
    /* a bad override names --set and its position */
    const char *sets[] = {"experiment.queries=5", "experiment.budgets=3,1"};
    ck_assert_ptr_null(load_text(two_level, sets, 2, err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_INPUT);
    ck_assert_str_eq(cs_error_file(err), "--set");
    ck_assert_int_eq(cs_error_line(err), 2);
    /* not INI at all, a missing file, no text */
    ck_assert_ptr_null(load_text("this is not [an ini\n", NULL, 0, err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_INPUT);
    ck_assert_ptr_null(cs_study_load("/nonexistent/x.ini", NULL, 0, err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_IO);
    ck_assert_str_eq(cs_error_file(err), "/nonexistent/x.ini");
    ck_assert_ptr_null(cs_study_load_text("x", NULL, 0, NULL, 0, err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_INPUT);
    ck_assert_ptr_null(cs_study_load(NULL, NULL, 0, NULL)); /* no record: still no crash */
    /* a good call clears the record */
    cs_study *st = load_text(two_level, NULL, 0, err);
    ck_assert_ptr_nonnull(st);
    ck_assert_int_eq(cs_error_code(err), CS_OK);
    ck_assert_str_eq(cs_error_text(err), "");
    /* no exact form: weighted_vote has none */
    cs_study_free(st);
    const char nox[] = "[population.a]\np_correct = 0.7\n[strategy.weighted_vote]\n";
    st = load_text(nox, NULL, 0, err);
    ck_assert_ptr_nonnull(st);
    ck_assert_ptr_null(cs_study_exact(st, err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_UNSUPPORTED);
    ck_assert_ptr_nonnull(strstr(cs_error_text(err), "weighted_vote"));
    /* the planner: an unknown baseline */
    ck_assert_ptr_null(cs_study_optimize(st, 1, 0, "beam:m9", err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_INPUT);
    ck_assert_ptr_nonnull(strstr(cs_error_text(err), "beam:m9"));
    cs_study_free(st);
    cs_error_free(err);
}
END_TEST

/* ---- GSL's handler ----------------------------------------------------------------------- */

static int handler_calls;
static void counting_handler(const char *reason, const char *file, int line, int gsl_errno)
{
    (void)reason, (void)file, (void)line, (void)gsl_errno;
    handler_calls++;
}

/* A beta component this concentrated is past the quadrature's reach (a = 1e-300 is -1 for the
** singular weight's exponent a - 1): GSL reports it through its handler, whose default aborts the
** process. (Beta(1000, 1000) was past it once; exact mode now integrates where the mass is.) */
static const char beyond_quadrature[] = "[experiment]\nbudgets = 1,3,5\n"
                                        "[population.x]\np_correct = beta(1e-300,1)\n"
                                        "[strategy.vote]\n";

START_TEST(test_gsl_default_handler_cannot_abort)
{
    gsl_set_error_handler(NULL); /* GSL's default: abort() */
    cs_error *err = cs_error_alloc();
    cs_study *st = load_text(beyond_quadrature, NULL, 0, err);
    ck_assert_ptr_nonnull(st);
    ck_assert_ptr_null(cs_study_exact(st, err)); /* an error, and the process goes on */
    ck_assert_int_eq(cs_error_code(err), CS_ERR_UNSUPPORTED);
    cs_study_free(st);
    cs_error_free(err);
    ck_assert_ptr_null(gsl_set_error_handler_off()); /* the default is back */
}
END_TEST

START_TEST(test_gsl_handler_restored)
{
    handler_calls = 0;
    gsl_set_error_handler(counting_handler);
    cs_study *st = load_text(beyond_quadrature, NULL, 0, NULL);
    ck_assert_ptr_null(cs_study_exact(st, NULL));
    cs_study_free(st);
    ck_assert_int_eq(handler_calls, 0); /* GSL's error inside the library did not reach it */
    ck_assert_ptr_eq(gsl_set_error_handler(counting_handler), counting_handler);
    /* and outside the library the program's handler works as before */
    (void)gsl_sf_lnchoose(2, 5);
    ck_assert_int_gt(handler_calls, 0);
}
END_TEST

/* Many threads in and out of the library at once: the handler stays off while any is inside,
** and the program's comes back when the last leaves. */
static void *enter_leave(void *arg)
{
    (void)arg;
    for (int i = 0; i < 2000; i++) {
        cs_guard_enter();
        (void)gsl_sf_lnchoose(2, 5); /* a domain error: must not reach the counting handler */
        cs_guard_leave();
    }
    return NULL;
}

START_TEST(test_gsl_guard_threads)
{
    handler_calls = 0;
    gsl_set_error_handler(counting_handler);
    cs_guard_enter(); /* held across the threads' calls: none of theirs may restore the handler */
    pthread_t th[4];
    for (int k = 0; k < 4; k++)
        ck_assert_int_eq(pthread_create(&th[k], NULL, enter_leave, NULL), 0);
    for (int k = 0; k < 4; k++)
        pthread_join(th[k], NULL);
    ck_assert_int_eq(handler_calls, 0);
    cs_guard_leave();
    ck_assert_ptr_eq(gsl_set_error_handler(counting_handler), counting_handler);
}
END_TEST

static void *run_study(void *arg)
{
    cs_study *st = load_text(two_level, NULL, 0, NULL);
    *(cs_table **)arg = cs_study_run(st, 1, NULL);
    cs_study_free(st);
    return NULL;
}

START_TEST(test_concurrent_studies)
{
    gsl_set_error_handler(counting_handler);
    pthread_t th[2];
    cs_table *t[2];
    for (int k = 0; k < 2; k++)
        ck_assert_int_eq(pthread_create(&th[k], NULL, run_study, &t[k]), 0);
    for (int k = 0; k < 2; k++)
        pthread_join(th[k], NULL);
    ck_assert_ptr_nonnull(t[0]);
    ck_assert_ptr_nonnull(t[1]);
    for (long c = 0; c < (long)cs_table_ncells(t[0]); c++)
        ck_assert_double_eq(cs_table_value(t[0], c, CS_COL_ACCURACY), cs_table_value(t[1], c, CS_COL_ACCURACY));
    cs_table_free(t[0]);
    cs_table_free(t[1]);
    ck_assert_ptr_eq(gsl_set_error_handler(NULL), counting_handler);
}
END_TEST

START_TEST(test_optimize_frontier)
{
    /* coverage (the oracle's pass@N) is right whenever best-of-n can be, so it is the choice. */
    const char text[] = "[experiment]\nqueries = 4000\nbudgets = 1,3,5\n"
                        "[population.easy]\np_correct = 0.85\n[population.hard]\np_correct = 0.3\n"
                        "[strategy.best_of_n]\n[strategy.coverage]\n";
    cs_error *err = cs_error_alloc();
    cs_study *st = load_text(text, NULL, 0, err);
    ck_assert_ptr_nonnull(st);
    cs_frontier *f = cs_study_optimize(st, 2, 0, NULL, err);
    ck_assert_msg(f != NULL, "%s", cs_error_text(err));
    ck_assert_uint_eq(cs_frontier_nbudgets(f), 3);
    ck_assert_uint_eq(cs_frontier_budget(f, 2), 5);
    ck_assert_uint_eq(cs_frontier_nbins(f), 3);
    ck_assert_str_eq(cs_frontier_strategy(f, 1), "coverage");
    ck_assert_str_eq(cs_frontier_setting(f, 1), "default");
    /* at N = 5 coverage is right on 1 - 0.15^5 (easy) and 1 - 0.7^5 = 0.83 (hard) of queries,
    ** best-of-n at most as often: the planner picks coverage on all queries */
    ck_assert_int_eq(cs_frontier_choice(f, CS_FRONTIER_NONE, 2, 0), 1);
    ck_assert_int_eq(cs_frontier_choice(f, CS_FRONTIER_ORACLE, 2, 0), -1); /* mixes its bins */
    ck_assert(cs_frontier_accuracy(f, CS_FRONTIER_NONE, 2, 0) >= cs_frontier_baseline(f, CS_FRONTIER_NONE, 2, 0));
    /* held-out accuracy near pass@5 of the mixture: 0.5 (1 - 0.15^5) + 0.5 (1 - 0.7^5); binary
    ** scores over 4000 queries, s.e. < 0.008; four of them */
    double want = 0.5 * (1 - pow(0.15, 5)) + 0.5 * (1 - pow(0.7, 5));
    ck_assert_double_eq_tol(cs_frontier_accuracy(f, CS_FRONTIER_NONE, 2, 0), want, 0.032);
    ck_assert(isnan(cs_frontier_accuracy(f, CS_FRONTIER_NONE, 2, 1))); /* none has bin 0 only */
    ck_assert(isnan(cs_frontier_accuracy(f, 3, 0, 0)));
    int low;
    (void)cs_frontier_efficiency(f, 1, &low);
    size_t n = cs_frontier_csv(f, NULL, 0);
    char *csv = malloc(n + 1);
    cs_frontier_csv(f, csv, n + 1);
    const char *head = "budget,bin,strategy,setting,accuracy,baseline_accuracy\n";
    ck_assert(strncmp(csv, head, strlen(head)) == 0);
    ck_assert_ptr_nonnull(strstr(csv, "\n5,all,coverage,default,"));
    free(csv);
    cs_frontier_free(f);
    cs_study_free(st);
    cs_error_free(err);
}
END_TEST

START_TEST(test_version)
{
    ck_assert_str_eq(cs_version(), CALLSCALE_VERSION);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("api");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, test_exact_from_text);
    tcase_add_test(tc, test_run_cells);
    tcase_add_test(tc, test_same_for_any_threads);
    tcase_add_test(tc, test_out_of_range);
    tcase_add_test(tc, test_errors);
    tcase_add_test(tc, test_gsl_default_handler_cannot_abort);
    tcase_add_test(tc, test_gsl_handler_restored);
    tcase_add_test(tc, test_gsl_guard_threads);
    tcase_add_test(tc, test_concurrent_studies);
    tcase_add_test(tc, test_optimize_frontier);
    tcase_add_test(tc, test_version);
    suite_add_tcase(s, tc);
    return s;
}
