/*
** The step model's fast paths give the bits of plain reference computations: REBASE's allocation
** (a radix or merge ranking, weights once) and the final vote's grouping (a hash table).
*/
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "callscale/steps.h"
#include "callscale/strategy.h"
#include "testutil.h"

/* REBASE's allocation as Wu et al. write it: rank by selection (the largest left, the first of
** equal ones), sum the weights in that order, then hand out the ceilings in that order. */
static void rebase_reference(const double *score, size_t n, size_t budget, double T, size_t *kids,
                             size_t *order)
{
    int taken[1024] = {0};
    for (size_t r = 0; r < n; r++) {
        size_t best = n;
        for (size_t j = 0; j < n; j++)
            if (!taken[j] && (best == n || score[j] > score[best]))
                best = j;
        taken[best] = 1;
        order[r] = best;
    }
    double top = score[order[0]], rest = 0;
    for (size_t i = 0; i < n; i++)
        rest += exp((score[order[i]] - top) / T);
    size_t left = budget;
    for (size_t i = 0; i < n; i++) {
        double w = exp((score[order[i]] - top) / T);
        double want = rest > 0 ? ceil((double)left * w / rest - 1e-12) : (double)left;
        size_t c = (i + 1 == n || want >= (double)left) ? left : (size_t)want;
        kids[order[i]] = c;
        left -= c;
        rest -= w;
    }
}

/* Both sides of the radix threshold (128), with ties (a grid of values, zeros of both signs) and
** distinct scores, at temperatures from peaked to flat: the same children and the same ranking. */
START_TEST(rebase_allocation_is_the_reference)
{
    enum { NMAX = 400 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    const double temps[5] = {1e-3, 0.05, 0.2, 1, 50};
    static double score[NMAX], work[2 * NMAX];
    static size_t kids[NMAX], order[NMAX], want_kids[NMAX], want_order[NMAX];
    for (int trial = 0; trial < 1000; trial++) {
        size_t n = 1 + gsl_rng_uniform_int(r, trial % 2 ? 140 : NMAX);
        size_t B = gsl_rng_uniform_int(r, 2 * n + 2);
        for (size_t i = 0; i < n; i++) {
            double g = gsl_ran_gaussian(r, 1.0);
            score[i] = trial % 3 == 0 ? floor(4 * g) / 4 : trial % 3 == 1 ? g : (g > 0 ? 0.0 : -0.0);
        }
        double T = temps[trial % 5];
        cs_steps_rebase_allocate(score, n, B, T, kids, order, work);
        rebase_reference(score, n, B, T, want_kids, want_order);
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            ck_assert_uint_eq(kids[i], want_kids[i]);
            total += kids[i];
        }
        ck_assert_uint_eq(total, B);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_eq(order[i], want_order[i]);
    }
    gsl_rng_free(r);
}
END_TEST

/* Not all finite: the allocation still spends the budget and matches the ranking it falls back
** to (an infinite score takes everything). */
START_TEST(rebase_allocation_with_an_infinite_score)
{
    const double score[5] = {0.1, INFINITY, 0.3, -INFINITY, 0.2};
    size_t kids[5], order[5];
    double work[10];
    cs_steps_rebase_allocate(score, 5, 9, 0.2, kids, order, work);
    size_t total = 0;
    for (int i = 0; i < 5; i++)
        total += kids[i];
    ck_assert_uint_eq(total, 9);
    ck_assert_uint_eq(order[0], 1);
}
END_TEST

/* The vote's reference: answers grouped by a scan for each distinct one in order of first
** appearance, each group's weights (a PRM's score clipped to [0, 1], a verifier's logistic,
** written out here) added in the finals' order. */
static double select_reference(const cs_query *q, const cs_node *f, size_t n, int rule)
{
    double top = -1, correct = -1;
    size_t ntop = 0;
    for (size_t i = 0; i < n; i++) {
        int seen = 0;
        for (size_t j = 0; j < i && !seen; j++)
            seen = f[j].answer == f[i].answer;
        if (seen)
            continue;
        double sum = 0;
        for (size_t j = i; j < n; j++) {
            double x = f[j].agg, w = q->prm ? (x < 0 ? 0 : x > 1 ? 1 : x) : 1 / (1 + exp(-x));
            if (f[j].answer == f[i].answer)
                sum += rule == CS_SELECT_MAJORITY ? 1.0 : w;
        }
        if (f[i].answer == 0)
            correct = sum;
        if (sum > top) {
            top = sum;
            ntop = 1;
        } else if (sum == top) {
            ntop++;
        }
    }
    return correct == top ? 1.0 / (double)ntop : 0.0;
}

/* Few answers (ties of counts are common), many novel ones, ids 2^26 apart (whose hashes differ
** only in their top 6 bits, so that the table's probes collide; past 64 of them, ids repeat) or
** random, scores that clip to 0 and 1 under a PRM and not under a verifier, now and then a NaN,
** and sets without the correct answer: the same score to the bit for weighted and majority vote.
** Each work buffer is exactly CS_SELECT_WORK(n) long, so that the sanitizer sees a write past
** it. */
START_TEST(select_is_the_reference)
{
    enum { NMAX = 400 };
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    static cs_node f[NMAX];
    cs_query q;
    memset(&q, 0, sizeof q);
    for (int trial = 0; trial < 4000; trial++) {
        size_t n = 1 + gsl_rng_uniform_int(r, NMAX);
        unsigned spread = trial % 4 == 0 ? 2 : trial % 4 == 1 ? 5 : trial % 4 == 2 ? 40 : 1000;
        int ids = trial / 4 % 3; /* small and novel, 2^26 apart, or random */
        q.prm = trial % 2;
        for (size_t i = 0; i < n; i++) {
            unsigned a = (unsigned)gsl_rng_uniform_int(r, spread);
            f[i].answer = ids == 1 ? (uint32_t)a << 26
                          : ids == 2 && a ? (uint32_t)gsl_rng_get(r) | 1u
                          : a < 50 ? a : CS_NOVEL_BASE + a;
            if (trial % 11 == 10 && f[i].answer == 0)
                f[i].answer = 7; /* no correct answer */
            f[i].agg = trial % 3 ? gsl_ran_gaussian(r, 1.0) : 0.25 * (double)gsl_rng_uniform_int(r, 5);
            if (gsl_rng_uniform_int(r, 97) == 0)
                f[i].agg = NAN;
        }
        double *work = malloc(CS_SELECT_WORK(n) * sizeof *work);
        ck_assert_ptr_nonnull(work);
        for (int rule = CS_SELECT_WEIGHTED; rule <= CS_SELECT_MAJORITY; rule += 2) {
            double got = cs_steps_select_score(&q, f, n, rule, work);
            double want = select_reference(&q, f, n, rule);
            ck_assert_msg(memcmp(&got, &want, sizeof got) == 0, "n=%zu rule %d: %.17g, want %.17g", n,
                          rule, got, want);
        }
        free(work);
    }
    gsl_rng_free(r);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("steps_exact");
    TCase *tc = tcase_create("unit");
    tcase_set_timeout(tc, 120); /* seconds: the sanitizers and a loaded machine */
    tcase_add_test(tc, rebase_allocation_is_the_reference);
    tcase_add_test(tc, rebase_allocation_with_an_infinite_score);
    tcase_add_test(tc, select_is_the_reference);
    suite_add_tcase(s, tc);
    return s;
}
