/*
** Serving settings: the parameter rows of [serving] pools and [arrivals], the gpu presets, and
** their checks (what a roofline needs, which arrivals, bounds) with file, line and key.
*/
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/record.h"
#include "callscale/serving.h"

#define P(field) offsetof(cs_pool, field)
#define A(field) offsetof(cs_serving, field)
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))

/* Datasheet dense bf16 peaks, HBM bandwidth and capacity (SXM parts). */
const cs_gpu cs_gpus[] = {
    {"a100", 312e12, 2.039e12, 80e9},
    {"h100", 989e12, 3.35e12, 80e9},
    {"h200", 989e12, 4.8e12, 141e9},
    {"b200", 2.25e15, 8.0e12, 192e9},
};
const size_t cs_ngpus = NELEM(cs_gpus);

const cs_param cs_pool_params[] = {
    {"replicas", "1", 1, 4096, 1, NULL, P(replicas), "model server replicas of this pool"},
    {"max_num_seqs", "256", 1, 65536, 1, NULL, P(max_num_seqs), "most sequences running at once on a replica (vLLM's max_num_seqs)"},
    {"max_num_batched_tokens", "8192", 1, 1e7, 1, NULL, P(max_num_batched_tokens), "most tokens in one iteration: one per decoding sequence plus prefill chunks"},
    {"gpu", "h100", CS_WORDS_ONLY, 0, "a100|h100|h200|b200", P(gpu), "datasheet preset for peak_flops, hbm_bandwidth and hbm_bytes"},
    {"peak_flops", "gpu", 1, 1e20, 0, "gpu", P(peak_flops), "peak dense FLOP/s of one replica"},
    {"hbm_bandwidth", "gpu", 1, 1e16, 0, "gpu", P(hbm_bandwidth), "memory bandwidth of one replica, bytes/s"},
    {"hbm_bytes", "gpu", 1, 1e15, 0, "gpu", P(hbm_bytes), "memory of one replica, bytes"},
    {"gpu_memory_utilization", "0.9", 0.01, 1, 0, NULL, P(gpu_memory_utilization), "share of memory the server may use (weights, then the KV cache)"},
    {"params", "none", 1, 1e15, 0, "none", P(params), "the served model's parameters (the roofline needs them)"},
    {"bytes_per_param", "2", 0.125, 8, 0, NULL, P(bytes_per_param), "bytes per weight (2: bf16)"},
    {"kv_bytes_per_token", "layers", 1, 1e9, 0, "layers", P(kv_bytes_per_token), "KV-cache bytes per token of context; 'layers': 2 * layers * kv_heads * head_dim * bytes_per_param"},
    {"layers", "none", 1, 4096, 1, "none", P(layers), "transformer layers (for kv_bytes_per_token)"},
    {"kv_heads", "none", 1, 4096, 1, "none", P(kv_heads), "key-value heads (for kv_bytes_per_token)"},
    {"head_dim", "none", 1, 65536, 1, "none", P(head_dim), "dimension of a head (for kv_bytes_per_token)"},
    {"alpha", "1", 1e-6, 1e6, 0, NULL, P(alpha), "iteration time = alpha * max(F / peak_flops, B / hbm_bandwidth) + beta"},
    {"beta", "0", 0, 1e3, 0, NULL, P(beta), "fixed overhead per iteration, seconds"},
    {"prefix_caching", "off", CS_WORDS_ONLY, 0, "off|on", P(prefix_caching), "on: a call prefills only what its query has not yet cached on its replica"},
};
const size_t cs_pool_nparams = NELEM(cs_pool_params);

const cs_param cs_arrivals_params[] = {
    {"rate", "none", 1e-9, 1e12, 0, "none", A(rate), "Poisson arrivals, queries per second"},
    {"concurrency", "none", 1, 1e7, 1, "none", A(concurrency), "a closed loop of U users, each sending its next query when the last is answered"},
    {"queries", "experiment", 1, 1e9, 1, "experiment", A(queries), "queries per (strategy, setting, budget) cell"},
    {"warmup", "0.1", 0, 0.9, 0, NULL, A(warmup), "share of the first queries left out of the statistics"},
    {"slo", "none", 1e-9, 1e9, 0, "none", A(slo), "latency target, seconds (slo_attained: share of queries within it)"},
    {"max_queue", "100000", 10, 1e9, 1, NULL, A(max_queue), "queries in the system past which the load is taken to be above capacity"},
};
const size_t cs_arrivals_nparams = NELEM(cs_arrivals_params);

/* [serving] keys that are not pool rows */
const cs_param cs_serving_params[] = {
    {"prompt_tokens", "200", 0, 1e8, 0, NULL, A(prompt_tokens), "tokens of the question every call reads"},
    {"policy", "fcfs", CS_WORDS_ONLY, 0, "fcfs|program", A(policy), "fcfs: waiting calls in order of submission; program: the earliest-arrived query's calls first"},
    {"output", "fixed", CS_WORDS_ONLY, 0, "fixed|exponential", A(output), "a call's output tokens: as the strategy records them, or geometric with that mean (for queueing checks)"},
};

const size_t cs_serving_nparams = NELEM(cs_serving_params);

static const char *const pool_section[CS_POOLS] = {"serving", "serving.reward", "serving.judge"};

static void set_row(const cs_param *p, void *base)
{
    char why[128];
    (void)cs_param_parse(p, p->def, (double *)((char *)base + p->offset), why, sizeof why);
}

void cs_serving_defaults(cs_serving *sv)
{
    memset(sv, 0, sizeof *sv);
    for (int k = 0; k < CS_POOLS; k++) {
        for (size_t i = 0; i < cs_pool_nparams; i++)
            set_row(&cs_pool_params[i], &sv->pool[k]);
        sv->pool[k].service = CS_SERVICE_ROOFLINE;
    }
    for (size_t i = 0; i < cs_arrivals_nparams; i++)
        set_row(&cs_arrivals_params[i], sv);
    for (size_t i = 0; i < cs_serving_nparams; i++)
        set_row(&cs_serving_params[i], sv);
}

int cs_serving_section(cs_serving *sv, const char *section, const char *file, int line)
{
    int here = strcmp(file, "--set") ? line : 0;
    for (int k = 0; k < CS_POOLS; k++)
        if (strcmp(section, pool_section[k]) == 0) {
            sv->pool[k].line = here ? here : -1;
            if (k == CS_POOL_GENERATOR)
                sv->line = sv->pool[k].line;
            return 1;
        }
    if (strcmp(section, "arrivals") == 0) {
        sv->arrivals_line = here ? here : -1;
        return 1;
    }
    return 0;
}

int cs_serving_is_section(const char *section)
{
    for (int k = 0; k < CS_POOLS; k++)
        if (strcmp(section, pool_section[k]) == 0)
            return 1;
    return strcmp(section, "arrivals") == 0;
}

static int apply_row(const cs_param *rows, size_t n, void *base, const char *section,
                     const char *key, const char *value, const char *file, int line,
                     cs_error *err, unsigned *mask)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(rows[i].name, key) != 0)
            continue;
        char why[256];
        double v;
        if (cs_param_parse(&rows[i], value, &v, why, sizeof why))
            return cs_error_set(err, CS_ERR_INPUT, file, line, "[%s] %s: %s", section, key, why);
        *(double *)((char *)base + rows[i].offset) = v;
        if (mask)
            *mask |= 1u << i;
        return 0;
    }
    return -1;
}

/* service = roofline | fixed(S) | exponential(S) */
static int service_key(cs_pool *p, const char *section, const char *value, const char *file,
                       int line, cs_error *err)
{
    static const char *const names[] = {"fixed", "exponential"};
    if (strcmp(value, "roofline") == 0) {
        p->service = CS_SERVICE_ROOFLINE;
        p->service_line = line;
        return 0;
    }
    for (int k = 0; k < 2; k++) {
        size_t n = strlen(names[k]);
        double S;
        char close[2];
        if (strncmp(value, names[k], n) == 0 && value[n] == '(' &&
            sscanf(value + n + 1, "%lf%1[)]", &S, close) == 2 && value[strlen(value) - 1] == ')') {
            if (!(S > 0) || !isfinite(S))
                return cs_error_set(err, CS_ERR_INPUT, file, line,
                                    "[%s] service: %s: the service time S must be positive", section,
                                    value);
            p->service = k == 0 ? CS_SERVICE_FIXED : CS_SERVICE_EXPONENTIAL;
            p->service_time = S;
            p->service_line = line;
            return 0;
        }
    }
    return cs_error_set(err, CS_ERR_INPUT, file, line,
                        "[%s] service: '%s' is not roofline, fixed(S) or exponential(S) (S in seconds)",
                        section, value);
}

int cs_serving_key(cs_serving *sv, const char *section, const char *key, const char *value,
                   const char *file, int line, cs_error *err)
{
    int rc;
    if (strcmp(section, "arrivals") == 0) {
        if (strcmp(key, "trace") == 0) {
            if (strlen(value) >= sizeof sv->trace || !value[0])
                return cs_error_set(err, CS_ERR_INPUT, file, line,
                                    "[arrivals] trace: a file name of 1 to %zu characters",
                                    sizeof sv->trace - 1);
            snprintf(sv->trace, sizeof sv->trace, "%s", value);
            sv->trace_line = line;
            return 0;
        }
        if (strcmp(key, "rate") == 0) {
            char *end;
            double r = strtod(value, &end);
            if (end != value && *end == '\0' && !(r > 0))
                return cs_error_set(err, CS_ERR_INPUT, file, line,
                                    "[arrivals] rate = %s: the arrival rate must be above 0 "
                                    "(queries per second)", value);
            sv->rate_line = line;
        }
        rc = apply_row(cs_arrivals_params, cs_arrivals_nparams, sv, section, key, value, file,
                       line, err, NULL);
    } else {
        int k = 0;
        while (k < CS_POOLS && strcmp(section, pool_section[k]) != 0)
            k++;
        if (k == CS_POOLS)
            return cs_error_set(err, CS_ERR_INPUT, file, line, "[%s]: not a serving section", section);
        cs_pool *p = &sv->pool[k];
        if (strcmp(key, "service") == 0)
            return service_key(p, section, value, file, line, err);
        rc = apply_row(cs_pool_params, cs_pool_nparams, p, section, key, value, file, line, err,
                       &p->set);
        if (rc < 0 && k == CS_POOL_GENERATOR)
            rc = apply_row(cs_serving_params, cs_serving_nparams, sv, section, key, value, file,
                           line, err, NULL);
    }
    if (rc < 0)
        return cs_error_set(err, CS_ERR_INPUT, file, line,
                            "[%s] %s: unknown key (see callscale --help for the keys of [serving] "
                            "and [arrivals])", section, key);
    return rc;
}

double cs_serving_kv_tokens(const cs_pool *p)
{
    double free_bytes = p->hbm_bytes * p->gpu_memory_utilization - p->params * p->bytes_per_param;
    return free_bytes > 0 ? floor(free_bytes / p->kv_bytes_per_token) : 0;
}

static int check_pool(cs_pool *p, const char *section, const char *file, cs_error *err)
{
    int line = p->line > 0 ? p->line : 0;
    if (p->service != CS_SERVICE_ROOFLINE)
        return 0;
    const cs_gpu *g = &cs_gpus[cs_param_word(p->gpu)];
    if (p->peak_flops < 0)
        p->peak_flops = g->peak_flops;
    if (p->hbm_bandwidth < 0)
        p->hbm_bandwidth = g->hbm_bandwidth;
    if (p->hbm_bytes < 0)
        p->hbm_bytes = g->hbm_bytes;
    if (p->params < 0)
        return cs_error_set(err, CS_ERR_INPUT, file, line,
                            "[%s] params: the roofline needs the served model's size (e.g. params = "
                            "8e9, and kv_bytes_per_token or layers, kv_heads and head_dim), or a "
                            "service = fixed(S) | exponential(S)", section);
    if (p->kv_bytes_per_token < 0) {
        if (p->layers < 0 || p->kv_heads < 0 || p->head_dim < 0)
            return cs_error_set(err, CS_ERR_INPUT, file, line,
                                "[%s] kv_bytes_per_token: the roofline needs the model's KV size: "
                                "kv_bytes_per_token, or layers, kv_heads and head_dim", section);
        p->kv_bytes_per_token = 2 * p->layers * p->kv_heads * p->head_dim * p->bytes_per_param;
    }
    if (!(cs_serving_kv_tokens(p) >= 1))
        return cs_error_set(err, CS_ERR_INPUT, file, line,
                            "[%s] params: %g parameters of %g bytes do not fit in %g%% of %g bytes "
                            "of GPU memory: no room is left for the KV cache", section, p->params,
                            p->bytes_per_param, 100 * p->gpu_memory_utilization, p->hbm_bytes);
    return 0;
}

int cs_serving_check(cs_serving *sv, double queries, const char *file, cs_error *err)
{
    if (!sv->line && !sv->arrivals_line && !sv->pool[CS_POOL_REWARD].line &&
        !sv->pool[CS_POOL_JUDGE].line)
        return 0;
    if (!sv->line)
        return cs_error_set(err, CS_ERR_INPUT, file,
                            sv->arrivals_line > 0 ? sv->arrivals_line : 0,
                            "[arrivals] and [serving.*] need a [serving] section (the generator's "
                            "replicas)");
    /* a reward or judge pool starts from the generator's settings and overrides what it gives */
    for (int k = 1; k < CS_POOLS; k++) {
        cs_pool *p = &sv->pool[k], *g = &sv->pool[CS_POOL_GENERATOR];
        if (!p->line)
            continue;
        for (size_t i = 0; i < cs_pool_nparams; i++)
            if (!(p->set & (1u << i)))
                *(double *)((char *)p + cs_pool_params[i].offset) =
                    *(const double *)((const char *)g + cs_pool_params[i].offset);
        if (!p->service_line) {
            p->service = g->service;
            p->service_time = g->service_time;
        }
    }
    for (int k = 0; k < CS_POOLS; k++)
        if (sv->pool[k].line && check_pool(&sv->pool[k], pool_section[k], file, err))
            return CS_ERR_INPUT;
    int given = (sv->rate > 0) + (sv->concurrency > 0) + (sv->trace[0] != 0);
    int aline = sv->arrivals_line > 0 ? sv->arrivals_line : 0;
    if (given == 0)
        return cs_error_set(err, CS_ERR_INPUT, file, aline ? aline : (sv->line > 0 ? sv->line : 0),
                            "[arrivals]: the clock needs rate = R (Poisson, queries per second), "
                            "concurrency = U (a closed loop) or trace = FILE");
    if (given > 1)
        return cs_error_set(err, CS_ERR_INPUT, file, aline,
                            "[arrivals]: give one of rate, concurrency and trace, not %d", given);
    sv->arrival = sv->rate > 0 ? CS_ARRIVAL_RATE
                  : sv->concurrency > 0 ? CS_ARRIVAL_CONCURRENCY : CS_ARRIVAL_TRACE;
    if (sv->queries < 0)
        sv->queries = queries;
    return 0;
}

int cs_serving_pool_of(const cs_serving *sv, int kind)
{
    int k = kind == CS_CALL_SCORE ? CS_POOL_REWARD
            : (kind == CS_CALL_JUDGE || kind == CS_CALL_COMPARE) ? CS_POOL_JUDGE : CS_POOL_GENERATOR;
    return sv->pool[k].line ? k : CS_POOL_GENERATOR;
}

static void write_rows(FILE *f, const cs_param *rows, size_t n, const void *base)
{
    for (size_t i = 0; i < n; i++) {
        char v[64];
        cs_param_format(&rows[i], *(const double *)((const char *)base + rows[i].offset), v,
                        sizeof v);
        fprintf(f, "%s = %s\n", rows[i].name, v);
    }
}

void cs_serving_write(const cs_serving *sv, FILE *f)
{
    if (!sv->line)
        return;
    static const char *const service[] = {"roofline", "fixed", "exponential"};
    for (int k = 0; k < CS_POOLS; k++) {
        const cs_pool *p = &sv->pool[k];
        if (!p->line)
            continue;
        fprintf(f, "\n[%s]\n", pool_section[k]);
        if (p->service == CS_SERVICE_ROOFLINE)
            fprintf(f, "service = roofline\n");
        else
            fprintf(f, "service = %s(%.15g)\n", service[p->service], p->service_time);
        write_rows(f, cs_pool_params, cs_pool_nparams, p);
        if (k == CS_POOL_GENERATOR)
            write_rows(f, cs_serving_params, cs_serving_nparams, sv);
    }
    fprintf(f, "\n[arrivals]\n");
    for (size_t i = 0; i < cs_arrivals_nparams; i++) {
        const cs_param *r = &cs_arrivals_params[i];
        double v = *(const double *)((const char *)sv + r->offset);
        if ((strcmp(r->name, "rate") == 0 || strcmp(r->name, "concurrency") == 0) && v < 0)
            continue; /* the arrivals not chosen */
        char buf[64];
        cs_param_format(r, v, buf, sizeof buf);
        fprintf(f, "%s = %s\n", r->name, buf);
    }
    if (sv->trace[0])
        fprintf(f, "trace = %s\n", sv->trace);
}
