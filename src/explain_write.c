/*
** Explain's text: the report `callscale explain` prints and the teaching page shows, written to
** a stream the caller gives.
*/
#include <stdio.h>
#include "callscale/explain.h"
#include "callscale/rules.h"

int cs_explain_write(const cs_experiment *ex, const cs_explain *e, FILE *f)
{
    fprintf(f, "%s: %zu component%s, answers = ", ex->name, ex->ncomp, ex->ncomp == 1 ? "" : "s");
    if (ex->answers)
        fprintf(f, "%d\n", ex->answers);
    else
        fprintf(f, "open\n");
    fprintf(f, "A query is easy when its correct answer is the unique most likely answer: more votes\n"
               "push easy queries toward 100%% and the others toward 0%%.\n\n");
    fprintf(f, "%-16s %7s  %-34s %8s %13s\n", "component", "weight", "p", "easy", "vote K->inf");
    for (size_t k = 0; k < ex->ncomp; k++) {
        char p[64];
        cs_rules_describe_p(&ex->comp[k], p, sizeof p);
        fprintf(f, "%-16s %7.4f  %-34s %8.4f %13.4f%s\n", ex->comp[k].name, ex->comp[k].share, p,
                e->comp[k].easy, e->comp[k].limit,
                e->comp[k].estimated ? "  (estimated from " CS_EXPLAIN_DRAWS_TEXT " draws)" : "");
    }
    fprintf(f, "%-16s %7.4f  %-34s %8.4f %13.4f\n", "overall", 1.0, "", e->easy, e->limit);
    if (e->shape != CS_SHAPE_NONE) {
        fprintf(f, "\nTwo-level binary population: alpha = %g easy queries with p1 = %g, the rest "
                   "with p2 = %g.\n", e->alpha, e->p1, e->p2);
        fprintf(f, "t = %.6g, threshold 1 - 1/t = %.6g; p1 + p2 %s 1 and alpha %s threshold:\n",
                e->t, e->threshold, e->p1 + e->p2 > 1 ? ">" : e->p1 + e->p2 < 1 ? "<" : "=",
                e->alpha > e->threshold ? ">" : "<=");
        fprintf(f, "shape: %s", cs_explain_shape_name(e->shape));
        if (e->shape == CS_SHAPE_RISE_FALL)
            fprintf(f, ", K* = %.4f, best odd K = %ld (then falls toward %.4f)\n", e->kstar,
                    e->best_k, e->limit);
        else if (e->shape == CS_SHAPE_FALL_RISE)
            fprintf(f, ", K* = %.4f, worst odd K = %ld (then rises toward %.4f)\n", e->kstar,
                    e->best_k, e->limit);
        else
            fprintf(f, " (toward %.4f)\n", e->limit);
    }
    return ferror(f) ? -1 : 0;
}
