/*
** An experiment's strategy settings, budgets and bins, copied for the objects that outlive it,
** and a table's cells found by index or by name.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/strategy.h"
#include "names.h"

int cs_names_copy(cs_names *n, const cs_experiment *ex)
{
    n->nstrat = ex->nstrat;
    n->nbudgets = ex->nbudgets;
    n->strategy = malloc((ex->nstrat ? ex->nstrat : 1) * sizeof *n->strategy);
    n->setting = malloc((ex->nstrat ? ex->nstrat : 1) * sizeof *n->setting);
    n->budget = malloc((ex->nbudgets ? ex->nbudgets : 1) * sizeof *n->budget);
    n->nbins = cs_experiment_nbins(ex) + 1;
    n->bin = malloc(n->nbins * sizeof *n->bin);
    if (!n->strategy || !n->setting || !n->budget || !n->bin) {
        cs_names_free(n);
        return -1;
    }
    for (size_t s = 0; s < ex->nstrat; s++) {
        n->strategy[s] = ex->strat[s].type->name;
        snprintf(n->setting[s], sizeof n->setting[s], "%s", ex->strat[s].label);
    }
    memcpy(n->budget, ex->budgets, ex->nbudgets * sizeof *n->budget);
    snprintf(n->bin[0], sizeof n->bin[0], "all");
    for (size_t i = 1; i < n->nbins; i++)
        cs_experiment_bin_name(ex, i - 1, n->bin[i], sizeof n->bin[i]);
    return 0;
}

void cs_names_free(cs_names *n)
{
    free(n->strategy);
    free(n->setting);
    free(n->budget);
    free(n->bin);
    memset(n, 0, sizeof *n);
}

const char *cs_names_strategy(const cs_names *n, size_t s)
{
    return n && s < n->nstrat ? n->strategy[s] : NULL;
}

const char *cs_names_setting(const cs_names *n, size_t s)
{
    return n && s < n->nstrat ? n->setting[s] : NULL;
}

size_t cs_names_budget(const cs_names *n, size_t b)
{
    return n && b < n->nbudgets ? n->budget[b] : 0;
}

const char *cs_names_bin(const cs_names *n, size_t bin)
{
    return n && bin < n->nbins ? n->bin[bin] : NULL;
}

long cs_names_cell(const cs_names *n, size_t s, size_t b, size_t bin)
{
    if (!n || s >= n->nstrat || b >= n->nbudgets || bin >= n->nbins)
        return -1;
    return (long)((s * n->nbudgets + b) * n->nbins + bin);
}

long cs_names_find(const cs_names *n, const char *strategy, const char *setting, size_t budget,
                   const char *bin)
{
    if (!n || !strategy)
        return -1;
    setting = setting ? setting : "default";
    bin = bin ? bin : "all";
    size_t s = 0, b = 0, k = 0;
    while (s < n->nstrat &&
           !(strcmp(n->strategy[s], strategy) == 0 && strcmp(n->setting[s], setting) == 0))
        s++;
    while (b < n->nbudgets && n->budget[b] != budget)
        b++;
    while (k < n->nbins && strcmp(n->bin[k], bin) != 0)
        k++;
    return cs_names_cell(n, s, b, k);
}
