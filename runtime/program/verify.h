/*
 * verify.h: the program contract's checks and listing (runtime/program/).
 * What the verifier accepts is what the VM may assume: the limits below and
 * vouch_verify are shared by the compiler (its last check), the .vbc
 * reader and the VM, which trusts a verified program without checking
 * again. The disassembler shows a program as the VM will read it.
 */
#ifndef VOUCH_VERIFY_H
#define VOUCH_VERIFY_H

#include <stdio.h>
#include "program.h"
#include "error.h"

/* Limits vouch_verify enforces and the VM relies on: the value stack never
 * holds more than VOUCH_STACK_MAX values, a rule uses at most
 * VOUCH_MAX_LOCALS local slots, and INTERP joins at most VOUCH_MAX_INTERP
 * values. */
#define VOUCH_STACK_MAX 256
#define VOUCH_MAX_LOCALS 4096
#define VOUCH_MAX_INTERP 64

/* verify.c: checks every instruction of p: opcodes, operand ranges
 * (constants, locals, plans, columns, builtins, run values), jump targets on
 * instruction starts, a consistent stack depth at every instruction along
 * every path, each rule ending in HALT, and the tables, plans and rules
 * being internally consistent. Returns VOUCH_EINPUT with the pc and what is
 * wrong. */
vouch_status vouch_verify(const vouch_program *p, vouch_error *err);

/* disasm.c: writes a readable listing of p (rules, plans, code) to out. */

void vouch_disasm(const vouch_program *p, FILE *out);
/* The same; with VOUCH_DISASM_POSITIONS, each instruction that starts a
 * source position entry is followed by "; FILE:LINE:COL" and where the
 * subject is from there on ("row", "subject"). */
enum { VOUCH_DISASM_POSITIONS = 1 };
void vouch_disasm_with(const vouch_program *p, FILE *out, unsigned flags);

#endif
