/*
 * test_session.c: the session (runtime/session/session.h): the default
 * period and the as-of bound on it, imports resolved beside the importing
 * file, in the search path and in the packs directory (in that order),
 * compile errors returned and counted rather than printed, steps out of
 * order refused, a run repeated with another focus, a borrowed program,
 * and a whole run (compile, open a real store, bind, run,
 * waivers) whose results and identity come from the one object.
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

#include "compile.h"
#include "date.h"
#include "facts.h"
#include "session.h"

static vouch_error err;

static int64_t day(const char *s)
{
    int64_t d = 0;
    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

static const char RULE[] = "pack \"beside\" version \"1\"\nimport \"isms\"\n"
                           "rule has_role \"Every person has a role\"\n"
                           "  severity low\n"
                           "{\n"
                           "  for p in person\n"
                           "  require p.role != \"none\"\n"
                           "  subject \"{p.id}\"\n"
                           "  else \"{p.id} has no role\"\n"
                           "}\n";

static int setup(void **state)
{
    (void)state;
    scratch_make("session");
    assert_int_equal(mkdir(tpath("a"), 0700), 0);
    assert_int_equal(mkdir(tpath("lib"), 0700), 0);
    assert_int_equal(mkdir(tpath("packs"), 0700), 0);
    write_text(tpath("a/main.vouch"), "import \"beside\"\nimport \"onpath\"\nimport \"installed\"\n");
    write_text(tpath("a/beside.vouch"), RULE);
    write_text(tpath("lib/onpath.vouch"), "pack \"onpath\" version \"1\"\n");
    /* shadowed by the search path's copy: only one may be read */
    write_text(tpath("packs/onpath.vouch"), "this does not parse\n");
    write_text(tpath("packs/installed.vouch"), "pack \"installed\" version \"1\"\n");
    write_text(tpath("bad.vouch"), "rule {\n");
    write_text(tpath("person.csv"), "id,name,role\nP1,Maren Okafor,CISO\nP2,Ada Lind,none\n");
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    static const char *const files[] = {"a/main.vouch", "a/beside.vouch", "lib/onpath.vouch",
                                        "packs/onpath.vouch", "packs/installed.vouch", "bad.vouch",
                                        "person.csv", "f.db", "f.db-wal", "f.db-shm", "a", "lib", "packs"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        remove(tpath(files[i]));
    rmdir(tmpdir);
    return 0;
}

/* Diagnostics of a compilation expected to succeed: shown, to say why not. */
static void show(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    diag_render(d, stderr);
}

static void test_default_period(void **state)
{
    (void)state;
    vouch_session_options o;
    vouch_session_options_default(&o);
    o.as_of = day("2026-05-10");
    vouch_session *s = vouch_session_new(&o, &err);
    assert_non_null(s);
    const vouch_run_env *e = vouch_session_env(s);
    assert_int_equal(e->today, day("2026-05-10"));
    /* the four quarters before the as-of's quarter */
    assert_int_equal(e->period_start, day("2025-04-01"));
    assert_int_equal(e->period_end, day("2026-03-31"));
    vouch_session_free(s);

    o.as_of = 0; /* today */
    s = vouch_session_new(&o, &err);
    assert_non_null(s);
    assert_int_equal(vouch_session_env(s)->today, vouch_session_today());
    vouch_session_free(s);
}

static void test_period_after_as_of(void **state)
{
    (void)state;
    vouch_session_options o;
    vouch_session_options_default(&o);
    o.as_of = day("2026-05-10");
    o.period_start = day("2026-01-01");
    o.period_end = day("2026-12-31");
    assert_null(vouch_session_new(&o, &err));
    assert_int_equal(err.status, VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "ends after the as-of date 2026-05-10"));
    o.period_to_date = 1;
    vouch_session *s = vouch_session_new(&o, &err);
    assert_non_null(s);
    assert_int_equal(vouch_session_env(s)->period_end, day("2026-05-10"));
    vouch_session_free(s);
    o.period_start = day("2026-06-01");
    assert_null(vouch_session_new(&o, &err));
    assert_non_null(strstr(err.msg, "starts after the as-of date"));
}

static void test_imports(void **state)
{
    (void)state;
    vouch_session_options o;
    vouch_session_options_default(&o);
    o.diag = show;
    char search[600];
    snprintf(search, sizeof search, "%s:%s", tpath("nowhere"), tpath("lib"));
    o.search_path = search;
    o.packs_dir = tpath("packs");
    vouch_session *s = vouch_session_new(&o, &err);
    assert_non_null(s);
    char *paths[] = {(char *)tpath("a/main.vouch")};
    if (vouch_session_compile(s, paths, 1, &err) != VOUCH_OK)
        fail_msg("%s", err.msg);
    assert_non_null(vouch_session_program(s));
    /* the given file and the three imports, in the order read */
    vouch_identity *id = vouch_session_identity(s);
    assert_int_equal(id->nsources, 4);
    assert_string_equal(id->sources[1].name, tpath("a/beside.vouch"));
    assert_string_equal(id->sources[2].name, tpath("lib/onpath.vouch"));
    assert_string_equal(id->sources[3].name, tpath("packs/installed.vouch"));
    /* compiled once */
    assert_int_equal(vouch_session_compile(s, paths, 1, &err), VOUCH_EINPUT);
    vouch_session_free(s);

    /* without the packs directory, `installed` is not found: an error */
    o.packs_dir = NULL;
    o.diag = NULL; /* the error is expected: not shown */
    s = vouch_session_new(&o, &err);
    assert_int_equal(vouch_session_compile(s, paths, 1, &err), VOUCH_EINPUT);
    assert_true(vouch_session_compile_errors(s) > 0);
    assert_null(vouch_session_program(s));
    vouch_session_free(s);
}

static unsigned seen;
static void count(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    (void)d;
    seen++;
}

static void test_compile_errors(void **state)
{
    (void)state;
    vouch_session_options o;
    vouch_session_options_default(&o);
    o.diag = count;
    vouch_session *s = vouch_session_new(&o, &err);
    char *bad[] = {(char *)tpath("bad.vouch")};
    seen = 0;
    assert_int_equal(vouch_session_compile(s, bad, 1, &err), VOUCH_EINPUT);
    assert_true(seen > 0);
    assert_int_equal(vouch_session_compile_errors(s), seen);
    vouch_session_free(s);

    s = vouch_session_new(&o, &err);
    char *missing[] = {(char *)tpath("missing.vouch")};
    assert_int_equal(vouch_session_compile(s, missing, 1, &err), VOUCH_EIO);
    assert_non_null(strstr(err.msg, "cannot read"));
    /* no program: nothing to bind or run */
    assert_int_equal(vouch_session_open_store(s, tpath("f.db"), &err), VOUCH_EINPUT);
    assert_int_equal(vouch_session_run(s, &err), VOUCH_EINPUT);
    vouch_session_free(s);
}

static void test_run(void **state)
{
    (void)state;
    vouch_session_options o;
    vouch_session_options_default(&o);
    o.as_of = day("2026-05-10");
    vouch_session *s = vouch_session_new(&o, &err);
    char *paths[] = {(char *)tpath("a/beside.vouch")};
    if (vouch_session_compile(s, paths, 1, &err) != VOUCH_OK)
        fail_msg("%s", err.msg);
    const char *csv[] = {tpath("person.csv")};
    vouch_load_options lo = {0};
    if (vouch_facts_load(tpath("f.db"), vouch_session_program(s), csv, 1, &lo, &err) != VOUCH_OK)
        fail_msg("%s", err.msg);
    assert_int_equal(vouch_session_run(s, &err), VOUCH_EINPUT); /* not bound yet */
    assert_int_equal(vouch_session_bind(s, &err), VOUCH_EINPUT); /* not open yet */
    /* open, then bind: the store can be read in between (the SoA does) */
    assert_int_equal(vouch_session_open(s, tpath("f.db"), &err), VOUCH_OK);
    assert_non_null(vouch_session_facts(s));
    assert_false(vouch_session_identity(s)->finished);
    assert_int_equal(vouch_session_run(s, &err), VOUCH_EINPUT); /* not bound yet */
    assert_int_equal(vouch_session_bind(s, &err), VOUCH_OK);
    assert_true(vouch_session_identity(s)->finished);
    assert_int_equal(vouch_session_run(s, &err), VOUCH_OK);
    vouch_results *r = vouch_session_results(s);
    assert_int_equal(r->nrules, vouch_session_program(s)->nrules);
    assert_int_equal(r->nfindings, 1);
    assert_string_equal(r->findings[0].subject, "P2");
    /* again, focused on the one rule (a subject only narrows an explained
     * run): the results are replaced, not added to */
    vouch_session_set_focus(s, 1, "P1");
    assert_int_equal(vouch_session_run(s, &err), VOUCH_OK);
    assert_int_equal(vouch_session_results(s)->nfindings, 1);
    assert_int_equal(vouch_session_env(s)->one_rule, 1);
    vouch_session_set_focus(s, 0, NULL);
    assert_int_equal(vouch_session_run(s, &err), VOUCH_OK);
    assert_int_equal(vouch_session_results(s)->nfindings, 1);

    /* a second session runs the first's program, borrowed: freeing it
     * leaves the program to its owner (ASan sees a double free) */
    vouch_session_options o2;
    vouch_session_options_default(&o2);
    o2.as_of = day("2026-05-10");
    o2.threads = 1;
    vouch_session *s2 = vouch_session_new(&o2, &err);
    assert_int_equal(vouch_session_use_program(s2, vouch_session_program(s), &err), VOUCH_OK);
    assert_null(vouch_session_take_program(s2));
    assert_int_equal(vouch_session_open_store(s2, tpath("f.db"), &err), VOUCH_OK);
    assert_int_equal(vouch_session_run(s2, &err), VOUCH_OK);
    assert_int_equal(vouch_session_results(s2)->nfindings, 1);
    vouch_session_free(s2);
    assert_int_equal(vouch_session_program(s)->nrules, vouch_session_results(s)->nrules);
    vouch_session_free(s);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_default_period),
        cmocka_unit_test(test_period_after_as_of),
        cmocka_unit_test_setup_teardown(test_imports, setup, teardown),
        cmocka_unit_test_setup_teardown(test_compile_errors, setup, teardown),
        cmocka_unit_test_setup_teardown(test_run, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
