/*
** results.csv read back (the inverse of results.c): a curve per (strategy, setting, bin), its
** points sorted by budget, for the figures and the accuracy table.
*/
#ifndef CALLSCALE_RESULTS_READ_H
#define CALLSCALE_RESULTS_READ_H

#include <stddef.h>
#include "callscale/error.h"
#include "callscale/experiment.h"

/* One row's numbers: accuracy with its interval, calls, tokens, FLOPs per query, and the queries
** behind it (0: an exact value). */
typedef struct cs_results_point {
    double budget, acc, lo, hi, calls, tokens, flops, queries;
} cs_results_point;

typedef struct cs_results_curve {
    char strategy[CS_NAME_MAX], setting[CS_NAME_MAX], bin[CS_NAME_MAX];
    cs_results_point *pt;
    size_t n, cap;
} cs_results_curve;

typedef struct cs_results_file {
    char path[CS_PATH_MAX];
    cs_results_curve *c; /* in order of first appearance */
    size_t n, cap;
    int exact; /* every row has queries = 0 and ci_low = ci_high = accuracy */
    double queries; /* the most queries of a row of bin 'all' */
} cs_results_file;

/* Read dir/results.csv into t: 0, or an error code with err filled (file and line) and t empty. */
int cs_results_read(cs_results_file *t, const char *dir, cs_error *err);
void cs_results_read_free(cs_results_file *t);
/* The curve of (strategy, setting, bin), or NULL. */
cs_results_curve *cs_results_read_find(const cs_results_file *t, const char *strategy,
                                       const char *setting, const char *bin);

#endif
