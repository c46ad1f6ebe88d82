/*
 * test_compiler.c: the checker, the planner and the code generator, through
 * the public vouch_compile(). Errors are asserted by message, hint and
 * position; plans by their shape; code by running the verifier on it.
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
#include "vm.h"

#define MAX_DIAGS 32

typedef struct seen {
    int n;
    char msg[MAX_DIAGS][256];
    char hint[MAX_DIAGS][256];
    unsigned line[MAX_DIAGS], col[MAX_DIAGS];
} seen;

static void collect(void *ctx, const vouch_diag *d)
{
    seen *s = ctx;
    if (s->n >= MAX_DIAGS)
        return;
    snprintf(s->msg[s->n], sizeof s->msg[0], "%s", d->message);
    snprintf(s->hint[s->n], sizeof s->hint[0], "%s", d->hint ? d->hint : "");
    s->line[s->n] = s->col[s->n] = 0;
    if (d->src)
        source_position(d->src, d->off, &s->line[s->n], &s->col[s->n]);
    s->n++;
}

static vouch_program *compile_text(const char *text, seen *s)
{
    memset(s, 0, sizeof *s);
    vouch_compile_input in = {"t.vouch", text, strlen(text)};
    return vouch_compile(&in, 1, collect, s);
}

/* Compiles text, expecting exactly one error with this message (and hint,
 * and position if given). */
static void expect_error(const char *text, const char *msg, const char *hint, unsigned line, unsigned col)
{
    seen s;
    vouch_program *p = compile_text(text, &s);
    if (p || s.n != 1 || strcmp(s.msg[0], msg) != 0) {
        for (int i = 0; i < s.n; i++)
            fprintf(stderr, "  got %u:%u: %s [%s]\n", s.line[i], s.col[i], s.msg[i], s.hint[i]);
    }
    assert_null(p);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.msg[0], msg);
    if (hint)
        assert_string_equal(s.hint[0], hint);
    if (line) {
        assert_int_equal(s.line[0], line);
        assert_int_equal(s.col[0], col);
    }
}

static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *b = malloc((size_t)n + 1);
    if (b && fread(b, 1, (size_t)n, f) != (size_t)n) {
        free(b);
        b = NULL;
    }
    if (b)
        b[n] = 0;
    fclose(f);
    return b;
}

static int find_rule(const vouch_program *p, const char *id)
{
    for (uint32_t i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return (int)i;
    return -1;
}

static const vouch_plan *plan_on(const vouch_program *p, int rule, const char *table, int nth)
{
    for (uint32_t i = 0; i < p->nplans; i++)
        if ((int)p->plans[i].rule == rule && strcmp(p->tables[p->plans[i].table].name, table) == 0 && nth-- == 0)
            return &p->plans[i];
    return NULL;
}

static const char *col_name(const vouch_program *p, const vouch_plan *pl, uint32_t col)
{
    return p->tables[pl->table].columns[col].name;
}

/* ---- the reference pack ----------------------------------------------- */

static void reference_pack_compiles_and_verifies(void **state)
{
    (void)state;
    char *text = slurp("rules/reference/reference.vouch");
    assert_non_null(text);
    seen s;
    vouch_program *p = compile_text(text, &s);
    for (int i = 0; i < s.n; i++)
        fprintf(stderr, "%u:%u: %s\n", s.line[i], s.col[i], s.msg[i]);
    assert_non_null(p);
    assert_int_equal(s.n, 0);
    assert_int_equal(p->nrules, 6);
    assert_string_equal(p->pack, "reference");
    assert_string_equal(p->pack_version, "1.0.0");
    vouch_error err;
    assert_int_equal(vouch_verify(p, &err), VOUCH_OK);

    int r1 = find_rule(p, "R1_access_review_fresh");
    assert_int_equal(r1, 0);
    assert_int_equal(p->rules[r1].severity, SEV_HIGH);
    assert_int_equal(p->rules[r1].line, 16);
    assert_int_equal(p->rules[r1].col, 1);

    /* R1's evidence probe: framework and control bound to the outer soa
     * row, kind/result/date window constant, all pushed: an exists plan. */
    const vouch_plan *ev = plan_on(p, r1, "evidence", 0);
    assert_non_null(ev);
    assert_int_equal(ev->mode, PLAN_EXISTS);
    assert_int_equal(ev->repeated, 1);
    assert_int_equal(ev->nterms, 6);
    int bound_eq = 0, const_terms = 0;
    for (uint32_t i = 0; i < ev->nterms; i++) {
        const char *c = col_name(p, ev, ev->terms[i].column);
        if (ev->terms[i].bound) {
            assert_int_equal(ev->terms[i].cmp, CMP_EQ);
            assert_true(strcmp(c, "framework") == 0 || strcmp(c, "control") == 0);
            bound_eq++;
        } else {
            const_terms++;
        }
    }
    assert_int_equal(bound_eq, 2);
    assert_int_equal(const_terms, 4);

    /* The outer soa loop: `s.applicable` becomes a constant term, not a
     * residual, and the loop runs once. */
    const vouch_plan *soa = plan_on(p, r1, "soa", 0);
    assert_non_null(soa);
    assert_int_equal(soa->mode, PLAN_ROWS);
    assert_int_equal(soa->repeated, 0);
    assert_int_equal(soa->nterms, 1);
    assert_string_equal(col_name(p, soa, soa->terms[0].column), "applicable");

    /* R3's outer risk loop keeps the product as a residual (no terms). */
    int r3 = find_rule(p, "R3_risk_over_appetite");
    const vouch_plan *risk = plan_on(p, r3, "risk", 0);
    assert_non_null(risk);
    assert_int_equal(risk->nterms, 0);
    const vouch_plan *person = plan_on(p, r3, "person", 0);
    assert_non_null(person);
    assert_int_equal(person->mode, PLAN_EXISTS);
    assert_int_equal(person->nterms, 2);

    /* R6: the mapping probe has nested quantifiers left as residuals, so
     * it reads rows; the nested probes are repeated. */
    int r6 = find_rule(p, "R6_crosswalk_uncovered");
    const vouch_plan *map = plan_on(p, r6, "mapping", 0);
    assert_non_null(map);
    assert_int_equal(map->mode, PLAN_ROWS);
    assert_int_equal(map->nterms, 3);
    assert_true(plan_on(p, r6, "soa", 0)->repeated);
    vouch_program_free(p);
    free(text);
}

/* ---- diagnostics --------------------------------------------------------- */

static void unknown_fact_type_with_hint(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for s in soa\n"
                 "  require exists e in evidense where e.control == s.control\n"
                 "}\n",
                 "unknown fact type `evidense`", "did you mean `evidence`?", 4, 23);
}

static void unknown_field_with_hint(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for s in soa where s.aplicable\n"
                 "  require true\n"
                 "}\n",
                 "fact `soa` has no field `aplicable`", "did you mean `applicable`?", 3, 24);
}

static void date_compared_with_text(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for e in evidence\n"
                 "  require e.collected_on >= \"2026-01-01\"\n"
                 "}\n",
                 "cannot compare date with text", "write dates without quotes: 2026-11-21", 4, 11);
}

static void unknown_function_with_hint(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for s in soa\n"
                 "  require not blnk(s.justification)\n"
                 "}\n",
                 "unknown function `blnk`", "did you mean `blank`?", 4, 15);
}

static void enum_value_checked(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for e in evidence\n"
                 "  require e.result == passed\n"
                 "}\n",
                 "`passed` is not a value of `evidence.result`", "did you mean `pass`?", 4, 23);
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for a in asset\n"
                 "  require a.criticality in [high, severe]\n"
                 "}\n",
                 "`severe` is not a value of `asset.criticality`", NULL, 4, 35);
}

static void none_on_required_field(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for a in asset\n"
                 "  require a.id != none\n"
                 "}\n",
                 "this text is never none, so the comparison is always true", NULL, 4, 11);
}

static void all_errors_of_a_file_are_reported(void **state)
{
    (void)state;
    seen s;
    vouch_program *p = compile_text("import \"isms\"\n"
                                    "rule a \"t\" severity low { for s in soa require s.x }\n"
                                    "rule b \"t\" severity urgent { for s in soa require true }\n"
                                    "rule c \"t\" severity low { for s in sao require true }\n"
                                    "rule a \"t\" severity low { for s in soa require 1 }\n",
                                    &s);
    assert_null(p);
    assert_int_equal(s.n, 5);
    assert_string_equal(s.msg[0], "fact `soa` has no field `x`");
    assert_string_equal(s.msg[1], "unknown severity `urgent`");
    assert_string_equal(s.msg[2], "unknown fact type `sao`");
    assert_string_equal(s.hint[2], "did you mean `soa`?");
    assert_string_equal(s.msg[3], "rule `a` is defined twice");
    assert_string_equal(s.msg[4], "`require` needs a bool, not int");
}

static void subject_required_without_keyed_loop(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule global \"t\" severity low {\n"
                 "  require (count p in person where p.role == \"CISO\") > 0\n"
                 "}\n",
                 "rule `global` has no subject: its first `for` is not over a fact type with a key", NULL, 2, 6);
}

static void shadowing_is_an_error(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for s in soa\n"
                 "  require exists s in evidence where s.control == \"x\"\n"
                 "}\n",
                 "`s` is already a loop variable here", NULL, 4, 18);
}

static void arithmetic_types(void **state)
{
    (void)state;
    expect_error("import \"isms\"\n"
                 "rule r \"t\" severity low {\n"
                 "  for e in evidence\n"
                 "  require e.collected_on >= today - 92\n"
                 "}\n",
                 "cannot subtract date and int", "write a duration: `92d` or `2w`", 4, 29);
}

static void unknown_import(void **state)
{
    (void)state;
    expect_error("import \"ismss\"\n", "no pack named \"ismss\"", "did you mean `isms`?", 1, 1);
}

/* ---- plans ------------------------------------------------------------ */

static void where_split_into_terms_and_residual(void **state)
{
    (void)state;
    seen s;
    vouch_program *p;
    p = compile_text("import \"isms\"\n"
                     "rule r \"t\" severity low {\n"
                     "  for s in soa where s.applicable and s.frequency == quarterly\n"
                     "  require (count e in evidence where s.control == e.control and e.collected_on < today\n"
                     "                   and lower(e.kind) == \"x\") > 0\n"
                     "}\n",
                     &s);
    assert_non_null(p);
    const vouch_plan *ev = plan_on(p, 0, "evidence", 0);
    assert_non_null(ev);
    assert_int_equal(ev->mode, PLAN_ROWS); /* a residual: the VM counts */
    assert_int_equal(ev->nterms, 2);
    /* `s.control == e.control` is flipped so the column is on the left */
    assert_string_equal(col_name(p, ev, ev->terms[0].column), "control");
    assert_int_equal(ev->terms[0].cmp, CMP_EQ);
    assert_int_equal(ev->terms[0].bound, 1);
    assert_string_equal(col_name(p, ev, ev->terms[1].column), "collected_on");
    assert_int_equal(ev->terms[1].cmp, CMP_LT);
    assert_int_equal(ev->terms[1].bound, 0);
    assert_int_equal(ev->ncolumns, 1); /* kind, for the residual */
    vouch_error err;
    assert_int_equal(vouch_verify(p, &err), VOUCH_OK);
    vouch_program_free(p);
}

static void aggregates_answered_by_the_store(void **state)
{
    (void)state;
    seen s;
    vouch_program *p = compile_text(
        "import \"isms\"\n"
        "rule r \"t\" severity low {\n"
        "  for s in soa\n"
        "  require (newest e.collected_on for e in evidence where e.control == s.control) >= today - 30d\n"
        "      and (count e in evidence where e.control == s.control) > 3\n"
        "      and (oldest e.collected_on for e in evidence where e.control == s.control and e.kind != \"x\") != none\n"
        "}\n",
        &s);
    assert_non_null(p);
    const vouch_plan *a = plan_on(p, 0, "evidence", 0);
    const vouch_plan *b = plan_on(p, 0, "evidence", 1);
    const vouch_plan *c = plan_on(p, 0, "evidence", 2);
    assert_int_equal(a->mode, PLAN_MAX);
    assert_string_equal(col_name(p, a, a->agg_column), "collected_on");
    assert_int_equal(b->mode, PLAN_COUNT);
    assert_int_equal(c->mode, PLAN_MIN);
    assert_int_equal(c->nterms, 2);
    assert_int_equal(c->terms[1].cmp, CMP_NE);
    vouch_error err;
    assert_int_equal(vouch_verify(p, &err), VOUCH_OK);
    vouch_program_free(p);
}

/* Every prefix of a real pack, and every one-byte corruption of it, either
 * compiles or reports errors: never a crash (ASan builds check the memory). */
static void damaged_sources_never_crash(void **state)
{
    (void)state;
    char *text = slurp("rules/reference/reference.vouch");
    assert_non_null(text);
    size_t n = strlen(text);
    int compiled = 0, rejected = 0;
    for (size_t cut = 0; cut <= n; cut += 7) {
        seen s;
        vouch_compile_input in = {"t.vouch", text, cut};
        vouch_program *p = vouch_compile(&in, 1, collect, &s);
        memset(&s, 0, sizeof s);
        if (p)
            compiled++;
        else
            rejected++;
        vouch_program_free(p);
    }
    static const char junk[] = {'}', '(', '"', '.', '{', 'x', '9', '\n'};
    char *copy = malloc(n + 1);
    assert_non_null(copy);
    for (size_t i = 0; i < n; i += 5) {
        memcpy(copy, text, n + 1);
        copy[i] = junk[i % sizeof junk];
        seen s;
        memset(&s, 0, sizeof s);
        vouch_compile_input in = {"t.vouch", copy, n};
        vouch_program *p = vouch_compile(&in, 1, collect, &s);
        if (p) {
            vouch_error err;
            assert_int_equal(vouch_verify(p, &err), VOUCH_OK);
        }
        vouch_program_free(p);
    }
    assert_true(compiled > 0 && rejected > 0);
    free(copy);
    free(text);
}

static void syntax_and_type_errors_reported_together(void **state)
{
    (void)state;
    seen s;
    vouch_program *p = compile_text("import \"isms\"\n"
                                    "rule a \"t\" severity low { for s in soa require (s.applicable }\n"
                                    "rule b \"t\" severity low { for s in soa require s.aplicable }\n",
                                    &s);
    assert_null(p);
    assert_int_equal(s.n, 2);
    assert_int_equal(s.line[0], 2);
    assert_int_equal(s.line[1], 3);
    assert_string_equal(s.msg[1], "fact `soa` has no field `aplicable`");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(reference_pack_compiles_and_verifies),
        cmocka_unit_test(unknown_fact_type_with_hint),
        cmocka_unit_test(unknown_field_with_hint),
        cmocka_unit_test(date_compared_with_text),
        cmocka_unit_test(unknown_function_with_hint),
        cmocka_unit_test(enum_value_checked),
        cmocka_unit_test(none_on_required_field),
        cmocka_unit_test(all_errors_of_a_file_are_reported),
        cmocka_unit_test(subject_required_without_keyed_loop),
        cmocka_unit_test(shadowing_is_an_error),
        cmocka_unit_test(arithmetic_types),
        cmocka_unit_test(unknown_import),
        cmocka_unit_test(where_split_into_terms_and_residual),
        cmocka_unit_test(aggregates_answered_by_the_store),
        cmocka_unit_test(damaged_sources_never_crash),
        cmocka_unit_test(syntax_and_type_errors_reported_together),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
