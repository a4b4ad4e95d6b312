/*
** Beyond one machine: run --shard I/N writes its query blocks' tallies exactly, and merge adds
** the shards of one run into that run's outputs, byte for byte.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "callscale/merge.h"
#include "callscale/outfile.h"
#include "callscale/shard.h"
#include "callscale/sweep.h"
#include "cli.h"
#include "engine.h"

/* run --shard I/N: the shard's blocks into DIR/tally.csv (and DIR/config.ini), for merge. */
int cs_cli_run_shard(const cs_cli_options *o, const cs_experiment *ex)
{
    uint64_t i, n, first, last;
    if (cs_shard_parse(o->shard, &i, &n))
        return cs_cli_usage_error("--shard needs I/N with 0 <= I < N <= 1000000, not '%s'", o->shard);
    if (ex->serving.line && !o->quiet && cs_engine_writer())
        fprintf(stderr, "callscale: %s:%d: [serving]: a shard leaves the clock out (its cells are "
                        "whole simulations, run on one machine); merge writes no latency.csv\n",
                ex->file, ex->serving.line);
    cs_results res;
    cs_error err;
    if (cs_results_init(&res, ex)) {
        fprintf(stderr, "callscale: out of memory\n");
        return EXIT_INPUT;
    }
    /* the writer's shard directory, whole or not at all like any run's: staged, then moved */
    int rc = 0;
    cs_outdir od = {NULL, NULL};
    cs_shard_writer *w = NULL;
    if (cs_engine_writer()) {
        char suffix[64];
        snprintf(suffix, sizeof suffix, "-shard%llu-of-%llu", (unsigned long long)i,
                 (unsigned long long)n);
        rc = cs_cli_begin_outputs(o, ex, suffix, &od);
        if (!rc && !(w = cs_shard_open(ex, i, n, od.stage, &err)))
            rc = cs_cli_error(&err);
    }
    cs_shard_blocks(cs_sweep_nblocks(ex), i, n, &first, &last);
    cs_sweep_part part = {first, last, cs_shard_write_block, w};
    cs_cli_progress_state ps = {cs_cli_now(), 0, 0};
    if (!rc) {
        int show = !o->quiet && isatty(2);
        rc = cs_engine_sweep(ex, o->threads, &part, show ? cs_cli_progress : NULL, &ps, &res, &err);
        if (ps.shown)
            fprintf(stderr, "\n");
        if (rc)
            rc = cs_cli_error(&err);
    }
    if (!rc && w) {
        rc = cs_shard_close(w, &err) ? cs_cli_error(&err) : 0;
        w = NULL;
    }
    cs_shard_abandon(w);
    if (!rc && od.stage && cs_outdir_commit(&od, &err))
        rc = cs_cli_error(&err);
    uint64_t q0 = first * CS_SWEEP_BLOCK, q1 = last * CS_SWEEP_BLOCK;
    q1 = q1 < ex->queries ? q1 : ex->queries;
    if (!rc && cs_engine_writer() && !o->quiet)
        fprintf(stderr, "callscale: %s: shard %llu of %llu, blocks %llu to %llu (%llu queries) in "
                "%.1f s; wrote %s/tally.csv\n", ex->name, (unsigned long long)i,
                (unsigned long long)n, (unsigned long long)first, (unsigned long long)last,
                (unsigned long long)(q1 > q0 ? q1 - q0 : 0), cs_cli_now() - ps.start, od.dir);
    cs_outdir_free(&od);
    cs_results_free(&res);
    return rc;
}

/* merge SHARD_DIR... -o DIR: the shards of one run, added up into that run's outputs. */
int cs_cli_merge(int argc, char **argv)
{
    const char *outdir = NULL;
    int quiet = 0, no_plot = 0;
    size_t n = 0;
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    if (!dirs)
        return cs_cli_usage_error("%s", "out of memory");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        int out = cs_cli_output_option(argc, argv, &i, &outdir);
        if (out < 0) {
            free(dirs);
            return EXIT_USAGE;
        }
        if (out)
            continue;
        if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--no-plot") == 0) {
            no_plot = 1;
        } else if (a[0] == '-' && a[1]) {
            free(dirs);
            return cs_cli_usage_error("unknown option '%s'", a);
        } else {
            dirs[n++] = a;
        }
    }
    if (!n || !outdir) {
        free(dirs);
        return cs_cli_usage_error("%s", "merge needs the shards' directories and -o DIR (e.g. "
                                        "merge runs/x-shard* -o runs/x)");
    }
    cs_experiment ex;
    cs_results res;
    cs_error err;
    char *config;
    size_t len;
    double start = cs_cli_now();
    char *cfg = cs_cli_join(outdir, "config.ini");
    if (!cfg) {
        free(dirs);
        return cs_cli_usage_error("%s", "out of memory");
    }
    int rc = cs_merge_shards(dirs, n, cfg, &ex, &res, &config, &len, &err);
    free(cfg);
    if (rc) {
        free(dirs);
        return cs_cli_error(&err);
    }
    /* merge's outputs are a run's: staged, then moved into place whole */
    cs_cli_options o;
    memset(&o, 0, sizeof o);
    o.outdir = outdir;
    cs_outdir od = {NULL, NULL};
    rc = cs_cli_begin_outputs(&o, &ex, "", &od);
    if (!rc && cs_outfile_write(od.stage, "config.ini", config, len, &err))
        rc = cs_cli_error(&err);
    char *path = rc ? NULL : cs_cli_join(od.stage, "results.csv");
    if (!rc && (!path || cs_results_write_csv(&ex, &res, path, &err)))
        rc = path ? cs_cli_error(&err) : cs_cli_usage_error("%s", "out of memory");
    free(path);
    int figures = 0;
    if (!rc && !no_plot)
        figures = cs_cli_draw_figures(&ex, od.stage, od.dir,
                                      &(cs_plot_options){CS_PLOT_PNG, 0, 0, NULL}, quiet);
    if (!rc && cs_outdir_commit(&od, &err))
        rc = cs_cli_error(&err);
    if (!rc && !quiet)
        fprintf(stderr, "callscale: %s: %zu shard%s, %llu queries, merged in %.1f s; wrote "
                "%s/results.csv\n", ex.name, n, n == 1 ? "" : "s",
                (unsigned long long)ex.queries, cs_cli_now() - start, od.dir);
    if (!rc && !quiet && ex.serving.line)
        fprintf(stderr, "callscale: %s: no latency.csv: the clock ([serving]) is not sharded; run "
                        "it on one machine\n", od.dir);
    cs_outdir_free(&od);
    if (!rc)
        rc = figures;
    cs_results_free(&res);
    cs_experiment_free(&ex);
    free(config);
    free(dirs);
    return rc;
}

