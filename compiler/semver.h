/*
 * semver.h: semantic versions (semver.org 2.0.0) and the ranges an
 * `import ... version "RANGE"` pins (docs/language.md, "Pack versions").
 *
 * A version is MAJOR[.MINOR[.PATCH]][-PRERELEASE][+BUILD]: numbers without
 * leading zeros; a missing MINOR or PATCH reads as 0 ("1" is 1.0.0, as the
 * packs of the tests write it). Build metadata is ignored in comparisons.
 *
 * A range is one or more comparators separated by spaces or commas, all of
 * which must hold: `1.2.3` or `=1.2.3` (exact; a partial `1.2` is 1.2.x),
 * `^1.2.3` (compatible: same major, or same minor below 1.0.0), `~1.2.3`
 * (same minor), `>=`, `>`, `<=`, `<` a version, and `*` (any).
 */
#ifndef VOUCH_SEMVER_H
#define VOUCH_SEMVER_H

#include <stddef.h>

typedef struct semver {
    long major, minor, patch;
    int parts;               /* how many numbers were written (1 to 3) */
    const char *pre;         /* the prerelease, or NULL (points into the text) */
    size_t pre_len;
} semver;

/* Parses text[0..n) as a version. 0 and *v filled, or -1 with *why set to
 * what is wrong (a static string). */
int semver_parse(const char *text, size_t n, semver *v, const char **why);
/* <0, 0, >0 as a orders before, with or after b. */
int semver_compare(const semver *a, const semver *b);
/* 1 if v satisfies range, 0 if not, -1 if range is not a range (*why set). */
int semver_satisfies(const char *range, size_t n, const semver *v, const char **why);

#endif
