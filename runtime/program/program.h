/*
 * program.h: the compiled program, the one contract between compiler/ and
 * runtime/.
 *
 * A program is immutable once built: the VM keeps all run state (stack,
 * locals, cursors, findings) elsewhere, so one program can run against many
 * fact stores. The runtime never trusts a program: vouch_verify() checks
 * every index, jump and stack depth before the VM sees it.
 *
 * Encoding: code[] is a sequence of 32-bit words. Each instruction is one
 * opcode word followed by its operand words, as opcodes.def lists them.
 * Jump targets are absolute word offsets of an instruction start.
 *
 * Ownership: every pointer inside a program points into memory the program
 * owns (its arena); vouch_program_free releases all of it.
 *
 * Files that depend on this layout: compiler/codegen.c, compiler/compile.c,
 * runtime/program/program.c, runtime/program/verify.c, runtime/vm/vm.c, runtime/program/disasm.c,
 * runtime/store/facts.c, runtime/store/load.c, runtime/store/load_source.c, and runtime/program/program_io.c (the .vbc
 * file lists every field: a new one must be written and read there, and
 * checked by the verifier if anything indexes with it). Changing it means
 * bumping VOUCH_PROGRAM_VERSION.
 */
#ifndef VOUCH_PROGRAM_H
#define VOUCH_PROGRAM_H

#include <stdint.h>
#include <stddef.h>
#include "value.h"

#define VOUCH_PROGRAM_VERSION 7

typedef enum vouch_opcode {
#define OP(name, operands, pops, pushes, meaning) OP_##name,
#include "opcodes.def"
#undef OP
    OP__COUNT
} vouch_opcode;

/* Run values pushed by OP_ENV. */
enum { VOUCH_ENV_TODAY = 0, VOUCH_ENV_PERIOD_START, VOUCH_ENV_PERIOD_END, VOUCH_ENV__COUNT };

typedef enum vouch_severity {
    SEV_INFO = 0, SEV_LOW, SEV_MEDIUM, SEV_HIGH, SEV_CRITICAL, SEV__COUNT
} vouch_severity;

/* How a rule's failing findings decide the exit status (after Sentinel's
 * policy levels): advisory ones never fail a run, soft ones fail it when
 * their severity reaches --fail-on unless the run allows soft failures
 * (--allow-soft), hard ones always fail it. Soft is the default. */
typedef enum vouch_enforcement {
    ENF_SOFT = 0, ENF_ADVISORY, ENF_HARD, ENF__COUNT   /* zero: the default */
} vouch_enforcement;

/* ---- Declared facts: what the compiler type-checked against ---------- */

typedef struct vouch_enum_decl {
    const char *name;        /* "table.column", for messages */
    uint32_t nvalues;
    const char **values;     /* member spellings, in declaration order */
} vouch_enum_decl;

typedef struct vouch_column_decl {
    const char *name;
    uint8_t type;            /* vouch_vtype; enums are VT_TEXT with enum_id set */
    uint8_t optional;        /* 1: may be none (NULL) */
    int32_t enum_id;         /* index into enums, or -1 */
} vouch_column_decl;

typedef struct vouch_table_decl {
    const char *name;
    uint32_t ncolumns;
    vouch_column_decl *columns;
    uint32_t nkey;           /* declared key: the subject of rows of this table */
    uint32_t *key;           /* column indices */
    uint32_t first_used;     /* 1 if some plan reads it (only those are checked at open) */
    /* `dated by F`: 1 + the index of the date column that says on which
     * day a row happened; 0: the rows are not dated (zero, so a table
     * built by hand is undated). The facts store hides every row dated
     * after the run's as-of date from every plan over the table (facts.h). */
    uint32_t dated;
} vouch_table_decl;

/* ---- Access plans: how a loop or quantifier reads a table -------------
 *
 * The compiler splits a `where` into terms the store can apply (column OP
 * value) and a residual the VM evaluates per row. Every term's value is a
 * parameter the VM computes and passes to OP_SEEK, so constants and
 * outer-loop bindings travel the same way. A term is `bound` when its value
 * depends on an enclosing loop variable (it changes between seeks of one run)
 * and constant otherwise (the same for every seek of a run: literals, today,
 * the period). The facts store uses this to choose between an index seek, a
 * filtered scan, and an in-memory hash index built once per run.
 */
typedef enum vouch_plan_mode {
    PLAN_ROWS = 0, /* every matching row, with the plan's output columns */
    PLAN_EXISTS,   /* at most one row: whether any row matches */
    PLAN_COUNT,    /* one row, column 0: the number of matching rows (int) */
    PLAN_MIN,      /* one row, column 0: the least agg_column of matching rows, or none */
    PLAN_MAX       /* one row, column 0: the greatest, or none */
} vouch_plan_mode;

typedef enum vouch_cmp {
    CMP_EQ = 0, CMP_NE, CMP_LT, CMP_LE, CMP_GT, CMP_GE
} vouch_cmp;

/* A plan's filter: residual conditions the store can apply as well, so it
 * returns fewer rows (plan.c says which conditions qualify). Postfix words:
 * FOP_COL c pushes column c of the plan's table, FOP_PARAM k parameter k
 * (after the terms' parameters: SEEK pops them all), the others combine
 * the top one or two values with the VM's meaning of the operator. A filter
 * is only ever a shortcut: the VM still evaluates the residual on every row
 * the store returns, so a store may ignore a filter (the hash index does)
 * and must never drop a row for which it is not certainly false. */
typedef enum vouch_filter_op {
    FOP_COL = 0, FOP_PARAM,
    FOP_ADD, FOP_SUB, FOP_MUL,                     /* int arithmetic */
    FOP_EQ, FOP_NE, FOP_LT, FOP_LE, FOP_GT, FOP_GE,
    FOP_NOT, FOP_AND, FOP_OR,
    FOP__COUNT
} vouch_filter_op;

#define VOUCH_FILTER_MAX_WORDS 256
#define VOUCH_FILTER_MAX_DEPTH 32

typedef struct vouch_plan_term {
    uint32_t column;         /* column of the plan's table */
    uint8_t cmp;             /* vouch_cmp: column CMP param */
    uint8_t bound;           /* 1: depends on an outer loop variable */
    uint32_t param;          /* parameter index (0..nparams-1) */
} vouch_plan_term;

typedef struct vouch_plan {
    uint32_t table;          /* index into tables */
    uint8_t mode;            /* vouch_plan_mode */
    uint8_t repeated;        /* 1: runs inside another loop, once per outer row */
    uint32_t agg_column;     /* PLAN_MIN / PLAN_MAX: column aggregated */
    uint32_t nterms;
    vouch_plan_term *terms;
    uint32_t nparams;        /* values OP_SEEK pops: the terms', then the filter's */
    uint32_t ncolumns;       /* PLAN_ROWS: columns OP_COLUMN may read */
    uint32_t *columns;       /* table column indices; OP_COLUMN's b indexes this */
    uint32_t rule;           /* rule the plan belongs to (for messages) */
    uint32_t nfilter;        /* words of the filter; 0: none */
    uint32_t *filter;
} vouch_plan;

/* ---- Catalogues and crosswalks -------------------------------------------
 *
 * A framework's catalogue is compile-time data: rules name its controls in
 * `maps` clauses, crosswalks pair them, and coverage reports walk them.
 * Crosswalk relations read "src RELATION dst" as in NIST OLIR.
 */
typedef enum vouch_relation {
    REL_EQUAL = 0, REL_SUBSET_OF, REL_SUPERSET_OF, REL_INTERSECTS, REL_UNSPECIFIED, REL__COUNT
} vouch_relation;

typedef struct vouch_control_info {
    const char *id;          /* "A.5.18" */
    const char *title;
    uint32_t nattrs;
    const char **attr_names; /* theme, category, ... */
    const char **attr_values;
} vouch_control_info;

typedef struct vouch_framework_info {
    const char *id;          /* as the packs and the store name it: "iso27001-2022" */
    const char *title;
    const char *version;     /* "" if not given */
    const char *source;      /* where the catalogue comes from; "" if not given */
    uint32_t ncontrols;
    vouch_control_info *controls;
} vouch_framework_info;

typedef struct vouch_control_ref {
    uint32_t framework;      /* index into frameworks */
    uint32_t control;        /* index into that framework's controls */
} vouch_control_ref;

/* Where a crosswalk's pairs come from: a crosswalk says `origin official`
 * (published by the framework's owner or NIST), or nothing (unofficial: a
 * vendor's, a tool's or the organisation's own), or `derived "..."` (made by
 * chaining other crosswalks; such pairs are listed, not walked). */
typedef enum vouch_origin { ORIGIN_UNOFFICIAL = 0, ORIGIN_OFFICIAL, ORIGIN_DERIVED, ORIGIN__COUNT } vouch_origin;

typedef struct vouch_crosswalk_pair {
    vouch_control_ref src, dst;
    uint8_t relation;        /* vouch_relation */
    uint8_t origin;          /* vouch_origin */
    const char *source;      /* the crosswalk's `source`, or its `derived` path; "" if none */
    const char *note;        /* the pair's own note; "" if none */
    const char *file;        /* where the pair is declared */
    uint32_t line;
} vouch_crosswalk_pair;

/* ---- Waivers ---------------------------------------------------------------- */

typedef struct vouch_waiver {
    uint32_t rule;           /* index into rules */
    const char *subject;     /* exact subject it waives */
    int64_t granted;         /* day number, or INT64_MIN if not given */
    int64_t until;           /* last day the waiver holds (inclusive) */
    const char *because;
    const char *approved_by;
    const char *file;
    uint32_t line, col;
} vouch_waiver;

/* ---- Tests (`test` blocks: fixtures and expected outcomes) -----------------
 * Compile-time data for `vouch test`; the VM never reads them, and a
 * precompiled program (.vbc) does not carry them. */
typedef struct vouch_test_row {
    uint32_t table;
    uint32_t ncells;
    uint32_t *columns;       /* column indices of the table */
    const char **values;     /* each cell as its CSV text; NULL: none */
} vouch_test_row;

typedef enum vouch_expect_kind {
    EXPECT_FAIL = 0, EXPECT_NA, EXPECT_WAIVED, EXPECT_PASSES, EXPECT_STALE
} vouch_expect_kind;

typedef struct vouch_test_expect {
    uint32_t rule;
    uint8_t kind;            /* vouch_expect_kind */
    const char *subject;     /* EXPECT_FAIL/NA/WAIVED */
    uint64_t count;          /* EXPECT_PASSES: how many subjects pass */
    uint32_t line;
} vouch_test_expect;

typedef struct vouch_test {
    const char *name;
    const char *file;
    uint32_t line;
    int64_t as_of;
    int64_t period_start, period_end; /* INT64_MIN: the default period */
    uint32_t nrows;
    vouch_test_row *rows;
    uint32_t nexpect;
    vouch_test_expect *expect;
} vouch_test;

/* ---- Sources: how a file of another shape becomes rows of a table --------
 *
 * A `source` declaration, checked by the compiler, run by `vouch load
 * --source NAME` (runtime/store/load_source.c). For each record of the
 * input (a CSV row after the header; an object of a JSON array or of a
 * JSON Lines file), the source makes one row of its table: every column
 * it feeds gets a value as the text a CSV cell would hold (the loader then
 * checks it like any cell), every column it does not feed is none. Every
 * required column of the table is fed, no column twice (the verifier
 * checks both). Texts are matched ignoring ASCII case where this says so;
 * "none" (NULL) is an empty cell, a missing or a null JSON value. */
typedef enum vouch_source_format {
    SRC_CSV = 0,             /* paths are header names, exactly */
    SRC_JSON,                /* one document: root names the array of records */
    SRC_JSONL,               /* JSON Lines: one record per line */
    SRC__COUNT
} vouch_source_format;

typedef enum vouch_feed_kind {
    FEED_CONSTANT = 0,       /* value: the same for every row */
    FEED_INPUT,              /* path: read from each record */
    FEED_FORMAT,             /* path: a template, text with JSON paths in angle
                              * brackets (`<cloud.provider>:<metadata.event_code>`,
                              * `<<` a `<`; a CSV source's paths are column
                              * names); none if any path is none */
    FEED_JSON,               /* path: the JSON value there as JSON text (compact,
                              * keys sorted; JSON sources only); none if null */
    FEED__COUNT
} vouch_feed_kind;

typedef struct vouch_map_entry {
    const char *from;        /* an input text, matched ignoring ASCII case; NULL: `else` */
    const char *to;          /* the column's value as cell text; NULL: none */
} vouch_map_entry;

/* An `else` of a feed: another way to read the value, tried when the
 * ones before it give none (`from "a" else "b"`). */
typedef struct vouch_feed_alt {
    uint8_t kind;            /* FEED_INPUT, FEED_FORMAT or FEED_JSON */
    const char *path;
} vouch_feed_alt;

typedef struct vouch_feed {
    uint32_t column;         /* column of the source's table */
    uint8_t kind;            /* vouch_feed_kind */
    const char *path;        /* FEED_INPUT: a CSV header, or JSON keys joined by '.' */
    uint32_t nelse;          /* not FEED_CONSTANT: the `else` alternatives, in order */
    vouch_feed_alt *elses;
    const char *value;       /* FEED_CONSTANT: the cell text; NULL: none */
    const char *pattern;     /* a date column: how its date-times are written
                              * (runtime/base/datetime.h); NULL: ISO 8601 */
    const char *zone;        /* a date column: the tz database zone a date-time
                              * is turned into a date in; NULL: date-times refused */
    uint32_t nmap;           /* a value map: the input text decides the value */
    vouch_map_entry *map;    /* nmap entries, the `else` (if any) last */
} vouch_feed;

typedef enum vouch_skip_kind {
    SKIP_EQ = 0, SKIP_NE, SKIP_IN, SKIP_NOT_IN, SKIP__COUNT
} vouch_skip_kind;

/* A record is skipped when any of its source's conditions holds. The
 * input value compares exactly (case and all); a NULL in values stands
 * for none. */
typedef struct vouch_source_skip {
    const char *path;
    uint8_t kind;            /* vouch_skip_kind: value == / != values[0], in / not in values */
    uint32_t nvalues;
    const char **values;
} vouch_source_skip;

typedef struct vouch_source_decl {
    const char *name;
    uint32_t table;          /* index into tables */
    uint8_t format;          /* vouch_source_format */
    const char *root;        /* SRC_JSON: keys joined by '.' to the array of
                              * records; "" the document is the array; parts
                              * joined by "[]." iterate arrays of arrays
                              * ("runs[].results"), whose elements a path
                              * starting "^." reads ("^^." one further out) */
    uint32_t nfeeds;
    vouch_feed *feeds;
    uint32_t nskips;
    vouch_source_skip *skips;
    const char *file;        /* where it is declared */
    uint32_t line;
} vouch_source_decl;

/* ---- Trace points (explain programs only) ----------------------------------
 *
 * `vouch explain` and `check --explain` run a program compiled with the
 * explain option: the same code as always, with a TRACE after each
 * condition and each value worth showing, every `exists` read row by row
 * (so the row that satisfied it is seen) and every loop's plan also reading
 * its table's key. TRACE leaves the stack as it is, so the explain program
 * computes the same outcomes; what the VM records (runtime/vm/explain.h)
 * is the evaluation that made each outcome, not a re-derivation of it.
 * Normal programs have no points and no TRACE; a .vbc file never carries
 * them.
 */
typedef enum vouch_point_kind {
    POINT_COND = 0,          /* a condition: its truth value */
    POINT_VALUE,             /* an operand or other value: what it was */
    POINT_SPAN,              /* a calendar span loop's current span start */
    POINT_LOOP               /* a rule's `for` over a table: owns its plan, never traced */
} vouch_point_kind;

typedef struct vouch_trace_point {
    const char *text;        /* the expression as written, blanks collapsed */
    const char *file;
    uint32_t line, col;
    int32_t parent;          /* the enclosing point, or -1 */
    int32_t plan;            /* a quantifier: the plan it searches with, or -1 */
    uint8_t kind;            /* vouch_point_kind */
    uint8_t require;         /* 1: the rule's `require` condition itself */
} vouch_trace_point;

/* ---- Source positions ------------------------------------------------------
 *
 * Where each instruction comes from, so a runtime error can name the
 * source (FILE:LINE:COL of the expression that failed) and what was being
 * evaluated, instead of a pc. The compiler writes one entry where the
 * position or the subject's whereabouts change; entries are sorted by
 * strictly increasing pc, and an entry covers the code from its pc up to
 * the next entry's (the last one's, to the end of the code). Code before
 * a rule's first entry has the rule's own position. The VM only looks
 * entries up, after an error: they cost nothing while rules run.
 *
 * `subject` says where the subject of the running iteration is, for the
 * message: nowhere yet (a loop's seek, a calendar span's bounds); the
 * current row of the rule's outer loop (outer_plan), named by its key
 * when that plan reads the key's columns; or the bottom value of the
 * stack, once the subject is computed (the verifier checks that the stack
 * holds a value there). */
typedef enum vouch_subject_at {
    SUBJ_NONE = 0,           /* not known here */
    SUBJ_ROW,                /* the outer loop's current row */
    SUBJ_STACK,              /* stack slot 0 */
    SUBJ__COUNT
} vouch_subject_at;

typedef struct vouch_position {
    uint32_t pc;             /* first code word the entry covers */
    uint32_t file;           /* index into the program's files */
    uint32_t line, col;
    uint8_t subject;         /* vouch_subject_at */
} vouch_position;

/* ---- Rules --------------------------------------------------------------- */

typedef struct vouch_rule_info {
    const char *id;          /* R1_access_review_fresh */
    const char *title;
    uint8_t severity;        /* vouch_severity */
    const char *file;        /* source file of the rule, for findings */
    uint32_t line, col;      /* position of the `rule` keyword */
    uint32_t entry;          /* pc of the rule's first instruction */
    uint32_t nlocals;        /* local slots the rule uses */
    const char *pack;        /* pack name the rule belongs to */
    uint32_t nmaps;          /* controls the rule's `maps` clauses name */
    vouch_control_ref *maps;
    uint8_t skipped;         /* 1: an importing pack skips it; its code is just HALT */
    const char *skip_reason; /* "" unless skipped */
    uint8_t declared_severity; /* before an importing pack's override */
    const char *override_by; /* pack that changed the severity or enforcement, or "" */
    uint8_t enforcement;     /* vouch_enforcement, after an importing pack's override */
    uint8_t declared_enforcement; /* as the rule declares it */
    /* The plan of the rule's outermost `for` over a fact, or VOUCH_NO_PLAN.
     * Each of its rows is evaluated on its own (its subjects, outcomes and
     * findings depend on that row alone), so two VMs may share them out
     * (vm_parallel.c); the rule does nothing before or after that loop
     * but compute its parameters. */
    uint32_t outer_plan;
} vouch_rule_info;

#define VOUCH_NO_PLAN UINT32_MAX

typedef struct vouch_program {
    uint32_t version;        /* VOUCH_PROGRAM_VERSION */
    uint32_t ncode;
    uint32_t *code;
    uint32_t nconsts;
    vouch_value *consts;     /* text constants point into the program's memory */
    uint32_t ntables;
    vouch_table_decl *tables;
    uint32_t nenums;
    vouch_enum_decl *enums;
    uint32_t nplans;
    vouch_plan *plans;
    uint32_t nrules;
    vouch_rule_info *rules;
    uint32_t nframeworks;
    vouch_framework_info *frameworks;
    uint32_t npairs;
    vouch_crosswalk_pair *pairs;
    uint32_t nwaivers;
    vouch_waiver *waivers;
    int64_t waiver_max_days; /* longest waiver term a pack allows; 0: no cap */
    int64_t waiver_max_months; /* the same cap in calendar months (`waivers at most 6mo`):
                              * a waiver may end at most that many months after it
                              * starts, clamped to the month's end; 0: no cap */
    uint32_t ntests;
    vouch_test *tests;
    uint32_t nsources;
    vouch_source_decl *sources;
    const char *pack;        /* name of the main pack */
    const char *pack_version;
    uint32_t npoints;        /* explain programs only; 0 otherwise */
    vouch_trace_point *points;
    uint32_t nfiles;         /* source files the positions name */
    const char **files;
    uint32_t npositions;     /* sorted by pc; 0: only rules' own positions */
    vouch_position *positions;
    void *mem;               /* owner of everything above (opaque) */
} vouch_program;

/* Makes an empty program (version set, everything else zero) that owns its
 * memory: everything the builder allocates with vouch_program_alloc is freed
 * by vouch_program_free. NULL if out of memory. */
vouch_program *vouch_program_new(void);
/* Zeroed memory owned by p, aligned for any type; NULL if out of memory. */
void *vouch_program_alloc(vouch_program *p, size_t n);
/* A NUL-terminated copy of s[0..n) owned by p; NULL if out of memory. */
char *vouch_program_strdup(vouch_program *p, const char *s, size_t n);
/* 1 if some vouch_program_alloc/strdup on p failed (out of memory), so a
 * builder can check once at the end instead of after every call. */
int vouch_program_failed(const vouch_program *p);
/* Frees a program and everything it points to. NULL is fine. */
void vouch_program_free(vouch_program *p);

/* Opcode metadata, generated from opcodes.def. */
const char *vouch_opcode_name(uint32_t op);
const char *vouch_opcode_operands(uint32_t op);   /* NULL if op is out of range */
const char *vouch_severity_name(uint32_t sev);    /* "info" ... "critical" */
const char *vouch_relation_name(uint32_t rel);    /* "equal" ... "unspecified" */
const char *vouch_origin_name(uint32_t origin);   /* "unofficial", "official", "derived" */
int vouch_severity_parse(const char *s, size_t n); /* -1 if unknown */
const char *vouch_enforcement_name(uint32_t e);   /* "advisory", "soft", "hard" */
int vouch_enforcement_parse(const char *s, size_t n); /* -1 if unknown */

#endif
