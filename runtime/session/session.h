/*
 * session.h: one run of packs against a facts store, from sources to
 * outcomes, as one object (in the spirit of SQLite's prepare/step):
 *
 *   s = vouch_session_new(&options)     as-of, period, explain, limits, ...
 *   vouch_session_compile(s, paths, n)  sources (or one .vbc) -> program,
 *                                       imports resolved beside the file,
 *                                       in the search path, in the packs dir
 *   vouch_session_open_store(s, path)   open, limits, bind as of the as-of
 *   vouch_session_run(s)                run (two threads when allowed), waivers
 *   vouch_session_program/results/identity/env   read what it made
 *   vouch_session_free(s)               frees all of it, once
 *
 * Every step returns a vouch_status and fills the caller's vouch_error;
 * nothing here prints. Diagnostics of the compiler go to the options' diag
 * callback. The steps run in that order, each once (but the run, which
 * may be repeated); a step out of order is VOUCH_EINPUT.
 *
 * Compile failures: diagnostics with errors give VOUCH_EINPUT and
 * vouch_session_compile_errors() > 0; a compiled program the verifier
 * rejects (a compiler bug) gives VOUCH_ERUNTIME; everything else (a file
 * that cannot be read, a bad .vbc) VOUCH_EINPUT or VOUCH_EIO with the
 * message.
 */
#ifndef VOUCH_SESSION_H
#define VOUCH_SESSION_H

#include <stdint.h>
#include "diag.h"
#include "error.h"
#include "facts.h"
#include "identity.h"
#include "program.h"
#include "report.h"
#include "vm.h"

typedef struct vouch_session vouch_session;
/* The compiler's symbol index (compiler.h), for editors. */
typedef struct vouch_symbols vouch_symbols;

typedef struct vouch_session_options {
    /* Dates, as day numbers (date.h). as_of 0: today (UTC). period_start
     * and period_end both 0: the default period (vouch_session_default_period).
     * A period that ends after the as-of is cut to it with period_to_date,
     * else refused (VOUCH_EINPUT): facts after the as-of are not seen. */
    int64_t as_of, period_start, period_end;
    int period_to_date;
    /* Compiling. */
    int explain;              /* an explain program, explained run (sources only) */
    int lint;                 /* report lint warnings (diagnostics) */
    int with_isms;            /* also import the standard fact model */
    const char *search_path;  /* colon-separated pack directories; NULL: $VOUCH_PATH */
    const char *packs_dir;    /* the installed standard packs, searched last; NULL or "": none */
    vouch_symbols *symbols;   /* non-NULL: the compiler fills this symbol index (editors) */
    vouch_diag_fn diag;       /* diagnostics (may be NULL) */
    void *diag_ctx;
    /* Called with the path of every source or program file read (NULL: none). */
    void (*on_source)(void *ctx, const char *path);
    void *on_source_ctx;
    /* The identity to add the sources and facts to; NULL: the session's own. */
    vouch_identity *identity;
    /* Running. */
    int threads;              /* 1: one thread; 0: two when the run allows it */
    uint64_t step_budget;     /* vm.h's vouch_run_env: 0 = the defaults */
    uint64_t memory_limit;
    uint64_t deadline_ns;
    uint32_t timeout_s;
    int keep_passes;
    const char *only_subject;
    uint32_t one_rule;
} vouch_session_options;

/* All zero: today, the default period, no limits beyond the defaults. */
void vouch_session_options_default(vouch_session_options *o);

/* The current date (UTC), as a day number. */
int64_t vouch_session_today(void);
/* The default audit period of an as-of: the four calendar quarters before
 * the as-of's quarter. */
void vouch_session_default_period(int64_t as_of, int64_t *start, int64_t *end);

/* NULL if out of memory or the dates are wrong (*err says which). */
vouch_session *vouch_session_new(const vouch_session_options *o, vouch_error *err);

/* 1 if the file at path starts with a compiled program's signature. */
int vouch_session_is_program_file(const char *path);

/* Compiles the pack files (or loads one .vbc file). No files: the standard
 * fact model alone. */
vouch_status vouch_session_compile(vouch_session *s, char *const *paths, int n, vouch_error *err);
/* Compiles one pack given as text (len bytes, copied; no NUL needed):
 * name is the file name messages and the identity give it, and where its
 * imports are looked for first. */
vouch_status vouch_session_compile_text(vouch_session *s, const char *name, const char *text, size_t len,
                                        vouch_error *err);
/* Instead of compiling: runs p, which stays the caller's (it must outlive
 * the session; vouch_session_take_program then returns NULL). For many
 * runs of one program (`vouch test`: one per test, each with its dates). */
vouch_status vouch_session_use_program(vouch_session *s, const vouch_program *p, vouch_error *err);

/* Errors and warnings the compiler reported through the diag callback. */
unsigned vouch_session_compile_errors(const vouch_session *s);
unsigned vouch_session_compile_warnings(const vouch_session *s);

/* Opens the store at path with the limits, binds the program as of the
 * as-of (an explained run takes its access paths from the schema alone,
 * so the rows its explanations show do not change from run to run), and
 * adds the facts and the dates to the identity, which is then finished. */
vouch_status vouch_session_open_store(vouch_session *s, const char *path, vouch_error *err);
/* vouch_session_open_store in two steps, for a caller that reads the store
 * before the program is bound (the SoA's own facts): open (with the limits
 * and access-path options), then bind. */
vouch_status vouch_session_open(vouch_session *s, const char *path, vouch_error *err);
vouch_status vouch_session_bind(vouch_session *s, vouch_error *err);

/* Runs every rule (or the focus's), then applies the waivers. A rule that
 * failed to run is in the results (errored), not an error of the run. Run
 * again (after another focus), the new results replace the old. */
vouch_status vouch_session_run(vouch_session *s, vouch_error *err);

/* What the next run keeps and explains: one_rule 0 every rule, r + 1 only
 * rule r; only_subject NULL every subject (vm.h's vouch_run_env). */
void vouch_session_set_focus(vouch_session *s, uint32_t one_rule, const char *only_subject);

const vouch_program *vouch_session_program(const vouch_session *s);
/* The program, now the caller's (vouch_program_free): the session forgets it. */
vouch_program *vouch_session_take_program(vouch_session *s);
vouch_facts *vouch_session_facts(const vouch_session *s);
vouch_results *vouch_session_results(vouch_session *s);
vouch_identity *vouch_session_identity(vouch_session *s);
/* The run's environment: dates, limits, explain. */
const vouch_run_env *vouch_session_env(const vouch_session *s);
/* What the report writers read of s's last run (report.h): the program,
 * the results after waivers, the dates, the identity, and facts_path as
 * the reports name the store. fail_on SEV_INFO, no soft allowance, no
 * baseline: the caller sets those it has. Every command and the public
 * API start their reports here, so a writer never sees a run described
 * two ways. */
void vouch_session_report(vouch_session *s, const char *facts_path, vouch_report *out);

void vouch_session_free(vouch_session *s);

/* A pack source's bytes, NUL-terminated (free() them), or NULL with errno
 * saying why. Past the source size limit the rest is not read: the
 * compiler reports it. Also for tools that read sources without compiling
 * them (vouch fmt). */
char *vouch_session_read_source(const char *path, size_t *len);

#endif
