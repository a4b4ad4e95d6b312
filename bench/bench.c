/*
** make bench: callscale's throughput as ratios measured in one run — to a bare PCG32 loop, between
** thread counts, between budgets 2^20 and 2^10, and to the vectorised numpy a user would write.
** Each time is the best of a few repetitions, since a shared machine only ever adds time.
*/
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <gsl/gsl_errno.h>
#include "callscale/experiment.h"
#include "callscale/rng.h"
#include "callscale/sweep.h"

static double now(void)
{
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

static int reps = 3;

/* Draws per second of a bare PCG32 loop of n draws, the floor under every simulated call. */
static double pcg_rate(long n)
{
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        cs_pcg32 g;
        cs_pcg32_seed(&g, 42, 54);
        uint32_t acc = 0;
        double t = now();
        for (long i = 0; i < n; i++)
            acc += cs_pcg32_next(&g);
        t = now() - t;
        if (acc == 1) /* keeps the loop from being optimised away */
            puts("");
        best = t < best ? t : best;
    }
    return (double)n / best;
}

static void load(cs_experiment *ex, const char *text, const char *const *sets, size_t nsets)
{
    cs_error err;
    int rc = cs_experiment_load_text(ex, "bench.ini", text, strlen(text), sets, nsets, &err);
    if (rc) {
        fprintf(stderr, "bench: %s:%d: %s\n", err.file, err.line, err.msg);
        exit(1);
    }
}

/* Best wall time of a sweep, and the calls it simulated (all queries, at the largest budget). */
static double timed(const cs_experiment *ex, int threads, double *calls)
{
    double best = 1e30;
    cs_results r;
    cs_error err;
    if (cs_results_init(&r, ex))
        exit(1);
    for (int k = 0; k < reps; k++) {
        double t = now();
        if (cs_sweep_run(ex, threads, NULL, NULL, &r, &err)) {
            fprintf(stderr, "bench: %s\n", err.msg);
            exit(1);
        }
        t = now() - t;
        best = t < best ? t : best;
    }
    const cs_cell *c = cs_results_cell(&r, 0, ex->nbudgets - 1, 0);
    *calls = c->calls;
    cs_results_free(&r);
    return best;
}

/* The tree searches' common experiment: open answers, 8 steps, a PRM with rare traps. */
#define TREE_ROW                                                                                   \
    "[experiment]\nqueries = 2000\nbudgets = 4,16,64\nanswers = open\n"                           \
    "[population.q]\np_correct = beta(0.6,1.2)\n[steps]\nsteps = 8\n[prm]\ntrap = 3e-4\n"

typedef struct row {
    const char *name, *text;
} row;

static const row rows[] = {
    {"vote, per-sample path (4 answers, p = 0.3: never settles)",
     "[experiment]\nqueries = 50000\nbudgets = 1..1024 x2\nanswers = 4\nsampler = per_sample\n"
     "[population.q]\np_correct = 0.3\n[strategy.vote]\n"},
    {"vote, auto (4 answers, p ~ Beta(2,2))",
     "[experiment]\nqueries = 50000\nbudgets = 1..1024 x2\nanswers = 4\n"
     "[population.q]\np_correct = beta(2,2)\n[strategy.vote]\n"},
    {"filter_vote, auto (same population)",
     "[experiment]\nqueries = 50000\nbudgets = 1..1024 x2\nanswers = 4\n"
     "[population.q]\np_correct = beta(2,2)\n[strategy.filter_vote]\n"},
    {"best_of_n, auto (same, answer noise 0.5)",
     "[experiment]\nqueries = 50000\nbudgets = 1..1024 x2\nanswers = 4\n"
     "[population.q]\np_correct = beta(2,2)\n[strategy.best_of_n]\n"},
    {"beam M=4, 8 steps (calls: steps + PRM scores)",
     TREE_ROW "[strategy.beam]\n"},
    {"beam M=4, lookahead 3 (same)", TREE_ROW "[strategy.beam]\nlookahead = 3\n"},
    {"dvts M=4 (same)", TREE_ROW "[strategy.dvts]\n"},
    {"rebase T=0.2 (same)", TREE_ROW "[strategy.rebase]\n"},
    {"mcts expand=4 (same)", TREE_ROW "[strategy.mcts]\n"},
};

/* Seconds numpy takes for bench/numpy_vote.py KIND N KMAX, or a negative number without numpy. */
static double numpy_seconds(const char *kind, const char *n, const char *kmax)
{
    /* Debian's python3-numpy belongs to /usr/bin/python3, which may not be first on the PATH */
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char cmd[256];
    snprintf(cmd, sizeof cmd, "%s bench/numpy_vote.py %s %s %s 2>/dev/null", py, kind, n, kmax);
    double best = -1;
    for (int r = 0; r < reps; r++) {
        FILE *p = popen(cmd, "r");
        if (!p)
            return -1;
        char name[32];
        double t;
        int ok = fscanf(p, "%31s %lf", name, &t) == 2;
        while (fgetc(p) != EOF) /* read the rest, or python dies of a broken pipe */
            ;
        if (pclose(p) != 0 || !ok)
            return -1;
        best = best < 0 || t < best ? t : best;
    }
    return best;
}

/* Peak resident memory of a child process that simulates `queries` queries. */
static long peak_kb(const char *queries)
{
    pid_t pid = fork();
    if (pid == 0) {
        const char *sets[1];
        char set[64];
        snprintf(set, sizeof set, "experiment.queries=%s", queries);
        sets[0] = set;
        cs_experiment ex;
        load(&ex, "[experiment]\nbudgets = 1,2,4\nanswers = 4\n"
                  "[population.q]\np_correct = beta(2,2)\n[strategy.vote]\n", sets, 1);
        double calls;
        reps = 1;
        timed(&ex, 0, &calls);
        _exit(0);
    }
    int status;
    struct rusage ru;
    if (pid < 0 || wait4(pid, &status, 0, &ru) < 0 || !WIFEXITED(status))
        return -1;
    return ru.ru_maxrss;
}

int main(int argc, char **argv)
{
    gsl_set_error_handler_off();
    const char *big = "1e6", *mem = "1e8";
    for (int i = 1; i < argc; i++)
        if (strcmp(argv[i], "--quick") == 0) {
            big = "2e5";
            mem = "1e7";
            reps = 1;
        }
    double pcg = pcg_rate(400000000);
    printf("callscale bench (best of %d; %ld cores online)\n\n", reps, sysconf(_SC_NPROCESSORS_ONLN));
    printf("bare PCG32 loop: %.3g draws/s\n", pcg);
    printf("(each row's ratio to a PCG32 loop timed just before the row: a shared machine's speed\n"
           "drifts between rows)\n\n");
    printf("%-52s %14s %9s %9s\n", "experiment", "calls/s/thread", "vs PCG32", "2 threads");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
        /* ten times the queries of the rows' own size, so that starting threads is a small
        ** part of the time being compared */
        cs_experiment ex;
        load(&ex, rows[i].text, NULL, 0);
        char set[64];
        snprintf(set, sizeof set, "experiment.queries=%llu", 10 * (unsigned long long)ex.queries);
        const char *sets[1] = {set};
        cs_experiment_free(&ex);
        load(&ex, rows[i].text, sets, 1);
        double beside = pcg_rate(100000000);
        double calls, t1 = timed(&ex, 1, &calls), c2, t2 = timed(&ex, 2, &c2);
        double rate = calls / t1;
        printf("%-52s %14.3g %8.2fx %8.2fx\n", rows[i].name, rate, rate / beside, t1 / t2);
        cs_experiment_free(&ex);
    }

    printf("\ncost independent of K (20,000 queries, budgets 1..2^k x2, one thread):\n");
    const char *kx[2] = {"vote", "best_of_n"};
    for (int i = 0; i < 2; i++) {
        char text[256];
        snprintf(text, sizeof text, "[experiment]\nqueries = 20000\nanswers = 4\n"
                 "[population.q]\np_correct = beta(2,2)\n[strategy.%s]\n", kx[i]);
        const char *s10[1] = {"experiment.budgets=1..1024 x2"};
        const char *s20[1] = {"experiment.budgets=1..1048576 x2"};
        cs_experiment a, b;
        load(&a, text, s10, 1);
        load(&b, text, s20, 1);
        double c, ta = timed(&a, 1, &c), tb = timed(&b, 1, &c);
        printf("  %-10s K = 2^10 %.3f s, K = 2^20 %.3f s: ratio %.2f\n", kx[i], ta, tb, tb / ta);
        cs_experiment_free(&a);
        cs_experiment_free(&b);
    }

    printf("\nagainst vectorised numpy (bench/numpy_vote.py, same population, same budgets):\n");
    double np1 = numpy_seconds("per_sample", "50000", "1024");
    double np2 = numpy_seconds("multinomial", big, "1048576");
    if (np1 < 0 || np2 < 0) {
        printf("  numpy is not installed for python3: apt-get install python3-numpy to compare\n");
    } else {
        cs_experiment a, b;
        load(&a, rows[1].text, NULL, 0);
        char set[64];
        snprintf(set, sizeof set, "experiment.queries=%s", big);
        const char *sets[2] = {set, "experiment.budgets=1..1048576 x2"};
        load(&b, rows[1].text, sets, 2);
        double c, ta1 = timed(&a, 1, &c), ta2 = timed(&a, 0, &c);
        double tb1 = timed(&b, 1, &c), tb2 = timed(&b, 0, &c);
        printf("  vote, 50,000 queries, K to 1024:   numpy per-sample %.3f s; callscale %.3f s "
               "(1 thread) %.3f s (all cores): %.1fx, %.1fx\n", np1, ta1, ta2, np1 / ta1, np1 / ta2);
        printf("  vote, %s queries, K to 2^20:   numpy multinomial %.3f s; callscale %.3f s "
               "(1 thread) %.3f s (all cores): %.1fx, %.1fx\n", big, np2, tb1, tb2, np2 / tb1,
               np2 / tb2);
        cs_experiment_free(&a);
        cs_experiment_free(&b);
    }

    long kb = peak_kb(mem);
    printf("\npeak memory, vote over %s queries (budgets 1,2,4): %.1f MB\n", mem, (double)kb / 1024);
    return 0;
}
