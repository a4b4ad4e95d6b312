/*
** Parameter tables: one row per settable key (name, default, range, help). The experiment-file
** parser, `callscale list`, config.ini and the docs all read these rows, so they cannot drift.
*/
#ifndef CALLSCALE_PARAM_H
#define CALLSCALE_PARAM_H

#include <stddef.h>

typedef struct cs_param {
    const char *name;
    const char *def;  /* default, as written in an experiment file */
    double lo, hi;    /* accepted closed range */
    int integer;      /* nonzero: value must be a whole number */
    const char *word; /* words accepted instead of a number, '|'-separated ("sqrt", or
                      ** "last|min|prod|mean"); word i is stored as -(i + 1). NULL: none. A row
                      ** with words takes numbers only if lo >= 0, so the two cannot collide. A
                      ** word written NAME(k) ("rollouts(k)") takes its number in parentheses,
                      ** NAME(16), checked against lo, hi and integer and stored as it is; a
                      ** row with such a word takes no bare number. */
    size_t offset;    /* where the value lives (a double) in the settings struct it belongs to */
    const char *help;
} cs_param;

/* Parse text as a value for param: a number in range (or param->word). Returns 0 and sets *out,
** or -1 and writes a reason into why (size n). */
int cs_param_parse(const cs_param *param, const char *text, double *out, char *why, size_t n);

/* Write a value as an experiment file would hold it. */
void cs_param_format(const cs_param *param, double value, char *buf, size_t n);

/* Index of the word a value stands for, or -1 when it is a number. */
static inline int cs_param_word(double value)
{
    return value < 0 ? (int)(-value) - 1 : -1;
}

/* A row that takes only words has lo > hi (no number is in range). */
#define CS_WORDS_ONLY 1, 0

#endif
