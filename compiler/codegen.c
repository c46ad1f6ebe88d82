/*
 * codegen.c: checked AST -> plans + bytecode (runtime/program/program.h).
 *
 * One pass over each rule. Loops and quantifiers become a plan (how the
 * store reads the table, see plan.c) and a cursor loop over it:
 *
 *     <term values>  SEEK p            the store applies the terms
 *   L: NEXT p, End                     next row or leave
 *     <residual>     JUMP_FALSE L      what the store could not apply
 *     <body>
 *     JUMP L
 *   End:
 *
 * `exists` leaves the loop at the first row that passes the residual (and
 * with no residual the plan itself is PLAN_EXISTS: the store stops at one
 * row); `count`, `newest` and `oldest` with no residual are answered by the
 * store's aggregates. Each innermost iteration of a rule's `for` loops
 * computes the subject, evaluates `require`, and records PASS or FINDING.
 *
 * The code is a stack machine's: every expression leaves exactly one value,
 * every statement leaves the stack as it found it, which is what the
 * verifier checks again before the VM runs anything.
 *
 * An explain program (compiler.explain) is the same code with a TRACE after
 * each condition, quantifier and non-literal operand of the rule's
 * `require`, its loops' residual conditions and its scope test; each TRACE
 * names a trace point (the expression's text and position, its enclosing
 * point, a quantifier's plan). TRACE leaves the stack alone, so outcomes
 * do not change; only two plan choices differ, both to make rows visible:
 * a plain `exists` reads rows (PLAN_ROWS, leaving at the first) instead of
 * asking PLAN_EXISTS, and every PLAN_ROWS plan also reads its table's key.
 */
#include <string.h>
#include "compiler.h"
#include "builtins.h"

typedef struct gen_plan {
    vouch_plan p;
    VEC(vouch_plan_term) terms;
    VEC(uint32_t) cols;
    VEC(uint32_t) filter;
} gen_plan;

typedef struct gen {
    compiler *c;
    VEC(uint32_t) code;
    VEC(vouch_value) consts;
    uint32_t *const_slots;   /* open-addressing table of const indices + 1 */
    uint32_t const_cap;
    VEC(gen_plan) plans;
    uint32_t rule;           /* index of the rule being generated */
    uint32_t nlocals, maxlocals;
    int failed;
    /* explain programs only */
    int explain;
    int tracing;             /* 1: the code being generated is explained */
    int operand;             /* 1: the next expression is an operand worth showing */
    int32_t cur_point;       /* the point enclosing the code being generated, or -1 */
    int32_t quant_point;     /* the point gen_expr made for the quantifier it generates, or -1 */
    int chain_op;            /* OPR_AND/OPR_OR: cur_point is such a chain (its links share it) */
    VEC(vouch_trace_point) points;
    /* source positions (program.h): the node whose code is being emitted
     * and where the subject is meanwhile; emit() records a change */
    const ast_node *pos_node;
    uint8_t subj;            /* vouch_subject_at */
    const ast_node *last_node;
    uint8_t last_subj;
    const vouch_source *line_src;  /* the source line_hint is a line of */
    uint32_t line_hint;            /* source_position_near's hint */
    VEC(vouch_position) positions;
    /* evidence freshness (gen_outcome): fresh is 1 while the fresh pass of
     * a require is generated (quantifiers leave out rows past their
     * freshness, noting the newest in the locals fresh_loc[0..3]: date,
     * key, kind, ttl); fresh_seen says a quantifier read the evidence */
    int fresh, fresh_seen;
    uint32_t fresh_loc[4];
} gen;

/* ---- emission -------------------------------------------------------- */

static uint32_t pc(gen *g) { return g->code.n; }

static void word(gen *g, uint32_t w)
{
    if (!VEC_PUSH(g->c->a, g->code, w))
        g->failed = 1;
}

/* Records the position of the instruction about to start at pc `at`,
 * if it differs from the last one recorded. */
static void mark(gen *g, uint32_t at)
{
    const ast_node *n = g->pos_node;
    if (!n || !n->src || (n == g->last_node && g->subj == g->last_subj && g->positions.n))
        return;
    g->last_node = n;
    g->last_subj = g->subj;
    vouch_position e = {at, n->src->index, 0, 0, g->subj};
    if (g->line_src != n->src) {
        g->line_src = n->src;
        g->line_hint = 0;
    }
    /* code is emitted mostly in source order: the line is most often the
     * last one found or the next */
    source_position_near(n->src, n->off, &g->line_hint, &e.line, &e.col);
    if (g->positions.n) {
        vouch_position *last = &g->positions.v[g->positions.n - 1];
        if (last->file == e.file && last->line == e.line && last->col == e.col &&
            last->subject == e.subject)
            return;
        if (last->pc == at) { /* nothing was emitted under the last one */
            *last = e;
            return;
        }
    }
    if (!VEC_PUSH(g->c->a, g->positions, e))
        g->failed = 1;
}

static uint32_t emit(gen *g, vouch_opcode op)
{
    uint32_t at = pc(g);
    mark(g, at);
    word(g, (uint32_t)op);
    return at;
}

static uint32_t emit1(gen *g, vouch_opcode op, uint32_t a)
{
    uint32_t at = emit(g, op);
    word(g, a);
    return at;
}

static uint32_t emit2(gen *g, vouch_opcode op, uint32_t a, uint32_t b)
{
    uint32_t at = emit(g, op);
    word(g, a);
    word(g, b);
    return at;
}

/* Points the jump operand (the last operand word) of the instruction at
 * `at` to `target`. */
static void patch(gen *g, uint32_t at, uint32_t target)
{
    if (g->failed)
        return;
    const char *ops = vouch_opcode_operands(g->code.v[at]);
    g->code.v[at + strlen(ops)] = target;
}

/* ---- trace points (explain programs) ----------------------------------- */

/* The source text of n, blanks collapsed and long texts shortened. */
static const char *point_text(gen *g, const ast_node *n)
{
    enum { MAX_TEXT = 160 };
    const char *s = n->src && n->src->text ? n->src->text + n->off : "";
    uint32_t len = n->src && n->src->text ? n->len : 0;
    char buf[MAX_TEXT + 4];
    size_t k = 0;
    int blank = 0;
    for (uint32_t i = 0; i < len && k < MAX_TEXT; i++) {
        char ch = s[i];
        if (ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r') {
            blank = k > 0;
            continue;
        }
        if (blank)
            buf[k++] = ' ';
        blank = 0;
        if (k < MAX_TEXT)
            buf[k++] = ch;
    }
    if (k >= MAX_TEXT) {
        memcpy(buf + k, "...", 3);
        k += 3;
    }
    buf[k] = 0;
    return arena_printf(g->c->a, "%s", buf);
}

static int new_point(gen *g, const ast_node *n, vouch_point_kind kind, int require)
{
    vouch_trace_point t;
    memset(&t, 0, sizeof t);
    t.text = point_text(g, n);
    t.file = n->src ? n->src->name : "";
    if (n->src)
        source_position(n->src, n->off, &t.line, &t.col);
    t.parent = g->cur_point;
    t.plan = -1;
    t.kind = (uint8_t)kind;
    t.require = (uint8_t)require;
    if (!t.text || !VEC_PUSH(g->c->a, g->points, t)) {
        g->failed = 1;
        return 0;
    }
    return (int)g->points.n - 1;
}

static int is_literal(const ast_node *n)
{
    switch (n->kind) {
    case AST_INT: case AST_DATE: case AST_DUR: case AST_BOOL: case AST_NONE: case AST_STRING:
    case AST_MONTHS:
        return 1;
    case AST_IDENT:
        return n->slot == -2; /* an enum member */
    default:
        return 0;
    }
}

static uint32_t new_local(gen *g)
{
    uint32_t l = g->nlocals++;
    if (g->nlocals > g->maxlocals)
        g->maxlocals = g->nlocals;
    return l;
}

static uint64_t hash_const(const vouch_value *v)
{
    uint64_t h = v->type == VT_NONE ? 0 : vouch_value_hash(v);
    return h * 31 + v->type;
}

static int same_const(const vouch_value *a, const vouch_value *b)
{
    return a->type == b->type && vouch_value_equal(a, b);
}

static int grow_const_table(gen *g)
{
    uint32_t ncap = g->const_cap ? g->const_cap * 2 : 64;
    uint32_t *slots = arena_alloc(g->c->a, ncap * sizeof *slots);
    if (!slots)
        return 0;
    for (uint32_t i = 0; i < g->consts.n; i++) {
        uint32_t h = (uint32_t)hash_const(&g->consts.v[i]) & (ncap - 1);
        while (slots[h])
            h = (h + 1) & (ncap - 1);
        slots[h] = i + 1;
    }
    g->const_slots = slots;
    g->const_cap = ncap;
    return 1;
}

static uint32_t const_index(gen *g, vouch_value v)
{
    if ((g->consts.n + 1) * 2 > g->const_cap && !grow_const_table(g)) {
        g->failed = 1;
        return 0;
    }
    uint32_t h = (uint32_t)hash_const(&v) & (g->const_cap - 1);
    while (g->const_slots[h]) {
        uint32_t i = g->const_slots[h] - 1;
        if (same_const(&g->consts.v[i], &v))
            return i;
        h = (h + 1) & (g->const_cap - 1);
    }
    if (!VEC_PUSH(g->c->a, g->consts, v)) {
        g->failed = 1;
        return 0;
    }
    g->const_slots[h] = g->consts.n;
    return g->consts.n - 1;
}

static void emit_const(gen *g, vouch_value v) { emit1(g, OP_CONST, const_index(g, v)); }

static void emit_text(gen *g, const char *s, size_t n) { emit_const(g, vouch_text(s, n)); }

/* ---- plans -------------------------------------------------------------- */

static uint32_t plan_column(gen *g, int plan, int col);

static int new_plan(gen *g, int table, vouch_plan_mode mode, int repeated)
{
    gen_plan gp;
    memset(&gp, 0, sizeof gp);
    gp.p.table = (uint32_t)table;
    gp.p.mode = (uint8_t)mode;
    gp.p.repeated = (uint8_t)repeated;
    gp.p.rule = g->rule;
    if (!VEC_PUSH(g->c->a, g->plans, gp)) {
        g->failed = 1;
        return 0;
    }
    int plan = (int)g->plans.n - 1;
    if (g->explain && mode == PLAN_ROWS) {
        /* so an explanation can name each row it shows */
        const fact_table *t = &g->c->tables.v[table];
        for (uint32_t i = 0; i < t->nkey; i++)
            plan_column(g, plan, (int)t->key[i]);
    }
    return plan;
}

/* The index of table column `col` among the plan's output columns. */
static uint32_t plan_column(gen *g, int plan, int col)
{
    gen_plan *gp = &g->plans.v[plan];
    for (uint32_t i = 0; i < gp->cols.n; i++)
        if (gp->cols.v[i] == (uint32_t)col)
            return i;
    if (!VEC_PUSH(g->c->a, gp->cols, (uint32_t)col))
        g->failed = 1;
    return gp->cols.n - 1;
}

static void gen_expr(gen *g, ast_node *n);

/* ---- filters (vouch_plan.filter): residual conditions the store applies too */

typedef struct filter_build {
    VEC(uint32_t) words;
    VEC(ast_node *) params;  /* FOP_PARAM k: the value of params[k] */
} filter_build;

/* Appends e's postfix form (plan.c checked that it has one). */
static void filter_encode(gen *g, filter_build *fb, int id, ast_node *e)
{
    arena *a = g->c->a;
    int ok = 1;
    if (e->kind == AST_MEMBER && e->u.member.obj->kind == AST_IDENT && e->u.member.obj->slot == id) {
        ok = VEC_PUSH(a, fb->words, FOP_COL) && VEC_PUSH(a, fb->words, (uint32_t)e->slot);
    } else if (e->kind == AST_UNARY) {
        filter_encode(g, fb, id, e->u.unary.operand);
        ok = VEC_PUSH(a, fb->words, FOP_NOT);
    } else if (e->kind == AST_BINARY) {
        static const uint32_t ops[] = {[OPR_OR] = FOP_OR, [OPR_AND] = FOP_AND, [OPR_EQ] = FOP_EQ,
                                       [OPR_NE] = FOP_NE, [OPR_LT] = FOP_LT, [OPR_LE] = FOP_LE,
                                       [OPR_GT] = FOP_GT, [OPR_GE] = FOP_GE, [OPR_ADD] = FOP_ADD,
                                       [OPR_SUB] = FOP_SUB, [OPR_MUL] = FOP_MUL};
        filter_encode(g, fb, id, e->u.binary.lhs);
        filter_encode(g, fb, id, e->u.binary.rhs);
        ok = VEC_PUSH(a, fb->words, ops[e->op]);
    } else if (e->kind == AST_IN) {
        /* x in [a, b]: x == a or x == b */
        for (ast_node *it = e->u.in.items; it && ok; it = it->next) {
            filter_encode(g, fb, id, e->u.in.lhs);
            filter_encode(g, fb, id, it);
            ok = VEC_PUSH(a, fb->words, FOP_EQ) && (it == e->u.in.items || VEC_PUSH(a, fb->words, FOP_OR));
        }
    } else {
        ok = VEC_PUSH(a, fb->words, FOP_PARAM) && VEC_PUSH(a, fb->words, fb->params.n) &&
             VEC_PUSH(a, fb->params, e);
    }
    if (!ok)
        g->failed = 1;
}

/* The deepest stack the postfix words need. */
static uint32_t filter_depth(const filter_build *fb)
{
    uint32_t d = 0, most = 0;
    for (uint32_t i = 0; i < fb->words.n; i++) {
        uint32_t op = fb->words.v[i];
        if (op == FOP_COL || op == FOP_PARAM) {
            d++;
            i++;
        } else if (op != FOP_NOT) {
            d--;
        }
        if (d > most)
            most = d;
    }
    return most;
}

/* The pushed conjuncts as the plan's filter; their parameter values are
 * emitted after the terms'. Too big a filter is left out: it is only a
 * shortcut (the residual decides). */
static void filter(gen *g, int plan, plan_split *s, int id)
{
    filter_build fb;
    memset(&fb, 0, sizeof fb);
    for (uint32_t i = 0; i < s->pushed.n; i++) {
        filter_encode(g, &fb, id, s->pushed.v[i]);
        if (i && !VEC_PUSH(g->c->a, fb.words, FOP_AND))
            g->failed = 1;
    }
    if (!fb.words.n || fb.words.n > VOUCH_FILTER_MAX_WORDS || filter_depth(&fb) > VOUCH_FILTER_MAX_DEPTH)
        return;
    uint32_t base = g->plans.v[plan].p.nparams;
    for (uint32_t i = 0; i < fb.words.n; i++) {
        uint32_t w = fb.words.v[i];
        if (!VEC_PUSH(g->c->a, g->plans.v[plan].filter, w))
            g->failed = 1;
        if (w == FOP_COL || w == FOP_PARAM) {
            uint32_t operand = fb.words.v[++i] + (w == FOP_PARAM ? base : 0);
            if (!VEC_PUSH(g->c->a, g->plans.v[plan].filter, operand))
                g->failed = 1;
        }
    }
    for (uint32_t k = 0; k < fb.params.n; k++)
        gen_expr(g, fb.params.v[k]);
    g->plans.v[plan].p.nparams = base + fb.params.n;
}

/* Emits the term values in parameter order, the filter's, and the SEEK. */
static void seek(gen *g, int plan, plan_split *s, int id)
{
    /* The values are shown with the search (the SEEK's parameters). */
    int tracing = g->tracing;
    g->tracing = 0;
    for (uint32_t i = 0; i < s->terms.n; i++) {
        plan_term *t = &s->terms.v[i];
        vouch_plan_term pt;
        pt.column = (uint32_t)t->column;
        pt.cmp = (uint8_t)t->cmp;
        pt.bound = (uint8_t)t->bound;
        pt.param = i;
        if (!VEC_PUSH(g->c->a, g->plans.v[plan].terms, pt))
            g->failed = 1;
        gen_expr(g, t->value);
    }
    g->plans.v[plan].p.nparams = s->terms.n;
    filter(g, plan, s, id);
    emit1(g, OP_SEEK, (uint32_t)plan);
    g->tracing = tracing;
}

/* Each residual conjunct: if false, go back for the next row. */
static void residual(gen *g, plan_split *s, uint32_t next_row)
{
    for (uint32_t i = 0; i < s->residual.n; i++) {
        gen_expr(g, s->residual.v[i]);
        emit1(g, OP_JUMP_FALSE, next_row);
    }
}

/* ---- expressions ------------------------------------------------------ */

static binding *bnd(gen *g, int id) { return &g->c->bindings.v[id]; }

static void gen_period_bound(gen *g, ast_node *period, int end)
{
    if (period->kind == AST_RANGE)
        gen_expr(g, end ? period->u.binary.rhs : period->u.binary.lhs);
    else
        emit1(g, OP_ENV, end ? VOUCH_ENV_PERIOD_END : VOUCH_ENV_PERIOD_START);
}

/* The calendar functions of a span of `months` months (1, 3, 6 or 12: a
 * month, a quarter, a half-year, a year): its first day, its last day, and
 * its name (a year's is its number, made text by the caller's INTERP). */
static uint32_t span_start_fn(int months)
{
    return months == 3 ? BI_quarter_start : months == 6 ? BI_half_start : months == 12 ? BI_year_start : BI_month_start;
}

static uint32_t span_end_fn(int months)
{
    return months == 3 ? BI_quarter_end : months == 6 ? BI_half_end : months == 12 ? BI_year_end : BI_month_end;
}

static uint32_t span_name_fn(int months)
{
    return months == 3 ? BI_quarter_name : months == 6 ? BI_half_name : months == 12 ? BI_year : BI_month_name;
}

static void gen_member(gen *g, ast_node *n)
{
    ast_node *obj = n->u.member.obj;
    if (obj->kind == AST_PERIOD) {
        emit1(g, OP_ENV, n->slot == 0 ? VOUCH_ENV_PERIOD_START : VOUCH_ENV_PERIOD_END);
        return;
    }
    binding *b = bnd(g, obj->slot);
    if (b->kind == BIND_ROW) {
        emit2(g, OP_COLUMN, (uint32_t)b->plan, plan_column(g, b->plan, n->slot));
        return;
    }
    /* span locals: iterator, start, end */
    if (n->slot == 2) {
        emit1(g, OP_LOAD, (uint32_t)b->local + 1);
        emit2(g, OP_CALL, span_name_fn(b->span_months), 1);
        if (b->span_months == 12)
            emit1(g, OP_INTERP, 1);
    } else {
        emit1(g, OP_LOAD, (uint32_t)b->local + 1 + (uint32_t)n->slot);
    }
}

static void gen_arith(gen *g, ast_node *n)
{
    ast_node *l = n->u.binary.lhs, *r = n->u.binary.rhs;
    int lk = l->type.kind, rk = r->type.kind;
    if (lk == TY_MONTHS && rk == TY_DATE) {
        gen_expr(g, r); /* calendar duration + date: the date first, as for days */
        gen_expr(g, l);
        emit(g, OP_DATE_ADD);
        return;
    }
    if (lk == TY_INT) {
        gen_expr(g, l);
        gen_expr(g, r);
        static const vouch_opcode ops[] = {[OPR_ADD] = OP_ADD, [OPR_SUB] = OP_SUB, [OPR_MUL] = OP_MUL,
                                           [OPR_DIV] = OP_DIV, [OPR_MOD] = OP_MOD};
        emit(g, ops[n->op]);
    } else if (lk == TY_DUR && rk == TY_DATE) {
        gen_expr(g, r); /* duration + date: the VM wants the date first */
        gen_expr(g, l);
        emit(g, OP_DATE_ADD);
    } else if (lk == TY_DATE && (rk == TY_DUR || rk == TY_MONTHS)) {
        /* days, or calendar months clamped to the month's end (the VM
         * tells them apart by the value's type) */
        gen_expr(g, l);
        gen_expr(g, r);
        emit(g, n->op == OPR_ADD ? OP_DATE_ADD : OP_DATE_SUB);
    } else if (lk == TY_DATE) {
        gen_expr(g, l);
        gen_expr(g, r);
        emit(g, OP_DATE_DIFF);
    } else {
        gen_expr(g, l);
        gen_expr(g, r);
        emit(g, n->op == OPR_ADD ? OP_DUR_ADD : OP_DUR_SUB);
    }
}

/* ---- evidence freshness ------------------------------------------------ */

/* Pushes the oldest date evidence of freshness f may be collected on and
 * still be fresh: today - TTL (calendar months move by add_months). */
static void fresh_bound(gen *g, const freshness_info *f)
{
    emit1(g, OP_ENV, VOUCH_ENV_TODAY);
    if (f->months) {
        emit_const(g, vouch_int(-f->amount));
        emit2(g, OP_CALL, BI_add_months, 2);
    } else {
        emit_const(g, vouch_dur(f->amount));
        emit(g, OP_DATE_SUB);
    }
}

/* Tests the current row of plan (over the evidence fact) against every
 * freshness: a row of a declared kind dated before its bound is past its
 * freshness. Such a row is noted in the fresh locals when it is the
 * newest noted so far, then control goes to `target`; when target is 0
 * the jumps are left in *out (at most 64) for the caller to patch. A row
 * with no date, or of a kind with no freshness, falls through. */
static void fresh_test(gen *g, int plan, uint32_t target, uint32_t *out, uint32_t *nout)
{
    const compiler *c = g->c;
    const fact_table *t = &c->tables.v[c->fresh_table];
    uint32_t kcol = plan_column(g, plan, c->fresh_kind), dcol = plan_column(g, plan, c->fresh_date);
    for (uint32_t i = 0; i < c->freshness.n; i++) {
        const freshness_info *f = &c->freshness.v[i];
        emit2(g, OP_COLUMN, (uint32_t)plan, kcol);
        emit_text(g, f->kind, f->nkind);
        emit(g, OP_EQ);
        uint32_t jother = emit1(g, OP_JUMP_FALSE, 0);
        emit2(g, OP_COLUMN, (uint32_t)plan, dcol);
        fresh_bound(g, f);
        emit(g, OP_LT);
        uint32_t jfresh = emit1(g, OP_JUMP_FALSE, 0);
        /* past its freshness: note it if it is the newest such row */
        emit1(g, OP_LOAD, g->fresh_loc[0]);
        emit(g, OP_NONE);
        emit(g, OP_EQ);
        uint32_t jrec = emit1(g, OP_JUMP_TRUE, 0);
        emit2(g, OP_COLUMN, (uint32_t)plan, dcol);
        emit1(g, OP_LOAD, g->fresh_loc[0]);
        emit(g, OP_GT);
        uint32_t jskip = emit1(g, OP_JUMP_FALSE, 0);
        patch(g, jrec, pc(g));
        emit2(g, OP_COLUMN, (uint32_t)plan, dcol);
        emit1(g, OP_STORE, g->fresh_loc[0]);
        uint32_t parts = 0;
        for (uint32_t k = 0; k < t->nkey; k++) {
            if (k) {
                emit_text(g, "/", 1);
                parts++;
            }
            emit2(g, OP_COLUMN, (uint32_t)plan, plan_column(g, plan, (int)t->key[k]));
            parts++;
        }
        if (!parts) {
            emit_text(g, "?", 1);
            parts++;
        }
        emit1(g, OP_INTERP, parts);
        emit1(g, OP_STORE, g->fresh_loc[1]);
        emit2(g, OP_COLUMN, (uint32_t)plan, kcol);
        emit1(g, OP_STORE, g->fresh_loc[2]);
        emit_text(g, f->ttl, strlen(f->ttl));
        emit1(g, OP_STORE, g->fresh_loc[3]);
        patch(g, jskip, pc(g));
        uint32_t j = emit1(g, OP_JUMP, target);
        if (!target) {
            if (*nout < 64)
                out[(*nout)++] = j;
            else
                g->failed = 1;
        }
        patch(g, jother, pc(g));
        patch(g, jfresh, pc(g));
    }
}

/* In the fresh pass, a quantifier over the evidence fact skips (back to
 * `loop`, its next row) the rows past their freshness; otherwise notes
 * that the require reads evidence at all. */
static void fresh_filter(gen *g, int table, int plan, uint32_t loop)
{
    if (!g->c->freshness.n || table != g->c->fresh_table)
        return;
    if (g->fresh)
        fresh_test(g, plan, loop, NULL, NULL);
}

static void gen_quant(gen *g, ast_node *n)
{
    binding *b = bnd(g, n->slot);
    plan_split s;
    plan_split_where(g->c, n->slot, n->u.quant.where, &s);
    int repeated = b->depth > 0;
    int evidence = g->c->freshness.n && b->table == g->c->fresh_table;
    if (evidence && !g->fresh)
        g->fresh_seen = 1; /* the require reads evidence: it gets a fresh pass */
    int plain = s.residual.n == 0 && !(g->fresh && evidence);
    int agg_col = -1;
    if ((n->op == Q_NEWEST || n->op == Q_OLDEST) && plain) {
        ast_node *body = n->u.quant.body;
        if (body->kind == AST_MEMBER && body->u.member.obj->kind == AST_IDENT &&
            body->u.member.obj->slot == n->slot)
            agg_col = body->slot;
    }
    vouch_plan_mode mode = PLAN_ROWS;
    if (n->op == Q_EXISTS && plain && !g->explain) mode = PLAN_EXISTS;
    else if (n->op == Q_COUNT && plain) mode = PLAN_COUNT;
    else if (agg_col >= 0) mode = n->op == Q_NEWEST ? PLAN_MAX : PLAN_MIN;
    int plan = new_plan(g, b->table, mode, repeated);
    b = bnd(g, n->slot);
    b->plan = plan;
    if (g->quant_point >= 0 && !g->failed) /* gen_expr made this quantifier's point */
        g->points.v[g->quant_point].plan = plan;
    g->quant_point = -1;
    if (agg_col >= 0)
        g->plans.v[plan].p.agg_column = (uint32_t)agg_col;

    if (mode == PLAN_COUNT || mode == PLAN_MIN || mode == PLAN_MAX) {
        seek(g, plan, &s, n->slot);
        uint32_t next = emit2(g, OP_NEXT, (uint32_t)plan, 0);
        emit2(g, OP_COLUMN, (uint32_t)plan, 0);
        emit1(g, OP_CLOSE, (uint32_t)plan);
        uint32_t jend = emit1(g, OP_JUMP, 0);
        patch(g, next, pc(g));
        if (mode == PLAN_COUNT)
            emit_const(g, vouch_int(0));
        else
            emit(g, OP_NONE);
        patch(g, jend, pc(g));
        return;
    }
    if (n->op == Q_COUNT || n->op == Q_NEWEST || n->op == Q_OLDEST) {
        uint32_t acc = new_local(g);
        if (n->op == Q_COUNT)
            emit_const(g, vouch_int(0));
        else
            emit(g, OP_NONE);
        emit1(g, OP_STORE, acc);
        seek(g, plan, &s, n->slot);
        uint32_t loop = pc(g);
        uint32_t next = emit2(g, OP_NEXT, (uint32_t)plan, 0);
        residual(g, &s, loop);
        fresh_filter(g, b->table, plan, loop);
        emit1(g, OP_LOAD, acc);
        if (n->op == Q_COUNT) {
            emit_const(g, vouch_int(1));
            emit(g, OP_ADD);
        } else {
            gen_expr(g, n->u.quant.body);
            emit(g, n->op == Q_NEWEST ? OP_MAX : OP_MIN);
        }
        emit1(g, OP_STORE, acc);
        emit1(g, OP_JUMP, loop);
        patch(g, next, pc(g));
        emit1(g, OP_LOAD, acc);
        return;
    }
    if (n->op == Q_SUM || n->op == Q_AVG) {
        /* The VM adds up the rows the store returns, whatever path
         * answered the plan, so every path gives the same sum. A none
         * value is left out (as SQL's sum and avg do); OP_ADD and
         * OP_DUR_ADD stop the rule on overflow. */
        int dur = n->u.quant.body->type.kind == TY_DUR;
        uint32_t acc = new_local(g), cnt = n->op == Q_AVG ? new_local(g) : 0, val = new_local(g);
        emit_const(g, dur ? vouch_dur(0) : vouch_int(0));
        emit1(g, OP_STORE, acc);
        if (n->op == Q_AVG) {
            emit_const(g, vouch_int(0));
            emit1(g, OP_STORE, cnt);
        }
        seek(g, plan, &s, n->slot);
        uint32_t loop = pc(g);
        uint32_t next = emit2(g, OP_NEXT, (uint32_t)plan, 0);
        residual(g, &s, loop);
        fresh_filter(g, b->table, plan, loop);
        gen_expr(g, n->u.quant.body);
        emit1(g, OP_STORE, val);
        emit1(g, OP_LOAD, val);
        emit(g, OP_NONE);
        emit(g, OP_EQ);
        emit1(g, OP_JUMP_TRUE, loop);
        emit1(g, OP_LOAD, acc);
        emit1(g, OP_LOAD, val);
        emit(g, dur ? OP_DUR_ADD : OP_ADD);
        emit1(g, OP_STORE, acc);
        if (n->op == Q_AVG) {
            emit1(g, OP_LOAD, cnt);
            emit_const(g, vouch_int(1));
            emit(g, OP_ADD);
            emit1(g, OP_STORE, cnt);
        }
        emit1(g, OP_JUMP, loop);
        patch(g, next, pc(g));
        emit1(g, OP_LOAD, acc);
        if (n->op == Q_AVG) {
            emit1(g, OP_LOAD, cnt);
            emit(g, OP_AVG);
        }
        return;
    }
    /* exists / all: leave at the first row that decides it */
    seek(g, plan, &s, n->slot);
    uint32_t loop = pc(g);
    uint32_t next = emit2(g, OP_NEXT, (uint32_t)plan, 0);
    residual(g, &s, loop);
    fresh_filter(g, b->table, plan, loop);
    if (n->op == Q_ALL) {
        gen_expr(g, n->u.quant.body);
        emit1(g, OP_JUMP_TRUE, loop);
    }
    emit1(g, OP_CLOSE, (uint32_t)plan);
    emit(g, n->op == Q_ALL ? OP_FALSE : OP_TRUE);
    uint32_t jend = emit1(g, OP_JUMP, 0);
    patch(g, next, pc(g));
    emit(g, n->op == Q_ALL ? OP_TRUE : OP_FALSE);
    patch(g, jend, pc(g));
}

static void gen_in(gen *g, ast_node *n)
{
    uint32_t tmp = new_local(g);
    g->operand = 1;
    gen_expr(g, n->u.in.lhs);
    int tracing = g->tracing;
    g->tracing = 0; /* the members are compared one by one: the result says enough */
    emit1(g, OP_STORE, tmp);
    VEC(uint32_t) jumps = {0};
    for (ast_node *it = n->u.in.items; it; it = it->next) {
        emit1(g, OP_LOAD, tmp);
        gen_expr(g, it);
        emit(g, OP_EQ);
        if (it->next && !VEC_PUSH(g->c->a, jumps, emit1(g, OP_OR_JUMP, 0)))
            g->failed = 1;
    }
    for (uint32_t i = 0; i < jumps.n; i++)
        patch(g, jumps.v[i], pc(g));
    g->tracing = tracing;
}

static void gen_node(gen *g, ast_node *n);

/* OPR_AND or OPR_OR if n is such a chain's link, else 0. */
static int chain_of(const ast_node *n)
{
    return n->kind == AST_BINARY && (n->op == OPR_AND || n->op == OPR_OR) ? n->op : 0;
}

/* n's code under a new trace point of its own, then the TRACE of its
 * value; `tracing` says whether what n is made of is traced too. */
static void gen_traced(gen *g, ast_node *n, vouch_point_kind kind, int require, int tracing)
{
    int pt = new_point(g, n, kind, require);
    int32_t saved = g->cur_point;
    int saved_chain = g->chain_op, saved_tracing = g->tracing;
    g->cur_point = pt;
    g->chain_op = chain_of(n);
    g->tracing = tracing;
    if (n->kind == AST_QUANT)
        g->quant_point = pt;
    gen_node(g, n);
    g->cur_point = saved;
    g->chain_op = saved_chain;
    g->tracing = saved_tracing;
    emit1(g, OP_TRACE, (uint32_t)pt);
}

/* An expression's code; in an explain program, followed by a TRACE of its
 * value when it is a condition, a quantifier or an operand worth showing. */
static void gen_expr(gen *g, ast_node *n)
{
    int operand = g->operand;
    g->operand = 0;
    int chain = chain_of(n);
    if (!g->explain || !g->tracing || is_literal(n) ||
        !(operand || n->kind == AST_QUANT || n->type.kind == TY_BOOL) ||
        (chain && chain == g->chain_op)) {
        /* (a and b and c: the links of one chain share the chain's point) */
        gen_node(g, n);
        return;
    }
    int cond = n->type.kind == TY_BOOL;
    /* A value is shown as what it came to, not how. */
    gen_traced(g, n, cond ? POINT_COND : POINT_VALUE, 0, cond || n->kind == AST_QUANT);
}

/* The root of what an explanation shows: a traced condition even when it
 * is a literal. */
static void gen_root(gen *g, ast_node *n, int require)
{
    if (!g->explain) {
        gen_node(g, n);
        return;
    }
    gen_traced(g, n, POINT_COND, require, 1);
}

static void gen_node_code(gen *g, ast_node *n);

/* n's code, its instructions positioned at n (its operands' at theirs). */
static void gen_node(gen *g, ast_node *n)
{
    const ast_node *saved = g->pos_node;
    g->pos_node = n;
    gen_node_code(g, n);
    g->pos_node = saved;
}

static void gen_node_code(gen *g, ast_node *n)
{
    switch (n->kind) {
    case AST_INT: emit_const(g, vouch_int(n->u.lit.i)); break;
    case AST_DATE: emit_const(g, vouch_date(n->u.lit.i)); break;
    case AST_DUR: emit_const(g, vouch_dur(n->u.lit.i)); break;
    case AST_MONTHS: emit_const(g, vouch_months(n->u.lit.i)); break;
    case AST_BOOL: emit(g, n->u.lit.i ? OP_TRUE : OP_FALSE); break;
    case AST_NONE: emit(g, OP_NONE); break;
    case AST_STRING: emit_text(g, n->u.s.text, n->u.s.n); break;
    case AST_INTERP: {
        uint32_t k = 0;
        for (ast_node *p = n->u.list.first; p; p = p->next, k++)
            gen_expr(g, p);
        if (k == 0)
            emit_text(g, "", 0);
        else
            emit1(g, OP_INTERP, k);
        break;
    }
    case AST_TODAY: emit1(g, OP_ENV, VOUCH_ENV_TODAY); break;
    case AST_IDENT: /* only enum members reach here as values */
        emit_text(g, n->u.name.p, n->u.name.len);
        break;
    case AST_MEMBER: gen_member(g, n); break;
    case AST_CALL: {
        uint32_t k = 0;
        for (ast_node *a = n->u.call.args; a; a = a->next, k++) {
            g->operand = n->type.kind == TY_BOOL;
            gen_expr(g, a);
        }
        emit2(g, OP_CALL, (uint32_t)n->slot, k);
        break;
    }
    case AST_UNARY:
        if (n->op == OPR_NOT) {
            gen_expr(g, n->u.unary.operand);
            emit(g, OP_NOT);
        } else {
            gen_expr(g, n->u.unary.operand);
            emit(g, OP_NEG);
        }
        break;
    case AST_BINARY:
        switch (n->op) {
        case OPR_AND:
        case OPR_OR: {
            gen_expr(g, n->u.binary.lhs);
            uint32_t j = emit1(g, n->op == OPR_AND ? OP_AND_JUMP : OP_OR_JUMP, 0);
            gen_expr(g, n->u.binary.rhs);
            patch(g, j, pc(g));
            break;
        }
        case OPR_EQ: case OPR_NE: case OPR_LT: case OPR_LE: case OPR_GT: case OPR_GE: {
            static const vouch_opcode ops[] = {[OPR_EQ] = OP_EQ, [OPR_NE] = OP_NE, [OPR_LT] = OP_LT,
                                               [OPR_LE] = OP_LE, [OPR_GT] = OP_GT, [OPR_GE] = OP_GE};
            g->operand = 1;
            gen_expr(g, n->u.binary.lhs);
            g->operand = 1;
            gen_expr(g, n->u.binary.rhs);
            emit(g, ops[n->op]);
            break;
        }
        default:
            gen_arith(g, n);
        }
        break;
    case AST_IN: gen_in(g, n); break;
    case AST_QUANT: gen_quant(g, n); break;
    case AST_COND: {
        gen_expr(g, n->u.cond.test);
        uint32_t jelse = emit1(g, OP_JUMP_FALSE, 0);
        gen_expr(g, n->u.cond.then);
        uint32_t jend = emit1(g, OP_JUMP, 0);
        patch(g, jelse, pc(g));
        gen_expr(g, n->u.cond.otherwise);
        patch(g, jend, pc(g));
        break;
    }
    default:
        /* check.c admits no other expression here */
        g->failed = 1;
    }
}

/* Leaves a text value: texts as they are, anything else formatted. */
static void gen_text(gen *g, ast_node *n)
{
    int tracing = g->tracing;
    g->tracing = 0;
    gen_expr(g, n);
    g->tracing = tracing;
    if (n->type.kind != TY_TEXT || n->type.optional)
        emit1(g, OP_INTERP, 1);
}

/* ---- rules ---------------------------------------------------------- */

/* The key of the first loop's row, "framework/control"; with an `every`
 * clause (cadence >= 0) and `with_span`, "@2026Q2" is appended, so each
 * missing span is its own finding. */
static void gen_default_subject(gen *g, ast_node *rule, int cadence, int with_span)
{
    binding *b = bnd(g, rule->u.rule.fors->slot);
    const fact_table *t = &g->c->tables.v[b->table];
    uint32_t parts = 0;
    for (uint32_t i = 0; i < t->nkey; i++) {
        if (i) {
            emit_text(g, "/", 1);
            parts++;
        }
        emit2(g, OP_COLUMN, (uint32_t)b->plan, plan_column(g, b->plan, (int)t->key[i]));
        parts++;
    }
    if (cadence >= 0 && with_span) {
        binding *cb = bnd(g, cadence);
        emit_text(g, "@", 1);
        emit1(g, OP_LOAD, (uint32_t)cb->local + 1);
        emit2(g, OP_CALL, span_name_fn(cb->span_months), 1);
        parts += 2;
    }
    emit1(g, OP_INTERP, parts);
}

/* Pushes the calendar function of a span of `months` months: its end
 * (which 0) or its name (which 1), of the span starting at the local it. */
static void gen_span_call(gen *g, int months, uint32_t it, int which)
{
    emit1(g, OP_LOAD, it);
    emit2(g, OP_CALL, which == 0 ? span_end_fn(months) : span_name_fn(months), 1);
}

/* The fresh pass of a rule whose require (or loops) read the evidence
 * fact while freshness is declared, generated after the require held:
 * the require again, with every quantifier over evidence leaving out the
 * rows past their freshness, and every loop row of evidence tested too.
 * If it no longer holds, the pass rested on evidence past its freshness:
 * the jumps to the stale outcome are left in jstale. The pass costs
 * nothing to rules that do not read evidence, and runs only after a pass.
 * Its code is not explained (the explanation is the first pass's). */
static void gen_fresh_pass(gen *g, ast_node *rule, uint32_t *jstale, uint32_t *nstale)
{
    int loops = 0;
    for (ast_node *f = rule->u.rule.fors; f; f = f->next) {
        binding *b = bnd(g, f->slot);
        if (b->kind == BIND_ROW && g->c->freshness.n && b->table == g->c->fresh_table)
            loops = 1;
    }
    if (!g->fresh_seen && !loops)
        return;
    int explain = g->explain, tracing = g->tracing;
    int32_t qp = g->quant_point;
    g->explain = 0;
    g->tracing = 0;
    for (int k = 0; k < 4; k++) {
        g->fresh_loc[k] = new_local(g);
        emit(g, OP_NONE);
        emit1(g, OP_STORE, g->fresh_loc[k]);
    }
    g->fresh = 1;
    for (ast_node *f = rule->u.rule.fors; f; f = f->next) {
        binding *b = bnd(g, f->slot);
        if (b->kind == BIND_ROW && b->table == g->c->fresh_table)
            fresh_test(g, b->plan, 0, jstale, nstale);
    }
    gen_node(g, rule->u.rule.require);
    uint32_t j = emit1(g, OP_JUMP_FALSE, 0);
    jstale[(*nstale)++] = j;
    g->fresh = 0;
    g->explain = explain;
    g->tracing = tracing;
    g->quant_point = qp;
}

/* The innermost iteration: subject, require, outcome.
 *
 * A calendar span that has not ended on the as-of date (its whole
 * quarter, month or year, not the part the period clips) is in progress:
 * its facts are not all in yet (those dated after the as-of are not seen),
 * so its subject is neither a pass nor a gap. It is recorded as not
 * applicable, the reason saying "in progress", and require is not
 * evaluated. */
static void gen_outcome(gen *g, ast_node *rule)
{
    uint8_t subj = g->subj;
    if (rule->u.rule.subject)
        gen_text(g, rule->u.rule.subject);
    else
        gen_default_subject(g, rule, g->c->extra.v[g->rule].cadence, 1);
    /* From here to PASS, FINDING and NA the subject is the stack's bottom
     * value (every statement starts on an empty stack). */
    g->subj = SUBJ_STACK;
    uint32_t jprog[8];
    ast_node *pspan[8];
    uint32_t nprog = 0;
    for (ast_node *f = rule->u.rule.fors; f && nprog < 8; f = f->next) {
        binding *b = bnd(g, f->slot);
        if (b->kind != BIND_SPAN)
            continue;
        gen_span_call(g, b->span_months, (uint32_t)b->local, 0);
        emit1(g, OP_ENV, VOUCH_ENV_TODAY);
        emit(g, OP_GT);
        pspan[nprog] = f;
        jprog[nprog++] = emit1(g, OP_JUMP_TRUE, 0);
    }
    g->fresh_seen = 0;
    gen_root(g, rule->u.rule.require, 1);
    uint32_t jfail = emit1(g, OP_JUMP_FALSE, 0);
    uint32_t jstale[64 + 1], nstale = 0;
    gen_fresh_pass(g, rule, jstale, &nstale);
    emit(g, OP_PASS);
    g->subj = subj;
    uint32_t jdone[2 + 8];
    uint32_t ndone = 0;
    jdone[ndone++] = emit1(g, OP_JUMP, 0);
    patch(g, jfail, pc(g));
    g->subj = SUBJ_STACK;
    if (rule->u.rule.message)
        gen_text(g, rule->u.rule.message);
    else
        emit_text(g, rule->u.rule.title->u.s.text, rule->u.rule.title->u.s.n);
    emit(g, OP_FINDING);
    if (nstale) {
        /* stale: the message names the newest evidence past its freshness
         * that the pass rested on, its date and the freshness */
        g->subj = subj;
        jdone[ndone++] = emit1(g, OP_JUMP, 0);
        for (uint32_t k = 0; k < nstale; k++)
            patch(g, jstale[k], pc(g));
        g->subj = SUBJ_STACK;
        emit_text(g, "passes only on evidence past its freshness: evidence ", 53);
        emit1(g, OP_LOAD, g->fresh_loc[1]);
        emit_text(g, " (", 2);
        emit1(g, OP_LOAD, g->fresh_loc[2]);
        emit_text(g, ") collected on ", 15);
        emit1(g, OP_LOAD, g->fresh_loc[0]);
        emit_text(g, " is older than its freshness of ", 32);
        emit1(g, OP_LOAD, g->fresh_loc[3]);
        emit_text(g, " on ", 4);
        emit1(g, OP_ENV, VOUCH_ENV_TODAY);
        emit1(g, OP_INTERP, 10);
        emit(g, OP_STALE);
    }
    for (uint32_t k = 0; k < nprog; k++) {
        g->subj = subj;
        jdone[ndone++] = emit1(g, OP_JUMP, 0);
        patch(g, jprog[k], pc(g));
        g->subj = SUBJ_STACK;
        binding *b = bnd(g, pspan[k]->slot);
        static const char pre[] = "in progress: ", mid[] = " has not ended on the as-of date (it ends ";
        emit_text(g, pre, sizeof pre - 1);
        gen_span_call(g, b->span_months, (uint32_t)b->local, 1);
        emit_text(g, mid, sizeof mid - 1);
        gen_span_call(g, b->span_months, (uint32_t)b->local, 0);
        emit_text(g, ")", 1);
        emit1(g, OP_INTERP, 5);
        emit(g, OP_NA);
    }
    for (uint32_t k = 0; k < ndone; k++)
        patch(g, jdone[k], pc(g));
    g->subj = subj;
}

static void gen_fors_code(gen *g, ast_node *rule, ast_node *f);

/* The loops from f on, their own instructions positioned at f. */
static void gen_fors(gen *g, ast_node *rule, ast_node *f)
{
    if (!f) {
        gen_outcome(g, rule);
        return;
    }
    const ast_node *pos = g->pos_node;
    uint8_t subj = g->subj;
    g->pos_node = f;
    gen_fors_code(g, rule, f);
    g->pos_node = pos;
    g->subj = subj;
}

static void gen_fors_code(gen *g, ast_node *rule, ast_node *f)
{
    binding *b = bnd(g, f->slot);
    if (b->kind == BIND_ROW) {
        plan_split s;
        plan_split_where(g->c, f->slot, f->u.loop.where, &s);
        int plan = new_plan(g, b->table, PLAN_ROWS, b->depth > 0);
        bnd(g, f->slot)->plan = plan;
        if (g->explain) { /* the loop owns its plan: its rows are the subject's */
            int pt = new_point(g, f, POINT_LOOP, 0);
            if (!g->failed)
                g->points.v[pt].plan = plan;
        }
        seek(g, plan, &s, f->slot);
        uint32_t loop = pc(g);
        uint32_t next = emit2(g, OP_NEXT, (uint32_t)plan, 0);
        uint8_t outside = g->subj;
        if (f == rule->u.rule.fors)
            g->subj = SUBJ_ROW; /* its key names the row (codegen_program reads it) */
        g->tracing = 1;
        residual(g, &s, loop);
        g->tracing = 0;
        const rule_extra *x = &g->c->extra.v[g->rule];
        if (f == rule->u.rule.fors && x->scope_test) {
            /* Outside the rule's scope: not evaluated, recorded as such. */
            gen_root(g, x->scope_test, 0);
            uint32_t jin = emit1(g, OP_JUMP_TRUE, 0);
            if (rule->u.rule.subject && !rule->u.rule.fors->next)
                gen_text(g, rule->u.rule.subject);
            else
                gen_default_subject(g, rule, -1, 0);
            const scope_info *sc = &g->c->scopes.v[x->scope];
            const char *why = arena_printf(g->c->a, "outside scope %.*s", (int)sc->name.len, sc->name.p);
            emit_text(g, why, strlen(why));
            emit(g, OP_NA);
            emit1(g, OP_JUMP, loop);
            patch(g, jin, pc(g));
        }
        gen_fors(g, rule, f->next);
        emit1(g, OP_JUMP, loop);
        g->subj = outside;
        patch(g, next, pc(g));
        return;
    }
    /* quarters(P) / months(P): the calendar spans that meet P, each clipped
     * to P. Locals: the span's unclipped start, its start, its end. */
    ast_node *period = f->u.loop.source->u.call.args;
    int months = b->span_months;
    uint32_t it = new_local(g);
    new_local(g);
    new_local(g);
    bnd(g, f->slot)->local = (int)it;
    gen_period_bound(g, period, 0);
    emit2(g, OP_CALL, span_start_fn(months), 1);
    emit1(g, OP_STORE, it);
    uint32_t loop = pc(g);
    emit1(g, OP_LOAD, it);
    gen_period_bound(g, period, 1);
    emit(g, OP_GT);
    uint32_t jend = emit1(g, OP_JUMP_TRUE, 0);
    emit1(g, OP_LOAD, it);
    gen_period_bound(g, period, 0);
    emit(g, OP_MAX);
    emit1(g, OP_STORE, it + 1);
    emit1(g, OP_LOAD, it);
    emit2(g, OP_CALL, span_end_fn(months), 1);
    gen_period_bound(g, period, 1);
    emit(g, OP_MIN);
    emit1(g, OP_STORE, it + 2);
    if (g->explain) {
        /* the span, so each span's explanation starts afresh (vm.c) */
        emit1(g, OP_LOAD, it + 1);
        emit1(g, OP_TRACE, (uint32_t)new_point(g, f, POINT_SPAN, 0));
        emit(g, OP_POP);
    }
    uint32_t jskip = 0;
    if (f->u.loop.where) {
        g->tracing = 1;
        gen_expr(g, f->u.loop.where);
        g->tracing = 0;
        jskip = emit1(g, OP_JUMP_FALSE, 0);
    }
    gen_fors(g, rule, f->next);
    if (f->u.loop.where)
        patch(g, jskip, pc(g));
    /* The span that reaches the period's end is the last: the loop stops
     * before computing the next span's start, which for a period ending
     * in year 9999 would lie outside the calendar. */
    emit1(g, OP_LOAD, it + 2);
    gen_period_bound(g, period, 1);
    emit(g, OP_GE);
    uint32_t jlast = emit1(g, OP_JUMP_TRUE, 0);
    emit1(g, OP_LOAD, it);
    emit_const(g, vouch_int(months));
    emit2(g, OP_CALL, BI_add_months, 2);
    emit1(g, OP_STORE, it);
    emit1(g, OP_JUMP, loop);
    patch(g, jend, pc(g));
    patch(g, jlast, pc(g));
}

/* ---- the program ---------------------------------------------------- */

static uint8_t vtype_of(ast_type t)
{
    switch (t.kind) {
    case TY_BOOL: return VT_BOOL;
    case TY_INT: return VT_INT;
    case TY_DATE: return VT_DATE;
    case TY_DUR: return VT_DUR;
    case TY_MONTHS: return VT_MONTHS;
    default: return VT_TEXT;
    }
}

static const char *pstr(vouch_program *p, const char *s, size_t n)
{
    return vouch_program_strdup(p, s ? s : "", s ? n : 0);
}

static const char *pcstr(vouch_program *p, const char *s) { return pstr(p, s, s ? strlen(s) : 0); }

#define PALLOC(p, n, T) ((T *)vouch_program_alloc((p), ((size_t)(n) + 1) * sizeof(T)))

static vouch_program *finish(gen *g)
{
    compiler *c = g->c;
    vouch_program *p = vouch_program_new();
    if (!p)
        return NULL;
    p->ncode = g->code.n;
    p->code = PALLOC(p, g->code.n, uint32_t);
    if (p->code && g->code.n)
        memcpy(p->code, g->code.v, g->code.n * sizeof(uint32_t));

    p->nconsts = g->consts.n;
    p->consts = PALLOC(p, g->consts.n, vouch_value);
    for (uint32_t i = 0; p->consts && i < g->consts.n; i++) {
        p->consts[i] = g->consts.v[i];
        if (p->consts[i].type == VT_TEXT)
            p->consts[i].u.s = pstr(p, g->consts.v[i].u.s, g->consts.v[i].len);
    }

    p->nenums = c->enums.n;
    p->enums = PALLOC(p, c->enums.n, vouch_enum_decl);
    for (uint32_t i = 0; p->enums && i < c->enums.n; i++) {
        vouch_enum_decl *e = &p->enums[i];
        e->name = pcstr(p, c->enums.v[i].name);
        e->nvalues = c->enums.v[i].n;
        e->values = PALLOC(p, e->nvalues, const char *);
        for (uint32_t j = 0; e->values && j < e->nvalues; j++)
            e->values[j] = pcstr(p, c->enums.v[i].members[j]);
    }

    p->ntables = c->tables.n;
    p->tables = PALLOC(p, c->tables.n, vouch_table_decl);
    for (uint32_t i = 0; p->tables && i < c->tables.n; i++) {
        fact_table *ft = &c->tables.v[i];
        vouch_table_decl *t = &p->tables[i];
        t->name = pcstr(p, ft->name);
        t->ncolumns = ft->ncols;
        t->columns = PALLOC(p, ft->ncols, vouch_column_decl);
        for (uint32_t j = 0; t->columns && j < ft->ncols; j++) {
            t->columns[j].name = pcstr(p, ft->cols[j].cname);
            t->columns[j].type = vtype_of(ft->cols[j].type);
            t->columns[j].optional = ft->cols[j].type.optional;
            t->columns[j].enum_id = ft->cols[j].type.kind == TY_ENUM ? ft->cols[j].type.id : -1;
        }
        t->nkey = ft->nkey;
        t->key = PALLOC(p, ft->nkey, uint32_t);
        if (t->key && ft->nkey)
            memcpy(t->key, ft->key, ft->nkey * sizeof(uint32_t));
        t->dated = ft->dated >= 0 ? (uint32_t)ft->dated + 1 : 0;
    }

    p->nplans = g->plans.n;
    p->plans = PALLOC(p, g->plans.n, vouch_plan);
    for (uint32_t i = 0; p->plans && i < g->plans.n; i++) {
        gen_plan *gp = &g->plans.v[i];
        vouch_plan *pl = &p->plans[i];
        *pl = gp->p;
        pl->nterms = gp->terms.n;
        pl->terms = PALLOC(p, gp->terms.n, vouch_plan_term);
        if (pl->terms && gp->terms.n)
            memcpy(pl->terms, gp->terms.v, gp->terms.n * sizeof(vouch_plan_term));
        pl->ncolumns = gp->cols.n;
        pl->columns = PALLOC(p, gp->cols.n, uint32_t);
        if (pl->columns && gp->cols.n)
            memcpy(pl->columns, gp->cols.v, gp->cols.n * sizeof(uint32_t));
        pl->nfilter = gp->filter.n;
        pl->filter = PALLOC(p, gp->filter.n, uint32_t);
        if (pl->filter && gp->filter.n)
            memcpy(pl->filter, gp->filter.v, gp->filter.n * sizeof(uint32_t));
        if (p->tables)
            p->tables[pl->table].first_used = 1;
    }
    p->nfiles = c->nsrcs;
    p->files = PALLOC(p, c->nsrcs, const char *);
    for (uint32_t i = 0; p->files && i < c->nsrcs; i++)
        p->files[i] = pcstr(p, c->srcs[i]->name);
    p->npositions = g->positions.n;
    p->positions = PALLOC(p, g->positions.n, vouch_position);
    if (p->positions && g->positions.n)
        memcpy(p->positions, g->positions.v, g->positions.n * sizeof *p->positions);
    p->pack = pcstr(p, c->pack ? c->pack : "");
    p->pack_version = pcstr(p, c->pack_version ? c->pack_version : "");
    p->npoints = g->points.n;
    p->points = PALLOC(p, g->points.n, vouch_trace_point);
    for (uint32_t i = 0; p->points && i < g->points.n; i++) {
        p->points[i] = g->points.v[i];
        p->points[i].text = pcstr(p, g->points.v[i].text);
        p->points[i].file = pcstr(p, g->points.v[i].file);
    }
    return p;
}

/* Copies catalogues, crosswalk pairs and waivers into the program. */
static int finish_catalogues(compiler *c, vouch_program *p)
{
    p->nframeworks = c->frameworks.n;
    p->frameworks = PALLOC(p, c->frameworks.n, vouch_framework_info);
    if (!p->frameworks)
        return 0;
    for (uint32_t i = 0; i < c->frameworks.n; i++) {
        const fw_info *f = &c->frameworks.v[i];
        vouch_framework_info *o = &p->frameworks[i];
        o->id = pcstr(p, f->id);
        o->title = pcstr(p, f->title);
        o->version = pcstr(p, f->version);
        o->source = pcstr(p, f->source);
        o->ncontrols = f->controls.n;
        o->controls = PALLOC(p, f->controls.n, vouch_control_info);
        if (!o->controls)
            return 0;
        for (uint32_t j = 0; j < f->controls.n; j++) {
            const ctl_info *ci = &f->controls.v[j];
            vouch_control_info *oc = &o->controls[j];
            oc->id = pcstr(p, ci->id);
            oc->title = pcstr(p, ci->title);
            oc->nattrs = ci->attr_names.n;
            oc->attr_names = PALLOC(p, ci->attr_names.n, const char *);
            oc->attr_values = PALLOC(p, ci->attr_names.n, const char *);
            if (!oc->attr_names || !oc->attr_values)
                return 0;
            for (uint32_t k = 0; k < ci->attr_names.n; k++) {
                oc->attr_names[k] = pcstr(p, ci->attr_names.v[k]);
                oc->attr_values[k] = pcstr(p, ci->attr_values.v[k]);
            }
        }
    }
    p->npairs = c->pairs.n;
    p->pairs = PALLOC(p, c->pairs.n, vouch_crosswalk_pair);
    if (!p->pairs)
        return 0;
    for (uint32_t i = 0; i < c->pairs.n; i++) {
        p->pairs[i] = c->pairs.v[i];
        p->pairs[i].source = pcstr(p, c->pairs.v[i].source);
        p->pairs[i].note = pcstr(p, c->pairs.v[i].note);
        p->pairs[i].file = pcstr(p, c->pairs.v[i].file);
    }
    p->nwaivers = c->waivers.n;
    p->waivers = PALLOC(p, c->waivers.n, vouch_waiver);
    if (!p->waivers)
        return 0;
    for (uint32_t i = 0; i < c->waivers.n; i++) {
        p->waivers[i] = c->waivers.v[i];
        p->waivers[i].subject = pcstr(p, c->waivers.v[i].subject);
        p->waivers[i].because = pcstr(p, c->waivers.v[i].because);
        p->waivers[i].approved_by = pcstr(p, c->waivers.v[i].approved_by);
        p->waivers[i].file = pcstr(p, c->waivers.v[i].file);
    }
    p->waiver_max_days = c->waiver_max_days;
    p->waiver_max_months = c->waiver_max_months;
    p->ntests = c->tests.n;
    p->tests = PALLOC(p, c->tests.n, vouch_test);
    if (!p->tests)
        return 0;
    for (uint32_t i = 0; i < c->tests.n; i++) {
        const vouch_test *t = &c->tests.v[i];
        vouch_test *o = &p->tests[i];
        *o = *t;
        o->name = pcstr(p, t->name);
        o->file = pcstr(p, t->file);
        o->rows = PALLOC(p, t->nrows, vouch_test_row);
        o->expect = PALLOC(p, t->nexpect, vouch_test_expect);
        if (!o->rows || !o->expect)
            return 0;
        for (uint32_t j = 0; j < t->nrows; j++) {
            const vouch_test_row *r = &t->rows[j];
            vouch_test_row *orow = &o->rows[j];
            *orow = *r;
            orow->columns = PALLOC(p, r->ncells, uint32_t);
            orow->values = PALLOC(p, r->ncells, const char *);
            if (!orow->columns || !orow->values)
                return 0;
            for (uint32_t k = 0; k < r->ncells; k++) {
                orow->columns[k] = r->columns[k];
                orow->values[k] = r->values[k] ? pcstr(p, r->values[k]) : NULL;
            }
        }
        for (uint32_t j = 0; j < t->nexpect; j++) {
            o->expect[j] = t->expect[j];
            o->expect[j].subject = pcstr(p, t->expect[j].subject);
        }
    }
    return 1;
}

vouch_program *codegen_program(compiler *c)
{
    gen g;
    memset(&g, 0, sizeof g);
    g.c = c;
    g.explain = c->explain;
    g.cur_point = -1;
    g.quant_point = -1;
    vouch_rule_info *infos = arena_alloc(c->a, (c->rules.n + 1) * sizeof *infos);
    if (!infos)
        return NULL;
    for (uint32_t i = 0; i < c->rules.n; i++) {
        ast_node *r = c->rules.v[i];
        g.rule = i;
        g.nlocals = g.maxlocals = 0;
        vouch_rule_info *ri = &infos[i];
        ri->entry = pc(&g);
        ri->outer_plan = VOUCH_NO_PLAN;
        /* The next rule's nodes, while this one is generated (see
         * arena_prefetch): most of a big pack's code generation was
         * waiting for them otherwise. */
        if (i + 1 < c->rules.n)
            arena_prefetch(r + 1, c->rules.v[i + 1] + 1);
        g.pos_node = r;
        g.subj = SUBJ_NONE;
        if (!c->extra.v[i].skipped) {
            gen_fors(&g, r, r->u.rule.fors);
            ast_node *outer = r->u.rule.fors;
            if (outer && bnd(&g, outer->slot)->kind == BIND_ROW) {
                binding *ob = bnd(&g, outer->slot);
                ri->outer_plan = (uint32_t)ob->plan;
                /* The outer loop reads its key, so a runtime error can name
                 * the row (SUBJ_ROW): appended, so the columns the code
                 * reads keep their numbers. */
                const fact_table *t = &c->tables.v[ob->table];
                for (uint32_t k = 0; k < t->nkey; k++)
                    plan_column(&g, ob->plan, (int)t->key[k]);
            }
        }
        emit(&g, OP_HALT);
        g.pos_node = NULL;
        ri->nlocals = g.maxlocals;
        ri->severity = (uint8_t)vouch_severity_parse(r->u.rule.severity.p, r->u.rule.severity.len);
        source_position(r->src, r->off, &ri->line, &ri->col);
    }
    if (g.failed || c->a->failed)
        return NULL;
    vouch_program *p = finish(&g);
    if (!p) {
        c->a->failed = 1;    /* so the compiler reports out of memory */
        return NULL;
    }
    p->nrules = c->rules.n;
    p->rules = PALLOC(p, c->rules.n, vouch_rule_info);
    if (!p->rules) {
        vouch_program_free(p);
        c->a->failed = 1;
        return NULL;
    }
    for (uint32_t i = 0; i < c->rules.n; i++) {
        ast_node *r = c->rules.v[i];
        vouch_rule_info *ri = &p->rules[i];
        *ri = infos[i];
        ri->id = pstr(p, r->u.rule.id.p, r->u.rule.id.len);
        ri->title = pstr(p, r->u.rule.title->u.s.text, r->u.rule.title->u.s.n);
        ri->file = pcstr(p, r->src->name);
        ri->pack = pcstr(p, c->pack_of_src ? c->pack_of_src[r->src->index] : "");
        const rule_extra *x = &c->extra.v[i];
        ri->declared_severity = ri->severity;
        ri->severity = (uint8_t)x->severity;
        ri->override_by = pcstr(p, x->override_by ? x->override_by : "");
        ri->declared_enforcement = (uint8_t)(r->u.rule.enforcement.p
                                                 ? vouch_enforcement_parse(r->u.rule.enforcement.p,
                                                                           r->u.rule.enforcement.len)
                                                 : ENF_SOFT);
        ri->enforcement = (uint8_t)x->enforcement;
        ri->skipped = (uint8_t)x->skipped;
        ri->skip_reason = pcstr(p, x->skip_reason ? x->skip_reason : "");
        ri->nmaps = x->maps.n;
        ri->maps = PALLOC(p, x->maps.n, vouch_control_ref);
        if (ri->maps && x->maps.n)
            memcpy(ri->maps, x->maps.v, x->maps.n * sizeof *ri->maps);
    }
    if (!finish_catalogues(c, p) || !check_source_emit(c, p) || vouch_program_failed(p)) {
        vouch_program_free(p);
        c->a->failed = 1;
        return NULL;
    }
    return p;
}
