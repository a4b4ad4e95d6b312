/*
** Exact mode over a grid of Beta(a, b) components, a and b from 0.05 to 1000 (concentrated, flat
** and U-shaped laws), for every strategy with an exact form, against computations done here:
** coverage's product 1 - prod_{i<N} (b+i)/(a+b+i), binary vote's beta-binomial sum, best-of-N's
** beta-binomial sum over the chance that the best of c right and N-c wrong scores is a right one
** (a Gaussian integral done here), and for the others a plain Gauss-Legendre quadrature of their
** fixed-p accuracy over the Beta density, written here, on pieces around the Beta's mass with the
** endpoint singularities taken out by the substitution p = c s^(1/a) (and 1 - p = c s^(1/b)).
*/
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include <gsl/gsl_integration.h>
#include <gsl/gsl_sf_gamma.h>
#include "testutil.h"
#include "testutil_text.h"
#include "callscale/error.h"
#include "callscale/exact.h"
#include "callscale/experiment.h"
#include "callscale/results.h"

static const double grid[] = {0.05, 0.3, 1, 3, 30, 300, 1000};
#define NGRID (sizeof grid / sizeof grid[0])
static const size_t budgets[] = {1, 2, 5, 16, 64};
#define NB (sizeof budgets / sizeof budgets[0])
#define BUDGETS "1,2,5,16,64"
/* Every strategy with an exact form but best_of_n (below: its exact form is a quadrature of a
** quadrature, a hundred times slower). */
static const char *const strategies[] = {"vote", "filter_vote", "coverage", "resample", "knockout"};
#define NS (sizeof strategies / sizeof strategies[0])
#define SETTINGS "[judge]\ntpr = 0.8\nfpr = 0.3\n[verifier]\nanswer_noise = 0\n"

/* Exact values claim 1e-9 (tests/test_exact.c); a closed form here is good to rounding. */
#define TOL_CLOSED 1e-9

static void strategies_text(text *t)
{
    for (size_t s = 0; s < NS; s++)
        add(t, "[strategy.%s]\n", strategies[s]);
}

typedef struct xrun {
    cs_experiment ex;
    cs_results res;
} xrun;

static void xrun_exact(xrun *x, const char *ini)
{
    const char *path = write_temp_ini(ini);
    cs_error err;
    int rc = cs_experiment_load(&x->ex, path, NULL, 0, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "load: %s:%d: %s", err.file, err.line, err.msg);
    ck_assert_int_eq(cs_results_init(&x->res, &x->ex), 0);
    rc = cs_exact_run(&x->ex, &x->res, &err);
    ck_assert_msg(rc == 0, "exact: %s:%d: %s", err.file, err.line, err.msg);
}

static double xacc(const xrun *x, size_t s, size_t b, size_t bin)
{
    const cs_cell *c = cs_results_cell(&x->res, s, b, bin);
    return c->sum / c->n;
}

static void xrun_free(xrun *x)
{
    cs_results_free(&x->res);
    cs_experiment_free(&x->ex);
}

/* ---- the quadrature of this test -------------------------------------------------------- */

/* Pieces around the mass: mean + k s.d. for these k, clipped to (0, 1). */
static const double knots_sd[] = {-8, -4, -2, -1, 0, 1, 2, 4, 8};
#define MAXNODES 2048
/* The end pieces, substituted, in this many panels of s (the law's mass may sit in part of it). */
#define END_PANELS 8

/* Quadrature nodes p_i and weights w_i (the Beta density folded in) of an n-point rule. */
typedef struct rule {
    double p[MAXNODES], w[MAXNODES];
    size_t n;
} rule;

static void rule_add(rule *r, double p, double w)
{
    ck_assert(r->n < MAXNODES);
    r->p[r->n] = p;
    r->w[r->n] = w;
    r->n++;
}

static void beta_rule(double a, double b, size_t order, rule *r)
{
    gsl_integration_glfixed_table *gl = gsl_integration_glfixed_table_alloc(order);
    ck_assert_ptr_nonnull(gl);
    double lB = gsl_sf_lnbeta(a, b), mean = a / (a + b);
    double sd = sqrt(a * b / ((a + b) * (a + b) * (a + b + 1)));
    /* knots: around the mass, and every tenth of [0, 1] (F is a polynomial of degree up to 64) */
    double k[32];
    size_t nk = 0;
    /* near a singular end (a < 1 at 0, b < 1 at 1) the substitution below takes [0, 0.1] or
    ** [0.9, 1] whole */
    double kmin = a < 1 ? 0.1 : 1e-12, kmax = b < 1 ? 0.9 : 1 - 1e-12;
    for (size_t i = 0; i < sizeof knots_sd / sizeof knots_sd[0]; i++) {
        double x = mean + knots_sd[i] * sd;
        if (x > kmin && x < kmax)
            k[nk++] = x;
    }
    for (int i = 1; i < 10; i++)
        k[nk++] = i / 10.0;
    for (size_t i = 1; i < nk; i++) /* sort, then drop repeats */
        for (size_t j = i; j > 0 && k[j] < k[j - 1]; j--) {
            double tmp = k[j];
            k[j] = k[j - 1];
            k[j - 1] = tmp;
        }
    size_t m = 0;
    for (size_t i = 0; i < nk; i++)
        if (m == 0 || k[i] > k[m - 1] * (1 + 1e-12))
            k[m++] = k[i];
    nk = m;
    if (nk == 0)
        k[nk++] = mean;
    r->n = 0;
    for (size_t j = 0; j < END_PANELS * order; j++) {
        double s, ws;
        gsl_integration_glfixed_point((double)(j / order) / END_PANELS,
                                      (double)(j / order + 1) / END_PANELS, j % order, &s, &ws, gl);
        /* [0, k0]: for a < 1, p = k0 s^(1/a), p^(a-1) dp = k0^a / a ds (smooth in s); for
        ** a >= 1 the density is smooth there already (and s^(1/a) would not be) */
        if (a < 1) {
            double p = k[0] * pow(s, 1 / a);
            rule_add(r, p, ws * exp(a * log(k[0]) - log(a) + (b - 1) * log1p(-p) - lB));
        } else {
            double p = k[0] * s;
            rule_add(r, p, ws * k[0] * exp((a - 1) * log(p) + (b - 1) * log1p(-p) - lB));
        }
        /* [k_last, 1]: the same with 1 - p = c s^(1/b), c = 1 - k_last */
        double c = 1 - k[nk - 1];
        if (b < 1) {
            double q = c * pow(s, 1 / b);
            rule_add(r, 1 - q, ws * exp(b * log(c) - log(b) + (a - 1) * log1p(-q) - lB));
        } else {
            double q = c * s;
            rule_add(r, 1 - q, ws * c * exp((b - 1) * log(q) + (a - 1) * log1p(-q) - lB));
        }
    }
    for (size_t i = 0; i + 1 < nk; i++)
        for (size_t j = 0; j < order; j++) {
            double p, wp;
            gsl_integration_glfixed_point(k[i], k[i + 1], j, &p, &wp, gl);
            rule_add(r, p, wp * exp((a - 1) * log(p) + (b - 1) * log1p(-p) - lB));
        }
    gsl_integration_glfixed_table_free(gl);
}

/* Fixed-p accuracies F(p_i) of every strategy and budget, by exact mode on fixed-p components,
** CS_MAX_COMPONENTS at a time: F[(i * NS + s) * NB + b]. */
static void fixed_p(const rule *r, double *F)
{
    for (size_t first = 0; first < r->n; first += CS_MAX_COMPONENTS) {
        size_t n = r->n - first < CS_MAX_COMPONENTS ? r->n - first : CS_MAX_COMPONENTS;
        text t = {.len = 0};
        add(&t, "[experiment]\nbudgets = " BUDGETS "\nanswers = 2\n" SETTINGS);
        for (size_t i = 0; i < n; i++)
            add(&t, "[population.n%zu]\np_correct = %.17g\n", i, r->p[first + i]);
        strategies_text(&t);
        xrun x;
        xrun_exact(&x, t.buf);
        for (size_t i = 0; i < n; i++)
            for (size_t s = 0; s < NS; s++)
                for (size_t b = 0; b < NB; b++)
                    F[((first + i) * NS + s) * NB + b] = xacc(&x, s, b, i + 1);
        xrun_free(&x);
    }
}

/* The integral of F over Beta(a, b) for every strategy and budget, with two rule orders: the
** answer and its error estimate |I_24 - I_16|. */
static void quadrature(double a, double b, double *I, double *E)
{
    static rule r;
    static double F[MAXNODES * NS * NB];
    double I2[NS * NB];
    const size_t orders[] = {16, 24};
    for (size_t o = 0; o < 2; o++) {
        beta_rule(a, b, orders[o], &r);
        fixed_p(&r, F);
        double *out = o ? I : I2;
        for (size_t k = 0; k < NS * NB; k++) {
            out[k] = 0;
            for (size_t i = 0; i < r.n; i++)
                out[k] += r.w[i] * F[i * NS * NB + k];
        }
    }
    for (size_t k = 0; k < NS * NB; k++)
        E[k] = fabs(I[k] - I2[k]);
}

/* ---- closed forms -------------------------------------------------------------------------- */

static double coverage_closed(double a, double b, size_t N)
{
    double miss = 1;
    for (size_t i = 0; i < N; i++)
        miss *= (b + (double)i) / (a + b + (double)i);
    return 1 - miss;
}

/* Binary vote: sum_c h[c] C(K,c) B(a+c, b+K-c) / B(a,b), h = 1 for a majority, 1/2 for a tie. */
static double vote_closed(double a, double b, size_t K)
{
    double F = 0, lB = gsl_sf_lnbeta(a, b);
    for (size_t c = 0; c <= K; c++) {
        double h = 2 * c > K ? 1 : 2 * c == K ? 0.5 : 0;
        if (h > 0)
            F += h * exp(gsl_sf_lnchoose((unsigned)K, (unsigned)c) +
                         gsl_sf_lnbeta(a + (double)c, b + (double)(K - c)) - lB);
    }
    return F;
}

/* best_of_n with answer_noise = 0: scores are N(separation, sd) for a right sample and N(0, sd)
** for a wrong one, and the best is right with probability
** g(c) = int c phi(x - sep) Phi(x - sep)^(c-1) Phi(x)^(K-c) dx (sd = 1), done here by the
** trapezoid rule on [-12, 12 + sep] (the Gaussian tails past it are below 1e-30); then the
** beta-binomial sum over c. */
#define BON_SEP 1.0
#define BON_STEPS 24000
static double bon_g(size_t c, size_t K)
{
    if (c == 0)
        return 0;
    if (c == K)
        return 1;
    double lo = -12, hi = 12 + BON_SEP, h = (hi - lo) / BON_STEPS, sum = 0;
    for (int i = 0; i <= BON_STEPS; i++) {
        double x = lo + h * i, w = (i == 0 || i == BON_STEPS) ? 0.5 : 1;
        double pc = 0.5 * erfc(-(x - BON_SEP) / M_SQRT2), pw = 0.5 * erfc(-x / M_SQRT2);
        double dens = exp(-0.5 * (x - BON_SEP) * (x - BON_SEP)) / sqrt(2 * M_PI);
        sum += w * (double)c * dens * pow(pc, (double)(c - 1)) * pow(pw, (double)(K - c));
    }
    return sum * h;
}

static double bon_closed(double a, double b, size_t K)
{
    double F = 0, lB = gsl_sf_lnbeta(a, b);
    for (size_t c = 1; c <= K; c++)
        F += bon_g(c, K) * exp(gsl_sf_lnchoose((unsigned)K, (unsigned)c) +
                               gsl_sf_lnbeta(a + (double)c, b + (double)(K - c)) - lB);
    return F;
}

/* A sparser grid for best_of_n: the corners and the middle of a, b in [0.05, 1000]. */
static const double bon_grid[][2] = {{0.05, 0.05}, {0.05, 1000}, {1000, 0.05}, {1000, 1000},
                                     {3, 3},       {30, 300},    {0.3, 3}};
#define NBON (sizeof bon_grid / sizeof bon_grid[0])
/* The trapezoid rule on a smooth integrand is far better than this; the exact form's own
** quadratures ask 1e-10. */
#define TOL_BON 1e-8

START_TEST(beta_grid_best_of_n)
{
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = 2,16\nanswers = 2\n[verifier]\nanswer_noise = 0\n"
            "separation = %g\nsample_noise = 1\n", BON_SEP);
    for (size_t j = 0; j < NBON; j++)
        add(&t, "[population.b%zu]\np_correct = beta(%.17g,%.17g)\n", j, bon_grid[j][0],
            bon_grid[j][1]);
    add(&t, "[strategy.best_of_n]\n");
    xrun x;
    xrun_exact(&x, t.buf);
    for (size_t j = 0; j < NBON; j++)
        for (size_t k = 0; k < x.ex.nbudgets; k++) {
            double a = bon_grid[j][0], b = bon_grid[j][1], got = xacc(&x, 0, k, j + 1);
            double want = bon_closed(a, b, x.ex.budgets[k]);
            ck_assert_msg(fabs(got - want) <= TOL_BON, "best_of_n K=%zu beta(%g,%g): exact %.17g, "
                          "beta-binomial %.17g", x.ex.budgets[k], a, b, got, want);
        }
    xrun_free(&x);
}
END_TEST

/* ---- the grid ------------------------------------------------------------------------------ */

START_TEST(beta_grid)
{
    double a = grid[_i];
    text t = {.len = 0};
    add(&t, "[experiment]\nbudgets = " BUDGETS "\nanswers = 2\n" SETTINGS);
    for (size_t j = 0; j < NGRID; j++)
        add(&t, "[population.b%zu]\np_correct = beta(%.17g,%.17g)\n", j, a, grid[j]);
    strategies_text(&t);
    xrun x;
    xrun_exact(&x, t.buf);
    double worst = 0, worst_tol = 0;
    for (size_t j = 0; j < NGRID; j++) {
        double b = grid[j], I[NS * NB], E[NS * NB];
        quadrature(a, b, I, E);
        for (size_t s = 0; s < NS; s++)
            for (size_t k = 0; k < NB; k++) {
                double got = xacc(&x, s, k, j + 1);
                ck_assert_msg(got >= -1e-12 && got <= 1 + 1e-12, "%s K=%zu beta(%g,%g): %.17g",
                              strategies[s], budgets[k], a, b, got);
                /* the test's quadrature is good to its own error estimate (the two rules' gap,
                ** times ten for safety) and to the rounding of ~700 terms */
                double tol = 1e-9 + 10 * E[s * NB + k];
                double d = fabs(got - I[s * NB + k]);
                ck_assert_msg(d <= tol, "%s K=%zu beta(%g,%g): exact %.17g, quadrature %.17g "
                              "(error estimate %.3g)", strategies[s], budgets[k], a, b, got,
                              I[s * NB + k], E[s * NB + k]);
                if (d > worst) {
                    worst = d;
                    worst_tol = tol;
                }
                if (strcmp(strategies[s], "coverage") == 0)
                    ck_assert_msg(fabs(got - coverage_closed(a, b, budgets[k])) <= TOL_CLOSED,
                                  "coverage K=%zu beta(%g,%g): exact %.17g, closed form %.17g",
                                  budgets[k], a, b, got, coverage_closed(a, b, budgets[k]));
                if (strcmp(strategies[s], "vote") == 0)
                    ck_assert_msg(fabs(got - vote_closed(a, b, budgets[k])) <= TOL_CLOSED,
                                  "vote K=%zu beta(%g,%g): exact %.17g, beta-binomial %.17g",
                                  budgets[k], a, b, got, vote_closed(a, b, budgets[k]));
            }
    }
    if (getenv("CS_TEST_VERBOSE"))
        fprintf(stderr, "a = %g: largest |exact - quadrature| %.3g (its tolerance %.3g)\n", a, worst,
                worst_tol);
    xrun_free(&x);
}
END_TEST

Suite *make_suite(void)
{
    gsl_set_error_handler_off(); /* as the program does: the library checks GSL's codes */
    Suite *s = suite_create("exact_grid");
    TCase *tc = tcase_create("beta_grid");
    tcase_set_timeout(tc, 300);
    tcase_add_loop_test(tc, beta_grid, 0, (int)NGRID);
    suite_add_tcase(s, tc);
    tc = tcase_create("beta_grid_best_of_n");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, beta_grid_best_of_n);
    suite_add_tcase(s, tc);
    return s;
}
