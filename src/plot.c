/*
** Figures: results.csv read back into curves, the population's distribution of p, gnuplot scripts
** made from the templates of plots/ (embedded at build time), and gnuplot run on them.
*/
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include "callscale/explain.h"
#include "callscale/outfile.h"
#include "callscale/logpop.h"
#include "callscale/rules.h"
#include "callscale/plot.h"
#include "grow.h"
#include "callscale/population.h"
#include "callscale/results.h"
#include "callscale/strategy.h"
#include "plot_latency.h"

/* plots/NAME.gp as strings: build/gen/plot_templates.c, made by scripts/embed-templates. */
extern const char cs_plot_template_style[], cs_plot_template_accuracy[], cs_plot_template_bins[],
    cs_plot_template_cost[], cs_plot_template_population[], cs_plot_template_frontier[],
    cs_plot_template_latency[];

static const char *const figure_names[CS_NFIGURES] = {"accuracy", "bins", "cost", "population",
                                                      "frontier", "latency"};
static const char *const figure_what[CS_NFIGURES] = {
    "accuracy vs budget", "the whole population and each difficulty bin", "accuracy vs cost",
    "the distribution of per-call accuracy p", "accuracy vs p99 latency (the clock)",
    "latency percentiles by budget (the clock)"};
static const char *const format_names[] = {"png", "pdf", "svg"};

/* The population figure's bars: the share of queries in each POP_BIN of p. */
#define POP_BINS 50
#define POP_BIN (1.0 / POP_BINS)
/* Costs per budget that differ by less than this (relatively) are the same cost. */
#define COST_TOL 1e-9
/* Thresholds p* closer than this are one threshold. */
#define PSTAR_TOL 1e-12
/* Quantile labels on the population figure closer than this (in p) to the last one or to an end
** of the axis would overlap it: they are left out. */
#define QLABEL_GAP 0.04
/* Legend titles and labels: a name, a share, a description of p. */
#define TITLE_MAX 256
/* The bins figure: each column after the first adds this share of a panel's width, and each row
** of settings after the first this share of the height of one; at most this many to a row. */
#define BINS_COLUMN 0.55
#define BINS_ROW 0.8
#define BINS_MAX_COLS 4

const char *cs_plot_figure_name(int fig)
{
    return fig >= 0 && fig < CS_NFIGURES ? figure_names[fig] : "?";
}

const char *cs_plot_format_name(int format)
{
    return format >= 0 && format <= CS_PLOT_SVG ? format_names[format] : "?";
}

int cs_plot_format_parse(const char *s)
{
    for (int f = CS_PLOT_PNG; f <= CS_PLOT_SVG; f++)
        if (strcmp(s, format_names[f]) == 0)
            return f;
    return -1;
}

int cs_plot_size_parse(const char *s, int *width, int *height)
{
    char *end;
    errno = 0;
    long w = strtol(s, &end, 10);
    if (end == s || (*end != 'x' && *end != 'X') || errno)
        return -1;
    const char *t = end + 1;
    long h = strtol(t, &end, 10);
    if (end == t || *end || errno)
        return -1;
    if (w < CS_PLOT_MIN_SIZE || w > CS_PLOT_MAX_SIZE || h < CS_PLOT_MIN_SIZE || h > CS_PLOT_MAX_SIZE)
        return -1;
    *width = (int)w;
    *height = (int)h;
    return 0;
}

void cs_plot_output_name(const cs_plot *p, int fig, char *buf, size_t n)
{
    snprintf(buf, n, "%s.%s", cs_plot_figure_name(fig), cs_plot_format_name(p->format));
}

void cs_plot_script_name(int fig, char *buf, size_t n)
{
    snprintf(buf, n, "%s.gp", cs_plot_figure_name(fig));
}


/* A gnuplot string in single quotes, where only a quote needs escaping (doubled). */
static void gp_string(FILE *f, const char *s)
{
    fputc('\'', f);
    for (; *s; s++) {
        if (*s == '\'')
            fputc('\'', f);
        if (*s != '\n' && *s != '\r')
            fputc(*s, f);
    }
    fputc('\'', f);
}

static void gp_string_array(FILE *f, const char *name, char (*items)[TITLE_MAX], size_t n)
{
    fprintf(f, "array %s[%zu] = [", name, n);
    for (size_t i = 0; i < n; i++) {
        if (i)
            fputs(", ", f);
        gp_string(f, items[i]);
    }
    fputs("]\n", f);
}

static void gp_number_array(FILE *f, const char *name, const double *v, size_t n)
{
    fprintf(f, "array %s[%zu] = [", name, n);
    for (size_t i = 0; i < n; i++)
        fprintf(f, "%s%.6g", i ? ", " : "", v[i]);
    fputs("]\n", f);
}

/* ---- results.csv read back ------------------------------------------------------------------ */

typedef struct point {
    double budget, acc, lo, hi, calls, tokens, flops;
} point;

typedef struct curve {
    char strategy[CS_NAME_MAX], setting[CS_NAME_MAX], bin[CS_NAME_MAX];
    point *pt;
    size_t n, cap;
} curve;

typedef struct table {
    char path[CS_PATH_MAX];
    curve *c;
    size_t n, cap;
    int exact; /* every row has queries = 0 and ci_low = ci_high = accuracy */
    double queries; /* the most queries of a row of bin 'all' */
} table;

static void table_free(table *t)
{
    for (size_t i = 0; i < t->n; i++)
        free(t->c[i].pt);
    free(t->c);
    t->c = NULL;
    t->n = t->cap = 0;
}

static curve *table_find(const table *t, const char *strategy, const char *setting, const char *bin)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->c[i].strategy, strategy) && !strcmp(t->c[i].setting, setting) &&
            !strcmp(t->c[i].bin, bin))
            return &t->c[i];
    return NULL;
}

static int by_budget(const void *a, const void *b)
{
    double x = ((const point *)a)->budget, y = ((const point *)b)->budget;
    return x < y ? -1 : x > y;
}

/* One row of results.csv into its curve. Returns 0, or -1 with a reason in why. */
static int table_row(table *t, char *line, int *exact, char *why, size_t nwhy)
{
    char *field[11];
    size_t nf = 0;
    for (char *p = line;; p++) {
        if (nf < 11)
            field[nf] = p;
        nf++;
        p = strchr(p, ',');
        if (!p)
            break;
        *p = '\0';
    }
    if (nf != 11) {
        snprintf(why, nwhy, "%zu fields where results.csv has 11", nf);
        return -1;
    }
    for (int i = 0; i < 4; i++)
        if (!field[i][0] || strlen(field[i]) >= CS_NAME_MAX) {
            snprintf(why, nwhy, "field %d is empty or longer than %d characters", i + 1,
                     CS_NAME_MAX - 1);
            return -1;
        }
    double v[7], queries;
    const int col[7] = {2, 5, 6, 7, 8, 9, 10};
    for (int i = 0; i <= 7; i++) {
        int c = i < 7 ? col[i] : 4;
        char *end;
        double x = strtod(field[c], &end);
        if (end == field[c] || *end) {
            snprintf(why, nwhy, "field %d is not a number: '%s'", c + 1, field[c]);
            return -1;
        }
        if (i < 7)
            v[i] = x;
        else
            queries = x;
    }
    if (!(v[0] >= 1)) {
        snprintf(why, nwhy, "budget '%s' is not a positive number", field[2]);
        return -1;
    }
    if (queries != 0 || v[2] != v[1] || v[3] != v[1])
        *exact = 0;
    if (!strcmp(field[3], "all") && queries > t->queries)
        t->queries = queries;
    curve *c = table_find(t, field[0], field[1], field[3]);
    if (!c) {
        if (cs_grow(&t->c, &t->cap, t->n, sizeof *t->c))
            goto nomem;
        c = &t->c[t->n++];
        memset(c, 0, sizeof *c);
        snprintf(c->strategy, sizeof c->strategy, "%s", field[0]);
        snprintf(c->setting, sizeof c->setting, "%s", field[1]);
        snprintf(c->bin, sizeof c->bin, "%s", field[3]);
    }
    if (cs_grow(&c->pt, &c->cap, c->n, sizeof *c->pt))
        goto nomem;
    c->pt[c->n++] = (point){v[0], v[1], v[2], v[3], v[4], v[5], v[6]};
    return 0;
nomem:
    snprintf(why, nwhy, "out of memory");
    return -1;
}

static int table_read(table *t, const char *dir, cs_error *err)
{
    memset(t, 0, sizeof *t);
    int plen = snprintf(t->path, sizeof t->path, "%s/results.csv", dir);
    if (plen < 0 || (size_t)plen >= sizeof t->path)
        return cs_error_set(err, CS_ERR_IO, "results.csv", 0, "the directory's path is longer than "
                            "%d characters", CS_PATH_LONGEST);
    FILE *f = fopen(t->path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, t->path, 0, "cannot read: %s", strerror(errno));
    char *line = NULL, why[200];
    size_t cap = 0;
    int lineno = 0, exact = 1, rc = 0;
    ssize_t len;
    while ((len = getline(&line, &cap, f)) >= 0) {
        lineno++;
        while (len > 0 && (line[len - 1] == '\n' || line[len - 1] == '\r'))
            line[--len] = '\0';
        if (lineno == 1) {
            if (strcmp(line, cs_results_header) != 0) {
                rc = cs_error_set(err, CS_ERR_INPUT, t->path, 1,
                                  "not a results.csv: the header should be %s", cs_results_header);
                break;
            }
            continue;
        }
        if (len == 0)
            continue;
        if (table_row(t, line, &exact, why, sizeof why)) {
            rc = cs_error_set(err, CS_ERR_INPUT, t->path, lineno, "%s", why);
            break;
        }
    }
    free(line);
    fclose(f);
    if (!rc && t->n == 0)
        rc = cs_error_set(err, CS_ERR_INPUT, t->path, 0, "no results to plot");
    if (rc) {
        table_free(t);
        return rc;
    }
    t->exact = exact;
    for (size_t i = 0; i < t->n; i++)
        qsort(t->c[i].pt, t->c[i].n, sizeof *t->c[i].pt, by_budget);
    return 0;
}

/* The curves in the order the templates index them: strategy settings in order of appearance,
** and for each the bin 'all' then the other bins in order of appearance. */
typedef struct layout {
    size_t nstrat, nbins;  /* nbins: not counting 'all' */
    const curve **strat;   /* a curve of each strategy setting (its names) */
    char (*bin)[CS_NAME_MAX]; /* nbins + 1 names, 'all' first */
} layout;

static void layout_free(layout *l)
{
    free(l->strat);
    free(l->bin);
    l->strat = NULL;
    l->bin = NULL;
}

static int layout_make(const table *t, layout *l, cs_error *err)
{
    memset(l, 0, sizeof *l);
    l->strat = malloc(t->n * sizeof *l->strat);
    l->bin = malloc((t->n + 1) * sizeof *l->bin);
    if (!l->strat || !l->bin) {
        layout_free(l);
        return cs_error_set(err, CS_ERR_NOMEM, t->path, 0, "out of memory");
    }
    snprintf(l->bin[0], CS_NAME_MAX, "all");
    for (size_t i = 0; i < t->n; i++) {
        const curve *c = &t->c[i];
        size_t s;
        for (s = 0; s < l->nstrat; s++)
            if (!strcmp(l->strat[s]->strategy, c->strategy) && !strcmp(l->strat[s]->setting, c->setting))
                break;
        if (s == l->nstrat)
            l->strat[l->nstrat++] = c;
        size_t b;
        for (b = 0; b <= l->nbins; b++)
            if (!strcmp(l->bin[b], c->bin))
                break;
        if (b > l->nbins)
            snprintf(l->bin[++l->nbins], CS_NAME_MAX, "%s", c->bin);
    }
    for (size_t s = 0; s < l->nstrat; s++)
        for (size_t b = 0; b <= l->nbins; b++)
            if (!table_find(t, l->strat[s]->strategy, l->strat[s]->setting, l->bin[b])) {
                int rc = cs_error_set(err, CS_ERR_INPUT, t->path, 0,
                                      "no rows for strategy %s, setting %s, bin %s",
                                      l->strat[s]->strategy, l->strat[s]->setting, l->bin[b]);
                layout_free(l);
                return rc;
            }
    return 0;
}

/* curves.dat (or exact.dat): a block per (strategy setting, bin) in layout order. */
static int write_curves(const char *dir, const char *name, const table *t, const layout *l,
                        const char *source, cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, name, err))
        return CS_ERR_IO;
    fprintf(o.f, "# %s curves from %s, one block per (strategy setting, bin), 'all' first.\n"
                 "# Columns: budget accuracy ci_low ci_high calls tokens flops (means per query).\n",
            t->exact ? "Exact" : "Monte Carlo", source);
    size_t index = 0;
    for (size_t s = 0; s < l->nstrat; s++)
        for (size_t b = 0; b <= l->nbins; b++, index++) {
            const curve *c = table_find(t, l->strat[s]->strategy, l->strat[s]->setting, l->bin[b]);
            if (!c) {
                cs_outfile_abandon(&o);
                return cs_error_set(err, CS_ERR_INPUT, t->path, 0,
                                    "no curve for strategy %s, setting %s, bin %s: was it made "
                                    "from the same experiment?",
                                    l->strat[s]->strategy, l->strat[s]->setting, l->bin[b]);
            }
            fprintf(o.f, "%s# index %zu: %s %s %s\n", index ? "\n\n" : "", index, c->strategy,
                    c->setting, c->bin);
            for (size_t i = 0; i < c->n; i++) {
                const point *p = &c->pt[i];
                fprintf(o.f, "%.10g %.10g %.10g %.10g %.10g %.10g %.10g\n", p->budget, p->acc,
                        p->lo, p->hi, p->calls, p->tokens, p->flops);
            }
        }
    return cs_outfile_close(&o, err);
}

/* What the cost figure puts on its log axis: tokens per query, or calls when some budget spends
** no tokens; 0 when some budget spends nothing at all. */
enum { COST_NONE = 0, COST_CALLS = 5, COST_TOKENS = 6 }; /* gnuplot columns of curves.dat */

static double cost_of(const point *p, int col)
{
    return col == COST_TOKENS ? p->tokens : p->calls;
}

static int cost_measure(const table *t)
{
    int tokens = 1, calls = 1;
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = 0; j < t->c[i].n; j++) {
            tokens &= t->c[i].pt[j].tokens > 0;
            calls &= t->c[i].pt[j].calls > 0;
        }
    return tokens ? COST_TOKENS : calls ? COST_CALLS : COST_NONE;
}

/* Strategies differ in cost when two of them spend differently at a budget they share. */
static int costs_differ(const table *t, const layout *l, int col)
{
    for (size_t s = 0; s < l->nstrat; s++)
        for (size_t r = s + 1; r < l->nstrat; r++) {
            const curve *a = table_find(t, l->strat[s]->strategy, l->strat[s]->setting, "all");
            const curve *b = table_find(t, l->strat[r]->strategy, l->strat[r]->setting, "all");
            for (size_t i = 0, j = 0; i < a->n && j < b->n;) {
                if (a->pt[i].budget < b->pt[j].budget) {
                    i++;
                } else if (a->pt[i].budget > b->pt[j].budget) {
                    j++;
                } else {
                    double x = cost_of(&a->pt[i], col), y = cost_of(&b->pt[j], col);
                    if (fabs(x - y) > COST_TOL * fmax(fabs(x), fabs(y)))
                        return 1;
                    i++;
                    j++;
                }
            }
        }
    return 0;
}

/* ---- titles --------------------------------------------------------------------------------- */

static void percent(double share, char *buf, size_t n)
{
    snprintf(buf, n, "%.3g%%", 100 * share);
}

/* What budget N counts for a strategy, without the parenthesis ("generations (2 calls each)"). */
static void short_unit(const char *strategy, char *buf, size_t n)
{
    const cs_strategy_type *t = cs_strategy_find(strategy);
    snprintf(buf, n, "%s", t ? t->unit : "budget");
    char *paren = strstr(buf, " (");
    if (paren)
        *paren = '\0';
}

/* Legend titles of the strategy settings ("vote", "vote:again"): name[], and title[] with what N
** counts when the strategies count different things; and the budget axis's label. */
static void strategy_titles(const layout *l, char (*title)[TITLE_MAX], char (*name)[TITLE_MAX],
                            char *xlabel, size_t nx)
{
    char first[128], unit[128];
    short_unit(l->strat[0]->strategy, first, sizeof first);
    int same = 1;
    for (size_t s = 1; s < l->nstrat; s++) {
        short_unit(l->strat[s]->strategy, unit, sizeof unit);
        same &= !strcmp(unit, first);
    }
    for (size_t s = 0; s < l->nstrat; s++) {
        const curve *c = l->strat[s];
        int n = strcmp(c->setting, "default")
                    ? snprintf(title[s], TITLE_MAX, "%s:%s", c->strategy, c->setting)
                    : snprintf(title[s], TITLE_MAX, "%s", c->strategy);
        snprintf(name[s], TITLE_MAX, "%s", title[s]);
        if (!same && n > 0 && n < TITLE_MAX) {
            short_unit(c->strategy, unit, sizeof unit);
            snprintf(title[s] + n, (size_t)(TITLE_MAX - n), " (N %s)", unit);
        }
    }
    if (same)
        snprintf(xlabel, nx, "budget N: %s per query", first);
    else
        snprintf(xlabel, nx, "budget N per query");
}

/* The p range of quantile bin i (1 = easiest) of nq, as the sweep cuts them: equal shares of
** queries by p, q1 holding the highest. */
static double quantile_cut(const cs_experiment *ex, int i, int nq)
{
    return cs_population_quantile(ex, 1 - (double)i / nq);
}

static void bin_titles(const cs_experiment *ex, const layout *l, char (*title)[TITLE_MAX])
{
    for (size_t b = 1; b <= l->nbins; b++) {
        char *t = title[b - 1], share[32], p[96];
        const char *name = l->bin[b];
        snprintf(t, TITLE_MAX, "%s", name);
        if (ex->bins_kind == CS_BINS_COMPONENTS) {
            for (size_t k = 0; k < ex->ncomp; k++)
                if (!strcmp(ex->comp[k].name, name)) {
                    percent(ex->comp[k].share, share, sizeof share);
                    cs_rules_describe_p(&ex->comp[k], p, sizeof p);
                    snprintf(t, TITLE_MAX, "%s (%s): %s", name, share, p);
                }
        } else {
            int nq = ex->nquantiles, i;
            char *end;
            if (name[0] != 'q' || (i = (int)strtol(name + 1, &end, 10)) < 1 || i > nq || *end)
                continue;
            if (i == 1)
                snprintf(t, TITLE_MAX, "%s: p ≥ %.2g", name, quantile_cut(ex, 1, nq));
            else if (i == nq)
                snprintf(t, TITLE_MAX, "%s: p < %.2g", name, quantile_cut(ex, nq - 1, nq));
            else
                snprintf(t, TITLE_MAX, "%s: %.2g ≤ p < %.2g", name, quantile_cut(ex, i, nq),
                         quantile_cut(ex, i - 1, nq));
        }
    }
}

/* ---- the population ------------------------------------------------------------------------- */

/* The threshold p* above which a query of component k is easy (its correct answer the unique
** mode), when the wrong answers' shares are fixed; -1 when they are drawn per query. */
static double component_pstar(const cs_population *pop, size_t k)
{
    int ntop;
    double smax = cs_population_top_share(pop, k, &ntop);
    /* easy iff p > smax (1 - p) */
    return smax < 0 ? -1 : smax / (1 + smax);
}

static int write_population(const char *dir, const cs_experiment *ex, cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "population.dat", err))
        return CS_ERR_IO;
    fprintf(o.f, "# Per-call accuracy p across the queries of %s, one block per component.\n"
                 "# Columns: p (bar centre), share of all queries with p in that bar of width %g.\n",
            ex->name, POP_BIN);
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        fprintf(o.f, "%s# index %zu: %s\n", k ? "\n\n" : "", k, c->name);
        if (c->logpop) { /* the logged queries' shares of right samples */
            double below = 0;
            for (int i = 0; i < POP_BINS; i++) {
                double lo1, hi1;
                cs_logpop_cdf(c->logpop, (i + 1) * POP_BIN, &lo1, &hi1);
                double upto = i + 1 == POP_BINS ? 1 : lo1; /* bars [x0, x1), the last closed */
                fprintf(o.f, "%.10g %.10g\n", i * POP_BIN + 0.5 * POP_BIN, c->share * (upto - below));
                below = upto;
            }
            continue;
        }
        if (c->p_kind == CS_P_FIXED) {
            fprintf(o.f, "%.10g %.10g\n", c->p, c->share);
            continue;
        }
        int any = 0;
        for (int i = 0; i < POP_BINS; i++) {
            double x0 = i * POP_BIN, x1 = (i + 1) * POP_BIN;
            double mass = c->share * (gsl_cdf_beta_P(x1, c->a, c->b) - gsl_cdf_beta_P(x0, c->a, c->b));
            if (mass > 0 || (!any && i == POP_BINS - 1)) {
                fprintf(o.f, "%.10g %.10g\n", x0 + 0.5 * POP_BIN, mass > 0 ? mass : 0);
                any = 1;
            }
        }
    }
    return cs_outfile_close(&o, err);
}

/* The population figure's variables: component titles with their easy share, the thresholds,
** and where the quantile bins are. */
static int population_vars(FILE *f, const cs_experiment *ex, cs_error *err)
{
    cs_explain e;
    if (cs_explain_run(ex, &e, err))
        return CS_ERR_INPUT;
    cs_population *pop = cs_population_new(ex, err);
    if (!pop)
        return CS_ERR_NOMEM;
    char title[CS_MAX_COMPONENTS][TITLE_MAX];
    double pstar[CS_MAX_COMPONENTS], common = -2;
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        char share[32], p[96], easy[48];
        percent(c->share, share, sizeof share);
        cs_rules_describe_p(c, p, sizeof p);
        double ez = e.comp[k].easy;
        if (ez >= 1)
            snprintf(easy, sizeof easy, "easy");
        else if (ez <= 0)
            snprintf(easy, sizeof easy, "hard");
        else
            snprintf(easy, sizeof easy, "%s%.3g%% easy", e.comp[k].estimated ? "≈" : "", 100 * ez);
        snprintf(title[k], sizeof title[k], "%s (%s): %s, %s", c->name, share, p, easy);
        pstar[k] = component_pstar(pop, k);
        if (common == -2)
            common = pstar[k];
        else if (fabs(common - pstar[k]) > PSTAR_TOL)
            common = -1;
    }
    cs_population_free(pop);
    fprintf(f, "population = 'population.dat'   # a block per component: p, share of queries\n");
    int spread = 0;
    for (size_t k = 0; k < ex->ncomp; k++)
        spread |= ex->comp[k].p_kind != CS_P_FIXED || ex->comp[k].logpop;
    fprintf(f, "binw = %g\nncomp = %zu\n", POP_BIN, ex->ncomp);
    if (spread)
        fprintf(f, "ylabel = '%% of queries per %g of p'\n", POP_BIN);
    else
        fprintf(f, "ylabel = '%% of queries'\n");
    gp_string_array(f, "comp", title, ex->ncomp);
    fprintf(f, "pstar = %.10g   # the common easy threshold, or -1 when components differ\n", common);
    gp_number_array(f, "comp_pstar", pstar, ex->ncomp);
    char hard[TITLE_MAX], easy[TITLE_MAX];
    snprintf(hard, sizeof hard, "hard");
    if (common > 0 && ex->answers && fabs(common - 1.0 / ex->answers) < PSTAR_TOL)
        snprintf(easy, sizeof easy, "easy: p > 1/%d", ex->answers);
    else if (common > 0)
        snprintf(easy, sizeof easy, "easy: p > %.3g", common);
    else if (common == 0)
        snprintf(easy, sizeof easy, "all easy: wrong answers never repeat");
    else {
        int any = 0;
        for (size_t k = 0; k < ex->ncomp; k++)
            any |= pstar[k] >= 0;
        snprintf(easy, sizeof easy, "%s", any ? "dashed: each component's threshold of easy p"
                                              : "the easy threshold varies by query");
    }
    fputs("hard_label = ", f);
    gp_string(f, hard);
    fputs("\neasy_label = ", f);
    gp_string(f, easy);
    fputc('\n', f);
    int nq = ex->bins_kind == CS_BINS_QUANTILES ? ex->nquantiles : 0;
    fprintf(f, "nq = %d   # quantile bins q1 (easiest) .. qN, or 0\n", nq);
    if (nq > 1) {
        double *cut = malloc((size_t)nq * sizeof *cut), *mid = malloc((size_t)nq * sizeof *mid);
        char (*name)[TITLE_MAX] = malloc((size_t)nq * sizeof *name);
        if (!cut || !mid || !name) {
            free(cut);
            free(mid);
            free(name);
            return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
        }
        /* the edges of the bins: the top and bottom of p's range, and the cuts between them */
        double hi = cs_population_quantile(ex, 1 - 1e-3), lo = cs_population_quantile(ex, 1e-3);
        double last = 2;
        for (int i = 1; i <= nq; i++) {
            double top = i == 1 ? hi : quantile_cut(ex, i - 1, nq);
            double bottom = i == nq ? lo : quantile_cut(ex, i, nq);
            if (i < nq)
                cut[i - 1] = bottom;
            mid[i - 1] = 0.5 * (top + bottom);
            if (last - mid[i - 1] >= QLABEL_GAP && mid[i - 1] >= QLABEL_GAP &&
                mid[i - 1] <= 1 - QLABEL_GAP) {
                snprintf(name[i - 1], sizeof name[i - 1], "q%d", i);
                last = mid[i - 1];
            } else {
                name[i - 1][0] = '\0';
            }
        }
        gp_number_array(f, "qcut", cut, (size_t)nq - 1);
        gp_number_array(f, "qmid", mid, (size_t)nq);
        gp_string_array(f, "qname", name, (size_t)nq);
        free(cut);
        free(mid);
        free(name);
    }
    return 0;
}

/* ---- scripts -------------------------------------------------------------------------------- */

static const char *figure_template(int fig)
{
    switch (fig) {
    case CS_FIG_ACCURACY: return cs_plot_template_accuracy;
    case CS_FIG_BINS: return cs_plot_template_bins;
    case CS_FIG_COST: return cs_plot_template_cost;
    case CS_FIG_FRONTIER: return cs_plot_template_frontier;
    case CS_FIG_LATENCY: return cs_plot_template_latency;
    default: return cs_plot_template_population;
    }
}

typedef struct curve_vars {
    const layout *l;
    int mc, overlay;
    double bmin, bmax, queries;
    int costcol; /* COST_TOKENS or COST_CALLS */
    char (*strat)[TITLE_MAX], (*strat_name)[TITLE_MAX], (*bin)[TITLE_MAX];
    char xlabel[200];
    size_t bincols; /* the bins figure's settings to a row */
} curve_vars;

static void write_curve_vars(FILE *f, const curve_vars *v)
{
    fprintf(f, "curves = 'curves.dat'   # a block per (strategy setting, bin), 'all' first:\n"
               "                        # budget accuracy ci_low ci_high calls tokens flops\n");
    fprintf(f, "exact = '%s'   # exact curves laid out like curves.dat, drawn over them, or ''\n",
            v->overlay ? "exact.dat" : "");
    fprintf(f, "mc = %d   # 1: curves.dat holds Monte Carlo estimates and 95%% intervals; 0: exact\n",
            v->mc);
    fprintf(f, "nstrat = %zu\n", v->l->nstrat);
    fprintf(f, "# strategy settings: with what N counts when that differs, and without\n");
    gp_string_array(f, "strat", v->strat, v->l->nstrat);
    gp_string_array(f, "strat_name", v->strat_name, v->l->nstrat);
    fprintf(f, "nbins = %zu\n", v->l->nbins);
    fprintf(f, "bincols = %zu   # the bins figure: settings to a row\n", v->bincols);
    if (v->l->nbins)
        gp_string_array(f, "bin", v->bin, v->l->nbins);
    fprintf(f, "queries = %.0f   # Monte Carlo queries in the whole population\n", v->queries);
    fprintf(f, "bmin = %.10g\nbmax = %.10g\n", v->bmin, v->bmax);
    fputs("xlabel = ", f);
    gp_string(f, v->xlabel);
    fputc('\n', f);
    fprintf(f, "costcol = %d   # the cost axis: 6 tokens, 5 calls, 7 FLOPs per query\n",
            v->costcol ? v->costcol : COST_TOKENS);
    fprintf(f, "costlabel = '%s per query (mean over queries)'\n",
            v->costcol == COST_CALLS ? "model calls" : "tokens");
}

static int write_script(const char *dir, int fig, const cs_plot *p, const cs_experiment *ex,
                        const curve_vars *cv, double span, double tall, cs_error *err)
{
    char name[64], outname[64];
    cs_plot_script_name(fig, name, sizeof name);
    cs_plot_output_name(p, fig, outname, sizeof outname);
    cs_outfile o;
    if (cs_outfile_open(&o, dir, name, err))
        return CS_ERR_IO;
    FILE *f = o.f;
    fprintf(f, "# %s: %s, experiment '%s'.\n", name, figure_what[fig], ex->name);
    fprintf(f, "# Written by callscale from plots/%s (the variables) and plots/style.gp. To draw it\n"
               "# again after editing, from this directory:   gnuplot %s\n"
               "# Another format or size (pixels; points for pdf):\n"
               "#   gnuplot -e \"fmt='pdf'; W=%d; H=%d\" %s\n",
            name, name, CS_PLOT_PDF_WIDTH, CS_PLOT_PDF_HEIGHT, name);
    /* fmt, W, H and outfile are the user's (gnuplot -e); the script only reads them, so that
    ** several scripts run in one gnuplot each keep their own size and output */
    fprintf(f, "format = exists(\"fmt\") ? fmt : '%s'\n", cs_plot_format_name(p->format));
    fprintf(f, "width = exists(\"W\") ? W : %d\n", p->width[fig]);
    fprintf(f, "height = exists(\"H\") ? H : %d\n", p->height[fig]);
    fprintf(f, "outname = exists(\"outfile\") ? outfile : '%s.' . format\n",
            cs_plot_figure_name(fig));
    fprintf(f, "span = %.4g   # panel widths across the figure, for font and line sizes\n", span);
    fprintf(f, "tall = %.4g   # the height it is designed for, as a share of one panel's width\n",
            tall);
    fputs("name = ", f);
    gp_string(f, ex->name);
    fputc('\n', f);
    if (cv)
        write_curve_vars(f, cv);
    else if (population_vars(f, ex, err)) {
        cs_outfile_abandon(&o);
        return CS_ERR_INPUT;
    }
    fputs("\n", f);
    fputs(cs_plot_template_style, f);
    fputs("\n", f);
    fputs(figure_template(fig), f);
    return cs_outfile_close(&o, err);
}

/* A figure not drawn: its script and image of this format go, so the directory never shows one
** left from an earlier run. */
static void remove_stale(const char *dir, const cs_plot *p, int fig)
{
    char name[64], path[CS_PATH_MAX];
    cs_plot_script_name(fig, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
    cs_plot_output_name(p, fig, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
}

int cs_plot_write(const cs_experiment *ex, const char *dir, const cs_plot_options *opt,
                  cs_plot *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    out->format = opt->format;
    table t, te;
    layout l;
    int rc = table_read(&t, dir, err);
    if (rc)
        return rc;
    if ((rc = layout_make(&t, &l, err))) {
        table_free(&t);
        return rc;
    }
    memset(&te, 0, sizeof te);
    char (*strat)[TITLE_MAX] = calloc(l.nstrat, sizeof *strat);
    char (*strat_name)[TITLE_MAX] = calloc(l.nstrat, sizeof *strat_name);
    char (*bin)[TITLE_MAX] = calloc(l.nbins + 1, sizeof *bin);
    if (!strat || !strat_name || !bin) {
        rc = cs_error_set(err, CS_ERR_NOMEM, t.path, 0, "out of memory");
        goto done;
    }
    int overlay = 0;
    if (opt->exact_dir) {
        if ((rc = table_read(&te, opt->exact_dir, err)))
            goto done;
        if (!te.exact) {
            rc = cs_error_set(err, CS_ERR_INPUT, te.path, 0,
                              "not exact curves (queries should be 0 and ci_low = ci_high = "
                              "accuracy): make them with callscale exact");
            goto done;
        }
        if (t.exact) {
            rc = cs_error_set(err, CS_ERR_INPUT, t.path, 0,
                              "exact curves: the curves to overlay exact ones on should be a "
                              "Monte Carlo run (callscale run)");
            goto done;
        }
        if ((rc = write_curves(dir, "exact.dat", &te, &l, te.path, err)))
            goto done;
        overlay = 1;
    } else {
        char path[CS_PATH_MAX];
        snprintf(path, sizeof path, "%s/exact.dat", dir);
        remove(path);
    }
    if ((rc = write_curves(dir, "curves.dat", &t, &l, "results.csv beside it", err)))
        goto done;
    if ((rc = write_population(dir, ex, err)))
        goto done;

    curve_vars cv = {&l, !t.exact, overlay, INFINITY, 0, t.queries, COST_NONE,
                     strat, strat_name, bin, "", 1};
    strategy_titles(&l, strat, strat_name, cv.xlabel, sizeof cv.xlabel);
    bin_titles(ex, &l, bin);
    for (size_t s = 0; s < l.nstrat; s++) {
        for (size_t b = 0; b <= l.nbins; b++) {
            const curve *c = table_find(&t, l.strat[s]->strategy, l.strat[s]->setting, l.bin[b]);
            cv.bmin = fmin(cv.bmin, c->pt[0].budget);
            cv.bmax = fmax(cv.bmax, c->pt[c->n - 1].budget);
        }
    }
    if (cv.bmax <= cv.bmin)
        cv.bmax = 2 * cv.bmin; /* one budget: an axis around it */

    int user_size = opt->width > 0 && opt->height > 0;
    int w0 = opt->format == CS_PLOT_PDF ? CS_PLOT_PDF_WIDTH : CS_PLOT_WIDTH;
    int h0 = opt->format == CS_PLOT_PDF ? CS_PLOT_PDF_HEIGHT : CS_PLOT_HEIGHT;
    /* the bins figure: pairs of panels in rows of at most BINS_MAX_COLS, as even as can be */
    size_t bin_rows = (l.nstrat + BINS_MAX_COLS - 1) / BINS_MAX_COLS;
    cv.bincols = bin_rows ? (l.nstrat + bin_rows - 1) / bin_rows : 1;
    double bins_span = 1 + BINS_COLUMN * (double)(cv.bincols - 1);
    double bins_tall = 1 + BINS_ROW * (double)(bin_rows ? bin_rows - 1 : 0);
    for (int fig = 0; fig < CS_NFIGURES; fig++) {
        out->width[fig] = user_size ? opt->width : w0;
        out->height[fig] = user_size ? opt->height : h0;
    }
    if (!user_size) {
        /* a pair of panels per strategy setting, bincols to a row */
        double w = w0 * bins_span, h = w0 * bins_tall;
        out->width[CS_FIG_BINS] = w > CS_PLOT_MAX_SIZE ? CS_PLOT_MAX_SIZE : (int)lround(w);
        out->height[CS_FIG_BINS] = h > CS_PLOT_MAX_SIZE ? CS_PLOT_MAX_SIZE : (int)lround(h);
    }
    out->drawn[CS_FIG_ACCURACY] = out->drawn[CS_FIG_POPULATION] = 1;
    out->drawn[CS_FIG_BINS] = l.nbins >= 2;
    if (!out->drawn[CS_FIG_BINS])
        snprintf(out->why_not[CS_FIG_BINS], sizeof out->why_not[0],
                 "one difficulty bin: the whole population is the bin");
    cv.costcol = cost_measure(&t);
    out->drawn[CS_FIG_COST] = cv.costcol != COST_NONE && costs_differ(&t, &l, cv.costcol);
    if (!out->drawn[CS_FIG_COST])
        snprintf(out->why_not[CS_FIG_COST], sizeof out->why_not[0], "%s",
                 l.nstrat < 2            ? "one strategy setting"
                 : cv.costcol == COST_NONE ? "some budget spends no calls"
                                           : "the strategies spend the same per budget");
    {
        /* the clock's figures, when the run wrote latency.csv */
        const char **sn = calloc(l.nstrat + 1, sizeof *sn), **ln = calloc(l.nstrat + 1, sizeof *ln);
        int have = 0;
        for (size_t s = 0; sn && ln && s < l.nstrat; s++) {
            sn[s] = l.strat[s]->strategy;
            ln[s] = l.strat[s]->setting;
        }
        rc = sn && ln ? cs_plot_latency_data(dir, sn, ln, l.nstrat, &have, err)
                      : cs_error_set(err, CS_ERR_NOMEM, t.path, 0, "out of memory");
        free(sn);
        free(ln);
        out->drawn[CS_FIG_FRONTIER] = out->drawn[CS_FIG_LATENCY] = have;
        for (int fig = CS_FIG_FRONTIER; !have && fig <= CS_FIG_LATENCY; fig++)
            snprintf(out->why_not[fig], sizeof out->why_not[0], "no latency.csv: no [serving]");
    }
    for (int fig = 0; fig < CS_NFIGURES && !rc; fig++) {
        if (!out->drawn[fig]) {
            remove_stale(dir, out, fig);
            continue;
        }
        rc = write_script(dir, fig, out, ex, fig == CS_FIG_POPULATION ? NULL : &cv,
                          fig == CS_FIG_BINS ? bins_span : 1,
                          fig == CS_FIG_BINS ? bins_tall : (double)CS_PLOT_HEIGHT / CS_PLOT_WIDTH, err);
    }
done:
    free(strat);
    free(strat_name);
    free(bin);
    layout_free(&l);
    table_free(&t);
    table_free(&te);
    return rc;
}

/* ---- gnuplot -------------------------------------------------------------------------------- */

int cs_plot_find_gnuplot(char *buf, size_t n)
{
    const char *path = getenv("PATH");
    if (!path)
        path = "/usr/bin:/bin";
    for (const char *p = path;;) {
        const char *end = strchr(p, ':');
        size_t len = end ? (size_t)(end - p) : strlen(p);
        struct stat st;
        /* an empty PATH entry means the current directory */
        int m = len ? snprintf(buf, n, "%.*s/gnuplot", (int)len, p) : snprintf(buf, n, "./gnuplot");
        if (m > 0 && (size_t)m < n && stat(buf, &st) == 0 && S_ISREG(st.st_mode) &&
            access(buf, X_OK) == 0)
            return 0;
        if (!end)
            break;
        p = end + 1;
    }
    if (n)
        buf[0] = '\0';
    return -1;
}

int cs_plot_render(const char *gnuplot, const char *dir, const cs_plot *p, int fig, char *log,
                   size_t nlog, cs_error *err)
{
    char script[64], output[64], tmp[128], arg[200], path[CS_PATH_MAX], tmppath[CS_PATH_MAX];
    cs_plot_script_name(fig, script, sizeof script);
    cs_plot_output_name(p, fig, output, sizeof output);
    snprintf(tmp, sizeof tmp, "%s.tmp.%ld", output, (long)getpid());
    snprintf(arg, sizeof arg, "outfile='%s'", tmp);
    snprintf(path, sizeof path, "%s/%s", dir, output);
    snprintf(tmppath, sizeof tmppath, "%s/%s", dir, tmp);
    if (nlog)
        log[0] = '\0';
    int fd[2];
    if (pipe(fd))
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run gnuplot: %s", strerror(errno));
    pid_t pid = fork();
    if (pid < 0) {
        close(fd[0]);
        close(fd[1]);
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run gnuplot: %s", strerror(errno));
    }
    if (pid == 0) {
        /* the child: in dir, stdin and stdout on /dev/null, stderr into the pipe */
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(fd[1], 2) < 0 || chdir(dir))
            _exit(126);
        close(fd[0]);
        close(fd[1]);
        close(null);
        execl(gnuplot, "gnuplot", "-e", arg, script, (char *)NULL);
        _exit(127);
    }
    close(fd[1]);
    size_t used = 0;
    char chunk[4096];
    for (;;) {
        ssize_t got = read(fd[0], chunk, sizeof chunk);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            break;
        /* keep what fits; read on so that gnuplot never blocks on a full pipe */
        for (ssize_t i = 0; i < got && used + 1 < nlog; i++)
            log[used++] = chunk[i];
    }
    close(fd[0]);
    if (nlog)
        log[used] = '\0';
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR) {
            remove(tmppath);
            return cs_error_set(err, CS_ERR_IO, path, 0, "gnuplot: %s", strerror(errno));
        }
    struct stat st;
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
        remove(tmppath);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
            return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run %s", gnuplot);
        if (WIFEXITED(status) && WEXITSTATUS(status) == 126)
            return cs_error_set(err, CS_ERR_IO, path, 0, "cannot run gnuplot in %s", dir);
        return cs_error_set(err, CS_ERR_IO, path, 0, "gnuplot failed on %s/%s", dir, script);
    }
    if (stat(tmppath, &st) != 0 || st.st_size == 0) {
        remove(tmppath);
        return cs_error_set(err, CS_ERR_IO, path, 0, "gnuplot wrote no figure from %s/%s", dir,
                            script);
    }
    if (rename(tmppath, path) != 0) {
        int e = errno;
        remove(tmppath);
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot rename into place: %s", strerror(e));
    }
    return 0;
}
