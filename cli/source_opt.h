/*
 * source_opt.h: `vouch load --source NAME`, the source declaration (a
 * mapping from another tool's export to a fact; docs/language.md,
 * "Sources") that reads every file of the load.
 */
#ifndef VOUCH_SOURCE_OPT_H
#define VOUCH_SOURCE_OPT_H

#include "program.h"

/* The source of p named name; NULL after printing a usage error (an
 * unknown name, with the closest one or the list of those declared). */
const vouch_source_decl *cli_find_source(const vouch_program *p, const char *name);

#endif
