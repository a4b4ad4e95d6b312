/*
** An experiment's strategy settings and budgets copied out of it, so that the tables and frontiers
** handed to embedding programs (table.c, frontier.c) outlive the study that made them.
*/
#ifndef CALLSCALE_NAMES_H
#define CALLSCALE_NAMES_H

#include <stddef.h>
#include "callscale/experiment.h"

typedef struct cs_names {
    size_t nstrat, nbudgets;
    const char **strategy; /* the types' names (static) */
    char (*setting)[CS_NAME_MAX];
    size_t *budget;
} cs_names;

/* Copy ex's strategy settings and budgets into n: 0, or -1 out of memory (n left empty). */
int cs_names_copy(cs_names *n, const cs_experiment *ex);
void cs_names_free(cs_names *n);

/* Strategy setting s's type name and label, or NULL; budget b, or 0 (n may be NULL). */
const char *cs_names_strategy(const cs_names *n, size_t s);
const char *cs_names_setting(const cs_names *n, size_t s);
size_t cs_names_budget(const cs_names *n, size_t b);

#endif
