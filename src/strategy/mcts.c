/*
** mcts: Monte Carlo tree search with UCT over steps (the baseline of Wu et al. 2024). Each of the N
** iterations selects down the tree by UCT to a leaf, expands it with `expand` candidate next steps
** (all scored by the PRM), rolls out from the best of them to the end, and backs the PRM's score of
** the finished chain up the path; the N rolled-out chains are the candidates. Nothing in an
** iteration depends on N, so one search serves every budget: budget N's candidates are its first
** N iterations' chains (prefix sharing, as the answer-level strategies share their samples).
*/
#include "tree.h"

static const cs_param mcts_params[] = {
    {"c", "1", 0, 100, 0, NULL, 0, "UCT exploration constant"},
    {"expand", "4", 1, 64, 1, NULL, 0, "candidate next steps generated when a leaf is expanded"},
    SELECT_PARAM,
};

/* A node's statistics, beside its cs_node in a parallel array: a node's children are made
** together, so they are contiguous, and drawn in one call. */
typedef struct mstat {
    double value; /* sum of backed-up rewards */
    double mean;  /* value / visits, kept at each backup (selection reads it far more often);
                  ** infinite before the first, so that its UCT, mean + explore[V] 0, is too */
    uint32_t visits;
    int32_t child; /* the first child; -1 none */
    uint32_t nchild;
} mstat;

static const mstat unvisited = {.mean = INFINITY, .child = -1};

static size_t mcts_work(const cs_strategy *s, size_t kmax)
{
    size_t nodes = kmax * (size_t)s->value[1] + 1;
    return tree_size(nodes, sizeof(cs_node)) + tree_size(nodes, sizeof(mstat)) +
           tree_size(kmax, sizeof(cs_node)) + tree_size(CS_SELECT_WORK(kmax), sizeof(double)) +
           tree_size(65, sizeof(int32_t)) + 2 * tree_size(kmax + 1, sizeof(double));
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
    size_t nodes = kmax * (size_t)s->value[1] + 1;
    cs_node *node = tree_take(&cur, nodes, sizeof *node);
    mstat *stat = tree_take(&cur, nodes, sizeof *stat);
    cs_node *finals = tree_take(&cur, kmax, sizeof *finals);
    double *work = tree_take(&cur, CS_SELECT_WORK(kmax), sizeof *work);
    int32_t *path = tree_take(&cur, 65, sizeof *path);
    /* UCT's mean + c sqrt(ln V / v) as mean + (c sqrt(ln V)) (1 / sqrt(v)): a parent's part
    ** once per level, a child's from a table (visits are at most N). The tables depend on c and
    ** the budgets alone: made once per thread while this setting runs query after query. */
    double *explore = tree_take(&cur, kmax + 1, sizeof *explore);
    double *inv_sqrt = tree_take(&cur, kmax + 1, sizeof *inv_sqrt);
    double c = s->value[0];
    if (ctx->scratch->last != s) {
        for (size_t v = 1; v <= kmax; v++) {
            explore[v] = c * sqrt(log((double)v));
            inv_sqrt[v] = 1 / sqrt((double)v);
        }
        explore[0] = inv_sqrt[0] = 0; /* an unvisited child's UCT is its mean, infinite */
    }
    size_t expand = (size_t)s->value[1];
    unsigned L = q->L;
    double tok = q->set->gen_tokens;
    cs_stepper st;
    cs_stepper_init(&st, q, ctx->rng);
    /* the iterations of the largest budget, one search; at each budget's count its candidates
    ** are scored, and its calls are those made so far (each logged to every budget it is in) */
    double steps = 0, scores = 0;
    size_t used = 1;
    cs_step_root(&st, &node[0]);
    stat[0] = unvisited;
    for (size_t it = 0, i = 0; it < kmax; it++) {
        int32_t at = 0;
        size_t len = 0;
        path[len++] = 0;
        while (node[at].depth < L) {
            mstat *m = &stat[at];
            if (m->nchild == 0) {
                /* expand the leaf: all its candidate steps at once, and go on from the one
                ** the PRM likes best (the first of the best) */
                int32_t first = (int32_t)used, best = first;
                used += expand;
                cs_step_children(&st, &node[at], expand, &node[first]);
                double top = node[first].agg;
                for (int32_t k = first; k < first + (int32_t)expand; k++) {
                    stat[k] = unvisited;
                    best = node[k].agg > top ? k : best; /* selects: which is a coin flip */
                    top = node[k].agg > top ? node[k].agg : top;
                }
                m->child = first;
                m->nchild = (uint32_t)expand;
                steps += (double)expand;
                scores += (double)expand;
                for (size_t j = i; rec[i].log && j < nb; j++) {
                    cs_record_log(&rec[j], CS_CALL_GENERATE, (double)expand, node[at].depth * tok,
                                  tok, q->set->gen_params);
                    cs_record_log(&rec[j], CS_CALL_SCORE, (double)expand, L * tok, 0,
                                  q->set->prm_params);
                }
                at = best;
                path[len++] = at;
                break;
            }
            /* the child of largest UCT (an unvisited one: infinite), the last made among
            ** equals */
            int32_t best = -1;
            double bu = -INFINITY, w = explore[m->visits];
            for (int32_t k = m->child + (int32_t)m->nchild - 1; k >= m->child; k--) {
                double u = stat[k].mean + w * inv_sqrt[stat[k].visits];
                best = u > bu ? k : best;
                bu = u > bu ? u : bu;
            }
            at = best;
            path[len++] = at;
        }
        cs_step_rollout(&st, &node[at], L, &finals[it]);
        steps += L - node[at].depth;
        scores += 1;
        /* the rollout's steps follow one another, then the PRM scores the finished chain */
        for (size_t j = i; rec[i].log && j < nb; j++) {
            for (unsigned d = node[at].depth; d < L; d++)
                cs_record_log(&rec[j], CS_CALL_GENERATE, 1, d * tok, tok, q->set->gen_params);
            cs_record_log(&rec[j], CS_CALL_SCORE, 1, L * tok, 0, q->set->prm_params);
        }
        double reward = finals[it].agg;
        for (size_t j = 0; j < len; j++) {
            mstat *p = &stat[path[j]];
            p->visits++;
            p->value += reward;
            p->mean = p->value / p->visits;
        }
        if (it + 1 == budgets[i]) {
            /* N iterations one after another: each an expansion scored by the PRM, a rollout
            ** and a PRM call, logged above as they happened; the totals as one sum */
            size_t N = budgets[i];
            cs_round_log *log = cs_record_detach(&rec[i]);
            cs_step_record(q, &rec[i], steps, scores, L);
            rec[i].log = log;
            rec[i].rounds += (unsigned)(2 * N - 2);
            ctx->score[i] = cs_steps_select_score(q, finals, N, tree_select(s), work);
            i++;
        }
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
