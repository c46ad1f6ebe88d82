/*
 * cmd_lsp.h: `vouch lsp`, the language server (docs/editors.md).
 *
 *   vouch lsp
 *
 * speaks the Language Server Protocol over standard input and output:
 * diagnostics as the text changes (the compiler's messages), hover,
 * go to definition, completion and formatting. Standard output carries
 * only protocol messages; what goes wrong is logged on standard error.
 * Exit status: 0 after `shutdown` then `exit`, 1 when the input ends or
 * `exit` comes without `shutdown` (as the protocol says), 2 for a usage
 * error.
 */
#ifndef VOUCH_CMD_LSP_H
#define VOUCH_CMD_LSP_H

int cmd_lsp(int argc, char **argv);

#endif
