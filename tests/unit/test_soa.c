/*
 * test_soa.c: the Statement of Applicability (runtime/report/soa.c): the facts it
 * keeps (sorted, summed up, duplicates), reading them from a small real
 * store made with vouch_facts_load (a missing person table, a missing soa
 * table, evidence after the as-of date and of other frameworks left out),
 * the rows built from a hand-made program and results (applicability,
 * owners, evidence, coverage, findings naming controls, stray SoA rows),
 * the three writers, the escaping of hostile text (CSV quoting, HTML
 * `<script>` and quotes in titles, justifications and ids, Markdown pipes
 * and line breaks), and allocation failures.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "scratch.h"
#include <sqlite3.h>

#include "alloc.h"
#include "compile.h"
#include "coverage.h"
#include "date.h"
#include "facts.h"
#include "identity.h"
#include "outcome.h"
#include "report.h"
#include "soa.h"
#include "vm.h"

static vouch_error err;

static int64_t day(const char *s)
{
    int64_t d = 0;
    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

/* Runs a writer into memory; the caller frees the text. */
static char *render(int (*writer)(const vouch_report *, const vouch_soa *, FILE *), const vouch_report *rep,
                    const vouch_soa *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    assert_int_equal(writer(rep, s, f), 0);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static char *capture(void (*fn)(FILE *, const char *), const char *s)
{
    char *buf = NULL;
    size_t n = 0;
    FILE *f = open_memstream(&buf, &n);
    assert_non_null(f);
    fn(f, s);
    assert_int_equal(fclose(f), 0);
    return buf;
}

static size_t count_of(const char *hay, const char *needle)
{
    size_t n = 0;
    for (const char *p = strstr(hay, needle); p; p = strstr(p + 1, needle))
        n++;
    return n;
}

#define assert_contains(hay, needle)                                          \
    do {                                                                      \
        const char *h_ = (hay), *n_ = (needle);                               \
        if (!strstr(h_, n_))                                                  \
            fail_msg("expected `%s` in:\n%s", n_, h_);                        \
    } while (0)
#define assert_lacks(hay, needle)                                             \
    do {                                                                      \
        const char *h_ = (hay), *n_ = (needle);                               \
        if (strstr(h_, n_))                                                   \
            fail_msg("did not expect `%s` in:\n%s", n_, h_);                  \
    } while (0)

/* ---- the facts ---------------------------------------------------------------- */

static void test_facts_sorted_and_summed(void **state)
{
    (void)state;
    vouch_soa_facts f;
    memset(&f, 0, sizeof f);
    assert_int_equal(vouch_soa_facts_add_entry(&f, "B", 1, NULL, "P2", "monthly", NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_entry(&f, "A", 0, "no premises", NULL, NULL, NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_entry(&f, "B", 0, "second", NULL, NULL, NULL, &err), VOUCH_OK);
    assert_int_equal(f.nentries, 2);
    assert_int_equal(f.duplicates, 1);
    assert_string_equal(f.entries[0].control, "A");
    assert_int_equal(f.entries[0].applicable, 0);
    assert_string_equal(f.entries[0].justification, "no premises");
    assert_null(f.entries[0].owner);
    assert_string_equal(f.entries[1].control, "B");
    assert_int_equal(f.entries[1].applicable, 1); /* the first row counts */
    assert_string_equal(f.entries[1].frequency, "monthly");

    assert_int_equal(vouch_soa_facts_add_evidence(&f, "B", "scan", day("2026-03-01"), 1, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_evidence(&f, "B", "review", day("2026-05-01"), 0, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_evidence(&f, "B", "scan", day("2026-01-01"), 1, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_evidence(&f, "A", NULL, day("2025-01-01"), 1, &err), VOUCH_OK);
    assert_int_equal(f.nevidence, 2);
    assert_string_equal(f.evidence[1].control, "B");
    assert_int_equal(f.evidence[1].count, 3);
    assert_int_equal(f.evidence[1].failed, 1);
    assert_int_equal(f.evidence[1].newest, day("2026-05-01"));
    assert_int_equal(f.evidence[1].nkinds, 2);
    assert_string_equal(f.evidence[1].kinds[0], "review");
    assert_string_equal(f.evidence[1].kinds[1], "scan");
    assert_int_equal(f.evidence[0].nkinds, 0);

    assert_int_equal(vouch_soa_facts_add_person(&f, "P2", "Ann", "CISO", &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_person(&f, "P1", NULL, NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_person(&f, "P2", "Other", "x", &err), VOUCH_OK);
    assert_int_equal(f.npeople, 2);
    assert_string_equal(f.people[1].name, "Ann");
    vouch_soa_facts_free(&f);
    assert_int_equal(f.nentries, 0);
    vouch_soa_facts_free(&f); /* twice is harmless */
}

/* ---- a small real store --------------------------------------------------------- */


static vouch_program *isms(void)
{
    static const char src[] = "import \"isms\"\n";
    vouch_compile_input in = {"<test>", src, sizeof src - 1};
    vouch_program *p = vouch_compile(&in, 1, NULL, NULL);
    assert_non_null(p);
    return p;
}

static int store_setup(void **state)
{
    (void)state;
    scratch_make("soa-test");
    write_text(tpath("soa.csv"),
               "framework,control,applicable,justification,owner,frequency,implementation,evidence_location,status\n"
               "iso,A.1,1,,P1,quarterly,Okta groups,Drata,implementing\n"
               "iso,A.2,0,\"No premises, \"\"fully\"\" remote\",P9,,,,\n"
               "iso,Z.9,1,,,,,,\n"
               "other,A.1,0,not ours,P1,,,,\n");
    write_text(tpath("evidence.csv"),
               "id,framework,control,kind,collected_on,asset,result\n"
               "1,iso,A.1,review,2026-01-10,,pass\n"
               "2,iso,A.1,scan,2026-03-10,,fail\n"
               "3,iso,A.1,review,2026-12-01,,pass\n"
               "4,other,A.1,review,2026-02-01,,pass\n"
               "5,iso,A.2,drill,2025-06-30,,pass\n");
    write_text(tpath("person.csv"), "id,name,role\nP1,Maren Okafor,CISO\n");
    return 0;
}

static int store_teardown(void **state)
{
    (void)state;
    /* the stores are in WAL mode: a read-only connection leaves -wal, -shm */
    static const char *const files[] = {"soa.csv",         "evidence.csv",    "person.csv",
                                        "full.db",         "full.db-wal",     "full.db-shm",
                                        "noperson.db",     "noperson.db-wal", "noperson.db-shm",
                                        "nosoa.db",        "nosoa.db-wal",    "nosoa.db-shm",
                                        "bad.db",          "bad.db-wal",      "bad.db-shm",
                                        "clean.db",        "clean.db-wal",    "clean.db-shm",
                                        "model.db",        "model.db-wal",    "model.db-shm"};
    for (size_t i = 0; i < sizeof files / sizeof files[0]; i++)
        unlink(tpath(files[i]));
    rmdir(tmpdir);
    return 0;
}

static void load(const char *db, const char *const *csvs, uint32_t n)
{
    vouch_program *p = isms();
    const char *paths[3];
    for (uint32_t i = 0; i < n; i++)
        paths[i] = tpath(csvs[i]);
    vouch_load_options opt = {0};
    if (vouch_facts_load(tpath(db), p, paths, n, &opt, &err) != VOUCH_OK)
        fail_msg("load: %s", err.msg);
    vouch_program_free(p);
}

static void test_read_store(void **state)
{
    (void)state;
    static const char *const csvs[] = {"soa.csv", "evidence.csv", "person.csv"};
    load("full.db", csvs, 3);
    vouch_program *model = isms();
    vouch_facts *store = NULL;
    assert_int_equal(vouch_facts_open(tpath("full.db"), &store, &err), VOUCH_OK);
    vouch_soa_facts f;
    if (vouch_soa_read(store, model, "iso", day("2026-11-21"), NULL, &f, &err) != VOUCH_OK)
        fail_msg("read: %s", err.msg);
    assert_int_equal(f.nentries, 3); /* only framework iso */
    assert_string_equal(f.entries[0].control, "A.1");
    assert_int_equal(f.entries[0].applicable, 1);
    assert_null(f.entries[0].justification);
    assert_string_equal(f.entries[0].owner, "P1");
    assert_string_equal(f.entries[0].frequency, "quarterly");
    /* the seed columns of issue 16 */
    assert_string_equal(f.entries[0].implementation, "Okta groups");
    assert_string_equal(f.entries[0].evidence_location, "Drata");
    assert_string_equal(f.entries[0].status, "implementing");
    assert_null(f.entries[1].implementation);
    assert_null(f.entries[1].evidence_location);
    assert_null(f.entries[1].status);
    assert_string_equal(f.entries[1].control, "A.2");
    assert_int_equal(f.entries[1].applicable, 0);
    assert_string_equal(f.entries[1].justification, "No premises, \"fully\" remote");
    assert_null(f.entries[1].frequency);
    assert_string_equal(f.entries[2].control, "Z.9");
    assert_null(f.entries[2].owner);

    /* A.1: two rows on or before the as-of date (one failed), none of `other` */
    assert_int_equal(f.nevidence, 2);
    assert_string_equal(f.evidence[0].control, "A.1");
    assert_int_equal(f.evidence[0].count, 2);
    assert_int_equal(f.evidence[0].failed, 1);
    assert_int_equal(f.evidence[0].newest, day("2026-03-10"));
    assert_int_equal(f.evidence[0].nkinds, 2);
    assert_int_equal(f.evidence[1].count, 1);

    assert_int_equal(f.people_read, 1);
    assert_int_equal(f.npeople, 1);
    assert_string_equal(f.people[0].name, "Maren Okafor");
    vouch_soa_facts_free(&f);

    /* the store can run something else afterwards */
    assert_int_equal(vouch_soa_read(store, model, "other", day("2026-11-21"), NULL, &f, &err), VOUCH_OK);
    assert_int_equal(f.nentries, 1);
    assert_int_equal(f.nevidence, 1);
    vouch_soa_facts_free(&f);
    vouch_facts_close(store);
    vouch_program_free(model);
}

static void test_read_store_without_person_or_soa(void **state)
{
    (void)state;
    static const char *const two[] = {"soa.csv", "evidence.csv"};
    load("noperson.db", two, 2);
    vouch_program *model = isms();
    vouch_facts *store = NULL;
    assert_int_equal(vouch_facts_open(tpath("noperson.db"), &store, &err), VOUCH_OK);
    vouch_soa_facts f;
    assert_int_equal(vouch_soa_read(store, model, "iso", day("2026-11-21"), NULL, &f, &err), VOUCH_OK);
    assert_int_equal(f.people_read, 0);
    assert_int_equal(f.npeople, 0);
    assert_int_equal(f.nentries, 3);
    vouch_soa_facts_free(&f);
    vouch_facts_close(store);

    static const char *const one[] = {"evidence.csv"};
    load("nosoa.db", one, 1);
    assert_int_equal(vouch_facts_open(tpath("nosoa.db"), &store, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_read(store, model, "iso", day("2026-11-21"), NULL, &f, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "no table `soa`");
    assert_int_equal(f.nentries, 0);
    vouch_facts_close(store);
    vouch_program_free(model);
}

/* The SoA reads through the fact model's declarations: a value another
 * tool wrote that does not fit (`Pass` for the enum member `pass`) is an
 * input error naming table, key, column and value, as it is for a rule
 * (the copy of the tables soa.c kept before issue 14 read result as plain
 * text, and `Pass` went through as a failed record); with no fact model
 * nothing is read. The identity gets the digests of the three tables. */
static void test_read_store_checks_values(void **state)
{
    (void)state;
    static const char *const csvs[] = {"soa.csv", "evidence.csv", "person.csv"};
    load("bad.db", csvs, 3);
    sqlite3 *db = NULL;
    assert_int_equal(sqlite3_open(tpath("bad.db"), &db), SQLITE_OK);
    assert_int_equal(sqlite3_exec(db, "PRAGMA ignore_check_constraints = 1; UPDATE evidence SET result = 'Pass' "
                                      "WHERE id = 2", NULL, NULL, NULL), SQLITE_OK);
    sqlite3_close(db);

    vouch_program *decls = isms();
    vouch_facts *store = NULL;
    assert_int_equal(vouch_facts_open(tpath("bad.db"), &store, &err), VOUCH_OK);
    vouch_soa_facts f;
    vouch_identity id;
    memset(&id, 0, sizeof id);
    assert_int_equal(vouch_soa_read(store, decls, "iso", day("2026-11-21"), &id, &f, &err), VOUCH_EINPUT);
    assert_string_equal(err.msg, "facts store: evidence (id = `2`): result holds `Pass`, which is not one of: pass, fail");
    assert_int_equal(f.nentries, 0);

    /* no fact model: nothing to read through */
    assert_int_equal(vouch_soa_read(store, NULL, "iso", day("2026-11-21"), NULL, &f, &err), VOUCH_EINPUT);
    assert_string_equal(err.msg, "the SoA reads its facts through a fact model, and none was given");
    assert_int_equal(f.nentries, 0);

    /* the clean store, through the declarations: the identity names the
     * three tables read, each once however often they were read */
    vouch_facts_close(store);
    store = NULL;
    load("clean.db", csvs, 3);
    assert_int_equal(vouch_facts_open(tpath("clean.db"), &store, &err), VOUCH_OK);
    vouch_identity_free(&id);
    assert_int_equal(vouch_soa_read(store, decls, "iso", day("2026-11-21"), &id, &f, &err), VOUCH_OK);
    vouch_soa_facts_free(&f);
    assert_int_equal(vouch_soa_read(store, decls, "other", day("2026-11-21"), &id, &f, &err), VOUCH_OK);
    assert_int_equal(id.ntables, 3);
    assert_string_equal(id.tables[0].name, "evidence");
    assert_int_equal(id.tables[0].rows, 5);
    assert_string_equal(id.tables[1].name, "person");
    assert_string_equal(id.tables[2].name, "soa");
    vouch_soa_facts_free(&f);
    vouch_identity_free(&id);
    vouch_facts_close(store);
    vouch_program_free(decls);
}

/* A fact model compiled from src (its own facts, no import). */
static vouch_program *model_of(const char *src)
{
    vouch_compile_input in = {"<model>", src, strlen(src)};
    vouch_program *p = vouch_compile(&in, 1, NULL, NULL);
    assert_non_null(p);
    return p;
}

#define MODEL_EVIDENCE "fact evidence { framework: text control: text kind: text collected_on: date result: text }\n"

/* The SoA finds each fact and field it reads by name in the fact model:
 * one renamed, retyped or missing is an input error naming the fact and
 * the field, before anything is read (not a crash, not an empty column);
 * a model without person shows owners by id. */
static void test_read_needs_the_fields(void **state)
{
    (void)state;
    static const char *const csvs[] = {"soa.csv", "evidence.csv", "person.csv"};
    load("model.db", csvs, 3);
    vouch_facts *store = NULL;
    assert_int_equal(vouch_facts_open(tpath("model.db"), &store, &err), VOUCH_OK);
    static const struct {
        const char *src, *msg;
    } cases[] = {
        {"fact soa { framework: text control: text applies: bool justification: text? owner: text? "
         "frequency: text? }\n" MODEL_EVIDENCE,
         "the SoA reads field `applicable` of fact `soa` (a bool), which the fact model's `soa` does not declare"},
        {"fact soa { framework: text control: text applicable: text justification: text? owner: text? "
         "frequency: text? }\n" MODEL_EVIDENCE,
         "the SoA reads field `applicable` of fact `soa` as a bool, but the fact model declares it as text"},
        {"fact soa { framework: text control: text applicable: bool justification: text? owner: text? "
         "frequency: enum(daily, weekly)? }\n"
         "fact evidence { framework: text control: text kind: text collected_on: date? result: text }\n",
         "the SoA reads field `collected_on` of fact `evidence` as a date in every row, but the fact model "
         "declares it optional"},
        {"fact soa { framework: text control: text applicable: bool justification: text? owner: text? "
         "frequency: text? }\n",
         "the SoA reads fact `evidence`, which the fact model does not declare"},
        {"fact soa { framework: text control: text applicable: bool justification: text? owner: text? "
         "frequency: text? }\n" MODEL_EVIDENCE "fact person { id: text name: text role: int }\n",
         "the SoA reads field `role` of fact `person` as text, but the fact model declares it as an int"},
        /* a seed column need not be declared, but declared it must be text */
        {"fact soa { framework: text control: text applicable: bool justification: text? owner: text? "
         "frequency: text? status: int? }\n" MODEL_EVIDENCE,
         "the SoA reads field `status` of fact `soa` as text, but the fact model declares it as an int"},
    };
    vouch_soa_facts f;
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        vouch_program *model = model_of(cases[i].src);
        assert_int_equal(vouch_soa_read(store, model, "iso", day("2026-11-21"), NULL, &f, &err), VOUCH_EINPUT);
        assert_string_equal(err.msg, cases[i].msg);
        assert_int_equal(f.nentries, 0);
        vouch_program_free(model);
    }
    /* the fields it reads are enough: frequency an enum, person undeclared */
    vouch_program *model = model_of("fact soa { framework: text control: text applicable: bool justification: text? "
                                    "owner: text? frequency: enum(quarterly, annual)? }\n" MODEL_EVIDENCE);
    if (vouch_soa_read(store, model, "iso", day("2026-11-21"), NULL, &f, &err) != VOUCH_OK)
        fail_msg("read: %s", err.msg);
    assert_int_equal(f.nentries, 3);
    assert_string_equal(f.entries[0].frequency, "quarterly");
    assert_null(f.entries[0].implementation); /* not declared: none, not an error */
    assert_null(f.entries[0].status);
    assert_int_equal(f.people_read, 0);
    vouch_soa_facts_free(&f);
    vouch_program_free(model);
    /* one seed column declared of three: read in its place */
    model = model_of("fact soa { framework: text control: text applicable: bool justification: text? "
                     "owner: text? frequency: text? status: enum(planned, implementing, implemented)? }\n"
                     MODEL_EVIDENCE);
    if (vouch_soa_read(store, model, "iso", day("2026-11-21"), NULL, &f, &err) != VOUCH_OK)
        fail_msg("read: %s", err.msg);
    assert_string_equal(f.entries[0].status, "implementing");
    assert_null(f.entries[0].implementation);
    assert_null(f.entries[0].evidence_location);
    vouch_soa_facts_free(&f);
    vouch_program_free(model);
    vouch_facts_close(store);
}

/* ---- rows from a hand-made program and results ------------------------------------ */

#define HOSTILE_TITLE "<script>alert(\"t\")</script> & 'quotes'"
#define HOSTILE_JUST "Excluded: \"no premises\", <b>none</b>\nsecond line | piped"
#define HOSTILE_ID "x\"onmouseover=\"alert(1)"

static const char *const CONTROLS[] = {"A.1", "A.2", "A.3", "A.10", HOSTILE_ID};
#define NCONTROLS 5

static vouch_program *P;
static vouch_results R;
static vouch_soa_facts F;
static vouch_soa S;

static void add_finding(uint32_t rule, const char *subject, uint8_t status, int32_t waiver)
{
    vouch_finding *fd = &R.findings[R.nfindings++];
    memset(fd, 0, sizeof *fd);
    fd->rule = rule;
    fd->subject = vouch_strdup(subject);
    fd->message = vouch_strdup("m");
    fd->status = status;
    fd->waiver = waiver;
    assert_non_null(fd->subject);
}

/* Rules: 0 maps A.1 and passes; 1 maps A.2 and fails on it; 2 maps nothing
 * and fails on A.3@2026Q2 and is waived on A.10; 3 maps A.3 and is skipped.
 * Findings also name controls that are not quite A.1: A.1x, iso2/A.1. */
static void make_world(void)
{
    vouch_program *p = vouch_program_new();
    assert_non_null(p);
    p->pack = "acme";
    p->pack_version = "1.0.0";
    p->nframeworks = 1;
    p->frameworks = vouch_program_alloc(p, sizeof *p->frameworks);
    vouch_framework_info *fw = &p->frameworks[0];
    fw->id = "iso";
    fw->title = "ISO <Annex A>";
    fw->version = "2022";
    fw->source = "test";
    fw->ncontrols = NCONTROLS;
    fw->controls = vouch_program_alloc(p, NCONTROLS * sizeof *fw->controls);
    for (uint32_t c = 0; c < NCONTROLS; c++) {
        fw->controls[c].id = CONTROLS[c];
        fw->controls[c].title = c == 0 ? HOSTILE_TITLE : "Plain title";
    }
    fw->controls[0].nattrs = 1;
    fw->controls[0].attr_names = vouch_program_alloc(p, sizeof(char *));
    fw->controls[0].attr_values = vouch_program_alloc(p, sizeof(char *));
    fw->controls[0].attr_names[0] = "theme";
    fw->controls[0].attr_values[0] = "people";

    static const char *const ids[] = {"r_pass", "r_fail", "r_cadence", "r_skipped"};
    p->nrules = 4;
    p->rules = vouch_program_alloc(p, 4 * sizeof *p->rules);
    for (uint32_t i = 0; i < 4; i++) {
        p->rules[i].id = ids[i];
        p->rules[i].title = i == 1 ? "Fails <on> A.2" : "A rule";
        p->rules[i].pack = "acme";
        p->rules[i].skip_reason = "";
        p->rules[i].override_by = "";
    }
    static const uint32_t maps[] = {0, 1, UINT32_MAX, 2};
    for (uint32_t i = 0; i < 4; i++)
        if (maps[i] != UINT32_MAX) {
            p->rules[i].nmaps = 1;
            p->rules[i].maps = vouch_program_alloc(p, sizeof *p->rules[i].maps);
            p->rules[i].maps[0].framework = 0;
            p->rules[i].maps[0].control = maps[i];
        }
    p->rules[3].skipped = 1;
    p->rules[3].skip_reason = "tracked elsewhere";
    p->nwaivers = 1;
    p->waivers = vouch_program_alloc(p, sizeof *p->waivers);
    p->waivers[0].rule = 2;
    p->waivers[0].subject = "iso/A.10";
    p->waivers[0].granted = INT64_MIN;
    p->waivers[0].until = day("2026-12-15");
    p->waivers[0].because = "b";
    p->waivers[0].approved_by = "ciso";
    assert_false(vouch_program_failed(p));
    P = p;

    memset(&R, 0, sizeof R);
    R.nrules = 4;
    R.rules = vouch_calloc(4, sizeof *R.rules);
    R.findings = vouch_calloc(8, sizeof *R.findings);
    R.cap = 8;
    assert_non_null(R.rules);
    assert_non_null(R.findings);
    R.rules[0].passed = 3;
    R.rules[1].failed = 1;
    R.rules[1].passed = 2;
    R.rules[2].failed = 3;
    R.rules[2].waived = 1;
    add_finding(1, "iso/A.2", OUTCOME_FAIL, -1);
    add_finding(2, "iso/A.10", OUTCOME_WAIVED, 0);
    add_finding(2, "iso/A.1x", OUTCOME_FAIL, -1);
    add_finding(2, "iso/A.3@2026Q2", OUTCOME_FAIL, -1);
    add_finding(2, "iso2/A.1", OUTCOME_FAIL, -1);
    add_finding(2, "iso/A.1", OUTCOME_NA, -1); /* not applicable: not a finding */

    memset(&F, 0, sizeof F);
    assert_int_equal(vouch_soa_facts_add_entry(&F, "A.1", 1, NULL, "P1", "quarterly", NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_entry(&F, "A.2", 0, HOSTILE_JUST, "P1", NULL, NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_entry(&F, "A.10", 1, NULL, "P9", "monthly", NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_entry(&F, HOSTILE_ID, 1, "ok, \"quoted\"", NULL, NULL, NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_entry(&F, "Z.9", 1, NULL, NULL, NULL, NULL, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_evidence(&F, "A.1", "review", day("2026-10-01"), 1, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_evidence(&F, "A.1", "scan", day("2026-09-01"), 0, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_person(&F, "P1", "Maren <Okafor>", "CISO", &err), VOUCH_OK);
    F.people_read = 1;
}

static int world_setup(void **state)
{
    (void)state;
    make_world();
    memset(&S, 0, sizeof S);
    return 0;
}

static int world_teardown(void **state)
{
    (void)state;
    vouch_set_allocator(NULL, NULL);
    vouch_soa_free(&S);
    vouch_soa_facts_free(&F);
    vouch_results_free(&R);
    vouch_program_free(P);
    P = NULL;
    return 0;
}

static vouch_report report_of(void)
{
    vouch_report rep = {P, &R, day("2026-11-21"), day("2025-10-01"), day("2026-09-30"), "org.db", SEV_INFO, 0, NULL, 0, NULL, 0};
    return rep;
}

static void test_build_rows(void **state)
{
    (void)state;
    if (vouch_soa_build(P, &R, 0, &F, NULL, NULL, &S, &err) != VOUCH_OK)
        fail_msg("build: %s", err.msg);
    assert_int_equal(S.nrows, NCONTROLS);

    const vouch_soa_row *a1 = &S.rows[0];
    assert_int_equal(a1->control, 0);
    assert_int_equal(a1->applicability, SOA_APPLICABLE);
    assert_non_null(a1->owner);
    assert_string_equal(a1->owner->name, "Maren <Okafor>");
    assert_non_null(a1->evidence);
    assert_int_equal(a1->evidence->count, 2);
    assert_int_equal(a1->evidence->failed, 1);
    assert_int_equal(a1->coverage->status, COV_SATISFIED);
    assert_int_equal(a1->nfindings, 0); /* not A.1x, not iso2/A.1, not the n/a record */

    const vouch_soa_row *a2 = &S.rows[1];
    assert_int_equal(a2->applicability, SOA_EXCLUDED);
    assert_int_equal(a2->coverage->status, COV_NOT_SATISFIED);
    assert_int_equal(a2->nfindings, 1);
    assert_int_equal(a2->failing, 1);
    assert_string_equal(R.findings[a2->findings[0]].subject, "iso/A.2");
    assert_null(a2->evidence);

    const vouch_soa_row *a3 = &S.rows[2];
    assert_int_equal(a3->applicability, SOA_UNSTATED);
    assert_null(a3->entry);
    assert_int_equal(a3->coverage->status, COV_NOT_ASSESSED); /* its only rule is skipped */
    assert_int_equal(a3->coverage->nsources, 1);
    assert_int_equal(a3->failing, 1); /* A.3@2026Q2 */

    const vouch_soa_row *a10 = &S.rows[3];
    assert_int_equal(a10->applicability, SOA_APPLICABLE);
    assert_null(a10->owner); /* P9 is not in person */
    assert_int_equal(a10->waived, 1);
    assert_int_equal(a10->failing, 0);

    assert_int_equal(S.applicability[SOA_APPLICABLE], 3);
    assert_int_equal(S.applicability[SOA_EXCLUDED], 1);
    assert_int_equal(S.applicability[SOA_UNSTATED], 1);
    assert_int_equal(S.status[COV_SATISFIED], 1);
    assert_int_equal(S.status[COV_NOT_SATISFIED], 1);
    assert_int_equal(S.status[COV_NOT_ASSESSED], 3);
    assert_int_equal(S.with_failing, 2);
    assert_int_equal(S.nstray, 1);
    assert_string_equal(S.stray[0]->control, "Z.9");
    vouch_soa_free(&S);
    assert_int_equal(vouch_soa_build(P, &R, 1, &F, NULL, NULL, &S, &err), VOUCH_EINPUT);
}

/* --only: the rows of the controls with one attribute value; stray entries
 * are still those the catalogue does not declare. */
static void test_build_selected_rows(void **state)
{
    (void)state;
    assert_int_equal(vouch_soa_build(P, &R, 0, &F, "theme", "people", &S, &err), VOUCH_OK);
    assert_int_equal(S.nrows, 1);
    assert_int_equal(S.rows[0].control, 0);
    assert_int_equal(S.rows[0].evidence->count, 2);
    assert_int_equal(S.applicability[SOA_APPLICABLE], 1);
    assert_int_equal(S.applicability[SOA_EXCLUDED] + S.applicability[SOA_UNSTATED], 0);
    assert_int_equal(S.status[COV_SATISFIED], 1);
    assert_int_equal(S.status[COV_NOT_SATISFIED] + S.status[COV_NOT_ASSESSED], 0);
    assert_int_equal(S.with_failing, 0);
    assert_int_equal(S.nstray, 1);
    vouch_report rep = report_of();
    char *md = render(vouch_soa_markdown, &rep, &S);
    assert_contains(md, "- Controls: 1 with theme = people, of the catalogue's 5 (1 applicable, 0 excluded, 0 not stated)\n");
    free(md);
    char *html = render(vouch_soa_html, &rep, &S);
    assert_int_equal(count_of(html, "<tr id=\"ctl-"), 1);
    assert_contains(html, "<dt>Controls</dt><dd>1 with theme = people, of the catalogue&#39;s 5</dd>");
    free(html);
    vouch_soa_free(&S);

    /* a value no control has: no rows; an attribute no control has: none */
    assert_int_equal(vouch_soa_build(P, &R, 0, &F, "theme", "physical", &S, &err), VOUCH_OK);
    assert_int_equal(S.nrows, 0);
    vouch_soa_free(&S);
    assert_int_equal(vouch_soa_build(P, &R, 0, &F, "kind", "people", &S, &err), VOUCH_OK);
    assert_int_equal(S.nrows, 0);
    assert_int_equal(vouch_soa_selected(&P->frameworks[0].controls[0], NULL, NULL), 1);
    assert_int_equal(vouch_soa_selected(&P->frameworks[0].controls[0], "theme", "people"), 1);
    assert_int_equal(vouch_soa_selected(&P->frameworks[0].controls[1], "theme", "people"), 0);
}

/* Mandatory requirements (kind clause, issue 16): left out without a
 * selection and counted; with --only they are rows, mandatory whatever the
 * soa table says; the seed columns show in every writer. */
static void test_mandatory_and_stated(void **state)
{
    (void)state;
    vouch_control_info *a3 = &P->frameworks[0].controls[2];
    a3->nattrs = 1;
    a3->attr_names = vouch_program_alloc(P, sizeof(char *));
    a3->attr_values = vouch_program_alloc(P, sizeof(char *));
    assert_non_null(a3->attr_names);
    assert_non_null(a3->attr_values);
    a3->attr_names[0] = "kind";
    a3->attr_values[0] = "clause";
    assert_int_equal(vouch_soa_mandatory(a3), 1);
    assert_int_equal(vouch_soa_mandatory(&P->frameworks[0].controls[0]), 0);
    vouch_soa_stated st = {"Okta <groups>", "=Drata!A1", "planned"};
    assert_int_equal(vouch_soa_facts_add_entry(&F, "A.3", 1, "j", "P1", NULL, &st, &err), VOUCH_OK);
    vouch_soa_stated st1 = {NULL, NULL, "implemented"};
    vouch_soa_facts_free(&F);
    memset(&F, 0, sizeof F);
    assert_int_equal(vouch_soa_facts_add_entry(&F, "A.1", 1, "why", "P1", NULL, &st1, &err), VOUCH_OK);
    assert_int_equal(vouch_soa_facts_add_entry(&F, "A.3", 1, "j", "P1", NULL, &st, &err), VOUCH_OK);

    assert_int_equal(vouch_soa_build(P, &R, 0, &F, NULL, NULL, &S, &err), VOUCH_OK);
    assert_int_equal(S.nrows, NCONTROLS - 1);
    assert_int_equal(S.left_out, 1);
    for (uint32_t i = 0; i < S.nrows; i++)
        assert_int_not_equal(S.rows[i].control, 2);
    assert_int_equal(S.applicability[SOA_MANDATORY], 0);
    vouch_report rep = report_of();
    char *md = render(vouch_soa_markdown, &rep, &S);
    assert_contains(md, "- Left out: the catalogue's 1 mandatory requirement (kind clause)");
    assert_contains(md, "| Implementation status |");
    assert_contains(md, " | implemented | ");   /* A.1 */
    assert_contains(md, " | not stated | ");    /* A.10: applicable, no status */
    free(md);
    char *html = render(vouch_soa_html, &rep, &S);
    assert_contains(html, "<dd id=\"left-out\" data-count=\"1\">");
    assert_contains(html, "data-implementation-status=\"implemented\"");
    free(html);
    vouch_soa_free(&S);

    assert_int_equal(vouch_soa_build(P, &R, 0, &F, "kind", "clause", &S, &err), VOUCH_OK);
    assert_int_equal(S.nrows, 1);
    assert_int_equal(S.left_out, 0);
    assert_int_equal(S.rows[0].applicability, SOA_MANDATORY); /* its soa row says applicable */
    assert_int_equal(S.applicability[SOA_MANDATORY], 1);
    md = render(vouch_soa_markdown, &rep, &S);
    assert_contains(md, "0 not stated, 1 mandatory)");
    assert_contains(md, "| mandatory | j | Okta &lt;groups&gt;; ");
    assert_contains(md, "kept in: =Drata\\!A1; ");
    free(md);
    char *csv = render(vouch_soa_csv, &rep, &S);
    assert_contains(csv, ",mandatory,j,P1,");
    assert_contains(csv, ",Okta <groups>,'=Drata!A1,planned,"); /* the formula defused */
    free(csv);
    html = render(vouch_soa_html, &rep, &S);
    assert_contains(html, "id=\"count-applicable-mandatory\" data-count=\"1\"");
    assert_contains(html, "data-applicable=\"mandatory\"");
    assert_contains(html, "<span class=\"how\">Okta &lt;groups&gt;</span>");
    assert_contains(html, "<td class=\"implementation-status\">planned</td>");
    free(html);
}

/* ---- html ids (the text escapers are tests/unit/test_escape.c) ------------------------ */

static void test_html_id(void **state)
{
    (void)state;
    char *got = capture(vouch_soa_html_id, "A.5.15");
    assert_string_equal(got, "A.5.15");
    free(got);
    got = capture(vouch_soa_html_id, HOSTILE_ID);
    assert_string_equal(got, "x_22onmouseover_3D_22alert_281_29");
    free(got);
    got = capture(vouch_soa_html_id, "a_b c");
    assert_string_equal(got, "a_5Fb_20c"); /* '_' encoded too: distinct texts, distinct ids */
    free(got);
}

/* ---- the writers ------------------------------------------------------------------ */

/* Splits one RFC 4180 record starting at *p into fields (NUL-terminated,
 * unquoted, in buf); returns the number of fields and moves *p past the
 * CRLF. */
static int csv_record(const char **p, char fields[][512], int max)
{
    int n = 0;
    const char *s = *p;
    for (;;) {
        assert_true(n < max);
        size_t k = 0;
        if (*s == '"') {
            s++;
            for (;;) {
                assert_true(*s != 0);
                if (*s == '"' && s[1] == '"') {
                    fields[n][k++] = '"';
                    s += 2;
                } else if (*s == '"') {
                    s++;
                    break;
                } else {
                    fields[n][k++] = *s++;
                }
                assert_true(k < 511);
            }
        } else {
            while (*s && *s != ',' && *s != '\r' && *s != '\n') {
                fields[n][k++] = *s++;
                assert_true(k < 511);
            }
        }
        fields[n++][k] = 0;
        if (*s == ',') {
            s++;
            continue;
        }
        assert_int_equal(s[0], '\r'); /* records end in CRLF */
        assert_int_equal(s[1], '\n');
        *p = s + 2;
        return n;
    }
}

static void test_csv_writer(void **state)
{
    (void)state;
    assert_int_equal(vouch_soa_build(P, &R, 0, &F, NULL, NULL, &S, &err), VOUCH_OK);
    vouch_report rep = report_of();
    char *csv = render(vouch_soa_csv, &rep, &S);
    static char fields[35][512];
    const char *p = csv;
    int ncols = csv_record(&p, fields, 32);
    assert_int_equal(ncols, 30);
    assert_string_equal(fields[0], "framework");
    assert_string_equal(fields[4], "applicable");
    assert_string_equal(fields[10], "how_implemented");
    assert_string_equal(fields[11], "evidence_location");
    assert_string_equal(fields[12], "implementation_status");
    assert_string_equal(fields[13], "status");
    assert_string_equal(fields[24], "vouch");
    assert_string_equal(fields[28], "facts_sha256");
    int rows = 0;
    while (*p) {
        assert_int_equal(csv_record(&p, fields, 32), ncols);
        assert_string_equal(fields[0], "iso");
        assert_string_equal(fields[1], CONTROLS[rows]);
        if (rows == 0) {
            assert_string_equal(fields[2], HOSTILE_TITLE);
            assert_string_equal(fields[3], "theme: people");
            assert_string_equal(fields[4], "yes");
            assert_string_equal(fields[7], "Maren <Okafor>");
            assert_string_equal(fields[13], "satisfied");
            assert_string_equal(fields[15], "r_pass");
            assert_string_equal(fields[20], "2");
            assert_string_equal(fields[21], "1");
            assert_string_equal(fields[22], "2026-10-01");
            assert_string_equal(fields[23], "review; scan");
            /* the run's identity on every record: the dates; no digests
             * without an identity */
            assert_string_equal(fields[25], "2026-11-21");
            assert_string_equal(fields[26], "2025-10-01..2026-09-30");
            assert_string_equal(fields[27], "");
        } else if (rows == 1) {
            assert_string_equal(fields[4], "no");
            assert_string_equal(fields[5], HOSTILE_JUST);
            assert_string_equal(fields[13], "not_satisfied");
            assert_string_equal(fields[17], "1");
            assert_string_equal(fields[19], "r_fail iso/A.2 (failing)");
            assert_string_equal(fields[20], "0");
            assert_string_equal(fields[22], "");
        } else if (rows == 2) {
            assert_string_equal(fields[4], "unstated");
            assert_string_equal(fields[13], "not_assessed");
            assert_string_equal(fields[16], "r_skipped (A rule): not assessed (skipped: tracked elsewhere), direct");
        } else if (rows == 3) {
            assert_string_equal(fields[7], "");
            assert_string_equal(fields[18], "1");
            assert_string_equal(fields[19], "r_cadence iso/A.10 (waived until 2026-12-15)");
        } else {
            assert_string_equal(fields[5], "ok, \"quoted\"");
        }
        rows++;
    }
    assert_int_equal(rows, NCONTROLS);
    free(csv);
}

static void test_html_writer_escapes_hostile_text(void **state)
{
    (void)state;
    assert_int_equal(vouch_soa_build(P, &R, 0, &F, NULL, NULL, &S, &err), VOUCH_OK);
    vouch_report rep = report_of();
    char *html = render(vouch_soa_html, &rep, &S);
    assert_lacks(html, "<script");
    assert_lacks(html, "<b>none");
    assert_lacks(html, "<Annex");
    assert_lacks(html, "<Okafor");
    assert_lacks(html, "onmouseover=\"");
    assert_contains(html, "&lt;script&gt;alert(&quot;t&quot;)&lt;/script&gt; &amp; &#39;quotes&#39;");
    assert_contains(html, "Excluded: &quot;no premises&quot;, &lt;b&gt;none&lt;/b&gt;&#10;second line | piped");
    assert_contains(html, "<title>Statement of Applicability: ISO &lt;Annex A&gt;</title>");
    /* one row per control, with stable ids and data attributes */
    assert_int_equal(count_of(html, "<tr id=\"ctl-"), NCONTROLS);
    assert_contains(html, "<tr id=\"ctl-A.1\" class=\"control\" data-control=\"A.1\" data-status=\"satisfied\" "
                          "data-applicable=\"yes\"");
    assert_contains(html, "<tr id=\"ctl-A.3\" class=\"control\" data-control=\"A.3\" data-status=\"not_assessed\" "
                          "data-applicable=\"unstated\" data-waivers=\"no\" data-failing=\"1\"");
    assert_contains(html, "<tr id=\"ctl-x_22onmouseover_3D_22alert_281_29\" class=\"control\" "
                          "data-control=\"x&quot;onmouseover=&quot;alert(1)\"");
    /* the header's counts */
    assert_contains(html, "id=\"count-controls\" data-count=\"5\"");
    assert_contains(html, "id=\"count-applicable-yes\" data-count=\"3\"");
    assert_contains(html, "id=\"count-applicable-no\" data-count=\"1\"");
    assert_contains(html, "id=\"count-applicable-unstated\" data-count=\"1\"");
    assert_contains(html, "id=\"count-status-satisfied\" data-count=\"1\"");
    assert_contains(html, "id=\"count-status-not_satisfied\" data-count=\"1\"");
    assert_contains(html, "id=\"count-status-not_assessed\" data-count=\"3\"");
    assert_contains(html, "id=\"count-failing\" data-count=\"2\"");
    assert_contains(html, "SoA rows naming no control of the catalogue: <code>Z.9</code>");
    /* self-contained: nothing fetched */
    assert_lacks(html, "src=");
    assert_lacks(html, "href=");
    assert_lacks(html, "@import");
    assert_lacks(html, "url(");
    free(html);
}

static void test_markdown_writer(void **state)
{
    (void)state;
    assert_int_equal(vouch_soa_build(P, &R, 0, &F, NULL, NULL, &S, &err), VOUCH_OK);
    vouch_report rep = report_of();
    char *md = render(vouch_soa_markdown, &rep, &S);
    assert_contains(md, "# Statement of Applicability: ISO &lt;Annex A&gt;\n");
    assert_contains(md, "- Controls: 5 (3 applicable, 1 excluded, 1 not stated)\n");
    assert_contains(md, "| A.2 | Plain title | excluded | Excluded: \"no premises\", &lt;b&gt;none&lt;/b&gt; "
                        "second line \\| piped | r_fail (Fails &lt;on&gt; A.2): not satisfied, direct |  | none | "
                        "P1 Maren &lt;Okafor&gt; (CISO) | not satisfied; finding: r_fail iso/A.2 (failing) |\n");
    assert_lacks(md, "<script");
    /* every table line has the same number of unescaped pipes */
    size_t lines = 0;
    for (const char *l = strstr(md, "| Control |"); l && *l; lines++) {
        const char *end = strchr(l, '\n');
        assert_non_null(end);
        if (*l != '|')
            break;
        int pipes = 0;
        for (const char *c = l; c < end; c++)
            if (*c == '|' && (c == l || c[-1] != '\\'))
                pipes++;
        assert_int_equal(pipes, 10);
        l = end + 1;
    }
    assert_int_equal(lines, 2 + NCONTROLS); /* stops at the blank line after the table */
    assert_contains(md, "SoA rows naming no control of the catalogue: Z.9\n");
    free(md);
}

/* ---- allocation failures ------------------------------------------------------------- */

typedef struct fail_ctx {
    long countdown;
    long failures;
} fail_ctx;

static void *failing_alloc(void *ctx, void *ptr, size_t n)
{
    fail_ctx *fc = ctx;
    if (n == 0) {
        free(ptr);
        return NULL;
    }
    if (fc->countdown == 0) {
        fc->failures++;
        return NULL;
    }
    if (fc->countdown > 0)
        fc->countdown--;
    return realloc(ptr, n);
}

static void test_oom(void **state)
{
    (void)state;
    vouch_report rep = report_of();
    for (long n = 0;; n++) {
        fail_ctx fc = {n, 0};
        vouch_set_allocator(failing_alloc, &fc);
        vouch_status st = vouch_soa_build(P, &R, 0, &F, NULL, NULL, &S, &err);
        int wrote = 0;
        if (st == VOUCH_OK) {
            int (*writers[])(const vouch_report *, const vouch_soa *, FILE *) = {vouch_soa_markdown, vouch_soa_csv,
                                                                              vouch_soa_html};
            for (int w = 0; w < 3; w++) {
                FILE *sink = fopen("/dev/null", "w");
                assert_non_null(sink);
                wrote += writers[w](&rep, &S, sink) == 0;
                fclose(sink);
            }
        }
        vouch_set_allocator(NULL, NULL);
        vouch_soa_free(&S);
        if (fc.failures == 0) {
            assert_int_equal(st, VOUCH_OK);
            assert_int_equal(wrote, 3);
            break;
        }
        if (st != VOUCH_OK)
            assert_int_equal(st, VOUCH_ENOMEM);
    }
    /* and the facts */
    for (long n = 0;; n++) {
        vouch_soa_facts f;
        memset(&f, 0, sizeof f);
        fail_ctx fc = {n, 0};
        vouch_set_allocator(failing_alloc, &fc);
        vouch_status st = VOUCH_OK;
        for (int i = 0; i < 20 && st == VOUCH_OK; i++) {
            char c[8];
            snprintf(c, sizeof c, "C%d", i % 7);
            st = vouch_soa_facts_add_entry(&f, c, i & 1, "j", "o", "q", NULL, &err);
            if (st == VOUCH_OK)
                st = vouch_soa_facts_add_evidence(&f, c, i % 3 ? "k1" : "k2", i, i & 1, &err);
            if (st == VOUCH_OK)
                st = vouch_soa_facts_add_person(&f, c, "n", "r", &err);
        }
        vouch_set_allocator(NULL, NULL);
        vouch_soa_facts_free(&f);
        if (fc.failures == 0) {
            assert_int_equal(st, VOUCH_OK);
            break;
        }
        assert_int_equal(st, VOUCH_ENOMEM);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_facts_sorted_and_summed),
        cmocka_unit_test(test_html_id),
        cmocka_unit_test_setup_teardown(test_build_rows, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_build_selected_rows, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_mandatory_and_stated, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_csv_writer, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_html_writer_escapes_hostile_text, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_markdown_writer, world_setup, world_teardown),
        cmocka_unit_test_setup_teardown(test_oom, world_setup, world_teardown),
    };
    const struct CMUnitTest store_tests[] = {
        cmocka_unit_test(test_read_store),
        cmocka_unit_test(test_read_store_without_person_or_soa),
        cmocka_unit_test(test_read_store_checks_values),
        cmocka_unit_test(test_read_needs_the_fields),
    };
    int failed = cmocka_run_group_tests_name("soa", tests, NULL, NULL);
    failed += cmocka_run_group_tests_name("soa store", store_tests, store_setup, store_teardown);
    return failed != 0;
}
