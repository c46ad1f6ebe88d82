/*
 * fuzz_compile.c: the whole compiler (parse, check, plan, codegen) on one
 * file, plus what the compiler promises about its output: a program it
 * returns verifies (and one it refuses for the bytecode's limits fails only
 * those), survives a .vbc write/read round trip unchanged (same
 * disassembly), and runs without a facts store (rules that read facts stop
 * with an error; the step budget is small) without a crash.
 */
#include "fuzz_common.h"
#include "compile.h"
#include "alloc.h"
#include "program_io.h"
#include "vm.h"

static void render(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    diag_render(d, fuzz_null());
    /* compile.c verifies what codegen made; only the bytecode's size limits
     * may fail there (contrived nesting), anything else is a codegen bug. */
    if (strstr(d->message, "exceeds a limit of the bytecode") && !strstr(d->message, "stack overflow") &&
        !strstr(d->message, "INTERP count") && !strstr(d->message, "locals (at most"))
        fuzz_fail("codegen made a program that does not verify", d->message);
}

static char *listing(const vouch_program *p, size_t *n)
{
    char *buf = NULL;
    FILE *f = open_memstream(&buf, n);
    if (!f)
        fuzz_fail("open_memstream", NULL);
    vouch_disasm(p, f);
    fclose(f);
    return buf;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    vouch_compile_input in = {"fuzz.vouch", (const char *)data, size};
    vouch_program *p = vouch_compile(&in, 1, render, NULL);
    if (!p)
        return 0;
    vouch_error err;
    if (vouch_verify(p, &err) != VOUCH_OK)
        fuzz_fail("a compiled program does not verify", err.msg);

    unsigned char *vbc;
    size_t len;
    if (vouch_program_write_buf(p, &vbc, &len, &err) != VOUCH_OK)
        fuzz_fail("cannot write a compiled program", err.msg);
    vouch_program *q;
    if (vouch_program_read(vbc, len, 0, &q, &err) != VOUCH_OK)
        fuzz_fail("cannot read a written program back", err.msg);
    size_t n1, n2;
    char *l1 = listing(p, &n1), *l2 = listing(q, &n2);
    if (n1 != n2 || memcmp(l1, l2, n1) != 0)
        fuzz_fail("a program read back differs from the one written", NULL);
    free(l1);
    free(l2);
    vouch_free(vbc);
    vouch_program_free(q);

    vouch_run_env env = {0, 0, 365, 10000, 64u << 20};
    vouch_results res;
    if (vouch_vm_run(p, NULL, &env, &res, &err) == VOUCH_OK)
        vouch_results_free(&res);
    vouch_program_free(p);
    return 0;
}
