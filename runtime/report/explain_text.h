/*
 * explain_text.h: how an explanation (explain.h, built by the VM) is
 * written, shared by `vouch check --explain`, `vouch explain` and the
 * report writers.
 */
#ifndef VOUCH_EXPLAIN_TEXT_H
#define VOUCH_EXPLAIN_TEXT_H

#include <stdio.h>
#include "explain.h"

/* Writers, shared by `vouch check --explain` and `vouch explain`.
 * text: one line per step, indented by indent + 2 * depth spaces. A search
 * of a dated table says the as-of bound: "search evidence where ..., as of
 * 2026-10-15 (collected_on after it not seen): 1 row" (JSON: "dated").
 * json: a JSON array of step objects (docs/results.schema.json, "explanation"). */
void vouch_why_text(const vouch_program *p, const vouch_why *w, int indent, FILE *out);
void vouch_why_json(const vouch_program *p, const vouch_why *w, FILE *out);

#endif
