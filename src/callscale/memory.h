/*
** What a run keeps in memory: per thread (samples kept one by one, tree search's prefixes, the
** runner's arrays) times the threads that run at once, against the machine's memory.
*/
#ifndef CALLSCALE_MEMORY_H
#define CALLSCALE_MEMORY_H

#include <stddef.h>
#include "callscale/error.h"
#include "callscale/experiment.h"

/* Bytes one thread keeps for ex's largest budget (`sequence`: samples kept one by one whatever
** the strategies read, as the planner needs). */
double cs_memory_per_thread(const cs_experiment *ex, int sequence);

/* The machine's memory in bytes (physical pages), or 0 when it cannot be told. */
double cs_memory_machine(void);

/* Refuse, before anything is allocated, a run whose threads together would keep more than
** CS_MEMORY_SHARE of the machine's memory: CS_ERR_INPUT with the estimate in err. */
int cs_memory_check(const cs_experiment *ex, int threads, int sequence, cs_error *err);

/* The share of the machine's memory a run may plan to keep (the rest: the system, other work). */
#define CS_MEMORY_SHARE 0.8

#endif
