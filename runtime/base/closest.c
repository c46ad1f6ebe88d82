/*
 * closest.c: the closest name to a misspelt one (closest.h).
 *
 * Invariants: no allocation (the distance table is on the stack, which is
 * why names are capped at 63 bytes); the length difference bounds the
 * distance from below, so most names are rejected without the table.
 */
#include <string.h>

#include "closest.h"

#define CLOSEST_MAX 64

static int same(char a, char b, unsigned flags)
{
    if (a == b)
        return 1;
    if (!(flags & VOUCH_CLOSEST_FOLD))
        return 0;
    unsigned char x = (unsigned char)a, y = (unsigned char)b;
    if (x >= 'A' && x <= 'Z')
        x = (unsigned char)(x + ('a' - 'A'));
    if (y >= 'A' && y <= 'Z')
        y = (unsigned char)(y + ('a' - 'A'));
    return x == y;
}

/* Edit distance of a[0..n) and b[0..m), both under CLOSEST_MAX bytes. */
static size_t edit_distance(const char *a, size_t n, const char *b, size_t m, unsigned flags)
{
    size_t d[CLOSEST_MAX][CLOSEST_MAX], i, j;
    for (i = 0; i <= n; i++)
        d[i][0] = i;
    for (j = 0; j <= m; j++)
        d[0][j] = j;
    for (i = 1; i <= n; i++)
        for (j = 1; j <= m; j++) {
            size_t best = d[i - 1][j - 1] + !same(a[i - 1], b[j - 1], flags);
            if (d[i - 1][j] + 1 < best)
                best = d[i - 1][j] + 1;
            if (d[i][j - 1] + 1 < best)
                best = d[i][j - 1] + 1;
            if (i > 1 && j > 1 && same(a[i - 1], b[j - 2], flags) && same(a[i - 2], b[j - 1], flags) &&
                d[i - 2][j - 2] + 1 < best)
                best = d[i - 2][j - 2] + 1;
            d[i][j] = best;
        }
    return d[n][m];
}

const char *vouch_closest(const char *word, size_t n, const void *names, size_t stride, size_t count,
                          unsigned flags)
{
    size_t limit = n / 3 > 1 ? n / 3 : 1, best = (size_t)-1;
    const char *found = NULL;

    if (!word || !names || n >= CLOSEST_MAX)
        return NULL;
    for (size_t i = 0; i < count; i++) {
        const char *c;
        memcpy(&c, (const char *)names + i * stride, sizeof c);
        if (!c)
            continue;
        size_t m = strlen(c);
        if (m >= CLOSEST_MAX)
            continue;
        if ((m > n ? m - n : n - m) > limit)
            continue;
        size_t dist = edit_distance(word, n, c, m, flags);
        if (dist <= limit && dist < best) {
            best = dist;
            found = c;
        }
    }
    return found;
}
