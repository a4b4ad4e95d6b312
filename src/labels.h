/*
** Labels of a table of cells handed to embedding programs: the strategy settings, budgets and
** bins of an experiment, copied out so that they outlive it, and cells found by index or name.
*/
#ifndef CALLSCALE_LABELS_H
#define CALLSCALE_LABELS_H

#include "callscale/experiment.h"

typedef struct cs_labels {
    size_t nstrat, nbudgets, nbins; /* nbins counts "all" */
    const char **strategy;          /* the types' names (static) */
    char (*setting)[CS_NAME_MAX];
    size_t *budget;
    char (*bin)[CS_NAME_MAX];       /* "all" first */
} cs_labels;

/* ex's labels; nonzero when out of memory (l then needs no free). */
int cs_labels_init(cs_labels *l, const cs_experiment *ex);
void cs_labels_free(cs_labels *l);
/* The cell at (s, b, bin) in results.csv's row order, or -1 when any index is out of range. */
long cs_labels_cell(const cs_labels *l, size_t s, size_t b, size_t bin);
/* The cell of strategy, setting (NULL: "default"), budget and bin (NULL: "all"), or -1. */
long cs_labels_find(const cs_labels *l, const char *strategy, const char *setting, size_t budget,
                    const char *bin);

#endif
