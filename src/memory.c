/*
** What a run keeps in memory, estimated from its largest budget before anything is allocated.
*/
#include <stdio.h>
#include <unistd.h>
#include "callscale/memory.h"
#include "callscale/population.h"
#include "callscale/results.h"
#include "callscale/samples.h"
#include "callscale/strategy.h"

/* Completed blocks that may wait per thread (sweep.c's WINDOW_PER_THREAD), each a results copy. */
#define RESULT_COPIES_PER_THREAD 5

double cs_memory_per_thread(const cs_experiment *ex, int sequence)
{
    size_t nb = ex->nbudgets, kmax = ex->budgets[nb - 1];
    double m = (double)cs_population_max_answers(ex);
    double work = 0;
    int seq = sequence || ex->stepped;
    for (size_t s = 0; s < ex->nstrat; s++) {
        const cs_strategy_type *t = ex->strat[s].type;
        seq |= t->draws == CS_DRAWS_SEQUENCE;
        double w = t->work_size ? (double)t->work_size(&ex->strat[s], kmax) : 0;
        work = w > work ? w : work;
    }
    double bytes = work;
    if (seq) /* an answer index and a score per sample */
        bytes += (double)kmax * (double)(sizeof(uint16_t) + sizeof(double));
    /* per answer: the query's shares, counts, maxima and snapshots at every budget */
    bytes += m * (16 * sizeof(double) + (double)nb * sizeof(uint32_t));
    bytes += (double)nb * (sizeof(double) + sizeof(cs_record) + sizeof(long));
    double cells = (double)ex->nstrat * (double)nb * (double)(cs_experiment_nbins(ex) + 1);
    bytes += RESULT_COPIES_PER_THREAD * cells * sizeof(cs_cell);
    return bytes;
}

double cs_memory_machine(void)
{
    long pages = sysconf(_SC_PHYS_PAGES), size = sysconf(_SC_PAGESIZE);
    return pages > 0 && size > 0 ? (double)pages * (double)size : 0;
}

/* What keeps most: tree search's prefixes, samples kept one by one, or the rest. */
static const char *what_keeps(const cs_experiment *ex, char *buf, size_t n)
{
    size_t kmax = ex->budgets[ex->nbudgets - 1];
    double work = 0;
    const char *name = NULL;
    for (size_t s = 0; s < ex->nstrat; s++) {
        const cs_strategy_type *t = ex->strat[s].type;
        double w = t->work_size ? (double)t->work_size(&ex->strat[s], kmax) : 0;
        if (w > work) {
            work = w;
            name = t->name;
        }
    }
    if (name && work > (double)kmax * 10) {
        snprintf(buf, n, "%s keeps every open prefix and its scores", name);
        return buf;
    }
    return "samples are kept one by one";
}

int cs_memory_check(const cs_experiment *ex, int threads, int sequence, cs_error *err)
{
    double one = cs_memory_per_thread(ex, sequence), all = one * (threads > 0 ? threads : 1);
    double have = cs_memory_machine(), gib = 1024.0 * 1024 * 1024;
    if (have <= 0 || all <= CS_MEMORY_SHARE * have)
        return 0;
    size_t kmax = ex->budgets[ex->nbudgets - 1];
    int fit = (int)(CS_MEMORY_SHARE * have / one);
    char hint[96], what[CS_NAME_MAX + 64];
    if (fit >= 1)
        snprintf(hint, sizeof hint, "run with -j %d or fewer, or smaller budgets", fit);
    else
        snprintf(hint, sizeof hint, "smaller budgets");
    return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->budgets_line,
                        "budget %zu: %s, about %.1f GiB per thread; %d thread%s need %.1f GiB, "
                        "more than %.0f%% of this machine's %.1f GiB: %s", kmax, what_keeps(ex, what, sizeof what),
                        one / gib, threads, threads == 1 ? "" : "s", all / gib,
                        100 * CS_MEMORY_SHARE, have / gib, hint);
}
