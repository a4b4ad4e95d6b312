/*
** A run's outputs: its directory (staged, then moved into place whole), results.csv with
** config.ini, the figures, and the accuracy table printed from results.csv.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/gnuplot.h"
#include "callscale/summary.h"
#include "callscale/outfile.h"
#include "callscale/unbiased.h"
#include "cli.h"

int cs_cli_write_outputs(const cs_experiment *ex, const cs_results *res, const char *dir)
{
    cs_error err;
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "config.ini", &err))
        return cs_cli_error(&err);
    if (cs_experiment_write(ex, o.f)) {
        cs_outfile_abandon(&o);
        fprintf(stderr, "callscale: %s: cannot write\n", o.path);
        return EXIT_INPUT;
    }
    if (cs_outfile_close(&o, &err))
        return cs_cli_error(&err);
    char *path = cs_cli_join(dir, "results.csv");
    if (!path)
        return cs_cli_usage_error("%s", "out of memory");
    int rc = cs_results_write_csv(ex, res, path, &err) ? cs_cli_error(&err) : 0;
    free(path);
    /* logs as populations: their own unbiased curves beside the simulated ones */
    if (!rc && cs_unbiased_write_logged(ex, dir, &err))
        rc = cs_cli_error(&err);
    return rc;
}

int cs_cli_begin_outputs(const cs_cli_options *o, const cs_experiment *ex, const char *suffix,
                         cs_outdir *d)
{
    cs_error err;
    if (o->outdir && !o->outdir[0]) {
        fprintf(stderr, "callscale: -o: the output directory's name is empty (e.g. -o runs/mine)\n");
        return EXIT_USAGE;
    }
    char *dir = NULL;
    if (!o->outdir) {
        dir = malloc(strlen(ex->name) + strlen(suffix) + 6);
        if (!dir) {
            fprintf(stderr, "callscale: out of memory\n");
            return EXIT_INPUT;
        }
        sprintf(dir, "runs/%s%s", ex->name, suffix);
        for (char *p = dir + 5; *p; p++)
            if (*p == '/' || *p == ' ')
                *p = '_';
    }
    int rc = cs_outdir_begin(d, dir ? dir : o->outdir, &err);
    free(dir);
    return rc ? cs_cli_error(&err) : 0;
}

/* The figures of dir: gnuplot scripts and their data, then gnuplot on each when it is on the
** PATH (else one line saying how to draw them). gnuplot's warnings are passed on; a figure it
** could not draw is an error. */
int cs_cli_draw_figures(const cs_experiment *ex, const char *dir, const char *shown,
                        const cs_plot_options *po, int quiet)
{
    cs_plot p;
    cs_error err;
    char gnuplot[CS_PATH_MAX], name[64], log[4096], list[512] = "";
    if (cs_plot_write(ex, dir, po, &p, &err))
        return cs_cli_error(&err);
    int found = cs_gnuplot_find(gnuplot, sizeof gnuplot) == 0, rc = 0;
    for (int fig = 0; fig < CS_NFIGURES; fig++) {
        if (!p.drawn[fig])
            continue;
        if (!found) {
            cs_plot_script_name(fig, name, sizeof name);
            snprintf(list + strlen(list), sizeof list - strlen(list), " %s", name);
            continue;
        }
        int bad = cs_gnuplot_render(gnuplot, dir, &p, fig, log, sizeof log, &err);
        for (char *line = strtok(log, "\n"); line; line = strtok(NULL, "\n"))
            fprintf(stderr, "callscale: %s: gnuplot: %s\n", shown, line);
        if (bad) {
            rc = cs_cli_error(&err);
            continue;
        }
        cs_plot_output_name(&p, fig, name, sizeof name);
        snprintf(list + strlen(list), sizeof list - strlen(list), " %s", name);
    }
    if (!found && !quiet)
        fprintf(stderr, "callscale: gnuplot is not on the PATH, so the figures are not drawn; "
                        "to draw them: cd %s && gnuplot%s\n", shown, list);
    else if (found && !quiet && list[0])
        fprintf(stderr, "callscale: figures in %s:%s\n", shown, list);
    return rc;
}

int cs_cli_print_table(const char *dir, const char *exact, const size_t *budgets,
                       size_t nbudgets)
{
    cs_summary t, x;
    cs_error err;
    if (cs_summary_read(&t, dir, &err))
        return cs_cli_error(&err);
    if (exact && cs_summary_read(&x, exact, &err)) {
        cs_summary_free(&t);
        return cs_cli_error(&err);
    }
    int rc = cs_summary_write(stdout, &t, exact ? &x : NULL, budgets, nbudgets);
    if (rc)
        fprintf(stderr, "callscale: cannot write the table: %s\n", strerror(errno));
    cs_summary_free(&t);
    if (exact)
        cs_summary_free(&x);
    return rc ? EXIT_INPUT : 0;
}

