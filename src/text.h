/*
** Text the public API hands out: what a FILE * writer prints, caught in memory, and copied out
** snprintf-style (the length needed, as much as fits), which suits C callers and FFIs alike.
*/
#ifndef CALLSCALE_TEXT_H
#define CALLSCALE_TEXT_H

#include <stddef.h>
#include <string.h>

/* Copy text (len bytes) into buf of n bytes, NUL-terminated when n > 0; returns len. */
static inline size_t cs_text_copy(const char *text, size_t len, char *buf, size_t n)
{
    if (buf && n > 0) {
        size_t k = len < n ? len : n - 1;
        memcpy(buf, text, k);
        buf[k] = '\0';
    }
    return len;
}

#endif
