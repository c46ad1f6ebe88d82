/*
 * format.h: `vouch fmt` (format.c), the canonical layout of a source file.
 */
#ifndef VOUCH_FORMAT_H
#define VOUCH_FORMAT_H

#include <stddef.h>
#include "source.h"

/* Formats src into *out (NUL-terminated, *out_len bytes; vouch_free it).
 * Returns 0, 1 if the source has lexical errors (left unformatted: the
 * compiler explains them), or -1 if out of memory. */
int format_source(const vouch_source *src, char **out, size_t *out_len);

#endif
