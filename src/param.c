/*
** Parameter rows: parsing and formatting one value.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/param.h"
#include "number.h"

/* The word of the form NAME(k) in param's words, as its length up to and including '(' (so
** "rollouts(k)" gives 9), or 0 when there is none. */
static size_t call_word(const cs_param *param, const char **name)
{
    for (const char *w = param->word; w && *w;) {
        size_t wl = strcspn(w, "|");
        if (wl > 3 && strncmp(w + wl - 3, "(k)", 3) == 0) {
            *name = w;
            return wl - 2;
        }
        w += wl + (w[wl] == '|' ? 1 : 0);
    }
    return 0;
}

/* A number as text (up to end_at) for param, called `name` in messages: in range, whole when it
** must be. */
static int parse_number(const cs_param *param, const char *name, const char *text,
                        const char *end_at, double *out, char *why, size_t n)
{
    double v;
    size_t used;
    int bad = cs_number_real_prefix(text, &v, &used);
    if (bad == -2) {
        snprintf(why, n, "%s = %.*s is out of range", name, (int)(end_at - text), text);
        return -1;
    }
    if (bad || text + used != end_at) {
        snprintf(why, n, "'%.*s' is not a number", (int)(end_at - text), text);
        return -1;
    }
    if (param->integer && v != floor(v)) {
        snprintf(why, n, "'%.*s' is not a whole number", (int)(end_at - text), text);
        return -1;
    }
    if (v < param->lo || v > param->hi) {
        snprintf(why, n, "%s = %.*s is outside [%g, %g]", name, (int)(end_at - text), text,
                 param->lo, param->hi);
        return -1;
    }
    *out = v;
    return 0;
}

int cs_param_parse(const cs_param *param, const char *text, double *out, char *why, size_t n)
{
    int numbers = param->lo <= param->hi;
    const char *name;
    size_t call = call_word(param, &name);
    if (call && strncmp(text, name, call) == 0) {
        size_t len = strlen(text);
        if (len == call || text[len - 1] != ')') {
            snprintf(why, n, "'%s' is not %.*sk) with a number k", text, (int)call, name);
            return -1;
        }
        char inner[64];
        if (parse_number(param, "k", text + call, text + len - 1, out, inner, sizeof inner)) {
            snprintf(why, n, "%s: %s", text, inner);
            return -1;
        }
        return 0;
    }
    if (call)
        numbers = 0; /* the number goes in the parentheses */
    if (param->word) {
        size_t len = strlen(text);
        int i = 0;
        for (const char *w = param->word; *w; i++) {
            const char *bar = strchr(w, '|');
            size_t wl = bar ? (size_t)(bar - w) : strlen(w);
            if (wl == len && strncmp(w, text, len) == 0) {
                *out = -(double)(i + 1);
                return 0;
            }
            w += wl + (bar ? 1 : 0);
        }
    }
    double v = 0;
    int bad = numbers ? cs_number_real(text, &v) : -1;
    if (bad == -2 && numbers) {
        snprintf(why, n, "%s = %s is out of range", param->name, text);
        return -1;
    }
    if (bad) {
        if (numbers)
            snprintf(why, n, "'%s' is not a number%s%s", text, param->word ? " or " : "",
                     param->word ? param->word : "");
        else
            snprintf(why, n, "'%s' is not one of %s", text, param->word);
        return -1;
    }
    return parse_number(param, param->name, text, text + strlen(text), out, why, n);
}

void cs_param_format(const cs_param *param, double value, char *buf, size_t n)
{
    int i = param->word ? cs_param_word(value) : -1;
    const char *name;
    size_t call = call_word(param, &name);
    if (i < 0 && call) {
        snprintf(buf, n, "%.*s%.15g)", (int)call, name, value);
    } else if (i >= 0) {
        const char *w = param->word;
        for (int k = 0; k < i && w; k++) {
            w = strchr(w, '|');
            w = w ? w + 1 : NULL;
        }
        size_t wl = w ? strcspn(w, "|") : 0;
        snprintf(buf, n, "%.*s", (int)wl, w ? w : "");
    } else
        snprintf(buf, n, "%.15g", value);
}
