/*
** The step model: step outcomes, PRM scores (value plus noise, or Math-Shepherd rollout labels)
** and traps, rollouts, final selection, REBASE's allocation.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#ifdef __SSE2__
#include <emmintrin.h>
#endif
#if defined(__GNUC__) && defined(__x86_64__) && !defined(__ILP32__)
/* an AVX2 ranking beside the portable one, chosen as the program runs (not on x32, where a size_t
** is not a 64-bit lane) */
#define STEPS_AVX2 1
#include <immintrin.h>
#endif
#include "callscale/steps.h"

/* The number of 32-bit x whose uniform, (x + 0.5) 2^-32 (exact in a double, as is y 2^32 for
** y <= 1), is below y: x + 0.5 < y 2^32 holds for the whole numbers x below ceil(y 2^32 - 0.5).
** None for y <= 0 (or NaN, which no uniform is below), all 2^32 for y >= 1. */
static uint64_t below(double y)
{
    if (!(y > 0))
        return 0;
    if (y >= 1)
        return (uint64_t)1 << 32;
    double c = ceil(y * 4294967296.0 - 0.5);
    return c > 0 ? (uint64_t)c : 0;
}

void cs_stepper_init(cs_stepper *st, const cs_query *q, cs_pcg32 *rng)
{
    st->q = q;
    st->rng = rng;
    cs_rng_wrap(&st->gsl, rng);
    st->next_novel = CS_NOVEL_BASE;
    st->inherit = q->set->rho;
    st->fresh = sqrt(1 - st->inherit * st->inherit);
    /* Difficulty-dependent trap exposure: with k > 0 a query meets traps at trap * p^k per step,
    ** so the PRM's blind spots hurt the easy questions (where a search explores confident,
    ** over-rated steps) more than the hard ones. k = 0 keeps trap itself, to the bit. */
    double k = q->set->trap_power;
    st->trap = k > 0 ? q->set->trap * pow(q->p, k) : q->set->trap;
    for (unsigned d = 0; d <= q->L && d <= CS_MAX_STEPS; d++)
        st->value[d] = pow(q->s, (double)(q->L - d));
    double a = (1 - st->trap) * q->s, sum = 0; /* a: the chance a step stays on track */
    st->stay[0] = st->untrapped[0] = st->carry[0] = 1;
    st->spread[0] = 0;
    for (unsigned n = 1; n <= q->L && n <= CS_MAX_STEPS; n++) {
        st->stay[n] = st->stay[n - 1] * a;
        st->untrapped[n] = st->untrapped[n - 1] * (1 - st->trap);
        sum += st->carry[n - 1] * st->carry[n - 1]; /* rho^0 + rho^2 + ... + rho^2(n-1) */
        st->carry[n] = st->carry[n - 1] * st->inherit;
        st->spread[n] = st->fresh * sqrt(sum);
    }
    double leave = st->trap + (1 - st->trap) * (1 - q->s); /* 1 - a, without its cancellation */
    st->trap_share = leave > 0 ? st->trap / leave : 0;
    st->trap_below = below(st->trap);
    st->stay_below = below(q->s);
    st->recover_below = below(q->set->recover);
    st->recovers = q->set->recover > 0;
}

static double gaussian(cs_stepper *st, double sd)
{
    if (sd <= 0)
        return 0;
    return gsl_ran_gaussian_ziggurat(&st->gsl, sd); /* GSL's ziggurat drawing from our stream */
}

/* The chance that a rollout of the n = L - d steps left from an on-track (or derailed) prefix at
** depth d ends right, by the step model's two states: a step keeps on track with probability s and
** a derailed prefix recovers with probability r, so with lambda = s - r and the stationary share
** pi = r / (1 - s + r) it is pi + (1 - pi) lambda^n from on track and pi (1 - lambda^n) from
** derailed: s^n and 0 when r = 0, the value the Gaussian model centres on. With r > 0 a derailed prefix's rollouts can end
** right, as Math-Shepherd's completer sometimes reaches the answer from a wrong step. */
static double rollout_value(const cs_stepper *st, int on_track, unsigned d)
{
    double s = st->q->s, r = st->q->set->recover;
    if (!(r > 0))
        return on_track ? st->value[d] : 0;
    double lambda = s - r, pi = r / (1 - s + r), ln = pow(lambda, (double)(st->q->L - d));
    return on_track ? pi + (1 - pi) * ln : pi * (1 - ln);
}

/* Math-Shepherd's label of a prefix from which a rollout ends right with probability v: of k
** rollouts, the fraction that end right (soft) or whether any does (hard). The count is one
** binomial draw; v = 0 (derailed) and v = 1 (a finished on-track chain) draw nothing. */
static double rollout_label(cs_stepper *st, double v, unsigned k, int estimate)
{
    unsigned right;
    if (v <= 0)
        right = 0;
    else if (v >= 1)
        right = k;
    else {
        right = gsl_ran_binomial(&st->gsl, v, k);
    }
    if (estimate == CS_ESTIMATE_HARD)
        return right > 0 ? 1.0 : 0.0;
    return (double)right / (double)k;
}

/* A wrong answer from pi's wrong part, as a derailed chain or a trap ends in one. */
static uint32_t wrong_answer(cs_stepper *st)
{
    const cs_query *q = st->q;
    if (q->nans < 2)
        return 1;
    double u = q->p + (1 - q->p) * cs_pcg32_uniform(st->rng);
    /* the first wrong answer j >= 1 with u < cum[j], the last one if none: a binary search, as an
    ** open space has dozens of atoms (cum never decreases). The answer is in [lo, lo + n); each
    ** round keeps the half it must be in (or a range holding it) by a select, not a branch: which
    ** half is a coin flip a branch predictor loses. */
    size_t lo = 1, n = q->nans - 1;
    while (n > 1) {
        size_t half = n / 2;
        lo = u >= q->cum[lo + half - 1] ? lo + half : lo;
        n -= half;
    }
    return (long)lo == q->novel ? st->next_novel++ : (uint32_t)lo;
}

static double aggregate(int agg, double so_far, double score, unsigned depth)
{
    switch (agg) {
    case CS_AGG_MIN: return depth == 1 || score < so_far ? score : so_far;
    case CS_AGG_PROD: return (depth == 1 ? 1 : so_far) * (score > 0 ? (score < 1 ? score : 1) : 0);
    case CS_AGG_MEAN: return depth == 1 ? score : so_far + (score - so_far) / depth;
    default: return score;
    }
}

void cs_step_root(const cs_stepper *st, cs_node *root)
{
    (void)st;
    root->answer = 0;
    root->depth = 0;
    root->state = CS_ON_TRACK;
    root->err = 0;
    root->score = 0;
    root->agg = 0;
}

/* Math-Shepherd's label instead of Gaussian noise: its error on the honest value it estimates (a
** trap's rollouts are scored as the best honest step's: the trap is the trained PRM's blind spot,
** not the labels') is the fresh part of the inherited error. Out of the step's loop: the rare
** model. */
static void label_child(cs_stepper *st, const cs_node *parent, cs_node *child, double value)
{
    const cs_settings *set = st->q->set;
    double honest = rollout_value(st, child->state != CS_DERAILED, child->depth);
    double label = rollout_label(st, honest, (unsigned)set->prm_rollouts,
                                 cs_param_word(set->prm_estimate));
    double e = st->inherit * parent->err + st->fresh * (label - honest);
    child->err = (float)e;
    /* with rho = 0 the score is the label itself, to the bit */
    double lift = child->state == CS_TRAP ? set->trap_score : 0;
    child->score = st->inherit > 0 ? value + e : label + lift;
}

/* A step's outcome, from a prefix in *state with *answer: a trap stays one; else a trap with
** its chance, or on track it derails with 1 - s, or derailed it recovers with [steps] recover. */
static inline __attribute__((always_inline)) void outcome(cs_stepper *st, uint8_t *state,
                                                       uint32_t *answer)
{
    if (*state == CS_TRAP)
        return; /* a trap's children stay traps and share its answer */
    if (cs_pcg32_next(st->rng) < st->trap_below) {
        *state = CS_TRAP;
        *answer = wrong_answer(st);
    } else if (*state == CS_ON_TRACK) {
        if (cs_pcg32_next(st->rng) >= st->stay_below) {
            *state = CS_DERAILED;
            *answer = wrong_answer(st);
        }
    } else if (st->recovers && cs_pcg32_next(st->rng) < st->recover_below) {
        *state = CS_ON_TRACK;
        *answer = 0;
    }
}

/* The PRM's value of a prefix at depth d: Math-Shepherd's chance of ending right (s^(L-d) on
** track, 0 derailed), above the best honest value for a trap. Its score adds an error that
** children inherit with correlation rho. */
static inline double prm_value(const cs_stepper *st, uint8_t state, unsigned d)
{
    double best = st->value[d];
    return state == CS_ON_TRACK ? best : state == CS_TRAP ? best + st->q->set->trap_score : 0;
}

/* One step after parent into to: its outcome, then the PRM's score (labels: Math-Shepherd's
** rollout labels, else value plus Gaussian noise) and the chain's aggregate. Inlined into walk's
** loops, where agg and labels are constants. */
static inline __attribute__((always_inline)) void step(cs_stepper *st, const cs_node *parent,
                                                    cs_node *to, int agg, int labels)
{
    unsigned d = parent->depth + 1u;
    uint8_t state = parent->state;
    uint32_t answer = parent->answer;
    outcome(st, &state, &answer);
    to->depth = (uint8_t)d;
    to->answer = answer;
    to->state = state;
    double value = prm_value(st, state, d);
    if (labels) {
        label_child(st, parent, to, value);
    } else {
        double z = gaussian(st, st->q->set->prm_noise);
        to->err = (float)(st->inherit * parent->err + st->fresh * z);
        to->score = value + to->err;
    }
    to->agg = aggregate(agg, parent->agg, to->score, d);
}

/* Whether a chain's steps before its last are never read: the common PRM (Gaussian noise, the
** last score), for which walk has loops of its own, a chain scores only its last step and a
** rollout draws its steps at once. (prm_rollouts is k, or for the Gaussian PRM a word: below 0.) */
static int last_score_only(const cs_settings *set)
{
    return !(set->prm_rollouts > 0) && cs_param_word(set->agg) == CS_AGG_LAST;
}

/* n steps: each after parent into child[c], or (chain) each after the one before, in a pair of
** nodes taken in turn. The step is written once and inlined into each loop (a call per step, with
** its saved registers, was a sixth of a step's instructions); the common PRM (Gaussian noise, the
** last score) has a loop of its own, with no test per step of agg or the model. A chain under
** that PRM never comes here: cs_step_chain keeps it in registers. */
/* n steps after parent into child[0..n) under the common PRM: walk's loop of its own, and
** cs_step_frontier's and cs_step_greedy's, inlined in each. */
static inline __attribute__((always_inline)) void children_last(cs_stepper *st,
                                                              const cs_node *parent, size_t n,
                                                              cs_node *child)
{
    for (size_t i = 0; i < n; i++)
        step(st, parent, &child[i], CS_AGG_LAST, 0);
}

static void walk(cs_stepper *st, const cs_node *parent, size_t n, cs_node *child, int chain)
{
    const cs_settings *set = st->q->set;
    if (!last_score_only(set)) {
        int agg = cs_param_word(set->agg), labels = set->prm_rollouts > 0;
        for (size_t i = 0; i < n; i++) {
            cs_node *to = &child[chain ? i & 1 : i];
            step(st, parent, to, agg, labels);
            if (chain)
                parent = to;
        }
    } else {
        children_last(st, parent, n, child);
    }
}

void cs_step_children(cs_stepper *st, const cs_node *parent, size_t n, cs_node *child)
{
    walk(st, parent, n, child, 0);
}

void cs_step_frontier(cs_stepper *st, const cs_node *parent, const size_t *order,
                      const size_t *kids, size_t n, cs_node *child)
{
    if (!last_score_only(st->q->set)) {
        for (size_t j = 0, m = 0; j < n && m < n; j++) {
            walk(st, &parent[order[j]], kids[order[j]], &child[m], 0);
            m += kids[order[j]];
        }
        return;
    }
    for (size_t j = 0, m = 0; j < n && m < n; j++) { /* no call per parent */
        children_last(st, &parent[order[j]], kids[order[j]], &child[m]);
        m += kids[order[j]];
    }
}

void cs_step_child(cs_stepper *st, const cs_node *parent, cs_node *child)
{
    walk(st, parent, 1, child, 0);
}

void cs_step_greedy(cs_stepper *st, size_t w, cs_node *prop, cs_node *out)
{
    unsigned L = st->q->L;
    int last = last_score_only(st->q->set);
    cs_node root;
    cs_step_root(st, &root);
    const cs_node *kept = &root;
    for (unsigned d = 1; d <= L; d++) {
        /* each depth's proposals read where they were made, two depths' in turn */
        cs_node *c = d == L ? out : prop + (d & 1) * w;
        if (last)
            children_last(st, kept, w, c);
        else
            walk(st, kept, w, c, 0);
        size_t best = 0;
        double top = c[0].agg;
        for (size_t i = 1; i < w; i++) {
            /* the first of the best, as selects rather than a branch on the scores (coin flips
            ** to a branch predictor) */
            int above = c[i].agg > top;
            best = above ? i : best;
            top = above ? c[i].agg : top;
        }
        kept = &c[best];
    }
}

/* A chain's or rollout's last node, at depth d, scored by the PRM. */
static void chain_end(const cs_stepper *st, uint8_t state, uint32_t answer, unsigned d, float err,
                      cs_node *out)
{
    out->answer = answer;
    out->depth = (uint8_t)d;
    out->state = state;
    out->err = err;
    out->score = prm_value(st, state, d) + err;
    out->agg = out->score;
}

void cs_step_chain(cs_stepper *st, const cs_node *from, unsigned depth, cs_node *out)
{
    if (from->depth >= depth) {
        *out = *from;
        return;
    }
    const cs_settings *set = st->q->set;
    if (!last_score_only(set)) {
        cs_node pair[2];
        size_t n = depth - from->depth;
        walk(st, from, n, pair, 1);
        *out = pair[(n - 1) & 1];
        return;
    }
    /* The common PRM (Gaussian noise, the last score): the chain kept in registers, and only the
    ** last step scored (with agg = last no other score is read), the same draws in the same
    ** order as walk's steps, and the same error to the bit. */
    uint8_t state = from->state;
    uint32_t answer = from->answer;
    float err = from->err;
    unsigned d = from->depth;
    double inherit = st->inherit, fresh = st->fresh, noise = set->prm_noise;
    while (d < depth) {
        d++;
        outcome(st, &state, &answer);
        err = (float)(inherit * err + fresh * gaussian(st, noise));
    }
    chain_end(st, state, answer, d, err, out);
}

/* n steps of outcome() at once, without recovery. An on-track prefix stays on track through all
** n with stay[n]; else it leaves at the first step j with u >= stay[j] (u above stay[n], j has the
** law of the first leaving step given that one comes), into a trap with trap_share (a trap's
** chance among the steps that leave, whichever step) or derailed; a derailed prefix meets a trap
** in the m steps it has left with 1 - untrapped[m]. The answer is drawn once, for the last state
** entered (each entry draws a fresh one). */
static void outcomes(cs_stepper *st, unsigned n, uint8_t *state, uint32_t *answer)
{
    if (*state == CS_TRAP)
        return;
    unsigned left = n; /* the steps a derailed prefix has to meet a trap in */
    int entered = 0;
    if (*state == CS_ON_TRACK) {
        double u = cs_pcg32_uniform(st->rng);
        if (u < st->stay[n])
            return;
        unsigned j = 1; /* 1 + the steps before n still on track at u (stay decreases) */
        for (unsigned i = 1; i < n; i++)
            j += (unsigned)(u < st->stay[i]);
        if (st->trap > 0 && cs_pcg32_uniform(st->rng) < st->trap_share) {
            *state = CS_TRAP;
            *answer = wrong_answer(st);
            return;
        }
        *state = CS_DERAILED;
        entered = 1;
        left = n - j;
    }
    if (st->trap > 0 && left > 0 && cs_pcg32_uniform(st->rng) >= st->untrapped[left]) {
        *state = CS_TRAP;
        entered = 1;
    }
    if (entered)
        *answer = wrong_answer(st);
}

void cs_step_rollout(cs_stepper *st, const cs_node *from, unsigned depth, cs_node *out)
{
    const cs_settings *set = st->q->set;
    if (from->depth >= depth || !last_score_only(set)) {
        cs_step_chain(st, from, depth, out); /* every step's score is read: step by step */
        return;
    }
    unsigned n = depth - from->depth;
    uint8_t state = from->state;
    uint32_t answer = from->answer;
    if (set->recover > 0)
        for (unsigned i = 0; i < n; i++)
            outcome(st, &state, &answer);
    else
        outcomes(st, n, &state, &answer);
    float err = (float)(st->carry[n] * from->err + st->spread[n] * gaussian(st, set->prm_noise));
    chain_end(st, state, answer, depth, err, out);
}

/* The hash table of cs_steps_select_score: slots a power of two at most 8n/3 (so that the table,
** 4 bytes a slot, a sum and an answer for each of the n finals, 12 bytes each, and one more
** answer fit in CS_SELECT_WORK(n)'s 32 n) and at least 4n/3 (at most 3/4 full). */
static size_t select_slots(size_t n)
{
    size_t slots = 2;
    while (3 * slots < 4 * n)
        slots *= 2;
    return slots;
}

/* Fibonacci hashing (Knuth's multiplier 2^32 / golden ratio): consecutive answer ids, as novel
** answers are, spread over the table. */
#define SELECT_HASH 2654435769u

double cs_steps_select_score(const cs_query *q, const cs_node *finals, size_t n, int rule, double *work)
{
    if (n == 0)
        return 0;
    if (rule == CS_SELECT_ORACLE) {
        for (size_t i = 0; i < n; i++)
            if (finals[i].answer == 0)
                return 1.0;
        return 0.0;
    }
    if (rule == CS_SELECT_BEST) {
        size_t best = 0;
        for (size_t i = 1; i < n; i++)
            if (finals[i].agg > finals[best].agg)
                best = i;
        return finals[best].answer == 0 ? 1.0 : 0.0;
    }
    /* weighted and majority: group the finals by answer, sum weights (or count), and credit the
    ** correct answer 1/t when it is among the t answers with the largest total. An absent correct
    ** answer has no total (-1, below any sum): when every weight clips to 0 it must not tie.
    ** Each answer's weights add up in the finals' order, so its sum has the same bits on every
    ** machine; which answers are the largest is then a max and a count, the same in any order.
    ** The answers seen are listed densely, their sums beside them, and a hash table's slot
    ** holds an answer's place in the list, from 1 (0: empty): the totals are then read off the
    ** d answers seen, not the table's slots, and whether an answer is new (a coin flip) is a
    ** select, not a branch; the probe's one branch is a collision's. */
    size_t slots = select_slots(n), mask = slots - 1, d = 0;
    unsigned shift = 0;
    while (((size_t)1 << shift) < slots)
        shift++;
    double *sum = work; /* sum[j - 1]: place j's */
    uint32_t *ans = (uint32_t *)(sum + n), *slot = ans + n + 1; /* ans[0]: read, never used */
    memset(slot, 0, slots * sizeof *slot);
    ans[0] = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t a = finals[i].answer;
        double w = rule == CS_SELECT_MAJORITY ? 1.0 : cs_query_weight(q, finals[i].agg);
        size_t h = (size_t)((uint32_t)(a * SELECT_HASH) >> (32 - shift)) & mask;
        while (!((slot[h] == 0) | (ans[slot[h]] == a)))
            h = (h + 1) & mask;
        size_t fresh = slot[h] == 0, j = fresh ? d + 1 : slot[h];
        sum[d] = 0.0; /* the next place's sum starts at 0 (0 + w, as a new answer's) */
        ans[j] = a;
        slot[h] = (uint32_t)j;
        sum[j - 1] += w;
        d += fresh;
    }
    double top = -1, correct = -1;
    size_t ntop = 0;
    for (size_t j = 0; j < d; j++) {
        double x = sum[j];
        correct = ans[j + 1] == 0 ? x : correct;
        ntop = x > top ? 1 : ntop + (x == top);
        top = x > top ? x : top;
    }
    return correct == top ? 1.0 / (double)ntop : 0.0;
}

void cs_step_record(const cs_query *q, cs_record *rec, double nsteps, double nscores, double depth)
{
    const cs_settings *set = q->set;
    if (nsteps > 0)
        cs_record_call(rec, CS_CALL_GENERATE, nsteps, (depth - 1) * set->gen_tokens,
                       set->gen_tokens, set->gen_params); /* a step reads its prefix */
    if (nscores > 0)
        cs_record_read(rec, CS_CALL_SCORE, nscores, depth * set->gen_tokens, set->prm_params);
}

/* Bottom-up merge sort of indices: stable, O(n log n), and no global comparison state (qsort
** would need one to see the keys, which threads cannot share). */
void cs_steps_rank_desc(const double *key, size_t n, size_t *idx, size_t *tmp)
{
    for (size_t i = 0; i < n; i++)
        idx[i] = i;
    size_t *a = idx, *b = tmp;
    for (size_t w = 1; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = key[a[j]] > key[a[i]] ? a[j++] : a[i++];
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        size_t *t = a;
        a = b;
        b = t;
    }
    if (a != idx)
        for (size_t i = 0; i < n; i++)
            idx[i] = a[i];
}

/* The top k of n keys by insertion from the end, keeping the k best so far (an equal key keeps the
** earlier index); the keys kept beside their indices spare a dependent load per comparison. */
static void top_insert(const double *key, size_t n, size_t k, size_t *idx, double *kept)
{
    size_t have = 0;
    for (size_t j = 0; j < n; j++) {
        double x = key[j];
        if (have == k && !(x > kept[k - 1]))
            continue; /* not above the last kept: an equal key keeps the earlier index */
        /* insert from the end, shifting the kept keys below x (equal keys stay ahead: stable);
        ** when all are kept the last falls off */
        size_t at = have < k ? have++ : k - 1;
        while (at > 0 && kept[at - 1] < x) {
            idx[at] = idx[at - 1];
            kept[at] = kept[at - 1];
            at--;
        }
        idx[at] = j;
        kept[at] = x;
    }
}

/* The 16 largest keys by sorting network: a network's comparisons do not depend on the keys, so
** no branch is lost to them (insertion loses about one a key), and on doubles each is a max and
** a min. Only the values are sorted; which key each is, and the order of equal keys, is found
** after (cs_steps_rank_top). Keys must not be NaN. */

/* Batcher's odd-even merge sort of 16 (63 comparators in 10 layers): pairs (i + j, i + j + k)
** for p = 1, 2, 4, 8, k = p, p/2, ..., 1, j = k mod p, k mod p + 2k, ... and i < k, where both
** fall in the same block of 2p. tests/test_steps.c checks it by the 0-1 principle: each of the
** 2^16 inputs of zeros and ones comes out sorted. */
static const uint8_t net16[63][2] = {
    {0, 1},   {2, 3},   {4, 5},   {6, 7},   {8, 9},   {10, 11}, {12, 13}, {14, 15},
    {0, 2},   {1, 3},   {4, 6},   {5, 7},   {8, 10},  {9, 11},  {12, 14}, {13, 15},
    {1, 2},   {5, 6},   {9, 10},  {13, 14}, {0, 4},   {1, 5},   {2, 6},   {3, 7},
    {8, 12},  {9, 13},  {10, 14}, {11, 15}, {2, 4},   {3, 5},   {10, 12}, {11, 13},
    {1, 2},   {3, 4},   {5, 6},   {9, 10},  {11, 12}, {13, 14}, {0, 8},   {1, 9},
    {2, 10},  {3, 11},  {4, 12},  {5, 13},  {6, 14},  {7, 15},  {4, 8},   {5, 9},
    {6, 10},  {7, 11},  {2, 4},   {3, 5},   {6, 8},   {7, 9},   {10, 12}, {11, 13},
    {1, 2},   {3, 4},   {5, 6},   {7, 8},   {9, 10},  {11, 12}, {13, 14},
};

/* x > y ? x : y and x < y ? x : y, which are SSE2's max and min exactly (a compiler may
** otherwise branch on the comparison). */
static inline double net_max(double x, double y)
{
#ifdef __SSE2__
    return _mm_cvtsd_f64(_mm_max_sd(_mm_set_sd(x), _mm_set_sd(y)));
#else
    return x > y ? x : y;
#endif
}

static inline double net_min(double x, double y)
{
#ifdef __SSE2__
    return _mm_cvtsd_f64(_mm_min_sd(_mm_set_sd(x), _mm_set_sd(y)));
#else
    return x < y ? x : y;
#endif
}

/* The larger of v[a] and v[b] into v[a], the smaller into v[b]. */
static inline __attribute__((always_inline)) void net_exchange(double *v, unsigned a, unsigned b)
{
    double x = v[a], y = v[b];
    v[a] = net_max(x, y);
    v[b] = net_min(y, x);
}

void cs_steps_sort16(double *v)
{
#pragma GCC unroll 64
    for (unsigned c = 0; c < 63; c++)
        net_exchange(v, net16[c][0], net16[c][1]);
}

/* key[from, from + 16), padded with -inf past n, sorted descending into v. */
static void net_run(const double *key, size_t from, size_t n, double *v)
{
    if (n - from >= 16) /* a whole run: copied, with no test per key */
        memcpy(v, key + from, 16 * sizeof *v);
    else
        for (unsigned i = 0; i < 16; i++)
            v[i] = from + i < n ? key[from + i] : -INFINITY;
    cs_steps_sort16(v);
}

/* The 16 largest of top and run (each sorted descending), sorted, into top: the larger of
** top[i] and run[15 - i] is the 16 largest as a bitonic sequence, which four layers of
** half-cleaners sort. */
static void net_merge(double *top, const double *run)
{
    for (unsigned i = 0; i < 16; i++)
        top[i] = net_max(top[i], run[15 - i]);
#pragma GCC unroll 64
    for (unsigned d = 8; d > 0; d /= 2)
#pragma GCC unroll 64
        for (unsigned i = 0; i < 16; i++)
            if (!(i & d))
                net_exchange(top, i, i + d);
}

/* How many of v[0..16) are above x. */
static size_t count_above16(const double *v, double x)
{
#ifdef __SSE2__
    __m128d xx = _mm_set1_pd(x);
    __m128i count = _mm_setzero_si128(); /* less a lane's all-ones for each value above */
#pragma GCC unroll 8
    for (unsigned j = 0; j < 16; j += 2)
        count = _mm_sub_epi64(count, _mm_castpd_si128(_mm_cmpgt_pd(_mm_loadu_pd(v + j), xx)));
    uint64_t lane[2]; /* stored, as a 32-bit x86 has no 64-bit lane move */
    _mm_storeu_si128((__m128i *)lane, count);
    return (size_t)(lane[0] + lane[1]);
#else
    size_t above = 0;
    for (unsigned j = 0; j < 16; j++)
        above += (size_t)(v[j] > x);
    return above;
#endif
}

/* Whether two of the k largest values, sorted, are equal. */
static inline int top_tie(const double *top, size_t k)
{
    int tie = 0;
    for (size_t j = 0; j + 1 < k; j++)
        tie |= top[j] == top[j + 1];
    return tie;
}

/* The keys from j on that reach t, their indices in kept[*m ...] while *m < k (the k + 1-th is a
** tie at t: not used, and the slot past k takes the rest); *nan counts NaN keys. */
static inline void keep_from(const double *key, size_t j, size_t n, size_t k, double t,
                             size_t *kept, size_t *m, size_t *nan)
{
    for (; j < n; j++) {
        double x = key[j];
        kept[*m < k ? *m : k] = j;
        *m += (size_t)(x >= t);
        *nan += (size_t)(x != x);
    }
}

/* The first k of cs_steps_rank_desc's order from top, the 16 largest keys sorted descending (-inf
** past n): the k-th largest value t, the keys at least t (in index order), and each one's place,
** the number of the k largest values above it. 0 when that needs the order of equal keys (a tie
** among the k largest, or at t) or a key is NaN: the caller ranks those another way. */
static int net_place(const double *top, const double *key, size_t n, size_t k, size_t *idx)
{
    size_t kept[17], m = 0, nan = 0;
    double t = top[k - 1];
    keep_from(key, 0, n, k, t, kept, &m, &nan);
    if (top_tie(top, k) || nan || m != k)
        return 0;
    for (size_t i = 0; i < k; i++) {
        double x = key[kept[i]];
        size_t above = count_above16(top, x); /* top[j] <= t <= x from j = k on */
        idx[above] = kept[i];
    }
    return 1;
}

/* The first k of cs_steps_rank_desc's order by the network, for 16 <= n and k <= 16 (net_place). */
static int net_top(const double *key, size_t n, size_t k, size_t *idx)
{
    double top[16], run[16];
    net_run(key, 0, n, top);
    for (size_t from = 16; from < n; from += 16) {
        net_run(key, from, n, run);
        net_merge(top, run);
    }
    return net_place(top, key, n, k, idx);
}

#ifdef STEPS_AVX2
/* The same ranking by AVX2, on processors that have it, four doubles to a register: 16 keys
** sorted by a bitonic network, whose comparators between registers are a max and a min of four
** lanes, and within a register a swap of lanes, the max, the min and a blend of the two. A network
** sorts the values whatever its comparators, so the ranking is the same to the bit (the values
** are placed by comparison alone, where +0 and -0, which two networks may order differently, are
** equal).
**
** GCC clears the registers' upper halves (vzeroupper) before each return of these functions,
** and none of them calls another function, before which it may not: an SSE instruction after
** them waits on dirty upper halves (a call from here to the portable placing code once made
** the whole program 1.4 times slower). */
#define AVX2 __attribute__((target("avx2,popcnt")))

/* The larger of each lane of *a and *b into *a, the smaller into *b. */
AVX2 static inline void vx(__m256d *a, __m256d *b)
{
    __m256d x = *a, y = *b;
    *a = _mm256_max_pd(x, y);
    *b = _mm256_min_pd(y, x);
}

/* A bitonic run of four, sorted descending: half-cleaners at distance 2, then 1. */
AVX2 static inline __m256d v_bitonic4(__m256d x)
{
    __m256d s = _mm256_permute2f128_pd(x, x, 0x01); /* lanes 2 3 0 1 */
    x = _mm256_blend_pd(_mm256_max_pd(x, s), _mm256_min_pd(x, s), 0xC);
    s = _mm256_permute_pd(x, 0x5); /* lanes 1 0 3 2 */
    return _mm256_blend_pd(_mm256_max_pd(x, s), _mm256_min_pd(x, s), 0xA);
}

AVX2 static inline __m256d v_reverse(__m256d x)
{
    return _mm256_permute4x64_pd(x, 0x1B); /* lanes 3 2 1 0 */
}

/* A bitonic run of 4 len doubles, r[0..len), sorted descending: half-cleaners between registers
** at distances of len/2, ..., 1 registers, then within each. */
AVX2 static inline __attribute__((always_inline)) void v_bitonic(__m256d *r, size_t len)
{
#pragma GCC unroll 8
    for (size_t d = len / 2; d > 0; d /= 2)
#pragma GCC unroll 32
        for (size_t i = 0; i < len; i++)
            if (!(i & d))
                vx(&r[i], &r[i + d]);
#pragma GCC unroll 32
    for (size_t i = 0; i < len; i++)
        r[i] = v_bitonic4(r[i]);
}

/* The sorted runs r[0..len) and r[len..2 len) (descending) merged into one: the first and the
** second reversed are bitonic, and their first half-cleaner pairs r[i] with the reverse of
** r[2 len - 1 - i]. */
AVX2 static inline __attribute__((always_inline)) void v_merge(__m256d *r, size_t len)
{
    __m256d *b = r + len;
#pragma GCC unroll 16
    for (size_t i = 0; 2 * i < len; i++) {
        size_t j = len - 1 - i;
        __m256d ai = r[i], aj = r[j], bi = v_reverse(b[i]), bj = v_reverse(b[j]);
        r[i] = _mm256_max_pd(ai, bj);
        b[i] = _mm256_min_pd(ai, bj);
        r[j] = _mm256_max_pd(aj, bi);
        b[j] = _mm256_min_pd(aj, bi);
    }
    v_bitonic(r, len);
    v_bitonic(b, len);
}

/* r[0..4) sorted descending: each of the four columns by the five comparators that sort four,
** the columns transposed into rows, pairs of rows merged, and the two eights. */
AVX2 static inline __attribute__((always_inline)) void v_sort16(__m256d *r)
{
    vx(&r[0], &r[1]);
    vx(&r[2], &r[3]);
    vx(&r[0], &r[2]);
    vx(&r[1], &r[3]);
    vx(&r[1], &r[2]);
    __m256d t0 = _mm256_unpacklo_pd(r[0], r[1]), t1 = _mm256_unpackhi_pd(r[0], r[1]);
    __m256d t2 = _mm256_unpacklo_pd(r[2], r[3]), t3 = _mm256_unpackhi_pd(r[2], r[3]);
    r[0] = _mm256_permute2f128_pd(t0, t2, 0x20);
    r[1] = _mm256_permute2f128_pd(t1, t3, 0x20);
    r[2] = _mm256_permute2f128_pd(t0, t2, 0x31);
    r[3] = _mm256_permute2f128_pd(t1, t3, 0x31);
    v_merge(r, 1);
    v_merge(r + 2, 1);
    v_merge(r, 2);
}

/* key[from, from + 16), padded with -inf past n, sorted descending into r. */
AVX2 static inline __attribute__((always_inline)) void v_run(const double *key, size_t from,
                                                           size_t n, __m256d *r)
{
    double pad[16];
    const double *v = key + from;
    if (n - from < 16) {
        for (unsigned i = 0; i < 16; i++)
            pad[i] = from + i < n ? key[from + i] : -INFINITY;
        v = pad;
    }
    for (unsigned i = 0; i < 4; i++)
        r[i] = _mm256_loadu_pd(v + 4 * i);
    v_sort16(r);
}

/* For a mask of which of four lanes hold a key kept, the lanes in order, a byte each (the rest
** 0): where net_top_avx2 writes their indices. */
static const uint32_t lanes_of[16] = {
    0x00000000, 0x00000000, 0x00000001, 0x00000100, 0x00000002, 0x00000200, 0x00000201, 0x00020100,
    0x00000003, 0x00000300, 0x00000301, 0x00030100, 0x00000302, 0x00030200, 0x00030201, 0x03020100,
};

AVX2 static int net_top_avx2(const double *key, size_t n, size_t k, size_t *idx)
{
    __m256d top[4], run[4];
    v_run(key, 0, n, top);
    for (size_t from = 16; from < n; from += 16) {
        v_run(key, from, n, run);
        /* the 16 largest of the two, as net_merge */
        for (unsigned i = 0; i < 4; i++)
            top[i] = _mm256_max_pd(top[i], v_reverse(run[3 - i]));
        v_bitonic(top, 4);
    }
    /* net_place four keys at a time: which reach t, as a mask, whose lanes' indices are written
    ** where the next kept one goes (past it, slots the next four overwrite), and each kept key's
    ** place from four comparisons of four */
    double v[16];
    for (unsigned i = 0; i < 4; i++)
        _mm256_storeu_pd(v + 4 * i, top[i]);
    double t = v[k - 1];
    const __m256d tt = _mm256_set1_pd(t);
    size_t kept[16 + 4], m = 0, j = 0, nan = 0;
    for (; j + 4 <= n; j += 4) {
        __m256d x = _mm256_loadu_pd(key + j);
        unsigned ge = (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(x, tt, _CMP_GE_OQ));
        nan |= (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(x, x, _CMP_UNORD_Q));
        __m256i at = _mm256_cvtepu8_epi64(_mm_cvtsi32_si128((int)lanes_of[ge]));
        at = _mm256_add_epi64(at, _mm256_set1_epi64x((long long)j));
        _mm256_storeu_si256((__m256i *)(kept + (m < k ? m : k)), at);
        m += (size_t)__builtin_popcount(ge);
    }
    keep_from(key, j, n, k, t, kept, &m, &nan);
    int placed = !top_tie(v, k) && !nan && m == k;
    for (size_t i = 0; placed && i < k; i++) {
        __m256d x = _mm256_set1_pd(key[kept[i]]);
        unsigned above = 0; /* top[j] <= t <= x from j = k on */
        for (unsigned r = 0; r < 4; r++)
            above |= (unsigned)_mm256_movemask_pd(_mm256_cmp_pd(top[r], x, _CMP_GT_OQ)) << (4 * r);
        idx[__builtin_popcount(above)] = kept[i];
    }
    return placed;
}

AVX2 static void sort16_avx2(double *v)
{
    __m256d r[4];
    v_run(v, 0, 16, r);
    for (unsigned i = 0; i < 4; i++)
        _mm256_storeu_pd(v + 4 * i, r[i]);
}

/* v[0..P) (P = 16, 32, 64 or 128, 32-byte aligned) sorted descending: runs of 16, then merged
** in pairs, and pairs of those. */
AVX2 static inline __attribute__((always_inline)) void sort_avx2(double *v, size_t P)
{
    __m256d r[32];
    size_t m = P / 4;
#pragma GCC unroll 32
    for (size_t i = 0; i < m; i++)
        r[i] = _mm256_load_pd(v + 4 * i);
    for (size_t b = 0; b < m; b += 4)
        v_sort16(&r[b]);
    /* each merge of a constant size, so that its loops unroll */
    for (size_t b = 0; b + 8 <= m; b += 8)
        v_merge(&r[b], 4);
    for (size_t b = 0; b + 16 <= m; b += 16)
        v_merge(&r[b], 8);
    if (m == 32)
        v_merge(r, 16);
#pragma GCC unroll 32
    for (size_t i = 0; i < m; i++)
        _mm256_store_pd(v + 4 * i, r[i]);
}

static int avx2_off; /* cs_steps_vector(0): the tests' way to the portable network */

static int use_avx2(void)
{
    return !avx2_off && __builtin_cpu_supports("avx2");
}

int cs_steps_vector(int on)
{
    avx2_off = !on;
    return use_avx2();
}

/* REBASE's ranking of n < 128 finite keys by the AVX2 network, rank_sorted's order to the index:
** each key's lowest 7 bits replaced by its index (127 less it for a positive key, whose larger
** bits are larger), so that the n are distinct and in the order rank_sorted gives the keys, equal
** keys by index; the network sorts them, and each one's index is read back from its bits. 0, for
** rank_sorted, when two keys agree in all but those bits (their order would need the bits
** replaced), or one is zero or subnormal (+0 and -0 are equal keys, their bits not), infinite or
** NaN. Four keys at a time, a scalar loop for the last few. */
AVX2 static int rank_tagged_avx2(const double *key, size_t n, double *sorted, size_t *idx)
{
    double v[128] __attribute__((aligned(32)));
    size_t P = 16, i = 0;
    while (P < n)
        P *= 2;
    const __m256i low = _mm256_set1_epi64x(127), zero = _mm256_setzero_si256();
    const __m256i expo = _mm256_set1_epi64x(0x7ff0000000000000), four = _mm256_set1_epi64x(4);
    __m256i at = _mm256_setr_epi64x(0, 1, 2, 3), flat = zero;
    uint64_t bad = 0; /* a zero, subnormal or non-finite key; then two keys alike above 7 bits */
    for (; i + 4 <= n; i += 4) {
        __m256i u = _mm256_loadu_si256((const __m256i *)(key + i));
        __m256i e = _mm256_and_si256(u, expo);
        flat = _mm256_or_si256(flat, _mm256_or_si256(_mm256_cmpeq_epi64(e, zero),
                                                     _mm256_cmpeq_epi64(e, expo)));
        __m256i neg = _mm256_cmpgt_epi64(zero, u), tag = _mm256_sub_epi64(low, at);
        tag = _mm256_blendv_epi8(tag, at, neg);
        u = _mm256_or_si256(_mm256_andnot_si256(low, u), tag);
        _mm256_store_si256((__m256i *)(v + i), u);
        at = _mm256_add_epi64(at, four);
    }
    for (; i < n; i++) {
        uint64_t u;
        memcpy(&u, &key[i], sizeof u);
        uint64_t e = u & 0x7ff0000000000000u;
        bad |= e == 0 || e == 0x7ff0000000000000u;
        u = (u & ~(uint64_t)127) | (u >> 63 ? i : 127 - i);
        memcpy(&v[i], &u, sizeof u);
    }
    int ok = !bad && _mm256_testz_si256(flat, flat);
    if (ok) {
        for (; i < P; i++)
            v[i] = -INFINITY;
        /* a constant size each, so that each network's loops unroll */
        switch (P) {
        case 16: sort_avx2(v, 16); break;
        case 32: sort_avx2(v, 32); break;
        case 64: sort_avx2(v, 64); break;
        default: sort_avx2(v, 128); break;
        }
        /* keys equal above the lowest 7 bits are neighbours once sorted */
        __m256i same = zero;
        for (i = 1; i + 4 <= n; i += 4) {
            __m256i x = _mm256_loadu_si256((const __m256i *)(v + i));
            __m256i y = _mm256_loadu_si256((const __m256i *)(v + i - 1));
            same = _mm256_or_si256(same, _mm256_cmpeq_epi64(_mm256_srli_epi64(x, 7),
                                                           _mm256_srli_epi64(y, 7)));
        }
        for (; i < n; i++) {
            uint64_t x, y;
            memcpy(&x, &v[i], sizeof x);
            memcpy(&y, &v[i - 1], sizeof y);
            bad |= x >> 7 == y >> 7;
        }
        ok = !bad && _mm256_testz_si256(same, same);
    }
    if (ok) {
        for (i = 0; i + 4 <= n; i += 4) {
            __m256i u = _mm256_load_si256((const __m256i *)(v + i)), tag = _mm256_and_si256(u, low);
            __m256i at4 = _mm256_blendv_epi8(_mm256_sub_epi64(low, tag), tag,
                                             _mm256_cmpgt_epi64(zero, u));
            _mm256_storeu_si256((__m256i *)(idx + i), at4);
            _mm256_storeu_pd(sorted + i, _mm256_i64gather_pd(key, at4, 8));
        }
        for (; i < n; i++) {
            uint64_t u;
            memcpy(&u, &v[i], sizeof u);
            idx[i] = u >> 63 ? (size_t)(u & 127) : 127 - (size_t)(u & 127);
            sorted[i] = key[idx[i]];
        }
    }
    return ok;
}
#else
int cs_steps_vector(int on)
{
    (void)on;
    return 0;
}
#endif

void cs_steps_sort16_fast(double *v)
{
#ifdef STEPS_AVX2
    if (use_avx2()) {
        sort16_avx2(v);
        return;
    }
#endif
    cs_steps_sort16(v);
}

/* the network of whichever width the processor has */
static int net_top_any(const double *key, size_t n, size_t k, size_t *idx)
{
#ifdef STEPS_AVX2
    if (use_avx2())
        return net_top_avx2(key, n, k, idx);
#endif
    return net_top(key, n, k, idx);
}

/* Order-preserving bits of a double (larger double, larger bits; -0 as +0, as they compare
** equal), and back: the keys a radix sort sorts. */
static uint64_t sort_bits(double x)
{
    x += 0.0;
    uint64_t u;
    memcpy(&u, &x, sizeof u);
    return u >> 63 ? ~u : u | 0x8000000000000000u;
}

static double sort_value(uint64_t u)
{
    u = u >> 63 ? u & 0x7fffffffffffffffu : ~u;
    double x;
    memcpy(&x, &u, sizeof x);
    return x;
}

/* After a pass of a sort that writes keys and indices from one pair of buffers into the other,
** the pair written is the one to read next. */
static void swap_pass(double **from, double **to, size_t **ifrom, size_t **ito)
{
    double *t = *from;
    *from = *to;
    *to = t;
    size_t *it = *ifrom;
    *ifrom = *ito;
    *ito = it;
}

/* Below this many keys the radix sort's histograms cost more than merging does. */
#define SORT_RADIX_MIN 128
/* Runs the merges start from: 16 keys, as count_above16 counts. */
#define SORT_RUN 16

/* key[0..n) sorted descending, with idx[] the index each came from, stable (ties by index), as
** cs_steps_rank_desc ranks: sorted[] and idx[] are its keys and order, for keys that are not NaN;
** sorted may be key itself (each key is read before its place is written). ktmp and itmp hold n
** more. Many keys go by an LSD radix sort of their bits, eight bits a pass (a
** pass whose byte all keys share is skipped); few by runs of 16, each ranked by counting (or,
** with equal keys in it, by insertion), merged without a branch on the keys (a merge's
** comparisons are coin flips a branch predictor loses, and so are insertion's). */
static void rank_sorted(const double *key, size_t n, double *sorted, size_t *idx, double *ktmp,
                        size_t *itmp)
{
    if (n >= SORT_RADIX_MIN) {
        uint32_t count[8][256];
        memset(count, 0, sizeof count);
        double *from = ktmp, *to = sorted; /* holding bits, through memcpy */
        size_t *ifrom = itmp, *ito = idx;
        for (size_t i = 0; i < n; i++) {
            uint64_t u = ~sort_bits(key[i]); /* ascending bits: descending values */
            memcpy(&from[i], &u, sizeof u);
            ifrom[i] = i;
            for (unsigned b = 0; b < 8; b++)
                count[b][(u >> (8 * b)) & 255]++;
        }
        for (unsigned b = 0; b < 8; b++) {
            uint64_t u;
            memcpy(&u, &from[0], sizeof u);
            if (count[b][(u >> (8 * b)) & 255] == n)
                continue;
            uint32_t at = 0;
            for (unsigned d = 0; d < 256; d++) {
                uint32_t c = count[b][d];
                count[b][d] = at;
                at += c;
            }
            for (size_t i = 0; i < n; i++) {
                memcpy(&u, &from[i], sizeof u);
                uint32_t k = count[b][(u >> (8 * b)) & 255]++;
                memcpy(&to[k], &u, sizeof u);
                ito[k] = ifrom[i];
            }
            swap_pass(&from, &to, &ifrom, &ito);
        }
        for (size_t i = 0; i < n; i++) {
            uint64_t u;
            memcpy(&u, &from[i], sizeof u);
            idx[i] = ifrom[i]; /* ifrom is idx or itmp: read before written */
            sorted[i] = sort_value(~u);
        }
        return;
    }
    for (size_t lo = 0; lo < n; lo += SORT_RUN) {
        size_t hi = n - lo < SORT_RUN ? n : lo + SORT_RUN, len = hi - lo;
        /* a key's place in its run is the number of the run's keys above it, when no two are
        ** equal: then the places are 0..len-1, and their sum len (len - 1) / 2 (ties, which
        ** share a place, sum to less) */
        double run[SORT_RUN];
        size_t place[SORT_RUN], sum = 0;
        for (size_t i = 0; i < SORT_RUN; i++)
            run[i] = i < len ? key[lo + i] : -INFINITY; /* below every (finite) key */
        for (size_t i = 0; i < len; i++) {
            place[i] = count_above16(run, run[i]);
            sum += place[i];
        }
        if (sum == len * (len - 1) / 2) {
            for (size_t i = 0; i < len; i++) {
                sorted[lo + place[i]] = run[i];
                idx[lo + place[i]] = lo + i;
            }
            continue;
        }
        for (size_t i = lo; i < hi; i++) {
            double x = key[i];
            size_t j = i;
            for (; j > lo && sorted[j - 1] < x; j--) {
                sorted[j] = sorted[j - 1];
                idx[j] = idx[j - 1];
            }
            sorted[j] = x;
            idx[j] = i;
        }
    }
    double *from = sorted, *to = ktmp;
    size_t *ifrom = idx, *ito = itmp;
    for (size_t w = SORT_RUN; w < n; w *= 2) {
        for (size_t lo = 0; lo < n; lo += 2 * w) {
            size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            if (hi - lo == 2 * w) {
                /* two whole runs: the merge's first w from the front and its last w from the
                ** back at once, two chains of comparisons that do not wait on each other. The
                ** front takes the right run's head only when it is larger, the back the left
                ** run's tail only when it is smaller: equal keys keep the left's first, as the
                ** stable merge does. In w steps neither end passes the other's half. */
                size_t i = lo, j = mid, a = mid, b = hi;
                for (size_t t = 0; t < w; t++) {
                    size_t right = from[j] > from[i], at = right ? j : i;
                    to[lo + t] = from[at];
                    ito[lo + t] = ifrom[at];
                    i += 1 - right;
                    j += right;
                    size_t left = from[a - 1] < from[b - 1], bt = left ? a - 1 : b - 1;
                    to[hi - 1 - t] = from[bt];
                    ito[hi - 1 - t] = ifrom[bt];
                    a -= left;
                    b -= 1 - left;
                }
                continue;
            }
            size_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                /* the side taken chosen as an index: a select of two doubles can compile to
                ** a branch, one of two integers does not */
                size_t right = from[j] > from[i], at = right ? j : i;
                to[k] = from[at];
                ito[k++] = ifrom[at];
                i += 1 - right;
                j += right;
            }
            for (; i < mid; i++, k++) {
                to[k] = from[i];
                ito[k] = ifrom[i];
            }
            for (; j < hi; j++, k++) {
                to[k] = from[j];
                ito[k] = ifrom[j];
            }
        }
        swap_pass(&from, &to, &ifrom, &ito);
    }
    if (from != sorted) {
        memcpy(sorted, from, n * sizeof *sorted);
        memcpy(idx, ifrom, n * sizeof *idx);
    }
}

/* Below this many keys, or with more than half of them kept, insertion alone is as fast. */
#define TOP_FILTER_MIN 64
/* The filter's sample: every TOP_SAMPLE-th key. */
#define TOP_SAMPLE 4

void cs_steps_rank_top(const double *key, size_t n, size_t k, size_t *idx, size_t *itmp,
                       double *kept)
{
    if (n >= 16 && k <= 16 && net_top_any(key, n, k, idx))
        return;
    if (n < TOP_FILTER_MIN || 2 * k > n) {
        top_insert(key, n, k, idx, kept);
        return;
    }
    /* Most keys cannot be among the k best. A threshold from a sample, a little below where the
    ** k-th key should fall (r of s: a few standard deviations of the sample's count beyond
    ** k s / n), is a bound if at least k keys reach it: then the k best all do, and only those
    ** that reach it (in index order, so ties keep theirs) need ranking, by rank_sorted (stable,
    ** and no branch on the keys, where insertion loses about one a key and shifts half the kept
    ** ones). Else, or with a NaN (which rank_sorted does not take), insertion ranks them all. */
    size_t s = n / TOP_SAMPLE, want = k * s / n;
    size_t r = want + 2 + (size_t)sqrt((double)want);
    r = r < s ? r : s;
    double *pass = kept, *orig = kept + n, *ktmp = kept + 2 * n;
    size_t nan = 0;
    for (size_t i = 0; i < s; i++) {
        pass[i] = key[i * TOP_SAMPLE];
        nan += (size_t)(pass[i] != pass[i]);
    }
    if (!nan) {
        rank_sorted(pass, s, pass, idx, ktmp, itmp);
        double bound = pass[r - 1];
        size_t m = 0;
        for (size_t j = 0; j < n; j++) {
            double x = key[j];
            pass[m] = x;
            orig[m] = (double)j; /* exact: an index is far below 2^53 */
            m += (size_t)(x >= bound);
            nan += (size_t)(x != x);
        }
        if (m >= k && !nan) {
            rank_sorted(pass, m, pass, idx, ktmp, itmp);
            for (size_t i = 0; i < k; i++)
                idx[i] = (size_t)orig[idx[i]];
            return;
        }
    }
    top_insert(key, n, k, idx, kept);
}

/* REBASE's allocation as written: a full ranking and the weights computed twice. For scores that
** are not all finite, where another order of the same comparisons could rank differently. */
static void rebase_ranked(const double *score, size_t n, size_t budget, double temperature,
                          size_t *children, size_t *order)
{
    cs_steps_rank_desc(score, n, order, children);
    double top = score[order[0]], rest = 0;
    for (size_t i = 0; i < n; i++)
        rest += exp((score[order[i]] - top) / temperature);
    size_t left = budget;
    for (size_t i = 0; i < n; i++) {
        double w = exp((score[order[i]] - top) / temperature);
        double want = rest > 0 ? ceil((double)left * w / rest - 1e-12) : (double)left;
        size_t c = (i + 1 == n || want >= (double)left) ? left : (size_t)want; /* all is spent */
        children[order[i]] = c;
        left -= c;
        rest -= w;
    }
}

void cs_steps_rebase_allocate(const double *score, size_t n, size_t budget, double temperature,
                        size_t *children, size_t *order, double *work)
{
    if (n == 0)
        return;
    /* The ranking with the sorted scores beside it: the weights come from those (no load
    ** through the order per weight), once each, and the nodes after the budget is spent get no
    ** child (with nothing left, the ceiling is of -1e-12), so they need no weight again. The
    ** AVX2 ranking takes normal scores only, so when it has ranked them all are finite. */
    double *sorted = work, *w = work + n;
    int ranked = 0;
#ifdef STEPS_AVX2
    ranked = n < 128 && use_avx2() && rank_tagged_avx2(score, n, sorted, order);
#endif
    if (!ranked) {
        for (size_t j = 0; j < n; j++)
            if (!isfinite(score[j])) {
                rebase_ranked(score, n, budget, temperature, children, order);
                return;
            }
        rank_sorted(score, n, sorted, order, w, children);
    }
    double top = sorted[0], rest = 0;
    for (size_t i = 0; i < n; i++) {
        w[i] = exp((sorted[i] - top) / temperature);
        rest += w[i];
    }
    memset(children, 0, n * sizeof *children);
    /* the children left, and each node's, as doubles (whole numbers, exact): the chain from one
    ** node's count to the next's is then its arithmetic alone, with no conversion in it */
    double left = (double)budget;
    for (size_t i = 0; i < n && left > 0; i++) {
        double want = rest > 0 ? ceil(left * w[i] / rest - 1e-12) : left;
        double c = (i + 1 == n || want >= left) ? left : want; /* all is spent */
        children[order[i]] = (size_t)c;
        left -= c;
        rest -= w[i];
    }
}
