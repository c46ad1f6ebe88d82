/*
 * test_semver.c: compiler/semver.c, pack versions and the ranges an import
 * pins: what parses, semver's order (prereleases before their release,
 * numeric identifiers below alphanumeric ones), and each comparator form
 * at its edges.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "semver.h"

static int parses(const char *s)
{
    semver v;
    const char *why = NULL;
    int r = semver_parse(s, strlen(s), &v, &why);
    if (r != 0)
        assert_non_null(why);
    return r == 0;
}

static semver ver(const char *s)
{
    semver v;
    const char *why;
    assert_int_equal(semver_parse(s, strlen(s), &v, &why), 0);
    return v;
}

static int fits(const char *range, const char *version)
{
    semver v = ver(version);
    const char *why = NULL;
    return semver_satisfies(range, strlen(range), &v, &why);
}

static int cmp(const char *a, const char *b)
{
    semver x = ver(a), y = ver(b);
    int c = semver_compare(&x, &y);
    return c < 0 ? -1 : c > 0;
}

static void test_parse(void **state)
{
    (void)state;
    assert_true(parses("1.0.0"));
    assert_true(parses("0.0.1"));
    assert_true(parses("1"));            /* 1.0.0: the packs of the tests write "1" */
    assert_true(parses("1.2"));
    assert_true(parses("2.0.0-rc.1+build.5"));
    assert_true(parses("1.0.0+20261121"));
    assert_false(parses("banana"));
    assert_false(parses(""));
    assert_false(parses("1.02.0"));      /* a leading zero */
    assert_false(parses("1.2.3.4"));
    assert_false(parses("1.2.3-"));
    assert_false(parses("1.2.3+"));
    assert_false(parses("v1.2.3"));
    assert_false(parses("1.2.x"));
    assert_false(parses("1234567890.0.0")); /* too many digits to hold */
    semver v = ver("3.4");
    assert_int_equal(v.major, 3);
    assert_int_equal(v.minor, 4);
    assert_int_equal(v.patch, 0);
    assert_int_equal(v.parts, 2);
}

static void test_order(void **state)
{
    (void)state;
    assert_int_equal(cmp("1.0.0", "1.0.0"), 0);
    assert_int_equal(cmp("1", "1.0.0"), 0);
    assert_int_equal(cmp("1.0.0", "1.0.1"), -1);
    assert_int_equal(cmp("1.10.0", "1.9.0"), 1);
    assert_int_equal(cmp("1.0.0-alpha", "1.0.0"), -1);
    assert_int_equal(cmp("1.0.0-alpha", "1.0.0-alpha.1"), -1);
    assert_int_equal(cmp("1.0.0-alpha.1", "1.0.0-alpha.beta"), -1); /* numeric below alphanumeric */
    assert_int_equal(cmp("1.0.0-beta.2", "1.0.0-beta.11"), -1);     /* numerically */
    assert_int_equal(cmp("1.0.0-rc.1", "1.0.0-beta.11"), 1);
    assert_int_equal(cmp("1.0.0+a", "1.0.0+b"), 0);                 /* build metadata ignored */
}

static void test_ranges(void **state)
{
    (void)state;
    assert_int_equal(fits("^1.2", "1.2.0"), 1);
    assert_int_equal(fits("^1.2", "1.9.9"), 1);
    assert_int_equal(fits("^1.2", "2.0.0"), 0);
    assert_int_equal(fits("^1.2", "1.1.9"), 0);
    assert_int_equal(fits("^0.2.3", "0.2.9"), 1);
    assert_int_equal(fits("^0.2.3", "0.3.0"), 0);
    assert_int_equal(fits("^0.0.3", "0.0.4"), 0);
    assert_int_equal(fits("~1.2.3", "1.2.9"), 1);
    assert_int_equal(fits("~1.2.3", "1.3.0"), 0);
    assert_int_equal(fits("~1", "1.9.0"), 1);
    assert_int_equal(fits("1.2.3", "1.2.3"), 1);
    assert_int_equal(fits("=1.2.3", "1.2.4"), 0);
    assert_int_equal(fits("1.2", "1.2.7"), 1);       /* a partial version is an x-range */
    assert_int_equal(fits("1.2", "1.3.0"), 0);
    assert_int_equal(fits(">=1.0, <2", "1.5.0"), 1);
    assert_int_equal(fits(">=1.0 <2", "2.0.0"), 0);
    assert_int_equal(fits(">1.0.0", "1.0.0"), 0);
    assert_int_equal(fits("<=1.0.0", "1.0.0"), 1);
    assert_int_equal(fits("*", "7.0.0"), 1);
    assert_int_equal(fits("<2.0.0", "2.0.0-rc.1"), 1);  /* a prerelease orders before its release */
    const char *why = NULL;
    semver v = ver("1.0.0");
    assert_int_equal(semver_satisfies("", 0, &v, &why), -1);
    assert_non_null(why);
    assert_int_equal(semver_satisfies("=>1.0", 5, &v, &why), -1);
    assert_int_equal(semver_satisfies("^banana", 7, &v, &why), -1);
    assert_int_equal(semver_satisfies(" , ", 3, &v, &why), -1);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_parse),
        cmocka_unit_test(test_order),
        cmocka_unit_test(test_ranges),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
