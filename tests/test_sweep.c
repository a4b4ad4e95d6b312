/*
** The sweep (src/sweep.c): the same bits for any thread count and any cut of the blocks into
** parts, blocks handed over in order, progress, and first-call accuracies against p and 1-(1-p)^N.
*/
#include "callscale/sweep.h"
#include "testutil.h"
#include "testutil_cells.h"
#include "testutil_experiment.h"
#include "testutil_sweep.h"

/* 1300 queries: three blocks, the last a partial one; quantile bins over a Beta and an atom. */
static const char mixed[] =
    "[experiment]\nqueries = 1300\nseed = 11\nbudgets = 1,4,16\nanswers = 3\nbins = quantiles:3\n"
    "[population.easy]\nweight = 0.6\np_correct = 0.85\n"
    "[population.hard]\nweight = 0.4\np_correct = beta(2,3)\n"
    "[strategy.vote]\n[strategy.coverage]\n[strategy.best_of_n]\n[strategy.filter_vote]\n";

static size_t ncells(const cs_results *r)
{
    return r->nstrat * r->nbudgets * (r->nbins + 1);
}

/* Nine blocks of votes whose tie credit (1/3) and FLOPs (past 2^53 in sum) round, so that the
** sums depend on the order blocks are added in: only the ordered reduction gives the same bits. */
static const char rounding[] =
    "[experiment]\nqueries = 4196\nseed = 3\nbudgets = 2,4,16,64\nanswers = 3\n"
    "[population.a]\np_correct = beta(1,2)\n[strategy.vote]\n";

/* One, two, three and five threads: the cells to the bit. */
START_TEST(threads_identical)
{
    cs_experiment ex;
    load_text_ok(&ex, rounding);
    assert_thread_independent(&ex);
    cs_results r1, r5;
    sweep_ok(&ex, &r1, 1);
    sweep_ok(&ex, &r5, 5);
    ck_assert(memcmp(r1.cell, r5.cell, ncells(&r1) * sizeof *r1.cell) == 0);
    cs_results_free(&r1);
    cs_results_free(&r5);
    cs_experiment_free(&ex);
    load_text_ok(&ex, mixed);
    cs_results one;
    sweep_ok(&ex, &one, 1);
    const int threads[] = {2, 3, 5};
    for (size_t i = 0; i < 3; i++) {
        cs_results r;
        sweep_ok(&ex, &r, threads[i]);
        ck_assert_msg(memcmp(one.cell, r.cell, ncells(&r) * sizeof *r.cell) == 0, "%d threads",
                      threads[i]);
        cs_results_free(&r);
    }
    /* every query is counted once in its bin, and once in "all" */
    for (size_t s = 0; s < one.nstrat; s++)
        for (size_t b = 0; b < one.nbudgets; b++) {
            double n = 0;
            for (size_t bin = 1; bin <= one.nbins; bin++)
                n += cs_results_cell(&one, s, b, bin)->n;
            ck_assert(n == 1300 && cs_results_cell(&one, s, b, 0)->n == 1300);
        }
    cs_results_free(&one);
    cs_experiment_free(&ex);
}
END_TEST

/* The blocks: query i is in block i / CS_SWEEP_BLOCK, so ceil(queries / CS_SWEEP_BLOCK). */
START_TEST(block_count)
{
    const uint64_t q[] = {1, CS_SWEEP_BLOCK, CS_SWEEP_BLOCK + 1, 1300, 10 * CS_SWEEP_BLOCK};
    for (size_t i = 0; i < 5; i++) {
        char text[256];
        snprintf(text, sizeof text, "[experiment]\nqueries = %llu\nbudgets = 1\n"
                 "[population.a]\np_correct = 0.5\n[strategy.vote]\n", (unsigned long long)q[i]);
        cs_experiment ex;
        load_text_ok(&ex, text);
        ck_assert_uint_eq(cs_sweep_nblocks(&ex), (q[i] + CS_SWEEP_BLOCK - 1) / CS_SWEEP_BLOCK);
        cs_experiment_free(&ex);
    }
}
END_TEST

/* What a block callback saw: the blocks in order, and the queries in their tallies. */
typedef struct seen {
    uint64_t block[64];
    size_t n;
    double queries;
    uint64_t fail_at; /* return an error at this block (UINT64_MAX: never) */
} seen;

static int on_block(void *data, uint64_t block, const cs_results *tally, cs_error *err)
{
    seen *s = data;
    if (block == s->fail_at)
        return cs_error_set(err, CS_ERR_IO, "blocks", 0, "stopped at block %llu",
                            (unsigned long long)block);
    ck_assert(s->n < 64);
    s->block[s->n++] = block;
    for (size_t bin = 1; bin <= tally->nbins; bin++)
        s->queries += cs_results_cell(tally, 0, 0, bin)->n;
    return 0;
}

/* The sweep cut into parts of 1, 3 and 1 blocks (and into 5 of one), each on its own thread
** count, added into one result and totalled: the bits of the whole run. Each part hands its
** blocks over in order, with their queries. */
START_TEST(parts_identical)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 2500\nseed = 5\nbudgets = 1,8\nanswers = 4\n"
                      "[population.a]\nweight = 0.5\np_correct = beta(1,1)\nwrong = zipf(1)\n"
                      "[population.b]\nweight = 0.5\np_correct = 0.2\n"
                      "[strategy.vote]\n[strategy.weighted_vote]\n");
    ck_assert_uint_eq(cs_sweep_nblocks(&ex), 5);
    cs_results whole;
    sweep_ok(&ex, &whole, 2);
    const uint64_t cuts[2][6] = {{0, 1, 4, 5}, {0, 1, 2, 3, 4, 5}};
    const size_t ncut[2] = {4, 6};
    for (int c = 0; c < 2; c++) {
        cs_results r;
        cs_error err;
        ck_assert_int_eq(cs_results_init(&r, &ex), 0);
        for (size_t k = 0; k + 1 < ncut[c]; k++) {
            seen s = {.n = 0, .queries = 0, .fail_at = UINT64_MAX};
            cs_sweep_part part = {cuts[c][k], cuts[c][k + 1], on_block, &s};
            int threads = 1 + (int)(k % 3);
            ck_assert_int_eq(cs_sweep_run_part(&ex, threads, &part, NULL, NULL, &r, &err), 0);
            ck_assert_uint_eq(s.n, cuts[c][k + 1] - cuts[c][k]);
            for (size_t i = 0; i < s.n; i++)
                ck_assert_uint_eq(s.block[i], cuts[c][k] + i);
            double want = 0;
            for (uint64_t b = cuts[c][k]; b < cuts[c][k + 1]; b++)
                want += b + 1 < 5 ? CS_SWEEP_BLOCK : 2500 - 4 * CS_SWEEP_BLOCK;
            ck_assert(s.queries == want);
        }
        cs_sweep_total(&r);
        ck_assert_msg(memcmp(whole.cell, r.cell, ncells(&r) * sizeof *r.cell) == 0, "cut %d", c);
        cs_results_free(&r);
    }
    /* a part past the end is clipped to the experiment's blocks */
    cs_results r;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    seen s = {.n = 0, .queries = 0, .fail_at = UINT64_MAX};
    cs_sweep_part part = {3, 99, on_block, &s};
    ck_assert_int_eq(cs_sweep_run_part(&ex, 2, &part, NULL, NULL, &r, &err), 0);
    ck_assert_uint_eq(s.n, 2);
    cs_results_free(&r);
    cs_results_free(&whole);
    cs_experiment_free(&ex);
}
END_TEST

/* A block callback's error stops the sweep with that error. */
START_TEST(block_error_stops)
{
    cs_experiment ex;
    load_text_ok(&ex, mixed);
    cs_results r;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    seen s = {.n = 0, .queries = 0, .fail_at = 1};
    cs_sweep_part part = {0, 3, on_block, &s};
    ck_assert_int_eq(cs_sweep_run_part(&ex, 2, &part, NULL, NULL, &r, &err), CS_ERR_IO);
    ck_assert_str_eq(err.msg, "stopped at block 1");
    ck_assert_uint_eq(s.n, 1); /* block 0 only: block 2 never reached the callback */
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

typedef struct progress {
    uint64_t last, total, calls;
    int monotone;
} progress;

static void on_progress(void *data, uint64_t done, uint64_t total)
{
    progress *p = data;
    p->monotone &= done >= p->last && done <= total;
    p->last = done;
    p->total = total;
    p->calls++;
}

/* Progress counts up to the number of queries. */
START_TEST(progress_counts)
{
    cs_experiment ex;
    load_text_ok(&ex, mixed);
    cs_results r;
    cs_error err;
    ck_assert_int_eq(cs_results_init(&r, &ex), 0);
    progress p = {0, 0, 0, 1};
    ck_assert_int_eq(cs_sweep_run(&ex, 2, on_progress, &p, &r, &err), 0);
    ck_assert(p.monotone);
    ck_assert(p.calls >= 1);
    ck_assert_uint_eq(p.last, 1300);
    ck_assert_uint_eq(p.total, 1300);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* First calls from mathematics: one vote is right with p, so each component bin's accuracy at
** N = 1 is its p and "all" is 0.6 0.85 + 0.4 0.4 = 0.67; coverage at N is 1 - (1 - p)^N. Each
** within 4 binomial s.e. (sqrt(v (1 - v) / n), n the bin's queries); vote makes N calls per query
** exactly. */
START_TEST(first_calls)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 6000\nbudgets = 1,3\nanswers = 2\n"
                      "[population.easy]\nweight = 0.6\np_correct = 0.85\n"
                      "[population.hard]\nweight = 0.4\np_correct = 0.4\n"
                      "[strategy.vote]\n[strategy.coverage]\n");
    cs_results r;
    sweep_ok(&ex, &r, 2);
    const double p[3] = {0, 0.85, 0.4};
    for (size_t bin = 0; bin <= 2; bin++) {
        double n = cs_results_cell(&r, 0, 0, bin)->n;
        double v = bin ? p[bin] : 0.67;
        ck_assert_msg(fabs(cell_mean(&r, 0, 0, bin) - v) < 4 * sqrt(v * (1 - v) / n), "bin %zu",
                      bin);
        for (size_t b = 0; b < 2; b++) {
            size_t N = ex.budgets[b];
            double c = bin ? 1 - pow(1 - p[bin], (double)N)
                           : 0.6 * (1 - pow(0.15, (double)N)) + 0.4 * (1 - pow(0.6, (double)N));
            ck_assert_msg(fabs(cell_mean(&r, 1, b, bin) - c) < 4 * sqrt(c * (1 - c) / n),
                          "coverage bin %zu N=%zu", bin, N);
            const cs_cell *cell = cs_results_cell(&r, 0, b, bin);
            ck_assert_double_eq_tol(cell->calls / cell->n, (double)N, 1e-12);
        }
    }
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("sweep");
    TCase *tc = tcase_create("sweep");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, threads_identical);
    tcase_add_test(tc, block_count);
    tcase_add_test(tc, parts_identical);
    tcase_add_test(tc, block_error_stops);
    tcase_add_test(tc, progress_counts);
    tcase_add_test(tc, first_calls);
    suite_add_tcase(s, tc);
    return s;
}
