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
#endif

#ifdef CALLSCALE_EXPERIMENT_H
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
