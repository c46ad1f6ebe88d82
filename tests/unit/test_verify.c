/*
 * test_verify.c: the bytecode verifier. Hand-built programs: good ones are
 * accepted; each kind of bad one is rejected with a message naming the rule
 * and pc (or the plan/table/constant); and a program whose code has every
 * byte flipped, one at a time and to every other value, is either rejected
 * or accepted and then runs under a small step budget without crashing.
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
#include "builtins.h"

#include "prog_builder.h"

/* ---- shared declarations: one table, a few plans -------------------------- */

static vouch_column_decl ev_cols[] = {
    {"id", VT_TEXT, 0, -1},
    {"control", VT_TEXT, 0, -1},
    {"collected_on", VT_DATE, 1, -1},
    {"score", VT_INT, 1, -1},
};
static uint32_t ev_key[] = {0};
static vouch_table_decl tables[] = {{"evidence", 4, ev_cols, 1, ev_key, 1, 0}};
static vouch_plan_term rows_terms[] = {{1, CMP_EQ, 1, 0}, {2, CMP_GE, 0, 1}};
static uint32_t rows_cols[] = {0, 2};
static vouch_plan plans[] = {
    /* 0: rows of evidence where control = $0 and collected_on >= $1 */
    {0, PLAN_ROWS, 1, 0, 2, rows_terms, 2, 2, rows_cols, 0, 0, NULL},
    /* 1: exists, no terms */
    {0, PLAN_EXISTS, 0, 0, 0, NULL, 0, 0, NULL, 0, 0, NULL},
    /* 2: count */
    {0, PLAN_COUNT, 0, 0, 0, NULL, 0, 0, NULL, 0, 0, NULL},
    /* 3: max(score) */
    {0, PLAN_MAX, 0, 3, 0, NULL, 0, 0, NULL, 0, 0, NULL},
};

static builder B;
static vouch_error err;

static int setup(void **state)
{
    (void)state;
    memset(&B, 0, sizeof B);
    memset(&err, 0, sizeof err);
    B.tables = tables;
    B.ntables = 1;
    B.plans = plans;
    B.nplans = 4;
    return 0;
}

static vouch_status verify(void)
{
    vouch_program *p = b_build(&B);
    memset(&err, 0, sizeof err);
    vouch_status st = vouch_verify(p, &err);
    vouch_program_free(p);
    return st;
}

/* Asserts the program is rejected with a message containing both parts. */
static void rejects(const char *where, const char *what)
{
    vouch_status st = verify();
    if (st != VOUCH_EINPUT || !strstr(err.msg, where) || !strstr(err.msg, what))
        fail_msg("expected a rejection with \"%s\" and \"%s\", got %d: %s", where, what, st,
                 err.msg);
}

static void accepts(void)
{
    vouch_status st = verify();
    if (st != VOUCH_OK)
        fail_msg("expected acceptance, got %d: %s", st, err.msg);
}

/* A good rule that uses most opcodes: a loop over plan 0, a count, an
 * exists, a builtin call, locals, and/or, interpolation, findings. */
static void good_rules(builder *b)
{
    uint32_t k_ctl = b_const(b, vouch_text("A.5.15", 6));
    uint32_t k_msg = b_const(b, vouch_text("missing ", 8));
    uint32_t k_two = b_const(b, vouch_int(2));
    uint32_t k_92 = b_const(b, vouch_dur(92));

    b_rule(b, "R1_good", 2);
    b_op(b, OP_CONST, k_ctl);
    b_op(b, OP_ENV, VOUCH_ENV_TODAY);
    b_op(b, OP_CONST, k_92);
    b_op(b, OP_DATE_SUB);
    b_op(b, OP_SEEK, 0);
    uint32_t loop = b_op(b, OP_NEXT, 0, 0);      /* exit patched below */
    b_op(b, OP_COLUMN, 0, 0);
    b_op(b, OP_STORE, 0);
    b_op(b, OP_COLUMN, 0, 1);
    b_op(b, OP_STORE, 1);
    /* if upper(L0) == K and (L1 > today or L1 == none) then finding */
    b_op(b, OP_LOAD, 0);
    b_op(b, OP_CALL, BI_upper, 1);
    b_op(b, OP_CONST, k_ctl);
    b_op(b, OP_EQ);
    uint32_t and_j = b_op(b, OP_AND_JUMP, 0);
    b_op(b, OP_LOAD, 1);
    b_op(b, OP_ENV, VOUCH_ENV_TODAY);
    b_op(b, OP_GT);
    uint32_t or_j = b_op(b, OP_OR_JUMP, 0);
    b_op(b, OP_LOAD, 1);
    b_op(b, OP_NONE);
    b_op(b, OP_EQ);
    uint32_t join = b_op(b, OP_NOP);
    b->code[and_j + 1] = join;
    b->code[or_j + 1] = join;
    uint32_t skip = b_op(b, OP_JUMP_FALSE, 0);
    b_op(b, OP_LOAD, 0);
    b_op(b, OP_CONST, k_msg);
    b_op(b, OP_LOAD, 0);
    b_op(b, OP_INTERP, 2);
    b_op(b, OP_FINDING);
    uint32_t pass = b_op(b, OP_JUMP, loop);
    b->code[skip + 1] = pass + 2;
    b_op(b, OP_LOAD, 0);
    b_op(b, OP_PASS);
    b_op(b, OP_JUMP, loop);
    uint32_t out = b_op(b, OP_CLOSE, 0);
    b->code[loop + 2] = out;
    b_op(b, OP_HALT);

    b_rule(b, "R2_counts", 1);
    b_op(b, OP_SEEK, 2);
    uint32_t n1 = b_op(b, OP_NEXT, 2, 0);
    b_op(b, OP_COLUMN, 2, 0);
    b_op(b, OP_CONST, k_two);
    b_op(b, OP_MUL);
    b_op(b, OP_STORE, 0);
    uint32_t c1 = b_op(b, OP_CLOSE, 2);
    b->code[n1 + 2] = c1;
    b_op(b, OP_SEEK, 1);
    uint32_t n2 = b_op(b, OP_NEXT, 1, 0);
    uint32_t c2 = b_op(b, OP_CLOSE, 1);
    b->code[n2 + 2] = c2;
    b_op(b, OP_SEEK, 3);
    uint32_t n3 = b_op(b, OP_NEXT, 3, 0);
    b_op(b, OP_COLUMN, 3, 0);
    b_op(b, OP_POP);
    uint32_t c3 = b_op(b, OP_CLOSE, 3);
    b->code[n3 + 2] = c3;
    b_op(b, OP_HALT);
}

static void test_accepts_good(void **state)
{
    (void)state;
    good_rules(&B);
    accepts();
}

static void test_accepts_empty(void **state)
{
    (void)state;
    accepts(); /* no rules, no code */
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    accepts();
}

static void test_unreachable_code_is_still_decoded(void **state)
{
    (void)state;
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    b_op(&B, OP_POP);          /* never runs: no stack depth, but fine */
    b_op(&B, OP_HALT);
    accepts();
    B.code[1] = 77;            /* but an unknown opcode is rejected anywhere */
    rejects("rule R1 pc 1:", "unknown opcode 77");
}

static void test_version(void **state)
{
    (void)state;
    vouch_program *p = b_build(&B);
    p->version = 99;
    assert_int_equal(vouch_verify(p, &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "version 99"));
    vouch_program_free(p);
    assert_int_equal(vouch_verify(NULL, &err), VOUCH_EINPUT);
}

static void test_bad_opcode(void **state)
{
    (void)state;
    b_rule(&B, "R1", 0);
    b_op(&B, OP_NOP);
    B.code[B.ncode++] = OP__COUNT;
    b_op(&B, OP_HALT);
    rejects("program: rule R1 pc 1:", "unknown opcode");
}

static void test_operand_ranges(void **state)
{
    (void)state;
    /* constant */
    b_rule(&B, "R1", 1);
    b_const(&B, vouch_int(1));
    b_op(&B, OP_CONST, 1);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "constant 1 out of range");

    /* local */
    setup(NULL);
    b_rule(&B, "R1", 1);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_STORE, 1);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "local 1 out of range");

    /* plan */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_CLOSE, 4);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "plan 4 out of range");

    /* column of a rows plan: 2 columns */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_COLUMN, 0, 2);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "column 2 out of range");

    /* count: exactly column 0 */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_COLUMN, 2, 1);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "column 1 out of range");
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_COLUMN, 3, 0);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    accepts();

    /* exists: no columns at all */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_COLUMN, 1, 0);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "column 0 out of range");

    /* builtin */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_CALL, BI__COUNT, 1);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "builtin");

    /* builtin arity */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_CALL, BI_lower, 2);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "lower takes 1 arguments, not 2");

    /* run value */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_ENV, VOUCH_ENV__COUNT);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "run value 3 out of range");

    /* INTERP counts */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_INTERP, 0);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "INTERP count 0");
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_INTERP, VOUCH_MAX_INTERP + 1);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "INTERP count");
}

static void test_jumps(void **state)
{
    (void)state;
    /* into the middle of an instruction */
    b_rule(&B, "R1", 0);
    b_const(&B, vouch_int(1));
    b_op(&B, OP_JUMP, 3);
    b_op(&B, OP_CONST, 0); /* pc 2, its operand at 3 */
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("program: rule R1 pc 0:", "jump target 3 is not an instruction");

    /* past the end of the code */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_JUMP_FALSE, 99);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "jump target 99");

    /* into another rule */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    b_rule(&B, "R2", 0);
    b_op(&B, OP_JUMP, 0);
    b_op(&B, OP_HALT);
    rejects("rule R2 pc 1:", "jump target 0 is outside the rule");

    /* NEXT's exit target is checked too */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_SEEK, 1);
    b_op(&B, OP_NEXT, 1, 3);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 2:", "jump target 3 is not an instruction");

    /* a backward loop is fine */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_NOP);
    b_op(&B, OP_FALSE);
    b_op(&B, OP_JUMP_TRUE, 0);
    b_op(&B, OP_HALT);
    accepts();
}

static void test_stack(void **state)
{
    (void)state;
    /* underflow */
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_ADD);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "stack underflow");

    /* SEEK pops the plan's parameters */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_SEEK, 0);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "SEEK pops 2 with 1");

    /* FINDING pops two */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_FINDING);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "stack underflow");

    /* depth mismatch at a join: one path pushes, the other does not */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_JUMP_FALSE, 5);
    b_op(&B, OP_TRUE);          /* pc 3 */
    b_op(&B, OP_NOP);           /* pc 4 */
    b_op(&B, OP_HALT);          /* pc 5: reached with 0 and with 1 */
    rejects("rule R1", "another path reaches with depth");

    /* AND_JUMP keeps the value on the jump and pops it on the fall */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_AND_JUMP, 4);
    b_op(&B, OP_FALSE);          /* pc 3 */
    b_op(&B, OP_POP);            /* pc 4: depth 1 on both edges */
    b_op(&B, OP_HALT);
    accepts();
    B.code[3] = OP_NOP;          /* now the fall-through arrives with 0 */
    rejects("rule R1", "another path reaches with depth");

    /* overflow: more than VOUCH_STACK_MAX values */
    setup(NULL);
    b_rule(&B, "R1", 0);
    for (int i = 0; i < VOUCH_STACK_MAX + 1; i++)
        b_op(&B, OP_TRUE);
    for (int i = 0; i < VOUCH_STACK_MAX + 1; i++)
        b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    char where[64];
    snprintf(where, sizeof where, "rule R1 pc %d:", VOUCH_STACK_MAX);
    rejects(where, "stack overflow");

    /* HALT with values left */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "HALT with 1 values left");

    /* a loop that grows the stack at every turn never has one depth */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);          /* pc 0 */
    b_op(&B, OP_JUMP, 0);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "another path reaches with depth");
}

static void test_ends(void **state)
{
    (void)state;
    /* missing HALT: the last instruction falls off the code */
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_POP);
    rejects("rule R1 pc 1:", "runs off the end of the code without HALT");

    /* a rule falling into the next one */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_NOP);
    b_rule(&B, "R2", 0);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "runs off the end of the rule");

    /* a conditional jump whose fall-through runs off */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_JUMP_TRUE, 0);
    rejects("rule R1 pc 1:", "JUMP_TRUE runs off the end");

    /* an instruction cut short by the end of the code */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    B.code[B.ncode++] = OP_CONST;
    rejects("rule R1 pc 1:", "needs 1 operand words but the code ends");

    /* ... or by the next rule */
    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    B.code[B.ncode++] = OP_NEXT;
    B.code[B.ncode++] = 0;
    b_rule(&B, "R2", 0);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "the rule ends");
}

static void test_rules_table(void **state)
{
    (void)state;
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    b_rule(&B, "R2", 0);
    b_op(&B, OP_HALT);
    B.rules[1].entry = 0;
    rejects("rule R2", "not after the previous rule's entry");

    setup(NULL);
    b_op(&B, OP_NOP);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    rejects("pc 0:", "belongs to no rule");

    setup(NULL);
    b_op(&B, OP_HALT);
    rejects("pc 0:", "belong to no rule");

    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    B.rules[0].entry = 5;
    rejects("rule R1", "past the end");

    setup(NULL);
    b_rule(&B, "R1", VOUCH_MAX_LOCALS + 1);
    b_op(&B, OP_HALT);
    rejects("rule R1", "locals");

    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    B.rules[0].severity = SEV__COUNT;
    rejects("rule R1", "severity");

    setup(NULL);
    b_rule(&B, NULL, 0);
    b_op(&B, OP_HALT);
    rejects("rule 0", "no id");
}

static void test_declarations(void **state)
{
    (void)state;
    vouch_program *p;

    /* text constant with no bytes */
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    p = b_build(&B);
    vouch_value *k = vouch_program_alloc(p, sizeof *k);
    *k = vouch_text(NULL, 0);
    p->consts = k;
    p->nconsts = 1;
    assert_int_equal(vouch_verify(p, &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "constant 0"));
    k->type = 42;
    assert_int_equal(vouch_verify(p, &err), VOUCH_EINPUT);
    assert_non_null(strstr(err.msg, "unknown type"));
    vouch_program_free(p);

    /* plans */
    vouch_plan bad;
    vouch_plan_term terms[2];
    uint32_t cols[1];
    struct {
        const char *what;
        int field;
    } cases[] = {
        {"table 1 out of range", 0}, {"unknown mode", 1},       {"column 4 out of range", 2},
        {"parameter 0 is used by two terms", 3}, {"parameter 2 out of range", 4},
        {"is table column 9", 5},   {"aggregated column 7", 6}, {"unknown comparison", 7},
        {"2 terms for 1 parameters", 8},
    };
    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        setup(NULL);
        b_rule(&B, "R1", 0);
        b_op(&B, OP_HALT);
        memcpy(terms, rows_terms, sizeof terms);
        cols[0] = 1;
        bad = (vouch_plan){0, PLAN_ROWS, 1, 0, 2, terms, 2, 1, cols, 0, 0, NULL};
        switch (cases[c].field) {
        case 0: bad.table = 1; break;
        case 1: bad.mode = 9; break;
        case 2: terms[1].column = 4; break;
        case 3: terms[1].param = 0; break;
        case 4: terms[1].param = 2; break;
        case 5: cols[0] = 9; break;
        case 6: bad.mode = PLAN_MIN; bad.agg_column = 7; break;
        case 7: terms[0].cmp = 6; break;
        case 8: bad.nparams = 1; break;
        }
        B.plans = &bad;
        B.nplans = 1;
        rejects("plan 0", cases[c].what);
    }

    /* tables */
    vouch_column_decl tcols[2] = {{"a", VT_TEXT, 0, -1}, {"b", VT_INT, 0, -1}};
    uint32_t tkey[1] = {0};
    vouch_table_decl t = {"t", 2, tcols, 1, tkey, 0, 0};
    setup(NULL);
    B.tables = &t;
    B.plans = NULL;
    B.nplans = 0;
    accepts();
    tkey[0] = 2;
    rejects("table t", "key column 2 out of range");
    tkey[0] = 0;
    tcols[0].enum_id = 0;
    rejects("table t", "enum 0 out of range");
    tcols[0].enum_id = -1;
    tcols[1].type = VT__COUNT;
    rejects("table t", "unknown type");
    tcols[1].type = VT_INT;
    /* the dating column: a date column of the table (1 + its index) */
    t.dated = 2;
    rejects("table t", "dated by column 1, which is not a date column");
    t.dated = 3;
    rejects("table t", "dated by column 2, which is not a date column");
    tcols[1].type = VT_DATE;
    t.dated = 2;
    accepts();
    t.dated = 0;
    tcols[1].type = VT_INT;
    t.name = NULL;
    rejects("table 0", "no name");
}

/* ---- fuzz: every byte of a good program's code, flipped -------------------- */

/* Verifies p; if accepted, runs it (which must not crash), else checks the
 * rejection is a clean program error. */
/* Explain programs: TRACE names a point that exists and peeks at a value
 * that is there; the points themselves are consistent. */
/* Filters: operators known, operands in range, parameters the filter's
 * own, a stack that never runs dry and ends with one value. */
static void test_filters(void **state)
{
    (void)state;
    /* plan 0: terms use $0 and $1; the filter gets $2 */
    uint32_t good[] = {FOP_COL, 3, FOP_PARAM, 2, FOP_LE, FOP_NOT};
    vouch_plan pl[4];
    memcpy(pl, plans, sizeof pl);
    B.plans = pl;
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    pl[0].nparams = 3;
    rejects("plan 0", "3 parameters");  /* (the message: 2 terms for 3 parameters) */
    pl[0].filter = good;
    pl[0].nfilter = 6;
    accepts();
    uint32_t bad_col[] = {FOP_COL, 4, FOP_NOT};
    pl[0].filter = bad_col;
    pl[0].nfilter = 3;
    rejects("plan 0", "column 4 out of range");
    uint32_t term_param[] = {FOP_PARAM, 1, FOP_NOT};
    pl[0].filter = term_param;
    rejects("plan 0", "parameter 1 is not the filter's");
    uint32_t underflow[] = {FOP_COL, 3, FOP_AND};
    pl[0].filter = underflow;
    rejects("plan 0", "stack underflow");
    uint32_t two[] = {FOP_COL, 3, FOP_COL, 3};
    pl[0].filter = two;
    pl[0].nfilter = 4;
    rejects("plan 0", "leaves 2 values");
    uint32_t unknown[] = {FOP__COUNT};
    pl[0].filter = unknown;
    pl[0].nfilter = 1;
    rejects("plan 0", "unknown operator");
    uint32_t cut[] = {FOP_COL};
    pl[0].filter = cut;
    rejects("plan 0", "operand missing");
}

static void test_trace_points(void **state)
{
    (void)state;
    vouch_trace_point pts[2] = {{"a and b", "t.vouch", 1, 1, -1, -1, POINT_COND, 1},
                                {"a", "t.vouch", 1, 1, 0, -1, POINT_COND, 0}};
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_TRACE, 1);
    b_op(&B, OP_TRACE, 0);
    b_op(&B, OP_POP);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 1:", "trace point 1 out of range (0 points)");
    B.points = pts;
    B.npoints = 2;
    accepts();

    setup(NULL);
    B.points = pts;
    B.npoints = 2;
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRACE, 0);
    b_op(&B, OP_HALT);
    rejects("rule R1 pc 0:", "stack underflow");

    setup(NULL);
    b_rule(&B, "R1", 0);
    b_op(&B, OP_HALT);
    pts[1].parent = 1;
    B.points = pts;
    B.npoints = 2;
    rejects("trace point 1", "parent 1 out of range");
    pts[1].parent = 0;
    pts[1].plan = 4;
    rejects("trace point 1", "plan 4 out of range");
    pts[1].plan = 3;
    accepts();
    pts[1].kind = 9;
    rejects("trace point 1", "unknown kind 9");
}

static void try_variant(vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                        FILE *devnull, int disasm, unsigned long *accepted,
                        unsigned long *rejected)
{
    vouch_status st = vouch_verify(p, &err);
    if (st == VOUCH_OK) {
        ++*accepted;
        vouch_results res;
        vouch_vm_run(p, f, env, &res, &err);
        vouch_results_free(&res);
    } else {
        assert_int_equal(st, VOUCH_EINPUT);
        assert_non_null(strstr(err.msg, "program: "));
        ++*rejected;
    }
    /* The disassembler must survive whatever it is shown. */
    if (disasm)
        vouch_disasm(p, devnull);
}

static void test_flip_every_byte(void **state)
{
    (void)state;
    /* A plan-free rule plus good_rules' plan-driven ones; accepted variants
     * run against a real store under a step budget of 500. */
    uint32_t k_t = b_const(&B, vouch_text("ab", 2));
    uint32_t k_i = b_const(&B, vouch_int(INT64_MAX));
    uint32_t k_d = b_const(&B, vouch_dur(3));
    b_rule(&B, "R1_fuzz", 2);
    b_op(&B, OP_CONST, k_i);
    b_op(&B, OP_CONST, k_i);
    b_op(&B, OP_LT);
    b_op(&B, OP_STORE, 0);
    b_op(&B, OP_CONST, k_t);
    b_op(&B, OP_CALL, BI_upper, 1);
    b_op(&B, OP_STORE, 1);
    uint32_t top = b_op(&B, OP_LOAD, 0);
    uint32_t j = b_op(&B, OP_JUMP_TRUE, 0);
    b_op(&B, OP_ENV, VOUCH_ENV_TODAY);
    b_op(&B, OP_CONST, k_d);
    b_op(&B, OP_DATE_ADD);
    b_op(&B, OP_LOAD, 1);
    b_op(&B, OP_INTERP, 2);
    b_op(&B, OP_LOAD, 1);
    b_op(&B, OP_FINDING);
    b_op(&B, OP_TRUE);
    b_op(&B, OP_JUMP_FALSE, top);
    uint32_t end = b_op(&B, OP_HALT);
    B.code[j + 1] = end;
    good_rules(&B);

    vouch_program *p = b_build(&B);
    assert_int_equal(vouch_verify(p, &err), VOUCH_OK);

    /* A real store, so accepted variants that seek read real rows. */
    char dir[64], path[128];
    snprintf(dir, sizeof dir, "/tmp/vouch_test_verify_XXXXXX");
    assert_non_null(mkdtemp(dir));
    snprintf(path, sizeof path, "%s/facts.db", dir);
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db,
        "CREATE TABLE evidence(id TEXT, control TEXT, collected_on TEXT, score INTEGER);"
        "INSERT INTO evidence VALUES ('e1','A.5.15','2024-10-01',3),"
        "  ('e2','A.5.15','2024-12-01',NULL),('e3','a.5.15','2025-01-01',9),"
        "  ('e4','A.8.1','1999-01-01',1);", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);
    vouch_facts *f = NULL;
    assert_int_equal(vouch_facts_open(path, &f, &err), VOUCH_OK);
    assert_int_equal(vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err), VOUCH_OK);

    vouch_run_env env = {.today = 20000, .period_start = 19000, .period_end = 20000, .step_budget = 500};
    /* the unmutated program runs and reads the store */
    vouch_results res0;
    assert_int_equal(vouch_vm_run(p, f, &env, &res0, &err), VOUCH_OK);
    assert_true(res0.nfindings > 0);
    vouch_results_free(&res0);
    unsigned char *bytes = (unsigned char *)p->code;
    size_t nbytes = (size_t)p->ncode * sizeof *p->code;
    unsigned long accepted = 0, rejected = 0;
    FILE *devnull = fopen("/dev/null", "w");
    assert_non_null(devnull);
    for (size_t i = 0; i < nbytes; i++) {
        unsigned char orig = bytes[i];
        for (unsigned x = 1; x < 256; x++) {
            bytes[i] = (unsigned char)(orig ^ x);
            try_variant(p, f, &env, devnull, x == 0x80 || x == 0x01, &accepted, &rejected);
        }
        bytes[i] = orig;
    }
    /* Flipped bytes mostly make huge words; small words (other opcodes,
     * near indices and jump targets) get far more variants past the
     * verifier and into the VM. */
    for (uint32_t w = 0; w < p->ncode; w++) {
        uint32_t orig = p->code[w];
        for (uint32_t x = 0; x < 64; x++) {
            if (x == orig)
                continue;
            p->code[w] = x;
            try_variant(p, f, &env, devnull, 0, &accepted, &rejected);
        }
        p->code[w] = orig;
    }
    fclose(devnull);
    print_message("mutated code: %lu variants accepted (and run), %lu rejected\n", accepted,
                  rejected);
    assert_true(accepted > 0);
    assert_true(rejected > accepted);
    vouch_facts_close(f);
    vouch_program_free(p);
    unlink(path);
    rmdir(dir);
}

/* The source positions: files in range, pcs increasing inside the code,
 * and the subject on the stack only where every path leaves a value. */
static void positions_rule(void)
{
    static const char *files[] = {"a.vouch"};
    setup(NULL);
    B.files = files;
    B.nfiles = 1;
    b_rule(&B, "R1", 0);
    b_op(&B, OP_TRUE);  /* pc 0, depth 0 */
    b_op(&B, OP_POP);   /* pc 1, depth 1 */
    b_op(&B, OP_HALT);  /* pc 2, depth 0 */
}

static void test_positions(void **state)
{
    (void)state;
    positions_rule();
    b_pos(&B, 0, 0, 1, 1, SUBJ_NONE);
    b_pos(&B, 1, 0, 2, 3, SUBJ_STACK);
    b_pos(&B, 2, 0, 1, 1, SUBJ_ROW);
    accepts();

    positions_rule();
    b_pos(&B, 0, 0, 1, 1, SUBJ_STACK);
    rejects("rule R1 pc 0:", "position 0 puts the subject on an empty stack");

    positions_rule();
    b_pos(&B, 1, 0, 1, 1, SUBJ_STACK); /* covers pc 2 too, where the stack is empty */
    rejects("rule R1 pc 2:", "position 0 puts the subject on an empty stack");

    positions_rule();
    b_pos(&B, 0, 1, 1, 1, SUBJ_NONE);
    rejects("program:", "position 0: file 1 out of range (1 files)");

    positions_rule();
    b_pos(&B, 3, 0, 1, 1, SUBJ_NONE);
    rejects("program:", "position 0: pc 3 outside the code");

    positions_rule();
    b_pos(&B, 1, 0, 1, 1, SUBJ_NONE);
    b_pos(&B, 1, 0, 2, 1, SUBJ_NONE);
    rejects("program:", "position 1: pc 1 not after the previous");

    positions_rule();
    b_pos(&B, 0, 0, 1, 1, SUBJ__COUNT);
    rejects("program:", "position 0: unknown subject place");

    positions_rule();
    B.files = NULL;
    b_pos(&B, 0, 0, 1, 1, SUBJ_NONE);
    rejects("program:", "no list");
}

/* Sources: the loader runs them unchecked, so the verifier keeps what it
 * relies on (program.h, "Sources"). */
static void test_sources(void **state)
{
    (void)state;
    static vouch_map_entry map[] = {{"Approve", "x"}, {NULL, "y"}};
    static vouch_map_entry bad_map[] = {{NULL, "y"}, {"Approve", "x"}};
    static const char *one[] = {"NotReviewed"};
    vouch_feed feeds[3] = {
        {.column = 0, .kind = FEED_INPUT, .path = "id"},
        {.column = 1, .kind = FEED_CONSTANT, .value = "A.5.18", .nmap = 2, .map = map},
        {.column = 2, .kind = FEED_INPUT, .path = "when", .pattern = "%d/%m/%Y", .zone = "UTC"},
    };
    vouch_source_skip skips[1] = {{"decision", SKIP_EQ, 1, one}};
    vouch_source_decl src = {"s", 0, SRC_JSON, "value", 3, feeds, 1, skips, "x.vouch", 1};
    B.sources = &src;
    B.nsources = 1;
    accepts();

    src.table = 1;
    rejects("source s", "table 1 out of range");
    src.table = 0;
    src.format = SRC__COUNT;
    rejects("source s", "unknown format");
    src.format = SRC_CSV;
    feeds[1].column = 9;
    rejects("source s", "column 9 out of range");
    feeds[1].column = 0;
    rejects("source s", "column id is fed twice");
    feeds[1].column = 1;
    src.nfeeds = 1;
    rejects("source s", "required column control is not fed");
    src.nfeeds = 3;
    feeds[0].path = NULL;
    rejects("source s", "feed 0 has no path");
    feeds[0].path = "id";
    feeds[0].zone = "UTC";
    rejects("source s", "a date-time pattern or zone on a column that is not a date");
    feeds[0].zone = NULL;
    feeds[2].pattern = "%d/%q";
    rejects("source s", "bad date-time pattern");
    feeds[2].pattern = NULL;
    feeds[1].map = bad_map;
    rejects("source s", "its map's `else` is not last");
    feeds[1].map = map;
    skips[0].nvalues = 0;
    rejects("source s", "skip condition 0 is malformed");
    skips[0].nvalues = 1;
    accepts();

    /* a format (several paths) needs its template; a csv source's are
     * column names */
    feeds[0].kind = FEED_FORMAT;
    feeds[0].path = NULL;
    rejects("source s", "feed 0 has no path");
    feeds[0].path = "<a>:<b>";
    accepts();
    /* JSON text needs a JSON document */
    feeds[0].kind = FEED_JSON;
    rejects("source s", "feed 0: JSON text in a csv source");
    src.format = SRC_JSON;
    accepts();
    feeds[0].kind = FEED__COUNT;
    rejects("source s", "feed 0 has no path");
    feeds[0].kind = FEED_INPUT;

    /* `else` alternatives: a list that is there, never on a constant,
     * each a way to read with a path */
    vouch_feed_alt alts[2] = {{FEED_INPUT, "b"}, {FEED_FORMAT, "<c>"}};
    feeds[0].nelse = 2;
    rejects("source s", "feed 0: bad `else` alternatives");
    feeds[0].elses = alts;
    accepts();
    alts[1].path = NULL;
    rejects("source s", "feed 0: `else` 2 is malformed");
    alts[1].path = "<c>";
    alts[0].kind = FEED_CONSTANT;
    rejects("source s", "feed 0: `else` 1 is malformed");
    alts[0].kind = FEED_JSON;
    accepts();
    src.format = SRC_CSV;
    rejects("source s", "feed 0: `else` 1 is malformed");
    src.format = SRC_JSON;
    feeds[1].nelse = 2;
    feeds[1].elses = alts;
    rejects("source s", "feed 1: bad `else` alternatives");
    feeds[1].nelse = 0;
    feeds[1].elses = NULL;
    accepts();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_accepts_good, setup),
        cmocka_unit_test_setup(test_accepts_empty, setup),
        cmocka_unit_test_setup(test_unreachable_code_is_still_decoded, setup),
        cmocka_unit_test_setup(test_version, setup),
        cmocka_unit_test_setup(test_bad_opcode, setup),
        cmocka_unit_test_setup(test_operand_ranges, setup),
        cmocka_unit_test_setup(test_jumps, setup),
        cmocka_unit_test_setup(test_stack, setup),
        cmocka_unit_test_setup(test_ends, setup),
        cmocka_unit_test_setup(test_rules_table, setup),
        cmocka_unit_test_setup(test_declarations, setup),
        cmocka_unit_test_setup(test_trace_points, setup),
        cmocka_unit_test_setup(test_filters, setup),
        cmocka_unit_test_setup(test_flip_every_byte, setup),
        cmocka_unit_test_setup(test_positions, setup),
        cmocka_unit_test_setup(test_sources, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
