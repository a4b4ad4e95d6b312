/*
** callscale: the command-line program. Parses arguments, runs the library, reports errors as
** "callscale: FILE:LINE: message" and decides the exit status.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include "callscale/latency.h"
#include "callscale/exact.h"
#include "callscale/experiment.h"
#include "callscale/explain.h"
#include "callscale/merge.h"
#include "callscale/plot.h"
#include "callscale/shard.h"
#include "callscale/slo.h"

#include "callscale/optimize.h"
#include "callscale/outdir.h"
#include "callscale/outfile.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "engine.h"
#include "callscale/summary.h"
#include "callscale/unbiased.h"
#include "cli.h"
#include "serve.h"

#ifndef CALLSCALE_VERSION
#define CALLSCALE_VERSION "0.1.0"
#endif

enum { EXIT_INPUT = 1, EXIT_USAGE = 2 };

static const char usage[] =
    "usage: callscale COMMAND [ARGS]\n"
    "\n"
    "Simulate LLM test-time-compute strategies (majority vote, filter-vote, ...) on a population of\n"
    "queries of mixed difficulty, without calling a model.\n"
    "\n"
    "commands:\n"
    "  run EXPERIMENT.ini [-o DIR] [-j THREADS] [--seed N] [--set SECTION.KEY=VALUE]... [-q]\n"
    "      [--no-plot] [--trace]\n"
    "        Monte Carlo: writes DIR/results.csv and DIR/config.ini (default DIR: runs/NAME),\n"
    "        and the figures of `plot` when gnuplot is on the PATH (--no-plot: none).\n"
    "        -j: threads (default: all cores; results are identical for any count).\n"
    "        --seed: overrides [experiment] seed. --set: overrides any key, e.g.\n"
    "        --set population.easy.p_correct=0.9 --set experiment.queries=1e5\n"
    "        -q: nothing on the terminal (else the accuracy table on stdout, and a progress line\n"
    "        when stderr is a terminal).\n"
    "        With [serving]: the clock too, DIR/latency.csv (latency, throughput, SLO per\n"
    "        cell and bin) and a table on stdout; --trace adds queries.csv and trace.json.\n"
    "  run EXPERIMENT.ini --shard I/N -o DIR [-j THREADS] [--seed N] [--set ...] [-q]\n"
    "        Shard I (from 0) of N: its query blocks only, their tallies written exactly to\n"
    "        DIR/tally.csv (and DIR/config.ini), for merge. A Slurm job array runs one shard\n"
    "        per task (--shard $SLURM_ARRAY_TASK_ID/N); see README.md. build/callscale-mpi\n"
    "        (make mpi) spreads run over MPI ranks: mpirun -n R build/callscale-mpi run ...\n"
    "  merge SHARD_DIR... -o DIR [-q] [--no-plot]\n"
    "        Every shard of one run (any order), checked (one configuration, seed and N; each\n"
    "        shard once; no tally.csv truncated or edited) and added in block order: DIR gets\n"
    "        results.csv, config.ini and the figures byte for byte as from one run.\n"
    "  exact EXPERIMENT.ini [-o DIR] [--set ...] [-q] [--no-plot]\n"
    "        The same curves without sampling (binomial/multinomial sums, quadrature over\n"
    "        beta components), where the mathematics allows; a clear error where it does not.\n"
    "        Default DIR: runs/NAME-exact. ci_low = ci_high = accuracy, queries = 0.\n"
    "  explain EXPERIMENT.ini [--set ...]\n"
    "        Per component and overall: the fraction of easy queries (correct answer is the\n"
    "        unique mode), the K -> infinity limit of vote accuracy, and for a two-level binary\n"
    "        population the curve's shape and its turning point K* in closed form.\n"
    "  plot DIR [--format png|pdf|svg] [--size WxH] [--exact EXACTDIR]\n"
    "        Figures from DIR/results.csv and DIR/config.ini, without simulating again:\n"
    "        accuracy (vs budget), bins (the whole population above each difficulty bin),\n"
    "        cost (vs tokens, when strategies spend differently per budget) and population\n"
    "        (per-call accuracy p by component). The gnuplot scripts (DIR/accuracy.gp ...) and\n"
    "        their data stay in DIR to edit and run again. --size: pixels, points for pdf\n"
    "        (default 1000x700, pdf 252x176). --exact: EXACTDIR's exact curves (callscale exact)\n"
    "        drawn as lines over DIR's Monte Carlo points and bands.\n"

    "  optimize EXPERIMENT.ini [-o DIR] [-j THREADS] [--seed N] [--set ...] [-q]\n"
    "           [--predictor K] [--baseline STRATEGY[:SETTING]]\n"
    "        The compute-optimal planner: per budget and difficulty bin, the best strategy\n"
    "        setting of the file, chosen on half the queries and scored on the other half, by\n"
    "        oracle bins (true p) and by bins of the mean verifier score of each query's first K\n"
    "        samples (default 4). Writes DIR/frontier.csv (default DIR: runs/NAME-optimize), and\n"
    "        DIR/exchange.csv with a [large_model]; prints how many times fewer samples than the\n"
    "        baseline (best_of_n, else weighted_vote) the frontier needs at the largest budget.\n"
    "  fit LOG.csv [-o DIR] [--samples K] [--components J] [--boot B] [--seed N] [--no-plot] [-q]\n"
    "        The latent model fitted to a real per-sample log (query,sample,correct[,answer,score,\n"
    "        tokens]): a beta-binomial mixture (Betas chosen by BIC, or J; masses at p = 0 and 1)\n"
    "        and, with answers, the wrong answers' concentration; bootstrap intervals (B refits,\n"
    "        default 200). --samples: fit on the first K samples per query. Writes DIR/fitted.ini,\n"
    "        fit.csv, predicted.csv (strategy,budget,observed,predicted,ci_low,ci_high, to 100x the\n"
    "        logged count) and fit.png. Default DIR: runs/fit-LOGNAME.\n"
    "  calibrate EXPERIMENT.ini TARGETS.csv [-o DIR] [-j THREADS] [-q]\n"
    "        Fits [calibrate] free = KEY:LO..HI, ... (a Beta's .a and .b: population.NAME.p_correct.a)\n"
    "        to TARGETS.csv (strategy,setting,budget,bin,accuracy[,precision]; an empty accuracy is\n"
    "        predicted, not fitted) by Nelder-Mead with the experiment's seed, exact mode where it\n"
    "        applies; 95% profile intervals. Writes DIR/calibrated.ini, calibration.csv, results.csv.\n"
    "  table DIR [EXACTDIR] [--budgets LIST]\n"
    "        The accuracy table `run` prints, from DIR/results.csv: the whole population's\n"
    "        accuracy per strategy setting and budget. With EXACTDIR (a callscale exact run of\n"
    "        the same experiment): Monte Carlo with its 95% interval, exact value and difference.\n"
    "  serve [EXPERIMENT.ini] [--port N] [--bind ADDR] [--timeout S] [--max-body BYTES]\n"
    "        [--max-queries N] [--max-budget N] [--max-rows N] [--max-requests N]\n"
    "        [--max-connections N] [--max-memory MIB]\n"
    "        The teaching page and its JSON API at http://127.0.0.1:8080/ (default: the\n"
    "        two-level example): sliders for the population, judge, budgets and strategies,\n"
    "        exact curves as they move, Monte Carlo on demand. Defaults: timeout 20 s per\n"
    "        computation, body 256 KiB, queries 200000, budget 1024, rows 20000, 2\n"
    "        computations and 256 connections at once, 1024 MiB per computation.\n"
    "  list  Every strategy with its parameters, defaults and budget unit.\n"
    "  --help, --version\n"
    "\n"
    "results.csv columns: strategy,setting,budget,bin,queries,accuracy,ci_low,ci_high,calls,tokens,flops\n"
    "(one row per strategy setting, budget and bin; bin 'all' first; ci is a 95% interval;\n"
    "calls, tokens and flops are means per query). A tie among t answers scores 1/t.\n"
    "\n"
    "Experiment file sections: [experiment] (name, queries, seed, budgets, answers, bins),\n"
    "[population.NAME] (weight, p_correct = P or beta(A,B), wrong = uniform | dirichlet(C) |\n"
    "zipf(S), and per-component overrides), [generator] (tokens, params), [judge] (tpr, fpr,\n"
    "tokens, params), [verifier] (separation, answer_noise, sample_noise, params), [revise]\n"
    "(fix, fix_power, fix_decay, break, stick: how a revision changes an answer), [steps]\n"
    "(steps, steps_max, recover: solutions as chains of steps, for tree search), [prm] (noise,\n"
    "trap, trap_score, rho, agg, params, model = gaussian | rollouts(k), estimate = soft | hard),\n"
    "[strategy.NAME] or [strategy.NAME:SETTING],\n"
    "[large_model] (params, p_correct, ratios: a larger model for optimize to weigh against),\n"
    "[serving], [serving.reward], [serving.judge] (replicas, max_num_seqs, gpu, params, service =\n"
    "roofline | fixed(S) | exponential(S), policy, ...) and [arrivals] (rate, concurrency or\n"
    "trace; queries, warmup, slo): the clock, DESIGN.md section 6; with an slo, optimize is the\n"
    "SLO planner instead: slo.csv (best setting and budget per bin within it) and capacity.csv.\n"
    "Budgets: 1,3,5 or 1..1024 x2 or 1..31 +2. See README.md.\n";

static int error_out(const cs_error *e)
{
    char line[1200];
    cs_error_format(e, line, sizeof line); /* the same line embedding programs get */
    fprintf(stderr, "%s\n", line);
    return EXIT_INPUT;
}

static int usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "callscale: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(callscale --help tells the commands and their options)\n");
    return EXIT_USAGE;
}

/* Where the shipped experiments are: experiments/ in a clone of the repository, else the
** installed PREFIX/share/callscale/experiments beside this program's PREFIX/bin (what hints name). */
static const char *experiments_dir(void)
{
    static char dir[CS_PATH_MAX];
    struct stat st;
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "experiments");
    if (stat("experiments/chen2024_two_level.ini", &st) == 0)
        return dir;
    char exe[CS_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return dir;
    exe[n] = '\0';
    /* PREFIX/bin/callscale -> PREFIX */
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return dir;
        *slash = '\0';
    }
    char installed[CS_PATH_MAX + 64];
    snprintf(installed, sizeof installed, "%s/share/callscale/experiments", exe);
    size_t len = strlen(installed);
    if (stat(installed, &st) == 0 && S_ISDIR(st.st_mode) && len < sizeof dir)
        memcpy(dir, installed, len + 1);
    return dir;
}

/* text, whole, as an integer in [lo, hi]: 0 and *out, or -1. */
static int parse_int(const char *text, long lo, long hi, long *out)
{
    char *end;
    if (!text || !*text)
        return -1;
    long n = strtol(text, &end, 10);
    if (*end || n < lo || n > hi)
        return -1;
    *out = n;
    return 0;
}

typedef struct options {
    const char *experiment, *outdir;
    int threads, quiet, no_plot, trace;
    const char *seed;
    const char *shard; /* run --shard I/N */
    const char **sets;
    size_t nsets;
} options;

static int parse_options(int argc, char **argv, options *o, int allow_run_flags)
{
    memset(o, 0, sizeof *o);
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    if (!o->sets)
        return usage_error("%s", "out of memory");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (!val)
                return usage_error("%s needs a directory", a);
            o->outdir = val;
            i++;
        } else if (strcmp(a, "--set") == 0) {
            if (!val)
                return usage_error("%s needs SECTION.KEY=VALUE", a);
            o->sets[o->nsets++] = val;
            i++;
        } else if (strncmp(a, "--set=", 6) == 0) {
            o->sets[o->nsets++] = a + 6;
        } else if (allow_run_flags && (strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0 ||
                                       (strncmp(a, "-j", 2) == 0 && a[2]))) {
            const char *num = a[1] == 'j' && a[2] ? a + 2 : val; /* -j4 or -j 4 */
            long n;
            if (parse_int(num, 1, 1024, &n))
                return usage_error("-j needs a number of threads in [1, 1024], not '%s'",
                                   num ? num : "");
            o->threads = (int)n;
            if (num == val)
                i++;
        } else if (allow_run_flags && strcmp(a, "--seed") == 0) {
            if (!val)
                return usage_error("%s needs a number", a);
            o->seed = val;
            i++;
        } else if (allow_run_flags > 1 && strcmp(a, "--shard") == 0) {
            if (!val)
                return usage_error("%s needs I/N (shard I, from 0, of N)", a);
            o->shard = val;
            i++;
        } else if (strcmp(a, "--shard") == 0) {
            return usage_error("%s: only run splits into shards (see README.md, Beyond one "
                               "machine)", a);
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--no-plot") == 0) {
            o->no_plot = 1;
        } else if (allow_run_flags && strcmp(a, "--trace") == 0) {
            o->trace = 1;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!o->experiment) {
            o->experiment = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!o->experiment) {
        char hint[CS_PATH_MAX + 96];
        snprintf(hint, sizeof hint, "an experiment file is needed (e.g. %s/chen2024_two_level.ini)",
                 experiments_dir());
        return usage_error("%s", hint);
    }
    return 0;
}

static int load(const options *o, cs_experiment *ex)
{
    cs_error err;
    size_t n = o->nsets;
    char *seedset = NULL;
    if (o->seed) {
        static const char key[] = "experiment.seed=";
        seedset = malloc(sizeof key + strlen(o->seed));
        if (!seedset)
            return usage_error("%s", "out of memory");
        sprintf(seedset, "%s%s", key, o->seed);
        o->sets[n++] = seedset;
    }
    int rc = cs_experiment_load(ex, o->experiment, o->sets, n, &err);
    free(seedset);
    /* experiments/NAME.ini outside the repository: say where the installed ones are */
    const char *base = strrchr(o->experiment, '/');
    base = base ? base + 1 : o->experiment;
    if (rc == CS_ERR_IO && strncmp(err.msg, "cannot open", 11) == 0 &&
        strcmp(experiments_dir(), "experiments") != 0) {
        char there[CS_PATH_MAX + CS_PATH_MAX];
        struct stat st;
        snprintf(there, sizeof there, "%s/%s", experiments_dir(), base);
        if (stat(there, &st) == 0) {
            size_t len = strlen(err.msg);
            snprintf(err.msg + len, sizeof err.msg - len, " (the shipped one is %.2000s)", there);
        }
    }
    return rc ? error_out(&err) : 0;
}

/* Parse a command's options and load its experiment; on failure nothing is left to free. */
static int open_experiment(int argc, char **argv, int allow_run_flags, options *o,
                           cs_experiment *ex)
{
    int rc = parse_options(argc, argv, o, allow_run_flags);
    if (!rc)
        rc = load(o, ex);
    if (rc)
        free(o->sets);
    return rc;
}

/* dir/name, malloc'd (NULL when out of memory). */
static char *join(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    if (p)
        sprintf(p, "%s/%s", dir, name);
    return p;
}

/* Write results.csv and config.ini into dir (a run's staging directory), each whole or not at all. */
static int write_outputs(const cs_experiment *ex, const cs_results *res, const char *dir)
{
    cs_error err;
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "config.ini", &err))
        return error_out(&err);
    if (cs_experiment_write(ex, o.f)) {
        cs_outfile_abandon(&o);
        fprintf(stderr, "callscale: %s: cannot write\n", o.path);
        return EXIT_INPUT;
    }
    if (cs_outfile_close(&o, &err))
        return error_out(&err);
    char *path = join(dir, "results.csv");
    if (!path)
        return usage_error("%s", "out of memory");
    int rc = cs_results_write_csv(ex, res, path, &err) ? error_out(&err) : 0;
    free(path);
    /* logs as populations: their own unbiased curves beside the simulated ones */
    if (!rc && cs_unbiased_write_logged(ex, dir, &err))
        rc = error_out(&err);
    return rc;
}

/* Begin a run's output directory: the -o given, or runs/NAME+suffix. */
static int begin_outputs(const options *o, const cs_experiment *ex, const char *suffix,
                         cs_outdir *d)
{
    cs_error err;
    if (o->outdir && !o->outdir[0]) {
        fprintf(stderr, "callscale: -o: the output directory's name is empty (e.g. -o runs/mine)\n");
        return EXIT_USAGE;
    }
    char *dir = NULL;
    if (!o->outdir) {
        dir = malloc(strlen(ex->name) + strlen(suffix) + 6);
        if (!dir) {
            fprintf(stderr, "callscale: out of memory\n");
            return EXIT_INPUT;
        }
        sprintf(dir, "runs/%s%s", ex->name, suffix);
        for (char *p = dir + 5; *p; p++)
            if (*p == '/' || *p == ' ')
                *p = '_';
    }
    int rc = cs_outdir_begin(d, dir ? dir : o->outdir, &err);
    free(dir);
    return rc ? error_out(&err) : 0;
}

/* The figures of dir: gnuplot scripts and their data, then gnuplot on each when it is on the
** PATH (else one line saying how to draw them). gnuplot's warnings are passed on; a figure it
** could not draw is an error. */
static int draw_figures(const cs_experiment *ex, const char *dir, const char *shown,
                        const cs_plot_options *po, int quiet)
{
    cs_plot p;
    cs_error err;
    char gnuplot[CS_PATH_MAX], name[64], log[4096], list[512] = "";
    if (cs_plot_write(ex, dir, po, &p, &err))
        return error_out(&err);
    int found = cs_plot_find_gnuplot(gnuplot, sizeof gnuplot) == 0, rc = 0;
    for (int fig = 0; fig < CS_NFIGURES; fig++) {
        if (!p.drawn[fig])
            continue;
        if (!found) {
            cs_plot_script_name(fig, name, sizeof name);
            snprintf(list + strlen(list), sizeof list - strlen(list), " %s", name);
            continue;
        }
        int bad = cs_plot_render(gnuplot, dir, &p, fig, log, sizeof log, &err);
        for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "callscale: %s: gnuplot: %s\n", shown, line);
        if (bad) {
            rc = error_out(&err);
            continue;
        }
        cs_plot_output_name(&p, fig, name, sizeof name);
        snprintf(list + strlen(list), sizeof list - strlen(list), " %s", name);
    }
    if (!found && !quiet)
        fprintf(stderr, "callscale: gnuplot is not on the PATH, so the figures are not drawn; "
                        "to draw them: cd %s && gnuplot%s\n", shown, list);
    else if (found && !quiet && list[0])
        fprintf(stderr, "callscale: figures in %s:%s\n", shown, list);
    return rc;
}

/* The accuracy table of dir's results.csv on stdout (with exact's beside it when given). */
static int print_table(const char *dir, const char *exact, const size_t *budgets, size_t nbudgets)
{
    cs_summary t, x;
    cs_error err;
    if (cs_summary_read(&t, dir, &err))
        return error_out(&err);
    if (exact && cs_summary_read(&x, exact, &err)) {
        cs_summary_free(&t);
        return error_out(&err);
    }
    int rc = cs_summary_write(stdout, &t, exact ? &x : NULL, budgets, nbudgets);
    if (rc)
        fprintf(stderr, "callscale: cannot write the table: %s\n", strerror(errno));
    cs_summary_free(&t);
    if (exact)
        cs_summary_free(&x);
    return rc ? EXIT_INPUT : 0;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

typedef struct progress_state {
    double start, last;
    int shown;
} progress_state;

static void progress(void *data, uint64_t done, uint64_t total)
{
    progress_state *p = data;
    double t = now();
    if (done < total && t - p->last < 0.25)
        return;
    p->last = t;
    double el = t - p->start, eta = done ? el * (double)(total - done) / (double)done : 0;
    fprintf(stderr, "\rcallscale: %llu/%llu queries (%3.0f%%), %.1f s, about %.0f s left   ",
            (unsigned long long)done, (unsigned long long)total, 100.0 * (double)done / (double)total,
            el, eta);
    p->shown = 1;
}

/* run --shard I/N: the shard's blocks into DIR/tally.csv (and DIR/config.ini), for merge. */
static int run_shard(const options *o, const cs_experiment *ex)
{
    uint64_t i, n, first, last;
    if (cs_shard_parse(o->shard, &i, &n))
        return usage_error("--shard needs I/N with 0 <= I < N <= 1000000, not '%s'", o->shard);
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
        rc = begin_outputs(o, ex, suffix, &od);
        if (!rc && !(w = cs_shard_open(ex, i, n, od.stage, &err)))
            rc = error_out(&err);
    }
    cs_shard_blocks(cs_sweep_nblocks(ex), i, n, &first, &last);
    cs_sweep_part part = {first, last, cs_shard_write_block, w};
    progress_state ps = {now(), 0, 0};
    if (!rc) {
        int show = !o->quiet && isatty(2);
        rc = cs_engine_sweep(ex, o->threads, &part, show ? progress : NULL, &ps, &res, &err);
        if (ps.shown)
            fprintf(stderr, "\n");
        if (rc)
            rc = error_out(&err);
    }
    if (!rc && w) {
        rc = cs_shard_close(w, &err) ? error_out(&err) : 0;
        w = NULL;
    }
    cs_shard_abandon(w);
    if (!rc && od.stage && cs_outdir_commit(&od, &err))
        rc = error_out(&err);
    uint64_t q0 = first * CS_SWEEP_BLOCK, q1 = last * CS_SWEEP_BLOCK;
    q1 = q1 < ex->queries ? q1 : ex->queries;
    if (!rc && cs_engine_writer() && !o->quiet)
        fprintf(stderr, "callscale: %s: shard %llu of %llu, blocks %llu to %llu (%llu queries) in "
                "%.1f s; wrote %s/tally.csv\n", ex->name, (unsigned long long)i,
                (unsigned long long)n, (unsigned long long)first, (unsigned long long)last,
                (unsigned long long)(q1 > q0 ? q1 - q0 : 0), now() - ps.start, od.dir);
    cs_outdir_free(&od);
    cs_results_free(&res);
    return rc;
}

/* With [serving]: the clock's cells into dir (a run's staging directory): latency.csv, and with
** --trace queries.csv and trace.json. */
static int write_clock(const cs_experiment *ex, const options *o, const char *dir,
                       const cs_clock_result *cr)
{
    cs_error err;
    int rc = cs_latency_write(ex, cr, dir, &err);
    if (!rc && o->trace)
        rc = cs_latency_write_queries(ex, cr, dir, &err);
    if (!rc && o->trace)
        rc = cs_latency_write_trace(ex, cr, dir, &err);
    return rc ? error_out(&err) : 0;
}

/* The clock's table on stdout (p99 latency and throughput per cell) and what was written. */
static void print_clock(const cs_experiment *ex, const options *o, const char *dir,
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
            now() - start, dir, o->trace ? ", queries.csv and trace.json" : "");
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
    double start = now();
    int rc = cs_sweep_run(&px, threads, NULL, NULL, &pr, &err);
    double took = now() - start, est = took * (double)ex->queries / (double)PILOT_QUERIES;
    cs_results_free(&pr);
    if (rc)
        return error_out(&err);
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
static int cmd_curves(int argc, char **argv, int exact)
{
    options o;
    cs_experiment ex;
    int rc = open_experiment(argc, argv, exact ? 0 : 2, &o, &ex);
    if (rc)
        return rc;
    if (o.shard) {
        rc = run_shard(&o, &ex);
        cs_experiment_free(&ex);
        free(o.sets);
        return rc;
    }
    cs_results res;
    cs_error err;
    progress_state ps = {now(), 0, 0};
    if (cs_results_init(&res, &ex)) {
        fprintf(stderr, "callscale: out of memory\n");
        cs_experiment_free(&ex);
        free(o.sets);
        return EXIT_INPUT;
    }
    if (exact) {
        rc = cs_exact_run(&ex, &res, &err) ? error_out(&err) : 0;
    } else if (!(rc = pilot(&ex, o.threads, o.quiet))) {
        int show = !o.quiet && isatty(2);
        rc = cs_engine_run(&ex, o.threads, show ? progress : NULL, &ps, &res, &err);
        if (ps.shown)
            fprintf(stderr, "\n");
        if (rc)
            rc = error_out(&err);
    }
    if (!rc && !cs_engine_writer()) { /* an MPI rank other than 0: its blocks went to rank 0 */
        cs_results_free(&res);
        cs_experiment_free(&ex);
        free(o.sets);
        return 0;
    }
    /* the clock before any file is written: a load above capacity writes nothing */
    cs_clock_result cr = {NULL, 0};
    double clock_start = now();
    int clocked = !exact && ex.serving.line;
    if (!rc && clocked && cs_clock_run(&ex, o.threads, o.trace, &cr, &err))
        rc = error_out(&err);
    cs_outdir od = {NULL, NULL};
    if (!rc)
        rc = begin_outputs(&o, &ex, exact ? "-exact" : "", &od);
    if (!rc)
        rc = write_outputs(&ex, &res, od.stage);
    if (!rc && clocked)
        rc = write_clock(&ex, &o, od.stage, &cr);
    int figures = 0;
    if (!rc && !o.no_plot)
        figures = draw_figures(&ex, od.stage, od.dir, &(cs_plot_options){CS_PLOT_PNG, 0, 0, NULL},
                               o.quiet);
    if (!rc && cs_outdir_commit(&od, &err))
        rc = error_out(&err);
    if (!rc && !o.quiet) {
        if (exact)
            fprintf(stderr, "callscale: %s: exact curves; wrote %s/results.csv\n", ex.name, od.dir);
        else
            fprintf(stderr, "callscale: %s: %llu queries in %.1f s; wrote %s/results.csv\n",
                    ex.name, (unsigned long long)ex.queries, now() - ps.start, od.dir);
        rc = print_table(od.dir, NULL, NULL, 0);
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

/* merge SHARD_DIR... -o DIR: the shards of one run, added up into that run's outputs. */
static int cmd_merge(int argc, char **argv)
{
    const char *outdir = NULL;
    int quiet = 0, no_plot = 0;
    size_t n = 0;
    const char **dirs = calloc((size_t)argc + 1, sizeof *dirs);
    if (!dirs)
        return usage_error("%s", "out of memory");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "-o") == 0 || strcmp(a, "--output") == 0) {
            if (i + 1 >= argc) {
                free(dirs);
                return usage_error("%s needs a directory", a);
            }
            outdir = argv[++i];
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (strcmp(a, "--no-plot") == 0) {
            no_plot = 1;
        } else if (a[0] == '-' && a[1]) {
            free(dirs);
            return usage_error("unknown option '%s'", a);
        } else {
            dirs[n++] = a;
        }
    }
    if (!n || !outdir) {
        free(dirs);
        return usage_error("%s", "merge needs the shards' directories and -o DIR (e.g. merge "
                                 "runs/x-shard* -o runs/x)");
    }
    cs_experiment ex;
    cs_results res;
    cs_error err;
    char *config;
    size_t len;
    double start = now();
    char *cfg = join(outdir, "config.ini");
    if (!cfg) {
        free(dirs);
        return usage_error("%s", "out of memory");
    }
    int rc = cs_merge_shards(dirs, n, cfg, &ex, &res, &config, &len, &err);
    free(cfg);
    if (rc) {
        free(dirs);
        return error_out(&err);
    }
    /* merge's outputs are a run's: staged, then moved into place whole */
    options o;
    memset(&o, 0, sizeof o);
    o.outdir = outdir;
    cs_outdir od = {NULL, NULL};
    rc = begin_outputs(&o, &ex, "", &od);
    if (!rc && cs_outfile_write(od.stage, "config.ini", config, len, &err))
        rc = error_out(&err);
    char *path = rc ? NULL : join(od.stage, "results.csv");
    if (!rc && (!path || cs_results_write_csv(&ex, &res, path, &err)))
        rc = path ? error_out(&err) : usage_error("%s", "out of memory");
    free(path);
    int figures = 0;
    if (!rc && !no_plot)
        figures = draw_figures(&ex, od.stage, od.dir, &(cs_plot_options){CS_PLOT_PNG, 0, 0, NULL},
                               quiet);
    if (!rc && cs_outdir_commit(&od, &err))
        rc = error_out(&err);
    if (!rc && !quiet)
        fprintf(stderr, "callscale: %s: %zu shard%s, %llu queries, merged in %.1f s; wrote "
                "%s/results.csv\n", ex.name, n, n == 1 ? "" : "s",
                (unsigned long long)ex.queries, now() - start, od.dir);
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

static int cmd_explain(int argc, char **argv)
{
    options o;
    cs_experiment ex;
    int rc = open_experiment(argc, argv, 0, &o, &ex);
    if (rc)
        return rc;
    cs_explain e;
    cs_error err;
    if (cs_explain_run(&ex, &e, &err)) {
        rc = error_out(&err);
    } else if (cs_explain_write(&ex, &e, stdout)) {
        fprintf(stderr, "callscale: cannot write to stdout\n");
        rc = EXIT_INPUT;
    }
    cs_experiment_free(&ex);
    free(o.sets);
    return rc;
}

static int cmd_plot(int argc, char **argv)
{
    const char *dir = NULL;
    cs_plot_options po = {CS_PLOT_PNG, 0, 0, NULL};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--format") == 0) {
            if (!val || (po.format = cs_plot_format_parse(val)) < 0)
                return usage_error("--format needs png, pdf or svg, not '%s'", val ? val : "");
            i++;
        } else if (strcmp(a, "--size") == 0) {
            if (!val || cs_plot_size_parse(val, &po.width, &po.height)) {
                char why[128];
                snprintf(why, sizeof why, "--size needs WIDTHxHEIGHT, each in [%d, %d], not '%%s'",
                         CS_PLOT_MIN_SIZE, CS_PLOT_MAX_SIZE);
                return usage_error(why, val ? val : "");
            }
            i++;
        } else if (strcmp(a, "--exact") == 0) {
            if (!val)
                return usage_error("%s needs the directory of a callscale exact run", a);
            po.exact_dir = val;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!dir)
        return usage_error("%s", "plot needs the directory of a run (e.g. runs/chen2024-two-level)");
    char *config = malloc(strlen(dir) + sizeof "/config.ini");
    if (!config)
        return usage_error("%s", "out of memory");
    sprintf(config, "%s/config.ini", dir);
    cs_experiment ex;
    cs_error err;
    int rc = cs_experiment_load(&ex, config, NULL, 0, &err);
    free(config);
    if (rc)
        return error_out(&err);
    rc = draw_figures(&ex, dir, dir, &po, 0);
    cs_experiment_free(&ex);
    return rc;
}

/* optimize's own options, taken out of argv before the common ones are parsed. */
static int optimize_options(int *argc, char **argv, cs_optimize_options *opt, const char **baseline)
{
    int n = 0;
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i], *val = i + 1 < *argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--predictor") == 0) {
            long k;
            if (parse_int(val, 1, 1000000, &k))
                return usage_error("--predictor needs a number of samples >= 1, not '%s'",
                                   val ? val : "");
            opt->predictor = (size_t)k;
            i++;
        } else if (strcmp(a, "--baseline") == 0) {
            if (!val)
                return usage_error("%s needs STRATEGY or STRATEGY:SETTING", a);
            *baseline = val;
            i++;
        } else {
            argv[n++] = argv[i];
        }
    }
    *argc = n;
    return 0;
}

static long find_setting(const cs_experiment *ex, const char *spec)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    for (size_t s = 0; s < ex->nstrat; s++)
        if (strlen(ex->strat[s].type->name) == len && strncmp(ex->strat[s].type->name, spec, len) == 0 &&
            (!colon || strcmp(ex->strat[s].label, colon + 1) == 0))
            return (long)s;
    return -1;
}

/* optimize with [serving] and an slo: the best setting and budget per bin within it, and each
** cell's largest arrival rate that meets it. */
/* The SLO planner's files into dir (a run's staging directory; shown is where they end up). */
static int optimize_slo(const cs_experiment *ex, const options *o, const char *dir,
                        const char *shown)
{
    cs_slo s;
    cs_error err;
    double start = now();
    if (cs_slo_run(ex, o->threads, &s, &err) || cs_slo_write(ex, &s, dir, &err)) {
        cs_slo_free(&s);
        return error_out(&err);
    }
    const cs_slo_choice *all = &s.choice[0];
    if (all->cell < 0) {
        printf("slo: no setting and budget keeps p99 latency within %g s at this load\n",
               ex->serving.slo);
    } else {
        const cs_clock_cell *c = &s.clock.cell[all->cell];
        printf("slo: within p99 <= %g s, the most accurate is %s:%s at budget %zu (accuracy "
               "%.4f, p99 %.3g s)\n", ex->serving.slo, ex->strat[c->strategy].type->name,
               ex->strat[c->strategy].label, ex->budgets[c->budget], all->accuracy,
               all->latency_p99);
    }
    for (size_t i = 0; s.capacity && i < s.clock.ncell; i++) {
        const cs_clock_cell *c = &s.clock.cell[i];
        printf("capacity: %s:%s at budget %zu meets the slo up to %.3g queries/s\n",
               ex->strat[c->strategy].type->name, ex->strat[c->strategy].label,
               ex->budgets[c->budget], s.capacity[i]);
    }
    if (!o->quiet)
        fprintf(stderr, "callscale: %s: the SLO planner in %.1f s; wrote %s/slo.csv%s\n", ex->name,
                now() - start, shown, s.capacity ? " and capacity.csv" : "");
    cs_slo_free(&s);
    return 0;
}

static int cmd_optimize(int argc, char **argv)
{
    cs_optimize_options opt = {0, CS_OPTIMIZE_PREDICTOR, -1};
    const char *baseline = NULL;
    options o;
    int rc = optimize_options(&argc, argv, &opt, &baseline);
    if (rc)
        return rc;
    cs_experiment ex;
    rc = open_experiment(argc, argv, 1, &o, &ex);
    if (rc)
        return rc;
    opt.threads = o.threads;
    if (ex.serving.line && ex.serving.slo > 0) {
        /* with a latency target the question is the SLO planner's */
        cs_outdir od = {NULL, NULL};
        cs_error err;
        rc = begin_outputs(&o, &ex, "-optimize", &od);
        if (!rc)
            rc = optimize_slo(&ex, &o, od.stage, od.dir);
        if (!rc && cs_outdir_commit(&od, &err))
            rc = error_out(&err);
        cs_outdir_free(&od);
        cs_experiment_free(&ex);
        free(o.sets);
        return rc;
    }
    if (baseline && (opt.baseline = find_setting(&ex, baseline)) < 0) {
        fprintf(stderr, "callscale: %s: --baseline %s: no such strategy setting in the file\n",
                ex.file, baseline);
        rc = EXIT_INPUT;
    }
    cs_optimize res;
    cs_error err;
    double start = now();
    if (!rc && cs_optimize_run(&ex, &opt, &res, &err))
        rc = error_out(&err);
    else if (!rc) {
        cs_outdir od = {NULL, NULL};
        rc = begin_outputs(&o, &ex, "-optimize", &od);
        char *path = rc ? NULL : join(od.stage, "frontier.csv");
        if (!rc && (!path || cs_optimize_write_csv(&ex, &res, path, &err)))
            rc = path ? error_out(&err) : usage_error("%s", "out of memory");
        free(path);
        path = rc || !ex.large.line ? NULL : join(od.stage, "exchange.csv");
        if (!rc && ex.large.line && (!path || cs_optimize_write_exchange(&ex, &res, path, &err)))
            rc = path ? error_out(&err) : usage_error("%s", "out of memory");
        free(path);
        if (!rc && cs_outdir_commit(&od, &err))
            rc = error_out(&err);
        const char *dir = od.dir;
        if (!rc) {
            const cs_strategy *b = &ex.strat[res.baseline];
            size_t N = ex.budgets[ex.nbudgets - 1];
            if (isnan(res.efficiency))
                printf("efficiency: the frontier does not reach best-of-n's accuracy at budget %zu "
                       "(baseline %s:%s)\n", N, b->type->name, b->label);
            else
                printf("efficiency: %s%.1f\u00d7 fewer samples than best-of-n at budget %zu "
                       "(baseline %s:%s; predicted bins; oracle bins %s%.1f\u00d7)\n",
                       res.efficiency_low ? "at least " : "", res.efficiency, N, b->type->name,
                       b->label, res.efficiency_oracle_low ? "at least " : "", res.efficiency_oracle);
            for (size_t r = 0; ex.large.line && r < ex.large.nratio; r++) {
                double M = ex.large.params / ex.global.gen_params;
                double X = cs_flops_multiplier(M, ex.large.ratio[r]);
                int inside;
                double a = cs_optimize_at(&ex, &res, CS_BIN_ORACLE, 0, X, &inside);
                printf("exchange: R = %g: a %.3g\u00d7 larger model costs %.2f samples per query; "
                       "test-time compute %.4f%s vs the larger model %.4f\n", ex.large.ratio[r], M,
                       X, a, inside ? "" : " (budget outside the file's; nearest budget)",
                       res.large_accuracy[0]);
            }
            if (!o.quiet)
                fprintf(stderr, "callscale: %s: %llu queries in %.1f s; wrote %s/frontier.csv\n",
                        ex.name, (unsigned long long)ex.queries, now() - start, dir);
        }
        cs_outdir_free(&od);
        cs_optimize_free(&res);
    }
    cs_experiment_free(&ex);
    free(o.sets);
    return rc;
}

/* table DIR [EXACTDIR] [--budgets LIST]: a run's accuracy table, or a Monte Carlo run beside an
** exact one. */
static int cmd_table(int argc, char **argv)
{
    const char *dir = NULL, *exact = NULL, *list = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--budgets") == 0) {
            if (i + 1 >= argc)
                return usage_error("%s needs budgets, e.g. 1,3,5 or 1..64 x2", a);
            list = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return usage_error("unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else if (!exact) {
            exact = a;
        } else {
            return usage_error("unexpected argument '%s'", a);
        }
    }
    if (!dir)
        return usage_error("%s", "table needs the directory of a run (e.g. runs/chen2024-two-level)");
    size_t *budgets = NULL, n = 0;
    char why[512];
    if (list && cs_budgets_parse(list, &budgets, &n, why, sizeof why)) {
        fprintf(stderr, "callscale: --budgets: %s\n", why);
        return EXIT_USAGE;
    }
    int rc = print_table(dir, exact, budgets, n);
    free(budgets);
    return rc;
}

static int cmd_list(void)
{
    printf("strategies (section [strategy.NAME], or [strategy.NAME:SETTING] for a second setting):\n");
    for (size_t i = 0; i < cs_strategy_ntypes; i++) {
        const cs_strategy_type *t = cs_strategy_types[i];
        printf("\n%s — %s\n  budget N: %s\n  source: %s\n", t->name, t->help, t->unit, t->source);
        printf("  settings: %s\n", t->uses);
        if (!t->nparams)
            printf("  parameters: none\n");
        for (size_t j = 0; j < t->nparams; j++) {
            const cs_param *p = &t->params[j];
            if (p->lo <= p->hi)
                printf("  %-20s default %-10s [%g, %g]%s%s  %s\n", p->name, p->def, p->lo, p->hi,
                       p->word ? " or " : "", p->word ? p->word : "", p->help);
            else
                printf("  %-20s default %-10s %s  %s\n", p->name, p->def, p->word, p->help);
        }
        printf("  exact mode: %s%s%s\n", t->exact ? "yes" : "no", t->exact_when ? ", when " : "",
               t->exact_when ? t->exact_when : "");
    }
    return 0;
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    /* `callscale run --help` and the like: the help, whatever else is on the line */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            fputs(usage, stdout);
            return 0;
        }
    if (strcmp(cmd, "--version") == 0) {
        printf("callscale %s\n", CALLSCALE_VERSION);
        return 0;
    }
    if (strcmp(cmd, "run") == 0)
        return cmd_curves(argc - 2, argv + 2, 0);
    if (strcmp(cmd, "exact") == 0)
        return cmd_curves(argc - 2, argv + 2, 1);
    if (strcmp(cmd, "merge") == 0)
        return cmd_merge(argc - 2, argv + 2);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "list") == 0)
        return cmd_list();
    if (strcmp(cmd, "plot") == 0)
        return cmd_plot(argc - 2, argv + 2);
    if (strcmp(cmd, "table") == 0)
        return cmd_table(argc - 2, argv + 2);

    if (strcmp(cmd, "optimize") == 0)
        return cmd_optimize(argc - 2, argv + 2);
    if (strcmp(cmd, "fit") == 0)
        return cs_cli_fit(argc - 2, argv + 2);
    if (strcmp(cmd, "calibrate") == 0)
        return cs_cli_calibrate(argc - 2, argv + 2);
    if (strcmp(cmd, "serve") == 0)
        return serve_main(argc - 2, argv + 2);
    return usage_error("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* the library checks GSL's return codes itself */
    if (cs_engine_start(&argc, &argv))
        return cs_engine_end(0);
    return cs_engine_end(dispatch(argc, argv));
}
