/*
** A shard's tally.csv: its blocks' tallies as C99 hex floats (exact), under the configuration
** they came from and its fingerprint, closed by a checksum of the whole file.
*/
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/outfile.h"
#include "callscale/shard.h"
#include "callscale/sweep.h"
#include "shard_format.h"

struct cs_shard_writer {
    cs_outfile out;
    struct sha256_ctx sum;      /* of every byte written so far */
    uint64_t first, last, next; /* blocks of the shard, and the next one to come */
    size_t nstrat, nbudgets, nbins;
    int bad;
};

void cs_shard_blocks(uint64_t nblocks, uint64_t i, uint64_t n, uint64_t *first, uint64_t *last)
{
    uint64_t q = nblocks / n, r = nblocks % n;
    *first = i * q + (i < r ? i : r);
    *last = *first + q + (i < r ? 1 : 0);
}

int cs_shard_parse(const char *text, uint64_t *i, uint64_t *n)
{
    char *end;
    if (!text || *text < '0' || *text > '9')
        return -1;
    errno = 0;
    unsigned long long a = strtoull(text, &end, 10);
    if (errno || *end != '/' || end[1] < '0' || end[1] > '9')
        return -1;
    unsigned long long b = strtoull(end + 1, &end, 10);
    if (errno || *end || b < 1 || b > CS_SHARD_MAX || a >= b)
        return -1;
    *i = a;
    *n = b;
    return 0;
}

static void put(cs_shard_writer *w, const char *s, size_t len)
{
    sha256_update(&w->sum, len, (const uint8_t *)s);
    if (fwrite(s, 1, len, w->out.f) != len)
        w->bad = 1;
}

static void __attribute__((format(printf, 2, 3))) putf(cs_shard_writer *w, const char *fmt, ...)
{
    char line[512];
    va_list ap;
    va_start(ap, fmt);
    int len = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (len < 0 || (size_t)len >= sizeof line)
        w->bad = 1; /* cannot happen: every line written here is short */
    else
        put(w, line, (size_t)len);
}

/* The configuration as run writes it to config.ini, in memory (malloc'd), or NULL. */
static char *config_text(const cs_experiment *ex, size_t *len)
{
    char *text = NULL;
    FILE *f = open_memstream(&text, len);
    if (!f)
        return NULL;
    int rc = cs_experiment_write(ex, f);
    if (fclose(f) || rc) {
        free(text);
        return NULL;
    }
    return text;
}

cs_shard_writer *cs_shard_open(const cs_experiment *ex, uint64_t i, uint64_t n, const char *dir,
                               cs_error *err)
{
    size_t len;
    char *text = config_text(ex, &len);
    cs_shard_writer *w = calloc(1, sizeof *w);
    if (!text || !w) {
        free(text);
        free(w);
        cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
        return NULL;
    }
    int rc = cs_outfile_write(dir, "config.ini", text, len, err);
    if (!rc)
        rc = cs_outfile_open(&w->out, dir, "tally.csv", err);
    if (rc) {
        free(text);
        free(w);
        return NULL;
    }
    struct sha256_ctx h;
    char fingerprint[SHARD_HEX];
    sha256_init(&h);
    sha256_update(&h, len, (const uint8_t *)text);
    shard_hex(&h, fingerprint);

    uint64_t nblocks = cs_sweep_nblocks(ex);
    cs_shard_blocks(nblocks, i, n, &w->first, &w->last);
    w->next = w->first;
    w->nstrat = ex->nstrat;
    w->nbudgets = ex->nbudgets;
    w->nbins = cs_experiment_nbins(ex);
    sha256_init(&w->sum);
    putf(w, "format,%s\n", SHARD_FORMAT);
    putf(w, "# the block tallies of one shard of a run, for callscale merge (exact: C99 hex "
            "floats)\n");
    putf(w, "experiment,%s\n", ex->name);
    putf(w, "fingerprint,sha256:%s\n", fingerprint);
    putf(w, "seed,%" PRIu64 "\n", ex->seed);
    putf(w, "queries,%" PRIu64 "\n", ex->queries);
    putf(w, "block_queries,%d\n", CS_SWEEP_BLOCK);
    putf(w, "blocks,%" PRIu64 "\n", nblocks);
    putf(w, "shards,%" PRIu64 "\n", n);
    putf(w, "shard,%" PRIu64 "\n", i);
    putf(w, "first_block,%" PRIu64 "\n", w->first);
    putf(w, "last_block,%" PRIu64 "\n", w->last);
    putf(w, "strategies,%zu\nbudgets,%zu\nbins,%zu\n", w->nstrat, w->nbudgets, w->nbins);
    putf(w, "# the configuration (config.ini) line by line; the fingerprint is its sha256\n");
    for (const char *p = text; p < text + len;) {
        const char *nl = memchr(p, '\n', (size_t)(text + len - p));
        size_t k = nl ? (size_t)(nl - p) : (size_t)(text + len - p);
        put(w, "config,", 7);
        put(w, p, k);
        put(w, "\n", 1);
        p += k + 1;
    }
    putf(w, "# one row per block and cell: s, b, bin index the strategy settings, budgets and bins "
            "from 0\n%s\n", SHARD_COLUMNS);
    free(text);
    return w;
}

void cs_shard_part(const cs_shard_writer *w, uint64_t *first, uint64_t *last)
{
    *first = w->first;
    *last = w->last;
}

int cs_shard_write_block(void *data, uint64_t block, const cs_results *tally, cs_error *err)
{
    cs_shard_writer *w = data;
    if (block != w->next || block >= w->last)
        return cs_error_set(err, CS_ERR_INPUT, w->out.path, 0,
                            "block %" PRIu64 " out of order (expected %" PRIu64 ")", block,
                            w->next);
    for (size_t s = 0; s < w->nstrat; s++)
        for (size_t b = 0; b < w->nbudgets; b++)
            for (size_t bin = 0; bin < w->nbins; bin++) {
                const cs_cell *c = cs_results_cell(tally, s, b, bin + 1);
                putf(w, "%" PRIu64 ",%zu,%zu,%zu,%a,%a,%a,%a,%a,%a\n", block, s, b, bin, c->n,
                     c->sum, c->sumsq, c->calls, c->tokens, c->flops);
            }
    w->next++;
    if (w->bad)
        return cs_error_set(err, CS_ERR_IO, w->out.path, 0, "write failed: %s", strerror(errno));
    return 0;
}

int cs_shard_close(cs_shard_writer *w, cs_error *err)
{
    int rc = 0;
    if (w->next != w->last) {
        rc = cs_error_set(err, CS_ERR_INPUT, w->out.path, 0,
                          "blocks %" PRIu64 " to %" PRIu64 " were not written", w->next, w->last);
    } else {
        char sum[SHARD_HEX];
        shard_hex(&w->sum, sum);
        fprintf(w->out.f, "%s,%s\n", SHARD_CHECKSUM, sum);
        if (w->bad)
            rc = cs_error_set(err, CS_ERR_IO, w->out.path, 0, "write failed");
    }
    if (rc)
        cs_outfile_abandon(&w->out);
    else
        rc = cs_outfile_close(&w->out, err);
    free(w);
    return rc;
}

void cs_shard_abandon(cs_shard_writer *w)
{
    if (!w)
        return;
    cs_outfile_abandon(&w->out);
    free(w);
}
