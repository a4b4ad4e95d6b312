/*
** Labels of a table of cells (results.csv's or latency.csv's): names copied out of the
** experiment, and the cell of an index triple or of names.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/strategy.h"
#include "labels.h"

int cs_labels_init(cs_labels *l, const cs_experiment *ex)
{
    l->nstrat = ex->nstrat;
    l->nbudgets = ex->nbudgets;
    l->nbins = cs_experiment_nbins(ex) + 1;
    l->strategy = malloc((l->nstrat ? l->nstrat : 1) * sizeof *l->strategy);
    l->setting = malloc((l->nstrat ? l->nstrat : 1) * sizeof *l->setting);
    l->budget = malloc((l->nbudgets ? l->nbudgets : 1) * sizeof *l->budget);
    l->bin = malloc(l->nbins * sizeof *l->bin);
    if (!l->strategy || !l->setting || !l->budget || !l->bin) {
        cs_labels_free(l);
        return 1;
    }
    for (size_t s = 0; s < l->nstrat; s++) {
        l->strategy[s] = ex->strat[s].type->name;
        snprintf(l->setting[s], sizeof l->setting[s], "%s", ex->strat[s].label);
    }
    memcpy(l->budget, ex->budgets, l->nbudgets * sizeof *l->budget);
    snprintf(l->bin[0], sizeof l->bin[0], "all");
    for (size_t i = 1; i < l->nbins; i++)
        cs_experiment_bin_name(ex, i - 1, l->bin[i], sizeof l->bin[i]);
    return 0;
}

void cs_labels_free(cs_labels *l)
{
    free(l->strategy);
    free(l->setting);
    free(l->budget);
    free(l->bin);
    memset(l, 0, sizeof *l);
}

long cs_labels_cell(const cs_labels *l, size_t s, size_t b, size_t bin)
{
    if (s >= l->nstrat || b >= l->nbudgets || bin >= l->nbins)
        return -1;
    return (long)((s * l->nbudgets + b) * l->nbins + bin);
}

long cs_labels_find(const cs_labels *l, const char *strategy, const char *setting, size_t budget,
                    const char *bin)
{
    if (!strategy)
        return -1;
    setting = setting ? setting : "default";
    bin = bin ? bin : "all";
    size_t s = 0, b = 0, k = 0;
    while (s < l->nstrat &&
           !(strcmp(l->strategy[s], strategy) == 0 && strcmp(l->setting[s], setting) == 0))
        s++;
    while (b < l->nbudgets && l->budget[b] != budget)
        b++;
    while (k < l->nbins && strcmp(l->bin[k], bin) != 0)
        k++;
    return cs_labels_cell(l, s, b, k);
}
