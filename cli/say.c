/*
 * say.c: printf for the command line's messages, with every %s argument
 * escaped (say.h). It walks the format itself: the literal text and each
 * conversion but %s go to fprintf unchanged, one conversion at a time, so
 * the numbers look exactly as printf writes them.
 */
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "say.h"
#include "escape.h"

/* The %.*s case: at most max bytes of s, escaped (a cut inside a UTF-8
 * sequence shows its bytes as \xHH, never a broken character). */
static void say_cut(FILE *out, const char *s, int max)
{
    if (!s)
        return;
    size_t n = strnlen(s, max < 0 ? (size_t)-1 : (size_t)max);
    char *copy = malloc(n + 1);
    if (!copy) {
        fputs("(out of memory)", out);
        return;
    }
    memcpy(copy, s, n);
    copy[n] = 0;
    vouch_text_chars(out, copy);
    free(copy);
}

void cli_vsay(FILE *out, const char *fmt, va_list ap)
{
    const char *p = fmt;
    while (*p) {
        const char *pct = strchr(p, '%');
        if (!pct) {
            fputs(p, out);
            return;
        }
        fwrite(p, 1, (size_t)(pct - p), out);
        /* One conversion: %[flags][width][.precision][length]conv. */
        const char *q = pct + 1;
        int star_width = 0, star_prec = 0, has_prec = 0;
        q += strspn(q, "-+ #0");
        if (*q == '*') {
            star_width = 1;
            q++;
        } else
            q += strspn(q, "0123456789");
        if (*q == '.') {
            has_prec = 1;
            q++;
            if (*q == '*') {
                star_prec = 1;
                q++;
            } else
                q += strspn(q, "0123456789");
        }
        int longs = 0, size = 0;
        while (*q == 'l') {
            longs++;
            q++;
        }
        if (*q == 'z') {
            size = 1;
            q++;
        }
        char conv = *q;
        if (!conv) { /* a lone % at the end: as it is */
            fputs(pct, out);
            return;
        }
        char spec[32];
        size_t len = (size_t)(q + 1 - pct);
        if (len >= sizeof spec) { /* no printf conversion is that long: text */
            fwrite(pct, 1, len, out);
            p = q + 1;
            continue;
        }
        memcpy(spec, pct, len);
        spec[len] = 0;
        int width = star_width ? va_arg(ap, int) : 0;
        int prec = star_prec ? va_arg(ap, int) : -1;
        switch (conv) {
        case 's': {
            /* Width is not honoured for escaped text (no message pads a
             * quoted value); the precision cuts before escaping. */
            const char *s = va_arg(ap, const char *);
            if (has_prec && !star_prec) {
                const char *dot = strchr(spec, '.');
                prec = atoi(dot + 1);
            }
            if (has_prec)
                say_cut(out, s, prec);
            else if (s)
                vouch_text_chars(out, s);
            break;
        }
        case 'd':
        case 'i':
        case 'u':
        case 'x':
        case 'X':
        case 'o':
        case 'c':
            /* fprintf with the spec as given: the `*`s are passed back. */
#define SAY_INT(T)                                                                \
    do {                                                                          \
        T v = va_arg(ap, T);                                                      \
        if (star_width && star_prec)                                              \
            fprintf(out, spec, width, prec, v);                                   \
        else if (star_width)                                                      \
            fprintf(out, spec, width, v);                                         \
        else if (star_prec)                                                       \
            fprintf(out, spec, prec, v);                                          \
        else                                                                      \
            fprintf(out, spec, v);                                                \
    } while (0)
            if (size)
                SAY_INT(size_t);
            else if (longs >= 2)
                SAY_INT(long long);
            else if (longs == 1)
                SAY_INT(long);
            else
                SAY_INT(int);
            break;
        case 'f':
        case 'g':
        case 'e':
            SAY_INT(double);
            break;
#undef SAY_INT
        case '%':
            fputc('%', out);
            break;
        default:
            fwrite(pct, 1, len, out);
            break;
        }
        p = q + 1;
    }
}

void cli_say(FILE *out, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    cli_vsay(out, fmt, ap);
    va_end(ap);
}
