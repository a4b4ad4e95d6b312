/*
** The man page's generator: man/callscale.1.in on stdin, with @SETTINGS@ and @STRATEGIES@ filled
** from the parameter tables that the parser and `callscale list` read, so the three cannot drift.
*/
#include <stdio.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/serving.h"
#include "callscale/strategy.h"

/* The settings sections, in the order config.ini writes them. */
static const struct {
    const char *section;
    const cs_param *rows;
    const size_t *n;
    const char *what;
} sections[] = {
    {"generator", cs_generator_params, &cs_generator_nparams, "The model that answers."},
    {"judge", cs_judge_params, &cs_judge_nparams, "The LLM judge."},
    {"verifier", cs_verifier_params, &cs_verifier_nparams, "The answer-level reward model (ORM)."},
    {"revise", cs_revise_params, &cs_revise_nparams, "How a revision changes an answer."},
    {"steps", cs_steps_params, &cs_steps_nparams,
     "Present: solutions are chains of steps (tree search)."},
    {"prm", cs_prm_params, &cs_prm_nparams, "The process reward model on prefixes."},
};

/* Text as roff: backslashes escaped, and a line never starting with a control character. */
static void roff(const char *s)
{
    if (*s == '.' || *s == '\'')
        fputs("\\&", stdout);
    for (; *s; s++)
        if (*s == '\\')
            fputs("\\e", stdout);
        else if (*s == '-')
            fputs("\\-", stdout);
        else
            putchar(*s);
}

static void param_rows(const cs_param *p, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        printf(".TP\n.B ");
        roff(p[i].name);
        printf("\n");
        roff(p[i].help);
        printf(". Default ");
        roff(p[i].def);
        if (p[i].lo <= p[i].hi)
            printf(", in [%g, %g]%s", p[i].lo, p[i].hi, p[i].integer ? ", whole" : "");
        if (p[i].word) {
            printf(p[i].lo <= p[i].hi ? ", or " : "; one of ");
            roff(p[i].word);
        }
        printf(".\n");
    }
}

static void settings(void)
{
    for (size_t t = 0; t < sizeof sections / sizeof sections[0]; t++) {
        char tag[64];
        snprintf(tag, sizeof tag, "[%s]", sections[t].section);
        printf(".SS %s\n", tag);
        roff(sections[t].what);
        /* who reads it, from the strategies' own `uses` */
        const char *sep = " Read by: ";
        for (size_t i = 0; i < cs_strategy_ntypes; i++)
            if (strstr(cs_strategy_types[i]->uses, tag)) {
                printf("%s%s", sep, cs_strategy_types[i]->name);
                sep = ", ";
            }
        printf("%s\n", sep[0] == ',' ? "." : "");
        param_rows(sections[t].rows, *sections[t].n);
    }
}

static void strategies(void)
{
    for (size_t i = 0; i < cs_strategy_ntypes; i++) {
        const cs_strategy_type *t = cs_strategy_types[i];
        printf(".SS %s\n", t->name);
        roff(t->help);
        printf(".\nBudget N: ");
        roff(t->unit);
        printf(". Source: ");
        roff(t->source);
        printf(". Reads: ");
        roff(t->uses);
        printf(". Exact mode: %s", t->exact ? "yes" : "no");
        if (t->exact && t->exact_when) {
            printf(", when ");
            roff(t->exact_when);
        }
        printf(".\n");
        if (!t->nparams)
            printf(".br\nNo parameters.\n");
        param_rows(t->params, t->nparams);
    }
}

/* [serving] and [arrivals], from the tables their parser reads. */
static void serving(void)
{
    printf(".SS [serving], [serving.reward] and [serving.judge]\n"
           "The clock's model-server replicas: the generator's in [serving]; the reward model's and "
           "PRM's in [serving.reward] and the judge's in [serving.judge], each starting from "
           "[serving]'s settings (else they share the generator's replicas).\n"
           ".TP\n.B service\nHow long a call takes: \\fBroofline\\fR (the default: iterations "
           "of continuous batching timed by the roofline), \\fBfixed(\\fIS\\fB)\\fR or "
           "\\fBexponential(\\fIS\\fB)\\fR seconds whatever its tokens.\n");
    param_rows(cs_pool_params, cs_pool_nparams);
    printf(".PP\n[serving] alone:\n");
    param_rows(cs_serving_params, cs_serving_nparams);
    printf(".SS [arrivals]\nHow queries arrive at the clock: one of rate, concurrency and trace.\n"
           ".TP\n.B trace\nA file of arrival times in seconds, one a line, sorted (relative to the "
           "experiment file's folder).\n");
    param_rows(cs_arrivals_params, cs_arrivals_nparams);
}

int main(int argc, char **argv)
{
    const char *version = argc > 1 ? argv[1] : "";
    char line[4096];
    while (fgets(line, sizeof line, stdin)) {
        if (strcmp(line, "@SETTINGS@\n") == 0) {
            settings();
            continue;
        }
        if (strcmp(line, "@SERVING@\n") == 0) {
            serving();
            continue;
        }
        if (strcmp(line, "@STRATEGIES@\n") == 0) {
            strategies();
            continue;
        }
        for (char *p = line, *at; *p; p = at + 9) {
            if (!(at = strstr(p, "@VERSION@"))) {
                fputs(p, stdout);
                break;
            }
            fwrite(p, 1, (size_t)(at - p), stdout);
            fputs(version, stdout);
        }
    }
    return ferror(stdout) ? 1 : 0;
}
