/*
** The compute-optimal planner: Snell et al.'s FLOPs exchange rate, totals against the sweep,
** held-out choices that are not fitted to the evaluation, choices per oracle bin against exact
** curves, thread independence, the larger model's accuracy per bin, and the efficiency on the
** shipped experiment.
*/
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "callscale/optimize.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"
#include "testutil_closed.h"
#include "testutil_experiment.h"

static void optimize_with(const cs_experiment *ex, size_t k, int threads, long baseline,
                          cs_optimize *o)
{
    cs_optimize_options opt = {threads, k, baseline};
    cs_error err;
    ck_assert_msg(cs_optimize_run(ex, &opt, o, &err) == 0, "%s", err.msg);
}

static void optimize(const cs_experiment *ex, size_t k, int threads, cs_optimize *o)
{
    optimize_with(ex, k, threads, -1, o);
}

/* Snell et al. (Section 7): pretraining costs 6 N D_pretrain, inference 2 N D_inference; a model
** M times larger, run once per query, costs as much as the small model spending
** X = M + 3 (M - 1) / R times its inference, R = D_inference / D_pretrain. For M = 14 that is
** 14 + 39 / R: 257.75 (R = 0.16, exact), 63.367 (R = 0.79), 15.773 (R = 22), their published
** 257.75, 63.37 and 15.77. No larger model (M = 1) costs nothing more. */
START_TEST(flops_multiplier_is_snells)
{
    const double R[3] = {0.16, 0.79, 22}, published[3] = {257.75, 63.37, 15.77};
    for (int i = 0; i < 3; i++) {
        double x = cs_optimize_flops_multiplier(14, R[i]);
        ck_assert_double_eq_tol(x, 14 + 39 / R[i], 1e-12);
        ck_assert_double_eq_tol(round(x * 100) / 100, published[i], 1e-9);
    }
    ck_assert_double_eq_tol(cs_optimize_flops_multiplier(1, 0.5), 1, 1e-15);
}
END_TEST

/* The baseline's accuracy in the frontier is the sweep's, over all queries and per oracle bin
** (up to the 2^-32 fixed point the planner sums in). */
START_TEST(planner_totals_are_the_sweeps)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 3000\nbudgets = 1,4,16\nanswers = open\n"
                   "bins = quantiles:4\n[population.a]\np_correct = beta(1,2)\nwrong = dirichlet(2)\n"
                   "[strategy.vote]\n[strategy.weighted_vote]\n[strategy.best_of_n]\n"
                   "[strategy.revise]\nratio = 4\n");
    cs_results r;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    ck_assert(cs_sweep_run(&ex, 2, NULL, NULL, &r, &err) == 0);
    cs_optimize o;
    optimize(&ex, 4, 2, &o);
    ck_assert_uint_eq(o.baseline, 2); /* best_of_n comes before weighted_vote */
    for (size_t b = 0; b < ex.nbudgets; b++)
        for (size_t bin = 0; bin <= 4; bin++) {
            const cs_cell *c = cs_results_cell(&r, 2, b, bin);
            const cs_frontier_point *pt = cs_optimize_point(&o, bin ? CS_BIN_ORACLE : CS_BIN_NONE, b, bin);
            ck_assert_double_eq_tol(pt->baseline, c->sum / c->n, 1e-9);
            ck_assert_double_eq(pt->queries, c->n);
        }
    cs_optimize_free(&o);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Forty settings that are all equally good: resample with a judge that is a coin (tpr = fpr =
** 1/2) picks one of two draws at random, right with probability p = 1/2 whichever setting. Chosen
** and scored on the same queries, the best of forty per bin would be biased up (per bin the
** maximum of forty means whose independent parts have s.d. 0.35/sqrt(n_bin), about 2.2 of those;
** over ten bins that is some 5 s.e. of the total, s.e. = 0.5/sqrt(n)). Chosen on one half and
** scored on the other, the planner's accuracy is an unbiased estimate of 1/2: within 3.5 s.e. */
START_TEST(held_out_choices_are_not_fitted)
{
    char text[8192];
    int n = snprintf(text, sizeof text, "[experiment]\nqueries = 20000\nbudgets = 2\nanswers = 2\n"
                                        "bins = quantiles:10\n[population.a]\np_correct = 0.5\n"
                                        "[judge]\ntpr = 0.5\nfpr = 0.5\n");
    for (int s = 0; s < 40; s++)
        n += snprintf(text + n, sizeof text - (size_t)n, "[strategy.resample:s%d]\n", s);
    cs_experiment ex;
    load_text_ok(&ex, text);
    cs_optimize o;
    optimize_with(&ex, 2, 2, 0, &o);
    cs_results r;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    ck_assert(cs_sweep_run(&ex, 2, NULL, NULL, &r, &err) == 0);
    double se = 0.5 / sqrt(20000.0), fitted = 0;
    for (size_t bin = 1; bin <= 10; bin++) {
        double top = 0;
        for (size_t s = 0; s < ex.nstrat; s++) {
            const cs_cell *c = cs_results_cell(&r, s, 0, bin);
            top = fmax(top, c->sum / c->n);
        }
        fitted += top / 10;
    }
    printf("optimize: fitted per-bin choice %.4f (%+.1f s.e.); held out: none %.4f, oracle %.4f, "
           "predicted %.4f\n", fitted, (fitted - 0.5) / se,
           cs_optimize_point(&o, CS_BIN_NONE, 0, 0)->accuracy,
           cs_optimize_point(&o, CS_BIN_ORACLE, 0, 0)->accuracy,
           cs_optimize_point(&o, CS_BIN_PREDICTED, 0, 0)->accuracy);
    ck_assert(fitted > 0.5 + 3 * se); /* the bias a fitted choice would carry */
    for (int x = 0; x < CS_BINNINGS; x++)
        ck_assert(fabs(cs_optimize_point(&o, x, 0, 0)->accuracy - 0.5) < 3.5 * se);
    cs_results_free(&r);
    cs_optimize_free(&o);
    cs_experiment_free(&ex);
}
END_TEST

/* Two components of a binary question: vote wins the easy one (p = 0.8, where it tends to 1) and
** a knockout with a weak judge (one comparison, p_comp = 0.6) the hard one (p = 0.3, where vote
** tends to 0). The oracle planner picks each bin's winner, and its held-out accuracies are the
** exact ones (binomial sums, the bracket recursion) within 4 s.e. A predictor that counts the
** right answers among 4 samples separates the two well, so at N = 5 the predicted-bin planner
** beats one setting for all by 3 s.e. (At N = 33 the knockout is nearly as good as vote on easy
** questions, so the hard ones the predictor misplaces make it the better choice in both predicted
** bins, and the two planners agree.) */
START_TEST(oracle_planner_picks_each_bins_winner)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 40000\nbudgets = 5,33\nanswers = 2\n"
                   "[population.easy]\np_correct = 0.8\n[population.hard]\np_correct = 0.3\n"
                   "[verifier]\nseparation = 1\nanswer_noise = 0\nsample_noise = 0.1\n"
                   "[strategy.vote]\n[strategy.knockout]\ncomparisons = 1\np_comp = 0.6\n");
    cs_optimize o;
    optimize_with(&ex, 4, 2, 0, &o); /* vote as the baseline */
    for (size_t b = 0; b < ex.nbudgets; b++) {
        unsigned K = (unsigned)ex.budgets[b];
        double easy = majority(K, 0.8), hard = bracket(K, 0.3, 0.6);
        ck_assert(easy > bracket(K, 0.8, 0.6) && hard > majority(K, 0.3));
        const cs_frontier_point *e = cs_optimize_point(&o, CS_BIN_ORACLE, b, 1);
        const cs_frontier_point *h = cs_optimize_point(&o, CS_BIN_ORACLE, b, 2);
        ck_assert_str_eq(ex.strat[e->strategy].type->name, "vote");
        ck_assert_str_eq(ex.strat[h->strategy].type->name, "knockout");
        ck_assert(fabs(e->accuracy - easy) < 4 * sqrt(easy * (1 - easy) / e->queries) + 1e-12);
        ck_assert(fabs(h->accuracy - hard) < 4 * sqrt(hard * (1 - hard) / h->queries));
        double none = cs_optimize_point(&o, CS_BIN_NONE, b, 0)->accuracy;
        double pred = cs_optimize_point(&o, CS_BIN_PREDICTED, b, 0)->accuracy;
        if (K == 5)
            ck_assert_msg(pred - none > 3 * 0.5 * sqrt(2 / 40000.0), "%.4f vs %.4f", pred, none);
    }
    cs_optimize_free(&o);
    cs_experiment_free(&ex);
}
END_TEST

START_TEST(planner_does_not_depend_on_threads)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 2100\nbudgets = 1,4,9\nanswers = open\n"
                   "bins = quantiles:3\n[population.a]\np_correct = beta(1,2)\nwrong = dirichlet(3)\n"
                   "[large_model]\nparams = 7e10\np_correct = beta(2,1)\n"
                   "[strategy.best_of_n]\n[strategy.revise:a]\nratio = 0.25\n[strategy.revise:b]\n"
                   "chains = 1\nselect = best\n[strategy.knockout]\n");
    cs_optimize a, b;
    optimize(&ex, 3, 1, &a);
    optimize(&ex, 3, 3, &b);
    size_t n = CS_BINNINGS * a.nbudgets * (a.nbins + 1);
    ck_assert_int_eq(memcmp(a.point, b.point, n * sizeof *a.point), 0);
    ck_assert_int_eq(memcmp(a.large_accuracy, b.large_accuracy, 4 * sizeof *a.large_accuracy), 0);
    ck_assert(a.efficiency == b.efficiency || (isnan(a.efficiency) && isnan(b.efficiency)));
    cs_optimize_free(&a);
    cs_optimize_free(&b);
    cs_experiment_free(&ex);
}
END_TEST

/* The larger model's p is the same quantile of Beta(5,1) as the small model's of Beta(2,2):
** in quantile bin i (u in [1 - (i+1)/5, 1 - i/5]) its mean accuracy is 5 times the integral of
** the Beta(5,1) quantile function over that interval (midpoint rule, 20000 points). Tolerance:
** 4 s.e. with the s.d. of a [0,1] variable bounded by 1/2 (Popoviciu). */
START_TEST(large_model_accuracy_per_bin)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 20000\nbudgets = 1\nbins = quantiles:5\n"
                   "[population.a]\np_correct = beta(2,2)\n"
                   "[large_model]\nparams = 7e10\np_correct = beta(5,1)\n[strategy.best_of_n]\n");
    cs_optimize o;
    optimize(&ex, 1, 2, &o);
    double all = 0;
    for (size_t i = 0; i < 5; i++) {
        double lo = 1 - (double)(i + 1) / 5, want = 0;
        for (int k = 0; k < 20000; k++)
            want += gsl_cdf_beta_Pinv(lo + (k + 0.5) / 20000 / 5, 5, 1) / 20000;
        all += want / 5;
        double n = cs_optimize_point(&o, CS_BIN_ORACLE, 0, i + 1)->queries;
        ck_assert_msg(fabs(o.large_accuracy[i + 1] - want) < 4 * 0.5 / sqrt(n), "q%zu: %.4f vs %.4f",
                      i + 1, o.large_accuracy[i + 1], want);
    }
    ck_assert(fabs(o.large_accuracy[0] - all) < 4 * 0.5 / sqrt(20000.0));
    ck_assert_double_eq_tol(all, 5.0 / 6, 1e-6); /* the mean of Beta(5,1) */
    cs_optimize_free(&o);
    cs_experiment_free(&ex);
}
END_TEST

/* Snell et al.: choosing per predicted difficulty bin reaches the best-of-n baseline's accuracy at
** the largest budget with several times fewer samples. Asserted on held-out queries, with the
** baseline rising at every budget (so the factor does not come from a baseline that falls). */
START_TEST(compute_optimal_efficiency)
{
    cs_experiment ex;
    cs_error err;
    ck_assert_msg(cs_experiment_load(&ex, "experiments/snell2024_compute_optimal.ini", NULL, 0,
                                     &err) == 0, "%d: %s", err.line, err.msg);
    cs_optimize o;
    optimize(&ex, CS_OPTIMIZE_PREDICTOR, 2, &o);
    for (size_t b = 1; b < ex.nbudgets; b++)
        ck_assert(cs_optimize_point(&o, CS_BIN_NONE, b, 0)->baseline >
                  cs_optimize_point(&o, CS_BIN_NONE, b - 1, 0)->baseline);
    printf("optimize: %.2fx fewer samples (predicted bins), %.2fx (oracle bins)\n", o.efficiency,
           o.efficiency_oracle);
    ck_assert(!o.efficiency_low);
    ck_assert(o.efficiency >= 2);
    cs_optimize_free(&o);
    cs_experiment_free(&ex);
}
END_TEST

/* Snell et al.'s FLOPs-matched comparison (test-time compute against a 14x larger model): more
** test-time compute pays on the easier and middle questions, and pretraining on the hardest when
** inference is heavy (R = D_inference / D_pretrain >> 1). On snell2024_compute_optimal.ini, for
** each R, the planner (oracle bins) at the samples one answer of the larger model costs, against
** that model, on q2..q5 (q1, the easiest, is within 3 s.e. at every R here, which README says).
** Standard error of the difference: both accuracies' binomial variances added (an upper bound:
** each is a mean of scores in [0, 1], the large model's of expectations). Expected: at R = 22 the
** larger model wins q5 and test-time compute q2..q4; at R = 0.79 and 0.16 test-time compute wins
** q2..q5. */
START_TEST(flops_exchange_per_bin)
{
    cs_experiment ex;
    cs_error err;
    ck_assert_msg(cs_experiment_load(&ex, "experiments/snell2024_compute_optimal.ini", NULL, 0,
                                     &err) == 0, "%d: %s", err.line, err.msg);
    ck_assert_uint_eq(ex.large.nratio, 3);
    cs_optimize o;
    optimize(&ex, CS_OPTIMIZE_PREDICTOR, 2, &o);
    ck_assert_uint_eq(o.nbins, 5);
    double M = ex.large.params / ex.global.gen_params;
    for (size_t r = 0; r < 3; r++) {
        double R = ex.large.ratio[r], X = cs_optimize_flops_multiplier(M, R);
        for (size_t bin = 2; bin <= 5; bin++) {
            int inside;
            double a = cs_optimize_at(&ex, &o, CS_BIN_ORACLE, bin, X, &inside);
            double l = o.large_accuracy[bin];
            double n = cs_optimize_point(&o, CS_BIN_ORACLE, ex.nbudgets - 1, bin)->queries;
            double z = (a - l) / sqrt((a * (1 - a) + l * (1 - l)) / n);
            int large_wins = R > 1 && bin == 5;
            printf("exchange: R = %g, q%zu: test-time %.4f, larger model %.4f, %+.1f s.e.\n", R, bin,
                   a, l, z);
            ck_assert_msg(large_wins ? z < -3 : z > 3, "R = %g, q%zu: %+.1f s.e.", R, bin, z);
        }
    }
    cs_optimize_free(&o);
    cs_experiment_free(&ex);
}
END_TEST

/* Snell et al.'s Figure 4, compute-optimal search: on the search experiment (best-of-N weighted,
** majority vote and three beam searches), choosing the method per predicted difficulty bin (the mean
** PRM score of a query's first 4 samples) beats best-of-N weighted at 256 with 16 samples, on held-out
** queries, by 3 s.e. of the difference (binomial s.e. of each, taken as independent: the two share
** queries and are positively correlated, which only overstates it). Snell report over 4x; here
** best-of-N plateaus near 0.41 with coinciding wrong answers, so the factor is larger. Run at 10,000
** queries to keep make check short (the file's 20,000 give the README's numbers). */
START_TEST(compute_optimal_search)
{
    cs_experiment ex;
    cs_error err;
    ck_assert_msg(cs_experiment_load(&ex, "experiments/snell2024_search.ini", NULL, 0, &err) == 0,
                  "%d: %s", err.line, err.msg);
    ex.queries = 10000;
    cs_optimize o;
    optimize(&ex, CS_OPTIMIZE_PREDICTOR, 2, &o);
    ck_assert_str_eq(ex.strat[o.baseline].type->name, "weighted_vote");
    size_t b16 = budget_index(&ex, 16), b256 = budget_index(&ex, 256);
    const cs_frontier_point *plan = cs_optimize_point(&o, CS_BIN_PREDICTED, b16, 0);
    const cs_frontier_point *base = cs_optimize_point(&o, CS_BIN_NONE, b256, 0);
    double a = plan->accuracy, c = base->baseline;
    double se = sqrt(a * (1 - a) / plan->queries + c * (1 - c) / base->queries);
    printf("optimize: search planner at 16 %.4f, best-of-N weighted at 256 %.4f, %.1f s.e.; "
           "%.1fx fewer samples (predicted bins)\n", a, c, (a - c) / se, o.efficiency);
    ck_assert((a - c) / se > 3.0);
    ck_assert(o.efficiency >= 4);
    cs_optimize_free(&o);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("optimize");
    TCase *tc = tcase_create("optimize");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, flops_multiplier_is_snells);
    tcase_add_test(tc, planner_totals_are_the_sweeps);
    tcase_add_test(tc, held_out_choices_are_not_fitted);
    tcase_add_test(tc, oracle_planner_picks_each_bins_winner);
    tcase_add_test(tc, planner_does_not_depend_on_threads);
    tcase_add_test(tc, large_model_accuracy_per_bin);
    tcase_add_test(tc, compute_optimal_efficiency);
    tcase_add_test(tc, flops_exchange_per_bin);
    tcase_add_test(tc, compute_optimal_search);
    suite_add_tcase(s, tc);
    return s;
}
