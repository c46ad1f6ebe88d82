/*
 * test_alloc.c: allocation failure (runtime/base/alloc.h), as Lua's test
 * allocator does it. For every N, the Nth allocation of a whole job fails
 * (that one only; the rest succeed) and the job must end with a clean
 * out-of-memory error: no crash (ASan), nothing left allocated (the hook
 * counts live blocks), and when no allocation failed, the same output as
 * an undisturbed run. The jobs:
 *
 *   - compile rules/reference/reference.vouch, verify, bind to a small
 *     facts store, run, apply waivers and write the JSON and text reports:
 *     what `vouch check` does;
 *   - write the program as .vbc and read it back (program_io.c);
 *   - load CSV files into a new facts store (load.c): a failed load
 *     leaves no store behind.
 *
 * The first jobs count vouch's own allocations: the compiler, the program,
 * the verifier, the VM, the reports and the loader (runtime/store/facts.c once it
 * is converted). The last runs the check job again with SQLite's allocator
 * routed through the hook too (sqlite3_config(SQLITE_CONFIG_MALLOC), in
 * this test only), so every allocation SQLite makes fails in turn as well
 * and the store code's handling of SQLITE_NOMEM is exercised. SQLite
 * recovers from some failures by itself (its "benign" allocations), so
 * there a run may also succeed, with the undisturbed run's output.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <execinfo.h>
#include <sqlite3.h>

#include "alloc.h"
#include "compile.h"
#include "explain_text.h"
#include "facts.h"
#include "outcome.h"
#include "program_io.h"
#include "report.h"
#include "vm.h"

/* ---- the failing allocator ------------------------------------------------ */

static struct {
    long count;              /* allocations (and growing reallocs) so far */
    long fail_at;            /* 0: never fail */
    long live;               /* blocks allocated and not freed */
    int failed;              /* the failure was injected */
} A;

static void *failing_alloc(void *ctx, void *ptr, size_t n)
{
    (void)ctx;
    if (n == 0) {
        if (ptr) {
            free(ptr);
            A.live--;
        }
        return NULL;
    }
    if (++A.count == A.fail_at) {
        A.failed = 1;
        /* VOUCH_ALLOC_TRACE=1: where the failed allocation was made */
        if (getenv("VOUCH_ALLOC_TRACE")) {
            void *frames[16];
            fprintf(stderr, "allocation %ld fails here:\n", A.count);
            backtrace_symbols_fd(frames, backtrace(frames, 16), 2);
        }
        return NULL;
    }
    void *q = realloc(ptr, n);
    if (q && !ptr)
        A.live++;
    return q;
}

static void arm(long n)
{
    A.count = 0;
    A.fail_at = n;
    A.live = 0;
    A.failed = 0;
    vouch_set_allocator(failing_alloc, NULL);
}

static void disarm(void) { vouch_set_allocator(NULL, NULL); }

/* ---- fixtures ------------------------------------------------------------- */

static char tmpdir[64];
static char *reference_text;
static size_t reference_len;
/* What check_job compiles: the reference pack, or the example
 * organisation's files with the ISO pack and catalogue it adopts (every
 * construct of the language). */
#define ACME_FILES 10
static vouch_compile_input job_in[ACME_FILES];
static size_t job_n;
static char *acme_text[ACME_FILES];

static const char *tpath(const char *name)
{
    static char bufs[8][256];
    static int k;
    char *b = bufs[k++ & 7];
    snprintf(b, 256, "%s/%s", tmpdir, name);
    return b;
}

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fwrite(text, 1, strlen(text), f), strlen(text));
    assert_int_equal(fclose(f), 0);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    assert_non_null(buf);
    assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    buf[n] = 0;
    *len = (size_t)n;
    return buf;
}

/* A few rows in the tables of the standard fact model the reference pack
 * reads, chosen so it has findings, passes and a waiver-free run; the
 * other tables empty. */
static const struct { const char *name, *text; } csvs[] = {
    {"framework.csv", "id,title,version\niso27001-2022,ISO/IEC 27001:2022,2022\n"},
    {"control.csv", "framework,id,title,theme,category\n"
                    "iso27001-2022,A.5.15,Access control,organizational,access\n"
                    "iso27001-2022,A.5.18,Access rights,organizational,access\n"
                    "iso27001-2022,A.8.13,Backup,technological,backup\n"},
    {"mapping.csv", "src_framework,src_control,dst_framework,dst_control,relation\n"},
    {"soa.csv", "framework,control,applicable,justification,owner,frequency\n"
                "iso27001-2022,A.5.15,1,,P1,quarterly\n"
                "iso27001-2022,A.5.18,1,,P2,quarterly\n"
                "iso27001-2022,A.8.13,1,,P2,annual\n"
                "iso27001-2022,A.7.1,0,,P1,\n"},
    {"person.csv", "id,name,role\nP1,Ada Ames,CISO\nP2,Bo Berg,engineer\n"},
    {"asset.csv", "id,kind,env,owner,criticality,status\n"
                  "db,database,prod,P2,critical,active\nweb,server,prod,,high,active\n"},
    {"evidence.csv", "id,framework,control,kind,collected_on,asset,result\n"
                     "1,iso27001-2022,A.5.15,access_review,2026-10-01,db,pass\n"
                     "2,iso27001-2022,A.5.18,access_review,2025-01-01,db,pass\n"
                     "3,iso27001-2022,A.8.13,backup_test,2026-11-01,db,fail\n"},
    {"risk.csv", "id,asset,title,likelihood,impact,residual_likelihood,residual_impact,"
                 "treatment,owner,accepted_by,accepted_on,review_due\n"
                 "RK1,db,Ransomware,5,5,4,4,accept,P2,P2,2026-01-10,2027-01-10\n"
                 "RK2,web,Defacement,2,2,1,1,mitigate,P2,,,\n"},
    {"risk_control.csv", "risk,framework,control\nRK1,iso27001-2022,A.8.13\n"},
    /* empty, for the ISO pack that examples/acme adopts (it reads them all) */
    {"employment.csv", "person,joined_on,left_on,kind,department,manager\n"},
    {"training.csv", "id,person,course,kind,assigned_on,due_on,completed_on,passed\n"},
    {"supplier.csv", "id,name,service,criticality,status,owner,data_access,security_terms,contract_end\n"},
    {"supplier_review.csv", "id,supplier,reviewed_on,reviewer,kind,assurance,outcome,next_due\n"},
    {"internal_audit.csv", "id,title,lead_auditor,independent,planned_on,completed_on,status,report\n"},
    {"audit_item.csv", "audit,framework,control,result\n"},
    {"management_review.csv", "id,planned_on,held_on,status,chair,minutes\n"},
    {"management_review_input.csv", "review,input,reference\n"},
    {"nonconformity.csv", "id,title,source,audit,framework,control,grade,raised_on,owner,root_cause,action,"
                          "due_on,closed_on,verified_on\n"},
};
#define NCSV (sizeof csvs / sizeof csvs[0])
static const char *csv_paths[NCSV];

static void quiet(void *ctx, const vouch_diag *d)
{
    /* Remembers whether an "out of memory" was among the diagnostics. */
    int *oom = ctx;
    if (strstr(d->message, "out of memory"))
        *oom = 1;
}

static vouch_program *compile_std(void)
{
    static const char text[] = "import \"isms\"\n";
    vouch_compile_input in = {"std.vouch", text, sizeof text - 1};
    int oom = 0;
    return vouch_compile(&in, 1, quiet, &oom);
}

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/vouch-alloc.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    for (size_t i = 0; i < NCSV; i++) {
        csv_paths[i] = strdup(tpath(csvs[i].name));
        write_file(csv_paths[i], csvs[i].text);
    }
    vouch_program *std = compile_std();
    assert_non_null(std);
    vouch_error err;
    if (vouch_facts_load(tpath("store.db"), std, csv_paths, NCSV, NULL, &err) != VOUCH_OK)
        fail_msg("cannot make the store: %s", err.msg);
    vouch_program_free(std);
    const char *ref = getenv("VOUCH_REFERENCE_PACK");
    reference_text = read_all(ref ? ref : "rules/reference/reference.vouch", &reference_len);
    if (!reference_text)
        fail_msg("cannot read rules/reference/reference.vouch (run from the repository root)");
    job_in[0] = (vouch_compile_input){"reference.vouch", reference_text, reference_len};
    job_n = 1;
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    for (size_t i = 0; i < NCSV; i++) {
        unlink(csv_paths[i]);
        free((void *)csv_paths[i]);
    }
    /* a read-only connection leaves the WAL mode store's -wal and -shm */
    unlink(tpath("store.db"));
    unlink(tpath("store.db-wal"));
    unlink(tpath("store.db-shm"));
    rmdir(tmpdir);
    free(reference_text);
    for (int i = 0; i < ACME_FILES; i++)
        free(acme_text[i]);
    return 0;
}

/* ---- the check job -------------------------------------------------------- */

typedef struct outcome {
    int ok;                  /* the whole job succeeded */
    int oom;                 /* it failed, and said out of memory */
    char *report;            /* ok: the reports' text (malloc) */
    size_t len;
    char why[1100];          /* !ok: what it said */
} outcome;

static int job_explain;       /* check_job: compile for explanation, explain every outcome */

static void check_job(outcome *o)
{
    memset(o, 0, sizeof o[0]);
    int diag_oom = 0;
    vouch_compile_options copt = {NULL, NULL, 0, job_explain};
    vouch_program *p = vouch_compile_with(job_in, job_n, &copt, quiet, &diag_oom);
    vouch_facts *f = NULL;
    vouch_results res;
    memset(&res, 0, sizeof res);
    vouch_error err;
    memset(&err, 0, sizeof err);
    vouch_status st = VOUCH_OK;
    if (!p) {
        o->oom = diag_oom;
        snprintf(o->why, sizeof o->why, "compile failed%s", diag_oom ? " (out of memory)" : "");
        return;
    }
    if ((st = vouch_verify(p, &err)) != VOUCH_OK ||
        (st = vouch_facts_open(tpath("store.db"), &f, &err)) != VOUCH_OK ||
        (st = vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err)) != VOUCH_OK)
        goto out;
    vouch_run_env env = {.today = 20778, .period_start = 20362, .period_end = 20726}; /* as of 2026-11-21, period 2025-10-01..2026-09-30 */
    env.explain = env.keep_passes = job_explain;
    if ((st = vouch_vm_run(p, f, &env, &res, &err)) != VOUCH_OK ||
        (st = vouch_apply_waivers(p, env.today, &res, &err)) != VOUCH_OK)
        goto out;
    for (uint32_t i = 0; i < res.nrules; i++)
        if (res.rules[i].errored) {
            st = vouch_error_set(&err, VOUCH_ERUNTIME, "%s", res.rules[i].error ? res.rules[i].error : "rule error");
            goto out;
        }
    {
        vouch_report rep = {p, &res, env.today, env.period_start, env.period_end, "store.db", SEV_INFO, 0, NULL, 0, NULL, 0};
        char *buf = NULL;
        size_t len = 0;
        FILE *mem = open_memstream(&buf, &len);
        assert_non_null(mem);
        int wrc = vouch_report_json(&rep, mem);
        if (wrc == 0)
            wrc = vouch_report_text(&rep, mem);
        for (uint32_t i = 0; wrc == 0 && i < res.npasses; i++) /* the passes `vouch explain` shows */
            vouch_why_json(p, res.passes[i].why, mem);
        if (wrc == 0)
            wrc = vouch_report_tsv(&rep, mem);
        fclose(mem);
        if (wrc != 0) {
            free(buf);
            st = vouch_error_set(&err, VOUCH_ENOMEM, "report: out of memory");
            goto out;
        }
        o->report = buf;
        o->len = len;
        o->ok = 1;
    }
out:
    if (!o->ok) {
        o->oom = st == VOUCH_ENOMEM || strstr(err.msg, "out of memory") != NULL;
        snprintf(o->why, sizeof o->why, "status %d: %s", (int)st, err.msg);
    }
    vouch_outcome_release(&res);
    vouch_results_free(&res);
    vouch_facts_close(f);
    vouch_program_free(p);
}

static int benign_ok;         /* a failure may be absorbed (SQLite's benign allocations) */

/* Runs job with the Nth allocation failing, for N = 1, 2, ... until a run
 * makes fewer than N allocations. Returns the number of runs. */
static long every_n(void (*job)(outcome *), const outcome *base, const char *name)
{
    long n;
    for (n = 1;; n++) {
        outcome o;
        arm(n);
        job(&o);
        long live = A.live, made = A.count;
        int failed = A.failed;
        disarm();
        if (live != 0)
            fail_msg("%s: allocation %ld failed: %ld blocks leaked", name, n, live);
        if (failed && o.ok && benign_ok) {
            if (base && (o.len != base->len || memcmp(o.report, base->report, o.len) != 0))
                fail_msg("%s: allocation %ld failed, the job went on, and its output differs", name, n);
        } else if (failed) {
            if (o.ok)
                fail_msg("%s: allocation %ld failed but the job reported success", name, n);
            if (!o.oom)
                fail_msg("%s: allocation %ld failed, but the error was not out of memory: %s", name,
                         n, o.why);
        } else {
            if (!o.ok)
                fail_msg("%s: no allocation failed, yet the job failed: %s", name, o.why);
            if (base && (o.len != base->len || memcmp(o.report, base->report, o.len) != 0))
                fail_msg("%s: the output differs from an undisturbed run (N = %ld)", name, n);
        }
        free(o.report);
        if (!failed && made < n)
            break;
    }
    return n;
}

static void test_check_every_allocation(void **state)
{
    (void)state;
    outcome base;
    arm(0);
    check_job(&base);
    long total = A.count, live = A.live;
    disarm();
    if (!base.ok)
        fail_msg("the undisturbed run failed: %s", base.why);
    assert_int_equal(live, 0);
    assert_true(total > 50);          /* the hook really sees the work */
    long runs = every_n(check_job, &base, "check");
    printf("check: %ld allocations, each made to fail in turn (%ld runs)\n", total, runs);
    free(base.report);
}

/* The same with the example organisation's packs and the ISO pack they
 * adopt: catalogues, crosswalks, parameters, scopes, the appetite, waivers,
 * overrides and skips, and the reports that show them. */
static void test_check_every_construct_every_allocation(void **state)
{
    (void)state;
    static const char *const files[ACME_FILES] = {
        "rules/catalogues/iso27001-2022.vouch",    "rules/iso27001/iso27001-soa.vouch",
        "rules/iso27001/iso27001-risk.vouch",      "rules/iso27001/iso27001-performance.vouch",
        "rules/iso27001/iso27001-operations.vouch", "rules/iso27001/iso27001-suppliers.vouch",
        "rules/iso27001/iso27001-improvement.vouch", "rules/iso27001/pack.vouch",
        "examples/acme/acme-catalogue.vouch",      "examples/acme/pack.vouch"};
    for (int i = 0; i < ACME_FILES; i++) {
        size_t len;
        acme_text[i] = read_all(files[i], &len);
        if (!acme_text[i])
            fail_msg("cannot read %s", files[i]);
        job_in[i] = (vouch_compile_input){files[i], acme_text[i], len};
    }
    job_n = ACME_FILES;
    outcome base;
    arm(0);
    check_job(&base);
    long total = A.count;
    disarm();
    if (!base.ok)
        fail_msg("the undisturbed run failed: %s", base.why);
    long runs = every_n(check_job, &base, "check acme");
    printf("check acme: %ld allocations, each made to fail in turn (%ld runs)\n", total, runs);
    free(base.report);

    /* Again, explaining every outcome (vouch check --explain, vouch explain). */
    job_explain = 1;
    arm(0);
    check_job(&base);
    total = A.count;
    disarm();
    if (!base.ok)
        fail_msg("the undisturbed explain run failed: %s", base.why);
    if (!strstr(base.report, "\"explanation\""))
        fail_msg("the explain run explained nothing");
    runs = every_n(check_job, &base, "explain acme");
    printf("explain acme: %ld allocations, each made to fail in turn (%ld runs)\n", total, runs);
    free(base.report);
    job_explain = 0;
    job_in[0] = (vouch_compile_input){"reference.vouch", reference_text, reference_len};
    job_n = 1;
}

/* ---- .vbc write and read -------------------------------------------------- */

static vouch_program *ref_program;

static void vbc_job(outcome *o)
{
    memset(o, 0, sizeof o[0]);
    unsigned char *buf = NULL;
    size_t len = 0;
    vouch_error err;
    vouch_status st = vouch_program_write_buf(ref_program, &buf, &len, &err);
    if (st == VOUCH_OK) {
        vouch_program *q = NULL;
        st = vouch_program_read(buf, len, 0, &q, &err);
        if (st == VOUCH_OK) {
            o->ok = 1;
            o->report = malloc(len);
            assert_non_null(o->report);
            memcpy(o->report, buf, len);
            o->len = len;
        }
        vouch_program_free(q);
    }
    vouch_free(buf);
    if (!o->ok) {
        o->oom = st == VOUCH_ENOMEM;
        snprintf(o->why, sizeof o->why, "status %d: %s", (int)st, err.msg);
    }
}

static void test_vbc_every_allocation(void **state)
{
    (void)state;
    int oom = 0;
    vouch_compile_input in = {"reference.vouch", reference_text, reference_len};
    ref_program = vouch_compile(&in, 1, quiet, &oom);
    assert_non_null(ref_program);
    outcome base;
    vbc_job(&base);
    assert_true(base.ok);
    long runs = every_n(vbc_job, &base, "vbc");
    printf("vbc: %ld runs\n", runs);
    free(base.report);
    vouch_program_free(ref_program);
}

/* ---- loading -------------------------------------------------------------- */

static vouch_program *std_program;

static void load_job(outcome *o)
{
    memset(o, 0, sizeof o[0]);
    const char *db = tpath("load.db");
    unlink(db);
    vouch_error err;
    vouch_status st = vouch_facts_load(db, std_program, csv_paths, NCSV, NULL, &err);
    struct stat sb;
    int exists = stat(db, &sb) == 0;
    if (st == VOUCH_OK) {
        o->ok = exists;
        if (!exists)
            snprintf(o->why, sizeof o->why, "load succeeded but made no store");
    } else {
        o->oom = st == VOUCH_ENOMEM;
        snprintf(o->why, sizeof o->why, "status %d: %s%s", (int)st, err.msg,
                 exists ? " (and it left a store behind)" : "");
        if (exists)
            o->oom = 0;
    }
    unlink(db);
}

static void test_load_every_allocation(void **state)
{
    (void)state;
    std_program = compile_std();
    assert_non_null(std_program);
    long runs = every_n(load_job, NULL, "load");
    printf("load: %ld runs\n", runs);
    vouch_program_free(std_program);
}

/* ---- loading through a source (load_source.c) ------------------------------ */

static const char source_pack[] =
    "import \"isms\"\n"
    "source hr into employment from csv {\n"
    "  person from \"Employee ID\"\n"
    "  joined_on from \"Hire Date\" as \"%m/%d/%Y\"\n"
    "  left_on from \"Left\" in \"Europe/Paris\"\n"
    "  kind from \"Type\" map { \"Staff\" -> employee, else -> contractor }\n"
    "  skip if \"Type\" == \"Rehire\"\n"
    "}\n"
    "source ev into asset from json \"value\" {\n"
    "  id from \"id\"\n"
    "  kind from \"k.name\"\n"
    "  env = \"prod\"\n"
    "  criticality from \"tier\"\n"
    "  status = active\n"
    "}\n";

static void source_load_job(outcome *o)
{
    memset(o, 0, sizeof o[0]);
    const char *db = tpath("source.db");
    unlink(db);
    vouch_load_input in[2];
    memset(in, 0, sizeof in);
    in[0].path = tpath("hr.csv");
    in[0].source = &std_program->sources[0];
    in[1].path = tpath("assets.json");
    in[1].source = &std_program->sources[1];
    vouch_error err;
    vouch_status st = vouch_facts_load_inputs(db, std_program, in, 2, NULL, &err);
    struct stat sb;
    int exists = stat(db, &sb) == 0;
    if (st == VOUCH_OK) {
        o->ok = exists;
        if (!exists)
            snprintf(o->why, sizeof o->why, "load succeeded but made no store");
    } else {
        o->oom = st == VOUCH_ENOMEM && !exists;
        snprintf(o->why, sizeof o->why, "status %d: %s%s", (int)st, err.msg,
                 exists ? " (and it left a store behind)" : "");
    }
    unlink(db);
}

static void test_source_load_every_allocation(void **state)
{
    (void)state;
    write_file(tpath("hr.csv"), "Employee ID,Hire Date,Left,Type\n"
                                "E1,03/14/2022,2025-12-19T23:30:00Z,Staff\n"
                                "C2,9/1/2025,,Contract\n"
                                "E3,1/1/2020,,Rehire\n");
    write_file(tpath("assets.json"), "{\"value\": [{\"id\": \"a1\", \"k\": {\"name\": \"db\"}, \"tier\": \"HIGH\"},"
                                     " {\"id\": 2, \"k\": {\"name\": \"vm\", \"x\": null}, \"tier\": \"low\"}]}\n");
    vouch_compile_input cin = {"src.vouch", source_pack, sizeof source_pack - 1};
    int oom = 0;
    std_program = vouch_compile(&cin, 1, quiet, &oom);
    assert_non_null(std_program);
    assert_int_equal(std_program->nsources, 2);
    long runs = every_n(source_load_job, NULL, "source load");
    printf("source load: %ld runs\n", runs);
    vouch_program_free(std_program);
}

/* ---- with SQLite's allocations too ----------------------------------------- */

/* SQLite wants the size of each block: a 16-byte header keeps it. */
#define SQ_HDR 16

static void *sq_malloc(int n)
{
    unsigned char *p = vouch_malloc((size_t)n + SQ_HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + SQ_HDR;
}

static void sq_free(void *q)
{
    if (q)
        vouch_free((unsigned char *)q - SQ_HDR);
}

static void *sq_realloc(void *q, int n)
{
    if (!q)
        return sq_malloc(n);
    unsigned char *p = vouch_realloc((unsigned char *)q - SQ_HDR, (size_t)n + SQ_HDR);
    if (!p)
        return NULL;
    memcpy(p, &n, sizeof n);
    return p + SQ_HDR;
}

static int sq_size(void *q)
{
    int n = 0;
    if (q)
        memcpy(&n, (unsigned char *)q - SQ_HDR, sizeof n);
    return n;
}

static int sq_roundup(int n) { return (n + 7) & ~7; }
static int sq_init(void *x) { (void)x; return SQLITE_OK; }
static void sq_shutdown(void *x) { (void)x; }

static void test_check_every_allocation_with_sqlite(void **state)
{
    (void)state;
    static const sqlite3_mem_methods mm = {sq_malloc, sq_free, sq_realloc, sq_size, sq_roundup,
                                           sq_init, sq_shutdown, NULL};
    sqlite3_shutdown();
    assert_int_equal(sqlite3_config(SQLITE_CONFIG_MALLOC, &mm), SQLITE_OK);
    assert_int_equal(sqlite3_initialize(), SQLITE_OK);
    outcome base;
    arm(0);
    check_job(&base);
    long total = A.count;
    disarm();
    if (!base.ok)
        fail_msg("the undisturbed run failed: %s", base.why);
    benign_ok = 1;
    long runs = every_n(check_job, &base, "check+sqlite");
    benign_ok = 0;
    printf("check with SQLite: %ld allocations, each made to fail in turn (%ld runs)\n", total, runs);
    free(base.report);
    sqlite3_shutdown();
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_check_every_allocation),
        cmocka_unit_test(test_check_every_construct_every_allocation),
        cmocka_unit_test(test_vbc_every_allocation),
        cmocka_unit_test(test_load_every_allocation),
        cmocka_unit_test(test_source_load_every_allocation),
        cmocka_unit_test(test_check_every_allocation_with_sqlite),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
