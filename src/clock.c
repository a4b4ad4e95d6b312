/*
** The clock: for one cell, queries arrive, submit their rounds, and the calls run on replicas with
** continuous batching (between two events a replica's batch does not change, so a decode span is
** advanced in closed form: the cost is per call, not per token); the cells over threads.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/latency.h"
#include "callscale/pool.h"
#include "callscale/strategy.h"
#include "grow.h"
#include "roofline.h"
#include "runner.h"

/* Queries whose cached prefix a replica remembers (direct-mapped by query index): enough for the
** queries a replica holds at once under any load the clock is meant for. */
#define PREFIX_SLOTS 1024
/* A span with no prefill runs to the first sequence that finishes; a span of prefill is one
** iteration (a prompt needs a few at most: max_num_batched_tokens per iteration). */
enum { SPAN_IDLE, SPAN_DECODE, SPAN_MIXED };
enum { EV_ARRIVAL, EV_REPLICA, EV_CALL_END };

typedef struct event {
    double t;
    uint64_t seq; /* insertion order: ties are taken in it, so the run is deterministic */
    uint32_t type, id, version;
} event;

typedef struct call {
    size_t slot;           /* the query's slot */
    double prompt, output; /* tokens */
    double prefill, left;  /* prompt tokens still to prefill, output tokens still to decode */
    double ctx, chunk;     /* tokens in the KV cache; this iteration's prefill chunk */
    double start, service; /* when it started running; its service time (fixed/exponential) */
    uint64_t key, seq;     /* queue order: policy key, then submission */
    uint32_t replica;
    uint8_t pool, kind;
} call;

typedef struct qslot {
    uint64_t index;
    double arrival, start, score, tokens;
    uint32_t round, pending, calls, bin;
    cs_round *rounds;
    size_t nrounds, cap;
    cs_pcg32 rng; /* the query's service times */
} qslot;

typedef struct prefix {
    uint64_t query; /* index + 1; 0: empty */
    double tokens;
} prefix;

typedef struct replica {
    size_t *run; /* running calls */
    size_t nrun, caprun, claims;
    double kv_used, t0, n, end;
    cs_span sp; /* a decode span's constants */
    int span;
    uint32_t version;
    prefix *cache;
} replica;

typedef struct pool {
    const cs_pool *cfg;
    replica *rep;
    size_t nrep;
    /* waiting calls in order of (key, seq): under fcfs the key is the submission order itself, so
    ** the queue is a FIFO (queue[head ...]); under program a heap (head stays 0) */
    size_t *queue;
    size_t nqueue, capqueue, head;
    int fifo;
    size_t seats; /* calls a replica runs at once (max_num_seqs) */
    size_t room;  /* free seats over the replicas of a fixed/exponential station */
    double kv_tokens;
} pool;

typedef struct sim {
    const cs_experiment *ex;
    const cs_serving *sv;
    cs_runner *run;
    size_t strategy, budget;
    cs_clock_cell *cell;
    cs_error *err;
    int keep_calls, failed;
    int draws_service; /* a query's calls draw from its stream: exponential service, geometric output */
    int program;       /* policy program: calls wait in order of their query */
    int pool_of[CS_CALL_KINDS]; /* the pool each kind of call runs on */
    event *heap;
    size_t nheap, capheap;
    uint64_t seq;
    call *calls;
    size_t ncalls, capcalls, *freecall, nfree, capfree;
    qslot *slot;
    size_t nslot, capslot, *freeslot, nfreeslot, capfreeslot;
    pool pool[CS_POOLS];
    uint64_t next_query, submitted;
    size_t in_system;
    double last_t;
    cs_pcg32 arrivals;
    const double *trace;
    size_t ntrace;
} sim;

/* ---- the event heap and the waiting queues ------------------------------------------------ */

static int ev_less(const event *a, const event *b)
{
    return a->t < b->t || (a->t == b->t && a->seq < b->seq);
}

static int push_event(sim *s, double t, uint32_t type, uint32_t id, uint32_t version)
{
    if (cs_grow(&s->heap, &s->capheap, s->nheap, sizeof *s->heap))
        return -1;
    event e = {t, s->seq++, type, id, version};
    size_t i = s->nheap++;
    while (i > 0 && ev_less(&e, &s->heap[(i - 1) / 2])) {
        s->heap[i] = s->heap[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    s->heap[i] = e;
    return 0;
}

static event pop_event(sim *s)
{
    event top = s->heap[0], last = s->heap[--s->nheap];
    size_t i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= s->nheap)
            break;
        if (c + 1 < s->nheap && ev_less(&s->heap[c + 1], &s->heap[c]))
            c++;
        if (!ev_less(&s->heap[c], &last))
            break;
        s->heap[i] = s->heap[c];
        i = c;
    }
    if (s->nheap)
        s->heap[i] = last;
    return top;
}

static int call_less(const sim *s, size_t a, size_t b)
{
    const call *x = &s->calls[a], *y = &s->calls[b];
    return x->key < y->key || (x->key == y->key && x->seq < y->seq);
}

static int enqueue(sim *s, pool *p, size_t c)
{
    if (p->fifo) {
        if (p->head && p->head + p->nqueue == p->capqueue && p->head >= p->nqueue) {
            /* at least half the buffer is behind the head: slide down rather than grow */
            memmove(p->queue, p->queue + p->head, p->nqueue * sizeof *p->queue);
            p->head = 0;
        }
        if (cs_grow(&p->queue, &p->capqueue, p->head + p->nqueue, sizeof *p->queue))
            return -1;
        p->queue[p->head + p->nqueue++] = c;
        return 0;
    }
    if (cs_grow(&p->queue, &p->capqueue, p->nqueue, sizeof *p->queue))
        return -1;
    size_t i = p->nqueue++;
    while (i > 0 && call_less(s, c, p->queue[(i - 1) / 2])) {
        p->queue[i] = p->queue[(i - 1) / 2];
        i = (i - 1) / 2;
    }
    p->queue[i] = c;
    return 0;
}

/* The first waiting call (the queue is not empty). */
static size_t queue_head(const pool *p)
{
    return p->queue[p->head];
}

static size_t dequeue(sim *s, pool *p)
{
    if (p->fifo) {
        size_t top = p->queue[p->head];
        p->nqueue--;
        p->head = p->nqueue ? p->head + 1 : 0;
        return top;
    }
    size_t top = p->queue[0], last = p->queue[--p->nqueue], i = 0;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= p->nqueue)
            break;
        if (c + 1 < p->nqueue && call_less(s, p->queue[c + 1], p->queue[c]))
            c++;
        if (!call_less(s, p->queue[c], last))
            break;
        p->queue[i] = p->queue[c];
        i = c;
    }
    if (p->nqueue)
        p->queue[i] = last;
    return top;
}

/* ---- bookkeeping of the measured window -------------------------------------------------- */

static int measured(const sim *s, uint64_t q)
{
    return q >= s->cell->first;
}

/* Time passes to t: the number in the system integrates over the window (Little's law). */
static void advance_time(sim *s, double t)
{
    double ws = s->cell->window_start;
    if (t > ws && isfinite(ws)) {
        double from = s->last_t > ws ? s->last_t : ws;
        s->cell->area += (double)s->in_system * (t - from);
    }
    s->last_t = t;
}

static void add_busy(sim *s, int pool_id, double from, double to, double weight)
{
    double ws = s->cell->window_start;
    if (pool_id != CS_POOL_GENERATOR || !isfinite(ws) || to <= ws)
        return;
    s->cell->busy += weight * (to - (from > ws ? from : ws));
}

static int fail(sim *s, int code, int line, const char *msg, double a, double b, double c)
{
    if (!s->failed)
        cs_error_set(s->err, code, s->ex->file, line, msg, a, b, c);
    s->failed = 1;
    return -1;
}

/* ---- calls and rounds -------------------------------------------------------------------- */

static int submit_round(sim *s, size_t q, const cs_round *rd, double now);
static int wake(sim *s, pool *p, double now);

static int new_call(sim *s, size_t *out)
{
    if (s->nfree) {
        *out = s->freecall[--s->nfree];
        return 0;
    }
    if (cs_grow(&s->calls, &s->capcalls, s->ncalls, sizeof *s->calls))
        return -1;
    *out = s->ncalls++;
    return 0;
}

static int free_call(sim *s, size_t c)
{
    if (cs_grow(&s->freecall, &s->capfree, s->nfree, sizeof *s->freecall))
        return -1;
    s->freecall[s->nfree++] = c;
    return 0;
}

/* A call has finished: its query goes on to its next round, or is answered. */
static int call_done(sim *s, size_t c, double now)
{
    call *k = &s->calls[c];
    qslot *q = &s->slot[k->slot];
    if (s->keep_calls) {
        cs_clock_cell *cell = s->cell;
        if (cs_grow(&cell->call, &cell->capcall, cell->ncall, sizeof *cell->call))
            return -1;
        cell->call[cell->ncall++] = (cs_clock_call){k->start, now, q->index, k->replica, k->pool,
                                                    k->kind};
    }
    size_t slot = k->slot;
    if (free_call(s, c))
        return -1;
    if (--q->pending > 0)
        return 0;
    if (++q->round < q->nrounds)
        return submit_round(s, slot, &q->rounds[q->round], now);
    /* answered */
    advance_time(s, now);
    s->in_system--;
    cs_clock_query *r = &s->cell->q[q->index];
    r->arrival = q->arrival;
    r->start = q->start;
    r->end = now;
    r->score = q->score;
    r->tokens = q->tokens;
    r->rounds = (uint32_t)q->nrounds;
    r->calls = q->calls;
    r->bin = q->bin;
    if (now > s->cell->window_end)
        s->cell->window_end = now;
    if (cs_grow(&s->freeslot, &s->capfreeslot, s->nfreeslot, sizeof *s->freeslot))
        return -1;
    s->freeslot[s->nfreeslot++] = slot;
    if (s->sv->arrival == CS_ARRIVAL_CONCURRENCY && s->next_query < s->cell->nq)
        return push_event(s, now, EV_ARRIVAL, 0, 0);
    return 0;
}

/* ---- replicas: the fixed and exponential stations ----------------------------------------- */

static int start_service(sim *s, pool *p, size_t r, size_t c, double now)
{
    call *k = &s->calls[c];
    qslot *q = &s->slot[k->slot];
    k->replica = (uint32_t)r;
    k->start = now;
    if (q->start < 0)
        q->start = now;
    p->rep[r].nrun++;
    p->room--;
    return push_event(s, now + k->service, EV_CALL_END, (uint32_t)c, 0);
}

/* Waiting calls take free seats, replicas in order. */
static int dispatch_service(sim *s, pool *p, double now)
{
    if (!p->room)
        return 0;
    for (size_t r = 0; r < p->nrep && p->nqueue; r++)
        while (p->nqueue && p->rep[r].nrun < p->seats)
            if (start_service(s, p, r, dequeue(s, p), now))
                return -1;
    return 0;
}

static int service_end(sim *s, size_t c, double now)
{
    call *k = &s->calls[c];
    pool *p = &s->pool[k->pool];
    p->rep[k->replica].nrun--;
    p->room++;
    add_busy(s, k->pool, k->start, now, 1);
    if (call_done(s, c, now))
        return -1;
    return dispatch_service(s, p, now);
}

/* ---- replicas: continuous batching on the roofline ---------------------------------------- */

/* Plan what the replica does from its boundary t: one iteration with prefill, or decode to the
** first sequence that finishes, or nothing. */
static int plan(sim *s, pool *p, size_t r)
{
    replica *R = &p->rep[r];
    const cs_pool *cfg = p->cfg;
    R->version++;
    if (R->nrun == 0) {
        R->span = SPAN_IDLE;
        R->n = 0;
        R->end = INFINITY;
        return 0;
    }
    double decoders = 0, context = 0, need = 0, least = INFINITY;
    for (size_t i = 0; i < R->nrun; i++) {
        const call *k = &s->calls[R->run[i]];
        context += k->ctx;
        if (k->prefill > 0)
            need = 1;
        else {
            decoders += 1;
            least = k->left < least ? k->left : least;
        }
    }
    if (need != 0) {
        /* chunked prefill: the decoders' tokens first, then chunks of prompts in admission order */
        double budget = cfg->max_num_batched_tokens - decoders, tokens = decoders;
        if (budget < 1)
            budget = 1;
        for (size_t i = 0; i < R->nrun; i++) {
            call *k = &s->calls[R->run[i]];
            k->chunk = k->prefill < budget ? k->prefill : budget;
            budget -= k->chunk;
            tokens += k->chunk;
        }
        R->span = SPAN_MIXED;
        R->n = 1;
        R->end = R->t0 + cs_roofline_iteration(cfg, tokens, context);
    } else {
        R->span = SPAN_DECODE;
        R->n = least;
        cs_roofline_span_start(cfg, (double)R->nrun, context, &R->sp);
        R->end = R->t0 + cs_roofline_span_time(&R->sp, least);
    }
    return push_event(s, R->end, EV_REPLICA, (uint32_t)((size_t)(p - s->pool) * 65536u + r),
                      R->version);
}

static double cached_prefix(const pool *p, const replica *R, uint64_t query, double prompt)
{
    if (!R->cache || cs_param_word(p->cfg->prefix_caching) != 1)
        return 0;
    const prefix *e = &R->cache[query % PREFIX_SLOTS];
    return e->query == query + 1 ? fmin(e->tokens, prompt) : 0;
}

static void remember_prefix(const pool *p, replica *R, uint64_t query, double tokens)
{
    if (!R->cache || cs_param_word(p->cfg->prefix_caching) != 1)
        return;
    prefix *e = &R->cache[query % PREFIX_SLOTS];
    if (e->query != query + 1) {
        e->query = query + 1;
        e->tokens = 0;
    }
    if (tokens > e->tokens)
        e->tokens = tokens;
}

/* The replica reaches its boundary at now: the span's iterations are done, finished calls leave,
** waiting calls join (in the queue's order, while slots and KV cache last), and the next span is
** planned. */
static int boundary(sim *s, pool *p, size_t r, double now)
{
    replica *R = &p->rep[r];
    int pid = (int)(p - s->pool);
    if (R->span != SPAN_IDLE) /* the slots the span kept busy */
        add_busy(s, pid, R->t0, now, (double)R->nrun);
    for (size_t i = 0; i < R->nrun; i++) {
        call *k = &s->calls[R->run[i]];
        if (R->span == SPAN_DECODE) {
            k->left -= R->n;
            k->ctx += R->n;
        } else if (R->span == SPAN_MIXED) {
            if (k->prefill > 0) {
                k->prefill -= k->chunk;
                k->ctx += k->chunk;
                if (k->prefill <= 0 && k->left > 0) { /* the last chunk yields the first token */
                    k->left -= 1;
                    k->ctx += 1;
                }
            } else {
                k->left -= 1;
                k->ctx += 1;
            }
        }
    }
    R->t0 = now;
    R->n = 0;
    R->span = SPAN_IDLE;
    size_t kept = 0;
    for (size_t i = 0; i < R->nrun; i++) {
        size_t c = R->run[i];
        call *k = &s->calls[c];
        if (k->prefill > 0 || k->left > 0) {
            R->run[kept++] = c;
            continue;
        }
        R->kv_used -= k->prompt + k->output;
        remember_prefix(p, R, s->slot[k->slot].index, k->ctx);
        if (call_done(s, c, now))
            return -1;
    }
    R->nrun = kept;
    R->claims = 0;
    while (p->nqueue && (double)R->nrun < p->cfg->max_num_seqs) {
        call *k = &s->calls[queue_head(p)];
        if (R->kv_used + k->prompt + k->output > p->kv_tokens)
            break; /* the head waits for room in the cache (as vLLM's FCFS does) */
        size_t c = dequeue(s, p);
        k = &s->calls[c];
        qslot *q = &s->slot[k->slot];
        double cached = cached_prefix(p, R, q->index, k->prompt);
        k->prefill = k->prompt - cached;
        k->ctx = cached;
        k->start = now;
        k->replica = (uint32_t)r;
        if (k->prefill <= 0) {
            k->prefill = 0;
            if (k->left <= 0)
                k->prefill = 1; /* a read of a fully cached prompt still takes its last token */
        }
        if (q->start < 0)
            q->start = now;
        R->kv_used += k->prompt + k->output;
        remember_prefix(p, R, q->index, k->prompt);
        if (cs_grow(&R->run, &R->caprun, R->nrun, sizeof *R->run))
            return -1;
        R->run[R->nrun++] = c;
    }
    if (plan(s, p, r))
        return -1;
    return p->nqueue ? wake(s, p, now) : 0;
}

/* Waiting calls need replicas to reach a boundary: give each unclaimed waiting call to the
** replica with room whose next boundary comes first (an idle one: now), cutting its decode span
** short at that boundary. */
static int wake(sim *s, pool *p, double now)
{
    size_t claimed = 0;
    for (size_t r = 0; r < p->nrep; r++)
        claimed += p->rep[r].claims;
    const call *head = p->nqueue ? &s->calls[queue_head(p)] : NULL;
    while (claimed < p->nqueue) {
        size_t best = p->nrep;
        double when = INFINITY, cut = 0; /* cut: the iterations of best's span up to when */
        for (size_t r = 0; r < p->nrep; r++) {
            replica *R = &p->rep[r];
            if ((double)(R->nrun + R->claims) >= p->cfg->max_num_seqs ||
                R->kv_used + head->prompt + head->output > p->kv_tokens)
                continue;
            double t = R->span == SPAN_IDLE ? now : R->end, k = 0;
            if (R->span == SPAN_DECODE) {
                k = cs_roofline_span_boundary(&R->sp, R->n, now - R->t0);
                t = R->t0 + cs_roofline_span_time(&R->sp, k);
            }
            if (t < when) {
                when = t;
                best = r;
                cut = k;
            }
        }
        if (best == p->nrep)
            return 0; /* every replica is full: the next to finish a call takes them */
        replica *R = &p->rep[best];
        size_t room = (size_t)p->cfg->max_num_seqs - R->nrun - R->claims;
        size_t take = p->nqueue - claimed < room ? p->nqueue - claimed : room;
        R->claims += take;
        claimed += take;
        if (R->span == SPAN_IDLE || (R->span == SPAN_DECODE && when < R->end)) {
            if (R->span == SPAN_DECODE)
                R->n = cut;
            else
                R->t0 = now;
            R->end = when;
            R->version++;
            if (push_event(s, when, EV_REPLICA, (uint32_t)((size_t)(p - s->pool) * 65536u + best),
                           R->version))
                return -1;
        }
    }
    return 0;
}

/* ---- queries ----------------------------------------------------------------------------- */

static double draw_service(const cs_pool *cfg, cs_pcg32 *rng)
{
    if (cfg->service == CS_SERVICE_FIXED)
        return cfg->service_time;
    return -cfg->service_time * log1p(-cs_pcg32_uniform53(rng)); /* 1 - U in (0, 1] */
}

/* Submit the query's round rd (its current one). */
static int submit_round(sim *s, size_t slot, const cs_round *rd, double now)
{
    qslot *q = &s->slot[slot];
    int pid = s->pool_of[rd->kind];
    pool *p = &s->pool[pid];
    double prompt = s->sv->prompt_tokens + rd->prompt;
    if (p->cfg->service == CS_SERVICE_ROOFLINE && prompt + rd->output > p->kv_tokens)
        return fail(s, CS_ERR_INPUT, p->cfg->line > 0 ? p->cfg->line : 0,
                    "[serving] a call of %g prompt and %g output tokens does not fit in a "
                    "replica's KV cache of %g tokens (more memory, a smaller model, or fewer "
                    "prompt_tokens)", prompt, rd->output, p->kv_tokens);
    q->pending = rd->ncalls;
    q->calls += rd->ncalls;
    int geometric = cs_param_word(s->sv->output) == 1 && rd->output > 1;
    for (uint32_t i = 0; i < rd->ncalls; i++) {
        size_t c;
        if (new_call(s, &c))
            return -1;
        call *k = &s->calls[c];
        *k = (call){.slot = slot, .prompt = prompt, .output = rd->output};
        if (geometric) /* tokens until the end token, 1/output a token: mean output */
            k->output = ceil(log1p(-cs_pcg32_uniform53(&q->rng)) / log1p(-1 / rd->output));
        if (k->output < 1 && rd->output > 0)
            k->output = 1;
        k->left = k->output;
        q->tokens += k->output;
        k->pool = (uint8_t)pid;
        k->kind = rd->kind;
        k->seq = s->submitted++;
        k->key = s->program ? q->index : k->seq;
        if (p->cfg->service != CS_SERVICE_ROOFLINE)
            k->service = draw_service(p->cfg, &q->rng);
        if (enqueue(s, p, c))
            return -1;
    }
    return p->cfg->service == CS_SERVICE_ROOFLINE ? wake(s, p, now) : dispatch_service(s, p, now);
}

static uint64_t service_purpose, arrival_purpose;

static int start_query(sim *s, double now)
{
    uint64_t i = s->next_query++;
    size_t slot;
    if (s->nfreeslot)
        slot = s->freeslot[--s->nfreeslot];
    else {
        if (cs_grow(&s->slot, &s->capslot, s->nslot, sizeof *s->slot))
            return -1;
        slot = s->nslot++;
        memset(&s->slot[slot], 0, sizeof s->slot[slot]);
    }
    qslot *q = &s->slot[slot];
    const cs_query *cq = cs_runner_query(s->run, i);
    cs_runner_strategy(s->run, s->strategy);
    const cs_round_log *lg = &s->run->logs[s->budget];
    if (lg->failed)
        return -1;
    if (lg->n > q->cap) {
        cs_round *nr = realloc(q->rounds, lg->n * sizeof *nr);
        if (!nr)
            return -1;
        q->rounds = nr;
        q->cap = lg->n;
    }
    /* The rounds after the first, which come when other queries' strategies have overwritten the
    ** log; the first is submitted from the log itself, now: a copy of a round the strategy has
    ** just written reads it in 16-byte loads, which wait for its narrower stores to reach the
    ** cache (a tenth of a queueing.ini cell's time). */
    for (size_t r = 1; r < lg->n; r++)
        q->rounds[r] = lg->round[r];
    q->nrounds = lg->n;
    q->index = i;
    q->arrival = now;
    q->start = -1;
    q->score = s->run->score[s->budget];
    q->bin = (uint32_t)cq->bin;
    q->tokens = 0;
    q->calls = 0;
    q->round = 0;
    q->pending = 0;
    if (s->draws_service)
        cs_rng_stream(&q->rng, s->ex->seed, i, service_purpose);
    if (measured(s, i) && !isfinite(s->cell->window_start)) {
        s->cell->window_start = now;
        s->last_t = now;
    }
    advance_time(s, now);
    s->in_system++;
    if ((double)s->in_system > s->sv->max_queue) {
        double el = now - s->cell->window_start;
        double util = isfinite(s->cell->window_start) && el > 0
                          ? s->cell->busy / (s->cell->capacity * el) : 1;
        s->cell->overloaded = 1;
        return fail(s, CS_ERR_INPUT, s->sv->rate_line > 0 ? s->sv->rate_line : s->sv->arrivals_line,
                    "[arrivals]: the load is above capacity: %g queries were waiting or running "
                    "after %g arrivals (max_queue); the generator replicas were %.1f%% busy "
                    "(fewer arrivals, more replicas, or a smaller budget)",
                    (double)s->in_system, (double)s->next_query, 100 * util);
    }
    if (q->nrounds == 0) { /* nothing to call: answered on arrival */
        q->nrounds = 1;
        q->round = 0;
        q->pending = 1;
        size_t c;
        if (new_call(s, &c))
            return -1;
        memset(&s->calls[c], 0, sizeof s->calls[c]);
        s->calls[c].slot = slot;
        s->calls[c].start = now;
        return call_done(s, c, now);
    }
    return submit_round(s, slot, &lg->round[0], now);
}

static int arrival(sim *s, double now)
{
    if (s->next_query >= s->cell->nq)
        return 0;
    if (start_query(s, now))
        return -1;
    if (s->next_query >= s->cell->nq)
        return 0;
    if (s->sv->arrival == CS_ARRIVAL_RATE) {
        double gap = -log1p(-cs_pcg32_uniform53(&s->arrivals)) / s->sv->rate;
        return push_event(s, now + gap, EV_ARRIVAL, 0, 0);
    }
    if (s->sv->arrival == CS_ARRIVAL_TRACE)
        return push_event(s, s->trace[s->next_query], EV_ARRIVAL, 0, 0);
    return 0; /* a closed loop: the next comes when one is answered */
}

/* ---- the cell ---------------------------------------------------------------------------- */

static void sim_free(sim *s)
{
    free(s->heap);
    free(s->calls);
    free(s->freecall);
    for (size_t i = 0; i < s->nslot; i++)
        free(s->slot[i].rounds);
    free(s->slot);
    free(s->freeslot);
    for (int k = 0; k < CS_POOLS; k++) {
        for (size_t r = 0; r < s->pool[k].nrep; r++) {
            free(s->pool[k].rep[r].run);
            free(s->pool[k].rep[r].cache);
        }
        free(s->pool[k].rep);
        free(s->pool[k].queue);
    }
}

void cs_clock_cell_free(cs_clock_cell *cell)
{
    free(cell->q);
    free(cell->call);
    free(cell->row);
    memset(cell, 0, sizeof *cell);
}

static int simulate(sim *s)
{
    const cs_serving *sv = s->sv;
    for (int k = 0; k < CS_POOLS; k++) {
        pool *p = &s->pool[k];
        p->cfg = &sv->pool[k];
        if (!p->cfg->line)
            continue;
        p->nrep = (size_t)p->cfg->replicas;
        p->rep = calloc(p->nrep, sizeof *p->rep);
        if (!p->rep)
            return -1;
        p->fifo = cs_param_word(sv->policy) != CS_POLICY_PROGRAM;
        p->seats = (size_t)ceil(p->cfg->max_num_seqs); /* nrun < seats: nrun < max_num_seqs */
        p->room = p->nrep * p->seats;
        p->kv_tokens = p->cfg->service == CS_SERVICE_ROOFLINE ? cs_serving_kv_tokens(p->cfg)
                                                              : INFINITY;
        for (size_t r = 0; r < p->nrep; r++) {
            p->rep[r].end = INFINITY;
            if (cs_param_word(p->cfg->prefix_caching) == 1) {
                p->rep[r].cache = calloc(PREFIX_SLOTS, sizeof *p->rep[r].cache);
                if (!p->rep[r].cache)
                    return -1;
            }
        }
    }
    s->draws_service = cs_param_word(sv->output) == 1;
    s->program = cs_param_word(sv->policy) == CS_POLICY_PROGRAM;
    for (int kind = 0; kind < CS_CALL_KINDS; kind++)
        s->pool_of[kind] = cs_serving_pool_of(sv, kind);
    for (int k = 0; k < CS_POOLS; k++)
        s->draws_service |= sv->pool[k].line && sv->pool[k].service == CS_SERVICE_EXPONENTIAL;
    const cs_pool *g = &sv->pool[CS_POOL_GENERATOR];
    s->cell->capacity = g->replicas * g->max_num_seqs;
    cs_rng_stream(&s->arrivals, s->ex->seed, 0, arrival_purpose);
    if (sv->arrival == CS_ARRIVAL_RATE) {
        double gap = -log1p(-cs_pcg32_uniform53(&s->arrivals)) / sv->rate;
        if (push_event(s, gap, EV_ARRIVAL, 0, 0))
            return -1;
    } else if (sv->arrival == CS_ARRIVAL_TRACE) {
        if (s->cell->nq && push_event(s, s->trace[0], EV_ARRIVAL, 0, 0))
            return -1;
    } else {
        for (size_t u = 0; u < (size_t)sv->concurrency && u < s->cell->nq; u++)
            if (push_event(s, 0, EV_ARRIVAL, 0, 0))
                return -1;
    }
    while (s->nheap && !s->failed) {
        event e = pop_event(s);
        int rc = 0;
        if (e.type == EV_ARRIVAL) {
            rc = arrival(s, e.t);
        } else if (e.type == EV_CALL_END) {
            rc = service_end(s, e.id, e.t);
        } else {
            pool *p = &s->pool[e.id / 65536u];
            size_t r = e.id % 65536u;
            if (e.version != p->rep[r].version)
                continue; /* a span that was cut short */
            rc = boundary(s, p, r, e.t);
        }
        if (rc)
            return -1;
    }
    return s->failed ? -1 : 0;
}

int cs_clock_cell_run(const cs_experiment *ex, const cs_serving *sv, size_t strategy,
                      size_t budget, const double *trace, size_t ntrace, int keep_calls,
                      cs_clock_cell *cell, cs_error *err)
{
    static const char *const no_memory = "out of memory in the clock";
    service_purpose = cs_rng_hash("clock:service");
    arrival_purpose = cs_rng_hash("clock:arrivals");
    memset(cell, 0, sizeof *cell);
    cell->strategy = strategy;
    cell->budget = budget;
    cell->nq = (size_t)sv->queries;
    if (sv->arrival == CS_ARRIVAL_TRACE && ntrace < cell->nq)
        cell->nq = ntrace;
    cell->first = (size_t)floor(sv->warmup * (double)cell->nq);
    cell->window_start = INFINITY;
    cell->window_end = 0;
    cell->q = calloc(cell->nq ? cell->nq : 1, sizeof *cell->q);
    cs_population *pop = cs_population_new(ex, err);
    if (!cell->q || !pop) {
        cs_population_free(pop);
        cs_clock_cell_free(cell);
        return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "%s", no_memory);
    }
    cs_runner run;
    int rc = cs_runner_init(&run, ex, pop, 0);
    if (!rc)
        rc = cs_runner_keep_rounds(&run);
    sim s;
    memset(&s, 0, sizeof s);
    s.ex = ex;
    s.sv = sv;
    s.run = &run;
    s.strategy = strategy;
    s.budget = budget;
    s.cell = cell;
    s.err = err;
    s.keep_calls = keep_calls;
    s.trace = trace;
    s.ntrace = ntrace;
    if (!rc && simulate(&s))
        rc = s.failed ? CS_ERR_INPUT : CS_ERR_NOMEM;
    else if (rc)
        rc = CS_ERR_NOMEM;
    if (rc == CS_ERR_NOMEM)
        cs_error_set(err, rc, ex->file, 0, "%s", no_memory);
    sim_free(&s);
    if (run.ex)
        cs_runner_free(&run);
    cs_population_free(pop);
    if (rc) {
        int over = cell->overloaded;
        cs_clock_cell_free(cell);
        cell->overloaded = over; /* the capacity search reads it */
    }
    return rc;
}

/* ---- the trace of arrivals ---------------------------------------------------------------- */

int cs_clock_read_trace(const cs_experiment *ex, double **times, size_t *n, cs_error *err)
{
    const cs_serving *sv = &ex->serving;
    char path[1100];
    const char *slash = strrchr(ex->file, '/');
    if (sv->trace[0] == '/' || !slash)
        snprintf(path, sizeof path, "%s", sv->trace);
    else
        snprintf(path, sizeof path, "%.*s/%s", (int)(slash - ex->file), ex->file, sv->trace);
    FILE *f = fopen(path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, ex->file, sv->trace_line,
                            "[arrivals] trace: cannot open %s: %s", path, strerror(errno));
    double *t = NULL;
    size_t k = 0, cap = 0;
    char line[256];
    int ln = 0, rc = 0;
    while (fgets(line, sizeof line, f)) {
        ln++;
        char *p = line, *end;
        while (*p == ' ' || *p == '\t')
            p++;
        if (*p == '\n' || *p == '\0' || *p == '#')
            continue;
        double v = strtod(p, &end);
        while (*end == ' ' || *end == '\t' || *end == '\r' || *end == '\n')
            end++;
        if (end == p || *end || !isfinite(v) || v < 0) {
            rc = cs_error_set(err, CS_ERR_INPUT, path, ln,
                              "not an arrival time (seconds, >= 0, one a line): %.40s", p);
            break;
        }
        if (k && v < t[k - 1]) {
            rc = cs_error_set(err, CS_ERR_INPUT, path, ln,
                              "arrival %g comes before the line above's %g: a trace is sorted", v,
                              t[k - 1]);
            break;
        }
        if (k == cap) {
            size_t nc = cap ? 2 * cap : 1024;
            double *nt = realloc(t, nc * sizeof *nt);
            if (!nt) {
                rc = cs_error_set(err, CS_ERR_NOMEM, path, ln, "out of memory");
                break;
            }
            t = nt;
            cap = nc;
        }
        t[k++] = v;
    }
    fclose(f);
    if (!rc && k == 0)
        rc = cs_error_set(err, CS_ERR_INPUT, path, 0, "the trace holds no arrival times");
    if (rc) {
        free(t);
        return rc;
    }
    *times = t;
    *n = k;
    return 0;
}

/* ---- cells over threads ------------------------------------------------------------------- */

typedef struct shared {
    const cs_experiment *ex;
    const double *trace;
    size_t ntrace, ncell;
    int keep_calls;
    cs_clock_result *res;
} shared;

/* Cell i, a task of the pool (which keeps the error of the first failing cell by cell order). */
static int work(void *arg, size_t worker, uint64_t task, cs_error *err)
{
    (void)worker;
    shared *sh = arg;
    const cs_experiment *ex = sh->ex;
    size_t i = (size_t)task;
    cs_clock_cell *cell = &sh->res->cell[i];
    int rc = cs_clock_cell_run(ex, &ex->serving, i / ex->nbudgets, i % ex->nbudgets,
                               sh->trace, sh->ntrace, sh->keep_calls, cell, err);
    if (!rc && !sh->keep_calls) {
        /* the rows are all that is left to read: many cells of many queries fit */
        size_t nbins = cs_experiment_nbins(ex);
        cs_latency_row *row = malloc((nbins + 1) * sizeof *row);
        for (size_t b = 0; row && b <= nbins; b++)
            cs_latency_summarize(ex, cell, b, ex->serving.slo, &row[b]);
        if (row && row[0].queries >= 0) {
            free(cell->q);
            cell->q = NULL;
            cell->row = row;
        } else {
            free(row);
        }
    }
    return rc;
}

int cs_clock_run(const cs_experiment *ex, int threads, int keep_calls, cs_clock_result *res,
                 cs_error *err)
{
    memset(res, 0, sizeof *res);
    if (!ex->serving.line)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, 0, "the clock needs a [serving] section");
    shared sh;
    memset(&sh, 0, sizeof sh);
    sh.ex = ex;
    sh.keep_calls = keep_calls;
    sh.res = res;
    double *trace = NULL;
    if (ex->serving.arrival == CS_ARRIVAL_TRACE) {
        int rc = cs_clock_read_trace(ex, &trace, &sh.ntrace, err);
        if (rc)
            return rc;
        sh.trace = trace;
    }
    sh.ncell = ex->nstrat * ex->nbudgets;
    res->cell = calloc(sh.ncell, sizeof *res->cell);
    if (!res->cell) {
        free(trace);
        return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
    }
    res->ncell = sh.ncell;
    threads = cs_pool_threads(threads, sh.ncell);
    int rc = cs_pool_for(sh.ncell, (size_t)threads, work, &sh, ex->file, err);
    free(trace);
    if (rc) {
        cs_clock_result_free(res);
        return rc;
    }
    return 0;
}

void cs_clock_result_free(cs_clock_result *res)
{
    for (size_t i = 0; i < res->ncell; i++)
        cs_clock_cell_free(&res->cell[i]);
    free(res->cell);
    memset(res, 0, sizeof *res);
}
