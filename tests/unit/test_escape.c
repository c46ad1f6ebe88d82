/*
 * test_escape.c: runtime/base/escape.c, the escaping every writer uses. Each
 * writer gets the same hostile values (docs/robustness.md, "Output
 * escaping"): a tab, a newline that forges a line, ESC sequences, a C1
 * control, invalid UTF-8, a spreadsheet formula, a right-to-left override.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "escape.h"

static char *capture(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    fn(f, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static size_t md_cap;
static void md(FILE *f, const char *s) { vouch_md_text(f, s, md_cap); }
static void xml(FILE *f, const char *s) { vouch_xml_text(f, s, 0); }

#define CHECK(fn, in, want)                                                                        \
    do {                                                                                           \
        char *got_ = capture(fn, in);                                                              \
        assert_string_equal(got_, want);                                                           \
        free(got_);                                                                                \
    } while (0)

/* The hostile values, the same for every writer. */
#define TAB "a\tb"
#define FORGED "x\n  FAIL forged: injected"
#define CLEAR "\x1b[2Jclear"
#define C1 "c1\xc2\x9b" "31m"
#define BAD "bad\xff\xfe" "end"
#define FORMULA "=cmd|' /C calc'!A0"
#define RLO "file\xe2\x80\xae" "txt.exe"
#define LRI "iso\xe2\x81\xa6" "x\xe2\x81\xa9"

static void test_utf8_len(void **state)
{
    (void)state;
    assert_int_equal(vouch_utf8_len((const unsigned char *)"a"), 1);
    assert_int_equal(vouch_utf8_len((const unsigned char *)"\xc3\xa9"), 2);
    assert_int_equal(vouch_utf8_len((const unsigned char *)"\xe2\x80\xae"), 3);
    assert_int_equal(vouch_utf8_len((const unsigned char *)"\xf0\x9f\x98\x80"), 4);
    assert_int_equal(vouch_utf8_len((const unsigned char *)"\xff"), 0);
    assert_int_equal(vouch_utf8_len((const unsigned char *)"\xc0\x80"), 0);     /* overlong NUL */
    assert_int_equal(vouch_utf8_len((const unsigned char *)"\xed\xa0\x80"), 0); /* surrogate */
    assert_int_equal(vouch_utf8_len((const unsigned char *)"\xc3"), 0);         /* cut short */
    assert_int_equal(vouch_utf8_hidden((const unsigned char *)"\xe2\x80\xae", 3), 1);
    assert_int_equal(vouch_utf8_hidden((const unsigned char *)"\xe2\x80\x8f", 3), 1);
    assert_int_equal(vouch_utf8_hidden((const unsigned char *)"\xe2\x81\xa9", 3), 1);
    assert_int_equal(vouch_utf8_hidden((const unsigned char *)"\xc2\x85", 2), 1);
    assert_int_equal(vouch_utf8_hidden((const unsigned char *)"\xe2\x80\x94", 3), 0); /* em dash */
    assert_int_equal(vouch_utf8_hidden((const unsigned char *)"\xc3\xa9", 2), 0);
}

static void test_text(void **state)
{
    (void)state;
    CHECK(vouch_text_chars, TAB, "a\\tb");
    CHECK(vouch_text_chars, FORGED, "x\\n  FAIL forged: injected");
    CHECK(vouch_text_chars, CLEAR, "\\x1b[2Jclear");
    CHECK(vouch_text_chars, C1, "c1\\u009B31m");
    CHECK(vouch_text_chars, BAD, "bad\\xff\\xfeend");
    CHECK(vouch_text_chars, FORMULA, FORMULA);
    CHECK(vouch_text_chars, RLO, "file\\u202Etxt.exe");
    CHECK(vouch_text_chars, LRI, "iso\\u2066x\\u2069");
    CHECK(vouch_text_chars, "caf\xc3\xa9 C:\\dir", "caf\xc3\xa9 C:\\dir");
    CHECK(vouch_text_chars, NULL, "");

    /* into a buffer: the same, cut on a whole escape, and idempotent */
    char buf[64];
    assert_int_equal(vouch_text_escape(buf, sizeof buf, CLEAR "\n"), 14);
    assert_string_equal(buf, "\\x1b[2Jclear\\n");
    assert_int_equal(vouch_text_escape(buf, 3, "\x1b"), 0); /* \x1b does not fit in 2 */
    assert_string_equal(buf, "");
    snprintf(buf, sizeof buf, "v=%s", RLO);
    vouch_text_escape_inplace(buf, sizeof buf);
    assert_string_equal(buf, "v=file\\u202Etxt.exe");
    vouch_text_escape_inplace(buf, sizeof buf);
    assert_string_equal(buf, "v=file\\u202Etxt.exe");
}

static void test_tsv(void **state)
{
    (void)state;
    CHECK(vouch_tsv_chars, TAB, "a\\tb");
    CHECK(vouch_tsv_chars, FORGED, "x\\n  FAIL forged: injected");
    CHECK(vouch_tsv_chars, "cr\rback\\slash", "cr\\rback\\\\slash");
    CHECK(vouch_tsv_chars, CLEAR, "\\x1b[2Jclear");
    CHECK(vouch_tsv_chars, BAD, "bad\\xff\\xfeend");
    CHECK(vouch_tsv_chars, C1, "c1\\u009B31m");
    CHECK(vouch_tsv_chars, RLO, RLO); /* data: unescaping gives the value back */
    CHECK(vouch_tsv_chars, "caf\xc3\xa9", "caf\xc3\xa9");
}

static void test_json(void **state)
{
    (void)state;
    CHECK(vouch_json_text, TAB, "\"a\\tb\"");
    CHECK(vouch_json_text, FORGED, "\"x\\n  FAIL forged: injected\"");
    CHECK(vouch_json_text, CLEAR, "\"\\u001b[2Jclear\"");
    CHECK(vouch_json_text, C1, "\"c1\\u009b31m\"");
    CHECK(vouch_json_text, BAD, "\"bad\\ufffd\\ufffdend\"");
    CHECK(vouch_json_text, RLO, "\"file\\u202etxt.exe\"");
    CHECK(vouch_json_text, "q\"b\\\x7f", "\"q\\\"b\\\\\\u007f\"");
    CHECK(vouch_json_text, NULL, "\"\"");
    CHECK(vouch_json_chars, "caf\xc3\xa9", "caf\xc3\xa9");
}

static void test_xml(void **state)
{
    (void)state;
    CHECK(xml, "<script>alert(\"x\" + 'y')</script> & \x01\x7f\ttab",
          "&lt;script&gt;alert(&quot;x&quot; + &#39;y&#39;)&lt;/script&gt; &amp; "
          "\xEF\xBF\xBD\xEF\xBF\xBD&#9;tab");
    CHECK(xml, FORGED, "x&#10;  FAIL forged: injected");
    CHECK(xml, CLEAR, "\xEF\xBF\xBD[2Jclear");
    CHECK(xml, C1, "c1\xEF\xBF\xBD" "31m");
    CHECK(xml, BAD, "bad\xEF\xBF\xBD\xEF\xBF\xBD" "end");
    CHECK(xml, RLO, "file\\u202Etxt.exe");
    CHECK(xml, "caf\xC3\xA9", "caf\xC3\xA9");
    char *got = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&got, &n);
    vouch_xml_text(f, "abcdef", 3);
    fclose(f);
    assert_string_equal(got, "abc\xe2\x80\xa6");
    free(got);
}

static void test_markdown(void **state)
{
    (void)state;
    md_cap = 0;
    CHECK(md, "a|b\\c *x* `y` [z] ~~s~~ <i>&</i>\nnext\tcol",
          "a\\|b\\\\c \\*x\\* \\`y\\` \\[z\\] \\~\\~s\\~\\~ &lt;i&gt;&amp;&lt;/i&gt; next col");
    CHECK(md, "rule_id _lead trail_ snake_case_", "rule_id \\_lead trail\\_ snake_case\\_");
    CHECK(md, FORGED, "x   FAIL forged: injected");
    CHECK(md, CLEAR, " \\[2Jclear");
    CHECK(md, BAD, "bad\xEF\xBF\xBD\xEF\xBF\xBD" "end");
    CHECK(md, RLO, "file\\u202Etxt.exe");
    CHECK(md, "# head !img", "\\# head \\!img");
    md_cap = 4;
    CHECK(md, "abcdef", "abcd\xe2\x80\xa6");
    md_cap = 0;
}

static void test_csv(void **state)
{
    (void)state;
    static const struct { const char *in, *out; } cases[] = {
        {"plain", "plain"},
        {"", ""},
        {"a,b", "\"a,b\""},
        {"say \"hi\"", "\"say \"\"hi\"\"\""},
        {"two\nlines", "\"two\nlines\""},
        {"cr\rhere", "\"cr\rhere\""},
        {"\"", "\"\"\"\""},
        {" spaced ", " spaced "},
        {"<script>", "<script>"},
        /* formulas: a quote first, inside the field's quotes if it has some */
        {"=1+1", "'=1+1"},
        {"+1", "'+1"},
        {"-2+3", "'-2+3"},
        {"@SUM(A1)", "'@SUM(A1)"},
        {"\tx", "'\tx"},
        {"\rx", "\"'\rx\""},
        {FORMULA, "'" FORMULA},
        {"=HYPERLINK(\"http://x\",\"y\")", "\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\""},
        {"a=b", "a=b"},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        CHECK(vouch_csv_cell, cases[i].in, cases[i].out);
    CHECK(vouch_csv_cell, NULL, "");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_utf8_len), cmocka_unit_test(test_text), cmocka_unit_test(test_tsv),
        cmocka_unit_test(test_json),     cmocka_unit_test(test_xml),  cmocka_unit_test(test_markdown),
        cmocka_unit_test(test_csv),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
