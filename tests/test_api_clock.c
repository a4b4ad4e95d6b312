/*
** The clock through the public API (cs_study_clock, cs_clock_table_*): a deterministic queue
** whose every latency is known by hand, cells by index and by name, latency.csv's text, errors.
*/
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>
#include "testutil.h"
#include "callscale.h"

/* Ten queries arriving every 0.5 s at one server that takes exactly 1 s each: query i (from 0)
** arrives at 0.5 i, starts at i (the one before it leaves then) and ends at i + 1. So it waits
** 0.5 i and is answered after 0.5 i + 1: waits 0..4.5 (mean 2.25), latencies 1..5.5 in steps of
** 0.5 (mean 3.25; nearest rank: p50 the 5th, 3; p90 the 9th, 5; p99 the 10th, 5.5); five of the
** ten within the slo of 3 s. The server is never idle from 0 to 10: utilisation 1, and 10
** queries answered in 10 s. p_correct = 1: accuracy 1. */
static const char queue[] = "[experiment]\nname = api-clock\nqueries = 10\nbudgets = 1\n"
                            "[population.one]\np_correct = 1\n[strategy.vote]\n"
                            "[serving]\nservice = fixed(1)\nreplicas = 1\nmax_num_seqs = 1\n"
                            "[arrivals]\ntrace = arrivals.txt\nwarmup = 0\nslo = 3\n";

static cs_study *load_queue(char *dir, size_t n, cs_error *err)
{
    snprintf(dir, n, "/tmp/callscale-api-clock-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/arrivals.txt", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    for (int i = 0; i < 10; i++)
        fprintf(f, "%g\n", 0.5 * i);
    fclose(f);
    snprintf(path, sizeof path, "%s/queue.ini", dir);
    f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(queue, f);
    fclose(f);
    return cs_study_load(path, NULL, 0, err);
}

static void remove_queue(const char *dir)
{
    char path[128];
    snprintf(path, sizeof path, "%s/arrivals.txt", dir);
    unlink(path);
    snprintf(path, sizeof path, "%s/queue.ini", dir);
    unlink(path);
    rmdir(dir);
}

START_TEST(test_clock_by_hand)
{
    char dir[64];
    cs_error *err = cs_error_alloc();
    cs_study *st = load_queue(dir, sizeof dir, err);
    ck_assert_msg(st != NULL, "%s", cs_error_text(err));
    cs_clock_table *t = cs_study_clock(st, 2, err);
    ck_assert_msg(t != NULL, "%s", cs_error_text(err));
    ck_assert_uint_eq(cs_clock_table_ncells(t), 2); /* one setting, one budget; all and one */
    long all = cs_clock_table_find(t, "vote", NULL, 1, NULL);
    ck_assert_int_eq(all, cs_clock_table_cell(t, 0, 0, 0));
    ck_assert_int_eq(cs_clock_table_find(t, "vote", "default", 1, "one"), 1);
    const struct {
        int column;
        double want;
    } hand[] = {{CS_CLOCK_QUERIES, 10},      {CS_CLOCK_ACCURACY, 1},
                {CS_CLOCK_LATENCY_MEAN, 3.25}, {CS_CLOCK_LATENCY_P50, 3},
                {CS_CLOCK_LATENCY_P90, 5},   {CS_CLOCK_LATENCY_P99, 5.5},
                {CS_CLOCK_WAIT_MEAN, 2.25},  {CS_CLOCK_THROUGHPUT, 1},
                {CS_CLOCK_UTILIZATION, 1},   {CS_CLOCK_SLO_ATTAINED, 0.5}};
    for (size_t i = 0; i < sizeof hand / sizeof hand[0]; i++)
        for (long cell = 0; cell < 2; cell++)
            ck_assert_msg(fabs(cs_clock_table_value(t, cell, hand[i].column) - hand[i].want) < 1e-9,
                          "%s: %.17g, by hand %g", cs_clock_table_column(hand[i].column),
                          cs_clock_table_value(t, cell, hand[i].column), hand[i].want);
    /* the text is latency.csv's: its header, then a row per cell with the same numbers */
    size_t n = cs_clock_table_csv(t, NULL, 0);
    char *csv = malloc(n + 1);
    ck_assert_uint_eq(cs_clock_table_csv(t, csv, n + 1), n);
    ck_assert_msg(strncmp(csv, "strategy,setting,budget,bin,queries,accuracy,latency_mean,", 58) == 0,
                  "%s", csv);
    ck_assert_ptr_nonnull(strstr(csv, "\nvote,default,1,all,10,1.0000000000,3.25,3,5,5.5,2.25,"));
    ck_assert_ptr_nonnull(strstr(csv, "\nvote,default,1,one,10,"));
    free(csv);
    /* out of range: NAN and -1, never a read past the cells */
    ck_assert(isnan(cs_clock_table_value(t, 2, CS_CLOCK_ACCURACY)));
    ck_assert(isnan(cs_clock_table_value(t, 0, CS_NCLOCK_COLUMNS)));
    ck_assert(isnan(cs_clock_table_value(NULL, 0, 0)));
    ck_assert_int_eq(cs_clock_table_cell(t, 1, 0, 0), -1);
    ck_assert_int_eq(cs_clock_table_find(t, "beam", NULL, 1, NULL), -1);
    ck_assert_int_eq(cs_clock_table_find(t, "vote", NULL, 2, NULL), -1);
    ck_assert_ptr_null(cs_clock_table_column(-1));
    ck_assert_str_eq(cs_clock_table_column(CS_CLOCK_SLO_ATTAINED), "slo_attained");
    cs_clock_table_free(t);
    cs_study_free(st);
    cs_error_free(err);
    remove_queue(dir);
}
END_TEST

/* Without [serving] there is no clock: an input error naming the file, and no table. */
START_TEST(test_clock_needs_serving)
{
    cs_error *err = cs_error_alloc();
    const char text[] = "[population.a]\np_correct = 0.5\n[strategy.vote]\n";
    cs_study *st = cs_study_load_text("plain.ini", text, sizeof text - 1, NULL, 0, err);
    ck_assert_ptr_nonnull(st);
    ck_assert_ptr_null(cs_study_clock(st, 1, err));
    ck_assert_int_eq(cs_error_code(err), CS_ERR_INPUT);
    ck_assert_str_eq(cs_error_file(err), "plain.ini");
    ck_assert_ptr_nonnull(strstr(cs_error_text(err), "[serving]"));
    ck_assert_ptr_null(cs_study_clock(NULL, 1, err));
    cs_clock_table_free(NULL);
    cs_study_free(st);
    cs_error_free(err);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("api_clock");
    TCase *tc = tcase_create("api_clock");
    tcase_add_test(tc, test_clock_by_hand);
    tcase_add_test(tc, test_clock_needs_serving);
    suite_add_tcase(s, tc);
    return s;
}
