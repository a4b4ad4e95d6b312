/*
** Error records: the library fills one and returns an error code; only the program prints.
** The codes and the opaque type are public (callscale.h); the layout is the library's own.
*/
#ifndef CALLSCALE_ERROR_H
#define CALLSCALE_ERROR_H

#include "callscale.h"

/* Room for any path the system accepts (PATH_MAX, 4096 on Linux) and a file name or temporary
** suffix after it: paths longer than CS_PATH_LONGEST are refused where they come in, so nothing
** that holds one is ever cut short. */
#define CS_PATH_MAX 4352
#define CS_PATH_LONGEST 4095

struct cs_error {
    char file[CS_PATH_MAX]; /* where the bad input came from: a path, or "--set" */
    int line;               /* 0 when no line applies */
    char msg[CS_PATH_MAX + 1024]; /* messages may name a path too */
    int code;       /* the code cs_error_set returned (the public accessors read it) */
};

/* Fill err (if not NULL) and return code. The message is printf-formatted. */
int cs_error_set(cs_error *err, int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

/* Empty err (if not NULL): no error. */
void cs_error_clear(cs_error *err);

#endif
