/*
 * parse.h: the parser driver. Feeds the lexer's tokens to the Lemon parser
 * (grammar/parser.y) and returns the file's top-level items. Syntax errors
 * are reported through the diag sink with the token met and what was
 * expected; the parser then resynchronises at the next top-level keyword, so
 * one run reports every independent error of a file (up to the limit).
 */
#ifndef VOUCH_PARSE_H
#define VOUCH_PARSE_H

#include "ast.h"
#include "diag.h"

/* Returns the list of items (AST_PACK, AST_IMPORT, AST_FACT, AST_RULE) of
 * src, chained through next. On syntax errors the list holds what parsed
 * and d->nerrors > 0. */
ast_node *parse_source(arena *a, diag_sink *d, const vouch_source *src);

/* ---- Internal: shared by parse.c and the grammar (%extra_argument) ------- */
#define PARSE_MAX_TOKENS 128

typedef struct parse_state {
    ast_builder b;
    ast_node *items, *last;  /* completed top-level items, in order */
    int syntax_error;        /* set by the grammar's %syntax_error */
    int overflow;            /* set by its %stack_overflow (nesting too deep) */
    /* At a syntax error: expected[tk] is 1 for each TK_* code the parser
     * could have accepted instead of the token met. */
    unsigned char expected[PARSE_MAX_TOKENS];
} parse_state;

#endif
