/*
** Exact mode (src/exact.c and the exact functions of vote and filter_vote) against computations
** written here from the definitions alone: binomial tails (GSL), brute force over count vectors
** and over sample-by-sample outcomes, beta-binomial sums, direct quadrature over quantile bins,
** the closed forms of DESIGN.md section 1 and its published two-level example.
**
** Nothing here is a number copied from the program's output. Set CS_TEST_VERBOSE=1 to print the
** largest |exact - independent| each test saw.
*/
#include <stdarg.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_sf_gamma.h>
#include "testutil.h"
#include "testutil_text.h"
#include "callscale/error.h"
#include "callscale/exact.h"
#include "callscale/experiment.h"
#include "callscale/results.h"

#define TOL 1e-9
#define MAXCAT 16 /* categories the brute-force enumerations handle */

/* ---- checking ---------------------------------------------------------------------------- */

static double max_seen; /* largest |exact - independent| in this test (each test is a process) */

static void close_at(int line, double got, double want, double tol, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void close_at(int line, double got, double want, double tol, const char *fmt, ...)
{
    double d = fabs(got - want);
    if (!(d <= tol)) {
        char what[256];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(what, sizeof what, fmt, ap);
        va_end(ap);
        ck_abort_msg("line %d: %s: exact %.17g, independent %.17g, |diff| %.3g > %.3g", line, what,
                     got, want, d, tol);
    }
    if (d > max_seen && tol <= TOL) /* not the rounded published values or relative checks */
        max_seen = d;
}
/* Exact mode's value against an independent one (tracked for the report). */
#define CLOSE(got, want, tol, ...) close_at(__LINE__, (got), (want), (tol), __VA_ARGS__)

/* Two independent computations of ours against each other (a check of the test itself). */
#define SANE(x, y, tol)                                                                           \
    ck_assert_msg(fabs((x) - (y)) <= (tol), "line %d: self-check %.17g vs %.17g", __LINE__,     \
                  (double)(x), (double)(y))

static void setup(void)
{
    max_seen = 0;
}

static void teardown(void)
{
    const char *v = getenv("CS_TEST_VERBOSE");
    if (v && *v && strcmp(v, "0") != 0)
        fprintf(stderr, "test_exact: max |exact - independent| = %.3g\n", max_seen);
}

/* ---- building experiments ---------------------------------------------------------------- */

/* Line number (1-based) of the first line of ini that starts with `what`. */
static int line_of(const char *ini, const char *what)
{
    int line = 1;
    for (const char *p = ini; *p;) {
        if (strncmp(p, what, strlen(what)) == 0)
            return line;
        const char *nl = strchr(p, '\n');
        if (!nl)
            break;
        p = nl + 1;
        line++;
    }
    ck_abort_msg("'%s' not in the test's experiment file", what);
    return 0;
}

typedef struct xrun {
    cs_experiment ex;
    cs_results res;
    char path[64];
} xrun;

/* Load ini; returns cs_exact_run's code, with err filled. */
static int xrun_try(xrun *x, const char *ini, cs_error *err)
{
    snprintf(x->path, sizeof x->path, "%s", write_temp_ini(ini));
    memset(err, 0, sizeof *err);
    int rc = cs_experiment_load(&x->ex, x->path, NULL, 0, err);
    unlink(x->path);
    ck_assert_msg(rc == 0, "load: %s:%d: %s", err->file, err->line, err->msg);
    ck_assert_int_eq(cs_results_init(&x->res, &x->ex), 0);
    return cs_exact_run(&x->ex, &x->res, err);
}

static void xrun_exact(xrun *x, const char *ini)
{
    cs_error err;
    int rc = xrun_try(x, ini, &err);
    ck_assert_msg(rc == 0, "exact: rc %d: %s:%d: %s", rc, err.file, err.line, err.msg);
    ck_assert_int_eq(x->res.exact, 1);
}

static void xrun_free(xrun *x)
{
    cs_results_free(&x->res);
    cs_experiment_free(&x->ex);
}

static const cs_cell *xcell(const xrun *x, size_t s, size_t b, size_t bin)
{
    ck_assert(s < x->res.nstrat && b < x->res.nbudgets && bin <= x->res.nbins);
    return cs_results_cell(&x->res, s, b, bin);
}

static double xacc(const xrun *x, size_t s, size_t b, size_t bin)
{
    const cs_cell *c = xcell(x, s, b, bin);
    ck_assert_msg(c->n > 0, "empty cell s=%zu b=%zu bin=%zu", s, b, bin);
    double a = c->sum / c->n;
    ck_assert_msg(a >= -1e-10 && a <= 1 + 1e-10, "accuracy %.17g outside [0,1]", a);
    return a;
}

/* ---- independent computations ------------------------------------------------------------ */

static double lnfact(size_t n)
{
    static double t[4097];
    static int ready;
    if (!ready) {
        t[0] = 0;
        for (size_t i = 1; i < 4097; i++)
            t[i] = t[i - 1] + log((double)i);
        ready = 1;
    }
    if (n >= 4097) /* no ck_assert on hot paths: each one writes a mark to Check's pipe */
        ck_abort_msg("lnfact(%zu): table too small", n);
    return t[n];
}

/* The tie rule read literally off a count vector n[0..m): the correct answer (index 0) wins a
** share 1/t when it is among the t answers with the most votes. */
static double tie_score(const size_t *n, size_t m)
{
    size_t mx = 0, t = 0;
    for (size_t i = 0; i < m; i++)
        mx = n[i] > mx ? n[i] : mx;
    if (mx == 0 || n[0] != mx)
        return 0;
    for (size_t i = 0; i < m; i++)
        t += n[i] == mx;
    return 1.0 / (double)t;
}

/* Binary vote at fixed p straight from the definition: P(Bin(K,p) > K/2) + P(= K/2)/2, as a sum
** of binomial probabilities; where 0 < p < 1 also by gsl_cdf_binomial_Q (checked to agree). */
static double binary_vote(size_t K, double p)
{
    double sum = 0;
    for (size_t c = 0; c <= K; c++) {
        double pr = gsl_ran_binomial_pdf((unsigned)c, p, (unsigned)K);
        if (2 * c > K)
            sum += pr;
        else if (2 * c == K)
            sum += 0.5 * pr;
    }
    if (p > 0 && p < 1) {
        double q = gsl_cdf_binomial_Q((unsigned)(K / 2), p, (unsigned)K);
        if (K % 2 == 0)
            q += 0.5 * gsl_ran_binomial_pdf((unsigned)(K / 2), p, (unsigned)K);
        SANE(sum, q, 1e-11);
    }
    return sum;
}

/* Wrong-answer shares: equal, or j^-s normalised (zipf), j = 1..r. */
static void shares(size_t r, double zipf_s, double *s)
{
    double sum = 0;
    for (size_t j = 0; j < r; j++) {
        s[j] = zipf_s > 0 ? pow((double)(j + 1), -zipf_s) : 1.0;
        sum += s[j];
    }
    for (size_t j = 0; j < r; j++)
        s[j] /= sum;
}

/* A curve F(K; p) = sum_c h[c] P(Bin(K,p) = c): h[c] is the score given c correct answers. */
typedef struct curve {
    size_t K;
    double *h;
} curve;

static curve curve_new(size_t K)
{
    curve cv = {K, calloc(K + 1, sizeof(double))};
    ck_assert_ptr_nonnull(cv.h);
    return cv;
}

static void curve_free(curve *cv)
{
    free(cv->h);
    cv->h = NULL;
}

static double curve_at(const curve *cv, double p)
{
    double F = 0;
    for (size_t c = 0; c <= cv->K; c++)
        if (cv->h[c] != 0)
            F += cv->h[c] * gsl_ran_binomial_pdf((unsigned)c, p, (unsigned)cv->K);
    return F;
}

/* E F(K; p) under p ~ Beta(a, b): the beta-binomial sum
** sum_c C(K,c) B(c+a, K-c+b) / B(a,b) h[c]. */
static double curve_beta(const curve *cv, double a, double b)
{
    size_t K = cv->K;
    double F = 0, lB = gsl_sf_lnbeta(a, b);
    for (size_t c = 0; c <= K; c++)
        if (cv->h[c] != 0)
            F += cv->h[c] * exp(gsl_sf_lnchoose((unsigned)K, (unsigned)c) +
                                gsl_sf_lnbeta(a + (double)c, b + (double)(K - c)) - lB);
    return F;
}

/* The same restricted to p in [lo, hi], by the regularised incomplete beta function. */
static double curve_beta_part(const curve *cv, double a, double b, double lo, double hi)
{
    size_t K = cv->K;
    double F = 0, lB = gsl_sf_lnbeta(a, b);
    for (size_t c = 0; c <= K; c++) {
        if (cv->h[c] == 0)
            continue;
        double a2 = a + (double)c, b2 = b + (double)(K - c);
        double part = gsl_cdf_beta_P(hi, a2, b2) - gsl_cdf_beta_P(lo, a2, b2);
        F += cv->h[c] * part *
             exp(gsl_sf_lnchoose((unsigned)K, (unsigned)c) + gsl_sf_lnbeta(a2, b2) - lB);
    }
    return F;
}

/* Binary vote: the correct answer wins with c > K - c votes, ties at c = K - c. */
static curve curve_binary_vote(size_t K)
{
    curve cv = curve_new(K);
    for (size_t c = 0; c <= K; c++)
        cv.h[c] = 2 * c > K ? 1.0 : 2 * c == K ? 0.5 : 0.0;
    return cv;
}

/* Brute-force W(c, w): every count vector (n_1..n_r) of the w wrong votes, with its multinomial
** probability w!/prod n_j! prod s_j^n_j, scored by the tie rule with n_0 = c. */
typedef struct wenum {
    size_t r;
    double ls[MAXCAT]; /* log shares */
    size_t n[MAXCAT + 1];
    double acc;
} wenum;

static void wenum_rec(wenum *e, size_t j, size_t left, double lp)
{
    if (j == e->r) {
        e->n[j] = left;
        lp += (double)left * e->ls[j - 1] - lnfact(left);
        e->acc += exp(lp) * tie_score(e->n, e->r + 1);
        return;
    }
    for (size_t k = 0; k <= left; k++) {
        e->n[j] = k;
        wenum_rec(e, j + 1, left - k, lp + (double)k * e->ls[j - 1] - lnfact(k));
    }
}

static double brute_win(size_t c, size_t w, const double *s, size_t r)
{
    wenum e;
    ck_assert(r >= 1 && r < MAXCAT);
    e.r = r;
    for (size_t j = 0; j < r; j++)
        e.ls[j] = log(s[j]);
    e.n[0] = c;
    e.acc = 0;
    wenum_rec(&e, 1, w, lnfact(w));
    return e.acc;
}

/* Vote with r = M - 1 wrong answers: h[c] = W(c, K - c). */
static curve curve_vote_brute(size_t K, const double *s, size_t r)
{
    curve cv = curve_new(K);
    for (size_t c = 0; c <= K; c++)
        cv.h[c] = brute_win(c, K - c, s, r);
    return cv;
}

/* Open answer space, every wrong answer distinct: the correct answer wins outright with c >= 2
** votes and ties with K - 1 singletons (share 1/K) with c = 1. */
static curve curve_open_vote(size_t K)
{
    curve cv = curve_new(K);
    for (size_t c = 2; c <= K; c++)
        cv.h[c] = 1;
    if (K >= 1)
        cv.h[1] = 1.0 / (double)K;
    return cv;
}

/* Filter-vote by brute force over every sequence of K sample outcomes (answer, kept or dropped):
** correct & kept p tpr, correct & dropped p (1 - tpr), wrong j & kept (1-p) s_j fpr, wrong j &
** dropped (1-p) s_j (1 - fpr). A sequence's probability is coef * p^c (1-p)^(K-c); it scores the
** tie rule on the kept answers, or on all K when none is kept. In an open space (open = 1) each
** wrong sample is a new answer of its own (category 1 + its index). */
typedef struct fenum {
    size_t K, r;
    int open;
    double s[MAXCAT], t, f;
    size_t kept[MAXCAT + 1], all[MAXCAT + 1];
    double *g; /* g[c]: sum of coef x score over sequences with c correct samples */
} fenum;

static void fenum_rec(fenum *e, size_t i, size_t ncorrect, double coef)
{
    size_t m = e->open ? e->K + 1 : e->r + 1;
    if (coef == 0)
        return;
    if (i == e->K) {
        size_t nk = 0;
        for (size_t j = 0; j < m; j++)
            nk += e->kept[j];
        e->g[ncorrect] += coef * (nk ? tie_score(e->kept, m) : tie_score(e->all, m));
        return;
    }
    e->kept[0]++, e->all[0]++;
    fenum_rec(e, i + 1, ncorrect + 1, coef * e->t);
    e->kept[0]--;
    fenum_rec(e, i + 1, ncorrect + 1, coef * (1 - e->t));
    e->all[0]--;
    size_t jlo = e->open ? 1 + i : 1, jhi = e->open ? 1 + i : e->r;
    for (size_t j = jlo; j <= jhi; j++) {
        double sj = e->open ? 1.0 : e->s[j - 1];
        e->kept[j]++, e->all[j]++;
        fenum_rec(e, i + 1, ncorrect, coef * sj * e->f);
        e->kept[j]--;
        fenum_rec(e, i + 1, ncorrect, coef * sj * (1 - e->f));
        e->all[j]--;
    }
}

/* r wrong answers with shares s, or r = 0 for the open space. */
static curve curve_filter_brute(size_t K, const double *s, size_t r, double t, double f)
{
    fenum e;
    memset(&e, 0, sizeof e);
    ck_assert(K < MAXCAT && r < MAXCAT);
    e.K = K;
    e.r = r;
    e.open = r == 0;
    for (size_t j = 0; j < r; j++)
        e.s[j] = s[j];
    e.t = t;
    e.f = f;
    curve cv = curve_new(K);
    e.g = cv.h;
    fenum_rec(&e, 0, 0, 1.0);
    /* g[c] p^c (1-p)^(K-c) = h[c] C(K,c) p^c (1-p)^(K-c) */
    for (size_t c = 0; c <= K; c++)
        cv.h[c] /= exp(gsl_sf_lnchoose((unsigned)K, (unsigned)c));
    return cv;
}

/* ---- 1. binary vote, fixed p ------------------------------------------------------------- */

START_TEST(binary_vote_fixed_p)
{
    static const double ps[] = {0.85, 0.4, 0.5, 0.55, 0.05, 0.97, 0.0, 1.0, 0.3, 0.499, 0.501};
    const size_t np = sizeof ps / sizeof ps[0];
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = 1,2,3,4,5,6,10,11,50,51,100,101,999,1000\nanswers = 2\n\n");
    for (size_t i = 0; i < np; i++)
        add(&t, "[population.c%zu]\nweight = %zu\np_correct = %.17g\n\n", i, i + 1, ps[i]);
    add(&t, "[strategy.vote]\n");
    xrun x;
    xrun_exact(&x, t.buf);
    ck_assert_uint_eq(x.ex.ncomp, np);
    double wsum = (double)(np * (np + 1) / 2);
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        size_t K = x.ex.budgets[b];
        double all = 0;
        for (size_t i = 0; i < np; i++) {
            double F = binary_vote(K, ps[i]);
            all += (double)(i + 1) / wsum * F;
            CLOSE(xacc(&x, 0, b, i + 1), F, TOL, "binary vote K=%zu p=%g", K, ps[i]);
        }
        CLOSE(xacc(&x, 0, b, 0), all, TOL, "binary vote K=%zu, all", K);
    }
    /* Sanity of the definitions themselves at a few points. */
    SANE(binary_vote(1, 0.3), 0.3, 1e-15);
    SANE(binary_vote(2, 0.3), 0.09 + 0.5 * 2 * 0.3 * 0.7, 1e-15);
    SANE(binary_vote(1000, 0.5), 0.5, 1e-12);
    xrun_free(&x);
}
END_TEST

/* DESIGN.md section 1: alpha = 0.6, p1 = 0.85, p2 = 0.4. */
START_TEST(chen_two_level_example)
{
    const double alpha = 0.6, p1 = 0.85, p2 = 0.4, q1 = 1 - p1, q2 = 1 - p2;
    const char *ini = "[experiment]\n"
                      "budgets = 1..65 +2\n"
                      "answers = 2\n"
                      "\n"
                      "[population.easy]\n"
                      "weight = 0.6\n"
                      "p_correct = 0.85\n"
                      "\n"
                      "[population.hard]\n"
                      "weight = 0.4\n"
                      "p_correct = 0.4\n"
                      "\n"
                      "[strategy.vote]\n";
    xrun x;
    xrun_exact(&x, ini);
    ck_assert_uint_eq(x.ex.nbudgets, 33);
    double F[33];
    for (size_t b = 0; b < 33; b++) {
        size_t K = x.ex.budgets[b];
        ck_assert_uint_eq(K, 2 * b + 1);
        double want = alpha * binary_vote(K, p1) + (1 - alpha) * binary_vote(K, p2);
        F[b] = xacc(&x, 0, b, 0);
        CLOSE(F[b], want, TOL, "two-level F(%zu)", K);
        CLOSE(xacc(&x, 0, b, 1), binary_vote(K, p1), TOL, "easy bin K=%zu", K);
        CLOSE(xacc(&x, 0, b, 2), binary_vote(K, p2), TOL, "hard bin K=%zu", K);
    }
    /* The closed-form values (hand expansion of the binomial tails) ... */
    double F1 = alpha * p1 + (1 - alpha) * p2;
    double F3 = alpha * (p1 * p1 * p1 + 3 * p1 * p1 * q1) + (1 - alpha) * (p2 * p2 * p2 + 3 * p2 * p2 * q2);
    SANE(F1, 0.67, 1e-15);
    SANE(F3, 0.70435, 1e-15);
    CLOSE(F[0], 0.67, TOL, "F(1)");
    CLOSE(F[1], 0.70435, TOL, "F(3)");
    CLOSE(F[2], 0.7110088750, TOL, "F(5)");
    /* ... and the published, rounded ones. */
    CLOSE(F[0], 0.67, 1e-4, "published F(1)");
    CLOSE(F[1], 0.7044, 1e-4, "published F(3)");
    CLOSE(F[2], 0.7110, 1e-4, "published F(5)");
    /* F(K+2) - F(K) = C(K,(K-1)/2) [alpha (2p1-1)(p1q1)^((K+1)/2) - (1-alpha)(1-2p2)(p2q2)^((K+1)/2)] */
    for (size_t b = 0; b + 1 < 33; b++) {
        size_t K = 2 * b + 1;
        double e = (double)(K + 1) / 2;
        double d = gsl_sf_choose((unsigned)K, (unsigned)((K - 1) / 2)) *
                   (alpha * (2 * p1 - 1) * pow(p1 * q1, e) -
                    (1 - alpha) * (1 - 2 * p2) * pow(p2 * q2, e));
        CLOSE(F[b + 1] - F[b], d, 1e-12, "F(%zu) - F(%zu)", K + 2, K);
    }
    /* The peak: best odd K = 2 ceil(Kstar / 2) - 1 with Kstar = 5.24. */
    double Kstar = 2 * log(alpha / (1 - alpha) * (2 * p1 - 1) / (1 - 2 * p2)) / log(p2 * q2 / (p1 * q1));
    SANE(Kstar, 5.24, 0.005);
    size_t best = 0;
    for (size_t b = 1; b < 33; b++)
        if (F[b] > F[best])
            best = b;
    ck_assert_uint_eq(x.ex.budgets[best], (size_t)(2 * ceil(Kstar / 2) - 1));
    ck_assert_uint_eq(x.ex.budgets[best], 5);
    xrun_free(&x);

    /* F(infinity) = alpha: at K = 1001 the hard tail is ~1e-10. */
    const char *ini2 = "[experiment]\nbudgets = 1001\n[population.easy]\nweight = 0.6\np_correct = 0.85\n"
                       "[population.hard]\nweight = 0.4\np_correct = 0.4\n";
    xrun_exact(&x, ini2);
    CLOSE(xacc(&x, 0, 0, 0), alpha * binary_vote(1001, p1) + (1 - alpha) * binary_vote(1001, p2),
          TOL, "F(1001)");
    /* a limit, not an identity: the hard tail 0.4 P(Bin(1001, 0.4) > 500) is about 3e-11 */
    CLOSE(xacc(&x, 0, 0, 0), 0.6, 1e-8, "F(infinity) = alpha");
    xrun_free(&x);
}
END_TEST

/* ---- 2. M = 3, 4 vote, fixed p ----------------------------------------------------------- */

static void check_multi_vote(int M, double zipf_s, const double *ps, size_t np, const char *budgets)
{
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = %s\nanswers = %d\n\n", budgets, M);
    for (size_t i = 0; i < np; i++) {
        add(&t, "[population.c%zu]\np_correct = %.17g\n", i, ps[i]);
        if (zipf_s > 0)
            add(&t, "wrong = zipf(%.17g)\n", zipf_s);
        add(&t, "\n");
    }
    add(&t, "[strategy.vote]\n");
    xrun x;
    xrun_exact(&x, t.buf);
    double s[MAXCAT];
    shares((size_t)M - 1, zipf_s, s);
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        size_t K = x.ex.budgets[b];
        curve cv = curve_vote_brute(K, s, (size_t)M - 1);
        double all = 0;
        for (size_t i = 0; i < np; i++) {
            double F = curve_at(&cv, ps[i]);
            all += F / (double)np;
            CLOSE(xacc(&x, 0, b, i + 1), F, TOL, "M=%d zipf=%g K=%zu p=%g", M, zipf_s, K, ps[i]);
        }
        CLOSE(xacc(&x, 0, b, 0), all, TOL, "M=%d zipf=%g K=%zu all", M, zipf_s, K);
        curve_free(&cv);
    }
    xrun_free(&x);
}

static const double multi_ps[] = {0.02, 0.1, 0.2, 0.25, 1.0 / 3, 0.34, 0.4, 0.5, 0.75, 0.99, 0, 1};
#define NMULTI (sizeof multi_ps / sizeof multi_ps[0])

/* Vote against its brute force for K = 1..12 over (answers, zipf exponent): three and four
** answers, wrong mass uniform (0) or Zipf(1.5). */
static const struct {
    int answers;
    double zipf;
} vote_cases[] = {{3, 0}, {3, 1.5}, {4, 0}, {4, 1.5}};

START_TEST(vote_multi_brute_force)
{
    check_multi_vote(vote_cases[_i].answers, vote_cases[_i].zipf, multi_ps, NMULTI, "1..12");
}
END_TEST

/* The brute force by count vectors is cheap enough to check the generating-function tables well
** beyond K = 12 too. */
START_TEST(vote_multi_larger_K)
{
    static const double ps[] = {0.1, 0.3, 0.36, 0.45, 0.6};
    check_multi_vote(3, 1.5, ps, 5, "13,50,101,200,400");
    check_multi_vote(3, 0, ps, 5, "64,150");
    check_multi_vote(4, 0, ps, 5, "30,61,100");
    check_multi_vote(5, 1.1, ps, 5, "2,7,20,40");
    /* The largest budget exact mode takes with M > 2 (long double range): one component, as its
    ** win table alone takes ~1.5 s under the sanitizers. */
    static const double p_mid[] = {0.34};
    check_multi_vote(3, 0, p_mid, 1, "1500");
}
END_TEST

/* The sequence-by-sequence filter-vote enumeration with a judge that keeps everything is plain
** vote: a check that the two brute forces (count vectors and sequences) agree. */
START_TEST(brute_forces_agree)
{
    double s[3];
    shares(3, 1.5, s);
    for (size_t K = 1; K <= 7; K++) {
        curve a = curve_vote_brute(K, s, 3);
        curve b = curve_filter_brute(K, s, 3, 1, 1);
        curve c = curve_filter_brute(K, s, 3, 0, 0);
        for (size_t i = 0; i <= K; i++) {
            SANE(a.h[i], b.h[i], 1e-14);
            SANE(a.h[i], c.h[i], 1e-14);
        }
        curve_free(&a);
        curve_free(&b);
        curve_free(&c);
    }
    for (size_t K = 1; K <= 9; K++) {
        curve a = curve_binary_vote(K), b = curve_vote_brute(K, (const double[]){1.0}, 1);
        curve o = curve_open_vote(K), of = curve_filter_brute(K, NULL, 0, 1, 1);
        for (size_t i = 0; i <= K; i++) {
            SANE(a.h[i], b.h[i], 1e-14);
            SANE(o.h[i], of.h[i], 1e-14);
        }
        curve_free(&a);
        curve_free(&b);
        curve_free(&o);
        curve_free(&of);
    }
}
END_TEST

/* ---- 3. filter-vote, fixed p ------------------------------------------------------------- */

static void check_filter(int M, double zipf_s, double tpr, double fpr, size_t kmax)
{
    static const double ps[] = {0.1, 0.3, 0.45, 0.5, 0.6, 0.9, 0, 1};
    const size_t np = sizeof ps / sizeof ps[0];
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = 1..%zu\n", kmax);
    if (M)
        add(&t, "answers = %d\n", M);
    else
        add(&t, "answers = open\n");
    add(&t, "\n[judge]\ntpr = %.17g\nfpr = %.17g\n\n", tpr, fpr);
    for (size_t i = 0; i < np; i++) {
        add(&t, "[population.c%zu]\np_correct = %.17g\n", i, ps[i]);
        if (zipf_s > 0)
            add(&t, "wrong = zipf(%.17g)\n", zipf_s);
        add(&t, "\n");
    }
    add(&t, "[strategy.filter_vote]\n");
    xrun x;
    xrun_exact(&x, t.buf);
    size_t r = M ? (size_t)M - 1 : 0;
    double s[MAXCAT];
    shares(r, zipf_s, s);
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        size_t K = x.ex.budgets[b];
        curve cv = curve_filter_brute(K, s, r, tpr, fpr);
        double all = 0;
        for (size_t i = 0; i < np; i++) {
            double F = curve_at(&cv, ps[i]);
            all += F / (double)np;
            CLOSE(xacc(&x, 0, b, i + 1), F, TOL, "filter M=%d zipf=%g tpr=%g fpr=%g K=%zu p=%g", M,
                  zipf_s, tpr, fpr, K, ps[i]);
        }
        CLOSE(xacc(&x, 0, b, 0), all, TOL, "filter M=%d K=%zu all", M, K);
        curve_free(&cv);
    }
    xrun_free(&x);
}

static const double judges[][2] = {{0.8, 0.3}, {0.6, 0.5}, {1, 0}, {0, 0}, {1, 1}, {0.3, 0.9}, {0.95, 0.02}};
#define NJUDGES (sizeof judges / sizeof judges[0])

/* Filter-vote against its brute force, for every judge, over (answers, zipf exponent, largest K):
** binary, three uniform, three Zipf(1.5) and the open answer space. */
static const struct {
    int answers;
    double zipf;
    size_t kmax;
} filter_cases[] = {{2, 0, 8}, {3, 0, 8}, {3, 1.5, 7}, {0, 0, 7}};

START_TEST(filter_vote_brute_force)
{
    for (size_t j = 0; j < NJUDGES; j++)
        check_filter(filter_cases[_i].answers, filter_cases[_i].zipf, judges[j][0], judges[j][1],
                     filter_cases[_i].kmax);
}
END_TEST

/* A judge setting a component overrides applies to that component only. */
START_TEST(filter_vote_component_judges)
{
    const char *ini = "[experiment]\nbudgets = 1..6\nanswers = 3\n\n"
                      "[judge]\ntpr = 0.7\nfpr = 0.2\n\n"
                      "[population.a]\nweight = 1\np_correct = 0.45\n\n"
                      "[population.b]\nweight = 3\np_correct = 0.3\ntpr = 0.5\nfpr = 0.4\n\n"
                      "[strategy.vote]\n[strategy.filter_vote]\n";
    xrun x;
    xrun_exact(&x, ini);
    double s[2];
    shares(2, 0, s);
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        size_t K = x.ex.budgets[b];
        curve v = curve_vote_brute(K, s, 2);
        curve fa = curve_filter_brute(K, s, 2, 0.7, 0.2), fb = curve_filter_brute(K, s, 2, 0.5, 0.4);
        double va = curve_at(&v, 0.45), vb = curve_at(&v, 0.3);
        double Fa = curve_at(&fa, 0.45), Fb = curve_at(&fb, 0.3);
        CLOSE(xacc(&x, 0, b, 1), va, TOL, "vote a K=%zu", K);
        CLOSE(xacc(&x, 0, b, 2), vb, TOL, "vote b K=%zu", K);
        CLOSE(xacc(&x, 0, b, 0), 0.25 * va + 0.75 * vb, TOL, "vote all K=%zu", K);
        CLOSE(xacc(&x, 1, b, 1), Fa, TOL, "filter a K=%zu", K);
        CLOSE(xacc(&x, 1, b, 2), Fb, TOL, "filter b K=%zu", K);
        CLOSE(xacc(&x, 1, b, 0), 0.25 * Fa + 0.75 * Fb, TOL, "filter all K=%zu", K);
        curve_free(&v);
        curve_free(&fa);
        curve_free(&fb);
    }
    xrun_free(&x);
}
END_TEST

/* ---- 4. beta components ------------------------------------------------------------------ */

static const double betas[][2] = {{2, 3}, {0.5, 2}, {0.3, 0.7}, {5, 1}, {1, 1}, {0.8, 0.8}, {20, 30}};
#define NBETAS (sizeof betas / sizeof betas[0])

static void beta_population(text *t, const char *extra)
{
    for (size_t i = 0; i < NBETAS; i++)
        add(t, "[population.b%zu]\nweight = %zu\np_correct = beta(%.17g,%.17g)\n%s\n", i, i + 1,
            betas[i][0], betas[i][1], extra);
}

/* vote (strategy 0) and, if curves for it are given, a second strategy (1), per beta component */
typedef curve (*curve_fn)(size_t K, const void *arg);

static void check_beta(const char *ini, curve_fn f0, const void *a0, curve_fn f1, const void *a1,
                       const char *what)
{
    xrun x;
    xrun_exact(&x, ini);
    ck_assert_uint_eq(x.ex.ncomp, NBETAS);
    double wsum = (double)(NBETAS * (NBETAS + 1) / 2);
    for (size_t s = 0; s < (f1 ? 2u : 1u); s++)
        for (size_t b = 0; b < x.ex.nbudgets; b++) {
            size_t K = x.ex.budgets[b];
            curve cv = s == 0 ? f0(K, a0) : f1(K, a1);
            double all = 0;
            for (size_t i = 0; i < NBETAS; i++) {
                double F = curve_beta(&cv, betas[i][0], betas[i][1]);
                all += (double)(i + 1) / wsum * F;
                CLOSE(xacc(&x, s, b, i + 1), F, TOL, "%s strategy %zu K=%zu beta(%g,%g)", what, s, K,
                      betas[i][0], betas[i][1]);
            }
            CLOSE(xacc(&x, s, b, 0), all, TOL, "%s strategy %zu K=%zu all", what, s, K);
            curve_free(&cv);
        }
    xrun_free(&x);
}

static curve mk_binary(size_t K, const void *arg)
{
    (void)arg;
    return curve_binary_vote(K);
}

typedef struct vote_arg {
    size_t r;
    double s[MAXCAT];
} vote_arg;

static curve mk_vote(size_t K, const void *arg)
{
    const vote_arg *v = arg;
    return curve_vote_brute(K, v->s, v->r);
}

typedef struct filter_arg {
    size_t r;
    double s[MAXCAT], t, f;
} filter_arg;

static curve mk_filter(size_t K, const void *arg)
{
    const filter_arg *v = arg;
    return curve_filter_brute(K, v->s, v->r, v->t, v->f);
}

static curve mk_open(size_t K, const void *arg)
{
    (void)arg;
    return curve_open_vote(K);
}

START_TEST(beta_binary_vote)
{
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = 1,2,3,4,7,10,25,64,101,400\nanswers = 2\n\n");
    beta_population(&t, "");
    add(&t, "[strategy.vote]\n");
    check_beta(t.buf, mk_binary, NULL, NULL, NULL, "binary vote");
}
END_TEST

START_TEST(beta_m4_vote)
{
    vote_arg u = {3, {0}}, z = {3, {0}};
    shares(3, 0, u.s);
    shares(3, 1.5, z.s);
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = 1..15\nanswers = 4\n\n");
    beta_population(&t, "");
    add(&t, "[strategy.vote]\n");
    check_beta(t.buf, mk_vote, &u, NULL, NULL, "M=4 uniform vote");
    t.len = 0;
    add(&t, "[experiment]\nbudgets = 1,2,5,9,15,40\nanswers = 4\n\n");
    beta_population(&t, "wrong = zipf(1.5)\n");
    add(&t, "[strategy.vote]\n");
    check_beta(t.buf, mk_vote, &z, NULL, NULL, "M=4 zipf vote");
}
END_TEST

START_TEST(beta_filter_vote)
{
    filter_arg f2 = {1, {1.0}, 0.8, 0.3}, f3 = {2, {0}, 0.8, 0.3};
    vote_arg v3 = {2, {0}};
    shares(2, 1.5, f3.s);
    shares(2, 1.5, v3.s);
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = 1..8\nanswers = 2\n\n");
    beta_population(&t, "");
    add(&t, "[strategy.vote]\n[strategy.filter_vote]\n");
    check_beta(t.buf, mk_binary, NULL, mk_filter, &f2, "M=2 beta");
    t.len = 0;
    add(&t, "[experiment]\nbudgets = 1..7\nanswers = 3\n\n");
    beta_population(&t, "wrong = zipf(1.5)\n");
    add(&t, "[strategy.vote]\n[strategy.filter_vote]\n");
    check_beta(t.buf, mk_vote, &v3, mk_filter, &f3, "M=3 zipf beta");
}
END_TEST

/* ---- 5. open answer space ---------------------------------------------------------------- */

START_TEST(open_uniform_vote)
{
    static const double ps[] = {0.01, 0.1, 0.3, 0.5, 0.9, 0, 1};
    const size_t np = sizeof ps / sizeof ps[0];
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = 1,2,3,5,10,100,1000\nanswers = open\n\n");
    for (size_t i = 0; i < np; i++)
        add(&t, "[population.c%zu]\np_correct = %.17g\n\n", i, ps[i]);
    add(&t, "[strategy.vote]\n");
    xrun x;
    xrun_exact(&x, t.buf);
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        size_t K = x.ex.budgets[b];
        double all = 0;
        for (size_t i = 0; i < np; i++) {
            /* P(c >= 2) + P(c = 1) / K */
            double p0 = gsl_ran_binomial_pdf(0, ps[i], (unsigned)K);
            double p1 = gsl_ran_binomial_pdf(1, ps[i], (unsigned)K);
            double F = 1 - p0 - p1 + p1 / (double)K;
            all += F / (double)np;
            CLOSE(xacc(&x, 0, b, i + 1), F, TOL, "open vote K=%zu p=%g", K, ps[i]);
        }
        CLOSE(xacc(&x, 0, b, 0), all, TOL, "open vote K=%zu all", K);
    }
    xrun_free(&x);

    /* Beta components: the beta-binomial sum of the same curve. */
    t.len = 0;
    add(&t, "[experiment]\nbudgets = 1,2,3,8,50,300\nanswers = open\n\n");
    beta_population(&t, "");
    add(&t, "[strategy.vote]\n");
    check_beta(t.buf, mk_open, NULL, NULL, NULL, "open vote beta");
}
END_TEST

/* ---- 6. quantile bins -------------------------------------------------------------------- */

typedef struct qarg {
    const curve *cv;
    double a, b;
} qarg;

static double q_integrand(double p, void *v)
{
    const qarg *q = v;
    return curve_at(q->cv, p) * gsl_ran_beta_pdf(p, q->a, q->b);
}

/* Integral of F(K; p) Beta(a,b)-density over [lo, hi], by QAGS. */
static double quad_beta(const curve *cv, double a, double b, double lo, double hi)
{
    if (!(hi > lo))
        return 0;
    qarg q = {cv, a, b};
    gsl_function fn = {q_integrand, &q};
    gsl_integration_workspace *ws = gsl_integration_workspace_alloc(1000);
    double res, err;
    int rc = gsl_integration_qags(&fn, lo, hi, 1e-14, 1e-12, 1000, ws, &res, &err);
    gsl_integration_workspace_free(ws);
    ck_assert_msg(rc == 0 && err < 1e-11, "qags rc %d err %g", rc, err);
    return res;
}

START_TEST(quantile_bins_beta)
{
    const double a = 2, b = 3;
    const char *ini = "[experiment]\nbudgets = 1,2,3,5,8\nanswers = 2\nbins = quantiles:4\n\n"
                      "[judge]\ntpr = 0.8\nfpr = 0.3\n\n"
                      "[population.only]\np_correct = beta(2,3)\n\n"
                      "[strategy.vote]\n[strategy.filter_vote]\n";
    xrun x;
    xrun_exact(&x, ini);
    ck_assert_uint_eq(x.res.nbins, 4);
    for (size_t s = 0; s < 2; s++)
        for (size_t bi = 0; bi < x.ex.nbudgets; bi++) {
            size_t K = x.ex.budgets[bi];
            curve cv = s == 0 ? curve_binary_vote(K) : curve_filter_brute(K, (const double[]){1.0}, 1, 0.8, 0.3);
            if (s == 0)
                for (double p = 0.05; p < 1; p += 0.1)
                    SANE(curve_at(&cv, p), binary_vote(K, p), 1e-14);
            double mean = 0, whole = 0;
            for (size_t i = 0; i < 4; i++) {
                double lo = gsl_cdf_beta_Pinv(1 - (double)(i + 1) / 4, a, b);
                double hi = gsl_cdf_beta_Pinv(1 - (double)i / 4, a, b);
                double want = 4 * quad_beta(&cv, a, b, lo, hi);
                SANE(want, 4 * curve_beta_part(&cv, a, b, lo, hi), 1e-11);
                double got = xacc(&x, s, bi, i + 1);
                CLOSE(got, want, TOL, "strategy %zu K=%zu q%zu", s, K, i + 1);
                mean += got / 4;
                whole += want / 4;
            }
            /* q1 is the easiest */
            ck_assert(xacc(&x, s, bi, 1) >= xacc(&x, s, bi, 4));
            CLOSE(xacc(&x, s, bi, 0), mean, 1e-12, "strategy %zu K=%zu mean of bins = all", s, K);
            CLOSE(xacc(&x, s, bi, 0), curve_beta(&cv, a, b), TOL, "strategy %zu K=%zu all", s, K);
            SANE(whole, curve_beta(&cv, a, b), 1e-11);
            curve_free(&cv);
        }
    xrun_free(&x);
}
END_TEST

/* A density singular at 0, M = 3 zipf shares, five bins: the closed form over each p-interval. */
START_TEST(quantile_bins_beta_singular)
{
    const double a = 0.6, b = 1.2;
    const char *ini = "[experiment]\nbudgets = 1,4,9,30\nanswers = 3\nbins = quantiles:5\n\n"
                      "[population.only]\np_correct = beta(0.6,1.2)\nwrong = zipf(1.5)\n\n"
                      "[strategy.vote]\n";
    xrun x;
    xrun_exact(&x, ini);
    double s[2];
    shares(2, 1.5, s);
    for (size_t bi = 0; bi < x.ex.nbudgets; bi++) {
        size_t K = x.ex.budgets[bi];
        curve cv = curve_vote_brute(K, s, 2);
        double mean = 0;
        for (size_t i = 0; i < 5; i++) {
            double lo = gsl_cdf_beta_Pinv(1 - (double)(i + 1) / 5, a, b);
            double hi = gsl_cdf_beta_Pinv(1 - (double)i / 5, a, b);
            double want = 5 * curve_beta_part(&cv, a, b, lo, hi);
            double got = xacc(&x, 0, bi, i + 1);
            CLOSE(got, want, TOL, "K=%zu q%zu", K, i + 1);
            mean += got / 5;
        }
        CLOSE(xacc(&x, 0, bi, 0), mean, 1e-12, "K=%zu mean of bins = all", K);
        CLOSE(xacc(&x, 0, bi, 0), curve_beta(&cv, a, b), TOL, "K=%zu all", K);
        curve_free(&cv);
    }
    xrun_free(&x);
}
END_TEST

/* A population of atoms (fixed p) and at most one beta component, binned into N quantiles by
** the randomised PIT: in u, the atom at p0 spans [G(p0-), G(p0)] and the beta's p maps to
** u = G(p). Bin i is u in [1 - (i+1)/N, 1 - i/N]; its value is N x (the bin's share of each atom x
** F(p0) + the integral of F over the beta's part of the bin). */
typedef struct mix {
    size_t natoms;
    double ap[4], aw[4]; /* atom p and weight (weights normalised) */
    double bw, a, b;     /* beta component weight (0: none) */
} mix;

static double mix_cdf(const mix *m, double x, int strict)
{
    double G = m->bw > 0 ? m->bw * gsl_cdf_beta_P(x, m->a, m->b) : 0;
    for (size_t k = 0; k < m->natoms; k++)
        if (strict ? m->ap[k] < x : m->ap[k] <= x)
            G += m->aw[k];
    return G;
}

/* The p at which the mixture CDF reaches u on a stretch where only the beta moves. */
static double mix_beta_p(const mix *m, double u)
{
    double lo = 0, hi = 1;
    for (int it = 0; it < 200; it++) {
        double mid = 0.5 * (lo + hi);
        if (mix_cdf(m, mid, 0) < u)
            lo = mid;
        else
            hi = mid;
    }
    return 0.5 * (lo + hi);
}

static double mix_bin(const mix *m, const curve *cv, size_t N, size_t i)
{
    double ulo = 1 - (double)(i + 1) / (double)N, uhi = 1 - (double)i / (double)N;
    double v = 0;
    for (size_t k = 0; k < m->natoms; k++) {
        double lo = mix_cdf(m, m->ap[k], 1), hi = mix_cdf(m, m->ap[k], 0);
        double ov = fmin(uhi, hi) - fmax(ulo, lo);
        if (ov > 0)
            v += ov * curve_at(cv, m->ap[k]);
    }
    if (m->bw > 0) {
        /* the beta's stretches in u lie between the atoms' spans */
        double edges[10];
        size_t ne = 0;
        edges[ne++] = 0;
        for (size_t k = 0; k < m->natoms; k++) {
            edges[ne++] = mix_cdf(m, m->ap[k], 1);
            edges[ne++] = mix_cdf(m, m->ap[k], 0);
        }
        edges[ne++] = 1;
        for (size_t e = 0; e + 1 < ne; e += 2) {
            double u0 = fmax(ulo, edges[e]), u1 = fmin(uhi, edges[e + 1]);
            if (u1 > u0)
                v += m->bw * quad_beta(cv, m->a, m->b, mix_beta_p(m, u0), mix_beta_p(m, u1));
        }
    }
    return v * (double)N;
}

static void check_mix(const mix *m, size_t N, const char *ini)
{
    xrun x;
    xrun_exact(&x, ini);
    ck_assert_uint_eq(x.res.nbins, N);
    for (size_t bi = 0; bi < x.ex.nbudgets; bi++) {
        size_t K = x.ex.budgets[bi];
        curve cv = curve_binary_vote(K);
        double mean = 0;
        for (size_t i = 0; i < N; i++) {
            double got = xacc(&x, 0, bi, i + 1);
            CLOSE(got, mix_bin(m, &cv, N, i), TOL, "K=%zu q%zu", K, i + 1);
            mean += got / (double)N;
        }
        CLOSE(xacc(&x, 0, bi, 0), mean, 1e-12, "K=%zu mean of bins = all", K);
        curve_free(&cv);
    }
    xrun_free(&x);
}

START_TEST(quantile_bins_atoms)
{
    /* weights 0.5/0.5, quantiles:4: q1, q2 hold the higher p, q3, q4 the lower */
    const char *ini = "[experiment]\nbudgets = 1,2,3,5,9,20\nbins = quantiles:4\n\n"
                      "[population.hard]\nweight = 0.5\np_correct = 0.3\n\n"
                      "[population.easy]\nweight = 0.5\np_correct = 0.8\n\n[strategy.vote]\n";
    xrun x;
    xrun_exact(&x, ini);
    for (size_t bi = 0; bi < x.ex.nbudgets; bi++) {
        size_t K = x.ex.budgets[bi];
        double hi = binary_vote(K, 0.8), lo = binary_vote(K, 0.3);
        CLOSE(xacc(&x, 0, bi, 1), hi, TOL, "K=%zu q1", K);
        CLOSE(xacc(&x, 0, bi, 2), hi, TOL, "K=%zu q2", K);
        CLOSE(xacc(&x, 0, bi, 3), lo, TOL, "K=%zu q3", K);
        CLOSE(xacc(&x, 0, bi, 4), lo, TOL, "K=%zu q4", K);
        CLOSE(xacc(&x, 0, bi, 0), 0.5 * (hi + lo), TOL, "K=%zu all", K);
    }
    xrun_free(&x);

    /* The same two atoms in three bins: the middle one is half each. */
    mix m = {2, {0.3, 0.8}, {0.5, 0.5}, 0, 0, 0};
    check_mix(&m, 3, "[experiment]\nbudgets = 1,2,3,5,9,20\nbins = quantiles:3\n\n"
                     "[population.hard]\nweight = 0.5\np_correct = 0.3\n\n"
                     "[population.easy]\nweight = 0.5\np_correct = 0.8\n\n[strategy.vote]\n");
    /* Weights 0.3 (p = 0.9) / 0.7 (p = 0.35): q2 is 1/5 easy, 4/5 hard. */
    mix m2 = {2, {0.9, 0.35}, {0.3, 0.7}, 0, 0, 0};
    check_mix(&m2, 4, "[experiment]\nbudgets = 1,2,3,5,9,20\nbins = quantiles:4\n\n"
                      "[population.easy]\nweight = 3\np_correct = 0.9\n\n"
                      "[population.hard]\nweight = 7\np_correct = 0.35\n\n[strategy.vote]\n");
    /* Three atoms, one in the middle of the order, five bins. */
    mix m3 = {3, {0.2, 0.9, 0.55}, {0.25, 0.35, 0.4}, 0, 0, 0};
    check_mix(&m3, 5, "[experiment]\nbudgets = 1,4,7,16\nbins = quantiles:5\n\n"
                      "[population.a]\nweight = 0.25\np_correct = 0.2\n\n"
                      "[population.b]\nweight = 0.35\np_correct = 0.9\n\n"
                      "[population.c]\nweight = 0.4\np_correct = 0.55\n\n[strategy.vote]\n");
}
END_TEST

START_TEST(quantile_bins_beta_and_atom)
{
    /* Beta(2,3) with weight 0.5 and an atom at p = 0.6 with weight 0.5: the atom spans u in
    ** [0.5 I_0.6(2,3), 0.5 I_0.6(2,3) + 0.5], across bin edges. */
    mix m = {1, {0.6}, {0.5}, 0.5, 2, 3};
    check_mix(&m, 4, "[experiment]\nbudgets = 1,2,3,6,11\nbins = quantiles:4\n\n"
                     "[population.spread]\nweight = 1\np_correct = beta(2,3)\n\n"
                     "[population.spike]\nweight = 1\np_correct = 0.6\n\n[strategy.vote]\n");
    mix m2 = {2, {0.15, 0.7}, {0.2, 0.3}, 0.5, 0.7, 0.9};
    check_mix(&m2, 6, "[experiment]\nbudgets = 1,2,5,10\nbins = quantiles:6\n\n"
                      "[population.spread]\nweight = 0.5\np_correct = beta(0.7,0.9)\n\n"
                      "[population.low]\nweight = 0.2\np_correct = 0.15\n\n"
                      "[population.high]\nweight = 0.3\np_correct = 0.7\n\n[strategy.vote]\n");
}
END_TEST

/* ---- 7. unsupported cases ---------------------------------------------------------------- */

static void check_unsupported(const char *ini, int line_lo, int line_hi, const char *what)
{
    xrun x;
    cs_error err;
    int rc = xrun_try(&x, ini, &err);
    ck_assert_msg(rc == CS_ERR_UNSUPPORTED, "%s: rc %d (want CS_ERR_UNSUPPORTED): %s", what, rc,
                  err.msg);
    ck_assert_str_eq(err.file, x.path);
    ck_assert_msg(err.line >= line_lo && err.line <= line_hi,
                  "%s: err.line %d, want the offending section (lines %d..%d): %s", what, err.line,
                  line_lo, line_hi, err.msg);
    ck_assert_msg(strlen(err.msg) > 0, "%s: empty message", what);
    xrun_free(&x);
}

/* Each case with the lines the error must point into: from the first line starting `from` to the
** first starting `to` (the offending section, or [experiment]'s header to its answers line). */
static const struct {
    const char *what, *ini, *from, *to;
} unsupported[] = {
    {"dirichlet",
     "; wrong shares drawn per query have no exact form\n"
     "[experiment]\nbudgets = 1,3\nanswers = 3\n\n"
     "[population.fine]\np_correct = 0.7\n\n"
     "[population.drawn]\np_correct = 0.4\nwrong = dirichlet(0.5)\n\n"
     "[strategy.vote]\n",
     "[population.drawn]", "[population.drawn]"},
    {"open + zipf",
     "[experiment]\nbudgets = 1,3\nanswers = open\n\n"
     "[population.fine]\np_correct = 0.7\n\n"
     "[population.skewed]\np_correct = 0.4\nwrong = zipf(1.5)\n\n"
     "[strategy.vote]\n",
     "[population.skewed]", "[population.skewed]"},
    {"M=4 budget 2000",
     "; more than two answers: exact up to budget 1500\n\n"
     "[experiment]\nname = big\nbudgets = 1,2000\nanswers = 4\n\n"
     "[population.p]\np_correct = 0.5\n\n[strategy.vote]\n",
     "[experiment]", "answers"},
    {"M=70",
     "; too many wrong answers\n\n"
     "[experiment]\nname = wide\nbudgets = 1,2\nanswers = 70\n\n"
     "[population.p]\np_correct = 0.5\n\n[strategy.vote]\n",
     "[experiment]", "answers"},
};

START_TEST(unsupported_cases)
{
    const char *ini = unsupported[_i].ini;
    check_unsupported(ini, line_of(ini, unsupported[_i].from), line_of(ini, unsupported[_i].to),
                      unsupported[_i].what);
}
END_TEST

/* The binary case has no such limit: K = 2000 with M = 2 runs. */
START_TEST(binary_big_budget_supported)
{
    xrun x;
    xrun_exact(&x, "[experiment]\nbudgets = 2000\nanswers = 2\n[population.p]\np_correct = 0.49\n");
    CLOSE(xacc(&x, 0, 0, 0), binary_vote(2000, 0.49), TOL, "binary K=2000");
    xrun_free(&x);
}
END_TEST

/* ---- 8. calls, tokens and FLOPs ---------------------------------------------------------- */

static void check_cost(const cs_cell *c, double calls, double tokens, double flops, const char *what)
{
    ck_assert(c->n > 0);
    CLOSE(c->calls / c->n, calls, 1e-12 * calls, "%s calls", what);
    CLOSE(c->tokens / c->n, tokens, 1e-12 * tokens, "%s tokens", what);
    ck_assert_msg(fabs(c->flops / c->n - flops) <= 1e-12 * flops, "%s flops %.17g want %.17g", what,
                  c->flops / c->n, flops);
}

START_TEST(costs)
{
    const double gt = 300, gp = 7e9, jt = 40, jp = 1e9, bt = 500, bjt = 80;
    const char *ini = "[experiment]\nbudgets = 1,2,7,64\nanswers = 3\n\n"
                      "[generator]\ntokens = 300\nparams = 7e9\n\n"
                      "[judge]\ntokens = 40\nparams = 1e9\n\n"
                      "[population.a]\nweight = 1\np_correct = 0.7\n\n"
                      "[population.b]\nweight = 3\np_correct = beta(2,2)\ntokens = 500\njudge_tokens = 80\n\n"
                      "[strategy.vote]\n[strategy.filter_vote]\n";
    xrun x;
    xrun_exact(&x, ini);
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        double K = (double)x.ex.budgets[b];
        /* vote: K calls, K tokens each call, 2 params tokens per call */
        double va[3] = {K, K * gt, 2 * gp * gt * K}, vb[3] = {K, K * bt, 2 * gp * bt * K};
        /* filter_vote: K generations and K judge calls */
        double fa[3] = {2 * K, K * gt + K * jt, 2 * gp * gt * K + 2 * jp * jt * K};
        double fb[3] = {2 * K, K * bt + K * bjt, 2 * gp * bt * K + 2 * jp * bjt * K};
        check_cost(xcell(&x, 0, b, 1), va[0], va[1], va[2], "vote a");
        check_cost(xcell(&x, 0, b, 2), vb[0], vb[1], vb[2], "vote b");
        check_cost(xcell(&x, 0, b, 0), K, 0.25 * va[1] + 0.75 * vb[1], 0.25 * va[2] + 0.75 * vb[2],
                   "vote all");
        check_cost(xcell(&x, 1, b, 1), fa[0], fa[1], fa[2], "filter a");
        check_cost(xcell(&x, 1, b, 2), fb[0], fb[1], fb[2], "filter b");
        check_cost(xcell(&x, 1, b, 0), 2 * K, 0.25 * fa[1] + 0.75 * fb[1],
                   0.25 * fa[2] + 0.75 * fb[2], "filter all");
    }
    xrun_free(&x);

    /* Default judge = the generator: filter-vote costs 2K calls, 2K tokens, 4 params tokens K. */
    xrun_exact(&x, "[experiment]\nbudgets = 1,5,33\n\n[generator]\ntokens = 250\nparams = 1e10\n\n"
                   "[population.p]\np_correct = beta(3,2)\n\n[strategy.vote]\n[strategy.filter_vote]\n");
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        double K = (double)x.ex.budgets[b];
        for (size_t bin = 0; bin <= 1; bin++) {
            check_cost(xcell(&x, 0, b, bin), K, K * 250, 2 * 1e10 * 250 * K, "vote default");
            check_cost(xcell(&x, 1, b, bin), 2 * K, 2 * K * 250, 4 * 1e10 * 250 * K, "filter default");
        }
    }
    xrun_free(&x);

    /* Quantile bins: each bin's cost is that of the queries in it. */
    xrun_exact(&x, "[experiment]\nbudgets = 3,10\nbins = quantiles:4\n\n"
                   "[population.hard]\nweight = 0.5\np_correct = 0.3\ntokens = 500\n\n"
                   "[population.easy]\nweight = 0.5\np_correct = 0.8\ntokens = 100\n\n"
                   "[strategy.vote]\n[strategy.filter_vote]\n");
    for (size_t b = 0; b < x.ex.nbudgets; b++) {
        double K = (double)x.ex.budgets[b], gp2 = 7e9;
        double tok[5] = {300, 100, 100, 500, 500};
        for (size_t bin = 0; bin <= 4; bin++) {
            check_cost(xcell(&x, 0, b, bin), K, K * tok[bin], 2 * gp2 * tok[bin] * K, "vote quantile");
            check_cost(xcell(&x, 1, b, bin), 2 * K, 2 * K * tok[bin], 4 * gp2 * tok[bin] * K,
                       "filter quantile");
        }
    }
    xrun_free(&x);
}
END_TEST

/* ---- suite ------------------------------------------------------------------------------- */

Suite *make_suite(void)
{
    Suite *s = suite_create("exact");
    struct {
        const char *name;
        const TTest *test;
    } groups[] = {
        {"binary", binary_vote_fixed_p},
        {"chen", chen_two_level_example},
        {"larger_K", vote_multi_larger_K},
        {"brute_forces", brute_forces_agree},
        {"filter_components", filter_vote_component_judges},
        {"beta_binary", beta_binary_vote},
        {"beta_m4", beta_m4_vote},
        {"beta_filter", beta_filter_vote},
        {"open", open_uniform_vote},
        {"quantiles_beta", quantile_bins_beta},
        {"quantiles_singular", quantile_bins_beta_singular},
        {"quantiles_atoms", quantile_bins_atoms},
        {"quantiles_mixture", quantile_bins_beta_and_atom},
        {"binary_2000", binary_big_budget_supported},
        {"costs", costs},
    };
    for (size_t i = 0; i < sizeof groups / sizeof groups[0]; i++) {
        TCase *tc = tcase_create(groups[i].name);
        tcase_set_timeout(tc, 120);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_test(tc, groups[i].test);
        suite_add_tcase(s, tc);
    }
    /* one test case per row of a table of cases */
    struct {
        const char *name;
        const TTest *test;
        int n;
    } loops[] = {
        {"vote_brute_force", vote_multi_brute_force,
         (int)(sizeof vote_cases / sizeof vote_cases[0])},
        {"filter_brute_force", filter_vote_brute_force,
         (int)(sizeof filter_cases / sizeof filter_cases[0])},
        {"unsupported", unsupported_cases, (int)(sizeof unsupported / sizeof unsupported[0])},
    };
    for (size_t i = 0; i < sizeof loops / sizeof loops[0]; i++) {
        TCase *tc = tcase_create(loops[i].name);
        tcase_set_timeout(tc, 120);
        tcase_add_checked_fixture(tc, setup, teardown);
        tcase_add_loop_test(tc, loops[i].test, 0, loops[i].n);
        suite_add_tcase(s, tc);
    }
    return s;
}
