/*
** Test helpers on results cells: a cell's mean, its standard error, and the z of two cells' gap.
*/
#ifndef CALLSCALE_TESTUTIL_CELLS_H
#define CALLSCALE_TESTUTIL_CELLS_H

#include <math.h>
#include "callscale/results.h"

/* Mean score of a results cell, and its standard error from the cell's own sample variance. */
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

/* How many standard errors of margin a finding of the papers' must hold by (tests/test_papers.c,
** test_revise.c, test_search.c). */
#define Z_FINDING 3.0

#endif
