/*
** Populations: each query's component, its p and answer distribution (drawn by the component's
** rules, rules.c), and its difficulty bin.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/logpop.h"
#include "callscale/population.h"
#include "callscale/rules.h"

struct cs_population {
    const cs_experiment *ex;
    double *shares[CS_MAX_COMPONENTS]; /* fixed wrong shares (finite M, uniform or zipf), or NULL */
    double open_atoms[CS_MAX_COMPONENTS][CS_OPEN_ATOMS]; /* open, fixed atoms (zipf): shares of 1 - p */
};

size_t cs_population_max_answers(const cs_experiment *ex)
{
    size_t m = ex->answers ? (size_t)ex->answers : CS_OPEN_ATOMS + 2;
    for (size_t k = 0; k < ex->ncomp; k++)
        if (ex->comp[k].logpop && ex->comp[k].logpop->maxslots > m)
            m = ex->comp[k].logpop->maxslots;
    return m;
}

cs_population *cs_population_new(const cs_experiment *ex, cs_error *err)
{
    cs_population *pop = calloc(1, sizeof *pop);
    if (!pop) {
        cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
        return NULL;
    }
    pop->ex = ex;
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        const cs_wrong_rule *rule = cs_rules_wrong_of(c);
        if (ex->answers && rule->shares) {
            size_t r = (size_t)ex->answers - 1;
            double *s = malloc(r * sizeof *s), sum = 0;
            if (!s) {
                cs_population_free(pop);
                cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
                return NULL;
            }
            rule->shares(c, s, r);
            for (size_t j = 0; j < r; j++)
                sum += s[j];
            for (size_t j = 0; j < r; j++)
                s[j] /= sum;
            pop->shares[k] = s;
        } else if (!ex->answers && rule->open_atoms) {
            rule->open_atoms(c, pop->open_atoms[k], CS_OPEN_ATOMS);
        }
    }
    return pop;
}

void cs_population_free(cs_population *pop)
{
    if (!pop)
        return;
    for (size_t k = 0; k < CS_MAX_COMPONENTS; k++)
        free(pop->shares[k]);
    free(pop);
}

const double *cs_population_shares(const cs_population *pop, size_t comp)
{
    return pop->shares[comp];
}

double cs_population_top_share(const cs_population *pop, size_t comp, int *ntop)
{
    const cs_experiment *ex = pop->ex;
    const cs_component *c = &ex->comp[comp];
    const double *sh = pop->shares[comp];
    *ntop = 0;
    if (c->logpop)
        return -1; /* each logged query has its own answers' shares */
    if (sh) {
        double smax = 0;
        for (size_t j = 0; j + 1 < (size_t)ex->answers; j++) {
            if (sh[j] > smax) {
                smax = sh[j];
                *ntop = 1;
            } else if (sh[j] == smax)
                (*ntop)++;
        }
        return smax;
    }
    const cs_wrong_rule *rule = cs_rules_wrong_of(c);
    if (!ex->answers && !rule->open_atoms && !rule->open_draw)
        return 0; /* every wrong answer is new */
    if (!ex->answers && rule->open_atoms) {
        *ntop = 1;
        return pop->open_atoms[comp][0]; /* largest first */
    }
    return -1;
}

void cs_population_cdf(const cs_experiment *ex, double x, double *lo, double *hi)
{
    double a = 0, b = 0;
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        double l, h;
        cs_rules_p_of(c)->cdf(c, x, &l, &h);
        a += c->share * l;
        b += c->share * h;
    }
    *lo = a;
    *hi = b;
}

/* Bisection to 1e-15: the mixture CDF has atoms and flat stretches, so no derivative is safe. */
double cs_population_quantile(const cs_experiment *ex, double u)
{
    double lo = 0, hi = 1;
    for (int i = 0; i < 60 && hi - lo > 1e-15; i++) {
        double mid = 0.5 * (lo + hi), a, b;
        cs_population_cdf(ex, mid, &a, &b);
        if (b >= u)
            hi = mid;
        else
            lo = mid;
    }
    double a, b;
    cs_population_cdf(ex, lo, &a, &b);
    return b >= u ? lo : hi;
}

static void assign_bin(const cs_experiment *ex, cs_query *q, gsl_rng *r);

/* A log component's query: the logged query's share of right samples as p and its answers'
** frequencies as pi (what a draw with replacement sees), with the samples themselves for the
** sampler (samples.c draws from them). */
static void log_query(const cs_logpop *lp, uint64_t index, cs_query *q)
{
    size_t i = cs_logpop_pick(lp, index), s0 = lp->log.start[i], n = cs_log_count(&lp->log, i);
    size_t m = lp->nslots[i];
    q->index = index;
    q->p = lp->p[i];
    q->L = 1;
    q->s = q->p;
    q->prm = 0;
    q->nans = m;
    q->novel = lp->log.answer ? -1 : 1;
    for (size_t j = 0; j < m; j++)
        q->pi[j] = 0;
    for (size_t j = 0; j < n; j++)
        q->pi[lp->slot[s0 + j]] += 1.0 / (double)n;
    double acc = 0;
    for (size_t j = 0; j < m; j++) {
        acc += q->pi[j];
        q->cum[j] = acc;
    }
    q->cum[m - 1] = INFINITY;
    q->log_slot = lp->slot + s0;
    q->log_score = lp->log.score ? lp->log.score + s0 : NULL;
    q->log_n = n;
    q->log_draw = lp->draw;
}

static size_t pick_component(const cs_experiment *ex, double u)
{
    double acc = 0;
    for (size_t k = 0; k + 1 < ex->ncomp; k++) {
        acc += ex->comp[k].share;
        if (u < acc)
            return k;
    }
    return ex->ncomp - 1;
}

void cs_population_query(const cs_population *pop, uint64_t index, cs_query *q, gsl_rng *r)
{
    const cs_experiment *ex = pop->ex;
    cs_rng_stream(cs_rng_pcg32_state(r), ex->seed, index, CS_STREAM_QUERY);
    size_t k = pick_component(ex, gsl_rng_uniform(r));
    const cs_component *c = &ex->comp[k];
    q->log_n = 0;
    if (c->logpop) {
        log_query(c->logpop, index, q);
        q->comp = k;
        q->set = &c->set;
        q->score_params = c->set.verifier_params;
        q->sample_tokens = c->set.gen_tokens;
        assign_bin(ex, q, r);
        return;
    }
    const cs_wrong_rule *rule = cs_rules_wrong_of(c);
    double p = cs_rules_p_of(c)->draw(c, r);
    q->index = index;
    q->comp = k;
    q->p = p;
    q->set = &c->set;
    q->novel = -1;
    q->L = 1;
    if (ex->stepped) {
        unsigned lo = (unsigned)c->set.steps, hi = (unsigned)c->set.steps_max;
        q->L = lo + (hi > lo ? (unsigned)gsl_rng_uniform_int(r, hi - lo + 1) : 0u);
    }
    /* a chain of L independent steps is right with probability s^L = p, as the answer model
    ** (L = 1 takes p itself, the value pow returns, without pow's cost on every query) */
    q->s = q->L == 1 ? p : pow(p, 1.0 / q->L);
    q->sample_tokens = q->L * c->set.gen_tokens;
    q->score_params = ex->stepped ? c->set.prm_params : c->set.verifier_params;
    q->prm = ex->stepped;
    double *pi = q->pi;
    pi[0] = p;
    double w = 1 - p;
    if (ex->answers) {
        size_t r1 = (size_t)ex->answers - 1;
        q->nans = r1 + 1;
        if (pop->shares[k]) {
            for (size_t j = 0; j < r1; j++)
                pi[j + 1] = w * pop->shares[k][j];
        } else {
            rule->draw(c, w, pi + 1, r1, r);
        }
    } else if (!rule->open_atoms && !rule->open_draw) {
        /* Open space, no preferred wrong answer: every wrong draw is new. */
        pi[1] = w;
        q->nans = 2;
        q->novel = 1;
    } else {
        size_t n = 1;
        double left = 1;
        for (size_t j = 0; j < CS_OPEN_ATOMS && left > CS_OPEN_TAIL; j++) {
            double s = rule->open_atoms ? pop->open_atoms[k][j] : rule->open_draw(c, left, r);
            if (s > left)
                s = left;
            pi[n++] = w * s;
            left -= s;
        }
        pi[n] = w * (left > 0 ? left : 0);
        q->novel = (long)n;
        q->nans = n + 1;
    }
    double acc = 0;
    for (size_t j = 0; j < q->nans; j++) {
        acc += pi[j];
        q->cum[j] = acc;
    }
    q->cum[q->nans - 1] = INFINITY; /* rounding can never push a draw past the last answer */
    assign_bin(ex, q, r);
}

static void assign_bin(const cs_experiment *ex, cs_query *q, gsl_rng *r)
{
    double p = q->p;
    size_t k = q->comp;
    if (ex->bins_kind == CS_BINS_COMPONENTS)
        q->bin = k;
    else {
        /* Randomised probability integral transform: u is uniform on (0,1) even where p has
        ** atoms, so the N quantile bins hold equal shares of queries; q1 holds the highest p. */
        double lo, hi;
        cs_population_cdf(ex, p, &lo, &hi);
        double u = lo + gsl_rng_uniform(r) * (hi - lo);
        double b = floor((double)ex->nquantiles * (1 - u));
        q->bin = b < 0 ? 0 : b >= ex->nquantiles ? (size_t)ex->nquantiles - 1 : (size_t)b;
    }
}
