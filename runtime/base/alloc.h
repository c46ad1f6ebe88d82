/*
 * alloc.h: the one allocation hook of the runtime and the compiler.
 *
 * Every heap allocation of vouch goes through these three functions, so a
 * test can make the Nth allocation fail (as Lua's test allocator does) and
 * check that the error is clean, leak-free and crash-free. Production
 * builds use malloc/realloc/free through the default hook.
 */
#ifndef VOUCH_ALLOC_H
#define VOUCH_ALLOC_H

#include <stddef.h>

/* realloc-style hook: (ptr=NULL, n) allocates, (ptr, 0) frees, else resizes.
 * Returns NULL on failure (and for a free). */
typedef void *(*vouch_alloc_fn)(void *ctx, void *ptr, size_t n);

/* Installs fn (NULL restores the default). Not thread-safe: set it before
 * any work starts. */
void vouch_set_allocator(vouch_alloc_fn fn, void *ctx);

void *vouch_malloc(size_t n);
void *vouch_calloc(size_t count, size_t size);   /* zeroed; NULL on overflow */
void *vouch_realloc(void *p, size_t n);
void vouch_free(void *p);
char *vouch_strdup(const char *s);

#endif
