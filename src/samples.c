/*
** Lazily drawn answers and verifier scores of one query.
*/
#include <stdlib.h>
#include <gsl/gsl_randist.h>
#include "callscale/samples.h"
#include "callscale/steps.h"

/* Drawing in chunks keeps the inner sampling loop long without drawing far past what is asked. */
#define CHUNK 256

int cs_samples_init(cs_samples *s, size_t cap, size_t max_answers, int stepped)
{
    s->cap = cap;
    s->stepped = stepped;
    s->ans = malloc(cap * sizeof *s->ans);
    s->score = malloc(cap * sizeof *s->score);
    s->bias = malloc(max_answers * sizeof *s->bias);
    s->score_rng = gsl_rng_alloc(cs_rng_pcg32);
    if (!s->ans || !s->score || !s->bias || !s->score_rng) {
        cs_samples_free(s);
        return -1;
    }
    return 0;
}

void cs_samples_free(cs_samples *s)
{
    free(s->ans);
    free(s->score);
    free(s->bias);
    if (s->score_rng)
        gsl_rng_free(s->score_rng);
    s->ans = NULL;
    s->score = NULL;
    s->bias = NULL;
    s->score_rng = NULL;
}

void cs_samples_reset(cs_samples *s, const cs_query *q, uint64_t seed)
{
    s->q = q;
    s->nans = 0;
    s->nscore = 0;
    cs_rng_stream(&s->ans_rng, seed, q->index, CS_STREAM_SAMPLES);
    cs_rng_stream(cs_rng_pcg32_state(s->score_rng), seed, q->index, CS_STREAM_SCORES);
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
        cs_step_rollout(&st, &a, q->L, &b);
        s->ans[i] = (uint16_t)(b.answer >= CS_NOVEL_BASE ? (uint32_t)q->novel : b.answer);
        s->score[i] = b.agg;
    }
    s->nans = s->nscore = want;
}

const uint16_t *cs_samples_answers(cs_samples *s, size_t n)
{
    if (n > s->nans && s->stepped) {
        draw_chains(s, n + CHUNK < s->cap ? n + CHUNK : s->cap);
    } else if (n > s->nans) {
        size_t want = n + CHUNK < s->cap ? n + CHUNK : s->cap;
        cs_population_sample(s->q, &s->ans_rng, s->ans + s->nans, want - s->nans);
        s->nans = want;
    }
    return s->ans;
}

const double *cs_samples_scores(cs_samples *s, size_t n)
{
    if (n <= s->nscore)
        return s->score;
    if (s->stepped) {
        cs_samples_answers(s, n);
        return s->score;
    }
    const cs_query *q = s->q;
    const cs_settings *set = q->set;
    gsl_rng *r = s->score_rng;
    if (s->nscore == 0) /* the answer-level biases come first in the score stream */
        for (size_t j = 0; j < q->nans; j++)
            s->bias[j] = set->answer_noise > 0 ? gsl_ran_gaussian_ziggurat(r, set->answer_noise) : 0;
    const uint16_t *ans = cs_samples_answers(s, n);
    for (size_t i = s->nscore; i < n; i++) {
        long a = ans[i];
        double b = a == q->novel ? (set->answer_noise > 0
                                        ? gsl_ran_gaussian_ziggurat(r, set->answer_noise)
                                        : 0)
                                 : s->bias[a];
        double noise = set->sample_noise > 0 ? gsl_ran_gaussian_ziggurat(r, set->sample_noise) : 0;
        s->score[i] = (a == 0 ? set->separation : 0) + b + noise;
    }
    s->nscore = n;
    return s->score;
}
