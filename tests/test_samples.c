/*
** The fast paths of the shared samples: multinomial increments and maxima by inversion give the
** same distributions as drawing one by one (both checked against exact mode, and against each
** other), and the settling bound of a vote.
*/
#include <gsl/gsl_errno.h>
#include "callscale/exact.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "../src/plurality.h"
#include "testutil.h"

static void load_text(cs_experiment *ex, const char *text, const char *sampler)
{
    cs_error err;
    char set[64];
    snprintf(set, sizeof set, "experiment.sampler=%s", sampler);
    const char *sets[1] = {set};
    const char *path = write_temp_ini(text);
    int rc = cs_experiment_load(ex, path, sets, 1, &err);
    remove(path);
    ck_assert_msg(rc == 0, "%d: %s", err.line, err.msg);
}

/* Monte Carlo against exact, every strategy and budget: within 4 s.e., the s.e. bounded by
** sqrt(a(1-a)/n) for a score in [0,1] with mean a. */
static void against_exact(const char *text, const char *sampler)
{
    gsl_set_error_handler_off();
    cs_experiment ex;
    load_text(&ex, text, sampler);
    cs_results mc, e;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&mc, &ex), 0);
    ck_assert_int_eq(cs_results_init(&e, &ex), 0);
    ck_assert_msg(cs_exact_run(&ex, &e, &err) == 0, "%s", err.msg);
    ck_assert_int_eq(cs_sweep_run(&ex, 2, NULL, NULL, &mc, &err), 0);
    for (size_t s = 0; s < ex.nstrat; s++)
        for (size_t b = 0; b < ex.nbudgets; b++) {
            double a = cell_mean(&e, s, b, 0), x = cell_mean(&mc, s, b, 0);
            double n = cs_results_cell(&mc, s, b, 0)->n;
            ck_assert_msg(fabs(x - a) <= 4 * sqrt(a * (1 - a) / n) + 1e-12,
                          "%s %s N=%zu: %.5f vs exact %.5f", sampler, ex.strat[s].type->name,
                          ex.budgets[b], x, a);
        }
    cs_results_free(&mc);
    cs_results_free(&e);
    cs_experiment_free(&ex);
}

/* Fixed p near 1/2, so votes settle late and the increments are really drawn; coverage over a
** Beta component with most of its mass near 0. */
static const char binary[] =
    "[experiment]\nqueries = 20000\nbudgets = 1..65536 x4\nanswers = 2\n"
    "[population.easy]\nweight = 0.6\np_correct = 0.52\n"
    "[population.hard]\nweight = 0.4\np_correct = 0.47\n"
    "[strategy.vote]\n[strategy.filter_vote]\n";

static const char cover[] =
    "[experiment]\nqueries = 20000\nbudgets = 1..65536 x4\nanswers = open\n"
    "[population.a]\np_correct = beta(0.3,2)\n[strategy.coverage]\n";

/* The one-by-one path, at budgets it can afford under the sanitizers. */
static const char binary_small[] =
    "[experiment]\nqueries = 10000\nbudgets = 1..4096 x4\nanswers = 2\n"
    "[population.easy]\nweight = 0.6\np_correct = 0.52\n"
    "[population.hard]\nweight = 0.4\np_correct = beta(3,5)\n"
    "[strategy.vote]\n[strategy.filter_vote]\n[strategy.coverage]\n";

static const char four[] =
    "[experiment]\nqueries = 20000\nbudgets = 1,3,10,100,1000,1500\nanswers = 4\n"
    "[population.a]\np_correct = beta(2,3)\nwrong = zipf(1)\ntpr = 0.7\nfpr = 0.4\n"
    "[strategy.vote]\n[strategy.filter_vote]\n[strategy.coverage]\n";

static const char bon[] =
    "[experiment]\nqueries = 20000\nbudgets = 1..16384 x4\nanswers = 3\n"
    "[population.a]\np_correct = beta(1,3)\n"
    "[verifier]\nseparation = 1\nanswer_noise = 0\nsample_noise = 1.5\n"
    "[strategy.best_of_n]\n";

static int settled(const uint32_t *c, size_t m, long novel, const double *w)
{
    double lw[8];
    plurality_logs(w, m, lw);
    return plurality_settled(c, m, novel, lw);
}

static const char bon_small[] =
    "[experiment]\nqueries = 10000\nbudgets = 1..1024 x4\nanswers = 3\n"
    "[population.a]\np_correct = beta(1,3)\n"
    "[verifier]\nseparation = 1\nanswer_noise = 0\nsample_noise = 1.5\n"
    "[strategy.best_of_n]\n";

START_TEST(multinomial_matches_exact)
{
    against_exact(binary, "multinomial");
    against_exact(cover, "multinomial");
    against_exact(four, "multinomial");
    against_exact(bon, "multinomial");
}
END_TEST

START_TEST(per_sample_matches_exact)
{
    against_exact(binary_small, "per_sample");
    against_exact(four, "per_sample");
    against_exact(bon_small, "per_sample");
}
END_TEST

START_TEST(auto_matches_exact)
{
    against_exact(binary, "auto");
    against_exact(cover, "auto");
    against_exact(bon, "auto");
}
END_TEST

/* Best-of-n alone, one jump from 16 samples to 2^20 and on: the leader walks from event to
** event (records and threats) through one increment holding about a million samples, and several
** answers of unequal weight (zipf) compete for the lead. */
START_TEST(leader_events_match_exact)
{
    static const char jump[] =
        "[experiment]\nqueries = 20000\nbudgets = 16,1048576,1048577,4194304\nanswers = 5\n"
        "[population.a]\np_correct = beta(1,4)\nwrong = zipf(1)\n"
        "[verifier]\nseparation = 0.8\nanswer_noise = 0\nsample_noise = 1\n"
        "[strategy.best_of_n]\n";
    against_exact(jump, "auto");
    against_exact(jump, "multinomial");
}
END_TEST

/* With answer-level noise there is no exact form: the two paths must agree with each other,
** within 4 s.e. of the difference of two independent estimates. An open answer space exercises
** the novel answers' maxima (bias and noise both fresh). */
/* Both paths on one experiment text: within 4 s.e. of the difference of independent estimates. */
static void paths_agree(const char *text)
{
    cs_experiment a, b;
    load_text(&a, text, "per_sample");
    load_text(&b, text, "multinomial");
    cs_results ra, rb;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&ra, &a), 0);
    ck_assert_int_eq(cs_results_init(&rb, &b), 0);
    ck_assert_int_eq(cs_sweep_run(&a, 2, NULL, NULL, &ra, &err), 0);
    ck_assert_int_eq(cs_sweep_run(&b, 2, NULL, NULL, &rb, &err), 0);
    for (size_t s = 0; s < a.nstrat; s++)
        for (size_t k = 0; k < a.nbudgets; k++) {
            double d = cell_mean(&ra, s, k, 0) - cell_mean(&rb, s, k, 0);
            ck_assert_msg(fabs(d) <= 4 * hypot(cell_se(&ra, s, k, 0), cell_se(&rb, s, k, 0)) + 1e-12,
                          "%s N=%zu: %.4f vs %.4f", a.strat[s].type->name, a.budgets[k],
                          cell_mean(&ra, s, k, 0), cell_mean(&rb, s, k, 0));
        }
    cs_results_free(&ra);
    cs_results_free(&rb);
    cs_experiment_free(&a);
    cs_experiment_free(&b);
}

/* With answer-level noise there is no exact form: the two paths must agree with each other. An
** open answer space exercises the novel answers' maxima (bias and noise both fresh). With vote in
** the run the increments draw counts and maxima; with best-of-n alone, only the samples that beat
** their answer's best or threaten the leader (the exceedance path). */
START_TEST(paths_agree_with_answer_noise)
{
    paths_agree("[experiment]\nqueries = 20000\nbudgets = 1,16,1024,16384\nanswers = open\n"
                "[population.a]\np_correct = beta(2,2)\nwrong = dirichlet(3)\n"
                "[verifier]\nseparation = 1.5\nanswer_noise = 1\nsample_noise = 0.5\n"
                "[strategy.best_of_n]\n[strategy.vote]\n");
    paths_agree("[experiment]\nqueries = 20000\nbudgets = 1,16,1024,16384\nanswers = open\n"
                "[population.a]\np_correct = beta(2,2)\nwrong = dirichlet(3)\n"
                "[verifier]\nseparation = 1.5\nanswer_noise = 1\nsample_noise = 0.5\n"
                "[strategy.best_of_n]\n");
    /* no sample noise: every answer scores its own bias; ties only between equal biases */
    paths_agree("[experiment]\nqueries = 20000\nbudgets = 1,4,64,4096\nanswers = 4\n"
                "[population.a]\np_correct = beta(2,2)\n"
                "[verifier]\nseparation = 0.3\nanswer_noise = 0.5\nsample_noise = 0\n"
                "[strategy.best_of_n]\n");
    paths_agree("[experiment]\nqueries = 10000\nbudgets = 1..16384 x4\nanswers = 5\n"
                "[population.a]\np_correct = beta(1,2)\nwrong = zipf(1)\n"
                "[verifier]\nseparation = 0.7\nanswer_noise = 0.8\nsample_noise = 1\n"
                "[strategy.best_of_n]\n");
}
END_TEST

/* Every way of drawing the shared samples gives the same bytes with 1 and 3 threads: best-of-n
** alone (the leader's events), vote with best-of-n (counts and maxima), vote alone (settling),
** and with weighted_vote (kept one by one). Over several blocks of queries. */
START_TEST(paths_do_not_depend_on_threads)
{
    static const char *const strategies[] = {
        "[strategy.best_of_n]\n", "[strategy.best_of_n]\n[strategy.vote]\n", "[strategy.vote]\n",
        "[strategy.vote]\n[strategy.weighted_vote]\n"};
    for (size_t i = 0; i < sizeof strategies / sizeof strategies[0]; i++) {
        char text[512];
        snprintf(text, sizeof text,
                 "[experiment]\nqueries = 3000\nbudgets = 1..4096 x4\nanswers = open\n"
                 "[population.a]\np_correct = beta(1,2)\nwrong = dirichlet(2)\n%s",
                 strategies[i]);
        cs_experiment ex;
        load_text(&ex, text, "auto");
        assert_thread_independent(&ex);
        cs_experiment_free(&ex);
    }
}
END_TEST

/* The settling bound: an answer ahead of another by L votes, with probabilities in ratio r < 1, is
** caught with probability r^L (gambler's ruin), so a score settles when the bound is below 1e-18. */
START_TEST(settling_bound)
{
    const double w[3] = {0.5, 0.25, 0.25};
    uint32_t c[3];
    /* correct leads two rivals at ratio 1/2, each behind by L: settled iff 2 * 2^-L < 1e-18 */
    c[0] = 100;
    c[1] = c[2] = 40; /* L = 60: 2 * 2^-60 = 1.7e-18, not yet */
    ck_assert(!settled(c, 3, -1, w));
    c[1] = c[2] = 39; /* L = 61: 8.7e-19 */
    ck_assert(settled(c, 3, -1, w));
    /* a rival at least as likely as the correct answer is never out of the race */
    const double even[2] = {0.5, 0.5};
    uint32_t d[2] = {1000000, 0};
    ck_assert(!settled(d, 2, -1, even));
    /* the correct answer behind a likelier one by L: out for good iff 2^-L < 1e-18, L >= 60 */
    const double hard[3] = {0.2, 0.4, 0.4};
    uint32_t h[3] = {10, 69, 70}; /* behind answer 2 by 60 */
    ck_assert(settled(h, 3, -1, hard));
    h[2] = 68; /* behind by 59 and 58: 2^-59 = 1.7e-18, not yet */
    ck_assert(!settled(h, 3, -1, hard));
    /* a tie for the lead is not settled */
    uint32_t t[3] = {70, 70, 0};
    ck_assert(!settled(t, 3, -1, w));
    /* novel answers (slot 1) never repeat: they cannot catch a correct answer with two votes */
    const double wn[2] = {0.9, 0.1};
    uint32_t n[2] = {1, 5};
    ck_assert(!settled(n, 2, 1, wn));
    uint32_t n2[2] = {64, 500};
    ck_assert(settled(n2, 2, 1, wn));
}
END_TEST

START_TEST(plurality_counts_novel_answers_as_singletons)
{
    uint32_t c[3] = {1, 0, 3}; /* correct once, three distinct novel answers */
    ck_assert_double_eq(plurality_score(c, 3, 2), 0.25);
    uint32_t d[3] = {2, 1, 9};
    ck_assert_double_eq(plurality_score(d, 3, 2), 1.0);
    uint32_t e[3] = {0, 0, 2};
    ck_assert_double_eq(plurality_score(e, 3, 2), 0.0);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("samples");
    TCase *unit = tcase_create("unit");
    tcase_add_test(unit, settling_bound);
    tcase_add_test(unit, plurality_counts_novel_answers_as_singletons);
    suite_add_tcase(s, unit);
    TCase *mc = tcase_create("paths");
    tcase_set_timeout(mc, 600);
    tcase_add_test(mc, multinomial_matches_exact);
    tcase_add_test(mc, per_sample_matches_exact);
    tcase_add_test(mc, leader_events_match_exact);
    tcase_add_test(mc, auto_matches_exact);
    tcase_add_test(mc, paths_agree_with_answer_noise);
    tcase_add_test(mc, paths_do_not_depend_on_threads);
    suite_add_tcase(s, mc);
    return s;
}
