/*
 * fuzz_store.h: a small facts store for the targets that run programs,
 * made once per process (LLVMFuzzerInitialize) in the fuzz directory:
 * the standard fact model with a few rows in every table, one with an
 * enum value and one with an optional left empty.
 */
#ifndef VOUCH_FUZZ_STORE_H
#define VOUCH_FUZZ_STORE_H

#include "fuzz_common.h"
#include "compile.h"
#include "facts.h"

static const struct { const char *name, *text; } fuzz_csvs[] = {
    {"framework.csv", "id,title,version\niso,ISO 27001,2022\nsoc2,SOC 2,\n"},
    {"control.csv", "framework,id,title,theme,category\niso,A.5.15,Access control,org,access\n"
                    "iso,A.8.13,Backup,tech,\nsoc2,CC6.1,Logical access,,access\n"},
    {"mapping.csv", "src_framework,src_control,dst_framework,dst_control,relation\n"
                    "iso,A.5.15,soc2,CC6.1,equal\n"},
    {"soa.csv", "framework,control,applicable,justification,owner,frequency\n"
                "iso,A.5.15,1,,P1,quarterly\niso,A.8.13,0,,P2,\nsoc2,CC6.1,1,,,annual\n"},
    {"person.csv", "id,name,role\nP1,Ada,CISO\nP2,Bob,engineer\n"},
    {"asset.csv", "id,kind,env,owner,criticality,status\ndb,server,prod,P2,high,active\n"
                  "old,server,dev,,low,decommissioned\n"},
    {"evidence.csv", "id,framework,control,kind,collected_on,asset,result\n"
                     "1,iso,A.5.15,access_review,2026-09-01,db,pass\n"
                     "2,iso,A.8.13,backup_test,2025-01-31,,fail\n"
                     "3,soc2,CC6.1,access_review,2026-10-15,db,pass\n"},
    {"risk.csv", "id,asset,title,likelihood,impact,residual_likelihood,residual_impact,treatment,"
                 "owner,accepted_by,accepted_on,review_due\n"
                 "R1,db,Leak,4,5,3,4,accept,P2,P1,2026-01-10,2027-01-10\n"
                 "R2,,Fire,1,5,1,2,mitigate,,,,\n"},
    {"risk_control.csv", "risk,framework,control\nR1,iso,A.5.15\n"},
};

static char fuzz_store_path[300];

static inline void fuzz_store_diag(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    diag_render(d, stderr);
}

/* The standard fact model alone. */
static inline vouch_program *fuzz_std_program(void)
{
    static const char text[] = "import \"isms\"\n";
    vouch_compile_input in = {"fuzz-std.vouch", text, sizeof text - 1};
    vouch_program *p = vouch_compile(&in, 1, fuzz_store_diag, NULL);
    if (!p)
        fuzz_fail("the standard fact model does not compile", NULL);
    return p;
}

static inline const char *fuzz_store(void)
{
    if (fuzz_store_path[0])
        return fuzz_store_path;
    size_t n = sizeof fuzz_csvs / sizeof fuzz_csvs[0];
    char paths[16][300];
    const char *ptrs[16];
    for (size_t i = 0; i < n; i++) {
        fuzz_path(paths[i], sizeof paths[i], fuzz_csvs[i].name);
        if (fuzz_write(paths[i], fuzz_csvs[i].text, strlen(fuzz_csvs[i].text)) != 0)
            fuzz_fail("cannot write the store's CSV files", paths[i]);
        ptrs[i] = paths[i];
    }
    fuzz_path(fuzz_store_path, sizeof fuzz_store_path, "store.db");
    vouch_program *p = fuzz_std_program();
    vouch_error err;
    if (vouch_facts_load(fuzz_store_path, p, ptrs, (uint32_t)n, NULL, &err) != VOUCH_OK)
        fuzz_fail("cannot make the fuzz store", err.msg);
    vouch_program_free(p);
    for (size_t i = 0; i < n; i++)
        unlink(paths[i]);
    return fuzz_store_path;
}

/* Writes data as the file NAME in the fuzz directory and loads it with p
 * into a new store at db, which is removed first.
 * The loader's all-or-nothing promise is checked here for every target
 * that loads: a failed load must leave no store behind. Returns the load's
 * status; the input file is removed. */
static inline vouch_status fuzz_load_input(const vouch_program *p, const char *name, const uint8_t *data,
                                           size_t size, const char *db, vouch_error *err)
{
    char path[512];
    fuzz_path(path, sizeof path, name);
    if (fuzz_write(path, data, size) != 0)
        fuzz_fail("cannot write the input", path);
    unlink(db);
    const char *paths[1] = {path};
    vouch_status st = vouch_facts_load(db, p, paths, 1, NULL, err);
    struct stat sb;
    if (st != VOUCH_OK && stat(db, &sb) == 0)
        fuzz_fail("a failed load left a store behind", err->msg);
    unlink(path);
    return st;
}

#endif
