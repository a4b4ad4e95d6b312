/*
** Clock tables (callscale.h's cs_clock_table): latency.csv's cells from the serving clock, handed
** to embedding programs, read by index or by name, each column at full precision or as text.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/latency.h"
#include "clock_table.h"
#include "names.h"
#include "text.h"

struct cs_clock_table {
    cs_names names;
    cs_latency_row *row; /* per cell, in latency.csv's row order */
    char *csv;
    size_t ncsv;
};

static const char *const column_name[CS_NCLOCK_COLUMNS] = {
    "queries",     "accuracy",  "latency_mean", "latency_p50",  "latency_p90", "latency_p99",
    "wait_mean",   "throughput", "tokens_per_s", "utilization", "slo_attained"};

cs_clock_table *cs_clock_table_new(const cs_experiment *ex, const cs_clock_result *res,
                                   int *rc)
{
    *rc = CS_ERR_NOMEM;
    cs_clock_table *t = calloc(1, sizeof *t);
    if (!t)
        return NULL;
    if (cs_names_copy(&t->names, ex)) {
        free(t);
        return NULL;
    }
    size_t nbins = t->names.nbins, ncell = res->ncell * nbins;
    t->row = malloc((ncell ? ncell : 1) * sizeof *t->row);
    FILE *f = t->row ? open_memstream(&t->csv, &t->ncsv) : NULL;
    if (!f) {
        cs_clock_table_free(t);
        return NULL;
    }
    int bad = cs_latency_print(ex, res, f);
    /* cells run strategy-major, then budget: the names' order (cs_clock_run's contract) */
    for (size_t c = 0; !bad && c < res->ncell; c++)
        for (size_t bin = 0; !bad && bin < nbins; bin++) {
            cs_latency_row *r = &t->row[c * nbins + bin];
            cs_latency_summarize(ex, &res->cell[c], bin, ex->serving.slo, r);
            bad = r->queries < 0;
        }
    if (fclose(f) || bad) {
        cs_clock_table_free(t);
        return NULL;
    }
    *rc = 0;
    return t;
}

void cs_clock_table_free(cs_clock_table *t)
{
    if (!t)
        return;
    cs_names_free(&t->names);
    free(t->row);
    free(t->csv);
    free(t);
}

const char *cs_clock_table_column(int column)
{
    return column >= 0 && column < CS_NCLOCK_COLUMNS ? column_name[column] : NULL;
}

size_t cs_clock_table_ncells(const cs_clock_table *t)
{
    return t ? t->names.nstrat * t->names.nbudgets * t->names.nbins : 0;
}

long cs_clock_table_cell(const cs_clock_table *t, size_t s, size_t b, size_t bin)
{
    return t ? cs_names_cell(&t->names, s, b, bin) : -1;
}

long cs_clock_table_find(const cs_clock_table *t, const char *strategy, const char *setting,
                         size_t budget, const char *bin)
{
    return t ? cs_names_find(&t->names, strategy, setting, budget, bin) : -1;
}

double cs_clock_table_value(const cs_clock_table *t, long cell, int column)
{
    if (!t || cell < 0 || (size_t)cell >= cs_clock_table_ncells(t) || column < 0 ||
        column >= CS_NCLOCK_COLUMNS)
        return NAN;
    const cs_latency_row *r = &t->row[cell];
    const double v[CS_NCLOCK_COLUMNS] = {r->queries,     r->accuracy,   r->latency_mean,
                                         r->latency_p50, r->latency_p90, r->latency_p99,
                                         r->wait_mean,   r->throughput, r->tokens_per_s,
                                         r->utilization, r->slo_attained < 0 ? NAN : r->slo_attained};
    return v[column];
}

size_t cs_clock_table_csv(const cs_clock_table *t, char *buf, size_t n)
{
    return t ? cs_text_copy(t->csv, t->ncsv, buf, n) : cs_text_copy("", 0, buf, n);
}
