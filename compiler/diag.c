/*
 * diag.c: the diagnostic sink and the rendering of one diagnostic (see
 * diag.h for the format).
 *
 * Messages are formatted into the sink's arena so they outlive the call
 * (the callback may keep them until the compilation's arena is freed).
 * With no arena, or once the arena is out of memory, a message lives in a
 * stack buffer for the duration of the callback only.
 *
 * The caret line copies the tabs of the source line's prefix so the caret
 * lines up whatever the reader's tab width, and counts a UTF-8 character as
 * one column (its continuation bytes take no space).
 *
 * A source line can hold what a terminal must not receive raw (ESC, bytes
 * that are not UTF-8, a right-to-left override: the lexer reports them):
 * such characters are shown as the visible escapes of escape.h (\x1b,
 * \u202E), the caret line counting each escape's width. The message and
 * hint go through the same escaping.
 */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "diag.h"
#include "escape.h"
#include "closest.h"

static void report(diag_sink *d, diag_severity sev, const vouch_source *src, uint32_t off,
                   uint32_t len, const char *hint, const char *fmt, va_list ap)
    __attribute__((format(printf, 7, 0)));

static void report(diag_sink *d, diag_severity sev, const vouch_source *src, uint32_t off,
                   uint32_t len, const char *hint, const char *fmt, va_list ap)
{
    char buf[512];
    vouch_diag dg;
    char *msg = NULL, *h = NULL;
    va_list ap2;
    int n;

    va_copy(ap2, ap);
    n = vsnprintf(buf, sizeof buf, fmt, ap);
    if (n >= 0 && d->a) {
        msg = arena_alloc(d->a, (size_t)n + 1);
        if (msg)
            vsnprintf(msg, (size_t)n + 1, fmt, ap2);
    }
    va_end(ap2);
    if (hint && d->a)
        h = arena_strndup(d->a, hint, strlen(hint));

    dg.severity = sev;
    dg.src = src;
    dg.off = off;
    dg.len = len;
    dg.message = msg ? msg : buf;
    dg.hint = h ? h : hint;
    if (d->fn)
        d->fn(d->ctx, &dg);
}

void diag_error(diag_sink *d, const vouch_source *src, uint32_t off, uint32_t len,
                const char *hint, const char *fmt, ...)
{
    va_list ap;
    if (d->nerrors >= DIAG_MAX_ERRORS) {
        d->truncated = 1;
        return;
    }
    d->nerrors++;
    va_start(ap, fmt);
    report(d, DIAG_ERROR, src, off, len, hint, fmt, ap);
    va_end(ap);
}

void diag_warning(diag_sink *d, const vouch_source *src, uint32_t off, uint32_t len,
                  const char *hint, const char *fmt, ...)
{
    va_list ap;
    d->nwarnings++;
    va_start(ap, fmt);
    report(d, DIAG_WARNING, src, off, len, hint, fmt, ap);
    va_end(ap);
}

static const char *severity_word(diag_severity s)
{
    switch (s) {
    case DIAG_WARNING: return "warning";
    case DIAG_NOTE: return "note";
    default: return "error";
    }
}

/* The character at p (at most avail bytes) as the line shows it: *step
 * bytes of source, shown as buf (NUL-terminated, an escape) or, if buf is
 * empty, as itself in one column. A tab is itself. */
static void shown_char(const char *p, uint32_t avail, char buf[8], uint32_t *step)
{
    const unsigned char *u = (const unsigned char *)p;
    size_t n = vouch_utf8_len(u);
    buf[0] = 0;
    if (n == 0 || n > avail) {
        char one[2] = {p[0], 0};
        *step = 1;
        if (one[0])
            vouch_text_escape(buf, 8, one);
        else
            memcpy(buf, "\\x00", 5);
        return;
    }
    *step = (uint32_t)n;
    if (u[0] == '\t')
        return;
    if ((n == 1 && (u[0] < 0x20 || u[0] == 0x7f)) || vouch_utf8_hidden(u, n)) {
        char one[8];
        memcpy(one, p, n);
        one[n] = 0;
        vouch_text_escape(buf, 8, one);
    }
}

void diag_render(const vouch_diag *d, FILE *out)
{
    const vouch_source *s = d->src;
    uint32_t line, col, llen, start, i, end, width;
    const char *text;
    char num[16];

    if (!s) {
        fprintf(out, "vouch: %s: ", severity_word(d->severity));
        vouch_text_chars(out, d->message);
        fputc('\n', out);
        if (d->hint) {
            fputs("   = hint: ", out);
            vouch_text_chars(out, d->hint);
            fputc('\n', out);
        }
        return;
    }

    source_position(s, d->off, &line, &col);
    vouch_text_chars(out, s->name);
    fprintf(out, ":%u:%u: %s: ", line, col, severity_word(d->severity));
    vouch_text_chars(out, d->message);
    fputc('\n', out);

    text = source_line(s, d->off, &llen);
    start = (uint32_t)(text - s->text);
    snprintf(num, sizeof num, "%u", line);
    width = (uint32_t)strlen(num) + 3;

    /* The source line, each character as shown_char shows it. */
    char buf[8];
    uint32_t step;
    fprintf(out, "%*s |%s", (int)width, num, llen ? " " : "");
    for (i = 0; i < llen; i += step) {
        shown_char(text + i, llen - i, buf, &step);
        if (buf[0])
            fputs(buf, out);
        else
            fwrite(text + i, 1, step, out);
    }
    fputc('\n', out);

    /* The caret line: the prefix's tabs kept, a space per column of every
     * other character, then ^ and ~ to the span's end or the line's end,
     * whichever comes first. */
    fprintf(out, "%*s | ", (int)width, "");
    col = d->off > start ? d->off - start : 0;
    if (col > llen)
        col = llen;
    for (i = 0; i < col; i += step) {
        shown_char(text + i, llen - i, buf, &step);
        if (text[i] == '\t')
            fputc('\t', out);
        else
            fprintf(out, "%*s", buf[0] ? (int)strlen(buf) : 1, "");
    }
    end = d->len > llen - col ? llen : col + d->len;
    int first = 1;
    for (i = col; i < end || first; i += step) {
        uint32_t w = 1;
        if (i < llen) {
            shown_char(text + i, llen - i, buf, &step);
            w = buf[0] ? (uint32_t)strlen(buf) : 1;
        } else {
            step = 1;
        }
        for (uint32_t k = 0; k < w; k++) {
            fputc(first ? '^' : '~', out);
            first = 0;
        }
    }
    fputc('\n', out);

    if (d->hint) {
        fputs("   = hint: ", out);
        vouch_text_chars(out, d->hint);
        fputc('\n', out);
    }
}

const char *diag_closest(const char *word, size_t n, const char *const *candidates, size_t ncand)
{
    return vouch_closest(word, n, candidates, sizeof *candidates, ncand, 0);
}
