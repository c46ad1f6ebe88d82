/*
 * cmd_load.h: `vouch load`, facts into a store (docs/loading.md).
 */
#ifndef VOUCH_CMD_LOAD_H
#define VOUCH_CMD_LOAD_H

#include "cmd_compile.h"

/* Exit status: 0 loaded, 2 usage or input error (nothing written). */
int cmd_load(int argc, char **argv, cli_compile_fn compile);

#endif
