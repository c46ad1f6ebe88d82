/*
 * api.c: the public handle's life, options, compiling, loading facts and
 * running (include/vouch.h; the outcomes and reports are api_results.c's).
 * Each public function is a thin layer over the session (session.h): it
 * turns the public options (dates as text, limits by name) into the
 * session's, and the compiler's diagnostics into vouch_diagnostic records.
 * The session is made at compile time, once the options are final, so an
 * option set after that is refused rather than silently ignored.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "api_int.h"
#include "alloc.h"
#include "clock.h"
#include "date.h"
#include "diag.h"
#include "report.h"
#include "source.h"
#include "vouch_limits.h"

const char *vouch_version(void) { return VOUCH_VERSION; }

const char *vouch_status_name(vouch_status s)
{
    switch (s) {
    case VOUCH_OK: return "ok";
    case VOUCH_EINPUT: return "input";
    case VOUCH_ERUNTIME: return "runtime";
    case VOUCH_ENOMEM: return "nomem";
    case VOUCH_EIO: return "io";
    }
    return "unknown";
}

vouch *vouch_new(vouch_error *err)
{
    vouch *v = vouch_calloc(1, sizeof *v);
    const char *packs = api_packs_dir();
    if (!v || (*packs && !(v->packs_dir = vouch_strdup(packs)))) {
        vouch_free(v);
        vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        return NULL;
    }
    v->fail_on = SEV_INFO;
    return v;
}

void vouch_close(vouch *v)
{
    if (!v)
        return;
    api_release(v);
    vouch_session_free(v->s);
    vouch_free(v->search_path);
    vouch_free(v->packs_dir);
    vouch_free(v->facts_path);
    vouch_free(v);
}

/* ---- options ------------------------------------------------------------ */

/* The options that shape compiling and binding can only change before. */
static vouch_status unset(const vouch *v, const char *what, vouch_error *err)
{
    if (!v)
        return vouch_error_set(err, VOUCH_EINPUT, "no vouch handle");
    if (v->s)
        return vouch_error_set(err, VOUCH_EINPUT, "%s must be set before the packs are compiled", what);
    return VOUCH_OK;
}

static vouch_status parse_date(const char *text, const char *what, int64_t *out, vouch_error *err)
{
    if (date_parse(text, strlen(text), out) != 0)
        return vouch_error_set(err, VOUCH_EINPUT, "%s `%s` is not a date (YYYY-MM-DD)", what, text);
    return VOUCH_OK;
}

vouch_status vouch_set_as_of(vouch *v, const char *date, vouch_error *err)
{
    vouch_status st = unset(v, "the as-of date", err);
    int64_t d = 0;
    if (st == VOUCH_OK && date)
        st = parse_date(date, "the as-of date", &d, err);
    if (st == VOUCH_OK)
        v->as_of = d;
    return st;
}

vouch_status vouch_set_period(vouch *v, const char *start, const char *end, int to_date, vouch_error *err)
{
    vouch_status st = unset(v, "the period", err);
    if (st != VOUCH_OK)
        return st;
    if (!start != !end)
        return vouch_error_set(err, VOUCH_EINPUT, "the period needs both its first and its last day");
    int64_t a = 0, b = 0;
    if (start && ((st = parse_date(start, "the period's first day", &a, err)) != VOUCH_OK ||
                  (st = parse_date(end, "the period's last day", &b, err)) != VOUCH_OK))
        return st;
    if (start && b < a)
        return vouch_error_set(err, VOUCH_EINPUT, "the period ends before it starts");
    v->period_start = a;
    v->period_end = b;
    v->period_to_date = to_date != 0;
    return VOUCH_OK;
}

vouch_status vouch_set_threads(vouch *v, int threads, vouch_error *err)
{
    vouch_status st = unset(v, "the threads", err);
    if (st == VOUCH_OK && threads != 0 && threads != 1)
        st = vouch_error_set(err, VOUCH_EINPUT, "threads must be 1 (one) or 0 (two when the run allows it), not %d",
                             threads);
    if (st == VOUCH_OK)
        v->threads = threads;
    return st;
}

vouch_status vouch_set_limit(vouch *v, vouch_limit which, uint64_t value, vouch_error *err)
{
    vouch_status st = unset(v, "a limit", err);
    if (st != VOUCH_OK)
        return st;
    switch (which) {
    case VOUCH_LIMIT_STEPS:
        if (value > VOUCH_MAX_RULE_STEPS)
            return vouch_error_set(err, VOUCH_EINPUT, "the step limit %llu is above the most, %llu",
                                   (unsigned long long)value, (unsigned long long)VOUCH_MAX_RULE_STEPS);
        v->steps = value;
        return VOUCH_OK;
    case VOUCH_LIMIT_MEMORY:
        if (value > VOUCH_MAX_RUN_MEMORY)
            return vouch_error_set(err, VOUCH_EINPUT, "the memory limit %llu is above the most, %llu bytes",
                                   (unsigned long long)value, (unsigned long long)VOUCH_MAX_RUN_MEMORY);
        v->memory = value;
        return VOUCH_OK;
    case VOUCH_LIMIT_TIMEOUT:
        /* a day at most: the deadline is in nanoseconds of a 64-bit clock */
        if (value > 86400)
            return vouch_error_set(err, VOUCH_EINPUT, "the timeout %llu s is above the most, 86400",
                                   (unsigned long long)value);
        v->timeout_s = value;
        return VOUCH_OK;
    }
    return vouch_error_set(err, VOUCH_EINPUT, "unknown limit %d", (int)which);
}

/* Replaces *slot with a copy of text (NULL stays NULL). */
static vouch_status set_text(char **slot, const char *text, vouch_error *err)
{
    char *copy = NULL;
    if (text && !(copy = vouch_strdup(text)))
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    vouch_free(*slot);
    *slot = copy;
    return VOUCH_OK;
}

vouch_status vouch_set_search_path(vouch *v, const char *search_path, vouch_error *err)
{
    vouch_status st = unset(v, "the search path", err);
    return st == VOUCH_OK ? set_text(&v->search_path, search_path, err) : st;
}

vouch_status vouch_set_packs_dir(vouch *v, const char *packs_dir, vouch_error *err)
{
    vouch_status st = unset(v, "the packs directory", err);
    return st == VOUCH_OK ? set_text(&v->packs_dir, packs_dir && *packs_dir ? packs_dir : NULL, err) : st;
}

vouch_status vouch_set_explain(vouch *v, int on, vouch_error *err)
{
    vouch_status st = unset(v, "explain", err);
    if (st == VOUCH_OK)
        v->explain = on != 0;
    return st;
}

vouch_status vouch_set_fail_on(vouch *v, vouch_severity_level min, vouch_error *err)
{
    if (!v)
        return vouch_error_set(err, VOUCH_EINPUT, "no vouch handle");
    if ((int)min < VOUCH_SEVERITY_INFO || (int)min > VOUCH_SEVERITY_CRITICAL)
        return vouch_error_set(err, VOUCH_EINPUT, "unknown severity %d", (int)min);
    v->fail_on = (int)min;
    return v->ran ? api_collect(v, err) : VOUCH_OK;
}

vouch_status vouch_set_allow_soft(vouch *v, int on, vouch_error *err)
{
    if (!v)
        return vouch_error_set(err, VOUCH_EINPUT, "no vouch handle");
    v->allow_soft = on != 0;
    return v->ran ? api_collect(v, err) : VOUCH_OK;
}

vouch_status vouch_set_diagnostics(vouch *v, vouch_diagnostic_fn fn, void *ctx, vouch_error *err)
{
    vouch_status st = unset(v, "the diagnostics callback", err);
    if (st == VOUCH_OK) {
        v->diag = fn;
        v->diag_ctx = ctx;
    }
    return st;
}

/* ---- compiling --------------------------------------------------------- */

/* The compiler's diagnostic as the public record: the position as line
 * and column, and the text `vouch` prints for it. */
static void on_diag(void *ctx, const vouch_diag *d)
{
    vouch *v = ctx;
    if (!v->diag)
        return;
    vouch_diagnostic pd;
    memset(&pd, 0, sizeof pd);
    pd.severity = d->severity == DIAG_ERROR     ? VOUCH_DIAGNOSTIC_ERROR
                  : d->severity == DIAG_WARNING ? VOUCH_DIAGNOSTIC_WARNING
                                                : VOUCH_DIAGNOSTIC_NOTE;
    if (d->src) {
        uint32_t line = 0, col = 0;
        source_position(d->src, d->off, &line, &col);
        pd.file = d->src->name;
        pd.line = line;
        pd.column = col;
    }
    pd.message = d->message;
    pd.hint = d->hint;
    char *text = NULL;
    size_t len = 0;
    FILE *mem = open_memstream(&text, &len);
    if (mem) {
        diag_render(d, mem);
        if (fclose(mem) != 0) {
            free(text);
            text = NULL;
        }
    }
    /* Out of memory for the rendering: the message alone, still a line. */
    pd.text = text ? text : d->message;
    v->diag(v->diag_ctx, &pd);
    free(text);
}

/* Makes the session from the options, as the last of them. */
static vouch_status make_session(vouch *v, vouch_error *err)
{
    if (!v)
        return vouch_error_set(err, VOUCH_EINPUT, "no vouch handle");
    if (v->s)
        return vouch_error_set(err, VOUCH_EINPUT, "the packs are compiled already");
    vouch_session_options o;
    vouch_session_options_default(&o);
    o.as_of = v->as_of;
    o.period_start = v->period_start;
    o.period_end = v->period_end;
    o.period_to_date = v->period_to_date;
    o.explain = v->explain;
    o.search_path = v->search_path;
    o.packs_dir = v->packs_dir;
    o.diag = on_diag;
    o.diag_ctx = v;
    o.threads = v->threads;
    o.step_budget = v->steps;
    o.memory_limit = v->memory;
    if (v->timeout_s) {
        o.deadline_ns = vouch_clock_ns() + v->timeout_s * 1000000000ull;
        o.timeout_s = (uint32_t)v->timeout_s;
    }
    v->s = vouch_session_new(&o, err);
    return v->s ? VOUCH_OK : err ? err->status : VOUCH_EINPUT;
}

vouch_status vouch_compile_files(vouch *v, const char *const *paths, size_t n, vouch_error *err)
{
    if (n > INT_MAX)
        return vouch_error_set(err, VOUCH_EINPUT, "%zu pack files are too many", n);
    for (size_t i = 0; i < n; i++)
        if (!paths || !paths[i])
            return vouch_error_set(err, VOUCH_EINPUT, "pack file %zu has no path", i + 1);
    vouch_status st = make_session(v, err);
    if (st != VOUCH_OK)
        return st;
    /* The session reads the paths and never writes through them. */
    return vouch_session_compile(v->s, (char *const *)paths, (int)n, err);
}

vouch_status vouch_compile_source(vouch *v, const char *name, const char *text, size_t len, vouch_error *err)
{
    if (!name || (!text && len))
        return vouch_error_set(err, VOUCH_EINPUT, "a pack source needs a name and its text");
    vouch_status st = make_session(v, err);
    return st == VOUCH_OK ? vouch_session_compile_text(v->s, name, text ? text : "", len, err) : st;
}

unsigned vouch_compile_errors(const vouch *v) { return v && v->s ? vouch_session_compile_errors(v->s) : 0; }
unsigned vouch_compile_warnings(const vouch *v) { return v && v->s ? vouch_session_compile_warnings(v->s) : 0; }

/* ---- facts and the run ----------------------------------------------------- */

static const vouch_program *compiled(const vouch *v)
{
    return v && v->s ? vouch_session_program(v->s) : NULL;
}

vouch_status vouch_load_csv(vouch *v, const char *store_path, const char *const *csv_paths, size_t n,
                            int replace, vouch_error *err)
{
    const vouch_program *p = compiled(v);
    if (!p)
        return vouch_error_set(err, VOUCH_EINPUT, "loading facts needs the compiled packs' declarations");
    if (!store_path || (n && !csv_paths) || n > UINT32_MAX)
        return vouch_error_set(err, VOUCH_EINPUT, "loading facts needs a store path and the CSV files");
    for (size_t i = 0; i < n; i++)
        if (!csv_paths[i])
            return vouch_error_set(err, VOUCH_EINPUT, "CSV file %zu has no path", i + 1);
    vouch_load_options opt = {0};
    opt.replace = replace != 0;
    return vouch_facts_load(store_path, p, csv_paths, (uint32_t)n, &opt, err);
}

vouch_status vouch_open_store(vouch *v, const char *path, vouch_error *err)
{
    if (!compiled(v))
        return vouch_error_set(err, VOUCH_EINPUT, "opening a store needs the compiled packs");
    if (!path)
        return vouch_error_set(err, VOUCH_EINPUT, "no store path");
    vouch_status st = set_text(&v->facts_path, path, err);
    return st == VOUCH_OK ? vouch_session_open_store(v->s, path, err) : st;
}

vouch_status vouch_run(vouch *v, vouch_error *err)
{
    if (!v || !v->s)
        return vouch_error_set(err, VOUCH_EINPUT, "running needs the compiled packs and an open store");
    api_release(v);
    v->ran = 0;
    vouch_status st = vouch_session_run(v->s, err);
    if (st == VOUCH_OK)
        st = api_collect(v, err);
    v->ran = st == VOUCH_OK;
    return st;
}
