/*
** Memory one thread writes while another runs: whole cache lines, so that two threads never
** write into one line (false sharing costs both of them the line on every write).
*/
#ifndef CALLSCALE_LINES_H
#define CALLSCALE_LINES_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#define CS_LINE 64

/* count elements of size bytes on lines of their own, uninitialised as from malloc; free()
** releases them. NULL when out of memory (or when the size overflows, as calloc). */
static inline void *cs_lines_alloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size - CS_LINE)
        return NULL;
    size_t n = (count * size + CS_LINE - 1) / CS_LINE * CS_LINE;
    return aligned_alloc(CS_LINE, n ? n : CS_LINE);
}

/* The same, zeroed, as from calloc. */
static inline void *cs_lines_zalloc(size_t count, size_t size)
{
    void *p = cs_lines_alloc(count, size);
    if (p)
        memset(p, 0, count * size);
    return p;
}

#endif
