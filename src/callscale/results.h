/*
** Results: per (strategy setting, budget, bin) sums over queries, and results.csv.
*/
#ifndef CALLSCALE_RESULTS_H
#define CALLSCALE_RESULTS_H

#include <stddef.h>
#include <stdio.h>
#include "callscale/experiment.h"

typedef struct cs_cell {
    double n, sum, sumsq;       /* queries, sum of scores, sum of squared scores */
    double calls, tokens, flops; /* sums over queries */
} cs_cell;

typedef struct cs_results {
    size_t nstrat, nbudgets, nbins; /* nbins counts the real bins; column 0 is "all" */
    int exact;                      /* ci_low = ci_high = accuracy */
    cs_cell *cell;
} cs_results;

int cs_results_init(cs_results *res, const cs_experiment *ex);
void cs_results_free(cs_results *res);
void cs_results_clear(cs_results *res);

/* Cell of strategy s, budget index b, bin (0 = all, i + 1 = bin i). */
static inline cs_cell *cs_results_cell(const cs_results *res, size_t s, size_t b, size_t bin)
{
    return &res->cell[(s * res->nbudgets + b) * (res->nbins + 1) + bin];
}

static inline void cs_cell_add(cs_cell *d, const cs_cell *s)
{
    d->n += s->n;
    d->sum += s->sum;
    d->sumsq += s->sumsq;
    d->calls += s->calls;
    d->tokens += s->tokens;
    d->flops += s->flops;
}

/* Add every cell of src to dst (same shape). */
void cs_results_add(cs_results *dst, const cs_results *src);

/* Mean and 95% interval of a cell. */
void cs_cell_summary(const cs_cell *c, int exact, double *mean, double *lo, double *hi);

/* One row of results.csv: a cell's names and the numbers the file shows (means per query). */
typedef struct cs_results_row {
    const char *strategy, *setting; /* the type's name and the setting's label (ex's) */
    size_t budget;
    char bin[CS_NAME_MAX];       /* "all" or the bin's name */
    unsigned long long queries;  /* 0 in exact mode */
    double accuracy, ci_low, ci_high, calls, tokens, flops;
} cs_results_row;

/* results.csv's rows, in its order (strategy setting, budget, bin): row i is cell i. */
size_t cs_results_nrows(const cs_results *res);

/* Row i (< cs_results_nrows) of results.csv into row, the names from ex. */
void cs_results_row_get(const cs_experiment *ex, const cs_results *res, size_t i,
                        cs_results_row *row);

/* results.csv's text into f (the program's file and the public API's text are the same). */
void cs_results_print_csv(const cs_experiment *ex, const cs_results *res, FILE *f);

/* Write results.csv to path, whole or not at all (a temporary file renamed into place). */
int cs_results_write_csv(const cs_experiment *ex, const cs_results *res, const char *path,
                         cs_error *err);

/* Header of results.csv, for readers. */
extern const char cs_results_header[];

#endif
