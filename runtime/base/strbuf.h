/*
 * strbuf.h: the one growable buffer of vouch, for text and bytes alike:
 * the store's SQL and CREATE statements, SoA cells, the .vbc writer,
 * `vouch fmt`, the details of `vouch test`. After a failed allocation (or
 * a size that would overflow) it keeps what it had and remembers the
 * failure in `oom`, so callers check once at the end. p is NUL-terminated
 * once anything was added. Memory comes from alloc.h; the owner frees p
 * with vouch_free.
 */
#ifndef VOUCH_STRBUF_H
#define VOUCH_STRBUF_H

#include <stddef.h>

typedef struct sbuf {
    char *p;                 /* NUL-terminated once anything was added */
    size_t n, cap;
    int oom;
} sbuf;

void sb_add(sbuf *b, const void *s, size_t n);
void sb_str(sbuf *b, const char *s);
/* printf into the buffer (a format error adds nothing). */
void sb_printf(sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For a message that lists names in a fixed buffer (what a fact model
 * declares, what a value map maps): appends item to the NUL-terminated
 * list in buf (size bytes), after ", " unless the list is empty, between
 * quote characters when quote is not 0. An item that does not fit is cut,
 * never written past buf. 0 once the list is full: the caller stops. */
int sb_list_add(char *buf, size_t size, const char *item, char quote);

#endif
