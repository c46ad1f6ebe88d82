/*
 * load_rows.c: rows in memory as a row source of `vouch load`
 * (load_int.h): `vouch test` hands its fixtures to the loader this way,
 * and `vouch load --catalogues` the packs' catalogues and crosswalks, with
 * no file between them and the store and no quoting to get wrong. Cells
 * are LOAD_TEXT in the CSV forms (NULL: none), checked like any other.
 * A message names the rows as their producer does (rows->where, e.g.
 * `t.vouch:3: test "dup"`), the table, and the row's number among them:
 * "t.vouch:3: test "dup", asset row 2".
 */
#include <stdio.h>
#include <string.h>
#include "load_int.h"
#include "alloc.h"

typedef struct rows_src {
    load_source src;       /* first: the source is the reader */
    const vouch_load_rows *rows;
    uint32_t next;         /* the row next() gives */
    load_cell *cells;      /* ncolumns cells: the header, then each row */
} rows_src;

static int rows_header(load_source *s, lerr *e, const load_cell **names, uint32_t *n)
{
    rows_src *r = (rows_src *)s;
    (void)e;
    for (uint32_t i = 0; i < r->rows->ncolumns; i++) {
        const char *c = r->rows->columns[i];
        r->cells[i] = (load_cell){c, strlen(c), LOAD_TEXT};
    }
    *names = r->cells;
    *n = r->rows->ncolumns;
    return 1;
}

static int rows_next(load_source *s, lerr *e, const load_cell **cells, uint32_t *n)
{
    rows_src *r = (rows_src *)s;
    (void)e;
    if (r->next >= r->rows->nrows)
        return 0;
    uint32_t nc = r->rows->ncolumns;
    const char *const *row = r->rows->cells + (size_t)r->next * nc;
    for (uint32_t i = 0; i < nc; i++)
        r->cells[i] = (load_cell){row[i] ? row[i] : "", row[i] ? strlen(row[i]) : 0, LOAD_TEXT};
    r->next++;
    *cells = r->cells;
    *n = nc;
    return 1;
}

static void rows_where(const load_source *s, uint32_t i, char *buf, size_t size)
{
    const rows_src *r = (const rows_src *)s;
    (void)i;   /* the message names the column */
    if (r->next == 0)
        snprintf(buf, size, "%s, %s", r->rows->where, r->rows->table);
    else
        snprintf(buf, size, "%s, %s row %u", r->rows->where, r->rows->table, r->next);
}

static void rows_close(load_source *s)
{
    rows_src *r = (rows_src *)s;
    vouch_free(r->cells);
    vouch_free(r);
}

static const load_source_ops rows_ops = {rows_header, rows_next, rows_where, rows_close};

int load_rows_open(const vouch_load_rows *rows, load_source **out)
{
    rows_src *r = vouch_calloc(1, sizeof *r);
    if (!r || !(r->cells = vouch_calloc(rows->ncolumns + 1, sizeof *r->cells))) {
        vouch_free(r);
        return -2;
    }
    r->src.ops = &rows_ops;
    r->src.name = rows->where;
    r->src.noun = "field";
    r->rows = rows;
    *out = &r->src;
    return 0;
}
