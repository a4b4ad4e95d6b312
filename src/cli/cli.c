/*
** What every command shares: its error line and usage errors, whole numbers and -o from its
** arguments, paths and the clock it times itself by.
*/
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "cli.h"

int cs_cli_error(const cs_error *e)
{
    /* room for the whole record (a path and a message that may name another): never cut short */
    char line[2 * CS_PATH_MAX + 1100];
    cs_error_format(e, line, sizeof line); /* the same line embedding programs get */
    fprintf(stderr, "%s\n", line);
    return EXIT_INPUT;
}

int cs_cli_usage_error(const char *fmt, const char *arg)
{
    fprintf(stderr, "callscale: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\n(callscale --help tells the commands and their options)\n");
    return EXIT_USAGE;
}

int cs_cli_parse_int(const char *text, long lo, long hi, long *out)
{
    char *end;
    if (!text || !*text)
        return -1;
    errno = 0;
    long n = strtol(text, &end, 10);
    if (*end || errno || n < lo || n > hi)
        return -1;
    *out = n;
    return 0;
}

int cs_cli_output_option(int argc, char **argv, int *i, const char **dir)
{
    const char *a = argv[*i];
    if (strcmp(a, "-o") != 0 && strcmp(a, "--output") != 0)
        return 0;
    if (*i + 1 >= argc) {
        cs_cli_usage_error("%s needs a directory", a);
        return -1;
    }
    *dir = argv[++*i];
    return 1;
}

char *cs_cli_join(const char *dir, const char *name)
{
    char *p = malloc(strlen(dir) + strlen(name) + 2);
    if (p)
        sprintf(p, "%s/%s", dir, name);
    return p;
}

double cs_cli_now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
