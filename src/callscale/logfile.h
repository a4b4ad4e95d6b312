/*
** Per-sample logs of a real model (DESIGN.md section 7): query,sample,correct and optionally
** answer, score and tokens, read into queries whose samples are in sample order.
*/
#ifndef CALLSCALE_LOGFILE_H
#define CALLSCALE_LOGFILE_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "callscale/error.h"

typedef struct cs_log {
    char file[512];
    size_t nq;         /* queries, in order of first appearance */
    char **qname;      /* each query's label as logged */
    size_t *start;     /* nq + 1 offsets: query i's samples are start[i] .. start[i+1]-1 */
    size_t nsamples;
    unsigned char *correct;
    int *answer;       /* per sample, an answer id unique within its query (from 0), or NULL */
    double *score;     /* per sample, or NULL */
    double *tokens;    /* per sample, or NULL */
} cs_log;

/* Read a log. On error returns non-zero and fills err with the file, the line and the column. */
int cs_log_read(cs_log *log, const char *path, cs_error *err);
void cs_log_free(cs_log *log);

/* Samples of query i. */
static inline size_t cs_log_count(const cs_log *log, size_t i)
{
    return log->start[i + 1] - log->start[i];
}

/* A log drawn from experiment ex (which needs no [steps]): nq queries of its population with n
** samples each, answers labelled by first appearance, scores from its verifier; deterministic in
** seed. For testing fits and log populations against a known truth. */
struct cs_experiment;
int cs_log_simulate(cs_log *log, const struct cs_experiment *ex, size_t nq, size_t n, uint64_t seed,
                    cs_error *err);

/* Write a log as CSV (query,sample,correct[,answer][,score]); 0, or -1 on a write error. */
int cs_log_write(const cs_log *log, FILE *f);

#endif
