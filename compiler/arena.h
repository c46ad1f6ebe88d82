/*
 * arena.h: bump allocation for everything the compiler makes. One arena per
 * compilation, freed with one call whatever happened, so no error path in
 * the parser or the checker has to free anything.
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

#endif
