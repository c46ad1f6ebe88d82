/*
 * lsp_doc.c: open documents and their compilations (lsp_doc.h). Each
 * compilation is a fresh session (runtime/session/session.h) over the
 * document's text, as `vouch lint` compiles a file: same messages, same
 * import resolution; nothing is run and no store is opened.
 */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "lsp_doc.h"
#include "lsp_text.h"
#include "packs_dir.h"
#include "session.h"

lsp_doc *lsp_doc_find(lsp_docs *ds, const char *uri)
{
    for (lsp_doc *d = ds->head; d; d = d->next)
        if (strcmp(d->uri, uri) == 0)
            return d;
    return NULL;
}

static void clear_diags(lsp_doc *d)
{
    for (size_t i = 0; i < d->ndiags; i++) {
        free(d->diags[i].file);
        free(d->diags[i].message);
    }
    d->ndiags = 0;
}

static void doc_free(lsp_doc *d)
{
    clear_diags(d);
    free(d->diags);
    vouch_symbols_free(&d->syms);
    vouch_symbols_free(&d->prev);
    free(d->uri);
    free(d->path);
    free(d->text);
    free(d);
}

lsp_doc *lsp_doc_set(lsp_docs *ds, const char *uri, const char *text, size_t len, long long version)
{
    lsp_doc *d = lsp_doc_find(ds, uri);
    char *copy = malloc(len + 1);
    if (!copy)
        return NULL;
    memcpy(copy, text, len);
    copy[len] = 0;
    if (!d) {
        d = calloc(1, sizeof *d);
        if (!d || !(d->uri = strdup(uri))) {
            free(d);
            free(copy);
            return NULL;
        }
        d->path = lsp_uri_to_path(uri);
        if (!d->path)
            d->path = strdup(uri); /* untitled:...: no imports beside it */
        vouch_symbols_init(&d->syms);
        vouch_symbols_init(&d->prev);
        d->next = ds->head;
        ds->head = d;
    }
    free(d->text);
    d->text = copy;
    d->len = len;
    d->version = version;
    return d;
}

void lsp_doc_close(lsp_docs *ds, const char *uri)
{
    for (lsp_doc **p = &ds->head; *p; p = &(*p)->next)
        if (strcmp((*p)->uri, uri) == 0) {
            lsp_doc *d = *p;
            *p = d->next;
            doc_free(d);
            return;
        }
}

void lsp_docs_free(lsp_docs *ds)
{
    while (ds->head) {
        lsp_doc *d = ds->head;
        ds->head = d->next;
        doc_free(d);
    }
}

/* ---- compiling ------------------------------------------------------- */

static void take_diag(void *ctx, const vouch_diag *g)
{
    lsp_doc *d = ctx;
    if (d->ndiags == d->capdiags) {
        size_t cap = d->capdiags ? 2 * d->capdiags : 8;
        lsp_diag *v = realloc(d->diags, cap * sizeof *v);
        if (!v)
            return;
        d->diags = v;
        d->capdiags = cap;
    }
    lsp_diag *x = &d->diags[d->ndiags];
    memset(x, 0, sizeof *x);
    x->severity = g->severity == DIAG_ERROR ? 1 : g->severity == DIAG_WARNING ? 2 : 3;
    x->off = g->off;
    x->len = g->len;
    if (g->src && !(x->file = strdup(g->src->name)))
        return;
    size_t n = strlen(g->message) + (g->hint ? strlen(g->hint) + 8 : 0) + 1;
    if (!(x->message = malloc(n))) {
        free(x->file);
        return;
    }
    snprintf(x->message, n, g->hint ? "%s\nhint: %s" : "%s", g->message, g->hint ? g->hint : "");
    lsp_text_utf8_clean(x->message);
    d->ndiags++;
}

int lsp_doc_compile(lsp_doc *d)
{
    clear_diags(d);
    /* the latest index becomes the previous one, unless it is empty (a
     * text that did not parse at all must not hide a good one) */
    if (d->syms.ndecls) {
        vouch_symbols_free(&d->prev);
        d->prev = d->syms;
        vouch_symbols_init(&d->syms);
    } else {
        vouch_symbols_free(&d->syms);
    }
    vouch_session_options o;
    vouch_session_options_default(&o);
    o.lint = 1;
    o.packs_dir = cli_packs_dir();
    o.diag = take_diag;
    o.diag_ctx = d;
    o.symbols = &d->syms;
    vouch_error err;
    vouch_session *s = vouch_session_new(&o, &err);
    if (!s)
        return -1;
    vouch_status st = vouch_session_compile_text(s, d->path, d->text, d->len, &err);
    int rc = 0;
    if (st != VOUCH_OK && vouch_session_compile_errors(s) == 0) {
        /* no diagnostic says why (out of memory, a program that does not
         * verify): the session's message, at the top of the file */
        vouch_diag g = {DIAG_ERROR, NULL, 0, 0, err.msg, NULL};
        take_diag(d, &g);
        rc = st == VOUCH_ENOMEM ? -1 : 0;
    }
    vouch_session_free(s);
    return rc;
}

/* ---- URIs ------------------------------------------------------------ */

static int hex(int c) { return isdigit(c) ? c - '0' : isxdigit(c) ? (tolower(c) - 'a' + 10) : -1; }

char *lsp_uri_to_path(const char *uri)
{
    if (strncmp(uri, "file://", 7) != 0)
        return NULL;
    const char *p = uri + 7;
    if (*p != '/') { /* file://host/path: only the local host */
        if (strncmp(p, "localhost/", 10) != 0)
            return NULL;
        p += 9;
    }
    char *out = malloc(strlen(p) + 1), *o = out;
    if (!out)
        return NULL;
    for (; *p; p++) {
        if (*p == '%' && hex(p[1]) >= 0 && hex(p[2]) >= 0) {
            *o++ = (char)(hex(p[1]) * 16 + hex(p[2]));
            p += 2;
        } else {
            *o++ = *p;
        }
    }
    *o = 0;
    return out;
}

char *lsp_path_to_uri(const char *path)
{
    char *out = malloc(strlen(path) * 3 + 8), *o = out;
    if (!out)
        return NULL;
    o += sprintf(o, "file://");
    for (const unsigned char *p = (const unsigned char *)path; *p; p++) {
        if (isalnum(*p) || strchr("/-._~", *p))
            *o++ = (char)*p;
        else
            o += sprintf(o, "%%%02X", *p);
    }
    *o = 0;
    return out;
}

const char *lsp_doc_text_of(lsp_docs *ds, const char *path, size_t *len, char **owned)
{
    *owned = NULL;
    for (lsp_doc *d = ds->head; d; d = d->next)
        if (strcmp(d->path, path) == 0) {
            *len = d->len;
            return d->text;
        }
    *owned = vouch_session_read_source(path, len);
    return *owned;
}
