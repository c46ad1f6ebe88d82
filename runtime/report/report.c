/*
 * report.c: text, JSON and TSV writers over one vouch_results.
 *
 * The text form groups records by rule, in program order, for an auditor
 * reading a terminal: the controls the rule touches, its failing findings
 * (with a note when a waiver matched but did not apply), its waived ones
 * (with the waiver's term, approver and reason), its not-applicable
 * subjects counted per reason, and a count line; then unused waivers and a
 * summary per outcome and per framework. Lines that would say nothing (no
 * controls, no waivers, nothing not applicable) are left out, so a pack
 * without catalogues or waivers reads as it always did.
 *
 * JSON is the machine form (docs/results.schema.json): a run header, the
 * summary, every rule with its counts and controls, every record (failing,
 * waived, not applicable) with its status, waiver and controls, and the
 * unused waivers. TSV is the bare RULE<TAB>SUBJECT list of still-failing
 * findings that the benchmark compares with the SQL reference. Text that
 * came from packs or stores goes through escape.h in every writer.
 *
 * Records arrive sorted by rule, so the records of rule i are one run of
 * the array; each writer walks them once.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "outcome.h"
#include "alloc.h"
#include "date.h"
#include "report_util.h"
#include "explain_text.h"
#include "identity.h"

int vouch_report_blocks(const vouch_report *r, const vouch_finding *f)
{
    /* a stale pass fails the run as a failure would: evidence past its
     * freshness proves nothing (docs/outputs.md) */
    if (f->status != OUTCOME_FAIL && f->status != OUTCOME_STALE)
        return 0;
    const vouch_rule_info *ri = &r->program->rules[f->rule];
    int blocks;
    switch (ri->enforcement) {
    case ENF_HARD: blocks = 1; break;
    case ENF_SOFT: blocks = !r->allow_soft && (int)ri->severity >= r->fail_on; break;
    default: blocks = 0;
    }
    if (blocks && r->fail_on_new && r->baseline) {
        const char *b = vouch_report_baseline_of(r, f);
        blocks = !b || strcmp(b, "new") == 0;
    }
    return blocks;
}

int vouch_report_no_subjects(const vouch_report *r, uint32_t i)
{
    if (i >= r->program->nrules || i >= r->results->nrules || r->program->rules[i].skipped)
        return 0;
    const vouch_rule_outcome *o = &r->results->rules[i];
    return !o->errored && o->passed == 0 && o->failed == 0 && o->waived == 0 && o->not_applicable == 0 &&
           o->stale == 0;
}

const char *vouch_report_baseline_of(const vouch_report *r, const vouch_finding *f)
{
    const vouch_baseline *b = r->baseline;
    if (!b || !b->state || f < r->results->findings)
        return NULL;
    size_t i = (size_t)(f - r->results->findings);
    return i < b->nstate ? vouch_baseline_state_name(b->state[i]) : NULL;
}

int vouch_report_shows_why(const vouch_report *r, const vouch_finding *f)
{
    return f->why && !r->why_hidden;
}

uint64_t vouch_report_failing(const vouch_report *r)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < r->results->nfindings; i++)
        n += (uint64_t)vouch_report_blocks(r, &r->results->findings[i]);
    return n;
}

static void fmt_date(int64_t d, char buf[11]) { date_format(d, buf); }

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

/* ---- what every writer needs: the controls of each rule ------------------- */

typedef vouch_fw_counts fw_counts;
typedef vouch_report_facts facts_of_run;

void vouch_report_facts_free(const vouch_program *p, vouch_report_facts *x)
{
    for (uint32_t i = 0; x->reach && i < p->nrules; i++)
        vouch_reach_list_free(&x->reach[i]);
    vouch_free(x->reach);
    vouch_free(x->fw);
    memset(x, 0, sizeof *x);
}

/* Reach of every rule and the per-framework counts (report_util.h). */
int vouch_report_facts_init(const vouch_report *r, vouch_report_facts *x)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    memset(x, 0, sizeof *x);
    uint32_t nfw = p->frameworks ? p->nframeworks : 0;
    vouch_crosswalk *cw = vouch_crosswalk_new(p);
    uint8_t *seen = vouch_calloc((size_t)nfw + 1, 1);
    x->reach = vouch_calloc((size_t)p->nrules + 1, sizeof *x->reach);
    x->fw = vouch_calloc((size_t)nfw + 1, sizeof *x->fw);
    int ok = cw && seen && x->reach && x->fw;
    for (uint32_t i = 0; ok && i < p->nrules; i++) {
        /* The paths shown are the best for what the rule's result was:
         * those that carry a failure for a rule that failed. */
        const vouch_rule_outcome *ro = i < res->nrules ? &res->rules[i] : NULL;
        vouch_reach_goal goal = ro && (ro->failed || ro->errored) ? REACH_FAIL : REACH_PASS;
        if (vouch_crosswalk_rule_reach(cw, i, goal, &x->reach[i], NULL) != VOUCH_OK) {
            ok = 0;
            break;
        }
        memset(seen, 0, (size_t)nfw + 1);
        const vouch_rule_outcome *o = i < res->nrules ? &res->rules[i] : NULL;
        for (uint32_t k = 0; k < x->reach[i].n; k++) {
            uint32_t f = x->reach[i].items[k].control.framework;
            if (seen[f])
                continue;
            seen[f] = 1;
            x->any_fw = 1;
            fw_counts *c = &x->fw[f];
            if (p->rules[i].skipped) {
                c->skipped++;
                continue;
            }
            c->rules++;
            if (o) {
                c->passed += o->passed;
                c->failed += o->failed;
                c->waived += o->waived;
                c->not_applicable += o->not_applicable;
                c->stale += o->stale;
                c->errors += o->errored != 0;
            }
        }
    }
    vouch_crosswalk_free(cw);
    vouch_free(seen);
    vouch_report_totals_of(r, &x->totals);
    if (!ok) {
        vouch_report_facts_free(p, x);
        errno = ENOMEM;
        return -1;
    }
    return 0;
}

int vouch_report_with_facts(const vouch_report *r, FILE *out,
                            int (*write)(const vouch_report *, const vouch_report_facts *, FILE *))
{
    vouch_report_facts x;
    if (vouch_report_facts_init(r, &x) != 0)
        return -1;
    int rc = write(r, &x, out);
    int e = errno;
    vouch_report_facts_free(r->program, &x);
    errno = e;
    return rc != 0 || ferror(out) ? -1 : 0;
}

/* ---- pieces shared with coverage.c ------------------------------------------ */

void vouch_text_control(const vouch_program *p, vouch_control_ref c, FILE *out)
{
    vouch_control_chars(out, p, c, vouch_text_chars);
}

void vouch_text_path(const vouch_program *p, const vouch_reach *reach, FILE *out)
{
    vouch_text_control(p, reach->origin, out);
    for (uint32_t h = 0; h < reach->nhops; h++) {
        fprintf(out, " %s ", vouch_relation_name(reach->hops[h].relation));
        vouch_text_control(p, reach->hops[h].to, out);
    }
}

const char *vouch_carries_text(const vouch_reach *reach)
{
    int pass = vouch_relation_implies_pass(reach->relation), fail = vouch_relation_implies_fail(reach->relation);
    if (reach->nhops == 0 || (pass && fail))
        return "";
    if (fail)
        return ", a pass at most partial";
    if (pass)
        return ", a failure at most at risk";
    return ", a pass at most partial, a failure at most at risk";
}

void vouch_json_carries(const vouch_reach *reach, FILE *out)
{
    uint32_t rel = reach->nhops ? reach->relation : REL_EQUAL;
    fprintf(out, "{\"pass\": \"%s\", \"fail\": \"%s\"}", vouch_cov_status_name(vouch_relation_carry(rel, COV_SATISFIED)),
            vouch_cov_status_name(vouch_relation_carry(rel, COV_NOT_SATISFIED)));
}

static void json_control_ref(const vouch_program *p, vouch_control_ref c, FILE *out)
{
    int ok = vouch_control_ref_valid(p, c);
    fputs("\"framework\": ", out);
    vouch_json_text(out, ok ? p->frameworks[c.framework].id : "?");
    vouch_json_member(out, "control", ok ? p->frameworks[c.framework].controls[c.control].id : "?");
}

void vouch_json_path(const vouch_program *p, const vouch_reach *reach, FILE *out)
{
    fputs("[{", out);
    json_control_ref(p, reach->origin, out);
    fputs(", \"relation\": \"direct\"}", out);
    for (uint32_t h = 0; h < reach->nhops; h++) {
        fputs(", {", out);
        json_control_ref(p, reach->hops[h].to, out);
        fprintf(out, ", \"relation\": \"%s\"}", vouch_relation_name(reach->hops[h].relation));
    }
    fputs("]", out);
}

void vouch_json_header(const vouch_report *r, FILE *out)
{
    const vouch_program *p = r->program;
    char asof[11], ps[11], pe[11];
    fmt_date(r->as_of, asof);
    fmt_date(r->period_start, ps);
    fmt_date(r->period_end, pe);
    fprintf(out, "  \"format\": %d,\n  \"engine\": {\"name\": \"vouch\", \"version\": \"%s\"},\n",
            VOUCH_JSON_FORMAT, VOUCH_VERSION);
    fprintf(out, "  \"run\": {\"as_of\": \"%s\", \"period\": {\"start\": \"%s\", \"end\": \"%s\"}, \"facts\": ",
            asof, ps, pe);
    vouch_json_text(out, r->facts_path);
    fputs(", \"pack\": {\"name\": ", out);
    vouch_json_text(out, p->pack);
    vouch_json_member(out, "version", p->pack_version);
    fprintf(out, "}, \"fail_on\": \"%s\", \"allow_soft\": %s", vouch_severity_name((uint32_t)r->fail_on),
            r->allow_soft ? "true" : "false");
    if (r->identity) {
        fputs(", \"identity\": ", out);
        vouch_identity_json(r->identity, out);
    }
    fputs("},\n", out);
}

/* ---- text ------------------------------------------------------------ */

static void text_location(FILE *out, const char *file, uint32_t line, uint32_t col)
{
    vouch_text_chars(out, file ? file : "?");
    fprintf(out, ":%u:%u", line, col);
}

static void text_controls(FILE *out, const vouch_program *p, const vouch_reach_list *l)
{
    for (uint32_t k = 0; k < l->n; k++) {
        const vouch_reach *rc = &l->items[k];
        fputs("  control ", out);
        vouch_text_control(p, rc->control, out);
        if (rc->nhops == 0) {
            fputs(" (direct)\n", out);
            continue;
        }
        fprintf(out, " (%s%s: ", vouch_relation_name(rc->relation), vouch_carries_text(rc));
        vouch_text_path(p, rc, out);
        fputs(")\n", out);
    }
}

/* The note on a failing finding that a waiver matched but did not clear. */
static void text_waiver_note(FILE *out, const vouch_report *r, const vouch_finding *f)
{
    const vouch_program *p = r->program;
    if (f->waiver < 0 || (uint32_t)f->waiver >= p->nwaivers)
        return;
    const vouch_waiver *w = &p->waivers[f->waiver];
    char d[11];
    if (f->waiver_expired) {
        fmt_date(w->until, d);
        fprintf(out, " (waiver expired on %s, ", d);
    } else if (vouch_waiver_state_of(p, w, r->as_of) == WAIVER_NOT_STARTED) {
        fmt_date(w->granted, d);
        fprintf(out, " (waiver not started: it acts from %s, ", d);
    } else if (p->waiver_max_days > 0 && vouch_waiver_term(w, r->as_of) > p->waiver_max_days) {
        fprintf(out, " (waiver not applied: its term of %lld days exceeds the pack's limit of %lld days, ",
                (long long)vouch_waiver_term(w, r->as_of), (long long)p->waiver_max_days);
    } else {
        char cap[32];
        vouch_value m = vouch_months(p->waiver_max_months);
        vouch_value_format(&m, cap, sizeof cap);
        fmt_date(w->until, d);
        fprintf(out, " (waiver not applied: it runs until %s, more than the pack's limit of %s from %s, ", d,
                cap, w->granted == INT64_MIN ? "the as-of date" : "its start");
    }
    text_location(out, w->file, w->line, w->col);
    fputs(")", out);
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* "N not applicable: REASON" per distinct reason of the NA records in
 * [lo, hi), reasons in byte order. */
static int text_not_applicable(FILE *out, const vouch_results *res, uint32_t lo, uint32_t hi, uint64_t n)
{
    if (n == 0)
        return 0;
    const char **why = vouch_malloc((size_t)n * sizeof *why);
    if (!why) {
        errno = ENOMEM;
        return -1;
    }
    uint64_t k = 0;
    for (uint32_t i = lo; i < hi && k < n; i++)
        if (res->findings[i].status == OUTCOME_NA)
            why[k++] = res->findings[i].message;
    qsort(why, (size_t)k, sizeof *why, cmp_str);
    for (uint64_t i = 0; i < k;) {
        uint64_t j = i + 1;
        while (j < k && strcmp(why[j], why[i]) == 0)
            j++;
        fprintf(out, "  %llu not applicable: ", (unsigned long long)(j - i));
        vouch_text_chars(out, why[i]);
        fputc('\n', out);
        i = j;
    }
    vouch_free(why);
    return 0;
}

/* " [new]" or " [unchanged]" after a finding, with a baseline. */
static void text_baseline_mark(FILE *out, const vouch_report *r, const vouch_finding *fd)
{
    const char *b = vouch_report_baseline_of(r, fd);
    if (b)
        fprintf(out, " [%s]", b);
}

/* The baseline's findings of rule id that are gone now. */
static void text_resolved(FILE *out, const vouch_report *r, const char *id)
{
    const vouch_baseline *b = r->baseline;
    for (uint32_t k = 0; b && k < b->nresolved; k++) {
        const vouch_baseline_item *it = &b->items[b->resolved[k]];
        if (strcmp(it->rule, id) != 0)
            continue;
        /* a baseline is another file's text: escaped as any value */
        fputs("  RESOLVED ", out);
        vouch_text_chars(out, it->subject);
        fputs(": ", out);
        vouch_text_chars(out, it->message);
        fputs(" (in the baseline, gone now)\n", out);
    }
}

/* When some findings do not fail the run: which do, and why. */
static void text_blocking(FILE *out, const vouch_report *r, uint64_t failing, uint64_t blocking)
{
    fprintf(out, "%llu of %llu findings fail the run (hard rules always; soft rules at or above %s%s; "
                 "advisory rules never%s)\n",
            (unsigned long long)blocking, (unsigned long long)failing, vouch_severity_name((uint32_t)r->fail_on),
            r->allow_soft ? ", but --allow-soft is given" : "",
            r->fail_on_new && r->baseline ? "; only new ones, --fail-on-new" : "");
}

static int text_write(const vouch_report *r, const vouch_report_facts *x, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    char asof[11], ps[11], pe[11];
    fmt_date(r->as_of, asof);
    fmt_date(r->period_start, ps);
    fmt_date(r->period_end, pe);
    const char *ver = p->pack_version && *p->pack_version ? p->pack_version : NULL;
    fprintf(out, "vouch %s: pack ", VOUCH_VERSION);
    vouch_text_chars(out, p->pack && *p->pack ? p->pack : "(unnamed)");
    if (ver) {
        fputc(' ', out);
        vouch_text_chars(out, ver);
    }
    fprintf(out, ", as of %s, period %s..%s\n", asof, ps, pe);
    uint64_t by_sev[SEV__COUNT] = {0};
    uint64_t failing = 0, blocking = 0, passed = 0, waived = 0, na = 0, errors = 0, skipped = 0, nosubj = 0;
    uint64_t stale = 0;
    uint32_t f = 0;
    int rc = 0;
    for (uint32_t i = 0; i < p->nrules && rc == 0; i++) {
        const vouch_rule_info *ri = &p->rules[i];
        const vouch_rule_outcome *o = &res->rules[i];
        uint32_t lo = f;
        while (f < res->nfindings && res->findings[f].rule == i)
            f++;
        /* "(medium, declared high; advisory, declared hard; changed by P)" */
        int by = ri->override_by && *ri->override_by;
        int sev_changed = by && ri->declared_severity != ri->severity;
        int enf_changed = by && ri->declared_enforcement != ri->enforcement;
        fputc('\n', out);
        vouch_text_chars(out, ri->id);
        fprintf(out, " (%s", vouch_severity_name(ri->severity));
        if (sev_changed)
            fprintf(out, ", declared %s", vouch_severity_name(ri->declared_severity));
        if (ri->enforcement != ENF_SOFT || enf_changed)
            fprintf(out, "; %s", vouch_enforcement_name(ri->enforcement));
        if (enf_changed)
            fprintf(out, ", declared %s", vouch_enforcement_name(ri->declared_enforcement));
        if (sev_changed || enf_changed) {
            fputs("; changed by ", out);
            vouch_text_chars(out, ri->override_by);
        }
        fputs(") ", out);
        vouch_text_chars(out, ri->title);
        fputs("\n  ", out);
        text_location(out, ri->file, ri->line, ri->col);
        fputc('\n', out);
        text_controls(out, p, &x->reach[i]);
        if (ri->skipped) {
            skipped++;
            if (ri->skip_reason && *ri->skip_reason) {
                fputs("  skipped: ", out);
                vouch_text_chars(out, ri->skip_reason);
                fputc('\n', out);
            } else
                fputs("  skipped\n", out);
            continue;
        }
        passed += o->passed;
        waived += o->waived;
        na += o->not_applicable;
        for (uint32_t k = lo; k < f; k++) {
            const vouch_finding *fd = &res->findings[k];
            if (fd->status != OUTCOME_FAIL)
                continue;
            fputs("  FAIL ", out);
            vouch_text_chars(out, fd->subject);
            fputs(": ", out);
            vouch_text_chars(out, fd->message);
            text_waiver_note(out, r, fd);
            text_baseline_mark(out, r, fd);
            blocking += (uint64_t)vouch_report_blocks(r, fd);
            fputc('\n', out);
            if (vouch_report_shows_why(r, fd))
                vouch_why_text(p, fd->why, 6, out);
            by_sev[ri->severity]++;
            failing++;
        }
        for (uint32_t k = lo; k < f; k++) {
            const vouch_finding *fd = &res->findings[k];
            if (fd->status != OUTCOME_STALE)
                continue;
            fputs("  STALE ", out);
            vouch_text_chars(out, fd->subject);
            fputs(": ", out);
            vouch_text_chars(out, fd->message);
            text_baseline_mark(out, r, fd);
            blocking += (uint64_t)vouch_report_blocks(r, fd);
            fputc('\n', out);
            if (vouch_report_shows_why(r, fd))
                vouch_why_text(p, fd->why, 6, out);
            by_sev[ri->severity]++;
            failing++;
            stale++;
        }
        for (uint32_t k = lo; k < f; k++) {
            const vouch_finding *fd = &res->findings[k];
            if (fd->status != OUTCOME_WAIVED || fd->waiver < 0 || (uint32_t)fd->waiver >= p->nwaivers)
                continue;
            const vouch_waiver *w = &p->waivers[fd->waiver];
            char d[11];
            fmt_date(w->until, d);
            fputs("  WAIVED ", out);
            vouch_text_chars(out, fd->subject);
            fputs(": ", out);
            vouch_text_chars(out, fd->message);
            fprintf(out, " (waived until %s by ", d);
            vouch_text_chars(out, w->approved_by ? w->approved_by : "?");
            fputs(": ", out);
            vouch_text_chars(out, w->because);
            fputc(')', out);
            text_baseline_mark(out, r, fd);
            fputc('\n', out);
            if (vouch_report_shows_why(r, fd))
                vouch_why_text(p, fd->why, 6, out);
        }
        text_resolved(out, r, ri->id);
        rc = text_not_applicable(out, res, lo, f, o->not_applicable);
        if (o->errored) {
            errors++;
            fputs("  ERROR ", out);
            vouch_text_chars(out, o->error ? o->error : "rule stopped");
            fputc('\n', out);
        }
        if (vouch_report_no_subjects(r, i)) {
            fputs("  no subject examined: nothing in the facts matched the rule's loops, so it shows nothing "
                  "either way\n", out);
            nosubj++;
        } else if (o->failed == 0 && o->waived == 0 && o->not_applicable == 0 && o->stale == 0 && !o->errored) {
            fprintf(out, "  ok: %llu subject%s passed\n", (unsigned long long)o->passed, plural(o->passed));
        } else {
            fprintf(out, "  %llu failed", (unsigned long long)o->failed);
            if (o->stale)
                fprintf(out, ", %llu stale", (unsigned long long)o->stale);
            if (o->waived)
                fprintf(out, ", %llu waived", (unsigned long long)o->waived);
            if (o->not_applicable)
                fprintf(out, ", %llu not applicable", (unsigned long long)o->not_applicable);
            fprintf(out, ", %llu passed\n", (unsigned long long)o->passed);
        }
    }
    if (rc != 0) {
        return -1;
    }

    if (res->nunused)
        fputc('\n', out);
    for (uint32_t k = 0; k < res->nunused; k++) {
        if (res->unused[k] >= p->nwaivers)
            continue;
        const vouch_waiver *w = &p->waivers[res->unused[k]];
        int known = w->rule < p->nrules;
        fputs("warning: waiver for ", out);
        vouch_text_chars(out, known ? p->rules[w->rule].id : "?");
        fputc(' ', out);
        vouch_text_chars(out, w->subject);
        fprintf(out, " matches no finding%s (", known && p->rules[w->rule].skipped ? ": the rule is skipped" : "");
        if (vouch_waiver_state_of(p, w, r->as_of) == WAIVER_NOT_STARTED) {
            char d[11];
            fmt_date(w->granted, d);
            fprintf(out, "not started: it acts from %s; ", d);
        }
        text_location(out, w->file, w->line, w->col);
        fputs(")\n", out);
    }

    fprintf(out, "\n%llu finding%s in %u rule%s (critical %llu, high %llu, medium %llu, low %llu, info %llu); "
                 "%llu passed",
            (unsigned long long)failing, plural(failing), p->nrules, plural(p->nrules),
            (unsigned long long)by_sev[SEV_CRITICAL], (unsigned long long)by_sev[SEV_HIGH],
            (unsigned long long)by_sev[SEV_MEDIUM], (unsigned long long)by_sev[SEV_LOW],
            (unsigned long long)by_sev[SEV_INFO], (unsigned long long)passed);
    if (stale)
        fprintf(out, "; %llu of the findings stale (evidence past its freshness)", (unsigned long long)stale);
    if (waived)
        fprintf(out, "; %llu waived", (unsigned long long)waived);
    if (na)
        fprintf(out, "; %llu not applicable", (unsigned long long)na);
    if (errors)
        fprintf(out, "; %llu rule%s stopped with an error", (unsigned long long)errors, plural(errors));
    if (skipped)
        fprintf(out, "; %llu rule%s skipped", (unsigned long long)skipped, plural(skipped));
    if (nosubj)
        fprintf(out, "; %llu rule%s examined no subject", (unsigned long long)nosubj, plural(nosubj));
    fprintf(out, "\n");
    if (r->baseline)
    {
        fputs("baseline ", out);
        vouch_text_chars(out, r->baseline->path);
        fprintf(out, ": %u new, %u unchanged, %u resolved\n", r->baseline->nnew, r->baseline->nunchanged,
                r->baseline->nresolved);
    }
    if (blocking != failing)
        text_blocking(out, r, failing, blocking);
    if (x->any_fw) {
        fputs("by framework (a rule counts for every framework it touches):\n", out);
        for (uint32_t k = 0; k < p->nframeworks; k++) {
            const fw_counts *c = &x->fw[k];
            if (!c->rules && !c->skipped)
                continue;
            fputs("  ", out);
            vouch_text_chars(out, p->frameworks[k].id);
            fprintf(out, ": %llu rule%s", (unsigned long long)c->rules, plural(c->rules));
            if (c->skipped)
                fprintf(out, " (and %llu skipped)", (unsigned long long)c->skipped);
            fprintf(out, ", %llu passed, %llu failed, ", (unsigned long long)c->passed, (unsigned long long)c->failed);
            if (c->stale)
                fprintf(out, "%llu stale, ", (unsigned long long)c->stale);
            fprintf(out, "%llu waived, %llu not applicable, %llu error%s\n", (unsigned long long)c->waived,
                    (unsigned long long)c->not_applicable, (unsigned long long)c->errors, plural(c->errors));
        }
    }
    if (r->identity)
        vouch_identity_text(r->identity, out);
    return 0;
}

int vouch_report_text(const vouch_report *r, FILE *out) { return vouch_report_with_facts(r, out, text_write); }

/* ---- json ------------------------------------------------------------ */

static void json_raw(FILE *out, const char *s) { fwrite_unlocked(s, 1, strlen(s), out); }

/* n in decimal, without printf's format parsing (once per finding). */
static void json_u32(FILE *out, uint32_t n)
{
    char b[10];
    int k = 0;
    do
        b[k++] = (char)('0' + n % 10);
    while ((n /= 10) && k < 10);
    while (k)
        putc_unlocked(b[--k], out);
}

static void json_location(FILE *out, const char *file, uint32_t line, uint32_t col)
{
    json_raw(out, "{\"file\": ");
    vouch_json_text(out, file);
    json_raw(out, ", \"line\": ");
    json_u32(out, line);
    json_raw(out, ", \"column\": ");
    json_u32(out, col);
    putc_unlocked('}', out);
}

static void json_date(FILE *out, int64_t d)
{
    char buf[11];
    fmt_date(d, buf);
    fprintf(out, "\"%s\"", buf);
}

/* The controls a rule touches, as a JSON list. */
static void json_controls(FILE *out, const vouch_program *p, const vouch_reach_list *l)
{
    fputc('[', out);
    for (uint32_t k = 0; k < l->n; k++) {
        const vouch_reach *rc = &l->items[k];
        fputs(k ? ", {" : "{", out);
        json_control_ref(p, rc->control, out);
        fprintf(out, ", \"relation\": \"%s\", \"carries\": ", rc->nhops ? vouch_relation_name(rc->relation) : "direct");
        vouch_json_carries(rc, out);
        fprintf(out, ", \"hops\": %u, \"path\": ", rc->nhops);
        vouch_json_path(p, rc, out);
        fputc('}', out);
    }
    fputc(']', out);
}

/* The members of a waiver object shared by findings and unused waivers. */
static void json_waiver_body(FILE *out, const vouch_report *r, const vouch_waiver *w)
{
    vouch_waiver_state st = vouch_waiver_state_of(r->program, w, r->as_of);
    fputs("\"subject\": ", out);
    vouch_json_text(out, w->subject);
    fputs(", \"until\": ", out);
    json_date(out, w->until);
    fputs(", \"granted\": ", out);
    if (w->granted == INT64_MIN)
        fputs("null", out);
    else
        json_date(out, w->granted);
    vouch_json_member(out, "because", w->because);
    vouch_json_member(out, "approved_by", w->approved_by);
    fprintf(out, ", \"state\": \"%s\", \"expired\": %s, \"term_days\": %lld, \"location\": ",
            vouch_waiver_state_name(st), st == WAIVER_EXPIRED ? "true" : "false",
            (long long)vouch_waiver_term(w, r->as_of));
    json_location(out, w->file, w->line, w->col);
}

/* The "baseline" member: the file, the counts, the resolved findings. */
static void json_baseline(FILE *out, const vouch_baseline *b)
{
    fputs(",\n  \"baseline\": {\"file\": ", out);
    vouch_json_text(out, b->path);
    fprintf(out, ", \"new\": %u, \"unchanged\": %u, \"resolved\": [", b->nnew, b->nunchanged);
    for (uint32_t k = 0; k < b->nresolved; k++) {
        const vouch_baseline_item *it = &b->items[b->resolved[k]];
        fputs(k ? ",\n    {\"rule\": " : "\n    {\"rule\": ", out);
        vouch_json_text(out, it->rule);
        vouch_json_member(out, "subject", it->subject);
        vouch_json_member(out, "severity", it->severity);
        vouch_json_member(out, "message", it->message);
        fputc('}', out);
    }
    fputs(b->nresolved ? "\n  ]}" : "]}", out);
}

static const char *status_name(uint8_t s)
{
    switch (s) {
    case OUTCOME_FAIL: return "fail";
    case OUTCOME_NA: return "not_applicable";
    case OUTCOME_WAIVED: return "waived";
    case OUTCOME_STALE: return "stale";
    default: return "?";
    }
}

/* An override member's value: what the rule declared and the override
 * that changed it, when one did (changed), else null. */
static void json_override(FILE *out, const vouch_rule_info *ri, int changed, const char *declared)
{
    if (!ri->override_by || !*ri->override_by || !changed) {
        fputs("null", out);
        return;
    }
    fprintf(out, "{\"declared\": \"%s\", \"by\": ", declared);
    vouch_json_text(out, ri->override_by);
    fputc('}', out);
}

static int json_write(const vouch_report *r, const vouch_report_facts *x, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    const vouch_report_totals *t = &x->totals;
    uint64_t nosubj = 0;
    for (uint32_t i = 0; i < p->nrules; i++)
        nosubj += (uint64_t)vouch_report_no_subjects(r, i);
    fputs("{\n", out);
    vouch_json_header(r, out);
    fprintf(out, "  \"summary\": {\"rules\": %u, \"skipped\": %llu, \"findings\": %u, \"failing\": %llu, "
                 "\"passed\": %llu, \"failed\": %llu, \"waived\": %llu, \"not_applicable\": %llu, \"stale\": %llu, "
                 "\"errors\": %llu, \"no_subjects\": %llu, \"by_severity\": {",
            p->nrules, (unsigned long long)t->skipped, res->nfindings, (unsigned long long)vouch_report_failing(r),
            (unsigned long long)t->passed, (unsigned long long)t->failed, (unsigned long long)t->waived,
            (unsigned long long)t->not_applicable, (unsigned long long)t->stale, (unsigned long long)t->errors,
            (unsigned long long)nosubj);
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        fprintf(out, "\"%s\": %llu%s", vouch_severity_name((uint32_t)s), (unsigned long long)t->failing_by_sev[s],
                s ? ", " : "");
    fputs("}, \"frameworks\": [", out);
    int first = 1;
    for (uint32_t k = 0; k < p->nframeworks; k++) {
        const fw_counts *c = &x->fw[k];
        if (!c->rules && !c->skipped)
            continue;
        fputs(first ? "\n    {\"framework\": " : ",\n    {\"framework\": ", out);
        first = 0;
        vouch_json_text(out, p->frameworks[k].id);
        vouch_json_member(out, "title", p->frameworks[k].title);
        fprintf(out, ", \"rules\": %llu, \"skipped\": %llu, \"passed\": %llu, \"failed\": %llu, \"waived\": %llu, "
                     "\"not_applicable\": %llu, \"stale\": %llu, \"errors\": %llu}",
                (unsigned long long)c->rules, (unsigned long long)c->skipped, (unsigned long long)c->passed,
                (unsigned long long)c->failed, (unsigned long long)c->waived,
                (unsigned long long)c->not_applicable, (unsigned long long)c->stale, (unsigned long long)c->errors);
    }
    fputs(first ? "]},\n  \"rules\": [" : "\n  ]},\n  \"rules\": [", out);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const vouch_rule_info *ri = &p->rules[i];
        const vouch_rule_outcome *o = &res->rules[i];
        fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", out);
        vouch_json_text(out, ri->id);
        vouch_json_member(out, "title", ri->title);
        fprintf(out, ", \"severity\": \"%s\", \"enforcement\": \"%s\", \"enforcement_override\": ",
                vouch_severity_name(ri->severity), vouch_enforcement_name(ri->enforcement));
        json_override(out, ri, ri->declared_enforcement != ri->enforcement,
                      vouch_enforcement_name(ri->declared_enforcement));
        fputs(", \"severity_override\": ", out);
        json_override(out, ri, ri->declared_severity != ri->severity, vouch_severity_name(ri->declared_severity));
        vouch_json_member(out, "pack", ri->pack);
        fputs(", \"location\": ", out);
        json_location(out, ri->file, ri->line, ri->col);
        fprintf(out, ", \"skipped\": %s, \"skip_reason\": ", ri->skipped ? "true" : "false");
        if (ri->skipped)
            vouch_json_text(out, ri->skip_reason);
        else
            fputs("null", out);
        fprintf(out, ", \"passed\": %llu, \"failed\": %llu, \"waived\": %llu, \"not_applicable\": %llu, "
                     "\"stale\": %llu, \"error\": ",
                (unsigned long long)o->passed, (unsigned long long)o->failed, (unsigned long long)o->waived,
                (unsigned long long)o->not_applicable, (unsigned long long)o->stale);
        if (o->errored)
            vouch_json_text(out, o->error ? o->error : "rule stopped");
        else
            fputs("null", out);
        fputs(", \"maps\": [", out);
        for (uint32_t k = 0; ri->maps && k < ri->nmaps; k++) {
            fputs(k ? ", {" : "{", out);
            json_control_ref(p, ri->maps[k], out);
            fputc('}', out);
        }
        fputs("], \"controls\": ", out);
        json_controls(out, p, &x->reach[i]);
        fputs(vouch_report_no_subjects(r, i) ? ", \"no_subjects\": true}" : ", \"no_subjects\": false}", out);
    }
    fputs(p->nrules ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [", out);
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const vouch_finding *fd = &res->findings[i];
        const vouch_rule_info *ri = &p->rules[fd->rule];
        fputs(i ? ",\n    {\"rule\": " : "\n    {\"rule\": ", out);
        vouch_json_text(out, ri->id);
        vouch_json_member(out, "subject", fd->subject);
        json_raw(out, ", \"status\": \"");
        json_raw(out, status_name(fd->status));
        json_raw(out, "\", \"severity\": \"");
        json_raw(out, vouch_severity_name(ri->severity));
        json_raw(out, vouch_report_blocks(r, fd) ? "\", \"blocking\": true, \"message\": "
                                                  : "\", \"blocking\": false, \"message\": ");
        vouch_json_text(out, fd->message);
        fputs(", \"location\": ", out);
        json_location(out, ri->file, ri->line, ri->col);
        fputs(", \"waiver\": ", out);
        if ((fd->status == OUTCOME_FAIL || fd->status == OUTCOME_WAIVED) && fd->waiver >= 0 &&
            (uint32_t)fd->waiver < p->nwaivers) {
            fputc('{', out);
            json_waiver_body(out, r, &p->waivers[fd->waiver]);
            fputc('}', out);
        } else {
            fputs("null", out);
        }
        /* The controls a finding touches are its rule's (listed once, with
         * their paths, on the rule): repeating them per finding made the
         * output grow with findings x controls. */
        const char *bs = vouch_report_baseline_of(r, fd);
        if (bs) {
            json_raw(out, ", \"baseline\": \"");
            json_raw(out, bs);
            putc_unlocked('"', out);
        }
        if (vouch_report_shows_why(r, fd)) {
            fputs(", \"explanation\": ", out);
            vouch_why_json(p, fd->why, out);
        }
        fputs("}", out);
    }
    fputs(res->nfindings ? "\n  ],\n  \"unused_waivers\": [" : "],\n  \"unused_waivers\": [", out);
    uint32_t nu = 0;
    for (uint32_t k = 0; k < res->nunused; k++) {
        if (res->unused[k] >= p->nwaivers)
            continue;
        const vouch_waiver *w = &p->waivers[res->unused[k]];
        fputs(nu++ ? ",\n    {\"rule\": " : "\n    {\"rule\": ", out);
        vouch_json_text(out, w->rule < p->nrules ? p->rules[w->rule].id : "?");
        fputs(", ", out);
        json_waiver_body(out, r, w);
        fputs("}", out);
    }
    fputs(nu ? "\n  ]" : "]", out);
    if (r->baseline)
        json_baseline(out, r->baseline);
    fputs("\n}\n", out);
    return 0;
}

int vouch_report_json(const vouch_report *r, FILE *out) { return vouch_report_with_facts(r, out, json_write); }

/* ---- tsv ------------------------------------------------------------ */

typedef struct tsv_line {
    const char *id, *subject;
} tsv_line;

static int cmp_lines(const void *a, const void *b)
{
    const tsv_line *x = a, *y = b;
    int c = strcmp(x->id, y->id);
    return c ? c : strcmp(x->subject, y->subject);
}

/* RULE<TAB>SUBJECT per failing finding, sorted; both fields escaped
 * (vouch_tsv_chars: \t \n \r \\ and \xHH), so a value holding a tab or a
 * newline stays one field of one record. */
int vouch_report_tsv(const vouch_report *r, FILE *out)
{
    const vouch_results *res = r->results;
    tsv_line *lines = vouch_malloc(((size_t)res->nfindings + 1) * sizeof *lines);
    if (!lines) {
        errno = ENOMEM;
        return -1;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < res->nfindings; i++) {
        if (res->findings[i].status != OUTCOME_FAIL && res->findings[i].status != OUTCOME_STALE)
            continue;
        lines[n].id = r->program->rules[res->findings[i].rule].id;
        lines[n].subject = res->findings[i].subject ? res->findings[i].subject : "";
        n++;
    }
    qsort(lines, n, sizeof *lines, cmp_lines);
    for (uint32_t i = 0; i < n; i++) {
        vouch_tsv_chars(out, lines[i].id);
        fputc('\t', out);
        vouch_tsv_chars(out, lines[i].subject);
        fputc('\n', out);
    }
    vouch_free(lines);
    return ferror(out) ? -1 : 0;
}
