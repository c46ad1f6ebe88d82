/*
 * arena.h: bump allocation, the one arena of vouch: everything the compiler
 * makes (one arena per compilation) and everything a program owns
 * (program.c). Freed with one call whatever happened, so no error path in
 * the parser, the checker or the program loader has to free anything.
 */
#ifndef VOUCH_ARENA_H
#define VOUCH_ARENA_H

#include <stddef.h>

typedef struct arena_block arena_block;
typedef struct arena {
    arena_block *head;
    size_t total;            /* bytes handed out, for limits and tests */
    int failed;              /* set once an allocation failed */
} arena;

void arena_init(arena *a);
/* Releases every block. The arena can be reused after arena_init. */
void arena_free(arena *a);
/* Zeroed memory aligned for any type, or NULL (and a->failed set). */
void *arena_alloc(arena *a, size_t n);
/* A NUL-terminated copy of s[0..n). */
char *arena_strndup(arena *a, const char *s, size_t n);
char *arena_printf(arena *a, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Asks the CPU to start loading the bytes from lo up to hi into its caches:
 * a hint, with no effect on what the program computes. For the passes over
 * the syntax tree. The parser builds bottom-up from one arena, so the nodes
 * of a top-level item lie between the previous item's node and its own; a
 * pass can ask for the next item's nodes while it works on the current
 * one, and the misses overlap instead of stalling it node by node. Does
 * nothing unless hi is after lo by at most a block (otherwise they are not
 * neighbours in one block). */
void arena_prefetch(const void *lo, const void *hi);

#endif
