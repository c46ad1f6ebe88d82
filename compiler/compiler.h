/*
 * compiler.h: state shared by the compiler's passes (check*.c, plan.c,
 * codegen.c, compile.c). Not a public header.
 *
 * The passes run in order over one arena:
 *   parse (per file) -> check_program (declarations, names, types)
 *   -> codegen_program (plans + bytecode, into a vouch_program).
 * check.c leaves everything codegen needs on the AST (node->type,
 * node->slot) and in the tables and bindings below; codegen never reports
 * a user error except for limits.
 */
#ifndef VOUCH_COMPILER_H
#define VOUCH_COMPILER_H

#include "arena.h"
#include "id_index.h"
#include "ast.h"
#include "diag.h"
#include "program.h"

/* A growable array in the arena: old storage is abandoned on growth, which
 * the arena reclaims at the end with everything else. */
#define VEC(T) struct { T *v; uint32_t n, cap; }
#define VEC_PUSH(a, vec, item)                                                   \
    (((vec).n < (vec).cap || vec_grow((a), (void **)&(vec).v, &(vec).cap,       \
                                      sizeof *(vec).v, (vec).n))                 \
         ? ((vec).v[(vec).n++] = (item), 1)                                      \
         : 0)
int vec_grow(arena *a, void **v, uint32_t *cap, size_t elem, uint32_t n);

typedef struct fact_column {
    ast_name name;
    const char *cname;       /* NUL-terminated copy */
    ast_type type;           /* TY_BOOL ... TY_ENUM, optional */
} fact_column;

typedef struct fact_table {
    const char *name;        /* NUL-terminated */
    ast_node *decl;
    uint32_t ncols;
    fact_column *cols;
    uint32_t nkey;
    uint32_t *key;
    int32_t dated;           /* `dated by`: the column dating each row, or -1 */
} fact_table;

/* `freshness "kind" TTL`: evidence of that kind (rows of the `evidence`
 * fact whose `kind` is it) is good for TTL after it was collected
 * (check_fresh.c; codegen.c turns a pass that rests only on older rows
 * into a stale outcome). */
typedef struct freshness_info {
    const char *kind;        /* NUL-terminated */
    uint32_t nkind;
    int64_t amount;          /* days, or calendar months when months is 1 */
    int months;
    const char *ttl;         /* as written, NUL-terminated: "92d", "3mo" */
    ast_node *decl;
} freshness_info;

typedef struct enum_info {
    const char *name;        /* "table.column" */
    uint32_t n;
    const char **members;    /* NUL-terminated copies */
} enum_info;

typedef enum binding_kind { BIND_ROW = 0, BIND_SPAN } binding_kind;

/* A variable introduced by `for` or a quantifier. Ids are per rule. */
typedef struct binding {
    ast_name name;
    binding_kind kind;
    int table;               /* BIND_ROW: fact table */
    int span_months;         /* BIND_SPAN: 3 for quarters(), 1 for months() */
    int depth;               /* enclosing loops and quantifiers when bound */
    ast_node *node;          /* the AST_FOR or AST_QUANT */
    /* set by codegen */
    int plan;                /* BIND_ROW: the plan (cursor) reading it */
    int local;               /* BIND_SPAN: first of its locals (iter, start, end) */
} binding;

typedef struct ctl_info {
    const char *id, *title;
    VEC(const char *) attr_names;
    VEC(const char *) attr_values;
} ctl_info;

typedef struct fw_info {
    const char *id, *title, *version, *source;
    ast_node *decl;
    VEC(ctl_info) controls;
    id_index ctl_ids;        /* check_decls.c: the controls by id */
} fw_info;

typedef struct scope_info {
    ast_name name;
    int table;
    ast_node *decl;          /* AST_SCOPE; its where is cloned per use */
} scope_info;

typedef struct appetite_info {
    ast_node *decl;          /* NULL: no appetite declared */
    int table;
    ast_name score_name;
    ast_node *score;         /* the score expression (unchecked template) */
    /* Templates built from the clauses, cloned and checked per use. */
    ast_node *band, *tolerated, *acceptor, *review_every, *owner_must_accept;
    /* `authority "CEO" > "CISO" > ...`: the roles, highest first (AST_STRING
     * list), or NULL; authority(x) ranks x by it (the lowest role is 1). */
    ast_node *authority;
    uint32_t nauthority;
    int authority_refused;   /* an order over the limit was reported */
} appetite_info;

/* A pack's parameter (check_params.c). */
typedef struct param_info {
    const char *pack;        /* the pack that declares it */
    ast_name name;
    int type;                /* check_params.c's param_type */
    ast_node *decl;          /* AST_PARAM */
    ast_node *value;         /* the literal it stands for: the default, or what an import set */
    ast_node *set_at;        /* the AST_ATTR of the import that set it, or NULL */
} param_info;

/* Where a rule, scope or appetite named a parameter (check_params.c): the
 * checker replaces the name by the value, so the symbol index takes the
 * uses from here. */
typedef struct param_use {
    const vouch_source *src;
    uint32_t off, len;
    int param;               /* index in params */
} param_use;

/* What check.c learns about each rule beyond its AST (parallel to rules). */
typedef struct rule_extra {
    VEC(vouch_control_ref) maps;
    int scope;               /* scope index, or -1 */
    ast_node *scope_test;    /* checked predicate on the first loop's row */
    int cadence;             /* binding id of an `every` clause, or -1 */
    int skipped;
    const char *skip_reason;
    int severity;            /* after overrides */
    int enforcement;         /* vouch_enforcement, after overrides */
    unsigned overridden;     /* bits (1 << ast_override_kind) the overriding pack changed */
    const char *override_by;
    const char *pack;
} rule_extra;

typedef struct compiler {
    arena *a;
    diag_sink *d;
    VEC(fact_table) tables;
    VEC(enum_info) enums;
    VEC(ast_node *) rules;   /* AST_RULE nodes in program order */
    VEC(const vouch_source *) rule_src;
    const char *pack, *pack_version;   /* main pack: the last file's */
    const char **pack_of_src;          /* pack name declared by each source, by index */
    const vouch_source *const *srcs;   /* every source, by index (positions name them) */
    uint32_t nsrcs;
    VEC(fw_info) frameworks;
    VEC(vouch_crosswalk_pair) pairs;
    VEC(scope_info) scopes;
    appetite_info appetite;
    VEC(param_info) params;  /* every pack's parameters */
    VEC(param_use) param_uses;
    VEC(vouch_waiver) waivers;
    int64_t waiver_max_days;
    int64_t waiver_max_months;   /* `waivers at most 6mo`: the strictest calendar cap; 0: none */
    VEC(freshness_info) freshness;
    int fresh_table, fresh_kind, fresh_date; /* with freshness: the evidence fact, its kind and dating columns */
    VEC(rule_extra) extra;   /* parallel to rules */
    VEC(vouch_test) tests;   /* `test` blocks, for `vouch test` */
    VEC(vouch_source_decl) sources; /* `source` declarations, for `vouch load --source` */
    VEC(ast_node *) source_decls;   /* every AST_SOURCE seen so far, checked or not (duplicates) */
    /* per rule, while checking and generating it */
    VEC(binding) bindings;
    VEC(int) scope;          /* binding ids currently visible, innermost last */
    int implicit;            /* binding whose fields bare names denote (scopes,
                              * the appetite), or -1 */
    int in_appetite;         /* 1: the appetite's score name resolves too */
    int lint;                /* 1: report lint warnings too */
    int explain;             /* 1: generate an explain program (trace points) */
    size_t nstd;             /* the first nstd sources are standard packs (not linted) */
    VEC(uint8_t) scope_used; /* per scope: used by a rule */
} compiler;

/* check.c (the checker's internal interface is check_int.h) */
int check_program(compiler *c, ast_node *const *items, const vouch_source *const *srcs,
                  size_t nfiles);
int check_find_table(const compiler *c, const char *name, size_t n);
const char *check_type_name(const compiler *c, ast_type t);

/* plan.c: splits a loop's `where` into store terms and a VM residual. */
typedef struct plan_term {
    int column;
    vouch_cmp cmp;
    ast_node *value;         /* expression evaluated before the seek */
    int bound;               /* value reads an enclosing loop variable */
} plan_term;

typedef struct plan_split {
    VEC(plan_term) terms;
    VEC(ast_node *) residual; /* conjuncts the VM evaluates per row */
    VEC(ast_node *) pushed;  /* residual conjuncts the store can filter by too */
} plan_split;

void plan_split_where(compiler *c, int binding_id, ast_node *where, plan_split *out);
/* 1 if expression e reads any loop variable (row or span). */
int plan_reads_bindings(const ast_node *e);
/* 1 if expression e reads binding id. */
int plan_reads_binding(const ast_node *e, int id);

/* symbols.c: the symbol index, for editors (the language server): every
 * declaration and every reference to one, with its position and what a
 * reader wants to know about it. It knows nothing of any editor protocol.
 * Built by compile.c after the checker when the options ask for it (see
 * compile.h's vouch_compile_options.symbols), also when there were errors:
 * then it holds what the checker understood. */
typedef enum vouch_symbol_kind {
    SYM_FACT = 0,            /* a fact table */
    SYM_FIELD,               /* a column; container: its table; target: its enum, if any */
    SYM_ENUM_MEMBER,         /* container: the enum ("table.column") */
    SYM_RULE,
    SYM_SCOPE,               /* target: the table it selects from */
    SYM_FRAMEWORK,
    SYM_CONTROL,             /* container: its framework */
    SYM_VAR,                 /* a `for`, `every` or quantifier variable; target: its table
                              * (NULL for a calendar span) */
    SYM_PACK,                /* an imported pack; its declaration is its `pack` line */
    SYM_PARAM                /* a pack's parameter; container: the declaring pack */
} vouch_symbol_kind;

typedef struct vouch_symbol {
    int kind;                /* vouch_symbol_kind */
    int is_decl;             /* 1: this is the declaration itself */
    const char *name;
    const char *container, *target;  /* see the kinds; NULL if none */
    const char *detail;      /* declaration's summary (several lines), or NULL */
    const char *file;        /* the source's name, as the compilation gave it */
    uint32_t off, len;       /* the occurrence: byte span in file */
    uint32_t line, col;      /* its start, 1-based (col in bytes) */
    int decl;                /* index of the declaration in the index, or -1 */
    uint32_t scope_off, scope_end; /* SYM_VAR declarations: the rule's span */
} vouch_symbol;

typedef struct vouch_symbols vouch_symbols;
struct vouch_symbols {
    arena a;                 /* everything below */
    VEC(vouch_symbol) v;     /* declarations first (in source order), then references */
    uint32_t ndecls;
};

/* Initialises an empty index; free with vouch_symbols_free (also when
 * compilation failed). */
void vouch_symbols_init(vouch_symbols *s);
void vouch_symbols_free(vouch_symbols *s);
/* Fills s from a checked compilation (compile.c calls it). -1 if out of
 * memory. */
int symbols_build(compiler *c, ast_node *const *items, const vouch_source *const *srcs, size_t n,
                  vouch_symbols *s);
/* The symbol (declaration or reference) of file covering byte offset off,
 * the innermost if several do; NULL if none. */
const vouch_symbol *vouch_symbols_at(const vouch_symbols *s, const char *file, uint32_t off);

/* codegen.c */
vouch_program *codegen_program(compiler *c);
/* check_source.c: copies the checked sources into p; 0 if out of memory. */
int check_source_emit(const compiler *c, vouch_program *p);

#endif
