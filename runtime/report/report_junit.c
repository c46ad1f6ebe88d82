/*
 * report_junit.c: the results as JUnit XML, for CI test-report views
 * (Jenkins, GitLab, GitHub actions that read JUnit). docs/outputs.md.
 *
 * Valid against both the strict Ant/windyroad XSD and the Jenkins xUnit
 * one (shared/schemas/junit), hence the shape: a bare <testsuites>; per
 * pack one <testsuite> with package, id, name, timestamp (the as-of date at
 * midnight, no time zone), hostname, tests, failures, errors, skipped,
 * time; its children exactly <properties>, the testcases, <system-out>,
 * <system-err>; at most one of failure/error/skipped per testcase.
 *
 * One testcase per rule, named by the rule id (classname: the pack), so a
 * CI view keeps its history from run to run whatever the counts. A test
 * view's red must be the exit code's red, so:
 *   a rule with findings that fail the run (vouch_report_blocks) has a
 *     <failure> listing them (type: the severity);
 *   a rule that stopped with an error has an <error>;
 *   a skipped rule, and one that examined no subject (it shows nothing
 *     either way), has <skipped message="...">;
 *   any other rule passes: its findings that do not fail the run (under
 *     --fail-on, --allow-soft, advisory enforcement or --fail-on-new) are
 *     not failures. They, the waived and not-applicable records and each
 *     rule's counts go to the suite's <system-out>, one line each (the
 *     strict XSD allows no output inside a testcase).
 * With a baseline each finding carries [new] or [unchanged], resolved ones
 * are listed in <system-out>, and the counts are suite properties. Times
 * are all 0: vouch does not time rules, and the output must not depend on
 * the clock.
 */
#include <string.h>
#include "identity.h"
#include "report_util.h"
#include "outcome.h"
#include "date.h"

static void attr(FILE *out, const char *name, const char *value)
{
    fprintf(out, " %s=\"", name);
    vouch_xml_text(out, value, 0);
    fputc('"', out);
}

static void testcase_open(FILE *out, const vouch_rule_info *ri)
{
    fputs("    <testcase name=\"", out);
    vouch_xml_text(out, ri->id, 0);
    fputs("\" classname=\"", out);
    vouch_xml_text(out, ri->pack, 0);
    fputs("\" time=\"0\">", out);
}

static void date_text(FILE *out, int64_t d)
{
    char b[11];
    date_format(d, b);
    fputs(b, out);
}

static void baseline_mark(FILE *out, const vouch_report *r, const vouch_finding *fd)
{
    const char *b = vouch_report_baseline_of(r, fd);
    if (b)
        fprintf(out, " [%s]", b);
}

/* The <failure> of rule i: its blocking findings in [lo, hi). */
static void failure(FILE *out, const vouch_report *r, const vouch_report_facts *x, uint32_t i, uint32_t lo,
                    uint32_t hi, uint64_t nblock)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    const vouch_rule_info *ri = &p->rules[i];
    fprintf(out, "\n      <failure type=\"%s\" message=\"%llu finding%s fail%s the run\">",
            vouch_severity_name(ri->severity), (unsigned long long)nblock, nblock == 1 ? "" : "s",
            nblock == 1 ? "s" : "");
    fprintf(out, "rule %s (%s, %s): ", ri->id, vouch_severity_name(ri->severity),
            vouch_enforcement_name(ri->enforcement));
    vouch_xml_text(out, ri->title, 0);
    fputs("&#10;at ", out);
    vouch_xml_text(out, ri->file, 0);
    fprintf(out, ":%u:%u", ri->line, ri->col);
    const vouch_reach_list *l = &x->reach[i];
    if (l->n) {
        fputs("&#10;controls:", out);
        for (uint32_t k = 0; k < l->n; k++) {
            fputc(' ', out);
            vouch_control_ref c = l->items[k].control;
            if (vouch_control_ref_valid(p, c)) {
                vouch_xml_text(out, p->frameworks[c.framework].id, 0);
                fputc('/', out);
                vouch_xml_text(out, p->frameworks[c.framework].controls[c.control].id, 0);
            }
        }
    }
    for (uint32_t k = lo; k < hi; k++) {
        const vouch_finding *fd = &res->findings[k];
        if (!vouch_report_blocks(r, fd))
            continue;
        fputs("&#10;", out);
        vouch_xml_text(out, fd->subject, 0);
        fputs(fd->status == OUTCOME_STALE ? ": stale: " : ": ", out);
        vouch_xml_text(out, fd->message, 0);
        baseline_mark(out, r, fd);
        if (fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers) {
            const vouch_waiver *w = &p->waivers[fd->waiver];
            fprintf(out, " (a waiver matched but does not apply: %s, until ",
                    vouch_waiver_state_name(vouch_waiver_state_of(p, w, r->as_of)));
            date_text(out, w->until);
            fputs(")", out);
        }
    }
    fputs("</failure>\n    ", out);
}

/* One <system-out> line per record of rule i that is not in its <failure>,
 * then the rule's counts and the baseline's resolved findings. */
static void system_out_rule(FILE *out, const vouch_report *r, uint32_t i, uint32_t lo, uint32_t hi)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    const vouch_rule_info *ri = &p->rules[i];
    const vouch_rule_outcome *o = &res->rules[i];
    for (uint32_t k = lo; k < hi; k++) {
        const vouch_finding *fd = &res->findings[k];
        if ((fd->status == OUTCOME_FAIL || fd->status == OUTCOME_STALE) && vouch_report_blocks(r, fd) && !o->errored)
            continue;
        vouch_xml_text(out, ri->id, 0);
        fputc(' ', out);
        vouch_xml_text(out, fd->subject, 0);
        fputs(": ", out);
        if (fd->status == OUTCOME_FAIL || fd->status == OUTCOME_STALE) {
            if (fd->status == OUTCOME_STALE)
                fputs("stale: ", out);
            vouch_xml_text(out, fd->message, 0);
            fprintf(out, " (%s, %s)", vouch_severity_name(ri->severity),
                    vouch_report_blocks(r, fd) ? "fails the run" : "does not fail the run");
        } else if (fd->status == OUTCOME_WAIVED && fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers) {
            const vouch_waiver *w = &p->waivers[fd->waiver];
            fputs("waived until ", out);
            date_text(out, w->until);
            fputs(" by ", out);
            vouch_xml_text(out, w->approved_by ? w->approved_by : "?", 0);
            fputs(": ", out);
            vouch_xml_text(out, w->because, 0);
            fputs(" (finding: ", out);
            vouch_xml_text(out, fd->message, 0);
            fputs(")", out);
        } else if (fd->status == OUTCOME_WAIVED) {
            fputs("waived: ", out);
            vouch_xml_text(out, fd->message, 0);
        } else {
            fputs("not applicable: ", out);
            vouch_xml_text(out, fd->message, 0);
        }
        baseline_mark(out, r, fd);
        fputc('\n', out);
    }
    const vouch_baseline *b = r->baseline;
    for (uint32_t k = 0; b && k < b->nresolved; k++) {
        const vouch_baseline_item *it = &b->items[b->resolved[k]];
        if (strcmp(it->rule, ri->id) != 0)
            continue;
        vouch_xml_text(out, ri->id, 0);
        fputc(' ', out);
        vouch_xml_text(out, it->subject, 0);
        fputs(": ", out);
        vouch_xml_text(out, it->message, 0);
        fputs(" [resolved: in the baseline, gone now]\n", out);
    }
}

static int junit_write(const vouch_report *r, const vouch_report_facts *x, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    char ts[32];
    vouch_datetime(r->as_of, 0, 0, 0, ts);
    ts[19] = 0; /* no time zone: the strict XSD refuses one */
    fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n", out);
    uint32_t suite_id = 0;
    for (uint32_t first = 0; first < p->nrules; first++) {
        const char *pack = p->rules[first].pack ? p->rules[first].pack : "";
        /* a pack's suite is written at its first rule */
        int seen = 0;
        for (uint32_t j = 0; j < first && !seen; j++)
            seen = strcmp(p->rules[j].pack ? p->rules[j].pack : "", pack) == 0;
        if (seen)
            continue;
        uint64_t tests = 0, failures = 0, errors = 0, skipped = 0;
        uint32_t pos = 0, lo, hi;
        for (uint32_t i = first; i < p->nrules; i++) {
            if (strcmp(p->rules[i].pack ? p->rules[i].pack : "", pack) != 0)
                continue;
            tests++;
            if (p->rules[i].skipped || vouch_report_no_subjects(r, i)) {
                skipped++;
                continue;
            }
            if (res->rules[i].errored) {
                errors++;
                continue;
            }
            vouch_report_rule_records(res, i, &pos, &lo, &hi);
            int blocks = 0;
            for (uint32_t k = lo; k < hi && !blocks; k++)
                blocks = vouch_report_blocks(r, &res->findings[k]);
            failures += (uint64_t)blocks;
        }
        fputs("  <testsuite", out);
        attr(out, "name", pack);
        attr(out, "package", pack);
        fprintf(out, " id=\"%u\" timestamp=\"%s\" hostname=\"localhost\" tests=\"%llu\" failures=\"%llu\" "
                     "errors=\"%llu\" skipped=\"%llu\" time=\"0\">\n",
                suite_id++, ts, (unsigned long long)tests, (unsigned long long)failures,
                (unsigned long long)errors, (unsigned long long)skipped);
        char d[11];
        fputs("    <properties>\n", out);
        date_format(r->as_of, d);
        fprintf(out, "      <property name=\"as-of\" value=\"%s\"/>\n", d);
        date_format(r->period_start, d);
        fprintf(out, "      <property name=\"period-start\" value=\"%s\"/>\n", d);
        date_format(r->period_end, d);
        fprintf(out, "      <property name=\"period-end\" value=\"%s\"/>\n", d);
        fputs("      <property name=\"facts\" value=\"", out);
        vouch_xml_text(out, r->facts_path, 0);
        fprintf(out, "\"/>\n      <property name=\"allow-soft\" value=\"%s\"/>\n", r->allow_soft ? "true" : "false");
        fprintf(out, "      <property name=\"fail-on\" value=\"%s\"/>\n",
                vouch_severity_name((uint32_t)r->fail_on));
        if (r->baseline) {
            fputs("      <property name=\"baseline\" value=\"", out);
            vouch_xml_text(out, r->baseline->path, 0);
            fprintf(out, "\"/>\n      <property name=\"baseline-new\" value=\"%u\"/>\n"
                         "      <property name=\"baseline-unchanged\" value=\"%u\"/>\n"
                         "      <property name=\"baseline-resolved\" value=\"%u\"/>\n"
                         "      <property name=\"fail-on-new\" value=\"%s\"/>\n",
                    r->baseline->nnew, r->baseline->nunchanged, r->baseline->nresolved,
                    r->fail_on_new ? "true" : "false");
        }
        fprintf(out, "      <property name=\"engine\" value=\"vouch %s\"/>\n", VOUCH_VERSION);
        if (r->identity)
            vouch_identity_xml_properties(r->identity, out);
        fputs("    </properties>\n", out);

        pos = 0;
        for (uint32_t i = first; i < p->nrules; i++) {
            const vouch_rule_info *ri = &p->rules[i];
            if (strcmp(ri->pack ? ri->pack : "", pack) != 0)
                continue;
            testcase_open(out, ri);
            if (ri->skipped) {
                fputs("\n      <skipped message=\"rule skipped", out);
                if (ri->skip_reason && *ri->skip_reason) {
                    fputs(": ", out);
                    vouch_xml_text(out, ri->skip_reason, 0);
                }
                fputs("\"/>\n    </testcase>\n", out);
                continue;
            }
            const vouch_rule_outcome *o = &res->rules[i];
            vouch_report_rule_records(res, i, &pos, &lo, &hi);
            uint64_t nblock = 0;
            for (uint32_t k = lo; k < hi; k++)
                nblock += (uint64_t)vouch_report_blocks(r, &res->findings[k]);
            if (o->errored) {
                fputs("\n      <error type=\"runtime\"", out);
                attr(out, "message", o->error ? o->error : "rule stopped");
                fputs("/>\n    ", out);
            } else if (vouch_report_no_subjects(r, i)) {
                fputs("\n      <skipped message=\"no subject examined: nothing in the facts matched the rule's "
                      "loops, so it shows nothing either way\"/>\n    ", out);
            } else if (nblock) {
                failure(out, r, x, i, lo, hi, nblock);
            }
            fputs("</testcase>\n", out);
        }
        /* What the testcases cannot hold: the records that do not fail the
         * run, and each rule's counts. */
        fputs("    <system-out>", out);
        pos = 0;
        for (uint32_t i = first; i < p->nrules; i++) {
            const vouch_rule_info *ri = &p->rules[i];
            if (strcmp(ri->pack ? ri->pack : "", pack) != 0 || ri->skipped)
                continue;
            vouch_report_rule_records(res, i, &pos, &lo, &hi);
            system_out_rule(out, r, i, lo, hi);
        }
        pos = 0;
        for (uint32_t i = first; i < p->nrules; i++) {
            const vouch_rule_info *ri = &p->rules[i];
            if (strcmp(ri->pack ? ri->pack : "", pack) != 0 || ri->skipped)
                continue;
            const vouch_rule_outcome *o = &res->rules[i];
            vouch_xml_text(out, ri->id, 0);
            fprintf(out, ": %llu passed, %llu failed, ", (unsigned long long)o->passed, (unsigned long long)o->failed);
            if (o->stale)
                fprintf(out, "%llu stale, ", (unsigned long long)o->stale);
            fprintf(out, "%llu waived, %llu not applicable%s\n", (unsigned long long)o->waived,
                    (unsigned long long)o->not_applicable, o->errored ? ", stopped with an error" : "");
        }
        fputs("</system-out>\n    <system-err></system-err>\n  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    return 0;
}

int vouch_report_junit(const vouch_report *r, FILE *out) { return vouch_report_with_facts(r, out, junit_write); }
