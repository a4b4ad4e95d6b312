/*
** Growable arrays: make room for one more element, doubling the capacity.
*/
#ifndef CALLSCALE_GROW_H
#define CALLSCALE_GROW_H

#include <stdlib.h>

/* Ensure *array (of *cap elements of size bytes) has room for element n; 0, or -1 out of memory
** (the array untouched). */
static inline int cs_grow(void *array, size_t *cap, size_t n, size_t size)
{
    void **a = array;
    if (n < *cap)
        return 0;
    size_t want = *cap ? 2 * *cap : 16;
    void *p = realloc(*a, want * size);
    if (!p)
        return -1;
    *a = p;
    *cap = want;
    return 0;
}

#endif
