/*
 * test_closest.c: runtime/base/closest.c, the one "did you mean" of the
 * compiler (diag_closest), the loader (table and column names) and the
 * command line: the distance, the limit, case folding, names inside
 * structs (a stride), and what is never offered.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "closest.h"

static const char *pick(const char *word, const char *const *names, size_t n, unsigned flags)
{
    return vouch_closest(word, strlen(word), names, sizeof *names, n, flags);
}

static void test_distance_and_limit(void **state)
{
    (void)state;
    const char *names[] = {"control", "soa", "evidence", "owner", NULL, "collected_on"};
    size_t n = sizeof names / sizeof names[0];
    assert_string_equal(pick("contrl", names, n, 0), "control");       /* a deletion */
    assert_string_equal(pick("sao", names, n, 0), "soa");              /* a swap is one edit */
    assert_string_equal(pick("evidnce", names, n, 0), "evidence");
    assert_string_equal(pick("colected_no", names, n, 0), "collected_on"); /* two edits, 11 bytes */
    assert_null(pick("xyz", names, n, 0));                             /* too far */
    assert_null(pick("ow", names, n, 0));                              /* limit 1, 3 edits */
    assert_null(pick("", names, n, 0));
    /* the first of equals */
    const char *ties[] = {"cat", "bat"};
    assert_string_equal(pick("hat", ties, 2, 0), "cat");
}

static void test_fold(void **state)
{
    (void)state;
    const char *names[] = {"asset", "risk"};
    /* case counts as an edit unless folded */
    assert_null(pick("ASSET", names, 2, 0));
    assert_string_equal(pick("ASSET", names, 2, VOUCH_CLOSEST_FOLD), "asset");
    assert_string_equal(pick("Assets", names, 2, VOUCH_CLOSEST_FOLD), "asset");
}

static void test_stride(void **state)
{
    (void)state;
    struct col { int pad; const char *name; double more; } cols[] = {
        {1, "owner", 0}, {2, "classification", 0}, {3, "retired_on", 0}};
    const char *r = vouch_closest("clasification", 13, &cols[0].name, sizeof cols[0], 3, 0);
    assert_ptr_equal(r, cols[1].name);
    assert_null(vouch_closest("zzz", 3, &cols[0].name, sizeof cols[0], 3, 0));
}

static void test_never(void **state)
{
    (void)state;
    char longname[80];
    memset(longname, 'a', sizeof longname - 1);
    longname[sizeof longname - 1] = 0;
    const char *names[] = {longname};
    assert_null(pick(longname, names, 1, 0));      /* 64 bytes or more: never */
    assert_null(vouch_closest("a", 1, NULL, sizeof(char *), 0, 0));
    assert_null(vouch_closest(NULL, 0, names, sizeof(char *), 1, 0));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_distance_and_limit), cmocka_unit_test(test_fold),
        cmocka_unit_test(test_stride), cmocka_unit_test(test_never),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
