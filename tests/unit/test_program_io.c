/*
 * test_program_io.c: precompiled programs (runtime/program/program_io.c).
 *
 *   - a program written and read back is the same program, field by field
 *     (the reference pack, and the example organisation's pack, which uses
 *     every construct: catalogues, crosswalks, maps, waivers, overrides);
 *   - every byte of a .vbc file flipped (^0xff; for the reference pack
 *     also ^0x01 and ^0x80): the checksum rejects
 *     each one; with the checksum made right again, the decoder and the
 *     verifier reject what is inconsistent, and whatever they accept
 *     (a changed title, a changed constant) runs without a crash (under
 *     ASan in the asan build): without a store, and one in 16 against a
 *     facts store;
 *   - every truncation, trailing bytes, another version or layout, forged
 *     counts (no allocation larger than the file), and the limits.
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

#include "alloc.h"
#include "compile.h"
#include "facts.h"
#include "program_io.h"
#include "vm.h"

static char tmpdir[64];
static char store[128];

static void quiet(void *ctx, const vouch_diag *d)
{
    (void)ctx;
    if (d->severity == DIAG_ERROR)
        diag_render(d, stderr);
}

static char *read_all(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        fail_msg("cannot read %s (run from the repository root)", path);
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

/* Compiles the given files (the last is the main pack). */
static vouch_program *compile_files(const char *const *paths, size_t n)
{
    vouch_compile_input in[12];
    char *texts[12];
    assert_true(n <= 12);
    for (size_t i = 0; i < n; i++) {
        texts[i] = read_all(paths[i], &in[i].len);
        in[i].name = paths[i];
        in[i].text = texts[i];
    }
    vouch_program *p = vouch_compile(in, n, quiet, NULL);
    for (size_t i = 0; i < n; i++)
        free(texts[i]);
    assert_non_null(p);
    return p;
}

static vouch_program *reference(void)
{
    static const char *const f[] = {"rules/reference/reference.vouch"};
    return compile_files(f, 1);
}

/* The example organisation's packs and the ISO pack and catalogue they
 * adopt (every construct of the language). */
static vouch_program *acme(void)
{
    static const char *const f[] = {
        "rules/catalogues/iso27001-2022.vouch",    "rules/iso27001/iso27001-soa.vouch",
        "rules/iso27001/iso27001-risk.vouch",      "rules/iso27001/iso27001-performance.vouch",
        "rules/iso27001/iso27001-operations.vouch", "rules/iso27001/iso27001-suppliers.vouch",
        "rules/iso27001/iso27001-improvement.vouch", "rules/iso27001/pack.vouch",
        "examples/acme/acme-catalogue.vouch",      "examples/acme/pack.vouch"};
    return compile_files(f, sizeof f / sizeof f[0]);
}

static unsigned char *write_prog(const vouch_program *p, size_t *len)
{
    unsigned char *buf;
    vouch_error err;
    if (vouch_program_write_buf(p, &buf, len, &err) != VOUCH_OK)
        fail_msg("write failed: %s", err.msg);
    return buf;
}

/* ---- field-by-field equality ---------------------------------------------- */

#define STR_EQ(a, b) assert_string_equal((a) ? (a) : "", (b) ? (b) : "")

static void assert_same(const vouch_program *a, const vouch_program *b)
{
    assert_int_equal(a->version, b->version);
    assert_int_equal(a->ncode, b->ncode);
    assert_memory_equal(a->code, b->code, (size_t)a->ncode * 4 + (a->ncode == 0));
    assert_int_equal(a->nconsts, b->nconsts);
    for (uint32_t i = 0; i < a->nconsts; i++) {
        assert_int_equal(a->consts[i].type, b->consts[i].type);
        if (a->consts[i].type == VT_TEXT) {
            assert_int_equal(a->consts[i].len, b->consts[i].len);
            assert_memory_equal(a->consts[i].u.s, b->consts[i].u.s, a->consts[i].len + 1);
        } else if (a->consts[i].type != VT_NONE) {
            assert_int_equal(a->consts[i].u.i, b->consts[i].u.i);
        }
    }
    assert_int_equal(a->nenums, b->nenums);
    for (uint32_t i = 0; i < a->nenums; i++) {
        STR_EQ(a->enums[i].name, b->enums[i].name);
        assert_int_equal(a->enums[i].nvalues, b->enums[i].nvalues);
        for (uint32_t k = 0; k < a->enums[i].nvalues; k++)
            STR_EQ(a->enums[i].values[k], b->enums[i].values[k]);
    }
    assert_int_equal(a->ntables, b->ntables);
    for (uint32_t i = 0; i < a->ntables; i++) {
        const vouch_table_decl *x = &a->tables[i], *y = &b->tables[i];
        STR_EQ(x->name, y->name);
        assert_int_equal(x->ncolumns, y->ncolumns);
        for (uint32_t c = 0; c < x->ncolumns; c++) {
            STR_EQ(x->columns[c].name, y->columns[c].name);
            assert_int_equal(x->columns[c].type, y->columns[c].type);
            assert_int_equal(x->columns[c].optional, y->columns[c].optional);
            assert_int_equal(x->columns[c].enum_id, y->columns[c].enum_id);
        }
        assert_int_equal(x->nkey, y->nkey);
        for (uint32_t k = 0; k < x->nkey; k++)
            assert_int_equal(x->key[k], y->key[k]);
        assert_int_equal(x->first_used != 0, y->first_used != 0);
    }
    assert_int_equal(a->nplans, b->nplans);
    for (uint32_t i = 0; i < a->nplans; i++) {
        const vouch_plan *x = &a->plans[i], *y = &b->plans[i];
        assert_int_equal(x->table, y->table);
        assert_int_equal(x->mode, y->mode);
        assert_int_equal(x->repeated, y->repeated);
        assert_int_equal(x->agg_column, y->agg_column);
        assert_int_equal(x->nterms, y->nterms);
        for (uint32_t k = 0; k < x->nterms; k++) {
            assert_int_equal(x->terms[k].column, y->terms[k].column);
            assert_int_equal(x->terms[k].cmp, y->terms[k].cmp);
            assert_int_equal(x->terms[k].bound, y->terms[k].bound);
            assert_int_equal(x->terms[k].param, y->terms[k].param);
        }
        assert_int_equal(x->nparams, y->nparams);
        assert_int_equal(x->ncolumns, y->ncolumns);
        for (uint32_t c = 0; c < x->ncolumns; c++)
            assert_int_equal(x->columns[c], y->columns[c]);
        assert_int_equal(x->rule, y->rule);
    }
    assert_int_equal(a->nrules, b->nrules);
    for (uint32_t i = 0; i < a->nrules; i++) {
        const vouch_rule_info *x = &a->rules[i], *y = &b->rules[i];
        STR_EQ(x->id, y->id);
        STR_EQ(x->title, y->title);
        assert_int_equal(x->severity, y->severity);
        STR_EQ(x->file, y->file);
        assert_int_equal(x->line, y->line);
        assert_int_equal(x->col, y->col);
        assert_int_equal(x->entry, y->entry);
        assert_int_equal(x->nlocals, y->nlocals);
        STR_EQ(x->pack, y->pack);
        assert_int_equal(x->nmaps, y->nmaps);
        for (uint32_t k = 0; k < x->nmaps; k++) {
            assert_int_equal(x->maps[k].framework, y->maps[k].framework);
            assert_int_equal(x->maps[k].control, y->maps[k].control);
        }
        assert_int_equal(x->skipped != 0, y->skipped != 0);
        STR_EQ(x->skip_reason, y->skip_reason);
        assert_int_equal(x->declared_severity, y->declared_severity);
        STR_EQ(x->override_by, y->override_by);
    }
    assert_int_equal(a->nframeworks, b->nframeworks);
    for (uint32_t i = 0; i < a->nframeworks; i++) {
        const vouch_framework_info *x = &a->frameworks[i], *y = &b->frameworks[i];
        STR_EQ(x->id, y->id);
        STR_EQ(x->title, y->title);
        STR_EQ(x->version, y->version);
        STR_EQ(x->source, y->source);
        assert_int_equal(x->ncontrols, y->ncontrols);
        for (uint32_t c = 0; c < x->ncontrols; c++) {
            STR_EQ(x->controls[c].id, y->controls[c].id);
            STR_EQ(x->controls[c].title, y->controls[c].title);
            assert_int_equal(x->controls[c].nattrs, y->controls[c].nattrs);
            for (uint32_t k = 0; k < x->controls[c].nattrs; k++) {
                STR_EQ(x->controls[c].attr_names[k], y->controls[c].attr_names[k]);
                STR_EQ(x->controls[c].attr_values[k], y->controls[c].attr_values[k]);
            }
        }
    }
    assert_int_equal(a->npairs, b->npairs);
    for (uint32_t i = 0; i < a->npairs; i++) {
        const vouch_crosswalk_pair *x = &a->pairs[i], *y = &b->pairs[i];
        assert_memory_equal(&x->src, &y->src, sizeof x->src);
        assert_memory_equal(&x->dst, &y->dst, sizeof x->dst);
        assert_int_equal(x->relation, y->relation);
        assert_int_equal(x->origin, y->origin);
        STR_EQ(x->source, y->source);
        STR_EQ(x->note, y->note);
        STR_EQ(x->file, y->file);
        assert_int_equal(x->line, y->line);
    }
    assert_int_equal(a->nwaivers, b->nwaivers);
    for (uint32_t i = 0; i < a->nwaivers; i++) {
        const vouch_waiver *x = &a->waivers[i], *y = &b->waivers[i];
        assert_int_equal(x->rule, y->rule);
        STR_EQ(x->subject, y->subject);
        assert_int_equal(x->granted, y->granted);
        assert_int_equal(x->until, y->until);
        STR_EQ(x->because, y->because);
        STR_EQ(x->approved_by, y->approved_by);
        STR_EQ(x->file, y->file);
        assert_int_equal(x->line, y->line);
        assert_int_equal(x->col, y->col);
    }
    assert_int_equal(a->waiver_max_days, b->waiver_max_days);
    assert_int_equal(a->waiver_max_months, b->waiver_max_months);
    STR_EQ(a->pack, b->pack);
    STR_EQ(a->pack_version, b->pack_version);
}

static void round_trip(vouch_program *p)
{
    size_t len;
    unsigned char *buf = write_prog(p, &len);
    vouch_program *q = NULL;
    vouch_error err;
    if (vouch_program_read(buf, len, 0, &q, &err) != VOUCH_OK)
        fail_msg("read failed: %s", err.msg);
    assert_same(p, q);
    /* and writing it again gives the same bytes */
    size_t len2;
    unsigned char *buf2 = write_prog(q, &len2);
    assert_int_equal(len, len2);
    assert_memory_equal(buf, buf2, len);
    vouch_free(buf);
    vouch_free(buf2);
    vouch_program_free(q);
    vouch_program_free(p);
}

static void test_round_trip_reference(void **state)
{
    (void)state;
    round_trip(reference());
}

static void test_round_trip_every_construct(void **state)
{
    (void)state;
    vouch_program *p = acme();
    assert_true(p->nframeworks > 0 && p->npairs > 0 && p->nwaivers > 0);
    round_trip(p);
}

/* ---- damage --------------------------------------------------------------- */

static void set32(unsigned char *p, uint32_t v)
{
    for (int i = 0; i < 4; i++)
        p[i] = (unsigned char)(v >> (8 * i));
}

/* Makes the header's checksum right for the (damaged) bytes. */
static void fix_crc(unsigned char *b, size_t len)
{
    if (len < VOUCH_VBC_HEADER_LEN)
        return;
    uint32_t crc = vouch_crc32(0, b, 20);
    crc = vouch_crc32(crc, b + VOUCH_VBC_HEADER_LEN, len - VOUCH_VBC_HEADER_LEN);
    set32(b + 20, crc);
}

/* Runs an accepted program as `vouch check` would: against the store if
 * with_store (binding costs a millisecond, so the flip tests do it for a
 * sample), else with no store (rules stop at their first read). */
static void run_it(vouch_program *p, int with_store)
{
    vouch_facts *f = NULL;
    vouch_error err;
    vouch_run_env env = {.today = 20778, .period_start = 20362, .period_end = 20726,
                         .step_budget = with_store ? 100000 : 2000, .memory_limit = 16u << 20};
    vouch_results res;
    if (!with_store) {
        if (vouch_vm_run(p, NULL, &env, &res, &err) == VOUCH_OK)
            vouch_results_free(&res);
    } else if (vouch_facts_open(store, &f, &err) == VOUCH_OK && vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err) == VOUCH_OK) {
        if (vouch_vm_run(p, f, &env, &res, &err) == VOUCH_OK)
            vouch_results_free(&res);
    }
    vouch_facts_close(f);
    static FILE *null;
    if (!null)
        null = fopen("/dev/null", "w");
    if (with_store)
        vouch_disasm(p, null);
}

/* Flips bytes of p's .vbc: every byte of the first dense bytes, then one
 * in stride (each flip copies and checksums the whole file, so a large
 * program flipped byte by byte costs its size squared). */
static void flips(vouch_program *p, const char *what, size_t nxors, size_t dense, size_t stride)
{
    static const unsigned char xors[] = {0xff, 0x01, 0x80};
    size_t len;
    unsigned char *orig = write_prog(p, &len);
    unsigned char *b = malloc(len);
    assert_non_null(b);
    unsigned long crc_rejected = 0, rejected = 0, accepted = 0;
    for (size_t i = 0; i < len; i += i < dense ? 1 : stride) {
        for (size_t k = 0; k < nxors; k++) {
            memcpy(b, orig, len);
            b[i] ^= xors[k];
            vouch_program *q = NULL;
            vouch_error err;
            memset(&err, 0, sizeof err);
            /* as written: always rejected, and with a message */
            if (vouch_program_read(b, len, 0, &q, &err) == VOUCH_OK)
                fail_msg("%s: byte %zu ^ 0x%02x was accepted", what, i, xors[k]);
            assert_null(q);
            assert_true(err.msg[0] != 0);
            crc_rejected++;
            /* with the checksum made right: the structure checks decide */
            fix_crc(b, len);
            if (vouch_program_read(b, len, 0, &q, &err) == VOUCH_OK) {
                accepted++;
                run_it(q, accepted % 16 == 1);
                vouch_program_free(q);
            } else {
                assert_null(q);
                assert_true(err.msg[0] != 0);
                rejected++;
            }
        }
    }
    printf("%s: %zu bytes (%zu dense, then 1 in %zu) x %zu flips: %lu rejected as damaged; with the checksum fixed, "
           "%lu rejected by the decoder or verifier and %lu accepted and run safely "
           "(one in 16 against the store)\n",
           what, len, dense < len ? dense : len, stride, nxors, crc_rejected, rejected, accepted);
    free(b);
    vouch_free(orig);
    vouch_program_free(p);
}

static void test_flip_every_byte_reference(void **state)
{
    (void)state;
    flips(reference(), "reference.vbc", 3, SIZE_MAX, 1);
}

static void test_flip_every_byte_every_construct(void **state)
{
    (void)state;
    /* 80 KB with the ISO pack it adopts: the header, counts and first
     * pool entries byte by byte, the rest one byte in 16 */
    flips(acme(), "acme.vbc", 1, 4096, 16);
}

static void expect_reject(const unsigned char *b, size_t len, unsigned flags, const char *want)
{
    vouch_program *q = NULL;
    vouch_error err;
    memset(&err, 0, sizeof err);
    if (vouch_program_read(b, len, flags, &q, &err) == VOUCH_OK)
        fail_msg("accepted; expected a rejection with `%s`", want);
    assert_null(q);
    if (!strstr(err.msg, want))
        fail_msg("expected `%s` in: %s", want, err.msg);
}

static void test_truncations_and_headers(void **state)
{
    (void)state;
    vouch_program *p = reference();
    size_t len;
    unsigned char *orig = write_prog(p, &len);
    unsigned char *b = malloc(len + 16);
    assert_non_null(b);
    /* every truncation, checksum fixed or not */
    for (size_t n = 0; n < len; n++) {
        memcpy(b, orig, n);
        vouch_program *q = NULL;
        vouch_error err;
        assert_int_not_equal(vouch_program_read(b, n, 0, &q, &err), VOUCH_OK);
        assert_null(q);
        if (n >= VOUCH_VBC_HEADER_LEN) {
            set32(b + 16, (uint32_t)(n - VOUCH_VBC_HEADER_LEN));
            fix_crc(b, n);
            assert_int_not_equal(vouch_program_read(b, n, 0, &q, &err), VOUCH_OK);
            assert_null(q);
        }
    }
    /* trailing bytes */
    memcpy(b, orig, len);
    memset(b + len, 0, 16);
    expect_reject(b, len + 16, 0, "the header says");
    set32(b + 16, (uint32_t)(len + 16 - VOUCH_VBC_HEADER_LEN));
    fix_crc(b, len + 16);
    expect_reject(b, len + 16, 0, "left over");
    /* not a program at all */
    expect_reject((const unsigned char *)"pack \"x\" version \"1\"\n", 21, 0, "not a compiled vouch program");
    /* another layout, another program version */
    memcpy(b, orig, len);
    set32(b + 8, VOUCH_VBC_FORMAT + 1);
    expect_reject(b, len, 0, "compile the pack again");
    memcpy(b, orig, len);
    set32(b + 12, VOUCH_PROGRAM_VERSION + 1);
    expect_reject(b, len, 0, "compile the pack again");
    /* a damaged payload */
    memcpy(b, orig, len);
    b[len / 2] ^= 0x10;
    expect_reject(b, len, 0, "checksum mismatch");
    free(b);
    vouch_free(orig);
    vouch_program_free(p);
}

/* A file whose first count claims four billion code words: rejected for
 * the bytes left, before anything of that size is allocated. */
static void test_forged_counts(void **state)
{
    (void)state;
    unsigned char b[VOUCH_VBC_HEADER_LEN + 64];
    memset(b, 0, sizeof b);
    memcpy(b, VOUCH_VBC_MAGIC, VOUCH_VBC_MAGIC_LEN);
    set32(b + 8, VOUCH_VBC_FORMAT);
    set32(b + 12, VOUCH_PROGRAM_VERSION);
    set32(b + 16, 64);
    set32(b + 24, 0xFFFFFFFFu);         /* ncode */
    fix_crc(b, sizeof b);
    expect_reject(b, sizeof b, 0, "only 60 bytes are left");
    set32(b + 24, 0);                   /* no code */
    set32(b + 28, 0x7FFFFFFFu);         /* nconsts */
    fix_crc(b, sizeof b);
    expect_reject(b, sizeof b, 0, "constants, but only");
    set32(b + 28, 1);                   /* one constant: a text of 2^32-1 bytes */
    b[32] = VT_TEXT;
    set32(b + 33, 0xFFFFFFFFu);
    fix_crc(b, sizeof b);
    expect_reject(b, sizeof b, 0, "a string of 4294967295 bytes");
    b[32] = VT_DATE;                    /* a date far outside the calendar */
    set32(b + 33, 0xFFFFFFFFu);
    set32(b + 37, 0x7FFFFFFFu);
    fix_crc(b, sizeof b);
    expect_reject(b, sizeof b, 0, "is not a date");
    b[32] = 77;                         /* no such type */
    fix_crc(b, sizeof b);
    expect_reject(b, sizeof b, 0, "constant type 77 out of range");
}

/* ---- fixtures -------------------------------------------------------------- */

static int setup(void **state)
{
    (void)state;
    strcpy(tmpdir, "/tmp/vouch-vbc.XXXXXX");
    assert_non_null(mkdtemp(tmpdir));
    snprintf(store, sizeof store, "%s/store.db", tmpdir);
    /* the example organisation's facts */
    static const char *const tables[] = {"framework", "control", "mapping", "soa", "person",
                                         "asset", "evidence", "risk", "risk_control"};
    char paths[9][64];
    const char *ptrs[9];
    for (int i = 0; i < 9; i++) {
        snprintf(paths[i], sizeof paths[i], "examples/acme/%s.csv", tables[i]);
        ptrs[i] = paths[i];
    }
    static const char std_text[] = "import \"isms\"\n";
    vouch_compile_input in = {"std.vouch", std_text, sizeof std_text - 1};
    vouch_program *std = vouch_compile(&in, 1, quiet, NULL);
    assert_non_null(std);
    vouch_error err;
    if (vouch_facts_load(store, std, ptrs, 9, NULL, &err) != VOUCH_OK)
        fail_msg("cannot make the store: %s", err.msg);
    vouch_program_free(std);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    char side[sizeof store + 8];
    unlink(store);
    /* a read-only connection leaves the WAL mode store's -wal and -shm */
    snprintf(side, sizeof side, "%s-wal", store);
    unlink(side);
    snprintf(side, sizeof side, "%s-shm", store);
    unlink(side);
    rmdir(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_round_trip_reference),
        cmocka_unit_test(test_round_trip_every_construct),
        cmocka_unit_test(test_truncations_and_headers),
        cmocka_unit_test(test_forged_counts),
        cmocka_unit_test(test_flip_every_byte_reference),
        cmocka_unit_test(test_flip_every_byte_every_construct),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
