/*
** Results cells (src/results.c): a cell's mean and 95% interval against the binomial (Wald) formula
** and its coverage, sums of cells, and results.csv's rows read back against the cells written.
*/
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include "callscale/results.h"
#include "callscale/rng.h"
#include "testutil.h"
#include "testutil_experiment.h"

/* A cell of n scores of 0 or 1, k of them 1. */
static cs_cell bernoulli_cell(double n, double k)
{
    cs_cell c = {.n = n, .sum = k, .sumsq = k, .calls = 0, .tokens = 0, .flops = 0};
    return c;
}

/* For 0/1 scores the sample variance is n p (1 - p) / (n - 1), so the normal interval is
** p -+ z sqrt(p (1 - p) / (n - 1)), z the 97.5% normal quantile (GSL's inverse CDF here), clipped
** to [0, 1]. */
START_TEST(interval_binomial)
{
    const double z = gsl_cdf_ugaussian_Pinv(0.975);
    const double cases[][2] = {{1000, 300}, {400, 200}, {50, 3}, {10, 1}, {2, 1}, {20000, 19990}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        double n = cases[i][0], k = cases[i][1], p = k / n;
        cs_cell c = bernoulli_cell(n, k);
        double m, lo, hi, h = z * sqrt(p * (1 - p) / (n - 1));
        cs_cell_summary(&c, 0, &m, &lo, &hi);
        ck_assert_double_eq_tol(m, p, 1e-15);
        ck_assert_msg(fabs(lo - fmax(0, p - h)) < 1e-12, "n=%g k=%g lo %.12f", n, k, lo);
        ck_assert_msg(fabs(hi - fmin(1, p + h)) < 1e-12, "n=%g k=%g hi %.12f", n, k, hi);
    }
    /* clipped: 1 of 10 has p - h = 0.1 - 0.196 < 0 */
    cs_cell c = bernoulli_cell(10, 1);
    double m, lo, hi;
    cs_cell_summary(&c, 0, &m, &lo, &hi);
    ck_assert(lo == 0);
    /* all right: no spread, the interval is the point */
    c = bernoulli_cell(500, 500);
    cs_cell_summary(&c, 0, &m, &lo, &hi);
    ck_assert(m == 1 && lo == 1 && hi == 1);
    /* exact cells and a single query carry no interval; an empty cell has no mean */
    c = bernoulli_cell(1000, 300);
    cs_cell_summary(&c, 1, &m, &lo, &hi);
    ck_assert(lo == m && hi == m);
    c = bernoulli_cell(1, 1);
    cs_cell_summary(&c, 0, &m, &lo, &hi);
    ck_assert(m == 1 && lo == 1 && hi == 1);
    c = bernoulli_cell(0, 0);
    cs_cell_summary(&c, 0, &m, &lo, &hi);
    ck_assert(isnan(m) && isnan(lo) && isnan(hi));
}
END_TEST

/* Scores with tie credit are not 0/1: the interval uses the cell's sample variance. Scores 0,
** 1/2, 1/3 and 1 (twice): mean 17/30, sample variance computed here from the list. */
START_TEST(interval_tie_credit)
{
    const double x[] = {0, 0.5, 1.0 / 3, 1, 1};
    cs_cell c = {0};
    double mean = 0;
    for (size_t i = 0; i < 5; i++) {
        c.n += 1;
        c.sum += x[i];
        c.sumsq += x[i] * x[i];
        mean += x[i] / 5;
    }
    double var = 0;
    for (size_t i = 0; i < 5; i++)
        var += (x[i] - mean) * (x[i] - mean) / 4;
    double m, lo, hi, h = gsl_cdf_ugaussian_Pinv(0.975) * sqrt(var / 5);
    cs_cell_summary(&c, 0, &m, &lo, &hi);
    ck_assert_double_eq_tol(m, 17.0 / 30, 1e-15);
    ck_assert_double_eq_tol(lo, mean - h, 1e-12);
    ck_assert_double_eq_tol(hi, fmin(1, mean + h), 1e-12);
}
END_TEST

/* Coverage: 4000 cells of 400 Bernoulli(0.3) scores each; the interval holds 0.3 in about 95% of
** them (the Wald interval's own coverage at n = 400, p = 0.3 is within 0.005 of it). Binomial
** s.e. of the share sqrt(0.05 0.95 / 4000) = 0.0034: within 0.005 + 4 s.e. of 0.95. */
START_TEST(interval_coverage)
{
    const int cells = 4000, n = 400;
    const double p = 0.3;
    cs_pcg32 r;
    cs_pcg32_seed(&r, 2026, 12);
    int held = 0;
    for (int i = 0; i < cells; i++) {
        double k = 0;
        for (int j = 0; j < n; j++)
            k += cs_pcg32_uniform(&r) < p;
        cs_cell c = bernoulli_cell(n, k);
        double m, lo, hi;
        cs_cell_summary(&c, 0, &m, &lo, &hi);
        held += lo <= p && p <= hi;
    }
    double share = (double)held / cells;
    ck_assert_msg(fabs(share - 0.95) < 0.005 + 4 * sqrt(0.05 * 0.95 / cells), "%.4f", share);
}
END_TEST

/* Two strategies, two budgets, two components: 2 x 2 x 3 cells, bin 0 "all". */
static const char small[] = "[experiment]\nqueries = 100\nbudgets = 1,4\nanswers = 2\n"
                            "[population.easy]\np_correct = 0.8\n"
                            "[population.hard]\np_correct = 0.3\n"
                            "[strategy.vote]\n[strategy.coverage:pass]\n";

/* Cell (s, b, bin) filled with values that name it, so a row read back says where it came from. */
static void fill(cs_results *r)
{
    for (size_t s = 0; s < r->nstrat; s++)
        for (size_t b = 0; b < r->nbudgets; b++)
            for (size_t bin = 0; bin <= r->nbins; bin++) {
                cs_cell *c = cs_results_cell(r, s, b, bin);
                double n = 10 + 100 * s + 10 * b + bin, k = (double)(3 + s + b + bin);
                *c = bernoulli_cell(n, k);
                c->calls = n * (double)(b + 1);
                c->tokens = n * 300 * (double)(b + 1);
                c->flops = n * 4.2e12 * (double)(b + 1);
            }
}

/* cs_results_add adds every field of every cell. */
START_TEST(add_cells)
{
    cs_experiment ex;
    load_text_ok(&ex, small);
    cs_results a, b;
    ck_assert_int_eq(cs_results_init(&a, &ex), 0);
    ck_assert_int_eq(cs_results_init(&b, &ex), 0);
    ck_assert_uint_eq(a.nbins, 2);
    fill(&a);
    fill(&b);
    cs_results_add(&a, &b);
    cs_results_add(&a, &b);
    for (size_t s = 0; s < 2; s++)
        for (size_t k = 0; k < 2; k++)
            for (size_t bin = 0; bin <= 2; bin++) {
                const cs_cell *x = cs_results_cell(&a, s, k, bin);
                const cs_cell *y = cs_results_cell(&b, s, k, bin);
                ck_assert(x->n == 3 * y->n && x->sum == 3 * y->sum && x->sumsq == 3 * y->sumsq);
                ck_assert(x->calls == 3 * y->calls && x->tokens == 3 * y->tokens);
                ck_assert_double_eq_tol(x->flops, 3 * y->flops, 1e-3);
            }
    cs_results_clear(&a);
    ck_assert(cs_results_cell(&a, 1, 1, 2)->n == 0 && cs_results_cell(&a, 0, 0, 0)->flops == 0);
    cs_results_free(&a);
    cs_results_free(&b);
    cs_experiment_free(&ex);
}
END_TEST

/* results.csv: the header, then one row per (strategy, budget, bin) in that order, each holding
** its cell's queries, mean, interval and per-query costs. */
static void check_csv(const char *text, const cs_experiment *ex, const cs_results *r)
{
    const char *bins[3] = {"all", "easy", "hard"};
    const char *line = text, *nl = strchr(line, '\n');
    ck_assert_ptr_nonnull(nl);
    ck_assert_int_eq((int)(nl - line), (int)strlen(cs_results_header));
    ck_assert(strncmp(line, cs_results_header, strlen(cs_results_header)) == 0);
    size_t rows = 0;
    for (size_t s = 0; s < 2; s++)
        for (size_t b = 0; b < 2; b++)
            for (size_t bin = 0; bin <= 2; bin++) {
                line = nl + 1;
                nl = strchr(line, '\n');
                ck_assert_ptr_nonnull(nl);
                char strat[32], setting[32], binname[32];
                unsigned long budget;
                unsigned long long queries;
                double acc, lo, hi, calls, tokens, flops;
                int got = sscanf(line, "%31[^,],%31[^,],%lu,%31[^,],%llu,%lf,%lf,%lf,%lf,%lf,%lf",
                                 strat, setting, &budget, binname, &queries, &acc, &lo, &hi, &calls,
                                 &tokens, &flops);
                ck_assert_int_eq(got, 11);
                ck_assert_str_eq(strat, s == 0 ? "vote" : "coverage");
                ck_assert_str_eq(setting, s == 0 ? "default" : "pass");
                ck_assert_uint_eq(budget, b == 0 ? 1 : 4);
                ck_assert_str_eq(binname, bins[bin]);
                const cs_cell *c = cs_results_cell(r, s, b, bin);
                double m, l, h;
                cs_cell_summary(c, r->exact, &m, &l, &h);
                unsigned long long want_queries = r->exact ? 0 : (unsigned long long)c->n;
                ck_assert_uint_eq(queries, want_queries);
                ck_assert_double_eq_tol(acc, c->sum / c->n, 1e-10);
                ck_assert_double_eq_tol(lo, l, 1e-10);
                ck_assert_double_eq_tol(hi, h, 1e-10);
                if (r->exact)
                    ck_assert(lo == acc && hi == acc);
                ck_assert_double_eq_tol(calls, (double)(b + 1), 1e-9);
                ck_assert_double_eq_tol(tokens, 300.0 * (double)(b + 1), 1e-6);
                ck_assert_double_eq_tol(flops / (4.2e12 * (double)(b + 1)), 1, 1e-9);
                rows++;
            }
    ck_assert_uint_eq(rows, 12);
    ck_assert(nl[1] == '\0');
    (void)ex;
}

static char *print_csv(const cs_experiment *ex, const cs_results *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    ck_assert_ptr_nonnull(f);
    cs_results_print_csv(ex, r, f);
    fclose(f);
    return buf;
}

START_TEST(csv_rows)
{
    cs_experiment ex;
    load_text_ok(&ex, small);
    cs_results r;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    fill(&r);
    char *text = print_csv(&ex, &r);
    check_csv(text, &ex, &r);
    free(text);
    r.exact = 1;
    text = print_csv(&ex, &r);
    check_csv(text, &ex, &r);
    free(text);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* cs_results_write_csv writes the same text to a file, and refuses a folder that is not there
** (CS_ERR_IO, naming the path) without leaving anything behind. */
START_TEST(csv_file)
{
    cs_experiment ex;
    load_text_ok(&ex, small);
    cs_results r;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    fill(&r);
    char dir[] = "/tmp/callscale-results-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    cs_error err;
    ck_assert_int_eq(cs_results_write_csv(&ex, &r, path, &err), 0);
    FILE *f = fopen(path, "r");
    ck_assert_ptr_nonnull(f);
    static char got[8192];
    size_t n = fread(got, 1, sizeof got - 1, f);
    fclose(f);
    got[n] = '\0';
    char *want = print_csv(&ex, &r);
    ck_assert_str_eq(got, want);
    free(want);
    remove(path);

    snprintf(path, sizeof path, "%s/missing/results.csv", dir);
    ck_assert_int_eq(cs_results_write_csv(&ex, &r, path, &err), CS_ERR_IO);
    ck_assert_int_eq(err.code, CS_ERR_IO);
    ck_assert_msg(strstr(err.file, "missing") || strstr(err.msg, "missing"), "%s: %s", err.file,
                  err.msg);
    ck_assert_int_eq(rmdir(dir), 0); /* empty: nothing was left behind */
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("results");
    TCase *tc = tcase_create("results");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, interval_binomial);
    tcase_add_test(tc, interval_tie_credit);
    tcase_add_test(tc, interval_coverage);
    tcase_add_test(tc, add_cells);
    tcase_add_test(tc, csv_rows);
    tcase_add_test(tc, csv_file);
    suite_add_tcase(s, tc);
    return s;
}
