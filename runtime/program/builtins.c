/*
 * builtins.c: the built-in functions of runtime/program/builtins.def.
 *
 * The VM calls vouch_builtin_call after the verifier has checked the arity
 * and after it has answered none itself for every argument not marked '?'
 * (so a function here sees none only where its signature says '?'). The
 * compiler type-checked the arguments, but a precompiled program may have
 * been tampered with, so every function checks the types it reads and
 * reports a mismatch as a runtime error rather than trusting them.
 *
 * Texts are bytes: case mapping is ASCII only, lengths are byte counts.
 * Texts a function makes live in the caller's scratch space; functions that
 * return part of an argument (trim) return a slice of it without copying.
 * Calendar functions use runtime/base/date.h and refuse dates outside years
 * 1..9999 so that every date they make prints as YYYY-MM-DD.
 */
#include <stdio.h>
#include <stdarg.h>
#include <string.h>

#include "builtins.h"
#include "date.h"

typedef struct bi_info {
    const char *name, *sig, *doc;
} bi_info;

static const bi_info infos[BI__COUNT] = {
#define BUILTIN(cname, name, sig, doc) {name, sig, doc},
#include "builtins.def"
#undef BUILTIN
};

const char *vouch_builtin_name(uint32_t id) { return id < BI__COUNT ? infos[id].name : NULL; }
const char *vouch_builtin_signature(uint32_t id) { return id < BI__COUNT ? infos[id].sig : NULL; }
const char *vouch_builtin_doc(uint32_t id) { return id < BI__COUNT ? infos[id].doc : NULL; }

int vouch_builtin_arity(uint32_t id)
{
    if (id >= BI__COUNT)
        return -1;
    const char *s = strchr(infos[id].sig, ':');
    int n = 0;
    for (s = s ? s + 1 : infos[id].sig; *s; s++)
        if (*s != '?')
            n++;
    return n;
}

int vouch_builtin_takes_none(uint32_t id, uint32_t i)
{
    if (id >= BI__COUNT)
        return 0;
    const char *s = strchr(infos[id].sig, ':');
    uint32_t k = 0;
    for (s = s ? s + 1 : infos[id].sig; *s; s++) {
        if (*s == '?')
            continue;
        if (k == i)
            return s[1] == '?';
        k++;
    }
    return 0;
}

/* ---- helpers -------------------------------------------------------------- */

static int fail(char *err, size_t cap, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int fail(char *err, size_t cap, const char *fmt, ...)
{
    if (err && cap) {
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(err, cap, fmt, ap);
        va_end(ap);
    }
    return -1;
}

static int is_space(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

static int is_blank(const vouch_value *v)
{
    if (v->type == VT_NONE)
        return 1;
    for (uint32_t i = 0; i < v->len; i++)
        if (!is_space(v->u.s[i]))
            return 0;
    return 1;
}

static char *scratch_alloc(vouch_scratch *sc, size_t n)
{
    if (!sc || !sc->alloc)
        return NULL;
    return sc->alloc(sc->ctx, n ? n : 1);
}

/* Returns a text value made from buf[0..n) copied into scratch space. */
static int make_text(vouch_scratch *sc, const char *buf, size_t n, vouch_value *out, char *err,
                     size_t cap)
{
    char *m = scratch_alloc(sc, n);
    if (!m)
        return fail(err, cap, "out of memory");
    if (n)
        memcpy(m, buf, n);
    *out = vouch_text(m, n);
    return 0;
}

static int map_case(const vouch_value *a, int upper, vouch_scratch *sc, vouch_value *out,
                    char *err, size_t cap)
{
    char *m = scratch_alloc(sc, a->len);
    if (!m)
        return fail(err, cap, "out of memory");
    for (uint32_t i = 0; i < a->len; i++) {
        unsigned char c = (unsigned char)a->u.s[i];
        if (upper && c >= 'a' && c <= 'z')
            c = (unsigned char)(c - 'a' + 'A');
        else if (!upper && c >= 'A' && c <= 'Z')
            c = (unsigned char)(c - 'A' + 'a');
        m[i] = (char)c;
    }
    *out = vouch_text(m, a->len);
    return 0;
}

static int has_at(const vouch_value *h, const vouch_value *n, uint32_t at)
{
    return n->len <= h->len && at <= h->len - n->len &&
           (n->len == 0 || memcmp(h->u.s + at, n->u.s, n->len) == 0);
}

static int text_contains(const vouch_value *h, const vouch_value *n)
{
    if (n->len == 0)
        return 1;
    if (n->len > h->len)
        return 0;
    for (uint32_t i = 0; i + n->len <= h->len; i++)
        if (h->u.s[i] == n->u.s[0] && memcmp(h->u.s + i, n->u.s, n->len) == 0)
            return 1;
    return 0;
}

/* Checks that argument types match the signature (none only where '?'). */
static int check_args(uint32_t id, const vouch_value *args, uint32_t argc, char *err, size_t cap)
{
    const char *s = strchr(infos[id].sig, ':') + 1;
    uint32_t i = 0;
    for (; *s; s++) {
        if (*s == '?')
            continue;
        if (i >= argc)
            return fail(err, cap, "%s: expected more arguments", infos[id].name);
        const vouch_value *v = &args[i];
        int want;
        if (*s == 'a') { /* any type: the compiler checked the arguments agree */
            i++;
            continue;
        }
        switch (*s) {
        case 't': want = VT_TEXT; break;
        case 'i': want = VT_INT; break;
        case 'b': want = VT_BOOL; break;
        case 'd': want = VT_DATE; break;
        default: want = VT_DUR; break;
        }
        if (v->type != want && !(v->type == VT_NONE && s[1] == '?'))
            return fail(err, cap, "%s: argument %u has the wrong type", infos[id].name, i + 1);
        if (v->type == VT_TEXT && v->len && !v->u.s)
            return fail(err, cap, "%s: argument %u is a bad text", infos[id].name, i + 1);
        if (v->type == VT_DATE && !date_in_range(v->u.i))
            return fail(err, cap, "%s: date argument out of range", infos[id].name);
        i++;
    }
    if (i != argc)
        return fail(err, cap, "%s: expected %u arguments, got %u", infos[id].name, i, argc);
    return 0;
}

static int date_result(int64_t d, const char *name, vouch_value *out, char *err, size_t cap)
{
    if (!date_in_range(d))
        return fail(err, cap, "%s: date outside years %d..%d", name, VOUCH_DATE_MIN_YEAR,
                    VOUCH_DATE_MAX_YEAR);
    *out = vouch_date(d);
    return 0;
}

/* ---- dispatch ------------------------------------------------------------- */

int vouch_builtin_call(uint32_t id, const vouch_value *args, uint32_t argc,
                       vouch_scratch *scratch, vouch_value *out, char *err, size_t cap)
{
    if (id >= BI__COUNT)
        return fail(err, cap, "unknown builtin %u", id);
    if (check_args(id, args, argc, err, cap) != 0)
        return -1;
    const vouch_value *a = &args[0], *b = &args[1];
    int y, m, d;
    char buf[32];
    switch ((vouch_builtin_id)id) {
    case BI_blank:
        *out = vouch_bool(is_blank(a));
        return 0;
    case BI_present:
        *out = vouch_bool(!is_blank(a));
        return 0;
    case BI_trim: {
        uint32_t lo = 0, hi = a->len;
        while (lo < hi && is_space(a->u.s[lo]))
            lo++;
        while (hi > lo && is_space(a->u.s[hi - 1]))
            hi--;
        /* A slice of the argument: it lives as long as the argument does. */
        *out = vouch_text(a->u.s ? a->u.s + lo : a->u.s, hi - lo);
        return 0;
    }
    case BI_lower:
        return map_case(a, 0, scratch, out, err, cap);
    case BI_upper:
        return map_case(a, 1, scratch, out, err, cap);
    case BI_length:
        *out = vouch_int(a->len);
        return 0;
    case BI_contains:
        *out = vouch_bool(text_contains(a, b));
        return 0;
    case BI_starts_with:
        *out = vouch_bool(has_at(a, b, 0));
        return 0;
    case BI_ends_with:
        *out = vouch_bool(b->len <= a->len && has_at(a, b, a->len - b->len));
        return 0;
    case BI_days:
        *out = vouch_int(a->u.i);
        return 0;
    case BI_duration:
        *out = vouch_dur(a->u.i);
        return 0;
    case BI_year:
        date_to_civil(a->u.i, &y, &m, &d);
        *out = vouch_int(y);
        return 0;
    case BI_month:
        date_to_civil(a->u.i, &y, &m, &d);
        *out = vouch_int(m);
        return 0;
    case BI_day:
        date_to_civil(a->u.i, &y, &m, &d);
        *out = vouch_int(d);
        return 0;
    case BI_quarter:
        date_to_civil(a->u.i, &y, &m, &d);
        *out = vouch_int((m - 1) / 3 + 1);
        return 0;
    case BI_month_start:
        return date_result(date_month_start(a->u.i), infos[id].name, out, err, cap);
    case BI_month_end:
        return date_result(date_month_end(a->u.i), infos[id].name, out, err, cap);
    case BI_quarter_start:
        return date_result(date_quarter_start(a->u.i), infos[id].name, out, err, cap);
    case BI_quarter_end:
        return date_result(date_quarter_end(a->u.i), infos[id].name, out, err, cap);
    case BI_year_start:
        return date_result(date_year_start(a->u.i), infos[id].name, out, err, cap);
    case BI_year_end:
        return date_result(date_year_end(a->u.i), infos[id].name, out, err, cap);
    case BI_add_months: {
        int64_t moved;
        if (date_move_months(a->u.i, b->u.i, &moved) != 0)
            return fail(err, cap, "add_months: date outside years %d..%d", VOUCH_DATE_MIN_YEAR,
                        VOUCH_DATE_MAX_YEAR);
        return date_result(moved, infos[id].name, out, err, cap);
    }
    case BI_quarter_name: {
        date_to_civil(a->u.i, &y, &m, &d);
        int n = snprintf(buf, sizeof buf, "%04dQ%d", y, (m - 1) / 3 + 1);
        return make_text(scratch, buf, (size_t)n, out, err, cap);
    }
    case BI_month_name: {
        date_to_civil(a->u.i, &y, &m, &d);
        int n = snprintf(buf, sizeof buf, "%04d-%02d", y, m);
        return make_text(scratch, buf, (size_t)n, out, err, cap);
    }
    case BI_half_start:
        return date_result(date_half_start(a->u.i), infos[id].name, out, err, cap);
    case BI_half_end:
        return date_result(date_half_end(a->u.i), infos[id].name, out, err, cap);
    case BI_half_name: {
        date_to_civil(a->u.i, &y, &m, &d);
        int n = snprintf(buf, sizeof buf, "%04dH%d", y, m <= 6 ? 1 : 2);
        return make_text(scratch, buf, (size_t)n, out, err, cap);
    }
    case BI_coalesce:
        *out = a->type == VT_NONE ? *b : *a;
        return 0;
    case BI__COUNT:
        break;
    }
    return fail(err, cap, "unknown builtin %u", id);
}
