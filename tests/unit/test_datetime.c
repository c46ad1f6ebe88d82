/*
 * test_datetime.c: date-times as exports write them (runtime/base/datetime.c):
 * ISO 8601 and patterns, what is refused, time zones, and the day an
 * instant falls on in a zone (across midnight, across a DST change), with
 * the caller's TZ put back afterwards.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "datetime.h"
#include "date.h"

static vouch_datetime parse_ok(const char *pattern, const char *s)
{
    vouch_datetime dt;
    if (vouch_datetime_parse(pattern, s, strlen(s), &dt) != 0)
        fail_msg("`%s` with %s should parse", s, pattern ? pattern : "ISO 8601");
    return dt;
}

static void parse_bad(const char *pattern, const char *s)
{
    vouch_datetime dt;
    if (vouch_datetime_parse(pattern, s, strlen(s), &dt) == 0)
        fail_msg("`%s` with %s should not parse", s, pattern ? pattern : "ISO 8601");
}

/* The day s falls on in zone, as YYYY-MM-DD. */
static const char *day_in(const char *pattern, const char *s, const char *zone)
{
    static char buf[11];
    vouch_tz_saved saved;
    assert_int_equal(vouch_tz_save(&saved), 0);
    vouch_datetime dt = parse_ok(pattern, s);
    int64_t d;
    int rc = vouch_datetime_local_day(&dt, zone, &saved, &d);
    vouch_tz_restore(&saved);
    if (rc != 0)
        return "error";
    date_format(d, buf);
    return buf;
}

static void test_iso(void **state)
{
    (void)state;
    vouch_datetime dt = parse_ok(NULL, "2026-01-05");
    assert_int_equal(dt.year, 2026);
    assert_false(dt.has_time);
    dt = parse_ok(NULL, "2026-01-05T00:00:00Z");
    assert_true(dt.has_time && dt.has_offset);
    assert_int_equal(dt.offset_min, 0);
    dt = parse_ok(NULL, "2026-01-05T23:30:00.1234567+05:30");
    assert_int_equal(dt.offset_min, 330);
    assert_int_equal(dt.hour, 23);
    dt = parse_ok(NULL, "2026-01-05 09:30-0800");
    assert_int_equal(dt.offset_min, -480);
    dt = parse_ok(NULL, "2026-01-05T09:30:15");
    assert_false(dt.has_offset);
    parse_ok(NULL, "2016-12-31T23:59:60Z");   /* a leap second */
    parse_bad(NULL, "2026-02-30");
    parse_bad(NULL, "2026-01-05T");
    parse_bad(NULL, "2026-01-05T24:00");
    parse_bad(NULL, "2026-01-05T09:30Z junk");
    parse_bad(NULL, "2026-1-5");
    parse_bad(NULL, "");
    parse_bad(NULL, "2026-01-05T09:30+25:00");
}

static void test_patterns(void **state)
{
    (void)state;
    const char *why;
    vouch_datetime dt = parse_ok("%d/%b/%y %I:%M %p", "05/Jan/26 9:14 PM");
    assert_int_equal(dt.year, 2026);
    assert_int_equal(dt.month, 1);
    assert_int_equal(dt.hour, 21);
    dt = parse_ok("%d/%b/%y %I:%M %p", "5/jan/26  12:01 am");
    assert_int_equal(dt.hour, 0);
    dt = parse_ok("%m/%d/%Y", "12/31/1999");
    assert_int_equal(dt.day, 31);
    dt = parse_ok("%d %B %Y %T %z", "1 September 2025 10:00:00 +0200");
    assert_int_equal(dt.month, 9);
    assert_int_equal(dt.offset_min, 120);
    dt = parse_ok("%Y%m%d", "20260105");
    assert_int_equal(dt.day, 5);
    parse_bad("%d/%b/%y %I:%M %p", "05/Jan/26 13:14 PM");
    parse_bad("%d/%b/%y", "05/Jab/26");
    parse_bad("%m/%d/%Y", "02/30/2026");
    parse_bad("%m/%d/%Y", "12/31/1999 ");

    assert_int_equal(vouch_datetime_pattern_check("%d/%b/%y %I:%M %p", &why), 0);
    assert_int_equal(vouch_datetime_pattern_check("%d/%m", &why), -1);
    assert_int_equal(vouch_datetime_pattern_check("%d/%m/%Y %I", &why), -1);
    assert_int_equal(vouch_datetime_pattern_check("%d/%m/%Y %H %I %p", &why), -1);
    assert_int_equal(vouch_datetime_pattern_check("%d/%m/%Y %Q", &why), -1);
    assert_int_equal(vouch_datetime_pattern_check("%d/%m/%Y %", &why), -1);
    assert_true(vouch_datetime_pattern_has_offset("%Y-%m-%d %z"));
    assert_false(vouch_datetime_pattern_has_offset("%Y-%m-%d %%z"));
}

static void test_zones(void **state)
{
    (void)state;
    assert_true(vouch_zone_exists("Europe/Paris"));
    assert_true(vouch_zone_exists("UTC"));
    assert_true(vouch_zone_exists("America/New_York"));
    assert_false(vouch_zone_exists("Europe/Pariss"));
    assert_false(vouch_zone_exists("Europe"));            /* a directory */
    assert_false(vouch_zone_exists("../zoneinfo/UTC"));
    assert_false(vouch_zone_exists("/usr/share/zoneinfo/UTC"));
    assert_false(vouch_zone_exists(""));
    assert_false(vouch_zone_exists("CET-1CEST"));         /* a POSIX rule, not a name */
}

static void test_local_day(void **state)
{
    (void)state;
    setenv("TZ", "Asia/Tokyo", 1);
    /* midnight UTC is still the day before in New York, the same day in Paris */
    assert_string_equal(day_in(NULL, "2026-01-05T00:00:00Z", "Europe/Paris"), "2026-01-05");
    assert_string_equal(day_in(NULL, "2026-01-05T00:00:00Z", "America/New_York"), "2026-01-04");
    assert_string_equal(day_in(NULL, "2026-01-05T23:30:00Z", "Europe/Paris"), "2026-01-06");
    /* summer time: 22:30Z is 00:30 the next day in Paris (UTC+2), not in winter */
    assert_string_equal(day_in(NULL, "2026-07-01T22:30:00Z", "Europe/Paris"), "2026-07-02");
    assert_string_equal(day_in(NULL, "2026-01-01T22:30:00Z", "Europe/Paris"), "2026-01-01");
    /* an offset other than the zone's */
    assert_string_equal(day_in(NULL, "2026-01-05T01:00:00+05:00", "UTC"), "2026-01-04");
    /* no offset: local to the zone already, the date as written */
    assert_string_equal(day_in(NULL, "2026-01-05T23:59:00", "Pacific/Kiritimati"), "2026-01-05");
    assert_string_equal(day_in("%d/%b/%y %I:%M %p", "05/Jan/26 11:59 PM", "UTC"), "2026-01-05");
    assert_string_equal(day_in(NULL, "2026-01-05", NULL), "2026-01-05");
    /* an instant needs a zone, one that exists */
    assert_string_equal(day_in(NULL, "2026-01-05T00:00:00Z", NULL), "error");
    assert_string_equal(day_in(NULL, "2026-01-05T00:00:00Z", "Mars/Olympus"), "error");
    /* the caller's TZ is back */
    assert_string_equal(getenv("TZ"), "Asia/Tokyo");
    unsetenv("TZ");
    assert_string_equal(day_in(NULL, "2026-01-05T00:00:00Z", "America/New_York"), "2026-01-04");
    assert_null(getenv("TZ"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_iso),
        cmocka_unit_test(test_patterns),
        cmocka_unit_test(test_zones),
        cmocka_unit_test(test_local_day),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
