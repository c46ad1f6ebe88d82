/*
 * fuzz_parse.c: the lexer and the parser (compiler/parse.c and the grammar).
 * Input: the text of one .vouch file. Every diagnostic is rendered (so the
 * caret and line code runs too) and every item dumped.
 */
#include "fuzz_common.h"
#include "arena.h"
#include "ast.h"
#include "diag.h"
#include "parse.h"
#include "source.h"

static void render(void *ctx, const vouch_diag *d)
{
    diag_render(d, ctx);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    arena a;
    arena_init(&a);
    diag_sink d;
    memset(&d, 0, sizeof d);
    d.fn = render;
    d.ctx = fuzz_null();
    d.a = &a;
    vouch_source *src = source_new(&a, "fuzz.vouch", (const char *)data, size);
    if (src) {
        ast_node *items = parse_source(&a, &d, src);
        for (ast_node *it = items; it; it = it->next)
            ast_dump(it, fuzz_null());
    }
    arena_free(&a);
    return 0;
}
