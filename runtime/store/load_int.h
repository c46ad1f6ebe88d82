/*
 * load_int.h: the parts of `vouch load` (runtime/store/load*.c), private to
 * the store. The transactional loader (load.c) takes its rows from row
 * sources: CSV files (load_csv.c), JSON and JSON Lines (load_json.c) and
 * rows in memory (load_rows.c: `vouch test` fixtures, the packs'
 * catalogues). Every value goes through one check (load_check.c) before it
 * is written, whatever its source; errors are collected in an lerr
 * (load_err.c) and the load writes nothing if there is any.
 *
 * A source names its table, then a header (the columns its records give,
 * in order), then records of exactly that many cells. It owns the memory
 * of the header and of each record until its next call. It describes
 * where a record or a cell came from only when a message needs it
 * (load_source_ops.where), so a clean load formats no location.
 */
#ifndef VOUCH_LOAD_INT_H
#define VOUCH_LOAD_INT_H

#include <stddef.h>
#include <stdio.h>
#include <stdint.h>
#include <sqlite3.h>
#include "facts.h"

#define LOAD_MAX_ERRORS 20

/* ---- error collection (load_err.c) ----------------------------------------- */

typedef struct lerr {
    vouch_error *err;
    char buf[sizeof ((vouch_error *)0)->msg];
    size_t used;
    uint32_t n, dropped;
} lerr;

/* Adds one error line: escaped as text (so it stays one line), joined to
 * the others with real newlines; past the room of a vouch_error only
 * counted. */
void lerr_add(lerr *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 once LOAD_MAX_ERRORS errors were added: the load stops reading.
 * Inline: asked for every cell. */
static inline int lerr_full(const lerr *e) { return e->n >= LOAD_MAX_ERRORS; }
/* Moves the lines into e->err (VOUCH_EINPUT), with "(and N more errors)". */
vouch_status lerr_finish(lerr *e);

/* ---- cells ------------------------------------------------------------------ */

/* What a cell's bytes are. A CSV cell or a fixture value is LOAD_TEXT:
 * its text decides (the CSV forms of docs/loading.md). A JSON value keeps
 * its JSON type, so a column can be strict about it: an int column takes
 * a JSON number, never a string of digits. */
typedef enum load_kind {
    LOAD_TEXT = 0,      /* text in the CSV forms; empty is none */
    LOAD_NULL,          /* JSON null: none */
    LOAD_MISSING,       /* a JSON record without this field: none */
    LOAD_JSTRING,       /* a JSON string (s: its UTF-8 bytes) */
    LOAD_JINT,          /* a JSON integer (s: its decimal digits) */
    LOAD_JREAL,         /* a JSON number with a fraction or exponent (s: as jansson prints it) */
    LOAD_JBOOL,         /* JSON true or false (s: "true" or "false") */
    LOAD_JOBJECT,       /* a nested JSON object: never a value */
    LOAD_JARRAY,        /* a nested JSON array: never a value */
} load_kind;

typedef struct load_cell {
    const char *s;      /* never NULL (s + n is read) */
    size_t n;
    uint8_t kind;       /* load_kind */
} load_cell;

/* ---- row sources ------------------------------------------------------------ */

typedef struct load_source load_source;

#define LOAD_RECORD UINT32_MAX  /* load_source_ops.where: the record, no cell */

typedef struct load_source_ops {
    /* The header: names[0..n) name the columns every record gives, in
     * order (the source's memory). The loader checks them against the
     * declaration (unknown, repeated and missing required columns are
     * errors). 1, 0 when the source is empty (no header: reported into e
     * by the source), -1 after reporting into e, -2 out of memory. */
    int (*header)(load_source *s, lerr *e, const load_cell **names, uint32_t *n);
    /* The next record: cells[0..n) (the source's memory until the next
     * call). 1, 0 at the end, -1 after a syntax error that stops the
     * source (reported into e), -2 out of memory. A record with the
     * wrong number of cells is reported by the loader. */
    int (*next)(load_source *s, lerr *e, const load_cell **cells, uint32_t *n);
    /* Writes where cell i (0-based) or LOAD_RECORD (the whole record) of
     * the current record (the header, before the first record) is, for a
     * message "WHERE: error: ...": "evidence.csv:3:5", "asset.json:4:12". */
    void (*where)(const load_source *s, uint32_t i, char *buf, size_t size);
    void (*close)(load_source *s);
} load_source_ops;

struct load_source {
    const load_source_ops *ops;
    const char *name;          /* the source in messages about all of it: a path */
    const char *noun;          /* a cell in messages: "column" (CSV), "field" */
};

/* The openers: 0 and *out, or -1 after reporting into e (a file that
 * cannot be read), or -2 out of memory. fp is the open file (closed by
 * the source; stdin is not closed), name its path in messages, line the
 * line its first byte is on. */

/* CSV (load_csv.c). */
int load_csv_open(FILE *fp, const char *name, uint64_t line, lerr *e, load_source **out);
/* A JSON array of objects, or JSON Lines with lines 1 (load_json.c): the
 * header is every declared column of t, in order; a field the record
 * lacks is LOAD_MISSING. */
int load_json_open(FILE *fp, const char *name, uint64_t line, int lines, const vouch_table_decl *t,
                   lerr *e, load_source **out);
/* A source declaration of p run over a file (load_source.c): the header
 * is the fields it feeds, each record one row made from a record of the
 * file. Unlike the other openers it owns fp from the call on (it closes
 * it on failure too, unless it is stdin). */
int load_source_open(const vouch_program *p, const vouch_source_decl *sd, FILE *fp, const char *name,
                     uint64_t line, lerr *e, load_source **out);
/* Rows in memory (load_rows.c), borrowed until closed. */
int load_rows_open(const vouch_load_rows *rows, load_source **out);

/* ---- the value checks (load_check.c) ---------------------------------------- */

/* Checks each cell of a record, cells[0..n), against its column of table
 * t (cells[i] is column map[i]) and, with st, binds it to parameter
 * base + i + 1 (base: the record's first parameter less one, 0 for an
 * INSERT of one row; a text cell is bound SQLITE_STATIC: its bytes must
 * outlive the step).
 * A date-time in a date column becomes its date in the zone tz_minutes
 * east of UTC. Returns 0, or -1 after reporting every bad cell into e (up
 * to its limit), naming where src says the cell of its current record
 * is. One call per record: the per-cell check inlines into its loop. */
int load_check_record(const vouch_program *p, const vouch_table_decl *t, const int32_t *map,
                      const load_cell *cells, uint32_t n, const load_source *src, int tz_minutes,
                      sqlite3_stmt *st, int base, lerr *e);
/* 1 if s[0..n) is UTF-8 without a NUL; else 0 and *bad is the byte. */
int load_valid_utf8(const unsigned char *s, size_t n, size_t *bad);
/* Shows a value in a message: at most 40 bytes, control bytes as '?'. */
const char *load_shown(const char *s, size_t n, char out[48]);

#endif
