/*
 * facts_hash.c: the hash access path (facts_hash_path): in-memory hash
 * indexes, for repeated plans that no index serves (and, once their probes
 * have cost more than a scan, for those an index does serve: the chooser,
 * facts_choose.c, decides which).
 *
 * A hash index is built by one filtered scan of its table, on the first
 * seek that needs it. Rows are grouped by their bound-equality key (one
 * contiguous bucket per key) and, when a member plan has a range on a
 * column, sorted by it inside the bucket, so a seek is one hash probe plus
 * two binary searches. Constant terms every member shares are applied by
 * the scan's WHERE. Plans with the same table, key columns, sort column and
 * shared constant terms share a "spec"; each set of constant values met at
 * run time gets one built instance of it.
 *
 * Rows are stored compactly, one array per stored column (hcol in
 * facts_int.h): 4 bytes per text (an interned id), enum, date or bool, 8 per
 * int. The key values are stored once per bucket. Filters on a code column
 * compare codes: the parameter is turned into a code once per seek.
 *
 * Invariants: a built instance never changes; its texts are interned in
 * the store's arena and its enum members are the program's own strings, so
 * both outlive the run. The two paths (this one and SQL) agree on none:
 * EQ/NE treat none as a value, orderings with none are false.
 */
#include <string.h>
#include "facts_int.h"
#include "date.h"

#define SAMPLE_ROWS 512   /* rows of a scan timed to calibrate its cost (more cost more than they tell) */

/* date code = day number + DATE_BIAS: 1 for 0001-01-01, 0 is none */
#define DATE_BIAS 719163

/* How a stored column is encoded. */
enum { ENC_TEXT = 0, ENC_ENUM, ENC_DATE, ENC_BOOL, ENC_INT };
/* How a filter term is applied (cursor fkind). */
enum { FK_CODE_EQ = 0, FK_CODE_NE, FK_CODE_ORD, FK_INT, FK_SLOW };

static int col_enc(const vouch_facts *f, const vouch_table_decl *t, uint32_t col)
{
    const vouch_column_decl *c = &t->columns[col];
    switch (c->type) {
    case VT_DATE: return ENC_DATE;
    case VT_BOOL: return ENC_BOOL;
    case VT_INT:
    case VT_DUR: return ENC_INT;
    default:
        return c->enum_id >= 0 && (uint32_t)c->enum_id < f->p->nenums ? ENC_ENUM : ENC_TEXT;
    }
}

/* Codes of ENC_DATE and ENC_BOOL columns order as their values do. */
static int enc_ordered(int enc) { return enc == ENC_DATE || enc == ENC_BOOL; }

static const vouch_table_decl *spec_table(const vouch_facts *f, const hspec *s)
{
    return &f->p->tables[s->table];
}

/* ---- planning ------------------------------------------------------------------- */

static int spec_add_col(hspec *s, uint32_t col)
{
    for (uint32_t i = 0; i < s->ncols; i++)
        if (s->cols[i] == col)
            return 0;
    if (s->ncols == s->capcols) {
        uint32_t cap = s->capcols ? s->capcols * 2 : 8;
        uint32_t *n = vouch_realloc(s->cols, cap * sizeof *n);
        if (!n)
            return -1;
        s->cols = n;
        s->capcols = cap;
    }
    s->cols[s->ncols++] = col;
    return 0;
}

/* Position of a declared column among the spec's stored ones. Columns are
 * only ever appended, so a position once known stays right. */
static uint32_t spec_pos(const hspec *s, uint32_t col)
{
    for (uint32_t i = 0; i < s->ncols; i++)
        if (s->cols[i] == col)
            return i;
    return 0; /* not reached: every column a plan needs was added */
}

static int term_before(const vouch_plan_term *a, const vouch_plan_term *b)
{
    return a->column < b->column || (a->column == b->column && a->cmp < b->cmp);
}

/* Sorts idx[0..n) by (column, cmp) of the plan's terms, stably. */
static void sort_terms(const vouch_plan *pl, uint32_t *idx, uint32_t n)
{
    for (uint32_t i = 1; i < n; i++) {
        uint32_t x = idx[i], j = i;
        while (j > 0 && term_before(&pl->terms[x], &pl->terms[idx[j - 1]])) {
            idx[j] = idx[j - 1];
            j--;
        }
        idx[j] = x;
    }
}

/* Pass 1, per plan: the key (the distinct columns of the bound equality
 * terms, sorted, with the parameter of the first term on each), the first
 * bound range column that is not a key column, and the constant terms
 * sorted by (column, cmp). */
vouch_status facts_hash_plan(vouch_facts *f, uint32_t pi, vouch_error *err)
{
    const vouch_plan *pl = &f->p->plans[pi];
    cursor *c = &f->cur[pi];
    uint32_t n = pl->nterms;
    c->constparam = vouch_malloc((n + 1) * sizeof *c->constparam);
    c->cidx = vouch_malloc((n + 1) * sizeof *c->cidx);
    c->range = vouch_malloc((n + 1) * sizeof *c->range);
    c->filt = vouch_malloc((n + 1) * sizeof *c->filt);
    c->fcode = vouch_malloc((n + 1) * sizeof *c->fcode);
    c->fwide = vouch_malloc((n + 1) * sizeof *c->fwide);
    c->fkind = vouch_malloc(n + 1);
    c->fnow = vouch_malloc(n + 1);
    if (!c->constparam || !c->cidx || !c->range || !c->filt || !c->fcode || !c->fwide ||
        !c->fkind || !c->fnow)
        return facts_oom(err);
    c->nkey = c->ncidx = 0;
    c->bsort = -1;
    for (uint32_t j = 0; j < n; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (!tm->bound) {
            c->cidx[c->ncidx++] = j;
        } else if (tm->cmp == CMP_EQ) {
            uint32_t k = 0;
            while (k < c->nkey && c->keycol[k] != tm->column)
                k++;
            if (k == c->nkey) {  /* insertion into the sorted key */
                uint32_t at = c->nkey++;
                while (at > 0 && c->keycol[at - 1] > tm->column) {
                    c->keycol[at] = c->keycol[at - 1];
                    c->keyparam[at] = c->keyparam[at - 1];
                    at--;
                }
                c->keycol[at] = tm->column;
                c->keyparam[at] = tm->param;
            }
        }
    }
    for (uint32_t j = 0; j < n && c->bsort < 0; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        uint32_t k = 0;
        while (k < c->nkey && c->keycol[k] != tm->column)
            k++;
        if (tm->bound && is_range(tm->cmp) && k == c->nkey)
            c->bsort = (int32_t)tm->column;
    }
    sort_terms(pl, c->cidx, c->ncidx);
    return VOUCH_OK;
}

/* Pass 2: find the plan a spec to share, or make one. Plans share when they
 * read the same table by the same key and, if both have a bound range, on
 * the same column. The spec's constant terms are those every member has
 * (by column and comparison; the values are matched at run time); each
 * member applies its other constant terms itself, per row. So one scan of
 * a table serves, for example, every evidence probe by (framework,
 * control) that filters on result == pass. */
static vouch_status group(vouch_facts *f, uint32_t pi, int active, vouch_error *err)
{
    const vouch_plan *pl = &f->p->plans[pi];
    cursor *c = &f->cur[pi];
    hspec *s = NULL;
    for (int loose = 0; loose < 2 && !s; loose++)
        for (s = f->specs; s; s = s->next) {
            if (s->table != pl->table || s->nkey != c->nkey || s->active != active ||
                memcmp(s->keycols, c->keycol, c->nkey * sizeof *c->keycol) != 0)
                continue;
            if (loose ? (c->bsort < 0 || s->bsort < 0) : s->bsort == c->bsort)
                break;
        }
    if (s) {
        /* intersect the two sorted (column, cmp) lists */
        uint32_t i = 0, j = 0, k = 0;
        while (i < s->nconst && j < c->ncidx) {
            const vouch_plan_term *tm = &pl->terms[c->cidx[j]];
            if (s->ccol[i] == tm->column && s->ccmp[i] == tm->cmp) {
                s->ccol[k] = s->ccol[i];
                s->ccmp[k++] = s->ccmp[i];
                i++;
                j++;
            } else if (s->ccol[i] < tm->column ||
                       (s->ccol[i] == tm->column && s->ccmp[i] < tm->cmp)) {
                i++;
            } else {
                j++;
            }
        }
        s->nconst = k;
        if (s->bsort < 0)
            s->bsort = c->bsort;
    } else {
        s = vouch_calloc(1, sizeof *s);
        if (!s)
            return facts_oom(err);
        s->next = f->specs;
        f->specs = s;
        s->table = pl->table;
        s->nkey = c->nkey;
        s->bsort = c->bsort;
        s->sortcol = -1;
        s->active = active;
        s->nconst = c->ncidx;
        s->keycols = vouch_malloc((c->nkey + 1) * sizeof *s->keycols);
        s->ccol = vouch_malloc((c->ncidx + 1) * sizeof *s->ccol);
        s->ccmp = vouch_malloc(c->ncidx + 1);
        if (!s->keycols || !s->ccol || !s->ccmp)
            return facts_oom(err);
        memcpy(s->keycols, c->keycol, c->nkey * sizeof *c->keycol);
        for (uint32_t k = 0; k < c->ncidx; k++) {
            s->ccol[k] = pl->terms[c->cidx[k]].column;
            s->ccmp[k] = pl->terms[c->cidx[k]].cmp;
        }
        for (uint32_t k = 0; k < c->nkey; k++)
            if (spec_add_col(s, c->keycol[k]) != 0)
                return facts_oom(err);
    }
    c->spec = s;
    return VOUCH_OK;
}

static int is_key_col(const hspec *s, uint32_t col)
{
    for (uint32_t k = 0; k < s->nkey; k++)
        if (s->keycols[k] == col)
            return 1;
    return 0;
}

/* Pass 3a, per member: which of its terms are the key and which the spec's
 * constants (tflag 1 and 2), and the parameters of both. Both constant
 * lists are sorted and the spec's is part of the member's, so one walk
 * pairs them. */
static vouch_status match(vouch_facts *f, cursor *c, vouch_error *err)
{
    const vouch_plan *pl = c->plan;
    const hspec *s = c->spec;
    c->tflag = vouch_calloc(pl->nterms + 1, 1);
    if (!c->tflag)
        return facts_oom(err);
    uint8_t seen[MAX_KEY] = {0};
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (!tm->bound || tm->cmp != CMP_EQ)
            continue;
        for (uint32_t k = 0; k < s->nkey; k++)
            if (s->keycols[k] == tm->column && !seen[k]) {
                seen[k] = 1;
                c->tflag[j] = 1;
            }
    }
    uint32_t j = 0;
    for (uint32_t k = 0; k < s->nconst; k++) {
        while (j < c->ncidx && (pl->terms[c->cidx[j]].column != s->ccol[k] ||
                                pl->terms[c->cidx[j]].cmp != s->ccmp[k]))
            j++;
        if (j == c->ncidx)  /* not reached: the spec's constants are the members' */
            return vouch_error_set(err, VOUCH_EINPUT, "facts store: hash plan mismatch");
        c->tflag[c->cidx[j]] = 2;
        c->constparam[k] = pl->terms[c->cidx[j]].param;
        j++;
    }
    return VOUCH_OK;
}

/* Pass 3b, per spec: the column its buckets are sorted by: a bound range
 * column of a member, else a constant range column a member applies
 * itself, else none. */
static vouch_status choose_sort(vouch_facts *f, hspec *s, vouch_error *err)
{
    s->sortcol = s->bsort;
    for (uint32_t i = 0; i < f->ncur && s->sortcol < 0; i++) {
        const cursor *c = &f->cur[i];
        if (c->spec != s)
            continue;
        for (uint32_t j = 0; j < c->plan->nterms && s->sortcol < 0; j++) {
            const vouch_plan_term *tm = &c->plan->terms[j];
            if (!c->tflag[j] && is_range(tm->cmp) && !is_key_col(s, tm->column))
                s->sortcol = (int32_t)tm->column;
        }
    }
    if (s->sortcol >= 0 && spec_add_col(s, (uint32_t)s->sortcol) != 0)
        return facts_oom(err);
    return VOUCH_OK;
}

/* Pass 3c, per member: the terms it applies itself (range terms on the
 * sort column by binary search, the rest per row, each with the way it is
 * compared) and the stored positions of everything it reads. */
static vouch_status finish(vouch_facts *f, cursor *c, vouch_error *err)
{
    const vouch_plan *pl = c->plan;
    hspec *s = c->spec;
    const vouch_table_decl *t = spec_table(f, s);
    int bad = 0;
    c->nrange = c->nfilt = 0;
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        if (c->tflag[j])
            continue;
        bad |= spec_add_col(s, tm->column);
        pterm pt = {spec_pos(s, tm->column), tm->cmp, tm->param};
        if (is_range(tm->cmp) && s->sortcol >= 0 && tm->column == (uint32_t)s->sortcol) {
            c->range[c->nrange++] = pt;
            continue;
        }
        int enc = col_enc(f, t, tm->column), k;
        if (pt.pos < s->nkey)
            k = FK_SLOW;                 /* a key column: compared on the bucket's key */
        else if (enc == ENC_INT)
            k = FK_INT;
        else if (tm->cmp == CMP_EQ)
            k = FK_CODE_EQ;
        else if (tm->cmp == CMP_NE)
            k = FK_CODE_NE;
        else
            k = enc_ordered(enc) ? FK_CODE_ORD : FK_SLOW;
        c->fkind[c->nfilt] = (uint8_t)k;
        c->filt[c->nfilt++] = pt;
    }
    uint32_t nout = pl->mode == PLAN_ROWS || pl->mode == PLAN_EXISTS ? pl->ncolumns : 1;
    c->outpos = vouch_malloc((nout + 1) * sizeof *c->outpos);
    if (!c->outpos)
        return facts_oom(err);
    if (pl->mode == PLAN_ROWS || pl->mode == PLAN_EXISTS) {
        for (uint32_t i = 0; i < pl->ncolumns; i++) {
            bad |= spec_add_col(s, pl->columns[i]);
            c->outpos[i] = spec_pos(s, pl->columns[i]);
        }
    } else if (pl->mode != PLAN_COUNT) {
        bad |= spec_add_col(s, pl->agg_column);
        c->outpos[0] = spec_pos(s, pl->agg_column);
    }
    return bad ? facts_oom(err) : VOUCH_OK;
}

/* Pass 4, per spec: the scan that builds its instances, and how long it is
 * estimated to take: per row, a fixed part (the scan, the bucket) and a
 * part per stored column and per constant term, measured on the benchmark
 * facts (an evidence build of 4.6 million rows and 4 columns: 1.3 s). */
static vouch_status spec_sql(vouch_facts *f, hspec *s, vouch_error *err)
{
    const vouch_table_decl *t = spec_table(f, s);
    sbuf b = {0};
    sb_str(&b, "SELECT ");
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (i)
            sb_str(&b, ", ");
        sb_ident(&b, t->columns[s->cols[i]].name);
    }
    if (f->tinfo[s->table].has_rowid)
        sb_str(&b, ", rowid");
    sb_str(&b, " FROM ");
    sb_ident(&b, t->name);
    for (uint32_t k = 0; k < s->nconst; k++) {  /* numbered ?1.. in spec order */
        const vouch_column_decl *cd = &t->columns[s->ccol[k]];
        sb_str(&b, k ? " AND " : " WHERE ");
        sb_ident(&b, cd->name);
        sb_str(&b, facts_cmp_sql(s->ccmp[k], cd->optional));
        sb_fmt(&b, "?%u", k + 1);
    }
    /* rows dated after the as-of are never stored: ?(nconst + 1) */
    facts_dated_sql(f, t, &b, s->nconst == 0, s->nconst + 1);
    if (b.oom) {
        vouch_free(b.p);
        return facts_oom(err);
    }
    s->sql = b.p;
    /* the calibration sample (facts_hash_calibrate): the first rows of the
     * scan without its filter, the cost per row scanned */
    sbuf sb = {0};
    sb_str(&sb, "SELECT ");
    for (uint32_t i = 0; i < s->ncols; i++) {
        if (i)
            sb_str(&sb, ", ");
        sb_ident(&sb, t->columns[s->cols[i]].name);
    }
    sb_str(&sb, " FROM ");
    sb_ident(&sb, t->name);
    sb_fmt(&sb, " LIMIT %d", SAMPLE_ROWS);
    if (sb.oom) {
        vouch_free(sb.p);
        return facts_oom(err);
    }
    s->sample_sql = sb.p;
    s->est_rows = f->tinfo[s->table].est_rows;
    s->scan_ns = s->est_rows * (uint64_t)(100 + 35 * s->ncols + 20 * s->nconst);
    return VOUCH_OK;
}

void facts_hash_calibrate(vouch_facts *f, cursor *c)
{
    hspec *s = c->spec;
    sqlite3_stmt *st = NULL;
    s->calibrated = 1;
    (void)c;
    if (!s->sample_sql || sqlite3_prepare_v2(f->db, s->sample_sql, -1, &st, NULL) != SQLITE_OK) {
        sqlite3_finalize(st);
        return;   /* keep the first estimate */
    }
    /* read every stored column of each row, as a build does */
    uint64_t t0 = facts_now_ns();
    uint32_t n = 0;
    while (sqlite3_step(st) == SQLITE_ROW) {
        for (uint32_t i = 0; i < s->ncols; i++) {
            sqlite3_value *sv = sqlite3_column_value(st, (int)i);
            if (sqlite3_value_type(sv) == SQLITE_TEXT)
                (void)sqlite3_value_bytes(sv);
        }
        n++;
    }
    uint64_t dt = facts_now_ns() - t0;
    sqlite3_finalize(st);
    if (n == 0)
        return;
    /* converting, bucketing, sorting and storing about doubles the scan */
    uint64_t rows = s->est_rows > n ? s->est_rows : n;
    s->scan_ns = 2 * dt * rows / n;
}

static const char *cmp_text(int cmp)
{
    static const char *tx[] = {"==", "!=", "<", "<=", ">", ">="};
    return cmp < 6 ? tx[cmp] : "?";
}

/* "hash: evidence(framework, control) sorted by collected_on, filtering
 * kind ==; built by SELECT ..." */
static vouch_status describe(vouch_facts *f, cursor *c, vouch_error *err)
{
    const hspec *s = c->spec;
    const vouch_table_decl *t = spec_table(f, s);
    sbuf b = {0};
    sb_str(&b, "hash: ");
    sb_str(&b, t->name);
    sb_str(&b, "(");
    for (uint32_t k = 0; k < s->nkey; k++) {
        if (k)
            sb_str(&b, ", ");
        sb_str(&b, t->columns[s->keycols[k]].name);
    }
    sb_str(&b, ")");
    if (s->sortcol >= 0) {
        sb_str(&b, " sorted by ");
        sb_str(&b, t->columns[s->sortcol].name);
    }
    for (uint32_t k = 0; k < c->nfilt; k++) {
        sb_str(&b, k ? ", " : ", filtering ");
        sb_str(&b, t->columns[s->cols[c->filt[k].pos]].name);
        sb_str(&b, " ");
        sb_str(&b, cmp_text(c->filt[k].cmp));
    }
    sb_str(&b, "; built by ");
    sb_str(&b, s->sql);
    if (b.oom) {
        vouch_free(b.p);
        return facts_oom(err);
    }
    c->hdesc = b.p;
    return VOUCH_OK;
}

vouch_status facts_hash_finish_bind(vouch_facts *f, vouch_error *err)
{
    vouch_status s;
    for (uint32_t i = 0; i < f->ncur; i++) {
        cursor *c = &f->cur[i];
        if (c->want && (s = group(f, i, c->want == 1, err)) != VOUCH_OK)
            return s;
    }
    for (uint32_t i = 0; i < f->ncur; i++)
        if (f->cur[i].spec && (s = match(f, &f->cur[i], err)) != VOUCH_OK)
            return s;
    for (hspec *sp = f->specs; sp; sp = sp->next)
        if ((s = choose_sort(f, sp, err)) != VOUCH_OK)
            return s;
    for (uint32_t i = 0; i < f->ncur; i++)
        if (f->cur[i].spec && (s = finish(f, &f->cur[i], err)) != VOUCH_OK)
            return s;
    for (hspec *sp = f->specs; sp; sp = sp->next)
        if ((s = spec_sql(f, sp, err)) != VOUCH_OK)
            return s;
    for (uint32_t i = 0; i < f->ncur; i++)
        if (f->cur[i].spec && (s = describe(f, &f->cur[i], err)) != VOUCH_OK)
            return s;
    return VOUCH_OK;
}

/* ---- instances --------------------------------------------------------------------- */

static void hinst_clear(const hspec *s, hinst *h)
{
    if (h->cols)
        for (uint32_t i = 0; i + s->nkey < s->ncols; i++) {
            vouch_free(h->cols[i].u);
            vouch_free(h->cols[i].i);
            vouch_free(h->cols[i].has);
        }
    vouch_free(h->cols);
    vouch_free(h->keys);
    vouch_free(h->kvals);
    vouch_free(h->slots);
    h->cols = NULL;
    h->keys = NULL;
    h->kvals = NULL;
    h->slots = NULL;
    h->nrows = h->nkeys = h->mask = 0;
}

void facts_hash_free(vouch_facts *f)
{
    for (hspec *s = f->specs, *ns; s; s = ns) {
        ns = s->next;
        for (hinst *h = s->insts, *nh; h; h = nh) {
            nh = h->next;
            hinst_clear(s, h);
            vouch_free(h->errmsg);
            vouch_free(h);
        }
        vouch_free(s->keycols);
        vouch_free(s->ccol);
        vouch_free(s->ccmp);
        vouch_free(s->cols);
        vouch_free(s->sql);
        vouch_free(s->sample_sql);
        vouch_free(s);
    }
    f->specs = NULL;
}

/* The value of stored column ci (declared column col) at row r. */
static vouch_value decode(const vouch_facts *f, const vouch_table_decl *t, uint32_t col,
                          const hcol *hc, uint32_t r)
{
    const vouch_column_decl *cd = &t->columns[col];
    if (cd->type == VT_INT || cd->type == VT_DUR) {
        if (hc->has && !hc->has[r])
            return vouch_none();
        vouch_value v = {cd->type, 0, {0}};
        v.u.i = hc->i[r];
        return v;
    }
    uint32_t code = hc->u[r];
    if (code == 0)
        return vouch_none();
    switch (cd->type) {
    case VT_DATE: return vouch_date((int64_t)code - DATE_BIAS);
    case VT_BOOL: return vouch_bool(code - 1);
    default:
        if (cd->enum_id >= 0 && (uint32_t)cd->enum_id < f->p->nenums) {
            const char *m = f->p->enums[cd->enum_id].values[code - 1];
            return vouch_text(m, strlen(m));
        }
        return vouch_text(intern_get(f, code)->s, intern_get(f, code)->len);
    }
}

/* The value at stored position pos of row r of the cursor's bucket. */
static vouch_value hval(const vouch_facts *f, const cursor *c, uint32_t pos, uint32_t r)
{
    const hspec *s = c->spec;
    if (pos < s->nkey)
        return c->key[pos];
    return decode(f, spec_table(f, s), s->cols[pos], &c->inst->cols[pos - s->nkey], r);
}

/* The code column col would store for value v, or UINT32_MAX if no stored
 * value can equal v (a text never interned, a member that does not exist).
 * For the ordered encodings, *wide receives v's position among the codes
 * (it may fall outside uint32: it is only compared) and *ordered is 1;
 * *ordered is 0 when v cannot be ordered against the column's values (none,
 * or text against a date), where the caller compares values instead. */
static uint32_t code_of(const vouch_facts *f, const vouch_table_decl *t, uint32_t col,
                        const vouch_value *v, int64_t *wide, int *ordered)
{
    const vouch_column_decl *cd = &t->columns[col];
    *wide = 0;
    *ordered = 0;
    if (v->type == VT_NONE)
        return 0;
    switch (cd->type) {
    case VT_DATE:
    case VT_BOOL: {
        if (v->type == VT_TEXT)
            return UINT32_MAX;
        int64_t w;
        if (__builtin_add_overflow(v->u.i, cd->type == VT_DATE ? DATE_BIAS : 1, &w))
            return UINT32_MAX;
        *wide = w;
        *ordered = 1;
        return w >= 1 && w < UINT32_MAX ? (uint32_t)w : UINT32_MAX;
    }
    default:
        if (v->type != VT_TEXT)
            return UINT32_MAX;
        if (cd->enum_id >= 0 && (uint32_t)cd->enum_id < f->p->nenums) {
            const vouch_enum_decl *e = &f->p->enums[cd->enum_id];
            for (uint32_t k = 0; k < e->nvalues; k++)
                if (strlen(e->values[k]) == v->len && memcmp(e->values[k], v->u.s, v->len) == 0)
                    return k + 1;
            return UINT32_MAX;
        }
        {
            uint32_t id = intern_find(f, v->u.s, v->len);
            return id ? id : UINT32_MAX;
        }
    }
}

static uint64_t key_hash_or(const vouch_value *vals, uint32_t n) { return key_hash(vals, n); }

static int slots_grow(hinst *h)
{
    uint32_t cap = h->mask ? (h->mask + 1) * 2 : 64;
    uint32_t *s = vouch_calloc(cap, sizeof *s);
    if (!s)
        return -1;
    for (uint32_t k = 0; k < h->nkeys; k++) {
        uint32_t j = (uint32_t)h->keys[k].hash & (cap - 1);
        while (s[j])
            j = (j + 1) & (cap - 1);
        s[j] = k + 1;
    }
    vouch_free(h->slots);
    h->slots = s;
    h->mask = cap - 1;
    return 0;
}

/* The key index of the nkey values vals, or UINT32_MAX; *slot receives the
 * empty slot where it would go. */
static uint32_t key_find(const hinst *h, uint32_t nkey, uint64_t hash, const vouch_value *vals,
                         uint32_t *slot)
{
    uint32_t j = (uint32_t)hash & h->mask;
    for (; h->slots[j]; j = (j + 1) & h->mask) {
        uint32_t k = h->slots[j] - 1;
        if (h->keys[k].hash != hash)
            continue;
        const vouch_value *kv = &h->kvals[(size_t)k * nkey];
        uint32_t i = 0;
        while (i < nkey && key_eq(&kv[i], &vals[i]))
            i++;
        if (i == nkey)
            return k;
    }
    *slot = j;
    return UINT32_MAX;
}

/* Grows every stored column of h to hold cap rows. */
static int cols_reserve(const vouch_facts *f, const hspec *s, hinst *h, uint32_t cap)
{
    const vouch_table_decl *t = spec_table(f, s);
    for (uint32_t i = 0; i + s->nkey < s->ncols; i++) {
        hcol *hc = &h->cols[i];
        uint32_t col = s->cols[s->nkey + i];
        if (col_enc(f, t, col) == ENC_INT) {
            int64_t *ni = vouch_realloc(hc->i, (size_t)cap * sizeof *ni);
            if (!ni)
                return -1;
            hc->i = ni;
            if (t->columns[col].optional) {
                uint8_t *nh = vouch_realloc(hc->has, cap);
                if (!nh)
                    return -1;
                hc->has = nh;
            }
        } else {
            uint32_t *nu = vouch_realloc(hc->u, (size_t)cap * sizeof *nu);
            if (!nu)
                return -1;
            hc->u = nu;
        }
    }
    return 0;
}

/* Stores v (declared column col) at row r of hc. */
static int store(vouch_facts *f, const vouch_table_decl *t, uint32_t col, hcol *hc, uint32_t r,
                 const vouch_value *v, icache *ic)
{
    const vouch_column_decl *cd = &t->columns[col];
    switch (col_enc(f, t, col)) {
    case ENC_INT:
        hc->i[r] = v->type == VT_NONE ? 0 : v->u.i;
        if (hc->has)
            hc->has[r] = v->type != VT_NONE;
        return 0;
    case ENC_DATE:
        hc->u[r] = v->type == VT_NONE ? 0 : (uint32_t)(v->u.i + DATE_BIAS);
        return 0;
    case ENC_BOOL:
        hc->u[r] = v->type == VT_NONE ? 0 : (uint32_t)(v->u.i + 1);
        return 0;
    case ENC_ENUM: {
        uint32_t code = 0;
        if (v->type != VT_NONE) {
            /* convert returned the program's own member string */
            const vouch_enum_decl *e = &f->p->enums[cd->enum_id];
            while (code < e->nvalues && e->values[code] != v->u.s)
                code++;
            code++;
        }
        hc->u[r] = code;
        return 0;
    }
    default:
        if (v->type == VT_NONE) {
            hc->u[r] = 0;
            return 0;
        }
        hc->u[r] = intern_cached(f, ic, v->u.s, v->len);
        return hc->u[r] ? 0 : -1;
    }
}

/* Stable LSD radix sort of idx[0..n) by key[idx[i]] (11-bit digits over the
 * span actually used), tmp with room for n. */
static void radix(uint32_t *idx, uint32_t *tmp, uint32_t n, const uint64_t *key)
{
    if (n < 2)
        return;
    uint64_t lo = UINT64_MAX, hi = 0;
    for (uint32_t i = 0; i < n; i++) {
        uint64_t k = key[idx[i]];
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    uint64_t span = hi - lo;
    uint32_t *a = idx, *b = tmp;
    uint32_t count[2048];
    for (unsigned shift = 0; shift < 64 && (span >> shift) != 0; shift += 11) {
        memset(count, 0, sizeof count);
        for (uint32_t i = 0; i < n; i++)
            count[((key[a[i]] - lo) >> shift) & 2047]++;
        uint32_t sum = 0;
        for (uint32_t d = 0; d < 2048; d++) {
            uint32_t c = count[d];
            count[d] = sum;
            sum += c;
        }
        for (uint32_t i = 0; i < n; i++)
            b[count[((key[a[i]] - lo) >> shift) & 2047]++] = a[i];
        uint32_t *t = a;
        a = b;
        b = t;
    }
    if (a != idx)
        memcpy(idx, a, n * sizeof *idx);
}

/* The sort order of present values as unsigned keys: codes that order as
 * their values, ints with the sign bit flipped. */
static uint64_t sort_key(const hcol *hc, int enc, uint32_t r)
{
    if (enc == ENC_INT)
        return (uint64_t)hc->i[r] ^ 0x8000000000000000ull;
    return hc->u[r];
}

static int is_none(const hcol *hc, int enc, uint32_t r)
{
    return enc == ENC_INT ? hc->has && !hc->has[r] : hc->u[r] == 0;
}

/* Sorts one bucket's rows idx[0..n): none first (stably), then the present
 * ones by radix on their keys. */
static void sort_bucket(const hcol *hc, int enc, uint32_t *idx, uint32_t *tmp, uint32_t n,
                        const uint64_t *key)
{
    uint32_t nn = 0, m = 0;
    for (uint32_t i = 0; i < n; i++)
        nn += is_none(hc, enc, idx[i]);
    if (nn) {
        for (uint32_t i = 0; i < n; i++) {
            if (is_none(hc, enc, idx[i]))
                tmp[m++] = idx[i];
        }
        for (uint32_t i = 0; i < n; i++)
            if (!is_none(hc, enc, idx[i]))
                tmp[m++] = idx[i];
        memcpy(idx, tmp, n * sizeof *idx);
    }
    radix(idx + nn, tmp, n - nn, key);
}

/* Stable merge sort of idx[0..n) by decoded values (text sort columns). */
static void merge_sort(const vouch_facts *f, const vouch_table_decl *t, uint32_t col,
                       const hcol *hc, uint32_t *idx, uint32_t *tmp, uint32_t n)
{
    for (uint32_t w = 1; w < n; w *= 2) {
        for (uint32_t lo = 0; lo < n; lo += 2 * w) {
            uint32_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
            uint32_t i = lo, j = mid, k = lo;
            while (i < mid && j < hi) {
                vouch_value a = decode(f, t, col, hc, idx[i]), b = decode(f, t, col, hc, idx[j]);
                /* b strictly before a: none first, then ascending */
                int before = b.type == VT_NONE ? a.type != VT_NONE
                           : a.type != VT_NONE && key_cmp(&b, &a) < 0;
                tmp[k++] = before ? idx[j++] : idx[i++];
            }
            while (i < mid)
                tmp[k++] = idx[i++];
            while (j < hi)
                tmp[k++] = idx[j++];
        }
        memcpy(idx, tmp, n * sizeof *idx);
    }
}

/* Reorders every stored column by perm (new row i = old row perm[i]). */
static int permute(const vouch_facts *f, const hspec *s, hinst *h, const uint32_t *perm)
{
    const vouch_table_decl *t = spec_table(f, s);
    uint32_t n = h->nrows;
    for (uint32_t c = 0; c + s->nkey < s->ncols; c++) {
        hcol *hc = &h->cols[c];
        if (col_enc(f, t, s->cols[s->nkey + c]) == ENC_INT) {
            int64_t *ni = vouch_malloc(((size_t)n + 1) * sizeof *ni);
            if (!ni)
                return -1;
            for (uint32_t i = 0; i < n; i++)
                ni[i] = hc->i[perm[i]];
            vouch_free(hc->i);
            hc->i = ni;
            if (hc->has) {
                uint8_t *nh = vouch_malloc((size_t)n + 1);
                if (!nh)
                    return -1;
                for (uint32_t i = 0; i < n; i++)
                    nh[i] = hc->has[perm[i]];
                vouch_free(hc->has);
                hc->has = nh;
            }
        } else {
            uint32_t *nu = vouch_malloc(((size_t)n + 1) * sizeof *nu);
            if (!nu)
                return -1;
            for (uint32_t i = 0; i < n; i++)
                nu[i] = hc->u[perm[i]];
            vouch_free(hc->u);
            hc->u = nu;
        }
    }
    return 0;
}

static vouch_status build(vouch_facts *f, hspec *s, const vouch_value *cvals, hinst *h,
                          vouch_error *err)
{
    const vouch_table_decl *t = spec_table(f, s);
    sqlite3_stmt *st = NULL;
    vouch_status rs = VOUCH_OK;
    uint32_t nkey = s->nkey, w = s->ncols - nkey, capk = 0, n = 0;
    uint32_t *gid = NULL, *perm = NULL, *next = NULL, *tmp = NULL;
    uint64_t *skey = NULL;
    icache *ic = NULL;
    uint8_t *enc = NULL;   /* each stored column's encoding */
    vouch_value key[MAX_KEY];
    int rowid_sc = f->tinfo[s->table].has_rowid ? (int)s->ncols : -1;
    /* Rows to expect: the table's estimate (the build then needs no
     * regrowth when no constant term filters), else grow by half. */
    uint64_t hint = s->est_rows ? s->est_rows + 16 : 1024;
    uint32_t cap = hint > (1u << 30) ? (1u << 30) : (uint32_t)hint;
    enc = vouch_malloc(s->ncols + 1);
    for (uint32_t i = 0; enc && i < s->ncols; i++)
        enc[i] = (uint8_t)col_enc(f, t, s->cols[i]);
    h->cols = vouch_calloc(w + 1, sizeof *h->cols);
    ic = vouch_calloc(w + 1, sizeof *ic);
    gid = vouch_malloc((size_t)cap * sizeof *gid);
    if (!enc || !h->cols || !ic || !gid || cols_reserve(f, s, h, cap) != 0 || slots_grow(h) != 0)
        goto nomem;

    int rc = sqlite3_prepare_v2(f->db, s->sql, -1, &st, NULL);
    if (rc != SQLITE_OK) {
        rs = facts_db_error(f, rc, err, "building a hash index");
        goto out;
    }
    for (uint32_t k = 0; k < s->nconst; k++) {
        char d[11];
        rc = facts_bind_value(st, (int)k + 1, &cvals[k], d);
        if (rc == SQLITE_OK && cvals[k].type == VT_DATE)   /* d is a local: copy it */
            rc = sqlite3_bind_text(st, (int)k + 1, d, 10, SQLITE_TRANSIENT);
        if (rc != SQLITE_OK) {
            rs = facts_db_error(f, rc, err, "building a hash index");
            goto out;
        }
    }
    if (sqlite3_bind_parameter_count(st) > (int)s->nconst &&
        (rc = sqlite3_bind_text(st, (int)s->nconst + 1, f->as_of_text, 10, SQLITE_STATIC)) != SQLITE_OK) {
        rs = facts_db_error(f, rc, err, "building a hash index");
        goto out;
    }

    /* One pass: read the key (text still in SQLite's row), find or add its
     * bucket (interning the key text only for a new bucket), store the
     * other columns' codes. */
    while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
        if (n == cap) {
            uint32_t ncap = cap + cap / 2 + 1024;
            if (ncap < cap)
                goto nomem;
            uint32_t *g = vouch_realloc(gid, (size_t)ncap * sizeof *g);
            if (!g)
                goto nomem;
            gid = g;
            if (cols_reserve(f, s, h, ncap) != 0)
                goto nomem;
            cap = ncap;
        }
        for (uint32_t i = 0; i < nkey; i++) {
            /* the common case inline: text in a text column */
            sqlite3_value *sv = sqlite3_column_value(st, (int)i);
            if (enc[i] == ENC_TEXT && sqlite3_value_type(sv) == SQLITE_TEXT) {
                const char *tx = (const char *)sqlite3_value_text(sv);
                if (!tx)
                    goto nomem;
                key[i] = vouch_text(tx, (size_t)sqlite3_value_bytes(sv));
            } else if ((rs = facts_convert(f, t, s->cols[i], st, (int)i, rowid_sc, 0, &key[i],
                                           err)) != VOUCH_OK) {
                goto out;
            }
        }
        uint64_t hash = key_hash_or(key, nkey);
        uint32_t slot;
        uint32_t k = key_find(h, nkey, hash, key, &slot);
        if (k == UINT32_MAX) {
            if (h->nkeys == capk) {
                uint32_t ncap = capk ? capk * 2 : 256;
                hkey *nk = vouch_realloc(h->keys, (size_t)ncap * sizeof *nk);
                if (!nk)
                    goto nomem;
                h->keys = nk;
                vouch_value *nv = vouch_realloc(h->kvals, ((size_t)ncap * nkey + 1) * sizeof *nv);
                if (!nv)
                    goto nomem;
                h->kvals = nv;
                capk = ncap;
            }
            k = h->nkeys++;
            vouch_value *kv = &h->kvals[(size_t)k * nkey];
            for (uint32_t i = 0; i < nkey; i++) {
                kv[i] = key[i];
                if (key[i].type == VT_TEXT && t->columns[s->cols[i]].enum_id < 0) {
                    uint32_t id = intern_id(f, key[i].u.s, key[i].len);
                    if (!id)
                        goto nomem;
                    kv[i].u.s = intern_get(f, id)->s;
                }
            }
            h->keys[k].hash = hash;
            h->keys[k].start = 0;
            h->keys[k].count = 0;
            h->slots[slot] = k + 1;
            if (h->nkeys * 2 > h->mask && slots_grow(h) != 0)
                goto nomem;
        }
        for (uint32_t i = 0; i < w; i++) {
            vouch_value v;
            uint32_t col = s->cols[nkey + i];
            int sc = (int)(nkey + i);
            /* the common cases inline: a date or a text stored as text */
            sqlite3_value *sv = sqlite3_column_value(st, sc);
            if ((enc[nkey + i] == ENC_DATE || enc[nkey + i] == ENC_TEXT) &&
                sqlite3_value_type(sv) == SQLITE_TEXT) {
                const char *tx = (const char *)sqlite3_value_text(sv);
                int len = sqlite3_value_bytes(sv);
                int64_t d;
                if (!tx)
                    goto nomem;
                if (enc[nkey + i] == ENC_TEXT) {
                    if (!(h->cols[i].u[n] = intern_cached(f, &ic[i], tx, (uint32_t)len)))
                        goto nomem;
                    continue;
                }
                if (facts_date(f, tx, len, &d) == 0) {
                    h->cols[i].u[n] = (uint32_t)(d + DATE_BIAS);
                    continue;
                }
            }
            if ((rs = facts_convert(f, t, col, st, sc, rowid_sc, 0, &v, err)) != VOUCH_OK)
                goto out;
            if (store(f, t, col, &h->cols[i], n, &v, &ic[i]) != 0)
                goto nomem;
        }
        h->keys[k].count++;
        gid[n++] = k;
    }
    if (rc != SQLITE_DONE) {
        rs = facts_db_error(f, rc, err, "building a hash index");
        goto out;
    }
    sqlite3_finalize(st);
    st = NULL;
    h->nrows = n;

    /* Group: the position of every row in bucket order (a counting sort by
     * bucket, stable), then each bucket sorted by its sort column, then
     * every column permuted once into that order. */
    perm = vouch_malloc(((size_t)n + 1) * sizeof *perm);
    next = vouch_malloc(((size_t)h->nkeys + 1) * sizeof *next);
    if (!perm || !next)
        goto nomem;
    uint32_t at = 0, most = 0;
    for (uint32_t k = 0; k < h->nkeys; k++) {
        h->keys[k].start = at;
        next[k] = at;
        at += h->keys[k].count;
        most = h->keys[k].count > most ? h->keys[k].count : most;
    }
    for (uint32_t r = 0; r < n; r++)
        perm[next[gid[r]]++] = r;
    vouch_free(gid);
    gid = NULL;
    vouch_free(next);
    next = NULL;
    if (s->sortcol >= 0 && n > 0) {
        uint32_t pos = spec_pos(s, (uint32_t)s->sortcol);
        if (pos >= nkey) {   /* a key column is the same within a bucket */
            const hcol *hc = &h->cols[pos - nkey];
            int senc = col_enc(f, t, (uint32_t)s->sortcol);
            tmp = vouch_malloc(((size_t)most + 1) * sizeof *tmp);
            if (!tmp)
                goto nomem;
            if (senc == ENC_INT || enc_ordered(senc)) {
                skey = vouch_malloc(((size_t)n + 1) * sizeof *skey);
                if (!skey)
                    goto nomem;
                for (uint32_t r = 0; r < n; r++)
                    skey[r] = is_none(hc, senc, r) ? 0 : sort_key(hc, senc, r);
                for (uint32_t k = 0; k < h->nkeys; k++)
                    sort_bucket(hc, senc, perm + h->keys[k].start, tmp, h->keys[k].count, skey);
            } else {
                for (uint32_t k = 0; k < h->nkeys; k++)
                    merge_sort(f, t, (uint32_t)s->sortcol, hc, perm + h->keys[k].start, tmp,
                               h->keys[k].count);
            }
        }
    }
    vouch_free(skey);
    skey = NULL;
    if (permute(f, s, h, perm) != 0)
        goto nomem;
    goto out;
nomem:
    rs = facts_oom(err);
out:
    sqlite3_finalize(st);
    vouch_free(enc);
    vouch_free(ic);
    vouch_free(gid);
    vouch_free(perm);
    vouch_free(next);
    vouch_free(tmp);
    vouch_free(skey);
    return rs;
}

/* The instance of c's spec for the constant values of c's last seek,
 * building it the first time those values are met. */
static vouch_status instance(vouch_facts *f, cursor *c, vouch_error *err)
{
    hspec *s = c->spec;
    hinst *h = c->inst;
    if (h) {
        uint32_t k = 0;
        while (k < s->nconst && key_eq(&h->cvals[k], &c->pv[c->constparam[k]]))
            k++;
        if (k == s->nconst)
            goto found;
    }
    for (h = s->insts; h; h = h->next) {
        uint32_t k = 0;
        while (k < s->nconst && key_eq(&h->cvals[k], &c->pv[c->constparam[k]]))
            k++;
        if (k == s->nconst)
            goto found;
    }
    h = vouch_calloc(1, sizeof *h);
    if (!h)
        return facts_oom(err);
    h->cvals = facts_arena_alloc(&f->arena, (s->nconst + 1) * sizeof *h->cvals);
    if (!h->cvals) {
        vouch_free(h);
        return facts_oom(err);
    }
    for (uint32_t k = 0; k < s->nconst; k++) {
        vouch_value v = c->pv[c->constparam[k]];
        if (v.type == VT_TEXT) {
            uint32_t id = intern_id(f, v.u.s, v.len);
            if (!id) {
                vouch_free(h);
                return facts_oom(err);
            }
            v.u.s = intern_get(f, id)->s;
        }
        h->cvals[k] = v;
    }
    h->next = s->insts;
    s->insts = h;
    vouch_error e;
    vouch_status st = build(f, s, h->cvals, h, &e);
    if (st != VOUCH_OK) {
        /* Keep the failure: later seeks report it again without rescanning. */
        hinst_clear(s, h);
        h->failed = st;
        h->errmsg = vouch_strdup(e.msg);
    }
    f->stats.hash_builds++;
    f->stats.hash_rows += h->nrows;
found:
    c->inst = h;
    if (h->failed)
        return vouch_error_set(err, h->failed, "%s", h->errmsg ? h->errmsg : "out of memory");
    return VOUCH_OK;
}

/* ---- probes ------------------------------------------------------------------------ */

/* First row in [lo, hi) whose sort value is present and >= p (> p if
 * strict). None sorts first, so the predicate is monotone. */
static uint32_t lower(const vouch_facts *f, const cursor *c, uint32_t lo, uint32_t hi,
                      const vouch_value *p, int strict)
{
    const hspec *s = c->spec;
    const vouch_table_decl *t = spec_table(f, s);
    uint32_t pos = spec_pos(s, (uint32_t)s->sortcol);
    const hcol *hc = &c->inst->cols[pos - s->nkey];
    int enc = col_enc(f, t, (uint32_t)s->sortcol);
    if (enc_ordered(enc)) {
        /* codes order as values; none (0) is below every present code */
        int64_t wide;
        int ordered;
        code_of(f, t, (uint32_t)s->sortcol, p, &wide, &ordered);
        if (!ordered)   /* a parameter of another kind: compare values below */
            goto slow;
        while (lo < hi) {
            uint32_t mid = lo + (hi - lo) / 2;
            uint32_t v = hc->u[mid];
            int ok = v != 0 && (strict ? (int64_t)v > wide : (int64_t)v >= wide);
            if (ok)
                hi = mid;
            else
                lo = mid + 1;
        }
        return lo;
    }
slow:
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        vouch_value v = decode(f, t, (uint32_t)s->sortcol, hc, mid);
        int ok = v.type != VT_NONE && (strict ? key_cmp(&v, p) > 0 : key_cmp(&v, p) >= 0);
        if (ok)
            hi = mid;
        else
            lo = mid + 1;
    }
    return lo;
}

static vouch_status hash_seek(vouch_facts *f, cursor *c, vouch_error *err)
{
    vouch_status s = instance(f, c, err);
    if (s != VOUCH_OK)
        return s;
    const hspec *sp = c->spec;
    const hinst *h = c->inst;
    vouch_value key[MAX_KEY];
    for (uint32_t k = 0; k < sp->nkey; k++)
        key[k] = c->pv[c->keyparam[k]];
    uint32_t slot;
    uint32_t k = h->nkeys ? key_find(h, sp->nkey, key_hash_or(key, sp->nkey), key, &slot)
                          : UINT32_MAX;
    c->pos = c->end = 0;
    if (k == UINT32_MAX)
        return VOUCH_OK;
    c->key = &h->kvals[(size_t)k * sp->nkey];
    uint32_t lo = h->keys[k].start, hi = lo + h->keys[k].count;
    if (c->nrange) {
        for (uint32_t j = 0; j < c->nrange && lo < hi; j++) {
            const vouch_value *p = &c->pv[c->range[j].param];
            if (p->type == VT_NONE) {
                hi = lo;
                break;
            }
            switch (c->range[j].cmp) {
            case CMP_GE: lo = lower(f, c, lo, hi, p, 0); break;
            case CMP_GT: lo = lower(f, c, lo, hi, p, 1); break;
            case CMP_LE: hi = lower(f, c, lo, hi, p, 1); break;
            default:     hi = lower(f, c, lo, hi, p, 0); break;
            }
        }
        /* present values only: skip the leading nones (the >= bounds did) */
        if (lo < hi) {
            uint32_t pos = spec_pos(sp, (uint32_t)sp->sortcol);
            const vouch_table_decl *t = spec_table(f, sp);
            const hcol *hc = &h->cols[pos - sp->nkey];
            while (lo < hi && decode(f, t, (uint32_t)sp->sortcol, hc, lo).type == VT_NONE)
                lo++;
        }
        if (hi < lo)
            hi = lo;
    }
    c->pos = lo;
    c->end = hi;
    /* the filters' parameters as codes, once per seek; an ordering the
     * codes cannot answer (a parameter of another kind) compares values */
    const vouch_table_decl *t = spec_table(f, sp);
    for (uint32_t j = 0; j < c->nfilt; j++) {
        uint8_t fk = c->fkind[j];
        c->fnow[j] = fk;
        if (fk == FK_CODE_EQ || fk == FK_CODE_NE || fk == FK_CODE_ORD) {
            int ordered;
            const vouch_value *p = &c->pv[c->filt[j].param];
            c->fcode[j] = code_of(f, t, sp->cols[c->filt[j].pos], p, &c->fwide[j], &ordered);
            if (fk == FK_CODE_ORD && !ordered)
                c->fnow[j] = FK_SLOW;
        }
    }
    return VOUCH_OK;
}

/* Whether row r passes filter j. */
static int filter(const vouch_facts *f, const cursor *c, uint32_t j, uint32_t r)
{
    const pterm *pt = &c->filt[j];
    const hspec *s = c->spec;
    switch (c->fnow[j]) {
    case FK_CODE_EQ:
        return c->inst->cols[pt->pos - s->nkey].u[r] == c->fcode[j];
    case FK_CODE_NE:
        return c->inst->cols[pt->pos - s->nkey].u[r] != c->fcode[j];
    case FK_CODE_ORD: {
        int64_t v = c->inst->cols[pt->pos - s->nkey].u[r], p = c->fwide[j];
        if (v == 0)
            return 0;
        switch (pt->cmp) {
        case CMP_LT: return v < p;
        case CMP_LE: return v <= p;
        case CMP_GT: return v > p;
        default:     return v >= p;
        }
    }
    default: {
        vouch_value v = hval(f, c, pt->pos, r);
        return term_holds(&v, pt->cmp, &c->pv[pt->param]);
    }
    }
}

/* The next row of the cursor's range that passes its filters: 1 and
 * c->pos just past it, or 0. */
static int next_row(const vouch_facts *f, cursor *c)
{
    while (c->pos < c->end) {
        uint32_t r = c->pos++, j = 0;
        while (j < c->nfilt && filter(f, c, j, r))
            j++;
        if (j == c->nfilt)
            return 1;
    }
    return 0;
}

/* count, min or max over the cursor's rows, into c->agg. */
static void aggregate(const vouch_facts *f, cursor *c)
{
    if (c->mode == PLAN_COUNT) {
        int64_t n = 0;
        if (c->nfilt == 0) {
            n = c->end - c->pos;
            c->pos = c->end;
        } else {
            while (next_row(f, c))
                n++;
        }
        c->agg = vouch_int(n);
        return;
    }
    uint32_t pos = c->outpos[0];
    vouch_value best = vouch_none();
    while (next_row(f, c)) {
        vouch_value v = hval(f, c, pos, c->pos - 1);
        if (v.type == VT_NONE)
            continue;
        if (best.type == VT_NONE || (c->mode == PLAN_MIN ? key_cmp(&v, &best) < 0
                                                         : key_cmp(&v, &best) > 0))
            best = v;
    }
    c->agg = best;
}

static vouch_status hash_next(vouch_facts *f, cursor *c, int *has_row, vouch_error *err)
{
    (void)err;
    switch (c->mode) {
    case PLAN_ROWS:
        c->has_row = next_row(f, c);
        break;
    case PLAN_EXISTS:
        c->has_row = c->state == ST_READY && next_row(f, c);
        break;
    default:
        if (c->state == ST_READY) {
            aggregate(f, c);
            c->has_row = 1;
        } else {
            c->has_row = 0;
        }
        break;
    }
    *has_row = c->has_row;
    return VOUCH_OK;
}

static vouch_status hash_column(vouch_facts *f, cursor *c, uint32_t i, vouch_value *out,
                                vouch_error *err)
{
    (void)err;
    if (c->mode == PLAN_COUNT || c->mode == PLAN_MIN || c->mode == PLAN_MAX)
        *out = c->agg;
    else
        *out = hval(f, c, c->outpos[i], c->pos - 1);
    return VOUCH_OK;
}

static void hash_reset(vouch_facts *f, cursor *c)
{
    (void)f;
    c->has_row = 0;
}

static const char *hash_describe(const vouch_facts *f, const cursor *c)
{
    (void)f;
    return c->hdesc;
}

static void hash_free(cursor *c)
{
    vouch_free(c->hdesc);
    vouch_free(c->cidx);
    vouch_free(c->tflag);
    vouch_free(c->constparam);
    vouch_free(c->range);
    vouch_free(c->filt);
    vouch_free(c->fcode);
    vouch_free(c->fwide);
    vouch_free(c->fkind);
    vouch_free(c->fnow);
    vouch_free(c->outpos);
}

static void hash_stats(const cursor *c, vouch_facts_stats *out)
{
    (void)c;
    out->hash_plans++;
}

const facts_path facts_hash_path = {
    "hash", hash_seek, hash_next, hash_column, hash_reset, hash_describe, hash_free, hash_stats,
};
