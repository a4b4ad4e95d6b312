/*
** The figures' gnuplot scripts: the variables of each figure, then plots/style.gp and the
** figure's template (embedded at build time), in gnuplot's own syntax.
*/
#include <stdio.h>
#include "callscale/outfile.h"
#include "plot_script.h"

/* plots/NAME.gp as strings: build/gen/plot_templates.c, made by scripts/embed-templates. */
extern const char cs_plot_template_style[], cs_plot_template_accuracy[], cs_plot_template_bins[],
    cs_plot_template_cost[], cs_plot_template_population[], cs_plot_template_frontier[],
    cs_plot_template_latency[];

static const char *const figure_what[CS_NFIGURES] = {
    "accuracy vs budget", "the whole population and each difficulty bin", "accuracy vs cost",
    "the distribution of per-call accuracy p", "accuracy vs p99 latency (the clock)",
    "latency percentiles by budget (the clock)"};

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

static void gp_string_array(FILE *f, const char *name, const char (*items)[CS_PLOT_TITLE_MAX],
                            size_t n)
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

static void write_curve_vars(FILE *f, const cs_plot_curve_vars *v)
{
    fprintf(f, "curves = 'curves.dat'   # a block per (strategy setting, bin), 'all' first:\n"
               "                        # budget accuracy ci_low ci_high calls tokens flops\n");
    fprintf(f, "exact = '%s'   # exact curves laid out like curves.dat, drawn over them, or ''\n",
            v->overlay ? "exact.dat" : "");
    fprintf(f, "mc = %d   # 1: curves.dat holds Monte Carlo estimates and 95%% intervals; 0: exact\n",
            v->mc);
    fprintf(f, "nstrat = %zu\n", v->nstrat);
    fprintf(f, "# strategy settings: with what N counts when that differs, and without\n");
    gp_string_array(f, "strat", v->strat, v->nstrat);
    gp_string_array(f, "strat_name", v->strat_name, v->nstrat);
    fprintf(f, "nbins = %zu\n", v->nbins);
    fprintf(f, "bincols = %zu   # the bins figure: settings to a row\n", v->bincols);
    if (v->nbins)
        gp_string_array(f, "bin", v->bin, v->nbins);
    fprintf(f, "queries = %.0f   # Monte Carlo queries in the whole population\n", v->queries);
    fprintf(f, "bmin = %.10g\nbmax = %.10g\n", v->bmin, v->bmax);
    fputs("xlabel = ", f);
    gp_string(f, v->xlabel);
    fputc('\n', f);
    fprintf(f, "costcol = %d   # the cost axis: 6 tokens, 5 calls, 7 FLOPs per query\n",
            v->costcol ? v->costcol : CS_PLOT_COST_TOKENS);
    fprintf(f, "costlabel = '%s per query (mean over queries)'\n",
            v->costcol == CS_PLOT_COST_CALLS ? "model calls" : "tokens");
}

/* The population figure's variables. */
static void write_population_vars(FILE *f, const cs_plot_population_vars *v)
{
    fprintf(f, "population = 'population.dat'   # a block per component: p, share of queries\n");
    fprintf(f, "binw = %g\nncomp = %zu\n", v->binw, v->ncomp);
    if (v->spread)
        fprintf(f, "ylabel = '%% of queries per %g of p'\n", v->binw);
    else
        fprintf(f, "ylabel = '%% of queries'\n");
    gp_string_array(f, "comp", v->title, v->ncomp);
    fprintf(f, "pstar = %.10g   # the common easy threshold, or -1 when components differ\n",
            v->common);
    gp_number_array(f, "comp_pstar", v->pstar, v->ncomp);
    fputs("hard_label = ", f);
    gp_string(f, v->hard);
    fputs("\neasy_label = ", f);
    gp_string(f, v->easy);
    fputc('\n', f);
    fprintf(f, "nq = %d   # quantile bins q1 (easiest) .. qN, or 0\n", v->nq);
    if (v->nq > 1) {
        gp_number_array(f, "qcut", v->cut, (size_t)v->nq - 1);
        gp_number_array(f, "qmid", v->mid, (size_t)v->nq);
        gp_string_array(f, "qname", v->name, (size_t)v->nq);
    }
}

int cs_plot_script_write(const char *dir, int fig, const cs_plot *p, const cs_experiment *ex,
                         const cs_plot_curve_vars *cv, const cs_plot_population_vars *pv,
                         double span, double tall, cs_error *err)
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
    else
        write_population_vars(f, pv);
    fputs("\n", f);
    fputs(cs_plot_template_style, f);
    fputs("\n", f);
    fputs(figure_template(fig), f);
    return cs_outfile_close(&o, err);
}

void cs_plot_script_remove(const char *dir, const cs_plot *p, int fig)
{
    char name[64], path[CS_PATH_MAX];
    cs_plot_script_name(fig, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
    cs_plot_output_name(p, fig, name, sizeof name);
    snprintf(path, sizeof path, "%s/%s", dir, name);
    remove(path);
}
