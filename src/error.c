/*
** Error records: filled by the library, read by the program and by embedding programs.
*/
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
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
        err->code = code;
    }
    return code;
}

void cs_error_clear(cs_error *err)
{
    if (err) {
        err->file[0] = err->msg[0] = '\0';
        err->line = 0;
        err->code = CS_OK;
    }
}

cs_error *cs_error_alloc(void)
{
    cs_error *err = malloc(sizeof *err);
    cs_error_clear(err);
    return err;
}

void cs_error_free(cs_error *err)
{
    free(err);
}

int cs_error_code(const cs_error *err)
{
    return err ? err->code : CS_OK;
}

const char *cs_error_file(const cs_error *err)
{
    return err ? err->file : "";
}

int cs_error_line(const cs_error *err)
{
    return err ? err->line : 0;
}

const char *cs_error_text(const cs_error *err)
{
    return err ? err->msg : "";
}

/* The one place the program's error line is spelt, so embedding programs see the same text. */
size_t cs_error_format(const cs_error *err, char *buf, size_t n)
{
    int k;
    if (!err)
        k = snprintf(buf, n, "callscale: no error");
    else if (err->line > 0)
        k = snprintf(buf, n, "callscale: %s:%d: %s", err->file, err->line, err->msg);
    else if (err->file[0])
        k = snprintf(buf, n, "callscale: %s: %s", err->file, err->msg);
    else
        k = snprintf(buf, n, "callscale: %s", err->msg);
    return k < 0 ? 0 : (size_t)k;
}
