/*
** The latent model fitted to a per-sample log (DESIGN.md section 7): a beta-binomial mixture for
** the per-call accuracy p, with point masses at 0 and 1, and the Dirichlet-process concentration
** of wrong answers; maximum likelihood, BIC for the number of components, bootstrap intervals.
*/
#ifndef CALLSCALE_FIT_H
#define CALLSCALE_FIT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "callscale/error.h"
#include "callscale/logfile.h"

/* Beta components BIC chooses among (--components may ask for up to this many). */
#define CS_FIT_MAX_BETAS 3
/* Bootstrap refits by default: enough for 2.5% and 97.5% percentiles to move by < 0.01. */
#define CS_FIT_BOOT 200

/* One mixture for p: nbeta Betas, then optionally a point mass at 0 and one at 1. */
typedef struct cs_fit_model {
    int nbeta, mass0, mass1;
    double w[CS_FIT_MAX_BETAS]; /* the Betas' weights (all weights sum to 1) */
    double a[CS_FIT_MAX_BETAS], b[CS_FIT_MAX_BETAS]; /* sorted by mean a/(a+b), lowest first */
    double w0, w1;              /* weights of the masses at 0 and 1 (0 when absent) */
    double loglik, bic;
    int nparam;
} cs_fit_model;

typedef struct cs_fit_options {
    size_t samples;  /* fit on the first K samples of each query; 0: all */
    int components;  /* Beta components; 0: chosen by BIC from 1..CS_FIT_MAX_BETAS */
    int fixed_masses; /* 0: BIC chooses the masses at 0 and 1; 1: mass0 and mass1 say */
    int mass0, mass1;
    size_t boot;     /* bootstrap refits; 0: none */
    uint64_t seed;   /* of the bootstrap's resampling of queries */
} cs_fit_options;

/* The candidates BIC compared: every nbeta x mass0 x mass1 tried. */
#define CS_FIT_MAX_CANDIDATES (CS_FIT_MAX_BETAS * 4)

typedef struct cs_fit {
    size_t nq, nmax;      /* queries, and the most samples any query has in the whole log */
    size_t nfit;          /* the most samples per query the fit used */
    cs_fit_model best;
    cs_fit_model cand[CS_FIT_MAX_CANDIDATES];
    size_t ncand;
    int answers;          /* the log has answers: conc was fitted */
    double conc;          /* DP concentration of wrong answers; INFINITY: they never coincide */
    size_t nboot;
    cs_fit_model *boot;   /* nboot refits of best's structure on queries drawn with replacement */
    double *boot_conc;
} cs_fit;

/* Fit log under opt. Returns 0, or non-zero with err filled. */
int cs_fit_run(const cs_log *log, const cs_fit_options *opt, cs_fit *fit, cs_error *err);
void cs_fit_free(cs_fit *fit);

/* E[pass@k] under m: 1 - E[(1-p)^k]. */
double cs_fit_coverage(const cs_fit_model *m, double k);

/* Parameters of a model as named rows (name, value): "beta1.weight", "beta1.a", ..., "mass0.weight".
** Returns how many (at most CS_FIT_MAX_PARAMS), filling names (each CS_FIT_NAME) and values. */
#define CS_FIT_MAX_PARAMS (3 * CS_FIT_MAX_BETAS + 3)
#define CS_FIT_NAME 32
size_t cs_fit_params(const cs_fit_model *m, char names[][CS_FIT_NAME], double *values);

/* Write a ready experiment with the fitted population: coverage (and vote with answers) at budgets
** text (e.g. "1..10000 x2"), queries per run. */
int cs_fit_write_experiment(const cs_fit *fit, const char *name, const char *budgets,
                            unsigned long long queries, FILE *f);

#endif
