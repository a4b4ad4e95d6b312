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

/* What an allocation rule sees: the strategy setting, the query, and scratch for a key per prefix. */
typedef struct tree_ctx {
    const cs_strategy *s;
    const cs_query *q;
    double *key;
    double *kept; /* 4N doubles (the selection's work, free until the chains finish) */
} tree_ctx;

/* How a frontier search spreads the N children of a depth over the N open prefixes a: kids[j]
** children for prefix j, generated in the order `order` (they must sum to N; order need only
** hold the prefixes with children, first, as the N children are made once they are all made). */
typedef void (*tree_alloc_fn)(const tree_ctx *ctx, cs_stepper *st, const cs_node *a, size_t N,
                              unsigned depth, size_t *kids, size_t *order, cs_record *rec);

/* Scratch a frontier search needs at budgets up to kmax. */
static inline size_t tree_frontier_work(const cs_strategy *s, size_t kmax)
{
    (void)s;
    return 2 * tree_size(kmax, sizeof(cs_node)) + tree_size(kmax, sizeof(double)) +
           2 * tree_size(kmax, sizeof(size_t)) + tree_size(CS_SELECT_WORK(kmax), sizeof(double));
}

/* A frontier search at every budget: N first steps, then at every depth N children shared out by
** alloc, until the chains finish; then `select` among the N. Beam search and REBASE differ only in
** alloc. */
static inline void tree_frontier_run(const cs_strategy_ctx *sctx, tree_alloc_fn alloc)
{
    const cs_strategy *s = sctx->s;
    const cs_query *q = sctx->q;
    cs_pcg32 *rng = sctx->rng;
    cs_scratch *scratch = sctx->scratch;
    const size_t *budgets = sctx->budgets;
    size_t nb = sctx->nb;
    double *score = sctx->score;
    cs_record *rec = sctx->rec;
    size_t kmax = budgets[nb - 1];
    char *cur = scratch->work;
    cs_node *a = tree_take(&cur, kmax, sizeof *a), *b = tree_take(&cur, kmax, sizeof *b);
    tree_ctx ctx = {s, q, tree_take(&cur, kmax, sizeof(double)), NULL};
    size_t *kids = tree_take(&cur, kmax, sizeof *kids), *order = tree_take(&cur, kmax, sizeof *order);
    double *work = tree_take(&cur, CS_SELECT_WORK(kmax), sizeof *work);
    ctx.kept = work;
    cs_stepper st;
    cs_stepper_init(&st, q, rng);
    for (size_t i = 0; i < nb; i++) {
        size_t N = budgets[i];
        cs_node root;
        cs_step_root(&st, &root);
        cs_step_children(&st, &root, N, a);
        cs_step_record(q, &rec[i], (double)N, (double)N, 1);
        for (unsigned d = 1; d < q->L; d++) {
            alloc(&ctx, &st, a, N, d, kids, order, &rec[i]);
            cs_step_frontier(&st, a, order, kids, N, b);
            cs_step_record(q, &rec[i], (double)N, (double)N, d + 1);
            cs_node *t = a;
            a = b;
            b = t;
        }
        score[i] = cs_steps_select_score(q, a, N, tree_select(s), work);
    }
}

#endif
