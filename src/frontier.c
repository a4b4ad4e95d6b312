/*
** Frontiers: the planner's choices per binning, budget and bin, handed to embedding programs,
** read by index or as frontier.csv's text.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/strategy.h"
#include "frontier.h"
#include "names.h"
#include "text.h"

_Static_assert((int)CS_FRONTIER_NONE == (int)CS_BIN_NONE && (int)CS_FRONTIER_ORACLE == (int)CS_BIN_ORACLE &&
                   (int)CS_FRONTIER_PREDICTED == (int)CS_BIN_PREDICTED,
               "callscale.h numbers the binnings as optimize.h does");

struct cs_frontier {
    cs_optimize o; /* its own copy of the points (large_accuracy is not copied) */
    cs_names names;
    char *csv;
    size_t ncsv;
};

cs_frontier *cs_frontier_new(const cs_experiment *ex, const cs_optimize *o)
{
    cs_frontier *f = calloc(1, sizeof *f);
    if (!f)
        return NULL;
    size_t npoint = (size_t)CS_BINNINGS * o->nbudgets * (o->nbins + 1);
    f->o = *o;
    f->o.large_accuracy = NULL;
    f->o.point = malloc((npoint ? npoint : 1) * sizeof *f->o.point);
    FILE *out = open_memstream(&f->csv, &f->ncsv);
    int named = cs_names_copy(&f->names, ex) == 0;
    if (!f->o.point || !named || !out) {
        if (out)
            fclose(out);
        cs_frontier_free(f);
        return NULL;
    }
    memcpy(f->o.point, o->point, npoint * sizeof *f->o.point);
    cs_optimize_print_csv(ex, o, out);
    if (fclose(out)) {
        cs_frontier_free(f);
        return NULL;
    }
    return f;
}

void cs_frontier_free(cs_frontier *f)
{
    if (!f)
        return;
    free(f->o.point);
    cs_names_free(&f->names);
    free(f->csv);
    free(f);
}

size_t cs_frontier_nbudgets(const cs_frontier *f)
{
    return f ? f->o.nbudgets : 0;
}

size_t cs_frontier_budget(const cs_frontier *f, size_t b)
{
    return f && b < f->o.nbudgets ? cs_names_budget(&f->names, b) : 0;
}

size_t cs_frontier_nbins(const cs_frontier *f)
{
    return f ? f->o.nbins + 1 : 0;
}

/* The point of a cell, or NULL: the none binning has bin 0 only, as frontier.csv. */
static const cs_frontier_point *point(const cs_frontier *f, int binning, size_t b, size_t bin)
{
    if (!f || binning < 0 || binning >= CS_BINNINGS || b >= f->o.nbudgets || bin > f->o.nbins ||
        (binning == CS_BIN_NONE && bin > 0))
        return NULL;
    return cs_optimize_point(&f->o, binning, b, bin);
}

double cs_frontier_accuracy(const cs_frontier *f, int binning, size_t b, size_t bin)
{
    const cs_frontier_point *p = point(f, binning, b, bin);
    return p ? p->accuracy : NAN;
}

double cs_frontier_baseline(const cs_frontier *f, int binning, size_t b, size_t bin)
{
    const cs_frontier_point *p = point(f, binning, b, bin);
    return p ? p->baseline : NAN;
}

long cs_frontier_choice(const cs_frontier *f, int binning, size_t b, size_t bin)
{
    const cs_frontier_point *p = point(f, binning, b, bin);
    return p ? p->strategy : -1;
}

const char *cs_frontier_strategy(const cs_frontier *f, size_t s)
{
    return f ? cs_names_strategy(&f->names, s) : NULL;
}

const char *cs_frontier_setting(const cs_frontier *f, size_t s)
{
    return f ? cs_names_setting(&f->names, s) : NULL;
}

double cs_frontier_efficiency(const cs_frontier *f, int oracle, int *lower_bound)
{
    if (lower_bound)
        *lower_bound = f ? (oracle ? f->o.efficiency_oracle_low : f->o.efficiency_low) : 0;
    return f ? (oracle ? f->o.efficiency_oracle : f->o.efficiency) : NAN;
}

size_t cs_frontier_csv(const cs_frontier *f, char *buf, size_t n)
{
    return f ? cs_text_copy(f->csv, f->ncsv, buf, n) : cs_text_copy("", 0, buf, n);
}
