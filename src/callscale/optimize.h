/*
** The compute-optimal planner (Snell et al. 2024): for each budget and difficulty bin, the best of
** an experiment's strategy settings, chosen on one half of the queries and scored on the other.
*/
#ifndef CALLSCALE_OPTIMIZE_H
#define CALLSCALE_OPTIMIZE_H

#include <stddef.h>
#include <stdio.h>
#include "callscale/experiment.h"

/* How the planner knows a query's difficulty: not at all (one setting for every query), by the
** oracle bins of the experiment (true p), or by bins of a predictor it can compute. */
enum cs_binning { CS_BIN_NONE, CS_BIN_ORACLE, CS_BIN_PREDICTED, CS_BINNINGS };

typedef struct cs_optimize_options {
    int threads;         /* <= 0: one per core; results are identical for any count */
    size_t predictor;    /* k: a query's predicted difficulty is the mean score of its first k samples */
    long baseline;       /* index into ex->strat, or -1: the first best_of_n, else weighted_vote */
} cs_optimize_options;

#define CS_OPTIMIZE_PREDICTOR 4

/* One frontier cell: a budget and a bin (0 = all queries) under one binning. */
typedef struct cs_frontier_point {
    long strategy;   /* the setting chosen on all queries (index into ex->strat); -1 for the
                     ** whole-population row of a per-bin planner, which mixes the bins' choices */
    double accuracy; /* held out: each half of the queries scored with the choices made on the other */
    double baseline; /* the baseline's accuracy on the same queries */
    double queries;
} cs_frontier_point;

typedef struct cs_optimize {
    size_t nbudgets, nbins;
    size_t baseline;          /* index into ex->strat */
    cs_frontier_point *point; /* see cs_optimize_point */
    /* Largest budget N over the budget at which the predicted-bin planner reaches the baseline's
    ** accuracy at N (log-linear between budgets); NAN when it never does. `efficiency_low` is set
    ** when it already does at the smallest budget, so the factor is only a lower bound. */
    double efficiency, efficiency_oracle;
    int efficiency_low, efficiency_oracle_low;
    /* with a [large_model]: its mean accuracy per oracle bin (0 = all) */
    double *large_accuracy;
} cs_optimize;

int cs_optimize_run(const cs_experiment *ex, const cs_optimize_options *opt, cs_optimize *out,
                    cs_error *err);
void cs_optimize_free(cs_optimize *o);

static inline cs_frontier_point *cs_optimize_point(const cs_optimize *o, int binning, size_t b,
                                                   size_t bin)
{
    return &o->point[((size_t)binning * o->nbudgets + b) * (o->nbins + 1) + bin];
}

/* Accuracy of a binning's frontier at a fractional budget x, linear in log budget between the
** experiment's budgets (the end values outside them); *inside = 0 when x is outside. */
double cs_optimize_at(const cs_experiment *ex, const cs_optimize *o, int binning, size_t bin,
                      double x, int *inside);

/* frontier.csv's text into f. */
void cs_optimize_print_csv(const cs_experiment *ex, const cs_optimize *o, FILE *f);

/* DIR/frontier.csv: budget,bin,strategy,setting,accuracy,baseline_accuracy. Bins are "all" (one
** setting for every query), "oracle:all" and "oracle:BIN", "predicted:all" and "predicted:pI". */
int cs_optimize_write_csv(const cs_experiment *ex, const cs_optimize *o, const char *path,
                          cs_error *err);

/* DIR/exchange.csv with a [large_model]: per ratio R and oracle bin, the small model's frontier at
** the FLOPs-matched budget against the large model's accuracy. */
int cs_optimize_write_exchange(const cs_experiment *ex, const cs_optimize *o, const char *path,
                               cs_error *err);

/* Snell et al.'s exchange rate: pretraining costs 6 N D_pretrain FLOPs and inference 2 N D_inference,
** so a model M times larger costs as much, in all, as the small model spending
** M + 3 (D_pretrain / D_inference) (M - 1) times its inference compute; R = D_inference / D_pretrain. */
double cs_optimize_flops_multiplier(double M, double R);

#endif
