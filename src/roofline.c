/*
** Roofline iteration times, one at a time and summed in closed form over a decode span.
*/
#include <math.h>
#include "roofline.h"

double cs_roofline_iteration(const cs_pool *p, double tokens, double context)
{
    double F = 2 * p->params * tokens;
    double B = p->params * p->bytes_per_param + p->kv_bytes_per_token * context;
    return p->alpha * fmax(F / p->peak_flops, B / p->hbm_bandwidth) + p->beta;
}

/* Iteration k costs max(c, m0 + m1 k): compute is the same every iteration and memory grows
** linearly, so the max switches once, at the first k with m0 + m1 k >= c; below it the sum is
** c per iteration, above it an arithmetic series. */
double cs_roofline_span(const cs_pool *p, double b, double c0, double n)
{
    if (n <= 0)
        return 0;
    double c = 2 * p->params * b / p->peak_flops;
    double m0 = (p->params * p->bytes_per_param + p->kv_bytes_per_token * c0) / p->hbm_bandwidth;
    double m1 = p->kv_bytes_per_token * b / p->hbm_bandwidth;
    double ks = m0 >= c ? 0 : m1 > 0 ? ceil((c - m0) / m1) : n;
    if (ks > n)
        ks = n;
    /* sum_{k=ks}^{n-1} (m0 + m1 k) */
    double mem = (n - ks) * m0 + m1 * (n * (n - 1) - ks * (ks - 1)) / 2;
    return p->alpha * (ks * c + mem) + p->beta * n;
}

double cs_roofline_boundary(const cs_pool *p, double b, double c0, double n, double dt)
{
    if (dt <= 0)
        return 0;
    double lo = 0, hi = n; /* span(lo) < dt <= span(hi), or hi = n */
    if (cs_roofline_span(p, b, c0, n) <= dt)
        return n;
    while (hi - lo > 1) {
        double mid = floor((lo + hi) / 2);
        if (cs_roofline_span(p, b, c0, mid) >= dt)
            hi = mid;
        else
            lo = mid;
    }
    return hi;
}
