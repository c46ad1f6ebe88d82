/*
 * report_sarif.c: the results as a SARIF 2.1.0 log, for GitHub code
 * scanning and other SARIF consumers (docs/outputs.md).
 *
 * One run. tool.driver.rules holds a reportingDescriptor per rule of the
 * program, in program order (so a result's ruleIndex is the rule's index):
 * id, name, title, help, the level its severity maps to (critical and high:
 * error; medium: warning; low and info: note; an advisory rule's is always
 * note, since its findings never fail a run) and as properties the
 * severity, enforcement, pack, source location, the controls it maps and every control
 * it touches through the crosswalks. Skipped rules are there too, disabled.
 *
 * A result per still-failing finding and per waived finding; the waived
 * ones carry a suppression of kind "external" with the waiver's
 * justification. Not-applicable records are left out. Each result is
 * located at its rule in the .vouch source (a path relative to the
 * working directory, based on %SRCROOT%), so code scanning shows it on the
 * rule's line; its partial fingerprint is a hash of (rule, subject), the
 * same from run to run while the finding persists.
 *
 * The invocation carries the as-of date, audit period, facts path and
 * --fail-on as properties, a notification per rule that stopped with an
 * error (executionSuccessful false then) and one per unused waiver.
 */
#include <errno.h>
#include <string.h>
#include "report_util.h"
#include "outcome.h"
#include "date.h"

static const char *sarif_level(const vouch_rule_info *ri)
{
    if (ri->enforcement == ENF_ADVISORY)
        return "note";
    switch (ri->severity) {
    case SEV_CRITICAL:
    case SEV_HIGH: return "error";
    case SEV_MEDIUM: return "warning";
    default: return "note";
    }
}

/* GitHub's security-severity (0.0-10.0): critical above 9, high 7-8.9, ... */
static const char *security_severity(uint32_t sev)
{
    static const char *const s[SEV__COUNT] = {"0.0", "2.0", "5.0", "8.0", "9.5"};
    return sev < SEV__COUNT ? s[sev] : "0.0";
}

/* "FRAMEWORK/CONTROL" inside a JSON string (no quotes). */
static void control_chars(FILE *out, const vouch_program *p, vouch_control_ref c)
{
    if (!vouch_control_ref_valid(p, c)) {
        fputc('?', out);
        return;
    }
    vouch_json_chars(out, p->frameworks[c.framework].id);
    fputc('/', out);
    vouch_json_chars(out, p->frameworks[c.framework].controls[c.control].id);
}

static void control_name(FILE *out, const vouch_program *p, vouch_control_ref c)
{
    fputc('"', out);
    control_chars(out, p, c);
    fputc('"', out);
}

static void location(FILE *out, const char *file, uint32_t line, uint32_t col)
{
    fputs("{\"physicalLocation\": {\"artifactLocation\": {\"uri\": ", out);
    if (vouch_json_uri(out, file))
        fputs(", \"uriBaseId\": \"%SRCROOT%\"", out);
    fputc('}', out);
    if (line > 0) {
        fprintf(out, ", \"region\": {\"startLine\": %u", line);
        if (col > 0)
            fprintf(out, ", \"startColumn\": %u", col);
        fputc('}', out);
    }
    fputs("}}", out);
}

static void rule_descriptor(FILE *out, const vouch_report *r, const vouch_report_facts *x, uint32_t i)
{
    const vouch_program *p = r->program;
    const vouch_rule_info *ri = &p->rules[i];
    const vouch_reach_list *l = &x->reach[i];
    fputs("        {\"id\": ", out);
    vouch_json_text(out, ri->id);
    fputs(", \"name\": ", out);
    vouch_json_text(out, ri->id);
    fputs(",\n         \"shortDescription\": {\"text\": ", out);
    vouch_json_text(out, ri->title && *ri->title ? ri->title : ri->id);
    /* help: one string built from pieces */
    fputs("},\n         \"help\": {\"text\": \"", out);
    vouch_json_chars(out, ri->title);
    fprintf(out, "\\n\\nSeverity %s. Rule ", vouch_severity_name(ri->severity));
    vouch_json_chars(out, ri->id);
    fputs(" of pack ", out);
    vouch_json_chars(out, ri->pack ? ri->pack : "?");
    fputs(", declared at ", out);
    vouch_json_chars(out, ri->file ? ri->file : "?");
    fprintf(out, ":%u:%u.", ri->line, ri->col);
    if (ri->skipped) {
        fputs(" Skipped", out);
        if (ri->skip_reason && *ri->skip_reason) {
            fputs(": ", out);
            vouch_json_chars(out, ri->skip_reason);
        }
        fputc('.', out);
    }
    if (l->n) {
        fputs("\\nControls it touches:", out);
        for (uint32_t k = 0; k < l->n; k++) {
            fputs(k ? ", " : " ", out);
            control_chars(out, p, l->items[k].control);
            fprintf(out, " (%s)", l->items[k].nhops ? vouch_relation_name(l->items[k].relation) : "direct");
        }
        fputc('.', out);
    }
    fprintf(out, "\"},\n         \"defaultConfiguration\": {\"level\": \"%s\"%s},\n", sarif_level(ri),
            ri->skipped ? ", \"enabled\": false" : "");
    fprintf(out, "         \"properties\": {\"severity\": \"%s\", \"security-severity\": \"%s\", "
                 "\"enforcement\": \"%s\", \"pack\": ",
            vouch_severity_name(ri->severity), security_severity(ri->severity),
            vouch_enforcement_name(ri->enforcement));
    vouch_json_text(out, ri->pack);
    fprintf(out, ", \"skipped\": %s, \"maps\": [", ri->skipped ? "true" : "false");
    for (uint32_t k = 0; ri->maps && k < ri->nmaps; k++) {
        if (k)
            fputs(", ", out);
        control_name(out, p, ri->maps[k]);
    }
    fputs("], \"controls\": [", out);
    for (uint32_t k = 0; k < l->n; k++) {
        fputs(k ? ", {\"control\": " : "{\"control\": ", out);
        control_name(out, p, l->items[k].control);
        fprintf(out, ", \"relation\": \"%s\", \"carries\": ",
                l->items[k].nhops ? vouch_relation_name(l->items[k].relation) : "direct");
        vouch_json_carries(&l->items[k], out);
        fputc('}', out);
    }
    fputs("], \"tags\": [\"compliance\"", out);
    for (uint32_t k = 0; k < l->n; k++) {
        fputs(", ", out);
        control_name(out, p, l->items[k].control);
    }
    fputs("]}}", out);
}

static void date_str(FILE *out, int64_t d)
{
    char b[11];
    date_format(d, b);
    fprintf(out, "\"%s\"", b);
}

static void result(FILE *out, const vouch_report *r, const vouch_finding *fd, int first)
{
    const vouch_program *p = r->program;
    const vouch_rule_info *ri = &p->rules[fd->rule];
    const vouch_waiver *w =
        fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers ? &p->waivers[fd->waiver] : NULL;
    fputs(first ? "\n      {\"ruleId\": " : ",\n      {\"ruleId\": ", out);
    vouch_json_text(out, ri->id);
    fprintf(out, ", \"ruleIndex\": %u, \"kind\": \"fail\", \"level\": \"%s\",\n       \"message\": {\"text\": \"",
            fd->rule, sarif_level(ri));
    vouch_json_chars(out, fd->subject);
    fputs(": ", out);
    vouch_json_chars(out, fd->message);
    fputs("\"},\n       \"locations\": [", out);
    location(out, ri->file, ri->line, ri->col);
    const char *parts[3] = {"vouch-finding", ri->id, fd->subject};
    char fp[33];
    vouch_hash_hex(fp, parts, 3);
    fprintf(out, "],\n       \"partialFingerprints\": {\"vouchRuleSubject/v1\": \"%s\"},\n", fp);
    fputs("       \"properties\": {\"subject\": ", out);
    vouch_json_text(out, fd->subject);
    fprintf(out, ", \"status\": \"%s\", \"severity\": \"%s\", \"blocking\": %s",
            fd->status == OUTCOME_WAIVED ? "waived" : "fail", vouch_severity_name(ri->severity),
            vouch_report_blocks(r, fd) ? "true" : "false");
    if (w && fd->status == OUTCOME_FAIL) {
        /* a waiver matched but did not apply */
        fprintf(out, ", \"waiver\": {\"state\": \"%s\", \"until\": ",
                vouch_waiver_state_name(vouch_waiver_state_of(p, w, r->as_of)));
        date_str(out, w->until);
        fputc('}', out);
    }
    fputc('}', out);
    if (w && fd->status == OUTCOME_WAIVED) {
        fputs(",\n       \"suppressions\": [{\"kind\": \"external\", \"status\": \"accepted\", \"justification\": ", out);
        vouch_json_text(out, w->because);
        fputs(", \"location\": ", out);
        location(out, w->file, w->line, w->col);
        fputs(", \"properties\": {\"approvedBy\": ", out);
        vouch_json_text(out, w->approved_by);
        fputs(", \"until\": ", out);
        date_str(out, w->until);
        fputs("}}]", out);
    }
    fputc('}', out);
}

int vouch_report_sarif(const vouch_report *r, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    vouch_report_facts x;
    if (vouch_report_facts_init(r, &x) != 0)
        return -1;
    vouch_report_totals t;
    vouch_report_totals_of(r, &t);
    fputs("{\n  \"$schema\": \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [{\n", out);
    fprintf(out, "    \"tool\": {\"driver\": {\"name\": \"vouch\", \"version\": \"%s\", \"semanticVersion\": \"%s\",\n",
            VOUCH_VERSION, VOUCH_VERSION);
    fputs("      \"rules\": [", out);
    for (uint32_t i = 0; i < p->nrules; i++) {
        fputs(i ? ",\n" : "\n", out);
        rule_descriptor(out, r, &x, i);
    }
    fputs(p->nrules ? "\n      ]}},\n" : "]}},\n", out);

    /* the invocation: run parameters, rules that stopped, unused waivers */
    fprintf(out, "    \"invocations\": [{\"executionSuccessful\": %s,\n      \"properties\": {\"asOf\": ",
            t.errors ? "false" : "true");
    date_str(out, r->as_of);
    fputs(", \"period\": {\"start\": ", out);
    date_str(out, r->period_start);
    fputs(", \"end\": ", out);
    date_str(out, r->period_end);
    fputs("}, \"facts\": ", out);
    vouch_json_text(out, r->facts_path);
    fprintf(out, ", \"failOn\": \"%s\", \"allowSoft\": %s},\n      \"toolExecutionNotifications\": [",
            vouch_severity_name((uint32_t)r->fail_on), r->allow_soft ? "true" : "false");
    int nn = 0;
    for (uint32_t i = 0; i < p->nrules && i < res->nrules; i++) {
        if (!res->rules[i].errored)
            continue;
        fputs(nn++ ? ",\n        {\"level\": \"error\", \"message\": {\"text\": " : "\n        {\"level\": \"error\", \"message\": {\"text\": ", out);
        vouch_json_text(out, res->rules[i].error ? res->rules[i].error : "rule stopped");
        fputs("}, \"associatedRule\": {\"id\": ", out);
        vouch_json_text(out, p->rules[i].id);
        fprintf(out, ", \"index\": %u}}", i);
    }
    for (uint32_t k = 0; k < res->nunused; k++) {
        if (res->unused[k] >= p->nwaivers)
            continue;
        const vouch_waiver *w = &p->waivers[res->unused[k]];
        int known = w->rule < p->nrules;
        fputs(nn++ ? ",\n        {\"level\": \"warning\", \"message\": {\"text\": \"waiver for "
                   : "\n        {\"level\": \"warning\", \"message\": {\"text\": \"waiver for ", out);
        vouch_json_chars(out, known ? p->rules[w->rule].id : "?");
        fputc(' ', out);
        vouch_json_chars(out, w->subject);
        fputs(" matches no finding\"}, \"locations\": [", out);
        location(out, w->file, w->line, w->col);
        fputs("]}", out);
    }
    fputs(nn ? "\n      ]}],\n" : "]}],\n", out);

    fputs("    \"properties\": {\"pack\": ", out);
    vouch_json_text(out, p->pack);
    fputs(", \"packVersion\": ", out);
    vouch_json_text(out, p->pack_version);
    fprintf(out, ", \"resultsFormat\": %d, \"failing\": %llu, \"waived\": %llu, \"notApplicable\": %llu, "
                 "\"passed\": %llu},\n",
            VOUCH_JSON_FORMAT, (unsigned long long)t.failed, (unsigned long long)t.waived,
            (unsigned long long)t.not_applicable, (unsigned long long)t.passed);
    fputs("    \"results\": [", out);
    int first = 1;
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const vouch_finding *fd = &res->findings[i];
        if (fd->rule >= p->nrules || (fd->status != OUTCOME_FAIL && fd->status != OUTCOME_WAIVED))
            continue;
        result(out, r, fd, first);
        first = 0;
    }
    fputs(first ? "]\n  }]\n}\n" : "\n    ]\n  }]\n}\n", out);
    vouch_report_facts_free(p, &x);
    return ferror(out) ? -1 : 0;
}
