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

/* How a frontier search spreads the N children of a depth over the N open prefixes a: kids[j]
** children for prefix j, generated in the order `order` (they must sum to N). */
typedef void (*tree_alloc_fn)(const void *ctx, cs_stepper *st, const cs_node *a, size_t N,
                              unsigned depth, size_t *kids, size_t *order, cs_record *rec);

/* N first steps, then at every depth N children shared out by alloc, until the chains finish; the
** N finished chains are left in *a. *b is scratch of N nodes. Beam search and REBASE differ only
** in alloc. */
static inline void tree_frontier(cs_stepper *st, const cs_query *q, cs_node **a, cs_node **b,
                                 size_t N, tree_alloc_fn alloc, const void *ctx, size_t *kids,
                                 size_t *order, cs_record *rec)
{
    cs_node root;
    cs_step_root(st, &root);
    for (size_t j = 0; j < N; j++)
        cs_step_child(st, &root, &(*a)[j]);
    cs_step_record(q, rec, (double)N, (double)N, 1);
    for (unsigned d = 1; d < q->L; d++) {
        alloc(ctx, st, *a, N, d, kids, order, rec);
        size_t n = 0;
        for (size_t j = 0; j < N; j++)
            for (size_t c = 0; c < kids[order[j]]; c++)
                cs_step_child(st, &(*a)[order[j]], &(*b)[n++]);
        cs_step_record(q, rec, (double)N, (double)N, d + 1);
        cs_node *t = *a;
        *a = *b;
        *b = t;
    }
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
