/*
 * lsp_text.h: positions in a document's text, between the compiler's byte
 * offsets and the protocol's (line, character), where both count from 0
 * and a character is a UTF-16 code unit: a code point above U+FFFF counts
 * two, every other one. Bytes that are not UTF-8 count one each, so any
 * text has positions. Lines end at "\n" (a "\r" before it is part of the
 * line, as the protocol's clients count it for "\r\n" files too only up
 * to the "\r": a position past the line's end is clamped to it).
 */
#ifndef VOUCH_CLI_LSP_TEXT_H
#define VOUCH_CLI_LSP_TEXT_H

#include <stddef.h>
#include <stdint.h>

/* The byte offset of (line, character) in text[0..len): clamped to the end
 * of its line (without "\r\n") and of the text. */
size_t lsp_text_offset(const char *text, size_t len, uint32_t line, uint32_t character);

/* The (line, character) of byte offset off (clamped to len). */
void lsp_text_position(const char *text, size_t len, size_t off, uint32_t *line, uint32_t *character);

/* The UTF-16 length of the bytes s[0..n). */
uint32_t lsp_text_utf16_len(const char *s, size_t n);

/* The byte offset of (line, byte column col), both 1-based as the
 * compiler counts them; clamped like lsp_text_offset. */
size_t lsp_text_offset_of_linecol(const char *text, size_t len, uint32_t line, uint32_t col);

/* Replaces each byte of s that is not part of valid UTF-8 by '?', in
 * place: JSON strings must be UTF-8, and messages and summaries quote
 * source text, which need not be. Returns s. */
char *lsp_text_utf8_clean(char *s);

#endif
