/*
** Explain: easy fractions, vote limits, and the two-level binary closed form.
*/
#include <math.h>
#include <stdlib.h>
#include "callscale/explain.h"
#include "callscale/population.h"
#include "callscale/rng.h"
#include "callscale/rules.h"

const char *cs_explain_shape_name(int shape)
{
    switch (shape) {
    case CS_SHAPE_RISING: return "rising";
    case CS_SHAPE_FALLING: return "falling";
    case CS_SHAPE_RISE_FALL: return "rise-then-fall";
    case CS_SHAPE_FALL_RISE: return "fall-then-rise";
    default: return "none";
    }
}

void cs_explain_two_level(double alpha, double p1, double p2, cs_explain *o)
{
    double q1 = 1 - p1, q2 = 1 - p2;
    o->alpha = alpha;
    o->p1 = p1;
    o->p2 = p2;
    o->t = p2 * q2 * (0.5 - p2) / (p1 * q1 * (p1 - 0.5)) + 1;
    o->threshold = 1 - 1 / o->t;
    o->kstar = NAN;
    o->best_k = 1;
    /* F(K+2) - F(K) has the sign of alpha (2p1-1)(p1q1)^m - (1-alpha)(1-2p2)(p2q2)^m, m = (K+1)/2,
    ** which changes sign once, where m = ln R / ln(p2q2/p1q1), i.e. K* = 2 ln R / ln(p2q2/p1q1). */
    double R = alpha / (1 - alpha) * (2 * p1 - 1) / (1 - 2 * p2);
    double L = log(p2 * q2 / (p1 * q1));
    if (p1 + p2 > 1)
        o->shape = alpha > o->threshold ? CS_SHAPE_RISE_FALL : CS_SHAPE_FALLING;
    else if (p1 + p2 < 1)
        o->shape = alpha < o->threshold ? CS_SHAPE_FALL_RISE : CS_SHAPE_RISING;
    else /* p1 q1 = p2 q2: the difference keeps the sign of alpha - 1/2 */
        o->shape = alpha > 0.5 ? CS_SHAPE_RISING : CS_SHAPE_FALLING;
    if (o->shape == CS_SHAPE_RISE_FALL || o->shape == CS_SHAPE_FALL_RISE) {
        o->kstar = 2 * log(R) / L;
        o->best_k = 2 * (long)ceil(o->kstar / 2) - 1;
        if (o->best_k < 1)
            o->best_k = 1;
    }
}

/* Share of queries whose correct answer is the unique mode, and the vote limit, when the largest
** wrong share is fixed: easy iff p > smax (1 - p), i.e. p > smax / (1 + smax); a query exactly at
** the threshold (an atom of p there) ties with the nmax top wrong answers. */
static void fixed_shares(const cs_component *c, double smax, int nmax, cs_explain_comp *o)
{
    const cs_p_rule *rule = cs_rules_p_of(c);
    double pstar = smax / (1 + smax), lo, hi;
    rule->cdf(c, pstar, &lo, &hi);
    o->easy = rule->above(c, pstar);
    o->limit = o->easy + (pstar > 0 ? (hi - lo) / (1 + nmax) : 0);
}

int cs_explain_run(const cs_experiment *ex, cs_explain *out, cs_error *err)
{
    cs_population *pop = cs_population_new(ex, err);
    if (!pop)
        return CS_ERR_NOMEM;
    gsl_rng *r = gsl_rng_alloc(cs_rng_pcg32);
    size_t m = cs_population_max_answers(ex);
    double *pi = malloc(m * sizeof *pi), *cum = malloc(m * sizeof *cum);
    if (!r || !pi || !cum) {
        cs_population_free(pop);
        gsl_rng_free(r);
        free(pi);
        free(cum);
        return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    }
    out->easy = out->limit = 0;
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        cs_explain_comp *o = &out->comp[k];
        o->estimated = 0;
        int nmax;
        double smax = cs_population_top_share(pop, k, &nmax);
        if (smax >= 0) {
            fixed_shares(c, smax, nmax, o); /* smax = 0: any p > 0 wins in the end */
        } else {
            /* Shares drawn per query: estimate from CS_EXPLAIN_DRAWS draws of this component,
            ** with a fixed stream so the estimate is reproducible. */
            cs_experiment one = *ex;
            one.ncomp = 1;
            one.comp[0] = *c;
            one.comp[0].share = 1;
            one.bins_kind = CS_BINS_COMPONENTS;
            cs_population *p1 = cs_population_new(&one, err);
            if (!p1) {
                cs_population_free(pop);
                gsl_rng_free(r);
                free(pi);
                free(cum);
                return CS_ERR_NOMEM;
            }
            cs_query q;
            q.pi = pi;
            q.cum = cum;
            double easy = 0;
            for (uint64_t i = 0; i < CS_EXPLAIN_DRAWS; i++) {
                cs_population_query(p1, i, &q, r);
                double wmax = 0;
                for (size_t j = 1; j < q.nans; j++)
                    if ((long)j != q.novel && q.pi[j] > wmax)
                        wmax = q.pi[j];
                easy += q.p > wmax ? 1 : 0;
            }
            cs_population_free(p1);
            o->easy = o->limit = easy / CS_EXPLAIN_DRAWS;
            o->estimated = 1;
        }
        out->easy += c->share * o->easy;
        out->limit += c->share * o->limit;
    }
    out->shape = CS_SHAPE_NONE;
    if (ex->answers == 2 && ex->ncomp == 2 && ex->comp[0].p_kind == CS_P_FIXED &&
        ex->comp[1].p_kind == CS_P_FIXED) {
        int e = ex->comp[0].p > ex->comp[1].p ? 0 : 1;
        double p1 = ex->comp[e].p, p2 = ex->comp[1 - e].p;
        if (p1 > 0.5 && p2 < 0.5 && p1 < 1 && p2 > 0)
            cs_explain_two_level(ex->comp[e].share, p1, p2, out);
    }
    cs_population_free(pop);
    gsl_rng_free(r);
    free(pi);
    free(cum);
    return 0;
}
