/*
 * facts_cache.c: the cache access path (facts_cache_path), the result
 * cache. Work that several rules share (the same scan of risk, the same
 * evidence probe for one control) is done once per run: a seek is
 * answered from a remembered answer, or else by the plan's statement
 * (the SQL path's operations), recorded as it runs.
 *
 * At bind, the plans answered by SQL are grouped by what their answers
 * depend on: table, mode, aggregated column and the multiset of (column,
 * comparison) of their terms. A plan's parameters, in the group's canonical
 * term order, then determine its answer within the run (one read
 * transaction, one snapshot). A group remembers answers when it has several
 * plans (the same loop in two rules), or when one of its plans is repeated
 * and answers at most one row (a probe that may be asked again with the
 * same values). Members of a group read the union of their columns, so an
 * answer recorded for one serves all.
 *
 * A cached plan leaves its filter out (program.h allows it): the members
 * share the unfiltered answer and each applies its own residual, where
 * filtering in SQL would give every member its own scan.
 *
 * An answer is recorded while the SQL statement runs and kept only once it
 * has run to its end (a loop the VM left early is not a whole answer); a
 * value that does not convert, or no memory, only stops the recording (the
 * VM's own read reports the value as before). Keys compare by exact type
 * and value (an int and a date with the same number bind differently).
 * Texts are interned; everything lives in the store's arena until unbind.
 * The cache stops taking answers past a memory budget.
 */
#include <string.h>
#include "facts_int.h"


static int tcmp_before(uint32_t ca, uint8_t pa, uint32_t cb, uint8_t pb)
{
    return ca < cb || (ca == cb && pa < pb);
}

static int group_add_col(cgroup *g, uint32_t col, uint32_t *pos)
{
    for (uint32_t i = 0; i < g->ncols; i++)
        if (g->cols[i] == col) {
            *pos = i;
            return 0;
        }
    if (g->ncols == g->capcols) {
        uint32_t cap = g->capcols ? g->capcols * 2 : 8;
        uint32_t *n = vouch_realloc(g->cols, cap * sizeof *n);
        if (!n)
            return -1;
        g->cols = n;
        g->capcols = cap;
    }
    *pos = g->ncols;
    g->cols[g->ncols++] = col;
    return 0;
}

vouch_status facts_cache_bind(vouch_facts *f, vouch_error *err)
{
    if (!f->opt.cache)
        return VOUCH_OK;
    for (uint32_t i = 0; i < f->ncur; i++) {
        cursor *c = &f->cur[i];
        const vouch_plan *pl = c->plan;
        if (c->want == 1 || f->tinfo[pl->table].check.nbad)
            continue;              /* a hash index from the start: no SQL to save; or a
                                    * table with bad values, read row by row (facts.h) */
        uint32_t n = pl->nterms;
        c->cparam = vouch_malloc((n + 1) * sizeof *c->cparam);
        uint32_t nout = pl->mode == PLAN_ROWS || pl->mode == PLAN_EXISTS ? pl->ncolumns : 0;
        c->cout = vouch_malloc((nout + 1) * sizeof *c->cout);
        if (!c->cparam || !c->cout)
            return facts_oom(err);
        /* canonical order: the terms sorted by (column, cmp), stably */
        for (uint32_t j = 0; j < n; j++) {
            uint32_t at = j;
            while (at > 0 && tcmp_before(pl->terms[j].column, pl->terms[j].cmp,
                                         pl->terms[c->cparam[at - 1]].column,
                                         pl->terms[c->cparam[at - 1]].cmp)) {
                c->cparam[at] = c->cparam[at - 1];
                at--;
            }
            c->cparam[at] = j;
        }
        cgroup *g;
        for (g = f->groups; g; g = g->next) {
            if (g->table != pl->table || g->mode != pl->mode || g->nterms != n ||
                ((pl->mode == PLAN_MIN || pl->mode == PLAN_MAX) && g->agg_column != pl->agg_column))
                continue;
            uint32_t k = 0;
            while (k < n && g->tcol[k] == pl->terms[c->cparam[k]].column &&
                   g->tcmp[k] == pl->terms[c->cparam[k]].cmp)
                k++;
            if (k == n)
                break;
        }
        if (!g) {
            g = vouch_calloc(1, sizeof *g);
            if (!g)
                return facts_oom(err);
            g->next = f->groups;
            f->groups = g;
            g->table = pl->table;
            g->mode = pl->mode;
            g->agg_column = pl->agg_column;
            g->nterms = n;
            g->tcol = vouch_malloc((n + 1) * sizeof *g->tcol);
            g->tcmp = vouch_malloc(n + 1);
            if (!g->tcol || !g->tcmp)
                return facts_oom(err);
            for (uint32_t k = 0; k < n; k++) {
                g->tcol[k] = pl->terms[c->cparam[k]].column;
                g->tcmp[k] = pl->terms[c->cparam[k]].cmp;
            }
        }
        g->nmembers++;
        g->repeated |= pl->repeated;
        for (uint32_t k = 0; k < nout; k++)
            if (group_add_col(g, pl->columns[k], &c->cout[k]) != 0)
                return facts_oom(err);
        c->cg = g;
    }
    for (cgroup *g = f->groups; g; g = g->next)
        g->enabled = g->nmembers >= 2 || (g->repeated && g->mode != PLAN_ROWS);
    for (uint32_t i = 0; i < f->ncur; i++) {
        cursor *c = &f->cur[i];
        if (c->cg && !c->cg->enabled) {
            /* not cached: read its own columns in its own order */
            c->cg = NULL;
            for (uint32_t k = 0; c->cout && k < c->plan->ncolumns &&
                             (c->plan->mode == PLAN_ROWS || c->plan->mode == PLAN_EXISTS); k++)
                c->cout[k] = k;
        }
    }
    return VOUCH_OK;
}

void facts_cache_free(vouch_facts *f)
{
    for (cgroup *g = f->groups, *n; g; g = n) {
        n = g->next;
        vouch_free(g->tcol);
        vouch_free(g->tcmp);
        vouch_free(g->cols);
        vouch_free(g->slots);
        vouch_free(g);
    }
    f->groups = NULL;
    f->cache_bytes = 0;
}

static uint64_t key_of(const cursor *c)
{
    uint64_t h = 0x6a09e667f3bcc909ull;
    for (uint32_t k = 0; k < c->cg->nterms; k++)
        h = (h ^ vouch_value_hash(&c->pv[c->cparam[k]])) * 0x100000001b3ull + (h >> 31);
    return h;
}

static int same_key(const cursor *c, const centry *e)
{
    for (uint32_t k = 0; k < c->cg->nterms; k++)
        if (!vouch_value_equal(&e->key[k], &c->pv[c->cparam[k]]))
            return 0;
    return 1;
}

/* At a seek: 1 and c->hit set if the answer is known; 0 otherwise (the
 * statement runs, recording its answer if the cache has room). */
static int lookup(vouch_facts *f, cursor *c)
{
    cgroup *g = c->cg;
    c->recording = 0;
    c->hit = NULL;
    uint64_t h = key_of(c);
    if (g->slots)
        for (uint32_t j = (uint32_t)h & g->mask; g->slots[j]; j = (j + 1) & g->mask)
            if (g->slots[j]->hash == h && same_key(c, g->slots[j])) {
                c->hit = g->slots[j];
                c->crow = 0;
                f->stats.cache_hits++;
                return 1;
            }
    if (f->cache_bytes < f->opt.cache_bytes) {
        c->recording = 1;
        c->rechash = h;
        c->nrec = 0;
    }
    return 0;
}


/* Values per recorded row. */
static uint32_t width(const cgroup *g)
{
    return g->mode == PLAN_ROWS || g->mode == PLAN_EXISTS ? g->ncols : 1;
}

/* Recording the SQL answer: each row (record_row), then the end
 * (record_done). A value that does not convert only stops the recording;
 * no memory is VOUCH_ENOMEM. */
static vouch_status record_row(vouch_facts *f, cursor *c, vouch_error *err)
{
    if (!c->recording)
        return VOUCH_OK;
    const cgroup *g = c->cg;
    const vouch_table_decl *t = &f->p->tables[g->table];
    uint32_t w = width(g);
    if ((c->nrec + 1) * (size_t)w * sizeof(vouch_value) + f->cache_bytes > f->opt.cache_bytes) {
        c->recording = 0;   /* too big to keep: not an error */
        return VOUCH_OK;
    }
    if (w == 0) {           /* exists with no columns: only the count matters */
        c->nrec++;
        return VOUCH_OK;
    }
    if ((c->nrec + 1) * w > c->caprec) {
        uint32_t cap = c->caprec ? c->caprec * 2 : 64;
        while (cap < (c->nrec + 1) * w)
            cap *= 2;
        vouch_value *r = vouch_realloc(c->rec, (size_t)cap * sizeof *r);
        if (!r) {
            c->recording = 0;
            return facts_oom(err);
        }
        c->rec = r;
        c->caprec = cap;
    }
    vouch_value *row = &c->rec[(size_t)c->nrec * w];
    vouch_error e;
    vouch_status s = VOUCH_OK;
    if (g->mode == PLAN_COUNT) {
        row[0] = vouch_int(sqlite3_column_int64(c->stmt, 0));
    } else if (g->mode == PLAN_MIN || g->mode == PLAN_MAX) {
        if (sqlite3_column_type(c->stmt, 0) == SQLITE_NULL)
            row[0] = vouch_none();
        else
            s = facts_convert(f, t, g->agg_column, c->stmt, 0, -1, 1, &row[0], &e);
    } else {
        for (uint32_t i = 0; i < w && s == VOUCH_OK; i++)
            s = facts_convert(f, t, g->cols[i], c->stmt, (int)i, c->rowid_col, 1, &row[i], &e);
    }
    if (s != VOUCH_OK) {
        /* A value that does not convert stops the recording only: the VM's
         * own read of it reports it, as without the cache. No memory is an
         * error of the run. */
        c->recording = 0;
        return s == VOUCH_ENOMEM ? facts_oom(err) : VOUCH_OK;
    }
    c->nrec++;
    return VOUCH_OK;
}

static vouch_status record_done(vouch_facts *f, cursor *c, vouch_error *err)
{
    if (!c->recording)
        return VOUCH_OK;
    c->recording = 0;
    cgroup *g = c->cg;
    uint32_t w = width(g), n = g->nterms;
    if (!g->slots || (g->count + 1) * 2 > g->mask) {
        uint32_t cap = g->slots ? (g->mask + 1) * 2 : 64;
        centry **sl = vouch_calloc(cap, sizeof *sl);
        if (!sl)
            return facts_oom(err);
        for (uint32_t j = 0; g->slots && j <= g->mask; j++)
            if (g->slots[j]) {
                uint32_t k = (uint32_t)g->slots[j]->hash & (cap - 1);
                while (sl[k])
                    k = (k + 1) & (cap - 1);
                sl[k] = g->slots[j];
            }
        vouch_free(g->slots);
        g->slots = sl;
        g->mask = cap - 1;
    }
    size_t bytes = sizeof(centry) + ((size_t)n + (size_t)c->nrec * w + 1) * sizeof(vouch_value);
    centry *e = facts_arena_alloc(&f->arena, bytes);
    if (!e)
        return facts_oom(err);
    e->hash = c->rechash;
    e->key = (vouch_value *)(e + 1);
    e->rows = e->key + n;
    e->nrows = c->nrec;
    for (uint32_t k = 0; k < n; k++) {
        vouch_value v = c->pv[c->cparam[k]];
        if (v.type == VT_TEXT) {
            uint32_t id = intern_id(f, v.u.s, v.len);
            if (!id)
                return facts_oom(err);
            v.u.s = intern_get(f, id)->s;
        }
        e->key[k] = v;
    }
    if (c->nrec && w)
        memcpy(e->rows, c->rec, (size_t)c->nrec * w * sizeof *e->rows);
    uint32_t j = (uint32_t)e->hash & g->mask;
    while (g->slots[j])
        j = (j + 1) & g->mask;
    g->slots[j] = e;
    g->count++;
    f->cache_bytes += bytes;
    f->stats.cache_entries++;
    return VOUCH_OK;
}

/* ---- the cache path: a remembered answer, else the statement, recorded ------------- */

static vouch_status cache_seek(vouch_facts *f, cursor *c, vouch_error *err)
{
    if (lookup(f, c))
        return VOUCH_OK;
    vouch_status s = facts_sql_seek(f, c, err);
    if (s != VOUCH_OK)
        c->recording = 0;
    return s;
}

static vouch_status cache_next(vouch_facts *f, cursor *c, int *has_row, vouch_error *err)
{
    if (c->hit) {
        int one = c->mode != PLAN_ROWS;
        *has_row = c->crow < c->hit->nrows && !(one && c->state == ST_ROW);
        if (*has_row)
            c->crow++;
        return VOUCH_OK;
    }
    vouch_status s = facts_sql_next(f, c, has_row, err);
    if (s != VOUCH_OK) {
        c->recording = 0;
        return s;
    }
    if (!*has_row)
        return record_done(f, c, err);
    s = record_row(f, c, err);
    if (s == VOUCH_OK && c->mode != PLAN_ROWS)
        s = record_done(f, c, err);   /* the whole answer: one row */
    return s;
}

static vouch_status cache_column(vouch_facts *f, cursor *c, uint32_t i, vouch_value *out,
                                 vouch_error *err)
{
    if (!c->hit)
        return facts_sql_column(f, c, i, out, err);
    int agg = c->mode == PLAN_COUNT || c->mode == PLAN_MIN || c->mode == PLAN_MAX;
    *out = agg ? c->hit->rows[0] : c->hit->rows[(size_t)(c->crow - 1) * c->cg->ncols + c->cout[i]];
    return VOUCH_OK;
}

/* A recording not run to its end is dropped. */
static void cache_reset(vouch_facts *f, cursor *c)
{
    c->recording = 0;
    if (!c->hit)
        facts_sql_reset(f, c);
}

static const char *cache_describe(const vouch_facts *f, const cursor *c)
{
    (void)f;
    return c->desc;   /* its statement's */
}

static void cache_free(cursor *c)
{
    vouch_free(c->cparam);
    vouch_free(c->cout);
    vouch_free(c->rec);
}

static void cache_stats(const cursor *c, vouch_facts_stats *out)
{
    (void)c;
    out->sql_plans++;   /* answered by its statement (once per answer) */
}

const facts_path facts_cache_path = {
    "cache", cache_seek, cache_next, cache_column, cache_reset, cache_describe, cache_free,
    cache_stats,
};
