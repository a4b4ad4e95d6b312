/*
** knockout: N candidates in a single-elimination tournament, each pair compared K times by a judge
** that prefers the right one of a right/wrong pair with probability p_comp (Chen et al. 2024b).
*/
#include <math.h>
#include <gsl/gsl_randist.h>
#include "callscale/strategy.h"
#include "exact.h"

static const cs_param knockout_params[] = {
    {"comparisons", "1", 1, 1001, 1, NULL, 0, "K: judge calls per pair; the majority of K wins (a tie: a coin)"},
    {"p_comp", "0.7", 0, 1, 0, NULL, 0, "chance that one comparison prefers the right answer of a right/wrong pair"},
};

/* Chance that the right answer of a right/wrong pair wins the match: more than K/2 of K
** comparisons, or a coin toss at exactly K/2. */
static double match_win(double K, double pc)
{
    unsigned k = (unsigned)K;
    double win = 0;
    for (unsigned j = 0; j <= k; j++) {
        double pr = gsl_ran_binomial_pdf(j, pc, k);
        if (2 * j > k)
            win += pr;
        else if (2 * j == k)
            win += 0.5 * pr;
    }
    return win;
}

/* The bracket: the first ceil(n/2) candidates play off, so do the rest, and their winners meet
** in the final. With n not a power of two some candidates get byes; there are always n - 1
** matches in ceil(log2 n) rounds. Only whether an answer is right matters: two wrong answers (or
** two equal ones) leave a wrong (or the same) answer whoever wins. */
static int bracket(const uint16_t *ans, size_t n, double q, cs_pcg32 *rng)
{
    if (n == 1)
        return ans[0] == 0;
    size_t h = (n + 1) / 2;
    int a = bracket(ans, h, q, rng), b = bracket(ans + h, n - h, q, rng);
    if (a == b)
        return a;
    return cs_pcg32_uniform(rng) < q;
}

static unsigned rounds_of(size_t n)
{
    unsigned r = 0;
    while (((size_t)1 << r) < n)
        r++;
    return r;
}

/* The matches of a bracket of n by the round they can be played in: a match waits for both of
** its sides, so its round is one more than the later side's (byes finish early). Returns the
** bracket's rounds. */
static unsigned bracket_rounds(size_t n, size_t *matches)
{
    if (n <= 1)
        return 0;
    size_t h = (n + 1) / 2;
    unsigned a = bracket_rounds(h, matches), b = bracket_rounds(n - h, matches);
    unsigned r = (a > b ? a : b) + 1u;
    matches[r - 1]++;
    return r;
}

/* N generations, then N - 1 matches of K comparisons each (a comparison reads two answers), one
** round of the bracket after another */
static void knockout_record(const cs_strategy *s, const cs_settings *set, double tokens,
                            double score_params, size_t N, cs_record *rec)
{
    (void)score_params;
    cs_record_round(rec, CS_CALL_GENERATE, (double)N, tokens, set->gen_params);
    if (N > 1) {
        if (rec->log) {
            size_t matches[8 * sizeof(size_t)] = {0};
            unsigned nr = bracket_rounds(N, matches);
            for (unsigned r = 0; r < nr; r++)
                cs_record_log(rec, CS_CALL_COMPARE, (double)matches[r] * s->value[0], 2 * tokens,
                              set->judge_tokens, set->judge_params);
        }
        cs_round_log *log = cs_record_detach(rec);
        cs_record_round(rec, CS_CALL_COMPARE, (double)(N - 1) * s->value[0], set->judge_tokens,
                        set->judge_params);
        rec->log = log;
        rec->rounds += rounds_of(N) - 1u;
    }
}

static void knockout_run(const cs_strategy_ctx *ctx)
{
    const size_t *budgets = ctx->budgets;
    size_t nb = ctx->nb;
    const uint16_t *ans = cs_samples_answers(ctx->smp, budgets[nb - 1]);
    double q_win = match_win(ctx->s->value[0], ctx->s->value[1]);
    for (size_t i = 0; i < nb; i++)
        ctx->score[i] = bracket(ans, budgets[i], q_win, ctx->rng) ? 1.0 : 0.0;
}

/* Candidates are right independently with probability p, so a bracket of n is won by a right
** answer with f(n) = g(f(ceil(n/2)), f(floor(n/2))), g(a, b) = ab + (a(1-b) + b(1-a)) q. The
** halves of n and n + 1 are both in {floor(n/2), floor(n/2) + 1}, so (f(n), f(n+1)) follows
** from (f(m), f(m+1)) with m = floor(n/2): log2 n steps. */
static double g(double a, double b, double q)
{
    return a * b + (a * (1 - b) + b * (1 - a)) * q;
}

static void pair(size_t n, double p, double q, double *fn, double *fn1)
{
    if (n == 1) {
        *fn = p;
        *fn1 = g(p, p, q);
        return;
    }
    double a, b; /* f(m), f(m+1) */
    size_t m = n / 2;
    pair(m, p, q, &a, &b);
    if (n % 2 == 0) {
        *fn = g(a, a, q);
        *fn1 = g(b, a, q);
    } else {
        *fn = g(b, a, q);
        *fn1 = g(b, b, q);
    }
}

static double knockout_exact(const cs_exact_ctx *ctx, double p, size_t K)
{
    const cs_strategy *s = ctx->strategy;
    double fn, fn1;
    pair(K, p, match_win(s->value[0], s->value[1]), &fn, &fn1);
    return fn;
}

const cs_strategy_type cs_strategy_knockout = {
    .name = "knockout",
    .unit = "candidates (N generations + (N-1) K comparisons)",
    .help = "single-elimination tournament; each pair compared K times by a judge",
    .source = "Chen et al. 2024b",
    .uses = "[generator], [judge] (tokens, params of a comparison)",
    .params = knockout_params,
    .nparams = sizeof knockout_params / sizeof knockout_params[0],
    .run = knockout_run,
    .exact = knockout_exact,
    .record = knockout_record,
};
