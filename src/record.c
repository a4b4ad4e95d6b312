/*
** Round logs: the rounds of one query at one budget, kept when the clock replays a strategy.
*/
#include <stdlib.h>
#include <string.h>
#include "callscale/record.h"
#include "grow.h"

void cs_round_log_add(cs_round_log *log, enum cs_call_kind kind, double ncalls, double prompt,
                      double output, double params)
{
    if (ncalls <= 0)
        return; /* a round of no calls takes no time (a budget with nothing to compare) */
    if (cs_grow(&log->round, &log->cap, log->n, sizeof *log->round)) {
        log->failed = 1;
        return;
    }
    cs_round *r = &log->round[log->n++];
    r->prompt = prompt;
    r->output = output;
    r->params = params;
    r->ncalls = (uint32_t)ncalls;
    r->kind = (uint8_t)kind;
}

void cs_round_log_free(cs_round_log *log)
{
    free(log->round);
    memset(log, 0, sizeof *log);
}
