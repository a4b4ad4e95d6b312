/*
** The thread pool: every task run once, workers at once, the lowest failing task's error for any
** thread count, and threads the system refuses reported as such by the sweep, the planner, the
** clock and the SLO search (provoked with RLIMIT_NPROC in a forked child).
*/
#include <errno.h>
#include <pthread.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "callscale/clock.h"
#include "callscale/optimize.h"
#include "callscale/pool.h"
#include "callscale/results.h"
#include "callscale/slo.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"

enum { NTASKS = 1000, MAXW = 8 };

typedef struct visits {
    int ran[NTASKS];
    size_t worker[NTASKS];
    uint64_t fail_a, fail_b; /* tasks that fail (NTASKS: none) */
} visits;

static int visit(void *ctx, size_t worker, uint64_t task, cs_error *err)
{
    visits *v = ctx;
    v->ran[task]++; /* each task is run by one worker only, so no two write one slot */
    v->worker[task] = worker;
    if (task == v->fail_a || task == v->fail_b)
        return cs_error_set(err, CS_ERR_INPUT, "task", (int)task, "task %llu failed",
                            (unsigned long long)task);
    return 0;
}

/* Each task once, by a worker in range, for one worker and for several. */
START_TEST(for_runs_every_task_once)
{
    for (size_t w = 1; w <= MAXW; w++) {
        static visits v;
        memset(&v, 0, sizeof v);
        v.fail_a = v.fail_b = NTASKS;
        cs_error err;
        ck_assert_int_eq(cs_pool_for(NTASKS, w, visit, &v, "x", &err), 0);
        for (size_t i = 0; i < NTASKS; i++) {
            ck_assert_int_eq(v.ran[i], 1);
            ck_assert_uint_lt(v.worker[i], w);
        }
    }
    cs_error err;
    ck_assert_int_eq(cs_pool_for(0, 3, visit, NULL, "x", &err), 0); /* no task: nothing run */
}
END_TEST

/* Tasks 300 and 700 fail: the error is task 300's whatever the thread count; with one worker,
** in order, nothing after 300 begins. */
START_TEST(for_keeps_the_lowest_failure)
{
    for (size_t w = 1; w <= MAXW; w++) {
        static visits v;
        memset(&v, 0, sizeof v);
        v.fail_a = 700;
        v.fail_b = 300;
        cs_error err;
        ck_assert_int_eq(cs_pool_for(NTASKS, w, visit, &v, "x", &err), CS_ERR_INPUT);
        ck_assert_str_eq(err.msg, "task 300 failed");
        ck_assert_int_eq(err.line, 300);
        for (size_t i = 0; i <= 300; i++)
            ck_assert_int_eq(v.ran[i], 1);
        if (w == 1)
            for (size_t i = 301; i < NTASKS; i++)
                ck_assert_int_eq(v.ran[i], 0);
    }
}
END_TEST

/* Workers of cs_pool_run run at the same time: each waits (up to 10 s) for all to arrive, which
** workers run one after another would never see. */
typedef struct meeting {
    pthread_mutex_t lock;
    pthread_cond_t cond;
    size_t arrived, n, met, seen[MAXW];
} meeting;

static void meet(void *ctx, size_t worker)
{
    meeting *m = ctx;
    struct timespec until;
    clock_gettime(CLOCK_REALTIME, &until);
    until.tv_sec += 10;
    pthread_mutex_lock(&m->lock);
    m->seen[worker]++;
    m->arrived++;
    pthread_cond_broadcast(&m->cond);
    while (m->arrived < m->n && pthread_cond_timedwait(&m->cond, &m->lock, &until) == 0)
        ;
    m->met += m->arrived == m->n;
    pthread_mutex_unlock(&m->lock);
}

START_TEST(run_starts_workers_together)
{
    for (size_t w = 1; w <= MAXW; w++) {
        meeting m = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, w, 0, {0}};
        cs_error err;
        ck_assert_int_eq(cs_pool_run(w, meet, &m, "x", &err), 0);
        ck_assert_uint_eq(m.met, w);
        for (size_t t = 0; t < w; t++)
            ck_assert_uint_eq(m.seen[t], 1);
    }
}
END_TEST

START_TEST(threads_for_n_tasks)
{
    ck_assert_int_eq(cs_pool_threads(3, 10), 3);
    ck_assert_int_eq(cs_pool_threads(30, 10), 10);
    ck_assert_int_eq(cs_pool_threads(3, 0), 0);
    long cpus = sysconf(_SC_NPROCESSORS_ONLN);
    ck_assert_int_eq(cs_pool_threads(0, 1000), cpus > 0 ? (int)cpus : 1);
    ck_assert_int_eq(cs_pool_threads(-1, 1), 1);
}
END_TEST

/* ---- threads the system refuses ------------------------------------------------------------ */

/* In a forked child: no more processes (threads) for this user than it has, so pthread_create
** fails with EAGAIN. Root is exempt from RLIMIT_NPROC, so root becomes nobody first. Returns 0
** when the limit holds (a thread cannot be started), else why not. */
static const char *refuse_threads(void)
{
    if (getuid() == 0 && setuid(65534) != 0)
        return "cannot become nobody";
    struct rlimit one = {1, 1};
    if (setrlimit(RLIMIT_NPROC, &one) != 0)
        return "cannot set RLIMIT_NPROC";
    return NULL;
}

static void *idle(void *arg)
{
    return arg;
}

/* Run check(ex, threads, err) in a child that may start no thread: with 2 threads it must fail
** naming the threads and EAGAIN's text (not "out of memory"); with 1 it needs no thread and must
** succeed. The child reports through its exit status (it leaves by _exit: the leak checker at exit
** would need a thread of its own). */
typedef int (*runner_fn)(const cs_experiment *ex, int threads, cs_error *err);

static void refused(const cs_experiment *ex, runner_fn run, const char *what)
{
    fflush(NULL);
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0) {
        const char *why = refuse_threads();
        pthread_t t;
        if (why || pthread_create(&t, NULL, idle, NULL) == 0) {
            fprintf(stderr, "pool: %s: RLIMIT_NPROC not enforced here (%s)\n", what,
                    why ? why : "a thread started");
            _exit(3);
        }
        static cs_error err;
        int rc = run(ex, 2, &err);
        char want[256];
        snprintf(want, sizeof want, "cannot start 2 threads: %s", strerror(EAGAIN));
        if (rc != CS_ERR_NOMEM || strcmp(err.msg, want) != 0 || strcmp(err.file, ex->file) != 0) {
            fprintf(stderr, "pool: %s with threads refused: rc %d, %s: %s (wanted \"%s\")\n", what,
                    rc, err.file, err.msg, want);
            _exit(1);
        }
        rc = run(ex, 1, &err);
        if (rc != 0) {
            fprintf(stderr, "pool: %s on one thread: rc %d, %s\n", what, rc, err.msg);
            _exit(2);
        }
        _exit(0);
    }
    int status;
    ck_assert_int_eq(waitpid(pid, &status, 0), pid);
    ck_assert_msg(WIFEXITED(status), "%s: the child died (signal %d)", what, WTERMSIG(status));
    ck_assert_msg(WEXITSTATUS(status) == 0, "%s: the child exited %d (see above)", what,
                  WEXITSTATUS(status));
}

static int sweep(const cs_experiment *ex, int threads, cs_error *err)
{
    cs_results r;
    if (cs_results_init(&r, ex))
        return -1;
    int rc = cs_sweep_run(ex, threads, NULL, NULL, &r, err);
    cs_results_free(&r);
    return rc;
}

static int plan(const cs_experiment *ex, int threads, cs_error *err)
{
    cs_optimize_options opt = {threads, CS_OPTIMIZE_PREDICTOR, -1};
    cs_optimize o;
    int rc = cs_optimize_run(ex, &opt, &o, err);
    if (!rc)
        cs_optimize_free(&o);
    return rc;
}

static int clock_cells(const cs_experiment *ex, int threads, cs_error *err)
{
    cs_clock_result res;
    int rc = cs_clock_run(ex, threads, 0, &res, err);
    if (!rc)
        cs_clock_result_free(&res);
    return rc;
}

static int slo(const cs_experiment *ex, int threads, cs_error *err)
{
    cs_slo s;
    int rc = cs_slo_run(ex, threads, &s, err);
    if (!rc)
        cs_slo_free(&s);
    return rc;
}

/* Enough blocks (CS_SWEEP_BLOCK queries each) and cells for two workers each, and a Poisson rate
** for the capacity search. */
START_TEST(refused_threads_are_reported)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 20000\nbudgets = 1,4\n"
                      "[population.a]\np_correct = 0.6\n[strategy.vote]\n[strategy.best_of_n]\n"
                      "[serving]\nservice = exponential(1)\nmax_num_seqs = 4\n"
                      "[arrivals]\nrate = 0.5\nslo = 20\nwarmup = 0\n");
    refused(&ex, sweep, "the sweep");
    refused(&ex, plan, "the planner");
    refused(&ex, clock_cells, "the clock");
    refused(&ex, slo, "the SLO search");
    cs_experiment_free(&ex);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("pool");
    TCase *tc = tcase_create("pool");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, for_runs_every_task_once);
    tcase_add_test(tc, for_keeps_the_lowest_failure);
    tcase_add_test(tc, run_starts_workers_together);
    tcase_add_test(tc, threads_for_n_tasks);
    tcase_add_test(tc, refused_threads_are_reported);
    suite_add_tcase(s, tc);
    return s;
}
