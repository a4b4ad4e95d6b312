/*
** A validated experiment: population components, model settings, strategies and budgets, built
** from an experiment file (experiment.c) and read by everything downstream.
*/
#ifndef CALLSCALE_EXPERIMENT_H
#define CALLSCALE_EXPERIMENT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "callscale/budgets.h"
#include "callscale/error.h"
#include "callscale/param.h"
#include "callscale/serving.h"
#include "callscale/settings.h"

#define CS_MAX_COMPONENTS 32
#define CS_MAX_STRATEGIES 48
#define CS_MAX_PARAMS 8
#define CS_NAME_MAX 64
/* The sections that declare a component or a strategy setting: population.NAME,
** strategy.NAME[:LABEL]. */
#define CS_SECTION_POPULATION "population."
#define CS_SECTION_STRATEGY "strategy."
/* Answers are stored as 16-bit indices in the sample buffer. */
#define CS_MAX_ANSWERS 65535

/* The population rules: rows of rules.c's tables (cs_rules_p, cs_rules_wrong), in this order. */
enum cs_p_kind { CS_P_FIXED, CS_P_BETA, CS_P_LOG };
enum cs_wrong_kind { CS_WRONG_UNIFORM, CS_WRONG_DIRICHLET, CS_WRONG_ZIPF };

typedef struct cs_component {
    char name[CS_NAME_MAX];
    double weight;  /* as given; the experiment's weights are normalised in `share` */
    double share;   /* weight / sum of weights */
    int p_kind;     /* enum cs_p_kind: a row of cs_rules_p */
    double p;       /* CS_P_FIXED */
    double a, b;    /* CS_P_BETA */
    int wrong_kind; /* enum cs_wrong_kind */
    double wrong_param; /* dirichlet concentration c, or zipf exponent s */
    unsigned overridden; /* bit i set: settings key i of the combined tables was set here */
    cs_settings set;     /* the global settings with this component's overrides applied */
    int line;
    /* data = FILE: a log's queries stand in for p and pi (logpop.h); owned, NULL otherwise */
    struct cs_logpop *logpop;
    char data[512];      /* the log's path, relative paths taken from the experiment's folder */
    int draw;            /* enum cs_draw: replace or subsample */
    int data_line;
} cs_component;

struct cs_strategy_type;

typedef struct cs_strategy {
    const struct cs_strategy_type *type;
    char label[CS_NAME_MAX]; /* the setting: text after ':' in the section name, or "default" */
    double value[CS_MAX_PARAMS]; /* one per row of type->params */
    int line;
} cs_strategy;

enum cs_bins_kind { CS_BINS_COMPONENTS, CS_BINS_QUANTILES };

/* auto: one by one, then multinomial increments where budgets are far apart (and only counts are
** read); the other two force one path everywhere it is possible, to compare them. */
enum cs_sampler { CS_SAMPLER_AUTO, CS_SAMPLER_PER_SAMPLE, CS_SAMPLER_MULTINOMIAL };

#define CS_MAX_RATIOS 16

/* A larger model to weigh against test-time compute ([large_model], Snell et al. 2024): its
** parameters and its per-call accuracy, a number or a Beta law coupled to the population's by rank
** (a question at quantile u of the small model's p is at quantile u of the large model's), and the
** ratios R = D_inference / D_pretrain at which to compare FLOPs. */
typedef struct cs_large_model {
    int line;      /* where [large_model] is, or 0: none */
    double params;
    int p_kind;    /* enum cs_p_kind */
    double p, a, b;
    double ratio[CS_MAX_RATIOS];
    size_t nratio;
} cs_large_model;

typedef struct cs_experiment {
    char name[128];
    char file[CS_PATH_MAX];
    uint64_t queries;
    uint64_t seed;
    int line, budgets_line, answers_line; /* where [experiment], budgets and answers are, or 0 */
    int steps_line;                       /* where [steps] is, or 0 */
    size_t *budgets; /* strictly increasing, owned */
    size_t nbudgets;
    int answers;     /* M >= 2, or 0 for an open answer space */
    int bins_kind;   /* enum cs_bins_kind */
    int stepped;     /* a [steps] section: solutions are chains of steps scored by a PRM */
    int sampler;     /* enum cs_sampler: how shared samples are drawn */
    int nquantiles;
    cs_settings global;
    cs_component comp[CS_MAX_COMPONENTS];
    size_t ncomp;
    cs_strategy strat[CS_MAX_STRATEGIES];
    size_t nstrat;
    cs_large_model large;
    cs_serving serving; /* [serving] and [arrivals]: the clock (serving.line = 0: none) */
    int from_text; /* loaded from a string: no file it names (data = FILE) is read */
} cs_experiment;

/* A --set override: "section.key=value"; the section may itself hold dots (population.easy). */
typedef struct cs_override {
    const char *text;
} cs_override;

/* Read and validate an experiment file, applying overrides in order. On error returns non-zero and
** fills err with the file, line and a message naming the key. */
int cs_experiment_load(cs_experiment *ex, const char *path, const char *const *overrides,
                       size_t noverrides, cs_error *err);

/* The same from text in memory (len bytes, not necessarily NUL-terminated); name stands for the
** file in messages and in config.ini. */
int cs_experiment_load_text(cs_experiment *ex, const char *name, const char *text, size_t len,
                            const char *const *overrides, size_t noverrides, cs_error *err);

/* An experiment file larger than this is refused (it is text a person wrote). */
#define CS_EXPERIMENT_MAX_BYTES (16 << 20)
void cs_experiment_free(cs_experiment *ex);

/* Write the effective configuration (every key, defaults included) as an experiment file
** (experiment_write.c). */
int cs_experiment_write(const cs_experiment *ex, FILE *f);

/* Number of bins (not counting "all") and the name of bin i. */
size_t cs_experiment_nbins(const cs_experiment *ex);
void cs_experiment_bin_name(const cs_experiment *ex, size_t bin, char *buf, size_t n);

/* Whether settings row p is idle (cs_settings_idle) for component own, or with own NULL for
** every component: config.ini leaves it out, and a file that sets it is refused. */
int cs_experiment_key_idle(const cs_experiment *ex, const struct cs_component *own,
                           const cs_param *p);

#endif
