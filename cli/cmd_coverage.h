/*
 * cmd_coverage.h: the `vouch coverage` command (cmd_coverage.c).
 */
#ifndef VOUCH_CMD_COVERAGE_H
#define VOUCH_CMD_COVERAGE_H

/* vouch coverage --facts F.db [--as-of D] [--period A..B] [--format text|json]
 *                [--output FILE] --framework ID PACK...
 * argv holds the arguments after `coverage`; the packs (with their imports,
 * or one .vbc) run in one session (runtime/session/session.h). Returns the exit status: 0
 * the report was written, 2 usage or input error (also when a rule stopped
 * with an error, as `check` does). Prints everything it has to say. */
int cmd_coverage(int argc, char **argv);

#endif
