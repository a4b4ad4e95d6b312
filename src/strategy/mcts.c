/*
** mcts: Monte Carlo tree search with UCT over steps (the baseline of Wu et al. 2024). Each of the N
** iterations selects down the tree by UCT to a leaf, expands it with `expand` candidate next steps
** (all scored by the PRM), rolls out from the best of them to the end, and backs the PRM's score of
** the finished chain up the path; the N rolled-out chains are the candidates.
*/
#include "tree.h"

static const cs_param mcts_params[] = {
    {"c", "1", 0, 100, 0, NULL, 0, "UCT exploration constant"},
    {"expand", "4", 1, 64, 1, NULL, 0, "candidate next steps generated when a leaf is expanded"},
    SELECT_PARAM,
};

typedef struct mnode {
    cs_node n;
    double value; /* sum of backed-up rewards */
    double mean;  /* value / visits, kept at each backup (selection reads it far more often) */
    uint32_t visits;
    int32_t child, sibling; /* first child, next sibling; -1 none */
    uint32_t nchild;
} mnode;

static size_t mcts_work(const cs_strategy *s, size_t kmax)
{
    return tree_size(kmax * (size_t)s->value[1] + 1, sizeof(mnode)) + tree_size(kmax, sizeof(cs_node)) +
           tree_size(CS_SELECT_WORK(kmax), sizeof(double)) + tree_size(65, sizeof(int32_t)) +
           tree_size(kmax + 1, sizeof(double));
}

static void mcts_run(const cs_strategy_ctx *ctx)
{
    const cs_strategy *s = ctx->s;
    const cs_query *q = ctx->q;
    const size_t *budgets = ctx->budgets;
    size_t nb = ctx->nb;
    cs_record *rec = ctx->rec;
    size_t kmax = budgets[nb - 1];
    char *cur = ctx->scratch->work;
    mnode *tree = tree_take(&cur, kmax * (size_t)s->value[1] + 1, sizeof *tree);
    cs_node *finals = tree_take(&cur, kmax, sizeof *finals);
    double *work = tree_take(&cur, CS_SELECT_WORK(kmax), sizeof *work);
    int32_t *path = tree_take(&cur, 65, sizeof *path);
    double *lnv = tree_take(&cur, kmax + 1, sizeof *lnv); /* log(visits), once per query */
    for (size_t v = 0; v <= kmax; v++)
        lnv[v] = log((double)v);
    double c = s->value[0];
    size_t expand = (size_t)s->value[1];
    unsigned L = q->L;
    double tok = q->set->gen_tokens;
    cs_stepper st;
    cs_stepper_init(&st, q, ctx->rng);
    for (size_t i = 0; i < nb; i++) {
        size_t N = budgets[i], used = 1;
        double steps = 0, scores = 0;
        cs_step_root(&st, &tree[0].n);
        tree[0].value = tree[0].mean = 0;
        tree[0].visits = 0;
        tree[0].child = tree[0].sibling = -1;
        tree[0].nchild = 0;
        for (size_t it = 0; it < N; it++) {
            int32_t at = 0;
            size_t len = 0;
            path[len++] = 0;
            while (tree[at].n.depth < L) {
                mnode *m = &tree[at];
                if (m->nchild == 0) {
                    /* expand the leaf: all its candidate steps at once, and go on from the one
                    ** the PRM likes best */
                    int32_t best = -1;
                    for (size_t e = 0; e < expand; e++) {
                        int32_t k = (int32_t)used++;
                        cs_step_child(&st, &m->n, &tree[k].n);
                        tree[k].value = tree[k].mean = 0;
                        tree[k].visits = 0;
                        tree[k].child = -1;
                        tree[k].nchild = 0;
                        tree[k].sibling = m->child;
                        m->child = k;
                        m->nchild++;
                        if (best < 0 || tree[k].n.agg > tree[best].n.agg)
                            best = k;
                    }
                    steps += (double)expand;
                    scores += (double)expand;
                    cs_record_log(&rec[i], CS_CALL_GENERATE, (double)expand, m->n.depth * tok,
                                  tok, q->set->gen_params);
                    cs_record_log(&rec[i], CS_CALL_SCORE, (double)expand, L * tok, 0,
                                  q->set->prm_params);
                    at = best;
                    path[len++] = at;
                    break;
                }
                int32_t best = -1;
                double bu = -INFINITY, lnv_m = lnv[m->visits];
                for (int32_t k = m->child; k >= 0; k = tree[k].sibling) {
                    double u = tree[k].visits ? tree[k].mean + c * sqrt(lnv_m / tree[k].visits)
                                              : INFINITY;
                    if (u > bu) {
                        bu = u;
                        best = k;
                    }
                }
                at = best;
                path[len++] = at;
            }
            cs_step_rollout(&st, &tree[at].n, L, &finals[it]);
            steps += L - tree[at].n.depth;
            scores += 1;
            /* the rollout's steps follow one another, then the PRM scores the finished chain */
            for (unsigned d = tree[at].n.depth; rec[i].log && d < L; d++)
                cs_record_log(&rec[i], CS_CALL_GENERATE, 1, d * tok, tok, q->set->gen_params);
            cs_record_log(&rec[i], CS_CALL_SCORE, 1, L * tok, 0, q->set->prm_params);
            double reward = finals[it].agg;
            for (size_t j = 0; j < len; j++) {
                mnode *p = &tree[path[j]];
                p->visits++;
                p->value += reward;
                p->mean = p->value / p->visits;
            }
        }
        /* N iterations one after another: each an expansion scored by the PRM, a rollout and a
        ** PRM call, logged above as they happened; the totals as one sum */
        cs_round_log *log = cs_record_detach(&rec[i]);
        cs_step_record(q, &rec[i], steps, scores, L);
        rec[i].log = log;
        rec[i].rounds += (unsigned)(2 * N - 2);
        ctx->score[i] = cs_steps_select_score(q, finals, N, tree_select(s), work);
    }
}

const cs_strategy_type cs_strategy_mcts = {
    .name = "mcts",
    .unit = "iterations (N rolled-out chains)",
    .help = "UCT tree search over steps: select, expand, roll out, back up the PRM score",
    .source = "Wu et al. 2024 (baseline)",
    .uses = "[generator], [steps], [prm]",
    .params = mcts_params,
    .nparams = sizeof mcts_params / sizeof mcts_params[0],
    .run = mcts_run,
    .needs_steps = 1,
    .draws = CS_DRAWS_NONE,
    .work_size = mcts_work,
};
