/*
** Call records: a strategy reports its work as rounds of calls (kind, count, tokens each); a
** round may start only when the one before it has finished. The record sums calls, tokens and
** FLOPs per query and, when a log is attached, keeps each round too, for the clock to replay.
*/
#ifndef CALLSCALE_RECORD_H
#define CALLSCALE_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum cs_call_kind { CS_CALL_GENERATE, CS_CALL_JUDGE, CS_CALL_SCORE, CS_CALL_COMPARE, CS_CALL_KINDS };

/* One round as the clock sees it: ncalls calls of one kind that may run at once, each reading
** `prompt` tokens of context beyond the question (a tree step's prefix, the answers a judge reads)
** and writing `output` tokens, on a model of `params` parameters. */
typedef struct cs_round {
    double prompt, output, params;
    uint32_t ncalls;
    uint8_t kind; /* enum cs_call_kind */
} cs_round;

/* A growing list of rounds (one query at one budget); failed is set when it could not grow. */
typedef struct cs_round_log {
    cs_round *round;
    size_t n, cap;
    int failed;
} cs_round_log;

typedef struct cs_record {
    double calls, tokens, flops;
    unsigned rounds;
    cs_round_log *log; /* NULL: totals only (the sweep); else every round is kept as well */
} cs_record;

struct cs_strategy;
struct cs_settings;

/* The calls of budget N that several strategy types share (their cs_strategy_type.record): N
** generations; N generations each read once by the scorer (a reward model, or the PRM in a stepped
** experiment). */
void cs_record_generations(const struct cs_strategy *s, const struct cs_settings *set,
                           double tokens, double score_params, size_t N, cs_record *rec);
void cs_record_scored(const struct cs_strategy *s, const struct cs_settings *set, double tokens,
                      double score_params, size_t N, cs_record *rec);

/* Append a round to log (src/record.c); on failure sets log->failed. */
void cs_round_log_add(cs_round_log *log, enum cs_call_kind kind, double ncalls, double prompt,
                      double output, double params);
void cs_round_log_free(cs_round_log *log);

/* One round of ncalls calls of one kind, each reading `prompt` tokens of context and producing
** `tokens` tokens on a model with `params` parameters (FLOPs = 2 * params * tokens, the
** forward-pass estimate of Kaplan et al., counted on the generated tokens as before). The totals
** and the log come from this one place, so they cannot disagree. */
static inline void cs_record_call(cs_record *r, enum cs_call_kind kind, double ncalls,
                                  double prompt, double tokens, double params)
{
    r->calls += ncalls;
    r->tokens += ncalls * tokens;
    r->flops += 2.0 * params * ncalls * tokens;
    r->rounds += 1u;
    if (r->log)
        cs_round_log_add(r->log, kind, ncalls, prompt, tokens, params);
}

/* A round whose calls read only the question. */
static inline void cs_record_round(cs_record *r, enum cs_call_kind kind, double ncalls,
                                   double tokens, double params)
{
    cs_record_call(r, kind, ncalls, 0, tokens, params);
}

/* nrounds rounds one after another, each of ncalls calls reading only the question: the totals
** as one product (as they always were), each round in the log. */
static inline void cs_record_rounds(cs_record *r, enum cs_call_kind kind, double nrounds,
                                    double ncalls, double tokens, double params)
{
    cs_round_log *log = r->log;
    r->log = NULL;
    cs_record_round(r, kind, nrounds * ncalls, tokens, params);
    r->rounds += (unsigned)nrounds - 1u;
    r->log = log;
    for (double k = 0; log && k < nrounds; k++)
        cs_round_log_add(log, kind, ncalls, 0, tokens, params);
}

/* A round for the log alone, where a strategy sums its totals in one call afterwards (a sum of
** products above 2^53 depends on its order, and results.csv keeps the order it always had) and
** keeps the rounds' order and their context here. Tests check the two agree. */
static inline void cs_record_log(cs_record *r, enum cs_call_kind kind, double ncalls, double prompt,
                                 double output, double params)
{
    if (r->log)
        cs_round_log_add(r->log, kind, ncalls, prompt, output, params);
}

/* Detach the log for a totals-only call (its rounds were given to cs_record_log). */
static inline cs_round_log *cs_record_detach(cs_record *r)
{
    cs_round_log *log = r->log;
    r->log = NULL;
    return log;
}

/* One round of ncalls calls that read `tokens` tokens each and write none (a reward model scoring
** an answer): the FLOPs of the forward pass, no generated tokens. */
static inline void cs_record_read(cs_record *r, enum cs_call_kind kind, double ncalls, double tokens,
                                  double params)
{
    r->calls += ncalls;
    r->flops += 2.0 * params * ncalls * tokens;
    r->rounds += 1u;
    if (r->log)
        cs_round_log_add(r->log, kind, ncalls, tokens, 0, params);
}

#endif
