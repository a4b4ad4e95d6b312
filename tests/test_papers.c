/*
** The paper experiments against the papers' published numbers (experiments/paper_targets.csv):
** every row an experiment models within max(0.02, 2 x its precision), and each paper's finding with
** at least Z_FINDING standard errors of margin.
*/
#include <gsl/gsl_errno.h>
#include "callscale/results.h"
#include "callscale/strategy.h"
#include "callscale/sweep.h"
#include "testutil.h"
#include "testutil_cells.h"
#include "testutil_experiment.h"
#include "testutil_sweep.h"

#define TARGETS "experiments/paper_targets.csv"

typedef struct target {
    char experiment[64], strategy[32], setting[32], bin[16];
    size_t budget;
    double accuracy, precision;
} target;

/* The rows of TARGETS that name an experiment (the rest are not modelled). */
static size_t read_targets(target *t, size_t cap)
{
    FILE *f = fopen(TARGETS, "r");
    ck_assert_ptr_nonnull(f);
    char line[1024];
    size_t n = 0;
    ck_assert_ptr_nonnull(fgets(line, sizeof line, f)); /* the header */
    while (fgets(line, sizeof line, f)) {
        char *field[12];
        size_t k = 0;
        for (char *p = line, *q; k < 12; p = q + 1) {
            field[k++] = p;
            q = strchr(p, ',');
            if (!q)
                break;
            *q = '\0';
        }
        ck_assert_uint_ge(k, 11);
        if (!*field[0])
            continue;
        ck_assert_uint_lt(n, cap);
        snprintf(t[n].experiment, sizeof t[n].experiment, "%s", field[0]);
        snprintf(t[n].strategy, sizeof t[n].strategy, "%s", field[5]);
        snprintf(t[n].setting, sizeof t[n].setting, "%s", field[6]);
        t[n].budget = (size_t)strtoul(field[7], NULL, 10);
        snprintf(t[n].bin, sizeof t[n].bin, "%s", field[8]);
        t[n].accuracy = strtod(field[9], NULL);
        t[n].precision = strtod(field[10], NULL);
        n++;
    }
    fclose(f);
    return n;
}

static size_t bin_index(const cs_experiment *ex, const char *name)
{
    if (strcmp(name, "all") == 0)
        return 0;
    char buf[CS_NAME_MAX];
    for (size_t b = 0; b < cs_experiment_nbins(ex); b++) {
        cs_experiment_bin_name(ex, b, buf, sizeof buf);
        if (strcmp(buf, name) == 0)
            return b + 1;
    }
    ck_abort_msg("no bin %s", name);
    return 0;
}

/* Run experiments/NAME.ini with `queries` queries (its own count when 0) into r. */
static void run_paper(cs_experiment *ex, cs_results *r, const char *name, uint64_t queries)
{
    char path[128], set[64];
    snprintf(path, sizeof path, "experiments/%s.ini", name);
    snprintf(set, sizeof set, "experiment.queries=%llu", (unsigned long long)queries);
    const char *sets[] = {set};
    cs_error err;
    ck_assert_msg(cs_experiment_load(ex, path, sets, queries ? 1 : 0, &err) == 0, "%s:%d: %s",
                  err.file, err.line, err.msg);
    sweep_ok(ex, r, 0);
}

/* Each modelled row within its tolerance: the experiment's own error against the paper, plus a
** Monte Carlo error at these queries of about 0.0035 at most (s.e. of a proportion near 1/2 at
** 20,000 queries), which the calibrated fits leave room for (their errors are 0.011 at most). */
static void assert_rows(const char *name, const cs_experiment *ex, const cs_results *r)
{
    static target t[256];
    size_t n = read_targets(t, 256), seen = 0;
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].experiment, name) != 0)
            continue;
        size_t s = strategy_index(ex, t[i].strategy, t[i].setting);
        size_t b = budget_index(ex, t[i].budget), bin = bin_index(ex, t[i].bin);
        double got = cell_mean(r, s, b, bin), tol = fmax(0.02, 2 * t[i].precision);
        ck_assert_msg(fabs(got - t[i].accuracy) <= tol, "%s: %s:%s at %zu, %s: %.4f, the paper %.4f",
                      name, t[i].strategy, t[i].setting, t[i].budget, t[i].bin, got, t[i].accuracy);
        seen++;
    }
    ck_assert_uint_gt(seen, 0);
}

/* Brown et al.: coverage climbs past 98% at 10^4 samples while majority vote plateaus near 41%:
** vote at 10^4 no higher than at 100 (to within Z_FINDING s.e.), and coverage above vote by far. */
START_TEST(brown2024_plateau)
{
    cs_experiment ex;
    cs_results r;
    run_paper(&ex, &r, "brown2024_math", 20000);
    assert_rows("brown2024_math", &ex, &r);
    size_t cov = strategy_index(&ex, "coverage", "default"), vote = strategy_index(&ex, "vote", "default");
    size_t b100 = budget_index(&ex, 100), b1e4 = budget_index(&ex, 10000);
    ck_assert(cell_z(&r, cov, b1e4, 0, vote, b1e4, 0) > Z_FINDING);
    ck_assert(cell_mean(&r, cov, b1e4, 0) - Z_FINDING * cell_se(&r, cov, b1e4, 0) > 0.98);
    ck_assert(cell_z(&r, vote, b1e4, 0, vote, b100, 0) < Z_FINDING);
    ck_assert(cell_mean(&r, vote, b1e4, 0) + Z_FINDING * cell_se(&r, vote, b1e4, 0) < 0.45);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}
END_TEST

/* Chen et al.: filter-vote falls and then rises (from budget `before` down to `dip`, then up to
** 1000); vote rises to `peak`, and on GPQA falls after it (MMLU Physics' fit keeps vote flat after
** its rise: the experiment file says why). */
static void chen_shapes(const char *name, size_t before, size_t dip, size_t peak, int vote_falls)
{
    cs_experiment ex;
    cs_results r;
    run_paper(&ex, &r, name, 0);
    assert_rows(name, &ex, &r);
    size_t vote = strategy_index(&ex, "vote", "default"), fv = strategy_index(&ex, "filter_vote", "default");
    size_t first = budget_index(&ex, 1), last = budget_index(&ex, 1000);
    size_t bb = budget_index(&ex, before), bd = budget_index(&ex, dip), bp = budget_index(&ex, peak);
    ck_assert(cell_z(&r, fv, bb, 0, fv, bd, 0) > Z_FINDING);
    ck_assert(cell_z(&r, fv, last, 0, fv, bd, 0) > Z_FINDING);
    ck_assert(cell_z(&r, vote, bp, 0, vote, first, 0) > Z_FINDING);
    if (vote_falls)
        ck_assert(cell_z(&r, vote, bp, 0, vote, last, 0) > Z_FINDING);
    cs_results_free(&r);
    cs_experiment_free(&ex);
}

START_TEST(chen2024_mmlu_physics)
{
    chen_shapes("chen2024_mmlu_physics", 2, 8, 12, 0);
}
END_TEST

START_TEST(chen2024_gpqa)
{
    chen_shapes("chen2024_gpqa", 4, 12, 24, 1);
}
END_TEST

/* Setting s's accuracy at `flops` FLOPs per query, linear in log FLOPs between the two budgets
** around it, and the larger s.e. of the two; NAN outside its budgets. */
static double at_flops(const cs_results *r, const cs_experiment *ex, size_t s, double flops,
                       double *se)
{
    for (size_t b = 0; b + 1 < ex->nbudgets; b++) {
        const cs_cell *lo = cs_results_cell(r, s, b, 0), *hi = cs_results_cell(r, s, b + 1, 0);
        double f0 = lo->flops / lo->n, f1 = hi->flops / hi->n;
        if (flops >= f0 && flops <= f1) {
            double w = log(flops / f0) / log(f1 / f0);
            *se = fmax(cell_se(r, s, b, 0), cell_se(r, s, b + 1, 0));
            return (1 - w) * cell_mean(r, s, b, 0) + w * cell_mean(r, s, b + 1, 0);
        }
    }
    return NAN;
}

static double flops_of(const cs_results *r, size_t s, size_t b)
{
    const cs_cell *c = cs_results_cell(r, s, b, 0);
    return c->flops / c->n;
}

/* Wu et al.: REBASE (weighted) at 32 leaves matches sampling with weighted vote at 256 (not below
** by 2 s.e.) with 8x fewer FLOPs, and beats sampling at equal FLOPs (32 and 32) by Z_FINDING s.e.;
** and the model-size finding on one FLOPs axis: Llemma-7B's weighted vote at 32 beats Llemma-34B's
** at its smallest budget (8, more FLOPs than the 7B's 32), and the 7B's lead over the 34B at equal
** FLOPs shrinks from there to the 7B's 256 by Z_FINDING s.e. (Wu: the 7B is ahead until about 128
** samples). Tree searches draw their own randomness, so cells are independent: s.e. add in
** quadrature. */
START_TEST(wu2024_findings)
{
    cs_experiment e7, e34;
    cs_results r7, r34;
    run_paper(&e7, &r7, "wu2024_rebase", 0);
    assert_rows("wu2024_rebase", &e7, &r7);
    run_paper(&e34, &r34, "wu2024_rebase_34b", 0);
    assert_rows("wu2024_rebase_34b", &e34, &r34);
    size_t wv = strategy_index(&e7, "weighted_vote", "default"), rb = strategy_index(&e7, "rebase", "wv");
    size_t b32 = budget_index(&e7, 32), b256 = budget_index(&e7, 256);
    ck_assert(cell_z(&r7, rb, b32, 0, wv, b256, 0) > -2);
    ck_assert(flops_of(&r7, wv, b256) / flops_of(&r7, rb, b32) > 7.99);
    ck_assert(cell_z(&r7, rb, b32, 0, wv, b32, 0) > Z_FINDING);

    size_t wv34 = strategy_index(&e34, "weighted_vote", "default"), b8 = budget_index(&e34, 8);
    ck_assert(flops_of(&r34, wv34, b8) > flops_of(&r7, wv, b32));
    double small = cell_mean(&r7, wv, b32, 0) - cell_mean(&r34, wv34, b8, 0);
    double se_small = hypot(cell_se(&r7, wv, b32, 0), cell_se(&r34, wv34, b8, 0));
    ck_assert(small / se_small > Z_FINDING);
    double se34, big34 = at_flops(&r34, &e34, wv34, flops_of(&r7, wv, b256), &se34);
    ck_assert(!isnan(big34));
    double big = cell_mean(&r7, wv, b256, 0) - big34;
    double se_big = hypot(cell_se(&r7, wv, b256, 0), se34);
    printf("wu: 7B ahead of 34B at equal FLOPs by %+.4f at 7B's 32, %+.4f at its 256\n", small, big);
    ck_assert((small - big) / hypot(se_small, se_big) > Z_FINDING);
    cs_results_free(&r7);
    cs_results_free(&r34);
    cs_experiment_free(&e7);
    cs_experiment_free(&e34);
}
END_TEST

Suite *make_suite(void)
{
    gsl_set_error_handler_off();
    Suite *s = suite_create("papers");
    TCase *tc = tcase_create("papers");
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, brown2024_plateau);
    tcase_add_test(tc, chen2024_mmlu_physics);
    tcase_add_test(tc, chen2024_gpqa);
    tcase_add_test(tc, wu2024_findings);
    suite_add_tcase(s, tc);
    return s;
}
