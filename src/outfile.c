/*
** Files written whole or not at all.
*/
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include "callscale/outfile.h"

int cs_outfile_open(cs_outfile *o, const char *dir, const char *name, cs_error *err)
{
    int n = dir ? snprintf(o->path, sizeof o->path, "%s/%s", dir, name)
                : snprintf(o->path, sizeof o->path, "%s", name);
    o->f = NULL;
    if (n < 0 || (size_t)n >= sizeof o->path)
        return cs_error_set(err, CS_ERR_IO, name, 0, "cannot write: the path is longer than %d "
                            "characters", CS_PATH_LONGEST);
    snprintf(o->tmp, sizeof o->tmp, "%s.tmp.%ld", o->path, (long)getpid());
    o->f = fopen(o->tmp, "w");
    if (!o->f)
        return cs_error_set(err, CS_ERR_IO, o->path, 0, "cannot write: %s", strerror(errno));
    return 0;
}

int cs_outfile_close(cs_outfile *o, cs_error *err)
{
    int bad = ferror(o->f);
    int closed = fclose(o->f);
    o->f = NULL;
    if (closed != 0 || bad) {
        remove(o->tmp);
        return cs_error_set(err, CS_ERR_IO, o->path, 0, "write failed: %s", strerror(errno));
    }
    if (rename(o->tmp, o->path) != 0) {
        int e = errno;
        remove(o->tmp);
        return cs_error_set(err, CS_ERR_IO, o->path, 0, "cannot rename into place: %s", strerror(e));
    }
    return 0;
}

void cs_outfile_abandon(cs_outfile *o)
{
    if (o->f)
        fclose(o->f);
    o->f = NULL;
    remove(o->tmp);
}

int cs_outfile_write(const char *dir, const char *name, const void *data, size_t len,
                     cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, name, err))
        return CS_ERR_IO;
    if (fwrite(data, 1, len, o.f) != len) {
        int e = errno;
        cs_outfile_abandon(&o);
        return cs_error_set(err, CS_ERR_IO, o.path, 0, "write failed: %s", strerror(e));
    }
    return cs_outfile_close(&o, err);
}
