/*
 * symbols.c: the symbol index (compiler.h), what an editor asks of a pack:
 * where each name is declared, what each occurrence refers to, and a short
 * summary of each declaration (a field's type, a rule's severity, a
 * control's title and the rules and crosswalks that map it).
 *
 * Two passes over the checked trees of every source of the compilation:
 * the declarations first (facts and their fields and enum members, rules,
 * scopes, frameworks and controls, packs), then the references, each
 * resolved by name against the declarations (variables against the
 * enclosing rule's `for`s and quantifiers, innermost first). The checker's
 * types say which table a `x.field` reads. A name the checker rejected
 * simply has no declaration (decl -1).
 *
 * Invariants: everything lives in the index's own arena (the compilation's
 * is freed when vouch_compile_with returns); declarations come first in v,
 * so a reference's decl is always below ndecls.
 */
#include <string.h>
#include "compiler.h"

void vouch_symbols_init(vouch_symbols *s)
{
    memset(s, 0, sizeof *s);
    arena_init(&s->a);
}

void vouch_symbols_free(vouch_symbols *s)
{
    if (!s)
        return;
    arena_free(&s->a);
    memset(s, 0, sizeof *s);
    arena_init(&s->a);
}

typedef struct walker {
    compiler *c;
    vouch_symbols *s;
    const vouch_source *src;
    const char *file;        /* src's name, copied: the caller's may not outlive the compilation */
    /* variables visible at this point of a rule, innermost last */
    int vars[64];
    int nvars;
    uint32_t rule_off, rule_end;
} walker;

static const char *dup(walker *w, const char *p, size_t n) { return arena_strndup(&w->s->a, p, n); }
static const char *dup_name(walker *w, ast_name nm) { return dup(w, nm.p, nm.len); }

/* Adds one symbol at [off, off+len) of the current source; its index or -1. */
static int add(walker *w, int kind, int is_decl, const char *name, uint32_t off, uint32_t len,
               const char *container)
{
    if (!name || !w->src || !w->file)
        return -1;
    vouch_symbol y;
    memset(&y, 0, sizeof y);
    y.kind = kind;
    y.is_decl = is_decl;
    y.name = name;
    y.container = container;
    y.file = w->file;
    y.off = off;
    y.len = len;
    y.decl = -1;
    source_position(w->src, off, &y.line, &y.col);
    if (!VEC_PUSH(&w->s->a, w->s->v, y))
        return -1;
    int i = (int)w->s->v.n - 1;
    if (is_decl)
        w->s->v.v[i].decl = i;
    return i;
}

/* The declaration of kind named name (container too, when given). */
static int find_decl(const walker *w, int kind, const char *name, size_t n, const char *container)
{
    for (uint32_t i = 0; i < w->s->ndecls; i++) {
        const vouch_symbol *y = &w->s->v.v[i];
        if (y->is_decl && y->kind == kind && strlen(y->name) == n && memcmp(y->name, name, n) == 0 &&
            (!container || (y->container && strcmp(y->container, container) == 0)))
            return (int)i;
    }
    return -1;
}

static int ref(walker *w, int kind, const char *name, size_t n, uint32_t off, uint32_t len, const char *container)
{
    int d = find_decl(w, kind, name, n, container);
    int i = add(w, kind, 0, dup(w, name, n), off, len, container);
    if (i >= 0)
        w->s->v.v[i].decl = d;
    return i;
}

static int ref_name(walker *w, int kind, ast_name nm, const char *container)
{
    return nm.len ? ref(w, kind, nm.p, nm.len, nm.off, nm.len, container) : -1;
}

/* A string token node ("..."): a reference to what it names, the quotes
 * left out of the span. */
static int ref_string(walker *w, int kind, const ast_node *str, const char *container)
{
    if (!str || str->kind != AST_STRING || !str->u.s.text)
        return -1;
    uint32_t off = str->off, len = str->len;
    if (len >= 2) {
        off++;
        len -= 2;
    }
    return ref(w, kind, str->u.s.text, str->u.s.n, off, len, container);
}

static const char *string_text(walker *w, const ast_node *str)
{
    return str && str->kind == AST_STRING && str->u.s.text ? dup(w, str->u.s.text, str->u.s.n) : NULL;
}

static const char *or_empty(const char *s) { return s ? s : ""; }

/* ---- declarations ---------------------------------------------------- */

static void decl_fact(walker *w, const ast_node *it)
{
    int t = check_find_table(w->c, it->u.fact.name.p, it->u.fact.name.len);
    const char *tname = dup_name(w, it->u.fact.name);
    int fi = add(w, SYM_FACT, 1, tname, it->u.fact.name.off, it->u.fact.name.len, NULL);
    /* the summary: the declaration's first line and its fields' types */
    uint32_t llen = 0;
    const char *line = source_line(it->src, it->off, &llen);
    const char *detail = arena_printf(&w->s->a, "%.*s", (int)llen, line);
    for (const ast_node *f = it->u.fact.fields; f; f = f->next) {
        if (f->kind != AST_FIELD)
            continue;
        const char *fname = dup_name(w, f->u.field.name);
        const char *ty = "?";
        const char *target = NULL;
        if (t >= 0) {
            const fact_table *ft = &w->c->tables.v[t];
            for (uint32_t k = 0; k < ft->ncols; k++)
                if (strcmp(ft->cols[k].cname, fname) == 0) {
                    ty = check_type_name(w->c, ft->cols[k].type);
                    if (ft->cols[k].type.kind == TY_ENUM)
                        target = w->c->enums.v[ft->cols[k].type.id].name;
                }
        }
        if (f->u.field.type && f->u.field.type->kind == AST_TYPE && f->u.field.type->u.type.members) {
            /* show the members as written */
            const ast_node *ty_node = f->u.field.type;
            ty = arena_printf(&w->s->a, "%.*s", (int)ty_node->len, ty_node->src->text + ty_node->off);
        }
        detail = arena_printf(&w->s->a, "%s\n  %s: %s", detail, fname, ty);
        int k = add(w, SYM_FIELD, 1, fname, f->u.field.name.off, f->u.field.name.len, tname);
        if (k < 0)
            continue;
        w->s->v.v[k].target = target ? dup(w, target, strlen(target)) : NULL;
        w->s->v.v[k].detail = arena_printf(&w->s->a, "field %s.%s: %s", tname, fname, ty);
        const char *ename = arena_printf(&w->s->a, "%s.%s", tname, fname);
        if (f->u.field.type && f->u.field.type->kind == AST_TYPE)
            for (const ast_node *m = f->u.field.type->u.type.members; m; m = m->next) {
                int e = add(w, SYM_ENUM_MEMBER, 1, dup_name(w, m->u.name), m->u.name.off, m->u.name.len, ename);
                if (e >= 0)
                    w->s->v.v[e].detail = arena_printf(&w->s->a, "%.*s: a member of %s: %s", (int)m->u.name.len,
                                                       m->u.name.p, ename, ty);
            }
    }
    if (fi >= 0)
        w->s->v.v[fi].detail = detail;
}

static const char *SEVERITIES[] = {"info", "low", "medium", "high", "critical"};

static void decl_rule(walker *w, const ast_node *it)
{
    const ast_node *title = it->u.rule.title;
    int i = add(w, SYM_RULE, 1, dup_name(w, it->u.rule.id), it->u.rule.id.off, it->u.rule.id.len, NULL);
    if (i < 0)
        return;
    const char *sev = it->u.rule.severity.len ? dup_name(w, it->u.rule.severity) : "?";
    const char *enf = it->u.rule.enforcement.len ? dup_name(w, it->u.rule.enforcement) : "soft";
    /* what the checker settled (overrides applied), when it got that far */
    for (uint32_t r = 0; r < w->c->rules.n && r < w->c->extra.n; r++)
        if (w->c->rules.v[r] == it) {
            const rule_extra *x = &w->c->extra.v[r];
            if (x->severity >= 0 && x->severity < 5)
                sev = SEVERITIES[x->severity];
            if (x->overridden)
                sev = arena_printf(&w->s->a, "%s (overridden by pack %s)", sev,
                                   x->override_by ? x->override_by : "?");
        }
    const char *d = arena_printf(&w->s->a, "rule %s \"%s\"\nseverity %s, enforcement %s", w->s->v.v[i].name,
                                 title && title->kind == AST_STRING && title->u.s.text ? string_text(w, title) : "", sev, enf);
    for (const ast_node *m = it->u.rule.maps; m; m = m->next) {
        const char *fw = string_text(w, m->u.pair.src), *ctl = string_text(w, m->u.pair.dst);
        d = arena_printf(&w->s->a, "%s\nmaps \"%s\" \"%s\"", d, fw ? fw : "?", ctl ? ctl : "?");
    }
    w->s->v.v[i].detail = d;
}

static void decl_catalogue(walker *w, const ast_node *it)
{
    const char *fw = string_text(w, it->u.cat.id);
    if (!fw)
        return;
    const ast_node *id = it->u.cat.id;
    int i = add(w, SYM_FRAMEWORK, 1, fw, id->off + (id->len >= 2), id->len >= 2 ? id->len - 2 : id->len, NULL);
    if (i >= 0)
        w->s->v.v[i].detail = arena_printf(&w->s->a, "framework \"%s\" \"%s\"", fw, or_empty(string_text(w, it->u.cat.title)));
    for (const ast_node *k = it->u.cat.items; k; k = k->next) {
        if (k->kind != AST_CONTROL || !k->u.cat.id)
            continue;
        const char *ctl = string_text(w, k->u.cat.id);
        const ast_node *cid = k->u.cat.id;
        int j = add(w, SYM_CONTROL, 1, ctl, cid->off + (cid->len >= 2), cid->len >= 2 ? cid->len - 2 : cid->len, fw);
        if (j < 0)
            continue;
        const char *d = arena_printf(&w->s->a, "control \"%s\" \"%s\" (framework %s)", ctl,
                                     or_empty(string_text(w, k->u.cat.title)), fw);
        for (const ast_node *at = k->u.cat.attrs; at; at = at->next)
            if (at->kind == AST_ATTR && at->u.field.type)
                d = arena_printf(&w->s->a, "%s\n%.*s %.*s", d, (int)at->u.field.name.len, at->u.field.name.p,
                                 (int)at->u.field.type->len, at->u.field.type->src->text + at->u.field.type->off);
        w->s->v.v[j].detail = d;
    }
}

/* The control named by string nodes fw and ctl: its declaration's index,
 * or -1. */
static int control_decl(walker *w, const ast_node *fw, const ast_node *ctl)
{
    if (!fw || !ctl || fw->kind != AST_STRING || ctl->kind != AST_STRING || !fw->u.s.text || !ctl->u.s.text)
        return -1;
    for (uint32_t i = 0; i < w->s->ndecls; i++) {
        const vouch_symbol *y = &w->s->v.v[i];
        if (y->kind == SYM_CONTROL && strlen(y->name) == ctl->u.s.n && memcmp(y->name, ctl->u.s.text, ctl->u.s.n) == 0 &&
            strlen(y->container) == fw->u.s.n && memcmp(y->container, fw->u.s.text, fw->u.s.n) == 0)
            return (int)i;
    }
    return -1;
}

/* The rules that map each control and the crosswalk pairs that name it,
 * added to its summary once every source has been read: one pass over the
 * maps and pairs, each looked up (catalogues hold thousands of controls). */
static void control_mappings(walker *w, ast_node *const *items, size_t n)
{
    const char **rules = arena_alloc(&w->s->a, (w->s->ndecls + 1) * sizeof *rules);
    const char **walks = arena_alloc(&w->s->a, (w->s->ndecls + 1) * sizeof *walks);
    if (!rules || !walks)
        return;
    for (size_t f = 0; f < n; f++)
        for (const ast_node *it = items[f]; it; it = it->next) {
            if (it->kind == AST_RULE) {
                for (const ast_node *m = it->u.rule.maps; m; m = m->next) {
                    int k = control_decl(w, m->u.pair.src, m->u.pair.dst);
                    if (k >= 0)
                        rules[k] = arena_printf(&w->s->a, "%s%s%.*s", rules[k] ? rules[k] : "", rules[k] ? ", " : "",
                                                (int)it->u.rule.id.len, it->u.rule.id.p);
                }
            } else if (it->kind == AST_CROSSWALK) {
                const char *a = string_text(w, it->u.cat.id), *b = string_text(w, it->u.cat.title);
                for (const ast_node *p = it->u.cat.items; a && b && p; p = p->next) {
                    const char *ps = string_text(w, p->u.pair.src), *pd = string_text(w, p->u.pair.dst);
                    const char *rel = p->u.pair.rel.len ? dup_name(w, p->u.pair.rel) : "unspecified";
                    if (!ps || !pd)
                        continue;
                    int k = control_decl(w, it->u.cat.id, p->u.pair.src);
                    if (k >= 0)
                        walks[k] = arena_printf(&w->s->a, "%s\n  this %s %s %s", walks[k] ? walks[k] : "", rel, b, pd);
                    k = control_decl(w, it->u.cat.title, p->u.pair.dst);
                    if (k >= 0)
                        walks[k] = arena_printf(&w->s->a, "%s\n  %s %s %s this", walks[k] ? walks[k] : "", a, ps, rel);
                }
            }
        }
    for (uint32_t i = 0; i < w->s->ndecls; i++) {
        vouch_symbol *y = &w->s->v.v[i];
        if (y->kind == SYM_CONTROL)
            y->detail = arena_printf(&w->s->a, "%s\nmapped by: %s%s%s", y->detail ? y->detail : "",
                                     rules[i] ? rules[i] : "no rule", walks[i] ? "\ncrosswalks:" : "",
                                     walks[i] ? walks[i] : "");
    }
}

static void decl_items(walker *w, const ast_node *items)
{
    for (const ast_node *it = items; it; it = it->next) {
        switch (it->kind) {
        case AST_PACK: {
            int i = add(w, SYM_PACK, 1, dup(w, it->u.s.text, it->u.s.n), it->off, 4, NULL);
            if (i >= 0)
                w->s->v.v[i].detail = arena_printf(&w->s->a, "pack \"%s\" (%s)", w->s->v.v[i].name, w->src->name);
            break;
        }
        case AST_FACT: decl_fact(w, it); break;
        case AST_RULE: decl_rule(w, it); break;
        case AST_SCOPE: {
            int i = add(w, SYM_SCOPE, 1, dup_name(w, it->u.scope.name), it->u.scope.name.off, it->u.scope.name.len,
                        NULL);
            if (i >= 0) {
                w->s->v.v[i].target = dup_name(w, it->u.scope.table);
                w->s->v.v[i].detail = arena_printf(&w->s->a, "scope %.*s", (int)it->len, it->src->text + it->off);
            }
            break;
        }
        case AST_FRAMEWORK: decl_catalogue(w, it); break;
        case AST_PARAM: {
            const char *pack = w->c->pack_of_src ? w->c->pack_of_src[w->src->index] : "";
            int i = add(w, SYM_PARAM, 1, dup_name(w, it->u.param.name), it->u.param.name.off,
                        it->u.param.name.len, dup(w, pack, strlen(pack)));
            if (i >= 0)
                w->s->v.v[i].detail = arena_printf(&w->s->a, "%.*s (parameter of pack \"%s\")", (int)it->len,
                                                   it->src->text + it->off, pack);
            break;
        }
        default: break;
        }
    }
}

/* ---- references ------------------------------------------------------ */

static void walk_expr(walker *w, const ast_node *e);

static const char *table_of(walker *w, ast_name source)
{
    int t = find_decl(w, SYM_FACT, source.p, source.len, NULL);
    if (t >= 0)
        return w->s->v.v[t].name;
    int s = find_decl(w, SYM_SCOPE, source.p, source.len, NULL);
    return s >= 0 ? w->s->v.v[s].target : NULL;
}

/* A table or scope named where a loop reads from. */
static void ref_source(walker *w, ast_name nm)
{
    if (find_decl(w, SYM_SCOPE, nm.p, nm.len, NULL) >= 0)
        ref_name(w, SYM_SCOPE, nm, NULL);
    else
        ref_name(w, SYM_FACT, nm, NULL);
}

/* Declares a loop or quantifier variable, visible to the end of the rule. */
static void bind_var(walker *w, ast_name var, const char *table, const char *how)
{
    int i = add(w, SYM_VAR, 1, dup_name(w, var), var.off, var.len, NULL);
    if (i < 0)
        return;
    vouch_symbol *y = &w->s->v.v[i];
    y->target = table;
    y->scope_off = w->rule_off;
    y->scope_end = w->rule_end;
    y->detail = table ? arena_printf(&w->s->a, "%s: a row of %s (%s)", y->name, table, how)
                      : arena_printf(&w->s->a, "%s: a calendar span (%s)", y->name, how);
    if (w->nvars < (int)(sizeof w->vars / sizeof w->vars[0]))
        w->vars[w->nvars++] = i;
}

static void ref_var(walker *w, ast_name nm)
{
    for (int k = w->nvars - 1; k >= 0; k--) {
        const vouch_symbol *d = &w->s->v.v[w->vars[k]];
        if (strlen(d->name) == nm.len && memcmp(d->name, nm.p, nm.len) == 0) {
            int i = add(w, SYM_VAR, 0, d->name, nm.off, nm.len, NULL);
            if (i >= 0)
                w->s->v.v[i].decl = w->vars[k];
            return;
        }
    }
}

static void walk_list(walker *w, const ast_node *e)
{
    for (; e; e = e->next)
        walk_expr(w, e);
}

static void walk_expr(walker *w, const ast_node *e)
{
    /* a scope's condition is cloned into the loops over it: its nodes are
     * the scope's file's, indexed with the scope (walk_scope) */
    if (!e || (e->src && e->src != w->src))
        return;
    switch (e->kind) {
    case AST_IDENT:
        if (e->type.kind == TY_ROW || e->type.kind == TY_SPAN)
            ref_var(w, e->u.name);
        else if (e->slot == -2 && e->type.kind == TY_ENUM && e->type.id >= 0 &&
                 (uint32_t)e->type.id < w->c->enums.n)
            ref_name(w, SYM_ENUM_MEMBER, e->u.name, w->c->enums.v[e->type.id].name);
        break;
    case AST_MEMBER:
        walk_expr(w, e->u.member.obj);
        if (e->u.member.obj && e->u.member.obj->type.kind == TY_ROW && e->u.member.obj->type.id >= 0 &&
            (uint32_t)e->u.member.obj->type.id < w->c->tables.n)
            ref_name(w, SYM_FIELD, e->u.member.field, w->c->tables.v[e->u.member.obj->type.id].name);
        break;
    case AST_CALL: walk_list(w, e->u.call.args); break;
    case AST_UNARY: walk_expr(w, e->u.unary.operand); break;
    case AST_BINARY:
    case AST_RANGE:
        walk_expr(w, e->u.binary.lhs);
        walk_expr(w, e->u.binary.rhs);
        break;
    case AST_IN:
        walk_expr(w, e->u.in.lhs);
        walk_list(w, e->u.in.items);
        break;
    case AST_INTERP: walk_list(w, e->u.list.first); break;
    case AST_COND:
        walk_expr(w, e->u.cond.test);
        walk_expr(w, e->u.cond.then);
        walk_expr(w, e->u.cond.otherwise);
        break;
    case AST_QUANT: {
        int saved = w->nvars;
        ref_source(w, e->u.quant.table);
        bind_var(w, e->u.quant.var, table_of(w, e->u.quant.table), "quantifier");
        walk_expr(w, e->u.quant.where);
        walk_expr(w, e->u.quant.body);
        w->nvars = saved;
        break;
    }
    default: break;
    }
}

/* A scope's condition as declared (unchecked: the checker checks a copy
 * per use): a bare name is a field of the scope's table, or else a member
 * of one of its fields' enums. */
static void walk_scope(walker *w, const ast_node *e, const char *table);

static void walk_scope_list(walker *w, const ast_node *e, const char *table)
{
    for (; e; e = e->next)
        walk_scope(w, e, table);
}

static void walk_scope(walker *w, const ast_node *e, const char *table)
{
    if (!e)
        return;
    switch (e->kind) {
    case AST_IDENT: {
        ast_name nm = e->u.name;
        if (find_decl(w, SYM_FIELD, nm.p, nm.len, table) >= 0) {
            ref_name(w, SYM_FIELD, nm, table);
            break;
        }
        size_t tl = strlen(table);
        for (uint32_t i = 0; i < w->s->ndecls; i++) {
            const vouch_symbol *y = &w->s->v.v[i];
            if (y->kind == SYM_ENUM_MEMBER && strlen(y->name) == nm.len && memcmp(y->name, nm.p, nm.len) == 0 &&
                strncmp(y->container, table, tl) == 0 && y->container[tl] == '.') {
                ref_name(w, SYM_ENUM_MEMBER, nm, y->container);
                break;
            }
        }
        break;
    }
    case AST_MEMBER: walk_scope(w, e->u.member.obj, table); break;
    case AST_CALL: walk_scope_list(w, e->u.call.args, table); break;
    case AST_UNARY: walk_scope(w, e->u.unary.operand, table); break;
    case AST_BINARY:
    case AST_RANGE:
        walk_scope(w, e->u.binary.lhs, table);
        walk_scope(w, e->u.binary.rhs, table);
        break;
    case AST_IN:
        walk_scope(w, e->u.in.lhs, table);
        walk_scope_list(w, e->u.in.items, table);
        break;
    case AST_INTERP: walk_scope_list(w, e->u.list.first, table); break;
    case AST_COND:
        walk_scope(w, e->u.cond.test, table);
        walk_scope(w, e->u.cond.then, table);
        walk_scope(w, e->u.cond.otherwise, table);
        break;
    default: break;
    }
}

static void refs_rule(walker *w, const ast_node *it)
{
    w->nvars = 0;
    w->rule_off = it->off;
    w->rule_end = it->off + it->len;
    ref_name(w, SYM_SCOPE, it->u.rule.scope, NULL);
    for (const ast_node *m = it->u.rule.maps; m; m = m->next) {
        const char *fw = string_text(w, m->u.pair.src);
        ref_string(w, SYM_FRAMEWORK, m->u.pair.src, NULL);
        if (fw)
            ref_string(w, SYM_CONTROL, m->u.pair.dst, fw);
    }
    for (const ast_node *f = it->u.rule.fors; f; f = f->next) {
        if (f->kind != AST_FOR)
            continue;
        const ast_node *src = f->u.loop.source;
        const char *table = NULL;
        if (src && src->kind == AST_IDENT) {
            ref_source(w, src->u.name);
            table = table_of(w, src->u.name);
        } else {
            walk_expr(w, src);
        }
        bind_var(w, f->u.loop.var, table, src && src->kind == AST_IDENT ? "for" : "every");
        walk_expr(w, f->u.loop.where);
    }
    walk_expr(w, it->u.rule.require);
    walk_expr(w, it->u.rule.subject);
    walk_expr(w, it->u.rule.message);
    w->nvars = 0;
}

static void refs_items(walker *w, const ast_node *items)
{
    for (const ast_node *it = items; it; it = it->next) {
        switch (it->kind) {
        case AST_IMPORT: {
            int d = find_decl(w, SYM_PACK, it->u.s.text, it->u.s.n, NULL);
            /* the import line (its sets are references of their own) */
            int i = add(w, SYM_PACK, 0, dup(w, it->u.s.text, it->u.s.n), it->off, it->len, NULL);
            if (i >= 0)
                w->s->v.v[i].decl = d;
            for (const ast_node *set = it->u.s.sets; set; set = set->next)
                ref_name(w, SYM_PARAM, set->u.field.name, NULL);
            break;
        }
        case AST_FACT:
            for (const ast_node *k = it->u.fact.key; k; k = k->next)
                ref_name(w, SYM_FIELD, k->u.name, dup_name(w, it->u.fact.name));
            break;
        case AST_RULE: refs_rule(w, it); break;
        case AST_SCOPE: {
            ref_source(w, it->u.scope.table);
            const char *table = table_of(w, it->u.scope.table);
            if (table)
                walk_scope(w, it->u.scope.where, table);
            break;
        }
        case AST_CROSSWALK: {
            const char *a = string_text(w, it->u.cat.id), *b = string_text(w, it->u.cat.title);
            ref_string(w, SYM_FRAMEWORK, it->u.cat.id, NULL);
            ref_string(w, SYM_FRAMEWORK, it->u.cat.title, NULL);
            for (const ast_node *p = it->u.cat.items; a && b && p; p = p->next) {
                ref_string(w, SYM_CONTROL, p->u.pair.src, a);
                ref_string(w, SYM_CONTROL, p->u.pair.dst, b);
            }
            break;
        }
        case AST_SOURCE: {
            /* source NAME into TABLE: the table, and each fed field */
            ref_name(w, SYM_FACT, it->u.source.table, NULL);
            const char *t = dup_name(w, it->u.source.table);
            for (const ast_node *f = it->u.source.feeds; f; f = f->next)
                if (f->kind == AST_FEED)
                    ref_name(w, SYM_FIELD, f->u.feed.field, t);
            break;
        }
        case AST_WAIVE: ref_name(w, SYM_RULE, it->u.waive.rule, NULL); break;
        case AST_OVERRIDE: ref_name(w, SYM_RULE, it->u.ovr.rule, NULL); break;
        case AST_TEST:
            for (const ast_node *k = it->u.cat.attrs; k; k = k->next) {
                if (k->kind == AST_TEST_EXPECT)
                    ref_name(w, SYM_RULE, k->u.ovr.rule, NULL);
                else if (k->kind == AST_TEST_GIVEN) {
                    ref_name(w, SYM_FACT, k->u.field.name, NULL);
                    const char *t = dup_name(w, k->u.field.name);
                    for (const ast_node *cell = k->u.field.type; cell; cell = cell->next)
                        ref_name(w, SYM_FIELD, cell->u.field.name, t);
                }
            }
            break;
        default: break;
        }
    }
}

int symbols_build(compiler *c, ast_node *const *items, const vouch_source *const *srcs, size_t n,
                  vouch_symbols *s)
{
    walker w;
    memset(&w, 0, sizeof w);
    w.c = c;
    w.s = s;
    for (size_t i = 0; i < n; i++) {
        w.src = srcs[i];
        w.file = arena_strndup(&s->a, srcs[i]->name, strlen(srcs[i]->name));
        decl_items(&w, items[i]);
    }
    s->ndecls = s->v.n;
    control_mappings(&w, items, n);
    for (size_t i = 0; i < n; i++) {
        w.src = srcs[i];
        w.file = arena_strndup(&s->a, srcs[i]->name, strlen(srcs[i]->name));
        refs_items(&w, items[i]);
    }
    /* the parameters' uses, which the checker replaced by their values */
    for (uint32_t k = 0; k < c->param_uses.n; k++) {
        const param_use *u = &c->param_uses.v[k];
        const param_info *p = &c->params.v[u->param];
        w.src = u->src;
        w.file = arena_strndup(&s->a, u->src->name, strlen(u->src->name));
        ref(&w, SYM_PARAM, p->name.p, p->name.len, u->off, u->len, p->pack);
    }
    /* variables are declared among the references, after ndecls: they
     * are found through the walker's visible variables, never by name */
    return s->a.failed ? -1 : 0;
}

const vouch_symbol *vouch_symbols_at(const vouch_symbols *s, const char *file, uint32_t off)
{
    const vouch_symbol *best = NULL;
    for (uint32_t i = 0; i < s->v.n; i++) {
        const vouch_symbol *y = &s->v.v[i];
        if (off < y->off || off > y->off + y->len || strcmp(y->file, file) != 0)
            continue;
        if (!best || y->len < best->len)
            best = y;
    }
    return best;
}
