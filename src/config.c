/*
** Experiment files: INI (read with inih) plus --set overrides, validated into a cs_experiment.
** Every error names the file, the line and the key.
*/
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/experiment.h"
#include "callscale/logpop.h"
#include "callscale/strategy.h"
#include "grow.h"
#include "number.h"

#define S(field) offsetof(cs_settings, field)

const cs_param cs_generator_params[] = {
    {"tokens", "300", 1, 1e9, 0, NULL, S(gen_tokens), "output tokens per call (per step in the step model)"},
    {"params", "7e9", 1, 1e15, 0, NULL, S(gen_params), "model parameters, for FLOPs = 2 * params * tokens"},
};
const cs_param cs_judge_params[] = {
    {"tpr", "0.8", 0, 1, 0, NULL, S(tpr), "P(judge says correct | answer correct)"},
    {"fpr", "0.3", 0, 1, 0, NULL, S(fpr), "P(judge says correct | answer wrong)"},
    {"tokens", "generator", 1, 1e9, 0, "generator", S(judge_tokens), "tokens per judge call"},
    {"params", "generator", 1, 1e15, 0, "generator", S(judge_params), "judge model parameters"},
};
const cs_param cs_verifier_params[] = {
    {"separation", "1", -1e6, 1e6, 0, NULL, S(separation), "mean score gap between correct and wrong samples"},
    {"answer_noise", "0.5", 0, 1e6, 0, NULL, S(answer_noise), "s.d. of a bias fixed per (query, answer)"},
    {"sample_noise", "1", 0, 1e6, 0, NULL, S(sample_noise), "s.d. of per-sample score noise"},
    {"params", "generator", 1, 1e15, 0, "generator", S(verifier_params), "reward model parameters (a score call reads the answer: FLOPs = 2 * params * tokens)"},
};
const cs_param cs_steps_params[] = {
    {"steps", "8", 1, 64, 1, NULL, S(steps), "steps per solution, L (per query: uniform in [steps, steps_max])"},
    {"steps_max", "steps", 1, 64, 1, "steps", S(steps_max), "largest L; 'steps' for a fixed L"},
    {"recover", "0", 0, 1, 0, NULL, S(recover), "chance per step that a derailed prefix gets back on track"},
};
const cs_param cs_prm_params[] = {
    {"noise", "0.5", 0, 1e3, 0, NULL, S(prm_noise), "s.d. of the PRM's error on a prefix's value (model = gaussian)"},
    {"trap", "0", 0, 1, 0, NULL, S(trap), "chance per step of a degenerate step the PRM over-rates"},
    {"trap_score", "0.3", -1e3, 1e3, 0, NULL, S(trap_score), "how far above an honest on-track step the PRM puts a trap"},
    {"trap_power", "0", 0, 100, 0, NULL, S(trap_power), "0: the trap chance is the same on every query; k > 0: trap * p^k per step, so easy questions meet more traps"},
    {"rho", "0", 0, 0.999, 0, NULL, S(rho), "correlation of a step's PRM error with its parent's (inherited bias)"},
    {"agg", "last", CS_WORDS_ONLY, 0, "last|min|prod|mean", S(agg), "how a chain's step scores aggregate"},
    {"params", "generator", 1, 1e15, 0, "generator", S(prm_params), "PRM parameters (a score call reads the prefix)"},
    {"model", "gaussian", 1, 1e6, 1, "gaussian|rollouts(k)", S(prm_rollouts), "gaussian: a prefix's value plus noise; rollouts(k): Math-Shepherd's estimate from k rollouts (soft s.d. sqrt(V(1-V)/k), 0.5/sqrt(k) at V = 1/2)"},
    {"estimate", "soft", CS_WORDS_ONLY, 0, "soft|hard", S(prm_estimate), "with model = rollouts(k): soft, the fraction of the k rollouts that end right; hard, 1 if any does"},
};
const cs_param cs_revise_params[] = {
    {"fix", "0.3", 0, 1, 0, NULL, S(fix), "chance that a revision turns a wrong answer right (times p^fix_power)"},
    {"fix_power", "0", 0, 100, 0, NULL, S(fix_power), "0: fix is the same on every query; k > 0: fix * p^k, so hard questions are rarely fixed"},
    {"break", "0.1", 0, 1, 0, NULL, S(rev_break), "chance that a revision turns a right answer wrong"},
    {"fix_decay", "1", 0, 1, 0, NULL, S(fix_decay), "the fix chance's factor per revision: 1, every revision alike; d < 1, revision t fixes with chance fix * p^fix_power * d^(t-1) (a chain's returns diminish)"},
    {"stick", "0", 0, 1, 0, NULL, S(stick), "chance that a wrong answer not fixed stays the same wrong answer (else a fresh wrong one)"},
};
#define NELEM(a) (sizeof(a) / sizeof((a)[0]))
const size_t cs_generator_nparams = NELEM(cs_generator_params);
const size_t cs_judge_nparams = NELEM(cs_judge_params);
const size_t cs_verifier_nparams = NELEM(cs_verifier_params);
const size_t cs_steps_nparams = NELEM(cs_steps_params);
const size_t cs_prm_nparams = NELEM(cs_prm_params);
const size_t cs_revise_nparams = NELEM(cs_revise_params);

/* The settings sections, in the order config.ini writes them. A component may override any of
** their keys; judge and generator share key names (tokens, params), so inside a component the
** judge's are spelled judge_tokens and judge_params. */
static const struct {
    const char *section;
    const cs_param *rows;
    const size_t *n;
    const char *component_prefix;
} settings_tables[] = {
    {"generator", cs_generator_params, &cs_generator_nparams, ""},
    {"judge", cs_judge_params, &cs_judge_nparams, "judge_"},
    {"verifier", cs_verifier_params, &cs_verifier_nparams, "verifier_"},
    {"revise", cs_revise_params, &cs_revise_nparams, ""},
    {"steps", cs_steps_params, &cs_steps_nparams, ""},
    {"prm", cs_prm_params, &cs_prm_nparams, "prm_"},
};

/* The tables from here on ([steps], [prm]) belong to stepped experiments only. */
#define STEP_TABLES 4

/* Index of the settings table a section holds, or -1. */
static int settings_table(const char *section)
{
    for (int t = 0; t < (int)NELEM(settings_tables); t++)
        if (strcmp(section, settings_tables[t].section) == 0)
            return t;
    return -1;
}

/* Only keys that would be ambiguous inside a component (tokens, params, noise) need the prefix. */
static const char *component_prefix(int t, const cs_param *p)
{
    return (strcmp(p->name, "tokens") == 0 || strcmp(p->name, "params") == 0 ||
            strcmp(p->name, "noise") == 0)
               ? settings_tables[t].component_prefix
               : "";
}

/* Keys of one PRM model that mean nothing under the other: noise is the Gaussian model's, estimate
** the rollouts'. config.ini leaves them out where they do not apply, and a file that sets one where
** it cannot apply is refused, rather than silently ignored. */
static int prm_key_idle(const cs_settings *set, const cs_param *p)
{
    if (p->offset == S(prm_estimate))
        return !(set->prm_rollouts > 0);
    if (p == &cs_prm_params[0]) /* noise */
        return set->prm_rollouts > 0;
    return 0;
}

/* A key is idle in a component's section when that component's model does not read it, and in
** [prm] when no component's does (a component inherits [prm] unless it sets its own). */
static int prm_key_idle_for(const cs_experiment *ex, const cs_component *own, const cs_param *p)
{
    for (size_t k = 0; k < ex->ncomp; k++)
        if ((!own || own == &ex->comp[k]) && !prm_key_idle(&ex->comp[k].set, p))
            return 0;
    return 1;
}

/* ---- raw entries ------------------------------------------------------------------------- */

typedef struct entry {
    char *section, *key, *value;
    const char *file;
    int line;
    int used;
} entry;

typedef struct section {
    char *name;
    const char *file;
    int line;
} section;

typedef struct raw {
    entry *e;
    size_t ne, cape;
    section *s;
    size_t ns, caps;
    /* reader state: the text being read, and how far */
    const char *text, *end, *at;
    const char *file;
    int line;
    int nomem;
    /* the first error the reader or handler found (stops the reading): its line and message */
    int err_line;
    char err_msg[400];
    /* values of lines too long for inih's buffer, passed to it as LONG_VALUE and an index */
    char **longval;
    size_t nlong, caplong;
} raw;

/* Far more sections than any experiment has (components and strategies are capped well below):
** a bound that keeps the linear section look-ups fast on any input. */
#define SECTIONS_MAX 1000

/* Marks a value kept aside in raw.longval (a control character: the text has none). */
#define LONG_VALUE '\001'

static void raw_fail(raw *r, int line, const char *fmt, const char *a, int b)
{
    if (r->err_line)
        return;
    r->err_line = line;
    snprintf(r->err_msg, sizeof r->err_msg, fmt, a, b);
}

static char *dupstr(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}

static section *find_section(raw *r, const char *name)
{
    for (size_t i = 0; i < r->ns; i++)
        if (strcmp(r->s[i].name, name) == 0)
            return &r->s[i];
    return NULL;
}

static int add_section(raw *r, const char *name, const char *file, int line)
{
    const section *old = find_section(r, name);
    if (old && old->file == r->file && file == r->file)
        raw_fail(r, line, "[%.120s] appears twice, on line %d and here: write its keys in one "
                 "section", name, old->line);
    if (old)
        return 0;
    if (r->ns == SECTIONS_MAX) {
        raw_fail(r, line, "more than %s%d sections: not an experiment file", "", SECTIONS_MAX);
        return 0;
    }
    if (cs_grow(&r->s, &r->caps, r->ns, sizeof *r->s))
        return -1;
    r->s[r->ns].name = dupstr(name);
    if (!r->s[r->ns].name)
        return -1;
    r->s[r->ns].file = file;
    r->s[r->ns].line = line;
    r->ns++;
    return 0;
}

static int add_entry(raw *r, const char *sec, const char *key, const char *value, const char *file,
                     int line)
{
    if (cs_grow(&r->e, &r->cape, r->ne, sizeof *r->e))
        return -1;
    entry *e = &r->e[r->ne];
    e->section = dupstr(sec);
    e->key = dupstr(key);
    e->value = dupstr(value);
    e->file = file;
    e->line = line;
    e->used = 0;
    if (!e->section || !e->key || !e->value) {
        free(e->section);
        free(e->key);
        free(e->value);
        return -1;
    }
    r->ne++;
    return 0;
}

static void raw_free(raw *r)
{
    for (size_t i = 0; i < r->ne; i++) {
        free(r->e[i].section);
        free(r->e[i].key);
        free(r->e[i].value);
    }
    for (size_t i = 0; i < r->ns; i++)
        free(r->s[i].name);
    for (size_t i = 0; i < r->nlong; i++)
        free(r->longval[i]);
    free(r->e);
    free(r->s);
    free(r->longval);
}

/* A line longer than inih's buffer (num - 1 characters with its newline): a comment becomes an
** empty one, key = value becomes key=LONG_VALUE INDEX with the value kept aside, anything else
** is an error. So a long budget list or comment simply works. */
static void long_line(raw *r, const char *line, size_t len, char *str, int num)
{
    const char *p = line, *end = line + len;
    while (p < end && isspace((unsigned char)*p))
        p++;
    while (end > p && isspace((unsigned char)end[-1]))
        end--;
    if (p < end && (*p == ';' || *p == '#')) {
        snprintf(str, (size_t)num, ";\n");
        return;
    }
    const char *eq = p;
    while (eq < end && *eq != '=' && *eq != ':' && *eq != '[')
        eq++;
    size_t klen = (size_t)(eq - p);
    while (klen && isspace((unsigned char)p[klen - 1]))
        klen--;
    /* room for the key, '=', the marker, an index and a newline */
    if (eq == end || *eq == '[' || klen == 0 || klen + 24 > (size_t)num) {
        raw_fail(r, r->line, "a line of %s%d characters that is not key = value: keys and "
                 "[section] names are short; only values and comments may be long", "", (int)len);
        str[0] = '\0';
        return;
    }
    const char *v = eq + 1;
    while (v < end && isspace((unsigned char)*v))
        v++;
    /* inih's inline comments: ';' after a space */
    const char *stop = v;
    while (stop < end && !(*stop == ';' && stop > v && isspace((unsigned char)stop[-1])))
        stop++;
    while (stop > v && isspace((unsigned char)stop[-1]))
        stop--;
    size_t vlen = (size_t)(stop - v);
    char *val = malloc(vlen + 1);
    if (!val || cs_grow(&r->longval, &r->caplong, r->nlong, sizeof *r->longval)) {
        free(val);
        r->nomem = 1;
        str[0] = '\0';
        return;
    }
    memcpy(val, v, vlen);
    val[vlen] = '\0';
    r->longval[r->nlong] = val;
    snprintf(str, (size_t)num, "%.*s=%c%zu\n", (int)klen, p, LONG_VALUE, r->nlong);
    r->nlong++;
}

/* inih reads through this, so we know each line's number and see sections with no keys
** (an empty [strategy.vote] must still run the strategy). */
static char *reader(char *str, int num, void *stream)
{
    raw *r = stream;
    if (r->at >= r->end || num < 2 || r->err_line || r->nomem)
        return NULL;
    r->line++;
    const char *nl = memchr(r->at, '\n', (size_t)(r->end - r->at));
    const char *stop = nl ? nl + 1 : r->end;
    size_t len = (size_t)(stop - r->at), room = (size_t)num - 1;
    if (len > room) {
        long_line(r, r->at, len, str, num);
    } else {
        memcpy(str, r->at, len);
        str[len] = '\0';
    }
    r->at = stop;
    char *p = str;
    while (isspace((unsigned char)*p))
        p++;
    /* inih would take an indented line for a continuation of the previous value */
    if (p != str)
        memmove(str, p, strlen(p) + 1);
    p = str;
    if (*p == '[') {
        const char *q = strchr(p, ']');
        if (q) {
            size_t n = (size_t)(q - p - 1);
            char *name = malloc(n + 1);
            if (name) {
                memcpy(name, p + 1, n);
                name[n] = '\0';
            }
            if (!name || add_section(r, name, r->file, r->line))
                r->nomem = 1;
            free(name);
        }
    }
    return str;
}

static int handler(void *user, const char *sec, const char *key, const char *value)
{
    raw *r = user;
    if (value[0] == LONG_VALUE) {
        size_t i = (size_t)strtoul(value + 1, NULL, 10);
        value = i < r->nlong ? r->longval[i] : "";
    }
    if (add_entry(r, sec, key, value, r->file, r->line))
        r->nomem = 1;
    return 1;
}

/* Entries in (section, key, line) order, the file's only (--set may repeat a key: the last wins). */
static int by_key(const void *x, const void *y)
{
    const entry *a = *(const entry *const *)x, *b = *(const entry *const *)y;
    int c = strcmp(a->section, b->section);
    if (!c)
        c = strcmp(a->key, b->key);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* A key the file gives twice in one section is an error at its second line (the earliest such
** in the file), naming the first; sorting keeps this fast on any input. */
static int duplicate_key(raw *r)
{
    if (r->ne < 2)
        return 0;
    const entry **v = malloc(r->ne * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < r->ne; i++)
        v[i] = &r->e[i];
    qsort(v, r->ne, sizeof *v, by_key);
    const entry *first = NULL, *second = NULL;
    for (size_t i = 1; i < r->ne; i++)
        if (by_key(&v[i - 1], &v[i]) != 0 && strcmp(v[i - 1]->section, v[i]->section) == 0 &&
            strcmp(v[i - 1]->key, v[i]->key) == 0 && (!second || v[i]->line < second->line)) {
            first = v[i - 1];
            second = v[i];
        }
    if (second) {
        char what[256];
        snprintf(what, sizeof what, "[%.120s] %.120s", second->section, second->key);
        /* the earlier error wins: the reader stopped at its own */
        int keep = r->err_line;
        r->err_line = keep && keep < second->line ? keep : 0;
        if (!r->err_line)
            raw_fail(r, second->line, "%s is given twice, on line %d and here: keep one", what,
                     first->line);
    }
    free(v);
    return 0;
}

/* ---- small parsers ----------------------------------------------------------------------- */

/* 2e5 and 1e6 as well as plain integers (experiment sizes are often written so), read exactly */
static int parse_u64(const char *s, uint64_t lo, uint64_t hi, uint64_t *out)
{
    return cs_number_whole(s, lo, hi, out) ? -1 : 0;
}

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
}

/* A real number at *p (after spaces): 0 and *x with *p past it, or -1. */
static int real_at(const char **p, double *x)
{
    size_t used;
    const char *q = skip_space(*p);
    if (cs_number_real_prefix(q, x, &used))
        return -1;
    *p = q + used;
    return 0;
}

/* "name(x)" or "name(x,y)": returns number of arguments read, or -1. */
static int parse_call(const char *s, const char *name, double *x, double *y)
{
    size_t n = strlen(name);
    if (strncmp(s, name, n) != 0 || s[n] != '(')
        return -1;
    const char *p = s + n + 1;
    if (real_at(&p, x))
        return -1;
    p = skip_space(p);
    int args = 1;
    if (y && *p == ',') {
        p++;
        if (real_at(&p, y))
            return -1;
        p = skip_space(p);
        args = 2;
    }
    if (*p != ')' || p[1] != '\0')
        return -1;
    return args;
}

/* Largest budget we accept: far beyond what a per-sample run can reach, small enough that
** counts fit in 32 bits. */
#define BUDGET_MAX 1073741824u
/* More budgets than this is a mistake (a +1 range to 10^9), not a curve anyone can plot. */
#define BUDGETS_MAX 100000

/* Append v to the growing list b[0..*k); -1 (with a reason) when memory or the count runs out. */
static int push_budget(size_t **b, size_t *k, size_t *cap, size_t v, const char *text, char *why,
                       size_t nwhy)
{
    if (*k == BUDGETS_MAX) {
        snprintf(why, nwhy, "budgets = %s: more than %d budgets", text, BUDGETS_MAX);
        return -1;
    }
    if (cs_grow(b, cap, *k, sizeof **b)) {
        snprintf(why, nwhy, "out of memory");
        return -1;
    }
    (*b)[(*k)++] = v;
    return 0;
}

/* Plain decimal digits at *p: 0 and *v (UINT64_MAX when it does not fit), *p past them; -1 when
** there are none. */
static int whole_at(const char **p, uint64_t *v)
{
    size_t n = cs_number_digits(*p);
    if (n == 0)
        return -1;
    uint64_t x = 0;
    for (size_t i = 0; i < n; i++) {
        uint64_t d = (uint64_t)((*p)[i] - '0');
        x = x > (UINT64_MAX - d) / 10 ? UINT64_MAX : x * 10 + d;
    }
    *p += n;
    *v = x;
    return 0;
}

#define BUDGET_SYNTAX "a list is 1,3,5; a range is FIRST..LAST +STEP or FIRST..LAST xFACTOR, e.g. 1..100 +1 or 1..1024 x2"

int cs_budgets_parse(const char *text, size_t **out, size_t *n, char *why, size_t nwhy)
{
    size_t cap = 16, k = 0;
    size_t *b = malloc(cap * sizeof *b);
    if (!b) {
        snprintf(why, nwhy, "out of memory");
        return -1;
    }
    const char *dots = strstr(text, "..");
    if (dots) {
        const char *p = skip_space(text);
        uint64_t lo, hi, step = 1;
        if (whole_at(&p, &lo) || skip_space(p) != dots)
            goto bad_range;
        p = skip_space(dots + 2);
        if (whole_at(&p, &hi))
            goto bad_range;
        p = skip_space(p);
        char op = '+';
        if (*p == 'x' || *p == '+') {
            op = *p++;
            p = skip_space(p);
            if (whole_at(&p, &step))
                goto bad_range;
        }
        p = skip_space(p);
        if (*p != '\0' || lo < 1 || hi < lo || hi > BUDGET_MAX || step > BUDGET_MAX ||
            (op == 'x' && step < 2) || (op == '+' && step < 1))
            goto bad_range;
        /* a step past LAST at once leaves FIRST alone: a typo, not a one-budget curve */
        if (lo < hi && ((op == 'x') ? lo > hi / step : step > hi - lo)) {
            snprintf(why, nwhy, "budgets = %s: %c%llu takes %llu past %llu at once, so the range "
                     "would hold one budget; " BUDGET_SYNTAX, text, op, (unsigned long long)step,
                     (unsigned long long)lo, (unsigned long long)hi);
            free(b);
            return -1;
        }
        /* the step is tested before it is applied, so a huge one cannot wrap around past hi */
        for (uint64_t v = lo;; v = (op == 'x') ? v * step : v + step) {
            if (push_budget(&b, &k, &cap, (size_t)v, text, why, nwhy)) {
                free(b);
                return -1;
            }
            if ((op == 'x') ? v > hi / step : step > hi - v)
                break;
        }
    } else {
        const char *p = text;
        for (;;) {
            p = skip_space(p);
            uint64_t v;
            if (whole_at(&p, &v)) {
                snprintf(why, nwhy, "budgets = %s: expected positive whole numbers; " BUDGET_SYNTAX,
                         text);
                free(b);
                return -1;
            }
            if (v < 1 || v > BUDGET_MAX) {
                snprintf(why, nwhy, "budgets = %s: each budget must be in [1, %u]", text, BUDGET_MAX);
                free(b);
                return -1;
            }
            if (k > 0 && v <= b[k - 1]) {
                snprintf(why, nwhy, "budgets = %s: budgets must increase", text);
                free(b);
                return -1;
            }
            if (push_budget(&b, &k, &cap, (size_t)v, text, why, nwhy)) {
                free(b);
                return -1;
            }
            p = skip_space(p);
            if (*p == '\0')
                break;
            if (*p != ',') {
                snprintf(why, nwhy, "budgets = %s: expected ',' after %llu; " BUDGET_SYNTAX, text,
                         (unsigned long long)v);
                free(b);
                return -1;
            }
            p++;
        }
    }
    *out = b;
    *n = k;
    return 0;
bad_range:
    snprintf(why, nwhy, "budgets = %s: a range is FIRST..LAST xFACTOR or FIRST..LAST +STEP "
             "with 1 <= FIRST <= LAST <= %u, FACTOR >= 2, STEP >= 1 (e.g. 1..100 +1, 1..1024 x2)",
             text, BUDGET_MAX);
    free(b);
    return -1;
}

/* ---- building the experiment ------------------------------------------------------------- */

typedef struct ctx {
    raw *r;
    cs_experiment *ex;
    cs_error *err;
} ctx;

static int bad(ctx *c, const entry *e, const char *fmt, const char *a, const char *b)
{
    char msg[400];
    snprintf(msg, sizeof msg, fmt, a, b);
    return cs_error_set(c->err, CS_ERR_INPUT, e->file, e->line, "[%s] %s: %s", e->section, e->key,
                        msg);
}

/* Apply settings-table keys of section `sec` to `set`; with a component, only keys spelled with
** the component prefix and recorded in its override mask. */
static int apply_setting(ctx *c, entry *e, cs_settings *set, int in_component, unsigned *mask)
{
    unsigned bit = 0;
    for (int t = 0; t < (int)NELEM(settings_tables); t++) {
        for (size_t i = 0; i < *settings_tables[t].n; i++, bit++) {
            const cs_param *p = &settings_tables[t].rows[i];
            char name[64];
            if (in_component)
                snprintf(name, sizeof name, "%s%s", component_prefix(t, p), p->name);
            else if (strcmp(e->section, settings_tables[t].section) != 0)
                continue;
            else
                snprintf(name, sizeof name, "%s", p->name);
            if (strcmp(name, e->key) != 0)
                continue;
            char why[256];
            double v;
            if (cs_param_parse(p, e->value, &v, why, sizeof why))
                return bad(c, e, "%s", why, NULL);
            *(double *)((char *)set + p->offset) = v;
            if (mask)
                *mask |= 1u << bit;
            e->used = 1;
            return 0;
        }
    }
    return -1; /* not a settings key */
}

static int set_defaults(cs_settings *set)
{
    for (size_t t = 0; t < NELEM(settings_tables); t++)
        for (size_t i = 0; i < *settings_tables[t].n; i++) {
            const cs_param *p = &settings_tables[t].rows[i];
            double v;
            char why[128];
            if (cs_param_parse(p, p->def, &v, why, sizeof why))
                return -1;
            *(double *)((char *)set + p->offset) = v;
        }
    return 0;
}

static void resolve_settings(cs_settings *s)
{
    /* "generator": the same as the generator's */
    if (s->judge_tokens < 0)
        s->judge_tokens = s->gen_tokens;
    if (s->judge_params < 0)
        s->judge_params = s->gen_params;
    if (s->verifier_params < 0)
        s->verifier_params = s->gen_params;
    if (s->prm_params < 0)
        s->prm_params = s->gen_params;
    if (s->steps_max < 0)
        s->steps_max = s->steps;
}

static int experiment_key(ctx *c, entry *e)
{
    cs_experiment *ex = c->ex;
    const char *v = e->value;
    e->used = 1;
    if (strcmp(e->key, "name") == 0) {
        /* config.ini writes it back as name = VALUE: ';' and '#' would read as a comment there */
        if (!*v || strlen(v) >= sizeof ex->name || strpbrk(v, ";#"))
            return bad(c, e, "a name of 1 to 127 characters, without ';' or '#', is needed", NULL,
                       NULL);
        snprintf(ex->name, sizeof ex->name, "%s", v);
    } else if (strcmp(e->key, "queries") == 0) {
        if (parse_u64(v, 1, (uint64_t)1 << 50, &ex->queries))
            return bad(c, e, "'%s' is not a whole number of queries >= 1", v, NULL);
    } else if (strcmp(e->key, "seed") == 0) {
        if (parse_u64(v, 0, UINT64_MAX, &ex->seed))
            return bad(c, e, "'%s' is not a whole number >= 0", v, NULL);
    } else if (strcmp(e->key, "budgets") == 0) {
        char why[400];
        size_t *b, n;
        if (cs_budgets_parse(v, &b, &n, why, sizeof why))
            return bad(c, e, "%s", why, NULL);
        free(ex->budgets);
        ex->budgets_line = strcmp(e->file, "--set") ? e->line : 0;
        ex->budgets = b;
        ex->nbudgets = n;
    } else if (strcmp(e->key, "answers") == 0) {
        uint64_t m;
        ex->answers_line = strcmp(e->file, "--set") ? e->line : 0;
        if (strcmp(v, "open") == 0)
            ex->answers = 0;
        else if (parse_u64(v, 2, CS_MAX_ANSWERS, &m) == 0)
            ex->answers = (int)m;
        else
            return bad(c, e, "'%s' is neither a whole number of answers in [2, 65535] nor 'open'", v,
                       NULL);
    } else if (strcmp(e->key, "sampler") == 0) {
        if (strcmp(v, "auto") == 0)
            ex->sampler = CS_SAMPLER_AUTO;
        else if (strcmp(v, "per_sample") == 0)
            ex->sampler = CS_SAMPLER_PER_SAMPLE;
        else if (strcmp(v, "multinomial") == 0)
            ex->sampler = CS_SAMPLER_MULTINOMIAL;
        else
            return bad(c, e, "'%s' is not auto, per_sample or multinomial", v, NULL);
    } else if (strcmp(e->key, "bins") == 0) {
        uint64_t n;
        if (strcmp(v, "components") == 0)
            ex->bins_kind = CS_BINS_COMPONENTS;
        else if (strncmp(v, "quantiles:", 10) == 0 && parse_u64(v + 10, 1, 100, &n) == 0) {
            ex->bins_kind = CS_BINS_QUANTILES;
            ex->nquantiles = (int)n;
        } else
            return bad(c, e, "'%s' is neither 'components' nor 'quantiles:N' with N in [1, 100]", v,
                       NULL);
    } else {
        e->used = 0;
        return bad(c, e, "unknown key; [experiment] takes name, queries, seed, budgets, answers, bins, sampler",
                   NULL, NULL);
    }
    return 0;
}

/* p_correct = P or beta(A,B), for a component or the larger model. */
static int p_correct(ctx *c, entry *e, int *kind, double *p, double *a, double *b)
{
    const char *v = e->value;
    double x, y;
    if (cs_number_real(v, &x) == 0) {
        if (!(x >= 0 && x <= 1))
            return bad(c, e, "p = %s is outside [0, 1]", v, NULL);
        *kind = CS_P_FIXED;
        *p = x;
    } else if (parse_call(v, "beta", &x, &y) == 2) {
        if (!(x > 0 && y > 0 && isfinite(x) && isfinite(y)))
            return bad(c, e, "%s: beta(a,b) needs a > 0 and b > 0", v, NULL);
        *kind = CS_P_BETA;
        *a = x;
        *b = y;
    } else
        return bad(c, e, "'%s' is neither a probability in [0, 1] nor beta(a,b)", v, NULL);
    return 0;
}

static int component_key(ctx *c, entry *e, cs_component *k)
{
    const char *v = e->value;
    double x;
    if (strcmp(e->key, "weight") == 0) {
        if (cs_number_real(v, &x) || x < 0)
            return bad(c, e, "'%s' is not a weight >= 0", v, NULL);
        k->weight = x;
    } else if (strcmp(e->key, "p_correct") == 0) {
        if (p_correct(c, e, &k->p_kind, &k->p, &k->a, &k->b))
            return CS_ERR_INPUT;
    } else if (strcmp(e->key, "data") == 0) {
        /* a log stands in for this component (logpop.c); read once the file is checked. An
        ** experiment given as text (the library's strings, the teaching page) names no files. */
        if (c->ex->from_text)
            return bad(c, e, "'%s': an experiment given as text cannot read a log (data = FILE "
                       "needs an experiment file)", v, NULL);
        const char *slash = strrchr(e->file, '/');
        if (v[0] == '/' || !slash || strcmp(e->file, "--set") == 0)
            snprintf(k->data, sizeof k->data, "%s", v);
        else
            snprintf(k->data, sizeof k->data, "%.*s/%s", (int)(slash - e->file), e->file, v);
        k->data_line = e->line;
    } else if (strcmp(e->key, "draw") == 0) {
        if (strcmp(v, "replace") == 0)
            k->draw = CS_DRAW_REPLACE;
        else if (strcmp(v, "subsample") == 0)
            k->draw = CS_DRAW_SUBSAMPLE;
        else
            return bad(c, e, "'%s' is not replace or subsample", v, NULL);
    } else if (strcmp(e->key, "wrong") == 0) {
        if (strcmp(v, "uniform") == 0)
            k->wrong_kind = CS_WRONG_UNIFORM;
        else if (parse_call(v, "dirichlet", &x, NULL) == 1) {
            if (!(x > 0 && isfinite(x)))
                return bad(c, e, "%s: dirichlet(c) needs c > 0", v, NULL);
            k->wrong_kind = CS_WRONG_DIRICHLET;
            k->wrong_param = x;
        } else if (parse_call(v, "zipf", &x, NULL) == 1) {
            if (!(x >= 0 && isfinite(x)))
                return bad(c, e, "%s: zipf(s) needs s >= 0", v, NULL);
            k->wrong_kind = CS_WRONG_ZIPF;
            k->wrong_param = x;
        } else
            return bad(c, e, "'%s' is not uniform, dirichlet(c) or zipf(s)", v, NULL);
    } else {
        int rc = apply_setting(c, e, &k->set, 1, &k->overridden);
        if (rc < 0)
            return bad(c, e, "unknown key; a population component takes weight, p_correct, wrong, "
                       "data, draw, "
                       "and overrides of generator (tokens, params), judge (tpr, fpr, judge_tokens, "
                       "judge_params), verifier (separation, answer_noise, sample_noise, verifier_params), "
                       "revise (fix, fix_power, fix_decay, break, stick), steps (steps, steps_max, recover) or prm "
                       "(prm_noise, trap, trap_score, trap_power, rho, agg, prm_params, model, estimate) keys",
                       NULL, NULL);
        return rc;
    }
    e->used = 1;
    return 0;
}

/* Snell et al.'s three ratios R = D_inference / D_pretrain in their comparison with a 14 times
** larger model. */
#define DEFAULT_RATIOS "0.16, 0.79, 22"

static int parse_ratios(const char *v, cs_large_model *m)
{
    size_t n = 0;
    const char *p = v;
    for (;;) {
        double x;
        if (real_at(&p, &x) || !(x > 0) || n == CS_MAX_RATIOS)
            return -1;
        m->ratio[n++] = x;
        while (isspace((unsigned char)*p))
            p++;
        if (*p == '\0')
            break;
        if (*p++ != ',')
            return -1;
    }
    m->nratio = n;
    return 0;
}

static int large_model_key(ctx *c, entry *e)
{
    cs_large_model *m = &c->ex->large;
    const char *v = e->value;
    e->used = 1;
    if (strcmp(e->key, "params") == 0) {
        double x;
        if (cs_number_real(v, &x) || !(x >= 1 && x <= 1e15))
            return bad(c, e, "'%s' is not a number of parameters in [1, 1e15]", v, NULL);
        m->params = x;
    } else if (strcmp(e->key, "p_correct") == 0) {
        return p_correct(c, e, &m->p_kind, &m->p, &m->a, &m->b);
    } else if (strcmp(e->key, "ratios") == 0) {
        if (parse_ratios(v, m))
            return bad(c, e, "'%s' is not a list of at most 16 positive numbers R = D_inference / "
                       "D_pretrain, e.g. 0.16, 0.79, 22", v, NULL);
    } else {
        e->used = 0;
        return bad(c, e, "unknown key; [large_model] takes params, p_correct, ratios", NULL, NULL);
    }
    return 0;
}

static int strategy_key(ctx *c, entry *e, cs_strategy *s)
{
    const cs_strategy_type *t = s->type;
    for (size_t i = 0; i < t->nparams; i++)
        if (strcmp(t->params[i].name, e->key) == 0) {
            char why[256];
            if (cs_param_parse(&t->params[i], e->value, &s->value[i], why, sizeof why))
                return bad(c, e, "%s", why, NULL);
            e->used = 1;
            return 0;
        }
    char known[256] = "";
    for (size_t i = 0; i < t->nparams; i++) {
        strncat(known, i ? ", " : "; it takes ", sizeof known - strlen(known) - 1);
        strncat(known, t->params[i].name, sizeof known - strlen(known) - 1);
    }
    return bad(c, e, "unknown key for strategy %s%s", t->name,
               t->nparams ? known : "; it takes no parameters");
}

/* A [prm] noise or estimate that applies to no component's model, or a component's own that its
** model does not read (prm_key_idle). */
static int prm_keys_check(ctx *c)
{
    const int t = settings_table("prm");
    const cs_experiment *ex = c->ex;
    for (size_t i = 0; i < c->r->ne; i++) {
        entry *e = &c->r->e[i];
        int global = strcmp(e->section, "prm") == 0;
        const cs_component *own = NULL;
        if (!global && strncmp(e->section, "population.", 11) == 0)
            for (size_t k = 0; k < ex->ncomp; k++)
                if (strcmp(ex->comp[k].name, e->section + 11) == 0)
                    own = &ex->comp[k];
        if (!global && !own)
            continue;
        for (size_t j = 0; j < cs_prm_nparams; j++) {
            const cs_param *p = &cs_prm_params[j];
            char name[64];
            snprintf(name, sizeof name, "%s%s", global ? "" : component_prefix(t, p), p->name);
            if (strcmp(name, e->key) != 0)
                continue;
            int idle = prm_key_idle_for(ex, global ? NULL : own, p);
            if (idle && p->offset == S(prm_estimate))
                return bad(c, e, "estimate (soft or hard) is the rollout PRM's: it needs model = "
                           "rollouts(k) (the Gaussian model scores a prefix's value plus noise)",
                           NULL, NULL);
            if (idle)
                return bad(c, e, "noise is the Gaussian PRM's: with model = rollouts(k) the error "
                           "comes from the k rollouts (soft estimate s.d. sqrt(V(1-V)/k))", NULL, NULL);
        }
    }
    return 0;
}

static int is_name(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_' || *s == '-'))
            return 0;
    return 1;
}

static int build(ctx *c)
{
    raw *r = c->r;
    cs_experiment *ex = c->ex;
    cs_error *err = c->err;

    /* Sections first: what they are, and the components and strategies they declare. */
    for (size_t i = 0; i < r->ns; i++) {
        section *s = &r->s[i];
        const char *n = s->name;
        if (strcmp(n, "experiment") == 0 && strcmp(s->file, "--set") != 0)
            ex->line = s->line;
        if (strcmp(n, "steps") == 0) {
            ex->stepped = 1;
            ex->steps_line = strcmp(s->file, "--set") ? s->line : 0;
        }
        if (strcmp(n, "experiment") == 0 || settings_table(n) >= 0)
            continue;
        if (cs_serving_section(&ex->serving, n, s->file, s->line))
            continue;
        if (strcmp(n, "calibrate") == 0) /* read by calibrate.c */
            continue;
        if (strcmp(n, "large_model") == 0) {
            ex->large.line = s->line;
            ex->large.p_kind = -1; /* p_correct is needed */
            (void)parse_ratios(DEFAULT_RATIOS, &ex->large);
            continue;
        }
        if (strncmp(n, "population.", 11) == 0) {
            if (!is_name(n + 11) || strlen(n + 11) >= CS_NAME_MAX)
                return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                    "[%s]: a component name is letters, digits, '_' or '-'", n);
            if (strcmp(n + 11, "all") == 0)
                return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                    "[%s]: 'all' names the whole population in results.csv; "
                                    "choose another component name", n);
            if (ex->ncomp == CS_MAX_COMPONENTS)
                return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                    "[%s]: at most %d population components", n, CS_MAX_COMPONENTS);
            cs_component *k = &ex->comp[ex->ncomp++];
            memset(k, 0, sizeof *k);
            snprintf(k->name, sizeof k->name, "%s", n + 11);
            k->weight = 1;
            k->p_kind = CS_P_FIXED;
            k->p = 0.5;
            k->wrong_kind = CS_WRONG_UNIFORM;
            k->line = s->line;
            continue;
        }
        if (strncmp(n, "strategy.", 9) == 0) {
            char tname[CS_NAME_MAX], label[CS_NAME_MAX] = "default";
            const char *colon = strchr(n + 9, ':');
            size_t len = colon ? (size_t)(colon - n - 9) : strlen(n + 9);
            if (len >= sizeof tname)
                len = sizeof tname - 1;
            memcpy(tname, n + 9, len);
            tname[len] = '\0';
            if (colon) {
                if (!is_name(colon + 1) || strlen(colon + 1) >= CS_NAME_MAX)
                    return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                        "[%s]: a setting label is letters, digits, '_' or '-'", n);
                snprintf(label, sizeof label, "%s", colon + 1);
            }
            const cs_strategy_type *t = cs_strategy_find(tname);
            if (!t) {
                char known[512] = "";
                for (size_t j = 0; j < cs_strategy_ntypes; j++) {
                    strncat(known, j ? ", " : "", sizeof known - strlen(known) - 1);
                    strncat(known, cs_strategy_types[j]->name, sizeof known - strlen(known) - 1);
                }
                return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                    "[%s]: unknown strategy '%s' (known: %s; see callscale list)", n,
                                    tname, known);
            }
            if (ex->nstrat == CS_MAX_STRATEGIES)
                return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                    "[%s]: at most %d strategies", n, CS_MAX_STRATEGIES);
            for (size_t j = 0; j < ex->nstrat; j++)
                if (ex->strat[j].type == t && strcmp(ex->strat[j].label, label) == 0)
                    return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                                        "[%s]: strategy %s with setting '%s' appears twice; give "
                                        "each setting its own label, as [strategy.%s:NAME]",
                                        n, tname, label, tname);
            cs_strategy *st = &ex->strat[ex->nstrat++];
            memset(st, 0, sizeof *st);
            st->type = t;
            snprintf(st->label, sizeof st->label, "%s", label);
            st->line = s->line;
            for (size_t j = 0; j < t->nparams; j++) {
                char why[128];
                if (cs_param_parse(&t->params[j], t->params[j].def, &st->value[j], why, sizeof why))
                    return cs_error_set(err, CS_ERR_INPUT, s->file, s->line, "internal: default %s",
                                        why);
            }
            continue;
        }
        return cs_error_set(err, CS_ERR_INPUT, s->file, s->line,
                            "unknown section [%s]; sections are [experiment], [generator], [judge], "
                            "[verifier], [revise], [steps], [prm], [population.NAME], [strategy.NAME], "
                            "[large_model], [serving], [serving.reward], [serving.judge] and "
                            "[arrivals]", n);
    }

    /* Global keys, then components (which start from the final global settings). */
    for (size_t i = 0; i < r->ne; i++) {
        entry *e = &r->e[i];
        if (e->section[0] == '\0')
            return cs_error_set(err, CS_ERR_INPUT, e->file, e->line,
                                "%s: key before any [section]", e->key);
        if (strcmp(e->section, "experiment") == 0) {
            if (experiment_key(c, e))
                return CS_ERR_INPUT;
        } else if (strcmp(e->section, "large_model") == 0) {
            if (large_model_key(c, e))
                return CS_ERR_INPUT;
        } else if (cs_serving_is_section(e->section)) {
            if (cs_serving_key(&ex->serving, e->section, e->key, e->value, e->file, e->line,
                               err))
                return CS_ERR_INPUT;
        } else if (settings_table(e->section) >= 0) {
            int rc = apply_setting(c, e, &ex->global, 0, NULL);
            if (rc < 0)
                return bad(c, e, "unknown key (see callscale --help for the keys of each section)",
                           NULL, NULL);
            if (rc)
                return rc;
        }
    }
    for (size_t k = 0; k < ex->ncomp; k++)
        ex->comp[k].set = ex->global;
    for (size_t i = 0; i < r->ne; i++) {
        entry *e = &r->e[i];
        if (strncmp(e->section, "population.", 11) == 0) {
            for (size_t k = 0; k < ex->ncomp; k++)
                if (strcmp(ex->comp[k].name, e->section + 11) == 0 && component_key(c, e, &ex->comp[k]))
                    return CS_ERR_INPUT;
        } else if (strncmp(e->section, "strategy.", 9) == 0) {
            const char *tn = e->section + 9, *colon = strchr(tn, ':');
            size_t len = colon ? (size_t)(colon - tn) : strlen(tn);
            const char *label = colon ? colon + 1 : "default";
            for (size_t k = 0; k < ex->nstrat; k++) {
                cs_strategy *st = &ex->strat[k];
                if (strlen(st->type->name) == len && strncmp(st->type->name, tn, len) == 0 &&
                    strcmp(st->label, label) == 0 && strategy_key(c, e, st))
                    return CS_ERR_INPUT;
            }
        }
    }
    resolve_settings(&ex->global);
    for (size_t k = 0; k < ex->ncomp; k++)
        resolve_settings(&ex->comp[k].set);

    /* Whole-experiment checks. */
    if (ex->ncomp == 0) {
        /* A file with no population is a single fixed-p component: a sensible default. */
        cs_component *k = &ex->comp[ex->ncomp++];
        memset(k, 0, sizeof *k);
        snprintf(k->name, sizeof k->name, "all-queries");
        k->weight = 1;
        k->p_kind = CS_P_FIXED;
        k->p = 0.5;
        k->set = ex->global;
    }
    double total = 0;
    for (size_t k = 0; k < ex->ncomp; k++)
        total += ex->comp[k].weight;
    if (!(total > 0) || !isfinite(total))
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->comp[0].line,
                            "[population.*] weight: the weights sum to %g; they must sum to a "
                            "positive number", total);
    for (size_t k = 0; k < ex->ncomp; k++)
        ex->comp[k].share = ex->comp[k].weight / total;
    if (ex->nstrat == 0) {
        cs_strategy *st = &ex->strat[ex->nstrat++];
        memset(st, 0, sizeof *st);
        st->type = cs_strategy_find("vote");
        snprintf(st->label, sizeof st->label, "default");
    }
    for (size_t s = 0; s < ex->nstrat; s++)
        if (ex->strat[s].type->needs_steps && !ex->stepped)
            return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->strat[s].line,
                                "[strategy.%s] searches over steps: the experiment needs a [steps] "
                                "section (e.g. steps = 8) and usually a [prm]", ex->strat[s].type->name);
    for (size_t k = 0; k < ex->ncomp; k++)
        if (ex->comp[k].set.steps_max < ex->comp[k].set.steps)
            return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->comp[k].line,
                                "[steps] steps_max = %g is below steps = %g%s%s", ex->comp[k].set.steps_max,
                                ex->comp[k].set.steps, ex->ncomp > 1 ? " for component " : "",
                                ex->ncomp > 1 ? ex->comp[k].name : "");
    if (ex->large.line && !(ex->large.params > 0))
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->large.line,
                            "[large_model] params: the larger model's parameters are needed (e.g. "
                            "params = 9.8e10)");
    if (ex->large.line && ex->large.p_kind < 0)
        return cs_error_set(err, CS_ERR_INPUT, ex->file, ex->large.line,
                            "[large_model] p_correct: the larger model's per-call accuracy is needed "
                            "(a number or beta(a,b))");
    if (cs_serving_check(&ex->serving, (double)ex->queries, ex->file, err))
        return CS_ERR_INPUT;
    for (size_t k = 0; k < ex->ncomp; k++) {
        cs_component *cp = &ex->comp[k];
        if (cp->data[0] && cs_logpop_attach(ex, cp, err))
            return CS_ERR_INPUT;
        if (cp->wrong_kind == CS_WRONG_ZIPF && ex->answers == 0 && !(cp->wrong_param > 1))
            return cs_error_set(err, CS_ERR_INPUT, ex->file, cp->line,
                                "[population.%s] wrong: zipf(%g) over an open answer space needs "
                                "s > 1 (otherwise the shares do not sum)",
                                cp->name, cp->wrong_param);
    }
    return prm_keys_check(c);
}

static void experiment_defaults(cs_experiment *ex, const char *path)
{
    memset(ex, 0, sizeof *ex);
    snprintf(ex->file, sizeof ex->file, "%s", path);
    const char *base = strrchr(path, '/');
    base = base ? base + 1 : path;
    snprintf(ex->name, sizeof ex->name, "%s", base);
    char *dot = strrchr(ex->name, '.');
    if (dot && dot != ex->name)
        *dot = '\0';
    ex->queries = 10000;
    ex->seed = 1;
    ex->answers = 2;
    ex->bins_kind = CS_BINS_COMPONENTS;
    char why[64];
    (void)cs_budgets_parse("1..64 x2", &ex->budgets, &ex->nbudgets, why, sizeof why);
    (void)set_defaults(&ex->global);
    cs_serving_defaults(&ex->serving);
}

/* What inih cannot be trusted to say: a NUL byte, other control characters (a binary file), and
** carriage returns that end lines alone (old Mac files, which inih reads as one long line). */
static int check_text(const char *text, size_t len, const char *path, cs_error *err)
{
    int line = 1;
    size_t col = 1;
    for (size_t i = 0; i < len; i++, col++) {
        unsigned char c = (unsigned char)text[i];
        if (c == '\n') {
            line++;
            col = 0;
        } else if (c == '\r' && (i + 1 == len || text[i + 1] != '\n')) {
            if (i + 1 == len)
                continue; /* a last line ending in CR alone is harmless */
            return cs_error_set(err, CS_ERR_INPUT, path, line, "a carriage return (CR) ends the line "
                                "without a newline at column %zu: lines must end in LF or CR LF "
                                "(convert with: tr '\\r' '\\n')", col);
        } else if (c == 0) {
            return cs_error_set(err, CS_ERR_INPUT, path, line, "a NUL byte at column %zu: is this "
                                "a binary file? An experiment file is text", col);
        } else if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f) {
            return cs_error_set(err, CS_ERR_INPUT, path, line, "byte 0x%02x at column %zu is a "
                                "control character: is this a binary file? An experiment file "
                                "is text", c, col);
        }
    }
    return 0;
}

static int load_experiment(cs_experiment *ex, const char *path, const char *text, size_t len,
                           const char *const *overrides, size_t noverrides, cs_error *err,
                           int from_text)
{
    experiment_defaults(ex, path);
    ex->from_text = from_text;
    raw r;
    memset(&r, 0, sizeof r);
    r.file = ex->file;
    r.text = r.at = text;
    r.end = text + len;
    if (check_text(text, len, path, err))
        return CS_ERR_INPUT;
    int rc = ini_parse_stream(reader, &r, handler, &r);
    if (!r.nomem && duplicate_key(&r))
        r.nomem = 1;
    if (r.nomem) {
        raw_free(&r);
        return cs_error_set(err, CS_ERR_NOMEM, path, 0, "out of memory");
    }
    if (r.err_line && (rc == 0 || r.err_line <= rc)) {
        raw_free(&r);
        return cs_error_set(err, CS_ERR_INPUT, path, r.err_line, "%s", r.err_msg);
    }
    if (rc == 0 && r.ns == 0 && r.ne == 0) {
        raw_free(&r);
        return cs_error_set(err, CS_ERR_INPUT, path, 0, "%s: the file holds no experiment (no "
                            "[section]; e.g. [experiment] and [population.NAME])",
                            len ? "only comments and blank lines" : "empty");
    }
    if (rc != 0) {
        raw_free(&r);
        return cs_error_set(err, CS_ERR_INPUT, path, rc,
                            "not INI syntax: expected [section], key = value, or a ; comment");
    }
    for (size_t i = 0; i < noverrides; i++) {
        const char *t = overrides[i];
        const char *eq = strchr(t, '=');
        const char *dot = NULL;
        for (const char *p = t; eq && p < eq; p++)
            if (*p == '.')
                dot = p;
        if (!eq || !dot || dot == t || dot + 1 == eq) {
            raw_free(&r);
            return cs_error_set(err, CS_ERR_INPUT, "--set", (int)i + 1,
                                "'%.200s' is not section.key=value (e.g. "
                                "population.easy.p_correct=0.9)", t);
        }
        /* one allocation holds "section\0key\0" */
        char *sec = malloc((size_t)(eq - t) + 1);
        if (!sec) {
            raw_free(&r);
            return cs_error_set(err, CS_ERR_NOMEM, path, 0, "out of memory");
        }
        memcpy(sec, t, (size_t)(eq - t));
        sec[dot - t] = '\0';
        sec[eq - t] = '\0';
        const char *key = sec + (dot - t) + 1;
        /* --set changes an experiment; it does not add components or strategies, so a misspelt
        ** name is an error rather than a new component of weight 1 */
        if ((strncmp(sec, "population.", 11) == 0 || strncmp(sec, "strategy.", 9) == 0) &&
            !find_section(&r, sec)) {
            raw_free(&r);
            int rc2 = cs_error_set(err, CS_ERR_INPUT, "--set", (int)i + 1,
                                   "%.200s: %s has no section [%.200s]", t, path, sec);
            free(sec);
            return rc2;
        }
        int bad_add = add_section(&r, sec, "--set", (int)i + 1) ||
                      add_entry(&r, sec, key, eq + 1, "--set", (int)i + 1);
        free(sec);
        if (bad_add) {
            raw_free(&r);
            return cs_error_set(err, CS_ERR_NOMEM, path, 0, "out of memory");
        }
    }
    ctx c = {&r, ex, err};
    rc = build(&c);
    raw_free(&r);
    return rc;
}

/* A name (a path) the records cannot hold is refused, not truncated. */
static int name_too_long(cs_experiment *ex, const char *name, cs_error *err)
{
    if (strlen(name) <= CS_PATH_LONGEST)
        return 0;
    memset(ex, 0, sizeof *ex);
    cs_error_set(err, CS_ERR_INPUT, NULL, 0, "the experiment file's path is longer than %d characters",
                 CS_PATH_LONGEST);
    return 1;
}

int cs_experiment_load_text(cs_experiment *ex, const char *name, const char *text, size_t len,
                            const char *const *overrides, size_t noverrides, cs_error *err)
{
    if (name_too_long(ex, name, err))
        return CS_ERR_INPUT;
    int rc = load_experiment(ex, name, text, len, overrides, noverrides, err, 1);
    if (rc)
        cs_experiment_free(ex); /* the defaults own a budget list even when the file is bad */
    return rc;
}

/* Read a whole file into memory, refusing more than CS_EXPERIMENT_MAX_BYTES (so /dev/zero or an
** endless pipe ends with an error instead of running forever). */
static int read_whole(const char *path, char **out, size_t *len, cs_error *err)
{
    FILE *f = fopen(path, "r");
    if (!f)
        return cs_error_set(err, CS_ERR_IO, path, 0, "cannot open experiment file: %s",
                            strerror(errno));
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    int rc = buf ? 0 : CS_ERR_NOMEM;
    while (!rc) {
        if (n == cap) {
            if (cap >= CS_EXPERIMENT_MAX_BYTES) {
                rc = cs_error_set(err, CS_ERR_INPUT, path, 0,
                                  "larger than %d MiB: not an experiment file",
                                  CS_EXPERIMENT_MAX_BYTES >> 20);
                break;
            }
            char *b = realloc(buf, 2 * cap);
            if (!b) {
                rc = CS_ERR_NOMEM;
                break;
            }
            buf = b;
            cap *= 2;
        }
        size_t got = fread(buf + n, 1, cap - n, f);
        n += got;
        if (got == 0) {
            if (ferror(f))
                rc = cs_error_set(err, CS_ERR_IO, path, 0, "cannot read experiment file: %s",
                                  strerror(errno));
            break;
        }
    }
    fclose(f);
    if (rc == CS_ERR_NOMEM)
        cs_error_set(err, rc, path, 0, "out of memory");
    if (rc) {
        free(buf);
        return rc;
    }
    *out = buf;
    *len = n;
    return 0;
}

int cs_experiment_load(cs_experiment *ex, const char *path, const char *const *overrides,
                       size_t noverrides, cs_error *err)
{
    char *text = NULL;
    size_t len = 0;
    if (name_too_long(ex, path, err))
        return CS_ERR_INPUT;
    int rc = read_whole(path, &text, &len, err);
    if (rc) {
        memset(ex, 0, sizeof *ex);
        return rc;
    }
    rc = load_experiment(ex, path, text, len, overrides, noverrides, err, 0);
    if (rc)
        cs_experiment_free(ex); /* the defaults own a budget list even when the file is bad */
    free(text);
    return rc;
}

void cs_experiment_free(cs_experiment *ex)
{
    for (size_t k = 0; k < ex->ncomp && k < CS_MAX_COMPONENTS; k++) {
        cs_logpop_free(ex->comp[k].logpop);
        ex->comp[k].logpop = NULL;
    }
    free(ex->budgets);
    ex->budgets = NULL;
    ex->nbudgets = 0;
}

size_t cs_experiment_nbins(const cs_experiment *ex)
{
    return ex->bins_kind == CS_BINS_COMPONENTS ? ex->ncomp : (size_t)ex->nquantiles;
}

void cs_experiment_bin_name(const cs_experiment *ex, size_t bin, char *buf, size_t n)
{
    if (ex->bins_kind == CS_BINS_COMPONENTS)
        snprintf(buf, n, "%s", ex->comp[bin].name);
    else
        snprintf(buf, n, "q%zu", bin + 1);
}

/* ---- config.ini -------------------------------------------------------------------------- */

static void write_settings(FILE *f, const cs_experiment *ex, const cs_component *own, int t)
{
    const cs_settings *set = own ? &own->set : &ex->global, *global = &ex->global;
    int in_component = own != NULL;
    unsigned mask = own ? own->overridden : 0;
    unsigned bit = 0;
    for (int u = 0; u < t; u++)
        bit += (unsigned)*settings_tables[u].n;
    for (size_t i = 0; i < *settings_tables[t].n; i++, bit++) {
        const cs_param *p = &settings_tables[t].rows[i];
        double value = *(const double *)((const char *)set + p->offset);
        /* also write what differs without being set here: judge tokens that follow the
        ** component's own generator */
        if (in_component && !(mask & (1u << bit)) &&
            value == *(const double *)((const char *)global + p->offset))
            continue;
        if (prm_key_idle_for(ex, own, p))
            continue;
        char v[64];
        cs_param_format(p, value, v, sizeof v);
        fprintf(f, "%s%s = %s\n", in_component ? component_prefix(t, p) : "", p->name, v);
    }
}

int cs_experiment_write(const cs_experiment *ex, FILE *f)
{
    fprintf(f, "; effective configuration of %s: overrides applied, defaults filled in\n", ex->file);
    fprintf(f, "[experiment]\nname = %s\nqueries = %llu\nseed = %llu\nbudgets = ", ex->name,
            (unsigned long long)ex->queries, (unsigned long long)ex->seed);
    for (size_t i = 0; i < ex->nbudgets; i++)
        fprintf(f, "%s%zu", i ? "," : "", ex->budgets[i]);
    fprintf(f, "\n");
    if (ex->answers)
        fprintf(f, "answers = %d\n", ex->answers);
    else
        fprintf(f, "answers = open\n");
    if (ex->bins_kind == CS_BINS_COMPONENTS)
        fprintf(f, "bins = components\n");
    else
        fprintf(f, "bins = quantiles:%d\n", ex->nquantiles);
    static const char *const samplers[] = {"auto", "per_sample", "multinomial"};
    fprintf(f, "sampler = %s\n", samplers[ex->sampler]);
    for (int t = 0; t < (int)NELEM(settings_tables); t++) {
        if (!ex->stepped && t >= STEP_TABLES)
            continue; /* [steps] makes an experiment stepped: write it only for one that is */
        fprintf(f, "\n[%s]\n", settings_tables[t].section);
        write_settings(f, ex, NULL, t);
    }
    for (size_t k = 0; k < ex->ncomp; k++) {
        const cs_component *c = &ex->comp[k];
        fprintf(f, "\n[population.%s]\nweight = %.15g\n", c->name, c->weight);
        if (c->data[0])
            fprintf(f, "data = %s\ndraw = %s\n", c->data,
                    c->draw == CS_DRAW_SUBSAMPLE ? "subsample" : "replace");
        else if (c->p_kind == CS_P_FIXED)
            fprintf(f, "p_correct = %.15g\n", c->p);
        else
            fprintf(f, "p_correct = beta(%.15g,%.15g)\n", c->a, c->b);
        if (c->wrong_kind == CS_WRONG_UNIFORM)
            fprintf(f, "wrong = uniform\n");
        else
            fprintf(f, "wrong = %s(%.15g)\n", c->wrong_kind == CS_WRONG_ZIPF ? "zipf" : "dirichlet",
                    c->wrong_param);
        for (int t = 0; t < (int)NELEM(settings_tables); t++)
            if (ex->stepped || t < STEP_TABLES)
                write_settings(f, ex, c, t);
    }
    if (ex->large.line) {
        const cs_large_model *m = &ex->large;
        fprintf(f, "\n[large_model]\nparams = %.15g\n", m->params);
        if (m->p_kind == CS_P_FIXED)
            fprintf(f, "p_correct = %.15g\n", m->p);
        else
            fprintf(f, "p_correct = beta(%.15g,%.15g)\n", m->a, m->b);
        fprintf(f, "ratios = ");
        for (size_t i = 0; i < m->nratio; i++)
            fprintf(f, "%s%.15g", i ? ", " : "", m->ratio[i]);
        fprintf(f, "\n");
    }
    cs_serving_write(&ex->serving, f);
    for (size_t s = 0; s < ex->nstrat; s++) {
        const cs_strategy *st = &ex->strat[s];
        if (strcmp(st->label, "default") == 0)
            fprintf(f, "\n[strategy.%s]\n", st->type->name);
        else
            fprintf(f, "\n[strategy.%s:%s]\n", st->type->name, st->label);
        for (size_t i = 0; i < st->type->nparams; i++) {
            char v[64];
            cs_param_format(&st->type->params[i], st->value[i], v, sizeof v);
            fprintf(f, "%s = %s\n", st->type->params[i].name, v);
        }
    }
    return ferror(f) ? CS_ERR_IO : 0;
}
