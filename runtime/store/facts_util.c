/*
 * facts_util.c: the small tools of the facts store: growable text, an
 * arena, text interning, dates through a cache, and value comparison as
 * the store's terms define it (see facts_int.h).
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "facts_int.h"
#include "date.h"

/* ---- growable text --------------------------------------------------------- */


void sb_fmt(sbuf *b, const char *fmt, ...)
{
    char tmp[64];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (n > 0)
        sb_add(b, tmp, (size_t)n < sizeof tmp ? (size_t)n : sizeof tmp - 1);
}

void sb_quoted(sbuf *b, const char *s, char q)
{
    sb_add(b, &q, 1);
    for (const char *at; (at = strchr(s, q)) != NULL; s = at + 1) {
        sb_add(b, s, (size_t)(at - s) + 1);
        sb_add(b, &q, 1);
    }
    sb_str(b, s);
    sb_add(b, &q, 1);
}

void sb_ident(sbuf *b, const char *name) { sb_quoted(b, name, '"'); }

/* ---- arena ------------------------------------------------------------------ */

void *facts_arena_alloc(chunk **head, size_t n)
{
    n = (n + 15) & ~(size_t)15;
    chunk *c = *head;
    if (!c || c->cap - c->used < n) {
        size_t cap = c ? c->cap * 2 : 65536;
        if (cap > (8u << 20))
            cap = 8u << 20;
        if (cap < n)
            cap = n;
        c = vouch_malloc(sizeof *c + cap);
        if (!c)
            return NULL;
        c->next = *head;
        c->used = 0;
        c->cap = cap;
        *head = c;
    }
    void *p = c->data + c->used;
    c->used += n;
    return p;
}

void facts_arena_free(chunk **head)
{
    for (chunk *c = *head, *n; c; c = n) {
        n = c->next;
        vouch_free(c);
    }
    *head = NULL;
}

/* ---- interning ----------------------------------------------------------------
 * One copy of each distinct text the store keeps beyond a statement's row
 * (hash index keys and columns, cached rows, hash build constants), in the
 * arena; ids index istrs, so a compact hash column holds 4 bytes per text. */

static uint32_t text_hash(const char *s, uint32_t n)
{
    vouch_value v = vouch_text(s, n);
    return (uint32_t)vouch_value_hash(&v);
}

uint32_t intern_find(const vouch_facts *f, const char *s, uint32_t n)
{
    if (!f->islots)
        return 0;
    uint32_t h = text_hash(s, n);
    for (uint32_t j = h & f->imask; f->islots[j]; j = (j + 1) & f->imask) {
        const istr *e = &f->istrs[f->islots[j]];
        if (e->h == h && e->len == n && (n == 0 || memcmp(e->s, s, n) == 0))
            return f->islots[j];
    }
    return 0;
}

uint32_t intern_id(vouch_facts *f, const char *s, uint32_t n)
{
    if (f->nistr + 1 >= f->capistr) {
        uint32_t cap = f->capistr ? f->capistr * 2 : 256;
        istr *t = vouch_realloc(f->istrs, (size_t)cap * sizeof *t);
        if (!t)
            return 0;
        if (f->nistr == 0)
            f->nistr = 1;   /* id 0 means "none" / "absent" */
        f->istrs = t;
        f->capistr = cap;
    }
    if (!f->islots || (f->nistr + 1) * 2 > f->imask) {
        uint32_t cap = f->islots ? (f->imask + 1) * 2 : 1024;
        uint32_t *sl = vouch_calloc(cap, sizeof *sl);
        if (!sl)
            return 0;
        for (uint32_t id = 1; id < f->nistr; id++) {
            uint32_t j = f->istrs[id].h & (cap - 1);
            while (sl[j])
                j = (j + 1) & (cap - 1);
            sl[j] = id;
        }
        vouch_free(f->islots);
        f->islots = sl;
        f->imask = cap - 1;
    }
    uint32_t h = text_hash(s, n);
    uint32_t j = h & f->imask;
    for (; f->islots[j]; j = (j + 1) & f->imask) {
        const istr *e = &f->istrs[f->islots[j]];
        if (e->h == h && e->len == n && (n == 0 || memcmp(e->s, s, n) == 0))
            return f->islots[j];
    }
    char *copy = facts_arena_alloc(&f->arena, n + 1);
    if (!copy)
        return 0;
    if (n)
        memcpy(copy, s, n);
    copy[n] = 0;
    uint32_t id = f->nistr++;
    f->istrs[id].s = copy;
    f->istrs[id].len = n;
    f->istrs[id].h = h;
    f->islots[j] = id;
    return id;
}

uint32_t intern_cached(vouch_facts *f, icache *c, const char *s, uint32_t n)
{
    uint32_t slot = n ? (n * 31u + (unsigned char)s[0] * 7u + (unsigned char)s[n - 1]) & 15u : 0;
    uint32_t id = c->id[slot];
    if (id && f->istrs[id].len == n && (n == 0 || memcmp(f->istrs[id].s, s, n) == 0))
        return id;
    id = intern_id(f, s, n);
    c->id[slot] = id;
    return id;
}

void intern_free(vouch_facts *f)
{
    vouch_free(f->istrs);
    vouch_free(f->islots);
    f->istrs = NULL;
    f->islots = NULL;
    f->nistr = f->capistr = f->imask = 0;
}

uint64_t facts_now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* ---- dates ---------------------------------------------------------------------
 * A store holds few distinct dates (a few per day of its history) and reads
 * the same ones over and over: the ten bytes of the text index a
 * direct-mapped cache of day numbers, checked against the whole text; a
 * miss is parsed (and checked) in full. */

int facts_date(vouch_facts *f, const char *s, int n, int64_t *out)
{
    if (n == 10) {
        uint64_t lo;
        uint16_t hi;
        memcpy(&lo, s, 8);
        memcpy(&hi, s + 8, 2);
        uint64_t h = (lo ^ ((uint64_t)hi << 48) ^ (lo >> 29)) * 0x9e3779b97f4a7c15ull;
        struct facts_dcache *e = &f->dcache[h >> 52];   /* 12 bits */
        if (e->set && e->lo == lo && e->hi == hi) {
            *out = e->day;
            return 0;
        }
        if (date_parse(s, 10, out) != 0)
            return -1;
        e->lo = lo;
        e->hi = hi;
        e->day = (int32_t)*out;
        e->set = 1;
        return 0;
    }
    return date_parse(s, (size_t)(n < 0 ? 0 : n), out);
}

/* ---- value comparison ------------------------------------------------------------ */

static int is_num(const vouch_value *v) { return v->type != VT_NONE && v->type != VT_TEXT; }

int key_eq(const vouch_value *a, const vouch_value *b)
{
    if (a->type == VT_TEXT || b->type == VT_TEXT)
        return a->type == b->type && a->len == b->len &&
               (a->u.s == b->u.s || a->len == 0 || memcmp(a->u.s, b->u.s, a->len) == 0);
    if (a->type == VT_NONE || b->type == VT_NONE)
        return a->type == b->type;
    return a->u.i == b->u.i;
}

/* Both present. Numbers sort before text (never met for typed columns). */
int key_cmp(const vouch_value *a, const vouch_value *b)
{
    if (a->type == VT_TEXT && b->type == VT_TEXT)
        return vouch_value_compare(a, b);
    if (a->type == VT_TEXT || b->type == VT_TEXT)
        return a->type == VT_TEXT ? 1 : -1;
    return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
}

/* The hash of a key: text by eight-byte words, numbers by value whatever
 * their tag (key_eq compares them so), one final mix. Only the store's own
 * tables use it, so it needs to be fast more than strong. */
uint64_t key_hash(const vouch_value *vals, uint32_t n)
{
    const uint64_t K = 0x9e3779b97f4a7c15ull;
    uint64_t h = 0x84222325cbf29ce4ull ^ n;
    for (uint32_t k = 0; k < n; k++) {
        const vouch_value *v = &vals[k];
        if (v->type == VT_TEXT) {
            const unsigned char *p = (const unsigned char *)v->u.s;
            uint32_t len = v->len, left = len;
            h = (h ^ len ^ 0x5bd1e995u) * K;
            while (left >= 8) {
                uint64_t w;
                memcpy(&w, p, 8);
                h = (h ^ w) * K;
                h ^= h >> 28;
                p += 8;
                left -= 8;
            }
            if (left) {
                /* the last 8 bytes (overlapping) when there are, else byte by byte */
                uint64_t w = 0;
                if (len >= 8)
                    memcpy(&w, p + left - 8, 8);
                else
                    for (uint32_t b = 0; b < left; b++)
                        w |= (uint64_t)p[b] << (8 * b);
                h = (h ^ w) * K;
                h ^= h >> 28;
            }
        } else if (is_num(v)) {
            h = (h ^ (uint64_t)v->u.i ^ 0x2545f4914f6cdd1dull) * K;
            h ^= h >> 28;
        } else {
            h = (h ^ 0x7f4a7c15u) * K;
        }
    }
    h ^= h >> 32;
    h *= 0xd6e8feb86659fd93ull;
    h ^= h >> 32;
    return h;
}

/* The language's meaning of `column CMP param`. */
int term_holds(const vouch_value *col, int cmp, const vouch_value *p)
{
    switch (cmp) {
    case CMP_EQ: return key_eq(col, p);
    case CMP_NE: return !key_eq(col, p);
    default: break;
    }
    if (col->type == VT_NONE || p->type == VT_NONE)
        return 0;
    int c = key_cmp(col, p);
    switch (cmp) {
    case CMP_LT: return c < 0;
    case CMP_LE: return c <= 0;
    case CMP_GT: return c > 0;
    default:     return c >= 0;
    }
}
