/*
 * cmd_load.c: `vouch load --facts FILE.db [--pack P]... [--replace |
 * --upsert] [--catalogues] [--time-zone Z] [--table T -] [--quiet]
 * [--source NAME]... INPUT...`: files (CSV, JSON, JSON Lines, or another
 * tool's export read by a `source` of the packs; by each of several
 * sources, so one export feeds several facts), standard input and the
 * packs' catalogues into a facts store, through the loader of the store
 * (facts.h, vouch_facts_load_inputs: every value checked, one
 * transaction). docs/loading.md is the reference.
 *
 * On a terminal (stderr), a long load shows its progress (rows read of
 * the input being loaded) and every load that succeeds ends with a
 * summary (rows per table, time) on stderr; never with --quiet or when
 * stderr is not a terminal, so scripts and tests see only errors.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cmd_load.h"
#include "catalogue_rows.h"
#include "common.h"
#include "say.h"
#include "source_opt.h"
#include "alloc.h"
#include "clock.h"
#include "facts.h"

#define EXIT_CLEAN 0
#define EXIT_USAGE 2

/* ---- progress and summary ------------------------------------------- */

typedef struct progress {
    uint64_t start_ns, last_ns;
    int shown;               /* a progress line is on the terminal */
    const char **tables;     /* the tables loaded, in order, and their rows */
    uint64_t *rows;
    uint32_t n, cap;
} progress;

/* Progress only after a second, so a short load shows just its summary;
 * then at most five lines a second, each over the last. */
static void on_progress(void *ctx, const char *table, uint64_t rows, int done)
{
    progress *pr = ctx;
    uint64_t now = vouch_clock_ns();
    if (done) {
        uint32_t i = 0;
        while (i < pr->n && strcmp(pr->tables[i], table) != 0)
            i++;
        if (i == pr->n && i < pr->cap) {
            pr->tables[pr->n] = table;
            pr->rows[pr->n++] = 0;
        }
        if (i < pr->n)
            pr->rows[i] += rows;
        return;
    }
    if (now - pr->start_ns < 1000000000u || now - pr->last_ns < 200000000u)
        return;
    fprintf(stderr, "\rvouch load: %s: %llu rows", table, (unsigned long long)rows);
    pr->shown = 1;
    pr->last_ns = now;
}

static void clear_progress(progress *pr)
{
    if (pr->shown)
        fputs("\r\033[K", stderr);
    pr->shown = 0;
}

static void summary(const progress *pr)
{
    uint64_t total = 0;
    for (uint32_t i = 0; i < pr->n; i++)
        total += pr->rows[i];
    double secs = (double)(vouch_clock_ns() - pr->start_ns) / 1e9;
    fprintf(stderr, "vouch load: %llu row%s in %.1f s", (unsigned long long)total,
            total == 1 ? "" : "s", secs);
    for (uint32_t i = 0; i < pr->n; i++)
        fprintf(stderr, "%s%s %llu", i ? ", " : ": ", pr->tables[i], (unsigned long long)pr->rows[i]);
    fputc('\n', stderr);
}

/* ---- options ---------------------------------------------------------- */

/* --time-zone: UTC (or Z), or an offset +HH:MM / -HH:MM from -12:00 to
 * +14:00, the zones in use. 0 and *minutes east of UTC, or -1. */
static int parse_zone(const char *s, int *minutes)
{
    if (strcmp(s, "UTC") == 0 || strcmp(s, "Z") == 0) {
        *minutes = 0;
        return 0;
    }
    if (strlen(s) != 6 || (s[0] != '+' && s[0] != '-') || s[3] != ':')
        return -1;
    for (int i = 1; i < 6; i++)
        if (i != 3 && (s[i] < '0' || s[i] > '9'))
            return -1;
    int h = (s[1] - '0') * 10 + (s[2] - '0'), m = (s[4] - '0') * 10 + (s[5] - '0');
    int v = (h * 60 + m) * (s[0] == '-' ? -1 : 1);
    if (m > 59 || v < -12 * 60 || v > 14 * 60)
        return -1;
    *minutes = v;
    return 0;
}

int cmd_load(int argc, char **argv, cli_compile_fn compile)
{
    const char *facts = NULL, *table = NULL, *zone = NULL;
    int replace = 0, upsert = 0, catalogues = 0, quiet = 0;
    cli_list packs = {0}, sources = {0};
    char **files = NULL;
    int nfiles = 0;
    const cli_option opts[] = {
        {"--facts", .value = &facts},
        {"--pack", .list = &packs},
        {"--replace", .flag = &replace},
        {"--upsert", .flag = &upsert},
        {"--catalogues", .flag = &catalogues},
        {"--table", .value = &table},
        {"--time-zone", .value = &zone},
        {"--quiet", .flag = &quiet},
        {"--source", .list = &sources},
    };
    int rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0], &files, &nfiles);
    vouch_program *p = NULL;
    cli_catalogue cat = {0};
    vouch_load_input *in = NULL;
    progress pr = {0};
    if (rc)
        goto out;
    rc = EXIT_USAGE;
    vouch_load_options opt = {0};
    opt.replace = replace;
    opt.upsert = upsert;
    if (!facts) {
        cli_usage("%s", "load needs --facts FILE.db");
        goto out;
    }
    if (replace && upsert) {
        cli_usage("%s", "--replace empties the tables, --upsert keeps their rows: give one");
        goto out;
    }
    if (zone && parse_zone(zone, &opt.tz_minutes) != 0) {
        cli_usage("--time-zone `%s` is not UTC or an offset from -12:00 to +14:00 such as +02:00",
                  zone);
        goto out;
    }
    uint32_t nin = 0, nstdin = 0;
    /* with several --source, each file is read by each source: one input
     * per file and source, all in the load's one transaction */
    uint32_t per_file = sources.n > 1 ? (uint32_t)sources.n : 1;
    in = calloc((size_t)nfiles * per_file + 5, sizeof *in);
    if (!in)
        goto oom;
    for (uint32_t k = 0; k < per_file; k++)
        for (int i = 0; i < nfiles; i++) {
            int is_stdin = strcmp(files[i], "-") == 0;
            nstdin += (uint32_t)(is_stdin && k == 0);
            in[nin].table = is_stdin ? table : NULL;
            in[nin++].path = files[i];
        }
    if (nstdin && sources.n > 1) {
        cli_usage("%s", "standard input (`-`) is read once: with several --source, give files");
        goto out;
    }
    /* `-` is standard input, read once; its rows have no file name to
     * name their table. */
    if (nstdin > 1) {
        cli_usage("%s", "load reads standard input (`-`) once");
        goto out;
    }
    if (sources.n && table) {
        cli_usage("%s", "--table: with --source, the source says which fact the rows are");
        goto out;
    }
    if (sources.n && nfiles == 0) {
        cli_usage("%s", "--source reads the files given after it: give at least one (or `-`)");
        goto out;
    }
    if (nstdin && !table && !sources.n) {
        cli_usage("%s", "load: standard input (`-`) needs --table TABLE, the fact its rows are");
        goto out;
    }
    if (table && !nstdin) {
        cli_usage("%s", "--table names the fact of standard input: give `-` too");
        goto out;
    }
    p = compile(packs.v, packs.n);
    if (!p)
        goto out;
    /* --source: its table and format, for every file and `-` (the k-th
     * source's inputs are the k-th run of nfiles) */
    for (uint32_t k = 0; k < (uint32_t)sources.n; k++) {
        const vouch_source_decl *source = cli_find_source(p, sources.v[k]);
        if (!source)
            goto out;
        for (uint32_t j = 0; j < k; j++)
            if (strcmp(sources.v[j], sources.v[k]) == 0) {
                cli_usage("--source %s is given twice: each file would be loaded twice", sources.v[k]);
                goto out;
            }
        for (int i = 0; i < nfiles; i++)
            in[k * (uint32_t)nfiles + (uint32_t)i].source = source;
    }
    if (catalogues) {
        if (p->nframeworks == 0) {
            cli_usage("%s", "--catalogues: the packs declare no framework");
            goto out;
        }
        if (cli_catalogue_rows(p, &cat) != 0)
            goto oom;
        for (uint32_t i = 0; i < cat.n; i++)
            in[nin++].rows = &cat.rows[i];
    }
    int tty = !quiet && isatty(2);
    if (tty) {
        pr.cap = (uint32_t)nin;
        pr.tables = calloc((size_t)nin + 1, sizeof *pr.tables);
        pr.rows = calloc((size_t)nin + 1, sizeof *pr.rows);
        if (!pr.tables || !pr.rows)
            goto oom;
        pr.start_ns = pr.last_ns = vouch_clock_ns();
        opt.progress = on_progress;
        opt.progress_ctx = &pr;
    }
    vouch_error err;
    if (vouch_facts_load_inputs(facts, p, in, nin, &opt, &err) != VOUCH_OK) {
        clear_progress(&pr);
        /* Errors about the inputs carry their own file:row:col: error:
         * prefix; errors about the store itself get ours. The message is
         * a list, one escaped line per error (runtime/store/load_err.c):
         * its newlines are layout, printed as they are. */
        const char *prefix = strstr(err.msg, ": error: ") ? "" : "vouch: error: ";
        for (const char *line = err.msg; *line;) {
            const char *nl = strchr(line, '\n');
            int len = nl ? (int)(nl - line) : (int)strlen(line);
            cli_say(stderr, "%s%.*s\n", line == err.msg ? prefix : "", len, line);
            line += len + (nl ? 1 : 0);
        }
        goto out;
    }
    clear_progress(&pr);
    if (tty)
        summary(&pr);
    rc = EXIT_CLEAN;
    goto out;
oom:
    cli_say(stderr, "vouch: error: out of memory\n");
out:
    free(pr.tables);
    free(pr.rows);
    cli_catalogue_free(&cat);
    free(in);
    vouch_program_free(p);
    vouch_free(packs.v);
    vouch_free(sources.v);
    vouch_free(files);
    return rc;
}
