/*
 * lsp_rpc.h: JSON-RPC 2.0 messages over a byte stream with the Language
 * Server Protocol's framing: a header block ("Content-Length: N", other
 * headers ignored, each line ending "\r\n", an empty line last) then N
 * bytes of JSON. Reads from one FILE, writes to another; nothing else may
 * write to the output (the client reads every byte of it as protocol).
 */
#ifndef VOUCH_CLI_LSP_RPC_H
#define VOUCH_CLI_LSP_RPC_H

#include <stdio.h>
#include <jansson.h>

/* The error codes of JSON-RPC and the LSP that the server sends. */
#define LSP_PARSE_ERROR (-32700)
#define LSP_INVALID_REQUEST (-32600)
#define LSP_METHOD_NOT_FOUND (-32601)
#define LSP_INVALID_PARAMS (-32602)
#define LSP_SERVER_NOT_INITIALIZED (-32002)

/* The largest message body read (a document is at most the compiler's
 * source limit; the JSON around it is small). */
#define LSP_MAX_BODY (64u << 20)

typedef enum lsp_read_status {
    LSP_READ_OK = 0,         /* *msg is a JSON value (the caller's: json_decref) */
    LSP_READ_EOF,            /* the input ended between messages */
    LSP_READ_BAD_HEADER,     /* a header block without a usable Content-Length: skipped */
    LSP_READ_BAD_JSON,       /* a body that is not JSON: skipped, *why says where */
    LSP_READ_IO              /* the input ended inside a message, or too large a body */
} lsp_read_status;

/* Reads the next message. why (size 200) gets a short reason for the
 * BAD_ and IO statuses. */
lsp_read_status lsp_rpc_read(FILE *in, json_t **msg, char *why);

/* Writes msg (borrowed) as one framed message and flushes; -1 on a write error. */
int lsp_rpc_write(FILE *out, json_t *msg);

/* Writes a response to request id (borrowed; json null when unknown):
 * result (stolen; NULL is json null) or, when code != 0, an error. */
int lsp_rpc_respond(FILE *out, json_t *id, json_t *result);
int lsp_rpc_error(FILE *out, json_t *id, int code, const char *message);
/* Writes a notification (params stolen). */
int lsp_rpc_notify(FILE *out, const char *method, json_t *params);

#endif
