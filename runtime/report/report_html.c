/*
 * report_html.c: the results as one self-contained HTML page (docs/outputs.md).
 *
 * Inline CSS, no external resource, and a small inline script that sorts
 * the findings table when a column header is clicked; without the script
 * the page reads the same, in the report's order (most severe first).
 *
 *   the run (pack, as-of, period, facts);
 *   the summary: failing, waived, not applicable, passed, rules, skipped,
 *     errors; failing/waived/not applicable per severity; per framework
 *     (a rule counts for every framework it touches);
 *   the findings, failing and waived: severity, status, rule (and title),
 *     subject, message (and the waiver), source location, the controls the
 *     rule touches;
 *   not-applicable counts per rule, unused waivers, and every rule.
 *
 * Counts carry id="count-..." and data-count="N", each finding row
 * data-status, data-rule and data-severity, so tests (and scripts) read
 * them back from the DOM. Everything from the pack or the facts is escaped.
 */
#include <stdlib.h>
#include <string.h>
#include "report_util.h"
#include "explain_text.h"
#include "outcome.h"
#include "date.h"
#include "identity.h"

static const char CSS[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em auto;max-width:1200px;"
    "padding:0 1em;color:#1b1f24}\n"
    "h1{font-size:1.6em;margin-bottom:.2em}h2{margin-top:1.6em;border-bottom:1px solid #d0d7de}\n"
    ".run{color:#57606a}\n"
    ".cards{display:flex;flex-wrap:wrap;gap:.6em;margin:1em 0}\n"
    ".card{border:1px solid #d0d7de;border-radius:6px;padding:.5em 1em;min-width:7em}\n"
    ".card b{display:block;font-size:1.6em}\n"
    ".card.fail b{color:#cf222e}.card.stale b{color:#bc4c00}.card.waived b{color:#9a6700}.card.pass b{color:#1a7f37}\n"
    "table{border-collapse:collapse;width:100%;margin:.5em 0}\n"
    "th,td{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top}\n"
    "th{background:#f6f8fa}td.n,th.n{text-align:right}\n"
    "details.why summary{cursor:pointer;color:#0969da;font-size:.9em}\n"
    "details.why pre{font-size:12px;background:#f6f8fa;padding:.4em;overflow-x:auto;white-space:pre-wrap}\n"
    "th[data-sort]{cursor:pointer}th[data-sort]:after{content:' \\2195';color:#8c959f}\n"
    ".sev{font-weight:600;border-radius:4px;padding:0 .4em}\n"
    ".sev-critical{background:#ffebe9;color:#a40e26}.sev-high{background:#fff1e5;color:#bc4c00}\n"
    ".sev-medium{background:#fff8c5;color:#7d4e00}.sev-low{background:#ddf4ff;color:#0550ae}\n"
    ".sev-info{background:#f6f8fa;color:#57606a}\n"
    "tr.waived td{color:#57606a}.status-fail{color:#cf222e;font-weight:600}.status-stale{color:#bc4c00;font-weight:600}\n"
    "small,.muted{color:#57606a}code{font-size:.92em}\n"
    "@media print{th[data-sort]:after{content:''}}\n";

/* Sorts #findings by the clicked column: numbers by data-key when a cell
 * has one, else by text; a second click reverses. */
static const char SCRIPT[] =
    "(function(){var t=document.getElementById('findings');if(!t)return;"
    "var hs=t.tHead.rows[0].cells,b=t.tBodies[0],last=-1,dir=1;"
    "function key(r,i){var c=r.cells[i];var k=c.getAttribute('data-key');"
    "return k!==null?parseFloat(k):c.textContent.toLowerCase();}"
    "Array.prototype.forEach.call(hs,function(h,i){if(!h.hasAttribute('data-sort'))return;"
    "h.setAttribute('tabindex','0');h.addEventListener('click',function(){"
    "dir=(last===i)?-dir:1;last=i;var rs=Array.prototype.slice.call(b.rows);"
    "rs.sort(function(x,y){var a=key(x,i),c=key(y,i);return a<c?-dir:a>c?dir:0;});"
    "rs.forEach(function(r){b.appendChild(r);});});});})();\n";

static void esc(FILE *out, const char *s) { vouch_xml_text(out, s, 0); }

static void count(FILE *out, const char *id, uint64_t n)
{
    fputs("<span id=\"count-", out);
    esc(out, id);
    fprintf(out, "\" data-count=\"%llu\">%llu</span>", (unsigned long long)n, (unsigned long long)n);
}

static void card(FILE *out, const char *cls, const char *id, const char *label, uint64_t n)
{
    fprintf(out, "<div class=\"card %s\"><b>", cls);
    count(out, id, n);
    fprintf(out, "</b>%s</div>\n", label);
}

static void controls(FILE *out, const vouch_program *p, const vouch_reach_list *l)
{
    for (uint32_t k = 0; k < l->n; k++) {
        vouch_control_ref c = l->items[k].control;
        if (!vouch_control_ref_valid(p, c))
            continue;
        if (k)
            fputs("<br>", out);
        fputs("<code>", out);
        esc(out, p->frameworks[c.framework].id);
        fputc('/', out);
        esc(out, p->frameworks[c.framework].controls[c.control].id);
        fputs("</code>", out);
        if (l->items[k].nhops)
            fprintf(out, " <small>(%s%s)</small>", vouch_relation_name(l->items[k].relation),
                    vouch_carries_text(&l->items[k]));
    }
}

static void location(FILE *out, const char *file, uint32_t line, uint32_t col)
{
    fputs("<code>", out);
    esc(out, file ? file : "?");
    fprintf(out, ":%u:%u</code>", line, col);
}

static void date_text(FILE *out, int64_t d)
{
    char b[11];
    date_format(d, b);
    fputs(b, out);
}

/* Why the finding happened (explain.h), folded under the message. */
static void explanation(FILE *out, const vouch_program *p, const vouch_why *w)
{
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (!mem)
        return;
    vouch_why_text(p, w, 0, mem);
    if (fclose(mem) != 0 || !text) {
        free(text);
        return;
    }
    fputs("<details class=\"why\"><summary>why</summary><pre>", out);
    esc(out, text);
    fputs("</pre></details>", out);
    free(text);
}

static void finding_row(FILE *out, const vouch_report *r, const vouch_report_facts *x, const vouch_finding *fd)
{
    const vouch_program *p = r->program;
    const vouch_rule_info *ri = &p->rules[fd->rule];
    const char *sev = vouch_severity_name(ri->severity);
    const char *st = fd->status == OUTCOME_WAIVED ? "waived" : fd->status == OUTCOME_STALE ? "stale" : "fail";
    const vouch_waiver *w =
        fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers ? &p->waivers[fd->waiver] : NULL;
    fprintf(out, "<tr class=\"%s\" data-status=\"%s\" data-severity=\"%s\" data-rule=\"", st, st, sev);
    esc(out, ri->id);
    const char *bs = vouch_report_baseline_of(r, fd);
    if (bs)
        fprintf(out, "\" data-baseline=\"%s", bs);
    fprintf(out, "\"><td data-key=\"%d\"><span class=\"sev sev-%s\">%s</span></td>", SEV__COUNT - ri->severity, sev,
            sev);
    fprintf(out, "<td class=\"status-%s\">%s", st, st);
    if (bs)
        fprintf(out, "<br><small>%s</small>", bs);
    fputs("</td><td><code>", out);
    esc(out, ri->id);
    fputs("</code><br><small>", out);
    esc(out, ri->title);
    fputs("</small></td><td>", out);
    esc(out, fd->subject);
    fputs("</td><td>", out);
    esc(out, fd->message);
    if (w && fd->status == OUTCOME_WAIVED) {
        fputs("<br><small>waived until ", out);
        date_text(out, w->until);
        fputs(" by ", out);
        esc(out, w->approved_by);
        fputs(": ", out);
        esc(out, w->because);
        fputs("</small>", out);
    } else if (w) {
        fprintf(out, "<br><small>a waiver matched but does not apply (%s, until ",
                vouch_waiver_state_name(vouch_waiver_state_of(p, w, r->as_of)));
        date_text(out, w->until);
        fputs(")</small>", out);
    }
    if (fd->why)
        explanation(out, p, fd->why);
    fputs("</td><td>", out);
    location(out, ri->file, ri->line, ri->col);
    fputs("</td><td>", out);
    controls(out, p, &x->reach[fd->rule]);
    fputs("</td></tr>\n", out);
}

static int html_write(const vouch_report *r, const vouch_report_facts *x, FILE *out)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    vouch_report_totals t = x->totals;

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>vouch: ",
          out);
    esc(out, p->pack);
    fputs(" as of ", out);
    date_text(out, r->as_of);
    fprintf(out, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>vouch: ", CSS);
    if (t.failed)
        fprintf(out, "%llu failing finding%s", (unsigned long long)t.failed, t.failed == 1 ? "" : "s");
    else
        fputs("no failing findings", out);
    fputs("</h1>\n<p class=\"run\">Pack <b>", out);
    esc(out, p->pack && *p->pack ? p->pack : "(unnamed)");
    fputs("</b> ", out);
    esc(out, p->pack_version);
    fputs(", as of ", out);
    date_text(out, r->as_of);
    fputs(", audit period ", out);
    date_text(out, r->period_start);
    fputs("..", out);
    date_text(out, r->period_end);
    fputs(", facts <code>", out);
    esc(out, r->facts_path);
    fprintf(out, "</code>; vouch %s.</p>\n", VOUCH_VERSION);

    fputs("<h2>Summary</h2>\n<div class=\"cards\">\n", out);
    card(out, "fail", "failed", "failing", t.failed);
    if (t.stale) /* passes resting only on evidence past its freshness */
        card(out, "stale", "stale", "stale (evidence past its freshness)", t.stale);
    card(out, "waived", "waived", "waived", t.waived);
    card(out, "na", "not_applicable", "not applicable", t.not_applicable);
    card(out, "pass", "passed", "passed", t.passed);
    card(out, "rules", "rules", "rules", p->nrules);
    card(out, "skipped", "skipped", "rules skipped", t.skipped);
    card(out, "errors", "errors", "rules stopped with an error", t.errors);
    uint64_t nosubj = 0;
    for (uint32_t i = 0; i < p->nrules; i++)
        nosubj += (uint64_t)vouch_report_no_subjects(r, i);
    card(out, "skipped", "no-subjects", "rules that examined no subject", nosubj);
    if (r->baseline) {
        card(out, "fail", "baseline-new", "new since the baseline", r->baseline->nnew);
        card(out, "rules", "baseline-unchanged", "unchanged", r->baseline->nunchanged);
        card(out, "pass", "baseline-resolved", "resolved", r->baseline->nresolved);
    }
    fputs("</div>\n<table id=\"by-severity\">\n<thead><tr><th>Severity</th><th class=\"n\">Failing</th>"
          "<th class=\"n\">Waived</th><th class=\"n\">Not applicable</th></tr></thead>\n<tbody>\n",
          out);
    for (int s = SEV__COUNT - 1; s >= 0; s--) {
        const char *sev = vouch_severity_name((uint32_t)s);
        char id[64];
        fprintf(out, "<tr><td><span class=\"sev sev-%s\">%s</span></td><td class=\"n\">", sev, sev);
        snprintf(id, sizeof id, "failing-%s", sev);
        count(out, id, t.failing_by_sev[s]);
        fputs("</td><td class=\"n\">", out);
        snprintf(id, sizeof id, "waived-%s", sev);
        count(out, id, t.waived_by_sev[s]);
        fputs("</td><td class=\"n\">", out);
        snprintf(id, sizeof id, "na-%s", sev);
        count(out, id, t.na_by_sev[s]);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);

    if (x->any_fw) {
        fputs("<h3>By framework</h3>\n<p class=\"muted\">A rule counts for every framework it touches, "
              "directly or through the crosswalks.</p>\n<table id=\"by-framework\">\n<thead><tr><th>Framework</th>"
              "<th class=\"n\">Rules</th><th class=\"n\">Passed</th><th class=\"n\">Failed</th>"
              "<th class=\"n\">Waived</th><th class=\"n\">Not applicable</th><th class=\"n\">Errors</th></tr>"
              "</thead>\n<tbody>\n",
              out);
        for (uint32_t k = 0; k < p->nframeworks; k++) {
            const vouch_fw_counts *c = &x->fw[k];
            if (!c->rules && !c->skipped)
                continue;
            const char *fw = p->frameworks[k].id;
            fputs("<tr><td><code>", out);
            esc(out, fw);
            fputs("</code><br><small>", out);
            esc(out, p->frameworks[k].title);
            fprintf(out, "</small></td><td class=\"n\">%llu", (unsigned long long)c->rules);
            if (c->skipped)
                fprintf(out, " <small>(+%llu skipped)</small>", (unsigned long long)c->skipped);
            const uint64_t v[5] = {c->passed, c->failed, c->waived, c->not_applicable, c->errors};
            static const char *const what[5] = {"passed", "failed", "waived", "not_applicable", "errors"};
            fputs("</td>", out);
            for (int m = 0; m < 5; m++) {
                fputs("<td class=\"n\"><span id=\"count-fw-", out);
                esc(out, fw);
                fprintf(out, "-%s\" data-count=\"%llu\">%llu</span></td>", what[m], (unsigned long long)v[m],
                        (unsigned long long)v[m]);
            }
            fputs("</tr>\n", out);
        }
        fputs("</tbody>\n</table>\n", out);
    }

    fputs("<h2>Findings</h2>\n", out);
    if (t.failed + t.waived + t.stale == 0) {
        fputs("<p>No failing or waived findings.</p>\n", out);
    }
    fputs("<p class=\"muted\">Failing and waived findings, most severe first. Click a column header to sort."
          "</p>\n<table id=\"findings\">\n<thead><tr><th data-sort>Severity</th><th data-sort>Status</th>"
          "<th data-sort>Rule</th><th data-sort>Subject</th><th data-sort>Message</th><th data-sort>Source</th>"
          "<th>Controls</th></tr></thead>\n<tbody id=\"finding-rows\">\n",
          out);
    for (int s = SEV__COUNT - 1; s >= 0; s--)
        for (int pass = 0; pass < 3; pass++)
            for (uint32_t i = 0; i < res->nfindings; i++) {
                const vouch_finding *fd = &res->findings[i];
                static const uint8_t order[3] = {OUTCOME_FAIL, OUTCOME_STALE, OUTCOME_WAIVED};
                if (fd->rule >= p->nrules || p->rules[fd->rule].severity != s || fd->status != order[pass])
                    continue;
                finding_row(out, r, x, fd);
            }
    fputs("</tbody>\n</table>\n", out);

    if (r->baseline && r->baseline->nresolved) {
        const vouch_baseline *b = r->baseline;
        fputs("<h2>Resolved since the baseline</h2>\n<p class=\"muted\">Findings of ", out);
        esc(out, b->path);
        fputs(" that are gone now.</p>\n<table id=\"resolved\">\n<thead><tr><th>Severity</th><th>Rule</th>"
              "<th>Subject</th><th>Message</th></tr></thead>\n<tbody>\n", out);
        for (uint32_t k = 0; k < b->nresolved; k++) {
            const vouch_baseline_item *it = &b->items[b->resolved[k]];
            fputs("<tr data-baseline=\"resolved\" data-rule=\"", out);
            esc(out, it->rule);
            fputs("\"><td>", out);
            esc(out, it->severity);
            fputs("</td><td><code>", out);
            esc(out, it->rule);
            fputs("</code></td><td>", out);
            esc(out, it->subject);
            fputs("</td><td>", out);
            esc(out, it->message);
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody>\n</table>\n", out);
    }

    if (t.not_applicable) {
        fputs("<h2>Not applicable</h2>\n<table id=\"not-applicable\">\n<thead><tr><th>Rule</th>"
              "<th class=\"n\">Subjects</th><th>Reasons</th></tr></thead>\n<tbody>\n",
              out);
        uint32_t pos = 0, lo, hi;
        for (uint32_t i = 0; i < p->nrules; i++) {
            vouch_report_rule_records(res, i, &pos, &lo, &hi);
            if (!res->rules[i].not_applicable)
                continue;
            fputs("<tr><td><code>", out);
            esc(out, p->rules[i].id);
            fprintf(out, "</code></td><td class=\"n\">%llu</td><td>", (unsigned long long)res->rules[i].not_applicable);
            /* distinct reasons, in record order */
            int nreason = 0;
            for (uint32_t k = lo; k < hi; k++) {
                const vouch_finding *fd = &res->findings[k];
                if (fd->status != OUTCOME_NA)
                    continue;
                int dup = 0;
                for (uint32_t m = lo; m < k && !dup; m++)
                    dup = res->findings[m].status == OUTCOME_NA && strcmp(res->findings[m].message, fd->message) == 0;
                if (dup)
                    continue;
                if (nreason++)
                    fputs("<br>", out);
                esc(out, fd->message);
            }
            fputs("</td></tr>\n", out);
        }
        fputs("</tbody>\n</table>\n", out);
    }

    uint32_t nunused = 0;
    for (uint32_t k = 0; k < res->nunused; k++)
        nunused += res->unused[k] < p->nwaivers;
    if (nunused) {
        fputs("<h2>Unused waivers</h2>\n<ul>\n", out);
        for (uint32_t k = 0; k < res->nunused; k++) {
            if (res->unused[k] >= p->nwaivers)
                continue;
            const vouch_waiver *w = &p->waivers[res->unused[k]];
            fputs("<li>waiver for <code>", out);
            esc(out, w->rule < p->nrules ? p->rules[w->rule].id : "?");
            fputs("</code> ", out);
            esc(out, w->subject);
            fputs(" matches no finding (", out);
            location(out, w->file, w->line, w->col);
            fputs(")</li>\n", out);
        }
        fputs("</ul>\n", out);
    }

    fputs("<h2>Rules</h2>\n<table id=\"rules\">\n<thead><tr><th>Rule</th><th>Severity</th>"
          "<th class=\"n\">Passed</th><th class=\"n\">Failed</th><th class=\"n\">Waived</th>"
          "<th class=\"n\">Not applicable</th><th>Source</th><th>Controls</th></tr></thead>\n<tbody>\n",
          out);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const vouch_rule_info *ri = &p->rules[i];
        const vouch_rule_outcome *o = &res->rules[i];
        const char *sev = vouch_severity_name(ri->severity);
        fputs("<tr><td><code>", out);
        esc(out, ri->id);
        fputs("</code><br><small>", out);
        esc(out, ri->title);
        if (ri->skipped) {
            fputs("<br>skipped", out);
            if (ri->skip_reason && *ri->skip_reason) {
                fputs(": ", out);
                esc(out, ri->skip_reason);
            }
        }
        if (vouch_report_no_subjects(r, i))
            fputs("<br><b>no subject examined:</b> nothing in the facts matched its loops, so it shows nothing "
                  "either way", out);
        if (o->errored) {
            fputs("<br><b>stopped with an error:</b> ", out);
            esc(out, o->error ? o->error : "rule stopped");
        }
        fprintf(out, "</small></td><td><span class=\"sev sev-%s\">%s</span></td>", sev, sev);
        fprintf(out, "<td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td class=\"n\">%llu</td><td>",
                (unsigned long long)o->passed, (unsigned long long)o->failed, (unsigned long long)o->waived,
                (unsigned long long)o->not_applicable);
        location(out, ri->file, ri->line, ri->col);
        fputs("</td><td>", out);
        controls(out, p, &x->reach[i]);
        fputs("</td></tr>\n", out);
    }
    fputs("</tbody>\n</table>\n", out);
    if (r->identity) {   /* hex digits and a version: nothing to escape */
        fputs("<p class=\"identity\"><small>", out);
        vouch_identity_text(r->identity, out);
        fputs("</small></p>\n", out);
    }
    fprintf(out, "<script>\n%s</script>\n</body>\n</html>\n", SCRIPT);
    return 0;
}

int vouch_report_html(const vouch_report *r, FILE *out) { return vouch_report_with_facts(r, out, html_write); }
