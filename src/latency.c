/*
** The clock's statistics (latency.csv's row of a cell and bin) and files: latency.csv, and with
** --trace queries.csv and trace.json (Chrome trace events).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_statistics_double.h>
#include "callscale/latency.h"
#include "callscale/outfile.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"

const char cs_latency_header[] =
    "strategy,setting,budget,bin,queries,accuracy,latency_mean,latency_p50,latency_p90,"
    "latency_p99,wait_mean,throughput,tokens_per_s,utilization,slo_attained";

/* ---- statistics ---------------------------------------------------------------------------- */

/* Nearest rank: the smallest latency with at least a share p of the queries at or below it, an
** order statistic found by selection (GSL's quickselect: linear, where sorting all n was most of
** a run of queueing.ini); x is reordered. */
static double rank(double *x, size_t n, double p)
{
    size_t k = (size_t)ceil(p * (double)n - 1e-9);
    return gsl_stats_select(x, 1, n, k ? k - 1 : 0);
}

void cs_latency_summarize(const cs_experiment *ex, const cs_clock_cell *cell, size_t bin, double slo,
                      cs_latency_row *row)
{
    if (!cell->q && cell->row) {
        *row = cell->row[bin];
        return;
    }
    memset(row, 0, sizeof *row);
    row->slo_attained = -1;
    size_t nbins = cs_experiment_nbins(ex);
    double T = cell->window_end - cell->window_start;
    size_t n = 0;
    for (size_t i = cell->first; i < cell->nq; i++)
        n += bin == 0 || cell->q[i].bin + 1 == bin;
    row->queries = (double)n;
    row->utilization = T > 0 ? cell->busy / (cell->capacity * T) : 0;
    if (n == 0)
        return;
    double *lat = malloc(n * sizeof *lat), *sum_bin = calloc(2 * nbins, sizeof *sum_bin);
    if (!lat || !sum_bin) {
        free(lat);
        free(sum_bin);
        row->queries = -1; /* out of memory: the caller reports it */
        return;
    }
    /* accuracy added as results.csv adds it: per bin within blocks of the sweep, blocks in
    ** order, then the bins in order for "all" -- the same bytes where the queries are the same */
    double *block = sum_bin + nbins;
    double lsum = 0, wsum = 0, tokens = 0, within = 0;
    size_t k = 0;
    for (size_t i = cell->first; i < cell->nq;) {
        memset(block, 0, nbins * sizeof *block);
        size_t stop = (i / CS_SWEEP_BLOCK + 1) * CS_SWEEP_BLOCK;
        for (; i < cell->nq && i < stop; i++) {
            const cs_clock_query *q = &cell->q[i];
            if (bin && q->bin + 1 != bin)
                continue;
            block[q->bin] += q->score;
            double l = q->end - q->arrival;
            lat[k++] = l;
            lsum += l;
            wsum += q->start - q->arrival;
            tokens += q->tokens;
            within += slo > 0 && l <= slo;
        }
        for (size_t b = 0; b < nbins; b++)
            sum_bin[b] += block[b];
    }
    double sum = 0;
    for (size_t b = 0; b < nbins; b++)
        sum += sum_bin[b];
    row->accuracy = sum / (double)n;
    row->latency_mean = lsum / (double)n;
    row->wait_mean = wsum / (double)n;
    row->throughput = T > 0 ? (double)n / T : 0;
    row->tokens_per_s = T > 0 ? tokens / T : 0;
    row->slo_attained = slo > 0 ? within / (double)n : -1;
    row->latency_p50 = rank(lat, n, 0.5);
    row->latency_p90 = rank(lat, n, 0.9);
    row->latency_p99 = rank(lat, n, 0.99);
    free(lat);
    free(sum_bin);
}

/* ---- files ------------------------------------------------------------------------------- */

int cs_latency_print(const cs_experiment *ex, const cs_clock_result *res, FILE *f)
{
    fprintf(f, "%s\n", cs_latency_header);
    size_t nbins = cs_experiment_nbins(ex);
    double slo = ex->serving.slo;
    for (size_t c = 0; c < res->ncell; c++) {
        const cs_clock_cell *cell = &res->cell[c];
        const cs_strategy *st = &ex->strat[cell->strategy];
        for (size_t bin = 0; bin <= nbins; bin++) {
            char name[CS_NAME_MAX];
            if (bin == 0)
                snprintf(name, sizeof name, "all");
            else
                cs_experiment_bin_name(ex, bin - 1, name, sizeof name);
            cs_latency_row r;
            cs_latency_summarize(ex, cell, bin, slo, &r);
            if (r.queries < 0)
                return CS_ERR_NOMEM;
            fprintf(f, "%s,%s,%zu,%s,%.0f,%.10f,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,%.10g,",
                    st->type->name, st->label, ex->budgets[cell->budget], name, r.queries,
                    r.accuracy, r.latency_mean, r.latency_p50, r.latency_p90, r.latency_p99,
                    r.wait_mean, r.throughput, r.tokens_per_s, r.utilization);
            if (r.slo_attained >= 0)
                fprintf(f, "%.10g", r.slo_attained);
            fprintf(f, "\n");
        }
    }
    return 0;
}

int cs_latency_write(const cs_experiment *ex, const cs_clock_result *res, const char *dir,
                           cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "latency.csv", err))
        return CS_ERR_IO;
    if (cs_latency_print(ex, res, o.f)) {
        cs_outfile_abandon(&o);
        return cs_error_set(err, CS_ERR_NOMEM, dir, 0, "out of memory");
    }
    return cs_outfile_close(&o, err);
}

int cs_latency_write_queries(const cs_experiment *ex, const cs_clock_result *res, const char *dir,
                           cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "queries.csv", err))
        return CS_ERR_IO;
    FILE *f = o.f;
    fprintf(f, "strategy,setting,budget,query,bin,measured,arrival,start,end,rounds,calls,tokens,"
               "correct\n");
    for (size_t c = 0; c < res->ncell; c++) {
        const cs_clock_cell *cell = &res->cell[c];
        const cs_strategy *st = &ex->strat[cell->strategy];
        for (size_t i = 0; i < cell->nq; i++) {
            const cs_clock_query *q = &cell->q[i];
            char name[CS_NAME_MAX];
            cs_experiment_bin_name(ex, q->bin, name, sizeof name);
            fprintf(f, "%s,%s,%zu,%zu,%s,%d,%.10g,%.10g,%.10g,%u,%u,%.10g,%.10g\n", st->type->name,
                    st->label, ex->budgets[cell->budget], i, name, i >= cell->first, q->arrival,
                    q->start, q->end, q->rounds, q->calls, q->tokens, q->score);
        }
    }
    return cs_outfile_close(&o, err);
}

/* Chrome trace events ("X": a complete event, microseconds): a process per cell, a thread per
** replica of each pool, one event per call; opens in Perfetto and chrome://tracing. */
int cs_latency_write_trace(const cs_experiment *ex, const cs_clock_result *res, const char *dir,
                         cs_error *err)
{
    static const char *const pool_name[CS_POOLS] = {"generator", "reward", "judge"};
    static const char *const kind_name[CS_CALL_KINDS] = {"generate", "judge", "score", "compare"};
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "trace.json", err))
        return CS_ERR_IO;
    FILE *f = o.f;
    fprintf(f, "{\"displayTimeUnit\":\"ms\",\"traceEvents\":[\n");
    int first = 1;
    for (size_t c = 0; c < res->ncell; c++) {
        const cs_clock_cell *cell = &res->cell[c];
        const cs_strategy *st = &ex->strat[cell->strategy];
        fprintf(f, "%s{\"name\":\"process_name\",\"ph\":\"M\",\"pid\":%zu,\"args\":{\"name\":"
                   "\"%s:%s N=%zu\"}}", first ? "" : ",\n", c, st->type->name, st->label,
                ex->budgets[cell->budget]);
        first = 0;
        for (int p = 0; p < CS_POOLS; p++) {
            if (!ex->serving.pool[p].line)
                continue;
            for (size_t r = 0; r < (size_t)ex->serving.pool[p].replicas; r++)
                fprintf(f, ",\n{\"name\":\"thread_name\",\"ph\":\"M\",\"pid\":%zu,\"tid\":%zu,"
                           "\"args\":{\"name\":\"%s replica %zu\"}}", c,
                        (size_t)p * 65536u + r, pool_name[p], r);
        }
        for (size_t i = 0; i < cell->ncall; i++) {
            const cs_clock_call *k = &cell->call[i];
            fprintf(f, ",\n{\"name\":\"%s q%llu\",\"cat\":\"%s\",\"ph\":\"X\",\"pid\":%zu,"
                       "\"tid\":%u,\"ts\":%.3f,\"dur\":%.3f,\"args\":{\"query\":%llu}}",
                    kind_name[k->kind], (unsigned long long)k->query, pool_name[k->pool], c,
                    (unsigned)k->pool * 65536u + k->replica, 1e6 * k->start,
                    1e6 * (k->end - k->start), (unsigned long long)k->query);
        }
    }
    fprintf(f, "\n]}\n");
    return cs_outfile_close(&o, err);
}
