/*
** Figures: which are drawn and how large, their data (curves.dat, exact.dat, population.dat) and
** titles, from results.csv read back and the experiment's population.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <gsl/gsl_cdf.h>
#include "callscale/explain.h"
#include "callscale/outfile.h"
#include "callscale/logpop.h"
#include "callscale/rules.h"
#include "callscale/plot.h"
#include "callscale/population.h"
#include "callscale/strategy.h"
#include "plot_latency.h"
#include "plot_layout.h"
#include "plot_script.h"
#include "results_read.h"

static const char *const figure_names[CS_NFIGURES] = {"accuracy", "bins", "cost", "population",
                                                      "frontier", "latency"};
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

/* ---- the curves' data --------------------------------------------------------------------- */

/* curves.dat (or exact.dat): a block per (strategy setting, bin) in layout order. */
static int write_curves(const char *dir, const char *name, const cs_results_file *t,
                        const cs_plot_layout *l, const char *source, cs_error *err)
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
            const cs_results_curve *c = cs_plot_layout_curve(t, l, s, b);
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
                const cs_results_point *p = &c->pt[i];
                fprintf(o.f, "%.10g %.10g %.10g %.10g %.10g %.10g %.10g\n", p->budget, p->acc,
                        p->lo, p->hi, p->calls, p->tokens, p->flops);
            }
        }
    return cs_outfile_close(&o, err);
}

static double cost_of(const cs_results_point *p, int col)
{
    return col == CS_PLOT_COST_TOKENS ? p->tokens : p->calls;
}

/* The cost figure's axis (CS_PLOT_COST_*): tokens, or calls when some budget spends no tokens. */
static int cost_measure(const cs_results_file *t)
{
    int tokens = 1, calls = 1;
    for (size_t i = 0; i < t->n; i++)
        for (size_t j = 0; j < t->c[i].n; j++) {
            tokens &= t->c[i].pt[j].tokens > 0;
            calls &= t->c[i].pt[j].calls > 0;
        }
    return tokens ? CS_PLOT_COST_TOKENS : calls ? CS_PLOT_COST_CALLS : CS_PLOT_COST_NONE;
}

/* Strategies differ in cost when two of them spend differently at a budget they share. */
static int costs_differ(const cs_results_file *t, const cs_plot_layout *l, int col)
{
    for (size_t s = 0; s < l->nstrat; s++)
        for (size_t r = s + 1; r < l->nstrat; r++) {
            const cs_results_curve *a = cs_plot_layout_curve(t, l, s, 0);
            const cs_results_curve *b = cs_plot_layout_curve(t, l, r, 0);
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
static void strategy_titles(const cs_plot_layout *l, char (*title)[CS_PLOT_TITLE_MAX],
                            char (*name)[CS_PLOT_TITLE_MAX], char *xlabel, size_t nx)
{
    char first[128], unit[128];
    short_unit(l->strat[0]->strategy, first, sizeof first);
    int same = 1;
    for (size_t s = 1; s < l->nstrat; s++) {
        short_unit(l->strat[s]->strategy, unit, sizeof unit);
        same &= !strcmp(unit, first);
    }
    for (size_t s = 0; s < l->nstrat; s++) {
        const cs_results_curve *c = l->strat[s];
        int n = strcmp(c->setting, "default")
                    ? snprintf(title[s], CS_PLOT_TITLE_MAX, "%s:%s", c->strategy, c->setting)
                    : snprintf(title[s], CS_PLOT_TITLE_MAX, "%s", c->strategy);
        snprintf(name[s], CS_PLOT_TITLE_MAX, "%s", title[s]);
        if (!same && n > 0 && n < CS_PLOT_TITLE_MAX) {
            short_unit(c->strategy, unit, sizeof unit);
            snprintf(title[s] + n, (size_t)(CS_PLOT_TITLE_MAX - n), " (N %s)", unit);
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

static void bin_titles(const cs_experiment *ex, const cs_plot_layout *l,
                       char (*title)[CS_PLOT_TITLE_MAX])
{
    for (size_t b = 1; b <= l->nbins; b++) {
        char *t = title[b - 1], share[32], p[96];
        const char *name = l->bin[b];
        snprintf(t, CS_PLOT_TITLE_MAX, "%s", name);
        if (ex->bins_kind == CS_BINS_COMPONENTS) {
            for (size_t k = 0; k < ex->ncomp; k++)
                if (!strcmp(ex->comp[k].name, name)) {
                    percent(ex->comp[k].share, share, sizeof share);
                    cs_rules_describe_p(&ex->comp[k], p, sizeof p);
                    snprintf(t, CS_PLOT_TITLE_MAX, "%s (%s): %s", name, share, p);
                }
        } else {
            int nq = ex->nquantiles, i;
            char *end;
            if (name[0] != 'q' || (i = (int)strtol(name + 1, &end, 10)) < 1 || i > nq || *end)
                continue;
            if (i == 1)
                snprintf(t, CS_PLOT_TITLE_MAX, "%s: p ≥ %.2g", name, quantile_cut(ex, 1, nq));
            else if (i == nq)
                snprintf(t, CS_PLOT_TITLE_MAX, "%s: p < %.2g", name, quantile_cut(ex, nq - 1, nq));
            else
                snprintf(t, CS_PLOT_TITLE_MAX, "%s: %.2g ≤ p < %.2g", name, quantile_cut(ex, i, nq),
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
** and where the quantile bins are (v->cut, v->mid and v->name, freed by population_vars_free). */
static int population_vars(const cs_experiment *ex, cs_plot_population_vars *v, cs_error *err)
{
    memset(v, 0, sizeof *v);
    cs_explain e;
    if (cs_explain_run(ex, &e, err))
        return CS_ERR_INPUT;
    cs_population *pop = cs_population_new(ex, err);
    if (!pop)
        return CS_ERR_NOMEM;
    char (*title)[CS_PLOT_TITLE_MAX] = v->title;
    double *pstar = v->pstar, common = -2;
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
    v->ncomp = ex->ncomp;
    v->binw = POP_BIN;
    v->common = common;
    for (size_t k = 0; k < ex->ncomp; k++)
        v->spread |= ex->comp[k].p_kind != CS_P_FIXED || ex->comp[k].logpop;
    char *hard = v->hard, *easy = v->easy;
    snprintf(hard, sizeof v->hard, "hard");
    if (common > 0 && ex->answers && fabs(common - 1.0 / ex->answers) < PSTAR_TOL)
        snprintf(easy, sizeof v->easy, "easy: p > 1/%d", ex->answers);
    else if (common > 0)
        snprintf(easy, sizeof v->easy, "easy: p > %.3g", common);
    else if (common == 0)
        snprintf(easy, sizeof v->easy, "all easy: wrong answers never repeat");
    else {
        int any = 0;
        for (size_t k = 0; k < ex->ncomp; k++)
            any |= pstar[k] >= 0;
        snprintf(easy, sizeof v->easy, "%s", any ? "dashed: each component's threshold of easy p"
                                                 : "the easy threshold varies by query");
    }
    int nq = ex->bins_kind == CS_BINS_QUANTILES ? ex->nquantiles : 0;
    v->nq = nq;
    if (nq > 1) {
        double *cut = malloc((size_t)nq * sizeof *cut), *mid = malloc((size_t)nq * sizeof *mid);
        char (*name)[CS_PLOT_TITLE_MAX] = malloc((size_t)nq * sizeof *name);
        v->cut = cut;
        v->mid = mid;
        v->name = name;
        if (!cut || !mid || !name)
            return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
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
    }
    return 0;
}

static void population_vars_free(cs_plot_population_vars *v)
{
    free(v->cut);
    free(v->mid);
    free(v->name);
    v->cut = v->mid = NULL;
    v->name = NULL;
}

/* ---- which figures, and how large ----------------------------------------------------------- */

/* Each figure's size: the user's, or the default with the bins figure grown to its grid of
** panels, a pair per strategy setting in rows of at most BINS_MAX_COLS, as even as can be. The
** bins figure's settings to a row, and its span and height in panels, go to the script. */
static void plot_size(const cs_plot_options *opt, size_t nstrat, cs_plot *out, size_t *bincols,
                      double *bins_span, double *bins_tall)
{
    int user_size = opt->width > 0 && opt->height > 0;
    int w0 = opt->format == CS_PLOT_PDF ? CS_PLOT_PDF_WIDTH : CS_PLOT_WIDTH;
    int h0 = opt->format == CS_PLOT_PDF ? CS_PLOT_PDF_HEIGHT : CS_PLOT_HEIGHT;
    size_t bin_rows = (nstrat + BINS_MAX_COLS - 1) / BINS_MAX_COLS;
    *bincols = bin_rows ? (nstrat + bin_rows - 1) / bin_rows : 1;
    *bins_span = 1 + BINS_COLUMN * (double)(*bincols - 1);
    *bins_tall = 1 + BINS_ROW * (double)(bin_rows ? bin_rows - 1 : 0);
    for (int fig = 0; fig < CS_NFIGURES; fig++) {
        out->width[fig] = user_size ? opt->width : w0;
        out->height[fig] = user_size ? opt->height : h0;
    }
    if (!user_size) {
        double w = w0 * *bins_span, h = w0 * *bins_tall;
        out->width[CS_FIG_BINS] = w > CS_PLOT_MAX_SIZE ? CS_PLOT_MAX_SIZE : (int)lround(w);
        out->height[CS_FIG_BINS] = h > CS_PLOT_MAX_SIZE ? CS_PLOT_MAX_SIZE : (int)lround(h);
    }
}

/* Which figures are drawn, and for each other why not: the bins figure wants two bins, the cost
** figure strategies that spend differently, the clock's figures latency.csv (clock). */
static void plot_choose(const cs_results_file *t, const cs_plot_layout *l, int costcol, int clock,
                        cs_plot *out)
{
    out->drawn[CS_FIG_ACCURACY] = out->drawn[CS_FIG_POPULATION] = 1;
    out->drawn[CS_FIG_BINS] = l->nbins >= 2;
    if (!out->drawn[CS_FIG_BINS])
        snprintf(out->why_not[CS_FIG_BINS], sizeof out->why_not[0],
                 "one difficulty bin: the whole population is the bin");
    out->drawn[CS_FIG_COST] = costcol != CS_PLOT_COST_NONE && costs_differ(t, l, costcol);
    if (!out->drawn[CS_FIG_COST])
        snprintf(out->why_not[CS_FIG_COST], sizeof out->why_not[0], "%s",
                 l->nstrat < 2                    ? "one strategy setting"
                 : costcol == CS_PLOT_COST_NONE ? "some budget spends no calls"
                                                  : "the strategies spend the same per budget");
    out->drawn[CS_FIG_FRONTIER] = out->drawn[CS_FIG_LATENCY] = clock;
    for (int fig = CS_FIG_FRONTIER; !clock && fig <= CS_FIG_LATENCY; fig++)
        snprintf(out->why_not[fig], sizeof out->why_not[0], "no latency.csv: no [serving]");
}

/* ---- the files ------------------------------------------------------------------------------ */

/* exact.dat from opt->exact_dir's results.csv, laid out as t's curves (or no exact.dat). */
static int write_overlay(const char *dir, const cs_plot_options *opt, const cs_results_file *t,
                         const cs_plot_layout *l, int *overlay, cs_error *err)
{
    *overlay = 0;
    if (!opt->exact_dir) {
        char path[CS_PATH_MAX];
        snprintf(path, sizeof path, "%s/exact.dat", dir);
        remove(path);
        return 0;
    }
    cs_results_file te;
    int rc = cs_results_read(&te, opt->exact_dir, err);
    if (rc)
        return rc;
    if (!te.exact)
        rc = cs_error_set(err, CS_ERR_INPUT, te.path, 0,
                          "not exact curves (queries should be 0 and ci_low = ci_high = "
                          "accuracy): make them with callscale exact");
    else if (t->exact)
        rc = cs_error_set(err, CS_ERR_INPUT, t->path, 0,
                          "exact curves: the curves to overlay exact ones on should be a "
                          "Monte Carlo run (callscale run)");
    else
        rc = write_curves(dir, "exact.dat", &te, l, te.path, err);
    cs_results_read_free(&te);
    *overlay = !rc;
    return rc;
}

/* The variables of the figures of curves.dat, but the bins figure's columns (plot_size). */
static void curve_vars(const cs_experiment *ex, const cs_results_file *t, const cs_plot_layout *l,
                       int overlay, cs_plot_curve_vars *cv)
{
    cv->nstrat = l->nstrat;
    cv->nbins = l->nbins;
    cv->mc = !t->exact;
    cv->overlay = overlay;
    cv->queries = t->queries;
    strategy_titles(l, cv->strat, cv->strat_name, cv->xlabel, sizeof cv->xlabel);
    bin_titles(ex, l, cv->bin);
    cv->bmin = INFINITY;
    cv->bmax = 0;
    for (size_t s = 0; s < l->nstrat; s++) {
        for (size_t b = 0; b <= l->nbins; b++) {
            const cs_results_curve *c = cs_plot_layout_curve(t, l, s, b);
            cv->bmin = fmin(cv->bmin, c->pt[0].budget);
            cv->bmax = fmax(cv->bmax, c->pt[c->n - 1].budget);
        }
    }
    if (cv->bmax <= cv->bmin)
        cv->bmax = 2 * cv->bmin; /* one budget: an axis around it */
    cv->costcol = cost_measure(t);
}

/* The drawn figures' scripts; the others' scripts and images removed. */
static int write_scripts(const cs_experiment *ex, const char *dir, const cs_plot *out,
                         const cs_plot_curve_vars *cv, double bins_span, double bins_tall,
                         cs_error *err)
{
    int rc = 0;
    for (int fig = 0; fig < CS_NFIGURES && !rc; fig++) {
        if (!out->drawn[fig]) {
            cs_plot_script_remove(dir, out, fig);
            continue;
        }
        double span = fig == CS_FIG_BINS ? bins_span : 1;
        double tall = fig == CS_FIG_BINS ? bins_tall : (double)CS_PLOT_HEIGHT / CS_PLOT_WIDTH;
        if (fig != CS_FIG_POPULATION) {
            rc = cs_plot_script_write(dir, fig, out, ex, cv, NULL, span, tall, err);
            continue;
        }
        cs_plot_population_vars *pv = malloc(sizeof *pv);
        if (!pv)
            return cs_error_set(err, CS_ERR_NOMEM, ex->file, 0, "out of memory");
        rc = population_vars(ex, pv, err)
                 ? CS_ERR_INPUT
                 : cs_plot_script_write(dir, fig, out, ex, NULL, pv, span, tall, err);
        population_vars_free(pv);
        free(pv);
    }
    return rc;
}

int cs_plot_write(const cs_experiment *ex, const char *dir, const cs_plot_options *opt,
                  cs_plot *out, cs_error *err)
{
    memset(out, 0, sizeof *out);
    out->format = opt->format;
    cs_results_file t;
    cs_plot_layout l;
    int rc = cs_results_read(&t, dir, err);
    if (rc)
        return rc;
    if ((rc = cs_plot_layout_make(&t, &l, err))) {
        cs_results_read_free(&t);
        return rc;
    }
    cs_plot_curve_vars cv = {0};
    cv.strat = calloc(l.nstrat, sizeof *cv.strat);
    cv.strat_name = calloc(l.nstrat, sizeof *cv.strat_name);
    cv.bin = calloc(l.nbins + 1, sizeof *cv.bin);
    int overlay, clock = 0;
    double bins_span, bins_tall;
    if (!cv.strat || !cv.strat_name || !cv.bin)
        rc = cs_error_set(err, CS_ERR_NOMEM, t.path, 0, "out of memory");
    if (!rc && !(rc = write_overlay(dir, opt, &t, &l, &overlay, err)) &&
        !(rc = write_curves(dir, "curves.dat", &t, &l, "results.csv beside it", err)) &&
        !(rc = write_population(dir, ex, err))) {
        curve_vars(ex, &t, &l, overlay, &cv);
        plot_size(opt, l.nstrat, out, &cv.bincols, &bins_span, &bins_tall);
        rc = cs_plot_latency_data(dir, &l, &clock, err);
        plot_choose(&t, &l, cv.costcol, clock, out);
        if (!rc)
            rc = write_scripts(ex, dir, out, &cv, bins_span, bins_tall, err);
    }
    free(cv.strat);
    free(cv.strat_name);
    free(cv.bin);
    cs_plot_layout_free(&l);
    cs_results_read_free(&t);
    return rc;
}
