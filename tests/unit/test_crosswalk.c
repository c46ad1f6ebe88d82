/*
 * test_crosswalk.c: the composition of crosswalk relations and what a
 * chain of them carries (runtime/report/crosswalk.h), tested exhaustively.
 *
 * The relations are checked against a model: a control is a non-empty set
 * of requirements drawn from a universe of UNIVERSE of them, and a label
 * holds between two sets as docs/language.md reads it (equal: the same set;
 * subset_of: within; superset_of: contains; intersects: they share a
 * requirement; unspecified: anything). For every chain of two and three
 * relations and every choice of sets the labels allow, the composed
 * relation must hold (sound) and no stronger label may hold for every such
 * choice (tight). Longer chains follow by associativity, which is checked
 * for every triple, and the "implies" properties are checked on every chain
 * of up to five hops.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "crosswalk.h"

#define UNIVERSE 4
#define NSETS ((1u << UNIVERSE) - 1) /* the non-empty subsets, as masks 1..NSETS */

enum { E = REL_EQUAL, SB = REL_SUBSET_OF, SP = REL_SUPERSET_OF, I = REL_INTERSECTS, U = REL_UNSPECIFIED };

/* Does label rel hold between the sets x and z? */
static int holds(int rel, unsigned x, unsigned z)
{
    switch (rel) {
    case E: return x == z;
    case SB: return (x & ~z) == 0;
    case SP: return (z & ~x) == 0;
    case I: return (x & z) != 0;
    default: return 1;
    }
}

/* Does label a say at least what label b says (for non-empty sets)? */
static int stronger_or_same(int a, int b)
{
    if (a == b || b == U || a == E)
        return 1;
    return b == I && (a == SB || a == SP);
}

/* Checks the composed relation of a chain against every choice of sets:
 * it holds for all of them, and every label that holds for all of them is
 * one it implies. */
static void check_chain(const uint8_t *rels, uint32_t n)
{
    int always[REL__COUNT] = {1, 1, 1, 1, 1};
    unsigned sets[8];
    /* Odometer over n + 1 sets, pruned by the labels hop by hop. */
    uint32_t depth = 0;
    sets[0] = 0;
    for (;;) {
        sets[depth]++;
        if (sets[depth] > NSETS) {
            if (depth == 0)
                break;
            depth--;
            continue;
        }
        if (depth > 0 && !holds(rels[depth - 1], sets[depth - 1], sets[depth]))
            continue;
        if (depth < n) {
            sets[++depth] = 0;
            continue;
        }
        for (int l = 0; l < REL__COUNT; l++)
            if (!holds(l, sets[0], sets[n]))
                always[l] = 0;
    }
    vouch_relation got = vouch_relation_compose(rels, n);
    assert_true(always[got]);
    for (int l = 0; l < REL__COUNT; l++)
        if (always[l])
            assert_true(stronger_or_same(got, l));
}

/* The table docs/language.md prints, cell by cell. */
static void test_then_table(void **state)
{
    (void)state;
    static const uint8_t table[REL__COUNT][REL__COUNT] = {
        /*        E   SB  SP  I   U */
        /* E  */ {E, SB, SP, I, U},
        /* SB */ {SB, SB, U, U, U},
        /* SP */ {SP, I, SP, I, U},
        /* I  */ {I, I, U, U, U},
        /* U  */ {U, U, U, U, U},
    };
    for (int a = 0; a < REL__COUNT; a++)
        for (int b = 0; b < REL__COUNT; b++)
            assert_int_equal(vouch_relation_then((uint32_t)a, (uint32_t)b), table[a][b]);
    /* Out-of-range relations read as unspecified. */
    assert_int_equal(vouch_relation_then(77, E), U);
    assert_int_equal(vouch_relation_then(E, 200), U);
    uint8_t none[1] = {0};
    assert_int_equal(vouch_relation_compose(none, 0), E);
}

/* Every pair and every triple of relations against the set model. */
static void test_compose_sound_and_tight(void **state)
{
    (void)state;
    uint8_t rels[3];
    for (int a = 0; a < REL__COUNT; a++) {
        rels[0] = (uint8_t)a;
        check_chain(rels, 1);
        for (int b = 0; b < REL__COUNT; b++) {
            rels[1] = (uint8_t)b;
            check_chain(rels, 2);
            for (int c = 0; c < REL__COUNT; c++) {
                rels[2] = (uint8_t)c;
                check_chain(rels, 3);
            }
        }
    }
}

/* Any grouping of a chain gives the same relation, and a chain read
 * backwards (each hop inverted, in reverse order) gives the inverse. */
static void test_compose_associative_and_reversible(void **state)
{
    (void)state;
    for (uint32_t a = 0; a < REL__COUNT; a++)
        for (uint32_t b = 0; b < REL__COUNT; b++) {
            assert_int_equal(vouch_relation_then(vouch_relation_inverse(b), vouch_relation_inverse(a)),
                             vouch_relation_inverse(vouch_relation_then(a, b)));
            for (uint32_t c = 0; c < REL__COUNT; c++)
                assert_int_equal(vouch_relation_then(vouch_relation_then(a, b), c),
                                 vouch_relation_then(a, vouch_relation_then(b, c)));
        }
}

/* What a single relation carries, against the model: a failure of A (an
 * unmet requirement of A) is a failure of B for every choice of sets
 * exactly when A lies within B; a pass of A (every requirement of A met)
 * is a pass of B exactly when B lies within A. */
static void test_carry_one_hop(void **state)
{
    (void)state;
    for (int rel = 0; rel < REL__COUNT; rel++) {
        int within = 1, contains = 1;
        for (unsigned x = 1; x <= NSETS; x++)
            for (unsigned y = 1; y <= NSETS; y++)
                if (holds(rel, x, y)) {
                    within &= (x & ~y) == 0;
                    contains &= (y & ~x) == 0;
                }
        assert_int_equal(vouch_relation_implies_fail((uint32_t)rel), within);
        assert_int_equal(vouch_relation_implies_pass((uint32_t)rel), contains);
        assert_int_equal(vouch_relation_carry((uint32_t)rel, COV_NOT_SATISFIED),
                         within ? COV_NOT_SATISFIED : COV_AT_RISK);
        assert_int_equal(vouch_relation_carry((uint32_t)rel, COV_SATISFIED), contains ? COV_SATISFIED : COV_PARTIAL);
        /* Nothing evaluated stays so; weakened results stay as they are. */
        assert_int_equal(vouch_relation_carry((uint32_t)rel, COV_NOT_ASSESSED), COV_NOT_ASSESSED);
        assert_int_equal(vouch_relation_carry((uint32_t)rel, COV_PARTIAL), COV_PARTIAL);
        assert_int_equal(vouch_relation_carry((uint32_t)rel, COV_AT_RISK), COV_AT_RISK);
    }
    assert_int_equal(vouch_relation_carry(99, COV_NOT_SATISFIED), COV_AT_RISK);
    assert_int_equal(vouch_relation_carry(99, COV_SATISFIED), COV_PARTIAL);
}

/* On every chain of one to five hops: a failure reaches the far end whole
 * exactly when every hop is equal or subset_of, a pass exactly when every
 * hop is equal or superset_of. */
static void test_carry_chains(void **state)
{
    (void)state;
    uint8_t rels[5];
    for (uint32_t n = 1; n <= 5; n++) {
        uint32_t total = 1;
        for (uint32_t i = 0; i < n; i++)
            total *= REL__COUNT;
        for (uint32_t code = 0; code < total; code++) {
            int fail = 1, pass = 1;
            for (uint32_t i = 0, c = code; i < n; i++, c /= REL__COUNT) {
                rels[i] = (uint8_t)(c % REL__COUNT);
                fail &= rels[i] == E || rels[i] == SB;
                pass &= rels[i] == E || rels[i] == SP;
            }
            vouch_relation r = vouch_relation_compose(rels, n);
            assert_int_equal(vouch_relation_carry(r, COV_NOT_SATISFIED), fail ? COV_NOT_SATISFIED : COV_AT_RISK);
            assert_int_equal(vouch_relation_carry(r, COV_SATISFIED), pass ? COV_SATISFIED : COV_PARTIAL);
            /* folding from either end agrees */
            vouch_relation back = REL_EQUAL;
            for (uint32_t i = n; i-- > 0;)
                back = vouch_relation_then(rels[i], back);
            assert_int_equal(back, r);
        }
    }
}

static void test_status_names(void **state)
{
    (void)state;
    assert_string_equal(vouch_cov_status_name(COV_AT_RISK), "at_risk");
    assert_string_equal(vouch_cov_status_name(COV_NOT_SATISFIED), "not_satisfied");
    assert_string_equal(vouch_cov_status_name(COV_NOT_ASSESSED), "not_assessed");
    assert_string_equal(vouch_cov_status_name(COV__COUNT), "?");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_then_table),
        cmocka_unit_test(test_compose_sound_and_tight),
        cmocka_unit_test(test_compose_associative_and_reversible),
        cmocka_unit_test(test_carry_one_hop),
        cmocka_unit_test(test_carry_chains),
        cmocka_unit_test(test_status_names),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
