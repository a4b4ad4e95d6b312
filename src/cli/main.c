/*
** callscale: the command-line program. The table of commands (name, function, usage, help), the
** usage text printed from it, and the dispatch; each command family has a file of its own.
*/
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include "cli.h"
#include "engine.h"
#include "serve.h"

#ifndef CALLSCALE_VERSION
#define CALLSCALE_VERSION "0.1.0"
#endif

/* One command: `callscale NAME USAGE`, then its help. usage's lines after the first are
** continuations of the command line; help's lines are indented under it. A row without a
** function is another form of the command above it (run --shard): usage text only. An empty
** usage: the command takes no arguments, and its one-line help stands beside its name. */
typedef struct cs_cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
    const char *usage;
    const char *help;
} cs_cli_command;

/* A number's macro as the text of its digits, for help that quotes a default. */
#define STR_(x) #x
#define STR(x) STR_(x)

static const char head[] =
    "usage: callscale COMMAND [ARGS]\n"
    "\n"
    "Simulate LLM test-time-compute strategies (majority vote, filter-vote, ...) on a population of\n"
    "queries of mixed difficulty, without calling a model.\n"
    "\n"
    "commands:\n";

/* The commands, in the order --help lists them. A new command is a file (or a function in its
** family's), its declaration in cli.h and a row here; tests/cli/lib checks that the man page
** (man/callscale.1.in) has every command and option that --help prints from these rows. */
static const cs_cli_command commands[] = {
    {"run", cs_cli_run,
     "EXPERIMENT.ini [-o DIR] [-j THREADS] [--seed N] [--set SECTION.KEY=VALUE]... [-q]\n"
     "[--no-plot] [--trace]",
     "Monte Carlo: writes DIR/results.csv and DIR/config.ini (default DIR: runs/NAME),\n"
     "and the figures of `plot` when gnuplot is on the PATH (--no-plot: none).\n"
     "-j: threads (default: all cores; results are identical for any count).\n"
     "--seed: overrides [experiment] seed. --set: overrides any key, e.g.\n"
     "--set population.easy.p_correct=0.9 --set experiment.queries=1e5\n"
     "-q: nothing on the terminal (else the accuracy table on stdout, and a progress line\n"
     "when stderr is a terminal).\n"
     "With [serving]: the clock too, DIR/latency.csv (latency, throughput, SLO per\n"
     "cell and bin) and a table on stdout; --trace adds queries.csv and trace.json."},
    {"run", NULL,
     "EXPERIMENT.ini --shard I/N -o DIR [-j THREADS] [--seed N] [--set ...] [-q]",
     "Shard I (from 0) of N: its query blocks only, their tallies written exactly to\n"
     "DIR/tally.csv (and DIR/config.ini), for merge. A Slurm job array runs one shard\n"
     "per task (--shard $SLURM_ARRAY_TASK_ID/N); see README.md. build/callscale-mpi\n"
     "(make mpi) spreads run over MPI ranks: mpirun -n R build/callscale-mpi run ..."},
    {"merge", cs_cli_merge,
     "SHARD_DIR... -o DIR [-q] [--no-plot]",
     "Every shard of one run (any order), checked (one configuration, seed and N; each\n"
     "shard once; no tally.csv truncated or edited) and added in block order: DIR gets\n"
     "results.csv, config.ini and the figures byte for byte as from one run."},
    {"exact", cs_cli_exact,
     "EXPERIMENT.ini [-o DIR] [--set ...] [-q] [--no-plot]",
     "The same curves without sampling (binomial/multinomial sums, quadrature over\n"
     "beta components), where the mathematics allows; a clear error where it does not.\n"
     "Default DIR: runs/NAME-exact. ci_low = ci_high = accuracy, queries = 0."},
    {"explain", cs_cli_explain,
     "EXPERIMENT.ini [--set ...]",
     "Per component and overall: the fraction of easy queries (correct answer is the\n"
     "unique mode), the K -> infinity limit of vote accuracy, and for a two-level binary\n"
     "population the curve's shape and its turning point K* in closed form."},
    {"plot", cs_cli_plot,
     "DIR [--format png|pdf|svg] [--size WxH] [--exact EXACTDIR]",
     "Figures from DIR/results.csv and DIR/config.ini, without simulating again:\n"
     "accuracy (vs budget), bins (the whole population above each difficulty bin),\n"
     "cost (vs tokens, when strategies spend differently per budget) and population\n"
     "(per-call accuracy p by component). The gnuplot scripts (DIR/accuracy.gp ...) and\n"
     "their data stay in DIR to edit and run again. --size: pixels, points for pdf\n"
     "(default 1000x700, pdf 252x176). --exact: EXACTDIR's exact curves (callscale exact)\n"
     "drawn as lines over DIR's Monte Carlo points and bands."},
    {"optimize", cs_cli_optimize,
     "EXPERIMENT.ini [-o DIR] [-j THREADS] [--seed N] [--set ...] [-q]\n"
     "[--predictor K] [--baseline STRATEGY[:SETTING]]",
     "The compute-optimal planner: per budget and difficulty bin, the best strategy\n"
     "setting of the file, chosen on half the queries and scored on the other half, by\n"
     "oracle bins (true p) and by bins of the mean verifier score of each query's first K\n"
     "samples (default 4). Writes DIR/frontier.csv (default DIR: runs/NAME-optimize), and\n"
     "DIR/exchange.csv with a [large_model]; prints how many times fewer samples than the\n"
     "baseline (best_of_n, else weighted_vote) the frontier needs at the largest budget."},
    {"fit", cs_cli_fit,
     "LOG.csv [-o DIR] [--samples K] [--components J] [--boot B] [--seed N] [--no-plot] [-q]",
     "The latent model fitted to a real per-sample log (query,sample,correct[,answer,score,\n"
     "tokens]): a beta-binomial mixture (Betas chosen by BIC, or J; masses at p = 0 and 1)\n"
     "and, with answers, the wrong answers' concentration; bootstrap intervals (B refits,\n"
     "default 200). --samples: fit on the first K samples per query. Writes DIR/fitted.ini,\n"
     "fit.csv, predicted.csv (strategy,budget,observed,predicted,ci_low,ci_high, to 100x the\n"
     "logged count) and fit.png. Default DIR: runs/fit-LOGNAME."},
    {"calibrate", cs_cli_calibrate,
     "EXPERIMENT.ini TARGETS.csv [-o DIR] [-j THREADS] [-q]",
     "Fits [calibrate] free = KEY:LO..HI, ... (a Beta's .a and .b: population.NAME.p_correct.a)\n"
     "to TARGETS.csv (strategy,setting,budget,bin,accuracy[,precision]; an empty accuracy is\n"
     "predicted, not fitted) by Nelder-Mead with the experiment's seed, exact mode where it\n"
     "applies; 95% profile intervals. Writes DIR/calibrated.ini, calibration.csv, results.csv."},
    {"table", cs_cli_table,
     "DIR [EXACTDIR] [--budgets LIST]",
     "The accuracy table `run` prints, from DIR/results.csv: the whole population's\n"
     "accuracy per strategy setting and budget. With EXACTDIR (a callscale exact run of\n"
     "the same experiment): Monte Carlo with its 95% interval, exact value and difference."},
    {"serve", cs_cli_serve,
     "[EXPERIMENT.ini] [--port N] [--bind ADDR] [--timeout S] [--max-body BYTES]\n"
     "[--max-queries N] [--max-budget N] [--max-rows N] [--max-requests N]\n"
     "[--max-connections N] [--max-memory MIB]",
     "The teaching page and its JSON API at http://" SERVE_DEFAULT_BIND ":" STR(SERVE_DEFAULT_PORT)
     "/ (default: the\n"
     "two-level example): sliders for the population, judge, budgets and strategies,\n"
     "exact curves as they move, Monte Carlo on demand. Defaults: timeout "
     STR(SERVE_DEFAULT_TIMEOUT) " s per\n"
     "computation, body " STR(SERVE_DEFAULT_MAX_BODY_KIB) " KiB, queries "
     STR(SERVE_DEFAULT_MAX_QUERIES) ", budget " STR(SERVE_DEFAULT_MAX_BUDGET) ", rows "
     STR(SERVE_DEFAULT_MAX_ROWS) ", " STR(SERVE_DEFAULT_MAX_REQUESTS) "\n"
     "computations and " STR(SERVE_DEFAULT_MAX_CONNECTIONS) " connections at once, "
     STR(SERVE_DEFAULT_MAX_MEMORY_MIB) " MiB per computation."},
    {"list", cs_cli_list,
     "",
     "Every strategy with its parameters, defaults and budget unit."},
};
static const size_t ncommands = sizeof commands / sizeof commands[0];

static const char tail[] =
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

/* Each line of text after indent spaces (the first after first of them). */
static void lines(FILE *f, const char *text, int first, int indent)
{
    for (int n = first; *text; n = indent) {
        size_t len = strcspn(text, "\n");
        fprintf(f, "%*s%.*s\n", n, "", (int)len, text);
        text += len + (text[len] == '\n');
    }
}

static void usage(FILE *f)
{
    fputs(head, f);
    for (size_t i = 0; i < ncommands; i++) {
        const cs_cli_command *c = &commands[i];
        int at = 2 + (int)strlen(c->name);
        fprintf(f, "  %s", c->name);
        if (!c->usage[0]) { /* no arguments: the one-line help beside the name */
            lines(f, c->help, 2, 2);
            continue;
        }
        /* continuation lines of the usage under its first argument, the help under the name */
        lines(f, c->usage, 1, at + 1);
        lines(f, c->help, 8, 8);
    }
    fputs(tail, f);
}

static int dispatch(int argc, char **argv)
{
    if (argc < 2)
        return cs_cli_usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
        usage(stdout);
        return 0;
    }
    /* `callscale run --help` and the like: the help, whatever else is on the line */
    for (int i = 2; i < argc; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            usage(stdout);
            return 0;
        }
    if (strcmp(cmd, "--version") == 0) {
        printf("callscale %s\n", CALLSCALE_VERSION);
        return 0;
    }
    for (size_t i = 0; i < ncommands; i++)
        if (commands[i].run && strcmp(cmd, commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    return cs_cli_usage_error("unknown command '%s'", cmd);
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off(); /* the library checks GSL's return codes itself */
    if (cs_engine_start(&argc, &argv))
        return cs_engine_end(0);
    return cs_engine_end(dispatch(argc, argv));
}
