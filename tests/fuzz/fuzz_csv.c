/*
 * fuzz_csv.c: the CSV facts loader (runtime/store/load.c), and reading back what
 * it loaded (runtime/store/facts.c, through a small pack run by the VM).
 *
 * Input: the first byte picks the table (its index in the standard fact
 * model, modulo the number of tables); the rest is the CSV file's
 * contents. Each input loads into a new store, so a load either fails with
 * a message and leaves no store behind, or succeeds and a rule reads every
 * column of every row loaded.
 */
#include "fuzz_store.h"
#include "vm.h"

static vouch_program *std_prog;

/* One rule per table that reads every column, so each loaded value is
 * converted and compared; compiled once per table. */
static const struct { const char *table, *rule; } readers[] = {
    {"framework", "for x in framework require x.title != \"\" or x.version == none"},
    {"control", "for x in control require x.title != \"{x.theme}{x.category}\""},
    {"mapping", "for x in mapping require x.relation != equal "
                "subject \"{x.src_framework}{x.src_control}{x.dst_framework}{x.dst_control}\""},
    {"soa", "for x in soa require x.applicable or present(x.justification) "
            "and x.frequency != daily and x.owner != none"},
    {"person", "for x in person require x.name != x.role"},
    {"asset", "for x in asset require x.criticality != low and x.status == active "
              "and x.kind != x.env and x.owner != none"},
    {"evidence", "for x in evidence require x.collected_on >= today - 92d and x.result == pass "
                 "and x.id != \"\" and x.asset != none "
                 "subject \"{x.id}{x.framework}{x.control}{x.kind}\""},
    {"risk", "for x in risk require x.likelihood * x.impact - x.residual_likelihood "
             "* x.residual_impact < 10 and x.treatment != accept and x.accepted_on != none "
             "and x.review_due >= today and x.owner != x.accepted_by and x.asset != none"},
    {"risk_control", "for x in risk_control require x.risk != x.control "
                     "subject \"{x.risk}{x.framework}{x.control}\""},
};
#define NREADERS (sizeof readers / sizeof readers[0])
static vouch_program *reader_prog[NREADERS];

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    std_prog = fuzz_std_program();
    for (size_t i = 0; i < NREADERS; i++) {
        char text[1024];
        snprintf(text, sizeof text,
                 "pack \"fuzzread\" version \"1\"\nimport \"isms\"\n"
                 "rule READ \"r\" severity low {\n%s\n}\n", readers[i].rule);
        vouch_compile_input in = {"fuzzread.vouch", text, strlen(text)};
        reader_prog[i] = vouch_compile(&in, 1, fuzz_store_diag, NULL);
        if (!reader_prog[i])
            fuzz_fail("a read-back rule does not compile", readers[i].table);
    }
    return 0;
}

static vouch_program *reader_of(const char *table)
{
    for (size_t i = 0; i < NREADERS; i++)
        if (strcmp(readers[i].table, table) == 0)
            return reader_prog[i];
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1 || std_prog->ntables == 0)
        return 0;
    const char *table = std_prog->tables[data[0] % std_prog->ntables].name;
    char name[128], db[512];
    snprintf(name, sizeof name, "%s.csv", table);
    fuzz_path(db, sizeof db, "load.db");
    vouch_error err;
    if (fuzz_load_input(std_prog, name, data + 1, size - 1, db, &err) == VOUCH_OK) {
        vouch_program *rp = reader_of(table);
        vouch_facts *f = NULL;
        if (rp && vouch_facts_open(db, &f, &err) == VOUCH_OK &&
            vouch_facts_bind(f, rp, VOUCH_AS_OF_ANY, &err) == VOUCH_OK) {
            vouch_run_env env = {.today = 20700, .period_start = 20454, .period_end = 20819,
                                 .step_budget = 100000, .memory_limit = 64u << 20};
            vouch_results res;
            if (vouch_vm_run(rp, f, &env, &res, &err) == VOUCH_OK)
                vouch_results_free(&res);
        }
        vouch_facts_close(f);
        unlink(db);
    }
    return 0;
}
