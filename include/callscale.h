/*
** callscale's public API, for programs that embed the simulator: load an experiment (a file or
** text, with --set overrides), run it (Monte Carlo, exact, or the compute-optimal planner) and read
** every cell of its results through functions. Every type is opaque and freed by its caller.
*/
#ifndef CALLSCALE_H
#define CALLSCALE_H

#include <stddef.h>

#define CALLSCALE_API_VERSION 1

/* Error codes, returned and kept in the error record (CS_OK: none). */
enum { CS_OK = 0, CS_ERR_INPUT = 1, CS_ERR_IO = 2, CS_ERR_UNSUPPORTED = 3, CS_ERR_NOMEM = 4 };

/* The numeric columns of results.csv, in its order after strategy,setting,budget,bin. */
enum cs_column {
    CS_COL_QUERIES, CS_COL_ACCURACY, CS_COL_CI_LOW, CS_COL_CI_HIGH, CS_COL_CALLS, CS_COL_TOKENS,
    CS_COL_FLOPS, CS_NCOLUMNS
};

/* The numeric columns of latency.csv (the clock), in its order after strategy,setting,budget,bin;
** slo_attained is NAN without an slo. */
enum cs_clock_column {
    CS_CLOCK_QUERIES, CS_CLOCK_ACCURACY, CS_CLOCK_LATENCY_MEAN, CS_CLOCK_LATENCY_P50,
    CS_CLOCK_LATENCY_P90, CS_CLOCK_LATENCY_P99, CS_CLOCK_WAIT_MEAN, CS_CLOCK_THROUGHPUT,
    CS_CLOCK_TOKENS_PER_S, CS_CLOCK_UTILIZATION, CS_CLOCK_SLO_ATTAINED, CS_NCLOCK_COLUMNS
};

/* The planner's three frontiers: one setting for all queries, per oracle bin (true p), and per
** bin of a predictor computed from the first samples (optimize's frontier.csv). */
enum cs_frontier_binning { CS_FRONTIER_NONE, CS_FRONTIER_ORACLE, CS_FRONTIER_PREDICTED };

typedef struct cs_error cs_error;       /* what went wrong: code, file, line, message */
typedef struct cs_study cs_study;       /* a loaded, validated experiment */
typedef struct cs_table cs_table;       /* the cells of results.csv from run or exact */
typedef struct cs_frontier cs_frontier; /* the planner's frontier (frontier.csv) */
typedef struct cs_clock_table cs_clock_table; /* the clock's cells (latency.csv) */

/* "0.1.0": the library's version (not the API's). */
const char *cs_version(void);

/* ---- the error record: every function that can fail takes one (or NULL) ----------------- */

cs_error *cs_error_alloc(void); /* NULL only when out of memory */
void cs_error_free(cs_error *err);
int cs_error_code(const cs_error *err);        /* CS_OK after a call that succeeded */
const char *cs_error_file(const cs_error *err); /* a path, the name given with text, or "--set" */
int cs_error_line(const cs_error *err);         /* 0 when no line applies */
const char *cs_error_text(const cs_error *err); /* the message alone */
/* The line the callscale program prints: "callscale: FILE:LINE: message" (without the newline),
** snprintf-style: the length it needs, written into buf as far as n allows. */
size_t cs_error_format(const cs_error *err, char *buf, size_t n);

/* ---- studies: experiments loaded and validated ------------------------------------------- */

/* Read an experiment file and apply overrides ("section.key=value", as --set) in order; NULL
** with err filled when the file or an override is bad. */
cs_study *cs_study_load(const char *path, const char *const *overrides, size_t noverrides,
                        cs_error *err);
/* The same from len bytes of text; name stands for the file in messages and in config.ini. */
cs_study *cs_study_load_text(const char *name, const char *text, size_t len,
                             const char *const *overrides, size_t noverrides, cs_error *err);
void cs_study_free(cs_study *st);

const char *cs_study_name(const cs_study *st);
unsigned long long cs_study_queries(const cs_study *st);
/* The effective configuration (every key, defaults included) as config.ini holds it,
** snprintf-style. */
size_t cs_study_config(const cs_study *st, char *buf, size_t n);

/* Monte Carlo over threads (<= 0: one per core); the results are the same for any count. */
cs_table *cs_study_run(const cs_study *st, int threads, cs_error *err);
/* Exact curves (closed forms and quadrature); CS_ERR_UNSUPPORTED where there are none. */
cs_table *cs_study_exact(const cs_study *st, cs_error *err);
/* The compute-optimal planner: predictor k samples (0: the default), baseline
** "STRATEGY[:SETTING]" (NULL: best_of_n, else weighted_vote). */
cs_frontier *cs_study_optimize(const cs_study *st, int threads, size_t predictor,
                               const char *baseline, cs_error *err);

/* The serving clock of an experiment with [serving] (callscale run's latency.csv) over threads
** (<= 0: one per core; the same cells for any count); CS_ERR_INPUT without [serving], and for a
** load above capacity (the message gives the utilisation). */
cs_clock_table *cs_study_clock(const cs_study *st, int threads, cs_error *err);

/* ---- tables: the cells of results.csv ---------------------------------------------------- */
/* A cell is one (strategy setting, budget, bin); its index runs in results.csv's row order. Bin 0
** is "all", the whole population; strategy s is [strategy.NAME:SETTING] number s of the file. */

void cs_table_free(cs_table *t);
int cs_table_is_exact(const cs_table *t);

size_t cs_table_nstrategies(const cs_table *t);             /* strategy settings */
const char *cs_table_strategy(const cs_table *t, size_t s); /* "vote"; NULL out of range */
const char *cs_table_setting(const cs_table *t, size_t s);  /* "default", or the label */
size_t cs_table_nbudgets(const cs_table *t);
size_t cs_table_budget(const cs_table *t, size_t b);        /* 0 out of range */
size_t cs_table_nbins(const cs_table *t);                   /* counting "all" */
const char *cs_table_bin(const cs_table *t, size_t bin);    /* "all", then components or q1.. */
const char *cs_table_column(int column);                    /* "queries", ... "flops" */

size_t cs_table_ncells(const cs_table *t);
/* The cell at (s, b, bin), or -1 when any index is out of range. */
long cs_table_cell(const cs_table *t, size_t s, size_t b, size_t bin);
/* The cell of strategy, setting (NULL: "default"), budget N and bin name (NULL: "all"), or -1. */
long cs_table_find(const cs_table *t, const char *strategy, const char *setting, size_t budget,
                   const char *bin);
/* A column of a cell, at full precision; NAN when the cell or column does not exist. */
double cs_table_value(const cs_table *t, long cell, int column);
/* results.csv's text (header first), snprintf-style; the numbers are those the program writes. */
size_t cs_table_csv(const cs_table *t, char *buf, size_t n);

/* ---- frontiers: what optimize finds ------------------------------------------------------ */
/* Cells are (binning, budget b, bin), bin 0 being all queries; the none binning has bin 0 only. */

void cs_frontier_free(cs_frontier *f);
size_t cs_frontier_nbudgets(const cs_frontier *f);
size_t cs_frontier_budget(const cs_frontier *f, size_t b);
size_t cs_frontier_nbins(const cs_frontier *f); /* counting bin 0 */
/* The held-out accuracy of the setting(s) chosen, and the baseline's on the same queries; NAN
** out of range. */
double cs_frontier_accuracy(const cs_frontier *f, int binning, size_t b, size_t bin);
double cs_frontier_baseline(const cs_frontier *f, int binning, size_t b, size_t bin);
/* The strategy setting chosen (an index as cs_table_strategy's), or -1 when a per-bin planner
** mixes its bins' choices (bin 0 of a binned frontier) or the cell does not exist. */
long cs_frontier_choice(const cs_frontier *f, int binning, size_t b, size_t bin);
const char *cs_frontier_strategy(const cs_frontier *f, size_t s);
const char *cs_frontier_setting(const cs_frontier *f, size_t s);
/* How many times fewer samples than the baseline the predicted-bin frontier (oracle: the oracle
** one) needs at the largest budget; NAN when it never reaches it; *lower_bound (if not NULL) set
** when it is only a lower bound. */
double cs_frontier_efficiency(const cs_frontier *f, int oracle, int *lower_bound);
/* frontier.csv's text, snprintf-style. */
size_t cs_frontier_csv(const cs_frontier *f, char *buf, size_t n);

/* ---- clock tables: the cells of latency.csv ---------------------------------------------- */
/* Cells run as cs_table's: (strategy setting, budget, bin) in latency.csv's row order. */

void cs_clock_table_free(cs_clock_table *t);
const char *cs_clock_table_column(int column); /* "queries", ... "slo_attained" */
size_t cs_clock_table_ncells(const cs_clock_table *t);
long cs_clock_table_cell(const cs_clock_table *t, size_t s, size_t b, size_t bin);
long cs_clock_table_find(const cs_clock_table *t, const char *strategy, const char *setting,
                         size_t budget, const char *bin);
/* A column of a cell, at full precision; NAN when the cell or column does not exist. */
double cs_clock_table_value(const cs_clock_table *t, long cell, int column);
/* latency.csv's text (header first), snprintf-style. */
size_t cs_clock_table_csv(const cs_clock_table *t, char *buf, size_t n);

#endif
