/*
** An experiment file as text: its sections and key = value entries (read with inih) with their
** file and line, plus --set overrides as entries of their own, before any meaning is given them.
*/
#ifndef CALLSCALE_INIFILE_H
#define CALLSCALE_INIFILE_H

#include <stddef.h>
#include "callscale/error.h"

typedef struct cs_inifile_entry {
    char *section, *key, *value;
    const char *file; /* the inifile's file, or "--set" */
    int line;         /* --set: the override's position, from 1 */
    int used;
} cs_inifile_entry;

typedef struct cs_inifile_section {
    char *name;
    const char *file;
    int line;
} cs_inifile_section;

typedef struct cs_inifile {
    cs_inifile_entry *e;
    size_t ne, cape;
    cs_inifile_section *s;
    size_t ns, caps;
    /* reader state: the text being read, and how far */
    const char *text, *end, *at;
    const char *file;
    int line;
    int nomem;
    /* the first error the reader or handler found (stops the reading): its line and message */
    int err_line;
    char err_msg[400];
    /* values of lines too long for inih's buffer, passed to it as LONG_VALUE and an index */
    char **longval;
    size_t nlong, caplong;
} cs_inifile;

/* Read a whole file into memory (malloc'd), refusing more than max bytes (so /dev/zero or an
** endless pipe ends with an error instead of running forever). */
int cs_inifile_slurp(const char *path, size_t max, char **out, size_t *len, cs_error *err);

/* Read len bytes of text into r, naming file (kept as a pointer: it must outlive r) in entries
** and errors. Returns 0, or an error code with err filled; r is to be freed either way. */
int cs_inifile_read(cs_inifile *r, const char *file, const char *text, size_t len, cs_error *err);

/* Add --set overrides ("section.key=value", the section may hold dots) as entries of file
** "--set". A section starting with one of the nclosed prefixes must already be in the file:
** overrides change an experiment, they do not add to it. */
int cs_inifile_override(cs_inifile *r, const char *const *overrides, size_t n,
                        const char *const *closed, size_t nclosed, cs_error *err);

/* The section of that name, or NULL. */
const cs_inifile_section *cs_inifile_section_find(const cs_inifile *r, const char *name);

void cs_inifile_free(cs_inifile *r);

#endif
