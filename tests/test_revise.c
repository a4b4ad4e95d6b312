/*
** Sequential revisions: reductions to the parallel strategies, a chain's last answer against its
** two-state Markov chain, verifier selection against the last answer, the call record, thread
** independence, and Snell et al.'s finding on the shipped experiment.
*/
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"

/* Same queries, same scores, query by query: every sum of two cells is equal. */
static void assert_same_cells(const cs_results *r, size_t a, size_t b)
{
    for (size_t k = 0; k < r->nbudgets; k++)
        for (size_t bin = 0; bin <= r->nbins; bin++) {
            const cs_cell *x = cs_results_cell(r, a, k, bin), *y = cs_results_cell(r, b, k, bin);
            ck_assert_double_eq(x->n, y->n);
            ck_assert_double_eq(x->sum, y->sum);
            ck_assert_double_eq(x->sumsq, y->sumsq);
            ck_assert_double_eq(x->calls, y->calls);
            ck_assert_double_eq(x->tokens, y->tokens);
            ck_assert_double_eq(x->flops, y->flops);
        }
}

/* With one answer per chain nothing is revised, and the chains' first answers are the shared
** samples: select = verifier is weighted_vote, best is best_of_n and majority is vote, query by
** query (so the cells are equal to the last bit), in a finite and an open answer space. */
START_TEST(parallel_chains_are_the_parallel_strategies)
{
    const char *spaces[2] = {"answers = 5\n[population.a]\np_correct = beta(1,2)\nwrong = zipf(1)\n",
                             "answers = open\n[population.a]\np_correct = beta(1,2)\n"
                             "wrong = dirichlet(2)\n[population.b]\np_correct = 0.2\n"};
    for (int sp = 0; sp < 2; sp++) {
        char text[2048];
        snprintf(text, sizeof text,
                 "[experiment]\nqueries = 3000\nbudgets = 1,3,16,50\n%s"
                 "[revise]\nfix = 0.5\nbreak = 0.2\nstick = 0.5\n"
                 "[strategy.weighted_vote]\n[strategy.best_of_n]\n[strategy.vote]\n"
                 "[strategy.revise:v]\nchains = 1e9\nselect = verifier\n"
                 "[strategy.revise:b]\nratio = 1e-9\nselect = best\n"
                 "[strategy.revise:m]\nchains = 1e9\nselect = majority\n"
                 "[strategy.revise:w]\nchains = 1e9\nselect = weighted\n",
                 spaces[sp]);
        cs_experiment ex;
        load_text_ok(&ex, text);
        cs_results r;
        sweep_ok(&ex, &r, 2);
        assert_same_cells(&r, 0, 3);
        assert_same_cells(&r, 1, 4);
        assert_same_cells(&r, 2, 5);
        /* weighted over all answers is also weighted_vote when chains are single answers */
        for (size_t b = 0; b < ex.nbudgets; b++)
            ck_assert_double_eq(cs_results_cell(&r, 0, b, 0)->sum, cs_results_cell(&r, 6, b, 0)->sum);
        cs_results_free(&r);
        cs_experiment_free(&ex);
    }
}
END_TEST

/* At N = 1 every selection answers with the query's first shared sample: the cells of every revise
** setting and of knockout equal vote's, in an answer-level and in a stepped experiment (where a
** PRM weight can be 0, which must not cost a lone answer its vote). */
START_TEST(one_answer_is_the_first_sample)
{
    const char *kinds[2] = {"", "[steps]\nsteps = 4\n[prm]\ntrap = 0.01\nnoise = 0.8\n"};
    for (int k = 0; k < 2; k++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[experiment]\nqueries = 3000\nbudgets = 1,4\nanswers = open\n"
                 "[population.a]\np_correct = beta(1,2)\nwrong = dirichlet(2)\n%s"
                 "[strategy.vote]\n[strategy.revise:v]\n[strategy.revise:b]\nselect = best\n"
                 "[strategy.revise:w]\nselect = weighted\n[strategy.revise:m]\nselect = majority\n"
                 "[strategy.revise:l]\nselect = last\n[strategy.knockout]\n",
                 kinds[k]);
        cs_experiment ex;
        load_text_ok(&ex, text);
        cs_results r;
        sweep_ok(&ex, &r, 2);
        for (size_t s = 1; s < ex.nstrat; s++)
            for (size_t bin = 0; bin <= r.nbins; bin++)
                ck_assert_double_eq(cs_results_cell(&r, s, 0, bin)->sum,
                                    cs_results_cell(&r, 0, 0, bin)->sum);
        cs_results_free(&r);
        cs_experiment_free(&ex);
    }
}
END_TEST

/* One chain over a binary answer: right -> wrong with b, wrong -> right with f = fix p^k. Its
** answer after t revisions is right with s + (p - s)(1 - f - b)^t, s = f / (f + b) (the two-state
** chain's stationary law plus its one transient). With fix_decay d < 1, revision t fixes with
** f d^(t-1) and the chance follows the recursion r_t = r_(t-1) (1 - b) + (1 - r_(t-1)) f d^(t-1),
** r_0 = p. select = last with one chain scores exactly that answer; each budget N is a chain of
** N - 1 revisions. Tolerance: 4 s.e. of a Bernoulli mean. */
START_TEST(last_answer_follows_the_two_state_chain)
{
    const double fixes[5][4] = {/* fix, power, break, decay */
                                {0.3, 0, 0.1, 1}, {0.6, 2, 0.05, 1}, {0, 0, 0.2, 1},
                                {0.5, 0, 0.05, 0.8}, {0.9, 1, 0.02, 0.95}};
    for (int k = 0; k < 5; k++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[experiment]\nqueries = 40000\nbudgets = 1,2,3,5,9,40\nanswers = 2\n"
                 "[population.a]\np_correct = 0.35\n"
                 "[revise]\nfix = %g\nfix_power = %g\nbreak = %g\nfix_decay = %g\n"
                 "stick = 0.7\n[strategy.revise]\nchains = 1\nselect = last\n",
                 fixes[k][0], fixes[k][1], fixes[k][2], fixes[k][3]);
        cs_experiment ex;
        load_text_ok(&ex, text);
        cs_results r;
        sweep_ok(&ex, &r, 2);
        double p = 0.35, f = fixes[k][0] * pow(p, fixes[k][1]), b = fixes[k][2], d = fixes[k][3];
        double s = f + b > 0 ? f / (f + b) : p;
        for (size_t i = 0; i < ex.nbudgets; i++) {
            double want = s + (p - s) * pow(1 - f - b, (double)(ex.budgets[i] - 1));
            if (d < 1) {
                want = p;
                for (size_t t = 1; t < ex.budgets[i]; t++)
                    want = want * (1 - b) + (1 - want) * f * pow(d, (double)(t - 1));
            }
            double got = cell_mean(&r, 0, i, 0), tol = 4 * sqrt(want * (1 - want) / 40000);
            ck_assert_msg(fabs(got - want) <= tol, "fix %g break %g decay %g N=%zu: %.4f, chain "
                          "says %.4f", f, b, d, ex.budgets[i], got, want);
        }
        cs_results_free(&r);
        cs_experiment_free(&ex);
    }
}
END_TEST

/* With break > 0 and no fixes, a chain is right while its first answer lasts and wrong after: the
** last of N answers is right with p (1-b)^(N-1). A noiseless verifier (right scores separation,
** wrong 0) picks a right answer whenever the chain holds one, i.e. when its first answer is right:
** p, at every length. Exact expectations; tolerance 4 s.e. */
START_TEST(verifier_selection_beats_the_last_answer)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 40000\nbudgets = 1,2,4,8,16\nanswers = open\n"
                   "[population.a]\np_correct = 0.6\n"
                   "[verifier]\nseparation = 1\nanswer_noise = 0\nsample_noise = 0\n"
                   "[revise]\nfix = 0\nbreak = 0.25\n"
                   "[strategy.revise:last]\nchains = 1\nselect = last\n"
                   "[strategy.revise:verifier]\nchains = 1\nselect = verifier\n");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    for (size_t i = 0; i < ex.nbudgets; i++) {
        double last = 0.6 * pow(0.75, (double)(ex.budgets[i] - 1));
        ck_assert(fabs(cell_mean(&r, 0, i, 0) - last) <= 4 * sqrt(last * (1 - last) / 40000) + 1e-12);
        ck_assert(fabs(cell_mean(&r, 1, i, 0) - 0.6) <= 4 * sqrt(0.24 / 40000));
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Calls: N generations in ceil(N/C) rounds (C chains of N/C, the first N mod C one longer), plus
** N score calls (verifier, best, weighted), C (last) or none (majority). */
START_TEST(revision_calls)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 20\nbudgets = 1,7,64\n"
                   "[generator]\ntokens = 100\nparams = 1e9\n"
                   "[strategy.revise:v]\nchains = 3\n"
                   "[strategy.revise:l]\nchains = 3\nselect = last\n"
                   "[strategy.revise:m]\nchains = 3\nselect = majority\n"
                   "[strategy.revise:r]\nratio = 4\n");
    cs_results r;
    sweep_ok(&ex, &r, 1);
    for (size_t b = 0; b < ex.nbudgets; b++) {
        double N = (double)ex.budgets[b], C = N < 3 ? N : 3;
        const cs_cell *c = cs_results_cell(&r, 0, b, 0);
        ck_assert_double_eq_tol(c->calls / c->n, 2 * N, 1e-12);
        ck_assert_double_eq_tol(c->tokens / c->n, 100 * N, 1e-9);
        ck_assert_double_eq_tol(c->flops / c->n / (2 * 1e9 * 100 * 2 * N), 1, 1e-12);
        c = cs_results_cell(&r, 1, b, 0);
        ck_assert_double_eq_tol(c->calls / c->n, N + C, 1e-12);
        c = cs_results_cell(&r, 2, b, 0);
        ck_assert_double_eq_tol(c->calls / c->n, N, 1e-12);
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

START_TEST(revision_results_do_not_depend_on_threads)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 2000\nbudgets = 4,16,33\nanswers = open\n"
                   "[population.a]\np_correct = beta(1,2)\nwrong = dirichlet(3)\n"
                   "[population.b]\np_correct = beta(2,1)\nfix = 0.9\nstick = 0.2\n"
                   "[revise]\nfix = 0.4\nfix_power = 2\nbreak = 0.1\nstick = 0.8\n"
                   "[strategy.revise:v]\nratio = 2\n[strategy.revise:m]\nchains = 2\nselect = majority\n"
                   "[strategy.revise:w]\nratio = 0.5\nselect = weighted\n"
                   "[strategy.knockout]\ncomparisons = 3\n");
    assert_thread_independent(&ex);
    cs_experiment_free(&ex);
}
END_TEST

/* Chains from the ratio: C = round(sqrt(N / r)) in [1, N]. The record shows C through the rounds
** of select = last's score calls: N + C calls. */
START_TEST(ratio_gives_the_chains)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 10\nbudgets = 1,16,64,256\n"
                   "[strategy.revise:a]\nratio = 0.0625\nselect = last\n"
                   "[strategy.revise:b]\nratio = 1\nselect = last\n"
                   "[strategy.revise:c]\nratio = 16\nselect = last\n"
                   "[strategy.revise:d]\nratio = 1e6\nselect = last\n");
    cs_results r;
    sweep_ok(&ex, &r, 1);
    const double ratio[4] = {0.0625, 1, 16, 1e6};
    for (size_t s = 0; s < 4; s++)
        for (size_t b = 0; b < ex.nbudgets; b++) {
            double N = (double)ex.budgets[b], C = floor(sqrt(N / ratio[s]) + 0.5);
            C = C < 1 ? 1 : C > N ? N : C;
            const cs_cell *c = cs_results_cell(&r, s, b, 0);
            ck_assert_double_eq_tol(c->calls / c->n, N + C, 1e-12);
        }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST
#define Z_FINDING 3.0

/* Snell et al.'s findings on the shipped experiment, at the largest budget: the settings run from
** fully parallel to fully sequential in file order. Sequential revisions are ahead of fully
** parallel sampling overall (at every budget from 16). On the harder levels (the fourth and third
** fifths) an interior ratio is best, ahead of both ends; the best ratio moves toward parallel as
** questions get harder: the second fifth's best is more sequential than the fourth's, each ahead
** on its own bin. (The easiest fifth sits at its ceiling, every ratio from 1:4 on within 0.01, and
** on the hardest nothing makes progress: neither tells ratios apart.) Each comparison by Z_FINDING
** s.e. With break > 0, the sequential chain's last answer is worse than verifier selection. */
START_TEST(snell_revision_finding)
{
    cs_experiment ex;
    cs_error err;
    ck_assert_msg(cs_experiment_load(&ex, "experiments/snell2024_revisions.ini", NULL, 0, &err) == 0,
                  "%d: %s", err.line, err.msg);
    cs_results r;
    sweep_ok(&ex, &r, 2);
    size_t b = ex.nbudgets - 1, nbins = r.nbins;
    ck_assert_uint_eq(nbins, 5);
    /* the ratio settings: every revise setting but the one selecting the last answer */
    size_t set[CS_MAX_STRATEGIES], n = 0;
    for (size_t s = 0; s < ex.nstrat; s++)
        if (strcmp(ex.strat[s].type->name, "revise") == 0 &&
            cs_param_word(ex.strat[s].value[2]) != 4 /* last */)
            set[n++] = s;
    ck_assert_uint_ge(n, 5);
    size_t best[101];
    for (size_t bin = 1; bin <= nbins; bin++) {
        best[bin] = 0;
        for (size_t k = 1; k < n; k++)
            if (cell_mean(&r, set[k], b, bin) > cell_mean(&r, set[best[bin]], b, bin))
                best[bin] = k;
        printf("revise: bin %zu best %s (%.4f)\n", bin, ex.strat[set[best[bin]]].label,
               cell_mean(&r, set[best[bin]], b, bin));
    }
    for (size_t bin = 3; bin <= 4; bin++) {
        size_t k = best[bin];
        ck_assert_msg(k > 0 && k + 1 < n, "bin %zu: the best ratio %s is an end", bin,
                      ex.strat[set[k]].label);
        ck_assert(cell_z(&r, set[k], b, bin, set[0], b, bin) > Z_FINDING);
        ck_assert(cell_z(&r, set[k], b, bin, set[n - 1], b, bin) > Z_FINDING);
    }
    ck_assert_msg(best[2] > best[4], "the second fifth's best %s is not more sequential than the "
                  "fourth's %s", ex.strat[set[best[2]]].label, ex.strat[set[best[4]]].label);
    ck_assert(cell_z(&r, set[best[2]], b, 2, set[best[4]], b, 2) > Z_FINDING);
    ck_assert(cell_z(&r, set[best[4]], b, 4, set[best[2]], b, 4) > Z_FINDING);
    size_t seq = strategy_index(&ex, "revise", "seq"), last = strategy_index(&ex, "revise", "seq_last");
    ck_assert(ex.comp[0].set.rev_break > 0);
    size_t par = set[0];
    for (size_t k = budget_index(&ex, 16); k < ex.nbudgets; k++) {
        double zs = cell_z(&r, seq, k, 0, par, k, 0);
        printf("revise: N=%zu sequential %.4f, parallel %.4f, %.1f s.e.\n", ex.budgets[k],
               cell_mean(&r, seq, k, 0), cell_mean(&r, par, k, 0), zs);
        ck_assert_msg(zs > Z_FINDING, "sequential not ahead of parallel at N=%zu", ex.budgets[k]);
    }
    for (size_t k = 1; k < ex.nbudgets; k++)
        ck_assert_msg(cell_z(&r, seq, k, 0, last, k, 0) > Z_FINDING, "N=%zu", ex.budgets[k]);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("revise");
    TCase *tc = tcase_create("revise");
    tcase_set_timeout(tc, 900);
    tcase_add_test(tc, parallel_chains_are_the_parallel_strategies);
    tcase_add_test(tc, one_answer_is_the_first_sample);
    tcase_add_test(tc, last_answer_follows_the_two_state_chain);
    tcase_add_test(tc, verifier_selection_beats_the_last_answer);
    tcase_add_test(tc, revision_calls);
    tcase_add_test(tc, revision_results_do_not_depend_on_threads);
    tcase_add_test(tc, ratio_gives_the_chains);
    tcase_add_test(tc, snell_revision_finding);
    suite_add_tcase(s, tc);
    return s;
}
