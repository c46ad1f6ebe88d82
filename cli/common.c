/*
 * common.c: the command line's shared helpers (common.h).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "say.h"
#include "common.h"
#include "diag.h"
#include "alloc.h"
#include "coverage.h"
#include "date.h"
#include "limits_opt.h"
#include "packs_dir.h"

int cli_usage(const char *fmt, const char *arg)
{
    fputs("vouch: ", stderr);
    cli_say(stderr, fmt, arg);
    fputs("\nRun `vouch --help` for usage.\n", stderr);
    return 2;
}

int cli_parse_run(int argc, char **argv, const char *cmd, cli_run_args *a, const cli_option *extra,
                  size_t nextra)
{
    memset(a, 0, sizeof *a);
    cli_option opts[10 + 8] = {
        {"--facts", .value = &a->facts},   {"--as-of", .value = &a->as_of},
        {"--period", .value = &a->period}, {"--format", .value = &a->format},
        {"--output", .list = &a->outputs}, {"-o", .list = &a->outputs},
        {"--max-steps", .value = &a->max_steps}, {"--max-memory", .value = &a->max_memory},
        {"--timeout", .value = &a->timeout},
        {"--period-to-date", .flag = &a->period_to_date},
    };
    size_t n = 10;
    for (size_t i = 0; i < nextra && n < sizeof opts / sizeof opts[0]; i++)
        opts[n++] = extra[i];
    int rc = cli_parse(argc, argv, opts, n, &a->files, &a->nfiles);
    if (rc == 0 && a->outputs.n)
        a->output = a->outputs.v[a->outputs.n - 1];
    if (rc == 0 && a->outputs.n > 1)
        rc = cli_outputs_check((const char *const *)a->outputs.v, a->outputs.n, "--output");
    if (rc == 0 && a->outputs.n > 1) {
        char what[64];
        snprintf(what, sizeof what, "%s writes one output", cmd);
        rc = cli_output_once((const char *const *)a->outputs.v, a->outputs.n, "--output", what);
    }
    return rc;
}

void cli_run_args_free(cli_run_args *a)
{
    vouch_free(a->files);
    vouch_free(a->outputs.v);
    a->files = NULL;
    a->outputs.v = NULL;
}

int cli_dates(const char *as_of, const char *period, int to_date, vouch_run_env *env)
{
    env->today = vouch_session_today();
    if (as_of && date_parse(as_of, strlen(as_of), &env->today) != 0)
        return cli_usage("--as-of `%s` is not a date (YYYY-MM-DD)", as_of);
    if (!period) {
        vouch_session_default_period(env->today, &env->period_start, &env->period_end);
        return 0;
    }
    const char *dots = strstr(period, "..");
    if (!dots || date_parse(period, (size_t)(dots - period), &env->period_start) != 0 ||
        date_parse(dots + 2, strlen(dots + 2), &env->period_end) != 0)
        return cli_usage("--period `%s` is not a range of dates (YYYY-MM-DD..YYYY-MM-DD)", period);
    if (env->period_end < env->period_start)
        return cli_usage("--period `%s` ends before it starts", period);
    if (env->period_end <= env->today)
        return 0;
    /* The facts after the as-of are not seen (facts.h), so the rest of the
     * period cannot be judged: only its part up to the as-of, if asked. */
    char asof[11];
    date_format(env->today, asof);
    if (to_date && env->period_start <= env->today) {
        env->period_end = env->today;
        return 0;
    }
    fputs("vouch: ", stderr);
    if (to_date)
        cli_say(stderr, "--period `%s` starts after the as-of date %s: no part of it has happened yet\n", period,
                asof);
    else
        cli_say(stderr,
                "--period `%s` ends after the as-of date %s, and facts dated after the as-of are not seen\n"
                "hint: end the period by %s, or give --period-to-date to check the part of it up to %s\n",
                period, asof, asof, asof);
    fputs("Run `vouch --help` for usage.\n", stderr);
    return 2;
}

static void render_diag(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    diag_render(d, stderr);
}

static void note_source(void *ctx, const char *path)
{
    (void)ctx;
    cli_input_pack(path);
}

void cli_session_options(vouch_session_options *o, const vouch_run_env *env)
{
    vouch_session_options_default(o);
    o->diag = render_diag;
    o->on_source = note_source;
    o->packs_dir = cli_packs_dir();
    if (!env)
        return;
    o->as_of = env->today;
    o->period_start = env->period_start;
    o->period_end = env->period_end;
    o->step_budget = env->step_budget;
    o->memory_limit = env->memory_limit;
    o->deadline_ns = env->deadline_ns;
    o->timeout_s = env->timeout_s;
    o->explain = env->explain;
    o->keep_passes = env->keep_passes;
    o->only_subject = env->only_subject;
    o->one_rule = env->one_rule;
}

void cli_session_compile_error(const vouch_session *s, vouch_status st, const vouch_error *err)
{
    unsigned n = vouch_session_compile_errors(s);
    if (n)
        cli_say(stderr, "vouch: %u error%s\n", n, n == 1 ? "" : "s");
    else if (st == VOUCH_ERUNTIME)
        cli_say(stderr, "vouch: internal error: %s\n", err->msg);
    else
        cli_say(stderr, "vouch: error: %s\n", err->msg);
}

vouch_session *cli_session_compile(char **files, int nfiles, const vouch_run_env *env)
{
    vouch_session_options o;
    cli_session_options(&o, env);
    vouch_error err;
    vouch_session *s = vouch_session_new(&o, &err);
    if (!s) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        return NULL;
    }
    vouch_status st = vouch_session_compile(s, files, nfiles, &err);
    if (st != VOUCH_OK) {
        cli_session_compile_error(s, st, &err);
        vouch_session_free(s);
        return NULL;
    }
    return s;
}

int cli_session_open(vouch_session *s, const char *path)
{
    vouch_error err;
    cli_input_store(path);
    if (vouch_session_open_store(s, path, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        return -1;
    }
    return 0;
}

int cli_parse(int argc, char **argv, const cli_option *opts, size_t nopts, char ***operands, int *noperands)
{
    *noperands = 0;
    *operands = vouch_calloc((size_t)argc + 1, sizeof **operands);
    if (!*operands)
        return cli_usage("%s", "out of memory");
    int only_operands = 0;
    for (int i = 0; i < argc; i++) {
        char *s = argv[i];
        if (only_operands || s[0] != '-' || strcmp(s, "-") == 0) {
            (*operands)[(*noperands)++] = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_operands = 1;
            continue;
        }
        char *eq = strchr(s, '=');
        size_t len = eq ? (size_t)(eq - s) : strlen(s);
        const cli_option *o = NULL;
        for (size_t j = 0; j < nopts && !o; j++)
            if (strlen(opts[j].name) == len && memcmp(opts[j].name, s, len) == 0)
                o = &opts[j];
        if (!o) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(len < 60 ? len : 60), s);
            return cli_usage("unknown option %s for this command", name);
        }
        if (o->flag) {
            if (eq)
                return cli_usage("option %s takes no value", o->name);
            *o->flag = 1;
            continue;
        }
        char *val = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!val)
            return cli_usage("option %s needs a value", o->name);
        if (o->value) {
            *o->value = val;
            continue;
        }
        if (!o->list->v && !(o->list->v = vouch_calloc((size_t)argc + 1, sizeof *o->list->v)))
            return cli_usage("%s", "out of memory");
        o->list->v[o->list->n++] = val;
    }
    return 0;
}

int cli_output_ready(const char *output, const char *facts)
{
    cli_input_store(facts);
    return cli_outputs_check(&output, 1, "--output");
}

void cli_unknown_framework(const vouch_program *p, const char *id, const char *none_note)
{
    const char **names = vouch_calloc((size_t)p->nframeworks + 1, sizeof *names);
    const char *close = NULL;
    if (names) {
        for (uint32_t i = 0; i < p->nframeworks; i++)
            names[i] = p->frameworks[i].id;
        close = diag_closest(id, strlen(id), names, p->nframeworks);
    }
    /* "iso27001" for "iso27001-2022": the one framework whose id starts
     * with what was given (or the other way round) */
    size_t n = strlen(id);
    for (uint32_t i = 0; !close && n >= 3 && i < p->nframeworks; i++) {
        size_t m = strlen(p->frameworks[i].id);
        if (strncmp(p->frameworks[i].id, id, n < m ? n : m) != 0)
            continue;
        int unique = 1;
        for (uint32_t j = i + 1; j < p->nframeworks && unique; j++) {
            size_t k = strlen(p->frameworks[j].id);
            unique = strncmp(p->frameworks[j].id, id, n < k ? n : k) != 0;
        }
        if (!unique)
            break;
        close = p->frameworks[i].id;
    }
    cli_say(stderr, "vouch: error: the packs declare no framework `%s`", id);
    if (close)
        cli_say(stderr, "; did you mean `%s`?", close);
    if (p->nframeworks == 0)
        cli_say(stderr, " (%s)", none_note);
    for (uint32_t i = 0; i < p->nframeworks; i++)
        cli_say(stderr, "%s%s", i ? ", " : " (they declare ", p->frameworks[i].id);
    if (p->nframeworks)
        fputc(')', stderr);
    fputc('\n', stderr);
    vouch_free(names);
}

int cli_framework_run_args(const cli_run_args *run, const char *framework, const char *cmd, vouch_run_env *env)
{
    if (!framework)
        return cli_usage("%s needs --framework ID", cmd);
    if (!run->facts)
        return cli_usage("%s needs --facts FILE.db", cmd);
    if (run->nfiles == 0)
        return cli_usage("%s needs at least one pack file", cmd);
    if (cli_dates(run->as_of, run->period, run->period_to_date, env) != 0)
        return 2;
    return cli_limit_options(run->max_steps, run->max_memory, run->timeout, env) != 0 ? 2 : 0;
}

vouch_session *cli_framework_session(const cli_run_args *run, const char *framework, const vouch_run_env *env,
                                     const char *none_note, int *fw)
{
    vouch_session *s = cli_session_compile(run->files, run->nfiles, env);
    if (!s)
        return NULL;
    *fw = vouch_framework_find(vouch_session_program(s), framework);
    if (*fw < 0) {
        cli_unknown_framework(vouch_session_program(s), framework, none_note);
        vouch_session_free(s);
        return NULL;
    }
    return s;
}

uint32_t cli_rule_errors(const vouch_program *p, const vouch_results *res)
{
    uint32_t n = 0;
    for (uint32_t i = 0; i < res->nrules; i++)
        if (res->rules[i].errored) {
            n++;
            cli_say(stderr, "vouch: error: %s\n", res->rules[i].error ? res->rules[i].error : p->rules[i].id);
        }
    return n;
}
