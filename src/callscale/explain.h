/*
** The teaching view of the difficulty confounder: which queries are easy (their correct answer is
** the unique mode), where vote accuracy goes as K grows, and for two-level binary populations the
** shape of the curve and its turning point K* in closed form (DESIGN.md section 1).
*/
#ifndef CALLSCALE_EXPLAIN_H
#define CALLSCALE_EXPLAIN_H

#include "callscale/experiment.h"

enum cs_shape { CS_SHAPE_NONE, CS_SHAPE_RISING, CS_SHAPE_FALLING, CS_SHAPE_RISE_FALL, CS_SHAPE_FALL_RISE };

typedef struct cs_explain_comp {
    double easy;    /* fraction of the component's queries whose correct answer is the unique mode */
    double limit;   /* K -> infinity limit of vote accuracy (ties share their credit) */
    int estimated;  /* easy and limit are Monte Carlo estimates (per-query dirichlet shares) */
} cs_explain_comp;

typedef struct cs_explain {
    cs_explain_comp comp[CS_MAX_COMPONENTS];
    double easy, limit;
    /* two-level binary population only (shape != CS_SHAPE_NONE) */
    int shape;
    double alpha, p1, p2; /* share of the easy level, its p, the hard level's p */
    double t, threshold;  /* t of DESIGN.md and the alpha threshold 1 - 1/t */
    double kstar;         /* turning point; NAN when the curve is monotone */
    long best_k;          /* odd K at the maximum (rise-then-fall) or minimum (fall-then-rise) */
} cs_explain;

/* Draws used to estimate easy fractions when wrong shares are drawn per query. */
#define CS_EXPLAIN_DRAWS 200000
/* The same, as text, for the note on an estimated component. */
#define CS_EXPLAIN_DRAWS_TEXT CS_EXPLAIN_STR(CS_EXPLAIN_DRAWS)
#define CS_EXPLAIN_STR(x) CS_EXPLAIN_STR_(x)
#define CS_EXPLAIN_STR_(x) #x

int cs_explain_run(const cs_experiment *ex, cs_explain *out, cs_error *err);
const char *cs_explain_shape_name(int shape);

/* Explain's report (what `callscale explain` prints) written to f; -1 when f failed. */
int cs_explain_write(const cs_experiment *ex, const cs_explain *e, FILE *f);

/* Closed-form shape and K* of F(K) = alpha P(Bin(K,p1) > K/2) + (1-alpha) P(Bin(K,p2) > K/2),
** p1 > 1/2 > p2. Fills the two-level fields of out. */
void cs_explain_two_level(double alpha, double p1, double p2, cs_explain *out);

#endif
