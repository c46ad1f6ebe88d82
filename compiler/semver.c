/*
 * semver.c: semantic versions and version ranges (see semver.h).
 *
 * A range is checked one comparator at a time against the version: each
 * caret, tilde or partial comparator is read as the pair of bounds it
 * stands for (^1.2 is >=1.2.0 <2.0.0), so the rest only compares versions.
 */
#include <string.h>
#include "semver.h"

/* A number without a leading zero at p (at most 9 digits, so it fits). */
static int number(const char *p, const char *end, const char **next, long *out)
{
    const char *q = p;
    long v = 0;
    while (q < end && *q >= '0' && *q <= '9' && q - p < 10)
        v = v * 10 + (*q++ - '0');
    if (q == p || q - p > 9 || (*p == '0' && q - p > 1))
        return -1;
    *next = q;
    *out = v;
    return 0;
}

static int ident_char(char ch)
{
    return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || ch == '-' ||
           ch == '.';
}

int semver_parse(const char *text, size_t n, semver *v, const char **why)
{
    const char *p = text, *end = text + n;
    long *parts[3] = {&v->major, &v->minor, &v->patch};
    memset(v, 0, sizeof *v);
    for (int i = 0; i < 3; i++) {
        if (number(p, end, &p, parts[i]) < 0) {
            *why = i == 0 ? "it does not start with a number" : "a part is not a number (or has a leading zero)";
            return -1;
        }
        v->parts = i + 1;
        if (i == 2 || p == end || *p != '.')
            break;
        p++;
    }
    if (p < end && *p == '-') {
        const char *s = ++p;
        while (p < end && ident_char(*p))
            p++;
        if (p == s || p[-1] == '.') {
            *why = "the prerelease after `-` is empty";
            return -1;
        }
        v->pre = s;
        v->pre_len = (size_t)(p - s);
    }
    if (p < end && *p == '+') {
        const char *s = ++p;
        while (p < end && ident_char(*p))
            p++;
        if (p == s) {
            *why = "the build metadata after `+` is empty";
            return -1;
        }
    }
    if (p != end) {
        *why = p < end && *p == '.' ? "a version has at most three numbers" : "it has characters a version cannot";
        return -1;
    }
    return 0;
}

static int all_digits(const char *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (p[i] < '0' || p[i] > '9')
            return 0;
    return 1;
}

/* Compares two prerelease identifiers lists (semver 2.0.0, item 11). */
static int compare_pre(const char *a, size_t an, const char *b, size_t bn)
{
    const char *ae = a + an, *be = b + bn;
    while (a < ae && b < be) {
        const char *ad = memchr(a, '.', (size_t)(ae - a)), *bd = memchr(b, '.', (size_t)(be - b));
        size_t al = (size_t)((ad ? ad : ae) - a), bl = (size_t)((bd ? bd : be) - b);
        int anum = all_digits(a, al), bnum = all_digits(b, bl);
        int c;
        if (anum && bnum)
            c = al != bl ? (al < bl ? -1 : 1) : memcmp(a, b, al);
        else if (anum || bnum)
            c = anum ? -1 : 1;
        else {
            c = memcmp(a, b, al < bl ? al : bl);
            if (c == 0 && al != bl)
                c = al < bl ? -1 : 1;
        }
        if (c)
            return c;
        a += al + (ad ? 1 : 0);
        b += bl + (bd ? 1 : 0);
        if (!ad || !bd)
            return ad ? 1 : bd ? -1 : 0;
    }
    return 0;
}

int semver_compare(const semver *a, const semver *b)
{
    if (a->major != b->major)
        return a->major < b->major ? -1 : 1;
    if (a->minor != b->minor)
        return a->minor < b->minor ? -1 : 1;
    if (a->patch != b->patch)
        return a->patch < b->patch ? -1 : 1;
    if (!a->pre || !b->pre)
        return a->pre ? -1 : b->pre ? 1 : 0;  /* a prerelease comes before its release */
    return compare_pre(a->pre, a->pre_len, b->pre, b->pre_len);
}

/* The lowest version above every version the partial v stands for:
 * 1.2 -> 1.3.0, 1 -> 2.0.0 (an exact 1.2.3 -> itself, with upper_inclusive). */
static semver next_of(const semver *v, int level)
{
    semver u = {0, 0, 0, 3, NULL, 0};
    u.major = v->major + (level == 0);
    u.minor = level >= 1 ? v->minor + (level == 1) : 0;
    u.patch = level == 2 ? v->patch + 1 : 0;
    return u;
}

/* Does v satisfy one comparator op+w? */
static int one(const char *op, size_t oplen, const semver *w, const semver *v)
{
    int lo = semver_compare(v, w);
    if (oplen == 2 && op[0] == '>' && op[1] == '=')
        return lo >= 0;
    if (oplen == 2 && op[0] == '<' && op[1] == '=')
        return lo <= 0;
    if (oplen == 1 && op[0] == '>')
        return lo > 0;
    if (oplen == 1 && op[0] == '<')
        return lo < 0;
    /* The remaining forms are intervals [w, upper). */
    int level;
    if (oplen == 1 && op[0] == '^')
        /* the leftmost non-zero number written is kept */
        level = w->major != 0 || w->parts == 1 ? 0 : w->minor != 0 || w->parts == 2 ? 1 : 2;
    else if (oplen == 1 && op[0] == '~')
        level = w->parts == 1 ? 0 : 1;
    else if (w->parts == 3)  /* exact */
        return lo == 0;
    else
        level = w->parts - 1;
    semver up = next_of(w, level);
    return lo >= 0 && semver_compare(v, &up) < 0;
}

int semver_satisfies(const char *range, size_t n, const semver *v, const char **why)
{
    const char *p = range, *end = range + n;
    int ok = 1, seen = 0;
    while (p < end) {
        if (*p == ' ' || *p == ',') {
            p++;
            continue;
        }
        const char *op = p;
        while (p < end && strchr("<>=^~", *p) && p - op < 2)
            p++;
        size_t oplen = (size_t)(p - op);
        if (oplen == 1 && *op == '=')
            oplen = 0;
        if (oplen == 2 && !(op[1] == '=' && (op[0] == '<' || op[0] == '>'))) {
            *why = "the operators are =, ^, ~, >=, >, <=, <";
            return -1;
        }
        const char *s = p;
        while (p < end && *p != ' ' && *p != ',')
            p++;
        if (oplen == 0 && p - s == 1 && *s == '*') {
            seen = 1;
            continue;
        }
        semver w;
        if (semver_parse(s, (size_t)(p - s), &w, why) < 0)
            return -1;
        if (!one(op, oplen, &w, v))
            ok = 0;
        seen = 1;
    }
    if (!seen) {
        *why = "the range is empty";
        return -1;
    }
    return ok;
}
