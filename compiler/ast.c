/*
 * ast.c: syntax-tree nodes, the constructors the grammar actions call, and
 * the S-expression dump the parser tests compare.
 *
 * Invariants: every node is in the arena and spans its whole source text
 * (off, len into src->text); names are slices of the source, never copies;
 * a string literal's text is an unescaped, NUL-terminated arena copy.
 * Constructors accept NULL children (the result of an earlier allocation
 * failure) and never dereference them, so the driver only has to report
 * the failure once at the end.
 *
 * Literal conversion lives here because this is where the grammar hands
 * over a token's text: integers are checked for overflow, dates must be
 * real days of the proleptic Gregorian calendar in years 1..9999 and become
 * day numbers since 1970-01-01, durations become days.
 */
#include <inttypes.h>
#include <string.h>

#include "ast.h"
#include "lex.h"
#include "vouch_limits.h"

/* ---- basics ---------------------------------------------------------------- */

ast_node *ast_new(arena *a, const vouch_source *src, ast_kind kind, uint32_t off, uint32_t len)
{
    ast_node *n = arena_alloc(a, sizeof *n);
    if (!n)
        return NULL;
    n->kind = (uint16_t)kind;
    n->op = 0;
    n->off = off;
    n->len = len;
    n->src = src;
    n->next = NULL;
    n->slot = -1;
    return n;
}

ast_node *ast_append(ast_node *list, ast_node *item)
{
    ast_node *p;
    if (!list)
        return item;
    if (!item)
        return list;
    /* Start from where the last append ended: a list of n items then
     * costs O(n) to build, not O(n^2) (a pack of hostile size must
     * compile in bounded time). The hint is only a start: walk on from
     * it in case the list grew some other way. */
    for (p = list->tail ? list->tail : list; p->next; p = p->next)
        ;
    p->next = item;
    list->tail = item;
    return list;
}

ast_node *ast_span(ast_node *node, uint32_t first_off, uint32_t last_end)
{
    if (!node)
        return NULL;
    node->off = first_off;
    node->len = last_end > first_off ? last_end - first_off : 0;
    return node;
}

ast_node *ast_span_to(ast_node *node, uint32_t end)
{
    if (node && end > node->off + node->len)
        node->len = end - node->off;
    return node;
}

uint32_t ast_end_of(const ast_node *n)
{
    return n ? n->off + n->len : 0;
}

static uint32_t max_u32(uint32_t a, uint32_t b)
{
    return a > b ? a : b;
}

ast_name ast_name_at(const ast_builder *b, uint32_t off, uint32_t len)
{
    ast_name nm;
    nm.p = b->src->text + off;
    nm.len = len;
    nm.off = off;
    return nm;
}

ast_node *ast_node_at(ast_builder *b, ast_kind kind, uint32_t off, uint32_t end)
{
    return ast_new(b->a, b->src, kind, off, end > off ? end - off : 0);
}

/* ---- literals ---------------------------------------------------------------- */

/* Day number of y-m-d since 1970-01-01 (H. Hinnant's days_from_civil). */
static int64_t days_from_civil(int64_t y, int64_t m, int64_t d)
{
    int64_t era, yoe, doy, doe;
    y -= m <= 2;
    era = (y >= 0 ? y : y - 399) / 400;
    yoe = y - era * 400;
    doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m)
{
    static const int dm[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
        return 29;
    return dm[m - 1];
}

static int digits(const char *p, uint32_t n)
{
    int v = 0;
    uint32_t i;
    for (i = 0; i < n; i++)
        v = v * 10 + (p[i] - '0');
    return v;
}

/* Parses leading decimal digits of p[0..n) into *out; 0 on overflow. */
static int parse_decimal(const char *p, uint32_t n, int64_t *out)
{
    int64_t v = 0;
    uint32_t i;
    for (i = 0; i < n && p[i] >= '0' && p[i] <= '9'; i++) {
        int dg = p[i] - '0';
        if (v > (INT64_MAX - dg) / 10)
            return 0;
        v = v * 10 + dg;
    }
    *out = v;
    return 1;
}

static int all_digits(const char *p, uint32_t n)
{
    uint32_t i;
    for (i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* The body of a string piece at [off, off+len): without its opening
 * delimiter (`"` or `}`) and its closing one (`"` or `{`) if it has one (an
 * unterminated string has none; a piece made up by the lexer is empty). */
static void string_body(const vouch_source *src, uint32_t off, uint32_t len, uint32_t *boff,
                        uint32_t *blen)
{
    uint32_t start = off + 1, end = off + len;
    if (len == 0) {
        *boff = off;
        *blen = 0;
        return;
    }
    if (end > start && (src->text[end - 1] == '"' || src->text[end - 1] == '{')) {
        /* An escaped quote is not a delimiter (only in an unterminated
         * string can the text end with one). */
        uint32_t bs = 0;
        while (end - 1 - bs > start && src->text[end - 2 - bs] == '\\')
            bs++;
        if (bs % 2 == 0)
            end--;
    }
    *boff = start;
    *blen = end > start ? end - start : 0;
}

ast_node *ast_string_node(ast_builder *b, uint32_t off, uint32_t len, uint32_t node_off,
                          uint32_t node_end)
{
    uint32_t boff, blen;
    ast_node *n = ast_node_at(b, AST_STRING, node_off, node_end);
    if (!n)
        return NULL;
    string_body(b->src, off, len, &boff, &blen);
    n->u.s.text = lex_unescape(b->a, b->src->text + boff, blen, &n->u.s.n);
    if (n->u.s.n > VOUCH_MAX_STRING_BYTES)
        diag_error(b->diag, b->src, off, len, "split the text, or keep it in the facts",
                   "a string of %u bytes is longer than the limit of %u", n->u.s.n,
                   VOUCH_MAX_STRING_BYTES);
    return n;
}

static void literal_int(ast_builder *b, ast_node *n)
{
    const char *p = b->src->text + n->off;
    if (!all_digits(p, n->len))
        return;              /* a malformed number: the lexer reported it */
    if (!parse_decimal(p, n->len, &n->u.lit.i)) {
        n->u.lit.i = 0;
        diag_error(b->diag, b->src, n->off, n->len, "the largest integer is 9223372036854775807",
                   "integer `%.*s` is too large", (int)(n->len > 40 ? 40 : n->len), p);
    }
}

static void literal_date(ast_builder *b, ast_node *n)
{
    const char *p = b->src->text + n->off;
    int y, m, d;
    if (n->len != 10)
        return;
    y = digits(p, 4);
    m = digits(p + 5, 2);
    d = digits(p + 8, 2);
    if (y < 1 || m < 1 || m > 12 || d < 1 || d > days_in_month(y, m)) {
        diag_error(b->diag, b->src, n->off, n->len,
                   y < 1 ? "years run from 0001 to 9999"
                         : "a date is YYYY-MM-DD with a real month and day",
                   "`%.10s` is not a calendar date", p);
        return;
    }
    n->u.lit.i = days_from_civil(y, m, d);
}

static void literal_dur(ast_builder *b, ast_node *n)
{
    const char *p = b->src->text + n->off;
    int64_t v;
    char unit = p[n->len - 1];
    if (unit == 'o' || unit == 'q' || unit == 'y') {
        /* Calendar units: months, quarters, years, counted in months. */
        uint32_t digits_len = n->len - (unit == 'o' ? 2 : 1);
        int64_t per = unit == 'o' ? 1 : unit == 'q' ? 3 : 12;
        n->kind = AST_MONTHS;
        if (!parse_decimal(p, digits_len, &v) || v > 120000 / per) {
            diag_error(b->diag, b->src, n->off, n->len, "calendar durations reach at most 10000 years",
                       "duration `%.*s` is too large", (int)(n->len > 40 ? 40 : n->len), p);
            return;
        }
        n->u.lit.i = v * per;
        return;
    }
    if (!parse_decimal(p, n->len - 1, &v) || (unit == 'w' && v > INT64_MAX / 7)) {
        diag_error(b->diag, b->src, n->off, n->len, NULL, "duration `%.*s` is too large",
                   (int)(n->len > 40 ? 40 : n->len), p);
        return;
    }
    n->u.lit.i = unit == 'w' ? v * 7 : v;
}

ast_node *ast_leaf(ast_builder *b, ast_kind kind, uint32_t off, uint32_t len)
{
    ast_node *n;
    if (kind == AST_STRING)
        return ast_string_node(b, off, len, off, off + len);
    n = ast_node_at(b, kind, off, off + len);
    if (!n)
        return NULL;
    switch (kind) {
    case AST_INT: literal_int(b, n); break;
    case AST_DATE: literal_date(b, n); break;
    case AST_DUR: if (len >= 2) literal_dur(b, n); break;
    case AST_BOOL: n->u.lit.i = len == 4 && memcmp(b->src->text + off, "true", 4) == 0; break;
    case AST_IDENT: n->u.name = ast_name_at(b, off, len); break;
    default: break;
    }
    return n;
}

ast_node *ast_ident(ast_builder *b, uint32_t off, uint32_t len)
{
    return ast_leaf(b, AST_IDENT, off, len);
}

/* ---- expressions ------------------------------------------------------------- */

/* Depth. Every pass over an expression (check, plan, codegen, clone) is
 * recursive, and left-associative chains (`a + a + ... + a`, `x.f.f.f`)
 * grow the tree without growing the parser's stack, so the constructors
 * keep each node's height and stop the tree at VOUCH_MAX_EXPR_DEPTH: the
 * node that would pass it is reported (once where the limit is crossed)
 * and loses its children, as do the nodes above it, so no pass ever
 * descends further. The file then has an error and never reaches codegen. */
static uint32_t depth_of(const ast_node *n) { return n ? n->depth : 0; }

static uint32_t list_depth(const ast_node *l)
{
    uint32_t d = 0;
    for (; l; l = l->next)
        d = max_u32(d, l->depth);
    return d;
}

/* Sets n's depth from its deepest child; 0 if within the limit, else 1
 * (after reporting if this is where the limit is crossed): the caller then
 * drops n's children. */
static int too_deep(ast_builder *b, ast_node *n, uint32_t child)
{
    if (child < VOUCH_MAX_EXPR_DEPTH) {
        n->depth = child + 1;
        return 0;
    }
    if (child == VOUCH_MAX_EXPR_DEPTH)
        diag_error(b->diag, b->src, n->off, n->len, "split it, e.g. into several rules or conditions",
                   "expression nested more than %d deep", VOUCH_MAX_EXPR_DEPTH);
    n->depth = VOUCH_MAX_EXPR_DEPTH + 1;
    return 1;
}

ast_node *ast_unary(ast_builder *b, ast_op op, uint32_t op_off, ast_node *operand)
{
    ast_node *n = ast_node_at(b, AST_UNARY, op_off, max_u32(ast_end_of(operand), op_off + 1));
    if (!n)
        return NULL;
    n->op = (uint16_t)op;
    n->u.unary.operand = too_deep(b, n, depth_of(operand)) ? NULL : operand;
    return n;
}

ast_node *ast_binary(ast_builder *b, ast_kind kind, ast_op op, ast_node *lhs, ast_node *rhs)
{
    uint32_t off = lhs ? lhs->off : rhs ? rhs->off : 0;
    ast_node *n = ast_node_at(b, kind, off, max_u32(ast_end_of(lhs), ast_end_of(rhs)));
    if (!n)
        return NULL;
    n->op = (uint16_t)op;
    if (too_deep(b, n, max_u32(depth_of(lhs), depth_of(rhs))))
        return n;
    n->u.binary.lhs = lhs;
    n->u.binary.rhs = rhs;
    return n;
}

ast_node *ast_member(ast_builder *b, ast_node *obj, uint32_t name_off, uint32_t name_len)
{
    ast_node *n = ast_node_at(b, AST_MEMBER, obj ? obj->off : name_off, name_off + name_len);
    if (!n)
        return NULL;
    n->u.member.obj = too_deep(b, n, depth_of(obj)) ? NULL : obj;
    n->u.member.field = ast_name_at(b, name_off, name_len);
    return n;
}

ast_node *ast_call(ast_builder *b, uint32_t name_off, uint32_t name_len, ast_node *args,
                   uint32_t end)
{
    ast_node *n = ast_node_at(b, AST_CALL, name_off, end);
    if (!n)
        return NULL;
    n->u.call.name = ast_name_at(b, name_off, name_len);
    n->u.call.args = too_deep(b, n, list_depth(args)) ? NULL : args;
    return n;
}

ast_node *ast_in(ast_builder *b, ast_node *lhs, ast_node *items, uint32_t end)
{
    ast_node *n = ast_node_at(b, AST_IN, lhs ? lhs->off : end, end);
    if (!n)
        return NULL;
    if (too_deep(b, n, max_u32(depth_of(lhs), list_depth(items))))
        return n;
    n->u.in.lhs = lhs;
    n->u.in.items = items;
    return n;
}

ast_node *ast_interp_add(ast_builder *b, ast_node *interp, uint32_t off, uint32_t len,
                         ast_node *expr)
{
    uint32_t boff, blen;
    if (!interp) {
        interp = ast_node_at(b, AST_INTERP, off, off + len);
        if (!interp)
            return NULL;
    }
    string_body(b->src, off, len, &boff, &blen);
    if (blen > 0) {
        ast_node *s = ast_string_node(b, off, len, boff, boff + blen);
        interp->u.list.first = ast_append(interp->u.list.first, s);
    }
    if (expr && interp->depth <= VOUCH_MAX_EXPR_DEPTH) {
        uint32_t d = interp->depth;
        if (!too_deep(b, interp, max_u32(d ? d - 1 : 0, depth_of(expr))))
            interp->u.list.first = ast_append(interp->u.list.first, expr);
    }
    return ast_span_to(interp, max_u32(off + len, ast_end_of(expr)));
}

ast_node *ast_quant(ast_builder *b, ast_quant_kind q, uint32_t off, uint32_t var_off,
                    uint32_t var_len, uint32_t table_off, uint32_t table_len, ast_node *where,
                    ast_node *body)
{
    uint32_t end = max_u32(table_off + table_len, max_u32(ast_end_of(where), ast_end_of(body)));
    ast_node *n = ast_node_at(b, AST_QUANT, off, end);
    if (!n)
        return NULL;
    n->op = (uint16_t)q;
    n->u.quant.var = ast_name_at(b, var_off, var_len);
    n->u.quant.table = ast_name_at(b, table_off, table_len);
    if (too_deep(b, n, max_u32(depth_of(where), depth_of(body))))
        return n;
    n->u.quant.where = where;
    n->u.quant.body = body;
    return n;
}

/* ---- items ---------------------------------------------------------------- */

ast_node *ast_pack(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len,
                   uint32_t ver_off, uint32_t ver_len)
{
    ast_node *n = ast_node_at(b, AST_PACK, off, ver_off + ver_len);
    ast_node *name = ast_string_node(b, name_off, name_len, name_off, name_off + name_len);
    ast_node *ver = ast_string_node(b, ver_off, ver_len, ver_off, ver_off + ver_len);
    if (!n || !name || !ver)
        return n;
    n->u.s.text = name->u.s.text;
    n->u.s.n = name->u.s.n;
    n->u.s.text2 = ver->u.s.text;
    n->u.s.n2 = ver->u.s.n;
    n->u.s.pin = ver;
    return n;
}

ast_node *ast_import(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len)
{
    ast_node *n = ast_node_at(b, AST_IMPORT, off, name_off + name_len);
    ast_node *name = ast_string_node(b, name_off, name_len, name_off, name_off + name_len);
    if (!n || !name)
        return n;
    n->u.s.text = name->u.s.text;
    n->u.s.n = name->u.s.n;
    return n;
}

ast_node *ast_import_pin(ast_builder *b, ast_node *imp, uint32_t ver_off, uint32_t ver_len)
{
    ast_node *ver = ast_string_node(b, ver_off, ver_len, ver_off, ver_off + ver_len);
    if (!imp || !ver)
        return imp;
    imp->u.s.pin = ver;
    imp->len = ver_off + ver_len - imp->off;
    return imp;
}

ast_node *ast_import_sets(ast_node *imp, ast_node *sets, uint32_t end)
{
    if (!imp)
        return imp;
    /* The span stays the import line: messages about the import point
     * there, and each set has its own span. */
    (void)end;
    imp->u.s.sets = sets;
    return imp;
}

ast_node *ast_param(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len, uint32_t type_off,
                    uint32_t type_len, ast_node *value)
{
    ast_node *n = ast_node_at(b, AST_PARAM, off, value ? ast_end_of(value) : type_off + type_len);
    if (!n)
        return NULL;
    n->u.param.name = ast_name_at(b, name_off, name_len);
    n->u.param.type = ast_name_at(b, type_off, type_len);
    n->u.param.value = value;
    return n;
}

ast_node *ast_fact(ast_builder *b, uint32_t off, uint32_t name_off, uint32_t name_len,
                   ast_node *key)
{
    ast_node *n = ast_node_at(b, AST_FACT, off, name_off + name_len);
    if (!n)
        return NULL;
    n->u.fact.name = ast_name_at(b, name_off, name_len);
    n->u.fact.key = key;
    return n;
}

ast_node *ast_fact_dated(ast_builder *b, ast_node *fact, uint32_t name_off, uint32_t name_len)
{
    ast_node *id = ast_ident(b, name_off, name_len);
    if (!fact || !id)
        return fact;
    fact->u.fact.dated = ast_append(fact->u.fact.dated, id);
    return ast_span_to(fact, name_off + name_len);
}

ast_node *ast_fact_field(ast_node *fact, ast_node *field)
{
    if (!fact)
        return NULL;
    fact->u.fact.fields = ast_append(fact->u.fact.fields, field);
    return fact;
}

ast_node *ast_field(ast_builder *b, uint32_t name_off, uint32_t name_len, ast_node *type)
{
    ast_node *n = ast_node_at(b, AST_FIELD, name_off, max_u32(name_off + name_len, ast_end_of(type)));
    if (!n)
        return NULL;
    n->u.field.name = ast_name_at(b, name_off, name_len);
    n->u.field.type = type;
    return n;
}

ast_node *ast_type_decl(ast_builder *b, uint32_t off, uint32_t len, ast_node *members, uint32_t end)
{
    ast_node *n = ast_node_at(b, AST_TYPE, off, end);
    if (!n)
        return NULL;
    n->u.type.name = ast_name_at(b, off, len);
    n->u.type.members = members;
    n->u.type.optional = 0;
    return n;
}

ast_node *ast_type_optional(ast_node *type, uint32_t end)
{
    if (!type)
        return NULL;
    type->u.type.optional = 1;
    return ast_span_to(type, end);
}

ast_node *ast_rule(ast_builder *b, uint32_t off, uint32_t id_off, uint32_t id_len, ast_node *title)
{
    ast_node *n = ast_node_at(b, AST_RULE, off, title ? ast_end_of(title) : id_off + id_len);
    if (!n)
        return NULL;
    n->u.rule.id = ast_name_at(b, id_off, id_len);
    n->u.rule.title = title;
    return n;
}

/* A header clause that names one word (`severity high`): the word goes to
 * *slot; a second clause of the kind is an error ("already has WHAT",
 * with hint). */
static ast_node *rule_word(ast_builder *b, ast_node *rule, ast_name *slot, const char *what,
                           const char *hint, uint32_t kw_off, uint32_t off, uint32_t len)
{
    if (!rule)
        return NULL;
    if (slot->p) {
        diag_error(b->diag, b->src, kw_off, off + len - kw_off, hint, "rule `%.*s` already has %s",
                   (int)rule->u.rule.id.len, rule->u.rule.id.p, what);
        return rule;
    }
    *slot = ast_name_at(b, off, len);
    return rule;
}

ast_node *ast_rule_severity(ast_builder *b, ast_node *rule, uint32_t kw_off, uint32_t off,
                            uint32_t len)
{
    return rule_word(b, rule, rule ? &rule->u.rule.severity : NULL, "a severity", "give one severity per rule",
                     kw_off, off, len);
}

ast_node *ast_rule_enforcement(ast_builder *b, ast_node *rule, uint32_t kw_off, uint32_t off,
                               uint32_t len)
{
    return rule_word(b, rule, rule ? &rule->u.rule.enforcement : NULL, "an enforcement level",
                     "give one enforcement level per rule", kw_off, off, len);
}

ast_node *ast_rule_for(ast_builder *b, ast_node *rule, ast_node *loop)
{
    if (!rule)
        return NULL;
    if (rule->u.rule.require || rule->u.rule.subject || rule->u.rule.message) {
        if (loop)
            diag_error(b->diag, b->src, loop->off, 3,
                       "a rule's body is its `for` clauses, then `require`, then `subject` and `else`",
                       "`for` after `require`");
        return rule;
    }
    rule->u.rule.fors = ast_append(rule->u.rule.fors, loop);
    return rule;
}

/* Sets one of a rule's single clauses, reporting a second one. */
static ast_node *rule_clause(ast_builder *b, ast_node *rule, ast_node **slot, const char *kw,
                             uint32_t kw_off, ast_node *e)
{
    if (!rule)
        return NULL;
    if (*slot) {
        diag_error(b->diag, b->src, kw_off, (uint32_t)strlen(kw),
                   strcmp(kw, "require") == 0 ? "combine the conditions with `and`" : NULL,
                   "rule `%.*s` already has a `%s` clause", (int)rule->u.rule.id.len,
                   rule->u.rule.id.p, kw);
        return rule;
    }
    *slot = e;
    return rule;
}

ast_node *ast_rule_require(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *e)
{
    if (rule && !rule->u.rule.require && (rule->u.rule.subject || rule->u.rule.message))
        diag_error(b->diag, b->src, kw_off, 7,
                   "a rule's body is its `for` clauses, then `require`, then `subject` and `else`",
                   "`require` after `%s`", rule->u.rule.subject ? "subject" : "else");
    return rule_clause(b, rule, rule ? &rule->u.rule.require : NULL, "require", kw_off, e);
}

ast_node *ast_rule_subject(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *e)
{
    return rule_clause(b, rule, rule ? &rule->u.rule.subject : NULL, "subject", kw_off, e);
}

ast_node *ast_rule_else(ast_builder *b, ast_node *rule, uint32_t kw_off, ast_node *e)
{
    return rule_clause(b, rule, rule ? &rule->u.rule.message : NULL, "else", kw_off, e);
}

ast_node *ast_rule_end(ast_builder *b, ast_node *rule, uint32_t end)
{
    if (!rule)
        return NULL;
    ast_span_to(rule, end);
    if (!rule->u.rule.severity.p)
        diag_error(b->diag, b->src, rule->u.rule.id.off, rule->u.rule.id.len,
                   "add a clause such as `severity high` between the title and `{`",
                   "rule `%.*s` has no severity", (int)rule->u.rule.id.len, rule->u.rule.id.p);
    if (!rule->u.rule.require)
        diag_error(b->diag, b->src, rule->u.rule.id.off, rule->u.rule.id.len,
                   "say what must hold with `require CONDITION`",
                   "rule `%.*s` has no `require` clause", (int)rule->u.rule.id.len,
                   rule->u.rule.id.p);
    return rule;
}

ast_node *ast_for(ast_builder *b, uint32_t off, uint32_t var_off, uint32_t var_len,
                  ast_node *source, ast_node *where)
{
    ast_node *n = ast_node_at(b, AST_FOR, off, max_u32(var_off + var_len,
                                                 max_u32(ast_end_of(source), ast_end_of(where))));
    if (!n)
        return NULL;
    n->u.loop.var = ast_name_at(b, var_off, var_len);
    n->u.loop.source = source;
    n->u.loop.where = where;
    return n;
}

/* ---- names and the dump -------------------------------------------------- */

const char *ast_kind_name(int kind)
{
    static const char *const names[AST__COUNT] = {
        [AST_PACK] = "pack",     [AST_IMPORT] = "import", [AST_FACT] = "fact",
        [AST_FIELD] = "field",   [AST_TYPE] = "type",     [AST_RULE] = "rule",
        [AST_FOR] = "for",       [AST_INT] = "int",       [AST_DATE] = "date",
        [AST_DUR] = "dur",       [AST_BOOL] = "bool",     [AST_NONE] = "none",
        [AST_STRING] = "string", [AST_INTERP] = "interp", [AST_TODAY] = "today",
        [AST_PERIOD] = "period", [AST_IDENT] = "ident",   [AST_MEMBER] = "member",
        [AST_CALL] = "call",     [AST_UNARY] = "unary",   [AST_BINARY] = "binary",
        [AST_IN] = "in",         [AST_RANGE] = "range",   [AST_QUANT] = "quant",
        [AST_FRAMEWORK] = "framework", [AST_CONTROL] = "control", [AST_ATTR] = "attr",
        [AST_CROSSWALK] = "crosswalk", [AST_PAIR] = "pair", [AST_SCOPE] = "scope",
        [AST_APPETITE] = "appetite", [AST_APPETITE_CLAUSE] = "appetite-clause",
        [AST_WAIVE] = "waive", [AST_WAIVER_CAP] = "waiver-cap", [AST_FRESHNESS] = "freshness", [AST_OVERRIDE] = "override",
        [AST_MONTHS] = "months", [AST_UNTIL] = "until", [AST_COND] = "cond", [AST_TEST] = "test",
        [AST_TEST_ASOF] = "as_of", [AST_TEST_PERIOD] = "test-period", [AST_TEST_GIVEN] = "given",
        [AST_TEST_EXPECT] = "expect", [AST_PARAM] = "param",
    };
    if (kind < 0 || kind >= AST__COUNT || !names[kind])
        return "?";
    return names[kind];
}

static const char *op_name(int op)
{
    static const char *const names[] = {
        [OPR_NONE] = "?", [OPR_OR] = "or",  [OPR_AND] = "and", [OPR_NOT] = "not",
        [OPR_EQ] = "==",  [OPR_NE] = "!=",  [OPR_LT] = "<",    [OPR_LE] = "<=",
        [OPR_GT] = ">",   [OPR_GE] = ">=",  [OPR_ADD] = "+",   [OPR_SUB] = "-",
        [OPR_MUL] = "*",  [OPR_DIV] = "/",  [OPR_MOD] = "%",   [OPR_NEG] = "neg",
    };
    if (op < 0 || op > OPR_NEG)
        return "?";
    return names[op];
}

static const char *quant_name(int q)
{
    static const char *const names[] = {"exists", "all", "count", "newest", "oldest", "sum", "avg"};
    return q >= 0 && q <= Q_AVG ? names[q] : "?";
}

static void dump_text(const char *p, uint32_t n, FILE *out)
{
    uint32_t i;
    fputc('"', out);
    for (i = 0; p && i < n; i++) {
        unsigned char c = (unsigned char)p[i];
        switch (c) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\t': fputs("\\t", out); break;
        default:
            if (c < 0x20 || c == 0x7F)
                fprintf(out, "\\x%02x", c);
            else
                fputc(c, out);
        }
    }
    fputc('"', out);
}

static void dump_name(ast_name nm, FILE *out)
{
    fprintf(out, "%.*s", (int)nm.len, nm.p ? nm.p : "");
}

static void dump_list(const ast_node *n, FILE *out)
{
    for (; n; n = n->next) {
        fputc(' ', out);
        ast_dump(n, out);
    }
}

/* " (tag X)" when x is not NULL. */
static void dump_opt(const char *tag, const ast_node *x, FILE *out)
{
    if (!x)
        return;
    fprintf(out, " (%s ", tag);
    ast_dump(x, out);
    fputc(')', out);
}

void ast_dump(const ast_node *n, FILE *out)
{
    const ast_node *p;
    if (!n) {
        fputs("nil", out);
        return;
    }
    switch (n->kind) {
    case AST_PACK:
        fputs("(pack ", out);
        dump_text(n->u.s.text, n->u.s.n, out);
        fputc(' ', out);
        dump_text(n->u.s.text2, n->u.s.n2, out);
        fputc(')', out);
        break;
    case AST_IMPORT:
        fputs("(import ", out);
        dump_text(n->u.s.text, n->u.s.n, out);
        fputc(')', out);
        break;
    case AST_FACT:
        fputs("(fact ", out);
        dump_name(n->u.fact.name, out);
        if (n->u.fact.key) {
            fputs(" (key", out);
            dump_list(n->u.fact.key, out);
            fputc(')', out);
        }
        if (n->u.fact.dated) {
            fputs(" (dated", out);
            dump_list(n->u.fact.dated, out);
            fputc(')', out);
        }
        dump_list(n->u.fact.fields, out);
        fputc(')', out);
        break;
    case AST_FIELD:
        fputc('(', out);
        dump_name(n->u.field.name, out);
        fputc(' ', out);
        ast_dump(n->u.field.type, out);
        fputc(')', out);
        break;
    case AST_TYPE:
        if (n->u.type.members) {
            fputs("(enum", out);
            dump_list(n->u.type.members, out);
            fputc(')', out);
        } else {
            dump_name(n->u.type.name, out);
        }
        if (n->u.type.optional)
            fputc('?', out);
        break;
    case AST_RULE:
        fputs("(rule ", out);
        dump_name(n->u.rule.id, out);
        fputc(' ', out);
        ast_dump(n->u.rule.title, out);
        if (n->u.rule.severity.p) {
            fputs(" (severity ", out);
            dump_name(n->u.rule.severity, out);
            fputc(')', out);
        }
        dump_list(n->u.rule.fors, out);
        dump_opt("require", n->u.rule.require, out);
        dump_opt("subject", n->u.rule.subject, out);
        dump_opt("else", n->u.rule.message, out);
        fputc(')', out);
        break;
    case AST_FOR:
        fputs("(for ", out);
        dump_name(n->u.loop.var, out);
        fputc(' ', out);
        ast_dump(n->u.loop.source, out);
        dump_opt("where", n->u.loop.where, out);
        fputc(')', out);
        break;
    case AST_INT:
        fprintf(out, "%" PRId64, n->u.lit.i);
        break;
    case AST_DATE:
        fprintf(out, "(date %" PRId64 ")", n->u.lit.i);
        break;
    case AST_DUR:
        fprintf(out, "(dur %" PRId64 ")", n->u.lit.i);
        break;
    case AST_BOOL:
        fputs(n->u.lit.i ? "true" : "false", out);
        break;
    case AST_NONE:
        fputs("none", out);
        break;
    case AST_STRING:
        dump_text(n->u.s.text, n->u.s.n, out);
        break;
    case AST_INTERP:
        fputs("(interp", out);
        dump_list(n->u.list.first, out);
        fputc(')', out);
        break;
    case AST_TODAY:
        fputs("today", out);
        break;
    case AST_PERIOD:
        fputs("period", out);
        break;
    case AST_IDENT:
        dump_name(n->u.name, out);
        break;
    case AST_MEMBER:
        fputs("(. ", out);
        ast_dump(n->u.member.obj, out);
        fputc(' ', out);
        dump_name(n->u.member.field, out);
        fputc(')', out);
        break;
    case AST_CALL:
        fputs("(call ", out);
        dump_name(n->u.call.name, out);
        dump_list(n->u.call.args, out);
        fputc(')', out);
        break;
    case AST_UNARY:
        fprintf(out, "(%s ", op_name(n->op));
        ast_dump(n->u.unary.operand, out);
        fputc(')', out);
        break;
    case AST_BINARY:
    case AST_RANGE:
        fprintf(out, "(%s ", n->kind == AST_RANGE ? ".." : op_name(n->op));
        ast_dump(n->u.binary.lhs, out);
        fputc(' ', out);
        ast_dump(n->u.binary.rhs, out);
        fputc(')', out);
        break;
    case AST_IN:
        fputs("(in ", out);
        ast_dump(n->u.in.lhs, out);
        fputs(" (", out);
        for (p = n->u.in.items; p; p = p->next) {
            ast_dump(p, out);
            if (p->next)
                fputc(' ', out);
        }
        fputs("))", out);
        break;
    case AST_QUANT:
        fprintf(out, "(%s ", quant_name(n->op));
        if (n->op == Q_NEWEST || n->op == Q_OLDEST || n->op == Q_SUM || n->op == Q_AVG) {
            ast_dump(n->u.quant.body, out);
            fputc(' ', out);
        }
        dump_name(n->u.quant.var, out);
        fputc(' ', out);
        dump_name(n->u.quant.table, out);
        dump_opt("where", n->u.quant.where, out);
        if (n->op == Q_ALL)
            dump_opt("satisfies", n->u.quant.body, out);
        fputc(')', out);
        break;
    default:
        fprintf(out, "(%s)", ast_kind_name(n->kind));
        break;
    }
}
