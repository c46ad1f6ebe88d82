/*
 * load_json.c: JSON facts as a row source of `vouch load` (load_int.h).
 *
 * Two layouts: a JSON array of objects (a .json file), and JSON Lines (a
 * .jsonl file: one object per line, blank lines skipped). Each object is
 * one record; its keys name declared fields of the table, each at most
 * once. A key that is not a field is an error (as an unknown CSV column
 * is), and so is a field holding an object or an array; a field the object
 * lacks is none (LOAD_MISSING: an error for a required field, which
 * load_check.c reports). Values keep their JSON type for the checks.
 *
 * The file streams: a small scanner of our own finds where each record
 * starts and ends (strings, escapes and nesting; nothing more) and where
 * each of its top-level keys stands, and jansson decodes the record alone
 * (duplicate keys rejected). So memory holds one record (at most
 * VOUCH_MAX_CSV_RECORD_BYTES, the CSV limit), and every message names
 * FILE:LINE:COLUMN: a syntax error where jansson found it, a value at its
 * key, a missing field at the record's `{`. Columns count characters, as
 * jansson's do.
 */
#include <stdio.h>
#include <string.h>
#include <jansson.h>
#include "load_int.h"
#include "alloc.h"
#include "closest.h"
#include "vouch_limits.h"

/* A top-level key of the current record: its raw bytes (between the
 * quotes, escapes as written) and where it stands. */
typedef struct jkey {
    size_t off, len;
    uint64_t line, col;
} jkey;

typedef struct jsrc {
    load_source src;        /* first: the source is the reader */
    FILE *fp;
    const char *file;
    const vouch_table_decl *t;
    int lines;              /* 1: JSON Lines */
    unsigned char buf[1 << 16];
    size_t len, pos;
    uint64_t line, col;     /* of the next byte, 1-based */
    int state;              /* JS_* */
    /* the current record */
    char *rec;
    size_t rlen, rcap;
    uint64_t rline, rcol;   /* where its `{` is */
    jkey *keys;
    uint32_t nkeys, kcap;
    json_t *obj;
    load_cell *cells;       /* one per declared column */
    char (*num)[32];        /* the text of number cells */
    load_cell *names;       /* the header: every declared column */
} jsrc;

enum { JS_START, JS_IN, JS_END };

static int jfill(jsrc *r)
{
    r->len = fread(r->buf, 1, sizeof r->buf, r->fp);
    r->pos = 0;
    return r->len > 0;
}

static int jpeek(jsrc *r)
{
    if (r->pos == r->len && !jfill(r))
        return -1;
    return r->buf[r->pos];
}

static int jget(jsrc *r)
{
    if (r->pos == r->len && !jfill(r))
        return -1;
    int c = r->buf[r->pos++];
    if (c == '\n') {
        r->line++;
        r->col = 1;
    } else if ((c & 0xc0) != 0x80) {
        r->col++;
    }
    return c;
}

/* Skips blank space; with stop_at_newline (JSON Lines, after a record) a
 * newline ends the skip and is consumed: returns 1 if one was. */
static int skip_space(jsrc *r, int stop_at_newline)
{
    int c;
    while ((c = jpeek(r)) == ' ' || c == '\t' || c == '\r' || c == '\n') {
        jget(r);
        if (c == '\n' && stop_at_newline)
            return 1;
    }
    return 0;
}

/* Shows byte c in a message. */
static const char *shown_byte(int c, char out[16])
{
    if (c < 0)
        return "the end of the file";
    if (c >= 32 && c < 127)
        snprintf(out, 16, "`%c`", c);
    else
        snprintf(out, 16, "byte %u", (unsigned)c);
    return out;
}

/* "FILE:LINE:COL: error: BYTE WHAT" at the reader's position, c the byte
 * found there (-1: the end of the file), for the array's and the lines'
 * structure. Returns -1, the reader's error. */
static int unexpected(const jsrc *r, lerr *e, int c, const char *what)
{
    char sh[16];
    lerr_add(e, "%s:%llu:%llu: error: %s %s", r->file, (unsigned long long)r->line,
             (unsigned long long)r->col, shown_byte(c, sh), what);
    return -1;
}

static int radd(jsrc *r, int c)
{
    if (r->rlen == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 1024;
        char *p = vouch_realloc(r->rec, cap);
        if (!p)
            return -2;
        r->rec = p;
        r->rcap = cap;
    }
    r->rec[r->rlen++] = (char)c;
    return 0;
}

static int add_key(jsrc *r, size_t off, uint64_t line, uint64_t col)
{
    if (r->nkeys == r->kcap) {
        uint32_t cap = r->kcap ? r->kcap * 2 : 16;
        jkey *k = vouch_realloc(r->keys, cap * sizeof *k);
        if (!k)
            return -2;
        r->keys = k;
        r->kcap = cap;
    }
    r->keys[r->nkeys++] = (jkey){off, 0, line, col};
    return 0;
}

/* Reads the bytes of one record, from its `{` (the next byte) to the
 * matching `}`, into r->rec, noting its top-level keys. 1, -1 after
 * reporting, -2 out of memory. */
static int scan_record(jsrc *r, lerr *e)
{
    r->rlen = 0;
    r->nkeys = 0;
    r->rline = r->line;
    r->rcol = r->col;
    int depth = 0, in_str = 0, esc = 0, key_next = 0, in_key = 0;
    for (;;) {
        uint64_t line = r->line, col = r->col;
        int c = jget(r);
        if (c < 0) {
            lerr_add(e, "%s:%llu:%llu: error: the file ended inside the record that starts here "
                     "(a `}` is missing)", r->file, (unsigned long long)r->rline,
                     (unsigned long long)r->rcol);
            return -1;
        }
        if (r->rlen >= VOUCH_MAX_CSV_RECORD_BYTES) {
            lerr_add(e, "%s:%llu:%llu: error: a record of more than %u bytes (the limit of one "
                     "record)", r->file, (unsigned long long)r->rline, (unsigned long long)r->rcol,
                     VOUCH_MAX_CSV_RECORD_BYTES);
            return -1;
        }
        if (c == '\n' && r->lines && !in_str) {
            lerr_add(e, "%s:%llu:%llu: error: the record that starts here does not end on its "
                     "line (JSON Lines: one object per line)", r->file,
                     (unsigned long long)r->rline, (unsigned long long)r->rcol);
            return -1;
        }
        if (radd(r, c) != 0)
            return -2;
        if (in_str) {
            if (esc)
                esc = 0;
            else if (c == '\\')
                esc = 1;
            else if (c == '"') {
                in_str = 0;
                if (in_key) {
                    r->keys[r->nkeys - 1].len = r->rlen - 1 - r->keys[r->nkeys - 1].off;
                    in_key = 0;
                }
            } else if (c == '\n') {
                /* a raw line break in a string: jansson says so, with
                 * where; stop here so the scan does not run on */
                return 1;
            }
            continue;
        }
        switch (c) {
        case '"':
            in_str = 1;
            if (depth == 1 && key_next) {
                if (add_key(r, r->rlen, line, col) != 0)
                    return -2;
                in_key = 1;
            }
            key_next = 0;
            break;
        case '{':
        case '[':
            depth++;
            key_next = depth == 1;
            break;
        case '}':
        case ']':
            if (--depth <= 0)
                return 1;
            break;
        case ',':
            key_next = depth == 1;
            break;
        case ' ': case '\t': case '\r': case '\n':
            break;
        default:
            key_next = 0;
        }
    }
}

/* Finds the start of the next record: 1 (the next byte is its `{`), 0 at
 * the end, -1 after reporting. */
static int next_start(jsrc *r, lerr *e)
{
    int c;
    if (r->lines) {
        if (r->state == JS_IN) {
            /* the rest of the last record's line is blank */
            int nl = skip_space(r, 1);
            c = jpeek(r);
            if (!nl && c >= 0)
                return unexpected(r, e, c, "after a record (JSON Lines: one object per line)");
        }
        r->state = JS_IN;
        skip_space(r, 0);
        c = jpeek(r);
        if (c < 0)
            return 0;
        if (c != '{')
            return unexpected(r, e, c, "where a record starts (JSON Lines: one object "
                                       "`{...}` per line)");
        return 1;
    }
    skip_space(r, 0);
    c = jpeek(r);
    if (r->state == JS_START) {
        if (c < 0) {
            lerr_add(e, "%s:%llu: error: empty file: a JSON facts file is an array of objects, "
                     "`[{...}, {...}]` (`[]` for none)", r->file, (unsigned long long)r->line);
            return -1;
        }
        if (c != '[')
            return unexpected(r, e, c, "where the file starts: a JSON facts file is an "
                                       "array of objects, `[{...}, {...}]`");
        jget(r);
        skip_space(r, 0);
        c = jpeek(r);
        r->state = JS_IN;
        if (c == ']') {
            jget(r);
            r->state = JS_END;
        }
    } else if (r->state == JS_IN) {
        if (c == ']') {
            jget(r);
            r->state = JS_END;
        } else if (c == ',') {
            jget(r);
            skip_space(r, 0);
            c = jpeek(r);
        } else {
            return unexpected(r, e, c, "after a record: `,` or `]` expected");
        }
    }
    if (r->state == JS_END) {
        skip_space(r, 0);
        c = jpeek(r);
        if (c >= 0)
            return unexpected(r, e, c, "after the array's `]`");
        return 0;
    }
    if (c != '{')
        return unexpected(r, e, c, "where a record starts: each element of the "
                                   "array is an object `{...}`");
    return 1;
}

/* The key of column name, among the current record's keys, or NULL. */
static const jkey *key_of(const jsrc *r, const char *name)
{
    size_t n = strlen(name);
    for (uint32_t k = 0; k < r->nkeys; k++)
        if (r->keys[k].len == n && memcmp(r->rec + r->keys[k].off, name, n) == 0)
            return &r->keys[k];
    return NULL;
}

/* The cells of the decoded record r->obj, its unknown keys reported (the
 * loader still checks the cells it has, so one pass names every problem
 * of the record). */
static void record_cells(jsrc *r, lerr *e)
{
    const vouch_table_decl *t = r->t;
    for (uint32_t i = 0; i < t->ncolumns; i++)
        r->cells[i] = (load_cell){"", 0, LOAD_MISSING};
    const char *key;
    json_t *v;
    json_object_foreach(r->obj, key, v) {
        uint32_t ci = 0;
        while (ci < t->ncolumns && strcmp(t->columns[ci].name, key) != 0)
            ci++;
        if (ci == t->ncolumns) {
            const jkey *k = key_of(r, key);
            char sh[48];
            const char *dym = t->ncolumns ? vouch_closest(key, strlen(key), &t->columns[0].name,
                                                          sizeof t->columns[0], t->ncolumns,
                                                          VOUCH_CLOSEST_FOLD)
                                          : NULL;
            lerr_add(e, "%s:%llu:%llu: error: `%s` is not a field of `%s`%s%s%s", r->file,
                     (unsigned long long)(k ? k->line : r->rline),
                     (unsigned long long)(k ? k->col : r->rcol),
                     load_shown(key, strlen(key), sh), t->name, dym ? "; did you mean `" : "",
                     dym ? dym : "", dym ? "`?" : "");
            continue;
        }
        load_cell *c = &r->cells[ci];
        switch (json_typeof(v)) {
        case JSON_STRING:
            *c = (load_cell){json_string_value(v), json_string_length(v), LOAD_JSTRING};
            break;
        case JSON_INTEGER:
            snprintf(r->num[ci], sizeof r->num[ci], "%" JSON_INTEGER_FORMAT, json_integer_value(v));
            *c = (load_cell){r->num[ci], strlen(r->num[ci]), LOAD_JINT};
            break;
        case JSON_REAL: {
            /* shown as a real even when integral (1.0 is not an int:
             * the exporter said it was a fraction) */
            char *txt = r->num[ci];
            snprintf(txt, sizeof r->num[ci] - 2, "%.17g", json_real_value(v));
            if (!strpbrk(txt, ".eEn"))
                strcat(txt, ".0");
            *c = (load_cell){txt, strlen(txt), LOAD_JREAL};
            break;
        }
        case JSON_TRUE:
            *c = (load_cell){"true", 4, LOAD_JBOOL};
            break;
        case JSON_FALSE:
            *c = (load_cell){"false", 5, LOAD_JBOOL};
            break;
        case JSON_NULL:
            *c = (load_cell){"", 0, LOAD_NULL};
            break;
        case JSON_OBJECT:
            *c = (load_cell){"", 0, LOAD_JOBJECT};
            break;
        case JSON_ARRAY:
            *c = (load_cell){"", 0, LOAD_JARRAY};
            break;
        }
    }
}

/* ---- the source ------------------------------------------------------------ */

static int json_header(load_source *s, lerr *e, const load_cell **names, uint32_t *n)
{
    jsrc *r = (jsrc *)s;
    (void)e;
    *names = r->names;
    *n = r->t->ncolumns;
    return 1;
}

static int json_next(load_source *s, lerr *e, const load_cell **cells, uint32_t *n)
{
    jsrc *r = (jsrc *)s;
    if (r->obj) {
        json_decref(r->obj);
        r->obj = NULL;
    }
    int got = next_start(r, e);
    if (got <= 0)
        return got;
    if ((got = scan_record(r, e)) != 1)
        return got;
    json_error_t je;
    r->obj = json_loadb(r->rec, r->rlen, JSON_REJECT_DUPLICATES | JSON_ALLOW_NUL, &je);
    if (!r->obj) {
        /* jansson's place is within the record: made the file's */
        uint64_t line = r->rline + (je.line > 0 ? (uint64_t)je.line - 1 : 0);
        uint64_t col = je.line <= 1 ? r->rcol + (je.column > 0 ? (uint64_t)je.column - 1 : 0)
                                    : (uint64_t)(je.column > 0 ? je.column : 1);
        lerr_add(e, "%s:%llu:%llu: error: not valid JSON: %s", r->file, (unsigned long long)line,
                 (unsigned long long)col, je.text);
        return -1;
    }
    record_cells(r, e);
    *cells = r->cells;
    *n = r->t->ncolumns;
    return 1;
}

static void json_where(const load_source *s, uint32_t i, char *buf, size_t size)
{
    const jsrc *r = (const jsrc *)s;
    const jkey *k = i < r->t->ncolumns ? key_of(r, r->t->columns[i].name) : NULL;
    snprintf(buf, size, "%s:%llu:%llu", r->file, (unsigned long long)(k ? k->line : r->rline),
             (unsigned long long)(k ? k->col : r->rcol));
}

static void json_close(load_source *s)
{
    jsrc *r = (jsrc *)s;
    if (r->obj)
        json_decref(r->obj);
    if (r->fp && r->fp != stdin)
        fclose(r->fp);
    vouch_free(r->rec);
    vouch_free(r->keys);
    vouch_free(r->cells);
    vouch_free(r->num);
    vouch_free(r->names);
    vouch_free(r);
}

static const load_source_ops json_ops = {json_header, json_next, json_where, json_close};

int load_json_open(FILE *fp, const char *name, uint64_t line, int lines, const vouch_table_decl *t,
                   lerr *e, load_source **out)
{
    (void)e;
    jsrc *r = vouch_calloc(1, sizeof *r);
    if (!r)
        return -2;
    r->cells = vouch_calloc(t->ncolumns + 1, sizeof *r->cells);
    r->num = vouch_calloc(t->ncolumns + 1, sizeof *r->num);
    r->names = vouch_calloc(t->ncolumns + 1, sizeof *r->names);
    if (!r->cells || !r->num || !r->names) {
        r->fp = NULL;
        json_close(&r->src);
        return -2;
    }
    for (uint32_t i = 0; i < t->ncolumns; i++)
        r->names[i] = (load_cell){t->columns[i].name, strlen(t->columns[i].name), LOAD_TEXT};
    r->src.ops = &json_ops;
    r->src.name = name;
    r->src.noun = "field";
    r->fp = fp;
    r->file = name;
    r->t = t;
    r->lines = lines;
    r->line = line;
    r->col = 1;
    r->rline = line;
    r->rcol = 1;
    /* byte order mark */
    if (jfill(r) && r->len >= 3 && r->buf[0] == 0xef && r->buf[1] == 0xbb && r->buf[2] == 0xbf)
        r->pos = 3;
    *out = &r->src;
    return 0;
}
