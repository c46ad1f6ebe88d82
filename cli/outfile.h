/*
 * outfile.h: where the command line's outputs go (reports, SoAs, coverage,
 * explanations, .vbc programs, JUnit files, formatted packs), and what an
 * output may never replace. One function writes them all, so every command
 * treats a path the same way (docs/robustness.md, "Output"):
 *
 *   -, or none          standard output (so does a path naming the file
 *                       standard output already writes to, /dev/stdout)
 *   a character device  written in place, never replaced (/dev/null, a
 *   or a FIFO           terminal, a pipe); not whole-or-nothing
 *   a regular file      a temporary file beside it (the link's target when
 *                       the path is a symbolic link: the link stays),
 *                       given the old file's mode, synced, renamed over
 *                       it: the old file or the whole new one, never part
 *   a new file          the same, with the usual mode (0666 less umask)
 *   refused (exit 2)    a directory, a block device, a socket; a file no
 *                       one may write (mode 0444) or this user may not;
 *                       an input of the run (a pack, a .vbc, an imported
 *                       pack, the facts store or its -wal/-shm/-journal),
 *                       by device and inode, so no other name of it (a
 *                       hard link, ./x) gets past; two outputs of one run
 *                       naming one file; two outputs for a command that
 *                       writes one (cli_output_once).
 */
#ifndef VOUCH_CLI_OUTFILE_H
#define VOUCH_CLI_OUTFILE_H

#include <stdio.h>

/* Notes path as an input of the run: a pack source or program
 * (cli_input_pack), or the facts store, whose -wal, -shm and -journal
 * files count as inputs too (cli_input_store). The path is copied (and
 * freed at exit). Inputs are compared with outputs when those are checked
 * or written. */
void cli_input_pack(const char *path);
void cli_input_store(const char *path);
/* The report a run is compared with (check --baseline). */
void cli_input_baseline(const char *path);

/* Checks the outputs of one run before anything is written: n paths (NULL
 * or "-": standard output), given with option opt ("--output", "-o",
 * "--junit"). Two naming the same file, or one that is an input, print a
 * usage error naming both and return 2; else 0. */
int cli_outputs_check(const char *const *paths, int n, const char *opt);

/* For a command that writes one output: n paths given with opt, of
 * which more than one is a usage error (the last one used to win
 * silently) naming the first two and saying why (what: "coverage writes
 * one output"); returns 2, else 0. */
int cli_output_once(const char *const *paths, int n, const char *opt, const char *what);

/* Writes with writer(ctx, FILE) to path, as the table above says; opt
 * names the option for messages. Checks path against the inputs first.
 * Returns 0, or prints why and returns -1 (the command exits 2). */
typedef int (*cli_writer)(void *ctx, FILE *out);
int cli_write_file(const char *path, const char *opt, cli_writer writer, void *ctx);

/* cli_write_file of the len bytes at buf. */
int cli_write_buf(const char *path, const char *opt, const void *buf, size_t len);

#endif
