/*
 * check_tests.c: `test` blocks, for `vouch test`.
 *
 * A test's `given` rows are checked here against the fact declarations and
 * kept as the CSV text `vouch load` reads, so that `vouch test` fills its
 * store through the same validated loader as real facts (cli/cmd_test.c).
 * Its `expect` lines name rules, so tests are checked after every rule; a
 * test without an `as_of` date, or expecting nothing, does not compile, so
 * it can never pass silently.
 */
#include <string.h>
#include "check_int.h"
#include "date.h"

const char *check_cell_text(compiler *c, const fact_table *t, int col, ast_node *v, int *ok)
{
    const fact_column *fc = &t->cols[col];
    ast_type want = fc->type;
    char buf[32];
    if (v->kind == AST_NONE) {
        if (!want.optional) {
            ERR_AT(c, v, "only optional fields (declared with `?`) can be none", "`%s.%s` is required", t->name,
                   fc->cname);
            *ok = 0;
        }
        return NULL;
    }
    switch (want.kind) {
    case TY_TEXT:
        if (v->kind == AST_STRING)
            return v->u.s.text;
        break;
    case TY_ENUM:
        if (v->kind == AST_STRING || v->kind == AST_IDENT) {
            if (check_enum_literal(c, v, want).kind == TY_ERROR) {
                *ok = 0;
                return NULL;
            }
            return v->kind == AST_STRING ? v->u.s.text : arena_strndup(c->a, v->u.name.p, v->u.name.len);
        }
        break;
    case TY_INT:
        if (v->kind == AST_INT)
            return arena_printf(c->a, "%lld", (long long)v->u.lit.i);
        if (v->kind == AST_UNARY && v->u.unary.operand && v->u.unary.operand->kind == AST_INT)
            return arena_printf(c->a, "-%lld", (long long)v->u.unary.operand->u.lit.i);
        break;
    case TY_BOOL:
        if (v->kind == AST_BOOL)
            return v->u.lit.i ? "true" : "false";
        break;
    case TY_DATE:
        if (v->kind == AST_DATE) {
            date_format(v->u.lit.i, buf);
            return arena_strndup(c->a, buf, 10);
        }
        break;
    case TY_DUR:
        if (v->kind == AST_DUR)
            return arena_printf(c->a, "%lldd", (long long)v->u.lit.i);
        break;
    default:
        break;
    }
    /* A stored duration is a number of days; a calendar one has no such number. */
    ERR_AT(c, v, v->kind == AST_MONTHS && want.kind == TY_DUR ? "a stored duration is in days or weeks, e.g. `365d`" : NULL,
           "`%s.%s` is %s; this value does not fit", t->name, fc->cname, check_type_name(c, want));
    *ok = 0;
    return NULL;
}

typedef VEC(vouch_test_row) test_rows;

static void declare_given(compiler *c, ast_node *g, vouch_test *vt, test_rows *rows)
{
    int t = check_lookup_table(c, g, g->u.field.name);
    if (t < 0)
        return;
    const fact_table *ft = &c->tables.v[t];
    vouch_test_row row;
    memset(&row, 0, sizeof row);
    row.table = (uint32_t)t;
    for (ast_node *cl = g->u.field.type; cl; cl = cl->next)
        row.ncells++;
    row.columns = arena_alloc(c->a, (row.ncells + 1) * sizeof *row.columns);
    row.values = arena_alloc(c->a, (row.ncells + 1) * sizeof *row.values);
    char *seen = arena_alloc(c->a, ft->ncols + 1);
    if (!row.columns || !row.values || !seen)
        return;
    int ok = 1;
    uint32_t i = 0;
    for (ast_node *cl = g->u.field.type; cl; cl = cl->next, i++) {
        int col = check_find_column(ft, cl->u.field.name);
        if (col < 0) {
            ERR_NAME(c, cl, cl->u.field.name, check_hint_closest(c, cl->u.field.name, check_column_names(c, ft), ft->ncols),
                     "fact `%s` has no field `%.*s`", ft->name, (int)cl->u.field.name.len, cl->u.field.name.p);
            ok = 0;
            continue;
        }
        if (seen[col]) {
            ERR_NAME(c, cl, cl->u.field.name, NULL, "`%s` is given twice in this row", ft->cols[col].cname);
            ok = 0;
            continue;
        }
        seen[col] = 1;
        row.columns[i] = (uint32_t)col;
        row.values[i] = check_cell_text(c, ft, col, cl->u.field.type, &ok);
    }
    const char *missing = "";
    for (uint32_t k = 0; k < ft->ncols; k++)
        if (!seen[k] && !ft->cols[k].type.optional)
            missing = arena_printf(c->a, "%s%s%s", missing, *missing ? ", " : "", ft->cols[k].cname);
    if (*missing) {
        ERR_AT(c, g, NULL, "this `%s` row lacks its required field%s %s", ft->name, strchr(missing, ',') ? "s" : "",
               missing);
        ok = 0;
    }
    if (ok)
        VEC_PUSH(c->a, *rows, row);
    (void)vt;
}

void check_declare_test(compiler *c, ast_node *n)
{
    vouch_test vt;
    memset(&vt, 0, sizeof vt);
    vt.name = n->u.cat.id ? n->u.cat.id->u.s.text : "";
    vt.file = n->src->name;
    uint32_t col;
    source_position(n->src, n->off, &vt.line, &col);
    vt.as_of = INT64_MIN;
    vt.period_start = vt.period_end = INT64_MIN;
    for (uint32_t i = 0; i < c->tests.n; i++)
        if (strcmp(c->tests.v[i].name, vt.name) == 0) {
            ERR_AT(c, n->u.cat.id ? n->u.cat.id : n, arena_printf(c->a, "the first is at %s:%u", c->tests.v[i].file,
                                                                  c->tests.v[i].line),
                   "test \"%s\" is defined twice", vt.name);
            return;
        }
    test_rows rows = {0};
    VEC(vouch_test_expect) expects = {0};
    for (ast_node *k = n->u.cat.attrs; k; k = k->next) {
        switch (k->kind) {
        case AST_TEST_ASOF:
            vt.as_of = k->u.unary.operand->u.lit.i;
            break;
        case AST_TEST_PERIOD:
            vt.period_start = k->u.binary.lhs->u.lit.i;
            vt.period_end = k->u.binary.rhs->u.lit.i;
            if (vt.period_end < vt.period_start)
                ERR_AT(c, k, NULL, "the period ends before it starts");
            break;
        case AST_TEST_GIVEN:
            declare_given(c, k, &vt, &rows);
            break;
        case AST_TEST_EXPECT: {
            vouch_test_expect e;
            memset(&e, 0, sizeof e);
            source_position(k->src, k->off, &e.line, &col);
            int r = check_find_rule(c, k->u.ovr.rule, k);
            ast_name w = k->u.ovr.severity;
            ast_node *v = k->u.ovr.because;
            static const char *const words[] = {"fail", "not_applicable", "waived", "passes", "stale"};
            int kind = -1;
            for (int i = 0; i < 5; i++)
                if (check_name_is(w, words[i]))
                    kind = i;
            if (kind < 0) {
                ERR_NAME(c, k, w, check_hint_closest(c, w, words, 5), "unknown outcome `%.*s` (fail, waived, not_applicable, stale, passes)",
                         (int)w.len, w.p);
                break;
            }
            if ((kind == EXPECT_PASSES) != (v->kind == AST_INT)) {
                ERR_AT(c, v, kind == EXPECT_PASSES ? "e.g. `expect R passes 3`" : "e.g. `expect R fail \"iso/A.5.18\"`",
                       kind == EXPECT_PASSES ? "`passes` takes a count" : "`%s` takes a subject", words[kind]);
                break;
            }
            if (r < 0)
                break;
            e.rule = (uint32_t)r;
            e.kind = (uint8_t)kind;
            e.subject = v->kind == AST_STRING ? v->u.s.text : "";
            e.count = v->kind == AST_INT ? (uint64_t)v->u.lit.i : 0;
            VEC_PUSH(c->a, expects, e);
            break;
        }
        default:
            break;
        }
    }
    if (vt.as_of == INT64_MIN)
        ERR_AT(c, n, "tests are deterministic: give the date the rules see, e.g. `as_of 2026-11-21`",
               "test \"%s\" has no as_of date", vt.name);
    if (vt.as_of != INT64_MIN && vt.period_start != INT64_MIN && vt.period_end > vt.as_of)
        ERR_AT(c, n, "end the period by the as_of date: facts dated after it are not seen",
               "test \"%s\" has a period that ends after its as_of date", vt.name);
    if (expects.n == 0)
        ERR_AT(c, n, "a test that expects nothing cannot fail: add `expect RULE fail \"SUBJECT\"` or `expect RULE passes N`",
               "test \"%s\" expects nothing", vt.name);
    vt.nrows = rows.n;
    vt.rows = rows.v;
    vt.nexpect = expects.n;
    vt.expect = expects.v;
    VEC_PUSH(c->a, c->tests, vt);
}
