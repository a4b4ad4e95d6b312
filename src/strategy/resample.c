/*
** resample: draw until the judge accepts, at most N draws; with none accepted, the last draw is
** the answer. An imperfect judge caps accuracy at p tpr / (p tpr + (1-p) fpr) (Stroebl et al. 2024).
*/
#include <math.h>
#include "callscale/strategy.h"
#include "exact.h"

static void resample_run(const cs_strategy_ctx *ctx)
{
    const cs_query *q = ctx->q;
    const size_t *budgets = ctx->budgets;
    size_t nb = ctx->nb;
    cs_record *rec = ctx->rec;
    size_t kmax = budgets[nb - 1], accepted = kmax, k = 0, have = 0;
    const uint16_t *ans = NULL;
    while (accepted == kmax && have < kmax) {
        size_t want = have ? 2 * have : 64;
        have = want < kmax ? want : kmax;
        ans = cs_samples_answers(ctx->smp, have);
        for (; k < have; k++)
            if (cs_pcg32_uniform(ctx->rng) < (ans[k] == 0 ? q->set->tpr : q->set->fpr)) {
                accepted = k;
                break;
            }
    }
    for (size_t i = 0; i < nb; i++) {
        size_t n = budgets[i], pick = accepted < n ? accepted : n - 1;
        ctx->score[i] = ans[pick] == 0 ? 1.0 : 0.0;
        /* each draw is a generation and then a judge call (reading the answer), one after the
        ** other: logged in that order, the totals as one product each */
        for (size_t d = 0; rec[i].log && d <= pick; d++) {
            cs_record_log(&rec[i], CS_CALL_GENERATE, 1, 0, q->sample_tokens, q->set->gen_params);
            cs_record_log(&rec[i], CS_CALL_JUDGE, 1, q->sample_tokens, q->set->judge_tokens,
                          q->set->judge_params);
        }
        cs_round_log *log = cs_record_detach(&rec[i]);
        cs_record_rounds(&rec[i], CS_CALL_GENERATE, (double)(pick + 1), 1, q->sample_tokens,
                         q->set->gen_params);
        cs_record_rounds(&rec[i], CS_CALL_JUDGE, (double)(pick + 1), 1, q->set->judge_tokens,
                         q->set->judge_params);
        rec[i].log = log;
    }
}

/* A draw is accepted with probability A = p tpr + (1-p) fpr, and accepted and right with p tpr.
** Accuracy = p tpr (1 - (1-A)^K) / A + (1-A)^(K-1) p (1 - tpr): accepted at some draw, or never
** accepted in the first K-1 and the K-th draw, rejected, is right. */
static double resample_exact(const cs_exact_ctx *ctx, double p, size_t K)
{
    double t = ctx->comp->set.tpr, f = ctx->comp->set.fpr, A = p * t + (1 - p) * f;
    if (A <= 0)
        return p;
    double none = A < 1 ? exp((double)K * log1p(-A)) : 0;
    double none1 = K == 1 ? 1 : A < 1 ? exp((double)(K - 1) * log1p(-A)) : 0;
    return p * t * (1 - none) / A + none1 * p * (1 - t);
}

/* Expected draws: E[min(G, K)] for G geometric with success A, i.e. (1 - (1-A)^K) / A. */
static void resample_cost(const cs_exact_ctx *ctx, double p, size_t K, cs_record *rec)
{
    const cs_settings *set = &ctx->comp->set;
    double A = p * set->tpr + (1 - p) * set->fpr;
    double draws = A > 0 ? -expm1((double)K * log1p(-A)) / A : (double)K;
    cs_record_round(rec, CS_CALL_GENERATE, draws, set->gen_tokens, set->gen_params);
    cs_record_round(rec, CS_CALL_JUDGE, draws, set->judge_tokens, set->judge_params);
}

const cs_strategy_type cs_strategy_resample = {
    .name = "resample",
    .unit = "samples (at most N draws)",
    .help = "draw until the judge accepts, at most N draws; if none is accepted, the last draw",
    .source = "Stroebl et al. 2024",
    .uses = "[generator], [judge]",
    .run = resample_run,
    .exact = resample_exact,
    .cost = resample_cost,
};
