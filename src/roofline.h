/*
** The roofline iteration time of a replica (BLIS, inference-lab): an iteration is bound by its
** compute or by reading the weights and the KV cache, whichever is slower.
*/
#ifndef CALLSCALE_ROOFLINE_H
#define CALLSCALE_ROOFLINE_H

#include "callscale/serving.h"

/* One iteration that processes `tokens` tokens (one per decoding sequence plus prefill chunks)
** and reads `context` tokens of KV cache: alpha * max(F / peak, B / bandwidth) + beta, with
** F = 2 params tokens and B = params bytes_per_param + kv_bytes_per_token context. */
double cs_roofline_iteration(const cs_pool *p, double tokens, double context);

/* A decode span's constants, computed once when it is planned: per iteration, compute c and memory
** m0 + m1 k (seconds), the iteration ks where memory overtakes compute, and the pool's alpha and
** beta. The functions on it give the same doubles as cs_roofline_span and _boundary. */
typedef struct cs_span {
    double c, m0, m1, ks, alpha, beta;
} cs_span;

void cs_roofline_span_start(const cs_pool *p, double b, double c0, cs_span *sp);
double cs_roofline_span_time(const cs_span *sp, double n);
double cs_roofline_span_boundary(const cs_span *sp, double n, double dt);

/* n decode iterations of b sequences whose contexts add up to c0 at the first (each grows by one
** token an iteration, so iteration k reads c0 + b k): the closed-form sum of their times. */
double cs_roofline_span(const cs_pool *p, double b, double c0, double n);

/* The first iteration boundary of such a span at or after elapsed time dt: the smallest k in
** [0, n] with span(k) >= dt, in closed form (the root of a quadratic). */
double cs_roofline_boundary(const cs_pool *p, double b, double c0, double n, double dt);

#endif
