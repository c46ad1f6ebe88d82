/*
 * soa.h: the Statement of Applicability (SoA) of one framework: `vouch soa`.
 *
 * For each control of the framework's catalogue (the packs' `framework`
 * declaration) the SoA says whether it applies (the facts store's `soa`
 * table), why (the justification), how it is implemented (as the soa row
 * states it, its frequency, its catalogue attributes and the rules that
 * map it or reach it through crosswalks), whether it is implemented yet
 * (the soa row's status), where the evidence is (the soa row's evidence
 * location, and the `evidence` rows for it collected on or before the
 * as-of date: how many, how many failed, the newest date and the kinds),
 * who owns it (the `soa` owner, named from `person` when the store has
 * that table), and its status from the rules (coverage.h:
 * satisfied, partial, not satisfied or not assessed, marked when it rests
 * on waived findings), with the failing and waived findings whose subject
 * names the control ("iso27001-2022/A.8.13@2026Q2").
 *
 * Three steps, so each can be tested alone:
 *   1. vouch_soa_read reads the facts the SoA needs from the store through
 *      the plan API (facts.h) with programs of its own, into a
 *      vouch_soa_facts; a test can fill one by hand with the _add functions;
 *   2. vouch_soa_build joins the catalogue, the run's results (coverage) and
 *      those facts into one row per control that is an SoA item: by
 *      default every control but the mandatory requirements (a catalogue
 *      marks them `kind clause`: ISO/IEC 27001's clauses 4 to 10, which no
 *      organisation may exclude), or every control with a given attribute
 *      (`--only kind=annex_a`, `--only kind=clause`);
 *   3. the writers print it as Markdown, CSV (RFC 4180) or one
 *      self-contained HTML page. docs/soa.md describes all three.
 *
 * Ownership: a vouch_soa_facts owns copies of every text it holds (free it
 * with vouch_soa_facts_free); a vouch_soa borrows the program, the results
 * and the facts it was built from (they must outlive it) and owns the rest
 * (vouch_soa_free). Nothing here prints except the writers, to their FILE.
 */
#ifndef VOUCH_SOA_H
#define VOUCH_SOA_H

#include <stdint.h>
#include <stdio.h>
#include "program.h"
#include "vm.h"
#include "facts.h"
#include "coverage.h"
#include "report.h"

/* ---- 1. the facts ----------------------------------------------------------- */

typedef enum vouch_soa_applicability {
    SOA_APPLICABLE = 0,      /* the soa row says applicable */
    SOA_EXCLUDED,            /* the soa row says not applicable */
    SOA_UNSTATED,            /* the soa table has no row for the control */
    SOA_MANDATORY,           /* a mandatory requirement (vouch_soa_mandatory): not excludable */
    SOA__COUNT
} vouch_soa_applicability;

/* One row of the soa table. */
typedef struct vouch_soa_entry {
    char *control;           /* first member: the sort key */
    uint8_t applicable;      /* 1 or 0 */
    char *justification;     /* NULL if none */
    char *owner;             /* NULL if none */
    char *frequency;         /* NULL if none */
    char *implementation;    /* how the control is implemented; NULL if none */
    char *evidence_location; /* where its evidence is kept; NULL if none */
    char *status;            /* planned, implementing, implemented; NULL if none */
} vouch_soa_entry;

/* The seed columns of an auditor's SoA beyond applicability, reason, owner
 * and frequency (issue 16), as one soa row states them; any may be NULL. */
typedef struct vouch_soa_stated {
    const char *implementation;
    const char *evidence_location;
    const char *status;
} vouch_soa_stated;

/* The evidence rows of one control, summed up. */
typedef struct vouch_soa_evidence {
    char *control;           /* first member: the sort key */
    uint64_t count;          /* rows */
    uint64_t failed;         /* rows whose result is not `pass` */
    int64_t newest;          /* the latest collected_on (day number) */
    uint32_t nkinds, capkinds;
    char **kinds;            /* distinct kinds, sorted bytewise */
} vouch_soa_evidence;

/* One row of the person table. */
typedef struct vouch_soa_person {
    char *id;                /* first member: the sort key */
    char *name;              /* NULL if none */
    char *role;              /* NULL if none */
} vouch_soa_person;

typedef struct vouch_soa_facts {
    uint32_t nentries, capentries;
    vouch_soa_entry *entries;    /* sorted by control */
    uint32_t nevidence, capevidence;
    vouch_soa_evidence *evidence; /* sorted by control */
    uint32_t npeople, cappeople;
    vouch_soa_person *people;    /* sorted by id */
    uint32_t duplicates;         /* soa rows for a control already read (the first one counts) */
    uint8_t people_read;         /* 1: the store's person table was read */
} vouch_soa_facts;

/* Each copies its texts (NULL stays NULL for the optional ones; stated may
 * be NULL: none of its columns) and keeps
 * the arrays sorted; VOUCH_ENOMEM is the only failure. A second entry for a
 * control is counted in duplicates and otherwise ignored; a second person
 * with one id likewise (not counted). */
vouch_status vouch_soa_facts_add_entry(vouch_soa_facts *f, const char *control, int applicable,
                                       const char *justification, const char *owner, const char *frequency,
                                       const vouch_soa_stated *stated, vouch_error *err);
vouch_status vouch_soa_facts_add_evidence(vouch_soa_facts *f, const char *control, const char *kind,
                                          int64_t collected_on, int passed, vouch_error *err);
vouch_status vouch_soa_facts_add_person(vouch_soa_facts *f, const char *id, const char *name, const char *role,
                                        vouch_error *err);
void vouch_soa_facts_free(vouch_soa_facts *f);

/* Reads, for framework, the soa rows and the evidence rows collected on or
 * before as_of, and every person, from store through plans of its own
 * (facts.h); the store is the only place SQL lives. The tables are read as
 * the fact model declares them (model: the packs' program, or the standard
 * fact model compiled alone; required), each table and field found by
 * name, so the SoA sees what the rules see: the same stored values checked
 * (a value that does not fit its declaration in a column the SoA reads is
 * VOUCH_EINPUT naming table, key, column and value, never used as it is),
 * the same `dated by`. soa.c's opening comment lists what the SoA reads of
 * each fact; a fact or field the model lacks, or declares with another
 * type, is VOUCH_EINPUT naming the fact and the field, before anything is
 * read. soa and evidence must be declared and exist in the store; person
 * is optional (not declared or not in the store: owners are shown by id
 * only, and people_read stays 0), and so are soa's implementation,
 * evidence_location and status (a model that does not declare them, as
 * packs written before issue 16 may, shows them as none). With id, the digests of the tables read
 * are added to it (identity.h). Binds store to programs that are freed
 * before it returns: bind the store again before running anything else on
 * it. out is emptied first; VOUCH_EINPUT for no model, a missing table or
 * column or a bad stored value, VOUCH_ENOMEM. */
struct vouch_identity;
vouch_status vouch_soa_read(vouch_facts *store, const vouch_program *model, const char *framework, int64_t as_of,
                            struct vouch_identity *id, vouch_soa_facts *out, vouch_error *err);

/* ---- 2. the rows ------------------------------------------------------------- */

typedef struct vouch_soa_row {
    uint32_t control;                  /* index into the framework's controls */
    uint8_t applicability;             /* vouch_soa_applicability */
    const vouch_soa_entry *entry;      /* the soa row; NULL when unstated */
    const vouch_soa_person *owner;     /* the entry's owner in person; NULL if not found */
    const vouch_soa_evidence *evidence; /* NULL when there is none */
    const vouch_cov_control *coverage; /* status and the rules behind it */
    uint32_t nfindings;                /* failing and waived findings naming the control */
    const uint32_t *findings;          /* indices into results->findings, in results order */
    uint32_t failing, waived;          /* of those, how many still fail / are waived */
} vouch_soa_row;

typedef struct vouch_soa {
    const vouch_program *program;
    const vouch_results *results;
    const vouch_soa_facts *facts;
    uint32_t framework;                /* index into program->frameworks */
    const char *only_attr, *only_value; /* the selection (borrowed), or NULL: every SoA item */
    uint32_t left_out;                 /* without a selection: the mandatory requirements left out */
    vouch_coverage coverage;           /* owned */
    uint32_t nrows;                    /* the (selected) controls, in catalogue order */
    vouch_soa_row *rows;
    uint64_t applicability[SOA__COUNT]; /* rows per applicability */
    uint64_t status[COV__COUNT];       /* rows per status */
    uint64_t with_waivers;             /* rows whose status rests on waived findings */
    uint64_t with_failing;             /* rows with at least one failing finding */
    uint32_t nstray;                   /* soa entries naming no control of the catalogue */
    const vouch_soa_entry **stray;     /* in control order */
    uint32_t *pool;                    /* owner of every rows[i].findings */
} vouch_soa;

/* Builds the SoA of framework fw from the results of running p (after
 * vouch_apply_waivers) and the facts: a row for each control of the
 * catalogue that is not a mandatory requirement (counted in left_out) or,
 * when only_attr is not NULL, for each control whose attribute only_attr
 * is only_value (both borrowed). A mandatory requirement's row is
 * SOA_MANDATORY whatever the soa table says. SoA entries naming a
 * control the catalogue does not declare are listed in stray whatever the
 * selection. VOUCH_EINPUT if fw is out of range, VOUCH_ENOMEM. */
vouch_status vouch_soa_build(const vouch_program *p, const vouch_results *r, uint32_t fw,
                             const vouch_soa_facts *facts, const char *only_attr, const char *only_value,
                             vouch_soa *out, vouch_error *err);
/* 1 if control ci has attribute only_attr = only_value; with only_attr
 * NULL, 1 if ci is not a mandatory requirement. */
int vouch_soa_selected(const vouch_control_info *ci, const char *only_attr, const char *only_value);
/* 1 if ci is a mandatory requirement: its catalogue attribute kind is
 * `clause` (rules/catalogues/iso27001-2022.vouch marks clauses 4 to 10
 * so). Requirements are not SoA items: ISO/IEC 27001 6.1.3 d asks the
 * SoA about the Annex A controls, and every clause applies. */
int vouch_soa_mandatory(const vouch_control_info *ci);
void vouch_soa_free(vouch_soa *s);

/* "yes", "no", "unstated", "mandatory" (CSV and HTML attributes);
 * "applicable", "excluded", "not stated", "mandatory" (for people). */
const char *vouch_soa_applicability_name(uint32_t a);
const char *vouch_soa_applicability_text(uint32_t a);

/* ---- 3. the writers ---------------------------------------------------------- */

/* Each returns 0, or -1 if writing failed or memory ran out. rep gives the
 * run header (program, as-of, period, facts path). */
int vouch_soa_markdown(const vouch_report *rep, const vouch_soa *s, FILE *out);
int vouch_soa_csv(const vouch_report *rep, const vouch_soa *s, FILE *out);
int vouch_soa_html(const vouch_report *rep, const vouch_soa *s, FILE *out);

/* Text goes through escape.h (vouch_csv_cell, vouch_xml_text,
 * vouch_md_text), as in every other writer. */
/* An HTML id or id fragment: ASCII letters, digits, '.' and '-' as they
 * are, every other byte as _XX (hex), so distinct texts give distinct ids. */
void vouch_soa_html_id(FILE *out, const char *s);

#endif
