/*
 * cmd_compile.h: `vouch compile` and running precompiled programs (.vbc).
 *
 *   vouch compile -o PACK.vbc PACK.vouch...
 *
 * compiles the packs (with the standard packs they import) into one
 * verified program and writes it as a .vbc file (runtime/program/program_io.h),
 * through a temporary file renamed into place. Every command that takes
 * packs also takes one .vbc file instead: the session's compile step
 * (runtime/session/session.h) reads it, checks it (layout, version,
 * checksum, decoding, the verifier) and returns the program.
 */
#ifndef VOUCH_CMD_COMPILE_H
#define VOUCH_CMD_COMPILE_H

#include "program.h"

/* How main.c compiles packs: prints diagnostics, NULL on any error. */
typedef vouch_program *(*cli_compile_fn)(char **paths, int n);

/* `vouch compile ARGS`; returns the exit status (0, or 2 on any error). */
int cmd_compile(int argc, char **argv, cli_compile_fn compile);

/* 1 if the file at path starts with the .vbc signature. */
int cli_is_program_file(const char *path);

#endif
