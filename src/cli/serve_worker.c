/*
** A computation of the server in a process of its own (`callscale serve --worker`, spawned anew,
** not forked from the threaded server): killed past its time limit, limited in memory, and
** whatever it does, a crash included, the server only sees an answer or an error object.
*/
#define _GNU_SOURCE /* pipe2: pipes that no other worker spawned meanwhile inherits */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "callscale/experiment.h"
#include "serve.h"

extern char **environ;

enum { HTTP_INTERNAL = 500, HTTP_UNAVAILABLE = 503 };

/* The answer the server reads is at most this large: a safety net behind --max-rows. */
#define MAX_ANSWER_BYTES (256u << 20)
/* The first line of a request to a worker; the version guards against a stale binary. */
#define WORKER_MAGIC "callscale-worker 1"
#define MAX_NAME_BYTES 4096
/* The program spawns itself: /proc/self/exe is the running binary even if the file was
** replaced since. */
#define SELF "/proc/self/exe"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);
        if (w < 0 && errno == EINTR)
            continue;
        if (w <= 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

/* ---- the worker's side ------------------------------------------------------------------------ */

static char *read_exact(FILE *f, size_t n)
{
    char *buf = malloc(n + 1);
    if (buf && fread(buf, 1, n, f) != n) {
        free(buf);
        return NULL;
    }
    if (buf)
        buf[n] = '\0';
    return buf;
}

int serve_worker_main(void)
{
    char line[512];
    serve_limits lim;
    memset(&lim, 0, sizeof lim);
    int monte_carlo, json;
    unsigned long long max_queries;
    size_t nname, nbase, nbody;
    if (!fgets(line, sizeof line, stdin) || strncmp(line, WORKER_MAGIC " ", sizeof WORKER_MAGIC) ||
        sscanf(line + sizeof WORKER_MAGIC, "%d %d %llu %zu %zu %lg %zu %zu %zu %zu", &monte_carlo,
               &json, &max_queries, &lim.max_budget, &lim.max_rows, &lim.timeout, &lim.max_memory,
               &nname, &nbase, &nbody) != 10 ||
        nname > MAX_NAME_BYTES || nbase > CS_EXPERIMENT_MAX_BYTES || nbody > CS_EXPERIMENT_MAX_BYTES)
        return 2; /* not a request from the server */
    lim.max_queries = max_queries;
    struct rlimit cpu = {(rlim_t)ceil(lim.timeout) + 1, (rlim_t)ceil(lim.timeout) + 2};
    setrlimit(RLIMIT_CPU, &cpu); /* a second guard behind the server's clock */
#ifndef __SANITIZE_ADDRESS__
    /* (AddressSanitizer reserves terabytes of address space, so no limit under it) */
    struct rlimit as = {(rlim_t)lim.max_memory, (rlim_t)lim.max_memory};
    setrlimit(RLIMIT_AS, &as);
#endif
    char *name = read_exact(stdin, nname), *base = read_exact(stdin, nbase);
    char *body = read_exact(stdin, nbody);
    if (!name || !base || !body)
        return 3;
    serve_request rq = {body, nbody, json, monte_carlo, name, base, nbase, &lim};
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    if (!out)
        return 3;
    /* from here on, nothing a request names can reach the file system */
    int status = HTTP_INTERNAL;
    if (serve_sandbox_enter())
        serve_api_error(out, "the computation cannot be isolated (the kernel refused its "
                             "seccomp filter)");
    else
        status = serve_api_answer(&rq, out);
    if (fclose(out))
        _exit(3);
    char head[16];
    int h = snprintf(head, sizeof head, "%d\n", status);
    int bad = write_all(1, head, (size_t)h) || write_all(1, buf, n);
    free(buf);
    free(name);
    free(base);
    free(body);
    /* _exit: nothing is left to flush, and what runs at exit may need files the sandbox forbids
    ** (LeakSanitizer reads /proc; tests/test_serve.c checks the API for leaks outside it) */
    _exit(bad ? 4 : 0);
}

/* ---- the server's side ------------------------------------------------------------------------ */

static int error_answer(int status, const char *msg, char **body, size_t *len)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, len);
    if (!f)
        return status;
    serve_api_error(f, msg);
    fclose(f);
    *body = buf;
    return status;
}

/* Start `callscale serve --worker` with its standard input and output on two new pipes. */
static int spawn(pid_t *pid, int *to, int *from)
{
    int in[2], out[2];
    if (pipe2(in, O_CLOEXEC))
        return -1;
    if (pipe2(out, O_CLOEXEC)) {
        close(in[0]);
        close(in[1]);
        return -1;
    }
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t at;
    sigset_t none, dfl;
    sigemptyset(&none);
    sigemptyset(&dfl);
    sigaddset(&dfl, SIGPIPE); /* the server ignores it; a worker whose reader is gone just ends */
    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, in[0], 0);
    posix_spawn_file_actions_adddup2(&fa, out[1], 1);
    posix_spawnattr_init(&at);
    posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
    posix_spawnattr_setsigmask(&at, &none);
    posix_spawnattr_setsigdefault(&at, &dfl);
    char *argv[] = {"callscale", "serve", "--worker", NULL};
    int rc = posix_spawn(pid, SELF, &fa, &at, argv, environ);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&at);
    close(in[0]);
    close(out[1]);
    if (rc) {
        close(in[1]);
        close(out[0]);
        return -1;
    }
    fcntl(in[1], F_SETFL, O_NONBLOCK);
    *to = in[1];
    *from = out[0];
    return 0;
}

int serve_worker_run(const serve_request *rq, char **body, size_t *len)
{
    const serve_limits *lim = rq->lim;
    *body = NULL;
    *len = 0;
    char head[256];
    size_t nname = strlen(rq->base_name);
    snprintf(head, sizeof head, WORKER_MAGIC " %d %d %llu %zu %zu %.17g %zu %zu %zu %zu\n",
             rq->monte_carlo, rq->json, (unsigned long long)lim->max_queries, lim->max_budget,
             lim->max_rows, lim->timeout, lim->max_memory, nname, rq->base_len, rq->len);
    /* what the worker reads, in order */
    const char *part[4] = {head, rq->base_name, rq->base_text, rq->body};
    size_t left[4] = {strlen(head), nname, rq->base_len, rq->len};
    int cur = 0;
    pid_t pid;
    int to, from;
    if (spawn(&pid, &to, &from))
        return error_answer(HTTP_UNAVAILABLE, "cannot start a computation", body, len);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    double deadline = now() + lim->timeout;
    int timed_out = 0, too_big = 0;
    while (buf) {
        while (cur < 4 && !left[cur])
            cur++;
        if (cur == 4 && to >= 0) {
            close(to); /* all written: the worker sees the end of its input */
            to = -1;
        }
        double wait = deadline - now();
        if (wait <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd p[2] = {{from, POLLIN, 0}, {to, POLLOUT, 0}};
        int r = poll(p, to >= 0 ? 2 : 1, (int)ceil(wait * 1000));
        if (r < 0 && errno != EINTR)
            break;
        if (r <= 0)
            continue; /* the clock decides on the next turn */
        if (to >= 0 && (p[1].revents & (POLLOUT | POLLERR | POLLHUP))) {
            ssize_t w = write(to, part[cur], left[cur]);
            if (w > 0) {
                part[cur] += w;
                left[cur] -= (size_t)w;
            } else if (w < 0 && errno != EAGAIN && errno != EINTR) {
                close(to); /* the worker stopped reading: its answer says why */
                to = -1;
                cur = 4;
            }
        }
        if (!(p[0].revents & (POLLIN | POLLERR | POLLHUP)))
            continue;
        if (n == cap) {
            char *b = cap < MAX_ANSWER_BYTES ? realloc(buf, 2 * cap) : NULL;
            if (!b) {
                too_big = 1;
                break;
            }
            buf = b;
            cap *= 2;
        }
        ssize_t got = read(from, buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    if (to >= 0)
        close(to);
    close(from);
    if (timed_out || too_big || !buf)
        kill(pid, SIGKILL);
    int ws = 0;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    char msg[200];
    int status = 0;
    char *nl = buf && !timed_out && !too_big ? memchr(buf, '\n', n) : NULL;
    if (nl && WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
        status = atoi(buf);
    if (status >= 200 && status < 600) {
        size_t h = (size_t)(nl + 1 - buf);
        memmove(buf, nl + 1, n - h);
        *body = buf;
        *len = n - h;
        return status;
    }
    free(buf);
    if (timed_out || (WIFSIGNALED(ws) && WTERMSIG(ws) == SIGXCPU)) {
        snprintf(msg, sizeof msg, "the computation took longer than this server's limit of %g s "
                 "(serve --timeout); ask for fewer queries or budgets", lim->timeout);
        return error_answer(HTTP_UNAVAILABLE, msg, body, len);
    }
    if (too_big)
        return error_answer(HTTP_INTERNAL, "the answer is too large", body, len);
    if (WIFSIGNALED(ws))
        snprintf(msg, sizeof msg, "the computation failed (signal %d; memory limit %zu MiB, serve "
                 "--max-memory)", WTERMSIG(ws), lim->max_memory >> 20);
    else
        snprintf(msg, sizeof msg, "the computation failed (exit status %d)",
                 WIFEXITED(ws) ? WEXITSTATUS(ws) : -1);
    return error_answer(HTTP_INTERNAL, msg, body, len);
}
