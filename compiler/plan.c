/*
 * plan.c: how a loop or quantifier reads its fact table.
 *
 * A `where` is split at its top-level `and`s. A conjunct of the form
 * `x.col OP e` (or `e OP x.col`), where e does not read x itself, becomes a
 * store term: the VM computes e before the seek and the facts store applies
 * `col OP e`, through an index when one serves. `x.flag` and `not x.flag`
 * on a bool column are terms too. Everything else stays a residual the VM
 * evaluates on each row the store returns. This is the planning a competent
 * SQL author does by hand: equality and range on indexed columns bound to
 * the outer row, constant filters pushed down, the rest checked per row.
 *
 * Splitting never changes a result: the store's terms have exactly the
 * semantics of the VM's comparisons (see facts.h), and a conjunction is true
 * exactly when all its conjuncts are.
 *
 * A residual conjunct made only of the row's int, bool, text, enum and date
 * columns, values computed before the seek (literals, outer rows' columns),
 * comparisons, `in` lists, and/or/not and int + - * is also pushed: the
 * store filters by it too (vouch_plan.filter), so rows it rejects are never
 * fetched, while the VM still checks every row it gets. A scan of 5,000
 * risks of which 1,000 are above the appetite then fetches 1,000 rows.
 */
#include <string.h>
#include "compiler.h"

#define MAX_INNER 64

/* 1 if e reads a loop variable bound outside e. inner[] holds the
 * variables that quantifiers inside e introduce on the way down. */
static int reads_free(const ast_node *e, int *inner, int ninner)
{
    if (!e)
        return 0;
    switch (e->kind) {
    case AST_IDENT:
        if (e->slot < 0)
            return 0;
        for (int i = 0; i < ninner; i++)
            if (inner[i] == e->slot)
                return 0;
        return 1;
    case AST_MEMBER:
        return reads_free(e->u.member.obj, inner, ninner);
    case AST_CALL:
        for (const ast_node *a = e->u.call.args; a; a = a->next)
            if (reads_free(a, inner, ninner))
                return 1;
        return 0;
    case AST_INTERP:
        for (const ast_node *p = e->u.list.first; p; p = p->next)
            if (reads_free(p, inner, ninner))
                return 1;
        return 0;
    case AST_UNARY:
        return reads_free(e->u.unary.operand, inner, ninner);
    case AST_BINARY:
    case AST_RANGE:
        return reads_free(e->u.binary.lhs, inner, ninner) || reads_free(e->u.binary.rhs, inner, ninner);
    case AST_IN:
        if (reads_free(e->u.in.lhs, inner, ninner))
            return 1;
        for (const ast_node *it = e->u.in.items; it; it = it->next)
            if (reads_free(it, inner, ninner))
                return 1;
        return 0;
    case AST_COND:
        return reads_free(e->u.cond.test, inner, ninner) || reads_free(e->u.cond.then, inner, ninner) ||
               reads_free(e->u.cond.otherwise, inner, ninner);
    case AST_QUANT:
        if (ninner >= MAX_INNER)
            return 1; /* too deep to tell: treat as bound, which is always safe */
        inner[ninner] = e->slot;
        return reads_free(e->u.quant.where, inner, ninner + 1) ||
               reads_free(e->u.quant.body, inner, ninner + 1);
    default:
        return 0;
    }
}

static int reads_id(const ast_node *e, int id)
{
    if (!e)
        return 0;
    switch (e->kind) {
    case AST_IDENT:
        return e->slot == id;
    case AST_MEMBER:
        return reads_id(e->u.member.obj, id);
    case AST_CALL:
        for (const ast_node *a = e->u.call.args; a; a = a->next)
            if (reads_id(a, id))
                return 1;
        return 0;
    case AST_INTERP:
        for (const ast_node *p = e->u.list.first; p; p = p->next)
            if (reads_id(p, id))
                return 1;
        return 0;
    case AST_UNARY:
        return reads_id(e->u.unary.operand, id);
    case AST_BINARY:
    case AST_RANGE:
        return reads_id(e->u.binary.lhs, id) || reads_id(e->u.binary.rhs, id);
    case AST_IN:
        if (reads_id(e->u.in.lhs, id))
            return 1;
        for (const ast_node *it = e->u.in.items; it; it = it->next)
            if (reads_id(it, id))
                return 1;
        return 0;
    case AST_COND:
        return reads_id(e->u.cond.test, id) || reads_id(e->u.cond.then, id) || reads_id(e->u.cond.otherwise, id);
    case AST_QUANT:
        return reads_id(e->u.quant.where, id) || reads_id(e->u.quant.body, id);
    default:
        return 0;
    }
}

int plan_reads_binding(const ast_node *e, int id) { return reads_id(e, id); }

int plan_reads_bindings(const ast_node *e)
{
    int inner[MAX_INNER];
    return reads_free(e, inner, 0);
}

/* x.col with x the plan's own variable: the column index, else -1. */
static int own_column(const ast_node *e, int id)
{
    if (e->kind == AST_MEMBER && e->u.member.obj->kind == AST_IDENT && e->u.member.obj->slot == id &&
        e->u.member.obj->type.kind == TY_ROW)
        return e->slot;
    return -1;
}

static vouch_cmp cmp_of(int op, int flipped)
{
    switch (op) {
    case OPR_EQ: return CMP_EQ;
    case OPR_NE: return CMP_NE;
    case OPR_LT: return flipped ? CMP_GT : CMP_LT;
    case OPR_LE: return flipped ? CMP_GE : CMP_LE;
    case OPR_GT: return flipped ? CMP_LT : CMP_GT;
    default: return flipped ? CMP_LE : CMP_GE;
    }
}

static ast_node *bool_literal(compiler *c, const ast_node *at, int v)
{
    ast_node *n = ast_new(c->a, at->src, AST_BOOL, at->off, at->len);
    if (n) {
        n->u.lit.i = v;
        n->type.kind = TY_BOOL;
        n->slot = -1;
    }
    return n;
}

static int add_term(compiler *c, plan_split *out, int col, vouch_cmp cmp, ast_node *value)
{
    plan_term t;
    t.column = col;
    t.cmp = cmp;
    t.value = value;
    t.bound = plan_reads_bindings(value);
    return VEC_PUSH(c->a, out->terms, t);
}

/* A value the VM can compute before the seek and pass as a parameter:
 * kept to literals and outer rows' columns, which cannot fail, so pushing
 * never evaluates something the residual would not have. */
static int filter_param(const ast_node *e, int id)
{
    switch (e->kind) {
    case AST_INT: case AST_STRING: case AST_BOOL: case AST_DATE: case AST_NONE:
        return 1;
    case AST_IDENT:
        return e->slot == -2; /* an enum member */
    case AST_MEMBER:
        return e->u.member.obj->kind == AST_IDENT && e->u.member.obj->slot != id &&
               e->u.member.obj->type.kind == TY_ROW;
    default:
        return 0;
    }
}

static int filter_type(const ast_node *e)
{
    switch (e->type.kind) {
    case TY_INT: case TY_BOOL: case TY_TEXT: case TY_ENUM: case TY_DATE: case TY_NONE:
        return 1;
    default:
        return 0;
    }
}

/* Whether e can be part of a plan's filter (see the top): arithmetic at most
 * `arith` levels deep, since the store's form repeats each operation. */
static int filter_expr(const ast_node *e, int id, int arith)
{
    if (own_column(e, id) >= 0)
        return filter_type(e);
    if (filter_param(e, id))
        return filter_type(e);
    switch (e->kind) {
    case AST_UNARY:
        return e->op == OPR_NOT && filter_expr(e->u.unary.operand, id, arith);
    case AST_BINARY:
        switch (e->op) {
        case OPR_AND: case OPR_OR:
            return filter_expr(e->u.binary.lhs, id, arith) && filter_expr(e->u.binary.rhs, id, arith);
        case OPR_EQ: case OPR_NE: case OPR_LT: case OPR_LE: case OPR_GT: case OPR_GE:
            return filter_type(e->u.binary.lhs) && filter_type(e->u.binary.rhs) &&
                   filter_expr(e->u.binary.lhs, id, arith) && filter_expr(e->u.binary.rhs, id, arith);
        case OPR_ADD: case OPR_SUB: case OPR_MUL:
            return arith > 0 && e->type.kind == TY_INT && e->u.binary.lhs->type.kind == TY_INT &&
                   e->u.binary.rhs->type.kind == TY_INT && filter_expr(e->u.binary.lhs, id, arith - 1) &&
                   filter_expr(e->u.binary.rhs, id, arith - 1);
        default:
            return 0;
        }
    case AST_IN:
        if (e->op == 1 || !filter_type(e->u.in.lhs) || !filter_expr(e->u.in.lhs, id, arith))
            return 0;
        for (const ast_node *it = e->u.in.items; it; it = it->next)
            if (!filter_param(it, id))
                return 0;
        return 1;
    default:
        return 0;
    }
}

static void split(compiler *c, int id, ast_node *e, plan_split *out)
{
    if (e->kind == AST_BINARY && e->op == OPR_AND) {
        split(c, id, e->u.binary.lhs, out);
        split(c, id, e->u.binary.rhs, out);
        return;
    }
    if (e->kind == AST_BINARY && e->op >= OPR_EQ && e->op <= OPR_GE) {
        ast_node *l = e->u.binary.lhs, *r = e->u.binary.rhs;
        int lc = own_column(l, id), rc = own_column(r, id);
        if (lc >= 0 && !reads_id(r, id) && add_term(c, out, lc, cmp_of(e->op, 0), r))
            return;
        if (rc >= 0 && !reads_id(l, id) && add_term(c, out, rc, cmp_of(e->op, 1), l))
            return;
    }
    if (e->type.kind == TY_BOOL && !e->type.optional) {
        int col = own_column(e, id);
        if (col >= 0) {
            ast_node *t = bool_literal(c, e, 1);
            if (t && add_term(c, out, col, CMP_EQ, t))
                return;
        }
        if (e->kind == AST_UNARY && e->op == OPR_NOT) {
            ast_node *o = e->u.unary.operand;
            col = own_column(o, id);
            if (col >= 0 && !o->type.optional) {
                ast_node *f = bool_literal(c, e, 0);
                if (f && add_term(c, out, col, CMP_EQ, f))
                    return;
            }
        }
    }
    VEC_PUSH(c->a, out->residual, e);
    if (e->type.kind == TY_BOOL && reads_id(e, id) && filter_expr(e, id, 2))
        VEC_PUSH(c->a, out->pushed, e);
}

void plan_split_where(compiler *c, int binding_id, ast_node *where, plan_split *out)
{
    memset(out, 0, sizeof *out);
    if (where)
        split(c, binding_id, where, out);
}
