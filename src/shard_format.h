/*
** The layout of a shard's tally.csv, shared by its writer (shard.c) and its reader (merge.c).
*/
#ifndef CALLSCALE_SHARD_FORMAT_H
#define CALLSCALE_SHARD_FORMAT_H

#include <stdint.h>
#include <stdio.h>
#include <nettle/sha2.h>

/* The first line; a reader refuses any other (a later layout gets a new name). */
#define SHARD_FORMAT "callscale-tally-1"
/* After the header lines (key,value) and the configuration (config,LINE): one row per block and
** cell, s, b and bin being the strategy setting's, budget's and bin's index from 0. */
#define SHARD_COLUMNS "block,s,b,bin,n,sum,sumsq,calls,tokens,flops"
/* The last line: sha256,HEX of every byte before it (head -n -1 tally.csv | sha256sum). */
#define SHARD_CHECKSUM "sha256"
#define SHARD_HEX (2 * SHA256_DIGEST_SIZE + 1)

static inline void shard_hex(struct sha256_ctx *h, char out[SHARD_HEX])
{
    uint8_t d[SHA256_DIGEST_SIZE];
    sha256_digest(h, sizeof d, d);
    for (size_t i = 0; i < sizeof d; i++)
        snprintf(out + 2 * i, 3, "%02x", d[i]);
}

#endif
