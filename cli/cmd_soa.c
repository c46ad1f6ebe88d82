/*
 * cmd_soa.c: `vouch soa`: the Statement of Applicability of one framework.
 *
 * Reads the SoA's facts (soa, evidence, person) from the store through
 * runtime/report/soa.h, runs the packs as `check` does, applies the waivers,
 * computes the framework's coverage and writes one row per control of the
 * catalogue as Markdown, CSV or HTML (docs/soa.md). The options behave as
 * the other commands' do: --opt VALUE or --opt=VALUE, `--` ends them.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "say.h"
#include "cmd_soa.h"
#include "common.h"
#include "diag.h"
#include "alloc.h"
#include "coverage.h"
#include "date.h"
#include "facts.h"
#include "outcome.h"
#include "report.h"
#include "soa.h"
#include "vm.h"

#define SOA_EXIT_OK 0
#define SOA_EXIT_USAGE 2

typedef int (*soa_writer)(const vouch_report *, const vouch_soa *, FILE *);

/* One SoA writer with its inputs, for cli_write_file. */
typedef struct soa_job {
    soa_writer writer;
    const vouch_report *rep;
    const vouch_soa *soa;
} soa_job;

static int soa_job_write(void *ctx, FILE *out)
{
    const soa_job *j = ctx;
    return j->writer(j->rep, j->soa, out);
}

typedef struct soa_args {
    cli_run_args run;
    const char *framework, *only;
} soa_args;

static int soa_parse(int argc, char **argv, soa_args *a)
{
    a->framework = a->only = NULL;
    const cli_option extra[] = {{"--framework", .value = &a->framework}, {"--only", .value = &a->only}};
    return cli_parse_run(argc, argv, "soa", &a->run, extra, 2);
}

/* The message when --only selects no control: the attributes the
 * framework's controls do have. */
static void soa_nothing_selected(const vouch_framework_info *fw, const char *attr, const char *value)
{
    cli_say(stderr, "vouch: error: no control of %s has %s = %s", fw->id, attr, value);
    const char **seen = vouch_calloc(64, sizeof *seen);
    uint32_t n = 0;
    for (uint32_t c = 0; seen && c < fw->ncontrols; c++)
        for (uint32_t a = 0; fw->controls[c].attr_names && a < fw->controls[c].nattrs; a++) {
            const char *name = fw->controls[c].attr_names[a];
            uint32_t k = 0;
            while (k < n && strcmp(seen[k], name) != 0)
                k++;
            if (k == n && n < 64 && name)
                seen[n++] = name;
        }
    if (n == 0)
        fputs(" (its controls have no attributes)", stderr);
    for (uint32_t k = 0; k < n; k++)
        cli_say(stderr, "%s%s", k ? ", " : " (its controls' attributes: ", seen[k]);
    if (n)
        fputc(')', stderr);
    fputc('\n', stderr);
    vouch_free(seen);
}

/* The fact model the SoA reads its facts through (soa.h): the packs'
 * program when it declares `soa` (so the SoA reads what the rules read),
 * else the standard fact model, stdlib/isms.vouch, compiled alone in
 * *std. NULL after a message. */
static const vouch_program *soa_fact_model(const vouch_program *p, vouch_session **std)
{
    for (uint32_t t = 0; t < p->ntables; t++)
        if (strcmp(p->tables[t].name, "soa") == 0)
            return p;
    *std = cli_session_compile(NULL, 0, NULL);
    return *std ? vouch_session_program(*std) : NULL;
}

int cmd_soa(int argc, char **argv)
{
    soa_args a;
    int rc = soa_parse(argc, argv, &a);
    if (rc) {
        cli_run_args_free(&a.run);
        return rc;
    }
    rc = SOA_EXIT_USAGE;
    vouch_session *s = NULL, *std = NULL;
    vouch_soa_facts sf;
    memset(&sf, 0, sizeof sf);
    vouch_soa soa;
    memset(&soa, 0, sizeof soa);
    vouch_error err;
    vouch_run_env env;
    memset(&env, 0, sizeof env);
    const char *format = a.run.format ? a.run.format : "markdown";
    soa_writer writer = strcmp(format, "markdown") == 0 ? vouch_soa_markdown
                        : strcmp(format, "csv") == 0    ? vouch_soa_csv
                        : strcmp(format, "html") == 0   ? vouch_soa_html
                                                        : NULL;
    if (!writer) {
        cli_usage("unknown format `%s` for soa (markdown, csv or html)", format);
        goto out;
    }
    if (cli_framework_run_args(&a.run, a.framework, "soa", &env) != 0)
        goto out;
    char only_attr[256] = "";
    const char *only_value = NULL;
    if (a.only) {
        const char *eq = strchr(a.only, '=');
        if (!eq || eq == a.only || (size_t)(eq - a.only) >= sizeof only_attr) {
            cli_usage("--only `%s` is not ATTRIBUTE=VALUE (for example kind=annex_a)", a.only);
            goto out;
        }
        memcpy(only_attr, a.only, (size_t)(eq - a.only));
        only_attr[eq - a.only] = 0;
        only_value = eq + 1;
    }

    int fw;
    if (!(s = cli_framework_session(&a.run, a.framework, &env,
                                    "they declare none: the SoA lists the controls of a `framework` catalogue", &fw)))
        goto out;
    const vouch_program *p = vouch_session_program(s);
    vouch_results *res = vouch_session_results(s);
    if (a.only) {
        const vouch_framework_info *fi = &p->frameworks[fw];
        uint32_t c = 0;
        while (c < fi->ncontrols && !vouch_soa_selected(&fi->controls[c], only_attr, only_value))
            c++;
        if (c == fi->ncontrols) {
            soa_nothing_selected(fi, only_attr, only_value);
            goto out;
        }
    }
    const vouch_program *model = soa_fact_model(p, &std);
    if (!model)
        goto out;
    if (cli_output_ready(a.run.output, a.run.facts) != 0)
        goto out;
    /* The SoA's own facts first (soa_read binds the store to programs of its
     * own, with the fact model's declarations of its tables), then the
     * packs' run. */
    /* the identity names the SoA's tables (soa_read adds them) and the
     * packs' (the session's bind) */
    cli_input_store(a.run.facts);
    if (vouch_session_open(s, a.run.facts, &err) != VOUCH_OK ||
        vouch_soa_read(vouch_session_facts(s), model, a.framework, env.today, vouch_session_identity(s), &sf, &err) !=
            VOUCH_OK ||
        vouch_session_bind(s, &err) != VOUCH_OK || vouch_session_run(s, &err) != VOUCH_OK ||
        vouch_soa_build(p, res, (uint32_t)fw, &sf, a.only ? only_attr : NULL, only_value, &soa, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        goto out;
    }
    vouch_report rep;
    vouch_session_report(s, a.run.facts, &rep);
    soa_job job = {writer, &rep, &soa};
    if (cli_write_file(a.run.output, "--output", soa_job_write, &job) != 0)
        goto out;
    rc = cli_rule_errors(p, res) ? SOA_EXIT_USAGE : SOA_EXIT_OK;
out:
    vouch_soa_free(&soa);
    vouch_soa_facts_free(&sf);
    vouch_session_free(std);
    vouch_session_free(s);
    cli_run_args_free(&a.run);
    return rc;
}
