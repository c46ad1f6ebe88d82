/*
 * outcome.h: what happens to a run's results after the VM: waivers.
 *
 * The VM records failing findings (OUTCOME_FAIL) and not-applicable
 * subjects (OUTCOME_NA). vouch_apply_waivers then matches the program's
 * waivers against the failing findings. A waiver matches a finding when it
 * names the same rule and exactly the same subject (bytewise). What a
 * matching waiver does depends on its state on the as-of date:
 *
 *   holds      the as-of lies in its window (granted <= as_of <= until;
 *              one without `from` has no start) and its term is within
 *              the pack's cap: the finding becomes OUTCOME_WAIVED (rule
 *              outcome: failed--, waived++) and finding.waiver is the
 *              waiver's index;
 *   expired    as_of > until: the finding stays a failure, with
 *              finding.waiver set and finding.waiver_expired = 1;
 *   not_started as_of < granted (its `from`): the finding stays a failure,
 *              with finding.waiver set and finding.waiver_expired = 0
 *              (the reports ask vouch_waiver_state_of which it is);
 *   too_long   its term is longer than program->waiver_max_days (when that
 *              is > 0), or it ends more than program->waiver_max_months
 *              calendar months after it starts (when > 0): the waiver never applies, whatever the date; the
 *              finding stays a failure with finding.waiver set and
 *              finding.waiver_expired = 0. So a failing finding with a
 *              waiver and no expiry was refused a too-long waiver.
 *
 * The term is until - granted when the waiver says when it was granted,
 * otherwise until - as_of (what remains of it on the as-of date). A waiver
 * that is too long and also past its date is reported as too long: it was
 * never valid.
 *
 * When several waivers match one finding (a renewal: windows one after the
 * other; the checker refuses overlapping ones), one that holds wins over
 * one not started yet, which wins over one that expired, which wins over
 * one that is too long; among equals the one that runs longest (latest
 * until), then the first declared.
 *
 * Waivers that match no failing finding (also those of a skipped rule, or
 * whose finding the rule did not report this time) are listed in
 * results->unused, in declaration order, for the reports to warn about.
 *
 * Skipped rules need nothing here: the compiler makes their code a bare
 * HALT, so they have no outcomes, and reports show them as skipped.
 *
 * Ownership: results->unused is allocated here (vouch_malloc). Release it
 * with vouch_outcome_release before vouch_results_free (which does not know
 * about it yet); the release sets it to NULL, so a later vouch_results_free
 * that frees it too is harmless.
 */
#ifndef VOUCH_OUTCOME_H
#define VOUCH_OUTCOME_H

#include <stdint.h>
#include "program.h"
#include "vm.h"
#include "error.h"

typedef enum vouch_waiver_state {
    WAIVER_HOLDS = 0,
    WAIVER_EXPIRED,
    WAIVER_TOO_LONG,
    WAIVER_NOT_STARTED
} vouch_waiver_state;

/* "holds", "expired", "too_long", "not_started". */
const char *vouch_waiver_state_name(uint32_t s);

/* The waiver's term in days (see above). */
int64_t vouch_waiver_term(const vouch_waiver *w, int64_t as_of);

/* The state of waiver w of p on the as-of date. */
vouch_waiver_state vouch_waiver_state_of(const vouch_program *p, const vouch_waiver *w, int64_t as_of);

/* Applies p's waivers to r (the results of running p, findings sorted as
 * vouch_vm_run leaves them: by rule, then subject). Idempotent: waived
 * findings are first turned back into failures, so it can run again, for
 * instance with another as-of date. Waivers naming a rule out of range are
 * ignored (and listed as unused). Fails only for lack of memory, leaving r
 * as it was before the call except that r->unused is empty. */
vouch_status vouch_apply_waivers(const vouch_program *p, int64_t as_of, vouch_results *r, vouch_error *err);

/* Frees r->unused and empties it. */
void vouch_outcome_release(vouch_results *r);

#endif
