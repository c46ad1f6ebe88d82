/*
 * api_results.c: what the public handle hands out after a run
 * (include/vouch.h): the outcome records, the rules' totals, what fails
 * the run, and the reports. The records are built once per run (and again
 * when what fails the run changes) from the session's results, so reading
 * them is an index into an array; their strings point into the session's
 * program and results, which live as long as the records do.
 *
 * Whether a finding fails the run is the report layer's answer
 * (vouch_report_blocks), and the reports are its writers, given the same
 * vouch_report `vouch check` makes: the library cannot disagree with the
 * command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api_int.h"
#include "alloc.h"

void api_release(vouch *v)
{
    vouch_free(v->outs);
    vouch_free(v->rules);
    v->outs = NULL;
    v->rules = NULL;
    v->nouts = v->nrules = v->errored = 0;
}

void api_report(const vouch *v, vouch_report *rep)
{
    /* the writers only read the session */
    vouch_session_report((vouch_session *)v->s, v->facts_path, rep);
    rep->fail_on = v->fail_on;
    rep->allow_soft = v->allow_soft;
}

static vouch_severity_level severity_of(uint8_t s)
{
    return s <= SEV_CRITICAL ? (vouch_severity_level)s : VOUCH_SEVERITY_CRITICAL;
}

static vouch_enforcement_level enforcement_of(uint8_t e)
{
    switch (e) {
    case ENF_ADVISORY: return VOUCH_ENFORCEMENT_ADVISORY;
    case ENF_HARD: return VOUCH_ENFORCEMENT_HARD;
    default: return VOUCH_ENFORCEMENT_SOFT;
    }
}

/* The outcome of rule i that is not a finding: its error. */
static void error_outcome(const vouch_program *p, const vouch_results *res, uint32_t i, vouch_outcome *o)
{
    const vouch_rule_info *r = &p->rules[i];
    memset(o, 0, sizeof *o);
    o->kind = VOUCH_OUTCOME_ERROR;
    o->rule = r->id;
    o->subject = "";
    o->message = res->rules[i].error ? res->rules[i].error : r->id;
    o->severity = severity_of(r->severity);
    o->enforcement = enforcement_of(r->enforcement);
    o->file = r->file;
    o->line = r->line;
    o->column = r->col;
}

static void finding_outcome(const vouch_report *rep, const vouch_finding *f, vouch_outcome *o)
{
    const vouch_program *p = rep->program;
    const vouch_rule_info *r = &p->rules[f->rule];
    memset(o, 0, sizeof *o);
    o->kind = f->status == OUTCOME_WAIVED ? VOUCH_OUTCOME_WAIVED
              : f->status == OUTCOME_NA   ? VOUCH_OUTCOME_NOT_APPLICABLE
              : f->status == OUTCOME_STALE ? VOUCH_OUTCOME_STALE
                                          : VOUCH_OUTCOME_FAIL;
    o->rule = r->id;
    o->subject = f->subject;
    o->message = f->message;
    o->severity = severity_of(r->severity);
    o->enforcement = enforcement_of(r->enforcement);
    o->blocking = vouch_report_blocks(rep, f);
    o->file = r->file;
    o->line = r->line;
    o->column = r->col;
    if (f->status == OUTCOME_WAIVED && f->waiver >= 0 && (uint32_t)f->waiver < p->nwaivers)
        o->waiver_reason = p->waivers[f->waiver].because;
}

vouch_status api_collect(vouch *v, vouch_error *err)
{
    api_release(v);
    vouch_report rep;
    api_report(v, &rep);
    const vouch_program *p = rep.program;
    const vouch_results *res = rep.results;
    size_t n = res->nfindings;
    for (uint32_t i = 0; i < res->nrules; i++)
        n += res->rules[i].errored != 0;
    v->outs = vouch_calloc(n ? n : 1, sizeof *v->outs);
    v->rules = vouch_calloc(p->nrules ? p->nrules : 1, sizeof *v->rules);
    if (!v->outs || !v->rules) {
        api_release(v);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }
    /* Rule order, each rule's error before its findings (which the run
     * left sorted by rule, subject, message). */
    uint32_t k = 0;
    for (uint32_t i = 0; i < p->nrules; i++) {
        const vouch_rule_info *r = &p->rules[i];
        vouch_rule_summary *sum = &v->rules[v->nrules++];
        sum->id = r->id;
        sum->title = r->title;
        sum->pack = r->pack;
        sum->severity = severity_of(r->severity);
        sum->enforcement = enforcement_of(r->enforcement);
        sum->skipped = r->skipped != 0;
        if (i < res->nrules) {
            const vouch_rule_outcome *ro = &res->rules[i];
            sum->errored = ro->errored != 0;
            sum->passed = ro->passed;
            sum->failed = ro->failed;
            sum->waived = ro->waived;
            sum->not_applicable = ro->not_applicable;
            sum->stale = ro->stale;
            if (ro->errored) {
                error_outcome(p, res, i, &v->outs[v->nouts++]);
                v->errored++;
            }
        }
        for (; k < res->nfindings && res->findings[k].rule == i; k++)
            finding_outcome(&rep, &res->findings[k], &v->outs[v->nouts++]);
    }
    /* A finding of a rule out of range would be a VM bug: still shown. */
    for (; k < res->nfindings; k++)
        if (res->findings[k].rule < p->nrules)
            finding_outcome(&rep, &res->findings[k], &v->outs[v->nouts++]);
    return VOUCH_OK;
}

size_t vouch_outcome_count(const vouch *v) { return v ? v->nouts : 0; }

const vouch_outcome *vouch_outcome_at(const vouch *v, size_t i)
{
    return v && i < v->nouts ? &v->outs[i] : NULL;
}

size_t vouch_rule_count(const vouch *v) { return v ? v->nrules : 0; }

const vouch_rule_summary *vouch_rule_at(const vouch *v, size_t i)
{
    return v && i < v->nrules ? &v->rules[i] : NULL;
}

size_t vouch_failing(const vouch *v)
{
    size_t n = 0;
    for (size_t i = 0; v && i < v->nouts; i++)
        n += v->outs[i].blocking != 0;
    return n;
}

size_t vouch_errored(const vouch *v) { return v ? v->errored : 0; }

const char *vouch_outcome_kind_name(vouch_outcome_kind k)
{
    switch (k) {
    case VOUCH_OUTCOME_FAIL: return "fail";
    case VOUCH_OUTCOME_WAIVED: return "waived";
    case VOUCH_OUTCOME_NOT_APPLICABLE: return "not_applicable";
    case VOUCH_OUTCOME_ERROR: return "error";
    case VOUCH_OUTCOME_STALE: return "stale";
    }
    return "unknown";
}

const char *vouch_severity_level_name(vouch_severity_level s)
{
    return (int)s >= VOUCH_SEVERITY_INFO && (int)s <= VOUCH_SEVERITY_CRITICAL ? vouch_severity_name((uint32_t)s)
                                                                               : "unknown";
}

const char *vouch_enforcement_level_name(vouch_enforcement_level e)
{
    switch (e) {
    case VOUCH_ENFORCEMENT_SOFT: return vouch_enforcement_name(ENF_SOFT);
    case VOUCH_ENFORCEMENT_ADVISORY: return vouch_enforcement_name(ENF_ADVISORY);
    case VOUCH_ENFORCEMENT_HARD: return vouch_enforcement_name(ENF_HARD);
    }
    return "unknown";
}

/* ---- reports ------------------------------------------------------------------ */

typedef int (*writer_fn)(const vouch_report *r, FILE *out);

static const struct {
    const char *name;
    writer_fn write;
} FORMATS[] = {
    {"text", vouch_report_text},   {"json", vouch_report_json},   {"tsv", vouch_report_tsv},
    {"sarif", vouch_report_sarif}, {"junit", vouch_report_junit}, {"oscal", vouch_report_oscal},
    {"markdown", vouch_report_markdown}, {"html", vouch_report_html},
};

static vouch_status find_writer(const vouch *v, const char *format, writer_fn *w, vouch_error *err)
{
    if (!v || !v->ran)
        return vouch_error_set(err, VOUCH_EINPUT, "a report needs a run (vouch_run)");
    for (size_t i = 0; format && i < sizeof FORMATS / sizeof FORMATS[0]; i++)
        if (strcmp(FORMATS[i].name, format) == 0) {
            *w = FORMATS[i].write;
            return VOUCH_OK;
        }
    return vouch_error_set(err, VOUCH_EINPUT,
                           "unknown format `%s` (text, json, tsv, sarif, junit, oscal, markdown or html)",
                           format ? format : "");
}

static vouch_status write_to(const vouch *v, writer_fn w, FILE *out, const char *what, vouch_error *err)
{
    vouch_report rep;
    api_report(v, &rep);
    errno = 0;
    if (w(&rep, out) != 0 || fflush(out) != 0 || ferror(out)) {
        if (errno == ENOMEM)
            return vouch_error_set(err, VOUCH_ENOMEM, "out of memory writing the report");
        return vouch_error_set(err, VOUCH_EIO, "cannot write the report to %s: %s", what,
                               errno ? strerror(errno) : "write error");
    }
    return VOUCH_OK;
}

vouch_status vouch_write_report(const vouch *v, const char *format, FILE *out, vouch_error *err)
{
    writer_fn w;
    vouch_status st = find_writer(v, format, &w, err);
    if (st == VOUCH_OK && !out)
        st = vouch_error_set(err, VOUCH_EINPUT, "no stream to write the report to");
    return st == VOUCH_OK ? write_to(v, w, out, "the stream", err) : st;
}

vouch_status vouch_write_report_file(const vouch *v, const char *format, const char *path, vouch_error *err)
{
    writer_fn w;
    vouch_status st = find_writer(v, format, &w, err);
    if (st != VOUCH_OK)
        return st;
    if (!path || !*path)
        return vouch_error_set(err, VOUCH_EINPUT, "no file to write the report to");
    /* Beside the file, so the rename cannot cross file systems; a new
     * name per call (this process's id and a counter), created with
     * O_EXCL | O_NOFOLLOW so never through a file or link someone left
     * there. A file that exists keeps its mode; a new one gets 0666 less
     * the umask, as any file the program writes. */
    struct stat old;
    int had = stat(path, &old) == 0 && S_ISREG(old.st_mode);
    size_t len = strlen(path) + 48;
    char *tmp = vouch_malloc(len);
    if (!tmp)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    static unsigned seq;
    snprintf(tmp, len, "%s.tmp.%ld.%u", path, (long)getpid(), __atomic_fetch_add(&seq, 1, __ATOMIC_RELAXED));
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, had ? 0600 : 0666);
    if (fd >= 0 && had && fchmod(fd, old.st_mode & 0777) != 0) {
        close(fd);
        unlink(tmp);
        fd = -1;
    }
    FILE *out = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!out) {
        st = vouch_error_set(err, VOUCH_EIO, "cannot write %s: %s", path, strerror(errno));
        if (fd >= 0) {
            close(fd);
            unlink(tmp);
        }
        vouch_free(tmp);
        return st;
    }
    st = write_to(v, w, out, path, err);
    if (fclose(out) != 0 && st == VOUCH_OK)
        st = vouch_error_set(err, VOUCH_EIO, "cannot write %s: %s", path, strerror(errno));
    if (st == VOUCH_OK && rename(tmp, path) != 0)
        st = vouch_error_set(err, VOUCH_EIO, "cannot write %s: %s", path, strerror(errno));
    if (st != VOUCH_OK)
        unlink(tmp);
    vouch_free(tmp);
    return st;
}
