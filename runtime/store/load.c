/*
 * load.c: `vouch load`, the transactional loader of the facts store
 * (facts.h): rows from row sources (load_int.h: CSV and JSON files,
 * standard input, rows in memory) into declared tables.
 *
 * Every value is checked against the program's declarations before it is
 * written (load_check.c); the whole load is one transaction, rolled back at
 * the first error (after collecting up to LOAD_MAX_ERRORS messages,
 * "WHERE: error: column `name`: what is wrong", WHERE as the source says:
 * FILE:ROW:COL for CSV), so a failed load writes nothing. A store that did
 * not exist is built in a temporary file next to the target and published
 * only on success, without replacing anything (publish()): when another
 * load published a store at that path in the meantime, the load is done
 * again into that store, so both loads' tables are kept.
 *
 * This file owns what happens to the store: the table made from its
 * declaration (or checked against it), the INSERT, the plans' indexes, the
 * records, the transaction and publishing. It knows no input format.
 *
 * Speed without changing a message: a load that is not strict writes its
 * rows in batches (one INSERT of many rows) and makes the tables it
 * creates without their key, whose unique index it builds after the rows
 * (finish_keys). Neither can say which row was refused or duplicated, so
 * either, when it happens, makes the load roll back and run again strict:
 * each row its own INSERT into tables that have their key, the errors
 * exactly those a strict load reports. Inputs that cannot be read twice
 * (standard input, pipes) are loaded strict from the start.
 *
 * The record (facts_check.h): a table load writes loses its record and
 * triggers first; at the end every declared table whose values all fit
 * (the rows of earlier loads and of other tools included) gets its digest
 * recorded and its triggers, in the same transaction, so `vouch check`
 * need not scan it again until something else writes to it. A load with
 * no input only does that (seal), and reports the values that do not
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
#include "facts_pg.h"
#include "load_int.h"
#include "alloc.h"
#include "strbuf.h"
#include "closest.h"

#define BUSY_MS 5000

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

/* Is t's key the table's rowid (one INTEGER column: an INTEGER PRIMARY
 * KEY costs no second B-tree)? Any other key is a unique index of its
 * own, which every insert would update: a table the load creates gets it
 * after its rows (key_index). */
static int key_is_rowid(const vouch_table_decl *t)
{
    return t->nkey == 1 && strcmp(sql_type(&t->columns[t->key[0]]), "INTEGER") == 0;
}

/* CREATE TABLE for declaration t, with its key as PRIMARY KEY only when
 * that is the rowid (else the key is key_index's unique index); as_name:
 * a TEMP table of that name instead (upsert's staging table: same
 * columns and checks, the key its PRIMARY KEY). */
static int create_table(sqlite3 *db, const vouch_program *p, const vouch_table_decl *t,
                        const char *as_name)
{
    sbuf b = {0};
    sb_str(&b, as_name ? "CREATE TEMP TABLE " : "CREATE TABLE ");
    sb_quote(&b, as_name ? as_name : t->name, '"');
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
    if (t->nkey && (as_name || key_is_rowid(t))) {
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

/* The unique index of t's key, "vouch_key:T" (a name no plan's index
 * "vouch_T_COLUMNS" can have), for a table create_table made without
 * its key: built after the rows, one sort instead of a B-tree insert per
 * row. Fails with SQLITE_CONSTRAINT_UNIQUE when two rows share a key. */
static int key_index(sqlite3 *db, const vouch_table_decl *t)
{
    sbuf b = {0}, name = {0};
    sb_str(&name, "vouch_key:");
    sb_str(&name, t->name);
    sb_str(&b, "CREATE UNIQUE INDEX ");
    sb_quote(&b, name.p ? name.p : "", '"');
    sb_str(&b, " ON ");
    sb_quote(&b, t->name, '"');
    sb_str(&b, "(");
    for (uint32_t k = 0; k < t->nkey; k++) {
        if (k)
            sb_str(&b, ", ");
        sb_quote(&b, t->columns[t->key[k]].name, '"');
    }
    sb_str(&b, ")");
    int rc = b.oom || name.oom ? SQLITE_NOMEM : sqlite3_exec(db, b.p, NULL, NULL, NULL);
    vouch_free(b.p);
    vouch_free(name.p);
    return rc;
}

/* A table with its key: create_table, then the key's index unless
 * defer (the caller builds it after the rows: finish_keys). */
static int create_keyed(sqlite3 *db, const vouch_program *p, const vouch_table_decl *t, int defer)
{
    int rc = create_table(db, p, t, NULL);
    if (rc == SQLITE_OK && t->nkey && !key_is_rowid(t) && !defer)
        rc = key_index(db, t);
    return rc;
}

/* Name of the first declared column of t the store's table lacks, or NULL
 * (in *missing); and of the first declared text column the store made with
 * INTEGER affinity, or NULL (in *retyped). Such a column is a store made
 * for an older schema (evidence.id was an int before schema v1 made it
 * text): SQLite would turn the text "007" written into it into the integer
 * 7, so a load into it would change the values it is given. */
static int missing_column(sqlite3 *db, const vouch_table_decl *t, const char **missing,
                          const char **retyped)
{
    sqlite3_stmt *st;
    *missing = NULL;
    *retyped = NULL;
    uint8_t *seen = vouch_calloc(t->ncolumns + 1, 1);
    if (!seen)
        return SQLITE_NOMEM;
    int rc = sqlite3_prepare_v2(db, "SELECT name, type FROM pragma_table_info(?1)", -1, &st, NULL);
    if (rc != SQLITE_OK) {
        vouch_free(seen);
        return rc;
    }
    sqlite3_bind_text(st, 1, t->name, -1, SQLITE_STATIC);
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        const char *name = (const char *)sqlite3_column_text(st, 0);
        const char *type = (const char *)sqlite3_column_text(st, 1);
        for (uint32_t i = 0; name && i < t->ncolumns; i++) {
            if (sqlite3_stricmp(name, t->columns[i].name) != 0)
                continue;
            seen[i] = 1;
            /* SQLite's first affinity rule: a type naming INT is INTEGER */
            if (!*retyped && type && sqlite3_strlike("%int%", type, 0) == 0 &&
                strcmp(sql_type(&t->columns[i]), "TEXT") == 0)
                *retyped = t->columns[i].name;
        }
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

/* ---- one input ----------------------------------------------------------------- */

enum { FMT_CSV, FMT_JSON, FMT_JSONL };

static const char *base_name(const char *path)
{
    const char *s = strrchr(path, '/');
    return s ? s + 1 : path;
}

static int has_ext(const char *s, size_t n, const char *ext)
{
    size_t k = strlen(ext);
    return n > k && strcasecmp(s + n - k, ext) == 0;
}

/* The table an input fills (into tname) and its format: a file's base
 * name without its extension, which says the format (.csv, .json, .jsonl;
 * any other is CSV); "-" the table given with it. *ext is the extension a
 * "did you mean" hint adds to a table name. */
static void input_table(const vouch_load_input *in, char tname[256], int *fmt, const char **ext)
{
    *fmt = FMT_CSV;
    *ext = "";
    if (in->rows) {
        snprintf(tname, 256, "%s", in->rows->table);
        return;
    }
    if (strcmp(in->path, "-") == 0) {
        snprintf(tname, 256, "%s", in->table ? in->table : "");
        return;
    }
    const char *base = base_name(in->path);
    size_t bl = strlen(base);
    if (has_ext(base, bl, ".csv")) {
        bl -= 4;
        *ext = ".csv";
    } else if (has_ext(base, bl, ".jsonl")) {
        bl -= 6;
        *fmt = FMT_JSONL;
        *ext = ".jsonl";
    } else if (has_ext(base, bl, ".json")) {
        bl -= 5;
        *fmt = FMT_JSON;
        *ext = ".json";
    } else {
        *ext = ".csv";
    }
    snprintf(tname, 256, "%.*s", (int)(bl < 255 ? bl : 255), base);
}

/* The declared table named tname, or -1 after reporting that none is. */
static int64_t find_table(const vouch_program *p, const char *tname, const char *where,
                          const char *ext, lerr *e)
{
    uint32_t ti = 0;
    while (ti < p->ntables && strcmp(p->tables[ti].name, tname) != 0)
        ti++;
    if (ti < p->ntables)
        return ti;
    char list[400] = "";
    for (uint32_t k = 0; k < p->ntables && sb_list_add(list, sizeof list, p->tables[k].name, 0); k++)
        ;
    const char *dym = p->ntables ? vouch_closest(tname, strlen(tname), &p->tables[0].name,
                                                 sizeof p->tables[0], p->ntables, VOUCH_CLOSEST_FOLD)
                                 : NULL;
    lerr_add(e, "%s: error: no declared fact `%s` to load it into%s%s%s%s (declared: %s)", where,
             tname, dym ? "; did you mean `" : "", dym ? dym : "", dym ? ext : "", dym ? "`?" : "",
             list);
    return -1;
}

/* Standard input's format, from its first byte other than blank space:
 * `[` a JSON array, `{` JSON Lines, else CSV. The blank lines read are
 * counted into *line (the sources number lines from there). */
static int sniff_stdin(uint64_t *line)
{
    int c;
    while ((c = getc(stdin)) == ' ' || c == '\t' || c == '\r' || c == '\n')
        if (c == '\n')
            (*line)++;
    if (c != EOF)
        ungetc(c, stdin);
    return c == '[' ? FMT_JSON : c == '{' ? FMT_JSONL : FMT_CSV;
}

/* Opens input in as a row source of table t: 0, -1 reported into e, -2
 * out of memory. */
static int open_input(const vouch_load_input *in, int fmt, const vouch_table_decl *t, lerr *e,
                      load_source **src)
{
    if (in->rows)
        return load_rows_open(in->rows, src);
    FILE *fp;
    const char *name = in->path;
    uint64_t line = 1;
    if (strcmp(in->path, "-") == 0) {
        fp = stdin;
        name = "stdin";
        fmt = sniff_stdin(&line);
    } else if (!(fp = fopen(in->path, "rb"))) {
        lerr_add(e, "%s: error: cannot read: %s", in->path, strerror(errno));
        return -1;
    }
    int rc = fmt == FMT_CSV ? load_csv_open(fp, name, line, e, src)
                            : load_json_open(fp, name, line, fmt == FMT_JSONL, t, e, src);
    if (rc != 0 && fp != stdin)
        fclose(fp);
    return rc;
}

/* The key of the current record, for a duplicate key message:
 * "framework = iso27001-2022, control = A.7.1". */
static void key_text(const vouch_table_decl *t, const int32_t *map, const load_cell *cells,
                     uint32_t nf, char *keys, size_t size)
{
    size_t used = 0;
    keys[0] = 0;
    for (uint32_t k = 0; k < t->nkey; k++)
        for (uint32_t i = 0; i < nf; i++)
            if ((uint32_t)map[i] == t->key[k] && used + 8 < size) {
                char sh[48];
                const char *q = cells[i].kind == LOAD_JSTRING ? "\"" : "";
                int w = snprintf(keys + used, size - used, "%s%s = %s%s%s", used ? ", " : "",
                                 t->columns[t->key[k]].name, q,
                                 load_shown(cells[i].s, cells[i].n, sh), q);
                if (w > 0)
                    used += (size_t)w < size - used ? (size_t)w : size - used - 1;
            }
}

/* Maps the header's names to the columns of t (map[i] the column of name
 * i): 0, or -1 after reporting every unknown, repeated or missing required
 * column. */
static int map_header(const vouch_table_decl *t, const load_source *src, const load_cell *names,
                      uint32_t nf, int32_t *map, uint8_t *have, lerr *e)
{
    int bad_header = 0;
    char where[300];
    for (uint32_t i = 0; i < nf; i++) {
        const char *s = names[i].s;
        size_t n = names[i].n;
        char name[128];
        snprintf(name, sizeof name, "%.*s", (int)(n < 127 ? n : 127), s);
        uint32_t ci = 0;
        while (ci < t->ncolumns &&
               !(strlen(t->columns[ci].name) == n && memcmp(t->columns[ci].name, s, n) == 0))
            ci++;
        map[i] = -1;
        size_t badat;
        if (ci < t->ncolumns && !have[ci]) {
            have[ci] = 1;
            map[i] = (int32_t)ci;
            continue;
        }
        src->ops->where(src, i, where, sizeof where);
        bad_header = 1;
        if (ci == t->ncolumns && !load_valid_utf8((const unsigned char *)s, n, &badat)) {
            /* Not a name anyone could mean: say what is wrong with it
             * rather than print the bytes. */
            lerr_add(e, "%s: error: the %s name %s at byte %zu", where, src->noun,
                     s[badat] == 0 ? "contains a NUL byte" : "is not valid UTF-8", badat + 1);
        } else if (ci == t->ncolumns) {
            char sh[48];
            snprintf(name, sizeof name, "%s", load_shown(s, n, sh));
            const char *dym = t->ncolumns ? vouch_closest(name, strlen(name), &t->columns[0].name,
                                                          sizeof t->columns[0], t->ncolumns,
                                                          VOUCH_CLOSEST_FOLD)
                                          : NULL;
            lerr_add(e, "%s: error: `%s` is not a %s of `%s`%s%s%s", where, name, src->noun,
                     t->name, dym ? "; did you mean `" : "", dym ? dym : "", dym ? "`?" : "");
        } else {
            lerr_add(e, "%s: error: %s `%s` appears twice in the header", where, src->noun, name);
        }
    }
    for (uint32_t ci = 0; ci < t->ncolumns; ci++)
        if (!have[ci] && !t->columns[ci].optional) {
            src->ops->where(src, LOAD_RECORD, where, sizeof where);
            lerr_add(e, "%s: error: required %s `%s` of `%s` is missing from the header", where,
                     src->noun, t->columns[ci].name, t->name);
            bad_header = 1;
        }
    return bad_header ? -1 : 0;
}

/* One load's state across its inputs. */
typedef struct load_run {
    sqlite3 *db;
    const vouch_program *p;
    const vouch_load_options *opt;  /* never NULL */
    uint8_t *emptied;       /* per table: --replace emptied it */
    uint8_t *created;       /* per table: this load made it */
    uint8_t *staged;        /* per table: --upsert stages its rows in temp.vouch_stage_N */
    uint8_t *deferred;      /* per table: made by this load, its key's index not built yet */
    int strict;             /* no deferred key: each insert meets the key (see load_once) */
    lerr *e;
    int redo;               /* the store refused a row of a batch: do the load again, strict */
} load_run;

/* The staging table of table ti (upsert): "vouch_stage_N". */
static void stage_name(uint32_t ti, char name[32])
{
    snprintf(name, 32, "vouch_stage_%u", ti);
}

/* Makes table ti ready for the rows of src: created from the declaration if
 * missing, else checked; its record dropped; emptied first with replace.
 * With upsert, a table with a key gets its staging table (the rows go
 * there, then replace or join the stored ones at the end: upsert_tables);
 * *target is the table to insert into. */
static int prepare_table(load_run *lr, uint32_t ti, const load_source *src, int *ok,
                         char target[32])
{
    const vouch_table_decl *t = &lr->p->tables[ti];
    sqlite3 *db = lr->db;
    int exists = 0, rc;
    *ok = 0;
    target[0] = 0;
    if ((rc = table_exists(db, t->name, &exists)) != SQLITE_OK)
        return rc;
    if (!exists) {
        /* Its rows go in without the key's index (built at the end:
         * finish_keys), unless each insert must meet the key: the strict
         * load that names a duplicate, or an upsert (its rows join the
         * table through the key at the end). */
        int defer = t->nkey && !key_is_rowid(t) && !lr->strict && !lr->opt->upsert;
        if ((rc = create_keyed(db, lr->p, t, defer)) != SQLITE_OK)
            return rc;
        lr->created[ti] = 1;
        lr->deferred[ti] = (uint8_t)defer;
    } else if (!lr->created[ti]) {
        const char *missing, *retyped;
        if ((rc = missing_column(db, t, &missing, &retyped)) != SQLITE_OK)
            return rc;
        if (missing) {
            lerr_add(lr->e, "%s: error: table `%s` in the store has no column `%s`: the store was "
                     "made for another schema (load into a new store)", src->name, t->name, missing);
            return SQLITE_OK;
        }
        if (retyped) {
            lerr_add(lr->e, "%s: error: table `%s` in the store has column `%s` as INTEGER, but "
                     "`%s.%s` is text: the store was made for an older schema (load into a new "
                     "store, or convert the column: docs/facts.md, \"Text ids\")", src->name, t->name,
                     retyped, t->name, retyped);
            return SQLITE_OK;
        }
    }
    /* its record goes: the rows this load writes are checked as cells
     * now, and the whole table again at the end (seal_tables) */
    if ((rc = facts_check_forget(db, t)) != SQLITE_OK)
        return rc;
    if (lr->opt->replace && !lr->emptied[ti]) {
        sbuf b = {0};
        sb_str(&b, "DELETE FROM ");
        sb_quote(&b, t->name, '"');
        rc = b.oom ? SQLITE_NOMEM : sqlite3_exec(db, b.p, NULL, NULL, NULL);
        vouch_free(b.p);
        if (rc != SQLITE_OK)
            return rc;
        lr->emptied[ti] = 1;
    }
    if (lr->opt->upsert && t->nkey) {
        stage_name(ti, target);
        if (!lr->staged[ti]) {
            if ((rc = create_table(db, lr->p, t, target)) != SQLITE_OK)
                return rc;
            lr->staged[ti] = 1;
        }
    }
    *ok = 1;
    return SQLITE_OK;
}

/* INSERT of rows rows of the header's nf columns (map) into t, or into
 * its staging table target. */
static int prepare_insert(sqlite3 *db, const vouch_table_decl *t, const char *target,
                          const int32_t *map, uint32_t nf, uint32_t rows, sqlite3_stmt **ins)
{
    sbuf b = {0};
    sb_str(&b, "INSERT INTO ");
    if (target[0])
        sb_str(&b, "temp.");
    sb_quote(&b, target[0] ? target : t->name, '"');
    sb_str(&b, "(");
    for (uint32_t i = 0; i < nf; i++) {
        if (i)
            sb_str(&b, ", ");
        sb_quote(&b, t->columns[map[i]].name, '"');
    }
    sb_str(&b, ") VALUES ");
    for (uint32_t r = 0; r < rows; r++) {
        sb_str(&b, r ? ", (" : "(");
        for (uint32_t i = 0; i < nf; i++)
            sb_str(&b, i ? ", ?" : "?");
        sb_str(&b, ")");
    }
    int rc = b.oom ? SQLITE_NOMEM : sqlite3_prepare_v2(db, b.p, -1, ins, NULL);
    vouch_free(b.p);
    return rc;
}

/* The key indexes of the tables this load made without them: 0, or an
 * SQLite error; *dup = 1 when some table holds a key twice (the load is
 * then done again, strict, to name the row: load_once). */
static int finish_keys(load_run *lr, int *dup)
{
    *dup = 0;
    for (uint32_t ti = 0; ti < lr->p->ntables; ti++) {
        if (!lr->deferred[ti])
            continue;
        lr->deferred[ti] = 0;
        int rc = key_index(lr->db, &lr->p->tables[ti]);
        if ((rc & 0xff) == SQLITE_CONSTRAINT) {
            *dup = 1;
            return SQLITE_OK;
        }
        if (rc != SQLITE_OK)
            return rc;
    }
    return SQLITE_OK;
}

/* Upsert's end: each staged table's rows replace the stored rows with
 * their keys (whole rows: a column the input did not give is none) or
 * join the table, and the staging table goes. */
static int upsert_tables(load_run *lr)
{
    int rc = SQLITE_OK;
    for (uint32_t ti = 0; ti < lr->p->ntables && rc == SQLITE_OK; ti++) {
        if (!lr->staged[ti])
            continue;
        const vouch_table_decl *t = &lr->p->tables[ti];
        char stage[32];
        stage_name(ti, stage);
        sbuf b = {0}, cols = {0};
        for (uint32_t c = 0; c < t->ncolumns; c++) {
            if (c)
                sb_str(&cols, ", ");
            sb_quote(&cols, t->columns[c].name, '"');
        }
        sb_str(&b, "INSERT OR REPLACE INTO main.");
        sb_quote(&b, t->name, '"');
        sb_printf(&b, "(%s) SELECT %s FROM temp.", cols.p ? cols.p : "", cols.p ? cols.p : "");
        sb_quote(&b, stage, '"');
        sb_str(&b, "; DROP TABLE temp.");
        sb_quote(&b, stage, '"');
        rc = b.oom || cols.oom ? SQLITE_NOMEM : sqlite3_exec(lr->db, b.p, NULL, NULL, NULL);
        vouch_free(b.p);
        vouch_free(cols.p);
        lr->staged[ti] = 0;
    }
    return rc;
}

/* ---- rows in batches -------------------------------------------------------------- */

/* A load that is not strict writes its rows BATCH_ROWS at a time, one
 * INSERT of many rows: SQLite's work per statement (opening the table,
 * finding its last rowid, ending the statement) is then paid once a
 * batch, about a sixth of what an insert cost. A row is checked and bound
 * as it is read, its cells copied first (the source's memory is its own
 * only until its next record). The statement cannot tell which of its
 * rows the store refused, so a refusal makes the load be done again,
 * strict (lr->redo), where each row is its own INSERT and is named. */
#define BATCH_ROWS 64
#define BATCH_BYTES (256u << 10)

typedef struct batch {
    sqlite3_stmt *full;   /* INSERT of rows rows */
    uint32_t rows, n;     /* rows a full batch has; rows pending */
    uint32_t nf;          /* cells per row */
    load_cell *cells;     /* rows x nf: the pending rows' cells, their bytes in bytes */
    char *bytes;
    size_t used, cap;
} batch;

static int batch_open(sqlite3 *db, const vouch_table_decl *t, const char *target,
                      const int32_t *map, uint32_t nf, batch *bt)
{
    int vars = sqlite3_limit(db, SQLITE_LIMIT_VARIABLE_NUMBER, -1);
    uint32_t rows = vars > 0 ? (uint32_t)vars / (nf ? nf : 1) : 1;
    memset(bt, 0, sizeof *bt);
    bt->rows = rows < BATCH_ROWS ? rows : BATCH_ROWS;
    bt->nf = nf;
    if (bt->rows < 2)
        return SQLITE_OK;  /* no batches: bt->full stays NULL */
    bt->cap = BATCH_BYTES;
    bt->cells = vouch_malloc((size_t)bt->rows * nf * sizeof *bt->cells + 1);
    bt->bytes = vouch_malloc(bt->cap);
    if (!bt->cells || !bt->bytes)
        return SQLITE_NOMEM;
    return prepare_insert(db, t, target, map, nf, bt->rows, &bt->full);
}

static void batch_close(batch *bt)
{
    sqlite3_finalize(bt->full);
    vouch_free(bt->cells);
    vouch_free(bt->bytes);
    memset(bt, 0, sizeof *bt);
}

/* Steps st, an INSERT of pending rows: SQLITE_OK; SQLITE_OK and lr->redo
 * when the store refused a row; else the store's error. */
static int batch_step(load_run *lr, sqlite3_stmt *st)
{
    int rc = sqlite3_step(st);
    sqlite3_reset(st);
    if (rc == SQLITE_DONE)
        return SQLITE_OK;
    if ((rc & 0xff) == SQLITE_CONSTRAINT) {
        lr->redo = 1;
        return SQLITE_OK;
    }
    return rc;
}

/* Writes the pending rows of bt that are fewer than a full batch: one
 * INSERT of that many rows, bound anew from their cells. They were
 * checked when read, so binding cannot fail; its errors would go to a
 * list of their own, since the load's may be full by now (it stops
 * binding then). */
static int batch_flush(load_run *lr, const vouch_table_decl *t, const char *target,
                       const int32_t *map, const load_source *src, batch *bt)
{
    if (bt->n == 0)
        return SQLITE_OK;
    sqlite3_stmt *st = NULL;
    lerr *none = vouch_calloc(1, sizeof *none);
    int rc = none ? prepare_insert(lr->db, t, target, map, bt->nf, bt->n, &st) : SQLITE_NOMEM;
    for (uint32_t r = 0; r < bt->n && rc == SQLITE_OK; r++)
        if (load_check_record(lr->p, t, map, bt->cells + (size_t)r * bt->nf, bt->nf, src,
                              lr->opt->tz_minutes, st, (int)(r * bt->nf), none) != 0)
            rc = SQLITE_INTERNAL;
    vouch_free(none);
    if (rc == SQLITE_OK)
        rc = batch_step(lr, st);
    sqlite3_finalize(st);
    bt->n = 0;
    bt->used = 0;
    return rc;
}

/* Copies the cells of a record into the batch, as its next row's (not
 * counted yet): SQLITE_OK, or the error of writing the pending rows that
 * left no room, or SQLITE_NOMEM. */
static int batch_add(load_run *lr, const vouch_table_decl *t, const char *target,
                     const int32_t *map, const load_source *src, batch *bt,
                     const load_cell *cells)
{
    size_t need = 0;
    for (uint32_t i = 0; i < bt->nf; i++)
        need += cells[i].n;
    if (bt->used + need > bt->cap) {
        int rc = batch_flush(lr, t, target, map, src, bt);
        if (rc != SQLITE_OK)
            return rc;
        if (need > bt->cap) {
            char *p = vouch_realloc(bt->bytes, need);
            if (!p)
                return SQLITE_NOMEM;
            bt->bytes = p;
            bt->cap = need;
        }
    }
    /* bt->used moves on once the row is checked (the caller) */
    load_cell *to = bt->cells + (size_t)bt->n * bt->nf;
    size_t at = bt->used;
    for (uint32_t i = 0; i < bt->nf; i++) {
        to[i] = cells[i];
        to[i].s = bt->bytes + at;
        if (cells[i].n)
            memcpy(bt->bytes + at, cells[i].s, cells[i].n);
        at += cells[i].n;
    }
    return SQLITE_OK;
}

/* Loads the rows of src into table ti (errors go to lr->e). Returns an
 * SQLite error code for a store failure that is not about a row;
 * SQLITE_OK otherwise. */
static int load_source_rows(load_run *lr, uint32_t ti, load_source *src)
{
    const vouch_program *p = lr->p;
    const vouch_table_decl *t = &p->tables[ti];
    const vouch_load_options *opt = lr->opt;
    sqlite3 *db = lr->db;
    lerr *e = lr->e;
    sqlite3_stmt *ins = NULL;
    int32_t *map = NULL;
    uint8_t *have = NULL;
    const load_cell *cells;
    uint32_t nf, n;
    uint64_t rows = 0;
    int rc = SQLITE_OK, ok;
    char where[300], target[32];
    batch bt = {0};

    int got = src->ops->header(src, e, &cells, &nf);
    if (got <= 0)
        return got == -2 ? SQLITE_NOMEM : SQLITE_OK;
    map = vouch_malloc((nf + 1) * sizeof *map);
    have = vouch_calloc(t->ncolumns + 1, 1);
    if (!map || !have) {
        rc = SQLITE_NOMEM;
        goto out;
    }
    if (map_header(t, src, cells, nf, map, have, e) != 0 || lerr_full(e))
        goto out;
    if ((rc = prepare_table(lr, ti, src, &ok, target)) != SQLITE_OK || !ok)
        goto out;
    if ((rc = prepare_insert(db, t, target, map, nf, 1, &ins)) != SQLITE_OK)
        goto out;
    if (!lr->strict && (rc = batch_open(db, t, target, map, nf, &bt)) != SQLITE_OK)
        goto out;

    /* rows */
    while (!lerr_full(e)) {
        got = src->ops->next(src, e, &cells, &n);
        if (got <= 0) {
            if (got == -2)
                rc = SQLITE_NOMEM;
            break;
        }
        if ((++rows & 0xffff) == 0 && opt->progress)
            opt->progress(opt->progress_ctx, t->name, rows, 0);
        if (n != nf) {
            /* The column is the first missing cell, or the first extra one. */
            src->ops->where(src, n < nf ? n : nf, where, sizeof where);
            lerr_add(e, "%s: error: %u field%s, but the header has %u", where, n,
                     n == 1 ? "" : "s", nf);
            continue;
        }
        /* Check every cell; write the row only while the load is clean. */
        sqlite3_stmt *st = e->n == 0 ? ins : NULL;
        if (st && bt.full) {
            if ((rc = batch_add(lr, t, target, map, src, &bt, cells)) != SQLITE_OK || lr->redo)
                break;
            const load_cell *mine = bt.cells + (size_t)bt.n * nf;
            if (load_check_record(p, t, map, mine, nf, src, opt->tz_minutes, bt.full,
                                  (int)(bt.n * nf), e) != 0)
                continue;   /* not a row of the batch: its bytes are taken again */
            for (uint32_t i = 0; i < nf; i++)
                bt.used += mine[i].n;
            if (++bt.n == bt.rows) {
                if ((rc = batch_step(lr, bt.full)) != SQLITE_OK || lr->redo)
                    break;
                bt.n = 0;
                bt.used = 0;
            }
            continue;
        }
        int bad = load_check_record(p, t, map, cells, nf, src, opt->tz_minutes, st, 0, e) != 0;
        if (bad || !st)
            continue;
        int src_rc = sqlite3_step(ins);
        if (src_rc != SQLITE_DONE) {
            int ext = sqlite3_extended_errcode(db);
            if (ext == SQLITE_CONSTRAINT_PRIMARYKEY || ext == SQLITE_CONSTRAINT_UNIQUE ||
                ext == SQLITE_CONSTRAINT_ROWID) {
                char keys[300];
                key_text(t, map, cells, nf, keys, sizeof keys);
                src->ops->where(src, LOAD_RECORD, where, sizeof where);
                /* staged (upsert) rows meet only the load's own rows */
                lerr_add(e, "%s: error: duplicate key (%s): an earlier row%s has the same key",
                         where, keys, opt->replace || target[0] ? "" : " or the store");
            } else if ((src_rc & 0xff) == SQLITE_CONSTRAINT) {
                src->ops->where(src, LOAD_RECORD, where, sizeof where);
                lerr_add(e, "%s: error: the store rejected the row: %s", where, sqlite3_errmsg(db));
            } else {
                rc = src_rc;
                sqlite3_reset(ins);
                break;
            }
        }
        sqlite3_reset(ins);
    }
    /* the rows read while the load was clean are written, whatever came
     * after them: as a strict load writes them */
    if (rc == SQLITE_OK && !lr->redo && bt.full)
        rc = batch_flush(lr, t, target, map, src, &bt);
    if (opt->progress)
        opt->progress(opt->progress_ctx, t->name, rows, 1);
out:
    batch_close(&bt);
    if (ins)
        sqlite3_finalize(ins);
    vouch_free(map);
    vouch_free(have);
    return rc;
}

/* A file read by a source declaration (`vouch load --source`): the table
 * and the format are the source's. */
static int open_source_input(const vouch_program *p, const vouch_load_input *in, lerr *e, load_source **src)
{
    FILE *fp = stdin;
    const char *name = "stdin";
    if (strcmp(in->path, "-") != 0) {
        if (!(fp = fopen(in->path, "rb"))) {
            lerr_add(e, "%s: error: cannot read: %s", in->path, strerror(errno));
            return -1;
        }
        name = in->path;
    }
    return load_source_open(p, in->source, fp, name, 1, e, src);
}

/* Loads one input (errors go to lr->e): its table found, its source
 * opened, its rows loaded. Returns as load_source_rows. */
static int load_input(load_run *lr, const vouch_load_input *in)
{
    if (in->source && !in->rows) {
        load_source *src = NULL;
        int orc = open_source_input(lr->p, in, lr->e, &src);
        if (orc != 0)
            return orc == -2 ? SQLITE_NOMEM : SQLITE_OK;
        int rc = load_source_rows(lr, in->source->table, src);
        src->ops->close(src);
        return rc;
    }
    char tname[256];
    int fmt;
    const char *ext;
    input_table(in, tname, &fmt, &ext);
    const char *where = in->rows ? in->rows->where : strcmp(in->path, "-") == 0 ? "stdin" : in->path;
    if (!in->rows && strcmp(in->path, "-") == 0 && !in->table) {
        lerr_add(lr->e, "stdin: error: standard input needs the table it fills (--table)");
        return SQLITE_OK;
    }
    int64_t ti = find_table(lr->p, tname, where, ext, lr->e);
    if (ti < 0)
        return SQLITE_OK;
    load_source *src = NULL;
    int orc = open_input(in, fmt, &lr->p->tables[ti], lr->e, &src);
    if (orc != 0)
        return orc == -2 ? SQLITE_NOMEM : SQLITE_OK;
    int rc = load_source_rows(lr, (uint32_t)ti, src);
    src->ops->close(src);
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
        const char *retyped = NULL;
        if ((rc = missing_column(db, t, &missing, &retyped)) != SQLITE_OK || missing)
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

/* Why load_once asks to be done again (nothing was written then). */
enum { AGAIN_NO, AGAIN_PUBLISHED, AGAIN_STRICT };

static vouch_status load_once(const char *db_path, const vouch_program *p,
                              const vouch_load_input *in, uint32_t nin,
                              const vouch_load_options *opt, int strict, int *again,
                              vouch_error *err);

/* Can input in be read a second time, the same (a strict load after a
 * duplicate)? Rows in memory and regular files; not standard input nor a
 * pipe (`<(cmd)`). */
static int rereadable(const vouch_load_input *in)
{
    struct stat st;
    if (in->rows)
        return 1;
    return strcmp(in->path, "-") != 0 && stat(in->path, &st) == 0 && S_ISREG(st.st_mode);
}

vouch_status vouch_facts_load_inputs(const char *db_path, const vouch_program *p,
                                     const vouch_load_input *in, uint32_t nin,
                                     const vouch_load_options *opt, vouch_error *err)
{
    if (facts_pg_is_conninfo(db_path))   /* a PostgreSQL store: load_pg.c */
        return load_pg_inputs(db_path, p, in, nin, opt, err);
    if (nin == 0)
        return seal_store(db_path, p, err);
    int reads_stdin = 0, strict = 0;
    for (uint32_t i = 0; i < nin; i++) {
        reads_stdin |= !in[i].rows && strcmp(in[i].path, "-") == 0;
        strict |= !rereadable(&in[i]);
    }
    /* Again (at most a few times) while another load publishes the new
     * store first: the next try finds it and loads into it. Standard
     * input cannot be read twice. Again, strict, once a table the load
     * made holds a key twice, or the store refused a row of a batch: the
     * first try builds the key's index after the rows and writes rows in
     * batches, which says that a row is refused but not which; the strict
     * one inserts each row on its own, meets the key at each insert, and
     * names the row as ever. An input that cannot be read twice is loaded
     * strict from the start. */
    int again = 0;
    vouch_status s;
    for (int tries = 0;; tries++) {
        s = load_once(db_path, p, in, nin, opt, strict, &again, err);
        if (again == AGAIN_STRICT && !strict) {
            strict = 1;
            tries--;
            continue;
        }
        if (again != AGAIN_PUBLISHED)
            return s;
        if (tries == 3 || reads_stdin)
            return vouch_error_set(err, VOUCH_EIO, "cannot create facts store %s: %s", db_path,
                                   reads_stdin ? "another load created it meanwhile; load into it "
                                                 "again"
                                               : "other loads keep creating and removing it");
    }
}

vouch_status vouch_facts_load(const char *db_path, const vouch_program *p,
                              const char *const *csv_paths, uint32_t ncsv,
                              const vouch_load_options *opt, vouch_error *err)
{
    vouch_load_input *in = vouch_calloc(ncsv + 1, sizeof *in);
    if (!in)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    for (uint32_t i = 0; i < ncsv; i++)
        in[i].path = csv_paths[i];
    vouch_status s = vouch_facts_load_inputs(db_path, p, in, ncsv, opt, err);
    vouch_free(in);
    return s;
}

/* One try of vouch_facts_load_inputs; *again AGAIN_PUBLISHED when another
 * load published the new store first, AGAIN_STRICT when a table this
 * load made (not strict) holds a key twice (nothing was written then). */
static vouch_status load_once(const char *db_path, const vouch_program *p,
                              const vouch_load_input *in, uint32_t nin,
                              const vouch_load_options *opt, int strict, int *again,
                              vouch_error *err)
{
    *again = AGAIN_NO;
    lerr *e = vouch_calloc(1, sizeof *e);
    uint8_t *emptied = vouch_calloc(p->ntables + 1, 1);
    uint8_t *created = vouch_calloc(p->ntables + 1, 1);
    uint8_t *staged = vouch_calloc(p->ntables + 1, 1);
    uint8_t *deferred = vouch_calloc(p->ntables + 1, 1);
    static const vouch_load_options no_options;
    char *tmp = NULL;
    sqlite3 *db = NULL;
    vouch_status s = VOUCH_OK;
    int rc, fresh = 0, in_txn = 0;
    struct stat stt;
    if (!e || !emptied || !created || !staged || !deferred) {
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

    /* As facts.c reads: no allocation statistics (a global mutex on every
     * malloc; this fails harmlessly once SQLite is initialised) and no
     * mutex of the connection's own, which only this thread uses: about a
     * tenth of a big load's instructions. */
    static int configured;
    if (!configured) {
        configured = 1;
        sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
    }
    rc = sqlite3_open_v2(fresh ? tmp : db_path, &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                         NULL);
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

    load_run lr = {db, p, opt ? opt : &no_options, emptied, created, staged, deferred, strict, e, 0};
    for (uint32_t i = 0; i < nin && !lerr_full(e) && !lr.redo; i++) {
        rc = load_input(&lr, &in[i]);
        if (rc != SQLITE_OK) {
            s = vouch_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EIO,
                                "%s: writing facts store %s: %s",
                                in[i].rows ? in[i].rows->where : in[i].path, db_path,
                                sqlite3_errmsg(db));
            goto done;
        }
    }
    /* A row a batch's INSERT refused, or a duplicate among the rows
     * written (even when other errors came after it): the strict load
     * reports it, as it is met. */
    int dup = lr.redo;
    if (!dup && (rc = finish_keys(&lr, &dup)) != SQLITE_OK) {
        s = vouch_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EIO,
                            "writing facts store %s: %s", db_path, sqlite3_errmsg(db));
        goto done;
    }
    if (dup) {
        *again = AGAIN_STRICT;
        goto done;
    }
    if (e->n) {
        s = lerr_finish(e);
        goto done;
    }
    if ((rc = upsert_tables(&lr)) != SQLITE_OK) {
        s = vouch_error_set(err, (rc & 0xff) == SQLITE_NOMEM ? VOUCH_ENOMEM : VOUCH_EIO,
                            "writing facts store %s: %s", db_path, sqlite3_errmsg(db));
        goto done;
    }
    /* The tables the packs read and no input filled are created empty, so a
     * store made by `vouch load --pack P` can be checked against P: an
     * organisation with no suppliers yet has an empty supplier table. */
    for (uint32_t t = 0; t < p->ntables && rc == SQLITE_OK; t++) {
        int exists = 0;
        if (!p->tables[t].first_used)
            continue;
        rc = table_exists(db, p->tables[t].name, &exists);
        if (rc == SQLITE_OK && !exists)
            rc = create_keyed(db, p, &p->tables[t], 0);
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
            *again = AGAIN_PUBLISHED;   /* tmp is removed below */
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
    vouch_free(staged);
    vouch_free(deferred);
    return s;
}
