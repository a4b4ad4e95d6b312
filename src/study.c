/*
** Studies: the public face of an experiment (callscale.h). Loads it from a file or text, and
** runs it by Monte Carlo, exactly or through the planner into tables and frontiers it hands out.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/clock.h"
#include "callscale/exact.h"
#include "callscale/experiment.h"
#include "callscale/optimize.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "clock_table.h"
#include "guard.h"
#include "frontier.h"
#include "table.h"
#include "text.h"

#ifndef CALLSCALE_VERSION
#define CALLSCALE_VERSION "0.1.0"
#endif

struct cs_study {
    cs_experiment ex;
};

const char *cs_version(void)
{
    return CALLSCALE_VERSION;
}

/* Fill err and give the caller nothing. */
static void *fail(cs_error *err, int code, const char *file, const char *what)
{
    cs_error_set(err, code, file, 0, "%s", what);
    return NULL;
}

/* Library code fills err on every failure; this is the net under a path that forgot. */
static void ensure_message(cs_error *err, int rc, const char *file)
{
    if (err && rc && !err->msg[0])
        cs_error_set(err, rc, file, 0, "%s", rc == CS_ERR_NOMEM ? "out of memory" : "failed");
    if (err)
        err->code = rc;
}

static cs_study *load(const char *path, const char *name, const char *text, size_t len,
                      const char *const *overrides, size_t noverrides, cs_error *err)
{
    cs_error_clear(err);
    cs_study *st = malloc(sizeof *st);
    if (!st) {
        cs_error_set(err, CS_ERR_NOMEM, path ? path : name, 0, "out of memory");
        return NULL;
    }
    cs_guard_enter();
    int rc = path ? cs_experiment_load(&st->ex, path, overrides, noverrides, err)
                  : cs_experiment_load_text(&st->ex, name, text, len, overrides, noverrides, err);
    cs_guard_leave();
    if (rc) {
        ensure_message(err, rc, path ? path : name);
        free(st);
        return NULL;
    }
    return st;
}

cs_study *cs_study_load(const char *path, const char *const *overrides, size_t noverrides,
                        cs_error *err)
{
    if (!path)
        return fail(err, CS_ERR_INPUT, "", "no experiment file given");
    return load(path, NULL, NULL, 0, overrides, noverrides, err);
}

cs_study *cs_study_load_text(const char *name, const char *text, size_t len,
                             const char *const *overrides, size_t noverrides, cs_error *err)
{
    if (!text)
        return fail(err, CS_ERR_INPUT, name ? name : "", "no experiment text given");
    return load(NULL, name ? name : "experiment", text, len, overrides, noverrides, err);
}

void cs_study_free(cs_study *st)
{
    if (st) {
        cs_experiment_free(&st->ex);
        free(st);
    }
}

const char *cs_study_name(const cs_study *st)
{
    return st ? st->ex.name : "";
}

unsigned long long cs_study_queries(const cs_study *st)
{
    return st ? (unsigned long long)st->ex.queries : 0;
}

size_t cs_study_config(const cs_study *st, char *buf, size_t n)
{
    char *text = NULL;
    size_t len = 0;
    FILE *f = st ? open_memstream(&text, &len) : NULL;
    if (!f)
        return cs_text_copy("", 0, buf, n);
    int bad = cs_experiment_write(&st->ex, f);
    if (fclose(f) || bad)
        len = 0;
    size_t k = cs_text_copy(text ? text : "", len, buf, n);
    free(text);
    return k;
}

/* run and exact: the same results, filled by one or the other. */
static cs_table *curves(const cs_study *st, int exact, int threads, cs_error *err)
{
    cs_error_clear(err);
    if (!st)
        return fail(err, CS_ERR_INPUT, "", "no study given");
    const cs_experiment *ex = &st->ex;
    cs_results res;
    if (cs_results_init(&res, ex))
        return fail(err, CS_ERR_NOMEM, ex->file, "out of memory");
    cs_guard_enter();
    int rc = exact ? cs_exact_run(ex, &res, err) : cs_sweep_run(ex, threads, NULL, NULL, &res, err);
    cs_guard_leave();
    cs_table *t = NULL;
    if (!rc && !(t = cs_table_new(ex, &res)))
        rc = cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    ensure_message(err, rc, ex->file);
    cs_results_free(&res);
    return t;
}

cs_table *cs_study_run(const cs_study *st, int threads, cs_error *err)
{
    return curves(st, 0, threads, err);
}

cs_table *cs_study_exact(const cs_study *st, cs_error *err)
{
    return curves(st, 1, 0, err);
}

cs_clock_table *cs_study_clock(const cs_study *st, int threads, cs_error *err)
{
    cs_error_clear(err);
    if (!st)
        return fail(err, CS_ERR_INPUT, "", "no study given");
    const cs_experiment *ex = &st->ex;
    if (!ex->serving.line)
        return fail(err, CS_ERR_INPUT, ex->file, "no [serving] section: the clock needs one");
    cs_clock_result cr = {NULL, 0};
    cs_guard_enter();
    int rc = cs_clock_run(ex, threads, 0, &cr, err);
    cs_guard_leave();
    cs_clock_table *t = NULL;
    if (!rc && !(t = cs_clock_table_new(ex, &cr, &rc)))
        cs_error_set(err, rc, ex->file, 0, "out of memory");
    cs_clock_result_free(&cr);
    ensure_message(err, rc, ex->file);
    return t;
}

/* "NAME" or "NAME:SETTING" among the experiment's strategy settings, or -1. */
static long find_setting(const cs_experiment *ex, const char *spec)
{
    const char *colon = strchr(spec, ':');
    size_t len = colon ? (size_t)(colon - spec) : strlen(spec);
    for (size_t s = 0; s < ex->nstrat; s++)
        if (strlen(ex->strat[s].type->name) == len &&
            strncmp(ex->strat[s].type->name, spec, len) == 0 &&
            (!colon || strcmp(ex->strat[s].label, colon + 1) == 0))
            return (long)s;
    return -1;
}

cs_frontier *cs_study_optimize(const cs_study *st, int threads, size_t predictor,
                               const char *baseline, cs_error *err)
{
    cs_error_clear(err);
    if (!st)
        return fail(err, CS_ERR_INPUT, "", "no study given");
    const cs_experiment *ex = &st->ex;
    cs_optimize_options opt = {threads, predictor ? predictor : CS_OPTIMIZE_PREDICTOR, -1};
    if (baseline && (opt.baseline = find_setting(ex, baseline)) < 0) {
        cs_error_set(err, CS_ERR_INPUT, ex->file, 0,
                     "baseline %s: no such strategy setting in the file", baseline);
        return NULL;
    }
    cs_optimize o;
    cs_guard_enter();
    int rc = cs_optimize_run(ex, &opt, &o, err);
    cs_guard_leave();
    cs_frontier *f = NULL;
    if (!rc) {
        if (!(f = cs_frontier_new(ex, &o)))
            rc = cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
        cs_optimize_free(&o);
    }
    ensure_message(err, rc, ex->file);
    return f;
}
