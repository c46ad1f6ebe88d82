/*
 * report.h: writing a run's results for people (text) and machines (json,
 * tsv). Every writer reads the same vouch_results, so they cannot disagree.
 */
#ifndef VOUCH_REPORT_H
#define VOUCH_REPORT_H

#include <stdio.h>
#include "vm.h"

#define VOUCH_VERSION "0.1.0"
/* Version of the JSON result model (bumped on incompatible change). */
#define VOUCH_JSON_FORMAT 1

typedef struct vouch_report {
    const vouch_program *program;
    const vouch_results *results;
    int64_t as_of, period_start, period_end;
    const char *facts_path;
    int fail_on;             /* vouch_severity: findings at or above it fail the run */
} vouch_report;

/* Number of findings at or above r->fail_on. */
uint64_t vouch_report_failing(const vouch_report *r);

/* Each returns 0, or -1 if writing failed (errno set). */
int vouch_report_text(const vouch_report *r, FILE *out);
int vouch_report_json(const vouch_report *r, FILE *out);
/* RULE<TAB>SUBJECT per finding, sorted bytewise, nothing else. */
int vouch_report_tsv(const vouch_report *r, FILE *out);

#endif
