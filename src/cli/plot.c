/*
** plot and table: a finished run's figures and its accuracy table, from its results.csv and
** config.ini, without simulating again.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"

int cs_cli_plot(int argc, char **argv)
{
    const char *dir = NULL;
    cs_plot_options po = {CS_PLOT_PNG, 0, 0, NULL};
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--format") == 0) {
            if (!val || (po.format = cs_plot_format_parse(val)) < 0)
                return cs_cli_usage_error("--format needs png, pdf or svg, not '%s'", val ? val : "");
            i++;
        } else if (strcmp(a, "--size") == 0) {
            if (!val || cs_plot_size_parse(val, &po.width, &po.height)) {
                char why[128];
                snprintf(why, sizeof why, "--size needs WIDTHxHEIGHT, each in [%d, %d], not '%%s'",
                         CS_PLOT_MIN_SIZE, CS_PLOT_MAX_SIZE);
                return cs_cli_usage_error(why, val ? val : "");
            }
            i++;
        } else if (strcmp(a, "--exact") == 0) {
            if (!val)
                return cs_cli_usage_error("%s needs the directory of a callscale exact run", a);
            po.exact_dir = val;
            i++;
        } else if (a[0] == '-' && a[1]) {
            return cs_cli_usage_error("unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else {
            return cs_cli_usage_error("unexpected argument '%s'", a);
        }
    }
    if (!dir)
        return cs_cli_usage_error("%s", "plot needs the directory of a run "
                                        "(e.g. runs/chen2024-two-level)");
    char *config = malloc(strlen(dir) + sizeof "/config.ini");
    if (!config)
        return cs_cli_usage_error("%s", "out of memory");
    sprintf(config, "%s/config.ini", dir);
    cs_experiment ex;
    cs_error err;
    int rc = cs_experiment_load(&ex, config, NULL, 0, &err);
    free(config);
    if (rc)
        return cs_cli_error(&err);
    rc = cs_cli_draw_figures(&ex, dir, dir, &po, 0);
    cs_experiment_free(&ex);
    return rc;
}

/* table DIR [EXACTDIR] [--budgets LIST]: a run's accuracy table, or a Monte Carlo run beside an
** exact one. */
int cs_cli_table(int argc, char **argv)
{
    const char *dir = NULL, *exact = NULL, *list = NULL;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        if (strcmp(a, "--budgets") == 0) {
            if (i + 1 >= argc)
                return cs_cli_usage_error("%s needs budgets, e.g. 1,3,5 or 1..64 x2", a);
            list = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            return cs_cli_usage_error("unknown option '%s'", a);
        } else if (!dir) {
            dir = a;
        } else if (!exact) {
            exact = a;
        } else {
            return cs_cli_usage_error("unexpected argument '%s'", a);
        }
    }
    if (!dir)
        return cs_cli_usage_error("%s", "table needs the directory of a run "
                                        "(e.g. runs/chen2024-two-level)");
    size_t *budgets = NULL, n = 0;
    char why[512];
    if (list && cs_budgets_parse(list, &budgets, &n, why, sizeof why)) {
        fprintf(stderr, "callscale: --budgets: %s\n", why);
        return EXIT_USAGE;
    }
    int rc = cs_cli_print_table(dir, exact, budgets, n);
    free(budgets);
    return rc;
}

