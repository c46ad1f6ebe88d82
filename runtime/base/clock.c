/*
 * clock.c: the monotonic clock of deadlines (clock.h).
 */
#include <time.h>

#include "clock.h"

uint64_t vouch_clock_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
