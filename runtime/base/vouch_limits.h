/*
 * vouch_limits.h: every limit vouch enforces on its input, in one place.
 *
 * Rule packs come from third parties and facts from other tools' exports,
 * so each dimension an input can grow in has a ceiling, checked where the
 * input is read, with a message that names the limit. A pack written to
 * exhaust any of them ends with exit status 2 and that message, in bounded
 * time and memory. docs/limits.md explains each number and what hitting it
 * looks like; keep the two in step.
 *
 * (Named vouch_limits.h, not limits.h: runtime/ is on the include path, so
 * a runtime/limits.h would hide the C library's <limits.h>.)
 *
 * Depends on nothing. Included by compiler/ and runtime/.
 */
#ifndef VOUCH_LIMITS_H
#define VOUCH_LIMITS_H

/* ---- sources (compiler/) ------------------------------------------------- */

/* Bytes in one .vouch file. The command line stops reading a file one byte
 * past this, so a huge file is never read whole. */
#define VOUCH_MAX_SOURCE_BYTES (8u << 20)
/* Bytes in all the files of one compilation together. */
#define VOUCH_MAX_TOTAL_SOURCE_BYTES (32u << 20)
/* Files one compilation reads through `import` (packs found beside the
 * importing file or on $VOUCH_PATH, not those given on the command line
 * nor the standard library's). The import that would read one more is an
 * error at that import. */
#define VOUCH_MAX_IMPORTED_FILES 256
/* Brackets ( [ { open at once in one file. */
#define VOUCH_MAX_BRACKETS 64
/* Depth of an expression tree: operators, calls, quantifiers and string
 * interpolations nested in one another (`a + b + c` is depth 3, as is
 * `((a))`). Every pass over an expression recurses this deep at most. */
#define VOUCH_MAX_EXPR_DEPTH 100
/* `for` clauses in one rule (each is one more nested loop). */
#define VOUCH_MAX_FOR_CLAUSES 16
/* Bytes in a name (a fact, field, rule id, variable). */
#define VOUCH_MAX_NAME_BYTES 128
/* Bytes in one string literal, after escapes are resolved. */
#define VOUCH_MAX_STRING_BYTES (64u << 10)
/* Strings inside the `{...}` of strings, nested ("a {"b {"c"}"}"). */
#define VOUCH_MAX_INTERP_NESTING 8
/* Values joined by one string with `{...}` parts (text pieces included).
 * The bytecode's INTERP takes at most this many (VOUCH_MAX_INTERP). */
#define VOUCH_MAX_INTERP_PARTS 64
/* Rules in one compilation, all packs together. */
#define VOUCH_MAX_RULES 10000
/* Fact types declared in one compilation. */
#define VOUCH_MAX_TABLES 1000
/* Fields of one fact type. */
#define VOUCH_MAX_COLUMNS 256
/* Columns of a declared key. */
#define VOUCH_MAX_KEY_COLUMNS 16
/* Members of one enum. */
#define VOUCH_MAX_ENUM_MEMBERS 256
/* Bands of an appetite, and its accept clauses (each kind): the computed
 * fields are `if` chains of one test per clause, checked and compiled
 * recursively (100000 clauses overflowed the stack before this limit). */
#define VOUCH_MAX_APPETITE_CLAUSES 64
/* Roles of an appetite's authority order (each authority(x) is a chain of
 * one test per role; without an `authority` line, the accept clauses give
 * the order only when there are at most this many). */
#define VOUCH_MAX_AUTHORITY_ROLES 64

/* ---- precompiled programs (runtime/program/program_io.c) -------------------------- */

/* Bytes in a .vbc file; larger files are refused before they are read. */
#define VOUCH_MAX_PROGRAM_BYTES (256u << 20)

/* ---- running (runtime/vm/vm.c) ----------------------------------------------- */

/* Instructions one rule may execute (the step budget, checked at every
 * instruction). A rule that runs out ends with an error naming the rule;
 * the run goes on with the next rule and exits 2. */
#define VOUCH_MAX_RULE_STEPS 2000000000ull
/* Bytes the VM may hold for one run: findings (subject and message), the
 * texts rules make, rows' texts and locals. Past it the run stops with an
 * error (exit 2). */
#define VOUCH_MAX_RUN_MEMORY (1024ull << 20)

/* ---- loading CSV files (runtime/store/load.c) ----------------------------------- */

/* Bytes in one CSV cell (after its quotes are undone). The reader buffers
 * one record at a time, so these three bound its memory whatever the file:
 * a cell or a record that never ends is an error naming FILE:ROW:COL. */
#define VOUCH_MAX_CSV_CELL_BYTES (1u << 20)
/* Bytes of all the cells of one CSV record together. */
#define VOUCH_MAX_CSV_RECORD_BYTES (16u << 20)
/* Fields in one CSV record (a fact has at most VOUCH_MAX_COLUMNS). */
#define VOUCH_MAX_CSV_FIELDS 4096

#endif
