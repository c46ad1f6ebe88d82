/*
 * crosswalk.h: how a result on one framework control travels to others.
 *
 * A program's crosswalk pairs (program.h) read "src RELATION dst" as in NIST
 * OLIR. They form an undirected graph over every declared control: walking
 * a pair forwards uses its relation, walking it backwards the inverse
 * (subset_of <-> superset_of; equal, intersects and unspecified are their
 * own inverses). Each relation caps what it carries:
 *
 *     equal, superset_of                 the result whole (up to satisfied)
 *     subset_of, intersects, unspecified at most partial
 *
 * on the lattice not_satisfied < partial < satisfied. A result that crosses
 * several pairs is the meet of the source status and every hop's cap: the
 * weakest link wins. Chains through pivot frameworks are followed up to
 * VOUCH_CROSSWALK_MAX_HOPS pairs and never visit a control twice.
 *
 * Among the ways to reach a control the best one is kept: fewest hops
 * first, then the strongest cap, then the first found in pair order (so the
 * choice is deterministic). Pairs the compiler marks `derived` are skipped:
 * the runtime chains the declared pairs itself so that it can record the
 * path.
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

/* A control's status in a coverage report. The first three are the lattice
 * not_satisfied < partial < satisfied (numerically ordered); not_assessed
 * means nothing evaluated it and is outside the lattice. */
typedef enum vouch_cov_status {
    COV_NOT_SATISFIED = 0,
    COV_PARTIAL,
    COV_SATISFIED,
    COV_NOT_ASSESSED,
    COV__COUNT
} vouch_cov_status;

/* "not_satisfied", "partial", "satisfied", "not_assessed". */
const char *vouch_cov_status_name(uint32_t s);
/* The relation read the other way: subset_of <-> superset_of, the rest
 * unchanged. Out-of-range relations read as unspecified. */
vouch_relation vouch_relation_inverse(uint32_t rel);
/* The strongest status a relation carries: COV_SATISFIED for equal and
 * superset_of, COV_PARTIAL for the others. */
vouch_cov_status vouch_relation_cap(uint32_t rel);
/* The relation a chain of relations amounts to: equal if every hop is
 * equal; subset_of (superset_of) if every hop is equal or subset_of
 * (superset_of); intersects if one hop is intersects and the others equal;
 * unspecified otherwise. */
vouch_relation vouch_relation_compose(const uint8_t *rels, uint32_t n);
/* Meet on the lattice (the weaker of a and b); not_assessed absorbs. */
vouch_cov_status vouch_cov_meet(vouch_cov_status a, vouch_cov_status b);

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
    uint8_t relation;          /* vouch_relation_compose of the hops; meaningless when direct */
    uint8_t cap;               /* vouch_cov_status: the strongest status it carries */
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
 * with its best path. Replaces out's contents. The graph keeps scratch
 * state, hence not const: one graph serves one thread. */
vouch_status vouch_crosswalk_reach(vouch_crosswalk *cw, const vouch_control_ref *start, uint32_t n,
                                   vouch_reach_list *out, vouch_error *err);

/* The controls a rule touches: its own `maps` (direct) plus everything
 * reachable from them. Out-of-range rules touch nothing. */
vouch_status vouch_crosswalk_rule_reach(vouch_crosswalk *cw, uint32_t rule, vouch_reach_list *out,
                                        vouch_error *err);

/* The same for a one-off question: builds and frees a graph. */
vouch_status vouch_rule_reach(const vouch_program *p, uint32_t rule, vouch_reach_list *out, vouch_error *err);

/* 1 if ref names a declared control of p. */
int vouch_control_ref_valid(const vouch_program *p, vouch_control_ref ref);

#endif
