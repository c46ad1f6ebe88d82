/*
 * digest.c: SHA-256, hex and version 5 UUIDs over Nettle (see digest.h).
 * The only file that includes Nettle's headers.
 */
#include <string.h>
#include <nettle/sha1.h>
#include <nettle/sha2.h>
#include "digest.h"

_Static_assert(sizeof(struct sha256_ctx) <= sizeof(((vouch_sha256_ctx *)0)->state),
               "vouch_sha256 must hold Nettle's sha256_ctx");

void vouch_sha256_begin(vouch_sha256_ctx *h) { sha256_init((struct sha256_ctx *)h->state); }

void vouch_sha256_add(vouch_sha256_ctx *h, const void *data, size_t n)
{
    if (n)
        sha256_update((struct sha256_ctx *)h->state, n, data);
}

void vouch_sha256_end(vouch_sha256_ctx *h, unsigned char out[VOUCH_SHA256_BYTES])
{
    sha256_digest((struct sha256_ctx *)h->state, VOUCH_SHA256_BYTES, out);
}

void vouch_sha256_of(const void *data, size_t n, unsigned char out[VOUCH_SHA256_BYTES])
{
    vouch_sha256_ctx h;
    vouch_sha256_begin(&h);
    vouch_sha256_add(&h, data, n);
    vouch_sha256_end(&h, out);
}

void vouch_hex(const unsigned char *bytes, size_t n, char *out)
{
    static const char digits[] = "0123456789abcdef";
    for (size_t i = 0; i < n; i++) {
        out[2 * i] = digits[bytes[i] >> 4];
        out[2 * i + 1] = digits[bytes[i] & 15];
    }
    out[2 * n] = 0;
}

void vouch_uuid_v5(const unsigned char ns[16], const void *name, size_t n, char out[37])
{
    /* RFC 9562 5.5: SHA-1 of the namespace then the name, the first 16
     * bytes, with the version (5) and the variant (10) bits set. */
    struct sha1_ctx c;
    unsigned char h[SHA1_DIGEST_SIZE];
    sha1_init(&c);
    sha1_update(&c, 16, ns);
    if (n)
        sha1_update(&c, n, name);
    sha1_digest(&c, sizeof h, h);
    h[6] = (unsigned char)((h[6] & 0x0f) | 0x50);
    h[8] = (unsigned char)((h[8] & 0x3f) | 0x80);
    char hex[33];
    vouch_hex(h, 16, hex);
    size_t k = 0;
    for (int i = 0; i < 32; i++) {
        if (i == 8 || i == 12 || i == 16 || i == 20)
            out[k++] = '-';
        out[k++] = hex[i];
    }
    out[k] = 0;
}
