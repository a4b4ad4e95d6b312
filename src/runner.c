/*
** The query runner: a query's draw, its shared samples, and each strategy on its own stream.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lines.h"
#include "runner.h"

void cs_runner_free(cs_runner *r)
{
    free(r->pi);
    free(r->cum);
    free(r->score);
    cs_samples_free(&r->smp);
    free(r->scratch.count);
    free(r->scratch.sum);
    free(r->scratch.work);
    free(r->rec);
    for (size_t i = 0; r->logs && i < r->ex->nbudgets; i++)
        cs_round_log_free(&r->logs[i]);
    free(r->logs);
    memset(r, 0, sizeof *r);
}

int cs_runner_init(cs_runner *r, const cs_experiment *ex, const cs_population *pop, int sequence)
{
    size_t m = cs_population_max_answers(ex), nb = ex->nbudgets, kmax = ex->budgets[nb - 1];
    memset(r, 0, sizeof *r);
    r->ex = ex;
    r->pop = pop;
    size_t work = 16;
    for (size_t s = 0; s < ex->nstrat; s++) {
        /* a setting's stream follows its name, not its place in the file */
        char name[2 * CS_NAME_MAX + 2];
        snprintf(name, sizeof name, "%s:%s", ex->strat[s].type->name, ex->strat[s].label);
        r->purpose[s] = cs_rng_hash(name);
        if (ex->strat[s].type->work_size) {
            size_t need = ex->strat[s].type->work_size(&ex->strat[s], kmax);
            work = need > work ? need : work;
        }
    }
    cs_rng_wrap(&r->rng, &r->rng_state);
    r->pi = cs_lines_alloc(m, sizeof *r->pi);
    r->cum = cs_lines_alloc(m, sizeof *r->cum);
    r->score = cs_lines_alloc(nb, sizeof *r->score);
    r->rec = cs_lines_alloc(nb, sizeof *r->rec);
    r->scratch.count = cs_lines_alloc(2 * m, sizeof *r->scratch.count);
    r->scratch.sum = cs_lines_alloc(2 * m, sizeof *r->scratch.sum);
    r->scratch.work = cs_lines_alloc(work, 1);
    int smp = cs_samples_init(&r->smp, ex, sequence);
    if (!r->pi || !r->cum || !r->score || !r->rec || !r->scratch.count ||
        !r->scratch.sum || !r->scratch.work || smp) {
        cs_runner_free(r);
        return CS_ERR_NOMEM;
    }
    r->q.pi = r->pi;
    r->q.cum = r->cum;
    return 0;
}

const cs_query *cs_runner_query(cs_runner *r, uint64_t i)
{
    cs_population_query(r->pop, i, &r->q, &r->rng);
    cs_samples_reset(&r->smp, &r->q, r->ex->seed);
    return &r->q;
}

void cs_runner_strategy(cs_runner *r, size_t s)
{
    const cs_experiment *ex = r->ex;
    const cs_strategy *st = &ex->strat[s];
    cs_pcg32 g;
    memset(r->rec, 0, ex->nbudgets * sizeof *r->rec);
    for (size_t i = 0; r->logs && i < ex->nbudgets; i++) {
        r->logs[i].n = 0;
        r->rec[i].log = &r->logs[i];
    }
    cs_rng_stream(&g, ex->seed, r->q.index, r->purpose[s]);
    cs_strategy_ctx ctx = {st, &r->q, &r->smp, &g, &r->scratch, ex->budgets, ex->nbudgets,
                           r->score, r->rec};
    st->type->run(&ctx);
    r->scratch.last = st;
    if (st->type->record)
        for (size_t i = 0; i < ex->nbudgets; i++)
            st->type->record(st, r->q.set, r->q.sample_tokens, r->q.score_params, ex->budgets[i],
                             &r->rec[i]);
}

int cs_runner_keep_rounds(cs_runner *r)
{
    if (!r->logs)
        r->logs = calloc(r->ex->nbudgets, sizeof *r->logs);
    return r->logs ? 0 : CS_ERR_NOMEM;
}
