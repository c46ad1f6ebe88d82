/*
 * api_packs_dir.c: where the public handle looks for the installed
 * standard packs by default (api_int.h). The Makefile compiles this file
 * with -DVOUCH_PACKS_DIR="PREFIX/share/vouch/packs" for the library `make
 * install` copies (as cli/packs_dir.c for the binary); built in the source
 * tree it has none, so nothing there depends on what is installed.
 */
#include "api_int.h"

#ifndef VOUCH_PACKS_DIR
#define VOUCH_PACKS_DIR ""
#endif

const char *api_packs_dir(void) { return VOUCH_PACKS_DIR; }
