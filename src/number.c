/*
** Numbers as experiment files write them: whole numbers read exactly, reals in decimal notation.
*/
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "number.h"

static int digit(char c)
{
    return c >= '0' && c <= '9';
}

size_t cs_number_digits(const char *text)
{
    size_t n = 0;
    while (digit(text[n]))
        n++;
    return n;
}

/* Longest exponent we look at: beyond it any non-zero mantissa is out of every range. */
#define EXP_MAX 100000

int cs_number_whole(const char *text, uint64_t lo, uint64_t hi, uint64_t *out)
{
    const char *p = text;
    /* the significant digits (integer and fraction parts) and where the point was */
    const char *ds = p;
    size_t nint = cs_number_digits(p);
    p += nint;
    size_t nfrac = 0;
    const char *fs = NULL;
    if (*p == '.') {
        fs = ++p;
        nfrac = cs_number_digits(p);
        p += nfrac;
    }
    if (nint == 0)
        return -1; /* "5" or "5.0", never ".5" for a count */
    long e = 0;
    if (*p == 'e' || *p == 'E') {
        p++;
        int neg = 0;
        if (*p == '+' || *p == '-')
            neg = *p++ == '-';
        if (!digit(*p))
            return -1;
        for (; digit(*p); p++)
            if (e < EXP_MAX)
                e = e * 10 + (*p - '0');
        if (neg)
            e = -e;
    }
    if (*p != '\0')
        return -1;
    /* value = D * 10^(e - nfrac), D the digit string int||frac: whole when the digits that the
    ** exponent puts after the point are all zero */
    long shift = e - (long)nfrac; /* > 0: append zeros; < 0: drop that many digits, all zero */
    size_t ndig = nint + nfrac;
    uint64_t v = 0;
    int over = 0;
    for (size_t i = 0; i < ndig; i++) {
        char c = i < nint ? ds[i] : fs[i - nint];
        long pos_from_end = (long)(ndig - i); /* this digit's place is 10^(pos_from_end-1+shift) */
        if (pos_from_end + shift <= 0) {
            if (c != '0')
                return -1; /* a non-zero digit after the point */
            continue;
        }
        uint64_t d = (uint64_t)(c - '0');
        if (v > (UINT64_MAX - d) / 10)
            over = 1;
        else
            v = v * 10 + d;
    }
    for (long i = 0; i < shift && !over; i++) {
        if (v == 0)
            break;
        if (v > UINT64_MAX / 10)
            over = 1;
        else
            v *= 10;
    }
    if (over || v < lo || v > hi)
        return -2;
    *out = v;
    return 0;
}

int cs_number_real_prefix(const char *text, double *out, size_t *used)
{
    const char *p = text;
    *used = 0;
    if (*p == '+' || *p == '-')
        p++;
    size_t nint = cs_number_digits(p);
    p += nint;
    size_t nfrac = 0;
    if (*p == '.') {
        nfrac = cs_number_digits(p + 1);
        if (nint || nfrac)
            p += 1 + nfrac;
    }
    if (nint == 0 && nfrac == 0)
        return -1;
    if (*p == 'e' || *p == 'E') {
        const char *q = p + 1;
        if (*q == '+' || *q == '-')
            q++;
        if (digit(*q))
            p = q + cs_number_digits(q);
    }
    /* the syntax is ours; the digits to double are strtod's (correctly rounded) */
    size_t n = (size_t)(p - text);
    char small[64], *buf = n < sizeof small ? small : malloc(n + 1);
    if (!buf)
        return -2;
    memcpy(buf, text, n);
    buf[n] = '\0';
    errno = 0;
    char *end;
    double v = strtod(buf, &end);
    int range = errno == ERANGE || !isfinite(v) || end != buf + n;
    if (buf != small)
        free(buf);
    if (range)
        return -2;
    *out = v;
    *used = n;
    return 0;
}

int cs_number_real(const char *text, double *out)
{
    size_t used;
    double v;
    int rc = cs_number_real_prefix(text, &v, &used);
    if (rc)
        return rc;
    if (text[used] != '\0')
        return -1;
    *out = v;
    return 0;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

int cs_number_real_at(const char **p, double *x)
{
    size_t used;
    const char *q = skip_space(*p);
    if (cs_number_real_prefix(q, x, &used))
        return -1;
    *p = q + used;
    return 0;
}

int cs_number_call(const char *s, const char *name, double *x, double *y)
{
    size_t n = strlen(name);
    if (strncmp(s, name, n) != 0 || s[n] != '(')
        return -1;
    const char *p = s + n + 1;
    if (cs_number_real_at(&p, x))
        return -1;
    p = skip_space(p);
    int args = 1;
    if (y && *p == ',') {
        p++;
        if (cs_number_real_at(&p, y))
            return -1;
        p = skip_space(p);
        args = 2;
    }
    if (*p != ')' || p[1] != '\0')
        return -1;
    return args;
}
