/*
** Test helpers on experiments: load one from text, and find a strategy setting or a budget by name.
*/
#ifndef CALLSCALE_TESTUTIL_EXPERIMENT_H
#define CALLSCALE_TESTUTIL_EXPERIMENT_H

#include <string.h>
#include "callscale/experiment.h"
#include "callscale/strategy.h"
#include "testutil.h"

/* Index of the strategy setting name:label, and of budget N; absent ones fail the test. */
static inline size_t strategy_index(const cs_experiment *ex, const char *name, const char *label)
{
    for (size_t s = 0; s < ex->nstrat; s++)
        if (strcmp(ex->strat[s].type->name, name) == 0 && strcmp(ex->strat[s].label, label) == 0)
            return s;
    ck_abort_msg("no strategy %s:%s", name, label);
    return 0;
}

static inline size_t budget_index(const cs_experiment *ex, size_t N)
{
    for (size_t b = 0; b < ex->nbudgets; b++)
        if (ex->budgets[b] == N)
            return b;
    ck_abort_msg("no budget %zu", N);
    return 0;
}

/* Load an experiment from text (named test.ini in messages); any error fails the test. */
static inline void load_text_ok(cs_experiment *ex, const char *text)
{
    cs_error err;
    int rc = cs_experiment_load_text(ex, "test.ini", text, strlen(text), NULL, 0, &err);
    ck_assert_msg(rc == 0, "%d: %s", err.line, err.msg);
}

/* The same through a temporary experiment file, for experiments that read files of their own
** (data = FILE: a log is read only from an experiment file). */
static inline void load_file_ok(cs_experiment *ex, const char *text)
{
    cs_error err;
    const char *path = write_temp_ini(text);
    int rc = cs_experiment_load(ex, path, NULL, 0, &err);
    remove(path);
    ck_assert_msg(rc == 0, "%d: %s", err.line, err.msg);
}

#endif
