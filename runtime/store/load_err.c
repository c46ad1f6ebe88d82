/*
 * load_err.c: the errors of one `vouch load` (load_int.h), collected into
 * one vouch_error message: one escaped line per error, at most
 * LOAD_MAX_ERRORS counted before the load stops reading, and as many
 * lines as the message holds, then "(and N more errors)".
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include "load_int.h"
#include "escape.h"

void lerr_add(lerr *e, const char *fmt, ...)
{
    char line[600];
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (n < 0)
        return;
    if ((size_t)n >= sizeof line)
        n = sizeof line - 1;
    /* A line quotes cells of the file: escaped as text, so it stays one
     * line; the lines are then joined with real newlines. */
    char shown[sizeof line];
    n = (int)vouch_text_escape(shown, sizeof shown, line);
    memcpy(line, shown, (size_t)n + 1);
    e->n++;
    /* keep room for the "(and N more)" line */
    if (e->dropped == 0 && e->used + (size_t)n + 1 + 40 < sizeof e->buf) {
        if (e->used)
            e->buf[e->used++] = '\n';
        memcpy(e->buf + e->used, line, (size_t)n);
        e->used += (size_t)n;
        e->buf[e->used] = 0;
    } else {
        e->dropped++;
    }
}

/* Not through vouch_error_set, which would escape the newlines that join
 * the (already escaped) lines. */
vouch_status lerr_finish(lerr *e)
{
    if (!e->err)
        return VOUCH_EINPUT;
    e->err->status = VOUCH_EINPUT;
    size_t n = strlen(e->buf); /* < sizeof msg - 40: lerr_add keeps room */
    memcpy(e->err->msg, e->buf, n + 1);
    if (e->dropped)
        snprintf(e->err->msg + n, sizeof e->err->msg - n, "\n(and %u more error%s)", e->dropped,
                 e->dropped == 1 ? "" : "s");
    return VOUCH_EINPUT;
}
