/*
 * test_facts_pg.c: runtime/store/facts_pg.c without a server: which
 * --facts values name a PostgreSQL database (docs/postgres.md, "Telling a
 * database from a file") and what a connection that cannot be made says.
 * The rest of the backend runs against a real server in tests/pg/run.sh.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "facts_pg.h"

static void test_conninfo(void **state)
{
    (void)state;
    /* URIs */
    assert_true(facts_pg_is_conninfo("postgresql://db/evidence"));
    assert_true(facts_pg_is_conninfo("postgres://u@/evidence?host=/tmp"));
    assert_true(facts_pg_is_conninfo("postgresql://"));
    /* key=value strings: the first key is one of libpq's */
    assert_true(facts_pg_is_conninfo("host=/tmp user=vouch dbname=postgres"));
    assert_true(facts_pg_is_conninfo("dbname = evidence"));
    assert_true(facts_pg_is_conninfo("service=evidence"));
    assert_true(facts_pg_is_conninfo("options=-csearch_path=org_acme host=db"));
    /* files */
    assert_false(facts_pg_is_conninfo("org.db"));
    assert_false(facts_pg_is_conninfo("/var/lib/vouch/org.db"));
    assert_false(facts_pg_is_conninfo("./host=x.db"));       /* the way to name such a file */
    assert_false(facts_pg_is_conninfo("org=acme.db"));        /* not a libpq keyword */
    assert_false(facts_pg_is_conninfo("Host=x"));             /* keywords are lower case */
    assert_false(facts_pg_is_conninfo("postgresql:/x"));
    assert_false(facts_pg_is_conninfo("file:org.db?immutable=1"));
    assert_false(facts_pg_is_conninfo(""));
    assert_false(facts_pg_is_conninfo("="));
}

static void test_no_connection(void **state)
{
    (void)state;
    facts_pg *g = (facts_pg *)&g;
    vouch_error err = {0};
    /* A socket folder with no server; a password that must not be echoed. */
    vouch_status s = facts_pg_connect("host=/nonexistent-vouch-dir user=x password=sekrit dbname=y "
                                      "connect_timeout=2", &g, &err);
    assert_int_equal(s, VOUCH_EINPUT);
    assert_null(g);
    assert_non_null(strstr(err.msg, "cannot connect to PostgreSQL"));
    assert_null(strstr(err.msg, "sekrit"));
    assert_null(strchr(err.msg, '\n'));                        /* one line */
    s = facts_pg_connect("postgresql://x/y?nosuchparameter=1", &g, &err);
    assert_int_equal(s, VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "nosuchparameter"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_conninfo),
        cmocka_unit_test(test_no_connection),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
