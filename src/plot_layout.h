/*
** The figures' layout: the curves of results.csv in the order the templates index them, strategy
** settings in order of appearance and for each the bin 'all', then the other bins.
*/
#ifndef CALLSCALE_PLOT_LAYOUT_H
#define CALLSCALE_PLOT_LAYOUT_H

#include <stddef.h>
#include "callscale/error.h"
#include "results_read.h"

typedef struct cs_plot_layout {
    size_t nstrat, nbins;  /* nbins: not counting 'all' */
    const cs_results_curve **strat; /* a curve of each strategy setting (its names) */
    char (*bin)[CS_NAME_MAX]; /* nbins + 1 names, 'all' first */
} cs_plot_layout;

/* The layout of t's curves: 0, or an error when out of memory or when some strategy setting
** lacks a bin another has. */
int cs_plot_layout_make(const cs_results_file *t, cs_plot_layout *l, cs_error *err);
void cs_plot_layout_free(cs_plot_layout *l);
/* t's curve of strategy setting s and bin b (0 = 'all') of l, or NULL. */
const cs_results_curve *cs_plot_layout_curve(const cs_results_file *t, const cs_plot_layout *l,
                                             size_t s, size_t b);

#endif
