/*
** Results: cells of sums per (strategy setting, budget, bin), summaries and results.csv.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "callscale/outfile.h"
#include "callscale/results.h"
#include "callscale/strategy.h"
#include "lines.h"

const char cs_results_header[] =
    "strategy,setting,budget,bin,queries,accuracy,ci_low,ci_high,calls,tokens,flops";

/* Two-sided 95% normal quantile. */
#define Z95 1.959963984540054

int cs_results_init(cs_results *res, const cs_experiment *ex)
{
    res->nstrat = ex->nstrat;
    res->nbudgets = ex->nbudgets;
    res->nbins = cs_experiment_nbins(ex);
    res->exact = 0;
    res->cell = cs_lines_zalloc(res->nstrat * res->nbudgets * (res->nbins + 1), sizeof *res->cell);
    return res->cell ? 0 : CS_ERR_NOMEM;
}

void cs_results_free(cs_results *res)
{
    free(res->cell);
    res->cell = NULL;
}

void cs_results_clear(cs_results *res)
{
    memset(res->cell, 0, res->nstrat * res->nbudgets * (res->nbins + 1) * sizeof *res->cell);
}

void cs_results_add(cs_results *dst, const cs_results *src)
{
    size_t n = dst->nstrat * dst->nbudgets * (dst->nbins + 1);
    for (size_t i = 0; i < n; i++)
        cs_cell_add(&dst->cell[i], &src->cell[i]);
}

/* Normal interval from the sample variance, clipped to [0, 1]: scores are bounded and, with
** tie credit, not Bernoulli, so a binomial interval would not apply. */
void cs_cell_summary(const cs_cell *c, int exact, double *mean, double *lo, double *hi)
{
    if (c->n <= 0) {
        *mean = *lo = *hi = NAN;
        return;
    }
    double m = c->sum / c->n;
    *mean = m;
    if (exact || c->n < 2) {
        *lo = *hi = m;
        return;
    }
    double var = (c->sumsq - c->sum * m) / (c->n - 1);
    double h = Z95 * sqrt(var > 0 ? var : 0) / sqrt(c->n);
    *lo = m - h < 0 ? 0 : m - h;
    *hi = m + h > 1 ? 1 : m + h;
}

size_t cs_results_nrows(const cs_results *res)
{
    return res->nstrat * res->nbudgets * (res->nbins + 1);
}

void cs_results_row_get(const cs_experiment *ex, const cs_results *res, size_t i,
                        cs_results_row *row)
{
    size_t nb = res->nbins + 1, bin = i % nb, b = i / nb % res->nbudgets, s = i / nb / res->nbudgets;
    const cs_cell *c = &res->cell[i];
    row->strategy = ex->strat[s].type->name;
    row->setting = ex->strat[s].label;
    row->budget = ex->budgets[b];
    if (bin == 0)
        snprintf(row->bin, sizeof row->bin, "all");
    else
        cs_experiment_bin_name(ex, bin - 1, row->bin, sizeof row->bin);
    cs_cell_summary(c, res->exact, &row->accuracy, &row->ci_low, &row->ci_high);
    double n = c->n > 0 ? c->n : 1;
    row->queries = res->exact ? 0 : (unsigned long long)c->n;
    row->calls = c->calls / n;
    row->tokens = c->tokens / n;
    row->flops = c->flops / n;
}

void cs_results_print_csv(const cs_experiment *ex, const cs_results *res, FILE *f)
{
    fprintf(f, "%s\n", cs_results_header);
    for (size_t i = 0; i < cs_results_nrows(res); i++) {
        cs_results_row r;
        cs_results_row_get(ex, res, i, &r);
        fprintf(f, "%s,%s,%zu,%s,%llu,%.10f,%.10f,%.10f,%.10g,%.10g,%.10g\n", r.strategy,
                r.setting, r.budget, r.bin, r.queries, r.accuracy, r.ci_low, r.ci_high, r.calls,
                r.tokens, r.flops);
    }
}

int cs_results_write_csv(const cs_experiment *ex, const cs_results *res, const char *path,
                         cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, NULL, path, err))
        return CS_ERR_IO;
    cs_results_print_csv(ex, res, o.f);
    return cs_outfile_close(&o, err);
}
