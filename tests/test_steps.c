/*
** The step model (src/steps.c): a chain's success s^L, recovery against the two-state Markov chain
** iterated here, the PRM's values and noise, final selection, ranking and REBASE's allocation.
*/
#include "callscale/steps.h"
#include "testutil.h"
#include "testutil_query.h"

#define NCHAIN 20000

/* Of n rollouts from the root to depth d, how many end on track (answer 0). */
static double on_track_share(fixture *f, unsigned d, size_t n, uint64_t seed)
{
    cs_pcg32 r;
    cs_pcg32_seed(&r, seed, 7u);
    cs_stepper st;
    cs_stepper_init(&st, &f->q, &r);
    cs_node root, end;
    cs_step_root(&st, &root);
    size_t right = 0;
    for (size_t i = 0; i < n; i++) {
        cs_step_rollout(&st, &root, d, &end);
        ck_assert_uint_eq(end.depth, d);
        ck_assert_int_eq(end.answer == 0, end.state == CS_ON_TRACK);
        right += end.answer == 0;
    }
    return (double)right / (double)n;
}

/* With no recovery and no traps a prefix of d steps is on track with s^d, a whole chain with
** s^L = p. Each share within 4 binomial s.e. (sqrt(v (1 - v) / 20000) <= 0.0036). */
START_TEST(chain_success)
{
    const double p = 0.3;
    const unsigned L = 8;
    fixture f;
    binary_query_init(&f, p, L);
    f.set.prm_noise = 0.5;
    for (unsigned d = 1; d <= L; d++) {
        double v = pow(p, (double)d / L), got = on_track_share(&f, d, NCHAIN, 100 + d);
        ck_assert_msg(fabs(got - v) < 4 * sqrt(v * (1 - v) / NCHAIN), "d=%u %.4f vs %.4f", d, got,
                      v);
    }
}
END_TEST

/* recover = r: the state is a two-state Markov chain (on track -> on track with s, derailed -> on
** track with r). Its distribution after L steps from on track, by iterating the chain here, is
** what the rollouts must show, within 4 binomial s.e. */
START_TEST(chain_recovery)
{
    const double p = 0.2, r = 0.15;
    const unsigned L = 6;
    fixture f;
    binary_query_init(&f, p, L);
    f.set.recover = r;
    double on = 1, s = pow(p, 1.0 / L);
    for (unsigned d = 0; d < L; d++)
        on = on * s + (1 - on) * r;
    ck_assert(on > p + 0.05); /* recovery matters at these settings */
    double got = on_track_share(&f, L, NCHAIN, 5);
    ck_assert_msg(fabs(got - on) < 4 * sqrt(on * (1 - on) / NCHAIN), "%.4f vs %.4f", got, on);
}
END_TEST

/* A rollout's law, by steps or at once (cs_step_chain, cs_step_rollout), against the step model's
** closed forms: from on track each step is a trap with t, else derails with (1 - t)(1 - s), else
** stays on track (a = (1 - t) s), so on track after n steps with a^n, derailed with the sum over
** the step j that derails of a^(j-1) (1 - t)(1 - s) (1 - t)^(n-j) (no trap after it), else a
** trap; from derailed, a trap with 1 - (1 - t)^n, else the answer kept. The PRM's error from
** e0: e0 rho^n plus a Gaussian of variance sigma^2 (1 - rho^2) (1 + rho^2 + ... + rho^2(n-1))
** = sigma^2 (1 - rho^2n). Shares within 4 binomial s.e., the error's mean within 4 s.e. and its
** variance within 4 (v sqrt(2 / m)). */
static void rollout_law(int at_once)
{
    enum { M = 100000 };
    const double p = 0.4, t = 0.02, sigma = 0.7, rho = 0.6, e0 = 0.5;
    const unsigned L = 8, from = 2, n = 5;
    fixture f;
    binary_query_init(&f, p, L);
    f.set.trap = t;
    f.set.trap_score = 1;
    f.set.prm_noise = sigma;
    f.set.rho = rho;
    cs_pcg32 r;
    cs_pcg32_seed(&r, 21, (uint64_t)at_once);
    cs_stepper st;
    cs_stepper_init(&st, &f.q, &r);
    double s = f.q.s, a = (1 - t) * s, derail = 0;
    for (unsigned j = 1; j <= n; j++)
        derail += pow(a, j - 1.0) * (1 - t) * (1 - s) * pow(1 - t, (double)(n - j));
    double want[3] = {pow(a, n), derail, 1 - pow(a, n) - derail};
    double mean = e0 * pow(rho, n), var = sigma * sigma * (1 - pow(rho, 2.0 * n));
    cs_node on = {.answer = 0, .depth = (uint8_t)from, .state = CS_ON_TRACK, .err = (float)e0};
    cs_node off = on;
    off.answer = 1;
    off.state = CS_DERAILED;
    size_t count[3] = {0, 0, 0}, trapped = 0, kept = 0;
    double se = 0, see = 0;
    for (int i = 0; i < M; i++) {
        cs_node end;
        (at_once ? cs_step_rollout : cs_step_chain)(&st, &on, from + n, &end);
        ck_assert_uint_eq(end.depth, from + n);
        ck_assert_int_eq(end.answer == 0, end.state == CS_ON_TRACK);
        count[end.state]++;
        se += end.err;
        see += (double)end.err * end.err;
        (at_once ? cs_step_rollout : cs_step_chain)(&st, &off, from + n, &end);
        ck_assert_int_ne(end.state, CS_ON_TRACK);
        trapped += end.state == CS_TRAP;
        kept += end.state == CS_DERAILED && end.answer == 1;
    }
    for (int k = 0; k < 3; k++) {
        double got = (double)count[k] / M;
        ck_assert_msg(fabs(got - want[k]) < 4 * sqrt(want[k] * (1 - want[k]) / M),
                      "at once %d, state %d: %.5f against %.5f", at_once, k, got, want[k]);
    }
    double trap = 1 - pow(1 - t, n), got = (double)trapped / M;
    ck_assert_msg(fabs(got - trap) < 4 * sqrt(trap * (1 - trap) / M), "%.5f against %.5f", got,
                  trap);
    ck_assert_uint_eq(kept, M - trapped); /* a binary query's one wrong answer */
    double m = se / M, v = see / M - m * m;
    ck_assert_msg(fabs(m - mean) < 4 * sqrt(var / M), "mean %.5f against %.5f", m, mean);
    ck_assert_msg(fabs(v - var) < 4 * var * sqrt(2.0 / M), "variance %.5f against %.5f", v, var);
}

START_TEST(rollout_by_steps)
{
    rollout_law(0);
}
END_TEST

START_TEST(rollout_at_once)
{
    rollout_law(1);
}
END_TEST

/* A step's chances as counts of PCG32 outputs: cs_pcg32_uniform is (x + 0.5) 2^-32 for the output
** x, so u < y for exactly the x below the count, and a count c is right when the uniform of x =
** c - 1 is below y and that of x = c is not. Probabilities at the ends and the grid's edges:
** 2^-33 is the least uniform, 1 - 2^-33 the greatest. */
START_TEST(step_chances_as_counts)
{
    const double y[] = {0, ldexp(1, -34), ldexp(1, -33), nextafter(ldexp(1, -33), 1), 1e-9, 3e-4,
                        0.3, 0.5, 1 - ldexp(1, -33), nextafter(1 - ldexp(1, -33), 1),
                        nextafter(1, 0), 1, -0.5};
    for (size_t i = 0; i < sizeof y / sizeof y[0]; i++) {
        fixture f;
        binary_query_init(&f, 0.5, 4);
        f.set.trap = y[i];
        f.set.recover = y[i];
        f.q.s = y[i];
        cs_pcg32 r;
        cs_pcg32_seed(&r, 1, 1);
        cs_stepper st;
        cs_stepper_init(&st, &f.q, &r);
        const uint64_t c[3] = {st.trap_below, st.stay_below, st.recover_below};
        for (int k = 0; k < 3; k++) {
            ck_assert_uint_le(c[k], (uint64_t)1 << 32);
            if (c[k] > 0)
                ck_assert_msg(ldexp((double)(c[k] - 1) + 0.5, -32) < y[i], "y = %a: %llu", y[i],
                              (unsigned long long)c[k]);
            if (c[k] < (uint64_t)1 << 32)
                ck_assert_msg(!(ldexp((double)c[k] + 0.5, -32) < y[i]), "y = %a: %llu", y[i],
                              (unsigned long long)c[k]);
        }
        ck_assert_int_eq(st.recovers, y[i] > 0); /* a recovery is drawn whenever recover > 0 */
    }
}
END_TEST

/* The PRM without noise scores an on-track prefix at depth d with its true value s^(L-d) (the
** chance a rollout from it ends right) and a derailed one with 0. */
START_TEST(prm_values)
{
    const double p = 0.5;
    const unsigned L = 5;
    fixture f;
    binary_query_init(&f, p, L);
    cs_pcg32 r;
    cs_pcg32_seed(&r, 1, 1);
    cs_stepper st;
    cs_stepper_init(&st, &f.q, &r);
    for (unsigned d = 0; d <= L; d++)
        ck_assert_double_eq_tol(st.value[d], pow(p, (double)(L - d) / L), 1e-15);
    cs_node root, a, b;
    cs_step_root(&st, &root);
    size_t seen[2] = {0, 0};
    for (int i = 0; i < 2000; i++) {
        a = root;
        for (unsigned d = 1; d <= L; d++) {
            cs_step_child(&st, &a, &b);
            double want = b.state == CS_ON_TRACK ? pow(p, (double)(L - d) / L) : 0;
            ck_assert_double_eq_tol(b.score, want, 1e-15);
            ck_assert(b.agg == b.score); /* agg = last */
            seen[b.state == CS_ON_TRACK]++;
            a = b;
        }
    }
    ck_assert(seen[0] > 0 && seen[1] > 0);
}
END_TEST

/* Gaussian PRM noise sigma, a step's error inheriting rho of its parent's: e_d = rho e_{d-1} +
** sqrt(1 - rho^2) sigma Z_d with e_0 = 0 at the root, so a first step's error has variance
** (1 - rho^2) sigma^2, a second's (1 - rho^4) sigma^2 and their covariance rho times the first's
** variance. Sample variances within 4 s.e. (v sqrt(2 / n)), the covariance within 4 s.e.
** (sqrt((vx vy + cov^2) / n) for jointly normal errors), over 20000 pairs. */
START_TEST(prm_noise)
{
    const double sigma = 0.4, rho = 0.6;
    fixture f;
    binary_query_init(&f, 0.9, 4);
    f.set.prm_noise = sigma;
    f.set.rho = rho;
    cs_pcg32 r;
    cs_pcg32_seed(&r, 3, 3);
    cs_stepper st;
    cs_stepper_init(&st, &f.q, &r);
    cs_node root, a, b;
    cs_step_root(&st, &root);
    double sx = 0, sy = 0, sxx = 0, syy = 0, sxy = 0, n = 0;
    while (n < NCHAIN) {
        cs_step_child(&st, &root, &a);
        cs_step_child(&st, &a, &b);
        if (a.state != CS_ON_TRACK || b.state != CS_ON_TRACK)
            continue;
        double x = a.score - st.value[1], y = b.score - st.value[2];
        ck_assert_double_eq_tol(x, a.err, 1e-6); /* err is a float */
        sx += x, sy += y, sxx += x * x, syy += y * y, sxy += x * y, n++;
    }
    double vx = (sxx - sx * sx / n) / (n - 1), vy = (syy - sy * sy / n) / (n - 1);
    double cxy = (sxy - sx * sy / n) / (n - 1);
    double wx = (1 - rho * rho) * sigma * sigma, wy = (1 - pow(rho, 4)) * sigma * sigma;
    double wc = rho * wx;
    ck_assert_msg(fabs(vx - wx) < 4 * wx * sqrt(2 / n), "var %.5f vs %.5f", vx, wx);
    ck_assert_msg(fabs(vy - wy) < 4 * wy * sqrt(2 / n), "var %.5f vs %.5f", vy, wy);
    ck_assert_msg(fabs(cxy - wc) < 4 * sqrt((wx * wy + wc * wc) / n), "cov %.5f vs %.5f", cxy, wc);
}
END_TEST

static cs_node final_node(uint32_t answer, double agg)
{
    cs_node n = {.answer = answer, .depth = 4, .state = answer ? CS_DERAILED : CS_ON_TRACK,
                 .err = 0, .score = agg, .agg = agg};
    return n;
}

/* Final selection by hand: answers (0, 1, 1, 2, 0) with aggregated scores. Majority ties 0 and 1
** at two votes each: 1/2. Weighted (PRM scores clipped to [0, 1]) sums 0: 0.9 + 0.2 = 1.1, 1:
** 0.7 + 0.6 = 1.3, 2: 1 (a score of 1.5 clipped): 1 wins, 0. Best takes the highest agg, 1.5, a
** wrong answer: 0. The oracle: a right chain is there: 1. */
START_TEST(select_rules)
{
    fixture f;
    binary_query_init(&f, 0.5, 4);
    cs_node fin[5] = {final_node(0, 0.9), final_node(1, 0.7), final_node(1, 0.6),
                      final_node(2, 1.5), final_node(0, 0.2)};
    double work[CS_SELECT_WORK(5)];
    ck_assert_double_eq(cs_steps_select_score(&f.q, fin, 5, CS_SELECT_MAJORITY, work), 0.5);
    ck_assert_double_eq(cs_steps_select_score(&f.q, fin, 5, CS_SELECT_WEIGHTED, work), 0);
    ck_assert_double_eq(cs_steps_select_score(&f.q, fin, 5, CS_SELECT_BEST, work), 0);
    ck_assert_double_eq(cs_steps_select_score(&f.q, fin, 5, CS_SELECT_ORACLE, work), 1);
    /* the weighted winner once 0's second score rises to 0.5: 0.9 + 0.5 = 1.4 > 1.3 */
    fin[4].agg = 0.5;
    ck_assert_double_eq(cs_steps_select_score(&f.q, fin, 5, CS_SELECT_WEIGHTED, work), 1);
    /* no right chain: every rule scores 0; a three-way tie with the right one in it: 1/3 */
    cs_node wrong[2] = {final_node(1, 0.9), final_node(2, 0.8)};
    for (int rule = 0; rule < 4; rule++)
        ck_assert_double_eq(cs_steps_select_score(&f.q, wrong, 2, rule, work), 0);
    cs_node three[3] = {final_node(2, 0.1), final_node(0, 0.1), final_node(1, 0.1)};
    ck_assert_double_eq_tol(cs_steps_select_score(&f.q, three, 3, CS_SELECT_MAJORITY, work), 1.0 / 3,
                            1e-15);
    ck_assert_double_eq_tol(cs_steps_select_score(&f.q, three, 3, CS_SELECT_WEIGHTED, work), 1.0 / 3,
                            1e-15);
}
END_TEST

/* The order the rankings must give, by insertion sort: largest first, equal keys in index order. */
static void reference_rank(const double *key, size_t n, size_t *want)
{
    for (size_t i = 0; i < n; i++) {
        size_t j = i;
        while (j > 0 && key[want[j - 1]] < key[i]) {
            want[j] = want[j - 1];
            j--;
        }
        want[j] = i;
    }
}

/* cs_steps_rank_desc against insertion sort (stable: equal keys in index order), on keys with many ties;
** cs_steps_rank_top's k are the first k of that order. */
START_TEST(ranking)
{
    enum { N = 37 };
    double key[N];
    size_t idx[N], tmp[N], want[N], top[N];
    double kept[3 * N];
    cs_pcg32 r;
    cs_pcg32_seed(&r, 9, 9);
    /* the first 25 trials with the AVX2 ranking where the processor has it, the rest without */
    for (int trial = 0; trial < 50; trial++) {
        cs_steps_vector(trial < 25);
        size_t n = 1 + cs_pcg32_next(&r) % N;
        for (size_t i = 0; i < n; i++)
            key[i] = (double)(cs_pcg32_next(&r) % 6); /* six values: ties everywhere */
        reference_rank(key, n, want);
        cs_steps_rank_desc(key, n, idx, tmp);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_eq(idx[i], want[i]);
        for (size_t k = 1; k <= n; k++) {
            cs_steps_rank_top(key, n, k, top, tmp, kept);
            for (size_t i = 0; i < k; i++)
                ck_assert_msg(top[i] == want[i], "n=%zu k=%zu i=%zu", n, k, i);
        }
    }
    cs_steps_vector(1); /* as the other tests expect, when Check runs them in one process */
}
END_TEST

/* The networks by the 0-1 principle (a comparator network that sorts every input of zeros and
** ones sorts every input): all 2^16 of them come out descending, with as many ones, from the
** portable network and from the one the ranking uses (AVX2's bitonic network, where the
** processor has it). */
START_TEST(sort16_zero_one)
{
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__ILP32__)
    /* the ranking takes AVX2 exactly where the processor has it */
    ck_assert_int_eq(cs_steps_vector(1), __builtin_cpu_supports("avx2") != 0);
#endif
    for (unsigned bits = 0; bits < 2u << 16; bits++) {
        double v[16];
        unsigned ones = 0;
        for (unsigned i = 0; i < 16; i++) {
            v[i] = (double)((bits >> i) & 1);
            ones += (bits >> i) & 1;
        }
        if (bits >> 16)
            cs_steps_sort16_fast(v);
        else
            cs_steps_sort16(v);
        unsigned wrong = 16; /* the first place out of order (16: none); one assertion an input
                             ** would be a million messages to Check's parent */
        for (unsigned i = 16; i-- > 0;)
            if (v[i] != (i < ones ? 1.0 : 0.0))
                wrong = i;
        if (wrong < 16)
            ck_abort_msg("input %#x (%s), place %u", bits & 0xffff, bits >> 16 ? "fast" : "portable",
                         wrong);
    }
}
END_TEST

/* The rankings against insertion sort on keys that are mostly distinct (where the networks rank),
** with a few ties, infinities, signed zeros, keys a few units in the last place apart and
** subnormals among them (where another way must), for sizes across several runs of 16, past 128
** (REBASE's radix sort), and every k. */
START_TEST(ranking_distinct)
{
    enum { N = 140 };
    double key[N], kept[3 * N], work[2 * N];
    size_t idx[N], tmp[N], want[N], top[N], children[N];
    cs_pcg32 r;
    cs_pcg32_seed(&r, 11, 3);
    /* six trials by AVX2's network where the processor has it (cs_steps_vector), six by the
    ** portable one, and so on: each sees ties, both infinities and signed zeros */
    for (int trial = 0; trial < 600; trial++) {
        cs_steps_vector((trial / 6) % 2 == 0);
        size_t n = 1 + cs_pcg32_next(&r) % N;
        for (size_t i = 0; i < n; i++)
            key[i] = cs_pcg32_uniform(&r) - 0.5;
        if (trial % 3 == 1) { /* a tie, an infinity, a signed zero */
            key[cs_pcg32_next(&r) % n] = key[cs_pcg32_next(&r) % n];
            key[cs_pcg32_next(&r) % n] = trial % 2 ? INFINITY : -INFINITY;
            key[cs_pcg32_next(&r) % n] = -0.0;
            key[cs_pcg32_next(&r) % n] = 0.0;
        }
        if (trial % 3 == 2 && trial % 4 != 0) {
            /* keys a few units in the last place apart, whose order REBASE's AVX2 ranking
            ** cannot see in the bits it keeps, and now and then a subnormal */
            size_t a = cs_pcg32_next(&r) % n;
            double x = key[cs_pcg32_next(&r) % n];
            for (unsigned u = cs_pcg32_next(&r) % 40; u > 0; u--)
                x = nextafter(x, trial % 2 ? INFINITY : -INFINITY);
            key[a] = x;
            if (trial % 5 == 0)
                key[cs_pcg32_next(&r) % n] = trial % 2 ? 1e-310 : -1e-310;
        }
        if (trial % 7 == 3 && n >= 2) { /* -0 then +0 and no tie: equal keys, in index order */
            size_t a = cs_pcg32_next(&r) % (n - 1);
            key[a] = -0.0;
            key[a + 1 + cs_pcg32_next(&r) % (n - 1 - a)] = 0.0;
        }
        reference_rank(key, n, want);
        cs_steps_rank_desc(key, n, idx, tmp);
        for (size_t i = 0; i < n; i++)
            ck_assert_uint_eq(idx[i], want[i]);
        for (size_t k = 1; k <= n; k = k < 18 ? k + 1 : k < n / 2 ? n / 2 : k < n - 1 ? n - 1 : n + 1) {
            /* every k the network takes (up to 16) and some past it */
            cs_steps_rank_top(key, n, k, top, tmp, kept);
            for (size_t i = 0; i < k; i++)
                if (top[i] != want[i])
                    ck_abort_msg("trial %d n=%zu k=%zu i=%zu", trial, n, k, i);
        }
        /* REBASE's order (finite keys), by its own sort */
        int finite = 1;
        for (size_t i = 0; i < n; i++)
            finite &= isfinite(key[i]) != 0;
        if (finite) {
            cs_steps_rebase_allocate(key, n, n, 0.3, children, idx, work);
            for (size_t i = 0; i < n; i++)
                ck_assert_msg(idx[i] == want[i], "rebase trial %d n=%zu i=%zu", trial, n, i);
        }
    }
    cs_steps_vector(1);
}
END_TEST

/* REBASE's allocation against its definition, computed here: in descending order of score,
** node i gets ceil(B_i w_i / sum_{j>=i} w_j) children (at most B_i, the last node all that is
** left), w = exp(score / T); the total is always the budget. */
START_TEST(rebase_allocation)
{
    const double score[5] = {0.2, 0.9, 0.5, 0.9, -0.3}, T = 0.4;
    const size_t order[5] = {1, 3, 2, 0, 4};
    size_t children[5], ord[5];
    double tmp[10];
    for (size_t budget = 1; budget <= 40; budget++) {
        cs_steps_rebase_allocate(score, 5, budget, T, children, ord, tmp);
        size_t left = budget, total = 0;
        for (size_t i = 0; i < 5; i++) {
            double rest = 0;
            for (size_t j = i; j < 5; j++)
                rest += exp(score[order[j]] / T);
            size_t want = (size_t)ceil((double)left * exp(score[order[i]] / T) / rest - 1e-9);
            if (i == 4 || want > left)
                want = left;
            ck_assert_msg(children[order[i]] == want, "budget %zu node %zu: %zu vs %zu", budget,
                          order[i], children[order[i]], want);
            left -= want;
            total += children[order[i]];
        }
        ck_assert_uint_eq(total, budget);
    }
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("steps");
    TCase *tc = tcase_create("steps");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, step_chances_as_counts);
    tcase_add_test(tc, chain_success);
    tcase_add_test(tc, chain_recovery);
    tcase_add_test(tc, rollout_by_steps);
    tcase_add_test(tc, rollout_at_once);
    tcase_add_test(tc, prm_values);
    tcase_add_test(tc, prm_noise);
    tcase_add_test(tc, select_rules);
    tcase_add_test(tc, ranking);
    tcase_add_test(tc, sort16_zero_one);
    tcase_add_test(tc, ranking_distinct);
    tcase_add_test(tc, rebase_allocation);
    suite_add_tcase(s, tc);
    return s;
}
