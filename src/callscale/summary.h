/*
** The accuracy summary: the whole population's accuracy per strategy setting and budget, read from
** a run's results.csv and written as text (what `run` prints, and `callscale table`).
*/
#ifndef CALLSCALE_SUMMARY_H
#define CALLSCALE_SUMMARY_H

#include <stddef.h>
#include <stdio.h>
#include "callscale/error.h"

typedef struct cs_summary_row {
    char *setting;   /* "strategy" for the default setting, else "strategy:setting" */
    size_t budget;
    double accuracy, ci_low, ci_high;
    int exact;       /* queries = 0: an exact value, no interval */
} cs_summary_row;

typedef struct cs_summary {
    cs_summary_row *row; /* bin "all" only, in the file's order */
    size_t n, cap;
} cs_summary;

/* Read the "all" rows of dir/results.csv. */
int cs_summary_read(cs_summary *t, const char *dir, cs_error *err);
void cs_summary_free(cs_summary *t);

/* At most this many budget columns in the grid: a compact table, the rest stays in results.csv. */
#define CS_SUMMARY_COLUMNS 8

/* A grid of settings by budgets (at most CS_SUMMARY_COLUMNS, spread over the run's when it has
** more, or the budgets given); with exact, a list of setting, budget, Monte Carlo with its 95%
** interval, exact value and difference, for the settings and budgets both hold. */
int cs_summary_write(FILE *f, const cs_summary *t, const cs_summary *exact, const size_t *budgets,
                   size_t nbudgets);

#endif
