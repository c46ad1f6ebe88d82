/*
 * scratch.h: a unit test's scratch folder, for the tests that need real
 * files (packs, CSV facts, stores): scratch_make creates it under /tmp,
 * tpath names a file in it, write_text writes one whole or fails the test.
 * tpath's results live in a ring of 16 buffers: a test may hold up to 16
 * paths at once. Include after cmocka.h; one folder per test program.
 */
#ifndef VOUCH_TEST_SCRATCH_H
#define VOUCH_TEST_SCRATCH_H

#include <stdio.h>
#include <stdlib.h>

static char tmpdir[64];

/* Creates the folder /tmp/vouch-NAME.XXXXXX. */
static inline void scratch_make(const char *name)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vouch-%s.XXXXXX", name);
    assert_non_null(mkdtemp(tmpdir));
}

static inline const char *tpath(const char *name)
{
    static char bufs[16][256];
    static int k;
    char *b = bufs[k++ & 15];
    snprintf(b, 256, "%s/%s", tmpdir, name);
    return b;
}

static inline void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "wb");
    assert_non_null(f);
    assert_int_equal(fputs(text, f) >= 0, 1);
    assert_int_equal(fclose(f), 0);
}

#endif
