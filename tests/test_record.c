/*
** Round logs: for every strategy, the rounds the clock replays add up to the calls, tokens and
** FLOPs of results.csv, round by round in the order the strategy makes them.
*/
#include "callscale/strategy.h"
#include "../src/runner.h"
#include "testutil.h"
#include "testutil_experiment.h"

/* Every strategy, stepped and answer-level, in experiments small enough to run many queries. */
static const char *const answer_level =
    "[experiment]\nqueries = 64\nbudgets = 1,2,3,5,8,16,33\nanswers = open\n"
    "[population.a]\np_correct = beta(1,1)\n[judge]\ntpr = 0.7\nfpr = 0.3\n"
    "[strategy.vote]\n[strategy.filter_vote]\n[strategy.best_of_n]\n[strategy.weighted_vote]\n"
    "[strategy.coverage]\n[strategy.resample]\n[strategy.revise]\n[strategy.revise:par]\n"
    "chains = 4\n[strategy.knockout]\n[strategy.knockout:k3]\ncomparisons = 3\n"
    "[strategy.adaptive_vote]\nconfidence = 0.9\n[strategy.adaptive_vote:b4]\nbatch = 4\n";
static const char *const stepped =
    "[experiment]\nqueries = 64\nbudgets = 1,2,4,5,16\nanswers = open\n"
    "[population.a]\np_correct = beta(1,1)\n[steps]\nsteps = 6\nsteps_max = 9\n"
    "[prm]\nnoise = 0.5\n[strategy.beam]\n[strategy.beam:ahead]\nlookahead = 2\n"
    "[strategy.dvts]\n[strategy.rebase]\n[strategy.mcts]\n[strategy.best_of_n]\n";

/* Sums of the log against the record's totals: the same integers, so equal to rounding. */
static void check_logs(const char *text)
{
    cs_experiment ex;
    load_text_ok(&ex, text);
    cs_error err;
    cs_population *pop = cs_population_new(&ex, &err);
    ck_assert_ptr_nonnull(pop);
    cs_runner r;
    ck_assert_int_eq(cs_runner_init(&r, &ex, pop, 0), 0);
    ck_assert_int_eq(cs_runner_keep_rounds(&r), 0);
    size_t multi = 0;
    for (uint64_t i = 0; i < ex.queries; i++) {
        cs_runner_query(&r, i);
        for (size_t s = 0; s < ex.nstrat; s++) {
            cs_runner_strategy(&r, s);
            for (size_t b = 0; b < ex.nbudgets; b++) {
                const cs_round_log *lg = &r.logs[b];
                const cs_record *rc = &r.rec[b];
                ck_assert_int_eq(lg->failed, 0);
                double calls = 0, tokens = 0, flops = 0;
                for (size_t k = 0; k < lg->n; k++) {
                    const cs_round *x = &lg->round[k];
                    ck_assert_uint_gt(x->ncalls, 0);
                    ck_assert_uint_lt(x->kind, CS_CALL_KINDS);
                    calls += x->ncalls;
                    tokens += x->ncalls * x->output;
                    /* a read (no output) counts FLOPs on the tokens it reads */
                    flops += 2 * x->params * x->ncalls * (x->output > 0 ? x->output : x->prompt);
                }
                ck_assert_msg(fabs(calls - rc->calls) <= 1e-9 * rc->calls &&
                                  fabs(tokens - rc->tokens) <= 1e-9 * (rc->tokens + 1) &&
                                  fabs(flops - rc->flops) <= 1e-9 * (rc->flops + 1),
                              "%s:%s N=%zu query %llu: log %g calls %g tokens %g flops, record "
                              "%g %g %g", ex.strat[s].type->name, ex.strat[s].label,
                              ex.budgets[b], (unsigned long long)i, calls, tokens, flops,
                              rc->calls, rc->tokens, rc->flops);
                multi += lg->n > 1;
            }
        }
    }
    ck_assert_uint_gt(multi, 0);
    cs_runner_free(&r);
    cs_population_free(pop);
    cs_experiment_free(&ex);
}

START_TEST(logs_match_totals_answer_level) { check_logs(answer_level); }
END_TEST

START_TEST(logs_match_totals_stepped) { check_logs(stepped); }
END_TEST

/* The structure of a few rounds, from the strategies' definitions: beam search is one generate and
** one score round per step, each step reading the prefix before it; knockout of 5 plays its 4
** matches in 3 rounds of 2, 1 and 1 (the first three candidates play off, 1+1 matches; the last two
** meet, 1 match; then the final). */
START_TEST(round_structure)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 4\nbudgets = 5\n[steps]\nsteps = 4\n"
                      "[generator]\ntokens = 100\n[strategy.beam]\nbeam_width = 1\n"
                      "[strategy.knockout]\n");
    cs_error err;
    cs_population *pop = cs_population_new(&ex, &err);
    cs_runner r;
    ck_assert_int_eq(cs_runner_init(&r, &ex, pop, 0), 0);
    ck_assert_int_eq(cs_runner_keep_rounds(&r), 0);
    cs_runner_query(&r, 0);
    cs_runner_strategy(&r, 0);
    const cs_round_log *lg = &r.logs[0];
    ck_assert_uint_eq(lg->n, 8);
    for (size_t d = 0; d < 4; d++) {
        ck_assert_uint_eq(lg->round[2 * d].kind, CS_CALL_GENERATE);
        ck_assert_uint_eq(lg->round[2 * d].ncalls, 5);
        ck_assert_double_eq(lg->round[2 * d].prompt, 100.0 * (double)d);
        ck_assert_uint_eq(lg->round[2 * d + 1].kind, CS_CALL_SCORE);
        ck_assert_double_eq(lg->round[2 * d + 1].prompt, 100.0 * (double)(d + 1));
    }
    cs_runner_strategy(&r, 1);
    ck_assert_uint_eq(lg->n, 4);
    ck_assert_uint_eq(lg->round[0].ncalls, 5);
    ck_assert_uint_eq(lg->round[1].ncalls, 2);
    ck_assert_uint_eq(lg->round[2].ncalls, 1);
    ck_assert_uint_eq(lg->round[3].ncalls, 1);
    cs_runner_free(&r);
    cs_population_free(pop);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("record");
    TCase *tc = tcase_create("rounds");
    tcase_set_timeout(tc, 60);
    tcase_add_test(tc, logs_match_totals_answer_level);
    tcase_add_test(tc, logs_match_totals_stepped);
    tcase_add_test(tc, round_structure);
    suite_add_tcase(s, tc);
    return s;
}
