/*
** Merge: shards' tally.csv checked to be every shard of one run, once, whole and unedited, then
** added in block order, so that the sums are those of one run, bit for bit.
*/
#include <errno.h>
#include <float.h>
#include <inttypes.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/merge.h"
#include "callscale/shard.h"
#include "callscale/sweep.h"
#include "shard_format.h"

/* What a tally.csv's header says, and where. */
typedef struct head {
    char path[1100];
    char name[128], fingerprint[80];
    uint64_t seed, queries, block_queries, blocks, shards, shard, first, last;
    uint64_t nstrat, nbudgets, nbins;
    int line[16];  /* line of each key of the table below, 0: not seen */
    int rows_line; /* the line of the column names */
} head;

enum { KEY_TEXT, KEY_U64 };

/* The header's keys: one row each, in the order the writer puts them. */
static const struct key {
    const char *name;
    int kind;
    size_t offset, size;
} keys[] = {
    {"experiment", KEY_TEXT, offsetof(head, name), sizeof(((head *)0)->name)},
    {"fingerprint", KEY_TEXT, offsetof(head, fingerprint), sizeof(((head *)0)->fingerprint)},
    {"seed", KEY_U64, offsetof(head, seed), 0},
    {"queries", KEY_U64, offsetof(head, queries), 0},
    {"block_queries", KEY_U64, offsetof(head, block_queries), 0},
    {"blocks", KEY_U64, offsetof(head, blocks), 0},
    {"shards", KEY_U64, offsetof(head, shards), 0},
    {"shard", KEY_U64, offsetof(head, shard), 0},
    {"first_block", KEY_U64, offsetof(head, first), 0},
    {"last_block", KEY_U64, offsetof(head, last), 0},
    {"strategies", KEY_U64, offsetof(head, nstrat), 0},
    {"budgets", KEY_U64, offsetof(head, nbudgets), 0},
    {"bins", KEY_U64, offsetof(head, nbins), 0},
};
#define NKEYS (sizeof keys / sizeof keys[0])
_Static_assert(NKEYS <= sizeof ((head *)0)->line / sizeof(int), "a line for every key");
/* Rows of keys[] that messages point at, by their place in the table. */
enum { K_NAME, K_FINGERPRINT, K_SEED, K_QUERIES, K_BLOCKQ, K_BLOCKS, K_SHARDS, K_SHARD };

static uint64_t *u64_of(head *h, size_t k)
{
    return (uint64_t *)((char *)h + keys[k].offset);
}

static int parse_u64(const char *s, uint64_t *out)
{
    char *end;
    if (*s < '0' || *s > '9')
        return -1;
    errno = 0;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end)
        return -1;
    *out = v;
    return 0;
}

/* Read a line without its newline into *line; its length with the newline, or -1 at the end. */
static ssize_t next_line(FILE *f, char **line, size_t *cap, int *lineno)
{
    ssize_t n = getline(line, cap, f);
    if (n < 0)
        return -1;
    (*lineno)++;
    if ((*line)[n - 1] == '\n')
        (*line)[n - 1] = '\0';
    return n;
}

/* The header of dir/tally.csv into h; with config non-NULL, the configuration's text too
** (malloc'd, its length in *clen). */
static int read_head(const char *dir, head *h, char **config, size_t *clen, cs_error *err)
{
    memset(h, 0, sizeof *h);
    snprintf(h->path, sizeof h->path, "%s/tally.csv", dir);
    FILE *f = fopen(h->path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, h->path, 0, "cannot read: %s (is %s a shard's "
                            "directory, written by run --shard?)", strerror(errno), dir);
    char *line = NULL, *text = NULL;
    size_t cap = 0, tlen = 0;
    int ln = 0, rc = 0;
    FILE *cf = open_memstream(&text, &tlen);
    struct sha256_ctx cs;
    sha256_init(&cs);
    if (!cf)
        rc = cs_error_set(err, CS_ERR_NOMEM, h->path, 0, "out of memory");
    if (!rc && (next_line(f, &line, &cap, &ln) < 0 || strcmp(line, "format," SHARD_FORMAT)))
        rc = cs_error_set(err, CS_ERR_INPUT, h->path, 1, "not a shard's tally (the first line "
                          "is not 'format,%s')", SHARD_FORMAT);
    while (!rc) {
        if (next_line(f, &line, &cap, &ln) < 0) {
            rc = cs_error_set(err, CS_ERR_INPUT, h->path, ln, "truncated: the file ends in its "
                              "header, before the block rows");
            break;
        }
        if (line[0] == '#')
            continue;
        if (strcmp(line, SHARD_COLUMNS) == 0) {
            h->rows_line = ln;
            break;
        }
        char *comma = strchr(line, ',');
        if (!comma) {
            rc = cs_error_set(err, CS_ERR_INPUT, h->path, ln, "a header line without a comma");
            break;
        }
        *comma = '\0';
        const char *v = comma + 1;
        if (strcmp(line, "config") == 0) {
            size_t n = strlen(v);
            sha256_update(&cs, n, (const uint8_t *)v);
            sha256_update(&cs, 1, (const uint8_t *)"\n");
            if (config && (fwrite(v, 1, n, cf) != n || fputc('\n', cf) == EOF))
                rc = cs_error_set(err, CS_ERR_NOMEM, h->path, ln, "out of memory");
            continue;
        }
        size_t k = 0;
        while (k < NKEYS && strcmp(line, keys[k].name))
            k++;
        if (k == NKEYS) {
            rc = cs_error_set(err, CS_ERR_INPUT, h->path, ln, "unknown header key '%s'", line);
        } else if (h->line[k]) {
            rc = cs_error_set(err, CS_ERR_INPUT, h->path, ln, "'%s' given twice (first on line "
                              "%d)", line, h->line[k]);
        } else if (keys[k].kind == KEY_TEXT) {
            if (strlen(v) >= keys[k].size)
                rc = cs_error_set(err, CS_ERR_INPUT, h->path, ln, "'%s' is too long", line);
            else
                memcpy((char *)h + keys[k].offset, v, strlen(v) + 1);
        } else if (parse_u64(v, u64_of(h, k))) {
            rc = cs_error_set(err, CS_ERR_INPUT, h->path, ln, "'%s' needs a whole number, not "
                              "'%s'", line, v);
        }
        if (!rc)
            h->line[k] = ln;
    }
    for (size_t k = 0; !rc && k < NKEYS; k++)
        if (!h->line[k])
            rc = cs_error_set(err, CS_ERR_INPUT, h->path, h->rows_line, "no '%s' line in the "
                              "header", keys[k].name);
    if (!rc) {
        char hex[SHARD_HEX];
        shard_hex(&cs, hex);
        if (strncmp(h->fingerprint, "sha256:", 7) || strcmp(h->fingerprint + 7, hex))
            rc = cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_FINGERPRINT],
                              "the configuration's sha256 is not its fingerprint: the file was "
                              "edited");
    }
    if (cf && fclose(cf) && !rc)
        rc = cs_error_set(err, CS_ERR_NOMEM, h->path, 0, "out of memory");
    if (!rc && config) {
        *config = text;
        *clen = tlen;
        text = NULL;
    }
    free(text);
    free(line);
    fclose(f);
    return rc;
}

/* h against the first shard given, and against itself. */
static int check_head(const head *h, const head *h0, cs_error *err)
{
    uint64_t first, last;
    if (h->shards != h0->shards)
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_SHARDS], "a shard of %" PRIu64
                            ", but %s is a shard of %" PRIu64 ": the shards of a run share N",
                            h->shards, h0->path, h0->shards);
    if (strcmp(h->name, h0->name))
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_NAME], "a shard of experiment "
                            "'%s', but %s is one of '%s': shards of different experiments are not "
                            "one run", h->name, h0->path, h0->name);
    if (h->seed != h0->seed)
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_SEED], "seed %" PRIu64 ", but "
                            "%s has seed %" PRIu64 ": shards of different seeds are not one run",
                            h->seed, h0->path, h0->seed);
    if (strcmp(h->fingerprint, h0->fingerprint))
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_FINGERPRINT], "experiment '%s' "
                            "(configuration %.19s...), but %s holds '%s' (%.19s...): shards of "
                            "different configurations are not one run", h->name, h->fingerprint,
                            h0->path, h0->name, h0->fingerprint);
    if (h->block_queries != CS_SWEEP_BLOCK)
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_BLOCKQ], "blocks of %" PRIu64
                            " queries, but this callscale's blocks hold %d", h->block_queries,
                            CS_SWEEP_BLOCK);
    if (h->shards < 1 || h->shards > CS_SHARD_MAX || h->shard >= h->shards)
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_SHARD], "shard %" PRIu64 " of %"
                            PRIu64 " is not a shard", h->shard, h->shards);
    if (h->blocks != h->queries / CS_SWEEP_BLOCK + (h->queries % CS_SWEEP_BLOCK != 0))
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_BLOCKS], "%" PRIu64 " blocks "
                            "is not %" PRIu64 " queries", h->blocks, h->queries);
    cs_shard_blocks(h->blocks, h->shard, h->shards, &first, &last);
    if (h->first != first || h->last != last)
        return cs_error_set(err, CS_ERR_INPUT, h->path, h->line[K_SHARD], "blocks %" PRIu64 " to %"
                            PRIu64 ", but shard %" PRIu64 " of %" PRIu64 " holds %" PRIu64 " to %"
                            PRIu64, h->first, h->last, h->shard, h->shards, first, last);
    return 0;
}

/* A shard given to merge, as much of its header as the second pass needs. */
typedef struct given {
    const char *dir;
    uint64_t shard, first, last;
    int rows_line, shard_line;
    size_t arg; /* its place among the directories given */
} given;

static int by_shard(const void *a, const void *b)
{
    const given *x = a, *y = b;
    if (x->shard != y->shard)
        return x->shard < y->shard ? -1 : 1;
    return x->arg < y->arg ? -1 : x->arg > y->arg;
}

/* One row "block,s,b,bin,n,sum,sumsq,calls,tokens,flops": the indices it must have, its cell. */
static int parse_row(char *p, const uint64_t want[4], cs_cell *c)
{
    for (int i = 0; i < 4; i++) {
        char *end;
        if (*p < '0' || *p > '9')
            return -1;
        unsigned long long v = strtoull(p, &end, 10);
        if (*end != ',' || v != want[i])
            return -1;
        p = end + 1;
    }
    double *x[6] = {&c->n, &c->sum, &c->sumsq, &c->calls, &c->tokens, &c->flops};
    for (int i = 0; i < 6; i++) {
        char *end;
        if (p[0] != '0' || p[1] != 'x') /* %a's form, whose value is exact */
            return -1;
        *x[i] = strtod(p, &end);
        if (*end != (i < 5 ? ',' : '\0') || !(*x[i] >= 0 && *x[i] <= DBL_MAX))
            return -1;
        p = end + 1;
    }
    return 0;
}

/* Add the rows of g's tally.csv into res in the order written (which is block order), and check
** the file against its checksum. */
static int add_rows(const given *g, cs_results *res, cs_error *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/tally.csv", g->dir);
    FILE *f = fopen(path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot read: %s", strerror(errno));
    char *line = NULL;
    size_t cap = 0;
    int ln = 0, rc = 0, done = 0;
    struct sha256_ctx sum;
    sha256_init(&sum);
    uint64_t want[4] = {g->first, 0, 0, 0}; /* block, s, b, bin of the next row */
    ssize_t n;
    while (!rc && (n = getline(&line, &cap, f)) >= 0) {
        ln++;
        if (done) {
            rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "text after the checksum line");
        } else if (line[n - 1] != '\n') {
            rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "truncated: the last line is cut "
                              "short");
        } else if (ln > g->rows_line && strncmp(line, SHARD_CHECKSUM ",", 7) == 0) {
            char hex[SHARD_HEX];
            shard_hex(&sum, hex);
            line[n - 1] = '\0';
            if (strcmp(line + 7, hex))
                rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "the checksum does not match the "
                                  "file: it was edited or damaged");
            else if (want[0] != g->last)
                rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "the rows end at block %" PRIu64
                                  ", before the shard's last block %" PRIu64, want[0], g->last);
            done = 1;
        } else {
            sha256_update(&sum, (size_t)n, (const uint8_t *)line);
            if (ln <= g->rows_line)
                continue; /* the header, read before */
            line[n - 1] = '\0';
            cs_cell c;
            if (want[0] >= g->last || parse_row(line, want, &c)) {
                rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "expected the row of block %" PRIu64
                                  ", s %" PRIu64 ", b %" PRIu64 ", bin %" PRIu64 " and six hex "
                                  "floats", want[0], want[1], want[2], want[3]);
                break;
            }
            cs_cell_add(cs_results_cell(res, want[1], want[2], want[3] + 1), &c);
            if (++want[3] == res->nbins && (want[3] = 0, ++want[2] == res->nbudgets) &&
                (want[2] = 0, ++want[1] == res->nstrat)) {
                want[1] = 0;
                want[0]++;
            }
        }
    }
    if (!rc && !done)
        rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "truncated: no checksum line at the end "
                          "(a shard that did not finish, or a copy cut short)");
    free(line);
    fclose(f);
    return rc;
}

int cs_merge_shards(const char *const *dirs, size_t ndirs, const char *name, cs_experiment *ex,
                    cs_results *res, char **config_out, size_t *config_len, cs_error *err)
{
    if (ndirs == 0)
        return cs_error_set(err, CS_ERR_INPUT, "", 0, "merge needs the shards' directories");
    head *h0 = malloc(sizeof *h0), *h = malloc(sizeof *h);
    given *g = calloc(ndirs, sizeof *g);
    char *config = NULL;
    size_t clen = 0;
    int rc = 0, loaded = 0;
    if (!h0 || !h || !g)
        rc = cs_error_set(err, CS_ERR_NOMEM, "", 0, "out of memory");
    for (size_t i = 0; !rc && i < ndirs; i++) {
        head *x = i ? h : h0;
        rc = read_head(dirs[i], x, i ? NULL : &config, &clen, err);
        if (!rc)
            rc = check_head(x, h0, err);
        g[i] = (given){dirs[i], x->shard, x->first, x->last, x->rows_line, x->line[K_SHARD], i};
    }
    if (!rc)
        qsort(g, ndirs, sizeof *g, by_shard);
    for (size_t i = 1; !rc && i < ndirs; i++)
        if (g[i].shard == g[i - 1].shard) {
            char path[1100];
            snprintf(path, sizeof path, "%s/tally.csv", g[i].dir);
            rc = cs_error_set(err, CS_ERR_INPUT, path, g[i].shard_line, "shard %" PRIu64 " of %"
                              PRIu64 " given twice (also %s/tally.csv)", g[i].shard, h0->shards,
                              g[i - 1].dir);
        }
    for (size_t i = 0; !rc && i < h0->shards; i++)
        if (i >= ndirs || g[i].shard != i)
            rc = cs_error_set(err, CS_ERR_INPUT, "", 0, "merge: shard %zu of %" PRIu64 " is "
                              "missing (%zu of the %" PRIu64 " shards given)", i, h0->shards,
                              ndirs, h0->shards);
    if (!rc && !(rc = cs_experiment_load_text(ex, name, config, clen, NULL, 0, err))) {
        loaded = 1;
        if (ex->nstrat != h0->nstrat || ex->nbudgets != h0->nbudgets ||
            cs_experiment_nbins(ex) != h0->nbins || ex->queries != h0->queries ||
            ex->seed != h0->seed || strcmp(ex->name, h0->name))
            rc = cs_error_set(err, CS_ERR_INPUT, h0->path, h0->rows_line, "the header does not "
                              "describe its configuration (strategies, budgets, bins, queries, "
                              "seed or name differ)");
        else if (cs_results_init(res, ex))
            rc = cs_error_set(err, CS_ERR_NOMEM, "", 0, "out of memory");
        else
            loaded = 2;
    }
    for (size_t i = 0; !rc && i < ndirs; i++)
        rc = add_rows(&g[i], res, err);
    if (!rc) {
        cs_sweep_total(res);
        res->exact = 0;
        *config_out = config;
        *config_len = clen;
        config = NULL;
    }
    if (rc && loaded == 2)
        cs_results_free(res);
    if (rc && loaded)
        cs_experiment_free(ex);
    free(config);
    free(h0);
    free(h);
    free(g);
    return rc;
}
