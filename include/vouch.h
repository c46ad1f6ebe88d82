/*
 * vouch.h: the public interface of libvouch, the vouch rules engine as a
 * library. This is the only header an embedder includes; it needs nothing
 * else of vouch, compiles as C (C89 or later) and as C++ (C++98 or later),
 * and every symbol the library exports is declared here and named
 * vouch_*. docs/api.md is the manual, with a complete example
 * (examples/embed/embed.c).
 *
 * One run goes like the command line's `vouch check`:
 *
 *   vouch *v = vouch_new(&err);                    options at their defaults
 *   vouch_set_as_of(v, "2026-11-21", &err);        options (before compiling)
 *   vouch_compile_files(v, paths, n, &err);        packs -> program, imports resolved
 *   vouch_load_csv(v, "org.db", csvs, m, 0, &err); (optional) facts into a store
 *   vouch_open_store(v, "org.db", &err);           open, bind as of the as-of
 *   vouch_run(v, &err);                            every rule, then the waivers
 *   vouch_outcome_count / vouch_outcome_at         read what came out
 *   vouch_write_report(v, "sarif", stdout, &err);  or a report in any format
 *   vouch_close(v);                                frees all of it, once
 *
 * Ownership: a vouch handle owns everything it hands out (strings, outcome
 * records); they stay valid until the next vouch_run or vouch_close of that
 * handle. Strings passed in are copied or used only during the call.
 *
 * Errors: every function that can fail returns a vouch_status and, when it
 * is not VOUCH_OK, fills the vouch_error the caller passed (err may be
 * NULL). Nothing in the library prints: compile diagnostics go to the
 * callback set with vouch_set_diagnostics. The steps run in the order
 * above, each once except vouch_run; a step out of order is VOUCH_EINPUT.
 * A handle is used by one thread at a time; separate handles are
 * independent (a run may use a second thread of its own, vouch_set_threads).
 */
#ifndef VOUCH_H
#define VOUCH_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#if defined(__GNUC__) && __GNUC__ >= 4
#define VOUCH_API __attribute__((visibility("default")))
#else
#define VOUCH_API
#endif

#ifdef __cplusplus
extern "C" {
#endif

/* ---- version ------------------------------------------------------------ */

/* The version of this header. vouch_version() gives the library's, which
 * may differ when a program runs against a newer shared library. */
#define VOUCH_VERSION_MAJOR 0
#define VOUCH_VERSION_MINOR 1
#define VOUCH_VERSION_PATCH 0
#define VOUCH_VERSION_STRING "0.1.0"
#define VOUCH_VERSION_NUMBER (VOUCH_VERSION_MAJOR * 10000 + VOUCH_VERSION_MINOR * 100 + VOUCH_VERSION_PATCH)

/* "MAJOR.MINOR.PATCH" of the library linked; static storage. */
VOUCH_API const char *vouch_version(void);

/* ---- errors --------------------------------------------------------------- */

typedef enum vouch_status {
    VOUCH_OK = 0,
    VOUCH_EINPUT,    /* bad input: facts, store, file, program (exit 2) */
    VOUCH_ERUNTIME,  /* a rule failed to evaluate (overflow, budget, ...) */
    VOUCH_ENOMEM,
    VOUCH_EIO
} vouch_status;

/* What went wrong: the status again and one line of text (NUL-terminated,
 * control characters escaped). A CSV load's message may hold several
 * lines, one per bad cell ("file:row:column: error: ..."). */
typedef struct vouch_error {
    vouch_status status;
    char msg[1024];
} vouch_error;

/* "ok", "input", "runtime", "nomem", "io"; "unknown" for another value. */
VOUCH_API const char *vouch_status_name(vouch_status s);

/* ---- the handle and its options ------------------------------------------ */

/* One run of packs against a facts store. Opaque. */
typedef struct vouch vouch;

/* A new handle with every option at its default: the as-of is today (UTC),
 * the period the four calendar quarters before the as-of's quarter, two
 * threads when the run allows it, the default limits, imports searched in
 * $VOUCH_PATH and then in the installed standard packs (the library of
 * `make install` knows where it put them), findings of every severity
 * fail the run. NULL only when out of memory (err says so). */
VOUCH_API vouch *vouch_new(vouch_error *err);

/* Frees the handle and everything it owns. NULL is allowed. */
VOUCH_API void vouch_close(vouch *v);

/* The options below must be set before vouch_compile_files (the dates, the
 * limits and the search path shape the compilation and the binding);
 * afterwards they fail with VOUCH_EINPUT, but for vouch_set_fail_on and
 * vouch_set_allow_soft, which only change what fails the run and may be
 * set at any time. */

/* The as-of date, "YYYY-MM-DD"; NULL: today. Facts dated after it are not
 * seen. Resets the period to the as-of's default unless one was set. */
VOUCH_API vouch_status vouch_set_as_of(vouch *v, const char *date, vouch_error *err);

/* The audit period, first and last day inclusive ("YYYY-MM-DD" each); both
 * NULL: the default period of the as-of. A period that ends after the
 * as-of is refused (VOUCH_EINPUT), or with to_date = 1 cut to the as-of.
 * Checked against the as-of when the packs are compiled. */
VOUCH_API vouch_status vouch_set_period(vouch *v, const char *start, const char *end, int to_date,
                                        vouch_error *err);

/* 1: run on one thread; 0 (the default): on two when the run allows it.
 * The outcomes are the same either way. */
VOUCH_API vouch_status vouch_set_threads(vouch *v, int threads, vouch_error *err);

typedef enum vouch_limit {
    VOUCH_LIMIT_STEPS = 0,   /* instructions one rule may execute (also the store's SQL steps) */
    VOUCH_LIMIT_MEMORY,      /* bytes the run may hold (findings, texts) */
    VOUCH_LIMIT_TIMEOUT      /* seconds, counted from vouch_compile_files */
} vouch_limit;

/* Sets a limit; 0 restores its default (docs/limits.md). A rule that hits
 * the step limit or the timeout ends with an error outcome; the run goes
 * on with the next rule. */
VOUCH_API vouch_status vouch_set_limit(vouch *v, vouch_limit which, uint64_t value, vouch_error *err);

/* Where `import "NAME"` looks after the importing file's own directory:
 * search_path is a colon-separated list of directories (NULL: $VOUCH_PATH),
 * then packs_dir (NULL or "": none; the default is the installed standard
 * packs' directory). Both strings are copied. */
VOUCH_API vouch_status vouch_set_search_path(vouch *v, const char *search_path, vouch_error *err);
VOUCH_API vouch_status vouch_set_packs_dir(vouch *v, const char *packs_dir, vouch_error *err);

/* 1: compile the packs for explanations, which the HTML and OSCAL reports
 * (and JSON and text) then show for each finding, as `vouch check
 * --explain` does. Slower; needs the packs' sources. Default 0. */
VOUCH_API vouch_status vouch_set_explain(vouch *v, int on, vouch_error *err);

typedef enum vouch_severity_level {
    VOUCH_SEVERITY_INFO = 0,
    VOUCH_SEVERITY_LOW,
    VOUCH_SEVERITY_MEDIUM,
    VOUCH_SEVERITY_HIGH,
    VOUCH_SEVERITY_CRITICAL
} vouch_severity_level;

typedef enum vouch_enforcement_level {
    VOUCH_ENFORCEMENT_SOFT = 0,  /* fails the run at or above the fail-on severity */
    VOUCH_ENFORCEMENT_ADVISORY,  /* never fails the run */
    VOUCH_ENFORCEMENT_HARD       /* always fails the run */
} vouch_enforcement_level;

/* Soft rules' findings fail the run at or above this severity (default
 * VOUCH_SEVERITY_INFO: all of them), as `vouch check --fail-on`. */
VOUCH_API vouch_status vouch_set_fail_on(vouch *v, vouch_severity_level min, vouch_error *err);
/* 1: soft rules' findings never fail the run (`--allow-soft`). */
VOUCH_API vouch_status vouch_set_allow_soft(vouch *v, int on, vouch_error *err);

/* ---- diagnostics ----------------------------------------------------------- */

typedef enum vouch_diagnostic_severity {
    VOUCH_DIAGNOSTIC_ERROR = 0,
    VOUCH_DIAGNOSTIC_WARNING,
    VOUCH_DIAGNOSTIC_NOTE
} vouch_diagnostic_severity;

/* One message of the compiler about the packs. Valid during the callback
 * only; the library may add members at the end (never allocate one). */
typedef struct vouch_diagnostic {
    vouch_diagnostic_severity severity;
    const char *file;        /* the pack file, or NULL when the message has no position */
    unsigned line, column;   /* 1-based, column in bytes; 0 without a position */
    const char *message;     /* "unknown fact type `evidense`" */
    const char *hint;        /* "did you mean `evidence`?", or NULL */
    const char *text;        /* all of it as `vouch` prints it: "file:line:col: error: ...",
                              * the source line with a caret, the hint; ends with a newline */
} vouch_diagnostic;

typedef void (*vouch_diagnostic_fn)(void *ctx, const vouch_diagnostic *d);

/* Where the compiler's errors and warnings go (fn NULL: nowhere). Without
 * a callback a compile that fails still says how many errors it had. */
VOUCH_API vouch_status vouch_set_diagnostics(vouch *v, vouch_diagnostic_fn fn, void *ctx, vouch_error *err);

/* ---- compiling ----------------------------------------------------------- */

/* Compiles the pack files (each a path; or one compiled .vbc program, as
 * `vouch compile` writes). Imports are resolved beside the importing
 * file, then in the search path, then in the packs directory. n == 0
 * compiles the standard fact model alone. Errors in the packs: VOUCH_EINPUT,
 * each reported to the diagnostics callback, and vouch_compile_errors()
 * says how many; a file that cannot be read: VOUCH_EIO. */
VOUCH_API vouch_status vouch_compile_files(vouch *v, const char *const *paths, size_t n, vouch_error *err);

/* Compiles one pack given as text (len bytes; it need not be NUL-
 * terminated). name is how messages call it, and its directory is where
 * its imports are looked for first. */
VOUCH_API vouch_status vouch_compile_source(vouch *v, const char *name, const char *text, size_t len,
                                            vouch_error *err);

/* Errors and warnings of the last compilation. */
VOUCH_API unsigned vouch_compile_errors(const vouch *v);
VOUCH_API unsigned vouch_compile_warnings(const vouch *v);

/* ---- facts ------------------------------------------------------------------ */

/* Loads CSV files into the facts store at store_path (created if missing)
 * with the fact types the compiled packs declare, as `vouch load` does:
 * each file's base name names its table (evidence.csv -> evidence), its
 * header row the columns; every cell is checked against its declared type,
 * and a bad one fails the load (VOUCH_EINPUT, err naming file, row and
 * column) with nothing written. replace = 1 empties each loaded table
 * first. Needs vouch_compile_*; may be called before vouch_open_store. */
VOUCH_API vouch_status vouch_load_csv(vouch *v, const char *store_path, const char *const *csv_paths, size_t n,
                                      int replace, vouch_error *err);

/* Opens the facts store at path (read only) and binds the compiled packs to
 * it as of the as-of. A store that is missing, damaged or does not hold
 * what the packs declare is VOUCH_EINPUT. path may be a PostgreSQL
 * connection string (docs/postgres.md). */
VOUCH_API vouch_status vouch_open_store(vouch *v, const char *path, vouch_error *err);

/* ---- running ---------------------------------------------------------------- */

/* Runs every rule and applies the packs' waivers. A rule that fails to
 * evaluate is an outcome of kind VOUCH_OUTCOME_ERROR, not an error of the
 * run; the run itself fails only on running out of memory or a store that
 * cannot be read. May be called again: the new outcomes replace the old
 * (and every pointer the handle gave out before is invalid). */
VOUCH_API vouch_status vouch_run(vouch *v, vouch_error *err);

/* ---- outcomes ------------------------------------------------------------------ */

typedef enum vouch_outcome_kind {
    VOUCH_OUTCOME_FAIL = 0,          /* a finding */
    VOUCH_OUTCOME_WAIVED,            /* a finding a current waiver covers */
    VOUCH_OUTCOME_NOT_APPLICABLE,    /* the subject is out of the rule's scope: message says why */
    VOUCH_OUTCOME_ERROR,             /* the rule stopped with an error: message says which */
    VOUCH_OUTCOME_STALE              /* it passed only on evidence past its freshness: message names it */
} vouch_outcome_kind;

/* What became of one (rule, subject) that did not simply pass; passes are
 * only counted (vouch_rule_at). Owned by the handle, valid until the next
 * vouch_run or vouch_close; the library may add members at the end. */
typedef struct vouch_outcome {
    vouch_outcome_kind kind;
    const char *rule;                /* the rule's id */
    const char *subject;             /* what it judged ("" for VOUCH_OUTCOME_ERROR) */
    const char *message;
    vouch_severity_level severity;   /* the rule's, after any importing pack's override */
    vouch_enforcement_level enforcement;
    int blocking;                    /* 1: this finding fails the run (exit 1 of `vouch check`) */
    const char *file;                /* where the rule is declared */
    unsigned line, column;
    const char *waiver_reason;       /* the waiver's `because` when one matched, else NULL */
} vouch_outcome;

/* After vouch_run: how many outcomes, and the i-th (NULL when i is out of
 * range or nothing ran). They come in rule order (the packs' order), each
 * rule's error first, then its findings sorted by subject then message:
 * the order of `vouch check --format json`'s findings. */
VOUCH_API size_t vouch_outcome_count(const vouch *v);
VOUCH_API const vouch_outcome *vouch_outcome_at(const vouch *v, size_t i);
/* "fail", "waived", "not_applicable", "error", "stale" (the JSON report's names). */
VOUCH_API const char *vouch_outcome_kind_name(vouch_outcome_kind k);
/* "info" ... "critical"; "advisory", "soft", "hard". */
VOUCH_API const char *vouch_severity_level_name(vouch_severity_level s);
VOUCH_API const char *vouch_enforcement_level_name(vouch_enforcement_level e);

/* One rule's totals after vouch_run. Same lifetime as an outcome. */
typedef struct vouch_rule_summary {
    const char *id;
    const char *title;
    const char *pack;
    vouch_severity_level severity;
    vouch_enforcement_level enforcement;
    int skipped;                     /* an importing pack skips it: nothing ran */
    int errored;                     /* it stopped with an error (an outcome says which) */
    uint64_t passed, failed, waived, not_applicable;
    uint64_t stale;                  /* passes that rested only on evidence past its freshness */
} vouch_rule_summary;

VOUCH_API size_t vouch_rule_count(const vouch *v);
VOUCH_API const vouch_rule_summary *vouch_rule_at(const vouch *v, size_t i);

/* How many outcomes fail the run (blocking), and how many rules errored.
 * `vouch check` exits 2 when a rule errored, else 1 when something is
 * blocking, else 0. */
VOUCH_API size_t vouch_failing(const vouch *v);
VOUCH_API size_t vouch_errored(const vouch *v);

/* ---- reports ------------------------------------------------------------------- */

/* Writes the run's report in format "text", "json", "tsv", "sarif",
 * "junit", "oscal", "markdown" or "html", byte for byte what `vouch check
 * --format FORMAT` writes for the same run (docs/outputs.md). An unknown
 * format is VOUCH_EINPUT; a failed write VOUCH_EIO (out is not closed). */
VOUCH_API vouch_status vouch_write_report(const vouch *v, const char *format, FILE *out, vouch_error *err);
/* The same into the file at path, whole or not at all: written beside it
 * under a temporary name, then renamed over it. */
VOUCH_API vouch_status vouch_write_report_file(const vouch *v, const char *format, const char *path,
                                               vouch_error *err);

#ifdef __cplusplus
}
#endif

#endif
