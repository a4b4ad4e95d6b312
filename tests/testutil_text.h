/*
** Test helper: experiment text built up piece by piece with printf formats.
*/
#ifndef CALLSCALE_TESTUTIL_TEXT_H
#define CALLSCALE_TESTUTIL_TEXT_H

#include <stdarg.h>
#include <stdio.h>
#include "testutil.h"

typedef struct text {
    char buf[1 << 16];
    size_t len;
} text;

/* Append to t; text that does not fit fails the test. */
static inline void add(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static inline void add(text *t, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(t->buf + t->len, sizeof t->buf - t->len, fmt, ap);
    va_end(ap);
    ck_assert(n >= 0 && (size_t)n < sizeof t->buf - t->len);
    t->len += (size_t)n;
}

#endif
