/*
 * test_outcome.c: what happens after the VM, on hand-built programs and
 * results: waivers (apply, expired, too long, unused, the choice among
 * several, idempotence), crosswalk reach (caps, inverse walking, the depth
 * limit, the weakest link, the best path, cycles, ignored pairs), coverage
 * (a rule's own status, combining contributions, waiver marks), the
 * reports' use of all of it, and allocation failures in each.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "alloc.h"
#include "coverage.h"
#include "crosswalk.h"
#include "date.h"
#include "outcome.h"
#include "report.h"
#include "vm.h"

/* ---- building programs and results by hand ------------------------------ */

/* Frameworks "A", "B", "C", "D", "E", each with controls "1".."4". */
#define NFW 5
#define NCTL 4

static vouch_program *P;
static vouch_results R;

static vouch_control_ref ref(char fw, int ctl)
{
    vouch_control_ref r = {(uint32_t)(fw - 'A'), (uint32_t)(ctl - 1)};
    return r;
}

static vouch_program *new_program(uint32_t nrules, uint32_t npairs, uint32_t nwaivers)
{
    static const char *const fw_ids[NFW] = {"A", "B", "C", "D", "E"};
    static const char *const ctl_ids[NCTL] = {"1", "2", "3", "4"};
    vouch_program *p = vouch_program_new();
    assert_non_null(p);
    p->pack = "test";
    p->pack_version = "0.0.1";
    p->nframeworks = NFW;
    p->frameworks = vouch_program_alloc(p, NFW * sizeof *p->frameworks);
    for (uint32_t f = 0; f < NFW; f++) {
        vouch_framework_info *fw = &p->frameworks[f];
        fw->id = fw_ids[f];
        fw->title = fw_ids[f];
        fw->version = "";
        fw->source = "";
        fw->ncontrols = NCTL;
        fw->controls = vouch_program_alloc(p, NCTL * sizeof *fw->controls);
        for (uint32_t c = 0; c < NCTL; c++) {
            fw->controls[c].id = ctl_ids[c];
            fw->controls[c].title = "a control";
        }
    }
    p->nrules = nrules;
    p->rules = vouch_program_alloc(p, (nrules + 1) * sizeof *p->rules);
    for (uint32_t i = 0; i < nrules; i++) {
        char id[16];
        snprintf(id, sizeof id, "R%u", i);
        p->rules[i].id = vouch_program_strdup(p, id, strlen(id));
        p->rules[i].title = "a rule";
        p->rules[i].severity = SEV_HIGH;
        p->rules[i].file = "test.vouch";
        p->rules[i].line = i + 1;
        p->rules[i].col = 1;
        p->rules[i].pack = "test";
        p->rules[i].skip_reason = "";
        p->rules[i].override_by = "";
    }
    p->npairs = 0;
    p->pairs = vouch_program_alloc(p, (npairs + 1) * sizeof *p->pairs);
    p->nwaivers = 0;
    p->waivers = vouch_program_alloc(p, (nwaivers + 1) * sizeof *p->waivers);
    return p;
}

static void add_pair(vouch_program *p, vouch_control_ref src, uint8_t rel, vouch_control_ref dst)
{
    vouch_crosswalk_pair *pr = &p->pairs[p->npairs++];
    pr->src = src;
    pr->dst = dst;
    pr->relation = rel;
    pr->source = "";
    pr->note = "";
    pr->file = "test.vouch";
}

static void add_maps(vouch_program *p, uint32_t rule, uint32_t n, ...)
{
    vouch_rule_info *ri = &p->rules[rule];
    ri->nmaps = n;
    ri->maps = vouch_program_alloc(p, n * sizeof *ri->maps + 1);
    va_list ap;
    va_start(ap, n);
    for (uint32_t i = 0; i < n; i++)
        ri->maps[i] = va_arg(ap, vouch_control_ref);
    va_end(ap);
}

static int64_t day(int y, int m, int d) { return date_from_civil(y, m, d); }

static void add_waiver(vouch_program *p, uint32_t rule, const char *subject, int64_t granted, int64_t until)
{
    vouch_waiver *w = &p->waivers[p->nwaivers++];
    w->rule = rule;
    w->subject = subject;
    w->granted = granted;
    w->until = until;
    w->because = "a reason";
    w->approved_by = "ciso";
    w->file = "test.vouch";
    w->line = 100 + p->nwaivers;
    w->col = 1;
}

/* Results for p: nrules outcomes, no records yet. Records are added with
 * add_record (as the VM records them: malloc'd strings) and sorted with
 * sort_records. */
static void new_results(const vouch_program *p)
{
    vouch_outcome_release(&R);
    vouch_results_free(&R);
    R.nrules = p->nrules;
    R.rules = calloc(p->nrules + 1, sizeof *R.rules);
    assert_non_null(R.rules);
}

static void add_record(uint32_t rule, const char *subject, const char *message, uint8_t status)
{
    if (R.nfindings == R.cap) {
        R.cap = R.cap ? R.cap * 2 : 8;
        R.findings = realloc(R.findings, R.cap * sizeof *R.findings);
        assert_non_null(R.findings);
    }
    vouch_finding *f = &R.findings[R.nfindings++];
    memset(f, 0, sizeof *f);
    f->rule = rule;
    f->subject = strdup(subject);
    f->message = strdup(message);
    f->status = status;
    f->waiver = -1;
    f->waiver_expired = 0;
    if (status == OUTCOME_FAIL)
        R.rules[rule].failed++;
    else if (status == OUTCOME_NA)
        R.rules[rule].not_applicable++;
    else if (status == OUTCOME_STALE)
        R.rules[rule].stale++;
}

static int cmp_records(const void *a, const void *b)
{
    const vouch_finding *x = a, *y = b;
    if (x->rule != y->rule)
        return x->rule < y->rule ? -1 : 1;
    int c = strcmp(x->subject, y->subject);
    return c ? c : strcmp(x->message, y->message);
}

static void sort_records(void) { qsort(R.findings, R.nfindings, sizeof *R.findings, cmp_records); }

static const vouch_finding *record(uint32_t rule, const char *subject)
{
    for (uint32_t i = 0; i < R.nfindings; i++)
        if (R.findings[i].rule == rule && strcmp(R.findings[i].subject, subject) == 0)
            return &R.findings[i];
    fail_msg("no record %u %s", rule, subject);
    return NULL;
}

static int teardown(void **state)
{
    (void)state;
    vouch_set_allocator(NULL, NULL);
    vouch_outcome_release(&R);
    vouch_results_free(&R);
    vouch_program_free(P);
    P = NULL;
    return 0;
}

/* ---- waivers -------------------------------------------------------------- */

static vouch_error err;

static void test_waiver_applies(void **state)
{
    (void)state;
    P = new_program(2, 0, 4);
    add_waiver(P, 0, "s2", INT64_MIN, day(2027, 1, 31));
    new_results(P);
    add_record(0, "s1", "m1", OUTCOME_FAIL);
    add_record(0, "s2", "first", OUTCOME_FAIL);
    add_record(0, "s2", "second", OUTCOME_FAIL); /* one subject, two findings: both waived */
    add_record(1, "s2", "other rule", OUTCOME_FAIL);
    R.rules[0].passed = 5;
    sort_records();
    assert_int_equal(vouch_apply_waivers(P, day(2026, 11, 21), &R, &err), VOUCH_OK);
    assert_int_equal(record(0, "s1")->status, OUTCOME_FAIL);
    assert_int_equal(record(0, "s1")->waiver, -1);
    assert_int_equal(R.findings[1].status, OUTCOME_WAIVED);
    assert_int_equal(R.findings[2].status, OUTCOME_WAIVED);
    assert_int_equal(R.findings[1].waiver, 0);
    assert_int_equal(R.findings[2].waiver, 0);
    assert_int_equal(record(1, "s2")->status, OUTCOME_FAIL); /* another rule's finding */
    assert_int_equal(R.rules[0].failed, 1);
    assert_int_equal(R.rules[0].waived, 2);
    assert_int_equal(R.rules[0].passed, 5);
    assert_int_equal(R.rules[1].failed, 1);
    assert_int_equal(R.nunused, 0);

    /* The last day of the waiver still holds; the day after, it has expired
     * and the findings come back, with a note. Applying again is clean. */
    assert_int_equal(vouch_apply_waivers(P, day(2027, 1, 31), &R, &err), VOUCH_OK);
    assert_int_equal(R.rules[0].waived, 2);
    assert_int_equal(R.rules[0].failed, 1);
    assert_int_equal(vouch_apply_waivers(P, day(2027, 2, 1), &R, &err), VOUCH_OK);
    assert_int_equal(R.rules[0].waived, 0);
    assert_int_equal(R.rules[0].failed, 3);
    assert_int_equal(R.findings[1].status, OUTCOME_FAIL);
    assert_int_equal(R.findings[1].waiver, 0);
    assert_int_equal(R.findings[1].waiver_expired, 1);
    assert_int_equal(record(0, "s1")->waiver_expired, 0);
    assert_int_equal(R.nunused, 0); /* an expired waiver that matched is not unused */
    assert_int_equal(vouch_waiver_state_of(P, &P->waivers[0], day(2027, 2, 1)), WAIVER_EXPIRED);
}

static void test_waiver_exact_subject(void **state)
{
    (void)state;
    P = new_program(1, 0, 4);
    add_waiver(P, 0, "iso/A.5", INT64_MIN, day(2027, 1, 31));
    add_waiver(P, 0, "ISO/A.5.1", INT64_MIN, day(2027, 1, 31));
    add_waiver(P, 0, "iso/A.5.1 ", INT64_MIN, day(2027, 1, 31));
    new_results(P);
    add_record(0, "iso/A.5.1", "m", OUTCOME_FAIL);
    sort_records();
    assert_int_equal(vouch_apply_waivers(P, day(2026, 11, 21), &R, &err), VOUCH_OK);
    assert_int_equal(R.findings[0].status, OUTCOME_FAIL);
    assert_int_equal(R.findings[0].waiver, -1);
    assert_int_equal(R.nunused, 3);
}

static void test_waiver_too_long(void **state)
{
    (void)state;
    P = new_program(1, 0, 4);
    P->waiver_max_days = 180;
    add_waiver(P, 0, "granted", day(2026, 1, 1), day(2026, 12, 31));   /* 364 days */
    add_waiver(P, 0, "open", INT64_MIN, day(2027, 6, 30));             /* 221 days left */
    add_waiver(P, 0, "short", INT64_MIN, day(2027, 3, 31));            /* 130 days left */
    add_waiver(P, 0, "long-ago", day(2020, 1, 1), day(2021, 1, 1));    /* too long and past */
    new_results(P);
    add_record(0, "granted", "m", OUTCOME_FAIL);
    add_record(0, "open", "m", OUTCOME_FAIL);
    add_record(0, "short", "m", OUTCOME_FAIL);
    add_record(0, "long-ago", "m", OUTCOME_FAIL);
    sort_records();
    int64_t asof = day(2026, 11, 21);
    assert_int_equal(vouch_apply_waivers(P, asof, &R, &err), VOUCH_OK);
    assert_int_equal(vouch_waiver_term(&P->waivers[0], asof), 364);
    assert_int_equal(vouch_waiver_term(&P->waivers[1], asof), 221);
    const vouch_finding *f = record(0, "granted");
    assert_int_equal(f->status, OUTCOME_FAIL);
    assert_int_equal(f->waiver, 0);
    assert_int_equal(f->waiver_expired, 0);   /* a waiver and no expiry: too long */
    assert_int_equal(record(0, "open")->status, OUTCOME_FAIL);
    assert_int_equal(record(0, "open")->waiver_expired, 0);
    assert_int_equal(record(0, "short")->status, OUTCOME_WAIVED);
    assert_int_equal(record(0, "long-ago")->status, OUTCOME_FAIL);
    assert_int_equal(record(0, "long-ago")->waiver_expired, 0); /* never valid beats expired */
    assert_int_equal(vouch_waiver_state_of(P, &P->waivers[3], asof), WAIVER_TOO_LONG);
    assert_int_equal(R.rules[0].failed, 3);
    assert_int_equal(R.rules[0].waived, 1);
    assert_int_equal(R.nunused, 0);

    /* No cap: the same waivers hold (or have expired). */
    P->waiver_max_days = 0;
    assert_int_equal(vouch_apply_waivers(P, asof, &R, &err), VOUCH_OK);
    assert_int_equal(record(0, "granted")->status, OUTCOME_WAIVED);
    assert_int_equal(record(0, "open")->status, OUTCOME_WAIVED);
    assert_int_equal(record(0, "long-ago")->waiver_expired, 1);
    assert_int_equal(R.rules[0].failed, 1);
    assert_int_equal(R.rules[0].waived, 3);
}

/* A cap in calendar months: the waiver may end on the start moved by the
 * cap (clamped to the month's end), not a day later. */
static void test_waiver_too_long_months(void **state)
{
    (void)state;
    P = new_program(1, 0, 4);
    P->waiver_max_months = 6;
    add_waiver(P, 0, "fits", day(2026, 8, 31), day(2027, 2, 28));      /* 2026-08-31 + 6mo */
    add_waiver(P, 0, "day-over", day(2026, 8, 31), day(2027, 3, 1));
    add_waiver(P, 0, "open-fits", INT64_MIN, day(2027, 5, 21));        /* as-of + 6mo */
    add_waiver(P, 0, "open-over", INT64_MIN, day(2027, 5, 22));
    new_results(P);
    add_record(0, "fits", "m", OUTCOME_FAIL);
    add_record(0, "day-over", "m", OUTCOME_FAIL);
    add_record(0, "open-fits", "m", OUTCOME_FAIL);
    add_record(0, "open-over", "m", OUTCOME_FAIL);
    sort_records();
    int64_t asof = day(2026, 11, 21);
    assert_int_equal(vouch_apply_waivers(P, asof, &R, &err), VOUCH_OK);
    assert_int_equal(record(0, "fits")->status, OUTCOME_WAIVED);
    assert_int_equal(record(0, "day-over")->status, OUTCOME_FAIL);
    assert_int_equal(vouch_waiver_state_of(P, &P->waivers[1], asof), WAIVER_TOO_LONG);
    assert_int_equal(record(0, "open-fits")->status, OUTCOME_WAIVED);
    assert_int_equal(record(0, "open-over")->status, OUTCOME_FAIL);
    assert_int_equal(vouch_waiver_state_of(P, &P->waivers[3], asof), WAIVER_TOO_LONG);

    /* Both caps: a waiver keeps to each (183 days is shorter than 6mo here). */
    P->waiver_max_days = 180;
    assert_int_equal(vouch_waiver_state_of(P, &P->waivers[0], asof), WAIVER_TOO_LONG);
}

static void test_waiver_unused(void **state)
{
    (void)state;
    P = new_program(3, 0, 8);
    P->rules[2].skipped = 1;
    P->rules[2].skip_reason = "not ours";
    add_waiver(P, 0, "nothing", INT64_MIN, day(2027, 1, 31));      /* 0: no such subject */
    add_waiver(P, 0, "s1", INT64_MIN, day(2027, 1, 31));           /* 1: used */
    add_waiver(P, 1, "na", INT64_MIN, day(2027, 1, 31));           /* 2: an NA record is no finding */
    add_waiver(P, 2, "s1", INT64_MIN, day(2027, 1, 31));           /* 3: a skipped rule */
    add_waiver(P, 7, "s1", INT64_MIN, day(2027, 1, 31));           /* 4: no such rule */
    add_waiver(P, 1, "s1", INT64_MIN, day(2025, 1, 31));           /* 5: expired, and nothing to match */
    new_results(P);
    add_record(0, "s1", "m", OUTCOME_FAIL);
    add_record(1, "na", "outside scope production", OUTCOME_NA);
    sort_records();
    assert_int_equal(vouch_apply_waivers(P, day(2026, 11, 21), &R, &err), VOUCH_OK);
    assert_int_equal(R.nunused, 5);
    static const uint32_t want[] = {0, 2, 3, 4, 5};
    for (uint32_t i = 0; i < 5; i++)
        assert_int_equal(R.unused[i], want[i]);
    assert_int_equal(record(1, "na")->status, OUTCOME_NA);
    assert_int_equal(record(1, "na")->waiver, -1);
    assert_int_equal(R.rules[1].not_applicable, 1);
    assert_int_equal(R.rules[1].waived, 0);

    /* No waivers at all: nothing unused, nothing allocated. */
    P->nwaivers = 0;
    assert_int_equal(vouch_apply_waivers(P, day(2026, 11, 21), &R, &err), VOUCH_OK);
    assert_int_equal(R.nunused, 0);
    assert_null(R.unused);
    assert_int_equal(record(0, "s1")->status, OUTCOME_FAIL);
}

static void test_waiver_choice(void **state)
{
    (void)state;
    P = new_program(1, 0, 8);
    P->waiver_max_days = 400;
    add_waiver(P, 0, "s", INT64_MIN, day(2026, 1, 31));   /* 0: expired */
    add_waiver(P, 0, "s", INT64_MIN, day(2026, 12, 31));  /* 1: holds */
    add_waiver(P, 0, "s", INT64_MIN, day(2027, 3, 31));   /* 2: holds, runs longer */
    add_waiver(P, 0, "s", INT64_MIN, day(2030, 1, 1));    /* 3: too long */
    add_waiver(P, 0, "t", INT64_MIN, day(2026, 1, 31));   /* 4: expired */
    add_waiver(P, 0, "t", INT64_MIN, day(2026, 5, 31));   /* 5: expired later */
    new_results(P);
    add_record(0, "s", "m", OUTCOME_FAIL);
    add_record(0, "t", "m", OUTCOME_FAIL);
    sort_records();
    assert_int_equal(vouch_apply_waivers(P, day(2026, 11, 21), &R, &err), VOUCH_OK);
    assert_int_equal(record(0, "s")->status, OUTCOME_WAIVED);
    assert_int_equal(record(0, "s")->waiver, 2);
    assert_int_equal(record(0, "t")->status, OUTCOME_FAIL);
    assert_int_equal(record(0, "t")->waiver, 5);
    assert_int_equal(record(0, "t")->waiver_expired, 1);
    assert_int_equal(R.nunused, 0); /* every waiver matched a finding */
}

/* ---- allocation failures ---------------------------------------------------- */

typedef struct fail_ctx {
    long countdown; /* allocations left before the failure; -1: never fail */
    long failures;
} fail_ctx;

static void *failing_alloc(void *ctx, void *ptr, size_t n)
{
    fail_ctx *fc = ctx;
    if (n == 0) {
        free(ptr);
        return NULL;
    }
    if (fc->countdown == 0) {
        fc->failures++;
        return NULL;
    }
    if (fc->countdown > 0)
        fc->countdown--;
    return realloc(ptr, n);
}

static void test_waiver_oom(void **state)
{
    (void)state;
    P = new_program(1, 0, 4);
    add_waiver(P, 0, "s", INT64_MIN, day(2027, 1, 31));
    add_waiver(P, 0, "x", INT64_MIN, day(2027, 1, 31));
    new_results(P);
    add_record(0, "s", "m", OUTCOME_FAIL);
    for (long n = 0;; n++) {
        fail_ctx fc = {n, 0};
        vouch_set_allocator(failing_alloc, &fc);
        vouch_status st = vouch_apply_waivers(P, day(2026, 11, 21), &R, &err);
        vouch_set_allocator(NULL, NULL);
        if (fc.failures == 0) {
            assert_int_equal(st, VOUCH_OK);
            break;
        }
        assert_int_equal(st, VOUCH_ENOMEM);
        assert_int_equal(R.findings[0].status, OUTCOME_FAIL); /* untouched */
        assert_int_equal(R.nunused, 0);
        assert_null(R.unused);
    }
    assert_int_equal(R.findings[0].status, OUTCOME_WAIVED);
    assert_int_equal(R.nunused, 1);
}

/* ---- crosswalk reach ------------------------------------------------------------- */

static vouch_reach_list L;

static int reach_teardown(void **state)
{
    vouch_reach_list_free(&L);
    return teardown(state);
}

static const vouch_reach *reached(char fw, int ctl)
{
    vouch_control_ref r = ref(fw, ctl);
    for (uint32_t i = 0; i < L.n; i++)
        if (L.items[i].control.framework == r.framework && L.items[i].control.control == r.control)
            return &L.items[i];
    return NULL;
}

static void reach_rule(uint32_t rule)
{
    assert_int_equal(vouch_rule_reach(P, rule, REACH_PASS, &L, &err), VOUCH_OK);
}

/* The path of a reach, as the text report writes it. */
static const char *path_of(const vouch_reach *r)
{
    static char buf[512];
    FILE *f = fmemopen(buf, sizeof buf, "w");
    assert_non_null(f);
    vouch_text_path(P, r, f);
    fputc(0, f);
    fclose(f);
    return buf;
}

static void test_reach_caps(void **state)
{
    (void)state;
    P = new_program(1, 8, 0);
    add_pair(P, ref('A', 1), REL_EQUAL, ref('B', 1));
    add_pair(P, ref('A', 1), REL_SUPERSET_OF, ref('B', 2));
    add_pair(P, ref('A', 1), REL_SUBSET_OF, ref('B', 3));
    add_pair(P, ref('A', 1), REL_INTERSECTS, ref('B', 4));
    add_pair(P, ref('A', 1), REL_UNSPECIFIED, ref('C', 1));
    add_maps(P, 0, 1, ref('A', 1));
    reach_rule(0);
    assert_int_equal(L.n, 6);
    const vouch_reach *d = &L.items[0]; /* direct first */
    assert_int_equal(d->nhops, 0);
    assert_int_equal(d->control.framework, 0);
    assert_int_equal(vouch_relation_carry(d->relation, COV_SATISFIED), COV_SATISFIED);
    assert_int_equal(vouch_relation_carry(reached('B', 1)->relation, COV_SATISFIED), COV_SATISFIED);
    assert_int_equal(reached('B', 1)->relation, REL_EQUAL);
    assert_int_equal(vouch_relation_carry(reached('B', 2)->relation, COV_SATISFIED), COV_SATISFIED);
    assert_int_equal(reached('B', 2)->relation, REL_SUPERSET_OF);
    assert_int_equal(vouch_relation_carry(reached('B', 3)->relation, COV_SATISFIED), COV_PARTIAL);
    assert_int_equal(vouch_relation_carry(reached('B', 4)->relation, COV_SATISFIED), COV_PARTIAL);
    assert_int_equal(vouch_relation_carry(reached('C', 1)->relation, COV_SATISFIED), COV_PARTIAL);
    assert_int_equal(reached('C', 1)->relation, REL_UNSPECIFIED);
    assert_string_equal(path_of(reached('B', 4)), "A/1 intersects B/4");
    assert_int_equal(reached('B', 4)->hops[0].pair, 3);
    assert_int_equal(reached('B', 4)->hops[0].backward, 0);

    /* What each relation makes of a failure (the table is exhausted in
     * test_crosswalk.c). */
    assert_int_equal(vouch_relation_carry(reached('B', 1)->relation, COV_NOT_SATISFIED), COV_NOT_SATISFIED);
    assert_int_equal(vouch_relation_carry(reached('B', 2)->relation, COV_NOT_SATISFIED), COV_AT_RISK);
    assert_int_equal(vouch_relation_carry(reached('B', 3)->relation, COV_NOT_SATISFIED), COV_NOT_SATISFIED);
    assert_int_equal(vouch_relation_carry(reached('B', 4)->relation, COV_NOT_SATISFIED), COV_AT_RISK);
    assert_int_equal(vouch_relation_carry(reached('C', 1)->relation, COV_NOT_SATISFIED), COV_AT_RISK);
}

/* Two ways to D/1 in two hops: via B/1 (A/1 within B/1 = D/1: carries a
 * failure) and via C/1 (A/1 contains C/1 = D/1: carries a pass). Whichever
 * comes first in pair order, each goal gets the path that carries its
 * result whole. */
static void test_reach_goal(void **state)
{
    (void)state;
    for (int order = 0; order < 2; order++) {
        P = new_program(1, 8, 0);
        if (order == 0) {
            add_pair(P, ref('A', 1), REL_SUBSET_OF, ref('B', 1));
            add_pair(P, ref('A', 1), REL_SUPERSET_OF, ref('C', 1));
        } else {
            add_pair(P, ref('A', 1), REL_SUPERSET_OF, ref('C', 1));
            add_pair(P, ref('A', 1), REL_SUBSET_OF, ref('B', 1));
        }
        add_pair(P, ref('B', 1), REL_EQUAL, ref('D', 1));
        add_pair(P, ref('C', 1), REL_EQUAL, ref('D', 1));
        add_maps(P, 0, 1, ref('A', 1));
        assert_int_equal(vouch_rule_reach(P, 0, REACH_FAIL, &L, &err), VOUCH_OK);
        assert_string_equal(path_of(reached('D', 1)), "A/1 subset_of B/1 equal D/1");
        assert_int_equal(reached('D', 1)->relation, REL_SUBSET_OF);
        assert_int_equal(vouch_rule_reach(P, 0, REACH_PASS, &L, &err), VOUCH_OK);
        assert_string_equal(path_of(reached('D', 1)), "A/1 superset_of C/1 equal D/1");
        assert_int_equal(reached('D', 1)->relation, REL_SUPERSET_OF);
        vouch_program_free(P);
        P = NULL;
    }
}

static void test_reach_inverse(void **state)
{
    (void)state;
    P = new_program(2, 4, 0);
    add_pair(P, ref('A', 1), REL_SUBSET_OF, ref('B', 1));
    add_pair(P, ref('A', 2), REL_SUPERSET_OF, ref('B', 2));
    add_maps(P, 0, 2, ref('A', 1), ref('A', 2));
    add_maps(P, 1, 2, ref('B', 1), ref('B', 2));
    /* Forwards: A/1 is within B/1, so a result on A/1 is partial for B/1. */
    reach_rule(0);
    assert_int_equal(reached('B', 1)->relation, REL_SUBSET_OF);
    assert_int_equal(vouch_relation_carry(reached('B', 1)->relation, COV_SATISFIED), COV_PARTIAL);
    assert_int_equal(reached('B', 2)->relation, REL_SUPERSET_OF);
    assert_int_equal(vouch_relation_carry(reached('B', 2)->relation, COV_SATISFIED), COV_SATISFIED);
    /* Backwards: B/1 contains A/1, so it carries whole; B/2 is within A/2. */
    reach_rule(1);
    assert_int_equal(reached('A', 1)->relation, REL_SUPERSET_OF);
    assert_int_equal(vouch_relation_carry(reached('A', 1)->relation, COV_SATISFIED), COV_SATISFIED);
    assert_int_equal(reached('A', 1)->hops[0].backward, 1);
    assert_string_equal(path_of(reached('A', 1)), "B/1 superset_of A/1");
    assert_int_equal(reached('A', 2)->relation, REL_SUBSET_OF);
    assert_int_equal(vouch_relation_carry(reached('A', 2)->relation, COV_SATISFIED), COV_PARTIAL);
    assert_int_equal(vouch_relation_inverse(REL_EQUAL), REL_EQUAL);
    assert_int_equal(vouch_relation_inverse(REL_INTERSECTS), REL_INTERSECTS);
    assert_int_equal(vouch_relation_inverse(REL_UNSPECIFIED), REL_UNSPECIFIED);
}

static void test_reach_depth_and_weakest_link(void **state)
{
    (void)state;
    /* A/1 = B/1 ~ C/1 = D/1 = E/1: four hops; the limit is three. */
    P = new_program(1, 8, 0);
    add_pair(P, ref('A', 1), REL_EQUAL, ref('B', 1));
    add_pair(P, ref('B', 1), REL_INTERSECTS, ref('C', 1));
    add_pair(P, ref('C', 1), REL_EQUAL, ref('D', 1));
    add_pair(P, ref('D', 1), REL_EQUAL, ref('E', 1));
    add_maps(P, 0, 1, ref('A', 1));
    reach_rule(0);
    assert_int_equal(VOUCH_CROSSWALK_MAX_HOPS, 3);
    assert_int_equal(L.n, 4);
    assert_null(reached('E', 1));
    const vouch_reach *d = reached('D', 1);
    assert_non_null(d);
    assert_int_equal(d->nhops, 3);
    assert_int_equal(vouch_relation_carry(d->relation, COV_SATISFIED), COV_PARTIAL);       /* the intersects hop caps the rest */
    assert_int_equal(d->relation, REL_INTERSECTS);
    assert_int_equal(d->origin.framework, 0);
    assert_string_equal(path_of(d), "A/1 equal B/1 intersects C/1 equal D/1");
    assert_int_equal(vouch_relation_carry(reached('B', 1)->relation, COV_SATISFIED), COV_SATISFIED);
    /* sorted by hops, then framework */
    for (uint32_t i = 0; i < L.n; i++)
        assert_int_equal(L.items[i].nhops, i);
}

static void test_reach_best_path(void **state)
{
    (void)state;
    P = new_program(2, 8, 0);
    /* Two ways to D/1 in two hops: via B/1 (intersects, partial) found
     * first, via C/1 (equal all the way): the stronger wins. */
    add_pair(P, ref('A', 1), REL_INTERSECTS, ref('B', 1));
    add_pair(P, ref('A', 1), REL_EQUAL, ref('C', 1));
    add_pair(P, ref('B', 1), REL_EQUAL, ref('D', 1));
    add_pair(P, ref('C', 1), REL_EQUAL, ref('D', 1));
    /* E/1: one hop of intersects beats three equal hops (fewest hops first). */
    add_pair(P, ref('A', 1), REL_INTERSECTS, ref('E', 1));
    add_pair(P, ref('D', 1), REL_EQUAL, ref('E', 1));
    add_maps(P, 0, 1, ref('A', 1));
    reach_rule(0);
    const vouch_reach *d = reached('D', 1);
    assert_int_equal(d->nhops, 2);
    assert_int_equal(vouch_relation_carry(d->relation, COV_SATISFIED), COV_SATISFIED);
    assert_string_equal(path_of(d), "A/1 equal C/1 equal D/1");
    const vouch_reach *e = reached('E', 1);
    assert_int_equal(e->nhops, 1);
    assert_int_equal(vouch_relation_carry(e->relation, COV_SATISFIED), COV_PARTIAL);
    /* A rule mapping two controls: each reached control once, the direct
     * ones as direct even when a crosswalk also joins them. */
    add_maps(P, 1, 3, ref('A', 1), ref('D', 1), ref('A', 1));
    reach_rule(1);
    assert_int_equal(reached('D', 1)->nhops, 0);
    assert_int_equal(reached('A', 1)->nhops, 0);
    assert_int_equal(reached('E', 1)->nhops, 1);
    for (uint32_t i = 0; i < L.n; i++)
        for (uint32_t j = i + 1; j < L.n; j++)
            assert_false(L.items[i].control.framework == L.items[j].control.framework &&
                         L.items[i].control.control == L.items[j].control.control);
}

static void test_reach_cycles_and_bad_pairs(void **state)
{
    (void)state;
    P = new_program(3, 12, 0);
    /* A triangle and a pair of a control with itself. */
    add_pair(P, ref('A', 1), REL_EQUAL, ref('B', 1));
    add_pair(P, ref('B', 1), REL_EQUAL, ref('C', 1));
    add_pair(P, ref('C', 1), REL_EQUAL, ref('A', 1));
    add_pair(P, ref('A', 1), REL_EQUAL, ref('A', 1));
    /* Ignored: derived pairs, pairs out of range, relations out of range
     * read as unspecified. */
    add_pair(P, ref('A', 1), REL_EQUAL, ref('D', 4));
    P->pairs[P->npairs - 1].origin = ORIGIN_DERIVED;
    add_pair(P, ref('A', 1), REL_EQUAL, (vouch_control_ref){9, 0});
    add_pair(P, ref('A', 1), REL_EQUAL, (vouch_control_ref){1, 9});
    add_pair(P, ref('A', 1), 77, ref('E', 2));
    add_maps(P, 0, 1, ref('A', 1));
    reach_rule(0);
    assert_int_equal(L.n, 4);
    assert_int_equal(reached('B', 1)->nhops, 1);
    assert_int_equal(reached('C', 1)->nhops, 1);
    assert_null(reached('D', 4));
    assert_int_equal(reached('E', 2)->relation, REL_UNSPECIFIED);
    assert_int_equal(vouch_relation_carry(reached('E', 2)->relation, COV_SATISFIED), COV_PARTIAL);
    /* maps out of range, rules out of range: nothing */
    add_maps(P, 1, 2, (vouch_control_ref){7, 0}, (vouch_control_ref){0, 70});
    reach_rule(1);
    assert_int_equal(L.n, 0);
    reach_rule(2);   /* no maps */
    assert_int_equal(L.n, 0);
    reach_rule(99);
    assert_int_equal(L.n, 0);

    /* One graph, many questions (the generation counter resets marks). */
    vouch_crosswalk *cw = vouch_crosswalk_new(P);
    assert_non_null(cw);
    for (int i = 0; i < 1000; i++) {
        assert_int_equal(vouch_crosswalk_rule_reach(cw, 0, REACH_PASS, &L, &err), VOUCH_OK);
        assert_int_equal(L.n, 4);
    }
    vouch_crosswalk_free(cw);
}

static void test_reach_oom(void **state)
{
    (void)state;
    P = new_program(1, 8, 0);
    add_pair(P, ref('A', 1), REL_EQUAL, ref('B', 1));
    add_pair(P, ref('B', 1), REL_EQUAL, ref('C', 1));
    add_maps(P, 0, 1, ref('A', 1));
    for (long n = 0;; n++) {
        fail_ctx fc = {n, 0};
        vouch_set_allocator(failing_alloc, &fc);
        vouch_status st = vouch_rule_reach(P, 0, REACH_PASS, &L, &err);
        vouch_set_allocator(NULL, NULL);
        if (fc.failures == 0) {
            assert_int_equal(st, VOUCH_OK);
            break;
        }
        assert_int_equal(st, VOUCH_ENOMEM);
        assert_int_equal(L.n, 0);
    }
    assert_int_equal(L.n, 3);
}

/* ---- coverage ------------------------------------------------------------------ */

static void test_rule_status(void **state)
{
    (void)state;
    P = new_program(6, 0, 0);
    new_results(P);
    R.rules[0].passed = 3;                                 /* satisfied */
    R.rules[1].passed = 3, R.rules[1].failed = 1;          /* not satisfied */
    R.rules[2].passed = 1, R.rules[2].errored = 1;         /* not satisfied */
    R.rules[3].waived = 2;                                 /* satisfied with waivers */
    R.rules[4].not_applicable = 4;                         /* not assessed */
    P->rules[5].skipped = 1;                               /* not assessed */
    R.rules[5].passed = 1;
    int w = -1;
    assert_int_equal(vouch_rule_cov_status(P, &R, 0, &w), COV_SATISFIED);
    assert_int_equal(w, 0);
    assert_int_equal(vouch_rule_cov_status(P, &R, 1, &w), COV_NOT_SATISFIED);
    assert_int_equal(vouch_rule_cov_status(P, &R, 2, &w), COV_NOT_SATISFIED);
    assert_int_equal(vouch_rule_cov_status(P, &R, 3, &w), COV_SATISFIED);
    assert_int_equal(w, 1);
    assert_int_equal(vouch_rule_cov_status(P, &R, 4, &w), COV_NOT_ASSESSED);
    assert_int_equal(vouch_rule_cov_status(P, &R, 5, &w), COV_NOT_ASSESSED);
    assert_int_equal(vouch_rule_cov_status(P, &R, 6, NULL), COV_NOT_ASSESSED);

    uint8_t a[] = {COV_PARTIAL, COV_SATISFIED, COV_NOT_ASSESSED};
    uint8_t b[] = {COV_PARTIAL, COV_SATISFIED, COV_NOT_SATISFIED};
    uint8_t c[] = {COV_NOT_ASSESSED, COV_PARTIAL};
    uint8_t d[] = {COV_NOT_ASSESSED};
    uint8_t e[] = {COV_SATISFIED, COV_AT_RISK, COV_PARTIAL};
    uint8_t g[] = {COV_AT_RISK, COV_NOT_SATISFIED};
    assert_int_equal(vouch_cov_combine(e, 3), COV_AT_RISK);
    assert_int_equal(vouch_cov_combine(g, 2), COV_NOT_SATISFIED);
    assert_int_equal(vouch_cov_combine(a, 3), COV_SATISFIED);
    assert_int_equal(vouch_cov_combine(b, 3), COV_NOT_SATISFIED);
    assert_int_equal(vouch_cov_combine(c, 2), COV_PARTIAL);
    assert_int_equal(vouch_cov_combine(d, 1), COV_NOT_ASSESSED);
    assert_int_equal(vouch_cov_combine(NULL, 0), COV_NOT_ASSESSED);
}

static vouch_coverage C;

static int cov_teardown(void **state)
{
    vouch_coverage_free(&C);
    return reach_teardown(state);
}

static void test_coverage_build(void **state)
{
    (void)state;
    P = new_program(5, 8, 0);
    /* B/1 <- A/1 (equal), B/2 <- A/2 (intersects), B/3 <- A/3 (superset),
     * B/4 nothing. */
    add_pair(P, ref('A', 1), REL_EQUAL, ref('B', 1));
    add_pair(P, ref('A', 2), REL_INTERSECTS, ref('B', 2));
    add_pair(P, ref('A', 3), REL_SUPERSET_OF, ref('B', 3));
    add_maps(P, 0, 1, ref('A', 1));            /* satisfied with waivers -> B/1 satisfied */
    add_maps(P, 1, 1, ref('A', 2));            /* satisfied -> B/2 partial */
    add_maps(P, 2, 2, ref('A', 3), ref('B', 2)); /* skipped: not assessed on B/3 and B/2 */
    add_maps(P, 3, 1, ref('B', 3));            /* fails: B/3 not satisfied */
    add_maps(P, 4, 1, ref('B', 1));            /* passes directly on B/1 */
    new_results(P);
    R.rules[0].passed = 1, R.rules[0].waived = 1;
    R.rules[1].passed = 2;
    P->rules[2].skipped = 1;
    R.rules[3].passed = 1, R.rules[3].failed = 1;
    R.rules[4].passed = 1;
    assert_int_equal(vouch_framework_find(P, "B"), 1);
    assert_int_equal(vouch_framework_find(P, "Z"), -1);
    assert_int_equal(vouch_coverage_build(P, &R, 1, &C, &err), VOUCH_OK);
    assert_int_equal(C.ncontrols, 4);
    assert_int_equal(C.controls[0].status, COV_SATISFIED);
    assert_int_equal(C.controls[0].waived, 1);    /* one of its satisfied sources is waived */
    assert_int_equal(C.controls[0].nsources, 2);
    assert_int_equal(C.controls[0].sources[0].rule, 0);
    assert_int_equal(C.controls[0].sources[0].reach.nhops, 1);
    assert_int_equal(C.controls[0].sources[1].rule, 4);
    assert_int_equal(C.controls[0].sources[1].reach.nhops, 0);
    assert_int_equal(C.controls[1].status, COV_PARTIAL);
    assert_int_equal(C.controls[1].nsources, 2);
    assert_int_equal(C.controls[1].sources[0].status, COV_PARTIAL);
    assert_int_equal(C.controls[1].sources[0].rule_status, COV_SATISFIED);
    assert_int_equal(C.controls[1].sources[1].status, COV_NOT_ASSESSED);
    assert_int_equal(C.controls[2].status, COV_NOT_SATISFIED);
    assert_int_equal(C.controls[2].waived, 0);
    assert_int_equal(C.controls[3].status, COV_NOT_ASSESSED);
    assert_int_equal(C.controls[3].nsources, 0);
    assert_int_equal(C.counts[COV_SATISFIED], 1);
    assert_int_equal(C.counts[COV_PARTIAL], 1);
    assert_int_equal(C.counts[COV_NOT_SATISFIED], 1);
    assert_int_equal(C.counts[COV_NOT_ASSESSED], 1);
    assert_int_equal(C.waived, 1);
    vouch_coverage_free(&C);

    /* From A's side: A/1 satisfied with waivers; A/2 also gets the skipped
     * rule's nothing through B/2 (not assessed) and stays satisfied. */
    assert_int_equal(vouch_coverage_build(P, &R, 0, &C, &err), VOUCH_OK);
    assert_int_equal(C.controls[0].status, COV_SATISFIED);
    assert_int_equal(C.controls[0].waived, 1);
    assert_int_equal(C.controls[1].status, COV_SATISFIED);
    /* A/3: rule 3 fails on B/3, which is within A/3: the failure of a
     * part is the failure of the whole. */
    assert_int_equal(C.controls[2].status, COV_NOT_SATISFIED);
    assert_int_equal(C.controls[2].sources[1].rule, 3);
    assert_int_equal(C.controls[2].sources[1].status, COV_NOT_SATISFIED);
    vouch_coverage_free(&C);

    /* Rule 1 failing on A/2 only puts B/2 at risk (A/2 intersects B/2),
     * and at risk outweighs the not-assessed source beside it. */
    R.rules[3].failed = 0;
    R.rules[1].failed = 1;
    assert_int_equal(vouch_coverage_build(P, &R, 1, &C, &err), VOUCH_OK);
    assert_int_equal(C.controls[1].status, COV_AT_RISK);
    assert_int_equal(C.controls[1].sources[0].status, COV_AT_RISK);
    assert_int_equal(C.controls[1].sources[0].rule_status, COV_NOT_SATISFIED);
    assert_int_equal(C.controls[2].status, COV_SATISFIED);
    assert_int_equal(C.counts[COV_AT_RISK], 1);
    R.rules[3].failed = 1;
    R.rules[1].failed = 0;
    vouch_coverage_free(&C);

    assert_int_equal(vouch_coverage_build(P, &R, 9, &C, &err), VOUCH_EINPUT);

    /* Text and JSON: the rows an auditor reads. */
    char *buf = NULL;
    size_t len = 0;
    assert_int_equal(vouch_coverage_build(P, &R, 1, &C, &err), VOUCH_OK);
    vouch_report rep = {P, &R, day(2026, 11, 21), day(2025, 10, 1), day(2026, 9, 30), "facts.db", SEV_INFO, 0, NULL, 0, NULL, 0};
    FILE *f = open_memstream(&buf, &len);
    assert_int_equal(vouch_coverage_text(&rep, &C, f), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\n1        satisfied*     a control\n"
                                "    R0: satisfied with waivers, via A/1 equal B/1 [unofficial]\n"
                                "    R4: satisfied, direct\n"));
    assert_non_null(strstr(buf, "    R1: satisfied -> partial, via A/2 intersects B/2 [unofficial]\n"));
    assert_non_null(strstr(buf, "    R2: not assessed (skipped), direct\n"));
    assert_non_null(strstr(buf, "    R3: not satisfied (1 failing), direct\n"));
    assert_non_null(strstr(buf, "B: 4 controls: 1 satisfied, 1 partial, 0 at risk, 1 not satisfied, "
                                "1 not assessed; 1 with waivers\n"));
    free(buf);
    buf = NULL;
    f = open_memstream(&buf, &len);
    assert_int_equal(vouch_coverage_json(&rep, &C, f), 0);
    fclose(f);
    assert_non_null(strstr(buf, "\"summary\": {\"controls\": 4, \"satisfied\": 1, \"partial\": 1, "
                                "\"at_risk\": 0, \"not_satisfied\": 1, \"not_assessed\": 1, \"with_waivers\": 1}"));
    assert_non_null(strstr(buf, "\"status\": \"partial\", \"relation\": \"intersects\", \"carries\": "
                                "{\"pass\": \"partial\", \"fail\": \"at_risk\"}"));
    free(buf);
}

static void test_coverage_oom(void **state)
{
    (void)state;
    P = new_program(2, 4, 0);
    add_pair(P, ref('A', 1), REL_EQUAL, ref('B', 1));
    add_maps(P, 0, 1, ref('A', 1));
    add_maps(P, 1, 1, ref('B', 2));
    new_results(P);
    R.rules[0].passed = 1;
    for (long n = 0;; n++) {
        fail_ctx fc = {n, 0};
        vouch_set_allocator(failing_alloc, &fc);
        vouch_status st = vouch_coverage_build(P, &R, 1, &C, &err);
        vouch_set_allocator(NULL, NULL);
        if (fc.failures == 0) {
            assert_int_equal(st, VOUCH_OK);
            break;
        }
        assert_int_equal(st, VOUCH_ENOMEM);
        assert_null(C.controls);
    }
    assert_int_equal(C.controls[0].status, COV_SATISFIED);
}

/* ---- reports ---------------------------------------------------------------------- */

/* A run with every kind of record, written as text, JSON and TSV. */
static void report_fixture(void)
{
    P = new_program(3, 4, 4);
    P->waiver_max_days = 0;
    add_pair(P, ref('A', 1), REL_EQUAL, ref('B', 1));
    add_pair(P, ref('B', 1), REL_INTERSECTS, ref('C', 1));
    add_maps(P, 0, 1, ref('A', 1));
    add_maps(P, 1, 1, ref('C', 2));
    P->rules[1].severity = SEV_LOW;
    P->rules[1].declared_severity = SEV_HIGH;
    P->rules[1].override_by = "acme";
    P->rules[2].skipped = 1;
    P->rules[2].skip_reason = "not in scope for acme";
    add_maps(P, 2, 1, ref('A', 1));
    add_waiver(P, 0, "s2", INT64_MIN, day(2027, 1, 31));
    add_waiver(P, 0, "s3", INT64_MIN, day(2026, 10, 31));
    add_waiver(P, 1, "nothing", INT64_MIN, day(2027, 1, 31));
    new_results(P);
    add_record(0, "s1", "m1", OUTCOME_FAIL);
    add_record(0, "s2", "m2", OUTCOME_FAIL);
    add_record(0, "s3", "m3", OUTCOME_FAIL);
    add_record(0, "n1", "outside scope production", OUTCOME_NA);
    add_record(0, "n2", "outside scope production", OUTCOME_NA);
    add_record(0, "n3", "retired", OUTCOME_NA);
    add_record(1, "t1", "m", OUTCOME_FAIL);
    R.rules[0].passed = 4;
    R.rules[1].passed = 1;
    sort_records();
    assert_int_equal(vouch_apply_waivers(P, day(2026, 11, 21), &R, &err), VOUCH_OK);
}

static char *write_report(int (*writer)(const vouch_report *, FILE *), int fail_on)
{
    char *buf = NULL;
    size_t len = 0;
    vouch_report rep = {P, &R, day(2026, 11, 21), day(2025, 10, 1), day(2026, 9, 30), "facts.db", fail_on, 0, NULL, 0, NULL, 0};
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(writer(&rep, f), 0);
    fclose(f);
    return buf;
}

static void test_report_text(void **state)
{
    (void)state;
    report_fixture();
    char *t = write_report(vouch_report_text, SEV_INFO);
    static const char want[] =
        "vouch " VOUCH_VERSION ": pack test 0.0.1, as of 2026-11-21, period 2025-10-01..2026-09-30\n"
        "\n"
        "R0 (high) a rule\n"
        "  test.vouch:1:1\n"
        "  control A/1 (direct)\n"
        "  control B/1 (equal: A/1 equal B/1)\n"
        "  control C/1 (intersects, a pass at most partial, a failure at most at risk: A/1 equal B/1 intersects C/1)\n"
        "  FAIL s1: m1\n"
        "  FAIL s3: m3 (waiver expired on 2026-10-31, test.vouch:102:1)\n"
        "  WAIVED s2: m2 (waived until 2027-01-31 by ciso: a reason)\n"
        "  2 not applicable: outside scope production\n"
        "  1 not applicable: retired\n"
        "  2 failed, 1 waived, 3 not applicable, 4 passed\n"
        "\n"
        "R1 (low, declared high; changed by acme) a rule\n"
        "  test.vouch:2:1\n"
        "  control C/2 (direct)\n"
        "  FAIL t1: m\n"
        "  1 failed, 1 passed\n"
        "\n"
        "R2 (high) a rule\n"
        "  test.vouch:3:1\n"
        "  control A/1 (direct)\n"
        "  control B/1 (equal: A/1 equal B/1)\n"
        "  control C/1 (intersects, a pass at most partial, a failure at most at risk: A/1 equal B/1 intersects C/1)\n"
        "  skipped: not in scope for acme\n"
        "\n"
        "warning: waiver for R1 nothing matches no finding (test.vouch:103:1)\n"
        "\n"
        "3 findings in 3 rules (critical 0, high 2, medium 0, low 1, info 0); 5 passed; 1 waived; "
        "3 not applicable; 1 rule skipped\n"
        "by framework (a rule counts for every framework it touches):\n"
        "  A: 1 rule (and 1 skipped), 4 passed, 2 failed, 1 waived, 3 not applicable, 0 errors\n"
        "  B: 1 rule (and 1 skipped), 4 passed, 2 failed, 1 waived, 3 not applicable, 0 errors\n"
        "  C: 2 rules (and 1 skipped), 5 passed, 3 failed, 1 waived, 3 not applicable, 0 errors\n";
    assert_string_equal(t, want);
    free(t);

    /* TSV: the still-failing findings only. */
    t = write_report(vouch_report_tsv, SEV_INFO);
    assert_string_equal(t, "R0\ts1\nR0\ts3\nR1\tt1\n");
    free(t);
    vouch_report rep = {P, &R, 0, 0, 0, "", SEV_INFO, 0, NULL, 0, NULL, 0};
    assert_int_equal(vouch_report_failing(&rep), 3);
    rep.fail_on = SEV_MEDIUM;
    assert_int_equal(vouch_report_failing(&rep), 2);

    /* Enforcement levels: R1's low finding fails a run at medium once R1
     * is hard, and is then the only one --allow-soft leaves; an advisory
     * R0 fails nothing. */
    P->rules[1].enforcement = ENF_HARD;
    assert_int_equal(vouch_report_failing(&rep), 3);
    rep.allow_soft = 1;
    assert_int_equal(vouch_report_failing(&rep), 1);
    rep.allow_soft = 0;
    P->rules[0].enforcement = ENF_ADVISORY;
    assert_int_equal(vouch_report_failing(&rep), 1);
    P->rules[0].enforcement = P->rules[1].enforcement = ENF_SOFT;
}

static void test_report_json(void **state)
{
    (void)state;
    report_fixture();
    char *j = write_report(vouch_report_json, SEV_MEDIUM);
    assert_non_null(strstr(j, "\"format\": 4,"));
    assert_non_null(strstr(j, "\"summary\": {\"rules\": 3, \"skipped\": 1, \"findings\": 7, \"failing\": 2, "
                              "\"passed\": 5, \"failed\": 3, \"waived\": 1, \"not_applicable\": 3, \"stale\": 0, \"errors\": 0"));
    assert_non_null(strstr(j, "{\"framework\": \"C\", \"title\": \"C\", \"rules\": 2, \"skipped\": 1, "
                              "\"passed\": 5, \"failed\": 3, \"waived\": 1, \"not_applicable\": 3, \"stale\": 0, \"errors\": 0}"));
    assert_non_null(strstr(j, "\"severity_override\": {\"declared\": \"high\", \"by\": \"acme\"}"));
    assert_non_null(strstr(j, "\"skipped\": true, \"skip_reason\": \"not in scope for acme\""));
    assert_non_null(strstr(j, "{\"rule\": \"R0\", \"subject\": \"s2\", \"status\": \"waived\""));
    assert_non_null(strstr(j, "\"waiver\": {\"subject\": \"s2\", \"until\": \"2027-01-31\", \"granted\": null, "
                              "\"because\": \"a reason\", \"approved_by\": \"ciso\", \"state\": \"holds\", "
                              "\"expired\": false, \"term_days\": 71, \"location\": {\"file\": \"test.vouch\", "
                              "\"line\": 101, \"column\": 1}}"));
    assert_non_null(strstr(j, "\"state\": \"expired\", \"expired\": true"));
    assert_non_null(strstr(j, "\"subject\": \"n3\", \"status\": \"not_applicable\", \"severity\": \"high\", "
                              "\"blocking\": false, \"message\": \"retired\""));
    assert_non_null(strstr(j, "\"subject\": \"s1\", \"status\": \"fail\", \"severity\": \"high\", "
                              "\"blocking\": true, \"message\": \"m1\""));
    assert_non_null(strstr(j, "{\"framework\": \"C\", \"control\": \"1\", \"relation\": \"intersects\", "
                              "\"carries\": {\"pass\": \"partial\", \"fail\": \"at_risk\"}, \"hops\": 2, "
                              "\"path\": [{\"framework\": \"A\", "
                              "\"control\": \"1\", \"relation\": \"direct\"}, {\"framework\": \"B\", \"control\": "
                              "\"1\", \"relation\": \"equal\"}, {\"framework\": \"C\", \"control\": \"1\", "
                              "\"relation\": \"intersects\"}]}"));
    assert_non_null(strstr(j, "\"unused_waivers\": [\n    {\"rule\": \"R1\", \"subject\": \"nothing\""));
    free(j);
}

/* A stale record (a pass resting on evidence past its freshness) fails
 * the run as a failure does, by enforcement; no waiver touches it; it is
 * named stale in text, JSON and TSV and leaves its controls unsatisfied. */
static void test_report_stale(void **state)
{
    (void)state;
    report_fixture();
    add_record(1, "t2", "passes only on evidence past its freshness", OUTCOME_STALE);
    add_waiver(P, 1, "t2", INT64_MIN, day(2027, 1, 31));
    sort_records();
    assert_int_equal(vouch_apply_waivers(P, day(2026, 11, 21), &R, &err), VOUCH_OK);
    vouch_report rep = {P, &R, 0, 0, 0, "", SEV_INFO, 0, NULL, 0, NULL, 0};
    assert_int_equal(vouch_report_failing(&rep), 4);
    P->rules[1].enforcement = ENF_ADVISORY;
    assert_int_equal(vouch_report_failing(&rep), 2);
    P->rules[1].enforcement = ENF_SOFT;
    char *t = write_report(vouch_report_text, SEV_INFO);
    assert_non_null(strstr(t, "  STALE t2: passes only on evidence past its freshness\n"));
    assert_non_null(strstr(t, "  1 failed, 1 stale, 1 passed\n"));
    assert_non_null(strstr(t, "; 1 of the findings stale (evidence past its freshness)"));
    free(t);
    t = write_report(vouch_report_json, SEV_INFO);
    assert_non_null(strstr(t, "{\"rule\": \"R1\", \"subject\": \"t2\", \"status\": \"stale\", \"severity\": \"low\", "
                              "\"blocking\": true"));
    assert_non_null(strstr(t, "\"not_applicable\": 0, \"stale\": 1, \"error\": null"));
    free(t);
    t = write_report(vouch_report_tsv, SEV_INFO);
    assert_string_equal(t, "R0\ts1\nR0\ts3\nR1\tt1\nR1\tt2\n");
    free(t);
    assert_int_equal(vouch_rule_cov_status(P, &R, 1, NULL), COV_NOT_SATISFIED);
    R.rules[1].failed = 0;
    assert_int_equal(vouch_rule_cov_status(P, &R, 1, NULL), COV_NOT_SATISFIED);
}

static void test_report_oom(void **state)
{
    (void)state;
    report_fixture();
    int (*writers[])(const vouch_report *, FILE *) = {vouch_report_text, vouch_report_json, vouch_report_tsv};
    for (size_t w = 0; w < 3; w++) {
        for (long n = 0;; n++) {
            char *buf = NULL;
            size_t len = 0;
            FILE *f = open_memstream(&buf, &len);
            assert_non_null(f);
            vouch_report rep = {P, &R, day(2026, 11, 21), 0, 0, "", SEV_INFO, 0, NULL, 0, NULL, 0};
            fail_ctx fc = {n, 0};
            vouch_set_allocator(failing_alloc, &fc);
            int rc = writers[w](&rep, f);
            vouch_set_allocator(NULL, NULL);
            fclose(f);
            free(buf);
            if (fc.failures == 0) {
                assert_int_equal(rc, 0);
                break;
            }
            assert_int_equal(rc, -1);
        }
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_teardown(test_waiver_applies, teardown),
        cmocka_unit_test_teardown(test_waiver_exact_subject, teardown),
        cmocka_unit_test_teardown(test_waiver_too_long, teardown),
        cmocka_unit_test_teardown(test_waiver_too_long_months, teardown),
        cmocka_unit_test_teardown(test_waiver_unused, teardown),
        cmocka_unit_test_teardown(test_waiver_choice, teardown),
        cmocka_unit_test_teardown(test_waiver_oom, teardown),
        cmocka_unit_test_teardown(test_reach_caps, reach_teardown),
        cmocka_unit_test_teardown(test_reach_goal, reach_teardown),
        cmocka_unit_test_teardown(test_reach_inverse, reach_teardown),
        cmocka_unit_test_teardown(test_reach_depth_and_weakest_link, reach_teardown),
        cmocka_unit_test_teardown(test_reach_best_path, reach_teardown),
        cmocka_unit_test_teardown(test_reach_cycles_and_bad_pairs, reach_teardown),
        cmocka_unit_test_teardown(test_reach_oom, reach_teardown),
        cmocka_unit_test_teardown(test_rule_status, teardown),
        cmocka_unit_test_teardown(test_coverage_build, cov_teardown),
        cmocka_unit_test_teardown(test_coverage_oom, cov_teardown),
        cmocka_unit_test_teardown(test_report_text, teardown),
        cmocka_unit_test_teardown(test_report_json, teardown),
        cmocka_unit_test_teardown(test_report_stale, teardown),
        cmocka_unit_test_teardown(test_report_oom, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
