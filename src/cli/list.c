/*
** list: every strategy with its parameters, defaults, budget unit and exact mode, from the
** strategy table that the parser and the man page read.
*/
#include <stdio.h>
#include "callscale/strategy.h"
#include "cli.h"

int cs_cli_list(int argc, char **argv)
{
    (void)argc; /* whatever follows `list` is left alone, as it always was */
    (void)argv;
    printf("strategies (section [strategy.NAME], or [strategy.NAME:SETTING] for a second setting):\n");
    for (size_t i = 0; i < cs_strategy_ntypes; i++) {
        const cs_strategy_type *t = cs_strategy_types[i];
        printf("\n%s — %s\n  budget N: %s\n  source: %s\n", t->name, t->help, t->unit, t->source);
        printf("  settings: %s\n", t->uses);
        if (!t->nparams)
            printf("  parameters: none\n");
        for (size_t j = 0; j < t->nparams; j++) {
            const cs_param *p = &t->params[j];
            if (p->lo <= p->hi)
                printf("  %-20s default %-10s [%g, %g]%s%s  %s\n", p->name, p->def, p->lo, p->hi,
                       p->word ? " or " : "", p->word ? p->word : "", p->help);
            else
                printf("  %-20s default %-10s %s  %s\n", p->name, p->def, p->word, p->help);
        }
        printf("  exact mode: %s%s%s\n", t->exact ? "yes" : "no", t->exact_when ? ", when " : "",
               t->exact_when ? t->exact_when : "");
    }
    return 0;
}

