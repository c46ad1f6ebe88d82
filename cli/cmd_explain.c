/*
 * cmd_explain.c: `vouch explain RULE [SUBJECT] PACK...`: why a rule passed,
 * failed or did not apply.
 *
 * The rule runs alone, compiled as an explain program, against the facts
 * store with the same dates and waivers as `check`; every outcome of the
 * subject (every subject when none is given; a cadence rule's subject
 * SUBJECT covers SUBJECT@SPAN) is printed with the record of the
 * evaluation that made it (runtime/vm/explain.h). Since the record is what the
 * evaluation did, `explain` and `check` cannot disagree about an outcome.
 *
 * Arguments: the first operand is the rule, the second the subject unless
 * it names a pack (ends in .vouch or .vbc, or is an existing file), the
 * rest are packs.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "say.h"
#include "cmd_explain.h"
#include "common.h"
#include "limits_opt.h"
#include "diag.h"
#include "alloc.h"
#include "date.h"
#include "explain_text.h"
#include "facts.h"
#include "identity.h"
#include "outcome.h"
#include "report.h"
#include "vm.h"

#define EXIT_CLEAN 0
#define EXIT_USAGE 2

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), m = strlen(suffix);
    return n >= m && strcmp(s + n - m, suffix) == 0;
}

static int names_pack(const char *s)
{
    struct stat st;
    return ends_with(s, ".vouch") || ends_with(s, ".vbc") || (stat(s, &st) == 0 && S_ISREG(st.st_mode));
}

/* One outcome to show: a record of the rule (findings) or a pass. */
typedef struct shown {
    const vouch_finding *fd;
} shown;

static int cmp_shown(const void *a, const void *b)
{
    const vouch_finding *x = ((const shown *)a)->fd, *y = ((const shown *)b)->fd;
    int c = strcmp(x->subject, y->subject);
    return c ? c : (int)x->status - (int)y->status;
}

static const char *status_word(const vouch_finding *fd, int json)
{
    switch (fd->status) {
    case OUTCOME_FAIL: return json ? "fail" : "FAIL";
    case OUTCOME_NA: return json ? "not_applicable" : "NOT APPLICABLE";
    case OUTCOME_WAIVED: return json ? "waived" : "WAIVED";
    case OUTCOME_STALE: return json ? "stale" : "STALE";
    default: return json ? "pass" : "PASS";
    }
}

typedef struct explain_out {
    const vouch_report *rep;
    uint32_t rule;
    shown *list;
    uint32_t n;
    int json;
} explain_out;

static void write_waiver(FILE *out, const vouch_report *rep, const vouch_finding *fd, int json)
{
    const vouch_program *p = rep->program;
    if (fd->waiver < 0 || (uint32_t)fd->waiver >= p->nwaivers || fd->status == OUTCOME_NA)
        return;
    const vouch_waiver *w = &p->waivers[fd->waiver];
    char d[11];
    date_format(w->until, d);
    vouch_waiver_state st = vouch_waiver_state_of(p, w, rep->as_of);
    if (json) {
        fprintf(out, ", \"waiver\": {\"state\": \"%s\", \"until\": \"%s\", \"approved_by\": ",
                vouch_waiver_state_name(st), d);
        vouch_json_text(out, w->approved_by);
        fputs(", \"because\": ", out);
        vouch_json_text(out, w->because);
        fputc('}', out);
    } else {
        fprintf(out, "  (waiver %s: until %s, approved by ", vouch_waiver_state_name(st), d);
        vouch_text_chars(out, w->approved_by ? w->approved_by : "?");
        fputs(": ", out);
        vouch_text_chars(out, w->because);
        fputs("; ", out);
        vouch_text_chars(out, w->file ? w->file : "?");
        fprintf(out, ":%u:%u)", w->line, w->col);
    }
}

static int write_explained(void *ctx, FILE *out)
{
    const explain_out *e = ctx;
    const vouch_program *p = e->rep->program;
    const vouch_rule_info *ri = &p->rules[e->rule];
    char asof[11], ps[11], pe[11];
    date_format(e->rep->as_of, asof);
    date_format(e->rep->period_start, ps);
    date_format(e->rep->period_end, pe);
    if (e->json) {
        fputs("{\n", out);
        vouch_json_header(e->rep, out);
        fputs("  \"rule\": {\"id\": ", out);
        vouch_json_text(out, ri->id);
        fputs(", \"title\": ", out);
        vouch_json_text(out, ri->title);
        fprintf(out, ", \"severity\": \"%s\", \"enforcement\": \"%s\", \"location\": {\"file\": ",
                vouch_severity_name(ri->severity), vouch_enforcement_name(ri->enforcement));
        vouch_json_text(out, ri->file);
        fprintf(out, ", \"line\": %u, \"column\": %u}},\n  \"outcomes\": [", ri->line, ri->col);
        for (uint32_t i = 0; i < e->n; i++) {
            const vouch_finding *fd = e->list[i].fd;
            fputs(i ? ",\n    {\"subject\": " : "\n    {\"subject\": ", out);
            vouch_json_text(out, fd->subject);
            fprintf(out, ", \"status\": \"%s\", \"message\": ", status_word(fd, 1));
            if (fd->status == OUTCOME_PASS)
                fputs("null", out);
            else
                vouch_json_text(out, fd->message);
            write_waiver(out, e->rep, fd, 1);
            fputs(", \"explanation\": ", out);
            vouch_why_json(p, fd->why, out);
            fputc('}', out);
        }
        fputs(e->n ? "\n  ]\n}\n" : "]\n}\n", out);
        return ferror(out) ? -1 : 0;
    }
    vouch_text_chars(out, ri->id);
    fprintf(out, " (%s; %s) ", vouch_severity_name(ri->severity), vouch_enforcement_name(ri->enforcement));
    vouch_text_chars(out, ri->title);
    fputs("\n  ", out);
    vouch_text_chars(out, ri->file);
    fprintf(out, ":%u:%u\n  as of %s, period %s..%s\n", ri->line, ri->col, asof, ps, pe);
    if (e->rep->identity) {
        fputs("  ", out);
        vouch_identity_text(e->rep->identity, out);
    }
    for (uint32_t i = 0; i < e->n; i++) {
        const vouch_finding *fd = e->list[i].fd;
        fprintf(out, "\n%s ", status_word(fd, 0));
        vouch_text_chars(out, fd->subject);
        if (fd->status != OUTCOME_PASS) {
            fputs(": ", out);
            vouch_text_chars(out, fd->message);
        }
        write_waiver(out, e->rep, fd, 0);
        fputc('\n', out);
        vouch_why_text(p, fd->why, 2, out);
    }
    return ferror(out) ? -1 : 0;
}

/* "rule R has no subject S": with the closest subject it does have. */
static void unknown_subject(const vouch_program *p, uint32_t rule, const vouch_results *res, const char *subject)
{
    uint32_t n = 0;
    const char **names = vouch_calloc((size_t)res->nfindings + res->npasses + 1, sizeof *names);
    for (uint32_t i = 0; names && i < res->nfindings; i++)
        if (res->findings[i].rule == rule)
            names[n++] = res->findings[i].subject;
    for (uint32_t i = 0; names && i < res->npasses; i++)
        names[n++] = res->passes[i].subject;
    const char *close = names ? diag_closest(subject, strlen(subject), names, n) : NULL;
    fputs("vouch: error: rule ", stderr);
    vouch_text_chars(stderr, p->rules[rule].id);
    fputs(" has no subject `", stderr);
    vouch_text_chars(stderr, subject);
    cli_say(stderr, "` (it evaluated %u subject%s as of this run)", n, n == 1 ? "" : "s");
    if (close) {
        fputs("; did you mean `", stderr);
        vouch_text_chars(stderr, close);
        fputs("`?", stderr);
    }
    fputc('\n', stderr);
    vouch_free(names);
}

static int run(vouch_session *s)
{
    vouch_error err;
    if (vouch_session_run(s, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        return -1;
    }
    return 0;
}

int cmd_explain(int argc, char **argv)
{
    cli_run_args a;
    int rc = cli_parse_run(argc, argv, "explain", &a, NULL, 0);
    if (rc) {
        cli_run_args_free(&a);
        return rc;
    }
    rc = EXIT_USAGE;
    vouch_session *s = NULL;
    shown *list = NULL;
    vouch_run_env env;
    memset(&env, 0, sizeof env);
    const char *format = a.format ? a.format : "text";
    int json = strcmp(format, "json") == 0;
    if (!json && strcmp(format, "text") != 0) {
        cli_usage("unknown format `%s` for explain (text or json)", format);
        goto out;
    }
    if (!a.facts) {
        cli_usage("%s", "explain needs --facts FILE.db");
        goto out;
    }
    if (a.nfiles < 2) {
        cli_usage("%s", "explain needs a rule id and at least one pack file: vouch explain RULE [SUBJECT] PACK...");
        goto out;
    }
    const char *rule_id = a.files[0];
    const char *subject = NULL;
    int first_pack = 1;
    if (a.nfiles >= 3 || !names_pack(a.files[1])) {
        subject = a.files[1];
        first_pack = 2;
    }
    if (first_pack >= a.nfiles) {
        cli_usage("%s", "explain needs at least one pack file after the rule and the subject");
        goto out;
    }
    if (cli_dates(a.as_of, a.period, a.period_to_date, &env) != 0)
        goto out;
    if (cli_limit_options(a.max_steps, a.max_memory, a.timeout, &env) != 0)
        goto out;
    /* one rule, explained, on one thread, every outcome kept */
    env.explain = 1;
    env.keep_passes = 1;
    vouch_session_options so;
    cli_session_options(&so, &env);
    so.threads = 1;
    vouch_error err;
    if (!(s = vouch_session_new(&so, &err))) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        goto out;
    }
    vouch_status cst = vouch_session_compile(s, a.files + first_pack, a.nfiles - first_pack, &err);
    if (cst != VOUCH_OK) {
        cli_session_compile_error(s, cst, &err);
        goto out;
    }
    const vouch_program *p = vouch_session_program(s);
    uint32_t rule = p->nrules;
    for (uint32_t i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].id, rule_id) == 0)
            rule = i;
    if (rule == p->nrules) {
        const char **ids = vouch_calloc((size_t)p->nrules + 1, sizeof *ids);
        for (uint32_t i = 0; ids && i < p->nrules; i++)
            ids[i] = p->rules[i].id;
        const char *close = ids ? diag_closest(rule_id, strlen(rule_id), ids, p->nrules) : NULL;
        cli_say(stderr, "vouch: error: the packs have no rule `%s`%s%s%s\n", rule_id, close ? "; did you mean `" : "",
                close ? close : "", close ? "`?" : "");
        vouch_free(ids);
        goto out;
    }
    if (p->rules[rule].skipped) {
        cli_say(stderr, "vouch: error: rule %s is skipped by pack %s (%s): it does not run\n", rule_id,
                p->rules[rule].override_by, p->rules[rule].skip_reason);
        goto out;
    }
    if (cli_output_ready(a.output, a.facts) != 0)
        goto out;
    if (cli_session_open(s, a.facts) != 0)
        goto out;
    vouch_session_set_focus(s, rule + 1, subject);
    if (run(s) != 0)
        goto out;
    vouch_results *res = vouch_session_results(s);
    if (res->rules[rule].errored) {
        cli_say(stderr, "vouch: error: %s\n", res->rules[rule].error ? res->rules[rule].error : "the rule stopped");
        goto out;
    }
    list = calloc((size_t)res->nfindings + res->npasses + 1, sizeof *list);
    if (!list) {
        cli_say(stderr, "vouch: error: out of memory\n");
        goto out;
    }
    uint32_t n = 0;
    for (uint32_t i = 0; i < res->nfindings; i++)
        if (res->findings[i].rule == rule && res->findings[i].why)
            list[n++].fd = &res->findings[i];
    for (uint32_t i = 0; i < res->npasses; i++)
        list[n++].fd = &res->passes[i];
    if (subject && n == 0) {
        /* Again, every subject, for the suggestion. */
        vouch_session_set_focus(s, rule + 1, NULL);
        if (run(s) == 0)
            unknown_subject(p, rule, res, subject);
        goto out;
    }
    qsort(list, n, sizeof *list, cmp_shown);
    vouch_report rep;
    vouch_session_report(s, a.facts, &rep);
    explain_out eo = {&rep, rule, list, n, json};
    if (cli_write_file(a.output, "--output", write_explained, &eo) != 0)
        goto out;
    rc = EXIT_CLEAN;
out:
    free(list);
    vouch_session_free(s);
    cli_run_args_free(&a);
    return rc;
}
