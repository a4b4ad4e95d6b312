/*
** The options of the commands that read an experiment (run, exact, explain, optimize): -o,
** --set, -j, --seed, --shard, -q, --no-plot, --trace; and the experiment they load.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"

/* Where the shipped experiments are: experiments/ in a clone of the repository, else the
** installed PREFIX/share/callscale/experiments beside this program's PREFIX/bin (what hints name). */
static const char *experiments_dir(void)
{
    static char dir[CS_PATH_MAX];
    struct stat st;
    if (dir[0])
        return dir;
    snprintf(dir, sizeof dir, "experiments");
    if (stat("experiments/chen2024_two_level.ini", &st) == 0)
        return dir;
    char exe[CS_PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
    if (n <= 0)
        return dir;
    exe[n] = '\0';
    /* PREFIX/bin/callscale -> PREFIX */
    for (int up = 0; up < 2; up++) {
        char *slash = strrchr(exe, '/');
        if (!slash)
            return dir;
        *slash = '\0';
    }
    char installed[CS_PATH_MAX + 64];
    snprintf(installed, sizeof installed, "%s/share/callscale/experiments", exe);
    size_t len = strlen(installed);
    if (stat(installed, &st) == 0 && S_ISDIR(st.st_mode) && len < sizeof dir)
        memcpy(dir, installed, len + 1);
    return dir;
}

static int parse_options(int argc, char **argv, cs_cli_options *o, int takes)
{
    memset(o, 0, sizeof *o);
    o->sets = calloc((size_t)argc + 1, sizeof *o->sets);
    if (!o->sets)
        return cs_cli_usage_error("%s", "out of memory");
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i];
        const char *val = (i + 1 < argc) ? argv[i + 1] : NULL;
        int out = cs_cli_output_option(argc, argv, &i, &o->outdir);
        if (out < 0)
            return EXIT_USAGE;
        if (out)
            continue;
        if (strcmp(a, "--set") == 0) {
            if (!val)
                return cs_cli_usage_error("%s needs SECTION.KEY=VALUE", a);
            o->sets[o->nsets++] = val;
            i++;
        } else if (strncmp(a, "--set=", 6) == 0) {
            o->sets[o->nsets++] = a + 6;
        } else if (takes >= CS_CLI_THREADS &&
                   (strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0 ||
                    (strncmp(a, "-j", 2) == 0 && a[2]))) {
            const char *num = a[1] == 'j' && a[2] ? a + 2 : val; /* -j4 or -j 4 */
            long n;
            if (cs_cli_parse_int(num, 1, 1024, &n))
                return cs_cli_usage_error("-j needs a number of threads in [1, 1024], not '%s'",
                                          num ? num : "");
            o->threads = (int)n;
            if (num == val)
                i++;
        } else if (takes >= CS_CLI_THREADS && strcmp(a, "--seed") == 0) {
            if (!val)
                return cs_cli_usage_error("%s needs a number", a);
            o->seed = val;
            i++;
        } else if (takes >= CS_CLI_SHARDS && strcmp(a, "--shard") == 0) {
            if (!val)
                return cs_cli_usage_error("%s needs I/N (shard I, from 0, of N)", a);
            o->shard = val;
            i++;
        } else if (strcmp(a, "--shard") == 0) {
            return cs_cli_usage_error("%s: only run splits into shards (see README.md, Beyond "
                                      "one machine)", a);
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            o->quiet = 1;
        } else if (strcmp(a, "--no-plot") == 0) {
            o->no_plot = 1;
        } else if (takes >= CS_CLI_THREADS && strcmp(a, "--trace") == 0) {
            o->trace = 1;
        } else if (a[0] == '-' && a[1]) {
            return cs_cli_usage_error("unknown option '%s'", a);
        } else if (!o->experiment) {
            o->experiment = a;
        } else {
            return cs_cli_usage_error("unexpected argument '%s'", a);
        }
    }
    if (!o->experiment) {
        char hint[CS_PATH_MAX + 96];
        snprintf(hint, sizeof hint, "an experiment file is needed (e.g. %s/chen2024_two_level.ini)",
                 experiments_dir());
        return cs_cli_usage_error("%s", hint);
    }
    return 0;
}

static int load(const cs_cli_options *o, cs_experiment *ex)
{
    cs_error err;
    size_t n = o->nsets;
    char *seedset = NULL;
    if (o->seed) {
        static const char key[] = "experiment.seed=";
        seedset = malloc(sizeof key + strlen(o->seed));
        if (!seedset)
            return cs_cli_usage_error("%s", "out of memory");
        sprintf(seedset, "%s%s", key, o->seed);
        o->sets[n++] = seedset;
    }
    int rc = cs_experiment_load(ex, o->experiment, o->sets, n, &err);
    free(seedset);
    /* experiments/NAME.ini outside the repository: say where the installed ones are */
    const char *base = strrchr(o->experiment, '/');
    base = base ? base + 1 : o->experiment;
    if (rc == CS_ERR_IO && strncmp(err.msg, "cannot open", 11) == 0 &&
        strcmp(experiments_dir(), "experiments") != 0) {
        char there[CS_PATH_MAX + CS_PATH_MAX];
        struct stat st;
        snprintf(there, sizeof there, "%s/%s", experiments_dir(), base);
        if (stat(there, &st) == 0) {
            size_t len = strlen(err.msg);
            snprintf(err.msg + len, sizeof err.msg - len, " (the shipped one is %.2000s)", there);
        }
    }
    return rc ? cs_cli_error(&err) : 0;
}

int cs_cli_open_experiment(int argc, char **argv, int takes, cs_cli_options *o,
                           cs_experiment *ex)
{
    int rc = parse_options(argc, argv, o, takes);
    if (!rc)
        rc = load(o, ex);
    if (rc)
        free(o->sets);
    return rc;
}

