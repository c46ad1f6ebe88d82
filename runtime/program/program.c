/*
 * program.c: the memory a program owns, and the opcode and severity tables
 * generated from opcodes.def.
 *
 * A program owns everything it points to through one arena (the base
 * layer's, arena.h) hung on p->mem. Nothing is freed piecemeal;
 * vouch_program_free frees the arena once. The compiler and the program
 * loader build programs with vouch_program_alloc and vouch_program_strdup
 * and never call free on the parts.
 *
 * Invariants: every pointer vouch_program_alloc returns is aligned for any
 * type and zeroed (arena.h).
 */
#include <stdlib.h>
#include <string.h>
#include <stdint.h>
#include <stddef.h>

#include "program.h"
#include "alloc.h"
#include "arena.h"

vouch_program *vouch_program_new(void)
{
    vouch_program *p = vouch_calloc(1, sizeof *p);
    arena *a = vouch_calloc(1, sizeof *a);
    if (!p || !a) {
        vouch_free(p);
        vouch_free(a);
        return NULL;
    }
    arena_init(a);
    p->version = VOUCH_PROGRAM_VERSION;
    p->mem = a;
    return p;
}

void *vouch_program_alloc(vouch_program *p, size_t n)
{
    if (!p || !p->mem)
        return NULL;
    return arena_alloc(p->mem, n);
}

int vouch_program_failed(const vouch_program *p)
{
    return !p || !p->mem || ((const arena *)p->mem)->failed;
}

char *vouch_program_strdup(vouch_program *p, const char *s, size_t n)
{
    if (!p || !p->mem)
        return NULL;
    return arena_strndup(p->mem, s, n);
}

void vouch_program_free(vouch_program *p)
{
    if (!p)
        return;
    if (p->mem) {
        arena_free(p->mem);
        vouch_free(p->mem);
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
