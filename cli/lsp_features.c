/*
 * lsp_features.c: what the language server answers (lsp_features.h), from
 * a document's text and its latest compilation: the compiler's
 * diagnostics, and the symbol index (compiler.h) for hover, definition and
 * completion. Completion reads the text before the cursor (a half-typed
 * `x.` does not compile) and the index for what the names mean.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_features.h"
#include "lsp_text.h"
#include "format.h"
#include "parse.h"
#include "alloc.h"

static json_t *pos_json(uint32_t line, uint32_t ch) { return json_pack("{s:i, s:i}", "line", line, "character", ch); }

/* The range of bytes [off, off+n) of text. */
static json_t *range_json(const char *text, size_t len, size_t off, size_t n)
{
    uint32_t l0, c0, l1, c1;
    lsp_text_position(text, len, off, &l0, &c0);
    lsp_text_position(text, len, off + n, &l1, &c1);
    return json_pack("{s:o, s:o}", "start", pos_json(l0, c0), "end", pos_json(l1, c1));
}

/* A JSON string of s, any byte that is not UTF-8 made '?' (lsp_text.h). */
static json_t *jstr(const char *s)
{
    char *c = strdup(s);
    json_t *j = c ? json_string(lsp_text_utf8_clean(c)) : NULL;
    free(c);
    return j;
}

/* ---- diagnostics ----------------------------------------------------- */

json_t *lsp_diagnostics(lsp_docs *ds, const lsp_doc *d)
{
    json_t *arr = json_array();
    for (size_t i = 0; arr && i < d->ndiags; i++) {
        const lsp_diag *g = &d->diags[i];
        json_t *range, *item;
        if (g->file && strcmp(g->file, d->path) == 0) {
            range = range_json(d->text, d->len, g->off, g->len);
            item = json_pack("{s:o, s:i, s:s, s:s}", "range", range, "severity", g->severity, "source", "vouch",
                             "message", g->message);
        } else {
            /* in an imported file, or with no position: at the top of this
             * one, saying where */
            char where[600] = "";
            if (g->file) {
                size_t flen;
                char *owned;
                const char *ft = lsp_doc_text_of(ds, g->file, &flen, &owned);
                uint32_t l = 0, c = 0;
                if (ft)
                    lsp_text_position(ft, flen, g->off, &l, &c);
                snprintf(where, sizeof where, "%s:%u:%u: ", g->file, l + 1, c + 1);
                lsp_text_utf8_clean(where);
                free(owned);
            }
            range = range_json(d->text, d->len, 0, 0);
            item = json_pack("{s:o, s:i, s:s, s:s+}", "range", range, "severity", g->severity, "source", "vouch",
                             "message", where, g->message);
        }
        json_array_append_new(arr, item);
    }
    return json_pack("{s:s, s:I, s:o}", "uri", d->uri, "version", (json_int_t)d->version, "diagnostics", arr);
}

/* ---- hover and definition -------------------------------------------- */

/* The symbol at (line, character) and its declaration (NULL if none). */
static const vouch_symbol *symbol_at(const lsp_doc *d, uint32_t line, uint32_t character, const vouch_symbol **decl)
{
    size_t off = lsp_text_offset(d->text, d->len, line, character);
    const vouch_symbol *y = vouch_symbols_at(&d->syms, d->path, (uint32_t)off);
    *decl = y && y->decl >= 0 ? &d->syms.v.v[y->decl] : NULL;
    return y;
}

json_t *lsp_hover(lsp_docs *ds, const lsp_doc *d, uint32_t line, uint32_t character)
{
    const vouch_symbol *decl;
    const vouch_symbol *y = symbol_at(d, line, character, &decl);
    const char *detail = decl && decl->detail ? decl->detail : y ? y->detail : NULL;
    if (!y || !detail)
        return json_null();
    return json_pack("{s:{s:s, s:o}, s:o}", "contents", "kind", "plaintext", "value", jstr(detail), "range",
                     range_json(d->text, d->len, y->off, y->len));
}

json_t *lsp_definition(lsp_docs *ds, const lsp_doc *d, uint32_t line, uint32_t character)
{
    const vouch_symbol *decl;
    symbol_at(d, line, character, &decl);
    if (!decl || decl->file[0] == '<') /* the embedded standard packs have no file */
        return json_null();
    size_t flen;
    char *owned;
    const char *ft = lsp_doc_text_of(ds, decl->file, &flen, &owned);
    char *uri = strcmp(decl->file, d->path) == 0 ? strdup(d->uri) : lsp_path_to_uri(decl->file);
    json_t *loc = ft && uri ? json_pack("{s:s, s:o}", "uri", uri, "range", range_json(ft, flen, decl->off, decl->len))
                            : json_null();
    free(owned);
    free(uri);
    return loc;
}

/* ---- completion ------------------------------------------------------ */

/* The protocol's CompletionItemKind values used. */
enum { CK_FIELD = 5, CK_VARIABLE = 6, CK_CLASS = 7, CK_MODULE = 9, CK_VALUE = 12, CK_KEYWORD = 14,
       CK_FUNCTION = 3, CK_ENUM_MEMBER = 20, CK_CONSTANT = 21, CK_STRUCT = 22 };

static const char *const KEYWORDS[] = {
    "pack", "version", "import", "fact", "key", "dated", "by", "rule", "severity", "enforcement", "maps", "scope",
    "for", "in", "where", "require", "subject", "else", "every", "quarter", "month", "of", "as", "exists", "all",
    "count", "newest", "oldest", "sum", "avg", "satisfies", "and", "or", "not", "if", "then", "true", "false", "none", "today",
    "period", "framework", "control", "crosswalk", "appetite", "waive", "waivers", "override", "skip", "test", "param",
    "given", "expect", "freshness", "info", "low", "medium", "high", "critical", "advisory", "soft", "hard",
    "year", "band", "tolerate", "accept", "role", "review", "authority", "until", "because", "approved_by",
    "source", "into", "from", "map", "note", "enum", "int", "text", "bool", "date", "duration", "cadence", NULL};

static int is_word(int c) { return isalnum(c) || c == '_'; }

static void add_item(json_t *items, const char *label, int kind, const char *detail)
{
    for (size_t i = 0; i < json_array_size(items); i++) /* once each */
    {
        const char *have = json_string_value(json_object_get(json_array_get(items, i), "label"));
        if (have && strcmp(have, label) == 0)
            return;
    }
    json_t *it = json_pack("{s:o, s:i}", "label", jstr(label), "kind", kind);
    if (it && detail)
        json_object_set_new(it, "detail", jstr(detail));
    json_array_append_new(items, it);
}

/* The current index, or the previous one when the text compiled to nothing. */
static const vouch_symbols *index_of(const lsp_doc *d) { return d->syms.ndecls ? &d->syms : &d->prev; }

/* The declaration of kind named name[0..n) (and container); NULL if none. */
static const vouch_symbol *find(const lsp_doc *d, int kind, const char *name, size_t n, const char *container)
{
    const vouch_symbols *v[2] = {&d->syms, &d->prev};
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < v[k]->v.n; i++) {
            const vouch_symbol *y = &v[k]->v.v[i];
            if (y->is_decl && y->kind == kind && strlen(y->name) == n && memcmp(y->name, name, n) == 0 &&
                (!container || (y->container && strcmp(y->container, container) == 0)))
                return y;
        }
    return NULL;
}

/* The table a fact or scope name reads. */
static const char *table_named(const lsp_doc *d, const char *name, size_t n)
{
    const vouch_symbol *y = find(d, SYM_FACT, name, n, NULL);
    if (y)
        return y->name;
    y = find(d, SYM_SCOPE, name, n, NULL);
    return y ? y->target : NULL;
}

/* The table variable v[0..n) reads at byte off: the index's variable whose
 * rule holds off, else the nearest `v in T` before off in the text. */
static const char *table_of_var(const lsp_doc *d, const char *v, size_t n, size_t off)
{
    const vouch_symbols *s = index_of(d);
    for (uint32_t i = 0; i < s->v.n; i++) {
        const vouch_symbol *y = &s->v.v[i];
        if (y->is_decl && y->kind == SYM_VAR && y->target && strlen(y->name) == n && memcmp(y->name, v, n) == 0 &&
            y->scope_off <= off && off < y->scope_end && y->off < off)
            return y->target;
    }
    const char *t = d->text;
    for (size_t i = off; i-- > 0;) {
        if (i + n > d->len || memcmp(t + i, v, n) != 0 || (i > 0 && is_word(t[i - 1])) || is_word(t[i + n]))
            continue;
        size_t j = i + n;
        while (j < off && (t[j] == ' ' || t[j] == '\t'))
            j++;
        if (j + 2 >= off || t[j] != 'i' || t[j + 1] != 'n' || is_word(t[j + 2]))
            continue;
        j += 2;
        while (j < off && isspace((unsigned char)t[j]))
            j++;
        size_t k = j;
        while (k < off && is_word(t[k]))
            k++;
        if (k > j)
            return table_named(d, t + j, k - j);
    }
    return NULL;
}

static size_t skip_space_back(const char *t, size_t i)
{
    while (i > 0 && (t[i - 1] == ' ' || t[i - 1] == '\t'))
        i--;
    return i;
}

/* The word ending at i: its start. */
static size_t word_back(const char *t, size_t i)
{
    while (i > 0 && is_word(t[i - 1]))
        i--;
    return i;
}

/* `x.field` ending at i (spaces before i skipped): the field's declaration. */
static const vouch_symbol *member_before(const lsp_doc *d, size_t i)
{
    const char *t = d->text;
    i = skip_space_back(t, i);
    size_t fs = word_back(t, i);
    if (fs == i || fs == 0 || t[fs - 1] != '.')
        return NULL;
    size_t vs = word_back(t, fs - 1);
    const char *table = table_of_var(d, t + vs, fs - 1 - vs, vs);
    return table ? find(d, SYM_FIELD, t + fs, i - fs, table) : NULL;
}

static void complete_fields(const lsp_doc *d, const char *table, json_t *items)
{
    const vouch_symbols *v[2] = {&d->syms, &d->prev};
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < v[k]->v.n; i++) {
            const vouch_symbol *y = &v[k]->v.v[i];
            if (y->is_decl && y->kind == SYM_FIELD && y->container && strcmp(y->container, table) == 0)
                add_item(items, y->name, CK_FIELD, y->detail);
        }
}

static void complete_kind(const lsp_doc *d, int kind, const char *container, int ck, json_t *items)
{
    const vouch_symbols *v[2] = {&d->syms, &d->prev};
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < v[k]->v.n; i++) {
            const vouch_symbol *y = &v[k]->v.v[i];
            if (y->is_decl && y->kind == kind &&
                (!container || (y->container && strcmp(y->container, container) == 0)))
                add_item(items, y->name, ck, y->detail);
        }
}

/* The parameters a value in this document may name: those its own pack
 * declares (a parameter is visible in its pack only), found as the ones
 * declared in this file. */
static void complete_params(const lsp_doc *d, json_t *items)
{
    const vouch_symbols *v[2] = {&d->syms, &d->prev};
    for (int k = 0; k < 2; k++)
        for (uint32_t i = 0; i < v[k]->v.n; i++) {
            const vouch_symbol *y = &v[k]->v.v[i];
            if (y->is_decl && y->kind == SYM_PARAM && y->file && d->path && strcmp(y->file, d->path) == 0)
                add_item(items, y->name, CK_CONSTANT, y->detail);
        }
}

/* Inside a string on this line: maps "FW" "| gives control ids, maps "|
 * framework ids; in a rule title's open `{`, the parameters. 1 if handled;
 * 0 in a message's open `{` too, where any value goes. */
static int complete_in_string(const lsp_doc *d, size_t ls, size_t off, json_t *items)
{
    const char *t = d->text;
    size_t q = (size_t)-1;
    int open = 0, brace = 0;
    for (size_t i = ls; i < off; i++) {
        if (t[i] == '\\' && open) {
            i++;
            continue;
        }
        if (t[i] == '"' && !brace) {
            open = !open;
            q = i;
        } else if (open && t[i] == '{')
            brace = 1;
        else if (open && t[i] == '}')
            brace = 0;
    }
    if (!open)
        return 0;
    if (brace) {
        size_t w = ls;
        while (w < off && (t[w] == ' ' || t[w] == '\t'))
            w++;
        if (off - w < 5 || memcmp(t + w, "rule ", 5) != 0)
            return 0;
        complete_params(d, items);
        return 1;
    }
    size_t i = skip_space_back(t, q);
    if (i >= 4 && memcmp(t + i - 4, "maps", 4) == 0 && (i == 4 || !is_word(t[i - 5]))) {
        complete_kind(d, SYM_FRAMEWORK, NULL, CK_MODULE, items);
        return 1;
    }
    if (i > ls && t[i - 1] == '"') { /* the string before: the framework, after `maps` */
        size_t e = i - 1, s = e;
        while (s > ls && t[s - 1] != '"')
            s--;
        if (s == ls)
            return 1;
        size_t k = skip_space_back(t, s - 1);
        if (k >= 4 && memcmp(t + k - 4, "maps", 4) == 0) {
            char fw[256];
            snprintf(fw, sizeof fw, "%.*s", (int)(e - s), t + s);
            complete_kind(d, SYM_CONTROL, fw, CK_VALUE, items);
        }
    }
    return 1;
}

json_t *lsp_completion(lsp_docs *ds, const lsp_doc *d, uint32_t line, uint32_t character)
{
    json_t *items = json_array();
    const char *t = d->text;
    size_t off = lsp_text_offset(t, d->len, line, character);
    size_t ls = off;
    while (ls > 0 && t[ls - 1] != '\n')
        ls--;
    if (complete_in_string(d, ls, off, items))
        return items;
    size_t ws = word_back(t, off);
    if (ws > ls && t[ws - 1] == '.') { /* x.| : the fields of x's table */
        size_t vs = word_back(t, ws - 1);
        const char *table = vs < ws - 1 ? table_of_var(d, t + vs, ws - 1 - vs, vs) : NULL;
        if (table)
            complete_fields(d, table, items);
        return items;
    }
    /* x.f == | and x.f in [a, | : the members of f's enum */
    size_t i = skip_space_back(t, ws);
    const vouch_symbol *field = NULL;
    if (i >= 2 && (memcmp(t + i - 2, "==", 2) == 0 || memcmp(t + i - 2, "!=", 2) == 0)) {
        field = member_before(d, i - 2);
    } else {
        size_t b = i;
        while (b > ls && t[b - 1] != '[' && t[b - 1] != ']')
            b--;
        if (b > ls && t[b - 1] == '[') {
            size_t k = skip_space_back(t, b - 1);
            if (k >= 2 && memcmp(t + k - 2, "in", 2) == 0 && (k == 2 || !is_word(t[k - 3])))
                field = member_before(d, k - 2);
        }
    }
    if (field && field->target) {
        complete_kind(d, SYM_ENUM_MEMBER, field->target, CK_ENUM_MEMBER, items);
        return items;
    }
    /* anything else: the variables in scope, the tables and scopes, the
     * rules, the words of the language */
    const vouch_symbols *s = index_of(d);
    for (uint32_t k = 0; k < s->v.n; k++) {
        const vouch_symbol *y = &s->v.v[k];
        if (y->is_decl && y->kind == SYM_VAR && y->scope_off <= off && off < y->scope_end)
            add_item(items, y->name, CK_VARIABLE, y->detail);
    }
    complete_params(d, items);
    complete_kind(d, SYM_FACT, NULL, CK_STRUCT, items);
    complete_kind(d, SYM_SCOPE, NULL, CK_CLASS, items);
    complete_kind(d, SYM_RULE, NULL, CK_FUNCTION, items);
    for (int k = 0; KEYWORDS[k]; k++)
        add_item(items, KEYWORDS[k], CK_KEYWORD, NULL);
    (void)ds;
    return items;
}

/* ---- formatting ------------------------------------------------------ */

json_t *lsp_formatting(const lsp_doc *d)
{
    arena a;
    arena_init(&a);
    json_t *res = json_null();
    vouch_source *src = source_new(&a, d->path, d->text, d->len);
    diag_sink sink;
    memset(&sink, 0, sizeof sink);
    sink.a = &a;
    char *out = NULL;
    size_t olen = 0;
    /* a text that does not parse is left alone: fmt would keep its tokens,
     * but the edit would be a guess */
    if (src && (parse_source(&a, &sink, src), sink.nerrors == 0 && !a.failed) &&
        format_source(src, &out, &olen) == 0) {
        json_decref(res);
        if (olen == d->len && memcmp(out, d->text, olen) == 0)
            res = json_array();
        else
            res = json_pack("[{s:o, s:s%}]", "range", range_json(d->text, d->len, 0, d->len), "newText", out, olen);
    }
    vouch_free(out);
    arena_free(&a);
    return res;
}
