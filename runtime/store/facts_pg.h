/*
 * facts_pg.h: facts in PostgreSQL (docs/postgres.md), the store's one
 * libpq seam. Included by facts.c (a --facts that is a connection string
 * opens one), load.c (the same for `vouch load`, at its dispatch) and
 * load_pg.c; nothing else in vouch includes libpq-fe.h.
 *
 * The model: a run reads the tables its program reads from one schema of
 * one database (the first schema of the connection's search_path that
 * exists and the role may use: a schema per organisation), in one
 * read-only REPEATABLE READ transaction, by one COPY per table into an
 * in-memory SQLite database; the rest of the store (value checks, digests,
 * the chooser, the SQL, hash and cache paths, the as-of bound) then runs
 * unchanged on that copy, so the outcomes are those of a SQLite file
 * holding the same rows. One round trip per table, none per row. A
 * table's value check and digest come from the schema's vouch_digest
 * record, which `vouch load` writes, while it counts (facts_pg.c).
 */
#ifndef VOUCH_FACTS_PG_H
#define VOUCH_FACTS_PG_H

#include <sqlite3.h>
#include "program.h"
#include "error.h"
#include "strbuf.h"
#include "facts.h"
#include "digest.h"

typedef struct facts_pg facts_pg;

/* 1 if s names a PostgreSQL database rather than a file: a URI
 * (postgresql://, postgres://) or a libpq key=value string whose first
 * key is one of libpq's keywords (host=, dbname=, service=, ...). A file
 * whose name looks like one is given as ./name. */
int facts_pg_is_conninfo(const char *s);

/* Connects (VOUCH_EINPUT with libpq's reason on failure, never echoing a
 * password), sets ISO dates and UTF-8, and finds the schema: none that
 * exists and may be used is VOUCH_EINPUT. */
vouch_status facts_pg_connect(const char *conninfo, facts_pg **out, vouch_error *err);
void facts_pg_close(facts_pg *g);

/* How messages name the store: "postgres:DB (schema S)". */
const char *facts_pg_name(const facts_pg *g);
/* The connection string without its password, if it had one; else NULL. */
const char *facts_pg_shown(const facts_pg *g);
/* The schema every table is read from and written to. */
const char *facts_pg_schema(const facts_pg *g);

/* Runs sql (no result rows); what names the step in the message. */
vouch_status facts_pg_exec(facts_pg *g, const char *sql, const char *what, vouch_error *err);
/* Starts the run's transaction once (later calls do nothing): read_only 1
 * for a run (REPEATABLE READ READ ONLY: one snapshot), 0 for a load. */
vouch_status facts_pg_begin(facts_pg *g, int read_only, vouch_error *err);

/* Copies table `name` of the schema (a table or a view), every column,
 * into db as a table of the same name and columns (INTEGER for
 * PostgreSQL's integers and booleans, REAL for floats, NUMERIC for
 * numeric, TEXT else; values keep their kind, dates in ISO form), in one
 * COPY. *found 0 (nothing made) if the schema has no such relation.
 * With decl (a load: decl is the program's declaration of the table), the table is
 * locked against other writers first and the copy keeps the table's NOT
 * NULL columns and primary key, so a load into the copy refuses what the
 * server's table would. Errors name the table and libpq's reason. */
vouch_status facts_pg_mirror(facts_pg *g, sqlite3 *db, const char *name,
                             const vouch_table_decl *decl, int *found, vouch_error *err);

/* Writes table t of db into the schema in the open transaction: creates
 * it when create is set (bigint for INTEGER columns, text else; NOT NULL
 * where declared, the key as PRIMARY KEY), else empties it; then one COPY
 * of every row (load_pg.c). */
vouch_status facts_pg_upload(facts_pg *g, sqlite3 *db, const vouch_table_decl *t, int create,
                             vouch_error *err);

/* COPY ... FROM STDIN: starts it (sql), sends rows in COPY's text format,
 * ends it (fail: why to abort it, NULL to finish it; err may be NULL when
 * aborting). what names the step in messages. */
vouch_status facts_pg_copy_in(facts_pg *g, const char *sql, const char *what, vouch_error *err);
vouch_status facts_pg_copy_put(facts_pg *g, const char *rows, size_t n, const char *what,
                               vouch_error *err);
vouch_status facts_pg_copy_end(facts_pg *g, const char *fail, const char *what, vouch_error *err);

/* Table `name`'s record (facts_pg.c, "the record"): *found 1 and rows and
 * digest filled when the schema's vouch_digest holds one made for shape
 * (facts_check_shape) that still counts; else *found 0. */
vouch_status facts_pg_recorded(facts_pg *g, const char *name, const char *shape, uint64_t *rows,
                               unsigned char digest[VOUCH_SHA256_BYTES], int *found,
                               vouch_error *err);
/* Records rows and digest for table `name` (a plain table of the schema)
 * in the open write transaction: makes vouch_digest, its trigger function
 * and the table's trigger if missing, and replaces the table's record. */
vouch_status facts_pg_record(facts_pg *g, const char *name, const char *shape, uint64_t rows,
                             const unsigned char digest[VOUCH_SHA256_BYTES], vouch_error *err);

/* "name" with embedded quotes doubled. */
void facts_pg_ident(sbuf *b, const char *name);

/* vouch_facts_load_inputs into a PostgreSQL database (load_pg.c). */
vouch_status load_pg_inputs(const char *conninfo, const vouch_program *p,
                            const vouch_load_input *in, uint32_t n,
                            const vouch_load_options *opt, vouch_error *err);

#endif
