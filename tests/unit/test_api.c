/*
 * test_api.c: the public interface (include/vouch.h), through that header
 * alone: the version, options refused with a reason (bad dates, a half
 * period, a period past the as-of, limits above the most, options set too
 * late), steps out of order, compile errors as diagnostics with file, line
 * and column, a pack given as text, a whole run (CSV facts loaded, a
 * store opened, run, waivers) whose outcome records and rule totals match
 * the facts, what fails the run changing with the fail-on severity, and
 * the reports (to a stream, to a file, an unknown format). Runs in the
 * release and the asan variants (tests/install.sh checks the installed
 * library itself).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include "scratch.h"

#include <vouch.h>

static vouch_error err;

/* Two people without a role (one waived), one with; a hard rule. */
static const char PACK[] = "pack \"api\" version \"1\"\nimport \"isms\"\n"
                           "rule has_role \"Every person has a role\"\n"
                           "  severity low\n"
                           "{\n"
                           "  for p in person\n"
                           "  require p.role != \"none\"\n"
                           "  subject \"{p.id}\"\n"
                           "  else \"{p.id} has no role\"\n"
                           "}\n"
                           "waive has_role for \"P3\" until 2026-12-31 because \"starts in December\" approved_by \"P1\"\n";

static int setup(void **state)
{
    (void)state;
    scratch_make("api");
    write_text(tpath("api.vouch"), PACK);
    write_text(tpath("person.csv"), "id,name,role\nP1,Maren Okafor,CISO\nP2,Ada Lind,none\nP3,Ola Berg,none\n");
    write_text(tpath("bad.csv"), "id,name,role\nP1,Maren Okafor\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"api.vouch", "person.csv", "bad.csv", "f.db", "f.db-wal", "f.db-shm",
                                        "g.db", "report.json"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        remove(tpath(files[i]));
    rmdir(tmpdir);
    return 0;
}

static void test_version_and_names(void **state)
{
    (void)state;
    /* the library's version is the header's (and the reports' engine version) */
    assert_string_equal(vouch_version(), VOUCH_VERSION_STRING);
    assert_string_equal(vouch_status_name(VOUCH_EINPUT), "input");
    assert_string_equal(vouch_status_name((vouch_status)99), "unknown");
    assert_string_equal(vouch_outcome_kind_name(VOUCH_OUTCOME_NOT_APPLICABLE), "not_applicable");
    assert_string_equal(vouch_severity_level_name(VOUCH_SEVERITY_CRITICAL), "critical");
    assert_string_equal(vouch_enforcement_level_name(VOUCH_ENFORCEMENT_HARD), "hard");
    vouch_close(NULL);
}

static void test_options_refused(void **state)
{
    (void)state;
    vouch *v = vouch_new(&err);
    assert_non_null(v);
    assert_int_equal(vouch_set_as_of(v, "2026-13-01", &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "`2026-13-01` is not a date"));
    assert_int_equal(vouch_set_period(v, "2026-01-01", NULL, 0, &err), VOUCH_EINPUT);
    assert_int_equal(vouch_set_period(v, "2026-03-01", "2026-01-01", 0, &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "ends before it starts"));
    assert_int_equal(vouch_set_threads(v, 2, &err), VOUCH_EINPUT);
    assert_int_equal(vouch_set_limit(v, VOUCH_LIMIT_STEPS, UINT64_MAX, &err), VOUCH_EINPUT);
    assert_int_equal(vouch_set_limit(v, (vouch_limit)9, 1, &err), VOUCH_EINPUT);
    assert_int_equal(vouch_set_fail_on(v, (vouch_severity_level)7, &err), VOUCH_EINPUT);
    /* a period past the as-of: refused when the packs are compiled */
    assert_int_equal(vouch_set_as_of(v, "2026-05-10", &err), VOUCH_OK);
    assert_int_equal(vouch_set_period(v, "2026-01-01", "2026-12-31", 0, &err), VOUCH_OK);
    assert_int_equal(vouch_compile_files(v, NULL, 0, &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "ends after the as-of date 2026-05-10"));
    vouch_close(v);

    /* set after compiling: refused, not ignored */
    v = vouch_new(&err);
    assert_non_null(v);
    assert_int_equal(vouch_compile_files(v, NULL, 0, &err), VOUCH_OK);
    assert_int_equal(vouch_set_as_of(v, "2026-05-10", &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "before the packs are compiled"));
    assert_int_equal(vouch_set_search_path(v, "x", &err), VOUCH_EINPUT);
    /* what fails the run may change at any time */
    assert_int_equal(vouch_set_allow_soft(v, 1, &err), VOUCH_OK);
    vouch_close(v);
}

static void test_out_of_order(void **state)
{
    (void)state;
    vouch *v = vouch_new(&err);
    assert_non_null(v);
    assert_int_equal(vouch_open_store(v, tpath("f.db"), &err), VOUCH_EINPUT);
    assert_int_equal(vouch_run(v, &err), VOUCH_EINPUT);
    assert_int_equal(vouch_load_csv(v, tpath("f.db"), NULL, 0, 0, &err), VOUCH_EINPUT);
    assert_int_equal(vouch_write_report(v, "json", stdout, &err), VOUCH_EINPUT);
    assert_int_equal(vouch_outcome_count(v), 0);
    assert_null(vouch_outcome_at(v, 0));
    const char *missing[] = {tpath("missing.vouch")};
    assert_int_equal(vouch_compile_files(v, missing, 1, &err), VOUCH_EIO);
    assert_non_null(strstr(err.msg, "missing.vouch"));
    assert_int_equal(vouch_compile_files(v, missing, 1, &err), VOUCH_EINPUT); /* compiled (or tried) once */
    vouch_close(v);
}

typedef struct seen {
    int n;
    vouch_diagnostic first;
    char file[64], message[256], text[512];
} seen;

static void collect(void *ctx, const vouch_diagnostic *d)
{
    seen *s = ctx;
    if (s->n++ == 0) {
        s->first = *d;
        snprintf(s->file, sizeof s->file, "%s", d->file ? d->file : "");
        snprintf(s->message, sizeof s->message, "%s", d->message);
        snprintf(s->text, sizeof s->text, "%s", d->text);
    }
}

static void test_diagnostics(void **state)
{
    (void)state;
    static const char bad[] = "pack \"bad\" version \"1\"\nimport \"isms\"\n"
                              "rule r \"R\"\n  severity low\n{\n  for e in evidense\n  require e.id > 0\n"
                              "  subject \"{e.id}\"\n  else \"no\"\n}\n";
    seen s;
    memset(&s, 0, sizeof s);
    vouch *v = vouch_new(&err);
    assert_non_null(v);
    assert_int_equal(vouch_set_diagnostics(v, collect, &s, &err), VOUCH_OK);
    /* no NUL at the end: the length says where the text stops */
    char *text = malloc(sizeof bad);
    assert_non_null(text);
    memcpy(text, bad, sizeof bad - 1);
    text[sizeof bad - 1] = 'x';
    assert_int_equal(vouch_compile_source(v, "bad.vouch", text, sizeof bad - 1, &err), VOUCH_EINPUT);
    free(text);
    assert_true(vouch_compile_errors(v) >= 1);
    assert_true(s.n >= 1);
    assert_int_equal(s.first.severity, VOUCH_DIAGNOSTIC_ERROR);
    assert_string_equal(s.file, "bad.vouch");
    assert_int_equal(s.first.line, 6);
    assert_int_equal(s.first.column, 12);
    assert_non_null(strstr(s.message, "evidense"));
    assert_int_equal(strncmp(s.text, "bad.vouch:6:12: error: ", 23), 0);
    vouch_close(v);
}

static void test_whole_run(void **state)
{
    (void)state;
    vouch *v = vouch_new(&err);
    assert_non_null(v);
    assert_int_equal(vouch_set_as_of(v, "2026-11-21", &err), VOUCH_OK);
    assert_int_equal(vouch_set_threads(v, 1, &err), VOUCH_OK);
    const char *packs[] = {tpath("api.vouch")};
    assert_int_equal(vouch_compile_files(v, packs, 1, &err), VOUCH_OK);
    assert_int_equal(vouch_compile_errors(v), 0);
    /* a bad cell: nothing written, the cell named */
    const char *bad[] = {tpath("bad.csv")};
    assert_int_equal(vouch_load_csv(v, tpath("g.db"), bad, 1, 0, &err), VOUCH_EINPUT);
    assert_int_equal(access(tpath("g.db"), F_OK), -1);
    const char *csv[] = {tpath("person.csv")};
    assert_int_equal(vouch_load_csv(v, tpath("f.db"), csv, 1, 0, &err), VOUCH_OK);
    assert_int_equal(vouch_write_report(v, "json", stdout, &err), VOUCH_EINPUT); /* no run yet */
    assert_int_equal(vouch_open_store(v, tpath("f.db"), &err), VOUCH_OK);
    assert_int_equal(vouch_run(v, &err), VOUCH_OK);

    assert_int_equal(vouch_outcome_count(v), 2);
    const vouch_outcome *o = vouch_outcome_at(v, 0);
    assert_int_equal(o->kind, VOUCH_OUTCOME_FAIL);
    assert_string_equal(o->rule, "has_role");
    assert_string_equal(o->subject, "P2");
    assert_string_equal(o->message, "P2 has no role");
    assert_int_equal(o->severity, VOUCH_SEVERITY_LOW);
    assert_int_equal(o->enforcement, VOUCH_ENFORCEMENT_SOFT);
    assert_int_equal(o->blocking, 1);
    assert_int_equal(o->line, 3);
    assert_null(o->waiver_reason);
    o = vouch_outcome_at(v, 1);
    assert_int_equal(o->kind, VOUCH_OUTCOME_WAIVED);
    assert_string_equal(o->subject, "P3");
    assert_int_equal(o->blocking, 0);
    assert_string_equal(o->waiver_reason, "starts in December");
    assert_null(vouch_outcome_at(v, 2));
    assert_int_equal(vouch_failing(v), 1);
    assert_int_equal(vouch_errored(v), 0);
    assert_int_equal(vouch_rule_count(v), 1);
    const vouch_rule_summary *r = vouch_rule_at(v, 0);
    assert_string_equal(r->id, "has_role");
    assert_string_equal(r->pack, "api");
    assert_int_equal(r->passed, 1);
    assert_int_equal(r->failed, 1);
    assert_int_equal(r->waived, 1);

    /* a low finding does not fail a run that fails on high ones */
    assert_int_equal(vouch_set_fail_on(v, VOUCH_SEVERITY_HIGH, &err), VOUCH_OK);
    assert_int_equal(vouch_failing(v), 0);
    assert_int_equal(vouch_outcome_at(v, 0)->blocking, 0);
    assert_int_equal(vouch_set_fail_on(v, VOUCH_SEVERITY_INFO, &err), VOUCH_OK);
    assert_int_equal(vouch_failing(v), 1);

    /* run again: the same outcomes */
    assert_int_equal(vouch_run(v, &err), VOUCH_OK);
    assert_int_equal(vouch_outcome_count(v), 2);

    /* the reports */
    assert_int_equal(vouch_write_report(v, "yaml", stdout, &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "unknown format `yaml`"));
    FILE *mem = tmpfile();
    assert_non_null(mem);
    assert_int_equal(vouch_write_report(v, "tsv", mem, &err), VOUCH_OK);
    rewind(mem);
    char line[128] = "";
    assert_non_null(fgets(line, sizeof line, mem));
    assert_string_equal(line, "has_role\tP2\n");
    fclose(mem);
    assert_int_equal(vouch_write_report_file(v, "json", tpath("report.json"), &err), VOUCH_OK);
    struct stat st;
    assert_int_equal(stat(tpath("report.json"), &st), 0);
    assert_true(st.st_size > 100);
    assert_int_equal(vouch_write_report_file(v, "json", tpath("nodir/report.json"), &err), VOUCH_EIO);
    vouch_close(v);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_names), cmocka_unit_test(test_options_refused),
        cmocka_unit_test(test_out_of_order),      cmocka_unit_test(test_diagnostics),
        cmocka_unit_test(test_whole_run),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
