/*
 * fuzz_program.c: the program loader and verifier (runtime/program/program_io.c,
 * runtime/program/verify.c), and then everything a verified program reaches: the
 * disassembler, binding to a facts store (runtime/store/facts.c), the VM, the
 * waivers, the reports and the coverage reports (fuzz_run.h).
 *
 * Input: a .vbc file. The checksum is not checked (VOUCH_VBC_NO_CHECKSUM),
 * so mutations reach the decoder and the verifier instead of stopping at
 * the CRC; a program the verifier accepts must then run safely whatever it
 * says (the step budget is small).
 */
#include "fuzz_store.h"
#include "program_io.h"
#include "fuzz_run.h"

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    fuzz_store();
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vouch_program *p;
    vouch_error err;
    if (vouch_program_read(data, size, VOUCH_VBC_NO_CHECKSUM, &p, &err) != VOUCH_OK)
        return 0;
    vouch_disasm(p, fuzz_null());
    vouch_facts *f = NULL;
    if (vouch_facts_open(fuzz_store(), &f, &err) == VOUCH_OK &&
        vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err) == VOUCH_OK) {
        fuzz_run(p, f, 20000);
    }
    vouch_facts_close(f);
    vouch_program_free(p);
    return 0;
}
