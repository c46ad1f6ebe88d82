/*
 * escape.c: text into every output format (escape.h). Each writer runs
 * over the printable ASCII that needs nothing in one fwrite, since most
 * text needs nothing; only the bytes that do go one at a time.
 */
#include <string.h>
#include "escape.h"

static const char REPLACEMENT[] = "\xef\xbf\xbd"; /* U+FFFD */
static const char ELLIPSIS[] = "\xe2\x80\xa6";    /* … */
static const char HEX[] = "0123456789abcdef";

size_t vouch_utf8_len(const unsigned char *s)
{
    unsigned c = s[0];
    if (c < 0x80)
        return c ? 1 : 0;
    if (c >= 0xc2 && c <= 0xdf)
        return (s[1] & 0xc0) == 0x80 ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80)
            return 0;
        if (c == 0xe0 && s[1] < 0xa0)
            return 0; /* overlong */
        if (c == 0xed && s[1] >= 0xa0)
            return 0; /* surrogate */
        if (c == 0xef && s[1] == 0xbf && (s[2] == 0xbe || s[2] == 0xbf))
            return 0; /* U+FFFE, U+FFFF */
        return 3;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        if ((s[1] & 0xc0) != 0x80 || (s[2] & 0xc0) != 0x80 || (s[3] & 0xc0) != 0x80)
            return 0;
        if ((c == 0xf0 && s[1] < 0x90) || (c == 0xf4 && s[1] >= 0x90))
            return 0;
        return 4;
    }
    return 0;
}

int vouch_utf8_hidden(const unsigned char *s, size_t n)
{
    if (n == 2)
        return (s[0] == 0xc2 && s[1] <= 0x9f) || (s[0] == 0xd8 && s[1] == 0x9c); /* C1, U+061C */
    if (n == 3 && s[0] == 0xe2) {
        if (s[1] == 0x80)
            return s[2] == 0x8e || s[2] == 0x8f || (s[2] >= 0xaa && s[2] <= 0xae);
        if (s[1] == 0x81)
            return s[2] >= 0xa6 && s[2] <= 0xa9;
    }
    return 0;
}

/* The code point of a valid 2- or 3-byte sequence (the hidden ones are). */
static unsigned code_point(const unsigned char *s, size_t n)
{
    if (n == 2)
        return (unsigned)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
    return (unsigned)(s[0] & 0x0f) << 12 | (unsigned)(s[1] & 0x3f) << 6 | (s[2] & 0x3f);
}

/* "\uXXXX" (upper-case digits, as Unicode writes code points) into b. */
static void u_escape(char b[7], unsigned cp)
{
    static const char UP[] = "0123456789ABCDEF";
    b[0] = '\\';
    b[1] = 'u';
    for (int i = 0; i < 4; i++)
        b[2 + i] = UP[(cp >> (12 - 4 * i)) & 15];
    b[6] = 0;
}

/* Printable ASCII that no format below escapes. */
static int plain(unsigned char c)
{
    return c >= 0x20 && c < 0x7f && c != '\\' && c != '"' && c != '&' && c != '<' && c != '>' && c != '\'';
}

/* ---- text -------------------------------------------------------------------- */

/* The escape of the character at p (n its UTF-8 length, 0 if invalid) for
 * text and TSV, into b; 0 if it needs none. */
static size_t text_escape_of(const unsigned char *p, size_t n, int tsv, char b[8])
{
    unsigned c = p[0];
    if (n == 0 || (n == 1 && (c < 0x20 || c == 0x7f)) || (tsv && c == '\\')) {
        b[0] = '\\';
        switch (c) {
        case '\n': b[1] = 'n'; return 2;
        case '\r': b[1] = 'r'; return 2;
        case '\t': b[1] = 't'; return 2;
        case '\\': b[1] = '\\'; return 2;
        default:
            b[1] = 'x';
            b[2] = HEX[c >> 4];
            b[3] = HEX[c & 15];
            return 4;
        }
    }
    /* TSV is data: a bidi control stays (a C1 control does not) */
    if (n > 1 && vouch_utf8_hidden(p, n) && (!tsv || p[0] == 0xc2)) {
        u_escape(b, code_point(p, n));
        return 6;
    }
    return 0;
}

static void text_out(FILE *out, const char *s, int tsv)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    char b[8];
    for (;;) {
        const unsigned char *run = p;
        while ((*p >= 0x20 && *p < 0x7f && *p != '\\') || (*p == '\\' && !tsv))
            p++;
        if (p > run)
            fwrite(run, 1, (size_t)(p - run), out);
        if (!*p)
            return;
        size_t n = vouch_utf8_len(p);
        size_t k = text_escape_of(p, n, tsv, b);
        size_t step = n ? n : 1;
        if (k)
            fwrite(b, 1, k, out);
        else
            fwrite(p, 1, step, out);
        p += step;
    }
}

void vouch_text_chars(FILE *out, const char *s) { text_out(out, s, 0); }

void vouch_tsv_chars(FILE *out, const char *s) { text_out(out, s, 1); }

size_t vouch_text_escape(char *buf, size_t cap, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    size_t used = 0;
    char b[8];
    if (cap == 0)
        return 0;
    while (*p) {
        size_t n = vouch_utf8_len(p);
        size_t k = text_escape_of(p, n, 0, b);
        size_t step = n ? n : 1;
        const char *piece = k ? b : (const char *)p;
        size_t len = k ? k : step;
        if (used + len >= cap)
            break;
        memcpy(buf + used, piece, len);
        used += len;
        p += step;
    }
    buf[used] = 0;
    return used;
}

void vouch_text_escape_inplace(char *buf, size_t cap)
{
    char copy[2048];
    size_t n = strlen(buf);
    if (n >= sizeof copy)
        n = sizeof copy - 1;
    memcpy(copy, buf, n);
    copy[n] = 0;
    vouch_text_escape(buf, cap, copy);
}

/* ---- JSON -------------------------------------------------------------------- */

void vouch_json_text(FILE *out, const char *s)
{
    putc_unlocked('"', out);
    vouch_json_chars(out, s);
    putc_unlocked('"', out);
}

/* Writers run on one thread with their FILE to themselves, hence the
 * unlocked calls: a JSON report of 685 findings spent a third of its time
 * taking and releasing the stream's lock. */
void vouch_json_chars(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    char b[8];
    for (;;) {
        const unsigned char *run = p;
        while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
            p++;
        if (p > run)
            fwrite_unlocked(run, 1, (size_t)(p - run), out);
        if (!*p)
            return;
        size_t n = vouch_utf8_len(p);
        if (n == 0) {
            fputs("\\ufffd", out);
            p++;
            continue;
        }
        if (n > 1) {
            if (vouch_utf8_hidden(p, n)) {
                u_escape(b, code_point(p, n));
                b[1] = 'u';
                for (int i = 2; i < 6; i++) /* JSON's own spelling: lower-case */
                    b[i] = (char)(b[i] >= 'A' ? b[i] - 'A' + 'a' : b[i]);
                fwrite_unlocked(b, 1, 6, out);
            } else {
                fwrite_unlocked(p, 1, n, out);
            }
            p += n;
            continue;
        }
        switch (*p) {
        case '"': fputs("\\\"", out); break;
        case '\\': fputs("\\\\", out); break;
        case '\n': fputs("\\n", out); break;
        case '\r': fputs("\\r", out); break;
        case '\t': fputs("\\t", out); break;
        default: fprintf(out, "\\u%04x", *p);
        }
        p++;
    }
}

/* ---- XML and HTML ------------------------------------------------------------ */

/* For the formats people read with a length cap (XML/HTML, Markdown): 1
 * (after writing the ellipsis) when step more bytes would pass max (0: no
 * cap), else 0 with them counted in *used. */
static int cut(FILE *out, size_t *used, size_t step, size_t max)
{
    if (max && *used + step > max) {
        fputs(ELLIPSIS, out);
        return 1;
    }
    *used += step;
    return 0;
}

/* The character at p that is not plain ASCII (n: its vouch_utf8_len, 0
 * for a byte that starts no UTF-8) in a format people read: an invalid
 * byte as U+FFFD, a C1 control as c1, a bidirectional control as the
 * visible \uXXXX, anything else as it is. */
static void readable_char(FILE *out, const unsigned char *p, size_t n, const char *c1)
{
    char b[8];
    if (n == 0) {
        fputs(REPLACEMENT, out);
    } else if (!vouch_utf8_hidden(p, n)) {
        fwrite(p, 1, n, out);
    } else if (p[0] == 0xc2) {
        fputs(c1, out);
    } else {
        u_escape(b, code_point(p, n));
        fputs(b, out);
    }
}

void vouch_xml_text(FILE *out, const char *s, size_t max)
{
    if (!s)
        return;
    const unsigned char *p = (const unsigned char *)s;
    size_t used = 0;
    while (*p) {
        const unsigned char *run = p;
        while (plain(*p) && (!max || used + (size_t)(p - run) < max))
            p++;
        if (p > run) {
            fwrite(run, 1, (size_t)(p - run), out);
            used += (size_t)(p - run);
            if (!*p)
                return;
        }
        size_t n = vouch_utf8_len(p);
        size_t step = n ? n : 1;
        if (cut(out, &used, step, max))
            return;
        if (n != 1) {
            readable_char(out, p, n, REPLACEMENT); /* C1: XML 1.0 discourages them */
        } else {
            switch (*p) {
            case '&': fputs("&amp;", out); break;
            case '<': fputs("&lt;", out); break;
            case '>': fputs("&gt;", out); break;
            case '"': fputs("&quot;", out); break;
            case '\'': fputs("&#39;", out); break;
            case '\t': fputs("&#9;", out); break;
            case '\n': fputs("&#10;", out); break;
            case '\r': fputs("&#13;", out); break;
            default:
                if (*p < 0x20 || *p == 0x7f)
                    fputs(REPLACEMENT, out);
                else
                    fputc(*p, out);
            }
        }
        p += step;
    }
}

/* ---- Markdown ---------------------------------------------------------------- */

static int word_char(unsigned char c)
{
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c >= 0x80;
}

void vouch_md_text(FILE *out, const char *s, size_t max)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    const unsigned char *start = p;
    size_t used = 0;
    while (*p) {
        size_t n = vouch_utf8_len(p);
        size_t step = n ? n : 1;
        if (cut(out, &used, step, max))
            return;
        if (n != 1) {
            readable_char(out, p, n, " "); /* C1: a control, as below; \u is no Markdown escape: shown as is */
        } else if (*p < 0x20 || *p == 0x7f) {
            fputc(' ', out);
        } else if (*p == '<') {
            fputs("&lt;", out);
        } else if (*p == '>') {
            fputs("&gt;", out);
        } else if (*p == '&') {
            fputs("&amp;", out);
        } else if (*p == '_') {
            /* an underscore inside a word (rule_id) cannot start emphasis */
            if (p > start && word_char(p[-1]) && word_char(p[1]))
                fputc('_', out);
            else
                fputs("\\_", out);
        } else if (strchr("\\`*[]|~!#", *p)) {
            fputc('\\', out);
            fputc(*p, out);
        } else {
            fputc(*p, out);
        }
        p += step;
    }
}

/* ---- CSV --------------------------------------------------------------------- */

void vouch_csv_cell(FILE *out, const char *s)
{
    if (!s || !*s)
        return;
    int formula = strchr("=+-@\t\r", *s) != NULL;
    if (!strpbrk(s, ",\"\r\n")) {
        if (formula)
            fputc('\'', out);
        fputs(s, out);
        return;
    }
    fputc('"', out);
    if (formula)
        fputc('\'', out);
    for (const char *c = s; *c; c++) {
        if (*c == '"')
            fputc('"', out);
        fputc(*c, out);
    }
    fputc('"', out);
}
