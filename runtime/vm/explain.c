/*
 * explain.c: the trace the VM keeps while an explain program runs and the
 * explanations built from it (explain.h). Their text and JSON forms are
 * the report layer's (runtime/report/explain_text.c).
 */
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "alloc.h"
#include "strbuf.h"

/* A subject whose record grows past this is cut (and says so): only
 * pathological rules get near it, since moving cursors forget. */
#define TRACE_MAX_EVENTS 20000u

typedef enum ev_kind { EV_SEEK = 0, EV_ROW, EV_FIELD, EV_END, EV_VALUE } ev_kind;

typedef struct ev {
    uint8_t kind;            /* ev_kind */
    uint8_t type;            /* EV_FIELD, EV_VALUE: vouch_vtype */
    uint32_t ref;            /* plan (SEEK, ROW, END), plan column (FIELD), point (VALUE) */
    int64_t rows;            /* EV_END: rows the search gave */
    size_t text;             /* offset of its text in the trace's text */
    uint32_t len;
} ev;

struct vouch_trace {
    const vouch_program *p;
    ev *ev;
    uint32_t n, cap;
    sbuf text;
    uint32_t *mark;          /* per plan: events before its current row */
    uint64_t *seen;          /* per plan: rows since its SEEK */
    int32_t *owner;          /* per plan: the point whose search it is, or -1 */
    int64_t as_of;           /* the store's as-of bound (vouch_facts_as_of) */
    int cut, oom;
};

vouch_trace *vouch_trace_new(const vouch_program *p)
{
    vouch_trace *t = vouch_calloc(1, sizeof *t);
    if (!t)
        return NULL;
    t->p = p;
    t->as_of = VOUCH_AS_OF_ANY;
    t->mark = vouch_calloc(p->nplans + 1, sizeof *t->mark);
    t->seen = vouch_calloc(p->nplans + 1, sizeof *t->seen);
    t->owner = vouch_calloc(p->nplans + 1, sizeof *t->owner);
    if (!t->mark || !t->seen || !t->owner) {
        vouch_trace_free(t);
        return NULL;
    }
    for (uint32_t i = 0; i < p->nplans; i++)
        t->owner[i] = -1;
    for (uint32_t i = 0; i < p->npoints; i++)
        if (p->points[i].plan >= 0)
            t->owner[p->points[i].plan] = (int32_t)i;
    return t;
}

void vouch_trace_free(vouch_trace *t)
{
    if (!t)
        return;
    vouch_free(t->ev);
    vouch_free(t->text.p);
    vouch_free(t->mark);
    vouch_free(t->seen);
    vouch_free(t->owner);
    vouch_free(t);
}

static void truncate_to(vouch_trace *t, uint32_t k)
{
    if (k >= t->n)
        return;
    t->text.n = t->ev[k].text;
    t->n = k;
    t->cut = 0;
}

void vouch_trace_reset(vouch_trace *t) { truncate_to(t, 0); }

static ev *push(vouch_trace *t, ev_kind kind, uint32_t ref)
{
    if (t->n >= TRACE_MAX_EVENTS) {
        t->cut = 1;
        return NULL;
    }
    if (t->n == t->cap) {
        uint32_t nc = t->cap ? t->cap * 2 : 256;
        ev *ne = vouch_realloc(t->ev, (size_t)nc * sizeof *ne);
        if (!ne) {
            t->oom = 1;
            return NULL;
        }
        t->ev = ne;
        t->cap = nc;
    }
    ev *e = &t->ev[t->n++];
    memset(e, 0, sizeof *e);
    e->kind = (uint8_t)kind;
    e->ref = ref;
    e->text = t->text.n;
    return e;
}

/* Appends the value's text to the trace's text, quoting texts (as the
 * language writes them) when quoted is set. */
static void add_value(vouch_trace *t, const vouch_value *v, int quoted)
{
    char tmp[64];
    if (v->type == VT_TEXT) {
        if (quoted)
            sb_add(&t->text, "\"", 1);
        sb_add(&t->text, v->u.s, v->len);
        if (quoted)
            sb_add(&t->text, "\"", 1);
        return;
    }
    size_t k = vouch_value_format(v, tmp, sizeof tmp);
    sb_add(&t->text, tmp, k < sizeof tmp ? k : sizeof tmp - 1);
}

static void close_text(vouch_trace *t, ev *e)
{
    if (t->text.oom)
        t->oom = 1;
    e->len = (uint32_t)(t->text.n - e->text);
}

void vouch_trace_seek(vouch_trace *t, uint32_t plan, const vouch_value *params)
{
    static const char *const ops[] = {"=", "!=", "<", "<=", ">", ">="};
    const vouch_plan *pl = &t->p->plans[plan];
    const vouch_table_decl *tb = &t->p->tables[pl->table];
    ev *e = push(t, EV_SEEK, plan);
    if (!e)
        return;
    for (uint32_t i = 0; i < pl->nterms; i++) {
        const vouch_plan_term *term = &pl->terms[i];
        if (i)
            sb_str(&t->text, " and ");
        sb_str(&t->text, tb->columns[term->column].name);
        sb_str(&t->text, " ");
        sb_str(&t->text, term->cmp < 6 ? ops[term->cmp] : "?");
        sb_str(&t->text, " ");
        add_value(t, &params[term->param], 1);
    }
    close_text(t, e);
    t->mark[plan] = t->n;
    t->seen[plan] = 0;
}

void vouch_trace_next(vouch_trace *t, vouch_facts *f, uint32_t plan, int has_row)
{
    const vouch_plan *pl = &t->p->plans[plan];
    t->as_of = vouch_facts_as_of(f);
    if (!has_row) {
        /* The search is over. The last row it looked at stays: for an
         * `exists` that failed, it shows why the last candidate did not do. */
        ev *e = push(t, EV_END, plan);
        if (e)
            e->rows = (int64_t)t->seen[plan];
        return;
    }
    truncate_to(t, t->mark[plan]);
    t->seen[plan]++;
    if (pl->mode != PLAN_ROWS)
        return;
    if (!push(t, EV_ROW, plan))
        return;
    for (uint32_t c = 0; c < pl->ncolumns; c++) {
        vouch_value v;
        vouch_error err;
        ev *e = push(t, EV_FIELD, c);
        if (!e)
            return;
        if (vouch_facts_column(f, plan, c, &v, &err) == VOUCH_OK) {
            e->type = v.type;
            add_value(t, &v, 0);
        } else {
            e->type = VT_NONE;
            sb_str(&t->text, "?");
        }
        close_text(t, e);
    }
}

void vouch_trace_value(vouch_trace *t, uint32_t point, const vouch_value *v)
{
    if (t->p->points[point].kind == POINT_SPAN) {
        /* A new span of the same loop: what the last one did is over. */
        for (uint32_t k = t->n; k-- > 0;)
            if (t->ev[k].kind == EV_VALUE && t->ev[k].ref == point) {
                truncate_to(t, k);
                break;
            }
    }
    ev *e = push(t, EV_VALUE, point);
    if (!e)
        return;
    e->type = v->type;
    add_value(t, v, 0);
    close_text(t, e);
}

/* ---- building the explanation --------------------------------------------- */

typedef struct node {
    uint32_t ev;             /* its event (SEEK, ROW or VALUE) */
    int32_t attach;          /* the point it belongs under, or -1 */
    int32_t first, last;     /* children */
    int32_t next;            /* next sibling */
    int64_t rows;            /* SEEK: rows, -1 while no END */
    uint32_t nfields;        /* ROW */
} node;

/* Whether a node attached under `attach` belongs inside point x. */
static int inside(const vouch_program *p, int32_t attach, int32_t x)
{
    for (int32_t a = attach; a >= 0; a = p->points[a].parent)
        if (a == x)
            return 1;
    return 0;
}

static void add_child(node *nodes, int32_t parent, int32_t child)
{
    nodes[child].next = -1;
    if (nodes[parent].last >= 0)
        nodes[nodes[parent].last].next = child;
    else
        nodes[parent].first = child;
    nodes[parent].last = child;
}

/* Counts the steps, fields and text bytes of the subtree at i. */
static void measure(const vouch_trace *t, const node *nodes, int32_t i, uint32_t *nsteps, uint32_t *nfields,
                    size_t *chars)
{
    for (; i >= 0; i = nodes[i].next) {
        const ev *e = &t->ev[nodes[i].ev];
        (*nsteps)++;
        *chars += e->len + 1;
        if (e->kind == EV_ROW) {
            /* each field's value, and at most all of them again for the key */
            *nfields += nodes[i].nfields;
            for (uint32_t k = 1; k <= nodes[i].nfields; k++)
                *chars += 2 * ((size_t)t->ev[nodes[i].ev + k].len + 1);
        }
        measure(t, nodes, nodes[i].first, nsteps, nfields, chars);
    }
}

typedef struct filler {
    vouch_why *w;
    vouch_why_field *fields;
    char *chars;
} filler;

static const char *copy_text(const vouch_trace *t, filler *fl, const ev *e)
{
    char *s = fl->chars;
    if (e->len)
        memcpy(s, t->text.p + e->text, e->len);
    s[e->len] = 0;
    fl->chars += e->len + 1;
    return s;
}

/* The row's key as subjects write it: key columns joined by "/". */
static const char *row_key(const vouch_trace *t, filler *fl, const node *nd)
{
    const vouch_plan *pl = &t->p->plans[t->ev[nd->ev].ref];
    const vouch_table_decl *tb = &t->p->tables[pl->table];
    char *s = fl->chars;
    size_t at = 0;
    for (uint32_t k = 0; k < tb->nkey; k++)
        for (uint32_t c = 0; c < pl->ncolumns && c < nd->nfields; c++)
            if (pl->columns[c] == tb->key[k]) {
                const ev *f = &t->ev[nd->ev + 1 + c];
                if (at)
                    s[at++] = '/';
                memcpy(s + at, t->text.p + f->text, f->len);
                at += f->len;
                break;
            }
    s[at] = 0;
    fl->chars += at + 1;
    return s;
}

static void fill(const vouch_trace *t, const node *nodes, int32_t i, uint16_t depth, filler *fl)
{
    const vouch_program *p = t->p;
    for (; i >= 0; i = nodes[i].next) {
        const node *nd = &nodes[i];
        const ev *e = &t->ev[nd->ev];
        vouch_why_step *s = &fl->w->steps[fl->w->nsteps++];
        memset(s, 0, sizeof *s);
        s->depth = depth;
        s->point = -1;
        switch (e->kind) {
        case EV_SEEK:
            s->kind = WHY_SEARCH;
            s->table = p->plans[e->ref].table;
            s->rows = p->plans[e->ref].mode == PLAN_ROWS ? nd->rows : -2;
            s->text = copy_text(t, fl, e);
            break;
        case EV_ROW: {
            const vouch_plan *pl = &p->plans[e->ref];
            s->kind = WHY_ROW;
            s->table = pl->table;
            s->nfields = nd->nfields;
            s->fields = fl->fields;
            fl->fields += nd->nfields;
            for (uint32_t k = 0; k < nd->nfields; k++) {
                const ev *f = &t->ev[nd->ev + 1 + k];
                s->fields[k].name = p->tables[pl->table].columns[pl->columns[f->ref]].name;
                s->fields[k].type = f->type;
                s->fields[k].value = copy_text(t, fl, f);
            }
            s->text = row_key(t, fl, nd);
            break;
        }
        default:
            s->kind = WHY_VALUE;
            s->point = (int32_t)e->ref;
            s->type = e->type;
            s->text = copy_text(t, fl, e);
        }
        fill(t, nodes, nd->first, (uint16_t)(depth + 1), fl);
    }
}

vouch_why *vouch_trace_build(vouch_trace *t)
{
    const vouch_program *p = t->p;
    if (t->oom)
        return NULL;
    node *nodes = vouch_malloc(((size_t)t->n + 1) * sizeof *nodes);
    int32_t *top = vouch_malloc(((size_t)t->n + 1) * sizeof *top);
    int32_t *search = vouch_malloc(((size_t)p->nplans + 1) * sizeof *search);
    vouch_why *w = NULL;
    if (!nodes || !top || !search)
        goto out;
    for (uint32_t i = 0; i < p->nplans; i++)
        search[i] = -1;
    /* Events come in evaluation order: a condition's value after the
     * values and searches it was made of. Each value adopts the nodes
     * before it that belong inside it, which turns that order into a tree
     * read condition first. */
    int32_t nn = 0, ntop = 0, row = -1;
    for (uint32_t i = 0; i < t->n; i++) {
        const ev *e = &t->ev[i];
        if (e->kind == EV_FIELD) {
            if (row >= 0)
                nodes[row].nfields++;
            continue;
        }
        row = -1;
        if (e->kind == EV_SEEK || e->kind == EV_ROW) {
            /* Shown: a loop's rows (not how the loop found them) and a
             * quantifier's searches and rows; not the searches of values
             * shown only as what they came to. */
            int32_t o = t->owner[e->ref];
            if (o < 0 || (e->kind == EV_SEEK && p->points[o].kind == POINT_LOOP))
                continue;
        }
        if (e->kind == EV_END) {
            if (search[e->ref] >= 0)
                nodes[search[e->ref]].rows = e->rows;
            continue;
        }
        node *nd = &nodes[nn];
        memset(nd, 0, sizeof *nd);
        nd->ev = i;
        nd->first = nd->last = nd->next = -1;
        nd->rows = -1;
        if (e->kind == EV_VALUE) {
            nd->attach = p->points[e->ref].parent;
            int32_t k = ntop;
            while (k > 0 && inside(p, nodes[top[k - 1]].attach, (int32_t)e->ref))
                k--;
            for (int32_t j = k; j < ntop; j++)
                add_child(nodes, nn, top[j]);
            ntop = k;
        } else {
            nd->attach = t->owner[e->ref];
            if (e->kind == EV_SEEK)
                search[e->ref] = nn;
            else
                row = nn;
        }
        top[ntop++] = nn++;
    }
    for (int32_t j = 0; j + 1 < ntop; j++)
        nodes[top[j]].next = top[j + 1];
    if (ntop)
        nodes[top[ntop - 1]].next = -1;

    uint32_t nsteps = 0, nfields = 0;
    size_t chars = 0;
    measure(t, nodes, ntop ? top[0] : -1, &nsteps, &nfields, &chars);
    size_t bytes = sizeof *w + ((size_t)nsteps + 1) * sizeof(vouch_why_step) +
                   ((size_t)nfields + 1) * sizeof(vouch_why_field) + chars + 1;
    w = vouch_malloc(bytes);
    if (!w)
        goto out;
    memset(w, 0, sizeof *w);
    w->steps = (vouch_why_step *)(w + 1);
    w->bytes = bytes;
    w->cut = t->cut;
    w->as_of = t->as_of;
    filler fl = {w, (vouch_why_field *)(w->steps + nsteps + 1), NULL};
    fl.chars = (char *)(fl.fields + nfields + 1);
    fill(t, nodes, ntop ? top[0] : -1, 0, &fl);
out:
    vouch_free(nodes);
    vouch_free(top);
    vouch_free(search);
    return w;
}

void vouch_why_free(vouch_why *w) { vouch_free(w); }

int vouch_why_verdict(const vouch_program *p, const vouch_why *w)
{
    for (uint32_t i = 0; w && i < w->nsteps; i++) {
        const vouch_why_step *s = &w->steps[i];
        if (s->kind == WHY_VALUE && s->depth == 0 && s->point >= 0 && (uint32_t)s->point < p->npoints &&
            p->points[s->point].require)
            return s->type == VT_BOOL && strcmp(s->text, "true") == 0;
    }
    return -1;
}
