/*
** PCG32 (XSH-RR, 64-bit state, selectable stream), written from O'Neill's published algorithm,
** and per-query streams derived from (experiment seed, query index, purpose).
*/
#ifndef CALLSCALE_RNG_H
#define CALLSCALE_RNG_H

#include <stdint.h>
#include <gsl/gsl_rng.h>

typedef struct cs_pcg32 {
    uint64_t state;
    uint64_t inc; /* always odd: (stream << 1) | 1 */
} cs_pcg32;

/* The LCG multiplier of the PCG paper (Knuth's MMIX constant). */
#define CS_PCG32_MULT 6364136223846793005ULL

/* The output of a state: XSH-RR (xorshift high bits, then a random rotation). */
static inline uint32_t cs_pcg32_output(uint64_t old)
{
    uint32_t xorshifted = (uint32_t)(((old >> 18u) ^ old) >> 27u);
    uint32_t rot = (uint32_t)(old >> 59u);
    return (xorshifted >> rot) | (xorshifted << ((-rot) & 31u));
}

static inline uint32_t cs_pcg32_next(cs_pcg32 *r)
{
    uint64_t old = r->state;
    r->state = old * CS_PCG32_MULT + r->inc;
    return cs_pcg32_output(old);
}

/* The same sequence two at a time: states n and n+1 each step twice at once (s -> a^2 s +
** (a+1) inc), so the two multiply chains run side by side instead of one after the other. For
** hot loops; each pair is draws n and n+1 of the stream. */
typedef struct cs_pcg32x2 {
    uint64_t s0, s1, mult2, inc2;
} cs_pcg32x2;

static inline cs_pcg32x2 cs_pcg32x2_start(const cs_pcg32 *r)
{
    cs_pcg32x2 p;
    p.s0 = r->state;
    p.s1 = r->state * CS_PCG32_MULT + r->inc;
    p.mult2 = CS_PCG32_MULT * CS_PCG32_MULT;
    p.inc2 = (CS_PCG32_MULT + 1) * r->inc;
    return p;
}

static inline void cs_pcg32x2_next(cs_pcg32x2 *p, uint32_t *u0, uint32_t *u1)
{
    *u0 = cs_pcg32_output(p->s0);
    *u1 = cs_pcg32_output(p->s1);
    p->s0 = p->s0 * p->mult2 + p->inc2;
    p->s1 = p->s1 * p->mult2 + p->inc2;
}

/* Hand the stream back to r, positioned after the pairs drawn. */
static inline void cs_pcg32x2_finish(const cs_pcg32x2 *p, cs_pcg32 *r)
{
    r->state = p->s0;
}

/* Same seeding as the reference's pcg32(initstate, initseq): the state advances once past the
** increment, then once past the seed, so nearby seeds do not give nearby first outputs. */
static inline void cs_pcg32_seed(cs_pcg32 *r, uint64_t initstate, uint64_t initseq)
{
    r->state = 0u;
    r->inc = (initseq << 1u) | 1u;
    (void)cs_pcg32_next(r);
    r->state += initstate;
    (void)cs_pcg32_next(r);
}

/* Uniform on (0,1) with 32 random bits: enough for categorical draws, never exactly 0 or 1. */
static inline double cs_pcg32_uniform(cs_pcg32 *r)
{
    return ((double)cs_pcg32_next(r) + 0.5) * (1.0 / 4294967296.0);
}

/* Uniform on [0,1) with 53 random bits, for GSL's continuous samplers. */
static inline double cs_pcg32_uniform53(cs_pcg32 *r)
{
    uint64_t hi = cs_pcg32_next(r) >> 5, lo = cs_pcg32_next(r) >> 6;
    return (double)(hi * 67108864u + lo) * (1.0 / 9007199254740992.0);
}

/* What a query's stream is used for; each purpose is an independent stream, so adding a draw for
** one purpose never shifts the draws of another (common random numbers across strategies). */
enum cs_stream_purpose {
    CS_STREAM_QUERY = 0,   /* p, wrong-answer shares, bin tie-break */
    CS_STREAM_SAMPLES = 1, /* the generator's answers, shared by every strategy */
    CS_STREAM_SCORES = 2   /* the verifier's scores of those answers, shared likewise */
    /* a strategy's own randomness (judge, tree) uses cs_rng_hash("name:setting") */
};

/* Seed r with the stream for (seed, query, purpose): state and PCG stream selector are both
** hashes of the three, so streams of different (query, purpose) pairs are distinct sequences. */
void cs_rng_stream(cs_pcg32 *r, uint64_t seed, uint64_t query, uint64_t purpose);

/* A stable purpose for a named consumer (a strategy setting), so its draws do not depend on where
** it stands in the experiment file. */
uint64_t cs_rng_hash(const char *text);

/* PCG32 as a GSL generator, so gsl_ran_* samplers draw from our streams. Its state is a cs_pcg32:
** reach it with cs_rng_pcg32_state(). */
extern const gsl_rng_type *cs_rng_pcg32;
static inline cs_pcg32 *cs_rng_pcg32_state(gsl_rng *r) { return (cs_pcg32 *)r->state; }

/* Make g a GSL generator of type cs_rng_pcg32 whose state is *state (no allocation: g and
** state live where the caller keeps them, and nothing is freed). */
static inline void cs_rng_wrap(gsl_rng *g, cs_pcg32 *state)
{
    g->type = cs_rng_pcg32;
    g->state = state;
}

#endif
