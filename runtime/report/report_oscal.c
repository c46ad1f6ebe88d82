/*
 * report_oscal.c: the results as an OSCAL assessment-results document
 * (JSON, oscal-version 1.2.1), for GRC tools that read OSCAL.
 * docs/outputs.md describes the mapping; in short, one result with
 *
 *   reviewed-controls  one control selection per framework, listing every
 *                      control of it a rule maps or reaches through the
 *                      crosswalks (include-all when no rule maps any);
 *   observations       one per rule that ran (what it examined: its
 *                      counts of passed, failed, waived, not applicable
 *                      subjects, or that it examined none), one per failing
 *                      or waived record: its subject, and as relevant
 *                      evidence the facts rows behind it (its explanation's
 *                      rows: the OSCAL report is always explained);
 *   risks              one per waived finding, status deviation-approved,
 *                      deadline the last day its waiver holds;
 *   findings           one per control the rules reach (target the control,
 *                      props its framework), its state the control's
 *                      coverage (coverage.h): satisfied only when the
 *                      coverage is; else not-satisfied, the reason saying
 *                      fail, partial or not-assessed; related to the
 *                      observations and risks of the rules behind it. A rule
 *                      that reaches no control has a finding of its own
 *                      (target the rule as an objective): not-satisfied when
 *                      it has failing findings, stopped, or examined no
 *                      subject (nothing was shown either way), else
 *                      satisfied.
 * import-ap points at a back-matter resource: the rule packs that were
 * evaluated (vouch has no OSCAL assessment plan; the packs are the plan).
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
#include <errno.h>
#include <string.h>
#include "identity.h"
#include "report_util.h"
#include "outcome.h"
#include "date.h"
#include "coverage.h"
#include "explain.h"

#define NS "urn:vouch:oscal"

typedef struct oscal {
    const vouch_report *r;
    FILE *out;
    char asof[11], ps[11], pe[11];
    char ts[32];
    char run[65];            /* the run digest (identity.h), or "" */
} oscal;

/* A name-based (v5) UUID from the run's identity plus up to three more
 * parts: the run digest covers the version, the pack sources, the facts,
 * the as-of and the period, so different facts give a different document
 * and the same inputs the same one. */
static void uuid(const oscal *o, char u[37], const char *kind, const char *a, const char *b, const char *c)
{
    const char *parts[10] = {"vouch-oscal", kind, o->run, o->r->program->pack, o->asof, o->ps, o->pe, a, b, c};
    vouch_uuid_from(u, parts, 10);
}

static int is_token_char(unsigned char ch, int first)
{
    if ((ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '_')
        return 1;
    return !first && ((ch >= '0' && ch <= '9') || ch == '.' || ch == '-');
}

/* An id as an OSCAL token: kept as it is when it is one; an enhancement's
 * "(n)" becomes ".n" as in NIST's own OSCAL ids ("AC-2(1)" -> "AC-2.1");
 * any other character becomes "_", and "_" goes in front of a leading
 * digit ("4.1" -> "_4.1"). */
static void token(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', out);
    if (!*p || !is_token_char(*p, 1))
        fputc('_', out);
    for (; *p; p++) {
        if (*p == '(' && p[1] >= '0' && p[1] <= '9') {
            const unsigned char *q = p + 1;
            while (*q >= '0' && *q <= '9')
                q++;
            if (*q == ')') {
                fputc('.', out);
                fwrite(p + 1, 1, (size_t)(q - p - 1), out);
                p = q;
                continue;
            }
        }
        fputc(is_token_char(*p, 0) ? *p : '_', out);
    }
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
    if (vouch_report_no_subjects(o->r, i))
        fputs(") examined no subject: nothing in the facts matched its loops, so it shows nothing either way.\",\n",
              out);
    else
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
    if (oc->stale)
        prop_u(out, &f, "stale", oc->stale);
    if (oc->errored)
        prop(out, &f, "error", oc->error ? oc->error : "rule stopped");
    if (vouch_report_no_subjects(o->r, i))
        prop(out, &f, "no-subjects", "true");
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
    prop(out, &f, "status", fd->status == OUTCOME_WAIVED ? "waived" : fd->status == OUTCOME_STALE ? "stale" : "fail");
    const char *bs = vouch_report_baseline_of(o->r, fd);
    if (bs)
        prop(out, &f, "baseline", bs);
    fputs("],\n         \"methods\": [\"TEST\"], \"types\": [\"finding\"],\n", out);
    /* the subject, and the facts rows its explanation recorded */
    char su[37];
    uuid(o, su, "subject", fd->subject, NULL, NULL);
    fprintf(out, "         \"subjects\": [{\"subject-uuid\": \"%s\", \"type\": \"resource\", \"title\": ", su);
    str1(out, fd->subject);
    fputs(", \"props\": [", out);
    f = 1;
    prop(out, &f, "subject", fd->subject);
    fputs("]}],\n", out);
    int nrow = 0;
    const vouch_program *p = o->r->program;
    for (uint32_t k = 0; fd->why && k < fd->why->nsteps; k++) {
        const vouch_why_step *st = &fd->why->steps[k];
        if (st->kind != WHY_ROW || st->table >= p->ntables)
            continue;
        fputs(nrow++ ? ", {\"description\": \"" : "         \"relevant-evidence\": [{\"description\": \"", out);
        fputs("Facts row ", out);
        vouch_json_chars(out, p->tables[st->table].name);
        fputc(' ', out);
        vouch_json_chars(out, st->text);
        for (uint32_t c = 0; c < st->nfields; c++) {
            fputs(c ? ", " : ": ", out);
            vouch_json_chars(out, st->fields[c].name);
            fputs(" = ", out);
            vouch_json_chars(out, st->fields[c].value);
        }
        fputs("\", \"props\": [", out);
        int g = 1;
        prop(out, &g, "table", p->tables[st->table].name);
        prop(out, &g, "key", st->text);
        fputs("]}", out);
    }
    if (nrow)
        fputs("],\n", out);
    fprintf(out, "         \"collected\": \"%s\"}", o->ts);
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

/* The observations (n: how many written so far) of rule i: its own and its
 * failing and waived records'. */
static void rule_related_observations(const oscal *o, uint32_t i, int *n)
{
    FILE *out = o->out;
    const vouch_results *res = o->r->results;
    const vouch_rule_info *ri = &o->r->program->rules[i];
    char ou[37];
    uint32_t pos = 0, lo, hi;
    uuid(o, ou, "rule-observation", ri->id, NULL, NULL);
    fprintf(out, "%s{\"observation-uuid\": \"%s\"}", (*n)++ ? ", " : "", ou);
    vouch_report_rule_records(res, i, &pos, &lo, &hi);
    for (uint32_t k = lo; k < hi; k++) {
        const vouch_finding *fd = &res->findings[k];
        if (fd->status == OUTCOME_NA)
            continue;
        uuid(o, ou, "record-observation", ri->id, fd->subject, fd->message);
        fprintf(out, ", {\"observation-uuid\": \"%s\"}", ou);
    }
}

/* The risks of rule i's waived records; opens the list at the first. */
static void rule_related_risks(const oscal *o, uint32_t i, int *n)
{
    FILE *out = o->out;
    const vouch_program *p = o->r->program;
    const vouch_results *res = o->r->results;
    const vouch_rule_info *ri = &p->rules[i];
    char ou[37];
    uint32_t pos = 0, lo, hi;
    vouch_report_rule_records(res, i, &pos, &lo, &hi);
    for (uint32_t k = lo; k < hi; k++) {
        const vouch_finding *fd = &res->findings[k];
        if (fd->status != OUTCOME_WAIVED || fd->waiver < 0 || (uint32_t)fd->waiver >= p->nwaivers)
            continue;
        uuid(o, ou, "risk", ri->id, fd->subject, fd->message);
        fprintf(out, "%s{\"risk-uuid\": \"%s\"}", (*n)++ ? ", " : ",\n         \"related-risks\": [", ou);
    }
}

static void finding(const oscal *o, const vouch_report_facts *x, uint32_t i, int first)
{
    FILE *out = o->out;
    const vouch_program *p = o->r->program;
    const vouch_results *res = o->r->results;
    const vouch_rule_info *ri = &p->rules[i];
    const vouch_rule_outcome *oc = &res->rules[i];
    int none = vouch_report_no_subjects(o->r, i);
    /* a stale pass (evidence past its freshness) does not satisfy */
    int ok = oc->failed == 0 && oc->stale == 0 && !oc->errored && !none;
    char u[37];
    uuid(o, u, "finding", ri->id, NULL, NULL);
    fprintf(out, "%s        {\"uuid\": \"%s\", \"title\": ", first ? "\n" : ",\n", u);
    str1(out, ri->title && *ri->title ? ri->title : ri->id);
    fputs(",\n         \"description\": \"", out);
    vouch_json_chars(out, ri->id);
    if (none)
        fputs(": examined no subject, so nothing shows the objective is met.\",\n", out);
    else if (ok)
        fprintf(out, ": no failing finding (%llu passed, %llu waived, %llu not applicable).\",\n",
                (unsigned long long)oc->passed, (unsigned long long)oc->waived,
                (unsigned long long)oc->not_applicable);
    else if (oc->stale)
        fprintf(out, ": %llu failing finding%s and %llu stale (resting on evidence past its freshness)%s.\",\n",
                (unsigned long long)oc->failed, oc->failed == 1 ? "" : "s", (unsigned long long)oc->stale,
                oc->errored ? " and a runtime error" : "");
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
            ok ? "pass" : none ? "no-subjects" : oc->errored && oc->failed == 0 && oc->stale == 0 ? "other" : "fail");
    fputs("         \"related-observations\": [", out);
    int n = 0;
    rule_related_observations(o, i, &n);
    fputc(']', out);
    int nr = 0;
    rule_related_risks(o, i, &nr);
    fputs(nr ? "]}" : "}", out);
}

/* A finding on control c of the coverage's framework: its coverage state
 * and the rules behind it. */
static void control_finding(const oscal *o, const vouch_coverage *cov, uint32_t c, int first)
{
    FILE *out = o->out;
    const vouch_program *p = o->r->program;
    const vouch_framework_info *fw = &p->frameworks[cov->framework];
    const vouch_control_info *ci = &fw->controls[c];
    const vouch_cov_control *cc = &cov->controls[c];
    char u[37];
    uuid(o, u, "control-finding", fw->id, ci->id, NULL);
    fprintf(out, "%s        {\"uuid\": \"%s\", \"title\": \"", first ? "\n" : ",\n", u);
    oneline(out, fw->id);
    fputc(' ', out);
    oneline(out, ci->id);
    if (ci->title && *ci->title) {
        fputs(": ", out);
        oneline(out, ci->title);
    }
    fputs("\",\n         \"description\": \"Control ", out);
    vouch_json_chars(out, ci->id);
    fputs(" of ", out);
    vouch_json_chars(out, fw->id);
    fprintf(out, ": %s%s. Rules:", vouch_cov_status_text(cc->status), cc->waived ? " (with waivers)" : "");
    for (uint32_t k = 0; k < cc->nsources; k++) {
        const vouch_cov_source *src = &cc->sources[k];
        fputs(k ? "; " : " ", out);
        vouch_json_chars(out, p->rules[src->rule].id);
        fprintf(out, " %s", vouch_cov_status_text(src->status));
        if (src->reach.nhops)
            fprintf(out, " (through the crosswalks, %s)", vouch_relation_name(src->reach.relation));
        if (vouch_report_no_subjects(o->r, src->rule))
            fputs(", examined no subject", out);
    }
    fputs(".\",\n         \"props\": [", out);
    int f = 1;
    prop(out, &f, "framework", fw->id);
    prop(out, &f, "control", ci->id);
    prop(out, &f, "coverage", vouch_cov_status_name(cc->status));
    for (uint32_t k = 0; k < cc->nsources; k++)
        prop(out, &f, "rule", p->rules[cc->sources[k].rule].id);
    fputs("],\n         \"target\": {\"type\": \"statement-id\", \"target-id\": ", out);
    token(out, ci->id);
    fputs(", \"props\": [", out);
    f = 1;
    prop(out, &f, "framework", fw->id);
    prop(out, &f, "control-id", ci->id);
    int ok = cc->status == COV_SATISFIED;
    const char *reason = ok ? "pass" : cc->status == COV_NOT_SATISFIED ? "fail"
                                     : cc->status == COV_PARTIAL       ? "partial"
                                                                       : "not-assessed";
    fprintf(out, "], \"status\": {\"state\": \"%s\", \"reason\": \"%s\"}},\n", ok ? "satisfied" : "not-satisfied",
            reason);
    fputs("         \"related-observations\": [", out);
    int n = 0;
    for (uint32_t k = 0; k < cc->nsources; k++)
        if (!p->rules[cc->sources[k].rule].skipped)
            rule_related_observations(o, cc->sources[k].rule, &n);
    fputc(']', out);
    int nr = 0;
    for (uint32_t k = 0; k < cc->nsources; k++)
        if (!p->rules[cc->sources[k].rule].skipped)
            rule_related_risks(o, cc->sources[k].rule, &nr);
    fputs(nr ? "]}" : "}", out);
}

static int oscal_write(const vouch_report *r, const vouch_report_facts *x, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    oscal o;
    memset(&o, 0, sizeof o);
    o.r = r;
    o.out = out;
    date_format(r->as_of, o.asof);
    date_format(r->period_start, o.ps);
    date_format(r->period_end, o.pe);
    vouch_datetime(r->as_of, 0, 0, 0, o.ts);
    o.run[0] = 0;
    if (r->identity)
        vouch_identity_hex(r->identity->run, o.run);
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
    if (r->identity) {
        const vouch_identity *id = r->identity;
        char hex[65];
        prop(out, &f, "run-sha256", o.run);
        vouch_identity_hex(id->facts, hex);
        prop(out, &f, "facts-sha256", hex);
        for (uint32_t i = 0; i < id->nsources; i++) {
            char v[600];
            vouch_identity_hex(id->sources[i].sha256, hex);
            snprintf(v, sizeof v, "%s %s", hex, id->sources[i].name);
            prop(out, &f, "source-sha256", v);
        }
        for (uint32_t i = 0; i < id->ntables; i++) {
            char v[600];
            vouch_identity_hex(id->tables[i].sha256, hex);
            snprintf(v, sizeof v, "%s %s (%llu rows)", hex, id->tables[i].name,
                     (unsigned long long)id->tables[i].rows);
            prop(out, &f, "table-sha256", v);
        }
    }
    fputs("]\n    },\n", out);
    /* No OSCAL assessment plan exists: the plan is the packs, described
     * by a resource in back-matter that the reference resolves to. */
    char plan[37];
    uuid(&o, plan, "plan", NULL, NULL, NULL);
    fprintf(out, "    \"import-ap\": {\"href\": \"#%s\", \"remarks\": \"vouch has no OSCAL assessment plan: the "
                 "reference names the back-matter resource of the rule packs that were evaluated.\"},\n",
            plan);

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

    /* reviewed controls: per framework, every control of it some rule
     * touches, each once */
    fputs("      \"reviewed-controls\": {\"control-selections\": [", out);
    int nsel = 0;
    for (uint32_t fwi = 0; fwi < p->nframeworks; fwi++) {
        const vouch_framework_info *fw = &p->frameworks[fwi];
        int nc = 0;
        for (uint32_t c = 0; c < fw->ncontrols; c++) {
            int touched = 0;
            for (uint32_t i = 0; i < p->nrules && !touched; i++)
                for (uint32_t k = 0; k < x->reach[i].n && !touched; k++)
                    touched = x->reach[i].items[k].control.framework == fwi && x->reach[i].items[k].control.control == c;
            if (!touched)
                continue;
            if (!nc++) {
                fputs(nsel++ ? ",\n        {\"description\": \"" : "\n        {\"description\": \"", out);
                vouch_json_chars(out, fw->title && *fw->title ? fw->title : fw->id);
                fputs("\", \"props\": [", out);
                int g = 1;
                prop(out, &g, "framework", fw->id);
                fputs("],\n         \"include-controls\": [", out);
            }
            fputs(nc > 1 ? ", {\"control-id\": " : "{\"control-id\": ", out);
            token(out, fw->controls[c].id);
            fputc('}', out);
        }
        if (nc)
            fputs("]}", out);
    }
    fputs(nsel ? "\n      ]},\n" : "{\"include-all\": {}}]},\n", out);

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
    /* findings: per control the rules reach, then per rule reaching none */
    int nf = 0;
    for (uint32_t fwi = 0; fwi < p->nframeworks; fwi++) {
        int any = 0;
        for (uint32_t i = 0; i < p->nrules && !any; i++)
            for (uint32_t k = 0; k < x->reach[i].n && !any; k++)
                any = x->reach[i].items[k].control.framework == fwi;
        if (!any)
            continue;
        vouch_coverage cov;
        vouch_error err;
        if (vouch_coverage_build(p, res, fwi, &cov, &err) != VOUCH_OK) {
            errno = ENOMEM;
            return -1;
        }
        for (uint32_t c = 0; c < cov.ncontrols; c++) {
            int ran = 0;
            for (uint32_t k = 0; k < cov.controls[c].nsources && !ran; k++)
                ran = !p->rules[cov.controls[c].sources[k].rule].skipped;
            if (!ran)
                continue;
            if (!nf)
                fputs("      \"findings\": [", out);
            control_finding(&o, &cov, c, nf++ == 0);
        }
        vouch_coverage_free(&cov);
    }
    for (uint32_t i = 0; i < p->nrules; i++) {
        if (p->rules[i].skipped || x->reach[i].n)
            continue;
        if (!nf)
            fputs("      \"findings\": [", out);
        finding(&o, x, i, nf++ == 0);
    }
    fputs(nf ? "\n      ],\n" : "", out);
    fprintf(out, "      \"remarks\": \"%u rules, %u evaluated.\"\n    }],\n", p->nrules, nrun);
    /* back-matter: the rule packs, the plan import-ap names */
    fprintf(out, "    \"back-matter\": {\"resources\": [{\"uuid\": \"%s\", \"title\": \"vouch rule pack ", plan);
    oneline(out, p->pack);
    fputs("\",\n      \"description\": \"The rules evaluated, the assessment plan of these results: pack ", out);
    vouch_json_chars(out, p->pack);
    fputs(" version ", out);
    vouch_json_chars(out, p->pack_version && *p->pack_version ? p->pack_version : "unversioned");
    fputs(", its source files relative to the directory vouch ran in.\",\n      \"props\": [", out);
    f = 1;
    prop(out, &f, "pack", p->pack);
    fputs("]", out);
    int nl = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const char *file = p->rules[i].file;
        int dup = !file;
        for (uint32_t j = 0; j < i && !dup; j++)
            dup = p->rules[j].file && strcmp(p->rules[j].file, file) == 0;
        if (dup)
            continue;
        fputs(nl++ ? ",\n        {\"href\": " : ",\n      \"rlinks\": [\n        {\"href\": ", out);
        vouch_json_uri(out, file);
        fputs(", \"media-type\": \"text/plain\"}", out);
    }
    fputs(nl ? "]}]}\n  }\n}\n" : "}]}\n  }\n}\n", out);
    return 0;
}

int vouch_report_oscal(const vouch_report *r, FILE *out) { return vouch_report_with_facts(r, out, oscal_write); }
