/*
** A query runner: one thread's buffers for drawing a query and running every strategy of an
** experiment on it, shared by the sweep and the planner so both see the same outcomes.
*/
#ifndef CALLSCALE_RUNNER_H
#define CALLSCALE_RUNNER_H

#include <stdint.h>
#include "callscale/population.h"
#include "callscale/strategy.h"

typedef struct cs_runner {
    const cs_experiment *ex;
    const cs_population *pop;
    uint64_t purpose[CS_MAX_STRATEGIES]; /* each setting's stream, from its name */
    cs_pcg32 rng_state; /* the query stream */
    gsl_rng rng;        /* the same, for GSL's samplers */
    double *pi, *cum;
    cs_query q;
    cs_samples smp;
    cs_scratch scratch;
    double *score;  /* per budget, of the last strategy run */
    cs_record *rec; /* per budget, likewise */
    cs_round_log *logs; /* per budget, the rounds of the last strategy run; NULL: not kept */
} cs_runner;

/* Buffers for ex's queries; `sequence` keeps samples one by one (see cs_samples_init). */
int cs_runner_init(cs_runner *r, const cs_experiment *ex, const cs_population *pop, int sequence);
void cs_runner_free(cs_runner *r);

/* Keep every round of each strategy run from now on (r->logs, per budget), for the clock. */
int cs_runner_keep_rounds(cs_runner *r);

/* Draw query i and start its shared samples. */
const cs_query *cs_runner_query(cs_runner *r, uint64_t i);

/* Run strategy s of the experiment on the current query: r->score and r->rec at every budget. */
void cs_runner_strategy(cs_runner *r, size_t s);

#endif
