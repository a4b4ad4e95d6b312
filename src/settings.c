/*
** Model settings: the parameter rows of [generator], [judge], [verifier], [revise], [steps] and
** [prm], their defaults, and the names their keys take inside a population component.
*/
#include <stdio.h>
#include <string.h>
#include "callscale/settings.h"

#define S(field) offsetof(cs_settings, field)

const cs_param cs_generator_params[] = {
    {"tokens", "300", 1, 1e9, 0, NULL, S(gen_tokens), "output tokens per call (per step in the step model)"},
    {"params", "7e9", 1, 1e15, 0, NULL, S(gen_params), "model parameters, for FLOPs = 2 * params * tokens"},
};
const cs_param cs_judge_params[] = {
    {"tpr", "0.8", 0, 1, 0, NULL, S(tpr), "P(judge says correct | answer correct)"},
    {"fpr", "0.3", 0, 1, 0, NULL, S(fpr), "P(judge says correct | answer wrong)"},
    {"tokens", "generator", 1, 1e9, 0, "generator", S(judge_tokens), "tokens per judge call"},
    {"params", "generator", 1, 1e15, 0, "generator", S(judge_params), "judge model parameters"},
};
const cs_param cs_verifier_params[] = {
    {"separation", "1", -1e6, 1e6, 0, NULL, S(separation), "mean score gap between correct and wrong samples"},
    {"answer_noise", "0.5", 0, 1e6, 0, NULL, S(answer_noise), "s.d. of a bias fixed per (query, answer)"},
    {"sample_noise", "1", 0, 1e6, 0, NULL, S(sample_noise), "s.d. of per-sample score noise"},
    {"params", "generator", 1, 1e15, 0, "generator", S(verifier_params), "reward model parameters (a score call reads the answer: FLOPs = 2 * params * tokens)"},
};
const cs_param cs_steps_params[] = {
    {"steps", "8", 1, 64, 1, NULL, S(steps), "steps per solution, L (per query: uniform in [steps, steps_max])"},
    {"steps_max", "steps", 1, 64, 1, "steps", S(steps_max), "largest L; 'steps' for a fixed L"},
    {"recover", "0", 0, 1, 0, NULL, S(recover), "chance per step that a derailed prefix gets back on track"},
};
const cs_param cs_prm_params[] = {
    {"noise", "0.5", 0, 1e3, 0, NULL, S(prm_noise), "s.d. of the PRM's error on a prefix's value (model = gaussian)"},
    {"trap", "0", 0, 1, 0, NULL, S(trap), "chance per step of a degenerate step the PRM over-rates"},
    {"trap_score", "0.3", -1e3, 1e3, 0, NULL, S(trap_score), "how far above an honest on-track step the PRM puts a trap"},
    {"trap_power", "0", 0, 100, 0, NULL, S(trap_power), "0: the trap chance is the same on every query; k > 0: trap * p^k per step, so easy questions meet more traps"},
    {"rho", "0", 0, 0.999, 0, NULL, S(rho), "correlation of a step's PRM error with its parent's (inherited bias; the root's error is 0, so at depth d the error's s.d. is noise * sqrt(1 - rho^(2d)))"},
    {"agg", "last", CS_WORDS_ONLY, 0, "last|min|prod|mean", S(agg), "how a chain's step scores aggregate"},
    {"params", "generator", 1, 1e15, 0, "generator", S(prm_params), "PRM parameters (a score call reads the prefix)"},
    {"model", "gaussian", 1, 1e6, 1, "gaussian|rollouts(k)", S(prm_rollouts), "gaussian: a prefix's value plus noise; rollouts(k): Math-Shepherd's estimate from k rollouts (soft s.d. sqrt(V(1-V)/k), 0.5/sqrt(k) at V = 1/2)"},
    {"estimate", "soft", CS_WORDS_ONLY, 0, "soft|hard", S(prm_estimate), "with model = rollouts(k): soft, the fraction of the k rollouts that end right; hard, 1 if any does"},
};
const cs_param cs_revise_params[] = {
    {"fix", "0.3", 0, 1, 0, NULL, S(fix), "chance that a revision turns a wrong answer right (times p^fix_power)"},
    {"fix_power", "0", 0, 100, 0, NULL, S(fix_power), "0: fix is the same on every query; k > 0: fix * p^k, so hard questions are rarely fixed"},
    {"break", "0.1", 0, 1, 0, NULL, S(rev_break), "chance that a revision turns a right answer wrong"},
    {"fix_decay", "1", 0, 1, 0, NULL, S(fix_decay), "the fix chance's factor per revision: 1, every revision alike; d < 1, revision t fixes with chance fix * p^fix_power * d^(t-1) (a chain's returns diminish)"},
    {"stick", "0", 0, 1, 0, NULL, S(stick), "chance that a wrong answer not fixed stays the same wrong answer (else a fresh wrong one)"},
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
const size_t cs_generator_nparams = NELEM(cs_generator_params);
const size_t cs_judge_nparams = NELEM(cs_judge_params);
const size_t cs_verifier_nparams = NELEM(cs_verifier_params);
const size_t cs_steps_nparams = NELEM(cs_steps_params);
const size_t cs_prm_nparams = NELEM(cs_prm_params);
const size_t cs_revise_nparams = NELEM(cs_revise_params);
/* A component's overrides are a bit per settings key (cs_component.overridden, an unsigned). */
_Static_assert(NELEM(cs_generator_params) + NELEM(cs_judge_params) + NELEM(cs_verifier_params) +
                       NELEM(cs_steps_params) + NELEM(cs_prm_params) + NELEM(cs_revise_params) <=
                   32,
               "a bit of cs_component.overridden for every settings key");

const cs_settings_table cs_settings_tables[] = {
    {"generator", cs_generator_params, &cs_generator_nparams, "", 0},
    {"judge", cs_judge_params, &cs_judge_nparams, "judge_", 0},
    {"verifier", cs_verifier_params, &cs_verifier_nparams, "verifier_", 0},
    {"revise", cs_revise_params, &cs_revise_nparams, "", 0},
    {"steps", cs_steps_params, &cs_steps_nparams, "", 1},
    {"prm", cs_prm_params, &cs_prm_nparams, "prm_", 1},
};
const size_t cs_settings_ntables = NELEM(cs_settings_tables);

int cs_settings_find(const char *section)
{
    for (int t = 0; t < (int)NELEM(cs_settings_tables); t++)
        if (strcmp(section, cs_settings_tables[t].section) == 0)
            return t;
    return -1;
}

/* Only keys that would be ambiguous inside a component (tokens, params, noise) need the prefix. */
const char *cs_settings_prefix(size_t t, const cs_param *p)
{
    return (strcmp(p->name, "tokens") == 0 || strcmp(p->name, "params") == 0 ||
            strcmp(p->name, "noise") == 0)
               ? cs_settings_tables[t].component_prefix
               : "";
}

const cs_param *cs_settings_key(const char *section, const char *key, unsigned *bit)
{
    unsigned b = 0;
    for (size_t t = 0; t < NELEM(cs_settings_tables); t++) {
        for (size_t i = 0; i < *cs_settings_tables[t].n; i++, b++) {
            const cs_param *p = &cs_settings_tables[t].rows[i];
            char name[64];
            if (!section)
                snprintf(name, sizeof name, "%s%s", cs_settings_prefix(t, p), p->name);
            else if (strcmp(section, cs_settings_tables[t].section) != 0)
                continue;
            else
                snprintf(name, sizeof name, "%s", p->name);
            if (strcmp(name, key) != 0)
                continue;
            if (bit)
                *bit = b;
            return p;
        }
    }
    return NULL;
}

int cs_settings_defaults(cs_settings *set)
{
    for (size_t t = 0; t < NELEM(cs_settings_tables); t++)
        for (size_t i = 0; i < *cs_settings_tables[t].n; i++) {
            const cs_param *p = &cs_settings_tables[t].rows[i];
            double v;
            char why[128];
            if (cs_param_parse(p, p->def, &v, why, sizeof why))
                return -1;
            *cs_settings_at(set, p) = v;
        }
    return 0;
}

void cs_settings_resolve(cs_settings *s)
{
    /* "generator": the same as the generator's */
    if (s->judge_tokens < 0)
        s->judge_tokens = s->gen_tokens;
    if (s->judge_params < 0)
        s->judge_params = s->gen_params;
    if (s->verifier_params < 0)
        s->verifier_params = s->gen_params;
    if (s->prm_params < 0)
        s->prm_params = s->gen_params;
    if (s->steps_max < 0)
        s->steps_max = s->steps;
}

/* config.ini leaves such keys out where they do not apply, and a file that sets one where it
** cannot apply is refused, rather than silently ignored. */
int cs_settings_idle(const cs_settings *set, const cs_param *p)
{
    if (p->offset == S(prm_estimate))
        return !(set->prm_rollouts > 0);
    if (p == &cs_prm_params[0]) /* noise */
        return set->prm_rollouts > 0;
    return 0;
}
