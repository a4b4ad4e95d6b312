/*
** Test helper: one binary query of the step model, built by hand (no population), with its
** settings zeroed for the test to fill in.
*/
#ifndef CALLSCALE_TESTUTIL_QUERY_H
#define CALLSCALE_TESTUTIL_QUERY_H

#include <math.h>
#include <string.h>
#include "callscale/population.h"

/* A binary query with per-call accuracy p, solutions of L steps, scored by the PRM. */
typedef struct fixture {
    cs_settings set;
    double pi[2], cum[2];
    cs_query q;
} fixture;

/* Every setting 0 but agg = last; pi = (p, 1 - p); s = p^(1/L), so a chain is right with p. */
static inline void binary_query_init(fixture *f, double p, unsigned L)
{
    memset(f, 0, sizeof *f);
    f->set.agg = -1; /* the word last */
    f->pi[0] = p;
    f->pi[1] = 1 - p;
    f->cum[0] = p;
    f->cum[1] = 1;
    f->q.p = p;
    f->q.nans = 2;
    f->q.novel = -1;
    f->q.pi = f->pi;
    f->q.cum = f->cum;
    f->q.set = &f->set;
    f->q.L = L;
    f->q.s = pow(p, 1.0 / L);
    f->q.prm = 1;
}

#endif
