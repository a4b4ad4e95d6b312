/*
** Error records: the library fills one and returns an error code; only the program prints.
*/
#ifndef CALLSCALE_ERROR_H
#define CALLSCALE_ERROR_H

enum { CS_OK = 0, CS_ERR_INPUT = 1, CS_ERR_IO = 2, CS_ERR_UNSUPPORTED = 3, CS_ERR_NOMEM = 4 };

typedef struct cs_error {
    char file[512]; /* where the bad input came from: a path, or "--set" */
    int line;       /* 0 when no line applies */
    char msg[512];
} cs_error;

/* Fill err (if not NULL) and return code. The message is printf-formatted. */
int cs_error_set(cs_error *err, int code, const char *file, int line, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));

#endif
