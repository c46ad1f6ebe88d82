/*
 * ast.h: the syntax tree. Built by the grammar actions (grammar/parser.y,
 * each action one ast_* call), checked and annotated by check.c, turned into
 * bytecode by codegen.c. All nodes live in the compilation's arena.
 *
 * Lists (top-level items, fields, arguments, string parts, `for` clauses)
 * are chained through `next`, in source order.
 *
 * Every node keeps its source span (src, off, len) so any later pass can
 * point at it in a message.
 */
#ifndef VOUCH_AST_H
#define VOUCH_AST_H

#include <stdint.h>
#include <stdio.h>
#include "arena.h"
#include "diag.h"
#include "source.h"

typedef enum ast_kind {
    /* items */
    AST_PACK,        /* pack "name" version "1.0.0"                 s.text=name, s.text2=version,
                      *                                            s.pin=the version's AST_STRING */
    AST_IMPORT,      /* import "name" [version "RANGE"] [{ sets }]  s.text=name, s.pin=the range's
                      *                                            AST_STRING or NULL, s.sets=AST_ATTR list */
    AST_FACT,        /* fact NAME key (a, b) dated by F { fields }  fact */
    AST_FIELD,       /* NAME : type                                 field */
    AST_TYPE,        /* text | int | ... | enum(a, b) ; '?' = opt   type */
    AST_RULE,        /* rule ID "title" severity S { body }          rule */
    AST_FOR,         /* for VAR in SOURCE [where EXPR]              loop */
    /* expressions */
    AST_INT,         /* 42                                          lit.i */
    AST_DATE,        /* 2026-11-21                                  lit.i = day number */
    AST_DUR,         /* 92d, 2w                                     lit.i = days */
    AST_BOOL,        /* true | false                                lit.i */
    AST_NONE,        /* none */
    AST_STRING,      /* "text" without interpolation                s.text = unescaped */
    AST_INTERP,      /* "a {x} b": parts (AST_STRING and exprs)      list.first */
    AST_TODAY,       /* today */
    AST_PERIOD,      /* period */
    AST_IDENT,       /* name                                        name */
    AST_MEMBER,      /* expr . name                                 member */
    AST_CALL,        /* name(args)                                  call */
    AST_UNARY,       /* not x, -x                                   unary */
    AST_BINARY,      /* x op y                                      binary */
    AST_IN,          /* x in [a, b, c]                              in */
    AST_RANGE,       /* a .. b (dates)                              binary (lhs, rhs) */
    AST_QUANT,       /* exists/all/count/newest/oldest              quant */
    /* issue 3: the auditor's world */
    AST_FRAMEWORK,   /* framework "id" "title" attrs { controls }   cat */
    AST_CONTROL,     /* control "id" "title" attrs                  cat (items unused) */
    AST_ATTR,        /* NAME "value" | NAME value                   field (name, type = value node) */
    AST_CROSSWALK,   /* crosswalk A -> B { pairs }                  cat (id = A, title = B) */
    AST_PAIR,        /* "src" [relation] "dst" [note "..."]         pair; a rule's maps: src = framework */
    AST_SCOPE,       /* scope NAME = TABLE where EXPR               scope */
    AST_APPETITE,    /* appetite [for TABLE] { clauses }            appetite */
    AST_APPETITE_CLAUSE, /* score = E | band N = E [review every D] | tolerate E | accept E by role "R" [review every D]
                          * | authority "R" > "R" ... | require owner acceptance  apc */
    AST_WAIVE,       /* waive RULE for "SUBJECT" [from D] until D because "..." approved_by "..."  waive */
    AST_WAIVER_CAP,  /* waivers at most 180d                        unary.operand = the duration */
    AST_OVERRIDE,    /* override RULE severity S | override RULE enforcement E | skip RULE because "..."  ovr; op = ast_override_kind */
    AST_MONTHS,      /* 3mo, 1q, 1y: calendar months                lit.i = months */
    AST_UNTIL,       /* [from D] until D                            binary (lhs = from or NULL, rhs = until) */
    AST_COND,        /* if test then a else b (also built for appetite bands, acceptors)   cond */
    AST_TEST,        /* test "name" { clauses }                    cat (id = name, attrs = clauses) */
    AST_TEST_ASOF,   /* as_of DATE                                  unary.operand */
    AST_TEST_PERIOD, /* period DATE..DATE                           binary */
    AST_TEST_GIVEN,  /* given TABLE { column value ... }            field (name = table, type = AST_ATTR list) */
    AST_TEST_EXPECT, /* expect RULE fail|waived|not_applicable "S" | passes N   ovr (severity = the word, because = value) */
    AST_SOURCE,      /* source NAME into FACT from FORMAT ["root"] { feeds, skips }   source */
    AST_FEED,        /* field = VALUE | field from "path" [as "p"] [in "Z"] [map {...}]   feed */
    AST_MAP_ENTRY,   /* "text" -> VALUE | else -> VALUE             binary (lhs = the text or NULL for else, rhs) */
    AST_SOURCE_SKIP, /* skip if "path" == v | != v | in [..] | not in [..]   skip; op = ast_skip_op */
    AST_FRESHNESS,   /* freshness "kind" 92d                        binary (lhs AST_STRING, rhs AST_DUR or AST_MONTHS) */
    AST_PARAM,       /* param NAME: TYPE = VALUE                    param */
    AST__COUNT
} ast_kind;

typedef enum ast_op {
    OPR_NONE = 0,
    OPR_OR, OPR_AND, OPR_NOT,
    OPR_EQ, OPR_NE, OPR_LT, OPR_LE, OPR_GT, OPR_GE,
    OPR_ADD, OPR_SUB, OPR_MUL, OPR_DIV, OPR_MOD, OPR_NEG
} ast_op;

/* What an AST_OVERRIDE changes (its op). */
typedef enum ast_override_kind { OVR_SEVERITY = 0, OVR_SKIP, OVR_ENFORCEMENT } ast_override_kind;

/* A source's skip conditions (AST_SOURCE_SKIP's op). */
typedef enum ast_skip_op { SKIP_IF_EQ = 0, SKIP_IF_NE, SKIP_IF_IN, SKIP_IF_NOT_IN } ast_skip_op;

/* The options of a feed (ast_feed_option). */
typedef enum ast_feed_opt { FEED_PATTERN = 0, FEED_ZONE, FEED_MAP } ast_feed_opt;

/* Clauses of an appetite (AST_APPETITE_CLAUSE's apc.kind). */
typedef enum ast_appetite_kind {
    AP_SCORE = 0, AP_BAND, AP_TOLERATE, AP_ACCEPT,
    AP_AUTHORITY,            /* authority "R1" > "R2" ...: arg is the list of AST_STRING, highest first */
    AP_OWNER                 /* require owner acceptance: arg and review are the two words (AST_IDENT) */
} ast_appetite_kind;

typedef enum ast_quant_kind {
    Q_EXISTS = 0,    /* exists x in T [where W]                      -> bool */
    Q_ALL,           /* all x in T [where W] satisfies P             -> bool */
    Q_COUNT,         /* count x in T [where W]                       -> int */
    Q_NEWEST,        /* newest E for x in T [where W]                -> type of E, optional */
    Q_OLDEST,        /* oldest E for x in T [where W]                -> type of E, optional */
    Q_SUM,           /* sum E for x in T [where W]     -> int or duration (0 over no rows) */
    Q_AVG            /* avg E for x in T [where W]     -> decimal, optional (none over no rows) */
} ast_quant_kind;

/* A name as written: a slice of the source. */
typedef struct ast_name {
    const char *p;
    uint32_t len;
    uint32_t off;            /* offset in the source, for messages */
} ast_name;

/* Static types, filled in by check.c. */
typedef enum ast_tkind {
    TY_ERROR = 0,            /* an earlier error; suppresses follow-on errors */
    TY_NONE,                 /* the literal `none`: fits any optional type */
    TY_BOOL, TY_INT, TY_DATE, TY_DUR, TY_TEXT,
    TY_ENUM,                 /* text restricted to enum_id's members */
    TY_PERIOD,               /* a date range: `period`, a .. b */
    TY_ROW,                  /* a loop variable over a fact table */
    TY_SPAN,                 /* a loop variable over quarters()/months() */
    TY_MONTHS,               /* a calendar duration literal (3mo, 1q, 1y): only date +/- it */
    TY_DECIMAL               /* an exact fraction, made only by `avg`: compared, never computed with */
} ast_tkind;

typedef struct ast_type {
    uint8_t kind;            /* ast_tkind */
    uint8_t optional;        /* 1: may be none */
    int32_t id;              /* TY_ENUM: enum index; TY_ROW: table index */
} ast_type;

typedef struct ast_node ast_node;
struct ast_node {
    uint16_t kind;           /* ast_kind */
    uint16_t op;             /* ast_op for AST_UNARY / AST_BINARY; ast_quant_kind for AST_QUANT */
    uint32_t off, len;       /* source span */
    uint32_t depth;          /* expression nodes: height of the subtree (a leaf is 0),
                              * at most VOUCH_MAX_EXPR_DEPTH + 1 (see ast.c) */
    const vouch_source *src;
    ast_node *next;          /* next in the enclosing list */
    ast_node *tail;          /* list head only: where ast_append last appended
                              * (a hint that keeps building a list linear) */

    /* Filled in by check.c */
    ast_type type;
    int32_t slot;            /* AST_IDENT of a loop variable: its binding id;
                              * AST_FOR / AST_QUANT: the binding id they introduce;
                              * AST_MEMBER on a row: the column index;
                              * AST_IDENT as enum literal: -2;
                              * AST_CALL: builtin index */

    union {
        struct { int64_t i; } lit;
        struct {
            const char *text; uint32_t n; const char *text2; uint32_t n2;
            ast_node *pin;           /* AST_PACK, AST_IMPORT: see ast_kind */
            ast_node *sets;          /* AST_IMPORT: the parameters it sets (AST_ATTR list) */
        } s;
        ast_name name;
        struct { ast_node *first; } list;
        struct {
            ast_name name;
            ast_node *key;           /* AST_IDENT list */
            ast_node *fields;
            ast_node *dated;         /* `dated by F`: AST_IDENT list (one unless repeated), or NULL */
        } fact;
        struct { ast_name name; ast_node *type; } field;
        struct { ast_name name; ast_node *members; int optional; } type;  /* members: AST_IDENT list (enum) */
        struct {
            ast_name id;
            ast_node *title;         /* AST_STRING; AST_INTERP until checked */
            ast_name severity;       /* as written; checked by check.c */
            ast_name enforcement;    /* as written (len 0: the default, soft) */
            ast_node *fors;          /* AST_FOR list, outermost first */
            ast_node *require;
            ast_node *subject;       /* NULL: the key of the first loop's table */
            ast_node *maps;          /* AST_PAIR list: (framework, control) it enforces */
            ast_name scope;          /* rule-level scope (len 0: none) */
            ast_node *message;       /* NULL: a message made from the rule title */
        } rule;
        struct {
            ast_name var;
            ast_node *source;        /* AST_IDENT (a fact table) or AST_CALL (quarters(period)) */
            ast_node *where;         /* NULL if none */
            ast_node *scope_where;   /* check.c: the scope's condition when source is a scope */
        } loop;
        struct { ast_node *obj; ast_name field; } member;
        struct { ast_name name; ast_node *args; } call;
        struct { ast_node *operand; } unary;
        struct { ast_node *lhs, *rhs; } binary;
        struct { ast_node *lhs; ast_node *items; } in;
        struct {
            ast_name var;
            ast_name table;
            ast_node *where;         /* NULL if none */
            ast_node *body;          /* Q_ALL: the `satisfies` condition; Q_NEWEST/OLDEST: the value */
        } quant;
        struct { ast_node *id; ast_node *title; ast_node *attrs; ast_node *items; } cat;
        struct { ast_node *src, *dst, *note; ast_name rel; } pair;
        struct { ast_name name; ast_name table; ast_node *where; } scope;
        struct { ast_name table; ast_node *clauses; } appetite;
        struct { int kind; ast_name name; ast_node *cond; ast_node *arg; ast_node *review; } apc;
        struct {
            ast_name rule;
            ast_node *subject;       /* AST_STRING */
            ast_node *period;        /* AST_UNTIL */
            ast_node *because, *approved; /* AST_STRING */
        } waive;
        struct { ast_name rule; ast_name severity; ast_node *because; } ovr;  /* severity: the new word (severity or enforcement) */
        struct { ast_node *test, *then, *otherwise; } cond;
        struct {
            ast_name name;
            ast_name table;
            ast_name format;         /* csv, json, jsonl: checked by check_source.c */
            ast_node *root;          /* AST_STRING: where a JSON document keeps its records, or NULL */
            ast_node *feeds;         /* AST_FEED list */
            ast_node *skips;         /* AST_SOURCE_SKIP list */
        } source;
        struct {
            ast_name field;
            ast_node *path;          /* AST_STRING: the column or JSON path; NULL for a constant */
            ast_node *value;         /* a constant (a fixture cell's literal), or NULL */
            ast_node *pattern;       /* `as "..."`: AST_STRING list (more than one is an error) */
            ast_node *zone;          /* `in "..."`: AST_STRING list (likewise) */
            ast_node *map;           /* AST_MAP_ENTRY list */
            int has_map;             /* 1: a `map { }` was written, even empty */
            ast_node *how;           /* `from WORD "..."`: the word (AST_IDENT; `format`
                                      * and `json` are the ones the checker takes), else NULL */
            ast_node *elses;         /* `else [WORD] "..."`: AST_FEED list, each with
                                      * its path and how only */
        } feed;
        struct { ast_name name; ast_name type; ast_node *value; } param;  /* value: a literal (cellv) */
        struct { ast_node *path; ast_node *values; } skip;  /* path AST_STRING; values AST_STRING/AST_NONE */
    } u;
};

/* Constructors, called from grammar actions. Each allocates from a, takes
 * the span from its arguments, and returns NULL only when out of memory
 * (the arena then has failed set and the driver reports it once). */
ast_node *ast_new(arena *a, const vouch_source *src, ast_kind kind, uint32_t off, uint32_t len);
/* Appends item to list (either may be NULL); returns the list head. */
ast_node *ast_append(ast_node *list, ast_node *item);
/* Sets node's span to cover from first to last (inclusive) and returns node. */
ast_node *ast_span(ast_node *node, uint32_t first_off, uint32_t last_end);

/* ---- Constructors for the grammar actions (grammar/parser.y) ------------
 * b carries the arena, the file (spans are byte offsets into b->src->text,
 * names are slices of it) and the sink for the errors found while building:
 * a literal that is out of range or not a calendar date, a rule with no
 * severity or two `require`s. Such an error leaves a usable node (a literal
 * is then 0), so parsing goes on. NULL children are accepted; each returns
 * NULL only when out of memory (b->a->failed is then set). */
typedef struct ast_builder {
    arena *a;
    diag_sink *diag;
    const vouch_source *src;
} ast_builder;

/* A token as a leaf: AST_INT, AST_DATE, AST_DUR, AST_STRING, AST_BOOL,
 * AST_NONE, AST_TODAY, AST_PERIOD or AST_IDENT. Literals are converted
 * (dates to day numbers, durations to days, strings unescaped). */
ast_node *ast_leaf(ast_builder *b, ast_kind kind, uint32_t off, uint32_t len);
ast_node *ast_ident(ast_builder *b, uint32_t off, uint32_t len);
ast_node *ast_unary(ast_builder *b, ast_op op, uint32_t op_off, ast_node *operand);
/* kind is AST_BINARY (with op) or AST_RANGE (op OPR_NONE). */
ast_node *ast_binary(ast_builder *b, ast_kind kind, ast_op op, ast_node *lhs, ast_node *rhs);
ast_node *ast_member(ast_builder *b, ast_node *obj, uint32_t name_off, uint32_t name_len);
ast_node *ast_call(ast_builder *b, uint32_t name_off, uint32_t name_len, ast_node *args,
                   uint32_t end);
ast_node *ast_in(ast_builder *b, ast_node *lhs, ast_node *items, uint32_t end);
/* Adds the string piece token at [off, off+len) (INTERP_START, _MID or
 * _END, delimiters included) and then expr (may be NULL) to interp; a NULL
 * interp starts a new AST_INTERP. Empty text pieces are left out. */
ast_node *ast_interp_add(ast_builder *b, ast_node *interp, uint32_t off, uint32_t len,
                         ast_node *expr);
/* where and body may be NULL; see ast_quant_kind for what body means. */
ast_node *ast_quant(ast_builder *b, ast_quant_kind q, uint32_t off, uint32_t var_off,
                    uint32_t var_len, uint32_t table_off, uint32_t table_len, ast_node *where,
                    ast_node *body);
/* Items. Spans given are of the string tokens, quotes included. */
ast_node *ast_pack(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len,
                   uint32_t ver_off, uint32_t ver_len);
ast_node *ast_import(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len);
/* `version "RANGE"` after an import's name: the versions it accepts. */
ast_node *ast_import_pin(ast_builder *b, ast_node *imp, uint32_t ver_off, uint32_t ver_len);
/* `{ name = value ... }` after an import: the parameters it sets (end,
 * after the `}`, is not part of the import's span: that stays its line). */
ast_node *ast_import_sets(ast_node *imp, ast_node *sets, uint32_t end);
/* `param NAME: TYPE = VALUE`: a parameter of the pack, with its default. */
ast_node *ast_param(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len, uint32_t type_off,
                    uint32_t type_len, ast_node *value);
/* `override appetite { ... }`: marks an appetite as replacing the one an
 * imported pack declares (op = 1). */
ast_node *ast_appetite_replacing(ast_node *appetite, uint32_t off);
ast_node *ast_fact(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len,
                   ast_node *key);
ast_node *ast_fact_field(ast_node *fact, ast_node *field);
/* `dated by NAME` after a fact's name and key; a second one is kept for
 * the checker to report. */
ast_node *ast_fact_dated(ast_builder *b, ast_node *fact, uint32_t name_off, uint32_t name_len);
ast_node *ast_field(ast_builder *b, uint32_t name_off, uint32_t name_len, ast_node *type);
/* A type named by [off, off+len) (`enum` when members != NULL), ending at end. */
ast_node *ast_type_decl(ast_builder *b, uint32_t off, uint32_t len, ast_node *members, uint32_t end);
ast_node *ast_type_optional(ast_node *type, uint32_t end);
/* title: an AST_STRING, or an AST_INTERP naming parameters (check_params.c
 * resolves it to an AST_STRING). */
ast_node *ast_rule(ast_builder *b, uint32_t off, uint32_t id_off, uint32_t id_len, ast_node *title);
ast_node *ast_rule_severity(ast_builder *b, ast_node *rule, uint32_t kw_off, uint32_t off,
                            uint32_t len);
ast_node *ast_rule_enforcement(ast_builder *b, ast_node *rule, uint32_t kw_off, uint32_t off,
                               uint32_t len);
ast_node *ast_rule_for(ast_builder *b, ast_node *rule, ast_node *loop);
ast_node *ast_rule_require(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *e);
ast_node *ast_rule_subject(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *e);
ast_node *ast_rule_else(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *e);
/* Closes a rule at end (after its `}`): reports a missing severity or
 * `require`. */
ast_node *ast_rule_end(ast_builder *b, ast_node *rule, uint32_t end);
ast_node *ast_for(ast_builder *b, uint32_t off, uint32_t var_off, uint32_t var_len,
                  ast_node *source, ast_node *where);
/* Shared by ast.c and ast_items.c. */
ast_node *ast_node_at(ast_builder *b, ast_kind kind, uint32_t off, uint32_t end);
ast_name ast_name_at(const ast_builder *b, uint32_t off, uint32_t len);
ast_node *ast_string_node(ast_builder *b, uint32_t off, uint32_t len, uint32_t node_off,
                          uint32_t node_end);
uint32_t ast_end_of(const ast_node *n);

/* Issue 3 items. Names and strings are given as token spans. */
ast_node *ast_catalogue(ast_builder *b, ast_kind kind, uint32_t off, ast_node *id, ast_node *title,
                        ast_node *attrs);
ast_node *ast_catalogue_add(ast_node *cat, ast_node *item);
ast_node *ast_attr(ast_builder *b, uint32_t name_off, uint32_t name_len, ast_node *value);
ast_node *ast_pair(ast_builder *b, uint32_t src_off, uint32_t src_len, uint32_t rel_off,
                   uint32_t rel_len, uint32_t dst_off, uint32_t dst_len, uint32_t note_off,
                   uint32_t note_len);
ast_node *ast_scope(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len,
                    uint32_t table_off, uint32_t table_len, ast_node *where);
ast_node *ast_appetite(ast_builder *b, uint32_t off, uint32_t table_off, uint32_t table_len);
ast_node *ast_appetite_add(ast_node *appetite, ast_node *clause);
/* kind AP_*; [off, off+len) is the clause keyword (or the score's name). */
ast_node *ast_appetite_clause(ast_builder *b, int kind, uint32_t off, uint32_t len, ast_node *cond,
                              ast_node *arg, ast_node *review);
ast_node *ast_until(ast_builder *b, uint32_t from_off, uint32_t from_len, uint32_t until_off,
                    uint32_t until_len);
ast_node *ast_waive(ast_builder *b, uint32_t off, uint32_t rule_off, uint32_t rule_len,
                    uint32_t subj_off, uint32_t subj_len, ast_node *period, uint32_t because_off,
                    uint32_t because_len, uint32_t approved_off, uint32_t end);
/* `waivers at most D`: x and y must read "at" and "most". */
ast_node *ast_waiver_cap(ast_builder *b, uint32_t off, uint32_t x_off, uint32_t x_len, uint32_t y_off,
                         uint32_t y_len, uint32_t d_off, uint32_t d_len);
/* kind OVR_*: override severity or enforcement (the word at sev_off), or
 * skip (the reason at because_off). */
ast_node *ast_override(ast_builder *b, int kind, uint32_t off, uint32_t rule_off, uint32_t rule_len,
                       uint32_t sev_off, uint32_t sev_len, uint32_t because_off, uint32_t because_len,
                       uint32_t end);
ast_node *ast_rule_maps(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *framework,
                        uint32_t ctl_off, uint32_t ctl_len);
ast_node *ast_rule_scope(ast_builder *b, ast_node *rule, uint32_t kw_off, uint32_t off, uint32_t len);
/* `every UNIT of PERIOD as VAR [where W]`: an AST_FOR with op 1 whose
 * source is a call named by the unit. */
ast_node *ast_every(ast_builder *b, uint32_t off, uint32_t unit_off, uint32_t unit_len, ast_node *period,
                    uint32_t var_off, uint32_t var_len, ast_node *where);
/* A deep copy of an expression tree (its `next` is NULL), for the
 * declarations whose expressions are checked once per use (scopes, the
 * appetite). NULL if out of memory. */
ast_node *ast_clone(arena *a, const ast_node *n);

/* Test blocks. */
ast_node *ast_test(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len);
/* kind: AST_TEST_ASOF (word at off/len must be `as_of`, a = date),
 * AST_TEST_PERIOD (a, b = dates), AST_TEST_GIVEN (off/len = table, a = cells). */
ast_node *ast_test_clause(ast_builder *b, ast_node *test, ast_kind kind, uint32_t off, uint32_t len, ast_node *a,
                          ast_node *c);
ast_node *ast_test_expect(ast_builder *b, ast_node *test, uint32_t off, uint32_t rule_off, uint32_t rule_len,
                          uint32_t word_off, uint32_t word_len, ast_node *value);

/* Sources (ast_source.c). `source` starts a declaration; root_len 0: no
 * root path. */
ast_node *ast_source(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len, uint32_t table_off,
                     uint32_t table_len, uint32_t fmt_off, uint32_t fmt_len, uint32_t root_off, uint32_t root_len);
/* Adds an AST_FEED or AST_SOURCE_SKIP to a source. */
ast_node *ast_source_add(ast_node *source, ast_node *item);
/* A feed of the field at [off, off+len): from path (AST_STRING), or the
 * constant value. */
ast_node *ast_feed(ast_builder *b, uint32_t off, uint32_t len, ast_node *path, ast_node *value);
/* `from format "..."`: the feed's path is a template, the word at [off,
 * off+len) says so (the checker checks it is `format`). */
ast_node *ast_feed_how(ast_builder *b, ast_node *feed, uint32_t off, uint32_t len);
/* `else "path"` or `else WORD "path"` (how_len 0: no word) after a feed. */
ast_node *ast_feed_else(ast_builder *b, ast_node *feed, uint32_t kw_off, uint32_t how_off, uint32_t how_len,
                        uint32_t path_off, uint32_t path_len);
/* `as "pattern"`, `in "zone"` or `map { entries }` after a feed. */
ast_node *ast_feed_option(ast_node *feed, ast_feed_opt opt, uint32_t kw_off, ast_node *arg);
/* key NULL: the map's `else`. */
ast_node *ast_map_entry(ast_builder *b, uint32_t off, ast_node *key, ast_node *value);
ast_node *ast_source_skip(ast_builder *b, uint32_t off, ast_skip_op op, uint32_t path_off, uint32_t path_len,
                          ast_node *values);

/* `if test then a else b` (an AST_COND). */
ast_node *ast_cond(ast_builder *b, uint32_t off, ast_node *test, ast_node *then, ast_node *otherwise);

/* `x in S` where S is a span, a period or a range (AST_IN with op 1). */
ast_node *ast_in_span(ast_builder *b, ast_node *lhs, ast_node *span);

/* Extends node's span to end (if later) and returns node. */
ast_node *ast_span_to(ast_node *node, uint32_t end);

/* Human-readable kind, for debugging and tests. */
const char *ast_kind_name(int kind);
/* Prints an S-expression form of the tree (tests compare it): one node and
 * its subtree, not its siblings, and no newline. NULL prints as `nil`. */
void ast_dump(const ast_node *n, FILE *out);

#endif
