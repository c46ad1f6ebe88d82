/*
 * strbuf.c: the growable buffer of strbuf.h.
 *
 * Invariants: cap is 0 or more than n, and p[n] is 0 once p is set; after
 * oom nothing changes any more.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include "strbuf.h"
#include "alloc.h"

/* Room for n more bytes and the NUL; 0, or -1 (and oom set). */
static int reserve(sbuf *b, size_t n)
{
    if (b->oom)
        return -1;
    if (n >= SIZE_MAX - b->n) {
        b->oom = 1;
        return -1;
    }
    if (b->n + n + 1 <= b->cap)
        return 0;
    size_t cap = b->cap ? b->cap : 128;
    while (cap < b->n + n + 1) {
        if (cap > SIZE_MAX / 2) {
            b->oom = 1;
            return -1;
        }
        cap *= 2;
    }
    char *p = vouch_realloc(b->p, cap);
    if (!p) {
        b->oom = 1;
        return -1;
    }
    b->p = p;
    b->cap = cap;
    return 0;
}

void sb_add(sbuf *b, const void *s, size_t n)
{
    if (reserve(b, n) != 0)
        return;
    if (n)
        memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = 0;
}

void sb_str(sbuf *b, const char *s) { sb_add(b, s, strlen(s)); }

int sb_list_add(char *buf, size_t size, const char *item, char quote)
{
    size_t used = strlen(buf);
    if (used + 1 >= size)
        return 0;
    char q[2] = {quote, 0};
    int w = snprintf(buf + used, size - used, "%s%s%s%s", used ? ", " : "", q, item, q);
    return w >= 0 && (size_t)w < size - used;
}

void sb_printf(sbuf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != 0)
        return;
    va_start(ap, fmt);
    vsnprintf(b->p + b->n, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->n += (size_t)n;
}
