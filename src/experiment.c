/*
** Experiments: an experiment file's sections and entries (inifile.c) validated into a
** cs_experiment, every error naming the file, the line and the key.
*/
#include <ctype.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/inifile.h"
#include "callscale/logpop.h"
#include "callscale/rules.h"
#include "callscale/strategy.h"
#include "number.h"

/* The text after prefix in s, or NULL when s does not start with it. */
static const char *after(const char *s, const char *prefix)
{
    size_t n = strlen(prefix);
    return strncmp(s, prefix, n) == 0 ? s + n : NULL;
}

/* ---- small parsers ----------------------------------------------------------------------- */

/* 2e5 and 1e6 as well as plain integers (experiment sizes are often written so), read exactly */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    return cs_number_whole(s, lo, hi, out) ? -1 : 0;
}

/* ---- keys of each section ---------------------------------------------------------------- */

typedef struct ctx {
    cs_inifile *r;
    cs_experiment *ex;
    cs_error *err;
} ctx;

static int bad(ctx *c, const cs_inifile_entry *e, const char *fmt, const char *a, const char *b)
{
    char msg[400];
    snprintf(msg, sizeof msg, fmt, a, b);
    return cs_error_set(c->err, CS_ERR_INPUT, e->file, e->line, "[%s] %s: %s", e->section, e->key,
                        msg);
}

/* Apply a settings key to set: in its own section (in_component 0), or in a component, spelled
** with the component prefix and recorded in its override mask. -1: not a settings key. */
static int apply_setting(ctx *c, cs_inifile_entry *e, cs_settings *set, int in_component, unsigned *mask)
{
    unsigned bit;
    const cs_param *p = cs_settings_key(in_component ? NULL : e->section, e->key, &bit);
    if (!p)
        return -1;
    char why[256];
    double v;
    if (cs_param_parse(p, e->value, &v, why, sizeof why))
        return bad(c, e, "%s", why, NULL);
    *cs_settings_at(set, p) = v;
    if (mask)
        *mask |= 1u << bit;
    e->used = 1;
    return 0;
}

static int experiment_key(ctx *c, cs_inifile_entry *e)
{
    cs_experiment *ex = c->ex;
    const char *v = e->value;
    e->used = 1;
    if (strcmp(e->key, "name") == 0) {
        /* config.ini writes it back as name = VALUE: ';' and '#' would read as a comment there */
        if (!*v || strlen(v) >= sizeof ex->name || strpbrk(v, ";#"))
            return bad(c, e, "a name of 1 to 127 characters, without ';' or '#', is needed", NULL,
                       NULL);
        snprintf(ex->name, sizeof ex->name, "%s", v);
    } else if (strcmp(e->key, "queries") == 0) {
        if (parse_u64(v, 1, (uint64_t)1 << 50, &ex->queries))
            return bad(c, e, "'%s' is not a whole number of queries >= 1", v, NULL);
    } else if (strcmp(e->key, "seed") == 0) {
        if (parse_u64(v, 0, UINT64_MAX, &ex->seed))
            return bad(c, e, "'%s' is not a whole number >= 0", v, NULL);
    } else if (strcmp(e->key, "budgets") == 0) {
        char why[400];
        size_t *b, n;
        if (cs_budgets_parse(v, &b, &n, why, sizeof why))
            return bad(c, e, "%s", why, NULL);
        free(ex->budgets);
        ex->budgets_line = strcmp(e->file, "--set") ? e->line : 0;
        ex->budgets = b;
        ex->nbudgets = n;
    } else if (strcmp(e->key, "answers") == 0) {
        uint64_t m;
        ex->answers_line = strcmp(e->file, "--set") ? e->line : 0;
        if (strcmp(v, "open") == 0)
            ex->answers = 0;
        else if (parse_u64(v, 2, CS_MAX_ANSWERS, &m) == 0)
            ex->answers = (int)m;
        else
            return bad(c, e, "'%s' is neither a whole number of answers in [2, 65535] nor 'open'", v,
                       NULL);
    } else if (strcmp(e->key, "sampler") == 0) {
        if (strcmp(v, "auto") == 0)
            ex->sampler = CS_SAMPLER_AUTO;
        else if (strcmp(v, "per_sample") == 0)
            ex->sampler = CS_SAMPLER_PER_SAMPLE;
        else if (strcmp(v, "multinomial") == 0)
            ex->sampler = CS_SAMPLER_MULTINOMIAL;
        else
            return bad(c, e, "'%s' is not auto, per_sample or multinomial", v, NULL);
    } else if (strcmp(e->key, "bins") == 0) {
        uint64_t n;
        if (strcmp(v, "components") == 0)
            ex->bins_kind = CS_BINS_COMPONENTS;
        else if (strncmp(v, "quantiles:", 10) == 0 && parse_u64(v + 10, 1, 100, &n) == 0) {
            ex->bins_kind = CS_BINS_QUANTILES;
            ex->nquantiles = (int)n;
        } else
            return bad(c, e, "'%s' is neither 'components' nor 'quantiles:N' with N in [1, 100]", v,
                       NULL);
    } else {
        e->used = 0;
        return bad(c, e, "unknown key; [experiment] takes name, queries, seed, budgets, answers, bins, sampler",
                   NULL, NULL);
    }
    return 0;
}

/* What a component takes: its own keys, and the settings it may override, by table. (The
** message once ended "... keys", cut off by a 400-byte buffer; it reads as it did then.) */
static void component_keys(char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "weight, p_correct, wrong, data, draw, and overrides of");
    for (size_t t = 0; t < cs_settings_ntables && at < n; t++) {
        const cs_settings_table *tb = &cs_settings_tables[t];
        at += (size_t)snprintf(buf + at, n - at, "%s %s (", t == 0 ? "" :
                               t + 1 == cs_settings_ntables ? " or" : ",", tb->section);
        for (size_t i = 0; i < *tb->n && at < n; i++)
            at += (size_t)snprintf(buf + at, n - at, "%s%s%s", i ? ", " : "",
                                   cs_settings_prefix(t, &tb->rows[i]), tb->rows[i].name);
        if (at < n)
            at += (size_t)snprintf(buf + at, n - at, ")");
    }
}

static int component_key(ctx *c, cs_inifile_entry *e, cs_component *k)
{
    const char *v = e->value;
    double x;
    char why[400];
    int rule = cs_rules_parse_p(c->ex, e->file, e->line, e->key, v, k, why, sizeof why);
    if (rule < 0)
        return bad(c, e, "%s", why, NULL);
    if (rule > 0) {
        e->used = 1;
        return 0;
    }
    if (strcmp(e->key, "weight") == 0) {
        if (cs_number_real(v, &x) || x < 0)
            return bad(c, e, "'%s' is not a weight >= 0", v, NULL);
        k->weight = x;
    } else if (strcmp(e->key, "draw") == 0) {
        if (strcmp(v, "replace") == 0)
            k->draw = CS_DRAW_REPLACE;
        else if (strcmp(v, "subsample") == 0)
            k->draw = CS_DRAW_SUBSAMPLE;
        else
            return bad(c, e, "'%s' is not replace or subsample", v, NULL);
    } else if (strcmp(e->key, "wrong") == 0) {
        if (cs_rules_parse_wrong(v, k, why, sizeof why))
            return bad(c, e, "%s", why, NULL);
    } else {
        int rc = apply_setting(c, e, &k->set, 1, &k->overridden);
        if (rc < 0) {
            char keys[600];
            component_keys(keys, sizeof keys);
            return cs_error_set(c->err, CS_ERR_INPUT, e->file, e->line,
                                "[%s] %s: unknown key; a population component takes %s",
                                e->section, e->key, keys);
        }
        return rc;
    }
    e->used = 1;
    return 0;
}

/* Snell et al.'s three ratios R = D_inference / D_pretrain in their comparison with a 14 times
** larger model. */
#define DEFAULT_RATIOS "0.16, 0.79, 22"

static int parse_ratios(const char *v, cs_large_model *m)
{
    size_t n = 0;
    const char *p = v;
    for (;;) {
        double x;
        if (cs_number_real_at(&p, &x) || !(x > 0) || n == CS_MAX_RATIOS)
            return -1;
        m->ratio[n++] = x;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return -1;
    }
    m->nratio = n;
    return 0;
}

static int large_model_key(ctx *c, cs_inifile_entry *e)
{
    cs_large_model *m = &c->ex->large;
    const char *v = e->value;
    e->used = 1;
    if (strcmp(e->key, "params") == 0) {
        double x;
        if (cs_number_real(v, &x) || !(x >= 1 && x <= 1e15))
            return bad(c, e, "'%s' is not a number of parameters in [1, 1e15]", v, NULL);
        m->params = x;
    } else if (strcmp(e->key, "p_correct") == 0) {
        /* the same rules as a component's p_correct (cs_large_model's fields mean the same) */
        cs_component law;
        char why[400];
        memset(&law, 0, sizeof law);
        if (cs_rules_parse_p(c->ex, e->file, e->line, e->key, v, &law, why, sizeof why) < 0)
            return bad(c, e, "%s", why, NULL);
        m->p_kind = law.p_kind;
        m->p = law.p;
        m->a = law.a;
        m->b = law.b;
    } else if (strcmp(e->key, "ratios") == 0) {
        if (parse_ratios(v, m))
            return bad(c, e, "'%s' is not a list of at most 16 positive numbers R = D_inference / "
                       "D_pretrain, e.g. 0.16, 0.79, 22", v, NULL);
    } else {
        e->used = 0;
        return bad(c, e, "unknown key; [large_model] takes params, p_correct, ratios", NULL, NULL);
    }
    return 0;
}

static int strategy_key(ctx *c, cs_inifile_entry *e, cs_strategy *s)
{
    const cs_strategy_type *t = s->type;
    for (size_t i = 0; i < t->nparams; i++)
        if (strcmp(t->params[i].name, e->key) == 0) {
            char why[256];
            if (cs_param_parse(&t->params[i], e->value, &s->value[i], why, sizeof why))
                return bad(c, e, "%s", why, NULL);
            e->used = 1;
            return 0;
        }
    char known[256] = "";
    for (size_t i = 0; i < t->nparams; i++) {
        strncat(known, i ? ", " : "; it takes ", sizeof known - strlen(known) - 1);
        strncat(known, t->params[i].name, sizeof known - strlen(known) - 1);
    }
    return bad(c, e, "unknown key for strategy %s%s", t->name,
               t->nparams ? known : "; it takes no parameters");
}


/* A key is idle in a component's section when that component's model does not read it, and in
** [prm] when no component's does (a component inherits [prm] unless it sets its own). */
int cs_experiment_key_idle(const cs_experiment *ex, const cs_component *own, const cs_param *p)
{
    for (size_t k = 0; k < ex->ncomp; k++)
        if ((!own || own == &ex->comp[k]) && !cs_settings_idle(&ex->comp[k].set, p))
            return 0;
    return 1;
}

/* A [prm] noise or estimate that applies to no component's model, or a component's own that its
** model does not read (cs_settings_idle). */
static int prm_keys_check(ctx *c)
{
    const size_t t = (size_t)cs_settings_find("prm");
    const cs_experiment *ex = c->ex;
    for (size_t i = 0; i < c->r->ne; i++) {
        cs_inifile_entry *e = &c->r->e[i];
        int global = strcmp(e->section, "prm") == 0;
        const char *name = after(e->section, CS_SECTION_POPULATION);
        const cs_component *own = NULL;
        if (!global && name)
            for (size_t k = 0; k < ex->ncomp; k++)
                if (strcmp(ex->comp[k].name, name) == 0)
                    own = &ex->comp[k];
        if (!global && !own)
            continue;
        for (size_t j = 0; j < cs_prm_nparams; j++) {
            const cs_param *p = &cs_prm_params[j];
            char key[64];
            snprintf(key, sizeof key, "%s%s", global ? "" : cs_settings_prefix(t, p), p->name);
            if (strcmp(key, e->key) != 0)
                continue;
            int idle = cs_experiment_key_idle(ex, global ? NULL : own, p);
            if (idle && p->offset == offsetof(cs_settings, prm_estimate))
                return bad(c, e, "estimate (soft or hard) is the rollout PRM's: it needs model = "
                           "rollouts(k) (the Gaussian model scores a prefix's value plus noise)",
                           NULL, NULL);
            if (idle)
                return bad(c, e, "noise is the Gaussian PRM's: with model = rollouts(k) the error "
                           "comes from the k rollouts (soft estimate s.d. sqrt(V(1-V)/k))", NULL, NULL);
        }
    }
    return 0;
}

static int is_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

/* ---- sections ---------------------------------------------------------------------------- */

/* What a section is: every pass over sections and entries asks here, so a new kind of section
** is one line in section_kind and one in the message of known_sections. */
enum section_kind {
    SEC_UNKNOWN, SEC_EXPERIMENT, SEC_SETTINGS, SEC_SERVING, SEC_CALIBRATE, SEC_LARGE_MODEL,
    SEC_POPULATION, SEC_STRATEGY
};

static enum section_kind section_kind(const char *n)
{
    if (strcmp(n, "experiment") == 0)
        return SEC_EXPERIMENT;
    if (cs_settings_find(n) >= 0)
        return SEC_SETTINGS;
    if (cs_serving_is_section(n))
        return SEC_SERVING;
    if (strcmp(n, "calibrate") == 0) /* read by calibrate.c */
        return SEC_CALIBRATE;
    if (strcmp(n, "large_model") == 0)
        return SEC_LARGE_MODEL;
    if (after(n, CS_SECTION_POPULATION))
        return SEC_POPULATION;
    if (after(n, CS_SECTION_STRATEGY))
        return SEC_STRATEGY;
    return SEC_UNKNOWN;
}

/* The sections a file may hold, for the message that refuses another ([calibrate] is
** calibrate.c's, described there; the serving sections are serving.c's). */
static void known_sections(char *buf, size_t n)
{
    size_t at = (size_t)snprintf(buf, n, "[experiment]");
    for (size_t t = 0; t < cs_settings_ntables && at < n; t++)
        at += (size_t)snprintf(buf + at, n - at, ", [%s]", cs_settings_tables[t].section);
    if (at < n)
        snprintf(buf + at, n - at, ", [" CS_SECTION_POPULATION "NAME], [" CS_SECTION_STRATEGY
                 "NAME], [large_model], [serving], [serving.reward], [serving.judge] and "
                 "[arrivals]");
}

/* A component as [population.NAME] starts it (and as a file without one has it): weight 1,
** p = 0.5, wrong answers uniform. */
static cs_component *component_add(cs_experiment *ex, const char *name, int line)
{
    cs_component *k = &ex->comp[ex->ncomp++];
    memset(k, 0, sizeof *k);
    snprintf(k->name, sizeof k->name, "%s", name);
    k->weight = 1;
    k->p_kind = CS_P_FIXED;
    k->p = 0.5;
    k->wrong_kind = CS_WRONG_UNIFORM;
    k->line = line;
    return k;
}

/* "NAME:LABEL" after "strategy.": the strategy's name into tname (cut to fit) and the label,
** or NULL when there is no ':' (the setting "default"). */
static const char *strategy_split(const char *rest, char tname[CS_NAME_MAX])
{
    const char *colon = strchr(rest, ':');
    size_t len = colon ? (size_t)(colon - rest) : strlen(rest);
    if (len >= CS_NAME_MAX)
        len = CS_NAME_MAX - 1;
    memcpy(tname, rest, len);
    tname[len] = '\0';
    return colon ? colon + 1 : NULL;
}

/* [population.NAME]: a component, with its defaults. */
static int population_section(ctx *c, const cs_inifile_section *s, const char *name)
{
    cs_experiment *ex = c->ex;
    const char *n = s->name;
    if (!is_name(name) || strlen(name) >= CS_NAME_MAX)
        return cs_error_set(c->err, CS_ERR_INPUT, s->file, s->line,
                            "[%s]: a component name is letters, digits, '_' or '-'", n);
    if (strcmp(name, "all") == 0)
        return cs_error_set(c->err, CS_ERR_INPUT, s->file, s->line,
                            "[%s]: 'all' names the whole population in results.csv; "
                            "choose another component name", n);
    if (ex->ncomp == CS_MAX_COMPONENTS)
        return cs_error_set(c->err, CS_ERR_INPUT, s->file, s->line,
                            "[%s]: at most %d population components", n, CS_MAX_COMPONENTS);
    component_add(ex, name, s->line);
    return 0;
}

/* [strategy.NAME] or [strategy.NAME:LABEL]: a strategy setting, with its parameters' defaults. */
static int strategy_section(ctx *c, const cs_inifile_section *s, const char *rest)
{
    cs_experiment *ex = c->ex;
    cs_error *err = c->err;
    const char *n = s->name;
    char tname[CS_NAME_MAX], label[CS_NAME_MAX] = "default";
    const char *given = strategy_split(rest, tname);
    if (given) {
        if (!is_name(given) || strlen(given) >= CS_NAME_MAX)
            return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                "[%s]: a setting label is letters, digits, '_' or '-'", n);
        snprintf(label, sizeof label, "%s", given);
    }
    const cs_strategy_type *t = cs_strategy_find(tname);
    if (!t) {
        char known[512] = "";
        for (size_t j = 0; j < cs_strategy_ntypes; j++) {
            strncat(known, j ? ", " : "", sizeof known - strlen(known) - 1);
            strncat(known, cs_strategy_types[j]->name, sizeof known - strlen(known) - 1);
        }
        return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                            "[%s]: unknown strategy '%s' (known: %s; see callscale list)", n,
                            tname, known);
    }
    if (ex->nstrat == CS_MAX_STRATEGIES)
        return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                            "[%s]: at most %d strategies", n, CS_MAX_STRATEGIES);
    for (size_t j = 0; j < ex->nstrat; j++)
        if (ex->strat[j].type == t && strcmp(ex->strat[j].label, label) == 0)
            return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                "[%s]: strategy %s with setting '%s' appears twice; give "
                                "each setting its own label, as [" CS_SECTION_STRATEGY "%s:NAME]",
                                n, tname, label, tname);
    cs_strategy *st = &ex->strat[ex->nstrat++];
    memset(st, 0, sizeof *st);
    st->type = t;
    snprintf(st->label, sizeof st->label, "%s", label);
    st->line = s->line;
    for (size_t j = 0; j < t->nparams; j++) {
        char why[128];
        if (cs_param_parse(&t->params[j], t->params[j].def, &st->value[j], why, sizeof why))
            return cs_error_set(err, CS_ERR_INPUT, s->file, s->line, "internal: default %s", why);
    }
    return 0;
}

/* What each section is, and the components and strategies they declare. */
static int declare_sections(ctx *c)
{
    cs_experiment *ex = c->ex;
    for (size_t i = 0; i < c->r->ns; i++) {
        const cs_inifile_section *s = &c->r->s[i];
        const char *n = s->name;
        int here = strcmp(s->file, "--set") != 0;
        switch (section_kind(n)) {
        case SEC_EXPERIMENT:
            if (here)
                ex->line = s->line;
            break;
        case SEC_SETTINGS:
            if (strcmp(n, "steps") == 0) {
                ex->stepped = 1;
                ex->steps_line = here ? s->line : 0;
            }
            break;
        case SEC_SERVING:
            (void)cs_serving_section(&ex->serving, n, s->file, s->line);
            break;
        case SEC_CALIBRATE:
            break;
        case SEC_LARGE_MODEL:
            ex->large.line = s->line;
            ex->large.p_kind = -1; /* p_correct is needed */
            (void)parse_ratios(DEFAULT_RATIOS, &ex->large);
            break;
        case SEC_POPULATION:
            if (population_section(c, s, after(n, CS_SECTION_POPULATION)))
                return CS_ERR_INPUT;
            break;
        case SEC_STRATEGY:
            if (strategy_section(c, s, after(n, CS_SECTION_STRATEGY)))
                return CS_ERR_INPUT;
            break;
        case SEC_UNKNOWN: {
            char known[512];
            known_sections(known, sizeof known);
            return cs_error_set(c->err, CS_ERR_INPUT, s->file, s->line,
                                "unknown section [%s]; sections are %s", n, known);
        }
        }
    }
    return 0;
}

/* Keys of the whole experiment's sections. */
static int global_keys(ctx *c)
{
    cs_experiment *ex = c->ex;
    for (size_t i = 0; i < c->r->ne; i++) {
        cs_inifile_entry *e = &c->r->e[i];
        if (e->section[0] == '\0')
            return cs_error_set(c->err, CS_ERR_INPUT, e->file, e->line,
                                "%s: key before any [section]", e->key);
        switch (section_kind(e->section)) {
        case SEC_EXPERIMENT:
            if (experiment_key(c, e))
                return CS_ERR_INPUT;
            break;
        case SEC_LARGE_MODEL:
            if (large_model_key(c, e))
                return CS_ERR_INPUT;
            break;
        case SEC_SERVING:
            if (cs_serving_key(&ex->serving, e->section, e->key, e->value, e->file, e->line,
                               c->err))
                return CS_ERR_INPUT;
            break;
        case SEC_SETTINGS: {
            int rc = apply_setting(c, e, &ex->global, 0, NULL);
            if (rc < 0)
                return bad(c, e, "unknown key (see callscale --help for the keys of each section)",
                           NULL, NULL);
            if (rc)
                return rc;
            break;
        }
        default:
            break;
        }
    }
    return 0;
}

/* Keys of components (which start from the final global settings) and strategies. */
static int own_keys(ctx *c)
{
    cs_experiment *ex = c->ex;
    for (size_t k = 0; k < ex->ncomp; k++)
        ex->comp[k].set = ex->global;
    for (size_t i = 0; i < c->r->ne; i++) {
        cs_inifile_entry *e = &c->r->e[i];
        const char *rest;
        if ((rest = after(e->section, CS_SECTION_POPULATION))) {
            for (size_t k = 0; k < ex->ncomp; k++)
                if (strcmp(ex->comp[k].name, rest) == 0 && component_key(c, e, &ex->comp[k]))
                    return CS_ERR_INPUT;
        } else if ((rest = after(e->section, CS_SECTION_STRATEGY))) {
            char tname[CS_NAME_MAX];
            const char *label = strategy_split(rest, tname);
            if (!label)
                label = "default";
            for (size_t k = 0; k < ex->nstrat; k++) {
                cs_strategy *st = &ex->strat[k];
                if (strcmp(st->type->name, tname) == 0 && strcmp(st->label, label) == 0 &&
                    strategy_key(c, e, st))
                    return CS_ERR_INPUT;
            }
        }
    }
    return 0;
}

/* What holds only of the whole: weights, strategies' needs, the larger model, the clock, logs. */
static int whole_checks(ctx *c)
{
    cs_experiment *ex = c->ex;
    cs_error *err = c->err;
    if (ex->ncomp == 0) /* a file with no population is a single fixed-p component */
        component_add(ex, "all-queries", 0)->set = ex->global;
    double total = 0;
    for (size_t k = 0; k < ex->ncomp; k++)
        total += ex->comp[k].weight;
    if (!(total > 0) || !isfinite(total))
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->comp[0].line,
                            "[population.*] weight: the weights sum to %g; they must sum to a "
                            "positive number", total);
    for (size_t k = 0; k < ex->ncomp; k++)
        ex->comp[k].share = ex->comp[k].weight / total;
    if (ex->nstrat == 0) {
        cs_strategy *st = &ex->strat[ex->nstrat++];
        memset(st, 0, sizeof *st);
        st->type = cs_strategy_find("vote");
        snprintf(st->label, sizeof st->label, "default");
    }
    for (size_t s = 0; s < ex->nstrat; s++)
        if (ex->strat[s].type->needs_steps && !ex->stepped)
            return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->strat[s].line,
                                "[strategy.%s] searches over steps: the experiment needs a [steps] "
                                "section (e.g. steps = 8) and usually a [prm]", ex->strat[s].type->name);
    for (size_t k = 0; k < ex->ncomp; k++)
        if (ex->comp[k].set.steps_max < ex->comp[k].set.steps)
            return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->comp[k].line,
                                "[steps] steps_max = %g is below steps = %g%s%s", ex->comp[k].set.steps_max,
                                ex->comp[k].set.steps, ex->ncomp > 1 ? " for component " : "",
                                ex->ncomp > 1 ? ex->comp[k].name : "");
    if (ex->large.line && !(ex->large.params > 0))
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->large.line,
                            "[large_model] params: the larger model's parameters are needed (e.g. "
                            "params = 9.8e10)");
    if (ex->large.line && ex->large.p_kind < 0)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->large.line,
                            "[large_model] p_correct: the larger model's per-call accuracy is needed "
                            "(a number or beta(a,b))");
    if (cs_serving_check(&ex->serving, (double)ex->queries, ex->file, err))
        return CS_ERR_INPUT;
    for (size_t k = 0; k < ex->ncomp; k++) {
        cs_component *cp = &ex->comp[k];
        if (cp->data[0] && cs_logpop_attach(ex, cp, err))
            return CS_ERR_INPUT;
        const cs_wrong_rule *rule = cs_rules_wrong_of(cp);
        char why[400];
        if (rule->check && rule->check(ex, cp, why, sizeof why))
            return cs_error_set(err, CS_ERR_INPUT, ex->file, cp->line, "%s", why);
    }
    return prm_keys_check(c);
}

/* Sections first, then the whole experiment's keys, then each component's and strategy's. */
static int build(ctx *c)
{
    if (declare_sections(c) || global_keys(c) || own_keys(c))
        return CS_ERR_INPUT;
    cs_settings_resolve(&c->ex->global);
    for (size_t k = 0; k < c->ex->ncomp; k++)
        cs_settings_resolve(&c->ex->comp[k].set);
    return whole_checks(c);
}

static void experiment_defaults(cs_experiment *ex, const char *path)
{
    memset(ex, 0, sizeof *ex);
    snprintf(ex->file, sizeof ex->file, "%s", path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(ex->name, sizeof ex->name, "%s", base);
    char *dot = strrchr(ex->name, '.');
    if (dot && dot != ex->name)
        *dot = '\0';
    ex->queries = 10000;
    ex->seed = 1;
    ex->answers = 2;
    ex->bins_kind = CS_BINS_COMPONENTS;
    char why[64];
    (void)cs_budgets_parse("1..64 x2", &ex->budgets, &ex->nbudgets, why, sizeof why);
    (void)cs_settings_defaults(&ex->global);
    cs_serving_defaults(&ex->serving);
}

static int load_experiment(cs_experiment *ex, const char *path, const char *text, size_t len,
                           const char *const *overrides, size_t noverrides, cs_error *err,
                           int from_text)
{
    /* --set changes an experiment; it does not add components or strategies */
    static const char *const closed[] = {CS_SECTION_POPULATION, CS_SECTION_STRATEGY};
    experiment_defaults(ex, path);
    ex->from_text = from_text;
    cs_inifile r;
    int rc = cs_inifile_read(&r, ex->file, text, len, err);
    if (!rc)
        rc = cs_inifile_override(&r, overrides, noverrides, closed, 2, err);
    if (!rc) {
        ctx c = {&r, ex, err};
        rc = build(&c);
    }
    cs_inifile_free(&r);
    return rc;
}

/* A name (a path) the records cannot hold is refused, not truncated. */
static int name_too_long(cs_experiment *ex, const char *name, cs_error *err)
{
    if (strlen(name) <= CS_PATH_LONGEST)
        return 0;
    memset(ex, 0, sizeof *ex);
    cs_error_set(err, CS_ERR_INPUT, NULL, 0, "the experiment file's path is longer than %d characters",
                 CS_PATH_LONGEST);
    return 1;
}

int cs_experiment_load_text(cs_experiment *ex, const char *name, const char *text, size_t len,
                            const char *const *overrides, size_t noverrides, cs_error *err)
{
    if (name_too_long(ex, name, err))
        return CS_ERR_INPUT;
    int rc = load_experiment(ex, name, text, len, overrides, noverrides, err, 1);
    if (rc)
        cs_experiment_free(ex); /* the defaults own a budget list even when the file is bad */
    return rc;
}

int cs_experiment_load(cs_experiment *ex, const char *path, const char *const *overrides,
                       size_t noverrides, cs_error *err)
{
    char *text = NULL;
    size_t len = 0;
    if (name_too_long(ex, path, err))
        return CS_ERR_INPUT;
    int rc = cs_inifile_slurp(path, CS_EXPERIMENT_MAX_BYTES, &text, &len, err);
    if (rc) {
        memset(ex, 0, sizeof *ex);
        return rc;
    }
    rc = load_experiment(ex, path, text, len, overrides, noverrides, err, 0);
    if (rc)
        cs_experiment_free(ex); /* the defaults own a budget list even when the file is bad */
    free(text);
    return rc;
}

void cs_experiment_free(cs_experiment *ex)
{
    for (size_t k = 0; k < ex->ncomp && k < CS_MAX_COMPONENTS; k++) {
        cs_logpop_free(ex->comp[k].logpop);
        ex->comp[k].logpop = NULL;
    }
    free(ex->budgets);
    ex->budgets = NULL;
    ex->nbudgets = 0;
}

size_t cs_experiment_nbins(const cs_experiment *ex)
{
    return ex->bins_kind == CS_BINS_COMPONENTS ? ex->ncomp : (size_t)ex->nquantiles;
}

void cs_experiment_bin_name(const cs_experiment *ex, size_t bin, char *buf, size_t n)
{
    if (ex->bins_kind == CS_BINS_COMPONENTS)
        snprintf(buf, n, "%s", ex->comp[bin].name);
    else
        snprintf(buf, n, "q%zu", bin + 1);
}
