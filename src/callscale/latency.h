/*
** The clock's statistics and files: latency.csv's row of a cell and bin, and with --trace
** queries.csv and trace.json (Chrome trace events).
*/
#ifndef CALLSCALE_LATENCY_H
#define CALLSCALE_LATENCY_H

#include <stdio.h>
#include "callscale/clock.h"

/* One row of latency.csv. */
typedef struct cs_latency_row {
    double queries, accuracy, latency_mean, latency_p50, latency_p90, latency_p99, wait_mean;
    double throughput, tokens_per_s, utilization, slo_attained; /* slo_attained < 0: no slo */
} cs_latency_row;

/* The row of bin (0 = all, i + 1 = bin i) of a cell; slo <= 0: none (a cell whose queries
** were let go gives the rows it kept, with the experiment's slo). */
void cs_latency_summarize(const cs_experiment *ex, const cs_clock_cell *cell, size_t bin, double slo,
                      cs_latency_row *row);

/* latency.csv's text into f: CS_ERR_NOMEM when a row could not be summarised. */
int cs_latency_print(const cs_experiment *ex, const cs_clock_result *res, FILE *f);
/* DIR/latency.csv, DIR/queries.csv and DIR/trace.json, each whole or not at all. */
int cs_latency_write(const cs_experiment *ex, const cs_clock_result *res, const char *dir,
                           cs_error *err);
int cs_latency_write_queries(const cs_experiment *ex, const cs_clock_result *res, const char *dir,
                           cs_error *err);
int cs_latency_write_trace(const cs_experiment *ex, const cs_clock_result *res, const char *dir,
                         cs_error *err);

extern const char cs_latency_header[];

#endif
