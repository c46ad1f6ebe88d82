/*
 * clock.h: the monotonic clock that deadlines are read on (--timeout:
 * vouch_run_env.deadline_ns, vouch_facts_set_limits). Depends on nothing.
 */
#ifndef VOUCH_CLOCK_H
#define VOUCH_CLOCK_H

#include <stdint.h>

/* CLOCK_MONOTONIC in nanoseconds: unaffected by changes of the date. */
uint64_t vouch_clock_ns(void);

#endif
