/*
** An experiment's strategy settings, budgets and bins copied out of it, so that the tables and
** frontiers handed to embedding programs (table.c, clock_table.c, frontier.c) outlive the study
** that made them; and a table's cell found by index or by name.
*/
#ifndef CALLSCALE_NAMES_H
#define CALLSCALE_NAMES_H

#include <stddef.h>
#include "callscale/experiment.h"

typedef struct cs_names {
    size_t nstrat, nbudgets, nbins; /* nbins counts "all" */
    const char **strategy; /* the types' names (static) */
    char (*setting)[CS_NAME_MAX];
    size_t *budget;
    char (*bin)[CS_NAME_MAX]; /* "all", then components or q1.. */
} cs_names;

/* Copy ex's strategy settings, budgets and bins into n: 0, or -1 out of memory (n left empty). */
int cs_names_copy(cs_names *n, const cs_experiment *ex);
void cs_names_free(cs_names *n);

/* Strategy setting s's type name and label, or NULL; budget b, or 0 (n may be NULL). */
const char *cs_names_strategy(const cs_names *n, size_t s);
const char *cs_names_setting(const cs_names *n, size_t s);
size_t cs_names_budget(const cs_names *n, size_t b);
const char *cs_names_bin(const cs_names *n, size_t bin); /* NULL out of range */

/* The cell (s, b, bin) of a table in results.csv's row order (strategy setting, then budget, then
** bin), or -1 when any index is out of range. */
long cs_names_cell(const cs_names *n, size_t s, size_t b, size_t bin);
/* The cell of strategy, setting (NULL: "default"), budget and bin name (NULL: "all"), or -1. */
long cs_names_find(const cs_names *n, const char *strategy, const char *setting, size_t budget,
                   const char *bin);

#endif
