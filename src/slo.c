/*
** The SLO planner: choices among the clock's cells under a p99 target, and the capacity search
** by bisection on the arrival rate with common random numbers, cells over threads.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/outfile.h"
#include "callscale/pool.h"
#include "callscale/slo.h"
#include "callscale/strategy.h"

/* p99 latency of one cell at `rate`; INFINITY when the load is above capacity. */
static int p99_at(const cs_experiment *ex, size_t cell, double rate, double *p99, cs_error *err)
{
    cs_serving sv = ex->serving;
    sv.rate = rate;
    cs_clock_cell c;
    int rc = cs_clock_cell_run(ex, &sv, cell / ex->nbudgets, cell % ex->nbudgets, NULL, 0, 0, &c,
                               err);
    if (rc && c.overloaded) {
        *p99 = INFINITY;
        return 0;
    }
    if (rc)
        return rc;
    cs_latency_row r;
    cs_latency_summarize(ex, &c, 0, 0, &r);
    *p99 = r.latency_p99;
    cs_clock_cell_free(&c);
    return 0;
}

static int capacity_of(const cs_experiment *ex, size_t cell, double *cap, double *cap_p99,
                       cs_error *err)
{
    double slo = ex->serving.slo, r = ex->serving.rate, p;
    int rc = p99_at(ex, cell, r, &p, err);
    double lo = 0, hi = 0, plo = INFINITY;
    for (int k = 0; !rc && k < CS_SLO_BRACKET_STEPS; k++) {
        if (p <= slo) {
            lo = r;
            plo = p;
            r *= 2;
        } else {
            hi = r;
            r /= 2;
        }
        if (lo > 0 && hi > 0)
            break;
        rc = p99_at(ex, cell, r, &p, err);
    }
    if (rc)
        return rc;
    if (lo == 0 || hi == 0) { /* never met (capacity 0), or met at every rate tried */
        *cap = lo;
        *cap_p99 = plo;
        return 0;
    }
    while (hi - lo > CS_SLO_RATE_TOL * lo) {
        double mid = (lo + hi) / 2;
        if ((rc = p99_at(ex, cell, mid, &p, err)))
            return rc;
        if (p <= slo) {
            lo = mid;
            plo = p;
        } else {
            hi = mid;
        }
    }
    *cap = lo;
    *cap_p99 = plo;
    return 0;
}

typedef struct shared {
    const cs_experiment *ex;
    cs_slo *out;
    size_t ncell;
} shared;

/* The capacity of cell i, a task of the pool (which keeps the first failing cell's error). */
static int work(void *arg, size_t worker, uint64_t task, cs_error *err)
{
    (void)worker;
    shared *sh = arg;
    size_t i = (size_t)task;
    return capacity_of(sh->ex, i, &sh->out->capacity[i], &sh->out->capacity_p99[i], err);
}

int cs_slo_run(const cs_experiment *ex, int threads, cs_slo *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    const cs_serving *sv = &ex->serving;
    if (!sv->line || !(sv->slo > 0))
        return cs_error_set(err, CS_ERR_INPUT, ex->file, sv->arrivals_line > 0 ? sv->arrivals_line : 0,
                            "[arrivals] slo: the SLO planner needs [serving] and a latency target "
                            "(slo = SECONDS)");
    int rc = cs_clock_run(ex, threads, 0, &out->clock, err);
    if (rc)
        return rc;
    out->nbins = cs_experiment_nbins(ex);
    out->choice = calloc(out->nbins + 1, sizeof *out->choice);
    if (!out->choice) {
        cs_slo_free(out);
        return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    }
    for (size_t bin = 0; bin <= out->nbins; bin++) {
        cs_slo_choice *ch = &out->choice[bin];
        ch->cell = -1;
        for (size_t c = 0; c < out->clock.ncell; c++) {
            cs_latency_row r;
            cs_latency_summarize(ex, &out->clock.cell[c], bin, 0, &r);
            /* a bin meets the slo when its own p99 does; ties go to the earlier (cheaper) cell */
            if (r.queries > 0 && r.latency_p99 <= sv->slo &&
                (ch->cell < 0 || r.accuracy > ch->accuracy)) {
                ch->cell = (long)c;
                ch->accuracy = r.accuracy;
                ch->latency_p99 = r.latency_p99;
                ch->throughput = r.throughput;
            }
        }
    }
    if (sv->arrival != CS_ARRIVAL_RATE)
        return 0; /* the capacity search varies a Poisson rate */
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.ex = ex;
    sh.out = out;
    sh.ncell = out->clock.ncell;
    out->capacity = calloc(sh.ncell, sizeof *out->capacity);
    out->capacity_p99 = calloc(sh.ncell, sizeof *out->capacity_p99);
    if (!out->capacity || !out->capacity_p99) {
        cs_slo_free(out);
        return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    }
    threads = cs_pool_threads(threads, sh.ncell);
    rc = cs_pool_for(sh.ncell, (size_t)threads, work, &sh, ex->file, err);
    if (rc) {
        cs_slo_free(out);
        return rc;
    }
    return 0;
}

void cs_slo_free(cs_slo *s)
{
    cs_clock_result_free(&s->clock);
    free(s->choice);
    free(s->capacity);
    free(s->capacity_p99);
    memset(s, 0, sizeof *s);
}

int cs_slo_write(const cs_experiment *ex, const cs_slo *s, const char *dir, cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "slo.csv", err))
        return CS_ERR_IO;
    fprintf(o.f, "bin,strategy,setting,budget,accuracy,latency_p99,throughput\n");
    for (size_t bin = 0; bin <= s->nbins; bin++) {
        char name[CS_NAME_MAX];
        if (bin == 0)
            snprintf(name, sizeof name, "all");
        else
            cs_experiment_bin_name(ex, bin - 1, name, sizeof name);
        const cs_slo_choice *ch = &s->choice[bin];
        if (ch->cell < 0) {
            fprintf(o.f, "%s,,,,,,\n", name); /* no setting meets the slo */
            continue;
        }
        const cs_clock_cell *c = &s->clock.cell[ch->cell];
        const cs_strategy *st = &ex->strat[c->strategy];
        fprintf(o.f, "%s,%s,%s,%zu,%.10f,%.10g,%.10g\n", name, st->type->name, st->label,
                ex->budgets[c->budget], ch->accuracy, ch->latency_p99, ch->throughput);
    }
    int rc = cs_outfile_close(&o, err);
    if (rc || !s->capacity)
        return rc;
    if (cs_outfile_open(&o, dir, "capacity.csv", err))
        return CS_ERR_IO;
    fprintf(o.f, "strategy,setting,budget,capacity,latency_p99\n");
    for (size_t i = 0; i < s->clock.ncell; i++) {
        const cs_clock_cell *c = &s->clock.cell[i];
        const cs_strategy *st = &ex->strat[c->strategy];
        fprintf(o.f, "%s,%s,%zu,%.6g,", st->type->name, st->label, ex->budgets[c->budget],
                s->capacity[i]);
        if (isfinite(s->capacity_p99[i]))
            fprintf(o.f, "%.6g", s->capacity_p99[i]);
        fprintf(o.f, "\n");
    }
    return cs_outfile_close(&o, err);
}
