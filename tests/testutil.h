/*
** Shared helpers for the Check test programs: each tests/test_<module>.c defines make_suite().
*/
#ifndef CALLSCALE_TESTUTIL_H
#define CALLSCALE_TESTUTIL_H

#include <check.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

Suite *make_suite(void);

/* The temporary files written so far, removed when the process exits (each test's own process
** under Check's fork mode, or the test program): a test need not remove its files. One that
** fails may leave its own behind, as Check ends it at once. Each path has its own buffer, which
** no later file reuses. */
static char **temp_ini_path;
static size_t temp_ini_count, temp_ini_cap;

static inline void temp_ini_remove_all(void)
{
    for (size_t i = 0; i < temp_ini_count; i++) {
        remove(temp_ini_path[i]); /* one the test removed itself is simply gone */
        free(temp_ini_path[i]);
    }
    free(temp_ini_path);
    temp_ini_path = NULL;
    temp_ini_count = temp_ini_cap = 0;
}

/* Write text to a fresh temporary .ini file and return its path (valid until the process
** exits, when the file is removed). */
static inline const char *write_temp_ini(const char *text)
{
    if (temp_ini_count == temp_ini_cap) {
        if (temp_ini_cap == 0)
            ck_assert_int_eq(atexit(temp_ini_remove_all), 0);
        temp_ini_cap = temp_ini_cap ? 2 * temp_ini_cap : 16;
        temp_ini_path = realloc(temp_ini_path, temp_ini_cap * sizeof *temp_ini_path);
        ck_assert_ptr_nonnull(temp_ini_path);
    }
    char *path = malloc(64);
    ck_assert_ptr_nonnull(path);
    snprintf(path, 64, "/tmp/callscale-test-XXXXXX.ini");
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    temp_ini_path[temp_ini_count++] = path;
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

#endif
