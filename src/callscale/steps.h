/*
** The step-level model: prefixes that stay on track, derail or fall into a trap, a process reward
** model (PRM) that scores them, and the selection of one answer among finished chains.
*/
#ifndef CALLSCALE_STEPS_H
#define CALLSCALE_STEPS_H

#include <stddef.h>
#include <stdint.h>
#include "callscale/population.h"
#include "callscale/record.h"
#include "callscale/rng.h"

enum cs_step_state { CS_ON_TRACK, CS_DERAILED, CS_TRAP };

/* Answers of derailed chains in an open answer space are new answers: ids from here up are each
** one distinct answer, shared only by the descendants of the step that produced it. */
#define CS_NOVEL_BASE 65536u

typedef struct cs_node {
    uint32_t answer; /* 0 correct; 1..M-1 a wrong answer; >= CS_NOVEL_BASE a novel one */
    uint8_t depth;
    uint8_t state;   /* enum cs_step_state */
    float err;       /* the PRM's error at this prefix (children inherit rho of it) */
    double score;    /* the PRM's score of this prefix */
    double agg;      /* the chain's aggregated score so far ([prm] agg) */
} cs_node;

/* Randomness of one tree: PCG32 for the step outcomes and Gaussian noise through GSL's sampler,
** plus a counter for novel answers; and what every step of the query's tree shares, computed once
** (a pow per step was a fifth of a beam search's time). */
/* The most steps a solution has (the [steps] steps key's upper bound). */
#define CS_MAX_STEPS 64

typedef struct cs_stepper {
    const cs_query *q;
    cs_pcg32 *rng;
    gsl_rng gsl;                      /* rng as a GSL generator, for the PRM's noise and labels */
    uint32_t next_novel;
    double inherit, fresh;            /* rho, and sqrt(1 - rho^2): how a PRM error passes on */
    double trap;                      /* this query's chance per step of a trap: trap * p^trap_power */
    double value[CS_MAX_STEPS + 1];   /* an on-track prefix's true value at depth d: s^(L-d) */
    /* A rollout's n steps at once (cs_step_rollout): the chance that an on-track prefix stays
    ** on track, ((1 - trap) s)^n, that a derailed one meets no trap, (1 - trap)^n, and the PRM
    ** error it ends with, carry[n] e + spread[n] sigma Z (rho^n, sqrt(1 - rho^2n)). */
    double stay[CS_MAX_STEPS + 1], untrapped[CS_MAX_STEPS + 1];
    double carry[CS_MAX_STEPS + 1], spread[CS_MAX_STEPS + 1];
    double trap_share;                /* the share of traps among the steps that leave the track */
    /* A step's three chances as counts of PCG32 outputs: cs_pcg32_uniform(rng) < x exactly when
    ** cs_pcg32_next(rng) < below(x) (cs_stepper_init), so outcome() compares integers and
    ** draws the same steps to the bit. */
    uint64_t trap_below, stay_below, recover_below;
    int recovers; /* [steps] recover > 0: a derailed step draws whether it recovers */
} cs_stepper;

void cs_stepper_init(cs_stepper *st, const cs_query *q, cs_pcg32 *rng);

/* The empty prefix. */
void cs_step_root(const cs_stepper *st, cs_node *root);

/* One generated step after parent (parent->depth < L), scored by the PRM. */
void cs_step_child(cs_stepper *st, const cs_node *parent, cs_node *child);

/* n steps after the same parent, child[0..n), drawn in order: n calls of cs_step_child. */
void cs_step_children(cs_stepper *st, const cs_node *parent, size_t n, cs_node *child);

/* A greedy chain of proposals, as a DVTS subtree grows: from the root, w steps at each depth
** after the first of the best (by agg) of the depth before; the last depth's w into out[0..w).
** prop holds 2w. */
void cs_step_greedy(cs_stepper *st, size_t w, cs_node *prop, cs_node *out);

/* A frontier's n children after its n prefixes: kids[order[j]] after parent[order[j]] for j = 0,
** 1, ... until the n are made, in that order into child[]: those calls of cs_step_children, in
** one (kids sum to n). */
void cs_step_frontier(cs_stepper *st, const cs_node *parent, const size_t *order,
                      const size_t *kids, size_t n, cs_node *child);

/* Continue from `from` to `depth` without keeping the steps; *out is the last node. A chain draws
** each step as cs_step_child does, one after another. A rollout draws the same law (to the grid
** of its 32-bit uniforms) at once where the steps between are never read (the common PRM:
** Gaussian noise, agg = last): where the chain leaves the track and how, by one uniform each,
** and the PRM's error at the end by one Gaussian (the sum of the steps' errors, each passed on
** with rho, is itself Gaussian). */
void cs_step_chain(cs_stepper *st, const cs_node *from, unsigned depth, cs_node *out);
void cs_step_rollout(cs_stepper *st, const cs_node *from, unsigned depth, cs_node *out);

/* Final selection among n finished chains (enum cs_select), with the tie rule of results.csv
** (a plurality tie among t answers including the correct one scores 1/t). work holds
** CS_SELECT_WORK(n) doubles. oracle: 1 when any chain is right, the search's own coverage (pass@N
** of its tree). */
enum cs_select { CS_SELECT_WEIGHTED, CS_SELECT_BEST, CS_SELECT_MAJORITY, CS_SELECT_ORACLE };
#define CS_SELECT_WORDS "weighted|best|majority|oracle"
#define CS_SELECT_WORK(n) (4 * (n))
double cs_steps_select_score(const cs_query *q, const cs_node *finals, size_t n, int rule, double *work);

/* Cost of a round of n generated steps and of n PRM calls reading prefixes of `depth` steps. */
void cs_step_record(const cs_query *q, cs_record *rec, double nsteps, double nscores, double depth);

/* idx[0..n) = 0..n-1 ordered by key, largest first, ties by index (stable); tmp holds n. */
void cs_steps_rank_desc(const double *key, size_t n, size_t *idx, size_t *tmp);

/* idx[0..k) = the first k of cs_steps_rank_desc's order (the k largest keys, ties by index), 1 <= k <= n,
** as beam search keeps N/M of N; idx and itmp hold n, kept 3n doubles (itmp and kept: working
** memory). */
void cs_steps_rank_top(const double *key, size_t n, size_t k, size_t *idx, size_t *itmp,
                       double *kept);

/* v[0..16) sorted descending by a sorting network (Batcher's odd-even merge sort); no NaN. */
void cs_steps_sort16(double *v);
/* The same by the network the ranking uses: a bitonic one in AVX2 where the processor has it. */
void cs_steps_sort16_fast(double *v);
/* Whether the ranking may use AVX2 (1, the default) or only the portable network (0), for the
** tests that run both; returns whether it will use AVX2. Not for use while others rank. */
int cs_steps_vector(int on);

/* REBASE's allocation: children for nodes with these scores so that the total is exactly
** `budget`: in descending order of score, node i gets ceil(B_i * w_i / sum_{j>=i} w_j) children
** (never more than B_i), where w = exp(score / T) and B_i is what the nodes before it left.
** order: the nodes by rank (cs_steps_rank_desc's order); work holds 2n doubles. */
void cs_steps_rebase_allocate(const double *score, size_t n, size_t budget, double temperature,
                        size_t *children, size_t *order, double *work);


#endif
