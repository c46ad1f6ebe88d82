/*
 * session.c: one run from sources to outcomes (session.h). Owns the
 * program, the store, the results and (unless the caller gave one) the
 * identity of its run; vouch_session_free releases each once. The steps
 * go compile -> open -> bind -> run, each once but the run (which may be
 * repeated, its results replacing the last): `stage` says how far it got.
 * Imports are resolved here (beside the importing file, then the search
 * path, then the installed packs), and the default period is computed
 * here, so an embedder gets both without the command line.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "session.h"
#include "alloc.h"
#include "compile.h"
#include "date.h"
#include "outcome.h"
#include "program_io.h"
#include "verify.h"
#include "vouch_limits.h"

enum { STAGE_NEW, STAGE_COMPILED, STAGE_OPENED, STAGE_BOUND, STAGE_RAN };

struct vouch_session {
    vouch_session_options o;
    vouch_run_env env;
    int stage;
    vouch_program *p;
    int borrowed;             /* p is the caller's (vouch_session_use_program) */
    vouch_facts *f;
    char *facts_path;
    vouch_results res;
    vouch_identity own;
    vouch_identity *id;       /* o.identity or &own */
    unsigned errors, warnings;
};

void vouch_session_options_default(vouch_session_options *o) { memset(o, 0, sizeof *o); }

int64_t vouch_session_today(void)
{
    time_t now = time(NULL);
    struct tm tm;
    gmtime_r(&now, &tm);
    return date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

void vouch_session_default_period(int64_t as_of, int64_t *start, int64_t *end)
{
    int64_t q = date_quarter_start(as_of);
    *start = date_add_months(q, -12);
    *end = q - 1;
}

vouch_session *vouch_session_new(const vouch_session_options *o, vouch_error *err)
{
    vouch_session *s = vouch_calloc(1, sizeof *s);
    if (!s) {
        vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        return NULL;
    }
    s->o = *o;
    s->id = o->identity ? o->identity : &s->own;
    vouch_run_env *e = &s->env;
    e->today = o->as_of ? o->as_of : vouch_session_today();
    if (!o->period_start && !o->period_end) {
        vouch_session_default_period(e->today, &e->period_start, &e->period_end);
    } else {
        e->period_start = o->period_start;
        e->period_end = o->period_end;
    }
    char asof[11];
    date_format(e->today, asof);
    if (e->period_end < e->period_start) {
        vouch_error_set(err, VOUCH_EINPUT, "the period ends before it starts");
        vouch_free(s);
        return NULL;
    }
    /* The facts after the as-of are not seen (facts.h), so the rest of the
     * period cannot be judged: only its part up to the as-of, if asked. */
    if (e->period_end > e->today) {
        if (!o->period_to_date || e->period_start > e->today) {
            vouch_error_set(err, VOUCH_EINPUT, "the period %s the as-of date %s",
                            o->period_to_date ? "starts after" : "ends after", asof);
            vouch_free(s);
            return NULL;
        }
        e->period_end = e->today;
    }
    e->step_budget = o->step_budget;
    e->memory_limit = o->memory_limit;
    e->deadline_ns = o->deadline_ns;
    e->timeout_s = o->timeout_s;
    e->explain = o->explain;
    e->keep_passes = o->keep_passes;
    e->only_subject = o->only_subject;
    e->one_rule = o->one_rule;
    return s;
}

/* ---- reading sources ------------------------------------------------ */

/* (session.h) */
char *vouch_session_read_source(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    size_t cap = 1 << 16, n = 0;
    char *buf = malloc(cap + 1);
    while (buf) {
        n += fread(buf + n, 1, cap - n, f);
        if (n < cap || n > VOUCH_MAX_SOURCE_BYTES) {
            if (ferror(f)) {
                free(buf);
                buf = NULL;
            }
            break;
        }
        char *nb = realloc(buf, cap * 2 + 1);
        if (!nb) {
            free(buf);
            buf = NULL;
            errno = ENOMEM;
            break;
        }
        buf = nb;
        cap *= 2;
    }
    int saved = errno;
    fclose(f);
    errno = saved;
    if (buf) {
        buf[n] = 0;
        *len = n;
    }
    return buf;
}

static void noted(vouch_session *s, const char *path)
{
    if (s->o.on_source)
        s->o.on_source(s->o.on_source_ctx, path);
}

int vouch_session_is_program_file(const char *path)
{
    unsigned char head[VOUCH_VBC_MAGIC_LEN];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return vouch_program_is_vbc(head, n);
}

/* A compiled program: the identity's source is the SHA-256 of its file. */
static vouch_status load_program(vouch_session *s, char *const *paths, int n, vouch_error *err)
{
    for (int i = 0; i < n; i++) {
        size_t len = 0;
        char *bytes = vouch_session_read_source(paths[i], &len);
        vouch_status st = bytes ? vouch_identity_add_source(s->id, paths[i], bytes, len, err) : VOUCH_OK;
        free(bytes);
        if (st != VOUCH_OK)
            return st;
    }
    if (n != 1)
        return vouch_error_set(err, VOUCH_EINPUT, "%s is a compiled program: give it alone, without other "
                               "packs (compile them together instead)", paths[0]);
    const char *path = paths[0];
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        vouch_status r = vouch_error_set(err, VOUCH_EIO, "cannot read %s: %s", path, strerror(errno));
        if (f)
            fclose(f);
        return r;
    }
    if (st.st_size > (off_t)VOUCH_MAX_PROGRAM_BYTES) {
        fclose(f);
        return vouch_error_set(err, VOUCH_EINPUT, "%s: a program file of %lld bytes is larger than the limit "
                               "of %u", path, (long long)st.st_size, VOUCH_MAX_PROGRAM_BYTES);
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) {
        fclose(f);
        return vouch_error_set(err, VOUCH_ENOMEM, "%s: out of memory", path);
    }
    size_t got = fread(buf, 1, len, f);
    int rerr = ferror(f) || got != len;
    fclose(f);
    if (rerr) {
        free(buf);
        return vouch_error_set(err, VOUCH_EIO, "cannot read %s", path);
    }
    noted(s, path);
    vouch_error e2;
    vouch_status r = vouch_program_read(buf, len, 0, &s->p, &e2);
    free(buf);
    if (r != VOUCH_OK)
        return vouch_error_set(err, r, "%s: %s", path, e2.msg);
    return VOUCH_OK;
}

/* ---- imports --------------------------------------------------------- */

/* Imports that name no given file: PACK.vouch or PACK/pack.vouch beside the
 * importing file, then in each directory of the search path, then in the
 * installed standard packs' directory, so that the search path adds to the
 * standard packs and can shadow one of them. */
typedef struct resolver {
    vouch_session *s;
    char *texts[VOUCH_MAX_IMPORTED_FILES];
    char *names[VOUCH_MAX_IMPORTED_FILES];
    int n;
    vouch_status failed;      /* out of memory while resolving */
    char looked[2048];        /* where the last import not found was looked for */
    char *looked_msg;         /* owned: the text handed to the compiler (compile.h) */
} resolver;

/* Adds "DIR (WHY)" to the list of places looked in. */
static void looked_in(resolver *r, const char *dir, size_t dlen, const char *why)
{
    size_t used = strlen(r->looked);
    snprintf(r->looked + used, sizeof r->looked - used, "%s%.*s (%s)", used ? ", " : "", (int)dlen, dir, why);
}

static int try_pack_file(resolver *r, const char *dir, size_t dlen, const char *name, vouch_compile_input *out)
{
    static const char *const forms[] = {"%.*s/%s.vouch", "%.*s/%s/pack.vouch"};
    if (r->n >= VOUCH_MAX_IMPORTED_FILES)
        return 0;
    for (int i = 0; i < 2; i++) {
        char path[4096];
        int n = snprintf(path, sizeof path, forms[i], (int)dlen, dir, name);
        if (n < 0 || (size_t)n >= sizeof path)
            continue;
        size_t len;
        char *text = vouch_session_read_source(path, &len);
        if (!text)
            continue;
        vouch_error err;
        if (vouch_identity_add_source(r->s->id, path, text, len, &err) != VOUCH_OK ||
            !(r->names[r->n] = strdup(path))) {
            r->failed = VOUCH_ENOMEM;
            free(text);
            return 0;
        }
        r->texts[r->n] = text;
        noted(r->s, r->names[r->n]);
        out->name = r->names[r->n];
        out->text = text;
        out->len = len;
        r->n++;
        return 1;
    }
    return 0;
}

static int resolve_import(void *ctx, const char *importer, const char *name, vouch_compile_input *out)
{
    resolver *r = ctx;
    if (strchr(name, '/') || strstr(name, ".."))
        return 0; /* a pack name, not a path */
    const char *slash = strrchr(importer, '/');
    if (try_pack_file(r, slash ? importer : ".", slash ? (size_t)(slash - importer) : 1, name, out))
        return 1;
    char why[600];
    r->looked[0] = '\0';
    snprintf(why, sizeof why, "beside %s", importer);
    looked_in(r, slash ? importer : ".", slash ? (size_t)(slash - importer) : 1, why);
    const char *path = r->s->o.search_path ? r->s->o.search_path : getenv("VOUCH_PATH");
    int on_path = 0;
    while (path && *path) {
        const char *end = strchr(path, ':');
        size_t len = end ? (size_t)(end - path) : strlen(path);
        if (len && try_pack_file(r, path, len, name, out))
            return 1;
        if (len) {
            looked_in(r, path, len, r->s->o.search_path ? "the search path" : "VOUCH_PATH");
            on_path = 1;
        }
        path = end ? end + 1 : NULL;
    }
    const char *packs = r->s->o.packs_dir;
    if (packs && *packs && try_pack_file(r, packs, strlen(packs), name, out))
        return 1;
    if (packs && *packs)
        looked_in(r, packs, strlen(packs), "the installed packs");
    size_t used = strlen(r->looked);
    if (!on_path && !r->s->o.search_path)
        snprintf(r->looked + used, sizeof r->looked - used, "; VOUCH_PATH is not set");
    /* out->name is the text of where it looked (compile.h). */
    char *msg = vouch_malloc(strlen(r->looked) + 2 * strlen(name) + 64);
    if (msg) {
        sprintf(msg, "%s.vouch and %s/pack.vouch in %s", name, name, r->looked);
        vouch_free(r->looked_msg);
        r->looked_msg = msg;
        out->name = msg;
    }
    return 0;
}

/* ---- compiling ------------------------------------------------------- */

static void count_diag(void *ctx, const vouch_diag *d)
{
    vouch_session *s = ctx;
    if (d->severity == DIAG_ERROR)
        s->errors++;
    else if (d->severity == DIAG_WARNING)
        s->warnings++;
    if (s->o.diag)
        s->o.diag(s->o.diag_ctx, d);
}

/* Compiles in[0..n) (the files' texts; in has room for two more), with
 * the standard fact model when asked or when there is nothing else, then
 * verifies the program. */
static vouch_status compile_inputs(vouch_session *s, vouch_compile_input *in, int n, vouch_error *err)
{
    int with_isms = s->o.with_isms || n == 0;
    static const char std_only[] = "import \"isms\"\n";
    int nin = n;
    if (with_isms) {
        in[nin].name = "<command line>";
        in[nin].text = std_only;
        in[nin].len = sizeof std_only - 1;
        nin++;
    }
    vouch_status st = VOUCH_OK;
    resolver *res = vouch_calloc(1, sizeof *res);
    if (!res)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    res->s = s;
    vouch_compile_options copt = {resolve_import, res, s->o.lint, s->o.explain, s->o.symbols};
    s->p = vouch_compile_with(in, (size_t)nin, &copt, count_diag, s);
    for (int i = 0; i < res->n; i++) {
        free(res->texts[i]);
        free(res->names[i]);
    }
    vouch_free(res->looked_msg);
    if (!s->p && s->errors)
        st = vouch_error_set(err, VOUCH_EINPUT, "%u error%s", s->errors, s->errors == 1 ? "" : "s");
    else if (!s->p)
        st = vouch_error_set(err, res->failed ? res->failed : VOUCH_EINPUT, "compilation failed");
    vouch_free(res);
    if (s->p) {
        vouch_error verr;
        if (vouch_verify(s->p, &verr) != VOUCH_OK) {
            st = vouch_error_set(err, VOUCH_ERUNTIME, "the compiled program does not verify: %s", verr.msg);
            vouch_program_free(s->p);
            s->p = NULL;
        }
    }
    return st;
}

vouch_status vouch_session_compile(vouch_session *s, char *const *paths, int n, vouch_error *err)
{
    if (s->stage != STAGE_NEW)
        return vouch_error_set(err, VOUCH_EINPUT, "the session has compiled already");
    if (s->o.explain)
        for (int i = 0; i < n; i++)
            if (vouch_session_is_program_file(paths[i]))
                return vouch_error_set(err, VOUCH_EINPUT, "%s is a compiled program: explanations need the "
                                       "packs' sources", paths[i]);
    if (n > 0 && vouch_session_is_program_file(paths[0])) {
        vouch_status st = load_program(s, paths, n, err);
        if (st == VOUCH_OK)
            s->stage = STAGE_COMPILED;
        return st;
    }
    vouch_compile_input *in = vouch_calloc((size_t)n + 2, sizeof *in);
    char **texts = vouch_calloc((size_t)n + 2, sizeof *texts);
    vouch_status st = in && texts ? VOUCH_OK : vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    for (int i = 0; st == VOUCH_OK && i < n; i++) {
        size_t len = 0;
        texts[i] = vouch_session_read_source(paths[i], &len);
        if (!texts[i]) {
            st = vouch_error_set(err, VOUCH_EIO, "cannot read %s: %s", paths[i], strerror(errno));
            break;
        }
        noted(s, paths[i]);
        in[i].name = paths[i];
        in[i].text = texts[i];
        in[i].len = len;
        st = vouch_identity_add_source(s->id, paths[i], texts[i], len, err);
    }
    if (st == VOUCH_OK)
        st = compile_inputs(s, in, n, err);
    for (int i = 0; texts && i < n; i++)
        free(texts[i]);
    vouch_free(texts);
    vouch_free(in);
    if (st == VOUCH_OK)
        s->stage = STAGE_COMPILED;
    return st;
}

vouch_status vouch_session_compile_text(vouch_session *s, const char *name, const char *text, size_t len,
                                        vouch_error *err)
{
    if (s->stage != STAGE_NEW)
        return vouch_error_set(err, VOUCH_EINPUT, "the session has compiled already");
    if (len > VOUCH_MAX_SOURCE_BYTES)
        len = VOUCH_MAX_SOURCE_BYTES + 1; /* the compiler reports the size, as for a file */
    /* The compiler reads up to a NUL: a copy, for text that has none. */
    char *copy = vouch_malloc(len + 1);
    vouch_compile_input in[2];
    memset(in, 0, sizeof in);
    if (!copy)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    memcpy(copy, text, len);
    copy[len] = 0;
    in[0].name = name;
    in[0].text = copy;
    in[0].len = len;
    vouch_status st = vouch_identity_add_source(s->id, name, copy, len, err);
    /* in has room for the standard fact model: compile_inputs adds it
     * only with_isms, for one input. */
    if (st == VOUCH_OK)
        st = compile_inputs(s, in, 1, err);
    vouch_free(copy);
    if (st == VOUCH_OK)
        s->stage = STAGE_COMPILED;
    return st;
}

vouch_status vouch_session_use_program(vouch_session *s, const vouch_program *p, vouch_error *err)
{
    if (s->stage != STAGE_NEW)
        return vouch_error_set(err, VOUCH_EINPUT, "the session has compiled already");
    /* never written through: the session only reads its program */
    s->p = (vouch_program *)p;
    s->borrowed = 1;
    s->stage = STAGE_COMPILED;
    return VOUCH_OK;
}

unsigned vouch_session_compile_errors(const vouch_session *s) { return s->errors; }
unsigned vouch_session_compile_warnings(const vouch_session *s) { return s->warnings; }

/* ---- the store and the run ------------------------------------------ */

vouch_status vouch_session_open_store(vouch_session *s, const char *path, vouch_error *err)
{
    vouch_status st = vouch_session_open(s, path, err);
    return st == VOUCH_OK ? vouch_session_bind(s, err) : st;
}

vouch_status vouch_session_open(vouch_session *s, const char *path, vouch_error *err)
{
    if (s->stage != STAGE_COMPILED)
        return vouch_error_set(err, VOUCH_EINPUT, "the session has no program to bind, or a store already");
    if (!(s->facts_path = vouch_strdup(path)))
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    vouch_status st = vouch_facts_open(path, &s->f, err);
    if (st != VOUCH_OK)
        return st;
    /* The store's SQL gets the step budget and deadline from the start,
     * binding included. */
    vouch_facts_set_limits(s->f, s->env.step_budget, s->env.deadline_ns, s->env.timeout_s);
    if (s->o.explain) {
        /* A hash index gives rows in another order and without the plan's
         * filter: the access paths come from the schema alone, so the rows
         * explanations show do not change from run to run. */
        vouch_facts_options fo;
        vouch_facts_options_default(&fo);
        fo.hash = VOUCH_HASH_NOINDEX;
        vouch_facts_set_options(s->f, &fo);
    }
    s->stage = STAGE_OPENED;
    return VOUCH_OK;
}

vouch_status vouch_session_bind(vouch_session *s, vouch_error *err)
{
    if (s->stage != STAGE_OPENED)
        return vouch_error_set(err, VOUCH_EINPUT, "the session has no open store to bind");
    vouch_status st;
    if ((st = vouch_facts_bind(s->f, s->p, s->env.today, err)) != VOUCH_OK ||
        (st = vouch_identity_add_facts(s->id, s->p, s->f, err)) != VOUCH_OK)
        return st;
    vouch_identity_finish(s->id, s->env.today, s->env.period_start, s->env.period_end);
    s->stage = STAGE_BOUND;
    return VOUCH_OK;
}

vouch_status vouch_session_run(vouch_session *s, vouch_error *err)
{
    if (s->stage != STAGE_BOUND && s->stage != STAGE_RAN)
        return vouch_error_set(err, VOUCH_EINPUT, "the session has no bound store to run");
    if (s->stage == STAGE_RAN) { /* again: the new results replace the old */
        vouch_outcome_release(&s->res);
        vouch_results_free(&s->res);
        memset(&s->res, 0, sizeof s->res);
    }
    s->stage = STAGE_RAN;
    vouch_status st = s->o.threads == 1 ? vouch_vm_run(s->p, s->f, &s->env, &s->res, err)
                                        : vouch_vm_run_parallel(s->p, s->f, &s->env, &s->res, err);
    if (st != VOUCH_OK)
        return st;
    return vouch_apply_waivers(s->p, s->env.today, &s->res, err);
}

void vouch_session_set_focus(vouch_session *s, uint32_t one_rule, const char *only_subject)
{
    s->env.one_rule = one_rule;
    s->env.only_subject = only_subject;
}

const vouch_program *vouch_session_program(const vouch_session *s) { return s->p; }

vouch_program *vouch_session_take_program(vouch_session *s)
{
    if (s->borrowed)
        return NULL;
    vouch_program *p = s->p;
    s->p = NULL;
    return p;
}

vouch_facts *vouch_session_facts(const vouch_session *s) { return s->f; }
vouch_results *vouch_session_results(vouch_session *s) { return &s->res; }
vouch_identity *vouch_session_identity(vouch_session *s) { return s->id; }
const vouch_run_env *vouch_session_env(const vouch_session *s) { return &s->env; }

void vouch_session_report(vouch_session *s, const char *facts_path, vouch_report *out)
{
    memset(out, 0, sizeof *out);
    out->program = vouch_session_program(s);
    out->results = &s->res;
    out->as_of = s->env.today;
    out->period_start = s->env.period_start;
    out->period_end = s->env.period_end;
    /* A connection string with a password is shown without it. */
    const char *shown = s->f ? vouch_facts_shown_name(s->f) : NULL;
    out->facts_path = shown ? shown : facts_path;
    out->fail_on = SEV_INFO;
    out->identity = vouch_session_identity(s);
}

void vouch_session_free(vouch_session *s)
{
    if (!s)
        return;
    vouch_outcome_release(&s->res);
    vouch_results_free(&s->res);
    vouch_facts_close(s->f);
    if (!s->borrowed)
        vouch_program_free(s->p);
    vouch_identity_free(&s->own);
    vouch_free(s->facts_path);
    vouch_free(s);
}
