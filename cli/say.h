/*
 * say.h: how the command line prints its own messages. A message quotes
 * what it did not write itself: an argument, a file name, a pack's string,
 * a fact. Those are data, never layout (docs/robustness.md, "Output
 * escaping"): every %s argument goes through vouch_text_chars, so an ESC
 * sequence or a newline in a file name stays visible text on one line and
 * cannot clear the terminal or forge a `FAIL` line. The format itself is
 * written as it is (its own newlines are the message's layout).
 *
 * Conversions: %s (escaped; NULL writes nothing), %c, %d %i %u %x %o with
 * the length modifiers l, ll and z, %f %g %e, and %%; flags, width and
 * precision as printf takes them, `*` included (%.*s cuts the argument
 * before escaping it). Any other conversion is written as it is, taking no
 * argument.
 */
#ifndef VOUCH_CLI_SAY_H
#define VOUCH_CLI_SAY_H

#include <stdarg.h>
#include <stdio.h>

#if defined(__GNUC__)
#define CLI_SAY_FORMAT(f, a) __attribute__((format(printf, f, a)))
#else
#define CLI_SAY_FORMAT(f, a)
#endif

/* fprintf(out, fmt, ...) with every %s argument escaped for a terminal. */
void cli_say(FILE *out, const char *fmt, ...) CLI_SAY_FORMAT(2, 3);
void cli_vsay(FILE *out, const char *fmt, va_list ap);

#endif
