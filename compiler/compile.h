/*
 * compile.h: the compiler's public entry point. Takes sources, returns a
 * verified-ready program. Knows the declared facts, nothing of SQLite.
 */
#ifndef VOUCH_COMPILE_H
#define VOUCH_COMPILE_H

#include "program.h"
#include "diag.h"

/* The symbol index for editors (compiler.h, symbols.c). */
typedef struct vouch_symbols vouch_symbols;

typedef struct vouch_compile_input {
    const char *name;        /* file name for messages */
    const char *text;        /* contents */
    size_t len;
} vouch_compile_input;

/* Compiles the built-in standard library plus the given files (in order)
 * into one program. Diagnostics go to fn(ctx, ...). Returns NULL if there
 * were errors (or no memory); otherwise a program the caller frees with
 * vouch_program_free. */
vouch_program *vouch_compile(const vouch_compile_input *files, size_t nfiles,
                             vouch_diag_fn fn, void *ctx);

/* Finds the pack an `import "name"` names when no given file and no
 * standard pack declares it: fills *out (name = the path found; text owned
 * by the resolver and kept alive until vouch_compile_ex returns) and
 * returns 1, or returns 0 if there is no such pack, then with out->name
 * either left NULL or set to where it looked, for the message ("x.vouch
 * and x/pack.vouch in DIR (beside FILE), ..."; owned by the resolver, kept
 * alive as the text is). importer is the name of the importing file. */
typedef int (*vouch_import_fn)(void *ctx, const char *importer, const char *name,
                               vouch_compile_input *out);

typedef struct vouch_compile_options {
    vouch_import_fn resolve; /* may be NULL */
    void *resolve_ctx;
    int lint;                /* 1: also report lint warnings (see docs/lint.md) */
    int explain;             /* 1: an explain program (program.h, "Trace points") */
    vouch_symbols *symbols;  /* non-NULL: filled with the symbol index (compiler.h) */
} vouch_compile_options;

/* vouch_compile with options. Lint findings are DIAG_WARNINGs: they do not
 * stop compilation. */
vouch_program *vouch_compile_with(const vouch_compile_input *files, size_t nfiles,
                                  const vouch_compile_options *opt, vouch_diag_fn fn, void *ctx);

/* vouch_compile, with imports also resolved by resolve (may be NULL). */
vouch_program *vouch_compile_ex(const vouch_compile_input *files, size_t nfiles,
                                vouch_import_fn resolve, void *resolve_ctx,
                                vouch_diag_fn fn, void *ctx);

#endif
