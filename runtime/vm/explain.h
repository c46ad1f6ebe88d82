/*
 * explain.h: why an outcome happened, recorded while it happened.
 *
 * An explain program (program.h, "Trace points") runs in the ordinary VM.
 * While it runs, the VM reports to a trace (vouch_trace) what the rule
 * touched: each search it asked of the facts store (the table and the
 * values of the terms the store applied), each row a search returned (its
 * key and the columns the rule reads), how many rows a finished search
 * returned, and the value of every trace point. The trace forgets what no
 * longer matters as the evaluation moves on: when a cursor moves to its
 * next row, everything recorded since that cursor's previous row is
 * dropped; when a calendar-span loop starts its next span, likewise. So at
 * the moment a subject passes, fails or is found not applicable, the trace
 * holds exactly the evaluation that decided it: the loop rows that made the
 * subject, the conditions in the order they were decided (short-circuited
 * ones absent), for an `exists` the row that satisfied it, for a failed one
 * the search and the last row it looked at.
 *
 * vouch_trace_build turns that record into a vouch_why: a list of steps in
 * reading order (a condition first, then what it was made of), each with a
 * depth. Because the explanation is what the evaluation itself recorded,
 * it cannot tell a different story from the outcome it is attached to;
 * tests/explain.py checks this over whole packs anyway.
 */
#ifndef VOUCH_EXPLAIN_H
#define VOUCH_EXPLAIN_H

#include <stdint.h>
#include <stdio.h>
#include "program.h"
#include "facts.h"

/* ---- the explanation ------------------------------------------------------- */

typedef enum vouch_why_kind {
    WHY_ROW = 0,     /* a row of a table: key and the columns the rule reads */
    WHY_SEARCH,      /* a search of a table: the store's filter, the rows it gave */
    WHY_VALUE        /* a trace point's value: a condition, an operand, a span */
} vouch_why_kind;

typedef struct vouch_why_field {
    const char *name;        /* column name */
    const char *value;       /* formatted as vouch_value_format does */
    uint8_t type;            /* vouch_vtype */
} vouch_why_field;

typedef struct vouch_why_step {
    uint8_t kind;            /* vouch_why_kind */
    uint8_t type;            /* WHY_VALUE: vouch_vtype of value */
    uint16_t depth;          /* 0 for the outermost steps */
    int32_t point;           /* WHY_VALUE: index into program->points */
    uint32_t table;          /* WHY_ROW, WHY_SEARCH: index into program->tables */
    const char *text;        /* WHY_VALUE: the value; WHY_ROW: the key ("a/b");
                              * WHY_SEARCH: the filter ("control = \"A.5.1\" and ..."; "" for none) */
    int64_t rows;            /* WHY_SEARCH: rows the store gave; -1: stopped early (a match) */
    uint32_t nfields;        /* WHY_ROW */
    vouch_why_field *fields;
} vouch_why_step;

typedef struct vouch_why {
    uint32_t nsteps;
    vouch_why_step *steps;
    int cut;                 /* 1: the record was too long and its end is missing */
    int64_t as_of;           /* the store's as-of bound on dated tables' rows
                              * (VOUCH_AS_OF_ANY: none): searches say it */
    size_t bytes;            /* the size of the one allocation that holds it all */
} vouch_why;

void vouch_why_free(vouch_why *w);

/* The value of the explanation's `require` step (what the rule's condition
 * evaluated to): 1 true, 0 false or none, -1 if the evaluation did not
 * reach it (a subject outside the rule's scope). */
int vouch_why_verdict(const vouch_program *p, const vouch_why *w);

/* Its text and JSON forms: explain_text.h (the report layer). */

/* ---- the trace the VM keeps -------------------------------------------------- */

typedef struct vouch_trace vouch_trace;

/* A trace for one run of p; NULL if out of memory. */
vouch_trace *vouch_trace_new(const vouch_program *p);
void vouch_trace_free(vouch_trace *t);
/* Forgets everything (a rule starts). */
void vouch_trace_reset(vouch_trace *t);
/* The VM's reports. params: the plan's nparams SEEK parameters. */
void vouch_trace_seek(vouch_trace *t, uint32_t plan, const vouch_value *params);
void vouch_trace_next(vouch_trace *t, vouch_facts *f, uint32_t plan, int has_row);
void vouch_trace_value(vouch_trace *t, uint32_t point, const vouch_value *v);
/* The explanation of the outcome being recorded now, or NULL if out of
 * memory (or if t->oom). */
vouch_why *vouch_trace_build(vouch_trace *t);

#endif
