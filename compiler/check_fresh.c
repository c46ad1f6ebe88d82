/*
 * check_fresh.c: evidence freshness, `freshness "access_review" 92d`.
 *
 * A declaration says how long evidence of one kind stays good: a row of
 * the `evidence` fact whose `kind` is "access_review" and whose dating
 * field (its `dated by`, collected_on in the standard model) is older than
 * the as-of date minus the TTL is past its freshness. The TTL is any
 * duration literal: days and weeks, or calendar months, quarters and years
 * (moved with add_months, as `today - 3mo` is).
 *
 * Checked here: the evidence fact exists, is dated and has a text or enum
 * `kind`; the TTL is at least a day; a kind is declared once in the whole
 * program (two packs that disagree would make the verdict depend on the
 * order of the files). What a TTL does to a rule is codegen.c's
 * (gen_outcome: a pass that rests only on evidence past its freshness is
 * `stale`).
 *
 * Invariant: after a successful check, c->freshness lists each kind once
 * and c->fresh_table/fresh_kind/fresh_date name the evidence fact and its
 * two columns.
 */
#include <string.h>
#include "check_int.h"

static int column_of(const fact_table *t, const char *name)
{
    for (uint32_t i = 0; i < t->ncols; i++)
        if (strcmp(t->cols[i].cname, name) == 0)
            return (int)i;
    return -1;
}

/* Finds the evidence fact and its columns; reports (at n) what is missing. */
static int resolve_evidence(compiler *c, ast_node *n)
{
    int t = check_find_table(c, "evidence", 8);
    if (t < 0) {
        ERR_AT(c, n, "import \"isms\", or declare `fact evidence ... dated by collected_on` with a `kind` field",
               "`freshness` is about rows of the `evidence` fact, and none is declared");
        return 0;
    }
    const fact_table *ft = &c->tables.v[t];
    int kind = column_of(ft, "kind");
    if (kind < 0 || (ft->cols[kind].type.kind != TY_TEXT && ft->cols[kind].type.kind != TY_ENUM)) {
        ERR_AT(c, n, "give `evidence` a `kind: text` field", "`freshness` needs a text field `kind` in `evidence`");
        return 0;
    }
    if (ft->dated < 0) {
        ERR_AT(c, n, "declare `fact evidence key (id) dated by collected_on { ... }`",
               "`freshness` needs the `evidence` fact to say which field dates its rows (`dated by`)");
        return 0;
    }
    c->fresh_table = t;
    c->fresh_kind = kind;
    c->fresh_date = ft->dated;
    return 1;
}

void check_declare_freshness(compiler *c, ast_node *n)
{
    ast_node *k = n->u.binary.lhs, *d = n->u.binary.rhs;
    if (!k || !d || !resolve_evidence(c, n))
        return;
    if (k->u.s.n == 0) {
        ERR_AT(c, k, "name the kind as the evidence rows spell it, e.g. \"access_review\"",
               "a freshness needs a kind of evidence");
        return;
    }
    if (d->u.lit.i <= 0) {
        ERR_AT(c, d, NULL, "a freshness must be at least one day");
        return;
    }
    for (uint32_t i = 0; i < c->freshness.n; i++) {
        const freshness_info *o = &c->freshness.v[i];
        if (o->nkind == k->u.s.n && memcmp(o->kind, k->u.s.text, o->nkind) == 0) {
            uint32_t line, col;
            source_position(o->decl->src, o->decl->off, &line, &col);
            diag_error(c->d, n->src, n->off, n->len,
                       arena_printf(c->a, "the first is at %s:%u:%u", o->decl->src->name, line, col),
                       "the freshness of \"%s\" is declared twice", o->kind);
            return;
        }
    }
    freshness_info f;
    f.kind = arena_strndup(c->a, k->u.s.text, k->u.s.n);
    f.nkind = k->u.s.n;
    f.amount = d->u.lit.i;
    f.months = d->kind == AST_MONTHS;
    f.ttl = arena_strndup(c->a, d->src->text + d->off, d->len);
    f.decl = n;
    if (!f.kind || !f.ttl || !VEC_PUSH(c->a, c->freshness, f))
        c->a->failed = 1;
}
