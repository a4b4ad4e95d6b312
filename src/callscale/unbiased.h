/*
** Unbiased estimates of a strategy's accuracy at k samples straight from a log of n >= k samples
** per query: pass@k (coverage) and vote@k, both over k of the n samples drawn without replacement.
*/
#ifndef CALLSCALE_UNBIASED_H
#define CALLSCALE_UNBIASED_H

#include <stddef.h>
#include "callscale/error.h"
#include "callscale/logfile.h"

/* 1 - C(n-c,k)/C(n,k) for one query with c of its n samples correct (0 when k > n is asked). */
double cs_unbiased_pass(size_t n, size_t c, size_t k);

/* E[score of majority vote over k of a query's samples drawn without replacement], a tie among t
** answers scoring (right answers among them)/t. count[j] samples gave answer j, right[j] says if j
** is right; k <= the sum of counts. */
double cs_unbiased_vote(const size_t *count, const unsigned char *right, size_t nans, size_t k);

/* Means over a log's queries; NAN when some query has fewer than k samples (or, for vote, the log
** has no answers). For vote the right labels of a query count as one answer, as in a log
** population (callscale's model has one right answer per query). */
double cs_unbiased_log_pass(const cs_log *log, size_t k);
double cs_unbiased_log_vote(const cs_log *log, size_t k);

/* For an experiment with log components (data = FILE): DIR/logged.csv, in results.csv's columns,
** the logs' own unbiased coverage and vote at the experiment's budgets within the logged count,
** for its coverage and vote settings: per log component (as bins, with bins = components) and
** for the whole population when every component is a log; ci from the spread over the logged
** queries. Nothing is written when no component is a log. 0, or non-zero with err filled. */
struct cs_experiment;
int cs_unbiased_write_logged(const struct cs_experiment *ex, const char *dir, cs_error *err);

#endif
