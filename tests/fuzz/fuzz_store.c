/*
 * fuzz_store.c: the contents of a facts store. Every other target reads
 * the same well-formed store; this one writes a new store per input, with
 * SQLite directly (not `vouch load`, which would refuse most of it), and
 * runs one fixed pack over it through the library, as `vouch check` does
 * (fuzz_run.h: the VM, the waivers, every report, coverage and SoA).
 *
 * A store written by another tool can hold anything: values of any storage
 * class in any column (text in an int column, a BLOB in an enum column,
 * text with NULs, invalid UTF-8, control characters), NULLs in required
 * columns, keys that repeat, tables that are views. The promise is that
 * vouch reports such values as errors or handles them, never crashes.
 *
 * Input (all of it optional; missing bytes read as 0):
 *   byte 0    shape: bit 0 item is a view over item_t, bit 1 owner is a
 *             view, bit 2 item has a UNIQUE index on id (else none: keys
 *             can repeat), bit 3 the item view repeats its rows (UNION
 *             ALL), bit 4 owner is WITHOUT ROWID with a primary key
 *   then      rows: a byte picks the table (even: item, odd: owner), then
 *             one value per column, each a tag byte and its bytes:
 *               tag % 6 = 0 NULL, 1 integer (8 bytes), 2 real (8 bytes),
 *               3 text (a length byte, then that many bytes, NULs kept),
 *               4 BLOB (the same), 5 a short text from a fixed list (enum
 *               members, dates, owner ids) picked by the next byte
 * Rows that SQLite refuses (a repeated key under a UNIQUE index) are
 * skipped. At most 64 rows.
 */
#include <sqlite3.h>
#include "fuzz_store.h"
#include "fuzz_run.h"

static const char pack_text[] =
    "pack \"fuzz-store\" version \"1\"\n"
    "fact item key (id) {\n"
    "  id: text\n"
    "  kind: enum(alpha, beta, gamma)\n"
    "  owner: text?\n"
    "  n: int\n"
    "  seen: date?\n"
    "  ok: bool\n"
    "  every: duration?\n"
    "}\n"
    "fact owner key (id) {\n"
    "  id: text\n"
    "  name: text\n"
    "  level: int?\n"
    "}\n"
    "rule items_ok \"Items are ok\" severity high {\n"
    "  for i in item where i.kind == alpha or i.kind == beta\n"
    "  require i.ok and i.n > 2\n"
    "  else \"{i.id} of {i.owner} is not ok ({i.n})\"\n"
    "}\n"
    "rule owned \"Items have a known owner\" severity medium {\n"
    "  for i in item\n"
    "  require exists o in owner where o.id == i.owner and o.name != \"\"\n"
    "}\n"
    "rule recent \"Items were seen lately\" severity low {\n"
    "  for i in item where i.seen != none\n"
    "  require i.seen >= today - 30d\n"
    "  else \"{i.id} last seen {i.seen}\"\n"
    "}\n"
    "rule levels \"Owners have a level\" severity info {\n"
    "  for o in owner\n"
    "  require o.level != none and o.level > 0\n"
    "  else \"{o.name} has no level\"\n"
    "}\n";

static const char *const shorts[] = {
    "alpha", "beta", "gamma", "Alpha", "", "2026-11-01", "2026-02-30", "P1", "P2", "a\tb\nc",
    "\x1b[2J", "\xff\xfe", "=cmd|' /C calc'!A0", "\u202Eevil", "0", "1", "-5", "true",
};

static vouch_program *program;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    vouch_compile_input in = {"fuzz-store.vouch", pack_text, sizeof pack_text - 1};
    program = vouch_compile(&in, 1, fuzz_store_diag, NULL);
    if (!program)
        fuzz_fail("the fuzz_store pack does not compile", NULL);
    return 0;
}

typedef struct reader {
    const uint8_t *p;
    size_t n, at;
} reader;

static unsigned byte(reader *r) { return r->at < r->n ? r->p[r->at++] : 0; }

static void bytes(reader *r, uint8_t *out, size_t k)
{
    for (size_t i = 0; i < k; i++)
        out[i] = (uint8_t)byte(r);
}

/* Binds the next value of the input to parameter i of st. */
static void bind_next(reader *r, sqlite3_stmt *st, int i)
{
    unsigned tag = byte(r) % 6;
    uint8_t buf[256];
    switch (tag) {
    case 0: sqlite3_bind_null(st, i); break;
    case 1: {
        int64_t v;
        bytes(r, buf, 8);
        memcpy(&v, buf, 8);
        sqlite3_bind_int64(st, i, v);
        break;
    }
    case 2: {
        double v;
        bytes(r, buf, 8);
        memcpy(&v, buf, 8);
        sqlite3_bind_double(st, i, v);
        break;
    }
    case 3:
    case 4: {
        size_t k = byte(r);
        if (k > r->n - r->at)
            k = r->n - r->at;
        memcpy(buf, r->p + r->at, k);
        r->at += k;
        if (tag == 3)
            sqlite3_bind_text(st, i, (const char *)buf, (int)k, SQLITE_TRANSIENT);
        else
            sqlite3_bind_blob(st, i, buf, (int)k, SQLITE_TRANSIENT);
        break;
    }
    default: {
        const char *s = shorts[byte(r) % (sizeof shorts / sizeof shorts[0])];
        sqlite3_bind_text(st, i, s, -1, SQLITE_STATIC);
    }
    }
}

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

static int write_store(const char *path, const uint8_t *data, size_t size)
{
    reader r = {data, size, 0};
    unsigned shape = byte(&r);
    sqlite3 *db;
    unlink(path);
    if (sqlite3_open(path, &db) != SQLITE_OK) {
        sqlite3_close(db);
        return -1;
    }
    const char *item = shape & 1 ? "item_t" : "item";
    const char *owner = shape & 2 ? "owner_t" : "owner";
    char sql[512];
    int ok = exec(db, "BEGIN") == SQLITE_OK;
    /* No declared types on most columns: any storage class stays as given. */
    snprintf(sql, sizeof sql, "CREATE TABLE %s(id, kind TEXT, owner, n INTEGER, seen, ok, every)", item);
    ok = ok && exec(db, sql) == SQLITE_OK;
    if (shape & 16)
        snprintf(sql, sizeof sql, "CREATE TABLE %s(id TEXT PRIMARY KEY, name, level) WITHOUT ROWID", owner);
    else
        snprintf(sql, sizeof sql, "CREATE TABLE %s(id, name, level)", owner);
    ok = ok && exec(db, sql) == SQLITE_OK;
    if (ok && (shape & 4)) {
        snprintf(sql, sizeof sql, "CREATE UNIQUE INDEX %s_id ON %s(id)", item, item);
        ok = exec(db, sql) == SQLITE_OK;
    }
    if (ok && (shape & 1)) {
        ok = exec(db, shape & 8 ? "CREATE VIEW item AS SELECT * FROM item_t UNION ALL SELECT * FROM item_t"
                                : "CREATE VIEW item AS SELECT * FROM item_t") == SQLITE_OK;
    }
    if (ok && (shape & 2))
        ok = exec(db, "CREATE VIEW owner AS SELECT id, name, level FROM owner_t ORDER BY name") == SQLITE_OK;
    sqlite3_stmt *ins[2] = {NULL, NULL};
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?,?,?,?,?,?,?)", item);
    ok = ok && sqlite3_prepare_v2(db, sql, -1, &ins[0], NULL) == SQLITE_OK;
    snprintf(sql, sizeof sql, "INSERT INTO %s VALUES (?,?,?)", owner);
    ok = ok && sqlite3_prepare_v2(db, sql, -1, &ins[1], NULL) == SQLITE_OK;
    for (int row = 0; ok && row < 64 && r.at < r.n; row++) {
        sqlite3_stmt *st = ins[byte(&r) & 1];
        int ncols = sqlite3_bind_parameter_count(st);
        for (int c = 1; c <= ncols; c++)
            bind_next(&r, st, c);
        (void)sqlite3_step(st); /* a refused row (a repeated UNIQUE key) is left out */
        sqlite3_reset(st);
        sqlite3_clear_bindings(st);
    }
    sqlite3_finalize(ins[0]);
    sqlite3_finalize(ins[1]);
    ok = ok && exec(db, "COMMIT") == SQLITE_OK;
    if (sqlite3_close(db) != SQLITE_OK)
        fuzz_fail("cannot close the store", NULL);
    return ok ? 0 : -1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char path[300];
    fuzz_path(path, sizeof path, "content.db");
    if (write_store(path, data, size) != 0)
        fuzz_fail("cannot write the store", path);
    vouch_facts *f = NULL;
    vouch_error err;
    if (vouch_facts_open(path, &f, &err) == VOUCH_OK && vouch_facts_bind(f, program, FUZZ_TODAY, &err) == VOUCH_OK)
        fuzz_run(program, f, 200000);
    vouch_facts_close(f);
    return 0;
}
