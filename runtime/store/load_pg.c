/*
 * load_pg.c: `vouch load` into a PostgreSQL facts store (facts_pg.h;
 * docs/postgres.md, "Loading").
 *
 * The load is the SQLite load itself, over a private copy: in one
 * transaction on the server, each declared table the schema holds is
 * locked against other writers and copied (facts_pg_mirror) into a SQLite
 * file in a temporary folder; vouch_facts_load_inputs loads the inputs
 * into that file with every check and message of a file store (keys
 * against the rows already there, --replace, --upsert); then each table
 * whose digest the load changed, and each it created, is written back
 * (emptied, or created, then one COPY of its rows) and the transaction
 * commits, each table read back and, if its values fit, recorded first
 * (facts_pg_record). A failure anywhere rolls the server back: all or
 * nothing, as on a file.
 *
 * Invariants: nothing is written to the server before the whole load has
 * passed its checks; the temporary folder is removed whatever happens; a
 * table is written only when its rows changed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "facts_pg.h"
#include "facts_check.h"
#include "alloc.h"

/* ---- writing one table back ------------------------------------------------------- */

/* Appends value v of a row as COPY's text format writes it. */
static void copy_value(sbuf *b, sqlite3_stmt *st, int i)
{
    switch (sqlite3_column_type(st, i)) {
    case SQLITE_NULL:
        sb_str(b, "\\N");
        return;
    case SQLITE_INTEGER:
        sb_printf(b, "%lld", (long long)sqlite3_column_int64(st, i));
        return;
    case SQLITE_FLOAT:
        sb_printf(b, "%.17g", sqlite3_column_double(st, i));
        return;
    default:
        break;
    }
    const unsigned char *s = sqlite3_column_text(st, i);
    int n = sqlite3_column_bytes(st, i);
    for (int k = 0; s && k < n; k++) {
        const char *esc = s[k] == '\\' ? "\\\\" : s[k] == '\t' ? "\\t" : s[k] == '\n' ? "\\n"
                        : s[k] == '\r' ? "\\r" : NULL;
        if (esc)
            sb_str(b, esc);
        else
            sb_add(b, &s[k], 1);
    }
}

vouch_status facts_pg_upload(facts_pg *g, sqlite3 *db, const vouch_table_decl *t, int create,
                             vouch_error *err)
{
    const char *name = t->name;
    char what[256];
    sqlite3_stmt *cols = NULL, *rows = NULL;
    sbuf ddl = {0}, sel = {0}, copy = {0}, buf = {0};
    vouch_status s = VOUCH_OK;
    int ncols = 0;
    if (sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1)", -1, &cols, NULL) != SQLITE_OK)
        goto lite;
    sqlite3_bind_text(cols, 1, name, -1, SQLITE_STATIC);
    sb_str(&ddl, "CREATE TABLE ");
    facts_pg_ident(&ddl, facts_pg_schema(g));
    sb_str(&ddl, ".");
    facts_pg_ident(&ddl, name);
    sb_str(&ddl, " (");
    sb_str(&sel, "SELECT ");
    sb_str(&copy, "COPY ");
    facts_pg_ident(&copy, facts_pg_schema(g));
    sb_str(&copy, ".");
    facts_pg_ident(&copy, name);
    sb_str(&copy, " (");
    int rc;
    while ((rc = sqlite3_step(cols)) == SQLITE_ROW) {
        const char *col = (const char *)sqlite3_column_text(cols, 0);
        const char *type = (const char *)sqlite3_column_text(cols, 1);
        if (!col)
            continue;
        const char *sep = ncols++ ? ", " : "";
        sb_str(&ddl, sep);
        sb_str(&sel, sep);
        sb_str(&copy, sep);
        facts_pg_ident(&ddl, col);
        sb_str(&ddl, type && sqlite3_stricmp(type, "INTEGER") == 0 ? " bigint" : " text");
        for (uint32_t k = 0; k < t->ncolumns; k++)
            if (strcmp(t->columns[k].name, col) == 0 && !t->columns[k].optional)
                sb_str(&ddl, " NOT NULL");
        facts_pg_ident(&sel, col);
        facts_pg_ident(&copy, col);
    }
    if (rc != SQLITE_DONE)
        goto lite;
    for (uint32_t k = 0; k < t->nkey; k++) {
        sb_str(&ddl, k ? ", " : ", PRIMARY KEY (");
        facts_pg_ident(&ddl, t->columns[t->key[k]].name);
        sb_str(&ddl, k + 1 == t->nkey ? ")" : "");
    }
    sb_str(&ddl, ")");
    sb_str(&sel, " FROM ");
    facts_pg_ident(&sel, name);
    sb_str(&copy, ") FROM STDIN");
    if (ddl.oom || sel.oom || copy.oom) {
        s = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto done;
    }
    if (create) {
        snprintf(what, sizeof what, "creating table `%s`", name);
        s = facts_pg_exec(g, ddl.p, what, err);
    } else {
        sbuf del = {0};
        sb_str(&del, "DELETE FROM ");
        facts_pg_ident(&del, facts_pg_schema(g));
        sb_str(&del, ".");
        facts_pg_ident(&del, name);
        snprintf(what, sizeof what, "emptying table `%s`", name);
        s = del.oom ? vouch_error_set(err, VOUCH_ENOMEM, "out of memory")
                    : facts_pg_exec(g, del.p, what, err);
        vouch_free(del.p);
    }
    if (s != VOUCH_OK)
        goto done;
    if (sqlite3_prepare_v2(db, sel.p, -1, &rows, NULL) != SQLITE_OK)
        goto lite;
    snprintf(what, sizeof what, "writing table `%s`", name);
    if ((s = facts_pg_copy_in(g, copy.p, what, err)) != VOUCH_OK)
        goto done;
    while ((rc = sqlite3_step(rows)) == SQLITE_ROW) {
        for (int i = 0; i < ncols; i++) {
            if (i)
                sb_add(&buf, "\t", 1);
            copy_value(&buf, rows, i);
        }
        sb_add(&buf, "\n", 1);
        if (buf.oom) {
            facts_pg_copy_end(g, "out of memory", what, NULL);
            s = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
            goto done;
        }
        if (buf.n >= 65536) {
            if ((s = facts_pg_copy_put(g, buf.p, buf.n, what, err)) != VOUCH_OK)
                goto done;
            buf.n = 0;
        }
    }
    if (rc != SQLITE_DONE) {
        facts_pg_copy_end(g, "the copy failed", what, NULL);
        goto lite;
    }
    if (buf.n && (s = facts_pg_copy_put(g, buf.p, buf.n, what, err)) != VOUCH_OK)
        goto done;
    s = facts_pg_copy_end(g, NULL, what, err);
    goto done;
lite:
    s = vouch_error_set(err, VOUCH_EIO, "facts store %s: copying table `%s` back: %s",
                        facts_pg_name(g), name, sqlite3_errmsg(db));
done:
    sqlite3_finalize(cols);
    sqlite3_finalize(rows);
    vouch_free(ddl.p);
    vouch_free(sel.p);
    vouch_free(copy.p);
    vouch_free(buf.p);
    return s;
}

/* ---- the load --------------------------------------------------------------------- */

/* The temporary folder and the SQLite file in it. */
typedef struct scratch {
    char dir[64];
    char file[96];
} scratch;

static void scratch_remove(const scratch *t)
{
    static const char *const sfx[] = {"", "-journal", "-wal", "-shm"};
    char path[128];
    for (size_t i = 0; i < sizeof sfx / sizeof *sfx; i++) {
        snprintf(path, sizeof path, "%s%s", t->file, sfx[i]);
        unlink(path);
    }
    rmdir(t->dir);
}

/* The messages of the load name the private file as the store: they name
 * the database instead. */
static void rename_store(vouch_error *err, const char *file, const char *name)
{
    if (!err)
        return;
    char out[sizeof err->msg];
    size_t k = 0, fl = strlen(file), nl = strlen(name);
    for (const char *m = err->msg; *m && k + 1 < sizeof out;) {
        if (strncmp(m, file, fl) == 0 && k + nl + 1 < sizeof out) {
            memcpy(out + k, name, nl);
            k += nl;
            m += fl;
        } else {
            out[k++] = *m++;
        }
    }
    out[k] = 0;
    memcpy(err->msg, out, k + 1);
}

/* Table ti's record, unless one still counts: the table read back as a
 * run reads it (facts_pg_mirror into memory) and checked there, so the
 * digest is the one a run computes; none if the schema has no such plain
 * table or a value does not fit. */
static vouch_status record(facts_pg *g, const vouch_program *p, uint32_t ti, vouch_error *err)
{
    const vouch_table_decl *t = &p->tables[ti];
    sbuf sh = {0};
    facts_check_shape(&sh, p, t);
    uint64_t rows;
    unsigned char digest[VOUCH_SHA256_BYTES];
    int found = 0;
    sqlite3 *db = NULL;
    facts_table_check c = {0};
    const char *what = "recording the tables' digests";
    vouch_status s = sh.oom ? vouch_error_set(err, VOUCH_ENOMEM, "out of memory")
                            : facts_pg_recorded(g, t->name, sh.p ? sh.p : "", &rows, digest, &found, err);
    if (s != VOUCH_OK || found)
        goto done;
    if (sqlite3_open_v2(":memory:", &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK ||
        sqlite3_exec(db, "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-1048576", NULL, NULL, NULL) != SQLITE_OK) {
        s = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto done;
    }
    if ((s = facts_pg_mirror(g, db, t->name, NULL, &found, err)) != VOUCH_OK || !found)
        goto done;
    if ((s = facts_check_table(db, p, ti, &c, err)) != VOUCH_OK)
        goto done;
    /* A role that may write the rows but not make vouch_digest or the
     * trigger (no CREATE on the schema, not the table's owner) loads as
     * before, without a record: runs check the table. */
    if (c.nbad == 0 && (s = facts_pg_exec(g, "SAVEPOINT vouch_record", what, err)) == VOUCH_OK) {
        vouch_error e;
        if (facts_pg_record(g, t->name, sh.p ? sh.p : "", c.rows, c.digest, &e) == VOUCH_OK)
            s = facts_pg_exec(g, "RELEASE SAVEPOINT vouch_record", what, err);
        else
            s = facts_pg_exec(g, "ROLLBACK TO SAVEPOINT vouch_record", what, err);
    }
    facts_check_free(&c);
done:
    if (db)
        sqlite3_close(db);
    vouch_free(sh.p);
    return s;
}

vouch_status load_pg_inputs(const char *conninfo, const vouch_program *p,
                            const vouch_load_input *in, uint32_t n,
                            const vouch_load_options *opt, vouch_error *err)
{
    facts_pg *g = NULL;
    sqlite3 *db = NULL;
    scratch t = {{0}, {0}};
    uint8_t *found = vouch_calloc(p->ntables + 1, 1);
    facts_table_check *before = vouch_calloc(p->ntables + 1, sizeof *before);
    vouch_status s;
    int have_dir = 0;
    if (!found || !before) {
        s = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto done;
    }
    if ((s = facts_pg_connect(conninfo, &g, err)) != VOUCH_OK ||
        (s = facts_pg_begin(g, 0, err)) != VOUCH_OK)
        goto done;
    const char *tmp = getenv("TMPDIR");
    snprintf(t.dir, sizeof t.dir, "%s/vouch-pg-XXXXXX",
             tmp && *tmp && strlen(tmp) < 40 ? tmp : "/tmp");
    if (!mkdtemp(t.dir)) {
        s = vouch_error_set(err, VOUCH_EIO, "facts store %s: cannot make a temporary folder "
                            "in %s", facts_pg_name(g), tmp && *tmp ? tmp : "/tmp");
        goto done;
    }
    have_dir = 1;
    snprintf(t.file, sizeof t.file, "%s/facts.db", t.dir);

    /* The tables the schema holds, locked and copied. */
    int any = 0;
    if (sqlite3_open_v2(t.file, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL) != SQLITE_OK) {
        s = vouch_error_set(err, VOUCH_EIO, "cannot create a temporary store in %s", t.dir);
        goto done;
    }
    for (uint32_t i = 0; i < p->ntables; i++) {
        int f;
        if ((s = facts_pg_mirror(g, db, p->tables[i].name, &p->tables[i], &f, err)) != VOUCH_OK)
            goto done;
        found[i] = (uint8_t)f;
        any |= f;
        if (f && (s = facts_check_table(db, p, i, &before[i], err)) != VOUCH_OK)
            goto done;
    }
    sqlite3_close(db);
    db = NULL;
    if (!any && n == 0) {
        s = vouch_error_set(err, VOUCH_EINPUT, "cannot check facts store %s: it holds no table "
                            "the packs declare", facts_pg_name(g));
        goto done;
    }
    if (!any)
        unlink(t.file);   /* no table yet: the load makes a new store */

    /* The load, with every check of a file store. */
    if ((s = vouch_facts_load_inputs(t.file, p, in, n, opt, err)) != VOUCH_OK) {
        rename_store(err, t.file, facts_pg_name(g));
        goto done;
    }
    if (n == 0)
        goto done;

    /* What changed, back to the server. */
    if (sqlite3_open_v2(t.file, &db, SQLITE_OPEN_READONLY, NULL) != SQLITE_OK) {
        s = vouch_error_set(err, VOUCH_EIO, "cannot read the temporary store in %s", t.dir);
        goto done;
    }
    for (uint32_t i = 0; i < p->ntables; i++) {
        sqlite3_stmt *st = NULL;
        if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?1",
                               -1, &st, NULL) != SQLITE_OK) {
            s = vouch_error_set(err, VOUCH_EIO, "reading the temporary store: %s", sqlite3_errmsg(db));
            goto done;
        }
        sqlite3_bind_text(st, 1, p->tables[i].name, -1, SQLITE_STATIC);
        int has = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (!has)
            continue;
        facts_table_check after = {0};
        if ((s = facts_check_table(db, p, i, &after, err)) != VOUCH_OK)
            goto done;
        int same = found[i] && after.rows == before[i].rows &&
                   memcmp(after.digest, before[i].digest, sizeof after.digest) == 0;
        facts_check_free(&after);
        if (!same && (s = facts_pg_upload(g, db, &p->tables[i], !found[i], err)) != VOUCH_OK)
            goto done;
    }
    /* Each table whose values all fit, as a run reads it back, gets its
     * record (facts_pg.c), so a run need not check it again. */
    for (uint32_t i = 0; i < p->ntables; i++)
        if ((s = record(g, p, i, err)) != VOUCH_OK)
            goto done;
    s = facts_pg_exec(g, "COMMIT", "committing the load", err);
done:
    if (db)
        sqlite3_close(db);
    if (have_dir)
        scratch_remove(&t);
    for (uint32_t i = 0; before && i < p->ntables; i++)
        facts_check_free(&before[i]);
    vouch_free(before);
    vouch_free(found);
    facts_pg_close(g);   /* without COMMIT: rolled back */
    return s;
}
