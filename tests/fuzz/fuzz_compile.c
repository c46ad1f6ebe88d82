/*
 * fuzz_compile.c: the whole compiler (parse, check, plan, codegen) on up to
 * eight files, plus what the compiler promises about its output: a program it
 * returns verifies (and one it refuses for the bytecode's limits fails only
 * those), survives a .vbc write/read round trip unchanged (same
 * disassembly), and runs without a facts store (rules that read facts stop
 * with an error; the step budget is small) through the reports
 * (fuzz_run.h) without a crash.
 */
#include "fuzz_common.h"
#include "compile.h"
#include "alloc.h"
#include "program_io.h"
#include "fuzz_run.h"

static void render(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    diag_render(d, fuzz_null());
    /* compile.c verifies what codegen made; only the bytecode's size limits
     * may fail there (contrived nesting), anything else is a codegen bug. */
    static const char lim[] = "the pack exceeds a limit of the bytecode: ";
    if (!d->src && strncmp(d->message, lim, sizeof lim - 1) == 0 && !strstr(d->message, "stack overflow") &&
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

/* An input is up to eight files separated by lines "%%file" (so packs
 * that import each other are fuzzed together); the last is the main pack. */
#define SEP "\n%%file\n"
#define MAXFILES 8

static const char *find(const char *p, const char *end, const char *s, size_t n)
{
    for (; (size_t)(end - p) >= n; p++)
        if (*p == *s && memcmp(p, s, n) == 0)
            return p;
    return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static const char *const names[MAXFILES] = {"f0.vouch", "f1.vouch", "f2.vouch", "f3.vouch",
                                                "f4.vouch", "f5.vouch", "f6.vouch", "f7.vouch"};
    vouch_compile_input in[MAXFILES];
    size_t n = 0;
    const char *p0 = (const char *)data, *end = p0 + size;
    while (n < MAXFILES) {
        const char *sep = NULL;
        if (n + 1 < MAXFILES && (size_t)(end - p0) >= sizeof SEP - 1)
            sep = find(p0, end, SEP, sizeof SEP - 1);
        in[n].name = names[n];
        in[n].text = p0;
        in[n].len = (size_t)((sep ? sep : end) - p0);
        n++;
        if (!sep)
            break;
        p0 = sep + sizeof SEP - 1;
    }
    vouch_program *p = vouch_compile(in, n, render, NULL);
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

    fuzz_run(p, NULL, 10000);
    vouch_program_free(p);
    return 0;
}
