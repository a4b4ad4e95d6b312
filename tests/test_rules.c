/*
** Population rules (src/rules.c): each row's CDF, tail, shares and draws against closed forms,
** its config.ini form read back to the same rule, and the refusals naming every form.
*/
#include <gsl/gsl_math.h>
#include <gsl/gsl_rng.h>
#include "callscale/rng.h"
#include "callscale/rules.h"
#include "callscale/strategy.h"
#include "testutil.h"

static cs_component component(int p_kind, double p, double a, double b)
{
    cs_component c;
    memset(&c, 0, sizeof c);
    snprintf(c.name, sizeof c.name, "k");
    c.p_kind = p_kind;
    c.p = p;
    c.a = a;
    c.b = b;
    return c;
}

/* Beta(1,1) is uniform: P(p <= x) = x; Beta(2,1) has density 2x: P(p <= x) = x^2. A fixed p is a
** point mass: P(p < p0) = 0, P(p <= p0) = 1. The tail is 1 - CDF in each. */
START_TEST(cdf_and_tail_are_the_laws)
{
    cs_component u = component(CS_P_BETA, 0, 1, 1), t = component(CS_P_BETA, 0, 2, 1);
    cs_component f = component(CS_P_FIXED, 0.3, 0, 0);
    const double xs[] = {0.05, 0.3, 0.5, 0.77, 0.99};
    for (size_t i = 0; i < sizeof xs / sizeof xs[0]; i++) {
        double x = xs[i], lo, hi;
        cs_rules_p_of(&u)->cdf(&u, x, &lo, &hi);
        ck_assert_double_eq_tol(lo, x, 1e-14);
        ck_assert_double_eq_tol(hi, x, 1e-14);
        ck_assert_double_eq_tol(cs_rules_p_of(&u)->above(&u, x), 1 - x, 1e-14);
        cs_rules_p_of(&t)->cdf(&t, x, &lo, &hi);
        ck_assert_double_eq_tol(hi, x * x, 1e-14);
        ck_assert_double_eq_tol(cs_rules_p_of(&t)->above(&t, x), 1 - x * x, 1e-14);
    }
    double lo, hi;
    cs_rules_p_of(&f)->cdf(&f, 0.3, &lo, &hi);
    ck_assert(lo == 0 && hi == 1);
    ck_assert(cs_rules_p_of(&f)->above(&f, 0.3) == 0 && cs_rules_p_of(&f)->above(&f, 0.29) == 1);
}
END_TEST

/* What config.ini writes for a rule reads back as the same rule with the same parameters. */
START_TEST(config_ini_forms_read_back)
{
    cs_experiment ex;
    memset(&ex, 0, sizeof ex);
    char why[400], line[128];
    const cs_component ps[] = {component(CS_P_FIXED, 0.123456789012345, 0, 0),
                               component(CS_P_BETA, 0, 0.4, 1.2e-3)};
    for (size_t i = 0; i < 2; i++) {
        FILE *f = fmemopen(line, sizeof line, "w");
        cs_rules_p_of(&ps[i])->write(&ps[i], f);
        fclose(f);
        char *eq = strstr(line, " = ");
        ck_assert_ptr_nonnull(eq);
        eq[strcspn(eq, "\n")] = '\0';
        *eq = '\0';
        cs_component back = component(-1, 0, 0, 0);
        ck_assert_int_eq(cs_rules_parse_p(&ex, "x.ini", 1, line, eq + 3, &back, why, sizeof why), 1);
        ck_assert_int_eq(back.p_kind, ps[i].p_kind);
        ck_assert(back.p == ps[i].p && back.a == ps[i].a && back.b == ps[i].b);
    }
    const double params[] = {0.5, 1.1, 2};
    for (size_t r = 0; r < cs_rules_nwrong; r++)
        for (size_t i = 0; i < 3; i++) {
            char text[64];
            cs_rules_wrong[r].format(params[i], text, sizeof text);
            cs_component back = component(CS_P_FIXED, 0.5, 0, 0);
            ck_assert_int_eq(cs_rules_parse_wrong(text, &back, why, sizeof why), 0);
            ck_assert_int_eq(back.wrong_kind, (int)r);
            ck_assert_msg(!strchr(text, '(') || back.wrong_param == params[i], "%s", text);
        }
}
END_TEST

/* A value no rule takes is refused with every form the key accepts. */
START_TEST(refusals_name_every_form)
{
    cs_experiment ex;
    memset(&ex, 0, sizeof ex);
    cs_component c = component(CS_P_FIXED, 0.5, 0, 0);
    char why[400];
    ck_assert_int_eq(cs_rules_parse_p(&ex, "x.ini", 1, "p_correct", "gamma(1,2)", &c, why,
                                      sizeof why), -1);
    for (size_t i = 0; i < cs_rules_np; i++)
        if (strcmp(cs_rules_p[i].key, "p_correct") == 0)
            ck_assert_msg(strstr(why, cs_rules_p[i].syntax), "%s lacks %s", why, cs_rules_p[i].syntax);
    ck_assert_int_eq(cs_rules_parse_p(&ex, "x.ini", 1, "weight", "2", &c, why, sizeof why), 0);
    ck_assert_int_eq(cs_rules_parse_wrong("pareto(1)", &c, why, sizeof why), -1);
    for (size_t i = 0; i < cs_rules_nwrong; i++)
        ck_assert_msg(strstr(why, cs_rules_wrong[i].syntax), "%s lacks %s", why,
                      cs_rules_wrong[i].syntax);
    ck_assert_int_eq(cs_rules_parse_wrong("zipf(-1)", &c, why, sizeof why), -1);
    ck_assert_int_eq(cs_rules_parse_wrong("dirichlet(0)", &c, why, sizeof why), -1);
    ex.from_text = 1; /* a log needs a file */
    ck_assert_int_eq(cs_rules_parse_p(&ex, "x.ini", 1, "data", "log.csv", &c, why, sizeof why), -1);
}
END_TEST

/* Zipf's fixed shares are j^-s, and over an open space its first atom holds 1/zeta(s): 6/pi^2
** at s = 2. */
START_TEST(zipf_shares_are_the_power_law)
{
    cs_component c = component(CS_P_FIXED, 0.5, 0, 0);
    c.wrong_kind = CS_WRONG_ZIPF;
    c.wrong_param = 2;
    double s[4], atom[8];
    cs_rules_wrong_of(&c)->shares(&c, s, 4);
    for (size_t j = 0; j < 4; j++)
        ck_assert_double_eq_tol(s[j], 1.0 / (double)((j + 1) * (j + 1)), 1e-15);
    cs_rules_wrong_of(&c)->open_atoms(&c, atom, 8);
    ck_assert_double_eq_tol(atom[0], 6 / (M_PI * M_PI), 1e-14);
    ck_assert_double_eq_tol(atom[1], atom[0] / 4, 1e-15);
}
END_TEST

/* Dirichlet(c,...,c) over r = 3 answers: each share has mean 1/3 and variance
** (1/3)(2/3)/(3c + 1) = 0.0889 at c = 0.5, so the mean of N = 20000 draws is within 4 s.e.
** (4 sqrt(0.0889/N) = 0.0085) of w/3; every draw sums to w. Stick-breaking's share of what is
** left is Beta(1, c): mean left / (1 + c), variance c / ((1+c)^2 (2+c)) = 0.0889 at c = 0.5 too,
** so again 4 s.e. = 0.0085 over N. */
START_TEST(dirichlet_draws_have_their_means)
{
    cs_component c = component(CS_P_FIXED, 0.5, 0, 0);
    c.wrong_kind = CS_WRONG_DIRICHLET;
    c.wrong_param = 0.5;
    gsl_rng *r = gsl_rng_alloc(cs_rng_pcg32);
    gsl_rng_set(r, 7);
    const int N = 20000;
    const double w = 0.6;
    double mean0 = 0, stick = 0;
    for (int i = 0; i < N; i++) {
        double pi[3];
        cs_rules_wrong_of(&c)->draw(&c, w, pi, 3, r);
        ck_assert_double_eq_tol(pi[0] + pi[1] + pi[2], w, 1e-12);
        mean0 += pi[0] / N;
        stick += cs_rules_wrong_of(&c)->open_draw(&c, 1.0, r) / N;
    }
    gsl_rng_free(r);
    ck_assert_double_eq_tol(mean0, w / 3, w * 0.0085);
    ck_assert_double_eq_tol(stick, 1 / 1.5, 0.0085);
}
END_TEST

/* The one description figure titles and explain print. */
START_TEST(descriptions)
{
    char buf[64];
    cs_component f = component(CS_P_FIXED, 0.3, 0, 0), b = component(CS_P_BETA, 0, 2, 6);
    cs_rules_describe_p(&f, buf, sizeof buf);
    ck_assert_str_eq(buf, "p = 0.3");
    cs_rules_describe_p(&b, buf, sizeof buf);
    ck_assert_str_eq(buf, "p ~ Beta(2,6)");
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("rules");
    TCase *tc = tcase_create("rules");
    tcase_add_test(tc, cdf_and_tail_are_the_laws);
    tcase_add_test(tc, config_ini_forms_read_back);
    tcase_add_test(tc, refusals_name_every_form);
    tcase_add_test(tc, zipf_shares_are_the_power_law);
    tcase_add_test(tc, dirichlet_draws_have_their_means);
    tcase_add_test(tc, descriptions);
    suite_add_tcase(s, tc);
    return s;
}
