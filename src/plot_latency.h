/*
** The clock's figures' data: latency.dat from DIR/latency.csv, a block per strategy setting.
*/
#ifndef CALLSCALE_PLOT_LATENCY_H
#define CALLSCALE_PLOT_LATENCY_H

#include <stddef.h>
#include "callscale/error.h"
#include "plot_layout.h"

/* Write dir/latency.dat from dir/latency.csv: for each strategy setting of l in order, a block
** of its bin-'all' rows by budget (budget accuracy p50 p90 p99 mean throughput slo_attained).
** *have = 0 when there is no latency.csv (no clock: nothing is written). */
int cs_plot_latency_data(const char *dir, const cs_plot_layout *l, int *have, cs_error *err);

#endif
