/*
 * lexer.re: the tokenizer (re2c). See compiler/lex.h for the interface.
 *
 * The source text is NUL-terminated (source_new guarantees it) and the lexer
 * uses that NUL as re2c's sentinel: no rule can match a NUL except the rule
 * for NUL alone, so the generated code never reads past the terminator and
 * needs no bounds checks (`re2c -W -Werror` checks this). A NUL before the
 * end of the text is reported as a bad character.
 *
 * Strings are scanned by a second re2c block (lex_string). A `{` in a string
 * ends the current piece (INTERP_START or INTERP_MID) and pushes a level on
 * the interpolation stack; tokens are then ordinary expression tokens until
 * the `}` that matches it at brace depth 0, which resumes the string (the
 * next piece is INTERP_MID or INTERP_END). A string cannot hold a raw
 * newline, so a newline (or the end of input) with a level still open
 * closes it with a zero-length INTERP_END after reporting "unterminated
 * string" once; the parser then sees a well-formed token sequence.
 *
 * Errors never stop lexing: a bad character is reported and skipped; a
 * malformed number (`92days`) is reported and returned as an INT so the
 * parser does not report a second, confusing error; `=`, `&&`, `||` and
 * `!` are reported with the spelling to use and returned as that token.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "lex.h"
#include "parser.h"
#include "vouch_limits.h"
#include "escape.h"

#define LEX_REPORTED UINT32_MAX

void lex_init(lexer *lx, const vouch_source *src, diag_sink *diag)
{
    memset(lx, 0, sizeof *lx);
    lx->src = src;
    lx->diag = diag;
    /* A UTF-8 byte order mark is not part of the program. */
    if (src->len >= 3 && memcmp(src->text, "\xEF\xBB\xBF", 3) == 0)
        lx->pos = 3;
}

static int emit(lexer *lx, lex_token *t, int type, uint32_t off, uint32_t end)
{
    lx->pos = end;
    t->type = type;
    t->off = off;
    t->len = end - off;
    return type;
}

/* Reports an unterminated string whose quote is at quote (unless already
 * reported) and marks every open level as reported, so one broken line
 * gives one message. end is where the line ends. */
static void unterminated(lexer *lx, uint32_t quote, uint32_t end, int in_interp)
{
    int i;
    if (quote != LEX_REPORTED && lx->diag) {
        const char *hint = "a string ends on the line it starts: close it with `\"`";
        char buf[160];
        /* A string that starts inside another one's `{...}`: most likely
         * that `}` is missing ("bad {x.y"). */
        if (in_interp && lx->ninterp > 0 && lx->interp_quote[lx->ninterp - 1] != LEX_REPORTED) {
            uint32_t line, col;
            source_position(lx->src, lx->interp_quote[lx->ninterp - 1], &line, &col);
            snprintf(buf, sizeof buf,
                     "this string is inside the `{...}` of the string at column %u: "
                     "is a `}` missing? (write `\\{` for a literal brace)", col);
            hint = buf;
        }
        diag_error(lx->diag, lx->src, quote, end > quote ? end - quote : 1, hint,
                   "unterminated string");
    }
    for (i = 0; i < lx->ninterp; i++)
        lx->interp_quote[i] = LEX_REPORTED;
}

static void bad_char(lexer *lx, uint32_t off)
{
    unsigned char c = (unsigned char)lx->src->text[off];
    if (!lx->diag)
        return;
    if (c >= 0x21 && c < 0x7F)
        diag_error(lx->diag, lx->src, off, 1, NULL, "unexpected character `%c`", c);
    else
        diag_error(lx->diag, lx->src, off, 1, NULL, "unexpected byte 0x%02X", c);
}

/* Checks the text of a string piece or a comment, [from, to): a pack is
 * UTF-8 text, and what it says is what it shows. Reports the first of:
 * bytes that are not UTF-8; in a string, a raw control character other
 * than tab (the escapes \n and \t are the way to write them); anywhere, a
 * C1 control or a bidirectional control, which can make a line display
 * differently from what it says (the "Trojan Source" attack,
 * CVE-2021-42574) and would be written into every report. One report per
 * piece: the rest of a damaged piece adds nothing. */
static void check_text(lexer *lx, const unsigned char *from, const unsigned char *to, int in_string)
{
    const unsigned char *base = (const unsigned char *)lx->src->text;
    const unsigned char *p = from;
    if (!lx->diag)
        return;
    while (p < to) {
        /* printable ASCII, nearly all of a pack, needs no look */
        while (p < to && *p >= 0x20 && *p < 0x7f)
            p++;
        if (p == to)
            break;
        unsigned c = *p;
        size_t n = c < 0x80 ? 1 : vouch_utf8_len(p);
        if (n == 0 || p + n > to) {
            const unsigned char *q = p + 1;
            while (q < to && *q >= 0x80 && vouch_utf8_len(q) == 0)
                q++;
            diag_error(lx->diag, lx->src, (uint32_t)(p - base), (uint32_t)(q - p),
                       "a pack is UTF-8 text: save the file as UTF-8",
                       "byte 0x%02X is not UTF-8", c);
            return;
        }
        if (in_string && n == 1 && ((c < 0x20 && c != '\t') || c == 0x7f)) {
            diag_error(lx->diag, lx->src, (uint32_t)(p - base), 1,
                       "write \\n for a line break, \\t for a tab; other control "
                       "characters cannot appear in a string",
                       "control character 0x%02X in a string", c);
            return;
        }
        if (n > 1 && vouch_utf8_hidden(p, n)) {
            diag_error(lx->diag, lx->src, (uint32_t)(p - base), (uint32_t)n,
                       "a bidirectional or C1 control character can make the line "
                       "read differently from what it says; remove it",
                       "invisible control character in %s", in_string ? "a string" : "a comment");
            return;
        }
        p += n;
    }
}

/* Scans a string piece. start is the piece's first byte (`"` or the `}`
 * that resumes the string), YYCURSOR the byte after it; resumed says which
 * (it picks STRING/INTERP_START or INTERP_END/INTERP_MID); quote is the
 * offset of the string's opening quote. */
static int lex_string(lexer *lx, lex_token *t, const unsigned char *YYCURSOR, uint32_t start,
                      int resumed, uint32_t quote)
{
    const unsigned char *base = (const unsigned char *)lx->src->text;
    const unsigned char *tok;

    for (;;) {
        tok = YYCURSOR;
        /*!re2c
            re2c:define:YYCTYPE = "unsigned char";
            re2c:yyfill:enable = 0;
            re2c:indent:top = 2;

            ["] {
                return emit(lx, t, resumed ? TK_INTERP_END : TK_STRING, start,
                            (uint32_t)(YYCURSOR - base));
            }
            "{" {
                if (lx->ninterp >= LEX_MAX_INTERP_DEPTH) {
                    if (lx->diag)
                        diag_error(lx->diag, lx->src, (uint32_t)(tok - base), 1,
                                   "write `\\{` for a literal brace",
                                   "string interpolation nested more than %d deep",
                                   LEX_MAX_INTERP_DEPTH);
                    continue;
                }
                lx->brace_depth[lx->ninterp] = 0;
                lx->interp_quote[lx->ninterp] = quote;
                lx->ninterp++;
                return emit(lx, t, resumed ? TK_INTERP_MID : TK_INTERP_START, start,
                            (uint32_t)(YYCURSOR - base));
            }
            "\\" ["\\nt{}] { continue; }
            "\\" [^\n\x00] {
                if (lx->diag)
                    diag_error(lx->diag, lx->src, (uint32_t)(tok - base), 2,
                               "the escapes are \\\" \\\\ \\n \\t \\{ and \\}",
                               "unknown escape `%.2s` in string", (const char *)tok);
                continue;
            }
            "\\" { continue; }
            [^"\\{\n\x00]+ { check_text(lx, tok, YYCURSOR, 1); continue; }
            "\x00" {
                if ((uint32_t)(tok - base) < lx->src->len) {
                    bad_char(lx, (uint32_t)(tok - base));
                    continue;
                }
                unterminated(lx, quote, (uint32_t)(tok - base), 1);
                return emit(lx, t, resumed ? TK_INTERP_END : TK_STRING, start,
                            (uint32_t)(tok - base));
            }
            "\n" {
                unterminated(lx, quote, (uint32_t)(tok - base), 1);
                return emit(lx, t, resumed ? TK_INTERP_END : TK_STRING, start,
                            (uint32_t)(tok - base));
            }
        */
    }
}

int lex_next(lexer *lx, lex_token *t)
{
    const unsigned char *base = (const unsigned char *)lx->src->text;
    const unsigned char *YYCURSOR, *YYMARKER, *tok;

#define TOK(type) return emit(lx, t, (type), (uint32_t)(tok - base), (uint32_t)(YYCURSOR - base))

    for (;;) {
        tok = YYCURSOR = base + lx->pos;
        /* A newline or the end with an interpolation open: the string was
         * not closed on its line. Close the innermost level with an empty
         * INTERP_END without consuming anything; the next call closes the
         * next level, until none is left. */
        if (lx->ninterp > 0 && (*tok == '\n' || (*tok == '\0' && lx->pos >= lx->src->len))) {
            unterminated(lx, lx->interp_quote[0], lx->pos, 0);
            lx->ninterp--;
            return emit(lx, t, TK_INTERP_END, lx->pos, lx->pos);
        }
        /*!re2c
            re2c:define:YYCTYPE = "unsigned char";
            re2c:yyfill:enable = 0;
            re2c:indent:top = 2;

            "\x00" {
                if ((uint32_t)(tok - base) < lx->src->len) {
                    bad_char(lx, (uint32_t)(tok - base));
                    lx->pos++;
                    continue;
                }
                return emit(lx, t, 0, lx->src->len, lx->src->len);
            }
            [ \t\r\n\v\f]+ { lx->pos = (uint32_t)(YYCURSOR - base); continue; }
            "#" [^\n\x00]* {
                check_text(lx, tok, YYCURSOR, 0);
                lx->pos = (uint32_t)(YYCURSOR - base);
                continue;
            }

            "pack"      { TOK(TK_PACK); }
            "version"   { TOK(TK_VERSION); }
            "import"    { TOK(TK_IMPORT); }
            "fact"      { TOK(TK_FACT); }
            "key"       { TOK(TK_KEY); }
            "enum"      { TOK(TK_ENUM); }
            "rule"      { TOK(TK_RULE); }
            "severity"  { TOK(TK_SEVERITY); }
            "maps"      { TOK(TK_MAPS); }
            "for"       { TOK(TK_FOR); }
            "in"        { TOK(TK_IN); }
            "where"     { TOK(TK_WHERE); }
            "require"   { TOK(TK_REQUIRE); }
            "subject"   { TOK(TK_SUBJECT); }
            "else"      { TOK(TK_ELSE); }
            "exists"    { TOK(TK_EXISTS); }
            "all"       { TOK(TK_ALL); }
            "count"     { TOK(TK_COUNT); }
            "newest"    { TOK(TK_NEWEST); }
            "oldest"    { TOK(TK_OLDEST); }
            "sum"       { TOK(TK_SUM); }
            "avg"       { TOK(TK_AVG); }
            "freshness" { TOK(TK_FRESHNESS); }
            "satisfies" { TOK(TK_SATISFIES); }
            "and"       { TOK(TK_AND); }
            "or"        { TOK(TK_OR); }
            "not"       { TOK(TK_NOT); }
            "true"      { TOK(TK_TRUE); }
            "false"     { TOK(TK_FALSE); }
            "none"      { TOK(TK_NONE); }
            "today"     { TOK(TK_TODAY); }
            "period"    { TOK(TK_PERIOD); }
            "framework" { TOK(TK_FRAMEWORK); }
            "control"   { TOK(TK_CONTROL); }
            "crosswalk" { TOK(TK_CROSSWALK); }
            "note"      { TOK(TK_NOTE); }
            "scope"     { TOK(TK_SCOPE); }
            "appetite"  { TOK(TK_APPETITE); }
            "band"      { TOK(TK_BAND); }
            "tolerate"  { TOK(TK_TOLERATE); }
            "accept"    { TOK(TK_ACCEPT); }
            "by"        { TOK(TK_BY); }
            "role"      { TOK(TK_ROLE); }
            "review"    { TOK(TK_REVIEW); }
            "authority" { TOK(TK_AUTHORITY); }
            "every"     { TOK(TK_EVERY); }
            "of"        { TOK(TK_OF); }
            "as"        { TOK(TK_AS); }
            "waive"     { TOK(TK_WAIVE); }
            "from"      { TOK(TK_FROM); }
            "until"     { TOK(TK_UNTIL); }
            "because"   { TOK(TK_BECAUSE); }
            "approved_by" { TOK(TK_APPROVED_BY); }
            "waivers"   { TOK(TK_WAIVERS); }
            "override"  { TOK(TK_OVERRIDE); }
            "if"        { TOK(TK_IF); }
            "test"      { TOK(TK_TEST); }
            "given"     { TOK(TK_GIVEN); }
            "expect"    { TOK(TK_EXPECT); }
            "enforcement" { TOK(TK_ENFORCEMENT); }
            "then"      { TOK(TK_THEN); }
            "skip"      { TOK(TK_SKIP); }
            "dated"     { TOK(TK_DATED); }
            "source"    { TOK(TK_SOURCE); }
            "into"      { TOK(TK_INTO); }
            "map"       { TOK(TK_MAP); }
            "param"     { TOK(TK_PARAM); }

            [A-Za-z_][A-Za-z0-9_]* {
                if (YYCURSOR - tok > VOUCH_MAX_NAME_BYTES && lx->diag)
                    diag_error(lx->diag, lx->src, (uint32_t)(tok - base), (uint32_t)(YYCURSOR - tok),
                               "shorten it", "a name of %u bytes is longer than the limit of %d",
                               (unsigned)(YYCURSOR - tok), VOUCH_MAX_NAME_BYTES);
                TOK(TK_ID);
            }

            [0-9]{4} "-" [0-9]{2} "-" [0-9]{2} { TOK(TK_DATE); }
            [0-9]+ ([dwqy] | "mo") { TOK(TK_DUR); }
            [0-9]+ { TOK(TK_INT); }
            [0-9]+ [A-Za-z_0-9]* [A-Za-z_] [A-Za-z_0-9]* {
                if (lx->diag)
                    diag_error(lx->diag, lx->src, (uint32_t)(tok - base),
                               (uint32_t)(YYCURSOR - tok),
                               "a number is digits only; a duration is digits then `d` (days), `w` (weeks), `mo` (months), `q` (quarters) or `y` (years)",
                               "malformed number `%.*s`", (int)(YYCURSOR - tok > 40 ? 40 : YYCURSOR - tok),
                               (const char *)tok);
                TOK(TK_INT);
            }

            ["] { return lex_string(lx, t, YYCURSOR, (uint32_t)(tok - base), 0,
                                    (uint32_t)(tok - base)); }

            "{" {
                if (lx->ninterp > 0)
                    lx->brace_depth[lx->ninterp - 1]++;
                TOK(TK_LBRACE);
            }
            "}" {
                if (lx->ninterp > 0) {
                    if (lx->brace_depth[lx->ninterp - 1] == 0) {
                        uint32_t quote = lx->interp_quote[--lx->ninterp];
                        return lex_string(lx, t, YYCURSOR, (uint32_t)(tok - base), 1, quote);
                    }
                    lx->brace_depth[lx->ninterp - 1]--;
                }
                TOK(TK_RBRACE);
            }

            "==" { TOK(TK_EQ); }
            "!=" { TOK(TK_NE); }
            "<=" { TOK(TK_LE); }
            ">=" { TOK(TK_GE); }
            "<"  { TOK(TK_LT); }
            ">"  { TOK(TK_GT); }
            "+"  { TOK(TK_PLUS); }
            "-"  { TOK(TK_MINUS); }
            "*"  { TOK(TK_STAR); }
            "/"  { TOK(TK_SLASH); }
            "%"  { TOK(TK_PERCENT); }
            ".." { TOK(TK_DOTDOT); }
            "."  { TOK(TK_DOT); }
            ","  { TOK(TK_COMMA); }
            ":"  { TOK(TK_COLON); }
            "("  { TOK(TK_LPAREN); }
            ")"  { TOK(TK_RPAREN); }
            "["  { TOK(TK_LBRACKET); }
            "]"  { TOK(TK_RBRACKET); }
            "?"  { TOK(TK_QUESTION); }

            "=" { TOK(TK_ASSIGN); }
            "->" { TOK(TK_ARROW); }
            "&&" {
                if (lx->diag)
                    diag_error(lx->diag, lx->src, (uint32_t)(tok - base), 2,
                               "write `and`", "unexpected `&&`");
                TOK(TK_AND);
            }
            "||" {
                if (lx->diag)
                    diag_error(lx->diag, lx->src, (uint32_t)(tok - base), 2,
                               "write `or`", "unexpected `||`");
                TOK(TK_OR);
            }
            "!" {
                if (lx->diag)
                    diag_error(lx->diag, lx->src, (uint32_t)(tok - base), 1,
                               "write `not` (or `!=` to compare)", "unexpected `!`");
                TOK(TK_NOT);
            }

            [\x80-\xff]+ {
                if (lx->diag)
                    diag_error(lx->diag, lx->src, (uint32_t)(tok - base),
                               (uint32_t)(YYCURSOR - tok),
                               "non-ASCII text may appear only in strings and comments",
                               "unexpected non-ASCII character");
                lx->pos = (uint32_t)(YYCURSOR - base);
                continue;
            }
            * {
                bad_char(lx, (uint32_t)(tok - base));
                lx->pos = (uint32_t)(YYCURSOR - base);
                continue;
            }
        */
    }
#undef TOK
}

char *lex_unescape(arena *a, const char *p, uint32_t n, uint32_t *out_len)
{
    char *out = arena_alloc(a, (size_t)n + 1);
    uint32_t i, k = 0;

    if (!out)
        return NULL;
    for (i = 0; i < n; i++) {
        char c = p[i];
        if (c == '\\' && i + 1 < n) {
            switch (p[i + 1]) {
            case 'n': c = '\n'; i++; break;
            case 't': c = '\t'; i++; break;
            case '"': case '\\': case '{': case '}': c = p[++i]; break;
            default: break;  /* reported by the lexer; kept as written */
            }
        }
        out[k++] = c;
    }
    out[k] = '\0';
    if (out_len)
        *out_len = k;
    return out;
}
