/*
 * error.c: filling a vouch_error. The message is truncated to the buffer;
 * it is always NUL-terminated.
 */
#include <stdarg.h>
#include <stdio.h>
#include "error.h"

vouch_status vouch_error_set(vouch_error *err, vouch_status status, const char *fmt, ...)
{
    if (err) {
        va_list ap;
        err->status = status;
        va_start(ap, fmt);
        vsnprintf(err->msg, sizeof err->msg, fmt, ap);
        va_end(ap);
    }
    return status;
}
