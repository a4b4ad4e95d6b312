/*
** A query's samples: its answers and their verifier scores, drawn lazily from the query's own
** streams, so every strategy reads the same samples (common random numbers) and a strategy that
** needs few (coverage stops at the first correct answer) does not pay for many.
*/
#ifndef CALLSCALE_SAMPLES_H
#define CALLSCALE_SAMPLES_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "callscale/population.h"

typedef struct cs_samples {
    const cs_query *q;
    size_t cap;         /* the largest budget: no strategy asks for more */
    uint16_t *ans;      /* answers drawn so far */
    size_t nans;
    double *score;      /* verifier scores drawn so far (score[i] of ans[i]) */
    size_t nscore;
    double *bias;       /* answer-level verifier bias per answer of q (not the novel slot) */
    cs_pcg32 ans_rng;
    gsl_rng *score_rng; /* PCG32 behind GSL's Gaussian sampler */
    int stepped;        /* samples are independent chains of steps, scored by the PRM */
} cs_samples;

/* stepped: each sample is a chain of the step model, its answer where the chain ends and its
** score the PRM's aggregate over its steps (so best_of_n, weighted_vote and vote run over chains). */
int cs_samples_init(cs_samples *s, size_t cap, size_t max_answers, int stepped);
void cs_samples_free(cs_samples *s);

/* Start query q (whose streams derive from seed and q->index). */
void cs_samples_reset(cs_samples *s, const cs_query *q, uint64_t seed);

/* The first n answers (n <= cap), drawing any not yet drawn. */
const uint16_t *cs_samples_answers(cs_samples *s, size_t n);

/* The first n verifier scores: separation [correct] + bias(answer) + sample noise, where a novel
** answer (open answer space) gets a bias of its own. */
const double *cs_samples_scores(cs_samples *s, size_t n);

#endif
