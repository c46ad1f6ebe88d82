/*
 * sanitize.c: the defaults of the sanitizers, for the builds that have them
 * (VARIANT=asan, fuzz). A memory error, undefined behaviour or a leak must
 * not look like an answer: vouch exits 0, 1 (findings) or 2 (usage, input),
 * and a sanitizer's default status is 1, so a crash in `vouch check` would
 * read as "findings". Here every sanitizer report exits with 99, a status
 * nothing else produces; tests/run.sh and the golden tests treat any
 * status they did not expect as a failure, and the log says which.
 *
 * The sanitizer runtimes call these weak hooks at start-up, before reading
 * ASAN_OPTIONS and UBSAN_OPTIONS (which still win, key by key). The
 * Makefile links this object into those variants with -Wl,-u,HOOK, since
 * nothing else refers to it; in other builds it is compiled but unused.
 */
const char *__asan_default_options(void);
const char *__ubsan_default_options(void);
const char *__lsan_default_options(void);

/* Visible to the sanitizer runtimes by name: the only reason these exist. */
const char *__asan_default_options(void) { return "exitcode=99"; }
const char *__ubsan_default_options(void) { return "exitcode=99:halt_on_error=1:print_stacktrace=1"; }
const char *__lsan_default_options(void) { return "exitcode=99"; }
