/*
** Unbiased pass@k and vote@k from logged samples: the hypergeometric law of k samples drawn
** without replacement from a query's n, summed exactly (vote by a dynamic programme over answers).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/logpop.h"
#include "callscale/outfile.h"
#include "callscale/strategy.h"
#include "callscale/unbiased.h"

double cs_unbiased_pass(size_t n, size_t c, size_t k)
{
    if (k > n)
        return 0;
    /* C(n-c,k)/C(n,k) = prod_{t<k} (n-c-t)/(n-t) */
    double miss = 1;
    for (size_t t = 0; t < k && miss > 0; t++)
        miss *= n - c > t ? (double)(n - c - t) / (double)(n - t) : 0;
    return 1 - miss;
}

/* C(m, y) in long double (exact for the sizes of real logs, in range to n of about 16000). */
static long double choose(size_t m, size_t y)
{
    if (y > m)
        return 0;
    if (y > m - y)
        y = m - y;
    long double r = 1;
    for (size_t i = 1; i <= y; i++)
        r = r * (long double)(m - y + i) / (long double)i;
    return r;
}

double cs_unbiased_vote(const size_t *count, const unsigned char *right, size_t nans, size_t k)
{
    size_t n = 0;
    for (size_t j = 0; j < nans; j++)
        n += count[j];
    if (k == 0 || k > n)
        return 0;
    /* E = sum over right answers l and their vote x of C(m_l, x) W_l(x) / C(n, k), where W_l(x)
    ** sums prod C(m_j, x_j) over the other answers' votes with sum k - x, each x_j <= x, weighted
    ** by 1/(1 + ties), ties = #{j: x_j = x}: the table D[s][t] holds that sum over the answers
    ** seen so far, with s votes and t ties. */
    long double total = 0, all = choose(n, k);
    size_t tmax = nans; /* ties cannot exceed the other answers */
    long double *D = malloc((k + 1) * (tmax + 1) * sizeof *D);
    long double *E = malloc((k + 1) * (tmax + 1) * sizeof *E);
    if (!D || !E) {
        free(D);
        free(E);
        return NAN;
    }
    for (size_t l = 0; l < nans; l++) {
        if (!right[l] || !count[l])
            continue;
        for (size_t x = 1; x <= k && x <= count[l]; x++) {
            size_t rest = k - x, T = x ? rest / x : 0;
            if (T > tmax)
                T = tmax;
            size_t w = T + 1;
            for (size_t i = 0; i < (rest + 1) * w; i++)
                D[i] = 0;
            D[0] = 1;
            for (size_t j = 0; j < nans; j++) {
                if (j == l || !count[j])
                    continue;
                for (size_t i = 0; i < (rest + 1) * w; i++)
                    E[i] = 0;
                size_t ymax = count[j] < x ? count[j] : x;
                for (size_t s = 0; s <= rest; s++)
                    for (size_t t = 0; t <= T; t++) {
                        long double d = D[s * w + t];
                        if (d == 0)
                            continue;
                        for (size_t y = 0; y <= ymax && s + y <= rest; y++) {
                            size_t t2 = t + (y == x);
                            if (t2 > T)
                                continue;
                            E[(s + y) * w + t2] += d * choose(count[j], y);
                        }
                    }
                memcpy(D, E, (rest + 1) * w * sizeof *D);
            }
            long double sum = 0;
            for (size_t t = 0; t <= T; t++)
                sum += D[rest * w + t] / (long double)(1 + t);
            total += choose(count[l], x) * sum;
        }
    }
    free(D);
    free(E);
    return (double)(total / all);
}

double cs_unbiased_log_pass(const cs_log *log, size_t k)
{
    double sum = 0;
    for (size_t i = 0; i < log->nq; i++) {
        size_t n = cs_log_count(log, i), c = 0;
        if (n < k)
            return NAN;
        for (size_t j = 0; j < n; j++)
            c += log->correct[log->start[i] + j];
        sum += cs_unbiased_pass(n, c, k);
    }
    return sum / (double)log->nq;
}

double cs_unbiased_log_vote(const cs_log *log, size_t k)
{
    if (!log->answer)
        return NAN;
    size_t nmax = 0;
    for (size_t i = 0; i < log->nq; i++) {
        if (cs_log_count(log, i) < k)
            return NAN;
        if (cs_log_count(log, i) > nmax)
            nmax = cs_log_count(log, i);
    }
    nmax += 1; /* slot 0 for the right answer, then the labels' ids shifted by one */
    size_t *count = calloc(nmax, sizeof *count);
    unsigned char *right = calloc(nmax, 1);
    double sum = 0;
    if (!count || !right) {
        free(count);
        free(right);
        return NAN;
    }
    for (size_t i = 0; i < log->nq; i++) {
        /* right labels are one answer (slot 0), as in a log population; each wrong label its own */
        size_t n = cs_log_count(log, i), s0 = log->start[i], nans = 1;
        memset(count, 0, nmax * sizeof *count);
        memset(right, 0, nmax);
        right[0] = 1;
        for (size_t j = 0; j < n; j++) {
            size_t id = (size_t)log->answer[s0 + j] + 1; /* dense ids from 0 within the query */
            if (log->correct[s0 + j])
                id = 0;
            count[id]++;
            if (id + 1 > nans)
                nans = id + 1;
        }
        sum += cs_unbiased_vote(count, right, nans, k);
    }
    free(count);
    free(right);
    return sum / (double)log->nq;
}

/* Per-query estimates of a log at k: pass@k, or vote@k (answers as the log's slots: right ones
** merged into slot 0, wrong ones each a slot, or never coinciding without answers). */
static double query_estimate(const cs_logpop *lp, size_t i, size_t k, int vote, size_t *count,
                             unsigned char *right)
{
    const cs_log *log = &lp->log;
    size_t n = cs_log_count(log, i), s0 = log->start[i], c = 0;
    for (size_t j = 0; j < n; j++)
        c += log->correct[s0 + j];
    if (!vote)
        return cs_unbiased_pass(n, c, k);
    /* without answers every wrong sample is its own answer: n - c slots of one */
    size_t m = log->answer ? lp->nslots[i] : 1 + (n - c);
    memset(count, 0, m * sizeof *count);
    memset(right, 0, m);
    right[0] = 1;
    size_t wrong = 0;
    for (size_t j = 0; j < n; j++) {
        size_t slot = log->answer ? lp->slot[s0 + j] : log->correct[s0 + j] ? 0 : 1 + wrong++;
        count[slot]++;
    }
    return cs_unbiased_vote(count, right, m, k);
}

int cs_unbiased_write_logged(const cs_experiment *ex, const char *dir, cs_error *err)
{
    size_t nlog = 0, minn = (size_t)-1, maxn = 0;
    for (size_t k = 0; k < ex->ncomp; k++)
        if (ex->comp[k].logpop) {
            nlog++;
            if (ex->comp[k].logpop->minn < minn)
                minn = ex->comp[k].logpop->minn;
            if (ex->comp[k].logpop->maxn > maxn)
                maxn = ex->comp[k].logpop->maxn;
        }
    if (!nlog)
        return 0;
    size_t *count = malloc((maxn + 2) * sizeof *count);
    unsigned char *right = malloc(maxn + 2);
    cs_outfile o;
    if (!count || !right || cs_outfile_open(&o, dir, "logged.csv", err)) {
        free(count);
        free(right);
        return count && right ? -1 : cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    }
    fprintf(o.f, "strategy,setting,budget,bin,queries,accuracy,ci_low,ci_high,calls,tokens,flops\n");
    int whole = nlog == ex->ncomp;
    for (size_t s = 0; s < ex->nstrat; s++) {
        const cs_strategy *st = &ex->strat[s];
        int vote = strcmp(st->type->name, "vote") == 0;
        if (!vote && strcmp(st->type->name, "coverage") != 0)
            continue;
        for (size_t b = 0; b < ex->nbudgets && ex->budgets[b] <= minn; b++) {
            size_t kk = ex->budgets[b];
            /* bin all (a mixture of logs, by share), then each log component */
            double wsum = 0, wsq = 0, nall = 0;
            char rows[CS_MAX_COMPONENTS][256];
            size_t nrows = 0;
            for (size_t k = 0; k < ex->ncomp; k++) {
                const cs_logpop *lp = ex->comp[k].logpop;
                if (!lp)
                    continue;
                double sum = 0, sq = 0;
                size_t nq = lp->log.nq;
                for (size_t i = 0; i < nq; i++) {
                    double e = query_estimate(lp, i, kk, vote, count, right);
                    sum += e;
                    sq += e * e;
                }
                double m = sum / (double)nq, var = nq > 1 ? (sq - sum * m) / (double)(nq - 1) : 0;
                double se = sqrt((var > 0 ? var : 0) / (double)nq);
                wsum += ex->comp[k].share * m;
                wsq += ex->comp[k].share * ex->comp[k].share * se * se;
                nall += (double)nq;
                if (ex->bins_kind == CS_BINS_COMPONENTS)
                    snprintf(rows[nrows++], sizeof rows[0], "%s,%s,%zu,%s,%zu,%.10f,%.10f,%.10f,,,\n",
                             st->type->name, st->label, kk, ex->comp[k].name, nq, m, m - 1.96 * se,
                             m + 1.96 * se);
            }
            if (whole)
                fprintf(o.f, "%s,%s,%zu,all,%.0f,%.10f,%.10f,%.10f,,,\n", st->type->name, st->label, kk,
                        nall, wsum, wsum - 1.96 * sqrt(wsq), wsum + 1.96 * sqrt(wsq));
            for (size_t r = 0; r < nrows; r++)
                fputs(rows[r], o.f);
        }
    }
    free(count);
    free(right);
    return cs_outfile_close(&o, err);
}
