/*
 * load_check.c: every value `vouch load` writes is checked here first
 * against its declared column, whatever its source (load_int.h), and
 * bound to the INSERT in its stored form: int, bool (0/1) and duration
 * (days) as INTEGER, dates as YYYY-MM-DD text, enums and text as text,
 * none as NULL.
 *
 * A text cell (CSV, fixtures, catalogues) is read in the CSV forms: empty
 * is none, bools true/false, yes/no, 1/0 in any case, durations `92`, `92d`
 * or `2w`. A JSON value must have the JSON type of its column (an int is a
 * JSON number, a bool true or false, text and dates strings; a duration a
 * number of days or a string in the CSV forms): a string of digits in an
 * int field is an error, not a number, since "007" and 7 are not the same
 * identifier and a verdict could turn on which one was meant
 * (docs/loading.md).
 */
#include <string.h>
#include <strings.h>
#include "load_int.h"
#include "date.h"

int load_valid_utf8(const unsigned char *s, size_t n, size_t *bad)
{
    size_t i = 0;
    while (i < n) {
        /* eight ASCII bytes, none of them NUL, at a time: most text */
        if (n - i >= 8) {
            uint64_t w;
            memcpy(&w, s + i, 8);
            if (((w | ((w - 0x0101010101010101u) & ~w)) & 0x8080808080808080u) == 0) {
                i += 8;
                continue;
            }
        }
        unsigned c = s[i];
        if (c == 0) {
            *bad = i;
            return 0;
        }
        if (c < 0x80) {
            i++;
            continue;
        }
        size_t len;
        uint32_t cp, min;
        if ((c & 0xe0) == 0xc0) {
            len = 2; cp = c & 0x1f; min = 0x80;
        } else if ((c & 0xf0) == 0xe0) {
            len = 3; cp = c & 0x0f; min = 0x800;
        } else if ((c & 0xf8) == 0xf0) {
            len = 4; cp = c & 0x07; min = 0x10000;
        } else {
            *bad = i;
            return 0;
        }
        if (i + len > n) {
            *bad = i;
            return 0;
        }
        for (size_t k = 1; k < len; k++) {
            if ((s[i + k] & 0xc0) != 0x80) {
                *bad = i;
                return 0;
            }
            cp = (cp << 6) | (s[i + k] & 0x3f);
        }
        if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
            *bad = i;
            return 0;
        }
        i += len;
    }
    return 1;
}

/* Decimal integer, optional sign; -1 not a number, -2 out of range. */
static int parse_dec(const char *s, size_t n, int64_t *out)
{
    size_t i = 0;
    int neg = 0;
    uint64_t v = 0;
    if (i < n && (s[i] == '-' || s[i] == '+'))
        neg = s[i++] == '-';
    if (i == n)
        return -1;
    int over = 0;
    for (; i < n; i++) {
        if (s[i] < '0' || s[i] > '9')
            return -1;
        if (v > (UINT64_MAX - 9) / 10)
            over = 1;
        else
            v = v * 10 + (uint64_t)(s[i] - '0');
    }
    if (over || v > (uint64_t)INT64_MAX + (uint64_t)neg)
        return -2;
    *out = neg ? (int64_t)(0 - v) : (int64_t)v;
    return 0;
}

static int ieq(const char *s, size_t n, const char *lit)
{
    return strlen(lit) == n && strncasecmp(s, lit, n) == 0;
}

const char *load_shown(const char *s, size_t n, char out[48])
{
    size_t k = 0;
    for (size_t i = 0; i < n && k < 40; i++)
        out[k++] = (unsigned char)s[i] < 32 || s[i] == 127 ? '?' : s[i];
    if (n > 40) {
        memcpy(out + k, "...", 3);
        k += 3;
    }
    out[k] = 0;
    return out;
}

/* The cell being checked, for messages: "WHERE: error: column `name`: ". */
typedef struct cellref {
    char where[300];
    const char *noun, *name;
} cellref;

#define CELL_FMT "%s: error: %s `%s`: "
#define CELL_ARGS(c) (c)->where, (c)->noun, (c)->name

static void ref(cellref *r, const load_source *src, uint32_t ci, const vouch_column_decl *cd)
{
    src->ops->where(src, ci, r->where, sizeof r->where);
    r->noun = src->noun;
    r->name = cd->name;
}

/* The JSON type of a value that does not fit its column, for messages. */
static const char *json_type(const load_cell *c)
{
    switch (c->kind) {
    case LOAD_JSTRING: return "a string";
    case LOAD_JINT: case LOAD_JREAL: return "a number";
    case LOAD_JBOOL: return "a boolean";
    default: return "a value";
    }
}

/* Reports a JSON value of the wrong type for column cd; -1. */
static int wrong_json(const cellref *r, const load_cell *c, const char *want, lerr *e)
{
    char sh[48];
    const char *q = c->kind == LOAD_JSTRING ? "\"" : "";
    lerr_add(e, CELL_FMT "`%s%s%s` is %s; %s", CELL_ARGS(r), q, load_shown(c->s, c->n, sh), q,
             json_type(c), want);
    return -1;
}

/* A JSON value (not LOAD_TEXT): 1 if the checks of its text go on (its
 * type fits the column), 0 if it is none (bound as NULL), -1 after
 * reporting that it does not fit. */
static int json_fits(const vouch_column_decl *cd, const load_cell *c, const load_source *src,
                     uint32_t ci, lerr *e)
{
    cellref r;
    if (c->kind == LOAD_JOBJECT || c->kind == LOAD_JARRAY) {
        ref(&r, src, ci, cd);
        lerr_add(e, CELL_FMT "a nested %s: a field holds one value (a string, a number, true, false "
                 "or null)", CELL_ARGS(&r), c->kind == LOAD_JOBJECT ? "object" : "array");
        return -1;
    }
    if (c->kind == LOAD_NULL || c->kind == LOAD_MISSING || c->n == 0) {
        if (cd->optional)
            return 0;
        ref(&r, src, ci, cd);
        lerr_add(e, CELL_FMT "%s, but the %s is required", CELL_ARGS(&r),
                 c->kind == LOAD_NULL ? "null" : c->kind == LOAD_MISSING ? "missing" : "empty",
                 r.noun);
        return -1;
    }
    const char *want = NULL;
    switch (cd->type) {
    case VT_INT:
        if (c->kind != LOAD_JINT && c->kind != LOAD_JREAL)
            want = "an int field takes a JSON number";
        break;
    case VT_BOOL:
        if (c->kind != LOAD_JBOOL)
            want = "a bool field takes JSON true or false";
        break;
    case VT_DUR:
        if (c->kind != LOAD_JSTRING && c->kind != LOAD_JINT)
            want = "a duration field takes a number of days or a string (`92d`, `2w`)";
        break;
    case VT_DATE:
        if (c->kind != LOAD_JSTRING)
            want = "a date field takes a string (YYYY-MM-DD)";
        break;
    default:
        if (c->kind != LOAD_JSTRING)
            want = cd->enum_id >= 0 ? "an enum field takes a string" : "a text field takes a string";
    }
    if (!want)
        return 1;
    ref(&r, src, ci, cd);
    return wrong_json(&r, c, want, e);
}

/* n digits at s as a number, or -1. */
static int digits(const char *s, size_t n)
{
    int v = 0;
    for (size_t k = 0; k < n; k++) {
        if (s[k] < '0' || s[k] > '9')
            return -1;
        v = v * 10 + (s[k] - '0');
    }
    return v;
}

/* An ISO 8601 date-time with its zone, YYYY-MM-DDTHH:MM[:SS[.frac]] then
 * Z or +HH:MM / -HH:MM (T may be t or a space), as the day it falls on in
 * the zone tz_minutes east of UTC: 0 and *day, -1 not a date-time at all
 * (no date then T), -2 a date-time without a zone (which day it is cannot
 * be known), -3 a day out of range, -4 a date then T but not a date-time. */
static int date_time_day(const char *s, size_t n, int tz_minutes, int64_t *day)
{
    int64_t d;
    if (n < 11 || date_parse(s, 10, &d) != 0 || (s[10] != 'T' && s[10] != 't' && s[10] != ' '))
        return -1;
    if (n < 16 || s[13] != ':')
        return -4;
    int hh = digits(s + 11, 2), mm = digits(s + 14, 2);
    if (hh < 0 || hh > 23 || mm < 0 || mm > 59)
        return -4;
    size_t k = 16;
    if (k < n && s[k] == ':') {
        int ss = k + 3 <= n ? digits(s + k + 1, 2) : -1;
        if (ss < 0 || ss > 59)
            return -4;
        k += 3;
        if (k < n && (s[k] == '.' || s[k] == ',')) {
            size_t f = ++k;
            while (k < n && s[k] >= '0' && s[k] <= '9')
                k++;
            if (k == f)
                return -4;
        }
    }
    if (k == n)
        return -2;
    int off;
    if ((s[k] == 'Z' || s[k] == 'z') && k + 1 == n) {
        off = 0;
    } else if ((s[k] == '+' || s[k] == '-') && k + 6 == n && s[k + 3] == ':') {
        int oh = digits(s + k + 1, 2), om = digits(s + k + 4, 2);
        if (oh < 0 || oh > 23 || om < 0 || om > 59)
            return -4;
        off = (oh * 60 + om) * (s[k] == '-' ? -1 : 1);
    } else {
        return -4;
    }
    /* minutes since the day's midnight in the wanted zone: the UTC
     * instant is the local time minus its offset */
    int64_t minutes = hh * 60 + mm - off + tz_minutes;
    int64_t shift = minutes >= 0 ? minutes / 1440 : -((1439 - minutes) / 1440);
    d += shift;
    if (!date_in_range(d))
        return -3;
    *day = d;
    return 0;
}

/* Checks cell c against column cd and, with st, binds it to parameter i:
 * 0, or -1 after reporting. Inlined into its one caller's loop, as it was
 * when it lived beside the CSV reader: a call per cell costs the CSV load
 * about 1% (callgrind, 100,000 evidence rows). */
static inline __attribute__((always_inline)) int
check_bind(const vouch_program *p, const vouch_column_decl *cd, const load_cell *c,
           const load_source *src, uint32_t ci, int tz_minutes, sqlite3_stmt *st, int i, lerr *e)
{
    char sh[48];
    cellref r;
    const char *s = c->s;
    size_t n = c->n;
    if (c->kind != LOAD_TEXT) {
        int fits = json_fits(cd, c, src, ci, e);
        if (fits < 0)
            return -1;
        if (fits == 0) {
            if (st)
                sqlite3_bind_null(st, i);
            return 0;
        }
        if (c->kind == LOAD_JBOOL) {
            if (st)
                sqlite3_bind_int64(st, i, s[0] == 't');
            return 0;
        }
    } else if (n == 0) {
        if (!cd->optional) {
            ref(&r, src, ci, cd);
            lerr_add(e, CELL_FMT "empty, but the %s is required", CELL_ARGS(&r), r.noun);
            return -1;
        }
        if (st)
            sqlite3_bind_null(st, i);
        return 0;
    }
    int64_t v = 0;
    switch (cd->type) {
    case VT_INT: {
        int rc = parse_dec(s, n, &v);
        if (rc == -1) {
            ref(&r, src, ci, cd);
            lerr_add(e, CELL_FMT "`%s` is not an integer", CELL_ARGS(&r), load_shown(s, n, sh));
            return -1;
        }
        if (rc == -2) {
            ref(&r, src, ci, cd);
            lerr_add(e, CELL_FMT "%s is out of range for an int (64 bits)", CELL_ARGS(&r),
                     load_shown(s, n, sh));
            return -1;
        }
        break;
    }
    case VT_BOOL:
        if (ieq(s, n, "true") || ieq(s, n, "yes") || ieq(s, n, "1")) {
            v = 1;
        } else if (ieq(s, n, "false") || ieq(s, n, "no") || ieq(s, n, "0")) {
            v = 0;
        } else {
            ref(&r, src, ci, cd);
            lerr_add(e, CELL_FMT "`%s` is not a bool (true/false, yes/no, 1/0)", CELL_ARGS(&r),
                     load_shown(s, n, sh));
            return -1;
        }
        break;
    case VT_DUR: {
        size_t m = n;
        int64_t mult = 1;
        if (s[n - 1] == 'd' || s[n - 1] == 'D') {
            m = n - 1;
        } else if (s[n - 1] == 'w' || s[n - 1] == 'W') {
            m = n - 1;
            mult = 7;
        }
        int rc = m > 0 && s[0] >= '0' && s[0] <= '9' ? parse_dec(s, m, &v) : -1;
        if (rc == 0 && v > INT64_MAX / mult)
            rc = -2;
        if (rc != 0) {
            ref(&r, src, ci, cd);
            lerr_add(e, CELL_FMT "`%s` is not a duration (days: `92d` or `92`, weeks: `2w`)%s",
                     CELL_ARGS(&r), load_shown(s, n, sh), rc == -2 ? ": out of range" : "");
            return -1;
        }
        v *= mult;
        break;
    }
    case VT_DATE: {
        int64_t d;
        if (date_parse(s, n, &d) == 0) {
            if (st)
                sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
            return 0;
        }
        int dt = date_time_day(s, n, tz_minutes, &d);
        if (dt == 0) {
            char day[11];
            date_format(d, day);
            if (st)
                sqlite3_bind_text(st, i, day, 10, SQLITE_TRANSIENT);
            return 0;
        }
        ref(&r, src, ci, cd);
        if (dt == -2)
            lerr_add(e, CELL_FMT "`%s` is a date-time without a zone: which day it is depends on "
                     "the zone, so give one (`Z` for UTC, or an offset such as `+02:00`)",
                     CELL_ARGS(&r), load_shown(s, n, sh));
        else if (dt == -3)
            lerr_add(e, CELL_FMT "`%s` falls on a day outside years 1..9999", CELL_ARGS(&r),
                     load_shown(s, n, sh));
        else if (dt == -4)
            lerr_add(e, CELL_FMT "`%s` is not a date-time (YYYY-MM-DDTHH:MM[:SS[.fff]], then `Z` "
                     "or an offset such as `+02:00`)", CELL_ARGS(&r), load_shown(s, n, sh));
        else
            lerr_add(e, CELL_FMT "`%s` is not a date (YYYY-MM-DD, a real calendar day, years "
                     "1..9999)", CELL_ARGS(&r), load_shown(s, n, sh));
        return -1;
    }
    default: {
        size_t bad;
        if (!load_valid_utf8((const unsigned char *)s, n, &bad)) {
            ref(&r, src, ci, cd);
            lerr_add(e, CELL_FMT "%s at byte %zu", CELL_ARGS(&r),
                     s[bad] == 0 ? "contains a NUL byte" : "is not valid UTF-8", bad + 1);
            return -1;
        }
        if (cd->enum_id >= 0 && (uint32_t)cd->enum_id < p->nenums) {
            const vouch_enum_decl *ed = &p->enums[cd->enum_id];
            uint32_t k = 0;
            /* s has no NUL (checked above): strncmp stops at the end of
             * a shorter value, then the value must end where s does */
            while (k < ed->nvalues && !(strncmp(ed->values[k], s, n) == 0 && ed->values[k][n] == 0))
                k++;
            if (k == ed->nvalues) {
                char list[300];
                size_t used = 0;
                list[0] = 0;
                for (uint32_t j = 0; j < ed->nvalues && used + 4 < sizeof list; j++) {
                    int w = snprintf(list + used, sizeof list - used, "%s%s", j ? ", " : "",
                                     ed->values[j]);
                    if (w < 0)
                        break;
                    used += (size_t)w;
                    if (used >= sizeof list)
                        used = sizeof list - 1;
                }
                ref(&r, src, ci, cd);
                lerr_add(e, CELL_FMT "`%s` is not one of: %s", CELL_ARGS(&r), load_shown(s, n, sh),
                         list);
                return -1;
            }
        }
        if (st)
            sqlite3_bind_text(st, i, s, (int)n, SQLITE_STATIC);
        return 0;
    }
    }
    if (st)
        sqlite3_bind_int64(st, i, v);
    return 0;
}

int load_check_record(const vouch_program *p, const vouch_table_decl *t, const int32_t *map,
                      const load_cell *cells, uint32_t n, const load_source *src, int tz_minutes,
                      sqlite3_stmt *st, int base, lerr *e)
{
    int bad = 0;
    for (uint32_t i = 0; i < n && !lerr_full(e); i++)
        bad |= check_bind(p, &t->columns[map[i]], &cells[i], src, i, tz_minutes, st,
                          base + (int)i + 1, e);
    return bad ? -1 : 0;
}
