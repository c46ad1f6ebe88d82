/*
 * source.h: source files and positions.
 *
 * Positions are byte offsets into a file's text; line and column are
 * computed only when a message is printed, from a table of line starts
 * (as jq's locfile.c does). Tokens and AST nodes keep offsets, never copies.
 */
#ifndef VOUCH_SOURCE_H
#define VOUCH_SOURCE_H

#include <stdint.h>
#include <stddef.h>
#include "arena.h"

typedef struct vouch_source {
    const char *name;        /* path as given, for messages */
    const char *text;        /* NUL-terminated; the NUL is not part of it */
    uint32_t len;
    uint32_t nlines;
    uint32_t *line_start;    /* offset of the first byte of each line */
    uint32_t index;          /* position in the compilation's file list */
} vouch_source;

/* Makes a source from text (copied into the arena). NULL on no memory. */
vouch_source *source_new(arena *a, const char *name, const char *text, size_t len);
/* 1-based line and column (in bytes) of offset off. */
void source_position(const vouch_source *s, uint32_t off, uint32_t *line, uint32_t *col);
/* The same for offsets met mostly in order (code generation): *hint holds
 * the line index the last call found (0 to start), tried first with the
 * line after it before searching. */
void source_position_near(const vouch_source *s, uint32_t off, uint32_t *hint, uint32_t *line, uint32_t *col);
/* The text of the line holding off, without its newline. */
const char *source_line(const vouch_source *s, uint32_t off, uint32_t *len);

#endif
