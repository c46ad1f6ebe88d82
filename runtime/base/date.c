/*
 * date.c: proleptic Gregorian calendar arithmetic on day numbers (days since
 * 1970-01-01).
 *
 * The conversions count in 400-year eras of 146097 days, with the year taken
 * to start on March 1 so that the leap day is the last day of a "year": then
 * the day of the year maps to a month by a linear formula and leap years need
 * no special case. Everything is integer arithmetic and exact for any int64
 * that stays within a few billion years; the supported range is 1..9999.
 */
#include "date.h"

/* Day number of 0001-01-01 and of 9999-12-31. */
#define DAY_MIN (-719162)
#define DAY_MAX 2932896

/* Floor division for a positive divisor. */
static int64_t fdiv(int64_t a, int64_t b)
{
    int64_t q = a / b;
    return (a % b != 0 && a < 0) ? q - 1 : q;
}

int64_t date_from_civil(int y, int m, int d)
{
    int64_t yy = (int64_t)y - (m <= 2);          /* years start on March 1 */
    int64_t era = fdiv(yy, 400);
    int64_t yoe = yy - era * 400;                /* 0..399 */
    int64_t mp = (m + 9) % 12;                   /* March = 0 ... February = 11 */
    int64_t doy = (153 * mp + 2) / 5 + d - 1;    /* 0..365 */
    int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy; /* 0..146096 */
    return era * 146097 + doe - 719468;          /* 719468: 0000-03-01 .. 1970-01-01 */
}

void date_to_civil(int64_t days, int *y, int *m, int *d)
{
    int64_t z = days + 719468;
    int64_t era = fdiv(z, 146097);
    int64_t doe = z - era * 146097;                                   /* 0..146096 */
    int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365; /* 0..399 */
    int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);            /* 0..365 */
    int64_t mp = (5 * doy + 2) / 153;                                 /* 0..11 */
    int64_t mm = mp < 10 ? mp + 3 : mp - 9;
    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)mm;
    *y = (int)(yoe + era * 400 + (mm <= 2));
}

static int is_leap(int64_t y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

static int month_days(int64_t y, int m)
{
    static const unsigned char n[12] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    return m == 2 && is_leap(y) ? 29 : n[m - 1];
}

int date_valid(int y, int m, int d)
{
    if (y < VOUCH_DATE_MIN_YEAR || y > VOUCH_DATE_MAX_YEAR || m < 1 || m > 12 || d < 1)
        return 0;
    return d <= month_days(y, m);
}

int date_in_range(int64_t days)
{
    return days >= DAY_MIN && days <= DAY_MAX;
}

int date_parse(const char *s, size_t n, int64_t *out)
{
    int v[8], k = 0;
    if (n != 10 || s[4] != '-' || s[7] != '-')
        return -1;
    for (size_t i = 0; i < 10; i++) {
        if (i == 4 || i == 7)
            continue;
        if (s[i] < '0' || s[i] > '9')
            return -1;
        v[k++] = s[i] - '0';
    }
    int y = v[0] * 1000 + v[1] * 100 + v[2] * 10 + v[3];
    int m = v[4] * 10 + v[5];
    int d = v[6] * 10 + v[7];
    if (!date_valid(y, m, d))
        return -1;
    *out = date_from_civil(y, m, d);
    return 0;
}

void date_format(int64_t days, char buf[11])
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    if (y < 0 || y > 9999) { /* outside the supported range: never a valid date */
        buf[0] = '?';
        buf[1] = 0;
        return;
    }
    buf[0] = (char)('0' + y / 1000);
    buf[1] = (char)('0' + y / 100 % 10);
    buf[2] = (char)('0' + y / 10 % 10);
    buf[3] = (char)('0' + y % 10);
    buf[4] = '-';
    buf[5] = (char)('0' + m / 10);
    buf[6] = (char)('0' + m % 10);
    buf[7] = '-';
    buf[8] = (char)('0' + d / 10);
    buf[9] = (char)('0' + d % 10);
    buf[10] = 0;
}

int64_t date_add_months(int64_t days, int64_t n)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    /* Clamp n so the month arithmetic cannot overflow; any such result is far
     * outside the supported range and the caller's range check rejects it. */
    if (n > 1200000)
        n = 1200000;
    if (n < -1200000)
        n = -1200000;
    int64_t mi = (int64_t)y * 12 + (m - 1) + n;
    int64_t ny = fdiv(mi, 12);
    int nm = (int)(mi - ny * 12) + 1;
    int md = month_days(ny, nm);
    if (d > md)
        d = md;
    return date_from_civil((int)ny, nm, d);
}

int date_move_months(int64_t days, int64_t n, int64_t *out)
{
    /* Years 1..9999 span fewer than 120000 months: anything larger leaves
     * the range whatever the start. */
    if (!date_in_range(days) || n > 120000 || n < -120000)
        return -1;
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    int64_t mi = (int64_t)y * 12 + (m - 1) + n;
    if (mi < (int64_t)VOUCH_DATE_MIN_YEAR * 12 || mi > (int64_t)VOUCH_DATE_MAX_YEAR * 12 + 11)
        return -1;
    *out = date_add_months(days, n);
    return 0;
}

int64_t date_month_start(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    return days - (d - 1);
}

int64_t date_month_end(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    return days + (month_days(y, m) - d);
}

int64_t date_quarter_start(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    return date_from_civil(y, (m - 1) / 3 * 3 + 1, 1);
}

int64_t date_quarter_end(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    int qm = (m - 1) / 3 * 3 + 3;
    return date_from_civil(y, qm, month_days(y, qm));
}

/* Half-years: January to June and July to December. */
int64_t date_half_start(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    return date_from_civil(y, m <= 6 ? 1 : 7, 1);
}

int64_t date_half_end(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    return date_from_civil(y, m <= 6 ? 6 : 12, m <= 6 ? 30 : 31);
}

int64_t date_year_start(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    return date_from_civil(y, 1, 1);
}

int64_t date_year_end(int64_t days)
{
    int y, m, d;
    date_to_civil(days, &y, &m, &d);
    return date_from_civil(y, 12, 31);
}
