/*
 * escape.h: how text from packs, stores and programs is written into every
 * output, in one place (docs/robustness.md, "Output escaping"). A value is
 * data, never layout: whatever bytes a fact holds, it cannot end a line or
 * a record, start a formula, move the cursor, reverse the text around it or
 * make a document invalid. Each writer calls the function for its format:
 *
 *   text      vouch_text_chars     terminals and logs: the text report,
 *                                  explain, coverage, error messages
 *   TSV       vouch_tsv_chars      one record per line, backslash escapes
 *   JSON      vouch_json_text      valid UTF-8 always (SARIF, OSCAL too)
 *   XML/HTML  vouch_xml_text       JUnit and both HTML pages
 *   Markdown  vouch_md_text        the Markdown report and SoA
 *   CSV       vouch_csv_cell       the SoA's CSV
 *
 * Shared rules: bytes that are not UTF-8 never pass (U+FFFD, or a visible
 * \xHH in text and TSV); control characters (C0, DEL, C1) never pass raw;
 * the bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 * U+2066..U+2069) are shown as a visible `\u202E` in the formats people
 * read (text, Markdown, HTML), escaped in JSON, so they cannot reorder the
 * text around them. Each function is idempotent on its own output where it
 * matters (escaping an escaped error message again changes nothing): the
 * text escapes leave the backslash alone.
 *
 * No allocation; NULL is written as nothing (as "" in JSON strings).
 */
#ifndef VOUCH_ESCAPE_H
#define VOUCH_ESCAPE_H

#include <stddef.h>
#include <stdio.h>

/* Length of the valid UTF-8 sequence at s (1..4), or 0 if s does not start
 * one (also for the surrogates, U+FFFE/U+FFFF and the NUL). */
size_t vouch_utf8_len(const unsigned char *s);

/* 1 if the n-byte sequence at s (valid UTF-8) is a character no output
 * writes raw: a C1 control or a bidirectional control. */
int vouch_utf8_hidden(const unsigned char *s, size_t n);

/* s for a terminal: \n \r \t as those two characters, other control
 * characters and bytes that are not UTF-8 as \xHH, C1 and bidirectional
 * controls as \uXXXX; everything else (the backslash too) as it is. */
void vouch_text_chars(FILE *out, const char *s);
/* The same into buf (cap bytes, at least 1), cut on a whole escape; returns
 * the length written. buf and s may not overlap. */
size_t vouch_text_escape(char *buf, size_t cap, const char *s);
/* vouch_text_escape of buf into itself (through a copy), for messages
 * formatted in place; the result is cut to cap. */
void vouch_text_escape_inplace(char *buf, size_t cap);

/* s as one TSV field: backslash, tab, newline and CR as \\ \t \n \r, other
 * C0 controls, DEL and bytes that are not UTF-8 as \xHH, C1 controls as
 * \uXXXX; everything else, bidirectional controls included, as it is (TSV
 * is data, read back by programs: unescaping gives the value). */
void vouch_tsv_chars(FILE *out, const char *s);

/* s as a JSON string, quotes included ("" for NULL): " \ and control
 * characters escaped, C1 and bidirectional controls as \uXXXX, bytes that
 * are not UTF-8 as U+FFFD. */
void vouch_json_text(FILE *out, const char *s);
/* The same without the quotes, to build one string from pieces. */
void vouch_json_chars(FILE *out, const char *s);

/* s as XML character data or attribute value (also HTML): & < > " '
 * escaped, tab/newline/CR as character references, other control
 * characters and invalid UTF-8 as U+FFFD (XML 1.0 forbids them),
 * bidirectional controls as the visible text \uXXXX. At most max bytes of
 * s (0: all), cut on a character boundary, "…" appended when cut. */
void vouch_xml_text(FILE *out, const char *s, size_t max);

/* s as Markdown inline text (a table cell or a heading): Markdown
 * punctuation backslash-escaped (an underscore inside a word left alone),
 * < > & as entities, line breaks and other control characters as a space,
 * invalid UTF-8 as U+FFFD, bidirectional controls as the visible \uXXXX.
 * At most max bytes of s (0: all), "…" appended when cut. */
void vouch_md_text(FILE *out, const char *s, size_t max);

/* s as one CSV field (RFC 4180): quoted when it holds , " CR or LF, with
 * " doubled. A field that starts with = + - @ tab or CR is prefixed with a
 * single quote first, so a spreadsheet shows it as text instead of running
 * it as a formula (OWASP's advice on CSV injection). */
void vouch_csv_cell(FILE *out, const char *s);

#endif
