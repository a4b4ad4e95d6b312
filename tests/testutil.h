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

/* Write text to a fresh temporary .ini file and return its path (static buffer per call site
** is the caller's concern: copy it if you need two at once). */
static inline const char *write_temp_ini(const char *text)
{
    static char path[64];
    snprintf(path, sizeof path, "/tmp/callscale-test-XXXXXX.ini");
    int fd = mkstemps(path, 4);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
    return path;
}

#endif
