/*
** Tests of include/callscale/plot.h.
**
** cs_plot_write reads a results.csv written here (rows deliberately out of budget order) and must
** write curves.dat with exactly those numbers, block by block, and the population's bars with the
** masses of the Beta distribution (differences of gsl_cdf_beta_P, which add up to the component's
** share) and of fixed p (one bar holding the share). Easy thresholds come from DESIGN.md: with M
** answers and uniform wrong shares a query is easy when p > 1/M; with Zipf(1) shares over three
** wrong answers, p > (6/11) / (1 + 6/11) = 6/17. With gnuplot on the PATH, every figure in every
** format must come out of the requested size with nothing said on stderr; a stand-in gnuplot (a
** shell script) checks that warnings reach the log and that a failure leaves nothing behind.
*/
#include "testutil.h"

#include <sys/stat.h>
#include <unistd.h>
#include <gsl/gsl_cdf.h>
#include "callscale/experiment.h"
#include "callscale/gnuplot.h"
#include "callscale/plot.h"
#include "callscale/results.h"

static const char experiment_ini[] =
    "[experiment]\n"
    "name = plot-test\n"
    "queries = 100\n"
    "budgets = 1,3,5\n"
    "answers = 4\n"
    "[population.easy]\n"
    "weight = 0.6\n"
    "p_correct = 0.8\n"
    "[population.hard]\n"
    "weight = 0.4\n"
    "p_correct = beta(2,6)\n"
    "[strategy.vote]\n"
    "[strategy.filter_vote]\n";

/* results.csv rows: strategy,setting,budget,bin then numbers; budget 5 before budget 1 on purpose. */
static const char results_mc[] =
    "vote,default,5,all,100,0.70,0.61,0.79,5,1500,2.1e13\n"
    "vote,default,5,easy,60,0.95,0.90,1,5,1500,2.1e13\n"
    "vote,default,5,hard,40,0.30,0.16,0.44,5,1500,2.1e13\n"
    "vote,default,1,all,100,0.60,0.50,0.70,1,300,4.2e12\n"
    "vote,default,1,easy,60,0.80,0.70,0.90,1,300,4.2e12\n"
    "vote,default,1,hard,40,0.30,0.16,0.44,1,300,4.2e12\n"
    "vote,default,3,all,100,0.65,0.55,0.75,3,900,1.26e13\n"
    "vote,default,3,easy,60,0.90,0.82,0.98,3,900,1.26e13\n"
    "vote,default,3,hard,40,0.28,0.14,0.42,3,900,1.26e13\n"
    "filter_vote,default,1,all,100,0.62,0.52,0.72,2,600,8.4e12\n"
    "filter_vote,default,1,easy,60,0.82,0.72,0.92,2,600,8.4e12\n"
    "filter_vote,default,1,hard,40,0.32,0.18,0.46,2,600,8.4e12\n"
    "filter_vote,default,3,all,100,0.72,0.63,0.81,6,1800,2.52e13\n"
    "filter_vote,default,3,easy,60,0.93,0.86,1,6,1800,2.52e13\n"
    "filter_vote,default,3,hard,40,0.40,0.25,0.55,6,1800,2.52e13\n"
    "filter_vote,default,5,all,100,0.78,0.70,0.86,10,3000,4.2e13\n"
    "filter_vote,default,5,easy,60,0.97,0.93,1,10,3000,4.2e13\n"
    "filter_vote,default,5,hard,40,0.50,0.35,0.65,10,3000,4.2e13\n";

/* ---- files and directories ------------------------------------------------------------------ */

static void make_temp_dir(char *buf, size_t n)
{
    snprintf(buf, n, "/tmp/callscale-plot-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(buf));
}

static void write_file(const char *dir, const char *name, const char *text)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fputs(text, f);
    fclose(f);
}

static void write_results(const char *dir, const char *rows)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/results.csv", dir);
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    fprintf(f, "%s\n%s", cs_results_header, rows);
    fclose(f);
}

/* The whole file, NUL-terminated (caller frees), or NULL when it does not exist. */
static char *read_file(const char *dir, const char *name, size_t *len)
{
    char path[1100];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    ck_assert_ptr_nonnull(buf);
    ck_assert_uint_eq(fread(buf, 1, (size_t)n, f), (size_t)n);
    buf[n] = '\0';
    fclose(f);
    if (len)
        *len = (size_t)n;
    return buf;
}

static int exists(const char *dir, const char *name)
{
    char path[1100];
    struct stat st;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    return stat(path, &st) == 0;
}

static void remove_dir(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static int no_tmp_files(const char *dir)
{
    char cmd[1200];
    snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '*.tmp.*')\"", dir);
    return system(cmd) == 0;
}

static void load_experiment(cs_experiment *ex, const char *text)
{
    cs_error err;
    int rc = cs_experiment_load(ex, write_temp_ini(text), NULL, 0, &err);
    ck_assert_msg(rc == 0, "experiment: %s:%d: %s", err.file, err.line, err.msg);
}

/* A run directory with the experiment above and results rows; ex loaded. */
static void setup(char *dir, size_t n, cs_experiment *ex, const char *rows)
{
    make_temp_dir(dir, n);
    load_experiment(ex, experiment_ini);
    write_results(dir, rows);
}

/* Numbers of block `index` of a curves file: up to max rows of 7 columns; returns the rows. */
static size_t read_block(const char *text, int index, double (*row)[7], size_t max)
{
    char tag[32];
    snprintf(tag, sizeof tag, "# index %d:", index);
    const char *p = strstr(text, tag);
    ck_assert_msg(p != NULL, "no block %d", index);
    p = strchr(p, '\n') + 1;
    size_t n = 0;
    while (*p && *p != '\n' && *p != '#' && n < max) {
        int used = 0;
        ck_assert_int_eq(sscanf(p, "%lf %lf %lf %lf %lf %lf %lf%n", &row[n][0], &row[n][1],
                                &row[n][2], &row[n][3], &row[n][4], &row[n][5], &row[n][6], &used),
                         7);
        n++;
        p = strchr(p + used, '\n');
        if (!p)
            break;
        p++;
    }
    return n;
}

static size_t count(const char *text, const char *what)
{
    size_t n = 0;
    for (const char *p = strstr(text, what); p; p = strstr(p + 1, what))
        n++;
    return n;
}

/* ---- names and options ---------------------------------------------------------------------- */

START_TEST(formats_and_sizes_parse)
{
    ck_assert_int_eq(cs_plot_format_parse("png"), CS_PLOT_PNG);
    ck_assert_int_eq(cs_plot_format_parse("pdf"), CS_PLOT_PDF);
    ck_assert_int_eq(cs_plot_format_parse("svg"), CS_PLOT_SVG);
    ck_assert_int_eq(cs_plot_format_parse("jpeg"), -1);
    ck_assert_int_eq(cs_plot_format_parse("PNG"), -1);
    ck_assert_int_eq(cs_plot_format_parse(""), -1);
    int w = 0, h = 0;
    ck_assert_int_eq(cs_plot_size_parse("640x480", &w, &h), 0);
    ck_assert_int_eq(w, 640);
    ck_assert_int_eq(h, 480);
    ck_assert_int_eq(cs_plot_size_parse("100X10000", &w, &h), 0);
    ck_assert_int_eq(w, 100);
    ck_assert_int_eq(h, 10000);
    const char *bad[] = {"640", "640x", "x480", "640x480x", "99x480", "640x10001", "-640x480",
                         "640 x 480", "axb", "", "1e3x500"};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        ck_assert_msg(cs_plot_size_parse(bad[i], &w, &h) == -1, "'%s' accepted", bad[i]);
    ck_assert_str_eq(cs_plot_figure_name(CS_FIG_BINS), "bins");
    ck_assert_str_eq(cs_plot_format_name(CS_PLOT_SVG), "svg");
}
END_TEST

/* ---- data and scripts ----------------------------------------------------------------------- */

START_TEST(curves_hold_the_results_in_order)
{
    char dir[64];
    cs_experiment ex;
    setup(dir, sizeof dir, &ex, results_mc);
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_msg(cs_plot_write(&ex, dir, &opt, &p, &err) == 0, "%s", err.msg);
    char *curves = read_file(dir, "curves.dat", NULL);
    ck_assert_ptr_nonnull(curves);
    /* 2 strategy settings x (all, easy, hard), in the order of results.csv */
    ck_assert_uint_eq(count(curves, "# index "), 6);
    ck_assert_ptr_nonnull(strstr(curves, "# index 0: vote default all"));
    ck_assert_ptr_nonnull(strstr(curves, "# index 2: vote default hard"));
    ck_assert_ptr_nonnull(strstr(curves, "# index 3: filter_vote default all"));
    double row[8][7];
    /* vote, all: sorted by budget, every column as written */
    ck_assert_uint_eq(read_block(curves, 0, row, 8), 3);
    const double want[3][7] = {{1, 0.60, 0.50, 0.70, 1, 300, 4.2e12},
                               {3, 0.65, 0.55, 0.75, 3, 900, 1.26e13},
                               {5, 0.70, 0.61, 0.79, 5, 1500, 2.1e13}};
    for (int i = 0; i < 3; i++)
        for (int j = 0; j < 7; j++)
            ck_assert_double_eq_tol(row[i][j], want[i][j], 1e-12 * fabs(want[i][j]));
    ck_assert_uint_eq(read_block(curves, 5, row, 8), 3);
    ck_assert_double_eq_tol(row[2][1], 0.50, 1e-12);
    ck_assert_double_eq_tol(row[2][4], 10, 1e-12);
    free(curves);
    /* filter_vote spends twice the calls of vote: every figure, scripts written whole (but the
    ** clock's, which need a latency.csv) */
    for (int fig = 0; fig < CS_FIG_FRONTIER; fig++) {
        char name[64];
        cs_plot_script_name(fig, name, sizeof name);
        ck_assert_msg(p.drawn[fig], "%s not drawn", name);
        ck_assert_msg(exists(dir, name), "%s missing", name);
    }
    ck_assert(!p.drawn[CS_FIG_FRONTIER] && !p.drawn[CS_FIG_LATENCY]);
    ck_assert(!exists(dir, "frontier.gp") && !exists(dir, "latency.dat"));
    ck_assert(!exists(dir, "exact.dat"));
    ck_assert(no_tmp_files(dir));
    /* the variables the templates read */
    char *gp = read_file(dir, "accuracy.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "name = 'plot-test'"));
    ck_assert_ptr_nonnull(strstr(gp, "nstrat = 2"));
    ck_assert_ptr_nonnull(strstr(gp, "array strat[2] = ['vote (N generator calls)', "
                                     "'filter_vote (N generations)']"));
    ck_assert_ptr_nonnull(strstr(gp, "nbins = 2"));
    ck_assert_ptr_nonnull(strstr(gp, "array bin[2] = ['easy (60%): p = 0.8', "
                                     "'hard (40%): p ~ Beta(2,6)']"));
    ck_assert_ptr_nonnull(strstr(gp, "mc = 1"));
    ck_assert_ptr_nonnull(strstr(gp, "exact = ''"));
    ck_assert_ptr_nonnull(strstr(gp, "bmin = 1\nbmax = 5\n"));
    ck_assert_ptr_nonnull(strstr(gp, "queries = 100"));
    ck_assert_ptr_nonnull(strstr(gp, "width = exists(\"W\") ? W : 1000\n"));
    ck_assert_ptr_nonnull(strstr(gp, "set logscale x 2")); /* the template itself */
    free(gp);
    /* default sizes: the bins figure has two rows and a column per strategy setting */
    ck_assert_int_eq(p.width[CS_FIG_ACCURACY], CS_PLOT_WIDTH);
    ck_assert_int_eq(p.height[CS_FIG_ACCURACY], CS_PLOT_HEIGHT);
    ck_assert_int_eq(p.width[CS_FIG_BINS], 1550);
    ck_assert_int_eq(p.height[CS_FIG_BINS], CS_PLOT_WIDTH);
    cs_experiment_free(&ex);
    remove_dir(dir);
}
END_TEST

/* The bins figure: a pair of panels per setting, in rows of at most four, as even as can be (5
** settings: 3 + 2; 9: 3 + 3 + 3). Each column after the first adds 0.55 of a 1000-pixel panel
** width, each row after the first 0.8 of the 1000-pixel height of one row. */
START_TEST(bins_figure_wraps_into_rows)
{
    static const struct {
        int settings, cols, width, height;
    } cases[] = {{1, 1, 1000, 1000}, {2, 2, 1550, 1000}, {4, 4, 2650, 1000}, {5, 3, 2100, 1800},
                 {8, 4, 2650, 1800}, {9, 3, 2100, 2600}, {11, 4, 2650, 2600}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        char dir[64], rows[8192] = "";
        cs_experiment ex;
        make_temp_dir(dir, sizeof dir);
        load_experiment(&ex, experiment_ini);
        for (int k = 0; k < cases[c].settings; k++)
            for (int b = 1; b <= 3; b += 2) {
                size_t len = strlen(rows);
                snprintf(rows + len, sizeof rows - len,
                         "vote,s%d,%d,all,100,0.6,0.5,0.7,%d,300,1\n"
                         "vote,s%d,%d,easy,60,0.8,0.7,0.9,%d,300,1\n"
                         "vote,s%d,%d,hard,40,0.3,0.2,0.4,%d,300,1\n",
                         k, b, b, k, b, b, k, b, b);
            }
        write_results(dir, rows);
        cs_plot p;
        cs_error err;
        cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
        ck_assert_msg(cs_plot_write(&ex, dir, &opt, &p, &err) == 0, "%s", err.msg);
        ck_assert_int_eq(p.width[CS_FIG_BINS], cases[c].width);
        ck_assert_int_eq(p.height[CS_FIG_BINS], cases[c].height);
        char *gp = read_file(dir, "bins.gp", NULL), want[64];
        snprintf(want, sizeof want, "\nbincols = %d ", cases[c].cols);
        ck_assert_msg(strstr(gp, want) != NULL, "%d settings: no '%s'", cases[c].settings, want + 1);
        free(gp);
        cs_experiment_free(&ex);
        remove_dir(dir);
    }
}
END_TEST

START_TEST(user_size_applies_to_every_figure)
{
    char dir[64];
    cs_experiment ex;
    setup(dir, sizeof dir, &ex, results_mc);
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PDF, 300, 200, NULL};
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    for (int fig = 0; fig < CS_NFIGURES; fig++) {
        ck_assert_int_eq(p.width[fig], 300);
        ck_assert_int_eq(p.height[fig], 200);
    }
    char *gp = read_file(dir, "bins.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "format = exists(\"fmt\") ? fmt : 'pdf'\n"));
    ck_assert_ptr_nonnull(strstr(gp, "width = exists(\"W\") ? W : 300\n"));
    ck_assert_ptr_nonnull(strstr(gp, "outname = exists(\"outfile\") ? outfile : 'bins.' . format\n"));
    free(gp);
    cs_experiment_free(&ex);
    remove_dir(dir);
}
END_TEST

START_TEST(cost_figure_only_when_costs_differ)
{
    char dir[64];
    cs_experiment ex;
    make_temp_dir(dir, sizeof dir);
    load_experiment(&ex, experiment_ini);
    /* first a run whose strategies differ in cost: cost.gp is written */
    write_results(dir, results_mc);
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    ck_assert(p.drawn[CS_FIG_COST] && exists(dir, "cost.gp"));
    write_file(dir, "cost.png", "an old figure");
    /* then two settings of vote, same cost at every budget: no cost figure, the old one goes */
    write_results(dir, "vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,easy,5,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,hard,4,0.5,0.4,0.6,1,300,1\n"
                       "vote,again,1,all,9,0.5,0.4,0.6,1,300,1\n"
                       "vote,again,1,easy,5,0.5,0.4,0.6,1,300,1\n"
                       "vote,again,1,hard,4,0.5,0.4,0.6,1,300,1\n");
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    ck_assert(!p.drawn[CS_FIG_COST]);
    ck_assert_str_eq(p.why_not[CS_FIG_COST], "the strategies spend the same per budget");
    ck_assert(!exists(dir, "cost.gp"));
    ck_assert(!exists(dir, "cost.png"));
    char *gp = read_file(dir, "accuracy.gp", NULL);
    /* same unit for every strategy: on the axis, not in the legend; settings named */
    ck_assert_ptr_nonnull(strstr(gp, "array strat[2] = ['vote', 'vote:again']"));
    ck_assert_ptr_nonnull(strstr(gp, "xlabel = 'budget N: generator calls per query'"));
    free(gp);
    /* one strategy: no cost figure either */
    write_results(dir, "vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,easy,5,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,hard,4,0.5,0.4,0.6,1,300,1\n");
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    ck_assert(!p.drawn[CS_FIG_COST]);
    ck_assert_str_eq(p.why_not[CS_FIG_COST], "one strategy setting");
    cs_experiment_free(&ex);
    remove_dir(dir);
}
END_TEST

START_TEST(population_bars_hold_each_share)
{
    char dir[64];
    cs_experiment ex;
    setup(dir, sizeof dir, &ex, results_mc);
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    char *pop = read_file(dir, "population.dat", NULL);
    ck_assert_ptr_nonnull(pop);
    /* easy: p = 0.8 fixed, one bar at 0.8 holding its share 0.6 */
    const char *b0 = strstr(pop, "# index 0: easy\n");
    ck_assert_ptr_nonnull(b0);
    double x, y;
    ck_assert_int_eq(sscanf(strchr(b0, '\n') + 1, "%lf %lf", &x, &y), 2);
    ck_assert_double_eq_tol(x, 0.8, 1e-12);
    ck_assert_double_eq_tol(y, 0.6, 1e-12);
    /* hard: Beta(2,6) in bars of 0.02: each bar the CDF's rise over it times 0.4, 0.4 in all */
    const char *b1 = strstr(pop, "# index 1: hard\n");
    ck_assert_ptr_nonnull(b1);
    const char *q = strchr(b1, '\n') + 1;
    double sum = 0;
    int bars = 0, used;
    while (sscanf(q, "%lf %lf%n", &x, &y, &used) == 2) {
        double lo = x - 0.01, hi = x + 0.01;
        double want = 0.4 * (gsl_cdf_beta_P(hi, 2, 6) - gsl_cdf_beta_P(lo > 0 ? lo : 0, 2, 6));
        ck_assert_double_eq_tol(y, want, 1e-9);
        sum += y;
        bars++;
        q = strchr(q + used, '\n');
        if (!q)
            break;
        q++;
    }
    ck_assert_int_eq(bars, 50);
    ck_assert_double_eq_tol(sum, 0.4, 1e-9);
    free(pop);
    /* four answers, uniform wrong shares: easy when p > 1/4, for both components */
    char *gp = read_file(dir, "population.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "pstar = 0.25 "));
    ck_assert_ptr_nonnull(strstr(gp, "array comp_pstar[2] = [0.25, 0.25]"));
    ck_assert_ptr_nonnull(strstr(gp, "easy_label = 'easy: p > 1/4'"));
    /* easy shares in the legend: p = 0.8 all easy; Beta(2,6) above 1/4: the upper tail */
    char title[128];
    snprintf(title, sizeof title, "'hard (40%%): p ~ Beta(2,6), %.3g%% easy'",
             100 * gsl_cdf_beta_Q(0.25, 2, 6));
    ck_assert_msg(strstr(gp, title) != NULL, "no %s in population.gp", title);
    ck_assert_ptr_nonnull(strstr(gp, "'easy (60%): p = 0.8, easy'"));
    ck_assert_ptr_nonnull(strstr(gp, "nq = 0"));
    free(gp);
    cs_experiment_free(&ex);
    remove_dir(dir);
}
END_TEST

START_TEST(population_thresholds_follow_the_wrong_shares)
{
    char dir[64];
    cs_experiment ex;
    make_temp_dir(dir, sizeof dir);
    /* Zipf(1) over 3 wrong answers: shares 6/11, 3/11, 2/11; easy when p > 6/17 */
    load_experiment(&ex, "[experiment]\nbudgets = 1\nanswers = 4\nbins = quantiles:3\n"
                         "[population.a]\np_correct = 0.8\nwrong = zipf(1)\n"
                         "[population.b]\np_correct = 0.2\nwrong = zipf(1)\n[strategy.vote]\n");
    write_results(dir, "vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,q1,3,0.8,0.7,0.9,1,300,1\n"
                       "vote,default,1,q2,3,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,q3,3,0.2,0.1,0.3,1,300,1\n");
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_msg(cs_plot_write(&ex, dir, &opt, &p, &err) == 0, "%s", err.msg);
    char *gp = read_file(dir, "population.gp", NULL), want[64];
    snprintf(want, sizeof want, "pstar = %.10g ", 6.0 / 17);
    ck_assert_msg(strstr(gp, want) != NULL, "no '%s'", want);
    ck_assert_ptr_nonnull(strstr(gp, "nq = 3"));
    ck_assert_ptr_nonnull(strstr(gp, "array qname[3] = ['q1', 'q2', 'q3']"));
    free(gp);
    /* quantile bins are titled by their p range */
    gp = read_file(dir, "bins.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "array bin[3] = ['q1: p ≥ "));
    free(gp);
    cs_experiment_free(&ex);
    /* components with different thresholds (uniform vs Zipf): no common one */
    load_experiment(&ex, "[experiment]\nbudgets = 1\nanswers = 4\n"
                         "[population.a]\np_correct = 0.8\n"
                         "[population.b]\np_correct = 0.2\nwrong = zipf(1)\n[strategy.vote]\n");
    write_results(dir, "vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,a,3,0.8,0.7,0.9,1,300,1\n"
                       "vote,default,1,b,3,0.5,0.4,0.6,1,300,1\n");
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    gp = read_file(dir, "population.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "pstar = -1 "));
    snprintf(want, sizeof want, "array comp_pstar[2] = [0.25, %.6g]", 6.0 / 17);
    ck_assert_msg(strstr(gp, want) != NULL, "no '%s'", want);
    free(gp);
    cs_experiment_free(&ex);
    /* an open answer space where wrong answers never repeat: every p > 0 is easy */
    load_experiment(&ex, "[experiment]\nbudgets = 1\nanswers = open\n"
                         "[population.a]\np_correct = beta(1,3)\n[strategy.vote]\n");
    write_results(dir, "vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n"
                       "vote,default,1,a,9,0.5,0.4,0.6,1,300,1\n");
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    gp = read_file(dir, "population.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "pstar = 0 "));
    free(gp);
    /* one bin: the bins figure would repeat the whole population, so it is not drawn */
    ck_assert(!p.drawn[CS_FIG_BINS]);
    ck_assert(!exists(dir, "bins.gp"));
    cs_experiment_free(&ex);
    remove_dir(dir);
}
END_TEST

START_TEST(names_with_quotes_are_gnuplot_strings)
{
    char dir[64];
    cs_experiment ex;
    setup(dir, sizeof dir, &ex, results_mc);
    snprintf(ex.name, sizeof ex.name, "it's \"quoted\"");
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    char *gp = read_file(dir, "accuracy.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "name = 'it''s \"quoted\"'\n"));
    free(gp);
    cs_experiment_free(&ex);
    remove_dir(dir);
}
END_TEST

/* ---- bad results.csv ------------------------------------------------------------------------ */

static void expect_error(const char *rows, const char *header, int line, const char *what)
{
    char dir[64];
    cs_experiment ex;
    make_temp_dir(dir, sizeof dir);
    load_experiment(&ex, experiment_ini);
    if (header) {
        char text[4096];
        snprintf(text, sizeof text, "%s\n%s", header, rows);
        write_file(dir, "results.csv", text);
    } else if (rows) {
        write_results(dir, rows);
    }
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    int rc = cs_plot_write(&ex, dir, &opt, &p, &err);
    ck_assert_msg(rc != 0, "accepted: %s", what);
    ck_assert_msg(strstr(err.file, "results.csv") != NULL, "%s: error names %s", what, err.file);
    ck_assert_msg(err.line == line, "%s: line %d, not %d (%s)", what, err.line, line, err.msg);
    ck_assert(!exists(dir, "curves.dat") && !exists(dir, "accuracy.gp"));
    ck_assert(no_tmp_files(dir));
    cs_experiment_free(&ex);
    remove_dir(dir);
}

START_TEST(bad_results_are_errors_with_their_line)
{
    expect_error(NULL, NULL, 0, "no results.csv");
    expect_error("", "strategy,setting,budget", 1, "a header that is not results.csv's");
    expect_error("", NULL, 0, "a header and no rows");
    expect_error("vote,default,1,all,9,0.5,0.4,0.6,1,300\n", NULL, 2, "10 fields");
    expect_error("vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n"
                 "vote,default,3,all,9,0.5,0.4,0.6,1,300,1,7\n", NULL, 3, "12 fields");
    expect_error("vote,default,1,all,9,half,0.4,0.6,1,300,1\n", NULL, 2, "an accuracy 'half'");
    expect_error("vote,default,0,all,9,0.5,0.4,0.6,1,300,1\n", NULL, 2, "budget 0");
    expect_error("vote,default,1.5,all,9,0.5,0.4,0.6,1,300,1\n", NULL, 2, "budget 1.5");
    expect_error("vote,default,1,all,-9,0.5,0.4,0.6,1,300,1\n", NULL, 2, "queries -9");
    expect_error("vote,,1,all,9,0.5,0.4,0.6,1,300,1\n", NULL, 2, "an empty setting");
    /* a strategy without rows for one bin */
    expect_error("vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n"
                 "vote,default,1,easy,9,0.5,0.4,0.6,1,300,1\n"
                 "filter_vote,default,1,all,9,0.5,0.4,0.6,1,300,1\n", NULL, 0,
                 "filter_vote without bin easy");
}
END_TEST

/* ---- exact curves over Monte Carlo ---------------------------------------------------------- */

/* results_mc turned into exact curves: queries 0 and ci_low = ci_high = accuracy. */
static char *exact_rows(const char *rows)
{
    char *out = malloc(strlen(rows) + 1), *o = out;
    ck_assert_ptr_nonnull(out);
    for (const char *line = rows; *line;) {
        char f[11][64];
        const char *end = strchr(line, '\n');
        char buf[256];
        snprintf(buf, sizeof buf, "%.*s", (int)(end - line), line);
        char *tok = strtok(buf, ",");
        for (int i = 0; i < 11 && tok; i++, tok = strtok(NULL, ","))
            snprintf(f[i], sizeof f[i], "%s", tok);
        o += sprintf(o, "%s,%s,%s,%s,0,%s,%s,%s,%s,%s,%s\n", f[0], f[1], f[2], f[3], f[5], f[5],
                     f[5], f[8], f[9], f[10]);
        line = end + 1;
    }
    return out;
}

START_TEST(exact_curves_overlay_monte_carlo)
{
    char dir[64], edir[64];
    cs_experiment ex;
    setup(dir, sizeof dir, &ex, results_mc);
    make_temp_dir(edir, sizeof edir);
    char *rows = exact_rows(results_mc);
    write_results(edir, rows);
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, edir};
    ck_assert_msg(cs_plot_write(&ex, dir, &opt, &p, &err) == 0, "%s", err.msg);
    char *gp = read_file(dir, "accuracy.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "exact = 'exact.dat'"));
    ck_assert_ptr_nonnull(strstr(gp, "mc = 1"));
    free(gp);
    char *e = read_file(dir, "exact.dat", NULL);
    ck_assert_ptr_nonnull(e);
    ck_assert_uint_eq(count(e, "# index "), 6);
    double row[8][7];
    ck_assert_uint_eq(read_block(e, 3, row, 8), 3); /* filter_vote, all */
    ck_assert_double_eq_tol(row[1][1], 0.72, 1e-12);
    ck_assert_double_eq_tol(row[1][2], 0.72, 1e-12);
    free(e);
    /* the exact directory alone: plain lines */
    cs_plot_options alone = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_int_eq(cs_plot_write(&ex, edir, &alone, &p, &err), 0);
    gp = read_file(edir, "accuracy.gp", NULL);
    ck_assert_ptr_nonnull(strstr(gp, "mc = 0"));
    free(gp);
    /* then no overlay again: the old exact.dat goes */
    ck_assert_int_eq(cs_plot_write(&ex, dir, &alone, &p, &err), 0);
    ck_assert(!exists(dir, "exact.dat"));
    /* a Monte Carlo run given as the exact one */
    cs_plot_options wrong = {CS_PLOT_PNG, 0, 0, dir};
    ck_assert_int_ne(cs_plot_write(&ex, dir, &wrong, &p, &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "callscale exact"));
    /* exact curves under exact curves */
    cs_plot_options twice = {CS_PLOT_PNG, 0, 0, edir};
    ck_assert_int_ne(cs_plot_write(&ex, edir, &twice, &p, &err), 0);
    /* an exact run missing a curve of the Monte Carlo run */
    write_results(edir, "vote,default,1,all,0,0.6,0.6,0.6,1,300,1\n");
    ck_assert_int_ne(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "same experiment"));
    free(rows);
    cs_experiment_free(&ex);
    remove_dir(dir);
    remove_dir(edir);
}
END_TEST

/* ---- gnuplot -------------------------------------------------------------------------------- */

START_TEST(gnuplot_is_found_only_on_the_path)
{
    char dir[64], buf[1100], path[1100];
    make_temp_dir(dir, sizeof dir);
    char *saved = getenv("PATH") ? strdup(getenv("PATH")) : NULL;
    setenv("PATH", dir, 1);
    ck_assert_int_eq(cs_gnuplot_find(buf, sizeof buf), -1);
    ck_assert_str_eq(buf, "");
    /* not executable: not a program */
    write_file(dir, "gnuplot", "#!/bin/sh\n");
    ck_assert_int_eq(cs_gnuplot_find(buf, sizeof buf), -1);
    snprintf(path, sizeof path, "%s/gnuplot", dir);
    ck_assert_int_eq(chmod(path, 0755), 0);
    snprintf(buf, sizeof buf, "/nonexistent:%s", dir);
    setenv("PATH", buf, 1);
    ck_assert_int_eq(cs_gnuplot_find(buf, sizeof buf), 0);
    ck_assert_str_eq(buf, path);
    if (saved) {
        setenv("PATH", saved, 1);
        free(saved);
    }
    remove_dir(dir);
}
END_TEST

/* needle in len bytes of data, which may hold NUL bytes (a PDF's compressed streams). */
static const char *find(const char *data, size_t len, const char *needle)
{
    size_t n = strlen(needle);
    for (size_t i = 0; i + n <= len; i++)
        if (!memcmp(data + i, needle, n))
            return data + i;
    return NULL;
}

/* Width and height of a figure from its bytes: PNG's IHDR, PDF's MediaBox, SVG's attributes. */
static int figure_size(const char *data, size_t len, int format, int *w, int *h)
{
    if (format == CS_PLOT_PNG) {
        static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
        if (len < 24 || memcmp(data, sig, 8) || memcmp(data + 12, "IHDR", 4))
            return -1;
        const unsigned char *u = (const unsigned char *)data + 16;
        *w = (int)((unsigned)u[0] << 24 | (unsigned)u[1] << 16 | (unsigned)u[2] << 8 | u[3]);
        *h = (int)((unsigned)u[4] << 24 | (unsigned)u[5] << 16 | (unsigned)u[6] << 8 | u[7]);
        return 0;
    }
    if (format == CS_PLOT_PDF) {
        const char *m = find(data, len, "/MediaBox [");
        if (strncmp(data, "%PDF-", 5) || !m || !find(data, len, "%%EOF"))
            return -1;
        return sscanf(m, "/MediaBox [ 0 0 %d %d ]", w, h) == 2 ? 0 : -1;
    }
    const char *s = strstr(data, "<svg");
    if (!s || !strstr(data, "</svg>"))
        return -1;
    return sscanf(strstr(s, "width="), "width=\"%d\" height=\"%d\"", w, h) == 2 ? 0 : -1;
}

static void render_all(const char *dir, const cs_plot *p, const char *gnuplot)
{
    for (int fig = 0; fig < CS_NFIGURES; fig++) {
        if (!p->drawn[fig])
            continue;
        char log[4096], name[64];
        cs_error err;
        int rc = cs_gnuplot_render(gnuplot, dir, p, fig, log, sizeof log, &err);
        cs_plot_output_name(p, fig, name, sizeof name);
        ck_assert_msg(rc == 0, "%s: %s\n%s", name, err.msg, log);
        ck_assert_msg(log[0] == '\0', "gnuplot said, drawing %s:\n%s", name, log);
        size_t len;
        char *data = read_file(dir, name, &len);
        ck_assert_msg(data != NULL, "%s not written", name);
        int w = 0, h = 0;
        ck_assert_msg(figure_size(data, len, p->format, &w, &h) == 0, "%s is not a %s", name,
                      cs_plot_format_name(p->format));
        ck_assert_msg(w == p->width[fig] && h == p->height[fig], "%s is %dx%d, not %dx%d", name,
                      w, h, p->width[fig], p->height[fig]);
        free(data);
    }
    ck_assert(no_tmp_files(dir));
}

START_TEST(gnuplot_draws_every_figure_in_every_format)
{
    char gnuplot[1100];
    ck_assert_msg(cs_gnuplot_find(gnuplot, sizeof gnuplot) == 0,
                  "gnuplot is not on the PATH (Debian: apt-get install gnuplot-nox)");
    char dir[64], edir[64];
    cs_experiment ex;
    setup(dir, sizeof dir, &ex, results_mc);
    make_temp_dir(edir, sizeof edir);
    char *rows = exact_rows(results_mc);
    write_results(edir, rows);
    free(rows);
    struct {
        int format, w, h;
        const char *exact;
    } cases[] = {{CS_PLOT_PNG, 0, 0, NULL},        {CS_PLOT_PNG, 640, 480, edir},
                 {CS_PLOT_PDF, 0, 0, NULL},        {CS_PLOT_PDF, 400, 300, edir},
                 {CS_PLOT_SVG, 0, 0, NULL},        {CS_PLOT_SVG, 800, 600, edir},
                 {CS_PLOT_PNG, 2000, 1400, NULL}};
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        cs_plot p;
        cs_error err;
        cs_plot_options opt = {cases[i].format, cases[i].w, cases[i].h, cases[i].exact};
        ck_assert_msg(cs_plot_write(&ex, dir, &opt, &p, &err) == 0, "%s", err.msg);
        render_all(dir, &p, gnuplot);
    }
    /* exact curves alone, and a population with quantile bins and an open answer space */
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_int_eq(cs_plot_write(&ex, edir, &opt, &p, &err), 0);
    render_all(edir, &p, gnuplot);
    cs_experiment_free(&ex);
    load_experiment(&ex, "[experiment]\nbudgets = 1,2,4\nanswers = open\nbins = quantiles:4\n"
                         "[population.a]\np_correct = beta(0.4,4)\nwrong = dirichlet(2)\n"
                         "[strategy.coverage]\n");
    write_results(dir, "coverage,default,1,all,8,0.1,0.05,0.15,1,300,1\n"
                       "coverage,default,1,q1,2,0.3,0.2,0.4,1,300,1\n"
                       "coverage,default,1,q2,2,0.1,0.0,0.2,1,300,1\n"
                       "coverage,default,1,q3,2,0.0,0.0,0.0,1,300,1\n"
                       "coverage,default,1,q4,2,0.0,0.0,0.0,1,300,1\n"
                       "coverage,default,4,all,8,0.3,0.25,0.35,4,1200,1\n"
                       "coverage,default,4,q1,2,0.6,0.5,0.7,4,1200,1\n"
                       "coverage,default,4,q2,2,0.3,0.2,0.4,4,1200,1\n"
                       "coverage,default,4,q3,2,0.1,0.0,0.2,4,1200,1\n"
                       "coverage,default,4,q4,2,0.0,0.0,0.0,4,1200,1\n");
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    render_all(dir, &p, gnuplot);
    cs_experiment_free(&ex);
    remove_dir(dir);
    remove_dir(edir);
}
END_TEST

/* A stand-in gnuplot: sets outfile from "-e outfile='...'" as gnuplot would, then acts. */
static void stand_in(const char *dir, const char *body, char *path, size_t n)
{
    char text[512];
    snprintf(text, sizeof text, "#!/bin/sh\neval \"$2\"\n%s\n", body);
    write_file(dir, "gnuplot", text);
    snprintf(path, n, "%s/gnuplot", dir);
    ck_assert_int_eq(chmod(path, 0755), 0);
}

START_TEST(gnuplot_warnings_reach_the_log_and_failures_leave_nothing)
{
    char dir[64], bin[64], fake[1100], log[4096];
    cs_experiment ex;
    setup(dir, sizeof dir, &ex, results_mc);
    make_temp_dir(bin, sizeof bin);
    cs_plot p;
    cs_error err;
    cs_plot_options opt = {CS_PLOT_PNG, 0, 0, NULL};
    ck_assert_int_eq(cs_plot_write(&ex, dir, &opt, &p, &err), 0);
    /* a warning, and a figure: the figure is put in place, the warning is in the log */
    stand_in(bin, "echo \"\\\"$3\\\" line 7: warning: hello\" >&2; echo drawn > \"$outfile\"", fake,
             sizeof fake);
    ck_assert_int_eq(cs_gnuplot_render(fake, dir, &p, CS_FIG_ACCURACY, log, sizeof log, &err), 0);
    ck_assert_str_eq(log, "\"accuracy.gp\" line 7: warning: hello\n");
    char *data = read_file(dir, "accuracy.png", NULL);
    ck_assert_str_eq(data, "drawn\n");
    free(data);
    /* a log longer than the buffer is cut, and gnuplot is not blocked on a full pipe */
    stand_in(bin, "i=0; while [ $i -lt 3000 ]; do echo 'warning: a long line of text' >&2; "
                  "i=$((i+1)); done; echo drawn > \"$outfile\"", fake, sizeof fake);
    ck_assert_int_eq(cs_gnuplot_render(fake, dir, &p, CS_FIG_BINS, log, 64, &err), 0);
    ck_assert_uint_eq(strlen(log), 63);
    /* a failure after half a figure: the old figure stays, no temporary file is left */
    stand_in(bin, "echo half > \"$outfile\"; echo 'error: no' >&2; exit 1", fake, sizeof fake);
    ck_assert_int_ne(cs_gnuplot_render(fake, dir, &p, CS_FIG_ACCURACY, log, sizeof log, &err), 0);
    ck_assert_str_eq(log, "error: no\n");
    ck_assert_ptr_nonnull(strstr(err.msg, "gnuplot failed"));
    data = read_file(dir, "accuracy.png", NULL);
    ck_assert_str_eq(data, "drawn\n");
    free(data);
    ck_assert(no_tmp_files(dir));
    /* success without a figure is a failure */
    stand_in(bin, "true", fake, sizeof fake);
    ck_assert_int_ne(cs_gnuplot_render(fake, dir, &p, CS_FIG_COST, log, sizeof log, &err), 0);
    ck_assert_ptr_nonnull(strstr(err.msg, "no figure"));
    ck_assert(!exists(dir, "cost.png"));
    /* a program that cannot be run */
    ck_assert_int_ne(cs_gnuplot_render("/nonexistent/gnuplot", dir, &p, CS_FIG_COST, log, sizeof log,
                                    &err), 0);
    ck_assert(no_tmp_files(dir));
    cs_experiment_free(&ex);
    remove_dir(dir);
    remove_dir(bin);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("plot");
    TCase *tc = tcase_create("plot");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, formats_and_sizes_parse);
    tcase_add_test(tc, curves_hold_the_results_in_order);
    tcase_add_test(tc, bins_figure_wraps_into_rows);
    tcase_add_test(tc, user_size_applies_to_every_figure);
    tcase_add_test(tc, cost_figure_only_when_costs_differ);
    tcase_add_test(tc, population_bars_hold_each_share);
    tcase_add_test(tc, population_thresholds_follow_the_wrong_shares);
    tcase_add_test(tc, names_with_quotes_are_gnuplot_strings);
    tcase_add_test(tc, bad_results_are_errors_with_their_line);
    tcase_add_test(tc, exact_curves_overlay_monte_carlo);
    tcase_add_test(tc, gnuplot_is_found_only_on_the_path);
    tcase_add_test(tc, gnuplot_draws_every_figure_in_every_format);
    tcase_add_test(tc, gnuplot_warnings_reach_the_log_and_failures_leave_nothing);
    suite_add_tcase(s, tc);
    return s;
}
