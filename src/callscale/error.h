/*
** Error records: the library fills one and returns an error code; only the program prints.
** The codes and the opaque type are public (callscale.h); the layout is the library's own.
*/
#ifndef CALLSCALE_ERROR_H
#define CALLSCALE_ERROR_H

#include "callscale.h"

struct cs_error {
    char file[512]; /* where the bad input came from: a path, or "--set" */
    int line;       /* 0 when no line applies */
    char msg[512];
    int code;       /* the code cs_error_set returned (the public accessors read it) */
};

/* Fill err (if not NULL) and return code. The message is printf-formatted. */
int cs_error_set(cs_error *err, int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Empty err (if not NULL): no error. */
void cs_error_clear(cs_error *err);

#endif
