/*
 * parser.y: the grammar of vouch (Lemon). Driven by compiler/parse.c.
 *
 * Every action is one call into an ast_* constructor (compiler/ast.c); the
 * tree lives in the compilation's arena, so no token or nonterminal has a
 * destructor and error recovery frees nothing. Completed top-level items
 * are appended to the parse state as soon as they reduce, so the driver
 * can throw the parser away after a syntax error and resynchronise at the
 * next top-level keyword without losing what already parsed.
 *
 * Keywords may be used as names: any keyword after `.`, as a field name
 * and in key and enum lists (the `name` nonterminal); the soft ones
 * (`version`, `key`, `period`, ...) anywhere a name goes, through
 * %fallback (Lemon tries it only where the keyword itself cannot be
 * shifted).
 *
 * Quantifiers: their `where`/`satisfies` expression (and the value of
 * `newest`/`oldest`) extends as far right as possible. That is expressed by
 * giving the quantifier rules the lowest precedence (QUANT), so a
 * quantifier can stand as the last operand of `and`/`or`/`not`
 * (`require a != none and exists p in person where ...`); anywhere else it
 * needs parentheses. The grammar has no parsing conflicts; keep it so.
 */

%name vparse
%token_prefix TK_
%token_type {lex_token}
%default_type {ast_node *}
%extra_argument {parse_state *ps}
%stack_size 200
%start_symbol file

%include {
#include <assert.h>
#include <stddef.h>
#include <string.h>
#include "lex.h"
#include "parse.h"

/* The builder every constructor takes. */
#define B (&ps->b)
/* End offset of a token. */
#define END(t) ((t).off + (t).len)

static void ps_add(parse_state *ps, ast_node *item)
{
    if (!item)
        return;
    item->next = NULL;
    if (ps->last)
        ps->last->next = item;
    else
        ps->items = item;
    ps->last = item;
}

static void ps_syntax_error(parse_state *ps, void *parser);
}

%syntax_error { ps_syntax_error(ps, yypParser); }
%stack_overflow { ps->overflow = 1; }

/* Token codes, in a fixed order (the lexer and parse.c use the names).
 * parse.c relies on the keywords being one run, PACK .. PERIOD. */
%token ID INT DATE DUR STRING INTERP_START INTERP_MID INTERP_END.
%token PACK VERSION IMPORT FACT KEY ENUM RULE SEVERITY MAPS.
%token FOR IN WHERE REQUIRE SUBJECT ELSE.
%token EXISTS ALL COUNT NEWEST OLDEST SATISFIES.
%token FRAMEWORK CONTROL CROSSWALK NOTE SCOPE APPETITE BAND TOLERATE ACCEPT BY ROLE REVIEW AUTHORITY.
%token EVERY OF AS WAIVE FROM UNTIL BECAUSE APPROVED_BY WAIVERS OVERRIDE SKIP IF THEN TEST GIVEN EXPECT ENFORCEMENT DATED.
%token SOURCE INTO MAP PARAM.
%token SUM AVG FRESHNESS.
%token AND OR NOT TRUE FALSE NONE TODAY PERIOD.
%token EQ NE LT LE GT GE PLUS MINUS STAR SLASH PERCENT DOT DOTDOT.
%token COMMA COLON LPAREN RPAREN LBRACE RBRACE LBRACKET RBRACKET QUESTION ASSIGN ARROW.

/* Soft keywords: a name wherever the keyword itself cannot stand. The
 * others (item and clause keywords, `in`, `where`, `satisfies`, `and`,
 * `or`, `not`) would turn a forgotten operand into a confusing error
 * (`a and` + newline + `require` would read `require` as a name), so they
 * are names only where the grammar asks for `name`: after `.`, as field
 * names and in key and enum lists. */
%fallback ID VERSION KEY ENUM SEVERITY MAPS
             EXISTS ALL COUNT NEWEST OLDEST TRUE FALSE NONE TODAY PERIOD
             FRAMEWORK CROSSWALK NOTE SCOPE APPETITE BAND TOLERATE ACCEPT BY ROLE REVIEW AUTHORITY
             EVERY OF AS WAIVE FROM UNTIL BECAUSE APPROVED_BY WAIVERS OVERRIDE SKIP IF THEN
             TEST GIVEN EXPECT ENFORCEMENT DATED SOURCE INTO MAP SUM AVG FRESHNESS PARAM.

/* Lowest to highest. QUANT and NEG are precedence names only. */
%nonassoc QUANT.
%left OR.
%left AND.
%right NOT.
%nonassoc EQ NE LT LE GT GE IN.
%nonassoc DOTDOT.
%left PLUS MINUS.
%left STAR SLASH PERCENT.
%right NEG.
%left DOT.

/* ---- file and items ---------------------------------------------------- */

file ::= items.
items ::= .
items ::= items item.

item ::= PACK(P) STRING(N) VERSION STRING(V).  { ps_add(ps, ast_pack(B, P.off, N.off, N.len, V.off, V.len)); }
item ::= imp(I).                               { ps_add(ps, I); }
item ::= imp(I) LBRACE psets(S) RBRACE(E).     { ps_add(ps, ast_import_sets(I, S, END(E))); }
item ::= PARAM(K) ID(N) COLON ID(T) ASSIGN cellv(V).
    { ps_add(ps, ast_param(B, K.off, N.off, N.len, T.off, T.len, V)); }
item ::= fact(F).                              { ps_add(ps, F); }
item ::= rule(R).                              { ps_add(ps, R); }
item ::= framework(F).                         { ps_add(ps, F); }
item ::= crosswalk(C).                         { ps_add(ps, C); }
item ::= SCOPE(S) ID(N) ASSIGN tname(T) WHERE expr(W).
    { ps_add(ps, ast_scope(B, S.off, N.off, N.len, T.off, T.len, W)); }
item ::= appetite(A).                          { ps_add(ps, A); }
item ::= test(T).                              { ps_add(ps, T); }
item ::= srcdecl(S).                           { ps_add(ps, S); }

/* ---- imports and parameters ------------------------------------------------
 * import "pack" [version "RANGE"] [{ name = value ... }]
 * param NAME: TYPE = VALUE
 * A parameter's value is a literal, as a test fixture's cell is (cellv). */
imp(A) ::= IMPORT(I) STRING(N).               { A = ast_import(B, I.off, N.off, N.len); }
imp(A) ::= IMPORT(I) STRING(N) VERSION STRING(V).
    { A = ast_import_pin(B, ast_import(B, I.off, N.off, N.len), V.off, V.len); }
psets(A) ::= .                                { A = NULL; }
psets(A) ::= psets(L) ID(N) ASSIGN cellv(V).  { A = ast_append(L, ast_attr(B, N.off, N.len, V)); }
psets(A) ::= psets(L) ID(N) ASSIGN cellv(V) COMMA. { A = ast_append(L, ast_attr(B, N.off, N.len, V)); }

/* ---- sources: how a file of another shape becomes rows of a fact ----------
 * source NAME into FACT from FORMAT ["root.path"] {
 *   field = VALUE                                      a constant
 *   field from ["format"|"json"] "column or json.path" [else ["format"] "..."]...
 *         [as "pattern"] [in "Zone"] [map { "x" -> v, else -> w }]
 *   skip if "column" == "text" | != "text" | in [...] | not in [...]
 * }
 * Field names here are `fname`s (a name or a soft keyword, not a hard
 * one such as `in`): after a feed, `in` and `as` continue it. */
srchead(A) ::= SOURCE(K) ID(N) INTO tname(T) FROM ID(F) LBRACE.
    { A = ast_source(B, K.off, N.off, N.len, T.off, T.len, F.off, F.len, 0, 0); }
srchead(A) ::= SOURCE(K) ID(N) INTO tname(T) FROM ID(F) STRING(R) LBRACE.
    { A = ast_source(B, K.off, N.off, N.len, T.off, T.len, F.off, F.len, R.off, R.len); }
srcbody(A) ::= srchead(H).                    { A = H; }
srcbody(A) ::= srcbody(S) fname(N) ASSIGN cellv(V).
    { A = ast_source_add(S, ast_feed(B, N.off, N.len, NULL, V)); }
srcbody(A) ::= srcbody(S) feed(F).            { A = ast_source_add(S, F); }
srcbody(A) ::= srcbody(S) SKIP(K) IF STRING(P) EQ skipv(V).
    { A = ast_source_add(S, ast_source_skip(B, K.off, SKIP_IF_EQ, P.off, P.len, V)); }
srcbody(A) ::= srcbody(S) SKIP(K) IF STRING(P) NE skipv(V).
    { A = ast_source_add(S, ast_source_skip(B, K.off, SKIP_IF_NE, P.off, P.len, V)); }
srcbody(A) ::= srcbody(S) SKIP(K) IF STRING(P) IN LBRACKET skiplist(L) RBRACKET(E).
    { A = ast_source_add(S, ast_span_to(ast_source_skip(B, K.off, SKIP_IF_IN, P.off, P.len, L), END(E))); }
srcbody(A) ::= srcbody(S) SKIP(K) IF STRING(P) NOT IN LBRACKET skiplist(L) RBRACKET(E).
    { A = ast_source_add(S, ast_span_to(ast_source_skip(B, K.off, SKIP_IF_NOT_IN, P.off, P.len, L), END(E))); }
srcdecl(A) ::= srcbody(S) RBRACE(E).          { A = ast_span_to(S, END(E)); }

feed(A) ::= fname(N) FROM STRING(P).
    { A = ast_feed(B, N.off, N.len, ast_leaf(B, AST_STRING, P.off, P.len), NULL); }
feed(A) ::= fname(N) FROM ID(W) STRING(P).
    { A = ast_feed_how(B, ast_feed(B, N.off, N.len, ast_leaf(B, AST_STRING, P.off, P.len), NULL), W.off, W.len); }
/* `else "path"`, `else format "..."`: read when what comes before is none */
feed(A) ::= feed(F) ELSE(K) STRING(P).        { A = ast_feed_else(B, F, K.off, 0, 0, P.off, P.len); }
feed(A) ::= feed(F) ELSE(K) ID(W) STRING(P).  { A = ast_feed_else(B, F, K.off, W.off, W.len, P.off, P.len); }
feed(A) ::= feed(F) AS(K) STRING(P).          { A = ast_feed_option(F, FEED_PATTERN, K.off, ast_leaf(B, AST_STRING, P.off, P.len)); }
feed(A) ::= feed(F) IN(K) STRING(Z).          { A = ast_feed_option(F, FEED_ZONE, K.off, ast_leaf(B, AST_STRING, Z.off, Z.len)); }
feed(A) ::= feed(F) MAP(K) LBRACE mapents(M) RBRACE(E).
    { A = ast_span_to(ast_feed_option(F, FEED_MAP, K.off, M), END(E)); }

mapents(A) ::= .                              { A = NULL; }
mapents(A) ::= mapents(L) mapent(E).          { A = ast_append(L, E); }
mapents(A) ::= mapents(L) mapent(E) COMMA.    { A = ast_append(L, E); }
mapent(A) ::= STRING(K) ARROW cellv(V).
    { A = ast_map_entry(B, K.off, ast_leaf(B, AST_STRING, K.off, K.len), V); }
mapent(A) ::= ELSE(K) ARROW cellv(V).         { A = ast_map_entry(B, K.off, NULL, V); }

/* What a skip condition compares an input value with: text, or none (an
 * empty cell, a missing or null JSON value). */
skipv(A) ::= STRING(T).                       { A = ast_leaf(B, AST_STRING, T.off, T.len); }
skipv(A) ::= NONE(T).                         { A = ast_leaf(B, AST_NONE, T.off, T.len); }
skiplist(A) ::= skipv(V).                     { A = V; }
skiplist(A) ::= skiplist(L) COMMA skipv(V).   { A = ast_append(L, V); }

%type fname {lex_token}
fname(A) ::= ID(T).       { A = T; }
fname(A) ::= CONTROL(T).  { A = T; }

/* ---- tests -------------------------------------------------------------------
 * test "name" {
 *   as_of 2026-11-21
 *   period 2025-10-01..2026-09-30
 *   given soa { framework "iso" control "A.5.18" applicable true }
 *   expect R1 fail "iso/A.5.18"
 *   expect R1 passes 3
 * } */
thead(A) ::= TEST(K) STRING(N) LBRACE.        { A = ast_test(B, K.off, N.off, N.len); }
tbody(A) ::= thead(H).                        { A = H; }
tbody(A) ::= tbody(T) ID(K) DATE(D).          { A = ast_test_clause(B, T, AST_TEST_ASOF, K.off, K.len, ast_leaf(B, AST_DATE, D.off, D.len), NULL); }
tbody(A) ::= tbody(T) PERIOD(K) DATE(X) DOTDOT DATE(Y).
    { A = ast_test_clause(B, T, AST_TEST_PERIOD, K.off, K.len, ast_leaf(B, AST_DATE, X.off, X.len), ast_leaf(B, AST_DATE, Y.off, Y.len)); }
tbody(A) ::= tbody(T) GIVEN tname(N) LBRACE cells(C) RBRACE.
    { A = ast_test_clause(B, T, AST_TEST_GIVEN, N.off, N.len, C, NULL); }
tbody(A) ::= tbody(T) EXPECT(K) ID(R) ID(S) STRING(V).
    { A = ast_test_expect(B, T, K.off, R.off, R.len, S.off, S.len, ast_leaf(B, AST_STRING, V.off, V.len)); }
tbody(A) ::= tbody(T) EXPECT(K) ID(R) ID(S) INT(V).
    { A = ast_test_expect(B, T, K.off, R.off, R.len, S.off, S.len, ast_leaf(B, AST_INT, V.off, V.len)); }
test(A) ::= tbody(T) RBRACE(E).               { A = ast_span_to(T, END(E)); }

/* A fixture row: `column value` pairs, values literal. */
cells(A) ::= .                                { A = NULL; }
cells(A) ::= cells(L) name(N) cellv(V).       { A = ast_append(L, ast_attr(B, N.off, N.len, V)); }
cellv(A) ::= STRING(T).                       { A = ast_leaf(B, AST_STRING, T.off, T.len); }
cellv(A) ::= INT(T).                          { A = ast_leaf(B, AST_INT, T.off, T.len); }
cellv(A) ::= MINUS(M) INT(T).                 { A = ast_unary(B, OPR_NEG, M.off, ast_leaf(B, AST_INT, T.off, T.len)); }
cellv(A) ::= DATE(T).                         { A = ast_leaf(B, AST_DATE, T.off, T.len); }
cellv(A) ::= DUR(T).                          { A = ast_leaf(B, AST_DUR, T.off, T.len); }
cellv(A) ::= TRUE(T).                         { A = ast_leaf(B, AST_BOOL, T.off, T.len); }
cellv(A) ::= FALSE(T).                        { A = ast_leaf(B, AST_BOOL, T.off, T.len); }
cellv(A) ::= NONE(T).                         { A = ast_leaf(B, AST_NONE, T.off, T.len); }
cellv(A) ::= ID(T).                           { A = ast_ident(B, T.off, T.len); }
item ::= WAIVE(K) ID(R) FOR STRING(S) until(U) BECAUSE STRING(W) APPROVED_BY STRING(A).
    { ps_add(ps, ast_waive(B, K.off, R.off, R.len, S.off, S.len, U, W.off, W.len, A.off, END(A))); }
item ::= WAIVERS(K) ID(X) ID(Y) DUR(D).
    { ps_add(ps, ast_waiver_cap(B, K.off, X.off, X.len, Y.off, Y.len, D.off, D.len)); }
/* freshness "access_review" 92d: how long evidence of a kind stays good. */
item ::= FRESHNESS(K) STRING(S) DUR(D).
    { ps_add(ps, ast_span(ast_binary(B, AST_FRESHNESS, OPR_NONE, ast_leaf(B, AST_STRING, S.off, S.len),
                                     ast_leaf(B, AST_DUR, D.off, D.len)), K.off, END(D))); }
item ::= OVERRIDE(K) ID(R) SEVERITY ID(S).
    { ps_add(ps, ast_override(B, OVR_SEVERITY, K.off, R.off, R.len, S.off, S.len, 0, 0, END(S))); }
item ::= OVERRIDE(K) ID(R) ENFORCEMENT ID(S).
    { ps_add(ps, ast_override(B, OVR_ENFORCEMENT, K.off, R.off, R.len, S.off, S.len, 0, 0, END(S))); }
item ::= SKIP(K) ID(R) BECAUSE STRING(W).
    { ps_add(ps, ast_override(B, OVR_SKIP, K.off, R.off, R.len, 0, 0, W.off, W.len, END(W))); }

/* ---- catalogues and crosswalks ------------------------------------------ */

/* A framework is named by a string ("iso27001-2022", as the facts name it)
 * or an identifier. */
fwname(A) ::= STRING(T).                      { A = ast_leaf(B, AST_STRING, T.off, T.len); }
fwname(A) ::= ID(T).                          { A = ast_ident(B, T.off, T.len); }

/* Attributes: `theme "organizational"` or `category access`. */
attrs(A) ::= .                                { A = NULL; }
attrs(A) ::= attrs(L) ID(N) STRING(V).        { A = ast_append(L, ast_attr(B, N.off, N.len, ast_leaf(B, AST_STRING, V.off, V.len))); }
attrs(A) ::= attrs(L) ID(N) ID(V).            { A = ast_append(L, ast_attr(B, N.off, N.len, ast_ident(B, V.off, V.len))); }

fwhead(A) ::= FRAMEWORK(K) fwname(N) STRING(T) attrs(L) LBRACE.
    { A = ast_catalogue(B, AST_FRAMEWORK, K.off, N, ast_leaf(B, AST_STRING, T.off, T.len), L); }
fwbody(A) ::= fwhead(H).                      { A = H; }
fwbody(A) ::= fwbody(F) CONTROL(K) STRING(I) STRING(T) attrs(L).
    { A = ast_catalogue_add(F, ast_catalogue(B, AST_CONTROL, K.off, ast_leaf(B, AST_STRING, I.off, I.len), ast_leaf(B, AST_STRING, T.off, T.len), L)); }
framework(A) ::= fwbody(F) RBRACE(E).         { A = ast_span_to(F, END(E)); }

cwhead(A) ::= CROSSWALK(K) fwname(S) ARROW fwname(D) attrs(L) LBRACE.
    { A = ast_catalogue(B, AST_CROSSWALK, K.off, S, D, L); }
cwbody(A) ::= cwhead(H).                      { A = H; }
cwbody(A) ::= cwbody(C) pair(P).              { A = ast_catalogue_add(C, P); }
crosswalk(A) ::= cwbody(C) RBRACE(E).         { A = ast_span_to(C, END(E)); }

pair(A) ::= STRING(S) STRING(D).              { A = ast_pair(B, S.off, S.len, 0, 0, D.off, D.len, 0, 0); }
pair(A) ::= STRING(S) ID(R) STRING(D).        { A = ast_pair(B, S.off, S.len, R.off, R.len, D.off, D.len, 0, 0); }
pair(A) ::= STRING(S) STRING(D) NOTE STRING(N). { A = ast_pair(B, S.off, S.len, 0, 0, D.off, D.len, N.off, N.len); }
pair(A) ::= STRING(S) ID(R) STRING(D) NOTE STRING(N). { A = ast_pair(B, S.off, S.len, R.off, R.len, D.off, D.len, N.off, N.len); }

/* ---- risk appetite -------------------------------------------------------- */

aphead(A) ::= APPETITE(K) LBRACE.             { A = ast_appetite(B, K.off, 0, 0); }
aphead(A) ::= APPETITE(K) FOR tname(T) LBRACE.   { A = ast_appetite(B, K.off, T.off, T.len); }
/* `override appetite { ... }` replaces the appetite of an imported pack. */
aphead(A) ::= OVERRIDE(O) APPETITE(K) LBRACE. { A = ast_appetite_replacing(ast_appetite(B, K.off, 0, 0), O.off); }
aphead(A) ::= OVERRIDE(O) APPETITE(K) FOR tname(T) LBRACE.
    { A = ast_appetite_replacing(ast_appetite(B, K.off, T.off, T.len), O.off); }
apbody(A) ::= aphead(H).                      { A = H; }
apbody(A) ::= apbody(P) ID(N) ASSIGN expr(E).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_SCORE, N.off, N.len, E, NULL, NULL)); }
apbody(A) ::= apbody(P) BAND(K) ID(N) ASSIGN expr(E).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_BAND, K.off, N.off + N.len - K.off, E, ast_ident(B, N.off, N.len), NULL)); }
apbody(A) ::= apbody(P) BAND(K) ID(N) ASSIGN expr(E) REVIEW EVERY DUR(D).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_BAND, K.off, N.off + N.len - K.off, E, ast_ident(B, N.off, N.len), ast_leaf(B, AST_DUR, D.off, D.len))); }
/* A review period may be a duration parameter of the pack (`review every review_high`). */
apbody(A) ::= apbody(P) BAND(K) ID(N) ASSIGN expr(E) REVIEW EVERY ID(D).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_BAND, K.off, N.off + N.len - K.off, E, ast_ident(B, N.off, N.len), ast_ident(B, D.off, D.len))); }
apbody(A) ::= apbody(P) AUTHORITY(K) roles(L).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_AUTHORITY, K.off, 9, NULL, L, NULL)); }
apbody(A) ::= apbody(P) REQUIRE(K) ID(O) ID(W).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_OWNER, K.off, 7, NULL, ast_ident(B, O.off, O.len), ast_ident(B, W.off, W.len))); }
roles(A) ::= STRING(S).                       { A = ast_leaf(B, AST_STRING, S.off, S.len); }
roles(A) ::= roles(P) GT STRING(S).           { A = ast_append(P, ast_leaf(B, AST_STRING, S.off, S.len)); }
apbody(A) ::= apbody(P) TOLERATE(K) expr(E).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_TOLERATE, K.off, 8, E, NULL, NULL)); }
apbody(A) ::= apbody(P) ACCEPT(K) expr(E) BY ROLE STRING(R).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_ACCEPT, K.off, 6, E, ast_leaf(B, AST_STRING, R.off, R.len), NULL)); }
apbody(A) ::= apbody(P) ACCEPT(K) expr(E) BY ROLE STRING(R) REVIEW EVERY DUR(D).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_ACCEPT, K.off, 6, E, ast_leaf(B, AST_STRING, R.off, R.len), ast_leaf(B, AST_DUR, D.off, D.len))); }
apbody(A) ::= apbody(P) ACCEPT(K) expr(E) BY ROLE STRING(R) REVIEW EVERY ID(D).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_ACCEPT, K.off, 6, E, ast_leaf(B, AST_STRING, R.off, R.len), ast_ident(B, D.off, D.len))); }
/* The role may be a text parameter of the pack (`by role senior_acceptor`). */
apbody(A) ::= apbody(P) ACCEPT(K) expr(E) BY ROLE ID(R).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_ACCEPT, K.off, 6, E, ast_ident(B, R.off, R.len), NULL)); }
apbody(A) ::= apbody(P) ACCEPT(K) expr(E) BY ROLE ID(R) REVIEW EVERY DUR(D).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_ACCEPT, K.off, 6, E, ast_ident(B, R.off, R.len), ast_leaf(B, AST_DUR, D.off, D.len))); }
apbody(A) ::= apbody(P) ACCEPT(K) expr(E) BY ROLE ID(R) REVIEW EVERY ID(D).
    { A = ast_appetite_add(P, ast_appetite_clause(B, AP_ACCEPT, K.off, 6, E, ast_ident(B, R.off, R.len), ast_ident(B, D.off, D.len))); }
appetite(A) ::= apbody(P) RBRACE(E).          { A = ast_span_to(P, END(E)); }

/* ---- waivers ------------------------------------------------------------------- */

until(A) ::= UNTIL DATE(U).                   { A = ast_until(B, 0, 0, U.off, U.len); }
until(A) ::= FROM DATE(F) UNTIL DATE(U).      { A = ast_until(B, F.off, F.len, U.off, U.len); }

/* ---- fact declarations -------------------------------------------------- */

fhead(A) ::= FACT(F) tname(N).                               { A = ast_fact(B, F.off, N.off, N.len, NULL); }
fhead(A) ::= FACT(F) tname(N) KEY LPAREN idlist(K) RPAREN.     { A = ast_fact(B, F.off, N.off, N.len, K); }
/* `dated by FIELD`: the field that says on which day a row happened. */
fhead(A) ::= fhead(H) DATED BY name(N).     { A = ast_fact_dated(B, H, N.off, N.len); }

fbody(A) ::= fhead(H) LBRACE.                 { A = H; }
fbody(A) ::= fbody(F) field(X).               { A = ast_fact_field(F, X); }
fbody(A) ::= fbody(F) field(X) COMMA.         { A = ast_fact_field(F, X); }

fact(A) ::= fbody(F) RBRACE(E).               { A = ast_span_to(F, END(E)); }

field(A) ::= name(N) COLON type(T).           { A = ast_field(B, N.off, N.len, T); }

type(A) ::= tbase(T).                         { A = T; }
type(A) ::= tbase(T) QUESTION(Q).             { A = ast_type_optional(T, END(Q)); }
tbase(A) ::= ID(N).                           { A = ast_type_decl(B, N.off, N.len, NULL, END(N)); }
tbase(A) ::= ENUM(E) LPAREN idlist(L) RPAREN(R). { A = ast_type_decl(B, E.off, E.len, L, END(R)); }

idlist(A) ::= name(N).                        { A = ast_ident(B, N.off, N.len); }
idlist(A) ::= idlist(L) COMMA name(N).        { A = ast_append(L, ast_ident(B, N.off, N.len)); }

/* A fact type's name: `control` is a hard keyword (it starts a catalogue
 * entry, and as a soft one it would be read as an attribute name there),
 * so it is accepted here explicitly. */
%type tname {lex_token}
tname(A) ::= ID(T).       { A = T; }
tname(A) ::= CONTROL(T).  { A = T; }

/* Any identifier or keyword (soft keywords arrive here as ID). */
%type name {lex_token}
name(A) ::= ID(T).        { A = T; }
name(A) ::= CONTROL(T).   { A = T; }
name(A) ::= PACK(T).      { A = T; }
name(A) ::= IMPORT(T).    { A = T; }
name(A) ::= FACT(T).      { A = T; }
name(A) ::= RULE(T).      { A = T; }
name(A) ::= FOR(T).       { A = T; }
name(A) ::= IN(T).        { A = T; }
name(A) ::= WHERE(T).     { A = T; }
name(A) ::= REQUIRE(T).   { A = T; }
name(A) ::= SUBJECT(T).   { A = T; }
name(A) ::= ELSE(T).      { A = T; }
name(A) ::= SATISFIES(T). { A = T; }
name(A) ::= AND(T).       { A = T; }
name(A) ::= OR(T).        { A = T; }
name(A) ::= NOT(T).       { A = T; }

/* ---- rules -------------------------------------------------------------- */

/* The header is a list of clauses, so new ones (`maps`, ...) slot in. */
rhead(A) ::= RULE(R) ID(I) title(T).          { A = ast_rule(B, R.off, I.off, I.len, T); }
/* A title is text, or text naming the pack's parameters ("every {cadence}"):
 * the checker replaces each name by its value (check_params.c). */
title(A) ::= STRING(T).                       { A = ast_leaf(B, AST_STRING, T.off, T.len); }
title(A) ::= interp(I) INTERP_END(T).         { A = ast_interp_add(B, I, T.off, T.len, NULL); }
rhead(A) ::= rhead(H) SEVERITY(S) ID(L).      { A = ast_rule_severity(B, H, S.off, L.off, L.len); }
rhead(A) ::= rhead(H) ENFORCEMENT(S) ID(L).   { A = ast_rule_enforcement(B, H, S.off, L.off, L.len); }
rhead(A) ::= rhead(H) MAPS(K) fwname(F) STRING(C). { A = ast_rule_maps(B, H, K.off, F, C.off, C.len); }
rhead(A) ::= rhead(H) SCOPE(K) ID(N).         { A = ast_rule_scope(B, H, K.off, N.off, N.len); }

/* The body's clauses are collected in any order; ast_rule_end checks
 * their order and number, with better messages than a syntax error. */
rbody(A) ::= rhead(H) LBRACE.                 { A = H; }
rbody(A) ::= rbody(R) forc(F).                { A = ast_rule_for(B, R, F); }
rbody(A) ::= rbody(R) every(F).               { A = ast_rule_for(B, R, F); }
rbody(A) ::= rbody(R) REQUIRE(K) expr(E).     { A = ast_rule_require(B, R, K.off, E); }
rbody(A) ::= rbody(R) SUBJECT(K) expr(E).     { A = ast_rule_subject(B, R, K.off, E); }
rbody(A) ::= rbody(R) ELSE(K) expr(E).        { A = ast_rule_else(B, R, K.off, E); }

rule(A) ::= rbody(R) RBRACE(E).               { A = ast_rule_end(B, R, END(E)); }

forc(A) ::= FOR(F) ID(V) IN source(S).                  { A = ast_for(B, F.off, V.off, V.len, S, NULL); }
forc(A) ::= FOR(F) ID(V) IN source(S) WHERE expr(W).    { A = ast_for(B, F.off, V.off, V.len, S, W); }

/* Cadence: `every quarter of period as q` loops over the period's quarters
 * like `for q in quarters(period)`, and names each subject's span. */
/* `every 6mo of period as h`: a calendar duration names the span (check.c). */
every(A) ::= EVERY(K) DUR(U) OF expr(P) AS ID(V).
    { A = ast_every(B, K.off, U.off, U.len, P, V.off, V.len, NULL); }
every(A) ::= EVERY(K) DUR(U) OF expr(P) AS ID(V) WHERE expr(W).
    { A = ast_every(B, K.off, U.off, U.len, P, V.off, V.len, W); }
every(A) ::= EVERY(K) ID(U) OF expr(P) AS ID(V).
    { A = ast_every(B, K.off, U.off, U.len, P, V.off, V.len, NULL); }
every(A) ::= EVERY(K) ID(U) OF expr(P) AS ID(V) WHERE expr(W).
    { A = ast_every(B, K.off, U.off, U.len, P, V.off, V.len, W); }

source(A) ::= tname(N).                                  { A = ast_ident(B, N.off, N.len); }
source(A) ::= ID(N) LPAREN args(L) RPAREN(R).            { A = ast_call(B, N.off, N.len, L, END(R)); }

/* ---- expressions -------------------------------------------------------- */

expr(A) ::= expr(X) OR expr(Y).               { A = ast_binary(B, AST_BINARY, OPR_OR, X, Y); }
expr(A) ::= expr(X) AND expr(Y).              { A = ast_binary(B, AST_BINARY, OPR_AND, X, Y); }
expr(A) ::= NOT(N) expr(X).                   { A = ast_unary(B, OPR_NOT, N.off, X); }
expr(A) ::= expr(X) EQ expr(Y).               { A = ast_binary(B, AST_BINARY, OPR_EQ, X, Y); }
expr(A) ::= expr(X) NE expr(Y).               { A = ast_binary(B, AST_BINARY, OPR_NE, X, Y); }
expr(A) ::= expr(X) LT expr(Y).               { A = ast_binary(B, AST_BINARY, OPR_LT, X, Y); }
expr(A) ::= expr(X) LE expr(Y).               { A = ast_binary(B, AST_BINARY, OPR_LE, X, Y); }
expr(A) ::= expr(X) GT expr(Y).               { A = ast_binary(B, AST_BINARY, OPR_GT, X, Y); }
expr(A) ::= expr(X) GE expr(Y).               { A = ast_binary(B, AST_BINARY, OPR_GE, X, Y); }
expr(A) ::= expr(X) IN LBRACKET elist(L) RBRACKET(R). { A = ast_in(B, X, L, END(R)); }
expr(A) ::= expr(X) IN expr(S).               { A = ast_in_span(B, X, S); }
expr(A) ::= expr(X) DOTDOT expr(Y).           { A = ast_binary(B, AST_RANGE, OPR_NONE, X, Y); }
expr(A) ::= expr(X) PLUS expr(Y).             { A = ast_binary(B, AST_BINARY, OPR_ADD, X, Y); }
expr(A) ::= expr(X) MINUS expr(Y).            { A = ast_binary(B, AST_BINARY, OPR_SUB, X, Y); }
expr(A) ::= expr(X) STAR expr(Y).             { A = ast_binary(B, AST_BINARY, OPR_MUL, X, Y); }
expr(A) ::= expr(X) SLASH expr(Y).            { A = ast_binary(B, AST_BINARY, OPR_DIV, X, Y); }
expr(A) ::= expr(X) PERCENT expr(Y).          { A = ast_binary(B, AST_BINARY, OPR_MOD, X, Y); }
expr(A) ::= MINUS(M) expr(X). [NEG]           { A = ast_unary(B, OPR_NEG, M.off, X); }
expr(A) ::= expr(X) DOT name(N).              { A = ast_member(B, X, N.off, N.len); }
expr(A) ::= ID(N) LPAREN args(L) RPAREN(R).   { A = ast_call(B, N.off, N.len, L, END(R)); }
expr(A) ::= LPAREN(L) expr(X) RPAREN(R).      { A = ast_span(X, L.off, END(R)); }

expr(A) ::= INT(T).                           { A = ast_leaf(B, AST_INT, T.off, T.len); }
expr(A) ::= DATE(T).                          { A = ast_leaf(B, AST_DATE, T.off, T.len); }
expr(A) ::= DUR(T).                           { A = ast_leaf(B, AST_DUR, T.off, T.len); }
expr(A) ::= STRING(T).                        { A = ast_leaf(B, AST_STRING, T.off, T.len); }
expr(A) ::= TRUE(T).                          { A = ast_leaf(B, AST_BOOL, T.off, T.len); }
expr(A) ::= FALSE(T).                         { A = ast_leaf(B, AST_BOOL, T.off, T.len); }
expr(A) ::= NONE(T).                          { A = ast_leaf(B, AST_NONE, T.off, T.len); }
expr(A) ::= TODAY(T).                         { A = ast_leaf(B, AST_TODAY, T.off, T.len); }
expr(A) ::= PERIOD(T).                        { A = ast_leaf(B, AST_PERIOD, T.off, T.len); }
expr(A) ::= ID(T).                            { A = ast_leaf(B, AST_IDENT, T.off, T.len); }

/* "a {x} b {y} c": INTERP_START expr (INTERP_MID expr)* INTERP_END */
expr(A) ::= interp(I) INTERP_END(T).          { A = ast_interp_add(B, I, T.off, T.len, NULL); }
interp(A) ::= INTERP_START(T) expr(X).        { A = ast_interp_add(B, NULL, T.off, T.len, X); }
interp(A) ::= interp(I) INTERP_MID(T) expr(X). { A = ast_interp_add(B, I, T.off, T.len, X); }

expr(A) ::= EXISTS(Q) ID(V) IN tname(T). [QUANT]
    { A = ast_quant(B, Q_EXISTS, Q.off, V.off, V.len, T.off, T.len, NULL, NULL); }
expr(A) ::= EXISTS(Q) ID(V) IN tname(T) WHERE expr(W). [QUANT]
    { A = ast_quant(B, Q_EXISTS, Q.off, V.off, V.len, T.off, T.len, W, NULL); }
expr(A) ::= ALL(Q) ID(V) IN tname(T) SATISFIES expr(P). [QUANT]
    { A = ast_quant(B, Q_ALL, Q.off, V.off, V.len, T.off, T.len, NULL, P); }
expr(A) ::= ALL(Q) ID(V) IN tname(T) WHERE expr(W) SATISFIES expr(P). [QUANT]
    { A = ast_quant(B, Q_ALL, Q.off, V.off, V.len, T.off, T.len, W, P); }
expr(A) ::= COUNT(Q) ID(V) IN tname(T). [QUANT]
    { A = ast_quant(B, Q_COUNT, Q.off, V.off, V.len, T.off, T.len, NULL, NULL); }
expr(A) ::= COUNT(Q) ID(V) IN tname(T) WHERE expr(W). [QUANT]
    { A = ast_quant(B, Q_COUNT, Q.off, V.off, V.len, T.off, T.len, W, NULL); }
expr(A) ::= NEWEST(Q) expr(E) FOR ID(V) IN tname(T). [QUANT]
    { A = ast_quant(B, Q_NEWEST, Q.off, V.off, V.len, T.off, T.len, NULL, E); }
expr(A) ::= NEWEST(Q) expr(E) FOR ID(V) IN tname(T) WHERE expr(W). [QUANT]
    { A = ast_quant(B, Q_NEWEST, Q.off, V.off, V.len, T.off, T.len, W, E); }
expr(A) ::= OLDEST(Q) expr(E) FOR ID(V) IN tname(T). [QUANT]
    { A = ast_quant(B, Q_OLDEST, Q.off, V.off, V.len, T.off, T.len, NULL, E); }
expr(A) ::= OLDEST(Q) expr(E) FOR ID(V) IN tname(T) WHERE expr(W). [QUANT]
    { A = ast_quant(B, Q_OLDEST, Q.off, V.off, V.len, T.off, T.len, W, E); }
expr(A) ::= SUM(Q) expr(E) FOR ID(V) IN tname(T). [QUANT]
    { A = ast_quant(B, Q_SUM, Q.off, V.off, V.len, T.off, T.len, NULL, E); }
expr(A) ::= SUM(Q) expr(E) FOR ID(V) IN tname(T) WHERE expr(W). [QUANT]
    { A = ast_quant(B, Q_SUM, Q.off, V.off, V.len, T.off, T.len, W, E); }
expr(A) ::= AVG(Q) expr(E) FOR ID(V) IN tname(T). [QUANT]
    { A = ast_quant(B, Q_AVG, Q.off, V.off, V.len, T.off, T.len, NULL, E); }
expr(A) ::= AVG(Q) expr(E) FOR ID(V) IN tname(T) WHERE expr(W). [QUANT]
    { A = ast_quant(B, Q_AVG, Q.off, V.off, V.len, T.off, T.len, W, E); }

/* `if C then A else B`: like a quantifier, its last part extends as far
 * right as it can, so inside a larger expression it goes in parentheses. */
expr(A) ::= IF(K) expr(C) THEN expr(T) ELSE expr(E). [QUANT]
    { A = ast_cond(B, K.off, C, T, E); }

args(A) ::= .                                 { A = NULL; }
args(A) ::= elist(L).                         { A = L; }
elist(A) ::= expr(X).                         { A = X; }
elist(A) ::= elist(L) COMMA expr(X).          { A = ast_append(L, X); }

%code {
/* ---- what the parser could have accepted ---------------------------------
 * Called from %syntax_error. For each terminal, simulates the LR automaton
 * from the current stack (reductions included, fallbacks excluded) and
 * records whether the terminal would be shifted, so the driver can say
 * "expected `)`". Reads Lemon's tables (template lempar.c of 3.40). */

typedef char ps_check_ntoken[YYNTOKEN <= PARSE_MAX_TOKENS ? 1 : -1];

static int ps_action(int tok, int state)
{
    int i;
    if (state > YY_MAX_SHIFT)
        return state;                 /* a pending reduce */
    i = yy_shift_ofst[state] + tok;
    if (yy_lookahead[i] != tok)
        return yy_default[state];
    return yy_action[i];
}

static int ps_accepts(const yyParser *p, int tok)
{
    int st[YYSTACKDEPTH + 4];
    int n = 0, steps;
    const yyStackEntry *e;

    for (e = p->yystack; e <= p->yytos && n < YYSTACKDEPTH + 2; e++)
        st[n++] = e->stateno;
    for (steps = 0; steps < 1000; steps++) {
        int act = ps_action(tok, st[n - 1]);
        if (act <= YY_MAX_SHIFTREDUCE || act == YY_ACCEPT_ACTION)
            return 1;
        if (act >= YY_MIN_REDUCE && act <= YY_MAX_REDUCE) {
            int rule = act - YY_MIN_REDUCE;
            int top = n - 1 + yyRuleInfoNRhs[rule];
            if (top < 0 || top + 1 >= YYSTACKDEPTH + 4)
                return 0;
            st[top + 1] = yy_find_reduce_action((YYACTIONTYPE)st[top],
                                                (YYCODETYPE)yyRuleInfoLhs[rule]);
            n = top + 2;
            continue;
        }
        return 0;
    }
    return 0;
}

static void ps_syntax_error(parse_state *ps, void *parser)
{
    const yyParser *p = parser;
    int tok;
    (void)sizeof(ps_check_ntoken);
    ps->syntax_error = 1;
    memset(ps->expected, 0, sizeof ps->expected);
    for (tok = 0; tok < YYNTOKEN; tok++)
        ps->expected[tok] = (unsigned char)ps_accepts(p, tok);
}
}
