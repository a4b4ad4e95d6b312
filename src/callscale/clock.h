/*
** The clock (DESIGN.md §6): every (strategy, setting, budget) cell's queries arrive at a serving
** cluster and issue their rounds of calls; latency, throughput and SLOs beside accuracy.
*/
#ifndef CALLSCALE_CLOCK_H
#define CALLSCALE_CLOCK_H

#include <stddef.h>
#include <stdint.h>
#include "callscale/experiment.h"

/* One query of a cell: when it came, first ran, was answered; what it spent; its score. */
typedef struct cs_clock_query {
    double arrival, start, end, score, tokens;
    uint32_t rounds, calls;
    uint32_t bin;
} cs_clock_query;


/* One call on a replica, for trace.json. */
typedef struct cs_clock_call {
    double start, end;
    uint64_t query;
    uint32_t replica;
    uint8_t pool, kind;
} cs_clock_call;

/* A cell's simulation: every query in index order (those from `first` on are measured), the
** measured window [window_start, window_end] and what was busy in it. */
typedef struct cs_clock_cell {
    size_t strategy, budget; /* indices into the experiment's strategies and budgets */
    cs_clock_query *q;
    size_t nq, first;
    double window_start, window_end;
    double busy;      /* generator pool's busy slot-seconds in the window (running sequences) */
    double capacity;  /* generator pool's slots: replicas x max_num_seqs */
    double area;      /* integral over the window of the number of queries in the system */
    cs_clock_call *call; /* with keep_calls: every call, in order of ending */
    size_t ncall, capcall;
    int overloaded; /* the run stopped at max_queue: the load is above capacity */
    struct cs_latency_row *row; /* per bin (0 = all), once cs_clock_run has let the queries go */
} cs_clock_cell;


typedef struct cs_clock_result {
    cs_clock_cell *cell; /* strategy-major, then budget */
    size_t ncell;
} cs_clock_result;

/* Simulate every cell of ex (which has a [serving] section) over `threads` threads (<= 0: one
** per core); the cells are the same for any thread count. Each cell keeps its rows and lets its
** queries go, unless keep_calls (--trace), which keeps every query and call. */
int cs_clock_run(const cs_experiment *ex, int threads, int keep_calls, cs_clock_result *res,
                 cs_error *err);
void cs_clock_result_free(cs_clock_result *res);

/* Simulate one cell with serving settings sv (ex's, or a copy with another rate): for the
** capacity search and tests. trace: arrival times, or NULL unless sv->arrival is a trace. */
int cs_clock_cell_run(const cs_experiment *ex, const cs_serving *sv, size_t strategy,
                      size_t budget, const double *trace, size_t ntrace, int keep_calls,
                      cs_clock_cell *cell, cs_error *err);
void cs_clock_cell_free(cs_clock_cell *cell);

/* Read [arrivals] trace (one arrival time in seconds a line, sorted) relative to ex's folder. */
int cs_clock_read_trace(const cs_experiment *ex, double **times, size_t *n, cs_error *err);


#endif
