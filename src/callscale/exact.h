/*
** Exact mode: the curves of run without sampling, by binomial and multinomial sums per query and
** quadrature over beta components, for the strategies and populations that allow it.
*/
#ifndef CALLSCALE_EXACT_H
#define CALLSCALE_EXACT_H

#include "callscale/experiment.h"
#include "callscale/results.h"

/* Budgets above this need the multinomial sums beyond long double's range when M > 2. */
#define CS_EXACT_MAX_BUDGET_MULTI 1500
/* More wrong answers than this make the tie-tracking sums too slow to be useful. */
#define CS_EXACT_MAX_WRONG 64

/* Fill res (initialised for ex) with exact accuracies. Anything without an exact form gives
** CS_ERR_UNSUPPORTED and an error naming the part (file:line) and why. */
int cs_exact_run(const cs_experiment *ex, cs_results *res, cs_error *err);

#endif
