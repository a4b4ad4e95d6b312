/*
** Difficulty-dependent traps ([prm] trap_power k): a query meets a trap at trap * p^k per step,
** counted against that law, and k = 0 is the old constant rate to the bit.
*/
#include "callscale/steps.h"
#include "callscale/strategy.h"
#include "testutil.h"
#include "testutil_query.h"
#include "testutil_experiment.h"

static void fixture_init(fixture *f, double p, double trap, double k)
{
    binary_query_init(f, p, 8);
    f->set.prm_rollouts = -1; /* the word gaussian */
    f->set.prm_noise = 0.5;
    f->set.trap = trap;
    f->set.trap_score = 0.3;
    f->set.trap_power = k;
}

/* Of n first steps from the root, how many are traps. */
static size_t count_traps(fixture *f, size_t n, uint64_t seed)
{
    cs_pcg32 r;
    cs_pcg32_seed(&r, seed, 15u);
    cs_stepper st;
    cs_stepper_init(&st, &f->q, &r);
    cs_node root, child;
    cs_step_root(&st, &root);
    size_t traps = 0;
    for (size_t i = 0; i < n; i++) {
        cs_step_child(&st, &root, &child);
        traps += child.state == CS_TRAP;
    }
    return traps;
}

/* The count is Binomial(n, trap p^k): it must lie within 4 of its s.d. sqrt(n q (1 - q)) of n q
** (a two-sided miss of 6e-5 per case), and the cases differ from each other by far more than that:
** at trap = 0.05, n = 400,000, p = 0.8 and k = 4 the rate is 0.02048 (8,192 expected, s.d. 90),
** k = 0 gives 0.05 (20,000, s.d. 138), p = 0.2 and k = 2 gives 0.002 (800, s.d. 28). */
START_TEST(trap_rate_is_trap_times_p_to_the_k)
{
    const double trap = 0.05;
    const size_t n = 400000;
    const struct {
        double p, k;
    } cases[] = {{0.8, 0}, {0.2, 0}, {0.8, 1}, {0.8, 4}, {0.5, 3}, {0.2, 2}, {0.05, 1}};
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        fixture f;
        fixture_init(&f, cases[c].p, trap, cases[c].k);
        double want = trap * pow(cases[c].p, cases[c].k), mean = (double)n * want;
        double sd = sqrt(mean * (1 - want));
        double got = (double)count_traps(&f, n, 100u + c);
        ck_assert_msg(fabs(got - mean) < 4 * sd, "p = %g, k = %g: %.0f traps, want %.0f +- %.0f",
                      cases[c].p, cases[c].k, got, mean, 4 * sd);
    }
}
END_TEST

/* k = 0 is the constant rate on every query: the stepper's rate is trap itself, bit for bit (so
** the shipped experiments, which do not set trap_power, are unchanged), and the same stream of
** steps comes out for any p. */
START_TEST(zero_power_is_the_constant_rate)
{
    const double p[] = {0.9, 0.3, 0.01};
    for (size_t i = 0; i < 3; i++) {
        fixture f;
        fixture_init(&f, p[i], 3e-4, 0);
        cs_pcg32 r;
        cs_pcg32_seed(&r, 1u, 2u);
        cs_stepper st;
        cs_stepper_init(&st, &f.q, &r);
        ck_assert(st.trap == 3e-4);
    }
    /* with k > 0 and p = 1 (a question the model always solves) the rate is trap too */
    fixture f;
    fixture_init(&f, 1.0, 3e-4, 5);
    cs_pcg32 r;
    cs_pcg32_seed(&r, 1u, 2u);
    cs_stepper st;
    cs_stepper_init(&st, &f.q, &r);
    ck_assert(st.trap == 3e-4);
}
END_TEST

/* The key: read from [prm] (default 0) and from a component, and refused out of its range with
** the file's line. */
START_TEST(trap_power_key)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nbudgets = 4\n[population.a]\np_correct = 0.5\n"
                      "[population.b]\np_correct = 0.5\ntrap_power = 2\n"
                      "[steps]\nsteps = 4\n[prm]\ntrap = 0.01\n[strategy.beam]\n");
    ck_assert(ex.global.trap_power == 0);
    ck_assert(ex.comp[0].set.trap_power == 0);
    ck_assert(ex.comp[1].set.trap_power == 2);
    cs_experiment_free(&ex);
    load_text_ok(&ex, "[experiment]\nbudgets = 4\n[population.a]\np_correct = 0.5\n"
                      "[steps]\nsteps = 4\n[prm]\ntrap = 0.01\ntrap_power = 3\n[strategy.beam]\n");
    ck_assert(ex.comp[0].set.trap_power == 3);
    cs_experiment_free(&ex);
    cs_error err;
    const char *path = write_temp_ini("[experiment]\nbudgets = 4\n[population.a]\np_correct = 0.5\n"
                                      "[steps]\nsteps = 4\n[prm]\ntrap_power = -1\n[strategy.beam]\n");
    ck_assert_int_ne(cs_experiment_load(&ex, path, NULL, 0, &err), 0);
    remove(path);
    ck_assert_int_eq(err.line, 8);
    ck_assert_ptr_nonnull(strstr(err.msg, "trap_power"));
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("traps");
    TCase *tc = tcase_create("core");
    tcase_set_timeout(tc, 300);
    tcase_add_test(tc, trap_rate_is_trap_times_p_to_the_k);
    tcase_add_test(tc, zero_power_is_the_constant_rate);
    tcase_add_test(tc, trap_power_key);
    suite_add_tcase(s, tc);
    return s;
}
