/*
** Tests of src/cli/serve_api.c and serve_sandbox.c: the teaching page's API called directly (so
** AddressSanitizer's leak check sees it), and the sandbox a worker computes in.
**
** Expected values: the two-level example of DESIGN.md section 1 (alpha = 0.6, p1 = 0.85,
** p2 = 0.4), F(K) = alpha P(Bin(K,p1) > K/2) + (1 - alpha) P(Bin(K,p2) > K/2) from GSL's binomial
** tail here, and K* = 2 ln[alpha/(1-alpha) (2p1-1)/(1-2p2)] / ln[p2 q2/(p1 q1)] = 5.2432.
*/
#include "testutil.h"
#include "testutil_two_level.h"

#include <errno.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>
#include <json-c/json.h>
#include "serve.h"

static const char two_level[] =
    "[experiment]\n"
    "name    = api-test\n"
    "queries = 2000\n"
    "budgets = 1..65 +2\n"
    "answers = 2\n" TWO_LEVEL_POPULATION
    "[strategy.vote]\n"
    "[strategy.filter_vote]\n";

/* body, queries, budget, rows (2 strategies x 33 budgets x 3 bins = 198 fit), requests,
** connections, seconds, bytes */
static const serve_limits limits = {1 << 16, 50000, 257, 1000, 2, 64, 20.0, 1u << 30};

/* The answer to one request: its status, and its JSON (NULL when it is not JSON). */
typedef struct answer {
    int status;
    json_object *json;
    char *text;
} answer;

static answer ask(const char *body, size_t len, int json, int monte_carlo)
{
    serve_request rq = {body, len, json, monte_carlo, "server.ini", two_level,
                        sizeof two_level - 1, &limits};
    answer a;
    size_t n = 0;
    a.text = NULL;
    FILE *out = open_memstream(&a.text, &n);
    ck_assert_ptr_nonnull(out);
    a.status = serve_api_answer(&rq, out);
    ck_assert_int_eq(fclose(out), 0);
    a.json = json_tokener_parse(a.text);
    return a;
}

static answer ask_json(const char *body, int monte_carlo)
{
    return ask(body, strlen(body), 1, monte_carlo);
}

static void answer_free(answer *a)
{
    json_object_put(a->json);
    free(a->text);
}

static const char *error_of(const answer *a)
{
    json_object *e;
    if (!a->json || !json_object_object_get_ex(a->json, "error", &e))
        return "";
    return json_object_get_string(e);
}

/* Accuracy of (strategy, bin, budget) in an answer's rows, or NAN. */
static double accuracy(const answer *a, const char *strategy, const char *bin, int budget)
{
    json_object *rows, *v;
    if (!json_object_object_get_ex(a->json, "rows", &rows))
        return NAN;
    for (size_t i = 0; i < json_object_array_length(rows); i++) {
        json_object *r = json_object_array_get_idx(rows, i);
        json_object_object_get_ex(r, "strategy", &v);
        if (strcmp(json_object_get_string(v), strategy))
            continue;
        json_object_object_get_ex(r, "bin", &v);
        if (strcmp(json_object_get_string(v), bin))
            continue;
        json_object_object_get_ex(r, "budget", &v);
        if (json_object_get_int(v) != budget)
            continue;
        json_object_object_get_ex(r, "accuracy", &v);
        return json_object_get_double(v);
    }
    return NAN;
}

/* results.csv's digits: 10 decimals, so an exact row is within 5e-11 of the sum. */
#define ROW_TOL 1e-10

START_TEST(exact_two_level)
{
    answer a = ask_json("{}", 0);
    ck_assert_int_eq(a.status, 200);
    ck_assert_ptr_nonnull(a.json);
    for (int K = 1; K <= 65; K += 2) {
        double want = two_level_vote((unsigned)K);
        ck_assert_double_eq_tol(accuracy(&a, "vote", "all", K), want, ROW_TOL);
        ck_assert_double_eq_tol(accuracy(&a, "vote", "easy", K), majority(K, 0.85), ROW_TOL);
        ck_assert_double_eq_tol(accuracy(&a, "vote", "hard", K), majority(K, 0.4), ROW_TOL);
    }
    json_object *s, *v;
    ck_assert(json_object_object_get_ex(a.json, "summary", &s));
    json_object_object_get_ex(s, "shape", &v);
    ck_assert_str_eq(json_object_get_string(v), "rise-then-fall");
    json_object_object_get_ex(s, "kstar", &v);
    double kstar = 2 * log(0.6 / 0.4 * 0.7 / 0.2) / log(0.4 * 0.6 / (0.85 * 0.15));
    ck_assert_double_eq_tol(json_object_get_double(v), kstar, 1e-9);
    ck_assert_double_eq_tol(kstar, 5.2432, 5e-5);
    json_object_object_get_ex(s, "best_k", &v);
    ck_assert_int_eq(json_object_get_int(v), 5);
    ck_assert_double_eq_tol(accuracy(&a, "vote", "all", 5), 0.7110, 5e-5);
    answer_free(&a);
}
END_TEST

START_TEST(overrides_and_text)
{
    /* alpha = 0.3 is below 1 - 1/t = 0.3497: the curve falls */
    answer a = ask_json("{\"set\": [\"population.easy.weight=0.3\", \"population.hard.weight=0.7\"]}", 0);
    ck_assert_int_eq(a.status, 200);
    ck_assert_double_eq_tol(accuracy(&a, "vote", "all", 9), 0.3 * majority(9, 0.85) + 0.7 * majority(9, 0.4),
                            ROW_TOL);
    answer_free(&a);
    /* the body as an experiment's text (text/plain), which replaces the server's */
    const char text[] = "[experiment]\nbudgets = 1,3\n[population.only]\np_correct = 0.7\n[strategy.vote]\n";
    a = ask(text, sizeof text - 1, 0, 0);
    ck_assert_int_eq(a.status, 200);
    ck_assert_double_eq_tol(accuracy(&a, "vote", "all", 3), majority(3, 0.7), ROW_TOL);
    answer_free(&a);
}
END_TEST

START_TEST(monte_carlo)
{
    /* 2000 queries: the standard error of F(5) = 0.7110 is sqrt(0.711 0.289 / 2000) = 0.0101;
    ** 4 standard errors = 0.041 */
    answer a = ask_json("{}", 1);
    ck_assert_int_eq(a.status, 200);
    ck_assert_double_eq_tol(accuracy(&a, "vote", "all", 5), two_level_vote(5),
                            0.041);
    answer_free(&a);
}
END_TEST

/* Each bad request: its status and a word its message must hold. */
static const struct bad_case {
    const char *body;
    int json, monte_carlo, status;
    const char *word;
} bad_cases[] = {
    {"{\"set\": [", 1, 0, 400, "not JSON"},
    {"{} {}", 1, 0, 400, "not JSON"},
    {"", 1, 0, 400, "not JSON"},
    {"[[[[[[[[[[[[[[[[[[[[1]]]]]]]]]]]]]]]]]]]", 1, 0, 400, "not JSON"},
    {"\"text\"", 1, 0, 400, "must be an object"},
    {"{\"set\": \"population.easy.weight=1\"}", 1, 0, 400, "must be an array"},
    {"{\"set\": [1]}", 1, 0, 400, "must be an array"},
    {"{\"set\": [\"population.easy.weight=0\\u0000.5\"]}", 1, 0, 400, "must be an array"},
    {"{\"text\": 3}", 1, 0, 400, "must be a string"},
    {"{\"file\": \"/etc/passwd\"}", 1, 0, 400, "unknown key \"file\""},
    {"{\"set\": [\"population.easy.p_correct=2\"]}", 1, 0, 422, "--set:1:"},
    {"{\"set\": [\"nodot\"]}", 1, 0, 422, "--set:1:"},
    {"{\"set\": [\"experiment.budgets=1..1025 +2\"]}", 1, 0, 422, "--max-budget"},
    {"{\"set\": [\"experiment.queries=50001\"]}", 1, 1, 422, "--max-queries"},
    {"{\"set\": [\"experiment.budgets=1..257\"]}", 1, 0, 422, "--max-rows"},
    {"[experiment\n", 0, 0, 422, "request:1: not INI"},
    {"[experiment]\ncolour = red\n", 0, 0, 422, "request:2:"},
    {"[population.a]\np_correct = beta(2,1)\n[strategy.best_of_n]\n", 0, 0, 422, "exact mode"},
};

START_TEST(bad_requests)
{
    const struct bad_case *c = &bad_cases[_i];
    answer a = ask(c->body, strlen(c->body), c->json, c->monte_carlo);
    ck_assert_msg(a.status == c->status, "%s: status %d, expected %d (%s)", c->body, a.status,
                  c->status, a.text);
    ck_assert_msg(strncmp(error_of(&a), "callscale: ", 11) == 0 && strstr(error_of(&a), c->word),
                  "%s: message '%s' lacks '%s'", c->body, error_of(&a), c->word);
    answer_free(&a);
}
END_TEST

/* Garbage must get a 4xx, never a crash or a 200 with nonsense: mutations of a valid experiment
** (a byte changed to a random one, 1 to 8 times) and random bytes, from a fixed seed. */
START_TEST(mutated_requests)
{
    unsigned seed = 12345;
    char buf[sizeof two_level];
    int counts[3] = {0, 0, 0};
    for (int i = 0; i < 300; i++) {
        size_t n = sizeof two_level - 1;
        memcpy(buf, two_level, sizeof two_level);
        if (i % 3 == 2) {
            for (size_t j = 0; j < n; j++)
                buf[j] = (char)(rand_r(&seed) & 0xff);
        } else {
            int edits = 1 + rand_r(&seed) % 8;
            for (int e = 0; e < edits; e++)
                buf[(size_t)rand_r(&seed) % n] = (char)(rand_r(&seed) & 0xff);
        }
        answer a = ask(buf, n, i % 3 == 1, 0);
        ck_assert_msg(a.status == 200 || a.status == 400 || a.status == 422, "status %d", a.status);
        ck_assert_ptr_nonnull(a.json);
        counts[a.status == 200 ? 0 : a.status == 400 ? 1 : 2]++;
        if (a.status != 200)
            ck_assert_int_eq(strncmp(error_of(&a), "callscale: ", 11), 0);
        answer_free(&a);
    }
    /* the JSON third is never an object, so always 400; most mutations break the experiment */
    ck_assert_int_ge(counts[1], 100);
    ck_assert_int_gt(counts[2], 0);
}
END_TEST

/* In a child: the sandbox forbids files and sockets, and an exact request still works in it. */
static int sandboxed(void)
{
    if (serve_sandbox_enter())
        return 10;
    errno = 0;
    if (fopen("/etc/passwd", "r") || errno != EACCES)
        return 11;
    if (fopen("Makefile", "r") || fopen("/tmp/callscale-sandbox-test", "w"))
        return 12;
    if (socket(AF_INET, SOCK_STREAM, 0) >= 0 || errno != EACCES)
        return 13;
    char *argv[] = {"/bin/true", NULL};
    execv("/bin/true", argv);
    if (errno != EACCES)
        return 14;
    serve_request rq = {"{}", 2, 1, 0, "server.ini", two_level, sizeof two_level - 1, &limits};
    char *text = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&text, &n);
    if (!out || serve_api_answer(&rq, out) != 200 || fclose(out))
        return 15;
    return strstr(text, "\"rows\"") ? 0 : 16;
}

START_TEST(sandbox)
{
    pid_t pid = fork();
    ck_assert_int_ge(pid, 0);
    if (pid == 0)
        _exit(sandboxed()); /* _exit: LeakSanitizer's exit check needs /proc, which is forbidden */
    int ws;
    ck_assert_int_eq(waitpid(pid, &ws, 0), pid);
    ck_assert_msg(WIFEXITED(ws) && WEXITSTATUS(ws) == 0, "sandboxed child: status %d (10 enter, "
                  "11-12 a file opened, 13 a socket, 14 exec, 15-16 the API failed)",
                  WIFEXITED(ws) ? WEXITSTATUS(ws) : -WTERMSIG(ws));
    /* this process, outside the sandbox, still opens files */
    FILE *f = fopen("Makefile", "r");
    ck_assert_ptr_nonnull(f);
    fclose(f);
}
END_TEST

Suite *make_suite(void)
{
    Suite *s = suite_create("serve");
    TCase *tc = tcase_create("api");
    tcase_set_timeout(tc, 120);
    tcase_add_test(tc, exact_two_level);
    tcase_add_test(tc, overrides_and_text);
    tcase_add_test(tc, monte_carlo);
    tcase_add_loop_test(tc, bad_requests, 0, (int)(sizeof bad_cases / sizeof *bad_cases));
    tcase_add_test(tc, mutated_requests);
    tcase_add_test(tc, sandbox);
    suite_add_tcase(s, tc);
    return s;
}
