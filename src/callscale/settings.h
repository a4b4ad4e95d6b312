/*
** Model settings: the generator's, judge's, verifier's, revisions', step model's and PRM's keys as
** cs_param rows, grouped in the sections an experiment file names and a component may override.
*/
#ifndef CALLSCALE_SETTINGS_H
#define CALLSCALE_SETTINGS_H

#include <stddef.h>
#include "callscale/param.h"

/* Settings that a population component may override: the generator's, the judge's and the
** verifier's. Each lives in a table (generator, judge, verifier) of cs_param rows. */
typedef struct cs_settings {
    double gen_tokens, gen_params;
    double tpr, fpr, judge_tokens, judge_params;
    double separation, answer_noise, sample_noise, verifier_params;
    double steps, steps_max, recover;                     /* the step model */
    double prm_noise, trap, trap_score, rho, agg, prm_params; /* the process reward model */
    double prm_rollouts, prm_estimate; /* its labels: k rollouts, or a word (< 0): Gaussian */
    double fix, fix_power, fix_decay, rev_break, stick;       /* revisions ([revise]) */
    double trap_power; /* the PRM's traps: trap * p^trap_power per step (0: the same on every query) */
} cs_settings;

/* How a chain's step scores aggregate (the [prm] agg key). */
enum cs_agg { CS_AGG_LAST, CS_AGG_MIN, CS_AGG_PROD, CS_AGG_MEAN };
/* What a rollout PRM's score of a prefix is ([prm] estimate, with model = rollouts(k)): the
** fraction of its k rollouts that end right, or whether any does (Math-Shepherd's soft and hard
** estimates). */
enum cs_estimate { CS_ESTIMATE_SOFT, CS_ESTIMATE_HARD };

extern const cs_param cs_generator_params[];
extern const cs_param cs_judge_params[];
extern const cs_param cs_verifier_params[];
extern const cs_param cs_steps_params[];
extern const cs_param cs_prm_params[];
extern const cs_param cs_revise_params[];
extern const size_t cs_generator_nparams, cs_judge_nparams, cs_verifier_nparams, cs_steps_nparams,
    cs_prm_nparams, cs_revise_nparams;

/* A settings section: its rows, and the prefix its ambiguous keys (tokens, params, noise) take
** inside a component, where judge and generator would otherwise share key names. */
typedef struct cs_settings_table {
    const char *section;
    const cs_param *rows;
    const size_t *n;
    const char *component_prefix;
    int stepped_only; /* [steps] and [prm]: written and read for stepped experiments only */
} cs_settings_table;

/* The settings sections, in the order config.ini writes them; bit i of a component's override
** mask is row i counted across them in this order. */
extern const cs_settings_table cs_settings_tables[];
extern const size_t cs_settings_ntables;

/* Index of the table a section holds, or -1. */
int cs_settings_find(const char *section);

/* The prefix row p of table t takes inside a component ("" for keys no other table shares). */
const char *cs_settings_prefix(size_t t, const cs_param *p);

/* The row key names in section (or, with section NULL, inside a component, prefixed), and its
** bit in the override mask; NULL when no table has it. */
const cs_param *cs_settings_key(const char *section, const char *key, unsigned *bit);

/* Where row p's value lives in set. */
static inline double *cs_settings_at(cs_settings *set, const cs_param *p)
{
    return (double *)((char *)set + p->offset);
}
static inline double cs_settings_get(const cs_settings *set, const cs_param *p)
{
    return *(const double *)((const char *)set + p->offset);
}

/* Every row's default; 0, or -1 if a default does not parse (a bug in a table). */
int cs_settings_defaults(cs_settings *set);

/* Replace the "generator" and "steps" defaults (stored as < 0) by the values they follow. */
void cs_settings_resolve(cs_settings *set);

/* A [prm] row one PRM model does not read: noise is the Gaussian model's, estimate the rollouts'. */
int cs_settings_idle(const cs_settings *set, const cs_param *p);

#endif
