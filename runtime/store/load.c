/*
 * load.c: `vouch load`, CSV files into the facts store (facts.h).
 *
 * Every cell is checked against the program's declarations before it is
 * written; the whole load is one transaction, rolled back at the first
 * error (after collecting up to MAX_ERRORS messages, "FILE:ROW:COL: column
 * `name`: what is wrong"), so a failed load writes nothing. A store that did
 * not exist is built in a temporary file next to the target and published
 * only on success, without replacing anything (publish()): when another
 * load published a store at that path in the meantime, the load is done
 * again into that store, so both loads' tables are kept.
 *
 * CSV is RFC 4180: a header row naming declared columns, fields separated by
 * commas, quoted fields with doubled quotes inside, CRLF or LF line ends (a
 * lone CR also ends a line), an optional UTF-8 byte order mark. ROW is the
 * line where a record starts (the header is row 1), COL the field number.
 * The reader streams, so file size is not bounded by memory.
 *
 * Stored forms: int/bool/duration as INTEGER (bool 0/1, duration in days),
 * dates as YYYY-MM-DD text, enums and text as text. Empty cells are NULL.
 *
 * The record (facts_check.h): a table load writes loses its record and
 * triggers first; at the end every declared table whose values all fit
 * (the rows of earlier loads and of other tools included) gets its digest
 * recorded and its triggers, in the same transaction, so `vouch check`
 * need not scan it again until something else writes to it. A load with
 * no CSV file only does that (seal), and reports the values that do not
 * fit as errors.
 */
#define _GNU_SOURCE 1       /* renameat2 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "facts.h"
#include "facts_check.h"
#include "date.h"
#include "alloc.h"
#include "strbuf.h"
#include "vouch_limits.h"
#include "escape.h"
#include "closest.h"

#define MAX_ERRORS 20
#define BUSY_MS 5000

/* ---- error collection ------------------------------------------------------ */

typedef struct lerr {
    vouch_error *err;
    char buf[sizeof ((vouch_error *)0)->msg];
    size_t used;
    uint32_t n, dropped;
} lerr;

static void lerr_add(lerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void lerr_add(lerr *e, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = sizeof line - 1;
    /* A line quotes cells of the file: escaped as text, so it stays one
     * line; the lines are then joined with real newlines. */
    char shown[sizeof line];
    n = (int)vouch_text_escape(shown, sizeof shown, line);
    memcpy(line, shown, (size_t)n + 1);
    e->n++;
    /* keep room for the "(and N more)" line */
    if (e->dropped == 0 && e->used + (size_t)n + 1 + 40 < sizeof e->buf) {
        if (e->used)
            e->buf[e->used++] = '\n';
        memcpy(e->buf + e->used, line, (size_t)n);
        e->used += (size_t)n;
        e->buf[e->used] = 0;
    } else {
        e->dropped++;
    }
}

static int lerr_full(const lerr *e) { return e->n >= MAX_ERRORS; }

/* Not through vouch_error_set, which would escape the newlines that join
 * the (already escaped) lines. */
static vouch_status lerr_finish(lerr *e)
{
    if (!e->err)
        return VOUCH_EINPUT;
    e->err->status = VOUCH_EINPUT;
    size_t n = strlen(e->buf); /* < sizeof msg - 40: lerr_add keeps room */
    memcpy(e->err->msg, e->buf, n + 1);
    if (e->dropped)
        snprintf(e->err->msg + n, sizeof e->err->msg - n, "\n(and %u more error%s)", e->dropped,
                 e->dropped == 1 ? "" : "s");
    return VOUCH_EINPUT;
}

/* ---- CSV reader ------------------------------------------------------------- */

typedef struct csv {
    FILE *fp;
    const char *file;
    unsigned char buf[1 << 16];
    size_t len, pos;
    char *rec;             /* the record's field bytes, one after another */
    size_t rlen, rcap;
    size_t *fofs;          /* field i is rec[fofs[i] .. fofs[i+1]) */
    uint32_t nf, fcap;
    uint64_t line;         /* current line, 1-based */
    uint64_t rec_line;     /* line where the current record started */
    int oom;
    int over;              /* a cap of vouch_limits.h reached: CSV_OVER_* */
} csv;

enum { CSV_OVER_CELL = 1, CSV_OVER_RECORD, CSV_OVER_FIELDS };

static int cfill(csv *r)
{
    if (r->pos < r->len)
        return 1;
    r->len = fread(r->buf, 1, sizeof r->buf, r->fp);
    r->pos = 0;
    return r->len > 0;
}

static int cget(csv *r)
{
    if (r->pos == r->len && !cfill(r))
        return -1;
    return r->buf[r->pos++];
}

static int cpeek(csv *r)
{
    if (r->pos == r->len && !cfill(r))
        return -1;
    return r->buf[r->pos];
}

/* Appends byte c to the current field, unless that takes the field or the
 * record past its cap (r->over is set then, and the caller stops). */
static void cadd(csv *r, int c)
{
    if (r->oom)
        return;  /* cfield may have failed: fofs[nf - 1] is not there */
    if (r->rlen - r->fofs[r->nf - 1] >= VOUCH_MAX_CSV_CELL_BYTES) {
        r->over = CSV_OVER_CELL;
        return;
    }
    if (r->rlen >= VOUCH_MAX_CSV_RECORD_BYTES) {
        r->over = CSV_OVER_RECORD;
        return;
    }
    if (r->rlen == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 256;
        char *p = vouch_realloc(r->rec, cap);
        if (!p) {
            r->oom = 1;
            return;
        }
        r->rec = p;
        r->rcap = cap;
    }
    r->rec[r->rlen++] = (char)c;
}

static void cfield(csv *r)
{
    if (r->nf >= VOUCH_MAX_CSV_FIELDS) {
        r->over = CSV_OVER_FIELDS;
        return;
    }
    if (r->nf + 2 > r->fcap) {
        uint32_t cap = r->fcap ? r->fcap * 2 : 32;
        size_t *p = vouch_realloc(r->fofs, cap * sizeof *p);
        if (!p) {
            r->oom = 1;
            return;
        }
        r->fofs = p;
        r->fcap = cap;
    }
    r->fofs[r->nf++] = r->rlen;
}

/* Reports the cap r->over reached, in field r->nf of the current record;
 * returns -1 (the rest of the file is not read). */
static int csv_over(csv *r, lerr *e)
{
    if (r->over == CSV_OVER_FIELDS)
        lerr_add(e, "%s:%llu:%u: error: a record of more than %u fields (the limit of one CSV record)",
                 r->file, (unsigned long long)r->rec_line, r->nf + 1, VOUCH_MAX_CSV_FIELDS);
    else if (r->over == CSV_OVER_CELL)
        lerr_add(e, "%s:%llu:%u: error: a cell of more than %u bytes (the limit of one CSV cell)",
                 r->file, (unsigned long long)r->rec_line, r->nf, VOUCH_MAX_CSV_CELL_BYTES);
    else
        lerr_add(e, "%s:%llu:%u: error: a record of more than %u bytes (the limit of one CSV record)",
                 r->file, (unsigned long long)r->rec_line, r->nf, VOUCH_MAX_CSV_RECORD_BYTES);
    return -1;
}

/* Reads one record: 1, 0 at the end of the file, -1 on a syntax error or
 * a record past the caps of vouch_limits.h (reported into e; the rest of
 * the file cannot be trusted). Blank lines are skipped. Memory: one record,
 * at most VOUCH_MAX_CSV_RECORD_BYTES and VOUCH_MAX_CSV_FIELDS offsets. */
static int csv_record(csv *r, lerr *e)
{
    r->nf = 0;
    r->rlen = 0;
    int c = cget(r);
    while (c == '\n' || c == '\r') {
        if (c == '\r' && cpeek(r) == '\n')
            cget(r);
        r->line++;
        c = cget(r);
    }
    if (c < 0)
        return 0;
    r->rec_line = r->line;
    for (;;) {
        cfield(r);
        if (r->over)
            return csv_over(r, e);
        if (c == '"') {
            uint64_t qline = r->line;
            for (;;) {
                c = cget(r);
                if (c < 0) {
                    lerr_add(e, "%s:%llu:%u: error: quoted field never closed (the file ended inside it)",
                             r->file, (unsigned long long)qline, r->nf);
                    return -1;
                }
                if (c == '"') {
                    c = cget(r);
                    if (c != '"')
                        break;
                } else if (c == '\n') {
                    r->line++;
                }
                cadd(r, c);
                if (r->over)
                    return csv_over(r, e);
            }
            if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                lerr_add(e, "%s:%llu:%u: error: unexpected `%c` after a closing quote (a quote inside a "
                         "quoted field is written twice: \"\")", r->file,
                         (unsigned long long)r->line, r->nf, c >= 32 && c < 127 ? c : '?');
                return -1;
            }
        } else {
            while (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                if (c == '"') {
                    lerr_add(e, "%s:%llu:%u: error: `\"` inside an unquoted field (quote the whole "
                             "field and write the quote twice)", r->file,
                             (unsigned long long)r->line, r->nf);
                    return -1;
                }
                cadd(r, c);
                if (r->over)
                    return csv_over(r, e);
                c = cget(r);
            }
        }
        if (c == ',') {
            c = cget(r);
            continue;
        }
        if (c == '\r' && cpeek(r) == '\n')
            cget(r);
        if (c >= 0)
            r->line++;
        r->fofs[r->nf] = r->rlen;   /* end of the last field (cfield left room) */
        return r->oom ? -1 : 1;
    }
}

/* ---- cell checks --------------------------------------------------------------- */

static int valid_utf8(const unsigned char *s, size_t n, size_t *bad)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0) {
            *bad = i;
            return 0;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            len = 2; cp = c & 0x1f; min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3; cp = c & 0x0f; min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4; cp = c & 0x07; min = 0x10000;
        } else {
            *bad = i;
            return 0;
        }
        if (i + len > n) {
            *bad = i;
            return 0;
        }
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                *bad = i;
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            *bad = i;
            return 0;
        }
        i += len;
    }
    return 1;
}

/* Decimal integer, optional sign; -1 not a number, -2 out of range. */
static int parse_dec(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return -1;
    int over = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (UINT64_MAX - 9) / 10)
            over = 1;
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (over || v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -2;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static int ieq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

/* Context of the cell being checked, for messages. */
typedef struct cell {
    const char *file;
    uint64_t row;
    uint32_t col;
    const char *name;
} cell;

#define CELL_FMT "%s:%llu:%u: error: column `%s`: "
#define CELL_ARGS(c) (c)->file, (unsigned long long)(c)->row, (c)->col, (c)->name

/* Shows a cell value in a message: at most 40 bytes, control bytes as '?'. */
static const char *shown(const char *s, size_t n, char out[48])
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < 40; i++)
        out[k++] = (unsigned char)s[i] < 32 || s[i] == 127 ? '?' : s[i];
    if (n > 40) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = 0;
    return out;
}

/* Checks cell s[0..n) against column cd and binds it to parameter i of st.
 * Returns 0, or -1 after reporting the problem. */
static int check_bind(const vouch_program *p, const vouch_column_decl *cd, const cell *cl,
                      const char *s, size_t n, sqlite3_stmt *st, int i, lerr *e)
{
    char sh[48];
    if (n == 0) {
        if (!cd->optional) {
            lerr_add(e, CELL_FMT "empty, but the column is required", CELL_ARGS(cl));
            return -1;
        }
        if (st)
            sqlite3_bind_null(st, i);
        return 0;
    }
    int64_t v = 0;
    switch (cd->type) {
    case VT_INT: {
        int rc = parse_dec(s, n, &v);
        if (rc == -1) {
            lerr_add(e, CELL_FMT "`%s` is not an integer", CELL_ARGS(cl), shown(s, n, sh));
            return -1;
        }
        if (rc == -2) {
            lerr_add(e, CELL_FMT "%s is out of range for an int (64 bits)", CELL_ARGS(cl),
                     shown(s, n, sh));
            return -1;
        }
        break;
    }
    case VT_BOOL:
        if (ieq(s, n, "true") || ieq(s, n, "yes") || ieq(s, n, "1"))
            v = 1;
        else if (ieq(s, n, "false") || ieq(s, n, "no") || ieq(s, n, "0"))
            v = 0;
        else {
            lerr_add(e, CELL_FMT "`%s` is not a bool (true/false, yes/no, 1/0)", CELL_ARGS(cl),
                     shown(s, n, sh));
            return -1;
        }
        break;
    case VT_DUR: {
        size_t m = n;
        int64_t mult = 1;
        if (s[n - 1] == 'd' || s[n - 1] == 'D') {
            m = n - 1;
        } else if (s[n - 1] == 'w' || s[n - 1] == 'W') {
            m = n - 1;
            mult = 7;
        }
        int rc = m > 0 && s[0] >= '0' && s[0] <= '9' ? parse_dec(s, m, &v) : -1;
        if (rc == 0 && v > INT64_MAX / mult)
            rc = -2;
        if (rc != 0) {
            lerr_add(e, CELL_FMT "`%s` is not a duration (days: `92d` or `92`, weeks: `2w`)%s",
                     CELL_ARGS(cl), shown(s, n, sh), rc == -2 ? ": out of range" : "");
            return -1;
        }
        v *= mult;
        break;
    }
    case VT_DATE: {
        int64_t d;
        if (date_parse(s, n, &d) != 0) {
            lerr_add(e, CELL_FMT "`%s` is not a date (YYYY-MM-DD, a real calendar day, years "
                     "1..9999)", CELL_ARGS(cl), shown(s, n, sh));
            return -1;
        }
        if (st)
            sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
        return 0;
    }
    default: {
        size_t bad;
        if (!valid_utf8((const unsigned char *)s, n, &bad)) {
            lerr_add(e, CELL_FMT "%s at byte %zu", CELL_ARGS(cl),
                     s[bad] == 0 ? "contains a NUL byte" : "is not valid UTF-8", bad + 1);
            return -1;
        }
        if (cd->enum_id >= 0 && (uint32_t)cd->enum_id < p->nenums) {
            const vouch_enum_decl *ed = &p->enums[cd->enum_id];
            uint32_t k = 0;
            while (k < ed->nvalues &&
                   !(strlen(ed->values[k]) == n && memcmp(ed->values[k], s, n) == 0))
                k++;
            if (k == ed->nvalues) {
                char list[300];
                size_t used = 0;
                list[0] = 0;
                for (uint32_t j = 0; j < ed->nvalues && used + 4 < sizeof list; j++) {
                    int w = snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
                                     ed->values[j]);
                    if (w < 0)
                        break;
                    used += (size_t)w;
                    if (used >= sizeof list)
                        used = sizeof list - 1;
                }
                lerr_add(e, CELL_FMT "`%s` is not one of: %s", CELL_ARGS(cl), shown(s, n, sh),
                         list);
                return -1;
            }
        }
        if (st)
            sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
        return 0;
    }
    }
    if (st)
        sqlite3_bind_int64(st, i, v);
    return 0;
}

/* ---- schema ------------------------------------------------------------------ */



/* Quoted with q (" for identifiers, ' for strings), embedded q doubled. */
static void sb_quote(sbuf *b, const char *s, char q)
{
    sb_add(b, &q, 1);
    for (; *s; s++) {
        sb_add(b, s, 1);
        if (*s == q)
            sb_add(b, &q, 1);
    }
    sb_add(b, &q, 1);
}

static int table_exists(sqlite3 *db, const char *name, int *exists)
{
    sqlite3_stmt *st;
    int rc = sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND "
                                    "name = ?1 COLLATE NOCASE", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, name, -1, SQLITE_STATIC);
    rc = sqlite3_step(st);
    *exists = rc == SQLITE_ROW;
    sqlite3_finalize(st);
    return rc == SQLITE_ROW || rc == SQLITE_DONE ? SQLITE_OK : rc;
}

static const char *sql_type(const vouch_column_decl *c)
{
    return c->type == VT_INT || c->type == VT_BOOL || c->type == VT_DUR ? "INTEGER" : "TEXT";
}

static int create_table(sqlite3 *db, const vouch_program *p, const vouch_table_decl *t)
{
    sbuf b = {0};
    sb_str(&b, "CREATE TABLE ");
    sb_quote(&b, t->name, '"');
    sb_str(&b, "(");
    for (uint32_t i = 0; i < t->ncolumns; i++) {
        const vouch_column_decl *c = &t->columns[i];
        if (i)
            sb_str(&b, ", ");
        sb_quote(&b, c->name, '"');
        sb_str(&b, " ");
        sb_str(&b, sql_type(c));
        if (!c->optional)
            sb_str(&b, " NOT NULL");
        if (c->type == VT_BOOL) {
            sb_str(&b, " CHECK(");
            sb_quote(&b, c->name, '"');
            sb_str(&b, " IN (0, 1))");
        }
        if (c->enum_id >= 0 && (uint32_t)c->enum_id < p->nenums) {
            const vouch_enum_decl *e = &p->enums[c->enum_id];
            sb_str(&b, " CHECK(");
            sb_quote(&b, c->name, '"');
            sb_str(&b, " IN (");
            for (uint32_t k = 0; k < e->nvalues; k++) {
                if (k)
                    sb_str(&b, ", ");
                sb_quote(&b, e->values[k], '\'');
            }
            sb_str(&b, "))");
        }
    }
    if (t->nkey) {
        sb_str(&b, ", PRIMARY KEY(");
        for (uint32_t k = 0; k < t->nkey; k++) {
            if (k)
                sb_str(&b, ", ");
            sb_quote(&b, t->columns[t->key[k]].name, '"');
        }
        sb_str(&b, ")");
    }
    sb_str(&b, ")");
    if (b.oom) {
        vouch_free(b.p);
        return SQLITE_NOMEM;
    }
    int rc = sqlite3_exec(db, b.p, NULL, NULL, NULL);
    vouch_free(b.p);
    return rc;
}

/* Name of the first declared column of t the store's table lacks, or NULL
 * (in *missing). */
static int missing_column(sqlite3 *db, const vouch_table_decl *t, const char **missing)
{
    sqlite3_stmt *st;
    *missing = NULL;
    uint8_t *seen = vouch_calloc(t->ncolumns + 1, 1);
    if (!seen)
        return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(db, "SELECT name FROM pragma_table_info(?1)", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        vouch_free(seen);
        return rc;
    }
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        for (uint32_t i = 0; name && i < t->ncolumns; i++)
            if (sqlite3_stricmp(name, t->columns[i].name) == 0)
                seen[i] = 1;
    }
    sqlite3_finalize(st);
    for (uint32_t i = 0; i < t->ncolumns && !*missing; i++)
        if (!seen[i])
            *missing = t->columns[i].name;
    vouch_free(seen);
    return rc == SQLITE_DONE ? SQLITE_OK : rc;
}

/* ---- the plans' indexes ------------------------------------------------------- */

/* Does some index of table t (or its INTEGER PRIMARY KEY) start with the
 * columns cols[0..neq) in any order, followed by cols[neq] if n > neq? */
static int index_serves(sqlite3 *db, const vouch_table_decl *t, const uint32_t *cols,
                        uint32_t neq, uint32_t n, int *serves)
{
    sqlite3_stmt *st;
    *serves = 0;
    int rc = sqlite3_prepare_v2(db,
                                "SELECT il.name, ii.seqno, ii.name FROM pragma_index_list(?1) "
                                "AS il, pragma_index_info(il.name) AS ii WHERE il.partial = 0 "
                                "ORDER BY il.name, ii.seqno", -1, &st, NULL);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    char cur[256] = "";
    uint32_t matched = 0;
    int broken = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW && !*serves) {
        const char *iname = (const char *)sqlite3_column_text(st, 0);
        uint32_t seq = (uint32_t)sqlite3_column_int(st, 1);
        const char *cname = (const char *)sqlite3_column_text(st, 2);
        if (!iname)
            continue;
        if (strcmp(iname, cur) != 0) {
            snprintf(cur, sizeof cur, "%s", iname);
            matched = 0;
            broken = 0;
        }
        if (broken || seq >= n) {
            continue;
        }
        int ok = 0;
        if (cname) {
            if (seq < neq) {
                for (uint32_t k = 0; k < neq; k++)
                    ok |= sqlite3_stricmp(cname, t->columns[cols[k]].name) == 0;
            } else {
                ok = sqlite3_stricmp(cname, t->columns[cols[neq]].name) == 0;
            }
        }
        if (!ok) {
            broken = 1;
            continue;
        }
        if (++matched == n)
            *serves = 1;
    }
    sqlite3_finalize(st);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return rc;
    if (!*serves && n == 1) {
        /* an INTEGER PRIMARY KEY column is the rowid: already an index */
        rc = sqlite3_prepare_v2(db, "SELECT name, type, pk FROM pragma_table_info(?1)", -1, &st,
                                NULL);
        if (rc != SQLITE_OK)
            return rc;
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        int npk = 0, hit = 0;
        while (sqlite3_step(st) == SQLITE_ROW) {
            if (sqlite3_column_int(st, 2) == 0)
                continue;
            npk++;
            const char *name = (const char *)sqlite3_column_text(st, 0);
            const char *type = (const char *)sqlite3_column_text(st, 1);
            hit = name && type && sqlite3_stricmp(type, "INTEGER") == 0 &&
                  sqlite3_stricmp(name, t->columns[cols[0]].name) == 0;
        }
        sqlite3_finalize(st);
        *serves = npk == 1 && hit;
    }
    return SQLITE_OK;
}

/* An index for repeated plan pl on (its bound equality columns, then its
 * first bound range column) unless one already serves, if that list has
 * len columns. */
static int plan_index(sqlite3 *db, const vouch_program *p, const vouch_plan *pl, uint32_t len)
{
    const vouch_table_decl *t = &p->tables[pl->table];
    uint32_t *cols = vouch_malloc((pl->nterms + 1) * sizeof *cols);
    if (!cols)
        return SQLITE_NOMEM;
    uint32_t n = 0, neq;
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (!tm->bound || tm->cmp != CMP_EQ || tm->column >= t->ncolumns)
            continue;
        uint32_t k = 0;
        while (k < n && cols[k] != tm->column)
            k++;
        if (k == n)
            cols[n++] = tm->column;
    }
    neq = n;
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (!tm->bound || tm->cmp < CMP_LT || tm->column >= t->ncolumns)
            continue;
        uint32_t k = 0;
        while (k < neq && cols[k] != tm->column)
            k++;
        if (k == neq) {
            cols[n++] = tm->column;
            break;
        }
    }
    int exists = 0, serves = 0, rc = SQLITE_OK;
    if (n == len)
        rc = table_exists(db, t->name, &exists);
    if (rc == SQLITE_OK && exists)
        rc = index_serves(db, t, cols, neq, n, &serves);
    if (rc == SQLITE_OK && exists && !serves) {
        sbuf name = {0}, b = {0};
        sb_str(&name, "vouch_");
        sb_str(&name, t->name);
        for (uint32_t k = 0; k < n; k++) {
            sb_str(&name, "_");
            sb_str(&name, t->columns[cols[k]].name);
        }
        sb_str(&b, "CREATE INDEX IF NOT EXISTS ");
        sb_quote(&b, name.p ? name.p : "", '"');
        sb_str(&b, " ON ");
        sb_quote(&b, t->name, '"');
        sb_str(&b, "(");
        for (uint32_t k = 0; k < n; k++) {
            if (k)
                sb_str(&b, ", ");
            sb_quote(&b, t->columns[cols[k]].name, '"');
        }
        sb_str(&b, ")");
        rc = name.oom || b.oom ? SQLITE_NOMEM : sqlite3_exec(db, b.p, NULL, NULL, NULL);
        vouch_free(name.p);
        vouch_free(b.p);
    }
    vouch_free(cols);
    return rc;
}

/* The indexes the repeated plans need. Longest column lists first, so that
 * a plan wanting (a, b) finds the (a, b, c) another plan wanted and gets no
 * index of its own. */
static int plan_indexes(sqlite3 *db, const vouch_program *p)
{
    uint32_t longest = 0;
    for (uint32_t pi = 0; pi < p->nplans; pi++)
        if (p->plans[pi].nterms > longest)
            longest = p->plans[pi].nterms;
    for (uint32_t len = longest; len > 0; len--) {
        for (uint32_t pi = 0; pi < p->nplans; pi++) {
            const vouch_plan *pl = &p->plans[pi];
            if (!pl->repeated || pl->table >= p->ntables || pl->nterms < len)
                continue;
            int rc = plan_index(db, p, pl, len);
            if (rc != SQLITE_OK)
                return rc;
        }
    }
    return SQLITE_OK;
}

/* ---- one file ------------------------------------------------------------------ */

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

/* Loads one CSV file (errors go to e). Returns an SQLite error code for a
 * store failure that is not about a row; SQLITE_OK otherwise. */
static int load_file(sqlite3 *db, const vouch_program *p, const char *path, int replace,
                     uint8_t *emptied, uint8_t *created, lerr *e)
{
    /* table from the file name */
    const char *base = base_name(path);
    size_t bl = strlen(base);
    if (bl > 4 && strcasecmp(base + bl - 4, ".csv") == 0)
        bl -= 4;
    char tname[256];
    snprintf(tname, sizeof tname, "%.*s", (int)(bl < 255 ? bl : 255), base);
    uint32_t ti = 0;
    while (ti < p->ntables && strcmp(p->tables[ti].name, tname) != 0)
        ti++;
    if (ti == p->ntables) {
        char list[400];
        size_t used = 0;
        list[0] = 0;
        for (uint32_t k = 0; k < p->ntables && used + 4 < sizeof list; k++) {
            int w = snprintf(list + used, sizeof list - used, "%s%s", k ? ", " : "",
                             p->tables[k].name);
            if (w < 0)
                break;
            used += (size_t)w;
            if (used >= sizeof list)
                used = sizeof list - 1;
        }
        const char *dym = p->ntables ? vouch_closest(tname, strlen(tname), &p->tables[0].name,
                                                     sizeof p->tables[0], p->ntables, VOUCH_CLOSEST_FOLD) : NULL;
        lerr_add(e, "%s: error: no declared fact `%s` to load it into%s%s%s (declared: %s)", path, tname,
                 dym ? "; did you mean `" : "", dym ? dym : "", dym ? ".csv`?" : "", list);
        return SQLITE_OK;
    }
    const vouch_table_decl *t = &p->tables[ti];

    csv *r = vouch_calloc(1, sizeof *r);
    if (!r)
        return SQLITE_NOMEM;
    /* The record buffer exists from the start: a record of empty fields
     * adds no byte, and r->rec + offset must never be NULL + 0. */
    r->rcap = 256;
    if (!(r->rec = vouch_malloc(r->rcap))) {
        vouch_free(r);
        return SQLITE_NOMEM;
    }
    r->file = path;
    r->line = 1;
    r->fp = fopen(path, "rb");
    int rc = SQLITE_OK;
    sqlite3_stmt *ins = NULL;
    int32_t *map = NULL;
    if (!r->fp) {
        lerr_add(e, "%s: error: cannot read: %s", path, strerror(errno));
        goto out;
    }
    /* byte order mark */
    if (cfill(r) && r->len >= 3 && r->buf[0] == 0xef && r->buf[1] == 0xbb && r->buf[2] == 0xbf)
        r->pos = 3;

    /* header */
    int got = csv_record(r, e);
    if (got <= 0) {
        if (got == 0)
            lerr_add(e, "%s:1: error: empty file: a header row naming the columns is required", path);
        if (r->oom)
            rc = SQLITE_NOMEM;
        goto out;
    }
    uint32_t nf = r->nf;
    map = vouch_malloc((nf + 1) * sizeof *map);
    uint8_t *have = vouch_calloc(t->ncolumns + 1, 1);
    if (!map || !have) {
        vouch_free(have);
        rc = SQLITE_NOMEM;
        goto out;
    }
    int bad_header = 0;
    for (uint32_t i = 0; i < nf; i++) {
        size_t n = r->fofs[i + 1] - r->fofs[i];
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(n < 127 ? n : 127), r->rec + r->fofs[i]);
        uint32_t ci = 0;
        while (ci < t->ncolumns &&
               !(strlen(t->columns[ci].name) == n &&
                 memcmp(t->columns[ci].name, r->rec + r->fofs[i], n) == 0))
            ci++;
        map[i] = -1;
        size_t badat;
        if (ci == t->ncolumns && !valid_utf8((const unsigned char *)r->rec + r->fofs[i], n, &badat)) {
            /* Not a name anyone could mean: say what is wrong with it
             * rather than print the bytes. */
            lerr_add(e, "%s:1:%u: error: the column name %s at byte %zu", path, i + 1,
                     r->rec[r->fofs[i] + badat] == 0 ? "contains a NUL byte" : "is not valid UTF-8",
                     badat + 1);
            bad_header = 1;
        } else if (ci == t->ncolumns) {
            char sh[48];
            snprintf(name, sizeof name, "%s", shown(r->rec + r->fofs[i], n, sh));
            const char *dym = t->ncolumns ? vouch_closest(name, strlen(name), &t->columns[0].name,
                                                          sizeof t->columns[0], t->ncolumns, VOUCH_CLOSEST_FOLD) : NULL;
            lerr_add(e, "%s:1:%u: error: `%s` is not a column of `%s`%s%s%s", path, i + 1, name,
                     t->name, dym ? "; did you mean `" : "", dym ? dym : "", dym ? "`?" : "");
            bad_header = 1;
        } else if (have[ci]) {
            lerr_add(e, "%s:1:%u: error: column `%s` appears twice in the header", path, i + 1, name);
            bad_header = 1;
        } else {
            have[ci] = 1;
            map[i] = (int32_t)ci;
        }
    }
    for (uint32_t ci = 0; ci < t->ncolumns; ci++)
        if (!have[ci] && !t->columns[ci].optional) {
            lerr_add(e, "%s:1: error: required column `%s` of `%s` is missing from the header", path,
                     t->columns[ci].name, t->name);
            bad_header = 1;
        }
    vouch_free(have);
    if (bad_header || lerr_full(e))
        goto out;

    /* the table: made from the declaration if missing, else checked */
    int exists = 0;
    if ((rc = table_exists(db, t->name, &exists)) != SQLITE_OK)
        goto out;
    if (!exists) {
        if ((rc = create_table(db, p, t)) != SQLITE_OK)
            goto out;
        created[ti] = 1;
    } else if (!created[ti]) {
        const char *missing;
        if ((rc = missing_column(db, t, &missing)) != SQLITE_OK)
            goto out;
        if (missing) {
            lerr_add(e, "%s: error: table `%s` in the store has no column `%s`: the store was made for "
                     "another schema (load into a new store)", path, t->name, missing);
            goto out;
        }
    }
    /* its record goes: the rows this load writes are checked as cells
     * now, and the whole table again at the end (seal_tables) */
    if ((rc = facts_check_forget(db, t)) != SQLITE_OK)
        goto out;
    if (replace && !emptied[ti]) {
        sbuf b = {0};
        sb_str(&b, "DELETE FROM ");
        sb_quote(&b, t->name, '"');
        rc = b.oom ? SQLITE_NOMEM : sqlite3_exec(db, b.p, NULL, NULL, NULL);
        vouch_free(b.p);
        if (rc != SQLITE_OK)
            goto out;
        emptied[ti] = 1;
    }
    {
        sbuf b = {0};
        sb_str(&b, "INSERT INTO ");
        sb_quote(&b, t->name, '"');
        sb_str(&b, "(");
        for (uint32_t i = 0; i < nf; i++) {
            if (i)
                sb_str(&b, ", ");
            sb_quote(&b, t->columns[map[i]].name, '"');
        }
        sb_str(&b, ") VALUES (");
        for (uint32_t i = 0; i < nf; i++)
            sb_str(&b, i ? ", ?" : "?");
        sb_str(&b, ")");
        rc = b.oom ? SQLITE_NOMEM : sqlite3_prepare_v2(db, b.p, -1, &ins, NULL);
        vouch_free(b.p);
        if (rc != SQLITE_OK)
            goto out;
    }

    /* rows */
    while (!lerr_full(e)) {
        got = csv_record(r, e);
        if (got <= 0) {
            if (r->oom)
                rc = SQLITE_NOMEM;
            break;
        }
        if (r->nf != nf) {
            /* The column is the first missing cell, or the first extra one. */
            lerr_add(e, "%s:%llu:%u: error: %u field%s, but the header has %u", path,
                     (unsigned long long)r->rec_line, (r->nf < nf ? r->nf : nf) + 1, r->nf,
                     r->nf == 1 ? "" : "s", nf);
            continue;
        }
        /* Check every cell; write the row only while the load is clean. */
        sqlite3_stmt *st = e->n == 0 ? ins : NULL;
        int bad = 0;
        for (uint32_t i = 0; i < nf && !lerr_full(e); i++) {
            const vouch_column_decl *cd = &t->columns[map[i]];
            cell cl = {path, r->rec_line, i + 1, cd->name};
            bad |= check_bind(p, cd, &cl, r->rec + r->fofs[i], r->fofs[i + 1] - r->fofs[i], st,
                              (int)i + 1, e) != 0;
        }
        if (bad || !st)
            continue;
        int src = sqlite3_step(ins);
        if (src != SQLITE_DONE) {
            int ext = sqlite3_extended_errcode(db);
            if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE ||
                ext == SQLITE_CONSTRAINT_ROWID) {
                char keys[300];
                size_t used = 0;
                keys[0] = 0;
                for (uint32_t k = 0; k < t->nkey; k++)
                    for (uint32_t i = 0; i < nf; i++)
                        if ((uint32_t)map[i] == t->key[k] && used + 8 < sizeof keys) {
                            char sh[48];
                            int w = snprintf(keys + used, sizeof keys - used, "%s%s = %s",
                                             used ? ", " : "", t->columns[t->key[k]].name,
                                             shown(r->rec + r->fofs[i],
                                                   r->fofs[i + 1] - r->fofs[i], sh));
                            if (w > 0)
                                used += (size_t)w < sizeof keys - used ? (size_t)w
                                                                       : sizeof keys - used - 1;
                        }
                lerr_add(e, "%s:%llu: error: duplicate key (%s): an earlier row%s has the same key",
                         path, (unsigned long long)r->rec_line, keys,
                         replace ? "" : " or the store");
            } else if ((src & 0xff) == SQLITE_CONSTRAINT) {
                lerr_add(e, "%s:%llu: error: the store rejected the row: %s", path,
                         (unsigned long long)r->rec_line, sqlite3_errmsg(db));
            } else {
                rc = src;
                sqlite3_reset(ins);
                break;
            }
        }
        sqlite3_reset(ins);
    }
out:
    if (ins)
        sqlite3_finalize(ins);
    vouch_free(map);
    if (r->fp)
        fclose(r->fp);
    vouch_free(r->rec);
    vouch_free(r->fofs);
    vouch_free(r);
    return rc;
}

/* ---- the records ---------------------------------------------------------------- */

/* Records the digest of every declared table of p the store holds with
 * all its declared columns, where every value fits (facts_check_seal).
 * With e, each table that holds a bad value is reported into it (as
 * many of its problems as the messages hold); without, it is left
 * without a record for `vouch check` to report. */
static int seal_tables(sqlite3 *db, const vouch_program *p, const char *db_path, lerr *e)
{
    int rc = SQLITE_OK;
    for (uint32_t ti = 0; ti < p->ntables && rc == SQLITE_OK; ti++) {
        const vouch_table_decl *t = &p->tables[ti];
        int exists = 0;
        const char *missing = NULL;
        if ((rc = table_exists(db, t->name, &exists)) != SQLITE_OK || !exists)
            continue;
        if ((rc = missing_column(db, t, &missing)) != SQLITE_OK || missing)
            continue;   /* made for another schema: check says so */
        facts_table_check bad;
        rc = facts_check_seal(db, p, ti, &bad);
        if (rc != SQLITE_OK || !bad.nbad)
            continue;
        for (uint32_t i = 0; e && i <= bad.ncolumns; i++)
            if (bad.issues[i].count)
                lerr_add(e, "%s: error: %s%s", db_path, bad.issues[i].msg ? bad.issues[i].msg : t->name,
                         bad.issues[i].count > 1 ? " (and more like it)" : "");
        facts_check_free(&bad);
    }
    return rc;
}

/* `vouch load` with no CSV file: checks and records the tables of an
 * existing store, written by other tools, without changing anything else
 * (no table made, no index, no journal mode). */
static vouch_status seal_store(const char *db_path, const vouch_program *p, vouch_error *err)
{
    sqlite3 *db = NULL;
    lerr *e = vouch_calloc(1, sizeof *e);
    vouch_status s = VOUCH_OK;
    struct stat stt;
    if (!e)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    e->err = err;
    if (stat(db_path, &stt) != 0 || S_ISDIR(stt.st_mode)) {
        s = vouch_error_set(err, VOUCH_EINPUT, "cannot check facts store %s: %s", db_path,
                            S_ISDIR(stt.st_mode) ? "is a directory" : strerror(errno));
        goto done;
    }
    int rc = sqlite3_open_v2(db_path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_busy_timeout(db, BUSY_MS);
        rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    }
    if (rc == SQLITE_OK) {
        rc = seal_tables(db, p, db_path, e);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
        else
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        int base = rc & 0xff;
        s = vouch_error_set(err, base == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EINPUT,
                            "cannot check facts store %s: %s", db_path,
                            base == SQLITE_NOTADB ? "not a SQLite database"
                            : base == SQLITE_BUSY ? "it is locked by another process"
                            : db ? sqlite3_errmsg(db) : "out of memory");
    } else if (e->n) {
        s = lerr_finish(e);
    }
done:
    sqlite3_close(db);
    vouch_free(e);
    return s;
}

/* ---- the load ------------------------------------------------------------------ */

/* Switches db to WAL mode if it can, without waiting for other
 * connections; stays as it is otherwise. */
static void set_wal(sqlite3 *db)
{
    sqlite3_stmt *st;
    sqlite3_busy_timeout(db, 0);
    if (sqlite3_prepare_v2(db, "PRAGMA journal_mode=WAL", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_step(st);
        sqlite3_finalize(st);
    }
    sqlite3_busy_timeout(db, BUSY_MS);
}

/* Gives the finished new store tmp the name db_path unless something has
 * that name by now: 0, or an errno (EEXIST: another load was first).
 * rename() would replace that store, and the other load's tables with it. */
static int publish(const char *tmp, const char *db_path)
{
    if (renameat2(AT_FDCWD, tmp, AT_FDCWD, db_path, RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return errno;
    /* a file system without RENAME_NOREPLACE: link() fails on an existing
     * name too */
    if (link(tmp, db_path) != 0)
        return errno;
    unlink(tmp);
    return 0;
}

static vouch_status load_once(const char *db_path, const vouch_program *p,
                              const char *const *csv_paths, uint32_t ncsv,
                              const vouch_load_options *opt, int *again, vouch_error *err);

vouch_status vouch_facts_load(const char *db_path, const vouch_program *p,
                              const char *const *csv_paths, uint32_t ncsv,
                              const vouch_load_options *opt, vouch_error *err)
{
    if (ncsv == 0)
        return seal_store(db_path, p, err);
    /* Again (at most a few times) while another load publishes the new
     * store first: the next try finds it and loads into it. */
    int again = 0;
    vouch_status s;
    for (int tries = 0;; tries++) {
        s = load_once(db_path, p, csv_paths, ncsv, opt, &again, err);
        if (!again)
            return s;
        if (tries == 3)
            return vouch_error_set(err, VOUCH_EIO, "cannot create facts store %s: other loads keep "
                                   "creating and removing it", db_path);
    }
}

/* One try of vouch_facts_load; *again = 1 when another load published the
 * new store first (nothing was written then). */
static vouch_status load_once(const char *db_path, const vouch_program *p,
                              const char *const *csv_paths, uint32_t ncsv,
                              const vouch_load_options *opt, int *again, vouch_error *err)
{
    *again = 0;
    lerr *e = vouch_calloc(1, sizeof *e);
    uint8_t *emptied = vouch_calloc(p->ntables + 1, 1);
    uint8_t *created = vouch_calloc(p->ntables + 1, 1);
    char *tmp = NULL;
    sqlite3 *db = NULL;
    vouch_status s = VOUCH_OK;
    int rc, fresh = 0, in_txn = 0;
    struct stat stt;
    if (!e || !emptied || !created) {
        s = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto done;
    }
    e->err = err;

    if (stat(db_path, &stt) != 0) {
        if (errno != ENOENT) {
            s = vouch_error_set(err, VOUCH_EIO, "cannot use facts store %s: %s", db_path,
                                strerror(errno));
            goto done;
        }
        /* A new store: built beside the target, renamed into place at the end. */
        fresh = 1;
        size_t n = strlen(db_path);
        tmp = vouch_malloc(n + 16);
        if (!tmp) {
            s = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
            goto done;
        }
        memcpy(tmp, db_path, n);
        memcpy(tmp + n, ".tmp-XXXXXX", 12);
        int fd = mkstemp(tmp);
        if (fd < 0) {
            s = vouch_error_set(err, VOUCH_EIO, "cannot create facts store %s: %s", db_path,
                                strerror(errno));
            vouch_free(tmp);
            tmp = NULL;
            goto done;
        }
        mode_t um = umask(0);
        umask(um);
        fchmod(fd, 0666 & ~um);
        close(fd);
    } else if (S_ISDIR(stt.st_mode)) {
        s = vouch_error_set(err, VOUCH_EIO, "cannot use facts store %s: is a directory", db_path);
        goto done;
    }

    rc = sqlite3_open_v2(fresh ? tmp : db_path, &db, SQLITE_OPEN_READWRITE, NULL);
    if (rc != SQLITE_OK) {
        s = vouch_error_set(err, VOUCH_EIO, "cannot open facts store %s: %s", db_path,
                            db ? sqlite3_errmsg(db) : "out of memory");
        goto done;
    }
    sqlite3_busy_timeout(db, BUSY_MS);
    if (fresh) {
        /* nobody else sees the file: no journal; a failure deletes it */
        rc = sqlite3_exec(db, "PRAGMA journal_mode=OFF", NULL, NULL, NULL);
        if (rc == SQLITE_OK)
            rc = sqlite3_exec(db, "PRAGMA synchronous=NORMAL", NULL, NULL, NULL);
    } else {
        /* An existing store is loaded in WAL mode: its readers (vouch check)
         * keep their snapshot while the load writes, and a load killed at
         * any point leaves only uncommitted frames in the -wal file, which
         * every later reader ignores. Where WAL cannot be had (a file
         * system without shared memory, another connection in the way),
         * the rollback journal still makes the load one transaction. */
        set_wal(db);
    }
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
    if (rc == SQLITE_OK) {
        in_txn = 1;
        rc = sqlite3_exec(db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL);
    }
    if (rc != SQLITE_OK) {
        int base = sqlite3_errcode(db) & 0xff;
        s = vouch_error_set(err, VOUCH_EINPUT, "cannot load into facts store %s: %s", db_path,
                            base == SQLITE_NOTADB ? "not a SQLite database"
                            : base == SQLITE_BUSY ? "it is locked by another process"
                                                  : sqlite3_errmsg(db));
        goto done;
    }

    for (uint32_t i = 0; i < ncsv && !lerr_full(e); i++) {
        rc = load_file(db, p, csv_paths[i], opt && opt->replace, emptied, created, e);
        if (rc != SQLITE_OK) {
            s = vouch_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EIO,
                                "%s: writing facts store %s: %s", csv_paths[i], db_path,
                                sqlite3_errmsg(db));
            goto done;
        }
    }
    if (e->n) {
        s = lerr_finish(e);
        goto done;
    }
    /* The tables the packs read and no CSV filled are created empty, so a
     * store made by `vouch load --pack P` can be checked against P: an
     * organisation with no suppliers yet has an empty supplier table. */
    for (uint32_t t = 0; t < p->ntables && rc == SQLITE_OK; t++) {
        int exists = 0;
        if (!p->tables[t].first_used)
            continue;
        rc = table_exists(db, p->tables[t].name, &exists);
        if (rc == SQLITE_OK && !exists)
            rc = create_table(db, p, &p->tables[t]);
    }
    if (rc != SQLITE_OK) {
        s = vouch_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EIO,
                            "creating the tables of facts store %s: %s", db_path, sqlite3_errmsg(db));
        goto done;
    }
    rc = plan_indexes(db, p);
    /* Sealed before ANALYZE, so the statistics cover the record table on
     * every load alike (the first load included): two loads of the same
     * rows leave the same store. */
    if (rc == SQLITE_OK)
        rc = seal_tables(db, p, db_path, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "ANALYZE", NULL, NULL, NULL);
    if (rc == SQLITE_OK)
        rc = sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    if (rc != SQLITE_OK) {
        s = vouch_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EIO,
                            "writing facts store %s: %s", db_path, sqlite3_errmsg(db));
        goto done;
    }
    in_txn = 0;
    if (fresh)
        set_wal(db);         /* the store is born in WAL mode (see above) */
    rc = sqlite3_close(db);
    db = NULL;
    if (fresh) {
        int perr = rc != SQLITE_OK ? 0 : publish(tmp, db_path);
        if (perr == EEXIST) {
            *again = 1;      /* tmp is removed below */
            goto done;
        }
        if (rc != SQLITE_OK || perr != 0) {
            s = vouch_error_set(err, VOUCH_EIO, "cannot create facts store %s: %s", db_path,
                                rc != SQLITE_OK ? "closing failed" : strerror(perr));
            goto done;
        }
        vouch_free(tmp);
        tmp = NULL;
    }
done:
    if (db) {
        if (in_txn)
            sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
        sqlite3_close(db);
    }
    if (tmp) {
        unlink(tmp);
        vouch_free(tmp);
    }
    vouch_free(e);
    vouch_free(emptied);
    vouch_free(created);
    return s;
}
