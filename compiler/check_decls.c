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
#include "vouch_limits.h"

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

/* Does id match pattern p, where each `*` stands for any text (none
 * too) and every other byte for itself? */
static int glob_match(const char *p, const char *id)
{
    const char *star = NULL, *resume = NULL;
    while (*id) {
        if (*p == '*') {
            star = p++;
            resume = id;
        } else if (*p == *id) {
            p++;
            id++;
        } else if (star) {
            p = star + 1;
            id = ++resume;
        } else {
            return 0;
        }
    }
    while (*p == '*')
        p++;
    return *p == 0;
}

static void add_map(compiler *c, rule_extra *x, uint32_t fw, uint32_t ctl)
{
    for (uint32_t i = 0; i < x->maps.n; i++)
        if (x->maps.v[i].framework == fw && x->maps.v[i].control == ctl)
            return; /* two patterns (or a pattern and an id) may meet */
    vouch_control_ref ref = {fw, ctl};
    VEC_PUSH(c->a, x->maps, ref);
}

/* A rule's `maps`: each names a control of a declared framework, or, with
 * `*` in it (`"aws:s3_*"`), every control of the catalogue whose id it
 * matches, expanded here into those controls, in catalogue order: a rule
 * maps named controls only, so every report (coverage, SARIF, OSCAL,
 * JSON) lists each one, never the pattern. A pattern that matches no
 * control is an error, as an unknown id is. */
void check_maps(compiler *c, ast_node *r, rule_extra *x)
{
    for (ast_node *m = r->u.rule.maps; m; m = m->next) {
        int fw = resolve_framework(c, m->u.pair.src);
        if (fw < 0)
            continue;
        const fw_info *f = &c->frameworks.v[fw];
        const char *id = text_of(c, m->u.pair.dst);
        if (strchr(id, '*') && find_control(f, id) < 0) {
            uint32_t matched = 0;
            for (uint32_t k = 0; k < f->controls.n; k++)
                if (glob_match(id, f->controls.v[k].id)) {
                    add_map(c, x, (uint32_t)fw, k);
                    matched++;
                }
            if (!matched)
                ERR_AT(c, m->u.pair.dst,
                       f->controls.n ? arena_printf(c->a, "`*` stands for any text; the ids of `%s` look like `%s`",
                                                    f->id, f->controls.v[0].id)
                                     : "the framework declares no control",
                       "`%s` matches no control of framework `%s`", id, f->id);
            continue;
        }
        int ctl = resolve_control(c, fw, m->u.pair.dst);
        if (ctl < 0)
            continue;
        add_map(c, x, (uint32_t)fw, (uint32_t)ctl);
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

/* Two roles written as the same string literal (a role given another way,
 * a pack parameter say, is not known to be the same here). */
static int same_text(const ast_node *a, const ast_node *b)
{
    return a->kind == AST_STRING && b->kind == AST_STRING && a->u.s.n == b->u.s.n &&
           memcmp(a->u.s.text, b->u.s.text, a->u.s.n) == 0;
}

static ast_node *mk_bool(compiler *c, const ast_node *at, int v)
{
    ast_node *n = mk(c, at, AST_BOOL);
    if (n)
        n->u.lit.i = v;
    return n;
}

/* The authority order: each role once, and one order per appetite. */
static void declare_authority(compiler *c, ast_node *k)
{
    appetite_info *ap = &c->appetite;
    if (ap->authority || ap->authority_refused) {
        ERR_AT(c, k, "list every role in one `authority` line, highest first",
               "the appetite already has an authority order");
        return;
    }
    uint32_t n = 0;
    for (ast_node *r = k->u.apc.arg; r; r = r->next)
        n++;
    if (n > VOUCH_MAX_AUTHORITY_ROLES) {
        ERR_AT(c, k, NULL, "an authority order of %u roles, more than the limit of %d", n, VOUCH_MAX_AUTHORITY_ROLES);
        ap->authority = NULL;
        ap->nauthority = 0;
        ap->authority_refused = 1;
        return;
    }
    for (ast_node *r = k->u.apc.arg; r; r = r->next)
        for (ast_node *q = k->u.apc.arg; q != r; q = q->next)
            if (same_text(q, r)) {
                ERR_AT(c, r, "name each role once, highest first",
                       "role \"%.*s\" appears twice in the authority order", (int)r->u.s.n, r->u.s.text);
                break;
            }
    ap->authority = k->u.apc.arg;
    ap->nauthority = n;
}

/* Is role (an AST_STRING) in the authority order? */
static int in_authority(const appetite_info *ap, const ast_node *role)
{
    for (ast_node *r = ap->authority; r; r = r->next)
        if (same_text(r, role))
            return 1;
    return 0;
}

static const char *authority_text(compiler *c)
{
    const char *s = "";
    for (ast_node *r = c->appetite.authority; r; r = r->next)
        s = arena_printf(c->a, "%s%s\"%.*s\"", s, *s ? " > " : "", (int)r->u.s.n, r->u.s.text);
    return s;
}

/* Without an `authority` line, the accept clauses order the roles: each
 * clause covers scores above the earlier ones', so a role that accepts
 * later ranks above those before it (a role named twice ranks where it is
 * named last). The list is built highest first, as an explicit order is;
 * no accept clause, no order. */
static void implicit_authority(compiler *c, const ast_node *n)
{
    appetite_info *ap = &c->appetite;
    ast_node *head = NULL;
    uint32_t count = 0, naccept = 0;
    for (ast_node *k = n->u.appetite.clauses; k; k = k->next)
        naccept += k->u.apc.kind == AP_ACCEPT;
    if (naccept > VOUCH_MAX_AUTHORITY_ROLES || ap->authority_refused)
        return; /* the dedup below is quadratic; authority(x) then says there is no order */
    for (ast_node *k = n->u.appetite.clauses; k; k = k->next) {
        if (k->u.apc.kind != AP_ACCEPT || !k->u.apc.arg)
            continue;
        int later = 0;
        for (ast_node *q = k->next; q && !later; q = q->next)
            later = q->u.apc.kind == AP_ACCEPT && q->u.apc.arg && same_text(q->u.apc.arg, k->u.apc.arg);
        if (later)
            continue;
        ast_node *r = ast_clone(c->a, k->u.apc.arg);
        if (!r)
            return;
        r->next = head; /* prepend: the last clause's role ends up first */
        head = r;
        count++;
    }
    ap->authority = head;
    ap->nauthority = count;
}

/* Reports review periods that mix days and months: rv (parameter k, or -1)
 * against the first period, other (parameter ko). When an importing pack
 * set one of the parameters, the error stands at the value it set: that
 * is the line the organisation wrote, and the pack's appetite is not. */
static void period_mix(compiler *c, const ast_node *rv, int k, const ast_node *other, int ko)
{
    const char *how = "write them all in days (`365d`) or all in months (`12mo`, `1y`)";
    int set = k >= 0 && c->params.v[k].set_at ? k : ko >= 0 && c->params.v[ko].set_at ? ko : -1;
    if (set < 0) {
        ERR_AT(c, rv, how, "the appetite's review periods mix days and calendar months");
        return;
    }
    const param_info *p = &c->params.v[set];
    int ok = set == k ? ko : k;
    const ast_node *ov = set == k ? other : rv;
    uint32_t n, on = ov->len;
    const char *v = check_param_written(p, &n), *o = ov->src->text + ov->off;
    const char *what = "the appetite's other period";
    if (ok >= 0) {
        o = check_param_written(&c->params.v[ok], &on);
        what = arena_printf(c->a, "`%.*s` of pack \"%s\"", (int)c->params.v[ok].name.len, c->params.v[ok].name.p,
                            c->params.v[ok].pack);
    }
    ERR_AT(c, p->value, arena_printf(c->a, "`%.*s` is %.*s here, and %s is %.*s: %s", (int)p->name.len, p->name.p,
                                     (int)n, v, what, (int)on, o, how),
           "the appetite's review periods mix days and calendar months");
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
    uint32_t nbands = 0, naccepts = 0;
    for (ast_node *k = n->u.appetite.clauses; k; k = k->next) {
        nbands += k->u.apc.kind == AP_BAND;
        naccepts += k->u.apc.kind == AP_ACCEPT;
    }
    if (nbands > VOUCH_MAX_APPETITE_CLAUSES || naccepts > VOUCH_MAX_APPETITE_CLAUSES) {
        ERR_AT(c, n, NULL, "an appetite of %u %s, more than the limit of %d",
               nbands > VOUCH_MAX_APPETITE_CLAUSES ? nbands : naccepts,
               nbands > VOUCH_MAX_APPETITE_CLAUSES ? "bands" : "accept clauses", VOUCH_MAX_APPETITE_CLAUSES);
        return;
    }
    ap->decl = n;
    ap->table = t;
    ast_node *bands = NULL, **band_tail = &bands;
    ast_node *band_reviews = NULL, **brev_tail = &band_reviews;
    ast_node *none_at = mk(c, n, AST_NONE);
    int owner_required = 0;
    /* Review periods are all in days or all in calendar months: r.review_every
     * has one type (a month is not a number of days). */
    const ast_node *first_review = NULL;
    int mixed = 0, first_param = -1;
    for (ast_node *k = n->u.appetite.clauses; k; k = k->next) {
        ast_node *rv = k->u.apc.kind == AP_BAND || k->u.apc.kind == AP_ACCEPT ? k->u.apc.review : NULL;
        int param = -1;
        if (!rv)
            continue;
        if (rv->kind == AST_IDENT) /* `review every NAME`: a duration parameter */
            k->u.apc.review = rv = check_param_period(c, rv, &param);
        if (!rv)
            continue;
        if (rv->kind != AST_DUR && rv->kind != AST_MONTHS) {
            k->u.apc.review = NULL;
            continue;
        }
        if (!first_review) {
            first_review = rv;
            first_param = param;
        } else if ((rv->kind == AST_MONTHS) != (first_review->kind == AST_MONTHS) && !mixed) {
            period_mix(c, rv, param, first_review, first_param);
            mixed = 1;
        }
    }
    for (ast_node *k = n->u.appetite.clauses; k && mixed; k = k->next)
        if (k->u.apc.kind == AP_BAND || k->u.apc.kind == AP_ACCEPT)
            k->u.apc.review = NULL; /* reported: no follow-on type errors */
    for (ast_node *k = n->u.appetite.clauses; k; k = k->next)
        if (k->u.apc.kind == AP_AUTHORITY)
            declare_authority(c, k);
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
            ast_node *rc = mk_cond(c, k, k->u.apc.cond, k->u.apc.review ? k->u.apc.review : none_at, NULL);
            *brev_tail = rc;
            if (rc)
                brev_tail = &rc->u.cond.otherwise;
            break;
        }
        case AP_TOLERATE:
            if (ap->tolerated)
                ERR_AT(c, k, "one `tolerate` per appetite", "the appetite already says what is tolerated");
            else
                ap->tolerated = k->u.apc.cond;
            break;
        case AP_ACCEPT:
            if (ap->authority && k->u.apc.arg && k->u.apc.arg->kind == AST_STRING && !in_authority(ap, k->u.apc.arg))
                ERR_AT(c, k->u.apc.arg, arena_printf(c->a, "the order is %s", authority_text(c)),
                       "role \"%.*s\" is not in the authority order", (int)k->u.apc.arg->u.s.n,
                       k->u.apc.arg->u.s.text);
            break;
        case AP_AUTHORITY:
            break;
        case AP_OWNER: {
            if (!k->u.apc.arg || !k->u.apc.review)
                break; /* out of memory while parsing: compile.c reports it */
            ast_name w1 = k->u.apc.arg->u.name, w2 = k->u.apc.review->u.name;
            if (!check_name_is(w1, "owner") || !check_name_is(w2, "acceptance"))
                ERR_AT(c, k, "write `require owner acceptance`",
                       "an appetite can only require owner acceptance, not `%.*s %.*s`", (int)w1.len, w1.p,
                       (int)w2.len, w2.p);
            else if (owner_required)
                ERR_AT(c, k, NULL, "the appetite already requires owner acceptance");
            owner_required = 1;
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
    *brev_tail = mk(c, n, AST_NONE);
    ap->band = bands;
    /* The acceptor and the review period of the first accept clause that
     * holds; a clause without its own period takes its band's. */
    ast_node *accepts = NULL, **acc_tail = &accepts;
    ast_node *reviews = NULL, **rev_tail = &reviews;
    for (ast_node *k = n->u.appetite.clauses; k; k = k->next) {
        if (k->u.apc.kind != AP_ACCEPT)
            continue;
        ast_node *a1 = mk_cond(c, k, k->u.apc.cond, k->u.apc.arg, NULL);
        ast_node *r1 = mk_cond(c, k, k->u.apc.cond,
                               k->u.apc.review ? k->u.apc.review : ast_clone(c->a, band_reviews), NULL);
        *acc_tail = a1;
        if (a1)
            acc_tail = &a1->u.cond.otherwise;
        *rev_tail = r1;
        if (r1)
            rev_tail = &r1->u.cond.otherwise;
    }
    *acc_tail = mk(c, n, AST_NONE);
    *rev_tail = mk(c, n, AST_NONE);
    if (!ap->authority)
        implicit_authority(c, n);
    if (!ap->tolerated) {
        ap->tolerated = mk(c, n, AST_BOOL);
        if (ap->tolerated)
            ap->tolerated->u.lit.i = 0;
    }
    /* A tolerated risk needs no acceptor and no review. */
    ap->acceptor = mk_cond(c, n, ap->tolerated, mk(c, n, AST_NONE), accepts);
    ap->review_every = mk_cond(c, n, ap->tolerated, mk(c, n, AST_NONE), reviews);
    /* ISO 27001 6.1.3 f): the risk's own owner accepts what is not tolerated. */
    ap->owner_must_accept = owner_required ? mk_cond(c, n, ap->tolerated, mk_bool(c, n, 0), mk_bool(c, n, 1))
                                           : mk_bool(c, n, 0);

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
    ast_node *templates[5] = {ap->band, ap->tolerated, ap->acceptor, ap->review_every, ap->owner_must_accept};
    for (int i = 0; i < 5 && st.kind == TY_INT; i++) {
        ast_node *copy = ast_clone(c->a, templates[i]);
        if (copy)
            check_expr(c, copy);
    }
    c->in_appetite = 0;
    c->implicit = saved;
}

/* authority(x): the rank of role x in the appetite's authority order, the
 * lowest role 1 and each above it one more; none for a role not in it.
 * Built as `if x == "CEO" then 3 else if x == "CISO" then 2 ... else none`
 * at the order's place in the appetite (so the linter leaves it alone), x
 * cloned into each test. NULL (reported) when there is no order. */
ast_node *check_authority_rank(compiler *c, const ast_node *call, const ast_node *arg)
{
    const appetite_info *ap = &c->appetite;
    if (!ap->authority) {
        ERR_AT(c, call, "declare one in the appetite: `authority \"CEO\" > \"CISO\"`",
               "`authority(...)` ranks a role by the appetite's authority order, and there is none (no "
               "`authority` line, no `accept` clause)");
        return NULL;
    }
    ast_node *head = NULL, **tail = &head;
    uint32_t rank = ap->nauthority;
    for (ast_node *r = ap->authority; r; r = r->next, rank--) {
        ast_node *eq = mk(c, r, AST_BINARY), *num = mk(c, r, AST_INT), *x = ast_clone(c->a, arg);
        if (!eq || !num || !x)
            return NULL;
        eq->op = OPR_EQ;
        eq->u.binary.lhs = x;
        eq->u.binary.rhs = ast_clone(c->a, r);
        if (eq->u.binary.rhs)
            eq->u.binary.rhs->next = NULL;
        num->u.lit.i = rank;
        ast_node *cnd = mk_cond(c, r, eq, num, NULL);
        if (!cnd)
            return NULL;
        *tail = cnd;
        tail = &cnd->u.cond.otherwise;
    }
    *tail = mk(c, ap->authority, AST_NONE);
    return head;
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

/* A calendar duration as the language writes it: `1y`, `6mo`. */
static const char *fmt_months(compiler *c, int64_t months)
{
    char buf[32];
    vouch_value v = vouch_months(months);
    vouch_value_format(&v, buf, sizeof buf);
    return arena_strndup(c->a, buf, strlen(buf));
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
    int64_t last;
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
    else if (per->u.binary.lhs && c->waiver_max_months && date_move_months(w.granted, c->waiver_max_months, &last) == 0 &&
             w.until > last)
        ERR_AT(c, per, arena_printf(c->a, "end it by %s, or have the cap raised", fmt_day(c, last)),
               "the waiver runs from %s until %s, more than the cap of %s", fmt_day(c, w.granted),
               fmt_day(c, w.until), fmt_months(c, c->waiver_max_months));
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
    if (!d || (d->kind != AST_DUR && d->kind != AST_MONTHS)) {
        ERR_AT(c, d ? d : n, "write the cap in days, weeks or months, e.g. `180d` or `6mo`",
               "a waiver cap is a duration");
        return;
    }
    if (d->u.lit.i <= 0) {
        ERR_AT(c, d, NULL, d->kind == AST_DUR ? "a waiver cap must be at least one day"
                                              : "a waiver cap must be at least one month");
        return;
    }
    /* Several packs: the strictest cap of each kind holds, and a waiver
     * must keep to both (which is shorter depends on the dates). */
    int64_t *cap = d->kind == AST_DUR ? &c->waiver_max_days : &c->waiver_max_months;
    if (*cap == 0 || d->u.lit.i < *cap)
        *cap = d->u.lit.i;
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
