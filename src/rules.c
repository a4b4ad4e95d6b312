/*
** Population rules as descriptors (p: fixed, beta, a log; wrong answers: uniform, dirichlet,
** zipf): a new rule is one row and its functions, read by the parser, config.ini, the sampler,
** the figures' titles, explain and exact mode.
*/
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_zeta.h>
#include "callscale/logpop.h"
#include "callscale/rules.h"
#include "exact.h"
#include "number.h"

/* ---- p ------------------------------------------------------------------------------------ */

static int fixed_parse(const cs_experiment *ex, const char *file, int line, const char *v,
                       cs_component *c, char *why, size_t n)
{
    (void)ex, (void)file, (void)line;
    double x;
    if (cs_number_real(v, &x) != 0)
        return 0;
    if (!(x >= 0 && x <= 1)) {
        snprintf(why, n, "p = %s is outside [0, 1]", v);
        return -1;
    }
    c->p_kind = CS_P_FIXED;
    c->p = x;
    return 1;
}

static void fixed_write(const cs_component *c, FILE *f)
{
    fprintf(f, "p_correct = %.15g\n", c->p);
}

static void fixed_describe(const cs_component *c, char *buf, size_t n)
{
    snprintf(buf, n, "p = %g", c->p);
}

static double fixed_draw(const cs_component *c, gsl_rng *r)
{
    (void)r;
    return c->p;
}

static void fixed_cdf(const cs_component *c, double x, double *lo, double *hi)
{
    *lo = c->p < x ? 1 : 0;
    *hi = c->p <= x ? 1 : 0;
}

static double fixed_above(const cs_component *c, double x)
{
    return c->p > x ? 1 : 0;
}

static int beta_parse(const cs_experiment *ex, const char *file, int line, const char *v,
                      cs_component *c, char *why, size_t n)
{
    (void)ex, (void)file, (void)line;
    double x, y;
    if (cs_number_call(v, "beta", &x, &y) != 2)
        return 0;
    if (!(x > 0 && y > 0 && isfinite(x) && isfinite(y))) {
        snprintf(why, n, "%s: beta(a,b) needs a > 0 and b > 0", v);
        return -1;
    }
    c->p_kind = CS_P_BETA;
    c->a = x;
    c->b = y;
    return 1;
}

static void beta_write(const cs_component *c, FILE *f)
{
    fprintf(f, "p_correct = beta(%.15g,%.15g)\n", c->a, c->b);
}

static void beta_describe(const cs_component *c, char *buf, size_t n)
{
    snprintf(buf, n, "p ~ Beta(%g,%g)", c->a, c->b);
}

static double beta_draw(const cs_component *c, gsl_rng *r)
{
    return gsl_ran_beta(r, c->a, c->b);
}

static void beta_cdf(const cs_component *c, double x, double *lo, double *hi)
{
    double F = x <= 0 ? 0 : x >= 1 ? 1 : gsl_cdf_beta_P(x, c->a, c->b);
    *lo = *hi = F;
}

/* GSL's upper tail, not 1 - P: exact where the mass above x is small */
static double beta_above(const cs_component *c, double x)
{
    return x <= 0 ? 1 : gsl_cdf_beta_Q(x, c->a, c->b);
}

/* data = FILE: read once the experiment is checked (logpop.c). An experiment given as text (the
** library's strings, the teaching page) names no files. */
static int log_parse(const cs_experiment *ex, const char *file, int line, const char *v,
                     cs_component *c, char *why, size_t n)
{
    if (ex->from_text) {
        snprintf(why, n, "'%s': an experiment given as text cannot read a log (data = FILE "
                 "needs an experiment file)", v);
        return -1;
    }
    const char *slash = strrchr(file, '/');
    if (v[0] == '/' || !slash || strcmp(file, "--set") == 0)
        snprintf(c->data, sizeof c->data, "%s", v);
    else
        snprintf(c->data, sizeof c->data, "%.*s/%s", (int)(slash - file), file, v);
    c->data_line = line;
    c->p_kind = CS_P_LOG;
    return 1;
}

static void log_write(const cs_component *c, FILE *f)
{
    fprintf(f, "data = %s\ndraw = %s\n", c->data,
            c->draw == CS_DRAW_SUBSAMPLE ? "subsample" : "replace");
}

static void log_describe(const cs_component *c, char *buf, size_t n)
{
    snprintf(buf, n, "p from a log of %zu queries", c->logpop->log.nq);
}

/* a logged query's p is its share of right samples: the sampler reads the log (population.c) */
static double log_draw(const cs_component *c, gsl_rng *r)
{
    (void)r;
    return c->p;
}

static void log_cdf(const cs_component *c, double x, double *lo, double *hi)
{
    cs_logpop_cdf(c->logpop, x, lo, hi);
}

static double log_above(const cs_component *c, double x)
{
    double lo, hi;
    cs_logpop_cdf(c->logpop, x, &lo, &hi);
    return 1 - hi;
}

static int log_no_exact(const cs_component *c, char *why, size_t n)
{
    snprintf(why, n, "data: a log component has no exact form here (its own unbiased curves are "
             "written by run)");
    return c->data_line;
}

const cs_p_rule cs_rules_p[] = {
    [CS_P_FIXED] = {"fixed", "p_correct", "a probability in [0, 1]", fixed_parse, fixed_write,
                    fixed_describe, fixed_draw, fixed_cdf, fixed_above, cs_exact_part_fixed, NULL},
    [CS_P_BETA] = {"beta", "p_correct", "beta(a,b)", beta_parse, beta_write, beta_describe,
                   beta_draw, beta_cdf, beta_above, cs_exact_part_beta, NULL},
    [CS_P_LOG] = {"log", "data", "FILE", log_parse, log_write, log_describe, log_draw, log_cdf,
                  log_above, NULL, log_no_exact},
};
const size_t cs_rules_np = sizeof cs_rules_p / sizeof cs_rules_p[0];

int cs_rules_parse_p(const cs_experiment *ex, const char *file, int line, const char *key,
                     const char *text, cs_component *c, char *why, size_t n)
{
    int any = 0;
    for (size_t i = 0; i < cs_rules_np; i++) {
        if (strcmp(cs_rules_p[i].key, key) != 0)
            continue;
        any++;
        int rc = cs_rules_p[i].parse(ex, file, line, text, c, why, n);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            /* a log stands in for p whatever else its section says */
            if (c->data[0])
                c->p_kind = CS_P_LOG;
            return 1;
        }
    }
    if (!any)
        return 0;
    /* none took it: "'TEXT' is neither A nor B", naming every form of key */
    size_t at = (size_t)snprintf(why, n, "'%s' is neither ", text);
    for (size_t i = 0, k = 0; i < cs_rules_np && at < n; i++)
        if (strcmp(cs_rules_p[i].key, key) == 0) {
            k++;
            at += (size_t)snprintf(why + at, n - at, "%s%s",
                                   k == 1 ? "" : k == (size_t)any ? " nor " : ", ",
                                   cs_rules_p[i].syntax);
        }
    return -1;
}

void cs_rules_describe_p(const cs_component *c, char *buf, size_t n)
{
    cs_rules_p_of(c)->describe(c, buf, n);
}

/* ---- wrong answers ---------------------------------------------------------------------------- */

static int uniform_parse(const char *v, double *param, char *why, size_t n)
{
    (void)param, (void)why, (void)n;
    return strcmp(v, "uniform") == 0;
}

static void uniform_format(double param, char *buf, size_t n)
{
    (void)param;
    snprintf(buf, n, "uniform");
}

static void uniform_shares(const cs_component *c, double *s, size_t r)
{
    (void)c;
    for (size_t j = 0; j < r; j++)
        s[j] = 1.0;
}

static int dirichlet_parse(const char *v, double *param, char *why, size_t n)
{
    double x;
    if (cs_number_call(v, "dirichlet", &x, NULL) != 1)
        return 0;
    if (!(x > 0 && isfinite(x))) {
        snprintf(why, n, "%s: dirichlet(c) needs c > 0", v);
        return -1;
    }
    *param = x;
    return 1;
}

static void dirichlet_format(double param, char *buf, size_t n)
{
    snprintf(buf, n, "dirichlet(%.15g)", param);
}

/* Dirichlet(c, ..., c) shares, drawn per query as independent gammas normalised. */
static void dirichlet_draw(const cs_component *c, double w, double *pi, size_t r, gsl_rng *rng)
{
    double sum = 0;
    for (size_t j = 0; j < r; j++) {
        pi[j] = gsl_ran_gamma(rng, c->wrong_param, 1.0);
        sum += pi[j];
    }
    for (size_t j = 0; j < r; j++)
        pi[j] = sum > 0 ? w * pi[j] / sum : w / (double)r;
}

/* stick-breaking: the Dirichlet process with concentration c */
static double dirichlet_open_draw(const cs_component *c, double left, gsl_rng *rng)
{
    return left * gsl_ran_beta(rng, 1.0, c->wrong_param);
}

static int dirichlet_no_exact(const cs_experiment *ex, const cs_component *c, char *why, size_t n)
{
    (void)ex;
    snprintf(why, n, "[population.%s] wrong = dirichlet(%g) draws the wrong-answer shares per "
             "query, and exact sums need fixed shares (uniform or zipf)", c->name, c->wrong_param);
    return 1;
}

static int zipf_parse(const char *v, double *param, char *why, size_t n)
{
    double x;
    if (cs_number_call(v, "zipf", &x, NULL) != 1)
        return 0;
    if (!(x >= 0 && isfinite(x))) {
        snprintf(why, n, "%s: zipf(s) needs s >= 0", v);
        return -1;
    }
    *param = x;
    return 1;
}

static void zipf_format(double param, char *buf, size_t n)
{
    snprintf(buf, n, "zipf(%.15g)", param);
}

static void zipf_shares(const cs_component *c, double *s, size_t r)
{
    for (size_t j = 0; j < r; j++)
        s[j] = pow((double)(j + 1), -c->wrong_param);
}

/* Zipf over infinitely many wrong answers: the first n explicitly, the tail (each of whose
** answers is rare) as novel answers. */
static void zipf_open_atoms(const cs_component *c, double *atom, size_t n)
{
    double z = gsl_sf_zeta(c->wrong_param);
    for (size_t j = 0; j < n; j++)
        atom[j] = pow((double)(j + 1), -c->wrong_param) / z;
}

static int zipf_check(const cs_experiment *ex, const cs_component *c, char *why, size_t n)
{
    if (ex->answers != 0 || c->wrong_param > 1)
        return 0;
    snprintf(why, n, "[population.%s] wrong: zipf(%g) over an open answer space needs s > 1 "
             "(otherwise the shares do not sum)", c->name, c->wrong_param);
    return 1;
}

static int zipf_no_exact(const cs_experiment *ex, const cs_component *c, char *why, size_t n)
{
    if (ex->answers)
        return 0;
    snprintf(why, n, "[population.%s] an open answer space with zipf shares mixes repeated and "
             "novel wrong answers, which has no exact sum here; use answers = M or wrong = "
             "uniform", c->name);
    return 1;
}

const cs_wrong_rule cs_rules_wrong[] = {
    [CS_WRONG_UNIFORM] = {"uniform", "uniform", uniform_parse, uniform_format, uniform_shares,
                          NULL, NULL, NULL, NULL, NULL},
    [CS_WRONG_DIRICHLET] = {"dirichlet", "dirichlet(c)", dirichlet_parse, dirichlet_format, NULL,
                            dirichlet_draw, NULL, dirichlet_open_draw, NULL, dirichlet_no_exact},
    [CS_WRONG_ZIPF] = {"zipf", "zipf(s)", zipf_parse, zipf_format, zipf_shares, NULL,
                       zipf_open_atoms, NULL, zipf_check, zipf_no_exact},
};
const size_t cs_rules_nwrong = sizeof cs_rules_wrong / sizeof cs_rules_wrong[0];

int cs_rules_parse_wrong(const char *text, cs_component *c, char *why, size_t n)
{
    for (size_t i = 0; i < cs_rules_nwrong; i++) {
        double param = 0;
        int rc = cs_rules_wrong[i].parse(text, &param, why, n);
        if (rc < 0)
            return -1;
        if (rc > 0) {
            c->wrong_kind = (int)i;
            c->wrong_param = param;
            return 0;
        }
    }
    /* "'TEXT' is not A, B or C" */
    size_t at = (size_t)snprintf(why, n, "'%s' is not ", text);
    for (size_t i = 0; i < cs_rules_nwrong && at < n; i++)
        at += (size_t)snprintf(why + at, n - at, "%s%s",
                               i == 0 ? "" : i + 1 == cs_rules_nwrong ? " or " : ", ",
                               cs_rules_wrong[i].syntax);
    return -1;
}
