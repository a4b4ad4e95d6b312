/*
** Parameter rows: parsing and formatting one value.
*/
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/param.h"

int cs_param_parse(const cs_param *param, const char *text, double *out, char *why, size_t n)
{
    if (param->word && strcmp(text, param->word) == 0) {
        *out = NAN;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (end == text || *end != '\0' || errno == ERANGE || !isfinite(v)) {
        snprintf(why, n, "'%s' is not a number%s%s", text, param->word ? " or " : "",
                 param->word ? param->word : "");
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
    if (isnan(value) && param->word)
        snprintf(buf, n, "%s", param->word);
    else
        snprintf(buf, n, "%.15g", value);
}
