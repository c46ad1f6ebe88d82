/*
 * lsp_rpc.c: the framing and the envelopes of the language server's
 * messages (lsp_rpc.h). A broken message is skipped whole when its length
 * is known, so one bad message never desynchronises the stream.
 */
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "lsp_rpc.h"
#include "alloc.h"

/* One header line without its "\r\n" (a bare "\n" is accepted too); -1 at
 * end of input before any byte, -2 for a line too long. */
static int read_line(FILE *in, char *buf, size_t cap)
{
    size_t n = 0;
    int c;
    while ((c = getc(in)) != EOF && c != '\n') {
        if (n + 1 >= cap) {
            while ((c = getc(in)) != EOF && c != '\n')
                ;
            return -2;
        }
        buf[n++] = (char)c;
    }
    if (c == EOF && n == 0)
        return -1;
    if (n && buf[n - 1] == '\r')
        n--;
    buf[n] = 0;
    return (int)n;
}

lsp_read_status lsp_rpc_read(FILE *in, json_t **msg, char *why)
{
    char line[1024];
    long long length = -1;
    int lines = 0, bad = 0;
    *msg = NULL;
    for (;;) {
        int n = read_line(in, line, sizeof line);
        if (n == -1) {
            if (lines == 0)
                return LSP_READ_EOF;
            snprintf(why, 200, "the input ended inside a header");
            return LSP_READ_IO;
        }
        if (n == 0) {
            if (lines == 0)
                continue; /* blank lines between messages */
            break;
        }
        lines++;
        if (n < 0) {
            bad = 1;
            continue;
        }
        if (strncasecmp(line, "Content-Length:", 15) == 0) {
            char *end;
            long long v = strtoll(line + 15, &end, 10);
            while (*end == ' ' || *end == '\t')
                end++;
            if (end == line + 15 || *end || v < 0)
                bad = 1;
            else
                length = v;
        } else if (!strchr(line, ':')) {
            bad = 1;
        }
    }
    if (length < 0 || bad) {
        if (length >= 0 && length <= (long long)LSP_MAX_BODY)
            for (long long i = 0; i < length && getc(in) != EOF; i++)
                ;
        snprintf(why, 200, length < 0 ? "a header without Content-Length" : "a malformed header line");
        return LSP_READ_BAD_HEADER;
    }
    if (length > (long long)LSP_MAX_BODY) {
        snprintf(why, 200, "a body of %lld bytes, more than the %u allowed", length, LSP_MAX_BODY);
        return LSP_READ_IO;
    }
    char *body = vouch_malloc((size_t)length + 1);
    if (!body) {
        snprintf(why, 200, "out of memory");
        return LSP_READ_IO;
    }
    size_t got = fread(body, 1, (size_t)length, in);
    if (got != (size_t)length) {
        vouch_free(body);
        snprintf(why, 200, "the input ended inside a body (%zu of %lld bytes)", got, length);
        return LSP_READ_IO;
    }
    json_error_t jerr;
    *msg = json_loadb(body, (size_t)length, 0, &jerr);
    vouch_free(body);
    if (!*msg) {
        snprintf(why, 200, "not JSON: %s at byte %d", jerr.text, jerr.position);
        return LSP_READ_BAD_JSON;
    }
    return LSP_READ_OK;
}

int lsp_rpc_write(FILE *out, json_t *msg)
{
    char *s = json_dumps(msg, JSON_COMPACT);
    if (!s)
        return -1;
    size_t n = strlen(s);
    int rc = fprintf(out, "Content-Length: %zu\r\n\r\n", n) < 0 || fwrite(s, 1, n, out) != n || fflush(out) != 0
                 ? -1
                 : 0;
    free(s);
    return rc;
}

static int send_stolen(FILE *out, json_t *msg)
{
    if (!msg)
        return -1;
    int rc = lsp_rpc_write(out, msg);
    json_decref(msg);
    return rc;
}

int lsp_rpc_respond(FILE *out, json_t *id, json_t *result)
{
    return send_stolen(out, json_pack("{s:s, s:O, s:o}", "jsonrpc", "2.0", "id", id ? id : json_null(),
                                      "result", result ? result : json_null()));
}

int lsp_rpc_error(FILE *out, json_t *id, int code, const char *message)
{
    return send_stolen(out, json_pack("{s:s, s:O, s:{s:i, s:s}}", "jsonrpc", "2.0", "id", id ? id : json_null(),
                                      "error", "code", code, "message", message));
}

int lsp_rpc_notify(FILE *out, const char *method, json_t *params)
{
    return send_stolen(out, json_pack("{s:s, s:s, s:o}", "jsonrpc", "2.0", "method", method, "params", params));
}
