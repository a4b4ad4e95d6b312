/*
** explain: per component and overall, the easy queries' share and vote's limit, and a two-level
** population's shape in closed form.
*/
#include <stdio.h>
#include <stdlib.h>
#include "callscale/explain.h"
#include "cli.h"

int cs_cli_explain(int argc, char **argv)
{
    cs_cli_options o;
    cs_experiment ex;
    int rc = cs_cli_open_experiment(argc, argv, CS_CLI_BASIC, &o, &ex);
    if (rc)
        return rc;
    cs_explain e;
    cs_error err;
    if (cs_explain_run(&ex, &e, &err)) {
        rc = cs_cli_error(&err);
    } else if (cs_explain_write(&ex, &e, stdout)) {
        fprintf(stderr, "callscale: cannot write to stdout\n");
        rc = EXIT_INPUT;
    }
    cs_experiment_free(&ex);
    free(o.sets);
    return rc;
}

