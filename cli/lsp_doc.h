/*
 * lsp_doc.h: the language server's open documents and what the compiler
 * says of each. A document is the client's text (full sync: every change
 * sends the whole text), its path (from its file: URI; imports are looked
 * for beside it, in $VOUCH_PATH, in the installed packs, as the command
 * line does), and the result of its latest compilation: diagnostics and
 * the symbol index (compiler.h). The previous index is kept too: while
 * the text is half typed (`x.`), completion still knows the tables.
 */
#ifndef VOUCH_CLI_LSP_DOC_H
#define VOUCH_CLI_LSP_DOC_H

#include <stddef.h>
#include <stdint.h>
#include "compiler.h"

typedef struct lsp_diag {
    int severity;            /* the protocol's: 1 error, 2 warning, 3 information */
    char *file;              /* the source it is in (NULL: no position) */
    uint32_t off, len;
    char *message;           /* the compiler's message (and hint, on a line of its own) */
} lsp_diag;

typedef struct lsp_doc {
    char *uri, *path;
    char *text;
    size_t len;
    long long version;
    lsp_diag *diags;
    size_t ndiags, capdiags;
    vouch_symbols syms, prev; /* the latest compilation's, the one before */
    struct lsp_doc *next;
} lsp_doc;

typedef struct lsp_docs {
    lsp_doc *head;
} lsp_docs;

lsp_doc *lsp_doc_find(lsp_docs *ds, const char *uri);
/* Opens (or replaces the text of) uri; NULL if out of memory. */
lsp_doc *lsp_doc_set(lsp_docs *ds, const char *uri, const char *text, size_t len, long long version);
void lsp_doc_close(lsp_docs *ds, const char *uri);
void lsp_docs_free(lsp_docs *ds);

/* Compiles d's text (imports resolved from its path): fills its
 * diagnostics and symbol index. -1 if out of memory. */
int lsp_doc_compile(lsp_doc *d);

/* The path of a file: URI (percent-decoded; malloc'd) or NULL for other
 * schemes; the file: URI of a path (malloc'd). */
char *lsp_uri_to_path(const char *uri);
char *lsp_path_to_uri(const char *path);

/* The text of file path: the open document's if one has that path, else
 * read from disk (*owned set: free() it); NULL if neither. */
const char *lsp_doc_text_of(lsp_docs *ds, const char *path, size_t *len, char **owned);

#endif
