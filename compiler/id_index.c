/*
 * id_index.c: open addressing from an id's hash to an item (id_index.h).
 * The table stays at most half full, so probe runs stay short.
 */
#include <string.h>
#include "id_index.h"

uint32_t id_index_hash(const char *p, size_t n)
{
    uint32_t h = 2166136261u;
    for (size_t i = 0; i < n; i++)
        h = (h ^ (uint8_t)p[i]) * 16777619u;
    return h;
}

int id_index_find(const id_index *x, uint32_t hash, id_same_fn same, const void *ctx)
{
    if (!x->cap)
        return -1;
    uint32_t mask = x->cap - 1;
    for (uint32_t i = hash & mask;; i = (i + 1) & mask) { /* never full: ends at an empty slot */
        const id_slot *s = &x->slot[i];
        if (!s->item)
            return -1;
        if (s->hash == hash && same(ctx, s->item - 1))
            return (int)(s->item - 1);
    }
}

static void put(id_slot *slot, uint32_t cap, id_slot e)
{
    uint32_t i = e.hash & (cap - 1);
    while (slot[i].item)
        i = (i + 1) & (cap - 1);
    slot[i] = e;
}

int id_index_add(arena *a, id_index *x, uint32_t hash, uint32_t item)
{
    if ((x->n + 1) * 2 > x->cap) {
        uint32_t cap = x->cap ? x->cap * 2 : 64;
        id_slot *slot = arena_alloc(a, (size_t)cap * sizeof *slot);
        if (!slot)
            return -1;
        memset(slot, 0, (size_t)cap * sizeof *slot);
        for (uint32_t i = 0; i < x->cap; i++)
            if (x->slot[i].item)
                put(slot, cap, x->slot[i]);
        x->slot = slot;
        x->cap = cap;
    }
    put(x->slot, x->cap, (id_slot){hash, item + 1});
    x->n++;
    return 0;
}
