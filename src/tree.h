/*
** Shared pieces of the tree-search strategies: carving the per-query work buffer, the widths of a
** beam, and the call record of one search.
*/
#ifndef CALLSCALE_TREE_H
#define CALLSCALE_TREE_H

#include <math.h>
#include <stddef.h>
#include "callscale/steps.h"
#include "callscale/strategy.h"

/* Take n items of size sz from the work buffer, keeping 16-byte alignment. */
static inline void *tree_take(char **cursor, size_t n, size_t sz)
{
    void *p = *cursor;
    *cursor += (n * sz + 15) / 16 * 16;
    return p;
}

static inline size_t tree_size(size_t n, size_t sz)
{
    return (n * sz + 15) / 16 * 16;
}

/* A beam width parameter: a number, or the word "sqrt" for round(sqrt(N)); never above N. */
static inline size_t tree_width(double value, size_t N)
{
    double m = cs_param_word(value) == 0 ? floor(sqrt((double)N) + 0.5) : value;
    size_t w = m < 1 ? 1 : (size_t)m;
    return w > N ? N : w;
}

#define SELECT_PARAM                                                                             \
    {"select", "weighted", CS_WORDS_ONLY, 0, CS_SELECT_WORDS, 0,                                   \
     "how one answer is chosen among the N finished chains"}

/* The select parameter's index in a value array of a strategy with it last. */
static inline int tree_select(const cs_strategy *s)
{
    return cs_param_word(s->value[s->type->nparams - 1]);
}

#endif
