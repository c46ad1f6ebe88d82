/*
 * coverage.h: `vouch coverage --framework F`: how far a run's results
 * cover each control of one framework's catalogue.
 *
 * A rule's own status (on every control it touches):
 *   not_satisfied  it has a still-failing finding, or it stopped with an error;
 *   satisfied      it evaluated at least one subject (passed or waived) and
 *                  nothing still fails; when some of its findings are waived
 *                  the rule is "satisfied with waivers" (the `waived` flag),
 *                  which counts as satisfied and is shown as such;
 *   not_assessed   it is skipped, or it evaluated no subject (none at all, or
 *                  only not-applicable ones).
 *
 * The rule's status reaches a control of F directly (its `maps`) or through
 * crosswalks (crosswalk.h): a source's status is vouch_relation_carry of the
 * path's composed relation and the rule's status on the control the path
 * starts from (vouch_rule_cov_status_on), so a failure arrives as
 * not_satisfied only through equal/subset_of chains and as at_risk
 * otherwise, a pass as satisfied only through equal/superset_of chains and
 * as partial otherwise. A control's status combines its sources: any
 * not_satisfied gives not_satisfied; else any at_risk gives at_risk; else
 * any satisfied gives satisfied; else any partial gives partial; else (no
 * source, or only not-assessed ones) not_assessed. A control is marked
 * "with waivers" when a source whose status equals the control's status
 * comes from a rule satisfied with waivers on the control its path starts
 * from: the control's status rests, at least in part, on waived findings.
 * A not_satisfied or at_risk control is never marked.
 *
 * Ownership: vouch_coverage_build fills a vouch_coverage the caller frees
 * with vouch_coverage_free. The writers print nothing but to out.
 */
#ifndef VOUCH_COVERAGE_H
#define VOUCH_COVERAGE_H

#include <stdint.h>
#include <stdio.h>
#include "program.h"
#include "vm.h"
#include "crosswalk.h"
#include "report.h"

/* One rule's contribution to one control. */
typedef struct vouch_cov_source {
    uint32_t rule;           /* index into program->rules */
    uint8_t rule_status;     /* vouch_cov_status: the rule's own */
    uint8_t waived;          /* 1: the rule is satisfied with waivers */
    uint8_t status;          /* what reaches the control: vouch_relation_carry(reach.relation, rule_status) */
    uint8_t origin;          /* vouch_origin of the path: official if every pair is, else unofficial */
    uint32_t shared;         /* two hops: the pivots joining its ends (vouch_crosswalk_shared); else 0 */
    vouch_reach reach;       /* how the rule reaches the control */
} vouch_cov_source;

typedef struct vouch_cov_control {
    uint8_t status;          /* vouch_cov_status */
    uint8_t waived;          /* 1: the status rests in part on waived findings */
    uint32_t nsources;
    vouch_cov_source *sources; /* by rule index */
} vouch_cov_control;

typedef struct vouch_coverage {
    uint32_t framework;      /* index into program->frameworks */
    uint32_t ncontrols;      /* the framework's; controls[i] is its control i */
    vouch_cov_control *controls;
    uint64_t counts[COV__COUNT]; /* controls per status */
    uint64_t waived;         /* controls marked with waivers */
    vouch_cov_source *pool;  /* owner of every controls[i].sources */
} vouch_coverage;

/* The rule's outcome on one of the controls it maps (origin): as
 * vouch_rule_cov_status, except that a rule whose every failing and waived
 * subject names one of its mapped controls ("fw/control...") fails only on
 * the controls its failing subjects name, and rests on waivers only on
 * those its waived subjects name. */
vouch_cov_status vouch_rule_cov_status_on(const vouch_program *p, const vouch_results *r, uint32_t rule,
                                          vouch_control_ref origin, int *waived);
/* The rule's own status; *waived (if not NULL) is set to 1 when it is
 * satisfied with waivers, else 0. */
vouch_cov_status vouch_rule_cov_status(const vouch_program *p, const vouch_results *r, uint32_t rule,
                                       int *waived);

/* Combines contributions to one control (see above). */
vouch_cov_status vouch_cov_combine(const uint8_t *statuses, uint32_t n);

/* Index of the framework named id, or -1. */
int vouch_framework_find(const vouch_program *p, const char *id);

/* Builds the coverage of framework fw from the results of running p (after
 * vouch_apply_waivers). VOUCH_EINPUT if fw is out of range, VOUCH_ENOMEM. */
vouch_status vouch_coverage_build(const vouch_program *p, const vouch_results *r, uint32_t fw,
                                  vouch_coverage *out, vouch_error *err);
void vouch_coverage_free(vouch_coverage *c);

/* "not satisfied", "at risk", "partial", "satisfied", "not assessed": for
 * people. */
const char *vouch_cov_status_text(uint32_t s);

/* The report for people: a header, one block per control (id, status,
 * title, then a line per source: rule, its status and how it reaches the
 * control) and a roll-up line. Returns 0, or -1 if writing failed. rep gives
 * the run header (program, as-of, period, facts). */
int vouch_coverage_text(const vouch_report *rep, const vouch_coverage *c, FILE *out);
/* The same as JSON (docs/results.schema.json, "coverage"). */
int vouch_coverage_json(const vouch_report *rep, const vouch_coverage *c, FILE *out);

#endif
