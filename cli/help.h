/*
 * help.h: the help of the command line, in one table (help.c): each
 * command's one-line summary, usage, options (one line each) and an
 * example. `vouch --help`, `vouch help [COMMAND]` and `vouch COMMAND
 * --help` all print from it, so the general help and a command's help
 * cannot drift apart; tests/help.sh checks that every option a command's
 * parser accepts is in its help (and in man/vouch.1).
 */
#ifndef VOUCH_CLI_HELP_H
#define VOUCH_CLI_HELP_H

#include <stdio.h>

/* The general help: every command's summary and usage, the environment
 * and the exit statuses. */
void cli_help_general(FILE *out);

/* The help of one command; returns 0, or -1 if there is no such command. */
int cli_help_command(const char *name, FILE *out);

/* 1 if name is a command of the table. */
int cli_help_is_command(const char *name);

/* The command closest to name ("did you mean"), or NULL. */
const char *cli_help_closest(const char *name);

#endif
