/*
** Logs as population components: a log's queries with their answers mapped to answer slots (the
** right answer first), their shares of right samples, and the distribution of those shares.
*/
#define _DEFAULT_SOURCE /* realpath */
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/logpop.h"

static int by_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

int cs_logpop_load(cs_logpop **out, const char *path, int draw, cs_error *err)
{
    *out = NULL;
    cs_logpop *lp = calloc(1, sizeof *lp);
    if (!lp)
        return cs_error_set(err, CS_ERR_NOMEM, path, 0, "out of memory");
    if (cs_log_read(&lp->log, path, err)) {
        free(lp);
        return -1;
    }
    const cs_log *log = &lp->log;
    lp->draw = draw;
    lp->slot = malloc((log->nsamples + 1) * sizeof *lp->slot);
    lp->p = malloc(log->nq * sizeof *lp->p);
    lp->sorted_p = malloc(log->nq * sizeof *lp->sorted_p);
    lp->nslots = malloc(log->nq * sizeof *lp->nslots);
    int *map = NULL;
    size_t maxn = 0;
    for (size_t i = 0; i < log->nq; i++)
        if (cs_log_count(log, i) > maxn)
            maxn = cs_log_count(log, i);
    map = malloc((maxn + 1) * sizeof *map);
    if (!lp->slot || !lp->p || !lp->sorted_p || !lp->nslots || !map) {
        free(map);
        cs_logpop_free(lp);
        return cs_error_set(err, CS_ERR_NOMEM, path, 0, "out of memory");
    }
    lp->minn = (size_t)-1;
    lp->maxn = maxn;
    for (size_t i = 0; i < log->nq; i++) {
        size_t s0 = log->start[i], n = cs_log_count(log, i), right = 0, slots;
        if (n < lp->minn)
            lp->minn = n;
        if (log->answer) {
            /* labels are ids from 0 within the query: the right ones share slot 0, each wrong
            ** one takes the next slot */
            for (size_t j = 0; j <= n; j++)
                map[j] = -1;
            slots = 1;
            for (size_t j = 0; j < n; j++) {
                int id = log->answer[s0 + j];
                if (log->correct[s0 + j])
                    map[id] = 0;
                else if (map[id] < 0)
                    map[id] = (int)slots++;
                lp->slot[s0 + j] = (uint16_t)map[id];
            }
        } else {
            slots = 2;
            for (size_t j = 0; j < n; j++)
                lp->slot[s0 + j] = (uint16_t)(log->correct[s0 + j] ? 0 : 1);
        }
        if (slots > CS_MAX_ANSWERS) {
            free(map);
            cs_error_set(err, CS_ERR_INPUT, path, 0, "query '%s' has %zu distinct answers; at most %d",
                         log->qname[i], slots, CS_MAX_ANSWERS);
            cs_logpop_free(lp);
            return -1;
        }
        for (size_t j = 0; j < n; j++)
            right += log->correct[s0 + j];
        lp->nslots[i] = slots;
        if (slots > lp->maxslots)
            lp->maxslots = slots;
        lp->p[i] = lp->sorted_p[i] = (double)right / (double)n;
    }
    free(map);
    qsort(lp->sorted_p, log->nq, sizeof *lp->sorted_p, by_double);
    *out = lp;
    return 0;
}

void cs_logpop_free(cs_logpop *lp)
{
    if (!lp)
        return;
    cs_log_free(&lp->log);
    free(lp->slot);
    free(lp->p);
    free(lp->sorted_p);
    free(lp->nslots);
    free(lp);
}

void cs_logpop_cdf(const cs_logpop *lp, double x, double *lo, double *hi)
{
    size_t n = lp->log.nq, below = 0, atmost = 0;
    /* first index with p >= x, and first with p > x */
    size_t a = 0, b = n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (lp->sorted_p[m] < x)
            a = m + 1;
        else
            b = m;
    }
    below = a;
    b = n;
    while (a < b) {
        size_t m = (a + b) / 2;
        if (lp->sorted_p[m] <= x)
            a = m + 1;
        else
            b = m;
    }
    atmost = a;
    *lo = (double)below / (double)n;
    *hi = (double)atmost / (double)n;
}

int cs_logpop_attach(cs_experiment *ex, cs_component *cp, cs_error *err)
{
    if (ex->stepped)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, cp->data_line,
                            "[population.%s] data: a log gives whole samples, not chains of steps "
                            "([steps] and data exclude each other)", cp->name);
    if (cs_logpop_load(&cp->logpop, cp->data, cp->draw, err))
        return -1;
    /* the path as written into config.ini must not depend on where that file goes */
    char abs[PATH_MAX];
    if (realpath(cp->data, abs) && strlen(abs) < sizeof cp->data)
        memcpy(cp->data, abs, strlen(abs) + 1);
    size_t kmax = ex->budgets[ex->nbudgets - 1];
    if (cp->draw == CS_DRAW_SUBSAMPLE && kmax > cp->logpop->minn)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->budgets_line ? ex->budgets_line : cp->data_line,
                            "budget %zu: [population.%s] draws without replacement (draw = subsample) "
                            "from %s, whose queries have as few as %zu samples", kmax, cp->name,
                            cp->data, cp->logpop->minn);
    return 0;
}
