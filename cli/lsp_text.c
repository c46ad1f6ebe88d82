/*
 * lsp_text.c: the protocol's positions over UTF-8 text (lsp_text.h).
 * Linear scans: documents are small, and positions are asked a few at a
 * time (one request, one compilation's diagnostics).
 */
#include <string.h>

#include "lsp_text.h"

/* Bytes in the UTF-8 sequence that starts with byte c, or 1 if c cannot
 * start one; *units gets the UTF-16 units of the code point. */
static size_t seq_len(const unsigned char *s, size_t avail, uint32_t *units)
{
    unsigned c = s[0];
    size_t n = c < 0x80 ? 1 : (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    *units = 1;
    if (n <= 1 || n > avail)
        return 1;
    for (size_t i = 1; i < n; i++)
        if ((s[i] & 0xC0) != 0x80)
            return 1;
    if (n == 4)
        *units = 2;
    return n;
}

uint32_t lsp_text_utf16_len(const char *s, size_t n)
{
    uint32_t units = 0;
    for (size_t i = 0; i < n;) {
        uint32_t u;
        i += seq_len((const unsigned char *)s + i, n - i, &u);
        units += u;
    }
    return units;
}

static size_t line_start(const char *text, size_t len, uint32_t line)
{
    size_t off = 0;
    for (uint32_t l = 0; l < line; l++) {
        while (off < len && text[off] != '\n')
            off++;
        if (off == len)
            return len;
        off++;
    }
    return off;
}

/* The end of the line starting at start, its "\r\n" or "\n" left out. */
static size_t line_end(const char *text, size_t len, size_t start)
{
    size_t off = start;
    while (off < len && text[off] != '\n')
        off++;
    if (off > start && off < len && text[off - 1] == '\r')
        off--;
    return off;
}

size_t lsp_text_offset(const char *text, size_t len, uint32_t line, uint32_t character)
{
    size_t off = line_start(text, len, line);
    size_t end = line_end(text, len, off);
    uint32_t units = 0;
    while (off < end && units < character) {
        uint32_t u;
        size_t n = seq_len((const unsigned char *)text + off, end - off, &u);
        if (units + u > character)
            break; /* inside a surrogate pair: the code point's start */
        units += u;
        off += n;
    }
    return off;
}

void lsp_text_position(const char *text, size_t len, size_t off, uint32_t *line, uint32_t *character)
{
    if (off > len)
        off = len;
    uint32_t l = 0;
    size_t start = 0;
    for (size_t i = 0; i < off; i++)
        if (text[i] == '\n') {
            l++;
            start = i + 1;
        }
    *line = l;
    *character = lsp_text_utf16_len(text + start, off - start);
}

size_t lsp_text_offset_of_linecol(const char *text, size_t len, uint32_t line, uint32_t col)
{
    size_t off = line_start(text, len, line ? line - 1 : 0);
    size_t end = line_end(text, len, off);
    size_t want = off + (col ? col - 1 : 0);
    return want < end ? want : end;
}

char *lsp_text_utf8_clean(char *s)
{
    size_t n = strlen(s);
    for (size_t i = 0; i < n;) {
        unsigned char c = (unsigned char)s[i];
        uint32_t u;
        size_t k = seq_len((const unsigned char *)s + i, n - i, &u);
        /* seq_len says 1 for a lone continuation or a cut sequence; it
         * accepts overlong forms and surrogates, which jansson refuses */
        int ok = k > 1 || c < 0x80;
        if (k == 2 && c < 0xC2)
            ok = 0;
        if (k == 3 && ((c == 0xE0 && (unsigned char)s[i + 1] < 0xA0) || (c == 0xED && (unsigned char)s[i + 1] >= 0xA0)))
            ok = 0;
        if (k == 4 && (c > 0xF4 || (c == 0xF0 && (unsigned char)s[i + 1] < 0x90) || (c == 0xF4 && (unsigned char)s[i + 1] >= 0x90)))
            ok = 0;
        if (!ok) {
            for (size_t j = 0; j < k; j++)
                s[i + j] = '?';
        }
        i += k;
    }
    return s;
}
