/*
** callscale serve: the teaching page and its JSON API over libmicrohttpd (DESIGN.md section 10).
** Pages come from the table embedded at build time; each computation runs in a bounded worker.
*/
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <microhttpd.h>
#include "callscale/experiment.h"
#include "callscale/inifile.h"
#include "cli.h"
#include "serve.h"
#include "web.h"

/* Seconds a connection may stay idle (a slow or silent client) before it is closed. */
#define IDLE_TIMEOUT 30
/* The experiment served when none is given: the two-level example of DESIGN.md section 1. */
#define BUILTIN_EXPERIMENT "/chen2024_two_level.ini"

enum {
    HTTP_OK = 200, HTTP_NOT_FOUND = 404, HTTP_METHOD = 405, HTTP_TOO_LARGE = 413,
    HTTP_UNAVAILABLE = 503
};

typedef struct server {
    serve_limits lim;
    const char *name; /* the experiment file, as messages name it */
    char *text;       /* its text */
    size_t len;
    atomic_uint busy; /* computations running */
} server;

/* One request's state across libmicrohttpd's calls: its body as it arrives. */
typedef struct request {
    char *body;
    size_t len, cap;
    int too_large;
} request;

typedef struct content_type {
    const char *suffix, *type;
} content_type;

static const content_type content_types[] = {
    {"/", "text/html; charset=utf-8"},
    {".html", "text/html; charset=utf-8"},
    {".js", "text/javascript; charset=utf-8"},
    {".css", "text/css; charset=utf-8"},
    {".ini", "text/plain; charset=utf-8"},
};

static const char *type_of(const char *path)
{
    size_t n = strlen(path);
    for (size_t i = 0; i < sizeof content_types / sizeof *content_types; i++) {
        size_t m = strlen(content_types[i].suffix);
        if (n >= m && strcmp(path + n - m, content_types[i].suffix) == 0)
            return content_types[i].type;
    }
    return "application/octet-stream";
}

static const cs_web_file *web_file(const char *path)
{
    for (size_t i = 0; i < cs_web_nfiles; i++)
        if (strcmp(cs_web_files[i].path, path) == 0)
            return &cs_web_files[i];
    return NULL;
}

/* Queue a response; the page may load only what the server itself serves. */
static enum MHD_Result respond(struct MHD_Connection *c, int status, struct MHD_Response *r,
                            const char *type)
{
    if (!r)
        return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
    MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
    MHD_add_response_header(r, "Cache-Control", "no-store");
    MHD_add_response_header(r, "Content-Security-Policy",
                            "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' "
                            "data:; connect-src 'self'; frame-ancestors 'none'");
    enum MHD_Result ok = MHD_queue_response(c, (unsigned)status, r);
    MHD_destroy_response(r);
    return ok;
}

static enum MHD_Result send_json(struct MHD_Connection *c, int status, char *body, size_t len)
{
    if (!body)
        return MHD_NO;
    return respond(c, status, MHD_create_response_from_buffer(len, body, MHD_RESPMEM_MUST_FREE),
                "application/json");
}

static enum MHD_Result send_error(struct MHD_Connection *c, int status, const char *msg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return MHD_NO;
    serve_api_error(f, msg);
    if (fclose(f)) {
        free(buf);
        return MHD_NO;
    }
    return send_json(c, status, buf, len);
}

static enum MHD_Result compute(server *sv, struct MHD_Connection *c, const request *rq,
                               int monte_carlo)
{
    if (rq->too_large) {
        char msg[160];
        snprintf(msg, sizeof msg, "request: the body is larger than this server's cap of %zu "
                 "bytes (serve --max-body)", sv->lim.max_body);
        return send_error(c, HTTP_TOO_LARGE, msg);
    }
    if (atomic_fetch_add(&sv->busy, 1) >= sv->lim.max_requests) {
        atomic_fetch_sub(&sv->busy, 1);
        char msg[160];
        snprintf(msg, sizeof msg, "busy: %u computations are running (serve --max-requests); "
                 "try again in a moment", sv->lim.max_requests);
        return send_error(c, HTTP_UNAVAILABLE, msg);
    }
    const char *type = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                   MHD_HTTP_HEADER_CONTENT_TYPE);
    serve_request req = {rq->body ? rq->body : "", rq->len,
                         type && strncmp(type, "application/json", 16) == 0, monte_carlo,
                         sv->name, sv->text, sv->len, &sv->lim};
    char *body;
    size_t len;
    int status = serve_worker_run(&req, &body, &len);
    atomic_fetch_sub(&sv->busy, 1);
    return send_json(c, status, body, len);
}

static enum MHD_Result limits(server *sv, struct MHD_Connection *c)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f)
        return MHD_NO;
    fprintf(f, "{\"max_body\": %zu, \"max_queries\": %llu, \"max_budget\": %zu, \"max_rows\": %zu, "
               "\"max_requests\": %u, \"timeout\": %g}\n", sv->lim.max_body,
            (unsigned long long)sv->lim.max_queries, sv->lim.max_budget, sv->lim.max_rows,
            sv->lim.max_requests, sv->lim.timeout);
    if (fclose(f)) {
        free(buf);
        return MHD_NO;
    }
    return send_json(c, HTTP_OK, buf, len);
}

static enum MHD_Result dispatch(server *sv, struct MHD_Connection *c, const char *url,
                                const char *method, const request *rq)
{
    int get = strcmp(method, "GET") == 0 || strcmp(method, "HEAD") == 0;
    int post = strcmp(method, "POST") == 0;
    if (strcmp(url, "/api/exact") == 0 || strcmp(url, "/api/run") == 0) {
        if (!post)
            return send_error(c, HTTP_METHOD, "request: the API's computations take POST");
        return compute(sv, c, rq, url[5] == 'r');
    }
    if (!get)
        return send_error(c, HTTP_METHOD, "request: this path takes GET");
    if (strcmp(url, "/api/experiment") == 0)
        return respond(c, HTTP_OK, MHD_create_response_from_buffer(sv->len, sv->text,
                                                                MHD_RESPMEM_PERSISTENT),
                    "text/plain; charset=utf-8");
    if (strcmp(url, "/api/limits") == 0)
        return limits(sv, c);
    const cs_web_file *f = web_file(url);
    if (!f)
        return send_error(c, HTTP_NOT_FOUND, "request: no such page (the page is at /, the API "
                          "at /api/exact, /api/run, /api/experiment and /api/limits)");
    return respond(c, HTTP_OK, MHD_create_response_from_buffer(f->len, (void *)f->data,
                                                            MHD_RESPMEM_PERSISTENT),
                type_of(f->path));
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
                                  const char *method, const char *version,
                                  const char *upload_data, size_t *upload_data_size,
                                  void **state)
{
    (void)version;
    server *sv = cls;
    request *rq = *state;
    if (!rq) {
        if (!(rq = calloc(1, sizeof *rq)))
            return MHD_NO;
        *state = rq;
        if (strcmp(method, "POST") == 0) {
            /* a body announced too large is refused before it is read */
            const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                         MHD_HTTP_HEADER_CONTENT_LENGTH);
            if (cl && strtoull(cl, NULL, 10) > sv->lim.max_body) {
                rq->too_large = 1;
                return compute(sv, c, rq, 0);
            }
            return MHD_YES;
        }
    }
    if (*upload_data_size) {
        size_t n = *upload_data_size;
        *upload_data_size = 0;
        if (rq->too_large || n > sv->lim.max_body - rq->len) {
            rq->too_large = 1; /* read and dropped, answered 413 at the end */
            free(rq->body);
            rq->body = NULL;
            rq->len = rq->cap = 0;
            return MHD_YES;
        }
        if (rq->len + n + 1 > rq->cap) {
            size_t cap = rq->cap ? rq->cap : 4096;
            while (cap < rq->len + n + 1)
                cap *= 2;
            char *b = realloc(rq->body, cap);
            if (!b)
                return MHD_NO;
            rq->body = b;
            rq->cap = cap;
        }
        memcpy(rq->body + rq->len, upload_data, n);
        rq->len += n;
        rq->body[rq->len] = '\0';
        return MHD_YES;
    }
    return dispatch(sv, c, url, method, rq);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **state,
                         enum MHD_RequestTerminationCode why)
{
    (void)cls, (void)c, (void)why;
    request *rq = *state;
    if (rq) {
        free(rq->body);
        free(rq);
        *state = NULL;
    }
}

/* A whole number in [lo, hi]. */
static int parse_count(const char *text, unsigned long long lo, unsigned long long hi,
                       unsigned long long *out)
{
    char *end;
    if (!text || !*text || *text == '-')
        return -1;
    errno = 0;
    unsigned long long n = strtoull(text, &end, 10);
    if (*end || errno || n < lo || n > hi)
        return -1;
    *out = n;
    return 0;
}

/* The experiment file the server starts with, read once, whole (as the loader reads one). */
static int read_experiment(const char *path, char **text, size_t *len)
{
    cs_error err;
    if (cs_inifile_slurp(path, CS_EXPERIMENT_MAX_BYTES, text, len, &err))
        return cs_cli_error(&err);
    return 0;
}

typedef struct limit_option {
    const char *name;
    unsigned long long lo, hi;
    const char *what;
} limit_option;

/* The options that take a whole number, in the order of serve_options' fields below. */
static const limit_option limit_options[] = {
    {"--port", 0, 65535, "a port in [0, 65535] (0: any free port)"},
    {"--max-body", 64, 1ull << 30, "bytes in [64, 2^30]"},
    {"--max-queries", 1, 1ull << 32, "queries in [1, 2^32]"},
    {"--max-budget", 1, 1ull << 20, "a budget in [1, 2^20]"},
    {"--max-rows", 1, 10000000, "rows in [1, 10^7]"},
    {"--max-requests", 1, 256, "computations in [1, 256]"},
    {"--max-connections", 2, 10000, "connections in [2, 10000]"},
    {"--max-memory", 16, 1ull << 20, "MiB in [16, 2^20]"},
};
enum { OPT_PORT, OPT_BODY, OPT_QUERIES, OPT_BUDGET, OPT_ROWS, OPT_REQUESTS, OPT_CONNECTIONS,
       OPT_MEMORY, NLIMIT_OPTIONS };

int cs_cli_serve(int argc, char **argv)
{
    unsigned long long v[NLIMIT_OPTIONS] = {
        SERVE_DEFAULT_PORT, SERVE_DEFAULT_MAX_BODY_KIB << 10, SERVE_DEFAULT_MAX_QUERIES,
        SERVE_DEFAULT_MAX_BUDGET, SERVE_DEFAULT_MAX_ROWS, SERVE_DEFAULT_MAX_REQUESTS,
        SERVE_DEFAULT_MAX_CONNECTIONS, SERVE_DEFAULT_MAX_MEMORY_MIB};
    const char *path = NULL, *bind = SERVE_DEFAULT_BIND;
    double timeout = SERVE_DEFAULT_TIMEOUT;
    if (argc == 1 && strcmp(argv[0], "--worker") == 0)
        return serve_worker_main();
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        int k = 0;
        while (k < NLIMIT_OPTIONS && strcmp(a, limit_options[k].name) != 0)
            k++;
        if (k < NLIMIT_OPTIONS) {
            if (parse_count(val, limit_options[k].lo, limit_options[k].hi, &v[k])) {
                char why[160];
                snprintf(why, sizeof why, "%s needs %s, not '%%s'", a, limit_options[k].what);
                return cs_cli_usage_error(why, val ? val : "");
            }
            i++;
        } else if (strcmp(a, "--bind") == 0) {
            if (!val)
                return cs_cli_usage_error("%s needs an IP address (e.g. 127.0.0.1)", a);
            bind = val;
            i++;
        } else if (strcmp(a, "--timeout") == 0) {
            char *end;
            timeout = val ? strtod(val, &end) : 0;
            if (!val || *end || !(timeout >= 0.01 && timeout <= 3600))
                return cs_cli_usage_error("--timeout needs seconds in [0.01, 3600], not '%s'",
                                          val ? val : "");
            i++;
        } else if (a[0] == '-' && a[1]) {
            return cs_cli_usage_error("unknown option '%s'", a);
        } else if (!path) {
            path = a;
        } else {
            return cs_cli_usage_error("unexpected argument '%s'", a);
        }
    }

    struct sockaddr_in in4;
    struct sockaddr_in6 in6;
    memset(&in4, 0, sizeof in4);
    memset(&in6, 0, sizeof in6);
    unsigned flags = MHD_USE_AUTO | MHD_USE_INTERNAL_POLLING_THREAD |
                     MHD_USE_THREAD_PER_CONNECTION | MHD_USE_ERROR_LOG;
    const struct sockaddr *addr;
    if (inet_pton(AF_INET, bind, &in4.sin_addr) == 1) {
        in4.sin_family = AF_INET;
        in4.sin_port = htons((uint16_t)v[OPT_PORT]);
        addr = (const struct sockaddr *)&in4;
    } else if (inet_pton(AF_INET6, bind, &in6.sin6_addr) == 1) {
        in6.sin6_family = AF_INET6;
        in6.sin6_port = htons((uint16_t)v[OPT_PORT]);
        addr = (const struct sockaddr *)&in6;
        flags |= MHD_USE_IPv6;
    } else {
        return cs_cli_usage_error("--bind needs an IPv4 or IPv6 address (e.g. 127.0.0.1), "
                                  "not '%s'", bind);
    }

    server sv;
    memset(&sv, 0, sizeof sv);
    sv.lim = (serve_limits){v[OPT_BODY], v[OPT_QUERIES], v[OPT_BUDGET], v[OPT_ROWS],
                            (unsigned)v[OPT_REQUESTS], (unsigned)v[OPT_CONNECTIONS], timeout,
                            (size_t)v[OPT_MEMORY] << 20};
    atomic_init(&sv.busy, 0);
    if (path) {
        int rc = read_experiment(path, &sv.text, &sv.len);
        if (rc)
            return rc;
        sv.name = path;
    } else {
        const cs_web_file *f = web_file(BUILTIN_EXPERIMENT);
        if (!f || !(sv.text = malloc(f->len + 1)))
            return cs_cli_usage_error("%s", "the built-in experiment is missing");
        memcpy(sv.text, f->data, f->len + 1);
        sv.len = f->len;
        sv.name = BUILTIN_EXPERIMENT + 1;
    }
    /* the experiment must load before anyone is told to open the page */
    cs_experiment ex;
    cs_error err;
    if (cs_experiment_load_text(&ex, sv.name, sv.text, sv.len, NULL, 0, &err)) {
        if (err.line > 0)
            fprintf(stderr, "callscale: %s:%d: %s\n", err.file, err.line, err.msg);
        else
            fprintf(stderr, "callscale: %s: %s\n", err.file, err.msg);
        free(sv.text);
        return EXIT_INPUT;
    }
    char name[sizeof ex.name];
    snprintf(name, sizeof name, "%s", ex.name);
    cs_experiment_free(&ex);

    /* SIGINT and SIGTERM are taken by sigwait below, so every thread started here blocks them;
    ** a client gone away must not end the server */
    sigset_t stop;
    sigemptyset(&stop);
    sigaddset(&stop, SIGINT);
    sigaddset(&stop, SIGTERM);
    pthread_sigmask(SIG_BLOCK, &stop, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct MHD_Daemon *d = MHD_start_daemon(
        flags, 0, NULL, NULL, on_request, &sv, MHD_OPTION_SOCK_ADDR, addr,
        MHD_OPTION_CONNECTION_LIMIT, (unsigned)v[OPT_CONNECTIONS], MHD_OPTION_CONNECTION_TIMEOUT,
        (unsigned)IDLE_TIMEOUT, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL, MHD_OPTION_END);
    if (!d) {
        fprintf(stderr, "callscale: serve: cannot listen on %s port %llu: %s\n", bind,
                v[OPT_PORT], strerror(errno));
        free(sv.text);
        return EXIT_INPUT;
    }
    const union MHD_DaemonInfo *info = MHD_get_daemon_info(d, MHD_DAEMON_INFO_BIND_PORT);
    unsigned port = info ? info->port : (unsigned)v[OPT_PORT];
    fprintf(stderr, "callscale: serving %s (%s) at http://%s%s%s:%u/ (Ctrl-C stops)\n", name,
            sv.name, strchr(bind, ':') ? "[" : "", bind, strchr(bind, ':') ? "]" : "", port);
    int sig;
    sigwait(&stop, &sig);
    fprintf(stderr, "callscale: serve: stopping\n");
    MHD_stop_daemon(d);
    free(sv.text);
    return 0;
}
