/*
** The sweep: queries in blocks over threads, strategies over shared samples, ordered reduction.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/memory.h"
#include "callscale/pool.h"
#include "callscale/population.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "lines.h"
#include "runner.h"

/* Completed blocks may wait this many blocks per thread for an earlier one to be added. */
#define WINDOW_PER_THREAD 4

typedef struct shared {
    const cs_experiment *ex;
    const cs_population *pop;
    uint64_t first, nblocks, next, merged; /* blocks [first, nblocks) */
    const cs_sweep_part *part;
    cs_error *err;
    int sink_rc; /* the part's block function failed with this code (and filled err) */
    size_t window;
    cs_results *slot;
    unsigned char *ready;
    cs_results *total;
    cs_progress_fn progress;
    void *pdata;
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int failed;
} shared;

/* Each thread's worker on cache lines of its own: its runner is written all the time. */
typedef struct worker {
    _Alignas(CS_LINE) shared *sh;
    cs_runner run;
} worker;

static void run_block(worker *w, uint64_t block, cs_results *out)
{
    const shared *sh = w->sh;
    const cs_experiment *ex = sh->ex;
    size_t nb = ex->nbudgets;
    uint64_t first = block * CS_SWEEP_BLOCK, last = first + CS_SWEEP_BLOCK;
    if (last > ex->queries)
        last = ex->queries;
    cs_runner *run = &w->run;
    for (uint64_t i = first; i < last; i++) {
        const cs_query *q = cs_runner_query(run, i);
        for (size_t s = 0; s < ex->nstrat; s++) {
            cs_runner_strategy(run, s);
            for (size_t b = 0; b < nb; b++) {
                double x = run->score[b];
                /* the bin's cell only: "all" is the sum of the bins, taken once at the end */
                cs_cell *c = cs_results_cell(out, s, b, q->bin + 1);
                c->n += 1;
                c->sum += x;
                c->sumsq += x * x;
                c->calls += run->rec[b].calls;
                c->tokens += run->rec[b].tokens;
                c->flops += run->rec[b].flops;
            }
        }
    }
}

static void work(void *arg, size_t t)
{
    worker *w = (worker *)arg + t;
    shared *sh = w->sh;
    for (;;) {
        pthread_mutex_lock(&sh->lock);
        while (!sh->failed && sh->next < sh->nblocks && sh->next - sh->merged >= sh->window)
            pthread_cond_wait(&sh->cond, &sh->lock);
        if (sh->failed || sh->next >= sh->nblocks) {
            pthread_mutex_unlock(&sh->lock);
            return;
        }
        uint64_t b = sh->next++;
        pthread_mutex_unlock(&sh->lock);

        cs_results *slot = &sh->slot[b % sh->window];
        run_block(w, b, slot);

        pthread_mutex_lock(&sh->lock);
        sh->ready[b % sh->window] = 1;
        /* Add finished blocks strictly in block order: the floating-point sums, and so the output
        ** bytes, are the same whatever thread ran which block. */
        while (!sh->failed && sh->merged < sh->nblocks && sh->ready[sh->merged % sh->window]) {
            size_t k = sh->merged % sh->window;
            const cs_sweep_part *p = sh->part;
            if (p->block && (sh->sink_rc = p->block(p->data, sh->merged, &sh->slot[k], sh->err))) {
                sh->failed = 1;
                break;
            }
            cs_results_add(sh->total, &sh->slot[k]);
            cs_results_clear(&sh->slot[k]);
            sh->ready[k] = 0;
            sh->merged++;
            if (sh->progress) {
                uint64_t q0 = sh->first * CS_SWEEP_BLOCK, done = sh->merged * CS_SWEEP_BLOCK;
                uint64_t q1 = sh->nblocks * CS_SWEEP_BLOCK;
                q1 = q1 > sh->ex->queries ? sh->ex->queries : q1;
                sh->progress(sh->pdata, (done > q1 ? q1 : done) - q0, q1 - q0);
            }
        }
        pthread_cond_broadcast(&sh->cond);
        pthread_mutex_unlock(&sh->lock);
    }
}

uint64_t cs_sweep_nblocks(const cs_experiment *ex)
{
    return (ex->queries + CS_SWEEP_BLOCK - 1) / CS_SWEEP_BLOCK;
}

int cs_sweep_run_part(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                      cs_progress_fn progress, void *pdata, cs_results *res, cs_error *err)
{
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.ex = ex;
    sh.part = part;
    sh.err = err;
    sh.nblocks = part->last < cs_sweep_nblocks(ex) ? part->last : cs_sweep_nblocks(ex);
    sh.first = sh.next = sh.merged = part->first < sh.nblocks ? part->first : sh.nblocks;
    threads = cs_pool_threads(threads, sh.nblocks - sh.first);
    sh.window = (size_t)threads * WINDOW_PER_THREAD;
    sh.total = res;
    sh.progress = progress;
    sh.pdata = pdata;
    res->exact = 0;
    int rc = cs_samples_check(ex, 0, err);
    if (!rc)
        rc = cs_memory_check(ex, threads, 0, err);
    if (rc || threads <= 0) /* an empty part: nothing to run, but the same checks */
        return rc;
    cs_population *pop = cs_population_new(ex, err);
    if (!pop)
        return CS_ERR_NOMEM;
    sh.pop = pop;
    sh.slot = calloc(sh.window, sizeof *sh.slot);
    sh.ready = calloc(sh.window, 1);
    worker *w = cs_lines_zalloc((size_t)threads, sizeof *w);
    if (!sh.slot || !sh.ready || !w)
        rc = CS_ERR_NOMEM;
    for (size_t i = 0; !rc && i < sh.window; i++)
        rc = cs_results_init(&sh.slot[i], ex);
    int ready = 0, pool_rc = 0;
    for (; !rc && ready < threads; ready++) {
        w[ready].sh = &sh;
        if (cs_runner_init(&w[ready].run, ex, pop, 0)) {
            rc = CS_ERR_NOMEM;
            break;
        }
    }
    if (!rc) {
        pthread_mutex_init(&sh.lock, NULL);
        pthread_cond_init(&sh.cond, NULL);
        pool_rc = cs_pool_run((size_t)threads, work, w, ex->file, err);
        pthread_mutex_destroy(&sh.lock);
        pthread_cond_destroy(&sh.cond);
    }
    for (int t = 0; t < ready; t++)
        cs_runner_free(&w[t].run);
    for (size_t i = 0; sh.slot && i < sh.window; i++)
        cs_results_free(&sh.slot[i]);
    free(sh.slot);
    free(sh.ready);
    free(w);
    cs_population_free(pop);
    if (rc)
        return cs_error_set(err, rc, ex->file, 0, "out of memory");
    return pool_rc ? pool_rc : sh.sink_rc;
}

void cs_sweep_total(cs_results *res)
{
    /* "all" = the bins added in bin order: fixed, so the bytes do not depend on threads */
    for (size_t s = 0; s < res->nstrat; s++)
        for (size_t b = 0; b < res->nbudgets; b++) {
            cs_cell *all = cs_results_cell(res, s, b, 0);
            memset(all, 0, sizeof *all);
            for (size_t bin = 1; bin <= res->nbins; bin++)
                cs_cell_add(all, cs_results_cell(res, s, b, bin));
        }
}

int cs_sweep_run(const cs_experiment *ex, int threads, cs_progress_fn progress, void *pdata,
                 cs_results *res, cs_error *err)
{
    cs_sweep_part all = {0, UINT64_MAX, NULL, NULL};
    cs_results_clear(res);
    int rc = cs_sweep_run_part(ex, threads, &all, progress, pdata, res, err);
    if (!rc)
        cs_sweep_total(res);
    return rc;
}
