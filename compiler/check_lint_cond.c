/*
 * check_lint_cond.c: what `vouch lint` learns by reasoning over conditions.
 *
 * A small abstract domain per conjunction. Each conjunct that compares an
 * operand (any expression that is not a constant: `a.status`,
 * `count r in risk ...`) with a constant becomes an atom: equal to, not
 * equal to, within a bound, one of a list, none, present. The atoms of one
 * conjunction are folded per operand into what the operand may still be
 * (one value, excluded values, an integral range [lo, hi], a set, none or
 * present); an atom that leaves nothing is a contradiction:
 *
 *   status == active and status == retired     two different values
 *   d >= 2026-12-01 and d <= 2026-01-01        an empty (date) window
 *   x == none and x > 3                        absent and present
 *
 * A disjunction always holds when the negations of its disjuncts cannot
 * all hold (`x == none or x != none`; `n < 5 or n >= 5` for an n that is
 * never none). A comparison of an expression with itself is constant.
 *
 * What the facts say, and why it is sound:
 *   - a condition is reached only where everything that short-circuits
 *     before it held: a rule's `require` under its loops' `where`s (and
 *     scopes), a quantifier's `where` under its context, its body under
 *     both, the right of `and` under the left, the right of `or` under the
 *     left's negation, `then`/`else` under the test or its negation;
 *   - negation is exact or nothing: `not (x == v)` is `x != v` (== treats
 *     none as a value), but `not (x < v)` holds for a none x, so it gives
 *     an atom only when x is never none;
 *   - dates, durations and ints are all whole numbers (days), so a strict
 *     bound is the non-strict bound one step in; `today + k` is kept on
 *     its own scale, compared only with other `today + k`.
 * Unknown shapes (calls, arithmetic, two operands) give no atom, so the
 * worst a missed shape costs is a missed warning, never a false one.
 */
#include <stdlib.h>
#include "check_int.h"

/* ---- constants ---------------------------------------------------------- */

enum { LV_NUM = 1, LV_TEXT, LV_BOOL, LV_NONE };

typedef struct lval {
    int kind;
    int base;                /* LV_NUM: 0 absolute, 1 `today` + i days, 2 `today`
                              * moved by i calendar months (monotonic in i, so
                              * ordered among themselves, not against days) */
    int64_t i;
    const char *s;           /* LV_TEXT */
    uint32_t n;
} lval;

/* Is n a constant, and which? today +/- a day duration counts (base 1),
 * today +/- calendar months too (base 2). */
static int const_of(const ast_node *n, lval *v)
{
    memset(v, 0, sizeof *v);
    switch (n->kind) {
    case AST_INT: case AST_DATE: case AST_DUR:
        v->kind = LV_NUM, v->i = n->u.lit.i;
        return 1;
    case AST_BOOL:
        v->kind = LV_BOOL, v->i = n->u.lit.i;
        return 1;
    case AST_NONE:
        v->kind = LV_NONE;
        return 1;
    case AST_STRING:
        v->kind = LV_TEXT, v->s = n->u.s.text, v->n = n->u.s.n;
        return 1;
    case AST_IDENT:
        if (n->slot != -2)
            return 0;
        v->kind = LV_TEXT, v->s = n->u.name.p, v->n = n->u.name.len;
        return 1;
    case AST_TODAY:
        v->kind = LV_NUM, v->base = 1;
        return 1;
    case AST_UNARY:
        if (n->op == OPR_NEG && const_of(n->u.unary.operand, v) && v->kind == LV_NUM && v->base == 0) {
            v->i = -v->i;
            return 1;
        }
        return 0;
    case AST_BINARY: {
        lval a, b;
        if ((n->op == OPR_ADD || n->op == OPR_SUB) && n->u.binary.rhs->kind == AST_MONTHS &&
            const_of(n->u.binary.lhs, &a) && a.kind == LV_NUM &&
            ((a.base == 1 && a.i == 0) || a.base == 2)) {
            *v = a;
            v->base = 2;
            v->i = n->op == OPR_ADD ? a.i + n->u.binary.rhs->u.lit.i : a.i - n->u.binary.rhs->u.lit.i;
            return 1;
        }
        if ((n->op != OPR_ADD && n->op != OPR_SUB) || n->u.binary.rhs->kind != AST_DUR ||
            !const_of(n->u.binary.lhs, &a) || !const_of(n->u.binary.rhs, &b) || a.kind != LV_NUM)
            return 0;
        *v = a;
        v->i = n->op == OPR_ADD ? a.i + b.i : a.i - b.i;
        return 1;
    }
    default:
        return 0;
    }
}

static int lval_same(const lval *a, const lval *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == LV_TEXT)
        return a->n == b->n && memcmp(a->s, b->s, a->n) == 0;
    return a->base == b->base && a->i == b->i;
}

/* ---- structural equality -------------------------------------------------- */

static int same_list(const ast_node *a, const ast_node *b);

/* Do a and b denote the same value in every run? Only the shapes that read
 * no hidden state; anything else is "different", which only costs a missed
 * warning. */
static int same_expr(const ast_node *a, const ast_node *b)
{
    if (!a || !b)
        return a == b;
    if (a->kind != b->kind || a->op != b->op)
        return 0;
    switch (a->kind) {
    case AST_INT: case AST_DATE: case AST_DUR: case AST_BOOL: case AST_MONTHS:
        return a->u.lit.i == b->u.lit.i;
    case AST_NONE: case AST_TODAY: case AST_PERIOD:
        return 1;
    case AST_STRING:
        return a->u.s.n == b->u.s.n && memcmp(a->u.s.text, b->u.s.text, a->u.s.n) == 0;
    case AST_IDENT:
        return a->slot == b->slot && check_names_equal(a->u.name, b->u.name);
    case AST_MEMBER:
        return check_names_equal(a->u.member.field, b->u.member.field) && same_expr(a->u.member.obj, b->u.member.obj);
    case AST_CALL:
        return check_names_equal(a->u.call.name, b->u.call.name) && same_list(a->u.call.args, b->u.call.args);
    case AST_UNARY:
        return same_expr(a->u.unary.operand, b->u.unary.operand);
    case AST_BINARY:
        return same_expr(a->u.binary.lhs, b->u.binary.lhs) && same_expr(a->u.binary.rhs, b->u.binary.rhs);
    default:
        return 0; /* quantifiers bind fresh variables: never the same */
    }
}

static int same_list(const ast_node *a, const ast_node *b)
{
    for (; a && b; a = a->next, b = b->next)
        if (!same_expr(a, b))
            return 0;
    return !a && !b;
}

/* ---- atoms ------------------------------------------------------------------ */

enum { A_EQ, A_NE, A_GE, A_LE, A_IN, A_NONE, A_PRESENT };

typedef struct atom {
    int kind;
    const ast_node *x;       /* the operand */
    lval v;                  /* A_EQ, A_NE, A_GE, A_LE */
    const ast_node *items;   /* A_IN: the list of constants */
    const ast_node *at;      /* the conjunct it came from, for messages */
} atom;

/* The facts are a stack: a condition pushes its atoms, and whoever walks
 * into a part that only holds there (a branch, a disjunct, a quantifier)
 * pops back to the mark it took, so nothing is copied. */
typedef VEC(atom) atoms;

typedef struct lint_cx {
    compiler *c;
    VEC(uint64_t) reported;  /* (src index, off) of warnings given, so a
                              * scope cloned into several rules warns once */
} lint_cx;

/* what: which warning (1 contradiction, 2 tautology, 3 self-comparison,
 * 4 empty range), so two different ones at one place both show. */
static int first_report(lint_cx *L, const ast_node *at, int what)
{
    uint64_t k = ((uint64_t)(at->src ? at->src->index : 0) << 35) | ((uint64_t)what << 32) | at->off;
    for (uint32_t i = 0; i < L->reported.n; i++)
        if (L->reported.v[i] == k)
            return 0;
    VEC_PUSH(L->c->a, L->reported, k);
    return 1;
}

/* Is n the pack author's to fix here? Not in a standard pack, and not in
 * the appetite: its clauses are expanded into every rule that reads
 * `r.band` or `r.tolerated` as `if score <= 4 then ... else if ...`, whose
 * later tests are unreachable by design under the earlier ones. */
static int user_node(const lint_cx *L, const ast_node *n)
{
    const ast_node *ap = L->c->appetite.decl;
    if (ap && n->src == ap->src && n->off >= ap->off && n->off < ap->off + ap->len)
        return 0;
    return n->src && n->src->index >= L->c->nstd;
}

/* The source text of a node for a hint: its first line, at most 60 bytes
 * (cut at a character boundary), so the hint stays one line. */
static const char *text_of(lint_cx *L, const ast_node *n)
{
    const char *p = n->src->text + n->off;
    uint32_t len = 0;
    while (len < n->len && p[len] != '\n' && p[len] != '\r')
        len++;
    int cut = len < n->len;
    if (len > 60) {
        len = 57;
        while (len && ((unsigned char)p[len] & 0xC0) == 0x80)
            len--;
        cut = 1;
    }
    while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
        len--;
    return arena_printf(L->c->a, "%.*s%s", (int)len, p, cut ? "..." : "");
}

static int is_cmp(int op) { return op >= OPR_EQ && op <= OPR_GE; }

static int flip_op(int op) /* x op v  <=>  v flip(op) x */
{
    switch (op) {
    case OPR_LT: return OPR_GT;
    case OPR_LE: return OPR_GE;
    case OPR_GT: return OPR_LT;
    case OPR_GE: return OPR_LE;
    default: return op;
    }
}

static int negate_op(int op)
{
    switch (op) {
    case OPR_EQ: return OPR_NE;
    case OPR_NE: return OPR_EQ;
    case OPR_LT: return OPR_GE;
    case OPR_LE: return OPR_GT;
    case OPR_GT: return OPR_LE;
    default: return OPR_LT;
    }
}

static int push(lint_cx *L, atoms *s, atom a) { return VEC_PUSH(L->c->a, *s, a); }

/* Adds the atoms conjunct n implies (negated: those its negation implies)
 * to s. Unknown shapes add nothing. */
static void collect(lint_cx *L, const ast_node *n, int neg, atoms *s)
{
    if (n->kind == AST_BINARY && ((n->op == OPR_AND && !neg) || (n->op == OPR_OR && neg))) {
        collect(L, n->u.binary.lhs, neg, s);
        collect(L, n->u.binary.rhs, neg, s);
        return;
    }
    if (n->kind == AST_UNARY && n->op == OPR_NOT) {
        collect(L, n->u.unary.operand, !neg, s);
        return;
    }
    atom a;
    memset(&a, 0, sizeof a);
    a.at = n;
    lval v;
    if (n->kind == AST_BINARY && is_cmp(n->op)) {
        const ast_node *x = n->u.binary.lhs;
        int op = n->op;
        if (!const_of(n->u.binary.rhs, &v)) {
            if (!const_of(n->u.binary.lhs, &v))
                return;
            x = n->u.binary.rhs;
            op = flip_op(op);
        } else if (const_of(x, &a.v)) {
            return; /* two constants */
        }
        if (neg) {
            /* `not (x < v)` also holds for a none x: no atom then */
            if (op != OPR_EQ && op != OPR_NE && x->type.optional)
                return;
            op = negate_op(op);
        }
        a.x = x;
        if (v.kind == LV_NONE) {
            if (op == OPR_EQ || op == OPR_NE) {
                a.kind = op == OPR_EQ ? A_NONE : A_PRESENT;
                push(L, s, a);
            }
            return;
        }
        a.v = v;
        switch (op) {
        case OPR_EQ: a.kind = A_EQ; break;
        case OPR_NE: a.kind = A_NE; break;
        case OPR_GE: case OPR_GT: a.kind = A_GE; break;
        default: a.kind = A_LE; break;
        }
        if (op != OPR_EQ && op != OPR_NE && v.kind != LV_NUM)
            return; /* text order: not modelled */
        if (op == OPR_GT)
            a.v.i++;
        if (op == OPR_LT)
            a.v.i--;
        push(L, s, a);
        return;
    }
    if (n->kind == AST_IN && n->op == 0) {
        for (const ast_node *it = n->u.in.items; it; it = it->next)
            if (!const_of(it, &v) || v.kind == LV_NONE)
                return;
        a.x = n->u.in.lhs;
        if (!neg) {
            a.kind = A_IN;
            a.items = n->u.in.items;
            push(L, s, a);
        } else {
            a.kind = A_NE;
            for (const ast_node *it = n->u.in.items; it; it = it->next) {
                const_of(it, &a.v);
                push(L, s, a);
            }
        }
        return;
    }
    if (n->kind == AST_IN && n->op == 1 && !neg && n->u.in.items && n->u.in.items->kind == AST_RANGE) {
        const ast_node *r = n->u.in.items;
        lval lo, hi;
        if (!const_of(r->u.binary.lhs, &lo) || !const_of(r->u.binary.rhs, &hi))
            return;
        a.x = n->u.in.lhs;
        a.kind = A_GE, a.v = lo;
        push(L, s, a);
        a.kind = A_LE, a.v = hi;
        push(L, s, a);
        return;
    }
    /* a bare bool operand: `s.applicable`, `not s.applicable` */
    if (n->type.kind == TY_BOOL && !const_of(n, &v) &&
        (n->kind == AST_MEMBER || (n->kind == AST_IDENT && n->slot >= 0))) {
        if (neg && n->type.optional)
            return; /* `not x` of a none x: not modelled */
        a.x = n;
        a.kind = A_EQ;
        a.v.kind = LV_BOOL, a.v.i = !neg;
        push(L, s, a);
    }
}

/* ---- folding one operand's atoms --------------------------------------------- */

/* What an operand may still be. */
typedef struct dom {
    const atom *eq, *none, *present, *lo[3], *hi[3], *in;   /* lo, hi: per lval base */
    int64_t lov[3], hiv[3];
} dom;

static int in_items(const ast_node *items, const lval *v)
{
    lval w;
    for (const ast_node *it = items; it; it = it->next)
        if (const_of(it, &w) && lval_same(&w, v))
            return 1;
    return 0;
}

static int excluded(const atoms *s, uint32_t upto, const ast_node *x, const lval *v)
{
    for (uint32_t i = 0; i < upto; i++)
        if (s->v[i].kind == A_NE && same_expr(s->v[i].x, x) && lval_same(&s->v[i].v, v))
            return 1;
    return 0;
}

/* Does v fit what d allows (range, set)? NULL, or the atom that excludes it. */
static const atom *dom_refuses(const dom *d, const lval *v)
{
    if (v->kind == LV_NUM) {
        if (d->lo[v->base] && v->i < d->lov[v->base])
            return d->lo[v->base];
        if (d->hi[v->base] && v->i > d->hiv[v->base])
            return d->hi[v->base];
    }
    if (d->in && !in_items(d->in->items, v))
        return d->in;
    return NULL;
}

/* Folds atom k of s into the domain of its operand built from atoms
 * 0..k-1. Returns NULL, or an earlier atom it contradicts (k itself when
 * it contradicts the operand's type, e.g. every enum member excluded). */
static const atom *contradiction(lint_cx *L, const atoms *s, uint32_t k)
{
    const atom *a = &s->v[k];
    dom d;
    memset(&d, 0, sizeof d);
    for (uint32_t i = 0; i < k; i++) {
        const atom *b = &s->v[i];
        if (!same_expr(b->x, a->x))
            continue;
        switch (b->kind) {
        case A_EQ: d.eq = b; break;
        case A_NONE: d.none = b; break;
        case A_PRESENT: d.present = b; break;
        case A_GE:
            if (!d.lo[b->v.base] || b->v.i > d.lov[b->v.base])
                d.lo[b->v.base] = b, d.lov[b->v.base] = b->v.i;
            break;
        case A_LE:
            if (!d.hi[b->v.base] || b->v.i < d.hiv[b->v.base])
                d.hi[b->v.base] = b, d.hiv[b->v.base] = b->v.i;
            break;
        case A_IN: d.in = b; break;
        default: break;
        }
        if (b->kind != A_NONE && b->kind != A_NE && !d.present)
            d.present = b; /* a value, a bound or a set: not none */
    }
    const atom *r;
    switch (a->kind) {
    case A_NONE:
        return d.present;
    case A_PRESENT:
        return d.none;
    case A_EQ:
        if (d.none)
            return d.none;
        if (d.eq && !lval_same(&d.eq->v, &a->v))
            return d.eq;
        if (excluded(s, k, a->x, &a->v)) {
            for (uint32_t i = 0; i < k; i++)
                if (s->v[i].kind == A_NE && same_expr(s->v[i].x, a->x) && lval_same(&s->v[i].v, &a->v))
                    return &s->v[i];
        }
        return dom_refuses(&d, &a->v);
    case A_NE:
        if (d.eq && lval_same(&d.eq->v, &a->v))
            return d.eq;
        if (d.in) { /* every member of the set excluded? */
            lval w;
            for (const ast_node *it = d.in->items; it; it = it->next)
                if (const_of(it, &w) && !lval_same(&w, &a->v) && !excluded(s, k, a->x, &w))
                    return NULL;
            return d.in;
        }
        if (a->x->type.kind == TY_ENUM && a->x->type.id >= 0 && (uint32_t)a->x->type.id < L->c->enums.n) {
            const enum_info *e = &L->c->enums.v[a->x->type.id];
            for (uint32_t m = 0; m < e->n; m++) {
                lval w = {LV_TEXT, 0, 0, e->members[m], (uint32_t)strlen(e->members[m])};
                if (!lval_same(&w, &a->v) && !excluded(s, k, a->x, &w))
                    return NULL;
            }
            return a->x->type.optional ? NULL : a;
        }
        if (a->v.kind == LV_BOOL && a->x->type.kind == TY_BOOL && !a->x->type.optional) {
            lval w = {LV_BOOL, 0, !a->v.i, NULL, 0};
            if (excluded(s, k, a->x, &w))
                return a;
        }
        return NULL;
    case A_GE: case A_LE: {
        if (d.none)
            return d.none;
        int b = a->v.base;
        int64_t lo = a->kind == A_GE ? a->v.i : d.lov[b], hi = a->kind == A_LE ? a->v.i : d.hiv[b];
        const atom *other = a->kind == A_GE ? d.hi[b] : d.lo[b];
        if (other && lo > hi)
            return other;
        if (d.eq && d.eq->v.kind == LV_NUM && d.eq->v.base == b &&
            (a->kind == A_GE ? d.eq->v.i < a->v.i : d.eq->v.i > a->v.i))
            return d.eq;
        return NULL;
    }
    case A_IN: {
        lval w;
        int any = 0;
        for (const ast_node *it = a->items; it; it = it->next) {
            if (!const_of(it, &w))
                return NULL;
            if ((!d.eq || lval_same(&d.eq->v, &w)) && !excluded(s, k, a->x, &w) && !dom_refuses(&d, &w))
                any = 1;
        }
        if (any)
            return NULL;
        if ((r = d.eq) || (r = d.in) || (r = d.lo[0]) || (r = d.hi[0]))
            return r;
        for (uint32_t i = 0; i < k; i++)
            if (s->v[i].kind == A_NE && same_expr(s->v[i].x, a->x))
                return &s->v[i];
        return d.none;
    }
    default:
        return NULL;
    }
}

/* The first atom from `from` on that contradicts the atoms before it. */
static int first_conflict(lint_cx *L, const atoms *s, uint32_t from, uint32_t *k, const atom **with)
{
    for (uint32_t i = from; i < s->n; i++) {
        const atom *w = contradiction(L, s, i);
        if (w) {
            *k = i;
            *with = w;
            return 1;
        }
    }
    return 0;
}

/* ---- the walk ------------------------------------------------------------------ */

/* walk leaves ctx as it found it; walk_cond pushes n's atoms onto it and
 * returns 0 if they contradict it. */
static void walk(lint_cx *L, const ast_node *n, atoms *ctx);
static int walk_cond(lint_cx *L, const ast_node *n, atoms *ctx);

static int is_bound(const atom *a) { return a->kind == A_GE || a->kind == A_LE; }

/* Adds conjunct n's atoms to ctx and reports when they cannot hold with
 * what ctx already says. Returns 0 if the conjunction is contradictory
 * (so what it guards is not analysed further). */
static int assume(lint_cx *L, const ast_node *n, int neg, atoms *ctx)
{
    uint32_t from = ctx->n;
    collect(L, n, neg, ctx);
    uint32_t k;
    const atom *w;
    if (!first_conflict(L, ctx, from, &k, &w))
        return 1;
    const atom *a = &ctx->v[k];
    if (!user_node(L, a->at) || !first_report(L, a->at, 1))
        return 0;
    if (w == a) {
        diag_warning(L->c->d, a->at->src, a->at->off, a->at->len,
                     arena_printf(L->c->a, "it excludes every value `%s` can take", text_of(L, a->x)),
                     "this condition can never hold");
    } else if (is_bound(a) && is_bound(w) && a->x->type.kind == TY_DATE) {
        /* `d in A..B` is checked as `d >= A and d <= B`, both at its span */
        int one = w->at->off == a->at->off && w->at->len == a->at->len;
        diag_warning(L->c->d, a->at->src, a->at->off, a->at->len,
                     one ? "it starts after it ends; write the earlier date first"
                         : arena_printf(L->c->a, "with `%s`, no date is left", text_of(L, w->at)),
                     "empty date window: this condition can never hold");
    } else {
        uint32_t line, col;
        source_position(w->at->src, w->at->off, &line, &col);
        const char *where = w->at->src == a->at->src
                                ? arena_printf(L->c->a, "line %u", line)
                                : arena_printf(L->c->a, "%s:%u", w->at->src->name, line);
        diag_warning(L->c->d, a->at->src, a->at->off, a->at->len,
                     arena_printf(L->c->a, "it contradicts `%s` (%s)", text_of(L, w->at), where),
                     "this condition can never hold");
    }
    return 0;
}

typedef VEC(const ast_node *) nodes;

/* Flattens an or-chain into its disjuncts. */
static void disjuncts(lint_cx *L, const ast_node *n, nodes *out)
{
    if (n->kind == AST_BINARY && n->op == OPR_OR) {
        disjuncts(L, n->u.binary.lhs, out);
        disjuncts(L, n->u.binary.rhs, out);
    } else {
        VEC_PUSH(L->c->a, *out, n);
    }
}

/* An or-chain: does it always hold (its disjuncts' negations cannot all
 * hold)? Then each disjunct under the negation of those before it. */
static void walk_or(lint_cx *L, const ast_node *n, atoms *ctx)
{
    nodes ds = {0};
    disjuncts(L, n, &ds);
    atoms s = {0};
    uint32_t k;
    const atom *w;
    for (uint32_t i = 0; i < ds.n; i++)
        collect(L, ds.v[i], 1, &s);
    if (first_conflict(L, &s, 0, &k, &w) && user_node(L, n) && first_report(L, n, 2)) {
        const char *hint = w == &s.v[k]
                               ? arena_printf(L->c->a, "it names every value `%s` can take", text_of(L, w->x))
                               : arena_printf(L->c->a, "`%s` and `%s` leave no case out", text_of(L, w->at),
                                              text_of(L, s.v[k].at));
        diag_warning(L->c->d, n->src, n->off, n->len, hint, "this condition always holds");
        return;
    }
    uint32_t mark = ctx->n;
    for (uint32_t i = 0; i < ds.n; i++) {
        uint32_t here = ctx->n;
        walk_cond(L, ds.v[i], ctx);
        ctx->n = here;
        collect(L, ds.v[i], 1, ctx);
    }
    ctx->n = mark;
}

/* An and-chain (or any condition): its atoms under ctx, then what they
 * guard. After a contradiction the rest of the chain is unreachable and
 * not looked at (one warning, not a cascade). */
static int walk_cond(lint_cx *L, const ast_node *n, atoms *ctx)
{
    if (n->kind == AST_BINARY && n->op == OPR_AND)
        return walk_cond(L, n->u.binary.lhs, ctx) && walk_cond(L, n->u.binary.rhs, ctx);
    walk(L, n, ctx);
    return assume(L, n, 0, ctx);
}

static void walk_self_compare(lint_cx *L, const ast_node *n)
{
    if (!same_expr(n->u.binary.lhs, n->u.binary.rhs) || !user_node(L, n) || !first_report(L, n, 3))
        return;
    lval v;
    if (const_of(n->u.binary.lhs, &v))
        return; /* `1 == 1`: a constant comparison, said plainly below */
    int always = n->op == OPR_EQ || n->op == OPR_LE || n->op == OPR_GE;
    const char *none_note = n->op != OPR_EQ && n->op != OPR_NE && n->u.binary.lhs->type.optional && always
                                ? " (false only where it is none)" : "";
    diag_warning(L->c->d, n->src, n->off, n->len,
                 arena_printf(L->c->a, "did you mean to compare `%s` with another row's field?",
                              text_of(L, n->u.binary.lhs)),
                 "this compares an expression with itself: it is always %s%s", always ? "true" : "false", none_note);
}

static void walk_range(lint_cx *L, const ast_node *n)
{
    lval lo, hi;
    if (!const_of(n->u.binary.lhs, &lo) || !const_of(n->u.binary.rhs, &hi) || lo.kind != LV_NUM ||
        lo.base != hi.base || lo.i <= hi.i || !user_node(L, n) || !first_report(L, n, 4))
        return;
    diag_warning(L->c->d, n->src, n->off, n->len, "write the earlier date first",
                 "empty date window: it starts after it ends");
}

/* A value under ctx: a condition (an `if` branch, `all ... satisfies P`)
 * adds its atoms, anything else is only searched. */
static void branch(lint_cx *L, const ast_node *n, atoms *ctx)
{
    uint32_t mark = ctx->n;
    if (n->type.kind == TY_BOOL)
        walk_cond(L, n, ctx);
    else
        walk(L, n, ctx);
    ctx->n = mark;
}

/* Every condition in expression n, under the facts ctx. */
static void walk(lint_cx *L, const ast_node *n, atoms *ctx)
{
    if (!n)
        return;
    switch (n->kind) {
    case AST_BINARY:
        if (n->op == OPR_AND) {
            uint32_t mark = ctx->n;
            walk_cond(L, n, ctx);
            ctx->n = mark;
        } else if (n->op == OPR_OR) {
            walk_or(L, n, ctx);
        } else {
            if (is_cmp(n->op))
                walk_self_compare(L, n);
            walk(L, n->u.binary.lhs, ctx);
            walk(L, n->u.binary.rhs, ctx);
        }
        return;
    case AST_RANGE:
        walk_range(L, n);
        return;
    case AST_UNARY:
        walk(L, n->u.unary.operand, ctx);
        return;
    case AST_MEMBER:
        walk(L, n->u.member.obj, ctx);
        return;
    case AST_IN:
        walk(L, n->u.in.lhs, ctx);
        for (const ast_node *it = n->u.in.items; it; it = it->next)
            walk(L, it, ctx);
        return;
    case AST_CALL:
        for (const ast_node *a = n->u.call.args; a; a = a->next)
            walk(L, a, ctx);
        return;
    case AST_INTERP:
        for (const ast_node *p = n->u.list.first; p; p = p->next)
            walk(L, p, ctx);
        return;
    case AST_COND: {
        walk(L, n->u.cond.test, ctx);
        uint32_t mark = ctx->n;
        if (assume(L, n->u.cond.test, 0, ctx))
            branch(L, n->u.cond.then, ctx);
        ctx->n = mark;
        collect(L, n->u.cond.test, 1, ctx);
        branch(L, n->u.cond.otherwise, ctx);
        ctx->n = mark;
        return;
    }
    case AST_QUANT: {
        uint32_t mark = ctx->n;
        if ((!n->u.quant.where || walk_cond(L, n->u.quant.where, ctx)) && n->u.quant.body)
            branch(L, n->u.quant.body, ctx);
        ctx->n = mark;
        return;
    }
    default:
        return;
    }
}

/* One rule: each loop's scope and `where` under the loops before it, then
 * `require` (and the subject and message) under them all. */
static void rule_conditions(lint_cx *L, ast_node *r, const rule_extra *x)
{
    atoms ctx = {0};
    for (ast_node *f = r->u.rule.fors; f; f = f->next) {
        walk(L, f->u.loop.source, &ctx);
        const ast_node *conds[3] = {f == r->u.rule.fors ? x->scope_test : NULL, f->u.loop.scope_where,
                                    f->u.loop.where};
        for (int i = 0; i < 3; i++)
            if (conds[i] && !walk_cond(L, conds[i], &ctx))
                return; /* reported; what it guards is unreachable */
    }
    if (!r->u.rule.require)
        return;
    uint32_t mark = ctx.n;
    walk_cond(L, r->u.rule.require, &ctx);
    ctx.n = mark;
    walk(L, r->u.rule.subject, &ctx);
    walk(L, r->u.rule.message, &ctx);
}

void check_lint_conditions(compiler *c)
{
    lint_cx L;
    memset(&L, 0, sizeof L);
    L.c = c;
    for (uint32_t i = 0; i < c->rules.n; i++)
        if (user_node(&L, c->rules.v[i]))
            rule_conditions(&L, c->rules.v[i], &c->extra.v[i]);
}
