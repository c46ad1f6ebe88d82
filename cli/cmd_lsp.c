/*
 * cmd_lsp.c: `vouch lsp` (cmd_lsp.h): the server's loop and its dispatch.
 * One thread, one message at a time: read, answer, and after every
 * change to a document compile it and publish its diagnostics. Documents
 * are synchronised whole (TextDocumentSyncKind.Full).
 *
 * The protocol's life cycle: before `initialize` every request gets
 * ServerNotInitialized and notifications are dropped; after `shutdown`
 * only `exit` is expected (requests get InvalidRequest). A message that
 * is not JSON gets a ParseError response (id null); a header without a
 * length is logged and skipped. Nothing of that ends the server.
 */
#include <stdio.h>
#include <string.h>

#include "cmd_lsp.h"
#include "common.h"
#include "lsp_doc.h"
#include "lsp_features.h"
#include "lsp_rpc.h"
#include "report.h"
#include "say.h"

typedef struct server {
    FILE *in, *out;
    lsp_docs docs;
    int initialized, shut_down;
} server;

static void log_line(const char *what, const char *detail)
{
    cli_say(stderr, "vouch lsp: %s%s%s\n", what, detail ? ": " : "", detail ? detail : "");
}

static json_t *capabilities(void)
{
    return json_pack("{s:{s:{s:b, s:i}, s:b, s:b, s:{s:[s,s,s,s]}, s:b}, s:{s:s, s:s}}", "capabilities",
                     "textDocumentSync", "openClose", 1, "change", 1, "hoverProvider", 1, "definitionProvider", 1,
                     "completionProvider", "triggerCharacters", ".", "\"", " ", "[", "documentFormattingProvider", 1,
                     "serverInfo", "name", "vouch", "version", VOUCH_VERSION);
}

/* The document a request's params name, or NULL. */
static lsp_doc *doc_of(server *s, json_t *params)
{
    const char *uri = json_string_value(json_object_get(json_object_get(params, "textDocument"), "uri"));
    return uri ? lsp_doc_find(&s->docs, uri) : NULL;
}

static void publish(server *s, lsp_doc *d)
{
    if (lsp_doc_compile(d) != 0)
        log_line("out of memory compiling", d->uri);
    lsp_rpc_notify(s->out, "textDocument/publishDiagnostics", lsp_diagnostics(&s->docs, d));
}

static void on_notification(server *s, const char *method, json_t *params)
{
    if (!s->initialized || s->shut_down)
        return;
    json_t *td = json_object_get(params, "textDocument");
    const char *uri = json_string_value(json_object_get(td, "uri"));
    if (strcmp(method, "textDocument/didOpen") == 0) {
        json_t *text = json_object_get(td, "text");
        if (!uri || !json_is_string(text))
            return log_line("didOpen without uri or text", NULL);
        lsp_doc *d = lsp_doc_set(&s->docs, uri, json_string_value(text), json_string_length(text),
                                 json_integer_value(json_object_get(td, "version")));
        if (!d)
            return log_line("out of memory opening", uri);
        publish(s, d);
    } else if (strcmp(method, "textDocument/didChange") == 0) {
        /* full sync: the last change holds the whole text */
        json_t *changes = json_object_get(params, "contentChanges");
        json_t *text = json_object_get(json_array_get(changes, json_array_size(changes) - 1), "text");
        if (!uri || !json_is_string(text) || !lsp_doc_find(&s->docs, uri))
            return log_line("didChange of a document not open, or without text", uri);
        lsp_doc *d = lsp_doc_set(&s->docs, uri, json_string_value(text), json_string_length(text),
                                 json_integer_value(json_object_get(td, "version")));
        if (!d)
            return log_line("out of memory changing", uri);
        publish(s, d);
    } else if (strcmp(method, "textDocument/didClose") == 0) {
        if (uri) {
            lsp_doc_close(&s->docs, uri);
            /* its diagnostics go with it */
            lsp_rpc_notify(s->out, "textDocument/publishDiagnostics",
                           json_pack("{s:s, s:[]}", "uri", uri, "diagnostics"));
        }
    }
    /* initialized, didSave, $/cancelRequest, ...: nothing to do */
}

static void on_request(server *s, json_t *id, const char *method, json_t *params)
{
    if (strcmp(method, "initialize") == 0) {
        if (s->initialized)
            return (void)lsp_rpc_error(s->out, id, LSP_INVALID_REQUEST, "initialize was sent twice");
        s->initialized = 1;
        return (void)lsp_rpc_respond(s->out, id, capabilities());
    }
    if (!s->initialized)
        return (void)lsp_rpc_error(s->out, id, LSP_SERVER_NOT_INITIALIZED, "the server is not initialized");
    if (s->shut_down)
        return (void)lsp_rpc_error(s->out, id, LSP_INVALID_REQUEST, "the server is shut down: only exit is expected");
    if (strcmp(method, "shutdown") == 0) {
        s->shut_down = 1;
        return (void)lsp_rpc_respond(s->out, id, NULL);
    }
    static const char *const at_position[] = {"textDocument/hover", "textDocument/definition",
                                              "textDocument/completion"};
    int which = -1;
    for (int i = 0; i < 3; i++)
        if (strcmp(method, at_position[i]) == 0)
            which = i;
    if (which >= 0 || strcmp(method, "textDocument/formatting") == 0) {
        lsp_doc *d = doc_of(s, params);
        if (!d)
            return (void)lsp_rpc_error(s->out, id, LSP_INVALID_PARAMS, "no such open document");
        if (which < 0)
            return (void)lsp_rpc_respond(s->out, id, lsp_formatting(d));
        json_t *pos = json_object_get(params, "position");
        json_t *line = json_object_get(pos, "line"), *ch = json_object_get(pos, "character");
        if (!json_is_integer(line) || !json_is_integer(ch) || json_integer_value(line) < 0 ||
            json_integer_value(ch) < 0)
            return (void)lsp_rpc_error(s->out, id, LSP_INVALID_PARAMS, "a position needs line and character");
        uint32_t l = (uint32_t)json_integer_value(line), c = (uint32_t)json_integer_value(ch);
        json_t *r = which == 0 ? lsp_hover(&s->docs, d, l, c)
                  : which == 1 ? lsp_definition(&s->docs, d, l, c)
                               : lsp_completion(&s->docs, d, l, c);
        return (void)lsp_rpc_respond(s->out, id, r);
    }
    char msg[300];
    snprintf(msg, sizeof msg, "unknown method %s", method);
    lsp_rpc_error(s->out, id, LSP_METHOD_NOT_FOUND, msg);
}

/* Handles one message; returns the exit status once `exit` came, else -1. */
static int on_message(server *s, json_t *msg)
{
    json_t *id = json_object_get(msg, "id");
    const char *method = json_string_value(json_object_get(msg, "method"));
    json_t *params = json_object_get(msg, "params");
    if (!json_is_object(msg) || (id && !json_is_string(id) && !json_is_integer(id) && !json_is_null(id))) {
        lsp_rpc_error(s->out, id && (json_is_string(id) || json_is_integer(id)) ? id : NULL, LSP_INVALID_REQUEST,
                      "not a JSON-RPC message");
        return -1;
    }
    if (!method) {
        /* a response to a request of ours (we send none) or garbage */
        if (!json_object_get(msg, "result") && !json_object_get(msg, "error"))
            lsp_rpc_error(s->out, id, LSP_INVALID_REQUEST, "a message without a method");
        return -1;
    }
    if (strcmp(method, "exit") == 0)
        return s->shut_down ? 0 : 1;
    if (id)
        on_request(s, id, method, params);
    else
        on_notification(s, method, params);
    return -1;
}

int cmd_lsp(int argc, char **argv)
{
    for (int i = 0; i < argc; i++)
        /* editors often pass --stdio: it is what the server speaks anyway */
        if (strcmp(argv[i], "--stdio") != 0)
            return cli_usage("unknown option %s for this command (lsp speaks the protocol on stdin and stdout)", argv[i]);
    server s;
    memset(&s, 0, sizeof s);
    s.in = stdin;
    s.out = stdout;
    int rc = -1;
    while (rc < 0) {
        json_t *msg;
        char why[200];
        lsp_read_status st = lsp_rpc_read(s.in, &msg, why);
        if (st == LSP_READ_EOF || st == LSP_READ_IO) {
            if (st == LSP_READ_IO)
                log_line("cannot read the next message", why);
            rc = s.shut_down ? 0 : 1;
        } else if (st == LSP_READ_BAD_HEADER) {
            log_line("skipped a message", why);
        } else if (st == LSP_READ_BAD_JSON) {
            log_line("skipped a message", why);
            lsp_rpc_error(s.out, NULL, LSP_PARSE_ERROR, why);
        } else {
            rc = on_message(&s, msg);
            json_decref(msg);
        }
    }
    lsp_docs_free(&s.docs);
    return rc;
}
