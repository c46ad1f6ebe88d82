/*
 * digest.h: the hashes a run's identity is made of (docs/outputs.md, "Run
 * identity"): SHA-256 of pack sources and of the facts as read, and the
 * name-based (version 5) UUIDs of the OSCAL documents.
 *
 * The hashing itself is Nettle's (Debian nettle-dev); only digest.c
 * includes it. Nothing here allocates, so nothing here fails.
 */
#ifndef VOUCH_DIGEST_H
#define VOUCH_DIGEST_H

#include <stddef.h>
#include <stdint.h>

#define VOUCH_SHA256_BYTES 32

/* A SHA-256 in progress. The state is Nettle's struct sha256_ctx, kept
 * opaque here (its size is checked in digest.c). */
typedef struct vouch_sha256_ctx {
    _Alignas(16) unsigned char state[128];
} vouch_sha256_ctx;

void vouch_sha256_begin(vouch_sha256_ctx *h);
void vouch_sha256_add(vouch_sha256_ctx *h, const void *data, size_t n);
/* Finishes h into out; h must be initialised again before another use. */
void vouch_sha256_end(vouch_sha256_ctx *h, unsigned char out[VOUCH_SHA256_BYTES]);
/* The SHA-256 of data[0..n). */
void vouch_sha256_of(const void *data, size_t n, unsigned char out[VOUCH_SHA256_BYTES]);

/* n bytes as 2n lowercase hex digits and a NUL (out: 2n + 1 bytes). */
void vouch_hex(const unsigned char *bytes, size_t n, char *out);

/* The RFC 9562 version 5 UUID of name in the namespace ns (16 bytes),
 * written "xxxxxxxx-xxxx-5xxx-yxxx-xxxxxxxxxxxx" with a NUL (37 bytes). */
void vouch_uuid_v5(const unsigned char ns[16], const void *name, size_t n, char out[37]);

#endif
