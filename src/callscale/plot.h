/*
** Figures: gnuplot scripts and their data, written next to results.csv from the templates in
** plots/ (callscale/gnuplot.h runs gnuplot on them).
*/
#ifndef CALLSCALE_PLOT_H
#define CALLSCALE_PLOT_H

#include <stddef.h>
#include "callscale/error.h"
#include "callscale/experiment.h"

enum cs_plot_format { CS_PLOT_PNG, CS_PLOT_PDF, CS_PLOT_SVG };

/* The figures, in the order they are drawn. */
enum cs_figure { CS_FIG_ACCURACY, CS_FIG_BINS, CS_FIG_COST, CS_FIG_POPULATION, CS_FIG_FRONTIER,
                 CS_FIG_LATENCY, CS_NFIGURES };

/* Default sizes: pixels for PNG and SVG, points (1/72 in) for PDF, where 252 pt is a 3.5 in paper
** column. Fonts and lines scale with the width, so every size reads the same scaled to a column. */
#define CS_PLOT_WIDTH 1000
#define CS_PLOT_HEIGHT 700
#define CS_PLOT_PDF_WIDTH 252
#define CS_PLOT_PDF_HEIGHT 176
#define CS_PLOT_MIN_SIZE 100
#define CS_PLOT_MAX_SIZE 10000

typedef struct cs_plot_options {
    int format;            /* enum cs_plot_format */
    int width, height;     /* 0: the defaults above (and a taller, wider bins figure) */
    const char *exact_dir; /* a `callscale exact` directory drawn as lines over DIR's curves, or NULL */
} cs_plot_options;

/* What cs_plot_write wrote, for cs_gnuplot_render (callscale/gnuplot.h). */
typedef struct cs_plot {
    int format;
    int drawn[CS_NFIGURES];   /* the figure's script was written */
    int width[CS_NFIGURES], height[CS_NFIGURES];
    char why_not[CS_NFIGURES][160]; /* for a figure not drawn: why (for a user who asks) */
} cs_plot;

/* "accuracy", "bins", "cost", "population", "frontier", "latency"; "png", "pdf", "svg". */
const char *cs_plot_figure_name(int fig);
const char *cs_plot_format_name(int format);
/* The format named s, or -1. */
int cs_plot_format_parse(const char *s);
/* "WxH" with both in [CS_PLOT_MIN_SIZE, CS_PLOT_MAX_SIZE]; 0, or -1 when malformed. */
int cs_plot_size_parse(const char *s, int *width, int *height);

/* Read dir/results.csv (and opt->exact_dir/results.csv) and write into dir, each file whole: the
** curves (curves.dat, and exact.dat for an overlay), the population's distribution of p
** (population.dat) and one gnuplot script per figure (accuracy.gp, ...). ex is the experiment
** that made the results (its name titles the figures; its population is drawn). */
int cs_plot_write(const cs_experiment *ex, const char *dir, const cs_plot_options *opt,
                  cs_plot *out, cs_error *err);

/* File name of a figure's output ("accuracy.png") and script ("accuracy.gp"). */
void cs_plot_output_name(const cs_plot *p, int fig, char *buf, size_t n);
void cs_plot_script_name(int fig, char *buf, size_t n);

#endif
