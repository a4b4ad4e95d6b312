/*
** Maximum-likelihood fit of a log: a beta-binomial mixture (with point masses at 0 and 1) over
** each query's correct count, BIC over the structures, the Ewens likelihood of the wrong answers'
** partition for the Dirichlet-process concentration, and a bootstrap over queries.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_min.h>
#include <gsl/gsl_multimin.h>
#include <gsl/gsl_rng.h>
#include <gsl/gsl_sf_gamma.h>
#include "callscale/fit.h"

/* log a and log b stay in [LOG_LO, LOG_HI] (a, b in [0.0025, 3000]): outside, a Beta is a point
** mass for any log this size, which the masses at 0 and 1 already model. */
#define LOG_LO -6.0
#define LOG_HI 8.0
/* Weights are a softmax of logits bounded by this (a weight below e^-30 is no component). */
#define LOGIT_MAX 30.0
/* Outside the box the objective grows by this times the squared excess, so Nelder-Mead returns. */
#define PENALTY 1e3
#define NM_MAX_ITER 3000
#define NM_SIZE_TOL 1e-5
#define NM_STEP 0.5
#define NM_RESTART_STEP 0.15
#define NM_RESTARTS 4
/* The concentration's log is searched on this grid, then refined by Brent's method. */
#define CONC_LO -8.0
#define CONC_HI 10.0
#define CONC_GRID 0.25
#define MAX_DIM (2 * CS_FIT_MAX_BETAS + CS_FIT_MAX_BETAS + 1)

/* Queries reduced to distinct (n, c) patterns, each with a weight (a count of queries). */
typedef struct patterns {
    size_t np;
    size_t *n, *c;
    double *lnch; /* ln C(n, c) */
    double *cnt;
    size_t *of;   /* per query, its pattern */
    size_t nmax;  /* the largest n */
    double *rise; /* scratch: 3 (nmax + 1) sums of logs, when nmax <= RISE_MAX */
} patterns;

/* Up to this many samples per query, a beta-binomial term is read from sums of logs (the rising
** factorials ln Gamma(x + c) - ln Gamma(x) = sum_{i<c} ln(x + i)), a few additions per pattern
** instead of three log-gammas; past it, gsl_sf_lnbeta per pattern. */
#define RISE_MAX 4096

typedef struct structure {
    const patterns *pt;
    int nbeta, mass0, mass1;
} structure;

static double lnbeta(double x, double y)
{
    gsl_sf_result r;
    return gsl_sf_lnbeta_e(x, y, &r) == GSL_SUCCESS ? r.val : NAN;
}

static size_t ncomp(const structure *s)
{
    return (size_t)(s->nbeta + s->mass0 + s->mass1);
}

static size_t dim_of(const structure *s)
{
    return 2 * (size_t)s->nbeta + ncomp(s) - 1;
}

static double clamp(double x, double lo, double hi, double *excess)
{
    if (x < lo) {
        *excess += (lo - x) * (lo - x);
        return lo;
    }
    if (x > hi) {
        *excess += (x - hi) * (x - hi);
        return hi;
    }
    return x;
}

/* theta -> weights (betas, mass0, mass1) and shapes; returns the squared excess outside the box. */
static double unpack(const structure *s, const double *theta, double *w, double *a, double *b)
{
    double excess = 0;
    for (int j = 0; j < s->nbeta; j++) {
        a[j] = exp(clamp(theta[2 * j], LOG_LO, LOG_HI, &excess));
        b[j] = exp(clamp(theta[2 * j + 1], LOG_LO, LOG_HI, &excess));
    }
    size_t m = ncomp(s);
    const double *lg = theta + 2 * s->nbeta;
    double top = 0, z = 0, l[MAX_DIM];
    l[0] = 0;
    for (size_t i = 1; i < m; i++) {
        l[i] = clamp(lg[i - 1], -LOGIT_MAX, LOGIT_MAX, &excess);
        if (l[i] > top)
            top = l[i];
    }
    for (size_t i = 0; i < m; i++)
        z += (w[i] = exp(l[i] - top));
    for (size_t i = 0; i < m; i++)
        w[i] /= z;
    return excess;
}

/* Log-likelihood of the patterns (weighted) under weights w, shapes a, b. */
static double loglik(const structure *s, const double *w, const double *a, const double *b)
{
    const patterns *pt = s->pt;
    double lb0[CS_FIT_MAX_BETAS], lw[MAX_DIM], ll = 0;
    size_t m = ncomp(s);
    for (int j = 0; j < s->nbeta; j++)
        lb0[j] = lnbeta(a[j], b[j]);
    for (size_t i = 0; i < m; i++)
        lw[i] = log(w[i]);
    size_t side = pt->nmax + 1;
    double *ra = pt->rise, *rb = ra ? ra + side * CS_FIT_MAX_BETAS : NULL,
           *rab = ra ? rb + side * CS_FIT_MAX_BETAS : NULL;
    for (int j = 0; ra && j < s->nbeta; j++) {
        double *x = ra + (size_t)j * side, *y = rb + (size_t)j * side, *z = rab + (size_t)j * side;
        x[0] = y[0] = z[0] = 0;
        for (size_t i = 0; i < pt->nmax; i++) {
            x[i + 1] = x[i] + log(a[j] + (double)i);
            y[i + 1] = y[i] + log(b[j] + (double)i);
            z[i + 1] = z[i] + log(a[j] + b[j] + (double)i);
        }
    }
    for (size_t p = 0; p < pt->np; p++) {
        if (pt->cnt[p] == 0)
            continue;
        double t[MAX_DIM], top = -INFINITY;
        size_t nt = 0, np_ = pt->n[p], cp = pt->c[p];
        double n = (double)np_, c = (double)cp;
        for (int j = 0; j < s->nbeta; j++) {
            /* ln B(c + a, n - c + b) - ln B(a, b) */
            size_t o = (size_t)j * side;
            double r = ra ? ra[o + cp] + rb[o + np_ - cp] - rab[o + np_]
                          : lnbeta(c + a[j], n - c + b[j]) - lb0[j];
            t[nt++] = lw[j] + pt->lnch[p] + r;
        }
        size_t i = (size_t)s->nbeta;
        if (s->mass0) {
            if (pt->c[p] == 0)
                t[nt++] = lw[i];
            i++;
        }
        if (s->mass1 && pt->c[p] == pt->n[p])
            t[nt++] = lw[i];
        for (size_t k = 0; k < nt; k++)
            if (t[k] > top)
                top = t[k];
        double z = 0;
        for (size_t k = 0; k < nt; k++)
            z += exp(t[k] - top);
        ll += pt->cnt[p] * (top + log(z));
    }
    return ll;
}

static double objective(const gsl_vector *x, void *data)
{
    const structure *s = data;
    double theta[MAX_DIM], w[MAX_DIM], a[CS_FIT_MAX_BETAS], b[CS_FIT_MAX_BETAS];
    size_t d = dim_of(s);
    for (size_t i = 0; i < d; i++)
        theta[i] = gsl_vector_get(x, i);
    double excess = unpack(s, theta, w, a, b);
    double ll = loglik(s, w, a, b);
    if (!isfinite(ll))
        return 1e300;
    return -ll + PENALTY * excess;
}

/* Nelder-Mead from theta, restarted from its own minimum until it stops improving; theta is
** replaced by the minimum, whose value is returned. */
static double minimise(structure *s, double *theta, double first_step)
{
    size_t d = dim_of(s);
    gsl_multimin_function F = {.f = objective, .n = d, .params = s};
    gsl_multimin_fminimizer *m = gsl_multimin_fminimizer_alloc(gsl_multimin_fminimizer_nmsimplex2, d);
    gsl_vector *x = gsl_vector_alloc(d), *step = gsl_vector_alloc(d);
    double best = INFINITY;
    if (!m || !x || !step)
        goto out;
    for (int r = 0; r <= NM_RESTARTS; r++) {
        for (size_t i = 0; i < d; i++)
            gsl_vector_set(x, i, theta[i]);
        gsl_vector_set_all(step, r ? NM_RESTART_STEP : first_step);
        if (gsl_multimin_fminimizer_set(m, &F, x, step) != GSL_SUCCESS)
            break;
        for (int it = 0; it < NM_MAX_ITER; it++) {
            if (gsl_multimin_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            if (gsl_multimin_test_size(gsl_multimin_fminimizer_size(m), NM_SIZE_TOL) == GSL_SUCCESS)
                break;
        }
        double v = gsl_multimin_fminimizer_minimum(m);
        int better = v < best - 1e-9;
        if (v < best) {
            best = v;
            for (size_t i = 0; i < d; i++)
                theta[i] = gsl_vector_get(m->x, i);
        }
        if (!better && r)
            break;
    }
out:
    gsl_multimin_fminimizer_free(m);
    gsl_vector_free(x);
    gsl_vector_free(step);
    return best;
}

/* Fill model from theta: weights, shapes sorted by mean, likelihood, BIC over nq queries. */
static void to_model(const structure *s, const double *theta, double nq, cs_fit_model *out)
{
    double w[MAX_DIM], a[CS_FIT_MAX_BETAS], b[CS_FIT_MAX_BETAS];
    unpack(s, theta, w, a, b);
    memset(out, 0, sizeof *out);
    out->nbeta = s->nbeta;
    out->mass0 = s->mass0;
    out->mass1 = s->mass1;
    int order[CS_FIT_MAX_BETAS];
    for (int j = 0; j < s->nbeta; j++) {
        int k = j;
        while (k > 0 && a[order[k - 1]] / (a[order[k - 1]] + b[order[k - 1]]) > a[j] / (a[j] + b[j])) {
            order[k] = order[k - 1];
            k--;
        }
        order[k] = j;
    }
    for (int j = 0; j < s->nbeta; j++) {
        out->w[j] = w[order[j]];
        out->a[j] = a[order[j]];
        out->b[j] = b[order[j]];
    }
    size_t i = (size_t)s->nbeta;
    if (s->mass0)
        out->w0 = w[i++];
    if (s->mass1)
        out->w1 = w[i];
    out->loglik = loglik(s, w, a, b);
    out->nparam = (int)dim_of(s);
    out->bic = -2 * out->loglik + out->nparam * log(nq);
}

static int by_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Starting points: the queries' c/n split into nbeta groups of equal size, each group's Beta by
** the method of moments (its variance less the binomial part), and the same shapes made flatter
** and sharper. */
#define NSTARTS 3
static const double start_sharpness[NSTARTS] = {1.0, 0.2, 5.0};

static void start_point(const structure *s, const double *phat, size_t nq, double nbar, int which,
                        double *theta)
{
    for (int j = 0; j < s->nbeta; j++) {
        size_t lo = nq * (size_t)j / (size_t)s->nbeta, hi = nq * (size_t)(j + 1) / (size_t)s->nbeta;
        double mean = 0, var = 0;
        for (size_t i = lo; i < hi; i++)
            mean += phat[i];
        mean /= (double)(hi - lo);
        for (size_t i = lo; i < hi; i++)
            var += (phat[i] - mean) * (phat[i] - mean);
        var /= (double)(hi - lo);
        mean = mean < 0.02 ? 0.02 : mean > 0.98 ? 0.98 : mean;
        double vp = var - mean * (1 - mean) / nbar, size = 50;
        if (vp > 1e-6)
            size = mean * (1 - mean) / vp - 1;
        size = size < 0.2 ? 0.2 : size > 500 ? 500 : size;
        size *= start_sharpness[which];
        theta[2 * j] = log(mean * size);
        theta[2 * j + 1] = log((1 - mean) * size);
    }
    double *lg = theta + 2 * s->nbeta;
    size_t k = 0;
    double f0 = 0, f1 = 0;
    for (size_t i = 0; i < nq; i++) {
        f0 += phat[i] == 0;
        f1 += phat[i] == 1;
    }
    f0 /= (double)nq;
    f1 /= (double)nq;
    for (int j = 1; j < s->nbeta; j++)
        lg[k++] = 0;
    /* a mass starts at half the share of queries it could explain (logit against beta 1) */
    double wb = 1.0 / s->nbeta;
    if (s->mass0)
        lg[k++] = log((0.5 * f0 + 0.01) / wb);
    if (s->mass1)
        lg[k++] = log((0.5 * f1 + 0.01) / wb);
}

static void patterns_free(patterns *pt)
{
    free(pt->n);
    free(pt->c);
    free(pt->lnch);
    free(pt->cnt);
    free(pt->of);
    free(pt->rise);
}

/* Patterns of (n_i, c_i); query i's pattern in of[i], weights one per query. */
static int patterns_build(patterns *pt, const size_t *n, const size_t *c, size_t nq, size_t nmax)
{
    memset(pt, 0, sizeof *pt);
    size_t cap = 0;
    long *slot = NULL;
    size_t side = nmax + 1;
    /* nmax is at most the longest query, so (nmax+1)^2 slots are few for real logs; past a
    ** limit, fall back to one pattern per query */
    int table = side <= 4096;
    if (table && !(slot = malloc(side * side * sizeof *slot)))
        return -1;
    if (table)
        for (size_t i = 0; i < side * side; i++)
            slot[i] = -1;
    pt->of = malloc(nq * sizeof *pt->of);
    cap = table ? (nq < side * side ? nq : side * side) : nq;
    pt->n = malloc(cap * sizeof *pt->n);
    pt->c = malloc(cap * sizeof *pt->c);
    pt->lnch = malloc(cap * sizeof *pt->lnch);
    pt->cnt = calloc(cap, sizeof *pt->cnt);
    pt->nmax = nmax;
    if (nmax <= RISE_MAX)
        pt->rise = malloc(3 * (nmax + 1) * CS_FIT_MAX_BETAS * sizeof *pt->rise);
    if (!pt->of || !pt->n || !pt->c || !pt->lnch || !pt->cnt || (nmax <= RISE_MAX && !pt->rise)) {
        free(slot);
        patterns_free(pt);
        return -1;
    }
    for (size_t i = 0; i < nq; i++) {
        long id = table ? slot[n[i] * side + c[i]] : -1;
        if (id < 0) {
            id = (long)pt->np++;
            pt->n[id] = n[i];
            pt->c[id] = c[i];
            pt->lnch[id] = gsl_sf_lnchoose(n[i] > 0 ? (unsigned)n[i] : 0u, (unsigned)c[i]);
            if (table)
                slot[n[i] * side + c[i]] = id;
        }
        pt->of[i] = (size_t)id;
        pt->cnt[id] += 1;
    }
    free(slot);
    return 0;
}

/* theta of a fitted model (the inverse of unpack for the weights, against the first component). */
static void from_model(const cs_fit_model *m, double *theta)
{
    double w[MAX_DIM];
    size_t k = 0;
    for (int j = 0; j < m->nbeta; j++) {
        theta[2 * j] = log(m->a[j]);
        theta[2 * j + 1] = log(m->b[j]);
        w[k++] = m->w[j];
    }
    if (m->mass0)
        w[k++] = m->w0;
    if (m->mass1)
        w[k++] = m->w1;
    for (size_t i = 1; i < k; i++)
        theta[2 * (size_t)m->nbeta + i - 1] = log((w[i] > 1e-300 ? w[i] : 1e-300) / w[0]);
}

/* A start for structure s grown from a fitted model of a nested structure: the masses s has and
** m lacks enter with a small weight, and a missing Beta enters flat (Beta(1,1)). */
#define GROW_WEIGHT 0.05
static void grow_start(const structure *s, const cs_fit_model *m, double *theta)
{
    cs_fit_model g = *m;
    double add = 0;
    for (int j = g.nbeta; j < s->nbeta; j++) {
        g.w[j] = GROW_WEIGHT;
        g.a[j] = g.b[j] = 1;
        add += GROW_WEIGHT;
    }
    g.nbeta = s->nbeta;
    if (s->mass0 && !g.mass0)
        g.w0 = GROW_WEIGHT, add += GROW_WEIGHT;
    if (s->mass1 && !g.mass1)
        g.w1 = GROW_WEIGHT, add += GROW_WEIGHT;
    g.mass0 = s->mass0;
    g.mass1 = s->mass1;
    for (int j = 0; j < g.nbeta; j++)
        g.w[j] /= 1 + add;
    g.w0 /= 1 + add;
    g.w1 /= 1 + add;
    from_model(&g, theta);
}

/* Fit one structure: the best of the starting points and of the fitted nested models grown into
** it (ngrow of them), or from theta0 alone when given. */
static double fit_structure(structure *s, const double *phat, size_t nq, double nbar,
                            const double *theta0, const cs_fit_model *grow, size_t ngrow,
                            double *theta)
{
    size_t d = dim_of(s);
    double best = INFINITY, t[MAX_DIM];
    if (theta0) {
        memcpy(theta, theta0, d * sizeof *theta);
        return minimise(s, theta, NM_RESTART_STEP);
    }
    for (size_t k = 0; k < NSTARTS + ngrow; k++) {
        if (k < NSTARTS)
            start_point(s, phat, nq, nbar, (int)k, t);
        else
            grow_start(s, &grow[k - NSTARTS], t);
        double v = minimise(s, t, NM_STEP);
        if (v < best) {
            best = v;
            memcpy(theta, t, d * sizeof *theta);
        }
    }
    return best;
}

/* Ewens log-likelihood of the wrong answers' partitions at concentration e^lc: a query with w
** wrong samples in k distinct answers adds k ln c + ln Gamma(c) - ln Gamma(c + w) (the Chinese
** restaurant's probability of that sequence, less terms free of c). Summed over queries weighted
** by mult, it is K ln c - sum_w N_w sum_{i<w} ln(c + i), with K the weighted sum of k and N_w the
** weight of queries with w wrong samples. */
typedef struct conc_data {
    const size_t *wrong, *distinct;
    const double *mult;
    size_t nq, nmax;
    double k;     /* K */
    double *nw;   /* N_w, w = 0..nmax */
} conc_data;

static double conc_negll(double lc, void *data)
{
    const conc_data *d = data;
    double cc = exp(lc), rise = 0, ll = d->k * lc;
    for (size_t w = 1; w <= d->nmax; w++) {
        rise += log(cc + (double)(w - 1));
        ll -= d->nw[w] * rise;
    }
    return -ll;
}

static double conc_fit(conc_data *d)
{
    d->k = 0;
    for (size_t w = 0; w <= d->nmax; w++)
        d->nw[w] = 0;
    for (size_t i = 0; i < d->nq; i++) {
        d->k += d->mult[i] * (double)d->distinct[i];
        d->nw[d->wrong[i]] += d->mult[i];
    }
    int ng = (int)((CONC_HI - CONC_LO) / CONC_GRID) + 1, g = 0;
    double bestv = INFINITY;
    for (int i = 0; i < ng; i++) {
        double v = conc_negll(CONC_LO + i * CONC_GRID, (void *)d);
        if (v < bestv) {
            bestv = v;
            g = i;
        }
    }
    if (g == ng - 1)
        return INFINITY;
    if (g == 0)
        return exp(CONC_LO);
    gsl_function F = {.function = conc_negll, .params = (void *)d};
    gsl_min_fminimizer *m = gsl_min_fminimizer_alloc(gsl_min_fminimizer_brent);
    double x = CONC_LO + g * CONC_GRID;
    if (!m)
        return exp(x);
    if (gsl_min_fminimizer_set(m, &F, x, x - CONC_GRID, x + CONC_GRID) == GSL_SUCCESS)
        for (int it = 0; it < 100; it++) {
            if (gsl_min_fminimizer_iterate(m) != GSL_SUCCESS)
                break;
            double lo = gsl_min_fminimizer_x_lower(m), hi = gsl_min_fminimizer_x_upper(m);
            if (gsl_min_test_interval(lo, hi, 1e-8, 0) == GSL_SUCCESS)
                break;
        }
    x = gsl_min_fminimizer_x_minimum(m);
    gsl_min_fminimizer_free(m);
    return exp(x);
}

int cs_fit_run(const cs_log *log, const cs_fit_options *opt, cs_fit *fit, cs_error *err)
{
    memset(fit, 0, sizeof *fit);
    fit->conc = NAN;
    size_t nq = log->nq;
    if (opt->components < 0 || opt->components > CS_FIT_MAX_BETAS)
        return cs_error_set(err, CS_ERR_INPUT, "", 0, "--components: 1 to %d Beta components",
                            CS_FIT_MAX_BETAS);
    size_t *n = malloc(nq * sizeof *n), *c = malloc(nq * sizeof *c);
    size_t *wrong = malloc(nq * sizeof *wrong), *distinct = malloc(nq * sizeof *distinct);
    double *phat = malloc(nq * sizeof *phat), *mult = malloc(nq * sizeof *mult);
    patterns pt = {0};
    conc_data cd = {0};
    int rc = 0;
    gsl_rng *r = NULL;
    if (!n || !c || !wrong || !distinct || !phat || !mult) {
        rc = cs_error_set(err, CS_ERR_NOMEM, log->file, 0, "out of memory");
        goto out;
    }
    fit->nq = nq;
    fit->answers = log->answer != NULL;
    double nsum = 0;
    for (size_t i = 0; i < nq; i++) {
        size_t cnt = cs_log_count(log, i), k = opt->samples && opt->samples < cnt ? opt->samples : cnt;
        if (cnt > fit->nmax)
            fit->nmax = cnt;
        if (k > fit->nfit)
            fit->nfit = k;
        size_t s0 = log->start[i], right = 0, nd = 0;
        for (size_t j = 0; j < k; j++)
            right += log->correct[s0 + j];
        if (log->answer) {
            /* distinct wrong labels among the first k: ids are dense by first appearance */
            for (size_t j = 0; j < k; j++)
                if (!log->correct[s0 + j]) {
                    int seen = 0;
                    for (size_t t = 0; t < j && !seen; t++)
                        seen = log->answer[s0 + t] == log->answer[s0 + j];
                    nd += !seen;
                }
        }
        n[i] = k;
        c[i] = right;
        wrong[i] = k - right;
        distinct[i] = nd;
        phat[i] = (double)right / (double)k;
        mult[i] = 1;
        nsum += (double)k;
    }
    double nbar = nsum / (double)nq;
    if (patterns_build(&pt, n, c, nq, fit->nfit)) {
        rc = cs_error_set(err, CS_ERR_NOMEM, log->file, 0, "out of memory");
        goto out;
    }
    qsort(phat, nq, sizeof *phat, by_double);

    /* every structure, BIC picks */
    int jlo = opt->components ? opt->components : 1, jhi = opt->components ? opt->components : CS_FIT_MAX_BETAS;
    double theta_best[MAX_DIM];
    structure sbest = {0};
    int m0lo = opt->fixed_masses ? opt->mass0 : 0, m0hi = opt->fixed_masses ? opt->mass0 : 1;
    int m1lo = opt->fixed_masses ? opt->mass1 : 0, m1hi = opt->fixed_masses ? opt->mass1 : 1;
    for (int j = jlo; j <= jhi; j++)
        for (int m0 = m0lo; m0 <= m0hi; m0++)
            for (int m1 = m1lo; m1 <= m1hi; m1++) {
                structure s = {.pt = &pt, .nbeta = j, .mass0 = m0, .mass1 = m1};
                /* the candidates one step smaller (a mass or a Beta fewer) grow into starts */
                cs_fit_model grow[CS_FIT_MAX_CANDIDATES];
                size_t ngrow = 0;
                for (size_t k = 0; k < fit->ncand; k++) {
                    const cs_fit_model *g = &fit->cand[k];
                    int steps = (j - g->nbeta) + (m0 - g->mass0) + (m1 - g->mass1);
                    if (g->nbeta <= j && g->mass0 <= m0 && g->mass1 <= m1 && steps == 1)
                        grow[ngrow++] = *g;
                }
                double theta[MAX_DIM];
                fit_structure(&s, phat, nq, nbar, NULL, grow, ngrow, theta);
                cs_fit_model *cm = &fit->cand[fit->ncand++];
                to_model(&s, theta, (double)nq, cm);
                if (fit->ncand == 1 || cm->bic < fit->best.bic) {
                    fit->best = *cm;
                    sbest = s;
                    memcpy(theta_best, theta, sizeof theta);
                }
            }
    cd = (conc_data){.wrong = wrong, .distinct = distinct, .mult = mult, .nq = nq, .nmax = fit->nfit};
    if (!(cd.nw = malloc((fit->nfit + 1) * sizeof *cd.nw))) {
        rc = cs_error_set(err, CS_ERR_NOMEM, log->file, 0, "out of memory");
        goto out;
    }
    if (fit->answers)
        fit->conc = conc_fit(&cd);

    if (opt->boot) {
        fit->boot = calloc(opt->boot, sizeof *fit->boot);
        fit->boot_conc = calloc(opt->boot, sizeof *fit->boot_conc);
        r = gsl_rng_alloc(gsl_rng_mt19937);
        if (!fit->boot || !fit->boot_conc || !r) {
            rc = cs_error_set(err, CS_ERR_NOMEM, log->file, 0, "out of memory");
            goto out;
        }
        gsl_rng_set(r, (unsigned long)opt->seed);
        double theta0[MAX_DIM];
        from_model(&fit->best, theta0);
        for (size_t bi = 0; bi < opt->boot; bi++) {
            for (size_t i = 0; i < nq; i++)
                mult[i] = 0;
            for (size_t p = 0; p < pt.np; p++)
                pt.cnt[p] = 0;
            for (size_t i = 0; i < nq; i++) {
                size_t q = (size_t)gsl_rng_uniform_int(r, (unsigned long)nq);
                mult[q] += 1;
                pt.cnt[pt.of[q]] += 1;
            }
            double theta[MAX_DIM];
            fit_structure(&sbest, phat, nq, nbar, theta0, NULL, 0, theta);
            to_model(&sbest, theta, (double)nq, &fit->boot[bi]);
            fit->boot_conc[bi] = fit->answers ? conc_fit(&cd) : NAN;
        }
        fit->nboot = opt->boot;
    }
out:
    gsl_rng_free(r);
    free(cd.nw);
    patterns_free(&pt);
    free(n);
    free(c);
    free(wrong);
    free(distinct);
    free(phat);
    free(mult);
    if (rc)
        cs_fit_free(fit);
    return rc;
}

void cs_fit_free(cs_fit *fit)
{
    free(fit->boot);
    free(fit->boot_conc);
    fit->boot = NULL;
    fit->boot_conc = NULL;
    fit->nboot = 0;
}

double cs_fit_coverage(const cs_fit_model *m, double k)
{
    double cov = m->w1;
    for (int j = 0; j < m->nbeta; j++)
        cov += m->w[j] * (1 - exp(lnbeta(m->a[j], m->b[j] + k) - lnbeta(m->a[j], m->b[j])));
    return cov;
}

size_t cs_fit_params(const cs_fit_model *m, char names[][CS_FIT_NAME], double *values)
{
    size_t k = 0;
    for (int j = 0; j < m->nbeta; j++) {
        snprintf(names[k], CS_FIT_NAME, "beta%d.weight", j + 1);
        values[k++] = m->w[j];
        snprintf(names[k], CS_FIT_NAME, "beta%d.a", j + 1);
        values[k++] = m->a[j];
        snprintf(names[k], CS_FIT_NAME, "beta%d.b", j + 1);
        values[k++] = m->b[j];
    }
    if (m->mass0) {
        snprintf(names[k], CS_FIT_NAME, "never.weight");
        values[k++] = m->w0;
    }
    if (m->mass1) {
        snprintf(names[k], CS_FIT_NAME, "always.weight");
        values[k++] = m->w1;
    }
    return k;
}

int cs_fit_write_experiment(const cs_fit *fit, const char *name, const char *budgets,
                            unsigned long long queries, FILE *f)
{
    const cs_fit_model *m = &fit->best;
    char wrong[64] = "uniform";
    if (fit->answers && isfinite(fit->conc))
        snprintf(wrong, sizeof wrong, "dirichlet(%.6g)", fit->conc);
    fprintf(f, "; fitted by callscale fit: %d Beta component%s%s%s, BIC %.3f over %zu queries\n",
            m->nbeta, m->nbeta > 1 ? "s" : "", m->mass0 ? ", a mass at p = 0" : "",
            m->mass1 ? ", a mass at p = 1" : "", m->bic, fit->nq);
    fprintf(f, "[experiment]\nname    = %s\nqueries = %llu\nseed    = 1\nbudgets = %s\n"
               "answers = open\n",
            name, queries, budgets);
    for (int j = 0; j < m->nbeta; j++)
        fprintf(f, "\n[population.beta%d]\nweight    = %.9g\np_correct = beta(%.9g,%.9g)\n"
                   "wrong     = %s\n",
                j + 1, m->w[j], m->a[j], m->b[j], wrong);
    if (m->mass0)
        fprintf(f, "\n[population.never]\nweight    = %.9g\np_correct = 0\nwrong     = %s\n", m->w0,
                wrong);
    if (m->mass1)
        fprintf(f, "\n[population.always]\nweight    = %.9g\np_correct = 1\nwrong     = %s\n", m->w1,
                wrong);
    fprintf(f, "\n[strategy.coverage]\n");
    if (fit->answers)
        fprintf(f, "[strategy.vote]\n");
    return ferror(f) ? -1 : 0;
}
