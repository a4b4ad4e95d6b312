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
#include <unistd.h>

Suite *make_suite(void);

/* The temporary files written so far, removed when the process exits (each test's own process
** under Check's fork mode, or the test program): a test need not remove its files, and one that
** fails before it would leaves none behind. */
enum { TEMP_INI_MAX = 256 };
static char temp_ini_path[TEMP_INI_MAX][64];
static int temp_ini_count, temp_ini_registered;

static inline void temp_ini_remove_all(void)
{
    for (int i = 0; i < temp_ini_count; i++)
        remove(temp_ini_path[i]); /* one the test removed itself is simply gone */
}

/* Write text to a fresh temporary .ini file and return its path (a buffer of its own per file,
** valid until the process exits, when the file is removed). */
static inline const char *write_temp_ini(const char *text)
{
    if (temp_ini_count == TEMP_INI_MAX) { /* forget the ones the test removed itself */
        int kept = 0;
        for (int i = 0; i < temp_ini_count; i++)
            if (access(temp_ini_path[i], F_OK) == 0)
                memmove(temp_ini_path[kept++], temp_ini_path[i], sizeof temp_ini_path[0]);
        temp_ini_count = kept;
    }
    ck_assert_msg(temp_ini_count < TEMP_INI_MAX, "more than %d temporary files at once",
                  TEMP_INI_MAX);
    if (!temp_ini_registered)
        temp_ini_registered = atexit(temp_ini_remove_all) == 0;
    char *path = temp_ini_path[temp_ini_count];
    snprintf(path, sizeof temp_ini_path[0], "/tmp/callscale-test-XXXXXX.ini");
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    temp_ini_count++;
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

#endif
