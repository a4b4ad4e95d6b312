/*
** Logs drawn from a known population (for testing fits and log populations against the truth),
** and logs written back as CSV.
*/
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_randist.h>
#include <gsl/gsl_rng.h>
#include "callscale/experiment.h"
#include "callscale/logfile.h"
#include "callscale/population.h"

/* Index of the category of uniform u under cumulative sums cum (the last is infinite). */
static size_t category(const double *cum, size_t n, double u)
{
    size_t lo = 0, hi = n - 1;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        if (u < cum[mid])
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

int cs_log_simulate(cs_log *log, const cs_experiment *ex, size_t nq, size_t n, uint64_t seed,
                    cs_error *err)
{
    memset(log, 0, sizeof *log);
    snprintf(log->file, sizeof log->file, "(simulated from %.400s)", ex->file);
    if (ex->stepped)
        return cs_error_set(err, CS_ERR_UNSUPPORTED, ex->file, ex->steps_line,
                            "[steps]: logs are drawn from the answer-level model only");
    if (!nq || !n)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, 0, "a log needs queries and samples");
    cs_population *pop = cs_population_new(ex, err);
    if (!pop)
        return -1;
    size_t maxans = cs_population_max_answers(ex);
    cs_query q = {0};
    q.pi = malloc(maxans * sizeof *q.pi);
    q.cum = malloc(maxans * sizeof *q.cum);
    int *id = malloc(maxans * sizeof *id);
    double *bias = malloc((n + maxans) * sizeof *bias);
    gsl_rng *r = gsl_rng_alloc(gsl_rng_mt19937);
    log->nq = nq;
    log->nsamples = nq * n;
    log->qname = calloc(nq, sizeof *log->qname);
    log->start = malloc((nq + 1) * sizeof *log->start);
    log->correct = malloc(nq * n);
    log->answer = malloc(nq * n * sizeof *log->answer);
    log->score = malloc(nq * n * sizeof *log->score);
    int rc = 0;
    if (!q.pi || !q.cum || !id || !bias || !r || !log->qname || !log->start || !log->correct ||
        !log->answer || !log->score) {
        rc = cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
        goto out;
    }
    gsl_rng_set(r, (unsigned long)seed);
    for (size_t i = 0; i < nq; i++) {
        char name[32];
        snprintf(name, sizeof name, "%zu", i);
        if (!(log->qname[i] = strdup(name))) {
            rc = cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
            goto out;
        }
        cs_population_query(pop, i, &q, r);
        log->start[i] = i * n;
        int next = 0;
        for (size_t j = 0; j < maxans; j++)
            id[j] = -1;
        for (size_t s = 0; s < n; s++) {
            size_t k = category(q.cum, q.nans, gsl_rng_uniform(r)), at = i * n + s;
            int label;
            if ((long)k == q.novel || id[k] < 0) {
                label = next++;
                bias[label] = gsl_ran_gaussian(r, q.set->answer_noise);
                if ((long)k != q.novel)
                    id[k] = label;
            } else
                label = id[k];
            log->correct[at] = k == 0;
            log->answer[at] = label;
            log->score[at] = q.set->separation * (k == 0) + bias[label] +
                             gsl_ran_gaussian(r, q.set->sample_noise);
        }
    }
    log->start[nq] = nq * n;
out:
    gsl_rng_free(r);
    free(q.pi);
    free(q.cum);
    free(id);
    free(bias);
    cs_population_free(pop);
    if (rc)
        cs_log_free(log);
    return rc;
}

int cs_log_write(const cs_log *log, FILE *f)
{
    fprintf(f, "query,sample,correct%s%s\n", log->answer ? ",answer" : "", log->score ? ",score" : "");
    for (size_t i = 0; i < log->nq; i++)
        for (size_t s = log->start[i]; s < log->start[i + 1]; s++) {
            fprintf(f, "%s,%zu,%d", log->qname[i], s - log->start[i], log->correct[s]);
            if (log->answer)
                fprintf(f, ",a%d", log->answer[s]);
            if (log->score)
                fprintf(f, ",%.17g", log->score[s]);
            fputc('\n', f);
        }
    return ferror(f) ? -1 : 0;
}
