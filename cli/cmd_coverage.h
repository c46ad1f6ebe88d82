/*
 * cmd_coverage.h: the `vouch coverage` command (cmd_coverage.c).
 */
#ifndef VOUCH_CMD_COVERAGE_H
#define VOUCH_CMD_COVERAGE_H

#include "cmd_compile.h"

/* vouch coverage --facts F.db [--as-of D] [--period A..B] [--format text|json]
 *                [--output FILE] --framework ID PACK...
 * argv holds the arguments after `coverage`; compile is main.c's compile
 * step (packs with their imports, or one .vbc). Returns the exit status: 0
 * the report was written, 2 usage or input error (also when a rule stopped
 * with an error, as `check` does). Prints everything it has to say. */
int cmd_coverage(int argc, char **argv, cli_compile_fn compile);

#endif
