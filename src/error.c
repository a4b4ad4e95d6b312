/*
** Error records.
*/
#include <stdarg.h>
#include <stdio.h>
#include "callscale/error.h"

int cs_error_set(cs_error *err, int code, const char *file, int line, const char *fmt, ...)
{
    if (err) {
        snprintf(err->file, sizeof err->file, "%s", file ? file : "");
        err->line = line;
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return code;
}
