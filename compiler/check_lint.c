/*
 * check_lint.c: what is legal but suspicious, for `vouch lint`.
 *
 * Warnings only: declarations nothing uses, rules whose outcome is fixed
 * whatever the facts, waivers no cap bounds, rules that count for no
 * framework, crosswalk pairs declared with two relations, loops whose rows
 * share one subject; and, in check_lint_cond.c, conditions that can never
 * hold or always hold. It runs after a check without errors, so it can read
 * what the check recorded (bindings, used scopes, the rules' maps, types)
 * instead of resolving names again. Standard packs are not linted: their
 * warnings are nothing a pack's author can act on.
 */
#include <stdlib.h>
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

/* A crosswalk pair read in one direction: the framework ids in byte
 * order, the relation turned round when the pair was written the other way
 * (A subset_of B is B superset_of A), so "1" equal "1" in a -> b and
 * "1" intersects "1" in b -> a meet. */
typedef struct lint_pair {
    const char *fa, *ca, *fb, *cb;
    int rel;                 /* 0 equal, 1 subset_of, 2 superset_of, 3 intersects, -1 unspecified */
    const ast_node *at;
    uint32_t seq;            /* source order, so the later one is reported */
} lint_pair;

static int rel_of(ast_name n)
{
    static const char *const rels[] = {"equal", "subset_of", "superset_of", "intersects"};
    for (int i = 0; i < 4; i++)
        if (check_name_is(n, rels[i]))
            return i;
    return -1;
}

static int pair_key_cmp(const void *x, const void *y)
{
    const lint_pair *a = x, *b = y;
    int d = strcmp(a->fa, b->fa);
    if (!d)
        d = strcmp(a->ca, b->ca);
    if (!d)
        d = strcmp(a->fb, b->fb);
    if (!d)
        d = strcmp(a->cb, b->cb);
    return d ? d : (a->seq > b->seq) - (a->seq < b->seq);
}

/* The same two controls paired twice with different relations: coverage
 * then carries outcomes by whichever pair it walks, and at most one can be
 * what the source document says. An unspecified pair says nothing, so it
 * conflicts with none. */
static void lint_crosswalk_pairs(compiler *c, ast_node *const *items, size_t nfiles)
{
    VEC(lint_pair) v = {0};
    for (size_t f = 0; f < nfiles; f++)
        for (ast_node *it = items[f]; it; it = it->next) {
            if (it->kind != AST_CROSSWALK || !user_source(c, it->src))
                continue;
            for (ast_node *p = it->u.cat.items; p; p = p->next) {
                lint_pair lp = {it->u.cat.id->u.s.text, p->u.pair.src->u.s.text, it->u.cat.title->u.s.text,
                                p->u.pair.dst->u.s.text, rel_of(p->u.pair.rel), p, v.n};
                if (strcmp(lp.fa, lp.fb) > 0) {
                    const char *t = lp.fa;
                    lp.fa = lp.fb, lp.fb = t;
                    t = lp.ca, lp.ca = lp.cb, lp.cb = t;
                    lp.rel = lp.rel == 1 ? 2 : lp.rel == 2 ? 1 : lp.rel;
                }
                if (!VEC_PUSH(c->a, v, lp))
                    return;
            }
        }
    if (v.n < 2)
        return;
    qsort(v.v, v.n, sizeof *v.v, pair_key_cmp);
    for (uint32_t i = 1; i < v.n; i++) {
        const lint_pair *a = &v.v[i], *first = NULL;
        for (uint32_t j = i; j-- > 0;) { /* the earlier pairs of the same controls */
            const lint_pair *b = &v.v[j];
            if (strcmp(a->fa, b->fa) || strcmp(a->ca, b->ca) || strcmp(a->fb, b->fb) || strcmp(a->cb, b->cb))
                break;
            if (a->rel >= 0 && b->rel >= 0 && a->rel != b->rel)
                first = b;
        }
        if (!first)
            continue;
        uint32_t line, col;
        source_position(first->at->src, first->at->off, &line, &col);
        diag_warning(c->d, a->at->src, a->at->off, a->at->len,
                     arena_printf(c->a, "%s:%u:%u pairs them as `%.*s`; keep the one the source document states",
                                  first->at->src->name, line, col, (int)first->at->len,
                                  first->at->src->text + first->at->off),
                     "conflicting crosswalk pairs: %s \"%s\" and %s \"%s\" are paired with two relations", a->fa,
                     a->ca, a->fb, a->cb);
    }
}

/* Without `subject` a finding is named by the first loop's key (and an
 * `every` clause's span): the rows of any further loop all report under
 * it, so two of them cannot be told apart, and waiving one waives all. */
static void lint_default_subject(compiler *c, const ast_node *r)
{
    const ast_node *first = r->u.rule.fors;
    if (r->u.rule.subject || !first)
        return;
    for (const ast_node *f = first->next; f; f = f->next)
        if (f->op != 1) /* not an `every` clause: its span is in the subject */
            diag_warning(c->d, f->src, f->off, f->u.loop.var.off + f->u.loop.var.len - f->off,
                         arena_printf(c->a, "add a `subject` that names both, e.g. subject \"{%.*s.id}/{%.*s.id}\"",
                                      (int)first->u.loop.var.len, first->u.loop.var.p, (int)f->u.loop.var.len,
                                      f->u.loop.var.p),
                         "every `%.*s` reports the default subject of `%.*s`: their findings share one subject",
                         (int)f->u.loop.var.len, f->u.loop.var.p, (int)first->u.loop.var.len, first->u.loop.var.p);
}

void check_lint_program(compiler *c, ast_node *const *items, size_t nfiles)
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
        lint_default_subject(c, r);
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
    check_lint_conditions(c);
    lint_crosswalk_pairs(c, items, nfiles);
    if (c->waivers.n && c->waiver_max_days == 0 && c->waiver_max_months == 0) {
        const vouch_waiver *w = &c->waivers.v[0];
        diag_warning(c->d, NULL, 0, 0, "add `waivers at most 180d` (or the term your policy allows)",
                     "%s:%u:%u: waivers have no term cap: a waiver can run for years", w->file, w->line, w->col);
    }
}
