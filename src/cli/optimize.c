/*
** optimize: the compute-optimal planner's frontier (and exchange against a larger model), or
** with [serving] and an slo the SLO planner's best settings and capacities.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/optimize.h"
#include "callscale/slo.h"
#include "callscale/strategy.h"
#include "cli.h"

/* optimize's own options, taken out of argv before the common ones are parsed. */
static int optimize_options(int *argc, char **argv, cs_optimize_options *opt, const char **baseline)
{
    int n = 0;
    for (int i = 0; i < *argc; i++) {
        const char *a = argv[i], *val = i + 1 < *argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--predictor") == 0) {
            long k;
            if (cs_cli_parse_int(val, 1, 1000000, &k))
                return cs_cli_usage_error("--predictor needs a number of samples >= 1, not '%s'",
                                          val ? val : "");
            opt->predictor = (size_t)k;
            i++;
        } else if (strcmp(a, "--baseline") == 0) {
            if (!val)
                return cs_cli_usage_error("%s needs STRATEGY or STRATEGY:SETTING", a);
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
static int optimize_slo(const cs_experiment *ex, const cs_cli_options *o, const char *dir,
                        const char *shown)
{
    cs_slo s;
    cs_error err;
    double start = cs_cli_now();
    if (cs_slo_run(ex, o->threads, &s, &err) || cs_slo_write(ex, &s, dir, &err)) {
        cs_slo_free(&s);
        return cs_cli_error(&err);
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
                cs_cli_now() - start, shown, s.capacity ? " and capacity.csv" : "");
    cs_slo_free(&s);
    return 0;
}

/* The frontier's files into dir (a run's staging directory): frontier.csv, and exchange.csv
** with a [large_model]. */
static int write_frontier(const cs_experiment *ex, const cs_optimize *res, const char *dir)
{
    cs_error err;
    int rc = 0;
    char *path = cs_cli_join(dir, "frontier.csv");
    if (!path || cs_optimize_write_csv(ex, res, path, &err))
        rc = path ? cs_cli_error(&err) : cs_cli_usage_error("%s", "out of memory");
    free(path);
    path = rc || !ex->large.line ? NULL : cs_cli_join(dir, "exchange.csv");
    if (!rc && ex->large.line && (!path || cs_optimize_write_exchange(ex, res, path, &err)))
        rc = path ? cs_cli_error(&err) : cs_cli_usage_error("%s", "out of memory");
    free(path);
    return rc;
}

/* The frontier's efficiency against the baseline and its exchange against a larger model on
** stdout, and what was written (dir: where it ended up). */
static void say_frontier(const cs_experiment *ex, const cs_cli_options *o, const cs_optimize *res,
                         const char *dir, double start)
{
    const cs_strategy *b = &ex->strat[res->baseline];
    /* the messages name the baseline: best-of-n, or the strategy that stands in for it */
    const char *base = strcmp(b->type->name, "best_of_n") == 0 ? "best-of-n" : b->type->name;
    size_t N = ex->budgets[ex->nbudgets - 1];
    if (isnan(res->efficiency))
        printf("efficiency: the frontier does not reach %s's accuracy at budget %zu "
               "(baseline %s:%s)\n", base, N, b->type->name, b->label);
    else
        printf("efficiency: %s%.1f\u00d7 fewer samples than %s at budget %zu "
               "(baseline %s:%s; predicted bins; oracle bins %s%.1f\u00d7)\n",
               res->efficiency_low ? "at least " : "", res->efficiency, base, N, b->type->name,
               b->label, res->efficiency_oracle_low ? "at least " : "", res->efficiency_oracle);
    for (size_t r = 0; ex->large.line && r < ex->large.nratio; r++) {
        double M = ex->large.params / ex->global.gen_params;
        double X = cs_optimize_flops_multiplier(M, ex->large.ratio[r]);
        int inside;
        double a = cs_optimize_at(ex, res, CS_BIN_ORACLE, 0, X, &inside);
        printf("exchange: R = %g: a %.3g\u00d7 larger model costs %.2f samples per query; "
               "test-time compute %.4f%s vs the larger model %.4f\n", ex->large.ratio[r], M,
               X, a, inside ? "" : " (budget outside the file's; nearest budget)",
               res->large_accuracy[0]);
    }
    if (!o->quiet)
        fprintf(stderr, "callscale: %s: %llu queries in %.1f s; wrote %s/frontier.csv\n",
                ex->name, (unsigned long long)ex->queries, cs_cli_now() - start, dir);
}

int cs_cli_optimize(int argc, char **argv)
{
    cs_optimize_options opt = {0, CS_OPTIMIZE_PREDICTOR, -1};
    const char *baseline = NULL;
    cs_cli_options o;
    int rc = optimize_options(&argc, argv, &opt, &baseline);
    if (rc)
        return rc;
    cs_experiment ex;
    rc = cs_cli_open_experiment(argc, argv, CS_CLI_THREADS, &o, &ex);
    if (rc)
        return rc;
    opt.threads = o.threads;
    /* with a latency target the question is the SLO planner's */
    int slo = ex.serving.line && ex.serving.slo > 0;
    if (!slo && baseline && (opt.baseline = find_setting(&ex, baseline)) < 0) {
        fprintf(stderr, "callscale: %s: --baseline %s: no such strategy setting in the file\n",
                ex.file, baseline);
        rc = EXIT_INPUT;
    }
    cs_optimize res;
    cs_error err;
    int planned = 0;
    double start = cs_cli_now();
    /* the frontier is planned before its directory is begun; the SLO planner plans into it */
    if (!rc && !slo) {
        if (cs_optimize_run(&ex, &opt, &res, &err))
            rc = cs_cli_error(&err);
        else
            planned = 1;
    }
    cs_outdir od = {NULL, NULL};
    if (!rc)
        rc = cs_cli_begin_outputs(&o, &ex, "-optimize", &od);
    if (!rc)
        rc = slo ? optimize_slo(&ex, &o, od.stage, od.dir) : write_frontier(&ex, &res, od.stage);
    if (!rc && cs_outdir_commit(&od, &err))
        rc = cs_cli_error(&err);
    if (!rc && !slo)
        say_frontier(&ex, &o, &res, od.dir, start);
    cs_outdir_free(&od);
    if (planned)
        cs_optimize_free(&res);
    cs_experiment_free(&ex);
    free(o.sets);
    return rc;
}
