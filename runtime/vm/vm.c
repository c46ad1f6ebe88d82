/*
 * vm.c: the virtual machine. Runs each rule of a verified program against a
 * bound facts store and collects passes, findings and runtime errors.
 *
 * Machine model (after Lua's lvm.c and Wren's interpreter loop): a value
 * stack of VOUCH_STACK_MAX slots, nlocals local slots per rule, and a pc
 * into the program's code. One rule runs at a time, from its entry to HALT.
 * The verifier (verify.c) has proved every operand in range, every jump on
 * an instruction start of the same rule and the stack depth at every pc, so
 * the loop below checks none of that; it checks only what depends on the
 * data: value types, overflow, none, dates out of range, the step budget.
 *
 * Dispatch is a switch; GCC and Clang get computed goto (one indirect jump
 * per instruction, which predicts better), unless VOUCH_NO_COMPUTED_GOTO is
 * defined or the build has AddressSanitizer (so the asan variant of `make
 * test` keeps the switch tested). Both builds share the instruction bodies
 * through the CASE/NEXT macros.
 *
 * Memory and the lifetime of texts. Text values borrow their bytes, so the
 * VM keeps every text it hands out in memory it owns and never frees while
 * a value could still point there:
 *   - scratch: texts made by INTERP and CALL. A bump area, rewound (not
 *     freed) when the running subject ends (PASS/FINDING) and at the end of
 *     each rule.
 *   - row areas, one per plan: COLUMN copies a cursor's text into its plan's
 *     area, rewound when that cursor moves (SEEK, NEXT, CLOSE). So a text
 *     read from a row stays readable (if stale) whatever a program does,
 *     and the store may reuse its own buffers freely.
 *   - local buffers: STORE copies a text into its slot's buffer. A buffer
 *     too small is retired (kept until the rule ends), never freed in
 *     place, since a LOAD may have copied its pointer to the stack.
 * Only at the end of a rule, when the verifier guarantees an empty stack,
 * is anything released. Chunks of the bump areas are kept for the run.
 *
 * Errors. A data error in a rule (overflow, division by zero, a date out of
 * range, the step budget, a stored value of the wrong type: everything the
 * store reports as VOUCH_ERUNTIME) ends that rule:
 * its outcome records the message, the cursors it opened are reset, the
 * findings it made are kept, and the next rule runs. Out of memory and a
 * failure of the store itself (seek or next) end the run. The message
 * starts with the source position of the failing instruction and names
 * the subject being evaluated, as the program's position table says
 * (program.h); the VM looks the table up only then, and knows nothing of
 * the source beyond it.
 */
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "vm.h"
#include "clock.h"
#include "explain.h"
#include "date.h"
#include "builtins.h"
#include "alloc.h"
#include "escape.h"

/* The sanitizer builds (the asan variant of `make test`, the fuzz
 * targets) run the switch, so `make test` runs every test through both
 * dispatch loops. */
#if defined(__SANITIZE_ADDRESS__)
#define VOUCH_NO_COMPUTED_GOTO 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define VOUCH_NO_COMPUTED_GOTO 1
#endif
#endif
#if defined(__GNUC__) && !defined(VOUCH_NO_COMPUTED_GOTO)
#define VM_COMPUTED_GOTO 1
#endif

#if defined(__GNUC__)
#define UNLIKELY(x) __builtin_expect(!!(x), 0)
#else
#define UNLIKELY(x) (x)
#endif

/* ---- bump areas ----------------------------------------------------------- */

typedef struct chunk {
    struct chunk *next;
    size_t cap, used;
    _Alignas(max_align_t) char data[];
} chunk;

/* What the run may still allocate (VOUCH_MAX_RUN_MEMORY, or
 * vouch_run_env.memory_limit): the bump areas' chunks and the findings are
 * counted, which bounds everything the VM holds (a local's buffer never
 * holds more than a text made in scratch or copied from a row). */
/* The budget is the run's: VMs running its rules on two threads
 * (vm_parallel.c) take from the same one, hence the atomics. */
struct vouch_mem_budget {
    _Atomic uint64_t used;
    uint64_t limit;
    _Atomic int over;        /* an allocation was refused for the limit */
};
typedef struct vouch_mem_budget mem_budget;

static int mem_take(mem_budget *mb, size_t n)
{
    uint64_t before = atomic_fetch_add_explicit(&mb->used, n, memory_order_relaxed);
    if (before + n < before || before + n > mb->limit) {
        atomic_fetch_sub_explicit(&mb->used, n, memory_order_relaxed);
        atomic_store_explicit(&mb->over, 1, memory_order_relaxed);
        return 0;
    }
    return 1;
}

vouch_mem_budget *vouch_mem_budget_new(uint64_t limit)
{
    mem_budget *mb = vouch_calloc(1, sizeof *mb);
    if (mb)
        mb->limit = limit ? limit : VOUCH_MAX_RUN_MEMORY;
    return mb;
}

void vouch_mem_budget_free(vouch_mem_budget *mb) { vouch_free(mb); }

typedef struct bump {
    chunk *first, *cur;
    mem_budget *mb;
} bump;

#define BUMP_MIN 4096u

/* n bytes from b, or NULL if out of memory. Texts need no alignment. */
static char *bump_alloc(bump *b, size_t n)
{
    chunk *c = b->cur;
    if (c && c->cap - c->used >= n) {
        char *r = c->data + c->used;
        c->used += n;
        return r;
    }
    /* Reuse the next chunk after a rewind if it is big enough. */
    if (c && c->next && c->next->cap >= n) {
        c = c->next;
        c->used = n;
        b->cur = c;
        return c->data;
    }
    size_t cap = n > BUMP_MIN ? n : BUMP_MIN;
    if (c && c->cap * 2 > cap && c->cap < (SIZE_MAX >> 2))
        cap = c->cap * 2;
    if (b->mb && !mem_take(b->mb, sizeof(chunk) + cap))
        return NULL;
    chunk *nc = vouch_malloc(sizeof *nc + cap);
    if (!nc)
        return NULL;
    nc->cap = cap;
    nc->used = n;
    if (c) {
        nc->next = c->next;
        c->next = nc;
    } else {
        nc->next = b->first;
        b->first = nc;
    }
    b->cur = nc;
    return nc->data;
}

static void bump_rewind(bump *b)
{
    if (b->first) {
        b->first->used = 0;
        b->cur = b->first;
    }
}

static void bump_free(bump *b)
{
    chunk *c = b->first;
    while (c) {
        chunk *n = c->next;
        vouch_free(c);
        c = n;
    }
    b->first = b->cur = NULL;
}

/* ---- run state -------------------------------------------------------------- */

typedef struct lbuf {
    char *buf;
    size_t cap;
} lbuf;

typedef struct vm {
    const vouch_program *p;
    vouch_facts *f;
    const vouch_run_env *env;
    vouch_results *res;
    uint64_t budget;

    vouch_value stack[VOUCH_STACK_MAX];
    vouch_value *locals;     /* max nlocals over all rules */
    lbuf *lbufs;             /* one per local slot */
    char **retired;          /* local buffers replaced during this rule */
    size_t nretired, capretired;
    uint32_t maxlocals;

    bump scratch;
    mem_budget *mem;         /* the run's: own_mem, or one shared with another VM */
    mem_budget own_mem;
    int oom;                 /* a scratch allocation failed */
    bump *rows;              /* one per plan */
    unsigned char *open;     /* open[plan]: the running rule sought it */
    uint32_t *opened;        /* plans the running rule has sought */
    uint32_t nopened;

    vouch_trace *trace;      /* explain programs run with env->explain: the record */

    vouch_rule_share *shares; /* per rule, if outer rows are shared out (vouch_rule_queue) */
    vouch_rule_share *share; /* the running rule's: its outer plan's cursor is shared */
    uint32_t share_plan;     /* that plan */

    char why[768];           /* what went wrong in the running rule */
    char msg[1024];          /* the same, with the rule and pc */
} vm;

static void *scratch_fn(void *ctx, size_t n)
{
    vm *m = ctx;
    char *r = bump_alloc(&m->scratch, n);
    if (!r)
        m->oom = 1;
    return r;
}

static void rule_msg(vm *m, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rule_msg(vm *m, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(m->why, sizeof m->why, fmt, ap);
    va_end(ap);
    /* the message may quote a value: one line, shown as text (escape.h) */
    vouch_text_escape_inplace(m->why, sizeof m->why);
}

/* Copies a text into the local's own buffer, retiring a buffer too small. */
static int store_text(vm *m, uint32_t slot, vouch_value *v)
{
    lbuf *lb = &m->lbufs[slot];
    if (v->len > lb->cap || !lb->buf) {
        size_t cap = lb->cap * 2;
        if (cap < v->len)
            cap = v->len;
        if (cap < 32)
            cap = 32;
        char *nb = vouch_malloc(cap);
        if (!nb)
            return -1;
        if (lb->buf) {
            if (m->nretired == m->capretired) {
                size_t nc = m->capretired ? m->capretired * 2 : 16;
                char **r = vouch_realloc(m->retired, nc * sizeof *r);
                if (!r) {
                    vouch_free(nb);
                    return -1;
                }
                m->retired = r;
                m->capretired = nc;
            }
            m->retired[m->nretired++] = lb->buf;
        }
        lb->buf = nb;
        lb->cap = cap;
    }
    /* memmove: the text may be this very buffer's contents (L[a] := L[a]). */
    if (v->len)
        memmove(lb->buf, v->u.s, v->len);
    v->u.s = lb->buf;
    return 0;
}

static char *dup_value(const vouch_value *v)
{
    size_t n = vouch_value_format(v, NULL, 0);
    char *s = vouch_malloc(n + 1);
    if (!s)
        return NULL;
    if (v->type == VT_TEXT) {
        if (n)
            memcpy(s, v->u.s, n);
        s[n] = '\0';
    } else {
        vouch_value_format(v, s, n + 1);
    }
    return s;
}

/* Whether the outcome for this subject is to be explained (and, for a
 * pass, kept): env->only_subject, or SUBJECT@SPAN for a cadence rule's. */
static int wanted(const vm *m, const vouch_value *subject)
{
    const char *want = m->env->only_subject;
    if (!m->trace)
        return 0;
    if (!want)
        return 1;
    if (subject->type != VT_TEXT)
        return 0;
    size_t n = strlen(want);
    return subject->len >= n && memcmp(subject->u.s, want, n) == 0 &&
           (subject->len == n || subject->u.s[n] == '@');
}

/* The explanation of the outcome recorded now; 0, or -1 if out of memory. */
static int explain_outcome(vm *m, vouch_finding *fd, const vouch_value *subject)
{
    fd->why = NULL;
    if (!wanted(m, subject))
        return 0;
    fd->why = vouch_trace_build(m->trace);
    if (!fd->why || !mem_take(m->mem, fd->why->bytes)) {
        vouch_why_free(fd->why);
        fd->why = NULL;
        return -1;
    }
    return 0;
}

/* Appends an outcome of rule to *list (n used, cap allocated), its
 * memory charged to the run's budget, with its explanation if the run
 * explains. 0, or -1 if out of memory. */
static int record(vm *m, vouch_finding **list, uint32_t *n, uint32_t *cap, uint32_t rule,
                  vouch_status_kind status, const vouch_value *subject, const vouch_value *msg)
{
    if (*n == *cap) {
        uint32_t nc = *cap ? *cap * 2 : 64;
        if (nc < *cap || !mem_take(m->mem, (size_t)(nc - *cap) * sizeof **list))
            return -1;
        vouch_finding *nl = vouch_realloc(*list, (size_t)nc * sizeof *nl);
        if (!nl)
            return -1;
        *list = nl;
        *cap = nc;
    }
    vouch_finding *fd = &(*list)[*n];
    memset(fd, 0, sizeof *fd);
    fd->rule = rule;
    fd->status = (uint8_t)status;
    fd->waiver = -1;
    fd->subject = dup_value(subject);
    fd->message = dup_value(msg);
    if (!fd->subject || !fd->message || explain_outcome(m, fd, subject) != 0) {
        vouch_free(fd->subject);
        vouch_free(fd->message);
        return -1;
    }
    ++*n;
    return 0;
}

/* A passing subject, kept with its explanation (env->keep_passes). */
static int add_pass(vm *m, uint32_t rule, const vouch_value *subject)
{
    vouch_results *r = m->res;
    if (!m->env->keep_passes || !wanted(m, subject))
        return 0;
    return record(m, &r->passes, &r->npasses, &r->cappasses, rule, OUTCOME_PASS, subject,
                  &(vouch_value){VT_TEXT, 0, {.s = ""}});
}

static int add_finding(vm *m, uint32_t rule, const vouch_value *subject, const vouch_value *msg,
                       vouch_status_kind status)
{
    vouch_results *r = m->res;
    if (!mem_take(m->mem, vouch_value_format(subject, NULL, 0) + vouch_value_format(msg, NULL, 0) + 2))
        return -1;
    return record(m, &r->findings, &r->nfindings, &r->cap, rule, status, subject, msg);
}

/* Ends the running rule: resets the cursors it opened and releases what
 * only this rule could still point to. */
static void end_rule(vm *m)
{
    for (uint32_t i = 0; i < m->nopened; i++) {
        uint32_t pl = m->opened[i];
        if (m->f)
            vouch_facts_reset(m->f, pl);
        bump_rewind(&m->rows[pl]);
        m->open[pl] = 0;
    }
    m->nopened = 0;
    if (m->share && m->f)
        vouch_facts_share_rows(m->f, m->share_plan, NULL);
    for (size_t i = 0; i < m->nretired; i++)
        vouch_free(m->retired[i]);
    m->nretired = 0;
    bump_rewind(&m->scratch);
}

static int is_true(const vouch_value *v) { return v->type == VT_BOOL && v->u.i != 0; }

static int cmp_findings(const void *a, const void *b)
{
    const vouch_finding *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    int c = strcmp(x->subject, y->subject);
    if (c)
        return c;
    c = strcmp(x->message, y->message);
    if (c)
        return c;
    /* a total order, so findings gathered by two VMs sort as one VM's */
    return (x->status > y->status) - (x->status < y->status);
}

/* ---- error messages ----------------------------------------------------- */

/* The position entry covering pc, or NULL if none of rule ri's does. */
static const vouch_position *position_at(const vouch_program *p, const vouch_rule_info *ri,
                                         uint32_t pc)
{
    uint32_t lo = 0, hi = p->npositions; /* first entry past pc: in [lo, hi] */
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (p->positions[mid].pc <= pc)
            lo = mid + 1;
        else
            hi = mid;
    }
    if (lo == 0 || p->positions[lo - 1].pc < ri->entry)
        return NULL;
    return &p->positions[lo - 1];
}

/* Appends v to buf (length *n, capacity cap), shortened past a few hundred
 * bytes: a name for a message, not the value itself. */
static void append_value(char *buf, size_t cap, size_t *n, const vouch_value *v)
{
    enum { MAX_SHOWN = 200 };
    char tmp[MAX_SHOWN + 1];
    size_t len;
    const char *s;
    if (v->type == VT_TEXT) {
        s = v->u.s;
        len = v->len;
    } else {
        len = vouch_value_format(v, tmp, sizeof tmp);
        s = tmp;
    }
    size_t shown = len > MAX_SHOWN ? MAX_SHOWN : len;
    int k = snprintf(buf + *n, cap - *n, "%.*s%s", (int)shown, s, shown < len ? "..." : "");
    if (k > 0)
        *n += (size_t)k < cap - *n ? (size_t)k : cap - *n - 1;
}

/* ", subject S" or ", row KEY of TABLE" for the running iteration, as the
 * position says where it is; "" when it says nowhere or the row cannot be
 * read. Stack slot 0 is read only where the position says the subject is
 * there, which the verifier proved every path fills. */
static void describe_subject(vm *m, const vouch_rule_info *ri, const vouch_position *pos,
                             char *buf, size_t cap)
{
    size_t n = 0;
    buf[0] = '\0';
    if (!pos)
        return;
    if (pos->subject == SUBJ_STACK) {
        n = (size_t)snprintf(buf, cap, ", subject ");
        append_value(buf, cap, &n, &m->stack[0]);
        return;
    }
    uint32_t pl = ri->outer_plan;
    if (pos->subject != SUBJ_ROW || pl == VOUCH_NO_PLAN || !m->f || !m->open[pl])
        return;
    const vouch_plan *plan = &m->p->plans[pl];
    const vouch_table_decl *t = &m->p->tables[plan->table];
    n = (size_t)snprintf(buf, cap, ", row ");
    for (uint32_t k = 0; k < t->nkey; k++) {
        uint32_t i = 0;
        while (i < plan->ncolumns && plan->columns[i] != t->key[k])
            i++;
        vouch_value v;
        vouch_error ignored;
        if (i == plan->ncolumns || vouch_facts_column(m->f, pl, i, &v, &ignored) != VOUCH_OK) {
            buf[0] = '\0'; /* the row cannot be named: say nothing rather than half */
            return;
        }
        if (k && n + 1 < cap)
            buf[n++] = '/', buf[n] = '\0';
        append_value(buf, cap, &n, &v);
    }
    if (n < cap)
        snprintf(buf + n, cap - n, " of %s", t->name);
}

/* m->msg: "FILE:LINE:COL: rule R, subject S: what went wrong" for the
 * instruction at pc (the rule's own position if the table has none). */
static void error_message(vm *m, const vouch_rule_info *ri, uint32_t pc)
{
    const vouch_position *pos = position_at(m->p, ri, pc);
    char subject[300];
    describe_subject(m, ri, pos, subject, sizeof subject);
    if (pos)
        snprintf(m->msg, sizeof m->msg, "%s:%u:%u: rule %s%s: %s", m->p->files[pos->file],
                 pos->line, pos->col, ri->id, subject, m->why);
    else
        snprintf(m->msg, sizeof m->msg, "%s:%u:%u: rule %s: %s", ri->file, ri->line, ri->col,
                 ri->id, m->why);
}

/* Result of running one rule. */
enum { RULE_OK = 0, RULE_ERROR, RUN_STOP };

/* Instructions between two readings of the clock (a few milliseconds). */
#define VM_CHUNK ((uint64_t)1 << 22)

static uint64_t take_chunk(uint64_t *rest)
{
    uint64_t n = *rest < VM_CHUNK ? *rest : VM_CHUNK;
    *rest -= n;
    return n;
}

/* Runs rule r. RULE_ERROR leaves the message in m->msg; RUN_STOP sets err. */
static int run_rule(vm *m, uint32_t r, vouch_error *err)
{
    const vouch_program *p = m->p;
    const vouch_rule_info *ri = &p->rules[r];
    const uint32_t *code = p->code;
    vouch_rule_outcome *out = &m->res->rules[r];
    vouch_value *stack = m->stack;
    vouch_value *locals = m->locals;
    uint32_t sp = 0;          /* stack[sp-1] is the top */
    uint32_t pc = ri->entry;
    uint32_t op_pc = pc;      /* start of the running instruction, for messages */
    /* The budget is counted down a chunk at a time: between chunks the
     * deadline is read (budget_out), so --timeout reaches a rule that
     * loops without a clock read on the hot path. */
    uint64_t rest = m->budget;  /* instructions after the current chunk */
    uint64_t left = take_chunk(&rest);
    vouch_scratch sc = {scratch_fn, m};
    vouch_error ferr;

    for (uint32_t i = 0; i < ri->nlocals; i++)
        locals[i] = vouch_none();
    if (m->trace)
        vouch_trace_reset(m->trace);
    if (m->f)  /* the store's SQL has a budget of the same size per rule */
        vouch_facts_restart_budget(m->f);
    /* A shared rule: its outer rows are shared with the other VM through
     * the cursor (vouch_facts_share_rows), which passes over the rows the
     * other claimed; end_rule ends the sharing. */
    m->share = m->shares && ri->outer_plan != VOUCH_NO_PLAN ? &m->shares[r] : NULL;
    if (m->share && m->f) {
        m->share_plan = ri->outer_plan;
        vouch_facts_share_rows(m->f, m->share_plan, &m->share->rows);
    }

#define TOP (stack[sp - 1])
#define SEC (stack[sp - 2])
#define RERR(...) do { rule_msg(m, __VA_ARGS__); goto rule_error; } while (0)
#define OOM() do { if (atomic_load(&m->mem->over))                                                        \
                       vouch_error_set(err, VOUCH_EINPUT, "rule %s: the run needs more than the " \
                                       "memory limit of %llu MiB (findings and texts)", ri->id, \
                                       (unsigned long long)(m->mem->limit >> 20));                 \
                   else                                                                           \
                       vouch_error_set(err, VOUCH_ENOMEM, "out of memory in rule %s", ri->id);   \
                   goto run_stop; } while (0)

/* Binary integer-like operation on the two top values: none in, none out;
 * both must have the types given. */
#define BINARY_PRELUDE(ta, tb, opname)                                          \
    vouch_value *a_ = &SEC, *b_ = &TOP;                                         \
    sp--;                                                                       \
    if (a_->type == VT_NONE || b_->type == VT_NONE) {                           \
        *a_ = vouch_none();                                                     \
        pc += 1;                                                                \
        NEXT;                                                                   \
    }                                                                           \
    if (UNLIKELY(a_->type != (ta) || b_->type != (tb)))                         \
        RERR("%s: operands of the wrong type", opname);

#ifdef VM_COMPUTED_GOTO
    static const void *const labels[OP__COUNT] = {
#define OP(name, operands, pops, pushes, meaning) &&L_##name,
#include "opcodes.def"
#undef OP
    };
#define CASE(name) L_##name:
#define NEXT                                        \
    do {                                            \
        if (UNLIKELY(--left == 0))                  \
            goto budget_out;                        \
        op_pc = pc;                                 \
        goto *labels[code[pc]];                     \
    } while (0)
    left++;                   /* the first NEXT counts the first instruction */
resume:
    NEXT;
#else
#define CASE(name) case OP_##name:
#define NEXT continue
    left++;
    for (;;) {
resume:
        if (UNLIKELY(--left == 0))
            goto budget_out;
        op_pc = pc;
        switch ((vouch_opcode)code[pc]) {
#endif

    CASE(NOP)
        pc += 1;
        NEXT;
    CASE(CONST)
        stack[sp++] = p->consts[code[pc + 1]];
        pc += 2;
        NEXT;
    CASE(NONE)
        stack[sp++] = vouch_none();
        pc += 1;
        NEXT;
    CASE(TRUE)
        stack[sp++] = vouch_bool(1);
        pc += 1;
        NEXT;
    CASE(FALSE)
        stack[sp++] = vouch_bool(0);
        pc += 1;
        NEXT;
    CASE(LOAD)
        stack[sp++] = locals[code[pc + 1]];
        pc += 2;
        NEXT;
    CASE(STORE) {
        uint32_t slot = code[pc + 1];
        vouch_value v = stack[--sp];
        if (v.type == VT_TEXT && store_text(m, slot, &v) != 0)
            OOM();
        locals[slot] = v;
        pc += 2;
        NEXT;
    }
    CASE(POP)
        sp--;
        pc += 1;
        NEXT;
    CASE(ENV) {
        uint32_t which = code[pc + 1];
        int64_t d = which == VOUCH_ENV_TODAY ? m->env->today
                  : which == VOUCH_ENV_PERIOD_START ? m->env->period_start
                  : m->env->period_end;
        stack[sp++] = vouch_date(d);
        pc += 2;
        NEXT;
    }
    CASE(COLUMN) {
        uint32_t pl = code[pc + 1], col = code[pc + 2];
        vouch_value v;
        if (UNLIKELY(!m->f || !m->open[pl]))
            RERR("plan %u read before it was sought", pl);
        vouch_status st = vouch_facts_column(m->f, pl, col, &v, &ferr);
        if (st == VOUCH_ENOMEM)
            OOM();
        if (st != VOUCH_OK)
            RERR("%s", ferr.msg);
        if (v.type == VT_TEXT) {
            /* Copy into the plan's row area: see the note at the top. */
            char *s = bump_alloc(&m->rows[pl], v.len ? v.len : 1);
            if (!s)
                OOM();
            if (v.len)
                memcpy(s, v.u.s, v.len);
            v.u.s = s;
        }
        stack[sp++] = v;
        pc += 3;
        NEXT;
    }
/* Integer-like arithmetic that fails the rule on overflow. */
#define CHECKED(t, opname, overflows)                                           \
    {                                                                           \
        BINARY_PRELUDE(t, t, opname)                                            \
        if (UNLIKELY(overflows(a_->u.i, b_->u.i, &a_->u.i)))                    \
            RERR("integer overflow");                                           \
        pc += 1;                                                                \
        NEXT;                                                                   \
    }
    CASE(ADD) CHECKED(VT_INT, "+", __builtin_add_overflow)
    CASE(SUB) CHECKED(VT_INT, "-", __builtin_sub_overflow)
    CASE(MUL) CHECKED(VT_INT, "*", __builtin_mul_overflow)
    CASE(DIV) {
        BINARY_PRELUDE(VT_INT, VT_INT, "/")
        if (UNLIKELY(b_->u.i == 0))
            RERR("division by zero");
        if (UNLIKELY(b_->u.i == -1 && a_->u.i == INT64_MIN))
            RERR("integer overflow");
        a_->u.i /= b_->u.i;
        pc += 1;
        NEXT;
    }
    CASE(MOD) {
        BINARY_PRELUDE(VT_INT, VT_INT, "%")
        if (UNLIKELY(b_->u.i == 0))
            RERR("division by zero");
        /* INT64_MIN % -1 traps on x86; the answer is 0 for any a. */
        a_->u.i = b_->u.i == -1 ? 0 : a_->u.i % b_->u.i;
        pc += 1;
        NEXT;
    }
    CASE(NEG) {
        vouch_value *a = &TOP;
        if (a->type != VT_NONE) {
            /* -int, -duration and -calendar duration (the language allows all three) */
            if (UNLIKELY(a->type != VT_INT && a->type != VT_DUR && a->type != VT_MONTHS))
                RERR("-: operand of the wrong type");
            if (UNLIKELY(a->u.i == INT64_MIN))
                RERR("integer overflow");
            a->u.i = -a->u.i;
        }
        pc += 1;
        NEXT;
    }
    CASE(DATE_ADD) {
        vouch_value *a_ = &SEC, *b_ = &TOP;
        sp--;
        if (a_->type == VT_NONE || b_->type == VT_NONE) {
            *a_ = vouch_none();
            pc += 1;
            NEXT;
        }
        /* date + duration, in either order */
        if ((a_->type == VT_DUR || a_->type == VT_MONTHS) && b_->type == VT_DATE) {
            vouch_value t = *a_;
            *a_ = *b_;
            *b_ = t;
        }
        if (UNLIKELY(a_->type != VT_DATE || (b_->type != VT_DUR && b_->type != VT_MONTHS)))
            RERR("date +: operands of the wrong type");
        int64_t d;
        if (b_->type == VT_MONTHS ? date_move_months(a_->u.i, b_->u.i, &d) != 0
                                  : __builtin_add_overflow(a_->u.i, b_->u.i, &d) || !date_in_range(d))
            RERR("date out of range (years %d..%d)", VOUCH_DATE_MIN_YEAR, VOUCH_DATE_MAX_YEAR);
        a_->u.i = d;
        pc += 1;
        NEXT;
    }
    CASE(DATE_SUB) {
        vouch_value *a_ = &SEC, *b_ = &TOP;
        sp--;
        if (a_->type == VT_NONE || b_->type == VT_NONE) {
            *a_ = vouch_none();
            pc += 1;
            NEXT;
        }
        if (UNLIKELY(a_->type != VT_DATE || (b_->type != VT_DUR && b_->type != VT_MONTHS)))
            RERR("date -: operands of the wrong type");
        int64_t d;
        /* A calendar duration moves the date by whole months back (never
         * below INT64_MIN: it is at most 120000 months, checked there). */
        if (b_->type == VT_MONTHS ? b_->u.i == INT64_MIN || date_move_months(a_->u.i, -b_->u.i, &d) != 0
                                  : __builtin_sub_overflow(a_->u.i, b_->u.i, &d) || !date_in_range(d))
            RERR("date out of range (years %d..%d)", VOUCH_DATE_MIN_YEAR, VOUCH_DATE_MAX_YEAR);
        a_->u.i = d;
        pc += 1;
        NEXT;
    }
    CASE(DATE_DIFF) {
        BINARY_PRELUDE(VT_DATE, VT_DATE, "date - date")
        int64_t d;
        if (UNLIKELY(__builtin_sub_overflow(a_->u.i, b_->u.i, &d)))
            RERR("integer overflow");
        *a_ = vouch_dur(d);
        pc += 1;
        NEXT;
    }
/* duration +/- duration, or calendar duration +/- calendar duration: the
 * two of one kind (days and months never mix). */
#define DURATIONS(opname, overflows)                                            \
    {                                                                           \
        vouch_value *a_ = &SEC, *b_ = &TOP;                                     \
        sp--;                                                                   \
        if (a_->type == VT_NONE || b_->type == VT_NONE) {                       \
            *a_ = vouch_none();                                                 \
            pc += 1;                                                            \
            NEXT;                                                               \
        }                                                                       \
        if (UNLIKELY(a_->type != b_->type || (a_->type != VT_DUR && a_->type != VT_MONTHS))) \
            RERR("%s: operands of the wrong type", opname);                     \
        if (UNLIKELY(overflows(a_->u.i, b_->u.i, &a_->u.i)))                    \
            RERR("integer overflow");                                           \
        pc += 1;                                                                \
        NEXT;                                                                   \
    }
    CASE(DUR_ADD) DURATIONS("duration +", __builtin_add_overflow)
    CASE(DUR_SUB) DURATIONS("duration -", __builtin_sub_overflow)
#undef DURATIONS
#undef CHECKED
    CASE(EQ)
        SEC = vouch_bool(vouch_value_equal(&SEC, &TOP));
        sp--;
        pc += 1;
        NEXT;
    CASE(NE)
        SEC = vouch_bool(!vouch_value_equal(&SEC, &TOP));
        sp--;
        pc += 1;
        NEXT;

/* Ordering: false if either side is none; the two must have one type. */
#define ORDER(cond)                                                             \
    {                                                                           \
        vouch_value *a_ = &SEC, *b_ = &TOP;                                     \
        sp--;                                                                   \
        if (a_->type == VT_NONE || b_->type == VT_NONE) {                       \
            *a_ = vouch_bool(0);                                                \
        } else {                                                                \
            if (UNLIKELY(a_->type != b_->type) && !vouch_value_numeric(a_, b_)) \
                RERR("comparison of values of different types");                \
            int c_ = vouch_value_compare(a_, b_);                               \
            *a_ = vouch_bool(cond);                                             \
        }                                                                       \
        pc += 1;                                                                \
        NEXT;                                                                   \
    }
    CASE(LT) ORDER(c_ < 0)
    CASE(LE) ORDER(c_ <= 0)
    CASE(GT) ORDER(c_ > 0)
    CASE(GE) ORDER(c_ >= 0)
#undef ORDER

    CASE(NOT)
        /* The compiler emits NOT on bools only; none counts as false. */
        TOP = vouch_bool(!is_true(&TOP));
        pc += 1;
        NEXT;

#define EXTREME(keep_second)                                                    \
    {                                                                           \
        vouch_value *a_ = &SEC, *b_ = &TOP;                                     \
        sp--;                                                                   \
        if (a_->type == VT_NONE) {                                              \
            *a_ = *b_;                                                          \
        } else if (b_->type != VT_NONE) {                                       \
            if (UNLIKELY(a_->type != b_->type))                                 \
                RERR("comparison of values of different types");                \
            int c_ = vouch_value_compare(a_, b_);                               \
            if (keep_second)                                                    \
                *a_ = *b_;                                                      \
        }                                                                       \
        pc += 1;                                                                \
        NEXT;                                                                   \
    }
    CASE(MIN) EXTREME(c_ > 0)
    CASE(MAX) EXTREME(c_ < 0)
#undef EXTREME

    CASE(AVG) {
        /* An average is kept as the exact fraction sum/count (a decimal):
         * rounding it would let a threshold comparison pass a fail. */
        vouch_value *a_ = &SEC, *b_ = &TOP;
        sp--;
        if (UNLIKELY(a_->type != VT_INT || b_->type != VT_INT))
            RERR("avg: operands of the wrong type");
        if (b_->u.i == 0)
            *a_ = vouch_none();
        else if (UNLIKELY(b_->u.i < 0 || b_->u.i > UINT32_MAX))
            RERR("avg: more rows than an average can count");
        else
            *a_ = vouch_decimal(a_->u.i, (uint32_t)b_->u.i);
        pc += 1;
        NEXT;
    }

    CASE(JUMP) {
        uint32_t t = code[pc + 1];
        pc = t;
        NEXT;
    }
    CASE(JUMP_FALSE)
        sp--;
        pc = !is_true(&stack[sp]) ? code[pc + 1] : pc + 2;
        NEXT;
    CASE(JUMP_TRUE)
        sp--;
        pc = is_true(&stack[sp]) ? code[pc + 1] : pc + 2;
        NEXT;
    CASE(AND_JUMP)
        if (!is_true(&TOP)) {
            pc = code[pc + 1];
        } else {
            sp--;
            pc += 2;
        }
        NEXT;
    CASE(OR_JUMP)
        if (is_true(&TOP)) {
            pc = code[pc + 1];
        } else {
            sp--;
            pc += 2;
        }
        NEXT;
    CASE(CALL) {
        uint32_t id = code[pc + 1], n = code[pc + 2];
        vouch_value *args = &stack[sp - n];
        vouch_value res;
        int none = 0;
        for (uint32_t i = 0; i < n; i++)
            if (args[i].type == VT_NONE && !vouch_builtin_takes_none(id, i))
                none = 1;
        if (none) {
            res = vouch_none();
        } else {
            char msg[256];
            m->oom = 0;
            if (vouch_builtin_call(id, args, n, &sc, &res, msg, sizeof msg) != 0) {
                if (m->oom)
                    OOM();
                RERR("%s", msg);
            }
        }
        sp -= n;
        stack[sp++] = res;
        pc += 3;
        NEXT;
    }
    CASE(INTERP) {
        uint32_t n = code[pc + 1];
        vouch_value *vals = &stack[sp - n];
        size_t total = 0;
        for (uint32_t i = 0; i < n; i++)
            total += vals[i].type == VT_TEXT ? vals[i].len : vouch_value_format(&vals[i], NULL, 0);
        if (UNLIKELY(total > UINT32_MAX))
            RERR("text too long");
        char *s = bump_alloc(&m->scratch, total ? total : 1);
        if (!s)
            OOM();
        size_t at = 0;
        for (uint32_t i = 0; i < n; i++) {
            if (vals[i].type == VT_TEXT) {
                if (vals[i].len)
                    memcpy(s + at, vals[i].u.s, vals[i].len);
                at += vals[i].len;
            } else {
                char tmp[64];
                size_t k = vouch_value_format(&vals[i], tmp, sizeof tmp);
                if (k >= sizeof tmp)
                    k = sizeof tmp - 1;
                memcpy(s + at, tmp, k);
                at += k;
            }
        }
        sp -= n;
        stack[sp++] = vouch_text(s, at);
        pc += 2;
        NEXT;
    }
    CASE(SEEK) {
        uint32_t pl = code[pc + 1];
        uint32_t n = p->plans[pl].nparams;
        if (UNLIKELY(!m->f)) {
            vouch_error_set(err, VOUCH_EINPUT, "rule %s: no facts store to read plan %u", ri->id,
                            pl);
            goto run_stop;
        }
        vouch_status st = vouch_facts_seek(m->f, pl, &stack[sp - n], &ferr);
        if (st == VOUCH_ERUNTIME) /* a bad parameter (a date out of range): this rule only */
            RERR("%s", ferr.msg);
        if (st != VOUCH_OK) {
            vouch_error_set(err, st, "rule %s: %s", ri->id, ferr.msg);
            goto run_stop;
        }
        if (m->trace)
            vouch_trace_seek(m->trace, pl, &stack[sp - n]);
        /* The old row is gone: its texts may be overwritten (not freed). */
        bump_rewind(&m->rows[pl]);
        if (!m->open[pl]) {
            m->open[pl] = 1;
            m->opened[m->nopened++] = pl;
        }
        sp -= n;
        pc += 2;
        NEXT;
    }
    CASE(NEXT) {
        uint32_t pl = code[pc + 1];
        int has_row = 0;
        if (UNLIKELY(!m->f || !m->open[pl]))
            RERR("plan %u advanced before it was sought", pl);
        vouch_status st = vouch_facts_next(m->f, pl, &has_row, &ferr);
        if (st == VOUCH_ERUNTIME)
            RERR("%s", ferr.msg);
        if (st != VOUCH_OK) {
            vouch_error_set(err, st, "rule %s: %s", ri->id, ferr.msg);
            goto run_stop;
        }
        bump_rewind(&m->rows[pl]);
        if (m->trace)
            vouch_trace_next(m->trace, m->f, pl, has_row);
        pc = has_row ? pc + 3 : code[pc + 2];
        NEXT;
    }
    CASE(CLOSE) {
        uint32_t pl = code[pc + 1];
        if (m->f && m->open[pl])
            vouch_facts_reset(m->f, pl);
        bump_rewind(&m->rows[pl]);
        pc += 2;
        NEXT;
    }
    CASE(PASS)
        if (m->trace && add_pass(m, r, &TOP) != 0)
            OOM();
        sp--;
        out->passed++;
        bump_rewind(&m->scratch);
        pc += 1;
        NEXT;
    CASE(FINDING)
        if (add_finding(m, r, &SEC, &TOP, OUTCOME_FAIL) != 0)
            OOM();
        sp -= 2;
        out->failed++;
        bump_rewind(&m->scratch);
        pc += 1;
        NEXT;
    CASE(NA)
        if (add_finding(m, r, &SEC, &TOP, OUTCOME_NA) != 0)
            OOM();
        sp -= 2;
        out->not_applicable++;
        bump_rewind(&m->scratch);
        pc += 1;
        NEXT;
    CASE(STALE)
        if (add_finding(m, r, &SEC, &TOP, OUTCOME_STALE) != 0)
            OOM();
        sp -= 2;
        out->stale++;
        bump_rewind(&m->scratch);
        pc += 1;
        NEXT;
    CASE(HALT)
        if (m->share)
            atomic_fetch_add_explicit(&m->share->steps, m->budget - rest - left, memory_order_relaxed);
        end_rule(m);
        return RULE_OK;
    CASE(TRACE)
        if (m->trace)
            vouch_trace_value(m->trace, code[pc + 1], &TOP);
        pc += 2;
        NEXT;

#ifndef VM_COMPUTED_GOTO
        default:
            RERR("unknown opcode %u", code[pc]);
        }
    }
#endif

budget_out:
    if (rest) {
        if (m->env->deadline_ns && vouch_clock_ns() > m->env->deadline_ns) {
            vouch_error_set(err, VOUCH_EINPUT, "rule %s: the run's time limit of %u s was reached",
                            ri->id, m->env->timeout_s);
            goto run_stop;
        }
        left = take_chunk(&rest) + 1;  /* the instruction at pc has not run */
        goto resume;
    }
    rule_msg(m, "step budget of %llu instructions exhausted", (unsigned long long)m->budget);
    goto rule_error;
rule_error: {
        if (m->share)
            atomic_fetch_add_explicit(&m->share->steps, m->budget - rest - left, memory_order_relaxed);
        error_message(m, ri, op_pc);
        end_rule(m);
        return RULE_ERROR;
    }
run_stop:
    end_rule(m);
    return RUN_STOP;

#undef TOP
#undef SEC
#undef RERR
#undef OOM
#undef BINARY_PRELUDE
#undef CASE
#undef NEXT
}

void vouch_results_sort(vouch_results *r)
{
    if (r->nfindings > 1)
        qsort(r->findings, r->nfindings, sizeof *r->findings, cmp_findings);
}

void vouch_results_free(vouch_results *r)
{
    if (!r)
        return;
    for (uint32_t i = 0; i < r->nfindings; i++) {
        vouch_free(r->findings[i].subject);
        vouch_free(r->findings[i].message);
        vouch_why_free(r->findings[i].why);
    }
    vouch_free(r->findings);
    for (uint32_t i = 0; i < r->npasses; i++) {
        vouch_free(r->passes[i].subject);
        vouch_free(r->passes[i].message);
        vouch_why_free(r->passes[i].why);
    }
    vouch_free(r->passes);
    for (uint32_t i = 0; i < r->nrules; i++)
        vouch_free(r->rules[i].error);
    vouch_free(r->rules);
    vouch_free(r->unused);
    memset(r, 0, sizeof *r);
}

static void vm_fini(vm *m)
{
    for (uint32_t i = 0; i < m->maxlocals; i++)
        vouch_free(m->lbufs ? m->lbufs[i].buf : NULL);
    vouch_free(m->lbufs);
    vouch_free(m->locals);
    for (size_t i = 0; i < m->nretired; i++)
        vouch_free(m->retired[i]);
    vouch_free(m->retired);
    bump_free(&m->scratch);
    if (m->rows)
        for (uint32_t i = 0; i < m->p->nplans; i++)
            bump_free(&m->rows[i]);
    vouch_free(m->rows);
    vouch_free(m->open);
    vouch_free(m->opened);
    vouch_trace_free(m->trace);
}

vouch_status vouch_vm_run(const vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                          vouch_results *out, vouch_error *err)
{
    return vouch_vm_run_part(p, f, env, NULL, NULL, out, err);
}

vouch_status vouch_vm_run_part(const vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                               vouch_rule_queue *queue, vouch_mem_budget *shared, vouch_results *out,
                               vouch_error *err)
{
    vouch_status st = VOUCH_OK;
    vm *m = vouch_calloc(1, sizeof *m);
    memset(out, 0, sizeof *out);
    if (!m)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    m->p = p;
    m->f = f;
    m->env = env;
    m->res = out;
    m->budget = env->step_budget ? env->step_budget : VOUCH_DEFAULT_STEP_BUDGET;
    if (f)
        vouch_facts_set_limits(f, m->budget, env->deadline_ns, env->timeout_s);
    m->own_mem.limit = env->memory_limit ? env->memory_limit : VOUCH_MAX_RUN_MEMORY;
    m->mem = shared ? shared : &m->own_mem;
    m->scratch.mb = m->mem;
    m->shares = queue ? queue->share : NULL;
    for (uint32_t r = 0; r < p->nrules; r++)
        if (p->rules[r].nlocals > m->maxlocals)
            m->maxlocals = p->rules[r].nlocals;
    /* vouch_calloc(0) may return NULL: allocate at least one of each. */
    m->locals = vouch_calloc(m->maxlocals + 1, sizeof *m->locals);
    m->lbufs = vouch_calloc(m->maxlocals + 1, sizeof *m->lbufs);
    m->rows = vouch_calloc(p->nplans + 1, sizeof *m->rows);
    m->open = vouch_calloc(p->nplans + 1, 1);
    m->opened = vouch_calloc(p->nplans + 1, sizeof *m->opened);
    out->rules = vouch_calloc(p->nrules + 1, sizeof *out->rules);
    if (!m->locals || !m->lbufs || !m->rows || !m->open || !m->opened || !out->rules) {
        st = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto done;
    }
    for (uint32_t i = 0; i < p->nplans; i++)
        m->rows[i].mb = m->mem;
    out->nrules = p->nrules;
    out->threads = 1;
    if (env->explain && p->npoints && !(m->trace = vouch_trace_new(p))) {
        st = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        goto done;
    }

    /* The rules in order, or the next one nobody has taken; then, with
     * shared rows, the rules another VM is still running. */
    for (uint32_t next = 0, join = 0;;) {
        uint32_t r = queue ? atomic_fetch_add_explicit(&queue->next, 1, memory_order_relaxed) : next++;
        if (queue && atomic_load_explicit(&queue->stop, memory_order_relaxed))
            break;
        if (r >= p->nrules) {
            if (!m->shares)
                break;
            while (join < p->nrules && !(p->rules[join].outer_plan != VOUCH_NO_PLAN &&
                                         atomic_load(&m->shares[join].started) &&
                                         !atomic_load(&m->shares[join].finished)))
                join++;
            if (join >= p->nrules)
                break;
            r = join++;
            atomic_store(&m->shares[r].joined, 1);
        } else if (m->shares) {
            atomic_store(&m->shares[r].started, 1);
        }
        if (env->one_rule && r + 1 != env->one_rule)
            continue;
        /* A rule that reads a bad stored value is not run: its outcome is
         * the error (facts.h, vouch_facts_rule_problem). */
        int rc;
        if (vouch_facts_rule_problem(f, r, m->why, sizeof m->why)) {
            snprintf(m->msg, sizeof m->msg, "rule %s: %s", p->rules[r].id, m->why);
            rc = RULE_ERROR;
        } else {
            rc = run_rule(m, r, err);
        }
        if (m->shares)
            atomic_store(&m->shares[r].finished, 1);
        if (rc == RUN_STOP) {
            st = err ? err->status : VOUCH_EINPUT;
            if (st == VOUCH_OK)
                st = VOUCH_EINPUT;
            if (queue) /* the other VM stops too: the run has failed */
                atomic_store_explicit(&queue->stop, 1, memory_order_relaxed);
            goto done;
        }
        if (rc == RULE_ERROR) {
            vouch_rule_outcome *o = &out->rules[r];
            o->errored = 1;
            o->error = vouch_strdup(m->msg);
            if (!o->error) {
                st = vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
                goto done;
            }
        }
    }
    vouch_results_sort(out);

done:
    vm_fini(m);
    vouch_free(m);
    if (st != VOUCH_OK)
        vouch_results_free(out);
    return st;
}
