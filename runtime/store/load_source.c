/*
 * load_source.c: `vouch load --source NAME FILE...`, a source declaration
 * (program.h, "Sources"; docs/language.md, "Sources") run as a row source
 * of the loader (load_int.h).
 *
 * The file is read in the source's format: CSV through the loader's own
 * CSV reader (load_csv.c), whose header then says which column each path
 * names; JSON and JSON Lines here, with jansson, reaching values by dotted
 * paths (a key of digits indexes an array). A json root in parts
 * (`runs[].results`) iterates each outer array's elements and reads the
 * records in each; `^.` paths read the elements around the record. For each record the source first tests its skip conditions, then
 * makes one cell per fed field, in the order of the feeds: a constant as
 * compiled; an input value as text (a JSON number as its digits, true and
 * false as words, null or a missing key as none; a format's template with
 * its paths' values put in) then, for a map, the
 * map's value; for a date field with a zone or a pattern, the date the
 * date-time falls on; for an enum field, the member it names ignoring
 * case. The cells are LOAD_TEXT, the CSV forms, so the loader checks them
 * exactly as it checks a CSV file's: a source cannot write what a plain
 * load could not.
 *
 * Errors of the mapping itself (a value the map lacks, a date-time with no
 * zone, a value that is an object) name the file and record, the field and
 * the value; the record is not handed on, the next is read, and the load
 * writes nothing (it fails on any error). Time zone conversions set TZ:
 * the source saves the caller's when it opens and puts it back when it
 * closes (runtime/base/datetime.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <jansson.h>

#include "load_int.h"
#include "alloc.h"
#include "date.h"
#include "datetime.h"
#include "closest.h"
#include "strbuf.h"

/* Parts of a json root (`a[].b[].c`): more is an error when the source
 * opens. */
#define SRC_MAX_LEVELS 8

typedef struct input {
    const char *s;           /* the raw value: text, never NULL */
    size_t n;
    int none;                /* empty, missing or null */
} input;

typedef struct msrc {
    load_source src;         /* first: the source is the reader */
    const vouch_program *p;
    const vouch_source_decl *sd;
    const vouch_table_decl *t;
    const char *file;
    /* SRC_CSV: the file's reader; the header column of every name the
     * source reads (paths, a format's `<name>`s, skips), found by the
     * name's own pointer; and per feed the column its value came from in
     * the current record, -1 for none (a constant, a format) */
    load_source *csv;
    const load_cell *row;
    uint32_t nrow, nheader;
    struct csv_name { const char *p; size_t n; int32_t col; } *cn;
    uint32_t ncn;
    int32_t *col;
    /* SRC_JSON: the document, and the arrays its root iterates: one per
     * part of the root (`runs[].results`: the runs, then the current
     * run's results, whose elements are the records), with the index of
     * the next element and the element being read at each */
    json_t *doc;
    uint32_t nlv;
    json_t *lv_arr[SRC_MAX_LEVELS];
    size_t lv_next[SRC_MAX_LEVELS];
    json_t *lv_el[SRC_MAX_LEVELS];
    char *lv_path[SRC_MAX_LEVELS];
    /* SRC_JSONL */
    FILE *fp;
    char *line;
    size_t line_cap;
    uint64_t lineno, rec_line;
    json_t *rec;             /* the current record (JSON), borrowed or owned */
    int own_rec;
    uint64_t recno;          /* 1-based number of the current record */
    /* the cells handed on */
    load_cell *names, *cells;
    char **buf;              /* per cell: made text (a date, a canonical member, a number) */
    char numbuf[64];
    char *tmpl;              /* a format feed's text, made anew per cell */
    char none_path[256];     /* the first of a format's paths that was none */
    size_t tmpl_n, tmpl_cap;
    vouch_tz_saved tz;
} msrc;

/* ---- where ------------------------------------------------------------------- */

static void where_record(const msrc *m, char *buf, size_t size)
{
    if (m->sd->format == SRC_CSV)
        m->csv->ops->where(m->csv, LOAD_RECORD, buf, size);
    else if (m->sd->format == SRC_JSONL)
        snprintf(buf, size, "%s:%llu", m->file, (unsigned long long)m->rec_line);
    else if (m->nlv < 2)
        snprintf(buf, size, "%s: record %llu", m->file, (unsigned long long)m->recno);
    else {
        /* nested: the record's place, `runs.0.results.3` */
        size_t used = (size_t)snprintf(buf, size, "%s: ", m->file);
        for (uint32_t l = 0; l < m->nlv && used < size; l++) {
            int w = snprintf(buf + used, size - used, "%s%s.%zu", l ? "." : "", m->lv_path[l],
                             m->lv_next[l] ? m->lv_next[l] - 1 : 0);
            if (w < 0)
                break;
            used += (size_t)w;
        }
    }
}

static void src_where(const load_source *s, uint32_t i, char *buf, size_t size)
{
    const msrc *m = (const msrc *)s;
    if (m->sd->format == SRC_CSV && i != LOAD_RECORD && i < m->sd->nfeeds && m->col[i] >= 0 &&
        (uint32_t)m->col[i] < m->nheader)
        m->csv->ops->where(m->csv, (uint32_t)m->col[i], buf, size);
    else
        where_record(m, buf, size);
}

/* "WHERE: error: source `s`: field `f`: " then fmt. */
static void ferr(msrc *m, lerr *e, const vouch_feed *f, const char *fmt, const char *a, const char *b)
{
    char at[300], msg[400];
    src_where(&m->src, (uint32_t)(f - m->sd->feeds), at, sizeof at);
    snprintf(msg, sizeof msg, fmt, a, b);
    lerr_add(e, "%s: error: field `%s`: %s", at, m->t->columns[f->column].name, msg);
}

/* ---- input values -------------------------------------------------------------- */

/* A JSON value as input text; -1 if it is an object or an array. */
static int json_input(msrc *m, json_t *v, input *out)
{
    out->none = 0;
    switch (v ? json_typeof(v) : JSON_NULL) {
    case JSON_NULL:
        out->s = "";
        out->n = 0;
        out->none = 1;
        return 0;
    case JSON_STRING:
        out->s = json_string_value(v);
        out->n = json_string_length(v);
        out->none = out->n == 0;
        return 0;
    case JSON_INTEGER:
        snprintf(m->numbuf, sizeof m->numbuf, "%" JSON_INTEGER_FORMAT, json_integer_value(v));
        break;
    case JSON_REAL: {
        /* the shortest of %.15g and %.17g that reads back the same */
        double d = json_real_value(v);
        snprintf(m->numbuf, sizeof m->numbuf, "%.15g", d);
        if (strtod(m->numbuf, NULL) != d)
            snprintf(m->numbuf, sizeof m->numbuf, "%.17g", d);
        break;
    }
    case JSON_TRUE: snprintf(m->numbuf, sizeof m->numbuf, "true"); break;
    case JSON_FALSE: snprintf(m->numbuf, sizeof m->numbuf, "false"); break;
    default:
        return -1;
    }
    out->s = m->numbuf;
    out->n = strlen(m->numbuf);
    return 0;
}

/* The element of array a that key p (len bytes) names, if it is a
 * decimal index (`0`, `12`; no sign, no leading zero): NULL past the end;
 * *bad if the key is not an index. */
static json_t *json_index(json_t *a, const char *p, size_t len, int *bad)
{
    size_t i = 0;
    if (!len || len > 9 || (p[0] == '0' && len > 1)) {
        *bad = 1;
        return NULL;
    }
    for (size_t k = 0; k < len; k++) {
        if (p[k] < '0' || p[k] > '9') {
            *bad = 1;
            return NULL;
        }
        i = i * 10 + (size_t)(p[k] - '0');
    }
    return json_array_get(a, i);
}

/* Follows a dotted path from obj: a key of an object, or the index of an
 * array's element (`resources.0.uid`); missing keys, elements past the
 * end and nulls on the way give NULL (none); a value on the way that is
 * neither (or an array given a key that is no index) is *bad. */
static json_t *json_path(json_t *obj, const char *path, int *bad)
{
    json_t *v = obj;
    const char *p = path;
    *bad = 0;
    while (v) {
        const char *dot = strchr(p, '.');
        size_t len = dot ? (size_t)(dot - p) : strlen(p);
        if (json_is_null(v))
            return NULL;
        if (json_is_array(v)) {
            v = json_index(v, p, len, bad);
            if (*bad)
                return NULL;
        } else if (!json_is_object(v)) {
            *bad = 1;
            return NULL;
        } else {
            v = json_object_getn(v, p, len);
        }
        if (!dot)
            return v;
        p = dot + 1;
    }
    return NULL;
}

/* The value at a record's path: `^.key` reads the enclosing element (one
 * `^` per level out), else the record. The compiler bounds the `^`s by
 * the root's levels; past them (a program not from it) the path is bad. */
static json_t *rec_path(msrc *m, const char *path, int *bad)
{
    uint32_t up = 0;
    while (path[up] == '^')
        up++;
    if (!up)
        return json_path(m->rec, path, bad);
    if (path[up] != '.' || up >= m->nlv || !m->lv_el[m->nlv - 1 - up]) {
        *bad = 1;
        return NULL;
    }
    return json_path(m->lv_el[m->nlv - 1 - up], path + up + 1, bad);
}

/* The header column of the name at p (n bytes): csv_columns found every
 * name the source reads; -1 for one it did not (a program not from the
 * compiler). */
static int32_t csv_lookup(const msrc *m, const char *p, size_t n)
{
    for (uint32_t k = 0; k < m->ncn; k++)
        if (m->cn[k].p == p && m->cn[k].n == n)
            return m->cn[k].col;
    return -1;
}

/* The cell of the current CSV record at the column named at p. */
static int csv_input(msrc *m, const char *p, size_t n, input *out, const char **why)
{
    int32_t col = csv_lookup(m, p, n);
    if (col < 0 || (uint32_t)col >= m->nrow) {
        *why = "no such column";
        return -1;
    }
    const load_cell *c = &m->row[col];
    out->s = c->s;
    out->n = c->n;
    out->none = c->n == 0;
    return 0;
}

/* The input value at a path (CSV: the column it names). */
static int read_input(msrc *m, const char *path, input *out, const char **why)
{
    if (m->sd->format == SRC_CSV)
        return csv_input(m, path, strlen(path), out, why);
    int bad;
    json_t *v = rec_path(m, path, &bad);
    if (bad) {
        *why = "a part of the path is neither an object nor an array given an index";
        return -1;
    }
    if (json_input(m, v, out) != 0) {
        *why = json_is_object(v) ? "a JSON object, not a value" : "a JSON array, not a value";
        return -1;
    }
    return 0;
}

/* Appends n bytes to the format text: 0, or -2 out of memory. */
static int tmpl_add(msrc *m, const char *s, size_t n)
{
    if (m->tmpl_n + n + 1 > m->tmpl_cap) {
        size_t cap = (m->tmpl_n + n + 1) * 2;
        char *b = vouch_realloc(m->tmpl, cap);
        if (!b)
            return -2;
        m->tmpl = b;
        m->tmpl_cap = cap;
    }
    memcpy(m->tmpl + m->tmpl_n, s, n);
    m->tmpl_n += n;
    m->tmpl[m->tmpl_n] = 0;
    return 0;
}

/* A format feed's value (program.h, FEED_FORMAT): the template's text with
 * each `<path>` (a CSV source's: `<column>`) replaced by the record's
 * value there, `<<` by `<`; none if
 * any of them is none (a control id `aws:` with no check would name
 * nothing). The compiler checked the template; this reads it defensively
 * all the same (a `<` left open is text). -1 with *why and bad_path set
 * when a path holds an object or an array, -2 out of memory. */
static int read_format(msrc *m, const char *tmpl, input *out, const char **why, char *bad_path, size_t bsize)
{
    m->tmpl_n = 0;
    m->none_path[0] = 0;
    if (tmpl_add(m, "", 0) != 0)
        return -2;
    int none = 0;
    for (const char *q = tmpl; *q; q++) {
        const char *end = q[0] == '<' && q[1] != '<' ? strchr(q + 1, '>') : NULL;
        if (!end) {
            if (tmpl_add(m, q, 1) != 0)
                return -2;
            if (q[0] == '<' && q[1] == '<')
                q++;
            continue;
        }
        size_t n = (size_t)(end - q - 1);
        snprintf(bad_path, bsize, "%.*s", (int)n, q + 1);
        input part;
        if (m->sd->format == SRC_CSV) {
            if (csv_input(m, q + 1, n, &part, why) != 0)
                return -1;
        } else {
            int bad;
            json_t *v = rec_path(m, bad_path, &bad);
            if (bad) {
                *why = "a part of the path is neither an object nor an array given an index";
                return -1;
            }
            if (json_input(m, v, &part) != 0) {
                *why = json_is_object(v) ? "a JSON object, not a value" : "a JSON array, not a value";
                return -1;
            }
        }
        if (part.none && !none)
            snprintf(m->none_path, sizeof m->none_path, "%s", bad_path);
        none |= part.none;
        if (tmpl_add(m, part.s, part.n) != 0)
            return -2;
        q = end;
    }
    out->s = none ? "" : m->tmpl;
    out->n = none ? 0 : m->tmpl_n;
    out->none = none || m->tmpl_n == 0;
    return 0;
}

/* A FEED_JSON value: the JSON at path as its text, compact with sorted
 * keys (so equal values give equal text); none if missing or null. -1
 * with *why when the path is bad, -2 out of memory. */
static int read_json_text(msrc *m, const char *path, input *out, const char **why)
{
    int bad;
    json_t *v = m->sd->format == SRC_CSV ? NULL : rec_path(m, path, &bad);
    if (m->sd->format == SRC_CSV || bad) {
        *why = "a part of the path is neither an object nor an array given an index";
        return -1;
    }
    out->s = "";
    out->n = 0;
    out->none = 1;
    if (!v || json_is_null(v))
        return 0;
    char *t = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS | JSON_ENCODE_ANY);
    if (!t)
        return -2;
    m->tmpl_n = 0;
    int rc = tmpl_add(m, t, strlen(t));
    free(t);             /* jansson's */
    if (rc != 0)
        return rc;
    out->s = m->tmpl;
    out->n = m->tmpl_n;
    out->none = 0;
    return 0;
}

/* The value one way of reading gives (a feed's own, or one of its
 * `else`s): 0, -1 with *why and the path at fault in path, -2 oom. For
 * a CSV column, *col is the column read (else -1). */
static int read_value(msrc *m, uint8_t kind, const char *fpath, input *v, const char **why, char *path,
                      size_t psize, int32_t *col)
{
    *col = -1;
    snprintf(path, psize, "%s", fpath);
    if (kind == FEED_FORMAT)
        return read_format(m, fpath, v, why, path, psize);
    if (kind == FEED_JSON)
        return read_json_text(m, fpath, v, why);
    if (m->sd->format == SRC_CSV)
        *col = csv_lookup(m, fpath, strlen(fpath));
    return read_input(m, fpath, v, why);
}

/* ---- making a cell ---------------------------------------------------------------- */

static int set_buf(msrc *m, uint32_t i, const char *s, size_t n)
{
    char *b = vouch_realloc(m->buf[i], n + 1);
    if (!b)
        return -2;
    memcpy(b, s, n);
    b[n] = 0;
    m->buf[i] = b;
    m->cells[i].s = b;
    m->cells[i].n = n;
    return 0;
}

/* The text of value v shown in a message (at most 40 bytes). */
static const char *shown(const input *v, char out[48]) { return load_shown(v->s, v->n, out); }

/* Cell i from feed f: 0, -1 after reporting, -2 out of memory. */
static int make_cell(msrc *m, uint32_t i, lerr *e)
{
    const vouch_feed *f = &m->sd->feeds[i];
    const vouch_column_decl *cd = &m->t->columns[f->column];
    load_cell *c = &m->cells[i];
    char sh[48];
    c->kind = LOAD_TEXT;
    if (f->kind == FEED_CONSTANT) {
        c->s = f->value ? f->value : "";
        c->n = f->value ? strlen(f->value) : 0;
        return 0;
    }
    input v;
    const char *why = NULL;
    /* the feed's own path, then each `else` while the value is none; the
     * paths that had none are listed if none has a value (a format's: the
     * first of its paths that was none, the reason it is) */
    char missing[200] = "";
    uint32_t nmissing = 0;
    for (uint32_t a = 0; a <= f->nelse; a++) {
        char path[256];
        int32_t col;
        uint8_t kind = a ? f->elses[a - 1].kind : f->kind;
        int rc = read_value(m, kind, a ? f->elses[a - 1].path : f->path, &v, &why, path, sizeof path, &col);
        if (m->col)
            m->col[i] = col;
        if (rc == -1)
            ferr(m, e, f, "`%s`: %s", path, why);
        if (rc != 0)
            return rc;
        if (!v.none || !f->elses)
            break;
        const char *at = kind == FEED_FORMAT && m->none_path[0] ? m->none_path : path;
        char quoted[260];
        snprintf(quoted, sizeof quoted, "`%s`", at);
        if (!strstr(missing, quoted)) {
            sb_list_add(missing, sizeof missing, at, '`');
            nmissing++;
        }
    }
    if (v.none && f->nelse && !cd->optional && !f->nmap) {
        /* say where it was looked for, rather than the loader's "empty" */
        ferr(m, e, f, "no value at %s%s, but the field is required", nmissing > 1 ? "any of " : "", missing);
        return -1;
    }
    if (f->nmap) {
        /* an entry for the text itself ("" included); then an empty value
         * of an optional field is none, as everywhere in a source; then
         * the `else` (last) */
        const vouch_map_entry *hit = NULL;
        for (uint32_t k = 0; k < f->nmap && !hit; k++) {
            const vouch_map_entry *me = &f->map[k];
            if (me->from && strlen(me->from) == v.n && strncasecmp(me->from, v.s, v.n) == 0)
                hit = me;
        }
        if (!hit && v.none && cd->optional) {
            c->s = "";
            c->n = 0;
            return 0;
        }
        if (!hit && !f->map[f->nmap - 1].from)
            hit = &f->map[f->nmap - 1];
        if (!hit) {
            char list[200] = "";
            for (uint32_t k = 0; k < f->nmap && f->map[k].from && sb_list_add(list, sizeof list, f->map[k].from, '"');
                 k++)
                ;
            if (v.none)
                ferr(m, e, f, "no value, and the value map has no `else` (it maps %s%s)", list, "");
            else
                ferr(m, e, f, "`%s` is not in the value map (it maps %s)", shown(&v, sh), list);
            return -1;
        }
        c->s = hit->to ? hit->to : "";
        c->n = hit->to ? strlen(hit->to) : 0;
        return 0;
    }
    if (v.none) {
        c->s = "";
        c->n = 0;
        return 0;
    }
    if (cd->type == VT_DATE) {
        vouch_datetime dt;
        if (vouch_datetime_parse(f->pattern, v.s, v.n, &dt) != 0) {
            if (f->pattern)
                ferr(m, e, f, "`%s` does not match the pattern `%s`", shown(&v, sh), f->pattern);
            else
                ferr(m, e, f, "`%s` is not a date (YYYY-MM-DD) or an ISO 8601 date-time; %s", shown(&v, sh),
                     "give its pattern with `as \"...\"`");
            return -1;
        }
        if (dt.has_time && !f->zone && (dt.has_offset || !f->pattern)) {
            ferr(m, e, f, "`%s` is a date-time: say in which time zone it becomes a date (`in \"%s\"`)",
                 shown(&v, sh), "UTC");
            return -1;
        }
        int64_t day;
        if (vouch_datetime_local_day(&dt, f->zone, &m->tz, &day) != 0 || !date_in_range(day)) {
            ferr(m, e, f, "`%s` has no date in time zone `%s`", shown(&v, sh), f->zone ? f->zone : "?");
            return -1;
        }
        char d[11];
        date_format(day, d);
        return set_buf(m, i, d, 10);
    }
    if (cd->enum_id >= 0 && (uint32_t)cd->enum_id < m->p->nenums) {
        /* members are matched ignoring case; no match is left to the
         * loader's check, which lists the members */
        const vouch_enum_decl *ed = &m->p->enums[cd->enum_id];
        for (uint32_t k = 0; k < ed->nvalues; k++)
            if (strlen(ed->values[k]) == v.n && strncasecmp(ed->values[k], v.s, v.n) == 0) {
                c->s = ed->values[k];
                c->n = v.n;
                return 0;
            }
    }
    if (v.s == m->numbuf || v.s == m->tmpl)
        return set_buf(m, i, v.s, v.n);
    c->s = v.s;
    c->n = v.n;
    return 0;
}

/* ---- skip conditions ---------------------------------------------------------------- */

static int same(const input *v, const char *want)
{
    if (!want)
        return v->none;
    return !v->none && strlen(want) == v->n && memcmp(want, v->s, v->n) == 0;
}

/* 1 if the current record is skipped, 0 if not, -1 after reporting. */
static int skipped(msrc *m, lerr *e)
{
    for (uint32_t k = 0; k < m->sd->nskips; k++) {
        const vouch_source_skip *sk = &m->sd->skips[k];
        input v;
        const char *why = NULL;
        if (read_input(m, sk->path, &v, &why) != 0) {
            char at[300];
            where_record(m, at, sizeof at);
            lerr_add(e, "%s: error: skip if `%s`: %s", at, sk->path, why);
            return -1;
        }
        int any = 0;
        for (uint32_t j = 0; j < sk->nvalues && !any; j++)
            any = same(&v, sk->values[j]);
        int hit = sk->kind == SKIP_EQ || sk->kind == SKIP_IN ? any : !any;
        if (hit)
            return 1;
    }
    return 0;
}

/* ---- records ---------------------------------------------------------------- */

/* The next input record: 1, 0 at the end, -1 stopped (reported), -2 oom. */
/* The next record of a json document: the next element of the innermost
 * array; when it is done, the next element of the level around it, whose
 * array at the next part of the root is then read (an element without
 * one is an error naming it: SARIF, for one, leaves `results` out when
 * the tool did not run, which is not "no results"). */
static int next_json(msrc *m, lerr *e)
{
    uint32_t in = m->nlv - 1;
    for (;;) {
        if (m->lv_arr[in] && m->lv_next[in] < json_array_size(m->lv_arr[in])) {
            m->rec = json_array_get(m->lv_arr[in], m->lv_next[in]++);
            m->lv_el[in] = m->rec;
            m->recno++;
            return 1;
        }
        /* the innermost level that has an element left */
        int l = (int)in - 1;
        while (l >= 0 && m->lv_next[l] >= json_array_size(m->lv_arr[l]))
            l--;
        if (l < 0)
            return 0;
        json_t *el = json_array_get(m->lv_arr[l], m->lv_next[l]++);
        m->lv_el[l] = el;
        for (uint32_t k = (uint32_t)l + 1; k <= in; k++) {
            m->lv_arr[k] = NULL;
            m->lv_next[k] = 0;
            m->lv_el[k] = NULL;
        }
        int bad = 0;
        json_t *arr = json_is_object(el) ? json_path(el, m->lv_path[l + 1], &bad) : NULL;
        if (!json_is_array(arr)) {
            char at[300];
            size_t used = (size_t)snprintf(at, sizeof at, "%s: ", m->file);
            for (int k = 0; k <= l && used < sizeof at; k++) {
                int w = snprintf(at + used, sizeof at - used, "%s%s.%zu", k ? "." : "", m->lv_path[k],
                                 m->lv_next[k] - 1);
                if (w < 0)
                    break;
                used += (size_t)w;
            }
            if (!json_is_object(el))
                lerr_add(e, "%s: error: source `%s`: not a JSON object, so no `%s` of records", at, m->sd->name,
                         m->lv_path[l + 1]);
            else
                lerr_add(e, "%s: error: source `%s`: `%s` is %s", at, m->sd->name, m->lv_path[l + 1],
                         arr ? "not an array of records" : "missing (or null): no array of records");
            if (lerr_full(e))
                return 0;
            continue;
        }
        m->lv_arr[l + 1] = arr;
        /* deeper levels are filled by the loop: their arrays are NULL, so
         * the next turn takes the next element of this one */
        if ((uint32_t)l + 1 < in)
            continue;
    }
}

static int next_record(msrc *m, lerr *e)
{
    if (m->own_rec)
        json_decref(m->rec);
    m->rec = NULL;
    m->own_rec = 0;
    switch (m->sd->format) {
    case SRC_CSV: {
        int rc = m->csv->ops->next(m->csv, e, &m->row, &m->nrow);
        if (rc == 1)
            m->recno++;
        return rc;
    }
    case SRC_JSON:
        return next_json(m, e);
    default:
        for (;;) {
            ssize_t len = getline(&m->line, &m->line_cap, m->fp);
            if (len < 0)
                return 0;
            m->lineno++;
            size_t k = 0;
            while (k < (size_t)len && strchr(" \t\r\n", m->line[k]))
                k++;
            if (k == (size_t)len)
                continue;    /* a blank line is no record */
            json_error_t je;
            m->rec_line = m->lineno;
            m->rec = json_loadb(m->line, (size_t)len, JSON_REJECT_DUPLICATES, &je);
            m->recno++;
            if (!m->rec) {
                if (je.column > 0)
                    lerr_add(e, "%s:%llu:%d: error: %s", m->file, (unsigned long long)m->lineno, je.column, je.text);
                else
                    lerr_add(e, "%s:%llu: error: %s", m->file, (unsigned long long)m->lineno, je.text);
                return -1;
            }
            m->own_rec = 1;
            return 1;
        }
    }
}

static int src_next(load_source *s, lerr *e, const load_cell **cells, uint32_t *n)
{
    msrc *m = (msrc *)s;
    for (;;) {
        if (lerr_full(e))
            return 0;
        int rc = next_record(m, e);
        if (rc != 1)
            return rc;
        if (m->sd->format == SRC_CSV && m->nrow != m->nheader) {
            char at[300];
            where_record(m, at, sizeof at);
            lerr_add(e, "%s: error: %u fields, but the header has %u", at, m->nrow, m->nheader);
            continue;
        }
        if (m->sd->format != SRC_CSV && !json_is_object(m->rec)) {
            char at[300];
            where_record(m, at, sizeof at);
            lerr_add(e, "%s: error: a record is a JSON object", at);
            continue;
        }
        int sk = skipped(m, e);
        if (sk != 0)
            continue;
        int bad = 0;
        for (uint32_t i = 0; i < m->sd->nfeeds; i++) {
            int r = make_cell(m, i, e);
            if (r == -2)
                return -2;
            bad |= r != 0;
        }
        if (bad)
            continue;    /* reported: the load fails, the next record may say more */
        *cells = m->cells;
        *n = m->sd->nfeeds;
        return 1;
    }
}

static int src_header(load_source *s, lerr *e, const load_cell **names, uint32_t *n)
{
    msrc *m = (msrc *)s;
    (void)e;
    *names = m->names;
    *n = m->sd->nfeeds;
    return 1;
}

static void src_close(load_source *s)
{
    msrc *m = (msrc *)s;
    vouch_tz_restore(&m->tz);
    if (m->csv)
        m->csv->ops->close(m->csv);
    if (m->own_rec)
        json_decref(m->rec);
    json_decref(m->doc);
    if (m->fp && m->fp != stdin)
        fclose(m->fp);
    free(m->line);           /* getline's */
    for (uint32_t i = 0; m->buf && i < m->sd->nfeeds; i++)
        vouch_free(m->buf[i]);
    vouch_free(m->buf);
    vouch_free(m->tmpl);
    vouch_free(m->lv_path[0]);
    vouch_free(m->names);
    vouch_free(m->cells);
    vouch_free(m->col);
    vouch_free(m->cn);
    vouch_free(m);
}

static const load_source_ops source_ops = {src_header, src_next, src_where, src_close};

/* ---- opening ------------------------------------------------------------------ */

/* Adds a name the source reads (n bytes at p) to m->cn: 0, -2 oom. */
static int csv_name_add(msrc *m, const char *p, size_t n, uint32_t *cap)
{
    if (m->ncn == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 16;
        struct csv_name *g = vouch_realloc(m->cn, (size_t)nc * sizeof *g);
        if (!g)
            return -2;
        m->cn = g;
        *cap = nc;
    }
    m->cn[m->ncn++] = (struct csv_name){p, n, -1};
    return 0;
}

/* The names one way of reading a feed reads: a path, or each `<name>` of
 * a format (read as read_format reads it). */
static int csv_names_of(msrc *m, uint8_t kind, const char *path, uint32_t *cap)
{
    if (kind != FEED_FORMAT)
        return csv_name_add(m, path, strlen(path), cap);
    for (const char *q = path; *q; q++) {
        const char *end = q[0] == '<' && q[1] != '<' ? strchr(q + 1, '>') : NULL;
        if (!end) {
            if (q[0] == '<' && q[1] == '<')
                q++;
            continue;
        }
        if (csv_name_add(m, q + 1, (size_t)(end - q - 1), cap) != 0)
            return -2;
        q = end;
    }
    return 0;
}

/* A hint from the header's own names for a column that is not there. */
static void csv_missing(msrc *m, lerr *e, const load_cell *hdr, uint32_t nh, const char *name, size_t pl)
{
    const char **names = vouch_malloc((nh + 1) * sizeof *names);
    char **owned = vouch_calloc(nh + 1, sizeof *owned);
    const char *dym = NULL;
    char *want = vouch_malloc(pl + 1);
    if (names && owned && want) {
        memcpy(want, name, pl);
        want[pl] = 0;
        for (uint32_t h = 0; h < nh; h++) {
            owned[h] = vouch_malloc(hdr[h].n + 1);
            if (owned[h]) {
                memcpy(owned[h], hdr[h].s, hdr[h].n);
                owned[h][hdr[h].n] = 0;
            }
            names[h] = owned[h] ? owned[h] : "";
        }
        dym = vouch_closest(want, pl, names, sizeof *names, nh, VOUCH_CLOSEST_FOLD);
    }
    lerr_add(e, "%s:1: error: source `%s`: no column `%.*s` in the header%s%s%s", m->file, m->sd->name, (int)pl,
             name, dym ? "; did you mean `" : "", dym ? dym : "", dym ? "`?" : "");
    for (uint32_t h = 0; owned && h < nh; h++)
        vouch_free(owned[h]);
    vouch_free(owned);
    vouch_free(names);
    vouch_free(want);
}

/* CSV: the file's header says which column each name the source reads
 * (every path, every `else`, every `<name>` of a format, every skip's)
 * is. Each must be in the header once: a column an `else` names is
 * looked for even when the ones before it have values, so a misspelt
 * name is found at once, not on the first record that needs it. */
static int csv_columns(msrc *m, lerr *e)
{
    const load_cell *hdr;
    uint32_t nh;
    int rc = m->csv->ops->header(m->csv, e, &hdr, &nh);
    if (rc != 1)
        return rc == 0 ? -1 : rc;
    const vouch_source_decl *sd = m->sd;
    m->nheader = nh;
    uint32_t cap = 0;
    for (uint32_t k = 0; k < sd->nfeeds; k++) {
        const vouch_feed *f = &sd->feeds[k];
        if (f->kind == FEED_CONSTANT)
            continue;
        if (csv_names_of(m, f->kind, f->path, &cap) != 0)
            return -2;
        for (uint32_t a = 0; a < f->nelse; a++)
            if (csv_names_of(m, f->elses[a].kind, f->elses[a].path, &cap) != 0)
                return -2;
    }
    for (uint32_t k = 0; k < sd->nskips; k++)
        if (csv_name_add(m, sd->skips[k].path, strlen(sd->skips[k].path), &cap) != 0)
            return -2;
    int bad = 0;
    for (uint32_t k = 0; k < m->ncn; k++) {
        struct csv_name *c = &m->cn[k];
        /* a name read twice is looked up (and reported) once */
        uint32_t j = 0;
        while (j < k && (m->cn[j].n != c->n || memcmp(m->cn[j].p, c->p, c->n) != 0))
            j++;
        if (j < k) {
            c->col = m->cn[j].col;
            continue;
        }
        int twice = 0;
        for (uint32_t h = 0; h < nh; h++) {
            if (hdr[h].n != c->n || memcmp(hdr[h].s, c->p, c->n) != 0)
                continue;
            if (c->col >= 0) {
                lerr_add(e, "%s:1: error: source `%s`: column `%.*s` is in the header twice (fields %d and %u)",
                         m->file, sd->name, (int)c->n, c->p, c->col + 1, h + 1);
                bad = twice = 1;
                break;
            }
            c->col = (int32_t)h;
        }
        if (c->col < 0 && !twice) {
            csv_missing(m, e, hdr, nh, c->p, c->n);
            bad = 1;
        }
    }
    return bad ? -1 : 0;
}

/* JSON: the array of records at the root path. */
static int json_document(msrc *m, FILE *fp, lerr *e)
{
    json_error_t je;
    m->doc = json_loadf(fp, JSON_REJECT_DUPLICATES, &je);
    if (fp != stdin)
        fclose(fp);
    if (!m->doc) {
        if (je.column > 0)
            lerr_add(e, "%s:%d:%d: error: %s", m->file, je.line, je.column, je.text);
        else
            lerr_add(e, "%s:%d: error: %s", m->file, je.line, je.text);
        return -1;
    }
    /* the root's parts, split at `[].` */
    char *parts = vouch_malloc(strlen(m->sd->root) + 1);
    if (!parts)
        return -2;
    strcpy(parts, m->sd->root);
    m->lv_path[0] = parts;
    m->nlv = 1;
    for (char *q = parts; (q = strstr(q, "[].")) != NULL;) {
        *q = 0;
        q += 3;
        if (m->nlv == SRC_MAX_LEVELS) {
            lerr_add(e, "%s: error: source `%s`: a root of more than %d parts", m->file, m->sd->name,
                     SRC_MAX_LEVELS);
            return -1;
        }
        m->lv_path[m->nlv++] = q;
    }
    json_t *v = m->doc;
    if (*m->lv_path[0]) {
        int bad;
        v = json_path(m->doc, m->lv_path[0], &bad);
    }
    if (!json_is_array(v)) {
        if (!*m->sd->root && json_is_object(v))
            lerr_add(e, "%s: error: source `%s`: the document is an object, not an array of records; "
                     "name the array that holds them: `from json \"value\"`", m->file, m->sd->name);
        else
            lerr_add(e, "%s: error: source `%s`: `%s` is not an array%s", m->file, m->sd->name,
                     *m->lv_path[0] ? m->lv_path[0] : "the document", m->nlv > 1 ? "" : " of records");
        return -1;
    }
    m->lv_arr[0] = v;
    return 0;
}

int load_source_open(const vouch_program *p, const vouch_source_decl *sd, FILE *fp, const char *name,
                     uint64_t line, lerr *e, load_source **out)
{
    *out = NULL;
    msrc *m = vouch_calloc(1, sizeof *m);
    if (!m) {
        if (fp != stdin)
            fclose(fp);
        return -2;
    }
    m->src.ops = &source_ops;
    m->src.name = name;
    m->src.noun = "field";
    m->p = p;
    m->sd = sd;
    m->t = &p->tables[sd->table];
    m->file = name;
    m->lineno = line - 1;
    uint32_t n = sd->nfeeds;
    if (vouch_tz_save(&m->tz) != 0) {
        if (fp != stdin)
            fclose(fp);
        vouch_free(m);
        return -2;
    }
    m->names = vouch_calloc(n + 1, sizeof *m->names);
    m->cells = vouch_calloc(n + 1, sizeof *m->cells);
    m->buf = vouch_calloc(n + 1, sizeof *m->buf);
    m->col = vouch_calloc(n + sd->nskips + 1, sizeof *m->col);
    if (!m->names || !m->cells || !m->buf || !m->col) {
        if (fp != stdin)
            fclose(fp);
        src_close(&m->src);
        return -2;
    }
    for (uint32_t i = 0; i < n; i++) {
        const char *cn = m->t->columns[sd->feeds[i].column].name;
        m->names[i].s = cn;
        m->names[i].n = strlen(cn);
        m->names[i].kind = LOAD_TEXT;
    }
    /* zones are checked again here: a .vbc may come from another machine */
    for (uint32_t i = 0; i < n; i++)
        if (sd->feeds[i].zone && !vouch_zone_exists(sd->feeds[i].zone)) {
            lerr_add(e, "%s: error: source `%s`: field `%s`: no time zone `%s` on this machine (tzdata)", name,
                     sd->name, m->t->columns[sd->feeds[i].column].name, sd->feeds[i].zone);
            if (fp != stdin)
                fclose(fp);
            src_close(&m->src);
            return -1;
        }
    int rc = 0;
    switch (sd->format) {
    case SRC_CSV:
        rc = load_csv_open(fp, name, line, e, &m->csv);
        if (rc != 0 && fp != stdin)
            fclose(fp);      /* the reader owns it only once open */
        if (rc == 0)
            rc = csv_columns(m, e);
        break;
    case SRC_JSON:
        rc = json_document(m, fp, e);
        break;
    case SRC_JSONL:
        m->fp = fp;
        break;
    default:
        lerr_add(e, "%s: error: source `%s`: unknown format", name, sd->name);
        if (fp != stdin)
            fclose(fp);
        rc = -1;
    }
    if (rc != 0) {
        src_close(&m->src);
        return rc;
    }
    *out = &m->src;
    return 0;
}
