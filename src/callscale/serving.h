/*
** Serving settings (DESIGN.md §6): the replicas of the generator's, reward model's and judge's
** pools ([serving], [serving.reward], [serving.judge]) and the arrivals ([arrivals]) the clock uses.
*/
#ifndef CALLSCALE_SERVING_H
#define CALLSCALE_SERVING_H

#include <stddef.h>
#include <stdio.h>
#include "callscale/error.h"
#include "callscale/param.h"

enum cs_pool_id { CS_POOL_GENERATOR, CS_POOL_REWARD, CS_POOL_JUDGE, CS_POOLS };
/* How long a call takes: the roofline of its iterations, or a fixed or exponential time. */
enum cs_service { CS_SERVICE_ROOFLINE, CS_SERVICE_FIXED, CS_SERVICE_EXPONENTIAL };
enum cs_policy { CS_POLICY_FCFS, CS_POLICY_PROGRAM };
enum cs_arrival { CS_ARRIVAL_NONE, CS_ARRIVAL_RATE, CS_ARRIVAL_CONCURRENCY, CS_ARRIVAL_TRACE };

/* One pool of replicas of one model server. Words are stored as cs_param words (negative). */
typedef struct cs_pool {
    int line; /* where its section is; 0: absent (a reward or judge pool then uses the generator's) */
    double replicas, max_num_seqs, max_num_batched_tokens;
    double gpu, peak_flops, hbm_bandwidth, hbm_bytes, gpu_memory_utilization;
    double params, bytes_per_param, kv_bytes_per_token, layers, kv_heads, head_dim;
    double alpha, beta, prefix_caching;
    int service;         /* enum cs_service */
    double service_time; /* S of fixed(S) / exponential(S) */
    int service_line;
    unsigned set; /* bit i: row i of cs_pool_params was given in this pool's section */
} cs_pool;

typedef struct cs_serving {
    int line; /* where [serving] is, or 0: no clock */
    cs_pool pool[CS_POOLS];
    double prompt_tokens, policy, output;
    int arrivals_line, arrival, rate_line, trace_line; /* arrival: enum cs_arrival */
    double rate, concurrency, queries, warmup, slo, max_queue;
    char trace[512]; /* as written, relative to the experiment file's folder */
} cs_serving;

/* The gpu presets (datasheet peak dense bf16 FLOP/s, HBM bandwidth and bytes): one row each. */
typedef struct cs_gpu {
    const char *name;
    double peak_flops, hbm_bandwidth, hbm_bytes;
} cs_gpu;
extern const cs_gpu cs_gpus[];
extern const size_t cs_ngpus;

/* The rows of a pool's section, of [serving]'s own keys (prompt_tokens, policy, output) and of
** [arrivals]; service and trace are read apart (a call form and a file name). */
extern const cs_param cs_pool_params[], cs_serving_params[], cs_arrivals_params[];
extern const size_t cs_pool_nparams, cs_serving_nparams, cs_arrivals_nparams;

void cs_serving_defaults(cs_serving *sv);

/* 1 when section names a serving section ([serving], [serving.reward], [serving.judge],
** [arrivals]), and records where it is; 0 otherwise. */
int cs_serving_section(cs_serving *sv, const char *section, const char *file, int line);

/* 1 when section names a serving section, without recording anything. */
int cs_serving_is_section(const char *section);

/* Apply one key of a serving section; non-zero with err filled when it is bad. */
int cs_serving_key(cs_serving *sv, const char *section, const char *key, const char *value,
                   const char *file, int line, cs_error *err);

/* Whole-section checks once every key is read (what a roofline needs, arrivals given, ...);
** queries is the experiment's, the default of [arrivals] queries. */
int cs_serving_check(cs_serving *sv, double queries, const char *file, cs_error *err);

/* The effective [serving] and [arrivals] sections, as an experiment file holds them. */
void cs_serving_write(const cs_serving *sv, FILE *f);

/* The pool a call of this kind (enum cs_call_kind) runs on. */
int cs_serving_pool_of(const cs_serving *sv, int kind);

/* KV-cache capacity of one replica of a roofline pool, in tokens. */
double cs_serving_kv_tokens(const cs_pool *p);

#endif
