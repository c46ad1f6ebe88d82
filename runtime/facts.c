/*
 * facts.c: the facts store, a read-only SQLite file that the VM reads
 * through the program's plans (see facts.h for the contract).
 *
 * One connection, opened read-only with a large mmap, and one read
 * transaction from vouch_facts_bind to the next bind or close, so every rule
 * of a run sees the same snapshot. Each plan gets one cursor, answered in
 * one of two ways, chosen at bind:
 *
 *   SQL   a statement prepared once (SQLITE_PREPARE_PERSISTENT) whose WHERE
 *         carries all the plan's terms as ?N parameters (N = param + 1);
 *         every seek resets it and rebinds. SQLite's indexes turn the terms
 *         into index seeks; EXISTS adds LIMIT 1, COUNT/MIN/MAX use SQLite's
 *         aggregates.
 *   HASH  for a repeated plan whose bound equality columns no index of the
 *         table starts with: an in-memory index built by one filtered scan
 *         on the plan's first seek. Rows are grouped by their bound-equality
 *         key (one contiguous bucket per key) and, when the plan has a bound
 *         range on a column, sorted by it inside the bucket so a seek is one
 *         hash probe plus two binary searches. Constant terms are applied by
 *         the scan's WHERE. Plans with the same table, key columns, sort
 *         column and constant terms share a "spec"; each set of constant
 *         values met at run time gets one built instance of it.
 *
 * Invariants:
 *   - Parameters are copied into the cursor at every seek (text into a
 *     per-cursor buffer that only grows), so the caller's values may die
 *     right after vouch_facts_seek; statements bind them SQLITE_STATIC.
 *   - A hash instance owns its rows; their text lives in the store's arena
 *     (interned, one copy per distinct string) and enum members point at the
 *     program's own member strings. Both outlive the run.
 *   - Stored values are converted to the declared type on the way out; a
 *     value that does not fit is VOUCH_ERUNTIME (the rule fails, the run
 *     goes on); SQLite failures are VOUCH_EIO / VOUCH_ENOMEM.
 *   - The two paths agree on none: EQ/NE treat none as a value (`IS`,
 *     `IS NOT`), ordering comparisons with none are false.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sqlite3.h>
#include "facts.h"
#include "date.h"

#define MMAP_SIZE "1073741824"
#define BUSY_MS 3000
#define MAX_KEY 16         /* bound equality terms a hash index keys on, at most */

/* ---- small helpers: growable text, arena ---------------------------------- */

typedef struct sbuf {
    char *p;
    size_t n, cap;
    int oom;
} sbuf;

static void sb_add(sbuf *b, const char *s, size_t n)
{
    if (b->oom)
        return;
    if (b->n + n + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 128;
        while (cap < b->n + n + 1)
            cap *= 2;
        char *p = realloc(b->p, cap);
        if (!p) {
            b->oom = 1;
            return;
        }
        b->p = p;
        b->cap = cap;
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

static void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

static void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

/* An SQL identifier in double quotes, embedded quotes doubled. */
static void sb_ident(sbuf *b, const char *name)
{
    sb_add(b, "\"", 1);
    for (const char *q; (q = strchr(name, '"')) != NULL; name = q + 1) {
        sb_add(b, name, (size_t)(q - name) + 1);
        sb_add(b, "\"", 1);
    }
    sb_str(b, name);
    sb_add(b, "\"", 1);
}

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    char data[];
} chunk;

static void *arena_alloc(chunk **head, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    chunk *c = *head;
    if (!c || c->cap - c->used < n) {
        /* chunks double from 64 KiB up to 8 MiB; a bigger request gets its own */
        size_t cap = c ? c->cap * 2 : 65536;
        if (cap > (8u << 20))
            cap = 8u << 20;
        if (cap < n)
            cap = n;
        c = malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = *head;
        c->used = 0;
        c->cap = cap;
        *head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

static void arena_free(chunk **head)
{
    for (chunk *c = *head, *n; c; c = n) {
        n = c->next;
        free(c);
    }
    *head = NULL;
}

/* ---- value comparison as the terms see it --------------------------------
 * Stored and parameter values are compared by kind, not by exact tag, so an
 * int parameter still matches a bool or duration column, as it would in
 * SQL. Text compares bytewise, as SQLite's BINARY collation. */

static int is_num(const vouch_value *v) { return v->type != VT_NONE && v->type != VT_TEXT; }

static int key_eq(const vouch_value *a, const vouch_value *b)
{
    if (a->type == VT_TEXT || b->type == VT_TEXT)
        return a->type == b->type && a->len == b->len &&
               (a->len == 0 || memcmp(a->u.s, b->u.s, a->len) == 0);
    if (a->type == VT_NONE || b->type == VT_NONE)
        return a->type == b->type;
    return a->u.i == b->u.i;
}

/* Both present. Numbers sort before text (never met for typed columns). */
static int key_cmp(const vouch_value *a, const vouch_value *b)
{
    if (a->type == VT_TEXT && b->type == VT_TEXT)
        return vouch_value_compare(a, b);
    if (a->type == VT_TEXT || b->type == VT_TEXT)
        return a->type == VT_TEXT ? 1 : -1;
    return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
}

static uint64_t key_hash1(const vouch_value *v)
{
    if (is_num(v)) {
        vouch_value t = vouch_int(v->u.i);
        return vouch_value_hash(&t);
    }
    return vouch_value_hash(v);
}

/* The language's meaning of `column CMP param`. */
static int term_holds(const vouch_value *col, int cmp, const vouch_value *p)
{
    switch (cmp) {
    case CMP_EQ: return key_eq(col, p);
    case CMP_NE: return !key_eq(col, p);
    default: break;
    }
    if (col->type == VT_NONE || p->type == VT_NONE)
        return 0;
    int c = key_cmp(col, p);
    switch (cmp) {
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    default:     return c >= 0;
    }
}

static const char *cmp_sql(int cmp, int optional)
{
    switch (cmp) {
    case CMP_EQ: return optional ? " IS " : " = ";
    case CMP_NE: return " IS NOT ";  /* none is a value for != as well */
    case CMP_LT: return " < ";
    case CMP_LE: return " <= ";
    case CMP_GT: return " > ";
    default:     return " >= ";
    }
}

static const char *cmp_text(int cmp)
{
    static const char *t[] = {"==", "!=", "<", "<=", ">", ">="};
    return cmp < 6 ? t[cmp] : "?";
}

/* ---- store structures ------------------------------------------------------ */

enum { CUR_NONE = 0, CUR_SQL, CUR_HASH };
enum { ST_IDLE = 0, ST_READY, ST_ROW, ST_DONE };

typedef struct pterm {     /* a term of a hash plan, resolved */
    uint32_t pos;          /* position of the column in the spec's stored row */
    uint8_t cmp;
    uint32_t param;
} pterm;

typedef struct hinst {     /* one built hash index */
    struct hinst *next;
    vouch_value *cvals;    /* the constant values it was built with (spec order) */
    uint32_t nrows;
    vouch_value *rows;     /* nrows * (ncols - nkey): the non-key columns, by bucket */
    uint32_t nkeys;
    struct hkey { uint64_t hash; uint32_t start, count; } *keys;
    vouch_value *kvals;    /* nkeys * spec->nkey: each bucket's key values */
    uint32_t *slots;       /* open addressing: key index + 1, 0 empty */
    uint32_t mask;
    vouch_status failed;   /* build failed: every seek repeats this error */
    char *errmsg;
} hinst;

typedef struct hspec {     /* what plans sharing hash indexes have in common */
    uint32_t table;
    uint32_t nkey;
    uint32_t *keycols;     /* sorted declared column indices; stored at 0..nkey-1 */
    int32_t bsort;         /* a member's bound range column, or -1 */
    int32_t sortcol;       /* declared column the buckets are sorted by, or -1 */
    uint32_t nconst;
    uint32_t *ccol;        /* constant terms, sorted by (column, cmp) */
    uint8_t *ccmp;
    uint32_t ncols, capcols;
    uint32_t *cols;        /* declared columns stored per row */
    char *sql;             /* the build scan */
    hinst *insts;
    struct hspec *next;
} hspec;

typedef struct cursor {
    uint8_t kind, state, mode;
    const vouch_plan *plan;
    char *desc;
    vouch_value *pv;       /* copy of the last seek's parameters */
    char *pbuf;
    size_t pcap;
    /* SQL */
    sqlite3_stmt *stmt;
    int rowid_col;         /* result column holding the rowid, or -1 */
    int nbind;             /* parameters the statement has */
    /* HASH */
    hspec *spec;
    hinst *inst;
    uint32_t nkey;
    uint32_t keycol[MAX_KEY];    /* the plan's key: sorted declared columns */
    uint32_t keyparam[MAX_KEY];  /* and the parameter each is compared with */
    int32_t bsort;         /* first bound range column that is not a key, or -1 */
    uint32_t ncidx;
    uint32_t *cidx;        /* constant terms, sorted by (column, cmp) */
    uint8_t *tflag;        /* per term: 1 key, 2 a constant of the spec, 0 applied here */
    uint32_t *constparam;  /* per constant of the spec, in spec order */
    uint32_t nrange, nfilt;
    pterm *range;          /* bound ranges on the sort column */
    pterm *filt;           /* other bound terms applied per row */
    uint32_t *outpos;      /* plan column i (or the aggregated one) -> stored position */
    uint32_t pos, end;
    const vouch_value *key;  /* the current bucket's key values */
    const vouch_value *row;
    vouch_value agg;
} cursor;

typedef struct tinfo {     /* what bind learnt about a declared table */
    uint8_t checked;
    uint8_t has_rowid;
    uint8_t *indexed;      /* per declared column: some usable index starts with it */
} tinfo;

typedef struct istr { const char *s; uint32_t len; uint32_t h; } istr;

struct vouch_facts {
    sqlite3 *db;
    char *path;
    int in_txn;
    const vouch_program *p;
    cursor *cur;
    uint32_t ncur;
    tinfo *tinfo;
    uint32_t ntinfo;
    hspec *specs;
    chunk *arena;
    istr *itab;            /* text interning for hash rows */
    uint32_t imask, icount;
    vouch_facts_stats stats;
};

/* ---- errors --------------------------------------------------------------- */

static vouch_status db_error(vouch_facts *f, int rc, vouch_error *err, const char *what)
{
    int base = rc & 0xff;
    if (base == SQLITE_NOMEM)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory (%s)", what);
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return vouch_error_set(err, VOUCH_EIO,
                               "facts store %s is locked by another process (%s); try again "
                               "when it has finished", f->path, what);
    return vouch_error_set(err, VOUCH_EIO, "facts store %s: %s: %s", f->path, what,
                           sqlite3_errmsg(f->db));
}

static vouch_status oom(vouch_error *err)
{
    return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

/* ---- open / close ----------------------------------------------------------- */

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

vouch_status vouch_facts_open(const char *path, vouch_facts **out, vouch_error *err)
{
    struct stat st;
    *out = NULL;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return vouch_error_set(err, VOUCH_EINPUT,
                                   "cannot open facts store %s: no such file", path);
        return vouch_error_set(err, VOUCH_EINPUT, "cannot open facts store %s: %s", path,
                               strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return vouch_error_set(err, VOUCH_EINPUT, "cannot open facts store %s: is a directory",
                               path);
    if (st.st_size == 0)
        return vouch_error_set(err, VOUCH_EINPUT,
                               "cannot open facts store %s: the file is empty, not a SQLite "
                               "database (make one with `vouch load`)", path);

    vouch_facts *f = calloc(1, sizeof *f);
    if (!f || !(f->path = strdup(path))) {
        free(f);
        return oom(err);
    }
    int rc = sqlite3_open_v2(path, &f->db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        vouch_status s = !f->db ? oom(err)
            : vouch_error_set(err, VOUCH_EINPUT, "cannot open facts store %s: %s", path,
                              sqlite3_errmsg(f->db));
        vouch_facts_close(f);
        return s;
    }
    sqlite3_busy_timeout(f->db, BUSY_MS);
    /* The first statement that reads the file tells a database from
     * anything else, and a locked one from a free one. */
    rc = exec(f->db, "PRAGMA mmap_size=" MMAP_SIZE);
    if (rc == SQLITE_OK)
        rc = exec(f->db, "PRAGMA query_only=1");
    if (rc == SQLITE_OK)
        rc = exec(f->db, "SELECT count(*) FROM sqlite_master");
    if (rc != SQLITE_OK) {
        vouch_status s;
        int base = sqlite3_errcode(f->db) & 0xff;
        if (base == SQLITE_NOTADB || base == SQLITE_CORRUPT)
            s = vouch_error_set(err, VOUCH_EINPUT,
                                "cannot open facts store %s: not a SQLite database%s", path,
                                base == SQLITE_CORRUPT ? " (or a damaged one)" : "");
        else if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
            s = vouch_error_set(err, VOUCH_EINPUT,
                                "cannot open facts store %s: it is locked by another process "
                                "(waited %d ms)", path, BUSY_MS);
        else
            s = vouch_error_set(err, VOUCH_EINPUT, "cannot open facts store %s: %s", path,
                                sqlite3_errmsg(f->db));
        vouch_facts_close(f);
        return s;
    }
    *out = f;
    return VOUCH_OK;
}

static void hinst_clear(hinst *h);

static void unbind(vouch_facts *f)
{
    for (uint32_t i = 0; i < f->ncur; i++) {
        cursor *c = &f->cur[i];
        sqlite3_finalize(c->stmt);
        free(c->desc);
        free(c->pv);
        free(c->pbuf);
        free(c->cidx);
        free(c->tflag);
        free(c->constparam);
        free(c->range);
        free(c->filt);
        free(c->outpos);
    }
    free(f->cur);
    f->cur = NULL;
    f->ncur = 0;
    for (hspec *s = f->specs, *ns; s; s = ns) {
        ns = s->next;
        for (hinst *h = s->insts, *nh; h; h = nh) {
            nh = h->next;
            hinst_clear(h);
            free(h->errmsg);
            free(h);
        }
        free(s->keycols);
        free(s->ccol);
        free(s->ccmp);
        free(s->cols);
        free(s->sql);
        free(s);
    }
    f->specs = NULL;
    for (uint32_t t = 0; f->tinfo && t < f->ntinfo; t++)   /* p may be gone by now */
        free(f->tinfo[t].indexed);
    f->ntinfo = 0;
    free(f->tinfo);
    f->tinfo = NULL;
    free(f->itab);
    f->itab = NULL;
    f->imask = f->icount = 0;
    arena_free(&f->arena);
    if (f->in_txn) {
        exec(f->db, "COMMIT");
        f->in_txn = 0;
    }
    f->p = NULL;
    memset(&f->stats, 0, sizeof f->stats);
}

void vouch_facts_close(vouch_facts *f)
{
    if (!f)
        return;
    unbind(f);
    sqlite3_close(f->db);
    free(f->path);
    free(f);
}

/* ---- schema checks ----------------------------------------------------------- */

static int col_of(const vouch_table_decl *t, const char *name)
{
    for (uint32_t i = 0; i < t->ncolumns; i++)
        if (sqlite3_stricmp(t->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const char *type_name(const vouch_program *p, const vouch_column_decl *c)
{
    if (c->enum_id >= 0)
        return "enum";
    switch (c->type) {
    case VT_BOOL: return "bool";
    case VT_INT:  return "int";
    case VT_DATE: return "date";
    case VT_DUR:  return "duration";
    default:      return "text";
    }
}

/* Checks table t's columns against the store and learns its indexes. */
static vouch_status check_table(vouch_facts *f, uint32_t ti, vouch_error *err)
{
    const vouch_table_decl *t = &f->p->tables[ti];
    tinfo *info = &f->tinfo[ti];
    sqlite3_stmt *st = NULL;
    vouch_status s = VOUCH_OK;
    int rc;
    uint8_t *seen = calloc(t->ncolumns + 1, 1);
    info->indexed = calloc(t->ncolumns + 1, 1);
    if (!seen || !info->indexed) {
        free(seen);
        return oom(err);
    }
    info->checked = 1;

    /* Columns; an INTEGER PRIMARY KEY column is the rowid, an index. */
    rc = sqlite3_prepare_v2(f->db, "SELECT name, type, pk FROM pragma_table_info(?1)", -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        s = db_error(f, rc, err, "reading the schema");
        goto done;
    }
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    int ncols = 0, npk = 0, pkcol = -1, pkint = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        int c = name ? col_of(t, name) : -1;
        ncols++;
        if (c >= 0)
            seen[c] = 1;
        if (sqlite3_column_int(st, 2) > 0) {
            npk++;
            pkcol = c;
            pkint = type && sqlite3_stricmp(type, "INTEGER") == 0;
        }
    }
    if (rc != SQLITE_DONE) {
        s = db_error(f, rc, err, "reading the schema");
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    if (ncols == 0) {
        s = vouch_error_set(err, VOUCH_EINPUT,
                            "facts store %s has no table `%s` (the program reads it); run "
                            "`vouch load` to create and fill it", f->path, t->name);
        goto done;
    }
    for (uint32_t i = 0; i < t->ncolumns; i++)
        if (!seen[i]) {
            s = vouch_error_set(err, VOUCH_EINPUT,
                                "table `%s` in facts store %s has no column `%s` (declared "
                                "%s%s); the store was made for another schema: rebuild it with "
                                "`vouch load`", t->name, f->path, t->columns[i].name,
                                type_name(f->p, &t->columns[i]),
                                t->columns[i].optional ? "?" : "");
            goto done;
        }

    /* Does the table have a rowid (not WITHOUT ROWID, not a view)? */
    {
        sbuf b = {0};
        sb_str(&b, "SELECT rowid FROM ");
        sb_ident(&b, t->name);
        if (b.oom) {
            s = oom(err);
            goto done;
        }
        rc = sqlite3_prepare_v2(f->db, b.p, -1, &st, NULL);
        free(b.p);
        info->has_rowid = rc == SQLITE_OK;
        sqlite3_finalize(st);
        st = NULL;
    }
    if (npk == 1 && pkint && pkcol >= 0 && info->has_rowid)
        info->indexed[pkcol] = 1;

    /* Indexes (the autoindexes of PRIMARY KEY / UNIQUE included): note the
     * first column of each one that is not partial. */
    rc = sqlite3_prepare_v2(f->db,
                            "SELECT ii.name FROM pragma_index_list(?1) AS il, "
                            "pragma_index_info(il.name) AS ii "
                            "WHERE ii.seqno = 0 AND il.partial = 0",
                            -1, &st, NULL);
    if (rc != SQLITE_OK) {
        s = db_error(f, rc, err, "reading the indexes");
        goto done;
    }
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int c = name ? col_of(t, name) : -1;
        if (c >= 0)
            info->indexed[c] = 1;
    }
    if (rc != SQLITE_DONE)
        s = db_error(f, rc, err, "reading the indexes");
done:
    sqlite3_finalize(st);
    free(seen);
    return s;
}

/* ---- stored value -> declared type -------------------------------------- */

static int parse_int(const char *s, int n, int64_t *out)
{
    int i = 0, neg = 0;
    uint64_t v = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static const char *intern(vouch_facts *f, const char *s, uint32_t n);

static const char *row_where(char buf[64], sqlite3_stmt *st, int rowid_sc)
{
    buf[0] = 0;
    if (rowid_sc >= 0)
        snprintf(buf, 64, " in the row with rowid %lld",
                 (long long)sqlite3_column_int64(st, rowid_sc));
    return buf;
}

/* Reads result column sc of st as declared column ci of table t into *out.
 * keep: text must outlive the statement (interned in the store's arena).
 * rowid_sc: the result column with the rowid (for messages), or -1. */
static vouch_status convert(vouch_facts *f, const vouch_table_decl *t, uint32_t ci,
                            sqlite3_stmt *st, int sc, int rowid_sc, int keep, vouch_value *out,
                            vouch_error *err)
{
    const vouch_column_decl *c = &t->columns[ci];
    char wb[64];
    const char *s = NULL;
    int n = 0;
    if (c->type == VT_TEXT || c->type == VT_DATE) {
        /* Text first: NULL comes back as a null pointer, which saves asking
         * for the type on the hot path. */
        s = (const char *)sqlite3_column_text(st, sc);
        if (!s && sqlite3_column_type(st, sc) != SQLITE_NULL)
            return oom(err);
        n = sqlite3_column_bytes(st, sc);
    } else if (sqlite3_column_type(st, sc) != SQLITE_NULL) {
        if (sqlite3_column_type(st, sc) == SQLITE_INTEGER) {
            int64_t v = sqlite3_column_int64(st, sc);
            if (c->type == VT_BOOL && v != 0 && v != 1)
                return vouch_error_set(err, VOUCH_ERUNTIME,
                                       "facts store: %s.%s holds %lld%s, but a bool is 0 or 1",
                                       t->name, c->name, (long long)v, row_where(wb, st, rowid_sc));
            out->type = c->type;
            out->len = 0;
            out->u.i = v;
            return VOUCH_OK;
        }
        s = (const char *)sqlite3_column_text(st, sc);
        n = sqlite3_column_bytes(st, sc);
        if (!s)
            return oom(err);
    }
    if (!s) {
        if (!c->optional)
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s is empty%s but the column is not optional",
                                   t->name, c->name, row_where(wb, st, rowid_sc));
        *out = vouch_none();
        return VOUCH_OK;
    }
    switch (c->type) {
    case VT_INT:
    case VT_BOOL:
    case VT_DUR: {
        /* stored as text (or real): accepted only if it is an integer */
        int64_t v;
        if (sqlite3_column_type(st, sc) != SQLITE_TEXT || parse_int(s, n, &v) != 0)
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s holds `%.*s`%s, which is not an integer",
                                   t->name, c->name, n > 40 ? 40 : n, s,
                                   row_where(wb, st, rowid_sc));
        if (c->type == VT_BOOL && v != 0 && v != 1)
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s holds %lld%s, but a bool is 0 or 1",
                                   t->name, c->name, (long long)v, row_where(wb, st, rowid_sc));
        out->type = c->type;
        out->len = 0;
        out->u.i = v;
        return VOUCH_OK;
    }
    case VT_DATE: {
        int64_t d;
        if (date_parse(s, (size_t)n, &d) != 0)
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s holds `%.*s`%s, which is not a date "
                                   "(YYYY-MM-DD)", t->name, c->name, n > 40 ? 40 : n, s,
                                   row_where(wb, st, rowid_sc));
        *out = vouch_date(d);
        return VOUCH_OK;
    }
    default:
        if (c->enum_id >= 0 && (uint32_t)c->enum_id < f->p->nenums) {
            /* enum members come back as the program's own spellings */
            const vouch_enum_decl *e = &f->p->enums[c->enum_id];
            for (uint32_t k = 0; k < e->nvalues; k++)
                if (strncmp(e->values[k], s, (size_t)n) == 0 && e->values[k][n] == 0) {
                    *out = vouch_text(e->values[k], (size_t)n);
                    return VOUCH_OK;
                }
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s holds `%.*s`%s, which is not a member of "
                                   "the enum", t->name, c->name, n > 40 ? 40 : n, s,
                                   row_where(wb, st, rowid_sc));
        }
        if (keep && !(s = intern(f, s, (uint32_t)n)))
            return oom(err);
        *out = vouch_text(s, (size_t)n);
        return VOUCH_OK;
    }
}

/* ---- text interning (hash rows) ------------------------------------------- */

static const char *intern(vouch_facts *f, const char *s, uint32_t n)
{
    if (f->icount * 2 >= f->imask) {
        uint32_t cap = f->imask ? (f->imask + 1) * 2 : 1024;
        istr *t = calloc(cap, sizeof *t);
        if (!t)
            return NULL;
        for (uint32_t i = 0; f->itab && i <= f->imask; i++) {
            if (!f->itab[i].s)
                continue;
            uint32_t j = f->itab[i].h & (cap - 1);
            while (t[j].s)
                j = (j + 1) & (cap - 1);
            t[j] = f->itab[i];
        }
        free(f->itab);
        f->itab = t;
        f->imask = cap - 1;
    }
    vouch_value v = vouch_text(s, n);
    uint32_t h = (uint32_t)vouch_value_hash(&v);
    uint32_t j = h & f->imask;
    for (; f->itab[j].s; j = (j + 1) & f->imask)
        if (f->itab[j].h == h && f->itab[j].len == n && memcmp(f->itab[j].s, s, n) == 0)
            return f->itab[j].s;
    char *copy = arena_alloc(&f->arena, n + 1);
    if (!copy)
        return NULL;
    memcpy(copy, s, n);
    copy[n] = 0;
    f->itab[j].s = copy;
    f->itab[j].len = n;
    f->itab[j].h = h;
    f->icount++;
    return copy;
}

/* ---- planning --------------------------------------------------------------- */

static int is_range(int cmp) { return cmp >= CMP_LT && cmp <= CMP_GE; }

/* Adds " WHERE ..." for the terms selected by want (0: constant, 1: bound,
 * 2: all) to b, numbering parameters as ?param+1, or ?k+1 for the k-th
 * selected term when renumber is set. */
static void where_sql(sbuf *b, const vouch_table_decl *t, const vouch_plan *pl, int want,
                      int renumber, const uint32_t *order, uint32_t norder)
{
    uint32_t k = 0;
    for (uint32_t j = 0; j < (order ? norder : pl->nterms); j++) {
        const vouch_plan_term *tm = &pl->terms[order ? order[j] : j];
        if (want != 2 && tm->bound != want)
            continue;
        const vouch_column_decl *c = &t->columns[tm->column];
        sb_str(b, k ? " AND " : " WHERE ");
        sb_ident(b, c->name);
        sb_str(b, cmp_sql(tm->cmp, c->optional));
        sb_fmt(b, "?%u", (renumber ? k : tm->param) + 1);
        k++;
    }
}

static vouch_status plan_sql(vouch_facts *f, uint32_t pi, vouch_error *err)
{
    const vouch_program *p = f->p;
    const vouch_plan *pl = &p->plans[pi];
    const vouch_table_decl *t = &p->tables[pl->table];
    cursor *c = &f->cur[pi];
    sbuf b = {0};
    c->kind = CUR_SQL;
    c->rowid_col = -1;
    sb_str(&b, "SELECT ");
    switch (pl->mode) {
    case PLAN_COUNT:
        sb_str(&b, "count(*)");
        break;
    case PLAN_MIN:
    case PLAN_MAX:
        sb_str(&b, pl->mode == PLAN_MIN ? "min(" : "max(");
        sb_ident(&b, t->columns[pl->agg_column].name);
        sb_str(&b, ")");
        break;
    default:
        for (uint32_t i = 0; i < pl->ncolumns; i++) {
            if (i)
                sb_str(&b, ", ");
            sb_ident(&b, t->columns[pl->columns[i]].name);
        }
        if (pl->ncolumns == 0)
            sb_str(&b, "1");
        else if (f->tinfo[pl->table].has_rowid) {
            sb_str(&b, ", rowid");   /* for messages about bad stored values */
            c->rowid_col = (int)pl->ncolumns;
        }
        break;
    }
    sb_str(&b, " FROM ");
    sb_ident(&b, t->name);
    where_sql(&b, t, pl, 2, 0, NULL, 0);
    if (pl->mode == PLAN_EXISTS)
        sb_str(&b, " LIMIT 1");
    if (b.oom) {
        free(b.p);
        return oom(err);
    }
    int rc = sqlite3_prepare_v3(f->db, b.p, -1, SQLITE_PREPARE_PERSISTENT, &c->stmt, NULL);
    if (rc != SQLITE_OK) {
        vouch_status s = db_error(f, rc, err, "preparing a query");
        free(b.p);
        return s;
    }
    c->nbind = sqlite3_bind_parameter_count(c->stmt);
    c->desc = malloc(b.n + 6);
    if (!c->desc) {
        free(b.p);
        return oom(err);
    }
    memcpy(c->desc, "sql: ", 5);
    memcpy(c->desc + 5, b.p, b.n + 1);
    free(b.p);
    f->stats.sql_plans++;
    return VOUCH_OK;
}

/* Would plan pi be answered from a hash index? */
static int wants_hash(vouch_facts *f, const vouch_plan *pl)
{
    if (!pl->repeated)
        return 0;
    const tinfo *info = &f->tinfo[pl->table];
    uint32_t any = 0;
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (tm->bound && tm->cmp == CMP_EQ) {
            any++;
            if (info->indexed[tm->column])
                return 0;
        }
    }
    return any > 0 && any <= MAX_KEY;  /* more key terms than that: leave it to SQL */
}

static int spec_add_col(hspec *s, uint32_t col)
{
    for (uint32_t i = 0; i < s->ncols; i++)
        if (s->cols[i] == col)
            return 0;
    if (s->ncols == s->capcols) {
        uint32_t cap = s->capcols ? s->capcols * 2 : 8;
        uint32_t *n = realloc(s->cols, cap * sizeof *n);
        if (!n)
            return -1;
        s->cols = n;
        s->capcols = cap;
    }
    s->cols[s->ncols++] = col;
    return 0;
}

/* Position of a declared column among the spec's stored ones. Columns are
 * only ever appended, so a position once known stays right. */
static uint32_t spec_pos(const hspec *s, uint32_t col)
{
    for (uint32_t i = 0; i < s->ncols; i++)
        if (s->cols[i] == col)
            return i;
    return 0; /* not reached: every column a plan needs was added */
}

static int term_before(const vouch_plan_term *a, const vouch_plan_term *b)
{
    return a->column < b->column || (a->column == b->column && a->cmp < b->cmp);
}

/* Sorts idx[0..n) by (column, cmp) of the plan's terms, stably. */
static void sort_terms(const vouch_plan *pl, uint32_t *idx, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = idx[i], j = i;
        while (j > 0 && term_before(&pl->terms[x], &pl->terms[idx[j - 1]])) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

/* Hash planning, pass 1, per plan: the key (the distinct columns of the
 * bound equality terms, sorted, with the parameter of the first term on
 * each), the first bound range column that is not a key column, and the
 * constant terms sorted by (column, cmp). */
static vouch_status plan_hash(vouch_facts *f, uint32_t pi, vouch_error *err)
{
    const vouch_plan *pl = &f->p->plans[pi];
    cursor *c = &f->cur[pi];
    uint32_t n = pl->nterms;
    c->constparam = malloc((n + 1) * sizeof *c->constparam);
    c->cidx = malloc((n + 1) * sizeof *c->cidx);
    c->range = malloc((n + 1) * sizeof *c->range);
    c->filt = malloc((n + 1) * sizeof *c->filt);
    if (!c->constparam || !c->cidx || !c->range || !c->filt)
        return oom(err);
    c->kind = CUR_HASH;
    c->nkey = c->ncidx = 0;
    c->bsort = -1;
    for (uint32_t j = 0; j < n; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (!tm->bound) {
            c->cidx[c->ncidx++] = j;
        } else if (tm->cmp == CMP_EQ) {
            uint32_t k = 0;
            while (k < c->nkey && c->keycol[k] != tm->column)
                k++;
            if (k == c->nkey) {  /* insertion into the sorted key */
                uint32_t at = c->nkey++;
                while (at > 0 && c->keycol[at - 1] > tm->column) {
                    c->keycol[at] = c->keycol[at - 1];
                    c->keyparam[at] = c->keyparam[at - 1];
                    at--;
                }
                c->keycol[at] = tm->column;
                c->keyparam[at] = tm->param;
            }
        }
    }
    for (uint32_t j = 0; j < n && c->bsort < 0; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        uint32_t k = 0;
        while (k < c->nkey && c->keycol[k] != tm->column)
            k++;
        if (tm->bound && is_range(tm->cmp) && k == c->nkey)
            c->bsort = (int32_t)tm->column;
    }
    sort_terms(pl, c->cidx, c->ncidx);
    f->stats.hash_plans++;
    return VOUCH_OK;
}

/* Pass 2: find the plan a spec to share, or make one. Plans share when they
 * read the same table by the same key and, if both have a bound range, on
 * the same column. The spec's constant terms are those every member has
 * (by column and comparison; the values are matched at run time); each
 * member applies its other constant terms itself, per seek. So one scan of
 * a table serves, for example, every evidence probe by (framework,
 * control) that filters on result == pass. */
static vouch_status plan_hash_group(vouch_facts *f, uint32_t pi, vouch_error *err)
{
    const vouch_plan *pl = &f->p->plans[pi];
    cursor *c = &f->cur[pi];
    hspec *s = NULL;
    for (int loose = 0; loose < 2 && !s; loose++)
        for (s = f->specs; s; s = s->next) {
            if (s->table != pl->table || s->nkey != c->nkey ||
                memcmp(s->keycols, c->keycol, c->nkey * sizeof *c->keycol) != 0)
                continue;
            if (loose ? (c->bsort < 0 || s->bsort < 0) : s->bsort == c->bsort)
                break;
        }
    if (s) {
        /* intersect the two sorted (column, cmp) lists */
        uint32_t i = 0, j = 0, k = 0;
        while (i < s->nconst && j < c->ncidx) {
            const vouch_plan_term *tm = &pl->terms[c->cidx[j]];
            if (s->ccol[i] == tm->column && s->ccmp[i] == tm->cmp) {
                s->ccol[k] = s->ccol[i];
                s->ccmp[k++] = s->ccmp[i];
                i++;
                j++;
            } else if (s->ccol[i] < tm->column ||
                       (s->ccol[i] == tm->column && s->ccmp[i] < tm->cmp)) {
                i++;
            } else {
                j++;
            }
        }
        s->nconst = k;
        if (s->bsort < 0)
            s->bsort = c->bsort;
    } else {
        s = calloc(1, sizeof *s);
        if (!s)
            return oom(err);
        s->next = f->specs;
        f->specs = s;
        s->table = pl->table;
        s->nkey = c->nkey;
        s->bsort = c->bsort;
        s->sortcol = -1;
        s->nconst = c->ncidx;
        s->keycols = malloc((c->nkey + 1) * sizeof *s->keycols);
        s->ccol = malloc((c->ncidx + 1) * sizeof *s->ccol);
        s->ccmp = malloc(c->ncidx + 1);
        if (!s->keycols || !s->ccol || !s->ccmp)
            return oom(err);
        memcpy(s->keycols, c->keycol, c->nkey * sizeof *c->keycol);
        for (uint32_t k = 0; k < c->ncidx; k++) {
            s->ccol[k] = pl->terms[c->cidx[k]].column;
            s->ccmp[k] = pl->terms[c->cidx[k]].cmp;
        }
        for (uint32_t k = 0; k < c->nkey; k++)
            if (spec_add_col(s, c->keycol[k]) != 0)
                return oom(err);
    }
    c->spec = s;
    return VOUCH_OK;
}

static int is_key_col(const hspec *s, uint32_t col)
{
    for (uint32_t k = 0; k < s->nkey; k++)
        if (s->keycols[k] == col)
            return 1;
    return 0;
}

/* Pass 3a, per member: which of its terms are the key and which the spec's
 * constants (tflag 1 and 2), and the parameters of both. Both constant
 * lists are sorted and the spec's is part of the member's, so one walk
 * pairs them. */
static vouch_status plan_hash_match(vouch_facts *f, cursor *c, vouch_error *err)
{
    const vouch_plan *pl = c->plan;
    const hspec *s = c->spec;
    c->tflag = calloc(pl->nterms + 1, 1);
    if (!c->tflag)
        return oom(err);
    uint8_t seen[MAX_KEY] = {0};
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (!tm->bound || tm->cmp != CMP_EQ)
            continue;
        for (uint32_t k = 0; k < s->nkey; k++)
            if (s->keycols[k] == tm->column && !seen[k]) {
                seen[k] = 1;
                c->tflag[j] = 1;
            }
    }
    uint32_t j = 0;
    for (uint32_t k = 0; k < s->nconst; k++) {
        while (j < c->ncidx && (pl->terms[c->cidx[j]].column != s->ccol[k] ||
                                pl->terms[c->cidx[j]].cmp != s->ccmp[k]))
            j++;
        if (j == c->ncidx)  /* not reached: the spec's constants are the members' */
            return vouch_error_set(err, VOUCH_EINPUT, "facts store: hash plan mismatch");
        c->tflag[c->cidx[j]] = 2;
        c->constparam[k] = pl->terms[c->cidx[j]].param;
        j++;
    }
    return VOUCH_OK;
}

/* Pass 3b, per spec: the column its buckets are sorted by: a bound range
 * column of a member, else a constant range column a member applies
 * itself, else none. */
static vouch_status spec_choose_sort(vouch_facts *f, hspec *s, vouch_error *err)
{
    s->sortcol = s->bsort;
    for (uint32_t i = 0; i < f->ncur && s->sortcol < 0; i++) {
        const cursor *c = &f->cur[i];
        if (c->kind != CUR_HASH || c->spec != s)
            continue;
        for (uint32_t j = 0; j < c->plan->nterms && s->sortcol < 0; j++) {
            const vouch_plan_term *tm = &c->plan->terms[j];
            if (!c->tflag[j] && is_range(tm->cmp) && !is_key_col(s, tm->column))
                s->sortcol = (int32_t)tm->column;
        }
    }
    if (s->sortcol >= 0 && spec_add_col(s, (uint32_t)s->sortcol) != 0)
        return oom(err);
    return VOUCH_OK;
}

/* Pass 3c, per member: the terms it applies itself (range terms on the
 * sort column by binary search, the rest per row) and the stored positions
 * of everything it reads. */
static vouch_status plan_hash_finish(vouch_facts *f, cursor *c, vouch_error *err)
{
    const vouch_plan *pl = c->plan;
    hspec *s = c->spec;
    int bad = 0;
    c->nrange = c->nfilt = 0;
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (c->tflag[j])
            continue;
        bad |= spec_add_col(s, tm->column);
        pterm pt = {spec_pos(s, tm->column), tm->cmp, tm->param};
        if (is_range(tm->cmp) && s->sortcol >= 0 && tm->column == (uint32_t)s->sortcol)
            c->range[c->nrange++] = pt;
        else
            c->filt[c->nfilt++] = pt;
    }
    uint32_t nout = pl->mode == PLAN_ROWS || pl->mode == PLAN_EXISTS ? pl->ncolumns : 1;
    c->outpos = malloc((nout + 1) * sizeof *c->outpos);
    if (!c->outpos)
        return oom(err);
    if (pl->mode == PLAN_ROWS || pl->mode == PLAN_EXISTS) {
        for (uint32_t i = 0; i < pl->ncolumns; i++) {
            bad |= spec_add_col(s, pl->columns[i]);
            c->outpos[i] = spec_pos(s, pl->columns[i]);
        }
    } else if (pl->mode != PLAN_COUNT) {
        bad |= spec_add_col(s, pl->agg_column);
        c->outpos[0] = spec_pos(s, pl->agg_column);
    }
    return bad ? oom(err) : VOUCH_OK;
}

/* Pass 4, per spec: the scan that builds its instances. */
static vouch_status spec_sql(vouch_facts *f, hspec *s, vouch_error *err)
{
    const vouch_table_decl *t = &f->p->tables[s->table];
    sbuf b = {0};
    sb_str(&b, "SELECT ");
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (i)
            sb_str(&b, ", ");
        sb_ident(&b, t->columns[s->cols[i]].name);
    }
    if (f->tinfo[s->table].has_rowid)
        sb_str(&b, ", rowid");
    sb_str(&b, " FROM ");
    sb_ident(&b, t->name);
    for (uint32_t k = 0; k < s->nconst; k++) {  /* numbered ?1.. in spec order */
        const vouch_column_decl *cd = &t->columns[s->ccol[k]];
        sb_str(&b, k ? " AND " : " WHERE ");
        sb_ident(&b, cd->name);
        sb_str(&b, cmp_sql(s->ccmp[k], cd->optional));
        sb_fmt(&b, "?%u", k + 1);
    }
    if (b.oom) {
        free(b.p);
        return oom(err);
    }
    s->sql = b.p;
    return VOUCH_OK;
}

/* "hash: evidence(framework, control) sorted by collected_on, filtering
 * kind ==; built by SELECT ..." */
static vouch_status plan_hash_describe(vouch_facts *f, cursor *c, vouch_error *err)
{
    const hspec *s = c->spec;
    const vouch_table_decl *t = &f->p->tables[s->table];
    sbuf b = {0};
    sb_str(&b, "hash: ");
    sb_str(&b, t->name);
    sb_str(&b, "(");
    for (uint32_t k = 0; k < s->nkey; k++) {
        if (k)
            sb_str(&b, ", ");
        sb_str(&b, t->columns[s->keycols[k]].name);
    }
    sb_str(&b, ")");
    if (s->sortcol >= 0) {
        sb_str(&b, " sorted by ");
        sb_str(&b, t->columns[s->sortcol].name);
    }
    for (uint32_t k = 0; k < c->nfilt; k++) {
        sb_str(&b, k ? ", " : ", filtering ");
        sb_str(&b, t->columns[s->cols[c->filt[k].pos]].name);
        sb_str(&b, " ");
        sb_str(&b, cmp_text(c->filt[k].cmp));
    }
    sb_str(&b, "; built by ");
    sb_str(&b, s->sql);
    if (b.oom) {
        free(b.p);
        return oom(err);
    }
    c->desc = b.p;
    return VOUCH_OK;
}

vouch_status vouch_facts_bind(vouch_facts *f, const vouch_program *p, vouch_error *err)
{
    vouch_status s;
    unbind(f);
    f->p = p;
    f->tinfo = calloc(p->ntables + 1, sizeof *f->tinfo);
    f->cur = calloc(p->nplans + 1, sizeof *f->cur);
    if (!f->tinfo || !f->cur) {
        s = oom(err);
        goto fail;
    }
    f->ntinfo = p->ntables;
    f->ncur = p->nplans;

    /* The read transaction: BEGIN, then a read, so the snapshot is taken
     * now and kept until the next bind or close. */
    int rc = exec(f->db, "BEGIN");
    if (rc == SQLITE_OK) {
        f->in_txn = 1;
        rc = exec(f->db, "SELECT count(*) FROM sqlite_master");
    }
    if (rc != SQLITE_OK) {
        s = db_error(f, rc, err, "starting the read transaction");
        goto fail;
    }

    for (uint32_t i = 0; i < p->nplans; i++) {
        const vouch_plan *pl = &p->plans[i];
        if (pl->table >= p->ntables) {
            s = vouch_error_set(err, VOUCH_EINPUT, "plan %u reads table %u of %u", i, pl->table,
                                p->ntables);
            goto fail;
        }
        const vouch_table_decl *t = &p->tables[pl->table];
        int bad = (pl->mode == PLAN_MIN || pl->mode == PLAN_MAX) && pl->agg_column >= t->ncolumns;
        for (uint32_t j = 0; j < pl->nterms; j++)
            bad |= pl->terms[j].column >= t->ncolumns || pl->terms[j].param >= pl->nparams ||
                   pl->terms[j].cmp > CMP_GE;
        for (uint32_t j = 0; j < pl->ncolumns; j++)
            bad |= pl->columns[j] >= t->ncolumns;
        if (bad || pl->mode > PLAN_MAX) {
            s = vouch_error_set(err, VOUCH_EINPUT, "plan %u on table `%s` is malformed", i,
                                t->name);
            goto fail;
        }
    }
    for (uint32_t t = 0; t < p->ntables; t++) {
        int used = p->tables[t].first_used != 0;
        for (uint32_t i = 0; i < p->nplans && !used; i++)
            used = p->plans[i].table == t;
        if (used && (s = check_table(f, t, err)) != VOUCH_OK)
            goto fail;
    }
    for (uint32_t i = 0; i < p->nplans; i++) {
        const vouch_plan *pl = &p->plans[i];
        cursor *c = &f->cur[i];
        c->plan = pl;
        c->mode = pl->mode;
        c->pv = calloc(pl->nparams + 1, sizeof *c->pv);
        if (!c->pv) {
            s = oom(err);
            goto fail;
        }
        s = wants_hash(f, pl) ? plan_hash(f, i, err) : plan_sql(f, i, err);
        if (s != VOUCH_OK)
            goto fail;
    }
    /* hash plans: share specs, then settle each spec's layout */
    for (uint32_t i = 0; i < p->nplans; i++)
        if (f->cur[i].kind == CUR_HASH && (s = plan_hash_group(f, i, err)) != VOUCH_OK)
            goto fail;
    for (uint32_t i = 0; i < p->nplans; i++)
        if (f->cur[i].kind == CUR_HASH && (s = plan_hash_match(f, &f->cur[i], err)) != VOUCH_OK)
            goto fail;
    for (hspec *sp = f->specs; sp; sp = sp->next)
        if ((s = spec_choose_sort(f, sp, err)) != VOUCH_OK)
            goto fail;
    for (uint32_t i = 0; i < p->nplans; i++)
        if (f->cur[i].kind == CUR_HASH && (s = plan_hash_finish(f, &f->cur[i], err)) != VOUCH_OK)
            goto fail;
    for (hspec *sp = f->specs; sp; sp = sp->next)
        if ((s = spec_sql(f, sp, err)) != VOUCH_OK)
            goto fail;
    for (uint32_t i = 0; i < p->nplans; i++)
        if (f->cur[i].kind == CUR_HASH && (s = plan_hash_describe(f, &f->cur[i], err)) != VOUCH_OK)
            goto fail;
    return VOUCH_OK;
fail:
    unbind(f);
    return s;
}

/* ---- hash index build -----------------------------------------------------
 *
 * Layout of an instance: the key values of each bucket are stored once, in
 * kvals (nkey values per key); the rows hold only the other stored columns
 * (stride = ncols - nkey), bucket after bucket, each bucket sorted by the
 * sort column. A stored position pos < nkey is a key column, read from the
 * bucket's key; pos >= nkey is row[pos - nkey].
 */

static uint32_t stride(const hspec *s) { return s->ncols - s->nkey; }

/* The value at stored position pos of row (in the bucket whose key is key). */
static const vouch_value *hval(const hspec *s, const vouch_value *key, const vouch_value *row,
                               uint32_t pos)
{
    return pos < s->nkey ? &key[pos] : &row[pos - s->nkey];
}

/* A before B in a bucket: none first, then ascending. */
static int sort_before(const vouch_value *a, const vouch_value *b)
{
    if (a->type == VT_NONE)
        return b->type != VT_NONE;
    return b->type != VT_NONE && key_cmp(a, b) < 0;
}

/* Stable sort of idx[0..n) by the value at offset off of each row. */
static void sort_rows(uint32_t *idx, uint32_t *tmp, uint32_t n, const vouch_value *rows,
                      uint32_t rs, uint32_t off)
{
    /* insertion sort on runs of 16, then bottom-up merges */
    const uint32_t RUN = 16;
    for (uint32_t lo = 0; lo < n; lo += RUN) {
        uint32_t hi = lo + RUN < n ? lo + RUN : n;
        for (uint32_t i = lo + 1; i < hi; i++) {
            uint32_t x = idx[i], j = i;
            const vouch_value *vx = &rows[(size_t)x * rs + off];
            while (j > lo && sort_before(vx, &rows[(size_t)idx[j - 1] * rs + off])) {
                idx[j] = idx[j - 1];
                j--;
            }
            idx[j] = x;
        }
    }
    uint32_t *a = idx, *b = tmp;
    for (uint32_t w = RUN; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi)
                b[k++] = sort_before(&rows[(size_t)a[j] * rs + off], &rows[(size_t)a[i] * rs + off])
                             ? a[j++] : a[i++];
            while (i < mid)
                b[k++] = a[i++];
            while (j < hi)
                b[k++] = a[j++];
        }
        uint32_t *t = a;
        a = b;
        b = t;
    }
    if (a != idx)
        memcpy(idx, a, n * sizeof *idx);
}

/* The same order for a numeric column (dates, ints, ...), stable, in
 * linear time: nones first, then an LSD radix sort on value - min in 11-bit
 * digits (one pass for a bucket of dates spanning under 2048 days). key and
 * tmp have room for n. */
static void sort_rows_num(uint32_t *idx, uint32_t *tmp, uint64_t *key, uint32_t n,
                          const vouch_value *rows, uint32_t rs, uint32_t off)
{
    int64_t lo = INT64_MAX, hi = INT64_MIN;
    uint32_t nn = 0;
    for (uint32_t i = 0; i < n; i++) {
        const vouch_value *v = &rows[(size_t)i * rs + off];
        if (v->type == VT_NONE) {
            idx[nn++] = i;
            continue;
        }
        if (v->u.i < lo)
            lo = v->u.i;
        if (v->u.i > hi)
            hi = v->u.i;
    }
    uint32_t m = nn;
    for (uint32_t i = 0; i < n; i++) {
        const vouch_value *v = &rows[(size_t)i * rs + off];
        if (v->type != VT_NONE) {
            key[i] = (uint64_t)v->u.i - (uint64_t)lo;
            idx[m++] = i;
        }
    }
    if (nn == n)
        return;
    uint64_t span = (uint64_t)hi - (uint64_t)lo;
    uint32_t *a = idx + nn, *b = tmp, cnt = n - nn;
    uint32_t count[2048];
    for (unsigned shift = 0; shift < 64 && (span >> shift) != 0; shift += 11) {
        memset(count, 0, sizeof count);
        for (uint32_t i = 0; i < cnt; i++)
            count[(key[a[i]] >> shift) & 2047]++;
        uint32_t sum = 0;
        for (uint32_t d = 0; d < 2048; d++) {
            uint32_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (uint32_t i = 0; i < cnt; i++)
            b[count[(key[a[i]] >> shift) & 2047]++] = a[i];
        uint32_t *t = a;
        a = b;
        b = t;
    }
    if (a != idx + nn)
        memcpy(idx + nn, a, cnt * sizeof *a);
}

static uint64_t key_hash(const vouch_value *vals, uint32_t n)
{
    uint64_t h = 0x84222325cbf29ce4ull;
    for (uint32_t k = 0; k < n; k++)
        h = (h ^ key_hash1(&vals[k])) * 0x100000001b3ull + (h >> 29);
    return h;
}

static int slots_grow(hinst *h)
{
    uint32_t cap = h->mask ? (h->mask + 1) * 2 : 64;
    uint32_t *s = calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (uint32_t k = 0; k < h->nkeys; k++) {
        uint32_t j = (uint32_t)h->keys[k].hash & (cap - 1);
        while (s[j])
            j = (j + 1) & (cap - 1);
        s[j] = k + 1;
    }
    free(h->slots);
    h->slots = s;
    h->mask = cap - 1;
    return 0;
}

/* The key index of the nkey values vals, or UINT32_MAX; *slot receives the
 * empty slot where it would go. */
static uint32_t key_find(const hinst *h, uint32_t nkey, uint64_t hash, const vouch_value *vals,
                         uint32_t *slot)
{
    uint32_t j = (uint32_t)hash & h->mask;
    for (; h->slots[j]; j = (j + 1) & h->mask) {
        uint32_t k = h->slots[j] - 1;
        if (h->keys[k].hash != hash)
            continue;
        const vouch_value *kv = &h->kvals[(size_t)k * nkey];
        uint32_t i = 0;
        while (i < nkey && key_eq(&kv[i], &vals[i]))
            i++;
        if (i == nkey)
            return k;
    }
    *slot = j;
    return UINT32_MAX;
}

static vouch_status build(vouch_facts *f, hspec *s, const vouch_value *cvals, hinst *h,
                          vouch_error *err)
{
    const vouch_table_decl *t = &f->p->tables[s->table];
    sqlite3_stmt *st = NULL;
    vouch_status rs = VOUCH_OK;
    uint32_t nkey = s->nkey, w = stride(s), cap = 0, capk = 0, n = 0;
    uint32_t *gid = NULL, *perm = NULL, *tmp = NULL, *next = NULL;
    uint64_t *skey = NULL;
    vouch_value *rec = NULL;
    vouch_value key[MAX_KEY];
    int rowid_sc = f->tinfo[s->table].has_rowid ? (int)s->ncols : -1;
    if (slots_grow(h) != 0)
        goto nomem;

    int rc = sqlite3_prepare_v2(f->db, s->sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rs = db_error(f, rc, err, "building a hash index");
        goto out;
    }
    for (uint32_t k = 0; k < s->nconst; k++) {
        const vouch_value *v = &cvals[k];
        char d[11];
        switch (v->type) {
        case VT_NONE:
            rc = sqlite3_bind_null(st, (int)k + 1);
            break;
        case VT_TEXT:
            rc = sqlite3_bind_text(st, (int)k + 1, v->u.s, (int)v->len, SQLITE_STATIC);
            break;
        case VT_DATE:
            date_format(v->u.i, d);
            rc = sqlite3_bind_text(st, (int)k + 1, d, -1, SQLITE_TRANSIENT);
            break;
        default:
            rc = sqlite3_bind_int64(st, (int)k + 1, v->u.i);
            break;
        }
        if (rc != SQLITE_OK) {
            rs = db_error(f, rc, err, "building a hash index");
            goto out;
        }
    }

    /* One pass: read the key (text still in SQLite's row), find or add its
     * bucket (copying the key text only for a new bucket), convert the
     * other columns into the row array. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            uint32_t ncap = cap ? cap * 2 : 1024;
            if (ncap < cap)
                goto nomem;
            vouch_value *r = realloc(h->rows, ((size_t)ncap * w + 1) * sizeof *r);
            if (!r)
                goto nomem;
            h->rows = r;
            uint32_t *g = realloc(gid, (size_t)ncap * sizeof *g);
            if (!g)
                goto nomem;
            gid = g;
            cap = ncap;
        }
        for (uint32_t i = 0; i < nkey; i++)
            if ((rs = convert(f, t, s->cols[i], st, (int)i, rowid_sc, 0, &key[i], err)) != VOUCH_OK)
                goto out;
        uint64_t hash = key_hash(key, nkey);
        uint32_t slot;
        uint32_t k = key_find(h, nkey, hash, key, &slot);
        if (k == UINT32_MAX) {
            if (h->nkeys == capk) {
                uint32_t ncap = capk ? capk * 2 : 256;
                struct hkey *nk = realloc(h->keys, (size_t)ncap * sizeof *nk);
                vouch_value *nv = nk ? realloc(h->kvals, ((size_t)ncap * nkey + 1) * sizeof *nv)
                                     : NULL;
                if (nk)
                    h->keys = nk;
                if (!nv)
                    goto nomem;
                h->kvals = nv;
                capk = ncap;
            }
            k = h->nkeys++;
            vouch_value *kv = &h->kvals[(size_t)k * nkey];
            for (uint32_t i = 0; i < nkey; i++) {
                kv[i] = key[i];
                if (key[i].type == VT_TEXT && (t->columns[s->cols[i]].enum_id < 0)) {
                    kv[i].u.s = intern(f, key[i].u.s, key[i].len);
                    if (!kv[i].u.s)
                        goto nomem;
                }
            }
            h->keys[k].hash = hash;
            h->keys[k].start = 0;
            h->keys[k].count = 0;
            h->slots[slot] = k + 1;
            if (h->nkeys * 2 > h->mask && slots_grow(h) != 0)
                goto nomem;
        }
        vouch_value *row = &h->rows[(size_t)n * w];
        for (uint32_t i = 0; i < w; i++)
            if ((rs = convert(f, t, s->cols[nkey + i], st, (int)(nkey + i), rowid_sc, 1, &row[i],
                              err)) != VOUCH_OK)
                goto out;
        h->keys[k].count++;
        gid[n++] = k;
    }
    if (rc != SQLITE_DONE) {
        rs = db_error(f, rc, err, "building a hash index");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    h->nrows = n;
    if (!h->rows && !(h->rows = malloc(sizeof *h->rows)))
        goto nomem;

    /* Group: scatter the rows bucket by bucket into a second array (reading
     * sequentially, writing one stream per bucket), then sort each bucket,
     * now contiguous and small, by its sort column back into the first. */
    next = malloc((size_t)(h->nkeys + 1) * sizeof *next);
    rec = malloc(((size_t)n * w + 1) * sizeof *rec);
    if (!next || !rec)
        goto nomem;
    uint32_t at = 0;
    for (uint32_t k = 0; k < h->nkeys; k++) {
        h->keys[k].start = at;
        next[k] = at;
        at += h->keys[k].count;
    }
    if (w > 0)
        for (uint32_t r = 0; r < n; r++)
            memcpy(&rec[(size_t)next[gid[r]]++ * w], &h->rows[(size_t)r * w],
                   (size_t)w * sizeof *rec);
    if (s->sortcol >= 0 && n > 0) {
        uint32_t off = spec_pos(s, (uint32_t)s->sortcol) - nkey, most = 0;
        for (uint32_t k = 0; k < h->nkeys; k++)
            if (h->keys[k].count > most)
                most = h->keys[k].count;
        int num = t->columns[s->sortcol].type != VT_TEXT;
        perm = malloc((size_t)most * sizeof *perm);
        tmp = malloc((size_t)most * sizeof *tmp);
        skey = num ? malloc((size_t)most * sizeof *skey) : NULL;
        if (!perm || !tmp || (num && !skey))
            goto nomem;
        for (uint32_t k = 0; k < h->nkeys; k++) {
            uint32_t start = h->keys[k].start, cnt = h->keys[k].count;
            const vouch_value *src = &rec[(size_t)start * w];
            if (num && cnt >= 64) {   /* small buckets: the merge sort is cheaper */
                sort_rows_num(perm, tmp, skey, cnt, src, w, off);
            } else {
                for (uint32_t i = 0; i < cnt; i++)
                    perm[i] = i;
                sort_rows(perm, tmp, cnt, src, w, off);
            }
            for (uint32_t i = 0; i < cnt; i++)
                memcpy(&h->rows[(size_t)(start + i) * w], &src[(size_t)perm[i] * w],
                       (size_t)w * sizeof *rec);
        }
    } else {
        vouch_value *x = h->rows;  /* the grouped copy is the result */
        h->rows = rec;
        rec = x;
    }
    goto out;
nomem:
    rs = oom(err);
out:
    sqlite3_finalize(st);
    free(gid);
    free(perm);
    free(tmp);
    free(skey);
    free(next);
    free(rec);
    return rs;
}

static void hinst_clear(hinst *h)
{
    free(h->rows);
    free(h->keys);
    free(h->kvals);
    free(h->slots);
    h->rows = NULL;
    h->keys = NULL;
    h->kvals = NULL;
    h->slots = NULL;
    h->nrows = h->nkeys = h->mask = 0;
}

/* The instance of c's spec for the constant values of c's last seek,
 * building it the first time those values are met. */
static vouch_status hash_instance(vouch_facts *f, cursor *c, vouch_error *err)
{
    hspec *s = c->spec;
    hinst *h = c->inst;
    if (h) {
        uint32_t k = 0;
        while (k < s->nconst && key_eq(&h->cvals[k], &c->pv[c->constparam[k]]))
            k++;
        if (k == s->nconst)
            goto found;
    }
    for (h = s->insts; h; h = h->next) {
        uint32_t k = 0;
        while (k < s->nconst && key_eq(&h->cvals[k], &c->pv[c->constparam[k]]))
            k++;
        if (k == s->nconst)
            goto found;
    }
    h = calloc(1, sizeof *h);
    if (!h)
        return oom(err);
    h->cvals = arena_alloc(&f->arena, (s->nconst + 1) * sizeof *h->cvals);
    if (!h->cvals) {
        free(h);
        return oom(err);
    }
    for (uint32_t k = 0; k < s->nconst; k++) {
        vouch_value v = c->pv[c->constparam[k]];
        if (v.type == VT_TEXT) {
            char *copy = arena_alloc(&f->arena, v.len + 1);
            if (!copy) {
                free(h);
                return oom(err);
            }
            if (v.len)
                memcpy(copy, v.u.s, v.len);
            v.u.s = copy;
        }
        h->cvals[k] = v;
    }
    h->next = s->insts;
    s->insts = h;
    vouch_error e;
    vouch_status st = build(f, s, h->cvals, h, &e);
    if (st != VOUCH_OK) {
        /* Keep the failure: later seeks report it again without rescanning. */
        hinst_clear(h);
        h->failed = st;
        h->errmsg = strdup(e.msg);
    }
found:
    c->inst = h;
    if (h->failed)
        return vouch_error_set(err, h->failed, "%s", h->errmsg ? h->errmsg : "out of memory");
    return VOUCH_OK;
}

/* First row in [lo, hi) whose value at offset off is present and >= p (> p
 * if strict). None sorts first, so the predicate is monotone. */
static uint32_t lower(const vouch_value *rows, uint32_t rs, uint32_t off, uint32_t lo,
                      uint32_t hi, const vouch_value *p, int strict)
{
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        const vouch_value *v = &rows[(size_t)mid * rs + off];
        int ok = v->type != VT_NONE && (strict ? key_cmp(v, p) > 0 : key_cmp(v, p) >= 0);
        if (ok)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static vouch_status hash_seek(vouch_facts *f, cursor *c, vouch_error *err)
{
    vouch_status s = hash_instance(f, c, err);
    if (s != VOUCH_OK)
        return s;
    const hspec *sp = c->spec;
    const hinst *h = c->inst;
    vouch_value key[MAX_KEY];
    for (uint32_t k = 0; k < sp->nkey; k++)
        key[k] = c->pv[c->keyparam[k]];
    uint32_t slot;
    uint32_t k = h->nkeys ? key_find(h, sp->nkey, key_hash(key, sp->nkey), key, &slot)
                          : UINT32_MAX;
    c->pos = c->end = 0;
    if (k == UINT32_MAX)
        return VOUCH_OK;
    c->key = &h->kvals[(size_t)k * sp->nkey];
    uint32_t lo = h->keys[k].start, hi = lo + h->keys[k].count;
    if (c->nrange) {
        uint32_t w = stride(sp), off = spec_pos(sp, (uint32_t)sp->sortcol) - sp->nkey;
        /* present values only: skip the leading nones */
        while (lo < hi && h->rows[(size_t)lo * w + off].type == VT_NONE)
            lo++;
        for (uint32_t j = 0; j < c->nrange && lo < hi; j++) {
            const vouch_value *p = &c->pv[c->range[j].param];
            if (p->type == VT_NONE) {
                hi = lo;
                break;
            }
            switch (c->range[j].cmp) {
            case CMP_GE: lo = lower(h->rows, w, off, lo, hi, p, 0); break;
            case CMP_GT: lo = lower(h->rows, w, off, lo, hi, p, 1); break;
            case CMP_LE: hi = lower(h->rows, w, off, lo, hi, p, 1); break;
            default:     hi = lower(h->rows, w, off, lo, hi, p, 0); break;
            }
        }
        if (hi < lo)
            hi = lo;
    }
    c->pos = lo;
    c->end = hi;
    return VOUCH_OK;
}

/* The next row of the cursor's range that passes its filters, or NULL. */
static const vouch_value *hash_next_row(cursor *c)
{
    const hspec *sp = c->spec;
    const hinst *h = c->inst;
    uint32_t w = stride(sp);
    while (c->pos < c->end) {
        const vouch_value *row = &h->rows[(size_t)c->pos++ * w];
        uint32_t j = 0;
        while (j < c->nfilt && term_holds(hval(sp, c->key, row, c->filt[j].pos), c->filt[j].cmp,
                                          &c->pv[c->filt[j].param]))
            j++;
        if (j == c->nfilt)
            return row;
    }
    return NULL;
}

/* count, min or max over the cursor's rows, into c->agg. */
static void hash_aggregate(cursor *c)
{
    if (c->mode == PLAN_COUNT) {
        int64_t n = 0;
        if (c->nfilt == 0) {
            n = c->end - c->pos;
            c->pos = c->end;
        } else {
            while (hash_next_row(c))
                n++;
        }
        c->agg = vouch_int(n);
        return;
    }
    uint32_t pos = c->outpos[0];
    vouch_value best = vouch_none();
    const vouch_value *row;
    while ((row = hash_next_row(c)) != NULL) {
        const vouch_value *v = hval(c->spec, c->key, row, pos);
        if (v->type == VT_NONE)
            continue;
        if (best.type == VT_NONE || (c->mode == PLAN_MIN ? key_cmp(v, &best) < 0
                                                         : key_cmp(v, &best) > 0))
            best = *v;
    }
    c->agg = best;
}

/* ---- cursors ------------------------------------------------------------------- */

static vouch_status bad_plan(uint32_t plan, vouch_error *err)
{
    return vouch_error_set(err, VOUCH_ERUNTIME, "facts store: no plan %u is bound", plan);
}

/* Copies params into the cursor (text into its own buffer). */
static vouch_status copy_params(cursor *c, const vouch_value *params, vouch_error *err)
{
    const vouch_plan *pl = c->plan;
    size_t need = 0;
    for (uint32_t i = 0; i < pl->nparams; i++) {
        if (params[i].type == VT_TEXT)
            need += params[i].len + 1;
        else if (params[i].type == VT_DATE)
            need += 11;
    }
    if (need > c->pcap) {
        size_t cap = c->pcap ? c->pcap : 64;
        while (cap < need)
            cap *= 2;
        char *b = realloc(c->pbuf, cap);
        if (!b)
            return oom(err);
        c->pbuf = b;
        c->pcap = cap;
    }
    size_t at = 0;
    for (uint32_t i = 0; i < pl->nparams; i++) {
        c->pv[i] = params[i];
        if (params[i].type == VT_TEXT) {
            if (params[i].len)
                memcpy(c->pbuf + at, params[i].u.s, params[i].len);
            c->pbuf[at + params[i].len] = 0;
            c->pv[i].u.s = c->pbuf + at;
            at += params[i].len + 1;
        }
    }
    return VOUCH_OK;
}

static vouch_status sql_bind(vouch_facts *f, cursor *c, vouch_error *err)
{
    sqlite3_stmt *st = c->stmt;
    const vouch_plan *pl = c->plan;
    /* Dates go in as YYYY-MM-DD text, after the copied text parameters. */
    size_t at = 0;
    for (uint32_t i = 0; i < pl->nparams; i++)
        if (c->pv[i].type == VT_TEXT)
            at += c->pv[i].len + 1;
    int n = c->nbind < (int)pl->nparams ? c->nbind : (int)pl->nparams;
    for (int i = 0; i < n; i++) {
        const vouch_value *v = &c->pv[i];
        int rc;
        switch (v->type) {
        case VT_NONE:
            rc = sqlite3_bind_null(st, i + 1);
            break;
        case VT_TEXT:
            rc = sqlite3_bind_text(st, i + 1, v->u.s, (int)v->len, SQLITE_STATIC);
            break;
        case VT_DATE:
            if (!date_in_range(v->u.i))
                return vouch_error_set(err, VOUCH_ERUNTIME,
                                       "date out of range (years 1..9999) in a query on `%s`",
                                       f->p->tables[pl->table].name);
            date_format(v->u.i, c->pbuf + at);
            rc = sqlite3_bind_text(st, i + 1, c->pbuf + at, 10, SQLITE_STATIC);
            at += 11;
            break;
        default:
            rc = sqlite3_bind_int64(st, i + 1, v->u.i);
            break;
        }
        if (rc != SQLITE_OK)
            return db_error(f, rc, err, "binding a query");
    }
    return VOUCH_OK;
}

vouch_status vouch_facts_seek(vouch_facts *f, uint32_t plan, const vouch_value *params,
                              vouch_error *err)
{
    if (plan >= f->ncur)
        return bad_plan(plan, err);
    cursor *c = &f->cur[plan];
    vouch_status s;
    f->stats.seeks++;
    c->state = ST_IDLE;
    c->row = NULL;
    if (c->kind == CUR_SQL) {
        sqlite3_reset(c->stmt);
        sqlite3_clear_bindings(c->stmt);
    }
    if ((s = copy_params(c, params, err)) != VOUCH_OK)
        return s;
    if (c->kind == CUR_SQL)
        s = sql_bind(f, c, err);
    else
        s = hash_seek(f, c, err);
    if (s == VOUCH_OK)
        c->state = ST_READY;
    return s;
}

vouch_status vouch_facts_next(vouch_facts *f, uint32_t plan, int *has_row, vouch_error *err)
{
    *has_row = 0;
    if (plan >= f->ncur)
        return bad_plan(plan, err);
    cursor *c = &f->cur[plan];
    if (c->state == ST_IDLE || c->state == ST_DONE)
        return VOUCH_OK;
    if (c->kind == CUR_SQL) {
        if (c->state == ST_ROW && c->mode != PLAN_ROWS) {
            c->state = ST_DONE;  /* one row at most */
            return VOUCH_OK;
        }
        int rc = sqlite3_step(c->stmt);
        if (rc == SQLITE_ROW) {
            c->state = ST_ROW;
            *has_row = 1;
            f->stats.rows++;
            return VOUCH_OK;
        }
        c->state = ST_DONE;
        if (rc == SQLITE_DONE)
            return VOUCH_OK;
        vouch_status s = db_error(f, rc, err, "reading");
        sqlite3_reset(c->stmt);
        return s;
    }
    /* hash */
    switch (c->mode) {
    case PLAN_ROWS:
        c->row = hash_next_row(c);
        break;
    case PLAN_EXISTS:
        c->row = c->state == ST_READY ? hash_next_row(c) : NULL;
        break;
    default:
        if (c->state == ST_READY) {
            hash_aggregate(c);
            c->row = &c->agg;
        } else {
            c->row = NULL;
        }
        break;
    }
    if (!c->row) {
        c->state = ST_DONE;
        return VOUCH_OK;
    }
    c->state = ST_ROW;
    *has_row = 1;
    f->stats.rows++;
    return VOUCH_OK;
}

vouch_status vouch_facts_column(vouch_facts *f, uint32_t plan, uint32_t i, vouch_value *out,
                                vouch_error *err)
{
    if (plan >= f->ncur)
        return bad_plan(plan, err);
    cursor *c = &f->cur[plan];
    const vouch_plan *pl = c->plan;
    int agg = c->mode == PLAN_COUNT || c->mode == PLAN_MIN || c->mode == PLAN_MAX;
    if (c->state != ST_ROW)
        return vouch_error_set(err, VOUCH_ERUNTIME,
                               "facts store: column read from plan %u with no current row", plan);
    if (agg ? i != 0 : i >= pl->ncolumns)
        return vouch_error_set(err, VOUCH_ERUNTIME, "facts store: plan %u has no column %u",
                               plan, i);
    if (c->kind == CUR_HASH) {
        *out = agg ? c->agg : *hval(c->spec, c->key, c->row, c->outpos[i]);
        return VOUCH_OK;
    }
    if (c->mode == PLAN_COUNT) {
        *out = vouch_int(sqlite3_column_int64(c->stmt, 0));
        return VOUCH_OK;
    }
    const vouch_table_decl *t = &f->p->tables[pl->table];
    if (agg) {
        if (sqlite3_column_type(c->stmt, 0) == SQLITE_NULL) {
            *out = vouch_none();   /* no rows, or only none values */
            return VOUCH_OK;
        }
        return convert(f, t, pl->agg_column, c->stmt, 0, -1, 0, out, err);
    }
    return convert(f, t, pl->columns[i], c->stmt, (int)i, c->rowid_col, 0, out, err);
}

void vouch_facts_reset(vouch_facts *f, uint32_t plan)
{
    if (plan >= f->ncur)
        return;
    cursor *c = &f->cur[plan];
    if (c->kind == CUR_SQL && c->stmt)
        sqlite3_reset(c->stmt);
    c->state = ST_IDLE;
    c->row = NULL;
}

void vouch_facts_get_stats(const vouch_facts *f, vouch_facts_stats *out)
{
    *out = f->stats;
}

const char *vouch_facts_describe(const vouch_facts *f, uint32_t plan)
{
    if (plan >= f->ncur || !f->cur[plan].desc)
        return "unbound";
    return f->cur[plan].desc;
}
