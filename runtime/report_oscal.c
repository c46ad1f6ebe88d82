/*
 * report_oscal.c: the results as an OSCAL assessment-results document
 * (JSON, oscal-version 1.2.1), for GRC tools that read OSCAL.
 * docs/outputs.md describes the mapping; in short, one result with
 *
 *   reviewed-controls  every control a rule maps or reaches through the
 *                      crosswalks (include-all when no rule maps any);
 *   observations       one per rule that ran (what it examined: its
 *                      counts of passed, failed, waived, not applicable
 *                      subjects), one per failing or waived record
 *                      (subject and message);
 *   risks              one per waived finding, status deviation-approved,
 *                      deadline the last day its waiver holds;
 *   findings           one per rule that ran, target the rule as an
 *                      objective: not-satisfied when it has failing
 *                      findings or stopped with an error, else satisfied;
 *                      related to its observations and risks.
 *
 * Deterministic: UUIDs are derived from content (SHA-256 of pack, as-of,
 * period and the item's key, marked version 4; report_util.h), and every
 * timestamp is the as-of date at 00:00:00Z (the date the facts describe;
 * vouch never reads the clock). A waiver's deadline is its last day at
 * 23:59:59Z.
 *
 * OSCAL tokens (control ids, target ids, prop names) must start with a
 * letter or "_" and hold only letters, digits, ".", "-", "_": anything else
 * becomes "_" (and a leading digit gets a "_" in front); the exact id is
 * kept in a prop. Prop values are one line, trimmed, never empty.
 */
#include <string.h>
#include "report_util.h"
#include "outcome.h"
#include "date.h"

#define NS "urn:vouch:oscal"

typedef struct oscal {
    const vouch_report *r;
    FILE *out;
    char asof[11], ps[11], pe[11];
    char ts[32];
} oscal;

/* A UUID from the run's identity plus up to three more parts. */
static void uuid(const oscal *o, char u[37], const char *kind, const char *a, const char *b, const char *c)
{
    const char *parts[9] = {"vouch-oscal", kind, o->r->program->pack, o->asof, o->ps, o->pe, a, b, c};
    vouch_uuid_from(u, parts, 9);
}

static int is_token_char(unsigned char ch, int first)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_')
        return 1;
    return !first && ((ch >= '0' && ch <= '9') || ch == '.' || ch == '-');
}

static void token(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', out);
    if (!*p || !is_token_char(*p, 1))
        fputc('_', out);
    for (; *p; p++)
        fputc(is_token_char(*p, 0) ? *p : '_', out);
    fputc('"', out);
}

/* s on one line, trimmed, as JSON string content; "none" if nothing is left. */
static void oneline(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p && (*p <= 0x20 || *p == 0x7f))
        p++;
    if (!*p) {
        fputs("none", out);
        return;
    }
    int space = 0;
    while (*p) {
        size_t n = vouch_utf8_len(p);
        if (*p <= 0x20 || *p == 0x7f || (n > 1 && vouch_utf8_hidden(p, n))) {
            space = 1; /* C1 and bidi controls too (escape.h) */
            p += n > 1 ? n : 1;
            continue;
        }
        if (space)
            fputc(' ', out);
        space = 0;
        if (n == 0) {
            fputs("\\ufffd", out);
            p++;
        } else if (n > 1) {
            fwrite(p, 1, n, out);
            p += n;
        } else {
            if (*p == '"' || *p == '\\')
                fputc('\\', out);
            fputc(*p, out);
            p++;
        }
    }
}

static void str1(FILE *out, const char *s)
{
    fputc('"', out);
    oneline(out, s);
    fputc('"', out);
}

static void prop(FILE *out, int *first, const char *name, const char *value)
{
    fputs(*first ? "{\"name\": \"" : ", {\"name\": \"", out);
    *first = 0;
    fputs(name, out);
    fputs("\", \"ns\": \"" NS "\", \"value\": ", out);
    str1(out, value);
    fputc('}', out);
}

static void prop_u(FILE *out, int *first, const char *name, uint64_t v)
{
    char b[24];
    snprintf(b, sizeof b, "%llu", (unsigned long long)v);
    prop(out, first, name, b);
}

static void control_text(char *buf, size_t n, const vouch_program *p, vouch_control_ref c)
{
    if (vouch_control_ref_valid(p, c))
        snprintf(buf, n, "%s/%s", p->frameworks[c.framework].id, p->frameworks[c.framework].controls[c.control].id);
    else
        snprintf(buf, n, "?");
}

static void rule_observation(const oscal *o, uint32_t i, int first)
{
    FILE *out = o->out;
    const vouch_program *p = o->r->program;
    const vouch_rule_info *ri = &p->rules[i];
    const vouch_rule_outcome *oc = &o->r->results->rules[i];
    char u[37];
    uuid(o, u, "rule-observation", ri->id, NULL, NULL);
    fprintf(out, "%s        {\"uuid\": \"%s\", \"title\": ", first ? "\n" : ",\n", u);
    str1(out, ri->id);
    fputs(",\n         \"description\": \"", out);
    fputs("Rule ", out);
    vouch_json_chars(out, ri->id);
    fputs(" (", out);
    vouch_json_chars(out, ri->title);
    fprintf(out, ") evaluated on the facts: %llu subjects passed, %llu failed, %llu waived, %llu not applicable%s.\",\n",
            (unsigned long long)oc->passed, (unsigned long long)oc->failed, (unsigned long long)oc->waived,
            (unsigned long long)oc->not_applicable, oc->errored ? "; the rule stopped with an error" : "");
    fputs("         \"props\": [", out);
    int f = 1;
    prop(out, &f, "rule", ri->id);
    prop(out, &f, "severity", vouch_severity_name(ri->severity));
    char loc[512];
    snprintf(loc, sizeof loc, "%s:%u:%u", ri->file ? ri->file : "?", ri->line, ri->col);
    prop(out, &f, "rule-source", loc);
    prop_u(out, &f, "passed", oc->passed);
    prop_u(out, &f, "failed", oc->failed);
    prop_u(out, &f, "waived", oc->waived);
    prop_u(out, &f, "not-applicable", oc->not_applicable);
    if (oc->errored)
        prop(out, &f, "error", oc->error ? oc->error : "rule stopped");
    fprintf(out, "],\n         \"methods\": [\"TEST\"], \"types\": [\"control-objective\"], \"collected\": \"%s\"}", o->ts);
}

static void record_observation(const oscal *o, const vouch_finding *fd)
{
    FILE *out = o->out;
    const vouch_rule_info *ri = &o->r->program->rules[fd->rule];
    char u[37];
    uuid(o, u, "record-observation", ri->id, fd->subject, fd->message);
    fprintf(out, ",\n        {\"uuid\": \"%s\", \"title\": \"", u);
    oneline(out, ri->id);
    fputs(": ", out);
    oneline(out, fd->subject);
    fputs("\",\n         \"description\": ", out);
    vouch_json_text(out, fd->message);
    fputs(",\n         \"props\": [", out);
    int f = 1;
    prop(out, &f, "rule", ri->id);
    prop(out, &f, "subject", fd->subject);
    prop(out, &f, "status", fd->status == OUTCOME_WAIVED ? "waived" : "fail");
    fprintf(out, "],\n         \"methods\": [\"TEST\"], \"types\": [\"finding\"], \"collected\": \"%s\"}", o->ts);
}

static void risk(const oscal *o, const vouch_finding *fd, int first)
{
    FILE *out = o->out;
    const vouch_program *p = o->r->program;
    const vouch_rule_info *ri = &p->rules[fd->rule];
    const vouch_waiver *w = &p->waivers[fd->waiver];
    char u[37], ou[37], dl[32], until[11];
    uuid(o, u, "risk", ri->id, fd->subject, fd->message);
    uuid(o, ou, "record-observation", ri->id, fd->subject, fd->message);
    vouch_datetime(w->until, 23, 59, 59, dl);
    date_format(w->until, until);
    fprintf(out, "%s        {\"uuid\": \"%s\", \"title\": \"Waived: ", first ? "\n" : ",\n", u);
    oneline(out, ri->id);
    fputs(" for ", out);
    oneline(out, fd->subject);
    fputs("\",\n         \"description\": ", out);
    vouch_json_text(out, fd->message);
    fputs(",\n         \"statement\": ", out);
    vouch_json_text(out, w->because && *w->because ? w->because : "(no justification given)");
    fputs(",\n         \"props\": [", out);
    int f = 1;
    prop(out, &f, "rule", ri->id);
    prop(out, &f, "subject", fd->subject);
    prop(out, &f, "approved-by", w->approved_by);
    prop(out, &f, "waived-until", until);
    char loc[512];
    snprintf(loc, sizeof loc, "%s:%u:%u", w->file ? w->file : "?", w->line, w->col);
    prop(out, &f, "waiver-source", loc);
    fprintf(out, "],\n         \"status\": \"deviation-approved\", \"deadline\": \"%s\",\n"
                 "         \"related-observations\": [{\"observation-uuid\": \"%s\"}]}",
            dl, ou);
}

static void finding(const oscal *o, const vouch_report_facts *x, uint32_t i, uint32_t lo, uint32_t hi, int first)
{
    FILE *out = o->out;
    const vouch_program *p = o->r->program;
    const vouch_results *res = o->r->results;
    const vouch_rule_info *ri = &p->rules[i];
    const vouch_rule_outcome *oc = &res->rules[i];
    int ok = oc->failed == 0 && !oc->errored;
    char u[37];
    uuid(o, u, "finding", ri->id, NULL, NULL);
    fprintf(out, "%s        {\"uuid\": \"%s\", \"title\": ", first ? "\n" : ",\n", u);
    str1(out, ri->title && *ri->title ? ri->title : ri->id);
    fputs(",\n         \"description\": \"", out);
    vouch_json_chars(out, ri->id);
    if (ok)
        fprintf(out, ": no failing finding (%llu passed, %llu waived, %llu not applicable).\",\n",
                (unsigned long long)oc->passed, (unsigned long long)oc->waived,
                (unsigned long long)oc->not_applicable);
    else
        fprintf(out, ": %llu failing finding%s%s.\",\n", (unsigned long long)oc->failed, oc->failed == 1 ? "" : "s",
                oc->errored ? " and a runtime error" : "");
    fputs("         \"props\": [", out);
    int f = 1;
    prop(out, &f, "rule", ri->id);
    prop(out, &f, "severity", vouch_severity_name(ri->severity));
    const vouch_reach_list *l = &x->reach[i];
    for (uint32_t k = 0; k < l->n; k++) {
        char c[512];
        control_text(c, sizeof c, p, l->items[k].control);
        prop(out, &f, l->items[k].nhops ? "touches-control" : "maps-control", c);
    }
    fputs("],\n         \"target\": {\"type\": \"objective-id\", \"target-id\": ", out);
    token(out, ri->id);
    fprintf(out, ", \"status\": {\"state\": \"%s\", \"reason\": \"%s\"}},\n", ok ? "satisfied" : "not-satisfied",
            ok ? "pass" : oc->errored && oc->failed == 0 ? "other" : "fail");
    char ou[37];
    uuid(o, ou, "rule-observation", ri->id, NULL, NULL);
    fprintf(out, "         \"related-observations\": [{\"observation-uuid\": \"%s\"}", ou);
    for (uint32_t k = lo; k < hi; k++) {
        const vouch_finding *fd = &res->findings[k];
        if (fd->status == OUTCOME_NA)
            continue;
        uuid(o, ou, "record-observation", ri->id, fd->subject, fd->message);
        fprintf(out, ", {\"observation-uuid\": \"%s\"}", ou);
    }
    fputc(']', out);
    int nr = 0;
    for (uint32_t k = lo; k < hi; k++) {
        const vouch_finding *fd = &res->findings[k];
        if (fd->status != OUTCOME_WAIVED || fd->waiver < 0 || (uint32_t)fd->waiver >= p->nwaivers)
            continue;
        uuid(o, ou, "risk", ri->id, fd->subject, fd->message);
        fprintf(out, "%s{\"risk-uuid\": \"%s\"}", nr++ ? ", " : ",\n         \"related-risks\": [", ou);
    }
    fputs(nr ? "]}" : "}", out);
}

int vouch_report_oscal(const vouch_report *r, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    vouch_report_facts x;
    if (vouch_report_facts_init(r, &x) != 0)
        return -1;
    oscal o;
    memset(&o, 0, sizeof o);
    o.r = r;
    o.out = out;
    date_format(r->as_of, o.asof);
    date_format(r->period_start, o.ps);
    date_format(r->period_end, o.pe);
    vouch_datetime(r->as_of, 0, 0, 0, o.ts);
    char u[37];

    uuid(&o, u, "assessment-results", NULL, NULL, NULL);
    fprintf(out, "{\n  \"assessment-results\": {\n    \"uuid\": \"%s\",\n    \"metadata\": {\n      \"title\": \"vouch check: pack ", u);
    oneline(out, p->pack);
    fprintf(out, " as of %s\",\n      \"last-modified\": \"%s\",\n      \"version\": ", o.asof, o.ts);
    str1(out, p->pack_version && *p->pack_version ? p->pack_version : "unversioned");
    fputs(",\n      \"oscal-version\": \"1.2.1\",\n      \"props\": [", out);
    int f = 1;
    prop(out, &f, "tool", "vouch " VOUCH_VERSION);
    prop(out, &f, "pack", p->pack);
    fputs("]\n    },\n", out);
    /* No OSCAL assessment plan exists: the plan is the pack itself. */
    fputs("    \"import-ap\": {\"href\": ", out);
    const char *main_file = NULL;
    for (uint32_t i = 0; i < p->nrules && !main_file; i++)
        if (p->rules[i].pack && p->pack && strcmp(p->rules[i].pack, p->pack) == 0)
            main_file = p->rules[i].file;
    if (main_file)
        vouch_json_uri(out, main_file);
    else
        fputs("\"#\"", out);
    fputs(", \"remarks\": \"vouch has no OSCAL assessment plan: the reference names the rule pack that was "
          "evaluated.\"},\n",
          out);

    uuid(&o, u, "result", NULL, NULL, NULL);
    fprintf(out, "    \"results\": [{\n      \"uuid\": \"%s\",\n      \"title\": \"vouch check as of %s\",\n", u, o.asof);
    fputs("      \"description\": \"Pack ", out);
    vouch_json_chars(out, p->pack);
    fputs(" evaluated against the facts in ", out);
    vouch_json_chars(out, r->facts_path);
    fprintf(out, " as of %s, audit period %s..%s.\",\n", o.asof, o.ps, o.pe);
    fprintf(out, "      \"start\": \"%s\",\n      \"end\": \"%s\",\n      \"props\": [", o.ts, o.ts);
    f = 1;
    prop(out, &f, "as-of", o.asof);
    prop(out, &f, "period-start", o.ps);
    prop(out, &f, "period-end", o.pe);
    prop(out, &f, "fail-on", vouch_severity_name((uint32_t)r->fail_on));
    fputs("],\n", out);

    /* reviewed controls: every control some rule touches, each once */
    fputs("      \"reviewed-controls\": {\"control-selections\": [{", out);
    int nc = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const vouch_reach_list *l = &x.reach[i];
        for (uint32_t k = 0; k < l->n; k++) {
            vouch_control_ref c = l->items[k].control;
            if (!vouch_control_ref_valid(p, c))
                continue;
            int dup = 0;
            for (uint32_t j = 0; j <= i && !dup; j++)
                for (uint32_t m = 0; m < x.reach[j].n && !dup; m++) {
                    if (j == i && m >= k)
                        break;
                    vouch_control_ref d = x.reach[j].items[m].control;
                    dup = vouch_control_ref_valid(p, d) &&
                          strcmp(p->frameworks[d.framework].controls[d.control].id,
                                 p->frameworks[c.framework].controls[c.control].id) == 0;
                }
            if (dup)
                continue;
            fputs(nc++ ? ", {\"control-id\": " : "\"include-controls\": [{\"control-id\": ", out);
            token(out, p->frameworks[c.framework].controls[c.control].id);
            fputc('}', out);
        }
    }
    fputs(nc ? "]}]},\n" : "\"include-all\": {}}]},\n", out);

    uint32_t nrun = 0;
    for (uint32_t i = 0; i < p->nrules; i++)
        nrun += !p->rules[i].skipped;
    /* observations (OSCAL allows no empty list: none at all when no rule ran) */
    if (nrun)
        fputs("      \"observations\": [", out);
    int nobs = 0;
    uint32_t pos = 0, lo, hi;
    for (uint32_t i = 0; i < p->nrules; i++) {
        if (p->rules[i].skipped)
            continue;
        rule_observation(&o, i, nobs++ == 0);
        vouch_report_rule_records(res, i, &pos, &lo, &hi);
        for (uint32_t k = lo; k < hi; k++)
            if (res->findings[k].status != OUTCOME_NA)
                record_observation(&o, &res->findings[k]);
    }
    if (nrun)
        fputs("\n      ],\n", out);
    /* risks: waived findings */
    int nrisk = 0;
    for (uint32_t k = 0; k < res->nfindings; k++) {
        const vouch_finding *fd = &res->findings[k];
        if (fd->status != OUTCOME_WAIVED || fd->rule >= p->nrules || fd->waiver < 0 ||
            (uint32_t)fd->waiver >= p->nwaivers)
            continue;
        if (!nrisk)
            fputs("      \"risks\": [", out);
        risk(&o, fd, nrisk++ == 0);
    }
    if (nrisk)
        fputs("\n      ],\n", out);
    /* findings */
    if (nrun)
        fputs("      \"findings\": [", out);
    pos = 0;
    int nf = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        if (p->rules[i].skipped)
            continue;
        vouch_report_rule_records(res, i, &pos, &lo, &hi);
        finding(&o, &x, i, lo, hi, nf++ == 0);
    }
    fputs(nrun ? "\n      ],\n" : "", out);
    fprintf(out, "      \"remarks\": \"%u rules, %u evaluated.\"\n    }]\n  }\n}\n", p->nrules, nrun);
    vouch_report_facts_free(p, &x);
    return ferror(out) ? -1 : 0;
}
