/*
 * ast_items.c: constructors for the items that speak the auditor's world:
 * framework catalogues, crosswalks, scopes, the risk appetite, waivers,
 * overrides, and the rule clauses that go with them (`maps`, `scope`,
 * `every ... of ... as ...`). Called from grammar actions; like ast.c they
 * only build nodes and report what is wrong with a single token (a word
 * that must be "at most"); names are resolved later, by check.c.
 */
#include <string.h>
#include "ast.h"

static uint32_t max_u32(uint32_t a, uint32_t b) { return a > b ? a : b; }

static ast_node *string_at(ast_builder *b, uint32_t off, uint32_t len)
{
    return len ? ast_string_node(b, off, len, off, off + len) : NULL;
}

ast_node *ast_catalogue(ast_builder *b, ast_kind kind, uint32_t off, ast_node *id, ast_node *title,
                        ast_node *attrs)
{
    uint32_t end = max_u32(ast_end_of(title), ast_end_of(id));
    for (ast_node *a = attrs; a; a = a->next)
        end = max_u32(end, ast_end_of(a));
    ast_node *n = ast_node_at(b, kind, off, end);
    if (!n)
        return NULL;
    n->u.cat.id = id;
    n->u.cat.title = title;
    n->u.cat.attrs = attrs;
    return n;
}

ast_node *ast_catalogue_add(ast_node *cat, ast_node *item)
{
    if (!cat)
        return NULL;
    cat->u.cat.items = ast_append(cat->u.cat.items, item);
    return ast_span_to(cat, ast_end_of(item));
}

ast_node *ast_attr(ast_builder *b, uint32_t name_off, uint32_t name_len, ast_node *value)
{
    ast_node *n = ast_node_at(b, AST_ATTR, name_off, max_u32(name_off + name_len, ast_end_of(value)));
    if (!n)
        return NULL;
    n->u.field.name = ast_name_at(b, name_off, name_len);
    n->u.field.type = value;
    return n;
}

ast_node *ast_pair(ast_builder *b, uint32_t src_off, uint32_t src_len, uint32_t rel_off,
                   uint32_t rel_len, uint32_t dst_off, uint32_t dst_len, uint32_t note_off,
                   uint32_t note_len)
{
    uint32_t end = max_u32(dst_off + dst_len, note_off + note_len);
    ast_node *n = ast_node_at(b, AST_PAIR, src_off, end);
    if (!n)
        return NULL;
    n->u.pair.src = string_at(b, src_off, src_len);
    n->u.pair.dst = string_at(b, dst_off, dst_len);
    n->u.pair.note = string_at(b, note_off, note_len);
    if (rel_len)
        n->u.pair.rel = ast_name_at(b, rel_off, rel_len);
    return n;
}

ast_node *ast_scope(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len,
                    uint32_t table_off, uint32_t table_len, ast_node *where)
{
    ast_node *n = ast_node_at(b, AST_SCOPE, off, max_u32(table_off + table_len, ast_end_of(where)));
    if (!n)
        return NULL;
    n->u.scope.name = ast_name_at(b, name_off, name_len);
    n->u.scope.table = ast_name_at(b, table_off, table_len);
    n->u.scope.where = where;
    return n;
}

ast_node *ast_appetite(ast_builder *b, uint32_t off, uint32_t table_off, uint32_t table_len)
{
    ast_node *n = ast_node_at(b, AST_APPETITE, off, off + 8);
    if (!n)
        return NULL;
    if (table_len)
        n->u.appetite.table = ast_name_at(b, table_off, table_len);
    return n;
}

ast_node *ast_appetite_replacing(ast_node *appetite, uint32_t off)
{
    if (appetite) {
        appetite->op = 1;
        appetite->len += appetite->off - off;
        appetite->off = off;
    }
    return appetite;
}

ast_node *ast_appetite_add(ast_node *appetite, ast_node *clause)
{
    if (!appetite)
        return NULL;
    appetite->u.appetite.clauses = ast_append(appetite->u.appetite.clauses, clause);
    return ast_span_to(appetite, ast_end_of(clause));
}

ast_node *ast_appetite_clause(ast_builder *b, int kind, uint32_t off, uint32_t len, ast_node *cond,
                              ast_node *arg, ast_node *review)
{
    uint32_t end = max_u32(off + len, max_u32(ast_end_of(cond), max_u32(ast_end_of(arg), ast_end_of(review))));
    if (arg && arg->tail) /* a list (the authority order): it ends with its last item */
        end = max_u32(end, ast_end_of(arg->tail));
    ast_node *n = ast_node_at(b, AST_APPETITE_CLAUSE, off, end);
    if (!n)
        return NULL;
    n->u.apc.kind = kind;
    n->u.apc.cond = cond;
    n->u.apc.arg = arg;
    n->u.apc.review = review;
    if (kind == AP_SCORE)
        n->u.apc.name = ast_name_at(b, off, len);
    else if (kind == AP_BAND && arg)
        n->u.apc.name = arg->u.name;
    return n;
}

ast_node *ast_until(ast_builder *b, uint32_t from_off, uint32_t from_len, uint32_t until_off,
                    uint32_t until_len)
{
    ast_node *n = ast_node_at(b, AST_UNTIL, from_len ? from_off : until_off, until_off + until_len);
    if (!n)
        return NULL;
    n->u.binary.lhs = from_len ? ast_leaf(b, AST_DATE, from_off, from_len) : NULL;
    n->u.binary.rhs = ast_leaf(b, AST_DATE, until_off, until_len);
    return n;
}

ast_node *ast_waive(ast_builder *b, uint32_t off, uint32_t rule_off, uint32_t rule_len,
                    uint32_t subj_off, uint32_t subj_len, ast_node *period, uint32_t because_off,
                    uint32_t because_len, uint32_t approved_off, uint32_t end)
{
    ast_node *n = ast_node_at(b, AST_WAIVE, off, end);
    if (!n)
        return NULL;
    n->u.waive.rule = ast_name_at(b, rule_off, rule_len);
    n->u.waive.subject = string_at(b, subj_off, subj_len);
    n->u.waive.period = period;
    n->u.waive.because = string_at(b, because_off, because_len);
    n->u.waive.approved = string_at(b, approved_off, end - approved_off);
    return n;
}

static int word_is(const ast_builder *b, uint32_t off, uint32_t len, const char *w)
{
    return len == strlen(w) && memcmp(b->src->text + off, w, len) == 0;
}

ast_node *ast_waiver_cap(ast_builder *b, uint32_t off, uint32_t x_off, uint32_t x_len, uint32_t y_off,
                         uint32_t y_len, uint32_t d_off, uint32_t d_len)
{
    if (!word_is(b, x_off, x_len, "at") || !word_is(b, y_off, y_len, "most"))
        diag_error(b->diag, b->src, x_off, y_off + y_len - x_off, "write `waivers at most 180d`",
                   "expected `at most` after `waivers`");
    ast_node *n = ast_node_at(b, AST_WAIVER_CAP, off, d_off + d_len);
    if (!n)
        return NULL;
    n->u.unary.operand = ast_leaf(b, AST_DUR, d_off, d_len);
    return n;
}

ast_node *ast_override(ast_builder *b, int kind, uint32_t off, uint32_t rule_off, uint32_t rule_len,
                       uint32_t sev_off, uint32_t sev_len, uint32_t because_off, uint32_t because_len,
                       uint32_t end)
{
    ast_node *n = ast_node_at(b, AST_OVERRIDE, off, end);
    if (!n)
        return NULL;
    n->op = (uint16_t)kind;
    n->u.ovr.rule = ast_name_at(b, rule_off, rule_len);
    if (sev_len)
        n->u.ovr.severity = ast_name_at(b, sev_off, sev_len);
    n->u.ovr.because = string_at(b, because_off, because_len);
    return n;
}

ast_node *ast_rule_maps(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *framework,
                        uint32_t ctl_off, uint32_t ctl_len)
{
    if (!rule)
        return NULL;
    ast_node *m = ast_node_at(b, AST_PAIR, kw_off, ctl_off + ctl_len);
    if (!m)
        return rule;
    m->u.pair.src = framework;
    m->u.pair.dst = string_at(b, ctl_off, ctl_len);
    rule->u.rule.maps = ast_append(rule->u.rule.maps, m);
    return rule;
}

ast_node *ast_rule_scope(ast_builder *b, ast_node *rule, uint32_t kw_off, uint32_t off, uint32_t len)
{
    if (!rule)
        return NULL;
    if (rule->u.rule.scope.len) {
        diag_error(b->diag, b->src, kw_off, off + len - kw_off, "a rule has at most one scope",
                   "rule `%.*s` already has a scope", (int)rule->u.rule.id.len, rule->u.rule.id.p);
        return rule;
    }
    rule->u.rule.scope = ast_name_at(b, off, len);
    return rule;
}

ast_node *ast_every(ast_builder *b, uint32_t off, uint32_t unit_off, uint32_t unit_len, ast_node *period,
                    uint32_t var_off, uint32_t var_len, ast_node *where)
{
    ast_node *call = ast_call(b, unit_off, unit_len, period, ast_end_of(period));
    ast_node *n = ast_for(b, off, var_off, var_len, call, where);
    if (n)
        n->op = 1;
    return n;
}

ast_node *ast_in_span(ast_builder *b, ast_node *lhs, ast_node *span)
{
    ast_node *n = ast_in(b, lhs, span, ast_end_of(span));
    if (n)
        n->op = 1;
    return n;
}

/* ---- cloning ------------------------------------------------------------ */

static ast_node *clone_list(arena *a, const ast_node *first)
{
    ast_node *head = NULL, *tail = NULL;
    for (const ast_node *it = first; it; it = it->next) {
        ast_node *c = ast_clone(a, it);
        if (!c)
            return NULL;
        if (tail)
            tail->next = c;
        else
            head = c;
        tail = c;
    }
    return head;
}

ast_node *ast_clone(arena *a, const ast_node *n)
{
    if (!n)
        return NULL;
    ast_node *c = arena_alloc(a, sizeof *c);
    if (!c)
        return NULL;
    *c = *n;
    c->next = NULL;
    c->tail = NULL;          /* the original's hint points into its own list */
    switch (n->kind) {
    case AST_INTERP:
        c->u.list.first = clone_list(a, n->u.list.first);
        break;
    case AST_MEMBER:
        c->u.member.obj = ast_clone(a, n->u.member.obj);
        break;
    case AST_CALL:
        c->u.call.args = clone_list(a, n->u.call.args);
        break;
    case AST_UNARY:
        c->u.unary.operand = ast_clone(a, n->u.unary.operand);
        break;
    case AST_BINARY:
    case AST_RANGE:
        c->u.binary.lhs = ast_clone(a, n->u.binary.lhs);
        c->u.binary.rhs = ast_clone(a, n->u.binary.rhs);
        break;
    case AST_IN:
        c->u.in.lhs = ast_clone(a, n->u.in.lhs);
        c->u.in.items = n->op == 1 ? ast_clone(a, n->u.in.items) : clone_list(a, n->u.in.items);
        break;
    case AST_QUANT:
        c->u.quant.where = ast_clone(a, n->u.quant.where);
        c->u.quant.body = ast_clone(a, n->u.quant.body);
        break;
    case AST_COND:
        c->u.cond.test = ast_clone(a, n->u.cond.test);
        c->u.cond.then = ast_clone(a, n->u.cond.then);
        c->u.cond.otherwise = ast_clone(a, n->u.cond.otherwise);
        break;
    default:
        break;
    }
    return c;
}

ast_node *ast_cond(ast_builder *b, uint32_t off, ast_node *test, ast_node *then, ast_node *otherwise)
{
    ast_node *n = ast_node_at(b, AST_COND, off, ast_end_of(otherwise));
    if (!n)
        return NULL;
    n->u.cond.test = test;
    n->u.cond.then = then;
    n->u.cond.otherwise = otherwise;
    return n;
}

/* ---- tests ---------------------------------------------------------------- */

ast_node *ast_test(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len)
{
    ast_node *n = ast_node_at(b, AST_TEST, off, name_off + name_len);
    if (n)
        n->u.cat.id = string_at(b, name_off, name_len);
    return n;
}

ast_node *ast_test_clause(ast_builder *b, ast_node *test, ast_kind kind, uint32_t off, uint32_t len, ast_node *a,
                          ast_node *c)
{
    if (!test)
        return NULL;
    if (kind == AST_TEST_ASOF && !word_is(b, off, len, "as_of")) {
        diag_error(b->diag, b->src, off, len, "a test's clauses are as_of, period, given and expect",
                   "unexpected `%.*s`", (int)len, b->src->text + off);
        return test;
    }
    ast_node *n = ast_node_at(b, kind, off, max_u32(off + len, max_u32(ast_end_of(a), ast_end_of(c))));
    if (!n)
        return test;
    if (kind == AST_TEST_ASOF) {
        n->u.unary.operand = a;
    } else if (kind == AST_TEST_PERIOD) {
        n->u.binary.lhs = a;
        n->u.binary.rhs = c;
    } else {
        n->u.field.name = ast_name_at(b, off, len);
        n->u.field.type = a;
    }
    test->u.cat.attrs = ast_append(test->u.cat.attrs, n);
    return ast_span_to(test, ast_end_of(n));
}

ast_node *ast_test_expect(ast_builder *b, ast_node *test, uint32_t off, uint32_t rule_off, uint32_t rule_len,
                          uint32_t word_off, uint32_t word_len, ast_node *value)
{
    if (!test)
        return NULL;
    ast_node *n = ast_node_at(b, AST_TEST_EXPECT, off, ast_end_of(value));
    if (!n)
        return test;
    n->u.ovr.rule = ast_name_at(b, rule_off, rule_len);
    n->u.ovr.severity = ast_name_at(b, word_off, word_len);
    n->u.ovr.because = value;
    test->u.cat.attrs = ast_append(test->u.cat.attrs, n);
    return ast_span_to(test, ast_end_of(n));
}
