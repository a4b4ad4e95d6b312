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

/* span(k) is c' k up to the switch at ks (c' = alpha c + beta) and a quadratic in k after it:
** solve for the crossing in closed form, then step to the exact integer (rounding may leave the
** root one off), so the cost does not grow with the span's length. */
double cs_roofline_boundary(const cs_pool *p, double b, double c0, double n, double dt)
{
    if (dt <= 0)
        return 0;
    if (cs_roofline_span(p, b, c0, n) <= dt)
        return n;
    double c = 2 * p->params * b / p->peak_flops;
    double m0 = (p->params * p->bytes_per_param + p->kv_bytes_per_token * c0) / p->hbm_bandwidth;
    double m1 = p->kv_bytes_per_token * b / p->hbm_bandwidth;
    double ks = m0 >= c ? 0 : m1 > 0 ? ceil((c - m0) / m1) : n;
    double k;
    if (ks >= n || cs_roofline_span(p, b, c0, ks) >= dt) {
        k = ceil(dt / (p->alpha * c + p->beta));
    } else {
        /* A k^2 + B k + C = dt, from span's sum written out for k > ks */
        double A = p->alpha * m1 / 2, B = p->alpha * (m0 - m1 / 2) + p->beta;
        double C = p->alpha * (ks * c - ks * m0 - m1 * ks * (ks - 1) / 2) - dt;
        k = A > 0 ? ceil((-B + sqrt(B * B - 4 * A * C)) / (2 * A)) : ceil(-C / B);
    }
    if (k < 0)
        k = 0;
    if (k > n)
        k = n;
    while (k > 0 && cs_roofline_span(p, b, c0, k - 1) >= dt)
        k--;
    while (k < n && cs_roofline_span(p, b, c0, k) < dt)
        k++;
    return k;
}
