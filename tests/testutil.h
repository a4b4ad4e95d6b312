/*
** Shared helpers for the Check test programs: each tests/test_<module>.c defines make_suite().
*/
#ifndef CALLSCALE_TESTUTIL_H
#define CALLSCALE_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *make_suite(void);

/* Write text to a fresh temporary .ini file and return its path (static buffer per call site
** is the caller's concern: copy it if you need two at once). */
static inline const char *write_temp_ini(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/callscale-test-XXXXXX.ini");
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

/* Mean score of a results cell, and its standard error from the cell's own sample variance. */
#ifdef CALLSCALE_RESULTS_H
static inline double cell_mean(const cs_results *r, size_t s, size_t b, size_t bin)
{
    const cs_cell *c = cs_results_cell(r, s, b, bin);
    return c->sum / c->n;
}

static inline double cell_se(const cs_results *r, size_t s, size_t b, size_t bin)
{
    const cs_cell *c = cs_results_cell(r, s, b, bin);
    double m = c->sum / c->n, var = (c->sumsq - c->sum * m) / (c->n - 1);
    return sqrt((var > 0 ? var : 0) / c->n);
}

/* (mean1 - mean2) over the s.e. of their difference, the cells taken as independent: cells that
** share samples are positively correlated, which only overstates the s.e. */
static inline double cell_z(const cs_results *r, size_t s1, size_t b1, size_t bin1, size_t s2,
                            size_t b2, size_t bin2)
{
    double d = cell_mean(r, s1, b1, bin1) - cell_mean(r, s2, b2, bin2);
    return d / hypot(cell_se(r, s1, b1, bin1), cell_se(r, s2, b2, bin2));
}
#endif

#ifdef CALLSCALE_EXPERIMENT_H
/* Index of the strategy setting name:label, and of budget N; absent ones fail the test. */
static inline size_t strategy_index(const cs_experiment *ex, const char *name, const char *label)
{
    for (size_t s = 0; s < ex->nstrat; s++)
        if (strcmp(ex->strat[s].type->name, name) == 0 && strcmp(ex->strat[s].label, label) == 0)
            return s;
    ck_abort_msg("no strategy %s:%s", name, label);
    return 0;
}

static inline size_t budget_index(const cs_experiment *ex, size_t N)
{
    for (size_t b = 0; b < ex->nbudgets; b++)
        if (ex->budgets[b] == N)
            return b;
    ck_abort_msg("no budget %zu", N);
    return 0;
}

/* Load an experiment written out from text; any error fails the test. */
static inline void load_text_ok(cs_experiment *ex, const char *text)
{
    cs_error err;
    const char *path = write_temp_ini(text);
    int rc = cs_experiment_load(ex, path, NULL, 0, &err);
    remove(path);
    ck_assert_msg(rc == 0, "%d: %s", err.line, err.msg);
}
#endif

#ifdef CALLSCALE_SWEEP_H
/* Monte Carlo of ex into r (initialised here). */
static inline void sweep_ok(const cs_experiment *ex, cs_results *r, int threads)
{
    cs_error err;
    ck_assert_int_eq(cs_results_init(r, ex), 0);
    ck_assert_msg(cs_sweep_run(ex, threads, NULL, NULL, r, &err) == 0, "%s", err.msg);
}

/* The same results, to the bit, on one thread and on three. */
static inline void assert_thread_independent(const cs_experiment *ex)
{
    cs_results a, b;
    sweep_ok(ex, &a, 1);
    sweep_ok(ex, &b, 3);
    size_t n = a.nstrat * a.nbudgets * (a.nbins + 1);
    ck_assert_int_eq(memcmp(a.cell, b.cell, n * sizeof *a.cell), 0);
    cs_results_free(&a);
    cs_results_free(&b);
}
#endif

#endif
