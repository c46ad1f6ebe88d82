/*
 * limits_opt.h: the command-line options that lower a run's limits below
 * the defaults of runtime/base/vouch_limits.h (they cannot raise them):
 *
 *   --max-steps N     instructions one rule may execute (VOUCH_MAX_RULE_STEPS)
 *   --max-memory MIB  MiB the VM may hold for the run (VOUCH_MAX_RUN_MEMORY)
 *   --timeout S       seconds the command may take from its start, in the VM
 *                     and inside SQLite (default: no limit; at most a day)
 *
 * --max-steps also bounds the SQLite instructions each rule's reads of the
 * store execute (vouch_facts_set_limits): a view in the store that never
 * ends is stopped by either.
 *
 * For CI jobs that want to fail fast, and for tests that must reach a
 * limit in little time.
 */
#ifndef VOUCH_LIMITS_OPT_H
#define VOUCH_LIMITS_OPT_H

#include "vm.h"

#define CLI_MAX_TIMEOUT_S 86400

/* Applies the given option values (NULL: not given) to env; the deadline
 * of --timeout starts now. Returns 0, or prints a usage error and returns 2. */
int cli_limit_options(const char *max_steps, const char *max_memory, const char *timeout, vouch_run_env *env);

#endif
