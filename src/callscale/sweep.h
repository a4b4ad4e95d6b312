/*
** The sweep: every query from its own streams, every strategy at every budget along one shared
** sample sequence, queries spread over threads in fixed blocks, tallies added in block order.
*/
#ifndef CALLSCALE_SWEEP_H
#define CALLSCALE_SWEEP_H

#include <stdint.h>
#include "callscale/experiment.h"
#include "callscale/results.h"

/* Queries per block: the unit of work a thread takes and of the ordered reduction. */
#define CS_SWEEP_BLOCK 512

/* Called (from one thread at a time) as blocks complete. */
typedef void (*cs_progress_fn)(void *data, uint64_t done, uint64_t total);

/* Simulate ex into res (initialised for ex). threads <= 0 means one per core. Results are
** byte-identical for any thread count. */
int cs_sweep_run(const cs_experiment *ex, int threads, cs_progress_fn progress, void *pdata,
                 cs_results *res, cs_error *err);

#endif
