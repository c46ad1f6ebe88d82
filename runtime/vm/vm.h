/*
 * vm.h: the virtual machine that runs a verified program's rules against a
 * facts store and collects their outcomes.
 */
#ifndef VOUCH_VM_H
#define VOUCH_VM_H

#include <stdint.h>
#include <stdio.h>
#include "program.h"
#include "verify.h"   /* the contract: vouch_verify, the limits it enforces */
#include "facts.h"
#include "error.h"
#include "vouch_limits.h"

typedef struct vouch_run_env {
    int64_t today;           /* day number of --as-of */
    int64_t period_start;    /* audit period, inclusive */
    int64_t period_end;
    uint64_t step_budget;    /* instructions a rule may execute; 0 = default */
    uint64_t memory_limit;   /* bytes the VM may hold for the run (findings,
                              * texts); 0 = VOUCH_MAX_RUN_MEMORY */
    uint64_t deadline_ns;    /* vouch_clock_ns() (clock.h) past which the run
                              * stops, in the VM and in the store's SQL; 0 = none */
    uint32_t timeout_s;      /* the deadline's length in seconds, for messages */
    /* Explanations (explain.h), for a program compiled with explain: */
    int explain;             /* 1: attach to each finding why it happened */
    int keep_passes;         /* 1: also keep the passing subjects, explained (results.passes) */
    const char *only_subject; /* if set, explain and keep only this subject (or SUBJECT@SPAN) */
    uint32_t one_rule;       /* 0: run every rule; r + 1: run only rule r */
} vouch_run_env;

#define VOUCH_DEFAULT_STEP_BUDGET VOUCH_MAX_RULE_STEPS

/* What became of one evaluated (rule, subject) that did not simply pass. */
typedef enum vouch_status_kind {
    OUTCOME_FAIL = 0,        /* a finding */
    OUTCOME_NA,              /* not applicable: message holds the reason */
    OUTCOME_WAIVED,          /* a finding covered by a current waiver */
    OUTCOME_PASS,            /* only in vouch_results.passes */
    OUTCOME_STALE            /* require held only on evidence past its freshness
                              * (`freshness`): message names the evidence */
} vouch_status_kind;

struct vouch_why;

typedef struct vouch_finding {
    uint32_t rule;           /* index into program->rules */
    char *subject;           /* owned, NUL-terminated */
    char *message;           /* owned, NUL-terminated */
    uint8_t status;          /* vouch_status_kind; the VM records FAIL and NA */
    int32_t waiver;          /* index into program->waivers that matched, or -1 */
    uint8_t waiver_expired;  /* 1: a waiver matched but ended before the as-of date */
    struct vouch_why *why;   /* owned: why it happened (vouch_run_env.explain), or NULL */
} vouch_finding;

typedef struct vouch_rule_outcome {
    uint64_t passed;
    uint64_t failed;         /* findings still failing (after waivers) */
    uint64_t waived;
    uint64_t not_applicable;
    uint64_t stale;          /* passes that rested only on evidence past its freshness */
    int errored;             /* 1 if the rule stopped with a runtime error */
    char *error;             /* owned: the runtime error's message */
} vouch_rule_outcome;

typedef struct vouch_results {
    uint32_t nfindings, cap;
    vouch_finding *findings; /* FAIL, NA, STALE and WAIVED records, sorted by rule index,
                              * then subject, then message */
    uint32_t nrules;
    vouch_rule_outcome *rules; /* one per program rule */
    uint32_t nunused;        /* waivers that matched no finding */
    uint32_t *unused;        /* their indices into program->waivers */
    uint32_t threads;        /* VMs that ran the rules: 1, or 2 (vouch_vm_run_parallel) */
    uint32_t shared;         /* rules whose outer rows both VMs evaluated */
    uint32_t npasses, cappasses;
    vouch_finding *passes;   /* vouch_run_env.keep_passes: passing subjects
                              * (OUTCOME_PASS), explained, in run order */
} vouch_results;

/* Runs every rule of p (which must have passed vouch_verify) against f
 * (already bound to p). A rule that fails at run time (overflow, step
 * budget, bad stored value) is recorded in its outcome and the run goes on
 * with the next rule; only out-of-memory or a store failure stops the run.
 * On success the findings are sorted. */
vouch_status vouch_vm_run(const vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                          vouch_results *out, vouch_error *err);

/* For running one program's rules on several threads (vm_parallel.c):
 * each thread's VM takes the next rule nobody has taken from the queue,
 * and all take memory from one budget, so --max-memory bounds the run. A
 * VM that must stop the run sets `stop`, and the others end after their
 * current rule. out gets the outcomes of the rules this VM ran (the
 * others' stay zero) and its findings, sorted.
 *
 * With `share` (one per rule), the rows of a rule's outer loop
 * (vouch_rule_info.outer_plan) are handed out a few at a time through the
 * outer plan's cursor (vouch_facts_share_rows): a VM's cursor gives it the
 * rows it claims and passes over the others, inside one NEXT (no steps are
 * spent on them, so the two parts' steps add up to at least what one VM
 * alone would spend: the code around the loop runs in both, each row's
 * body in one). A VM that finds the queue empty
 * joins the rules still running, so one long rule does not keep the other
 * thread idle. Both VMs see the same rows in the same order (one snapshot,
 * one plan), so every row is evaluated exactly once. A rule two VMs shared
 * that failed, or whose two parts together ran past the step budget, must
 * be run again on one VM (vm_parallel.c): its outcome must not depend on
 * how its rows were shared. */
typedef struct vouch_rule_share {
    vouch_facts_share rows;      /* its outer plan's rows (facts.h) */
    _Atomic int started;         /* a VM took the rule from the queue */
    _Atomic int finished;        /* a VM has ended the rule */
    _Atomic int joined;          /* a second VM worked on it */
    _Atomic uint64_t steps;      /* instructions the VMs spent on it */
} vouch_rule_share;

typedef struct vouch_rule_queue {
    _Atomic uint32_t next;
    _Atomic int stop;
    vouch_rule_share *share;     /* per rule, or NULL: each rule on one VM */
} vouch_rule_queue;
typedef struct vouch_mem_budget vouch_mem_budget;
vouch_mem_budget *vouch_mem_budget_new(uint64_t limit); /* 0: VOUCH_MAX_RUN_MEMORY; NULL if out of memory */
void vouch_mem_budget_free(vouch_mem_budget *mb);
vouch_status vouch_vm_run_part(const vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                               vouch_rule_queue *queue, vouch_mem_budget *shared, vouch_results *out,
                               vouch_error *err);

/* vouch_vm_run, on two threads when the run allows it (vm_parallel.c says
 * when): the second reads through its own reader of f's snapshot
 * (vouch_facts_snapshot_take), so both read the same data. The results are
 * the same as vouch_vm_run's. */
vouch_status vouch_vm_run_parallel(const vouch_program *p, vouch_facts *f, const vouch_run_env *env,
                                   vouch_results *out, vouch_error *err);
/* Sorts the findings by rule index, then subject, then message. */
void vouch_results_sort(vouch_results *r);
void vouch_results_free(vouch_results *r);

#endif
