/*
** Tables (callscale.h's cs_table): results of run or exact, copied out of the experiment so
** that they outlive the study that made them.
*/
#ifndef CALLSCALE_TABLE_H
#define CALLSCALE_TABLE_H

#include "callscale/experiment.h"
#include "callscale/results.h"

/* A table holding res's cells with ex's names; NULL when out of memory. */
cs_table *cs_table_new(const cs_experiment *ex, const cs_results *res);

#endif
