/*
 * value.h: the one value type of the VM, the facts store and the builtins.
 *
 * Values are small (16 bytes) and passed by copy. Text values borrow their
 * bytes: from the program's string pool, from a facts-store row (valid until
 * that cursor moves), or from the VM's scratch space (valid until the running
 * subject ends). Whoever needs a text value to live longer copies it.
 *
 * Dates are day numbers (days since 1970-01-01, proleptic Gregorian);
 * durations are whole days; calendar durations whole months (they move a
 * date by calendar months and are never converted to days). Enums are carried as their member's text, so the
 * store, the VM and the output all see the same spelling.
 *
 * Depends on nothing; included by compiler/ (through program.h) and runtime/.
 */
#ifndef VOUCH_VALUE_H
#define VOUCH_VALUE_H

#include <stdint.h>
#include <stddef.h>

typedef enum vouch_vtype {
    VT_NONE = 0, /* an optional value that is absent (NULL in the store) */
    VT_BOOL,     /* u.i is 0 or 1 */
    VT_INT,      /* u.i */
    VT_DATE,     /* u.i: days since 1970-01-01 */
    VT_DUR,      /* u.i: days */
    VT_TEXT,     /* u.s, len bytes, not NUL-terminated in general */
    VT_MONTHS,   /* u.i: calendar months (a calendar duration: 6mo, 1q, 1y) */
    VT__COUNT,   /* the types above are the ones a program and a store hold */
    VT_DECIMAL   /* the exact fraction u.i / len (len >= 1): an `avg`. Made by
                  * the VM only, never stored nor hashed; compares exactly
                  * with another decimal or an int */
} vouch_vtype;

typedef struct vouch_value {
    uint8_t type;  /* vouch_vtype */
    uint32_t len;  /* text length in bytes (VT_TEXT only) */
    union {
        int64_t i;
        const char *s;
    } u;
} vouch_value;

static inline vouch_value vouch_none(void) { vouch_value v = {VT_NONE, 0, {0}}; return v; }
static inline vouch_value vouch_bool(int b) { vouch_value v = {VT_BOOL, 0, {0}}; v.u.i = b != 0; return v; }
static inline vouch_value vouch_int(int64_t i) { vouch_value v = {VT_INT, 0, {0}}; v.u.i = i; return v; }
static inline vouch_value vouch_date(int64_t d) { vouch_value v = {VT_DATE, 0, {0}}; v.u.i = d; return v; }
static inline vouch_value vouch_dur(int64_t d) { vouch_value v = {VT_DUR, 0, {0}}; v.u.i = d; return v; }
static inline vouch_value vouch_months(int64_t m) { vouch_value v = {VT_MONTHS, 0, {0}}; v.u.i = m; return v; }
static inline vouch_value vouch_decimal(int64_t num, uint32_t den)
{
    vouch_value v = {VT_DECIMAL, den, {0}};
    v.u.i = num;
    return v;
}
static inline vouch_value vouch_text(const char *s, size_t n)
{
    vouch_value v = {VT_TEXT, 0, {0}};
    v.u.s = s;
    v.len = (uint32_t)n;
    return v;
}

/* Equality as the language defines `==`: none equals only none; otherwise
 * same type and same value (text compared bytewise). */
int vouch_value_equal(const vouch_value *a, const vouch_value *b);

/* Ordering for two present values of the same type: <0, 0, >0. Text compares
 * bytewise (memcmp, then length), as SQLite's BINARY collation does. */
int vouch_value_compare(const vouch_value *a, const vouch_value *b);

/* 1 if a and b are a decimal and an int or two decimals: values of two
 * types that vouch_value_compare and vouch_value_equal still compare. */
static inline int vouch_value_numeric(const vouch_value *a, const vouch_value *b)
{
    return (a->type == VT_DECIMAL && (b->type == VT_INT || b->type == VT_DECIMAL)) ||
           (b->type == VT_DECIMAL && a->type == VT_INT);
}

/* Hash of a present value, consistent with vouch_value_equal. */
uint64_t vouch_value_hash(const vouch_value *v);

/* Writes the canonical text form of v (int as decimal, date as YYYY-MM-DD,
 * duration as "<n>d", calendar duration as "<n>y" when whole years else
 * "<n>mo", bool as true/false, none as "none", text verbatim, a decimal
 * rounded half away from zero to at most two places: 9.4, 3.33, 2) into
 * buf (at most cap bytes, NUL-terminated when cap > 0). Returns the full
 * length the text needs, like snprintf. */
size_t vouch_value_format(const vouch_value *v, char *buf, size_t cap);

#endif
