/*
** Calibration: free parameters (bounded, from [calibrate]) fitted to target points by Nelder-Mead
** on a logistic map of their bounds, the experiment re-run at each point with its fixed seed
** (common random numbers), then profile intervals by bisection on the profiled objective.
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_multimin.h>
#include "callscale/calibrate.h"
#include "callscale/csvline.h"
#include "callscale/exact.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"

#define MAX_FIELDS 32
#define LINE_MAX_LEN 4096
/* Nelder-Mead on theta, x = lo + (hi - lo) / (1 + e^-theta): a start within 4 of 0 (x inside the
** central 96% of its range), a first step of 1, stop when the simplex is below SIZE_TOL. */
#define THETA_START_MAX 4.0
#define NM_STEP 1.0
#define NM_SIZE_TOL 1e-3
#define NM_MAX_EVALS 400
#define PROFILE_MAX_EVALS 40
/* Profile ends: steps from the optimum start at PROFILE_FIRST of the way to the bound and
** double; then BISECT halvings of the last step; the other parameters re-fitted from where they
** were with a first step of PROFILE_STEP in theta. */
#define PROFILE_FIRST (1.0 / 512)
#define BISECT 6
#define PROFILE_STEP 0.1
#define CI_LEVEL 0.95

static int is_blank(const char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    return !*s;
}

static char *trim(char *s)
{
    while (isspace((unsigned char)*s))
        s++;
    size_t n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
    return s;
}

static int parse_double(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || errno || !isfinite(v) || !is_blank(end))
        return -1;
    *out = v;
    return 0;
}

/* ---- the experiment at a point ------------------------------------------------------------ */

typedef struct point {
    char text[CS_CALIB_MAX_FREE + 1][CS_CALIB_KEY + 80];
    const char *ov[CS_CALIB_MAX_FREE + 1];
    size_t n;
} point;

/* --set overrides for values x of the free parameters; a Beta's a and b go in one override per
** component, the part not free taken from base. */
static void overrides(const cs_calibration *c, const cs_experiment *base, const double *x, point *pt)
{
    pt->n = 0;
    for (size_t i = 0; i < c->nfree; i++) {
        const cs_calib_free *f = &c->fr[i];
        if (!f->part) {
            snprintf(pt->text[pt->n], sizeof pt->text[0], "%s=%.17g", f->key, x[i]);
            pt->ov[pt->n] = pt->text[pt->n];
            pt->n++;
            continue;
        }
        int seen = 0;
        for (size_t j = 0; j < i; j++)
            seen |= c->fr[j].part && strcmp(c->fr[j].comp, f->comp) == 0;
        if (seen)
            continue;
        double a = NAN, b = NAN;
        for (size_t k = 0; k < base->ncomp; k++)
            if (strcmp(base->comp[k].name, f->comp) == 0)
                a = base->comp[k].a, b = base->comp[k].b;
        for (size_t j = i; j < c->nfree; j++)
            if (c->fr[j].part && strcmp(c->fr[j].comp, f->comp) == 0) {
                if (c->fr[j].part == 'a')
                    a = x[j];
                else
                    b = x[j];
            }
        snprintf(pt->text[pt->n], sizeof pt->text[0], "population.%s.p_correct=beta(%.17g,%.17g)",
                 f->comp, a, b);
        pt->ov[pt->n] = pt->text[pt->n];
        pt->n++;
    }
}

/* The experiment and its results at x (exact mode or a sweep, as c says). */
static int evaluate_at(const cs_calibration *c, const cs_experiment *base, const double *x,
                       cs_experiment *ex, cs_results *res, cs_error *err)
{
    point pt;
    overrides(c, base, x, &pt);
    if (cs_experiment_load(ex, c->experiment, pt.ov, pt.n, err))
        return -1;
    int rc = cs_results_init(res, ex);
    if (!rc)
        rc = c->exact ? cs_exact_run(ex, res, err) : cs_sweep_run(ex, c->threads, NULL, NULL, res, err);
    if (rc) {
        cs_results_free(res);
        cs_experiment_free(ex);
    }
    return rc;
}

static double cell_mean(const cs_results *res, const cs_calib_target *t)
{
    double m, lo, hi;
    cs_cell_summary(cs_results_cell(res, t->strat, t->budget, t->bin), res->exact, &m, &lo, &hi);
    return m;
}

/* ---- the objective -------------------------------------------------------------------------- */

typedef struct objective {
    cs_calibration *c;
    const cs_experiment *base;
    cs_error *err;
    int failed;
    cs_calib_progress_fn progress;
    void *pdata;
    const char *phase;
    /* the profile: parameter `fixed` held at `fixed_value`, the others free (theta indices) */
    long fixed;
    double fixed_value;
    double *fitted; /* per target, at the last evaluation */
} objective;

static double to_x(const cs_calib_free *f, double theta)
{
    return f->lo + (f->hi - f->lo) / (1 + exp(-theta));
}

static double to_theta(const cs_calib_free *f, double x)
{
    double u = (x - f->lo) / (f->hi - f->lo);
    double t = log(u / (1 - u));
    return t > THETA_START_MAX ? THETA_START_MAX : t < -THETA_START_MAX ? -THETA_START_MAX : t;
}

/* The objective at x: sum of squared residuals (over precision when weighted). */
static double sse_at(objective *o, const double *x)
{
    cs_calibration *c = o->c;
    if (o->failed)
        return GSL_POSINF;
    cs_experiment ex;
    cs_results res;
    if (evaluate_at(c, o->base, x, &ex, &res, o->err)) {
        o->failed = 1;
        return GSL_POSINF;
    }
    double sse = 0;
    for (size_t i = 0; i < c->nt; i++) {
        cs_calib_target *t = &c->t[i];
        double m = cell_mean(&res, t);
        if (o->fitted)
            o->fitted[i] = m;
        if (!t->has_target)
            continue;
        double r = m - t->target;
        if (c->weighted) {
            /* the residual holds the target's error and, in run mode, the simulation's own:
            ** their variances add (the experiment's seed is not the targets') */
            double var = t->precision * t->precision;
            if (!c->exact) {
                const cs_cell *cell = cs_results_cell(&res, t->strat, t->budget, t->bin);
                if (cell->n > 1)
                    var += (cell->sumsq - cell->sum * m) / (cell->n - 1) / cell->n;
            }
            r /= sqrt(var);
        }
        sse += r * r;
    }
    cs_results_free(&res);
    cs_experiment_free(&ex);
    c->evals++;
    if (o->progress)
        o->progress(o->pdata, o->phase, c->evals, sse);
    return sse;
}

static double nm_f(const gsl_vector *v, void *data)
{
    objective *o = data;
    double x[CS_CALIB_MAX_FREE];
    size_t k = 0;
    for (size_t i = 0; i < o->c->nfree; i++)
        x[i] = (long)i == o->fixed ? o->fixed_value : to_x(&o->c->fr[i], gsl_vector_get(v, k++));
    return sse_at(o, x);
}

/* Minimise over the free parameters other than o->fixed, from x (replaced by the minimum). */
static double minimise(objective *o, double *x, size_t max_evals, double first_step)
{
    size_t d = 0;
    for (size_t i = 0; i < o->c->nfree; i++)
        d += (long)i != o->fixed;
    if (d == 0)
        return sse_at(o, x);
    gsl_multimin_function F = {.f = nm_f, .n = d, .params = o};
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, d);
    gsl_vector *v = gsl_vector_alloc(d), *step = gsl_vector_alloc(d);
    double best = GSL_POSINF;
    if (!m || !v || !step)
        goto out;
    size_t k = 0;
    for (size_t i = 0; i < o->c->nfree; i++)
        if ((long)i != o->fixed)
            gsl_vector_set(v, k++, to_theta(&o->c->fr[i], x[i]));
    gsl_vector_set_all(step, first_step);
    size_t start = o->c->evals;
    if (gsl_multimin_fminimizer_set(m, &F, v, step) == GSL_SUCCESS)
        while (!o->failed && o->c->evals - start < max_evals) {
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), NM_SIZE_TOL) == GSL_SUCCESS)
                break;
        }
    best = gsl_multimin_fminimizer_minimum(m);
    k = 0;
    for (size_t i = 0; i < o->c->nfree; i++)
        if ((long)i != o->fixed)
            x[i] = to_x(&o->c->fr[i], gsl_vector_get(m->x, k++));
out:
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(v);
    gsl_vector_free(step);
    return best;
}

/* ---- reading -------------------------------------------------------------------------------- */

static int bad_free(cs_calibration *c, int line, cs_error *err, const char *item, const char *why)
{
    return cs_error_set(err, CS_ERR_INPUT, c->experiment, line, "[calibrate] free: '%s': %s", item,
                        why);
}

/* One "KEY:LO..HI" item of a free list. */
static int parse_free_item(cs_calibration *c, const cs_experiment *base, char *item, int line,
                           cs_error *err)
{
    item = trim(item);
    if (!*item)
        return 0;
    if (c->nfree == CS_CALIB_MAX_FREE)
        return bad_free(c, line, err, item, "too many free parameters (at most 8)");
    char *colon = strrchr(item, ':');
    char *dots = colon ? strstr(colon, "..") : NULL;
    if (!colon || !dots)
        return bad_free(c, line, err, item, "needs bounds, as KEY:LO..HI (e.g. prm.noise:0..3)");
    cs_calib_free *f = &c->fr[c->nfree];
    memset(f, 0, sizeof *f);
    *colon = '\0';
    *dots = '\0';
    char *key = trim(item);
    if (strlen(key) >= sizeof f->key)
        return bad_free(c, line, err, key, "key too long");
    snprintf(f->key, sizeof f->key, "%s", key);
    f->line = line;
    if (parse_double(colon + 1, &f->lo) || parse_double(dots + 2, &f->hi) || !(f->lo < f->hi))
        return bad_free(c, line, err, f->key, "bounds LO..HI need two numbers with LO < HI");
    size_t n = strlen(key);
    const char *suffix = ".p_correct.a";
    size_t ns = strlen(suffix), np = strlen(CS_SECTION_POPULATION);
    if (n >= ns + np && strncmp(key, CS_SECTION_POPULATION, np) == 0 &&
        (strcmp(key + n - ns, ".p_correct.a") == 0 || strcmp(key + n - ns, ".p_correct.b") == 0)) {
        f->part = key[n - 1];
        size_t cl = n - ns - np;
        if (cl >= sizeof f->comp)
            return bad_free(c, line, err, f->key, "component name too long");
        memcpy(f->comp, key + np, cl);
        f->comp[cl] = '\0';
        const cs_component *k = NULL;
        for (size_t j = 0; j < base->ncomp; j++)
            if (strcmp(base->comp[j].name, f->comp) == 0)
                k = &base->comp[j];
        if (!k)
            return bad_free(c, line, err, f->key, "no such population component");
        if (k->p_kind != CS_P_BETA)
            return bad_free(c, line, err, f->key,
                            "its p_correct is not beta(a,b) (.a and .b name a Beta's parameters)");
        if (f->lo <= 0)
            return bad_free(c, line, err, f->key, "a Beta's parameters need LO > 0");
        f->start = f->part == 'a' ? k->a : k->b;
    } else {
        /* a plain key: the experiment must take it (tried at the middle of its bounds) */
        char text[CS_CALIB_KEY + 40];
        snprintf(text, sizeof text, "%s=%.17g", f->key, 0.5 * (f->lo + f->hi));
        const char *ov[1] = {text};
        if (!strchr(f->key, '.'))
            return bad_free(c, line, err, f->key, "not section.key (e.g. prm.noise)");
        cs_experiment ex;
        cs_error e2;
        if (cs_experiment_load(&ex, c->experiment, ov, 1, &e2))
            return bad_free(c, line, err, f->key, e2.msg);
        cs_experiment_free(&ex);
        f->start = 0.5 * (f->lo + f->hi);
    }
    if (!(f->start > f->lo && f->start < f->hi))
        f->start = 0.5 * (f->lo + f->hi);
    for (size_t j = 0; j < c->nfree; j++)
        if (strcmp(c->fr[j].key, f->key) == 0)
            return bad_free(c, line, err, f->key, "named twice");
    c->nfree++;
    return 0;
}

/* The [calibrate] section of the experiment file: free = ..., mode = auto | run | exact. */
static int read_section(cs_calibration *c, const cs_experiment *base, cs_error *err)
{
    FILE *f = fopen(c->experiment, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, c->experiment, 0, "cannot open: %s", strerror(errno));
    char buf[LINE_MAX_LEN];
    int line = 0, in = 0, seen = 0, rc = 0;
    while (!rc && fgets(buf, sizeof buf, f)) {
        line++;
        char *s = trim(buf);
        if (*s == ';' || *s == '#' || !*s)
            continue;
        if (*s == '[') {
            char *end = strchr(s, ']');
            if (end)
                *end = '\0';
            in = strcmp(trim(s + 1), "calibrate") == 0;
            seen |= in;
            if (in)
                seen = line;
            continue;
        }
        if (!in)
            continue;
        char *semi = strstr(s, " ;");
        if (semi)
            *semi = '\0';
        char *eq = strchr(s, '=');
        if (!eq) {
            rc = cs_error_set(err, CS_ERR_INPUT, c->experiment, line, "[calibrate]: '%s' is not key = value", s);
            break;
        }
        *eq = '\0';
        char *key = trim(s), *val = trim(eq + 1);
        if (strcmp(key, "free") == 0) {
            char *save = NULL;
            for (char *item = strtok_r(val, ",", &save); !rc && item; item = strtok_r(NULL, ",", &save))
                rc = parse_free_item(c, base, item, line, err);
        } else if (strcmp(key, "mode") == 0) {
            if (strcmp(val, "auto") == 0)
                c->mode = CS_CALIB_AUTO;
            else if (strcmp(val, "run") == 0)
                c->mode = CS_CALIB_RUN;
            else if (strcmp(val, "exact") == 0)
                c->mode = CS_CALIB_EXACT;
            else
                rc = cs_error_set(err, CS_ERR_INPUT, c->experiment, line,
                                  "[calibrate] mode: '%s' is not auto, run or exact", val);
        } else
            rc = cs_error_set(err, CS_ERR_INPUT, c->experiment, line,
                              "[calibrate] %s: unknown key; [calibrate] takes free and mode", key);
    }
    fclose(f);
    if (!rc && !seen)
        rc = cs_error_set(err, CS_ERR_INPUT, c->experiment, 0,
                          "no [calibrate] section (free = KEY:LO..HI, ... names what to fit)");
    if (!rc && !c->nfree)
        rc = cs_error_set(err, CS_ERR_INPUT, c->experiment, seen,
                          "[calibrate]: no free parameters (free = KEY:LO..HI, ...)");
    return rc;
}

enum { T_STRATEGY, T_SETTING, T_BUDGET, T_BIN, T_ACCURACY, T_PRECISION, NTCOLS };
static const char *const tcol[NTCOLS] = {"strategy", "setting", "budget", "bin", "accuracy",
                                         "precision"};

static int read_targets(cs_calibration *c, const cs_experiment *ex, cs_error *err)
{
    FILE *f = fopen(c->targets, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, c->targets, 0, "cannot open: %s", strerror(errno));
    char buf[LINE_MAX_LEN], *fld[MAX_FIELDS];
    int line = 0, col[NTCOLS], rc = 0;
    size_t cap = 0;
    for (int k = 0; k < NTCOLS; k++)
        col[k] = -1;
    while (!rc && fgets(buf, sizeof buf, f)) {
        line++;
        size_t nf = cs_csvline_split(buf, fld, MAX_FIELDS);
        if (nf > MAX_FIELDS)
            nf = MAX_FIELDS;
        if (line == 1) {
            for (size_t j = 0; j < nf; j++)
                for (int k = 0; k < NTCOLS; k++)
                    if (strcmp(trim(fld[j]), tcol[k]) == 0 && col[k] < 0)
                        col[k] = (int)j;
            for (int k = 0; k < T_PRECISION; k++)
                if (col[k] < 0) {
                    rc = cs_error_set(err, CS_ERR_INPUT, c->targets, 1,
                                      "no '%s' column (targets have strategy,setting,budget,bin,"
                                      "accuracy and optionally precision)",
                                      tcol[k]);
                    break;
                }
            continue;
        }
        if (nf == 1 && is_blank(fld[0]))
            continue;
        for (int k = 0; k < NTCOLS; k++)
            if (col[k] >= (int)nf) {
                rc = cs_error_set(err, CS_ERR_INPUT, c->targets, line, "no '%s' field", tcol[k]);
                break;
            }
        if (rc)
            break;
        if (c->nt == cap) {
            cap = cap ? 2 * cap : 16;
            cs_calib_target *t = realloc(c->t, cap * sizeof *t);
            if (!t) {
                rc = cs_error_set(err, CS_ERR_NOMEM, c->targets, line, "out of memory");
                break;
            }
            c->t = t;
        }
        cs_calib_target *t = &c->t[c->nt];
        memset(t, 0, sizeof *t);
        t->line = line;
        const char *sn = trim(fld[col[T_STRATEGY]]), *label = trim(fld[col[T_SETTING]]);
        const char *bt = trim(fld[col[T_BUDGET]]), *bn = trim(fld[col[T_BIN]]);
        const char *acc = trim(fld[col[T_ACCURACY]]);
        t->strat = ex->nstrat;
        for (size_t s = 0; s < ex->nstrat; s++)
            if (strcmp(ex->strat[s].type->name, sn) == 0 && strcmp(ex->strat[s].label, label) == 0)
                t->strat = s;
        if (t->strat == ex->nstrat) {
            rc = cs_error_set(err, CS_ERR_INPUT, c->targets, line,
                              "strategy %s with setting '%s' is not in %s (add [strategy.%s%s%s])",
                              sn, label, c->experiment, sn, strcmp(label, "default") ? ":" : "",
                              strcmp(label, "default") ? label : "");
            break;
        }
        double bv;
        t->budget = ex->nbudgets;
        if (!parse_double(bt, &bv))
            for (size_t b = 0; b < ex->nbudgets; b++)
                if ((double)ex->budgets[b] == bv)
                    t->budget = b;
        if (t->budget == ex->nbudgets) {
            rc = cs_error_set(err, CS_ERR_INPUT, c->targets, line,
                              "budget '%s' is not among the budgets of %s", bt, c->experiment);
            break;
        }
        t->bin = (size_t)-1;
        if (strcmp(bn, "all") == 0)
            t->bin = 0;
        for (size_t k = 0; k < cs_experiment_nbins(ex); k++) {
            char name[CS_NAME_MAX + 8];
            cs_experiment_bin_name(ex, k, name, sizeof name);
            if (strcmp(name, bn) == 0)
                t->bin = k + 1;
        }
        if (t->bin == (size_t)-1) {
            rc = cs_error_set(err, CS_ERR_INPUT, c->targets, line,
                              "bin '%s' is not a bin of %s (all, or a component or q1..qN)", bn,
                              c->experiment);
            break;
        }
        if (*acc) {
            if (parse_double(acc, &t->target) || t->target < 0 || t->target > 1) {
                rc = cs_error_set(err, CS_ERR_INPUT, c->targets, line,
                                  "accuracy: '%s' is not a number in [0, 1]", acc);
                break;
            }
            t->has_target = 1;
            c->nfitted++;
        }
        if (col[T_PRECISION] >= 0 && *trim(fld[col[T_PRECISION]])) {
            const char *pr = trim(fld[col[T_PRECISION]]);
            if (parse_double(pr, &t->precision) || !(t->precision > 0)) {
                rc = cs_error_set(err, CS_ERR_INPUT, c->targets, line,
                                  "precision: '%s' is not a positive number", pr);
                break;
            }
        }
        c->nt++;
    }
    fclose(f);
    if (!rc && line == 0)
        rc = cs_error_set(err, CS_ERR_INPUT, c->targets, 0,
                          "empty (the header is strategy,setting,budget,bin,accuracy)");
    if (!rc && !c->nfitted)
        rc = cs_error_set(err, CS_ERR_INPUT, c->targets, line, "no target has an accuracy to fit");
    return rc;
}

int cs_calibrate_load(cs_calibration *c, const char *experiment, const char *targets, cs_error *err)
{
    memset(c, 0, sizeof *c);
    snprintf(c->experiment, sizeof c->experiment, "%s", experiment);
    snprintf(c->targets, sizeof c->targets, "%s", targets);
    cs_experiment base;
    if (cs_experiment_load(&base, experiment, NULL, 0, err))
        return -1;
    int rc = read_section(c, &base, err);
    if (!rc)
        rc = read_targets(c, &base, err);
    if (!rc) {
        c->weighted = 1;
        for (size_t i = 0; i < c->nt; i++)
            if (c->t[i].has_target && !(c->t[i].precision > 0))
                c->weighted = 0;
        /* exact mode when asked, or by default when the experiment has one */
        if (c->mode != CS_CALIB_RUN) {
            cs_results res;
            cs_error e2;
            int ok = cs_results_init(&res, &base) == 0 && cs_exact_run(&base, &res, &e2) == 0;
            cs_results_free(&res);
            if (ok)
                c->exact = 1;
            else if (c->mode == CS_CALIB_EXACT)
                rc = cs_error_set(err, CS_ERR_INPUT, e2.file, e2.line, "[calibrate] mode = exact: %s",
                                  e2.msg);
        }
    }
    cs_experiment_free(&base);
    if (rc)
        cs_calibrate_free(c);
    return rc;
}

void cs_calibrate_free(cs_calibration *c)
{
    free(c->t);
    c->t = NULL;
    c->nt = 0;
}

/* ---- fitting and intervals ------------------------------------------------------------------ */

/* The profiled objective at x_j = v: the minimum over the other parameters, from x (replaced). */
static double profiled(objective *o, size_t j, double v, double *x)
{
    o->fixed = (long)j;
    o->fixed_value = v;
    x[j] = v;
    double r = minimise(o, x, PROFILE_MAX_EVALS, PROFILE_STEP);
    o->fixed = -1;
    return r;
}

/* The profile's end on one side of parameter j: the farthest value toward `bound` whose profiled
** objective stays within `limit`. Steps from the optimum double (from PROFILE_FIRST of the
** distance to the bound) until one leaves the region, then bisection between the last inside and
** the first outside. xs_end gets the parameters there; x_best is not changed. */
static double profile_end(objective *o, size_t j, const double *x_best, double bound, double limit,
                          double *xs_end)
{
    size_t n = o->c->nfree;
    double x[CS_CALIB_MAX_FREE], inside = x_best[j], outside = NAN;
    double step = (bound - x_best[j]) * PROFILE_FIRST;
    memcpy(xs_end, x_best, n * sizeof *x);
    while (!o->failed) {
        double v = inside + step;
        if ((step > 0 && v >= bound) || (step < 0 && v <= bound))
            v = bound;
        memcpy(x, xs_end, n * sizeof *x);
        if (profiled(o, j, v, x) <= limit) {
            inside = v;
            memcpy(xs_end, x, n * sizeof *x);
            if (v == bound)
                return bound;
            step *= 2;
        } else {
            outside = v;
            break;
        }
    }
    for (int it = 0; it < BISECT && !o->failed && isfinite(outside); it++) {
        double mid = 0.5 * (inside + outside);
        memcpy(x, xs_end, n * sizeof *x);
        if (profiled(o, j, mid, x) <= limit) {
            inside = mid;
            memcpy(xs_end, x, n * sizeof *x);
        } else
            outside = mid;
    }
    return inside;
}

int cs_calibrate_run(cs_calibration *c, cs_calib_progress_fn progress, void *pdata, cs_error *err)
{
    cs_experiment base;
    if (cs_experiment_load(&base, c->experiment, NULL, 0, err))
        return -1;
    double *fitted = malloc((c->nt + 1) * sizeof *fitted);
    objective o = {.c = c, .base = &base, .err = err, .progress = progress, .pdata = pdata,
                   .phase = "fit", .fixed = -1, .fitted = NULL};
    double x[CS_CALIB_MAX_FREE], ends[2 * CS_CALIB_MAX_FREE][CS_CALIB_MAX_FREE];
    size_t nends = 0;
    int rc = 0;
    if (!fitted) {
        rc = cs_error_set(err, CS_ERR_NOMEM, c->experiment, 0, "out of memory");
        goto out;
    }
    for (size_t i = 0; i < c->nfree; i++)
        x[i] = c->fr[i].start;
    c->sse = minimise(&o, x, NM_MAX_EVALS, NM_STEP);
    /* a second start from the first's minimum: Nelder-Mead's simplex can collapse early */
    if (!o.failed)
        c->sse = minimise(&o, x, NM_MAX_EVALS, NM_STEP);
    if (o.failed) {
        rc = -1;
        goto out;
    }
    for (size_t i = 0; i < c->nfree; i++) {
        c->fr[i].value = x[i];
        c->fr[i].ci_lo = c->fr[i].ci_hi = NAN;
    }
    o.fitted = fitted;
    sse_at(&o, x);
    for (size_t i = 0; i < c->nt; i++)
        c->t[i].fitted = c->t[i].ci_lo = c->t[i].ci_hi = fitted[i];
    o.fitted = NULL;

    /* Profile intervals: with precisions, chi-square (the objective may rise by the chi-square
    ** quantile of 1 degree of freedom); without, least squares with the variance estimated from
    ** the residuals (Bates and Watts: SSE within SSE_min (1 + F(1, m - p) / (m - p))). */
    size_t m = c->nfitted, p = c->nfree;
    double limit = NAN;
    if (c->weighted)
        limit = c->sse + gsl_cdf_chisq_Pinv(CI_LEVEL, 1);
    else if (m > p)
        limit = c->sse * (1 + gsl_cdf_fdist_Pinv(CI_LEVEL, 1, (double)(m - p)) / (double)(m - p));
    if (isfinite(limit)) {
        o.phase = "profile";
        for (size_t j = 0; j < p && !o.failed; j++) {
            c->fr[j].ci_lo = profile_end(&o, j, x, c->fr[j].lo, limit, ends[nends++]);
            c->fr[j].ci_hi = profile_end(&o, j, x, c->fr[j].hi, limit, ends[nends++]);
        }
        /* each target's interval: its range over the profiles' ends (the confidence region's
        ** extreme points along each parameter) */
        o.fitted = fitted;
        o.phase = "intervals";
        for (size_t e = 0; e < nends && !o.failed; e++) {
            sse_at(&o, ends[e]);
            for (size_t i = 0; i < c->nt; i++) {
                if (fitted[i] < c->t[i].ci_lo)
                    c->t[i].ci_lo = fitted[i];
                if (fitted[i] > c->t[i].ci_hi)
                    c->t[i].ci_hi = fitted[i];
            }
        }
        o.fitted = NULL;
        if (o.failed)
            rc = -1;
    } else {
        for (size_t i = 0; i < c->nt; i++)
            c->t[i].ci_lo = c->t[i].ci_hi = NAN;
    }
out:
    free(fitted);
    cs_experiment_free(&base);
    return rc;
}

int cs_calibrate_result(const cs_calibration *c, cs_experiment *ex, cs_results *res, cs_error *err)
{
    cs_experiment base;
    if (cs_experiment_load(&base, c->experiment, NULL, 0, err))
        return -1;
    double x[CS_CALIB_MAX_FREE];
    for (size_t i = 0; i < c->nfree; i++)
        x[i] = c->fr[i].value;
    int rc = evaluate_at(c, &base, x, ex, res, err);
    cs_experiment_free(&base);
    return rc;
}
