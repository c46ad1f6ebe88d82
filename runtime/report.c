/*
 * report.c: text, JSON and TSV writers over one vouch_results.
 *
 * The text form groups findings by rule, in program order, for an auditor
 * reading a terminal; JSON is the machine form (one object per finding with
 * its rule's source location, plus a run header); TSV is the bare
 * RULE<TAB>SUBJECT list the benchmark compares with the SQL reference.
 */
#include <stdlib.h>
#include <string.h>
#include "report.h"
#include "date.h"

uint64_t vouch_report_failing(const vouch_report *r)
{
    uint64_t n = 0;
    for (uint32_t i = 0; i < r->results->nfindings; i++)
        if ((int)r->program->rules[r->results->findings[i].rule].severity >= r->fail_on)
            n++;
    return n;
}

static void fmt_date(int64_t d, char buf[11]) { date_format(d, buf); }

/* ---- text ------------------------------------------------------------ */

int vouch_report_text(const vouch_report *r, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    char asof[11], ps[11], pe[11];
    fmt_date(r->as_of, asof);
    fmt_date(r->period_start, ps);
    fmt_date(r->period_end, pe);
    fprintf(out, "vouch %s: pack %s %s, as of %s, period %s..%s\n", VOUCH_VERSION,
            p->pack && *p->pack ? p->pack : "(unnamed)", p->pack_version ? p->pack_version : "", asof, ps, pe);
    uint64_t by_sev[SEV__COUNT] = {0};
    uint64_t passed = 0, errors = 0;
    uint32_t f = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const vouch_rule_info *ri = &p->rules[i];
        const vouch_rule_outcome *o = &res->rules[i];
        passed += o->passed;
        fprintf(out, "\n%s (%s) %s\n  %s:%u:%u\n", ri->id, vouch_severity_name(ri->severity), ri->title,
                ri->file, ri->line, ri->col);
        for (; f < res->nfindings && res->findings[f].rule == i; f++) {
            fprintf(out, "  FAIL %s: %s\n", res->findings[f].subject, res->findings[f].message);
            by_sev[ri->severity]++;
        }
        if (o->errored) {
            errors++;
            fprintf(out, "  ERROR %s\n", o->error ? o->error : "rule stopped");
        }
        if (o->failed == 0 && !o->errored)
            fprintf(out, "  ok: %llu subject%s passed\n", (unsigned long long)o->passed,
                    o->passed == 1 ? "" : "s");
        else
            fprintf(out, "  %llu failed, %llu passed\n", (unsigned long long)o->failed,
                    (unsigned long long)o->passed);
    }
    fprintf(out, "\n%u finding%s in %u rule%s (critical %llu, high %llu, medium %llu, low %llu, info %llu); "
                 "%llu passed",
            res->nfindings, res->nfindings == 1 ? "" : "s", p->nrules, p->nrules == 1 ? "" : "s",
            (unsigned long long)by_sev[SEV_CRITICAL], (unsigned long long)by_sev[SEV_HIGH],
            (unsigned long long)by_sev[SEV_MEDIUM], (unsigned long long)by_sev[SEV_LOW],
            (unsigned long long)by_sev[SEV_INFO], (unsigned long long)passed);
    if (errors)
        fprintf(out, "; %llu rule%s stopped with an error", (unsigned long long)errors, errors == 1 ? "" : "s");
    fprintf(out, "\n");
    return ferror(out) ? -1 : 0;
}

/* ---- json ------------------------------------------------------------ */

/* Writes s as a JSON string. Runs of bytes that need no escape go out in
 * one fwrite: findings are mostly plain text. */
static void json_str(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    fputc('"', out);
    for (;;) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        if (!*p)
            break;
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default: fprintf(out, "\\u%04x", *p);
        }
        p++;
    }
    fputc('"', out);
}

static void json_location(FILE *out, const vouch_rule_info *ri)
{
    fputs("{\"file\": ", out);
    json_str(out, ri->file);
    fprintf(out, ", \"line\": %u, \"column\": %u}", ri->line, ri->col);
}

int vouch_report_json(const vouch_report *r, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    char asof[11], ps[11], pe[11];
    fmt_date(r->as_of, asof);
    fmt_date(r->period_start, ps);
    fmt_date(r->period_end, pe);
    uint64_t by_sev[SEV__COUNT] = {0}, passed = 0, errors = 0;
    for (uint32_t i = 0; i < res->nfindings; i++)
        by_sev[p->rules[res->findings[i].rule].severity]++;
    for (uint32_t i = 0; i < p->nrules; i++) {
        passed += res->rules[i].passed;
        errors += res->rules[i].errored != 0;
    }
    fprintf(out, "{\n  \"format\": %d,\n  \"engine\": {\"name\": \"vouch\", \"version\": \"%s\"},\n",
            VOUCH_JSON_FORMAT, VOUCH_VERSION);
    fprintf(out, "  \"run\": {\"as_of\": \"%s\", \"period\": {\"start\": \"%s\", \"end\": \"%s\"}, \"facts\": ",
            asof, ps, pe);
    json_str(out, r->facts_path);
    fputs(", \"pack\": {\"name\": ", out);
    json_str(out, p->pack);
    fputs(", \"version\": ", out);
    json_str(out, p->pack_version);
    fprintf(out, "}, \"fail_on\": \"%s\"},\n", vouch_severity_name((uint32_t)r->fail_on));
    fprintf(out, "  \"summary\": {\"rules\": %u, \"findings\": %u, \"failing\": %llu, \"passed\": %llu, "
                 "\"errors\": %llu, \"by_severity\": {",
            p->nrules, res->nfindings, (unsigned long long)vouch_report_failing(r),
            (unsigned long long)passed, (unsigned long long)errors);
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        fprintf(out, "\"%s\": %llu%s", vouch_severity_name((uint32_t)s), (unsigned long long)by_sev[s],
                s ? ", " : "");
    fputs("}},\n  \"rules\": [", out);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const vouch_rule_info *ri = &p->rules[i];
        const vouch_rule_outcome *o = &res->rules[i];
        fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", out);
        json_str(out, ri->id);
        fputs(", \"title\": ", out);
        json_str(out, ri->title);
        fprintf(out, ", \"severity\": \"%s\", \"pack\": ", vouch_severity_name(ri->severity));
        json_str(out, ri->pack);
        fputs(", \"location\": ", out);
        json_location(out, ri);
        fprintf(out, ", \"passed\": %llu, \"failed\": %llu, \"error\": ", (unsigned long long)o->passed,
                (unsigned long long)o->failed);
        if (o->errored)
            json_str(out, o->error ? o->error : "rule stopped");
        else
            fputs("null", out);
        fputs("}", out);
    }
    fputs(p->nrules ? "\n  ],\n  \"findings\": [" : "],\n  \"findings\": [", out);
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const vouch_finding *fd = &res->findings[i];
        const vouch_rule_info *ri = &p->rules[fd->rule];
        fputs(i ? ",\n    {\"rule\": " : "\n    {\"rule\": ", out);
        json_str(out, ri->id);
        fputs(", \"subject\": ", out);
        json_str(out, fd->subject);
        fprintf(out, ", \"severity\": \"%s\", \"message\": ", vouch_severity_name(ri->severity));
        json_str(out, fd->message);
        fputs(", \"location\": ", out);
        json_location(out, ri);
        fputs("}", out);
    }
    fputs(res->nfindings ? "\n  ]\n}\n" : "]\n}\n", out);
    return ferror(out) ? -1 : 0;
}

/* ---- tsv ------------------------------------------------------------ */

static int cmp_lines(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

int vouch_report_tsv(const vouch_report *r, FILE *out)
{
    const vouch_results *res = r->results;
    char **lines = malloc((res->nfindings + 1) * sizeof *lines);
    if (!lines)
        return -1;
    uint32_t n = 0;
    int rc = 0;
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const char *id = r->program->rules[res->findings[i].rule].id;
        const char *s = res->findings[i].subject;
        size_t len = strlen(id) + strlen(s) + 2;
        char *l = malloc(len);
        if (!l) {
            rc = -1;
            break;
        }
        snprintf(l, len, "%s\t%s", id, s);
        lines[n++] = l;
    }
    if (rc == 0) {
        qsort(lines, n, sizeof *lines, cmp_lines);
        for (uint32_t i = 0; i < n; i++) {
            fputs(lines[i], out);
            fputc('\n', out);
        }
    }
    for (uint32_t i = 0; i < n; i++)
        free(lines[i]);
    free(lines);
    return rc || ferror(out) ? -1 : 0;
}
