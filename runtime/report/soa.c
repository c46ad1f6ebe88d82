/*
 * soa.c: the Statement of Applicability of one framework (soa.h): reading
 * its facts through the plan API, joining them with the catalogue and the
 * coverage of a run, and writing Markdown, CSV and HTML.
 *
 * The facts are read with two small programs built here (the soa and
 * evidence tables; then person, which may be missing), bound to the store
 * in turn: no SQL outside the facts store. Their tables are the fact
 * model's own declarations, found by name (the packs' program, which
 * declares stdlib/isms.vouch's facts when it imports them), never a copy
 * kept here: a field renamed or retyped in the model cannot drift from
 * what the SoA reads. What the SoA requires of the fact model:
 *
 *   soa       framework: text, control: text, applicable: bool,
 *             justification: text, owner: text, frequency: text or enum,
 *             and, when the model declares them (issue 16: a pack of
 *             its own written before may not), implementation: text,
 *             evidence_location: text, status: text or enum
 *   evidence  framework: text, control: text, kind: text,
 *             collected_on: date, result: text or enum (`pass` passes)
 *   person    (optional) id: text, name: text, role: text
 *
 * Each field may be optional but applicable and collected_on; other
 * fields are allowed and not read. A fact or field missing, of another
 * type, or optional where it may not be, is an input error naming the
 * fact and the field (person only when the model declares it). Evidence
 * rows are summed up per control as they arrive, so memory grows with
 * the controls, not with the evidence.
 */
#include <stdlib.h>
#include <string.h>
#include "soa.h"
#include "alloc.h"
#include "strbuf.h"
#include "crosswalk.h"
#include "date.h"
#include "escape.h"
#include "identity.h"

/* ---- sorted arrays of records keyed by their first member (a char *) ---- */

static const char *key_at(const void *base, size_t size, uint32_t i)
{
    return *(char *const *)((const char *)base + (size_t)i * size);
}

/* The index of key in the sorted array, or where it would go (*found 0). */
static uint32_t find_key(const void *base, uint32_t n, size_t size, const char *key, int *found)
{
    uint32_t lo = 0, hi = n;
    *found = 0;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strcmp(key_at(base, size, mid), key);
        if (c == 0) {
            *found = 1;
            return mid;
        }
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo;
}

static const void *lookup(const void *base, uint32_t n, size_t size, const char *key)
{
    int found;
    if (!key || !base)
        return NULL;
    uint32_t at = find_key(base, n, size, key, &found);
    return found ? (const char *)base + (size_t)at * size : NULL;
}

/* Opens a zeroed slot at index at of a growable array; NULL if out of memory. */
static void *insert_at(void **base, uint32_t *n, uint32_t *cap, size_t size, uint32_t at)
{
    if (*n == *cap) {
        uint32_t ncap = *cap ? *cap * 2 : 16;
        if (ncap <= *cap)
            return NULL;
        void *nb = vouch_realloc(*base, (size_t)ncap * size);
        if (!nb)
            return NULL;
        *base = nb;
        *cap = ncap;
    }
    char *b = *base;
    memmove(b + (size_t)(at + 1) * size, b + (size_t)at * size, (size_t)(*n - at) * size);
    memset(b + (size_t)at * size, 0, size);
    (*n)++;
    return b + (size_t)at * size;
}

static char *dup_opt(const char *s, int *oom)
{
    if (!s)
        return NULL;
    char *d = vouch_strdup(s);
    if (!d)
        *oom = 1;
    return d;
}

static vouch_status no_memory(vouch_error *err) { return vouch_error_set(err, VOUCH_ENOMEM, "out of memory"); }

/* ---- 1. the facts ------------------------------------------------------------ */

static void entry_free(vouch_soa_entry *e)
{
    vouch_free(e->control);
    vouch_free(e->justification);
    vouch_free(e->owner);
    vouch_free(e->frequency);
    vouch_free(e->implementation);
    vouch_free(e->evidence_location);
    vouch_free(e->status);
}

static void person_free(vouch_soa_person *ps)
{
    vouch_free(ps->id);
    vouch_free(ps->name);
    vouch_free(ps->role);
}

vouch_status vouch_soa_facts_add_entry(vouch_soa_facts *f, const char *control, int applicable,
                                       const char *justification, const char *owner, const char *frequency,
                                       const vouch_soa_stated *stated, vouch_error *err)
{
    int found;
    uint32_t at = find_key(f->entries, f->nentries, sizeof *f->entries, control, &found);
    if (found) {
        f->duplicates++;
        return VOUCH_OK;
    }
    int oom = 0;
    vouch_soa_entry e;
    memset(&e, 0, sizeof e);
    e.control = dup_opt(control, &oom);
    e.applicable = applicable != 0;
    e.justification = dup_opt(justification, &oom);
    e.owner = dup_opt(owner, &oom);
    e.frequency = dup_opt(frequency, &oom);
    if (stated) {
        e.implementation = dup_opt(stated->implementation, &oom);
        e.evidence_location = dup_opt(stated->evidence_location, &oom);
        e.status = dup_opt(stated->status, &oom);
    }
    vouch_soa_entry *slot = oom ? NULL
        : insert_at((void **)&f->entries, &f->nentries, &f->capentries, sizeof *f->entries, at);
    if (!slot) {
        entry_free(&e);
        return no_memory(err);
    }
    *slot = e;
    return VOUCH_OK;
}

vouch_status vouch_soa_facts_add_evidence(vouch_soa_facts *f, const char *control, const char *kind,
                                          int64_t collected_on, int passed, vouch_error *err)
{
    int found;
    uint32_t at = find_key(f->evidence, f->nevidence, sizeof *f->evidence, control, &found);
    vouch_soa_evidence *ev;
    if (found) {
        ev = &f->evidence[at];
    } else {
        char *c = vouch_strdup(control);
        ev = c ? insert_at((void **)&f->evidence, &f->nevidence, &f->capevidence, sizeof *f->evidence, at) : NULL;
        if (!ev) {
            vouch_free(c);
            return no_memory(err);
        }
        ev->control = c;
        ev->newest = collected_on;
    }
    ev->count++;
    if (!passed)
        ev->failed++;
    if (collected_on > ev->newest)
        ev->newest = collected_on;
    if (kind) {
        uint32_t k = find_key(ev->kinds, ev->nkinds, sizeof *ev->kinds, kind, &found);
        if (!found) {
            char *d = vouch_strdup(kind);
            char **slot = d ? insert_at((void **)&ev->kinds, &ev->nkinds, &ev->capkinds, sizeof *ev->kinds, k) : NULL;
            if (!slot) {
                vouch_free(d);
                return no_memory(err);
            }
            *slot = d;
        }
    }
    return VOUCH_OK;
}

vouch_status vouch_soa_facts_add_person(vouch_soa_facts *f, const char *id, const char *name, const char *role,
                                        vouch_error *err)
{
    int found;
    uint32_t at = find_key(f->people, f->npeople, sizeof *f->people, id, &found);
    if (found)
        return VOUCH_OK;
    int oom = 0;
    vouch_soa_person ps;
    ps.id = dup_opt(id, &oom);
    ps.name = dup_opt(name, &oom);
    ps.role = dup_opt(role, &oom);
    vouch_soa_person *slot = oom ? NULL
        : insert_at((void **)&f->people, &f->npeople, &f->cappeople, sizeof *f->people, at);
    if (!slot) {
        person_free(&ps);
        return no_memory(err);
    }
    *slot = ps;
    return VOUCH_OK;
}

void vouch_soa_facts_free(vouch_soa_facts *f)
{
    if (!f)
        return;
    for (uint32_t i = 0; i < f->nentries; i++)
        entry_free(&f->entries[i]);
    vouch_free(f->entries);
    for (uint32_t i = 0; i < f->nevidence; i++) {
        vouch_free(f->evidence[i].control);
        for (uint32_t k = 0; k < f->evidence[i].nkinds; k++)
            vouch_free(f->evidence[i].kinds[k]);
        vouch_free(f->evidence[i].kinds);
    }
    vouch_free(f->evidence);
    for (uint32_t i = 0; i < f->npeople; i++)
        person_free(&f->people[i]);
    vouch_free(f->people);
    memset(f, 0, sizeof *f);
}

/* ---- reading the store ------------------------------------------------------- */

/* What the SoA reads of each fact: the fields by name and the kind of
 * value each must hold (the file's opening comment). Everything else
 * about the table (its other fields, optional, enums, key, `dated by`)
 * is the fact model's declaration, used as it stands. */
typedef struct field_need {
    const char *name;
    uint8_t type;            /* vouch_vtype; text includes an enum */
    uint8_t present;         /* 1: must not be optional (read_rows takes
                              * only text columns as maybe none) */
    uint8_t if_declared;     /* 1: read when the model declares it, else none */
} field_need;

/* The last SOA_STATED are the seed columns issue 16 added (soa.h,
 * vouch_soa_stated), read only where the model declares them. */
#define SOA_STATED 3
static const field_need SOA_NEEDS[] = {
    {"framework", VT_TEXT, 0, 0}, {"control", VT_TEXT, 0, 0}, {"applicable", VT_BOOL, 1, 0},
    {"justification", VT_TEXT, 0, 0}, {"owner", VT_TEXT, 0, 0}, {"frequency", VT_TEXT, 0, 0},
    {"implementation", VT_TEXT, 0, 1}, {"evidence_location", VT_TEXT, 0, 1}, {"status", VT_TEXT, 0, 1},
};
static const field_need EVIDENCE_NEEDS[] = {
    {"framework", VT_TEXT, 0, 0}, {"control", VT_TEXT, 0, 0}, {"kind", VT_TEXT, 0, 0},
    {"collected_on", VT_DATE, 1, 0}, {"result", VT_TEXT, 0, 0},
};
static const field_need PERSON_NEEDS[] = {
    {"id", VT_TEXT, 0, 0}, {"name", VT_TEXT, 0, 0}, {"role", VT_TEXT, 0, 0},
};
#define NNEEDS(a) ((uint32_t)(sizeof a / sizeof a[0]))

static const char *kind_of(const vouch_column_decl *c, uint8_t type)
{
    switch (type) {
    case VT_BOOL: return "a bool";
    case VT_INT: return "an int";
    case VT_DATE: return "a date";
    case VT_DUR: return "a duration";
    case VT_TEXT: return c && c->enum_id >= 0 ? "an enum" : "text";
    default: return "a value";
    }
}

/* A PLAN_ROWS plan over table t reading columns cols[0..ncols), with one
 * constant term per (column, cmp) pair, parameter k for the k-th term. */
static void set_plan(vouch_program *p, uint32_t pi, uint32_t t, const uint32_t *cols, uint32_t ncols,
                     const uint32_t *tcols, const uint8_t *tcmp, uint32_t nterms)
{
    vouch_plan *pl = &p->plans[pi];
    pl->table = t;
    pl->mode = PLAN_ROWS;
    pl->nterms = nterms;
    pl->nparams = nterms;
    pl->terms = nterms ? vouch_program_alloc(p, (size_t)nterms * sizeof *pl->terms) : NULL;
    for (uint32_t k = 0; pl->terms && k < nterms; k++) {
        pl->terms[k].column = tcols[k];
        pl->terms[k].cmp = tcmp[k];
        pl->terms[k].param = k;
    }
    pl->ncolumns = ncols;
    pl->columns = vouch_program_alloc(p, (size_t)ncols * sizeof *pl->columns);
    for (uint32_t k = 0; pl->columns && k < ncols; k++)
        pl->columns[k] = cols[k];
}

/* The fact model's declaration of fact name, or NULL. */
static const vouch_table_decl *declared(const vouch_program *model, const char *name)
{
    for (uint32_t i = 0; model && i < model->ntables; i++)
        if (strcmp(model->tables[i].name, name) == 0)
            return &model->tables[i];
    return NULL;
}

/* Table t of q is the fact model's declaration d of fact name (borrowed:
 * the model outlives q), so the SoA reads, checks and dates its rows
 * exactly as the rules do. at[k] gets the index of the field needs[k]
 * names, or UINT32_MAX for an if_declared field the declaration lacks.
 * Another field it lacks, or one declared with another kind of value, is
 * VOUCH_EINPUT naming fact and field. */
static vouch_status use_table(vouch_program *q, uint32_t t, const vouch_table_decl *d, const char *name,
                              const field_need *needs, uint32_t n, uint32_t *at, vouch_error *err)
{
    if (!d)
        return vouch_error_set(err, VOUCH_EINPUT, "the SoA reads fact `%s`, which the fact model does not declare",
                               name);
    q->tables[t] = *d;
    q->tables[t].first_used = 1;
    for (uint32_t k = 0; k < n; k++) {
        uint32_t c = 0;
        while (c < d->ncolumns && strcmp(d->columns[c].name, needs[k].name) != 0)
            c++;
        if (c == d->ncolumns && needs[k].if_declared) {
            at[k] = UINT32_MAX;
            continue;
        }
        if (c == d->ncolumns)
            return vouch_error_set(err, VOUCH_EINPUT,
                                   "the SoA reads field `%s` of fact `%s` (%s), which the fact model's `%s` "
                                   "does not declare", needs[k].name, name, kind_of(NULL, needs[k].type), name);
        if (d->columns[c].type != needs[k].type)
            return vouch_error_set(err, VOUCH_EINPUT,
                                   "the SoA reads field `%s` of fact `%s` as %s, but the fact model declares it "
                                   "as %s", needs[k].name, name, kind_of(NULL, needs[k].type),
                                   kind_of(&d->columns[c], d->columns[c].type));
        if (needs[k].present && d->columns[c].optional)
            return vouch_error_set(err, VOUCH_EINPUT,
                                   "the SoA reads field `%s` of fact `%s` as %s in every row, but the fact model "
                                   "declares it optional", needs[k].name, name, kind_of(NULL, needs[k].type));
        at[k] = c;
    }
    return VOUCH_OK;
}

/* The program that reads soa (plan 0) and evidence (plan 1), or person
 * (plan 0) when people is set, with the model's declarations of those
 * tables (use_table) and its enums (borrowed). soa's plan reads control,
 * applicable, justification, owner, frequency, then those of the stated
 * columns the model declares; stated[k] gets the place of the k-th among
 * the row's texts, or -1 when it is not read. NULL with err set if out of
 * memory or the model lacks what the SoA reads. */
static vouch_program *reader_program(const vouch_program *model, int people, int stated[SOA_STATED],
                                     uint32_t *nsoa, vouch_error *err)
{
    vouch_program *p = vouch_program_new();
    if (!p) {
        no_memory(err);
        return NULL;
    }
    p->pack = "";
    p->pack_version = "";
    p->enums = model->enums;
    p->nenums = model->nenums;
    vouch_status s = VOUCH_OK;
    if (people) {
        uint32_t cols[NNEEDS(PERSON_NEEDS)];
        p->ntables = p->nplans = 1;
        p->tables = vouch_program_alloc(p, sizeof *p->tables);
        p->plans = vouch_program_alloc(p, sizeof *p->plans);
        if (p->tables && p->plans &&
            (s = use_table(p, 0, declared(model, "person"), "person", PERSON_NEEDS, NNEEDS(PERSON_NEEDS), cols,
                           err)) == VOUCH_OK)
            set_plan(p, 0, 0, cols, 3, NULL, NULL, 0);
    } else {
        uint32_t sc[NNEEDS(SOA_NEEDS)], ec[NNEEDS(EVIDENCE_NEEDS)];
        static const uint8_t eq[] = {CMP_EQ};
        p->ntables = p->nplans = 2;
        p->tables = vouch_program_alloc(p, 2 * sizeof *p->tables);
        p->plans = vouch_program_alloc(p, 2 * sizeof *p->plans);
        if (p->tables && p->plans &&
            (s = use_table(p, 0, declared(model, "soa"), "soa", SOA_NEEDS, NNEEDS(SOA_NEEDS), sc, err)) ==
                VOUCH_OK &&
            (s = use_table(p, 1, declared(model, "evidence"), "evidence", EVIDENCE_NEEDS, NNEEDS(EVIDENCE_NEEDS),
                           ec, err)) == VOUCH_OK) {
            /* soa: control, applicable, justification, owner, frequency
             * and the stated columns declared, where framework = ?;
             * evidence: control, kind, collected_on, result where
             * framework = ? */
            uint32_t n = 6, ntext = 4;
            for (uint32_t k = 0; k < SOA_STATED; k++) {
                uint32_t at = sc[NNEEDS(SOA_NEEDS) - SOA_STATED + k];
                stated[k] = at == UINT32_MAX ? -1 : (int)ntext++;
                if (at != UINT32_MAX)
                    sc[n++] = at;
            }
            *nsoa = n - 1;
            set_plan(p, 0, 0, sc + 1, n - 1, sc, eq, 1);
            set_plan(p, 1, 1, ec + 1, 4, ec, eq, 1);
        }
    }
    if (s != VOUCH_OK || vouch_program_failed(p)) {
        if (s == VOUCH_OK)
            no_memory(err);
        vouch_program_free(p);
        return NULL;
    }
    return p;
}

/* A text value (or none) as a NUL-terminated copy in buf, grown as
 * needed; NULL for none. *oom is set if memory ran out. */
static const char *text_of(const vouch_value *v, char **buf, size_t *cap, int *oom)
{
    if (v->type != VT_TEXT)
        return NULL;
    if ((size_t)v->len + 1 > *cap) {
        char *nb = vouch_realloc(*buf, (size_t)v->len + 1);
        if (!nb) {
            *oom = 1;
            return NULL;
        }
        *buf = nb;
        *cap = (size_t)v->len + 1;
    }
    memcpy(*buf, v->u.s, v->len);
    (*buf)[v->len] = 0;
    return *buf;
}

/* Reads every row of plan (seeking with params) and hands each to row: the
 * values of its ncols columns, and its text columns (text or none) as
 * NUL-terminated strings, in column order. */
#define NTEXT 8

static vouch_status read_rows(vouch_facts *store, uint32_t plan, uint32_t ncols, const vouch_value *params,
                              vouch_status (*row)(vouch_soa_facts *, const vouch_value *, const char *const *,
                                                  const int *, vouch_error *),
                              const int *ctx, vouch_soa_facts *out, vouch_error *err)
{
    char *bufs[NTEXT] = {NULL};
    size_t caps[NTEXT] = {0};
    vouch_value vals[NTEXT + 2];
    const char *texts[NTEXT];
    vouch_status s = vouch_facts_seek(store, plan, params, err);
    while (s == VOUCH_OK) {
        int has = 0;
        if ((s = vouch_facts_next(store, plan, &has, err)) != VOUCH_OK || !has)
            break;
        int oom = 0;
        uint32_t t = 0;
        for (uint32_t i = 0; i < ncols && i < NTEXT + 2 && s == VOUCH_OK; i++) {
            s = vouch_facts_column(store, plan, i, &vals[i], err);
            if (s == VOUCH_OK && (vals[i].type == VT_TEXT || vals[i].type == VT_NONE) && t < NTEXT) {
                texts[t] = text_of(&vals[i], &bufs[t], &caps[t], &oom);
                t++;
            }
        }
        if (s == VOUCH_OK && oom)
            s = no_memory(err);
        if (s == VOUCH_OK)
            s = row(out, vals, texts, ctx, err);
    }
    vouch_facts_reset(store, plan);
    for (int i = 0; i < NTEXT; i++)
        vouch_free(bufs[i]);
    return s;
}

/* soa columns: control, applicable, justification, owner, frequency, then
 * the stated ones declared. The texts are control, justification, owner,
 * frequency, in that order, then stated[k] gives where the k-th stated
 * column is (-1: not read). */
static vouch_status soa_row(vouch_soa_facts *out, const vouch_value *v, const char *const *t, const int *stated,
                            vouch_error *err)
{
    vouch_soa_stated st = {
        stated[0] >= 0 ? t[stated[0]] : NULL,
        stated[1] >= 0 ? t[stated[1]] : NULL,
        stated[2] >= 0 ? t[stated[2]] : NULL,
    };
    return vouch_soa_facts_add_entry(out, t[0] ? t[0] : "", v[1].type == VT_BOOL && v[1].u.i, t[1], t[2], t[3],
                                     &st, err);
}

/* evidence columns: control, kind, collected_on, result; texts: control, kind, result. */
static vouch_status evidence_row(vouch_soa_facts *out, const vouch_value *v, const char *const *t,
                                 const int *unused, vouch_error *err)
{
    (void)unused;
    return vouch_soa_facts_add_evidence(out, t[0] ? t[0] : "", t[1], v[2].u.i, t[2] && strcmp(t[2], "pass") == 0,
                                        err);
}

static vouch_status person_row(vouch_soa_facts *out, const vouch_value *v, const char *const *t,
                               const int *unused, vouch_error *err)
{
    (void)unused;
    return vouch_soa_facts_add_person(out, t[0] ? t[0] : "", t[1], t[2], err);
}

/* Binds program q and refuses a stored value that does not fit its
 * declaration in a column q reads (facts.h: the rules' own check), then
 * adds the tables' digests to id. */
static vouch_status bind_checked(vouch_facts *store, const vouch_program *q, int64_t as_of,
                                 struct vouch_identity *id, vouch_error *err)
{
    vouch_status s = vouch_facts_bind(store, q, as_of, err);
    char msg[sizeof err->msg];
    if (s == VOUCH_OK && vouch_facts_rule_problem(store, 0, msg, sizeof msg)) {
        /* the count of further bad values speaks of a rule: here the SoA reads */
        char *r = strstr(msg, " where this rule reads)");
        if (r && r[strlen(" where this rule reads)")] == 0)
            strcpy(r, " where the SoA reads)");
        s = vouch_error_set(err, VOUCH_EINPUT, "%s", msg);
    }
    if (s == VOUCH_OK && id)
        s = vouch_identity_add_facts(id, q, store, err);
    return s;
}

vouch_status vouch_soa_read(vouch_facts *store, const vouch_program *model, const char *framework, int64_t as_of,
                            struct vouch_identity *id, vouch_soa_facts *out, vouch_error *err)
{
    memset(out, 0, sizeof *out);
    if (!model)
        return vouch_error_set(err, VOUCH_EINPUT, "the SoA reads its facts through a fact model, and none was given");
    int stated[SOA_STATED];
    uint32_t nsoa = 5;
    vouch_program *p = reader_program(model, 0, stated, &nsoa, err);
    if (!p)
        return err->status;
    vouch_status s = bind_checked(store, p, as_of, id, err);
    vouch_value params[1] = {vouch_text(framework, strlen(framework))};
    if (s == VOUCH_OK)
        s = read_rows(store, 0, nsoa, params, soa_row, stated, out, err);
    if (s == VOUCH_OK)
        s = read_rows(store, 1, 4, params, evidence_row, NULL, out, err);
    /* person is optional: a model that does not declare it, or a store
     * without the table, shows owners by id. Rebinding releases the
     * statements of p before p goes. */
    int people = declared(model, "person") != NULL;
    vouch_program *q = s == VOUCH_OK && people ? reader_program(model, 1, NULL, NULL, err) : NULL;
    if (s == VOUCH_OK && people && !q)
        s = err->status;
    if (s == VOUCH_OK && q) {
        vouch_error perr;
        vouch_status ps = vouch_facts_bind(store, q, as_of, &perr);
        if (ps == VOUCH_OK) {
            /* bound: its values are checked as soa's and evidence's were */
            s = bind_checked(store, q, as_of, id, err);
            if (s == VOUCH_OK)
                s = read_rows(store, 0, 3, NULL, person_row, NULL, out, err);
            out->people_read = s == VOUCH_OK;
        } else if (ps != VOUCH_EINPUT) {
            /* a missing person table is fine; running out of memory is not */
            *err = perr;
            s = ps;
        }
    }
    vouch_program_free(q);
    vouch_program_free(p);
    if (s != VOUCH_OK)
        vouch_soa_facts_free(out);
    return s;
}

/* ---- 2. the rows ----------------------------------------------------------------- */

const char *vouch_soa_applicability_name(uint32_t a)
{
    static const char *const names[SOA__COUNT] = {"yes", "no", "unstated", "mandatory"};
    return a < SOA__COUNT ? names[a] : "?";
}

const char *vouch_soa_applicability_text(uint32_t a)
{
    static const char *const names[SOA__COUNT] = {"applicable", "excluded", "not stated", "mandatory"};
    return a < SOA__COUNT ? names[a] : "?";
}

typedef struct ctl_key {
    const char *id;          /* first member: the sort key */
    uint32_t index;
} ctl_key;

static int cmp_ctl_key(const void *a, const void *b)
{
    return strcmp(((const ctl_key *)a)->id, ((const ctl_key *)b)->id);
}

/* The control whose id is exactly rest[0..k), or UINT32_MAX (keys sorted
 * by id, bytewise). */
static uint32_t find_prefix(const ctl_key *keys, uint32_t n, const char *rest, size_t k)
{
    uint32_t lo = 0, hi = n;
    while (lo < hi) {
        uint32_t mid = lo + (hi - lo) / 2;
        int c = strncmp(keys[mid].id, rest, k);
        if (c == 0)
            c = keys[mid].id[k] != 0; /* a longer id sorts after the prefix */
        if (c == 0)
            return keys[mid].index;
        if (c < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return UINT32_MAX;
}

/* The control of the framework a finding's subject names: "FW/ID", maybe
 * followed by "@span" or "/more" (the longest such ID wins), or UINT32_MAX. */
static uint32_t subject_control(const char *subject, const char *fw, const ctl_key *keys, uint32_t n)
{
    size_t fl = strlen(fw);
    if (!subject || strncmp(subject, fw, fl) != 0 || subject[fl] != '/')
        return UINT32_MAX;
    const char *rest = subject + fl + 1;
    uint32_t best = UINT32_MAX;
    for (size_t k = 0;; k++) {
        char c = rest[k];
        if (c == 0 || c == '@' || c == '/') {
            uint32_t hit = find_prefix(keys, n, rest, k);
            if (hit != UINT32_MAX)
                best = hit;
        }
        if (c == 0)
            break;
    }
    return best;
}

void vouch_soa_free(vouch_soa *s)
{
    if (!s)
        return;
    vouch_coverage_free(&s->coverage);
    vouch_free(s->rows);
    vouch_free(s->stray);
    vouch_free(s->pool);
    memset(s, 0, sizeof *s);
}

int vouch_soa_mandatory(const vouch_control_info *ci)
{
    return vouch_soa_selected(ci, "kind", "clause");
}

int vouch_soa_selected(const vouch_control_info *ci, const char *only_attr, const char *only_value)
{
    if (!only_attr)
        return !vouch_soa_mandatory(ci);
    for (uint32_t a = 0; ci->attr_names && ci->attr_values && a < ci->nattrs; a++)
        if (ci->attr_names[a] && strcmp(ci->attr_names[a], only_attr) == 0)
            return ci->attr_values[a] && only_value && strcmp(ci->attr_values[a], only_value) == 0;
    return 0;
}

vouch_status vouch_soa_build(const vouch_program *p, const vouch_results *r, uint32_t fw,
                             const vouch_soa_facts *facts, const char *only_attr, const char *only_value,
                             vouch_soa *out, vouch_error *err)
{
    memset(out, 0, sizeof *out);
    if (!p->frameworks || fw >= p->nframeworks)
        return vouch_error_set(err, VOUCH_EINPUT, "no framework %u in the program", fw);
    vouch_status s = vouch_coverage_build(p, r, fw, &out->coverage, err);
    if (s != VOUCH_OK)
        return s;
    const vouch_framework_info *fi = &p->frameworks[fw];
    uint32_t nc = fi->ncontrols;
    out->program = p;
    out->results = r;
    out->facts = facts;
    out->framework = fw;
    out->only_attr = only_attr;
    out->only_value = only_attr ? only_value : NULL;
    out->rows = vouch_calloc((size_t)nc + 1, sizeof *out->rows);
    out->stray = vouch_calloc((size_t)facts->nentries + 1, sizeof *out->stray);
    ctl_key *keys = vouch_calloc((size_t)nc + 1, sizeof *keys);
    uint32_t *which = vouch_calloc((size_t)r->nfindings + 1, sizeof *which);
    uint32_t *at = vouch_calloc((size_t)nc + 1, sizeof *at);
    if (!out->rows || !out->stray || !keys || !which || !at)
        goto oom;
    for (uint32_t i = 0; i < nc; i++) {
        keys[i].id = fi->controls[i].id ? fi->controls[i].id : "";
        keys[i].index = i;
    }
    qsort(keys, nc, sizeof *keys, cmp_ctl_key);

    /* Findings that still fail (stale ones too: their evidence is past its
     * freshness) or are waived, placed control by control in results order. */
    uint32_t total = 0;
    for (uint32_t i = 0; i < r->nfindings; i++) {
        const vouch_finding *fd = &r->findings[i];
        which[i] = UINT32_MAX;
        if (fd->status != OUTCOME_FAIL && fd->status != OUTCOME_STALE && fd->status != OUTCOME_WAIVED)
            continue;
        which[i] = subject_control(fd->subject, fi->id, keys, nc);
        if (which[i] != UINT32_MAX) {
            out->rows[which[i]].nfindings++;
            total++;
        }
    }
    out->pool = vouch_calloc((size_t)total + 1, sizeof *out->pool);
    if (!out->pool)
        goto oom;
    uint32_t sum = 0;
    for (uint32_t c = 0; c < nc; c++) {
        at[c] = sum;
        out->rows[c].findings = out->pool + sum;
        sum += out->rows[c].nfindings;
    }
    for (uint32_t i = 0; i < r->nfindings; i++)
        if (which[i] != UINT32_MAX)
            out->pool[at[which[i]]++] = i;

    /* The rows of the selected controls, moved down in place (row c is read
     * before anything is written at or above it). */
    for (uint32_t c = 0; c < nc; c++) {
        if (!vouch_soa_selected(&fi->controls[c], only_attr, only_value)) {
            out->left_out += !only_attr;
            continue;
        }
        vouch_soa_row *row = &out->rows[out->nrows];
        *row = out->rows[c];
        const char *id = fi->controls[c].id ? fi->controls[c].id : "";
        row->control = c;
        row->coverage = &out->coverage.controls[c];
        row->entry = lookup(facts->entries, facts->nentries, sizeof *facts->entries, id);
        row->applicability = vouch_soa_mandatory(&fi->controls[c]) ? SOA_MANDATORY
                             : !row->entry ? SOA_UNSTATED
                             : row->entry->applicable ? SOA_APPLICABLE : SOA_EXCLUDED;
        if (row->entry && row->entry->owner)
            row->owner = lookup(facts->people, facts->npeople, sizeof *facts->people, row->entry->owner);
        row->evidence = lookup(facts->evidence, facts->nevidence, sizeof *facts->evidence, id);
        for (uint32_t k = 0; k < row->nfindings; k++) {
            if (r->findings[row->findings[k]].status == OUTCOME_WAIVED)
                row->waived++;
            else
                row->failing++;
        }
        out->applicability[row->applicability]++;
        out->status[row->coverage->status < COV__COUNT ? row->coverage->status : COV_NOT_ASSESSED]++;
        out->with_waivers += row->coverage->waived;
        out->with_failing += row->failing != 0;
        out->nrows++;
    }
    for (uint32_t i = 0; i < facts->nentries; i++)
        if (!lookup(keys, nc, sizeof *keys, facts->entries[i].control))
            out->stray[out->nstray++] = &facts->entries[i];
    vouch_free(keys);
    vouch_free(which);
    vouch_free(at);
    return VOUCH_OK;
oom:
    vouch_free(keys);
    vouch_free(which);
    vouch_free(at);
    vouch_soa_free(out);
    return no_memory(err);
}

/* ---- text for the writers ------------------------------------------------------- */


static void sb_puts(sbuf *b, const char *s) { sb_add(b, s ? s : "", strlen(s ? s : "")); }

static const char *sb_text(sbuf *b) { return b->p && !b->oom ? b->p : ""; }
static void sb_reset(sbuf *b) { b->n = 0; if (b->p) b->p[0] = 0; }

static const char *str_or(const char *s, const char *dflt) { return s && *s ? s : dflt; }

/* "theme: organizational; category: access", or "". */
static void attrs_text(sbuf *b, const vouch_control_info *ci)
{
    for (uint32_t a = 0; ci->attr_names && ci->attr_values && a < ci->nattrs; a++)
        sb_printf(b, "%s%s: %s", a ? "; " : "", str_or(ci->attr_names[a], "?"), str_or(ci->attr_values[a], ""));
}

static void control_ref_text(sbuf *b, const vouch_program *p, vouch_control_ref c)
{
    if (vouch_control_ref_valid(p, c))
        sb_printf(b, "%s/%s", p->frameworks[c.framework].id, p->frameworks[c.framework].controls[c.control].id);
    else
        sb_puts(b, "?");
}

/* "direct" or "via FW/C REL FW/C ...". */
static void reach_text(sbuf *b, const vouch_program *p, const vouch_reach *rc)
{
    if (rc->nhops == 0) {
        sb_puts(b, "direct");
        return;
    }
    sb_puts(b, "via ");
    control_ref_text(b, p, rc->origin);
    for (uint32_t h = 0; h < rc->nhops && h < VOUCH_CROSSWALK_MAX_HOPS; h++) {
        sb_printf(b, " %s ", vouch_relation_name(rc->hops[h].relation));
        control_ref_text(b, p, rc->hops[h].to);
    }
}

/* A rule's status as the source reports it: "satisfied with waivers",
 * "not assessed (skipped: ...)", "satisfied -> partial". */
static void source_status_text(sbuf *b, const vouch_program *p, const vouch_cov_source *src)
{
    const vouch_rule_info *ri = &p->rules[src->rule];
    sb_puts(b, vouch_cov_status_text(src->rule_status));
    if (src->waived)
        sb_puts(b, " with waivers");
    if (ri->skipped)
        sb_printf(b, " (skipped%s%s)", ri->skip_reason && *ri->skip_reason ? ": " : "",
                  ri->skip_reason ? ri->skip_reason : "");
    if (src->status != src->rule_status)
        sb_printf(b, " -> %s", vouch_cov_status_text(src->status));
}

/* "RULE (TITLE): STATUS, direct". */
static void source_text(sbuf *b, const vouch_program *p, const vouch_cov_source *src)
{
    const vouch_rule_info *ri = &p->rules[src->rule];
    sb_printf(b, "%s (%s): ", ri->id, str_or(ri->title, ""));
    source_status_text(b, p, src);
    sb_puts(b, ", ");
    reach_text(b, p, &src->reach);
    /* A two-hop link one shared pivot decides is weak (coverage.h). */
    if (src->reach.nhops == 2 && src->shared <= 1 && vouch_control_ref_valid(p, src->reach.hops[0].to))
        sb_printf(b, " (weak: the only shared %s control)", p->frameworks[src->reach.hops[0].to.framework].id);
}

/* The implementation status the soa row states (planned, implementing,
 * implemented), or "" when it states none. */
static const char *stated_status(const vouch_soa_row *row)
{
    return row->entry && row->entry->status ? row->entry->status : "";
}

/* For people: the stated status; "not stated" for an applicable control
 * whose row states none (6.1.3 d asks whether it is implemented), "" for
 * the others. */
static const char *stated_status_text(const vouch_soa_row *row)
{
    if (*stated_status(row))
        return stated_status(row);
    return row->applicability == SOA_APPLICABLE ? "not stated" : "";
}

/* "HOW; frequency: quarterly; RULE (TITLE): STATUS, direct; ..." or "... no rule maps it". */
static void implementation_text(sbuf *b, const vouch_soa *s, const vouch_soa_row *row)
{
    if (row->entry && row->entry->implementation && *row->entry->implementation)
        sb_printf(b, "%s; ", row->entry->implementation);
    if (row->entry && row->entry->frequency && *row->entry->frequency)
        sb_printf(b, "frequency: %s; ", row->entry->frequency);
    if (row->coverage->nsources == 0)
        sb_puts(b, "no rule maps it");
    for (uint32_t k = 0; k < row->coverage->nsources; k++) {
        if (k)
            sb_puts(b, "; ");
        source_text(b, s->program, &row->coverage->sources[k]);
    }
}

/* "kept in: LOCATION; 12 records, newest 2026-10-12 (1 failed); kinds: a, b"
 * or "none". */
static void evidence_text(sbuf *b, const vouch_soa_row *row)
{
    const vouch_soa_evidence *ev = row->evidence;
    if (row->entry && row->entry->evidence_location && *row->entry->evidence_location)
        sb_printf(b, "kept in: %s; ", row->entry->evidence_location);
    if (!ev || ev->count == 0) {
        sb_puts(b, "none");
        return;
    }
    char d[11];
    date_format(ev->newest, d);
    sb_printf(b, "%llu record%s, newest %s", (unsigned long long)ev->count, ev->count == 1 ? "" : "s", d);
    if (ev->failed)
        sb_printf(b, " (%llu failed)", (unsigned long long)ev->failed);
    for (uint32_t k = 0; k < ev->nkinds; k++)
        sb_printf(b, "%s%s", k ? ", " : "; kinds: ", ev->kinds[k]);
}

/* "P001 Maren Okafor (CISO)", "P017 (not in person)", "P001", or "none". */
static void owner_text(sbuf *b, const vouch_soa *s, const vouch_soa_row *row)
{
    if (!row->entry || !row->entry->owner || !*row->entry->owner) {
        sb_puts(b, "none");
        return;
    }
    sb_puts(b, row->entry->owner);
    if (row->owner) {
        if (row->owner->name && *row->owner->name)
            sb_printf(b, " %s", row->owner->name);
        if (row->owner->role && *row->owner->role)
            sb_printf(b, " (%s)", row->owner->role);
    } else if (s->facts->people_read) {
        sb_puts(b, " (not in the person table)");
    }
}

static void status_text(sbuf *b, const vouch_soa_row *row)
{
    sb_puts(b, vouch_cov_status_text(row->coverage->status));
    if (row->coverage->waived)
        sb_puts(b, ", with waivers");
}

/* One finding: "RULE SUBJECT (failing)" or "(waived until D)". */
static void finding_text(sbuf *b, const vouch_soa *s, uint32_t fi)
{
    const vouch_finding *fd = &s->results->findings[fi];
    const vouch_program *p = s->program;
    sb_printf(b, "%s %s", fd->rule < p->nrules ? p->rules[fd->rule].id : "?", fd->subject ? fd->subject : "");
    if (fd->status == OUTCOME_WAIVED && fd->waiver >= 0 && (uint32_t)fd->waiver < p->nwaivers) {
        char d[11];
        date_format(p->waivers[fd->waiver].until, d);
        sb_printf(b, " (waived until %s)", d);
    } else if (fd->status == OUTCOME_WAIVED) {
        sb_puts(b, " (waived)");
    } else if (fd->status == OUTCOME_STALE) {
        sb_puts(b, " (stale: evidence past its freshness)");
    } else {
        sb_puts(b, " (failing)");
    }
}

static void findings_text(sbuf *b, const vouch_soa *s, const vouch_soa_row *row)
{
    for (uint32_t k = 0; k < row->nfindings; k++) {
        if (k)
            sb_puts(b, "; ");
        finding_text(b, s, row->findings[k]);
    }
}

static void header_dates(const vouch_report *rep, char asof[11], char ps[11], char pe[11])
{
    date_format(rep->as_of, asof);
    date_format(rep->period_start, ps);
    date_format(rep->period_end, pe);
}

void vouch_soa_html_id(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') || *p == '.' ||
            *p == '-')
            fputc(*p, out);
        else
            fprintf(out, "_%02X", *p);
    }
}

/* The run's identity for people: "run <sha256>; facts <sha256> (N tables);
 * vouch V" (identity.h), and the sources as "<sha256> NAME; ..." (as
 * sha256sum writes them). Empty without an identity. */
static void identity_text(sbuf *b, const vouch_report *rep)
{
    const vouch_identity *id = rep->identity;
    if (!id)
        return;
    char run[65], facts[65];
    vouch_identity_hex(id->run, run);
    vouch_identity_hex(id->facts, facts);
    sb_printf(b, "run %s; facts %s (%u table%s); vouch %s", run, facts, id->ntables, id->ntables == 1 ? "" : "s",
              VOUCH_VERSION);
}

static void sources_text(sbuf *b, const vouch_report *rep)
{
    const vouch_identity *id = rep->identity;
    for (uint32_t i = 0; id && i < id->nsources; i++) {
        char hex[65];
        vouch_identity_hex(id->sources[i].sha256, hex);
        sb_printf(b, "%s%s ", i ? "; " : "", hex);
        sb_puts(b, id->sources[i].name);
    }
}

/* ---- 3a. Markdown ---------------------------------------------------------------- */

int vouch_soa_markdown(const vouch_report *rep, const vouch_soa *s, FILE *out)
{
    const vouch_program *p = s->program;
    const vouch_framework_info *fw = &p->frameworks[s->framework];
    char asof[11], ps[11], pe[11];
    header_dates(rep, asof, ps, pe);
    sbuf b = {NULL, 0, 0, 0};

    fputs("# Statement of Applicability: ", out);
    vouch_md_text(out, str_or(fw->title, fw->id), 0);
    fputs("\n\n- Framework: ", out);
    vouch_md_text(out, fw->id, 0);
    if (fw->version && *fw->version) {
        fputs(", version ", out);
        vouch_md_text(out, fw->version, 0);
    }
    if (fw->source && *fw->source) {
        fputs(" (source: ", out);
        vouch_md_text(out, fw->source, 0);
        fputc(')', out);
    }
    fputs("\n- Organisation: pack ", out);
    vouch_md_text(out, str_or(p->pack, "(unnamed)"), 0);
    if (p->pack_version && *p->pack_version) {
        fputc(' ', out);
        vouch_md_text(out, p->pack_version, 0);
    }
    fprintf(out, "\n- As of %s; audit period %s..%s; facts ", asof, ps, pe);
    vouch_md_text(out, rep->facts_path, 0);
    fprintf(out, "\n- Controls: %u", s->nrows);
    if (s->only_attr) {
        fputs(" with ", out);
        vouch_md_text(out, s->only_attr, 0);
        fputs(" = ", out);
        vouch_md_text(out, s->only_value, 0);
        fprintf(out, ", of the catalogue's %u", fw->ncontrols);
    }
    fprintf(out, " (%llu applicable, %llu excluded, %llu not stated",
            (unsigned long long)s->applicability[SOA_APPLICABLE], (unsigned long long)s->applicability[SOA_EXCLUDED],
            (unsigned long long)s->applicability[SOA_UNSTATED]);
    if (s->applicability[SOA_MANDATORY])
        fprintf(out, ", %llu mandatory", (unsigned long long)s->applicability[SOA_MANDATORY]);
    fputs(")\n", out);
    if (s->left_out)
        fprintf(out, "- Left out: the catalogue's %u mandatory requirement%s (kind clause), which every ISMS must "
                     "meet and no SoA may exclude (`--only kind=clause` lists them)\n",
                s->left_out, s->left_out == 1 ? "" : "s");
    fprintf(out, "- Status from the rules: %llu satisfied, %llu partial, %llu at risk, %llu not satisfied, "
                 "%llu not assessed; %llu with waivers; %llu with failing findings\n",
            (unsigned long long)s->status[COV_SATISFIED], (unsigned long long)s->status[COV_PARTIAL],
            (unsigned long long)s->status[COV_AT_RISK], (unsigned long long)s->status[COV_NOT_SATISFIED],
            (unsigned long long)s->status[COV_NOT_ASSESSED],
            (unsigned long long)s->with_waivers, (unsigned long long)s->with_failing);
    fprintf(out, "- Written by vouch %s\n", VOUCH_VERSION);
    if (rep->identity) {
        sb_reset(&b);
        identity_text(&b, rep);
        fputs("- Identity: ", out);
        vouch_md_text(out, sb_text(&b), 0);
        sb_reset(&b);
        sources_text(&b, rep);
        fputs("\n- Pack sources (SHA-256): ", out);
        vouch_md_text(out, sb_text(&b), 0);
        fputc('\n', out);
    }
    fputc('\n', out);

    fputs("| Control | Title | Applicable | Justification | Implementation | Implementation status | Evidence | Owner "
          "| Status from the rules |\n|---|---|---|---|---|---|---|---|---|\n", out);
    for (uint32_t i = 0; i < s->nrows; i++) {
        const vouch_soa_row *row = &s->rows[i];
        const vouch_control_info *ci = &fw->controls[row->control];
        fputs("| ", out);
        vouch_md_text(out, ci->id, 0);
        fputs(" | ", out);
        vouch_md_text(out, ci->title, 0);
        sb_reset(&b);
        attrs_text(&b, ci);
        if (b.n) {
            fputs(" (", out);
            vouch_md_text(out, sb_text(&b), 0);
            fputc(')', out);
        }
        fprintf(out, " | %s | ", vouch_soa_applicability_text(row->applicability));
        if (row->entry && row->entry->justification && *row->entry->justification)
            vouch_md_text(out, row->entry->justification, 0);
        else if (row->applicability == SOA_EXCLUDED)
            fputs("none given", out);
        fputs(" | ", out);
        sb_reset(&b);
        implementation_text(&b, s, row);
        vouch_md_text(out, sb_text(&b), 0);
        fputs(" | ", out);
        vouch_md_text(out, stated_status_text(row), 0);
        fputs(" | ", out);
        sb_reset(&b);
        evidence_text(&b, row);
        vouch_md_text(out, sb_text(&b), 0);
        fputs(" | ", out);
        sb_reset(&b);
        owner_text(&b, s, row);
        vouch_md_text(out, sb_text(&b), 0);
        fputs(" | ", out);
        sb_reset(&b);
        status_text(&b, row);
        if (row->nfindings) {
            sb_printf(&b, "; finding%s: ", row->nfindings == 1 ? "" : "s");
            findings_text(&b, s, row);
        }
        vouch_md_text(out, sb_text(&b), 0);
        fputs(" |\n", out);
    }
    if (s->nstray) {
        fputs("\nSoA rows naming no control of the catalogue:", out);
        for (uint32_t i = 0; i < s->nstray; i++) {
            fputs(i ? ", " : " ", out);
            vouch_md_text(out, s->stray[i]->control, 0);
        }
        fputc('\n', out);
    }
    if (s->facts->duplicates)
        fprintf(out, "\n%u duplicate SoA row%s ignored (the first row of each control counts).\n",
                s->facts->duplicates, s->facts->duplicates == 1 ? "" : "s");
    int oom = b.oom;
    vouch_free(b.p);
    return oom || ferror(out) ? -1 : 0;
}

/* ---- 3b. CSV --------------------------------------------------------------------- */

static const char *const CSV_COLUMNS[] = {
    "framework", "control", "title", "attributes", "applicable", "justification", "owner", "owner_name",
    "owner_role", "frequency", "how_implemented", "evidence_location", "implementation_status", "status", "with_waivers", "rules", "implementation", "findings_failing",
    "findings_waived", "findings", "evidence_count", "evidence_failed", "evidence_newest", "evidence_kinds",
    /* the run's identity, the same on every row (a CSV has no other place) */
    "vouch", "as_of", "period", "run_sha256", "facts_sha256", "sources",
};

static void csv_sep(FILE *out) { fputc(',', out); }

int vouch_soa_csv(const vouch_report *rep, const vouch_soa *s, FILE *out)
{
    const vouch_program *p = s->program;
    const vouch_framework_info *fw = &p->frameworks[s->framework];
    char asof[11], ps[11], pe[11];
    header_dates(rep, asof, ps, pe);
    sbuf b = {NULL, 0, 0, 0};
    for (size_t c = 0; c < sizeof CSV_COLUMNS / sizeof CSV_COLUMNS[0]; c++) {
        if (c)
            csv_sep(out);
        fputs(CSV_COLUMNS[c], out);
    }
    fputs("\r\n", out);
    for (uint32_t i = 0; i < s->nrows; i++) {
        const vouch_soa_row *row = &s->rows[i];
        const vouch_control_info *ci = &fw->controls[row->control];
        const vouch_soa_entry *e = row->entry;
        const vouch_soa_evidence *ev = row->evidence;
        vouch_csv_cell(out, fw->id);
        csv_sep(out);
        vouch_csv_cell(out, ci->id);
        csv_sep(out);
        vouch_csv_cell(out, ci->title);
        csv_sep(out);
        sb_reset(&b);
        attrs_text(&b, ci);
        vouch_csv_cell(out, sb_text(&b));
        csv_sep(out);
        fputs(vouch_soa_applicability_name(row->applicability), out);
        csv_sep(out);
        vouch_csv_cell(out, e ? e->justification : NULL);
        csv_sep(out);
        vouch_csv_cell(out, e ? e->owner : NULL);
        csv_sep(out);
        vouch_csv_cell(out, row->owner ? row->owner->name : NULL);
        csv_sep(out);
        vouch_csv_cell(out, row->owner ? row->owner->role : NULL);
        csv_sep(out);
        vouch_csv_cell(out, e ? e->frequency : NULL);
        csv_sep(out);
        vouch_csv_cell(out, e ? e->implementation : NULL);
        csv_sep(out);
        vouch_csv_cell(out, e ? e->evidence_location : NULL);
        csv_sep(out);
        vouch_csv_cell(out, stated_status(row));
        csv_sep(out);
        fputs(vouch_cov_status_name(row->coverage->status), out);
        csv_sep(out);
        fputs(row->coverage->waived ? "yes" : "no", out);
        csv_sep(out);
        sb_reset(&b);
        for (uint32_t k = 0; k < row->coverage->nsources; k++)
            sb_printf(&b, "%s%s", k ? "; " : "", p->rules[row->coverage->sources[k].rule].id);
        vouch_csv_cell(out, sb_text(&b));
        csv_sep(out);
        sb_reset(&b);
        for (uint32_t k = 0; k < row->coverage->nsources; k++) {
            if (k)
                sb_puts(&b, "; ");
            source_text(&b, p, &row->coverage->sources[k]);
        }
        vouch_csv_cell(out, sb_text(&b));
        fprintf(out, ",%u,%u,", row->failing, row->waived);
        sb_reset(&b);
        findings_text(&b, s, row);
        vouch_csv_cell(out, sb_text(&b));
        fprintf(out, ",%llu,%llu,", (unsigned long long)(ev ? ev->count : 0),
                (unsigned long long)(ev ? ev->failed : 0));
        if (ev && ev->count) {
            char d[11];
            date_format(ev->newest, d);
            fputs(d, out);
        }
        csv_sep(out);
        sb_reset(&b);
        for (uint32_t k = 0; ev && k < ev->nkinds; k++)
            sb_printf(&b, "%s%s", k ? "; " : "", ev->kinds[k]);
        vouch_csv_cell(out, sb_text(&b));
        fprintf(out, ",%s,%s,%s..%s,", VOUCH_VERSION, asof, ps, pe);
        if (rep->identity) {
            char hex[65];
            vouch_identity_hex(rep->identity->run, hex);
            fprintf(out, "%s,", hex);
            vouch_identity_hex(rep->identity->facts, hex);
            fprintf(out, "%s,", hex);
        } else {
            fputs(",,", out);
        }
        sb_reset(&b);
        sources_text(&b, rep);
        vouch_csv_cell(out, sb_text(&b));
        fputs("\r\n", out);
    }
    int oom = b.oom;
    vouch_free(b.p);
    return oom || ferror(out) ? -1 : 0;
}

/* ---- 3c. HTML -------------------------------------------------------------------- */

static const char HTML_STYLE[] =
    "<style>\n"
    ":root { --ink: #1b1f24; --muted: #57606a; --line: #d0d7de; --head: #f3f5f7; }\n"
    "* { box-sizing: border-box; }\n"
    "body { margin: 24px; color: var(--ink); background: #fff;\n"
    "  font: 13px/1.45 system-ui, -apple-system, \"Segoe UI\", Roboto, \"Helvetica Neue\", Arial, sans-serif; }\n"
    "h1 { font-size: 22px; margin: 0 0 4px; }\n"
    ".framework { font-size: 15px; margin: 0 0 12px; color: var(--muted); }\n"
    "dl.meta { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; margin: 0 0 16px; }\n"
    "dl.meta dt { font-weight: 600; }\n"
    "dl.meta dd { margin: 0; }\n"
    ".summary { display: flex; flex-wrap: wrap; gap: 16px; margin: 0 0 20px; }\n"
    "table.counts { border-collapse: collapse; }\n"
    "table.counts caption { text-align: left; font-weight: 600; padding: 0 0 4px; }\n"
    "table.counts th, table.counts td { border: 1px solid var(--line); padding: 3px 10px; text-align: left; }\n"
    "table.counts td { text-align: right; font-variant-numeric: tabular-nums; min-width: 3em; }\n"
    "table.soa { border-collapse: collapse; width: 100%; table-layout: fixed; }\n"
    "table.soa th, table.soa td { border: 1px solid var(--line); padding: 5px 7px; vertical-align: top;\n"
    "  text-align: left; overflow-wrap: anywhere; }\n"
    "table.soa thead th { background: var(--head); position: sticky; top: 0; }\n"
    "table.soa col.c-control { width: 14%; } table.soa col.c-app { width: 8%; }\n"
    "table.soa col.c-just { width: 13%; } table.soa col.c-impl { width: 19%; } table.soa col.c-done { width: 10%; }\n"
    "table.soa td.implementation-status { overflow-wrap: normal; }\n"
    "table.soa col.c-ev { width: 13%; } table.soa col.c-owner { width: 9%; } table.soa col.c-status { width: 14%; }\n"
    "tbody tr:nth-child(even) { background: #fafbfc; }\n"
    "tbody th.control { font-weight: normal; }\n"
    ".cid { font-weight: 700; white-space: nowrap; }\n"
    ".attrs, .kinds, .via, .none { color: var(--muted); font-size: 0.92em; }\n"
    ".attrs { display: block; }\n"
    "ul.rules, ul.findings { margin: 2px 0 0; padding-left: 16px; }\n"
    "code { font-family: ui-monospace, \"SFMono-Regular\", Menlo, Consolas, monospace; font-size: 0.92em; }\n"
    ".badge { display: inline-block; padding: 1px 7px; border-radius: 9px; border: 1px solid; font-weight: 600;\n"
    "  font-size: 0.92em; white-space: nowrap; }\n"
    ".st-satisfied { color: #116329; background: #dafbe1; border-color: #4ac26b; }\n"
    ".st-partial { color: #7d4e00; background: #fff8c5; border-color: #d4a72c; }\n"
    ".st-at_risk { color: #953800; background: #fff1e5; border-color: #fb8f44; }\n"
    ".st-not_satisfied { color: #a40e26; background: #ffebe9; border-color: #ff8182; }\n"
    ".st-not_assessed { color: #424a53; background: #f6f8fa; border-color: #afb8c1; }\n"
    ".app-yes { color: #0a3069; background: #ddf4ff; border-color: #54aeff; }\n"
    ".app-no { color: #424a53; background: #f6f8fa; border-color: #afb8c1; }\n"
    ".app-unstated { color: #a40e26; background: #ffebe9; border-color: #ff8182; }\n"
    ".app-mandatory { color: #0a3069; background: #f6f8fa; border-color: #54aeff; }\n"
    ".how, .location { display: block; margin-bottom: 2px; }\n"
    ".waivers { display: block; font-size: 0.92em; color: #7d4e00; margin-top: 2px; }\n"
    ".f-failing { color: #a40e26; } .f-waived { color: #7d4e00; }\n"
    ".notes { margin-top: 16px; color: var(--muted); }\n"
    "footer { margin-top: 16px; color: var(--muted); font-size: 0.92em; }\n"
    "@media print {\n"
    "  @page { size: A4 landscape; margin: 12mm; }\n"
    "  body { margin: 0; font-size: 10px; }\n"
    "  h1 { font-size: 17px; }\n"
    "  table.soa thead { display: table-header-group; }\n"
    "  table.soa thead th { position: static; }\n"
    "  table.soa tr { break-inside: avoid; page-break-inside: avoid; }\n"
    "  tbody tr:nth-child(even) { background: none; }\n"
    "  .badge, table.soa thead th { -webkit-print-color-adjust: exact; print-color-adjust: exact; }\n"
    "}\n"
    "</style>\n";

static void html_count(FILE *out, const char *id, const char *label, uint64_t n)
{
    fprintf(out, "<tr><th scope=\"row\">%s</th><td id=\"%s\" data-count=\"%llu\">%llu</td></tr>\n", label, id,
            (unsigned long long)n, (unsigned long long)n);
}

static void html_meta(FILE *out, const char *label, const char *value)
{
    fprintf(out, "<dt>%s</dt><dd>", label);
    vouch_xml_text(out, value, 0);
    fputs("</dd>\n", out);
}

static void html_status_badge(FILE *out, uint32_t status)
{
    fprintf(out, "<span class=\"badge st-%s\">%s</span>", vouch_cov_status_name(status),
            vouch_cov_status_text(status));
}

static void html_row(FILE *out, const vouch_soa *s, const vouch_soa_row *row, sbuf *b)
{
    const vouch_program *p = s->program;
    const vouch_framework_info *fw = &p->frameworks[s->framework];
    const vouch_control_info *ci = &fw->controls[row->control];
    const vouch_cov_control *cc = row->coverage;
    const vouch_soa_entry *e = row->entry;

    fputs("<tr id=\"ctl-", out);
    vouch_soa_html_id(out, ci->id);
    fputs("\" class=\"control\" data-control=\"", out);
    vouch_xml_text(out, ci->id, 0);
    fprintf(out, "\" data-status=\"%s\" data-applicable=\"%s\" data-waivers=\"%s\" data-failing=\"%u\" "
                 "data-waived=\"%u\" data-implementation-status=\"",
            vouch_cov_status_name(cc->status), vouch_soa_applicability_name(row->applicability),
            cc->waived ? "yes" : "no", row->failing, row->waived);
    vouch_xml_text(out, stated_status(row), 0);
    fputs("\">\n", out);

    /* control */
    fputs("<th scope=\"row\" class=\"control\"><span class=\"cid\">", out);
    vouch_xml_text(out, ci->id, 0);
    fputs("</span> <span class=\"title\">", out);
    vouch_xml_text(out, ci->title, 0);
    fputs("</span>", out);
    sb_reset(b);
    attrs_text(b, ci);
    if (b->n) {
        fputs("<span class=\"attrs\">", out);
        vouch_xml_text(out, sb_text(b), 0);
        fputs("</span>", out);
    }
    fputs("</th>\n", out);

    /* applicability, justification */
    fprintf(out, "<td class=\"applicable\"><span class=\"badge app-%s\">%s</span></td>\n",
            vouch_soa_applicability_name(row->applicability), vouch_soa_applicability_text(row->applicability));
    fputs("<td class=\"justification\">", out);
    if (e && e->justification && *e->justification)
        vouch_xml_text(out, e->justification, 0);
    else if (row->applicability == SOA_EXCLUDED)
        fputs("<span class=\"f-failing\">none given</span>", out);
    fputs("</td>\n", out);

    /* implementation */
    fputs("<td class=\"implementation\">", out);
    if (e && e->implementation && *e->implementation) {
        fputs("<span class=\"how\">", out);
        vouch_xml_text(out, e->implementation, 0);
        fputs("</span>", out);
    }
    if (e && e->frequency && *e->frequency) {
        fputs("Frequency: ", out);
        vouch_xml_text(out, e->frequency, 0);
    }
    if (cc->nsources == 0) {
        fputs(e && e->frequency && *e->frequency ? "<br>" : "", out);
        fputs("<span class=\"none\">no rule maps it</span>", out);
    } else {
        fputs("<ul class=\"rules\">", out);
        for (uint32_t k = 0; k < cc->nsources; k++) {
            const vouch_cov_source *src = &cc->sources[k];
            const vouch_rule_info *ri = &p->rules[src->rule];
            fputs("<li><code>", out);
            vouch_xml_text(out, ri->id, 0);
            fputs("</code> ", out);
            vouch_xml_text(out, ri->title, 0);
            fputs(": ", out);
            sb_reset(b);
            source_status_text(b, p, src);
            vouch_xml_text(out, sb_text(b), 0);
            sb_reset(b);
            reach_text(b, p, &src->reach);
            fputs(" <span class=\"via\">(", out);
            vouch_xml_text(out, sb_text(b), 0);
            fputs(")</span></li>", out);
        }
        fputs("</ul>", out);
    }
    fputs("</td>\n", out);

    /* implementation status, as stated */
    fputs("<td class=\"implementation-status\">", out);
    if (*stated_status(row))
        vouch_xml_text(out, stated_status(row), 0);
    else if (*stated_status_text(row))
        fprintf(out, "<span class=\"f-failing\">%s</span>", stated_status_text(row));
    fputs("</td>\n", out);

    /* evidence */
    fputs("<td class=\"evidence\">", out);
    if (e && e->evidence_location && *e->evidence_location) {
        fputs("<span class=\"location\">Kept in: ", out);
        vouch_xml_text(out, e->evidence_location, 0);
        fputs("</span>", out);
    }
    const vouch_soa_evidence *ev = row->evidence;
    if (!ev || ev->count == 0) {
        fputs("<span class=\"none\">none</span>", out);
    } else {
        char d[11];
        date_format(ev->newest, d);
        fprintf(out, "%llu record%s, newest <time datetime=\"%s\">%s</time>", (unsigned long long)ev->count,
                ev->count == 1 ? "" : "s", d, d);
        if (ev->failed)
            fprintf(out, " <span class=\"f-failing\">(%llu failed)</span>", (unsigned long long)ev->failed);
        if (ev->nkinds) {
            fputs("<span class=\"kinds\" style=\"display:block\">", out);
            for (uint32_t k = 0; k < ev->nkinds; k++) {
                fputs(k ? ", " : "", out);
                vouch_xml_text(out, ev->kinds[k], 0);
            }
            fputs("</span>", out);
        }
    }
    fputs("</td>\n", out);

    /* owner */
    fputs("<td class=\"owner\">", out);
    if (!e || !e->owner || !*e->owner) {
        fputs("<span class=\"none\">none</span>", out);
    } else {
        vouch_xml_text(out, e->owner, 0);
        if (row->owner) {
            if (row->owner->name && *row->owner->name) {
                fputs("<br>", out);
                vouch_xml_text(out, row->owner->name, 0);
            }
            if (row->owner->role && *row->owner->role) {
                fputs("<br><span class=\"attrs\" style=\"display:inline\">", out);
                vouch_xml_text(out, row->owner->role, 0);
                fputs("</span>", out);
            }
        } else if (s->facts->people_read) {
            fputs("<br><span class=\"f-failing\">not in the person table</span>", out);
        }
    }
    fputs("</td>\n", out);

    /* status */
    fputs("<td class=\"status\">", out);
    html_status_badge(out, cc->status);
    if (cc->waived)
        fputs("<span class=\"waivers\">with waivers</span>", out);
    if (row->nfindings) {
        fputs("<ul class=\"findings\">", out);
        for (uint32_t k = 0; k < row->nfindings; k++) {
            const vouch_finding *fd = &s->results->findings[row->findings[k]];
            fprintf(out, "<li class=\"%s\">", fd->status == OUTCOME_WAIVED ? "f-waived" : "f-failing");
            sb_reset(b);
            finding_text(b, s, row->findings[k]);
            vouch_xml_text(out, sb_text(b), 0);
            fputs("</li>", out);
        }
        fputs("</ul>", out);
    }
    fputs("</td>\n</tr>\n", out);
}

int vouch_soa_html(const vouch_report *rep, const vouch_soa *s, FILE *out)
{
    const vouch_program *p = s->program;
    const vouch_framework_info *fw = &p->frameworks[s->framework];
    char asof[11], ps[11], pe[11];
    header_dates(rep, asof, ps, pe);
    sbuf b = {NULL, 0, 0, 0};

    fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
          "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
          "<meta name=\"generator\" content=\"vouch " VOUCH_VERSION "\">\n<title>Statement of Applicability: ", out);
    vouch_xml_text(out, str_or(fw->title, fw->id), 0);
    fputs("</title>\n", out);
    fputs(HTML_STYLE, out);
    fputs("</head>\n<body>\n<header>\n<h1>Statement of Applicability</h1>\n<p class=\"framework\" id=\"framework\" "
          "data-framework=\"", out);
    vouch_xml_text(out, fw->id, 0);
    fputs("\">", out);
    vouch_xml_text(out, str_or(fw->title, fw->id), 0);
    fputs(" (<code>", out);
    vouch_xml_text(out, fw->id, 0);
    fputs("</code>", out);
    if (fw->version && *fw->version) {
        fputs(", version ", out);
        vouch_xml_text(out, fw->version, 0);
    }
    fputs(")</p>\n<dl class=\"meta\">\n", out);
    sb_reset(&b);
    sb_puts(&b, str_or(p->pack, "(unnamed)"));
    if (p->pack_version && *p->pack_version)
        sb_printf(&b, " %s", p->pack_version);
    html_meta(out, "Organisation pack", sb_text(&b));
    fprintf(out, "<dt>As of</dt><dd id=\"as-of\"><time datetime=\"%s\">%s</time></dd>\n", asof, asof);
    fprintf(out, "<dt>Audit period</dt><dd id=\"period\"><time datetime=\"%s\">%s</time> to "
                 "<time datetime=\"%s\">%s</time></dd>\n", ps, ps, pe, pe);
    html_meta(out, "Facts", rep->facts_path);
    if (fw->source && *fw->source)
        html_meta(out, "Catalogue source", fw->source);
    if (rep->identity) {   /* hex digits and a version, then the sources escaped */
        char hex[65];
        vouch_identity_hex(rep->identity->run, hex);
        fprintf(out, "<dt>Identity</dt><dd id=\"identity\" data-run=\"%s\">", hex);
        sb_reset(&b);
        identity_text(&b, rep);
        vouch_xml_text(out, sb_text(&b), 0);
        fputs("</dd>\n", out);
        sb_reset(&b);
        sources_text(&b, rep);
        html_meta(out, "Pack sources (SHA-256)", sb_text(&b));
    }
    if (s->only_attr) {
        sb_reset(&b);
        sb_printf(&b, "%u with %s = %s, of the catalogue's %u", s->nrows, s->only_attr,
                  s->only_value ? s->only_value : "", fw->ncontrols);
        html_meta(out, "Controls", sb_text(&b));
    }
    if (s->left_out) {
        sb_reset(&b);
        sb_printf(&b, "the catalogue's %u mandatory requirement%s (kind clause), which every ISMS must meet and "
                      "no SoA may exclude (--only kind=clause lists them)", s->left_out, s->left_out == 1 ? "" : "s");
        fprintf(out, "<dt>Left out</dt><dd id=\"left-out\" data-count=\"%u\">", s->left_out);
        vouch_xml_text(out, sb_text(&b), 0);
        fputs("</dd>\n", out);
    }
    fputs("</dl>\n<section class=\"summary\" id=\"summary\">\n", out);
    fputs("<table class=\"counts\" id=\"counts-applicability\">\n<caption>Applicability</caption>\n", out);
    html_count(out, "count-controls", "Controls", s->nrows);
    html_count(out, "count-applicable-yes", "Applicable", s->applicability[SOA_APPLICABLE]);
    html_count(out, "count-applicable-no", "Excluded", s->applicability[SOA_EXCLUDED]);
    html_count(out, "count-applicable-unstated", "Not stated", s->applicability[SOA_UNSTATED]);
    if (s->applicability[SOA_MANDATORY])
        html_count(out, "count-applicable-mandatory", "Mandatory", s->applicability[SOA_MANDATORY]);
    fputs("</table>\n<table class=\"counts\" id=\"counts-status\">\n<caption>Status from the rules</caption>\n", out);
    for (uint32_t st = 0; st < COV__COUNT; st++) {
        static const uint32_t order[COV__COUNT] = {COV_SATISFIED, COV_PARTIAL, COV_AT_RISK, COV_NOT_SATISFIED,
                                                            COV_NOT_ASSESSED};
        char id[48], label[48];
        snprintf(id, sizeof id, "count-status-%s", vouch_cov_status_name(order[st]));
        const char *t = vouch_cov_status_text(order[st]);
        snprintf(label, sizeof label, "%c%s", t[0] - 'a' + 'A', t + 1);
        html_count(out, id, label, s->status[order[st]]);
    }
    html_count(out, "count-waivers", "With waivers", s->with_waivers);
    html_count(out, "count-failing", "With failing findings", s->with_failing);
    fputs("</table>\n</section>\n</header>\n<main>\n", out);

    fputs("<table class=\"soa\" id=\"soa\">\n<colgroup><col class=\"c-control\"><col class=\"c-app\">"
          "<col class=\"c-just\"><col class=\"c-impl\"><col class=\"c-done\"><col class=\"c-ev\">"
          "<col class=\"c-owner\"><col class=\"c-status\"></colgroup>\n"
          "<thead><tr><th scope=\"col\">Control</th><th scope=\"col\">Applicable</th>"
          "<th scope=\"col\">Justification</th><th scope=\"col\">Implementation</th>"
          "<th scope=\"col\">Implementation status</th><th scope=\"col\">Evidence</th>"
          "<th scope=\"col\">Owner</th><th scope=\"col\">Status from the rules</th></tr></thead>\n"
          "<tbody id=\"soa-rows\">\n", out);
    for (uint32_t i = 0; i < s->nrows; i++)
        html_row(out, s, &s->rows[i], &b);
    fputs("</tbody>\n</table>\n", out);
    if (s->nstray || s->facts->duplicates) {
        fputs("<section class=\"notes\" id=\"notes\">\n", out);
        if (s->nstray) {
            fputs("<p id=\"stray\">SoA rows naming no control of the catalogue: ", out);
            for (uint32_t i = 0; i < s->nstray; i++) {
                fputs(i ? ", " : "", out);
                fputs("<code>", out);
                vouch_xml_text(out, s->stray[i]->control, 0);
                fputs("</code>", out);
            }
            fputs("</p>\n", out);
        }
        if (s->facts->duplicates)
            fprintf(out, "<p id=\"duplicates\">%u duplicate SoA row%s ignored (the first row of each control "
                         "counts).</p>\n", s->facts->duplicates, s->facts->duplicates == 1 ? "" : "s");
        fputs("</section>\n", out);
    }
    fprintf(out, "</main>\n<footer>Written by vouch %s as of %s. The status of each control comes from the rules "
                 "that map it, directly or through crosswalks; findings are those whose subject names the "
                 "control.</footer>\n</body>\n</html>\n", VOUCH_VERSION, asof);
    int oom = b.oom;
    vouch_free(b.p);
    return oom || ferror(out) ? -1 : 0;
}
