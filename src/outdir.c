/*
** Output directories whole or not at all: written aside in a sibling, exchanged into place.
*/
#define _GNU_SOURCE /* renameat2 and RENAME_EXCHANGE */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>
#include "callscale/outdir.h"

/* The staging and retired directories beside DIR: .BASE.callscale-PID-new and -old. */
#define STAGE_TAG ".callscale-"

/* Files a run writes, by how their names end: an existing directory that holds anything else is
** someone's own and is not replaced. */
static const char *const output_suffixes[] = {".csv", ".ini", ".gp", ".dat", ".png", ".pdf",
                                              ".svg", ".txt", ".log", ".json"};

static char *dup_n(const char *s, size_t n)
{
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, s, n);
        d[n] = '\0';
    }
    return d;
}

static int is_output_name(const char *name)
{
    if (strstr(name, ".tmp."))
        return 1; /* a temporary file of a killed run */
    size_t n = strlen(name);
    for (size_t i = 0; i < sizeof output_suffixes / sizeof *output_suffixes; i++) {
        size_t k = strlen(output_suffixes[i]);
        if (n > k && strcmp(name + n - k, output_suffixes[i]) == 0)
            return 1;
    }
    return 0;
}

/* Remove a directory of files (a run's outputs hold no subdirectories). */
static void remove_tree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        size_t n = strlen(dir);
        struct dirent *e;
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
                continue;
            char *p = malloc(n + strlen(e->d_name) + 2);
            if (!p)
                continue;
            sprintf(p, "%s/%s", dir, e->d_name);
            unlink(p);
            free(p);
        }
        closedir(d);
    }
    rmdir(dir);
}

/* mkdir -p of path. */
static int make_dirs(const char *path)
{
    char *buf = dup_n(path, strlen(path));
    if (!buf)
        return -1;
    int rc = 0;
    for (char *p = buf + 1; *p && !rc; p++) {
        if (*p != '/')
            continue;
        *p = '\0';
        if (mkdir(buf, 0777) && errno != EEXIST)
            rc = -1;
        *p = '/';
    }
    if (!rc && mkdir(buf, 0777) && errno != EEXIST)
        rc = -1;
    free(buf);
    return rc;
}

/* Clear what runs killed before their end left beside base in parent: staging and retired
** directories whose process is gone. */
static void clear_leftovers(const char *parent, const char *base)
{
    DIR *d = opendir(parent);
    if (!d)
        return;
    size_t nb = strlen(base), np = strlen(parent);
    struct dirent *e;
    while ((e = readdir(d))) {
        const char *n = e->d_name;
        if (n[0] != '.' || strncmp(n + 1, base, nb) != 0 ||
            strncmp(n + 1 + nb, STAGE_TAG, strlen(STAGE_TAG)) != 0)
            continue;
        char *end;
        long pid = strtol(n + 1 + nb + strlen(STAGE_TAG), &end, 10);
        if (pid <= 0 || (strcmp(end, "-new") && strcmp(end, "-old")))
            continue;
        if (pid != (long)getpid() && kill((pid_t)pid, 0) == 0)
            continue; /* a run still going */
        char *p = malloc(np + strlen(n) + 2);
        if (p) {
            sprintf(p, "%s/%s", parent, n);
            remove_tree(p);
            free(p);
        }
    }
    closedir(d);
}

/* Whether dir, an existing directory, holds only what runs write: 0, or -1 with the first
** other entry's name in *other (malloc'd). */
static int only_outputs(const char *dir, char **other)
{
    DIR *d = opendir(dir);
    if (!d)
        return -1;
    struct dirent *e;
    int rc = 0;
    size_t n = strlen(dir);
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
            continue;
        char *p = malloc(n + strlen(e->d_name) + 2);
        struct stat st;
        if (p)
            sprintf(p, "%s/%s", dir, e->d_name);
        int file = p && lstat(p, &st) == 0 && S_ISREG(st.st_mode);
        free(p);
        if (!file || !is_output_name(e->d_name)) {
            *other = dup_n(e->d_name, strlen(e->d_name));
            rc = -1;
            break;
        }
    }
    closedir(d);
    return rc;
}

int cs_outdir_begin(cs_outdir *d, const char *dir, cs_error *err)
{
    d->dir = d->stage = NULL;
    size_t n = strlen(dir);
    while (n > 1 && dir[n - 1] == '/')
        n--;
    if (n == 0)
        return cs_error_set(err, CS_ERR_INPUT, "-o", 0, "the output directory's name is empty "
                            "(e.g. -o runs/mine)");
    if (n > CS_PATH_LONGEST - 64)
        return cs_error_set(err, CS_ERR_INPUT, "-o", 0, "the output directory's path is longer "
                            "than %d characters", CS_PATH_LONGEST - 64);
    d->dir = dup_n(dir, n);
    if (!d->dir)
        return cs_error_set(err, CS_ERR_NOMEM, dir, 0, "out of memory");
    const char *slash = strrchr(d->dir, '/');
    const char *base = slash ? slash + 1 : d->dir;
    if (!strcmp(base, ".") || !strcmp(base, "..") || !strcmp(d->dir, "/")) {
        cs_error_set(err, CS_ERR_INPUT, d->dir, 0, "a run's outputs replace its directory as a "
                     "whole: give them a directory of their own (e.g. -o runs/mine)");
        cs_outdir_free(d);
        return CS_ERR_INPUT;
    }
    char *parent = slash ? dup_n(d->dir, slash == d->dir ? 1 : (size_t)(slash - d->dir))
                         : dup_n(".", 1);
    d->stage = malloc(n + strlen(STAGE_TAG) + 32);
    if (!parent || !d->stage) {
        free(parent);
        cs_outdir_free(d);
        return cs_error_set(err, CS_ERR_NOMEM, dir, 0, "out of memory");
    }
    sprintf(d->stage, "%.*s.%s%s%ld-new", (int)(base - d->dir), d->dir, base, STAGE_TAG,
            (long)getpid());
    int rc = 0;
    struct stat st;
    if (make_dirs(parent))
        rc = cs_error_set(err, CS_ERR_IO, parent, 0, "cannot create directory: %s", strerror(errno));
    else if (lstat(d->dir, &st) == 0 && !S_ISDIR(st.st_mode))
        rc = cs_error_set(err, CS_ERR_IO, d->dir, 0, "exists and is not a directory");
    else if (lstat(d->dir, &st) == 0) {
        char *other = NULL;
        if (only_outputs(d->dir, &other)) {
            rc = cs_error_set(err, CS_ERR_IO, d->dir, 0, "holds %s, which no run wrote; a run "
                              "replaces its directory as a whole, so give it another one",
                              other ? other : "entries that cannot be read");
            free(other);
        }
    }
    if (!rc) {
        clear_leftovers(parent, base);
        remove_tree(d->stage); /* our own, should the process id come round again */
        if (mkdir(d->stage, 0777))
            rc = cs_error_set(err, CS_ERR_IO, d->dir, 0, "cannot create a directory beside it: %s",
                              strerror(errno));
    }
    free(parent);
    if (rc) {
        free(d->stage);
        d->stage = NULL;
        cs_outdir_free(d);
    }
    return rc;
}

int cs_outdir_commit(cs_outdir *d, cs_error *err)
{
    int rc = 0;
    struct stat st;
    if (lstat(d->dir, &st) != 0) {
        if (rename(d->stage, d->dir))
            rc = cs_error_set(err, CS_ERR_IO, d->dir, 0, "cannot move the outputs into place: %s",
                              strerror(errno));
    } else if (renameat2(AT_FDCWD, d->stage, AT_FDCWD, d->dir, RENAME_EXCHANGE) == 0) {
        remove_tree(d->stage); /* now the previous run's */
    } else {
        /* no atomic exchange here: retire the old directory, then move the new one in */
        size_t n = strlen(d->stage);
        char *old = dup_n(d->stage, n);
        if (!old)
            return cs_error_set(err, CS_ERR_NOMEM, d->dir, 0, "out of memory");
        memcpy(old + n - 3, "old", 3);
        remove_tree(old);
        if (rename(d->dir, old))
            rc = cs_error_set(err, CS_ERR_IO, d->dir, 0, "cannot move the outputs into place: %s",
                              strerror(errno));
        else if (rename(d->stage, d->dir)) {
            rc = cs_error_set(err, CS_ERR_IO, d->dir, 0, "cannot move the outputs into place: %s",
                              strerror(errno));
            rename(old, d->dir); /* the previous run's, as they were */
        } else
            remove_tree(old);
        free(old);
    }
    if (!rc) {
        free(d->stage);
        d->stage = NULL;
    }
    return rc;
}

void cs_outdir_free(cs_outdir *d)
{
    if (d->stage)
        remove_tree(d->stage);
    free(d->stage);
    free(d->dir);
    d->stage = d->dir = NULL;
}
