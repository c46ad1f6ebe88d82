/*
 * test_vm.c: the virtual machine on hand-built programs.
 *
 * Plan-free programs check the instruction semantics: arithmetic and its
 * overflow, none propagation, comparisons with none, short-circuit and/or,
 * dates, builtin calls, interpolation of every type, locals outliving the
 * scratch space, rule errors that leave the next rule running, the step
 * budget, and the order of findings. Programs with plans run against a
 * real SQLite facts store the test creates: loops, count/exists/max, a
 * repeated (hash-answered) plan inside a loop, and a stored value that does
 * not fit its declared type.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>

#include "vm.h"
#include "date.h"
#include "builtins.h"

#include "prog_builder.h"

static vouch_value T(const char *s) { return vouch_text(s, strlen(s)); }
static vouch_value I(int64_t i) { return vouch_int(i); }
static vouch_value U(int64_t d) { return vouch_dur(d); }
static vouch_value M(int64_t m) { return vouch_months(m); }
static vouch_value D(int y, int m, int d) { return vouch_date(date_from_civil(y, m, d)); }

/* ---- running ------------------------------------------------------------- */

static builder B;
static vouch_results R;
static vouch_error err;
static vouch_run_env env;
static vouch_facts *facts;
static vouch_program *bound;   /* the program facts is bound to */

static int setup(void **state)
{
    (void)state;
    memset(&B, 0, sizeof B);
    vouch_results_free(&R);   /* R starts zeroed; tests may run and set up again */
    memset(&err, 0, sizeof err);
    env.today = date_from_civil(2026, 5, 17);
    env.period_start = date_from_civil(2026, 1, 1);
    env.period_end = date_from_civil(2026, 12, 31);
    env.step_budget = 0;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    vouch_results_free(&R);
    return 0;
}

/* Verifies and runs B (binding the facts store if the test opened one);
 * returns the run's status. */
static vouch_status run(void)
{
    vouch_program *p = b_build(&B);
    vouch_status st = vouch_verify(p, &err);
    if (st != VOUCH_OK)
        fail_msg("program does not verify: %s", err.msg);
    if (facts) {
        st = vouch_facts_bind(facts, p, VOUCH_AS_OF_ANY, &err);
        if (st != VOUCH_OK)
            fail_msg("bind: %s", err.msg);
    }
    vouch_results_free(&R);
    st = vouch_vm_run(p, facts, &env, &R, &err);
    /* The store keeps using the program until the next bind or close. */
    vouch_program_free(bound);
    bound = NULL;
    if (facts)
        bound = p;
    else
        vouch_program_free(p);
    return st;
}

/* An expression test: begin() starts a rule whose subject is "s"; the test
 * emits code leaving one value; end() formats it as the finding's message
 * and returns it, or "error: <message>" if the rule failed. */
static char result[512];

static void begin(void)
{
    setup(NULL);
    b_rule(&B, "R1_expr", 4);
    b_push(&B, T("s"));
}

static const char *end(void)
{
    b_op(&B, OP_INTERP, 1);
    b_op(&B, OP_FINDING);
    b_op(&B, OP_HALT);
    assert_int_equal(run(), VOUCH_OK);
    assert_int_equal(R.nrules, 1);
    if (R.rules[0].errored) {
        assert_int_equal(R.nfindings, 0);
        snprintf(result, sizeof result, "error: %s", R.rules[0].error);
    } else {
        assert_int_equal(R.nfindings, 1);
        assert_string_equal(R.findings[0].subject, "s");
        snprintf(result, sizeof result, "%s", R.findings[0].message);
    }
    vouch_results_free(&R);
    return result;
}

/* Evaluates `a OP b`. */
static const char *bin(vouch_value a, uint32_t op, vouch_value b)
{
    begin();
    b_push(&B, a);
    b_push(&B, b);
    b_op(&B, op);
    return end();
}

#define assert_error(got, what)                                                             \
    do {                                                                                    \
        const char *g_ = (got);                                                             \
        if (strncmp(g_, "error: ", 7) != 0 || !strstr(g_, what))                            \
            fail_msg("expected an error with \"%s\", got \"%s\"", what, g_);                \
    } while (0)

/* A runtime error names the position covering the failing instruction
 * and the subject where the table says it is on the stack; an entry of
 * another rule is not used. */
static void test_error_positions(void **state)
{
    (void)state;
    static const char *files[] = {"a.vouch", "b.vouch"};
    begin();                          /* pc 0: CONST "s" */
    b_push(&B, I(1));                 /* pc 2 */
    b_push(&B, I(0));                 /* pc 4 */
    b_op(&B, OP_DIV);                 /* pc 6 */
    B.files = files;
    B.nfiles = 2;
    b_pos(&B, 0, 0, 3, 5, SUBJ_NONE);
    b_pos(&B, 2, 1, 7, 9, SUBJ_STACK);
    b_pos(&B, 10, 0, 3, 5, SUBJ_NONE); /* end()'s HALT, on an empty stack */
    assert_error(end(), "error: b.vouch:7:9: rule R1_expr, subject s: division by zero");

    begin();
    b_push(&B, I(1));
    b_push(&B, I(0));
    b_op(&B, OP_DIV);
    B.files = files;
    B.nfiles = 2;
    b_pos(&B, 0, 0, 3, 5, SUBJ_NONE); /* the subject not on the stack yet, as far as it says */
    assert_error(end(), "error: a.vouch:3:5: rule R1_expr: division by zero");

    /* a second rule before which the only entry lies: the rule's own position */
    setup(NULL);
    B.files = files;
    B.nfiles = 2;
    b_rule(&B, "R0", 0);
    b_op(&B, OP_HALT);
    b_pos(&B, 0, 1, 1, 1, SUBJ_NONE);
    b_rule(&B, "R1_expr", 4);
    b_push(&B, T("s"));
    b_push(&B, I(1));
    b_push(&B, I(0));
    b_op(&B, OP_DIV);
    b_op(&B, OP_INTERP, 1);
    b_op(&B, OP_FINDING);
    b_op(&B, OP_HALT);
    assert_int_equal(run(), VOUCH_OK);
    assert_int_equal(R.rules[1].errored, 1);
    assert_string_equal(R.rules[1].error, "test.vouch:2:1: rule R1_expr: division by zero");
    vouch_results_free(&R);
}

/* ---- instruction semantics ------------------------------------------------ */

static void test_arithmetic(void **state)
{
    (void)state;
    assert_string_equal(bin(I(2), OP_ADD, I(40)), "42");
    assert_string_equal(bin(I(2), OP_SUB, I(40)), "-38");
    assert_string_equal(bin(I(-6), OP_MUL, I(7)), "-42");
    assert_string_equal(bin(I(-7), OP_DIV, I(2)), "-3");   /* truncating */
    assert_string_equal(bin(I(-7), OP_MOD, I(2)), "-1");
    assert_string_equal(bin(I(INT64_MIN), OP_MOD, I(-1)), "0");
    assert_error(bin(I(1), OP_DIV, I(0)), "division by zero");
    assert_error(bin(I(1), OP_MOD, I(0)), "division by zero");
    assert_error(bin(I(INT64_MAX), OP_ADD, I(1)), "integer overflow");
    assert_error(bin(I(INT64_MIN), OP_SUB, I(1)), "integer overflow");
    assert_error(bin(I(INT64_MAX / 2 + 1), OP_MUL, I(2)), "integer overflow");
    assert_error(bin(I(INT64_MIN), OP_DIV, I(-1)), "integer overflow");
    /* with no source positions, the error names the rule's own */
    assert_error(bin(I(INT64_MAX), OP_ADD, I(1)), "test.vouch:1:1: rule R1_expr: integer overflow");

    begin();
    b_push(&B, I(5));
    b_op(&B, OP_NEG);
    assert_string_equal(end(), "-5");
    begin();
    b_push(&B, I(INT64_MIN));
    b_op(&B, OP_NEG);
    assert_error(end(), "integer overflow");
    begin();
    b_push(&B, U(92));
    b_op(&B, OP_NEG);
    assert_string_equal(end(), "-92d");
    begin();
    b_push(&B, T("x"));
    b_op(&B, OP_NEG);
    assert_error(end(), "wrong type");

    /* (2 + 3) * 4 - 1 through locals */
    begin();
    b_push(&B, I(2));
    b_push(&B, I(3));
    b_op(&B, OP_ADD);
    b_op(&B, OP_STORE, 0);
    b_op(&B, OP_LOAD, 0);
    b_push(&B, I(4));
    b_op(&B, OP_MUL);
    b_push(&B, I(1));
    b_op(&B, OP_SUB);
    assert_string_equal(end(), "19");

    /* operands of the wrong type are an error, not garbage */
    assert_error(bin(T("1"), OP_ADD, I(1)), "wrong type");
}

static void test_none_propagation(void **state)
{
    (void)state;
    vouch_value none = vouch_none();
    assert_string_equal(bin(none, OP_ADD, I(1)), "none");
    assert_string_equal(bin(I(1), OP_MUL, none), "none");
    assert_string_equal(bin(none, OP_DIV, I(0)), "none"); /* none before division by zero */
    assert_string_equal(bin(none, OP_DATE_ADD, U(3)), "none");
    assert_string_equal(bin(D(2026, 1, 1), OP_DATE_SUB, none), "none");
    assert_string_equal(bin(none, OP_DATE_DIFF, D(2026, 1, 1)), "none");
    assert_string_equal(bin(none, OP_DUR_ADD, U(1)), "none");
    begin();
    b_op(&B, OP_NONE);
    b_op(&B, OP_NEG);
    assert_string_equal(end(), "none");

    /* builtins: none in, none out, except where the signature says '?' */
    begin();
    b_op(&B, OP_NONE);
    b_op(&B, OP_CALL, BI_upper, 1);
    assert_string_equal(end(), "none");
    begin();
    b_op(&B, OP_NONE);
    b_op(&B, OP_CALL, BI_blank, 1);
    assert_string_equal(end(), "true");
    begin();
    b_op(&B, OP_NONE);
    b_push(&B, T("dflt"));
    b_op(&B, OP_CALL, BI_coalesce, 2);
    assert_string_equal(end(), "dflt");
    begin();
    b_push(&B, T("x"));
    b_op(&B, OP_NONE);
    b_op(&B, OP_CALL, BI_coalesce, 2); /* second argument has no '?' */
    assert_string_equal(end(), "none");

    /* MIN/MAX ignore none */
    assert_string_equal(bin(none, OP_MIN, I(3)), "3");
    assert_string_equal(bin(I(3), OP_MAX, none), "3");
    assert_string_equal(bin(none, OP_MAX, none), "none");
    assert_string_equal(bin(I(3), OP_MIN, I(-2)), "-2");
    assert_string_equal(bin(D(2026, 1, 1), OP_MAX, D(2025, 12, 31)), "2026-01-01");
    assert_string_equal(bin(T("b"), OP_MIN, T("ab")), "ab");
}

static void test_comparisons(void **state)
{
    (void)state;
    vouch_value none = vouch_none();
    assert_string_equal(bin(none, OP_EQ, none), "true");
    assert_string_equal(bin(none, OP_EQ, I(0)), "false");
    assert_string_equal(bin(T(""), OP_EQ, none), "false");
    assert_string_equal(bin(none, OP_NE, none), "false");
    assert_string_equal(bin(none, OP_NE, I(1)), "true");
    assert_string_equal(bin(none, OP_LT, I(1)), "false");
    assert_string_equal(bin(none, OP_GE, I(1)), "false");
    assert_string_equal(bin(I(1), OP_GT, none), "false");
    assert_string_equal(bin(none, OP_LE, none), "false");
    assert_string_equal(bin(I(1), OP_LT, I(2)), "true");
    assert_string_equal(bin(I(2), OP_LE, I(2)), "true");
    assert_string_equal(bin(I(2), OP_GT, I(2)), "false");
    assert_string_equal(bin(I(2), OP_GE, I(2)), "true");
    assert_string_equal(bin(T("abc"), OP_LT, T("abd")), "true");
    assert_string_equal(bin(T("ab"), OP_LT, T("abc")), "true");
    assert_string_equal(bin(T("abc"), OP_EQ, T("abc")), "true");
    assert_string_equal(bin(T("abc"), OP_EQ, T("ABC")), "false");
    assert_string_equal(bin(D(2026, 3, 1), OP_GE, D(2026, 2, 28)), "true");
    assert_string_equal(bin(U(92), OP_LT, U(91)), "false");
    assert_string_equal(bin(I(1), OP_EQ, U(1)), "false"); /* different types */
    assert_error(bin(I(1), OP_LT, T("1")), "different types");

    begin();
    b_op(&B, OP_TRUE);
    b_op(&B, OP_NOT);
    assert_string_equal(end(), "false");
    begin();
    b_op(&B, OP_NONE);
    b_op(&B, OP_NOT); /* none counts as false */
    assert_string_equal(end(), "true");
}

/* `lhs AND/OR rhs` where rhs divides by zero: it must not run when the
 * left side decides. */
static const char *shortcut(uint32_t jump_op, uint32_t lhs_op)
{
    begin();
    b_op(&B, lhs_op);
    uint32_t j = b_op(&B, jump_op, 0);
    b_push(&B, I(1));
    b_push(&B, I(0));
    b_op(&B, OP_DIV);
    b_push(&B, I(1));
    b_op(&B, OP_EQ);
    B.code[j + 1] = B.ncode;
    b_op(&B, OP_NOP);
    return end();
}

static void test_short_circuit(void **state)
{
    (void)state;
    assert_string_equal(shortcut(OP_AND_JUMP, OP_FALSE), "false");
    assert_string_equal(shortcut(OP_AND_JUMP, OP_NONE), "none");  /* kept as is */
    assert_error(shortcut(OP_AND_JUMP, OP_TRUE), "division by zero");
    assert_string_equal(shortcut(OP_OR_JUMP, OP_TRUE), "true");
    assert_error(shortcut(OP_OR_JUMP, OP_FALSE), "division by zero");
    assert_error(shortcut(OP_OR_JUMP, OP_NONE), "division by zero");

    /* and/or with a right side that runs: the value is the right side's */
    begin();
    b_op(&B, OP_TRUE);
    uint32_t j = b_op(&B, OP_AND_JUMP, 0);
    b_op(&B, OP_FALSE);
    B.code[j + 1] = B.ncode;
    b_op(&B, OP_NOP);
    assert_string_equal(end(), "false");

    /* JUMP_FALSE/JUMP_TRUE treat none as false */
    begin();
    b_op(&B, OP_NONE);
    j = b_op(&B, OP_JUMP_FALSE, 0);
    b_push(&B, T("not taken"));
    uint32_t k = b_op(&B, OP_JUMP, 0);
    B.code[j + 1] = B.ncode;
    b_push(&B, T("taken"));
    B.code[k + 1] = B.ncode;
    b_op(&B, OP_NOP);
    assert_string_equal(end(), "taken");
    begin();
    b_op(&B, OP_NONE);
    j = b_op(&B, OP_JUMP_TRUE, 0);
    b_push(&B, T("not taken"));
    k = b_op(&B, OP_JUMP, 0);
    B.code[j + 1] = B.ncode;
    b_push(&B, T("taken"));
    B.code[k + 1] = B.ncode;
    b_op(&B, OP_NOP);
    assert_string_equal(end(), "not taken");
}

static void test_dates(void **state)
{
    (void)state;
    assert_string_equal(bin(D(2026, 2, 27), OP_DATE_ADD, U(2)), "2026-03-01");
    assert_string_equal(bin(U(2), OP_DATE_ADD, D(2024, 2, 28)), "2024-03-01");
    assert_string_equal(bin(D(2026, 5, 17), OP_DATE_SUB, U(92)), "2026-02-14");
    assert_string_equal(bin(D(2026, 5, 17), OP_DATE_DIFF, D(2026, 1, 1)), "136d");
    assert_string_equal(bin(U(90), OP_DUR_ADD, U(2)), "92d");
    assert_string_equal(bin(U(90), OP_DUR_SUB, U(92)), "-2d");
    assert_error(bin(D(9999, 12, 31), OP_DATE_ADD, U(1)), "date out of range");
    assert_error(bin(D(1, 1, 1), OP_DATE_SUB, U(1)), "date out of range");
    assert_error(bin(D(2026, 1, 1), OP_DATE_ADD, U(INT64_MAX)), "date out of range");
    assert_error(bin(U(INT64_MAX), OP_DUR_ADD, U(1)), "integer overflow");

    /* calendar durations: months, clamped to the month's end */
    assert_string_equal(bin(D(2026, 8, 31), OP_DATE_SUB, M(6)), "2026-02-28");
    assert_string_equal(bin(D(2024, 2, 29), OP_DATE_ADD, M(12)), "2025-02-28");
    assert_string_equal(bin(M(1), OP_DATE_ADD, D(2024, 1, 31)), "2024-02-29");
    assert_string_equal(bin(D(2026, 3, 31), OP_DATE_ADD, M(-1)), "2026-02-28");
    assert_string_equal(bin(D(2026, 1, 15), OP_DATE_SUB, M(-13)), "2027-02-15");
    assert_string_equal(bin(M(12), OP_DUR_ADD, M(6)), "18mo");
    assert_string_equal(bin(M(6), OP_DUR_SUB, M(18)), "-1y");
    assert_string_equal(bin(M(3), OP_LT, M(12)), "true");
    assert_string_equal(bin(M(12), OP_EQ, M(12)), "true");
    assert_string_equal(bin(M(12), OP_EQ, U(365)), "false");
    assert_string_equal(bin(vouch_none(), OP_DATE_SUB, M(1)), "none");
    assert_string_equal(bin(M(1), OP_DUR_ADD, vouch_none()), "none");
    assert_error(bin(D(9999, 12, 1), OP_DATE_ADD, M(1)), "date out of range");
    assert_error(bin(D(1, 1, 31), OP_DATE_SUB, M(1)), "date out of range");
    assert_error(bin(D(2026, 1, 1), OP_DATE_SUB, M(INT64_MIN)), "date out of range");
    assert_error(bin(D(2026, 1, 1), OP_DATE_ADD, M(INT64_MAX)), "date out of range");
    /* days and months never mix, whatever a program says */
    assert_error(bin(M(12), OP_DUR_ADD, U(3)), "operands of the wrong type");
    assert_error(bin(U(3), OP_DUR_SUB, M(1)), "operands of the wrong type");
    assert_error(bin(M(12), OP_LT, U(365)), "different types");
    begin();
    b_push(&B, M(-12));
    b_op(&B, OP_NEG);
    assert_string_equal(end(), "1y");

    begin();
    b_op(&B, OP_ENV, VOUCH_ENV_TODAY);
    b_op(&B, OP_ENV, VOUCH_ENV_PERIOD_START);
    b_op(&B, OP_ENV, VOUCH_ENV_PERIOD_END);
    b_op(&B, OP_INTERP, 3);
    assert_string_equal(end(), "2026-05-172026-01-012026-12-31");

    /* builtins through CALL, including a runtime error from one */
    begin();
    b_push(&B, D(2026, 1, 31));
    b_push(&B, I(1));
    b_op(&B, OP_CALL, BI_add_months, 2);
    assert_string_equal(end(), "2026-02-28");
    begin();
    b_push(&B, D(9999, 12, 1));
    b_push(&B, I(1));
    b_op(&B, OP_CALL, BI_add_months, 2);
    assert_error(end(), "add_months");
    begin();
    b_push(&B, D(2026, 5, 17));
    b_op(&B, OP_CALL, BI_quarter_name, 1);
    b_push(&B, T(" "));
    b_push(&B, T("  Mixed Case "));
    b_op(&B, OP_CALL, BI_trim, 1);
    b_op(&B, OP_CALL, BI_lower, 1);
    b_op(&B, OP_INTERP, 3);
    assert_string_equal(end(), "2026Q2 mixed case");
}

static void test_interp_every_type(void **state)
{
    (void)state;
    begin();
    b_op(&B, OP_NONE);
    b_push(&B, T("|"));
    b_op(&B, OP_TRUE);
    b_push(&B, T("|"));
    b_op(&B, OP_FALSE);
    b_push(&B, T("|"));
    b_push(&B, I(-42));
    b_push(&B, T("|"));
    b_push(&B, I(INT64_MIN));
    b_push(&B, T("|"));
    b_push(&B, D(2026, 5, 1));
    b_push(&B, T("|"));
    b_push(&B, D(1, 1, 1));
    b_push(&B, T("|"));
    b_push(&B, U(92));
    b_push(&B, T("|"));
    b_push(&B, T("text with {braces}"));
    b_push(&B, T(""));
    b_op(&B, OP_INTERP, 18);
    assert_string_equal(end(),
                        "none|true|false|-42|-9223372036854775808|2026-05-01|0001-01-01|92d|"
                        "text with {braces}");

    /* a text that is not NUL-terminated in the constant pool's neighbour */
    begin();
    b_push(&B, vouch_text("abcdef", 3));
    b_op(&B, OP_INTERP, 1);
    assert_string_equal(end(), "abc");
}

/* STORE copies texts: a local keeps its value after the scratch space that
 * made it is reused for the next subject. */
static void test_locals_outlive_scratch(void **state)
{
    (void)state;
    setup(NULL);
    b_rule(&B, "R1_locals", 2);
    b_push(&B, T("first-"));
    b_push(&B, I(1));
    b_op(&B, OP_INTERP, 2);       /* scratch text */
    b_op(&B, OP_STORE, 0);
    b_push(&B, T("subject-a"));
    b_op(&B, OP_PASS);            /* the subject ends: scratch rewinds */
    b_push(&B, T("XXXXXX"));
    b_push(&B, I(2));
    b_op(&B, OP_INTERP, 2);       /* reuses the same scratch bytes */
    b_op(&B, OP_STORE, 1);
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_STORE, 0);        /* L0 := L0 (a copy onto itself) */
    b_push(&B, T("subject-b"));
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_LOAD, 1);
    b_op(&B, OP_INTERP, 2);
    b_op(&B, OP_FINDING);
    /* a long text replaces a short one in the same slot */
    char big[3000];
    memset(big, 'y', sizeof big);
    b_push(&B, vouch_text(big, sizeof big));
    b_op(&B, OP_STORE, 0);
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_CALL, BI_length, 1);
    b_push(&B, I(3000));
    b_op(&B, OP_EQ);
    uint32_t j = b_op(&B, OP_JUMP_TRUE, 0);
    b_push(&B, T("subject-c"));
    b_push(&B, T("long text lost"));
    b_op(&B, OP_FINDING);
    B.code[j + 1] = B.ncode;
    b_op(&B, OP_HALT);
    assert_int_equal(run(), VOUCH_OK);
    assert_int_equal(R.rules[0].passed, 1);
    assert_int_equal(R.rules[0].failed, 1);
    assert_int_equal(R.nfindings, 1);
    assert_string_equal(R.findings[0].subject, "subject-b");
    assert_string_equal(R.findings[0].message, "first-1XXXXXX2");
}

/* A rule that fails keeps the findings it made; the next rule runs. */
static void test_rule_error_then_next_rule(void **state)
{
    (void)state;
    setup(NULL);
    b_rule(&B, "R1_overflows", 0);
    b_push(&B, T("a"));
    b_push(&B, T("before the error"));
    b_op(&B, OP_FINDING);
    b_push(&B, T("b"));
    b_op(&B, OP_PASS);
    b_push(&B, I(INT64_MAX));
    b_push(&B, I(1));
    b_op(&B, OP_ADD);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    b_rule(&B, "R2_fine", 0);
    b_push(&B, T("c"));
    b_push(&B, T("after"));
    b_op(&B, OP_FINDING);
    b_push(&B, T("d"));
    b_op(&B, OP_PASS);
    b_op(&B, OP_HALT);
    assert_int_equal(run(), VOUCH_OK);
    assert_int_equal(R.nrules, 2);
    assert_true(R.rules[0].errored);
    assert_non_null(R.rules[0].error);
    assert_non_null(strstr(R.rules[0].error, "R1_overflows"));
    assert_non_null(strstr(R.rules[0].error, "integer overflow"));
    assert_int_equal(R.rules[0].passed, 1);
    assert_int_equal(R.rules[0].failed, 1);
    assert_false(R.rules[1].errored);
    assert_null(R.rules[1].error);
    assert_int_equal(R.rules[1].passed, 1);
    assert_int_equal(R.rules[1].failed, 1);
    assert_int_equal(R.nfindings, 2);
    assert_int_equal(R.findings[0].rule, 0);
    assert_string_equal(R.findings[0].message, "before the error");
    assert_int_equal(R.findings[1].rule, 1);
    assert_string_equal(R.findings[1].message, "after");
}

static void test_step_budget(void **state)
{
    (void)state;
    setup(NULL);
    b_rule(&B, "R1_loops", 0);
    b_op(&B, OP_NOP);
    b_op(&B, OP_JUMP, 0);          /* for ever */
    b_op(&B, OP_HALT);
    b_rule(&B, "R2_after", 0);
    b_push(&B, T("x"));
    b_op(&B, OP_PASS);
    b_op(&B, OP_HALT);
    env.step_budget = 1000;
    assert_int_equal(run(), VOUCH_OK);
    assert_true(R.rules[0].errored);
    assert_non_null(strstr(R.rules[0].error, "R1_loops"));
    assert_non_null(strstr(R.rules[0].error, "step budget of 1000 instructions exhausted"));
    assert_false(R.rules[1].errored);
    assert_int_equal(R.rules[1].passed, 1);

    /* the budget is per rule and exact: 3 instructions fit in 3 */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_push(&B, T("x"));
    b_op(&B, OP_PASS);
    b_op(&B, OP_HALT);
    env.step_budget = 3;
    assert_int_equal(run(), VOUCH_OK);
    assert_false(R.rules[0].errored);
    env.step_budget = 2;
    assert_int_equal(run(), VOUCH_OK);
    assert_true(R.rules[0].errored);
}

static void test_findings_sorted(void **state)
{
    (void)state;
    setup(NULL);
    static const char *const emits[][3] = {
        /* rule, subject, message: emitted in this order */
        {"0", "b", "2"}, {"0", "a", "z"}, {"0", "b", "1"}, {"0", "a", "y"},
        {"1", "a", "9"}, {"1", "A", "9"}, {"1", "", "0"},
    };
    for (int r = 0; r < 2; r++) {
        b_rule(&B, r ? "R2" : "R1", 0);
        for (size_t i = 0; i < sizeof emits / sizeof emits[0]; i++) {
            if (emits[i][0][0] - '0' != r)
                continue;
            b_push(&B, T(emits[i][1]));
            b_push(&B, T(emits[i][2]));
            b_op(&B, OP_FINDING);
        }
        b_op(&B, OP_HALT);
    }
    assert_int_equal(run(), VOUCH_OK);
    static const char *const want[][3] = {
        {"0", "a", "y"}, {"0", "a", "z"}, {"0", "b", "1"}, {"0", "b", "2"},
        {"1", "", "0"},  {"1", "A", "9"}, {"1", "a", "9"},
    };
    assert_int_equal(R.nfindings, 7);
    for (uint32_t i = 0; i < 7; i++) {
        assert_int_equal(R.findings[i].rule, want[i][0][0] - '0');
        assert_string_equal(R.findings[i].subject, want[i][1]);
        assert_string_equal(R.findings[i].message, want[i][2]);
    }
    assert_int_equal(R.rules[0].failed, 4);
    assert_int_equal(R.rules[1].failed, 3);
}

static void test_non_text_subjects(void **state)
{
    (void)state;
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_push(&B, I(7));
    b_push(&B, D(2026, 1, 2));
    b_op(&B, OP_FINDING);
    b_op(&B, OP_HALT);
    assert_int_equal(run(), VOUCH_OK);
    assert_string_equal(R.findings[0].subject, "7");
    assert_string_equal(R.findings[0].message, "2026-01-02");
}

static void test_no_store(void **state)
{
    (void)state;
    /* A plan read without a facts store stops the run cleanly. */
    static vouch_column_decl cols[] = {{"id", VT_TEXT, 0, -1}};
    static vouch_table_decl tab[] = {{"t", 1, cols, 0, NULL, 1, 0}};
    static vouch_plan pl[] = {{0, PLAN_EXISTS, 0, 0, 0, NULL, 0, 0, NULL, 0, 0, NULL}};
    setup(NULL);
    B.tables = tab;
    B.ntables = 1;
    B.plans = pl;
    B.nplans = 1;
    b_rule(&B, "R1", 0);
    b_op(&B, OP_SEEK, 0);
    b_op(&B, OP_CLOSE, 0);
    b_op(&B, OP_HALT);
    assert_int_equal(run(), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "no facts store"));
    assert_int_equal(R.nfindings, 0);
    assert_null(R.rules);
}

/* ---- with a facts store ------------------------------------------------------ */

static char dbdir[64], dbpath[128];

static void sql(sqlite3 *db, const char *s)
{
    char *msg = NULL;
    if (sqlite3_exec(db, s, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sqlite: %s: %s", s, msg ? msg : "?");
}

static int facts_setup(void **state)
{
    setup(state);
    snprintf(dbdir, sizeof dbdir, "/tmp/vouch_test_vm_XXXXXX");
    assert_non_null(mkdtemp(dbdir));
    snprintf(dbpath, sizeof dbpath, "%s/facts.db", dbdir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(dbpath, &db), SQLITE_OK);
    sql(db, "CREATE TABLE soa(framework TEXT, control TEXT, applicable INTEGER);"
            "INSERT INTO soa VALUES ('iso','A.5.15',1),('iso','A.5.18',1),('iso','A.5.16',0),"
            "  ('iso','A.8.16',1);"
            "CREATE TABLE evidence(id TEXT, control TEXT, collected_on TEXT, score INTEGER);"
            "INSERT INTO evidence VALUES"
            "  ('e1','A.5.15','2026-04-01',3),('e2','A.5.15','2025-01-01',9),"
            "  ('e3','A.5.18','2026-05-01',NULL),('e4','A.8.16','2026-03-03',5),"
            "  ('e5','A.5.18','2026-02-20',7);"
            "CREATE TABLE bad(id TEXT, on_day TEXT);"
            "INSERT INTO bad VALUES ('b1','2026-01-01'),('b2','2026-13-01');");
    sqlite3_close(db);
    assert_int_equal(vouch_facts_open(dbpath, &facts, &err), VOUCH_OK);
    return 0;
}

static int facts_teardown(void **state)
{
    teardown(state);
    vouch_facts_close(facts);
    facts = NULL;
    vouch_program_free(bound);
    bound = NULL;
    unlink(dbpath);
    rmdir(dbdir);
    return 0;
}

static vouch_column_decl soa_cols[] = {
    {"framework", VT_TEXT, 0, -1}, {"control", VT_TEXT, 0, -1}, {"applicable", VT_BOOL, 0, -1}};
static vouch_column_decl ev_cols[] = {{"id", VT_TEXT, 0, -1},
                                      {"control", VT_TEXT, 0, -1},
                                      {"collected_on", VT_DATE, 0, -1},
                                      {"score", VT_INT, 1, -1}};
static vouch_column_decl bad_cols[] = {{"id", VT_TEXT, 0, -1}, {"on_day", VT_DATE, 0, -1}};
static uint32_t soa_key[] = {0, 1};
static vouch_table_decl fact_tables[] = {
    {"soa", 3, soa_cols, 2, soa_key, 1, 0},
    {"evidence", 4, ev_cols, 0, NULL, 1, 0},
    {"bad", 2, bad_cols, 0, NULL, 1, 0},
};
static vouch_plan_term t_applicable[] = {{2, CMP_EQ, 0, 0}};
static uint32_t c_soa[] = {1};
static vouch_plan_term t_fresh[] = {{1, CMP_EQ, 1, 0}, {2, CMP_GE, 0, 1}};
static uint32_t c_ev[] = {0, 2};
static vouch_plan_term t_ctl[] = {{1, CMP_EQ, 1, 0}};
static uint32_t c_bad[] = {0, 1};
static vouch_plan fact_plans[] = {
    /* 0: for c in soa where applicable == $0 -> control */
    {0, PLAN_ROWS, 0, 0, 1, t_applicable, 1, 1, c_soa, 0, 0, NULL},
    /* 1: evidence where control == $0 and collected_on >= $1 -> id, collected_on
     *    (repeated, no index on control: answered by a hash index) */
    {1, PLAN_ROWS, 1, 0, 2, t_fresh, 2, 2, c_ev, 0, 0, NULL},
    /* 2: count evidence where control == $0 */
    {1, PLAN_COUNT, 1, 0, 1, t_ctl, 1, 0, NULL, 1, 0, NULL},
    /* 3: max(score) of evidence where control == $0 */
    {1, PLAN_MAX, 1, 3, 1, t_ctl, 1, 0, NULL, 1, 0, NULL},
    /* 4: exists evidence where control == $0 */
    {1, PLAN_EXISTS, 1, 0, 1, t_ctl, 1, 0, NULL, 1, 0, NULL},
    /* 5: every row of bad */
    {2, PLAN_ROWS, 0, 0, 0, NULL, 0, 2, c_bad, 2, 0, NULL},
};

static void use_facts(void)
{
    B.tables = fact_tables;
    B.ntables = 3;
    B.plans = fact_plans;
    B.nplans = 6;
}

/* R1: for c in soa where applicable: for e in evidence where e.control ==
 * c.control and e.collected_on >= today - 92d: finding (e.id, "<control>
 * <date>"); if none: pass c. */
static void emit_fresh_rule(void)
{
    b_rule(&B, "R1_fresh", 3);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_SEEK, 0);
    uint32_t outer = b_op(&B, OP_NEXT, 0, 0);
    b_op(&B, OP_COLUMN, 0, 0);
    b_op(&B, OP_STORE, 0);             /* L0 = c.control */
    b_op(&B, OP_FALSE);
    b_op(&B, OP_STORE, 1);             /* L1 = found any */
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_ENV, VOUCH_ENV_TODAY);
    b_push(&B, U(92));
    b_op(&B, OP_DATE_SUB);
    b_op(&B, OP_SEEK, 1);
    uint32_t inner = b_op(&B, OP_NEXT, 1, 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_STORE, 1);
    b_op(&B, OP_COLUMN, 1, 0);         /* subject: e.id */
    b_op(&B, OP_LOAD, 0);
    b_push(&B, T(" "));
    b_op(&B, OP_COLUMN, 1, 1);
    b_op(&B, OP_INTERP, 3);
    b_op(&B, OP_FINDING);
    b_op(&B, OP_JUMP, inner);
    uint32_t inner_end = b_op(&B, OP_CLOSE, 1);
    B.code[inner + 2] = inner_end;
    b_op(&B, OP_LOAD, 1);
    uint32_t j = b_op(&B, OP_JUMP_TRUE, outer);
    (void)j;
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_PASS);
    b_op(&B, OP_JUMP, outer);
    uint32_t outer_end = b_op(&B, OP_CLOSE, 0);
    B.code[outer + 2] = outer_end;
    b_op(&B, OP_HALT);
}

static void test_facts_loops(void **state)
{
    (void)state;
    use_facts();
    emit_fresh_rule();
    assert_int_equal(run(), VOUCH_OK);
    assert_false(R.rules[0].errored);
    /* today 2026-05-17 - 92d = 2026-02-14: e1, e3, e4, e5 are fresh;
     * applicable controls: A.5.15, A.5.18, A.8.16 */
    assert_int_equal(R.nfindings, 4);
    assert_string_equal(R.findings[0].subject, "e1");
    assert_string_equal(R.findings[0].message, "A.5.15 2026-04-01");
    assert_string_equal(R.findings[1].subject, "e3");
    assert_string_equal(R.findings[1].message, "A.5.18 2026-05-01");
    assert_string_equal(R.findings[2].subject, "e4");
    assert_string_equal(R.findings[2].message, "A.8.16 2026-03-03");
    assert_string_equal(R.findings[3].subject, "e5");
    assert_string_equal(R.findings[3].message, "A.5.18 2026-02-20");
    assert_int_equal(R.rules[0].passed, 0);
    assert_int_equal(R.rules[0].failed, 4);
    /* the inner plan was answered by an in-memory hash index, the outer by SQL */
    assert_non_null(strstr(vouch_facts_describe(facts, 1), "hash"));
    assert_non_null(strstr(vouch_facts_describe(facts, 0), "sql"));
    vouch_facts_stats fs;
    vouch_facts_get_stats(facts, &fs);
    assert_int_equal(fs.seeks, 4); /* one outer, three inner */

    /* The same rule, run again on the same store (a new bind). */
    env.today = date_from_civil(2026, 12, 1);
    assert_int_equal(run(), VOUCH_OK);
    assert_int_equal(R.nfindings, 0);
    assert_int_equal(R.rules[0].passed, 3);
}

/* count, max and exists per applicable control: finding (control, "n max e"). */
static void test_facts_aggregates(void **state)
{
    (void)state;
    use_facts();
    b_rule(&B, "R1_aggs", 2);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_SEEK, 0);
    uint32_t outer = b_op(&B, OP_NEXT, 0, 0);
    b_op(&B, OP_COLUMN, 0, 0);
    b_op(&B, OP_STORE, 0);
    b_op(&B, OP_LOAD, 0);               /* subject */
    /* count */
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_SEEK, 2);
    uint32_t n1 = b_op(&B, OP_NEXT, 2, 0);
    b_op(&B, OP_COLUMN, 2, 0);
    b_op(&B, OP_STORE, 1);
    B.code[n1 + 2] = B.ncode;
    b_op(&B, OP_CLOSE, 2);
    b_op(&B, OP_LOAD, 1);
    b_push(&B, T(" "));
    /* max(score) */
    b_op(&B, OP_NONE);
    b_op(&B, OP_STORE, 1);
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_SEEK, 3);
    uint32_t n2 = b_op(&B, OP_NEXT, 3, 0);
    b_op(&B, OP_COLUMN, 3, 0);
    b_op(&B, OP_STORE, 1);
    B.code[n2 + 2] = B.ncode;
    b_op(&B, OP_CLOSE, 3);
    b_op(&B, OP_LOAD, 1);
    b_push(&B, T(" "));
    /* exists */
    b_op(&B, OP_FALSE);
    b_op(&B, OP_STORE, 1);
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_SEEK, 4);
    uint32_t n3 = b_op(&B, OP_NEXT, 4, 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_STORE, 1);
    B.code[n3 + 2] = B.ncode;
    b_op(&B, OP_CLOSE, 4);
    b_op(&B, OP_LOAD, 1);
    b_op(&B, OP_INTERP, 5);
    b_op(&B, OP_FINDING);
    b_op(&B, OP_JUMP, outer);
    B.code[outer + 2] = B.ncode;
    b_op(&B, OP_CLOSE, 0);
    b_op(&B, OP_HALT);

    /* A.5.16 is not applicable; make its evidence-less twin visible by
     * asking for applicable == false in a second run below. */
    assert_int_equal(run(), VOUCH_OK);
    assert_false(R.rules[0].errored);
    assert_int_equal(R.nfindings, 3);
    assert_string_equal(R.findings[0].subject, "A.5.15");
    assert_string_equal(R.findings[0].message, "2 9 true");
    assert_string_equal(R.findings[1].subject, "A.5.18");
    assert_string_equal(R.findings[1].message, "2 7 true");
    assert_string_equal(R.findings[2].subject, "A.8.16");
    assert_string_equal(R.findings[2].message, "1 5 true");

    B.code[0] = OP_FALSE; /* for c in soa where not applicable: A.5.16, no evidence */
    assert_int_equal(run(), VOUCH_OK);
    assert_int_equal(R.nfindings, 1);
    assert_string_equal(R.findings[0].subject, "A.5.16");
    assert_string_equal(R.findings[0].message, "0 none false");
}

/* A stored value that does not fit its declared type fails that rule only;
 * the rule's open cursors are reset and the next rule (reading the same
 * plan) works. */
static void test_facts_bad_value(void **state)
{
    (void)state;
    use_facts();
    for (int r = 0; r < 2; r++) {
        b_rule(&B, r ? "R2_again" : "R1_bad", 1);
        b_op(&B, OP_SEEK, 0 + 5);
        uint32_t loop = b_op(&B, OP_NEXT, 5, 0);
        b_op(&B, OP_COLUMN, 5, 0);
        b_op(&B, OP_STORE, 0);
        b_op(&B, OP_LOAD, 0);
        if (r == 0)
            b_op(&B, OP_COLUMN, 5, 1);  /* b2's date is 2026-13-01 */
        else
            b_push(&B, T("ok"));
        b_op(&B, OP_INTERP, 1);
        b_op(&B, OP_FINDING);
        b_op(&B, OP_JUMP, loop);
        B.code[loop + 2] = B.ncode;
        b_op(&B, OP_CLOSE, 5);
        b_op(&B, OP_HALT);
    }
    assert_int_equal(run(), VOUCH_OK);
    assert_true(R.rules[0].errored);
    assert_non_null(strstr(R.rules[0].error, "R1_bad"));
    assert_non_null(strstr(R.rules[0].error, "bad.on_day"));
    assert_false(R.rules[1].errored);
    assert_int_equal(R.rules[0].failed, 1); /* b1 before the error */
    assert_int_equal(R.rules[1].failed, 2);
    assert_int_equal(R.nfindings, 3);
    assert_string_equal(R.findings[0].subject, "b1");
    assert_string_equal(R.findings[0].message, "2026-01-01");
    assert_string_equal(R.findings[1].subject, "b1");
    assert_string_equal(R.findings[2].subject, "b2");
}

/* A text read from a row and kept on the stack across NEXT stays readable
 * (the VM copies row texts); one kept in a local stays right. */
static void test_facts_row_text_lifetime(void **state)
{
    (void)state;
    use_facts();
    b_rule(&B, "R1", 1);
    b_op(&B, OP_SEEK, 5);
    b_op(&B, OP_NEXT, 5, 0);           /* patched: exit */
    b_op(&B, OP_COLUMN, 5, 0);          /* "b1" on the stack */
    b_op(&B, OP_COLUMN, 5, 0);
    b_op(&B, OP_STORE, 0);              /* and in L0 */
    uint32_t n2 = b_op(&B, OP_NEXT, 5, 0);
    b_op(&B, OP_LOAD, 0);
    b_op(&B, OP_INTERP, 1);
    b_op(&B, OP_FINDING);               /* ("b1", "b1") */
    b_op(&B, OP_CLOSE, 5);
    b_op(&B, OP_HALT);
    uint32_t bail = B.ncode;
    b_op(&B, OP_CLOSE, 5);
    b_op(&B, OP_HALT);
    B.code[2 + 2] = bail;
    /* the second NEXT's exit must keep the same depth (1): route it to a
     * POP then the bail-out */
    B.code[n2 + 2] = B.ncode;
    b_op(&B, OP_POP);
    b_op(&B, OP_JUMP, bail);
    assert_int_equal(run(), VOUCH_OK);
    assert_false(R.rules[0].errored);
    assert_int_equal(R.nfindings, 1);
    assert_string_equal(R.findings[0].subject, "b1");
    assert_string_equal(R.findings[0].message, "b1");
}

/* Both dispatch builds are tested by building this file twice (see the
 * Makefile's VOUCH_NO_COMPUTED_GOTO note in vm.c); here, a disassembly of a
 * plan-driven rule is checked for its shape. */
static void test_disasm(void **state)
{
    (void)state;
    use_facts();
    emit_fresh_rule();
    vouch_program *p = b_build(&B);
    char *buf = NULL;
    size_t n = 0;
    FILE *out = open_memstream(&buf, &n);
    assert_non_null(out);
    vouch_disasm(p, out);
    fclose(out);
    assert_non_null(strstr(buf, "rule R1_fresh \"R1_fresh\" severity medium (test.vouch:1:1) "
                                "locals 3\n"));
    assert_non_null(strstr(buf, "  0001  SEEK        plan 0\n"));
    assert_non_null(strstr(buf, "NEXT        plan 0 -> "));
    assert_non_null(strstr(buf, "COLUMN      plan 1 col 1 (evidence.collected_on)\n"));
    assert_non_null(strstr(buf, "CONST       92d\n"));
    assert_non_null(strstr(buf, "CONST       \" \"\n"));
    assert_non_null(strstr(buf, "ENV         today\n"));
    assert_non_null(strstr(buf, "INTERP      3\n"));
    assert_non_null(strstr(buf, "plan 1 evidence rows repeated"));
    assert_non_null(strstr(buf, "  where control = $0 (bound)\n"));
    assert_non_null(strstr(buf, "  where collected_on >= $1 (constant)\n"));
    assert_non_null(strstr(buf, "plan 3 evidence max(score)"));
    assert_non_null(strstr(buf, "table 0 soa key (framework, control)\n"));
    assert_non_null(strstr(buf, "collected_on         date\n"));
    assert_non_null(strstr(buf, "score                int?\n"));
    free(buf);
    vouch_program_free(p);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_arithmetic, setup, teardown),
        cmocka_unit_test_setup_teardown(test_none_propagation, setup, teardown),
        cmocka_unit_test_setup_teardown(test_comparisons, setup, teardown),
        cmocka_unit_test_setup_teardown(test_short_circuit, setup, teardown),
        cmocka_unit_test_setup_teardown(test_dates, setup, teardown),
        cmocka_unit_test_setup_teardown(test_interp_every_type, setup, teardown),
        cmocka_unit_test_setup_teardown(test_locals_outlive_scratch, setup, teardown),
        cmocka_unit_test_setup_teardown(test_rule_error_then_next_rule, setup, teardown),
        cmocka_unit_test_setup_teardown(test_step_budget, setup, teardown),
        cmocka_unit_test_setup_teardown(test_findings_sorted, setup, teardown),
        cmocka_unit_test_setup_teardown(test_non_text_subjects, setup, teardown),
        cmocka_unit_test_setup_teardown(test_no_store, setup, teardown),
        cmocka_unit_test_setup_teardown(test_facts_loops, facts_setup, facts_teardown),
        cmocka_unit_test_setup_teardown(test_facts_aggregates, facts_setup, facts_teardown),
        cmocka_unit_test_setup_teardown(test_facts_bad_value, facts_setup, facts_teardown),
        cmocka_unit_test_setup_teardown(test_facts_row_text_lifetime, facts_setup,
                                        facts_teardown),
        cmocka_unit_test_setup_teardown(test_disasm, setup, teardown),
        cmocka_unit_test_setup_teardown(test_error_positions, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
