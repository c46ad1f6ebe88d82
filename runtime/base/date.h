/*
 * date.h: civil calendar arithmetic on day numbers.
 *
 * Day numbers count days since 1970-01-01 in the proleptic Gregorian
 * calendar. Valid years are 1..9999 so that every date prints as YYYY-MM-DD.
 * No function here reads the clock: `today` comes from --as-of.
 */
#ifndef VOUCH_DATE_H
#define VOUCH_DATE_H

#include <stdint.h>
#include <stddef.h>

#define VOUCH_DATE_MIN_YEAR 1
#define VOUCH_DATE_MAX_YEAR 9999

/* Day number of a civil date; the caller has checked it with date_valid. */
int64_t date_from_civil(int y, int m, int d);
/* Splits a day number into year, month (1-12) and day (1-31). */
void date_to_civil(int64_t days, int *y, int *m, int *d);
/* 1 if y-m-d names a real day in the supported range. */
int date_valid(int y, int m, int d);
/* Parses exactly "YYYY-MM-DD" (n bytes, no surrounding space). Returns 0 and
 * sets *out on success, -1 if the text is not a valid date. */
int date_parse(const char *s, size_t n, int64_t *out);
/* Writes "YYYY-MM-DD" and a NUL into buf (11 bytes). */
void date_format(int64_t days, char buf[11]);
/* Adds n calendar months; a day past the end of the target month is clamped
 * to that month's last day (2026-01-31 + 1 month = 2026-02-28). */
int64_t date_add_months(int64_t days, int64_t n);
/* date_add_months for a date in range: 0 and *out on success, -1 (and *out
 * untouched) when the result would leave years 1..9999. Every n is safe. */
int date_move_months(int64_t days, int64_t n, int64_t *out);
int64_t date_month_start(int64_t days);
int64_t date_month_end(int64_t days);
int64_t date_quarter_start(int64_t days);
int64_t date_quarter_end(int64_t days);
int64_t date_half_start(int64_t days);   /* 1 January or 1 July */
int64_t date_half_end(int64_t days);     /* 30 June or 31 December */
int64_t date_year_start(int64_t days);
int64_t date_year_end(int64_t days);
/* 1 if days is within the supported range (years 1..9999). */
int date_in_range(int64_t days);

#endif
