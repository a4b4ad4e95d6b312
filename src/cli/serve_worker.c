/*
** A computation of the server in a child process: killed past its time limit, limited in memory,
** and whatever it does (a crash included) the server only sees an answer or an error object.
*/
#include <errno.h>
#include <math.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include "serve.h"

enum { HTTP_INTERNAL = 500, HTTP_UNAVAILABLE = 503 };

/* The answer the parent reads is at most this large: a safety net behind --max-rows. */
#define MAX_ANSWER_BYTES (256u << 20)

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

/* The child: limits, the job into memory, then "STATUS\n" and the body down the pipe. */
static void child(serve_job_fn job, const void *arg, const serve_limits *lim, int fd)
{
    struct rlimit cpu = {(rlim_t)ceil(lim->timeout) + 1, (rlim_t)ceil(lim->timeout) + 2};
    setrlimit(RLIMIT_CPU, &cpu); /* a second guard behind the parent's clock */
#ifndef __SANITIZE_ADDRESS__
    /* (AddressSanitizer reserves terabytes of address space, so no limit under it) */
    struct rlimit as = {(rlim_t)lim->max_memory, (rlim_t)lim->max_memory};
    setrlimit(RLIMIT_AS, &as);
#endif
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    if (!out)
        _exit(3);
    int status = job(arg, out);
    if (fclose(out))
        _exit(3);
    char head[16];
    int h = snprintf(head, sizeof head, "%d\n", status);
    if (write_all(fd, head, (size_t)h) || write_all(fd, buf, n))
        _exit(4);
    _exit(0);
}

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

int serve_worker_run(serve_job_fn job, const void *arg, const serve_limits *lim, char **body,
                     size_t *len)
{
    *body = NULL;
    *len = 0;
    int fd[2];
    if (pipe(fd))
        return error_answer(HTTP_UNAVAILABLE, "cannot start a computation (pipe)", body, len);
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return error_answer(HTTP_UNAVAILABLE, "cannot start a computation (fork)", body, len);
    }
    if (pid == 0) {
        close(fd[0]);
        child(job, arg, lim, fd[1]);
    }
    close(fd[1]);
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap);
    double deadline = now() + lim->timeout;
    int timed_out = 0, too_big = 0;
    while (buf) {
        double left = deadline - now();
        if (left <= 0) {
            timed_out = 1;
            break;
        }
        struct pollfd p = {fd[0], POLLIN, 0};
        int r = poll(&p, 1, (int)ceil(left * 1000));
        if (r < 0 && errno == EINTR)
            continue;
        if (r == 0)
            continue; /* the clock decides on the next turn */
        if (n == cap) {
            char *b = cap < MAX_ANSWER_BYTES ? realloc(buf, 2 * cap) : NULL;
            if (!b) {
                too_big = 1;
                break;
            }
            buf = b;
            cap *= 2;
        }
        ssize_t got = read(fd[0], buf + n, cap - n);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        n += (size_t)got;
    }
    close(fd[0]);
    if (timed_out || too_big || !buf)
        kill(pid, SIGKILL);
    int ws;
    while (waitpid(pid, &ws, 0) < 0 && errno == EINTR)
        ;
    char msg[200];
    int status = 0;
    char *nl = buf && !timed_out && !too_big ? memchr(buf, '\n', n) : NULL;
    if (nl && WIFEXITED(ws) && WEXITSTATUS(ws) == 0)
        status = atoi(buf);
    if (status >= 200 && status < 600) {
        size_t head = (size_t)(nl + 1 - buf);
        memmove(buf, nl + 1, n - head);
        *body = buf;
        *len = n - head;
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
