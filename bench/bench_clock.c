/*
** make bench, the clock's rows: events per second on the M/M/c of experiments/queueing.ini against
** the same model in SimPy (when python3-simpy is installed) and in a bare binary-heap event loop
** in C; and roofline runs whose calls write 100 or 100,000 tokens, which should cost the same.
** All three sides simulate the same QUERIES queries and count an arrival and a departure per
** query; times are CPU seconds, the best of a few repetitions on each side (SimPy's inside its
** one Python process, start-up and imports left out); the clock and the bare loop take turns, so
** both see the same load on a shared machine.
*/
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include "callscale/latency.h"
#include "callscale/rng.h"

static double cpu(void)
{
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}

#define REPS 9 /* the C sides take a tenth of a second: the best of many rides out a busy machine */
#define SIMPY_REPS 3 /* each run takes seconds */
#define QUERIES 200000
#define MMC_EXPERIMENT "experiments/queueing.ini"
#define LAMBDA 3.2
#define SERVERS 4

static void load(cs_experiment *ex, const char *text)
{
    cs_error err;
    int rc = cs_experiment_load_text(ex, "bench-clock.ini", text, strlen(text), NULL, 0, &err);
    if (rc) {
        fprintf(stderr, "bench: %s:%d: %s\n", err.file, err.line, err.msg);
        exit(1);
    }
}

/* CPU seconds of one run of the experiment's first cell; *wait its mean wait. */
static double clock_once(const cs_experiment *ex, double *wait)
{
    cs_clock_cell c;
    cs_error err;
    double t = cpu();
    if (cs_clock_cell_run(ex, &ex->serving, 0, 0, NULL, 0, 0, &c, &err)) {
        fprintf(stderr, "bench: %s\n", err.msg);
        exit(1);
    }
    t = cpu() - t;
    cs_latency_row row;
    cs_latency_summarize(ex, &c, 0, 0, &row);
    *wait = row.wait_mean;
    cs_clock_cell_free(&c);
    return t;
}

/* ---- the bare loop: M/M/c with a binary heap of events and a FIFO of waiting arrivals ------- */

typedef struct ev {
    double t;
    int departure;
} ev;

static void push(ev *h, size_t *n, ev e)
{
    size_t i = (*n)++;
    while (i && e.t < h[(i - 1) / 2].t) {
        h[i] = h[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    h[i] = e;
}

static ev pop(ev *h, size_t *n)
{
    ev top = h[0], last = h[--*n];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= *n)
            break;
        if (c + 1 < *n && h[c + 1].t < h[c].t)
            c++;
        if (h[c].t >= last.t)
            break;
        h[i] = h[c];
        i = c;
    }
    if (*n)
        h[i] = last;
    return top;
}

static double expo(cs_pcg32 *g, double mean)
{
    return -mean * log1p(-cs_pcg32_uniform53(g));
}

/* CPU seconds of one run of the bare loop over QUERIES queries; *wait its mean wait. */
static double bare_once(double *wait)
{
    ev *h = malloc((SERVERS + 2) * sizeof *h);
    double *fifo = malloc(QUERIES * sizeof *fifo); /* arrival times of the waiting */
    if (!h || !fifo) {
        perror("bench");
        exit(1);
    }
    size_t nh = 0, head = 0, tail = 0, busy = 0, arrived = 0;
    double wsum = 0;
    cs_pcg32 g;
    cs_pcg32_seed(&g, 7, 11);
    double t0 = cpu();
    push(h, &nh, (ev){expo(&g, 1 / LAMBDA), 0});
    while (nh) {
        ev e = pop(h, &nh);
        if (!e.departure) {
            arrived++;
            if (busy < SERVERS) {
                busy++;
                push(h, &nh, (ev){e.t + expo(&g, 1), 1});
            } else {
                fifo[tail++] = e.t;
            }
            if (arrived < QUERIES)
                push(h, &nh, (ev){e.t + expo(&g, 1 / LAMBDA), 0});
        } else if (head < tail) {
            wsum += e.t - fifo[head++];
            push(h, &nh, (ev){e.t + expo(&g, 1), 1});
        } else {
            busy--;
        }
    }
    double t = cpu() - t0;
    *wait = wsum / QUERIES;
    free(h);
    free(fifo);
    return t;
}

/* SimPy's CPU seconds for n queries, the best of reps runs (bench/simpy_mmc.py), or a negative
** number without it. */
static double simpy_seconds(int n, int reps, double *wait)
{
    const char *py = access("/usr/bin/python3", X_OK) == 0 ? "/usr/bin/python3" : "python3";
    char cmd[512];
    snprintf(cmd, sizeof cmd, "%s bench/simpy_mmc.py %d %d 2>/dev/null", py, n, reps);
    FILE *p = popen(cmd, "r");
    double t = -1;
    if (!p)
        return -1;
    if (fscanf(p, "%lf %lf", &t, wait) != 2)
        t = -1;
    if (pclose(p) != 0)
        t = -1;
    return t;
}

int main(void)
{
    /* the shipped experiment itself, at QUERIES queries */
    char set[64];
    snprintf(set, sizeof set, "experiment.queries=%d", QUERIES);
    const char *const overrides[] = {set};
    cs_experiment mmc;
    cs_error err;
    if (cs_experiment_load(&mmc, MMC_EXPERIMENT, overrides, 1, &err)) {
        fprintf(stderr, "bench: %s:%d: %s\n", err.file, err.line, err.msg);
        return 1;
    }
    double wc = 0, wb = 0, ws = 0, tc = INFINITY, tb = INFINITY;
    for (int r = 0; r < REPS; r++) { /* in turns: the same load on both */
        double t = clock_once(&mmc, &wc);
        tc = t < tc ? t : tc;
        t = bare_once(&wb);
        tb = t < tb ? t : tb;
    }
    cs_experiment_free(&mmc);
    double events = 2.0 * QUERIES; /* an arrival and a departure per query, on every side */
    printf("\nthe clock on M/M/%d (%s: lambda %g/s, S = 1 s; Erlang C wait 0.7455 s), %d "
           "queries, CPU seconds, best of %d:\n", SERVERS, MMC_EXPERIMENT, LAMBDA, QUERIES, REPS);
    printf("  callscale clock   %.3f s  %.3g events/s  (mean wait %.4f s; the query's strategy "
           "draws included)\n", tc, events / tc, wc);
    printf("  bare heap loop C  %.3f s  %.3g events/s  (mean wait %.4f s): the clock runs at %.0f%% "
           "of it\n", tb, events / tb, wb, 100 * tb / tc);
    double tsp = simpy_seconds(QUERIES, SIMPY_REPS, &ws);
    if (tsp < 0)
        printf("  SimPy: python3-simpy is not installed (apt-get install python3-simpy to compare)\n");
    else
        printf("  SimPy 2 (python3) %.3f s  %.3g events/s  (mean wait %.4f s, best of %d): the clock "
               "is %.0fx faster, the bare loop %.0fx\n", tsp, events / tsp, ws, SIMPY_REPS,
               tsp / tc, tsp / tb);

    /* The same calls writing 100 or 100,000 tokens: one decode span per event, so the same cost;
    ** the two take turns, as above. */
    char text[1024];
    const char *roof = "[experiment]\nqueries = 100000\nbudgets = 4\n[generator]\ntokens = %s\n"
                       "[strategy.vote]\n[serving]\nreplicas = 2\ngpu = h100\nparams = 1e9\n"
                       "kv_bytes_per_token = 16384\n[arrivals]\nconcurrency = 16\nwarmup = 0\n";
    cs_experiment short_calls, long_calls;
    snprintf(text, sizeof text, roof, "100");
    load(&short_calls, text);
    snprintf(text, sizeof text, roof, "100000");
    load(&long_calls, text);
    double w, t100 = INFINITY, t1e5 = INFINITY;
    for (int r = 0; r < REPS; r++) {
        double t = clock_once(&short_calls, &w);
        t100 = t < t100 ? t : t100;
        t = clock_once(&long_calls, &w);
        t1e5 = t < t1e5 ? t : t1e5;
    }
    cs_experiment_free(&short_calls);
    cs_experiment_free(&long_calls);
    printf("\nroofline, 100,000 queries of 4 calls, 16 users: 100 tokens a call %.3f s, 100,000 "
           "tokens %.3f s: ratio %.2f\n", t100, t1e5, t1e5 / t100);
    return 0;
}
