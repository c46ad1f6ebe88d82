/*
 * facts_int.h: the facts store's private header, shared by its files:
 *
 *   facts.c          open, close, schema checks, bind, and the cursor API
 *                    the VM calls: each call goes to the cursor's path
 *   facts_choose.c   the chooser: which path answers each plan (at bind),
 *                    and when a plan's probes move to its hash index
 *   facts_sql.c      the SQL path: prepared statements, their text and
 *                    binding, reading stored values as declared types
 *   facts_hash.c     the hash path: in-memory hash indexes (planning, the
 *                    one-scan build into compact columns, probes, aggregates)
 *   facts_cache.c    the cache path: identical seeks answered once per run,
 *                    the statement recorded on a miss
 *   facts_snapshot.c the read transaction and second readers of its snapshot
 *   facts_vfs.c      the VFS that shares one memory map of a store file
 *   facts_readonly.c what to do with a store vouch may not write beside
 *   facts_util.c     growable text, arena, text interning, value comparison
 *   facts_pg.c       a PostgreSQL store: the connection, the copy of the
 *                    tables a run reads into an in-memory database, and
 *                    the tables' digest records (facts_pg.h)
 *   facts_check.c    every stored value checked against its declaration, and
 *                    the tables' digests (facts_check.h; load.c shares it)
 *
 * Nothing outside runtime/store/facts*.c includes this file (the unit test of
 * the store does, to steer and see its choices). Every allocation goes through
 * runtime/base/alloc.h.
 */
#ifndef VOUCH_FACTS_INT_H
#define VOUCH_FACTS_INT_H

#include <stdint.h>
#include <stddef.h>
#include <sqlite3.h>
#include "facts.h"
#include "facts_check.h"
#include "strbuf.h"
#include "alloc.h"

#define FACTS_MARK_BYTES 96   /* the WAL index header, both copies */
#define MAX_KEY 16         /* bound equality terms a hash index keys on, at most */

/* ---- facts_util.c: growable text ------------------------------------------ */

/* sbuf, sb_add, sb_str: runtime/strbuf.h */
void sb_fmt(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_ident(sbuf *b, const char *name);   /* "name", embedded quotes doubled */
void sb_quoted(sbuf *b, const char *s, char q); /* q s q, embedded q doubled (' for an SQL literal) */

/* ---- facts_util.c: arena (chunks double from 64 KiB up to 8 MiB) -------- */

typedef struct chunk {
    struct chunk *next;
    size_t used, cap;
    _Alignas(16) char data[];
} chunk;

void *facts_arena_alloc(chunk **head, size_t n);   /* 16-byte aligned; NULL if out of memory */
void facts_arena_free(chunk **head);

/* ---- facts_util.c: value comparison as the terms see it ------------------
 * Values are compared by kind, not by exact tag, so an int parameter still
 * matches a bool or duration column, as it would in SQL. Text compares
 * bytewise, as SQLite's BINARY collation. */

int key_eq(const vouch_value *a, const vouch_value *b);
int key_cmp(const vouch_value *a, const vouch_value *b);   /* both present */
uint64_t key_hash(const vouch_value *vals, uint32_t n);
int term_holds(const vouch_value *col, int cmp, const vouch_value *p);
static inline int is_range(int cmp) { return cmp >= CMP_LT && cmp <= CMP_GE; }

/* ---- store structures ------------------------------------------------------ */

/* A cursor's state, kept by facts.c around the path's calls: sought
 * (READY), on a row (ROW), past its last row (DONE), or idle. */
enum { ST_IDLE = 0, ST_READY, ST_ROW, ST_DONE };

struct cursor;
struct vouch_facts;

/* An access path: one way of answering a plan's seeks, behind one
 * signature (facts_sql.c, facts_hash.c, facts_cache.c). The chooser
 * (facts_choose.c) gives each cursor its path at bind (cursor.base) and
 * picks the one of each seek (facts_choose_seek); facts.c keeps the
 * cursor's state and calls the path. The parameters of the seek are in
 * c->pv (copied, so they live until the next seek). */
typedef struct facts_path {
    const char *name;      /* "sql", "hash", "cache" */
    /* Starts the answer to c's seek. On an error the cursor stays idle. */
    vouch_status (*seek)(struct vouch_facts *f, struct cursor *c, vouch_error *err);
    /* The next row of the answer: *has_row 1, or 0 at its end (it has been
     * set to 0). c->state is READY before the first row, ROW after one.
     * On an error the path may leave the cursor idle (c->state). */
    vouch_status (*next)(struct vouch_facts *f, struct cursor *c, int *has_row, vouch_error *err);
    /* Plan column i of the current row (i in range), or the aggregate (i 0). */
    vouch_status (*column)(struct vouch_facts *f, struct cursor *c, uint32_t i, vouch_value *out,
                           vouch_error *err);
    /* Ends the current answer (c->state is not idle). */
    void (*reset)(struct vouch_facts *f, struct cursor *c);
    /* How the path answers c ("sql: SELECT ...", "hash: ..."), or NULL. */
    const char *(*describe)(const struct vouch_facts *f, const struct cursor *c);
    /* Releases what the path holds for c (every path's free runs at unbind,
     * whichever paths c used). */
    void (*free)(struct cursor *c);
    /* Adds c, a cursor whose path this is at bind, to the stats. */
    void (*stats)(const struct cursor *c, vouch_facts_stats *out);
} facts_path;

extern const facts_path facts_sql_path;    /* facts_sql.c: a prepared statement */
extern const facts_path facts_hash_path;   /* facts_hash.c: an in-memory hash index */
extern const facts_path facts_cache_path;  /* facts_cache.c: remembered answers, else SQL */

typedef struct pterm {     /* a term of a hash plan, resolved */
    uint32_t pos;          /* position of the column in the spec's stored row */
    uint8_t cmp;
    uint32_t param;
} pterm;

/* A stored non-key column of a hash instance, in compact form: one code
 * per row. Text is an interned id, an enum a member number, a date its day
 * number shifted to be positive, a bool 1 + value; 0 is none. Ints and
 * durations keep their 64 bits (and a presence byte if optional). */
typedef struct hcol {
    uint32_t *u;           /* codes (not for ints/durations) */
    int64_t *i;            /* int / duration values */
    uint8_t *has;          /* int / duration present (optional columns only) */
} hcol;

typedef struct hkey { uint64_t hash; uint32_t start, count; } hkey;

typedef struct hinst {     /* one built hash index */
    struct hinst *next;
    vouch_value *cvals;    /* the constant values it was built with (spec order) */
    uint32_t nrows;
    hcol *cols;            /* spec->ncols - spec->nkey stored columns, rows by bucket */
    uint32_t nkeys;
    hkey *keys;
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
    char *sample_sql;      /* its first rows, unfiltered (facts_hash_calibrate) */
    hinst *insts;
    /* Cost-based choice. A spec whose key an index serves starts on SQL
     * probes (active 0); the time its members' statements take to step is
     * added to sql_ns, and once it passes scan_ns (what one build is
     * estimated to take) the spec turns active and its members probe the
     * hash index from their next seek on: at most about twice the cheaper
     * of the two, whichever it turns out to be. */
    int active;
    uint64_t sql_ns, scan_ns;
    int calibrated;        /* scan_ns was measured on a sample of the scan */
    uint64_t est_rows;     /* rows the table is estimated to have (0: unknown) */
    struct hspec *next;
} hspec;

/* Result cache (facts_cache.c). Plans whose results are the same function
 * of their parameters (same table, mode, terms and aggregate) form a group;
 * a group with several plans, or a repeated plan, remembers the answer of
 * every seek it completes, keyed by the parameter values, and answers the
 * same seek again from memory. */
typedef struct centry {
    uint64_t hash;
    vouch_value *key;      /* nterms values, canonical order */
    uint32_t nrows;
    vouch_value *rows;     /* nrows * group ncols values (or 1 for an aggregate) */
} centry;

typedef struct cgroup {
    uint32_t table;
    uint8_t mode;
    uint32_t agg_column;
    uint32_t nterms;
    uint32_t *tcol;        /* canonical terms: (column, cmp) sorted */
    uint8_t *tcmp;
    uint32_t ncols, capcols;
    uint32_t *cols;        /* union of the members' output columns */
    uint32_t nmembers;
    int repeated;          /* some member is repeated */
    int enabled;
    centry **slots;        /* open addressing */
    uint32_t mask, count;
    struct cgroup *next;
} cgroup;

/* A plan's cursor. The fields under each heading belong to that path's
 * file; the chooser sets base, want and timed at bind. */
typedef struct cursor {
    uint8_t state, mode;
    uint8_t want;          /* facts_choose.c: 0 SQL, 1 hash, 2 SQL until hash is cheaper */
    uint8_t timed;         /* its SQL steps are timed (want 2: facts_choose_step) */
    const facts_path *base; /* its path at bind: sql, cache or hash */
    const facts_path *path; /* the path of its current seek */
    const vouch_plan *plan;
    char *desc;            /* how it is answered (SQL text) */
    char *hdesc;           /* its hash index, if it has one */
    vouch_value *pv;       /* copy of the last seek's parameters */
    char *pbuf;
    size_t pcap;
    /* SQL */
    sqlite3_stmt *stmt;
    int rowid_col;         /* result column holding the rowid, or -1 */
    int nbind;             /* parameters the statement has */
    /* HASH */
    hspec *spec;           /* NULL: the plan has no hash index */
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
    pterm *filt;           /* other terms applied per row */
    uint32_t *fcode;       /* per filter: the parameter's code (compact compare) */
    int64_t *fwide;        /* per filter: its place among ordered codes */
    uint8_t *fkind;        /* per filter: how it is compared (facts_hash.c) */
    uint8_t *fnow;         /* per filter: how it is compared in this seek */
    uint32_t *outpos;      /* plan column i (or the aggregated one) -> stored position */
    uint32_t pos, end;
    const vouch_value *key;  /* the current bucket's key values */
    int has_row;
    vouch_value agg;
    vouch_value val;       /* a decoded column value */
    /* CACHE */
    cgroup *cg;
    uint32_t *cparam;      /* canonical term k -> the plan's parameter */
    uint32_t *cout;        /* plan column i -> group column */
    centry *hit;           /* the entry being replayed */
    uint32_t crow;         /* its next row */
    int recording;         /* the SQL answer is being recorded */
    vouch_value *rec;      /* recorded rows */
    uint32_t nrec, caprec;
    uint64_t rechash;
    /* rows shared with other readers (vouch_facts_share_rows) */
    vouch_facts_share *share;
    uint32_t row_no;       /* rows read since the sharing began */
    uint32_t claim_lo, claim_hi; /* the rows this cursor claimed last: [lo, hi) */
} cursor;

typedef struct tinfo {     /* what bind learnt about a declared table */
    uint8_t checked;
    uint8_t has_rowid;
    uint8_t *indexed;      /* per declared column: some usable index starts with it */
    uint64_t est_rows;     /* from sqlite_stat1 or max(rowid); 0 unknown */
    uint8_t values_checked;   /* check is filled */
    facts_table_check check;  /* its stored values and digest (facts_check.h) */
} tinfo;

typedef struct istr { const char *s; uint32_t len; uint32_t h; } istr;

struct vouch_facts {
    sqlite3 *db;
    char *path;
    /* A PostgreSQL store (facts_pg.c): db is an in-memory copy of the
     * tables the bound programs read, path how messages name the store. */
    struct facts_pg *pg;
    int in_txn;
    /* The snapshot (facts_snapshot.c): */
    int blocks_writers;    /* a rollback-journal store: the read transaction holds writers off */
    int marked;            /* WAL: mark is the index header of the bound snapshot */
    unsigned char mark[FACTS_MARK_BYTES];
    /* A second reader (vouch_facts_reader_open) is bound with: */
    int defer_prepare;     /* 1: each statement prepared at its plan's first seek, not at
                            * bind (the first has prepared them all, and this one may
                            * need only a few) */
    const struct vouch_facts *checked; /* the first: its checks of the stored values and
                            * its digests, on the same snapshot, are taken over */
    const vouch_program *p;
    cursor *cur;
    uint32_t ncur;
    tinfo *tinfo;
    uint32_t ntinfo;
    uint32_t nbad_tables;  /* tables read that hold a bad value */
    hspec *specs;
    cgroup *groups;
    chunk *arena;
    istr *istrs;           /* interned texts by id (id 0 unused) */
    uint32_t nistr, capistr;
    uint32_t *islots;      /* open addressing: id, 0 empty */
    uint32_t imask;
    size_t cache_bytes;    /* memory the result cache holds */
    struct facts_dcache { uint64_t lo; uint16_t hi; uint8_t set; int32_t day; } dcache[4096];
    vouch_facts_options opt;
    vouch_facts_stats stats;
    int64_t as_of;         /* the bind's as-of date (VOUCH_AS_OF_ANY: no bound) */
    char as_of_text[11];   /* as YYYY-MM-DD, bound to every dated seek */
    /* The bounds of the SQL it runs (vouch_facts_set_limits; the progress
     * handler in facts.c): */
    uint64_t sql_budget;   /* SQLite VM instructions allowed between restarts */
    uint64_t sql_steps;    /* counted since the last restart */
    uint64_t deadline_ns;  /* facts_now_ns() past which every statement stops; 0: none */
    uint32_t timeout_s;    /* the deadline's seconds, for the message */
    uint32_t ticks;
    int stopped;           /* why the last statement was interrupted: FACTS_STOP_* */
};

enum { FACTS_STOP_NONE = 0, FACTS_STOP_STEPS, FACTS_STOP_DEADLINE };

/* ---- facts_choose.c: which path answers a plan ------------------------------------- */

/* At bind, once the tables are checked: which plans have a hash index
 * (from the start, or once their probes cost more than a scan), which
 * remember their answers, and the statements, indexes and descriptions
 * of each (facts_sql.c, facts_hash.c, facts_cache.c). */
vouch_status facts_choose_bind(struct vouch_facts *f, vouch_error *err);
/* One step of c's statement (c->timed), its time added to the cost of
 * its spec's probes; past the cost of one scan, the spec turns active and
 * its plans take the hash index from their next seek on. */
int facts_choose_step(struct vouch_facts *f, struct cursor *c);
/* The path of c's next seek: its hash index once that is active, else its
 * path at bind. Inline: it runs at every seek. */
static inline const facts_path *facts_choose_seek(const struct cursor *c);

/* ---- facts.c ------------------------------------------------------------------ */

vouch_status facts_db_error(vouch_facts *f, int rc, vouch_error *err, const char *what);
vouch_status facts_oom(vouch_error *err);

/* ---- facts_snapshot.c ---------------------------------------------------------- */

/* Sets the memory map's size and begins f's read transaction, reading the
 * WAL index's header around it (f->marked, f->mark) in WAL mode, where a
 * second reader needs it (facts_snapshot.c). */
vouch_status facts_begin_read(vouch_facts *f, vouch_error *err);
/* The file f reads, as the device and inode its path names now: 0 and
 * *id filled if the path still names the file f opened (SQLite's
 * SQLITE_FCNTL_HAS_MOVED, with the path's inode read before and after),
 * -1 if it names another file, none, or it cannot tell. Two connections
 * with equal ids read one file: a store replaced by a rename between
 * their opens is caught. */
typedef struct facts_fileid { uint64_t dev, ino; } facts_fileid;
int facts_file_id(vouch_facts *f, facts_fileid *id);

/* ---- facts_readonly.c --------------------------------------------------------- */

/* After the first read of a store failed with extended code xrc: whether
 * the cause is that vouch may not write beside it, and what then. */
typedef enum facts_readonly_action {
    FACTS_RO_NONE = 0,       /* another cause: report SQLite's error */
    FACTS_RO_IMMUTABLE,      /* safe to read the file alone, as immutable: open it again so */
    FACTS_RO_FAIL            /* not safe: err says why and what to do */
} facts_readonly_action;
facts_readonly_action facts_readonly_diagnose(const char *path, int xrc, vouch_error *err);

/* ---- facts_vfs.c ----------------------------------------------------------------- */

/* The name of the VFS that shares one memory map of a store among the
 * process's connections (registered at the first call), or NULL (the
 * default VFS) if it could not be registered. */
#define FACTS_VFS_NAME "vouch"
const char *facts_vfs(void);
/* 1 if f reads its file's pages through the one memory map the process's
 * connections to it share, 0 if through a map of its own or none. */
int facts_shares_map(vouch_facts *f);

/* ---- facts_util.c: interning --------------------------------------------------- */

/* The id (>= 1) of the interned copy of s[0..n), made if new; 0 if out of memory. */
uint32_t intern_id(vouch_facts *f, const char *s, uint32_t n);
/* The id of s[0..n) if it is interned, else 0. */
uint32_t intern_find(const vouch_facts *f, const char *s, uint32_t n);
/* intern_id through a small cache of one column's recent values (most
 * text columns a hash index stores have few distinct values). */
typedef struct icache { uint32_t id[16]; } icache;
uint32_t intern_cached(vouch_facts *f, icache *c, const char *s, uint32_t n);
static inline const istr *intern_get(const vouch_facts *f, uint32_t id) { return &f->istrs[id]; }
void intern_free(vouch_facts *f);
/* A monotonic clock in nanoseconds. */
uint64_t facts_now_ns(void);
/* Day number of a YYYY-MM-DD text through a small cache; -1 if not a date. */
int facts_date(vouch_facts *f, const char *s, int n, int64_t *out);

/* ---- facts_sql.c ---------------------------------------------------------------- */

/* Reads result column sc of st as declared column ci of table t into *out.
 * keep: text must outlive the statement (interned in the store's arena).
 * rowid_sc: the result column with the rowid (for messages), or -1. */
vouch_status facts_convert(vouch_facts *f, const vouch_table_decl *t, uint32_t ci,
                           sqlite3_stmt *st, int sc, int rowid_sc, int keep, vouch_value *out,
                           vouch_error *err);
const char *facts_cmp_sql(int cmp, int optional);
/* Builds plan pi's SQL (its desc) and prepares it, unless f->defer_prepare
 * leaves that to the plan's first seek. */
vouch_status facts_plan_sql(vouch_facts *f, uint32_t pi, vouch_error *err);
/* The SQL path's operations, for the cache path, which runs the statement
 * on a miss (facts_sql_path holds the same). */
vouch_status facts_sql_seek(vouch_facts *f, cursor *c, vouch_error *err);
vouch_status facts_sql_next(vouch_facts *f, cursor *c, int *has_row, vouch_error *err);
vouch_status facts_sql_column(vouch_facts *f, cursor *c, uint32_t i, vouch_value *out, vouch_error *err);
void facts_sql_reset(vouch_facts *f, cursor *c);
/* Binds value v to parameter i of st (dates as YYYY-MM-DD text in buf). */
int facts_bind_value(sqlite3_stmt *st, int i, const vouch_value *v, char buf[11]);
/* Rows dated after the as-of are never seen: for a dated table (program.h)
 * under a bound, appends to b (after " WHERE " if where, else " AND ") the
 * condition that keeps a row whose date is on or before parameter ?param,
 * and returns 1; else appends nothing and returns 0. The condition keeps a
 * row whose stored date is none or not a date (YYYY-MM-DD) too, so that
 * the VM's read of it reports it, never a silent skip. */
int facts_dated_sql(const vouch_facts *f, const vouch_table_decl *t, sbuf *b, int where, uint32_t param);

/* ---- facts_hash.c ---------------------------------------------------------------- */

vouch_status facts_hash_plan(vouch_facts *f, uint32_t pi, vouch_error *err);
/* Replaces the spec's first estimate of its build time by one measured on
 * a sample of its scan (with the constants of c's current seek), so the
 * choice follows the machine's speed (and a profiler's slowdown). */
void facts_hash_calibrate(vouch_facts *f, cursor *c);
/* After every plan: share specs, settle layouts, make the scans. */
vouch_status facts_hash_finish_bind(vouch_facts *f, vouch_error *err);
void facts_hash_free(vouch_facts *f);

/* ---- facts_cache.c ---------------------------------------------------------------- */

vouch_status facts_cache_bind(vouch_facts *f, vouch_error *err);
void facts_cache_free(vouch_facts *f);

/* ---- the chooser's per-seek rule (facts_choose.c) ------------------------------------ */

static inline const facts_path *facts_choose_seek(const cursor *c)
{
    return c->spec && c->spec->active ? &facts_hash_path : c->base;
}

#endif
