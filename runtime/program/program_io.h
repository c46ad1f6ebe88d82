/*
 * program_io.h: precompiled programs (.vbc files), written by
 * `vouch compile -o pack.vbc` and run by `vouch check ... pack.vbc`.
 *
 * A .vbc file is a header and a payload:
 *
 *   offset  size  what
 *        0     8  magic "\x7fVBC\r\n\x1a\n" (a 0x7F first byte, which no
 *                 source file starts with; CR LF and ^Z catch text-mode
 *                 mangling, as PNG's signature does)
 *        8     4  file layout revision (VOUCH_VBC_FORMAT)
 *       12     4  program version (VOUCH_PROGRAM_VERSION, program.h)
 *       16     4  payload length in bytes
 *       20     4  CRC-32 (IEEE) of bytes 0..19 and of the payload
 *       24     -  payload: the program's fields in a fixed order
 *
 * All integers are little-endian. A string is its length (u32) and its
 * bytes; the payload order is in program_io.c. A file is accepted only if
 * every check passes, in this order: magic, layout, program version,
 * length, checksum, then the decoding itself (every count bounded by the
 * bytes left and by vouch_limits.h, every enum-like byte in range, nothing
 * left over), then vouch_verify. So a damaged or hand-made file is an
 * error that says which check failed, never a crash.
 *
 * Ownership: vouch_program_write_buf returns a buffer the caller frees with
 * vouch_free; vouch_program_read returns a program the caller frees with
 * vouch_program_free.
 */
#ifndef VOUCH_PROGRAM_IO_H
#define VOUCH_PROGRAM_IO_H

#include <stddef.h>
#include <stdint.h>
#include "program.h"
#include "error.h"

#define VOUCH_VBC_MAGIC "\x7f" "VBC\r\n\x1a\n"
#define VOUCH_VBC_MAGIC_LEN 8
#define VOUCH_VBC_HEADER_LEN 24
#define VOUCH_VBC_FORMAT 1

/* vouch_program_read flags. */
enum {
    /* Skip the checksum (fuzzing only: lets mutations reach the decoder
     * and the verifier instead of stopping at the CRC). */
    VOUCH_VBC_NO_CHECKSUM = 1
};

/* 1 if buf starts with the .vbc magic (len may be short). */
int vouch_program_is_vbc(const void *buf, size_t len);

/* Serialises p into a new buffer (*out, *len), freed with vouch_free.
 * VOUCH_ENOMEM if out of memory; VOUCH_EINPUT if p has a NULL where a
 * string or list must be. */
vouch_status vouch_program_write_buf(const vouch_program *p, unsigned char **out, size_t *len,
                                     vouch_error *err);

/* Decodes buf[0..len) and verifies the result (vouch_verify). On success
 * *out is a program ready to run. Errors are VOUCH_EINPUT ("program file:
 * ...") or VOUCH_ENOMEM; *out is then NULL. */
vouch_status vouch_program_read(const void *buf, size_t len, unsigned flags, vouch_program **out,
                                vouch_error *err);

/* CRC-32 (IEEE 802.3, reflected, as zlib's crc32) of buf[0..len), continuing
 * from crc (0 to start). */
uint32_t vouch_crc32(uint32_t crc, const void *buf, size_t len);

#endif
