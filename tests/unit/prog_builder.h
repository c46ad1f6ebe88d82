/*
 * prog_builder.h: a small builder of hand-made programs, for the unit
 * tests of the verifier and the VM (test_verify.c, test_vm.c): code words,
 * constants and rules go in arrays, and b_build makes a vouch_program of
 * them. Tables, plans and trace points are borrowed (the program points at
 * the caller's arrays). Include after cmocka.h and vm.h.
 */
#ifndef VOUCH_TEST_PROG_BUILDER_H
#define VOUCH_TEST_PROG_BUILDER_H

#include <stdarg.h>
#include <string.h>

typedef struct builder {
    uint32_t code[4096];
    uint32_t ncode;
    vouch_value consts[128];
    uint32_t nconsts;
    vouch_rule_info rules[8];
    uint32_t nrules;
    vouch_table_decl *tables;  /* borrowed, copied shallowly into the program */
    uint32_t ntables;
    vouch_plan *plans;
    uint32_t nplans;
    vouch_trace_point *points; /* borrowed, like tables */
    uint32_t npoints;
    vouch_position positions[16];
    uint32_t npositions;
    const char **files;        /* borrowed, like tables */
    uint32_t nfiles;
    vouch_source_decl *sources; /* borrowed, like tables */
    uint32_t nsources;
} builder;

/* Appends a source position entry from pc on. */
static inline void b_pos(builder *b, uint32_t pc, uint32_t file, uint32_t line, uint32_t col,
                         uint8_t subject)
{
    vouch_position e = {pc, file, line, col, subject};
    b->positions[b->npositions++] = e;
}

/* Starts a rule (severity medium) at the current end of the code. */
static inline void b_rule(builder *b, const char *id, uint32_t nlocals)
{
    vouch_rule_info *r = &b->rules[b->nrules++];
    memset(r, 0, sizeof *r);
    r->id = id;
    r->title = id;
    r->severity = SEV_MEDIUM;
    r->file = "test.vouch";
    r->line = b->nrules;
    r->col = 1;
    r->entry = b->ncode;
    r->nlocals = nlocals;
    r->outer_plan = VOUCH_NO_PLAN;
}

/* Appends op and as many operand words as opcodes.def gives it; returns
 * the instruction's pc. */
static inline uint32_t b_op(builder *b, uint32_t op, ...)
{
    uint32_t pc = b->ncode;
    b->code[b->ncode++] = op;
    const char *fmt = vouch_opcode_operands(op);
    va_list ap;
    va_start(ap, op);
    for (size_t i = 0; fmt && fmt[i]; i++)
        b->code[b->ncode++] = va_arg(ap, uint32_t);
    va_end(ap);
    return pc;
}

/* A constant's index. */
static inline uint32_t b_const(builder *b, vouch_value v)
{
    b->consts[b->nconsts] = v;
    return b->nconsts++;
}

/* CONST of a new constant v. */
static inline void b_push(builder *b, vouch_value v) { b_op(b, OP_CONST, b_const(b, v)); }

static inline vouch_program *b_build(const builder *b)
{
    vouch_program *p = vouch_program_new();
    assert_non_null(p);
    p->ncode = b->ncode;
    p->code = vouch_program_alloc(p, b->ncode * sizeof *p->code + 1);
    memcpy(p->code, b->code, b->ncode * sizeof *p->code);
    p->nconsts = b->nconsts;
    p->consts = vouch_program_alloc(p, b->nconsts * sizeof *p->consts + 1);
    for (uint32_t i = 0; i < b->nconsts; i++) {
        p->consts[i] = b->consts[i];
        if (b->consts[i].type == VT_TEXT)
            p->consts[i].u.s = vouch_program_strdup(p, b->consts[i].u.s, b->consts[i].len);
    }
    p->nrules = b->nrules;
    p->rules = vouch_program_alloc(p, b->nrules * sizeof *p->rules + 1);
    memcpy(p->rules, b->rules, b->nrules * sizeof *p->rules);
    p->tables = b->tables;
    p->ntables = b->ntables;
    p->plans = b->plans;
    p->nplans = b->nplans;
    p->points = b->points;
    p->npoints = b->npoints;
    p->files = b->files;
    p->nfiles = b->nfiles;
    p->sources = b->sources;
    p->nsources = b->nsources;
    p->npositions = b->npositions;
    p->positions = vouch_program_alloc(p, b->npositions * sizeof *p->positions + 1);
    memcpy(p->positions, b->positions, b->npositions * sizeof *p->positions);
    p->pack = "test";
    return p;
}

#endif
