/*
** One CSV line split into fields in place (RFC 4180 quoting within a line).
*/
#include <string.h>
#include "callscale/csvline.h"

size_t cs_csvline_split(char *line, char **field, size_t max)
{
    size_t len = strlen(line);
    while (len && (line[len - 1] == '\n' || line[len - 1] == '\r'))
        line[--len] = '\0';
    size_t n = 0;
    char *p = line;
    for (;;) {
        char *out = p, *start = p;
        if (*p == '"') {
            p++;
            for (;;) {
                if (*p == '"' && p[1] == '"') {
                    *out++ = '"';
                    p += 2;
                } else if (*p == '"') {
                    p++;
                    break;
                } else if (!*p) {
                    break;
                } else
                    *out++ = *p++;
            }
            while (*p && *p != ',')
                p++;
        } else {
            while (*p && *p != ',')
                p++;
            out = p;
        }
        char sep = *p;
        *out = '\0';
        if (n < max)
            field[n] = start;
        n++;
        if (sep != ',')
            break;
        p++;
    }
    return n;
}
