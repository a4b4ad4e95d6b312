/*
** The teaching page's files (web/ and the plotting library), embedded in the program at build
** time by scripts/embed-web: the server answers from this table and never from the file system.
*/
#ifndef CALLSCALE_CLI_WEB_H
#define CALLSCALE_CLI_WEB_H

#include <stddef.h>

typedef struct cs_web_file {
    const char *path;          /* the URL path it is served at, e.g. "/" or "/chart.min.js" */
    const unsigned char *data; /* its bytes (a NUL follows them) */
    size_t len;
} cs_web_file;

extern const cs_web_file cs_web_files[];
extern const size_t cs_web_nfiles;

#endif
