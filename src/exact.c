/*
** Exact mode: vote win tables by exponential generating functions, and GSL quadrature of a
** strategy's per-query accuracy over each component's p, per difficulty bin.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_gamma.h>
#include "callscale/exact.h"
#include "callscale/population.h"
#include "callscale/rules.h"
#include "callscale/strategy.h"
#include "exact.h"

/* Quadrature targets: far below the 1e-9 agreement the tests ask of exact mode. */
#define QUAD_EPSABS 1e-13
#define QUAD_EPSREL 1e-11
#define QUAD_LIMIT 2000

/* ---- vote win probabilities -------------------------------------------------------------- */

static size_t row_offset(size_t kmax, size_t c)
{
    return c * (kmax + 1) - c * (c - 1) / 2;
}

double cs_exact_vote_win(const cs_exact_ctx *ctx, size_t c, size_t w)
{
    if (c == 0)
        return 0; /* some wrong answer holds a vote, or nobody voted */
    if (ctx->all_novel)
        return c >= 2 ? 1.0 : 1.0 / (double)(1 + w); /* c = 1: a tie with w singletons */
    if (w < c)
        return 1.0;
    if (ctx->r == 1)
        return w == c ? 0.5 : 0.0;
    if (2 * c > ctx->kmax)
        return 1.0; /* unreachable: c + w <= kmax */
    return ctx->win[row_offset(ctx->kmax, c) + w];
}

/* For c votes on the correct answer, the w wrong votes fall multinomially on r answers with
** shares s_j. With y marking a wrong answer tied at c, the exponential generating function is
** prod_j [ sum_{n<c} (s_j x)^n / n! + y (s_j x)^c / c! ], and
** W(c, w) = w! sum_T [x^w y^T] / (1 + T). Long double keeps 1/w! in range up to w = 1500. */
int cs_exact_vote_win_table(cs_exact_ctx *ctx)
{
    ctx->win = NULL;
    if (ctx->all_novel || ctx->r <= 1)
        return 0;
    size_t K = ctx->kmax, r = ctx->r;
    ctx->win = calloc(row_offset(K, K + 1), sizeof *ctx->win);
    long double *P = malloc((r + 1) * (K + 1) * sizeof *P);
    long double *Q = malloc((r + 1) * (K + 1) * sizeof *Q);
    long double *a = malloc((K + 1) * sizeof *a);
    long double *fact = malloc((K + 1) * sizeof *fact);
    if (!ctx->win || !P || !Q || !a || !fact) {
        free(ctx->win);
        ctx->win = NULL;
        free(P);
        free(Q);
        free(a);
        free(fact);
        return CS_ERR_NOMEM;
    }
    fact[0] = 1;
    for (size_t n = 1; n <= K; n++)
        fact[n] = fact[n - 1] * (long double)n;
    for (size_t c = 1; 2 * c <= K; c++) {
        size_t W = K - c, stride = W + 1;
        memset(P, 0, (r + 1) * stride * sizeof *P);
        P[0] = 1;
        for (size_t j = 0; j < r; j++) {
            long double s = ctx->shares[j];
            a[0] = 1;
            for (size_t k = 1; k <= c; k++)
                a[k] = a[k - 1] * s / (long double)k;
            memset(Q, 0, (r + 1) * stride * sizeof *Q);
            for (size_t T = 0; T <= j + 1; T++) {
                long double *q = Q + T * stride;
                const long double *p = P + T * stride, *pm = T ? P + (T - 1) * stride : NULL;
                for (size_t n = 0; n <= W; n++) {
                    long double acc = 0;
                    size_t kend = n < c - 1 ? n : c - 1;
                    if (T <= j)
                        for (size_t k = 0; k <= kend; k++)
                            acc += p[n - k] * a[k];
                    if (pm && n >= c)
                        acc += pm[n - c] * a[c];
                    q[n] = acc;
                }
            }
            long double *t = P;
            P = Q;
            Q = t;
        }
        double *row = ctx->win + row_offset(K, c);
        for (size_t w = 0; w <= W; w++) {
            if (w < c) {
                row[w] = 1.0;
                continue;
            }
            long double acc = 0;
            for (size_t T = 0; T <= r; T++)
                acc += P[T * stride + w] / (long double)(T + 1);
            row[w] = (double)(acc * fact[w]);
        }
    }
    free(P);
    free(Q);
    free(a);
    free(fact);
    return 0;
}

double cs_exact_binom(const cs_exact_ctx *ctx, size_t n, size_t k, double x)
{
    if (k > n)
        return 0;
    if (x <= 0)
        return k == 0 ? 1 : 0;
    if (x >= 1)
        return k == n ? 1 : 0;
    return exp(ctx->lfact[n] - ctx->lfact[k] - ctx->lfact[n - k] + (double)k * log(x) +
               (double)(n - k) * log1p(-x));
}

/* ---- quadrature over p ------------------------------------------------------------------- */

/* What a quadrature integrates: the accuracy, or one field of the expected call record. */
enum { Q_ACCURACY, Q_CALLS, Q_TOKENS, Q_FLOPS, Q_N };

static double value_at(const cs_exact_ctx *ctx, double p, size_t K, int what)
{
    if (what == Q_ACCURACY)
        return ctx->strategy->type->exact(ctx, p, K);
    cs_record r = {0, 0, 0, 0, NULL};
    const cs_settings *set = &ctx->comp->set;
    if (ctx->strategy->type->record) /* exact mode has no steps: the reward model scores */
        ctx->strategy->type->record(ctx->strategy, set, set->gen_tokens, set->verifier_params, K, &r);
    else
        ctx->strategy->type->cost(ctx, p, K, &r);
    return what == Q_CALLS ? r.calls : what == Q_TOKENS ? r.tokens : r.flops;
}

typedef struct integrand {
    const cs_exact_ctx *ctx;
    size_t K;
    int what;
    double a, b, lnB;
    int w0, w1; /* the qaws weight carries p^(a-1) (w0) and (1-p)^(b-1) (w1) */
} integrand;

static double f_beta(double p, void *v)
{
    const integrand *in = v;
    double F = value_at(in->ctx, p, in->K, in->what);
    double lw = -in->lnB;
    if (!in->w0)
        lw += (in->a - 1) * log(p);
    if (!in->w1)
        lw += (in->b - 1) * log1p(-p);
    return F * exp(lw);
}

/* Where a concentrated Beta's mass is: its mean plus and minus these many standard deviations
** split the interval, so the quadrature sees the peak of Beta(400, 400) (s.d. 0.018) as well as
** the spread of Beta(0.5, 2); the tails past the last ones hold no mass a double can tell. */
static const double mass_sds[] = {-32, -16, -8, -4, -2, -1, 0, 1, 2, 4, 8, 16, 32};
#define NMASS (sizeof mass_sds / sizeof mass_sds[0])

/* Integral of F(K; p) times the Beta(a,b) density over [lo, hi], split at the given points and
** around the Beta's mass; *abserr adds up the quadrature's error estimates. A piece that touches
** 0 (1) goes to QAWS, whose weight takes the density's singularity there, when a < 1 (b < 1). */
static int integrate_beta(const cs_exact_ctx *ctx, size_t K, int what, double a, double b,
                          double lo, double hi, const double *breaks, size_t nbreaks, double *out,
                          double *abserr_sum, gsl_integration_workspace *ws)
{
    double pts[NMASS + 16];
    size_t n = 0;
    pts[n++] = lo;
    for (size_t i = 0; i < nbreaks && i < 6; i++)
        if (breaks[i] > lo && breaks[i] < hi)
            pts[n++] = breaks[i];
    double mean = a / (a + b), sd = sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    for (size_t i = 0; i < NMASS; i++) {
        double x = mean + mass_sds[i] * sd;
        if (x > lo && x < hi)
            pts[n++] = x;
    }
    pts[n++] = hi;
    /* sort the few points */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && pts[j] < pts[j - 1]; j--) {
            double t = pts[j];
            pts[j] = pts[j - 1];
            pts[j - 1] = t;
        }
    integrand in = {ctx, K, what, a, b, gsl_sf_lnbeta(a, b), 0, 0};
    gsl_function f = {f_beta, &in};
    double total = 0;
    for (size_t i = 0; i + 1 < n; i++) {
        double u = pts[i], v = pts[i + 1], res, abserr;
        if (!(v > u))
            continue;
        in.w0 = (u == 0.0) && a < 1;
        in.w1 = (v == 1.0) && b < 1;
        int rc;
        if (in.w0 || in.w1) {
            gsl_integration_qaws_table *t =
                gsl_integration_qaws_table_alloc(in.w0 ? a - 1 : 0, in.w1 ? b - 1 : 0, 0, 0);
            if (!t)
                return CS_ERR_NOMEM;
            rc = gsl_integration_qaws(&f, u, v, t, QUAD_EPSABS, QUAD_EPSREL, QUAD_LIMIT, ws, &res,
                                      &abserr);
            gsl_integration_qaws_table_free(t);
        } else {
            rc = gsl_integration_qag(&f, u, v, QUAD_EPSABS, QUAD_EPSREL, QUAD_LIMIT,
                                     GSL_INTEG_GAUSS61, ws, &res, &abserr);
        }
        /* A roundoff report at these tolerances still leaves an error far below 1e-9. */
        if ((rc && rc != GSL_EROUND && !(abserr < 1e-10)) || !isfinite(res))
            return CS_ERR_UNSUPPORTED;
        total += res;
        *abserr_sum += abserr;
    }
    *out = total;
    return 0;
}

/* Where a component's curves change fastest: the p at which the correct answer stops being the
** mode of the kept answers (vote), of the judged-correct ones, or of the rejected ones. */
static size_t breakpoints(const cs_exact_ctx *ctx, double *out)
{
    size_t n = 0;
    if (ctx->all_novel)
        return 0;
    double smax = 0;
    for (size_t j = 0; j < ctx->r; j++)
        smax = ctx->shares[j] > smax ? ctx->shares[j] : smax;
    double t = ctx->comp->set.tpr, f = ctx->comp->set.fpr;
    out[n++] = smax / (1 + smax);
    if (t + f * smax > 0)
        out[n++] = f * smax / (t + f * smax);
    if ((1 - t) + (1 - f) * smax > 0)
        out[n++] = (1 - f) * smax / ((1 - t) + (1 - f) * smax);
    return n;
}

/* Exact parts by p's rule (cs_rules_exact_part): a point mass at p, and a Beta law. */
int cs_exact_part_fixed(const cs_experiment *ex, const cs_exact_ctx *ctx, size_t K, double ulo,
                        double uhi, int whole, double *out, double *mass, double *abserr, void *ws)
{
    (void)abserr, (void)ws;
    const cs_component *c = ctx->comp;
    double frac = 1;
    if (!whole) {
        double lo, hi;
        cs_population_cdf(ex, c->p, &lo, &hi);
        double a = lo > ulo ? lo : ulo, b = hi < uhi ? hi : uhi;
        frac = b > a ? (b - a) / (hi - lo) : 0;
    }
    *mass = c->share * frac;
    for (int w = 0; w < Q_N; w++)
        out[w] = frac > 0 ? *mass * value_at(ctx, c->p, K, w) : 0;
    return 0;
}

int cs_exact_part_beta(const cs_experiment *ex, const cs_exact_ctx *ctx, size_t K, double ulo,
                       double uhi, int whole, double *out, double *mass, double *abserr, void *ws)
{
    const cs_component *c = ctx->comp;
    int fixed_cost = ctx->strategy->type->record != NULL;
    double plo = 0, phi = 1;
    if (!whole) {
        plo = ulo <= 0 ? 0 : cs_population_quantile(ex, ulo);
        phi = uhi >= 1 ? 1 : cs_population_quantile(ex, uhi);
    }
    double br[4];
    size_t nb = breakpoints(ctx, br);
    *mass = phi > plo ? c->share * (gsl_cdf_beta_P(phi, c->a, c->b) - gsl_cdf_beta_P(plo, c->a, c->b))
                      : 0;
    for (int w = 0; w < Q_N; w++) {
        double v = 0;
        if (phi > plo && w != Q_ACCURACY && fixed_cost)
            v = *mass / c->share * value_at(ctx, 0.5, K, w);
        else if (phi > plo && w == Q_ACCURACY && ctx->strategy->type->exact_beta)
            v = ctx->strategy->type->exact_beta(ctx, c->a, c->b, plo, phi, K);
        else if (phi > plo) {
            double e = 0;
            int rc = integrate_beta(ctx, K, w, c->a, c->b, plo, phi, br, nb, &v, &e, ws);
            if (rc)
                return rc;
            if (w == Q_ACCURACY)
                *abserr += c->share * e;
        }
        out[w] = c->share * v;
    }
    return 0;
}

/* Expected score and calls of component k's queries whose randomised-PIT u lies in [ulo, uhi]
** (the whole component when `whole`), weighted by the component's share: out[Q_*] and the mass. */
static int component_part(const cs_experiment *ex, const cs_exact_ctx *ctx, size_t K, double ulo,
                          double uhi, int whole, double out[Q_N], double *mass, double *abserr,
                          gsl_integration_workspace *ws)
{
    return cs_rules_p_of(ctx->comp)->exact(ex, ctx, K, ulo, uhi, whole, out, mass, abserr, ws);
}

/* "strategy.NAME" or "strategy.NAME:LABEL", as the file's section names the setting. */
static const char *setting_name(const cs_strategy *st, char *buf, size_t n)
{
    if (strcmp(st->label, "default") == 0)
        snprintf(buf, n, "strategy.%s", st->type->name);
    else
        snprintf(buf, n, "strategy.%s:%s", st->type->name, st->label);
    return buf;
}

/* Every exact value must be an accuracy: component k's part (acc over mass) in [0, 1] within the
** quadrature's own error estimate e (and rounding); else an error naming where, never a number. */
static int check_part(const cs_experiment *ex, const cs_strategy *st, size_t K, size_t k,
                      double acc, double mass, double e, cs_error *err)
{
    double slack = e + 1e-9 * ex->comp[k].share;
    if (acc >= -slack && acc <= mass + slack)
        return 0;
    char name[2 * CS_NAME_MAX + 16];
    return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->comp[k].line,
                        "exact mode: [%s] at budget %zu on [population.%s]: the quadrature gave "
                        "accuracy %.6g (error estimate %.2g), outside [0, 1]; use callscale run",
                        setting_name(st, name, sizeof name), K, ex->comp[k].name,
                        mass > 0 ? acc / mass : acc, mass > 0 ? e / mass : e);
}

static void add_part(cs_cell *cell, const double part[Q_N], double scale)
{
    cell->sum += scale * part[Q_ACCURACY];
    cell->calls += scale * part[Q_CALLS];
    cell->tokens += scale * part[Q_TOKENS];
    cell->flops += scale * part[Q_FLOPS];
}

static int unsupported(cs_error *err, const cs_experiment *ex, int line, const char *what)
{
    return cs_error_set(err, CS_ERR_UNSUPPORTED, ex->file, line, "exact mode: %s; use callscale run",
                        what);
}

int cs_exact_run(const cs_experiment *ex, cs_results *res, cs_error *err)
{
    char why[400];
    size_t kmax = ex->budgets[ex->nbudgets - 1];
    if (ex->stepped)
        return unsupported(err, ex, ex->steps_line, "[steps]: the step model (traps, PRM-scored "
                           "chains, tree search) has no exact form here");
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_p_rule *rule = cs_rules_p_of(&ex->comp[k]);
        if (!rule->exact) {
            int line = rule->no_exact(&ex->comp[k], why, sizeof why);
            return unsupported(err, ex, line, why);
        }
    }
    for (size_t s = 0; s < ex->nstrat; s++)
        if (!ex->strat[s].type->exact) {
            snprintf(why, sizeof why, "[strategy.%s] has no closed form here", ex->strat[s].type->name);
            return unsupported(err, ex, ex->strat[s].line, why);
        }
    for (size_t s = 0; s < ex->nstrat; s++)
        for (size_t k = 0; k < ex->ncomp; k++) {
            const cs_strategy *st = &ex->strat[s];
            char w2[300];
            if (st->type->exact_check && st->type->exact_check(st, &ex->comp[k], w2, sizeof w2)) {
                snprintf(why, sizeof why, "[strategy.%s] on [population.%s]: %s", st->type->name,
                         ex->comp[k].name, w2);
                return unsupported(err, ex, ex->comp[k].line, why);
            }
        }
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        const cs_wrong_rule *rule = cs_rules_wrong_of(c);
        if (rule->no_exact && rule->no_exact(ex, c, why, sizeof why))
            return unsupported(err, ex, c->line, why);
    }
    int tables = 0; /* vote and filter-vote need the win table W(c, w) */
    for (size_t s = 0; s < ex->nstrat; s++)
        tables |= ex->strat[s].type->exact_tables;
    if (ex->answers > 2 && tables) {
        if (kmax > CS_EXACT_MAX_BUDGET_MULTI) {
            snprintf(why, sizeof why, "budget %zu: with more than two answers the multinomial sums "
                     "are exact up to budget %d (long double range)", kmax, CS_EXACT_MAX_BUDGET_MULTI);
            return unsupported(err, ex, ex->budgets_line ? ex->budgets_line : ex->line, why);
        }
        if (ex->answers - 1 > CS_EXACT_MAX_WRONG) {
            snprintf(why, sizeof why, "answers = %d: the tie-tracking sums handle at most %d wrong "
                     "answers", ex->answers, CS_EXACT_MAX_WRONG);
            return unsupported(err, ex, ex->answers_line ? ex->answers_line : ex->line, why);
        }
    }

    cs_population *pop = cs_population_new(ex, err);
    if (!pop)
        return CS_ERR_NOMEM;
    cs_exact_ctx *ctx = calloc(ex->ncomp, sizeof *ctx);
    double *lfact = malloc((kmax + 1) * sizeof *lfact);
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(QUAD_LIMIT);
    int rc = (ctx && lfact && ws) ? 0 : CS_ERR_NOMEM;
    if (lfact)
        for (size_t n = 0; n <= kmax; n++)
            lfact[n] = gsl_sf_lnfact((unsigned)n);
    for (size_t k = 0; !rc && k < ex->ncomp; k++) {
        ctx[k].comp = &ex->comp[k];
        ctx[k].all_novel = ex->answers == 0;
        ctx[k].r = ex->answers ? (size_t)ex->answers - 1 : 0;
        ctx[k].shares = cs_population_shares(pop, k);
        ctx[k].kmax = kmax;
        ctx[k].lfact = lfact;
        rc = tables ? cs_exact_vote_win_table(&ctx[k]) : 0;
    }
    cs_results_clear(res);
    res->exact = 1;
    size_t nbins = cs_experiment_nbins(ex), failed_k = 0, failed_s = 0, failed_b = 0;
    for (size_t s = 0; !rc && s < ex->nstrat; s++) {
        const cs_strategy *st = &ex->strat[s];
        for (size_t b = 0; !rc && b < ex->nbudgets; b++) {
            size_t K = ex->budgets[b];
            failed_s = s;
            failed_b = b;
            double part[Q_N], mass, e = 0;
            for (size_t k = 0; !rc && k < ex->ncomp; k++) {
                failed_k = k;
                ctx[k].strategy = st;
                e = 0;
                if (ex->bins_kind == CS_BINS_COMPONENTS) {
                    rc = component_part(ex, &ctx[k], K, 0, 1, 1, part, &mass, &e, ws);
                    if (!rc)
                        rc = check_part(ex, st, K, k, part[Q_ACCURACY], mass, e, err);
                    add_part(cs_results_cell(res, s, b, 0), part, 1);
                    add_part(cs_results_cell(res, s, b, k + 1), part, mass > 0 ? 1 / mass : 0);
                } else {
                    /* quantile bin i holds u in [1 - (i+1)/N, 1 - i/N]: q1 the highest p */
                    for (size_t i = 0; !rc && i < nbins; i++) {
                        double ulo = 1 - (double)(i + 1) / (double)nbins;
                        double uhi = 1 - (double)i / (double)nbins;
                        e = 0;
                        rc = component_part(ex, &ctx[k], K, ulo, uhi, 0, part, &mass, &e, ws);
                        if (!rc)
                            rc = check_part(ex, st, K, k, part[Q_ACCURACY], mass, e, err);
                        add_part(cs_results_cell(res, s, b, 0), part, 1);
                        add_part(cs_results_cell(res, s, b, i + 1), part, (double)nbins);
                    }
                }
            }
            for (size_t bin = 0; bin <= nbins; bin++) {
                cs_cell *cell = cs_results_cell(res, s, b, bin);
                cell->n = 1;
                cell->sumsq = cell->sum * cell->sum;
            }
        }
    }
    if (rc == CS_ERR_UNSUPPORTED)
        cs_error_set(err, rc, ex->file, ex->comp[failed_k].line, "exact mode: [%s] at budget %zu on "
                     "[population.%s]: the quadrature did not reach its tolerance; use callscale run",
                     setting_name(&ex->strat[failed_s], why, sizeof why), ex->budgets[failed_b],
                     ex->comp[failed_k].name);
    else if (rc == CS_ERR_INPUT)
        ; /* check_part said why */
    else if (rc)
        cs_error_set(err, rc, ex->file, 0, "out of memory");
    for (size_t k = 0; ctx && k < ex->ncomp; k++)
        free(ctx[k].win);
    free(ctx);
    free(lfact);
    if (ws)
        gsl_integration_workspace_free(ws);
    cs_population_free(pop);
    return rc;
}
