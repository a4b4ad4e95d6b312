/*
** The fit of logs (src/fit.c), the log reader (src/logfile.c) and the unbiased estimates
** (src/unbiased.c): parameters recovered from logs drawn from known mixtures, with the bootstrap
** intervals' coverage measured over replications; pass@k and vote@k against enumeration of every
** k-subset; bad logs as one-line errors naming the line.
*/
#include <gsl/gsl_sf_gamma.h>
#include "callscale/error.h"
#include "callscale/experiment.h"
#include "callscale/fit.h"
#include "callscale/logfile.h"
#include "callscale/strategy.h"
#include "callscale/unbiased.h"
#include "testutil.h"
#include "testutil_experiment.h"

/* ---- unbiased estimates against every k-subset ---------------------------------------------- */

/* Majority vote over the samples in mask: (right answers among the leaders) / (leaders). */
static double vote_of_subset(const int *ans, const unsigned char *right, size_t n, unsigned mask)
{
    int count[32] = {0}, top = 0;
    for (size_t i = 0; i < n; i++)
        if (mask & (1u << i))
            count[ans[i]]++;
    for (int a = 0; a < 32; a++)
        if (count[a] > top)
            top = count[a];
    int lead = 0, lead_right = 0;
    for (int a = 0; a < 32; a++)
        if (count[a] == top) {
            lead++;
            lead_right += right[a];
        }
    return (double)lead_right / lead;
}

START_TEST(unbiased_against_enumeration)
{
    /* small queries: answers per sample (label ids), which labels are right */
    static const struct {
        size_t n;
        int ans[12];
        unsigned char right[8];
    } q[] = {
        {6, {0, 1, 1, 2, 0, 1}, {1, 0, 0}},
        {8, {0, 0, 1, 2, 3, 1, 2, 0}, {0, 1, 0, 0}},
        {10, {0, 1, 2, 3, 4, 0, 1, 2, 3, 4}, {0, 0, 1, 0, 0}},
        {9, {0, 0, 0, 0, 1, 1, 1, 2, 2}, {0, 1, 0}},
        {7, {0, 1, 2, 3, 4, 5, 6}, {1, 0, 0, 0, 0, 0, 0}},
        {12, {0, 1, 0, 1, 2, 2, 0, 1, 3, 0, 1, 2}, {1, 1, 0, 0}}, /* two right labels */
    };
    for (size_t t = 0; t < sizeof q / sizeof q[0]; t++) {
        size_t n = q[t].n, count[8] = {0}, nans = 0, c = 0;
        for (size_t i = 0; i < n; i++) {
            count[q[t].ans[i]]++;
            if ((size_t)q[t].ans[i] + 1 > nans)
                nans = (size_t)q[t].ans[i] + 1;
            c += q[t].right[q[t].ans[i]];
        }
        for (size_t k = 1; k <= n; k++) {
            double vote = 0, pass = 0, subsets = 0;
            for (unsigned mask = 0; mask < (1u << n); mask++) {
                if ((size_t)__builtin_popcount(mask) != k)
                    continue;
                subsets++;
                vote += vote_of_subset(q[t].ans, q[t].right, n, mask);
                int any = 0;
                for (size_t i = 0; i < n; i++)
                    any |= (mask & (1u << i)) && q[t].right[q[t].ans[i]];
                pass += any;
            }
            /* sums of at most C(12,6) = 924 ratios: exact to rounding */
            ck_assert_msg(fabs(cs_unbiased_vote(count, q[t].right, nans, k) - vote / subsets) < 1e-12,
                          "query %zu k %zu: vote %.15g, enumeration %.15g", t, k,
                          cs_unbiased_vote(count, q[t].right, nans, k), vote / subsets);
            ck_assert_msg(fabs(cs_unbiased_pass(n, c, k) - pass / subsets) < 1e-12,
                          "query %zu k %zu: pass %.15g, enumeration %.15g", t, k,
                          cs_unbiased_pass(n, c, k), pass / subsets);
        }
    }
}
END_TEST

/* ---- bad logs --------------------------------------------------------------------------------- */

static void bad_log(const char *text, int line, const char *words)
{
    char path[64] = "/tmp/callscale-log-XXXXXX.csv";
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs(text, f);
    fclose(f);
    cs_log log;
    cs_error err;
    int rc = cs_log_read(&log, path, &err);
    remove(path);
    ck_assert_msg(rc != 0, "accepted: %s", text);
    ck_assert_msg(err.line == line, "line %d, wanted %d: %s", err.line, line, err.msg);
    ck_assert_msg(strstr(err.msg, words), "'%s' lacks '%s'", err.msg, words);
    ck_assert_msg(!strchr(err.msg, '\n'), "two lines: %s", err.msg);
}

START_TEST(bad_logs)
{
    bad_log("query,correct\n1,0\n", 1, "'sample'");
    bad_log("query,sample,correct\n1,0,0\n1,1,2\n", 3, "correct: '2' is not 0 or 1");
    bad_log("query,sample,correct\n1,0,yes\n", 2, "not 0 or 1");
    bad_log("query,sample,correct\n1,0,1\n2,,\n3,0,0\n", 3, "query '2' has no samples");
    bad_log("query,sample,correct,answer\n1,0,1,A\n1,1,0,B\n1,2,0,A\n", 4,
            "answer 'A' of query '1' is marked wrong here and right on line 2");
    bad_log("query,sample,correct,score\n1,0,1,0.5\n1,1,0,high\n", 3, "score: 'high' is not a number");
    bad_log("query,sample,correct\n1,0,1\n1,0,0\n", 3, "sample 0 of query '1' is logged twice");
    bad_log("query,sample,correct\n1,x,1\n", 2, "sample: 'x'");
    bad_log("query,sample,correct,answer\n1,0,1\n", 2, "column 'answer'");
}
END_TEST

START_TEST(log_reads_quoted_and_unordered)
{
    char path[64] = "/tmp/callscale-log-XXXXXX.csv";
    int fd = mkstemps(path, 4);
    FILE *f = fdopen(fd, "w");
    fputs("correct,answer,query,sample\n0,\"1,5\",q2,1\n1,\"x\"\"y\",q1,0\n1,24,q2,0\n0,\"1,5\",q2,2\n", f);
    fclose(f);
    cs_log log;
    cs_error err;
    ck_assert_msg(cs_log_read(&log, path, &err) == 0, "%s", err.msg);
    remove(path);
    ck_assert_uint_eq(log.nq, 2);
    ck_assert_str_eq(log.qname[0], "q2");
    ck_assert_uint_eq(cs_log_count(&log, 0), 3);
    /* q2 in sample order: 24 (right), "1,5", "1,5": ids 0, 1, 1 */
    ck_assert_int_eq(log.correct[0], 1);
    ck_assert_int_eq(log.answer[1], 1);
    ck_assert_int_eq(log.answer[2], 1);
    ck_assert_uint_eq(cs_log_count(&log, 1), 1);
    cs_log_free(&log);
}
END_TEST

/* ---- recovery: intervals' coverage over replications ---------------------------------------- */

/* Replications per scenario and what their intervals must reach (the 90% of 50); the
** bootstrap's 95% intervals miss a true value 2.5 times in 50 on average, so 45 is 2.5 below the
** mean against a binomial s.d. of 1.5: a failure says the intervals are too narrow or biased. */
#define REPS 50
#define MIN_COVERED 45
#define BOOT 100
#define QUERIES 1000
#define SAMPLES 20

typedef struct scenario {
    const char *name, *ini;
    int nbeta, mass0, answers;
    double truth[CS_FIT_MAX_PARAMS + 1]; /* in cs_fit_params order, then the concentration */
} scenario;

static int cmp_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

static void recover(const scenario *sc)
{
    cs_experiment ex;
    load_text_ok(&ex, sc->ini);
    char names[CS_FIT_MAX_PARAMS][CS_FIT_NAME];
    double val[CS_FIT_MAX_PARAMS], bv[CS_FIT_MAX_PARAMS], col[BOOT];
    int covered[CS_FIT_MAX_PARAMS + 1] = {0};
    size_t np = 0;
    for (int rep = 0; rep < REPS; rep++) {
        cs_log log;
        cs_error err;
        ck_assert_msg(cs_log_simulate(&log, &ex, QUERIES, SAMPLES, 1000 + (uint64_t)rep, &err) == 0,
                      "%s", err.msg);
        if (!sc->answers) {
            free(log.answer);
            log.answer = NULL;
        }
        cs_fit_options opt = {.components = sc->nbeta, .fixed_masses = 1, .mass0 = sc->mass0,
                              .boot = BOOT, .seed = 7 + (uint64_t)rep};
        cs_fit fit;
        ck_assert_msg(cs_fit_run(&log, &opt, &fit, &err) == 0, "%s", err.msg);
        np = cs_fit_params(&fit.best, names, val);
        for (size_t p = 0; p <= np; p++) {
            if (p == np && !sc->answers)
                break;
            if (p == 0 && np == 3 && !sc->mass0) /* one Beta alone: its weight is 1, not fitted */
                continue;
            for (size_t b = 0; b < BOOT; b++) {
                cs_fit_params(&fit.boot[b], names, bv);
                col[b] = p < np ? bv[p] : fit.boot_conc[b];
            }
            qsort(col, BOOT, sizeof *col, cmp_double);
            /* the percentile interval's ends: order statistics 2.5% and 97.5% of BOOT */
            double lo = col[(size_t)(0.025 * BOOT)], hi = col[(size_t)(0.975 * BOOT) - 1];
            covered[p] += lo <= sc->truth[p] && sc->truth[p] <= hi;
        }
        cs_fit_free(&fit);
        cs_log_free(&log);
    }
    for (size_t p = 0; p <= np; p++) {
        if (p == np && !sc->answers)
            break;
        if (p == 0 && np == 3 && !sc->mass0)
            continue;
        if (getenv("CS_TEST_VERBOSE"))
            fprintf(stderr, "%s: %s covered %d of %d\n", sc->name, p < np ? names[p] : "concentration",
                    covered[p], REPS);
        ck_assert_msg(covered[p] >= MIN_COVERED, "%s: the intervals of %s held the truth %.4g in %d "
                      "of %d replications", sc->name, p < np ? names[p] : "concentration",
                      sc->truth[p], covered[p], REPS);
    }
    cs_experiment_free(&ex);
}

static const scenario scenarios[] = {
    {"one Beta", "[experiment]\nanswers = open\n[population.one]\np_correct = beta(2,5)\n", 1, 0, 0,
     {1, 2, 5}},
    {"two Betas",
     "[experiment]\nanswers = open\n[population.hard]\nweight = 0.6\np_correct = beta(3,12)\n"
     "[population.easy]\nweight = 0.4\np_correct = beta(12,3)\n",
     2, 0, 0, {0.6, 3, 12, 0.4, 12, 3}},
    {"Beta and a mass at 0",
     "[experiment]\nanswers = open\n[population.some]\nweight = 0.7\np_correct = beta(1,3)\n"
     "[population.never]\nweight = 0.3\np_correct = 0\n",
     1, 1, 0, {0.7, 1, 3, 0.3}},
    {"one Beta with answers",
     "[experiment]\nanswers = open\n[population.one]\np_correct = beta(2,5)\nwrong = dirichlet(1.5)\n",
     1, 0, 1, {1, 2, 5, 1.5}},
    {"two Betas with answers",
     "[experiment]\nanswers = open\n[population.hard]\nweight = 0.6\np_correct = beta(3,12)\n"
     "wrong = dirichlet(0.8)\n[population.easy]\nweight = 0.4\np_correct = beta(12,3)\n"
     "wrong = dirichlet(0.8)\n",
     2, 0, 1, {0.6, 3, 12, 0.4, 12, 3, 0.8}},
};

START_TEST(recovery)
{
    recover(&scenarios[_i]);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("fit");
    TCase *tc = tcase_create("logs");
    tcase_add_test(tc, unbiased_against_enumeration);
    tcase_add_test(tc, bad_logs);
    tcase_add_test(tc, log_reads_quoted_and_unordered);
    suite_add_tcase(s, tc);
    TCase *rc = tcase_create("recovery");
    tcase_set_timeout(rc, 300);
    tcase_add_loop_test(rc, recovery, 0, (int)(sizeof scenarios / sizeof scenarios[0]));
    suite_add_tcase(s, rc);
    return s;
}
