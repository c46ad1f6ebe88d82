/*
 * facts.c: the facts store, a read-only SQLite file that the VM reads
 * through the program's plans (see facts.h for the contract). This file
 * opens and checks the store, binds it (the read transaction:
 * facts_snapshot.c; how each plan is answered: facts_choose.c) and carries
 * the cursor API the VM calls, which keeps each cursor's state (idle,
 * sought, on a row, done) and calls its access path for the rest: the SQL
 * statement, the hash index or the answer cache (facts_sql.c,
 * facts_hash.c, facts_cache.c, one interface: facts_int.h). The path of
 * each seek is chosen at the seek (facts_choose_seek): a plan's probes may
 * move to its hash index during the run; an answer already started stays
 * on its path until the next seek. A cursor whose rows are shared with
 * another reader (vouch_facts_share_rows) passes over the rows the other
 * claimed, here, above the paths.
 *
 * Invariants:
 *   - Parameters are copied into the cursor at every seek (text into a
 *     per-cursor buffer that only grows), so the caller's values may die
 *     right after vouch_facts_seek; statements bind them SQLITE_STATIC.
 *   - Stored values are converted to the declared type on the way out; a
 *     value that does not fit is VOUCH_ERUNTIME (the rule fails, the run
 *     goes on); SQLite failures are VOUCH_EIO / VOUCH_ENOMEM.
 *   - Memory: the file is memory-mapped up to opt.mmap_bytes, the rest is
 *     read into SQLite's small page cache. A mapping is the fastest way to
 *     read a warm file, but every page read through it counts in the
 *     process's resident size (and the kernel maps up to 64 KiB around
 *     each one), so an unbounded mapping of a large store would make peak
 *     memory grow with the file.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "facts_int.h"
#include "facts_pg.h"
#include "date.h"
#include "vouch_limits.h"

#define BUSY_MS 3000
#define MMAP_BYTES ((size_t)96 << 20)
/* SQLite VM instructions between two calls of the progress handler; the
 * clock is read at every 16th call. */
#define PROGRESS_OPS 1000

/* ---- errors --------------------------------------------------------------- */

vouch_status facts_db_error(vouch_facts *f, int rc, vouch_error *err, const char *what)
{
    int base = rc & 0xff;
    if (base == SQLITE_NOMEM)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory (%s)", what);
    if (base == SQLITE_INTERRUPT && f->stopped == FACTS_STOP_DEADLINE)
        return vouch_error_set(err, VOUCH_EINPUT, "facts store %s: %s: the run's time limit of %u s "
                               "was reached", f->path, what, f->timeout_s);
    if (base == SQLITE_INTERRUPT && f->stopped == FACTS_STOP_STEPS)
        return vouch_error_set(err, VOUCH_ERUNTIME, "facts store %s: %s: step budget of %llu SQLite "
                               "instructions exhausted (a view in the store that never ends?)",
                               f->path, what, (unsigned long long)f->sql_budget);
    if (base == SQLITE_BUSY || base == SQLITE_LOCKED)
        return vouch_error_set(err, VOUCH_EIO,
                               "facts store %s is locked by another process (%s); try again "
                               "when it has finished", f->path, what);
    return vouch_error_set(err, VOUCH_EIO, "facts store %s: %s: %s", f->path, what,
                           sqlite3_errmsg(f->db));
}

vouch_status facts_oom(vouch_error *err)
{
    return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

/* ---- options ---------------------------------------------------------------- */

void vouch_facts_options_default(vouch_facts_options *o)
{
    o->hash = VOUCH_HASH_AUTO;
    o->cache = 1;
    o->mmap_bytes = MMAP_BYTES;
    o->cache_bytes = (size_t)64 << 20;
    o->switch_ns = 0;
}

void vouch_facts_set_options(vouch_facts *f, const vouch_facts_options *o) { f->opt = *o; }

/* ---- limits ----------------------------------------------------------------- */

/* SQLite's progress handler: the step budget and the deadline reach into
 * sqlite3_step, where a view over a query that never ends (a recursive CTE
 * without a bound) would otherwise spin for ever. Nonzero interrupts the
 * statement (SQLITE_INTERRUPT, mapped by facts_db_error). */
static int progress(void *arg)
{
    vouch_facts *f = arg;
    f->sql_steps += PROGRESS_OPS;
    if (f->sql_steps > f->sql_budget) {
        f->stopped = FACTS_STOP_STEPS;
        return 1;
    }
    if (f->deadline_ns && (++f->ticks & 15) == 0 && facts_now_ns() > f->deadline_ns) {
        f->stopped = FACTS_STOP_DEADLINE;
        return 1;
    }
    return 0;
}

void vouch_facts_set_limits(vouch_facts *f, uint64_t steps, uint64_t deadline_ns, uint32_t timeout_s)
{
    f->sql_budget = steps ? steps : VOUCH_MAX_RULE_STEPS;
    f->deadline_ns = deadline_ns;
    f->timeout_s = timeout_s;
    vouch_facts_restart_budget(f);
}

void vouch_facts_restart_budget(vouch_facts *f)
{
    f->sql_steps = 0;
    f->stopped = FACTS_STOP_NONE;
}

/* ---- open / close ----------------------------------------------------------- */

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

/* SQLite's global settings, before its first use in the process: no
 * allocation statistics (they take a mutex on every malloc). If SQLite is
 * already initialised this fails harmlessly. */
static void configure_sqlite(void)
{
    static int done;
    if (!done) {
        done = 1;
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
}

/* "file:PATH?immutable=1" with PATH's URI-special bytes escaped; NULL if
 * out of memory. */
static char *immutable_uri(const char *path)
{
    static const char hex[] = "0123456789ABCDEF";
    size_t n = strlen(path);
    char *u = vouch_malloc(3 * n + 32);
    if (!u)
        return NULL;
    size_t k = 0;
    memcpy(u, path[0] == '/' ? "file://" : "file:", path[0] == '/' ? 7 : 5);
    k = path[0] == '/' ? 7 : 5;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)path[i];
        if (c == '%' || c == '?' || c == '#' || c <= 0x20 || c >= 0x7f) {
            u[k++] = '%';
            u[k++] = hex[c >> 4];
            u[k++] = hex[c & 15];
        } else {
            u[k++] = (char)c;
        }
    }
    memcpy(u + k, "?immutable=1", 13);
    return u;
}

/* Opens f->db on path read-only (immutable: as a file nobody changes, with
 * no locks and nothing created beside it) and makes the first read, which
 * tells a database from anything else and a free one from a locked one.
 * SQLite's result code; f->db is NULL only if out of memory. */
static int open_conn(vouch_facts *f, const char *path, int immutable)
{
    int flags = SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX;
    char *uri = NULL;
    if (immutable && !(uri = immutable_uri(path)))
        return SQLITE_NOMEM;
    int rc = sqlite3_open_v2(uri ? uri : path, &f->db, flags | (uri ? SQLITE_OPEN_URI : 0),
                             facts_vfs());
    vouch_free(uri);
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_busy_timeout(f->db, BUSY_MS);
    vouch_facts_set_limits(f, 0, 0, 0);
    sqlite3_progress_handler(f->db, PROGRESS_OPS, progress, f);
    rc = exec(f->db, "PRAGMA query_only=1");
    if (rc == SQLITE_OK)
        rc = exec(f->db, "SELECT count(*) FROM sqlite_master");
    return rc;
}

/* A PostgreSQL store (facts_pg.h): the connection, and an in-memory
 * database the tables are copied into at bind. */
static vouch_status open_pg(const char *conninfo, vouch_facts **out, vouch_error *err)
{
    facts_pg *g;
    vouch_status s = facts_pg_connect(conninfo, &g, err);
    if (s != VOUCH_OK)
        return s;
    configure_sqlite();
    vouch_facts *f = vouch_calloc(1, sizeof *f);
    if (!f || !(f->path = vouch_strdup(facts_pg_name(g)))) {
        vouch_free(f);
        facts_pg_close(g);
        return facts_oom(err);
    }
    f->pg = g;
    vouch_facts_options_default(&f->opt);
    int rc = sqlite3_open_v2(":memory:", &f->db,
                             SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
    if (rc != SQLITE_OK) {
        vouch_facts_close(f);
        return facts_oom(err);
    }
    /* The copy is memory already: the check's sort of a large table must
     * not spill to temporary files (SQLite's default cache of 2 MiB would
     * make it an external merge sort). */
    if (exec(f->db, "PRAGMA temp_store=MEMORY; PRAGMA cache_size=-1048576") != SQLITE_OK) {
        vouch_facts_close(f);
        return facts_oom(err);
    }
    vouch_facts_set_limits(f, 0, 0, 0);
    sqlite3_progress_handler(f->db, PROGRESS_OPS, progress, f);
    *out = f;
    return VOUCH_OK;
}

/* Copies into f's in-memory database the tables of p a bind checks that
 * are not there yet, all in the server's one read-only snapshot. */
static vouch_status pg_copy_tables(vouch_facts *f, const vouch_program *p, vouch_error *err)
{
    vouch_status s = facts_pg_begin(f->pg, 1, err);
    /* The run's deadline bounds the server's side too (a view that never
     * ends): what is left of it, as the statements' timeout. */
    if (s == VOUCH_OK && f->deadline_ns) {
        uint64_t now = facts_now_ns();
        char set[64];
        snprintf(set, sizeof set, "SET LOCAL statement_timeout = %llu",
                 (unsigned long long)(now < f->deadline_ns ? (f->deadline_ns - now) / 1000000 + 1 : 1));
        s = facts_pg_exec(f->pg, set, "setting the time limit", err);
    }
    for (uint32_t t = 0; s == VOUCH_OK && t < p->ntables; t++) {
        int used = p->tables[t].first_used != 0, found;
        for (uint32_t i = 0; i < p->nplans && !used; i++)
            used = p->plans[i].table == t;
        sqlite3_stmt *st = NULL;
        if (!used)
            continue;
        int rc = sqlite3_prepare_v2(f->db, "SELECT 1 FROM sqlite_master WHERE name = ?1", -1,
                                    &st, NULL);
        if (rc != SQLITE_OK)
            return facts_db_error(f, rc, err, "reading the copied tables");
        sqlite3_bind_text(st, 1, p->tables[t].name, -1, SQLITE_STATIC);
        int have = sqlite3_step(st) == SQLITE_ROW;
        sqlite3_finalize(st);
        if (have)
            continue;
        /* The copy is no rule's SQL: its inserts are not counted against the
         * step budget, but the deadline stops them (progress). */
        uint64_t budget = f->sql_budget;
        f->sql_budget = UINT64_MAX;
        s = facts_pg_mirror(f->pg, f->db, p->tables[t].name, NULL, &found, err);
        f->sql_budget = budget;
        if (s != VOUCH_OK && f->stopped == FACTS_STOP_DEADLINE) {
            char what[160];
            snprintf(what, sizeof what, "copying table `%s`", p->tables[t].name);
            return facts_db_error(f, SQLITE_INTERRUPT, err, what);
        }
        vouch_facts_restart_budget(f);
    }
    return s;
}

vouch_status vouch_facts_open(const char *path, vouch_facts **out, vouch_error *err)
{
    struct stat st;
    *out = NULL;
    if (facts_pg_is_conninfo(path))
        return open_pg(path, out, err);
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

    configure_sqlite();
    vouch_facts *f = vouch_calloc(1, sizeof *f);
    if (!f || !(f->path = vouch_strdup(path))) {
        vouch_free(f);
        return facts_oom(err);
    }
    vouch_facts_options_default(&f->opt);
    int rc = open_conn(f, path, 0);
    if (rc != SQLITE_OK && f->db) {
        /* A store vouch may not write beside (facts_readonly.c): read the
         * file alone where that is safe, say why not where it is not. */
        vouch_error ro;
        switch (facts_readonly_diagnose(path, sqlite3_extended_errcode(f->db), &ro)) {
        case FACTS_RO_IMMUTABLE:
            sqlite3_close(f->db);
            f->db = NULL;
            rc = open_conn(f, path, 1);
            break;
        case FACTS_RO_FAIL:
            if (err)
                *err = ro;
            vouch_facts_close(f);
            return ro.status;
        default:
            break;
        }
    }
    if (rc != SQLITE_OK) {
        vouch_status s;
        int base = f->db ? sqlite3_errcode(f->db) & 0xff : SQLITE_NOMEM;
        if (!f->db)
            s = facts_oom(err);
        else if (base == SQLITE_NOTADB || base == SQLITE_CORRUPT)
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

static void unbind(vouch_facts *f)
{
    for (uint32_t i = 0; i < f->ncur; i++) {
        cursor *c = &f->cur[i];
        facts_sql_path.free(c);
        facts_hash_path.free(c);
        facts_cache_path.free(c);
        vouch_free(c->pv);
        vouch_free(c->pbuf);
    }
    vouch_free(f->cur);
    f->cur = NULL;
    f->ncur = 0;
    facts_hash_free(f);
    facts_cache_free(f);
    for (uint32_t t = 0; f->tinfo && t < f->ntinfo; t++) {   /* p may be gone by now */
        vouch_free(f->tinfo[t].indexed);
        facts_check_free(&f->tinfo[t].check);
    }
    f->nbad_tables = 0;
    f->ntinfo = 0;
    vouch_free(f->tinfo);
    f->tinfo = NULL;
    intern_free(f);
    facts_arena_free(&f->arena);
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
    facts_pg_close(f->pg);
    vouch_free(f->path);
    vouch_free(f);
}

/* ---- schema checks ----------------------------------------------------------- */

static int col_of(const vouch_table_decl *t, const char *name)
{
    for (uint32_t i = 0; i < t->ncolumns; i++)
        if (sqlite3_stricmp(t->columns[i].name, name) == 0)
            return (int)i;
    return -1;
}

static const char *type_name(const vouch_column_decl *c)
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

/* How many rows table t has, roughly, into *rows: ANALYZE's count if
 * there is one, else the largest rowid; 0 if neither is known. Used only
 * to weigh a scan against probes, and to size a hash build. */
static vouch_status estimate_rows(vouch_facts *f, const vouch_table_decl *t, int has_rowid,
                                  uint64_t *rows, vouch_error *err)
{
    sqlite3_stmt *st = NULL;
    uint64_t n = 0;
    *rows = 0;
    /* no sqlite_stat1 (never analysed) is no estimate, not an error */
    if (sqlite3_prepare_v2(f->db, "SELECT stat FROM sqlite_stat1 WHERE tbl = ?1 LIMIT 1", -1,
                           &st, NULL) == SQLITE_OK) {
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        if (sqlite3_step(st) == SQLITE_ROW) {
            const char *s = (const char *)sqlite3_column_text(st, 0);
            n = s ? strtoull(s, NULL, 10) : 0;
        }
    }
    sqlite3_finalize(st);
    if (n || !has_rowid) {
        *rows = n;
        return VOUCH_OK;
    }
    sbuf b = {0};
    sb_str(&b, "SELECT max(rowid) FROM ");
    sb_ident(&b, t->name);
    if (b.oom) {
        vouch_free(b.p);
        return facts_oom(err);
    }
    int rc = sqlite3_prepare_v2(f->db, b.p, -1, &st, NULL);
    vouch_free(b.p);
    if (rc != SQLITE_OK)
        return facts_db_error(f, rc, err, "reading the schema");
    rc = sqlite3_step(st);
    if (rc == SQLITE_ROW && sqlite3_column_int64(st, 0) > 0)
        n = (uint64_t)sqlite3_column_int64(st, 0);
    else if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        vouch_status s = facts_db_error(f, rc, err, "reading the schema");
        sqlite3_finalize(st);
        return s;
    }
    sqlite3_finalize(st);
    *rows = n;
    return VOUCH_OK;
}

/* Checks table t's columns against the store and learns its indexes. */
static vouch_status check_table(vouch_facts *f, uint32_t ti, vouch_error *err)
{
    const vouch_table_decl *t = &f->p->tables[ti];
    tinfo *info = &f->tinfo[ti];
    sqlite3_stmt *st = NULL;
    vouch_status s = VOUCH_OK;
    int rc;
    uint8_t *seen = vouch_calloc(t->ncolumns + 1, 1);
    info->indexed = vouch_calloc(t->ncolumns + 1, 1);
    if (!seen || !info->indexed) {
        vouch_free(seen);
        return facts_oom(err);
    }
    info->checked = 1;

    /* Columns; an INTEGER PRIMARY KEY column is the rowid, an index. */
    rc = sqlite3_prepare_v2(f->db, "SELECT name, type, pk FROM pragma_table_info(?1)", -1, &st,
                            NULL);
    if (rc != SQLITE_OK) {
        s = facts_db_error(f, rc, err, "reading the schema");
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
        s = facts_db_error(f, rc, err, "reading the schema");
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
                                type_name(&t->columns[i]), t->columns[i].optional ? "?" : "");
            goto done;
        }

    /* Does the table have a rowid (not WITHOUT ROWID, not a view)? */
    {
        sbuf b = {0};
        sb_str(&b, "SELECT rowid FROM ");
        sb_ident(&b, t->name);
        if (b.oom) {
            s = facts_oom(err);
            goto done;
        }
        rc = sqlite3_prepare_v2(f->db, b.p, -1, &st, NULL);
        vouch_free(b.p);
        info->has_rowid = rc == SQLITE_OK;
        sqlite3_finalize(st);
        st = NULL;
    }
    /* Some SQLite builds let a view's `rowid` prepare (SQLITE_ALLOW_ROWID_IN_VIEW):
     * a view has none, and max(rowid) would run its whole query. */
    if (info->has_rowid) {
        rc = sqlite3_prepare_v2(f->db, "SELECT 1 FROM sqlite_master WHERE type = 'view' AND name = ?1 "
                                "COLLATE NOCASE", -1, &st, NULL);
        if (rc != SQLITE_OK) {
            s = facts_db_error(f, rc, err, "reading the schema");
            goto done;
        }
        sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
        rc = sqlite3_step(st);
        if (rc == SQLITE_ROW)
            info->has_rowid = 0;
        else if (rc != SQLITE_DONE) {
            s = facts_db_error(f, rc, err, "reading the schema");
            goto done;
        }
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
        s = facts_db_error(f, rc, err, "reading the indexes");
        goto done;
    }
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        int c = name ? col_of(t, name) : -1;
        if (c >= 0)
            info->indexed[c] = 1;
    }
    if (rc != SQLITE_DONE) {
        s = facts_db_error(f, rc, err, "reading the indexes");
        goto done;
    }
    sqlite3_finalize(st);
    st = NULL;
    s = estimate_rows(f, t, info->has_rowid, &info->est_rows, err);
done:
    sqlite3_finalize(st);
    vouch_free(seen);
    return s;
}

/* A PostgreSQL store: table t's record in the schema, if one still counts
 * (facts_pg.c), as its check (info->check.recorded); else nothing. */
static vouch_status pg_recorded(vouch_facts *f, uint32_t t, vouch_error *err)
{
    tinfo *info = &f->tinfo[t];
    const vouch_table_decl *d = &f->p->tables[t];
    sbuf sh = {0};
    facts_check_shape(&sh, f->p, d);
    if (sh.oom) {
        vouch_free(sh.p);
        return facts_oom(err);
    }
    uint64_t rows = 0;
    unsigned char digest[VOUCH_SHA256_BYTES];
    int found = 0;
    vouch_status s = facts_pg_recorded(f->pg, d->name, sh.p ? sh.p : "", &rows, digest, &found, err);
    vouch_free(sh.p);
    if (s == VOUCH_OK && found) {
        memset(&info->check, 0, sizeof info->check);
        info->check.ncolumns = d->ncolumns;
        info->check.recorded = 1;
        info->check.rows = rows;
        memcpy(info->check.digest, digest, sizeof digest);
    }
    return s;
}

/* Checks table t's stored values and takes its digest (facts_check.h),
 * or, for a second reader, takes both over from the first (f->checked). */
static vouch_status check_values(vouch_facts *f, uint32_t t, vouch_error *err)
{
    const vouch_facts *o = f->checked;
    tinfo *info = &f->tinfo[t];
    vouch_status s;
    if (o && o->p == f->p && t < o->ntinfo && o->tinfo[t].values_checked)
        s = facts_check_copy(&info->check, &o->tinfo[t].check, err);
    else if (f->pg && (s = pg_recorded(f, t, err)) != VOUCH_OK)
        return s;
    else if (!info->check.recorded)
        s = facts_check_table(f->db, f->p, t, &info->check, err);
    /* The check's scan runs under the same budget and deadline as any
     * read (a table that is a view may never end): say which stopped it. */
    if (s != VOUCH_OK && f->stopped != FACTS_STOP_NONE) {
        char what[160];
        snprintf(what, sizeof what, "checking the values of `%s`", f->p->tables[t].name);
        return facts_db_error(f, SQLITE_INTERRUPT, err, what);
    }
    if (s != VOUCH_OK)
        return s;
    info->values_checked = 1;
    f->nbad_tables += info->check.nbad != 0;
    return VOUCH_OK;
}

/* Marks in read[] the columns plan pl reads: its output, its terms, its
 * filter and its aggregate. */
static void plan_columns(const vouch_plan *pl, uint32_t ncolumns, uint8_t *read)
{
    for (uint32_t j = 0; j < pl->ncolumns; j++)
        if (pl->columns[j] < ncolumns)
            read[pl->columns[j]] = 1;
    for (uint32_t j = 0; j < pl->nterms; j++)
        if (pl->terms[j].column < ncolumns)
            read[pl->terms[j].column] = 1;
    for (uint32_t j = 0; j + 1 < pl->nfilter; j++) {
        if (pl->filter[j] == FOP_COL && pl->filter[j + 1] < ncolumns)
            read[pl->filter[j + 1]] = 1;
        if (pl->filter[j] == FOP_COL || pl->filter[j] == FOP_PARAM)
            j++;   /* the operand */
    }
    if ((pl->mode == PLAN_MIN || pl->mode == PLAN_MAX) && pl->agg_column < ncolumns)
        read[pl->agg_column] = 1;
}

int vouch_facts_rule_problem(const vouch_facts *f, uint32_t rule, char *msg, size_t size)
{
    const vouch_program *p = f ? f->p : NULL;   /* (a program that reads no facts runs without a store) */
    if (!p || !f->nbad_tables)
        return 0;
    for (uint32_t i = 0; i < p->nplans; i++) {
        const vouch_plan *pl = &p->plans[i];
        if (pl->rule != rule || pl->table >= f->ntinfo || !f->tinfo[pl->table].check.nbad)
            continue;
        const facts_table_check *c = &f->tinfo[pl->table].check;
        uint8_t read[256];
        uint8_t *rd = c->ncolumns <= sizeof read ? read : vouch_calloc(c->ncolumns, 1);
        if (!rd) {
            snprintf(msg, size, "out of memory");
            return 1;
        }
        memset(rd, 0, c->ncolumns <= sizeof read ? c->ncolumns : 0);
        plan_columns(pl, c->ncolumns, rd);
        /* a duplicate key first (it touches every column), then by column */
        const facts_issue *first = c->issues[c->ncolumns].count ? &c->issues[c->ncolumns] : NULL;
        uint64_t total = first ? first->count : 0;
        for (uint32_t j = 0; j < c->ncolumns; j++)
            if (rd[j] && c->issues[j].count) {
                total += c->issues[j].count;
                if (!first)
                    first = &c->issues[j];
            }
        if (rd != read)
            vouch_free(rd);
        if (!first)
            continue;
        snprintf(msg, size, "facts store: %s", first->msg ? first->msg : "out of memory");
        if (total > 1) {
            size_t n = strlen(msg);
            snprintf(msg + n, size - n, " (and %llu more bad value%s in `%s` where this rule reads)",
                     (unsigned long long)(total - 1), total == 2 ? "" : "s", p->tables[pl->table].name);
        }
        return 1;
    }
    return 0;
}

int vouch_facts_table_digest(const vouch_facts *f, uint32_t t, unsigned char digest[32],
                             uint64_t *rows, int *recorded)
{
    if (!f->p || t >= f->ntinfo || !f->tinfo[t].values_checked)
        return -1;
    memcpy(digest, f->tinfo[t].check.digest, VOUCH_SHA256_BYTES);
    *rows = f->tinfo[t].check.rows;
    *recorded = f->tinfo[t].check.recorded;
    return 0;
}

/* ---- bind ------------------------------------------------------------------------ */

vouch_status vouch_facts_bind(vouch_facts *f, const vouch_program *p, int64_t as_of, vouch_error *err)
{
    vouch_status s;
    unbind(f);
    if (as_of != VOUCH_AS_OF_ANY && !date_in_range(as_of))
        return vouch_error_set(err, VOUCH_EINPUT, "the as-of date is out of range (years 1..9999)");
    f->as_of = as_of;
    date_format(as_of == VOUCH_AS_OF_ANY ? 0 : as_of, f->as_of_text);
    f->p = p;
    f->tinfo = vouch_calloc(p->ntables + 1, sizeof *f->tinfo);
    f->cur = vouch_calloc(p->nplans + 1, sizeof *f->cur);
    if (!f->tinfo || !f->cur) {
        s = facts_oom(err);
        goto fail;
    }
    f->ntinfo = p->ntables;
    f->ncur = p->nplans;

    /* A PostgreSQL store: its tables into memory first (facts_pg.c). */
    if (f->pg && (s = pg_copy_tables(f, p, err)) != VOUCH_OK)
        goto fail;
    /* The read transaction: the snapshot every rule of the run reads,
     * kept until the next bind or close (facts_snapshot.c). */
    if ((s = facts_begin_read(f, err)) != VOUCH_OK)
        goto fail;

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
        if (used && ((s = check_table(f, t, err)) != VOUCH_OK || (s = check_values(f, t, err)) != VOUCH_OK))
            goto fail;
    }
    for (uint32_t i = 0; i < p->nplans; i++) {
        const vouch_plan *pl = &p->plans[i];
        cursor *c = &f->cur[i];
        c->plan = pl;
        c->mode = pl->mode;
        c->pv = vouch_calloc(pl->nparams + 1, sizeof *c->pv);
        if (!c->pv) {
            s = facts_oom(err);
            goto fail;
        }
    }
    /* how each plan is answered (facts_choose.c) */
    if ((s = facts_choose_bind(f, err)) != VOUCH_OK)
        goto fail;
    vouch_facts_stats plans = {0};
    for (uint32_t i = 0; i < p->nplans; i++)
        f->cur[i].base->stats(&f->cur[i], &plans);
    f->stats.sql_plans = plans.sql_plans;
    f->stats.hash_plans = plans.hash_plans;
    return VOUCH_OK;
fail:
    unbind(f);
    return s;
}

int64_t vouch_facts_as_of(const vouch_facts *f) { return f->as_of; }

const char *vouch_facts_shown_name(const vouch_facts *f)
{
    return f->pg ? facts_pg_shown(f->pg) : NULL;
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
        char *b = vouch_realloc(c->pbuf, cap);
        if (!b)
            return facts_oom(err);
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

/* Ends the cursor's current answer on its path. */
static void release(vouch_facts *f, cursor *c)
{
    if (c->state != ST_IDLE)
        c->path->reset(f, c);
    c->state = ST_IDLE;
}

vouch_status vouch_facts_seek(vouch_facts *f, uint32_t plan, const vouch_value *params,
                              vouch_error *err)
{
    if (plan >= f->ncur)
        return bad_plan(plan, err);
    cursor *c = &f->cur[plan];
    vouch_status s;
    f->stats.seeks++;
    release(f, c);
    if ((s = copy_params(c, params, err)) != VOUCH_OK)
        return s;
    c->path = facts_choose_seek(c);
    s = c->path->seek(f, c, err);
    if (s == VOUCH_OK)
        c->state = ST_READY;
    return s;
}

/* The next row of c's answer, whoever claims it. */
static vouch_status step(vouch_facts *f, cursor *c, int *has_row, vouch_error *err)
{
    *has_row = 0;
    if (c->state == ST_IDLE || c->state == ST_DONE)
        return VOUCH_OK;
    vouch_status s = c->path->next(f, c, has_row, err);
    if (*has_row) {
        c->state = ST_ROW;
        f->stats.rows++;
    } else if (s == VOUCH_OK) {
        c->state = ST_DONE;
    }
    return s;
}

/* Rows claimed at a time: one atomic add per row cost a few percent of a
 * pack whose rules scan 10,000 rows each; more would leave the last rows
 * of an expensive rule to one reader. */
#define CLAIM_ROWS 4

/* Whether the row just read is this reader's: claimed now (the rows are
 * numbered in the order every reader reads them, and claims only grow),
 * or another's. */
static int claim(cursor *c)
{
    uint32_t k = c->row_no++;
    while (k >= c->claim_hi) {
        c->claim_lo = __atomic_fetch_add(&c->share->next_row, CLAIM_ROWS, __ATOMIC_RELAXED);
        c->claim_hi = c->claim_lo + CLAIM_ROWS;
    }
    return k >= c->claim_lo;
}

vouch_status vouch_facts_next(vouch_facts *f, uint32_t plan, int *has_row, vouch_error *err)
{
    *has_row = 0;
    if (plan >= f->ncur)
        return bad_plan(plan, err);
    cursor *c = &f->cur[plan];
    vouch_status s = step(f, c, has_row, err);
    /* a shared cursor passes over the rows another reader claimed */
    while (c->share && s == VOUCH_OK && *has_row && !claim(c))
        s = step(f, c, has_row, err);
    return s;
}

void vouch_facts_share_rows(vouch_facts *f, uint32_t plan, vouch_facts_share *share)
{
    if (plan >= f->ncur)
        return;
    cursor *c = &f->cur[plan];
    c->share = share;
    c->row_no = c->claim_lo = c->claim_hi = 0;
}

vouch_status vouch_facts_column(vouch_facts *f, uint32_t plan, uint32_t i, vouch_value *out,
                                vouch_error *err)
{
    if (plan >= f->ncur)
        return bad_plan(plan, err);
    cursor *c = &f->cur[plan];
    int agg = c->mode == PLAN_COUNT || c->mode == PLAN_MIN || c->mode == PLAN_MAX;
    if (c->state != ST_ROW)
        return vouch_error_set(err, VOUCH_ERUNTIME,
                               "facts store: column read from plan %u with no current row", plan);
    if (agg ? i != 0 : i >= c->plan->ncolumns)
        return vouch_error_set(err, VOUCH_ERUNTIME, "facts store: plan %u has no column %u",
                               plan, i);
    return c->path->column(f, c, i, out, err);
}

void vouch_facts_reset(vouch_facts *f, uint32_t plan)
{
    if (plan >= f->ncur)
        return;
    release(f, &f->cur[plan]);
}

void vouch_facts_get_options(const vouch_facts *f, vouch_facts_options *o) { *o = f->opt; }

void vouch_facts_get_stats(const vouch_facts *f, vouch_facts_stats *out)
{
    *out = f->stats;
}

const char *vouch_facts_describe(const vouch_facts *f, uint32_t plan)
{
    if (plan >= f->ncur)
        return "unbound";
    const cursor *c = &f->cur[plan];
    if (!c->base)
        return "unbound";
    const char *d = facts_choose_seek(c)->describe(f, c);
    return d ? d : "unbound";
}
