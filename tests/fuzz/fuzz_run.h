/*
 * fuzz_run.h: runs a program the way `vouch check` does, to the end:
 * the VM, the waivers, every report format, and the coverage report and
 * the Statement of Applicability (from no SoA facts) of each framework (at
 * most four), all written to /dev/null. A verified program
 * must get through all of it whatever it says (hostile .vbc files
 * included), so the fuzz targets that make or load programs call this.
 */
#ifndef VOUCH_FUZZ_RUN_H
#define VOUCH_FUZZ_RUN_H

#include "fuzz_common.h"
#include "coverage.h"
#include "outcome.h"
#include "report.h"
#include "soa.h"
#include "vm.h"

/* The run's date (2026-11-21), also the as-of date of the targets that
 * bind a store with one (fuzz_store), so the dated bound is fuzzed too. */
#define FUZZ_TODAY 20778

static inline void fuzz_run(const vouch_program *p, vouch_facts *f, uint64_t steps)
{
    vouch_run_env env = {.today = FUZZ_TODAY, .period_start = 20362, .period_end = 20726,
                         .step_budget = steps, .memory_limit = 64u << 20};
    vouch_results res;
    vouch_error err;
    if (vouch_vm_run(p, f, &env, &res, &err) != VOUCH_OK)
        return;
    if (vouch_apply_waivers(p, env.today, &res, &err) == VOUCH_OK) {
        vouch_report rep = {.program = p, .results = &res, .as_of = env.today,
                            .period_start = env.period_start, .period_end = env.period_end,
                            .facts_path = "fuzz.db", .fail_on = SEV_LOW};
        FILE *null = fuzz_null();
        vouch_report_text(&rep, null);
        vouch_report_json(&rep, null);
        vouch_report_tsv(&rep, null);
        (void)vouch_report_failing(&rep);
        for (uint32_t fw = 0; fw < p->nframeworks && fw < 4; fw++) {
            vouch_coverage cov;
            if (vouch_coverage_build(p, &res, fw, &cov, &err) == VOUCH_OK) {
                vouch_coverage_text(&rep, &cov, null);
                vouch_coverage_json(&rep, &cov, null);
                vouch_coverage_free(&cov);
            }
            vouch_soa_facts none;
            memset(&none, 0, sizeof none);
            vouch_soa soa;
            if (vouch_soa_build(p, &res, fw, &none, NULL, NULL, &soa, &err) == VOUCH_OK) {
                vouch_soa_markdown(&rep, &soa, null);
                vouch_soa_csv(&rep, &soa, null);
                vouch_soa_html(&rep, &soa, null);
                vouch_soa_free(&soa);
            }
        }
    }
    vouch_outcome_release(&res);
    vouch_results_free(&res);
}

#endif
