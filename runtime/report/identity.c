/*
 * identity.c: a run's identity (identity.h). The digests are SHA-256 over
 * NUL-separated parts, each led by a tag naming what it is, so no two
 * different identities hash the same parts:
 *   facts = H("vouch-facts-set-1", then per table by name: name, digest)
 *   run   = H("vouch-run-1", version, per source: name, digest,
 *             facts, as-of, period start, period end)
 */
#include <stdlib.h>
#include <string.h>
#include "identity.h"
#include "alloc.h"
#include "date.h"
#include "report.h"
#include "report_util.h"

vouch_status vouch_identity_add_source(vouch_identity *id, const char *name, const void *bytes,
                                       size_t n, vouch_error *err)
{
    if (id->nsources == id->capsources) {
        uint32_t cap = id->capsources ? id->capsources * 2 : 8;
        vouch_identity_source *s = vouch_realloc(id->sources, cap * sizeof *s);
        if (!s)
            return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
        id->sources = s;
        id->capsources = cap;
    }
    vouch_identity_source *s = &id->sources[id->nsources];
    if (!(s->name = vouch_strdup(name)))
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    vouch_sha256_of(bytes, n, s->sha256);
    id->nsources++;
    return VOUCH_OK;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(((const vouch_identity_table *)a)->name, ((const vouch_identity_table *)b)->name);
}

vouch_status vouch_identity_add_facts(vouch_identity *id, const vouch_program *p,
                                      const vouch_facts *f, vouch_error *err)
{
    /* Merged by name with the tables already taken: a command that reads
     * the store through more than one program (the SoA's reader, then the
     * packs) names every table it read once, as last read. */
    vouch_identity_table *all = vouch_calloc((size_t)id->ntables + p->ntables + 1, sizeof *all);
    if (!all)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    if (id->ntables)
        memcpy(all, id->tables, id->ntables * sizeof *all);
    uint32_t n = id->ntables;
    for (uint32_t t = 0; t < p->ntables; t++) {
        vouch_identity_table it;
        int recorded;
        if (vouch_facts_table_digest(f, t, it.sha256, &it.rows, &recorded) != 0)
            continue;   /* not read */
        it.name = p->tables[t].name;
        uint32_t k = 0;
        while (k < n && strcmp(all[k].name, it.name) != 0)
            k++;
        all[k] = it;
        n += k == n;
    }
    vouch_free(id->tables);
    id->tables = all;
    id->ntables = n;
    qsort(id->tables, id->ntables, sizeof *id->tables, by_name);
    return VOUCH_OK;
}

static void part(vouch_sha256_ctx *h, const void *s, size_t n)
{
    vouch_sha256_add(h, s, n);
    vouch_sha256_add(h, "", 1);
}

static void part_str(vouch_sha256_ctx *h, const char *s) { part(h, s, strlen(s)); }

void vouch_identity_finish(vouch_identity *id, int64_t as_of, int64_t period_start,
                           int64_t period_end)
{
    vouch_sha256_ctx h;
    vouch_sha256_begin(&h);
    part_str(&h, "vouch-facts-set-1");
    for (uint32_t i = 0; i < id->ntables; i++) {
        part_str(&h, id->tables[i].name);
        part(&h, id->tables[i].sha256, VOUCH_SHA256_BYTES);
    }
    vouch_sha256_end(&h, id->facts);

    char d[3][11];
    date_format(as_of, d[0]);
    date_format(period_start, d[1]);
    date_format(period_end, d[2]);
    vouch_sha256_begin(&h);
    part_str(&h, "vouch-run-1");
    part_str(&h, VOUCH_VERSION);
    for (uint32_t i = 0; i < id->nsources; i++) {
        part_str(&h, id->sources[i].name);
        part(&h, id->sources[i].sha256, VOUCH_SHA256_BYTES);
    }
    part(&h, id->facts, VOUCH_SHA256_BYTES);
    for (int i = 0; i < 3; i++)
        part_str(&h, d[i]);
    vouch_sha256_end(&h, id->run);
    id->finished = 1;
}

void vouch_identity_free(vouch_identity *id)
{
    for (uint32_t i = 0; i < id->nsources; i++)
        vouch_free(id->sources[i].name);
    vouch_free(id->sources);
    vouch_free(id->tables);
    memset(id, 0, sizeof *id);
}

void vouch_identity_hex(const unsigned char d[VOUCH_SHA256_BYTES], char out[65])
{
    vouch_hex(d, VOUCH_SHA256_BYTES, out);
}

void vouch_identity_text(const vouch_identity *id, FILE *out)
{
    char run[65], facts[65];
    vouch_identity_hex(id->run, run);
    vouch_identity_hex(id->facts, facts);
    fprintf(out, "identity: run %s; facts %s (%u table%s); vouch %s\n", run, facts, id->ntables,
            id->ntables == 1 ? "" : "s", VOUCH_VERSION);
}

void vouch_identity_xml_properties(const vouch_identity *id, FILE *out)
{
    char hex[65];
    vouch_identity_hex(id->run, hex);
    fprintf(out, "      <property name=\"run-sha256\" value=\"%s\"/>\n", hex);
    vouch_identity_hex(id->facts, hex);
    fprintf(out, "      <property name=\"facts-sha256\" value=\"%s\"/>\n", hex);
    for (uint32_t i = 0; i < id->nsources; i++) {
        vouch_identity_hex(id->sources[i].sha256, hex);
        fprintf(out, "      <property name=\"source-sha256\" value=\"%s ", hex);
        vouch_xml_text(out, id->sources[i].name, 0);
        fputs("\"/>\n", out);
    }
    for (uint32_t i = 0; i < id->ntables; i++) {
        vouch_identity_hex(id->tables[i].sha256, hex);
        fprintf(out, "      <property name=\"table-sha256\" value=\"%s ", hex);
        vouch_xml_text(out, id->tables[i].name, 0);
        fprintf(out, " (%llu rows)\"/>\n", (unsigned long long)id->tables[i].rows);
    }
}

void vouch_identity_json(const vouch_identity *id, FILE *out)
{
    char hex[65];
    vouch_identity_hex(id->run, hex);
    fprintf(out, "{\"run\": \"%s\", \"vouch\": \"%s\", \"sources\": [", hex, VOUCH_VERSION);
    for (uint32_t i = 0; i < id->nsources; i++) {
        vouch_identity_hex(id->sources[i].sha256, hex);
        fputs(i ? ", {\"name\": " : "{\"name\": ", out);
        vouch_json_text(out, id->sources[i].name);
        fprintf(out, ", \"sha256\": \"%s\"}", hex);
    }
    vouch_identity_hex(id->facts, hex);
    fprintf(out, "], \"facts\": {\"sha256\": \"%s\", \"tables\": [", hex);
    for (uint32_t i = 0; i < id->ntables; i++) {
        vouch_identity_hex(id->tables[i].sha256, hex);
        fputs(i ? ", {\"name\": " : "{\"name\": ", out);
        vouch_json_text(out, id->tables[i].name);
        fprintf(out, ", \"rows\": %llu, \"sha256\": \"%s\"}", (unsigned long long)id->tables[i].rows, hex);
    }
    fputs("]}}", out);
}
