/*
 * check_params.c: what packs say about each other. Pack versions (each a
 * semantic version), version pins on imports, parameters (declared with a
 * default by a pack, set by a pack that imports it), and which risk
 * appetite holds when an importing pack replaces an imported one
 * (docs/language.md, "Packs").
 *
 * Parameters are compile-time constants: a use is replaced by a copy of its
 * value (a literal) before it is typed, as the appetite's score name is, so
 * the program and the runtime know nothing of them. A parameter is seen by
 * the rules, scopes and appetite of the pack that declares it; an import
 * sets the parameters of the pack it names and of every pack that pack
 * imports in turn (so `import "iso27001" { ... }` reaches the parameters of
 * its sub-packs). Each parameter is set at most once in a compilation, so
 * what a rule checks never depends on the order of imports.
 *
 * Runs first in check_program, before anything reads a parameter.
 */
#include <stdio.h>
#include "check_int.h"
#include "semver.h"
#include "vouch_limits.h"

/* ---- the packs and their imports ------------------------------------------ */

static int pack_is(const compiler *c, size_t src, const char *name, size_t len)
{
    const char *p = c->pack_of_src[src];
    return strlen(p) == len && memcmp(p, name, len) == 0;
}

/* Marks in[] the sources of pack name and of every pack it imports,
 * directly or not. Imports of a pack that is not in the compilation were
 * reported by compile.c. */
static void reach(const compiler *c, ast_node *const *items, size_t nfiles, const char *name, size_t len,
                  uint8_t *in)
{
    for (size_t i = 0; i < nfiles; i++) {
        if (in[i] || !pack_is(c, i, name, len))
            continue;
        in[i] = 1;
        for (ast_node *it = items[i]; it; it = it->next)
            if (it->kind == AST_IMPORT)
                reach(c, items, nfiles, it->u.s.text, it->u.s.n, in);
    }
}

static const ast_node *pack_line(ast_node *items)
{
    for (const ast_node *it = items; it; it = it->next)
        if (it->kind == AST_PACK)
            return it;
    return NULL;
}

static const char *where_is(compiler *c, const ast_node *n)
{
    uint32_t line, col;
    source_position(n->src, n->off, &line, &col);
    return arena_printf(c->a, "%s:%u:%u", n->src->name, line, col);
}

int check_file_reaches(compiler *c, ast_node *const *items, size_t nfiles, const vouch_source *src,
                       const char *pack)
{
    uint8_t *in = arena_alloc(c->a, nfiles + 1);
    if (!in)
        return 0;
    for (size_t i = 0; i < nfiles; i++)
        for (ast_node *it = items[i]; it; it = it->next)
            if (it->src == src && it->kind == AST_IMPORT)
                reach(c, items, nfiles, it->u.s.text, it->u.s.n, in);
    for (size_t i = 0; i < nfiles; i++)
        if (in[i] && strcmp(c->pack_of_src[i], pack) == 0)
            return 1;
    return 0;
}

/* ---- versions --------------------------------------------------------------- */

static void check_version(compiler *c, const ast_node *pack)
{
    semver v;
    const char *why;
    const ast_node *at = pack->u.s.pin;
    if (!at || semver_parse(pack->u.s.text2, pack->u.s.n2, &v, &why) == 0)
        return;
    ERR_AT(c, at, "write a semantic version MAJOR.MINOR.PATCH, e.g. \"1.0.0\" (docs/language.md)",
           "version \"%.*s\" is not a semantic version: %s", (int)pack->u.s.n2, pack->u.s.text2, why);
}

static void check_pin(compiler *c, ast_node *const *items, size_t nfiles, const ast_node *imp)
{
    const ast_node *pin = imp->u.s.pin;
    const char *why = NULL;
    semver any = {0, 0, 0, 3, NULL, 0};
    if (semver_satisfies(pin->u.s.text, pin->u.s.n, &any, &why) < 0) {
        ERR_AT(c, pin, "e.g. \"^1.2\", \"~1.2.3\", \"1.2.3\" or \">=1.2, <2\" (docs/language.md)",
               "\"%.*s\" is not a version range: %s", (int)pin->u.s.n, pin->u.s.text, why);
        return;
    }
    for (size_t i = 0; i < nfiles; i++) {
        const ast_node *p = pack_line(items[i]);
        semver v;
        if (!p || !pack_is(c, i, imp->u.s.text, imp->u.s.n) || semver_parse(p->u.s.text2, p->u.s.n2, &v, &why))
            continue;  /* a version that is not one was reported at its pack line */
        if (semver_satisfies(pin->u.s.text, pin->u.s.n, &v, &why) == 0)
            ERR_AT(c, pin, "pin a range this version fits, or put a pack of a fitting version on VOUCH_PATH",
                   "pack \"%.*s\" is version %.*s (found at %s), which does not fit \"%.*s\"", (int)imp->u.s.n,
                   imp->u.s.text, (int)p->u.s.n2, p->u.s.text2, p->src->name, (int)pin->u.s.n, pin->u.s.text);
        return;
    }
}

/* ---- parameters ---------------------------------------------------------------- */

typedef enum param_type { PT_INT = 0, PT_TEXT, PT_BOOL, PT_DATE, PT_DURATION, PT_CADENCE, PT__COUNT } param_type;

static const char *const PT_NAMES[PT__COUNT] = {"int", "text", "bool", "date", "duration", "cadence"};
static const char *const PT_EXAMPLES[PT__COUNT] = {
    "e.g. `5`", "e.g. \"CISO\"", "`true` or `false`", "e.g. `2026-01-01`", "e.g. `30d`, `2w` or `12mo`",
    "`month`, `quarter` or `year`"};

/* Months in one span of a cadence value (`every` takes these). */
static int cadence_months(const ast_node *v)
{
    static const char *const units[] = {"quarter", "month", "year"};
    static const int months[] = {3, 1, 12};
    if (v->kind != AST_IDENT)
        return 0;
    for (int i = 0; i < 3; i++)
        if (check_name_is(v->u.name, units[i]))
            return months[i];
    return 0;
}

static int fits(int type, const ast_node *v)
{
    switch (type) {
    case PT_INT: return v->kind == AST_INT || (v->kind == AST_UNARY && v->op == OPR_NEG);
    case PT_TEXT: return v->kind == AST_STRING;
    case PT_BOOL: return v->kind == AST_BOOL;
    case PT_DATE: return v->kind == AST_DATE;
    case PT_DURATION: return v->kind == AST_DUR || v->kind == AST_MONTHS;
    case PT_CADENCE: return cadence_months(v) > 0;
    }
    return 0;
}

static const char *what_value(const ast_node *v)
{
    switch (v->kind) {
    case AST_INT: case AST_UNARY: return "a number";
    case AST_STRING: return "text";
    case AST_BOOL: return "true or false";
    case AST_DATE: return "a date";
    case AST_DUR: case AST_MONTHS: return "a duration";
    case AST_NONE: return "none";
    case AST_IDENT: return "a name";
    default: return "a value";
    }
}

/* Reports value v that does not fit parameter p; 1 if it fits. */
static int check_fits(compiler *c, const param_info *p, const ast_node *v)
{
    if (fits(p->type, v))
        return 1;
    const char *a = p->type == PT_INT ? "an" : "a";
    if (p->type == PT_CADENCE && v->kind == AST_IDENT) {
        ERR_AT(c, v, "a cadence is `month`, `quarter` or `year`",
               "parameter `%.*s` of pack \"%s\" is a cadence, and `%.*s` is not one", (int)p->name.len, p->name.p,
               p->pack, (int)v->u.name.len, v->u.name.p);
        return 0;
    }
    ERR_AT(c, v, arena_printf(c->a, "%s %s: %s", a, PT_NAMES[p->type], PT_EXAMPLES[p->type]),
           "parameter `%.*s` of pack \"%s\" is %s %s, not %s", (int)p->name.len, p->name.p, p->pack, a,
           PT_NAMES[p->type], what_value(v));
    return 0;
}

static void declare_param(compiler *c, ast_node *n)
{
    const char *pack = c->pack_of_src[n->src->index];
    int type = -1;
    for (int t = 0; t < PT__COUNT; t++)
        if (check_name_is(n->u.param.type, PT_NAMES[t]))
            type = t;
    if (type < 0) {
        const char *best = check_hint_closest(c, n->u.param.type, PT_NAMES, PT__COUNT);
        ERR_NAME(c, n, n->u.param.type, best ? best : "the types are int, text, bool, date, duration and cadence",
                 "unknown parameter type `%.*s`", (int)n->u.param.type.len, n->u.param.type.p);
        return;
    }
    for (uint32_t k = 0; k < c->params.n; k++) {
        const param_info *o = &c->params.v[k];
        if (strcmp(o->pack, pack) == 0 && check_names_equal(o->name, n->u.param.name)) {
            ERR_NAME(c, n, n->u.param.name, arena_printf(c->a, "the first is at %s", where_is(c, o->decl)),
                     "parameter `%.*s` is declared twice", (int)n->u.param.name.len, n->u.param.name.p);
            return;
        }
    }
    param_info p = {pack, n->u.param.name, type, n, n->u.param.value, NULL};
    if (!n->u.param.value || !check_fits(c, &p, n->u.param.value))
        return;
    VEC_PUSH(c->a, c->params, p);
}

/* The names of the parameters in the sources marked in[], for a message. */
static const char *param_names(compiler *c, const uint8_t *in, const char ***names, size_t *n)
{
    const char **v = arena_alloc(c->a, (c->params.n + 1) * sizeof *v);
    const char *text = "";
    *n = 0;
    for (uint32_t k = 0; v && k < c->params.n; k++) {
        const param_info *p = &c->params.v[k];
        if (!in[p->decl->src->index])
            continue;
        int dup = 0;
        for (size_t j = 0; j < *n; j++)
            dup |= check_name_is(p->name, v[j]);
        if (dup)
            continue;
        v[(*n)++] = arena_strndup(c->a, p->name.p, p->name.len);
        text = arena_printf(c->a, "%s%s`%.*s`", text, *n > 1 ? ", " : "", (int)p->name.len, p->name.p);
    }
    *names = v;
    return text;
}

static void set_params(compiler *c, ast_node *const *items, size_t nfiles, const ast_node *imp, uint8_t *in)
{
    memset(in, 0, nfiles);
    reach(c, items, nfiles, imp->u.s.text, imp->u.s.n, in);
    for (ast_node *s = imp->u.s.sets; s; s = s->next) {
        ast_name nm = s->u.field.name;
        ast_node *v = s->u.field.type;
        int found = 0;
        for (uint32_t k = 0; k < c->params.n; k++) {
            param_info *p = &c->params.v[k];
            if (!in[p->decl->src->index] || !check_names_equal(p->name, nm))
                continue;
            found = 1;
            if (p->set_at) {
                ERR_NAME(c, s, nm, arena_printf(c->a, "it is first set at %s; set it once", where_is(c, p->set_at)),
                         "parameter `%.*s` of pack \"%s\" is set twice", (int)nm.len, nm.p, p->pack);
                break;
            }
            if (!v || !check_fits(c, p, v))
                break;
            p->value = v;
            p->set_at = s;
        }
        if (found)
            continue;
        const char **names;
        size_t n;
        const char *list = param_names(c, in, &names, &n);
        const char *best = check_hint_closest(c, nm, names, n);
        ERR_NAME(c, s, nm,
                 n == 0 ? arena_printf(c->a, "pack \"%.*s\" and the packs it imports declare no parameters",
                                       (int)imp->u.s.n, imp->u.s.text)
                 : best ? arena_printf(c->a, "%s (its parameters: %s)", best, list)
                        : arena_printf(c->a, "its parameters are %s", list),
                 "pack \"%.*s\" has no parameter `%.*s`", (int)imp->u.s.n, imp->u.s.text, (int)nm.len, nm.p);
    }
}

const char *check_param_hint(compiler *c, const ast_node *at, ast_name n)
{
    if (c->params.n == 0 || !c->pack_of_src || !at->src)
        return NULL;
    const char *pack = c->pack_of_src[at->src->index];
    const char **v = arena_alloc(c->a, c->params.n * sizeof *v);
    size_t k = 0;
    for (uint32_t i = 0; v && i < c->params.n; i++)
        if (strcmp(c->params.v[i].pack, pack) == 0)
            v[k++] = arena_strndup(c->a, c->params.v[i].name.p, c->params.v[i].name.len);
    return v ? check_hint_closest(c, n, v, k) : NULL;
}

int check_param_find(compiler *c, const ast_node *at, ast_name n)
{
    if (c->params.n == 0 || !c->pack_of_src || !at->src)
        return -1;
    const char *pack = c->pack_of_src[at->src->index];
    for (uint32_t k = 0; k < c->params.n; k++)
        if (check_names_equal(c->params.v[k].name, n) && strcmp(c->params.v[k].pack, pack) == 0)
            return (int)k;
    return -1;
}

static void note_use(compiler *c, const ast_node *at, uint32_t off, uint32_t len, int k)
{
    param_use u = {at->src, off, len, k};
    VEC_PUSH(c->a, c->param_uses, u);  /* out of memory: the arena has failed, reported */
}

ast_type check_param_use(compiler *c, ast_node *n, int k)
{
    const param_info *p = &c->params.v[k];
    note_use(c, n, n->off, n->len, k);
    if (p->type == PT_CADENCE) {
        ERR_AT(c, n, arena_printf(c->a, "write `every %.*s of period as x`", (int)p->name.len, p->name.p),
               "`%.*s` is a cadence parameter: it names the spans an `every` loops over", (int)p->name.len,
               p->name.p);
        n->type = TYPE_ERROR;
        return TYPE_ERROR;
    }
    ast_node *e = ast_clone(c->a, p->value);
    if (!e) {
        n->type = TYPE_ERROR;
        return TYPE_ERROR;
    }
    /* The copy stands where the name was: messages point at the use. */
    e->next = n->next;
    e->src = n->src;
    e->off = n->off;
    e->len = n->len;
    if (e->kind == AST_UNARY && e->u.unary.operand) {
        e->u.unary.operand->src = n->src;
        e->u.unary.operand->off = n->off;
        e->u.unary.operand->len = n->len;
    }
    *n = *e;
    return check_expr(c, n);
}

int check_param_cadence(compiler *c, const ast_node *at, ast_name n)
{
    int k = check_param_find(c, at, n);
    if (k < 0)
        return 0;
    const param_info *p = &c->params.v[k];
    note_use(c, at, n.off, n.len, k);
    if (p->type != PT_CADENCE) {
        ERR_NAME(c, at, n, "declare it `param NAME: cadence = month` (or quarter, year)",
                 "`every` takes quarter, month, year or a cadence parameter; `%.*s` is %s %s parameter",
                 (int)n.len, n.p, p->type == PT_INT ? "an" : "a", PT_NAMES[p->type]);
        return 3;
    }
    return cadence_months(p->value);
}

/* ---- parameters as text: titles, messages, review periods ------------------- */

/* The text a parameter stands for in a title: a cadence as its word, text
 * verbatim, an int in decimal, a bool as true or false, a duration or date
 * as written (`12mo` stays `12mo`, where a message's {x} would print the
 * value, `1y`): the organisation reads back what it set. */
static const char *value_text(compiler *c, const param_info *p, uint32_t *len)
{
    const ast_node *v = p->value;
    const char *s;
    switch (p->type) {
    case PT_TEXT:
        *len = v->u.s.n;
        return v->u.s.text;
    case PT_CADENCE:
        *len = (uint32_t)v->u.name.len;
        return v->u.name.p;
    case PT_INT:
        if (v->kind == AST_UNARY && v->u.unary.operand && v->u.unary.operand->u.lit.i != 0)
            s = arena_printf(c->a, "-%lld", (long long)v->u.unary.operand->u.lit.i);
        else
            s = arena_printf(c->a, "%lld", v->kind == AST_INT ? (long long)v->u.lit.i : 0LL);
        break;
    case PT_BOOL:
        s = v->u.lit.i ? "true" : "false";
        break;
    default:
        *len = v->len;
        return v->src->text + v->off;
    }
    *len = s ? (uint32_t)strlen(s) : 0;
    return s ? s : "";
}

/* The hint for a name in braces that is not a parameter of at's pack. */
static const char *title_hint(compiler *c, const ast_node *at, ast_name n)
{
    const char *best = check_param_hint(c, at, n);
    if (best)
        return best;
    const char *pack = c->pack_of_src ? c->pack_of_src[at->src->index] : "";
    const char *list = "";
    for (uint32_t k = 0; k < c->params.n; k++)
        if (strcmp(c->params.v[k].pack, pack) == 0)
            list = arena_printf(c->a, "%s%s`%.*s`", list, *list ? ", " : "", (int)c->params.v[k].name.len,
                                c->params.v[k].name.p);
    if (!*list)
        return arena_printf(c->a, "a title names the parameters of its own pack, and pack \"%s\" declares none; "
                                  "write `\\{` for a literal brace", pack);
    return arena_printf(c->a, "the parameters of pack \"%s\" are %s; write `\\{` for a literal brace", pack, list);
}

void check_param_title(compiler *c, ast_node *rule)
{
    ast_node *t = rule->u.rule.title;
    if (!t || t->kind != AST_INTERP)
        return;
    /* Each piece's text, then one copy: a title is short, but a pack may
     * hold thousands of rules. */
    uint32_t n = 0, np = 0;
    for (ast_node *p = t->u.list.first; p; p = p->next)
        np++;
    const char **text = arena_alloc(c->a, (np + 1) * sizeof *text);
    uint32_t *len = arena_alloc(c->a, (np + 1) * sizeof *len);
    if (!text || !len)
        return;
    np = 0;
    for (ast_node *p = t->u.list.first; p; p = p->next, np++) {
        if (p->kind == AST_STRING) {
            text[np] = p->u.s.text;
            len[np] = p->u.s.n;
        } else {
            /* unresolved: the source as written, so the symbol index still
             * shows a title while the error is fixed */
            text[np] = p->src->text + p->off;
            len[np] = p->len;
            int k = p->kind == AST_IDENT ? check_param_find(c, p, p->u.name) : -1;
            if (p->kind != AST_IDENT)
                ERR_AT(c, p, "write `{NAME}` for a parameter; put row values in the `else` message",
                       "a rule title can name a parameter of its pack, not a value computed from rows");
            else if (k < 0)
                ERR_AT(c, p, title_hint(c, p, p->u.name), "unknown parameter `%.*s` in a rule title",
                       (int)p->u.name.len, p->u.name.p);
            else {
                note_use(c, p, p->off, p->len, k);
                text[np] = value_text(c, &c->params.v[k], &len[np]);
            }
        }
        n += len[np];
    }
    if (n > VOUCH_MAX_STRING_BYTES) {
        ERR_AT(c, t, "shorten the title or the parameter's value",
               "the title with its parameters' values is %u bytes, longer than the limit of %u", n,
               VOUCH_MAX_STRING_BYTES);
        return;
    }
    char *out = arena_alloc(c->a, n + 1);
    ast_node *s = ast_new(c->a, t->src, AST_STRING, t->off, t->len);
    if (!out || !s)
        return;
    n = 0;
    for (uint32_t i = 0; i < np; i++) {
        memcpy(out + n, text[i], len[i]);
        n += len[i];
    }
    out[n] = '\0';
    s->u.s.text = out;
    s->u.s.n = n;
    rule->u.rule.title = s;
}

int check_param_word(compiler *c, ast_node *n)
{
    int k = check_param_find(c, n, n->u.name);
    if (k < 0 || c->params.v[k].type != PT_CADENCE)
        return 0;
    note_use(c, n, n->off, n->len, k);
    uint32_t len;
    const char *w = value_text(c, &c->params.v[k], &len);
    n->kind = AST_STRING;
    n->u.s.text = arena_strndup(c->a, w, len);
    n->u.s.n = len;
    return 1;
}

ast_node *check_param_period(compiler *c, ast_node *at, int *param)
{
    int k = check_param_find(c, at, at->u.name);
    *param = k;
    if (k < 0) {
        const char *best = check_param_hint(c, at, at->u.name);
        ERR_AT(c, at, best ? best : "declare it `param NAME: duration = 365d` (or 12mo), or write the period",
               "unknown duration parameter `%.*s`", (int)at->u.name.len, at->u.name.p);
        return NULL;
    }
    const param_info *p = &c->params.v[k];
    note_use(c, at, at->off, at->len, k);
    if (p->type != PT_DURATION) {
        ERR_AT(c, at, "declare it `param NAME: duration = 365d` (or 12mo)",
               "`review every` takes a duration; `%.*s` is %s %s parameter", (int)at->u.name.len, at->u.name.p,
               p->type == PT_INT ? "an" : "a", PT_NAMES[p->type]);
        return NULL;
    }
    ast_node *e = ast_clone(c->a, p->value);
    if (!e)
        return NULL;
    /* The copy stands where the name was: messages point at the use. */
    e->next = at->next;
    e->src = at->src;
    e->off = at->off;
    e->len = at->len;
    return e;
}

const char *check_param_written(const param_info *p, uint32_t *len)
{
    *len = p->value->len;
    return p->value->src->text + p->value->off;
}

/* ---- the risk appetite ---------------------------------------------------- */

/* An `override appetite` replaces the appetites of the packs its pack
 * imports (op |= 2 marks one replaced: check_program skips it). */
static void replace_appetites(compiler *c, ast_node *const *items, size_t nfiles, uint8_t *in)
{
    for (size_t i = 0; i < nfiles; i++)
        for (ast_node *r = items[i]; r; r = r->next) {
            if (r->kind != AST_APPETITE || !(r->op & 1))
                continue;
            memset(in, 0, nfiles);
            for (ast_node *it = items[i]; it; it = it->next)
                if (it->kind == AST_IMPORT)
                    reach(c, items, nfiles, it->u.s.text, it->u.s.n, in);
            int replaced = 0;
            for (size_t j = 0; j < nfiles; j++) {
                if (!in[j] || strcmp(c->pack_of_src[j], c->pack_of_src[i]) == 0)
                    continue;
                for (ast_node *a = items[j]; a; a = a->next)
                    if (a->kind == AST_APPETITE && !(a->op & 1)) {
                        a->op |= 2;
                        replaced = 1;
                    }
            }
            if (!replaced)
                ERR_AT(c, r, "declare it with `appetite { ... }`: `override` is for an imported one",
                       "`override appetite` replaces nothing: no pack this one imports declares a risk appetite");
        }
}

void check_params_declare(compiler *c, ast_node *const *items, size_t nfiles)
{
    uint8_t *in = arena_alloc(c->a, nfiles + 1);
    if (!in || !c->pack_of_src)
        return;
    for (size_t i = 0; i < nfiles; i++)
        for (ast_node *it = items[i]; it; it = it->next) {
            if (it->kind == AST_PACK)
                check_version(c, it);
            else if (it->kind == AST_PARAM)
                declare_param(c, it);
        }
    for (size_t i = 0; i < nfiles; i++)
        for (ast_node *it = items[i]; it; it = it->next)
            if (it->kind == AST_IMPORT) {
                if (it->u.s.pin)
                    check_pin(c, items, nfiles, it);
                if (it->u.s.sets)
                    set_params(c, items, nfiles, it, in);
            }
    replace_appetites(c, items, nfiles, in);
}
