/*
 * parse.c: the parser driver. Pulls tokens from the lexer, feeds them to the
 * Lemon parser (grammar/parser.y) and turns syntax errors into messages.
 *
 * Error handling. When the parser meets a token it cannot accept, the
 * grammar's %syntax_error records which tokens it could have accepted; the
 * driver reports "unexpected X" with that as the hint ("expected `)`"), or,
 * at the end of input with a bracket still open, where it was opened. It
 * then throws the parser away and skips tokens up to the next top-level
 * keyword (`pack`, `import`, `fact`, `rule`) that is not used as a name
 * (after `.`, or before `:`, `,` or `)`), and starts a fresh parser there.
 * Items that completed before the error were already handed over by the
 * grammar, so one run reports every independent error of the file, up to
 * DIAG_MAX_ERRORS.
 *
 * A syntax error right after a lexical error (an unterminated string, a bad
 * character) is most likely its consequence and is not reported; the
 * parser still resynchronises.
 *
 * Termination: every iteration consumes one token and the lexer always
 * advances (see lex.h), so parsing ends on any input.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "lex.h"
#include "parse.h"
#include "parser.h"
#include "alloc.h"
#include "vouch_limits.h"

/* Lemon's entry points (its header declares none). */
void *vparseAlloc(void *(*alloc)(size_t));
void vparse(void *parser, int major, lex_token minor, parse_state *ps);
void vparseFree(void *parser, void (*release)(void *));

#define MAX_BRACKETS 256

typedef struct tok {
    lex_token t;
    int lexerr;              /* the lexer reported an error while reading it */
} tok;

typedef struct driver {
    lexer lx;
    diag_sink *d;
    const vouch_source *src;
    parse_state ps;
    tok pending;
    int has_pending;
    tok prev;                /* the token before the current one */
    uint32_t last_end;       /* end of the last real token, for EOF errors */
    int nbrackets;           /* open brackets (may exceed MAX_BRACKETS) */
    lex_token brackets[MAX_BRACKETS];
} driver;

static void read_token(driver *dv, tok *out)
{
    uint32_t before;
    if (dv->has_pending) {
        *out = dv->pending;
        dv->has_pending = 0;
        return;
    }
    before = dv->d->nerrors;
    lex_next(&dv->lx, &out->t);
    out->lexerr = dv->d->nerrors != before;
}

/* ---- token names, for messages ------------------------------------------- */

static const char *spelling(int type)
{
    switch (type) {
    case TK_ID: return "a name";
    case TK_INT: return "a number";
    case TK_DATE: return "a date";
    case TK_DUR: return "a duration";
    case TK_STRING: return "a string";
    case TK_INTERP_START: return "a string";
    case TK_INTERP_MID: case TK_INTERP_END: return "`}`";
    case TK_PACK: return "`pack`";
    case TK_VERSION: return "`version`";
    case TK_IMPORT: return "`import`";
    case TK_FACT: return "`fact`";
    case TK_KEY: return "`key`";
    case TK_ENUM: return "`enum`";
    case TK_RULE: return "`rule`";
    case TK_SEVERITY: return "`severity`";
    case TK_MAPS: return "`maps`";
    case TK_FOR: return "`for`";
    case TK_IN: return "`in`";
    case TK_WHERE: return "`where`";
    case TK_REQUIRE: return "`require`";
    case TK_SUBJECT: return "`subject`";
    case TK_ELSE: return "`else`";
    case TK_EXISTS: return "`exists`";
    case TK_ALL: return "`all`";
    case TK_COUNT: return "`count`";
    case TK_NEWEST: return "`newest`";
    case TK_OLDEST: return "`oldest`";
    case TK_SUM: return "`sum`";
    case TK_AVG: return "`avg`";
    case TK_FRESHNESS: return "`freshness`";
    case TK_SATISFIES: return "`satisfies`";
    case TK_AND: return "`and`";
    case TK_OR: return "`or`";
    case TK_NOT: return "`not`";
    case TK_TRUE: return "`true`";
    case TK_FALSE: return "`false`";
    case TK_NONE: return "`none`";
    case TK_TODAY: return "`today`";
    case TK_PERIOD: return "`period`";
    case TK_FRAMEWORK: return "`framework`";
    case TK_CONTROL: return "`control`";
    case TK_CROSSWALK: return "`crosswalk`";
    case TK_NOTE: return "`note`";
    case TK_SCOPE: return "`scope`";
    case TK_APPETITE: return "`appetite`";
    case TK_BAND: return "`band`";
    case TK_TOLERATE: return "`tolerate`";
    case TK_ACCEPT: return "`accept`";
    case TK_BY: return "`by`";
    case TK_ROLE: return "`role`";
    case TK_REVIEW: return "`review`";
    case TK_AUTHORITY: return "`authority`";
    case TK_EVERY: return "`every`";
    case TK_OF: return "`of`";
    case TK_AS: return "`as`";
    case TK_WAIVE: return "`waive`";
    case TK_FROM: return "`from`";
    case TK_UNTIL: return "`until`";
    case TK_BECAUSE: return "`because`";
    case TK_APPROVED_BY: return "`approved_by`";
    case TK_WAIVERS: return "`waivers`";
    case TK_OVERRIDE: return "`override`";
    case TK_PARAM: return "`param`";
    case TK_SKIP: return "`skip`";
    case TK_IF: return "`if`";
    case TK_TEST: return "`test`";
    case TK_GIVEN: return "`given`";
    case TK_EXPECT: return "`expect`";
    case TK_ENFORCEMENT: return "`enforcement`";
    case TK_THEN: return "`then`";
    case TK_DATED: return "`dated`";
    case TK_SOURCE: return "`source`";
    case TK_INTO: return "`into`";
    case TK_MAP: return "`map`";
    case TK_EQ: return "`==`";
    case TK_NE: return "`!=`";
    case TK_LT: return "`<`";
    case TK_LE: return "`<=`";
    case TK_GT: return "`>`";
    case TK_GE: return "`>=`";
    case TK_PLUS: return "`+`";
    case TK_MINUS: return "`-`";
    case TK_STAR: return "`*`";
    case TK_SLASH: return "`/`";
    case TK_PERCENT: return "`%`";
    case TK_DOT: return "`.`";
    case TK_DOTDOT: return "`..`";
    case TK_COMMA: return "`,`";
    case TK_COLON: return "`:`";
    case TK_LPAREN: return "`(`";
    case TK_RPAREN: return "`)`";
    case TK_LBRACE: return "`{`";
    case TK_RBRACE: return "`}`";
    case TK_LBRACKET: return "`[`";
    case TK_RBRACKET: return "`]`";
    case TK_QUESTION: return "`?`";
    case TK_ASSIGN: return "`=`";
    case TK_ARROW: return "`->`";
    case 0: return "end of input";
    default: return NULL;
    }
}

/* Tokens that can start an expression: "an expression" covers them. */
static int starts_expr(int type)
{
    switch (type) {
    case TK_ID: case TK_INT: case TK_DATE: case TK_DUR: case TK_STRING: case TK_INTERP_START:
    case TK_TRUE: case TK_FALSE: case TK_NONE: case TK_TODAY: case TK_PERIOD:
    case TK_LPAREN: case TK_MINUS: case TK_NOT:
    case TK_EXISTS: case TK_ALL: case TK_COUNT: case TK_NEWEST: case TK_OLDEST: case TK_IF:
    case TK_SUM: case TK_AVG:
        return 1;
    default:
        return 0;
    }
}

/* The keywords are declared as one run, TK_PACK .. TK_PERIOD (parser.y). */
static int is_keyword(int type)
{
    return type >= TK_PACK && type <= TK_PERIOD;
}

/* Operators that may continue any complete expression: listing them in
 * every hint would only hide what is really missing. */
static int continues_expr(int type)
{
    switch (type) {
    case TK_OR: case TK_AND: case TK_EQ: case TK_NE: case TK_LT: case TK_LE: case TK_GT:
    case TK_GE: case TK_IN: case TK_DOTDOT: case TK_PLUS: case TK_MINUS: case TK_STAR:
    case TK_SLASH: case TK_PERCENT: case TK_DOT:
        return 1;
    default:
        return 0;
    }
}

static const char *closer_of(int type)
{
    return type == TK_LBRACE ? "}" : type == TK_LPAREN ? ")" : "]";
}

static const char *opener_of(int type)
{
    return type == TK_LBRACE ? "{" : type == TK_LPAREN ? "(" : "[";
}

static int top_level_keyword(int type)
{
    switch (type) {
    case TK_RULE: case TK_FACT: case TK_PACK: case TK_IMPORT: case TK_FRAMEWORK: case TK_CROSSWALK:
    case TK_SCOPE: case TK_APPETITE: case TK_WAIVE: case TK_WAIVERS: case TK_OVERRIDE: case TK_SKIP:
    case TK_TEST: case TK_SOURCE: case TK_PARAM:
        return 1;
    default:
        return 0;
    }
}

/* "expected X, Y or Z" from the parser's expected set, into buf; empty if
 * the set says nothing useful. */
static void expected_hint(const parse_state *ps, char *buf, size_t size)
{
    const char *items[8];
    int n = 0, t, ops = 0, i;
    size_t len;

    buf[0] = '\0';
    if (ps->expected[TK_RULE] && ps->expected[TK_FACT] && !ps->expected[TK_ID]) {
        snprintf(buf, size, "expected an item: `rule`, `fact`, `framework`, `import`, ...");
        return;
    }
    if (ps->expected[TK_INT])
        items[n++] = "an expression";
    for (t = 1; t < PARSE_MAX_TOKENS; t++) {
        const char *s;
        if (!ps->expected[t] || (ps->expected[TK_INT] && starts_expr(t)))
            continue;
        /* Where a name goes, any keyword may be one: "a name" says it. */
        if (ps->expected[TK_ID] && is_keyword(t))
            continue;
        if (continues_expr(t)) {
            ops = 1;
            continue;
        }
        s = spelling(t);
        if (!s || t == TK_INTERP_MID || t == TK_INTERP_END)
            continue;
        if (n == 6)
            return;          /* too many to be a useful hint */
        items[n++] = s;
    }
    if (n == 0 && ops)
        items[n++] = "an operator";
    if (n == 0)
        return;
    len = (size_t)snprintf(buf, size, "expected ");
    for (i = 0; i < n && len < size; i++) {
        const char *sep = i == 0 ? "" : i == n - 1 ? " or " : ", ";
        len += (size_t)snprintf(buf + len, size - len, "%s%s", sep, items[i]);
    }
}

static void report_syntax_error(driver *dv, const tok *cur)
{
    char hint[200];
    const lex_token *t = &cur->t;

    /* Consequences of a lexical error, already reported. */
    if (cur->lexerr || dv->prev.lexerr || (t->type == TK_INTERP_END && t->len == 0))
        return;

    /* At the end of input, or at the next item's keyword, with a bracket
     * still open: say where it was opened (the usual forgotten `}`). */
    if ((t->type == 0 || top_level_keyword(t->type)) && dv->nbrackets > 0) {
        const lex_token *open =
            &dv->brackets[(dv->nbrackets <= MAX_BRACKETS ? dv->nbrackets : MAX_BRACKETS) - 1];
        uint32_t line, col;
        source_position(dv->src, open->off, &line, &col);
        snprintf(hint, sizeof hint, "`%s` expected (to close `%s` at line %u)",
                 closer_of(open->type), opener_of(open->type), line);
    } else if (t->type == TK_ASSIGN) {
        /* `=` is only valid in declarations; elsewhere `==` was meant. */
        snprintf(hint, sizeof hint, "compare with `==`");
    } else {
        expected_hint(&dv->ps, hint, sizeof hint);
    }
    if (t->type == 0) {
        diag_error(dv->d, dv->src, dv->last_end, 0, hint[0] ? hint : NULL,
                   "unexpected end of input");
        return;
    }
    {
        /* The token as written: up to 40 bytes of its first line. */
        const char *p = dv->src->text + t->off;
        uint32_t n = 0;
        while (n < t->len && n < 40 && p[n] != '\n')
            n++;
        diag_error(dv->d, dv->src, t->off, t->len, hint[0] ? hint : NULL, "unexpected `%.*s%s`",
                   (int)n, p, n < t->len ? "..." : "");
    }
}

/* Keeps the stack of open brackets for the end-of-input message. */
static void track_brackets(driver *dv, const lex_token *t)
{
    switch (t->type) {
    case TK_LBRACE: case TK_LPAREN: case TK_LBRACKET:
        if (dv->nbrackets < MAX_BRACKETS)
            dv->brackets[dv->nbrackets] = *t;
        dv->nbrackets++;
        break;
    case TK_RBRACE: case TK_RPAREN: case TK_RBRACKET:
        if (dv->nbrackets > 0) {
            int top = dv->nbrackets <= MAX_BRACKETS ? dv->nbrackets - 1 : -1;
            int want = t->type == TK_RBRACE ? TK_LBRACE
                     : t->type == TK_RPAREN ? TK_LPAREN : TK_LBRACKET;
            if (top < 0 || dv->brackets[top].type == want)
                dv->nbrackets--;
        }
        break;
    default:
        break;
    }
}

/* A new parser in place of p, for the next item. NULL if out of memory
 * (reported). */
static void *restart(driver *dv, void *p)
{
    vparseFree(p, vouch_free);
    p = vparseAlloc(vouch_malloc);
    if (!p)
        diag_error(dv->d, dv->src, 0, 0, NULL, "out of memory");
    dv->nbrackets = 0;
    dv->prev.lexerr = 0;
    return p;
}

ast_node *parse_source(arena *a, diag_sink *d, const vouch_source *src)
{
    driver *dv;
    void *parser;
    int skipping = 0;
    int fresh = 1;           /* the parser has accepted no token yet */
    ast_node *items;

    if (!src)
        return NULL;
    dv = vouch_calloc(1, sizeof *dv);
    parser = dv ? vparseAlloc(vouch_malloc) : NULL;
    if (!parser) {
        vouch_free(dv);
        diag_error(d, src, 0, 0, NULL, "out of memory");
        return NULL;
    }
    dv->d = d;
    dv->src = src;
    dv->ps.b.a = a;
    dv->ps.b.diag = d;
    dv->ps.b.src = src;
    lex_init(&dv->lx, src, d);

    for (;;) {
        tok cur;
        if (d->truncated || a->failed)
            break;
        read_token(dv, &cur);

        if (skipping) {
            tok next;
            if (cur.t.type == 0)
                break;
            if (!top_level_keyword(cur.t.type) || dv->prev.t.type == TK_DOT) {
                dv->prev = cur;
                continue;
            }
            /* A keyword used as a field or column name is not an item. */
            read_token(dv, &next);
            dv->pending = next;
            dv->has_pending = 1;
            if (next.t.type == TK_COLON || next.t.type == TK_COMMA || next.t.type == TK_RPAREN) {
                dv->prev = cur;
                continue;
            }
            if (!(parser = restart(dv, parser)))
                break;
            skipping = 0;
            fresh = 1;
        }

    feed:
        track_brackets(dv, &cur.t);
        if (dv->nbrackets > VOUCH_MAX_BRACKETS) {
            diag_error(d, src, cur.t.off, cur.t.len, "split it into simpler parts",
                       "brackets nested more than %d deep", VOUCH_MAX_BRACKETS);
            skipping = 1;
            dv->prev = cur;
            continue;
        }
        dv->ps.syntax_error = 0;
        dv->ps.overflow = 0;
        vparse(parser, cur.t.type, cur.t, &dv->ps);
        if (dv->ps.overflow) {
            diag_error(d, src, cur.t.off, cur.t.len, "split it into simpler parts",
                       "expression nested too deeply");
            skipping = 1;
        } else if (dv->ps.syntax_error) {
            report_syntax_error(dv, &cur);
            /* An item keyword the parser could not take (often after a
             * missing `}`) starts the next item: resynchronise right here.
             * A fresh parser accepts any of them, so this happens once. */
            if (top_level_keyword(cur.t.type) && dv->prev.t.type != TK_DOT && !fresh) {
                if (!(parser = restart(dv, parser)))
                    break;
                fresh = 1;
                goto feed;
            }
            skipping = 1;
        } else {
            fresh = 0;
        }
        if (cur.t.type == 0)
            break;
        if (cur.t.len > 0)
            dv->last_end = cur.t.off + cur.t.len;
        dv->prev = cur;
    }

    if (a->failed)
        diag_error(d, src, 0, 0, NULL, "out of memory");
    items = dv->ps.items;
    if (parser)
        vparseFree(parser, vouch_free);
    vouch_free(dv);
    return items;
}
