/*
 * report_util.c: what the report writers share (report_util.h).
 */
#include <errno.h>
#include <limits.h>
#include <string.h>
#include <unistd.h>
#include "report_util.h"
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
        t->errors += res->rules[i].errored != 0;
        t->skipped += p->rules[i].skipped != 0;
    }
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

/* ---- SHA-256 (FIPS 180-4) ------------------------------------------------------ */

static const uint32_t K256[64] = {
    0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
    0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
    0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
    0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
    0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
    0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
    0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
    0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
};

#define ROR(x, n) (((x) >> (n)) | ((x) << (32 - (n))))

static void sha256_block(vouch_sha256 *c, const uint8_t *b)
{
    uint32_t w[64];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)b[4 * i] << 24 | (uint32_t)b[4 * i + 1] << 16 | (uint32_t)b[4 * i + 2] << 8 | b[4 * i + 3];
    for (int i = 16; i < 64; i++) {
        uint32_t s0 = ROR(w[i - 15], 7) ^ ROR(w[i - 15], 18) ^ (w[i - 15] >> 3);
        uint32_t s1 = ROR(w[i - 2], 17) ^ ROR(w[i - 2], 19) ^ (w[i - 2] >> 10);
        w[i] = w[i - 16] + s0 + w[i - 7] + s1;
    }
    uint32_t a = c->h[0], bb = c->h[1], cc = c->h[2], d = c->h[3], e = c->h[4], f = c->h[5], g = c->h[6],
             h = c->h[7];
    for (int i = 0; i < 64; i++) {
        uint32_t s1 = ROR(e, 6) ^ ROR(e, 11) ^ ROR(e, 25);
        uint32_t ch = (e & f) ^ (~e & g);
        uint32_t t1 = h + s1 + ch + K256[i] + w[i];
        uint32_t s0 = ROR(a, 2) ^ ROR(a, 13) ^ ROR(a, 22);
        uint32_t maj = (a & bb) ^ (a & cc) ^ (bb & cc);
        uint32_t t2 = s0 + maj;
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = cc;
        cc = bb;
        bb = a;
        a = t1 + t2;
    }
    c->h[0] += a;
    c->h[1] += bb;
    c->h[2] += cc;
    c->h[3] += d;
    c->h[4] += e;
    c->h[5] += f;
    c->h[6] += g;
    c->h[7] += h;
}

void vouch_sha256_init(vouch_sha256 *c)
{
    static const uint32_t H0[8] = {0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a,
                                   0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19};
    memcpy(c->h, H0, sizeof H0);
    c->len = 0;
    c->nbuf = 0;
}

void vouch_sha256_update(vouch_sha256 *c, const void *data, size_t n)
{
    const uint8_t *p = data;
    c->len += n;
    while (n > 0) {
        size_t take = 64 - c->nbuf;
        if (take > n)
            take = n;
        memcpy(c->buf + c->nbuf, p, take);
        c->nbuf += (uint32_t)take;
        p += take;
        n -= take;
        if (c->nbuf == 64) {
            sha256_block(c, c->buf);
            c->nbuf = 0;
        }
    }
}

void vouch_sha256_final(vouch_sha256 *c, uint8_t out[32])
{
    uint64_t bits = c->len * 8;
    uint8_t pad = 0x80;
    vouch_sha256_update(c, &pad, 1);
    uint8_t zero = 0;
    while (c->nbuf != 56)
        vouch_sha256_update(c, &zero, 1);
    uint8_t lenb[8];
    for (int i = 0; i < 8; i++)
        lenb[i] = (uint8_t)(bits >> (56 - 8 * i));
    vouch_sha256_update(c, lenb, 8);
    for (int i = 0; i < 8; i++) {
        out[4 * i] = (uint8_t)(c->h[i] >> 24);
        out[4 * i + 1] = (uint8_t)(c->h[i] >> 16);
        out[4 * i + 2] = (uint8_t)(c->h[i] >> 8);
        out[4 * i + 3] = (uint8_t)c->h[i];
    }
}

static void hash_parts(uint8_t d[32], const char *const *parts, size_t n)
{
    vouch_sha256 c;
    vouch_sha256_init(&c);
    for (size_t i = 0; i < n; i++) {
        const char *s = parts[i] ? parts[i] : "";
        vouch_sha256_update(&c, s, strlen(s) + 1); /* with the NUL: parts stay apart */
    }
    vouch_sha256_final(&c, d);
}

void vouch_uuid_from(char out[37], const char *const *parts, size_t n)
{
    uint8_t d[32];
    hash_parts(d, parts, n);
    d[6] = (uint8_t)((d[6] & 0x0f) | 0x40);
    d[8] = (uint8_t)((d[8] & 0x3f) | 0x80);
    static const char hex[] = "0123456789abcdef";
    size_t k = 0;
    for (int i = 0; i < 16; i++) {
        if (i == 4 || i == 6 || i == 8 || i == 10)
            out[k++] = '-';
        out[k++] = hex[d[i] >> 4];
        out[k++] = hex[d[i] & 15];
    }
    out[k] = 0;
}

void vouch_hash_hex(char out[33], const char *const *parts, size_t n)
{
    uint8_t d[32];
    hash_parts(d, parts, n);
    static const char hex[] = "0123456789abcdef";
    for (int i = 0; i < 16; i++) {
        out[2 * i] = hex[d[i] >> 4];
        out[2 * i + 1] = hex[d[i] & 15];
    }
    out[32] = 0;
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

int vouch_json_uri(FILE *out, const char *path)
{
    const char *s = path ? path : "";
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
