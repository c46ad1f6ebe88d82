/*
 * format.c: `vouch fmt`, one canonical layout for .vouch sources.
 *
 * The formatter works on the token stream, not the AST, so it keeps what
 * the AST drops: comments and the author's choice of line breaks. It only
 * decides the white space:
 *   - indentation: two spaces per open `{`; a line that continues the
 *     clause above it (`and ...`, `where ...`) gets two more, and two more
 *     for each `(` or `[` still open at its start, so a condition inside
 *     parentheses stays indented under the clause that opened them; a
 *     rule's header clauses (`severity`, `maps`, `scope`) continue the
 *     `rule` line, so a rule-level `scope` is not taken for a top-level
 *     scope declaration; in a source, a feed's `else "path"` continues
 *     the feed above it (a map's `else ->` is an entry of its own);
 *   - spacing: one space between tokens, none inside `( )` and `[ ]`,
 *     before `,` `?` `:` `.` `)` `]`, after `.` and a unary `-`, around
 *     `..`, and before the `(` of a call;
 *   - interpolated strings are kept byte for byte;
 *   - at most one blank line in a row; no trailing spaces; one final
 *     newline; a comment keeps its line (alone, or after code, one space
 *     away).
 * Formatting a formatted file changes nothing (tests check it).
 */
#include <stdlib.h>
#include <string.h>
#include "format.h"
#include "alloc.h"
#include "strbuf.h"
#include "lex.h"
#include "parser.h"

static void puts_(sbuf *o, const char *s) { sb_add(o, s, strlen(s)); }

static void indent(sbuf *o, int n)
{
    for (int i = 0; i < n; i++)
        sb_add(o, " ", 1);
}

/* Tokens that start a clause or an item: their line is not a continuation. */
static int starts_clause(int t, int next)
{
    /* a field `name: type` (the name may be a keyword such as `version`),
     * an appetite `score = ...`, a source's `field = value` */
    if (next == TK_COLON || next == TK_ASSIGN)
        return 1;
    /* a source's `field from "column"` (the field may be a keyword such
     * as `review`: the keywords are one run, TK_PACK .. TK_PERIOD) */
    if (next == TK_FROM && (t == TK_ID || (t >= TK_PACK && t <= TK_PERIOD)))
        return 1;
    switch (t) {
    case TK_PACK: case TK_IMPORT: case TK_FACT: case TK_RULE: case TK_FRAMEWORK: case TK_CROSSWALK:
    case TK_SCOPE: case TK_APPETITE: case TK_WAIVE: case TK_WAIVERS: case TK_OVERRIDE: case TK_SKIP: case TK_FRESHNESS:
    case TK_TEST: case TK_SOURCE: case TK_PARAM: case TK_FOR: case TK_REQUIRE: case TK_SUBJECT: case TK_ELSE: case TK_EVERY:
    case TK_CONTROL: case TK_BAND: case TK_TOLERATE: case TK_ACCEPT: case TK_GIVEN: case TK_EXPECT:
    case TK_PERIOD: case TK_STRING: case TK_LBRACE: case TK_RBRACE:
        return 1;
    case TK_AUTHORITY:
        /* an appetite's `authority "CEO" > ...`, not a call `authority(x)` */
        return next == TK_STRING;
    case TK_ID:
        /* a test's `as_of D` */
        return next == TK_DATE;
    default:
        return 0;
    }
}

/* Can a `-` after a token of this type only be unary? */
static int before_unary(int prev)
{
    switch (prev) {
    case TK_ID: case TK_INT: case TK_DATE: case TK_DUR: case TK_STRING: case TK_INTERP_END:
    case TK_RPAREN: case TK_RBRACKET: case TK_TRUE: case TK_FALSE: case TK_NONE: case TK_TODAY:
    case TK_PERIOD:
        return 0;
    default:
        return 1;
    }
}

/* (`authority` is a keyword in the appetite and a function in rules: `authority(p.role)`) */
static int is_name(int t) { return t == TK_ID || t == TK_CONTROL || t == TK_ENUM || t == TK_AUTHORITY; }

/* Is there a space between adjacent tokens a and b on one line? */
static int space_between(int a, int b, int a_unary_minus)
{
    if (a == TK_LPAREN || a == TK_LBRACKET || a == TK_DOT || a == TK_DOTDOT || a_unary_minus)
        return 0;
    if (b == TK_RPAREN || b == TK_RBRACKET || b == TK_COMMA || b == TK_QUESTION || b == TK_COLON ||
        b == TK_DOT || b == TK_DOTDOT)
        return 0;
    if (b == TK_LPAREN && is_name(a))
        return 0;
    return 1;
}

/* The comments and line breaks in the gap [from, to) of the source. */
typedef struct gap {
    int newlines;            /* line breaks in the gap */
} gap;

int format_source(const vouch_source *src, char **out, size_t *out_len)
{
    arena a;
    arena_init(&a);
    diag_sink d;
    memset(&d, 0, sizeof d);
    d.a = &a;
    lexer lx;
    lex_init(&lx, src, &d);

    /* All tokens first: the layout of a line depends on its first two. */
    size_t cap = 256, n = 0;
    lex_token *tok = malloc(cap * sizeof *tok);
    if (!tok) {
        arena_free(&a);
        return -1;
    }
    for (;;) {
        if (n == cap) {
            lex_token *nt = realloc(tok, cap * 2 * sizeof *tok);
            if (!nt) {
                free(tok);
                arena_free(&a);
                return -1;
            }
            tok = nt;
            cap *= 2;
        }
        lex_next(&lx, &tok[n]);
        if (tok[n].type == 0)
            break;
        n++;
    }
    int lexerrs = d.nerrors != 0;
    arena_free(&a);
    if (lexerrs) {
        free(tok);
        return 1; /* not valid source: leave it to the compiler to explain */
    }

    sbuf o = {0};
    const char *text = src->text;
    int depth = 0, interp = 0, at_line_start = 1, blank_pending = 0;
    int line_cont = 0, prev = 0, prev_unary = 0;
    int parens = 0;          /* `(` and `[` open (outside interpolations) */
    int in_header = 0;       /* between `rule` and its `{` */
    int in_source = 0;       /* inside a `source { }`: `else "path"` continues a feed */
    uint32_t pos = 0;
    for (size_t i = 0; i <= n; i++) {
        uint32_t start = i < n ? tok[i].off : src->len;
        /* The gap before this token: comments and line breaks. */
        int newlines = 0;
        for (uint32_t p = pos; p < start; p++) {
            if (text[p] == '\n') {
                newlines++;
            } else if (text[p] == '#') {
                uint32_t e = p;
                while (e < start && text[e] != '\n')
                    e++;
                size_t len = e - p;
                while (len && (text[p + len - 1] == ' ' || text[p + len - 1] == '\t' || text[p + len - 1] == '\r'))
                    len--;
                if (!at_line_start && newlines == 0) {
                    sb_add(&o, " ", 1); /* a comment after code on its line */
                } else {
                    if (!at_line_start)
                        sb_add(&o, "\n", 1);
                    if (blank_pending || newlines > 1)
                        sb_add(&o, "\n", o.n ? 1 : 0);
                    /* a comment alone takes the indentation of the code after it */
                    int next = i < n ? tok[i].type : 0;
                    int d2 = depth - (next == TK_RBRACE ? 1 : 0);
                    indent(&o, 2 * (d2 < 0 ? 0 : d2));
                }
                sb_add(&o, text + p, len);
                sb_add(&o, "\n", 1);
                at_line_start = 1;
                blank_pending = 0;
                newlines = 0;
                p = e - 1;
            }
        }
        if (i == n)
            break;
        const lex_token *t = &tok[i];
        int next = i + 1 < n ? tok[i + 1].type : 0;
        if (interp > 0) {
            /* inside an interpolation: keep the source as written */
            if (t->type == TK_INTERP_START)
                interp++;
            else if (t->type == TK_INTERP_END)
                interp--;
            if (interp > 0 || t->type == TK_INTERP_END) {
                sb_add(&o, text + pos, t->off + t->len - pos);
                pos = t->off + t->len;
                prev = t->type;
                continue;
            }
        }
        if (newlines > 0 && !at_line_start) {
            sb_add(&o, "\n", 1);
            at_line_start = 1;
        }
        if (newlines > 1 && o.n)
            blank_pending = 1;
        if (at_line_start) {
            if (blank_pending && o.n)
                sb_add(&o, "\n", 1);
            blank_pending = 0;
            if (t->type == TK_RBRACE && depth > 0)
                depth--;
            int closes = (t->type == TK_RPAREN || t->type == TK_RBRACKET) && parens > 0;
            line_cont = (!starts_clause(t->type, next) || (in_header && t->type == TK_SCOPE) ||
                         (in_source && t->type == TK_ELSE && next != TK_ARROW)) &&
                        o.n > 0 && prev != TK_LBRACE && prev != TK_RBRACE;
            indent(&o, 2 * depth + (line_cont ? 2 : 0) + 2 * (parens - closes));
            at_line_start = 0;
        } else {
            if (t->type == TK_RBRACE && depth > 0)
                depth--;
            if (space_between(prev, t->type, prev_unary))
                sb_add(&o, " ", 1);
        }
        if (t->type == TK_INTERP_START) {
            interp = 1;
            sb_add(&o, text + t->off, t->len);
        } else {
            sb_add(&o, text + t->off, t->len);
        }
        if (t->type == TK_LBRACE)
            depth++;
        if (t->type == TK_LPAREN || t->type == TK_LBRACKET)
            parens++;
        else if ((t->type == TK_RPAREN || t->type == TK_RBRACKET) && parens > 0)
            parens--;
        if (t->type == TK_SOURCE && depth == 0 && next == TK_ID)
            in_source = 1;
        else if (t->type == TK_RBRACE && depth == 0)
            in_source = 0;
        if (t->type == TK_RULE && depth == 0)
            in_header = 1;
        else if (t->type == TK_LBRACE)
            in_header = 0;
        prev_unary = t->type == TK_MINUS && before_unary(prev);
        prev = t->type;
        pos = t->off + t->len;
    }
    if (!at_line_start)
        sb_add(&o, "\n", 1);
    free(tok);
    (void)puts_;
    if (o.oom) {
        vouch_free(o.p);
        return -1;
    }
    if (!o.p) {
        o.p = vouch_malloc(1);
        if (!o.p)
            return -1;
        o.p[0] = 0;
    }
    *out = o.p;
    *out_len = o.n;
    return 0;
}
