/*
** Clock tables (callscale.h's cs_clock_table): the clock's latency.csv cells, copied out of the
** experiment so that they outlive the study that made them.
*/
#ifndef CALLSCALE_CLOCK_TABLE_H
#define CALLSCALE_CLOCK_TABLE_H

#include "callscale/clock.h"

/* A table of res's cells with ex's names; NULL with *rc set when out of memory. */
cs_clock_table *cs_clock_table_new(const cs_experiment *ex, const cs_clock_result *res, int *rc);

#endif
