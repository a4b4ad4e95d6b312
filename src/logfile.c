/*
** Per-sample logs: reads query,sample,correct[,answer,score,tokens] CSV files (header first, any
** column order, quoted fields allowed) into queries with their samples in sample order.
*/
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/csvline.h"
#include "callscale/logfile.h"

/* The columns a log may carry; the first three are required. */
enum { COL_QUERY, COL_SAMPLE, COL_CORRECT, COL_ANSWER, COL_SCORE, COL_TOKENS, NCOLS };
static const char *const col_name[NCOLS] = {"query", "sample", "correct", "answer", "score", "tokens"};
#define NREQUIRED 3
/* Fields a row may hold (columns beyond ours are ignored). */
#define MAX_FIELDS 64

typedef struct row {
    size_t q;       /* query index */
    long sample;    /* -1: the query is named without a sample */
    int correct;
    char *answer;
    double score, tokens;
    int line;
} row;

typedef struct reader {
    cs_log *log;
    cs_error *err;
    row *rows;
    size_t nrows, caprows;
    size_t *slot; /* open-addressing table of query indices + 1 (0 empty) */
    size_t nslot;
    size_t capq;
} reader;

static uint64_t hash_text(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; *s; s++)
        h = (h ^ (unsigned char)*s) * 1099511628211ull;
    return h;
}

static int grow_table(reader *r)
{
    size_t n = r->nslot ? 2 * r->nslot : 1024;
    size_t *t = calloc(n, sizeof *t);
    if (!t)
        return -1;
    for (size_t i = 0; i < r->log->nq; i++) {
        size_t h = (size_t)(hash_text(r->log->qname[i]) & (n - 1));
        while (t[h])
            h = (h + 1) & (n - 1);
        t[h] = i + 1;
    }
    free(r->slot);
    r->slot = t;
    r->nslot = n;
    return 0;
}

/* Index of query `name`, added when new; (size_t)-1 when out of memory. */
static size_t query_index(reader *r, const char *name)
{
    cs_log *log = r->log;
    if (2 * (log->nq + 1) > r->nslot && grow_table(r))
        return (size_t)-1;
    size_t h = (size_t)(hash_text(name) & (r->nslot - 1));
    while (r->slot[h]) {
        if (strcmp(log->qname[r->slot[h] - 1], name) == 0)
            return r->slot[h] - 1;
        h = (h + 1) & (r->nslot - 1);
    }
    if (log->nq == r->capq) {
        size_t cap = r->capq ? 2 * r->capq : 256;
        char **names = realloc(log->qname, cap * sizeof *names);
        if (!names)
            return (size_t)-1;
        log->qname = names;
        r->capq = cap;
    }
    if (!(log->qname[log->nq] = strdup(name)))
        return (size_t)-1;
    r->slot[h] = ++log->nq;
    return log->nq - 1;
}

/* text as a finite number, whole: 0, or -1. */
static int parse_number(const char *text, double *out)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    while (*end == ' ')
        end++;
    if (!*text || *end || errno || !isfinite(v))
        return -1;
    *out = v;
    return 0;
}

static int by_query_sample(const void *x, const void *y)
{
    const row *a = x, *b = y;
    if (a->q != b->q)
        return a->q < b->q ? -1 : 1;
    if (a->sample != b->sample)
        return a->sample < b->sample ? -1 : 1;
    return a->line < b->line ? -1 : a->line > b->line;
}

static int parse_row(reader *r, char **f, size_t nf, const int *col, int lineno)
{
    cs_log *log = r->log;
    for (int k = 0; k < NCOLS; k++)
        if (col[k] >= 0 && (size_t)col[k] >= nf)
            return cs_error_set(r->err, CS_ERR_INPUT, log->file, lineno,
                                "%zu fields, but column '%s' is field %d", nf, col_name[k], col[k] + 1);
    if (r->nrows == r->caprows) {
        size_t cap = r->caprows ? 2 * r->caprows : 4096;
        row *rows = realloc(r->rows, cap * sizeof *rows);
        if (!rows)
            return cs_error_set(r->err, CS_ERR_NOMEM, log->file, lineno, "out of memory");
        r->rows = rows;
        r->caprows = cap;
    }
    row *w = &r->rows[r->nrows];
    memset(w, 0, sizeof *w);
    w->line = lineno;
    const char *qtext = f[col[COL_QUERY]], *stext = f[col[COL_SAMPLE]], *ctext = f[col[COL_CORRECT]];
    if (!*qtext)
        return cs_error_set(r->err, CS_ERR_INPUT, log->file, lineno, "query: empty");
    if ((w->q = query_index(r, qtext)) == (size_t)-1)
        return cs_error_set(r->err, CS_ERR_NOMEM, log->file, lineno, "out of memory");
    if (!*stext && !*ctext) { /* the query is named, with no sample */
        w->sample = -1;
        r->nrows++;
        return 0;
    }
    char *end;
    errno = 0;
    long s = strtol(stext, &end, 10);
    if (!*stext || *end || errno || s < 0)
        return cs_error_set(r->err, CS_ERR_INPUT, log->file, lineno,
                            "sample: '%s' is not a sample number (0, 1, ...)", stext);
    w->sample = s;
    if (strcmp(ctext, "0") && strcmp(ctext, "1"))
        return cs_error_set(r->err, CS_ERR_INPUT, log->file, lineno, "correct: '%s' is not 0 or 1",
                            ctext);
    w->correct = ctext[0] == '1';
    if (col[COL_ANSWER] >= 0) {
        const char *a = f[col[COL_ANSWER]];
        if (!*a)
            return cs_error_set(r->err, CS_ERR_INPUT, log->file, lineno,
                                "answer: empty (every sample of a log with answers needs one)");
        if (!(w->answer = strdup(a)))
            return cs_error_set(r->err, CS_ERR_NOMEM, log->file, lineno, "out of memory");
    }
    if (col[COL_SCORE] >= 0 && parse_number(f[col[COL_SCORE]], &w->score))
        return cs_error_set(r->err, CS_ERR_INPUT, log->file, lineno, "score: '%s' is not a number",
                            f[col[COL_SCORE]]);
    if (col[COL_TOKENS] >= 0 && (parse_number(f[col[COL_TOKENS]], &w->tokens) || w->tokens < 0))
        return cs_error_set(r->err, CS_ERR_INPUT, log->file, lineno,
                            "tokens: '%s' is not a non-negative number", f[col[COL_TOKENS]]);
    r->nrows++;
    return 0;
}

/* Sort the rows into queries, check them and fill the log's arrays. */
static int assemble(reader *r, const int *col)
{
    cs_log *log = r->log;
    qsort(r->rows, r->nrows, sizeof *r->rows, by_query_sample);
    size_t nsamp = 0;
    for (size_t i = 0; i < r->nrows; i++)
        nsamp += r->rows[i].sample >= 0;
    log->nsamples = nsamp;
    log->start = calloc(log->nq + 1, sizeof *log->start);
    log->correct = malloc(nsamp + 1);
    if (col[COL_ANSWER] >= 0)
        log->answer = malloc((nsamp + 1) * sizeof *log->answer);
    if (col[COL_SCORE] >= 0)
        log->score = malloc((nsamp + 1) * sizeof *log->score);
    if (col[COL_TOKENS] >= 0)
        log->tokens = malloc((nsamp + 1) * sizeof *log->tokens);
    if (!log->start || !log->correct || (col[COL_ANSWER] >= 0 && !log->answer) ||
        (col[COL_SCORE] >= 0 && !log->score) || (col[COL_TOKENS] >= 0 && !log->tokens))
        return cs_error_set(r->err, CS_ERR_NOMEM, log->file, 0, "out of memory");
    size_t k = 0, i = 0;
    for (size_t q = 0; q < log->nq; q++) {
        log->start[q] = k;
        int named_line = 0;
        size_t first = k;
        for (; i < r->nrows && r->rows[i].q == q; i++) {
            const row *w = &r->rows[i];
            if (w->sample < 0) {
                named_line = w->line;
                continue;
            }
            if (k > first && r->rows[i - 1].sample == w->sample)
                return cs_error_set(r->err, CS_ERR_INPUT, log->file, w->line,
                                    "sample %ld of query '%s' is logged twice", w->sample,
                                    log->qname[q]);
            log->correct[k] = (unsigned char)w->correct;
            if (log->score)
                log->score[k] = w->score;
            if (log->tokens)
                log->tokens[k] = w->tokens;
            if (log->answer) {
                /* ids by first appearance within the query; a label is right or wrong, not both */
                int id = -1;
                for (size_t j = first; j < k && id < 0; j++) {
                    const row *o = &r->rows[i - (k - j)];
                    if (strcmp(o->answer, w->answer) == 0) {
                        if (o->correct != w->correct)
                            return cs_error_set(r->err, CS_ERR_INPUT, log->file, w->line,
                                                "answer '%s' of query '%s' is marked %s here and %s "
                                                "on line %d",
                                                w->answer, log->qname[q], w->correct ? "right" : "wrong",
                                                o->correct ? "right" : "wrong", o->line);
                        id = log->answer[j];
                    }
                }
                if (id < 0) {
                    id = 0;
                    for (size_t j = first; j < k; j++)
                        if (log->answer[j] >= id)
                            id = log->answer[j] + 1;
                }
                log->answer[k] = id;
            }
            k++;
        }
        if (k == first)
            return cs_error_set(r->err, CS_ERR_INPUT, log->file, named_line,
                                "query '%s' has no samples", log->qname[q]);
    }
    log->start[log->nq] = k;
    return 0;
}

int cs_log_read(cs_log *log, const char *path, cs_error *err)
{
    memset(log, 0, sizeof *log);
    snprintf(log->file, sizeof log->file, "%s", path);
    FILE *f = fopen(path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot open: %s", strerror(errno));
    reader r = {.log = log, .err = err};
    char *line = NULL, *field[MAX_FIELDS];
    size_t cap = 0;
    int lineno = 0, rc = 0, col[NCOLS];
    for (int k = 0; k < NCOLS; k++)
        col[k] = -1;
    ssize_t got;
    while ((got = getline(&line, &cap, f)) >= 0) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (lineno == 1) {
            size_t nf = cs_csvline_split(line, field, MAX_FIELDS);
            if (nf > MAX_FIELDS)
                nf = MAX_FIELDS;
            for (size_t j = 0; j < nf; j++)
                for (int k = 0; k < NCOLS; k++)
                    if (strcmp(field[j], col_name[k]) == 0 && col[k] < 0)
                        col[k] = (int)j;
            for (int k = 0; k < NREQUIRED; k++)
                if (col[k] < 0) {
                    rc = cs_error_set(err, CS_ERR_INPUT, path, 1,
                                      "no '%s' column (a log's header is query,sample,correct "
                                      "and optionally answer,score,tokens)",
                                      col_name[k]);
                    goto done;
                }
            continue;
        }
        if (!line[0])
            continue;
        size_t nf = cs_csvline_split(line, field, MAX_FIELDS);
        if (nf > MAX_FIELDS)
            nf = MAX_FIELDS;
        if ((rc = parse_row(&r, field, nf, col, lineno)))
            goto done;
    }
    if (lineno == 0)
        rc = cs_error_set(err, CS_ERR_INPUT, path, 0, "empty (a log's header is query,sample,correct)");
    else if (!log->nq)
        rc = cs_error_set(err, CS_ERR_INPUT, path, lineno, "no samples after the header");
    else
        rc = assemble(&r, col);
done:
    free(line);
    fclose(f);
    for (size_t i = 0; i < r.nrows; i++)
        free(r.rows[i].answer);
    free(r.rows);
    free(r.slot);
    if (rc)
        cs_log_free(log);
    return rc;
}

void cs_log_free(cs_log *log)
{
    for (size_t i = 0; i < log->nq; i++)
        free(log->qname[i]);
    free(log->qname);
    free(log->start);
    free(log->correct);
    free(log->answer);
    free(log->score);
    free(log->tokens);
    char file[sizeof log->file];
    memcpy(file, log->file, sizeof file);
    memset(log, 0, sizeof *log);
    memcpy(log->file, file, sizeof file);
}
