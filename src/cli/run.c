/*
** run and exact: the same experiment in, the same results.csv and figures out; Monte Carlo
** (timed on a pilot when large, with a progress line) or exact sums, and with [serving] the clock.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "callscale/exact.h"
#include "callscale/latency.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "cli.h"
#include "engine.h"

void cs_cli_progress(void *data, uint64_t done, uint64_t total)
{
    cs_cli_progress_state *p = data;
    double t = cs_cli_now();
    if (done < total && t - p->last < 0.25)
        return;
    p->last = t;
    double el = t - p->start, eta = done ? el * (double)(total - done) / (double)done : 0;
    fprintf(stderr, "\rcallscale: %llu/%llu queries (%3.0f%%), %.1f s, about %.0f s left   ",
            (unsigned long long)done, (unsigned long long)total, 100.0 * (double)done / (double)total,
            el, eta);
    p->shown = 1;
}

/* With [serving]: the clock's cells into dir (a run's staging directory): latency.csv, and with
** --trace queries.csv and trace.json. */
static int write_clock(const cs_experiment *ex, const cs_cli_options *o, const char *dir,
                       const cs_clock_result *cr)
{
    cs_error err;
    int rc = cs_latency_write(ex, cr, dir, &err);
    if (!rc && o->trace)
        rc = cs_latency_write_queries(ex, cr, dir, &err);
    if (!rc && o->trace)
        rc = cs_latency_write_trace(ex, cr, dir, &err);
    return rc ? cs_cli_error(&err) : 0;
}

/* The clock's table on stdout (p99 latency and throughput per cell) and what was written. */
static void print_clock(const cs_experiment *ex, const cs_cli_options *o, const char *dir,
                        const cs_clock_result *cr, double start)
{
    printf("%-28s %8s %9s %11s %11s %10s\n", "strategy:setting", "budget", "accuracy",
           "latency_p99", "throughput", "util");
    for (size_t c = 0; c < cr->ncell; c++) {
        const cs_clock_cell *cell = &cr->cell[c];
        const cs_strategy *st = &ex->strat[cell->strategy];
        cs_latency_row r;
        cs_latency_summarize(ex, cell, 0, ex->serving.slo, &r);
        char name[2 * CS_NAME_MAX + 2];
        snprintf(name, sizeof name, "%s:%s", st->type->name, st->label);
        printf("%-28s %8zu %9.4f %10.3fs %9.3f/s %9.1f%%\n", name, ex->budgets[cell->budget],
               r.accuracy, r.latency_p99, r.throughput, 100 * r.utilization);
    }
    fprintf(stderr, "callscale: %s: the clock, %zu cells of %.0f queries in %.1f s; wrote "
                    "%s/latency.csv%s\n", ex->name, cr->ncell, ex->serving.queries,
            cs_cli_now() - start, dir, o->trace ? ", queries.csv and trace.json" : "");
}

/* Runs of more queries than this are timed on a pilot first (smaller ones finish soon enough). */
#define PILOT_FROM 10000000ull
#define PILOT_QUERIES 65536ull
/* A run estimated to take longer than this cannot be meant: it is refused with the estimate. */
#define RUN_MAX_SECONDS (30.0 * 86400)
/* Longer estimates are said before the run starts. */
#define RUN_SAY_SECONDS 60.0

static void say_duration(double s, char *buf, size_t n)
{
    if (s < 120)
        snprintf(buf, n, "%.0f s", s);
    else if (s < 7200)
        snprintf(buf, n, "%.0f min", s / 60);
    else if (s < 2 * 86400)
        snprintf(buf, n, "%.1f hours", s / 3600);
    else if (s < 2 * 365.25 * 86400)
        snprintf(buf, n, "%.0f days", s / 86400);
    else
        snprintf(buf, n, "%.3g years", s / (365.25 * 86400));
}

/* A run of many queries: time a pilot of PILOT_QUERIES (its results are thrown away), and refuse
** what would take longer than RUN_MAX_SECONDS, or say how long it will take. */
static int pilot(const cs_experiment *ex, int threads, int quiet)
{
    if (ex->queries <= PILOT_FROM)
        return 0;
    cs_experiment px = *ex;
    px.queries = PILOT_QUERIES;
    cs_results pr;
    cs_error err;
    if (cs_results_init(&pr, &px)) {
        fprintf(stderr, "callscale: out of memory\n");
        return EXIT_INPUT;
    }
    double start = cs_cli_now();
    int rc = cs_sweep_run(&px, threads, NULL, NULL, &pr, &err);
    double took = cs_cli_now() - start, est = took * (double)ex->queries / (double)PILOT_QUERIES;
    cs_results_free(&pr);
    if (rc)
        return cs_cli_error(&err);
    char when[64];
    say_duration(est, when, sizeof when);
    if (est > RUN_MAX_SECONDS) {
        fprintf(stderr, "callscale: %s:%d: [experiment] queries = %llu would take about %s (%llu "
                "queries took %.2f s); use fewer queries\n", ex->file, ex->line,
                (unsigned long long)ex->queries, when, PILOT_QUERIES, took);
        return EXIT_INPUT;
    }
    if (est > RUN_SAY_SECONDS && !quiet)
        fprintf(stderr, "callscale: %s: %llu queries will take about %s\n", ex->name,
                (unsigned long long)ex->queries, when);
    return 0;
}

/* run (Monte Carlo) and exact: the same experiment in, the same results.csv and figures out. */
static int curves(int argc, char **argv, int exact)
{
    cs_cli_options o;
    cs_experiment ex;
    int rc = cs_cli_open_experiment(argc, argv, exact ? CS_CLI_BASIC : CS_CLI_SHARDS, &o, &ex);
    if (rc)
        return rc;
    if (o.shard) {
        rc = cs_cli_run_shard(&o, &ex);
        cs_experiment_free(&ex);
        free(o.sets);
        return rc;
    }
    cs_results res;
    cs_error err;
    cs_cli_progress_state ps = {cs_cli_now(), 0, 0};
    if (cs_results_init(&res, &ex)) {
        fprintf(stderr, "callscale: out of memory\n");
        cs_experiment_free(&ex);
        free(o.sets);
        return EXIT_INPUT;
    }
    if (exact) {
        rc = cs_exact_run(&ex, &res, &err) ? cs_cli_error(&err) : 0;
    } else if (!(rc = pilot(&ex, o.threads, o.quiet))) {
        int show = !o.quiet && isatty(2);
        rc = cs_engine_run(&ex, o.threads, show ? cs_cli_progress : NULL, &ps, &res, &err);
        if (ps.shown)
            fprintf(stderr, "\n");
        if (rc)
            rc = cs_cli_error(&err);
    }
    if (!rc && !cs_engine_writer()) { /* an MPI rank other than 0: its blocks went to rank 0 */
        cs_results_free(&res);
        cs_experiment_free(&ex);
        free(o.sets);
        return 0;
    }
    /* the clock before any file is written: a load above capacity writes nothing */
    cs_clock_result cr = {NULL, 0};
    double clock_start = cs_cli_now();
    int clocked = !exact && ex.serving.line;
    if (!rc && clocked && cs_clock_run(&ex, o.threads, o.trace, &cr, &err))
        rc = cs_cli_error(&err);
    cs_outdir od = {NULL, NULL};
    if (!rc)
        rc = cs_cli_begin_outputs(&o, &ex, exact ? "-exact" : "", &od);
    if (!rc)
        rc = cs_cli_write_outputs(&ex, &res, od.stage);
    if (!rc && clocked)
        rc = write_clock(&ex, &o, od.stage, &cr);
    int figures = 0;
    if (!rc && !o.no_plot)
        figures = cs_cli_draw_figures(&ex, od.stage, od.dir,
                                      &(cs_plot_options){CS_PLOT_PNG, 0, 0, NULL}, o.quiet);
    if (!rc && cs_outdir_commit(&od, &err))
        rc = cs_cli_error(&err);
    if (!rc && !o.quiet) {
        if (exact)
            fprintf(stderr, "callscale: %s: exact curves; wrote %s/results.csv\n", ex.name, od.dir);
        else
            fprintf(stderr, "callscale: %s: %llu queries in %.1f s; wrote %s/results.csv\n",
                    ex.name, (unsigned long long)ex.queries, cs_cli_now() - ps.start, od.dir);
        rc = cs_cli_print_table(od.dir, NULL, NULL, 0);
        if (!rc && clocked)
            print_clock(&ex, &o, od.dir, &cr, clock_start);
    }
    cs_outdir_free(&od);
    cs_clock_result_free(&cr);
    if (!rc)
        rc = figures;
    cs_results_free(&res);
    cs_experiment_free(&ex);
    free(o.sets);
    return rc;
}


int cs_cli_run(int argc, char **argv)
{
    return curves(argc, argv, 0);
}

int cs_cli_exact(int argc, char **argv)
{
    return curves(argc, argv, 1);
}
