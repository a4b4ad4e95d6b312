/*
** Memory one thread writes while another runs: whole cache lines, so that two threads never
** write into one line (false sharing costs both of them the line on every write).
*/
#ifndef CALLSCALE_LINES_H
#define CALLSCALE_LINES_H

#include <stdlib.h>
#include <string.h>

#define CS_LINE 64

/* n bytes on lines of their own, zeroed; free() releases them. NULL when out of memory. */
static inline void *cs_lines_alloc(size_t n)
{
    size_t size = (n + CS_LINE - 1) / CS_LINE * CS_LINE;
    void *p = aligned_alloc(CS_LINE, size ? size : CS_LINE);
    if (p)
        memset(p, 0, size ? size : CS_LINE);
    return p;
}

#endif
