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

int cs_param_parse(const cs_param *param, const char *text, double *out, char *why, size_t n)
{
    int numbers = param->lo <= param->hi;
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
    if (param->integer && v != floor(v)) {
        snprintf(why, n, "'%s' is not a whole number", text);
        return -1;
    }
    if (v < param->lo || v > param->hi) {
        snprintf(why, n, "%s = %s is outside [%g, %g]", param->name, text, param->lo, param->hi);
        return -1;
    }
    *out = v;
    return 0;
}

void cs_param_format(const cs_param *param, double value, char *buf, size_t n)
{
    int i = param->word ? cs_param_word(value) : -1;
    if (i >= 0) {
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
