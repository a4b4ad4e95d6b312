/*
** revise: sequential revisions (Snell et al. 2024). N answers as C parallel chains of about N/C
** answers each; each revision fixes a wrong answer or breaks a right one ([revise]), and `select`
** picks one answer among all N.
*/
#include <math.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include "callscale/strategy.h"

/* Previous answers a revision reads in its prompt (Snell et al. 2024 keep the last four). */
#define REVISE_CONTEXT 4

enum { SELECT_VERIFIER, SELECT_BEST, SELECT_WEIGHTED, SELECT_MAJORITY, SELECT_LAST, SELECT_ORACLE };

static const cs_param revise_params[] = {
    {"chains", "ratio", 1, 1e9, 1, "ratio", 0,
     "C parallel chains of N/C answers each (the first N mod C one longer); 'ratio': C from ratio"},
    {"ratio", "1", 1e-9, 1e9, 0, NULL, 0,
     "sequential:parallel ratio r = chain length / chains: C = round(sqrt(N / r)), in [1, N]"},
    {"select", "verifier", CS_WORDS_ONLY, 0, "verifier|best|weighted|majority|last|oracle", 0,
     "verifier: each chain's best-scored answer, then a weighted vote across chains; best: the "
     "best-scored of all N; weighted: weighted vote over all N; majority: plurality over all N; "
     "last: each chain's last answer, weighted vote across chains; oracle: RISE's oracle stop, "
     "right if any answer is, the chains stopping at the round of the first right one"},
};

/* Chains at budget N. */
static size_t n_chains(const cs_strategy *s, size_t N)
{
    double c = cs_param_word(s->value[0]) == 0 ? floor(sqrt((double)N / s->value[1]) + 0.5)
                                               : s->value[0];
    return c < 1 ? 1 : c > (double)N ? N : (size_t)c;
}

/* One chain's randomness and its current answer. A novel answer (open answer space) is a new
** answer that only this chain holds: it repeats only while the chain sticks to it, so its
** occurrences form one run, and `run` counts runs. */
typedef struct chain {
    cs_pcg32 r;
    const cs_query *q;
    const double *base; /* per answer of q: the mean of its verifier scores (separation + bias) */
    double fix0, fix, decay, brk, stick; /* fix: the chance at the next revision */
    long ans;
    double run_bias; /* the verifier's bias of the current novel answer */
    unsigned long run;
} chain;

static double gaussian(cs_pcg32 *r, double sd)
{
    if (sd <= 0)
        return 0;
    gsl_rng g = {cs_rng_pcg32, r}; /* GSL's ziggurat drawing straight from the chain's stream */
    return gsl_ran_gaussian_ziggurat(&g, sd);
}

/* A wrong answer from pi's wrong part, as a fresh wrong attempt would give. */
static void wrong_answer(chain *c)
{
    const cs_query *q = c->q;
    double u = q->p + (1 - q->p) * cs_pcg32_uniform(&c->r);
    size_t j = 1;
    while (j + 1 < q->nans && u >= q->cum[j])
        j++;
    c->ans = (long)j;
    if (c->ans == q->novel) {
        c->run++;
        c->run_bias = q->prm ? 0 : gaussian(&c->r, q->set->answer_noise);
    }
}

/* One revision of the chain's answer: right stays right unless it breaks; wrong turns right with
** chance fix, else sticks to the same wrong answer or becomes a fresh wrong one. */
static void revise_once(chain *c)
{
    double u = cs_pcg32_uniform(&c->r);
    double fix = c->fix;
    c->fix *= c->decay; /* (times 1: the same double) */
    if (c->ans == 0) {
        if (u < c->brk)
            wrong_answer(c);
    } else if (u < fix) {
        c->ans = 0;
    } else if (c->stick < 1 && cs_pcg32_uniform(&c->r) >= c->stick) {
        wrong_answer(c);
    }
}

/* The score of the chain's current answer: the reward model's separation [right] + the answer's
** bias + sample noise; in a stepped experiment the PRM's final value (1 right, 0 wrong) + noise,
** as it scores a finished chain — exactly, for a rollout PRM, whose label of a finished chain is
** its outcome. */
static double score_now(chain *c)
{
    const cs_settings *set = c->q->set;
    if (c->q->prm)
        return (c->ans == 0 ? 1.0 : 0.0) +
               (set->prm_rollouts > 0 ? 0 : gaussian(&c->r, set->prm_noise));
    double b = c->ans == c->q->novel ? c->run_bias : c->base[c->ans];
    return b + gaussian(&c->r, set->sample_noise);
}

/* Running totals of one vote over answers (counts or weights; a PRM weight may be 0, so an
** answer's presence is kept apart from its total), with novel answers apart: each novel run is an
** answer of its own. */
typedef struct poll {
    double *sum;         /* per answer of q */
    uint32_t *seen;      /* per answer of q: has a vote */
    double novel_top;    /* largest total of a novel answer, -inf when none */
    unsigned novel_ntop; /* novel answers holding it */
} poll;

static void poll_reset(poll *v, cs_scratch *scratch, size_t nans)
{
    v->sum = scratch->sum;
    v->seen = scratch->count;
    memset(v->sum, 0, nans * sizeof *v->sum);
    memset(v->seen, 0, nans * sizeof *v->seen);
    v->novel_top = -INFINITY;
    v->novel_ntop = 0;
}

static void poll_add(poll *v, long ans, double w)
{
    v->sum[ans] += w;
    v->seen[ans] = 1;
}

static void poll_novel(poll *v, double total)
{
    if (total > v->novel_top) {
        v->novel_top = total;
        v->novel_ntop = 1;
    } else if (total == v->novel_top) {
        v->novel_ntop++;
    }
}

/* The score of the correct answer: 1/t when it is among the t answers holding the top total. */
static double poll_score(const poll *v, const cs_query *q)
{
    double top = v->novel_top;
    unsigned ntop = v->novel_ntop;
    for (size_t a = 0; a < q->nans; a++) {
        if ((long)a == q->novel || !v->seen[a])
            continue;
        if (v->sum[a] > top) {
            top = v->sum[a];
            ntop = 1;
        } else if (v->sum[a] == top) {
            ntop++;
        }
    }
    return v->seen[0] && v->sum[0] == top ? 1.0 / ntop : 0.0;
}

/* A chain's pick (verifier, last) enters the vote across chains with its weight; a novel pick is
** an answer of its own. */
static void poll_pick(poll *v, const cs_query *q, long ans, double score)
{
    double w = cs_query_weight(q, score);
    if (ans == q->novel)
        poll_novel(v, w);
    else
        poll_add(v, ans, w);
}

/* RISE's oracle stop (Qu et al. 2024): the chains revise in lockstep rounds, and an oracle that
** sees every answer ends the query at the first round holding a right one. The query is right iff
** some chain reaches the right answer within its length (the coverage of its N answers), and it
** pays for the rounds up to that one: chain k spends min(L_k, t*) calls, t* the first round with a
** right answer. A chain draws what it would under any other rule from the same stream (scores
** included), walked only as far as it can matter. */
static void oracle_run(const cs_strategy_ctx *ctx, chain *c, uint64_t base, const uint16_t *first)
{
    const cs_strategy *s = ctx->s;
    const cs_query *q = ctx->q;
    const cs_settings *set = q->set;
    cs_record *rec = ctx->rec;
    for (size_t i = 0; i < ctx->nb; i++) {
        size_t N = ctx->budgets[i], C = n_chains(s, N), len = N / C, extra = N % C;
        size_t stop = len + (extra ? 1 : 0) + 1; /* t*: past every chain while none is right */
        for (size_t k = 0; k < C; k++) {
            size_t L = len + (k < extra ? 1 : 0);
            cs_pcg32_seed(&c->r, base, k);
            c->fix = c->fix0;
            c->ans = first[k];
            c->run = c->ans == q->novel ? 1 : 0;
            c->run_bias = c->ans == q->novel && !q->prm ? gaussian(&c->r, set->answer_noise) : 0;
            /* answer t + 1 of the chain; a right one after t* or past L changes nothing */
            for (size_t t = 0; t < L && t + 1 < stop; t++) {
                if (t > 0) {
                    revise_once(c);
                    (void)score_now(c); /* its draws keep the path of the other rules */
                }
                if (c->ans == 0) {
                    stop = t + 1;
                    break;
                }
            }
        }
        int right = stop <= len + (extra ? 1 : 0);
        ctx->score[i] = right;
        size_t rounds = right ? stop : len + (extra ? 1 : 0);
        size_t full = rounds < len ? rounds : len;
        cs_record_rounds(&rec[i], CS_CALL_GENERATE, (double)full, (double)C, q->sample_tokens,
                         set->gen_params);
        if (rounds > len)
            cs_record_round(&rec[i], CS_CALL_GENERATE, (double)extra, q->sample_tokens,
                            set->gen_params);
    }
}

static void revise_run(const cs_strategy_ctx *ctx)
{
    const cs_strategy *s = ctx->s;
    const cs_query *q = ctx->q;
    const cs_settings *set = q->set;
    cs_samples *smp = ctx->smp;
    const size_t *budgets = ctx->budgets;
    size_t nb = ctx->nb;
    double *score = ctx->score;
    cs_record *rec = ctx->rec;
    size_t cmax = 0;
    for (size_t i = 0; i < nb; i++) {
        size_t c = n_chains(s, budgets[i]);
        cmax = c > cmax ? c : cmax;
    }
    /* The chains' first answers are the query's shared samples (common random numbers: with one
    ** answer per chain, select = verifier is weighted_vote and majority is vote). */
    const double *sc = cs_samples_scores(smp, cmax);
    const uint16_t *first = cs_samples_answers(smp, cmax);
    int rule = cs_param_word(s->value[2]);
    /* Chain c draws from its own stream, the same at every budget, so a longer chain continues a
    ** shorter one and curves share their samples. */
    uint64_t base = (uint64_t)cs_pcg32_next(ctx->rng) << 32;
    base |= cs_pcg32_next(ctx->rng);
    chain c;
    c.q = q;
    c.base = smp->base;
    c.fix0 = set->fix * pow(q->p, set->fix_power);
    c.decay = set->fix_decay;
    c.brk = set->rev_break;
    c.stick = set->stick;
    poll v;
    if (rule == SELECT_ORACLE) {
        oracle_run(ctx, &c, base, first);
        return;
    }
    for (size_t i = 0; i < nb; i++) {
        size_t N = budgets[i], C = n_chains(s, N), len = N / C, extra = N % C;
        poll_reset(&v, ctx->scratch, q->nans);
        double gbest = -INFINITY;
        int gright = 0;
        for (size_t k = 0; k < C; k++) {
            size_t L = len + (k < extra ? 1 : 0);
            cs_pcg32_seed(&c.r, base, k);
            c.fix = c.fix0;
            c.ans = first[k];
            c.run = c.ans == q->novel ? 1 : 0;
            /* the shared score holds the bias of a novel first answer; if the chain sticks to it,
            ** later scores draw a bias of their own */
            c.run_bias = c.ans == q->novel && !q->prm ? gaussian(&c.r, set->answer_noise) : 0;
            double now = sc[k], best = now, run_total = 0;
            long pick = c.ans;
            unsigned long run = 0; /* the novel run run_total belongs to (0: none) */
            for (size_t t = 0;; t++) {
                /* fold answer t (c.ans, its score now) into the vote */
                if (rule == SELECT_MAJORITY || rule == SELECT_WEIGHTED) {
                    double w = rule == SELECT_MAJORITY ? 1.0 : cs_query_weight(q, now);
                    if (c.ans != q->novel) {
                        poll_add(&v, c.ans, w);
                    } else {
                        if (run != c.run) { /* a new novel answer: the previous one is complete */
                            if (run)
                                poll_novel(&v, run_total);
                            run_total = 0;
                            run = c.run;
                        }
                        run_total += w;
                    }
                } else if ((rule == SELECT_VERIFIER || rule == SELECT_BEST) && now > best) {
                    best = now;
                    pick = c.ans;
                }
                if (t + 1 == L)
                    break;
                revise_once(&c);
                now = score_now(&c);
            }
            if ((rule == SELECT_MAJORITY || rule == SELECT_WEIGHTED) && run)
                poll_novel(&v, run_total);
            else if (rule == SELECT_VERIFIER)
                poll_pick(&v, q, pick, best);
            else if (rule == SELECT_LAST)
                poll_pick(&v, q, c.ans, now);
            else if (best > gbest) {
                gbest = best;
                gright = pick == 0;
            }
        }
        score[i] = rule == SELECT_BEST ? gright : poll_score(&v, q);
        /* C chains side by side: revision j of each reads the answers before it (Snell et al.
        ** keep up to REVISE_CONTEXT in the prompt) */
        for (size_t j = 0; rec[i].log && j < len; j++)
            cs_record_log(&rec[i], CS_CALL_GENERATE, (double)C,
                          (double)(j < REVISE_CONTEXT ? j : REVISE_CONTEXT) * q->sample_tokens,
                          q->sample_tokens, set->gen_params);
        cs_round_log *log = cs_record_detach(&rec[i]);
        cs_record_rounds(&rec[i], CS_CALL_GENERATE, (double)len, (double)C, q->sample_tokens,
                         set->gen_params);
        rec[i].log = log;
        if (extra)
            cs_record_call(&rec[i], CS_CALL_GENERATE, (double)extra,
                           (double)(len < REVISE_CONTEXT ? len : REVISE_CONTEXT) * q->sample_tokens,
                           q->sample_tokens, set->gen_params);
        if (rule == SELECT_VERIFIER || rule == SELECT_BEST || rule == SELECT_WEIGHTED)
            cs_record_read(&rec[i], CS_CALL_SCORE, (double)N, q->sample_tokens, q->score_params);
        else if (rule == SELECT_LAST)
            cs_record_read(&rec[i], CS_CALL_SCORE, (double)C, q->sample_tokens, q->score_params);
    }
}

const cs_strategy_type cs_strategy_revise = {
    .name = "revise",
    .unit = "answers (C chains of N/C revisions; each revision one call)",
    .help = "sequential revision chains: a revision fixes a wrong answer or breaks a right one",
    .source = "Snell et al. 2024",
    .uses = "[generator], [verifier], [revise]",
    .params = revise_params,
    .nparams = sizeof revise_params / sizeof revise_params[0],
    .run = revise_run,
};
