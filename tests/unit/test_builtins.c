/*
 * test_builtins.c: every builtin of runtime/program/builtins.def called directly,
 * with its edge cases (none where the signature allows it, empty texts,
 * leap years, month clamping, dates out of range) and the metadata the
 * compiler and the verifier read (names, signatures, arity, '?').
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "builtins.h"
#include "date.h"

/* A scratch allocator that keeps every block so the test can free them. */
typedef struct scratch_log {
    void *blocks[64];
    int n;
    int fail;                /* 1: the next allocation fails */
} scratch_log;

static void *log_alloc(void *ctx, size_t n)
{
    scratch_log *l = ctx;
    if (l->fail || l->n == 64)
        return NULL;
    return l->blocks[l->n++] = malloc(n);
}

static scratch_log slog;
static vouch_scratch scratch = {log_alloc, &slog};
static char err[256];

static int teardown(void **state)
{
    (void)state;
    for (int i = 0; i < slog.n; i++)
        free(slog.blocks[i]);
    memset(&slog, 0, sizeof slog);
    return 0;
}

static vouch_value T(const char *s) { return vouch_text(s, strlen(s)); }

static int64_t D(int y, int m, int d)
{
    assert_true(date_valid(y, m, d));
    return date_from_civil(y, m, d);
}

static vouch_value call1(uint32_t id, vouch_value a)
{
    vouch_value out = vouch_none();
    err[0] = 0;
    assert_int_equal(vouch_builtin_call(id, &a, 1, &scratch, &out, err, sizeof err), 0);
    return out;
}

static vouch_value call2(uint32_t id, vouch_value a, vouch_value b)
{
    vouch_value args[2] = {a, b}, out = vouch_none();
    err[0] = 0;
    assert_int_equal(vouch_builtin_call(id, args, 2, &scratch, &out, err, sizeof err), 0);
    return out;
}

static void assert_text(vouch_value v, const char *want)
{
    assert_int_equal(v.type, VT_TEXT);
    assert_int_equal(v.len, strlen(want));
    assert_memory_equal(v.u.s, want, v.len);
}

static void assert_bool(vouch_value v, int want)
{
    assert_int_equal(v.type, VT_BOOL);
    assert_int_equal(v.u.i, want);
}

static void assert_int(vouch_value v, int64_t want)
{
    assert_int_equal(v.type, VT_INT);
    assert_int_equal(v.u.i, want);
}

static void assert_date(vouch_value v, int y, int m, int d)
{
    assert_int_equal(v.type, VT_DATE);
    assert_int_equal(v.u.i, D(y, m, d));
}

static void test_metadata(void **state)
{
    (void)state;
    assert_int_equal(BI__COUNT, 28);
    assert_string_equal(vouch_builtin_name(BI_half_name), "half_name");
    assert_string_equal(vouch_builtin_name(BI_blank), "blank");
    assert_string_equal(vouch_builtin_name(BI_coalesce), "coalesce");
    assert_string_equal(vouch_builtin_signature(BI_add_months), "d:di");
    assert_non_null(vouch_builtin_doc(BI_trim));
    assert_null(vouch_builtin_name(BI__COUNT));
    assert_null(vouch_builtin_signature(999));
    assert_int_equal(vouch_builtin_arity(BI_blank), 1);
    assert_int_equal(vouch_builtin_arity(BI_contains), 2);
    assert_int_equal(vouch_builtin_arity(BI_coalesce), 2);
    assert_int_equal(vouch_builtin_arity(BI__COUNT), -1);
    assert_true(vouch_builtin_takes_none(BI_blank, 0));
    assert_true(vouch_builtin_takes_none(BI_present, 0));
    assert_true(vouch_builtin_takes_none(BI_coalesce, 0));
    assert_false(vouch_builtin_takes_none(BI_coalesce, 1));
    assert_false(vouch_builtin_takes_none(BI_trim, 0));
    assert_false(vouch_builtin_takes_none(BI_blank, 1));
    assert_false(vouch_builtin_takes_none(BI__COUNT, 0));
    /* Every builtin's name and arity agree with its signature. */
    for (uint32_t i = 0; i < BI__COUNT; i++) {
        const char *sig = vouch_builtin_signature(i);
        assert_non_null(sig);
        assert_non_null(strchr(sig, ':'));
        int n = 0;
        for (const char *s = strchr(sig, ':') + 1; *s; s++)
            n += *s != '?';
        assert_int_equal(vouch_builtin_arity(i), n);
    }
}

static void test_blank_present(void **state)
{
    (void)state;
    assert_bool(call1(BI_blank, vouch_none()), 1);
    assert_bool(call1(BI_blank, T("")), 1);
    assert_bool(call1(BI_blank, T(" \t\r\n ")), 1);
    assert_bool(call1(BI_blank, T("  x ")), 0);
    assert_bool(call1(BI_blank, T("\v")), 0); /* only space, tab, CR, LF count */
    assert_bool(call1(BI_present, vouch_none()), 0);
    assert_bool(call1(BI_present, T("")), 0);
    assert_bool(call1(BI_present, T("\n")), 0);
    assert_bool(call1(BI_present, T("ok")), 1);
}

static void test_text(void **state)
{
    (void)state;
    assert_text(call1(BI_trim, T("  a b \t\r\n")), "a b");
    assert_text(call1(BI_trim, T(" \t ")), "");
    assert_text(call1(BI_trim, T("")), "");
    assert_text(call1(BI_trim, T("x")), "x");
    assert_text(call1(BI_lower, T("ISO 27001 A.5.15 \xc3\x89")), "iso 27001 a.5.15 \xc3\x89");
    assert_text(call1(BI_upper, T("soc2 cc6.1 z@[`{")), "SOC2 CC6.1 Z@[`{");
    assert_text(call1(BI_upper, T("")), "");
    assert_int(call1(BI_length, T("")), 0);
    assert_int(call1(BI_length, T("h\xc3\xa9")), 3); /* bytes, not characters */

    assert_bool(call2(BI_contains, T("access_review"), T("ss_r")), 1);
    assert_bool(call2(BI_contains, T("access_review"), T("")), 1);
    assert_bool(call2(BI_contains, T("access"), T("accessx")), 0);
    assert_bool(call2(BI_contains, T("aaab"), T("aab")), 1);
    assert_bool(call2(BI_contains, T("abc"), T("C")), 0);
    assert_bool(call2(BI_starts_with, T("A.5.15"), T("A.5")), 1);
    assert_bool(call2(BI_starts_with, T("A.5.15"), T("5")), 0);
    assert_bool(call2(BI_starts_with, T("A"), T("AB")), 0);
    assert_bool(call2(BI_starts_with, T(""), T("")), 1);
    assert_bool(call2(BI_ends_with, T("A.5.15"), T(".15")), 1);
    assert_bool(call2(BI_ends_with, T("A.5.15"), T("A.5")), 0);
    assert_bool(call2(BI_ends_with, T("5"), T("15")), 0);
    assert_bool(call2(BI_ends_with, T("x"), T("")), 1);

    assert_text(call2(BI_coalesce, T("a"), T("b")), "a");
    assert_text(call2(BI_coalesce, vouch_none(), T("b")), "b");
    assert_text(call2(BI_coalesce, T(""), T("b")), ""); /* present means not none */
}

static void test_numbers(void **state)
{
    (void)state;
    assert_int(call1(BI_days, vouch_dur(92)), 92);
    assert_int(call1(BI_days, vouch_dur(-3)), -3);
    vouch_value d = call1(BI_duration, vouch_int(365));
    assert_int_equal(d.type, VT_DUR);
    assert_int_equal(d.u.i, 365);
}

static void test_calendar(void **state)
{
    (void)state;
    vouch_value d = vouch_date(D(2024, 2, 29));
    assert_int(call1(BI_year, d), 2024);
    assert_int(call1(BI_month, d), 2);
    assert_int(call1(BI_day, d), 29);
    assert_int(call1(BI_quarter, d), 1);
    assert_int(call1(BI_quarter, vouch_date(D(2026, 4, 1))), 2);
    assert_int(call1(BI_quarter, vouch_date(D(2026, 9, 30))), 3);
    assert_int(call1(BI_quarter, vouch_date(D(2026, 12, 31))), 4);
    assert_int(call1(BI_year, vouch_date(D(1, 1, 1))), 1);
    assert_int(call1(BI_year, vouch_date(D(9999, 12, 31))), 9999);
    assert_int(call1(BI_year, vouch_date(D(1969, 12, 31))), 1969);

    assert_date(call1(BI_month_start, d), 2024, 2, 1);
    assert_date(call1(BI_month_end, d), 2024, 2, 29);
    assert_date(call1(BI_month_end, vouch_date(D(2026, 2, 10))), 2026, 2, 28);
    assert_date(call1(BI_month_end, vouch_date(D(2100, 2, 1))), 2100, 2, 28);
    assert_date(call1(BI_month_end, vouch_date(D(2000, 2, 1))), 2000, 2, 29);
    assert_date(call1(BI_quarter_start, vouch_date(D(2026, 5, 17))), 2026, 4, 1);
    assert_date(call1(BI_quarter_end, vouch_date(D(2026, 5, 17))), 2026, 6, 30);
    assert_date(call1(BI_quarter_end, vouch_date(D(2026, 11, 1))), 2026, 12, 31);
    /* half-years, the spans of `every 6mo` */
    assert_date(call1(BI_half_start, vouch_date(D(2026, 6, 30))), 2026, 1, 1);
    assert_date(call1(BI_half_start, vouch_date(D(2026, 7, 1))), 2026, 7, 1);
    assert_date(call1(BI_half_end, vouch_date(D(2026, 1, 1))), 2026, 6, 30);
    assert_date(call1(BI_half_end, vouch_date(D(2026, 7, 1))), 2026, 12, 31);
    assert_date(call1(BI_half_end, vouch_date(D(9999, 12, 31))), 9999, 12, 31);
    assert_text(call1(BI_half_name, vouch_date(D(2026, 6, 30))), "2026H1");
    assert_text(call1(BI_half_name, vouch_date(D(2026, 7, 1))), "2026H2");
    assert_date(call1(BI_year_start, vouch_date(D(2026, 5, 17))), 2026, 1, 1);
    assert_date(call1(BI_year_end, vouch_date(D(2026, 5, 17))), 2026, 12, 31);
    assert_date(call1(BI_year_end, vouch_date(D(9999, 1, 1))), 9999, 12, 31);

    assert_text(call1(BI_quarter_name, vouch_date(D(2026, 5, 17))), "2026Q2");
    assert_text(call1(BI_quarter_name, vouch_date(D(33, 12, 1))), "0033Q4");
    assert_text(call1(BI_month_name, vouch_date(D(2026, 5, 17))), "2026-05");
    assert_text(call1(BI_month_name, vouch_date(D(2026, 12, 1))), "2026-12");
}

/* Calendar arithmetic on day numbers (date_move_months, what `d + 6mo`
 * and `d - 1y` run): month ends clamp, leap days, negative spans, and the
 * range of years 1..9999. */
static int64_t moved(int y, int m, int d, int64_t n)
{
    int64_t out = -99;
    assert_int_equal(date_move_months(D(y, m, d), n, &out), 0);
    return out;
}

static void test_move_months(void **state)
{
    (void)state;
    /* the case: today - 6mo from 2026-08-31 */
    assert_int_equal(moved(2026, 8, 31, -6), D(2026, 2, 28));
    /* month ends clamp to the shorter month, both ways */
    assert_int_equal(moved(2026, 1, 31, 1), D(2026, 2, 28));
    assert_int_equal(moved(2026, 3, 31, -1), D(2026, 2, 28));
    assert_int_equal(moved(2026, 5, 31, 1), D(2026, 6, 30));
    assert_int_equal(moved(2026, 10, 31, -1), D(2026, 9, 30));
    assert_int_equal(moved(2026, 6, 30, 1), D(2026, 7, 30)); /* a clamp is not an end-of-month rule */
    /* leap years: Feb 29 exists in 2024 and 2000, not in 2100 or 2025 */
    assert_int_equal(moved(2024, 2, 29, 12), D(2025, 2, 28));
    assert_int_equal(moved(2024, 2, 29, -12), D(2023, 2, 28));
    assert_int_equal(moved(2024, 2, 29, 48), D(2028, 2, 29));
    assert_int_equal(moved(2023, 1, 31, 13), D(2024, 2, 29));
    assert_int_equal(moved(2000, 2, 29, 1200), D(2100, 2, 28));
    assert_int_equal(moved(1999, 11, 30, 3), D(2000, 2, 29));
    /* negative spans cross years */
    assert_int_equal(moved(2026, 1, 15, -1), D(2025, 12, 15));
    assert_int_equal(moved(2026, 1, 15, -25), D(2023, 12, 15));
    assert_int_equal(moved(2026, 1, 15, 0), D(2026, 1, 15));
    /* moving there and back need not return: the clamp loses the day */
    assert_int_equal(moved(2026, 2, 28, 1), D(2026, 3, 28));
    /* the calendar's ends */
    assert_int_equal(moved(9999, 11, 30, 1), D(9999, 12, 30));
    assert_int_equal(moved(1, 2, 28, -1), D(1, 1, 28));
    int64_t out = 7;
    assert_int_equal(date_move_months(D(9999, 12, 1), 1, &out), -1);
    assert_int_equal(date_move_months(D(1, 1, 31), -1, &out), -1);
    assert_int_equal(date_move_months(D(2026, 1, 1), INT64_MAX, &out), -1);
    assert_int_equal(date_move_months(D(2026, 1, 1), INT64_MIN, &out), -1);
    assert_int_equal(date_move_months(D(2026, 1, 1), 120001, &out), -1);
    assert_int_equal(out, 7); /* untouched on failure */
}

static void test_add_months(void **state)
{
    (void)state;
    assert_date(call2(BI_add_months, vouch_date(D(2026, 1, 31)), vouch_int(1)), 2026, 2, 28);
    assert_date(call2(BI_add_months, vouch_date(D(2024, 1, 31)), vouch_int(1)), 2024, 2, 29);
    assert_date(call2(BI_add_months, vouch_date(D(2026, 3, 31)), vouch_int(-1)), 2026, 2, 28);
    assert_date(call2(BI_add_months, vouch_date(D(2026, 5, 15)), vouch_int(0)), 2026, 5, 15);
    assert_date(call2(BI_add_months, vouch_date(D(2026, 11, 30)), vouch_int(3)), 2027, 2, 28);
    assert_date(call2(BI_add_months, vouch_date(D(2026, 1, 1)), vouch_int(-13)), 2024, 12, 1);
    assert_date(call2(BI_add_months, vouch_date(D(9999, 11, 30)), vouch_int(1)), 9999, 12, 30);

    /* Out of range: a runtime error, never a date that cannot print. */
    vouch_value args[2] = {vouch_date(D(9999, 12, 1)), vouch_int(1)}, out;
    assert_int_equal(vouch_builtin_call(BI_add_months, args, 2, &scratch, &out, err, sizeof err),
                     -1);
    assert_non_null(strstr(err, "add_months"));
    args[0] = vouch_date(D(1, 1, 31));
    args[1] = vouch_int(-1);
    assert_int_equal(vouch_builtin_call(BI_add_months, args, 2, &scratch, &out, err, sizeof err),
                     -1);
    args[1] = vouch_int(INT64_MAX);
    assert_int_equal(vouch_builtin_call(BI_add_months, args, 2, &scratch, &out, err, sizeof err),
                     -1);
    args[1] = vouch_int(INT64_MIN);
    assert_int_equal(vouch_builtin_call(BI_add_months, args, 2, &scratch, &out, err, sizeof err),
                     -1);
}

static void test_errors(void **state)
{
    (void)state;
    vouch_value out, a[2] = {vouch_int(1), T("x")};
    /* Unknown builtin, wrong argument count, wrong types. */
    assert_int_equal(vouch_builtin_call(BI__COUNT, a, 1, &scratch, &out, err, sizeof err), -1);
    assert_int_equal(vouch_builtin_call(BI_lower, a, 2, &scratch, &out, err, sizeof err), -1);
    assert_int_equal(vouch_builtin_call(BI_lower, a, 1, &scratch, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "lower"));
    assert_int_equal(vouch_builtin_call(BI_year, a, 1, &scratch, &out, err, sizeof err), -1);
    /* none where the signature has no '?' is the caller's business. */
    vouch_value none = vouch_none();
    assert_int_equal(vouch_builtin_call(BI_trim, &none, 1, &scratch, &out, err, sizeof err), -1);
    /* A date outside the supported range is refused, not misprinted. */
    vouch_value big = vouch_date(INT64_MAX / 2);
    assert_int_equal(vouch_builtin_call(BI_year, &big, 1, &scratch, &out, err, sizeof err), -1);
    /* Out of scratch memory. */
    slog.fail = 1;
    vouch_value t = T("abc");
    assert_int_equal(vouch_builtin_call(BI_upper, &t, 1, &scratch, &out, err, sizeof err), -1);
    assert_non_null(strstr(err, "memory"));
    vouch_value dd = vouch_date(D(2026, 1, 1));
    assert_int_equal(vouch_builtin_call(BI_quarter_name, &dd, 1, &scratch, &out, err, sizeof err),
                     -1);
    /* A NULL err buffer is fine. */
    assert_int_equal(vouch_builtin_call(BI__COUNT, a, 1, &scratch, &out, NULL, 0), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_metadata, teardown),
        cmocka_unit_test_teardown(test_blank_present, teardown),
        cmocka_unit_test_teardown(test_text, teardown),
        cmocka_unit_test_teardown(test_numbers, teardown),
        cmocka_unit_test_teardown(test_calendar, teardown),
        cmocka_unit_test(test_move_months),
        cmocka_unit_test_teardown(test_add_months, teardown),
        cmocka_unit_test_teardown(test_errors, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
