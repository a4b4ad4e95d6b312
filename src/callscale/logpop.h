/*
** Logs as population components (DESIGN.md section 7): `[population.NAME] data = FILE`, each
** simulated query one of the log's queries, its samples drawn from that query's logged samples
** with replacement (`draw = replace`) or without (`draw = subsample`).
*/
#ifndef CALLSCALE_LOGPOP_H
#define CALLSCALE_LOGPOP_H

#include <stddef.h>
#include <stdint.h>
#include "callscale/error.h"
#include "callscale/logfile.h"

enum cs_draw { CS_DRAW_REPLACE, CS_DRAW_SUBSAMPLE };

typedef struct cs_logpop {
    cs_log log;
    int draw;          /* enum cs_draw */
    uint16_t *slot;    /* per logged sample, its answer slot: 0 right, wrong labels from 1, or the
                       ** novel slot 1 when the log has no answers (wrong samples never coincide) */
    double *p;         /* per query: the share of its samples that are right */
    size_t *nslots;    /* per query: answer slots */
    size_t maxslots;   /* the most slots of any query */
    size_t minn, maxn; /* the fewest and the most samples of a query */
    double *sorted_p;  /* p sorted, for the CDF */
} cs_logpop;

/* Read the log at path for a component; 0, or non-zero with err naming the log's file and line. */
int cs_logpop_load(cs_logpop **out, const char *path, int draw, cs_error *err);
void cs_logpop_free(cs_logpop *lp);

/* The logged query a simulated query `index` stands for: queries are taken in turn (index modulo
** the log's count), so a run over as many queries as the log has visits each once, and each is
** equally likely whichever indices fall to this component. */
static inline size_t cs_logpop_pick(const cs_logpop *lp, uint64_t index)
{
    return (size_t)(index % lp->log.nq);
}

/* Read component cp's log (cp->data) and check it against the experiment (no [steps]; budgets
** within the logged count when drawing without replacement); 0, or non-zero with err filled. */
struct cs_experiment;
struct cs_component;
int cs_logpop_attach(struct cs_experiment *ex, struct cs_component *cp, cs_error *err);

/* Share of logged queries with p < x (lo) and p <= x (hi). */
void cs_logpop_cdf(const cs_logpop *lp, double x, double *lo, double *hi);

#endif
