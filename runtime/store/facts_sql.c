/*
 * facts_sql.c: the SQL access path (facts_sql_path: plans answered by
 * prepared statements), and reading stored values as their declared types.
 *
 * A plan's statement is prepared once per bind (SQLITE_PREPARE_PERSISTENT)
 * with all its terms in the WHERE as ?N parameters (N = param + 1); every
 * seek resets and rebinds it. SQLite's indexes turn equality and range
 * terms into index seeks; EXISTS adds LIMIT 1, COUNT/MIN/MAX use SQLite's
 * aggregates. EQ/NE treat none as a value (`IS`, `IS NOT`), as the VM does.
 * The cache path (facts_cache.c) runs the statement through this path's
 * operations on a miss; the chooser (facts_choose.c) times the steps of a
 * plan that may move to its hash index.
 */
#include <stdio.h>
#include <string.h>
#include "facts_int.h"
#include "date.h"


/* ---- stored value -> declared type -------------------------------------- */

static int parse_int(const char *s, int n, int64_t *out)
{
    int i = 0, neg = 0;
    uint64_t v = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return -1;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (UINT64_MAX - 9) / 10)
            return -1;
        v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -1;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static const char *row_where(char buf[64], sqlite3_stmt *st, int rowid_sc)
{
    buf[0] = 0;
    if (rowid_sc >= 0)
        snprintf(buf, 64, " in the row with rowid %lld",
                 (long long)sqlite3_column_int64(st, rowid_sc));
    return buf;
}

/* An integer of column c, stored as one or as its text: a bool must be
 * 0 or 1. */
static vouch_status int_value(const vouch_table_decl *t, const vouch_column_decl *c, int64_t v,
                              const char *where, vouch_value *out, vouch_error *err)
{
    if (c->type == VT_BOOL && v != 0 && v != 1)
        return vouch_error_set(err, VOUCH_ERUNTIME, "facts store: %s.%s holds %lld%s, but a bool is 0 or 1",
                               t->name, c->name, (long long)v, where);
    out->type = c->type;
    out->len = 0;
    out->u.i = v;
    return VOUCH_OK;
}

/* One sqlite3_column_value per column, then the value API: each
 * sqlite3_column_* call would take and release the connection's state
 * again. */
vouch_status facts_convert(vouch_facts *f, const vouch_table_decl *t, uint32_t ci,
                           sqlite3_stmt *st, int sc, int rowid_sc, int keep, vouch_value *out,
                           vouch_error *err)
{
    const vouch_column_decl *c = &t->columns[ci];
    sqlite3_value *sv = sqlite3_column_value(st, sc);
    int ty = sqlite3_value_type(sv);
    char wb[64];
    const char *s = NULL;
    int n = 0;
    if (ty == SQLITE_NULL) {
        if (!c->optional)
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s is empty%s but the column is not optional",
                                   t->name, c->name, row_where(wb, st, rowid_sc));
        *out = vouch_none();
        return VOUCH_OK;
    }
    if (c->type != VT_TEXT && c->type != VT_DATE && ty == SQLITE_INTEGER) {
        return int_value(t, c, sqlite3_value_int64(sv), row_where(wb, st, rowid_sc), out, err);
    }
    s = (const char *)sqlite3_value_text(sv);
    n = sqlite3_value_bytes(sv);
    if (!s)
        return facts_oom(err);
    switch (c->type) {
    case VT_INT:
    case VT_BOOL:
    case VT_DUR: {
        /* stored as text (or real): accepted only if it is an integer */
        int64_t v;
        if (ty != SQLITE_TEXT || parse_int(s, n, &v) != 0)
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s holds `%.*s`%s, which is not an integer",
                                   t->name, c->name, n > 40 ? 40 : n, s,
                                   row_where(wb, st, rowid_sc));
        return int_value(t, c, v, row_where(wb, st, rowid_sc), out, err);
    }
    case VT_DATE: {
        int64_t d;
        if (facts_date(f, s, n, &d) != 0)
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s holds `%.*s`%s, which is not a date "
                                   "(YYYY-MM-DD)", t->name, c->name, n > 40 ? 40 : n, s,
                                   row_where(wb, st, rowid_sc));
        *out = vouch_date(d);
        return VOUCH_OK;
    }
    default:
        if (c->enum_id >= 0 && (uint32_t)c->enum_id < f->p->nenums) {
            /* enum members come back as the program's own spellings. The
             * stored text is n bytes and may hold a NUL: compare lengths
             * and bytes, never read a member past its end. */
            const vouch_enum_decl *e = &f->p->enums[c->enum_id];
            for (uint32_t k = 0; k < e->nvalues; k++) {
                const char *m = e->values[k];
                if (m[0] == (n ? s[0] : 0) && strnlen(m, (size_t)n + 1) == (size_t)n &&
                    memcmp(m, s, (size_t)n) == 0) {
                    *out = vouch_text(m, (size_t)n);
                    return VOUCH_OK;
                }
            }
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "facts store: %s.%s holds `%.*s`%s, which is not a member of "
                                   "the enum", t->name, c->name, n > 40 ? 40 : n, s,
                                   row_where(wb, st, rowid_sc));
        }
        if (keep) {
            uint32_t id = intern_id(f, s, (uint32_t)n);
            if (!id)
                return facts_oom(err);
            s = intern_get(f, id)->s;
        }
        *out = vouch_text(s, (size_t)n);
        return VOUCH_OK;
    }
}

/* ---- statements --------------------------------------------------------------- */

static vouch_status prepare(vouch_facts *f, cursor *c, vouch_error *err);

int facts_dated_sql(const vouch_facts *f, const vouch_table_decl *t, sbuf *b, int where, uint32_t param)
{
    if (!t->dated || t->dated > t->ncolumns || f->as_of == VOUCH_AS_OF_ANY)
        return 0;
    const char *col = t->columns[t->dated - 1].name;
    sb_str(b, where ? " WHERE (" : " AND (");
    sb_ident(b, col);
    sb_fmt(b, " <= ?%u OR ", param);
    sb_ident(b, col);
    sb_str(b, " IS NULL OR date(");
    sb_ident(b, col);
    sb_str(b, ") IS NOT ");
    sb_ident(b, col);
    sb_str(b, ")");
    return 1;
}

const char *facts_cmp_sql(int cmp, int optional)
{
    switch (cmp) {
    case CMP_EQ: return optional ? " IS " : " = ";
    case CMP_NE: return " IS NOT ";  /* none is a value for != as well */
    case CMP_LT: return " < ";
    case CMP_LE: return " <= ";
    case CMP_GT: return " > ";
    default:     return " >= ";
    }
}

/* The plan's filter (program.h) as an SQL condition that is false only
 * where the filter is certainly false, so no row the VM's residual would
 * keep (or would fail on) is dropped: `==`/`!=` are IS / IS NOT (none
 * equals only none, as in the VM); an ordering with none, and int
 * arithmetic that overflows (SQLite would go on in floating point where
 * the VM stops the rule), are unknown, and an unknown filter keeps the row.
 * Returns 0, or -1 if the words are not a filter (the verifier has
 * checked them, so only out of memory). */
static int filter_sql(sbuf *out, const vouch_table_decl *t, const vouch_plan *pl)
{
    static const char *const sym[FOP__COUNT] = {[FOP_ADD] = " + ", [FOP_SUB] = " - ", [FOP_MUL] = " * ",
                                                [FOP_EQ] = " IS ", [FOP_NE] = " IS NOT ", [FOP_LT] = " < ",
                                                [FOP_LE] = " <= ", [FOP_GT] = " > ", [FOP_GE] = " >= ",
                                                [FOP_AND] = " AND ", [FOP_OR] = " OR "};
    sbuf st[VOUCH_FILTER_MAX_DEPTH];
    uint32_t sp = 0;
    int rc = 0;
    for (uint32_t i = 0; i < pl->nfilter && rc == 0; i++) {
        uint32_t op = pl->filter[i];
        if (op == FOP_COL || op == FOP_PARAM) {
            sbuf s = {0};
            if (op == FOP_COL)
                sb_ident(&s, t->columns[pl->filter[++i]].name);
            else
                sb_fmt(&s, "?%u", pl->filter[++i] + 1);
            st[sp++] = s;
            if (s.oom)
                rc = -1;
            continue;
        }
        sbuf s = {0};
        if (op == FOP_NOT) {
            sb_str(&s, "(NOT ");
            sb_add(&s, st[sp - 1].p, st[sp - 1].n);
            sb_str(&s, ")");
            vouch_free(st[sp - 1].p);
            st[sp - 1] = s;
            if (s.oom)
                rc = -1;
            continue;
        }
        sbuf *a = &st[sp - 2], *b = &st[sp - 1];
        if (op == FOP_ADD || op == FOP_SUB || op == FOP_MUL) {
            sb_str(&s, "(CASE WHEN typeof(");
            for (int k = 0; k < 2; k++) {
                sb_str(&s, "(");
                sb_add(&s, a->p, a->n);
                sb_str(&s, sym[op]);
                sb_add(&s, b->p, b->n);
                sb_str(&s, k ? ") END)" : ")) = 'integer' THEN ");
            }
        } else {
            sb_str(&s, "(");
            sb_add(&s, a->p, a->n);
            sb_str(&s, sym[op]);
            sb_add(&s, b->p, b->n);
            sb_str(&s, ")");
        }
        vouch_free(a->p);
        vouch_free(b->p);
        sp--;
        st[sp - 1] = s;
        if (s.oom)
            rc = -1;
    }
    if (rc == 0 && sp == 1 && !st[0].oom) {
        sb_str(out, "coalesce(");
        sb_add(out, st[0].p, st[0].n);
        sb_str(out, ", 1)");
    } else {
        rc = -1;
    }
    for (uint32_t k = 0; k < sp; k++)
        vouch_free(st[k].p);
    return rc;
}

vouch_status facts_plan_sql(vouch_facts *f, uint32_t pi, vouch_error *err)
{
    const vouch_program *p = f->p;
    const vouch_plan *pl = &p->plans[pi];
    const vouch_table_decl *t = &p->tables[pl->table];
    cursor *c = &f->cur[pi];
    sbuf b = {0};
    c->rowid_col = -1;
    sb_str(&b, "SELECT ");
    switch (pl->mode) {
    case PLAN_COUNT:
        sb_str(&b, "count(*)");
        break;
    case PLAN_MIN:
    case PLAN_MAX:
        sb_str(&b, pl->mode == PLAN_MIN ? "min(" : "max(");
        sb_ident(&b, t->columns[pl->agg_column].name);
        sb_str(&b, ")");
        break;
    default: {
        /* a cached plan reads the columns of its whole group (cout maps) */
        uint32_t ncols = c->cg ? c->cg->ncols : pl->ncolumns;
        const uint32_t *cols = c->cg ? c->cg->cols : pl->columns;
        for (uint32_t i = 0; i < ncols; i++) {
            if (i)
                sb_str(&b, ", ");
            sb_ident(&b, t->columns[cols[i]].name);
        }
        if (ncols == 0)
            sb_str(&b, "1");
        else if (f->tinfo[pl->table].has_rowid) {
            sb_str(&b, ", rowid");   /* for messages about bad stored values */
            c->rowid_col = (int)ncols;
        }
        break;
    }
    }
    sb_str(&b, " FROM ");
    sb_ident(&b, t->name);
    for (uint32_t j = 0; j < pl->nterms; j++) {
        const vouch_plan_term *tm = &pl->terms[j];
        const vouch_column_decl *cd = &t->columns[tm->column];
        sb_str(&b, j ? " AND " : " WHERE ");
        sb_ident(&b, cd->name);
        sb_str(&b, facts_cmp_sql(tm->cmp, cd->optional));
        sb_fmt(&b, "?%u", tm->param + 1);
    }
    if (pl->nfilter && !c->cg) { /* (a cached plan shares an unfiltered answer) */
        sb_str(&b, pl->nterms ? " AND " : " WHERE ");
        if (filter_sql(&b, t, pl) != 0)
            b.oom = 1;
    }
    /* the as-of bound, ?(nparams + 1), bound at every seek (facts_sql_bind) */
    facts_dated_sql(f, t, &b, pl->nterms == 0 && !(pl->nfilter && !c->cg), pl->nparams + 1);
    if (pl->mode == PLAN_EXISTS)
        sb_str(&b, " LIMIT 1");
    if (b.oom) {
        vouch_free(b.p);
        return facts_oom(err);
    }
    c->desc = vouch_malloc(b.n + 6);
    if (!c->desc) {
        vouch_free(b.p);
        return facts_oom(err);
    }
    memcpy(c->desc, "sql: ", 5);
    memcpy(c->desc + 5, b.p, b.n + 1);
    vouch_free(b.p);
    return f->defer_prepare ? VOUCH_OK : prepare(f, c, err);
}

static vouch_status prepare(vouch_facts *f, cursor *c, vouch_error *err)
{
    int rc = sqlite3_prepare_v3(f->db, c->desc + 5, -1, SQLITE_PREPARE_PERSISTENT, &c->stmt, NULL);
    if (rc != SQLITE_OK) {
        sqlite3_finalize(c->stmt);
        c->stmt = NULL;
        return facts_db_error(f, rc, err, "preparing a query");
    }
    c->nbind = sqlite3_bind_parameter_count(c->stmt);
    return VOUCH_OK;
}

int facts_bind_value(sqlite3_stmt *st, int i, const vouch_value *v, char buf[11])
{
    switch (v->type) {
    case VT_NONE:
        return sqlite3_bind_null(st, i);
    case VT_TEXT:
        return sqlite3_bind_text(st, i, v->u.s, (int)v->len, SQLITE_STATIC);
    case VT_DATE:
        date_format(v->u.i, buf);
        return sqlite3_bind_text(st, i, buf, 10, SQLITE_STATIC);
    default:
        return sqlite3_bind_int64(st, i, v->u.i);
    }
}

static vouch_status bind(vouch_facts *f, cursor *c, vouch_error *err)
{
    sqlite3_stmt *st = c->stmt;
    const vouch_plan *pl = c->plan;
    /* Dates go in as YYYY-MM-DD text, after the copied text parameters. */
    size_t at = 0;
    for (uint32_t i = 0; i < pl->nparams; i++)
        if (c->pv[i].type == VT_TEXT)
            at += c->pv[i].len + 1;
    int n = c->nbind < (int)pl->nparams ? c->nbind : (int)pl->nparams;
    for (int i = 0; i < n; i++) {
        const vouch_value *v = &c->pv[i];
        if (v->type == VT_DATE && !date_in_range(v->u.i))
            return vouch_error_set(err, VOUCH_ERUNTIME,
                                   "date out of range (years 1..9999) in a query on `%s`",
                                   f->p->tables[pl->table].name);
        /* Only a date uses the buffer; with no text or date parameters
         * there is none (pbuf NULL), and NULL + 0 is undefined. */
        int rc = facts_bind_value(st, i + 1, v, v->type == VT_DATE ? c->pbuf + at : NULL);
        if (v->type == VT_DATE)
            at += 11;
        if (rc != SQLITE_OK)
            return facts_db_error(f, rc, err, "binding a query");
    }
    /* the as-of bound of a dated table: the parameter after the plan's */
    if (c->nbind > (int)pl->nparams) {
        int rc = sqlite3_bind_text(st, (int)pl->nparams + 1, f->as_of_text, 10, SQLITE_STATIC);
        if (rc != SQLITE_OK)
            return facts_db_error(f, rc, err, "binding a query");
    }
    return VOUCH_OK;
}

/* ---- the SQL path ---------------------------------------------------------------- */

vouch_status facts_sql_seek(vouch_facts *f, cursor *c, vouch_error *err)
{
    vouch_status s;
    if (!c->stmt && (s = prepare(f, c, err)) != VOUCH_OK)
        return s;
    sqlite3_clear_bindings(c->stmt);
    return bind(f, c, err);
}

vouch_status facts_sql_next(vouch_facts *f, cursor *c, int *has_row, vouch_error *err)
{
    if (c->state == ST_ROW && c->mode != PLAN_ROWS)
        return VOUCH_OK;   /* one row at most */
    int rc = c->timed ? facts_choose_step(f, c) : sqlite3_step(c->stmt);
    if (rc == SQLITE_ROW) {
        *has_row = 1;
        return VOUCH_OK;
    }
    if (rc == SQLITE_DONE)
        return VOUCH_OK;
    vouch_status s = facts_db_error(f, rc, err, "reading");
    sqlite3_reset(c->stmt);
    c->state = ST_IDLE;
    return s;
}

vouch_status facts_sql_column(vouch_facts *f, cursor *c, uint32_t i, vouch_value *out, vouch_error *err)
{
    const vouch_plan *pl = c->plan;
    if (c->mode == PLAN_COUNT) {
        *out = vouch_int(sqlite3_column_int64(c->stmt, 0));
        return VOUCH_OK;
    }
    const vouch_table_decl *t = &f->p->tables[pl->table];
    if (c->mode == PLAN_MIN || c->mode == PLAN_MAX) {
        if (sqlite3_column_type(c->stmt, 0) == SQLITE_NULL) {
            *out = vouch_none();   /* no rows, or only none values */
            return VOUCH_OK;
        }
        return facts_convert(f, t, pl->agg_column, c->stmt, 0, -1, 0, out, err);
    }
    /* a cached plan's statement reads its group's columns (cout maps) */
    int sc = c->cout ? (int)c->cout[i] : (int)i;
    return facts_convert(f, t, pl->columns[i], c->stmt, sc, c->rowid_col, 0, out, err);
}

void facts_sql_reset(vouch_facts *f, cursor *c)
{
    (void)f;
    if (c->stmt)
        sqlite3_reset(c->stmt);
}

static const char *sql_describe(const vouch_facts *f, const cursor *c)
{
    (void)f;
    return c->desc;
}

static void sql_free(cursor *c)
{
    sqlite3_finalize(c->stmt);
    c->stmt = NULL;
    vouch_free(c->desc);
}

static void sql_stats(const cursor *c, vouch_facts_stats *out)
{
    (void)c;
    out->sql_plans++;
}

const facts_path facts_sql_path = {
    "sql", facts_sql_seek, facts_sql_next, facts_sql_column, facts_sql_reset, sql_describe, sql_free,
    sql_stats,
};
