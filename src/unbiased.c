/*
** Unbiased pass@k and vote@k from logged samples: the hypergeometric law of k samples drawn
** without replacement from a query's n, summed exactly (vote by a dynamic programme over answers).
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
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
    size_t *count = calloc(nmax, sizeof *count);
    unsigned char *right = calloc(nmax, 1);
    double sum = 0;
    if (!count || !right) {
        free(count);
        free(right);
        return NAN;
    }
    for (size_t i = 0; i < log->nq; i++) {
        size_t n = cs_log_count(log, i), s0 = log->start[i], nans = 0;
        memset(count, 0, nmax * sizeof *count);
        for (size_t j = 0; j < n; j++) {
            size_t id = (size_t)log->answer[s0 + j]; /* dense ids from 0 within the query */
            count[id]++;
            right[id] = log->correct[s0 + j];
            if (id + 1 > nans)
                nans = id + 1;
        }
        sum += cs_unbiased_vote(count, right, nans, k);
    }
    free(count);
    free(right);
    return sum / (double)log->nq;
}
