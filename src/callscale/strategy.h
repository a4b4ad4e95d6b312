/*
** Strategy descriptors (like gsl_rng_type): a name, the budget's unit, a parameter table, and the
** functions that simulate one query or compute the exact curve. One table lists them all.
*/
#ifndef CALLSCALE_STRATEGY_H
#define CALLSCALE_STRATEGY_H

#include <stddef.h>
#include <stdint.h>
#include "callscale/experiment.h"
#include "callscale/population.h"
#include "callscale/record.h"
#include "callscale/rng.h"
#include "callscale/samples.h"

struct cs_exact_ctx;

/* Working memory a strategy may use for one query: per answer counters and sums. */
typedef struct cs_scratch {
    uint32_t *count; /* 2 * max answers */
    double *sum;     /* 2 * max answers */
    void *work;      /* the largest work_size of the experiment's strategies, 16-byte aligned */
    /* the setting that ran last on this scratch (the runner sets it after each run; NULL before
    ** the first): when it is the one running, what it left in work is still there, so tables
    ** that depend only on the setting and the budgets need not be made again. This holds as a
    ** runner serves one experiment, whose settings and budgets do not change while it lives, and
    ** strategies run only through cs_runner_strategy. */
    const struct cs_strategy *last;
} cs_scratch;

/* One call of a strategy's run: the query and its shared samples, the strategy's own stream and
** scratch, the budgets, and where the outcomes go. A strategy reads what it needs. */
typedef struct cs_strategy_ctx {
    const cs_strategy *s;  /* the setting: its type and parameter values */
    const cs_query *q;     /* the query drawn; its component's settings in q->set */
    cs_samples *smp;       /* the query's shared answers and scores (up to budgets[nb-1] of them) */
    cs_pcg32 *rng;         /* this strategy's own stream for the query */
    cs_scratch *scratch;
    const size_t *budgets; /* nb budgets, increasing */
    size_t nb;
    double *score;         /* out: score[i] in [0,1] at budgets[i] */
    cs_record *rec;        /* out: the calls of budgets[i], added to (unless the type has record) */
} cs_strategy_ctx;

typedef struct cs_strategy_type {
    const char *name;
    const char *unit;   /* what budget N counts, for `callscale list` */
    const char *help;   /* one line */
    const char *source; /* the paper users know it from */
    const char *uses;   /* the settings sections it reads, for `callscale list` */
    const cs_param *params;
    size_t nparams;
    /* Simulate one query at every budget: writes ctx->score[i] and, unless the type has record,
    ** adds its calls to ctx->rec[i]. */
    void (*run)(const cs_strategy_ctx *ctx);
    /* Exact mode: the accuracy at budget K of a query with per-call accuracy p, from a context
    ** built for one component; NULL when the strategy has no exact form. */
    double (*exact)(const struct cs_exact_ctx *ctx, double p, size_t K);
    /* Exact mode: why this component's settings have no exact form (written into why), or 0 when
    ** they do. NULL: every component the exact sums accept is fine. */
    int (*exact_check)(const cs_strategy *s, const cs_component *c, char *why, size_t n);
    /* The calls of budget N, for a strategy whose calls do not depend on its draws: the runner
    ** adds them to each budget's record after run (which then records nothing), and exact mode
    ** takes them as they are. tokens: per answer generated; score_params: the model that scores
    ** an answer. NULL: run records its own calls, and exact mode needs cost. */
    void (*record)(const cs_strategy *s, const cs_settings *set, double tokens,
                   double score_params, size_t N, cs_record *rec);
    /* Exact mode, when record is NULL: the expected calls of budget K at per-call accuracy p,
    ** integrated over p like the accuracy. */
    void (*cost)(const struct cs_exact_ctx *ctx, double p, size_t K, cs_record *rec);
    const char *exact_when; /* for `callscale list`: the condition exact_check enforces */
    int exact_tables;       /* its exact form reads the vote win table (cs_exact_vote_win) */
    /* Exact mode, where the integral over a Beta(a, b) component has a closed form: the
    ** integral of the accuracy times the Beta density over p in [lo, hi]. NULL: quadrature. */
    double (*exact_beta)(const struct cs_exact_ctx *ctx, double a, double b, double lo, double hi,
                         size_t K);
    int needs_steps;        /* runs only in stepped experiments (tree search) */
    int draws;              /* what it reads of the shared samples: enum cs_draws */
    /* bytes of scratch->work one query needs at budgets up to kmax; NULL: none */
    size_t (*work_size)(const cs_strategy *s, size_t kmax);
} cs_strategy_type;

extern const cs_strategy_type *const cs_strategy_types[];
extern const size_t cs_strategy_ntypes;

const cs_strategy_type *cs_strategy_find(const char *name);

#endif
