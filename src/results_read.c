/*
** results.csv read back into curves: the inverse of results.c, for the figures and the table.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/results.h"
#include "grow.h"
#include "results_read.h"

void cs_results_read_free(cs_results_file *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->c[i].pt);
    free(t->c);
    t->c = NULL;
    t->n = t->cap = 0;
}

cs_results_curve *cs_results_read_find(const cs_results_file *t, const char *strategy,
                                       const char *setting, const char *bin)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->c[i].strategy, strategy) && !strcmp(t->c[i].setting, setting) &&
            !strcmp(t->c[i].bin, bin))
            return &t->c[i];
    return NULL;
}

static int by_budget(const void *a, const void *b)
{
    double x = ((const cs_results_point *)a)->budget, y = ((const cs_results_point *)b)->budget;
    return x < y ? -1 : x > y;
}

/* results.csv's columns (cs_results_header), the first four of them names. */
#define NFIELDS 11
#define NNAMES 4

/* One row of results.csv into its curve. Returns 0, or -1 with a reason in why. */
static int read_row(cs_results_file *t, char *line, int *exact, char *why, size_t nwhy)
{
    char *field[NFIELDS];
    size_t nf = 0;
    for (char *p = line;; p++) {
        if (nf < NFIELDS)
            field[nf] = p;
        nf++;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = '\0';
    }
    if (nf != NFIELDS) {
        snprintf(why, nwhy, "%zu fields where results.csv has %d", nf, NFIELDS);
        return -1;
    }
    for (int i = 0; i < NNAMES; i++)
        if (!field[i][0] || strlen(field[i]) >= CS_NAME_MAX) {
            snprintf(why, nwhy, "field %d is empty or longer than %d characters", i + 1,
                     CS_NAME_MAX - 1);
            return -1;
        }
    double v[7], queries;
    const int col[7] = {2, 5, 6, 7, 8, 9, 10};
    for (int i = 0; i <= 7; i++) {
        int c = i < 7 ? col[i] : 4;
        char *end;
        double x = strtod(field[c], &end);
        if (end == field[c] || *end) {
            snprintf(why, nwhy, "field %d is not a number: '%s'", c + 1, field[c]);
            return -1;
        }
        if (i < 7)
            v[i] = x;
        else
            queries = x;
    }
    if (!(v[0] >= 1) || v[0] != floor(v[0])) {
        snprintf(why, nwhy, "budget '%s' is not a whole number of at least 1", field[2]);
        return -1;
    }
    if (!(queries >= 0)) {
        snprintf(why, nwhy, "queries '%s' is negative", field[4]);
        return -1;
    }
    if (queries != 0 || v[2] != v[1] || v[3] != v[1])
        *exact = 0;
    if (!strcmp(field[3], "all") && queries > t->queries)
        t->queries = queries;
    cs_results_curve *c = cs_results_read_find(t, field[0], field[1], field[3]);
    if (!c) {
        if (cs_grow(&t->c, &t->cap, t->n, sizeof *t->c))
            goto nomem;
        c = &t->c[t->n++];
        memset(c, 0, sizeof *c);
        snprintf(c->strategy, sizeof c->strategy, "%s", field[0]);
        snprintf(c->setting, sizeof c->setting, "%s", field[1]);
        snprintf(c->bin, sizeof c->bin, "%s", field[3]);
    }
    if (cs_grow(&c->pt, &c->cap, c->n, sizeof *c->pt))
        goto nomem;
    c->pt[c->n++] = (cs_results_point){v[0], v[1], v[2], v[3], v[4], v[5], v[6], queries};
    return 0;
nomem:
    snprintf(why, nwhy, "out of memory");
    return -1;
}

int cs_results_read(cs_results_file *t, const char *dir, cs_error *err)
{
    memset(t, 0, sizeof *t);
    int plen = snprintf(t->path, sizeof t->path, "%s/results.csv", dir);
    if (plen < 0 || (size_t)plen >= sizeof t->path)
        return cs_error_set(err, CS_ERR_IO, "results.csv", 0, "the directory's path is longer than "
                            "%d characters", CS_PATH_LONGEST);
    FILE *f = fopen(t->path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, t->path, 0, "cannot read: %s (is %s the directory of "
                            "a run?)", strerror(errno), dir);
    char *line = NULL, why[200];
    size_t cap = 0;
    int lineno = 0, exact = 1, rc = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            if (strcmp(line, cs_results_header) != 0) {
                rc = cs_error_set(err, CS_ERR_INPUT, t->path, 1,
                                  "not a results.csv: the header should be %s", cs_results_header);
                break;
            }
            continue;
        }
        if (len == 0)
            continue;
        if (read_row(t, line, &exact, why, sizeof why)) {
            rc = cs_error_set(err, CS_ERR_INPUT, t->path, lineno, "%s", why);
            break;
        }
    }
    free(line);
    fclose(f);
    if (!rc && t->n == 0)
        rc = cs_error_set(err, CS_ERR_INPUT, t->path, 0, "no results");
    if (rc) {
        cs_results_read_free(t);
        return rc;
    }
    t->exact = exact;
    for (size_t i = 0; i < t->n; i++)
        qsort(t->c[i].pt, t->c[i].n, sizeof *t->c[i].pt, by_budget);
    return 0;
}

