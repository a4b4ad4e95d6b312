/*
** Test helpers on the sweep: Monte Carlo into fresh results, and the same bits for any thread
** count.
*/
#ifndef CALLSCALE_TESTUTIL_SWEEP_H
#define CALLSCALE_TESTUTIL_SWEEP_H

#include <string.h>
#include "callscale/sweep.h"
#include "testutil.h"

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
