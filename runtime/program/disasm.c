/*
 * disasm.c: a readable listing of a program, for `vouch disasm`, golden
 * tests of code generation, and debugging.
 *
 * The listing has a header (version, counts), the declared tables with
 * their columns and types, the plans (table, mode, terms, columns), the
 * constant pool, the sources (`vouch load --source` mappings), then each rule's header and instructions with operands
 * decoded by kind: constants shown as their value, jumps as "-> 0040",
 * builtins by name, plan columns by table and column name.
 *
 * The listing must not crash on a program the verifier would reject (it is
 * also how one looks at a bad program), so every index is checked here
 * again and an out-of-range one is printed as "?".
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"
#include "builtins.h"

static const char *const type_names[VT__COUNT] = {"none", "bool", "int", "date", "duration",
                                                  "text", "calendar duration"};
static const char *const mode_names[] = {"rows", "exists", "count", "min", "max"};
static const char *const cmp_names[] = {"=", "!=", "<", "<=", ">", ">="};
static const char *const env_names[VOUCH_ENV__COUNT] = {"today", "period_start", "period_end"};

static const char *str(const char *s) { return s ? s : ""; }

static const char *type_name(uint32_t t) { return t < VT__COUNT ? type_names[t] : "?"; }

static const vouch_table_decl *table_of(const vouch_program *p, uint32_t t)
{
    return p->tables && t < p->ntables ? &p->tables[t] : NULL;
}

static const char *column_name(const vouch_table_decl *t, uint32_t c)
{
    return t && t->columns && c < t->ncolumns && t->columns[c].name ? t->columns[c].name : "?";
}

/* Prints a value as it would be written in source: texts quoted with
 * escapes, everything else in its canonical form. */
static void print_value(FILE *out, const vouch_value *v)
{
    if (v->type == VT_TEXT) {
        fputc('"', out);
        for (uint32_t i = 0; v->u.s && i < v->len; i++) {
            unsigned char c = (unsigned char)v->u.s[i];
            if (c == '"' || c == '\\')
                fprintf(out, "\\%c", c);
            else if (c == '\n')
                fputs("\\n", out);
            else if (c == '\t')
                fputs("\\t", out);
            else if (c < 0x20 || c == 0x7f)
                fprintf(out, "\\x%02x", c);
            else
                fputc(c, out);
        }
        fputc('"', out);
        return;
    }
    char buf[64];
    if (v->type >= VT__COUNT) {
        fputs("?", out);
        return;
    }
    vouch_value_format(v, buf, sizeof buf);
    fputs(buf, out);
}

/* A source's text: quoted, or none. */
static void print_otext(FILE *out, const char *s)
{
    if (s)
        fprintf(out, "\"%s\"", s);
    else
        fputs("none", out);
}

/* "from ", "from format ", "from json ": how a feed reads its path. */
static const char *feed_how(uint8_t kind)
{
    return kind == FEED_FORMAT ? "from format " : kind == FEED_JSON ? "from json " : "from ";
}

static void print_sources(const vouch_program *p, FILE *out)
{
    static const char *const formats[] = {"csv", "json", "jsonl"};
    static const char *const skips[] = {"==", "!=", "in", "not in"};
    for (uint32_t i = 0; p->sources && i < p->nsources; i++) {
        const vouch_source_decl *s = &p->sources[i];
        const vouch_table_decl *t = s->table < p->ntables && p->tables ? &p->tables[s->table] : NULL;
        fprintf(out, "source %u %s into %s from %s", i, str(s->name), t ? str(t->name) : "?",
                s->format < SRC__COUNT ? formats[s->format] : "?");
        if (s->root && *s->root)
            fprintf(out, " \"%s\"", s->root);
        fprintf(out, " (%s:%u)\n", str(s->file), s->line);
        for (uint32_t k = 0; s->feeds && k < s->nfeeds; k++) {
            const vouch_feed *f = &s->feeds[k];
            fprintf(out, "  %-20s ", t && f->column < t->ncolumns && t->columns ? str(t->columns[f->column].name) : "?");
            if (f->kind == FEED_CONSTANT) {
                fputs("= ", out);
                print_otext(out, f->value);
            } else {
                fputs(feed_how(f->kind), out);
                print_otext(out, f->path);
                for (uint32_t a = 0; f->elses && a < f->nelse; a++) {
                    fputs(" else ", out);
                    fputs(feed_how(f->elses[a].kind) + 5, out);
                    print_otext(out, f->elses[a].path);
                }
            }
            if (f->pattern)
                fprintf(out, " as \"%s\"", f->pattern);
            if (f->zone)
                fprintf(out, " in \"%s\"", f->zone);
            if (f->nmap && f->map) {
                fputs(" map {", out);
                for (uint32_t m = 0; m < f->nmap; m++) {
                    fputs(m ? ", " : "", out);
                    if (f->map[m].from)
                        fprintf(out, "\"%s\"", f->map[m].from);
                    else
                        fputs("else", out);
                    fputs(" -> ", out);
                    print_otext(out, f->map[m].to);
                }
                fputc('}', out);
            }
            fputc('\n', out);
        }
        for (uint32_t k = 0; s->skips && k < s->nskips; k++) {
            const vouch_source_skip *sk = &s->skips[k];
            fprintf(out, "  skip if \"%s\" %s ", str(sk->path), sk->kind < SKIP__COUNT ? skips[sk->kind] : "?");
            int list = sk->kind == SKIP_IN || sk->kind == SKIP_NOT_IN;
            fputs(list ? "[" : "", out);
            for (uint32_t v = 0; sk->values && v < sk->nvalues; v++) {
                fputs(v ? ", " : "", out);
                print_otext(out, sk->values[v]);
            }
            fputs(list ? "]\n" : "\n", out);
        }
    }
}

static void print_tables(const vouch_program *p, FILE *out)
{
    for (uint32_t i = 0; p->tables && i < p->ntables; i++) {
        const vouch_table_decl *t = &p->tables[i];
        fprintf(out, "table %u %s", i, str(t->name));
        if (t->nkey && t->key) {
            fputs(" key (", out);
            for (uint32_t k = 0; k < t->nkey; k++)
                fprintf(out, "%s%s", k ? ", " : "", column_name(t, t->key[k]));
            fputc(')', out);
        }
        if (t->dated)
            fprintf(out, " dated by %s", column_name(t, t->dated - 1));
        fputc('\n', out);
        for (uint32_t c = 0; t->columns && c < t->ncolumns; c++) {
            const vouch_column_decl *col = &t->columns[c];
            fprintf(out, "  %2u %-20s %s%s", c, str(col->name), type_name(col->type),
                    col->optional ? "?" : "");
            if (col->enum_id >= 0) {
                if (p->enums && (uint32_t)col->enum_id < p->nenums) {
                    const vouch_enum_decl *e = &p->enums[col->enum_id];
                    fprintf(out, " enum %d {", col->enum_id);
                    for (uint32_t k = 0; e->values && k < e->nvalues; k++)
                        fprintf(out, "%s%s", k ? ", " : "", str(e->values[k]));
                    fputc('}', out);
                } else {
                    fprintf(out, " enum %d ?", col->enum_id);
                }
            }
            fputc('\n', out);
        }
    }
}

static void print_plans(const vouch_program *p, FILE *out)
{
    for (uint32_t i = 0; p->plans && i < p->nplans; i++) {
        const vouch_plan *pl = &p->plans[i];
        const vouch_table_decl *t = table_of(p, pl->table);
        fprintf(out, "plan %u %s %s", i, t ? str(t->name) : "?",
                pl->mode <= PLAN_MAX ? mode_names[pl->mode] : "?");
        if (pl->mode == PLAN_MIN || pl->mode == PLAN_MAX)
            fprintf(out, "(%s)", column_name(t, pl->agg_column));
        if (pl->repeated)
            fputs(" repeated", out);
        if (p->rules && pl->rule < p->nrules)
            fprintf(out, " rule %s", str(p->rules[pl->rule].id));
        fprintf(out, " params %u\n", pl->nparams);
        for (uint32_t k = 0; pl->terms && k < pl->nterms; k++) {
            const vouch_plan_term *tm = &pl->terms[k];
            fprintf(out, "  where %s %s $%u (%s)\n", column_name(t, tm->column),
                    tm->cmp <= CMP_GE ? cmp_names[tm->cmp] : "?", tm->param,
                    tm->bound ? "bound" : "constant");
        }
        if (pl->nfilter && pl->filter) {
            /* postfix, as the store reads it: "col a col b * $1 <= not" */
            static const char *const ops[FOP__COUNT] = {[FOP_ADD] = "+", [FOP_SUB] = "-", [FOP_MUL] = "*",
                                                        [FOP_EQ] = "==", [FOP_NE] = "!=", [FOP_LT] = "<",
                                                        [FOP_LE] = "<=", [FOP_GT] = ">", [FOP_GE] = ">=",
                                                        [FOP_NOT] = "not", [FOP_AND] = "and", [FOP_OR] = "or"};
            fputs("  filter", out);
            for (uint32_t k = 0; k < pl->nfilter; k++) {
                uint32_t op = pl->filter[k];
                if ((op == FOP_COL || op == FOP_PARAM) && k + 1 < pl->nfilter) {
                    uint32_t a = pl->filter[++k];
                    if (op == FOP_COL)
                        fprintf(out, " %s", column_name(t, a));
                    else
                        fprintf(out, " $%u", a);
                } else {
                    fprintf(out, " %s", op < FOP__COUNT && ops[op] ? ops[op] : "?");
                }
            }
            fputc('\n', out);
        }
        if (pl->ncolumns && pl->columns) {
            fputs("  columns", out);
            for (uint32_t c = 0; c < pl->ncolumns; c++)
                fprintf(out, " %u:%s", c, column_name(t, pl->columns[c]));
            fputc('\n', out);
        }
    }
}

/* The name of plan pl's output column c, like "evidence.collected_on". */
static void print_plan_column(const vouch_program *p, FILE *out, uint32_t pl, uint32_t c)
{
    const vouch_plan *plan = p->plans && pl < p->nplans ? &p->plans[pl] : NULL;
    const vouch_table_decl *t = plan ? table_of(p, plan->table) : NULL;
    if (!plan || !t) {
        fputs("(?)", out);
        return;
    }
    switch (plan->mode) {
    case PLAN_ROWS:
        if (plan->columns && c < plan->ncolumns)
            fprintf(out, "(%s.%s)", str(t->name), column_name(t, plan->columns[c]));
        else
            fputs("(?)", out);
        break;
    case PLAN_COUNT:
        fprintf(out, "(count %s)", str(t->name));
        break;
    case PLAN_MIN:
    case PLAN_MAX:
        fprintf(out, "(%s %s.%s)", mode_names[plan->mode], str(t->name),
                column_name(t, plan->agg_column));
        break;
    default:
        fputs("(?)", out);
        break;
    }
}

/* Prints the instruction at pc and returns its length in words. */
static uint32_t print_insn(const vouch_program *p, FILE *out, uint32_t pc, uint32_t end)
{
    uint32_t op = p->code[pc];
    const char *fmt = vouch_opcode_operands(op);
    if (!fmt) {
        fprintf(out, "  %04u  ?%u\n", pc, op);
        return 1;
    }
    if (!*fmt) {
        fprintf(out, "  %04u  %s\n", pc, vouch_opcode_name(op));
        return 1;
    }
    fprintf(out, "  %04u  %-11s", pc, vouch_opcode_name(op));
    uint32_t len = 1 + (uint32_t)strlen(fmt);
    if (len > end - pc) {
        fputs(" (truncated)\n", out);
        return end - pc;
    }
    uint32_t plan = UINT32_MAX;
    for (uint32_t k = 0; fmt[k]; k++) {
        uint32_t a = p->code[pc + 1 + k];
        fputc(' ', out);
        switch (fmt[k]) {
        case 'K':
            if (p->consts && a < p->nconsts)
                print_value(out, &p->consts[a]);
            else
                fprintf(out, "K%u?", a);
            break;
        case 'L':
            fprintf(out, "L%u", a);
            break;
        case 'J':
            fprintf(out, "-> %04u", a);
            break;
        case 'P':
            fprintf(out, "plan %u", a);
            plan = a;
            break;
        case 'C':
            fprintf(out, "col %u ", a);
            print_plan_column(p, out, plan, a);
            break;
        case 'B': {
            const char *n = vouch_builtin_name(a);
            if (n)
                fputs(n, out);
            else
                fprintf(out, "builtin%u?", a);
            break;
        }
        case 'N':
            fprintf(out, "%u", a);
            break;
        case 'E':
            fputs(a < VOUCH_ENV__COUNT ? env_names[a] : "?", out);
            break;
        case 'T':
            if (p->points && a < p->npoints)
                fprintf(out, "point %u: %s", a, p->points[a].text);
            else
                fprintf(out, "point %u?", a);
            break;
        default:
            fprintf(out, "%u", a);
            break;
        }
    }
    fputc('\n', out);
    return len;
}

/* The instruction at pc, then, if a position entry starts there, its
 * note in a column of its own; returns the instruction's length. *k is
 * the next position entry not yet passed. */
static uint32_t print_positioned(const vouch_program *p, FILE *out, uint32_t pc, uint32_t end,
                                 uint32_t *k)
{
    static const char *const subject_names[SUBJ__COUNT] = {"", " row", " subject"};
    while (p->positions && *k < p->npositions && p->positions[*k].pc < pc)
        ++*k;
    const vouch_position *e = p->positions && *k < p->npositions && p->positions[*k].pc == pc
                                  ? &p->positions[*k] : NULL;
    if (!e)
        return print_insn(p, out, pc, end);
    char *line = NULL;
    size_t len = 0;
    FILE *ms = open_memstream(&line, &len);
    if (!ms)
        return print_insn(p, out, pc, end);
    uint32_t n = print_insn(p, ms, pc, end);
    if (fclose(ms) != 0 || !line) {
        free(line);
        return print_insn(p, out, pc, end);
    }
    if (len && line[len - 1] == '\n')
        line[--len] = '\0';
    const char *file = p->files && e->file < p->nfiles && p->files[e->file] ? p->files[e->file] : "?";
    fprintf(out, "%-48s ; %s:%u:%u%s\n", line, file, e->line, e->col,
            e->subject < SUBJ__COUNT ? subject_names[e->subject] : " ?");
    free(line);
    return n;
}

void vouch_disasm(const vouch_program *p, FILE *out) { vouch_disasm_with(p, out, 0); }

void vouch_disasm_with(const vouch_program *p, FILE *out, unsigned flags)
{
    if (!p) {
        fputs("; no program\n", out);
        return;
    }
    fprintf(out, "; vouch program version %u", p->version);
    if (p->pack)
        fprintf(out, ", pack %s", p->pack);
    if (p->pack_version)
        fprintf(out, " %s", p->pack_version);
    fprintf(out, "\n; %u rules, %u code words, %u constants, %u tables, %u enums, %u plans\n",
            p->nrules, p->ncode, p->nconsts, p->ntables, p->nenums, p->nplans);

    if (p->ntables) {
        fputc('\n', out);
        print_tables(p, out);
    }
    if (p->nplans) {
        fputc('\n', out);
        print_plans(p, out);
    }
    if (p->nconsts && p->consts) {
        fputc('\n', out);
        for (uint32_t i = 0; i < p->nconsts; i++) {
            fprintf(out, "const %u %s ", i, type_name(p->consts[i].type));
            print_value(out, &p->consts[i]);
            fputc('\n', out);
        }
    }

    if (p->nsources) {
        fputc('\n', out);
        print_sources(p, out);
    }

    for (uint32_t r = 0; p->rules && r < p->nrules; r++) {
        const vouch_rule_info *ri = &p->rules[r];
        fprintf(out, "\nrule %s \"%s\" severity %s (%s:%u:%u) locals %u\n", str(ri->id),
                str(ri->title), vouch_severity_name(ri->severity), str(ri->file), ri->line,
                ri->col, ri->nlocals);
        uint32_t lo = ri->entry;
        uint32_t hi = r + 1 < p->nrules ? p->rules[r + 1].entry : p->ncode;
        if (hi > p->ncode)
            hi = p->ncode;
        uint32_t k = 0;
        for (uint32_t pc = lo; p->code && pc < hi;)
            pc += flags & VOUCH_DISASM_POSITIONS ? print_positioned(p, out, pc, hi, &k)
                                                 : print_insn(p, out, pc, hi);
    }
}
