/*
 * facts_pg.c: the connection to a PostgreSQL facts store and the copy of
 * its tables a run reads (facts_pg.h; docs/postgres.md).
 *
 * Round trips are the cost a server adds, so a run makes a fixed number of
 * them whatever the plans: the connection, one query for the schema, and
 * per table the program reads one catalogue query and one COPY of the
 * whole table into an in-memory SQLite table. The store's paths (facts.c
 * and the rest) then answer every seek from memory. No seek, probe or
 * loop ever reaches the server, and every statement of the run reads the
 * one snapshot of the transaction facts_pg_begin opens.
 *
 * A table `vouch load` wrote keeps a record of its check and digest in
 * the schema (the end of this file), kept honest by a trigger: a run
 * takes it over instead of checking the rows again.
 *
 * Invariants: the schema is fixed at connect; every relation is named by
 * schema and name (the search path picks the schema, nothing else); a
 * value crosses as its kind (integers and booleans as integers, floats as
 * reals, everything else as text, dates as ISO text), so the store's value
 * checks see what PostgreSQL holds; libpq messages are passed on with
 * their line breaks folded, and never the connection string (it may hold
 * a password).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <errno.h>
#include <libpq-fe.h>
#include "facts_pg.h"
#include "alloc.h"

struct facts_pg {
    PGconn *c;
    char *schema;
    char *name;
    char *shown;             /* the connection string without its password, or NULL */
    int in_txn;
    int has_record;          /* the schema's vouch_digest: 0 not asked yet, 1 readable, -1 not */
};

/* ---- telling a connection string from a path ----------------------------------- */

int facts_pg_is_conninfo(const char *s)
{
    if (strncmp(s, "postgresql://", 13) == 0 || strncmp(s, "postgres://", 11) == 0)
        return 1;
    size_t k = 0;
    while ((s[k] >= 'a' && s[k] <= 'z') || s[k] == '_')
        k++;
    size_t klen = k;
    while (s[k] == ' ')
        k++;
    if (klen == 0 || s[k] != '=')
        return 0;
    /* The first key must be one libpq knows. */
    PQconninfoOption *o = PQconndefaults();
    int known = 0;
    for (PQconninfoOption *i = o; i && i->keyword; i++)
        known |= strlen(i->keyword) == klen && strncmp(i->keyword, s, klen) == 0;
    PQconninfoFree(o);
    return known;
}

/* ---- messages -------------------------------------------------------------------- */

/* libpq's message on one line: breaks and tabs folded, the end trimmed. */
static void pg_reason(const char *m, char *out, size_t size)
{
    size_t k = 0;
    int space = 0;
    for (; m && *m && k + 1 < size; m++) {
        if (*m == '\n' || *m == '\t' || *m == '\r') {
            space = 1;
            continue;
        }
        if (space && k > 0)
            out[k++] = ' ';
        space = 0;
        if (k + 1 < size)
            out[k++] = *m;
    }
    out[k] = 0;
    /* "ERROR:  x" -> "x" */
    if (strncmp(out, "ERROR:  ", 8) == 0)
        memmove(out, out + 8, strlen(out + 8) + 1);
}

static vouch_status pg_fail(facts_pg *g, const char *what, vouch_error *err)
{
    char why[512];
    pg_reason(PQerrorMessage(g->c), why, sizeof why);
    /* A FATAL error ends the session: the server closes the connection. */
    int gone = PQstatus(g->c) == CONNECTION_BAD || strncmp(why, "FATAL:", 6) == 0;
    if (strncmp(why, "FATAL:  ", 8) == 0)
        memmove(why, why + 8, strlen(why + 8) + 1);
    if (gone)
        return vouch_error_set(err, VOUCH_EINPUT, "facts store %s: the server closed the connection "
                               "while %s: %s", g->name, what, why[0] ? why : "no reason given");
    return vouch_error_set(err, VOUCH_EINPUT, "facts store %s: %s: %s", g->name, what,
                           why[0] ? why : "failed");
}

void facts_pg_ident(sbuf *b, const char *name)
{
    sb_add(b, "\"", 1);
    for (const char *at; (at = strchr(name, '"')) != NULL; name = at + 1) {
        sb_add(b, name, (size_t)(at - name) + 1);
        sb_add(b, "\"", 1);
    }
    sb_str(b, name);
    sb_add(b, "\"", 1);
}

/* The connection string as key=value pairs without the password, if it
 * holds one (a report must not carry it); NULL if it holds none. */
static char *without_password(const char *conninfo)
{
    PQconninfoOption *o = PQconninfoParse(conninfo, NULL);
    int has = 0;
    for (PQconninfoOption *i = o; i && i->keyword; i++)
        has |= strcmp(i->keyword, "password") == 0 && i->val && *i->val;
    if (!has) {
        PQconninfoFree(o);
        return NULL;
    }
    sbuf b = {0};
    for (PQconninfoOption *i = o; i->keyword; i++) {
        if (!i->val || strcmp(i->keyword, "password") == 0)
            continue;
        sb_printf(&b, "%s%s='", b.n ? " " : "", i->keyword);
        for (const char *v = i->val; *v; v++)
            sb_add(&b, *v == '\\' ? "\\\\" : *v == '\'' ? "\\'" : v,
                   *v == '\\' || *v == '\'' ? 2 : 1);
        sb_str(&b, "'");
    }
    PQconninfoFree(o);
    if (b.oom) {
        vouch_free(b.p);
        return NULL;
    }
    return b.p ? b.p : vouch_strdup("");
}

/* ---- the connection ------------------------------------------------------------- */

vouch_status facts_pg_connect(const char *conninfo, facts_pg **out, vouch_error *err)
{
    *out = NULL;
    facts_pg *g = vouch_calloc(1, sizeof *g);
    if (!g)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    g->shown = without_password(conninfo);
    g->c = PQconnectdb(conninfo);
    if (!g->c) {
        vouch_free(g);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    if (PQstatus(g->c) != CONNECTION_OK) {
        char why[512];
        pg_reason(PQerrorMessage(g->c), why, sizeof why);
        vouch_status s = vouch_error_set(err, VOUCH_EINPUT,
                                         "cannot open facts store: cannot connect to PostgreSQL: %s",
                                         why[0] ? why : "no reason given");
        facts_pg_close(g);
        return s;
    }
    const char *db = PQdb(g->c);
    size_t n = strlen(db ? db : "") + 16;
    g->name = vouch_malloc(n);
    if (!g->name) {
        facts_pg_close(g);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    snprintf(g->name, n, "postgres:%s", db ? db : "");
    vouch_status s = facts_pg_exec(g, "SET DateStyle = ISO, YMD; SET client_encoding = 'UTF8'; "
                                   "SET extra_float_digits = 3; SET client_min_messages = warning", "setting up the session", err);
    if (s != VOUCH_OK) {
        facts_pg_close(g);
        return s;
    }
    PGresult *r = PQexec(g->c, "SELECT current_schema(), current_setting('search_path')");
    if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
        PQclear(r);
        s = pg_fail(g, "finding the schema", err);
        facts_pg_close(g);
        return s;
    }
    if (PQgetisnull(r, 0, 0)) {
        s = vouch_error_set(err, VOUCH_EINPUT,
                            "facts store %s: no schema of the search path (%s) exists that this "
                            "role may use; name the organisation's schema with "
                            "options=-csearch_path=SCHEMA (docs/postgres.md)",
                            g->name, PQgetvalue(r, 0, 1));
        PQclear(r);
        facts_pg_close(g);
        return s;
    }
    const char *schema = PQgetvalue(r, 0, 0);
    n = strlen(g->name) + strlen(schema) + 16;
    char *name = vouch_malloc(n);
    g->schema = vouch_strdup(schema);
    PQclear(r);
    if (!name || !g->schema) {
        vouch_free(name);
        facts_pg_close(g);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    snprintf(name, n, "%s (schema %s)", g->name, g->schema);
    vouch_free(g->name);
    g->name = name;
    *out = g;
    return VOUCH_OK;
}

void facts_pg_close(facts_pg *g)
{
    if (!g)
        return;
    PQfinish(g->c);   /* an open transaction ends with the connection (rolled back) */
    vouch_free(g->schema);
    vouch_free(g->name);
    vouch_free(g->shown);
    vouch_free(g);
}

const char *facts_pg_name(const facts_pg *g) { return g->name; }
const char *facts_pg_shown(const facts_pg *g) { return g->shown; }
const char *facts_pg_schema(const facts_pg *g) { return g->schema; }

vouch_status facts_pg_exec(facts_pg *g, const char *sql, const char *what, vouch_error *err)
{
    PGresult *r = PQexec(g->c, sql);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        return pg_fail(g, what, err);
    return VOUCH_OK;
}

vouch_status facts_pg_begin(facts_pg *g, int read_only, vouch_error *err)
{
    if (g->in_txn)
        return VOUCH_OK;
    vouch_status s = facts_pg_exec(g, read_only ? "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY"
                                                : "BEGIN", "starting the transaction", err);
    g->in_txn = s == VOUCH_OK;
    return s;
}

/* ---- COPY in (load_pg.c) ------------------------------------------------------------ */

vouch_status facts_pg_copy_in(facts_pg *g, const char *sql, const char *what, vouch_error *err)
{
    PGresult *r = PQexec(g->c, sql);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    return st == PGRES_COPY_IN ? VOUCH_OK : pg_fail(g, what, err);
}

vouch_status facts_pg_copy_put(facts_pg *g, const char *rows, size_t n, const char *what,
                               vouch_error *err)
{
    if (PQputCopyData(g->c, rows, (int)n) != 1) {
        vouch_status s = pg_fail(g, what, err);
        facts_pg_copy_end(g, "failed", what, NULL);
        return s;
    }
    return VOUCH_OK;
}

vouch_status facts_pg_copy_end(facts_pg *g, const char *fail, const char *what, vouch_error *err)
{
    vouch_status s = VOUCH_OK;
    if (PQputCopyEnd(g->c, fail) != 1 && err)
        s = pg_fail(g, what, err);
    PGresult *r;
    while ((r = PQgetResult(g->c)) != NULL) {
        if (s == VOUCH_OK && err && !fail && PQresultStatus(r) != PGRES_COMMAND_OK)
            s = pg_fail(g, what, err);
        PQclear(r);
    }
    return s;
}

/* ---- the copy of a table ---------------------------------------------------------- */

enum { K_TEXT = 0, K_INT, K_BOOL, K_REAL, K_NUMERIC };

static int kind_of(Oid t)
{
    switch (t) {
    case 16: return K_BOOL;                       /* bool */
    case 20: case 21: case 23: case 26: return K_INT;  /* int8, int2, int4, oid */
    case 700: case 701: return K_REAL;            /* float4, float8 */
    case 1700: return K_NUMERIC;                  /* numeric */
    default: return K_TEXT;
    }
}

static const char *sqlite_type(int kind)
{
    switch (kind) {
    case K_INT: case K_BOOL: return "INTEGER";
    case K_REAL: return "REAL";
    case K_NUMERIC: return "NUMERIC";
    default: return "TEXT";
    }
}

/* Undoes COPY's text escapes of one field in place; its new length. */
static size_t unescape(char *s, size_t n)
{
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        char ch = s[i];
        if (ch != '\\' || i + 1 >= n) {
            s[k++] = ch;
            continue;
        }
        ch = s[++i];
        switch (ch) {
        case 'b': s[k++] = '\b'; break;
        case 'f': s[k++] = '\f'; break;
        case 'n': s[k++] = '\n'; break;
        case 'r': s[k++] = '\r'; break;
        case 't': s[k++] = '\t'; break;
        case 'v': s[k++] = '\v'; break;
        case 'x': {
            int v = 0, d = 0;
            while (d < 2 && i + 1 < n) {
                char h = s[i + 1];
                int x = h >= '0' && h <= '9' ? h - '0' : h >= 'a' && h <= 'f' ? h - 'a' + 10
                      : h >= 'A' && h <= 'F' ? h - 'A' + 10 : -1;
                if (x < 0)
                    break;
                v = v * 16 + x;
                i++;
                d++;
            }
            s[k++] = d ? (char)v : 'x';
            break;
        }
        default:
            if (ch >= '0' && ch <= '7') {
                int v = ch - '0', d = 1;
                while (d < 3 && i + 1 < n && s[i + 1] >= '0' && s[i + 1] <= '7') {
                    v = v * 8 + (s[++i] - '0');
                    d++;
                }
                s[k++] = (char)v;
            } else {
                s[k++] = ch;   /* \\ and any other escaped byte */
            }
        }
    }
    return k;
}

/* Binds one field of kind kind (n bytes, unescaped, NUL-terminated): an
 * integer or boolean as an integer, a float as a real, a numeric as an
 * integer when it is one, else as a real; text as text, as is anything
 * that does not parse as its kind says. */
static int bind_field(sqlite3_stmt *st, int i, int kind, char *v, size_t n)
{
    char *end;
    if (kind == K_BOOL)
        return sqlite3_bind_int64(st, i, v[0] == 't');
    if ((kind == K_INT || kind == K_NUMERIC) && n > 0) {
        errno = 0;
        long long x = strtoll(v, &end, 10);
        if (errno == 0 && end == v + n)
            return sqlite3_bind_int64(st, i, x);
    }
    if ((kind == K_REAL || kind == K_NUMERIC) && n > 0) {
        double d = strtod(v, &end);
        if (end == v + n)
            return sqlite3_bind_double(st, i, d);
    }
    return sqlite3_bind_text(st, i, v, (int)n, SQLITE_TRANSIENT);
}

static vouch_status lite_error(sqlite3 *db, const char *name, vouch_error *err)
{
    return vouch_error_set(err, sqlite3_errcode(db) == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EIO,
                           "copying table `%s` into memory: %s", name, sqlite3_errmsg(db));
}

vouch_status facts_pg_mirror(facts_pg *g, sqlite3 *db, const char *name,
                             const vouch_table_decl *decl, int *found, vouch_error *err)
{
    int lock = decl != NULL;
    char what[256];
    *found = 0;
    const char *params[2] = {g->schema, name};
    PGresult *r = PQexecParams(g->c,
        "SELECT a.attname, a.atttypid, c.relkind, a.attnotnull, "
        "coalesce(a.attnum = ANY (SELECT unnest(i.indkey) FROM pg_catalog.pg_index i "
        "WHERE i.indrelid = c.oid AND i.indisprimary), false) FROM pg_catalog.pg_attribute a "
        "JOIN pg_catalog.pg_class c ON c.oid = a.attrelid "
        "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace "
        "WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'v', 'm', 'p', 'f') "
        "AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum",
        2, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        snprintf(what, sizeof what, "reading the columns of `%s`", name);
        return pg_fail(g, what, err);
    }
    int ncols = PQntuples(r);
    if (ncols == 0) {
        PQclear(r);
        return VOUCH_OK;
    }
    int *kind = vouch_calloc((size_t)ncols, sizeof *kind);
    sbuf create = {0}, copy = {0}, ins = {0};
    sb_str(&create, "CREATE TABLE ");
    facts_pg_ident(&create, name);
    sb_str(&create, " (");
    sb_str(&copy, "COPY (SELECT ");
    sb_str(&ins, "INSERT INTO ");
    facts_pg_ident(&ins, name);
    sb_str(&ins, " VALUES (");
    int relation_is_table = PQgetvalue(r, 0, 2)[0] == 'r' || PQgetvalue(r, 0, 2)[0] == 'p';
    for (int i = 0; kind && i < ncols; i++) {
        kind[i] = kind_of((Oid)strtoul(PQgetvalue(r, i, 1), NULL, 10));
        if (i) {
            sb_str(&create, ", ");
            sb_str(&copy, ", ");
            sb_str(&ins, ", ");
        }
        facts_pg_ident(&create, PQgetvalue(r, i, 0));
        sb_printf(&create, " %s", sqlite_type(kind[i]));
        if (decl && PQgetvalue(r, i, 3)[0] == 't')
            sb_str(&create, " NOT NULL");
        facts_pg_ident(&copy, PQgetvalue(r, i, 0));
        sb_printf(&ins, "?%d", i + 1);
    }
    /* A load's copy keeps the table's NOT NULL and primary key, so the
     * load refuses what the table refuses. */
    for (int i = 0, npk = 0; decl && i < ncols; i++)
        if (PQgetvalue(r, i, 4)[0] == 't') {
            sb_str(&create, npk++ ? ", " : ", PRIMARY KEY(");
            facts_pg_ident(&create, PQgetvalue(r, i, 0));
        }
    for (int i = 0; decl && i < ncols; i++)
        if (PQgetvalue(r, i, 4)[0] == 't') {
            sb_str(&create, ")");
            break;
        }
    PQclear(r);
    sb_str(&create, ")");
    sb_str(&ins, ")");
    sb_str(&copy, " FROM ");
    facts_pg_ident(&copy, g->schema);
    sb_str(&copy, ".");
    facts_pg_ident(&copy, name);
    sb_str(&copy, ") TO STDOUT");
    vouch_status s = VOUCH_OK;
    sqlite3_stmt *st = NULL;
    int in_copy = 0, lite_txn = 0;
    if (!kind || create.oom || copy.oom || ins.oom) {
        s = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto done;
    }
    if (lock && relation_is_table) {
        sbuf l = {0};
        sb_str(&l, "LOCK TABLE ");
        facts_pg_ident(&l, g->schema);
        sb_str(&l, ".");
        facts_pg_ident(&l, name);
        sb_str(&l, " IN SHARE ROW EXCLUSIVE MODE");
        snprintf(what, sizeof what, "locking table `%s`", name);
        s = l.oom ? vouch_error_set(err, VOUCH_ENOMEM, "out of memory")
                  : facts_pg_exec(g, l.p, what, err);
        vouch_free(l.p);
        if (s != VOUCH_OK)
            goto done;
    }
    if (sqlite3_exec(db, "SAVEPOINT facts_pg", NULL, NULL, NULL) != SQLITE_OK) {
        s = lite_error(db, name, err);
        goto done;
    }
    lite_txn = 1;
    if (sqlite3_exec(db, create.p, NULL, NULL, NULL) != SQLITE_OK ||
        sqlite3_prepare_v2(db, ins.p, -1, &st, NULL) != SQLITE_OK) {
        s = lite_error(db, name, err);
        goto done;
    }
    r = PQexec(g->c, copy.p);
    if (PQresultStatus(r) != PGRES_COPY_OUT) {
        PQclear(r);
        snprintf(what, sizeof what, "reading table `%s`", name);
        s = pg_fail(g, what, err);
        goto done;
    }
    PQclear(r);
    in_copy = 1;
    char *row;
    int len;
    while ((len = PQgetCopyData(g->c, &row, 0)) > 0) {
        /* One row: fields split by tabs, \N for NULL, a newline at the end. */
        size_t n = (size_t)len;
        if (n && row[n - 1] == '\n')
            n--;
        row[n] = 0;
        char *at = row;
        int i = 0;
        for (; i < ncols; i++) {
            char *tab = memchr(at, '\t', (size_t)(row + n - at));
            char *end = tab ? tab : row + n;
            *end = 0;
            size_t fl = (size_t)(end - at);
            int rc;
            if (fl == 2 && at[0] == '\\' && at[1] == 'N')
                rc = sqlite3_bind_null(st, i + 1);
            else {
                size_t ul = unescape(at, fl);
                at[ul] = 0;
                rc = bind_field(st, i + 1, kind[i], at, ul);
            }
            if (rc != SQLITE_OK)
                break;
            if (!tab) {
                i++;
                break;
            }
            at = tab + 1;
        }
        int ok = i == ncols && sqlite3_step(st) == SQLITE_DONE;
        sqlite3_reset(st);
        PQfreemem(row);
        if (!ok) {
            s = i == ncols ? lite_error(db, name, err)
                           : vouch_error_set(err, VOUCH_EIO, "facts store %s: reading table `%s`: "
                                             "a row of %d fields, not %d", g->name, name, i, ncols);
            goto done;
        }
    }
    in_copy = 0;
    if (len == -2) {
        snprintf(what, sizeof what, "reading table `%s`", name);
        s = pg_fail(g, what, err);
        goto done;
    }
    r = PQgetResult(g->c);
    if (PQresultStatus(r) != PGRES_COMMAND_OK) {
        PQclear(r);
        snprintf(what, sizeof what, "reading table `%s`", name);
        s = pg_fail(g, what, err);
        goto done;
    }
    PQclear(r);
    while ((r = PQgetResult(g->c)) != NULL)
        PQclear(r);
    if (sqlite3_exec(db, "RELEASE facts_pg", NULL, NULL, NULL) != SQLITE_OK) {
        s = lite_error(db, name, err);
        goto done;
    }
    lite_txn = 0;
    *found = 1;
done:
    if (in_copy) {
        /* Drain what the server still sends, so the connection stays usable. */
        char *rest;
        while (PQgetCopyData(g->c, &rest, 0) > 0)
            PQfreemem(rest);
        while ((r = PQgetResult(g->c)) != NULL)
            PQclear(r);
    }
    sqlite3_finalize(st);
    if (lite_txn) {
        sqlite3_exec(db, "ROLLBACK TO facts_pg", NULL, NULL, NULL);
        sqlite3_exec(db, "RELEASE facts_pg", NULL, NULL, NULL);
    }
    vouch_free(kind);
    vouch_free(create.p);
    vouch_free(copy.p);
    vouch_free(ins.p);
    return s;
}

/* ---- the record of a table's checked values ------------------------------------------
 *
 * As a SQLite store's vouch_digest (facts_check.h), a schema's vouch_digest
 * holds, per table whose every value fit when `vouch load` last wrote it,
 * the rows and digest a run's check would compute, so the run need not
 * read the table twice. It counts only while nothing can have changed the
 * rows since: the table's oid, storage (relfilenode: a rewrite, ALTER
 * COLUMN TYPE ... USING or TRUNCATE, changes it) and column layout (names,
 * numbers, types) are the recorded ones; the table is a plain table
 * without inheritance children (a write into a child fires no trigger of
 * the parent) and without row-level security (a run's role might see
 * fewer rows than were recorded); and the statement trigger
 * vouch_digest_forget, enabled ALWAYS (so a replication session fires it
 * too), AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE, without a WHEN,
 * calls the schema's function of that name whose body is exactly the one
 * vouch writes: deleting the table's record. */

#define PG_LAYOUT "(SELECT string_agg(a.attname || ' ' || a.attnum || ' ' || a.atttypid, ',' " \
                  "ORDER BY a.attnum) FROM pg_catalog.pg_attribute a WHERE a.attrelid = c.oid " \
                  "AND a.attnum > 0 AND NOT a.attisdropped)"
#define PG_TRIGGER_TYPE "60"   /* AFTER, FOR EACH STATEMENT, INSERT | DELETE | UPDATE | TRUNCATE */

/* The trigger function's body, naming the schema's vouch_digest (without
 * it there is no record to forget: writes go on). */
static void forget_body(facts_pg *g, sbuf *b)
{
    sb_str(b, " BEGIN DELETE FROM ");
    facts_pg_ident(b, g->schema);
    sb_str(b, ".vouch_digest WHERE relid = TG_RELID; RETURN NULL; "
              "EXCEPTION WHEN undefined_table THEN RETURN NULL; END ");
}

static void digest_hex(const unsigned char *d, char out[2 * VOUCH_SHA256_BYTES + 1])
{
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < VOUCH_SHA256_BYTES; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[2 * VOUCH_SHA256_BYTES] = 0;
}

vouch_status facts_pg_recorded(facts_pg *g, const char *name, const char *shape, uint64_t *rows,
                               unsigned char digest[VOUCH_SHA256_BYTES], int *found,
                               vouch_error *err)
{
    *found = 0;
    char what[256];
    if (g->has_record == 0) {
        const char *p1[1] = {g->schema};
        PGresult *r = PQexecParams(g->c,
            "SELECT CASE WHEN to_regclass(format('%I.vouch_digest', $1::text)) IS NULL THEN false "
            "ELSE has_table_privilege(to_regclass(format('%I.vouch_digest', $1::text)), 'SELECT') END",
            1, NULL, p1, NULL, NULL, 0);
        if (PQresultStatus(r) != PGRES_TUPLES_OK || PQntuples(r) != 1) {
            PQclear(r);
            return pg_fail(g, "reading the digest records", err);
        }
        g->has_record = PQgetvalue(r, 0, 0)[0] == 't' ? 1 : -1;
        PQclear(r);
    }
    if (g->has_record < 0)
        return VOUCH_OK;
    sbuf q = {0}, body = {0};
    forget_body(g, &body);
    sb_str(&q, "SELECT d.rows, encode(d.digest, 'hex') FROM pg_catalog.pg_class c "
               "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace JOIN ");
    facts_pg_ident(&q, g->schema);
    sb_str(&q, ".vouch_digest d ON d.relid = c.oid WHERE n.nspname = $1 AND c.relname = $2 "
               "AND c.relkind = 'r' AND NOT c.relhassubclass AND NOT c.relrowsecurity "
               "AND d.shape = $3 AND d.filenode = c.relfilenode AND d.layout = " PG_LAYOUT
               " AND EXISTS (SELECT 1 FROM pg_catalog.pg_trigger tg "
               "JOIN pg_catalog.pg_proc pr ON pr.oid = tg.tgfoid "
               "JOIN pg_catalog.pg_namespace pn ON pn.oid = pr.pronamespace "
               "WHERE tg.tgrelid = c.oid AND tg.tgname = 'vouch_digest_forget' "
               "AND tg.tgenabled = 'A' AND tg.tgtype = " PG_TRIGGER_TYPE " AND tg.tgqual IS NULL "
               "AND pn.nspname = $1 AND pr.proname = 'vouch_digest_forget' AND pr.prosrc = $4)");
    if (q.oom || body.oom) {
        vouch_free(q.p);
        vouch_free(body.p);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    const char *params[4] = {g->schema, name, shape, body.p};
    PGresult *r = PQexecParams(g->c, q.p, 4, NULL, params, NULL, NULL, 0);
    vouch_free(q.p);
    vouch_free(body.p);
    if (PQresultStatus(r) != PGRES_TUPLES_OK) {
        PQclear(r);
        snprintf(what, sizeof what, "reading the digest record of `%s`", name);
        return pg_fail(g, what, err);
    }
    if (PQntuples(r) == 1 && strlen(PQgetvalue(r, 0, 1)) == 2 * VOUCH_SHA256_BYTES) {
        const char *h = PQgetvalue(r, 0, 1);
        for (int i = 0; i < VOUCH_SHA256_BYTES; i++) {
            unsigned v = 0;
            sscanf(h + 2 * i, "%2x", &v);
            digest[i] = (unsigned char)v;
        }
        long long n = strtoll(PQgetvalue(r, 0, 0), NULL, 10);
        if (n >= 0) {
            *rows = (uint64_t)n;
            *found = 1;
        }
    }
    PQclear(r);
    return VOUCH_OK;
}

vouch_status facts_pg_record(facts_pg *g, const char *name, const char *shape, uint64_t rows,
                             const unsigned char digest[VOUCH_SHA256_BYTES], vouch_error *err)
{
    char what[256];
    snprintf(what, sizeof what, "recording the digest of `%s`", name);
    sbuf q = {0}, body = {0}, tbl = {0};
    forget_body(g, &body);
    facts_pg_ident(&tbl, g->schema);
    sb_str(&tbl, ".");
    facts_pg_ident(&tbl, name);
    sb_str(&q, "CREATE TABLE IF NOT EXISTS ");
    facts_pg_ident(&q, g->schema);
    sb_str(&q, ".vouch_digest (relid oid PRIMARY KEY, shape text NOT NULL, filenode oid NOT NULL, "
               "layout text NOT NULL, rows bigint NOT NULL, digest bytea NOT NULL); "
               "CREATE OR REPLACE FUNCTION ");
    facts_pg_ident(&q, g->schema);
    sb_str(&q, ".vouch_digest_forget() RETURNS trigger LANGUAGE plpgsql SECURITY DEFINER "
               "SET search_path = pg_catalog AS ");
    /* The body as a literal (standard_conforming_strings: only ' is special). */
    sb_str(&q, "'");
    for (const char *at = body.p ? body.p : ""; *at; at++)
        sb_add(&q, *at == '\'' ? "''" : at, *at == '\'' ? 2 : 1);
    sb_str(&q, "'");
    sb_str(&q, "; DROP TRIGGER IF EXISTS vouch_digest_forget ON ");
    sb_add(&q, tbl.p ? tbl.p : "", tbl.n);
    sb_str(&q, "; CREATE TRIGGER vouch_digest_forget AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON ");
    sb_add(&q, tbl.p ? tbl.p : "", tbl.n);
    sb_str(&q, " FOR EACH STATEMENT EXECUTE FUNCTION ");
    facts_pg_ident(&q, g->schema);
    sb_str(&q, ".vouch_digest_forget(); ALTER TABLE ");
    sb_add(&q, tbl.p ? tbl.p : "", tbl.n);
    sb_str(&q, " ENABLE ALWAYS TRIGGER vouch_digest_forget");
    vouch_status s = q.oom || body.oom || tbl.oom ? vouch_error_set(err, VOUCH_ENOMEM, "out of memory")
                                                  : facts_pg_exec(g, q.p, what, err);
    vouch_free(q.p);
    vouch_free(body.p);
    vouch_free(tbl.p);
    if (s != VOUCH_OK)
        return s;
    sbuf ins = {0};
    sb_str(&ins, "WITH c AS (SELECT c.* FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n "
                 "ON n.oid = c.relnamespace WHERE n.nspname = $1 AND c.relname = $2), "
                 "gone AS (DELETE FROM ");
    facts_pg_ident(&ins, g->schema);
    sb_str(&ins, ".vouch_digest WHERE relid = (SELECT oid FROM c)) INSERT INTO ");
    facts_pg_ident(&ins, g->schema);
    sb_str(&ins, ".vouch_digest SELECT c.oid, $3, c.relfilenode, " PG_LAYOUT ", $4::bigint, "
                 "decode($5, 'hex') FROM c");
    char hex[2 * VOUCH_SHA256_BYTES + 1], nrows[32];
    digest_hex(digest, hex);
    snprintf(nrows, sizeof nrows, "%llu", (unsigned long long)rows);
    const char *params[5] = {g->schema, name, shape, nrows, hex};
    if (ins.oom) {
        vouch_free(ins.p);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    PGresult *r = PQexecParams(g->c, ins.p, 5, NULL, params, NULL, NULL, 0);
    vouch_free(ins.p);
    ExecStatusType st = PQresultStatus(r);
    PQclear(r);
    return st == PGRES_COMMAND_OK ? VOUCH_OK : pg_fail(g, what, err);
}
