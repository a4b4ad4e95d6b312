/*
** libFuzzer harness: any bytes as --set overrides (one a line, at most MAX_SETS) applied to a
** small experiment of every section, loaded from memory.
*/
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/experiment.h"

#define MAX_SETS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const char base[] =
    "[experiment]\nname = fuzz\nqueries = 100\nseed = 1\nbudgets = 1,3,5\nanswers = 4\n"
    "[generator]\ntokens = 300\n[judge]\ntpr = 0.8\nfpr = 0.3\n[verifier]\nseparation = 1\n"
    "[revise]\nfix = 0.3\n[population.easy]\nweight = 0.6\np_correct = 0.85\n"
    "[population.hard]\nweight = 0.4\np_correct = beta(2,5)\nwrong = zipf(1.1)\n"
    "[large_model]\nparams = 1e11\np_correct = 0.7\n"
    "[strategy.vote]\n[strategy.filter_vote]\n[strategy.best_of_n:bon]\n[strategy.revise]\n";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1);
    if (!text)
        return 0;
    memcpy(text, data, size);
    text[size] = '\0';
    const char *sets[MAX_SETS];
    size_t n = 0;
    for (char *p = text; n < MAX_SETS;) {
        sets[n++] = p;
        char *nl = strchr(p, '\n');
        if (!nl)
            break;
        *nl = '\0';
        p = nl + 1;
    }
    cs_experiment ex;
    cs_error err;
    if (cs_experiment_load_text(&ex, "fuzz.ini", base, sizeof base - 1, sets, n, &err) == 0)
        cs_experiment_free(&ex);
    free(text);
    return 0;
}
