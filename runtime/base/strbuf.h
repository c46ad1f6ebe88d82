/*
 * strbuf.h: a growable text, shared by the runtime's writers (SQL text,
 * CREATE statements, SoA cells). After a failed allocation it keeps what it
 * had and remembers the failure in `oom`, so callers check once at the end.
 * Memory comes from runtime/alloc.h; the owner frees p with vouch_free.
 */
#ifndef VOUCH_STRBUF_H
#define VOUCH_STRBUF_H

#include <stddef.h>

typedef struct sbuf {
    char *p;                 /* NUL-terminated once anything was added */
    size_t n, cap;
    int oom;
} sbuf;

void sb_add(sbuf *b, const char *s, size_t n);
void sb_str(sbuf *b, const char *s);

#endif
