/*
** Shards and merge: the partition of blocks into shards, "I/N", and shards written and merged
** into exactly (bit for bit) the sums of one sweep, the reference being cs_sweep_run itself.
*/
#include <sys/stat.h>
#include <unistd.h>
#include "callscale/experiment.h"
#include "callscale/merge.h"
#include "callscale/results.h"
#include "callscale/shard.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"

START_TEST(test_blocks_partition)
{
    /* every block in exactly one shard, in order; sizes differ by at most one, larger first */
    for (uint64_t nb = 0; nb <= 40; nb++)
        for (uint64_t n = 1; n <= 50; n++) {
            uint64_t next = 0, q = nb / n;
            for (uint64_t i = 0; i < n; i++) {
                uint64_t first, last;
                cs_shard_blocks(nb, i, n, &first, &last);
                ck_assert_uint_eq(first, next);
                ck_assert_uint_ge(last, first);
                ck_assert_uint_eq(last - first, q + (i < nb % n ? 1 : 0));
                next = last;
            }
            ck_assert_uint_eq(next, nb);
        }
}
END_TEST

START_TEST(test_parse)
{
    uint64_t i, n;
    ck_assert_int_eq(cs_shard_parse("0/1", &i, &n), 0);
    ck_assert_uint_eq(i, 0);
    ck_assert_uint_eq(n, 1);
    ck_assert_int_eq(cs_shard_parse("99/100", &i, &n), 0);
    ck_assert_uint_eq(i, 99);
    ck_assert_uint_eq(n, 100);
    ck_assert_int_eq(cs_shard_parse("0/1000000", &i, &n), 0);
    const char *bad[] = {"", "1", "1/1", "3/2", "-1/3", "1/0", "a/b", "1/3x", "1/ 3", " 1/3",
                         "0/1000001", "1/-3", "/3", "1/", "18446744073709551616/2"};
    for (size_t k = 0; k < sizeof bad / sizeof bad[0]; k++)
        ck_assert_msg(cs_shard_parse(bad[k], &i, &n) == -1, "'%s' was taken", bad[k]);
}
END_TEST

/* Two components of different p, vote and filter_vote at three budgets: every cell has
** non-trivial sums, and 6 blocks (the last of 17 queries) split unevenly into shards. Adding each
** shard's partial sums instead of its blocks one by one changes the bits of 7 of its 18 cells
** (2 shards), so the bitwise comparison below can fail. */
static const char experiment[] =
    "[experiment]\nname = shard-unit\nqueries = 2577\nseed = 11\nbudgets = 1,4,9\nanswers = 3\n"
    "[population.easy]\nweight = 0.7\np_correct = beta(6,2)\n"
    "[population.hard]\nweight = 0.3\np_correct = 0.3\n"
    "[strategy.vote]\n[strategy.filter_vote]\n";

static void rm_rf(const char *dir)
{
    char cmd[300];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

START_TEST(test_merge_is_one_sweep)
{
    cs_experiment ex;
    cs_error err;
    const char *path = write_temp_ini(experiment);
    ck_assert_int_eq(cs_experiment_load(&ex, path, NULL, 0, &err), 0);
    remove(path);
    ck_assert_uint_eq(cs_sweep_nblocks(&ex), 6);
    cs_results one;
    ck_assert_int_eq(cs_results_init(&one, &ex), 0);
    ck_assert_int_eq(cs_sweep_run(&ex, 2, NULL, NULL, &one, &err), 0);
    size_t ncell = one.nstrat * one.nbudgets * (one.nbins + 1);

    char root[] = "/tmp/callscale-test-shard-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(root));
    const uint64_t ns[] = {1, 2, 4, 6, 9};
    for (size_t t = 0; t < sizeof ns / sizeof ns[0]; t++) {
        uint64_t n = ns[t];
        char dirs[9][128];
        const char *given[9];
        for (uint64_t i = 0; i < n; i++) {
            snprintf(dirs[i], sizeof dirs[i], "%s/n%llu-s%llu", root, (unsigned long long)n,
                     (unsigned long long)i);
            ck_assert_int_eq(mkdir(dirs[i], 0777), 0);
            cs_shard_writer *w = cs_shard_open(&ex, i, n, dirs[i], &err);
            ck_assert_ptr_nonnull(w);
            cs_sweep_part part = {0, 0, cs_shard_write_block, w};
            cs_shard_part(w, &part.first, &part.last);
            cs_results scratch;
            ck_assert_int_eq(cs_results_init(&scratch, &ex), 0);
            ck_assert_int_eq(cs_sweep_run_part(&ex, 1 + (int)(i % 2), &part, NULL, NULL, &scratch,
                                               &err), 0);
            cs_results_free(&scratch);
            ck_assert_int_eq(cs_shard_close(w, &err), 0);
            given[n - 1 - i] = dirs[i]; /* in reverse order */
        }
        cs_experiment mex;
        cs_results merged;
        char *config;
        size_t len;
        int rc = cs_merge_shards(given, n, "merged/config.ini", &mex, &merged, &config, &len, &err);
        ck_assert_msg(rc == 0, "merge of %llu shards: %s:%d: %s", (unsigned long long)n,
                      err.file, err.line, err.msg);
        /* bit for bit, every cell, "all" included */
        ck_assert_int_eq(memcmp(merged.cell, one.cell, ncell * sizeof *one.cell), 0);
        /* the configuration as one run writes it */
        char *text = NULL;
        size_t tlen = 0;
        FILE *f = open_memstream(&text, &tlen);
        ck_assert_int_eq(cs_experiment_write(&ex, f), 0);
        fclose(f);
        ck_assert_uint_eq(len, tlen);
        ck_assert_int_eq(memcmp(config, text, len), 0);
        free(text);
        free(config);
        cs_results_free(&merged);
        cs_experiment_free(&mex);
    }
    rm_rf(root);
    cs_results_free(&one);
    cs_experiment_free(&ex);
}
END_TEST

START_TEST(test_writer_refuses_missing_blocks)
{
    cs_experiment ex;
    cs_error err;
    const char *path = write_temp_ini(experiment);
    ck_assert_int_eq(cs_experiment_load(&ex, path, NULL, 0, &err), 0);
    remove(path);
    char root[] = "/tmp/callscale-test-shard-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(root));
    cs_shard_writer *w = cs_shard_open(&ex, 0, 2, root, &err);
    ck_assert_ptr_nonnull(w);
    /* shard 0 of 2 holds blocks 0 to 3; closing without them leaves no tally.csv */
    ck_assert_int_ne(cs_shard_close(w, &err), 0);
    char tally[128];
    snprintf(tally, sizeof tally, "%s/tally.csv", root);
    ck_assert_int_ne(access(tally, F_OK), 0);
    rm_rf(root);
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("shard");
    TCase *t = tcase_create("shard");
    tcase_set_timeout(t, 120);
    tcase_add_test(t, test_blocks_partition);
    tcase_add_test(t, test_parse);
    tcase_add_test(t, test_merge_is_one_sweep);
    tcase_add_test(t, test_writer_refuses_missing_blocks);
    suite_add_tcase(s, t);
    return s;
}
