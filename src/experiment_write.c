/*
** config.ini: an experiment written back as an experiment file, every key with its effective
** value (overrides applied, defaults filled in), so the run it describes can be repeated.
*/
#include <stdio.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/rules.h"
#include "callscale/strategy.h"

static void write_settings(FILE *f, const cs_experiment *ex, const cs_component *own, size_t t)
{
    const cs_settings *set = own ? &own->set : &ex->global, *global = &ex->global;
    int in_component = own != NULL;
    unsigned mask = own ? own->overridden : 0;
    unsigned bit = 0;
    for (size_t u = 0; u < t; u++)
        bit += (unsigned)*cs_settings_tables[u].n;
    for (size_t i = 0; i < *cs_settings_tables[t].n; i++, bit++) {
        const cs_param *p = &cs_settings_tables[t].rows[i];
        double value = cs_settings_get(set, p);
        /* also write what differs without being set here: judge tokens that follow the
        ** component's own generator */
        if (in_component && !(mask & (1u << bit)) &&
            value == cs_settings_get(global, p))
            continue;
        if (cs_experiment_key_idle(ex, own, p))
            continue;
        char v[64];
        cs_param_format(p, value, v, sizeof v);
        fprintf(f, "%s%s = %s\n", in_component ? cs_settings_prefix(t, p) : "", p->name, v);
    }
}

int cs_experiment_write(const cs_experiment *ex, FILE *f)
{
    fprintf(f, "; effective configuration of %s: overrides applied, defaults filled in\n", ex->file);
    fprintf(f, "[experiment]\nname = %s\nqueries = %llu\nseed = %llu\nbudgets = ", ex->name,
            (unsigned long long)ex->queries, (unsigned long long)ex->seed);
    for (size_t i = 0; i < ex->nbudgets; i++)
        fprintf(f, "%s%zu", i ? "," : "", ex->budgets[i]);
    fprintf(f, "\n");
    if (ex->answers)
        fprintf(f, "answers = %d\n", ex->answers);
    else
        fprintf(f, "answers = open\n");
    if (ex->bins_kind == CS_BINS_COMPONENTS)
        fprintf(f, "bins = components\n");
    else
        fprintf(f, "bins = quantiles:%d\n", ex->nquantiles);
    static const char *const samplers[] = {"auto", "per_sample", "multinomial"};
    fprintf(f, "sampler = %s\n", samplers[ex->sampler]);
    for (size_t t = 0; t < cs_settings_ntables; t++) {
        if (!ex->stepped && cs_settings_tables[t].stepped_only)
            continue; /* [steps] makes an experiment stepped: write it only for one that is */
        fprintf(f, "\n[%s]\n", cs_settings_tables[t].section);
        write_settings(f, ex, NULL, t);
    }
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        fprintf(f, "\n[" CS_SECTION_POPULATION "%s]\nweight = %.15g\n", c->name, c->weight);
        char wrong[64];
        cs_rules_p_of(c)->write(c, f);
        cs_rules_wrong_of(c)->format(c->wrong_param, wrong, sizeof wrong);
        fprintf(f, "wrong = %s\n", wrong);
        for (size_t t = 0; t < cs_settings_ntables; t++)
            if (ex->stepped || !cs_settings_tables[t].stepped_only)
                write_settings(f, ex, c, t);
    }
    if (ex->large.line) {
        const cs_large_model *m = &ex->large;
        fprintf(f, "\n[large_model]\nparams = %.15g\n", m->params);
        cs_component law; /* the larger model's p_correct, written by its rule */
        memset(&law, 0, sizeof law);
        law.p_kind = m->p_kind;
        law.p = m->p;
        law.a = m->a;
        law.b = m->b;
        cs_rules_p_of(&law)->write(&law, f);
        fprintf(f, "ratios = ");
        for (size_t i = 0; i < m->nratio; i++)
            fprintf(f, "%s%.15g", i ? ", " : "", m->ratio[i]);
        fprintf(f, "\n");
    }
    cs_serving_write(&ex->serving, f);
    for (size_t s = 0; s < ex->nstrat; s++) {
        const cs_strategy *st = &ex->strat[s];
        if (strcmp(st->label, "default") == 0)
            fprintf(f, "\n[" CS_SECTION_STRATEGY "%s]\n", st->type->name);
        else
            fprintf(f, "\n[" CS_SECTION_STRATEGY "%s:%s]\n", st->type->name, st->label);
        for (size_t i = 0; i < st->type->nparams; i++) {
            char v[64];
            cs_param_format(&st->type->params[i], st->value[i], v, sizeof v);
            fprintf(f, "%s = %s\n", st->type->params[i].name, v);
        }
    }
    return ferror(f) ? CS_ERR_IO : 0;
}
