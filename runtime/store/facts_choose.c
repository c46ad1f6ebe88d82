/*
 * facts_choose.c: the chooser, which decides how each plan is answered:
 * by its prepared statement (facts_sql.c), by an in-memory hash index
 * (facts_hash.c), or from answers remembered for the run with the
 * statement behind them (facts_cache.c). The paths answer; this file only
 * chooses.
 *
 * At bind (facts_choose_bind), per plan, from the store's options
 * (vouch_facts_options.hash) and what the schema checks learnt:
 *   - a repeated plan whose bound equality terms no index serves gets a
 *     hash index from the start (AUTO and NOINDEX), built by one scan at
 *     its first seek: probing the table without an index would scan it
 *     at every seek;
 *   - a repeated plan an index does serve starts on its statement and
 *     gets a hash index it may move to (AUTO only): its statement's steps
 *     are timed (facts_choose_step), and once its probes together have
 *     taken longer than one scan of the table would (the scan's cost
 *     measured on a sample of it: facts_hash_calibrate), its spec turns
 *     active and every plan sharing it takes the index from its next
 *     seek: at most about twice the cheaper of the two, whichever it
 *     turns out to be;
 *   - NEVER, and a table holding a bad stored value, mean statements only
 *     (facts.h: a build for one rule must not trip on a value only
 *     another reads);
 *   - every other plan is answered by its statement, through the answer
 *     cache where its group remembers (facts_cache.c says which).
 * At each seek the path is the hash index once active, else the one of
 * the bind (facts_choose_seek, facts_int.h).
 *
 * Invariant: whatever the choice, the answers are the same
 * (tests/unit/test_facts.c compares every path).
 */
#include "facts_int.h"

/* Would plan pl be answered from a hash index (1 from the start, 2 once
 * its probes cost more than a scan, 0 never)? */
static int wants_hash(const vouch_facts *f, const vouch_plan *pl)
{
    if (!pl->repeated || f->opt.hash == VOUCH_HASH_NEVER || f->tinfo[pl->table].check.nbad)
        return 0;
    const tinfo *info = &f->tinfo[pl->table];
    uint32_t any = 0;
    int indexed = 0;
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (tm->bound && tm->cmp == CMP_EQ) {
            any++;
            indexed |= info->indexed[tm->column];
        }
    }
    if (any == 0 || any > MAX_KEY)   /* more key terms than that: leave it to SQL */
        return 0;
    if (!indexed)
        return 1;
    return f->opt.hash == VOUCH_HASH_AUTO ? 2 : 0;
}

vouch_status facts_choose_bind(vouch_facts *f, vouch_error *err)
{
    const vouch_program *p = f->p;
    vouch_status s;
    /* 1. which plans have a hash index (active from the start or not) */
    for (uint32_t i = 0; i < p->nplans; i++) {
        cursor *c = &f->cur[i];
        c->want = (uint8_t)wants_hash(f, c->plan);
        c->timed = c->want == 2;
        if (c->want && (s = facts_hash_plan(f, i, err)) != VOUCH_OK)
            return s;
    }
    /* 2. which SQL answers are remembered (c->cg), 3. the statements */
    if ((s = facts_cache_bind(f, err)) != VOUCH_OK)
        return s;
    for (uint32_t i = 0; i < p->nplans; i++) {
        cursor *c = &f->cur[i];
        if (c->want == 1) {
            c->base = &facts_hash_path;
            continue;
        }
        c->base = c->cg ? &facts_cache_path : &facts_sql_path;
        if ((s = facts_plan_sql(f, i, err)) != VOUCH_OK)
            return s;
    }
    /* 4. the hash indexes' shared specs and layouts */
    return facts_hash_finish_bind(f, err);
}

int facts_choose_step(vouch_facts *f, cursor *c)
{
    hspec *s = c->spec;
    if (s->active || f->opt.hash != VOUCH_HASH_AUTO || (!s->scan_ns && !f->opt.switch_ns))
        return sqlite3_step(c->stmt);
    uint64_t t0 = facts_now_ns();
    int rc = sqlite3_step(c->stmt);
    s->sql_ns += facts_now_ns() - t0 + 1;
    /* A quarter of the way to the first estimate, measure the scan itself
     * (facts_hash_calibrate); at the estimate, turn to the hash index. */
    if (!f->opt.switch_ns && !s->calibrated && s->sql_ns > s->scan_ns / 4)
        facts_hash_calibrate(f, c);
    if (s->sql_ns > (f->opt.switch_ns ? f->opt.switch_ns : s->scan_ns)) {
        s->active = 1;
        f->stats.hash_switched++;
    }
    return rc;
}
