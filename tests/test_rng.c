/*
** Tests of rng.h and rng.c: PCG32 against O'Neill's reference, the GSL wrapper, uniforms, and the
** per-query streams.
*/
#include <inttypes.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "callscale/rng.h"
#include "testutil.h"

/* Outputs per line of the reference file (tests/pcg_reference.cpp writes 100). */
#define REF_OUTPUTS 100

/* ---- PCG32 against the reference -------------------------------------------------------- */

/* O'Neill's pcg32-demo output for pcg32 rng(42, 54), as published with the PCG reference code
** (pcg-c-basic and pcg-cpp) and on pcg-random.org: a value fixed outside this project. */
START_TEST(test_published_42_54)
{
    static const uint32_t published[] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u,
                                         0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
    cs_pcg32 r;
    cs_pcg32_seed(&r, 42u, 54u);
    for (size_t i = 0; i < sizeof published / sizeof published[0]; i++)
        ck_assert_msg(cs_pcg32_next(&r) == published[i], "output %zu differs from 0x%08" PRIx32, i,
                      published[i]);
}
END_TEST

/* Every line of build/pcg_reference.txt: initstate initseq out0 .. out99. */
START_TEST(test_reference_file)
{
    FILE *f = fopen(PCG_REFERENCE, "r");
    ck_assert_msg(f != NULL, "cannot open %s (make %s first)", PCG_REFERENCE, PCG_REFERENCE);
    char line[4096];
    int lines = 0, saw_demo = 0;
    while (fgets(line, sizeof line, f)) {
        ck_assert_msg(strchr(line, '\n') != NULL, "reference line %d too long", lines + 1);
        char *p = line, *end;
        uint64_t initstate = strtoull(p, &end, 10);
        ck_assert(end != p);
        p = end;
        uint64_t initseq = strtoull(p, &end, 10);
        ck_assert(end != p);
        p = end;
        cs_pcg32 r, r2;
        cs_pcg32_seed(&r, initstate, initseq);
        r2 = r;
        uint32_t want[REF_OUTPUTS];
        int k = 0;
        for (;; k++) {
            unsigned long long w = strtoull(p, &end, 10);
            if (end == p)
                break;
            p = end;
            ck_assert_int_lt(k, REF_OUTPUTS);
            ck_assert_uint_le(w, 0xffffffffu);
            want[k] = (uint32_t)w;
            uint32_t got = cs_pcg32_next(&r);
            ck_assert_msg(got == want[k],
                          "pcg32(%" PRIu64 ", %" PRIu64 ") output %d: got %" PRIu32 ", want %" PRIu32,
                          initstate, initseq, k, got, want[k]);
        }
        ck_assert_int_eq(k, REF_OUTPUTS);
        /* two at a time: the same words, and the stream handed back where one at a time is */
        cs_pcg32x2 x = cs_pcg32x2_start(&r2);
        for (k = 0; k + 1 < REF_OUTPUTS; k += 2) {
            uint32_t u, v;
            cs_pcg32x2_next(&x, &u, &v);
            ck_assert_msg(u == want[k] && v == want[k + 1], "pcg32x2(%" PRIu64 ", %" PRIu64
                          ") outputs %d, %d: got %" PRIu32 ", %" PRIu32, initstate, initseq, k,
                          k + 1, u, v);
        }
        cs_pcg32x2_finish(&x, &r2);
        ck_assert(r2.state == r.state && r2.inc == r.inc);
        if (initstate == 42u && initseq == 54u)
            saw_demo = 1;
        lines++;
    }
    fclose(f);
    ck_assert_int_ge(lines, 5);
    ck_assert(saw_demo);
}
END_TEST

/* The stream selector's top bit is shifted out of the increment, as in the reference: initseq
** and initseq + 2^63 select the same stream. */
START_TEST(test_seed_stream_top_bit)
{
    cs_pcg32 a, b;
    cs_pcg32_seed(&a, 7u, 5u);
    cs_pcg32_seed(&b, 7u, 5u | 0x8000000000000000ull);
    ck_assert(a.inc & 1u);
    for (int i = 0; i < 16; i++)
        ck_assert_uint_eq(cs_pcg32_next(&a), cs_pcg32_next(&b));
}
END_TEST

/* ---- the GSL generator type ------------------------------------------------------------- */

START_TEST(test_gsl_type)
{
    gsl_rng *r = gsl_rng_alloc(cs_rng_pcg32);
    ck_assert_ptr_nonnull(r);
    ck_assert_str_eq(gsl_rng_name(r), "pcg32");
    ck_assert_uint_eq(gsl_rng_min(r), 0u);
    ck_assert_uint_eq(gsl_rng_max(r), 0xffffffffu);
    ck_assert_uint_eq(gsl_rng_size(r), sizeof(cs_pcg32));
    gsl_rng_free(r);
}
END_TEST

/* gsl_rng_get is cs_pcg32_next on the state cs_rng_pcg32_state exposes. */
START_TEST(test_gsl_get_matches_next)
{
    gsl_rng *r = gsl_rng_alloc(cs_rng_pcg32);
    cs_pcg32 mine;
    cs_pcg32_seed(cs_rng_pcg32_state(r), 42u, 54u);
    cs_pcg32_seed(&mine, 42u, 54u);
    for (int i = 0; i < 1000; i++)
        ck_assert_uint_eq(gsl_rng_get(r), cs_pcg32_next(&mine));
    /* the published first output again, this time through GSL */
    cs_pcg32_seed(cs_rng_pcg32_state(r), 42u, 54u);
    ck_assert_uint_eq(gsl_rng_get(r), 0xa15c02b7u);
    gsl_rng_free(r);
}
END_TEST

/* GSL's contract for gsl_rng_set: the same seed gives the same sequence, different seeds differ. */
START_TEST(test_gsl_set)
{
    gsl_rng *a = gsl_rng_alloc(cs_rng_pcg32), *b = gsl_rng_alloc(cs_rng_pcg32);
    gsl_rng_set(a, 12345u);
    gsl_rng_set(b, 12345u);
    for (int i = 0; i < 100; i++)
        ck_assert_uint_eq(gsl_rng_get(a), gsl_rng_get(b));
    gsl_rng_set(a, 12345u);
    gsl_rng_set(b, 12346u);
    int same = 0;
    for (int i = 0; i < 100; i++)
        same += gsl_rng_get(a) == gsl_rng_get(b);
    ck_assert_int_lt(same, 3);
    gsl_rng_free(a);
    gsl_rng_free(b);
}
END_TEST

/* gsl_rng_uniform is in [0,1); its mean over n draws is 0.5 with s.e. sqrt(1/12/n) (the variance
** of U(0,1) is 1/12); tolerance 4 s.e. */
START_TEST(test_gsl_uniform)
{
    const int n = 1000000;
    gsl_rng *r = gsl_rng_alloc(cs_rng_pcg32);
    cs_pcg32_seed(cs_rng_pcg32_state(r), 2024u, 7u);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double u = gsl_rng_uniform(r);
        ck_assert(u >= 0.0 && u < 1.0);
        sum += u;
    }
    double se = sqrt(1.0 / 12.0 / n);
    ck_assert_double_eq_tol(sum / n, 0.5, 4 * se);
    gsl_rng_free(r);
}
END_TEST

/* GSL samplers draw from our generator. Beta(a,b) has mean a/(a+b) = 0.4 and variance
** ab/((a+b)^2(a+b+1)) = 6/(25*6) = 0.04, so the mean of n = 200000 draws has s.e.
** sqrt(0.04/n) = 4.47e-4; tolerance 4 s.e. */
START_TEST(test_gsl_beta)
{
    const int n = 200000;
    const double a = 2, b = 3;
    gsl_rng *r = gsl_rng_alloc(cs_rng_pcg32);
    cs_pcg32_seed(cs_rng_pcg32_state(r), 99u, 3u);
    double sum = 0;
    for (int i = 0; i < n; i++) {
        double x = gsl_ran_beta(r, a, b);
        ck_assert(x >= 0.0 && x <= 1.0);
        sum += x;
    }
    double var = a * b / ((a + b) * (a + b) * (a + b + 1));
    ck_assert_double_eq_tol(var, 0.04, 1e-15);
    ck_assert_double_eq_tol(sum / n, a / (a + b), 4 * sqrt(var / n));
    gsl_rng_free(r);
}
END_TEST

/* ---- cs_pcg32_uniform ------------------------------------------------------------------- */

/* Strictly inside (0,1), mean 0.5 within 4 s.e. = 4 sqrt(1/12/n). */
START_TEST(test_uniform_open_interval)
{
    const int n = 1000000;
    cs_pcg32 r;
    cs_pcg32_seed(&r, 31337u, 11u);
    double sum = 0, lo = 1, hi = 0;
    for (int i = 0; i < n; i++) {
        double u = cs_pcg32_uniform(&r);
        ck_assert(u > 0.0 && u < 1.0);
        sum += u;
        lo = u < lo ? u : lo;
        hi = u > hi ? u : hi;
    }
    ck_assert_double_eq_tol(sum / n, 0.5, 4 * sqrt(1.0 / 12.0 / n));
    /* with 10^6 draws the extremes are within ~1e-5 of the ends (P(min > 1e-4) = (1-1e-4)^n) */
    ck_assert_double_lt(lo, 1e-4);
    ck_assert_double_gt(hi, 1 - 1e-4);
}
END_TEST

/* The two extreme 32-bit words still map strictly inside (0,1). With state 0 the XSH-RR output is
** 0. For output 0xffffffff take rotation 0 (bits 59..63 clear) and need bits 27..58 of
** (x >> 18) ^ x all set: bits 41..58 of x set (their partners above bit 58 are 0), bits 27..40
** clear (their partners 45..58 are set), i.e. x = (2^18 - 1) << 41. */
START_TEST(test_uniform_extreme_words)
{
    cs_pcg32 r = {0u, 1u};
    ck_assert_uint_eq(cs_pcg32_next(&r), 0u);
    r.state = 0u;
    double u0 = cs_pcg32_uniform(&r);
    ck_assert_double_gt(u0, 0.0);
    ck_assert_double_eq(u0, 0.5 / 4294967296.0);

    const uint64_t all_ones = ((uint64_t)0x3ffff) << 41;
    r.state = all_ones;
    ck_assert_uint_eq(cs_pcg32_next(&r), 0xffffffffu);
    r.state = all_ones;
    double u1 = cs_pcg32_uniform(&r);
    ck_assert_double_lt(u1, 1.0);
    ck_assert_double_eq(u1, (4294967295.0 + 0.5) / 4294967296.0);
}
END_TEST

/* ---- per-query streams ------------------------------------------------------------------ */

static int cmp_u64(const void *a, const void *b)
{
    uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
    return (x > y) - (x < y);
}

static uint64_t first_pair(uint64_t seed, uint64_t query, uint64_t purpose)
{
    cs_pcg32 r;
    cs_rng_stream(&r, seed, query, purpose);
    uint64_t hi = cs_pcg32_next(&r);
    return hi << 32 | cs_pcg32_next(&r);
}

/* The first two outputs of 1000 queries x 3 purposes, for two seeds, are 6000 distinct 64-bit
** values. For independent random streams a collision among 6000 64-bit values has probability
** about 6000^2 / 2^65 ~ 1e-12. */
START_TEST(test_streams_distinct)
{
    enum { NQ = 1000, NP = 3, NS = 2 };
    static uint64_t v[NQ * NP * NS];
    const uint64_t seeds[NS] = {1u, 2u};
    size_t k = 0;
    for (size_t s = 0; s < NS; s++)
        for (uint64_t q = 0; q < NQ; q++)
            for (uint64_t p = 0; p < NP; p++)
                v[k++] = first_pair(seeds[s], q, p);
    qsort(v, k, sizeof v[0], cmp_u64);
    for (size_t i = 1; i < k; i++)
        ck_assert_msg(v[i] != v[i - 1], "two streams start with 0x%016" PRIx64, v[i]);
}
END_TEST

START_TEST(test_stream_reproducible)
{
    const uint64_t triples[][3] = {{1, 0, 0}, {1, 999, 1}, {0xffffffffffffffffull, 12345, 2},
                                   {7, 3, cs_rng_hash("vote:default")}};
    for (size_t t = 0; t < sizeof triples / sizeof triples[0]; t++) {
        cs_pcg32 a, b;
        cs_rng_stream(&a, triples[t][0], triples[t][1], triples[t][2]);
        cs_rng_stream(&b, triples[t][0], triples[t][1], triples[t][2]);
        ck_assert_uint_eq(a.state, b.state);
        ck_assert_uint_eq(a.inc, b.inc);
        ck_assert(a.inc & 1u);
        for (int i = 0; i < 1000; i++)
            ck_assert_uint_eq(cs_pcg32_next(&a), cs_pcg32_next(&b));
    }
}
END_TEST

/* Does window w[0..8) occur anywhere in seq[0..n)? */
static int occurs(const uint32_t *w, const uint32_t *seq, size_t n)
{
    for (size_t k = 0; k + 8 <= n; k++)
        if (memcmp(w, seq + k, 8 * sizeof w[0]) == 0)
            return 1;
    return 0;
}

/* Neighbouring query streams are not shifted copies of one another: the first 8 outputs of
** (s, q, 0) do not occur in the first 1000 of (s, q+1, 0), nor the other way round. */
START_TEST(test_streams_not_shifted)
{
    enum { N = 1000, NQ = 200 };
    static uint32_t cur[N], next[N];
    const uint64_t seeds[] = {1u, 42u};
    for (size_t s = 0; s < sizeof seeds / sizeof seeds[0]; s++) {
        cs_pcg32 r;
        cs_rng_stream(&r, seeds[s], 0, 0);
        for (size_t i = 0; i < N; i++)
            cur[i] = cs_pcg32_next(&r);
        for (uint64_t q = 0; q < NQ; q++) {
            cs_rng_stream(&r, seeds[s], q + 1, 0);
            for (size_t i = 0; i < N; i++)
                next[i] = cs_pcg32_next(&r);
            ck_assert_msg(!occurs(cur, next, N), "stream q=%" PRIu64 " reappears in q+1", q);
            ck_assert_msg(!occurs(next, cur, N), "stream q=%" PRIu64 " reappears in q", q + 1);
            memcpy(cur, next, sizeof cur);
        }
    }
}
END_TEST

/* Purposes of one query are not shifted copies either (the samples stream against the query's). */
START_TEST(test_purposes_not_shifted)
{
    enum { N = 1000 };
    static uint32_t a[N], b[N];
    for (uint64_t q = 0; q < 50; q++) {
        cs_pcg32 r;
        cs_rng_stream(&r, 5u, q, CS_STREAM_QUERY);
        for (size_t i = 0; i < N; i++)
            a[i] = cs_pcg32_next(&r);
        cs_rng_stream(&r, 5u, q, CS_STREAM_SAMPLES);
        for (size_t i = 0; i < N; i++)
            b[i] = cs_pcg32_next(&r);
        ck_assert(!occurs(a, b, N));
        ck_assert(!occurs(b, a, N));
    }
}
END_TEST

START_TEST(test_hash)
{
    ck_assert_uint_eq(cs_rng_hash("vote:default"), cs_rng_hash("vote:default"));
    ck_assert_uint_ne(cs_rng_hash("vote:default"), cs_rng_hash("filter_vote:default"));
    ck_assert_uint_ne(cs_rng_hash("vote:default"), cs_rng_hash("vote:second"));
    ck_assert_uint_ne(cs_rng_hash(""), cs_rng_hash("a"));
    /* a hashed purpose gives a stream unlike the fixed purposes */
    ck_assert_uint_ne(first_pair(1, 0, cs_rng_hash("vote:default")), first_pair(1, 0, 0));
    ck_assert_uint_ne(first_pair(1, 0, cs_rng_hash("vote:default")), first_pair(1, 0, 1));
    ck_assert_uint_ne(first_pair(1, 0, cs_rng_hash("vote:default")),
                      first_pair(1, 0, cs_rng_hash("filter_vote:default")));
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("rng");
    TCase *ref = tcase_create("reference");
    tcase_add_test(ref, test_published_42_54);
    tcase_add_test(ref, test_reference_file);
    tcase_add_test(ref, test_seed_stream_top_bit);
    suite_add_tcase(s, ref);

    TCase *gsl = tcase_create("gsl");
    tcase_set_timeout(gsl, 60);
    tcase_add_test(gsl, test_gsl_type);
    tcase_add_test(gsl, test_gsl_get_matches_next);
    tcase_add_test(gsl, test_gsl_set);
    tcase_add_test(gsl, test_gsl_uniform);
    tcase_add_test(gsl, test_gsl_beta);
    suite_add_tcase(s, gsl);

    TCase *uni = tcase_create("uniform");
    tcase_set_timeout(uni, 60);
    tcase_add_test(uni, test_uniform_open_interval);
    tcase_add_test(uni, test_uniform_extreme_words);
    suite_add_tcase(s, uni);

    TCase *str = tcase_create("streams");
    tcase_set_timeout(str, 60);
    tcase_add_test(str, test_streams_distinct);
    tcase_add_test(str, test_stream_reproducible);
    tcase_add_test(str, test_streams_not_shifted);
    tcase_add_test(str, test_purposes_not_shifted);
    tcase_add_test(str, test_hash);
    suite_add_tcase(s, str);
    return s;
}
