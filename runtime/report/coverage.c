/*
 * coverage.c: the coverage of one framework by a run's results, and its
 * text and JSON reports (see coverage.h for the rules).
 *
 * Each rule's reach (crosswalk.c) is walked once; the contributions that
 * land on the chosen framework are gathered, then placed control by
 * control with a counting sort, which keeps them in rule order.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include "coverage.h"
#include "identity.h"
#include "report_util.h"
#include "alloc.h"
#include "date.h"

const char *vouch_cov_status_text(uint32_t s)
{
    static const char *const names[COV__COUNT] = {"not satisfied", "at risk", "partial", "satisfied",
                                                  "not assessed"};
    return s < COV__COUNT ? names[s] : "?";
}

vouch_cov_status vouch_rule_cov_status(const vouch_program *p, const vouch_results *r, uint32_t rule,
                                       int *waived)
{
    if (waived)
        *waived = 0;
    if (rule >= p->nrules || rule >= r->nrules || p->rules[rule].skipped)
        return COV_NOT_ASSESSED;
    const vouch_rule_outcome *o = &r->rules[rule];
    /* a pass resting on evidence past its freshness covers nothing */
    if (o->errored || o->failed || o->stale)
        return COV_NOT_SATISFIED;
    if (o->passed + o->waived == 0)
        return COV_NOT_ASSESSED;
    if (waived)
        *waived = o->waived != 0;
    return COV_SATISFIED;
}

/* Does subject name control c of framework fw: "fw/c", maybe followed by
 * "@span" or "/more"? */
static int subject_names(const char *subject, const char *fw, const char *c)
{
    size_t a = strlen(fw), b = strlen(c);
    if (strncmp(subject, fw, a) != 0 || subject[a] != '/' || strncmp(subject + a + 1, c, b) != 0)
        return 0;
    char end = subject[a + 1 + b];
    return end == 0 || end == '@' || end == '/';
}

/* 1 if subject names one of the controls rule maps. */
static int names_a_map(const vouch_program *p, const vouch_rule_info *ri, const char *subject)
{
    for (uint32_t m = 0; m < ri->nmaps; m++) {
        vouch_control_ref c = ri->maps[m];
        if (vouch_control_ref_valid(p, c) &&
            subject_names(subject, p->frameworks[c.framework].id, p->frameworks[c.framework].controls[c.control].id))
            return 1;
    }
    return 0;
}

/* A rule that maps several controls and whose subjects are controls
 * ("iso27001-2022/A.5.18") has failed on the controls its failing subjects
 * name, and rests on waivers on those its waived subjects name, not on the
 * others. When every failing and every waived subject names a mapped
 * control, the rule's outcome on `origin` is taken from the subjects that
 * name it; otherwise the rule's outcome holds for all its controls. */
vouch_cov_status vouch_rule_cov_status_on(const vouch_program *p, const vouch_results *r, uint32_t rule,
                                          vouch_control_ref origin, int *waived)
{
    int w = 0;
    vouch_cov_status st = vouch_rule_cov_status(p, r, rule, &w);
    if (waived)
        *waived = w;
    if ((st != COV_NOT_SATISFIED && !w) || r->rules[rule].errored || p->rules[rule].nmaps < 2 ||
        !vouch_control_ref_valid(p, origin))
        return st;
    const vouch_rule_info *ri = &p->rules[rule];
    const char *fw = p->frameworks[origin.framework].id, *ctl = p->frameworks[origin.framework].controls[origin.control].id;
    int failed_here = 0, waived_here = 0;
    for (uint32_t i = 0; i < r->nfindings; i++) {
        const vouch_finding *fd = &r->findings[i];
        if (fd->rule != rule ||
            (fd->status != OUTCOME_FAIL && fd->status != OUTCOME_WAIVED && fd->status != OUTCOME_STALE))
            continue;
        if (!names_a_map(p, ri, fd->subject))
            return st; /* a finding not tied to one control: it counts for all */
        if (subject_names(fd->subject, fw, ctl)) {
            if (fd->status == OUTCOME_FAIL || fd->status == OUTCOME_STALE)
                failed_here = 1;
            else
                waived_here = 1;
        }
    }
    if (waived)
        *waived = !failed_here && waived_here;
    return failed_here ? COV_NOT_SATISFIED : COV_SATISFIED;
}

/* The combined status, given which statuses occur among the sources. */
static vouch_cov_status pick(const int any[COV__COUNT])
{
    if (any[COV_NOT_SATISFIED])
        return COV_NOT_SATISFIED;
    if (any[COV_AT_RISK])
        return COV_AT_RISK;
    if (any[COV_SATISFIED])
        return COV_SATISFIED;
    if (any[COV_PARTIAL])
        return COV_PARTIAL;
    return COV_NOT_ASSESSED;
}

vouch_cov_status vouch_cov_combine(const uint8_t *statuses, uint32_t n)
{
    int any[COV__COUNT] = {0};
    for (uint32_t i = 0; i < n; i++)
        if (statuses[i] < COV__COUNT)
            any[statuses[i]] = 1;
    return pick(any);
}

int vouch_framework_find(const vouch_program *p, const char *id)
{
    for (uint32_t i = 0; p->frameworks && i < p->nframeworks; i++)
        if (p->frameworks[i].id && strcmp(p->frameworks[i].id, id) == 0)
            return (int)i;
    return -1;
}

void vouch_coverage_free(vouch_coverage *c)
{
    if (!c)
        return;
    vouch_free(c->controls);
    vouch_free(c->pool);
    memset(c, 0, sizeof *c);
}

/* The sources gathered so far, in rule order, and the control of each. */
typedef struct gathered {
    vouch_cov_source *got;
    uint32_t *which;
    uint32_t n, cap;
} gathered;

static int gather(gathered *g, const vouch_cov_source *src, uint32_t control)
{
    if (g->n == g->cap) {
        uint32_t ncap = g->cap ? g->cap * 2 : 64;
        vouch_cov_source *ng = ncap > g->cap ? vouch_realloc(g->got, (size_t)ncap * sizeof *ng) : NULL;
        if (!ng)
            return -1;
        g->got = ng;
        uint32_t *nw = vouch_realloc(g->which, (size_t)ncap * sizeof *nw);
        if (!nw)
            return -1;
        g->which = nw;
        g->cap = ncap;
    }
    g->got[g->n] = *src;
    g->which[g->n++] = control;
    return 0;
}

/* The contributions of rule i to framework fw. A rule's result on each of
 * its mapped controls (vouch_rule_cov_status_on) decides what its walk
 * looks for: the controls where it failed are walked for paths that carry a
 * failure, the others for paths that carry a pass. Both walks keep out of
 * every framework the rule maps. */
static vouch_status rule_sources(const vouch_program *p, const vouch_results *r, vouch_crosswalk *cw, uint32_t i,
                                 uint32_t fw, vouch_control_ref *starts, vouch_reach_list *l, gathered *g,
                                 vouch_cov_control *controls, vouch_error *err)
{
    const vouch_rule_info *ri = &p->rules[i];
    uint32_t nm = ri->maps ? ri->nmaps : 0;
    for (int goal = REACH_PASS; goal <= REACH_FAIL; goal++) {
        uint32_t ns = 0;
        for (uint32_t m = 0; m < nm; m++) {
            int failed = vouch_rule_cov_status_on(p, r, i, ri->maps[m], NULL) == COV_NOT_SATISFIED;
            if (failed == (goal == REACH_FAIL))
                starts[ns++] = ri->maps[m];
        }
        if (ns == 0)
            continue;
        vouch_status st = vouch_crosswalk_reach(cw, starts, ns, ri->maps, nm, (vouch_reach_goal)goal, l, err);
        if (st != VOUCH_OK)
            return st;
        for (uint32_t k = 0; k < l->n; k++) {
            const vouch_reach *rc = &l->items[k];
            if (rc->control.framework != fw)
                continue;
            int waived = 0;
            vouch_cov_status rs = vouch_rule_cov_status_on(p, r, i, rc->origin, &waived);
            vouch_cov_source s;
            memset(&s, 0, sizeof s);
            s.rule = i;
            s.rule_status = (uint8_t)rs;
            s.waived = (uint8_t)waived;
            s.status = (uint8_t)(rc->nhops ? vouch_relation_carry(rc->relation, rs) : rs);
            s.reach = *rc;
            s.origin = ORIGIN_OFFICIAL;
            for (uint32_t h = 0; h < rc->nhops; h++)
                if (rc->hops[h].pair >= p->npairs || p->pairs[rc->hops[h].pair].origin != ORIGIN_OFFICIAL)
                    s.origin = ORIGIN_UNOFFICIAL;
            if (rc->nhops == 2)
                s.shared = vouch_crosswalk_shared(cw, rc->origin, rc->control);
            if (gather(g, &s, rc->control.control) != 0)
                return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
            controls[rc->control.control].nsources++;
        }
    }
    return VOUCH_OK;
}

vouch_status vouch_coverage_build(const vouch_program *p, const vouch_results *r, uint32_t fw,
                                  vouch_coverage *out, vouch_error *err)
{
    memset(out, 0, sizeof *out);
    if (!p->frameworks || fw >= p->nframeworks)
        return vouch_error_set(err, VOUCH_EINPUT, "no framework %u in the program", fw);
    uint32_t nc = p->frameworks[fw].ncontrols;
    out->framework = fw;
    out->ncontrols = nc;
    out->controls = vouch_calloc((size_t)nc + 1, sizeof *out->controls);
    uint32_t *at = vouch_calloc((size_t)nc + 1, sizeof *at);
    gathered g = {NULL, NULL, 0, 0};
    uint32_t maxmaps = 0;
    for (uint32_t i = 0; i < p->nrules; i++)
        if (p->rules[i].maps && p->rules[i].nmaps > maxmaps)
            maxmaps = p->rules[i].nmaps;
    vouch_control_ref *starts = vouch_calloc((size_t)maxmaps + 1, sizeof *starts);
    vouch_crosswalk *cw = vouch_crosswalk_new(p);
    vouch_reach_list l = {0, 0, NULL};
    if (!out->controls || !at || !cw || !starts)
        goto oom;

    for (uint32_t i = 0; i < p->nrules; i++)
        if (rule_sources(p, r, cw, i, fw, starts, &l, &g, out->controls, err) != VOUCH_OK)
            goto oom;
    uint32_t n = g.n;
    vouch_cov_source *got = g.got;
    uint32_t *which = g.which;

    /* Place the sources control by control, keeping rule order. */
    out->pool = vouch_calloc((size_t)n + 1, sizeof *out->pool);
    if (!out->pool)
        goto oom;
    uint32_t sum = 0;
    for (uint32_t c = 0; c < nc; c++) {
        at[c] = sum;
        out->controls[c].sources = out->pool + sum;
        sum += out->controls[c].nsources;
    }
    for (uint32_t k = 0; k < n; k++)
        out->pool[at[which[k]]++] = got[k];

    for (uint32_t c = 0; c < nc; c++) {
        vouch_cov_control *cc = &out->controls[c];
        int any[COV__COUNT] = {0};
        for (uint32_t k = 0; k < cc->nsources; k++)
            any[cc->sources[k].status] = 1;
        cc->status = (uint8_t)pick(any);
        if (cc->status == COV_SATISFIED || cc->status == COV_PARTIAL)
            for (uint32_t k = 0; k < cc->nsources; k++)
                if (cc->sources[k].status == cc->status && cc->sources[k].waived)
                    cc->waived = 1;
        out->counts[cc->status]++;
        out->waived += cc->waived;
    }
    vouch_free(g.got);
    vouch_free(g.which);
    vouch_free(at);
    vouch_free(starts);
    vouch_reach_list_free(&l);
    vouch_crosswalk_free(cw);
    return VOUCH_OK;
oom:
    vouch_free(g.got);
    vouch_free(g.which);
    vouch_free(starts);
    vouch_free(at);
    vouch_reach_list_free(&l);
    vouch_crosswalk_free(cw);
    vouch_coverage_free(out);
    return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
}

/* ---- text ------------------------------------------------------------------ */

/* After a path: whether every pair on it is official and, for two hops,
 * how many pivots join its ends: one alone makes the link weak (one shared
 * check decides it), and the pivot the path names is one of several. */
static void text_path_notes(FILE *out, const vouch_program *p, const vouch_cov_source *s)
{
    fprintf(out, " [%s", vouch_origin_name(s->origin));
    if (s->reach.nhops == 2 && vouch_control_ref_valid(p, s->reach.hops[0].to)) {
        const char *fw = p->frameworks[s->reach.hops[0].to.framework].id;
        if (s->shared <= 1)
            fprintf(out, ", weak: the only shared %s control", fw);
        else
            fprintf(out, ", one of %u shared %s controls", s->shared, fw);
    }
    fputc(']', out);
}

static void text_source(FILE *out, const vouch_report *rep, const vouch_cov_source *s)
{
    const vouch_program *p = rep->program;
    const vouch_results *res = rep->results;
    const vouch_rule_info *ri = &p->rules[s->rule];
    fputs("    ", out);
    vouch_text_chars(out, ri->id);
    fprintf(out, ": %s", vouch_cov_status_text(s->rule_status));
    if (s->waived)
        fputs(" with waivers", out);
    if (ri->skipped) {
        if (ri->skip_reason && *ri->skip_reason) {
            fputs(" (skipped: ", out);
            vouch_text_chars(out, ri->skip_reason);
            fputc(')', out);
        } else
            fputs(" (skipped)", out);
    } else if (s->rule < res->nrules) {
        const vouch_rule_outcome *o = &res->rules[s->rule];
        if (o->errored)
            fputs(" (stopped with an error)", out);
        else if (o->stale && s->rule_status == COV_NOT_SATISFIED)
            fprintf(out, " (%llu failing, %llu stale: evidence past its freshness)", (unsigned long long)o->failed,
                    (unsigned long long)o->stale);
        else if (o->failed && s->rule_status == COV_NOT_SATISFIED)
            fprintf(out, " (%llu failing)", (unsigned long long)o->failed);
        else if (o->failed)
            fprintf(out, " (its %llu failing subject%s name%s other controls)", (unsigned long long)o->failed,
                    o->failed == 1 ? "" : "s", o->failed == 1 ? "s" : "");
        else if (o->waived && !s->waived && s->rule_status == COV_SATISFIED)
            fprintf(out, " (its %llu waived subject%s name%s other controls)", (unsigned long long)o->waived,
                    o->waived == 1 ? "" : "s", o->waived == 1 ? "s" : "");
        else if (s->rule_status == COV_NOT_ASSESSED)
            fputs(" (no subject evaluated)", out);
    }
    if (s->status != s->rule_status)
        fprintf(out, " -> %s", vouch_cov_status_text(s->status));
    if (s->reach.nhops == 0) {
        fputs(", direct\n", out);
    } else {
        fputs(", via ", out);
        vouch_text_path(p, &s->reach, out);
        text_path_notes(out, p, s);
        fputc('\n', out);
    }
}

int vouch_coverage_text(const vouch_report *rep, const vouch_coverage *c, FILE *out)
{
    const vouch_program *p = rep->program;
    const vouch_framework_info *fw = &p->frameworks[c->framework];
    char asof[11], ps[11], pe[11];
    date_format(rep->as_of, asof);
    date_format(rep->period_start, ps);
    date_format(rep->period_end, pe);
    fprintf(out, "vouch %s: coverage of ", VOUCH_VERSION);
    vouch_text_chars(out, fw->id);
    fputs(" (", out);
    vouch_text_chars(out, fw->title);
    if (fw->version && *fw->version) {
        fputs(", version ", out);
        vouch_text_chars(out, fw->version);
    }
    const char *ver = p->pack_version && *p->pack_version ? p->pack_version : NULL;
    fputs(") by pack ", out);
    vouch_text_chars(out, p->pack && *p->pack ? p->pack : "(unnamed)");
    if (ver) {
        fputc(' ', out);
        vouch_text_chars(out, ver);
    }
    fprintf(out, ", as of %s, period %s..%s\n", asof, ps, pe);

    int w = (int)strlen("control");
    for (uint32_t i = 0; i < c->ncontrols; i++) {
        int n = (int)strlen(fw->controls[i].id);
        if (n > w)
            w = n;
    }
    fprintf(out, "\n%-*s  %-14s %s\n", w, "control", "status", "title");
    for (uint32_t i = 0; i < c->ncontrols; i++) {
        const vouch_cov_control *cc = &c->controls[i];
        char st[32];
        snprintf(st, sizeof st, "%s%s", vouch_cov_status_text(cc->status), cc->waived ? "*" : "");
        vouch_text_chars(out, fw->controls[i].id);
        fprintf(out, "%*s  %-14s ", w - (int)strlen(fw->controls[i].id), "", st);
        vouch_text_chars(out, fw->controls[i].title);
        fputc('\n', out);
        for (uint32_t k = 0; k < cc->nsources; k++)
            text_source(out, rep, &cc->sources[k]);
    }
    if (c->waived)
        fputs("\n* with waivers: the status rests in part on waived findings\n", out);
    fputc('\n', out);
    vouch_text_chars(out, fw->id);
    fprintf(out, ": %u control%s: %llu satisfied, %llu partial, %llu at risk, %llu not satisfied, %llu not assessed",
            c->ncontrols, c->ncontrols == 1 ? "" : "s", (unsigned long long)c->counts[COV_SATISFIED],
            (unsigned long long)c->counts[COV_PARTIAL], (unsigned long long)c->counts[COV_AT_RISK],
            (unsigned long long)c->counts[COV_NOT_SATISFIED], (unsigned long long)c->counts[COV_NOT_ASSESSED]);
    if (c->waived)
        fprintf(out, "; %llu with waivers", (unsigned long long)c->waived);
    fputc('\n', out);
    if (rep->identity)
        vouch_identity_text(rep->identity, out);
    return ferror(out) ? -1 : 0;
}

/* ---- json ------------------------------------------------------------------ */

int vouch_coverage_json(const vouch_report *rep, const vouch_coverage *c, FILE *out)
{
    const vouch_program *p = rep->program;
    const vouch_results *res = rep->results;
    const vouch_framework_info *fw = &p->frameworks[c->framework];
    fputs("{\n", out);
    vouch_json_header(rep, out);
    fputs("  \"framework\": {\"id\": ", out);
    vouch_json_text(out, fw->id);
    vouch_json_member(out, "title", fw->title);
    vouch_json_member(out, "version", fw->version);
    vouch_json_member(out, "source", fw->source);
    fprintf(out, ", \"controls\": %u},\n", c->ncontrols);
    fprintf(out, "  \"summary\": {\"controls\": %u, \"satisfied\": %llu, \"partial\": %llu, \"at_risk\": %llu, "
                 "\"not_satisfied\": %llu, \"not_assessed\": %llu, \"with_waivers\": %llu},\n  \"controls\": [",
            c->ncontrols, (unsigned long long)c->counts[COV_SATISFIED], (unsigned long long)c->counts[COV_PARTIAL],
            (unsigned long long)c->counts[COV_AT_RISK], (unsigned long long)c->counts[COV_NOT_SATISFIED],
            (unsigned long long)c->counts[COV_NOT_ASSESSED], (unsigned long long)c->waived);
    for (uint32_t i = 0; i < c->ncontrols; i++) {
        const vouch_control_info *ci = &fw->controls[i];
        const vouch_cov_control *cc = &c->controls[i];
        fputs(i ? ",\n    {\"id\": " : "\n    {\"id\": ", out);
        vouch_json_text(out, ci->id);
        vouch_json_member(out, "title", ci->title);
        fputs(", \"attributes\": {", out);
        for (uint32_t a = 0; ci->attr_names && ci->attr_values && a < ci->nattrs; a++) {
            if (a)
                fputs(", ", out);
            vouch_json_text(out, ci->attr_names[a]);
            fputs(": ", out);
            vouch_json_text(out, ci->attr_values[a]);
        }
        fprintf(out, "}, \"status\": \"%s\", \"with_waivers\": %s, \"sources\": [",
                vouch_cov_status_name(cc->status), cc->waived ? "true" : "false");
        for (uint32_t k = 0; k < cc->nsources; k++) {
            const vouch_cov_source *s = &cc->sources[k];
            const vouch_rule_outcome *o = s->rule < res->nrules ? &res->rules[s->rule] : NULL;
            fputs(k ? ", {\"rule\": " : "{\"rule\": ", out);
            vouch_json_text(out, p->rules[s->rule].id);
            fprintf(out, ", \"rule_status\": \"%s\", \"with_waivers\": %s, \"failed\": %llu, \"waived\": %llu, "
                         "\"status\": \"%s\", \"relation\": \"%s\", \"carries\": ",
                    vouch_cov_status_name(s->rule_status), s->waived ? "true" : "false",
                    (unsigned long long)(o ? o->failed : 0), (unsigned long long)(o ? o->waived : 0),
                    vouch_cov_status_name(s->status),
                    s->reach.nhops ? vouch_relation_name(s->reach.relation) : "direct");
            vouch_json_carries(&s->reach, out);
            fprintf(out, ", \"hops\": %u, \"origin\": ", s->reach.nhops);
            if (s->reach.nhops)
                fprintf(out, "\"%s\"", vouch_origin_name(s->origin));
            else
                fputs("null", out);
            if (s->reach.nhops == 2)
                fprintf(out, ", \"shared\": %u, \"weak\": %s", s->shared, s->shared <= 1 ? "true" : "false");
            else
                fputs(", \"shared\": null, \"weak\": false", out);
            fputs(", \"path\": ", out);
            vouch_json_path(p, &s->reach, out);
            fputc('}', out);
        }
        fputs("]}", out);
    }
    fputs(c->ncontrols ? "\n  ]\n}\n" : "]\n}\n", out);
    return ferror(out) ? -1 : 0;
}
