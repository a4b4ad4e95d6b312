/*
** The thread pool: T workers, the calling thread being worker 0, or a parallel for over N tasks
** taken in order. The sweep, the planner, the clock and the SLO search all start threads here.
*/
#ifndef CALLSCALE_POOL_H
#define CALLSCALE_POOL_H

#include <stddef.h>
#include <stdint.h>
#include "callscale/error.h"

/* The workers to use for n tasks: `threads`, or one per online processor when threads <= 0, and
** never more than n (so 0 when there are none). */
int cs_pool_threads(int threads, uint64_t n);

/* Worker `worker` of T. */
typedef void (*cs_pool_fn)(void *ctx, size_t worker);

/* Run fn(ctx, t) for t = 0 .. nworkers - 1 at once and return when all have: worker 0 on the
** calling thread, each other on a thread of its own (nworkers <= 1 starts none). Either every
** thread starts or no worker runs: when the system refuses one, err says that threads could not be
** started and why (pthread_create's error), with the code CS_ERR_NOMEM, and file as its file. */
int cs_pool_run(size_t nworkers, cs_pool_fn fn, void *ctx, const char *file, cs_error *err);

/* Task `task`, run by worker `worker` (whose own data the task may use, as no other worker runs
** it meanwhile): 0, or an error code with err filled. */
typedef int (*cs_pool_task_fn)(void *ctx, size_t worker, uint64_t task, cs_error *err);

/* Run fn on tasks 0 .. ntasks - 1 over nworkers workers (cs_pool_run), each worker taking the
** next task in order when it is free. After a task fails no more are begun; the call returns the
** error of the lowest-numbered task that failed, the same whatever the thread count, in err. */
int cs_pool_for(uint64_t ntasks, size_t nworkers, cs_pool_task_fn fn, void *ctx, const char *file,
                cs_error *err);

#endif
