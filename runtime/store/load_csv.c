/*
 * load_csv.c: CSV files as a row source of `vouch load` (load_int.h).
 *
 * CSV is RFC 4180: a header row naming declared columns, fields separated by
 * commas, quoted fields with doubled quotes inside, CRLF or LF line ends (a
 * lone CR also ends a line), an optional UTF-8 byte order mark. Every cell
 * is LOAD_TEXT. A message names FILE:ROW:COL, ROW the line where a record
 * starts (the header is row 1), COL the field number. The reader streams,
 * so file size is not bounded by memory: one record at a time, at most
 * VOUCH_MAX_CSV_RECORD_BYTES and VOUCH_MAX_CSV_FIELDS cells (vouch_limits.h).
 */
#include <stdio.h>
#include <string.h>
#include "load_int.h"
#include "alloc.h"
#include "vouch_limits.h"

typedef struct csv {
    load_source src;       /* first: the source is the reader */
    FILE *fp;
    const char *file;
    unsigned char buf[1 << 16];
    size_t len, pos;
    char *rec;             /* the record's field bytes, one after another */
    size_t rlen, rcap;
    size_t *fofs;          /* field i is rec[fofs[i] .. fofs[i+1]) */
    uint32_t nf, fcap;
    uint64_t line;         /* current line, 1-based */
    uint64_t rec_line;     /* line where the current record started */
    int oom;
    int over;              /* a cap of vouch_limits.h reached: CSV_OVER_* */
    load_cell *cells;      /* the current record's cells, for the loader */
    uint32_t ccap;
} csv;

enum { CSV_OVER_CELL = 1, CSV_OVER_RECORD, CSV_OVER_FIELDS };

static int cfill(csv *r)
{
    if (r->pos < r->len)
        return 1;
    r->len = fread(r->buf, 1, sizeof r->buf, r->fp);
    r->pos = 0;
    return r->len > 0;
}

static int cget(csv *r)
{
    if (r->pos == r->len && !cfill(r))
        return -1;
    return r->buf[r->pos++];
}

static int cpeek(csv *r)
{
    if (r->pos == r->len && !cfill(r))
        return -1;
    return r->buf[r->pos];
}

/* Appends byte c to the current field, unless that takes the field or the
 * record past its cap (r->over is set then, and the caller stops). */
static void cadd(csv *r, int c)
{
    if (r->oom)
        return;  /* cfield may have failed: fofs[nf - 1] is not there */
    if (r->rlen - r->fofs[r->nf - 1] >= VOUCH_MAX_CSV_CELL_BYTES) {
        r->over = CSV_OVER_CELL;
        return;
    }
    if (r->rlen >= VOUCH_MAX_CSV_RECORD_BYTES) {
        r->over = CSV_OVER_RECORD;
        return;
    }
    if (r->rlen == r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 256;
        char *p = vouch_realloc(r->rec, cap);
        if (!p) {
            r->oom = 1;
            return;
        }
        r->rec = p;
        r->rcap = cap;
    }
    r->rec[r->rlen++] = (char)c;
}

/* Appends s[0..n) to the current field as n calls of cadd would, cap
 * checks and all, in one copy. */
static void cadd_run(csv *r, const unsigned char *s, size_t n)
{
    if (r->oom || n == 0)
        return;
    /* cadd stops at the first byte past either cap, the cell's first */
    size_t room_cell = VOUCH_MAX_CSV_CELL_BYTES - (r->rlen - r->fofs[r->nf - 1]);
    size_t room_rec = VOUCH_MAX_CSV_RECORD_BYTES - r->rlen;
    if (n > room_cell || n > room_rec) {
        r->over = room_cell <= room_rec ? CSV_OVER_CELL : CSV_OVER_RECORD;
        return;
    }
    if (r->rlen + n > r->rcap) {
        size_t cap = r->rcap ? r->rcap * 2 : 256;
        while (cap < r->rlen + n)
            cap *= 2;
        char *p = vouch_realloc(r->rec, cap);
        if (!p) {
            r->oom = 1;
            return;
        }
        r->rec = p;
        r->rcap = cap;
    }
    memcpy(r->rec + r->rlen, s, n);
    r->rlen += n;
}

/* Appends the bytes from the buffer's position up to the next byte
 * csv_record must look at (or the buffer's end) to the current field, at
 * once: the bytes it would add one by one, most of a file. Such a byte is
 * in an unquoted field , CR LF or the quote it refuses; in a quoted one
 * the quote or LF (a line to count). */
static void crun(csv *r, int quoted)
{
    size_t i = r->pos;
    const unsigned char *b = r->buf;
    if (quoted)
        while (i < r->len && b[i] != '"' && b[i] != '\n')
            i++;
    else
        while (i < r->len && b[i] != ',' && b[i] != '\n' && b[i] != '\r' && b[i] != '"')
            i++;
    cadd_run(r, b + r->pos, i - r->pos);
    r->pos = i;
}

static void cfield(csv *r)
{
    if (r->nf >= VOUCH_MAX_CSV_FIELDS) {
        r->over = CSV_OVER_FIELDS;
        return;
    }
    if (r->nf + 2 > r->fcap) {
        uint32_t cap = r->fcap ? r->fcap * 2 : 32;
        size_t *p = vouch_realloc(r->fofs, cap * sizeof *p);
        if (!p) {
            r->oom = 1;
            return;
        }
        r->fofs = p;
        r->fcap = cap;
    }
    r->fofs[r->nf++] = r->rlen;
}

/* Reports the cap r->over reached, in field r->nf of the current record;
 * returns -1 (the rest of the file is not read). */
static int csv_over(csv *r, lerr *e)
{
    if (r->over == CSV_OVER_FIELDS)
        lerr_add(e, "%s:%llu:%u: error: a record of more than %u fields (the limit of one CSV record)",
                 r->file, (unsigned long long)r->rec_line, r->nf + 1, VOUCH_MAX_CSV_FIELDS);
    else if (r->over == CSV_OVER_CELL)
        lerr_add(e, "%s:%llu:%u: error: a cell of more than %u bytes (the limit of one CSV cell)",
                 r->file, (unsigned long long)r->rec_line, r->nf, VOUCH_MAX_CSV_CELL_BYTES);
    else
        lerr_add(e, "%s:%llu:%u: error: a record of more than %u bytes (the limit of one CSV record)",
                 r->file, (unsigned long long)r->rec_line, r->nf, VOUCH_MAX_CSV_RECORD_BYTES);
    return -1;
}

/* Reads one record: 1, 0 at the end of the file, -1 on a syntax error or
 * a record past the caps of vouch_limits.h (reported into e; the rest of
 * the file cannot be trusted). Blank lines are skipped. Memory: one record,
 * at most VOUCH_MAX_CSV_RECORD_BYTES and VOUCH_MAX_CSV_FIELDS offsets. */
static int csv_record(csv *r, lerr *e)
{
    r->nf = 0;
    r->rlen = 0;
    int c = cget(r);
    while (c == '\n' || c == '\r') {
        if (c == '\r' && cpeek(r) == '\n')
            cget(r);
        r->line++;
        c = cget(r);
    }
    if (c < 0)
        return 0;
    r->rec_line = r->line;
    for (;;) {
        cfield(r);
        if (r->over)
            return csv_over(r, e);
        if (c == '"') {
            uint64_t qline = r->line;
            for (;;) {
                crun(r, 1);
                if (r->over)
                    return csv_over(r, e);
                c = cget(r);
                if (c < 0) {
                    lerr_add(e, "%s:%llu:%u: error: quoted field never closed (the file ended inside it)",
                             r->file, (unsigned long long)qline, r->nf);
                    return -1;
                }
                if (c == '"') {
                    c = cget(r);
                    if (c != '"')
                        break;
                } else if (c == '\n') {
                    r->line++;
                }
                cadd(r, c);
                if (r->over)
                    return csv_over(r, e);
            }
            if (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                lerr_add(e, "%s:%llu:%u: error: unexpected `%c` after a closing quote (a quote inside a "
                         "quoted field is written twice: \"\")", r->file,
                         (unsigned long long)r->line, r->nf, c >= 32 && c < 127 ? c : '?');
                return -1;
            }
        } else {
            while (c >= 0 && c != ',' && c != '\n' && c != '\r') {
                if (c == '"') {
                    lerr_add(e, "%s:%llu:%u: error: `\"` inside an unquoted field (quote the whole "
                             "field and write the quote twice)", r->file,
                             (unsigned long long)r->line, r->nf);
                    return -1;
                }
                cadd(r, c);
                if (r->over)
                    return csv_over(r, e);
                crun(r, 0);
                if (r->over)
                    return csv_over(r, e);
                c = cget(r);
            }
        }
        if (c == ',') {
            c = cget(r);
            continue;
        }
        if (c == '\r' && cpeek(r) == '\n')
            cget(r);
        if (c >= 0)
            r->line++;
        r->fofs[r->nf] = r->rlen;   /* end of the last field (cfield left room) */
        return r->oom ? -1 : 1;
    }
}


/* ---- the source ------------------------------------------------------------ */

/* The current record as cells; -2 out of memory. */
static int cells_of(csv *r, const load_cell **cells, uint32_t *n)
{
    if (r->nf > r->ccap) {
        uint32_t cap = r->nf < 32 ? 32 : r->nf;
        load_cell *c = vouch_realloc(r->cells, cap * sizeof *c);
        if (!c)
            return -2;
        r->cells = c;
        r->ccap = cap;
    }
    for (uint32_t i = 0; i < r->nf; i++) {
        r->cells[i].s = r->rec + r->fofs[i];
        r->cells[i].n = r->fofs[i + 1] - r->fofs[i];
        r->cells[i].kind = LOAD_TEXT;
    }
    *cells = r->cells;
    *n = r->nf;
    return 1;
}

static int csv_header(load_source *s, lerr *e, const load_cell **names, uint32_t *n)
{
    csv *r = (csv *)s;
    /* byte order mark */
    if (cfill(r) && r->len >= 3 && r->buf[0] == 0xef && r->buf[1] == 0xbb && r->buf[2] == 0xbf)
        r->pos = 3;
    int got = csv_record(r, e);
    if (got <= 0) {
        if (r->oom)
            return -2;
        if (got == 0)
            lerr_add(e, "%s:%llu: error: empty file: a header row naming the columns is required",
                     r->file, (unsigned long long)r->line);
        return got == 0 ? 0 : -1;
    }
    return cells_of(r, names, n);
}

static int csv_next(load_source *s, lerr *e, const load_cell **cells, uint32_t *n)
{
    csv *r = (csv *)s;
    int got = csv_record(r, e);
    if (got <= 0)
        return r->oom ? -2 : got;
    return cells_of(r, cells, n);
}

static void csv_where(const load_source *s, uint32_t i, char *buf, size_t size)
{
    const csv *r = (const csv *)s;
    if (i == LOAD_RECORD)
        snprintf(buf, size, "%s:%llu", r->file, (unsigned long long)r->rec_line);
    else
        snprintf(buf, size, "%s:%llu:%u", r->file, (unsigned long long)r->rec_line, i + 1);
}

static void csv_close(load_source *s)
{
    csv *r = (csv *)s;
    if (r->fp && r->fp != stdin)
        fclose(r->fp);
    vouch_free(r->rec);
    vouch_free(r->fofs);
    vouch_free(r->cells);
    vouch_free(r);
}

static const load_source_ops csv_ops = {csv_header, csv_next, csv_where, csv_close};

int load_csv_open(FILE *fp, const char *name, uint64_t line, lerr *e, load_source **out)
{
    (void)e;
    csv *r = vouch_calloc(1, sizeof *r);
    if (!r)
        return -2;
    /* The record buffer exists from the start: a record of empty fields
     * adds no byte, and r->rec + offset must never be NULL + 0. */
    r->rcap = 256;
    if (!(r->rec = vouch_malloc(r->rcap))) {
        vouch_free(r);
        return -2;
    }
    r->src.ops = &csv_ops;
    r->src.name = name;
    r->src.noun = "column";
    r->fp = fp;
    r->file = name;
    r->line = line;
    r->rec_line = line;
    *out = &r->src;
    return 0;
}
