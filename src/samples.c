/*
** A query's shared samples: drawn one by one (kept when a strategy reads them in order) or, for
** strategies that only read counts and best scores at each budget, counted as they are drawn and,
** between budgets far apart, drawn as one multinomial increment with the increment's maxima —
** or, when best-of-n alone reads them, only as the samples that could change the leader.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include <gsl/gsl_randist.h>
#include "callscale/logpop.h"
#include "callscale/samples.h"
#include "callscale/steps.h"
#include "callscale/strategy.h"
#include "lines.h"

/* Drawing in chunks keeps the inner sampling loop long without drawing far past what is asked. */
#define CHUNK 256

/* Whether some strategy of ex reads samples one by one (stepped chains always are). */
static int keeps_sequence(const cs_experiment *ex)
{
    int seq = ex->stepped;
    for (size_t k = 0; k < ex->ncomp; k++)
        seq |= ex->comp[k].logpop != NULL; /* logged samples are read one by one */
    for (size_t i = 0; i < ex->nstrat; i++)
        seq |= ex->strat[i].type->draws == CS_DRAWS_SEQUENCE;
    return seq;
}

int cs_samples_check(const cs_experiment *ex, int sequence, cs_error *err)
{
    size_t kmax = ex->budgets[ex->nbudgets - 1];
    if ((sequence || keeps_sequence(ex)) && kmax > CS_SAMPLES_MAX_KEPT)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->budgets_line,
                            "budget %zu: samples are kept one by one here (%s), %zu bytes per "
                            "thread; the largest such budget is %d", kmax,
                            sequence ? "the planner reads them" : "a strategy reads them in order",
                            kmax * (sizeof(uint16_t) + sizeof(double)), CS_SAMPLES_MAX_KEPT);
    return 0;
}

int cs_samples_init(cs_samples *s, const cs_experiment *ex, int sequence)
{
    memset(s, 0, sizeof *s);
    s->budgets = ex->budgets;
    s->nbudgets = ex->nbudgets;
    s->cap = ex->budgets[ex->nbudgets - 1];
    s->slots = cs_population_max_answers(ex);
    s->stepped = ex->stepped;
    s->sequence = sequence || keeps_sequence(ex);
    s->sampler = ex->sampler;
    for (size_t i = 0; i < ex->nstrat; i++) {
        int d = ex->strat[i].type->draws;
        s->maxima |= d == CS_DRAWS_MAXIMA;
        s->counts |= d == CS_DRAWS_COUNTS;
    }
    if (s->sequence) {
        s->ans = cs_lines_alloc(s->cap, sizeof *s->ans);
        s->score = cs_lines_alloc(s->cap, sizeof *s->score);
    }
    s->base = cs_lines_alloc(s->slots, sizeof *s->base);
    s->sd = cs_lines_alloc(s->slots, sizeof *s->sd);
    s->count = cs_lines_alloc(s->slots, sizeof *s->count);
    s->best = cs_lines_alloc(s->slots, sizeof *s->best);
    s->tail = cs_lines_alloc(s->slots, sizeof *s->tail);
    s->snap = cs_lines_alloc(s->nbudgets * s->slots, sizeof *s->snap);
    s->edge = cs_lines_alloc(s->slots, sizeof *s->edge);
    s->snaplead = cs_lines_alloc(s->nbudgets, sizeof *s->snaplead);
    s->thr = cs_lines_alloc(s->slots, sizeof *s->thr);
    s->cum = cs_lines_alloc(s->slots, sizeof *s->cum);
    s->delta = cs_lines_alloc(s->slots, sizeof *s->delta);
    size_t logged = 0;
    for (size_t k = 0; k < ex->ncomp; k++)
        if (ex->comp[k].logpop && ex->comp[k].logpop->maxn > logged)
            logged = ex->comp[k].logpop->maxn;
    if (logged && !(s->perm = cs_lines_alloc(logged, sizeof *s->perm))) {
        cs_samples_free(s);
        return -1;
    }
    /* GSL generators whose states are our streams (the answers' for the multinomial's
    ** binomials), kept in this thread's own memory */
    cs_rng_wrap(&s->ans_gsl, &s->ans_rng);
    cs_rng_wrap(&s->score_rng, &s->score_state);
    if ((s->sequence && (!s->ans || !s->score)) || !s->base || !s->sd || !s->count || !s->best || !s->tail || !s->snap ||
        !s->edge || !s->snaplead || !s->thr || !s->cum || !s->delta) {
        cs_samples_free(s);
        return -1;
    }
    return 0;
}

void cs_samples_free(cs_samples *s)
{
    free(s->ans);
    free(s->score);
    free(s->base);
    free(s->sd);
    free(s->count);
    free(s->best);
    free(s->tail);
    free(s->snap);
    free(s->edge);
    free(s->snaplead);
    free(s->thr);
    free(s->cum);
    free(s->delta);
    free(s->perm);
    memset(s, 0, sizeof *s);
}

void cs_samples_reset(cs_samples *s, const cs_query *q, uint64_t seed)
{
    s->q = q;
    s->nans = s->nscore = s->drawn = s->nsnap = 0;
    s->bias_ready = 0;
    s->perm_ready = 0;
    s->lead = -1;
    s->lazy = 0;
    memset(s->count, 0, q->nans * sizeof *s->count);
    for (size_t j = 0; j < q->nans; j++) {
        s->best[j] = -INFINITY;
        s->tail[j] = NAN;
    }
    /* integer thresholds: a 32-bit draw u is answer j when thr[j-1] <= u < thr[j] */
    for (size_t j = 0; j + 1 < q->nans; j++) {
        double t = q->cum[j] * 4294967296.0;
        s->thr[j] = t >= 4294967295.0 ? 4294967295u : (uint32_t)t;
    }
    /* increments of this many samples or more are drawn whole (the sampler `auto`) */
    s->min_step = (s->maxima ? CS_MULTINOMIAL_PER_ANSWER_SCORED : CS_MULTINOMIAL_PER_ANSWER) * q->nans;
    cs_rng_stream(&s->ans_rng, seed, q->index, CS_STREAM_SAMPLES);
    cs_rng_stream(&s->score_state, seed, q->index, CS_STREAM_SCORES);
}

/* One answer from a 32-bit draw: the number of thresholds at or below it. Few answers (the
** common case) take a branch-free sum the compiler unrolls. */
static inline uint16_t pick(const uint32_t *thr, size_t nans, uint32_t u)
{
    switch (nans) {
    case 2: return (uint16_t)(u >= thr[0]);
    case 3: return (uint16_t)((u >= thr[0]) + (u >= thr[1]));
    case 4: return (uint16_t)((u >= thr[0]) + (u >= thr[1]) + (u >= thr[2]));
    default: break;
    }
    if (nans <= 16) {
        unsigned j = 0;
        for (size_t k = 0; k + 1 < nans; k++)
            j += u >= thr[k];
        return (uint16_t)j;
    }
    size_t lo = 0, hi = nans - 1; /* first threshold above u */
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (u < thr[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return (uint16_t)lo;
}

static void draw_answers(cs_samples *s, uint16_t *out, size_t n)
{
    const uint32_t *thr = s->thr;
    size_t m = s->q->nans;
    cs_pcg32 r = s->ans_rng; /* a local copy keeps the state in registers */
    cs_pcg32x2 p = cs_pcg32x2_start(&r);
    size_t i = 0;
    for (; i + 1 < n; i += 2) {
        uint32_t u, v;
        cs_pcg32x2_next(&p, &u, &v);
        out[i] = pick(thr, m, u);
        out[i + 1] = pick(thr, m, v);
    }
    cs_pcg32x2_finish(&p, &r);
    if (i < n)
        out[i] = pick(thr, m, cs_pcg32_next(&r));
    s->ans_rng = r;
}

/* Independent chains from the sample stream. A novel answer (open space) is a new answer per
** chain, which the novel slot of the answer buffer already means. */
static void draw_chains(cs_samples *s, size_t want)
{
    const cs_query *q = s->q;
    cs_stepper st;
    cs_stepper_init(&st, q, &s->ans_rng);
    for (size_t i = s->nans; i < want; i++) {
        cs_node a, b;
        cs_step_root(&st, &a);
        cs_step_chain(&st, &a, q->L, &b);
        s->ans[i] = (uint16_t)(b.answer >= CS_NOVEL_BASE ? (uint32_t)q->novel : b.answer);
        s->score[i] = b.agg;
    }
    s->nans = s->nscore = want;
}

/* A log query's samples: logged samples drawn with replacement, or the first of a random order
** of them (a Fisher-Yates shuffle from the sample stream), each with its answer and score. */
static void draw_logged(cs_samples *s, size_t want)
{
    const cs_query *q = s->q;
    size_t n = q->log_n;
    if (q->log_draw == CS_DRAW_SUBSAMPLE && !s->perm_ready) {
        for (size_t i = 0; i < n; i++)
            s->perm[i] = (uint32_t)i;
        for (size_t i = n - 1; i > 0; i--) {
            size_t j = (size_t)(cs_pcg32_uniform(&s->ans_rng) * (double)(i + 1));
            uint32_t t = s->perm[i];
            s->perm[i] = s->perm[j];
            s->perm[j] = t;
        }
        s->perm_ready = 1;
    }
    for (size_t i = s->nans; i < want; i++) {
        size_t at = q->log_draw == CS_DRAW_SUBSAMPLE
                        ? s->perm[i]
                        : (size_t)(cs_pcg32_uniform(&s->ans_rng) * (double)n);
        s->ans[i] = q->log_slot[at];
        if (q->log_score)
            s->score[i] = q->log_score[at];
    }
    s->nans = want;
    if (q->log_score)
        s->nscore = want;
}

const uint16_t *cs_samples_answers(cs_samples *s, size_t n)
{
    if (n > s->nans) {
        size_t want = n + CHUNK < s->cap ? n + CHUNK : s->cap;
        if (s->q->log_n)
            draw_logged(s, want);
        else if (s->stepped)
            draw_chains(s, want);
        else {
            draw_answers(s, s->ans + s->nans, want - s->nans);
            s->nans = want;
        }
    }
    return s->ans;
}

/* The answer-level biases come first in the score stream, one per answer slot. With them, the
** score law of answer j's samples: base_j + N(0, sd_j^2); a novel answer is new each time, with
** its own bias and its own noise. */
static void draw_bias(cs_samples *s)
{
    const cs_query *q = s->q;
    const cs_settings *set = q->set;
    double sd = set->answer_noise;
    for (size_t j = 0; j < q->nans; j++) {
        double bias = sd > 0 ? gsl_ran_gaussian_ziggurat(&s->score_rng, sd) : 0;
        int nov = (long)j == q->novel;
        s->base[j] = nov ? 0 : (j == 0 ? set->separation : 0) + bias;
        s->sd[j] = nov ? hypot(set->answer_noise, set->sample_noise) : set->sample_noise;
    }
    s->bias_ready = 1;
}

static inline double score_of(cs_samples *s, long a)
{
    const cs_settings *set = s->q->set;
    gsl_rng *r = &s->score_rng;
    double b = a == s->q->novel
                   ? (set->answer_noise > 0 ? gsl_ran_gaussian_ziggurat(r, set->answer_noise) : 0)
                   : s->base[a];
    double noise = set->sample_noise > 0 ? gsl_ran_gaussian_ziggurat(r, set->sample_noise) : 0;
    return b + noise;
}

const double *cs_samples_scores(cs_samples *s, size_t n)
{
    if (n <= s->nscore)
        return s->score;
    if (s->stepped || (s->q->log_n && s->q->log_score)) {
        cs_samples_answers(s, n);
        return s->score;
    }
    if (!s->bias_ready)
        draw_bias(s);
    const uint16_t *ans = cs_samples_answers(s, n);
    for (size_t i = s->nscore; i < n; i++)
        s->score[i] = score_of(s, ans[i]);
    s->nscore = n;
    return s->score;
}

/* Answer a's best score rises to x (drawn one by one or as an increment's largest): keep the
** leader. Ties are possible only with sample_noise = 0; the answer there first keeps the lead. */
static void raise_best(cs_samples *s, size_t a, double x)
{
    s->best[a] = x;
    s->tail[a] = NAN;
    if (s->lead < 0 || x > s->best[s->lead])
        s->lead = (long)a;
}

/* The upper tail of score x under answer j's score law (1 - Phi((x - base) / sd)). */
static double tail_of(const cs_samples *s, size_t j, double x)
{
    if (x == -INFINITY)
        return 1;
    if (!(s->sd[j] > 0))
        return s->base[j] > x ? 1 : 0;
    return gsl_cdf_ugaussian_Q((x - s->base[j]) / s->sd[j]);
}

/* The leader's score, from its tail if only that is known (-INFINITY before any sample). */
static double lead_score(cs_samples *s)
{
    if (s->lead < 0)
        return -INFINITY;
    size_t l = (size_t)s->lead;
    if (isnan(s->best[l]))
        s->best[l] = s->base[l] + s->sd[l] * gsl_cdf_ugaussian_Qinv(s->edge[l]);
    return s->best[l];
}

/* The exceedance path, for increments when only the leader is read (best-of-n alone). A score
** comes from its tail by the normal quantile, which is most of the cost, so scores are drawn
** only where the leader could change. Each answer has an edge, a tail beyond which its samples
** matter: for the leader its own best's tail (a sample beyond raises the leader's score), for
** the others the tail of the leader's score at some time (a sample beyond is a threat; all the
** others stay behind the leader, whose score only grows, and change nothing). A sample is past
** its answer's edge with probability rate_j = pi_j edge_j, independently of the others, so the
** next such sample comes after a geometric number of samples of parameter total = sum of rates,
** is answer j with probability rate_j / total, and has a tail uniform up to edge_j. The leader
** just moves its edge there. A threat is compared with the leader: it takes the lead (the old
** leader's edge, its own tail, bounds it by the score it had), or gets a new edge, the tail of
** the leader's score under its own law. The rates change only at these events, so the next one
** stays drawn across budgets: a budget before it costs nothing. Events are records or threats,
** a few per doubling of the budget, so this costs little however large the budgets are, and the
** leader has exactly the law of the answer holding the largest of all the samples. */

/* The rates from the edges, and the index of the next sample past an edge after sample `at`. */
static void next_event(cs_samples *s, double at)
{
    const cs_query *q = s->q;
    double total = 0;
    for (size_t j = 0; j < q->nans; j++) {
        total += q->pi[j] * s->edge[j];
        s->cum[j] = total;
    }
    if (!(total > 0)) {
        s->next = INFINITY;
        return;
    }
    /* P(gap > g) = (1 - total)^g; total >= 1 (nothing drawn yet): the very next sample */
    double u = cs_pcg32_uniform(&s->score_state);
    s->next = at + 1 + (total < 1 ? floor(log(u) / log1p(-total)) : 0);
}

static void exceedances(cs_samples *s, size_t target)
{
    const cs_query *q = s->q;
    size_t m = q->nans;
    cs_pcg32 *ur = &s->score_state;
    if (!s->lazy) { /* the leader so far is known with every score: set the edges */
        double xl = s->lead < 0 ? -INFINITY : s->best[s->lead];
        for (size_t j = 0; j < m; j++)
            s->edge[j] = tail_of(s, j, (long)j == s->lead ? s->best[j] : xl);
        s->lazy = 1;
        next_event(s, (double)s->drawn);
    }
    while (s->next <= (double)target) {
        /* answer j when cum[j-1] <= u < cum[j], counted without branches; u < cum[m-1], and
        ** an answer of rate zero has an empty interval */
        const double *cum = s->cum;
        double u = cs_pcg32_uniform(ur) * cum[m - 1];
        size_t j = 0;
        for (size_t i = 0; i + 1 < m; i++)
            j += u >= cum[i];
        double v = 0, x = s->base[j]; /* sd = 0: every sample scores base */
        if (s->sd[j] > 0) {
            v = s->edge[j] * cs_pcg32_uniform(ur);
            x = NAN;
        }
        if ((long)j != s->lead) {
            /* a threat: compared in tails under its own law, so its score is drawn only if it
            ** leads and is read */
            double edge = tail_of(s, j, lead_score(s));
            if (s->sd[j] > 0 ? !(v < edge) : !(edge > 0)) {
                s->edge[j] = edge;
                next_event(s, s->next);
                continue;
            }
            s->lead = (long)j;
        }
        s->edge[j] = v;
        s->best[j] = x;
        next_event(s, s->next);
    }
}

/* Count (and score) the samples up to `target` without keeping them. */
static void advance(cs_samples *s, size_t target)
{
    const cs_query *q = s->q;
    size_t m = q->nans;
    if (s->maxima && !s->bias_ready)
        draw_bias(s);
    /* each increment one by one or whole: whole when large (or asked for), and always once the
    ** leader walks from event to event, where a small increment costs nothing */
    int whole = s->lazy || s->sampler == CS_SAMPLER_MULTINOMIAL ||
                (s->sampler == CS_SAMPLER_AUTO && target - s->drawn >= s->min_step);
    if (!whole && s->drawn < target) {
        const uint32_t *thr = s->thr;
        uint32_t *count = s->count;
        cs_pcg32 r = s->ans_rng;
        if (!s->maxima && m <= 4) {
            /* count how many draws reach each threshold, in registers: answer j's count is then
            ** ge[j-1] - ge[j], with no store per draw */
            uint32_t t0 = thr[0], t1 = m > 2 ? thr[1] : UINT32_MAX, t2 = m > 3 ? thr[2] : UINT32_MAX;
            uint32_t g0 = 0, g1 = 0, g2 = 0, n = (uint32_t)(target - s->drawn);
            cs_pcg32x2 p = cs_pcg32x2_start(&r);
            for (uint32_t i = 0; i + 1 < n; i += 2) {
                uint32_t u, v;
                cs_pcg32x2_next(&p, &u, &v);
                g0 += (uint32_t)(u >= t0) + (uint32_t)(v >= t0);
                g1 += (uint32_t)(u >= t1) + (uint32_t)(v >= t1);
                g2 += (uint32_t)(u >= t2) + (uint32_t)(v >= t2);
            }
            cs_pcg32x2_finish(&p, &r);
            if (n & 1) {
                uint32_t u = cs_pcg32_next(&r);
                g0 += u >= t0;
                g1 += u >= t1;
                g2 += u >= t2;
            }
            if (m <= 2)
                g1 = g2 = 0;
            else if (m <= 3)
                g2 = 0;
            count[0] += n - g0;
            count[1] += g0 - g1;
            if (m > 2)
                count[2] += g1 - g2;
            if (m > 3)
                count[3] += g2;
            s->ans_rng = r;
        } else if (!s->maxima) {
            for (size_t i = s->drawn; i < target; i++)
                count[pick(thr, m, cs_pcg32_next(&r))]++;
            s->ans_rng = r;
        } else {
            for (size_t i = s->drawn; i < target; i++) {
                uint16_t a = pick(thr, m, cs_pcg32_next(&r));
                count[a]++;
                double sc = score_of(s, a);
                if (sc > s->best[a])
                    raise_best(s, a, sc);
            }
            s->ans_rng = r;
        }
        s->drawn = target;
    }
    if (s->drawn < target && s->maxima && !s->counts) {
        exceedances(s, target);
        s->drawn = target;
    }
    if (s->drawn < target) {
        /* one multinomial increment, as conditional binomials (GSL's) from our stream; the last
        ** answer takes what is left, which gsl_ran_multinomial would draw as a binomial too */
        unsigned n = (unsigned)(target - s->drawn), left = n;
        double rest = 1;
        for (size_t j = 0; j < m; j++) {
            double pj = q->pi[j];
            unsigned d = 0;
            if (j + 1 == m || pj >= rest)
                d = left;
            else if (pj > 0 && left > 0)
                d = gsl_ran_binomial(&s->ans_gsl, pj / rest, left);
            s->delta[j] = d;
            left -= d;
            rest -= pj;
        }
        for (size_t j = 0; j < m; j++) {
            if (!s->delta[j])
                continue;
            s->count[j] += s->delta[j];
            if (!s->maxima)
                continue;
            double base = s->base[j], sd = s->sd[j];
            if (sd <= 0) {
                if (base > s->best[j])
                    raise_best(s, j, base);
                continue;
            }
            /* The increment's largest score is base + sd Phi^-1(U^(1/n)) (the inverse of its CDF
            ** Phi^n at one uniform). It beats the best so far exactly when U^(1/n) > Phi(z) at
            ** z = (best - base) / sd, a test on logarithms that skips the inverse when it fails,
            ** which, as the best grows, it mostly does. */
            double lu = log(cs_pcg32_uniform(&s->score_state)) / s->delta[j];
            if (s->best[j] > -INFINITY) {
                if (isnan(s->tail[j]))
                    s->tail[j] = tail_of(s, j, s->best[j]);
                if (lu <= log1p(-s->tail[j]))
                    continue;
            }
            double t = -expm1(lu); /* 1 - Phi((best - base) / sd) = 1 - U^(1/n) by construction */
            raise_best(s, j, base + sd * gsl_cdf_ugaussian_Qinv(t));
            s->tail[j] = t;
        }
        s->drawn = target;
    }
}

/* Take snapshots up to budget index i. */
static void snapshot(cs_samples *s, size_t i)
{
    const cs_query *q = s->q;
    size_t m = q->nans;
    while (s->nsnap <= i) {
        size_t b = s->budgets[s->nsnap];
        if (s->sequence) {
            const uint16_t *ans = cs_samples_answers(s, b);
            const double *sc = s->maxima ? cs_samples_scores(s, b) : NULL;
            for (size_t k = s->drawn; k < b; k++) {
                s->count[ans[k]]++;
                if (sc && sc[k] > s->best[ans[k]])
                    raise_best(s, ans[k], sc[k]);
            }
            s->drawn = b;
        } else {
            advance(s, b);
        }
        /* counts are kept unless best-of-n alone reads the samples (a few answers, mostly: a
        ** loop beats a memcpy call) */
        if (s->counts || !s->maxima) {
            uint32_t *row = s->snap + s->nsnap * s->slots;
            for (size_t j = 0; j < m; j++)
                row[j] = s->count[j];
        }
        s->snaplead[s->nsnap] = s->lead;
        s->nsnap++;
    }
}

const uint32_t *cs_samples_counts(cs_samples *s, size_t i)
{
    snapshot(s, i);
    return s->snap + i * s->slots;
}

long cs_samples_leader(cs_samples *s, size_t i)
{
    snapshot(s, i);
    return s->snaplead[i];
}
