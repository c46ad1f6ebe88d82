/*
 * fuzz_json.c: the JSON and JSON Lines facts source of the loader
 * (runtime/store/load_json.c, through load.c and load_check.c).
 *
 * Input: the first byte picks the table (its index in the standard fact
 * model, modulo the number of tables), the second the layout (even: a
 * .json array, odd: .jsonl); the rest is the file's contents. Each input
 * loads into a new store: a load either fails with a message and leaves
 * no store behind, or succeeds, and then every value it wrote must pass
 * the store's own check of stored values (a second load with no input
 * re-checks and records every table: it must succeed).
 */
#include "fuzz_store.h"

static vouch_program *std_prog;

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    std_prog = fuzz_std_program();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2 || std_prog->ntables == 0)
        return 0;
    const char *table = std_prog->tables[data[0] % std_prog->ntables].name;
    char name[128], db[512];
    snprintf(name, sizeof name, "%s.%s", table, data[1] & 1 ? "jsonl" : "json");
    fuzz_path(db, sizeof db, "load-json.db");
    vouch_error err;
    if (fuzz_load_input(std_prog, name, data + 2, size - 2, db, &err) == VOUCH_OK) {
        if (vouch_facts_load(db, std_prog, NULL, 0, NULL, &err) != VOUCH_OK)
            fuzz_fail("a loaded value does not pass the store's check", err.msg);
        unlink(db);
    }
    return 0;
}
