/*
 * packs_dir.c: the installed standard packs' directory (packs_dir.h). The
 * Makefile compiles this file a second time, with
 * -DVOUCH_PACKS_DIR="PREFIX/share/vouch/packs", for the binary `make
 * install` copies; the binary of the source tree (./vouch, the tests) has
 * none, so what it imports never depends on what is installed.
 */
#include "packs_dir.h"

#ifndef VOUCH_PACKS_DIR
#define VOUCH_PACKS_DIR ""
#endif

const char *cli_packs_dir(void) { return VOUCH_PACKS_DIR; }
