/*
** latency.dat: the rows of latency.csv that the frontier and latency figures draw, in the order
** of the other figures' strategy settings, so that colours agree across figures.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/csvline.h"
#include "callscale/experiment.h"
#include "callscale/outfile.h"
#include "plot_latency.h"

#define LINE_MAX_LEN 1024
/* latency.csv's columns that latency.dat keeps, 0-based: budget, accuracy, p50, p90, p99, mean,
** throughput, slo_attained */
static const int keep[] = {2, 5, 7, 8, 9, 6, 11, 14};
#define NKEEP (sizeof keep / sizeof keep[0])
#define NCOLS 15

int cs_plot_latency_data(const char *dir, const cs_plot_layout *l, int *have, cs_error *err)
{
    char path[CS_PATH_MAX];
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
    for (size_t s = 0; s < l->nstrat && !rc; s++) {
        rewind(in);
        int ln = 0, rows = 0;
        while (fgets(line, sizeof line, in)) {
            char *f[NCOLS] = {0};
            if (++ln == 1)
                continue; /* the header */
            if (cs_csvline_split(line, f, NCOLS) < NCOLS - 1) {
                rc = cs_error_set(err, CS_ERR_INPUT, path, ln, "not a latency.csv row");
                break;
            }
            if (strcmp(f[0], l->strat[s]->strategy) || strcmp(f[1], l->strat[s]->setting) ||
                strcmp(f[3], "all"))
                continue;
            for (size_t k = 0; k < NKEEP; k++)
                fprintf(o.f, "%s%s", k ? " " : "",
                        f[keep[k]] && f[keep[k]][0] ? f[keep[k]] : "NaN");
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
