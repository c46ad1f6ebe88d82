/*
 * facts_check.h: every stored value of a table checked against its
 * declaration, and the table's digest (docs/facts.md, "Stored values";
 * docs/outputs.md, "Run identity"). Shared by the store (facts.c, at bind)
 * and the loader (load.c, which records the result so a check need not
 * scan again). Only runtime/facts*.c and runtime/store/load.c include it.
 *
 * A scan reads every declared column of every row in key order (then the
 * other columns, bytewise), so its digest depends on the values alone, not
 * on the file's page layout or the order rows were written in, and a
 * duplicate key shows as two neighbouring rows.
 *
 * A value fits its column when its storage class is the declared one
 * (INTEGER for int, bool and duration; TEXT for text, enum and date) and:
 * a required column is not NULL; a bool is 0 or 1; a date is YYYY-MM-DD, a
 * real day of years 1..9999; an enum is one of its members, byte for byte;
 * text is valid UTF-8 without NUL bytes. Anything else (a BLOB, a REAL,
 * `15/01/2026`, `Critical`, text in an int column) is a bad value: the
 * store's SQL would compare it otherwise than the VM, so no rule can read
 * it and be right.
 *
 * The record: `vouch load` writes, for each table whose values all fit, a
 * row of vouch_digest (table, declared shape, rows, digest) and three
 * triggers on the table that delete that row on any INSERT, UPDATE or
 * DELETE. A record counts only while the shape is the one declared and the
 * three triggers are there with exactly the text load gave them (a table
 * dropped and made again, renamed, or replaced by a view loses them); else
 * the table is scanned again. So a store changed behind vouch's back
 * through SQLite never keeps a stale digest.
 */
#ifndef VOUCH_FACTS_CHECK_H
#define VOUCH_FACTS_CHECK_H

#include <stdint.h>
#include <sqlite3.h>
#include "program.h"
#include "error.h"
#include "digest.h"
#include "strbuf.h"

/* The first bad value of one column (or of the key), and how many. */
typedef struct facts_issue {
    char *msg;               /* owned: "evidence (id = 1): collected_on holds ..." */
    uint64_t count;
} facts_issue;

typedef struct facts_table_check {
    unsigned char digest[VOUCH_SHA256_BYTES];
    uint64_t rows;
    int recorded;            /* 1: digest and rows from the store's record */
    uint32_t ncolumns;
    facts_issue *issues;     /* ncolumns + 1: per declared column, then the key
                              * (duplicates); NULL when there is no bad value */
    uint64_t nbad;           /* bad values in all */
} facts_table_check;

/* Table ti of p as the store holds it: from a record that still counts,
 * else by a scan. out is filled (free it with facts_check_free) on
 * VOUCH_OK; an SQLite failure is VOUCH_EIO / VOUCH_ENOMEM. */
vouch_status facts_check_table(sqlite3 *db, const vouch_program *p, uint32_t ti,
                               facts_table_check *out, vouch_error *err);
void facts_check_free(facts_table_check *c);
/* A deep copy of c into out (for a second connection on the same
 * snapshot); VOUCH_ENOMEM if memory runs out. */
vouch_status facts_check_copy(facts_table_check *out, const facts_table_check *c, vouch_error *err);

/* The declared shape of table t a record is made for ("vouch-facts-1
 * evidence key(id) id:text ..."): a record of another shape does not count
 * (a PostgreSQL store's records too, facts_pg.c). */
void facts_check_shape(sbuf *b, const vouch_program *p, const vouch_table_decl *t);

/* ---- the record (load.c, inside its write transaction) ------------------------ */

/* Removes table t's triggers and record, before load writes into it (its
 * own rows need no trigger: the record is made again at the end). */
int facts_check_forget(sqlite3 *db, const vouch_table_decl *t);
/* Makes table ti's record if it has none that counts: scans it, and if
 * every value fits writes the record and the triggers. *bad (if not NULL)
 * gets the check when some value does not fit (the caller frees it), else
 * is left with no issues. Returns an SQLite result code. */
int facts_check_seal(sqlite3 *db, const vouch_program *p, uint32_t ti, facts_table_check *bad);

#endif
