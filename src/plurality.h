/*
** Plurality from counts: the correct answer's score (1/t when it is among t answers tied for the
** lead) and the test that a vote has settled.
*/
#ifndef CALLSCALE_PLURALITY_H
#define CALLSCALE_PLURALITY_H

#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* A vote whose outcome can still change with probability below this is frozen (see
** plurality_settled). Far below anything a simulation of fewer than 10^15 queries can see. */
#define CS_SETTLE_EPS 1e-18

/* Leader of counts c over m answers, where the slot `novel` counts distinct answers of one vote
** each. Sets *top (the leading count), *ntop (answers holding it) and returns one leader. */
static inline size_t plurality_lead(const uint32_t *c, size_t m, long novel, uint32_t *top,
                                uint32_t *ntop)
{
    uint32_t t = 0, n = 0;
    size_t lead = 0;
    if (novel < 0) { /* the common case, without the novel slot's test in the loop */
        for (size_t j = 0; j < m; j++) {
            if (c[j] > t) {
                t = c[j];
                n = 1;
                lead = j;
            } else if (c[j] == t && t > 0) {
                n++;
            }
        }
        *top = t;
        *ntop = n;
        return lead;
    }
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

static inline double plurality_score_of(const uint32_t *c, uint32_t top, uint32_t ntop)
{
    return (top > 0 && c[0] == top) ? 1.0 / (double)ntop : 0.0;
}

static inline double plurality_score(const uint32_t *c, size_t m, long novel)
{
    uint32_t top, ntop;
    plurality_lead(c, m, novel, &top, &ntop);
    return plurality_score_of(c, top, ntop);
}

/* Can the correct answer's score still change? Votes arrive independently with weights w (any
** positive multiple of the answers' probabilities). The lead of an answer a over an answer b moves
** as a walk that goes up with probability w_a and down with w_b per vote for either, so from a lead
** of L it ever comes back to a tie with probability exactly (w_b / w_a)^L when w_b < w_a (gambler's
** ruin), and with probability 1 otherwise. The score is frozen when, with probability above
** 1 - CS_SETTLE_EPS, it can never change:
**  - the correct answer leads alone and no rival ever draws level: by the union bound, the sum over
**    rivals j of (w_j / w_0)^(c_0 - c_j) is below CS_SETTLE_EPS;
**  - the correct answer trails some answer l and never draws level with it again (so it never
**    leads or ties for the lead, whoever leads): (w_0 / w_l)^(c_l - c_0) below CS_SETTLE_EPS.
** Novel answers never repeat: they cannot catch an answer holding two votes or more, and an
** answer cannot stay ahead of the correct one by being novel. */
static inline int plurality_settled_at(const uint32_t *c, size_t m, long novel, const double *lw,
                                   uint32_t top, uint32_t ntop)
{
    const double cut = 41.44653167389282; /* -ln(CS_SETTLE_EPS) */
    if (lw[0] == -INFINITY)
        return c[0] < top; /* the correct answer is never drawn: its score stays 0 once behind */
    if (c[0] == top && ntop == 1) {
        if (top < 2)
            return 0;
        double sum = 0;
        for (size_t j = 1; j < m; j++) {
            if ((long)j == novel || lw[j] == -INFINITY)
                continue;
            double x = (double)(c[0] - c[j]) * (lw[0] - lw[j]); /* -ln of the catch-up chance */
            if (!(x > cut))
                return 0; /* one rival alone is too likely to draw level */
            sum += exp(-x);
        }
        return sum < CS_SETTLE_EPS;
    }
    if (c[0] == top)
        return 0; /* tied for the lead */
    for (size_t l = 1; l < m; l++)
        if ((long)l != novel && c[l] > c[0] && lw[l] > lw[0] &&
            (double)(c[l] - c[0]) * (lw[l] - lw[0]) > cut)
            return 1;
    return 0;
}

static inline int plurality_settled(const uint32_t *c, size_t m, long novel, const double *lw)
{
    uint32_t top, ntop;
    plurality_lead(c, m, novel, &top, &ntop);
    return plurality_settled_at(c, m, novel, lw, top, ntop);
}

/* The score of counts c and whether it is settled, from one pass for the leader. */
static inline double plurality_vote(const uint32_t *c, size_t m, long novel, const double *lw,
                                int *settled)
{
    uint32_t top, ntop;
    plurality_lead(c, m, novel, &top, &ntop);
    *settled = plurality_settled_at(c, m, novel, lw, top, ntop);
    return plurality_score_of(c, top, ntop);
}

/* Log weights for plurality_settled: -INFINITY where a weight is 0. */
static inline void plurality_logs(const double *w, size_t m, double *lw)
{
    for (size_t j = 0; j < m; j++)
        lw[j] = w[j] > 0 ? log(w[j]) : -INFINITY;
}

#endif
