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
 * error (executionSuccessful false then), one per rule that examined no
 * subject and one per unused waiver.
 *
 * What GitHub code scanning accepts, beyond the schema (checked in make
 * test with Microsoft's SARIF multitool and its GitHub rules): every rule
 * has a fullDescription; at most SARIF_MAX_TAGS tags per rule (the rule's
 * own mapped controls first; every control stays in properties.controls);
 * %SRCROOT% is declared in originalUriBaseIds, and a path outside the
 * working directory is an absolute file:// URI, never "../"; at most
 * SARIF_MAX_RESULTS results, the most important kept (failing before
 * waived, blocking first, then by severity) and the number left out said in
 * a notification and run.properties.
 *
 * With a baseline each result has baselineState "new" or "unchanged", and
 * each resolved finding is a result of its own with "absent".
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "identity.h"
#include "report_util.h"
#include "outcome.h"
#include "date.h"

/* GitHub code scanning's limits (docs.github.com, "SARIF support for code
 * scanning"): tags per rule, results per run. */
#define SARIF_MAX_TAGS 20
#define SARIF_MAX_RESULTS 25000

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

static void control_name(FILE *out, const vouch_program *p, vouch_control_ref c)
{
    fputc('"', out);
    vouch_control_chars(out, p, c, vouch_json_chars);
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
    /* no "name": it would repeat the id, which SARIF asks tools not to do */
    fputs("        {\"id\": ", out);
    vouch_json_text(out, ri->id);
    fputs(",\n         \"shortDescription\": {\"text\": ", out);
    vouch_json_text(out, ri->title && *ri->title ? ri->title : ri->id);
    fputs("},\n         \"fullDescription\": {\"text\": \"", out);
    vouch_json_chars(out, ri->title && *ri->title ? ri->title : ri->id);
    fputs(" (rule ", out);
    vouch_json_chars(out, ri->id);
    fprintf(out, ", severity %s, %s, pack ", vouch_severity_name(ri->severity), vouch_enforcement_name(ri->enforcement));
    vouch_json_chars(out, ri->pack ? ri->pack : "?");
    fputs(")\"", out);
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
            vouch_control_chars(out, p, l->items[k].control, vouch_json_chars);
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
    fprintf(out, ", \"skipped\": %s, \"noSubjects\": %s, \"maps\": [", ri->skipped ? "true" : "false",
            vouch_report_no_subjects(r, i) ? "true" : "false");
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
    /* Tags: the reach list starts with the direct controls (fewest hops
     * first), so the cap keeps the rule's own controls. */
    fputs("], \"tags\": [\"compliance\"", out);
    for (uint32_t k = 0; k < l->n && k + 1 < SARIF_MAX_TAGS; k++) {
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

/* What every result starts with: its rule, kind and level, the message
 * "SUBJECT: MESSAGE" with suffix, the rule's location and the fingerprint
 * of rule and subject, which a resolved finding of the baseline shares
 * with the finding it was (GitHub matches results by it). */
static void result_head(FILE *out, const vouch_rule_info *ri, uint32_t rule, int first, const char *kind,
                        const char *level, const char *subject, const char *message, const char *suffix)
{
    fputs(first ? "\n      {\"ruleId\": " : ",\n      {\"ruleId\": ", out);
    vouch_json_text(out, ri->id);
    fprintf(out, ", \"ruleIndex\": %u, \"kind\": \"%s\", \"level\": \"%s\",\n       \"message\": {\"text\": \"",
            rule, kind, level);
    vouch_json_chars(out, subject);
    fputs(": ", out);
    vouch_json_chars(out, message);
    fputs(suffix, out);
    fputs("\"},\n       \"locations\": [", out);
    location(out, ri->file, ri->line, ri->col);
    const char *parts[3] = {"vouch-finding", ri->id, subject};
    char fp[33];
    vouch_hash_hex(fp, parts, 3);
    fprintf(out, "],\n       \"partialFingerprints\": {\"vouchRuleSubject/v1\": \"%s\"},\n", fp);
}

static void result(FILE *out, const vouch_report *r, const vouch_finding *fd, int first)
{
    const char *bs = vouch_report_baseline_of(r, fd);
    const vouch_program *p = r->program;
    const vouch_rule_info *ri = &p->rules[fd->rule];
    const vouch_waiver *w =
        fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers ? &p->waivers[fd->waiver] : NULL;
    result_head(out, ri, fd->rule, first, "fail", sarif_level(ri), fd->subject, fd->message, "");
    if (bs)
        fprintf(out, "       \"baselineState\": \"%s\",\n", bs);
    fputs("       \"properties\": {\"subject\": ", out);
    vouch_json_text(out, fd->subject);
    fprintf(out, ", \"status\": \"%s\", \"severity\": \"%s\", \"blocking\": %s",
            fd->status == OUTCOME_WAIVED ? "waived" : fd->status == OUTCOME_STALE ? "stale" : "fail",
            vouch_severity_name(ri->severity),
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

/* A resolved finding of the baseline: a result whose baselineState is
 * "absent", at its rule (rule i) if the packs still have it. */
static void absent_result(FILE *out, const vouch_report *r, const vouch_baseline_item *it, uint32_t i, int first)
{
    const vouch_program *p = r->program;
    const vouch_rule_info *ri = &p->rules[i];
    result_head(out, ri, i, first, "pass", "none", it->subject, it->message,
                " (resolved: in the baseline, gone now)");
    fputs("       \"baselineState\": \"absent\",\n       \"properties\": {\"subject\": ", out);
    vouch_json_text(out, it->subject);
    fputs(", \"status\": \"resolved\"}}", out);
}

/* The records that are SARIF results: failures, stale passes (a kind
 * "fail" whose properties.status says "stale") and waived findings. */
static int sarif_result_of(const vouch_finding *fd)
{
    return fd->status == OUTCOME_FAIL || fd->status == OUTCOME_STALE || fd->status == OUTCOME_WAIVED;
}

/* How much a record matters when results must be left out: 0 (most) to
 * 15. Failing before waived, blocking before not, then by severity. */
static unsigned result_rank(const vouch_report *r, const vouch_finding *fd)
{
    uint32_t sev = r->program->rules[fd->rule].severity;
    int failing = fd->status == OUTCOME_FAIL || fd->status == OUTCOME_STALE;
    unsigned rank = (failing ? 0u : 10u) + (SEV__COUNT - 1 - (sev < SEV__COUNT ? sev : 0));
    return rank + (failing && !vouch_report_blocks(r, fd) ? 5u : 0u);
}

static int sarif_write(const vouch_report *r, const vouch_report_facts *x, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    vouch_report_totals t = x->totals;
    fputs("{\n  \"$schema\": \"https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json\",\n"
          "  \"version\": \"2.1.0\",\n  \"runs\": [{\n", out);
    fprintf(out, "    \"tool\": {\"driver\": {\"name\": \"vouch\", \"version\": \"%s\", \"semanticVersion\": \"%s\",\n",
            VOUCH_VERSION, VOUCH_VERSION);
    /* Which results fit under GitHub's cap: every record of rank below
     * `cut`, and of rank `cut` the first `room`, in report order. */
    uint64_t per_rank[16] = {0}, total = 0;
    const vouch_baseline *b = r->baseline;
    uint32_t nabsent = 0;
    for (uint32_t k = 0; b && k < b->nresolved; k++)
        for (uint32_t i = 0; i < p->nrules; i++)
            if (strcmp(p->rules[i].id, b->items[b->resolved[k]].rule) == 0) {
                nabsent++;
                break;
            }
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const vouch_finding *fd = &res->findings[i];
        if (fd->rule >= p->nrules || !sarif_result_of(fd))
            continue;
        per_rank[result_rank(r, fd)]++;
        total++;
    }
    unsigned cut = 16;
    uint64_t room = 0, kept = 0, omitted = 0;
    if (total + nabsent > SARIF_MAX_RESULTS) {
        omitted = total + nabsent - (total < SARIF_MAX_RESULTS ? total : SARIF_MAX_RESULTS);
        nabsent = 0; /* resolved findings go first when results must be left out */
        for (cut = 0; cut < 16 && kept + per_rank[cut] <= SARIF_MAX_RESULTS; cut++)
            kept += per_rank[cut];
        room = SARIF_MAX_RESULTS - kept;
    }

    fputs("      \"rules\": [", out);
    for (uint32_t i = 0; i < p->nrules; i++) {
        fputs(i ? ",\n" : "\n", out);
        rule_descriptor(out, r, x, i);
    }
    fputs(p->nrules ? "\n      ]}},\n" : "]}},\n", out);
    fputs("    \"originalUriBaseIds\": {\"%SRCROOT%\": {\"description\": {\"text\": \"The working directory vouch "
          "ran in (the repository root in CI): rule locations are relative to it.\"}}},\n", out);

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
    for (uint32_t i = 0; i < p->nrules; i++) {
        if (!vouch_report_no_subjects(r, i))
            continue;
        fputs(nn++ ? ",\n        {\"level\": \"warning\", \"message\": {\"text\": \"rule "
                   : "\n        {\"level\": \"warning\", \"message\": {\"text\": \"rule ", out);
        vouch_json_chars(out, p->rules[i].id);
        fputs(" examined no subject\"}, \"associatedRule\": {\"id\": ", out);
        vouch_json_text(out, p->rules[i].id);
        fprintf(out, ", \"index\": %u}}", i);
    }
    if (omitted)
        fprintf(out, "%s        {\"level\": \"warning\", \"message\": {\"text\": \"%llu results left out: GitHub code "
                     "scanning takes at most %d per run; the most important are kept, and the JSON report has "
                     "them all\"}}",
                nn++ ? ",\n" : "\n", (unsigned long long)omitted, SARIF_MAX_RESULTS);
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
                 "\"stale\": %llu, \"passed\": %llu, \"omittedResults\": %llu",
            VOUCH_JSON_FORMAT, (unsigned long long)t.failed, (unsigned long long)t.waived,
            (unsigned long long)t.not_applicable, (unsigned long long)t.stale, (unsigned long long)t.passed,
            (unsigned long long)omitted);
    if (r->identity) {
        fputs(", \"identity\": ", out);
        vouch_identity_json(r->identity, out);
    }
    fputs("},\n", out);
    fputs("    \"results\": [", out);
    int first = 1;
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const vouch_finding *fd = &res->findings[i];
        if (fd->rule >= p->nrules || !sarif_result_of(fd))
            continue;
        unsigned rank = result_rank(r, fd);
        if (rank > cut || (rank == cut && room == 0))
            continue;
        if (rank == cut)
            room--;
        result(out, r, fd, first);
        first = 0;
    }
    for (uint32_t k = 0; nabsent && k < b->nresolved; k++) {
        const vouch_baseline_item *it = &b->items[b->resolved[k]];
        for (uint32_t i = 0; i < p->nrules; i++)
            if (strcmp(p->rules[i].id, it->rule) == 0) {
                absent_result(out, r, it, i, first);
                first = 0;
                break;
            }
    }
    fputs(first ? "]\n  }]\n}\n" : "\n    ]\n  }]\n}\n", out);
    return 0;
}

int vouch_report_sarif(const vouch_report *r, FILE *out) { return vouch_report_with_facts(r, out, sarif_write); }
