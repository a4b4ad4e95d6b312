/*
** Logs as population components (src/logpop.c and the sampler's logged path): drawn without
** replacement at the logged count, a run reproduces the log's own vote, coverage, best-of-n and
** weighted vote, computed here straight from the log; a log drawn from a known population gives
** that population's curves (callscale exact) within 4 standard errors; the logged curves written
** beside the simulated ones are the unbiased estimates.
*/
#include <unistd.h>
#include "callscale/error.h"
#include "callscale/exact.h"
#include "callscale/experiment.h"
#include "callscale/logfile.h"
#include "callscale/results.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "callscale/unbiased.h"
#include "testutil.h"
#include "testutil_cells.h"
#include "testutil_experiment.h"
#include "testutil_sweep.h"

/* A log drawn from the population of `ini`, written to a temporary CSV whose path is returned. */
static const char *log_file(const char *ini, size_t nq, size_t n, uint64_t seed, cs_log *log)
{
    static char path[64];
    cs_experiment ex;
    cs_error err;
    load_file_ok(&ex, ini);
    ck_assert_msg(cs_log_simulate(log, &ex, nq, n, seed, &err) == 0, "%s", err.msg);
    cs_experiment_free(&ex);
    snprintf(path, sizeof path, "/tmp/callscale-logpop-XXXXXX.csv");
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_int_eq(cs_log_write(log, f), 0);
    fclose(f);
    return path;
}

/* Per query, straight from the log's n samples: majority vote (ties share), any right, the
** highest score's correctness, and the highest summed logistic(score) per answer. */
static void direct(const cs_log *log, double *vote, double *pass, double *best, double *weighted)
{
    *vote = *pass = *best = *weighted = 0;
    for (size_t i = 0; i < log->nq; i++) {
        size_t s0 = log->start[i], n = cs_log_count(log, i);
        int cnt[512] = {0}, right[512] = {0}, top = 0;
        double sum[512] = {0}, bestsc = -INFINITY, wtop = -1;
        int bestright = 0, wright = 0, any = 0;
        for (size_t j = 0; j < n; j++) {
            int a = log->answer[s0 + j];
            ck_assert_int_lt(a, 512);
            cnt[a]++;
            right[a] = log->correct[s0 + j];
            any |= log->correct[s0 + j];
            sum[a] += 1 / (1 + exp(-log->score[s0 + j]));
            if (log->score[s0 + j] > bestsc) {
                bestsc = log->score[s0 + j];
                bestright = log->correct[s0 + j];
            }
        }
        int lead = 0, lead_right = 0;
        for (int a = 0; a < 512; a++)
            if (cnt[a] > top)
                top = cnt[a];
        for (int a = 0; a < 512; a++)
            if (cnt[a] == top && top > 0) {
                lead++;
                lead_right += right[a];
            }
        for (int a = 0; a < 512; a++)
            if (cnt[a] && sum[a] > wtop) {
                wtop = sum[a];
                wright = right[a];
            }
        *vote += (double)lead_right / lead;
        *pass += any;
        *best += bestright;
        *weighted += wright;
    }
    *vote /= (double)log->nq;
    *pass /= (double)log->nq;
    *best /= (double)log->nq;
    *weighted /= (double)log->nq;
}

#define LOG_QUERIES 300
#define LOG_SAMPLES 16

START_TEST(subsample_at_the_logged_count_is_the_log)
{
    cs_log log;
    const char *path = log_file("[experiment]\nanswers = 5\n[population.mix]\np_correct = beta(1.5,2)\n"
                                "wrong = dirichlet(0.7)\n[verifier]\nanswer_noise = 0.7\n",
                                LOG_QUERIES, LOG_SAMPLES, 3, &log);
    char ini[512];
    /* as many queries as the log has: each logged query once, all its samples */
    snprintf(ini, sizeof ini,
             "[experiment]\nqueries = %d\nbudgets = 1,4,%d\n[population.logged]\ndata = %s\n"
             "draw = subsample\n[strategy.vote]\n[strategy.coverage]\n[strategy.best_of_n]\n"
             "[strategy.weighted_vote]\n",
             LOG_QUERIES, LOG_SAMPLES, path);
    cs_experiment ex;
    load_file_ok(&ex, ini);
    cs_results r;
    sweep_ok(&ex, &r, 2);
    double vote, pass, best, weighted;
    direct(&log, &vote, &pass, &best, &weighted);
    size_t b = budget_index(&ex, LOG_SAMPLES);
    /* the same sums of 0/1 and 1/t terms in another order: equal to rounding */
    ck_assert_double_eq_tol(cell_mean(&r, strategy_index(&ex, "vote", "default"), b, 0), vote, 1e-12);
    ck_assert_double_eq_tol(cell_mean(&r, strategy_index(&ex, "coverage", "default"), b, 0), pass, 1e-12);
    ck_assert_double_eq_tol(cell_mean(&r, strategy_index(&ex, "best_of_n", "default"), b, 0), best, 1e-12);
    ck_assert_double_eq_tol(cell_mean(&r, strategy_index(&ex, "weighted_vote", "default"), b, 0), weighted,
                            1e-12);
    ck_assert_double_eq_tol(cs_unbiased_log_vote(&log, LOG_SAMPLES), vote, 1e-12);
    ck_assert_double_eq_tol(cs_unbiased_log_pass(&log, LOG_SAMPLES), pass, 1e-12);
    /* byte-identical for any thread count */
    assert_thread_independent(&ex);
    cs_results_free(&r);
    cs_experiment_free(&ex);
    cs_log_free(&log);
    remove(path);
}
END_TEST

/* Log size and simulated queries of the comparison with the population's exact curves. */
#define BIG_LOG 3000
#define BIG_SAMPLES 32
#define SIM_QUERIES 30000

START_TEST(a_log_gives_its_population_curves)
{
    const char *pop = "[experiment]\nanswers = 4\nbudgets = 1,3,5,9,17\n[population.p]\n"
                      "p_correct = beta(2,2)\n[strategy.vote]\n[strategy.coverage]\n";
    cs_log log;
    const char *path = log_file(pop, BIG_LOG, BIG_SAMPLES, 9, &log);
    cs_experiment truth;
    load_file_ok(&truth, pop);
    cs_results exact;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&exact, &truth), 0);
    ck_assert_msg(cs_exact_run(&truth, &exact, &err) == 0, "%s", err.msg);
    static const char *const draw[] = {"subsample", "replace"};
    for (int d = 0; d < 2; d++) {
        char ini[512];
        snprintf(ini, sizeof ini,
                 "[experiment]\nqueries = %d\nbudgets = 1,3,5,9,17\n[population.p]\ndata = %s\n"
                 "draw = %s\n[strategy.vote]\n[strategy.coverage]\n",
                 SIM_QUERIES, path, draw[d]);
        cs_experiment ex;
        load_file_ok(&ex, ini);
        cs_results r;
        sweep_ok(&ex, &r, 2);
        for (size_t s = 0; s < 2; s++)
            for (size_t b = 0; b < ex.nbudgets; b++) {
                /* replace draws from the logged frequencies, which carry the log's own binomial
                ** spread: unbiased only at one sample (vote@1 = coverage@1 = p); subsample is
                ** unbiased at every budget within the log */
                if (d == 1 && ex.budgets[b] > 1)
                    continue;
                double got = cell_mean(&r, s, b, 0), want = cell_mean(&exact, s, b, 0);
                const cs_cell *c = cs_results_cell(&r, s, b, 0);
                double m = c->sum / c->n, var = (c->sumsq - c->sum * m) / (c->n - 1);
                /* two errors: the log's BIG_LOG queries drawn from the population, and the run's
                ** SIM_QUERIES draws from them; a query's variance bounds both */
                double se = sqrt(var / BIG_LOG + var / SIM_QUERIES);
                ck_assert_msg(fabs(got - want) <= 4 * se, "%s %s budget %zu: %.5f, exact %.5f, 4 s.e. %.5f",
                              draw[d], ex.strat[s].type->name, ex.budgets[b], got, want, 4 * se);
            }
        cs_results_free(&r);
        cs_experiment_free(&ex);
    }
    cs_results_free(&exact);
    cs_experiment_free(&truth);
    cs_log_free(&log);
    remove(path);
}
END_TEST

START_TEST(logged_curves_beside_the_simulated)
{
    cs_log log;
    const char *path = log_file("[experiment]\nanswers = 3\n[population.p]\np_correct = beta(2,3)\n", 200, 10,
                                5, &log);
    char ini[512], dir[] = "/tmp/callscale-logged-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    snprintf(ini, sizeof ini,
             "[experiment]\nqueries = 200\nbudgets = 1,3,10,30\n[population.p]\ndata = %s\n"
             "[strategy.vote]\n[strategy.coverage]\n", path);
    cs_experiment ex;
    cs_error err;
    load_file_ok(&ex, ini);
    ck_assert_msg(cs_unbiased_write_logged(&ex, dir, &err) == 0, "%s", err.msg);
    char file[128], line[256];
    snprintf(file, sizeof file, "%s/logged.csv", dir);
    FILE *f = fopen(file, "r");
    ck_assert_ptr_nonnull(f);
    int rows = 0;
    while (fgets(line, sizeof line, f)) {
        char strat[32], bin[32];
        size_t k, nq;
        double acc;
        if (sscanf(line, "%31[^,],default,%zu,%31[^,],%zu,%lf", strat, &k, bin, &nq, &acc) != 5)
            continue;
        ck_assert_uint_le(k, 10); /* nothing past the logged count */
        double want = strcmp(strat, "vote") == 0 ? cs_unbiased_log_vote(&log, k) : cs_unbiased_log_pass(&log, k);
        ck_assert_double_eq_tol(acc, want, 1e-9);
        rows++;
    }
    fclose(f);
    ck_assert_int_eq(rows, 2 * 3 * 2); /* 2 strategies x budgets 1, 3, 10 x bins all and p */
    remove(file);
    rmdir(dir);
    cs_experiment_free(&ex);
    cs_log_free(&log);
    remove(path);
}
END_TEST

START_TEST(a_log_mixes_with_parametric_components)
{
    cs_log log;
    const char *path = log_file("[experiment]\nanswers = 3\n[population.p]\np_correct = beta(2,3)\n", 400, 8,
                                13, &log);
    double plog = cs_unbiased_log_pass(&log, 1);
    char ini[512];
    snprintf(ini, sizeof ini,
             "[experiment]\nqueries = 40000\nbudgets = 1,8\nanswers = 3\n[population.logged]\nweight = 3\n"
             "data = %s\n[population.fixed]\nweight = 1\np_correct = 0.9\n[strategy.coverage]\n", path);
    cs_experiment ex;
    load_file_ok(&ex, ini);
    cs_results r;
    sweep_ok(&ex, &r, 2);
    /* coverage at one sample: 3/4 of the log's pass@1 and 1/4 of 0.9; each bin its own */
    double want = 0.75 * plog + 0.25 * 0.9, got = cell_mean(&r, 0, 0, 0), se = cell_se(&r, 0, 0, 0);
    ck_assert_msg(fabs(got - want) <= 4 * se, "all: %.5f, want %.5f, 4 s.e. %.5f", got, want, 4 * se);
    ck_assert_msg(fabs(cell_mean(&r, 0, 0, 2) - 0.9) <= 4 * cell_se(&r, 0, 0, 2), "fixed bin");
    ck_assert_msg(fabs(cell_mean(&r, 0, 0, 1) - plog) <= 4 * cell_se(&r, 0, 0, 1), "logged bin");
    /* the component's share of queries is its weight's: 3/4 of them, binomial s.e. */
    double n1 = cs_results_cell(&r, 0, 0, 1)->n;
    ck_assert_msg(fabs(n1 / 40000 - 0.75) <= 4 * sqrt(0.75 * 0.25 / 40000), "share %.4f", n1 / 40000);
    cs_results_free(&r);
    cs_experiment_free(&ex);
    cs_log_free(&log);
    remove(path);
}
END_TEST

START_TEST(bad_log_components)
{
    cs_log log;
    const char *path = log_file("[experiment]\nanswers = 3\n[population.p]\np_correct = 0.5\n", 5, 4, 1, &log);
    cs_log_free(&log);
    char ini[512];
    cs_experiment ex;
    cs_error err;
    snprintf(ini, sizeof ini, "[experiment]\nbudgets = 1,8\n[population.p]\ndata = %s\ndraw = subsample\n", path);
    const char *p = write_temp_ini(ini);
    ck_assert_int_ne(cs_experiment_load(&ex, p, NULL, 0, &err), 0);
    ck_assert_int_eq(err.line, 2);
    ck_assert_msg(strstr(err.msg, "budget 8") && strstr(err.msg, "as few as 4"), "%s", err.msg);
    remove(p);
    snprintf(ini, sizeof ini, "[experiment]\n[population.p]\ndata = %s\ndraw = sometimes\n", path);
    p = write_temp_ini(ini);
    ck_assert_int_ne(cs_experiment_load(&ex, p, NULL, 0, &err), 0);
    ck_assert_int_eq(err.line, 4);
    ck_assert_msg(strstr(err.msg, "replace or subsample"), "%s", err.msg);
    remove(p);
    snprintf(ini, sizeof ini, "[experiment]\n[steps]\nsteps = 4\n[population.p]\ndata = %s\n", path);
    p = write_temp_ini(ini);
    ck_assert_int_ne(cs_experiment_load(&ex, p, NULL, 0, &err), 0);
    ck_assert_int_eq(err.line, 5);
    remove(p);
    p = write_temp_ini("[experiment]\n[population.p]\ndata = /nonexistent/log.csv\n");
    ck_assert_int_ne(cs_experiment_load(&ex, p, NULL, 0, &err), 0);
    ck_assert_str_eq(err.file, "/nonexistent/log.csv");
    remove(p);
    /* exact mode refuses a log component, naming its data line */
    snprintf(ini, sizeof ini, "[experiment]\n[population.p]\ndata = %s\n[strategy.vote]\n", path);
    p = write_temp_ini(ini);
    ck_assert_int_eq(cs_experiment_load(&ex, p, NULL, 0, &err), 0);
    cs_results r;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    ck_assert_int_eq(cs_exact_run(&ex, &r, &err), CS_ERR_UNSUPPORTED);
    ck_assert_int_eq(err.line, 3);
    cs_results_free(&r);
    cs_experiment_free(&ex);
    remove(p);
    remove(path);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("logpop");
    TCase *tc = tcase_create("logpop");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, subsample_at_the_logged_count_is_the_log);
    tcase_add_test(tc, a_log_gives_its_population_curves);
    tcase_add_test(tc, logged_curves_beside_the_simulated);
    tcase_add_test(tc, a_log_mixes_with_parametric_components);
    tcase_add_test(tc, bad_log_components);
    suite_add_tcase(s, tc);
    return s;
}
