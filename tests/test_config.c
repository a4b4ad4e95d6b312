/*
** Tests of config.c: budget lists and ranges, experiment files (defaults, components, overrides,
** errors with file, line and key), and config.ini written back and re-read.
*/
#include <stdint.h>
#include <unistd.h>
#include "callscale/experiment.h"
#include "callscale/strategy.h"
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------------------- */

/* 1-based number of the first line of text that contains needle (the tests' expected err.line). */
static int line_of(const char *text, const char *needle)
{
    const char *hit = strstr(text, needle);
    ck_assert_msg(hit != NULL, "'%s' not in the test's own file", needle);
    int line = 1;
    for (const char *p = text; p < hit; p++)
        line += *p == '\n';
    return line;
}

/* Write text to a temp file, load it with the given overrides, remove the file. The path used is
** copied into path (for comparing with err.file). A failed load owns nothing (LeakSanitizer
** checks that every error path frees). */
static int load_text(cs_experiment *ex, const char *text, const char *const *ov, size_t nov,
                     cs_error *err, char *path, size_t npath)
{
    snprintf(path, npath, "%s", write_temp_ini(text));
    memset(err, 0, sizeof *err);
    int rc = cs_experiment_load(ex, path, ov, nov, err);
    unlink(path);
    return rc;
}

static void load_ok(cs_experiment *ex, const char *text, const char *const *ov, size_t nov)
{
    char path[64];
    cs_error err;
    int rc = load_text(ex, text, ov, nov, &err, path, sizeof path);
    ck_assert_msg(rc == 0, "load failed: %s:%d: %s", err.file, err.line, err.msg);
}

static const cs_component *comp_named(const cs_experiment *ex, const char *name)
{
    for (size_t k = 0; k < ex->ncomp; k++)
        if (strcmp(ex->comp[k].name, name) == 0)
            return &ex->comp[k];
    ck_abort_msg("no component '%s'", name);
    return NULL;
}

static const cs_strategy *strat_of(const cs_experiment *ex, const char *type, const char *label)
{
    for (size_t s = 0; s < ex->nstrat; s++)
        if (strcmp(ex->strat[s].type->name, type) == 0 && strcmp(ex->strat[s].label, label) == 0)
            return &ex->strat[s];
    ck_abort_msg("no strategy %s:%s", type, label);
    return NULL;
}

/* The default of a settings key, read from its parameter table (where defaults live). */
static double table_default(const cs_param *rows, size_t n, const char *name)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(rows[i].name, name) == 0) {
            double v;
            char why[128];
            ck_assert_int_eq(cs_param_parse(&rows[i], rows[i].def, &v, why, sizeof why), 0);
            return v;
        }
    ck_abort_msg("no parameter %s", name);
    return 0;
}

/* ---- budgets ---------------------------------------------------------------------------- */

/* Lists, doubling ranges (1..1024 x2 is 2^0 .. 2^10), steps (1..31 +2 the odd numbers to 31, 16
** of them) and a range of one, each with every budget it must give. */
static const struct {
    const char *text;
    size_t n, want[16];
} good_budgets[] = {
    {"1,3,5", 3, {1, 3, 5}},
    {"1..1024 x2", 11, {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024}},
    {"1..31 +2", 16, {1, 3, 5, 7, 9, 11, 13, 15, 17, 19, 21, 23, 25, 27, 29, 31}},
    {"5..5", 1, {5}},
};

START_TEST(test_budgets_good)
{
    size_t *b, n;
    char why[256];
    ck_assert_msg(cs_budgets_parse(good_budgets[_i].text, &b, &n, why, sizeof why) == 0, "'%s': %s",
                  good_budgets[_i].text, why);
    ck_assert_uint_eq(n, good_budgets[_i].n);
    for (size_t i = 0; i < n; i++)
        ck_assert_uint_eq(b[i], good_budgets[_i].want[i]);
    free(b);
}
END_TEST

/* Empty, zero, not increasing, half a range, a range going down, a factor that does not grow, a
** missing or unknown step, words, an empty item. */
static const char *const bad_budgets[] = {
    "", "0,1", "3,2", "1..", "..5", "5..1", "1..8 x1", "1..8 x", "1..8 y2", "a,b", "1,,2",
};

START_TEST(test_budgets_bad)
{
    const char *text = bad_budgets[_i];
    size_t *b = NULL, n = 12345;
    char why[256] = "";
    ck_assert_msg(cs_budgets_parse(text, &b, &n, why, sizeof why) == -1, "'%s' was accepted", text);
    ck_assert_msg(why[0] != '\0', "'%s' rejected without a reason", text);
}
END_TEST

/* ---- loading: what a good file gives ---------------------------------------------------- */

/* A file with only [experiment]: every key defaulted, one component holding all queries, and the
** vote strategy; the settings are the parameter tables' defaults, judge tokens and params being
** the generator's. */
START_TEST(test_defaults)
{
    cs_experiment ex;
    load_ok(&ex, "[experiment]\n", NULL, 0);
    ck_assert_uint_ge(ex.queries, 1);
    ck_assert_uint_ge(ex.nbudgets, 1);
    ck_assert_uint_ge(ex.budgets[0], 1);
    for (size_t i = 1; i < ex.nbudgets; i++)
        ck_assert_uint_gt(ex.budgets[i], ex.budgets[i - 1]);
    ck_assert(ex.answers == 0 || ex.answers >= 2);
    ck_assert_int_eq(ex.bins_kind, CS_BINS_COMPONENTS);
    ck_assert_uint_eq(cs_experiment_nbins(&ex), 1);
    ck_assert(ex.name[0] != '\0');

    ck_assert_uint_eq(ex.ncomp, 1);
    ck_assert_double_gt(ex.comp[0].weight, 0);
    ck_assert_double_eq(ex.comp[0].share, 1.0);
    ck_assert_uint_eq(ex.comp[0].overridden, 0);
    ck_assert_uint_eq(ex.nstrat, 1);
    ck_assert_ptr_eq(ex.strat[0].type, cs_strategy_find("vote"));
    ck_assert_str_eq(ex.strat[0].label, "default");

    const cs_settings *g = &ex.global;
    ck_assert_double_eq(g->gen_tokens, table_default(cs_generator_params, cs_generator_nparams, "tokens"));
    ck_assert_double_eq(g->gen_params, table_default(cs_generator_params, cs_generator_nparams, "params"));
    ck_assert_double_eq(g->tpr, table_default(cs_judge_params, cs_judge_nparams, "tpr"));
    ck_assert_double_eq(g->fpr, table_default(cs_judge_params, cs_judge_nparams, "fpr"));
    ck_assert_double_eq(g->judge_tokens, g->gen_tokens);
    ck_assert_double_eq(g->judge_params, g->gen_params);
    ck_assert_double_eq(g->separation,
                        table_default(cs_verifier_params, cs_verifier_nparams, "separation"));
    ck_assert_double_eq(g->answer_noise,
                        table_default(cs_verifier_params, cs_verifier_nparams, "answer_noise"));
    ck_assert_double_eq(g->sample_noise,
                        table_default(cs_verifier_params, cs_verifier_nparams, "sample_noise"));
    ck_assert_mem_eq(&ex.comp[0].set, g, sizeof *g);
    cs_experiment_free(&ex);
}
END_TEST

/* The experiment keys are read as written. */
START_TEST(test_experiment_keys)
{
    cs_experiment ex;
    load_ok(&ex,
            "[experiment]\n"
            "name    = chen2024-two-level\n"
            "queries = 200000\n"
            "seed    = 17\n"
            "budgets = 1,3,5,9,17,33,65,129   ; a comment\n"
            "answers = open\n"
            "bins    = quantiles:5\n",
            NULL, 0);
    ck_assert_str_eq(ex.name, "chen2024-two-level");
    ck_assert_uint_eq(ex.queries, 200000);
    ck_assert_uint_eq(ex.seed, 17);
    static const size_t want[] = {1, 3, 5, 9, 17, 33, 65, 129};
    ck_assert_uint_eq(ex.nbudgets, 8);
    for (size_t i = 0; i < 8; i++)
        ck_assert_uint_eq(ex.budgets[i], want[i]);
    ck_assert_int_eq(ex.answers, 0);
    ck_assert_int_eq(ex.bins_kind, CS_BINS_QUANTILES);
    ck_assert_int_eq(ex.nquantiles, 5);
    ck_assert_uint_eq(cs_experiment_nbins(&ex), 5);
    char bin[16];
    cs_experiment_bin_name(&ex, 0, bin, sizeof bin);
    ck_assert_str_eq(bin, "q1");
    cs_experiment_bin_name(&ex, 4, bin, sizeof bin);
    ck_assert_str_eq(bin, "q5");
    cs_experiment_free(&ex);
}
END_TEST

/* Weights 3 : 1 : 0 give shares 3/4, 1/4, 0 (share = weight / sum of weights). */
START_TEST(test_weights_normalised)
{
    cs_experiment ex;
    load_ok(&ex,
            "[experiment]\nanswers = 4\n"
            "[population.a]\nweight = 3\n"
            "[population.b]\nweight = 1\n"
            "[population.c]\nweight = 0\n",
            NULL, 0);
    ck_assert_uint_eq(ex.ncomp, 3);
    ck_assert_double_eq(comp_named(&ex, "a")->weight, 3);
    ck_assert_double_eq(comp_named(&ex, "a")->share, 0.75);
    ck_assert_double_eq(comp_named(&ex, "b")->share, 0.25);
    ck_assert_double_eq(comp_named(&ex, "c")->share, 0.0);
    /* components are bins, in file order */
    char bin[CS_NAME_MAX];
    cs_experiment_bin_name(&ex, 0, bin, sizeof bin);
    ck_assert_str_eq(bin, "a");
    cs_experiment_bin_name(&ex, 2, bin, sizeof bin);
    ck_assert_str_eq(bin, "c");
    cs_experiment_free(&ex);
}
END_TEST

START_TEST(test_p_correct_and_wrong)
{
    cs_experiment ex;
    load_ok(&ex,
            "[experiment]\nanswers = 5\n"
            "[population.easy]\nweight = 0.6\np_correct = 0.85\nwrong = uniform\n"
            "[population.mid]\nweight = 0.3\np_correct = beta(0.6, 1.2)\nwrong = dirichlet(0.5)\n"
            "[population.hard]\nweight = 0.1\np_correct = beta(8,2)\nwrong = zipf(1.1)\n",
            NULL, 0);
    const cs_component *e = comp_named(&ex, "easy"), *m = comp_named(&ex, "mid"),
                       *h = comp_named(&ex, "hard");
    ck_assert_int_eq(e->p_kind, CS_P_FIXED);
    ck_assert_double_eq(e->p, 0.85);
    ck_assert_int_eq(e->wrong_kind, CS_WRONG_UNIFORM);
    ck_assert_int_eq(m->p_kind, CS_P_BETA);
    ck_assert_double_eq(m->a, 0.6);
    ck_assert_double_eq(m->b, 1.2);
    ck_assert_int_eq(m->wrong_kind, CS_WRONG_DIRICHLET);
    ck_assert_double_eq(m->wrong_param, 0.5);
    ck_assert_int_eq(h->p_kind, CS_P_BETA);
    ck_assert_double_eq(h->a, 8);
    ck_assert_double_eq(h->b, 2);
    ck_assert_int_eq(h->wrong_kind, CS_WRONG_ZIPF);
    ck_assert_double_eq(h->wrong_param, 1.1);
    ck_assert_double_eq_tol(e->share, 0.6, 1e-15);
    ck_assert_double_eq_tol(m->share, 0.3, 1e-15);
    ck_assert_double_eq_tol(h->share, 0.1, 1e-15);
    cs_experiment_free(&ex);
}
END_TEST

/* p_correct = 0 and 1 are the closed ends of [0, 1]. */
START_TEST(test_p_correct_ends)
{
    cs_experiment ex;
    load_ok(&ex, "[experiment]\n[population.a]\np_correct = 0\n[population.b]\np_correct = 1\n",
            NULL, 0);
    ck_assert_double_eq(comp_named(&ex, "a")->p, 0.0);
    ck_assert_double_eq(comp_named(&ex, "b")->p, 1.0);
    cs_experiment_free(&ex);
}
END_TEST

/* A judge key under a population section overrides it for that component only; the component
** starts from the global settings wherever [judge] stands in the file. */
START_TEST(test_component_override)
{
    cs_experiment ex;
    load_ok(&ex,
            "[experiment]\n"
            "[population.hard]\nweight = 0.4\np_correct = 0.4\ntpr = 0.95\n"
            "[population.easy]\nweight = 0.6\np_correct = 0.85\n"
            "[judge]\ntpr = 0.8\nfpr = 0.2\n",
            NULL, 0);
    const cs_component *h = comp_named(&ex, "hard"), *e = comp_named(&ex, "easy");
    ck_assert_double_eq(ex.global.tpr, 0.8);
    ck_assert_double_eq(ex.global.fpr, 0.2);
    ck_assert_double_eq(h->set.tpr, 0.95);
    ck_assert_double_eq(h->set.fpr, 0.2);
    ck_assert_double_eq(e->set.tpr, 0.8);
    ck_assert_double_eq(e->set.fpr, 0.2);
    ck_assert_uint_ne(h->overridden, 0);
    ck_assert_uint_eq(e->overridden, 0);
    cs_experiment_free(&ex);
}
END_TEST

/* Inside a component the judge's tokens and params are judge_tokens and judge_params, since the
** generator's keys have the same names. */
START_TEST(test_component_judge_keys)
{
    cs_experiment ex;
    load_ok(&ex,
            "[experiment]\n"
            "[generator]\ntokens = 300\n"
            "[population.a]\ntokens = 500\njudge_tokens = 40\njudge_params = 7e10\n"
            "sample_noise = 2\n",
            NULL, 0);
    const cs_component *a = comp_named(&ex, "a");
    ck_assert_double_eq(a->set.gen_tokens, 500);
    ck_assert_double_eq(a->set.judge_tokens, 40);
    ck_assert_double_eq(a->set.judge_params, 7e10);
    ck_assert_double_eq(a->set.sample_noise, 2);
    ck_assert_double_eq(ex.global.gen_tokens, 300);
    ck_assert_double_eq(ex.global.judge_tokens, 300);
    cs_experiment_free(&ex);
}
END_TEST

/* [strategy.NAME] runs the default setting; [strategy.NAME:LABEL] another; an empty section is
** enough; listing strategies replaces the default vote. */
START_TEST(test_strategy_labels)
{
    cs_experiment ex;
    load_ok(&ex, "[experiment]\n[strategy.vote]\n[strategy.vote:second]\n[strategy.filter_vote]\n",
            NULL, 0);
    ck_assert_uint_eq(ex.nstrat, 3);
    ck_assert_ptr_eq(strat_of(&ex, "vote", "default")->type, cs_strategy_find("vote"));
    ck_assert_ptr_eq(strat_of(&ex, "vote", "second")->type, cs_strategy_find("vote"));
    ck_assert_ptr_eq(strat_of(&ex, "filter_vote", "default")->type, cs_strategy_find("filter_vote"));
    cs_experiment_free(&ex);

    load_ok(&ex, "[experiment]\n[strategy.filter_vote]\n", NULL, 0);
    ck_assert_uint_eq(ex.nstrat, 1);
    ck_assert_str_eq(ex.strat[0].type->name, "filter_vote");
    cs_experiment_free(&ex);
}
END_TEST

/* --set overrides apply after the file, to existing and global keys alike. */
START_TEST(test_overrides)
{
    static const char *const ov[] = {"population.easy.p_correct=0.9", "experiment.queries=500",
                                     "judge.tpr=0.7", "population.hard.p_correct=beta(1,3)"};
    cs_experiment ex;
    load_ok(&ex,
            "[experiment]\nqueries = 200000\n"
            "[population.easy]\np_correct = 0.85\n"
            "[population.hard]\np_correct = 0.4\ntpr = 0.95\n"
            "[judge]\ntpr = 0.8\n",
            ov, 4);
    ck_assert_uint_eq(ex.queries, 500);
    ck_assert_uint_eq(ex.ncomp, 2);
    ck_assert_double_eq(comp_named(&ex, "easy")->p, 0.9);
    const cs_component *h = comp_named(&ex, "hard");
    ck_assert_int_eq(h->p_kind, CS_P_BETA);
    ck_assert_double_eq(h->a, 1);
    ck_assert_double_eq(h->b, 3);
    ck_assert_double_eq(ex.global.tpr, 0.7);
    ck_assert_double_eq(comp_named(&ex, "easy")->set.tpr, 0.7);
    ck_assert_double_eq(h->set.tpr, 0.95);
    cs_experiment_free(&ex);
}
END_TEST

/* ---- loading: what a bad file gives ----------------------------------------------------- */

typedef struct bad_case {
    const char *text;
    const char *at;  /* text on the line err.line must point to */
    const char *key; /* what the message must name (NULL: nothing to name) */
} bad_case;

static const bad_case bad_files[] = {
    {"[experiment]\nqueries = 10\n[bogus]\nx = 1\n", "[bogus]", "bogus"},
    {"[experiment]\nname = t\ncolour = red\n", "colour", "colour"},
    {"[experiment]\n[population.easy]\nweight = 1\nflavour = 3\n", "flavour", "flavour"},
    {"[experiment]\n\n[population.a]\nweight = 0\n[population.b]\nweight = 0\n", "[population.a]",
     "weight"},
    {"[experiment]\n[population.a]\nweight = -1\n", "weight", "weight"},
    {"[experiment]\n[population.a]\np_correct = 1.5\n", "p_correct", "p_correct"},
    {"[experiment]\n[population.a]\np_correct = -0.1\n", "p_correct", "p_correct"},
    {"[experiment]\n[population.a]\np_correct = beta(0,1)\n", "p_correct", "p_correct"},
    {"[experiment]\n[population.a]\np_correct = beta(2,-1)\n", "p_correct", "p_correct"},
    {"[experiment]\n[population.a]\np_correct = beta(2)\n", "p_correct", "p_correct"},
    {"[experiment]\n[population.a]\nwrong = poisson(3)\n", "wrong", "wrong"},
    {"[experiment]\n[population.a]\nwrong = dirichlet(0)\n", "wrong", "wrong"},
    {"[experiment]\nseed = 2\nbudgets = 1..\n", "budgets", "budgets"},
    {"[experiment]\nseed = 2\nbudgets = 3,2\n", "budgets", "budgets"},
    {"[experiment]\nqueries = 0\n", "queries", "queries"},
    {"[experiment]\nqueries = many\n", "queries", "queries"},
    {"[experiment]\nanswers = 1\n", "answers", "answers"},
    {"[experiment]\nbins = deciles\n", "bins", "bins"},
    {"[experiment]\n[strategy.vote]\n[strategy.bogus]\n", "[strategy.bogus]", "bogus"},
    {"[experiment]\n[strategy.vote]\nbeam_width = 4\n", "beam_width", "beam_width"},
    {"[experiment]\n[judge]\ntpr = 1.5\n", "tpr", "tpr"},
    {"[experiment]\n[judge]\nfudge = 1\n", "fudge", "fudge"},
    {"[experiment]\n[population.bad name]\n", "[population.bad name]", "bad name"},
    {"[experiment]\nqueries = 10\nthis line has no equals sign\nseed = 2\n", "this line", NULL},
    /* an open answer space needs a zipf law that sums */
    {"[experiment]\nanswers = open\n[population.a]\nwrong = zipf(1)\n", "[population.a]", "zipf"},
};

START_TEST(test_bad_file)
{
    const bad_case *b = &bad_files[_i];
    cs_experiment ex;
    cs_error err;
    char path[64];
    int rc = load_text(&ex, b->text, NULL, 0, &err, path, sizeof path);
    ck_assert_msg(rc != 0, "accepted:\n%s", b->text);
    ck_assert_str_eq(err.file, path);
    ck_assert_msg(err.line == line_of(b->text, b->at), "line %d, want %d (%s) in:\n%s", err.line,
                  line_of(b->text, b->at), err.msg, b->text);
    if (b->key)
        ck_assert_msg(strstr(err.msg, b->key) != NULL, "message '%s' does not name '%s'", err.msg,
                      b->key);
    ck_assert(err.msg[0] != '\0');
}
END_TEST

START_TEST(test_missing_file)
{
    const char *path = "/nonexistent/callscale-test/experiment.ini";
    cs_experiment ex;
    cs_error err;
    memset(&err, 0, sizeof err);
    ck_assert_int_ne(cs_experiment_load(&ex, path, NULL, 0, &err), 0);
    ck_assert_str_eq(err.file, path);
    ck_assert_msg(strstr(err.msg, "cannot open") != NULL, "message: %s", err.msg);
}
END_TEST

/* Bad overrides are reported against "--set", at the override's position (counting from 1). */
typedef struct bad_override {
    const char *ov[2];
    int line;
    const char *key;
} bad_override;

static const bad_override bad_overrides[] = {
    {{"experiment.queries=10", "experiment.queries"}, 2, "experiment.queries"},
    {{"queries=10", NULL}, 1, "queries"},
    {{"population.easy.p_correct=2", NULL}, 1, "p_correct"},
    {{"experiment.colour=red", NULL}, 1, "colour"},
    {{"experiment.queries=10", "bogus.key=1"}, 2, "bogus"},
};

START_TEST(test_bad_override)
{
    const bad_override *b = &bad_overrides[_i];
    size_t n = b->ov[1] ? 2 : 1;
    cs_experiment ex;
    cs_error err;
    char path[64];
    int rc = load_text(&ex, "[experiment]\n[population.easy]\np_correct = 0.5\n", b->ov, n, &err,
                       path, sizeof path);
    ck_assert_msg(rc != 0, "override '%s' accepted", b->ov[n - 1]);
    ck_assert_str_eq(err.file, "--set");
    ck_assert_int_eq(err.line, b->line);
    ck_assert_msg(strstr(err.msg, b->key) != NULL, "message '%s' does not name '%s'", err.msg,
                  b->key);
}
END_TEST

/* A failed load leaves nothing allocated, on every error path: a missing file, a syntax error, a
** bad override. */
START_TEST(test_failed_load_frees)
{
    static const char *const ov[] = {"no-equals-sign"};
    cs_experiment ex;
    cs_error err;
    ck_assert_int_ne(cs_experiment_load(&ex, "/nonexistent/callscale-test/x.ini", NULL, 0, &err), 0);
    ck_assert_ptr_null(ex.budgets);
    char path[64];
    snprintf(path, sizeof path, "%s", write_temp_ini("[experiment]\ngarbage\n"));
    ck_assert_int_ne(cs_experiment_load(&ex, path, NULL, 0, &err), 0);
    ck_assert_ptr_null(ex.budgets);
    unlink(path);
    snprintf(path, sizeof path, "%s", write_temp_ini("[experiment]\n"));
    ck_assert_int_ne(cs_experiment_load(&ex, path, ov, 1, &err), 0);
    ck_assert_ptr_null(ex.budgets);
    unlink(path);
}
END_TEST

/* ---- config.ini round trip -------------------------------------------------------------- */

static void assert_same_experiment(const cs_experiment *a, const cs_experiment *b)
{
    ck_assert_str_eq(a->name, b->name);
    ck_assert_uint_eq(a->queries, b->queries);
    ck_assert_uint_eq(a->seed, b->seed);
    ck_assert_uint_eq(a->nbudgets, b->nbudgets);
    for (size_t i = 0; i < a->nbudgets; i++)
        ck_assert_uint_eq(a->budgets[i], b->budgets[i]);
    ck_assert_int_eq(a->answers, b->answers);
    ck_assert_int_eq(a->bins_kind, b->bins_kind);
    if (a->bins_kind == CS_BINS_QUANTILES)
        ck_assert_int_eq(a->nquantiles, b->nquantiles);
    ck_assert_mem_eq(&a->global, &b->global, sizeof a->global);
    ck_assert_uint_eq(a->ncomp, b->ncomp);
    for (size_t k = 0; k < a->ncomp; k++) {
        const cs_component *x = &a->comp[k], *y = &b->comp[k];
        ck_assert_str_eq(x->name, y->name);
        ck_assert_double_eq(x->weight, y->weight);
        ck_assert_double_eq(x->share, y->share);
        ck_assert_int_eq(x->p_kind, y->p_kind);
        if (x->p_kind == CS_P_FIXED)
            ck_assert_double_eq(x->p, y->p);
        else {
            ck_assert_double_eq(x->a, y->a);
            ck_assert_double_eq(x->b, y->b);
        }
        ck_assert_int_eq(x->wrong_kind, y->wrong_kind);
        if (x->wrong_kind != CS_WRONG_UNIFORM)
            ck_assert_double_eq(x->wrong_param, y->wrong_param);
        ck_assert_msg(memcmp(&x->set, &y->set, sizeof x->set) == 0,
                      "component %s: settings differ after the round trip", x->name);
    }
    ck_assert_uint_eq(a->nstrat, b->nstrat);
    for (size_t s = 0; s < a->nstrat; s++) {
        ck_assert_ptr_eq(a->strat[s].type, b->strat[s].type);
        ck_assert_str_eq(a->strat[s].label, b->strat[s].label);
        for (size_t i = 0; i < a->strat[s].type->nparams; i++)
            ck_assert_double_eq(a->strat[s].value[i], b->strat[s].value[i]);
    }
}

/* Load text with overrides, write config.ini, load that, and compare. */
static void round_trip(const char *text, const char *const *ov, size_t nov)
{
    cs_experiment ex, back;
    load_ok(&ex, text, ov, nov);
    char path[64];
    snprintf(path, sizeof path, "%s", write_temp_ini(""));
    FILE *f = fopen(path, "w");
    ck_assert_ptr_nonnull(f);
    ck_assert_int_eq(cs_experiment_write(&ex, f), 0);
    ck_assert_int_eq(fclose(f), 0);
    cs_error err;
    memset(&err, 0, sizeof err);
    int rc = cs_experiment_load(&back, path, NULL, 0, &err);
    unlink(path);
    ck_assert_msg(rc == 0, "config.ini does not load: %s:%d: %s", err.file, err.line, err.msg);
    assert_same_experiment(&ex, &back);
    /* keys set under a component are written back under it */
    for (size_t k = 0; k < ex.ncomp; k++)
        ck_assert_uint_eq(ex.comp[k].overridden, back.comp[k].overridden);
    cs_experiment_free(&ex);
    cs_experiment_free(&back);
}

START_TEST(test_round_trip)
{
    static const char *const ov[] = {"population.mid.p_correct=0.55", "experiment.seed=7",
                                     "verifier.answer_noise=0.3"};
    round_trip("[experiment]\n"
               "name = roundtrip\nqueries = 2e5\nseed = 1\nbudgets = 1..31 +2\nanswers = 4\n"
               "bins = quantiles:5\n"
               "[generator]\ntokens = 250\nparams = 1.3e10\n"
               "[judge]\ntpr = 0.85\nfpr = 0.123456789012345\ntokens = 40\n"
               "[verifier]\nseparation = 2.5\nanswer_noise = 0.25\nsample_noise = 0.75\n"
               "[population.easy]\nweight = 0.6\np_correct = 0.85\nwrong = dirichlet(0.5)\n"
               "tpr = 0.95\n"
               "[population.hard]\nweight = 0.4\np_correct = beta(0.6, 1.2)\nwrong = zipf(1.1)\n"
               "judge_params = 7e10\nsample_noise = 2\n"
               "[population.mid]\nweight = 1\np_correct = 0.5\nwrong = uniform\n"
               "[strategy.vote]\n[strategy.filter_vote]\n[strategy.vote:second]\n",
               ov, 3);
}
END_TEST

/* The largest seed and an open answer space survive too; so does an all-default file. */
START_TEST(test_round_trip_open)
{
    round_trip("[experiment]\nseed = 18446744073709551615\nanswers = open\nbudgets = 1..1024 x2\n"
               "[population.only]\np_correct = beta(8,2)\nwrong = zipf(1.5)\n",
               NULL, 0);
    round_trip("[experiment]\n", NULL, 0);
}
END_TEST

/* ---- regressions: each of these was once wrong in src/config.c -------------------------------- */

/* The header promises a strictly increasing list of budgets >= 1, whatever the step. A step near
** 2^64 wraps the unsigned arithmetic of the range loop. */
START_TEST(test_bug_budget_overflow)
{
    static const char *const texts[] = {"2..8 +18446744073709551615",
                                        "4..8 x4611686018427387904"};
    for (size_t t = 0; t < 2; t++) {
        size_t *b, n;
        char why[256];
        if (cs_budgets_parse(texts[t], &b, &n, why, sizeof why) != 0)
            continue;
        for (size_t i = 0; i < n; i++) {
            ck_assert_uint_ge(b[i], 1);
            if (i)
                ck_assert_uint_gt(b[i], b[i - 1]);
        }
        free(b);
    }
}
END_TEST

/* A key before any [section] must not be ignored in silence. */
START_TEST(test_bug_key_before_section)
{
    const char *text = "queries = 5\n[experiment]\n";
    cs_experiment ex;
    cs_error err;
    char path[64];
    ck_assert_int_ne(load_text(&ex, text, NULL, 0, &err, path, sizeof path), 0);
    ck_assert_int_eq(err.line, 1);
    ck_assert(strstr(err.msg, "queries") != NULL);
}
END_TEST

/* [strategy.vote:default] is the default setting spelled out; its keys must be read, not
** dropped (vote takes no keys, so this one is an error). */
START_TEST(test_bug_default_label_keys)
{
    cs_experiment ex;
    cs_error err;
    char path[64];
    ck_assert_int_ne(load_text(&ex, "[experiment]\n[strategy.vote:default]\nbogus = 1\n", NULL, 0,
                               &err, path, sizeof path),
                     0);
}
END_TEST

/* A settings value out of range is reported with its reason, not as an unknown key. */
START_TEST(test_bug_setting_reason)
{
    static const char *const texts[] = {"[judge]\ntpr = 1.5\n",
                                        "[population.a]\ntpr = 1.5\n"};
    for (size_t t = 0; t < 2; t++) {
        cs_experiment ex;
        cs_error err;
        char path[64];
        ck_assert_int_ne(load_text(&ex, texts[t], NULL, 0, &err, path, sizeof path), 0);
        ck_assert_msg(strstr(err.msg, "unknown key") == NULL, "message: %s", err.msg);
        ck_assert_msg(strstr(err.msg, "1.5") != NULL, "message: %s", err.msg);
    }
}
END_TEST

/* Indented keys are keys, not continuations of the previous value (inih's multi-line mode). */
START_TEST(test_bug_indented_keys)
{
    cs_experiment ex;
    load_ok(&ex, "[experiment]\n  name = x\n  seed = 5\n", NULL, 0);
    ck_assert_str_eq(ex.name, "x");
    ck_assert_uint_eq(ex.seed, 5);
    cs_experiment_free(&ex);
}
END_TEST

/* A component that changes the generator's tokens has judge tokens that follow them (judge tokens
** default to "generator"); config.ini must keep that. */
START_TEST(test_bug_round_trip_judge_follows)
{
    cs_experiment ex, back;
    load_ok(&ex, "[experiment]\n[generator]\ntokens = 100\n[population.a]\ntokens = 500\n", NULL,
            0);
    ck_assert_double_eq(ex.comp[0].set.judge_tokens, 500);
    char path[64];
    snprintf(path, sizeof path, "%s", write_temp_ini(""));
    FILE *f = fopen(path, "w");
    ck_assert_int_eq(cs_experiment_write(&ex, f), 0);
    fclose(f);
    cs_error err;
    int rc = cs_experiment_load(&back, path, NULL, 0, &err);
    unlink(path);
    ck_assert_int_eq(rc, 0);
    ck_assert_double_eq(back.comp[0].set.judge_tokens, 500);
    cs_experiment_free(&ex);
    cs_experiment_free(&back);
}
END_TEST


Suite *make_suite(void)
{
    Suite *s = suite_create("config");
    TCase *bud = tcase_create("budgets");
    tcase_add_loop_test(bud, test_budgets_good, 0, (int)(sizeof good_budgets / sizeof good_budgets[0]));
    tcase_add_loop_test(bud, test_budgets_bad, 0, (int)(sizeof bad_budgets / sizeof bad_budgets[0]));
    suite_add_tcase(s, bud);

    TCase *load = tcase_create("load");
    tcase_add_test(load, test_defaults);
    tcase_add_test(load, test_experiment_keys);
    tcase_add_test(load, test_weights_normalised);
    tcase_add_test(load, test_p_correct_and_wrong);
    tcase_add_test(load, test_p_correct_ends);
    tcase_add_test(load, test_component_override);
    tcase_add_test(load, test_component_judge_keys);
    tcase_add_test(load, test_strategy_labels);
    tcase_add_test(load, test_overrides);
    suite_add_tcase(s, load);

    TCase *bad = tcase_create("errors");
    tcase_add_loop_test(bad, test_bad_file, 0, (int)(sizeof bad_files / sizeof bad_files[0]));
    tcase_add_test(bad, test_missing_file);
    tcase_add_test(bad, test_failed_load_frees);
    tcase_add_loop_test(bad, test_bad_override, 0,
                        (int)(sizeof bad_overrides / sizeof bad_overrides[0]));
    suite_add_tcase(s, bad);

    TCase *rt = tcase_create("write");
    tcase_add_test(rt, test_round_trip);
    tcase_add_test(rt, test_round_trip_open);
    suite_add_tcase(s, rt);

    TCase *bugs = tcase_create("regressions");
    tcase_add_test(bugs, test_bug_budget_overflow);
    tcase_add_test(bugs, test_bug_key_before_section);
    tcase_add_test(bugs, test_bug_default_label_keys);
    tcase_add_test(bugs, test_bug_setting_reason);
    tcase_add_test(bugs, test_bug_indented_keys);
    tcase_add_test(bugs, test_bug_round_trip_judge_follows);
    suite_add_tcase(s, bugs);
    return s;
}
