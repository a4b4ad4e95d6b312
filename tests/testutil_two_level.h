/*
** Test helper: DESIGN.md section 1's two-level binary population (alpha = 0.6 easy queries with
** p1 = 0.85, the rest hard with p2 = 0.4) and its exact vote curve, F(1) = 0.67, F(5) = 0.7110.
*/
#ifndef CALLSCALE_TESTUTIL_TWO_LEVEL_H
#define CALLSCALE_TESTUTIL_TWO_LEVEL_H

#include "testutil_closed.h"

#define TWO_LEVEL_POPULATION                                                                      \
    "[population.easy]\nweight = 0.6\np_correct = 0.85\n"                                         \
    "[population.hard]\nweight = 0.4\np_correct = 0.4\n"

/* F(K) = alpha P(Bin(K, p1) > K/2) + (1 - alpha) P(Bin(K, p2) > K/2). */
static inline double two_level_vote(unsigned K)
{
    return 0.6 * majority(K, 0.85) + 0.4 * majority(K, 0.4);
}

#endif
