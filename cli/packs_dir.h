/*
 * packs_dir.h: where the installed standard packs are (PREFIX/share/vouch/
 * packs), the last place an import is looked for, after $VOUCH_PATH.
 */
#ifndef VOUCH_CLI_PACKS_DIR_H
#define VOUCH_CLI_PACKS_DIR_H

/* The directory, or "" for a binary that is not installed. */
const char *cli_packs_dir(void);

#endif
