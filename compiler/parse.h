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

#endif
