/*
 * check.c: declarations, name resolution and static types.
 *
 * Runs after every file has parsed. It first collects the fact
 * declarations (they are global to the compilation, whichever file declares
 * them), then checks each rule: every name must resolve (a loop variable, a
 * fact type, a column of the variable's fact type, a builtin, or an enum
 * member where an enum is expected), and every expression must have the
 * type its context needs. All errors of all rules are reported, up to the
 * sink's limit; a node whose check failed gets TY_ERROR so that one mistake
 * is not reported again by every expression around it.
 *
 * What it leaves for codegen: node->type on every expression; node->slot on
 * identifiers (binding id, or -2 for an enum member), members (column
 * index), calls (builtin index), `for` and quantifiers (binding id); the
 * fact tables and enums; the rules in order.
 *
 * This file keeps the driver, which fixes the order of the declarations,
 * and everything an expression can reach: bindings, the implicit rows of
 * scopes and the appetite, builtins. The other declarations only resolve
 * names against what is declared and hand their few expressions back to
 * check_expr, so they live apart (check_decls.c), as do `test` blocks
 * (check_tests.c) and lint (check_lint.c); check_int.h is what they share.
 */
#include <string.h>
#include <stdlib.h>
#include "check_int.h"
#include "vouch_limits.h"
#include "builtins.h"

/* ---- small helpers ------------------------------------------------------ */

int vec_grow(arena *a, void **v, uint32_t *cap, size_t elem, uint32_t n)
{
    uint32_t ncap = *cap ? *cap * 2 : 8;
    void *nv = arena_alloc(a, (size_t)ncap * elem);
    if (!nv)
        return 0;
    if (n)
        memcpy(nv, *v, (size_t)n * elem);
    *v = nv;
    *cap = ncap;
    return 1;
}

static ast_type ty(ast_tkind k, int optional, int id)
{
    ast_type t;
    t.kind = (uint8_t)k;
    t.optional = (uint8_t)(optional != 0);
    t.id = id;
    return t;
}

/* "did you mean `x`?" over a list of candidate names, or NULL. */
const char *check_hint_closest(compiler *c, ast_name n, const char *const *cand, size_t ncand)
{
    const char *best = diag_closest(n.p, n.len, cand, ncand);
    return best ? arena_printf(c->a, "did you mean `%s`?", best) : NULL;
}

const char *check_type_name(const compiler *c, ast_type t)
{
    const char *base = "?";
    switch (t.kind) {
    case TY_ERROR: base = "<error>"; break;
    case TY_NONE: return "none";
    case TY_BOOL: base = "bool"; break;
    case TY_INT: base = "int"; break;
    case TY_DATE: base = "date"; break;
    case TY_DUR: base = "duration"; break;
    case TY_TEXT: base = "text"; break;
    case TY_ENUM: base = arena_printf(c->a, "enum %s", c->enums.v[t.id].name); break;
    case TY_PERIOD: return "period";
    case TY_ROW: return arena_printf(c->a, "row of %s", c->tables.v[t.id].name);
    case TY_SPAN: return "calendar span";
    case TY_MONTHS: return "calendar duration";
    case TY_DECIMAL: base = "decimal"; break;
    }
    return t.optional ? arena_printf(c->a, "%s?", base) : base;
}

int check_find_table(const compiler *c, const char *name, size_t n)
{
    for (uint32_t i = 0; i < c->tables.n; i++)
        if (strlen(c->tables.v[i].name) == n && memcmp(c->tables.v[i].name, name, n) == 0)
            return (int)i;
    return -1;
}

static const char **table_names(compiler *c)
{
    const char **v = arena_alloc(c->a, (c->tables.n + 1) * sizeof *v);
    if (v)
        for (uint32_t i = 0; i < c->tables.n; i++)
            v[i] = c->tables.v[i].name;
    return v;
}

int check_find_column(const fact_table *t, ast_name n)
{
    for (uint32_t i = 0; i < t->ncols; i++)
        if (check_names_equal(t->cols[i].name, n))
            return (int)i;
    return -1;
}

const char **check_column_names(compiler *c, const fact_table *t)
{
    const char **v = arena_alloc(c->a, (t->ncols + 1) * sizeof *v);
    if (v)
        for (uint32_t i = 0; i < t->ncols; i++)
            v[i] = t->cols[i].cname;
    return v;
}

static int enum_member(const enum_info *e, const char *p, size_t n)
{
    for (uint32_t i = 0; i < e->n; i++)
        if (strlen(e->members[i]) == n && memcmp(e->members[i], p, n) == 0)
            return (int)i;
    return -1;
}

static const char *enum_members_text(compiler *c, const enum_info *e)
{
    const char *s = "";
    for (uint32_t i = 0; i < e->n; i++)
        s = arena_printf(c->a, "%s%s%s", s, i ? ", " : "", e->members[i]);
    return s;
}

/* ---- fact declarations ------------------------------------------------- */

static const char *const TYPE_NAMES[] = {"text", "int", "bool", "date", "duration", "enum"};

static int declare_column_type(compiler *c, fact_table *t, fact_column *col, ast_node *tn)
{
    ast_name n = tn->u.type.name;
    int opt = tn->u.type.optional;
    if (check_name_is(n, "text")) col->type = ty(TY_TEXT, opt, 0);
    else if (check_name_is(n, "int")) col->type = ty(TY_INT, opt, 0);
    else if (check_name_is(n, "bool")) col->type = ty(TY_BOOL, opt, 0);
    else if (check_name_is(n, "date")) col->type = ty(TY_DATE, opt, 0);
    else if (check_name_is(n, "duration")) col->type = ty(TY_DUR, opt, 0);
    else if (check_name_is(n, "enum")) {
        enum_info e;
        e.name = arena_printf(c->a, "%s.%s", t->name, col->cname);
        e.n = 0;
        for (ast_node *m = tn->u.type.members; m; m = m->next)
            e.n++;
        e.members = arena_alloc(c->a, (e.n + 1) * sizeof *e.members);
        if (!e.members)
            return -1;
        uint32_t total = e.n;
        if (total > VOUCH_MAX_ENUM_MEMBERS) {
            ERR_AT(c, tn, NULL, "an enum of %u values, more than the limit of %d", total,
                   VOUCH_MAX_ENUM_MEMBERS);
            return -1;
        }
        e.n = 0;
        for (ast_node *m = tn->u.type.members; m; m = m->next, e.n++) {
            if (enum_member(&e, m->u.name.p, m->u.name.len) >= 0)
                ERR_AT(c, m, NULL, "`%.*s` is listed twice in this enum", (int)m->u.name.len,
                       m->u.name.p);
            e.members[e.n] = arena_strndup(c->a, m->u.name.p, m->u.name.len);
        }
        (void)total;
        if (e.n == 0) {
            ERR_AT(c, tn, "list the values, e.g. enum(pass, fail)", "an enum needs at least one value");
            return -1;
        }
        if (!VEC_PUSH(c->a, c->enums, e))
            return -1;
        col->type = ty(TY_ENUM, opt, (int)c->enums.n - 1);
    } else {
        const char *hint = check_hint_closest(c, n, TYPE_NAMES, 6);
        ERR_NAME(c, tn, n, hint ? hint : "types are text, int, bool, date, duration and enum(a, b, ...)",
                 "unknown type `%.*s`", (int)n.len, n.p);
        col->type = TYPE_ERROR;
        return -1;
    }
    return 0;
}

/* `dated by F`: F must be a date field of the fact (it may be optional: a
 * row whose date is none is undated, and always seen). Returns its column,
 * or -1 when the fact is not dated or F is wrong. */
static int32_t declare_dated(compiler *c, fact_table *t, ast_node *f)
{
    ast_node *d = f->u.fact.dated;
    if (!d)
        return -1;
    if (d->next)
        ERR_AT(c, d->next, "a fact has one field that dates its rows", "fact `%s` is dated twice", t->name);
    int ci = check_find_column(t, d->u.name);
    if (ci < 0) {
        const char *hint = check_hint_closest(c, d->u.name, check_column_names(c, t), t->ncols);
        ERR_AT(c, d, hint, "`dated by %.*s`: `%s` has no field `%.*s`", (int)d->u.name.len, d->u.name.p,
               t->name, (int)d->u.name.len, d->u.name.p);
        return -1;
    }
    ast_type ct = t->cols[ci].type;
    if (ct.kind != TY_DATE) {
        if (ct.kind != TY_ERROR)
            ERR_AT(c, d, "a fact is dated by a field of type date",
                   "`dated by %s`: field `%s` of `%s` is not a date", t->cols[ci].cname, t->cols[ci].cname,
                   t->name);
        return -1;
    }
    return ci;
}

static void declare_fact(compiler *c, ast_node *f)
{
    ast_name n = f->u.fact.name;
    int prev = check_find_table(c, n.p, n.len);
    if (prev >= 0) {
        uint32_t line, col;
        const ast_node *d = c->tables.v[prev].decl;
        source_position(d->src, d->off, &line, &col);
        ERR_NAME(c, f, n, arena_printf(c->a, "the first declaration is at %s:%u:%u", d->src->name, line, col),
                 "fact `%.*s` is declared twice", (int)n.len, n.p);
        return;
    }
    fact_table t;
    memset(&t, 0, sizeof t);
    t.name = arena_strndup(c->a, n.p, n.len);
    t.decl = f;
    for (ast_node *fl = f->u.fact.fields; fl; fl = fl->next)
        t.ncols++;
    if (t.ncols > VOUCH_MAX_COLUMNS || c->tables.n >= VOUCH_MAX_TABLES) {
        if (t.ncols > VOUCH_MAX_COLUMNS)
            ERR_NAME(c, f, n, "split it into several facts", "fact `%.*s` has %u fields, more than the limit of %d",
                     (int)n.len, n.p, t.ncols, VOUCH_MAX_COLUMNS);
        else
            ERR_NAME(c, f, n, NULL, "more than %d facts are declared", VOUCH_MAX_TABLES);
        return;
    }
    t.cols = arena_alloc(c->a, (t.ncols + 1) * sizeof *t.cols);
    if (!t.cols || !t.name)
        return;
    uint32_t i = 0;
    for (ast_node *fl = f->u.fact.fields; fl; fl = fl->next, i++) {
        fact_column *col = &t.cols[i];
        col->name = fl->u.field.name;
        col->cname = arena_strndup(c->a, col->name.p, col->name.len);
        for (uint32_t j = 0; j < i; j++)
            if (check_names_equal(t.cols[j].name, col->name))
                ERR_NAME(c, fl, col->name, NULL, "field `%s` is declared twice in fact `%s`",
                         col->cname, t.name);
        declare_column_type(c, &t, col, fl->u.field.type);
    }
    for (ast_node *k = f->u.fact.key; k; k = k->next)
        t.nkey++;
    if (t.nkey > VOUCH_MAX_KEY_COLUMNS) {
        ERR_NAME(c, f, n, NULL, "a key of %u columns, more than the limit of %d", t.nkey,
                 VOUCH_MAX_KEY_COLUMNS);
        return;
    }
    t.key = arena_alloc(c->a, (t.nkey + 1) * sizeof *t.key);
    if (!t.key)
        return;
    i = 0;
    for (ast_node *k = f->u.fact.key; k; k = k->next, i++) {
        int ci = check_find_column(&t, k->u.name);
        if (ci < 0) {
            const char *hint = check_hint_closest(c, k->u.name, check_column_names(c, &t), t.ncols);
            ERR_AT(c, k, hint, "key column `%.*s` is not a field of `%s`", (int)k->u.name.len,
                   k->u.name.p, t.name);
            ci = 0;
        }
        t.key[i] = (uint32_t)ci;
    }
    t.dated = declare_dated(c, &t, f);
    VEC_PUSH(c->a, c->tables, t);
}

/* ---- scopes -------------------------------------------------------------- */

static int lookup_binding(compiler *c, ast_name n)
{
    for (uint32_t i = c->scope.n; i-- > 0;) {
        int id = c->scope.v[i];
        if (check_names_equal(c->bindings.v[id].name, n))
            return id;
    }
    return -1;
}

/* Introduces a variable; reports a clash with a visible one. Returns the
 * binding id, or -1 when out of memory. */
int check_bind(compiler *c, ast_node *node, ast_name n, binding_kind kind, int table)
{
    int prev = lookup_binding(c, n);
    if (prev >= 0) {
        uint32_t line, col;
        const ast_node *pn = c->bindings.v[prev].node;
        source_position(pn->src, c->bindings.v[prev].name.off, &line, &col);
        ERR_NAME(c, node, n, arena_printf(c->a, "pick another name; `%.*s` is bound at line %u",
                                          (int)n.len, n.p, line),
                 "`%.*s` is already a loop variable here", (int)n.len, n.p);
    }
    binding b;
    memset(&b, 0, sizeof b);
    b.name = n;
    b.kind = kind;
    b.table = table;
    b.depth = (int)c->scope.n;
    b.node = node;
    b.plan = -1;
    b.local = -1;
    if (!VEC_PUSH(c->a, c->bindings, b))
        return -1;
    int id = (int)c->bindings.n - 1;
    if (!VEC_PUSH(c->a, c->scope, id))
        return -1;
    return id;
}

static const char **visible_names(compiler *c, size_t *n)
{
    const fact_table *it = NULL;
    if (c->implicit >= 0 && c->bindings.v[c->implicit].kind == BIND_ROW && c->bindings.v[c->implicit].table >= 0)
        it = &c->tables.v[c->bindings.v[c->implicit].table];
    const char **v = arena_alloc(c->a, (c->scope.n + 4 + (it ? it->ncols : 0)) * sizeof *v);
    *n = 0;
    if (!v)
        return NULL;
    /* In a scope or the appetite, the implicit row's fields are names too. */
    for (uint32_t i = 0; it && i < it->ncols; i++)
        v[(*n)++] = it->cols[i].cname;
    if (c->in_appetite && c->appetite.score)
        v[(*n)++] = arena_strndup(c->a, c->appetite.score_name.p, c->appetite.score_name.len);
    for (uint32_t i = 0; i < c->scope.n; i++) {
        binding *b = &c->bindings.v[c->scope.v[i]];
        v[(*n)++] = arena_strndup(c->a, b->name.p, b->name.len);
    }
    v[(*n)++] = "today";
    v[(*n)++] = "period";
    return v;
}

/* ---- expressions -------------------------------------------------------- */

static int is_scalar(ast_type t)
{
    return t.kind != TY_ROW && t.kind != TY_SPAN && t.kind != TY_PERIOD;
}

static int is_texty(ast_type t) { return t.kind == TY_TEXT || t.kind == TY_ENUM; }

static int implicit_column(compiler *c, ast_name n);
static int is_score_name(compiler *c, ast_name n);

/* An identifier that names no variable (nor a field of the implicit row):
 * a candidate enum member. */
static int is_free_ident(compiler *c, const ast_node *n)
{
    return n->kind == AST_IDENT && lookup_binding(c, n->u.name) < 0 && implicit_column(c, n->u.name) < 0 &&
           !is_score_name(c, n->u.name) && check_param_find(c, n, n->u.name) < 0;
}

static ast_type set(ast_node *n, ast_type t)
{
    n->type = t;
    return t;
}

/* Checks that n, a bare identifier or a string literal, is a member of enum
 * e; marks it as an enum literal. */
ast_type check_enum_literal(compiler *c, ast_node *n, ast_type et)
{
    const enum_info *e = &c->enums.v[et.id];
    const char *p = n->kind == AST_IDENT ? n->u.name.p : n->u.s.text;
    uint32_t len = n->kind == AST_IDENT ? n->u.name.len : n->u.s.n;
    if (enum_member(e, p, len) < 0) {
        ast_name nm = {p, len, n->off};
        const char *best = diag_closest(p, len, e->members, e->n);
        const char *hint = best ? arena_printf(c->a, "did you mean `%s`?", best)
                                : arena_printf(c->a, "the values are: %s", enum_members_text(c, e));
        (void)nm;
        ERR_AT(c, n, hint, "`%.*s` is not a value of `%s`", (int)len, p, e->name);
        return set(n, TYPE_ERROR);
    }
    if (n->kind == AST_IDENT)
        n->slot = -2;
    return set(n, ty(TY_ENUM, 0, et.id));
}

/* Types one operand of a comparison against the other operand's type, for
 * the cases where the other side decides what this one means (enum
 * members written bare or as strings). */
static ast_type operand_against(compiler *c, ast_node *n, ast_type other)
{
    if (other.kind == TY_ENUM && (is_free_ident(c, n) || n->kind == AST_STRING))
        return check_enum_literal(c, n, other);
    return check_expr(c, n);
}

static int looks_like_date(const char *p, uint32_t n)
{
    if (n != 10 || p[4] != '-' || p[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && (p[i] < '0' || p[i] > '9'))
            return 0;
    return 1;
}

/* Whether values of types a and b can be compared with op; reports why not. */
static int comparable(compiler *c, ast_node *at, ast_type a, ast_node *bt, ast_type b, int op, ast_node *whole)
{
    if (a.kind == TY_ERROR || b.kind == TY_ERROR)
        return 0;
    int ordering = op != OPR_EQ && op != OPR_NE;
    if (a.kind == TY_NONE || b.kind == TY_NONE) {
        ast_node *other = a.kind == TY_NONE ? bt : at;
        ast_type ot = a.kind == TY_NONE ? b : a;
        if (ordering) {
            ERR_AT(c, whole, "test presence with `== none` or `!= none`", "none has no order");
            return 0;
        }
        if (ot.kind != TY_NONE && !ot.optional) {
            ERR_AT(c, other, "only optional values (declared with `?`) can be none",
                   "this %s is never none, so the comparison is always %s",
                   check_type_name(c, ot), op == OPR_EQ ? "false" : "true");
            return 0;
        }
        return 1;
    }
    if ((a.kind == TY_MONTHS) != (b.kind == TY_MONTHS) && (a.kind == TY_DUR || b.kind == TY_DUR)) {
        /* A month is 28 to 31 days: which is longer depends on the date. */
        ERR_AT(c, whole, "write both in months (`12mo`) or both in days (`365d`)",
               "cannot compare a calendar duration with a duration in days");
        return 0;
    }
    if (!is_scalar(a) || !is_scalar(b)) {
        ast_node *bad = !is_scalar(a) ? at : bt;
        ERR_AT(c, bad, "compare one of its fields, e.g. `x.id`", "cannot compare a %s",
               check_type_name(c, !is_scalar(a) ? a : b));
        return 0;
    }
    /* An average (a decimal) compares exactly with an int threshold. */
    int numeric = (a.kind == TY_DECIMAL && b.kind == TY_INT) || (a.kind == TY_INT && b.kind == TY_DECIMAL);
    int same = a.kind == b.kind || (is_texty(a) && is_texty(b)) || numeric;
    if (!same) {
        const char *hint = NULL;
        if ((a.kind == TY_DATE && bt->kind == AST_STRING && looks_like_date(bt->u.s.text, bt->u.s.n)) ||
            (b.kind == TY_DATE && at->kind == AST_STRING && looks_like_date(at->u.s.text, at->u.s.n)))
            hint = "write dates without quotes: 2026-11-21";
        ERR_AT(c, whole, hint, "cannot compare %s with %s", check_type_name(c, a), check_type_name(c, b));
        return 0;
    }
    if (ordering && (a.kind == TY_BOOL || a.kind == TY_ENUM || b.kind == TY_ENUM)) {
        ERR_AT(c, whole, "use == or != (or `in [...]`)", "%s values have no order",
               a.kind == TY_BOOL ? "bool" : "enum");
        return 0;
    }
    return 1;
}

static ast_type check_compare(compiler *c, ast_node *n)
{
    ast_node *l = n->u.binary.lhs, *r = n->u.binary.rhs;
    ast_type lt, rt;
    if (is_free_ident(c, l) && !is_free_ident(c, r)) {
        rt = check_expr(c, r);
        lt = operand_against(c, l, rt);
    } else {
        lt = check_expr(c, l);
        rt = operand_against(c, r, lt);
        if (l->kind == AST_STRING && rt.kind == TY_ENUM)
            lt = check_enum_literal(c, l, rt);
    }
    if (!comparable(c, l, lt, r, rt, n->op, n))
        return set(n, lt.kind == TY_ERROR || rt.kind == TY_ERROR ? TYPE_ERROR : ty(TY_BOOL, 0, 0));
    return set(n, ty(TY_BOOL, 0, 0));
}

static ast_type check_arith(compiler *c, ast_node *n)
{
    ast_type a = check_expr(c, n->u.binary.lhs), b = check_expr(c, n->u.binary.rhs);
    if (a.kind == TY_ERROR || b.kind == TY_ERROR)
        return set(n, TYPE_ERROR);
    int opt = a.optional || b.optional;
    ast_tkind k = TY_ERROR;
    if (b.kind == TY_MONTHS || a.kind == TY_MONTHS) {
        /* Calendar durations move a date by whole months (clamped to the
         * month's last day) and add up among themselves; they are not day
         * counts, so they never mix with days (1y + 3d has no length). */
        int addsub = n->op == OPR_ADD || n->op == OPR_SUB;
        if (a.kind == TY_DATE && b.kind == TY_MONTHS && addsub)
            return set(n, ty(TY_DATE, opt, 0));
        if (a.kind == TY_MONTHS && b.kind == TY_DATE && n->op == OPR_ADD)
            return set(n, ty(TY_DATE, opt, 0));
        if (a.kind == TY_MONTHS && b.kind == TY_MONTHS && addsub)
            return set(n, ty(TY_MONTHS, opt, 0));
        if (addsub && (a.kind == TY_DUR || b.kind == TY_DUR))
            ERR_AT(c, n, "move the date by one, then the other: `d + 1y + 3d`",
                   "cannot %s a calendar duration and a duration in days", n->op == OPR_ADD ? "add" : "subtract");
        else
            ERR_AT(c, n, "add or subtract it from a date (`today - 1y`) or another calendar duration",
                   "a calendar duration (months, quarters, years) only moves a date");
        return set(n, TYPE_ERROR);
    }
    switch (n->op) {
    case OPR_ADD:
        if (a.kind == TY_INT && b.kind == TY_INT) k = TY_INT;
        else if (a.kind == TY_DATE && b.kind == TY_DUR) k = TY_DATE;
        else if (a.kind == TY_DUR && b.kind == TY_DATE) k = TY_DATE;
        else if (a.kind == TY_DUR && b.kind == TY_DUR) k = TY_DUR;
        break;
    case OPR_SUB:
        if (a.kind == TY_INT && b.kind == TY_INT) k = TY_INT;
        else if (a.kind == TY_DATE && b.kind == TY_DUR) k = TY_DATE;
        else if (a.kind == TY_DATE && b.kind == TY_DATE) k = TY_DUR;
        else if (a.kind == TY_DUR && b.kind == TY_DUR) k = TY_DUR;
        break;
    default:
        if (a.kind == TY_INT && b.kind == TY_INT) k = TY_INT;
        break;
    }
    if (k == TY_ERROR) {
        static const char *const verbs[] = {[OPR_ADD] = "add", [OPR_SUB] = "subtract",
                                            [OPR_MUL] = "multiply", [OPR_DIV] = "divide",
                                            [OPR_MOD] = "take the remainder of"};
        const char *hint = NULL;
        if (a.kind == TY_DATE && b.kind == TY_INT)
            hint = "write a duration: `92d` or `2w`";
        ERR_AT(c, n, hint, "cannot %s %s and %s", verbs[n->op], check_type_name(c, a),
               check_type_name(c, b));
        return set(n, TYPE_ERROR);
    }
    return set(n, ty(k, opt, 0));
}

ast_type check_bool_operand(compiler *c, ast_node *n, const char *what)
{
    ast_type t = check_expr(c, n);
    if (t.kind != TY_BOOL && t.kind != TY_ERROR) {
        ERR_AT(c, n, NULL, "%s needs a bool, not %s", what, check_type_name(c, t));
        return TYPE_ERROR;
    }
    return t;
}

/* ---- implicit rows: scopes and the appetite --------------------------------
 * A scope's condition and the appetite's clauses name fields bare
 * (`env == "prod"`). They are kept unchecked and cloned for every use, then
 * checked with c->implicit set to the binding of the row they are about, so
 * a bare field name becomes that row's field. */

static int implicit_column(compiler *c, ast_name n)
{
    if (c->implicit < 0)
        return -1;
    const binding *b = &c->bindings.v[c->implicit];
    if (b->kind != BIND_ROW || b->table < 0)
        return -1;
    return check_find_column(&c->tables.v[b->table], n);
}

static int is_score_name(compiler *c, ast_name n)
{
    return c->in_appetite && c->appetite.score && check_names_equal(n, c->appetite.score_name);
}

/* The template of a computed field of the appetite's table, or NULL. */
static ast_node *appetite_field(compiler *c, int table, ast_name f)
{
    const appetite_info *ap = &c->appetite;
    if (!ap->decl || ap->table != table)
        return NULL;
    if (check_names_equal(f, ap->score_name)) return ap->score;
    if (check_name_is(f, "band")) return ap->band;
    if (check_name_is(f, "tolerated")) return ap->tolerated;
    if (check_name_is(f, "acceptor")) return ap->acceptor;
    if (check_name_is(f, "review_every")) return ap->review_every;
    if (check_name_is(f, "owner_must_accept")) return ap->owner_must_accept;
    return NULL;
}

/* Replaces n by a checked copy of template, whose bare names denote the
 * row of binding `row`. */
static ast_type expand_in_place(compiler *c, ast_node *n, const ast_node *template, int row)
{
    ast_node *e = ast_clone(c->a, template);
    if (!e)
        return set(n, TYPE_ERROR);
    ast_node *next = n->next;
    uint32_t off = n->off, len = n->len;
    const vouch_source *src = n->src; /* the template may be another file's */
    *n = *e;
    n->next = next;
    int saved = c->implicit, saved_ap = c->in_appetite;
    c->implicit = row;
    c->in_appetite = 1;
    /* The template was checked where it is declared; here it only gets
     * this row's bindings and types. */
    ast_type t = check_expr(c, n);
    c->implicit = saved;
    c->in_appetite = saved_ap;
    n->src = src;
    n->off = off;
    n->len = len;
    return t;
}

static ast_type check_member(compiler *c, ast_node *n)
{
    ast_node *obj = n->u.member.obj;
    ast_name f = n->u.member.field;
    if (obj->kind == AST_PERIOD) {
        set(obj, ty(TY_PERIOD, 0, 0));
        if (check_name_is(f, "start")) { n->slot = 0; return set(n, ty(TY_DATE, 0, 0)); }
        if (check_name_is(f, "end")) { n->slot = 1; return set(n, ty(TY_DATE, 0, 0)); }
        static const char *const pf[] = {"start", "end"};
        ERR_NAME(c, n, f, check_hint_closest(c, f, pf, 2), "`period` has no field `%.*s`", (int)f.len, f.p);
        return set(n, TYPE_ERROR);
    }
    if (obj->kind != AST_IDENT) {
        ERR_AT(c, obj, NULL, "a field can only be read from a loop variable or `period`");
        return set(n, TYPE_ERROR);
    }
    int id = obj->slot >= 0 && c->implicit == obj->slot ? obj->slot : lookup_binding(c, obj->u.name);
    if (id < 0) {
        size_t nv;
        const char **cand = visible_names(c, &nv);
        const char *hint = check_hint_closest(c, obj->u.name, cand, nv);
        if (!hint && check_find_table(c, obj->u.name.p, obj->u.name.len) >= 0)
            hint = arena_printf(c->a, "`%.*s` is a fact type; loop over it first: `for x in %.*s`",
                                (int)obj->u.name.len, obj->u.name.p, (int)obj->u.name.len, obj->u.name.p);
        ERR_AT(c, obj, hint, "unknown name `%.*s`", (int)obj->u.name.len, obj->u.name.p);
        return set(n, TYPE_ERROR);
    }
    obj->slot = id;
    binding *b = &c->bindings.v[id];
    if (b->kind == BIND_SPAN) {
        set(obj, ty(TY_SPAN, 0, 0));
        static const char *const sf[] = {"start", "end", "name"};
        for (int i = 0; i < 3; i++)
            if (check_name_is(f, sf[i])) {
                n->slot = i;
                return set(n, ty(i == 2 ? TY_TEXT : TY_DATE, 0, 0));
            }
        ERR_NAME(c, n, f, check_hint_closest(c, f, sf, 3), "`%.*s` has no field `%.*s` (it has start, end and name)",
                 (int)b->name.len, b->name.p, (int)f.len, f.p);
        return set(n, TYPE_ERROR);
    }
    set(obj, ty(TY_ROW, 0, b->table));
    const fact_table *t = &c->tables.v[b->table];
    int col = check_find_column(t, f);
    if (col < 0) {
        ast_node *computed = appetite_field(c, b->table, f);
        if (computed)
            return expand_in_place(c, n, computed, obj->slot);
        const char **cand = check_column_names(c, t);
        size_t ncand = t->ncols;
        if (c->appetite.decl && c->appetite.table == b->table && cand) {
            const char **more = arena_alloc(c->a, (ncand + 6) * sizeof *more);
            if (more) {
                memcpy(more, cand, ncand * sizeof *more);
                more[ncand++] = arena_strndup(c->a, c->appetite.score_name.p, c->appetite.score_name.len);
                more[ncand++] = "band";
                more[ncand++] = "tolerated";
                more[ncand++] = "acceptor";
                more[ncand++] = "review_every";
                more[ncand++] = "owner_must_accept";
                cand = more;
            }
        }
        ERR_NAME(c, n, f, check_hint_closest(c, f, cand, ncand),
                 "fact `%s` has no field `%.*s`", t->name, (int)f.len, f.p);
        return set(n, TYPE_ERROR);
    }
    n->slot = col;
    return set(n, t->cols[col].type);
}

static int builtin_index(ast_name n)
{
    for (uint32_t i = 0; i < BI__COUNT; i++) {
        const char *nm = vouch_builtin_name(i);
        if (check_name_is(n, nm))
            return (int)i;
    }
    return -1;
}

static ast_type sig_type(char ch)
{
    switch (ch) {
    case 't': return ty(TY_TEXT, 0, 0);
    case 'i': return ty(TY_INT, 0, 0);
    case 'b': return ty(TY_BOOL, 0, 0);
    case 'd': return ty(TY_DATE, 0, 0);
    case 'u': return ty(TY_DUR, 0, 0);
    }
    return TYPE_ERROR;
}

/* A builtin whose arguments and result share one type (coalesce): the
 * arguments must agree; the result is optional only if the last one is. */
static ast_type check_generic_call(compiler *c, ast_node *n, int bi)
{
    ast_type t = ty(TY_NONE, 1, 0);
    int bad = 0;
    ast_node *last = NULL;
    for (ast_node *a = n->u.call.args; a; a = a->next) {
        ast_type at = check_expr(c, a);
        last = a;
        if (at.kind == TY_ERROR) {
            bad = 1;
            continue;
        }
        if (!is_scalar(at)) {
            ERR_AT(c, a, NULL, "`%s` takes values, not a %s", vouch_builtin_name((uint32_t)bi), check_type_name(c, at));
            bad = 1;
            continue;
        }
        if (at.kind == TY_NONE)
            continue;
        if (t.kind == TY_NONE) {
            t = at;
        } else if (!(at.kind == t.kind || (is_texty(at) && is_texty(t)))) {
            ERR_AT(c, a, "both arguments must have one type", "`%s` got %s and %s", vouch_builtin_name((uint32_t)bi),
                   check_type_name(c, t), check_type_name(c, at));
            bad = 1;
        }
    }
    if (bad)
        return set(n, TYPE_ERROR);
    t.optional = (uint8_t)(!last || last->type.kind == TY_NONE || last->type.optional);
    if (t.kind == TY_ENUM && last && last->type.kind == TY_TEXT)
        t = ty(TY_TEXT, t.optional, 0);
    return set(n, t);
}

static ast_type check_call(compiler *c, ast_node *n)
{
    ast_name fn = n->u.call.name;
    if (check_name_is(fn, "quarters") || check_name_is(fn, "months")) {
        ERR_AT(c, n, "write `for q in quarters(period)` and use q.start, q.end, q.name",
               "`%.*s(...)` can only be looped over with `for`", (int)fn.len, fn.p);
        return set(n, TYPE_ERROR);
    }
    int bi = builtin_index(fn);
    if (bi < 0 && check_name_is(fn, "authority")) {
        /* The appetite's authority order ranks a role: rewritten in place
         * into the `if` chain it stands for. */
        ast_node *arg = n->u.call.args;
        if (!arg || arg->next) {
            ERR_AT(c, n, "authority(p.role)", "`authority` takes one role");
            for (ast_node *a = arg; a; a = a->next)
                check_expr(c, a);
            return set(n, TYPE_ERROR);
        }
        ast_type at = check_expr(c, ast_clone(c->a, arg));
        if (at.kind == TY_ERROR)
            return set(n, TYPE_ERROR);
        if (at.kind != TY_TEXT && at.kind != TY_ENUM && at.kind != TY_NONE) {
            ERR_AT(c, arg, NULL, "`authority` ranks a role, which is text, not %s", check_type_name(c, at));
            return set(n, TYPE_ERROR);
        }
        ast_node *chain = check_authority_rank(c, n, arg);
        if (!chain)
            return set(n, TYPE_ERROR);
        ast_node *next = n->next;
        uint32_t off = n->off, len = n->len;
        const vouch_source *src = n->src; /* the order may be another file's */
        *n = *chain;
        n->next = next;
        ast_type t = check_expr(c, n);
        n->src = src;
        n->off = off;
        n->len = len;
        return t;
    }
    if (bi < 0) {
        const char *names[BI__COUNT + 2];
        for (uint32_t i = 0; i < BI__COUNT; i++)
            names[i] = vouch_builtin_name(i);
        names[BI__COUNT] = "quarters";
        names[BI__COUNT + 1] = "months";
        ERR_NAME(c, n, fn, check_hint_closest(c, fn, names, BI__COUNT + 2),
                 "unknown function `%.*s`", (int)fn.len, fn.p);
        for (ast_node *a = n->u.call.args; a; a = a->next)
            check_expr(c, a);
        return set(n, TYPE_ERROR);
    }
    n->slot = bi;
    const char *sig = vouch_builtin_signature((uint32_t)bi);
    int want = vouch_builtin_arity((uint32_t)bi), got = 0;
    for (ast_node *a = n->u.call.args; a; a = a->next)
        got++;
    if (got != want) {
        ERR_AT(c, n, arena_printf(c->a, "%s(%s)", vouch_builtin_name((uint32_t)bi), vouch_builtin_doc((uint32_t)bi)),
               "`%s` takes %d argument%s, not %d", vouch_builtin_name((uint32_t)bi), want,
               want == 1 ? "" : "s", got);
        return set(n, TYPE_ERROR);
    }
    if (sig[0] == 'a')
        return check_generic_call(c, n, bi);
    int opt = 0, bad = 0, i = 0;
    const char *p = sig + 2;
    for (ast_node *a = n->u.call.args; a; a = a->next, i++) {
        char ch = *p++;
        int takes_none = *p == '?';
        if (takes_none)
            p++;
        ast_type at = check_expr(c, a);
        ast_type wt = sig_type(ch);
        if (at.kind == TY_ERROR) {
            bad = 1;
            continue;
        }
        if (at.kind == TY_NONE && takes_none)
            continue;
        int ok = at.kind == wt.kind || (wt.kind == TY_TEXT && at.kind == TY_ENUM);
        if (!ok) {
            ERR_AT(c, a, NULL, "argument %d of `%s` must be %s, not %s", i + 1,
                   vouch_builtin_name((uint32_t)bi), check_type_name(c, wt), check_type_name(c, at));
            bad = 1;
        } else if ((at.optional || at.kind == TY_NONE) && !takes_none) {
            opt = 1;
        }
    }
    if (bad)
        return set(n, TYPE_ERROR);
    ast_type rt = sig_type(sig[0]);
    rt.optional = (uint8_t)opt;
    return set(n, rt);
}

static ast_type check_in(compiler *c, ast_node *n)
{
    ast_type lt = check_expr(c, n->u.in.lhs);
    int bad = lt.kind == TY_ERROR;
    for (ast_node *it = n->u.in.items; it; it = it->next) {
        ast_type t = operand_against(c, it, lt);
        if (!bad && !comparable(c, n->u.in.lhs, lt, it, t, OPR_EQ, it))
            bad = 1;
    }
    return set(n, bad ? TYPE_ERROR : ty(TY_BOOL, 0, 0));
}

static ast_node *member_of(compiler *c, ast_node *obj, const char *field, const ast_node *at)
{
    ast_node *m = ast_new(c->a, at->src, AST_MEMBER, at->off, at->len);
    if (m) {
        m->u.member.obj = obj;
        m->u.member.field.p = field;
        m->u.member.field.len = (uint32_t)strlen(field);
        m->u.member.field.off = at->off;
    }
    return m;
}

/* `d in S`: S is a calendar span, `period` or a range. Rewritten in place to
 * `d >= start and d <= end`, so the planner can hand both to the store. */
static ast_type check_in_span(compiler *c, ast_node *n)
{
    ast_node *lhs = n->u.in.lhs, *span = n->u.in.items;
    ast_type lt = check_expr(c, lhs), st = check_expr(c, span);
    if (lt.kind == TY_ERROR || st.kind == TY_ERROR)
        return set(n, TYPE_ERROR);
    if (lt.kind != TY_DATE) {
        ERR_AT(c, lhs, NULL, "only a date can be `in` a span, not %s", check_type_name(c, lt));
        return set(n, TYPE_ERROR);
    }
    ast_node *lo, *hi;
    if (st.kind == TY_SPAN || span->kind == AST_PERIOD) {
        ast_node *o1 = ast_clone(c->a, span), *o2 = ast_clone(c->a, span);
        if (!o1 || !o2)
            return set(n, TYPE_ERROR);
        lo = member_of(c, o1, "start", span);
        hi = member_of(c, o2, "end", span);
    } else if (span->kind == AST_RANGE) {
        lo = span->u.binary.lhs;
        hi = span->u.binary.rhs;
    } else {
        ERR_AT(c, span, "e.g. `e.collected_on in q`, `in period` or `in 2026-01-01..2026-03-31`",
               "`in` needs a list `[...]`, a calendar span, `period` or a range of dates, not %s",
               check_type_name(c, st));
        return set(n, TYPE_ERROR);
    }
    ast_node *l2 = ast_clone(c->a, lhs);
    ast_node *ge = ast_new(c->a, n->src, AST_BINARY, n->off, n->len);
    ast_node *le = ast_new(c->a, n->src, AST_BINARY, n->off, n->len);
    if (!l2 || !ge || !le || !lo || !hi)
        return set(n, TYPE_ERROR);
    ge->op = OPR_GE;
    ge->u.binary.lhs = lhs;
    ge->u.binary.rhs = lo;
    le->op = OPR_LE;
    le->u.binary.lhs = l2;
    le->u.binary.rhs = hi;
    n->kind = AST_BINARY;
    n->op = OPR_AND;
    n->u.binary.lhs = ge;
    n->u.binary.rhs = le;
    return check_expr(c, n);
}

int check_lookup_table(compiler *c, ast_node *at, ast_name n)
{
    int t = check_find_table(c, n.p, n.len);
    if (t < 0) {
        const char *hint = check_hint_closest(c, n, table_names(c), c->tables.n);
        if (!hint && c->tables.n == 0)
            hint = "declare it with `fact`, or `import \"isms\"` for the standard fact model";
        diag_error(c->d, at->src, n.off, n.len, hint, "unknown fact type `%.*s`", (int)n.len, n.p);
    }
    return t;
}

int check_find_scope(const compiler *c, ast_name n)
{
    for (uint32_t i = 0; i < c->scopes.n; i++)
        if (check_names_equal(c->scopes.v[i].name, n))
            return (int)i;
    return -1;
}

/* The checked condition of scope `sc` on the row of binding `row`. */
ast_node *check_scope_test(compiler *c, int sc, int row)
{
    ast_node *w = ast_clone(c->a, c->scopes.v[sc].decl->u.scope.where);
    if (!w)
        return NULL;
    int saved = c->implicit;
    c->implicit = row;
    check_expr(c, w);
    c->implicit = saved;
    return w;
}

/* where := check_scope_test and where (either may be NULL). */
static ast_node *and_also(compiler *c, ast_node *first, ast_node *then)
{
    if (!first)
        return then;
    if (!then)
        return first;
    ast_node *n = ast_new(c->a, then->src, AST_BINARY, then->off, then->len);
    if (!n)
        return then;
    n->op = OPR_AND;
    n->u.binary.lhs = first;
    n->u.binary.rhs = then;
    n->type = ty(TY_BOOL, 0, 0);
    if (first->type.kind == TY_ERROR || then->type.kind == TY_ERROR)
        n->type = TYPE_ERROR;
    return n;
}

/* A fact type or a scope (a fact type with a condition); reports neither.
 * *sc is the scope index or -1. */
void check_mark_scope_used(compiler *c, int sc)
{
    if (sc >= 0 && (uint32_t)sc < c->scope_used.n)
        c->scope_used.v[sc] = 1;
}

static int lookup_source(compiler *c, ast_node *at, ast_name n, int *sc)
{
    *sc = check_find_scope(c, n);
    check_mark_scope_used(c, *sc);
    if (*sc >= 0)
        return c->scopes.v[*sc].table;
    return check_lookup_table(c, at, n);
}

static ast_type check_quant(compiler *c, ast_node *n)
{
    int sc;
    int t = lookup_source(c, n, n->u.quant.table, &sc);
    int id = check_bind(c, n, n->u.quant.var, BIND_ROW, t < 0 ? 0 : t);
    if (id < 0)
        return set(n, TYPE_ERROR);
    n->slot = id;
    int bad = t < 0;
    if (t < 0) {
        /* Unknown table: skip the body; every field access would fail. */
        c->scope.n--;
        return set(n, TYPE_ERROR);
    }
    if (n->u.quant.where && check_bool_operand(c, n->u.quant.where, "`where`").kind == TY_ERROR)
        bad = 1;
    if (sc >= 0)
        n->u.quant.where = and_also(c, check_scope_test(c, sc, id), n->u.quant.where);
    ast_type result = ty(TY_BOOL, 0, 0);
    switch (n->op) {
    case Q_EXISTS:
        break;
    case Q_ALL:
        if (check_bool_operand(c, n->u.quant.body, "`satisfies`").kind == TY_ERROR)
            bad = 1;
        break;
    case Q_COUNT:
        result = ty(TY_INT, 0, 0);
        break;
    case Q_NEWEST:
    case Q_OLDEST: {
        ast_type bt = check_expr(c, n->u.quant.body);
        if (bt.kind == TY_ERROR) {
            bad = 1;
        } else if (bt.kind != TY_INT && bt.kind != TY_DATE && bt.kind != TY_DUR && bt.kind != TY_TEXT) {
            ERR_AT(c, n->u.quant.body, NULL, "`%s` needs a value with an order (int, date, duration, text), not %s",
                   n->op == Q_NEWEST ? "newest" : "oldest", check_type_name(c, bt));
            bad = 1;
        }
        result = ty(bt.kind, 1, bt.id);
        break;
    }
    case Q_SUM:
    case Q_AVG: {
        /* Sums are exact: an int sum that leaves 64 bits is a runtime
         * error, never a wrap. An average is an exact fraction (a decimal)
         * so that comparing it with a threshold never rounds a fail into a
         * pass; averaging durations is not offered (what unit?). */
        ast_type bt = check_expr(c, n->u.quant.body);
        int ok = bt.kind == TY_INT || (n->op == Q_SUM && bt.kind == TY_DUR);
        if (bt.kind == TY_ERROR) {
            bad = 1;
        } else if (!ok) {
            ERR_AT(c, n->u.quant.body, NULL, "`%s` needs %s, not %s", n->op == Q_SUM ? "sum" : "avg",
                   n->op == Q_SUM ? "an int or a duration" : "an int", check_type_name(c, bt));
            bad = 1;
        }
        result = n->op == Q_SUM ? ty(bt.kind, 0, 0) : ty(TY_DECIMAL, 1, 0);
        break;
    }
    }
    c->scope.n--;
    return set(n, bad ? TYPE_ERROR : result);
}

static ast_type check_interp(compiler *c, ast_node *n)
{
    int bad = 0;
    uint32_t parts = 0;
    for (ast_node *p = n->u.list.first; p; p = p->next)
        parts++;
    if (parts > VOUCH_MAX_INTERP_PARTS) {
        ERR_AT(c, n, "split the text into several strings",
               "a string with %u text and {...} parts, more than the limit of %d", parts,
               VOUCH_MAX_INTERP_PARTS);
        return set(n, TYPE_ERROR);
    }
    for (ast_node *p = n->u.list.first; p; p = p->next) {
        /* A cadence parameter has no value a rule computes with, but in
         * text it is its word: "reviewed every {log_review_every}". */
        if (p->kind == AST_IDENT && lookup_binding(c, p->u.name) < 0 && implicit_column(c, p->u.name) < 0 &&
            !is_score_name(c, p->u.name))
            check_param_word(c, p);
        ast_type t = check_expr(c, p);
        if (t.kind == TY_ERROR)
            bad = 1;
        else if (!is_scalar(t)) {
            ERR_AT(c, p, "name one of its fields, e.g. `{x.id}`", "cannot put a %s into text",
                   check_type_name(c, t));
            bad = 1;
        }
    }
    return set(n, bad ? TYPE_ERROR : ty(TY_TEXT, 0, 0));
}

ast_type check_expr(compiler *c, ast_node *n)
{
    if (!n) /* a part the parser already reported missing */
        return TYPE_ERROR;
    if (n->depth > VOUCH_MAX_EXPR_DEPTH) /* reported and cut off by ast.c */
        return set(n, TYPE_ERROR);
    if (c->a->failed) /* out of memory: a clone may have holes; compile.c reports it */
        return set(n, TYPE_ERROR);
    switch (n->kind) {
    case AST_INT: return set(n, ty(TY_INT, 0, 0));
    case AST_DATE: return set(n, ty(TY_DATE, 0, 0));
    case AST_DUR: return set(n, ty(TY_DUR, 0, 0));
    case AST_MONTHS: return set(n, ty(TY_MONTHS, 0, 0));
    case AST_COND: {
        ast_type t = check_bool_operand(c, n->u.cond.test, "a condition");
        ast_type a = check_expr(c, n->u.cond.then), b = check_expr(c, n->u.cond.otherwise);
        if (t.kind == TY_ERROR || a.kind == TY_ERROR || b.kind == TY_ERROR)
            return set(n, TYPE_ERROR);
        if (a.kind != TY_NONE && b.kind != TY_NONE && !(a.kind == b.kind || (is_texty(a) && is_texty(b)))) {
            ERR_AT(c, n, "both branches must give one type", "`if` gives %s on one branch and %s on the other",
                   check_type_name(c, a), check_type_name(c, b));
            return set(n, TYPE_ERROR);
        }
        if (!is_scalar(a) || !is_scalar(b)) {
            ERR_AT(c, n, NULL, "an `if` gives values, not a %s", check_type_name(c, !is_scalar(a) ? a : b));
            return set(n, TYPE_ERROR);
        }
        ast_type r = a.kind == TY_NONE ? b : a;
        if (a.kind != b.kind && is_texty(a) && is_texty(b))
            r = ty(TY_TEXT, 0, 0);
        r.optional = a.optional || b.optional || a.kind == TY_NONE || b.kind == TY_NONE;
        return set(n, r);
    }
    case AST_BOOL: return set(n, ty(TY_BOOL, 0, 0));
    case AST_NONE: return set(n, ty(TY_NONE, 1, 0));
    case AST_STRING: return set(n, ty(TY_TEXT, 0, 0));
    case AST_INTERP: return check_interp(c, n);
    case AST_TODAY: return set(n, ty(TY_DATE, 0, 0));
    case AST_PERIOD: return set(n, ty(TY_PERIOD, 0, 0));
    case AST_IDENT: {
        int id = lookup_binding(c, n->u.name);
        if (id < 0 && implicit_column(c, n->u.name) >= 0) {
            /* A bare field name in a scope or the appetite: the implicit row's. */
            ast_node *obj = ast_new(c->a, n->src, AST_IDENT, n->off, n->len);
            if (!obj)
                return set(n, TYPE_ERROR);
            obj->u.name = c->bindings.v[c->implicit].name;
            ast_name field = n->u.name;
            n->kind = AST_MEMBER;
            n->u.member.obj = obj;
            n->u.member.field = field;
            obj->slot = c->implicit;
            return check_member(c, n);
        }
        if (id < 0 && is_score_name(c, n->u.name)) {
            ast_node *next = n->next, *e = ast_clone(c->a, c->appetite.score);
            if (!e)
                return set(n, TYPE_ERROR);
            *n = *e;
            n->next = next;
            return check_expr(c, n);
        }
        int param = id < 0 ? check_param_find(c, n, n->u.name) : -1;
        if (param >= 0)
            return check_param_use(c, n, param);
        if (id < 0) {
            size_t nv;
            const char **cand = visible_names(c, &nv);
            const char *hint = check_hint_closest(c, n->u.name, cand, nv);
            if (!hint)
                hint = check_param_hint(c, n, n->u.name);
            ERR_AT(c, n, hint, "unknown name `%.*s`", (int)n->u.name.len, n->u.name.p);
            return set(n, TYPE_ERROR);
        }
        n->slot = id;
        binding *b = &c->bindings.v[id];
        return set(n, b->kind == BIND_ROW ? ty(TY_ROW, 0, b->table) : ty(TY_SPAN, 0, 0));
    }
    case AST_MEMBER: return check_member(c, n);
    case AST_CALL: return check_call(c, n);
    case AST_UNARY:
        if (n->op == OPR_NOT) {
            ast_type t = check_bool_operand(c, n->u.unary.operand, "`not`");
            return set(n, t.kind == TY_ERROR ? t : ty(TY_BOOL, 0, 0));
        } else {
            ast_type t = check_expr(c, n->u.unary.operand);
            if (t.kind == TY_ERROR)
                return set(n, t);
            if (t.kind != TY_INT && t.kind != TY_DUR && t.kind != TY_MONTHS) {
                ERR_AT(c, n, NULL, "cannot negate %s", check_type_name(c, t));
                return set(n, TYPE_ERROR);
            }
            return set(n, t);
        }
    case AST_BINARY:
        switch (n->op) {
        case OPR_AND:
        case OPR_OR: {
            const char *w = n->op == OPR_AND ? "`and`" : "`or`";
            ast_type a = check_bool_operand(c, n->u.binary.lhs, w);
            ast_type b = check_bool_operand(c, n->u.binary.rhs, w);
            return set(n, a.kind == TY_ERROR || b.kind == TY_ERROR ? TYPE_ERROR : ty(TY_BOOL, 0, 0));
        }
        case OPR_EQ: case OPR_NE: case OPR_LT: case OPR_LE: case OPR_GT: case OPR_GE:
            return check_compare(c, n);
        default:
            return check_arith(c, n);
        }
    case AST_IN: return n->op == 1 ? check_in_span(c, n) : check_in(c, n);
    case AST_RANGE: {
        ast_type a = check_expr(c, n->u.binary.lhs), b = check_expr(c, n->u.binary.rhs);
        if (a.kind == TY_ERROR || b.kind == TY_ERROR)
            return set(n, TYPE_ERROR);
        if (a.kind != TY_DATE || b.kind != TY_DATE || a.optional || b.optional) {
            ERR_AT(c, n, "e.g. 2026-01-01..2026-12-31", "a range needs two dates, not %s and %s",
                   check_type_name(c, a), check_type_name(c, b));
            return set(n, TYPE_ERROR);
        }
        return set(n, ty(TY_PERIOD, 0, 0));
    }
    case AST_QUANT: return check_quant(c, n);
    default:
        ERR_AT(c, n, NULL, "this is not an expression");
        return set(n, TYPE_ERROR);
    }
}

/* ---- rules --------------------------------------------------------------- */

/* Months in one span of quarters()/months()/years() (plural, in `for`) or
 * quarter/month/year (singular, in `every`); 0 if the name is neither. */
static int span_unit(ast_name n, int singular)
{
    static const char *const plural[] = {"quarters", "months", "years"};
    static const char *const single[] = {"quarter", "month", "year"};
    static const int months[] = {3, 1, 12};
    for (int i = 0; i < 3; i++)
        if (check_name_is(n, singular ? single[i] : plural[i]))
            return months[i];
    return 0;
}

/* A cadence written as a duration (`every 6mo of period`): the months of
 * its span when the spans tile the calendar year with names of their own
 * (1mo, 1q or 3mo, 6mo, 1y or 12mo); -1 for another duration; 0 if the
 * name is no duration (a unit word, or a mistake). */
static int cadence_months(ast_name n)
{
    uint32_t i = 0;
    int64_t v = 0;
    while (i < n.len && n.p[i] >= '0' && n.p[i] <= '9' && v < 1000000)
        v = v * 10 + (n.p[i++] - '0');
    if (i == 0 || i == n.len)
        return 0;
    ast_name unit = {n.p + i, n.len - i, n.off + i};
    int64_t per = check_name_is(unit, "mo") ? 1 : check_name_is(unit, "q") ? 3 : check_name_is(unit, "y") ? 12 : 0;
    if (!per)
        return check_name_is(unit, "d") || check_name_is(unit, "w") ? -1 : 0;
    int64_t m = v * per;
    return m == 1 || m == 3 || m == 6 || m == 12 ? (int)m : -1;
}

static void check_for(compiler *c, ast_node *f)
{
    ast_node *s = f->u.loop.source;
    int id;
    int months = s->kind == AST_CALL ? span_unit(s->u.call.name, f->op == 1) : 0;
    if (s->kind == AST_CALL && months == 0 && f->op == 1) {
        int cm = cadence_months(s->u.call.name);
        if (cm > 0) {
            months = cm;
        } else if (cm < 0) {
            ERR_AT(c, s, "`every 1mo`, `every 1q`, `every 6mo` or `every 1y` (or quarter, month, year)",
                   "a cadence walks the calendar's months, quarters, half-years or years, not spans of `%.*s`",
                   (int)s->u.call.name.len, s->u.call.name.p);
            months = 3; /* reported: bind the variable as a quarter */
        } else {
            months = check_param_cadence(c, s, s->u.call.name);
        }
    }
    if (s->kind == AST_IDENT) {
        int sc;
        int t = lookup_source(c, s, s->u.name, &sc);
        id = check_bind(c, f, f->u.loop.var, BIND_ROW, t < 0 ? 0 : t);
        if (t < 0 && id >= 0)
            c->bindings.v[id].table = -1;
        if (sc >= 0 && id >= 0)
            f->u.loop.scope_where = check_scope_test(c, sc, id);
    } else if (s->kind == AST_CALL && months == 0 && f->op == 1) {
        static const char *const units[] = {"quarter", "month", "year"};
        ERR_NAME(c, s, s->u.call.name, check_hint_closest(c, s->u.call.name, units, 3),
                 "`every` takes quarter, month or year, not `%.*s`", (int)s->u.call.name.len, s->u.call.name.p);
        id = check_bind(c, f, f->u.loop.var, BIND_SPAN, 0);
        if (id >= 0)
            c->bindings.v[id].span_months = 3;
    } else if (s->kind == AST_CALL && months > 0) {
        ast_node *arg = s->u.call.args;
        if (!arg || arg->next) {
            ERR_AT(c, s, "e.g. quarters(period) or quarters(2026-01-01..2026-12-31)",
                   "`%.*s` takes one period", (int)s->u.call.name.len, s->u.call.name.p);
        } else {
            ast_type t = check_expr(c, arg);
            if (t.kind != TY_PERIOD && t.kind != TY_ERROR)
                ERR_AT(c, arg, "e.g. quarters(period) or quarters(2026-01-01..2026-12-31)",
                       "`%.*s` needs a period, not %s", (int)s->u.call.name.len, s->u.call.name.p,
                       check_type_name(c, t));
        }
        id = check_bind(c, f, f->u.loop.var, BIND_SPAN, 0);
        if (id >= 0)
            c->bindings.v[id].span_months = months;
    } else {
        ERR_AT(c, s, "e.g. `for s in soa` or `for q in quarters(period)`",
               "a `for` loops over a fact type, a scope, quarters(...), months(...) or years(...)");
        id = check_bind(c, f, f->u.loop.var, BIND_SPAN, 0);
        if (id >= 0)
            c->bindings.v[id].span_months = 3;
    }
    f->slot = id;
}

static int rule_has_error_binding(compiler *c)
{
    for (uint32_t i = 0; i < c->scope.n; i++) {
        binding *b = &c->bindings.v[c->scope.v[i]];
        if (b->kind == BIND_ROW && b->table < 0)
            return 1;
    }
    return 0;
}

static void check_rule(compiler *c, ast_node *r)
{
    c->scope.n = 0;
    if (!r->u.rule.title || !r->u.rule.require)
        return; /* the parser reported what is missing */
    check_param_title(c, r);
    if (vouch_severity_parse(r->u.rule.severity.p, r->u.rule.severity.len) < 0) {
        static const char *const sev[] = {"info", "low", "medium", "high", "critical"};
        const char *hint = check_hint_closest(c, r->u.rule.severity, sev, 5);
        diag_error(c->d, r->src, r->u.rule.severity.off, r->u.rule.severity.len,
                   hint ? hint : "severities are info, low, medium, high and critical",
                   "unknown severity `%.*s`", (int)r->u.rule.severity.len, r->u.rule.severity.p);
    }
    if (r->u.rule.enforcement.p &&
        vouch_enforcement_parse(r->u.rule.enforcement.p, r->u.rule.enforcement.len) < 0) {
        static const char *const enf[] = {"advisory", "soft", "hard"};
        const char *hint = check_hint_closest(c, r->u.rule.enforcement, enf, 3);
        diag_error(c->d, r->src, r->u.rule.enforcement.off, r->u.rule.enforcement.len,
                   hint ? hint : "enforcement levels are advisory, soft and hard",
                   "unknown enforcement level `%.*s`", (int)r->u.rule.enforcement.len, r->u.rule.enforcement.p);
    }
    rule_extra *x = &c->extra.v[c->rules.n - 1];
    uint32_t nfor = 0;
    for (ast_node *f = r->u.rule.fors; f; f = f->next)
        nfor++;
    if (nfor > VOUCH_MAX_FOR_CLAUSES) {
        diag_error(c->d, r->src, r->u.rule.id.off, r->u.rule.id.len, "split the rule",
                   "rule `%.*s` has %u `for` clauses, more than the limit of %d",
                   (int)r->u.rule.id.len, r->u.rule.id.p, nfor, VOUCH_MAX_FOR_CLAUSES);
        return;
    }
    check_maps(c, r, x);
    for (ast_node *f = r->u.rule.fors; f; f = f->next) {
        check_for(c, f);
        if (f->u.loop.where && !rule_has_error_binding(c))
            check_bool_operand(c, f->u.loop.where, "`where`");
        f->u.loop.where = and_also(c, f->u.loop.scope_where, f->u.loop.where);
        if (f->op == 1) {
            if (x->cadence >= 0)
                ERR_AT(c, f, "one cadence per rule: split the rule", "rule `%.*s` already has an `every` clause",
                       (int)r->u.rule.id.len, r->u.rule.id.p);
            else
                x->cadence = f->slot;
        }
    }
    if (rule_has_error_binding(c)) {
        c->scope.n = 0;
        return;
    }
    if (r->u.rule.scope.len)
        check_rule_scope(c, r, x);
    check_bool_operand(c, r->u.rule.require, "`require`");
    ast_node *subj = r->u.rule.subject;
    if (subj) {
        ast_type t = check_expr(c, subj);
        if (t.kind != TY_ERROR && !is_scalar(t))
            ERR_AT(c, subj, "name one of its fields, or write a template: \"{x.a}/{x.b}\"",
                   "a subject must be a value, not a %s", check_type_name(c, t));
    } else {
        ast_node *first = r->u.rule.fors;
        binding *b = first && first->slot >= 0 ? &c->bindings.v[first->slot] : NULL;
        if (!b || b->kind != BIND_ROW || c->tables.v[b->table].nkey == 0)
            diag_error(c->d, r->src, r->u.rule.id.off, r->u.rule.id.len,
                       "add `subject <expression>` after `require`, e.g. subject \"{x.id}\"",
                       "rule `%.*s` has no subject: its first `for` is not over a fact type with a key",
                       (int)r->u.rule.id.len, r->u.rule.id.p);
    }
    if (r->u.rule.message) {
        ast_type t = check_expr(c, r->u.rule.message);
        if (t.kind != TY_ERROR && !is_scalar(t))
            ERR_AT(c, r->u.rule.message, NULL, "a message must be text, not a %s", check_type_name(c, t));
    }
    c->scope.n = 0;
}

/* ---- rule ids ------------------------------------------------------------ */

/* The rules seen so far by id (an id_index), so that a duplicate id is
 * found without scanning every earlier rule (that scan made 10,000 rules
 * quadratic). Only the first rule of each id is added, so a lookup finds
 * the one the "defined twice" message points at. */
typedef struct rule_key {
    const compiler *c;
    ast_name id;
} rule_key;

static int is_rule(const void *ctx, uint32_t r)
{
    const rule_key *key = ctx;
    return check_names_equal(key->c->rules.v[r]->u.rule.id, key->id);
}

/* The index of the first rule with id n, or -1. */
static int rule_ids_find(const compiler *c, const id_index *ids, ast_name n)
{
    rule_key key = {c, n};
    return id_index_find(ids, id_index_hash(n.p, n.len), is_rule, &key);
}

/* Adds rule r (an id not in the set). Out of memory leaves the set as it
 * was and the arena failed, which the compilation reports. */
static void rule_ids_add(compiler *c, id_index *ids, uint32_t r)
{
    ast_name n = c->rules.v[r]->u.rule.id;
    (void)id_index_add(c->a, ids, id_index_hash(n.p, n.len), r);
}

int check_program(compiler *c, ast_node *const *items, const vouch_source *const *srcs, size_t nfiles)
{
    (void)srcs;
    id_index ids = {NULL, 0, 0};
    c->implicit = -1;
    /* The items other than rules, in order, for the passes that declare
     * them: a big pack is mostly rules, and walking every item again for
     * each kind of declaration read each rule node (a cache miss) six
     * times. Out of memory: the arena has failed, which compile.c reports. */
    VEC(ast_node *) decls = {NULL, 0, 0};
    for (size_t i = 0; i < nfiles; i++)
        for (ast_node *it = items[i]; it; it = it->next)
            if (it->kind != AST_RULE && !VEC_PUSH(c->a, decls, it))
                return 0;
    check_params_declare(c, items, nfiles);
    /* Declarations first, in dependency order: facts, catalogues, the
     * crosswalks between them, scopes and the appetite over facts. */
    for (uint32_t k = 0; k < decls.n; k++)
        if (decls.v[k]->kind == AST_FACT)
            declare_fact(c, decls.v[k]);
    for (uint32_t k = 0; k < decls.n; k++)
        if (decls.v[k]->kind == AST_FRAMEWORK)
            check_declare_framework(c, decls.v[k]);
    for (uint32_t k = 0; k < decls.n; k++) {
        ast_node *it = decls.v[k];
        if (it->kind == AST_CROSSWALK)
            check_declare_crosswalk(c, it);
        else if (it->kind == AST_SCOPE)
            check_declare_scope(c, it);
        else if (it->kind == AST_APPETITE && !(it->op & 2))
            check_declare_appetite(c, it);
        else if (it->kind == AST_SOURCE)
            check_declare_source(c, it);
    }
    for (size_t i = 0; i < nfiles; i++)
        for (ast_node *it = items[i]; it; it = it->next) {
            if (it->kind != AST_RULE)
                continue;
            if (c->rules.n >= VOUCH_MAX_RULES) {
                diag_error(c->d, it->src, it->u.rule.id.off, it->u.rule.id.len,
                           "split the packs into several runs",
                           "more than %d rules in one compilation", VOUCH_MAX_RULES);
                return 0;
            }
            int first = rule_ids_find(c, &ids, it->u.rule.id);
            if (first >= 0) {
                ast_node *o = c->rules.v[first];
                uint32_t line, col;
                source_position(o->src, o->u.rule.id.off, &line, &col);
                diag_error(c->d, it->src, it->u.rule.id.off, it->u.rule.id.len,
                           arena_printf(c->a, "the first is at %s:%u:%u", o->src->name, line, col),
                           "rule `%.*s` is defined twice", (int)it->u.rule.id.len, it->u.rule.id.p);
            }
            rule_extra x;
            memset(&x, 0, sizeof x);
            x.scope = -1;
            x.cadence = -1;
            x.severity = vouch_severity_parse(it->u.rule.severity.p, it->u.rule.severity.len);
            x.enforcement = it->u.rule.enforcement.p
                                ? vouch_enforcement_parse(it->u.rule.enforcement.p, it->u.rule.enforcement.len)
                                : ENF_SOFT;
            x.pack = c->pack_of_src ? c->pack_of_src[it->src->index] : "";
            x.skip_reason = "";
            if (VEC_PUSH(c->a, c->rules, it) && first < 0)
                rule_ids_add(c, &ids, c->rules.n - 1);
            VEC_PUSH(c->a, c->extra, x);
            /* The next item's nodes, while this rule is checked (a big
             * pack's tree is far larger than the caches). */
            if (it->next)
                arena_prefetch(it + 1, it->next + 1);
            check_rule(c, it);
        }
    for (uint32_t k = 0; k < decls.n; k++) {
        ast_node *it = decls.v[k];
        if (it->kind == AST_WAIVER_CAP)
            check_declare_waiver_cap(c, it);
        else if (it->kind == AST_FRESHNESS)
            check_declare_freshness(c, it);
        else if (it->kind == AST_OVERRIDE)
            check_declare_override(c, it, items, nfiles);
    }
    for (uint32_t k = 0; k < decls.n; k++) {
        ast_node *it = decls.v[k];
        if (it->kind == AST_WAIVE)
            check_declare_waiver(c, it);
        else if (it->kind == AST_TEST)
            check_declare_test(c, it);
    }
    if (c->lint && c->d->nerrors == 0)
        check_lint_program(c, items, nfiles);
    return c->d->nerrors == 0 && !c->a->failed;
}
