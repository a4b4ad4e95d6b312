/*
** The program's commands and what they share. Each command takes the arguments after its name
** and returns the exit status; main.c lists them, with their usage and help, in one table.
*/
#ifndef CALLSCALE_CLI_H
#define CALLSCALE_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "callscale/experiment.h"
#include "callscale/outdir.h"
#include "callscale/plot.h"
#include "callscale/results.h"

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

/* The commands, one family a file: run.c (run, exact), shard.c (merge; run --shard), explain.c,
** plot.c (plot, table), optimize.c, data.c (fit, calibrate), serve.c, list.c. */
int cs_cli_run(int argc, char **argv);
int cs_cli_exact(int argc, char **argv);
int cs_cli_merge(int argc, char **argv);
int cs_cli_explain(int argc, char **argv);
int cs_cli_plot(int argc, char **argv);
int cs_cli_table(int argc, char **argv);
int cs_cli_optimize(int argc, char **argv);
int cs_cli_fit(int argc, char **argv);
int cs_cli_calibrate(int argc, char **argv);
int cs_cli_serve(int argc, char **argv);
int cs_cli_list(int argc, char **argv);

/* ---- what the commands share (cli.c) ----------------------------------------------------- */

/* e's one line on stderr, "callscale: FILE:LINE: message"; returns EXIT_INPUT. */
int cs_cli_error(const cs_error *e);
/* "callscale: " fmt (with arg) and a pointer to --help on stderr; returns EXIT_USAGE. */
int cs_cli_usage_error(const char *fmt, const char *arg);
/* text, whole, as an integer in [lo, hi]: 0 and *out, or -1. */
int cs_cli_parse_int(const char *text, long lo, long hi, long *out);
/* argv[*i] is -o DIR or --output DIR: 1, with *dir set and *i on DIR; 0 when it is another
** argument; -1 when DIR is missing (the usage error said). */
int cs_cli_output_option(int argc, char **argv, int *i, const char **dir);
/* dir/name, malloc'd (NULL when out of memory). */
char *cs_cli_join(const char *dir, const char *name);
/* Seconds on the monotonic clock. */
double cs_cli_now(void);

/* ---- the experiment commands' options (options.c) ---------------------------------------- */

typedef struct cs_cli_options {
    const char *experiment, *outdir;
    int threads, quiet, no_plot, trace;
    const char *seed;
    const char *shard; /* run --shard I/N */
    const char **sets;
    size_t nsets;
} cs_cli_options;

/* What options a command takes besides -o, --set, -q and --no-plot. */
enum { CS_CLI_BASIC = 0, CS_CLI_THREADS = 1, CS_CLI_SHARDS = 2 };

/* Parse a command's options (flags: CS_CLI_*) and load its experiment; on failure nothing is
** left to free, else the caller frees ex and o->sets. */
int cs_cli_open_experiment(int argc, char **argv, int takes, cs_cli_options *o,
                           cs_experiment *ex);

/* ---- a run's outputs (outputs.c) ---------------------------------------------------------- */

/* Begin a run's output directory: the -o given, or runs/NAME+suffix. */
int cs_cli_begin_outputs(const cs_cli_options *o, const cs_experiment *ex, const char *suffix,
                         cs_outdir *d);
/* Write results.csv and config.ini into dir (a run's staging directory), each whole or not at
** all, and a logged population's own curves. */
int cs_cli_write_outputs(const cs_experiment *ex, const cs_results *res, const char *dir);
/* The figures of dir (shown as shown): scripts and data, then gnuplot on each where it is. */
int cs_cli_draw_figures(const cs_experiment *ex, const char *dir, const char *shown,
                        const cs_plot_options *po, int quiet);
/* The accuracy table of dir's results.csv on stdout (with exact's beside it when given). */
int cs_cli_print_table(const char *dir, const char *exact, const size_t *budgets,
                       size_t nbudgets);

/* ---- the progress line (run.c) ------------------------------------------------------------ */

typedef struct cs_cli_progress_state {
    double start, last;
    int shown;
} cs_cli_progress_state;

/* A cs_progress_fn: "callscale: DONE/TOTAL queries ..." rewritten on stderr. */
void cs_cli_progress(void *data, uint64_t done, uint64_t total);

/* run --shard I/N (shard.c): the shard's blocks into DIR/tally.csv (and DIR/config.ini). */
int cs_cli_run_shard(const cs_cli_options *o, const cs_experiment *ex);

#endif
