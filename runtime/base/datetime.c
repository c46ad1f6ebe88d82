/*
 * datetime.c: reading date-times as exports write them, and the day they
 * fall on in a time zone (datetime.h).
 *
 * Invariants: parsing never reads past s[n) and accepts a text only when
 * all of it matched; a parsed value is a real calendar day (date_valid)
 * and a real time of day (a leap second :60 allowed); TZ is changed only
 * between vouch_tz_save and vouch_tz_restore.
 */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include "datetime.h"
#include "date.h"
#include "alloc.h"

static const char *const MONTHS[12] = {"january", "february", "march",     "april",   "may",      "june",
                                       "july",    "august",   "september", "october", "november", "december"};

/* ---- patterns --------------------------------------------------------------- */

int vouch_datetime_pattern_check(const char *pat, const char **why)
{
    int year = 0, month = 0, day = 0, h12 = 0, ampm = 0, h24 = 0;
    for (const char *p = pat; *p; p++) {
        if (*p != '%')
            continue;
        switch (*++p) {
        case 'Y': case 'y': year++; break;
        case 'm': case 'b': case 'B': month++; break;
        case 'd': case 'e': day++; break;
        case 'H': h24++; break;
        case 'T': h24++; break;
        case 'I': h12++; break;
        case 'p': ampm++; break;
        case 'M': case 'S': case 'f': case 'z': case '%': break;
        case '\0':
            *why = "a pattern cannot end with `%`";
            return -1;
        default:
            *why = "unknown directive: the directives are %Y %y %m %b %B %d %e %H %I %p %M %S %f %T %z %%";
            return -1;
        }
    }
    if (year != 1 || month != 1 || day != 1) {
        *why = "a pattern reads one year (%Y or %y), one month (%m or %b) and one day (%d)";
        return -1;
    }
    if (h12 + h24 > 1 || (h12 != ampm)) {
        *why = "a pattern reads the hour once: %H (0-23), or %I (1-12) with %p (AM/PM)";
        return -1;
    }
    return 0;
}

int vouch_datetime_pattern_has_offset(const char *pat)
{
    for (const char *p = pat; p && *p; p++)
        if (*p == '%' && *++p == 'z')
            return 1;
    return 0;
}

/* ---- reading ---------------------------------------------------------------- */

typedef struct rd {
    const char *s;
    size_t n, at;
} rd;

static int digits(rd *r, int min, int max, int *out)
{
    int v = 0, k = 0;
    while (k < max && r->at < r->n && r->s[r->at] >= '0' && r->s[r->at] <= '9') {
        v = v * 10 + (r->s[r->at++] - '0');
        k++;
    }
    if (k < min)
        return -1;
    *out = v;
    return 0;
}

static int lit(rd *r, char c)
{
    if (r->at < r->n && r->s[r->at] == c) {
        r->at++;
        return 0;
    }
    return -1;
}

/* Z, +HH, +HHMM or +HH:MM (also a Unicode-free minus `-`). */
static int offset(rd *r, vouch_datetime *dt)
{
    if (lit(r, 'Z') == 0 || lit(r, 'z') == 0) {
        dt->has_offset = 1;
        dt->offset_min = 0;
        return 0;
    }
    if (r->at >= r->n || (r->s[r->at] != '+' && r->s[r->at] != '-'))
        return -1;
    int sign = r->s[r->at++] == '-' ? -1 : 1, hh, mm = 0;
    if (digits(r, 2, 2, &hh))
        return -1;
    if (lit(r, ':') == 0) {
        if (digits(r, 2, 2, &mm))
            return -1;
    } else if (r->at < r->n && r->s[r->at] >= '0' && r->s[r->at] <= '9') {
        if (digits(r, 2, 2, &mm))
            return -1;
    }
    if (hh > 23 || mm > 59)
        return -1;
    dt->has_offset = 1;
    dt->offset_min = sign * (hh * 60 + mm);
    return 0;
}

static int month_name(rd *r, int *out)
{
    for (int m = 0; m < 12; m++) {
        size_t full = strlen(MONTHS[m]);
        if (r->n - r->at >= full && strncasecmp(r->s + r->at, MONTHS[m], full) == 0) {
            r->at += full;
            *out = m + 1;
            return 0;
        }
    }
    for (int m = 0; m < 12; m++)
        if (r->n - r->at >= 3 && strncasecmp(r->s + r->at, MONTHS[m], 3) == 0) {
            r->at += 3;
            *out = m + 1;
            return 0;
        }
    return -1;
}

static int fraction(rd *r)
{
    size_t start = r->at;
    while (r->at < r->n && r->s[r->at] >= '0' && r->s[r->at] <= '9')
        r->at++;
    return r->at > start ? 0 : -1;
}

static int iso(rd *r, vouch_datetime *dt)
{
    if (digits(r, 4, 4, &dt->year) || lit(r, '-') || digits(r, 2, 2, &dt->month) || lit(r, '-') ||
        digits(r, 2, 2, &dt->day))
        return -1;
    if (r->at == r->n)
        return 0;
    if (lit(r, 'T') && lit(r, 't') && lit(r, ' '))
        return -1;
    dt->has_time = 1;
    if (digits(r, 2, 2, &dt->hour) || lit(r, ':') || digits(r, 2, 2, &dt->minute))
        return -1;
    if (lit(r, ':') == 0) {
        if (digits(r, 2, 2, &dt->second))
            return -1;
        if ((lit(r, '.') == 0 || lit(r, ',') == 0) && fraction(r))
            return -1;
    }
    if (r->at == r->n)
        return 0;
    return offset(r, dt);
}

static int by_pattern(rd *r, const char *pat, vouch_datetime *dt)
{
    int pm = -1, h12 = -1;
    for (const char *p = pat; *p; p++) {
        if (*p == ' ') {
            if (lit(r, ' '))
                return -1;
            while (lit(r, ' ') == 0)
                ;
            continue;
        }
        if (*p != '%') {
            if (lit(r, *p))
                return -1;
            continue;
        }
        int rc = 0;
        switch (*++p) {
        case 'Y': rc = digits(r, 4, 4, &dt->year); break;
        case 'y':
            rc = digits(r, 2, 2, &dt->year);
            dt->year += dt->year >= 69 ? 1900 : 2000;
            break;
        case 'm': rc = digits(r, 1, 2, &dt->month); break;
        case 'b': case 'B': rc = month_name(r, &dt->month); break;
        case 'd': case 'e': rc = digits(r, 1, 2, &dt->day); break;
        case 'H': rc = digits(r, 1, 2, &dt->hour); dt->has_time = 1; break;
        case 'I': rc = digits(r, 1, 2, &h12); dt->has_time = 1; break;
        case 'M': rc = digits(r, 1, 2, &dt->minute); break;
        case 'S': rc = digits(r, 1, 2, &dt->second); break;
        case 'f': rc = fraction(r); break;
        case 'T':
            dt->has_time = 1;
            rc = digits(r, 1, 2, &dt->hour) || lit(r, ':') || digits(r, 2, 2, &dt->minute) || lit(r, ':') ||
                 digits(r, 2, 2, &dt->second);
            break;
        case 'p':
            if (r->n - r->at >= 2 && strncasecmp(r->s + r->at, "am", 2) == 0)
                pm = 0;
            else if (r->n - r->at >= 2 && strncasecmp(r->s + r->at, "pm", 2) == 0)
                pm = 1;
            else
                rc = -1;
            r->at += 2;
            break;
        case 'z': rc = offset(r, dt); break;
        case '%': rc = lit(r, '%'); break;
        default: return -1;          /* vouch_datetime_pattern_check refuses it */
        }
        if (rc)
            return -1;
    }
    if (h12 >= 0) {
        if (h12 < 1 || h12 > 12 || pm < 0)
            return -1;
        dt->hour = h12 % 12 + (pm ? 12 : 0);
    }
    return 0;
}

int vouch_datetime_parse(const char *pattern, const char *s, size_t n, vouch_datetime *out)
{
    vouch_datetime dt;
    memset(&dt, 0, sizeof dt);
    rd r = {s, n, 0};
    if ((pattern ? by_pattern(&r, pattern, &dt) : iso(&r, &dt)) || r.at != n)
        return -1;
    if (!date_valid(dt.year, dt.month, dt.day) || dt.hour > 23 || dt.minute > 59 || dt.second > 60)
        return -1;
    *out = dt;
    return 0;
}

/* ---- time zones ---------------------------------------------------------------- */

static const char *zone_dir(void)
{
    const char *d = getenv("TZDIR");
    return d && *d ? d : "/usr/share/zoneinfo";
}

int vouch_zone_exists(const char *name)
{
    size_t n = strlen(name);
    if (n == 0 || n > 200 || name[0] == '/')
        return 0;
    for (size_t i = 0; i < n; i++) {
        char c = name[i];
        int ok = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '/' ||
                 c == '_' || c == '+' || c == '-';
        /* no `.` at all: no component can climb out of the zone directory */
        if (!ok)
            return 0;
    }
    char path[512];
    if (snprintf(path, sizeof path, "%s/%s", zone_dir(), name) >= (int)sizeof path)
        return 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    char magic[4];
    int ok = fread(magic, 1, 4, f) == 4 && memcmp(magic, "TZif", 4) == 0;
    fclose(f);
    return ok;
}

int vouch_tz_save(vouch_tz_saved *s)
{
    const char *tz = getenv("TZ");
    s->had = tz != NULL;
    s->old = NULL;
    s->changed = 0;
    if (tz) {
        size_t n = strlen(tz);
        s->old = vouch_malloc(n + 1);
        if (!s->old) {
            s->had = 0;
            return -1;
        }
        memcpy(s->old, tz, n + 1);
    }
    return 0;
}

void vouch_tz_restore(vouch_tz_saved *s)
{
    if (s->changed) {
        if (s->had)
            setenv("TZ", s->old, 1);
        else
            unsetenv("TZ");
        tzset();
    }
    vouch_free(s->old);
    s->old = NULL;
    s->changed = 0;
}

int vouch_datetime_local_day(const vouch_datetime *dt, const char *zone, vouch_tz_saved *s, int64_t *day)
{
    int64_t d = date_from_civil(dt->year, dt->month, dt->day);
    if (!dt->has_time || !dt->has_offset) {
        *day = d;
        return 0;
    }
    if (!zone)
        return -1;
    int64_t secs = d * 86400 + dt->hour * 3600 + dt->minute * 60 + dt->second - (int64_t)dt->offset_min * 60;
    /* ":" + name: the tz database file, never a POSIX rule string. */
    char want[210];
    snprintf(want, sizeof want, ":%s", zone);
    const char *cur = getenv("TZ");
    if (!cur || strcmp(cur, want) != 0) {
        /* checked when TZ changes, not per value: glibc quietly takes
         * an unknown zone for UTC */
        if (!vouch_zone_exists(zone) || setenv("TZ", want, 1) != 0)
            return -1;
        tzset();
        s->changed = 1;
    }
    time_t t = (time_t)secs;
    struct tm tm;
    if (!localtime_r(&t, &tm))
        return -1;
    int y = tm.tm_year + 1900, m = tm.tm_mon + 1, dd = tm.tm_mday;
    if (!date_valid(y, m, dd))
        return -1;
    *day = date_from_civil(y, m, dd);
    return 0;
}
