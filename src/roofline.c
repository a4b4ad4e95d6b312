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
** linearly, so the max switches once, at the first k with m0 + m1 k >= c (ks; infinite when
** memory does not grow); below it the sum is c per iteration, above it an arithmetic series. */
void cs_roofline_span_start(const cs_pool *p, double b, double c0, cs_span *sp)
{
    sp->c = 2 * p->params * b / p->peak_flops;
    sp->m0 = (p->params * p->bytes_per_param + p->kv_bytes_per_token * c0) / p->hbm_bandwidth;
    sp->m1 = p->kv_bytes_per_token * b / p->hbm_bandwidth;
    sp->ks = sp->m0 >= sp->c ? 0 : sp->m1 > 0 ? ceil((sp->c - sp->m0) / sp->m1) : INFINITY;
    sp->alpha = p->alpha;
    sp->beta = p->beta;
}

double cs_roofline_span_time(const cs_span *sp, double n)
{
    if (n <= 0)
        return 0;
    double ks = sp->ks > n ? n : sp->ks;
    /* sum_{k=ks}^{n-1} (m0 + m1 k) */
    double mem = (n - ks) * sp->m0 + sp->m1 * (n * (n - 1) - ks * (ks - 1)) / 2;
    return sp->alpha * (ks * sp->c + mem) + sp->beta * n;
}

/* span(k) is c' k up to the switch at ks (c' = alpha c + beta) and a quadratic in k after it:
** solve for the crossing in closed form, then step to the exact integer (rounding may leave the
** root one off), so the cost does not grow with the span's length. */
double cs_roofline_span_boundary(const cs_span *sp, double n, double dt)
{
    if (dt <= 0)
        return 0;
    if (cs_roofline_span_time(sp, n) <= dt)
        return n;
    double c = sp->c, m0 = sp->m0, m1 = sp->m1, ks = sp->ks, alpha = sp->alpha, beta = sp->beta;
    double k;
    if (ks >= n || cs_roofline_span_time(sp, ks) >= dt) {
        k = ceil(dt / (alpha * c + beta));
    } else {
        /* A k^2 + B k + C = dt, from span's sum written out for k > ks */
        double A = alpha * m1 / 2, B = alpha * (m0 - m1 / 2) + beta;
        double C = alpha * (ks * c - ks * m0 - m1 * ks * (ks - 1) / 2) - dt;
        k = A > 0 ? ceil((-B + sqrt(B * B - 4 * A * C)) / (2 * A)) : ceil(-C / B);
    }
    if (k < 0)
        k = 0;
    if (k > n)
        k = n;
    while (k > 0 && cs_roofline_span_time(sp, k - 1) >= dt)
        k--;
    while (k < n && cs_roofline_span_time(sp, k) < dt)
        k++;
    return k;
}

double cs_roofline_span(const cs_pool *p, double b, double c0, double n)
{
    cs_span sp;
    cs_roofline_span_start(p, b, c0, &sp);
    return cs_roofline_span_time(&sp, n);
}

double cs_roofline_boundary(const cs_pool *p, double b, double c0, double n, double dt)
{
    cs_span sp;
    cs_roofline_span_start(p, b, c0, &sp);
    return cs_roofline_span_boundary(&sp, n, dt);
}
