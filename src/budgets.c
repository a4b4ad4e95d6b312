/*
** The budget grammar: budgets = 1,3,5 (a list) or FIRST..LAST +STEP / xFACTOR (a range), read
** into a strictly increasing array, with a message that shows the syntax when it is wrong.
*/
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include "callscale/budgets.h"
#include "grow.h"
#include "number.h"

static const char *skip_space(const char *p)
{
    while (isspace((unsigned char)*p))
        p++;
    return p;
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
