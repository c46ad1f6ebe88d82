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
#include "source.h"

typedef enum ast_kind {
    /* items */
    AST_PACK,        /* pack "name" version "1.0.0"                 s.text=name, s.text2=version */
    AST_IMPORT,      /* import "name"                               s.text=name */
    AST_FACT,        /* fact NAME key (a, b) { fields }             fact */
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
    AST__COUNT
} ast_kind;

typedef enum ast_op {
    OPR_NONE = 0,
    OPR_OR, OPR_AND, OPR_NOT,
    OPR_EQ, OPR_NE, OPR_LT, OPR_LE, OPR_GT, OPR_GE,
    OPR_ADD, OPR_SUB, OPR_MUL, OPR_DIV, OPR_MOD, OPR_NEG
} ast_op;

typedef enum ast_quant_kind {
    Q_EXISTS = 0,    /* exists x in T [where W]                      -> bool */
    Q_ALL,           /* all x in T [where W] satisfies P             -> bool */
    Q_COUNT,         /* count x in T [where W]                       -> int */
    Q_NEWEST,        /* newest E for x in T [where W]                -> type of E, optional */
    Q_OLDEST         /* oldest E for x in T [where W]                -> type of E, optional */
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
    TY_SPAN                  /* a loop variable over quarters()/months() */
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
    const vouch_source *src;
    ast_node *next;          /* next in the enclosing list */

    /* Filled in by check.c */
    ast_type type;
    int32_t slot;            /* AST_IDENT of a loop variable: its binding id;
                              * AST_FOR / AST_QUANT: the binding id they introduce;
                              * AST_MEMBER on a row: the column index;
                              * AST_IDENT as enum literal: -2;
                              * AST_CALL: builtin index */

    union {
        struct { int64_t i; } lit;
        struct { const char *text; uint32_t n; const char *text2; uint32_t n2; } s;
        ast_name name;
        struct { ast_node *first; } list;
        struct { ast_name name; ast_node *key; ast_node *fields; } fact;  /* key: AST_IDENT list */
        struct { ast_name name; ast_node *type; } field;
        struct { ast_name name; ast_node *members; int optional; } type;  /* members: AST_IDENT list (enum) */
        struct {
            ast_name id;
            ast_node *title;         /* AST_STRING */
            ast_name severity;       /* as written; checked by check.c */
            ast_node *fors;          /* AST_FOR list, outermost first */
            ast_node *require;
            ast_node *subject;       /* NULL: the key of the first loop's table */
            ast_node *message;       /* NULL: a message made from the rule title */
        } rule;
        struct {
            ast_name var;
            ast_node *source;        /* AST_IDENT (a fact table) or AST_CALL (quarters(period)) */
            ast_node *where;         /* NULL if none */
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

/* Human-readable kind, for debugging and tests. */
const char *ast_kind_name(int kind);
/* Prints an S-expression form of the tree (tests compare it). */
void ast_dump(const ast_node *n, FILE *out);

#endif
