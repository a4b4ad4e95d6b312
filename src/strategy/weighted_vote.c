/*
** weighted_vote: N samples scored by the reward model; each answer's scores, mapped into (0,1),
** are summed and the answer with the largest sum wins (Snell's "best-of-N weighted"; Wu et al.).
*/
#include <math.h>
#include <string.h>
#include "callscale/strategy.h"

static void weighted_vote_run(const cs_strategy_ctx *ctx)
{
    const cs_query *q = ctx->q;
    const size_t *budgets = ctx->budgets;
    size_t nb = ctx->nb;
    size_t kmax = budgets[nb - 1];
    const double *sc = cs_samples_scores(ctx->smp, kmax);
    const uint16_t *ans = cs_samples_answers(ctx->smp, kmax);
    double *sum = ctx->scratch->sum;
    uint32_t *seen = ctx->scratch->count;
    memset(sum, 0, q->nans * sizeof *sum);
    memset(seen, 0, q->nans * sizeof *seen);
    /* Sums only grow, so the leaders change only by the answer just added: it leads alone, joins
    ** the answers tied for the lead, or neither. Logistic weights are continuous and ties have
    ** probability zero, but a PRM's weights clip to [0,1] (a stepped experiment), so sums can tie
    ** exactly, and a tie among t answers including the correct one scores 1/t. A novel answer is
    ** its own answer with a single weight. */
    double lead = -1;
    size_t ntop = 0;
    int right = 0;
    size_t k = 0;
    for (size_t i = 0; i < nb; i++) {
        for (; k < budgets[i]; k++) {
            long a = ans[k];
            double v = cs_query_weight(q, sc[k]), before = -1;
            if (a != q->novel) {
                if (seen[a])
                    before = sum[a];
                seen[a] = 1;
                v = sum[a] += v;
            }
            if (v > lead) {
                lead = v;
                ntop = 1;
                right = a == 0;
            } else if (v == lead && before < lead) {
                ntop++; /* a new answer at the lead (one already there stays one) */
                right |= a == 0;
            }
        }
        ctx->score[i] = right ? 1.0 / (double)ntop : 0.0;
    }
}

const cs_strategy_type cs_strategy_weighted_vote = {
    .name = "weighted_vote",
    .unit = "samples (N generations + N reward-model scores)",
    .help = "sum each answer's reward-model weights (scores mapped into [0,1]); the largest sum wins",
    .source = "Snell et al. 2024; Wu et al. 2024",
    .uses = "[generator], [verifier]",
    .run = weighted_vote_run,
    .record = cs_record_scored,
};
