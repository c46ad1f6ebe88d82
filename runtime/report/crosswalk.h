/*
 * crosswalk.h: how a result on one framework control travels to others.
 *
 * A program's crosswalk pairs (program.h) read "src RELATION dst" as in NIST
 * OLIR. They form an undirected graph over every declared control: walking
 * a pair forwards uses its relation, walking it backwards the inverse
 * (subset_of <-> superset_of; equal, intersects and unspecified are their
 * own inverses).
 *
 * What a result on control A says about control B, when A RELATION B, reads
 * each relation as one between the sets of requirements of A and B:
 *
 *     relation      A fails: B is      A passes: B is
 *     equal         not satisfied      satisfied
 *     subset_of     not satisfied      partial        (A is a part of B)
 *     superset_of   at risk            satisfied      (B is a part of A)
 *     intersects    at risk            partial
 *     unspecified   at risk            partial
 *
 * A failure of a part is a failure of the whole; a pass of the whole is a
 * pass of each part; anything else is at most "at risk" (the failure may
 * lie in what B shares with A) or "partial" (the pass covers what B shares
 * with A, at most). A chain of pairs amounts to one relation,
 * vouch_relation_compose (the table is in docs/language.md): equal if every
 * hop is equal, subset_of if every hop is equal or subset_of, superset_of if
 * every hop is equal or superset_of, so a chain implies a failure (a pass)
 * exactly when each of its hops does.
 *
 * Chains through pivot frameworks are followed up to
 * VOUCH_CROSSWALK_MAX_HOPS pairs and never visit a control twice. Among the
 * ways to reach a control the best one for a goal is kept: fewest hops
 * first, then a path that carries the goal's result whole (a failure for
 * REACH_FAIL, a pass for REACH_PASS), then one that carries the other whole,
 * then the first found in pair order (so the choice is deterministic).
 * Pairs the compiler marks `derived` are skipped: the runtime chains the
 * declared pairs itself so that it can record the path.
 *
 * The graph never trusts the program: pairs or maps naming a framework or
 * control out of range are ignored.
 *
 * Ownership: vouch_crosswalk_new/free; a vouch_reach_list is the caller's,
 * released with vouch_reach_list_free. Nothing here prints.
 */
#ifndef VOUCH_CROSSWALK_H
#define VOUCH_CROSSWALK_H

#include <stdint.h>
#include "program.h"
#include "error.h"

/* The longest chain of crosswalk pairs a result travels. */
#define VOUCH_CROSSWALK_MAX_HOPS 3

/* A control's status in a coverage report. not_satisfied and satisfied are
 * what a rule's own result says; at_risk is a failure carried by a relation
 * that does not imply it, partial a pass carried by one that does not imply
 * it; not_assessed means nothing evaluated the control. */
typedef enum vouch_cov_status {
    COV_NOT_SATISFIED = 0,
    COV_AT_RISK,
    COV_PARTIAL,
    COV_SATISFIED,
    COV_NOT_ASSESSED,
    COV__COUNT
} vouch_cov_status;

/* What a walk looks for: a path that carries a pass whole, or a failure. */
typedef enum vouch_reach_goal { REACH_PASS = 0, REACH_FAIL } vouch_reach_goal;

/* "not_satisfied", "at_risk", "partial", "satisfied", "not_assessed". */
const char *vouch_cov_status_name(uint32_t s);
/* The relation read the other way: subset_of <-> superset_of, the rest
 * unchanged. Out-of-range relations read as unspecified. */
vouch_relation vouch_relation_inverse(uint32_t rel);
/* The relation A has to C when A a B and B b C (out-of-range relations read
 * as unspecified): the strongest that holds whatever the sets are. equal is
 * neutral; subset_of and superset_of chain with themselves; a superset_of
 * then a subset_of, or an intersects next to a containment that keeps the
 * shared part (intersects then subset_of, superset_of then intersects),
 * leave A and C sharing something: intersects, in the sense "they share
 * requirements; no containment is known"; the rest may share nothing:
 * unspecified. */
vouch_relation vouch_relation_then(uint32_t a, uint32_t b);
/* The relation a chain amounts to: vouch_relation_then folded left to
 * right; equal for an empty chain. The fold is associative, so any
 * grouping gives the same answer. */
vouch_relation vouch_relation_compose(const uint8_t *rels, uint32_t n);
/* 1 if a failure of A is a failure of B when A rel B (equal, subset_of). */
int vouch_relation_implies_fail(uint32_t rel);
/* 1 if a pass of A is a pass of B when A rel B (equal, superset_of). */
int vouch_relation_implies_pass(uint32_t rel);
/* What a status on A makes of B when A rel B: satisfied becomes partial and
 * not_satisfied at_risk unless the relation implies them; not_assessed,
 * partial and at_risk stay as they are. */
vouch_cov_status vouch_relation_carry(uint32_t rel, vouch_cov_status st);

/* One pair walked on the way to a control. */
typedef struct vouch_hop {
    vouch_control_ref to;    /* the control this hop arrives at */
    uint8_t relation;        /* vouch_relation as walked: "previous REL to" */
    uint8_t backward;        /* 1: the pair was walked from its dst to its src */
    uint32_t pair;           /* index into program->pairs */
} vouch_hop;

/* A control a rule touches and the best way it gets there. */
typedef struct vouch_reach {
    vouch_control_ref control;
    vouch_control_ref origin;  /* the rule's own mapped control the path starts at */
    uint8_t nhops;             /* 0: the rule maps the control itself (direct) */
    uint8_t relation;          /* vouch_relation_compose of the hops; equal when direct */
    vouch_hop hops[VOUCH_CROSSWALK_MAX_HOPS];
} vouch_reach;

/* Sorted by hops, then framework, then control; no control twice. */
typedef struct vouch_reach_list {
    uint32_t n, cap;
    vouch_reach *items;
} vouch_reach_list;

void vouch_reach_list_free(vouch_reach_list *l);

/* The crosswalk graph of a program, built once and asked many times. It
 * borrows the program, which must outlive it. */
typedef struct vouch_crosswalk vouch_crosswalk;

/* NULL if out of memory. */
vouch_crosswalk *vouch_crosswalk_new(const vouch_program *p);
void vouch_crosswalk_free(vouch_crosswalk *cw);

/* Everything reachable from the n start controls: each start itself
 * (direct) and every control within VOUCH_CROSSWALK_MAX_HOPS pairs of one,
 * with its best path for goal. The walk never enters the framework of a
 * start control, nor of any of the nkeep controls of keep (a rule's other
 * maps; keep may be NULL). Replaces out's contents. The graph keeps scratch
 * state, hence not const: one graph serves one thread. */
vouch_status vouch_crosswalk_reach(vouch_crosswalk *cw, const vouch_control_ref *start, uint32_t n,
                                   const vouch_control_ref *keep, uint32_t nkeep, vouch_reach_goal goal,
                                   vouch_reach_list *out, vouch_error *err);

/* The controls a rule touches: its own `maps` (direct) plus everything
 * reachable from them, by the best paths for goal. Out-of-range rules touch
 * nothing. */
vouch_status vouch_crosswalk_rule_reach(vouch_crosswalk *cw, uint32_t rule, vouch_reach_goal goal,
                                        vouch_reach_list *out, vouch_error *err);

/* How many controls the walked pairs join to both a and b: the pivots a
 * two-hop path between them can go through. A derived pair rests on as
 * many (prowler checks shared by an ISO and a SOC 2 control, SP 800-53
 * controls shared by a CSF and an ISO control); resting on one, it is
 * weak: one check decides it. Uses the graph's scratch state. */
uint32_t vouch_crosswalk_shared(vouch_crosswalk *cw, vouch_control_ref a, vouch_control_ref b);

/* The same for a one-off question: builds and frees a graph. */
vouch_status vouch_rule_reach(const vouch_program *p, uint32_t rule, vouch_reach_goal goal, vouch_reach_list *out,
                              vouch_error *err);

/* 1 if ref names a declared control of p. */
int vouch_control_ref_valid(const vouch_program *p, vouch_control_ref ref);

#endif
