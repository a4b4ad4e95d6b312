/*
** Tables: the cells of results.csv handed to embedding programs, read by index or by name,
** each column at full precision or as results.csv's text.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/strategy.h"
#include "names.h"
#include "table.h"
#include "text.h"

struct cs_table {
    cs_results res;
    cs_names names;
    char *csv;
    size_t ncsv;
};

static const char *const column_name[CS_NCOLUMNS] = {"queries", "accuracy", "ci_low", "ci_high",
                                                     "calls",   "tokens",   "flops"};

cs_table *cs_table_new(const cs_experiment *ex, const cs_results *res)
{
    cs_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    size_t ncell = res->nstrat * res->nbudgets * (res->nbins + 1);
    t->res = *res;
    t->res.cell = malloc((ncell ? ncell : 1) * sizeof *t->res.cell);
    FILE *f = open_memstream(&t->csv, &t->ncsv);
    int named = cs_names_copy(&t->names, ex) == 0;
    if (!t->res.cell || !named || !f) {
        if (f)
            fclose(f);
        cs_table_free(t);
        return NULL;
    }
    memcpy(t->res.cell, res->cell, ncell * sizeof *t->res.cell);
    cs_results_print_csv(ex, res, f);
    if (fclose(f)) {
        cs_table_free(t);
        return NULL;
    }
    return t;
}

void cs_table_free(cs_table *t)
{
    if (!t)
        return;
    free(t->res.cell);
    cs_names_free(&t->names);
    free(t->csv);
    free(t);
}

int cs_table_is_exact(const cs_table *t)
{
    return t ? t->res.exact : 0;
}

size_t cs_table_nstrategies(const cs_table *t)
{
    return t ? t->res.nstrat : 0;
}

const char *cs_table_strategy(const cs_table *t, size_t s)
{
    return t ? cs_names_strategy(&t->names, s) : NULL;
}

const char *cs_table_setting(const cs_table *t, size_t s)
{
    return t ? cs_names_setting(&t->names, s) : NULL;
}

size_t cs_table_nbudgets(const cs_table *t)
{
    return t ? t->res.nbudgets : 0;
}

size_t cs_table_budget(const cs_table *t, size_t b)
{
    return t ? cs_names_budget(&t->names, b) : 0;
}

size_t cs_table_nbins(const cs_table *t)
{
    return t ? t->res.nbins + 1 : 0;
}

const char *cs_table_bin(const cs_table *t, size_t bin)
{
    return t ? cs_names_bin(&t->names, bin) : NULL;
}

const char *cs_table_column(int column)
{
    return column >= 0 && column < CS_NCOLUMNS ? column_name[column] : NULL;
}

size_t cs_table_ncells(const cs_table *t)
{
    return t ? t->res.nstrat * t->res.nbudgets * (t->res.nbins + 1) : 0;
}

long cs_table_cell(const cs_table *t, size_t s, size_t b, size_t bin)
{
    return t ? cs_names_cell(&t->names, s, b, bin) : -1;
}

long cs_table_find(const cs_table *t, const char *strategy, const char *setting, size_t budget,
                   const char *bin)
{
    return t ? cs_names_find(&t->names, strategy, setting, budget, bin) : -1;
}

/* The same numbers results.csv prints (cs_cell_summary, means per query), unrounded. */
double cs_table_value(const cs_table *t, long cell, int column)
{
    if (!t || cell < 0 || (size_t)cell >= cs_table_ncells(t) || column < 0 || column >= CS_NCOLUMNS)
        return NAN;
    const cs_cell *c = &t->res.cell[cell];
    double m, lo, hi, n = c->n > 0 ? c->n : 1;
    cs_cell_summary(c, t->res.exact, &m, &lo, &hi);
    switch (column) {
    case CS_COL_QUERIES:
        return t->res.exact ? 0 : floor(c->n);
    case CS_COL_ACCURACY:
        return m;
    case CS_COL_CI_LOW:
        return lo;
    case CS_COL_CI_HIGH:
        return hi;
    case CS_COL_CALLS:
        return c->calls / n;
    case CS_COL_TOKENS:
        return c->tokens / n;
    default:
        return c->flops / n;
    }
}

size_t cs_table_csv(const cs_table *t, char *buf, size_t n)
{
    return t ? cs_text_copy(t->csv, t->ncsv, buf, n) : cs_text_copy("", 0, buf, n);
}
