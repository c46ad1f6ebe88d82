/*
 * catalogue_csv.h: the packs' catalogues and crosswalks as CSV files of the
 * standard fact model, for `vouch load --catalogues`.
 */
#ifndef VOUCH_CATALOGUE_CSV_H
#define VOUCH_CATALOGUE_CSV_H

#include "program.h"

/* Writes framework.csv, control.csv and (if p has crosswalk pairs)
 * mapping.csv and mapping_origin.csv into dir, and stores their paths
 * (malloc'd) in paths[0..*n). paths must have room for 4. Returns 0, or -1
 * with errno set. */
int cli_write_catalogue_csv(const vouch_program *p, const char *dir, char **paths, int *n);

#endif
