/*
** Calibration (DESIGN.md section 7): an experiment's free parameters, named with bounds in its
** [calibrate] section, fitted to target points by least squares with common random numbers, and
** profile intervals for the fitted values.
*/
#ifndef CALLSCALE_CALIBRATE_H
#define CALLSCALE_CALIBRATE_H

#include <stddef.h>
#include "callscale/error.h"
#include "callscale/experiment.h"
#include "callscale/results.h"

#define CS_CALIB_MAX_FREE 8
#define CS_CALIB_KEY 160

enum cs_calib_mode { CS_CALIB_AUTO, CS_CALIB_RUN, CS_CALIB_EXACT };

typedef struct cs_calib_free {
    char key[CS_CALIB_KEY]; /* as written: section.key, or population.NAME.p_correct.a / .b */
    char comp[CS_NAME_MAX]; /* for a Beta's .a or .b: the component */
    char part;              /* 'a', 'b', or 0 for a plain key */
    double lo, hi;
    int line;
    double start, value, ci_lo, ci_hi; /* ci: NAN when there are too few targets */
} cs_calib_free;

typedef struct cs_calib_target {
    size_t strat, budget, bin; /* indices into the experiment; bin 0 = all */
    int has_target;            /* an empty accuracy: predicted with an interval, not fitted */
    double target, precision;  /* precision 0: none given */
    int line;
    double fitted, ci_lo, ci_hi;
} cs_calib_target;

typedef struct cs_calibration {
    char experiment[512], targets[512];
    int mode;      /* enum cs_calib_mode as asked; exact is chosen by `auto` when it applies */
    int exact;     /* the objective uses exact mode */
    cs_calib_free fr[CS_CALIB_MAX_FREE];
    size_t nfree;
    cs_calib_target *t;
    size_t nt, nfitted;
    int weighted;  /* every fitted target has a precision: chi-square, else least squares */
    double sse;    /* the minimum: sum of squared (weighted) residuals */
    size_t evals;
    int threads;
} cs_calibration;

/* Progress, called after each evaluation of the objective. */
typedef void (*cs_calib_progress_fn)(void *data, const char *phase, size_t evals, double sse);

/* Read experiment's [calibrate] section and the targets; check every free key and every target
** against the experiment. 0, or non-zero with err naming the file and line. */
int cs_calibrate_load(cs_calibration *c, const char *experiment, const char *targets,
                      cs_error *err);
void cs_calibrate_free(cs_calibration *c);

/* Minimise, then the profile intervals; fills the free parameters and the targets' fitted values. */
int cs_calibrate_run(cs_calibration *c, cs_calib_progress_fn progress, void *pdata, cs_error *err);

/* The experiment at the fitted values (loaded with --set overrides) and its results. */
int cs_calibrate_result(const cs_calibration *c, cs_experiment *ex, cs_results *res, cs_error *err);

#endif
