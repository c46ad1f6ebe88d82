/*
 * lsp_features.h: the language server's answers about one document:
 * diagnostics, hover, definition, completion and formatting, each as the
 * protocol's JSON (the result of the request; the caller sends it).
 */
#ifndef VOUCH_CLI_LSP_FEATURES_H
#define VOUCH_CLI_LSP_FEATURES_H

#include <jansson.h>
#include "lsp_doc.h"

/* The params of textDocument/publishDiagnostics for d's latest compilation. */
json_t *lsp_diagnostics(lsp_docs *ds, const lsp_doc *d);
/* Results of the requests at (line, character) of d: null when there is
 * nothing to say. */
json_t *lsp_hover(lsp_docs *ds, const lsp_doc *d, uint32_t line, uint32_t character);
json_t *lsp_definition(lsp_docs *ds, const lsp_doc *d, uint32_t line, uint32_t character);
json_t *lsp_completion(lsp_docs *ds, const lsp_doc *d, uint32_t line, uint32_t character);
/* One edit with `vouch fmt`'s layout of the whole text; an empty array when
 * it is formatted already, null when it does not parse. */
json_t *lsp_formatting(const lsp_doc *d);

#endif
