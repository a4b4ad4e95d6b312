/*
** Tree search on the step model: REBASE's allocation, reductions to the answer-level strategies,
** a noiseless PRM, cost accounting, and the findings of Snell et al. and Wu et al.
*/
#include <gsl/gsl_errno.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "callscale/exact.h"
#include "callscale/steps.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "runner.h"
#include "testutil.h"
#include "testutil_cells.h"
#include "testutil_experiment.h"
#include "testutil_sweep.h"

static void load_file(cs_experiment *ex, const char *path)
{
    cs_error err;
    ck_assert_msg(cs_experiment_load(ex, path, NULL, 0, &err) == 0, "%s:%d: %s", path, err.line,
                  err.msg);
}

/* The worked example of the issue: scores [0.9, 0.8, 0.5, 0.2], B = 16, T = 0.2 -> [10, 5, 1, 0]. */
START_TEST(rebase_allocation_example)
{
    const double score[4] = {0.9, 0.8, 0.5, 0.2};
    size_t kids[4], order[4];
    double tmp[8];
    cs_steps_rebase_allocate(score, 4, 16, 0.2, kids, order, tmp);
    ck_assert_uint_eq(kids[0], 10);
    ck_assert_uint_eq(kids[1], 5);
    ck_assert_uint_eq(kids[2], 1);
    ck_assert_uint_eq(kids[3], 0);
    /* the same scores in another order get the same children */
    const double shuffled[4] = {0.5, 0.2, 0.9, 0.8};
    cs_steps_rebase_allocate(shuffled, 4, 16, 0.2, kids, order, tmp);
    ck_assert_uint_eq(kids[0], 1);
    ck_assert_uint_eq(kids[1], 0);
    ck_assert_uint_eq(kids[2], 10);
    ck_assert_uint_eq(kids[3], 5);
}
END_TEST

/* Whatever the scores, budget and temperature, the budget is spent exactly. */
START_TEST(rebase_allocation_spends_budget)
{
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    const double temps[5] = {1e-3, 0.05, 0.2, 1, 50};
    double score[300];
    size_t kids[300], order[300];
    double tmp[600];
    for (int trial = 0; trial < 2000; trial++) {
        size_t n = 1 + gsl_rng_uniform_int(r, 300), B = 1 + gsl_rng_uniform_int(r, 400);
        for (size_t i = 0; i < n; i++)
            score[i] = gsl_ran_gaussian(r, 1.0) + (trial % 7 == 0 ? 0 : 0.5 * (double)(i % 3));
        cs_steps_rebase_allocate(score, n, B, temps[trial % 5], kids, order, tmp);
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            ck_assert_uint_le(kids[i], B);
            total += kids[i];
        }
        ck_assert_uint_eq(total, B);
    }
    gsl_rng_free(r);
}
END_TEST

START_TEST(rank_is_a_stable_descending_sort)
{
    const double key[7] = {0.3, 0.9, 0.3, -1, 0.9, 2, 0.3};
    const size_t want[7] = {5, 1, 4, 0, 2, 6, 3};
    size_t idx[7], tmp[7];
    cs_steps_rank_desc(key, 7, idx, tmp);
    for (int i = 0; i < 7; i++)
        ck_assert_uint_eq(idx[i], want[i]);
}
END_TEST

/* Beam search makes N children at every depth whatever N and M. With N = 7 and M = 4 one prefix
** is kept (7 / 4) and all 7 children must be its own, which is beam search with M = 7: on the
** same stream the two give the same score on every query. (A leftover larger than the kept
** prefixes used to leave a depth short of children, carrying stale prefixes into the finals.) */
START_TEST(beam_spends_its_budget_when_m_does_not_divide_n)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 400\nbudgets = 7\nanswers = 4\n"
                      "[population.x]\np_correct = beta(1,1)\n[steps]\nsteps = 5\n"
                      "[strategy.beam:m4]\nbeam_width = 4\n[strategy.beam:m7]\nbeam_width = 7\n");
    cs_error err;
    cs_population *pop = cs_population_new(&ex, &err);
    ck_assert_ptr_nonnull(pop);
    cs_runner run;
    ck_assert_int_eq(cs_runner_init(&run, &ex, pop, 0), 0);
    run.purpose[1] = run.purpose[0]; /* one stream for both */
    int differ = 0;
    for (uint64_t i = 0; i < ex.queries; i++) {
        cs_runner_query(&run, i);
        cs_runner_strategy(&run, 0);
        double m4 = run.score[0];
        cs_runner_strategy(&run, 1);
        differ += m4 != run.score[0];
    }
    ck_assert_int_eq(differ, 0);
    cs_runner_free(&run);
    cs_population_free(pop);
    cs_experiment_free(&ex);
}
END_TEST

/* The top k are cs_steps_rank_desc's first k, ties by index included, for every k, on keys with many
** ties (a grid of 5 values) and on distinct ones. */
START_TEST(top_k_is_the_head_of_the_ranking)
{
    enum { N = 200 };
    double key[N];
    size_t full[N], tmp[N], top[N];
    double kept[3 * N];
    for (int grid = 0; grid < 2; grid++) {
        for (size_t i = 0; i < N; i++)
            key[i] = grid ? (double)((i * 7919u) % 5) : sin((double)i * 12.9898) * 43758.5453;
        cs_steps_rank_desc(key, N, full, tmp);
        for (size_t k = 1; k <= N; k++) {
            cs_steps_rank_top(key, N, k, top, tmp, kept);
            for (size_t i = 0; i < k; i++)
                ck_assert_uint_eq(top[i], full[i]);
        }
    }
}
END_TEST

/* With one step, a tree is N independent one-step chains, and the PRM's score of a finished chain
** is [correct] + noise: beam, dvts and rebase with select = best are best-of-n under a verifier of
** separation 1 and sample noise = the PRM's noise, and with select = majority they are majority
** vote. Exact mode gives both answer-level curves; the Monte Carlo tree curves must lie within 4
** s.e. (s.e. bounded by sqrt(a(1-a)/n) for a score in [0,1] with mean a). MCTS is left out: with
** one step its iterations revisit the same few expanded children, so it is not N independent
** samples. */
START_TEST(one_step_reduces_to_answer_level)
{
    gsl_set_error_handler_off();
    cs_experiment tree, flat;
    load_text_ok(&tree, "[experiment]\nqueries = 20000\nbudgets = 1,4,16\nanswers = 4\n"
                     "[population.x]\np_correct = 0.35\nwrong = zipf(1)\n"
                     "[steps]\nsteps = 1\n[prm]\nnoise = 0.7\ntrap = 0\n"
                     "[strategy.beam:best]\nselect = best\n[strategy.dvts:best]\nselect = best\n"
                     "[strategy.rebase:best]\nselect = best\n"
                     "[strategy.beam:majority]\nselect = majority\n"
                     "[strategy.dvts:majority]\nselect = majority\n"
                     "[strategy.rebase:majority]\nselect = majority\n");
    load_text_ok(&flat, "[experiment]\nbudgets = 1,4,16\nanswers = 4\n"
                     "[population.x]\np_correct = 0.35\nwrong = zipf(1)\n"
                     "[verifier]\nseparation = 1\nanswer_noise = 0\nsample_noise = 0.7\n"
                     "[strategy.best_of_n]\n[strategy.vote]\n");
    cs_results mc, ex;
    sweep_ok(&tree, &mc, 2);
    cs_error err;
    ck_assert_int_eq(cs_results_init(&ex, &flat), 0);
    ck_assert_msg(cs_exact_run(&flat, &ex, &err) == 0, "%s", err.msg);
    for (size_t s = 0; s < tree.nstrat; s++) {
        size_t e = s < 3 ? 0 : 1; /* best -> best_of_n, majority -> vote */
        for (size_t b = 0; b < tree.nbudgets; b++) {
            double a = cell_mean(&ex, e, b, 0), x = cell_mean(&mc, s, b, 0);
            double bound = 4 * sqrt(a * (1 - a) / cs_results_cell(&mc, s, b, 0)->n);
            ck_assert_msg(fabs(x - a) <= bound, "%s:%s N=%zu: %.4f vs exact %.4f",
                          tree.strat[s].type->name, tree.strat[s].label, tree.budgets[b], x, a);
        }
    }
    cs_results_free(&mc);
    cs_results_free(&ex);
    cs_experiment_free(&tree);
    cs_experiment_free(&flat);
}
END_TEST

/* With a noiseless PRM, no traps and no recovery, an on-track prefix always outscores a derailed
** one, so beam search never drops an on-track prefix while it has room: with j on-track prefixes
** kept (j <= N/M), the next depth has X ~ Bin(j M, s) on-track children and keeps min(X, N/M).
** Select = best then finds an on-track chain exactly when one survives to the end. That Markov
** chain, computed here, is the exact accuracy. */
static double beam_noiseless(double p, unsigned L, size_t N, size_t M)
{
    double s = pow(p, 1.0 / L);
    size_t keep = N / M;
    double prob[257] = {0}, next[257];
    for (size_t x = 0; x <= N; x++) { /* depth 1: N children of the root */
        size_t j = x < keep ? x : keep;
        prob[j] += gsl_ran_binomial_pdf((unsigned)x, s, (unsigned)N);
    }
    for (unsigned d = 2; d <= L; d++) {
        memset(next, 0, sizeof next);
        for (size_t j = 0; j <= keep; j++)
            for (size_t x = 0; x <= j * M; x++) {
                size_t j2 = x < keep ? x : keep;
                next[j2] += prob[j] * gsl_ran_binomial_pdf((unsigned)x, s, (unsigned)(j * M));
            }
        memcpy(prob, next, sizeof prob);
    }
    return 1 - prob[0];
}

START_TEST(noiseless_beam_keeps_every_on_track_prefix)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 20000\nbudgets = 4,8,16\nanswers = open\n"
                   "[population.x]\np_correct = 0.2\n"
                   "[steps]\nsteps = 5\n[prm]\nnoise = 0\ntrap = 0\n"
                   "[strategy.beam]\nbeam_width = 2\nselect = best\n");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    for (size_t b = 0; b < ex.nbudgets; b++) {
        double a = beam_noiseless(0.2, 5, ex.budgets[b], 2), x = cell_mean(&r, 0, b, 0);
        double bound = 4 * sqrt(a * (1 - a) / cs_results_cell(&r, 0, b, 0)->n);
        ck_assert_msg(fabs(x - a) <= bound, "N=%zu: %.4f vs %.4f", ex.budgets[b], x, a);
        /* and it does better than N independent chains, which succeed with 1 - (1-p)^N */
        ck_assert(a > 1 - pow(0.8, (double)ex.budgets[b]));
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Cost of beam search with lookahead k on L steps, per query: N steps and N PRM calls per depth,
** plus N min(k, L-d) rollout steps and N PRM calls at depths d < L. */
START_TEST(beam_lookahead_cost)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 50\nbudgets = 16\n"
                   "[steps]\nsteps = 8\n[generator]\ntokens = 100\nparams = 1e9\n"
                   "[strategy.beam]\nbeam_width = 4\nlookahead = 3\n"
                   "[strategy.weighted_vote]\n");
    cs_results r;
    sweep_ok(&ex, &r, 1);
    double N = 16, L = 8, steps = N * L, prm = N * L;
    for (double d = 1; d < L; d++) {
        steps += N * fmin(3, L - d);
        prm += N;
    }
    const cs_cell *c = cs_results_cell(&r, 0, 0, 0);
    ck_assert_double_eq_tol(c->calls / c->n, steps + prm, 1e-9);
    ck_assert_double_eq_tol(c->tokens / c->n, steps * 100, 1e-6);
    /* weighted voting over N whole chains: N generations of L steps and N PRM calls */
    c = cs_results_cell(&r, 1, 0, 0);
    ck_assert_double_eq_tol(c->calls / c->n, 2 * N, 1e-9);
    ck_assert_double_eq_tol(c->tokens / c->n, N * L * 100, 1e-6);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

START_TEST(tree_results_do_not_depend_on_threads)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 1500\nbudgets = 4,16\nanswers = open\n"
                   "[population.x]\np_correct = beta(1,2)\nwrong = dirichlet(3)\n"
                   "[steps]\nsteps = 4\nsteps_max = 6\nrecover = 0.05\n"
                   "[prm]\ntrap = 0.01\nrho = 0.5\nagg = min\n"
                   "[strategy.beam]\n[strategy.dvts]\n[strategy.rebase]\n[strategy.mcts]\n"
                   "[strategy.vote]\n");
    assert_thread_independent(&ex);
    cs_experiment_free(&ex);
}
END_TEST

/* A setting's results are its own to the bit, whatever runs beside it: MCTS keeps its UCT tables
** in the thread's scratch from one query to the next while it alone runs there, and makes them
** again after another setting (another MCTS's c, or a beam) has used that scratch. */
START_TEST(mcts_alone_or_beside_others)
{
    const char *head = "[experiment]\nqueries = 600\nbudgets = 3,8,24\nanswers = open\n"
                       "[population.x]\np_correct = beta(1,2)\n[steps]\nsteps = 5\n"
                       "[prm]\ntrap = 0.01\n";
    const char *alone[2] = {"[strategy.mcts:a]\nc = 0.5\n", "[strategy.mcts:b]\nc = 3\n"};
    char text[1024];
    snprintf(text, sizeof text, "%s%s[strategy.beam]\n%s", head, alone[0], alone[1]);
    cs_experiment all;
    cs_results both;
    load_text_ok(&all, text);
    sweep_ok(&all, &both, 2);
    for (size_t k = 0; k < 2; k++) {
        snprintf(text, sizeof text, "%s%s", head, alone[k]);
        cs_experiment one;
        cs_results own;
        load_text_ok(&one, text);
        sweep_ok(&one, &own, 1);
        for (size_t b = 0; b < 3; b++) {
            const cs_cell *x = cs_results_cell(&both, 2 * k, b, 0), *y = cs_results_cell(&own, 0, b, 0);
            ck_assert_double_eq(x->sum, y->sum);
            ck_assert_double_eq(x->calls, y->calls);
        }
        cs_results_free(&own);
        cs_experiment_free(&one);
    }
    cs_results_free(&both);
    cs_experiment_free(&all);
}
END_TEST

/* Each budget's results, to the bit, as those of an experiment with that budget alone (strategies
** and budgets in text: "[strategy...]" sections and a list). */
static void each_budget_as_alone(const char *strategies, const char *budgets)
{
    const char *head = "[experiment]\nqueries = 400\nbudgets = %s\nanswers = open\n"
                       "[population.x]\np_correct = beta(1,2)\n[steps]\nsteps = 5\n"
                       "[prm]\ntrap = 0.01\n%s";
    char text[1024], list[64];
    snprintf(text, sizeof text, head, budgets, strategies);
    cs_experiment all;
    cs_results every;
    load_text_ok(&all, text);
    sweep_ok(&all, &every, 2);
    snprintf(list, sizeof list, "%s", budgets);
    size_t b = 0;
    char *save = NULL;
    for (char *one = strtok_r(list, ",", &save); one; one = strtok_r(NULL, ",", &save), b++) {
        snprintf(text, sizeof text, head, one, strategies);
        cs_experiment alone;
        cs_results own;
        load_text_ok(&alone, text);
        sweep_ok(&alone, &own, 1);
        for (size_t s = 0; s < all.nstrat; s++) {
            const cs_cell *x = cs_results_cell(&every, s, b, 0), *y = cs_results_cell(&own, s, 0, 0);
            ck_assert_msg(x->sum == y->sum && x->calls == y->calls,
                          "%s:%s budgets %s, N=%s: %.17g against %.17g", all.strat[s].type->name,
                          all.strat[s].label, budgets, one, x->sum, y->sum);
        }
        cs_results_free(&own);
        cs_experiment_free(&alone);
    }
    ck_assert_uint_eq(b, all.nbudgets);
    cs_results_free(&every);
    cs_experiment_free(&all);
}

/* MCTS's iterations and DVTS's subtrees do not depend on N, so one search serves every budget:
** budget N is MCTS's first N iterations, and DVTS keeps the last budget's subtrees where their
** widths agree and grows the rest from where that budget alone would (the stream's state is kept
** at each subtree's start): M = 4 and N = 4, 16, 48 share 1 then 4; N = 1, 2, 4, 8 share none, then
** 1 (of widths 1, 2, 4, then 4 and 4); M = 3 and N = 10, 14 share the first of widths 4 3 3 and 4 4
** 3 3; M = sqrt(N) changes every width. */
START_TEST(budgets_share_one_search)
{
    each_budget_as_alone("[strategy.mcts]\n[strategy.dvts]\n", "4,16,48");
    each_budget_as_alone("[strategy.dvts]\n[strategy.mcts]\nc = 2\n", "1,2,4,8,16,32");
    each_budget_as_alone("[strategy.dvts]\nbeam_width = 3\n", "10,14");
    each_budget_as_alone("[strategy.dvts]\nbeam_width = sqrt\n", "9,16,25");
}
END_TEST

START_TEST(tree_strategies_need_steps)
{
    cs_experiment ex;
    cs_error err;
    const char *path = write_temp_ini("[experiment]\nbudgets = 4\n\n[strategy.beam]\n");
    ck_assert_int_ne(cs_experiment_load(&ex, path, NULL, 0, &err), 0);
    remove(path);
    ck_assert_int_eq(err.line, 4);
    ck_assert_ptr_nonnull(strstr(err.msg, "[steps]"));
}
END_TEST
/* Snell et al.'s findings on the shipped experiment (their Figure 3, in their terms: q1 is their
** level 1, the easiest), each by at least Z_FINDING standard errors of the difference (cells are
** taken as independent, which only overstates the s.e. of cells that share samples). */

/* mean + Z_FINDING s.e. of one cell stays below `bound`: how many s.e. of margin there are */
static double below(const cs_results *r, size_t s, size_t b, size_t bin, double bound)
{
    return (bound - cell_mean(r, s, b, bin)) / cell_se(r, s, b, bin);
}

START_TEST(snell_findings)
{
    cs_experiment ex;
    load_file(&ex, "experiments/snell2024_search.ini");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    size_t bon = strategy_index(&ex, "weighted_vote", "default");
    size_t vote = strategy_index(&ex, "vote", "default");
    size_t beam = strategy_index(&ex, "beam", "m4");
    size_t b4 = budget_index(&ex, 4), b16 = budget_index(&ex, 16), b256 = budget_index(&ex, 256);
    ck_assert_uint_eq(r.nbins, 5);
    /* 1. on the middle levels (q3, q4) beam search beats best-of-N weighted at every budget */
    for (size_t bin = 3; bin <= 4; bin++)
        for (size_t b = 0; b < ex.nbudgets; b++) {
            double z = cell_z(&r, beam, b, bin, bon, b, bin);
            printf("snell: q%zu N=%zu beam %.4f, best-of-N %.4f, %.1f s.e.\n", bin, ex.budgets[b],
                   cell_mean(&r, beam, b, bin), cell_mean(&r, bon, b, bin), z);
            ck_assert_msg(z > Z_FINDING, "q%zu N=%zu", bin, ex.budgets[b]);
        }
    /* 2. on the easiest level beam search gets worse with budget: from its best budget to 256 */
    size_t peak = 0;
    for (size_t b = 0; b < ex.nbudgets; b++)
        if (cell_mean(&r, beam, b, 1) > cell_mean(&r, beam, peak, 1))
            peak = b;
    ck_assert_uint_lt(peak, b256);
    double z = cell_z(&r, beam, peak, 1, beam, b256, 1);
    printf("snell: beam on q1 falls from %.4f (N=%zu) to %.4f (N=256), %.1f s.e.\n",
           cell_mean(&r, beam, peak, 1), ex.budgets[peak], cell_mean(&r, beam, b256, 1), z);
    ck_assert(z > Z_FINDING);
    /* 3. on the hardest level nothing makes meaningful progress: every method at every budget
    ** under 5% accuracy, and no method gains 2 points from 4 to 256 */
    for (size_t s = 0; s < ex.nstrat; s++) {
        for (size_t b = 0; b < ex.nbudgets; b++)
            ck_assert_msg(below(&r, s, b, 5, 0.05) > Z_FINDING, "q5 %s N=%zu: %.4f",
                          ex.strat[s].label, ex.budgets[b], cell_mean(&r, s, b, 5));
        double gain = cell_mean(&r, s, b256, 5) - cell_mean(&r, s, b4, 5);
        double se = hypot(cell_se(&r, s, b256, 5), cell_se(&r, s, b4, 5));
        printf("snell: q5 %s gains %.4f from 4 to 256 (%.1f s.e. under 0.02)\n", ex.strat[s].label,
               gain, (0.02 - gain) / se);
        ck_assert((0.02 - gain) / se > Z_FINDING);
    }
    /* 4. majority vote below best-of-N weighted, overall, at every budget */
    for (size_t b = 0; b < ex.nbudgets; b++)
        ck_assert_msg(cell_z(&r, bon, b, 0, vote, b, 0) > Z_FINDING, "vote N=%zu", ex.budgets[b]);
    /* 5. overall: beam ahead at the small budgets, and its lead shrinking as best-of-N catches up:
    ** the lead at 256 smaller than at 4 (the s.e. of a difference of two independent leads) */
    ck_assert(cell_z(&r, beam, b4, 0, bon, b4, 0) > Z_FINDING);
    ck_assert(cell_z(&r, beam, b16, 0, bon, b16, 0) > Z_FINDING);
    double lead4 = cell_mean(&r, beam, b4, 0) - cell_mean(&r, bon, b4, 0);
    double lead256 = cell_mean(&r, beam, b256, 0) - cell_mean(&r, bon, b256, 0);
    double se = sqrt(pow(cell_se(&r, beam, b4, 0), 2) + pow(cell_se(&r, bon, b4, 0), 2) +
                     pow(cell_se(&r, beam, b256, 0), 2) + pow(cell_se(&r, bon, b256, 0), 2));
    printf("snell: beam's lead over best-of-N %.4f at 4, %.4f at 256, %.1f s.e.\n", lead4, lead256,
           (lead4 - lead256) / se);
    ck_assert((lead4 - lead256) / se > Z_FINDING);
    /* 6. Snell's accuracy level: PaLM 2-S* on MATH stays under about 40% at 256 in their Figure 3
    ** (read off the figure). Best-of-N weighted and majority vote stay under 45% overall at every
    ** budget; beam search, which this model makes a little stronger, under 50% */
    for (size_t s = 0; s < ex.nstrat; s++)
        for (size_t b = 0; b < ex.nbudgets; b++) {
            double bound = s == bon || s == vote ? 0.45 : 0.50;
            ck_assert_msg(below(&r, s, b, 0, bound) > Z_FINDING, "%s N=%zu: %.4f",
                          ex.strat[s].label, ex.budgets[b], cell_mean(&r, s, b, 0));
        }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("search");
    TCase *unit = tcase_create("unit");
    tcase_set_timeout(unit, 60); /* seconds: a loaded machine slows even the small ones */
    tcase_add_test(unit, rebase_allocation_example);
    tcase_add_test(unit, rebase_allocation_spends_budget);
    tcase_add_test(unit, rank_is_a_stable_descending_sort);
    tcase_add_test(unit, top_k_is_the_head_of_the_ranking);
    tcase_add_test(unit, beam_spends_its_budget_when_m_does_not_divide_n);
    tcase_add_test(unit, tree_strategies_need_steps);
    suite_add_tcase(s, unit);
    TCase *mc = tcase_create("monte-carlo");
    tcase_set_timeout(mc, 900);
    tcase_add_test(mc, one_step_reduces_to_answer_level);
    tcase_add_test(mc, noiseless_beam_keeps_every_on_track_prefix);
    tcase_add_test(mc, beam_lookahead_cost);
    tcase_add_test(mc, tree_results_do_not_depend_on_threads);
    tcase_add_test(mc, mcts_alone_or_beside_others);
    tcase_add_test(mc, budgets_share_one_search);
    tcase_add_test(mc, snell_findings);
    suite_add_tcase(s, mc);
    return s;
}
