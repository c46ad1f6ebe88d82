/*
 * cmd_coverage.c: `vouch coverage`: runs the packs like `check`, applies
 * the waivers, and reports for each control of one framework whether the
 * results satisfy it (runtime/coverage.h).
 *
 * Packs are compiled (or a .vbc loaded) by main.c's compile step, passed
 * in, so imports resolve as they do for `check`. The argument parsing is
 * its own (main.c's is static and knows no --framework) and behaves the
 * same way: --opt VALUE or --opt=VALUE, `--` ends the options.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmd_coverage.h"
#include "diag.h"
#include "../runtime/coverage.h"
#include "../runtime/date.h"
#include "../runtime/facts.h"
#include "../runtime/outcome.h"
#include "../runtime/report.h"
#include "../runtime/vm.h"

#define EXIT_CLEAN 0
#define EXIT_USAGE 2

static int usage(const char *fmt, const char *arg)
{
    fprintf(stderr, "vouch: ");
    fprintf(stderr, fmt, arg);
    fprintf(stderr, "\nRun `vouch --help` for usage.\n");
    return EXIT_USAGE;
}

typedef struct cov_args {
    const char *facts, *as_of, *period, *format, *output, *framework;
    char **files;
    int nfiles;
} cov_args;

static int parse(int argc, char **argv, cov_args *a)
{
    static const char *const names[] = {"--facts", "--as-of", "--period", "--format", "--output", "-o", "--framework"};
    memset(a, 0, sizeof *a);
    a->files = calloc((size_t)argc + 1, sizeof *a->files);
    if (!a->files)
        return usage("%s", "out of memory");
    int only_files = 0;
    for (int i = 0; i < argc; i++) {
        char *s = argv[i];
        if (only_files || s[0] != '-' || strcmp(s, "-") == 0) {
            a->files[a->nfiles++] = s;
            continue;
        }
        if (strcmp(s, "--") == 0) {
            only_files = 1;
            continue;
        }
        const char *eq = strchr(s, '=');
        size_t nl = eq ? (size_t)(eq - s) : strlen(s);
        int k = -1;
        for (int j = 0; j < (int)(sizeof names / sizeof names[0]); j++)
            if (strlen(names[j]) == nl && strncmp(names[j], s, nl) == 0)
                k = j;
        if (k < 0) {
            char name[64];
            snprintf(name, sizeof name, "%.*s", (int)(nl < 60 ? nl : 60), s);
            return usage("unknown option %s for this command", name);
        }
        const char *val = eq ? eq + 1 : i + 1 < argc ? argv[++i] : NULL;
        if (!val)
            return usage("option %s needs a value", names[k]);
        const char **slot[] = {&a->facts, &a->as_of, &a->period, &a->format, &a->output, &a->output, &a->framework};
        *slot[k] = val;
    }
    return 0;
}

static int64_t today_utc(void)
{
    time_t t = time(NULL);
    struct tm tm;
    gmtime_r(&t, &tm);
    return date_from_civil(tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday);
}

/* Writes through a temporary file renamed into place, as check does. */
static int write_out(const vouch_report *rep, const vouch_coverage *c, int json, const char *path)
{
    int (*writer)(const vouch_report *, const vouch_coverage *, FILE *) =
        json ? vouch_coverage_json : vouch_coverage_text;
    if (!path)
        return writer(rep, c, stdout) == 0 && fflush(stdout) == 0 ? 0 : -1;
    size_t n = strlen(path) + 32;
    char *tmp = malloc(n);
    if (!tmp)
        return -1;
    snprintf(tmp, n, "%s.tmp.%ld", path, (long)getpid());
    FILE *f = fopen(tmp, "wb");
    int rc = -1;
    if (f) {
        rc = writer(rep, c, f);
        if (fclose(f) != 0)
            rc = -1;
        if (rc == 0 && rename(tmp, path) != 0)
            rc = -1;
        if (rc != 0)
            unlink(tmp);
    }
    if (rc != 0)
        fprintf(stderr, "vouch: error: cannot write %s: %s\n", path, strerror(errno));
    free(tmp);
    return rc;
}

/* The unknown-framework message, with the frameworks the packs declare. */
static void unknown_framework(const vouch_program *p, const char *id)
{
    const char **names = calloc((size_t)p->nframeworks + 1, sizeof *names);
    const char *close = NULL;
    if (names) {
        for (uint32_t i = 0; i < p->nframeworks; i++)
            names[i] = p->frameworks[i].id;
        close = diag_closest(id, strlen(id), names, p->nframeworks);
    }
    fprintf(stderr, "vouch: error: the packs declare no framework `%s`", id);
    if (close)
        fprintf(stderr, "; did you mean `%s`?", close);
    if (p->nframeworks == 0) {
        fputs(" (they declare none)", stderr);
    } else {
        fputs(" (they declare", stderr);
        for (uint32_t i = 0; i < p->nframeworks; i++)
            fprintf(stderr, "%s %s", i ? "," : "", p->frameworks[i].id);
        fputs(")", stderr);
    }
    fputc('\n', stderr);
    free(names);
}

int cmd_coverage(int argc, char **argv, cli_compile_fn compile)
{
    cov_args a;
    int rc = parse(argc, argv, &a);
    if (rc) {
        free(a.files);
        return rc;
    }
    rc = EXIT_USAGE;
    vouch_program *p = NULL;
    vouch_facts *f = NULL;
    vouch_results res;
    memset(&res, 0, sizeof res);
    vouch_coverage cov;
    memset(&cov, 0, sizeof cov);
    vouch_error err;
    vouch_run_env env;
    memset(&env, 0, sizeof env);
    const char *format = a.format ? a.format : "text";

    if (strcmp(format, "text") && strcmp(format, "json")) {
        usage("unknown format `%s` for coverage (text or json)", format);
        goto out;
    }
    if (!a.framework) {
        usage("%s", "coverage needs --framework ID");
        goto out;
    }
    if (!a.facts) {
        usage("%s", "coverage needs --facts FILE.db");
        goto out;
    }
    if (a.nfiles == 0) {
        usage("%s", "coverage needs at least one pack file");
        goto out;
    }
    env.today = today_utc();
    if (a.as_of && date_parse(a.as_of, strlen(a.as_of), &env.today) != 0) {
        usage("--as-of `%s` is not a date (YYYY-MM-DD)", a.as_of);
        goto out;
    }
    if (a.period) {
        const char *dots = strstr(a.period, "..");
        if (!dots || date_parse(a.period, (size_t)(dots - a.period), &env.period_start) != 0 ||
            date_parse(dots + 2, strlen(dots + 2), &env.period_end) != 0) {
            usage("--period `%s` is not a range of dates (YYYY-MM-DD..YYYY-MM-DD)", a.period);
            goto out;
        }
        if (env.period_end < env.period_start) {
            usage("--period `%s` ends before it starts", a.period);
            goto out;
        }
    } else {
        int64_t q = date_quarter_start(env.today);
        env.period_start = date_add_months(q, -12);
        env.period_end = q - 1;
    }

    p = compile(a.files, a.nfiles);
    if (!p)
        goto out;
    int fw = vouch_framework_find(p, a.framework);
    if (fw < 0) {
        unknown_framework(p, a.framework);
        goto out;
    }
    if (vouch_facts_open(a.facts, &f, &err) != VOUCH_OK || vouch_facts_bind(f, p, &err) != VOUCH_OK ||
        vouch_vm_run(p, f, &env, &res, &err) != VOUCH_OK ||
        vouch_apply_waivers(p, env.today, &res, &err) != VOUCH_OK ||
        vouch_coverage_build(p, &res, (uint32_t)fw, &cov, &err) != VOUCH_OK) {
        fprintf(stderr, "vouch: error: %s\n", err.msg);
        goto out;
    }
    vouch_report rep = {p, &res, env.today, env.period_start, env.period_end, a.facts, SEV_INFO};
    if (write_out(&rep, &cov, strcmp(format, "json") == 0, a.output) != 0)
        goto out;
    rc = EXIT_CLEAN;
    for (uint32_t i = 0; i < res.nrules; i++)
        if (res.rules[i].errored) {
            rc = EXIT_USAGE;
            fprintf(stderr, "vouch: error: %s\n", res.rules[i].error ? res.rules[i].error : p->rules[i].id);
        }
out:
    vouch_coverage_free(&cov);
    vouch_outcome_release(&res);
    vouch_results_free(&res);
    vouch_facts_close(f);
    vouch_program_free(p);
    free(a.files);
    return rc;
}
