/*
** beam: PRM-guided beam search (Snell et al. 2024; search-and-learn). N first steps; at each depth
** keep the N/M best prefixes and expand each with M proposals; with lookahead k, a prefix is ranked
** by the PRM's score after k more steps rolled out (and thrown away). N chains finish; `select`
** picks the answer.
*/
#include "tree.h"

static const cs_param beam_params[] = {
    {"beam_width", "4", 1, 4096, 1, "sqrt", 0, "M: proposals per kept prefix; 'sqrt' for sqrt(N)"},
    {"lookahead", "0", 0, 64, 1, NULL, 0, "k: steps rolled out to score a prefix (cost N (k+1) steps per depth)"},
    SELECT_PARAM,
};

static size_t beam_work(const cs_strategy *s, size_t kmax)
{
    (void)s;
    return 2 * tree_size(kmax, sizeof(cs_node)) + tree_size(kmax, sizeof(double)) +
           2 * tree_size(kmax, sizeof(size_t)) + tree_size(2 * kmax, sizeof(double));
}

static void beam_run(const cs_strategy *s, const cs_query *q, cs_samples *smp, cs_pcg32 *rng,
                     cs_scratch *scratch, const size_t *budgets, size_t nb, double *score,
                     cs_record *rec)
{
    (void)smp;
    size_t kmax = budgets[nb - 1];
    char *cur = scratch->work;
    cs_node *a = tree_take(&cur, kmax, sizeof *a), *b = tree_take(&cur, kmax, sizeof *b);
    double *key = tree_take(&cur, kmax, sizeof *key);
    size_t *idx = tree_take(&cur, kmax, sizeof *idx), *tmp = tree_take(&cur, kmax, sizeof *tmp);
    double *work = tree_take(&cur, 2 * kmax, sizeof *work);
    unsigned k = (unsigned)s->value[1], L = q->L;
    cs_stepper st;
    cs_stepper_init(&st, q, rng);
    for (size_t i = 0; i < nb; i++) {
        size_t N = budgets[i], M = tree_width(s->value[0], N), keep = N / M;
        cs_node root;
        cs_step_root(&st, &root);
        for (size_t j = 0; j < N; j++)
            cs_step_child(&st, &root, &a[j]);
        cs_step_record(q, &rec[i], (double)N, (double)N, 1);
        for (unsigned d = 1; d < L; d++) {
            unsigned ahead = k < L - d ? k : L - d;
            for (size_t j = 0; j < N; j++) {
                if (ahead) {
                    cs_node end;
                    cs_step_rollout(&st, &a[j], d + ahead, &end);
                    key[j] = end.agg;
                } else {
                    key[j] = a[j].agg;
                }
            }
            if (ahead)
                cs_step_record(q, &rec[i], (double)(N * ahead), (double)N, d + ahead);
            cs_rank_desc(key, N, idx, tmp);
            /* the kept prefixes share the N proposals: M each, the best ones one more when M
            ** does not divide N */
            size_t n = 0;
            for (size_t r = 0; r < keep; r++) {
                size_t kids = M + (r < N - keep * M ? 1 : 0);
                for (size_t c = 0; c < kids; c++)
                    cs_step_child(&st, &a[idx[r]], &b[n++]);
            }
            cs_step_record(q, &rec[i], (double)N, (double)N, d + 1);
            cs_node *t = a;
            a = b;
            b = t;
        }
        score[i] = cs_select_score(q, a, N, tree_select(s), work);
    }
}

const cs_strategy_type cs_strategy_beam = {
    .name = "beam",
    .unit = "beams (N chains finish)",
    .help = "PRM beam search: keep N/M prefixes, M proposals each; optional lookahead",
    .source = "Snell et al. 2024; HF search-and-learn",
    .uses = "[generator], [steps], [prm]",
    .params = beam_params,
    .nparams = sizeof beam_params / sizeof beam_params[0],
    .run = beam_run,
    .needs_steps = 1,
    .draws = CS_DRAWS_NONE,
    .work_size = beam_work,
};
