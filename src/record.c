/*
** Call records: the rounds of one query at one budget, kept when the clock replays a strategy, and
** the records of budget N that several strategy types share.
*/
#include <stdlib.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/record.h"
#include "grow.h"

void cs_record_generations(const cs_strategy *s, const cs_settings *set, double tokens,
                           double score_params, size_t N, cs_record *rec)
{
    (void)s;
    (void)score_params;
    cs_record_round(rec, CS_CALL_GENERATE, (double)N, tokens, set->gen_params);
}

void cs_record_scored(const cs_strategy *s, const cs_settings *set, double tokens,
                      double score_params, size_t N, cs_record *rec)
{
    (void)s;
    cs_record_round(rec, CS_CALL_GENERATE, (double)N, tokens, set->gen_params);
    cs_record_read(rec, CS_CALL_SCORE, (double)N, tokens, score_params);
}

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
