/*
** Decisions under a latency target (DESIGN.md section 6): the most accurate setting and budget per
** difficulty bin whose p99 latency meets the [arrivals] slo, and per setting and budget the
** largest Poisson arrival rate that still meets it (a capacity search).
*/
#ifndef CALLSCALE_SLO_H
#define CALLSCALE_SLO_H

#include <stddef.h>
#include "callscale/latency.h"
#include "callscale/experiment.h"

/* Per bin (0 = all): the chosen cell (-1: none meets the slo) and its figures. */
typedef struct cs_slo_choice {
    long cell; /* index into the clock result's cells */
    double accuracy, latency_p99, throughput;
} cs_slo_choice;

typedef struct cs_slo {
    size_t nbins;
    cs_slo_choice *choice; /* nbins + 1 */
    double *capacity;      /* per cell: queries/s (0: not even at a trickle); NULL without rate */
    double *capacity_p99;  /* per cell: p99 latency at that rate */
    cs_clock_result clock; /* the cells at the file's rate */
} cs_slo;

/* Capacity: the rate is bracketed by doubling or halving from the file's, then bisected to this
** relative width; every trial reuses the same random numbers (arrival gaps are unit exponentials
** over the rate, service times the queries' own), so p99 moves with the rate alone. */
#define CS_SLO_RATE_TOL 0.01
#define CS_SLO_BRACKET_STEPS 20

int cs_slo_run(const cs_experiment *ex, int threads, cs_slo *out, cs_error *err);
void cs_slo_free(cs_slo *s);

/* DIR/slo.csv (bin,strategy,setting,budget,accuracy,latency_p99,throughput) and, with rate
** arrivals, DIR/capacity.csv (strategy,setting,budget,capacity,latency_p99). */
int cs_slo_write(const cs_experiment *ex, const cs_slo *s, const char *dir, cs_error *err);

#endif
