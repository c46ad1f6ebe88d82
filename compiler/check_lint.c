/*
 * check_lint.c: what is legal but suspicious, for `vouch lint`.
 *
 * Warnings only: declarations nothing uses, rules whose outcome is fixed
 * whatever the facts, waivers no cap bounds, rules that count for no
 * framework. It runs after a check without errors, so it can read what the
 * check recorded (bindings, used scopes, the rules' maps) instead of
 * resolving names again. Standard packs are not linted: their warnings are
 * nothing a pack's author can act on.
 */
#include "check_int.h"

static int user_source(const compiler *c, const vouch_source *src) { return src && src->index >= c->nstd; }

/* Does any rule, scope or appetite loop over table t? */
static int table_read(const compiler *c, int t)
{
    for (uint32_t i = 0; i < c->bindings.n; i++)
        if (c->bindings.v[i].kind == BIND_ROW && c->bindings.v[i].table == t)
            return 1;
    return 0;
}

void check_lint_program(compiler *c)
{
    for (uint32_t i = 0; i < c->scopes.n; i++)
        if (!c->scope_used.v[i] && user_source(c, c->scopes.v[i].decl->src))
            diag_warning(c->d, c->scopes.v[i].decl->src, c->scopes.v[i].name.off, c->scopes.v[i].name.len,
                         "use it (`for x in NAME` or a rule's `scope NAME`) or remove it",
                         "scope `%.*s` is never used", (int)c->scopes.v[i].name.len, c->scopes.v[i].name.p);
    for (uint32_t t = 0; t < c->tables.n; t++) {
        const ast_node *d = c->tables.v[t].decl;
        if (user_source(c, d->src) && !table_read(c, (int)t))
            diag_warning(c->d, d->src, d->u.fact.name.off, d->u.fact.name.len,
                         "no rule reads it; `vouch load` still accepts its rows", "fact `%s` is never read",
                         c->tables.v[t].name);
    }
    for (uint32_t i = 0; i < c->rules.n; i++) {
        ast_node *r = c->rules.v[i];
        if (!user_source(c, r->src) || !r->u.rule.require)
            continue;
        ast_node *q = r->u.rule.require;
        if (q->kind == AST_BOOL)
            diag_warning(c->d, q->src, q->off, q->len, q->u.lit.i ? "it never fires" : "every subject it visits fails",
                         "rule `%.*s` requires a constant: its outcome does not depend on the facts",
                         (int)r->u.rule.id.len, r->u.rule.id.p);
        for (ast_node *f = r->u.rule.fors; f; f = f->next) {
            ast_node *w = f->u.loop.where;
            if (w && w->kind == AST_BOOL && !w->u.lit.i)
                diag_warning(c->d, w->src, w->off, w->len, "the rule can never fire",
                             "this `where` is always false: the loop visits nothing");
        }
        if (c->frameworks.n && c->extra.v[i].maps.n == 0 && !c->extra.v[i].skipped)
            diag_warning(c->d, r->src, r->u.rule.id.off, r->u.rule.id.len,
                         "add `maps \"framework\" \"control\"` so coverage reports can use it",
                         "rule `%.*s` maps no control", (int)r->u.rule.id.len, r->u.rule.id.p);
    }
    if (c->waivers.n && c->waiver_max_days == 0) {
        const vouch_waiver *w = &c->waivers.v[0];
        diag_warning(c->d, NULL, 0, 0, "add `waivers at most 180d` (or the term your policy allows)",
                     "%s:%u:%u: waivers have no term cap: a waiver can run for years", w->file, w->line, w->col);
    }
}
