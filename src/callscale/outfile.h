/*
** Files written whole or not at all: written under a temporary name, renamed into place.
*/
#ifndef CALLSCALE_OUTFILE_H
#define CALLSCALE_OUTFILE_H

#include <stdio.h>
#include "callscale/error.h"

typedef struct cs_outfile {
    char path[CS_PATH_MAX], tmp[CS_PATH_MAX + 32];
    FILE *f;
} cs_outfile;

/* Open dir/name (or name alone when dir is NULL) for writing under a temporary name. */
int cs_outfile_open(cs_outfile *o, const char *dir, const char *name, cs_error *err);
/* Close and rename into place; on any error the temporary file is removed. */
int cs_outfile_close(cs_outfile *o, cs_error *err);
/* Give up: close and remove the temporary file. */
void cs_outfile_abandon(cs_outfile *o);
/* dir/name (or name alone when dir is NULL) holding the len bytes of data, whole or not at all. */
int cs_outfile_write(const char *dir, const char *name, const void *data, size_t len,
                     cs_error *err);

#endif
