/*
** Numbers as experiment files and --set write them: one parser for whole numbers, one for reals,
** so every key reads the same syntax (README "Numbers").
*/
#ifndef CALLSCALE_NUMBER_H
#define CALLSCALE_NUMBER_H

#include <stddef.h>
#include <stdint.h>

/* A whole number: decimal digits, optionally in e-notation whose value is whole (2e5, 1.5e3),
** read exactly (no trip through a double), in [lo, hi]. 0 and *out; -1 when the text is not a
** whole number; -2 when it is one outside [lo, hi]. No sign, no hex, no spaces. */
int cs_number_whole(const char *text, uint64_t lo, uint64_t hi, uint64_t *out);

/* How many characters of text a whole number takes (digits only): for lists such as budgets. */
size_t cs_number_digits(const char *text);

/* A real number: [+-] digits [. digits] [e [+-] digits] (or .5), finite, representable: 0 and
** *out; -1 when the text is not such a number (hex floats, inf, nan and trailing text are not);
** -2 when it overflows or underflows a double. */
int cs_number_real(const char *text, double *out);

/* The same at the start of text: the number's length in *used (0 when there is none). */
int cs_number_real_prefix(const char *text, double *out, size_t *used);

/* A real number at *p (after spaces): 0 and *x with *p past it, or -1. */
int cs_number_real_at(const char **p, double *x);

/* "name(x)" or "name(x,y)" (y NULL: one argument only), spaces allowed inside: the number of
** arguments read, or -1. Population rules are written so (beta(2,3), zipf(1.1)). */
int cs_number_call(const char *text, const char *name, double *x, double *y);

#endif
