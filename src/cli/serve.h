/*
** callscale serve: the teaching page's server (serve.c), its JSON API (serve_api.c), the
** bounded process every computation runs in (serve_worker.c) and its sandbox (serve_sandbox.c).
*/
#ifndef CALLSCALE_CLI_SERVE_H
#define CALLSCALE_CLI_SERVE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* The command (cs_cli_serve in cli.h): callscale serve [EXPERIMENT.ini] [--port N] [--bind ADDR]
** [limits]. */

/* Defaults of the limits (each a command-line option, quoted by --help). The caps keep an exact
** request in milliseconds and a Monte Carlo one in seconds on a laptop; two computations at once
** match a small machine's cores. */
#define SERVE_DEFAULT_PORT 8080
#define SERVE_DEFAULT_BIND "127.0.0.1"
#define SERVE_DEFAULT_MAX_BODY_KIB 256
#define SERVE_DEFAULT_MAX_QUERIES 200000
#define SERVE_DEFAULT_MAX_BUDGET 1024
#define SERVE_DEFAULT_MAX_ROWS 20000
#define SERVE_DEFAULT_MAX_REQUESTS 2
#define SERVE_DEFAULT_MAX_CONNECTIONS 256
#define SERVE_DEFAULT_TIMEOUT 20 /* seconds */
#define SERVE_DEFAULT_MAX_MEMORY_MIB 1024

/* What one request may ask of the server; each is a command-line option of serve. */
typedef struct serve_limits {
    size_t max_body;          /* bytes of a request body (413 past it) */
    uint64_t max_queries;     /* [experiment] queries of a Monte Carlo request (422) */
    size_t max_budget;        /* the largest budget of a request (422) */
    size_t max_rows;          /* rows of results a request may produce (422) */
    unsigned max_requests;    /* computations at once (503 past it) */
    unsigned max_connections; /* open connections at once (refused past it) */
    double timeout;           /* seconds a computation may take (503 past it) */
    size_t max_memory;        /* bytes of address space a computation may use */
} serve_limits;

/* One API request: its body and what it asks for. */
typedef struct serve_request {
    const char *body;
    size_t len;
    int json;        /* the body is JSON {"text": ..., "set": [...]}, else an experiment's text */
    int monte_carlo; /* /api/run (else /api/exact) */
    const char *base_name, *base_text; /* the experiment the server was started with */
    size_t base_len;
    const serve_limits *lim;
} serve_request;

/* Answer an API request: write the JSON body to out and return the HTTP status (200, or 4xx
** with {"error": "callscale: ..."}). Runs in a worker process; prints nothing else. */
int serve_api_answer(const serve_request *rq, FILE *out);

/* Write {"error": "callscale: msg"} to out. */
void serve_api_error(FILE *out, const char *msg);

/* Answer rq in a new worker process limited to rq->lim's time and memory: *body (malloc'd,
** *len bytes) is its answer, or an error object when it failed, took too long or died. Returns
** the HTTP status. */
int serve_worker_run(const serve_request *rq, char **body, size_t *len);

/* Forbid this process from here on to open files, start programs or connect (serve_sandbox.c):
** 0, or -1 when the kernel refuses the filter. */
int serve_sandbox_enter(void);

/* The worker (`callscale serve --worker`): one request from standard input, its status line and
** answer on standard output. Returns the exit status. */
int serve_worker_main(void);

#endif
