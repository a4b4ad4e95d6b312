/*
** Call records: a strategy reports its work as rounds of calls (kind, count, tokens each); a
** round may start only when the one before it has finished. Today the record sums calls, tokens
** and FLOPs per query; a timeline can replay the same rounds later without touching strategies.
*/
#ifndef CALLSCALE_RECORD_H
#define CALLSCALE_RECORD_H

enum cs_call_kind { CS_CALL_GENERATE, CS_CALL_JUDGE, CS_CALL_SCORE, CS_CALL_COMPARE, CS_CALL_KINDS };

typedef struct cs_record {
    double calls, tokens, flops;
    unsigned rounds;
} cs_record;

/* One round of ncalls calls of one kind, each producing `tokens` tokens on a model with
** `params` parameters (FLOPs = 2 * params * tokens, the forward-pass estimate of Kaplan et al.). */
static inline void cs_record_round(cs_record *r, enum cs_call_kind kind, double ncalls,
                                   double tokens, double params)
{
    (void)kind;
    r->calls += ncalls;
    r->tokens += ncalls * tokens;
    r->flops += 2.0 * params * ncalls * tokens;
    r->rounds += 1u;
}

/* nrounds rounds one after another, each of ncalls calls (a sequential strategy's draws). */
static inline void cs_record_rounds(cs_record *r, enum cs_call_kind kind, double nrounds,
                                    double ncalls, double tokens, double params)
{
    cs_record_round(r, kind, nrounds * ncalls, tokens, params);
    r->rounds += (unsigned)nrounds - 1u;
}

/* One round of ncalls calls that read `tokens` tokens each and write none (a reward model scoring
** an answer): the FLOPs of the forward pass, no generated tokens. */
static inline void cs_record_read(cs_record *r, enum cs_call_kind kind, double ncalls, double tokens,
                                  double params)
{
    (void)kind;
    r->calls += ncalls;
    r->flops += 2.0 * params * ncalls * tokens;
    r->rounds += 1u;
}

#endif
