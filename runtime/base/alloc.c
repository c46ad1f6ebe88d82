/*
 * alloc.c: the allocation hook (see alloc.h).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"

static void *default_alloc(void *ctx, void *ptr, size_t n)
{
    (void)ctx;
    if (n == 0) {
        free(ptr);
        return NULL;
    }
    return realloc(ptr, n);
}

static vouch_alloc_fn hook = default_alloc;
static void *hook_ctx;

void vouch_set_allocator(vouch_alloc_fn fn, void *ctx)
{
    hook = fn ? fn : default_alloc;
    hook_ctx = fn ? ctx : NULL;
}

void *vouch_malloc(size_t n) { return hook(hook_ctx, NULL, n ? n : 1); }

void *vouch_calloc(size_t count, size_t size)
{
    if (size && count > SIZE_MAX / size)
        return NULL;
    size_t n = count * size;
    void *p = vouch_malloc(n);
    if (p)
        memset(p, 0, n ? n : 1);
    return p;
}

void *vouch_realloc(void *p, size_t n) { return hook(hook_ctx, p, n ? n : 1); }

void vouch_free(void *p)
{
    if (p)
        hook(hook_ctx, p, 0);
}

char *vouch_strdup(const char *s)
{
    size_t n = strlen(s) + 1;
    char *d = vouch_malloc(n);
    if (d)
        memcpy(d, s, n);
    return d;
}
