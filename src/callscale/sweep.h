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

/* Blocks of queries of ex: query i is in block i / CS_SWEEP_BLOCK. */
uint64_t cs_sweep_nblocks(const cs_experiment *ex);

/* A block's tally, handed over in block order as the sweep adds it, from one thread at a time:
** the cells of the bins (column "all" is 0). A non-zero return (with err filled) stops the sweep
** with that error. */
typedef int (*cs_sweep_block_fn)(void *data, uint64_t block, const cs_results *tally,
                                 cs_error *err);

/* Part of a sweep, for shards and MPI ranks: blocks [first, last) (last clipped to the
** experiment's), each handed to block, when not NULL, before it is added. */
typedef struct cs_sweep_part {
    uint64_t first, last;
    cs_sweep_block_fn block;
    void *data;
} cs_sweep_part;

/* Simulate the blocks of part, adding each (in block order) into res's bin cells, which are not
** cleared first; progress counts the part's queries. cs_sweep_run is: clear res, the part of
** every block, cs_sweep_total. */
int cs_sweep_run_part(const cs_experiment *ex, int threads, const cs_sweep_part *part,
                      cs_progress_fn progress, void *pdata, cs_results *res, cs_error *err);

/* Column "all" of res: its bins added in bin order. */
void cs_sweep_total(cs_results *res);

#endif
