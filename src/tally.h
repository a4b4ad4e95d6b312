/*
** Plurality from counts: the correct answer's score (1/t when it is among t answers tied for the
** lead) and the test that a vote has settled.
*/
#ifndef CALLSCALE_TALLY_H
#define CALLSCALE_TALLY_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* A vote whose outcome can still change with probability below this is frozen (see
** tally_settled). Far below anything a simulation of fewer than 10^15 queries can see. */
#define CS_SETTLE_EPS 1e-18

/* Leader of counts c over m answers, where the slot `novel` counts distinct answers of one vote
** each. Sets *top (the leading count), *ntop (answers holding it) and returns one leader. */
static inline size_t tally_lead(const uint32_t *c, size_t m, long novel, uint32_t *top,
                                uint32_t *ntop)
{
    uint32_t t = 0, n = 0;
    size_t lead = 0;
    for (size_t j = 0; j < m; j++) {
        uint32_t v = (long)j == novel ? (c[j] ? 1u : 0u) : c[j];
        uint32_t k = (long)j == novel ? c[j] : 1u; /* novel: c[j] answers of one vote each */
        if (v > t) {
            t = v;
            n = k;
            lead = j;
        } else if (v == t && v > 0) {
            n += k;
        }
    }
    *top = t;
    *ntop = n;
    return lead;
}

static inline double tally_score(const uint32_t *c, size_t m, long novel)
{
    uint32_t top, ntop;
    tally_lead(c, m, novel, &top, &ntop);
    return (top > 0 && c[0] == top) ? 1.0 / (double)ntop : 0.0;
}

/* Can the plurality still change? Votes arrive independently with weights w (any positive
** multiple of the answers' probabilities). The lead of the leader l over a rival j moves as a
** walk that goes up with probability w_l and down with w_j per relevant vote, so from a lead of L
** it ever comes back to a tie with probability exactly (w_j / w_l)^L (gambler's ruin). By the
** union bound, once the sum over rivals is below CS_SETTLE_EPS the outcome is frozen for good.
** A rival at least as likely as the leader always catches up: never settled. Novel answers never
** repeat, so they cannot catch a leader holding two votes or more. */
static inline int tally_settled(const uint32_t *c, size_t m, long novel, const double *w)
{
    uint32_t top, ntop;
    size_t l = tally_lead(c, m, novel, &top, &ntop);
    if (ntop != 1 || top < 2 || (long)l == novel || !(w[l] > 0))
        return 0;
    double sum = 0, lw = log(w[l]);
    for (size_t j = 0; j < m; j++) {
        if (j == l || (long)j == novel || !(w[j] > 0))
            continue;
        if (w[j] >= w[l])
            return 0;
        sum += exp((double)(top - c[j]) * (log(w[j]) - lw));
        if (sum >= CS_SETTLE_EPS)
            return 0;
    }
    return 1;
}

#endif
