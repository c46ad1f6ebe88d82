/*
 * diag.h: compile diagnostics.
 *
 * The compiler reports through a callback and never prints. A diagnostic has
 * a position (file, offset, length of the span), a severity, a message and an
 * optional hint. diag_render() turns one into the text people read:
 *
 *   rules/x.vouch:12:9: error: unknown fact type `evidense`
 *      12 |   require exists e in evidense where e.control == c.control
 *         |                       ^~~~~~~~
 *      = hint: did you mean `evidence`?
 *
 * Every file's errors are reported, up to DIAG_MAX_ERRORS, not just the
 * first.
 */
#ifndef VOUCH_DIAG_H
#define VOUCH_DIAG_H

#include <stdint.h>
#include <stdio.h>
#include "source.h"

#define DIAG_MAX_ERRORS 20

typedef enum diag_severity { DIAG_ERROR = 0, DIAG_WARNING, DIAG_NOTE } diag_severity;

typedef struct vouch_diag {
    diag_severity severity;
    const vouch_source *src; /* NULL for errors with no position (a missing file) */
    uint32_t off, len;       /* span; len 0 points at one position */
    const char *message;
    const char *hint;        /* NULL if none */
} vouch_diag;

typedef void (*vouch_diag_fn)(void *ctx, const vouch_diag *d);

/* A sink that counts errors and forwards to a callback. */
typedef struct diag_sink {
    vouch_diag_fn fn;
    void *ctx;
    arena *a;                /* where formatted messages live */
    uint32_t nerrors, nwarnings;
    int truncated;           /* 1 once DIAG_MAX_ERRORS was reached */
} diag_sink;

/* Reports an error at [off, off+len) of src. hint may be NULL. Both are
 * printf formats sharing no arguments: message takes the varargs, hint is
 * plain text. */
void diag_error(diag_sink *d, const vouch_source *src, uint32_t off, uint32_t len,
                const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));
void diag_warning(diag_sink *d, const vouch_source *src, uint32_t off, uint32_t len,
                  const char *hint, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

/* Writes the rendered form (above) of d to out. */
void diag_render(const vouch_diag *d, FILE *out);

/* vouch_closest (closest.h) over an array of names, case counting: the
 * candidate closest to word by edit distance, if close enough to be a
 * plausible misspelling (distance <= max(1, len/3)); NULL otherwise. */
const char *diag_closest(const char *word, size_t n, const char *const *candidates, size_t ncand);

#endif
