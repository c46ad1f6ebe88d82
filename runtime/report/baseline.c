/*
 * baseline.c: reading an earlier JSON report and matching its findings
 * with this run's (baseline.h).
 *
 * Both sides are sorted by (rule id, subject) and walked once together, so
 * matching costs a sort, not findings x findings comparisons. The earlier
 * report is trusted for nothing but its shape: every member read is checked
 * for its type, and anything else in it is ignored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <jansson.h>
#include "baseline.h"
#include "alloc.h"
#include "report.h"

const char *vouch_baseline_state_name(uint32_t s)
{
    switch (s) {
    case BASELINE_NEW: return "new";
    case BASELINE_UNCHANGED: return "unchanged";
    default: return NULL;
    }
}

void vouch_baseline_free(vouch_baseline *b)
{
    for (uint32_t i = 0; b->items && i < b->nitems; i++) {
        vouch_baseline_item *it = &b->items[i];
        vouch_free(it->rule);
        vouch_free(it->subject);
        vouch_free(it->severity);
        vouch_free(it->message);
        vouch_free(it->status);
    }
    vouch_free(b->items);
    vouch_free(b->path);
    vouch_free(b->state);
    vouch_free(b->resolved);
    memset(b, 0, sizeof *b);
}

static int cmp_items(const void *a, const void *b)
{
    const vouch_baseline_item *x = a, *y = b;
    int c = strcmp(x->rule, y->rule);
    return c ? c : strcmp(x->subject, y->subject);
}

/* The string member key of o, or "" when o has no such string. */
static const char *member(json_t *o, const char *key)
{
    const char *s = json_string_value(json_object_get(o, key));
    return s ? s : "";
}

vouch_status vouch_baseline_read(const char *path, vouch_baseline *out, vouch_error *err)
{
    memset(out, 0, sizeof *out);
    FILE *f = fopen(path, "rb");
    if (!f)
        return vouch_error_set(err, VOUCH_EINPUT, "cannot read the baseline %s: %s", path, strerror(errno));
    json_error_t je;
    json_t *doc = json_loadf(f, JSON_REJECT_DUPLICATES, &je);
    fclose(f);
    if (!doc)
        return vouch_error_set(err, VOUCH_EINPUT, "the baseline %s is not JSON: line %d: %s", path, je.line, je.text);
    vouch_status st = VOUCH_OK;
    json_t *fs = json_object_get(doc, "findings");
    json_t *fmt = json_object_get(doc, "format");
    if (!json_is_object(doc) || !json_is_array(fs) || !json_is_integer(fmt) ||
        json_integer_value(fmt) < VOUCH_JSON_FORMAT_OLDEST) {
        st = vouch_error_set(err, VOUCH_EINPUT, "the baseline %s is not a vouch JSON report (format %d or later): %s",
                             path, VOUCH_JSON_FORMAT_OLDEST,
                             !json_is_object(doc) ? "not an object"
                             : !json_is_array(fs) ? "no \"findings\" list"
                                                  : "no \"format\" number it could have");
        goto out;
    }
    /* What is read (findings: rule, subject, status, severity, message)
     * is the same in every format up to this vouch's; a later format may
     * have changed it, so it is not guessed at. */
    if (json_integer_value(fmt) > VOUCH_JSON_FORMAT) {
        st = vouch_error_set(err, VOUCH_EINPUT,
                             "the baseline %s is a vouch JSON report of format %lld, which this vouch (results format "
                             "%d) does not read: make the baseline with this version",
                             path, (long long)json_integer_value(fmt), VOUCH_JSON_FORMAT);
        goto out;
    }
    size_t n = json_array_size(fs);
    out->items = vouch_calloc(n + 1, sizeof *out->items);
    out->path = vouch_strdup(path);
    if (!out->items || !out->path) {
        st = vouch_error_set(err, VOUCH_ENOMEM, "out of memory reading the baseline %s", path);
        goto out;
    }
    for (size_t i = 0; i < n; i++) {
        json_t *o = json_array_get(fs, i);
        const char *status = member(o, "status");
        if (!json_is_object(o) || !json_is_string(json_object_get(o, "rule")) ||
            !json_is_string(json_object_get(o, "subject")) || !*status) {
            st = vouch_error_set(err, VOUCH_EINPUT,
                                 "the baseline %s is not a vouch JSON report: finding %zu lacks its rule, subject or status",
                                 path, i + 1);
            goto out;
        }
        /* not-applicable records are not findings; stale ones are */
        if (strcmp(status, "fail") != 0 && strcmp(status, "waived") != 0 && strcmp(status, "stale") != 0)
            continue;
        vouch_baseline_item *it = &out->items[out->nitems++];
        it->rule = vouch_strdup(member(o, "rule"));
        it->subject = vouch_strdup(member(o, "subject"));
        it->severity = vouch_strdup(member(o, "severity"));
        it->message = vouch_strdup(member(o, "message"));
        it->status = vouch_strdup(status);
        if (!it->rule || !it->subject || !it->severity || !it->message || !it->status) {
            st = vouch_error_set(err, VOUCH_ENOMEM, "out of memory reading the baseline %s", path);
            goto out;
        }
    }
    qsort(out->items, out->nitems, sizeof *out->items, cmp_items);
out:
    json_decref(doc);
    if (st != VOUCH_OK)
        vouch_baseline_free(out);
    return st;
}

/* The run's findings in (rule id, subject) order, for the merge. */
typedef struct sort_ctx {
    const vouch_program *p;
    const vouch_results *res;
} sort_ctx;

static sort_ctx g_sort; /* qsort has no context argument; matching runs on one thread */

static int cmp_records(const void *a, const void *b)
{
    const vouch_finding *x = &g_sort.res->findings[*(const uint32_t *)a];
    const vouch_finding *y = &g_sort.res->findings[*(const uint32_t *)b];
    int c = strcmp(g_sort.p->rules[x->rule].id, g_sort.p->rules[y->rule].id);
    if (!c)
        c = strcmp(x->subject, y->subject);
    return c ? c : (*(const uint32_t *)a > *(const uint32_t *)b) - (*(const uint32_t *)a < *(const uint32_t *)b);
}

static int is_finding(const vouch_finding *fd)
{
    return fd->status == OUTCOME_FAIL || fd->status == OUTCOME_WAIVED || fd->status == OUTCOME_STALE;
}

/* Index of the rule with this id, or -1. */
static int64_t rule_index(const vouch_program *p, const char *id)
{
    for (uint32_t i = 0; i < p->nrules; i++)
        if (strcmp(p->rules[i].id, id) == 0)
            return i;
    return -1;
}

vouch_status vouch_baseline_match(vouch_baseline *b, const vouch_program *p, const vouch_results *res,
                                  vouch_error *err)
{
    vouch_free(b->state);
    vouch_free(b->resolved);
    b->state = vouch_calloc((size_t)res->nfindings + 1, 1);
    b->resolved = vouch_calloc((size_t)b->nitems + 1, sizeof *b->resolved);
    uint32_t *order = vouch_calloc((size_t)res->nfindings + 1, sizeof *order);
    if (!b->state || !b->resolved || !order) {
        vouch_free(order);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory matching the baseline");
    }
    b->nstate = res->nfindings;
    b->nnew = b->nunchanged = b->nresolved = 0;
    uint32_t n = 0;
    for (uint32_t i = 0; i < res->nfindings; i++)
        if (res->findings[i].rule < p->nrules && is_finding(&res->findings[i]))
            order[n++] = i;
    g_sort.p = p;
    g_sort.res = res;
    qsort(order, n, sizeof *order, cmp_records);
    for (uint32_t k = 0; k < b->nitems; k++)
        b->items[k].matched = 0;
    uint32_t i = 0, k = 0;
    while (i < n) {
        const vouch_finding *fd = &res->findings[order[i]];
        int c = 1;
        while (k < b->nitems) {
            c = strcmp(p->rules[fd->rule].id, b->items[k].rule);
            if (!c)
                c = strcmp(fd->subject, b->items[k].subject);
            if (c <= 0)
                break;
            k++; /* an earlier finding nobody has now */
        }
        if (k < b->nitems && c == 0) {
            b->items[k++].matched = 1;
            b->state[order[i]] = BASELINE_UNCHANGED;
            b->nunchanged++;
        } else {
            b->state[order[i]] = BASELINE_NEW;
            b->nnew++;
        }
        i++;
    }
    vouch_free(order);
    /* Resolved: earlier findings of rules that ran cleanly this time. */
    for (k = 0; k < b->nitems; k++) {
        if (b->items[k].matched)
            continue;
        int64_t r = rule_index(p, b->items[k].rule);
        if (r < 0 || p->rules[r].skipped || ((uint32_t)r < res->nrules && res->rules[r].errored))
            continue;
        b->resolved[b->nresolved++] = k;
    }
    return VOUCH_OK;
}
