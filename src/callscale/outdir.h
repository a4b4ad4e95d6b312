/*
** Output directories whole or not at all: a run's files are written into a sibling directory and
** moved into place as one, so a directory holds one run's files (or the previous run's), never a mix.
*/
#ifndef CALLSCALE_OUTDIR_H
#define CALLSCALE_OUTDIR_H

#include "callscale/error.h"

typedef struct cs_outdir {
    char *dir;   /* where the outputs go (trailing slashes dropped) */
    char *stage; /* the sibling directory they are written into first */
} cs_outdir;

/* Check that dir can take a run (not a file; an existing directory only when it holds files of
** earlier runs alone, so nobody's own files are replaced), create its parents, clear what killed
** runs left beside it, and create the staging directory d->stage. */
int cs_outdir_begin(cs_outdir *d, const char *dir, cs_error *err);
/* Move the staging directory into place as a whole (an atomic exchange where the system has one)
** and remove the previous run's files; d->dir stays until cs_outdir_free. */
int cs_outdir_commit(cs_outdir *d, cs_error *err);
/* Remove the staging directory if it is still there (a run that failed) and free d. */
void cs_outdir_free(cs_outdir *d);

#endif
