/*
** Embedding callscale: load an experiment (a file, or text), run it, print one curve.
**   cc embed.c $(pkg-config --cflags --libs callscale) -o embed && ./embed [EXPERIMENT.ini]
*/
#include <stdio.h>
#include <string.h>
#include <callscale.h>

/* Without a file: Chen et al.'s two-level population, where vote rises and then falls. */
static const char two_level[] = "[experiment]\nqueries = 20000\nbudgets = 1,3,5,9,17,33\n"
                                "[population.easy]\nweight = 0.6\np_correct = 0.85\n"
                                "[population.hard]\nweight = 0.4\np_correct = 0.4\n"
                                "[strategy.vote]\n";

int main(int argc, char **argv)
{
    cs_error *err = cs_error_alloc();
    const char *sets[] = {"experiment.seed=3"};
    cs_study *st = argc > 1 ? cs_study_load(argv[1], sets, 1, err)
                            : cs_study_load_text("two-level.ini", two_level, strlen(two_level),
                                                 sets, 1, err);
    cs_table *t = st ? cs_study_run(st, 0, err) : NULL;
    if (!t) {
        char line[1200];
        cs_error_format(err, line, sizeof line);
        fprintf(stderr, "%s\n", line);
        cs_study_free(st);
        cs_error_free(err);
        return 1;
    }
    printf("%s (callscale %s): %s:%s on all queries\n", cs_study_name(st), cs_version(),
           cs_table_strategy(t, 0), cs_table_setting(t, 0));
    for (size_t b = 0; b < cs_table_nbudgets(t); b++) {
        long c = cs_table_cell(t, 0, b, 0);
        printf("N = %4zu  accuracy %.4f  [%.4f, %.4f]\n", cs_table_budget(t, b),
               cs_table_value(t, c, CS_COL_ACCURACY), cs_table_value(t, c, CS_COL_CI_LOW),
               cs_table_value(t, c, CS_COL_CI_HIGH));
    }
    cs_table_free(t);
    cs_study_free(st);
    cs_error_free(err);
    return 0;
}
