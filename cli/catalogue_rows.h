/*
 * catalogue_rows.h: the packs' catalogues and crosswalks as rows of the
 * standard fact model, for `vouch load --catalogues`.
 */
#ifndef VOUCH_CATALOGUE_ROWS_H
#define VOUCH_CATALOGUE_ROWS_H

#include "program.h"
#include "facts.h"

/* The rows of framework, control and (if the program has crosswalk pairs)
 * mapping and mapping_origin: rows[0..n). The cells borrow p's strings,
 * which must outlive them; the rest is owned and freed by
 * cli_catalogue_free. */
typedef struct cli_catalogue {
    vouch_load_rows rows[4];
    uint32_t n;
    const char **cells[4];   /* owned: rows[i].cells */
    char (*counts)[12];      /* owned: mapping_origin's rests_on cells */
} cli_catalogue;

/* Fills c from p: 0, or -1 out of memory (c is then empty). */
int cli_catalogue_rows(const vouch_program *p, cli_catalogue *c);
void cli_catalogue_free(cli_catalogue *c);

#endif
