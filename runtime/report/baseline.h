/*
 * baseline.h: `vouch check --baseline OLD.json`: the findings of an earlier
 * run (its --format json report) set against this run's, so that each
 * finding is new or unchanged and the earlier ones that are gone are
 * resolved (docs/outputs.md, "Baselines").
 *
 * A finding is a failing or waived record; not-applicable records are not
 * findings. Findings are matched by (rule id, subject), one to one: a
 * subject with two records of one rule in both runs matches twice. An
 * earlier finding is resolved only when its rule ran in this run without
 * error: a rule that is skipped, stopped, or gone from the packs has not
 * re-examined it, so its earlier findings are neither resolved nor kept.
 *
 * Ownership: vouch_baseline_read fills a vouch_baseline the caller frees
 * with vouch_baseline_free; vouch_baseline_match fills its per-finding
 * states for one run. Only baseline.c reads JSON (through jansson); nothing
 * here prints.
 */
#ifndef VOUCH_BASELINE_H
#define VOUCH_BASELINE_H

#include <stdint.h>
#include "program.h"
#include "vm.h"
#include "error.h"

typedef enum vouch_baseline_state {
    BASELINE_NONE = 0,       /* no baseline, or the record is not a finding */
    BASELINE_NEW,            /* not in the baseline */
    BASELINE_UNCHANGED       /* the baseline has it (same rule and subject) */
} vouch_baseline_state;

/* One finding of the earlier run, as its JSON report gave it. */
typedef struct vouch_baseline_item {
    char *rule, *subject, *severity, *message, *status;
    uint8_t matched;         /* set by vouch_baseline_match */
} vouch_baseline_item;

typedef struct vouch_baseline {
    char *path;              /* as given on the command line */
    uint32_t nitems;
    vouch_baseline_item *items; /* sorted by rule, then subject */
    /* After vouch_baseline_match: */
    uint8_t *state;          /* per record of the run: vouch_baseline_state */
    uint32_t nstate;
    uint32_t nnew, nunchanged;
    uint32_t nresolved;
    uint32_t *resolved;      /* indices into items, in items' order */
} vouch_baseline;

/* Reads the findings of the JSON report at path. VOUCH_EINPUT with a
 * message naming the file when it cannot be read, is not JSON, or is not a
 * vouch report; VOUCH_ENOMEM. */
vouch_status vouch_baseline_read(const char *path, vouch_baseline *out, vouch_error *err);

/* Sets the state of every record of res and the resolved list. res must
 * be the results of running p (after waivers). VOUCH_ENOMEM only. */
vouch_status vouch_baseline_match(vouch_baseline *b, const vouch_program *p, const vouch_results *res,
                                  vouch_error *err);

/* "new", "unchanged", or NULL for BASELINE_NONE. */
const char *vouch_baseline_state_name(uint32_t s);

void vouch_baseline_free(vouch_baseline *b);

#endif
