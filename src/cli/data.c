/*
** The commands that bring real data in (DESIGN.md section 7): `fit` a log's latent model and
** predict its curves past the logged samples, `calibrate` an experiment to target points.
*/
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include "callscale/calibrate.h"
#include "callscale/experiment.h"
#include "callscale/fit.h"
#include "callscale/logfile.h"
#include "callscale/outdir.h"
#include "callscale/outfile.h"
#include "callscale/gnuplot.h"
#include "callscale/results.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "callscale/unbiased.h"
#include "cli.h"

/* Predictions reach this many times the logged samples per query (DESIGN.md section 7). */
#define FIT_REACH 100
/* Queries of each simulated vote curve (the fit's and each bootstrap refit's): the Monte Carlo
** s.e. of a point is at most 0.5/sqrt(VOTE_QUERIES) = 0.004, below the fit's own spread. */
#define VOTE_QUERIES 16000
/* Bootstrap refits whose vote curves are simulated (each one a sweep). */
#define VOTE_BOOT 40
/* Queries written into fitted.ini for the user's own runs. */
#define FITTED_QUERIES 100000ULL
#define CI_LEVEL 0.95

static int by_double(const void *x, const void *y)
{
    double a = *(const double *)x, b = *(const double *)y;
    return a < b ? -1 : a > b;
}

/* Quantile u of v[0..n) (sorted here), interpolating between order statistics. */
static double quantile(double *v, size_t n, double u)
{
    if (!n)
        return NAN;
    qsort(v, n, sizeof *v, by_double);
    double h = u * (double)(n - 1);
    size_t i = (size_t)floor(h);
    if (i + 1 >= n)
        return v[n - 1];
    return v[i] + (h - (double)i) * (v[i + 1] - v[i]);
}

/* Run gnuplot on dir/script (which sets its own output); 0, or -1. */
static int run_gnuplot(const char *dir, const char *script)
{
    char gp[1024];
    if (cs_gnuplot_find(gp, sizeof gp))
        return -1;
    pid_t pid = fork();
    if (pid < 0)
        return -1;
    if (pid == 0) {
        int null = open("/dev/null", O_RDWR);
        if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || chdir(dir))
            _exit(126);
        execl(gp, "gnuplot", script, (char *)NULL);
        _exit(127);
    }
    int status;
    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

/* ---- fit ------------------------------------------------------------------------------------ */

/* Budgets 1, 2, 5, 10, 20, 50, ... up to reach, with the logged and the fitted counts. */
static size_t fit_budgets(size_t nmax, size_t nfit, size_t *out, size_t cap)
{
    size_t n = 0, reach = FIT_REACH * nmax;
    static const size_t mant[] = {1, 2, 5};
    for (size_t dec = 1; dec <= reach && n + 3 < cap; dec *= 10)
        for (size_t i = 0; i < 3; i++)
            if (mant[i] * dec <= reach)
                out[n++] = mant[i] * dec;
    out[n++] = nmax;
    out[n++] = nfit;
    out[n++] = reach;
    /* sort, unique */
    for (size_t i = 1; i < n; i++)
        for (size_t j = i; j > 0 && out[j - 1] > out[j]; j--) {
            size_t t = out[j];
            out[j] = out[j - 1];
            out[j - 1] = t;
        }
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!m || out[m - 1] != out[i])
            out[m++] = out[i];
    return m;
}

typedef struct curve {
    const char *strategy;
    size_t nb;
    double observed[64], predicted[64], lo[64], hi[64];
} curve;

/* --set overrides that put model m (and concentration conc) into fitted.ini's components. */
static size_t model_overrides(const cs_fit_model *m, double conc, char (*buf)[128], size_t cap)
{
    size_t k = 0;
    char wrong[64] = "uniform";
    if (isfinite(conc))
        snprintf(wrong, sizeof wrong, "dirichlet(%.9g)", conc);
    for (int j = 0; j < m->nbeta && k + 3 <= cap; j++) {
        snprintf(buf[k++], 128, "population.beta%d.weight=%.12g", j + 1, m->w[j] > 0 ? m->w[j] : 1e-300);
        snprintf(buf[k++], 128, "population.beta%d.p_correct=beta(%.12g,%.12g)", j + 1, m->a[j], m->b[j]);
        snprintf(buf[k++], 128, "population.beta%d.wrong=%s", j + 1, wrong);
    }
    if (m->mass0 && k + 2 <= cap) {
        snprintf(buf[k++], 128, "population.never.weight=%.12g", m->w0 > 0 ? m->w0 : 1e-300);
        snprintf(buf[k++], 128, "population.never.wrong=%s", wrong);
    }
    if (m->mass1 && k + 2 <= cap) {
        snprintf(buf[k++], 128, "population.always.weight=%.12g", m->w1 > 0 ? m->w1 : 1e-300);
        snprintf(buf[k++], 128, "population.always.wrong=%s", wrong);
    }
    return k;
}

/* Vote accuracy of fitted.ini under model m at every budget, simulated; 0, or non-zero. */
static int vote_curve(const char *ini, const cs_fit_model *m, double conc, size_t nb, double *out,
                      cs_error *err)
{
    char buf[3 * CS_FIT_MAX_BETAS + 5][128];
    const char *ov[3 * CS_FIT_MAX_BETAS + 6];
    size_t k = model_overrides(m, conc, buf, 3 * CS_FIT_MAX_BETAS + 4);
    for (size_t i = 0; i < k; i++)
        ov[i] = buf[i];
    char q[64];
    snprintf(q, sizeof q, "experiment.queries=%d", VOTE_QUERIES);
    ov[k++] = q;
    cs_experiment ex;
    if (cs_experiment_load(&ex, ini, ov, k, err))
        return -1;
    cs_results res;
    int rc = cs_results_init(&res, &ex);
    if (!rc)
        rc = cs_sweep_run(&ex, 0, NULL, NULL, &res, err);
    size_t s = ex.nstrat;
    for (size_t i = 0; i < ex.nstrat; i++)
        if (strcmp(ex.strat[i].type->name, "vote") == 0)
            s = i;
    for (size_t b = 0; !rc && b < nb && b < ex.nbudgets; b++) {
        double mean, lo, hi;
        cs_cell_summary(cs_results_cell(&res, s, b, 0), 0, &mean, &lo, &hi);
        out[b] = mean;
    }
    cs_results_free(&res);
    cs_experiment_free(&ex);
    return rc;
}

static int write_fit_csv(const char *dir, const cs_fit *fit, cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "fit.csv", err))
        return -1;
    fprintf(o.f, "parameter,value,ci_low,ci_high\n");
    char names[CS_FIT_MAX_PARAMS][CS_FIT_NAME];
    double val[CS_FIT_MAX_PARAMS], bv[CS_FIT_MAX_PARAMS];
    size_t np = cs_fit_params(&fit->best, names, val);
    double *col = malloc((fit->nboot + 1) * sizeof *col);
    if (!col) {
        cs_outfile_abandon(&o);
        return cs_error_set(err, CS_ERR_NOMEM, "", 0, "out of memory");
    }
    double alpha = (1 - CI_LEVEL) / 2;
    for (size_t p = 0; p < np; p++) {
        for (size_t b = 0; b < fit->nboot; b++) {
            cs_fit_params(&fit->boot[b], names, bv);
            col[b] = bv[p];
        }
        cs_fit_params(&fit->best, names, val);
        if (fit->nboot)
            fprintf(o.f, "%s,%.6g,%.6g,%.6g\n", names[p], val[p], quantile(col, fit->nboot, alpha),
                    quantile(col, fit->nboot, 1 - alpha));
        else
            fprintf(o.f, "%s,%.6g,,\n", names[p], val[p]);
    }
    if (fit->answers) {
        for (size_t b = 0; b < fit->nboot; b++)
            col[b] = fit->boot_conc[b];
        if (fit->nboot)
            fprintf(o.f, "wrong.concentration,%.6g,%.6g,%.6g\n", fit->conc,
                    quantile(col, fit->nboot, alpha), quantile(col, fit->nboot, 1 - alpha));
        else
            fprintf(o.f, "wrong.concentration,%.6g,,\n", fit->conc);
    }
    fprintf(o.f, "loglik,%.6f,,\nbic,%.6f,,\n", fit->best.loglik, fit->best.bic);
    free(col);
    return cs_outfile_close(&o, err);
}

static int write_predicted(const char *dir, const curve *cv, size_t ncv, const size_t *budget,
                           cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "predicted.csv", err))
        return -1;
    fprintf(o.f, "strategy,budget,observed,predicted,ci_low,ci_high\n");
    for (size_t c = 0; c < ncv; c++)
        for (size_t b = 0; b < cv[c].nb; b++) {
            fprintf(o.f, "%s,%zu,", cv[c].strategy, budget[b]);
            if (isfinite(cv[c].observed[b]))
                fprintf(o.f, "%.6f", cv[c].observed[b]);
            fprintf(o.f, ",%.6f,", cv[c].predicted[b]);
            if (isfinite(cv[c].lo[b]))
                fprintf(o.f, "%.6f,%.6f\n", cv[c].lo[b], cv[c].hi[b]);
            else
                fprintf(o.f, ",\n");
        }
    return cs_outfile_close(&o, err);
}

/* fit.gp: observed points against the predicted curve and its band, one panel per strategy. */
static int write_fit_figure(const char *dir, const char *title, size_t ncv, const curve *cv,
                            size_t nfit, size_t nmax, cs_error *err)
{
    cs_outfile o;
    if (cs_outfile_open(&o, dir, "fit.gp", err))
        return -1;
    FILE *f = o.f;
    fprintf(f, "# callscale fit: observed (unbiased, from the whole log) against predicted (fitted on\n"
               "# the first %zu samples per query) with its bootstrap 95%% band. Data: predicted.csv.\n",
            nfit);
    fprintf(f, "set terminal pngcairo size %d,%d font 'Sans,11'\nset output 'fit.png'\n",
            CS_PLOT_WIDTH, ncv > 1 ? CS_PLOT_HEIGHT * 3 / 2 : CS_PLOT_HEIGHT);
    fprintf(f, "set datafile separator ','\nset logscale x 10\nset key left top\n"
               "set grid\nset xlabel 'budget (samples per query)'\nset ylabel 'accuracy'\n");
    if (ncv > 1)
        fprintf(f, "set multiplot layout %zu,1\n", ncv);
    for (size_t c = 0; c < ncv; c++) {
        fprintf(f, "set title \"%s: %s, fitted on %zu of %zu samples per query\" noenhanced\n", title,
                cv[c].strategy, nfit, nmax);
        fprintf(f, "set arrow from %zu, graph 0 to %zu, graph 1 nohead dt 2 lc rgb 'gray40'\n", nfit,
                nfit);
        fprintf(f,
                "plot 'predicted.csv' using ($2):(strcol(1) eq '%s' && strlen(strcol(5)) ? $5 : 1/0):6 "
                "with filledcurves lc rgb '#a0c4e8' fs transparent solid 0.5 title 'predicted 95%% "
                "interval', \\\n"
                "     '' using ($2):(strcol(1) eq '%s' ? $4 : 1/0) with lines lw 2 lc rgb '#1f5fa8' "
                "title 'predicted', \\\n"
                "     '' using ($2):(strcol(1) eq '%s' && strlen(strcol(3)) ? $3 : 1/0) with points pt 7 "
                "ps 1 lc rgb '#c0392b' title 'observed (unbiased, whole log)'\n",
                cv[c].strategy, cv[c].strategy, cv[c].strategy);
        fprintf(f, "unset arrow\n");
    }
    if (ncv > 1)
        fprintf(f, "unset multiplot\n");
    return cs_outfile_close(&o, err);
}

int cs_cli_fit(int argc, char **argv)
{
    const char *logpath = NULL, *outdir = NULL;
    cs_fit_options opt = {.boot = CS_FIT_BOOT, .seed = 1};
    int no_plot = 0, quiet = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        int out = cs_cli_output_option(argc, argv, &i, &outdir);
        if (out < 0)
            return EXIT_USAGE;
        if (out)
            continue;
        if (strcmp(a, "--samples") == 0) {
            if (cs_cli_parse_int(val, 1, 1L << 30, &n))
                return cs_cli_usage_error("--samples needs a count of samples >= 1, not '%s'", val ? val : "");
            opt.samples = (size_t)n;
            i++;
        } else if (strcmp(a, "--components") == 0) {
            if (cs_cli_parse_int(val, 1, CS_FIT_MAX_BETAS, &n))
                return cs_cli_usage_error("--components needs 1, 2 or 3, not '%s'", val ? val : "");
            opt.components = (int)n;
            i++;
        } else if (strcmp(a, "--boot") == 0) {
            if (cs_cli_parse_int(val, 0, 100000, &n))
                return cs_cli_usage_error("--boot needs a count of bootstrap refits in [0, 100000], not '%s'",
                             val ? val : "");
            opt.boot = (size_t)n;
            i++;
        } else if (strcmp(a, "--seed") == 0) {
            if (cs_cli_parse_int(val, 0, 1L << 62, &n))
                return cs_cli_usage_error("--seed needs a non-negative number, not '%s'", val ? val : "");
            opt.seed = (uint64_t)n;
            i++;
        } else if (strcmp(a, "--no-plot") == 0) {
            no_plot = 1;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return cs_cli_usage_error("unknown option '%s'", a);
        } else if (!logpath) {
            logpath = a;
        } else {
            return cs_cli_usage_error("unexpected argument '%s'", a);
        }
    }
    if (!logpath)
        return cs_cli_usage_error("%s", "fit needs a log (query,sample,correct[,answer,score,tokens])");
    cs_error err;
    cs_error_clear(&err);
    cs_log log;
    if (cs_log_read(&log, logpath, &err))
        return cs_cli_error(&err);
    const char *base = strrchr(logpath, '/') ? strrchr(logpath, '/') + 1 : logpath;
    char name[128], dirbuf[1024];
    snprintf(name, sizeof name, "fit-%.*s", (int)(strcspn(base, ".") ? strcspn(base, ".") : strlen(base)),
             base);
    if (!outdir) {
        snprintf(dirbuf, sizeof dirbuf, "runs/%s", name);
        outdir = dirbuf;
    }
    cs_fit fit;
    cs_outdir od = {NULL, NULL}; /* the files go to a staging directory, moved into place whole */
    int rc = EXIT_INPUT;
    if (cs_fit_run(&log, &opt, &fit, &err)) {
        cs_log_free(&log);
        return cs_cli_error(&err);
    }
    curve *cv = calloc(2, sizeof *cv);
    double *col = malloc((fit.nboot + 1) * sizeof *col);
    size_t budget[64];
    size_t nb = fit_budgets(fit.nmax, fit.nfit, budget, 60), ncv = 0;
    char budgets_text[1024] = "", ini[1100];
    for (size_t b = 0; b < nb; b++)
        snprintf(budgets_text + strlen(budgets_text), sizeof budgets_text - strlen(budgets_text),
                 "%s%zu", b ? "," : "", budget[b]);
    if (!cv || !col || cs_outdir_begin(&od, outdir, &err))
        goto out;
    const char *stage = od.stage;
    cs_outfile o;
    if (cs_outfile_open(&o, stage, "fitted.ini", &err))
        goto out;
    cs_fit_write_experiment(&fit, name, budgets_text, FITTED_QUERIES, o.f);
    if (cs_outfile_close(&o, &err))
        goto out;
    snprintf(ini, sizeof ini, "%s/fitted.ini", stage);
    double alpha = (1 - CI_LEVEL) / 2;

    curve *c = &cv[ncv++];
    c->strategy = "coverage";
    c->nb = nb;
    for (size_t b = 0; b < nb; b++) {
        c->observed[b] = cs_unbiased_log_pass(&log, budget[b]);
        c->predicted[b] = cs_fit_coverage(&fit.best, (double)budget[b]);
        for (size_t k = 0; k < fit.nboot; k++)
            col[k] = cs_fit_coverage(&fit.boot[k], (double)budget[b]);
        c->lo[b] = fit.nboot ? quantile(col, fit.nboot, alpha) : NAN;
        c->hi[b] = fit.nboot ? quantile(col, fit.nboot, 1 - alpha) : NAN;
    }
    if (fit.answers) {
        c = &cv[ncv++];
        c->strategy = "vote";
        c->nb = nb;
        size_t nvb = fit.nboot < VOTE_BOOT ? fit.nboot : VOTE_BOOT;
        double *vb = malloc((nvb * nb + 1) * sizeof *vb);
        if (!vb)
            goto out;
        if (vote_curve(ini, &fit.best, fit.conc, nb, c->predicted, &err)) {
            free(vb);
            goto out;
        }
        for (size_t k = 0; k < nvb; k++) {
            if (!quiet)
                fprintf(stderr, "\rcallscale fit: vote curves of the bootstrap refits %zu/%zu", k + 1,
                        nvb);
            if (vote_curve(ini, &fit.boot[k], fit.boot_conc[k], nb, vb + k * nb, &err)) {
                free(vb);
                goto out;
            }
        }
        if (!quiet && nvb)
            fprintf(stderr, "\n");
        for (size_t b = 0; b < nb; b++) {
            c->observed[b] = cs_unbiased_log_vote(&log, budget[b]);
            for (size_t k = 0; k < nvb; k++)
                col[k] = vb[k * nb + b];
            c->lo[b] = nvb ? quantile(col, nvb, alpha) : NAN;
            c->hi[b] = nvb ? quantile(col, nvb, 1 - alpha) : NAN;
        }
        free(vb);
    }
    if (write_fit_csv(stage, &fit, &err) || write_predicted(stage, cv, ncv, budget, &err) ||
        write_fit_figure(stage, name, ncv, cv, fit.nfit, fit.nmax, &err))
        goto out;
    int drawn = no_plot || run_gnuplot(stage, "fit.gp") == 0;
    if (cs_outdir_commit(&od, &err))
        goto out;
    if (!drawn && !quiet)
        fprintf(stderr, "callscale: %s/fit.gp: no figure drawn (is gnuplot on the PATH?)\n", outdir);
    if (!quiet) {
        const cs_fit_model *m = &fit.best;
        printf("%s: %zu queries, fitted on %zu of %zu samples per query\n", logpath, fit.nq, fit.nfit,
               fit.nmax);
        printf("chosen by BIC: %d Beta%s%s%s (BIC %.2f)\n", m->nbeta, m->nbeta > 1 ? "s" : "",
               m->mass0 ? " + mass at 0" : "", m->mass1 ? " + mass at 1" : "", m->bic);
        for (int j = 0; j < m->nbeta; j++)
            printf("  beta%d: weight %.4f  Beta(%.4g, %.4g)\n", j + 1, m->w[j], m->a[j], m->b[j]);
        if (m->mass0)
            printf("  never (p = 0): weight %.4f\n", m->w0);
        if (m->mass1)
            printf("  always (p = 1): weight %.4f\n", m->w1);
        if (fit.answers)
            printf("  wrong answers: concentration %.4g\n", fit.conc);
        printf("%-9s %8s %9s %9s %21s\n", "strategy", "budget", "observed", "predicted", "95% interval");
        for (size_t k = 0; k < ncv; k++)
            for (size_t b = 0; b < cv[k].nb; b++) {
                char obs[32] = "";
                if (isfinite(cv[k].observed[b]))
                    snprintf(obs, sizeof obs, "%.4f", cv[k].observed[b]);
                printf("%-9s %8zu %9s %9.4f   [%.4f, %.4f]\n", cv[k].strategy, budget[b], obs,
                       cv[k].predicted[b], cv[k].lo[b], cv[k].hi[b]);
            }
        printf("wrote %s/fitted.ini, fit.csv, predicted.csv%s\n", outdir, no_plot ? "" : ", fit.png");
    }
    rc = 0;
out:
    if (rc && err.msg[0])
        cs_cli_error(&err);
    cs_outdir_free(&od);
    free(cv);
    free(col);
    cs_fit_free(&fit);
    cs_log_free(&log);
    return rc;
}

/* ---- calibrate ------------------------------------------------------------------------------ */

typedef struct calib_progress {
    int tty;
    const char *phase;
    double best;
} calib_progress;

/* Progress on stderr: one rewritten line on a terminal, else a line per phase and every
** CALIB_REPORT_EVERY evaluations. */
#define CALIB_REPORT_EVERY 25
static void calib_progress_fn(void *data, const char *phase, size_t evals, double sse)
{
    calib_progress *p = data;
    int new_phase = !p->phase || strcmp(p->phase, phase) != 0;
    if (strcmp(phase, "fit") == 0 && sse < p->best)
        p->best = sse;
    if (p->tty)
        fprintf(stderr, "\rcallscale calibrate: %-9s evaluation %5zu, objective %.6g (best %.6g)  ", phase,
                evals, sse, p->best);
    else if (new_phase || evals % CALIB_REPORT_EVERY == 0)
        fprintf(stderr, "callscale calibrate: %s, evaluation %zu, objective %.6g\n", phase, evals, sse);
    p->phase = phase;
}

static void fmt_num(char *buf, size_t n, double v)
{
    if (isfinite(v))
        snprintf(buf, n, "%.6g", v);
    else
        buf[0] = '\0';
}

int cs_cli_calibrate(int argc, char **argv)
{
    const char *expath = NULL, *tpath = NULL, *outdir = NULL;
    int quiet = 0, threads = 0;
    for (int i = 0; i < argc; i++) {
        const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;
        long n;
        int out = cs_cli_output_option(argc, argv, &i, &outdir);
        if (out < 0)
            return EXIT_USAGE;
        if (out)
            continue;
        if (strcmp(a, "-j") == 0 || strcmp(a, "--threads") == 0) {
            if (cs_cli_parse_int(val, 1, 1024, &n))
                return cs_cli_usage_error("-j needs a number of threads in [1, 1024], not '%s'", val ? val : "");
            threads = (int)n;
            i++;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            quiet = 1;
        } else if (a[0] == '-' && a[1]) {
            return cs_cli_usage_error("unknown option '%s'", a);
        } else if (!expath) {
            expath = a;
        } else if (!tpath) {
            tpath = a;
        } else {
            return cs_cli_usage_error("unexpected argument '%s'", a);
        }
    }
    if (!expath || !tpath)
        return cs_cli_usage_error("%s", "calibrate needs an experiment and a targets file "
                           "(strategy,setting,budget,bin,accuracy)");
    cs_error err;
    cs_error_clear(&err);
    cs_calibration c;
    if (cs_calibrate_load(&c, expath, tpath, &err))
        return cs_cli_error(&err);
    c.threads = threads;
    char dirbuf[1024];
    cs_experiment ex;
    if (!outdir) {
        if (cs_experiment_load(&ex, expath, NULL, 0, &err)) {
            cs_calibrate_free(&c);
            return cs_cli_error(&err);
        }
        snprintf(dirbuf, sizeof dirbuf, "runs/%s-calibrate", ex.name);
        cs_experiment_free(&ex);
        outdir = dirbuf;
    }
    calib_progress prog = {.tty = isatty(2), .best = INFINITY};
    int rc = EXIT_INPUT;
    cs_results res;
    int have = 0;
    cs_outdir od = {NULL, NULL}; /* the files go to a staging directory, moved into place whole */
    if (cs_outdir_begin(&od, outdir, &err) ||
        cs_calibrate_run(&c, quiet ? NULL : calib_progress_fn, &prog, &err))
        goto out;
    if (!quiet && prog.tty)
        fprintf(stderr, "\n");
    if (cs_calibrate_result(&c, &ex, &res, &err))
        goto out;
    have = 1;
    cs_outfile o;
    if (cs_outfile_open(&o, od.stage, "calibrated.ini", &err))
        goto out;
    fprintf(o.f, "; calibrated by callscale calibrate from %s to %s\n", expath, tpath);
    for (size_t i = 0; i < c.nfree; i++)
        fprintf(o.f, "; %s = %.6g (95%% profile interval %.6g .. %.6g)\n", c.fr[i].key, c.fr[i].value,
                c.fr[i].ci_lo, c.fr[i].ci_hi);
    cs_experiment_write(&ex, o.f);
    if (cs_outfile_close(&o, &err))
        goto out;
    if (cs_outfile_open(&o, od.stage, "calibration.csv", &err))
        goto out;
    fprintf(o.f, "strategy,setting,budget,bin,target,fitted,ci_low,ci_high\n");
    for (size_t i = 0; i < c.nt; i++) {
        const cs_calib_target *t = &c.t[i];
        char bin[CS_NAME_MAX + 8] = "all", tg[32], lo[32], hi[32];
        if (t->bin)
            cs_experiment_bin_name(&ex, t->bin - 1, bin, sizeof bin);
        fmt_num(tg, sizeof tg, t->has_target ? t->target : NAN);
        fmt_num(lo, sizeof lo, t->ci_lo);
        fmt_num(hi, sizeof hi, t->ci_hi);
        fprintf(o.f, "%s,%s,%zu,%s,%s,%.6f,%s,%s\n", ex.strat[t->strat].type->name,
                ex.strat[t->strat].label, ex.budgets[t->budget], bin, tg, t->fitted, lo, hi);
    }
    for (size_t i = 0; i < c.nfree; i++) {
        char lo[32], hi[32];
        fmt_num(lo, sizeof lo, c.fr[i].ci_lo);
        fmt_num(hi, sizeof hi, c.fr[i].ci_hi);
        /* the parameters follow the targets, as rows of their own: strategy = parameter */
        fprintf(o.f, "parameter,%s,,,,%.6g,%s,%s\n", c.fr[i].key, c.fr[i].value, lo, hi);
    }
    if (cs_outfile_close(&o, &err))
        goto out;
    char rpath[1100];
    snprintf(rpath, sizeof rpath, "%s/results.csv", od.stage);
    if (cs_results_write_csv(&ex, &res, rpath, &err) || cs_outdir_commit(&od, &err))
        goto out;
    if (!quiet) {
        printf("%s: %zu free parameter%s fitted to %zu targets of %s (%s mode, %zu evaluations)\n",
               expath, c.nfree, c.nfree > 1 ? "s" : "", c.nfitted, tpath, c.exact ? "exact" : "run",
               c.evals);
        printf("objective (%s) %.6g\n", c.weighted ? "chi-square" : "sum of squares", c.sse);
        for (size_t i = 0; i < c.nfree; i++)
            printf("  %-40s %12.6g   95%% profile interval [%.6g, %.6g]\n", c.fr[i].key,
                   c.fr[i].value, c.fr[i].ci_lo, c.fr[i].ci_hi);
        printf("wrote %s/calibrated.ini, calibration.csv, results.csv\n", outdir);
    }
    rc = 0;
out:
    if (rc && err.msg[0])
        cs_cli_error(&err);
    cs_outdir_free(&od);
    if (have) {
        cs_results_free(&res);
        cs_experiment_free(&ex);
    }
    cs_calibrate_free(&c);
    return rc;
}
