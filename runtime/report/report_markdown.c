/*
 * report_markdown.c: a summary of the results in GitHub-flavoured Markdown,
 * short enough for a pull-request comment (docs/outputs.md).
 *
 *   a heading with the number of failing findings and the run (pack,
 *   as-of, period); a table of counts by severity (failing, waived, not
 *   applicable); the failing findings, most severe first (severity, rule,
 *   subject, message, source); the waived ones (rule, subject, until,
 *   approved by, because); not-applicable counts per rule; rules that
 *   stopped with an error; the number of unused waivers.
 *
 * Bounded: at most MD_MAX_FAILING failing and MD_MAX_WAIVED waived rows
 * (a line says how many were left out) and MD_MAX_CELL bytes per cell, so
 * a run with thousands of findings still fits a comment (GitHub's limit is
 * 65536 characters). Every cell is escaped (vouch_md_text): Markdown
 * punctuation gets a backslash, | cannot end the cell, line breaks become
 * spaces, invalid UTF-8 becomes U+FFFD, bidirectional controls show. The first line is an HTML comment a bot can use to
 * find and update its earlier comment.
 */
#include <string.h>
#include "report_util.h"
#include "outcome.h"
#include "date.h"
#include "identity.h"

#define MD_MAX_FAILING 30
#define MD_MAX_WAIVED 20
#define MD_MAX_CELL 200

/* s as the text of one table cell (escape.h), at most MD_MAX_CELL bytes. */
static void cell(FILE *out, const char *s) { vouch_md_text(out, s, MD_MAX_CELL); }

/* One row of a findings table (failing or stale): the baseline column when
 * the report compares with one, then severity, rule, subject, message and
 * the rule's source. */
static void finding_row(FILE *out, const vouch_report *r, const vouch_finding *fd, const vouch_rule_info *ri)
{
    const char *bs = vouch_report_baseline_of(r, fd);
    if (bs)
        fprintf(out, "| %s ", bs);
    fprintf(out, "| %s | ", vouch_severity_name(ri->severity));
    cell(out, ri->id);
    fputs(" | ", out);
    cell(out, fd->subject);
    fputs(" | ", out);
    cell(out, fd->message);
    fputs(" | ", out);
    cell(out, ri->file);
    fprintf(out, ":%u |\n", ri->line);
}

static const char *plural(uint64_t n) { return n == 1 ? "" : "s"; }

int vouch_report_markdown(const vouch_report *r, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    vouch_report_totals t;
    vouch_report_totals_of(r, &t);
    char asof[11], ps[11], pe[11], d[11];
    date_format(r->as_of, asof);
    date_format(r->period_start, ps);
    date_format(r->period_end, pe);

    fputs("<!-- vouch report -->\n", out);
    if (t.failed)
        fprintf(out, "## vouch: %llu failing finding%s\n\n", (unsigned long long)t.failed, plural(t.failed));
    else
        fputs("## vouch: no failing findings\n\n", out);
    fputs("Pack **", out);
    cell(out, p->pack && *p->pack ? p->pack : "(unnamed)");
    fputs("**", out);
    if (p->pack_version && *p->pack_version) {
        fputc(' ', out);
        cell(out, p->pack_version);
    }
    fprintf(out, ", as of %s, audit period %s..%s: %u rule%s", asof, ps, pe, p->nrules, plural(p->nrules));
    if (t.skipped)
        fprintf(out, " (%llu skipped)", (unsigned long long)t.skipped);
    fprintf(out, ", %llu subject%s passed", (unsigned long long)t.passed, plural(t.passed));
    if (t.stale)
        fprintf(out, ", **%llu stale** (passing only on evidence past its freshness)", (unsigned long long)t.stale);
    if (t.errors)
        fprintf(out, ", **%llu rule%s stopped with an error**", (unsigned long long)t.errors, plural(t.errors));
    fputs(".\n\n", out);

    fputs("| Severity | Failing | Waived | Not applicable |\n|---|---:|---:|---:|\n", out);
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        fprintf(out, "| %s | %llu | %llu | %llu |\n", vouch_severity_name((uint32_t)s),
                (unsigned long long)t.failing_by_sev[s], (unsigned long long)t.waived_by_sev[s],
                (unsigned long long)t.na_by_sev[s]);
    fprintf(out, "| **total** | **%llu** | **%llu** | **%llu** |\n", (unsigned long long)t.failed,
            (unsigned long long)t.waived, (unsigned long long)t.not_applicable);

    /* failing findings, most severe first, in record order within a severity */
    /* With a baseline the finding tables open with a Baseline column. */
    const char *bcol = r->baseline ? "| Baseline " : "";
    const char *bsep = r->baseline ? "|---" : "";
    if (t.failed) {
        fprintf(out, "\n### Failing findings\n\n%s| Severity | Rule | Subject | Message | Source |\n%s|---|---|---|---|---|\n",
                bcol, bsep);
        uint64_t shown = 0;
        for (int s = SEV__COUNT - 1; s >= 0 && shown < MD_MAX_FAILING; s--)
            for (uint32_t i = 0; i < res->nfindings && shown < MD_MAX_FAILING; i++) {
                const vouch_finding *fd = &res->findings[i];
                if (fd->status != OUTCOME_FAIL || fd->rule >= p->nrules || p->rules[fd->rule].severity != s)
                    continue;
                finding_row(out, r, fd, &p->rules[fd->rule]);
                shown++;
            }
        if (t.failed > shown)
            fprintf(out, "\n_%llu more failing finding%s not shown: see the full report._\n",
                    (unsigned long long)(t.failed - shown), plural(t.failed - shown));
    }

    if (t.stale) {
        /* passes that rested only on evidence past its freshness: they
         * fail the run as failures do, and are listed apart */
        fprintf(out, "\n### Stale (passes resting on evidence past its freshness)\n\n%s| Severity | Rule | Subject | Message | Source |\n%s|---|---|---|---|---|\n",
                bcol, bsep);
        uint64_t shown = 0;
        for (uint32_t i = 0; i < res->nfindings && shown < MD_MAX_FAILING; i++) {
            const vouch_finding *fd = &res->findings[i];
            if (fd->status != OUTCOME_STALE || fd->rule >= p->nrules)
                continue;
            finding_row(out, r, fd, &p->rules[fd->rule]);
            shown++;
        }
        if (t.stale > shown)
            fprintf(out, "\n_%llu more stale record%s not shown: see the full report._\n",
                    (unsigned long long)(t.stale - shown), plural(t.stale - shown));
    }

    if (r->baseline && r->baseline->nresolved) {
        const vouch_baseline *b = r->baseline;
        fputs("\n### Resolved since the baseline\n\n| Baseline | Severity | Rule | Subject | Message | Source |\n"
              "|---|---|---|---|---|---|\n", out);
        uint32_t shown = 0;
        for (uint32_t k = 0; k < b->nresolved && shown < MD_MAX_FAILING; k++, shown++) {
            const vouch_baseline_item *it = &b->items[b->resolved[k]];
            fputs("| resolved | ", out);
            cell(out, it->severity);
            fputs(" | ", out);
            cell(out, it->rule);
            fputs(" | ", out);
            cell(out, it->subject);
            fputs(" | ", out);
            cell(out, it->message);
            fputs(" | ", out);
            for (uint32_t i = 0; i < p->nrules; i++)
                if (strcmp(p->rules[i].id, it->rule) == 0) {
                    cell(out, p->rules[i].file);
                    fprintf(out, ":%u", p->rules[i].line);
                    break;
                }
            fputs(" |\n", out);
        }
        if (b->nresolved > shown)
            fprintf(out, "\n_%u more resolved finding%s not shown._\n", b->nresolved - shown,
                    plural(b->nresolved - shown));
    }

    if (t.waived) {
        fputs("\n### Waived\n\n| Rule | Subject | Until | Approved by | Because |\n|---|---|---|---|---|\n", out);
        uint64_t shown = 0;
        for (uint32_t i = 0; i < res->nfindings && shown < MD_MAX_WAIVED; i++) {
            const vouch_finding *fd = &res->findings[i];
            if (fd->status != OUTCOME_WAIVED || fd->rule >= p->nrules || fd->waiver < 0 ||
                (uint32_t)fd->waiver >= p->nwaivers)
                continue;
            const vouch_waiver *w = &p->waivers[fd->waiver];
            fputs("| ", out);
            cell(out, p->rules[fd->rule].id);
            fputs(" | ", out);
            cell(out, fd->subject);
            date_format(w->until, d);
            fprintf(out, " | %s | ", d);
            cell(out, w->approved_by);
            fputs(" | ", out);
            cell(out, w->because);
            fputs(" |\n", out);
            shown++;
        }
        if (t.waived > shown)
            fprintf(out, "\n_%llu more waived finding%s not shown._\n", (unsigned long long)(t.waived - shown),
                    plural(t.waived - shown));
    }

    if (t.not_applicable) {
        fputs("\n### Not applicable\n\n| Rule | Subjects |\n|---|---:|\n", out);
        for (uint32_t i = 0; i < p->nrules && i < res->nrules; i++) {
            if (!res->rules[i].not_applicable)
                continue;
            fputs("| ", out);
            cell(out, p->rules[i].id);
            fprintf(out, " | %llu |\n", (unsigned long long)res->rules[i].not_applicable);
        }
    }

    int nosubj = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        if (!vouch_report_no_subjects(r, i))
            continue;
        if (!nosubj++)
            fputs("\n### Rules that examined no subject\n\nThey show nothing either way: nothing in the facts matched "
                  "their loops.\n\n", out);
        fputs("- ", out);
        cell(out, p->rules[i].id);
        fputc('\n', out);
    }

    if (t.errors) {
        fputs("\n### Rules that stopped with an error\n\n", out);
        for (uint32_t i = 0; i < p->nrules && i < res->nrules; i++) {
            if (!res->rules[i].errored)
                continue;
            fputs("- ", out);
            cell(out, p->rules[i].id);
            fputs(": ", out);
            cell(out, res->rules[i].error ? res->rules[i].error : "rule stopped");
            fputc('\n', out);
        }
    }
    uint32_t unused = 0;
    for (uint32_t k = 0; k < res->nunused; k++)
        unused += res->unused[k] < p->nwaivers;
    if (unused)
        fprintf(out, "\n%u waiver%s match%s no finding.\n", unused, plural(unused), unused == 1 ? "es" : "");
    if (r->baseline) {
        fputs("\nAgainst the baseline ", out);
        vouch_md_text(out, r->baseline->path, 0);
        fprintf(out, ": %u new, %u unchanged, %u resolved%s.\n", r->baseline->nnew, r->baseline->nunchanged,
                r->baseline->nresolved, r->fail_on_new ? " (only new findings fail the run)" : "");
    }
    if (r->identity) {
        fputc('\n', out);
        vouch_identity_text(r->identity, out);
    }
    return ferror(out) ? -1 : 0;
}
