/*
** The figures' gnuplot scripts: each one's variables (what the figure data says) ahead of
** plots/style.gp and the figure's template, written into the results directory.
*/
#ifndef CALLSCALE_PLOT_SCRIPT_H
#define CALLSCALE_PLOT_SCRIPT_H

#include <stddef.h>
#include "callscale/error.h"
#include "callscale/experiment.h"
#include "callscale/plot.h"

/* Legend titles and labels: a name, a share, a description of p. */
#define CS_PLOT_TITLE_MAX 256

/* What the cost figure puts on its log axis: tokens per query, or calls when some budget spends
** no tokens; none when some budget spends nothing at all. The values are gnuplot's columns of
** curves.dat. */
enum { CS_PLOT_COST_NONE = 0, CS_PLOT_COST_CALLS = 5, CS_PLOT_COST_TOKENS = 6 };

/* The variables of the figures drawn from curves.dat (all but the population). */
typedef struct cs_plot_curve_vars {
    size_t nstrat, nbins; /* the layout's strategy settings and bins (not counting 'all') */
    int mc, overlay;      /* Monte Carlo curves; exact.dat drawn over them */
    double bmin, bmax, queries;
    int costcol; /* CS_PLOT_COST_TOKENS or CS_PLOT_COST_CALLS */
    char (*strat)[CS_PLOT_TITLE_MAX], (*strat_name)[CS_PLOT_TITLE_MAX], (*bin)[CS_PLOT_TITLE_MAX];
    char xlabel[200];
    size_t bincols; /* the bins figure's settings to a row */
} cs_plot_curve_vars;

/* The population figure's variables: component titles and easy thresholds, and where the
** quantile bins are. */
typedef struct cs_plot_population_vars {
    size_t ncomp;
    double binw; /* the bars' width in p */
    int spread;  /* some component's p varies by query */
    char title[CS_MAX_COMPONENTS][CS_PLOT_TITLE_MAX];
    double pstar[CS_MAX_COMPONENTS], common; /* common: the shared threshold, or -1 */
    char hard[CS_PLOT_TITLE_MAX], easy[CS_PLOT_TITLE_MAX];
    int nq; /* quantile bins, or 0; with nq > 1, nq - 1 cuts and nq label places and names */
    double *cut, *mid;
    char (*name)[CS_PLOT_TITLE_MAX];
} cs_plot_population_vars;

/* Write dir/FIGURE.gp for figure fig (cs_plot_script_name), whole or not at all: cv for the
** figures of curves.dat, pv for the population's. span and tall size its fonts and lines. */
int cs_plot_script_write(const char *dir, int fig, const cs_plot *p, const cs_experiment *ex,
                         const cs_plot_curve_vars *cv, const cs_plot_population_vars *pv,
                         double span, double tall, cs_error *err);

/* A figure not drawn: its script and image of p's format go, so the directory never shows one
** left from an earlier run. */
void cs_plot_script_remove(const char *dir, const cs_plot *p, int fig);

#endif
