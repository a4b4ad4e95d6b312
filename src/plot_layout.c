/*
** The figures' layout: results.csv's curves indexed as the templates index them (strategy
** setting, then bin with 'all' first), the order that keeps colours the same across figures.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "plot_layout.h"

void cs_plot_layout_free(cs_plot_layout *l)
{
    free(l->strat);
    free(l->bin);
    l->strat = NULL;
    l->bin = NULL;
}

int cs_plot_layout_make(const cs_results_file *t, cs_plot_layout *l, cs_error *err)
{
    memset(l, 0, sizeof *l);
    l->strat = malloc(t->n * sizeof *l->strat);
    l->bin = malloc((t->n + 1) * sizeof *l->bin);
    if (!l->strat || !l->bin) {
        cs_plot_layout_free(l);
        return cs_error_set(err, CS_ERR_NOMEM, t->path, 0, "out of memory");
    }
    snprintf(l->bin[0], CS_NAME_MAX, "all");
    for (size_t i = 0; i < t->n; i++) {
        const cs_results_curve *c = &t->c[i];
        size_t s;
        for (s = 0; s < l->nstrat; s++)
            if (!strcmp(l->strat[s]->strategy, c->strategy) && !strcmp(l->strat[s]->setting, c->setting))
                break;
        if (s == l->nstrat)
            l->strat[l->nstrat++] = c;
        size_t b;
        for (b = 0; b <= l->nbins; b++)
            if (!strcmp(l->bin[b], c->bin))
                break;
        if (b > l->nbins)
            snprintf(l->bin[++l->nbins], CS_NAME_MAX, "%s", c->bin);
    }
    for (size_t s = 0; s < l->nstrat; s++)
        for (size_t b = 0; b <= l->nbins; b++)
            if (!cs_plot_layout_curve(t, l, s, b)) {
                int rc = cs_error_set(err, CS_ERR_INPUT, t->path, 0,
                                      "no rows for strategy %s, setting %s, bin %s",
                                      l->strat[s]->strategy, l->strat[s]->setting, l->bin[b]);
                cs_plot_layout_free(l);
                return rc;
            }
    return 0;
}

const cs_results_curve *cs_plot_layout_curve(const cs_results_file *t, const cs_plot_layout *l,
                                             size_t s, size_t b)
{
    return cs_results_read_find(t, l->strat[s]->strategy, l->strat[s]->setting, l->bin[b]);
}
