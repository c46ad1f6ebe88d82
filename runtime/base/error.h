/*
 * error.h: how runtime functions report failure. Functions that can fail
 * return a vouch_status and, when it is not VOUCH_OK, fill a vouch_error the
 * caller passed in. Nothing in runtime/ prints.
 */
#ifndef VOUCH_ERROR_H
#define VOUCH_ERROR_H

#include <stddef.h>

/* vouch_status (VOUCH_OK, VOUCH_EINPUT, VOUCH_ERUNTIME, VOUCH_ENOMEM,
 * VOUCH_EIO) and vouch_error (the status and a message of 1024 bytes) are
 * the public header's: embedders get the library's errors as they are. */
#include "vouch.h"

/* Sets err (if not NULL) and returns status, so callers can write
 * `return vouch_error_set(err, VOUCH_EINPUT, "...", ...);`. The message is
 * escaped as text (escape.h): control characters, newlines included, come
 * out as visible escapes. A message of several lines (load.c's list of
 * errors) is joined from escaped lines by its writer. */
vouch_status vouch_error_set(vouch_error *err, vouch_status status, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
