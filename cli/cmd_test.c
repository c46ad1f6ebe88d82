/*
 * cmd_test.c: `vouch test PACK...` runs the `test` blocks of the packs.
 *
 * Each test gets a fresh facts store in a temporary folder, filled with its
 * `given` rows through the same validated loader as `vouch load` (handed
 * over as rows in memory: no CSV file, no quoting), is evaluated at its
 * `as_of` date, and
 * its expectations are compared exactly with the outcomes of the rules it
 * names: every expected record must occur, and every record of those rules
 * (fail, waived, not applicable) must be expected. A test that expects
 * nothing, or names an unknown rule, does not compile, so it can never pass
 * silently. Nor can a test pass over a failure it does not look at: a
 * runtime error in any rule over its fixture fails it (`vouch check` on the
 * same rows would exit 2), and so does `expect R passes 0` when R examined
 * no subject at all, since that expectation then holds whatever R says.
 *
 * Exit status: 0 every test passed (and coverage reached --min-coverage),
 * 1 a test failed or coverage is too low, 2 usage or input error.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "say.h"
#include "escape.h"
#include "cmd_test.h"
#include "session.h"
#include "strbuf.h"
#include "common.h"
#include "alloc.h"
#include "date.h"
#include "facts.h"
#include "outcome.h"
#include "vm.h"

#define EXIT_CLEAN 0
#define EXIT_FAILED 1
#define EXIT_USAGE 2

/* A test's fixtures: for each table it gives rows for, those rows as
 * cells of every declared column (none where the row gives no value),
 * handed to the loader as they are (facts.h, vouch_load_rows). */
typedef struct fixtures {
    vouch_load_input *in;
    vouch_load_rows *rows;
    const char **cols;       /* every table's column names, one after another */
    const char **cells;
    uint32_t n;
    char where[512];         /* `t.vouch:3: test "name"` */
} fixtures;

static void fixtures_free(fixtures *fx)
{
    free(fx->in);
    free(fx->rows);
    free(fx->cols);
    free(fx->cells);
}

/* 0, or -1 out of memory. */
static int fixtures_of(const vouch_program *p, const vouch_test *t, fixtures *fx)
{
    memset(fx, 0, sizeof *fx);
    snprintf(fx->where, sizeof fx->where, "%s:%u: test \"%s\"", t->file, t->line, t->name);
    size_t ncols = 0, ncells = 0;
    for (uint32_t tab = 0; tab < p->ntables; tab++)
        ncols += p->tables[tab].ncolumns;
    for (uint32_t r = 0; r < t->nrows; r++)
        ncells += p->tables[t->rows[r].table].ncolumns;
    fx->in = calloc((size_t)p->ntables + 1, sizeof *fx->in);
    fx->rows = calloc((size_t)p->ntables + 1, sizeof *fx->rows);
    fx->cols = calloc(ncols + 1, sizeof *fx->cols);
    fx->cells = calloc(ncells + 1, sizeof *fx->cells);
    if (!fx->in || !fx->rows || !fx->cols || !fx->cells)
        return -1;
    const char **col = fx->cols, **cell = fx->cells;
    for (uint32_t tab = 0; tab < p->ntables; tab++) {
        const vouch_table_decl *td = &p->tables[tab];
        vouch_load_rows *lr = &fx->rows[fx->n];
        *lr = (vouch_load_rows){td->name, fx->where, td->ncolumns, col, 0, cell};
        for (uint32_t c = 0; c < td->ncolumns; c++)
            *col++ = td->columns[c].name;
        for (uint32_t r = 0; r < t->nrows; r++) {
            const vouch_test_row *row = &t->rows[r];
            if (row->table != tab)
                continue;
            for (uint32_t k = 0; k < row->ncells; k++)
                if (row->columns[k] < td->ncolumns)
                    cell[row->columns[k]] = row->values[k];
            cell += td->ncolumns;
            lr->nrows++;
        }
        if (lr->nrows)
            fx->in[fx->n++].rows = lr;
    }
    /* A test without rows still gets a store: one empty input (rows[0]
     * holds the last table, with no rows) makes it, with every table the
     * packs read, empty. */
    if (fx->n == 0 && p->ntables)
        fx->in[fx->n++].rows = &fx->rows[0];
    return 0;
}

static const char *kind_word(int kind)
{
    static const char *const w[] = {"fail", "not_applicable", "waived", "passes", "stale"};
    return kind >= 0 && kind < 5 ? w[kind] : "?";
}

static int kind_of(const vouch_finding *fd)
{
    return fd->status == OUTCOME_NA       ? EXPECT_NA
           : fd->status == OUTCOME_WAIVED ? EXPECT_WAIVED
           : fd->status == OUTCOME_STALE  ? EXPECT_STALE
                                          : EXPECT_FAIL;
}

/* One test's failure details (strbuf.h; out of memory ends it). */
typedef sbuf text;

static void addf(text *t, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Appends one piece of the details; the names and values it quotes (a
 * test's file, a subject) are escaped (say.h), so that splitting the
 * details at their newlines cuts only between the lines addf wrote. */
static void addf(text *t, const char *fmt, ...)
{
    char *line = NULL;
    size_t len = 0;
    FILE *m = open_memstream(&line, &len);
    if (!m) {
        t->oom = 1;
        return;
    }
    va_list ap;
    va_start(ap, fmt);
    cli_vsay(m, fmt, ap);
    va_end(ap);
    if (fclose(m) != 0 || !line)
        t->oom = 1;
    else
        sb_printf(t, "%s", line);
    free(line);
}

/* Runs one test; 1 passed, 0 failed (details in *why), -1 could not run. */
static int run_test(const vouch_program *p, const vouch_test *t, uint8_t *covered, text *why)
{
    /* The store is a file (a session opens a store by its path), in a
     * folder of its own; the fixtures go to it from memory. */
    char dir[] = "/tmp/vouch-test.XXXXXX";
    if (!mkdtemp(dir)) {
        addf(why, "cannot make a temporary folder: %s\n", strerror(errno));
        return -1;
    }
    fixtures fx;
    int result = -1;
    char db[sizeof dir + 16];
    snprintf(db, sizeof db, "%s/facts.db", dir);
    vouch_session *s = NULL;
    vouch_error err;
    if (fixtures_of(p, t, &fx) != 0) {
        addf(why, "out of memory\n");
        goto out;
    }
    vouch_load_options opt = {0};
    if (vouch_facts_load_inputs(db, p, fx.in, fx.n, &opt, &err) != VOUCH_OK) {
        addf(why, "the given rows do not load: %s\n", err.msg);
        goto out;
    }
    /* One session per test: its dates, the program shared (borrowed). */
    vouch_session_options so;
    vouch_session_options_default(&so);
    so.as_of = t->as_of;
    if (t->period_start != INT64_MIN) {
        so.period_start = t->period_start;
        so.period_end = t->period_end;
    }
    so.threads = 1;
    if (!(s = vouch_session_new(&so, &err)) || vouch_session_use_program(s, p, &err) != VOUCH_OK ||
        vouch_session_open_store(s, db, &err) != VOUCH_OK || vouch_session_run(s, &err) != VOUCH_OK) {
        addf(why, "%s\n", err.msg);
        goto out;
    }
    const vouch_results *res = vouch_session_results(s);
    /* Which rules the test speaks of; their records must all be expected. */
    uint8_t *named = calloc((size_t)p->nrules + 1, 1);
    uint8_t *used = calloc((size_t)t->nexpect + 1, 1);
    if (!named || !used) {
        free(named);
        free(used);
        addf(why, "out of memory\n");
        goto out;
    }
    for (uint32_t e = 0; e < t->nexpect; e++) {
        named[t->expect[e].rule] = 1;
        covered[t->expect[e].rule] = 1;
    }
    int bad = 0;
    for (uint32_t r = 0; r < p->nrules; r++)
        if (res->rules[r].errored) {
            addf(why, "rule %s stopped: %s\n", p->rules[r].id, res->rules[r].error ? res->rules[r].error : "error");
            bad = 1;
        }
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const vouch_finding *fd = &res->findings[i];
        if (!named[fd->rule])
            continue;
        int hit = 0;
        for (uint32_t e = 0; e < t->nexpect && !hit; e++) {
            const vouch_test_expect *x = &t->expect[e];
            if (!used[e] && x->rule == fd->rule && x->kind == kind_of(fd) && strcmp(x->subject, fd->subject) == 0)
                used[e] = hit = 1;
        }
        if (!hit) {
            addf(why, "unexpected: %s %s \"%s\" (%s)\n", p->rules[fd->rule].id, kind_word(kind_of(fd)), fd->subject,
                 fd->message);
            bad = 1;
        }
    }
    for (uint32_t e = 0; e < t->nexpect; e++) {
        const vouch_test_expect *x = &t->expect[e];
        if (x->kind == EXPECT_PASSES) {
            const vouch_rule_outcome *o = &res->rules[x->rule];
            if (x->count == 0 && !o->errored && o->passed + o->failed + o->waived + o->not_applicable == 0) {
                addf(why, "%s:%u: expect %s passes 0: the rule examined no subject (no row of the fixture reaches "
                          "it), so the test cannot fail; give it a row\n",
                     t->file, x->line, p->rules[x->rule].id);
                bad = 1;
            } else if (res->rules[x->rule].passed != x->count) {
                addf(why, "%s:%u: expected %s to pass %llu subject%s, it passed %llu\n", t->file, x->line,
                     p->rules[x->rule].id, (unsigned long long)x->count, x->count == 1 ? "" : "s",
                     (unsigned long long)res->rules[x->rule].passed);
                bad = 1;
            }
        } else if (!used[e]) {
            addf(why, "%s:%u: expected %s %s \"%s\", which did not happen\n", t->file, x->line, p->rules[x->rule].id,
                 kind_word(x->kind), x->subject);
            bad = 1;
        }
    }
    free(named);
    free(used);
    result = bad ? 0 : 1;
out:
    vouch_session_free(s);
    fixtures_free(&fx);
    unlink(db);
    rmdir(dir);
    return result;
}

static void xml_text(FILE *f, const char *s) { vouch_xml_text(f, s, 0); }

/* The JUnit file's inputs, for cli_write_file. */
typedef struct junit_job {
    const vouch_program *p;
    const int *ok;           /* per test: 1 passed, 0 failed, else broken */
    const text *why;
    int failed, broken;
} junit_job;

static int write_junit(void *ctx, FILE *f)
{
    const junit_job *j = ctx;
    const vouch_program *p = j->p;
    fprintf(f, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites>\n");
    fprintf(f, "  <testsuite name=\"vouch test\" tests=\"%u\" failures=\"%d\" errors=\"%d\">\n", p->ntests,
            j->failed, j->broken);
    for (uint32_t i = 0; i < p->ntests; i++) {
        fputs("    <testcase classname=\"", f);
        xml_text(f, p->tests[i].file);
        fputs("\" name=\"", f);
        xml_text(f, p->tests[i].name);
        fputs("\" time=\"0\"", f);
        if (j->ok[i] == 1) {
            fputs("/>\n", f);
            continue;
        }
        fprintf(f, ">\n      <%s message=\"", j->ok[i] == 0 ? "failure" : "error");
        xml_text(f, j->ok[i] == 0 ? "outcomes differ from the expectations" : "the test could not run");
        fputs("\" type=\"vouch\">", f);
        xml_text(f, j->why[i].p ? j->why[i].p : "");
        fprintf(f, "</%s>\n    </testcase>\n", j->ok[i] == 0 ? "failure" : "error");
    }
    fputs("  </testsuite>\n</testsuites>\n", f);
    return 0;
}

int cmd_test(int argc, char **argv, cli_compile_fn compile)
{
    const char *junit = NULL, *min_cov = NULL;
    char **files = NULL;
    int nfiles = 0;
    cli_list junits = {0};
    const cli_option opts[] = {
        {"--junit", .list = &junits},
        {"--min-coverage", .value = &min_cov},
    };
    int rc = cli_parse(argc, argv, opts, sizeof opts / sizeof opts[0], &files, &nfiles);
    /* one JUnit file: a second --junit is a usage error, not the winner */
    if (rc == 0 && junits.n > 1)
        rc = cli_outputs_check((const char *const *)junits.v, junits.n, "--junit");
    if (rc == 0)
        rc = cli_output_once((const char *const *)junits.v, junits.n, "--junit", "test writes one output");
    if (junits.n)
        junit = junits.v[0]; /* an argument: outlives the list */
    vouch_free(junits.v);
    if (rc) {
        vouch_free(files);
        return rc;
    }
    double want_cov = -1;
    if (min_cov) {
        char *end;
        want_cov = strtod(min_cov, &end);
        if (*end || want_cov < 0 || want_cov > 100) {
            vouch_free(files);
            return cli_usage("--min-coverage `%s` is not a percentage (0-100)", min_cov);
        }
    }
    if (nfiles == 0) {
        vouch_free(files);
        return cli_usage("%s", "test needs at least one pack file");
    }
    vouch_program *p = compile(files, nfiles);
    vouch_free(files);
    if (!p)
        return EXIT_USAGE;
    if (p->ntests == 0) {
        cli_say(stderr, "vouch: error: the packs have no `test` blocks\n");
        vouch_program_free(p);
        return EXIT_USAGE;
    }
    uint8_t *covered = calloc((size_t)p->nrules + 1, 1);
    text *why = calloc((size_t)p->ntests + 1, sizeof *why);
    int *ok = calloc((size_t)p->ntests + 1, sizeof *ok);
    if (!covered || !why || !ok) {
        free(covered);
        free(why);
        free(ok);
        vouch_program_free(p);
        cli_say(stderr, "vouch: error: out of memory\n");
        return EXIT_USAGE;
    }
    int passed = 0, failed = 0, broken = 0;
    for (uint32_t i = 0; i < p->ntests; i++) {
        const vouch_test *t = &p->tests[i];
        ok[i] = run_test(p, t, covered, &why[i]);
        if (ok[i] == 1) {
            passed++;
            cli_say(stdout, "ok    %s\n", t->name);
        } else {
            ok[i] == 0 ? failed++ : broken++;
            cli_say(stdout, "%s  %s (%s:%u)\n", ok[i] == 0 ? "FAIL" : "ERROR", t->name, t->file, t->line);
            if (why[i].p)
                for (char *line = why[i].p; *line;) {
                    char *nl = strchr(line, '\n');
                    size_t len = nl ? (size_t)(nl - line) : strlen(line);
                    /* one line of the details: escaped as text (escape.h) */
                    char shown[1024];
                    char piece[1024];
                    size_t k = len < sizeof piece ? len : sizeof piece - 1;
                    memcpy(piece, line, k);
                    piece[k] = 0;
                    vouch_text_escape(shown, sizeof shown, piece);
                    printf("      %s\n", shown);
                    line += len + (nl ? 1 : 0);
                }
        }
    }
    uint32_t nrules = 0, ncovered = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        if (p->rules[r].skipped)
            continue;
        nrules++;
        ncovered += covered[r] != 0;
    }
    double cov = nrules ? 100.0 * ncovered / nrules : 100.0;
    printf("\n%u test%s: %d passed, %d failed%s; rules covered by tests: %u of %u (%.0f%%)\n", p->ntests,
           p->ntests == 1 ? "" : "s", passed, failed + broken, broken ? " (some could not run)" : "", ncovered, nrules,
           cov);
    /* The controls and clauses the rules cite (`maps`): which of them a
     * tested rule cites. */
    uint32_t ncited = 0, ncited_tested = 0;
    for (uint32_t fw = 0; fw < p->nframeworks; fw++)
        for (uint32_t ctl = 0; ctl < p->frameworks[fw].ncontrols; ctl++) {
            int cited = 0, tested = 0;
            for (uint32_t r = 0; r < p->nrules; r++) {
                if (p->rules[r].skipped)
                    continue;
                for (uint32_t m = 0; m < p->rules[r].nmaps; m++)
                    if (p->rules[r].maps[m].framework == fw && p->rules[r].maps[m].control == ctl) {
                        cited = 1;
                        tested |= covered[r] != 0;
                    }
            }
            ncited += (uint32_t)cited;
            ncited_tested += (uint32_t)tested;
        }
    if (ncited)
        printf("controls and clauses cited by tested rules: %u of %u (%.0f%%)\n", ncited_tested, ncited,
               100.0 * ncited_tested / ncited);
    if (ncovered < nrules) {
        printf("not covered:");
        for (uint32_t r = 0; r < p->nrules; r++)
            if (!p->rules[r].skipped && !covered[r])
                cli_say(stdout, " %s", p->rules[r].id);
        printf("\n");
    }
    rc = broken ? EXIT_USAGE : failed ? EXIT_FAILED : EXIT_CLEAN;
    if (want_cov >= 0 && cov + 1e-9 < want_cov) {
        printf("coverage %.0f%% is below the required %.0f%%\n", cov, want_cov);
        if (rc == EXIT_CLEAN)
            rc = EXIT_FAILED;
    }
    if (junit) {
        junit_job job = {p, ok, why, failed, broken};
        if (cli_write_file(junit, "--junit", write_junit, &job) != 0)
            rc = EXIT_USAGE;
    }
    for (uint32_t i = 0; i < p->ntests; i++)
        vouch_free(why[i].p);
    free(why);
    free(ok);
    free(covered);
    vouch_program_free(p);
    return rc;
}
