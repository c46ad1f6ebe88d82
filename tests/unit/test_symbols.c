/*
 * test_symbols.c: the compiler's symbol index (compiler.h, symbols.c),
 * through vouch_compile_with's symbols option: every occurrence points at
 * its declaration, the summaries say what hover shows, the index is built
 * for a source with errors too, and it outlives the compilation.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "compile.h"
#include "compiler.h"

static const char PACK[] =
    "pack \"p\" version \"1.0.0\"\n"                                   /* 1 */
    "framework \"fw\" \"F\" {\n"                                        /* 2 */
    "  control \"C.1\" \"Access\"\n"                                    /* 3 */
    "}\n"                                                                /* 4 */
    "fact device key (id) {\n"                                          /* 5 */
    "  id: text\n"                                                       /* 6 */
    "  state: enum(on, off)\n"                                           /* 7 */
    "}\n"                                                                /* 8 */
    "scope live = device where state == on\n"                           /* 9 */
    "rule r1 \"Devices\" severity high maps \"fw\" \"C.1\" {\n"         /* 10 */
    "  for d in live\n"                                                  /* 11 */
    "  require exists e in device where e.id == d.id and e.state == on\n" /* 12 */
    "}\n"
    "framework \"g\" \"G\" {\n"
    "  control \"G.1\" \"Gate\"\n"
    "}\n"
    "crosswalk \"fw\" -> \"g\" {\n"
    "  \"C.1\" subset_of \"G.1\"\n"
    "}\n";

static void ignore(void *ctx, const vouch_diag *d) { (void)ctx; (void)d; }

static void compile_into(const char *text, vouch_symbols *s)
{
    /* the name is a copy freed before the index is read: the index must
     * keep its own */
    char *name = strdup("t.vouch");
    vouch_compile_input in = {name, text, strlen(text)};
    vouch_compile_options o;
    memset(&o, 0, sizeof o);
    o.symbols = s;
    vouch_symbols_init(s);
    vouch_program *p = vouch_compile_with(&in, 1, &o, ignore, NULL);
    vouch_program_free(p);
    free(name);
}

/* The offset of the nth (from 0) occurrence of needle in text, plus delta. */
static uint32_t at(const char *text, const char *needle, int nth, int delta)
{
    const char *p = text - 1;
    for (int i = 0; i <= nth; i++) {
        p = strstr(p + 1, needle);
        assert_non_null(p);
    }
    return (uint32_t)(p - text) + (uint32_t)delta;
}

/* The declaration of the symbol at off, which must exist. */
static const vouch_symbol *decl_at(const vouch_symbols *s, uint32_t off)
{
    const vouch_symbol *y = vouch_symbols_at(s, "t.vouch", off);
    assert_non_null(y);
    assert_true(y->decl >= 0);
    return &s->v.v[y->decl];
}

static void references_point_at_declarations(void **state)
{
    (void)state;
    vouch_symbols s;
    compile_into(PACK, &s);
    const vouch_symbol *d;
    /* e.id: the field, with its type */
    d = decl_at(&s, at(PACK, "e.id", 0, 2));
    assert_int_equal(d->kind, SYM_FIELD);
    assert_string_equal(d->name, "id");
    assert_string_equal(d->container, "device");
    assert_int_equal(d->line, 6);
    assert_string_equal(d->detail, "field device.id: text");
    /* d.id: the loop variable over a scope reads the scope's table */
    d = decl_at(&s, at(PACK, "d.id", 0, 0));
    assert_int_equal(d->kind, SYM_VAR);
    assert_string_equal(d->target, "device");
    assert_int_equal(d->line, 11);
    /* live: the scope */
    d = decl_at(&s, at(PACK, "in live", 0, 4));
    assert_int_equal(d->kind, SYM_SCOPE);
    assert_int_equal(d->line, 9);
    /* on: the enum member, in the rule and in the scope's condition */
    d = decl_at(&s, at(PACK, "== on", 1, 3));
    assert_int_equal(d->kind, SYM_ENUM_MEMBER);
    assert_int_equal(d->line, 7);
    d = decl_at(&s, at(PACK, "== on", 0, 3));
    assert_int_equal(d->kind, SYM_ENUM_MEMBER);
    d = decl_at(&s, at(PACK, "state ==", 0, 1));
    assert_int_equal(d->kind, SYM_FIELD);
    /* "C.1" in maps: the control, its summary naming the rule that maps it */
    d = decl_at(&s, at(PACK, "\"C.1\"", 1, 1));
    assert_int_equal(d->kind, SYM_CONTROL);
    assert_int_equal(d->line, 3);
    assert_non_null(strstr(d->detail, "\"Access\""));
    assert_non_null(strstr(d->detail, "mapped by: r1"));
    assert_non_null(strstr(d->detail, "crosswalks:\n  this subset_of g G.1"));
    /* the crosswalk's side of it: G.1, from C.1 */
    d = decl_at(&s, at(PACK, "\"G.1\"", 1, 1));
    assert_int_equal(d->kind, SYM_CONTROL);
    assert_non_null(strstr(d->detail, "mapped by: no rule"));
    assert_non_null(strstr(d->detail, "fw C.1 subset_of this"));
    /* the rule's own name: its declaration, with its severity */
    d = decl_at(&s, at(PACK, "r1", 0, 0));
    assert_int_equal(d->kind, SYM_RULE);
    assert_non_null(strstr(d->detail, "severity high"));
    /* nothing on a keyword */
    assert_null(vouch_symbols_at(&s, "t.vouch", at(PACK, "require", 0, 2)));
    vouch_symbols_free(&s);
}

static void index_built_despite_errors(void **state)
{
    (void)state;
    /* a misspelt field: the rest is still indexed */
    static const char bad[] = "pack \"p\" version \"1.0.0\"\n"
                              "fact device key (id) {\n"
                              "  id: text\n"
                              "}\n"
                              "rule r \"R\" severity low {\n"
                              "  for d in device\n"
                              "  require d.idd != \"\" and d.id != \"\"\n"
                              "}\n";
    vouch_symbols s;
    compile_into(bad, &s);
    assert_true(s.ndecls >= 3);
    const vouch_symbol *d = decl_at(&s, at(bad, "d.id ", 0, 2));
    assert_int_equal(d->kind, SYM_FIELD);
    /* the misspelt one refers to nothing */
    const vouch_symbol *y = vouch_symbols_at(&s, "t.vouch", at(bad, "idd", 0, 1));
    assert_true(y == NULL || y->decl < 0);
    vouch_symbols_free(&s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(references_point_at_declarations),
        cmocka_unit_test(index_built_despite_errors),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
