/*
 * common.h: what every command of the command line does the same way:
 * usage errors, the run's dates, writing a report whole or not at all, and
 * naming an unknown framework. One copy, so the commands cannot drift apart.
 */
#ifndef VOUCH_CLI_COMMON_H
#define VOUCH_CLI_COMMON_H

#include <stdio.h>
#include "vm.h"
#include "facts.h"
#include "outfile.h"
#include "report.h"
#include "session.h"

/* Prints "vouch: <fmt with arg>" and the --help pointer; returns 2. */
int cli_usage(const char *fmt, const char *arg);

/* Every value of a repeatable option, in order (v: argc + 1 slots, made at
 * its first value, freed by the caller with vouch_free). */
typedef struct cli_list {
    char **v;
    int n;
} cli_list;

/* An option and where it goes: exactly one of value (takes a value, the
 * last one given counts), flag (takes none, set to 1) and list (takes a
 * value, every one kept). */
typedef struct cli_option {
    const char *name;        /* "--facts" */
    const char **value;
    int *flag;
    cli_list *list;
} cli_option;

/* Parses the arguments of a command: the options of opts, as --name VALUE
 * or --name=VALUE (flags as --name); `--` ends them; everything else is an
 * operand, collected in order into *operands (argc + 1 slots, freed by the
 * caller with vouch_free, also on error). An unknown option, a missing
 * value or a value given to a flag prints the usage error and returns 2;
 * else 0. */
int cli_parse(int argc, char **argv, const cli_option *opts, size_t nopts, char ***operands, int *noperands);

/* The options of every command that evaluates packs against a store
 * (explain, coverage, soa): --facts, --as-of, --period, --period-to-date,
 * --format, --output/-o, the limits (--max-steps, --max-memory, --timeout:
 * limits_opt.h), and the pack files. */
typedef struct cli_run_args {
    const char *facts, *as_of, *period, *format, *output;
    const char *max_steps, *max_memory, *timeout;
    int period_to_date;      /* --period-to-date */
    char **files;
    int nfiles;
    cli_list outputs;        /* every --output/-o (at most one once parsed) */
} cli_run_args;

/* cli_parse of those options and the command's own (extra, up to 8) for
 * command cmd ("coverage"), which writes one output: two --output are a
 * usage error (2), naming one file or not. Free with cli_run_args_free,
 * also on error. */
int cli_parse_run(int argc, char **argv, const char *cmd, cli_run_args *a, const cli_option *extra,
                  size_t nextra);
void cli_run_args_free(cli_run_args *a);

/* Sets env->today from --as-of (default: the current UTC date) and the
 * period from --period A..B (default: the four calendar quarters before the
 * as-of quarter). The as-of freezes the world: a period that ends after it
 * is a usage error, unless to_date (--period-to-date) asks for the part of
 * it up to the as-of (a period that starts after it has no such part).
 * Returns 0, or prints why and returns 2. */
int cli_dates(const char *as_of, const char *period, int to_date, vouch_run_env *env);

/* Before the store is opened: notes it as an input (outfile.h) and checks
 * output (NULL: standard output) against every input noted so far, the
 * packs and their imports being noted as they are compiled. Commands call
 * it once the packs are compiled, so that nothing is opened or run for an
 * output that would destroy an input. 0, or a usage error printed and 2. */
int cli_output_ready(const char *output, const char *facts);

/* The session options every command starts from (runtime/session/
 * session.h): diagnostics rendered on stderr, every source read noted as
 * an input (outfile.h), the installed packs' directory (packs_dir.h); and,
 * when env is given, its dates, limits and explain. */
void cli_session_options(vouch_session_options *o, const vouch_run_env *env);

/* Prints why vouch_session_compile failed (status st, err): "vouch: N
 * errors" after diagnostics, "vouch: internal error: ..." for a program
 * that does not verify, else "vouch: error: ...". */
void cli_session_compile_error(const vouch_session *s, vouch_status st, const vouch_error *err);

/* A session (cli_session_options with env) that has compiled the files:
 * prints why and returns NULL on failure. */
vouch_session *cli_session_compile(char **files, int nfiles, const vouch_run_env *env);

/* Opens the store at path in s and binds it (vouch_session_open_store),
 * the path noted as an input (outfile.h). Prints why and returns -1 on
 * failure. */
int cli_session_open(vouch_session *s, const char *path);

/* "the packs declare no framework `id`; did you mean ...? (they declare ...)";
 * none_note is printed when the packs declare no framework at all. */
void cli_unknown_framework(const vouch_program *p, const char *id, const char *none_note);

/* What the commands that report on one framework (coverage, soa) check
 * before anything is compiled, in this order: --framework, --facts and a
 * pack file are given (cmd names the command in the usage error), then the
 * dates (cli_dates) and the limits (limits_opt.h) into env. 0, or the
 * error printed and 2. */
int cli_framework_run_args(const cli_run_args *run, const char *framework, const char *cmd, vouch_run_env *env);

/* A session that has compiled run's pack files (cli_session_compile with
 * env), and in *fw the index of framework among its program's; NULL after
 * the message (cli_unknown_framework with none_note). */
vouch_session *cli_framework_session(const cli_run_args *run, const char *framework, const vouch_run_env *env,
                                     const char *none_note, int *fw);

/* Prints "vouch: error: ..." for every rule of res that stopped with a
 * run-time error; returns how many did. */
uint32_t cli_rule_errors(const vouch_program *p, const vouch_results *res);

#endif
