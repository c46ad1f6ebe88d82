/*
 * compile.c: the compiler's entry point. Parses the given files and the
 * standard-library packs they import, checks them together, and generates
 * one program.
 *
 * Imports name packs: either a file of this compilation (by the name in its
 * `pack` line) or a pack of the standard library built into the binary
 * (the .vouch files of stdlib/). Imported standard packs are compiled first, so their
 * fact declarations are known to everything after them.
 */
#include <string.h>
#include "compile.h"
#include "compiler.h"
#include "parse.h"
#include "verify.h"         /* vouch_verify: the last check of a limit */
#include "vouch_limits.h"

typedef struct vouch_embedded { const char *name; const char *text; size_t len; } vouch_embedded;
extern const vouch_embedded vouch_stdlib_files[];

typedef struct unit {
    vouch_source *src;
    ast_node *items;
} unit;

static const ast_node *pack_item(const ast_node *items)
{
    for (const ast_node *it = items; it; it = it->next)
        if (it->kind == AST_PACK)
            return it;
    return NULL;
}

static int has_unit_named(const unit *u, size_t n, const char *name, size_t len)
{
    for (size_t i = 0; i < n; i++) {
        const ast_node *p = pack_item(u[i].items);
        if (p && p->u.s.n == len && memcmp(p->u.s.text, name, len) == 0)
            return 1;
    }
    return 0;
}

/* Reports a source over the size limits (one file, all files together);
 * such a file is not parsed. */
static int too_big(diag_sink *d, const char *name, size_t len, size_t *total)
{
    *total += len;
    if (len > VOUCH_MAX_SOURCE_BYTES)
        diag_error(d, NULL, 0, 0, "split the pack into several files",
                   "%s: larger than %u bytes, the limit for one source file",
                   name ? name : "<input>", VOUCH_MAX_SOURCE_BYTES);
    else if (*total > VOUCH_MAX_TOTAL_SOURCE_BYTES)
        diag_error(d, NULL, 0, 0, NULL,
                   "%s: the sources reach %zu bytes, more than the limit of %u for one compilation",
                   name ? name : "<input>", *total, VOUCH_MAX_TOTAL_SOURCE_BYTES);
    else
        return 0;
    return 1;
}

vouch_program *vouch_compile(const vouch_compile_input *files, size_t nfiles, vouch_diag_fn fn, void *ctx)
{
    return vouch_compile_ex(files, nfiles, NULL, NULL, fn, ctx);
}

/* Most packs one compilation may pull in through imports. */
#define MAX_IMPORTED VOUCH_MAX_IMPORTED_FILES

vouch_program *vouch_compile_ex(const vouch_compile_input *files, size_t nfiles, vouch_import_fn resolve,
                                void *resolve_ctx, vouch_diag_fn fn, void *ctx)
{
    vouch_compile_options opt = {resolve, resolve_ctx, 0, 0, NULL};
    return vouch_compile_with(files, nfiles, &opt, fn, ctx);
}

vouch_program *vouch_compile_with(const vouch_compile_input *files, size_t nfiles,
                                  const vouch_compile_options *opt, vouch_diag_fn fn, void *ctx)
{
    vouch_import_fn resolve = opt ? opt->resolve : NULL;
    void *resolve_ctx = opt ? opt->resolve_ctx : NULL;
    arena a;
    arena_init(&a);
    diag_sink d;
    memset(&d, 0, sizeof d);
    d.fn = fn;
    d.ctx = ctx;
    d.a = &a;

    size_t nstd = 0;
    while (vouch_stdlib_files[nstd].name)
        nstd++;
    size_t cap = nfiles + nstd + MAX_IMPORTED;
    unit *units = arena_alloc(&a, (cap + 1) * sizeof *units);
    int *std_loaded = arena_alloc(&a, (nstd + 1) * sizeof *std_loaded);
    vouch_program *prog = NULL;
    if (!units || !std_loaded)
        goto out;

    /* User files first, in order; imported standard packs are then put in
     * front of them. */
    unit *user = arena_alloc(&a, (nfiles + MAX_IMPORTED + 1) * sizeof *user);
    unit *std = arena_alloc(&a, (nstd + 1) * sizeof *std);
    size_t nuser = 0, nstd_used = 0;
    if (!user || !std)
        goto out;
    size_t total = 0;
    for (size_t i = 0; i < nfiles; i++) {
        if (too_big(&d, files[i].name, files[i].len, &total))
            continue;
        vouch_source *s = source_new(&a, files[i].name, files[i].text, files[i].len);
        if (!s)
            goto out;
        user[nuser].src = s;
        user[nuser].items = parse_source(&a, &d, s);
        nuser++;
    }
    /* Resolve imports until no new standard pack is pulled in (standard
     * packs may import each other). */
    for (int changed = 1; changed;) {
        changed = 0;
        for (size_t k = 0; k < nuser + nstd_used; k++) {
            unit *u = k < nuser ? &user[k] : &std[k - nuser];
            for (ast_node *it = u->items; it; it = it->next) {
                if (it->kind != AST_IMPORT || it->slot == 1)
                    continue;
                const char *nm = it->u.s.text;
                size_t len = it->u.s.n;
                it->slot = 1;
                if (has_unit_named(user, nuser, nm, len))
                    continue;
                size_t j = 0;
                for (; j < nstd; j++)
                    if (strlen(vouch_stdlib_files[j].name) == len && memcmp(vouch_stdlib_files[j].name, nm, len) == 0)
                        break;
                if (j == nstd && resolve && nuser >= nfiles + MAX_IMPORTED) {
                    diag_error(&d, u->src, it->off, it->len,
                               "import fewer packs, or give some on the command line (docs/limits.md)",
                               "import limit of %d files reached: \"%.*s\" is not imported",
                               MAX_IMPORTED, (int)len, nm);
                    continue;
                }
                const char *looked = NULL;
                if (j == nstd && resolve) {
                    vouch_compile_input in = {NULL, NULL, 0};
                    char *want = arena_strndup(&a, nm, len);
                    if (want && resolve(resolve_ctx, u->src->name, want, &in)) {
                        if (too_big(&d, in.name, in.len, &total))
                            continue;
                        vouch_source *s = source_new(&a, in.name, in.text, in.len);
                        if (!s)
                            goto out;
                        user[nuser].src = s;
                        user[nuser].items = parse_source(&a, &d, s);
                        const ast_node *pk = pack_item(user[nuser].items);
                        if (!pk || pk->u.s.n != len || memcmp(pk->u.s.text, nm, len) != 0)
                            diag_error(&d, u->src, it->off, it->len, "its `pack` line must name the pack imported",
                                       "%s does not declare pack \"%.*s\"", in.name, (int)len, nm);
                        nuser++;
                        changed = 1;
                        continue;
                    }
                    if (in.name)
                        looked = arena_printf(&a, "looked for %s", in.name);
                }
                if (j == nstd) {
                    const char **cand = arena_alloc(&a, (nstd + nuser + 1) * sizeof *cand);
                    size_t nc = 0;
                    for (size_t q = 0; cand && q < nstd; q++)
                        cand[nc++] = vouch_stdlib_files[q].name;
                    const char *best = cand ? diag_closest(nm, len, cand, nc) : NULL;
                    const char *hint = best ? arena_printf(&a, "did you mean `%s`?", best)
                                            : "import a standard pack (\"isms\") or a pack given on the command line";
                    if (looked)
                        hint = best ? arena_printf(&a, "%s (%s)", hint, looked) : arena_printf(&a, "%s; %s", looked, hint);
                    diag_error(&d, u->src, it->off, it->len, hint, "no pack named \"%.*s\"", (int)len, nm);
                    continue;
                }
                if (std_loaded[j])
                    continue;
                std_loaded[j] = 1;
                char *name = arena_printf(&a, "<stdlib>/%s.vouch", vouch_stdlib_files[j].name);
                vouch_source *s = source_new(&a, name, vouch_stdlib_files[j].text, vouch_stdlib_files[j].len);
                if (!s)
                    goto out;
                std[nstd_used].src = s;
                std[nstd_used].items = parse_source(&a, &d, s);
                nstd_used++;
                changed = 1;
            }
        }
    }
    size_t n = 0;
    for (size_t i = 0; i < nstd_used; i++)
        units[n++] = std[i];
    for (size_t i = 0; i < nuser; i++)
        units[n++] = user[i];

    compiler c;
    memset(&c, 0, sizeof c);
    c.a = &a;
    c.d = &d;
    c.lint = opt ? opt->lint : 0;
    c.explain = opt ? opt->explain : 0;
    c.nstd = nstd_used;
    ast_node **items = arena_alloc(&a, (n + 1) * sizeof *items);
    const vouch_source **srcs = arena_alloc(&a, (n + 1) * sizeof *srcs);
    c.pack_of_src = arena_alloc(&a, (n + 1) * sizeof *c.pack_of_src);
    if (!items || !srcs || !c.pack_of_src)
        goto out;
    for (size_t i = 0; i < n; i++) {
        units[i].src->index = (uint32_t)i;
        items[i] = units[i].items;
        srcs[i] = units[i].src;
        const ast_node *p = pack_item(units[i].items);
        c.pack_of_src[i] = p ? arena_strndup(&a, p->u.s.text, p->u.s.n) : "";
        if (p && i >= nstd_used && i < nstd_used + nfiles) {
            c.pack = c.pack_of_src[i];
            c.pack_version = p->u.s.text2 ? arena_strndup(&a, p->u.s.text2, p->u.s.n2) : "";
        }
    }
    /* Items that failed to parse were dropped by the parser, so the rest can
     * still be checked: one run reports syntax and type errors together. */
    /* Out of memory while parsing leaves trees with holes (a constructor
     * that got no memory returns NULL): do not check them. */
    if (a.failed)
        goto out;
    int checked = check_program(&c, items, srcs, n);
    if (opt && opt->symbols && !a.failed)
        symbols_build(&c, items, srcs, n, opt->symbols);
    if (!checked || d.nerrors)
        goto out;
    c.srcs = srcs;
    c.nsrcs = (uint32_t)n;
    prog = codegen_program(&c);
    if (!prog && !a.failed)
        diag_error(&d, NULL, 0, 0, NULL, "internal error: code generation failed");
    if (prog) {
        /* The language's limits (vouch_limits.h) keep programs within the
         * bytecode's (value stack, INTERP width, locals), but contrived
         * nesting can still pass them: say so here, as a compile error,
         * rather than hand out a program the runtime would refuse. */
        vouch_error verr;
        if (vouch_verify(prog, &verr) != VOUCH_OK) {
            diag_error(&d, NULL, 0, 0, "simplify that rule: nest less, or split it (docs/limits.md)",
                       "the pack exceeds a limit of the bytecode: %s", verr.msg);
            vouch_program_free(prog);
            prog = NULL;
        }
    }
out:
    if (a.failed && !prog)
        diag_error(&d, NULL, 0, 0, NULL, "out of memory while compiling");
    arena_free(&a);
    return prog;
}
