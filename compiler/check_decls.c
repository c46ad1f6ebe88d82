/*
 * check_decls.c: the declarations that speak the auditor's world:
 * framework catalogues and the crosswalks between them, scopes, the risk
 * appetite, waivers and overrides, and the rule clauses that name them
 * (`maps`, `scope`).
 *
 * They are apart from check.c because they mostly resolve names against
 * what is declared (controls, fact types, rules). The expressions they
 * hold, a scope's condition and the appetite's clauses, are templates that
 * check_expr types once here, so that mistakes are reported where they are
 * written, and again at every use, against the row the use is about.
 * check_program calls them in dependency order: catalogues, crosswalks,
 * scopes and the appetite before the rules, which name them; overrides and
 * waivers after, as they name rules.
 */
#include <string.h>
#include "check_int.h"
#include "date.h"

/* ---- catalogues -------------------------------------------------------- */

static const char *text_of(compiler *c, const ast_node *n)
{
    if (!n)
        return "";
    if (n->kind == AST_STRING)
        return n->u.s.text ? n->u.s.text : "";
    if (n->kind == AST_IDENT)
        return arena_strndup(c->a, n->u.name.p, n->u.name.len);
    return "";
}

static int find_framework(const compiler *c, const char *id)
{
    for (uint32_t i = 0; i < c->frameworks.n; i++)
        if (strcmp(c->frameworks.v[i].id, id) == 0)
            return (int)i;
    return -1;
}

/* Controls are found through fw->ctl_ids: a catalogue such as SP 800-53
 * lists over a thousand, and crosswalks name them by the thousand, so a
 * scan per lookup was most of the time of compiling the catalogues. */
typedef struct control_key {
    const fw_info *fw;
    const char *id;
} control_key;

static int is_control(const void *ctx, uint32_t k)
{
    const control_key *key = ctx;
    return strcmp(key->fw->controls.v[k].id, key->id) == 0;
}

static int find_control(const fw_info *fw, const char *id)
{
    control_key key = {fw, id};
    return id_index_find(&fw->ctl_ids, id_index_hash(id, strlen(id)), is_control, &key);
}

/* Indexes control k of fw (an id not indexed yet). Out of memory leaves
 * it unindexed; the arena has failed and the compilation reports that. */
static void index_control(compiler *c, fw_info *fw, uint32_t k)
{
    const char *id = fw->controls.v[k].id;
    (void)id_index_add(c->a, &fw->ctl_ids, id_index_hash(id, strlen(id)), k);
}

static const char *closest_text(compiler *c, const char *word, const char **cand, size_t n)
{
    const char *best = diag_closest(word, strlen(word), cand, n);
    return best ? arena_printf(c->a, "did you mean `%s`?", best) : NULL;
}

/* The framework named by node (a string or a name); reports an unknown one. */
static int resolve_framework(compiler *c, const ast_node *node)
{
    const char *id = text_of(c, node);
    int fw = find_framework(c, id);
    if (fw < 0) {
        const char **cand = arena_alloc(c->a, (c->frameworks.n + 1) * sizeof *cand);
        for (uint32_t i = 0; cand && i < c->frameworks.n; i++)
            cand[i] = c->frameworks.v[i].id;
        const char *hint = cand ? closest_text(c, id, cand, c->frameworks.n) : NULL;
        ERR_AT(c, node, hint ? hint : "declare its catalogue with `framework \"id\" \"title\" { control ... }`",
               "no framework `%s` is declared", id);
    }
    return fw;
}

/* The control named by node in framework fw; reports an unknown one. */
static int resolve_control(compiler *c, int fw, const ast_node *node)
{
    const fw_info *f = &c->frameworks.v[fw];
    const char *id = text_of(c, node);
    int ctl = find_control(f, id);
    if (ctl < 0) {
        const char **cand = arena_alloc(c->a, (f->controls.n + 1) * sizeof *cand);
        for (uint32_t i = 0; cand && i < f->controls.n; i++)
            cand[i] = f->controls.v[i].id;
        const char *hint = cand ? closest_text(c, id, cand, f->controls.n) : NULL;
        ERR_AT(c, node, hint, "framework `%s` has no control `%s`", f->id, id);
    }
    return ctl;
}

void check_declare_framework(compiler *c, ast_node *n)
{
    fw_info fw;
    memset(&fw, 0, sizeof fw);
    fw.id = text_of(c, n->u.cat.id);
    fw.title = text_of(c, n->u.cat.title);
    fw.version = "";
    fw.source = "";
    fw.decl = n;
    if (find_framework(c, fw.id) >= 0) {
        ERR_AT(c, n->u.cat.id, NULL, "framework `%s` is declared twice", fw.id);
        return;
    }
    for (ast_node *a = n->u.cat.attrs; a; a = a->next) {
        if (check_name_is(a->u.field.name, "version"))
            fw.version = text_of(c, a->u.field.type);
        else if (check_name_is(a->u.field.name, "source"))
            fw.source = text_of(c, a->u.field.type);
        else
            ERR_NAME(c, a, a->u.field.name, "a framework takes `version` and `source`",
                     "unknown framework attribute `%.*s`", (int)a->u.field.name.len, a->u.field.name.p);
    }
    for (ast_node *k = n->u.cat.items; k; k = k->next) {
        ctl_info ci;
        memset(&ci, 0, sizeof ci);
        ci.id = text_of(c, k->u.cat.id);
        ci.title = text_of(c, k->u.cat.title);
        if (find_control(&fw, ci.id) >= 0) {
            ERR_AT(c, k->u.cat.id, NULL, "control `%s` is listed twice in framework `%s`", ci.id, fw.id);
            continue;
        }
        for (ast_node *a = k->u.cat.attrs; a; a = a->next) {
            VEC_PUSH(c->a, ci.attr_names, arena_strndup(c->a, a->u.field.name.p, a->u.field.name.len));
            VEC_PUSH(c->a, ci.attr_values, text_of(c, a->u.field.type));
        }
        if (VEC_PUSH(c->a, fw.controls, ci))
            index_control(c, &fw, fw.controls.n - 1);
    }
    VEC_PUSH(c->a, c->frameworks, fw);
}

static const char *const RELATIONS[] = {"equal", "subset_of", "superset_of", "intersects", "unspecified"};

void check_declare_crosswalk(compiler *c, ast_node *n)
{
    int a = resolve_framework(c, n->u.cat.id), b = resolve_framework(c, n->u.cat.title);
    if (a < 0 || b < 0)
        return;
    if (a == b) {
        ERR_AT(c, n, NULL, "a crosswalk pairs two different frameworks");
        return;
    }
    /* `source "..."` names where the pairs come from; `origin official`
     * says a framework's owner (or NIST) published them, and without it
     * they are unofficial; `derived "..."` marks pairs made by chaining
     * other crosswalks, with the path they were derived through (it stands
     * for the source). */
    const char *source = "", *derived = NULL;
    int origin = ORIGIN_UNOFFICIAL;
    ast_node *origin_at = NULL;
    for (ast_node *at = n->u.cat.attrs; at; at = at->next) {
        if (check_name_is(at->u.field.name, "source")) {
            source = text_of(c, at->u.field.type);
        } else if (check_name_is(at->u.field.name, "derived")) {
            derived = text_of(c, at->u.field.type);
        } else if (check_name_is(at->u.field.name, "origin")) {
            origin_at = at;
            const char *v = text_of(c, at->u.field.type);
            if (strcmp(v, "official") == 0)
                origin = ORIGIN_OFFICIAL;
            else if (strcmp(v, "unofficial") == 0)
                origin = ORIGIN_UNOFFICIAL;
            else
                ERR_AT(c, at->u.field.type, "`derived \"...\"` marks a derived crosswalk",
                       "a crosswalk's origin is `official` or `unofficial`, not `%s`", v);
        } else {
            ERR_NAME(c, at, at->u.field.name, "a crosswalk takes `source`, `origin` and `derived`",
                     "unknown crosswalk attribute `%.*s`", (int)at->u.field.name.len, at->u.field.name.p);
        }
    }
    if (derived && origin_at)
        ERR_AT(c, origin_at, "a derived crosswalk is neither official nor unofficial: its pairs rest on others",
               "a crosswalk is either `derived` or has an `origin`");
    if (derived) {
        origin = ORIGIN_DERIVED;
        source = derived;
    }
    for (ast_node *p = n->u.cat.items; p; p = p->next) {
        vouch_crosswalk_pair pr;
        memset(&pr, 0, sizeof pr);
        int sc = resolve_control(c, a, p->u.pair.src), dc = resolve_control(c, b, p->u.pair.dst);
        int rel = REL_UNSPECIFIED;
        if (p->u.pair.rel.len) {
            rel = -1;
            for (int i = 0; i < REL__COUNT; i++)
                if (check_name_is(p->u.pair.rel, RELATIONS[i]))
                    rel = i;
            if (rel < 0) {
                const char *hint = check_hint_closest(c, p->u.pair.rel, RELATIONS, REL__COUNT);
                ERR_NAME(c, p, p->u.pair.rel,
                         hint ? hint : "relations are equal, subset_of, superset_of, intersects and unspecified",
                         "unknown relation `%.*s`", (int)p->u.pair.rel.len, p->u.pair.rel.p);
                continue;
            }
        }
        if (sc < 0 || dc < 0)
            continue;
        pr.src.framework = (uint32_t)a;
        pr.src.control = (uint32_t)sc;
        pr.dst.framework = (uint32_t)b;
        pr.dst.control = (uint32_t)dc;
        pr.relation = (uint8_t)rel;
        pr.origin = (uint8_t)origin;
        pr.source = source;
        pr.note = p->u.pair.note ? text_of(c, p->u.pair.note) : "";
        pr.file = p->src->name;
        uint32_t col;
        source_position(p->src, p->off, &pr.line, &col);
        VEC_PUSH(c->a, c->pairs, pr);
    }
}

void check_maps(compiler *c, ast_node *r, rule_extra *x)
{
    for (ast_node *m = r->u.rule.maps; m; m = m->next) {
        int fw = resolve_framework(c, m->u.pair.src);
        if (fw < 0)
            continue;
        int ctl = resolve_control(c, fw, m->u.pair.dst);
        if (ctl < 0)
            continue;
        vouch_control_ref ref = {(uint32_t)fw, (uint32_t)ctl};
        VEC_PUSH(c->a, x->maps, ref);
    }
}

/* ---- scopes ------------------------------------------------------------- */

void check_declare_scope(compiler *c, ast_node *n)
{
    ast_name nm = n->u.scope.name;
    if (check_find_scope(c, nm) >= 0 || check_find_table(c, nm.p, nm.len) >= 0) {
        ERR_NAME(c, n, nm, "scopes and fact types share one namespace", "`%.*s` is already declared",
                 (int)nm.len, nm.p);
        return;
    }
    int t = check_lookup_table(c, n, n->u.scope.table);
    if (t < 0)
        return;
    /* Check a copy once here, so mistakes are reported where they are
     * written; every use checks its own copy against its own row. */
    c->scope.n = 0;
    ast_name it = {"it", 2, n->off};
    int id = check_bind(c, n, it, BIND_ROW, t);
    if (id < 0)
        return;
    c->scope.n = 0;
    ast_node *w = ast_clone(c->a, n->u.scope.where);
    int saved = c->implicit;
    c->implicit = id;
    if (w)
        check_bool_operand(c, w, "a scope");
    c->implicit = saved;
    scope_info si = {nm, t, n};
    VEC_PUSH(c->a, c->scopes, si);
    VEC_PUSH(c->a, c->scope_used, (uint8_t)0);
}

void check_rule_scope(compiler *c, ast_node *r, rule_extra *x)
{
    ast_name nm = r->u.rule.scope;
    int sc = check_find_scope(c, nm);
    if (sc < 0) {
        const char **cand = arena_alloc(c->a, (c->scopes.n + 1) * sizeof *cand);
        for (uint32_t i = 0; cand && i < c->scopes.n; i++)
            cand[i] = arena_strndup(c->a, c->scopes.v[i].name.p, c->scopes.v[i].name.len);
        diag_error(c->d, r->src, nm.off, nm.len, cand ? check_hint_closest(c, nm, cand, c->scopes.n) : NULL,
                   "no scope `%.*s` is declared", (int)nm.len, nm.p);
        return;
    }
    ast_node *first = r->u.rule.fors;
    binding *b = first && first->slot >= 0 ? &c->bindings.v[first->slot] : NULL;
    if (!b || b->kind != BIND_ROW || b->table != c->scopes.v[sc].table) {
        diag_error(c->d, r->src, nm.off, nm.len,
                   arena_printf(c->a, "start the rule with `for x in %s`", c->tables.v[c->scopes.v[sc].table].name),
                   "scope `%.*s` is a set of `%s` rows, but the rule's first `for` is not over `%s`", (int)nm.len,
                   nm.p, c->tables.v[c->scopes.v[sc].table].name, c->tables.v[c->scopes.v[sc].table].name);
        return;
    }
    x->scope = sc;
    check_mark_scope_used(c, sc);
    x->scope_test = check_scope_test(c, sc, first->slot);
}

/* ---- the risk appetite --------------------------------------------------- */

static ast_node *mk(compiler *c, const ast_node *at, ast_kind k)
{
    return ast_new(c->a, at->src, k, at->off, at->len);
}

static ast_node *mk_cond(compiler *c, const ast_node *at, ast_node *test, ast_node *then, ast_node *otherwise)
{
    ast_node *n = mk(c, at, AST_COND);
    if (n) {
        n->u.cond.test = test;
        n->u.cond.then = then;
        n->u.cond.otherwise = otherwise;
    }
    return n;
}

static ast_node *mk_text(compiler *c, const ast_node *at, const char *s, uint32_t len)
{
    ast_node *n = mk(c, at, AST_STRING);
    if (n) {
        n->u.s.text = s;
        n->u.s.n = len;
    }
    return n;
}

void check_declare_appetite(compiler *c, ast_node *n)
{
    appetite_info *ap = &c->appetite;
    if (ap->decl) {
        uint32_t line, col;
        source_position(ap->decl->src, ap->decl->off, &line, &col);
        ERR_AT(c, n, arena_printf(c->a, "the first is at %s:%u:%u; to replace an imported pack's appetite, "
                                        "write `override appetite { ... }`", ap->decl->src->name, line, col),
               "the risk appetite is declared twice");
        return;
    }
    ast_name tn = n->u.appetite.table;
    if (!tn.len) {
        tn.p = "risk";
        tn.len = 4;
        tn.off = n->off;
    }
    int t = check_lookup_table(c, n, tn);
    if (t < 0)
        return;
    ap->decl = n;
    ap->table = t;
    ast_node *bands = NULL, **band_tail = &bands;
    ast_node *accepts = NULL, **acc_tail = &accepts;
    ast_node *reviews = NULL, **rev_tail = &reviews;
    ast_node *none_at = mk(c, n, AST_NONE);
    for (ast_node *k = n->u.appetite.clauses; k; k = k->next) {
        switch (k->u.apc.kind) {
        case AP_SCORE:
            if (ap->score) {
                ERR_AT(c, k, "one score per appetite", "the appetite already defines a score");
                break;
            }
            if (check_find_column(&c->tables.v[t], k->u.apc.name) >= 0)
                ERR_NAME(c, k, k->u.apc.name, "pick a name that is not a field, e.g. `score`",
                         "`%.*s` is already a field of `%s`", (int)k->u.apc.name.len, k->u.apc.name.p,
                         c->tables.v[t].name);
            ap->score_name = k->u.apc.name;
            ap->score = k->u.apc.cond;
            break;
        case AP_BAND: {
            ast_node *name = mk_text(c, k->u.apc.arg, k->u.apc.name.p, k->u.apc.name.len);
            ast_node *cnd = mk_cond(c, k, k->u.apc.cond, name, NULL);
            *band_tail = cnd;
            if (cnd)
                band_tail = &cnd->u.cond.otherwise;
            break;
        }
        case AP_TOLERATE:
            if (ap->tolerated)
                ERR_AT(c, k, "one `tolerate` per appetite", "the appetite already says what is tolerated");
            else
                ap->tolerated = k->u.apc.cond;
            break;
        case AP_ACCEPT: {
            ast_node *a1 = mk_cond(c, k, k->u.apc.cond, k->u.apc.arg, NULL);
            ast_node *r1 = mk_cond(c, k, k->u.apc.cond, k->u.apc.review ? k->u.apc.review : none_at, NULL);
            if (k->u.apc.review && k->u.apc.review->kind != AST_DUR)
                ERR_AT(c, k->u.apc.review, "write the review period in days or weeks, e.g. `365d`",
                       "a review period is a duration in days");
            *acc_tail = a1;
            if (a1)
                acc_tail = &a1->u.cond.otherwise;
            *rev_tail = r1;
            if (r1)
                rev_tail = &r1->u.cond.otherwise;
            break;
        }
        }
    }
    if (!ap->score) {
        ERR_AT(c, n, "e.g. `score = residual_likelihood * residual_impact`", "the appetite defines no score");
        ap->decl = NULL;
        return;
    }
    *band_tail = mk(c, n, AST_NONE);
    *acc_tail = mk(c, n, AST_NONE);
    *rev_tail = mk(c, n, AST_NONE);
    ap->band = bands;
    if (!ap->tolerated) {
        ap->tolerated = mk(c, n, AST_BOOL);
        if (ap->tolerated)
            ap->tolerated->u.lit.i = 0;
    }
    /* A tolerated risk needs no acceptor and no review. */
    ap->acceptor = mk_cond(c, n, ap->tolerated, mk(c, n, AST_NONE), accepts);
    ap->review_every = mk_cond(c, n, ap->tolerated, mk(c, n, AST_NONE), reviews);

    /* Check every template once, against a row of the table, so that
     * mistakes are reported at the declaration. */
    c->scope.n = 0;
    ast_name it = {"it", 2, n->off};
    int id = check_bind(c, n, it, BIND_ROW, t);
    c->scope.n = 0;
    if (id < 0)
        return;
    int saved = c->implicit;
    c->implicit = id;
    c->in_appetite = 0;
    ast_node *score = ast_clone(c->a, ap->score);
    ast_type st = score ? check_expr(c, score) : TYPE_ERROR;
    if (st.kind != TY_ERROR && st.kind != TY_INT)
        ERR_AT(c, ap->score, NULL, "the score must be an int, not %s", check_type_name(c, st));
    c->in_appetite = 1;
    ast_node *templates[4] = {ap->band, ap->tolerated, ap->acceptor, ap->review_every};
    for (int i = 0; i < 4 && st.kind == TY_INT; i++) {
        ast_node *copy = ast_clone(c->a, templates[i]);
        if (copy)
            check_expr(c, copy);
    }
    c->in_appetite = 0;
    c->implicit = saved;
}

/* ---- waivers and overrides ---------------------------------------------------- */

int check_find_rule(compiler *c, ast_name n, const ast_node *at)
{
    for (uint32_t i = 0; i < c->rules.n; i++)
        if (check_names_equal(c->rules.v[i]->u.rule.id, n))
            return (int)i;
    const char **cand = arena_alloc(c->a, (c->rules.n + 1) * sizeof *cand);
    for (uint32_t i = 0; cand && i < c->rules.n; i++)
        cand[i] = arena_strndup(c->a, c->rules.v[i]->u.rule.id.p, c->rules.v[i]->u.rule.id.len);
    diag_error(c->d, at->src, n.off, n.len,
               cand ? check_hint_closest(c, n, cand, c->rules.n) : NULL, "no rule `%.*s`",
               (int)n.len, n.p);
    return -1;
}

static int blank_text(const ast_node *s)
{
    if (!s || !s->u.s.text)
        return 1;
    for (uint32_t i = 0; i < s->u.s.n; i++)
        if (s->u.s.text[i] != ' ' && s->u.s.text[i] != '\t' && s->u.s.text[i] != '\n' && s->u.s.text[i] != '\r')
            return 0;
    return 1;
}

static const char *fmt_day(compiler *c, int64_t day)
{
    char *buf = arena_alloc(c->a, 11);
    if (buf)
        date_format(day, buf);
    return buf ? buf : "";
}

void check_declare_waiver(compiler *c, ast_node *n)
{
    int r = check_find_rule(c, n->u.waive.rule, n);
    if (blank_text(n->u.waive.because))
        ERR_AT(c, n->u.waive.because ? n->u.waive.because : n, "say why the finding is accepted",
               "a waiver needs a justification");
    if (blank_text(n->u.waive.approved))
        ERR_AT(c, n->u.waive.approved ? n->u.waive.approved : n, "name who approved it",
               "a waiver needs an approver");
    if (blank_text(n->u.waive.subject))
        ERR_AT(c, n->u.waive.subject ? n->u.waive.subject : n, "name the subject as findings show it",
               "a waiver needs a subject");
    ast_node *per = n->u.waive.period;
    if (r < 0 || !per || !per->u.binary.rhs)
        return;
    vouch_waiver w;
    memset(&w, 0, sizeof w);
    w.rule = (uint32_t)r;
    w.subject = n->u.waive.subject ? n->u.waive.subject->u.s.text : "";
    w.until = per->u.binary.rhs->u.lit.i;
    w.granted = per->u.binary.lhs ? per->u.binary.lhs->u.lit.i : INT64_MIN;
    if (per->u.binary.lhs && w.until < w.granted)
        ERR_AT(c, per, NULL, "the waiver ends before it starts");
    else if (per->u.binary.lhs && c->waiver_max_days && w.until - w.granted > c->waiver_max_days)
        ERR_AT(c, per, arena_printf(c->a, "end it by %s, or have the cap raised", fmt_day(c, w.granted + c->waiver_max_days)),
               "the waiver runs %lld days, more than the cap of %lld days", (long long)(w.until - w.granted),
               (long long)c->waiver_max_days);
    w.because = n->u.waive.because ? n->u.waive.because->u.s.text : "";
    w.approved_by = n->u.waive.approved ? n->u.waive.approved->u.s.text : "";
    w.file = n->src->name;
    source_position(n->src, n->off, &w.line, &w.col);
    /* A renewal (a window that begins after the other ends, or ends before
     * it begins) is allowed; overlapping windows would leave two waivers
     * in force on one day. A waiver without `from` has no start. */
    for (uint32_t i = 0; i < c->waivers.n; i++) {
        const vouch_waiver *o = &c->waivers.v[i];
        if (o->rule != w.rule || strcmp(o->subject, w.subject) != 0)
            continue;
        if (w.granted <= o->until && o->granted <= w.until) {
            const char *first = o->granted == INT64_MIN
                                    ? arena_printf(c->a, "until %s", fmt_day(c, o->until))
                                    : arena_printf(c->a, "from %s until %s", fmt_day(c, o->granted),
                                                   fmt_day(c, o->until));
            ERR_AT(c, n,
                   arena_printf(c->a, "the first is at %s:%u; a renewal starts after it ends: `from %s`", o->file,
                                o->line, fmt_day(c, o->until + 1)),
                   "`%s` is already waived for rule `%.*s` %s, and the windows overlap", w.subject,
                   (int)n->u.waive.rule.len, n->u.waive.rule.p, first);
            return;
        }
    }
    VEC_PUSH(c->a, c->waivers, w);
}

void check_declare_waiver_cap(compiler *c, ast_node *n)
{
    ast_node *d = n->u.unary.operand;
    if (!d || d->kind != AST_DUR) {
        ERR_AT(c, d ? d : n, "write the cap in days or weeks, e.g. `180d`", "a waiver cap is a number of days");
        return;
    }
    if (d->u.lit.i <= 0) {
        ERR_AT(c, d, NULL, "a waiver cap must be at least one day");
        return;
    }
    if (c->waiver_max_days == 0 || d->u.lit.i < c->waiver_max_days)
        c->waiver_max_days = d->u.lit.i; /* several packs: the strictest cap holds */
}

void check_declare_override(compiler *c, ast_node *n, ast_node *const *items, size_t nfiles)
{
    int r = check_find_rule(c, n->u.ovr.rule, n);
    if (r < 0)
        return;
    rule_extra *x = &c->extra.v[r];
    const char *mine = c->pack_of_src ? c->pack_of_src[n->src->index] : "";
    if (c->rules.v[r]->src == n->src || strcmp(x->pack, mine) == 0) {
        ERR_AT(c, n, "change the rule itself; overrides are for the rules of imported packs",
               "rule `%.*s` belongs to this pack", (int)n->u.ovr.rule.len, n->u.ovr.rule.p);
        return;
    }
    if (!check_file_reaches(c, items, nfiles, n->src, x->pack)) {
        ERR_AT(c, n, arena_printf(c->a, "add `import \"%s\"` to this file", x->pack),
               "rule `%.*s` comes from pack `%s`, which this file does not import", (int)n->u.ovr.rule.len,
               n->u.ovr.rule.p, x->pack);
        return;
    }
    /* One pack decides a rule's local variations, each at most once, so
     * what a rule became never depends on the order of imports. */
    if (x->override_by && strcmp(x->override_by, mine) != 0) {
        ERR_AT(c, n, NULL, "rule `%.*s` is already overridden by pack `%s`", (int)n->u.ovr.rule.len,
               n->u.ovr.rule.p, x->override_by);
        return;
    }
    static const char *const what[] = {[OVR_SEVERITY] = "severity", [OVR_SKIP] = "skip",
                                       [OVR_ENFORCEMENT] = "enforcement level"};
    if (x->skipped || (n->op == OVR_SKIP && x->overridden)) {
        ERR_AT(c, n, "a skipped rule does not run: drop the other override",
               "rule `%.*s` is both skipped and overridden", (int)n->u.ovr.rule.len, n->u.ovr.rule.p);
        return;
    }
    if (x->overridden & (1u << n->op)) {
        ERR_AT(c, n, "keep one override per rule and property", "the %s of rule `%.*s` is already overridden",
               what[n->op], (int)n->u.ovr.rule.len, n->u.ovr.rule.p);
        return;
    }
    if (n->op == OVR_SEVERITY) {
        int sev = vouch_severity_parse(n->u.ovr.severity.p, n->u.ovr.severity.len);
        if (sev < 0) {
            static const char *const sevs[] = {"info", "low", "medium", "high", "critical"};
            ERR_NAME(c, n, n->u.ovr.severity, check_hint_closest(c, n->u.ovr.severity, sevs, 5),
                     "unknown severity `%.*s`", (int)n->u.ovr.severity.len, n->u.ovr.severity.p);
            return;
        }
        x->severity = sev;
    } else if (n->op == OVR_ENFORCEMENT) {
        int e = vouch_enforcement_parse(n->u.ovr.severity.p, n->u.ovr.severity.len);
        if (e < 0) {
            static const char *const enf[] = {"advisory", "soft", "hard"};
            ERR_NAME(c, n, n->u.ovr.severity, check_hint_closest(c, n->u.ovr.severity, enf, 3),
                     "unknown enforcement level `%.*s`", (int)n->u.ovr.severity.len, n->u.ovr.severity.p);
            return;
        }
        x->enforcement = e;
    } else {
        if (blank_text(n->u.ovr.because)) {
            ERR_AT(c, n, "say why the rule does not apply", "skipping a rule needs a reason");
            return;
        }
        x->skipped = 1;
        x->skip_reason = n->u.ovr.because->u.s.text;
    }
    x->overridden |= 1u << n->op;
    x->override_by = mine;
}
