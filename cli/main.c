/*
 * main.c: the vouch command line. The only part of vouch that prints,
 * reads arguments, or decides an exit status:
 *   0  no finding fails the run
 *   1  some finding fails the run: a hard rule's, or a soft rule's at or
 *      above --fail-on (unless --allow-soft); advisory rules' never do
 *   2  usage or input error (bad source, bad facts, missing file, ...)
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "say.h"
#include "cmd_compile.h"
#include "limits_opt.h"
#include "cmd_coverage.h"
#include "cmd_explain.h"
#include "cmd_soa.h"
#include "cmd_load.h"
#include "cmd_lsp.h"
#include "cmd_test.h"
#include "help.h"
#include "common.h"
#include "outfile.h"
#include "format.h"
#include "compile.h"
#include "diag.h"
#include "alloc.h"
#include "date.h"
#include "facts.h"
#include "program_io.h"
#include "outcome.h"
#include "report.h"
#include "vm.h"
#include "vouch_limits.h"

#define EXIT_CLEAN 0
#define EXIT_FINDINGS 1
#define EXIT_USAGE 2

static int usage_error(const char *fmt, const char *arg) { return cli_usage(fmt, arg); }

/* ---- compiling ------------------------------------------------------ */

/* Set by `vouch lint` for its one compilation: report lint warnings, and
 * count them here. */
static int lint_mode;
static unsigned lint_warnings;

/* Compiles the given pack files (plus the standard packs they import) or
 * loads one .vbc, through a session (runtime/session/session.h) whose
 * program is then the caller's (for the commands that only compile, and
 * `vouch test`, whose tests each run in a session of their own). With no
 * files, compiles the standard fact model alone. with_isms: also import the standard fact model, whatever the packs
 * import (load writes facts of the standard tables). Prints diagnostics;
 * returns NULL on any error. */
static vouch_program *compile_sources(char **paths, int n, int with_isms)
{
    vouch_session_options o;
    cli_session_options(&o, NULL);
    o.with_isms = with_isms;
    o.lint = lint_mode;
    vouch_error err;
    vouch_session *s = vouch_session_new(&o, &err);
    if (!s) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        return NULL;
    }
    vouch_status st = vouch_session_compile(s, paths, n, &err);
    lint_warnings += vouch_session_compile_warnings(s);
    if (st != VOUCH_OK)
        cli_session_compile_error(s, st, &err);
    vouch_program *p = vouch_session_take_program(s);
    vouch_session_free(s);
    return p;
}

static vouch_program *compile_packs(char **paths, int n) { return compile_sources(paths, n, n == 0); }
/* load: the standard facts always, and the packs' own */
static vouch_program *compile_with_isms(char **paths, int n) { return compile_sources(paths, n, 1); }

/* ---- argument helpers ---------------------------------------------- */

typedef int (*report_writer)(const vouch_report *, FILE *);
static report_writer find_format(const char *name, size_t n);

typedef struct args {
    const char *facts, *as_of, *period, *format, *fail_on, *output;
    const char *max_steps, *max_memory, *timeout;  /* check: limits (limits_opt.h) */
    const char *baseline;    /* check --baseline OLD.json */
    int stats, allow_soft, explain, fail_on_new, period_to_date;
    int positions;           /* disasm --positions */
    char **files;
    int nfiles;
    char **outputs;          /* check --output FORMAT=FILE, repeatable */
    int noutputs;
    cli_list output_list;
} args;

/* Parses the options of check, load, lint and disasm (cli_parse); allowed
 * is a string of the option names the command takes. Each --output is a
 * FORMAT=FILE output, or else the one file --format goes to (given once:
 * check_outputs refuses a second). */
static int parse_args(int argc, char **argv, const char *allowed, args *a)
{
    memset(a, 0, sizeof *a);
    const cli_option all[] = {
        {"--facts", .value = &a->facts},
        {"--as-of", .value = &a->as_of},
        {"--period", .value = &a->period},
        {"--format", .value = &a->format},
        {"--fail-on", .value = &a->fail_on},
        {"--max-steps", .value = &a->max_steps},
        {"--max-memory", .value = &a->max_memory},
        {"--timeout", .value = &a->timeout},
        {"--output", .list = &a->output_list},
        {"-o", .list = &a->output_list},
        {"--stats", .flag = &a->stats},
        {"--allow-soft", .flag = &a->allow_soft},
        {"--explain", .flag = &a->explain},
        {"--baseline", .value = &a->baseline},
        {"--fail-on-new", .flag = &a->fail_on_new},
        {"--period-to-date", .flag = &a->period_to_date},
        {"--positions", .flag = &a->positions},
    };
    cli_option opts[sizeof all / sizeof all[0]];
    size_t n = 0;
    char pattern[80];
    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        snprintf(pattern, sizeof pattern, " %s ", all[i].name);
        if (strstr(allowed, pattern))
            opts[n++] = all[i];
    }
    int rc = cli_parse(argc, argv, opts, n, &a->files, &a->nfiles);
    /* a copy: check_outputs reads every value of output_list */
    a->outputs = vouch_calloc((size_t)a->output_list.n + 1, sizeof *a->outputs);
    if (!a->outputs && rc == 0)
        rc = usage_error("%s", "out of memory");
    for (int i = 0; a->outputs && i < a->output_list.n; i++) {
        char *val = a->output_list.v[i];
        const char *feq = strchr(val, '=');
        if (feq && find_format(val, (size_t)(feq - val)))
            a->outputs[a->noutputs++] = val; /* FORMAT=FILE, kept in order */
        else
            a->output = val;
    }
    return rc;
}

static void free_args(args *a)
{
    vouch_free(a->files);
    vouch_free(a->output_list.v);
    vouch_free(a->outputs);
}


/* ---- check ---------------------------------------------------------- */

/* The formats of `check`: name and writer (docs/outputs.md). */
static const struct {
    const char *name;
    report_writer write;
} FORMATS[] = {
    {"text", vouch_report_text},   {"json", vouch_report_json},         {"tsv", vouch_report_tsv},
    {"sarif", vouch_report_sarif}, {"junit", vouch_report_junit},       {"oscal", vouch_report_oscal},
    {"markdown", vouch_report_markdown}, {"html", vouch_report_html},
};

static report_writer find_format(const char *name, size_t n)
{
    for (size_t i = 0; i < sizeof FORMATS / sizeof FORMATS[0]; i++)
        if (strlen(FORMATS[i].name) == n && strncmp(FORMATS[i].name, name, n) == 0)
            return FORMATS[i].write;
    return NULL;
}

/* One report writer with its inputs, for cli_write_file. */
typedef struct report_job {
    const vouch_report *rep;
    report_writer writer;
} report_job;

static int report_job_write(void *ctx, FILE *out)
{
    const report_job *j = ctx;
    return j->writer(j->rep, out);
}

static int write_report(const vouch_report *rep, report_writer writer, const char *path)
{
    report_job job = {rep, writer};
    return cli_write_file(path, "--output", report_job_write, &job);
}

/* Every file check's --output options name (a FORMAT=FILE's FILE; NULL
 * for the standard output --format goes to when no --output FILE is
 * given), checked as one run's outputs (cli_outputs_check), and the
 * --format report's file given once (cli_output_once): 0 or 2. */
static int check_outputs(const args *a)
{
    const char **v = vouch_calloc((size_t)a->output_list.n + 2, sizeof *v);
    const char **plain = vouch_calloc((size_t)a->output_list.n + 1, sizeof *plain);
    if (!v || !plain) {
        vouch_free(v);
        vouch_free(plain);
        return usage_error("%s", "out of memory");
    }
    int n = 0, nplain = 0;
    for (int i = 0; i < a->output_list.n; i++) {
        const char *val = a->output_list.v[i];
        const char *feq = strchr(val, '=');
        if (feq && find_format(val, (size_t)(feq - val)))
            v[n++] = feq + 1;
        else
            v[n++] = plain[nplain++] = val;
    }
    if (!nplain && (a->noutputs == 0 || a->format))
        v[n++] = NULL;
    int rc = cli_outputs_check(v, n, "--output");
    if (rc == 0)
        rc = cli_output_once(plain, nplain, "--output",
                             "check writes one --format report (more formats: --output FORMAT=FILE)");
    vouch_free(v);
    vouch_free(plain);
    return rc;
}

static int cmd_check(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, " --facts --as-of --period --period-to-date --format --fail-on --allow-soft --explain --output -o --stats --max-steps --max-memory --timeout "
                        "--baseline --fail-on-new ", &a);
    if (rc == 0 && a.baseline)
        cli_input_baseline(a.baseline);
    if (rc == 0)
        rc = check_outputs(&a);
    if (rc) {
        free_args(&a);
        return rc;
    }
    rc = EXIT_USAGE;
    vouch_session *s = NULL;
    vouch_error err;
    vouch_run_env env;
    memset(&env, 0, sizeof env);
    vouch_baseline base;
    memset(&base, 0, sizeof base);
    const char *format = a.format ? a.format : "text";
    int fail_on = SEV_INFO;

    if (!find_format(format, strlen(format))) {
        usage_error("unknown format `%s` (text, json, tsv, sarif, junit, oscal, markdown or html)", format);
        goto out;
    }
    for (int k = 0; k < a.noutputs; k++)
        if (!strchr(a.outputs[k], '=')[1]) {
            usage_error("--output %s names no file", a.outputs[k]);
            goto out;
        }
    if (a.fail_on && (fail_on = vouch_severity_parse(a.fail_on, strlen(a.fail_on))) < 0) {
        usage_error("unknown severity `%s` for --fail-on (info, low, medium, high, critical)", a.fail_on);
        goto out;
    }
    if (!a.facts) {
        usage_error("%s", "check needs --facts FILE.db");
        goto out;
    }
    if (a.nfiles == 0) {
        usage_error("%s", "check needs at least one pack file");
        goto out;
    }
    if (cli_limit_options(a.max_steps, a.max_memory, a.timeout, &env) != 0)
        goto out;
    if (cli_dates(a.as_of, a.period, a.period_to_date, &env) != 0)
        goto out;
    if (a.fail_on_new && !a.baseline) {
        usage_error("%s", "--fail-on-new needs --baseline OLD.json");
        goto out;
    }
    /* The baseline is read before the run: a bad file costs no evaluation. */
    if (a.baseline && vouch_baseline_read(a.baseline, &base, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        goto out;
    }

    /* The HTML report shows each finding's explanation, and the OSCAL
     * report the facts rows behind it. */
    int explain = a.explain || (a.format && (strcmp(format, "html") == 0 || strcmp(format, "oscal") == 0));
    for (int k = 0; k < a.noutputs; k++)
        explain |= strncmp(a.outputs[k], "html=", 5) == 0 || strncmp(a.outputs[k], "oscal=", 6) == 0;
    env.explain = explain;
    /* One session: compile (imports resolved), open and bind the store as
     * of the as-of, run, waivers (runtime/session/session.h). */
    if (!(s = cli_session_compile(a.files, a.nfiles, &env)))
        goto out;
    /* again, now that the inputs are known (the packs read, the store
     * named): nothing is opened or run for a report that could not be
     * written */
    cli_input_store(a.facts);
    if (check_outputs(&a) != 0)
        goto out;
    if (cli_session_open(s, a.facts) != 0)
        goto out;
    if (vouch_session_run(s, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        goto out;
    }
    const vouch_program *p = vouch_session_program(s);
    vouch_facts *f = vouch_session_facts(s);
    vouch_results *res = vouch_session_results(s);
    if (a.stats) {
        vouch_facts_stats st;
        vouch_facts_get_stats(f, &st);
        cli_say(stderr, "vouch: %u plans by SQL, %u by hash index; %llu seeks, %llu rows%s; %u thread%s\n",
                st.sql_plans, st.hash_plans, (unsigned long long)st.seeks, (unsigned long long)st.rows,
                res->threads > 1 ? " (the first thread's)" : "", res->threads, res->threads == 1 ? "" : "s");
        if (res->shared)
            cli_say(stderr, "vouch: the rows of %u rule%s shared between the threads\n", res->shared,
                    res->shared == 1 ? "" : "s");
        for (uint32_t i = 0; i < p->nplans; i++)
            cli_say(stderr, "  plan %u (%s): %s\n", i, p->rules[p->plans[i].rule].id, vouch_facts_describe(f, i));
    }
    if (a.baseline && vouch_baseline_match(&base, p, res, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
        goto out;
    }
    vouch_report rep;
    vouch_session_report(s, a.facts, &rep);
    rep.fail_on = fail_on;
    rep.allow_soft = a.allow_soft;
    /* Explanations asked for only by the HTML and OSCAL reports stay there. */
    rep.why_hidden = explain && !a.explain;
    rep.baseline = a.baseline ? &base : NULL;
    rep.fail_on_new = a.fail_on_new;
    /* --format goes to --output FILE (or stdout) unless only FORMAT=FILE
     * outputs are given; each FORMAT=FILE is written whole or not at all. */
    if ((a.output || a.noutputs == 0 || a.format) &&
        write_report(&rep, find_format(format, strlen(format)), a.output) != 0)
        goto out;
    for (int k = 0; k < a.noutputs; k++) {
        const char *eq = strchr(a.outputs[k], '=');
        if (write_report(&rep, find_format(a.outputs[k], (size_t)(eq - a.outputs[k])), eq + 1) != 0)
            goto out;
    }
    int errored = cli_rule_errors(p, res) != 0;
    rc = errored ? EXIT_USAGE : vouch_report_failing(&rep) ? EXIT_FINDINGS : EXIT_CLEAN;
out:
    vouch_session_free(s);
    vouch_baseline_free(&base);
    free_args(&a);
    return rc;
}

/* ---- disasm ---------------------------------------------------------- */

/* ---- fmt -------------------------------------------------------------- */

/* vouch fmt [--check] FILE...: rewrites each file in the canonical layout
 * (cli_write_buf: whole or not at all, its mode kept), or with --check only says
 * which files would change (exit 1). */
static int cmd_fmt(int argc, char **argv)
{
    int check = 0, rc = EXIT_CLEAN, nfiles = 0;
    for (int i = 0; i < argc; i++) {
        if (strcmp(argv[i], "--check") == 0)
            check = 1;
        else if (argv[i][0] == '-' && argv[i][1])
            return usage_error("unknown option %s for this command", argv[i]);
        else
            nfiles++;
    }
    if (nfiles == 0)
        return usage_error("%s", "fmt needs at least one pack file");
    for (int i = 0; i < argc; i++) {
        if (argv[i][0] == '-' && argv[i][1])
            continue;
        const char *path = argv[i];
        size_t len = 0;
        char *text = vouch_session_read_source(path, &len);
        if (!text) {
            cli_say(stderr, "vouch: error: cannot read %s: %s\n", path, strerror(errno));
            rc = EXIT_USAGE;
            continue;
        }
        if (vouch_program_is_vbc(text, len)) { /* by its signature, whatever its name */
            cli_say(stderr, "vouch: error: %s is a compiled program; fmt takes .vouch sources\n", path);
            free(text);
            rc = EXIT_USAGE;
            continue;
        }
        arena a;
        arena_init(&a);
        vouch_source *src = source_new(&a, path, text, len);
        char *out = NULL;
        size_t olen = 0;
        int st = src ? format_source(src, &out, &olen) : -1;
        if (st == 1) {
            cli_say(stderr, "vouch: error: %s has lexical errors; run `vouch disasm %s` to see them\n", path, path);
            rc = EXIT_USAGE;
        } else if (st < 0) {
            cli_say(stderr, "vouch: error: out of memory formatting %s\n", path);
            rc = EXIT_USAGE;
        } else if (olen != len || memcmp(out, text, len) != 0) {
            if (check) {
                cli_say(stdout, "%s: not formatted\n", path);
                if (rc == EXIT_CLEAN)
                    rc = EXIT_FINDINGS;
            } else if (cli_write_buf(path, "fmt", out, olen) != 0) {
                rc = EXIT_USAGE;  /* a new file with the old one's mode (outfile.h) */
            }
        }
        vouch_free(out);
        arena_free(&a);
        free(text);
    }
    return rc;
}

/* ---- lint ------------------------------------------------------------- */

static int cmd_lint(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, " ", &a);
    if (rc) {
        free_args(&a);
        return rc;
    }
    if (a.nfiles == 0) {
        free_args(&a);
        return usage_error("%s", "lint needs at least one pack file");
    }
    for (int i = 0; i < a.nfiles; i++)
        if (cli_is_program_file(a.files[i])) {
            cli_say(stderr, "vouch: error: %s is a compiled program; lint takes .vouch sources\n",
                    a.files[i]);
            rc = EXIT_USAGE;
        }
    if (rc) {
        free_args(&a);
        return rc;
    }
    lint_mode = 1;
    vouch_program *p = compile_packs(a.files, a.nfiles);
    lint_mode = 0;
    if (!p)
        rc = EXIT_USAGE;
    else if (lint_warnings)
        rc = EXIT_FINDINGS;
    if (p && lint_warnings)
        cli_say(stderr, "vouch: %u warning%s\n", lint_warnings, lint_warnings == 1 ? "" : "s");
    vouch_program_free(p);
    free_args(&a);
    return rc;
}

static int cmd_disasm(int argc, char **argv)
{
    args a;
    int rc = parse_args(argc, argv, " --positions ", &a);
    if (rc) {
        free_args(&a);
        return rc;
    }
    rc = EXIT_USAGE;
    if (a.nfiles == 0) {
        usage_error("%s", "disasm needs at least one pack file");
    } else {
        vouch_program *p = compile_packs(a.files, a.nfiles);
        if (p) {
            vouch_disasm_with(p, stdout, a.positions ? VOUCH_DISASM_POSITIONS : 0);
            rc = fflush(stdout) == 0 ? EXIT_CLEAN : EXIT_USAGE;
            vouch_program_free(p);
        }
    }
    free_args(&a);
    return rc;
}

/* vouch help [COMMAND]: the general help, or one command's (help.h). */
static int cmd_help(int argc, char **argv)
{
    if (argc == 0 || strcmp(argv[0], "help") == 0 || strcmp(argv[0], "--help") == 0 || strcmp(argv[0], "-h") == 0) {
        cli_help_general(stdout);
        return EXIT_CLEAN;
    }
    if (argc > 1)
        return usage_error("%s", "help takes one command: vouch help COMMAND");
    if (cli_help_command(argv[0], stdout) == 0)
        return EXIT_CLEAN;
    const char *near = cli_help_closest(argv[0]);
    if (near)
        cli_say(stderr, "vouch: no command `%s`; did you mean `%s`?\n", argv[0], near);
    else
        cli_say(stderr, "vouch: no command `%s` (check, load, explain, test, lint, fmt, coverage, soa, compile, disasm, lsp)\n",
                argv[0]);
    fputs("Run `vouch --help` for usage.\n", stderr);
    return EXIT_USAGE;
}

int main(int argc, char **argv)
{
    if (argc < 2)
        return usage_error("%s", "no command given");
    const char *cmd = argv[1];
    if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
        cli_help_general(stdout);
        return EXIT_CLEAN;
    }
    if (strcmp(cmd, "help") == 0)
        return cmd_help(argc - 2, argv + 2);
    if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
        printf("vouch %s (program format %d, results format %d)\n", VOUCH_VERSION, VOUCH_PROGRAM_VERSION,
               VOUCH_JSON_FORMAT);
        return EXIT_CLEAN;
    }
    /* --help or -h anywhere before a `--`: the command's help (the general
     * one for a command that does not exist) */
    for (int i = 2; i < argc && strcmp(argv[i], "--") != 0; i++)
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            if (cli_help_command(cmd, stdout) != 0)
                cli_help_general(stdout);
            return EXIT_CLEAN;
        }
    if (strcmp(cmd, "check") == 0)
        return cmd_check(argc - 2, argv + 2);
    if (strcmp(cmd, "load") == 0)
        return cmd_load(argc - 2, argv + 2, compile_with_isms);
    if (strcmp(cmd, "disasm") == 0)
        return cmd_disasm(argc - 2, argv + 2);
    if (strcmp(cmd, "compile") == 0)
        return cmd_compile(argc - 2, argv + 2, compile_packs);
    if (strcmp(cmd, "fmt") == 0)
        return cmd_fmt(argc - 2, argv + 2);
    if (strcmp(cmd, "lint") == 0)
        return cmd_lint(argc - 2, argv + 2);
    if (strcmp(cmd, "test") == 0)
        return cmd_test(argc - 2, argv + 2, compile_packs);
    if (strcmp(cmd, "explain") == 0)
        return cmd_explain(argc - 2, argv + 2);
    if (strcmp(cmd, "coverage") == 0)
        return cmd_coverage(argc - 2, argv + 2);
    if (strcmp(cmd, "soa") == 0)
        return cmd_soa(argc - 2, argv + 2);
    if (strcmp(cmd, "lsp") == 0)
        return cmd_lsp(argc - 2, argv + 2);
    return usage_error("unknown command `%s` (check, load, explain, test, lint, fmt, coverage, soa, "
                       "compile, disasm, lsp)", cmd);
}
