/*
 * lex.h: the tokenizer (grammar/lexer.re, compiled by re2c).
 *
 * Tokens are slices of the source: a type (TK_* from the Lemon-generated
 * parser.h) and a span. Nothing is allocated. String literals with `{expr}`
 * interpolation are split by the lexer itself, as Wren does:
 *
 *   "no review for {c.control} since {d}"
 *   -> INTERP_START("no review for ") ID(c) DOT ID(control)
 *      INTERP_MID(" since ") ID(d) INTERP_END("")
 *
 * so the parser sees the embedded expressions as ordinary tokens. A string
 * with no `{` is one STRING token. Spans of string tokens include the quote
 * and brace characters; ast constructors unescape the text between them.
 */
#ifndef VOUCH_LEXER_H
#define VOUCH_LEXER_H

#include <stdint.h>
#include "source.h"
#include "diag.h"
#include "vouch_limits.h"

#define LEX_MAX_INTERP_DEPTH VOUCH_MAX_INTERP_NESTING

typedef struct lex_token {
    int type;                /* TK_*, or 0 at the end of input */
    uint32_t off, len;
} lex_token;

typedef struct lexer {
    const vouch_source *src;
    uint32_t pos;            /* next byte to read */
    diag_sink *diag;
    /* Interpolation: for each open `{` inside a string, the brace depth of
     * the expression so far; a `}` at depth 0 resumes the string. */
    int ninterp;
    int brace_depth[LEX_MAX_INTERP_DEPTH];
    /* Offset of each open string's opening quote, for "unterminated
     * string" messages; UINT32_MAX once that error has been reported. */
    uint32_t interp_quote[LEX_MAX_INTERP_DEPTH];
} lexer;

void lex_init(lexer *lx, const vouch_source *src, diag_sink *diag);
/* Reads the next token into *t. Bad characters, unterminated strings and
 * malformed numbers are reported through the diag sink and skipped, so
 * lexing always makes progress and always ends. Returns t->type.
 * (A malformed number such as `92days` is returned as an INT after the
 * report, and an unterminated string as the token it would have been,
 * so the parser does not add a second error.) */
int lex_next(lexer *lx, lex_token *t);

/* Unescapes a string token's body (the bytes between its delimiters:
 * \" \\ \n \t \{ \}) into the arena. Returns NULL if out of memory. */
char *lex_unescape(arena *a, const char *p, uint32_t n, uint32_t *out_len);

#endif
