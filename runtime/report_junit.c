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
 * Testcases, classname "PACK.RULE":
 *   one per record of the rule, named by its subject: a failing finding is
 *     a <failure> (type: the severity, message: the finding's message, text:
 *     subject, rule, source location, controls); a waived or not-applicable
 *     one is <skipped message="..."> with the waiver or the reason;
 *   one named "[passed] N subjects" per rule that ran, N the subjects
 *     that passed: the VM counts passing subjects but does not record them,
 *     so they cannot be listed one by one (and the strict XSD allows no
 *     output inside a testcase, hence the count in the name);
 *   a rule that stopped with an error is one "[error]" testcase with
 *     <error>; a skipped rule one "[skipped]" testcase with <skipped>.
 * A subject that appears twice in one rule (two messages) gets " (2)", so
 * (classname, name) stays unique, as GitLab needs. Times are all 0: vouch
 * does not time rules, and the output must not depend on the clock.
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

static void testcase_open(FILE *out, const vouch_rule_info *ri, const char *name, uint32_t dup)
{
    fputs("    <testcase name=\"", out);
    vouch_xml_text(out, name, 0);
    if (dup > 1)
        fprintf(out, " (%u)", dup);
    fputs("\" classname=\"", out);
    vouch_xml_text(out, ri->pack, 0);
    fputc('.', out);
    vouch_xml_text(out, ri->id, 0);
    fputs("\" time=\"0\">", out);
}

static void date_text(FILE *out, int64_t d)
{
    char b[11];
    date_format(d, b);
    fputs(b, out);
}

static void failure(FILE *out, const vouch_report *r, const vouch_report_facts *x, const vouch_finding *fd)
{
    const vouch_program *p = r->program;
    const vouch_rule_info *ri = &p->rules[fd->rule];
    fprintf(out, "\n      <failure type=\"%s\"", vouch_severity_name(ri->severity));
    attr(out, "message", fd->message);
    fputc('>', out);
    vouch_xml_text(out, fd->subject, 0);
    fputs(": ", out);
    vouch_xml_text(out, fd->message, 0);
    fprintf(out, "&#10;rule %s (%s, %s%s): ", ri->id, vouch_severity_name(ri->severity),
            vouch_enforcement_name(ri->enforcement), vouch_report_blocks(r, fd) ? "" : ", does not fail the run");
    vouch_xml_text(out, ri->title, 0);
    fputs("&#10;at ", out);
    vouch_xml_text(out, ri->file, 0);
    fprintf(out, ":%u:%u", ri->line, ri->col);
    const vouch_reach_list *l = &x->reach[fd->rule];
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
    if (fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers) {
        const vouch_waiver *w = &p->waivers[fd->waiver];
        fprintf(out, "&#10;a waiver matched but does not apply (%s, until ",
                vouch_waiver_state_name(vouch_waiver_state_of(p, w, r->as_of)));
        date_text(out, w->until);
        fputs(")", out);
    }
    fputs("</failure>\n    ", out);
}

static void skipped_record(FILE *out, const vouch_report *r, const vouch_finding *fd)
{
    const vouch_program *p = r->program;
    fputs("\n      <skipped message=\"", out);
    if (fd->status == OUTCOME_WAIVED && fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers) {
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
    fputs("\"/>\n    ", out);
}

int vouch_report_junit(const vouch_report *r, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    vouch_report_facts x;
    if (vouch_report_facts_init(r, &x) != 0)
        return -1;
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
            if (p->rules[i].skipped) {
                tests++;
                skipped++;
                continue;
            }
            if (res->rules[i].errored) {
                tests++;
                errors++;
            }
            tests++; /* [passed] */
            vouch_report_rule_records(res, i, &pos, &lo, &hi);
            for (uint32_t k = lo; k < hi; k++) {
                tests++;
                if (res->findings[k].status == OUTCOME_FAIL)
                    failures++;
                else
                    skipped++;
            }
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
        fprintf(out, "      <property name=\"engine\" value=\"vouch %s\"/>\n", VOUCH_VERSION);
        if (r->identity)
            vouch_identity_xml_properties(r->identity, out);
        fputs("    </properties>\n", out);

        pos = 0;
        for (uint32_t i = first; i < p->nrules; i++) {
            const vouch_rule_info *ri = &p->rules[i];
            if (strcmp(ri->pack ? ri->pack : "", pack) != 0)
                continue;
            if (ri->skipped) {
                testcase_open(out, ri, "[skipped]", 0);
                fputs("\n      <skipped message=\"rule skipped", out);
                if (ri->skip_reason && *ri->skip_reason) {
                    fputs(": ", out);
                    vouch_xml_text(out, ri->skip_reason, 0);
                }
                fputs("\"/>\n    </testcase>\n", out);
                continue;
            }
            const vouch_rule_outcome *o = &res->rules[i];
            if (o->errored) {
                testcase_open(out, ri, "[error]", 0);
                fputs("\n      <error type=\"runtime\"", out);
                attr(out, "message", o->error ? o->error : "rule stopped");
                fputs("/>\n    </testcase>\n", out);
            }
            vouch_report_rule_records(res, i, &pos, &lo, &hi);
            uint32_t dup = 0;
            for (uint32_t k = lo; k < hi; k++) {
                const vouch_finding *fd = &res->findings[k];
                dup = k > lo && strcmp(res->findings[k - 1].subject, fd->subject) == 0 ? dup + 1 : 1;
                testcase_open(out, ri, fd->subject, dup);
                if (fd->status == OUTCOME_FAIL)
                    failure(out, r, &x, fd);
                else
                    skipped_record(out, r, fd);
                fputs("</testcase>\n", out);
            }
            /* The strict XSD allows no output inside a testcase: the count
             * goes into the name. */
            char name[64];
            snprintf(name, sizeof name, "[passed] %llu subject%s", (unsigned long long)o->passed,
                     o->passed == 1 ? "" : "s");
            testcase_open(out, ri, name, 0);
            fputs("</testcase>\n", out);
        }
        fputs("    <system-out></system-out>\n    <system-err></system-err>\n  </testsuite>\n", out);
    }
    fputs("</testsuites>\n", out);
    vouch_report_facts_free(p, &x);
    return ferror(out) ? -1 : 0;
}
