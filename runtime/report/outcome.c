/*
 * outcome.c: waivers applied to a run's findings (see outcome.h).
 *
 * Findings arrive sorted by rule, then subject, so the findings a waiver
 * can match form one run found by binary search: the work is
 * O(waivers * log findings) plus the matched runs, whatever the number of
 * findings. Everything that can fail (two arrays) is allocated before r is
 * touched.
 */
#include <stdlib.h>
#include <string.h>
#include "outcome.h"
#include "alloc.h"
#include "date.h"

const char *vouch_waiver_state_name(uint32_t s)
{
    static const char *const names[] = {"holds", "expired", "too_long", "not_started"};
    return s < sizeof names / sizeof names[0] ? names[s] : "?";
}

int64_t vouch_waiver_term(const vouch_waiver *w, int64_t as_of)
{
    return w->granted == INT64_MIN ? w->until - as_of : w->until - w->granted;
}

vouch_waiver_state vouch_waiver_state_of(const vouch_program *p, const vouch_waiver *w, int64_t as_of)
{
    if (p->waiver_max_days > 0 && vouch_waiver_term(w, as_of) > p->waiver_max_days)
        return WAIVER_TOO_LONG;
    if (p->waiver_max_months > 0) {
        /* A calendar cap: the last day allowed is the start moved by the
         * cap's months (clamped to the month's end); past year 9999 any
         * end fits. */
        int64_t last;
        if (date_move_months(w->granted == INT64_MIN ? as_of : w->granted, p->waiver_max_months, &last) == 0 &&
            w->until > last)
            return WAIVER_TOO_LONG;
    }
    if (w->granted != INT64_MIN && as_of < w->granted)
        return WAIVER_NOT_STARTED;
    return as_of <= w->until ? WAIVER_HOLDS : WAIVER_EXPIRED;
}

void vouch_outcome_release(vouch_results *r)
{
    vouch_free(r->unused);
    r->unused = NULL;
    r->nunused = 0;
}

/* Order of findings as the VM sorts them, on (rule, subject) only. */
static int cmp_key(uint32_t rule, const char *subject, const vouch_finding *f)
{
    if (rule != f->rule)
        return rule < f->rule ? -1 : 1;
    return strcmp(subject, f->subject);
}

/* Index of the first finding whose (rule, subject) is not below the key. */
static uint32_t lower_bound(const vouch_results *r, uint32_t rule, const char *subject)
{
    uint32_t lo = 0, hi = r->nfindings;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        if (cmp_key(rule, subject, &r->findings[mid]) > 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

/* 1 if waiver a should be the one recorded on a finding rather than b. */
static int better(const vouch_program *p, int64_t as_of, uint32_t a, uint32_t b)
{
    static const int rank[] = {[WAIVER_HOLDS] = 0, [WAIVER_NOT_STARTED] = 1, [WAIVER_EXPIRED] = 2,
                               [WAIVER_TOO_LONG] = 3};
    vouch_waiver_state sa = vouch_waiver_state_of(p, &p->waivers[a], as_of);
    vouch_waiver_state sb = vouch_waiver_state_of(p, &p->waivers[b], as_of);
    if (sa != sb)
        return rank[sa] < rank[sb];
    if (p->waivers[a].until != p->waivers[b].until)
        return p->waivers[a].until > p->waivers[b].until;
    return a < b;
}

vouch_status vouch_apply_waivers(const vouch_program *p, int64_t as_of, vouch_results *r, vouch_error *err)
{
    uint32_t nw = p->waivers ? p->nwaivers : 0;
    uint8_t *matched = vouch_calloc((size_t)nw + 1, 1);
    uint32_t *unused = vouch_calloc((size_t)nw + 1, sizeof *unused);
    vouch_outcome_release(r);
    if (!matched || !unused) {
        vouch_free(matched);
        vouch_free(unused);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory");
    }

    /* Back to what the VM recorded. */
    for (uint32_t i = 0; i < r->nfindings; i++) {
        vouch_finding *f = &r->findings[i];
        if (f->status == OUTCOME_WAIVED) {
            f->status = OUTCOME_FAIL;
            if (f->rule < r->nrules) {
                r->rules[f->rule].waived--;
                r->rules[f->rule].failed++;
            }
        }
        if (f->status == OUTCOME_FAIL) {
            f->waiver = -1;
            f->waiver_expired = 0;
        }
    }

    /* Each waiver offers itself to the failing findings it names. */
    for (uint32_t w = 0; w < nw; w++) {
        const vouch_waiver *wv = &p->waivers[w];
        if (wv->rule >= p->nrules || !wv->subject)
            continue;
        for (uint32_t i = lower_bound(r, wv->rule, wv->subject);
             i < r->nfindings && cmp_key(wv->rule, wv->subject, &r->findings[i]) == 0; i++) {
            vouch_finding *f = &r->findings[i];
            if (f->status != OUTCOME_FAIL)
                continue;
            matched[w] = 1;
            if (f->waiver < 0 || better(p, as_of, w, (uint32_t)f->waiver))
                f->waiver = (int32_t)w;
        }
    }

    /* Then each finding takes its waiver's verdict. */
    for (uint32_t i = 0; i < r->nfindings; i++) {
        vouch_finding *f = &r->findings[i];
        if (f->status != OUTCOME_FAIL || f->waiver < 0)
            continue;
        switch (vouch_waiver_state_of(p, &p->waivers[f->waiver], as_of)) {
        case WAIVER_HOLDS:
            f->status = OUTCOME_WAIVED;
            if (f->rule < r->nrules) {
                r->rules[f->rule].failed--;
                r->rules[f->rule].waived++;
            }
            break;
        case WAIVER_EXPIRED:
            f->waiver_expired = 1;
            break;
        case WAIVER_TOO_LONG:
        case WAIVER_NOT_STARTED:
            break;
        }
    }

    uint32_t n = 0;
    for (uint32_t w = 0; w < nw; w++)
        if (!matched[w])
            unused[n++] = w;
    vouch_free(matched);
    if (n == 0) {
        vouch_free(unused);
        unused = NULL;
    }
    r->unused = unused;
    r->nunused = n;
    return VOUCH_OK;
}
