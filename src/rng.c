/*
** Per-query PCG32 streams and the GSL generator type that wraps PCG32.
*/
#include "callscale/rng.h"

/* SplitMix64's finaliser (Steele, Lea and Flood 2014): a bijective 64-bit mix, so distinct
** (seed, query, purpose) give well-spread initial states. */
static uint64_t mix64(uint64_t z)
{
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

void cs_rng_stream(cs_pcg32 *r, uint64_t seed, uint64_t query, uint64_t purpose)
{
    uint64_t key = mix64(query * 0x9e3779b97f4a7c15ULL ^ mix64(purpose));
    cs_pcg32_seed(r, mix64(mix64(seed) ^ key), key ^ (key >> 29));
}

uint64_t cs_rng_hash(const char *text)
{
    /* FNV-1a, then mixed: a stable 64-bit name for a strategy's stream */
    uint64_t h = 0xcbf29ce484222325ULL;
    for (; *text; text++)
        h = (h ^ (unsigned char)*text) * 0x100000001b3ULL;
    return mix64(h);
}

static void gsl_pcg_set(void *vstate, unsigned long seed)
{
    cs_pcg32_seed((cs_pcg32 *)vstate, (uint64_t)seed, 0u);
}

static unsigned long gsl_pcg_get(void *vstate)
{
    return cs_pcg32_next((cs_pcg32 *)vstate);
}

static double gsl_pcg_get_double(void *vstate)
{
    return cs_pcg32_uniform53((cs_pcg32 *)vstate);
}

static const gsl_rng_type pcg32_type = {
    "pcg32", 0xffffffffUL, 0, sizeof(cs_pcg32), gsl_pcg_set, gsl_pcg_get, gsl_pcg_get_double};

const gsl_rng_type *cs_rng_pcg32 = &pcg32_type;
