/*
 * cmd_coverage.c: `vouch coverage`: runs the packs like `check`, applies
 * the waivers, and reports for each control of one framework whether the
 * results satisfy it (runtime/report/coverage.h).
 *
 * One session (runtime/session/session.h) compiles the packs (or loads a
 * .vbc), binds the store, runs and applies the waivers, as for `check`. The argument parsing is
 * its own (main.c's is static and knows no --framework) and behaves the
 * same way: --opt VALUE or --opt=VALUE, `--` ends the options.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "say.h"
#include "cmd_coverage.h"
#include "common.h"
#include "diag.h"
#include "alloc.h"
#include "coverage.h"
#include "date.h"
#include "facts.h"
#include "outcome.h"
#include "report.h"
#include "vm.h"

#define EXIT_CLEAN 0
#define EXIT_USAGE 2

typedef struct cov_args {
    cli_run_args run;
    const char *framework;
} cov_args;

static int parse(int argc, char **argv, cov_args *a)
{
    a->framework = NULL;
    const cli_option extra[] = {{"--framework", .value = &a->framework}};
    return cli_parse_run(argc, argv, "coverage", &a->run, extra, 1);
}

/* The coverage writer with its inputs, for cli_write_file. */
typedef struct cov_job {
    int json;
    const vouch_report *rep;
    const vouch_coverage *cov;
} cov_job;

static int cov_job_write(void *ctx, FILE *out)
{
    const cov_job *j = ctx;
    return (j->json ? vouch_coverage_json : vouch_coverage_text)(j->rep, j->cov, out);
}

int cmd_coverage(int argc, char **argv)
{
    cov_args a;
    int rc = parse(argc, argv, &a);
    if (rc) {
        cli_run_args_free(&a.run);
        return rc;
    }
    rc = EXIT_USAGE;
    vouch_session *s = NULL;
    vouch_coverage cov;
    memset(&cov, 0, sizeof cov);
    vouch_error err;
    vouch_run_env env;
    memset(&env, 0, sizeof env);
    const char *format = a.run.format ? a.run.format : "text";

    if (strcmp(format, "text") && strcmp(format, "json")) {
        cli_usage("unknown format `%s` for coverage (text or json)", format);
        goto out;
    }
    if (cli_framework_run_args(&a.run, a.framework, "coverage", &env) != 0)
        goto out;
    int fw;
    if (!(s = cli_framework_session(&a.run, a.framework, &env, "they declare none", &fw)))
        goto out;
    const vouch_program *p = vouch_session_program(s);
    vouch_results *res = vouch_session_results(s);
    if (cli_output_ready(a.run.output, a.run.facts) != 0)
        goto out;
    if (cli_session_open(s, a.run.facts) != 0)
        goto out;
    if (vouch_session_run(s, &err) != VOUCH_OK ||
        vouch_coverage_build(p, res, (uint32_t)fw, &cov, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        goto out;
    }
    vouch_report rep;
    vouch_session_report(s, a.run.facts, &rep);
    cov_job job = {strcmp(format, "json") == 0, &rep, &cov};
    if (cli_write_file(a.run.output, "--output", cov_job_write, &job) != 0)
        goto out;
    rc = cli_rule_errors(p, res) ? EXIT_USAGE : EXIT_CLEAN;
out:
    vouch_coverage_free(&cov);
    vouch_session_free(s);
    cli_run_args_free(&a.run);
    return rc;
}
