/*
 * test_parser.c: the grammar (grammar/parser.y), its driver
 * (compiler/parse.c), the AST constructors and dump (compiler/ast.c) and
 * the rendering of diagnostics (compiler/diag.c).
 *
 * Trees are compared through ast_dump's S-expressions; diagnostics as
 * "line:col: message -- hint".
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "source.h"

/* ---- harness ------------------------------------------------------------- */

typedef struct res {
    arena a;
    diag_sink d;
    vouch_source *src;
    ast_node *items;
    char *dump;              /* items, one per line */
    char diags[8192];
} res;

static void collect(void *ctx, const vouch_diag *dg)
{
    res *r = ctx;
    uint32_t line = 0, col = 0;
    size_t n = strlen(r->diags);
    if (dg->src)
        source_position(dg->src, dg->off, &line, &col);
    snprintf(r->diags + n, sizeof r->diags - n, "%u:%u: %s%s%s\n", line, col, dg->message,
             dg->hint ? " -- " : "", dg->hint ? dg->hint : "");
}

static char *dump_items(const ast_node *items)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    const ast_node *n;
    assert_non_null(f);
    for (n = items; n; n = n->next) {
        ast_dump(n, f);
        if (n->next)
            fputc('\n', f);
    }
    fclose(f);
    return buf;
}

static res *parse_n(const char *text, size_t len)
{
    res *r = calloc(1, sizeof *r);
    assert_non_null(r);
    arena_init(&r->a);
    r->d.fn = collect;
    r->d.ctx = r;
    r->d.a = &r->a;
    r->src = source_new(&r->a, "t.vouch", text, len);
    assert_non_null(r->src);
    r->items = parse_source(&r->a, &r->d, r->src);
    r->dump = dump_items(r->items);
    return r;
}

static res *parse(const char *text)
{
    return parse_n(text, strlen(text));
}

static void done(res *r)
{
    free(r->dump);
    arena_free(&r->a);
    free(r);
}

/* Parses text, which must have no diagnostics, and compares its dump. */
static void expect_dump(const char *text, const char *want)
{
    res *r = parse(text);
    assert_string_equal(r->diags, "");
    assert_string_equal(r->dump, want);
    done(r);
}

static void expect_diags(const char *text, const char *want)
{
    res *r = parse(text);
    assert_string_equal(r->diags, want);
    done(r);
}

/* The dump of expression e, as a rule's `require`. */
static void expect_expr(const char *e, const char *want)
{
    char text[1024], full[2048];
    snprintf(text, sizeof text, "rule r \"t\" severity high { require %s }", e);
    snprintf(full, sizeof full, "(rule r \"t\" (severity high) (require %s))", want);
    expect_dump(text, full);
}

/* The source text of a node. */
static char *text_of(const res *r, const ast_node *n)
{
    static char buf[512];
    snprintf(buf, sizeof buf, "%.*s", (int)n->len, r->src->text + n->off);
    return buf;
}

static char *read_file(const char *rel, size_t *len)
{
    /* Run from the repository root (make test does); otherwise find it
     * from this file's path. */
    char path[1024];
    const char *roots[] = {"", "../", "../../"};
    FILE *f = NULL;
    char *buf;
    size_t i, cap = 1 << 20;
    for (i = 0; i < sizeof roots / sizeof roots[0] && !f; i++) {
        snprintf(path, sizeof path, "%s%s", roots[i], rel);
        f = fopen(path, "rb");
    }
    if (!f) {
        const char *me = __FILE__, *slash = strstr(me, "tests/unit/");
        if (slash) {
            snprintf(path, sizeof path, "%.*s%s", (int)(slash - me), me, rel);
            f = fopen(path, "rb");
        }
    }
    assert_non_null(f);
    buf = malloc(cap);
    assert_non_null(buf);
    *len = fread(buf, 1, cap - 1, f);
    buf[*len] = '\0';
    fclose(f);
    return buf;
}

/* ---- trees --------------------------------------------------------------- */

static void test_items(void **state)
{
    (void)state;
    expect_dump("pack \"p\" version \"1.0.0\"\n"
                "import \"isms\"\n"
                "fact f key (a, b) { a: text, b: int? c: enum(x, y)?\n d: date }\n"
                "fact g { }\n"
                "fact h key (a) dated by d { a: text d: date }\n"
                "fact dated dated by dated { dated: date }\n",
                "(pack \"p\" \"1.0.0\")\n"
                "(import \"isms\")\n"
                "(fact f (key a b) (a text) (b int?) (c (enum x y)?) (d date))\n"
                "(fact g)\n"
                "(fact h (key a) (dated d) (a text) (d date))\n"
                "(fact dated (dated dated) (dated date))");
    expect_dump("", "");
    expect_dump("# nothing but a comment\n", "");
}

static void test_rule(void **state)
{
    (void)state;
    expect_dump("rule R1 \"Title\" severity high maps iso \"A.5.18\" {\n"
                "  for s in soa where s.applicable\n"
                "  for q in quarters(period)\n"
                "  require exists e in evidence where e.x == s.x\n"
                "  else \"m {s.x}\"\n"
                "  subject s.id\n"
                "}",
                "(rule R1 \"Title\" (severity high)"
                " (for s soa (where (. s applicable)))"
                " (for q (call quarters period))"
                " (require (exists e evidence (where (== (. e x) (. s x)))))"
                " (subject (. s id))"
                " (else (interp \"m \" (. s x))))");
    /* Header clauses in any order. */
    expect_dump("rule r \"t\" maps a \"1\" severity low maps b \"2\" { require x }",
                "(rule r \"t\" (severity low) (require x))");
}

static void test_precedence(void **state)
{
    (void)state;
    expect_expr("a or b and not c == d + e * -f.g",
                "(or a (and b (not (== c (+ d (* e (neg (. f g))))))))");
    expect_expr("a or b or c", "(or (or a b) c)");
    expect_expr("a - b - c", "(- (- a b) c)");
    expect_expr("a * b % c / d", "(/ (% (* a b) c) d)");
    expect_expr("(a or b) and c", "(and (or a b) c)");
    expect_expr("a + b < c * d", "(< (+ a b) (* c d))");
    expect_expr("not a and b", "(and (not a) b)");
    expect_expr("not not a", "(not (not a))");
    expect_expr("x in [1, \"a\", none] and y", "(and (in x (1 \"a\" none)) y)");
    expect_expr("2025-10-01..2026-09-30", "(.. (date 20362) (date 20726))");
    expect_expr("d >= today - 92d and d <= today", "(and (>= d (- today (dur 92))) (<= d today))");
    expect_expr("f() + g(1, x.y)", "(+ (call f) (call g 1 (. x y)))");
    expect_expr("-2w", "(neg (dur 14))");
    expect_expr("-a.b", "(neg (. a b))");
    expect_expr("true != false", "(!= true false)");
    expect_expr("period", "period");
    expect_expr("(((x)))", "x");
}

static void test_strings(void **state)
{
    (void)state;
    expect_expr("\"a{x}{y}b\"", "(interp \"a\" x y \"b\")");
    expect_expr("\"{x}\"", "(interp x)");
    expect_expr("\"\"", "\"\"");
    expect_expr("\"q\\\"b\\\\s\\n\\t\\{\\}\"", "\"q\\\"b\\\\s\\n\\t{}\"");
    expect_expr("\"{s.framework}/{s.control}@{q.start}\"",
                "(interp (. s framework) \"/\" (. s control) \"@\" (. q start))");
    /* Nested strings and braces in interpolations. */
    expect_expr("\"a {f(\"b {c} d\")} e\"", "(interp \"a \" (call f (interp \"b \" c \" d\")) \" e\")");
    expect_expr("\"{today - 92d}\"", "(interp (- today (dur 92)))");
}

static void test_quantifiers(void **state)
{
    (void)state;
    expect_expr("exists x in T", "(exists x T)");
    /* The `where` extends as far right as possible. */
    expect_expr("a and exists x in T where x.b or c", "(and a (exists x T (where (or (. x b) c))))");
    expect_expr("a != none and exists p in person where p.id == a",
                "(and (!= a none) (exists p person (where (== (. p id) a))))");
    expect_expr("(exists x in T where x.a) and b", "(and (exists x T (where (. x a))) b)");
    expect_expr("not exists x in T where x.a", "(not (exists x T (where (. x a))))");
    expect_expr("all x in T where x.a satisfies x.b and c",
                "(all x T (where (. x a)) (satisfies (and (. x b) c)))");
    expect_expr("all x in T satisfies x.b", "(all x T (satisfies (. x b)))");
    expect_expr("(count x in T where x.a) > 3", "(> (count x T (where (. x a))) 3)");
    expect_expr("count x in T", "(count x T)");
    expect_expr("newest e.d for e in E where e.k == 1",
                "(newest (. e d) e E (where (== (. e k) 1)))");
    expect_expr("oldest e.d for e in E", "(oldest (. e d) e E)");
    expect_expr("exists x in T where all y in U satisfies y.a == x.a",
                "(exists x T (where (all y U (satisfies (== (. y a) (. x a))))))");
    expect_expr("(exists x in T where x.a) or (exists y in U)",
                "(or (exists x T (where (. x a))) (exists y U))");
}

static void test_keywords_as_names(void **state)
{
    (void)state;
    expect_dump("fact f key (period, key, version) {\n"
                "  period: date, key: text, version: int\n"
                "  for: text\n  rule: int\n  severity: text\n  in: bool?\n"
                "}",
                "(fact f (key period key version) (period date) (key text) (version int)"
                " (for text) (rule int) (severity text) (in bool?))");
    expect_expr("x.for == x.rule and x.in and x.version != x.key",
                "(and (and (== (. x for) (. x rule)) (. x in)) (!= (. x version) (. x key)))");
    expect_expr("x.period.count.none", "(. (. (. x period) count) none)");
    /* Soft keywords are names wherever a name goes. */
    expect_expr("version == key", "(== version key)");
}

static void test_literals(void **state)
{
    (void)state;
    expect_expr("1970-01-01", "(date 0)");
    expect_expr("1969-12-31", "(date -1)");
    expect_expr("0001-01-01", "(date -719162)");
    expect_expr("9999-12-31", "(date 2932896)");
    expect_expr("2024-02-29", "(date 19782)");
    expect_expr("2000-03-01", "(date 11017)");
    expect_expr("2026-11-21", "(date 20778)");
    expect_expr("9223372036854775807", "9223372036854775807");
    expect_expr("0", "0");
    expect_expr("92d + 2w + 0d", "(+ (+ (dur 92) (dur 14)) (dur 0))");

    expect_diags("rule r \"t\" severity high { require 2023-02-29 }",
                 "1:36: `2023-02-29` is not a calendar date -- "
                 "a date is YYYY-MM-DD with a real month and day\n");
    expect_diags("rule r \"t\" severity high { require 0000-01-01 or 2026-13-01 or 2026-04-31 "
                 "or 2026-00-10 }",
                 "1:36: `0000-01-01` is not a calendar date -- years run from 0001 to 9999\n"
                 "1:50: `2026-13-01` is not a calendar date -- "
                 "a date is YYYY-MM-DD with a real month and day\n"
                 "1:64: `2026-04-31` is not a calendar date -- "
                 "a date is YYYY-MM-DD with a real month and day\n"
                 "1:78: `2026-00-10` is not a calendar date -- "
                 "a date is YYYY-MM-DD with a real month and day\n");
    expect_diags("rule r \"t\" severity high { require 9223372036854775808 }",
                 "1:36: integer `9223372036854775808` is too large -- "
                 "the largest integer is 9223372036854775807\n");
    expect_diags("rule r \"t\" severity high { require 99999999999999999999w }",
                 "1:36: duration `99999999999999999999w` is too large\n");
}

static void test_spans(void **state)
{
    res *r = parse("pack \"p\" version \"1\"\n"
                   "rule r \"t\" severity high {\n"
                   "  for s in soa where s.a\n"
                   "  require s.b + (c) > 1 and exists x in T where x.y\n"
                   "  else \"m {s.b}!\"\n"
                   "}\n");
    const ast_node *rule, *req;
    (void)state;
    assert_string_equal(r->diags, "");
    assert_string_equal(text_of(r, r->items), "pack \"p\" version \"1\"");
    rule = r->items->next;
    assert_non_null(rule);
    assert_int_equal(rule->kind, AST_RULE);
    assert_int_equal(rule->src, r->src);
    assert_int_equal(rule->off, 21);
    assert_int_equal(rule->off + rule->len, r->src->len - 1);
    assert_string_equal(text_of(r, rule->u.rule.fors), "for s in soa where s.a");
    req = rule->u.rule.require;
    assert_string_equal(text_of(r, req), "s.b + (c) > 1 and exists x in T where x.y");
    assert_string_equal(text_of(r, req->u.binary.lhs), "s.b + (c) > 1");
    assert_string_equal(text_of(r, req->u.binary.lhs->u.binary.lhs->u.binary.rhs), "(c)");
    assert_string_equal(text_of(r, req->u.binary.rhs), "exists x in T where x.y");
    assert_string_equal(text_of(r, rule->u.rule.message), "\"m {s.b}!\"");
    assert_string_equal(text_of(r, rule->u.rule.title), "\"t\"");
    /* Names are slices of the source. */
    assert_ptr_equal(rule->u.rule.id.p, r->src->text + 26);
    assert_int_equal(rule->u.rule.id.len, 1);
    assert_int_equal(rule->u.rule.id.off, 26);
    assert_string_equal(ast_kind_name(AST_QUANT), "quant");
    assert_string_equal(ast_kind_name(-1), "?");
    done(r);
}

/* ---- the example files --------------------------------------------------- */

static void check_example(const char *path, int nitems)
{
    size_t len;
    char *text = read_file(path, &len);
    res *r = parse_n(text, len);
    const ast_node *n;
    int k = 0;
    assert_string_equal(r->diags, "");
    assert_int_equal(r->d.nerrors, 0);
    for (n = r->items; n; n = n->next)
        k++;
    assert_int_equal(k, nitems);
    done(r);
    free(text);
}

static void test_examples(void **state)
{
    (void)state;
    check_example("rules/reference/reference.vouch", 9);
    check_example("stdlib/isms.vouch", 20);
}

/* ---- errors -------------------------------------------------------------- */

static void test_error_hints(void **state)
{
    (void)state;
    expect_diags("rule a \"t\" severity high { require x == }",
                 "1:41: unexpected `}` -- expected an expression\n");
    expect_diags("fact f { a text }", "1:12: unexpected `text` -- expected `:`\n");
    expect_diags("rule a \"t\" severity high { require (a and b subject x }",
                 "1:45: unexpected `subject` -- expected `)`\n");
    expect_diags("pack \"x\" \"1\"", "1:10: unexpected `\"1\"` -- expected `version`\n");
    expect_diags("import isms", "1:8: unexpected `isms` -- expected a string\n");
    expect_diags("foo", "1:1: unexpected `foo` -- expected an item: `rule`, `fact`, `framework`, `import`, ...\n");
    expect_diags("rule a \"t\" severity low { for s in soa require s.x = 1 }",
                 "1:52: unexpected `=` -- compare with `==`\n");
    expect_diags("rule a \"t\" severity high { require x y }",
                 "1:38: unexpected `y` -- expected `for`, `require`, `subject`, `else`, `every` or `}`\n");
    /* A forgotten operand before a clause keyword: the keyword is not
     * taken for a name. */
    expect_diags("rule a \"t\" severity high {\n  for s in soa where s.a and\n  require s.b\n}",
                 "3:3: unexpected `require` -- expected an expression\n");
    expect_diags("rule a \"t\" severity high { require x.1 }",
                 "1:38: unexpected `1` -- expected a name\n");
}

static void test_rule_clause_errors(void **state)
{
    (void)state;
    expect_diags("rule a \"t\" { require x }",
                 "1:6: rule `a` has no severity -- "
                 "add a clause such as `severity high` between the title and `{`\n");
    expect_diags("rule a \"t\" severity high { for x in T }",
                 "1:6: rule `a` has no `require` clause -- say what must hold with `require CONDITION`\n");
    expect_diags("rule a \"t\" severity high severity low { require x }",
                 "1:26: rule `a` already has a severity -- give one severity per rule\n");
    expect_diags("rule a \"t\" severity high { require x require y }",
                 "1:38: rule `a` already has a `require` clause -- combine the conditions with `and`\n");
    expect_diags("rule a \"t\" severity high { require x for y in T }",
                 "1:38: `for` after `require` -- a rule's body is its `for` clauses, then "
                 "`require`, then `subject` and `else`\n");
    expect_diags("rule a \"t\" severity high { subject x require y }",
                 "1:38: `require` after `subject` -- a rule's body is its `for` clauses, then "
                 "`require`, then `subject` and `else`\n");
    expect_diags("rule a \"t\" severity high { require x else \"a\" else \"b\" }",
                 "1:47: rule `a` already has a `else` clause\n");
}

static void test_multiple_errors(void **state)
{
    res *r = parse("pack \"x\" version \"1\"\n"
                   "rule a \"A\" severity high {\n"
                   "  require s.x ==\n"
                   "}\n"
                   "fact f { a: text b text }\n"
                   "rule good \"G\" severity low { require ok }\n"
                   "rule b \"B\" severity high {\n"
                   "  require (a and b\n"
                   "  subject x\n"
                   "}\n"
                   "import \"isms\"\n");
    (void)state;
    assert_string_equal(r->diags,
                        "4:1: unexpected `}` -- expected an expression\n"
                        "5:20: unexpected `text` -- expected `:`\n"
                        "9:3: unexpected `subject` -- expected `)`\n");
    assert_int_equal(r->d.nerrors, 3);
    /* What parsed around the errors is kept. */
    assert_string_equal(r->dump, "(pack \"x\" \"1\")\n"
                                 "(rule good \"G\" (severity low) (require ok))\n"
                                 "(import \"isms\")");
    done(r);
}

static void test_unclosed(void **state)
{
    res *r;
    (void)state;
    expect_diags("rule a \"t\" severity high {\n  require x\n",
                 "2:12: unexpected end of input -- `}` expected (to close `{` at line 1)\n");
    expect_diags("rule a \"t\" severity high {\n  require (x and\n  (y or z)\n\n",
                 "3:11: unexpected end of input -- `)` expected (to close `(` at line 2)\n");
    expect_diags("rule a \"t\" severity high { require x in [a, b",
                 "1:46: unexpected end of input -- `]` expected (to close `[` at line 1)\n");
    expect_diags("fact f key (a", "1:14: unexpected end of input -- `)` expected (to close `(` at line 1)\n");
    expect_diags("rule a \"t\"", "1:11: unexpected end of input -- expected `severity`, `maps`, `scope`, `enforcement` or `{`\n");

    /* A forgotten `}` before the next rule: that rule still parses. */
    r = parse("rule a \"t\" severity high {\n"
              "  require x\n"
              "rule b \"u\" severity low { require y }\n");
    assert_string_equal(r->diags,
                        "3:1: unexpected `rule` -- `}` expected (to close `{` at line 1)\n");
    assert_string_equal(r->dump, "(rule b \"u\" (severity low) (require y))");
    done(r);
}

static void test_lexical_errors_do_not_cascade(void **state)
{
    (void)state;
    expect_diags("rule a \"t\" severity high { require x @ y }",
                 "1:38: unexpected character `@`\n");
    expect_diags("rule a \"t\" severity high {\n  require x\n  else \"bad {x.y\"\n}\n"
                 "rule b \"u\" severity low { require y }",
                 "3:17: unterminated string -- this string is inside the `{...}` of the string "
                 "at column 8: is a `}` missing? (write `\\{` for a literal brace)\n");
    expect_diags("rule a \"t\" severity high { require \"abc\n}",
                 "1:36: unterminated string -- a string ends on the line it starts: close it with `\"`\n");
}

static void test_resync_ignores_keyword_names(void **state)
{
    res *r = parse("fact f { a: text b }\n"
                   "fact g { rule: text, fact: int }\n"
                   "rule r \"t\" severity high { require x.rule }\n");
    (void)state;
    /* After the error in f, `rule:` is a field name, not an item. */
    assert_string_equal(r->diags, "1:20: unexpected `}` -- expected `:`\n");
    assert_string_equal(r->dump, "(fact g (rule text) (fact int))\n"
                                 "(rule r \"t\" (severity high) (require (. x rule)))");
    done(r);
}

static void test_error_limit(void **state)
{
    char text[4096] = "";
    res *r;
    int i;
    (void)state;
    for (i = 0; i < 40; i++)
        strcat(text, "rule a \"t\" severity high { require == }\n");
    r = parse(text);
    assert_int_equal(r->d.nerrors, DIAG_MAX_ERRORS);
    assert_int_equal(r->d.truncated, 1);
    done(r);
}

static void test_deep_nesting(void **state)
{
    size_t depth = 5000, i;
    char *text = malloc(depth * 2 + 100);
    char *p = text;
    res *r;
    (void)state;
    p += sprintf(p, "rule a \"t\" severity high { require ");
    for (i = 0; i < depth; i++)
        *p++ = '(';
    *p++ = 'x';
    for (i = 0; i < depth; i++)
        *p++ = ')';
    strcpy(p, " }\nrule b \"u\" severity low { require y }");
    r = parse(text);
    /* VOUCH_MAX_BRACKETS (runtime/base/vouch_limits.h) */
    assert_non_null(strstr(r->diags, ": brackets nested more than 64 deep -- split it into simpler parts\n"));
    assert_int_equal(r->d.nerrors, 1);
    assert_string_equal(r->dump, "(rule b \"u\" (severity low) (require y))");
    done(r);
    free(text);
}

/* Every prefix of the example files, and every position overwritten with a
 * few troublesome bytes: no crash, no hang, a bounded number of errors. */
static void test_robustness(void **state)
{
    static const char bytes[] = {'}', '(', '"', '{', '\0', '\n', '.', 'x'};
    const char *files[] = {"rules/reference/reference.vouch", "stdlib/isms.vouch"};
    size_t f;
    (void)state;
    for (f = 0; f < 2; f++) {
        size_t len, n, k;
        char *text = read_file(files[f], &len);
        char *copy = malloc(len + 1);
        for (n = 0; n <= len; n++) {
            res *r = parse_n(text, n);
            assert_true(r->d.nerrors <= DIAG_MAX_ERRORS);
            done(r);
        }
        for (n = 0; n < len; n += f == 0 ? 1 : 3) {
            for (k = 0; k < sizeof bytes; k++) {
                res *r;
                memcpy(copy, text, len);
                copy[n] = bytes[k];
                r = parse_n(copy, len);
                assert_true(r->d.nerrors <= DIAG_MAX_ERRORS);
                done(r);
            }
        }
        free(copy);
        free(text);
    }
}

/* ---- diagnostics ----------------------------------------------------------- */

static char *render(const vouch_diag *dg)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    diag_render(dg, f);
    fclose(f);
    return buf;
}

static void test_render(void **state)
{
    arena a;
    vouch_source *s;
    vouch_diag dg;
    char *out;
    (void)state;

    arena_init(&a);
    s = source_new(&a, "rules/x.vouch",
                   "\n\n\n\n\n\n\n\n\n\n\n"
                   "  require exists e in evidense where e.control == c.control\n"
                   "\tx\t== \xC3\xA9t\xC3\xA9 y\n",
                   strlen("\n\n\n\n\n\n\n\n\n\n\n"
                          "  require exists e in evidense where e.control == c.control\n"
                          "\tx\t== \xC3\xA9t\xC3\xA9 y\n"));
    assert_non_null(s);

    /* The example of diag.h. */
    dg.severity = DIAG_ERROR;
    dg.src = s;
    dg.off = 11 + 22;
    dg.len = 8;
    dg.message = "unknown fact type `evidense`";
    dg.hint = "did you mean `evidence`?";
    out = render(&dg);
    assert_string_equal(out,
                        "rules/x.vouch:12:23: error: unknown fact type `evidense`\n"
                        "   12 |   require exists e in evidense where e.control == c.control\n"
                        "      |                       ^~~~~~~~\n"
                        "   = hint: did you mean `evidence`?\n");
    free(out);

    /* Tabs are copied into the caret line; a UTF-8 character is one
     * column; the underline stops at the end of the line. */
    dg.severity = DIAG_WARNING;
    dg.off = (uint32_t)(strstr(s->text, "\xC3\xA9t") - s->text);
    dg.len = 100;
    dg.message = "odd";
    dg.hint = NULL;
    out = render(&dg);
    assert_string_equal(out,
                        "rules/x.vouch:13:7: warning: odd\n"
                        "   13 | \tx\t== \xC3\xA9t\xC3\xA9 y\n"
                        "      | \t \t   ^~~~~\n");
    free(out);

    /* End of input: an empty last line, caret in column 1. */
    dg.severity = DIAG_NOTE;
    dg.off = s->len;
    dg.len = 0;
    dg.message = "here";
    out = render(&dg);
    assert_string_equal(out, "rules/x.vouch:14:1: note: here\n"
                             "   14 |\n"
                             "      | ^\n");
    free(out);

    /* No position. */
    dg.severity = DIAG_ERROR;
    dg.src = NULL;
    dg.message = "cannot open `x.vouch`";
    dg.hint = "check the path";
    out = render(&dg);
    assert_string_equal(out, "vouch: error: cannot open `x.vouch`\n"
                             "   = hint: check the path\n");
    free(out);
    arena_free(&a);
}

static void test_closest(void **state)
{
    const char *const tables[] = {"control", "soa", "evidence", "risk", "person"};
    const char *const tie[] = {"bat", "cat"};
    (void)state;
    assert_string_equal(diag_closest("evidense", 8, tables, 5), "evidence");
    assert_string_equal(diag_closest("controls", 8, tables, 5), "control");
    assert_string_equal(diag_closest("rsk", 3, tables, 5), "risk");
    assert_string_equal(diag_closest("sao", 3, tables, 5), "soa"); /* a swap is one edit */
    assert_null(diag_closest("osx", 3, tables, 5));       /* distance 2 > 1 */
    assert_null(diag_closest("zzzzzzz", 7, tables, 5));
    assert_null(diag_closest("x", 1, tables, 0));
    assert_string_equal(diag_closest("aat", 3, tie, 2), "bat");  /* ties: the first */
}

static void test_source_lines(void **state)
{
    arena a;
    vouch_source *s;
    uint32_t line, col, len;
    const char *p;
    (void)state;
    arena_init(&a);
    s = source_new(&a, "f", "ab\r\ncd\n\nef", 10);
    assert_non_null(s);
    assert_int_equal(s->nlines, 4);
    source_position(s, 5, &line, &col);
    assert_int_equal(line, 2);
    assert_int_equal(col, 2);
    p = source_line(s, 1, &len);
    assert_int_equal(len, 2);           /* the CR is not part of the line */
    assert_memory_equal(p, "ab", 2);
    p = source_line(s, 7, &len);
    assert_int_equal(len, 0);
    p = source_line(s, 10, &len);
    assert_int_equal(len, 2);
    assert_memory_equal(p, "ef", 2);
    source_position(s, 10, &line, &col);
    assert_int_equal(line, 4);
    assert_int_equal(col, 3);
    arena_free(&a);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_items),
        cmocka_unit_test(test_rule),
        cmocka_unit_test(test_precedence),
        cmocka_unit_test(test_strings),
        cmocka_unit_test(test_quantifiers),
        cmocka_unit_test(test_keywords_as_names),
        cmocka_unit_test(test_literals),
        cmocka_unit_test(test_spans),
        cmocka_unit_test(test_examples),
        cmocka_unit_test(test_error_hints),
        cmocka_unit_test(test_rule_clause_errors),
        cmocka_unit_test(test_multiple_errors),
        cmocka_unit_test(test_unclosed),
        cmocka_unit_test(test_lexical_errors_do_not_cascade),
        cmocka_unit_test(test_resync_ignores_keyword_names),
        cmocka_unit_test(test_error_limit),
        cmocka_unit_test(test_deep_nesting),
        cmocka_unit_test(test_robustness),
        cmocka_unit_test(test_render),
        cmocka_unit_test(test_closest),
        cmocka_unit_test(test_source_lines),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
