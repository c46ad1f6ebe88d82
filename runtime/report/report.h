/*
 * report.h: writing a run's results for people (text) and machines (json,
 * tsv). Every writer reads the same vouch_results, so they cannot disagree.
 *
 * The results are those of vouch_vm_run followed by vouch_apply_waivers
 * (outcome.h): failing, waived and not-applicable records, waiver notes and
 * unused waivers. Each rule's controls (its `maps` and what the crosswalks
 * reach from them, crosswalk.h) are listed with its findings, and every
 * outcome counts for each framework its rule touches. docs/results.schema.json
 * describes the JSON.
 */
#ifndef VOUCH_REPORT_H
#define VOUCH_REPORT_H

#include <stdio.h>
#include "vm.h"
#include "crosswalk.h"
#include "baseline.h"
#include "escape.h"  /* the writers' escaping, vouch_json_text among them */

#define VOUCH_VERSION "0.1.0"
/* Version of the JSON result model (bumped on incompatible change; 3:
 * run.identity, no_subjects, baseline added, coverage's carries an object,
 * explain's searches say their as-of bound; 4: the `stale` outcome and
 * counts: docs/outputs.md). The baseline reader (baseline.c) reads reports
 * of formats VOUCH_JSON_FORMAT_OLDEST up to this one. */
#define VOUCH_JSON_FORMAT 4
#define VOUCH_JSON_FORMAT_OLDEST 2

struct vouch_identity;

typedef struct vouch_report {
    const vouch_program *program;
    const vouch_results *results;
    int64_t as_of, period_start, period_end;
    const char *facts_path;
    int fail_on;             /* vouch_severity: soft findings at or above it fail the run */
    int allow_soft;          /* 1: soft rules' findings do not fail the run (--allow-soft) */
    const struct vouch_identity *identity; /* the run's (identity.h), or NULL: every writer
                                            * but TSV shows it when there is one */
    /* Set by name (positional initialisers stop above): */
    int why_hidden;          /* 1: explanations were computed only for the HTML and OSCAL
                              * reports (no --explain): text and JSON leave them out */
    const vouch_baseline *baseline; /* --baseline, matched to results; NULL without */
    int fail_on_new;         /* 1: only new findings fail the run (--fail-on-new) */
} vouch_report;

/* 1 if f fails the run (exit 1): a still-failing finding (OUTCOME_FAIL) of
 * a hard rule, or of a soft rule at or above r->fail_on unless the run
 * allows soft failures. Advisory rules' findings never do. With
 * r->fail_on_new, only those the baseline does not have. f must point into
 * r->results->findings. */
int vouch_report_blocks(const vouch_report *r, const vouch_finding *f);
/* Number of findings that fail the run (vouch_report_blocks). */
uint64_t vouch_report_failing(const vouch_report *r);
/* 1 if rule i ran (not skipped, no error) and examined no subject at all:
 * nothing passed, failed, was waived or was not applicable. Such a rule
 * shows nothing either way, and every format says so. */
int vouch_report_no_subjects(const vouch_report *r, uint32_t i);
/* "new" or "unchanged" for a finding of a run with a baseline, else NULL.
 * f must point into r->results->findings. */
const char *vouch_report_baseline_of(const vouch_report *r, const vouch_finding *f);
/* 1 if the finding's explanation goes into this report (text, JSON). */
int vouch_report_shows_why(const vouch_report *r, const vouch_finding *f);

/* Each returns 0, or -1 if writing failed or memory ran out (errno set). */
int vouch_report_text(const vouch_report *r, FILE *out);
int vouch_report_json(const vouch_report *r, FILE *out);
/* RULE<TAB>SUBJECT per still-failing finding, sorted bytewise, nothing else. */
int vouch_report_tsv(const vouch_report *r, FILE *out);

/* The CI formats, each in its own file and each derived from the same
 * report as the JSON (docs/outputs.md says what each holds):
 *   report_sarif.c     SARIF 2.1.0 log, a result per failing or waived finding
 *   report_junit.c     JUnit XML, a testsuite per pack, a testcase per record
 *   report_oscal.c     OSCAL 1.2.1 assessment-results (JSON)
 *   report_markdown.c  a summary that fits a pull-request comment
 *   report_html.c      one self-contained page
 * Output is a function of the report alone (no clock, no random numbers):
 * the same results give byte-identical documents. */
int vouch_report_sarif(const vouch_report *r, FILE *out);
int vouch_report_junit(const vouch_report *r, FILE *out);
int vouch_report_oscal(const vouch_report *r, FILE *out);
int vouch_report_markdown(const vouch_report *r, FILE *out);
int vouch_report_html(const vouch_report *r, FILE *out);

/* Pieces of the JSON writer that other JSON writers (coverage.c) share. */
/* The "format", "engine" and "run" members, each on its own line and each
 * followed by a comma, after the opening brace. */
void vouch_json_header(const vouch_report *r, FILE *out);
/* A list of {"framework", "control", "relation"} steps: the reach's origin
 * (relation "direct") then each hop, with the relation it was walked with. */
void vouch_json_path(const vouch_program *p, const vouch_reach *reach, FILE *out);
/* {"pass": S, "fail": S}: what the reach's path makes of a pass and of a
 * failure on its origin (vouch_relation_carry). */
void vouch_json_carries(const vouch_reach *reach, FILE *out);
/* What the path weakens, for people: "" when it carries both results whole,
 * else ", a pass at most partial" and/or "a failure at most at risk". */
const char *vouch_carries_text(const vouch_reach *reach);
/* "FRAMEWORK/CONTROL" for people. */
void vouch_text_control(const vouch_program *p, vouch_control_ref c, FILE *out);
/* The path for people: "iso/A.5.18 equal soc2/CC6.1 intersects ...". */
void vouch_text_path(const vouch_program *p, const vouch_reach *reach, FILE *out);

#endif
