/*
 * cmd_test.h: `vouch test` (cmd_test.c).
 *
 *   vouch test [--junit FILE] [--min-coverage PCT] PACK...
 */
#ifndef VOUCH_CMD_TEST_H
#define VOUCH_CMD_TEST_H

#include "cmd_compile.h"

/* argv holds the arguments after `test`. Returns the exit status: 0 all
 * tests passed (and coverage is at least --min-coverage), 1 a test failed
 * or coverage is too low, 2 usage or input error. */
int cmd_test(int argc, char **argv, cli_compile_fn compile);

#endif
