/*
** Exact mode internals: per-component context shared by the strategies' exact functions.
*/
#ifndef CALLSCALE_EXACT_INTERNAL_H
#define CALLSCALE_EXACT_INTERNAL_H

#include <stddef.h>
#include "callscale/experiment.h"
#include "callscale/rules.h"

typedef struct cs_exact_ctx {
    const cs_strategy *strategy;
    const cs_component *comp;
    int all_novel;      /* open answer space, uniform: every wrong answer is distinct */
    size_t r;           /* number of wrong answers (finite M) */
    const double *shares; /* their fixed shares of the wrong mass, summing to 1 */
    size_t kmax;        /* largest budget */
    double *win;        /* vote win table, see cs_exact_vote_win */
    double *lfact;      /* ln n! for n = 0..kmax */
} cs_exact_ctx;

/* Probability that the correct answer wins a plurality vote (a tie among t answers scoring 1/t)
** when it holds c votes and w further votes fall on the wrong answers by their shares. */
double cs_exact_vote_win(const cs_exact_ctx *ctx, size_t c, size_t w);

/* Binomial probability C(n,k) x^k (1-x)^(n-k), from the log-factorial table. */
double cs_exact_binom(const cs_exact_ctx *ctx, size_t n, size_t k, double x);

/* Build the win table for every c + w <= kmax. Returns 0 or CS_ERR_NOMEM. */
int cs_exact_vote_win_table(cs_exact_ctx *ctx);

/* Exact mode's part of a cell for a component of each p rule with an exact form (rules.c's rows). */
cs_rules_exact_part cs_exact_part_fixed, cs_exact_part_beta;

#endif
