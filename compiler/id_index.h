/*
 * id_index.h: items found by an id's hash, for the checker's tables of
 * rule ids and of controls (a pack of 10,000 rules, a catalogue of over a
 * thousand controls: a scan per lookup made compiling them quadratic).
 *
 * Open addressing with linear probing, in the compiler's arena. A slot
 * keeps the hash and the item's index + 1 (0: empty), so probing and
 * growing read no item; the caller says which candidate has its id.
 */
#ifndef VOUCH_ID_INDEX_H
#define VOUCH_ID_INDEX_H

#include <stddef.h>
#include <stdint.h>
#include "arena.h"

typedef struct id_slot {
    uint32_t hash;
    uint32_t item;           /* index + 1; 0 empty */
} id_slot;

typedef struct id_index {
    id_slot *slot;
    uint32_t cap;            /* 0 or a power of two */
    uint32_t n;
} id_index;

/* FNV-1a of p[0..n). */
uint32_t id_index_hash(const char *p, size_t n);

/* The first item added under hash for which same(ctx, item) is true, or
 * -1. */
typedef int (*id_same_fn)(const void *ctx, uint32_t item);
int id_index_find(const id_index *x, uint32_t hash, id_same_fn same, const void *ctx);

/* Adds item under hash. Returns 0, or -1 if the arena is out of memory
 * (the index is then as it was). */
int id_index_add(arena *a, id_index *x, uint32_t hash, uint32_t item);

#endif
