/*
 * crosswalk.c: the crosswalk graph and the walk that finds, for a set of
 * start controls, every control within VOUCH_CROSSWALK_MAX_HOPS pairs and
 * the best path to each (see crosswalk.h for the rules).
 *
 * Every declared control is a node, numbered framework by framework. The
 * adjacency is one array (CSR): the edges of node v are edges[start[v] ..
 * start[v+1]), in pair order, each pair giving a forward edge at its src and
 * a backward edge (inverse relation) at its dst.
 *
 * The walk is breadth-first, one layer per hop. A node is settled in the
 * first layer that reaches it, which gives the fewest hops; within that
 * layer a later path replaces the recorded one only if its rank is strictly
 * higher. Every path to a node first reached at layer k runs through nodes
 * first reached at layers 0..k-1 in order, so keeping only the best path
 * per node and layer loses nothing for the goal: whether a path carries the
 * goal's result whole is the AND of its hops (vouch_relation_compose stays
 * within equal + subset_of, or equal + superset_of, exactly while every hop
 * does), and AND is monotone. The rank's second part (the other result
 * carried whole) only breaks ties. Shortest paths never repeat a node, so
 * no control is visited twice on a path.
 */
#include <stdlib.h>
#include <string.h>
#include "crosswalk.h"
#include "alloc.h"

typedef struct edge {
    uint32_t to;             /* node */
    uint32_t pair;
    uint8_t relation;        /* as walked */
    uint8_t backward;
} edge;

struct vouch_crosswalk {
    const vouch_program *p;
    uint32_t nnodes;
    uint32_t *base;          /* per framework: its first node */
    uint32_t *node_fw;       /* per node: its framework */
    uint32_t *start;         /* nnodes + 1 */
    edge *edges;
    uint32_t *mark;          /* per node: generation that reached it */
    uint32_t *slot;          /* per node: its index in the walk's output */
    uint32_t gen;
};

/* ---- the lattice and the relations ---------------------------------------- */

const char *vouch_cov_status_name(uint32_t s)
{
    static const char *const names[COV__COUNT] = {"not_satisfied", "at_risk", "partial", "satisfied",
                                                  "not_assessed"};
    return s < COV__COUNT ? names[s] : "?";
}

vouch_relation vouch_relation_inverse(uint32_t rel)
{
    switch (rel) {
    case REL_SUBSET_OF: return REL_SUPERSET_OF;
    case REL_SUPERSET_OF: return REL_SUBSET_OF;
    case REL_EQUAL: return REL_EQUAL;
    case REL_INTERSECTS: return REL_INTERSECTS;
    default: return REL_UNSPECIFIED;
    }
}

vouch_relation vouch_relation_then(uint32_t a, uint32_t b)
{
    enum { E = REL_EQUAL, SB = REL_SUBSET_OF, SP = REL_SUPERSET_OF, I = REL_INTERSECTS, U = REL_UNSPECIFIED };
    /* [A a B][B b C]: A's relation to C. Why each cell (docs/language.md):
     *   SB SP  A within B, C within B: they may share nothing
     *   SP SB  B within A and within C: A and C share B
     *   SB I   A within B, B overlaps C elsewhere: nothing known
     *   I  SB  A overlaps B, B within C: the overlap is in C
     *   SP I   B within A, B overlaps C: the overlap is in A
     *   I  SP  A overlaps B, C within B elsewhere: nothing known
     *   I  I   two overlaps may miss each other */
    static const uint8_t table[REL__COUNT][REL__COUNT] = {
        /*        E   SB  SP  I   U */
        /* E  */ {E,  SB, SP, I,  U},
        /* SB */ {SB, SB, U,  U,  U},
        /* SP */ {SP, I,  SP, I,  U},
        /* I  */ {I,  I,  U,  U,  U},
        /* U  */ {U,  U,  U,  U,  U},
    };
    if (a >= REL__COUNT)
        a = REL_UNSPECIFIED;
    if (b >= REL__COUNT)
        b = REL_UNSPECIFIED;
    return (vouch_relation)table[a][b];
}

vouch_relation vouch_relation_compose(const uint8_t *rels, uint32_t n)
{
    vouch_relation r = REL_EQUAL;
    for (uint32_t i = 0; i < n; i++)
        r = vouch_relation_then(r, rels[i]);
    return r;
}

int vouch_relation_implies_fail(uint32_t rel)
{
    return rel == REL_EQUAL || rel == REL_SUBSET_OF;
}

int vouch_relation_implies_pass(uint32_t rel)
{
    return rel == REL_EQUAL || rel == REL_SUPERSET_OF;
}

vouch_cov_status vouch_relation_carry(uint32_t rel, vouch_cov_status st)
{
    if (st == COV_SATISFIED)
        return vouch_relation_implies_pass(rel) ? COV_SATISFIED : COV_PARTIAL;
    if (st == COV_NOT_SATISFIED)
        return vouch_relation_implies_fail(rel) ? COV_NOT_SATISFIED : COV_AT_RISK;
    return st < COV__COUNT ? st : COV_NOT_ASSESSED;
}

int vouch_control_ref_valid(const vouch_program *p, vouch_control_ref ref)
{
    return p && ref.framework < p->nframeworks && p->frameworks &&
           ref.control < p->frameworks[ref.framework].ncontrols;
}

/* ---- the graph ------------------------------------------------------------------ */

void vouch_crosswalk_free(vouch_crosswalk *cw)
{
    if (!cw)
        return;
    vouch_free(cw->base);
    vouch_free(cw->node_fw);
    vouch_free(cw->start);
    vouch_free(cw->edges);
    vouch_free(cw->mark);
    vouch_free(cw->slot);
    vouch_free(cw);
}

static uint32_t node_of(const vouch_crosswalk *cw, vouch_control_ref r)
{
    return cw->base[r.framework] + r.control;
}

/* 1 if pair i takes part in the walk: declared, valid, and not a control
 * paired with itself. */
static int usable(const vouch_program *p, uint32_t i)
{
    const vouch_crosswalk_pair *pr = &p->pairs[i];
    return pr->origin != ORIGIN_DERIVED && vouch_control_ref_valid(p, pr->src) && vouch_control_ref_valid(p, pr->dst) &&
           !(pr->src.framework == pr->dst.framework && pr->src.control == pr->dst.control);
}

vouch_crosswalk *vouch_crosswalk_new(const vouch_program *p)
{
    vouch_crosswalk *cw = vouch_calloc(1, sizeof *cw);
    if (!cw)
        return NULL;
    cw->p = p;
    uint32_t nfw = p->frameworks ? p->nframeworks : 0;
    uint64_t total = 0;
    cw->base = vouch_calloc((size_t)nfw + 1, sizeof *cw->base);
    if (!cw->base)
        goto oom;
    for (uint32_t f = 0; f < nfw; f++) {
        cw->base[f] = (uint32_t)total;
        total += p->frameworks[f].ncontrols;
        if (total > UINT32_MAX / 2)
            goto oom; /* more controls than any catalogue has: refuse */
    }
    cw->nnodes = (uint32_t)total;
    cw->node_fw = vouch_calloc((size_t)total + 1, sizeof *cw->node_fw);
    cw->start = vouch_calloc((size_t)total + 2, sizeof *cw->start);
    cw->mark = vouch_calloc((size_t)total + 1, sizeof *cw->mark);
    cw->slot = vouch_calloc((size_t)total + 1, sizeof *cw->slot);
    if (!cw->node_fw || !cw->start || !cw->mark || !cw->slot)
        goto oom;
    for (uint32_t f = 0; f < nfw; f++)
        for (uint32_t c = 0; c < p->frameworks[f].ncontrols; c++)
            cw->node_fw[cw->base[f] + c] = f;

    /* Degrees into start[v + 1], prefix sums, then fill in pair order. */
    uint32_t npairs = p->pairs ? p->npairs : 0;
    uint64_t nedges = 0;
    for (uint32_t i = 0; i < npairs; i++) {
        if (!usable(p, i))
            continue;
        cw->start[node_of(cw, p->pairs[i].src) + 1]++;
        cw->start[node_of(cw, p->pairs[i].dst) + 1]++;
        nedges += 2;
    }
    if (nedges > UINT32_MAX / 2)
        goto oom;
    for (uint32_t v = 0; v < cw->nnodes; v++)
        cw->start[v + 1] += cw->start[v];
    cw->edges = vouch_calloc((size_t)nedges + 1, sizeof *cw->edges);
    uint32_t *fill = vouch_calloc((size_t)cw->nnodes + 1, sizeof *fill);
    if (!cw->edges || !fill) {
        vouch_free(fill);
        goto oom;
    }
    for (uint32_t i = 0; i < npairs; i++) {
        if (!usable(p, i))
            continue;
        const vouch_crosswalk_pair *pr = &p->pairs[i];
        uint32_t s = node_of(cw, pr->src), d = node_of(cw, pr->dst);
        uint8_t rel = pr->relation < REL__COUNT ? pr->relation : REL_UNSPECIFIED;
        cw->edges[cw->start[s] + fill[s]++] = (edge){d, i, rel, 0};
        cw->edges[cw->start[d] + fill[d]++] = (edge){s, i, (uint8_t)vouch_relation_inverse(rel), 1};
    }
    vouch_free(fill);
    return cw;
oom:
    vouch_crosswalk_free(cw);
    return NULL;
}

/* ---- the walk -------------------------------------------------------------------- */

void vouch_reach_list_free(vouch_reach_list *l)
{
    if (!l)
        return;
    vouch_free(l->items);
    memset(l, 0, sizeof *l);
}

static int push(vouch_reach_list *l, const vouch_reach *r)
{
    if (l->n == l->cap) {
        uint32_t nc = l->cap ? l->cap * 2 : 16;
        if (nc <= l->cap)
            return -1;
        vouch_reach *ni = vouch_realloc(l->items, (size_t)nc * sizeof *ni);
        if (!ni)
            return -1;
        l->items = ni;
        l->cap = nc;
    }
    l->items[l->n++] = *r;
    return 0;
}

static int cmp_reach(const void *a, const void *b)
{
    const vouch_reach *x = a, *y = b;
    if (x->nhops != y->nhops)
        return x->nhops < y->nhops ? -1 : 1;
    if (x->control.framework != y->control.framework)
        return x->control.framework < y->control.framework ? -1 : 1;
    if (x->control.control != y->control.control)
        return x->control.control < y->control.control ? -1 : 1;
    return 0;
}

/* How well a path of composed relation rel serves goal: 2 if it carries the
 * goal's result whole, plus 1 if it carries the other result whole. */
static int rank(uint32_t rel, vouch_reach_goal goal)
{
    int f = vouch_relation_implies_fail(rel), p = vouch_relation_implies_pass(rel);
    return goal == REACH_FAIL ? 2 * f + p : 2 * p + f;
}

static vouch_reach extend(const vouch_crosswalk *cw, const vouch_reach *from, const edge *e)
{
    vouch_reach r = *from;
    uint32_t f = cw->node_fw[e->to];
    vouch_hop *h = &r.hops[r.nhops++];
    h->to.framework = f;
    h->to.control = e->to - cw->base[f];
    h->relation = e->relation;
    h->backward = e->backward;
    h->pair = e->pair;
    r.control = h->to;
    r.relation = (uint8_t)vouch_relation_then(from->relation, e->relation);
    return r;
}

/* 1 if framework f is one the walk must not enter: a start's or a kept
 * control's (the rule's own), or one the path already passed through. */
static int closed(const vouch_reach_list *out, uint32_t nstart, const vouch_control_ref *keep, uint32_t nkeep,
                  const vouch_reach *from, uint32_t f)
{
    if (from->origin.framework == f)
        return 1;
    for (uint32_t j = 0; j < nstart; j++)
        if (out->items[j].control.framework == f)
            return 1;
    for (uint32_t j = 0; j < nkeep; j++)
        if (keep[j].framework == f)
            return 1;
    for (uint32_t h = 0; h < from->nhops; h++)
        if (from->hops[h].to.framework == f)
            return 1;
    return 0;
}

vouch_status vouch_crosswalk_reach(vouch_crosswalk *cw, const vouch_control_ref *start, uint32_t n,
                                   const vouch_control_ref *keep, uint32_t nkeep, vouch_reach_goal goal,
                                   vouch_reach_list *out, vouch_error *err)
{
    out->n = 0;
    if (++cw->gen == 0) {
        memset(cw->mark, 0, (size_t)cw->nnodes * sizeof *cw->mark);
        cw->gen = 1;
    }
    if (!keep)
        nkeep = 0;
    for (uint32_t i = 0; i < n; i++) {
        if (!vouch_control_ref_valid(cw->p, start[i]))
            continue;
        uint32_t v = node_of(cw, start[i]);
        if (cw->mark[v] == cw->gen)
            continue;
        vouch_reach r;
        memset(&r, 0, sizeof r);
        r.control = r.origin = start[i];
        r.relation = REL_EQUAL;
        if (push(out, &r) != 0)
            goto oom;
        cw->mark[v] = cw->gen;
        cw->slot[v] = out->n - 1;
    }
    /* A rule names the controls of its own frameworks itself: walking back
     * into one through a pivot (A.5.15 -> CC6.1 -> A.8.5) would claim
     * controls its author did not map. Nor does a path enter a framework it
     * has already passed through: ISO -> 800-53 -> CSF -> 800-53 would echo
     * back controls of a pivot the path already used. */
    uint32_t nstart = out->n;
    uint32_t lo = 0, hi = out->n;
    for (uint32_t hop = 1; hop <= VOUCH_CROSSWALK_MAX_HOPS && lo < hi; hop++) {
        for (uint32_t i = lo; i < hi; i++) {
            vouch_reach from = out->items[i]; /* a copy: push may move the array */
            uint32_t v = node_of(cw, from.control);
            for (uint32_t k = cw->start[v]; k < cw->start[v + 1]; k++) {
                const edge *e = &cw->edges[k];
                if (closed(out, nstart, keep, nkeep, &from, cw->node_fw[e->to]))
                    continue;
                if (cw->mark[e->to] == cw->gen) {
                    vouch_reach *old = &out->items[cw->slot[e->to]];
                    if (old->nhops == hop &&
                        rank(vouch_relation_then(from.relation, e->relation), goal) > rank(old->relation, goal))
                        *old = extend(cw, &from, e);
                    continue;
                }
                vouch_reach r = extend(cw, &from, e);
                if (push(out, &r) != 0)
                    goto oom;
                cw->mark[e->to] = cw->gen;
                cw->slot[e->to] = out->n - 1;
            }
        }
        lo = hi;
        hi = out->n;
    }
    if (out->n > 1)
        qsort(out->items, out->n, sizeof *out->items, cmp_reach);
    return VOUCH_OK;
oom:
    out->n = 0;
    return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

/* A fresh generation for the marks (reset when the counter wraps). */
static uint32_t next_gen(vouch_crosswalk *cw)
{
    if (++cw->gen == 0) {
        memset(cw->mark, 0, (size_t)cw->nnodes * sizeof *cw->mark);
        cw->gen = 1;
    }
    return cw->gen;
}

uint32_t vouch_crosswalk_shared(vouch_crosswalk *cw, vouch_control_ref a, vouch_control_ref b)
{
    if (!vouch_control_ref_valid(cw->p, a) || !vouch_control_ref_valid(cw->p, b))
        return 0;
    uint32_t va = node_of(cw, a), vb = node_of(cw, b);
    uint32_t near_a = next_gen(cw);
    for (uint32_t k = cw->start[va]; k < cw->start[va + 1]; k++)
        cw->mark[cw->edges[k].to] = near_a;
    uint32_t counted = next_gen(cw), n = 0;
    for (uint32_t k = cw->start[vb]; k < cw->start[vb + 1]; k++) {
        uint32_t x = cw->edges[k].to;
        if (cw->mark[x] == near_a && x != va && x != vb) {
            cw->mark[x] = counted; /* a control paired twice counts once */
            n++;
        }
    }
    return n;
}

vouch_status vouch_crosswalk_rule_reach(vouch_crosswalk *cw, uint32_t rule, vouch_reach_goal goal,
                                        vouch_reach_list *out, vouch_error *err)
{
    const vouch_program *p = cw->p;
    if (rule >= p->nrules || !p->rules[rule].maps)
        return vouch_crosswalk_reach(cw, NULL, 0, NULL, 0, goal, out, err);
    return vouch_crosswalk_reach(cw, p->rules[rule].maps, p->rules[rule].nmaps, NULL, 0, goal, out, err);
}

vouch_status vouch_rule_reach(const vouch_program *p, uint32_t rule, vouch_reach_goal goal, vouch_reach_list *out,
                              vouch_error *err)
{
    vouch_crosswalk *cw = vouch_crosswalk_new(p);
    if (!cw) {
        out->n = 0;
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    vouch_status st = vouch_crosswalk_rule_reach(cw, rule, goal, out, err);
    vouch_crosswalk_free(cw);
    return st;
}
