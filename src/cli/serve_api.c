/*
** The teaching page's JSON API: a request (an experiment's text, or JSON with a text and --set
** overrides) in; results.csv's rows, explain's report and the experiment's parameters out.
*/
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <json-c/json.h>
#include "callscale/exact.h"
#include "callscale/experiment.h"
#include "callscale/explain.h"
#include "callscale/results.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "serve.h"

/* Nesting a request's JSON may have: an object holding an array of strings needs 2. */
#define JSON_MAX_DEPTH 4
/* Overrides one request may carry (the page sends a few dozen at most). */
#define MAX_OVERRIDES 512
/* The name that stands for a posted experiment in error messages. */
#define REQUEST_NAME "request"

enum { HTTP_OK = 200, HTTP_BAD_REQUEST = 400, HTTP_UNPROCESSABLE = 422, HTTP_INTERNAL = 500 };

/* The error object, with the experiment's parameters when it loaded (so the page can still
** offer its sliders, and its Monte Carlo button, where exact mode cannot go). */
static void error_json(FILE *out, const char *msg, json_object *experiment)
{
    json_object *o = json_object_new_object();
    char line[2048];
    snprintf(line, sizeof line, "callscale: %s", msg);
    json_object_object_add(o, "error", json_object_new_string(line));
    if (experiment)
        json_object_object_add(o, "experiment", experiment);
    fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), out);
    fputc('\n', out);
    json_object_put(o);
}

void serve_api_error(FILE *out, const char *msg)
{
    error_json(out, msg, NULL);
}

/* The CLI's one-line message of err, without its "callscale: " prefix. The file is the name a
** request's text is given (short); the bounds say how much of each an answer holds. */
static void error_text(const cs_error *e, char *buf, size_t n)
{
    if (e->line > 0)
        snprintf(buf, n, "%.200s:%d: %.800s", e->file, e->line, e->msg);
    else if (e->file[0])
        snprintf(buf, n, "%.200s: %.800s", e->file, e->msg);
    else
        snprintf(buf, n, "%.1000s", e->msg);
}

static int fail(FILE *out, int status, const char *fmt, const char *arg)
{
    char msg[1536];
    snprintf(msg, sizeof msg, fmt, arg);
    serve_api_error(out, msg);
    return status;
}

/* A number as results.csv writes it (printf format fmt), or null when it is not a number. */
static json_object *number(double v, const char *fmt)
{
    if (!isfinite(v))
        return NULL;
    char s[64];
    snprintf(s, sizeof s, fmt, v);
    return json_object_new_double_s(v, s);
}

/* results.csv's rows as objects named by its header: the columns and digits of
** cs_results_write_csv (results.c), so the page and the file show the same numbers. */
static json_object *rows_json(const cs_experiment *ex, const cs_results *res)
{
    json_object *rows = json_object_new_array();
    for (size_t i = 0; i < cs_results_nrows(res); i++) {
        cs_results_row w;
        cs_results_row_get(ex, res, i, &w);
        json_object *r = json_object_new_object();
        json_object_object_add(r, "strategy", json_object_new_string(w.strategy));
        json_object_object_add(r, "setting", json_object_new_string(w.setting));
        json_object_object_add(r, "budget", json_object_new_int64((int64_t)w.budget));
        json_object_object_add(r, "bin", json_object_new_string(w.bin));
        json_object_object_add(r, "queries", json_object_new_int64((int64_t)w.queries));
        json_object_object_add(r, "accuracy", number(w.accuracy, "%.10f"));
        json_object_object_add(r, "ci_low", number(w.ci_low, "%.10f"));
        json_object_object_add(r, "ci_high", number(w.ci_high, "%.10f"));
        json_object_object_add(r, "calls", number(w.calls, "%.10g"));
        json_object_object_add(r, "tokens", number(w.tokens, "%.10g"));
        json_object_object_add(r, "flops", number(w.flops, "%.10g"));
        json_object_array_add(rows, r);
    }
    return rows;
}

static json_object *num(double v)
{
    return isfinite(v) ? json_object_new_double(v) : NULL;
}

/* The parameters the page offers as sliders and fields, read from the loaded experiment, with
** the --set key that changes each. */
static json_object *experiment_json(const cs_experiment *ex)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "name", json_object_new_string(ex->name));
    json_object_object_add(o, "queries", json_object_new_int64((int64_t)ex->queries));
    json_object_object_add(o, "seed", json_object_new_int64((int64_t)ex->seed));
    json_object *budgets = json_object_new_array();
    for (size_t b = 0; b < ex->nbudgets; b++)
        json_object_array_add(budgets, json_object_new_int64((int64_t)ex->budgets[b]));
    json_object_object_add(o, "budgets", budgets);
    json_object_object_add(o, "answers", ex->answers ? json_object_new_int(ex->answers)
                                                     : json_object_new_string("open"));
    json_object *bins = json_object_new_array();
    for (size_t i = 0; i < cs_experiment_nbins(ex); i++) {
        char name[CS_NAME_MAX];
        cs_experiment_bin_name(ex, i, name, sizeof name);
        json_object_array_add(bins, json_object_new_string(name));
    }
    json_object_object_add(o, "bins", bins);
    json_object *comps = json_object_new_array();
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        json_object *j = json_object_new_object();
        json_object_object_add(j, "name", json_object_new_string(c->name));
        json_object_object_add(j, "weight", num(c->weight));
        json_object_object_add(j, "share", num(c->share));
        if (c->p_kind == CS_P_FIXED) {
            json_object_object_add(j, "p", num(c->p));
        } else {
            json_object *beta = json_object_new_array();
            json_object_array_add(beta, num(c->a));
            json_object_array_add(beta, num(c->b));
            json_object_object_add(j, "beta", beta);
        }
        json_object_object_add(j, "tpr", num(c->set.tpr));
        json_object_object_add(j, "fpr", num(c->set.fpr));
        json_object_array_add(comps, j);
    }
    json_object_object_add(o, "components", comps);
    json_object *judge = json_object_new_object();
    json_object_object_add(judge, "tpr", num(ex->global.tpr));
    json_object_object_add(judge, "fpr", num(ex->global.fpr));
    json_object_object_add(o, "judge", judge);
    json_object *strats = json_object_new_array();
    for (size_t s = 0; s < ex->nstrat; s++) {
        const cs_strategy *st = &ex->strat[s];
        json_object *j = json_object_new_object();
        char section[2 * CS_NAME_MAX + 16];
        if (strcmp(st->label, "default") == 0)
            snprintf(section, sizeof section, "strategy.%s", st->type->name);
        else
            snprintf(section, sizeof section, "strategy.%s:%s", st->type->name, st->label);
        json_object_object_add(j, "strategy", json_object_new_string(st->type->name));
        json_object_object_add(j, "setting", json_object_new_string(st->label));
        json_object_object_add(j, "section", json_object_new_string(section));
        json_object_object_add(j, "exact", json_object_new_boolean(st->type->exact != NULL));
        json_object *params = json_object_new_object();
        for (size_t p = 0; p < st->type->nparams; p++) {
            char v[64];
            cs_param_format(&st->type->params[p], st->value[p], v, sizeof v);
            json_object_object_add(params, st->type->params[p].name, json_object_new_string(v));
        }
        json_object_object_add(j, "params", params);
        json_object_array_add(strats, j);
    }
    json_object_object_add(o, "strategies", strats);
    return o;
}

/* explain's numbers for the page's sentence about the shape and K*. */
static json_object *summary_json(const cs_explain *e)
{
    json_object *o = json_object_new_object();
    json_object_object_add(o, "easy", num(e->easy));
    json_object_object_add(o, "limit", num(e->limit));
    json_object_object_add(o, "shape", json_object_new_string(cs_explain_shape_name(e->shape)));
    if (e->shape != CS_SHAPE_NONE) {
        json_object_object_add(o, "alpha", num(e->alpha));
        json_object_object_add(o, "p1", num(e->p1));
        json_object_object_add(o, "p2", num(e->p2));
        json_object_object_add(o, "threshold", num(e->threshold));
        json_object_object_add(o, "kstar", num(e->kstar));
        if (e->shape == CS_SHAPE_RISE_FALL || e->shape == CS_SHAPE_FALL_RISE)
            json_object_object_add(o, "best_k", json_object_new_int64(e->best_k));
    }
    return o;
}

/* The request's experiment text and overrides: a JSON body's "text" (else the server's
** experiment) and "set", or the whole body as an experiment's text. The strings point into
** root (kept by the caller) or the request. */
static int parse_request(const serve_request *rq, json_object **root, const char **name,
                         const char **text, size_t *len, const char **sets, size_t *nsets,
                         FILE *out)
{
    *nsets = 0;
    *root = NULL;
    if (!rq->json) {
        *name = REQUEST_NAME;
        *text = rq->body;
        *len = rq->len;
        return 0;
    }
    json_tokener *tok = json_tokener_new_ex(JSON_MAX_DEPTH);
    if (!tok)
        return fail(out, HTTP_INTERNAL, "%s", "out of memory");
    json_object *j = rq->len ? json_tokener_parse_ex(tok, rq->body, (int)rq->len) : NULL;
    enum json_tokener_error jerr = rq->len ? json_tokener_get_error(tok) : json_tokener_continue;
    size_t used = json_tokener_get_parse_end(tok);
    json_tokener_free(tok);
    while (j && used < rq->len && strchr(" \t\r\n", rq->body[used]))
        used++;
    if (!j || jerr != json_tokener_success || used != rq->len) {
        json_object_put(j);
        char why[160];
        snprintf(why, sizeof why, "%s at byte %zu",
                 jerr == json_tokener_success ? "text after the JSON value"
                 : jerr == json_tokener_continue ? "the JSON ends too soon"
                                                 : json_tokener_error_desc(jerr), used);
        return fail(out, HTTP_BAD_REQUEST, "request: not JSON: %s", why);
    }
    *root = j;
    if (!json_object_is_type(j, json_type_object))
        return fail(out, HTTP_BAD_REQUEST, "%s",
                    "request: the JSON must be an object {\"text\": EXPERIMENT, \"set\": [...]}");
    *name = rq->base_name;
    *text = rq->base_text;
    *len = rq->base_len;
    json_object_object_foreach(j, key, val) {
        if (strcmp(key, "text") == 0) {
            if (!json_object_is_type(val, json_type_string))
                return fail(out, HTTP_BAD_REQUEST, "%s", "request: \"text\" must be a string");
            *name = REQUEST_NAME;
            *text = json_object_get_string(val);
            *len = (size_t)json_object_get_string_len(val);
        } else if (strcmp(key, "set") == 0) {
            if (!json_object_is_type(val, json_type_array))
                return fail(out, HTTP_BAD_REQUEST, "%s",
                            "request: \"set\" must be an array of \"section.key=value\" strings");
            size_t n = json_object_array_length(val);
            if (n > MAX_OVERRIDES)
                return fail(out, HTTP_BAD_REQUEST, "request: more than %s overrides in \"set\"",
                            "512");
            for (size_t i = 0; i < n; i++) {
                json_object *s = json_object_array_get_idx(val, i);
                if (!json_object_is_type(s, json_type_string) ||
                    strlen(json_object_get_string(s)) != (size_t)json_object_get_string_len(s))
                    return fail(out, HTTP_BAD_REQUEST, "%s",
                                "request: \"set\" must be an array of \"section.key=value\" strings");
                sets[(*nsets)++] = json_object_get_string(s);
            }
        } else {
            return fail(out, HTTP_BAD_REQUEST,
                        "request: unknown key \"%s\" (a request holds \"text\" and \"set\")", key);
        }
    }
    return 0;
}


/* The server's caps on what one request may compute. */
static int check_caps(const serve_request *rq, const cs_experiment *ex, FILE *out)
{
    char where[600], msg[1200];
    const serve_limits *lim = rq->lim;
    size_t rows = ex->nstrat * ex->nbudgets * (cs_experiment_nbins(ex) + 1);
    int line = ex->budgets_line;
    if (rq->monte_carlo && ex->queries > lim->max_queries)
        line = ex->line;
    if (line > 0)
        snprintf(where, sizeof where, "%.200s:%d", ex->file, line);
    else
        snprintf(where, sizeof where, "%.200s", ex->file);
    if (ex->budgets[ex->nbudgets - 1] > lim->max_budget)
        snprintf(msg, sizeof msg, "%s: budget %zu is above this server's cap of %zu "
                 "(serve --max-budget)", where, ex->budgets[ex->nbudgets - 1], lim->max_budget);
    else if (rq->monte_carlo && ex->queries > lim->max_queries)
        snprintf(msg, sizeof msg, "%s: queries = %llu is above this server's cap of %llu "
                 "(serve --max-queries)", where, (unsigned long long)ex->queries,
                 (unsigned long long)lim->max_queries);
    else if (rows > lim->max_rows)
        snprintf(msg, sizeof msg, "%.200s: %zu rows of results (strategy settings x budgets x bins) "
                 "are above this server's cap of %zu (serve --max-rows)", ex->file, rows,
                 lim->max_rows);
    else
        return 0;
    error_json(out, msg, experiment_json(ex));
    return HTTP_UNPROCESSABLE;
}

/* explain's report as text, or NULL (explain does not apply, or no memory). */
static char *explain_text(const cs_experiment *ex, cs_explain *e, int *ok)
{
    cs_error err;
    char *buf = NULL;
    size_t n = 0;
    *ok = cs_explain_run(ex, e, &err) == 0;
    if (!*ok)
        return NULL;
    FILE *f = open_memstream(&buf, &n);
    if (!f)
        return NULL;
    int bad = cs_explain_write(ex, e, f);
    if (fclose(f) || bad) {
        free(buf);
        return NULL;
    }
    return buf;
}

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

int serve_api_answer(const serve_request *rq, FILE *out)
{
    double start = now();
    const char *name, *text, *sets[MAX_OVERRIDES];
    size_t len, nsets;
    json_object *root;
    int status = parse_request(rq, &root, &name, &text, &len, sets, &nsets, out);
    if (status) {
        json_object_put(root);
        return status;
    }
    cs_experiment ex;
    cs_error err;
    char msg[1100];
    int rc = cs_experiment_load_text(&ex, name, text, len, sets, nsets, &err);
    json_object_put(root);
    if (rc) {
        error_text(&err, msg, sizeof msg);
        serve_api_error(out, msg);
        return rc == CS_ERR_NOMEM ? HTTP_INTERNAL : HTTP_UNPROCESSABLE;
    }
    status = check_caps(rq, &ex, out);
    cs_results res;
    if (!status && cs_results_init(&res, &ex))
        status = fail(out, HTTP_INTERNAL, "%s", "out of memory");
    else if (!status) {
        rc = rq->monte_carlo ? cs_sweep_run(&ex, 1, NULL, NULL, &res, &err)
                                 : cs_exact_run(&ex, &res, &err);
        if (rc) {
            error_text(&err, msg, sizeof msg);
            error_json(out, msg, experiment_json(&ex));
            status = rc == CS_ERR_NOMEM ? HTTP_INTERNAL : HTTP_UNPROCESSABLE;
        } else {
            cs_explain e;
            int explained;
            char *report = explain_text(&ex, &e, &explained);
            json_object *o = json_object_new_object();
            json_object_object_add(o, "mode", json_object_new_string(rq->monte_carlo ? "run" : "exact"));
            json_object_object_add(o, "rows", rows_json(&ex, &res));
            json_object_object_add(o, "explain", report ? json_object_new_string(report) : NULL);
            json_object_object_add(o, "summary", explained ? summary_json(&e) : NULL);
            json_object_object_add(o, "experiment", experiment_json(&ex));
            json_object_object_add(o, "seconds", json_object_new_double(now() - start));
            fputs(json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN), out);
            fputc('\n', out);
            json_object_put(o);
            free(report);
            status = HTTP_OK;
        }
        cs_results_free(&res);
    }
    cs_experiment_free(&ex);
    return status;
}
