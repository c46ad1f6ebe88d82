/*
 * facts_check.c: stored values checked against their declarations, the
 * tables' digests, and the records `vouch load` keeps of both (see
 * facts_check.h for what fits and what a record is worth).
 *
 * Digest of a table: SHA-256 of "vouch-facts-1", the declared shape and,
 * row by row in key order, each declared column's value in a canonical
 * encoding: N (NULL); I + 8 bytes big-endian (INTEGER); R + the 8 bytes of
 * the IEEE double, big-endian (REAL); T or B + 4 bytes big-endian length +
 * the bytes (TEXT, BLOB). So two stores with the same values have the same
 * digest whatever their files look like, and one changed value changes it.
 */
#include <stdio.h>
#include <string.h>
#include "facts_int.h"
#include "facts_check.h"
#include "date.h"

#define SHOW_BYTES 40

/* ---- the declared shape ------------------------------------------------------ */

static const char *type_word(const vouch_column_decl *c)
{
    switch (c->type) {
    case VT_BOOL: return "bool";
    case VT_INT:  return "int";
    case VT_DATE: return "date";
    case VT_DUR:  return "duration";
    default:      return c->enum_id >= 0 ? "enum" : "text";
    }
}

/* "vouch-facts-1 evidence key(id) id:int ... result:enum(pass,fail)": what
 * a record was made for; a record of another shape does not count. */
static void shape(sbuf *b, const vouch_program *p, const vouch_table_decl *t)
{
    facts_check_shape(b, p, t);
}

void facts_check_shape(sbuf *b, const vouch_program *p, const vouch_table_decl *t)
{
    sb_str(b, "vouch-facts-1 ");
    sb_str(b, t->name);
    sb_str(b, " key(");
    for (uint32_t k = 0; k < t->nkey; k++) {
        if (k)
            sb_str(b, ",");
        sb_str(b, t->columns[t->key[k]].name);
    }
    sb_str(b, ")");
    for (uint32_t i = 0; i < t->ncolumns; i++) {
        const vouch_column_decl *c = &t->columns[i];
        sb_str(b, " ");
        sb_str(b, c->name);
        sb_str(b, ":");
        sb_str(b, type_word(c));
        if (c->enum_id >= 0 && (uint32_t)c->enum_id < p->nenums) {
            const vouch_enum_decl *e = &p->enums[c->enum_id];
            sb_str(b, "(");
            for (uint32_t k = 0; k < e->nvalues; k++) {
                if (k)
                    sb_str(b, ",");
                sb_str(b, e->values[k]);
            }
            sb_str(b, ")");
        }
        if (c->optional)
            sb_str(b, "?");
    }
}

/* ---- values in messages ---------------------------------------------------------- */

/* A stored value for a message: text in backquotes with anything but
 * printable ASCII as \xNN (a NUL as \0), at most SHOW_BYTES bytes of it. */
static void show(sbuf *b, sqlite3_value *v)
{
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        sb_str(b, "none");
        return;
    case SQLITE_INTEGER:
        sb_fmt(b, "%lld", (long long)sqlite3_value_int64(v));
        return;
    case SQLITE_FLOAT:
        sb_fmt(b, "%.17g", sqlite3_value_double(v));
        return;
    default:
        break;
    }
    int blob = sqlite3_value_type(v) == SQLITE_BLOB;
    const unsigned char *s = blob ? sqlite3_value_blob(v) : sqlite3_value_text(v);
    int n = sqlite3_value_bytes(v);
    sb_str(b, blob ? "x'" : "`");
    for (int i = 0; s && i < n && i < SHOW_BYTES; i++) {
        if (blob)
            sb_fmt(b, "%02X", s[i]);
        else if (s[i] == 0)
            sb_str(b, "\\0");
        else if (s[i] < 32 || s[i] >= 127 || s[i] == '\\' || s[i] == '`')
            sb_fmt(b, "\\x%02x", s[i]);
        else
            sb_add(b, (const char *)s + i, 1);
    }
    if (n > SHOW_BYTES)
        sb_str(b, "...");
    sb_str(b, blob ? "'" : "`");
    if (blob)
        sb_fmt(b, " (a BLOB of %d bytes)", n);
}

/* "evidence (id = 1)": the row by its key (by its first columns if the
 * fact has no key). */
static void row_name(sbuf *b, const vouch_table_decl *t, sqlite3_stmt *st)
{
    sb_str(b, t->name);
    sb_str(b, " (");
    uint32_t n = t->nkey ? t->nkey : (t->ncolumns < 4 ? t->ncolumns : 4);
    for (uint32_t k = 0; k < n; k++) {
        uint32_t c = t->nkey ? t->key[k] : k;
        if (k)
            sb_str(b, ", ");
        sb_str(b, t->columns[c].name);
        sb_str(b, " = ");
        show(b, sqlite3_column_value(st, (int)c));
    }
    if (!t->nkey && t->ncolumns > n)
        sb_str(b, ", ...");
    sb_str(b, ")");
}

/* ---- what fits -------------------------------------------------------------------- */

/* 1 if s[0..n) is valid UTF-8 with no NUL byte (no overlong forms, no
 * surrogates, nothing past U+10FFFF). */
static int utf8_ok(const unsigned char *s, size_t n)
{
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i];
        if (c == 0)
            return 0;
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len = (c & 0xe0) == 0xc0 ? 2 : (c & 0xf0) == 0xe0 ? 3 : (c & 0xf8) == 0xf0 ? 4 : 0;
        if (!len || i + len > n)
            return 0;
        uint32_t cp = c & (0x7f >> len);
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80)
                return 0;
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        static const uint32_t min[5] = {0, 0, 0x80, 0x800, 0x10000};
        if (cp < min[len] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff))
            return 0;
        i += len;
    }
    return 1;
}

static const char *class_name(int ty)
{
    switch (ty) {
    case SQLITE_INTEGER: return "an INTEGER";
    case SQLITE_FLOAT:   return "a REAL";
    case SQLITE_BLOB:    return "a BLOB";
    default:             return "TEXT";
    }
}

/* Why v does not fit column c, or NULL if it does. The text written into
 * why follows "COLUMN holds VALUE, ". */
static const char *misfit(const vouch_program *p, const vouch_column_decl *c, sqlite3_value *v,
                          char why[160])
{
    int ty = sqlite3_value_type(v);
    int want_int = c->type == VT_INT || c->type == VT_BOOL || c->type == VT_DUR;
    if (ty == SQLITE_NULL)
        return c->optional ? NULL : "but the column is not optional";
    if (ty != (want_int ? SQLITE_INTEGER : SQLITE_TEXT)) {
        const char *w = type_word(c);
        /* an INTEGER in a text column: most likely a store made when the
         * column was an int (evidence.id before schema v1 made it text) */
        snprintf(why, 160, "which is %s, but a%s %s column holds %s%s", class_name(ty),
                 w[0] == 'i' || w[0] == 'e' ? "n" : "", w, want_int ? "INTEGER values" : "TEXT",
                 !want_int && ty == SQLITE_INTEGER
                     ? " (a store made for an older schema? docs/facts.md, \"Text ids\")" : "");
        return why;
    }
    if (want_int) {
        int64_t i = sqlite3_value_int64(v);
        return c->type == VT_BOOL && i != 0 && i != 1 ? "but a bool is 0 or 1" : NULL;
    }
    const unsigned char *s = sqlite3_value_text(v);
    size_t n = (size_t)sqlite3_value_bytes(v);
    if (!s)
        return n ? "which could not be read (out of memory)" : NULL;
    if (c->type == VT_DATE) {
        int64_t d;
        return date_parse((const char *)s, n, &d) != 0
                   ? "which is not a date (YYYY-MM-DD, a real day of years 1..9999)" : NULL;
    }
    if (memchr(s, 0, n))
        return "which contains a NUL byte";
    if (!utf8_ok(s, n))
        return "which is not valid UTF-8";
    if (c->enum_id >= 0 && (uint32_t)c->enum_id < p->nenums) {
        const vouch_enum_decl *e = &p->enums[c->enum_id];
        for (uint32_t k = 0; k < e->nvalues; k++)
            if (strlen(e->values[k]) == n && memcmp(e->values[k], s, n) == 0)
                return NULL;
        size_t used = (size_t)snprintf(why, 160, "which is not one of:");
        for (uint32_t k = 0; k < e->nvalues && used < 150; k++) {
            int w = snprintf(why + used, 160 - used, "%s %s", k ? "," : "", e->values[k]);
            if (w < 0)
                break;
            used += (size_t)w;
        }
        if (used >= 150)
            memcpy(why + 150, ", ...", 6);
        return why;
    }
    return NULL;
}

/* ---- the scan ---------------------------------------------------------------------- */

/* Row bytes for the digest, hashed a buffer at a time. */
typedef struct hbuf {
    vouch_sha256_ctx h;
    unsigned char b[8192];
    size_t n;
} hbuf;

static void hb_add(hbuf *hb, const void *p, size_t n)
{
    if (hb->n + n > sizeof hb->b) {
        vouch_sha256_add(&hb->h, hb->b, hb->n);
        hb->n = 0;
        if (n > sizeof hb->b) {
            vouch_sha256_add(&hb->h, p, n);
            return;
        }
    }
    memcpy(hb->b + hb->n, p, n);
    hb->n += n;
}

/* The canonical encoding of v (see the top of the file) into out, which
 * holds 9 bytes; the bytes of text or a blob follow it in *data, *n bytes. */
static size_t encode(sqlite3_value *v, unsigned char out[9], const void **data, size_t *n)
{
    uint64_t u = 0;
    *data = NULL;
    *n = 0;
    switch (sqlite3_value_type(v)) {
    case SQLITE_NULL:
        out[0] = 'N';
        return 1;
    case SQLITE_INTEGER:
        out[0] = 'I';
        u = (uint64_t)sqlite3_value_int64(v);
        break;
    case SQLITE_FLOAT: {
        double d = sqlite3_value_double(v);
        out[0] = 'R';
        memcpy(&u, &d, sizeof u);
        break;
    }
    default: {
        int blob = sqlite3_value_type(v) == SQLITE_BLOB;
        out[0] = blob ? 'B' : 'T';
        *data = blob ? sqlite3_value_blob(v) : (const void *)sqlite3_value_text(v);
        *n = (size_t)sqlite3_value_bytes(v);
        for (int i = 0; i < 4; i++)
            out[1 + i] = (unsigned char)(*n >> (24 - 8 * i));
        return 5;
    }
    }
    for (int i = 0; i < 8; i++)
        out[1 + i] = (unsigned char)(u >> (56 - 8 * i));
    return 9;
}

static void note(facts_table_check *out, uint32_t slot, sbuf *msg)
{
    facts_issue *is = &out->issues[slot];
    out->nbad++;
    if (is->count++ == 0 && !msg->oom) {
        is->msg = msg->p;
        msg->p = NULL;
    }
}

static vouch_status db_fail(sqlite3 *db, int rc, vouch_error *err, const char *table)
{
    if ((rc & 0xff) == SQLITE_NOMEM)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory (checking `%s`)", table);
    return vouch_error_set(err, VOUCH_EIO, "facts store: checking the values of `%s`: %s", table,
                           sqlite3_errmsg(db));
}

static vouch_status oom(vouch_error *err)
{
    return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

static vouch_status scan(sqlite3 *db, const vouch_program *p, uint32_t ti, facts_table_check *out,
                         vouch_error *err)
{
    const vouch_table_decl *t = &p->tables[ti];
    hbuf *hb = vouch_malloc(sizeof *hb);
    out->issues = vouch_calloc(t->ncolumns + 1, sizeof *out->issues);
    sbuf q = {0}, sh = {0}, key = {0}, prev = {0};
    sqlite3_stmt *st = NULL;
    vouch_status s = VOUCH_OK;
    if (!hb || !out->issues) {
        s = oom(err);
        goto done;
    }
    vouch_sha256_begin(&hb->h);
    hb->n = 0;
    shape(&sh, p, t);
    hb_add(hb, sh.p ? sh.p : "", sh.n + 1);

    /* Key order, then the other columns, bytewise whatever the store's
     * collations: the order, and so the digest, are the values' own. */
    sb_str(&q, "SELECT ");
    for (uint32_t i = 0; i < t->ncolumns; i++) {
        if (i)
            sb_str(&q, ", ");
        sb_ident(&q, t->columns[i].name);
    }
    sb_str(&q, " FROM ");
    sb_ident(&q, t->name);
    uint32_t nord = 0;
    for (int pass = 0; pass < 2; pass++)
        for (uint32_t i = 0; i < t->ncolumns; i++) {
            int is_key = 0;
            for (uint32_t k = 0; k < t->nkey; k++)
                is_key |= t->key[k] == i;
            if (is_key != (pass == 0))
                continue;
            sb_str(&q, nord++ ? ", " : " ORDER BY ");
            sb_ident(&q, t->columns[i].name);
            sb_str(&q, " COLLATE BINARY");
        }
    if (q.oom || sh.oom) {
        s = oom(err);
        goto done;
    }
    int rc = sqlite3_prepare_v2(db, q.p, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        s = db_fail(db, rc, err, t->name);
        goto done;
    }
    int have_prev = 0;
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        out->rows++;
        key.n = 0;
        for (uint32_t i = 0; i < t->ncolumns; i++) {
            sqlite3_value *v = sqlite3_column_value(st, (int)i);
            unsigned char head[9];
            const void *data;
            size_t n;
            size_t hn = encode(v, head, &data, &n);
            hb_add(hb, head, hn);
            if (n)
                hb_add(hb, data, n);
            char why[160];
            const char *bad = misfit(p, &t->columns[i], v, why);
            if (bad) {
                sbuf m = {0};
                if (out->issues[i].count == 0) {
                    row_name(&m, t, st);
                    sb_str(&m, ": ");
                    sb_str(&m, t->columns[i].name);
                    sb_str(&m, " holds ");
                    show(&m, v);
                    sb_str(&m, ", ");
                    sb_str(&m, bad);
                }
                note(out, i, &m);
                vouch_free(m.p);
            }
        }
        if (!t->nkey)
            continue;
        /* A duplicate key: this row's key encodes as the previous one's. */
        for (uint32_t k = 0; k < t->nkey; k++) {
            sqlite3_value *v = sqlite3_column_value(st, (int)t->key[k]);
            unsigned char head[9];
            const void *data;
            size_t n;
            sb_add(&key, (const char *)head, encode(v, head, &data, &n));
            if (n)
                sb_add(&key, data, n);
        }
        if (key.oom) {
            s = oom(err);
            goto done;
        }
        if (have_prev && key.n == prev.n && memcmp(key.p, prev.p, key.n) == 0) {
            sbuf m = {0};
            if (out->issues[t->ncolumns].count == 0) {
                row_name(&m, t, st);
                sb_str(&m, ": more than one row has this key (a key names one row)");
            }
            note(out, t->ncolumns, &m);
            vouch_free(m.p);
        }
        sbuf tmp = prev;
        prev = key;
        key = tmp;
        have_prev = 1;
    }
    if (rc != SQLITE_DONE) {
        s = db_fail(db, rc, err, t->name);
        goto done;
    }
    vouch_sha256_add(&hb->h, hb->b, hb->n);
    vouch_sha256_end(&hb->h, out->digest);
done:
    sqlite3_finalize(st);
    vouch_free(q.p);
    vouch_free(sh.p);
    vouch_free(key.p);
    vouch_free(prev.p);
    vouch_free(hb);
    if (s == VOUCH_OK && out->nbad == 0) {
        vouch_free(out->issues);   /* clean: nothing to keep */
        out->issues = NULL;
    }
    return s;
}

/* ---- the record ---------------------------------------------------------------------- */

static const char *const OPS[3] = {"insert", "update", "delete"};

static void trigger_name(sbuf *b, const vouch_table_decl *t, int op)
{
    sb_str(b, "vouch_stale_");
    sb_str(b, OPS[op]);
    sb_str(b, "_");
    sb_str(b, t->name);
}

static void trigger_sql(sbuf *b, const vouch_table_decl *t, int op)
{
    sbuf name = {0};
    trigger_name(&name, t, op);
    sb_str(b, "CREATE TRIGGER ");
    sb_ident(b, name.p ? name.p : "");
    sb_str(b, " AFTER ");
    sb_str(b, op == 0 ? "INSERT" : op == 1 ? "UPDATE" : "DELETE");
    sb_str(b, " ON ");
    sb_ident(b, t->name);
    sb_str(b, " BEGIN DELETE FROM vouch_digest WHERE tbl = ");
    sb_quoted(b, t->name, '\'');
    sb_str(b, "; END");
    b->oom |= name.oom;
    vouch_free(name.p);
}

/* 1 if table ti has a record that counts (its digest and rows into out),
 * 0 if not, -1 if out of memory. */
static int recorded(sqlite3 *db, const vouch_program *p, uint32_t ti, facts_table_check *out)
{
    const vouch_table_decl *t = &p->tables[ti];
    sqlite3_stmt *st = NULL;
    sbuf sh = {0};
    int ok = 0;
    shape(&sh, p, t);
    if (sh.oom) {
        vouch_free(sh.p);
        return -1;
    }
    /* no vouch_digest table: no record */
    if (sqlite3_prepare_v2(db, "SELECT rows, digest FROM vouch_digest WHERE tbl = ?1 AND shape = ?2",
                           -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, sh.p, (int)sh.n, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 1) == SQLITE_BLOB &&
            sqlite3_column_bytes(st, 1) == VOUCH_SHA256_BYTES && sqlite3_column_int64(st, 0) >= 0) {
            out->rows = (uint64_t)sqlite3_column_int64(st, 0);
            memcpy(out->digest, sqlite3_column_blob(st, 1), VOUCH_SHA256_BYTES);
            ok = 1;
        }
    }
    sqlite3_finalize(st);
    st = NULL;
    vouch_free(sh.p);
    /* ... and it counts only while the three triggers stand as load made them */
    if (ok == 1 && sqlite3_prepare_v2(db, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?1",
                                      -1, &st, NULL) != SQLITE_OK)
        ok = 0;
    for (int op = 0; op < 3 && ok == 1; op++) {
        sbuf name = {0}, want = {0};
        trigger_name(&name, t, op);
        trigger_sql(&want, t, op);
        ok = 0;
        if (name.oom || want.oom) {
            ok = -1;
        } else {
            sqlite3_reset(st);
            sqlite3_bind_text(st, 1, name.p, (int)name.n, SQLITE_STATIC);
            if (sqlite3_step(st) == SQLITE_ROW) {
                const char *have = (const char *)sqlite3_column_text(st, 0);
                ok = have && strcmp(have, want.p) == 0 && sqlite3_step(st) == SQLITE_DONE;
            }
        }
        vouch_free(name.p);
        vouch_free(want.p);
    }
    sqlite3_finalize(st);
    return ok;
}

vouch_status facts_check_table(sqlite3 *db, const vouch_program *p, uint32_t ti,
                               facts_table_check *out, vouch_error *err)
{
    memset(out, 0, sizeof *out);
    out->ncolumns = p->tables[ti].ncolumns;
    int r = recorded(db, p, ti, out);
    if (r < 0)
        return oom(err);
    if (r == 1) {
        out->recorded = 1;
        return VOUCH_OK;
    }
    out->rows = 0;
    vouch_status s = scan(db, p, ti, out, err);
    if (s != VOUCH_OK)
        facts_check_free(out);
    return s;
}

void facts_check_free(facts_table_check *c)
{
    for (uint32_t i = 0; c->issues && i <= c->ncolumns; i++)
        vouch_free(c->issues[i].msg);
    vouch_free(c->issues);
    c->issues = NULL;
    c->nbad = 0;
}

vouch_status facts_check_copy(facts_table_check *out, const facts_table_check *c, vouch_error *err)
{
    *out = *c;
    out->issues = NULL;
    if (!c->issues)
        return VOUCH_OK;
    out->issues = vouch_calloc(c->ncolumns + 1, sizeof *out->issues);
    if (!out->issues)
        return oom(err);
    for (uint32_t i = 0; i <= c->ncolumns; i++) {
        out->issues[i].count = c->issues[i].count;
        if (c->issues[i].msg && !(out->issues[i].msg = vouch_strdup(c->issues[i].msg))) {
            facts_check_free(out);
            return oom(err);
        }
    }
    return VOUCH_OK;
}

/* ---- writing the record (load.c) ---------------------------------------------------------- */

static int exec_sbuf(sqlite3 *db, sbuf *b)
{
    int rc = b->oom ? SQLITE_NOMEM : sqlite3_exec(db, b->p, NULL, NULL, NULL);
    vouch_free(b->p);
    b->p = NULL;
    b->n = b->cap = 0;
    b->oom = 0;
    return rc;
}

int facts_check_forget(sqlite3 *db, const vouch_table_decl *t)
{
    int rc = SQLITE_OK;
    for (int op = 0; op < 3 && rc == SQLITE_OK; op++) {
        sbuf b = {0}, name = {0};
        trigger_name(&name, t, op);
        sb_str(&b, "DROP TRIGGER IF EXISTS ");
        sb_ident(&b, name.p ? name.p : "");
        b.oom |= name.oom;
        vouch_free(name.p);
        rc = exec_sbuf(db, &b);
    }
    sqlite3_stmt *st = NULL;
    if (rc == SQLITE_OK &&
        sqlite3_prepare_v2(db, "DELETE FROM vouch_digest WHERE tbl = ?1", -1, &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    }
    sqlite3_finalize(st);   /* (no vouch_digest yet: nothing to forget) */
    return rc;
}

int facts_check_seal(sqlite3 *db, const vouch_program *p, uint32_t ti, facts_table_check *bad)
{
    const vouch_table_decl *t = &p->tables[ti];
    facts_table_check c;
    vouch_error e;
    if (bad)
        memset(bad, 0, sizeof *bad);
    vouch_status s = facts_check_table(db, p, ti, &c, &e);
    if (s != VOUCH_OK)
        return s == VOUCH_ENOMEM ? SQLITE_NOMEM : SQLITE_ERROR;
    if (c.recorded) {
        facts_check_free(&c);
        return SQLITE_OK;
    }
    if (c.nbad) {
        if (bad)
            *bad = c;
        else
            facts_check_free(&c);
        return SQLITE_OK;
    }
    int rc = facts_check_forget(db, t);
    if (rc == SQLITE_OK)
        /* WITHOUT ROWID: the records sit in table-name order whatever order
         * they were written in, so a store's dump (and so its comparison
         * with another) does not depend on which table was loaded last. */
        rc = sqlite3_exec(db, "CREATE TABLE IF NOT EXISTS vouch_digest(tbl TEXT PRIMARY KEY, shape TEXT "
                              "NOT NULL, rows INTEGER NOT NULL, digest BLOB NOT NULL) WITHOUT ROWID",
                          NULL, NULL, NULL);
    sqlite3_stmt *st = NULL;
    sbuf sh = {0};
    shape(&sh, p, t);
    if (rc == SQLITE_OK && sh.oom)
        rc = SQLITE_NOMEM;
    if (rc == SQLITE_OK)
        rc = sqlite3_prepare_v2(db, "INSERT INTO vouch_digest(tbl, shape, rows, digest) VALUES (?1, ?2, ?3, ?4)",
                                -1, &st, NULL);
    if (rc == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 2, sh.p, (int)sh.n, SQLITE_STATIC);
        sqlite3_bind_int64(st, 3, (sqlite3_int64)c.rows);
        sqlite3_bind_blob(st, 4, c.digest, VOUCH_SHA256_BYTES, SQLITE_STATIC);
        rc = sqlite3_step(st) == SQLITE_DONE ? SQLITE_OK : sqlite3_errcode(db);
    }
    sqlite3_finalize(st);
    vouch_free(sh.p);
    for (int op = 0; op < 3 && rc == SQLITE_OK; op++) {
        sbuf b = {0};
        trigger_sql(&b, t, op);
        rc = exec_sbuf(db, &b);
    }
    facts_check_free(&c);
    return rc;
}
