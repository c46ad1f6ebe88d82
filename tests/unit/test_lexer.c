/*
 * test_lexer.c: the re2c tokenizer (grammar/lexer.re).
 *
 * Each case lexes a snippet and compares the token sequence, written as
 * NAME or NAME(text) with the token's exact source text, and the
 * diagnostics, written as "line:col: message".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "diag.h"
#include "lex.h"
#include "parser.h"
#include "source.h"

static const char *tk_name(int t)
{
    switch (t) {
    case 0: return "EOF";
    case TK_ID: return "ID";
    case TK_INT: return "INT";
    case TK_DATE: return "DATE";
    case TK_DUR: return "DUR";
    case TK_STRING: return "STRING";
    case TK_INTERP_START: return "ISTART";
    case TK_INTERP_MID: return "IMID";
    case TK_INTERP_END: return "IEND";
    case TK_PACK: return "PACK";
    case TK_VERSION: return "VERSION";
    case TK_IMPORT: return "IMPORT";
    case TK_FACT: return "FACT";
    case TK_KEY: return "KEY";
    case TK_ENUM: return "ENUM";
    case TK_RULE: return "RULE";
    case TK_SEVERITY: return "SEVERITY";
    case TK_MAPS: return "MAPS";
    case TK_FOR: return "FOR";
    case TK_IN: return "IN";
    case TK_WHERE: return "WHERE";
    case TK_REQUIRE: return "REQUIRE";
    case TK_SUBJECT: return "SUBJECT";
    case TK_ELSE: return "ELSE";
    case TK_EXISTS: return "EXISTS";
    case TK_ALL: return "ALL";
    case TK_COUNT: return "COUNT";
    case TK_NEWEST: return "NEWEST";
    case TK_OLDEST: return "OLDEST";
    case TK_SATISFIES: return "SATISFIES";
    case TK_AND: return "AND";
    case TK_OR: return "OR";
    case TK_NOT: return "NOT";
    case TK_TRUE: return "TRUE";
    case TK_FALSE: return "FALSE";
    case TK_NONE: return "NONE";
    case TK_TODAY: return "TODAY";
    case TK_PERIOD: return "PERIOD";
    case TK_EQ: return "EQ";
    case TK_NE: return "NE";
    case TK_LT: return "LT";
    case TK_LE: return "LE";
    case TK_GT: return "GT";
    case TK_GE: return "GE";
    case TK_PLUS: return "PLUS";
    case TK_MINUS: return "MINUS";
    case TK_STAR: return "STAR";
    case TK_SLASH: return "SLASH";
    case TK_PERCENT: return "PERCENT";
    case TK_DOT: return "DOT";
    case TK_DOTDOT: return "DOTDOT";
    case TK_COMMA: return "COMMA";
    case TK_COLON: return "COLON";
    case TK_LPAREN: return "LPAREN";
    case TK_RPAREN: return "RPAREN";
    case TK_LBRACE: return "LBRACE";
    case TK_RBRACE: return "RBRACE";
    case TK_LBRACKET: return "LBRACKET";
    case TK_RBRACKET: return "RBRACKET";
    case TK_QUESTION: return "QUESTION";
    case TK_ASSIGN: return "ASSIGN";
    case TK_ARROW: return "ARROW";
    case TK_CONTROL: return "CONTROL";
    default: return "?";
    }
}

/* ---- harness ------------------------------------------------------------- */

typedef struct run {
    arena a;
    diag_sink d;
    vouch_source *src;
    char toks[4096];         /* "ID(a) DOT ID(b)" */
    char diags[4096];        /* "1:3: msg\n" per diagnostic */
    lex_token last[64];      /* the first tokens, for span checks */
    int ntok;
} run;

static void collect(void *ctx, const vouch_diag *dg)
{
    run *r = ctx;
    uint32_t line = 0, col = 0;
    size_t n = strlen(r->diags);
    if (dg->src)
        source_position(dg->src, dg->off, &line, &col);
    snprintf(r->diags + n, sizeof r->diags - n, "%u:%u: %s\n", line, col, dg->message);
}

/* Lexes text[0..len) (len may cover embedded NULs). */
static run *lex_n(const char *text, size_t len)
{
    run *r = calloc(1, sizeof *r);
    lexer lx;
    lex_token t;
    int guard = 0;
    int names_only = 0;

    assert_non_null(r);
    arena_init(&r->a);
    r->d.fn = collect;
    r->d.ctx = r;
    r->d.a = &r->a;
    r->src = source_new(&r->a, "t.vouch", text, len);
    assert_non_null(r->src);
    lex_init(&lx, r->src, &r->d);
    for (;;) {
        size_t n = strlen(r->toks);
        int type = lex_next(&lx, &t);
        assert_int_equal(type, t.type);
        assert_true(t.off + t.len <= r->src->len);
        if (r->ntok < 64)
            r->last[r->ntok] = t;
        r->ntok++;
        if (type == 0)
            break;
        /* Keywords and punctuation are shown by name only. */
        names_only = type != TK_ID && type != TK_INT && type != TK_DATE && type != TK_DUR &&
                     type != TK_STRING && type != TK_INTERP_START && type != TK_INTERP_MID &&
                     type != TK_INTERP_END;
        if (names_only)
            snprintf(r->toks + n, sizeof r->toks - n, "%s%s", n ? " " : "", tk_name(type));
        else
            snprintf(r->toks + n, sizeof r->toks - n, "%s%s(%.*s)", n ? " " : "", tk_name(type),
                     (int)t.len, r->src->text + t.off);
        assert_true(++guard < 10000);
    }
    /* The end is sticky. */
    assert_int_equal(lex_next(&lx, &t), 0);
    assert_int_equal(t.off, r->src->len);
    assert_int_equal(t.len, 0);
    return r;
}

static run *lex(const char *text)
{
    return lex_n(text, strlen(text));
}

static void done(run *r)
{
    arena_free(&r->a);
    free(r);
}

#define EXPECT_TOKENS(text, want)                                                         \
    do {                                                                                  \
        run *r_ = lex(text);                                                              \
        assert_string_equal(r_->toks, want);                                              \
        assert_string_equal(r_->diags, "");                                               \
        done(r_);                                                                         \
    } while (0)

/* ---- cases --------------------------------------------------------------- */

static void test_operators(void **state)
{
    (void)state;
    EXPECT_TOKENS("== != < <= > >= + - * / % . .. , : ( ) { } [ ] ?",
                  "EQ NE LT LE GT GE PLUS MINUS STAR SLASH PERCENT DOT DOTDOT COMMA COLON "
                  "LPAREN RPAREN LBRACE RBRACE LBRACKET RBRACKET QUESTION");
    EXPECT_TOKENS("a<=b>=c!=d", "ID(a) LE ID(b) GE ID(c) NE ID(d)");
}

static void test_keywords_and_identifiers(void **state)
{
    (void)state;
    EXPECT_TOKENS("pack version import fact key enum rule severity maps",
                  "PACK VERSION IMPORT FACT KEY ENUM RULE SEVERITY MAPS");
    EXPECT_TOKENS("for in where require subject else exists all count newest oldest satisfies",
                  "FOR IN WHERE REQUIRE SUBJECT ELSE EXISTS ALL COUNT NEWEST OLDEST SATISFIES");
    EXPECT_TOKENS("and or not true false none today period",
                  "AND OR NOT TRUE FALSE NONE TODAY PERIOD");
    /* A keyword is only a keyword as a whole word. */
    EXPECT_TOKENS("rules for_x _a1 inx Rule periodic x9_",
                  "ID(rules) ID(for_x) ID(_a1) ID(inx) ID(Rule) ID(periodic) ID(x9_)");
}

static void test_numbers_dates_durations(void **state)
{
    (void)state;
    EXPECT_TOKENS("42 007 2026-11-21 92d 2w 0d",
                  "INT(42) INT(007) DATE(2026-11-21) DUR(92d) DUR(2w) DUR(0d)");
    /* Not a date: too few digits somewhere, so integers and minus signs. */
    EXPECT_TOKENS("2026-11 2026-1-01 26-11-21",
                  "INT(2026) MINUS INT(11) INT(2026) MINUS INT(1) MINUS INT(01) "
                  "INT(26) MINUS INT(11) MINUS INT(21)");
    EXPECT_TOKENS("2025-10-01..2026-09-30", "DATE(2025-10-01) DOTDOT DATE(2026-09-30)");
    EXPECT_TOKENS("today - 92d", "TODAY MINUS DUR(92d)");
    EXPECT_TOKENS("1..5", "INT(1) DOTDOT INT(5)");
    EXPECT_TOKENS("x.y.z", "ID(x) DOT ID(y) DOT ID(z)");
}

static void test_malformed_number(void **state)
{
    run *r = lex("a 92days b 3x");
    (void)state;
    /* Reported, and returned as INT so parsing does not cascade. */
    assert_string_equal(r->toks, "ID(a) INT(92days) ID(b) INT(3x)");
    assert_string_equal(r->diags, "1:3: malformed number `92days`\n"
                                  "1:12: malformed number `3x`\n");
    done(r);
}

static void test_comments_and_space(void **state)
{
    (void)state;
    EXPECT_TOKENS("a # comment with \"quote and { brace\nb", "ID(a) ID(b)");
    EXPECT_TOKENS("# only a comment", "");
    EXPECT_TOKENS("a\t\r\n  b\r\n", "ID(a) ID(b)");
    EXPECT_TOKENS("", "");
    /* A byte order mark is skipped. */
    EXPECT_TOKENS("\xEF\xBB\xBFpack", "PACK");
}

static void test_strings_and_escapes(void **state)
{
    run *r;
    char *s;
    uint32_t n;
    (void)state;

    EXPECT_TOKENS("\"abc\" \"\"", "STRING(\"abc\") STRING(\"\")");
    EXPECT_TOKENS("\"a\\\"b\\\\c\\n\\t\\{\\}\"", "STRING(\"a\\\"b\\\\c\\n\\t\\{\\}\")");
    /* Non-ASCII text and a lone `}` are plain text in a string. */
    EXPECT_TOKENS("\"d\xC3\xA9j\xC3\xA0 } vu\"", "STRING(\"d\xC3\xA9j\xC3\xA0 } vu\")");

    r = lex("\"a\\\"b\\\\c\\n\\t\\{\\}\"");
    assert_int_equal(r->last[0].off, 0);
    assert_int_equal(r->last[0].len, r->src->len);
    s = lex_unescape(&r->a, r->src->text + 1, r->last[0].len - 2, &n);
    assert_non_null(s);
    assert_int_equal(n, 9);
    assert_string_equal(s, "a\"b\\c\n\t{}");
    done(r);
}

static void test_unknown_escape(void **state)
{
    run *r = lex("\"a\\qb\" x");
    (void)state;
    assert_string_equal(r->toks, "STRING(\"a\\qb\") ID(x)");
    assert_string_equal(r->diags, "1:3: unknown escape `\\q` in string\n");
    done(r);
}

static void test_interpolation(void **state)
{
    (void)state;
    /* The example from lex.h. */
    EXPECT_TOKENS("\"no review for {c.control} since {d}\"",
                  "ISTART(\"no review for {) ID(c) DOT CONTROL IMID(} since {) ID(d) "
                  "IEND(}\")");
    EXPECT_TOKENS("\"{a}\"", "ISTART(\"{) ID(a) IEND(}\")");
    EXPECT_TOKENS("\"{a}{b}\" x", "ISTART(\"{) ID(a) IMID(}{) ID(b) IEND(}\") ID(x)");
    EXPECT_TOKENS("\"x {today - 92d} y\"", "ISTART(\"x {) TODAY MINUS DUR(92d) IEND(} y\")");
    /* Escaped braces do not interpolate. */
    EXPECT_TOKENS("\"\\{a\\}\"", "STRING(\"\\{a\\}\")");
}

static void test_interpolation_nesting(void **state)
{
    (void)state;
    /* Braces inside the expression are counted: only the `}` at depth 0
     * resumes the string. */
    EXPECT_TOKENS("\"x {f({a})} y\"",
                  "ISTART(\"x {) ID(f) LPAREN LBRACE ID(a) RBRACE RPAREN IEND(} y\")");
    /* A string inside an interpolation, itself interpolating. */
    EXPECT_TOKENS("\"a {f(\"b {c} d\")} e\"",
                  "ISTART(\"a {) ID(f) LPAREN ISTART(\"b {) ID(c) IEND(} d\") RPAREN "
                  "IEND(} e\")");
    /* Outside any string, braces are braces. */
    EXPECT_TOKENS("{ } }", "LBRACE RBRACE RBRACE");
}

static void test_interpolation_too_deep(void **state)
{
    char text[256] = "";
    run *r;
    int i;
    (void)state;
    /* Eight levels are fine. */
    for (i = 0; i < LEX_MAX_INTERP_DEPTH; i++)
        strcat(text, "\"{");
    strcat(text, "x");
    for (i = 0; i < LEX_MAX_INTERP_DEPTH; i++)
        strcat(text, "}\"");
    r = lex(text);
    assert_string_equal(r->diags, "");
    done(r);

    /* The ninth `{` is reported (and read as text). */
    strcpy(text, "");
    for (i = 0; i <= LEX_MAX_INTERP_DEPTH; i++)
        strcat(text, "\"{");
    r = lex(text);
    assert_non_null(strstr(r->diags, "1:18: string interpolation nested more than 8 deep\n"));
    done(r);
}

static void test_unterminated_string(void **state)
{
    run *r;
    (void)state;

    r = lex("a \"abc\nb");
    /* The string stops at the end of its line; the next line lexes. */
    assert_string_equal(r->toks, "ID(a) STRING(\"abc) ID(b)");
    assert_string_equal(r->diags, "1:3: unterminated string\n");
    done(r);

    r = lex("\"abc");
    assert_string_equal(r->toks, "STRING(\"abc)");
    assert_string_equal(r->diags, "1:1: unterminated string\n");
    done(r);

    /* A trailing backslash does not escape the newline. */
    r = lex("\"abc\\\nx");
    assert_string_equal(r->toks, "STRING(\"abc\\) ID(x)");
    assert_string_equal(r->diags, "1:1: unterminated string\n");
    done(r);
}

static void test_unterminated_interpolation(void **state)
{
    run *r;
    (void)state;

    /* The open `{` is closed with an empty INTERP_END at the newline. */
    r = lex("x \"a {b\nc");
    assert_string_equal(r->toks, "ID(x) ISTART(\"a {) ID(b) IEND() ID(c)");
    assert_string_equal(r->diags, "1:3: unterminated string\n");
    assert_int_equal(r->last[3].off, 7);
    assert_int_equal(r->last[3].len, 0);
    done(r);

    /* At the end of input likewise. */
    r = lex("\"a {b");
    assert_string_equal(r->toks, "ISTART(\"a {) ID(b) IEND()");
    assert_string_equal(r->diags, "1:1: unterminated string\n");
    done(r);

    /* Nested: every level is closed, one message. */
    r = lex("\"a {f(\"b {c\nd");
    assert_string_equal(r->toks, "ISTART(\"a {) ID(f) LPAREN ISTART(\"b {) ID(c) IEND() IEND() ID(d)");
    assert_string_equal(r->diags, "1:1: unterminated string\n");
    done(r);

    /* A string starting inside `{...}` and running off the line: reported
     * once, at its own quote. */
    r = lex("\"bad {x.y\"\nz");
    assert_string_equal(r->toks, "ISTART(\"bad {) ID(x) DOT ID(y) STRING(\") IEND() ID(z)");
    assert_string_equal(r->diags, "1:10: unterminated string\n");
    done(r);
}

static void test_bad_characters(void **state)
{
    run *r;
    (void)state;

    r = lex("a @ b $");
    assert_string_equal(r->toks, "ID(a) ID(b)");
    assert_string_equal(r->diags, "1:3: unexpected character `@`\n"
                                  "1:7: unexpected character `$`\n");
    done(r);

    /* A NUL before the end is a bad character, not the end. */
    r = lex_n("a\0b", 3);
    assert_string_equal(r->toks, "ID(a) ID(b)");
    assert_string_equal(r->diags, "1:2: unexpected byte 0x00\n");
    done(r);

    /* ... also inside a string. */
    r = lex_n("\"a\0b\"", 5);
    assert_string_equal(r->diags, "1:3: unexpected byte 0x00\n");
    assert_int_equal(r->ntok, 2);
    done(r);

    /* A run of non-ASCII bytes outside a string is one error. */
    r = lex("x \xC3\xA9\xC3\xA9 y");
    assert_string_equal(r->toks, "ID(x) ID(y)");
    assert_string_equal(r->diags, "1:3: unexpected non-ASCII character\n");
    done(r);

    r = lex("a\x01" "b");
    assert_string_equal(r->toks, "ID(a) ID(b)");
    assert_string_equal(r->diags, "1:2: unexpected byte 0x01\n");
    done(r);
}

static void test_foreign_operators(void **state)
{
    run *r = lex("a = b && c || !d");
    (void)state;
    /* Reported with the spelling to use, and read as that operator. `=` is
     * a token of its own (scope and appetite declarations use it); the
     * parser says "compare with `==`" where a comparison was meant. */
    assert_string_equal(r->toks, "ID(a) ASSIGN ID(b) AND ID(c) OR NOT ID(d)");
    assert_string_equal(r->diags, "1:7: unexpected `&&`\n"
                                  "1:12: unexpected `||`\n"
                                  "1:15: unexpected `!`\n");
    done(r);
}

static void test_positions(void **state)
{
    run *r = lex("rule x\n  \"t\" # c\n\t92d");
    uint32_t line, col;
    (void)state;
    assert_int_equal(r->ntok, 5);
    assert_int_equal(r->last[0].off, 0);
    assert_int_equal(r->last[0].len, 4);
    assert_int_equal(r->last[1].off, 5);
    assert_int_equal(r->last[2].off, 9);
    assert_int_equal(r->last[2].len, 3);
    source_position(r->src, r->last[3].off, &line, &col);
    assert_int_equal(line, 3);
    assert_int_equal(col, 2);
    assert_int_equal(r->last[4].off, r->src->len);
    done(r);
}

/* Every byte value at every position of a small template: the lexer ends,
 * makes progress and keeps spans inside the text (lex_n asserts it). */
static void test_all_bytes(void **state)
{
    static const char tmpl[] = "r \"a{b}c\" 2026-01-01 9d # x\n{";
    char buf[sizeof tmpl];
    size_t pos;
    int c;
    (void)state;
    for (pos = 0; pos + 1 < sizeof tmpl; pos++) {
        for (c = 0; c < 256; c++) {
            memcpy(buf, tmpl, sizeof tmpl);
            buf[pos] = (char)c;
            done(lex_n(buf, sizeof tmpl - 1));
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_operators),
        cmocka_unit_test(test_keywords_and_identifiers),
        cmocka_unit_test(test_numbers_dates_durations),
        cmocka_unit_test(test_malformed_number),
        cmocka_unit_test(test_comments_and_space),
        cmocka_unit_test(test_strings_and_escapes),
        cmocka_unit_test(test_unknown_escape),
        cmocka_unit_test(test_interpolation),
        cmocka_unit_test(test_interpolation_nesting),
        cmocka_unit_test(test_interpolation_too_deep),
        cmocka_unit_test(test_unterminated_string),
        cmocka_unit_test(test_unterminated_interpolation),
        cmocka_unit_test(test_bad_characters),
        cmocka_unit_test(test_foreign_operators),
        cmocka_unit_test(test_positions),
        cmocka_unit_test(test_all_bytes),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
