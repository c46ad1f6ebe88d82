/*
 * arena.c: bump allocation in a chain of blocks (see arena.h).
 *
 * Invariants: every pointer handed out is aligned for any type and zeroed;
 * blocks are only freed all together by arena_free; once an allocation has
 * failed, a->failed stays set so the caller can report it once at the end.
 * Requests larger than a quarter of the standard block get a block of
 * their own, so a big request never wastes the rest of a block.
 * New blocks are prefaulted where the system can (see block_prefault).
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"
#include "alloc.h"

#define ARENA_BLOCK 65536
#define ARENA_ALIGN (sizeof(max_align_t))

struct arena_block {
    arena_block *next;
    size_t size;             /* usable bytes in data */
    size_t used;
    max_align_t data[];      /* the flexible member keeps data aligned */
};

void arena_init(arena *a)
{
    a->head = NULL;
    a->total = 0;
    a->failed = 0;
}

void arena_free(arena *a)
{
    arena_block *b = a->head;
    while (b) {
        arena_block *next = b->next;
        vouch_free(b);
        b = next;
    }
    arena_init(a);
}

/* Has the kernel map the pages of a new block in one call, where it can
 * (MADV_POPULATE_WRITE, Linux 5.14), instead of one page fault per page as
 * the block is zeroed: the AST of a 10,000-rule pack takes ~150 MB of
 * blocks, and faulting them in page by page was a fifth of its compile
 * time. Only a hint, so its result is ignored: where it is missing or
 * refused, the pages fault in as before. Only whole pages inside the block
 * are named, never a neighbour's. */
static void block_prefault(void *p, size_t n)
{
#ifdef MADV_POPULATE_WRITE
    long page = sysconf(_SC_PAGESIZE);
    if (page <= 0)
        return;
    uintptr_t mask = (uintptr_t)page - 1;
    uintptr_t lo = ((uintptr_t)p + mask) & ~mask;
    uintptr_t hi = ((uintptr_t)p + n) & ~mask;
    if (hi > lo)
        (void)madvise((void *)lo, hi - lo, MADV_POPULATE_WRITE);
#else
    (void)p;
    (void)n;
#endif
}

static arena_block *block_new(size_t size)
{
    arena_block *b;
    if (size > SIZE_MAX - sizeof *b)
        return NULL;
    b = vouch_malloc(sizeof *b + size);
    if (!b)
        return NULL;
    block_prefault(b, sizeof *b + size);
    /* arena memory is zeroed by contract */
    memset(b, 0, sizeof *b + size);
    b->size = size;
    b->used = 0;
    return b;
}

void *arena_alloc(arena *a, size_t n)
{
    arena_block *b = a->head;
    void *p;

    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN) {
        a->failed = 1;
        return NULL;
    }
    n = (n + ARENA_ALIGN - 1) & ~(ARENA_ALIGN - 1);

    if (!b || b->size - b->used < n) {
        if (n > ARENA_BLOCK / 4) {
            /* A dedicated block, linked behind the current head so the
             * head keeps serving small requests. */
            arena_block *big = block_new(n);
            if (!big) {
                a->failed = 1;
                return NULL;
            }
            big->used = n;
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                big->next = NULL;
                a->head = big;
            }
            a->total += n;
            return big->data;
        }
        b = block_new(ARENA_BLOCK);
        if (!b) {
            a->failed = 1;
            return NULL;
        }
        b->next = a->head;
        a->head = b;
    }
    p = (char *)b->data + b->used;
    b->used += n;
    a->total += n;
    return p;
}

/* The cache line of common CPUs. A wrong guess only makes the hint less
 * complete or longer than needed. */
#define PREFETCH_STRIDE 64

void arena_prefetch(const void *lo, const void *hi)
{
#if defined(__GNUC__) || defined(__clang__)
    uintptr_t p = (uintptr_t)lo, end = (uintptr_t)hi;
    if (end <= p || end - p > ARENA_BLOCK)
        return;
    for (; p < end; p += PREFETCH_STRIDE)
        __builtin_prefetch((const void *)p);
#else
    (void)lo;
    (void)hi;
#endif
}

char *arena_strndup(arena *a, const char *s, size_t n)
{
    char *p;
    if (n == SIZE_MAX) {
        a->failed = 1;
        return NULL;
    }
    p = arena_alloc(a, n + 1);
    if (!p)
        return NULL;
    if (n)
        memcpy(p, s, n);
    p[n] = '\0';
    return p;
}

char *arena_printf(arena *a, const char *fmt, ...)
{
    va_list ap;
    int n;
    char *p;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) {
        a->failed = 1;
        return NULL;
    }
    p = arena_alloc(a, (size_t)n + 1);
    if (!p)
        return NULL;
    va_start(ap, fmt);
    vsnprintf(p, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return p;
}
