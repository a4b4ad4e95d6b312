/*
** Populations: each query gets a component, a per-call accuracy p and an answer distribution pi
** (index 0 the correct answer), drawn from its own stream.
*/
#ifndef CALLSCALE_POPULATION_H
#define CALLSCALE_POPULATION_H

#include <stddef.h>
#include <math.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "callscale/experiment.h"
#include "callscale/rng.h"

/* In an open answer space, wrong answers beyond this many distinct ones (the tail of a
** stick-breaking or Zipf law) go to the "novel" slot, where every draw is a new answer. */
#define CS_OPEN_ATOMS 256
/* Stick-breaking stops once the unassigned wrong mass is below this share of 1 - p. */
#define CS_OPEN_TAIL 1e-9

typedef struct cs_query {
    uint64_t index;
    size_t comp, bin;
    double p;
    size_t nans;   /* categories in pi */
    long novel;    /* index of the slot whose every draw is a distinct new answer, or -1 */
    double *pi;    /* nans probabilities */
    double *cum;   /* cumulative sums of pi, for sampling */
    const cs_settings *set;
    /* the step model (stepped experiments; otherwise L = 1) */
    unsigned L;          /* steps in a solution */
    double s;            /* chance a step keeps an on-track prefix on track: p^(1/L) */
    double sample_tokens; /* tokens of one full sample: L * tokens per step */
    double score_params;  /* the model that scores a sample: the PRM when stepped, else the verifier */
    int prm;              /* samples are scored by the PRM (value scale) rather than the verifier */
    /* a query of a log component (logpop.h): its logged samples' answer slots and scores (NULL
    ** when the log has none), their count (0 for a parametric query), and how they are drawn */
    const uint16_t *log_slot;
    const double *log_score;
    size_t log_n;
    int log_draw;
} cs_query;

/* A sample's voting weight in weighted voting, in [0,1]: a PRM scores on the value scale (the
** chance of ending right), so its score clipped to [0,1] is the weight, as Snell et al. sum PRM
** probabilities; the answer-level verifier scores on a logit scale, mapped by the logistic. */
static inline double cs_query_weight(const cs_query *q, double score)
{
    if (q->prm) {
        /* clipped to [0, 1], NaN kept: 1 < x ? 1 : x, then 0 > y ? 0 : y, which are SSE2's min
        ** and max exactly (a compiler branches on them otherwise, and which way is a coin flip) */
#ifdef __SSE2__
        __m128d upto1 = _mm_min_sd(_mm_set_sd(1.0), _mm_set_sd(score));
        return _mm_cvtsd_f64(_mm_max_sd(_mm_setzero_pd(), upto1));
#else
        double upto1 = 1 < score ? 1 : score;
        return 0 > upto1 ? 0 : upto1;
#endif
    }
    return 1 / (1 + exp(-score));
}

typedef struct cs_population cs_population;

/* Precompute what every query shares (Zipf shares, the mixture CDF for quantile bins). */
cs_population *cs_population_new(const cs_experiment *ex, cs_error *err);
void cs_population_free(cs_population *pop);

/* Largest number of categories a query can have: the size of q->pi and q->cum. */
size_t cs_population_max_answers(const cs_experiment *ex);

/* Draw query `index` into q (q->pi and q->cum provided by the caller), using r for randomness. */
void cs_population_query(const cs_population *pop, uint64_t index, cs_query *q, gsl_rng *r);

/* The fixed wrong-answer shares of a component (summing to 1 over its M-1 wrong answers), or NULL
** when they are drawn per query (dirichlet) or the answer space is open. */
const double *cs_population_shares(const cs_population *pop, size_t comp);

/* The largest fixed share of the wrong mass any one wrong answer of component comp holds, and how
** many hold it (*ntop); 0 in an open space whose wrong answers never repeat; -1 when the shares are
** drawn per query. A query is easy (its correct answer the unique mode) iff p > s (1 - p). */
double cs_population_top_share(const cs_population *pop, size_t comp, int *ntop);

/* Mixture CDF of p: lo = P(p < x), hi = P(p <= x). */
void cs_population_cdf(const cs_experiment *ex, double x, double *lo, double *hi);
/* Smallest x with P(p <= x) >= u. */
double cs_population_quantile(const cs_experiment *ex, double u);

#endif
