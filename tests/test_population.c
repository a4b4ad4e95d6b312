/*
** Populations (src/population.c): sampled p against its Beta's moments, component shares against
** the weights, wrong-answer spreads against their closed forms, and the mixture's CDF and bins.
*/
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_sf_zeta.h>
#include "callscale/population.h"
#include "callscale/rng.h"
#include "testutil.h"
#include "testutil_experiment.h"

/* Queries drawn from an experiment's population, with the buffers and the generator they need. */
typedef struct draws {
    cs_experiment ex;
    cs_population *pop;
    double *pi, *cum;
    cs_pcg32 state;
    gsl_rng g;
    cs_query q;
} draws;

static void draws_open(draws *d, const char *text)
{
    cs_error err;
    load_text_ok(&d->ex, text);
    d->pop = cs_population_new(&d->ex, &err);
    ck_assert_ptr_nonnull(d->pop);
    size_t m = cs_population_max_answers(&d->ex);
    d->pi = calloc(m, sizeof *d->pi);
    d->cum = calloc(m, sizeof *d->cum);
    ck_assert(d->pi && d->cum);
    cs_rng_wrap(&d->g, &d->state);
    d->q.pi = d->pi;
    d->q.cum = d->cum;
}

static const cs_query *draw(draws *d, uint64_t index)
{
    cs_population_query(d->pop, index, &d->q, &d->g);
    return &d->q;
}

static void draws_close(draws *d)
{
    free(d->pi);
    free(d->cum);
    cs_population_free(d->pop);
    cs_experiment_free(&d->ex);
}

/* E[p^k] of Beta(a, b): prod_{i<k} (a + i) / (a + b + i). */
static double beta_moment(double a, double b, int k)
{
    double m = 1;
    for (int i = 0; i < k; i++)
        m *= (a + i) / (a + b + i);
    return m;
}

#define NQ 20000

/* p ~ Beta(2, 5): mean 2/7 and second moment 6/56 = 3/28. The sample mean of n draws has s.e.
** sqrt(Var p / n), Var p = E p^2 - (E p)^2 = 10/392, so 0.00113 at n = 20000; the sample second
** moment has s.e. sqrt((E p^4 - (E p^2)^2) / n). Both within 4 s.e. (a chance of 6e-5 each). */
START_TEST(beta_moments)
{
    const double a = 2, b = 5;
    draws d;
    draws_open(&d, "[experiment]\nqueries = 20000\nbudgets = 1\nanswers = 2\n"
                   "[population.a]\np_correct = beta(2,5)\n[strategy.vote]\n");
    double s1 = 0, s2 = 0;
    for (uint64_t i = 0; i < NQ; i++) {
        double p = draw(&d, i)->p;
        ck_assert(p > 0 && p < 1);
        s1 += p;
        s2 += p * p;
    }
    double m1 = beta_moment(a, b, 1), m2 = beta_moment(a, b, 2), m4 = beta_moment(a, b, 4);
    ck_assert_double_eq_tol(m1, 2.0 / 7, 1e-15);
    double se1 = sqrt((m2 - m1 * m1) / NQ), se2 = sqrt((m4 - m2 * m2) / NQ);
    ck_assert_msg(fabs(s1 / NQ - m1) < 4 * se1, "mean %.5f vs %.5f", s1 / NQ, m1);
    ck_assert_msg(fabs(s2 / NQ - m2) < 4 * se2, "E p^2 %.5f vs %.5f", s2 / NQ, m2);
    /* the same draws, variance against a b / ((a + b)^2 (a + b + 1)) within 4 of its s.e. (the
    ** delta method: the s.e. of m2 - m1^2 is below se2 + 2 m1 se1) */
    double var = s2 / NQ - (s1 / NQ) * (s1 / NQ), want = a * b / ((a + b) * (a + b) * (a + b + 1));
    ck_assert_msg(fabs(var - want) < 4 * (se2 + 2 * m1 * se1), "var %.5f vs %.5f", var, want);
    draws_close(&d);
}
END_TEST

/* Weights 1 and 3: component 0 holds a quarter of the queries, within 4 s.e. of a binomial share
** (sqrt(0.25 0.75 / 20000) = 0.0031); a fixed p is the query's p exactly, and the same index
** draws the same query twice. */
START_TEST(component_shares)
{
    draws d;
    draws_open(&d, "[experiment]\nqueries = 20000\nbudgets = 1\nanswers = 2\n"
                   "[population.a]\nweight = 1\np_correct = 0.9\n"
                   "[population.b]\nweight = 3\np_correct = 0.2\n[strategy.vote]\n");
    ck_assert_double_eq_tol(d.ex.comp[0].share, 0.25, 1e-15);
    double n0 = 0;
    for (uint64_t i = 0; i < NQ; i++) {
        const cs_query *q = draw(&d, i);
        ck_assert(q->comp < 2);
        ck_assert(q->p == (q->comp == 0 ? 0.9 : 0.2));
        ck_assert_uint_eq(q->bin, q->comp); /* bins are components by default */
        n0 += q->comp == 0;
    }
    ck_assert(fabs(n0 / NQ - 0.25) < 4 * sqrt(0.25 * 0.75 / NQ));
    double p7 = draw(&d, 7)->p;
    size_t c7 = d.q.comp;
    draw(&d, 8);
    ck_assert(draw(&d, 7)->p == p7 && d.q.comp == c7);
    draws_close(&d);
}
END_TEST

/* pi sums to 1 and cum is its running sum, the last entry past any uniform. */
static void assert_distribution(const cs_query *q)
{
    double acc = 0;
    for (size_t j = 0; j < q->nans; j++) {
        ck_assert(q->pi[j] >= 0);
        acc += q->pi[j];
        if (j + 1 < q->nans)
            ck_assert_double_eq_tol(q->cum[j], acc, 1e-12);
    }
    ck_assert_double_eq_tol(acc, 1, 1e-12);
    ck_assert(isinf(q->cum[q->nans - 1]));
}

/* answers = 5, wrong = uniform: each of the 4 wrong answers holds (1 - p) / 4. */
START_TEST(wrong_uniform)
{
    draws d;
    draws_open(&d, "[experiment]\nbudgets = 1\nanswers = 5\n"
                   "[population.a]\np_correct = 0.4\n[strategy.vote]\n");
    const cs_query *q = draw(&d, 3);
    ck_assert_uint_eq(q->nans, 5);
    ck_assert_int_eq(q->novel, -1);
    ck_assert(q->pi[0] == 0.4);
    for (size_t j = 1; j < 5; j++)
        ck_assert_double_eq_tol(q->pi[j], 0.6 / 4, 1e-15);
    assert_distribution(q);
    int ntop;
    ck_assert_double_eq_tol(cs_population_top_share(d.pop, 0, &ntop), 0.25, 1e-15);
    ck_assert_int_eq(ntop, 4);
    draws_close(&d);
}
END_TEST

/* answers = 6, wrong = zipf(1.5): wrong answer j (1..5) holds (1 - p) j^-1.5 / H, H the sum of
** j^-1.5 over 1..5; the top share is 1/H, held by one answer. */
START_TEST(wrong_zipf)
{
    draws d;
    draws_open(&d, "[experiment]\nbudgets = 1\nanswers = 6\n"
                   "[population.a]\np_correct = 0.3\nwrong = zipf(1.5)\n[strategy.vote]\n");
    double H = 0;
    for (int j = 1; j <= 5; j++)
        H += pow(j, -1.5);
    const cs_query *q = draw(&d, 11);
    ck_assert_uint_eq(q->nans, 6);
    for (int j = 1; j <= 5; j++)
        ck_assert_double_eq_tol(q->pi[j], 0.7 * pow(j, -1.5) / H, 1e-15);
    assert_distribution(q);
    const double *sh = cs_population_shares(d.pop, 0);
    ck_assert_ptr_nonnull(sh);
    ck_assert_double_eq_tol(sh[0], 1 / H, 1e-15);
    int ntop;
    ck_assert_double_eq_tol(cs_population_top_share(d.pop, 0, &ntop), 1 / H, 1e-15);
    ck_assert_int_eq(ntop, 1);
    draws_close(&d);
}
END_TEST

/* answers = 4, wrong = dirichlet(0.5): a wrong answer's share of 1 - p is Beta(c, (r - 1) c) with
** r = 3 wrong answers, mean 1/3 and variance (1/3)(2/3) / (3 c + 1) = 0.0889. Over n = 20000
** queries the mean is within 4 s.e. (sqrt(0.0889 / n) = 0.0021) and so is the second moment (its
** s.e. from the Beta's fourth moment). The shares are not fixed, so there are none to read. */
START_TEST(wrong_dirichlet)
{
    const double c = 0.5, r = 3;
    draws d;
    draws_open(&d, "[experiment]\nqueries = 20000\nbudgets = 1\nanswers = 4\n"
                   "[population.a]\np_correct = 0.25\nwrong = dirichlet(0.5)\n[strategy.vote]\n");
    ck_assert_ptr_null(cs_population_shares(d.pop, 0));
    int ntop;
    ck_assert(cs_population_top_share(d.pop, 0, &ntop) == -1);
    double s1 = 0, s2 = 0, differ = 0;
    for (uint64_t i = 0; i < NQ; i++) {
        const cs_query *q = draw(&d, i);
        assert_distribution(q);
        double x = q->pi[2] / 0.75;
        s1 += x;
        s2 += x * x;
        differ += q->pi[1] != q->pi[2];
    }
    ck_assert(differ == NQ);
    double a = c, b = (r - 1) * c;
    double m1 = beta_moment(a, b, 1), m2 = beta_moment(a, b, 2), m4 = beta_moment(a, b, 4);
    ck_assert_double_eq_tol(m2 - m1 * m1, (1 / r) * (1 - 1 / r) / (r * c + 1), 1e-15);
    ck_assert_msg(fabs(s1 / NQ - m1) < 4 * sqrt((m2 - m1 * m1) / NQ), "mean %.5f", s1 / NQ);
    ck_assert_msg(fabs(s2 / NQ - m2) < 4 * sqrt((m4 - m2 * m2) / NQ), "E x^2 %.5f", s2 / NQ);
    draws_close(&d);
}
END_TEST

/* An open answer space: uniform puts the whole wrong mass on the novel slot; zipf(2) puts
** (1 - p) j^-2 / zeta(2) = (1 - p) 6 / (pi j)^2 on atom j up to CS_OPEN_ATOMS and the rest of the
** series on the novel slot. */
START_TEST(open_space)
{
    draws d;
    draws_open(&d, "[experiment]\nbudgets = 1\nanswers = open\n"
                   "[population.u]\np_correct = 0.6\n[strategy.vote]\n");
    const cs_query *q = draw(&d, 0);
    ck_assert_uint_eq(q->nans, 2);
    ck_assert_int_eq(q->novel, 1);
    ck_assert_double_eq_tol(q->pi[1], 0.4, 1e-15);
    int ntop;
    ck_assert(cs_population_top_share(d.pop, 0, &ntop) == 0);
    draws_close(&d);

    draws_open(&d, "[experiment]\nbudgets = 1\nanswers = open\n"
                   "[population.z]\np_correct = 0.6\nwrong = zipf(2)\n[strategy.vote]\n");
    q = draw(&d, 0);
    ck_assert_int_eq(q->novel, CS_OPEN_ATOMS + 1);
    ck_assert_uint_eq(q->nans, CS_OPEN_ATOMS + 2);
    double head = 0;
    for (int j = 1; j <= CS_OPEN_ATOMS; j++) {
        double want = 0.4 * 6 / (M_PI * M_PI * j * j);
        ck_assert_double_eq_tol(q->pi[j], want, 1e-15);
        head += want;
    }
    ck_assert_double_eq_tol(q->pi[CS_OPEN_ATOMS + 1], 0.4 - head, 1e-12);
    assert_distribution(q);
    ck_assert_double_eq_tol(cs_population_top_share(d.pop, 0, &ntop), 6 / (M_PI * M_PI), 1e-15);
    draws_close(&d);
}
END_TEST

/* An open space with wrong = dirichlet(c) breaks sticks: the first wrong answer's share of 1 - p
** is Beta(1, c), mean 1 / (1 + c) = 0.25 for c = 3, variance c / ((1 + c)^2 (2 + c)) = 0.0375:
** within 4 s.e. (sqrt(0.0375 / n) = 0.0043) over 2000 queries (each breaks about 70 sticks). */
#define NSTICK 2000
START_TEST(open_stick_breaking)
{
    const double c = 3;
    draws d;
    draws_open(&d, "[experiment]\nqueries = 2000\nbudgets = 1\nanswers = open\n"
                   "[population.d]\np_correct = 0.5\nwrong = dirichlet(3)\n[strategy.vote]\n");
    double s = 0;
    for (uint64_t i = 0; i < NSTICK; i++) {
        const cs_query *q = draw(&d, i);
        assert_distribution(q);
        s += q->pi[1] / 0.5;
    }
    double var = c / ((1 + c) * (1 + c) * (2 + c));
    ck_assert_msg(fabs(s / NSTICK - 1 / (1 + c)) < 4 * sqrt(var / NSTICK), "%.5f", s / NSTICK);
    draws_close(&d);
}
END_TEST

/* The mixture CDF: an atom of weight 0.3 at p = 0.8 and 0.7 of Beta(2, 2), whose CDF is
** 3x^2 - 2x^3. Below, at and above the atom; the quantile inverts it, and for a Beta alone
** agrees with GSL's inverse CDF. */
START_TEST(mixture_cdf)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nbudgets = 1\nanswers = 2\n"
                      "[population.a]\nweight = 0.3\np_correct = 0.8\n"
                      "[population.b]\nweight = 0.7\np_correct = beta(2,2)\n[strategy.vote]\n");
    double lo, hi;
    for (double x = 0.05; x < 1; x += 0.1) {
        cs_population_cdf(&ex, x, &lo, &hi);
        double F = 0.7 * (3 * x * x - 2 * x * x * x) + (x > 0.8 ? 0.3 : 0);
        ck_assert_double_eq_tol(lo, F, 1e-12);
        ck_assert_double_eq_tol(hi, F, 1e-12);
    }
    cs_population_cdf(&ex, 0.8, &lo, &hi);
    double F8 = 0.7 * (3 * 0.64 - 2 * 0.512);
    ck_assert_double_eq_tol(lo, F8, 1e-12);
    ck_assert_double_eq_tol(hi, F8 + 0.3, 1e-12);
    /* any u inside the atom's jump maps to the atom */
    ck_assert_double_eq_tol(cs_population_quantile(&ex, F8 + 0.15), 0.8, 1e-12);
    cs_experiment_free(&ex);

    load_text_ok(&ex, "[experiment]\nbudgets = 1\nanswers = 2\n"
                      "[population.b]\np_correct = beta(0.5,3)\n[strategy.vote]\n");
    for (double u = 0.1; u < 1; u += 0.2)
        ck_assert_double_eq_tol(cs_population_quantile(&ex, u), gsl_cdf_beta_Pinv(u, 0.5, 3), 1e-9);
    cs_experiment_free(&ex);
}
END_TEST

/* Quantile bins over two atoms of equal weight: the randomised transform puts a quarter of the
** queries in each of 4 bins, the higher p in q1 and q2. Each bin's share within 4 s.e. of 0.25
** (sqrt(0.25 0.75 / 20000) = 0.0031). */
START_TEST(quantile_bins)
{
    draws d;
    draws_open(&d, "[experiment]\nqueries = 20000\nbudgets = 1\nanswers = 2\nbins = quantiles:4\n"
                   "[population.a]\np_correct = 0.8\n[population.b]\np_correct = 0.3\n"
                   "[strategy.vote]\n");
    double n[4] = {0};
    for (uint64_t i = 0; i < NQ; i++) {
        const cs_query *q = draw(&d, i);
        ck_assert(q->bin < 4);
        ck_assert(q->bin < 2 ? q->p == 0.8 : q->p == 0.3);
        n[q->bin]++;
    }
    for (int b = 0; b < 4; b++)
        ck_assert_msg(fabs(n[b] / NQ - 0.25) < 4 * sqrt(0.25 * 0.75 / NQ), "q%d %.4f", b + 1,
                      n[b] / NQ);
    draws_close(&d);
}
END_TEST

/* A stepped population: L uniform on [steps, steps_max], each of the 3 values a third of the
** queries within 4 s.e. (sqrt(2/9 / 20000) = 0.0033), and the step chance s with s^L = p. */
START_TEST(stepped_chains)
{
    draws d;
    draws_open(&d, "[experiment]\nqueries = 20000\nbudgets = 1\nanswers = 2\n"
                   "[steps]\nsteps = 4\nsteps_max = 6\n"
                   "[population.a]\np_correct = beta(3,2)\n[strategy.beam]\n");
    double n[3] = {0};
    for (uint64_t i = 0; i < NQ; i++) {
        const cs_query *q = draw(&d, i);
        ck_assert(q->L >= 4 && q->L <= 6);
        ck_assert_double_eq_tol(pow(q->s, q->L), q->p, 1e-12);
        ck_assert(q->prm);
        n[q->L - 4]++;
    }
    for (int k = 0; k < 3; k++)
        ck_assert(fabs(n[k] / NQ - 1.0 / 3) < 4 * sqrt(2.0 / 9 / NQ));
    draws_close(&d);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("population");
    TCase *tc = tcase_create("population");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, beta_moments);
    tcase_add_test(tc, component_shares);
    tcase_add_test(tc, wrong_uniform);
    tcase_add_test(tc, wrong_zipf);
    tcase_add_test(tc, wrong_dirichlet);
    tcase_add_test(tc, open_space);
    tcase_add_test(tc, open_stick_breaking);
    tcase_add_test(tc, mixture_cdf);
    tcase_add_test(tc, quantile_bins);
    tcase_add_test(tc, stepped_chains);
    suite_add_tcase(s, tc);
    return s;
}
