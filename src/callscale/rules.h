/*
** Population rules: how a component's per-query accuracy p is drawn (p_correct = P, beta(A,B), or a
** log's data = FILE) and how its wrong answers share 1 - p (wrong = ...), one descriptor per rule.
*/
#ifndef CALLSCALE_RULES_H
#define CALLSCALE_RULES_H

#include <stddef.h>
#include <stdio.h>
#include <gsl/gsl_rng.h>
#include "callscale/experiment.h"

struct cs_exact_ctx;

/* Exact mode's part of a cell for one component (exact.c): expected score, calls, tokens and
** FLOPs of the component's queries whose randomised-PIT u lies in [ulo, uhi] (all of them when
** whole), weighted by its share, into out[], with their mass; ws is a GSL integration workspace. */
typedef int cs_rules_exact_part(const cs_experiment *ex, const struct cs_exact_ctx *ctx, size_t K,
                                double ulo, double uhi, int whole, double *out, double *mass,
                                double *abserr, void *ws);

/* A rule for p. Row i of cs_rules_p is enum cs_p_kind i. */
typedef struct cs_p_rule {
    const char *name;
    const char *key;    /* the component key that gives it: p_correct or data */
    const char *syntax; /* as the message that refuses a value names it */
    /* TEXT, given on line of file: 1 if it is this rule's (the rule and its parameters set in
    ** c), 0 if not, -1 if it is but is wrong (a reason in why). */
    int (*parse)(const cs_experiment *ex, const char *file, int line, const char *text,
                 cs_component *c, char *why, size_t n);
    void (*write)(const cs_component *c, FILE *f);                  /* its config.ini lines */
    void (*describe)(const cs_component *c, char *buf, size_t n);    /* "p = 0.3": figures, explain */
    double (*draw)(const cs_component *c, gsl_rng *r);               /* one query's p */
    void (*cdf)(const cs_component *c, double x, double *lo, double *hi); /* P(p < x), P(p <= x) */
    double (*above)(const cs_component *c, double x);                /* P(p > x) */
    cs_rules_exact_part *exact; /* NULL: no exact form, and no_exact says why */
    int (*no_exact)(const cs_component *c, char *why, size_t n); /* the line to name */
} cs_p_rule;

/* A rule for the wrong answers' shares of 1 - p. Row i of cs_rules_wrong is enum cs_wrong_kind i. */
typedef struct cs_wrong_rule {
    const char *name;
    const char *syntax;
    /* wrong = TEXT: 1 and its parameter, 0 if it is not this rule's, -1 with a reason */
    int (*parse)(const char *text, double *param, char *why, size_t n);
    void (*format)(double param, char *buf, size_t n); /* as config.ini writes it */
    /* M - 1 wrong answers: their shares, fixed for the component and unnormalised, into s[0..r);
    ** NULL when they are drawn per query by draw, into pi[0..r) summing to w */
    void (*shares)(const cs_component *c, double *s, size_t r);
    void (*draw)(const cs_component *c, double w, double *pi, size_t r, gsl_rng *rng);
    /* An open answer space: the first n atoms' shares, fixed for the component (largest first),
    ** or else each one drawn as a share of what is left; neither: every wrong answer is new. */
    void (*open_atoms)(const cs_component *c, double *atom, size_t n);
    double (*open_draw)(const cs_component *c, double left, gsl_rng *rng);
    /* 0, or non-zero with a reason: whether the experiment can hold it, whether exact mode can */
    int (*check)(const cs_experiment *ex, const cs_component *c, char *why, size_t n);
    int (*no_exact)(const cs_experiment *ex, const cs_component *c, char *why, size_t n);
} cs_wrong_rule;

extern const cs_p_rule cs_rules_p[];
extern const size_t cs_rules_np;
extern const cs_wrong_rule cs_rules_wrong[];
extern const size_t cs_rules_nwrong;

/* The rule of a component (or of the larger model, whose p_kind means the same). */
static inline const cs_p_rule *cs_rules_p_of(const cs_component *c)
{
    return &cs_rules_p[c->p_kind];
}
static inline const cs_wrong_rule *cs_rules_wrong_of(const cs_component *c)
{
    return &cs_rules_wrong[c->wrong_kind];
}

/* key = TEXT for a component: 1 when some rule of key took it, 0 when key is no rule's, -1 with
** a reason (naming every form key takes when none matches). */
int cs_rules_parse_p(const cs_experiment *ex, const char *file, int line, const char *key,
                     const char *text, cs_component *c, char *why, size_t n);
/* wrong = TEXT: 0, or -1 with a reason. */
int cs_rules_parse_wrong(const char *text, cs_component *c, char *why, size_t n);

/* A component's p as figure titles and explain's text say it. */
void cs_rules_describe_p(const cs_component *c, char *buf, size_t n);

#endif
