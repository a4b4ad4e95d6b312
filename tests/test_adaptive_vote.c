/*
** adaptive_vote (Adaptive-Consistency): with confidence 1 it is vote at N; it never spends more
** than N calls, in whole batches; its stopping time and accuracy against the stopping rule worked
** out here by dynamic programming over the vote counts.
*/
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_errno.h>
#include "callscale/population.h"
#include "callscale/samples.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"

/* With confidence = 1 the rule never fires early, so adaptive_vote reads the same shared samples
** as vote up to N: every cell equal to the bit, calls N. With batch 7 as well (a partial last
** batch). */
START_TEST(confidence_one_is_vote)
{
    gsl_set_error_handler_off();
    const char *files[] = {
        "[experiment]\nqueries = 6000\nbudgets = 1,3,5,9,17,40\nanswers = 4\n"
        "[population.easy]\np_correct = 0.6\nwrong = zipf(1)\n[population.hard]\np_correct = 0.3\n"
        "[strategy.vote]\n[strategy.adaptive_vote]\nconfidence = 1\n"
        "[strategy.adaptive_vote:b7]\nconfidence = 1\nbatch = 7\n",
        "[experiment]\nqueries = 6000\nbudgets = 2,8,40,100\nanswers = open\nbins = quantiles:3\n"
        "[population.m]\np_correct = beta(0.6,1.2)\nwrong = dirichlet(3)\n"
        "[strategy.vote]\n[strategy.adaptive_vote]\nconfidence = 1\n"
        "[strategy.adaptive_vote:b7]\nconfidence = 1\nbatch = 7\n",
    };
    for (size_t f = 0; f < 2; f++) {
        cs_experiment ex;
        load_text_ok(&ex, files[f]);
        cs_results r;
        sweep_ok(&ex, &r, 2);
        for (size_t s = 1; s < 3; s++)
            for (size_t b = 0; b < ex.nbudgets; b++)
                for (size_t bin = 0; bin <= cs_experiment_nbins(&ex); bin++) {
                    const cs_cell *v = cs_results_cell(&r, 0, b, bin), *a = cs_results_cell(&r, s, b, bin);
                    ck_assert_double_eq(v->sum, a->sum);
                    ck_assert_double_eq(v->sumsq, a->sumsq);
                    ck_assert_double_eq(v->calls, a->calls);
                    ck_assert_double_eq(v->tokens, a->tokens);
                }
        cs_results_free(&r);
        cs_experiment_free(&ex);
    }
}
END_TEST

/* One strategy run per query, outside the sweep, so each query's record is seen. */
typedef struct bench {
    cs_experiment ex;
    cs_population *pop;
    cs_samples smp;
    cs_pcg32 state;
    gsl_rng g;
    cs_query q;
    cs_scratch scratch;
    double *score;
    cs_record *rec;
} bench;

static void bench_init(bench *b, const char *text)
{
    memset(b, 0, sizeof *b);
    load_text_ok(&b->ex, text);
    cs_error err;
    b->pop = cs_population_new(&b->ex, &err);
    ck_assert_ptr_nonnull(b->pop);
    size_t m = cs_population_max_answers(&b->ex);
    b->q.pi = calloc(m, sizeof(double));
    b->q.cum = calloc(m, sizeof(double));
    b->scratch.count = calloc(2 * m, sizeof(uint32_t));
    b->scratch.sum = calloc(2 * m, sizeof(double));
    b->scratch.work = calloc(16, 1);
    b->score = calloc(b->ex.nbudgets, sizeof(double));
    b->rec = calloc(b->ex.nbudgets, sizeof(cs_record));
    cs_rng_wrap(&b->g, &b->state);
    ck_assert_int_eq(cs_samples_init(&b->smp, &b->ex, 0), 0);
}

/* Query i under strategy s: b->score and b->rec at every budget. */
static void bench_run(bench *b, uint64_t i, size_t s)
{
    cs_population_query(b->pop, i, &b->q, &b->g);
    cs_samples_reset(&b->smp, &b->q, b->ex.seed);
    memset(b->rec, 0, b->ex.nbudgets * sizeof *b->rec);
    cs_pcg32 own;
    cs_rng_stream(&own, b->ex.seed, i, 77);
    const cs_strategy *st = &b->ex.strat[s];
    cs_strategy_ctx ctx = {st, &b->q, &b->smp, &own, &b->scratch, b->ex.budgets, b->ex.nbudgets,
                           b->score, b->rec};
    st->type->run(&ctx);
}

static void bench_free(bench *b)
{
    cs_samples_free(&b->smp);
    cs_population_free(b->pop);
    free(b->q.pi);
    free(b->q.cum);
    free(b->scratch.count);
    free(b->scratch.sum);
    free(b->scratch.work);
    free(b->score);
    free(b->rec);
    cs_experiment_free(&b->ex);
}

/* Per query: calls a whole number in [1, N], the same at every budget once the rule has fired,
** rounds = ceil(calls / batch), tokens = calls x tokens per call. */
START_TEST(calls_never_exceed_the_budget)
{
    gsl_set_error_handler_off();
    bench b;
    bench_init(&b, "[experiment]\nbudgets = 1,2,3,7,16,40,41\nanswers = open\n"
                   "[population.m]\np_correct = beta(0.6,1.2)\nwrong = dirichlet(2)\n"
                   "[strategy.adaptive_vote:b1]\nconfidence = 0.8\n"
                   "[strategy.adaptive_vote:b3]\nbatch = 3\n"
                   "[strategy.adaptive_vote:b10]\nbatch = 10\nconfidence = 0.99\n");
    size_t early = 0;
    for (size_t s = 0; s < b.ex.nstrat; s++) {
        size_t batch = (size_t)b.ex.strat[s].value[1];
        for (uint64_t i = 0; i < 3000; i++) {
            bench_run(&b, i, s);
            for (size_t k = 0; k < b.ex.nbudgets; k++) {
                double c = b.rec[k].calls, N = (double)b.ex.budgets[k];
                ck_assert(c >= 1 && c <= N && c == floor(c));
                ck_assert_uint_eq(b.rec[k].rounds, (unsigned)((c + (double)batch - 1) / (double)batch));
                ck_assert_double_eq_tol(b.rec[k].tokens, c * 300, 1e-9);
                if (c < N) { /* stopped early: every larger budget stops there too */
                    early++;
                    for (size_t l = k + 1; l < b.ex.nbudgets; l++) {
                        ck_assert_double_eq(b.rec[l].calls, c);
                        ck_assert_double_eq(b.score[l], b.score[k]);
                    }
                    ck_assert(fmod(c, (double)batch) == 0);
                }
            }
        }
    }
    ck_assert_uint_gt(early, 1000); /* the rule does fire */
    bench_free(&b);
}
END_TEST

/* The rule, independently: for whole counts, P(Beta(a + 1, b + 1) <= 1/2) = P(Bin(a + b + 1, 1/2)
** >= a + 1) (the beta-binomial identity), summed here term by term. */
static int rule_fires(unsigned a, unsigned b, double confidence)
{
    unsigned n = a + b + 1;
    double tail = 0, term = pow(0.5, n); /* C(n, j) 2^-n from j = 0 up */
    for (unsigned j = 0; j <= n; j++) {
        if (j >= a + 1)
            tail += term;
        term = term * (double)(n - j) / (double)(j + 1);
    }
    return confidence < 1 && tail <= 1 - confidence;
}

/* Dynamic programming over the counts (c0, c1, c2) of three answers with probabilities pi, checking
** the rule (leader against runner-up) after every batch before N: the law of the stopping time
** (stop[t] for t = 1..N, t = N when the rule never fired) and the accuracy with ties scored 1/t. */
#define DP_N 24
static void dp_stopping(const double *pi, unsigned N, unsigned batch, double confidence,
                        double *stop, double *acc)
{
    static double now[DP_N + 1][DP_N + 1], next[DP_N + 1][DP_N + 1];
    memset(now, 0, sizeof now);
    now[0][0] = 1;
    memset(stop, 0, (N + 1) * sizeof *stop);
    *acc = 0;
    for (unsigned t = 1; t <= N; t++) {
        memset(next, 0, sizeof next);
        for (unsigned c0 = 0; c0 < t; c0++)
            for (unsigned c1 = 0; c0 + c1 < t; c1++) {
                double w = now[c0][c1];
                if (w == 0)
                    continue;
                next[c0 + 1][c1] += w * pi[0];
                next[c0][c1 + 1] += w * pi[1];
                next[c0][c1] += w * pi[2];
            }
        for (unsigned c0 = 0; c0 <= t; c0++)
            for (unsigned c1 = 0; c0 + c1 <= t; c1++) {
                double w = next[c0][c1];
                if (w == 0)
                    continue;
                unsigned c[3] = {c0, c1, t - c0 - c1}, hi = 0, lo = 0, top = 0;
                for (int k = 0; k < 3; k++)
                    hi = c[k] > hi ? c[k] : hi;
                for (int k = 0; k < 3; k++)
                    top += c[k] == hi;
                for (int k = 0, seen = 0; k < 3; k++) /* the runner-up: the largest after one leader */
                    if (c[k] == hi && !seen)
                        seen = 1;
                    else
                        lo = c[k] > lo ? c[k] : lo;
                int fires = t % batch == 0 && rule_fires(hi, lo, confidence);
                if (fires || t == N) {
                    stop[t] += w;
                    *acc += w * (c0 == hi ? 1.0 / top : 0.0);
                    next[c0][c1] = 0;
                }
            }
        memcpy(now, next, sizeof now);
    }
}

/* Stopping time and accuracy of adaptive_vote against the DP: the law of the calls by Pearson's
** chi-square over the stopping times (cells of expected count < 5 pooled; critical value the
** quantile at 1 - 1e-3 of its degrees of freedom, 20.515 at df 5), the accuracy within 4 s.e. of the
** DP's (s.e. sqrt(v / n), v the score's variance from the same DP: at most a(1 - a)). Cases: two
** answers, three with a runner-up that matters, and batches of 1 and 3. 40,000 queries each. */
START_TEST(stopping_time_matches_the_rule)
{
    gsl_set_error_handler_off();
    const struct { const char *pop; double pi[3]; unsigned N, batch; double conf; } cases[] = {
        {"answers = 2\n[population.x]\np_correct = 0.6\n", {0.6, 0.4, 0}, 20, 1, 0.9},
        {"answers = 3\n[population.x]\np_correct = 0.5\n", {0.5, 0.25, 0.25}, 24, 1, 0.95},
        {"answers = 3\n[population.x]\np_correct = 0.4\n", {0.4, 0.3, 0.3}, 24, 3, 0.8},
        {"answers = 2\n[population.x]\np_correct = 0.3\n", {0.3, 0.7, 0}, 21, 3, 0.99},
    };
    ck_assert_double_eq_tol(gsl_cdf_chisq_Qinv(1e-3, 5), 20.515, 1e-3);
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char text[512];
        snprintf(text, sizeof text, "[experiment]\nseed = %zu\nbudgets = %u\n%s"
                 "[strategy.adaptive_vote]\nconfidence = %g\nbatch = %u\n",
                 c + 3, cases[c].N, cases[c].pop, cases[c].conf, cases[c].batch);
        bench b;
        bench_init(&b, text);
        const unsigned N = cases[c].N;
        double want[DP_N + 1], acc;
        dp_stopping(cases[c].pi, N, cases[c].batch, cases[c].conf, want, &acc);
        size_t seen[DP_N + 1] = {0}, n = 40000;
        double sum = 0;
        for (uint64_t i = 0; i < n; i++) {
            bench_run(&b, i, 0);
            seen[(size_t)b.rec[0].calls]++;
            sum += b.score[0];
        }
        /* pool cells in order until each holds an expected 5 */
        double stat = 0, o = 0, e = 0;
        int cells = 0;
        for (unsigned t = 1; t <= N; t++) {
            o += (double)seen[t];
            e += (double)n * want[t];
            double rest = 0;
            for (unsigned u = t + 1; u <= N; u++)
                rest += (double)n * want[u];
            if (e >= 5 && (rest >= 5 || t == N)) {
                stat += (o - e) * (o - e) / e;
                cells++;
                o = e = 0;
            } else if (e == 0 && o > 0) {
                ck_abort_msg("case %zu: stopped at %u calls, which the rule never does", c, t);
            }
        }
        if (e > 0) { /* a thin tail left at N joins as a cell of its own */
            stat += (o - e) * (o - e) / e;
            cells++;
        }
        ck_assert_int_ge(cells, 3);
        double crit = gsl_cdf_chisq_Qinv(1e-3, cells - 1);
        ck_assert_msg(stat < crit, "case %zu: chi-square %.2f >= %.2f (df %d)", c, stat, crit, cells - 1);
        double mean = sum / (double)n;
        ck_assert_msg(fabs(mean - acc) <= 4 * sqrt(acc * (1 - acc) / (double)n),
                      "case %zu: accuracy %.5f vs DP %.5f", c, mean, acc);
        bench_free(&b);
    }
}
END_TEST

/* The rule's two forms agree where the code and the test compute it differently: GSL's incomplete
** beta (the code) and the binomial sum (the test), over a grid of counts. */
START_TEST(rule_forms_agree)
{
    for (unsigned a = 0; a <= 60; a++)
        for (unsigned b = 0; b <= a; b++) {
            double lower = gsl_cdf_beta_P(0.5, a + 1.0, b + 1.0);
            unsigned n = a + b + 1;
            double tail = 0, term = pow(0.5, n);
            for (unsigned j = 0; j <= n; j++) {
                if (j >= a + 1)
                    tail += term;
                term = term * (double)(n - j) / (double)(j + 1);
            }
            ck_assert_double_eq_tol(lower, tail, 1e-12 + 1e-9 * tail);
        }
}
END_TEST

/* The findings experiments/adaptive_consistency.ini states, at 40,000 queries: at confidence 0.95
** and N = 40 at least 3x fewer calls than vote, for an accuracy within 0.5 points of vote's (the
** paired difference's s.e. here is about 0.0005: the two read the same samples and rarely differ);
** confidence 0.8 loses more than 1 point, 0.999 less than 0.1. */
START_TEST(adaptive_consistency_findings)
{
    gsl_set_error_handler_off();
    const char *over[] = {"experiment.queries=40000"};
    cs_experiment ex;
    cs_error err;
    ck_assert_msg(cs_experiment_load(&ex, "experiments/adaptive_consistency.ini", over, 1, &err) == 0,
                  "%s", err.msg);
    cs_results r;
    sweep_ok(&ex, &r, 2);
    size_t vote = strategy_index(&ex, "vote", "default"), b40 = budget_index(&ex, 40);
    const cs_cell *v = cs_results_cell(&r, vote, b40, 0);
    const cs_cell *c95 = cs_results_cell(&r, strategy_index(&ex, "adaptive_vote", "c95"), b40, 0);
    const cs_cell *c80 = cs_results_cell(&r, strategy_index(&ex, "adaptive_vote", "c80"), b40, 0);
    const cs_cell *c999 = cs_results_cell(&r, strategy_index(&ex, "adaptive_vote", "c999"), b40, 0);
    double acc = v->sum / v->n;
    ck_assert_double_le(c95->calls / c95->n, 40.0 / 3);
    ck_assert_double_lt(fabs(acc - c95->sum / c95->n), 0.005);
    ck_assert_double_gt(acc - c80->sum / c80->n, 0.01);
    ck_assert_double_lt(fabs(acc - c999->sum / c999->n), 0.001);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("adaptive_vote");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, confidence_one_is_vote);
    tcase_add_test(tc, calls_never_exceed_the_budget);
    tcase_add_test(tc, stopping_time_matches_the_rule);
    tcase_add_test(tc, rule_forms_agree);
    tcase_add_test(tc, adaptive_consistency_findings);
    suite_add_tcase(s, tc);
    return s;
}
