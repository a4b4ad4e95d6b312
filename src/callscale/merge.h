/*
** Merge: the tally.csv of every shard of a run, checked and added in block order into the
** results of the same run on one machine (DESIGN.md §8).
*/
#ifndef CALLSCALE_MERGE_H
#define CALLSCALE_MERGE_H

#include <stddef.h>
#include "callscale/experiment.h"
#include "callscale/results.h"

/* Merge the shards in dirs (any order): check that they are every shard of one run exactly once
** and that no tally.csv is truncated or edited, load the shards' configuration into ex (under
** name, the file it stands for in messages), add their block tallies in block order into res
** (initialised here for ex) and hand back the configuration's text (malloc'd, *config_len
** bytes): config.ini, byte for byte as the shards and one run wrote it. On success free ex, res
** and the text with cs_experiment_free, cs_results_free and free; on error nothing is left. */
int cs_merge_shards(const char *const *dirs, size_t ndirs, const char *name, cs_experiment *ex,
                    cs_results *res, char **config, size_t *config_len, cs_error *err);

#endif
