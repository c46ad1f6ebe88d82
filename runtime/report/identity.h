/*
 * identity.h: what makes a run the run it was (docs/outputs.md, "Run
 * identity"): the vouch version, the SHA-256 of every pack source (or
 * .vbc program) compiled, the digest of each facts table as read and of
 * all of them, the as-of date and the audit period. Every report carries
 * it, and the run digest (one SHA-256 over all of it) names the run: the
 * OSCAL document's UUIDs are derived from it, so the same inputs give the
 * same document and different facts a different one.
 *
 * The command line fills it (sources as it reads them, facts once the
 * store is bound), then finishes it; the writers only read it. Owned
 * strings are freed by vouch_identity_free.
 */
#ifndef VOUCH_IDENTITY_H
#define VOUCH_IDENTITY_H

#include <stdint.h>
#include <stdio.h>
#include "digest.h"
#include "error.h"
#include "facts.h"

typedef struct vouch_identity_source {
    char *name;              /* owned: the path as given, or the import's path */
    unsigned char sha256[VOUCH_SHA256_BYTES];
} vouch_identity_source;

typedef struct vouch_identity_table {
    const char *name;        /* the program's */
    uint64_t rows;
    unsigned char sha256[VOUCH_SHA256_BYTES];   /* facts_check.h: its values in key order */
} vouch_identity_table;

typedef struct vouch_identity {
    uint32_t nsources, capsources;
    vouch_identity_source *sources;   /* in the order they were read */
    uint32_t ntables;
    vouch_identity_table *tables;     /* the tables the program reads, by name */
    unsigned char facts[VOUCH_SHA256_BYTES];  /* of the tables' names and digests */
    unsigned char run[VOUCH_SHA256_BYTES];    /* of everything, as-of and period included */
    int finished;
} vouch_identity;

/* Adds a source: its name and the SHA-256 of its bytes. */
vouch_status vouch_identity_add_source(vouch_identity *id, const char *name, const void *bytes,
                                       size_t n, vouch_error *err);
/* Takes the digests of the tables p reads from f (bound to p). Called
 * again with another program, it adds that program's tables (a table of
 * the same name takes the later digest). The names are borrowed from p,
 * which must outlive id's use of them. */
vouch_status vouch_identity_add_facts(vouch_identity *id, const vouch_program *p,
                                      const vouch_facts *f, vouch_error *err);
/* Computes the facts digest and the run digest. */
void vouch_identity_finish(vouch_identity *id, int64_t as_of, int64_t period_start,
                           int64_t period_end);
void vouch_identity_free(vouch_identity *id);

/* The "identity" JSON object, on one line (docs/results.schema.json). */
void vouch_identity_json(const vouch_identity *id, FILE *out);
/* "identity: run <sha256>; facts <sha256> (N tables); vouch V" and a
 * newline, for people (text and Markdown reports). */
void vouch_identity_text(const vouch_identity *id, FILE *out);
/* The identity as JUnit <property> elements (one line each, indented six
 * spaces): run-sha256, facts-sha256, and per source and per table a
 * source-sha256 / table-sha256 whose value is "<sha256> <name>" (as
 * sha256sum writes it; a table adds "(N rows)"). */
void vouch_identity_xml_properties(const vouch_identity *id, FILE *out);
/* 64 hex digits and a NUL of a digest. */
void vouch_identity_hex(const unsigned char d[VOUCH_SHA256_BYTES], char out[65]);

#endif
