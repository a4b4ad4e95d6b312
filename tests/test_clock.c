/*
** The clock against queueing theory (Erlang C, Pollaczek-Khinchine, the maximum of exponentials,
** a birth-death model of continuous batching), Little's law, and the roofline's worked figures.
** Monte Carlo checks: within 4 standard errors, the s.e. from batch means (successive waits are
** correlated, so the plain s.e. of the mean would be too small).
*/
#include "callscale/latency.h"
#include "callscale/strategy.h"
#include "../src/roofline.h"
#include "testutil.h"
#include "testutil_experiment.h"

#define BATCHES 40

static void run_cell(const char *text, cs_experiment *ex, cs_clock_cell *cell)
{
    load_text_ok(ex, text);
    cs_error err;
    int rc = cs_clock_cell_run(ex, &ex->serving, 0, ex->nbudgets - 1, NULL, 0, 0, cell, &err);
    ck_assert_msg(rc == 0, "%s:%d: %s", err.file, err.line, err.msg);
}

/* Mean of x over the measured queries and its batch-means standard error. */
typedef double (*measure_fn)(const cs_clock_query *q);
static double wait_of(const cs_clock_query *q) { return q->start - q->arrival; }
static double latency_of(const cs_clock_query *q) { return q->end - q->arrival; }

static double batch_mean(const cs_clock_cell *c, measure_fn f, double *se)
{
    size_t n = c->nq - c->first, per = n / BATCHES;
    double sum = 0, sumsq = 0;
    for (size_t b = 0; b < BATCHES; b++) {
        double m = 0;
        for (size_t i = 0; i < per; i++)
            m += f(&c->q[c->first + b * per + i]);
        m /= (double)per;
        sum += m;
        sumsq += m * m;
    }
    double mean = sum / BATCHES, var = (sumsq - sum * mean) / (BATCHES - 1);
    *se = sqrt(var / BATCHES);
    return mean;
}

/* Little's law: the time-average number in the system (all queries, integrated over the window)
** against throughput x mean latency of the measured ones. They differ only by the queries that
** straddle the window's ends, O(W / T) of L: with T in the thousands of seconds and W of a few,
** under 0.5%. */
static void check_little(const cs_experiment *ex, const cs_clock_cell *c)
{
    cs_latency_row r;
    cs_latency_summarize(ex, c, 0, 0, &r);
    double T = c->window_end - c->window_start, L = c->area / T, lw = r.throughput * r.latency_mean;
    ck_assert_msg(fabs(L - lw) <= 0.005 * lw, "Little: L = %g, lambda W = %g", L, lw);
}

/* Erlang C, computed here from its definition: P(wait) for c servers at offered load a. */
static double erlang_c(int c, double a)
{
    double term = 1, sum = 0;
    for (int k = 0; k < c; k++) {
        sum += term;
        term *= a / (k + 1);
    }
    double rho = a / c, last = term / (1 - rho);
    return last / (sum + last);
}

START_TEST(mmc_against_erlang_c)
{
    cs_experiment ex;
    cs_clock_cell c;
    run_cell("[experiment]\nqueries = 200000\nbudgets = 1\n[strategy.vote]\n"
             "[serving]\nservice = exponential(1)\nreplicas = 4\nmax_num_seqs = 1\n"
             "[arrivals]\nrate = 3.2\nwarmup = 0.02\n", &ex, &c);
    double C = erlang_c(4, 3.2), Wq = C * 1.0 / (4 - 3.2);
    ck_assert_msg(fabs(Wq - 0.7455) < 5e-4, "Erlang C Wq %g (DESIGN.md: 0.7455)", Wq);
    double se, w = batch_mean(&c, wait_of, &se);
    fprintf(stderr, "clock: M/M/4 wait %.4f s, Erlang C %.4f (%+.2f s.e.)\n", w, Wq, (w - Wq) / se);
    ck_assert_msg(fabs(w - Wq) <= 4 * se, "M/M/4 wait %g, Erlang C %g, s.e. %g", w, Wq, se);
    double lse, l = batch_mean(&c, latency_of, &lse);
    fprintf(stderr, "clock: M/M/4 latency %.4f s, W %.4f (%+.2f s.e.)\n", l, Wq + 1,
            (l - Wq - 1) / lse);
    ck_assert_msg(fabs(l - (Wq + 1)) <= 4 * lse, "M/M/4 latency %g, W %g, s.e. %g", l, Wq + 1, lse);
    /* the share of queries that wait at all is Erlang C itself */
    size_t waited = 0, n = c.nq - c.first;
    for (size_t i = c.first; i < c.nq; i++)
        waited += c.q[i].start > c.q[i].arrival;
    double pw = (double)waited / (double)n;
    /* batch-means inflation of the binomial s.e.: waits are correlated over a busy period; the
    ** factor 10 is generous for rho = 0.8 (relaxation ~ 1 / (c mu (1 - sqrt rho)^2) ~ 22 s) */
    double pse = 10 * sqrt(C * (1 - C) / (double)n);
    ck_assert_msg(fabs(pw - C) <= 4 * pse, "P(wait) %g, Erlang C %g", pw, C);
    cs_latency_row r;
    cs_latency_summarize(&ex, &c, 0, 0, &r);
    ck_assert_msg(fabs(r.utilization - 0.8) < 0.01, "utilization %g, rho 0.8", r.utilization);
    check_little(&ex, &c);
    cs_clock_cell_free(&c);
    cs_experiment_free(&ex);
}
END_TEST

START_TEST(md1_against_pollaczek_khinchine)
{
    cs_experiment ex;
    cs_clock_cell c;
    run_cell("[experiment]\nqueries = 200000\nbudgets = 1\n[strategy.vote]\n"
             "[serving]\nservice = fixed(1)\nreplicas = 1\nmax_num_seqs = 1\n"
             "[arrivals]\nrate = 0.8\nwarmup = 0.02\n", &ex, &c);
    double rho = 0.8, Wq = rho * 1.0 / (2 * (1 - rho)); /* 2.0 s */
    double se, w = batch_mean(&c, wait_of, &se);
    fprintf(stderr, "clock: M/D/1 wait %.4f s, Pollaczek-Khinchine %.4f (%+.2f s.e.)\n", w, Wq,
            (w - Wq) / se);
    ck_assert_msg(fabs(w - Wq) <= 4 * se, "M/D/1 wait %g, P-K %g, s.e. %g", w, Wq, se);
    check_little(&ex, &c);
    cs_clock_cell_free(&c);
    cs_experiment_free(&ex);
}
END_TEST

/* One user in a closed loop: every query finds the replicas idle, and a round of N calls of
** exponential length S on N replicas ends with the longest, whose mean is H_N S. Queries are
** independent, so the plain s.e. holds. */
START_TEST(round_of_exponentials)
{
    const size_t N = 8;
    cs_experiment ex;
    cs_clock_cell c;
    run_cell("[experiment]\nqueries = 40000\nbudgets = 8\n[strategy.vote]\n"
             "[serving]\nservice = exponential(0.5)\nreplicas = 8\nmax_num_seqs = 1\n"
             "[arrivals]\nconcurrency = 1\nwarmup = 0\n", &ex, &c);
    double H = 0;
    for (size_t k = 1; k <= N; k++)
        H += 1.0 / (double)k;
    double sum = 0, sumsq = 0, n = (double)(c.nq - c.first);
    for (size_t i = c.first; i < c.nq; i++) {
        double l = latency_of(&c.q[i]);
        ck_assert_double_eq(c.q[i].start, c.q[i].arrival); /* never waits */
        sum += l;
        sumsq += l * l;
    }
    double m = sum / n, se = sqrt((sumsq - sum * m) / (n - 1) / n);
    fprintf(stderr, "clock: round of 8 exponentials %.4f s, H_8 S %.4f (%+.2f s.e.)\n", m, 0.5 * H,
            (m - 0.5 * H) / se);
    ck_assert_msg(fabs(m - 0.5 * H) <= 4 * se, "round of %zu: %g, H_N S = %g, s.e. %g", N, m,
                  0.5 * H, se);
    check_little(&ex, &c);
    cs_clock_cell_free(&c);
    cs_experiment_free(&ex);
}
END_TEST

/* Continuous batching as a birth-death process. With no prompt to prefill and geometric output
** lengths (mean m, so a sequence ends after each iteration with probability 1/m), b running
** sequences make an iteration of t(b) = beta + alpha 2 P b / peak (the roofline with a negligible
** memory term: compute-bound, linear in b), and each ends with probability 1/m per iteration: in
** continuous time a death rate b / (m t(b)). Arrivals (Poisson, lambda) are births. Then
**   pi(b) = pi(0) prod_{k=1}^{b} lambda m t(k) / k,
** and by Little's law the mean latency is E[b] / lambda. The approximation's error is the wait for
** the next iteration (t/2, about 0.3% of the latency here) and the discreteness of a death within
** an iteration (1/m = 0.5%), both far inside 4 s.e. at this run length. */
START_TEST(batching_birth_death)
{
    cs_experiment ex;
    cs_clock_cell c;
    /* t(b) = 2 ms + 0.1 ms b: peak = 2 P / 1e-4, memory ~ 0 */
    run_cell("[experiment]\nqueries = 60000\nbudgets = 1\n[generator]\ntokens = 200\n"
             "[strategy.vote]\n[serving]\nreplicas = 1\nmax_num_seqs = 60000\nparams = 1e9\n"
             "max_num_batched_tokens = 100000\n"
             "peak_flops = 2e13\nhbm_bandwidth = 1e16\nhbm_bytes = 1e15\nbytes_per_param = 0.125\n"
             "kv_bytes_per_token = 1\nbeta = 0.002\nprompt_tokens = 0\noutput = exponential\n"
             "[arrivals]\nrate = 20\nwarmup = 0.05\n", &ex, &c);
    const double lambda = 20, m = 200, t0 = 0.002, t1 = 2 * 1e9 / 2e13;
    double pi = 1, Z = 1, Eb = 0;
    for (int b = 1; b < 5000; b++) {
        pi *= lambda * m * (t0 + t1 * b) / b;
        Z += pi;
        Eb += b * pi;
    }
    double W = Eb / Z / lambda;
    double se, l = batch_mean(&c, latency_of, &se);
    fprintf(stderr, "clock: batching latency %.4f s, birth-death %.4f (%+.2f s.e.)\n", l, W,
            (l - W) / se);
    ck_assert_msg(fabs(l - W) <= 4 * se, "batching latency %g, birth-death %g, s.e. %g", l, W, se);
    check_little(&ex, &c);
    cs_clock_cell_free(&c);
    cs_experiment_free(&ex);
}
END_TEST

/* DESIGN.md §6's worked figure, computed here from the datasheet numbers: an 8B model, bf16, 32
** layers of 8 KV heads of 128 on an H100, every sequence at 4,096 tokens of context, decoding. */
START_TEST(roofline_worked_figures)
{
    cs_experiment ex;
    load_text_ok(&ex, "[experiment]\nqueries = 10\n[serving]\ngpu = h100\nparams = 8e9\n"
                      "layers = 32\nkv_heads = 8\nhead_dim = 128\n[arrivals]\nrate = 1\n");
    const cs_pool *p = &ex.serving.pool[CS_POOL_GENERATOR];
    ck_assert_double_eq(p->kv_bytes_per_token, 2.0 * 32 * 8 * 128 * 2);
    const double batch[3] = {1, 32, 256}, printed[3] = {4.94e-3, 9.90e-3, 45.8e-3};
    for (int i = 0; i < 3; i++) {
        double b = batch[i];
        double mem = (8e9 * 2 + 131072.0 * 4096 * b) / 3.35e12, flop = 2 * 8e9 * b / 989e12;
        double t = cs_roofline_iteration(p, b, 4096 * b);
        ck_assert_msg(fabs(t - fmax(mem, flop)) <= 1e-12, "b = %g: %g vs %g", b, t, mem);
        ck_assert(mem > flop); /* all memory-bound */
        /* the printed figures are rounded to three digits */
        ck_assert_msg(fabs(t - printed[i]) <= 0.005 * printed[i], "b = %g: %g ms, DESIGN %g ms",
                      b, 1e3 * t, 1e3 * printed[i]);
    }
    cs_experiment_free(&ex);
}
END_TEST

/* The closed-form span against a sum of iterations one by one, across the compute/memory switch,
** and the boundary search against a scan. */
START_TEST(roofline_span_closed_form)
{
    cs_pool p;
    memset(&p, 0, sizeof p);
    p.params = 8e9;
    p.bytes_per_param = 2;
    p.kv_bytes_per_token = 131072;
    p.peak_flops = 989e12;
    p.hbm_bandwidth = 3.35e12;
    p.alpha = 1.3;
    p.beta = 2e-4;
    const double bs[4] = {1, 64, 512, 4096}, c0s[3] = {0, 1000, 300000};
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 3; j++) {
            double b = bs[i], c0 = c0s[j], sum = 0;
            for (int k = 0; k < 3000; k++) {
                if (k == 1 || k == 17 || k == 2999) {
                    double s = cs_roofline_span(&p, b, c0, k);
                    ck_assert_msg(fabs(s - sum) <= 1e-9 * sum + 1e-15, "b %g c0 %g n %d: %g vs %g",
                                  b, c0, k, s, sum);
                }
                sum += cs_roofline_iteration(&p, b, c0 + b * k);
            }
            double total = cs_roofline_span(&p, b, c0, 3000);
            for (double dt = 0; dt < total; dt += total / 7.3) {
                double k = cs_roofline_boundary(&p, b, c0, 3000, dt), scan = 0;
                while (cs_roofline_span(&p, b, c0, scan) < dt)
                    scan++;
                ck_assert_double_eq(k, scan);
            }
        }
}
END_TEST

/* A roofline run whose calls write 100,000 tokens costs the same events as one of 100: each
** decode span is one event, whatever its length. Counted here as the calls' trace entries and
** through latency, which must scale with the tokens. */
START_TEST(long_outputs_are_one_span)
{
    const char *base = "[experiment]\nqueries = 200\nbudgets = 4\n[generator]\ntokens = %s\n"
                       "[strategy.vote]\n[serving]\nreplicas = 2\nparams = 1e9\nkv_bytes_per_token = 1000\n"
                       "[arrivals]\nrate = %s\nwarmup = 0\n";
    char text[1024];
    cs_experiment ex;
    cs_clock_cell a, b;
    snprintf(text, sizeof text, base, "100", "1");
    run_cell(text, &ex, &a);
    cs_experiment_free(&ex);
    snprintf(text, sizeof text, base, "100000", "0.001");
    run_cell(text, &ex, &b);
    cs_latency_row ra, rb;
    cs_latency_summarize(&ex, &b, 0, 0, &rb);
    cs_latency_summarize(&ex, &a, 0, 0, &ra);
    ck_assert(rb.latency_mean > 500 * ra.latency_mean);
    cs_clock_cell_free(&a);
    cs_clock_cell_free(&b);
    cs_experiment_free(&ex);
}
END_TEST

/* The two policies on a schedule worked out by hand: one replica serving one call at a time for
** 1 s, queries A at t = 0 and B at t = 0.5, each two rounds of one call (revise, one chain of two
** answers, majority: no score round). fcfs: A1 [0,1], B1 [1,2] (submitted before A2), A2 [2,3],
** B2 [3,4]: latencies 3 and 3.5. program: at t = 1 A2 goes first (A arrived first): A1 [0,1],
** A2 [1,2], B1 [2,3], B2 [3,4]: latencies 2 and 3.5. */
START_TEST(policies_by_hand)
{
    char trace[] = "/tmp/callscale-test-trace-XXXXXX";
    int fd = mkstemp(trace);
    ck_assert_int_ge(fd, 0);
    FILE *f = fdopen(fd, "w");
    fputs("0\n0.5\n", f);
    fclose(f);
    const char *policy[2] = {"fcfs", "program"};
    const double want[2][2] = {{3, 3.5}, {2, 3.5}};
    for (int k = 0; k < 2; k++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "[experiment]\nqueries = 2\nbudgets = 2\n[strategy.revise]\nchains = 1\n"
                 "select = majority\n[serving]\nservice = fixed(1)\nmax_num_seqs = 1\n"
                 "policy = %s\n[arrivals]\ntrace = %s\nwarmup = 0\n", policy[k], trace);
        cs_experiment ex;
        load_text_ok(&ex, text);
        double *times;
        size_t n;
        cs_error err;
        ck_assert_int_eq(cs_clock_read_trace(&ex, &times, &n, &err), 0);
        ck_assert_uint_eq(n, 2);
        cs_clock_cell c;
        ck_assert_int_eq(cs_clock_cell_run(&ex, &ex.serving, 0, 0, times, n, 0, &c, &err), 0);
        for (int q = 0; q < 2; q++) {
            ck_assert_uint_eq(c.q[q].rounds, 2);
            ck_assert_msg(fabs(latency_of(&c.q[q]) - want[k][q]) < 1e-12, "%s: query %d latency %g, "
                          "by hand %g", policy[k], q, latency_of(&c.q[q]), want[k][q]);
        }
        free(times);
        cs_clock_cell_free(&c);
        cs_experiment_free(&ex);
    }
    remove(trace);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("clock");
    TCase *q = tcase_create("queueing");
    tcase_set_timeout(q, 120);
    tcase_add_test(q, mmc_against_erlang_c);
    tcase_add_test(q, md1_against_pollaczek_khinchine);
    tcase_add_test(q, round_of_exponentials);
    tcase_add_test(q, batching_birth_death);
    tcase_add_test(q, policies_by_hand);
    suite_add_tcase(s, q);
    TCase *r = tcase_create("roofline");
    tcase_add_test(r, roofline_worked_figures);
    tcase_add_test(r, roofline_span_closed_form);
    tcase_add_test(r, long_outputs_are_one_span);
    suite_add_tcase(s, r);
    return s;
}
