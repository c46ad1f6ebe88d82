/*
 * closest.h: "did you mean", in one place for the compiler, the loader and
 * the command line. A misspelt name is matched against the names that
 * exist by edit distance (optimal string alignment: an insertion, a
 * deletion, a substitution or a swap of two neighbours is one edit, so
 * `sao` is one edit from `soa`); the closest within max(1, len/3) edits
 * wins, the first of equals. Names of 64 bytes or more are never offered.
 */
#ifndef VOUCH_CLOSEST_H
#define VOUCH_CLOSEST_H

#include <stddef.h>

enum { VOUCH_CLOSEST_FOLD = 1 };   /* ASCII letters match whatever their case */

/* The name closest to word[0..n), or NULL if none is close enough. Name i
 * is the const char * at (const char *)names + i * stride, so a plain array
 * of names (stride sizeof(char *)) and the name member of an array of
 * structs (stride sizeof the struct) both work; NULL names are skipped. */
const char *vouch_closest(const char *word, size_t n, const void *names, size_t stride, size_t count,
                          unsigned flags);

#endif
