/*
 * facts.h: the facts store. The only module that knows SQLite (only
 * runtime/store/facts*.c and runtime/store/load.c include <sqlite3.h>).
 *
 * What it owns, from the VM's side:
 *   - a connection (vouch_facts), opened read-only and bound to one
 *     program as of one date; the bind opens the read transaction that is
 *     the run's snapshot, checks the tables and the stored values the
 *     program reads, and chooses how each plan is answered;
 *   - one cursor per plan (program.h), driven by vouch_facts_seek, next,
 *     column and reset. Behind a cursor is an access path, one of three
 *     implementations of one interface (facts_int.h, facts_path), chosen
 *     per plan at bind by the chooser (facts_choose.c):
 *       sql    a prepared statement (made once per run, reset and rebound
 *              per seek), whose WHERE applies the plan's terms; SQLite's
 *              indexes turn equality and range terms into index seeks,
 *              LIMIT 1 makes `exists` stop early, and count/min/max are
 *              answered by SQLite's aggregates;
 *       hash   for a repeated plan whose bound equality terms no index
 *              serves, an in-memory hash index on those columns, built by
 *              one filtered scan on the plan's first seek and probed on
 *              every later seek; a repeated plan an index does serve
 *              starts on its statement and moves to a hash index once its
 *              probes have taken longer than one scan of the table would;
 *       cache  answers that several plans share (the same loop in many
 *              rules, the same probe asked again), remembered for the run
 *              and given again from memory; the statement otherwise.
 *     All paths give the same answers (tests/unit/test_facts.c);
 *   - the snapshot, handed out to readers on other threads (each its own
 *     connection and cursors, all reading the same data, or none at all:
 *     vouch_facts_snapshot_take), and the sharing of one plan's rows
 *     between such readers (vouch_facts_share_rows). A runner needs to
 *     know nothing of files, locks, WAL or memory maps: this is the seam
 *     another backend (a server database) would fill.
 *
 * Invariants: one snapshot per run, whoever reads it; the store is never
 * written (`vouch load`, below, is the one writer, in a process of its
 * own); the first 96 MiB of the file are memory-mapped (the fastest way to
 * read a warm file), the rest is read into SQLite's page cache, so peak
 * memory does not grow with the file.
 */
#ifndef VOUCH_FACTS_H
#define VOUCH_FACTS_H

#include <stdint.h>
#include "program.h"
#include "error.h"

typedef struct vouch_facts vouch_facts;

typedef struct vouch_facts_stats {
    uint32_t sql_plans;      /* plans answered by prepared statements (at bind) */
    uint32_t hash_plans;     /* plans answered by in-memory hash indexes (at bind) */
    uint64_t seeks;          /* OP_SEEK calls */
    uint64_t rows;           /* rows returned to the VM */
    uint32_t hash_switched;  /* hash indexes taken up because probes cost more than a scan */
    uint32_t hash_builds;    /* hash indexes built */
    uint64_t hash_rows;      /* rows they hold */
    uint64_t cache_hits;     /* seeks answered from remembered answers */
    uint64_t cache_entries;  /* answers remembered */
} vouch_facts_stats;

/* How the store may answer plans. The defaults suit every run; tests use
 * the others to check that all paths give the same answers. */
enum {
    VOUCH_HASH_AUTO = 0,     /* hash indexes where no index serves, and where probes cost more */
    VOUCH_HASH_NOINDEX,      /* hash indexes only where no index serves */
    VOUCH_HASH_NEVER         /* prepared statements only */
};

typedef struct vouch_facts_options {
    int hash;                /* VOUCH_HASH_* */
    int cache;               /* 1: remember the answers plans share */
    size_t mmap_bytes;       /* bytes of the file read through a memory map (0: none) */
    size_t cache_bytes;      /* answers remembered at most (facts_cache.c) */
    uint64_t switch_ns;      /* VOUCH_HASH_AUTO: move to the hash index once probes took
                                this long (0: the measured time of one build scan) */
} vouch_facts_options;

/* The defaults: VOUCH_HASH_AUTO, cache on (64 MiB), 96 MiB mapped. */
void vouch_facts_options_default(vouch_facts_options *o);
/* Sets the options for the next vouch_facts_bind. */
void vouch_facts_set_options(vouch_facts *f, const vouch_facts_options *o);

/* Opens the store at path read-only. A missing, unreadable or non-SQLite
 * file is VOUCH_EINPUT with a message naming the path. A path that is a
 * PostgreSQL connection string (facts_pg.h: a postgresql:// URI or libpq
 * key=value pairs) opens that database's schema instead (docs/postgres.md);
 * a connection that fails is VOUCH_EINPUT with libpq's reason. */
vouch_status vouch_facts_open(const char *path, vouch_facts **out, vouch_error *err);
void vouch_facts_close(vouch_facts *f);

/* Prepares f to run program p as of day as_of: begins the read
 * transaction, checks that every table and column the program reads exists
 * (a missing one is VOUCH_EINPUT naming it), checks every stored value of
 * those tables against its declaration and takes each table's digest
 * (facts_check.h: from `vouch load`'s record while it still holds, else by
 * a scan), chooses each plan's access path and prepares its statement. p
 * must outlive f's use of it. Bind once per run.
 *
 * The as-of date freezes the world: over a table whose rows are dated
 * (vouch_table_decl.dated), no plan sees a row dated after as_of, whatever
 * the path that answers it (statement, hash index, remembered answer,
 * count, min or max): the bound is part of every statement's WHERE and of
 * every hash index's build scan, a parameter bound at each seek. A row
 * whose date is none is kept. VOUCH_AS_OF_ANY binds with no bound, every
 * row seen (tools and tests that look at a store whatever its dates).
 *
 * A bad stored value does not fail the bind: the rules that read its
 * column (or, for a duplicate key, its table) are the ones it makes wrong,
 * and vouch_facts_rule_problem says which. A table with a bad value is
 * read only through SQL (no hash index, no shared answers), so no rule
 * trips on a value only another rule reads. */
#define VOUCH_AS_OF_ANY INT64_MAX
vouch_status vouch_facts_bind(vouch_facts *f, const vouch_program *p, int64_t as_of, vouch_error *err);
/* The as-of date of f's last bind (VOUCH_AS_OF_ANY: none). */
int64_t vouch_facts_as_of(const vouch_facts *f);

/* 1 if rule (an index into the bound program's rules) reads a stored value
 * that does not fit its declaration, with msg (size bytes) saying which:
 * "facts store: evidence (id = 1): collected_on holds `15/01/2026`, which
 * is not a date (...)" and how many more; 0 if it reads none. Such a rule
 * cannot be evaluated: a planned filter inside SQLite would skip the row
 * or keep it by another order than the VM's, so its outcome is an error
 * (vm.c), whichever subjects the row would have touched. */
int vouch_facts_rule_problem(const vouch_facts *f, uint32_t rule, char *msg, size_t size);

/* The digest of table t of the bound program as read (facts_check.h), its
 * rows, and 1 if it came from load's record rather than a scan: 0, or -1
 * if the program does not read t. */
int vouch_facts_table_digest(const vouch_facts *f, uint32_t t, unsigned char digest[32],
                             uint64_t *rows, int *recorded);

/* Starts plan's cursor with params (plan->nparams values, in term order of
 * the param indices). Any previous result of that cursor is released. */
vouch_status vouch_facts_seek(vouch_facts *f, uint32_t plan, const vouch_value *params,
                              vouch_error *err);
/* Moves to the next row: *has_row is 1 if there is one, 0 at the end. */
vouch_status vouch_facts_next(vouch_facts *f, uint32_t plan, int *has_row, vouch_error *err);
/* Column i (0..plan->ncolumns-1, or 0 for count/min/max) of the current row.
 * Text stays valid until the cursor moves. A stored value that does not fit
 * the declared type (a date that is not YYYY-MM-DD, text in an int column)
 * is an error naming table, column and row. */
vouch_status vouch_facts_column(vouch_facts *f, uint32_t plan, uint32_t i, vouch_value *out,
                                vouch_error *err);
/* Releases the current result of plan's cursor. */
void vouch_facts_reset(vouch_facts *f, uint32_t plan);

/* Bounds the SQL f runs, since a store's tables may be views, and a view
 * can be a query that never ends: at most steps instructions of SQLite's
 * virtual machine (0: VOUCH_MAX_RULE_STEPS) between two calls of
 * vouch_facts_restart_budget, and none after deadline_ns (CLOCK_MONOTONIC
 * nanoseconds; 0: no deadline; timeout_s is its length, for the message).
 * A statement past the budget fails with VOUCH_ERUNTIME (the VM stops that
 * rule only), past the deadline with VOUCH_EINPUT (the run stops); both
 * messages say which. Counted every 1000 instructions, so a budget below
 * that stops the first statement that runs longer. Open sets the defaults
 * (the maximum budget, no deadline); set_limits restarts the count. */
void vouch_facts_set_limits(vouch_facts *f, uint64_t steps, uint64_t deadline_ns, uint32_t timeout_s);
/* Starts a new budget period (the VM calls it at every rule). */
void vouch_facts_restart_budget(vouch_facts *f);

/* f's options (those of its last bind). */
void vouch_facts_get_options(const vouch_facts *f, vouch_facts_options *o);

/* ---- Readers on other threads (facts_snapshot.c) ----------------------------
 * A run may read the store from several threads, each through its own
 * connection (a reader), all on one snapshot: the one the first
 * connection's bind took, whose stored values it checked.
 *
 * vouch_facts_snapshot_take hands out f's snapshot (f bound) for readers on
 * other threads: VOUCH_READER and *out, or VOUCH_NO_READER when the store
 * cannot promise another connection the same data (a WAL store a writer
 * committed to since f's bind began, a path that no longer names f's file,
 * a store whose plans use hash indexes, which each reader would build
 * again), and the run stays on f alone. Taking it tunes f for a shared
 * run (the answer cache halved between the readers, no probe moving to a
 * hash index any more), so take it only to share the run. f must outlive
 * the snapshot; free it with vouch_facts_snapshot_free once every reader
 * is closed.
 *
 * vouch_facts_reader_open, from any thread, opens and binds a reader of
 * the snapshot (same program, same as-of date): VOUCH_READER and *out,
 * which the caller closes with vouch_facts_close, or VOUCH_NO_READER
 * when it would not read the same data (a commit came between) or cannot
 * be opened. */
typedef struct vouch_facts_snapshot vouch_facts_snapshot;
typedef enum vouch_reader_status {
    VOUCH_READER = 0,        /* a reader of the same snapshot */
    VOUCH_NO_READER          /* none: read through the first connection alone */
} vouch_reader_status;
vouch_reader_status vouch_facts_snapshot_take(vouch_facts *f, vouch_facts_snapshot **out);
vouch_reader_status vouch_facts_reader_open(const vouch_facts_snapshot *snap, vouch_facts **out);
void vouch_facts_snapshot_free(vouch_facts_snapshot *snap);

/* Sharing the rows of one plan between readers of one snapshot: each
 * takes the rows nobody has claimed, a few at a time, and skips the
 * others'. Both must seek the plan with the same parameters, so that they
 * read the same rows in the same order; then every row is given to
 * exactly one of them. After vouch_facts_share_rows(f, plan, share), the
 * plan's cursor on f numbers its rows from 0 (across seeks) and
 * vouch_facts_next gives only those it claims through share; NULL ends the
 * sharing. share is zeroed before the first reader uses it. */
typedef struct vouch_facts_share {
    uint32_t next_row;       /* the next row nobody has claimed: only the store
                                touches it, atomically (a plain type here, so
                                the header stays C++-friendly) */
} vouch_facts_share;
void vouch_facts_share_rows(vouch_facts *f, uint32_t plan, vouch_facts_share *share);

/* How reports should name f when not by the string it was opened with:
 * a PostgreSQL connection string that holds a password, without it
 * (docs/postgres.md); NULL otherwise. */
const char *vouch_facts_shown_name(const vouch_facts *f);

/* How the bound plans are answered (for --stats and tests). */
void vouch_facts_get_stats(const vouch_facts *f, vouch_facts_stats *out);
/* A one-line description of how plan is answered ("sql: SELECT ...",
 * "hash: evidence(framework, control)"), for disasm and tests. */
const char *vouch_facts_describe(const vouch_facts *f, uint32_t plan);

/* ---- Loading (runtime/store/load*.c; docs/loading.md) ----------------------- */

typedef struct vouch_load_options {
    int replace;             /* 1: empty each loaded table first (in the same transaction) */
    int upsert;              /* 1: a row whose key the store holds replaces that row
                              * (docs/loading.md, "Adding rows"); not with replace */
    int tz_minutes;          /* the zone date-times are converted in, minutes east of
                              * UTC (docs/loading.md, "Date-times"); 0 is UTC */
    /* If set, called every 65536 rows of each input and once at its end
     * (done 1), with the input's table and its rows read so far: progress
     * and a summary for the command line. */
    void (*progress)(void *ctx, const char *table, uint64_t rows, int done);
    void *progress_ctx;
} vouch_load_options;

/* Rows in memory for vouch_facts_load_inputs (a test's fixtures, the
 * packs' catalogues): cells in the CSV forms (docs/loading.md), checked
 * like a CSV file's. Borrowed for the call. */
typedef struct vouch_load_rows {
    const char *table;           /* the declared table they fill */
    const char *where;           /* names them in messages: `t.vouch:3: test "x"` */
    uint32_t ncolumns;
    const char *const *columns;  /* declared column names, in the cells' order */
    uint32_t nrows;
    const char *const *cells;    /* row r, column c at [r * ncolumns + c]; NULL: none */
} vouch_load_rows;

/* One input of a load: a file, or rows in memory. */
typedef struct vouch_load_input {
    const char *path;            /* a file; "-" is standard input */
    const char *table;           /* the table for "-" (required then); NULL: from the name */
    const vouch_load_rows *rows; /* instead of path */
    const vouch_source_decl *source; /* with path: read it with this source of p
                                      * (its table, its format; load_source.c) */
} vouch_load_input;

/* Loads inputs into the store at db_path, creating it if missing. A file's
 * format is its extension: .json (an array of objects), .jsonl (JSON
 * Lines), else CSV; standard input is told apart by its first byte (`[`
 * JSON, `{` JSON Lines, else CSV). A file's base name without its extension
 * names the table (evidence.csv -> evidence); a CSV header row names the
 * columns, a JSON object's keys name the fields. Every value is checked
 * against the declared type; the first bad value (or up to a limit of them)
 * is reported as "file:row:column: ..." (or the rows' own names) and
 * nothing is written: one transaction for all inputs, and a store that did
 * not exist before is not left behind. Tables are created from the
 * declarations if missing, and the indexes the declared keys and p's
 * repeated plans need are created. Every declared table whose values all
 * fit gets its digest recorded (facts_check.h). With n 0, only the records
 * are made, in an existing store (nothing else changes), and every value
 * that does not fit is an error naming table, key, column and value
 * (VOUCH_EINPUT). */
vouch_status vouch_facts_load_inputs(const char *db_path, const vouch_program *p,
                                     const vouch_load_input *in, uint32_t n,
                                     const vouch_load_options *opt, vouch_error *err);

/* vouch_facts_load_inputs of files given by path. */
vouch_status vouch_facts_load(const char *db_path, const vouch_program *p,
                              const char *const *csv_paths, uint32_t ncsv,
                              const vouch_load_options *opt, vouch_error *err);

#endif
