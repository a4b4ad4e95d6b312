/*
** A running plurality count: the leader's count and how many answers share it, updated in O(1)
** per vote, so the vote's outcome is known at every budget along one sample sequence.
*/
#ifndef CALLSCALE_TALLY_H
#define CALLSCALE_TALLY_H

#include <stdint.h>
#include <string.h>

typedef struct tally {
    uint32_t *count; /* per answer */
    uint32_t top;    /* highest count */
    uint32_t ntop;   /* answers holding it */
    uint32_t votes;
} tally;

static inline void tally_reset(tally *t, uint32_t *count, size_t nans)
{
    t->count = count;
    memset(count, 0, nans * sizeof *count);
    t->top = t->ntop = t->votes = 0;
}

/* One vote for answer a; `novel` is the slot whose every draw is a distinct new answer. */
static inline void tally_add(tally *t, uint16_t a, long novel)
{
    uint32_t c = ((long)a == novel) ? 1u : ++t->count[a];
    t->votes++;
    if (c > t->top) {
        t->top = c;
        t->ntop = 1;
    } else if (c == t->top) {
        t->ntop++;
    }
}

/* Score of the correct answer (index 0): 1/t when it is among the t answers tied for the lead. */
static inline double tally_score(const tally *t)
{
    return (t->votes && t->count[0] == t->top) ? 1.0 / (double)t->ntop : 0.0;
}

#endif
