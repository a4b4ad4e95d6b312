/*
** The rollout PRM ([prm] model = rollouts(k)): its labels at a prefix against the binomial law
** they must follow, hard labels against 1 - (1 - V)^k, and search with many rollouts against the
** noiseless PRM.
*/
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include "callscale/steps.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"
#include "testutil_query.h"
#include "testutil_cells.h"
#include "testutil_experiment.h"
#include "testutil_sweep.h"

static void fixture_init(fixture *f, double p, unsigned L, double k, int hard, double trap)
{
    binary_query_init(f, p, L);
    f->set.prm_rollouts = k;
    f->set.prm_estimate = hard ? -2 : -1; /* the words soft, hard */
    f->set.trap = trap;
    f->set.trap_score = 0.3;
}

/* P(Bin(k, v) = j), by the product of the terms, not by the library the code draws with. */
static double binom_pmf(unsigned k, unsigned j, double v)
{
    double c = 1;
    for (unsigned i = 1; i <= j; i++)
        c = c * (double)(k - j + i) / (double)i;
    return c * pow(v, (double)j) * pow(1 - v, (double)(k - j));
}

/* Children of an on-track prefix at depth d - 1 (or, with trap = 1, of the root: every child a
** trap), n of them; counts[j] of those in the wanted state whose score, less `shift`, is j / k
** exactly. Returns how many were in that state; any score off the grid fails the test. */
static size_t label_counts(fixture *f, unsigned d, size_t n, int want_state, double shift,
                           size_t *counts)
{
    cs_pcg32 r;
    cs_pcg32_seed(&r, 20240101u, d);
    cs_stepper st;
    cs_stepper_init(&st, &f->q, &r);
    cs_node parent, child;
    cs_step_root(&st, &parent);
    parent.depth = (uint8_t)(d - 1);
    unsigned k = (unsigned)f->set.prm_rollouts;
    memset(counts, 0, (k + 1) * sizeof *counts);
    size_t in = 0;
    for (size_t i = 0; i < n; i++) {
        cs_step_child(&st, &parent, &child);
        if (child.state != want_state)
            continue;
        double x = (child.score - shift) * k;
        long j = lround(x);
        ck_assert_msg(j >= 0 && j <= (long)k && fabs(x - (double)j) < 1e-9,
                      "score %.17g is not a multiple of 1/%u", child.score, k);
        counts[j]++;
        in++;
    }
    return in;
}

/* Pearson's statistic of counts[0..k] against Bin(k, v), cells with an expected count below 5
** pooled with their neighbour toward the mode; *df = cells - 1. */
static double chi_square(const size_t *counts, unsigned k, double v, size_t n, int *df)
{
    double stat = 0, o = 0, e = 0;
    int cells = 0;
    for (unsigned j = 0; j <= k; j++) {
        o += (double)counts[j];
        e += (double)n * binom_pmf(k, j, v);
        double rest = 0; /* what is left to the right: pool it in when it is too small */
        for (unsigned i = j + 1; i <= k; i++)
            rest += (double)n * binom_pmf(k, i, v);
        if (e >= 5 && (rest >= 5 || j == k)) {
            stat += (o - e) * (o - e) / e;
            cells++;
            o = e = 0;
        }
    }
    if (e > 0) { /* a small right tail left over (only if rest < 5 was never seen) */
        stat += (o - e) * (o - e) / e;
        cells++;
    }
    *df = cells - 1;
    return stat;
}

/* Soft labels of an on-track prefix at depth d are Binomial(k, V) / k with V = s^(L - d), the
** chance a rollout ends right. 200,000 children per case (the on-track ones, a fraction s of them,
** enter the test). The critical value is the chi-square quantile at 1 - 1e-3 for the case's
** degrees of freedom after pooling, e.g. 18.467 at df 4 (k = 4), 13.816 at df 2: a correct sampler
** fails one case in a thousand, and the seed is fixed. */
START_TEST(soft_labels_are_binomial)
{
    const struct { double p; unsigned L, d, k; } cases[] = {
        {0.3, 8, 3, 4}, {0.3, 8, 1, 16}, {0.6, 4, 2, 1}, {0.05, 8, 5, 64}, {0.5, 6, 5, 16},
    };
    ck_assert_double_eq_tol(gsl_cdf_chisq_Qinv(1e-3, 4), 18.467, 1e-3);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fixture f;
        fixture_init(&f, cases[c].p, cases[c].L, cases[c].k, 0, 0);
        size_t counts[65];
        size_t n = label_counts(&f, cases[c].d, 200000, CS_ON_TRACK, 0, counts);
        double v = pow(f.q.s, (double)(cases[c].L - cases[c].d));
        int df;
        double stat = chi_square(counts, cases[c].k, v, n, &df);
        ck_assert_int_ge(df, 1);
        double crit = gsl_cdf_chisq_Qinv(1e-3, df);
        ck_assert_msg(stat < crit, "p %g L %u d %u k %u: chi-square %.2f >= %.2f (df %d, n %zu)",
                      cases[c].p, cases[c].L, cases[c].d, cases[c].k, stat, crit, df, n);
    }
}
END_TEST

/* The same test catches a wrong law: labels of depth d tested against the value of depth d + 1
** (what an off-by-one in the exponent would draw) are rejected. */
START_TEST(chi_square_rejects_the_wrong_depth)
{
    fixture f;
    fixture_init(&f, 0.3, 8, 16, 0, 0);
    size_t counts[17];
    size_t n = label_counts(&f, 3, 200000, CS_ON_TRACK, 0, counts);
    int df;
    double stat = chi_square(counts, 16, pow(f.q.s, 8 - 4), n, &df);
    ck_assert_double_gt(stat, gsl_cdf_chisq_Qinv(1e-3, df));
}
END_TEST

/* Hard labels are 1 with probability 1 - (1 - V)^k (some rollout ends right), else 0: the share
** of ones within 4 binomial s.e. sqrt(h (1 - h) / n) of it. */
START_TEST(hard_labels_are_any_right)
{
    const struct { double p; unsigned L, d, k; } cases[] = {
        {0.3, 8, 3, 4}, {0.1, 8, 1, 16}, {0.6, 4, 2, 1}, {0.02, 8, 2, 64},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fixture f;
        fixture_init(&f, cases[c].p, cases[c].L, cases[c].k, 1, 0);
        size_t counts[65];
        /* hard labels are 0 or 1: on the 1/k grid they sit at 0 and k */
        size_t n = label_counts(&f, cases[c].d, 100000, CS_ON_TRACK, 0, counts);
        for (unsigned j = 1; j < cases[c].k; j++)
            ck_assert_uint_eq(counts[j], 0);
        double v = pow(f.q.s, (double)(cases[c].L - cases[c].d));
        double h = 1 - pow(1 - v, (double)cases[c].k), share = (double)counts[cases[c].k] / (double)n;
        ck_assert_msg(fabs(share - h) <= 4 * sqrt(h * (1 - h) / (double)n),
                      "k %u V %.4f: share of ones %.5f vs 1 - (1 - V)^k = %.5f", cases[c].k, v,
                      share, h);
    }
}
END_TEST

/* A derailed prefix's rollouts never end right (label 0), a finished on-track chain's always do
** (label 1), and a trap is labelled as the best honest step's rollouts plus trap_score. */
START_TEST(labels_at_the_ends_and_traps)
{
    fixture f;
    fixture_init(&f, 0.3, 4, 8, 0, 0);
    size_t counts[9];
    size_t n = label_counts(&f, 2, 20000, CS_DERAILED, 0, counts);
    ck_assert_uint_gt(n, 0);
    ck_assert_uint_eq(counts[0], n);
    n = label_counts(&f, 4, 20000, CS_ON_TRACK, 0, counts);
    ck_assert_uint_eq(counts[8], n);
    fixture_init(&f, 0.3, 4, 8, 0, 1); /* every step a trap */
    n = label_counts(&f, 1, 200000, CS_TRAP, 0.3, counts);
    ck_assert_uint_eq(n, 200000);
    int df;
    double stat = chi_square(counts, 8, pow(f.q.s, 3), n, &df);
    ck_assert_double_lt(stat, gsl_cdf_chisq_Qinv(1e-3, df));
}
END_TEST

/* With recovery (chance r per step that a derailed prefix gets back on track) a rollout ends right
** with the chance the two-state chain gives after the L - d steps left, here computed by iterating
** its transition matrix [[s, 1 - s], [r, 1 - r]] step by step: labels of on-track and of derailed
** prefixes follow Binomial(k, that chance) / k (chi-square as above). */
START_TEST(labels_see_recovery)
{
    fixture f;
    fixture_init(&f, 0.2, 8, 16, 0, 0);
    f.set.recover = 0.1;
    const unsigned d = 3;
    double on = 1, off = 0; /* P(end on track | on now), P(end on track | derailed now) */
    for (unsigned i = 0; i < 8 - d; i++) {
        double on2 = f.q.s * on + (1 - f.q.s) * off, off2 = 0.1 * on + 0.9 * off;
        on = on2;
        off = off2;
    }
    const int states[2] = {CS_ON_TRACK, CS_DERAILED};
    const double value[2] = {on, off};
    for (int i = 0; i < 2; i++) {
        size_t counts[17];
        size_t n = label_counts(&f, d, 200000, states[i], 0, counts);
        int df;
        double stat = chi_square(counts, 16, value[i], n, &df);
        ck_assert_msg(stat < gsl_cdf_chisq_Qinv(1e-3, df), "state %d, V %.4f: chi-square %.2f (df %d)",
                      states[i], value[i], stat, df);
    }
    ck_assert_double_gt(off, 0.05); /* derailed prefixes' rollouts do end right here */
}
END_TEST

/* With many rollouts the labels are the values themselves, so search with a rollout PRM tends to
** search with the noiseless PRM (noise = 0). Beam search (agg last) and weighted best-of-N with the
** mean of the step scores (so that every step's label counts; with agg last a finished chain's
** label is exact whatever k) on two fixed difficulties: at k = 4096 each cell lies within 4 s.e.
** of the noiseless one (independent runs: s.e. of the difference from the two cells' own), while
** at k = 1 best-of-N is clearly off it (more than 6 s.e. somewhere) — the test can tell. */
START_TEST(many_rollouts_tend_to_the_noiseless_prm)
{
    gsl_set_error_handler_off();
    const char *head = "[experiment]\nqueries = 12000\nbudgets = 4,16\nanswers = open\n"
                       "[population.medium]\np_correct = 0.3\n[population.hard]\np_correct = 0.08\n"
                       "[steps]\nsteps = 6\n"
                       "[strategy.beam]\nbeam_width = 4\n[strategy.weighted_vote]\n[prm]\nagg = %s\n%s";
    char text[1024];
    cs_experiment ref, k1, big, wv_ref, wv_big;
    snprintf(text, sizeof text, head, "last", "noise = 0\n");
    load_text_ok(&ref, text);
    snprintf(text, sizeof text, head, "mean", "model = rollouts(1)\n");
    load_text_ok(&k1, text);
    snprintf(text, sizeof text, head, "last", "model = rollouts(4096)\n");
    load_text_ok(&big, text);
    snprintf(text, sizeof text, head, "mean", "noise = 0\n");
    load_text_ok(&wv_ref, text);
    snprintf(text, sizeof text, head, "mean", "model = rollouts(4096)\n");
    load_text_ok(&wv_big, text);
    cs_results r_ref, r_k1, r_big, r_wref, r_wbig;
    sweep_ok(&ref, &r_ref, 2);
    sweep_ok(&k1, &r_k1, 2);
    sweep_ok(&big, &r_big, 2);
    sweep_ok(&wv_ref, &r_wref, 2);
    sweep_ok(&wv_big, &r_wbig, 2);
    double worst_k1 = 0;
    for (size_t b = 0; b < ref.nbudgets; b++)
        for (size_t bin = 0; bin <= 2; bin++) {
            double a = cell_mean(&r_ref, 0, b, bin), x = cell_mean(&r_big, 0, b, bin);
            double se = hypot(cell_se(&r_ref, 0, b, bin), cell_se(&r_big, 0, b, bin));
            ck_assert_msg(fabs(x - a) <= 4 * se, "beam N=%zu bin %zu: k=4096 %.4f vs noiseless %.4f",
                          ref.budgets[b], bin, x, a);
            a = cell_mean(&r_wref, 1, b, bin);
            x = cell_mean(&r_wbig, 1, b, bin);
            se = hypot(cell_se(&r_wref, 1, b, bin), cell_se(&r_wbig, 1, b, bin));
            ck_assert_msg(fabs(x - a) <= 4 * se,
                          "weighted (mean) N=%zu bin %zu: k=4096 %.4f vs noiseless %.4f",
                          ref.budgets[b], bin, x, a);
            double z = fabs(cell_mean(&r_k1, 1, b, bin) - cell_mean(&r_wref, 1, b, bin)) /
                       hypot(cell_se(&r_k1, 1, b, bin), cell_se(&r_wref, 1, b, bin));
            worst_k1 = z > worst_k1 ? z : worst_k1;
        }
    ck_assert_msg(worst_k1 > 6, "k = 1 is within %.1f s.e. of the noiseless PRM everywhere", worst_k1);
    cs_results_free(&r_ref);
    cs_results_free(&r_k1);
    cs_results_free(&r_big);
    cs_results_free(&r_wref);
    cs_results_free(&r_wbig);
    cs_experiment_free(&ref);
    cs_experiment_free(&k1);
    cs_experiment_free(&big);
    cs_experiment_free(&wv_ref);
    cs_experiment_free(&wv_big);
}
END_TEST

/* Same file and seed, same bytes, on one thread or three. */
START_TEST(rollouts_thread_independent)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 3000\nbudgets = 4,16\nanswers = open\n"
                      "[population.m]\np_correct = beta(0.6,1.2)\n[steps]\nsteps = 8\n"
                      "[prm]\nmodel = rollouts(16)\nestimate = hard\nagg = min\nrho = 0.5\n"
                      "trap = 1e-3\n[strategy.beam]\n[strategy.rebase]\n[strategy.weighted_vote]\n");
    assert_thread_independent(&ex);
    cs_experiment_free(&ex);
}
END_TEST

/* The model's text round-trips through config.ini's writer and the parser. */
START_TEST(model_key_round_trips)
{
    const cs_param *model = NULL;
    for (size_t i = 0; i < cs_prm_nparams; i++)
        if (strcmp(cs_prm_params[i].name, "model") == 0)
            model = &cs_prm_params[i];
    ck_assert_ptr_nonnull(model);
    double v;
    char why[128], buf[64];
    ck_assert_int_eq(cs_param_parse(model, "rollouts(64)", &v, why, sizeof why), 0);
    ck_assert_double_eq(v, 64);
    cs_param_format(model, v, buf, sizeof buf);
    ck_assert_str_eq(buf, "rollouts(64)");
    ck_assert_int_eq(cs_param_parse(model, "gaussian", &v, why, sizeof why), 0);
    ck_assert_int_eq(cs_param_word(v), 0);
    cs_param_format(model, v, buf, sizeof buf);
    ck_assert_str_eq(buf, "gaussian");
    const char *bad[] = {"rollouts(0)", "rollouts(2.5)", "rollouts()", "rollouts(4", "rollouts(k)",
                         "16", "rollouts(1e7)", "rollouts(-3)"};
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        ck_assert_msg(cs_param_parse(model, bad[i], &v, why, sizeof why) != 0, "%s accepted", bad[i]);
}
END_TEST

static size_t bin_index(const cs_experiment *ex, const char *name)
{
    for (size_t k = 0; k < ex->ncomp; k++)
        if (strcmp(ex->comp[k].name, name) == 0)
            return k + 1; /* bin 0 is all */
    ck_abort_msg("no component %s", name);
    return 0;
}

/* The findings experiments/math_shepherd_prm.ini states, at 18,000 queries (2,000 per PRM, s.e.
** at most 0.011 per cell): each comparison by more than 4 s.e. of the difference (cells taken
** as independent; the differences stated in the file are 14 s.e. or more here). */
START_TEST(math_shepherd_findings)
{
    gsl_set_error_handler_off();
    const char *over[] = {"experiment.queries=18000", "experiment.budgets=16,64,256"};
    cs_experiment ex;
    cs_error err;
    ck_assert_msg(cs_experiment_load(&ex, "experiments/math_shepherd_prm.ini", over, 2, &err) == 0,
                  "%s", err.msg);
    cs_results r;
    sweep_ok(&ex, &r, 2);
    size_t wv = strategy_index(&ex, "weighted_vote", "default"), beam = strategy_index(&ex, "beam", "m4");
    size_t b16 = budget_index(&ex, 16), b64 = budget_index(&ex, 64), b256 = budget_index(&ex, 256);
    size_t k1 = bin_index(&ex, "k1"), k16 = bin_index(&ex, "k16"), k64 = bin_index(&ex, "k64");
    size_t last = bin_index(&ex, "k16-last"), gauss = bin_index(&ex, "gaussian");
    /* 1. the label budget: beam search and best-of-N (min) gain from k = 1 to k = 64 */
    ck_assert_double_gt(cell_z(&r, beam, b64, k64, beam, b64, k1), 4);
    ck_assert_double_gt(cell_z(&r, wv, b256, k64, wv, b256, k1), 4);
    /* 2. rollout labels with k = 16 beat the Gaussian PRM (noise 0.5, last) in beam search */
    ck_assert_double_gt(cell_z(&r, beam, b16, k16, beam, b16, gauss), 4);
    /* 3. hard labels saturate: with k = 64 they lose to soft ones in beam search at N = 16 */
    ck_assert_double_gt(cell_z(&r, beam, b16, k64, beam, b16, bin_index(&ex, "k64-hard")), 4);
    /* 4. min beats last for beam search at large budgets; last beats min for best-of-N */
    ck_assert_double_gt(cell_z(&r, beam, b256, k16, beam, b256, last), 4);
    ck_assert_double_gt(cell_z(&r, wv, b16, last, wv, b16, k16), 4);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("prm_rollouts");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, soft_labels_are_binomial);
    tcase_add_test(tc, chi_square_rejects_the_wrong_depth);
    tcase_add_test(tc, hard_labels_are_any_right);
    tcase_add_test(tc, labels_at_the_ends_and_traps);
    tcase_add_test(tc, labels_see_recovery);
    tcase_add_test(tc, many_rollouts_tend_to_the_noiseless_prm);
    tcase_add_test(tc, rollouts_thread_independent);
    tcase_add_test(tc, model_key_round_trips);
    tcase_add_test(tc, math_shepherd_findings);
    suite_add_tcase(s, tc);
    return s;
}
