/*
** Experiment files as text: inih reads sections and key = value entries with their line numbers
** (long lines, indented lines and bad bytes handled first), and --set overrides join them.
*/
#include <ctype.h>
#include <errno.h>
#include <ini.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "callscale/inifile.h"
#include "grow.h"

/* Far more sections than any experiment has (components and strategies are capped well below):
** a bound that keeps the linear section look-ups fast on any input. */
#define SECTIONS_MAX 1000

/* Marks a value kept aside in r->longval (a control character: the text has none). */
#define LONG_VALUE '\001'

static void ini_fail(cs_inifile *r, int line, const char *fmt, const char *a, int b)
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

static cs_inifile_section *find_section(cs_inifile *r, const char *name)
{
    for (size_t i = 0; i < r->ns; i++)
        if (strcmp(r->s[i].name, name) == 0)
            return &r->s[i];
    return NULL;
}

static int add_section(cs_inifile *r, const char *name, const char *file, int line)
{
    const cs_inifile_section *old = find_section(r, name);
    if (old && old->file == r->file && file == r->file)
        ini_fail(r, line, "[%.120s] appears twice, on line %d and here: write its keys in one "
                 "section", name, old->line);
    if (old)
        return 0;
    if (r->ns == SECTIONS_MAX) {
        ini_fail(r, line, "more than %s%d sections: not an experiment file", "", SECTIONS_MAX);
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

static int add_entry(cs_inifile *r, const char *sec, const char *key, const char *value, const char *file,
                     int line)
{
    if (cs_grow(&r->e, &r->cape, r->ne, sizeof *r->e))
        return -1;
    cs_inifile_entry *e = &r->e[r->ne];
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

void cs_inifile_free(cs_inifile *r)
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
static void long_line(cs_inifile *r, const char *line, size_t len, char *str, int num)
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
        ini_fail(r, r->line, "a line of %s%d characters that is not key = value: keys and "
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
    cs_inifile *r = stream;
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
    cs_inifile *r = user;
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
    const cs_inifile_entry *a = *(const cs_inifile_entry *const *)x, *b = *(const cs_inifile_entry *const *)y;
    int c = strcmp(a->section, b->section);
    if (!c)
        c = strcmp(a->key, b->key);
    return c ? c : (a->line > b->line) - (a->line < b->line);
}

/* A key the file gives twice in one section is an error at its second line (the earliest such
** in the file), naming the first; sorting keeps this fast on any input. */
static int duplicate_key(cs_inifile *r)
{
    if (r->ne < 2)
        return 0;
    const cs_inifile_entry **v = malloc(r->ne * sizeof *v);
    if (!v)
        return -1;
    for (size_t i = 0; i < r->ne; i++)
        v[i] = &r->e[i];
    qsort(v, r->ne, sizeof *v, by_key);
    const cs_inifile_entry *first = NULL, *second = NULL;
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
            ini_fail(r, second->line, "%s is given twice, on line %d and here: keep one", what,
                     first->line);
    }
    free(v);
    return 0;
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

const cs_inifile_section *cs_inifile_section_find(const cs_inifile *r, const char *name)
{
    for (size_t i = 0; i < r->ns; i++)
        if (strcmp(r->s[i].name, name) == 0)
            return &r->s[i];
    return NULL;
}

int cs_inifile_read(cs_inifile *r, const char *file, const char *text, size_t len, cs_error *err)
{
    memset(r, 0, sizeof *r);
    r->file = file;
    r->text = r->at = text;
    r->end = text + len;
    if (check_text(text, len, file, err))
        return CS_ERR_INPUT;
    int rc = ini_parse_stream(reader, r, handler, r);
    if (!r->nomem && duplicate_key(r))
        r->nomem = 1;
    if (r->nomem)
        return cs_error_set(err, CS_ERR_NOMEM, file, 0, "out of memory");
    if (r->err_line && (rc == 0 || r->err_line <= rc))
        return cs_error_set(err, CS_ERR_INPUT, file, r->err_line, "%s", r->err_msg);
    if (rc == 0 && r->ns == 0 && r->ne == 0)
        return cs_error_set(err, CS_ERR_INPUT, file, 0, "%s: the file holds no experiment (no "
                            "[section]; e.g. [experiment] and [population.NAME])",
                            len ? "only comments and blank lines" : "empty");
    if (rc != 0)
        return cs_error_set(err, CS_ERR_INPUT, file, rc,
                            "not INI syntax: expected [section], key = value, or a ; comment");
    return 0;
}

int cs_inifile_override(cs_inifile *r, const char *const *overrides, size_t noverrides,
                        const char *const *closed, size_t nclosed, cs_error *err)
{
    const char *path = r->file;
    for (size_t i = 0; i < noverrides; i++) {
        const char *t = overrides[i];
        const char *eq = strchr(t, '=');
        const char *dot = NULL;
        for (const char *p = t; eq && p < eq; p++)
            if (*p == '.')
                dot = p;
        if (!eq || !dot || dot == t || dot + 1 == eq)
            return cs_error_set(err, CS_ERR_INPUT, "--set", (int)i + 1,
                                "'%.200s' is not section.key=value (e.g. "
                                "population.easy.p_correct=0.9)", t);
        /* one allocation holds "section\0key\0" */
        char *sec = malloc((size_t)(eq - t) + 1);
        if (!sec)
            return cs_error_set(err, CS_ERR_NOMEM, path, 0, "out of memory");
        memcpy(sec, t, (size_t)(eq - t));
        sec[dot - t] = '\0';
        sec[eq - t] = '\0';
        const char *key = sec + (dot - t) + 1;
        /* a misspelt component or strategy is an error rather than a new one of defaults */
        int is_closed = 0;
        for (size_t j = 0; j < nclosed; j++)
            is_closed |= strncmp(sec, closed[j], strlen(closed[j])) == 0;
        if (is_closed && !find_section(r, sec)) {
            int rc = cs_error_set(err, CS_ERR_INPUT, "--set", (int)i + 1,
                                  "%.200s: %s has no section [%.200s]", t, path, sec);
            free(sec);
            return rc;
        }
        int bad_add = add_section(r, sec, "--set", (int)i + 1) ||
                      add_entry(r, sec, key, eq + 1, "--set", (int)i + 1);
        free(sec);
        if (bad_add)
            return cs_error_set(err, CS_ERR_NOMEM, path, 0, "out of memory");
    }
    return 0;
}

int cs_inifile_slurp(const char *path, size_t max, char **out, size_t *len, cs_error *err)
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
            if (cap >= max) {
                rc = cs_error_set(err, CS_ERR_INPUT, path, 0,
                                  "larger than %d MiB: not an experiment file", (int)(max >> 20));
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

