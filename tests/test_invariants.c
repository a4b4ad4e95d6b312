/*
** Invariants every strategy keeps, read from the strategy table (a new strategy is covered without
** editing this file): queries that are never answered right score 0, queries always answered
** right score 1, and no strategy beats its own coverage (the share of queries whose candidates
** include the right answer), query by query.
*/
#include <gsl/gsl_errno.h>
#include "callscale/results.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "../src/runner.h"
#include "testutil.h"
#include "testutil_experiment.h"
#include "testutil_sweep.h"

#define QUERIES 300
static const char *const answer_spaces[] = {"2", "4", "open"};
static const char *const aggs[] = {"last", "min", "prod", "mean"};

/* The words of a parameter row ("a|b|c"), one at a time: word i into buf, or 0 past the last. */
static int word_at(const char *words, int i, char *buf, size_t n)
{
    const char *p = words;
    for (int k = 0; k < i; k++) {
        p = strchr(p, '|');
        if (!p)
            return 0;
        p++;
    }
    size_t len = strcspn(p, "|");
    if (len + 1 > n)
        return 0;
    memcpy(buf, p, len);
    buf[len] = '\0';
    return 1;
}

/* A words-only row (lo > hi: no number is in range), whose every word is a setting to test. */
static int words_only(const cs_param *p)
{
    return p->word && p->lo > p->hi;
}

/* Append one [strategy.NAME:LABEL] section per setting worth testing: the defaults, and each word
** of every words-only parameter (select, ...). */
static void add_settings(char *text, size_t n, const cs_strategy_type *t)
{
    size_t len = strlen(text);
    len += (size_t)snprintf(text + len, n - len, "[strategy.%s]\n", t->name);
    for (size_t j = 0; j < t->nparams; j++) {
        const cs_param *p = &t->params[j];
        if (!words_only(p))
            continue;
        char w[64];
        for (int i = 0; word_at(p->word, i, w, sizeof w); i++)
            len += (size_t)snprintf(text + len, n - len, "[strategy.%s:%s_%s]\n%s = %s\n",
                                    t->name, p->name, w, p->name, w);
    }
}

/* An experiment of one component with p_correct P over answer space A: every strategy the
** table knows (tree search only when stepped), every setting, prm agg AGG when stepped. */
static void experiment_text(char *text, size_t n, const char *A, const char *P, int stepped,
                            const char *agg, double trap, double rev_break)
{
    snprintf(text, n,
             "[experiment]\nqueries = %d\nseed = 7\nbudgets = 1,3,8\nanswers = %s\n"
             "bins = quantiles:2\n"
             "[population.x]\np_correct = %s\nwrong = dirichlet(0.5)\n"
             "[revise]\nbreak = %g\nfix_power = 1\n",
             QUERIES, A, P, rev_break);
    if (stepped)
        snprintf(text + strlen(text), n - strlen(text),
                 "[steps]\nsteps = 4\n[prm]\nnoise = 0.5\ntrap = %g\nagg = %s\n", trap, agg);
    for (size_t i = 0; i < cs_strategy_ntypes; i++)
        if (stepped || !cs_strategy_types[i]->needs_steps)
            add_settings(text, n, cs_strategy_types[i]);
}

/* Every cell of every setting, bin by bin, has accuracy `want` exactly. */
static void assert_all(const char *text, double want, const char *what)
{
    cs_experiment ex;
    cs_results r;
    load_text_ok(&ex, text);
    sweep_ok(&ex, &r, 2);
    for (size_t s = 0; s < ex.nstrat; s++)
        for (size_t b = 0; b < ex.nbudgets; b++)
            for (size_t bin = 0; bin <= r.nbins; bin++) {
                const cs_cell *c = cs_results_cell(&r, s, b, bin);
                if (c->n == 0)
                    continue;
                ck_assert_msg(c->sum == want * c->n, "%s: %s:%s at N = %zu, bin %zu: %g, not %g",
                              what, ex.strat[s].type->name, ex.strat[s].label, ex.budgets[b],
                              bin, c->sum / c->n, want);
            }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}

/* Every answer space, with and without [steps] (every agg), p_correct = P: every cell at want. */
static void assert_everywhere(const char *P, double want, double trap, double rev_break)
{
    static char text[1 << 16];
    for (size_t a = 0; a < sizeof answer_spaces / sizeof *answer_spaces; a++) {
        experiment_text(text, sizeof text, answer_spaces[a], P, 0, "last", 0, rev_break);
        assert_all(text, want, answer_spaces[a]);
        for (size_t g = 0; g < sizeof aggs / sizeof *aggs; g++) {
            experiment_text(text, sizeof text, answer_spaces[a], P, 1, aggs[g], trap, rev_break);
            assert_all(text, want, aggs[g]);
        }
    }
}

/* p_correct = 0: nothing can be right. The one exception by definition is a revision whose fix
** chance does not fall with p (fix_power = 0, fix > 0): it turns wrong answers right from nothing,
** so these experiments take fix_power = 1 (fix * p = 0). Traps are on: they lead only to wrong
** answers. */
START_TEST(never_right_scores_zero)
{
    assert_everywhere("0", 0.0, 0.05, 0.2);
}
END_TEST

/* p_correct = 1: everything is right. Two things make wrong answers from right ones by
** definition, and are off here: a revision's break chance (break = 0) and the PRM's traps
** (trap = 0), which lead to wrong answers whatever p is. */
START_TEST(always_right_scores_one)
{
    assert_everywhere("1", 1.0, 0, 0);
}
END_TEST

/* The index of the `select` row of t and its word "oracle"; -1 when t has no select row (its
** candidates are the shared samples), -2 when its select has no oracle (a strategy whose
** candidates are its own must offer one). */
static int oracle_word(const cs_strategy_type *t, size_t *row)
{
    char w[64];
    for (size_t j = 0; j < t->nparams; j++)
        if (strcmp(t->params[j].name, "select") == 0 && t->params[j].word) {
            for (int i = 0; word_at(t->params[j].word, i, w, sizeof w); i++)
                if (strcmp(w, "oracle") == 0) {
                    *row = j;
                    return i;
                }
            return -2;
        }
    return -1;
}

/* No strategy beats its own coverage, query by query (so cell by cell). A strategy's candidates
** are either the query's shared samples, whose coverage is the coverage strategy's on the same
** query (common random numbers), or its own draws (a tree, a revision chain): then `select =
** oracle` on the same stream scores 1 exactly when some candidate is right. */
static void assert_within_coverage(const char *text)
{
    cs_experiment ex;
    cs_error err;
    load_text_ok(&ex, text);
    cs_population *pop = cs_population_new(&ex, &err);
    ck_assert_ptr_nonnull(pop);
    cs_runner run;
    ck_assert_int_eq(cs_runner_init(&run, &ex, pop, 0), 0);
    size_t cov = strategy_index(&ex, "coverage", "default"), nb = ex.nbudgets;
    double *shared = calloc(nb, sizeof *shared), *own = calloc(nb, sizeof *own);
    size_t checked_own = 0;
    for (uint64_t i = 0; i < ex.queries; i++) {
        cs_runner_query(&run, i);
        cs_runner_strategy(&run, cov);
        memcpy(shared, run.score, nb * sizeof *shared);
        for (size_t s = 0; s < ex.nstrat; s++) {
            cs_strategy *st = &ex.strat[s];
            size_t row = 0;
            int w = oracle_word(st->type, &row);
            const double *bound = shared;
            ck_assert_msg(w != -2, "%s has a select without oracle: its coverage cannot be read",
                          st->type->name);
            if (w >= 0) {
                /* the twin: this setting with select = oracle, on this setting's stream */
                double keep = st->value[row];
                st->value[row] = -(double)w - 1;
                cs_runner_strategy(&run, s);
                memcpy(own, run.score, nb * sizeof *own);
                st->value[row] = keep;
                bound = own;
                checked_own++;
            }
            cs_runner_strategy(&run, s);
            for (size_t b = 0; b < nb; b++)
                ck_assert_msg(run.score[b] <= bound[b], "query %llu: %s:%s at N = %zu: %g above "
                              "its coverage %g", (unsigned long long)i, st->type->name, st->label,
                              ex.budgets[b], run.score[b], bound[b]);
        }
    }
    ck_assert_uint_gt(checked_own, 0); /* the tree searches are compared with their own trees */
    free(shared);
    free(own);
    cs_runner_free(&run);
    cs_population_free(pop);
    cs_experiment_free(&ex);
}

START_TEST(never_above_own_coverage)
{
    static char text[1 << 16];
    for (size_t a = 0; a < sizeof answer_spaces / sizeof *answer_spaces; a++)
        for (size_t g = 0; g < sizeof aggs / sizeof *aggs; g++) {
            /* hard and easy queries, traps, revisions that break and fix */
            experiment_text(text, sizeof text, answer_spaces[a], "beta(0.6,1.2)", 1, aggs[g],
                            0.02, 0.3);
            assert_within_coverage(text);
        }
}
END_TEST

Suite *make_suite(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("invariants");
    TCase *tc = tcase_create("invariants");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, never_right_scores_zero);
    tcase_add_test(tc, always_right_scores_one);
    tcase_add_test(tc, never_above_own_coverage);
    suite_add_tcase(s, tc);
    return s;
}
