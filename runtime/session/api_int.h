/*
 * api_int.h: the public handle (include/vouch.h's `vouch`) as the files
 * that implement it see it: api.c (options, compiling, loading, the run)
 * and api_results.c (outcomes, rule totals, reports). The handle wraps one
 * session (session.h), made when the packs are compiled, and keeps what
 * the public interface adds to it: options given as text, the diagnostics
 * adapter, the report's fail-on settings and the outcome records built
 * after each run.
 *
 * Invariants: s is NULL until vouch_compile_*; outs/rules describe the
 * session's last results (nouts == 0 before a run) and point into them.
 */
#ifndef VOUCH_API_INT_H
#define VOUCH_API_INT_H

#include "vouch.h"
#include "session.h"
#include "report.h"

struct vouch {
    vouch_session *s;
    /* options, kept until the session is made */
    int64_t as_of;            /* 0: today */
    int64_t period_start, period_end;   /* both 0: the default */
    int period_to_date;
    int threads;
    int explain;
    uint64_t steps, memory, timeout_s;
    char *search_path;        /* owned; NULL: $VOUCH_PATH */
    char *packs_dir;          /* owned; NULL: none */
    vouch_diagnostic_fn diag;
    void *diag_ctx;
    /* what fails the run */
    int fail_on;              /* vouch_severity */
    int allow_soft;
    /* the store, as the reports name it */
    char *facts_path;         /* owned */
    /* after a run */
    int ran;
    vouch_outcome *outs;
    size_t nouts;
    vouch_rule_summary *rules;
    size_t nrules;
    size_t errored;
};

/* The installed standard packs' directory compiled into the library
 * (api_packs_dir.c), or "". */
const char *api_packs_dir(void);

/* Builds v->outs and v->rules from the session's results (api_results.c);
 * frees what the last run built. */
vouch_status api_collect(vouch *v, vouch_error *err);
/* Frees v->outs and v->rules. */
void api_release(vouch *v);
/* The report of v's last run, as `vouch check` would write it. */
void api_report(const vouch *v, vouch_report *rep);

#endif
