/*
** Tests of include/callscale/explain.h.
**
** Two-level binary closed form: for parameter sets chosen by the conditions of DESIGN.md section 1
** to give each of the four shapes, the shape is compared with the curve
** F(K) = alpha P(Bin(K,p1) > K/2) + (1-alpha) P(Bin(K,p2) > K/2) computed here over odd K = 1..401,
** and the turning point with the curve's argmax / argmin.
**
** cs_explain_run: easy fractions and vote limits of components loaded from temporary INI files,
** against values derived here (binomial identities for the regularised incomplete beta function,
** closed forms for uniform spacings, a Simpson rule, and an own Monte Carlo estimate).
*/
#include "testutil.h"

#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_math.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "callscale/experiment.h"
#include "callscale/explain.h"

/* ---- two-level binary: an independent curve ----------------------------------------------- */

#define KMAX 401
/* Differences of F below this size are rounding noise: F is a sum of terms near 0 and near 1. */
#define NOISE 1e-12

/* P(Bin(K,p) > K/2) for odd K: more than (K-1)/2 successes. */
static double maj(long K, double p)
{
    return gsl_cdf_binomial_Q((unsigned)((K - 1) / 2), p, (unsigned)K);
}

static double curve(double alpha, double p1, double p2, long K)
{
    return alpha * maj(K, p1) + (1 - alpha) * maj(K, p2);
}

/* Shape of F over odd K = 1..KMAX read from the signs of its significant differences. */
static int curve_shape(double alpha, double p1, double p2)
{
    int first = 0, changes = 0, last = 0;
    double prev = curve(alpha, p1, p2, 1);
    for (long K = 3; K <= KMAX; K += 2) {
        double f = curve(alpha, p1, p2, K), d = f - prev;
        prev = f;
        if (fabs(d) < NOISE)
            continue;
        int s = d > 0 ? 1 : -1;
        if (!first)
            first = s;
        else if (s != last)
            changes++;
        last = s;
    }
    ck_assert_msg(changes <= 1, "F changes direction %d times (alpha=%g p1=%g p2=%g)", changes,
                  alpha, p1, p2);
    ck_assert_msg(first != 0, "F is flat (alpha=%g p1=%g p2=%g)", alpha, p1, p2);
    if (changes == 0)
        return first > 0 ? CS_SHAPE_RISING : CS_SHAPE_FALLING;
    return first > 0 ? CS_SHAPE_RISE_FALL : CS_SHAPE_FALL_RISE;
}

/* Odd K in 1..KMAX where F is largest (sign = 1) or smallest (sign = -1). */
static long curve_arg(double alpha, double p1, double p2, int sign)
{
    long best = 1;
    double bv = sign * curve(alpha, p1, p2, 1);
    for (long K = 3; K <= KMAX; K += 2) {
        double v = sign * curve(alpha, p1, p2, K);
        if (v > bv) {
            bv = v;
            best = K;
        }
    }
    return best;
}

/* The shape by DESIGN.md's conditions on p1 + p2 and alpha versus 1 - 1/t. */
static int design_shape(double alpha, double p1, double p2)
{
    double q1 = 1 - p1, q2 = 1 - p2;
    double t = p2 * q2 * (0.5 - p2) / (p1 * q1 * (p1 - 0.5)) + 1, thr = 1 - 1 / t;
    if (p1 + p2 > 1)
        return alpha > thr ? CS_SHAPE_RISE_FALL : CS_SHAPE_FALLING;
    return alpha < thr ? CS_SHAPE_FALL_RISE : CS_SHAPE_RISING;
}

static double design_kstar(double alpha, double p1, double p2)
{
    return 2 * log(alpha / (1 - alpha) * (2 * p1 - 1) / (1 - 2 * p2)) /
           log(p2 * (1 - p2) / (p1 * (1 - p1)));
}

typedef struct shape_case {
    double alpha, p1, p2;
    int shape;
} shape_case;

/* Each row chosen by the DESIGN.md conditions (checked again below by design_shape); the turning
** points of the non-monotone rows lie well inside K <= 401. */
static const shape_case shape_cases[] = {
    /* rise-then-fall: p1 + p2 > 1, alpha > 1 - 1/t */
    {0.6, 0.85, 0.4, CS_SHAPE_RISE_FALL},   /* DESIGN.md example: K* = 5.2432, best K 5 */
    {0.7, 0.9, 0.3, CS_SHAPE_RISE_FALL},    /* K* = 3.64, best K 3 */
    {0.4, 0.6, 0.45, CS_SHAPE_RISE_FALL},   /* K* = 18.7, best K 19 */
    {0.8, 0.7, 0.45, CS_SHAPE_RISE_FALL},   /* K* = 33.75, best K 33 */
    {0.9, 0.6, 0.45, CS_SHAPE_RISE_FALL},   /* K* = 187.9, best K 187 */
    /* falling: p1 + p2 > 1, alpha <= 1 - 1/t */
    {0.3, 0.9, 0.3, CS_SHAPE_FALLING},      /* threshold 0.538 */
    {0.2, 0.7, 0.4, CS_SHAPE_FALLING},      /* threshold 0.364 */
    /* fall-then-rise: p1 + p2 < 1, alpha < 1 - 1/t */
    {0.6, 0.55, 0.3, CS_SHAPE_FALL_RISE},   /* threshold 0.772, K* = 11.9, worst K 11 */
    {0.5, 0.6, 0.35, CS_SHAPE_FALL_RISE},   /* threshold 0.587, K* = 15.2, worst K 15 */
    /* rising: p1 + p2 < 1, alpha >= 1 - 1/t */
    {0.7, 0.6, 0.2, CS_SHAPE_RISING},       /* threshold 2/3 */
    {0.9, 0.55, 0.3, CS_SHAPE_RISING},      /* threshold 0.772 */
};
#define NSHAPE (sizeof shape_cases / sizeof shape_cases[0])

START_TEST(test_shape_matches_curve)
{
    const shape_case *c = &shape_cases[_i];
    ck_assert_int_eq(design_shape(c->alpha, c->p1, c->p2), c->shape); /* the table itself */
    cs_explain e;
    memset(&e, 0, sizeof e);
    cs_explain_two_level(c->alpha, c->p1, c->p2, &e);
    ck_assert_msg(e.shape == c->shape, "alpha=%g p1=%g p2=%g: shape %s, expected %s", c->alpha,
                  c->p1, c->p2, cs_explain_shape_name(e.shape), cs_explain_shape_name(c->shape));
    int cs = curve_shape(c->alpha, c->p1, c->p2);
    ck_assert_msg(cs == e.shape, "alpha=%g p1=%g p2=%g: curve is %s, explain says %s", c->alpha,
                  c->p1, c->p2, cs_explain_shape_name(cs), cs_explain_shape_name(e.shape));
    ck_assert_double_eq_tol(e.alpha, c->alpha, 1e-15);
    ck_assert_double_eq_tol(e.p1, c->p1, 1e-15);
    ck_assert_double_eq_tol(e.p2, c->p2, 1e-15);
    double q1 = 1 - c->p1, q2 = 1 - c->p2;
    double t = c->p2 * q2 * (0.5 - c->p2) / (c->p1 * q1 * (c->p1 - 0.5)) + 1;
    ck_assert_double_eq_tol(e.t, t, 1e-12);
    ck_assert_double_eq_tol(e.threshold, 1 - 1 / t, 1e-12);
    if (c->shape == CS_SHAPE_RISE_FALL || c->shape == CS_SHAPE_FALL_RISE) {
        double ks = design_kstar(c->alpha, c->p1, c->p2);
        ck_assert_double_eq_tol(e.kstar, ks, 1e-9 * ks);
        long arg = curve_arg(c->alpha, c->p1, c->p2, c->shape == CS_SHAPE_RISE_FALL ? 1 : -1);
        ck_assert_msg(e.best_k == arg, "alpha=%g p1=%g p2=%g: best_k %ld, curve's arg%s at K=%ld",
                      c->alpha, c->p1, c->p2, e.best_k,
                      c->shape == CS_SHAPE_RISE_FALL ? "max" : "min", arg);
        ck_assert_int_eq(e.best_k % 2, 1);
        /* DESIGN.md: the best odd K is 2 ceil(kstar / 2) - 1 */
        ck_assert_int_eq(e.best_k, 2 * (long)ceil(ks / 2) - 1);
    } else {
        ck_assert_msg(isnan(e.kstar), "monotone curve: K* should be NaN, is %g", e.kstar);
        /* monotone: the extreme sits at an end of the range */
        long amax = curve_arg(c->alpha, c->p1, c->p2, 1);
        if (c->shape == CS_SHAPE_FALLING)
            ck_assert_int_eq(amax, 1);
        else
            ck_assert_int_eq(curve_arg(c->alpha, c->p1, c->p2, -1), 1);
    }
}
END_TEST

/* The DESIGN.md example, number by number: F(1) = 0.67, F(3) = 0.7044, F(5) = 0.7110 (peak),
** K* = 5.2432 = 2 ln(5.25) / ln(0.24/0.1275), best K = 5. */
START_TEST(test_design_example)
{
    cs_explain e;
    cs_explain_two_level(0.6, 0.85, 0.4, &e);
    ck_assert_int_eq(e.shape, CS_SHAPE_RISE_FALL);
    ck_assert_str_eq(cs_explain_shape_name(e.shape), "rise-then-fall");
    ck_assert_double_eq_tol(e.kstar, 2 * log(5.25) / log(0.24 / 0.1275), 1e-12);
    ck_assert_double_eq_tol(e.kstar, 5.2432, 5e-5);
    ck_assert_int_eq(e.best_k, 5);
    /* the curve computed by hand: F(1) = .6*.85 + .4*.4; F(3) = .6*(.85^3 + 3*.85^2*.15) + .4*(.4^3 + 3*.4^2*.6) */
    ck_assert_double_eq_tol(curve(0.6, 0.85, 0.4, 1), 0.67, 1e-12);
    ck_assert_double_eq_tol(curve(0.6, 0.85, 0.4, 3),
                            0.6 * (pow(0.85, 3) + 3 * 0.85 * 0.85 * 0.15) +
                                0.4 * (pow(0.4, 3) + 3 * 0.4 * 0.4 * 0.6), 1e-12);
    ck_assert_double_eq_tol(curve(0.6, 0.85, 0.4, 5), 0.7110, 5e-5);
    ck_assert_int_eq(curve_arg(0.6, 0.85, 0.4, 1), 5);
}
END_TEST

/* p1 + p2 = 1 exactly: p1 q1 = p2 q2, so F(K+2) - F(K) has the sign of alpha - 1/2. */
START_TEST(test_symmetric_levels)
{
    cs_explain e;
    cs_explain_two_level(0.6, 0.75, 0.25, &e);
    ck_assert_int_eq(e.shape, CS_SHAPE_RISING);
    ck_assert_int_eq(curve_shape(0.6, 0.75, 0.25), CS_SHAPE_RISING);
    cs_explain_two_level(0.4, 0.75, 0.25, &e);
    ck_assert_int_eq(e.shape, CS_SHAPE_FALLING);
    ck_assert_int_eq(curve_shape(0.4, 0.75, 0.25), CS_SHAPE_FALLING);
}
END_TEST

START_TEST(test_shape_names)
{
    ck_assert_str_eq(cs_explain_shape_name(CS_SHAPE_RISING), "rising");
    ck_assert_str_eq(cs_explain_shape_name(CS_SHAPE_FALLING), "falling");
    ck_assert_str_eq(cs_explain_shape_name(CS_SHAPE_RISE_FALL), "rise-then-fall");
    ck_assert_str_eq(cs_explain_shape_name(CS_SHAPE_FALL_RISE), "fall-then-rise");
}
END_TEST

/* ---- cs_explain_run on experiment files --------------------------------------------------- */

/* Load the text as an experiment and explain it; the temporary file is removed. */
static void explain_text(const char *text, cs_experiment *ex, cs_explain *e)
{
    char path[64];
    snprintf(path, sizeof path, "%s", write_temp_ini(text));
    cs_error err;
    memset(&err, 0, sizeof err);
    int rc = cs_experiment_load(ex, path, NULL, 0, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "load failed: %s:%d: %s", err.file, err.line, err.msg);
    memset(e, 0, sizeof *e);
    rc = cs_explain_run(ex, e, &err);
    ck_assert_msg(rc == 0, "explain failed: %s:%d: %s", err.file, err.line, err.msg);
}

/* Binomial coefficient C(n, k) as a double. */
static double choose(int n, int k)
{
    double c = 1;
    for (int i = 1; i <= k; i++)
        c = c * (n - k + i) / i;
    return c;
}

/* Regularised incomplete beta for whole a, b: I_x(a, b) = P(Bin(a+b-1, x) >= a). Written out
** from the binomial sum, not from GSL's beta CDF. */
static double ibeta_int(double x, int a, int b)
{
    int n = a + b - 1;
    double s = 0;
    for (int j = a; j <= n; j++)
        s += choose(n, j) * pow(x, j) * pow(1 - x, n - j);
    return s;
}

/* Uniform wrong answers over M = 4: every wrong share is (1-p)/3, so a query is easy iff
** p > (1-p)/3, i.e. p > 1/4 = 1/M; for p ~ beta(2,5), easy = 1 - I_{1/4}(2,5)
** = P(Bin(6, 1/4) < 2) = (3/4)^6 + 6 (1/4)(3/4)^5. */
START_TEST(test_beta_uniform_m4)
{
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = 4\n"
                 "[population.b]\nweight = 3\np_correct = beta(2,5)\n"
                 "[population.f]\nweight = 1\np_correct = 0.3\n"
                 "[population.g]\nweight = 1\np_correct = 0.2\n",
                 &ex, &e);
    double easy_b = pow(0.75, 6) + 6 * 0.25 * pow(0.75, 5);
    ck_assert_double_eq_tol(easy_b, 1 - ibeta_int(0.25, 2, 5), 1e-15);
    ck_assert_double_eq_tol(e.comp[0].easy, easy_b, 1e-10);
    ck_assert_double_eq_tol(e.comp[0].limit, easy_b, 1e-10);
    ck_assert_int_eq(e.comp[0].estimated, 0);
    /* fixed p = 0.3 > 1/4: easy, vote converges to 1; p = 0.2 < 1/4: hard, converges to 0 */
    ck_assert_double_eq_tol(e.comp[1].easy, 1, 1e-15);
    ck_assert_double_eq_tol(e.comp[1].limit, 1, 1e-15);
    ck_assert_double_eq_tol(e.comp[2].easy, 0, 1e-15);
    ck_assert_double_eq_tol(e.comp[2].limit, 0, 1e-15);
    ck_assert_int_eq(e.comp[1].estimated, 0);
    /* overall: weights 3:1:1 */
    ck_assert_double_eq_tol(e.easy, 0.6 * easy_b + 0.2, 1e-10);
    ck_assert_double_eq_tol(e.limit, 0.6 * easy_b + 0.2, 1e-10);
    ck_assert_int_eq(e.shape, CS_SHAPE_NONE); /* not two-level binary */
    cs_experiment_free(&ex);
}
END_TEST

/* Several beta parameters and M: easy = 1 - I_{1/M}(a, b). */
START_TEST(test_beta_uniform_various)
{
    static const struct { int m, a, b; } cases[] = {{2, 3, 2}, {3, 1, 1}, {5, 2, 2}, {10, 1, 4}};
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[256];
        snprintf(text, sizeof text, "[experiment]\nanswers = %d\n[population.x]\np_correct = beta(%d,%d)\n",
                 cases[i].m, cases[i].a, cases[i].b);
        cs_experiment ex;
        cs_explain e;
        explain_text(text, &ex, &e);
        double want = 1 - ibeta_int(1.0 / cases[i].m, cases[i].a, cases[i].b);
        ck_assert_msg(fabs(e.comp[0].easy - want) < 1e-10, "M=%d beta(%d,%d): easy %.12f, want %.12f",
                      cases[i].m, cases[i].a, cases[i].b, e.comp[0].easy, want);
        ck_assert_double_eq_tol(e.easy, want, 1e-10);
        cs_experiment_free(&ex);
    }
}
END_TEST

/* Fixed p exactly at 1/M with uniform wrong answers: all M answers equally likely, so the correct
** answer is not the unique mode and, by symmetry, vote credit is 1/M at every K. */
START_TEST(test_uniform_tie)
{
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = 3\n[population.x]\np_correct = 0.333333333333333314829616256247\n",
                 &ex, &e);
    ck_assert_double_eq_tol(e.comp[0].easy, 0, 1e-15);
    ck_assert_double_eq_tol(e.comp[0].limit, 1.0 / 3, 1e-12);
    cs_experiment_free(&ex);
}
END_TEST

/* Zipf shares over M - 1 wrong answers: shares j^-s / H, s_max = 1/H, easy iff p > s_max (1-p),
** i.e. p > p* = s_max / (1 + s_max). */
START_TEST(test_zipf_finite)
{
    double h = 0;
    for (int j = 1; j <= 4; j++)
        h += pow(j, -1.5);
    double smax = 1 / h, pstar = smax / (1 + smax);
    /* beta(3,2): 1 - I_x(3,2) = P(Bin(4,x) < 3) = 1 - 4 x^3 (1-x) - x^4 */
    double want = 1 - 4 * pow(pstar, 3) * (1 - pstar) - pow(pstar, 4);
    ck_assert_double_eq_tol(want, 1 - ibeta_int(pstar, 3, 2), 1e-14);
    char text[512];
    snprintf(text, sizeof text,
             "[experiment]\nanswers = 5\n"
             "[population.b]\np_correct = beta(3,2)\nwrong = zipf(1.5)\n"
             "[population.above]\np_correct = %.17g\nwrong = zipf(1.5)\n"
             "[population.below]\np_correct = %.17g\nwrong = zipf(1.5)\n"
             "[population.uni]\np_correct = %.17g\n",
             pstar + 1e-3, pstar - 1e-3, pstar - 1e-3);
    cs_experiment ex;
    cs_explain e;
    explain_text(text, &ex, &e);
    ck_assert_double_eq_tol(e.comp[0].easy, want, 1e-10);
    ck_assert_int_eq(e.comp[0].estimated, 0);
    ck_assert_double_eq_tol(e.comp[1].easy, 1, 1e-15);
    ck_assert_double_eq_tol(e.comp[2].easy, 0, 1e-15);
    /* the same p with uniform wrong answers over 4 is above 1/5, so easy */
    ck_assert(pstar - 1e-3 > 0.2);
    ck_assert_double_eq_tol(e.comp[3].easy, 1, 1e-15);
    ck_assert_double_eq_tol(e.easy, 0.25 * (want + 1 + 0 + 1), 1e-10);
    cs_experiment_free(&ex);
}
END_TEST

/* Open answer space, zipf(2) over infinitely many wrong answers: s_max = 1/zeta(2) = 6/pi^2, so
** p* = 6 / (pi^2 + 6). beta(2,2): 1 - I_x(2,2) = (1-x)^3 + 3 x (1-x)^2. */
START_TEST(test_zipf_open)
{
    double pstar = 6 / (M_PI * M_PI + 6);
    double want = pow(1 - pstar, 3) + 3 * pstar * pow(1 - pstar, 2);
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = open\n"
                 "[population.b]\np_correct = beta(2,2)\nwrong = zipf(2)\n"
                 "[population.above]\np_correct = 0.39\nwrong = zipf(2)\n"
                 "[population.below]\np_correct = 0.37\nwrong = zipf(2)\n",
                 &ex, &e);
    ck_assert(0.37 < pstar && pstar < 0.39);
    ck_assert_double_eq_tol(e.comp[0].easy, want, 1e-10);
    ck_assert_double_eq_tol(e.comp[1].easy, 1, 1e-15);
    ck_assert_double_eq_tol(e.comp[2].easy, 0, 1e-15);
    ck_assert_double_eq_tol(e.comp[2].limit, 0, 1e-15);
    cs_experiment_free(&ex);
}
END_TEST

/* Open answer space, uniform: wrong answers never repeat, so any p > 0 makes the correct answer
** the mode: easy = 1 and the vote limit is 1, for fixed p and for a beta p (p > 0 a.s.). */
START_TEST(test_open_uniform)
{
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = open\n"
                 "[population.low]\np_correct = 0.05\n"
                 "[population.b]\np_correct = beta(0.5,3)\n",
                 &ex, &e);
    for (int k = 0; k < 2; k++) {
        ck_assert_double_eq_tol(e.comp[k].easy, 1, 1e-15);
        ck_assert_double_eq_tol(e.comp[k].limit, 1, 1e-15);
        ck_assert_int_eq(e.comp[k].estimated, 0);
    }
    ck_assert_double_eq_tol(e.easy, 1, 1e-15);
    cs_experiment_free(&ex);
}
END_TEST

/* Open answer space, uniform, p = 0: the correct answer is never drawn, so it is not easy and
** vote accuracy is 0 at every K (exact and run agree); the limit must be 0, not a tie share. */
START_TEST(test_open_uniform_p0)
{
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = open\n[population.never]\np_correct = 0\n", &ex, &e);
    ck_assert_double_eq_tol(e.comp[0].easy, 0, 1e-15);
    ck_assert_msg(fabs(e.comp[0].limit) < 1e-15, "p = 0: vote limit %g, expected 0", e.comp[0].limit);
    cs_experiment_free(&ex);
}
END_TEST

/* M = 3, p = 0.4, dirichlet(1) wrong shares: the two wrong answers get 0.6 U and 0.6 (1-U) with
** U uniform, so P(easy) = P(0.6 max(U, 1-U) < 0.4) = P(max < 2/3) = 1/3. The program's estimate
** from CS_EXPLAIN_DRAWS draws must be within 4 s.e.; an own Monte Carlo with GSL's Dirichlet
** sampler confirms the value. */
START_TEST(test_dirichlet_m3)
{
    const double want = 1.0 / 3, n = CS_EXPLAIN_DRAWS;
    double se = sqrt(want * (1 - want) / n);
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = 3\n"
                 "[population.d]\nweight = 1\np_correct = 0.4\nwrong = dirichlet(1)\n"
                 "[population.u]\nweight = 1\np_correct = 0.4\n",
                 &ex, &e);
    ck_assert_int_eq(e.comp[0].estimated, 1);
    ck_assert_msg(fabs(e.comp[0].easy - want) < 4 * se, "dirichlet easy %.6f, want %.6f +- %.6f",
                  e.comp[0].easy, want, 4 * se);
    /* uniform over 2 wrong answers: p* = 1/3 < 0.4, easy exactly, not estimated */
    ck_assert_int_eq(e.comp[1].estimated, 0);
    ck_assert_double_eq_tol(e.comp[1].easy, 1, 1e-15);
    ck_assert_msg(fabs(e.easy - 0.5 * (want + 1)) < 0.5 * 4 * se + 1e-12, "overall easy %.6f", e.easy);
    cs_experiment_free(&ex);

    /* own Monte Carlo */
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    gsl_rng_set(r, 20240917);
    const double alpha[2] = {1, 1};
    double th[2], hits = 0;
    for (long i = 0; i < CS_EXPLAIN_DRAWS; i++) {
        gsl_ran_dirichlet(r, 2, alpha, th);
        double m = th[0] > th[1] ? th[0] : th[1];
        hits += 0.4 > 0.6 * m;
    }
    gsl_rng_free(r);
    ck_assert_msg(fabs(hits / n - want) < 4 * se, "own Monte Carlo %.6f", hits / n);
}
END_TEST

/* M = 4, p = 0.4, dirichlet(1): the three wrong shares are uniform spacings, and
** P(max spacing > x) = 3 (1-x)^2 - 3 (1-2x)_+^2, so P(max < 2/3) = 1 - 3 (1/3)^2 = 2/3. */
START_TEST(test_dirichlet_m4)
{
    const double want = 2.0 / 3, se = sqrt(want * (1 - want) / CS_EXPLAIN_DRAWS);
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = 4\n[population.d]\np_correct = 0.4\nwrong = dirichlet(1)\n",
                 &ex, &e);
    ck_assert_int_eq(e.comp[0].estimated, 1);
    ck_assert_msg(fabs(e.comp[0].easy - want) < 4 * se, "dirichlet easy %.6f, want %.6f", e.comp[0].easy,
                  want);
    cs_experiment_free(&ex);
}
END_TEST

/* M = 3, p ~ beta(2,2), dirichlet(1): easy iff p > (1-p) m with m = max(U, 1-U) ~ U(1/2, 1), so
** P(easy | p) = clamp(2 p/(1-p) - 1, 0, 1) and P(easy) = integral of that against 6 p (1-p).
** Quadrature by Simpson's rule on [1/3, 1/2] (where the clamp is inactive) plus the mass above 1/2. */
static double easy_given_p(double p)
{
    double r = 2 * p / (1 - p) - 1;
    return r < 0 ? 0 : r > 1 ? 1 : r;
}

START_TEST(test_dirichlet_beta_quadrature)
{
    const int n = 2000; /* even */
    double a = 1.0 / 3, b = 0.5, h = (b - a) / n, s = 0;
    for (int i = 0; i <= n; i++) {
        double p = a + i * h, w = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
        s += w * easy_given_p(p) * 6 * p * (1 - p);
    }
    double want = s * h / 3 + 0.5; /* P(p > 1/2) = 1/2 for beta(2,2) */
    double se = sqrt(want * (1 - want) / CS_EXPLAIN_DRAWS);
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = 3\n[population.d]\np_correct = beta(2,2)\nwrong = dirichlet(1)\n",
                 &ex, &e);
    ck_assert_int_eq(e.comp[0].estimated, 1);
    ck_assert_msg(fabs(e.comp[0].easy - want) < 4 * se, "dirichlet+beta easy %.6f, want %.6f +- %.6f",
                  e.comp[0].easy, want, 4 * se);
    cs_experiment_free(&ex);
}
END_TEST

/* cs_explain_run on two-level binary files: the closed form is attached whichever component is
** listed first, with alpha the easy level's share; otherwise shape is NONE. */
START_TEST(test_run_two_level)
{
    cs_experiment ex;
    cs_explain e;
    explain_text("[experiment]\nanswers = 2\n"
                 "[population.hard]\nweight = 2\np_correct = 0.4\n"
                 "[population.easy]\nweight = 3\np_correct = 0.85\n",
                 &ex, &e);
    ck_assert_int_eq(e.shape, CS_SHAPE_RISE_FALL);
    ck_assert_double_eq_tol(e.alpha, 0.6, 1e-15);
    ck_assert_double_eq_tol(e.p1, 0.85, 1e-15);
    ck_assert_double_eq_tol(e.p2, 0.4, 1e-15);
    ck_assert_double_eq_tol(e.kstar, 5.2432, 5e-5);
    ck_assert_int_eq(e.best_k, 5);
    ck_assert_double_eq_tol(e.easy, 0.6, 1e-15);
    ck_assert_double_eq_tol(e.limit, 0.6, 1e-15);
    ck_assert_double_eq_tol(e.comp[0].easy, 0, 1e-15);
    ck_assert_double_eq_tol(e.comp[1].easy, 1, 1e-15);
    cs_experiment_free(&ex);

    explain_text("[experiment]\nanswers = 2\n"
                 "[population.easy]\nweight = 0.6\np_correct = 0.55\n"
                 "[population.hard]\nweight = 0.4\np_correct = 0.3\n",
                 &ex, &e);
    ck_assert_int_eq(e.shape, CS_SHAPE_FALL_RISE);
    ck_assert_int_eq(e.best_k, curve_arg(0.6, 0.55, 0.3, -1));
    cs_experiment_free(&ex);

    /* a beta component: no closed form */
    explain_text("[experiment]\nanswers = 2\n"
                 "[population.easy]\np_correct = beta(8,2)\n"
                 "[population.hard]\np_correct = 0.4\n",
                 &ex, &e);
    ck_assert_int_eq(e.shape, CS_SHAPE_NONE);
    cs_experiment_free(&ex);

    /* three answers: no closed form */
    explain_text("[experiment]\nanswers = 3\n"
                 "[population.easy]\np_correct = 0.85\n"
                 "[population.hard]\np_correct = 0.4\n",
                 &ex, &e);
    ck_assert_int_eq(e.shape, CS_SHAPE_NONE);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("explain");
    TCase *tc = tcase_create("two_level");
    tcase_add_loop_test(tc, test_shape_matches_curve, 0, (int)NSHAPE);
    tcase_add_test(tc, test_design_example);
    tcase_add_test(tc, test_symmetric_levels);
    tcase_add_test(tc, test_shape_names);
    suite_add_tcase(s, tc);

    tc = tcase_create("run");
    tcase_set_timeout(tc, 120); /* sanitized builds; Monte Carlo estimates of 200000 draws */
    tcase_add_test(tc, test_beta_uniform_m4);
    tcase_add_test(tc, test_beta_uniform_various);
    tcase_add_test(tc, test_uniform_tie);
    tcase_add_test(tc, test_zipf_finite);
    tcase_add_test(tc, test_zipf_open);
    tcase_add_test(tc, test_open_uniform);
    tcase_add_test(tc, test_open_uniform_p0);
    tcase_add_test(tc, test_dirichlet_m3);
    tcase_add_test(tc, test_dirichlet_m4);
    tcase_add_test(tc, test_dirichlet_beta_quadrature);
    tcase_add_test(tc, test_run_two_level);
    suite_add_tcase(s, tc);
    return s;
}
