/*
** The thread pool: workers on POSIX threads, started together behind a gate, and a parallel for
** over tasks handed out in order.
*/
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "callscale/pool.h"

int cs_pool_threads(int threads, uint64_t n)
{
    if (threads <= 0) {
        long cpus = sysconf(_SC_NPROCESSORS_ONLN);
        threads = cpus > 0 ? (int)cpus : 1;
    }
    return (uint64_t)threads > n ? (int)n : threads;
}

/* The gate the started threads wait at until every one has started (go) or one could not (stop):
** so that a refused thread leaves no worker half done. */
enum { GATE_WAIT, GATE_GO, GATE_STOP };

typedef struct gate {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    int state;
    cs_pool_fn fn;
    void *ctx;
} gate;

typedef struct seat {
    gate *g;
    size_t worker;
} seat;

static void *seated(void *arg)
{
    const seat *s = arg;
    gate *g = s->g;
    pthread_mutex_lock(&g->lock);
    while (g->state == GATE_WAIT)
        pthread_cond_wait(&g->cond, &g->lock);
    int go = g->state == GATE_GO;
    pthread_mutex_unlock(&g->lock);
    if (go)
        g->fn(g->ctx, s->worker);
    return NULL;
}

int cs_pool_run(size_t nworkers, cs_pool_fn fn, void *ctx, const char *file, cs_error *err)
{
    if (nworkers <= 1) {
        if (nworkers)
            fn(ctx, 0);
        return 0;
    }
    size_t nthreads = nworkers - 1; /* worker 0 is the caller */
    pthread_t *tid = malloc(nthreads * sizeof *tid);
    seat *seats = malloc(nthreads * sizeof *seats);
    if (!tid || !seats) {
        free(tid);
        free(seats);
        return cs_error_set(err, CS_ERR_NOMEM, file, 0, "out of memory");
    }
    gate g = {.state = GATE_WAIT, .fn = fn, .ctx = ctx};
    pthread_mutex_init(&g.lock, NULL);
    pthread_cond_init(&g.cond, NULL);
    size_t started = 0;
    int code = 0;
    for (; started < nthreads; started++) {
        seats[started] = (seat){&g, started + 1};
        if ((code = pthread_create(&tid[started], NULL, seated, &seats[started])))
            break;
    }
    pthread_mutex_lock(&g.lock);
    g.state = code ? GATE_STOP : GATE_GO;
    pthread_cond_broadcast(&g.cond);
    pthread_mutex_unlock(&g.lock);
    if (!code)
        fn(ctx, 0);
    for (size_t t = 0; t < started; t++)
        pthread_join(tid[t], NULL);
    pthread_cond_destroy(&g.cond);
    pthread_mutex_destroy(&g.lock);
    free(tid);
    free(seats);
    if (code)
        return cs_error_set(err, CS_ERR_NOMEM, file, 0,
                            "cannot start %zu threads: %s", nworkers, strerror(code));
    return 0;
}

/* A parallel for: the next task to hand out, and the lowest-numbered failure so far. */
typedef struct loop {
    pthread_mutex_t lock;
    uint64_t next, ntasks;
    cs_pool_task_fn fn;
    void *ctx;
    int rc;          /* the code of task `failed`; 0: none has failed */
    uint64_t failed;
    cs_error *err;
} loop;

static void loop_worker(void *arg, size_t worker)
{
    loop *l = arg;
    cs_error mine;
    cs_error_clear(&mine);
    for (;;) {
        pthread_mutex_lock(&l->lock);
        /* after a failure nothing new begins: every lower task has already begun */
        uint64_t task = !l->rc && l->next < l->ntasks ? l->next++ : l->ntasks;
        pthread_mutex_unlock(&l->lock);
        if (task == l->ntasks)
            return;
        int rc = l->fn(l->ctx, worker, task, &mine);
        if (rc) {
            pthread_mutex_lock(&l->lock);
            if (!l->rc || task < l->failed) {
                l->rc = rc;
                l->failed = task;
                if (l->err)
                    *l->err = mine;
            }
            pthread_mutex_unlock(&l->lock);
        }
    }
}

int cs_pool_for(uint64_t ntasks, size_t nworkers, cs_pool_task_fn fn, void *ctx, const char *file,
                cs_error *err)
{
    if (ntasks == 0)
        return 0;
    loop l = {.ntasks = ntasks, .fn = fn, .ctx = ctx, .err = err};
    pthread_mutex_init(&l.lock, NULL);
    int rc = cs_pool_run(nworkers < 1 ? 1 : nworkers, loop_worker, &l, file, err);
    pthread_mutex_destroy(&l.lock);
    return rc ? rc : l.rc;
}
