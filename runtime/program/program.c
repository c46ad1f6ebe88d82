/*
 * program.c: the memory a program owns, and the opcode and severity tables
 * generated from opcodes.def.
 *
 * A program owns everything it points to through one private arena hung on
 * p->mem: a singly linked list of blocks, each carved by a bump pointer.
 * Nothing is freed piecemeal; vouch_program_free walks the list once. The
 * compiler and the program loader build programs with vouch_program_alloc
 * and vouch_program_strdup and never call free on the parts.
 *
 * Invariants: every pointer vouch_program_alloc returns is aligned to
 * ARENA_ALIGN (enough for any scalar type) and zeroed.
 */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

#include "program.h"
#include "alloc.h"

/* Alignment suitable for every type a program stores (int64, pointers,
 * doubles, long double on the usual ABIs). */
#define ARENA_ALIGN ((size_t)_Alignof(max_align_t))
/* Blocks are at least this big; larger requests get a block of their own. */
#define ARENA_BLOCK 8192u

typedef struct block {
    struct block *next;
    size_t used, cap;
    /* data follows, aligned: see block_data */
} block;

typedef struct arena {
    block *head;          /* the block being carved; older blocks follow */
    int failed;           /* an allocation failed (vouch_program_failed) */
} arena;

static size_t round_up(size_t n, size_t a) { return (n + a - 1) & ~(a - 1); }

/* The first usable byte of a block, aligned. */
static unsigned char *block_data(block *b)
{
    return (unsigned char *)b + round_up(sizeof(block), ARENA_ALIGN);
}

static block *block_new(size_t cap)
{
    size_t hdr = round_up(sizeof(block), ARENA_ALIGN);
    if (cap > SIZE_MAX - hdr)
        return NULL;
    block *b = vouch_malloc(hdr + cap);
    if (!b)
        return NULL;
    b->next = NULL;
    b->used = 0;
    b->cap = cap;
    return b;
}

vouch_program *vouch_program_new(void)
{
    vouch_program *p = vouch_calloc(1, sizeof *p);
    arena *a = vouch_calloc(1, sizeof *a);
    if (!p || !a) {
        vouch_free(p);
        vouch_free(a);
        return NULL;
    }
    p->version = VOUCH_PROGRAM_VERSION;
    p->mem = a;
    return p;
}

void *vouch_program_alloc(vouch_program *p, size_t n)
{
    if (!p || !p->mem)
        return NULL;
    arena *a = p->mem;
    if (n == 0)
        n = 1;
    if (n > SIZE_MAX - ARENA_ALIGN) {
        a->failed = 1;
        return NULL;
    }
    size_t need = round_up(n, ARENA_ALIGN);
    block *b = a->head;
    if (!b || b->cap - b->used < need) {
        if (need > ARENA_BLOCK / 4) {
            /* A big request gets its own block, linked behind the current
             * one so the current block keeps being carved. */
            block *big = block_new(need);
            if (!big) {
                a->failed = 1;
                return NULL;
            }
            if (b) {
                big->next = b->next;
                b->next = big;
            } else {
                a->head = big;
            }
            big->used = need;
            memset(block_data(big), 0, need);
            return block_data(big);
        }
        block *nb = block_new(ARENA_BLOCK);
        if (!nb) {
            a->failed = 1;
            return NULL;
        }
        nb->next = b;
        a->head = nb;
        b = nb;
    }
    unsigned char *r = block_data(b) + b->used;
    b->used += need;
    memset(r, 0, need);
    return r;
}

int vouch_program_failed(const vouch_program *p)
{
    return !p || !p->mem || ((const arena *)p->mem)->failed;
}

char *vouch_program_strdup(vouch_program *p, const char *s, size_t n)
{
    if (n == SIZE_MAX)
        return NULL;
    char *r = vouch_program_alloc(p, n + 1);
    if (!r)
        return NULL;
    if (n)
        memcpy(r, s, n);
    r[n] = '\0';
    return r;
}

void vouch_program_free(vouch_program *p)
{
    if (!p)
        return;
    arena *a = p->mem;
    if (a) {
        block *b = a->head;
        while (b) {
            block *next = b->next;
            vouch_free(b);
            b = next;
        }
        vouch_free(a);
    }
    vouch_free(p);
}

/* ---- opcode metadata ---------------------------------------------------- */

static const char *const op_names[OP__COUNT] = {
#define OP(name, operands, pops, pushes, meaning) #name,
#include "opcodes.def"
#undef OP
};

static const char *const op_operands[OP__COUNT] = {
#define OP(name, operands, pops, pushes, meaning) operands,
#include "opcodes.def"
#undef OP
};

const char *vouch_opcode_name(uint32_t op)
{
    return op < OP__COUNT ? op_names[op] : "?";
}

const char *vouch_opcode_operands(uint32_t op)
{
    return op < OP__COUNT ? op_operands[op] : NULL;
}

/* ---- severities --------------------------------------------------------- */

static const char *const sev_names[SEV__COUNT] = {"info", "low", "medium", "high", "critical"};

const char *vouch_severity_name(uint32_t sev)
{
    return sev < SEV__COUNT ? sev_names[sev] : "?";
}

int vouch_severity_parse(const char *s, size_t n)
{
    if (!s)
        return -1;
    for (int i = 0; i < SEV__COUNT; i++)
        if (strlen(sev_names[i]) == n && memcmp(sev_names[i], s, n) == 0)
            return i;
    return -1;
}

static const char *const enf_names[ENF__COUNT] = {[ENF_SOFT] = "soft", [ENF_ADVISORY] = "advisory",
                                                  [ENF_HARD] = "hard"};

const char *vouch_enforcement_name(uint32_t e)
{
    return e < ENF__COUNT ? enf_names[e] : "?";
}

int vouch_enforcement_parse(const char *s, size_t n)
{
    if (!s)
        return -1;
    for (int i = 0; i < ENF__COUNT; i++)
        if (strlen(enf_names[i]) == n && memcmp(enf_names[i], s, n) == 0)
            return i;
    return -1;
}

const char *vouch_relation_name(uint32_t rel)
{
    static const char *const names[REL__COUNT] = {"equal", "subset_of", "superset_of", "intersects",
                                                  "unspecified"};
    return rel < REL__COUNT ? names[rel] : "?";
}

const char *vouch_origin_name(uint32_t origin)
{
    static const char *const names[ORIGIN__COUNT] = {"unofficial", "official", "derived"};
    return origin < ORIGIN__COUNT ? names[origin] : "?";
}
