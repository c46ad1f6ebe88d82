/*
 * datetime.h: date-times as exports write them, and the day they fall on
 * in a time zone. Used by the compiler (to check a source's patterns and
 * zones where they are written) and by `vouch load --source` (to turn
 * each value into a date).
 *
 * A date-time is read either as ISO 8601 (`2026-01-05`, `2026-01-05T09:30`,
 * `2026-01-05T09:30:00.123Z`, `2026-01-05 09:30:00+01:00`) or by a pattern
 * in the manner of strptime, implemented here so that it does not depend
 * on the locale:
 *
 *   %Y year (4 digits)    %y year (2 digits: 69-99 are 19xx, 00-68 20xx)
 *   %m month (1-2 digits) %b %B month name or its first three letters
 *   %d %e day (1-2)       %H hour 0-23      %I hour 1-12, with %p AM/PM
 *   %M minute             %S second         %f digits of a fraction
 *   %T %H:%M:%S           %z Z, +HH, +HHMM or +HH:MM       %% a `%`
 *
 * A space in a pattern matches one or more spaces; any other character
 * matches itself. Month names and AM/PM are English, in any case.
 *
 * Time zones are names of the tz database (`Europe/Paris`, `UTC`), read
 * from TZDIR or /usr/share/zoneinfo (Debian's tzdata). Turning an instant
 * into a local date sets the TZ environment variable, so it is not
 * thread-safe: callers bracket their conversions with vouch_tz_save and
 * vouch_tz_restore, which put the caller's TZ back.
 */
#ifndef VOUCH_DATETIME_H
#define VOUCH_DATETIME_H

#include <stddef.h>
#include <stdint.h>

typedef struct vouch_datetime {
    int year, month, day;
    int hour, minute, second;
    int has_time;            /* a time of day was written */
    int has_offset;          /* Z or an offset was written: an instant */
    int offset_min;          /* east of UTC, in minutes */
} vouch_datetime;

/* Checks a pattern: known directives only, a year, a month and a day, %I
 * with %p. Returns 0, or -1 with a reason (a static string) in *why. */
int vouch_datetime_pattern_check(const char *pattern, const char **why);
/* 1 if the pattern reads an offset (%z). */
int vouch_datetime_pattern_has_offset(const char *pattern);

/* Reads s[0..n) with the pattern (NULL: ISO 8601), all of it. Returns 0,
 * or -1 if the text does not match or is not a real date and time. */
int vouch_datetime_parse(const char *pattern, const char *s, size_t n, vouch_datetime *out);

/* 1 if name is a time zone of the tz database on this machine. */
int vouch_zone_exists(const char *name);

typedef struct vouch_tz_saved {
    char *old;               /* the caller's TZ (owned), or NULL */
    int had;                 /* TZ was set */
    int changed;             /* a conversion changed TZ */
} vouch_tz_saved;

/* Keeps the caller's TZ: 0, or -1 out of memory (nothing kept then). */
int vouch_tz_save(vouch_tz_saved *s);
/* Puts the caller's TZ back (and frees what save kept). */
void vouch_tz_restore(vouch_tz_saved *s);

/* The day number (date.h) dt falls on in zone: for an instant, its local
 * date there; for a date or a local date-time (no offset), the date as
 * written (it already is local to the zone). Returns 0, or -1 if the zone
 * does not exist or the day is out of the supported range. */
int vouch_datetime_local_day(const vouch_datetime *dt, const char *zone, vouch_tz_saved *s, int64_t *day);

#endif
