/*
** A query's samples, shared by every strategy of a run (common random numbers), drawn lazily from
** the query's own streams. Strategies read them one by one (answers and verifier scores), or as
** snapshots at each budget (the count of every answer, and its highest score) — which lets the
** sampler skip the one-by-one draws: between budgets far apart, the added counts are one
** multinomial draw and the added maxima come from the inverse CDF of a maximum, so a budget of
** 2^20 costs about what 2^10 does.
*/
#ifndef CALLSCALE_SAMPLES_H
#define CALLSCALE_SAMPLES_H

#include <stddef.h>
#include <stdint.h>
#include <gsl/gsl_rng.h>
#include "callscale/experiment.h"
#include "callscale/population.h"

/* What a strategy reads of the shared samples (cs_strategy_type.draws). */
enum cs_draws {
    CS_DRAWS_SEQUENCE = 0, /* answers and scores one by one: cs_samples_answers / _scores */
    CS_DRAWS_COUNTS,       /* only snapshots of counts: cs_samples_counts */
    CS_DRAWS_MAXIMA,       /* snapshots of counts and of each answer's best score */
    CS_DRAWS_NONE          /* nothing: draws its own (tree search) */
};

/* Increments of at least this many samples per answer category are drawn as one multinomial:
** about where a multinomial (one binomial per category) gets cheaper than drawing one by one —
** sooner when every sample would also need a Gaussian score. */
#define CS_MULTINOMIAL_PER_ANSWER 64
#define CS_MULTINOMIAL_PER_ANSWER_SCORED 4

typedef struct cs_samples {
    const cs_query *q;
    const size_t *budgets;
    size_t nbudgets, cap; /* cap: the largest budget */
    size_t slots;         /* answer categories a query can have */
    int sequence;         /* some strategy reads samples one by one: keep them */
    int maxima;           /* some strategy reads each answer's best score */
    int counts;           /* some strategy reads the counts (not only the best scores) */
    int stepped;          /* samples are PRM-scored chains of the step model */
    size_t min_step;      /* sampler auto: increments this large are drawn whole */
    int sampler;          /* enum cs_sampler of the experiment */

    /* one by one (sequence) */
    uint16_t *ans;
    size_t nans;
    double *score;
    size_t nscore;
    double *base, *sd; /* answer j's scores are base + N(0, sd^2): base holds separation (correct
                        ** answer) plus the answer's own verifier bias; the novel slot, base 0 and
                        ** both noises, as each novel answer has a bias of its own */
    int bias_ready;

    /* snapshots */
    size_t drawn;    /* samples accounted in count and best */
    uint32_t *count; /* running counts */
    double *best;    /* running best score per answer (exceedance path: the leader's, or NAN) */
    double *tail;    /* 1 - Phi((best - base) / sd) per answer, NAN until needed after a change */
    double *edge;    /* exceedance path: the tail beyond which answer j's samples matter */
    long lead;       /* the answer holding the highest score, -1 before any */
    int lazy;        /* on the exceedance path: edges set, only the leader's score is kept */
    double next;     /* exceedance path: the index of the next sample past its answer's edge */
    uint32_t *snap;  /* nbudgets x slots */
    long *snaplead;  /* nbudgets */
    size_t nsnap;
    uint32_t *thr;   /* integer CDF thresholds of the query's pi, for the one-by-one sampler */
    double *cum;     /* exceedance path: cumulative rates pi_j edge_j, for picking an answer */
    unsigned *delta; /* a multinomial increment's counts */

    uint32_t *perm;  /* a log query drawn without replacement: the order of its logged samples */
    int perm_ready;

    cs_pcg32 ans_rng;
    gsl_rng ans_gsl;      /* the same stream, for GSL's binomial */
    cs_pcg32 score_state; /* the verifier's scores */
    gsl_rng score_rng;    /* the same stream, for GSL's Gaussian sampler */
} cs_samples;

/* Largest budget when samples are kept one by one (10 bytes a sample, per thread). */
#define CS_SAMPLES_MAX_KEPT (1 << 26)

/* Whether ex's samples would be kept one by one (`sequence` forces it), and if so whether its
** largest budget fits: 0, or CS_ERR_INPUT with err naming the budgets line. */
int cs_samples_check(const cs_experiment *ex, int sequence, cs_error *err);

/* Set up for ex's queries: what its strategies read decides how samples are drawn; `sequence`
** keeps them one by one whatever the strategies read (for a caller that reads them itself). */
int cs_samples_init(cs_samples *s, const cs_experiment *ex, int sequence);
void cs_samples_free(cs_samples *s);

/* Start query q (whose streams derive from seed and q->index). */
void cs_samples_reset(cs_samples *s, const cs_query *q, uint64_t seed);

/* The first n answers (n <= cap), drawing any not yet drawn (CS_DRAWS_SEQUENCE only). */
const uint16_t *cs_samples_answers(cs_samples *s, size_t n);

/* The first n verifier scores: separation [correct] + bias(answer) + sample noise, where a novel
** answer (open answer space) gets a bias of its own (CS_DRAWS_SEQUENCE only). */
const double *cs_samples_scores(cs_samples *s, size_t n);

/* Counts of every answer among the first budgets[i] samples; the novel slot counts novel answers,
** each one distinct. Snapshots are taken in budget order as they are first asked for. Needs a
** CS_DRAWS_COUNTS strategy in the run, or one that reads samples one by one. */
const uint32_t *cs_samples_counts(cs_samples *s, size_t i);

/* The answer holding the highest verifier score among the first budgets[i] samples (the novel
** slot for a novel answer), or -1 before any sample; scores are continuous, so ties have
** probability zero (with sample_noise = 0, the answer there first keeps the lead). Needs a
** CS_DRAWS_MAXIMA strategy in the run. */
long cs_samples_leader(cs_samples *s, size_t i);

#endif
