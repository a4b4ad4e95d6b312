/*
** Parameter rows (src/param.c): every row of every table parses its default, formats and parses
** back to the same value, refuses values out of its range, fractions where it wants whole numbers,
** and words it does not know; words and NAME(k) words round-trip.
*/
#include "callscale/experiment.h"
#include "callscale/param.h"
#include "callscale/strategy.h"
#include "testutil.h"

/* Every row there is: the settings tables and each strategy's. */
typedef struct table {
    const char *name;
    const cs_param *rows;
    size_t n;
} table;

static size_t all_tables(table *t, size_t max)
{
    const table settings[] = {
        {"generator", cs_generator_params, cs_generator_nparams},
        {"judge", cs_judge_params, cs_judge_nparams},
        {"verifier", cs_verifier_params, cs_verifier_nparams},
        {"steps", cs_steps_params, cs_steps_nparams},
        {"prm", cs_prm_params, cs_prm_nparams},
        {"revise", cs_revise_params, cs_revise_nparams},
    };
    size_t n = 0;
    for (size_t i = 0; i < sizeof settings / sizeof *settings; i++)
        t[n++] = settings[i];
    for (size_t i = 0; i < cs_strategy_ntypes && n < max; i++)
        t[n++] = (table){cs_strategy_types[i]->name, cs_strategy_types[i]->params,
                         cs_strategy_types[i]->nparams};
    ck_assert_uint_lt(n, max);
    return n;
}

/* parse text with row p: 0 and the value, or -1 and the reason */
static int parse(const cs_param *p, const char *text, double *v, char *why)
{
    why[0] = '\0';
    int rc = cs_param_parse(p, text, v, why, 256);
    if (rc)
        ck_assert_msg(why[0] != '\0', "%s = %s refused without a reason", p->name, text);
    return rc;
}

/* format v with row p and parse it back: the same double */
static void round_trip(const table *t, const cs_param *p, double v)
{
    char buf[128], why[256];
    double back;
    cs_param_format(p, v, buf, sizeof buf);
    ck_assert_msg(parse(p, buf, &back, why) == 0, "[%s] %s = %s (from %.17g): %s", t->name,
                  p->name, buf, v, why);
    ck_assert_msg(back == v, "[%s] %s: %.17g -> %s -> %.17g", t->name, p->name, v, buf, back);
}

/* The number of words in p's list, and whether one of them is NAME(k). */
static int nwords(const cs_param *p, int *call)
{
    *call = 0;
    if (!p->word)
        return 0;
    int n = 1;
    for (const char *w = p->word; *w; w++)
        n += *w == '|';
    *call = strstr(p->word, "(k)") != NULL;
    return n;
}

/* Every row: its default parses; numbers at both ends of the range and inside it (at 6
** significant digits, which %.15g keeps) round-trip; each word parses to -(i + 1) and formats
** back to itself. */
START_TEST(defaults_and_round_trips)
{
    table t[64];
    size_t nt = all_tables(t, 64), rows = 0;
    for (size_t i = 0; i < nt; i++)
        for (size_t j = 0; j < t[i].n; j++) {
            const cs_param *p = &t[i].rows[j];
            char why[256], buf[128];
            double v;
            ck_assert_msg(parse(p, p->def, &v, why) == 0, "[%s] %s default %s: %s", t[i].name,
                          p->name, p->def, why);
            int call, nw = nwords(p, &call);
            if (p->lo <= p->hi && !call) {
                round_trip(&t[i], p, p->lo);
                round_trip(&t[i], p, p->hi);
                double mid = 0.5 * p->lo + 0.5 * p->hi;
                snprintf(buf, sizeof buf, "%.6g", mid);
                mid = strtod(buf, NULL);
                if (p->integer)
                    mid = floor(mid);
                if (mid >= p->lo && mid <= p->hi)
                    round_trip(&t[i], p, mid);
            }
            for (int w = 0; w < nw; w++) {
                const char *s = p->word;
                for (int k = 0; k < w; k++)
                    s = strchr(s, '|') + 1;
                size_t len = strcspn(s, "|");
                snprintf(buf, sizeof buf, "%.*s", (int)len, s);
                if (strstr(buf, "(k)"))
                    continue; /* NAME(k): its own test */
                ck_assert_msg(parse(p, buf, &v, why) == 0, "[%s] %s = %s: %s", t[i].name, p->name,
                              buf, why);
                ck_assert(v == -(double)(w + 1));
                ck_assert_int_eq(cs_param_word(v), w);
                char back[128];
                cs_param_format(p, v, back, sizeof back);
                ck_assert_str_eq(back, buf);
            }
            rows++;
        }
    ck_assert_uint_gt(rows, 30);
    ck_assert_int_eq(cs_param_word(0), -1);
    ck_assert_int_eq(cs_param_word(2.5), -1);
}
END_TEST

/* Out of range, fractions for whole numbers, text that is not a number, numbers where only words
** go, overflow: each refused with a reason saying which. */
START_TEST(range_errors)
{
    table t[64];
    size_t nt = all_tables(t, 64);
    size_t integers = 0, ranged = 0;
    for (size_t i = 0; i < nt; i++)
        for (size_t j = 0; j < t[i].n; j++) {
            const cs_param *p = &t[i].rows[j];
            char why[256], buf[128];
            double v;
            int call;
            nwords(p, &call);
            ck_assert_msg(parse(p, "twelve", &v, why) != 0, "[%s] %s took 'twelve'", t[i].name,
                          p->name);
            ck_assert_msg(parse(p, "", &v, why) != 0, "[%s] %s took ''", t[i].name, p->name);
            if (p->lo > p->hi || call) {
                ck_assert_msg(parse(p, "1", &v, why) != 0, "[%s] %s (words only) took 1",
                              t[i].name, p->name);
                ck_assert_ptr_nonnull(strstr(why, "is not one of"));
                continue;
            }
            ck_assert(parse(p, "1e999", &v, why) != 0);
            ck_assert_msg(strstr(why, "out of range"), "%s", why);
            snprintf(buf, sizeof buf, "%.17g", p->hi + fmax(1, fabs(p->hi)));
            ck_assert_msg(parse(p, buf, &v, why) != 0, "[%s] %s took %s", t[i].name, p->name, buf);
            ck_assert_msg(strstr(why, "outside"), "%s", why);
            /* below lo: a negative number unless lo < 0 (a row with words takes no negative) */
            snprintf(buf, sizeof buf, "%.17g", p->lo - fmax(1, fabs(p->lo)));
            ck_assert_msg(parse(p, buf, &v, why) != 0, "[%s] %s took %s", t[i].name, p->name, buf);
            ranged++;
            if (p->integer && p->lo + 1 <= p->hi) {
                snprintf(buf, sizeof buf, "%.17g", p->lo + 0.5);
                ck_assert_msg(parse(p, buf, &v, why) != 0, "[%s] %s took %s", t[i].name, p->name,
                              buf);
                ck_assert_msg(strstr(why, "not a whole number"), "%s", why);
                integers++;
            }
        }
    ck_assert_uint_gt(ranged, 20);
    ck_assert_uint_gt(integers, 3);
}
END_TEST

/* A row of its own, to pin the messages and the NAME(k) form: [prm] model = gaussian|rollouts(k),
** k a whole number in [1, 1e6]. */
START_TEST(call_words)
{
    const cs_param model = {"model", "gaussian", 1, 1e6, 1, "gaussian|rollouts(k)", 0, "help"};
    char why[256], buf[64];
    double v;
    ck_assert_int_eq(parse(&model, "gaussian", &v, why), 0);
    ck_assert(v == -1);
    ck_assert_int_eq(parse(&model, "rollouts(16)", &v, why), 0);
    ck_assert(v == 16);
    cs_param_format(&model, 16, buf, sizeof buf);
    ck_assert_str_eq(buf, "rollouts(16)");
    cs_param_format(&model, -1, buf, sizeof buf);
    ck_assert_str_eq(buf, "gaussian");
    ck_assert_int_ne(parse(&model, "rollouts(0)", &v, why), 0);
    ck_assert_ptr_nonnull(strstr(why, "outside [1, 1e+06]"));
    ck_assert_int_ne(parse(&model, "rollouts(2.5)", &v, why), 0);
    ck_assert_ptr_nonnull(strstr(why, "not a whole number"));
    ck_assert_int_ne(parse(&model, "rollouts(", &v, why), 0);
    ck_assert_int_ne(parse(&model, "rollouts(8", &v, why), 0);
    ck_assert_int_ne(parse(&model, "rollouts()", &v, why), 0);
    ck_assert_int_ne(parse(&model, "rollouts(8x", &v, why), 0);
    ck_assert_int_ne(parse(&model, "16", &v, why), 0);
    ck_assert_str_eq(why, "'16' is not one of gaussian|rollouts(k)");

    const cs_param frac = {"fix", "0.3", 0, 1, 0, NULL, 0, "help"};
    ck_assert_int_ne(parse(&frac, "1.5", &v, why), 0);
    ck_assert_str_eq(why, "fix = 1.5 is outside [0, 1]");
    ck_assert_int_ne(parse(&frac, "0.3x", &v, why), 0);
    ck_assert_str_eq(why, "'0.3x' is not a number");
    ck_assert_int_eq(parse(&frac, "0.25", &v, why), 0);
    ck_assert(v == 0.25);
    cs_param_format(&frac, 1.0 / 3, buf, sizeof buf);
    ck_assert_str_eq(buf, "0.333333333333333"); /* 15 significant digits */
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("param");
    TCase *tc = tcase_create("param");
    tcase_add_test(tc, defaults_and_round_trips);
    tcase_add_test(tc, range_errors);
    tcase_add_test(tc, call_words);
    suite_add_tcase(s, tc);
    return s;
}
