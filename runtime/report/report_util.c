/*
 * report_util.c: what the report writers share (report_util.h).
 */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "report_util.h"
#include "digest.h"
#include "alloc.h"
#include "date.h"

void vouch_report_totals_of(const vouch_report *r, vouch_report_totals *t)
{
    const vouch_program *p = r->program;
    const vouch_results *res = r->results;
    memset(t, 0, sizeof *t);
    for (uint32_t i = 0; i < res->nfindings; i++) {
        const vouch_finding *f = &res->findings[i];
        uint32_t sev = f->rule < p->nrules ? p->rules[f->rule].severity : 0;
        if (sev >= SEV__COUNT)
            sev = 0;
        if (f->status == OUTCOME_FAIL)
            t->failing_by_sev[sev]++;
        else if (f->status == OUTCOME_WAIVED)
            t->waived_by_sev[sev]++;
        else if (f->status == OUTCOME_NA)
            t->na_by_sev[sev]++;
    }
    for (uint32_t i = 0; i < p->nrules && i < res->nrules; i++) {
        t->passed += res->rules[i].passed;
        t->failed += res->rules[i].failed;
        t->waived += res->rules[i].waived;
        t->not_applicable += res->rules[i].not_applicable;
        t->stale += res->rules[i].stale;
        t->errors += res->rules[i].errored != 0;
        t->skipped += p->rules[i].skipped != 0;
    }
}

void vouch_control_chars(FILE *out, const vouch_program *p, vouch_control_ref c,
                         void (*chars)(FILE *, const char *))
{
    if (!vouch_control_ref_valid(p, c)) {
        fputc('?', out);
        return;
    }
    chars(out, p->frameworks[c.framework].id);
    fputc('/', out);
    chars(out, p->frameworks[c.framework].controls[c.control].id);
}

void vouch_json_member(FILE *out, const char *key, const char *value)
{
    fputs(", \"", out);
    fputs(key, out);
    fputs("\": ", out);
    vouch_json_text(out, value);
}

void vouch_report_rule_records(const vouch_results *res, uint32_t rule, uint32_t *pos, uint32_t *lo,
                               uint32_t *hi)
{
    uint32_t f = *pos;
    if (f > res->nfindings || (f > 0 && res->findings[f - 1].rule >= rule))
        f = 0; /* not walking forwards: start over */
    while (f < res->nfindings && res->findings[f].rule < rule)
        f++;
    *lo = f;
    while (f < res->nfindings && res->findings[f].rule == rule)
        f++;
    *hi = f;
    *pos = f;
}

/* ---- identities ---------------------------------------------------------------- */

static void hash_parts(unsigned char d[VOUCH_SHA256_BYTES], const char *const *parts, size_t n)
{
    vouch_sha256_ctx c;
    vouch_sha256_begin(&c);
    for (size_t i = 0; i < n; i++) {
        const char *s = parts[i] ? parts[i] : "";
        vouch_sha256_add(&c, s, strlen(s) + 1); /* with the NUL: parts stay apart */
    }
    vouch_sha256_end(&c, d);
}

/* The namespace of vouch's name-based UUIDs: efd780bb-fa7f-5d74-bd57-c191802ec763,
 * the version 5 UUID of the URL "urn:vouch:uuid" in RFC 9562's URL
 * namespace (6ba7b811-9dad-11d1-80b4-00c04fd430c8). */
static const unsigned char UUID_NS[16] = {0xef, 0xd7, 0x80, 0xbb, 0xfa, 0x7f, 0x5d, 0x74,
                                          0xbd, 0x57, 0xc1, 0x91, 0x80, 0x2e, 0xc7, 0x63};

void vouch_uuid_from(char out[37], const char *const *parts, size_t n)
{
    /* the name: the parts, each with its NUL, as hash_parts reads them */
    unsigned char name[2048];
    size_t k = 0;
    int fits = 1;
    for (size_t i = 0; i < n && fits; i++) {
        const char *s = parts[i] ? parts[i] : "";
        size_t len = strlen(s) + 1;
        fits = k + len <= sizeof name;
        if (fits) {
            memcpy(name + k, s, len);
            k += len;
        }
    }
    if (!fits) {
        /* a longer name goes in as its SHA-256 (a finding's message may
         * be long); the UUID still depends on every byte */
        hash_parts(name, parts, n);
        k = VOUCH_SHA256_BYTES;
    }
    vouch_uuid_v5(UUID_NS, name, k, out);
}

void vouch_hash_hex(char out[33], const char *const *parts, size_t n)
{
    unsigned char d[VOUCH_SHA256_BYTES];
    hash_parts(d, parts, n);
    vouch_hex(d, 16, out);
}

/* ---- places and times ---------------------------------------------------------- */

static void uri_bytes(FILE *out, const char *s)
{
    static const char hex[] = "0123456789ABCDEF";
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        unsigned c = *p;
        if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
            c == '.' || c == '_' || c == '~' || c == '/')
            fputc((int)c, out);
        else
            fprintf(out, "%%%c%c", hex[c >> 4], hex[c & 15]);
    }
}

/* 1 if the relative path s climbs out of where it starts ("..", "../x",
 * "x/../../y"): relative to the working directory it would point outside
 * the repository root, which SARIF consumers refuse. */
static int climbs(const char *s)
{
    for (const char *p = s; *p;) {
        if (p[0] == '.' && p[1] == '.' && (p[2] == '/' || p[2] == 0))
            return 1;
        const char *slash = strchr(p, '/');
        if (!slash)
            break;
        p = slash + 1;
    }
    return 0;
}

int vouch_json_uri(FILE *out, const char *path)
{
    const char *s = path ? path : "";
    /* A path with ".." is resolved first: what it names may still lie
     * under the working directory, and if not it becomes a file:// URI
     * without dot-dot segments. */
    char real[PATH_MAX];
    if (s[0] != '/' && climbs(s) && realpath(s, real))
        s = real;
    fputc('"', out);
    if (s[0] == '/') {
        char cwd[PATH_MAX];
        size_t n;
        if (getcwd(cwd, sizeof cwd) && (n = strlen(cwd)) > 1 && strncmp(s, cwd, n) == 0 && s[n] == '/') {
            uri_bytes(out, s + n + 1);
            fputc('"', out);
            return 1;
        }
        fputs("file://", out);
        uri_bytes(out, s);
        fputc('"', out);
        return 0;
    }
    while (s[0] == '.' && s[1] == '/')
        s += 2;
    uri_bytes(out, s);
    fputc('"', out);
    return 1;
}

void vouch_datetime(int64_t d, int hh, int mm, int ss, char out[32])
{
    char day[11];
    date_format(d, day);
    snprintf(out, 32, "%sT%02d:%02d:%02dZ", day, hh, mm, ss);
}
