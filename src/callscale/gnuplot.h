/*
** gnuplot run on the scripts cs_plot_write wrote: found on PATH, and run as a child process.
*/
#ifndef CALLSCALE_GNUPLOT_H
#define CALLSCALE_GNUPLOT_H

#include <stddef.h>
#include "callscale/error.h"
#include "callscale/plot.h"

/* The gnuplot program on PATH, written into buf: 0, or -1 when there is none. */
int cs_gnuplot_find(char *buf, size_t n);

/* Run gnuplot on dir/FIGURE.gp (in a child process: call it while the program runs one thread).
** The figure is written under a temporary name and renamed into place when gnuplot succeeds.
** Whatever gnuplot wrote on stderr (its warnings) goes to log, empty when it said nothing.
** Returns 0, or non-zero with err filled when gnuplot failed. */
int cs_gnuplot_render(const char *gnuplot, const char *dir, const cs_plot *p, int fig, char *log,
                      size_t nlog, cs_error *err);

#endif
