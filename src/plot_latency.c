/*
** latency.dat: the rows of latency.csv that the frontier and latency figures draw, in the order
** of the other figures' strategy settings, so that colours agree across figures.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/outfile.h"
#include "plot_latency.h"

#define LINE_MAX_LEN 1024
/* latency.csv's columns that latency.dat keeps, 0-based: budget, accuracy, p50, p90, p99, mean,
** throughput, slo_attained */
static const int keep[] = {2, 5, 7, 8, 9, 6, 11, 14};
#define NKEEP (sizeof keep / sizeof keep[0])
#define NCOLS 15

static int split(char *line, char **field)
{
    int n = 0;
    char *p = line;
    while (n < NCOLS) {
        field[n++] = p;
        char *c = strchr(p, ',');
        if (!c)
            break;
        *c = '\0';
        p = c + 1;
    }
    char *nl = strpbrk(field[n - 1], "\r\n");
    if (nl)
        *nl = '\0';
    return n;
}

int cs_plot_latency_data(const char *dir, const char *const *strategy, const char *const *setting,
                         size_t n, int *have, cs_error *err)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/latency.csv", dir);
    *have = 0;
    FILE *in = fopen(path, "r");
    if (!in) {
        snprintf(path, sizeof path, "%s/latency.dat", dir);
        remove(path); /* no clock in this run: no stale data either */
        return 0;
    }
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "latency.dat", err)) {
        fclose(in);
        return CS_ERR_IO;
    }
    fprintf(o.f, "# a block per strategy setting, bin 'all', by budget:\n"
                 "# budget accuracy latency_p50 latency_p90 latency_p99 latency_mean throughput "
                 "slo_attained\n");
    char line[LINE_MAX_LEN];
    int rc = 0;
    for (size_t s = 0; s < n && !rc; s++) {
        rewind(in);
        int ln = 0, rows = 0;
        while (fgets(line, sizeof line, in)) {
            char *f[NCOLS];
            if (++ln == 1)
                continue; /* the header */
            if (split(line, f) < NCOLS - 1) {
                rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "not a latency.csv row");
                break;
            }
            if (strcmp(f[0], strategy[s]) || strcmp(f[1], setting[s]) || strcmp(f[3], "all"))
                continue;
            for (size_t k = 0; k < NKEEP; k++)
                fprintf(o.f, "%s%s", k ? " " : "",
                        keep[k] < NCOLS && f[keep[k]][0] ? f[keep[k]] : "NaN");
            fputc('\n', o.f);
            rows++;
        }
        if (!rc && rows == 0)
            fprintf(o.f, "NaN NaN NaN NaN NaN NaN NaN NaN\n"); /* a setting the clock did not see */
        fprintf(o.f, "\n\n");
    }
    fclose(in);
    if (rc) {
        cs_outfile_abandon(&o);
        return rc;
    }
    *have = 1;
    return cs_outfile_close(&o, err);
}
