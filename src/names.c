/*
** An experiment's strategy settings and budgets, copied for the objects that outlive it.
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
    if (!n->strategy || !n->setting || !n->budget) {
        cs_names_free(n);
        return -1;
    }
    for (size_t s = 0; s < ex->nstrat; s++) {
        n->strategy[s] = ex->strat[s].type->name;
        snprintf(n->setting[s], sizeof n->setting[s], "%s", ex->strat[s].label);
    }
    memcpy(n->budget, ex->budgets, ex->nbudgets * sizeof *n->budget);
    return 0;
}

void cs_names_free(cs_names *n)
{
    free(n->strategy);
    free(n->setting);
    free(n->budget);
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
