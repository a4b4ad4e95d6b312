/*
** The compute-optimal planner: every query's outcome under every strategy setting and budget,
** summed per half of the queries and per difficulty bin (oracle and predicted), then the best
** setting per (budget, bin) chosen on one half and scored on the other.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "callscale/memory.h"
#include "callscale/optimize.h"
#include "callscale/outfile.h"
#include "callscale/pool.h"
#include "callscale/population.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "lines.h"
#include "runner.h"

/* Scores are summed in fixed point, units of 2^-32, in 64-bit integers: integer addition is
** associative, so per-thread fold sums added in any order give the same totals, and the same bytes
** for any thread count. A query adds at most 2^32, so 2^31 queries fit. */
#define FIXED 4294967296.0

/* The bins a query belongs to: its oracle bin, its predicted bin among its own half (where it
** trains), among the other half's cut points (where it is scored), and among all queries (for the
** setting reported as the choice). */
enum { A_ORACLE, A_OWN, A_OTHER, A_ALL, A_N };

/* Two halves of the queries: even and odd indices (p does not depend on the index). */
#define FOLDS 2

typedef struct fold_sums {
    int64_t *sum;  /* [fold][assignment][bin][strategy][budget] */
    int64_t *n;    /* [fold][assignment][bin] */
    int64_t *large; /* [oracle bin]: the large model's accuracy in fixed point */
} fold_sums;

typedef struct job {
    const cs_experiment *ex;
    const cs_population *pop;
    size_t nbins, k;
    double *pred;     /* pass 1 output: a query's predictor */
    uint8_t *bin;     /* pass 2 input: [query][A_OWN..A_ALL] predicted bins */
    int pass;
    uint64_t nblocks;
} job;

/* Each thread's worker on cache lines of its own: its runner and fold sums are written all the time. */
typedef struct worker {
    _Alignas(CS_LINE) job *jb;
    cs_runner run;
    fold_sums t;
} worker;

static size_t sum_index(const job *jb, size_t fold, size_t a, size_t bin, size_t s, size_t b)
{
    const cs_experiment *ex = jb->ex;
    return (((fold * A_N + a) * jb->nbins + bin) * ex->nstrat + s) * ex->nbudgets + b;
}

static size_t n_index(const job *jb, size_t fold, size_t a, size_t bin)
{
    return (fold * A_N + a) * jb->nbins + bin;
}

/* The large model's p for a query at small-model p: the same quantile of its own law. */
static double large_p(const cs_experiment *ex, double p)
{
    const cs_large_model *m = &ex->large;
    if (m->p_kind == CS_P_FIXED)
        return m->p;
    double lo, hi;
    cs_population_cdf(ex, p, &lo, &hi);
    double u = 0.5 * (lo + hi);
    return u <= 0 ? 0 : u >= 1 ? 1 : gsl_cdf_beta_Pinv(u, m->a, m->b);
}

static void run_query(worker *w, uint64_t i)
{
    job *jb = w->jb;
    const cs_experiment *ex = jb->ex;
    cs_runner *run = &w->run;
    const cs_query *q = cs_runner_query(run, i);
    if (jb->pass == 1) {
        const double *sc = cs_samples_scores(&run->smp, jb->k);
        double m = 0;
        for (size_t j = 0; j < jb->k; j++)
            m += sc[j];
        jb->pred[i] = m / (double)jb->k;
        return;
    }
    size_t fold = i % FOLDS, nb = ex->nbudgets;
    size_t bins[A_N] = {q->bin, jb->bin[i * 3], jb->bin[i * 3 + 1], jb->bin[i * 3 + 2]};
    for (size_t a = 0; a < A_N; a++)
        w->t.n[n_index(jb, fold, a, bins[a])]++;
    if (ex->large.line)
        w->t.large[q->bin] += llround(large_p(ex, q->p) * FIXED);
    for (size_t s = 0; s < ex->nstrat; s++) {
        /* the runner gives each setting the stream the sweep gives it, so outcomes equal run's */
        cs_runner_strategy(run, s);
        for (size_t b = 0; b < nb; b++) {
            int64_t x = llround(run->score[b] * FIXED);
            for (size_t a = 0; a < A_N; a++)
                w->t.sum[sum_index(jb, fold, a, bins[a], s, b)] += x;
        }
    }
}

/* A block of queries, on worker t's runner and fold sums. */
static int run_block(void *arg, size_t t, uint64_t block, cs_error *err)
{
    (void)err;
    worker *w = (worker *)arg + t;
    uint64_t first = block * CS_SWEEP_BLOCK, last = first + CS_SWEEP_BLOCK;
    if (last > w->jb->ex->queries)
        last = w->jb->ex->queries;
    for (uint64_t i = first; i < last; i++)
        run_query(w, i);
    return 0;
}

static size_t nsums(const job *jb)
{
    return FOLDS * A_N * jb->nbins * jb->ex->nstrat * jb->ex->nbudgets;
}

static void worker_free(worker *w)
{
    cs_runner_free(&w->run);
    free(w->t.sum);
    free(w->t.n);
    free(w->t.large);
}

/* A worker: the sweep's query runner (samples kept one by one, for the predictor) and fold sums. */
static int worker_init(worker *w, job *jb)
{
    memset(w, 0, sizeof *w);
    w->jb = jb;
    w->t.sum = cs_lines_zalloc(nsums(jb), sizeof *w->t.sum);
    w->t.n = cs_lines_zalloc(FOLDS * A_N * jb->nbins, sizeof *w->t.n);
    w->t.large = cs_lines_zalloc(jb->nbins, sizeof *w->t.large);
    if (cs_runner_init(&w->run, jb->ex, jb->pop, 1) || !w->t.sum || !w->t.n || !w->t.large) {
        worker_free(w);
        return CS_ERR_NOMEM;
    }
    return 0;
}

/* Run one pass over every query on `threads` workers. */
static int run_pass(job *jb, worker *w, int threads, cs_error *err)
{
    return cs_pool_for(jb->nblocks, (size_t)threads, run_block, w, jb->ex->file, err);
}

/* ---- predicted bins ----------------------------------------------------------------------- */

typedef struct ranked {
    double pred;
    uint64_t query;
} ranked;

/* Larger predictor first (q1, p1 are the easiest); equal ones by index, so the order is total. */
static int by_pred_desc(const void *x, const void *y)
{
    const ranked *a = x, *b = y;
    if (a->pred != b->pred)
        return a->pred > b->pred ? -1 : 1;
    return a->query < b->query ? -1 : a->query > b->query;
}

/* Rank the queries of `fold` (all queries when fold = FOLDS) by predictor: bin of rank r among n
** is floor(r nbins / n); cut[j] is the predictor at the first rank of bin j. */
static int rank_bins(const job *jb, size_t fold, uint8_t *out, size_t slot, double *cut)
{
    uint64_t nq = jb->ex->queries, n = 0;
    for (uint64_t i = 0; i < nq; i++)
        n += fold == FOLDS || i % FOLDS == fold;
    ranked *idx = malloc((n ? n : 1) * sizeof *idx);
    if (!idx)
        return CS_ERR_NOMEM;
    n = 0;
    for (uint64_t i = 0; i < nq; i++)
        if (fold == FOLDS || i % FOLDS == fold)
            idx[n++] = (ranked){jb->pred[i], i};
    qsort(idx, n, sizeof *idx, by_pred_desc);
    for (size_t j = 0; cut && j < jb->nbins; j++)
        cut[j] = INFINITY;
    for (uint64_t r = 0; r < n; r++) {
        size_t bin = (size_t)(r * jb->nbins / n);
        out[idx[r].query * 3 + slot] = (uint8_t)bin;
        if (cut && bin > 0 && cut[bin] == INFINITY)
            cut[bin] = idx[r].pred;
    }
    free(idx);
    return 0;
}

/* Bin of predictor x among another half's cut points: past every cut it reaches. */
static size_t cut_bin(const double *cut, size_t nbins, double x)
{
    size_t bin = 0;
    for (size_t j = 1; j < nbins; j++)
        if (cut[j] != INFINITY && x <= cut[j])
            bin = j;
    return bin;
}

static int predicted_bins(job *jb)
{
    double cut[FOLDS][256];
    int rc = rank_bins(jb, FOLDS, jb->bin, 2, NULL);
    for (size_t f = 0; !rc && f < FOLDS; f++)
        rc = rank_bins(jb, f, jb->bin, 0, cut[f]);
    if (rc)
        return rc;
    for (uint64_t i = 0; i < jb->ex->queries; i++)
        jb->bin[i * 3 + 1] = (uint8_t)cut_bin(cut[(i + 1) % FOLDS], jb->nbins, jb->pred[i]);
    return 0;
}

/* ---- the planner ---------------------------------------------------------------------------- */

typedef struct totals {
    const job *jb;
    const int64_t *sum, *n;
} totals;

/* Sum over folds in [f0, f1) and, with bin = SIZE_MAX, over all bins. */
static int64_t tsum(const totals *t, size_t f0, size_t f1, size_t a, size_t bin, size_t s, size_t b)
{
    int64_t x = 0;
    for (size_t f = f0; f < f1; f++)
        for (size_t j = 0; j < t->jb->nbins; j++)
            if (bin == SIZE_MAX || bin == j)
                x += t->sum[sum_index(t->jb, f, a, j, s, b)];
    return x;
}

static int64_t tn(const totals *t, size_t f0, size_t f1, size_t a, size_t bin)
{
    int64_t x = 0;
    for (size_t f = f0; f < f1; f++)
        for (size_t j = 0; j < t->jb->nbins; j++)
            if (bin == SIZE_MAX || bin == j)
                x += t->n[n_index(t->jb, f, a, j)];
    return x;
}

/* The setting with the largest total score (all settings see the same queries); ties go to the
** first in the file, and an empty cell to the baseline. */
static size_t choose(const totals *t, size_t f0, size_t f1, size_t a, size_t bin, size_t b,
                     size_t baseline)
{
    if (tn(t, f0, f1, a, bin) == 0)
        return baseline;
    size_t best = 0;
    int64_t top = INT64_MIN;
    for (size_t s = 0; s < t->jb->ex->nstrat; s++) {
        int64_t x = tsum(t, f0, f1, a, bin, s, b);
        if (x > top) {
            top = x;
            best = s;
        }
    }
    return best;
}

static void plan(const totals *t, cs_optimize *o)
{
    const job *jb = t->jb;
    size_t nb = jb->ex->nbudgets;
    /* the assignment a bin's choice is trained on, and the one it is scored on */
    static const size_t train[CS_BINNINGS] = {A_ORACLE, A_ORACLE, A_OWN};
    static const size_t eval[CS_BINNINGS] = {A_ORACLE, A_ORACLE, A_OTHER};
    static const size_t whole[CS_BINNINGS] = {A_ORACLE, A_ORACLE, A_ALL};
    for (int x = 0; x < CS_BINNINGS; x++)
        for (size_t b = 0; b < nb; b++) {
            int64_t all_sum = 0, all_base = 0, all_n = 0;
            size_t nbins = x == CS_BIN_NONE ? 1 : jb->nbins;
            for (size_t j = 0; j < nbins; j++) {
                size_t bin = x == CS_BIN_NONE ? SIZE_MAX : j;
                int64_t sum = 0, base = 0, n = 0;
                for (size_t f = 0; f < FOLDS; f++) {
                    size_t g = (f + 1) % FOLDS; /* train on the other half */
                    size_t s = choose(t, g, g + 1, train[x], bin, b, o->baseline);
                    sum += tsum(t, f, f + 1, eval[x], bin, s, b);
                    base += tsum(t, f, f + 1, eval[x], bin, o->baseline, b);
                    n += tn(t, f, f + 1, eval[x], bin);
                }
                cs_frontier_point *pt = cs_optimize_point(o, x, b, x == CS_BIN_NONE ? 0 : j + 1);
                pt->strategy = (long)choose(t, 0, FOLDS, whole[x], bin, b, o->baseline);
                pt->accuracy = n ? (double)sum / FIXED / (double)n : NAN;
                pt->baseline = n ? (double)base / FIXED / (double)n : NAN;
                pt->queries = (double)n;
                all_sum += sum;
                all_base += base;
                all_n += n;
            }
            if (x != CS_BIN_NONE) {
                cs_frontier_point *pt = cs_optimize_point(o, x, b, 0);
                pt->strategy = -1;
                pt->accuracy = all_n ? (double)all_sum / FIXED / (double)all_n : NAN;
                pt->baseline = all_n ? (double)all_base / FIXED / (double)all_n : NAN;
                pt->queries = (double)all_n;
            }
        }
}

/* The budget at which a frontier first reaches `target`, log-linear between budgets. */
static double reach(const cs_experiment *ex, const cs_optimize *o, int x, double target, int *low)
{
    *low = 0;
    for (size_t b = 0; b < ex->nbudgets; b++) {
        double a = cs_optimize_point(o, x, b, 0)->accuracy;
        if (!(a >= target))
            continue;
        if (b == 0) {
            *low = 1;
            return (double)ex->budgets[0];
        }
        double a0 = cs_optimize_point(o, x, b - 1, 0)->accuracy;
        double l0 = log((double)ex->budgets[b - 1]), l1 = log((double)ex->budgets[b]);
        return exp(l0 + (target - a0) / (a - a0) * (l1 - l0));
    }
    return NAN;
}

double cs_optimize_at(const cs_experiment *ex, const cs_optimize *o, int binning, size_t bin,
                      double x, int *inside)
{
    size_t nb = ex->nbudgets;
    *inside = x >= (double)ex->budgets[0] && x <= (double)ex->budgets[nb - 1];
    if (x <= (double)ex->budgets[0])
        return cs_optimize_point(o, binning, 0, bin)->accuracy;
    for (size_t b = 1; b < nb; b++)
        if (x <= (double)ex->budgets[b]) {
            double a0 = cs_optimize_point(o, binning, b - 1, bin)->accuracy;
            double a1 = cs_optimize_point(o, binning, b, bin)->accuracy;
            double l0 = log((double)ex->budgets[b - 1]), l1 = log((double)ex->budgets[b]);
            return a0 + (a1 - a0) * (log(x) - l0) / (l1 - l0);
        }
    return cs_optimize_point(o, binning, nb - 1, bin)->accuracy;
}

double cs_optimize_flops_multiplier(double M, double R)
{
    return M + 3.0 / R * (M - 1);
}

/* ---- running it ------------------------------------------------------------------------------ */

static long find_baseline(const cs_experiment *ex)
{
    static const char *const order[] = {"best_of_n", "weighted_vote"};
    for (size_t k = 0; k < 2; k++)
        for (size_t s = 0; s < ex->nstrat; s++)
            if (strcmp(ex->strat[s].type->name, order[k]) == 0)
                return (long)s;
    return -1;
}

int cs_optimize_run(const cs_experiment *ex, const cs_optimize_options *opt, cs_optimize *out,
                    cs_error *err)
{
    memset(out, 0, sizeof *out);
    size_t nbins = cs_experiment_nbins(ex), nb = ex->nbudgets, kmax = ex->budgets[nb - 1];
    long base = opt->baseline >= 0 ? opt->baseline : find_baseline(ex);
    if (base < 0 || (size_t)base >= ex->nstrat)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->line,
                            "optimize compares against best-of-n: the experiment needs a "
                            "[strategy.best_of_n] or [strategy.weighted_vote] (or name another "
                            "with --baseline)");
    int bad = cs_samples_check(ex, 1, err);
    if (bad)
        return bad;
    if (opt->predictor < 1 || opt->predictor > kmax)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->budgets_line,
                            "the predictor reads a query's first %zu samples, but the largest "
                            "budget is %zu", opt->predictor, kmax);
    if (ex->queries < 2 * nbins)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->line,
                            "optimize needs at least two queries per bin in each half (queries = "
                            "%llu)", (unsigned long long)ex->queries);
    job jb;
    memset(&jb, 0, sizeof jb);
    jb.ex = ex;
    jb.nbins = nbins;
    jb.k = opt->predictor;
    jb.nblocks = (ex->queries + CS_SWEEP_BLOCK - 1) / CS_SWEEP_BLOCK;
    int threads = cs_pool_threads(opt->threads, jb.nblocks);
    if (cs_memory_check(ex, threads, 1, err))
        return CS_ERR_INPUT;
    out->nbudgets = nb;
    out->nbins = nbins;
    out->baseline = (size_t)base;
    out->point = calloc(CS_BINNINGS * nb * (nbins + 1), sizeof *out->point);
    out->large_accuracy = calloc(nbins + 1, sizeof *out->large_accuracy);
    jb.pred = malloc(ex->queries * sizeof *jb.pred);
    jb.bin = malloc(ex->queries * 3);
    worker *w = cs_lines_zalloc((size_t)threads, sizeof *w);
    jb.pop = cs_population_new(ex, err);
    int rc = out->point && out->large_accuracy && jb.pred && jb.bin && w && jb.pop ? 0 : CS_ERR_NOMEM;
    int ready = 0, pool_rc = 0;
    for (; !rc && ready < threads; ready++)
        if ((rc = worker_init(&w[ready], &jb)))
            break; /* it freed its own */
    if (!rc) {
        jb.pass = 1;
        pool_rc = run_pass(&jb, w, threads, err);
        if (!pool_rc)
            rc = predicted_bins(&jb);
        jb.pass = 2;
        if (!pool_rc && !rc)
            pool_rc = run_pass(&jb, w, threads, err);
    }
    if (!rc && !pool_rc) {
        /* add the workers' fold sums into the first */
        fold_sums *t0 = &w[0].t;
        for (int k = 1; k < threads; k++) {
            for (size_t i = 0; i < nsums(&jb); i++)
                t0->sum[i] += w[k].t.sum[i];
            for (size_t i = 0; i < FOLDS * A_N * nbins; i++)
                t0->n[i] += w[k].t.n[i];
            for (size_t i = 0; i < nbins; i++)
                t0->large[i] += w[k].t.large[i];
        }
        totals t = {&jb, t0->sum, t0->n};
        plan(&t, out);
        size_t last = nb - 1;
        double target = cs_optimize_point(out, CS_BIN_NONE, last, 0)->baseline;
        double at = reach(ex, out, CS_BIN_PREDICTED, target, &out->efficiency_low);
        out->efficiency = (double)ex->budgets[last] / at;
        at = reach(ex, out, CS_BIN_ORACLE, target, &out->efficiency_oracle_low);
        out->efficiency_oracle = (double)ex->budgets[last] / at;
        int64_t all = 0, n_all = 0;
        for (size_t j = 0; j < nbins; j++) {
            int64_t n = tn(&t, 0, FOLDS, A_ORACLE, j);
            out->large_accuracy[j + 1] = n ? (double)t0->large[j] / FIXED / (double)n : NAN;
            all += t0->large[j];
            n_all += n;
        }
        out->large_accuracy[0] = n_all ? (double)all / FIXED / (double)n_all : NAN;
    }
    for (int k = 0; k < ready; k++)
        worker_free(&w[k]);
    free(w);
    free(jb.pred);
    free(jb.bin);
    cs_population_free((cs_population *)jb.pop);
    if (rc || pool_rc) {
        cs_optimize_free(out);
        if (rc == CS_ERR_NOMEM)
            cs_error_set(err, rc, ex->file, 0, "out of memory");
    }
    return rc ? rc : pool_rc;
}

void cs_optimize_free(cs_optimize *o)
{
    free(o->point);
    free(o->large_accuracy);
    o->point = NULL;
    o->large_accuracy = NULL;
}

/* ---- output ---------------------------------------------------------------------------------- */

static int write_atomic(const char *path, cs_error *err,
                        void (*body)(FILE *, const cs_experiment *, const cs_optimize *),
                        const cs_experiment *ex, const cs_optimize *o)
{
    cs_outfile out;
    if (cs_outfile_open(&out, NULL, path, err))
        return CS_ERR_IO;
    body(out.f, ex, o);
    return cs_outfile_close(&out, err);
}

static const char *const binning_prefix[CS_BINNINGS] = {"", "oracle:", "predicted:"};

static void frontier_body(FILE *f, const cs_experiment *ex, const cs_optimize *o)
{
    fprintf(f, "budget,bin,strategy,setting,accuracy,baseline_accuracy\n");
    for (int x = 0; x < CS_BINNINGS; x++)
        for (size_t bin = 0; bin <= (x == CS_BIN_NONE ? 0 : o->nbins); bin++)
            for (size_t b = 0; b < o->nbudgets; b++) {
                const cs_frontier_point *pt = cs_optimize_point(o, x, b, bin);
                char name[CS_NAME_MAX + 16];
                if (bin == 0)
                    snprintf(name, sizeof name, "%sall", binning_prefix[x]);
                else if (x == CS_BIN_ORACLE) {
                    char bn[CS_NAME_MAX];
                    cs_experiment_bin_name(ex, bin - 1, bn, sizeof bn);
                    snprintf(name, sizeof name, "oracle:%s", bn);
                } else
                    snprintf(name, sizeof name, "predicted:p%zu", bin);
                const char *st = "planner", *set = "per_bin";
                if (pt->strategy >= 0) {
                    st = ex->strat[pt->strategy].type->name;
                    set = ex->strat[pt->strategy].label;
                }
                fprintf(f, "%zu,%s,%s,%s,%.10f,%.10f\n", ex->budgets[b], name, st, set,
                        pt->accuracy, pt->baseline);
            }
}

void cs_optimize_print_csv(const cs_experiment *ex, const cs_optimize *o, FILE *f)
{
    frontier_body(f, ex, o);
}

int cs_optimize_write_csv(const cs_experiment *ex, const cs_optimize *o, const char *path,
                          cs_error *err)
{
    return write_atomic(path, err, frontier_body, ex, o);
}

static void exchange_body(FILE *f, const cs_experiment *ex, const cs_optimize *o)
{
    const cs_large_model *m = &ex->large;
    double M = m->params / ex->global.gen_params;
    fprintf(f, "ratio,multiplier,bin,test_time_accuracy,large_model_accuracy,extrapolated\n");
    for (size_t r = 0; r < m->nratio; r++) {
        double X = cs_optimize_flops_multiplier(M, m->ratio[r]);
        for (size_t bin = 0; bin <= o->nbins; bin++) {
            char name[CS_NAME_MAX] = "all";
            if (bin > 0)
                cs_experiment_bin_name(ex, bin - 1, name, sizeof name);
            int inside;
            double a = cs_optimize_at(ex, o, CS_BIN_ORACLE, bin, X, &inside);
            fprintf(f, "%.15g,%.10g,%s,%.10f,%.10f,%d\n", m->ratio[r], X, name, a,
                    o->large_accuracy[bin], !inside);
        }
    }
}

int cs_optimize_write_exchange(const cs_experiment *ex, const cs_optimize *o, const char *path,
                               cs_error *err)
{
    return write_atomic(path, err, exchange_body, ex, o);
}
