/*
** Test helpers: closed forms the tests compare the library against, computed here from their
** definitions (binomial sums, the knockout bracket's recursion), not by the library's code.
*/
#ifndef CALLSCALE_TESTUTIL_CLOSED_H
#define CALLSCALE_TESTUTIL_CLOSED_H

#include <math.h>
#include <stddef.h>
#include <gsl/gsl_sf_gamma.h>

/* P(Bin(K, p) > K/2) for odd K, summed from the definition. */
static inline double majority(unsigned K, double p)
{
    double s = 0;
    for (unsigned j = K / 2 + 1; j <= K; j++)
        s += exp(gsl_sf_lnchoose(K, j) + j * log(p) + (K - j) * log1p(-p));
    return s;
}

/* A knockout bracket of n candidates, each right with probability p, a match between a right and
** a wrong one won by the right one with probability q: its two halves (ceil and floor of n/2) are
** independent brackets, and their winners meet. Plain recursion, no memo. */
static inline double bracket(size_t n, double p, double q)
{
    if (n == 1)
        return p;
    double a = bracket((n + 1) / 2, p, q), b = bracket(n / 2, p, q);
    return a * b + (a * (1 - b) + b * (1 - a)) * q;
}

#endif
