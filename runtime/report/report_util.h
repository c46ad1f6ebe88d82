/*
 * report_util.h: pieces the report writers share (report.c and the
 * report_*.c writers: SARIF, JUnit, OSCAL, Markdown, HTML; coverage's and
 * the explanations' JSON). Internal to runtime/: nothing outside the
 * writers should need it.
 *
 *  - the facts of a run every writer derives from the same vouch_report:
 *    the controls each rule touches and the counts per framework;
 *  - totals over the whole run (the JSON summary's numbers), also part
 *    of those facts;
 *  - escaping (escape.h, included here: every writer needs it) and a JSON
 *    object's members;
 *  - SHA-256, content-derived UUIDs and fingerprints, so that the same
 *    results always give byte-identical documents (nothing reads the clock
 *    or a random source);
 *  - the rule's source file as a URI relative to the working directory.
 */
#ifndef VOUCH_REPORT_UTIL_H
#define VOUCH_REPORT_UTIL_H

#include <stdint.h>
#include <stdio.h>
#include "report.h"
#include "escape.h"

typedef struct vouch_fw_counts {
    uint64_t rules, skipped, passed, failed, waived, not_applicable, errors, stale;
} vouch_fw_counts;

/* Totals of a run, as the JSON summary counts them. */
typedef struct vouch_report_totals {
    uint64_t failing_by_sev[SEV__COUNT]; /* OUTCOME_FAIL records per severity (stale ones: stale) */
    uint64_t waived_by_sev[SEV__COUNT];
    uint64_t na_by_sev[SEV__COUNT];
    uint64_t passed, failed, waived, not_applicable, errors, skipped, stale;
} vouch_report_totals;

void vouch_report_totals_of(const vouch_report *r, vouch_report_totals *t);

typedef struct vouch_report_facts {
    vouch_reach_list *reach; /* per rule: the controls it touches */
    vouch_fw_counts *fw;     /* per framework */
    int any_fw;              /* some rule touches some framework */
    vouch_report_totals totals; /* vouch_report_totals_of */
} vouch_report_facts;

/* Fills x for r. -1 (errno ENOMEM) if memory ran out, x then empty. */
int vouch_report_facts_init(const vouch_report *r, vouch_report_facts *x);
void vouch_report_facts_free(const vouch_program *p, vouch_report_facts *x);
/* One writer's run: write (its body) with the facts of r's run, freed
 * after, whatever happened. 0, or -1 if memory ran out, write returned
 * non-zero (errno says why) or out has an error. */
int vouch_report_with_facts(const vouch_report *r, FILE *out,
                            int (*write)(const vouch_report *, const vouch_report_facts *, FILE *));


/* Index of the first record of rule i and one past its last: records are
 * sorted by rule, so *pos walks the array once when rules go in order. */
void vouch_report_rule_records(const vouch_results *res, uint32_t rule, uint32_t *pos, uint32_t *lo,
                               uint32_t *hi);

/* ---- identities -------------------------------------------------------------- */

/* A name-based UUID (RFC 9562 version 5, vouch's own namespace) of the
 * NUL-separated parts: the same parts give the same UUID, any other parts
 * another; lower-case "xxxxxxxx-xxxx-5xxx-[89ab]xxx-xxxxxxxxxxxx" and a
 * NUL in out. */
void vouch_uuid_from(char out[37], const char *const *parts, size_t n);

/* 32 lower-case hex digits (128 bits of SHA-256) of the NUL-separated parts. */
void vouch_hash_hex(char out[33], const char *const *parts, size_t n);

/* "FRAMEWORK/CONTROL" of c, each id through chars (the format's escape:
 * vouch_text_chars, vouch_json_chars inside a JSON string), or "?" when
 * c names no control of p. */
void vouch_control_chars(FILE *out, const vouch_program *p, vouch_control_ref c,
                         void (*chars)(FILE *, const char *));

/* `, "key": ` and value as a JSON string (vouch_json_text): one member
 * after the first of an object. key is written as it is. */
void vouch_json_member(FILE *out, const char *key, const char *value);

/* ---- places and times ---------------------------------------------------------- */

/* path as a JSON string holding a URI: a relative path (without a leading
 * "./") stays relative; one with ".." segments is resolved (realpath) and
 * then treated as absolute; an absolute path under the working directory is
 * made relative to it; any other absolute path becomes a file:// URI.
 * Bytes other than unreserved characters and '/' are percent-encoded.
 * Returns 1 if the URI is relative (to the working directory), 0 if not. */
int vouch_json_uri(FILE *out, const char *path);

/* "YYYY-MM-DDThh:mm:ssZ" of day d at the given time of day (UTC). */
void vouch_datetime(int64_t d, int hh, int mm, int ss, char out[32]);

#endif
