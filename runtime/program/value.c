/*
 * value.c: equality, ordering, hashing and the canonical text form of
 * values. None of these allocate; text values are only read.
 */
#include <stdio.h>
#include <string.h>
#include "value.h"
#include "date.h"

/* Decimals are rare (only `avg` makes them): keep the common path first. */
#define UNLIKELY_NUMERIC(a, b) \
    __builtin_expect((a)->type == VT_DECIMAL || (b)->type == VT_DECIMAL, 0)

/* a - b for a decimal or an int and another: the sign of num_a*den_b -
 * num_b*den_a, in 128 bits so that it cannot overflow. */
static int numeric_compare(const vouch_value *a, const vouch_value *b)
{
    __int128 da = a->type == VT_DECIMAL ? a->len : 1, db = b->type == VT_DECIMAL ? b->len : 1;
    __int128 x = (__int128)a->u.i * db, y = (__int128)b->u.i * da;
    return x < y ? -1 : x > y;
}

int vouch_value_equal(const vouch_value *a, const vouch_value *b)
{
    if (UNLIKELY_NUMERIC(a, b))
        return vouch_value_numeric(a, b) && numeric_compare(a, b) == 0;
    if (a->type != b->type)
        return 0;
    switch (a->type) {
    case VT_NONE:
        return 1;
    case VT_TEXT:
        /* The same bytes are often the same pointer: enum members come
         * back from the store as the program's own spellings, constants
         * from its pool, hash-index texts interned. */
        return a->len == b->len &&
               (a->u.s == b->u.s || a->len == 0 || memcmp(a->u.s, b->u.s, a->len) == 0);
    default:
        return a->u.i == b->u.i;
    }
}

int vouch_value_compare(const vouch_value *a, const vouch_value *b)
{
    if (a->type == VT_TEXT && b->type == VT_TEXT) {
        uint32_t n = a->len < b->len ? a->len : b->len;
        int c = n ? memcmp(a->u.s, b->u.s, n) : 0;
        if (c)
            return c < 0 ? -1 : 1;
        return a->len < b->len ? -1 : a->len > b->len;
    }
    if (a->type == VT_NONE || b->type == VT_NONE) /* not for callers; keep it total */
        return (a->type != VT_NONE) - (b->type != VT_NONE);
    if (UNLIKELY_NUMERIC(a, b))
        return numeric_compare(a, b);
    return a->u.i < b->u.i ? -1 : a->u.i > b->u.i;
}

/* A 64-bit mix with good avalanche (multiply, xor-shift), used to finish
 * both the integer and the text hash. */
static uint64_t mix64(uint64_t x)
{
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    x *= 0xd6e8feb86659fd93ull;
    x ^= x >> 32;
    return x;
}

uint64_t vouch_value_hash(const vouch_value *v)
{
    uint64_t h = 0x9e3779b97f4a7c15ull * (uint64_t)(v->type + 1);
    if (v->type == VT_TEXT) {
        const unsigned char *p = (const unsigned char *)v->u.s;
        uint32_t n = v->len;
        /* Eight bytes at a time; the tail is zero-padded and the length is
         * folded in so "a" and "a\0" differ. */
        while (n >= 8) {
            uint64_t w;
            memcpy(&w, p, 8);
            h = (h ^ w) * 0xff51afd7ed558ccdull;
            h ^= h >> 29;
            p += 8;
            n -= 8;
        }
        if (n) {
            uint64_t w = 0;
            memcpy(&w, p, n);
            h = (h ^ w) * 0xff51afd7ed558ccdull;
            h ^= h >> 29;
        }
        return mix64(h ^ v->len);
    }
    if (v->type == VT_NONE)
        return mix64(h);
    return mix64(h ^ (uint64_t)v->u.i);
}

size_t vouch_value_format(const vouch_value *v, char *buf, size_t cap)
{
    char tmp[32];
    const char *s = tmp;
    size_t n;
    switch (v->type) {
    case VT_NONE:
        s = "none";
        n = 4;
        break;
    case VT_BOOL:
        s = v->u.i ? "true" : "false";
        n = strlen(s);
        break;
    case VT_INT:
        n = (size_t)snprintf(tmp, sizeof tmp, "%lld", (long long)v->u.i);
        break;
    case VT_DUR:
        n = (size_t)snprintf(tmp, sizeof tmp, "%lldd", (long long)v->u.i);
        break;
    case VT_MONTHS:
        if (v->u.i % 12 == 0 && v->u.i != 0)
            n = (size_t)snprintf(tmp, sizeof tmp, "%lldy", (long long)(v->u.i / 12));
        else
            n = (size_t)snprintf(tmp, sizeof tmp, "%lldmo", (long long)v->u.i);
        break;
    case VT_DATE:
        if (date_in_range(v->u.i)) {
            date_format(v->u.i, tmp);
            n = 10;
        } else {
            n = (size_t)snprintf(tmp, sizeof tmp, "date(%lld)", (long long)v->u.i);
        }
        break;
    case VT_TEXT:
        s = v->u.s;
        n = v->len;
        break;
    case VT_DECIMAL: {
        /* hundredths, rounded half away from zero, in 128 bits */
        __int128 den = v->len ? v->len : 1, num = (__int128)v->u.i * 100;
        __int128 h = (num < 0 ? -num : num) * 2 + den;
        h /= 2 * den;
        unsigned long long whole = (unsigned long long)(h / 100), frac = (unsigned long long)(h % 100);
        const char *sign = v->u.i < 0 && h ? "-" : "";
        if (frac == 0)
            n = (size_t)snprintf(tmp, sizeof tmp, "%s%llu", sign, whole);
        else if (frac % 10 == 0)
            n = (size_t)snprintf(tmp, sizeof tmp, "%s%llu.%llu", sign, whole, frac / 10);
        else
            n = (size_t)snprintf(tmp, sizeof tmp, "%s%llu.%02llu", sign, whole, frac);
        break;
    }
    default:
        s = "?";
        n = 1;
        break;
    }
    if (cap > 0) {
        size_t k = n < cap - 1 ? n : cap - 1;
        if (k)
            memcpy(buf, s, k);
        buf[k] = 0;
    }
    return n;
}
