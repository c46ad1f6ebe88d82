/*
 * builtins.h: the C side of runtime/program/builtins.def.
 */
#ifndef VOUCH_BUILTINS_H
#define VOUCH_BUILTINS_H

#include <stdint.h>
#include "value.h"

typedef enum vouch_builtin_id {
#define BUILTIN(cname, name, sig, doc) BI_##cname,
#include "builtins.def"
#undef BUILTIN
    BI__COUNT
} vouch_builtin_id;

/* Space for texts a builtin makes; the VM provides it and reclaims it when the
 * running subject ends. Returns NULL when out of memory. */
typedef struct vouch_scratch {
    void *(*alloc)(void *ctx, size_t n);
    void *ctx;
} vouch_scratch;

/* Calls builtin id on argc arguments. Returns 0 and sets *out, or -1 with a
 * message in err (cap bytes) for a runtime error such as a date out of
 * range or no memory. Arguments that are none and not marked '?' in the
 * signature have already been handled by the caller (result none). */
int vouch_builtin_call(uint32_t id, const vouch_value *args, uint32_t argc,
                       vouch_scratch *scratch, vouch_value *out, char *err, size_t cap);

const char *vouch_builtin_name(uint32_t id);       /* NULL if out of range */
const char *vouch_builtin_signature(uint32_t id);  /* NULL if out of range */
const char *vouch_builtin_doc(uint32_t id);
int vouch_builtin_arity(uint32_t id);              /* -1 if out of range */
/* 1 if argument i is marked '?' (receives none itself). */
int vouch_builtin_takes_none(uint32_t id, uint32_t i);

#endif
