/*
 * error.c: filling a vouch_error. The message is truncated to the buffer;
 * it is always NUL-terminated, and it is one line of text a terminal shows
 * as it is: the values it quotes (a fact from a store, a cell of a CSV
 * file) have their control characters, newlines and bidirectional controls
 * made visible (vouch_text_escape), so a value cannot clear the screen or
 * forge a line of output wherever the message is printed.
 */
#include <stdarg.h>
#include <stdio.h>
#include "error.h"
#include "escape.h"

vouch_status vouch_error_set(vouch_error *err, vouch_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->status = status;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
        vouch_text_escape_inplace(err->msg, sizeof err->msg);
    }
    return status;
}
