/*
** Shards: a run cut into whole query blocks, each shard's block tallies written exactly to
** DIR/tally.csv (DESIGN.md §8); merge.h adds them up again.
*/
#ifndef CALLSCALE_SHARD_H
#define CALLSCALE_SHARD_H

#include <stdint.h>
#include "callscale/experiment.h"
#include "callscale/results.h"

/* Shards of one run: more than a job array of any cluster holds, few enough that the shard
** directories of one merge fit on a command line. */
#define CS_SHARD_MAX 1000000

/* Blocks [*first, *last) of shard i of n over nblocks: in order, as even as can be (the first
** nblocks % n shards hold one block more); shards past the blocks are empty. */
void cs_shard_blocks(uint64_t nblocks, uint64_t i, uint64_t n, uint64_t *first, uint64_t *last);

/* Parse "I/N" (I from 0, 1 <= N <= CS_SHARD_MAX): 0, or -1 when it is not that. */
int cs_shard_parse(const char *text, uint64_t *i, uint64_t *n);

typedef struct cs_shard_writer cs_shard_writer;

/* Start shard i of n of ex in dir (which must exist): writes dir/config.ini (the effective
** configuration, as run writes it) and opens dir/tally.csv under a temporary name. NULL on
** error. */
cs_shard_writer *cs_shard_open(const cs_experiment *ex, uint64_t i, uint64_t n, const char *dir,
                               cs_error *err);
/* The shard's blocks, for cs_sweep_run_part. */
void cs_shard_part(const cs_shard_writer *w, uint64_t *first, uint64_t *last);
/* A cs_sweep_block_fn (data is the writer): one block's tally, blocks in order. */
int cs_shard_write_block(void *w, uint64_t block, const cs_results *tally, cs_error *err);
/* Finish tally.csv (every block written, then its checksum), rename it into place and free w;
** on error nothing is left in place. */
int cs_shard_close(cs_shard_writer *w, cs_error *err);
/* Give up: remove the temporary file and free w. */
void cs_shard_abandon(cs_shard_writer *w);

#endif
