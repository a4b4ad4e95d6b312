/*
** The accuracy summary: a run's whole-population accuracy per setting and budget (its results.csv
** read back by results_read.c), as text.
*/
#include <stdlib.h>
#include <string.h>
#include "callscale/summary.h"
#include "grow.h"
#include "results_read.h"

void cs_summary_free(cs_summary *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->row[i].setting);
    free(t->row);
    t->row = NULL;
    t->n = t->cap = 0;
}

int cs_summary_read(cs_summary *t, const char *dir, cs_error *err)
{
    memset(t, 0, sizeof *t);
    cs_results_file f;
    int rc = cs_results_read(&f, dir, err);
    if (rc)
        return rc;
    for (size_t i = 0; i < f.n && !rc; i++) {
        const cs_results_curve *c = &f.c[i];
        if (strcmp(c->bin, "all") != 0)
            continue;
        int dflt = strcmp(c->setting, "default") == 0;
        for (size_t j = 0; j < c->n && !rc; j++) {
            int full = cs_grow(&t->row, &t->cap, t->n, sizeof *t->row);
            char *name = full ? NULL : malloc(strlen(c->strategy) + strlen(c->setting) + 2);
            if (!name) {
                rc = cs_error_set(err, CS_ERR_NOMEM, f.path, 0, "out of memory");
                break;
            }
            sprintf(name, dflt ? "%s" : "%s:%s", c->strategy, c->setting);
            const cs_results_point *p = &c->pt[j];
            t->row[t->n] = (cs_summary_row){name, (size_t)p->budget, p->acc, p->lo, p->hi,
                                            p->queries == 0};
            t->n++;
        }
    }
    cs_results_read_free(&f);
    if (rc)
        cs_summary_free(t);
    return rc;
}

static const cs_summary_row *find(const cs_summary *t, const char *setting, size_t budget)
{
    for (size_t i = 0; i < t->n; i++)
        if (t->row[i].budget == budget && strcmp(t->row[i].setting, setting) == 0)
            return &t->row[i];
    return NULL;
}

static int wanted(const size_t *budgets, size_t nbudgets, size_t b)
{
    if (!nbudgets)
        return 1;
    for (size_t i = 0; i < nbudgets; i++)
        if (budgets[i] == b)
            return 1;
    return 0;
}

/* The distinct settings and budgets of t, in first-seen order (budgets sorted: files hold them
** increasing per setting). */
static int axes(const cs_summary *t, const char ***set, size_t *nset, size_t **bud, size_t *nbud)
{
    *set = malloc((t->n + 1) * sizeof **set);
    *bud = malloc((t->n + 1) * sizeof **bud);
    *nset = *nbud = 0;
    if (!*set || !*bud)
        return -1;
    for (size_t i = 0; i < t->n; i++) {
        size_t j = 0;
        while (j < *nset && strcmp((*set)[j], t->row[i].setting))
            j++;
        if (j == *nset)
            (*set)[(*nset)++] = t->row[i].setting;
        size_t b = t->row[i].budget, k = 0;
        while (k < *nbud && (*bud)[k] < b)
            k++;
        if (k == *nbud || (*bud)[k] != b) {
            memmove(*bud + k + 1, *bud + k, (*nbud - k) * sizeof **bud);
            (*bud)[k] = b;
            (*nbud)++;
        }
    }
    return 0;
}

int cs_summary_write(FILE *f, const cs_summary *t, const cs_summary *exact, const size_t *budgets,
                   size_t nbudgets)
{
    const char **set;
    size_t nset, *bud, nbud;
    if (axes(t, &set, &nset, &bud, &nbud)) {
        free(set);
        free(bud);
        return CS_ERR_NOMEM;
    }
    size_t width = 7;
    for (size_t s = 0; s < nset; s++)
        width = strlen(set[s]) > width ? strlen(set[s]) : width;
    if (exact) {
        fprintf(f, "%-*s %8s  %-26s %8s %8s\n", (int)width, "setting", "budget",
                "Monte Carlo (95% interval)", "exact", "diff");
        for (size_t s = 0; s < nset; s++)
            for (size_t b = 0; b < nbud; b++) {
                const cs_summary_row *m = find(t, set[s], bud[b]), *x = find(exact, set[s], bud[b]);
                if (!m || !x || !wanted(budgets, nbudgets, bud[b]))
                    continue;
                fprintf(f, "%-*s %8zu  %.4f (%.4f-%.4f)    %8.4f %+8.4f\n", (int)width, set[s],
                        bud[b], m->accuracy, m->ci_low, m->ci_high, x->accuracy,
                        m->accuracy - x->accuracy);
            }
    } else {
        /* the columns: the budgets asked for, else all, else CS_SUMMARY_COLUMNS spread evenly
        ** from the first to the last */
        size_t *col = malloc((nbud + 1) * sizeof *col), ncol = 0;
        if (!col) {
            free(set);
            free(bud);
            return CS_ERR_NOMEM;
        }
        for (size_t b = 0; b < nbud; b++)
            if (nbudgets && wanted(budgets, nbudgets, bud[b]))
                col[ncol++] = bud[b];
        if (!nbudgets && nbud <= CS_SUMMARY_COLUMNS)
            for (size_t b = 0; b < nbud; b++)
                col[ncol++] = bud[b];
        else if (!nbudgets)
            for (size_t c = 0; c < CS_SUMMARY_COLUMNS; c++)
                col[ncol++] = bud[c * (nbud - 1) / (CS_SUMMARY_COLUMNS - 1)];
        double half = 0;
        int mc = 0;
        fprintf(f, "%-*s", (int)width, "accuracy");
        for (size_t c = 0; c < ncol; c++)
            fprintf(f, " %8zu", col[c]);
        fprintf(f, "   <- budget\n");
        for (size_t s = 0; s < nset; s++) {
            fprintf(f, "%-*s", (int)width, set[s]);
            for (size_t c = 0; c < ncol; c++) {
                const cs_summary_row *r = find(t, set[s], col[c]);
                if (!r) {
                    fprintf(f, " %8s", "-");
                    continue;
                }
                fprintf(f, " %8.4f", r->accuracy);
                if (!r->exact) {
                    mc = 1;
                    double h = (r->ci_high - r->ci_low) / 2;
                    half = h > half ? h : half;
                }
            }
            fprintf(f, "\n");
        }
        if (mc)
            fprintf(f, "(whole population; 95%% intervals +-%.4f at most", half);
        else
            fprintf(f, "(whole population, exact");
        if (ncol < nbud)
            fprintf(f, "; %zu of %zu budgets shown", ncol, nbud);
        fprintf(f, ")\n");
        free(col);
    }
    free(set);
    free(bud);
    return ferror(f) ? CS_ERR_IO : 0;
}
