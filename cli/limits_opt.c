/*
 * limits_opt.c: --max-steps, --max-memory and --timeout (see limits_opt.h).
 */
#include <stdio.h>
#include <string.h>

#include "say.h"
#include "limits_opt.h"
#include "clock.h"
#include "vouch_limits.h"

/* A decimal number in 1..max into *out; -1 if it is not one. */
static int number(const char *s, uint64_t max, uint64_t *out)
{
    uint64_t v = 0;
    if (!s || !*s)
        return -1;
    for (; *s; s++) {
        if (*s < '0' || *s > '9' || v > (max - (uint64_t)(*s - '0')) / 10)
            return -1;
        v = v * 10 + (uint64_t)(*s - '0');
    }
    if (v < 1)
        return -1;
    *out = v;
    return 0;
}

int cli_limit_options(const char *max_steps, const char *max_memory, const char *timeout, vouch_run_env *env)
{
    uint64_t v;
    if (max_steps) {
        if (number(max_steps, VOUCH_MAX_RULE_STEPS, &v) != 0) {
            cli_say(stderr, "vouch: --max-steps `%s` is not a number from 1 to %llu\n"
                    "Run `vouch --help` for usage.\n", max_steps,
                    (unsigned long long)VOUCH_MAX_RULE_STEPS);
            return 2;
        }
        env->step_budget = v;
    }
    if (max_memory) {
        if (number(max_memory, VOUCH_MAX_RUN_MEMORY >> 20, &v) != 0) {
            cli_say(stderr, "vouch: --max-memory `%s` is not a number of MiB from 1 to %llu\n"
                    "Run `vouch --help` for usage.\n", max_memory,
                    (unsigned long long)(VOUCH_MAX_RUN_MEMORY >> 20));
            return 2;
        }
        env->memory_limit = v << 20;
    }
    if (timeout) {
        if (number(timeout, CLI_MAX_TIMEOUT_S, &v) != 0) {
            cli_say(stderr, "vouch: --timeout `%s` is not a number of seconds from 1 to %u\n"
                    "Run `vouch --help` for usage.\n", timeout, CLI_MAX_TIMEOUT_S);
            return 2;
        }
        /* from now: compiling the packs and opening the store count too */
        env->deadline_ns = vouch_clock_ns() + v * 1000000000ull;
        env->timeout_s = (uint32_t)v;
    }
    return 0;
}
