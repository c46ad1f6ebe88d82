/*
 * check_int.h: the checker's internal interface, shared by its files and
 * included by nothing else:
 *
 *   check.c        the driver (check_program), fact declarations, names and
 *                  types of expressions, the rules themselves
 *   check_decls.c  catalogues and crosswalks, scopes, the risk appetite,
 *                  waivers and overrides
 *   check_tests.c  `test` blocks
 *   check_params.c pack versions, import pins, parameters, appetite replacement
 *   check_source.c `source` declarations (mappings of other files to facts)
 *   check_lint.c   the warnings of `vouch lint`
 *   check_lint_cond.c  its reasoning over conditions (contradictions,
 *                  tautologies, empty date windows)
 *
 * The other passes see only compiler.h (check_program, check_find_table,
 * check_type_name); what is here may change with the checker alone.
 */
#ifndef VOUCH_CHECK_INT_H
#define VOUCH_CHECK_INT_H

#include <string.h>
#include "compiler.h"

/* An error at a node, or at one of its names. */
#define ERR_AT(c, node, hint, ...) \
    diag_error((c)->d, (node)->src, (node)->off, (node)->len, (hint), __VA_ARGS__)
#define ERR_NAME(c, node, nm, hint, ...) \
    diag_error((c)->d, (node)->src, (nm).off, (nm).len, (hint), __VA_ARGS__)

/* The type of a node whose check failed: the nodes around it accept it
 * silently, so one mistake is reported once. */
static const ast_type TYPE_ERROR = {TY_ERROR, 0, 0};

/* Inline: name lookups call them in loops (fields, builtins, scopes). */
static inline int check_name_is(ast_name n, const char *s)
{
    size_t l = strlen(s);
    return n.len == l && memcmp(n.p, s, l) == 0;
}

static inline int check_names_equal(ast_name a, ast_name b)
{
    return a.len == b.len && memcmp(a.p, b.p, a.len) == 0;
}

/* ---- check.c ------------------------------------------------------------- */

/* "did you mean `x`?" over a list of candidate names, or NULL. */
const char *check_hint_closest(compiler *c, ast_name n, const char *const *cand, size_t ncand);
int check_find_column(const fact_table *t, ast_name n);     /* -1: no such field */
const char **check_column_names(compiler *c, const fact_table *t);
/* The fact table named n; reports an unknown one (at `at`) and returns -1. */
int check_lookup_table(compiler *c, ast_node *at, ast_name n);
int check_find_scope(const compiler *c, ast_name n);        /* -1: no such scope */
void check_mark_scope_used(compiler *c, int sc);
/* The checked condition of scope `sc` on the row of binding `row`. */
ast_node *check_scope_test(compiler *c, int sc, int row);

/* Introduces a variable; reports a clash with a visible one. Returns the
 * binding id, or -1 when out of memory. */
int check_bind(compiler *c, ast_node *node, ast_name n, binding_kind kind, int table);
/* Types expression n (and everything under it); TYPE_ERROR once reported. */
ast_type check_expr(compiler *c, ast_node *n);
/* check_expr, then reports a type other than bool: what needs it, e.g. "`where`". */
ast_type check_bool_operand(compiler *c, ast_node *n, const char *what);
/* n, a bare identifier or a string literal, as a member of enum type et. */
ast_type check_enum_literal(compiler *c, ast_node *n, ast_type et);

/* ---- check_params.c: versions, pins, parameters, appetite replacement ------ */

/* Runs first: checks pack versions and import pins, declares parameters and
 * applies the values imports set, marks replaced appetites (op & 2). */
void check_params_declare(compiler *c, ast_node *const *items, size_t nfiles);
/* The parameter named n that the pack of at's file declares, or -1. */
int check_param_find(compiler *c, const ast_node *at, ast_name n);
/* Does the file src import pack `pack`, directly or through the packs it
 * imports? (An override may change the rules of any pack it adopts.) */
int check_file_reaches(compiler *c, ast_node *const *items, size_t nfiles, const vouch_source *src,
                       const char *pack);
/* "did you mean `x`?" over the parameters of at's pack, or NULL. */
const char *check_param_hint(compiler *c, const ast_node *at, ast_name n);
/* Replaces the use n of parameter k by its value, and types it. */
ast_type check_param_use(compiler *c, ast_node *n, int k);
/* Months per span of the cadence parameter n in `every n of ...`; 0 if
 * there is no such parameter (reports one of another type, then 3). */
int check_param_cadence(compiler *c, const ast_node *at, ast_name n);
/* Resolves a rule's title that names parameters (`"... every {cadence}"`,
 * an AST_INTERP) into the AST_STRING of their values; reports a name that
 * is not a parameter of the rule's pack, and anything else in braces. */
void check_param_title(compiler *c, ast_node *rule);
/* n, an AST_IDENT in a message's {...}: if it names a cadence parameter,
 * makes it the AST_STRING of its word (`month`) and returns 1; else 0. */
int check_param_word(compiler *c, ast_node *n);
/* `review every NAME` in the appetite: a copy of the duration parameter's
 * value standing at the name, or NULL after reporting; *param is its index
 * in c->params, or -1. */
ast_node *check_param_period(compiler *c, ast_node *at, int *param);
/* A parameter's value as its source wrote it (`1y`, `180d`). */
const char *check_param_written(const param_info *p, uint32_t *len);

/* ---- check_decls.c: run by check_program in dependency order -------------- */

void check_declare_framework(compiler *c, ast_node *n);
void check_declare_crosswalk(compiler *c, ast_node *n);   /* after every framework */
void check_declare_scope(compiler *c, ast_node *n);       /* after the facts */
void check_declare_appetite(compiler *c, ast_node *n);    /* after the facts */
/* authority(arg) expanded by the appetite's authority order (check_decls.c):
 * an unchecked `if` chain to check in the call's place; NULL if reported. */
ast_node *check_authority_rank(compiler *c, const ast_node *call, const ast_node *arg);
/* After every rule: these name rules. */
void check_declare_waiver_cap(compiler *c, ast_node *n);
void check_declare_override(compiler *c, ast_node *n, ast_node *const *items, size_t nfiles);
void check_declare_waiver(compiler *c, ast_node *n);      /* after the caps */
/* check_fresh.c: `freshness "kind" TTL`, after the facts. */
void check_declare_freshness(compiler *c, ast_node *n);
/* The rule with id n; reports an unknown one (at `at`) and returns -1. */
int check_find_rule(compiler *c, ast_name n, const ast_node *at);

/* A rule's `maps` and `scope` clauses, into its rule_extra. */
void check_maps(compiler *c, ast_node *r, rule_extra *x);
void check_rule_scope(compiler *c, ast_node *r, rule_extra *x);

/* ---- check_tests.c ------------------------------------------------------------ */

void check_declare_test(compiler *c, ast_node *n);        /* after every rule */
/* A literal (a fixture cell, a source's constant or map value) as the CSV
 * text `vouch load` reads for column col of t, or NULL for none; reports
 * a value that does not fit. *ok is cleared on error. */
const char *check_cell_text(compiler *c, const fact_table *t, int col, ast_node *v, int *ok);

/* ---- check_source.c ---------------------------------------------------------- */

void check_declare_source(compiler *c, ast_node *n);      /* after the facts */

/* ---- check_lint.c, check_lint_cond.c ----------------------------------------- */

void check_lint_program(compiler *c, ast_node *const *items, size_t nfiles); /* after a clean check */
/* check_lint_cond.c: contradictions, tautologies, empty windows in every
 * rule's conditions. */
void check_lint_conditions(compiler *c);

#endif
