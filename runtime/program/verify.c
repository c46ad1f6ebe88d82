/*
 * verify.c: checks a program before the VM runs it.
 *
 * The VM trusts what this file accepts: it indexes constants, locals, plans,
 * plan columns and builtins without checking, keeps its value stack in a
 * fixed array of VOUCH_STACK_MAX slots, and assumes every jump lands on an
 * instruction of the same rule. So a program is accepted only if
 *
 *   - its tables, enums, plans, constants and rules are internally
 *     consistent (every index in range, every string pointer set);
 *   - each rule's code, the span from its entry to the next rule's entry
 *     (the last rule's ends at ncode), decodes into whole instructions with
 *     known opcodes and in-range operands;
 *   - every jump targets an instruction start of the same rule;
 *   - abstract interpretation over every path (a worklist, as a bytecode
 *     verifier does) gives each instruction one stack depth, never below
 *     what it pops and never above VOUCH_STACK_MAX, and every path ends in
 *     HALT with an empty stack; falling off the end of a rule is an error;
 *   - its sources name a table and columns that exist, feed every
 *     required column once, and keep what the loader relies on;
 *   - the source positions name files the program lists, in increasing pc
 *     order inside the code, and say the subject is on the stack only
 *     where every path leaves a value there (the VM reads stack slot 0 for
 *     an error's message on their word).
 *
 * Unreachable instructions are still decoded and their operands checked,
 * but they get no stack depth (the VM never runs them).
 *
 * Messages name the place: "program: rule R3 pc 42: jump target 99 is not
 * an instruction", "program: plan 4: term 1 column 9 out of range".
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "verify.h"
#include "builtins.h"
#include "alloc.h"
#include "datetime.h"

/* Stack effect of each opcode; -1 depends on an operand. */
static const int op_pops[OP__COUNT] = {
#define OP(name, operands, pops, pushes, meaning) pops,
#include "opcodes.def"
#undef OP
};
static const int op_pushes[OP__COUNT] = {
#define OP(name, operands, pops, pushes, meaning) pushes,
#include "opcodes.def"
#undef OP
};
/* Operand letters of each opcode, and the words of each instruction: the
 * opcode and one per operand letter (the literal's size counts its NUL for
 * the opcode word). Tables here rather than a call and strlen() at every
 * instruction, which big packs verify by the million. */
static const char *const op_operands[OP__COUNT] = {
#define OP(name, operands, pops, pushes, meaning) operands,
#include "opcodes.def"
#undef OP
};
static const unsigned char op_words[OP__COUNT] = {
#define OP(name, operands, pops, pushes, meaning) sizeof(operands),
#include "opcodes.def"
#undef OP
};

static vouch_status fail(vouch_error *err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static vouch_status fail(vouch_error *err, const char *fmt, ...)
{
    char buf[900];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return vouch_error_set(err, VOUCH_EINPUT, "program: %s", buf);
}

/* ---- pools and declarations ---------------------------------------------- */

static vouch_status check_consts(const vouch_program *p, vouch_error *err)
{
    if (p->nconsts && !p->consts)
        return fail(err, "%u constants but no constant pool", p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const vouch_value *v = &p->consts[i];
        if (v->type >= VT__COUNT)
            return fail(err, "constant %u has unknown type %u", i, v->type);
        if (v->type == VT_TEXT && !v->u.s)
            return fail(err, "constant %u is a text with no bytes", i);
    }
    return VOUCH_OK;
}

static vouch_status check_enums(const vouch_program *p, vouch_error *err)
{
    if (p->nenums && !p->enums)
        return fail(err, "%u enums but no enum list", p->nenums);
    for (uint32_t i = 0; i < p->nenums; i++) {
        const vouch_enum_decl *e = &p->enums[i];
        if (!e->name)
            return fail(err, "enum %u has no name", i);
        if (e->nvalues && !e->values)
            return fail(err, "enum %s has no member list", e->name);
        for (uint32_t k = 0; k < e->nvalues; k++)
            if (!e->values[k])
                return fail(err, "enum %s: member %u has no name", e->name, k);
    }
    return VOUCH_OK;
}

static vouch_status check_tables(const vouch_program *p, vouch_error *err)
{
    if (p->ntables && !p->tables)
        return fail(err, "%u tables but no table list", p->ntables);
    for (uint32_t i = 0; i < p->ntables; i++) {
        const vouch_table_decl *t = &p->tables[i];
        if (!t->name)
            return fail(err, "table %u has no name", i);
        if (t->ncolumns && !t->columns)
            return fail(err, "table %s has no column list", t->name);
        for (uint32_t c = 0; c < t->ncolumns; c++) {
            const vouch_column_decl *col = &t->columns[c];
            if (!col->name)
                return fail(err, "table %s: column %u has no name", t->name, c);
            /* No store column holds calendar months. */
            if (col->type == VT_NONE || col->type == VT_MONTHS || col->type >= VT__COUNT)
                return fail(err, "table %s: column %s has unknown type %u", t->name, col->name,
                            col->type);
            if (col->enum_id < -1 || (col->enum_id >= 0 && (uint32_t)col->enum_id >= p->nenums))
                return fail(err, "table %s: column %s: enum %d out of range (%u enums)", t->name,
                            col->name, col->enum_id, p->nenums);
            if (col->enum_id >= 0 && col->type != VT_TEXT)
                return fail(err, "table %s: column %s: an enum column must be text", t->name,
                            col->name);
        }
        if (t->nkey && !t->key)
            return fail(err, "table %s has no key list", t->name);
        for (uint32_t k = 0; k < t->nkey; k++)
            if (t->key[k] >= t->ncolumns)
                return fail(err, "table %s: key column %u out of range (%u columns)", t->name,
                            t->key[k], t->ncolumns);
        /* the store compares the dating column with the as-of date */
        if (t->dated && (t->dated > t->ncolumns || t->columns[t->dated - 1].type != VT_DATE))
            return fail(err, "table %s: its rows are dated by column %u, which is not a date column",
                        t->name, t->dated - 1);
    }
    return VOUCH_OK;
}

/* A plan's filter: known operators, operands in range (columns of the
 * table, parameters after the terms'), and a stack that never runs dry,
 * stays under VOUCH_FILTER_MAX_DEPTH and ends with one value. */
static vouch_status check_filter(const vouch_program *p, uint32_t i, vouch_error *err)
{
    const vouch_plan *pl = &p->plans[i];
    const vouch_table_decl *t = &p->tables[pl->table];
    if (pl->nfilter && !pl->filter)
        return fail(err, "plan %u has no filter words", i);
    if (pl->nfilter > VOUCH_FILTER_MAX_WORDS)
        return fail(err, "plan %u: filter of %u words (at most %d)", i, pl->nfilter, VOUCH_FILTER_MAX_WORDS);
    uint32_t depth = 0;
    for (uint32_t k = 0; k < pl->nfilter; k++) {
        uint32_t op = pl->filter[k];
        if (op >= FOP__COUNT)
            return fail(err, "plan %u: filter word %u: unknown operator %u", i, k, op);
        if (op == FOP_COL || op == FOP_PARAM) {
            if (k + 1 >= pl->nfilter)
                return fail(err, "plan %u: filter word %u: operand missing", i, k);
            uint32_t a = pl->filter[++k];
            if (op == FOP_COL && a >= t->ncolumns)
                return fail(err, "plan %u: filter: column %u out of range (table %s has %u)", i, a, t->name,
                            t->ncolumns);
            if (op == FOP_PARAM && (a < pl->nterms || a >= pl->nparams))
                return fail(err, "plan %u: filter: parameter %u is not the filter's (%u..%u)", i, a, pl->nterms,
                            pl->nparams);
            if (++depth > VOUCH_FILTER_MAX_DEPTH)
                return fail(err, "plan %u: filter deeper than %d", i, VOUCH_FILTER_MAX_DEPTH);
            continue;
        }
        uint32_t pops = op == FOP_NOT ? 1 : 2;
        if (depth < pops)
            return fail(err, "plan %u: filter word %u: stack underflow", i, k);
        depth -= pops - 1;
    }
    if (pl->nfilter && depth != 1)
        return fail(err, "plan %u: filter leaves %u values, not one", i, depth);
    return VOUCH_OK;
}

static vouch_status check_plans(const vouch_program *p, vouch_error *err)
{
    if (p->nplans && !p->plans)
        return fail(err, "%u plans but no plan list", p->nplans);
    for (uint32_t i = 0; i < p->nplans; i++) {
        const vouch_plan *pl = &p->plans[i];
        if (pl->table >= p->ntables)
            return fail(err, "plan %u: table %u out of range (%u tables)", i, pl->table,
                        p->ntables);
        const vouch_table_decl *t = &p->tables[pl->table];
        if (pl->mode > PLAN_MAX)
            return fail(err, "plan %u: unknown mode %u", i, pl->mode);
        if (pl->nparams > VOUCH_STACK_MAX)
            return fail(err, "plan %u: %u parameters (at most %d)", i, pl->nparams,
                        VOUCH_STACK_MAX);
        if (pl->nfilter ? pl->nterms > pl->nparams : pl->nterms != pl->nparams)
            return fail(err, "plan %u: %u terms for %u parameters (one term per parameter, the "
                        "rest the filter's)", i, pl->nterms, pl->nparams);
        if (pl->nterms && !pl->terms)
            return fail(err, "plan %u has no term list", i);
        unsigned char used[VOUCH_STACK_MAX];
        memset(used, 0, pl->nparams); /* params index it, below nparams */
        for (uint32_t k = 0; k < pl->nterms; k++) {
            const vouch_plan_term *tm = &pl->terms[k];
            if (tm->column >= t->ncolumns)
                return fail(err, "plan %u: term %u: column %u out of range (table %s has %u)", i,
                            k, tm->column, t->name, t->ncolumns);
            if (tm->cmp > CMP_GE)
                return fail(err, "plan %u: term %u: unknown comparison %u", i, k, tm->cmp);
            if (tm->param >= pl->nparams)
                return fail(err, "plan %u: term %u: parameter %u out of range (%u parameters)",
                            i, k, tm->param, pl->nparams);
            if (used[tm->param]++)
                return fail(err, "plan %u: parameter %u is used by two terms", i, tm->param);
        }
        if (pl->ncolumns && !pl->columns)
            return fail(err, "plan %u has no column list", i);
        for (uint32_t c = 0; c < pl->ncolumns; c++)
            if (pl->columns[c] >= t->ncolumns)
                return fail(err, "plan %u: column %u is table column %u, out of range (table %s "
                            "has %u)", i, c, pl->columns[c], t->name, t->ncolumns);
        if ((pl->mode == PLAN_MIN || pl->mode == PLAN_MAX) && pl->agg_column >= t->ncolumns)
            return fail(err, "plan %u: aggregated column %u out of range (table %s has %u)", i,
                        pl->agg_column, t->name, t->ncolumns);
        vouch_status st = check_filter(p, i, err);
        if (st != VOUCH_OK)
            return st;
    }
    return VOUCH_OK;
}

/* A control reference names an existing framework's existing control. */
static int ref_ok(const vouch_program *p, const vouch_control_ref *r)
{
    return r->framework < p->nframeworks && r->control < p->frameworks[r->framework].ncontrols;
}

/* Catalogues, crosswalk pairs, waivers and the rules' `maps`: every list
 * present and every index in range (reports and waiver matching index
 * them without checking). */
static vouch_status check_catalogue(const vouch_program *p, vouch_error *err)
{
    if ((p->nframeworks && !p->frameworks) || (p->npairs && !p->pairs) ||
        (p->nwaivers && !p->waivers))
        return fail(err, "%u frameworks, %u crosswalk pairs, %u waivers: a list is missing",
                    p->nframeworks, p->npairs, p->nwaivers);
    for (uint32_t i = 0; i < p->nframeworks; i++) {
        const vouch_framework_info *fw = &p->frameworks[i];
        if (!fw->id)
            return fail(err, "framework %u has no id", i);
        if (fw->ncontrols && !fw->controls)
            return fail(err, "framework %s has no control list", fw->id);
        for (uint32_t c = 0; c < fw->ncontrols; c++) {
            const vouch_control_info *ci = &fw->controls[c];
            if (!ci->id)
                return fail(err, "framework %s: control %u has no id", fw->id, c);
            if (ci->nattrs && (!ci->attr_names || !ci->attr_values))
                return fail(err, "framework %s: control %s has no attribute list", fw->id, ci->id);
        }
    }
    for (uint32_t i = 0; i < p->npairs; i++) {
        const vouch_crosswalk_pair *pr = &p->pairs[i];
        if (!ref_ok(p, &pr->src) || !ref_ok(p, &pr->dst))
            return fail(err, "crosswalk pair %u: control out of range", i);
        if (pr->relation >= REL__COUNT)
            return fail(err, "crosswalk pair %u: unknown relation %u", i, pr->relation);
    }
    for (uint32_t i = 0; i < p->nwaivers; i++) {
        if (p->waivers[i].rule >= p->nrules)
            return fail(err, "waiver %u: rule %u out of range (%u rules)", i, p->waivers[i].rule,
                        p->nrules);
        if (!p->waivers[i].subject)
            return fail(err, "waiver %u has no subject", i);
    }
    for (uint32_t r = 0; r < p->nrules; r++) {
        const vouch_rule_info *ri = &p->rules[r];
        if (ri->nmaps && !ri->maps)
            return fail(err, "rule %s has no maps list", ri->id ? ri->id : "?");
        for (uint32_t k = 0; k < ri->nmaps; k++)
            if (!ref_ok(p, &ri->maps[k]))
                return fail(err, "rule %s: mapped control %u out of range", ri->id ? ri->id : "?",
                            k);
        if (ri->declared_severity >= SEV__COUNT)
            return fail(err, "rule %s: unknown declared severity %u", ri->id ? ri->id : "?",
                        ri->declared_severity);
        if (ri->enforcement >= ENF__COUNT || ri->declared_enforcement >= ENF__COUNT)
            return fail(err, "rule %s: unknown enforcement level %u", ri->id ? ri->id : "?",
                        ri->enforcement >= ENF__COUNT ? ri->enforcement : ri->declared_enforcement);
        if (ri->outer_plan != VOUCH_NO_PLAN &&
            (ri->outer_plan >= p->nplans || p->plans[ri->outer_plan].rule != r ||
             p->plans[ri->outer_plan].mode != PLAN_ROWS))
            return fail(err, "rule %s: outer plan %u is not one of its row plans", ri->id ? ri->id : "?",
                        ri->outer_plan);
    }
    return VOUCH_OK;
}

/* Sources (`vouch load --source` runs them without checking): table and
 * columns in range, every string the loader reads set, every required
 * column fed and none twice, a map's `else` last, a date pattern the
 * loader can read. */
static vouch_status check_sources(const vouch_program *p, vouch_error *err)
{
    if (p->nsources && !p->sources)
        return fail(err, "%u sources but no source list", p->nsources);
    for (uint32_t i = 0; i < p->nsources; i++) {
        const vouch_source_decl *s = &p->sources[i];
        if (!s->name || !s->root)
            return fail(err, "source %u has no name or root", i);
        if (s->table >= p->ntables)
            return fail(err, "source %s: table %u out of range (%u tables)", s->name, s->table, p->ntables);
        if (s->format >= SRC__COUNT)
            return fail(err, "source %s: unknown format %u", s->name, s->format);
        const vouch_table_decl *t = &p->tables[s->table];
        if ((s->nfeeds && !s->feeds) || (s->nskips && !s->skips))
            return fail(err, "source %s: a list is missing", s->name);
        for (uint32_t k = 0; k < s->nfeeds; k++) {
            const vouch_feed *f = &s->feeds[k];
            if (f->column >= t->ncolumns)
                return fail(err, "source %s: feed %u: column %u out of range (%u columns)", s->name, k, f->column,
                            t->ncolumns);
            for (uint32_t j = 0; j < k; j++)
                if (s->feeds[j].column == f->column)
                    return fail(err, "source %s: column %s is fed twice", s->name, t->columns[f->column].name);
            if (f->kind >= FEED__COUNT || (f->kind != FEED_CONSTANT && !f->path))
                return fail(err, "source %s: feed %u has no path", s->name, k);
            if (f->kind == FEED_JSON && s->format == SRC_CSV)
                return fail(err, "source %s: feed %u: JSON text in a csv source", s->name, k);
            if (f->nelse && (!f->elses || f->kind == FEED_CONSTANT))
                return fail(err, "source %s: feed %u: bad `else` alternatives", s->name, k);
            for (uint32_t a = 0; a < f->nelse; a++)
                if (f->elses[a].kind == FEED_CONSTANT || f->elses[a].kind >= FEED__COUNT || !f->elses[a].path ||
                    (f->elses[a].kind == FEED_JSON && s->format == SRC_CSV))
                    return fail(err, "source %s: feed %u: `else` %u is malformed", s->name, k, a + 1);
            if ((f->pattern || f->zone) && t->columns[f->column].type != VT_DATE)
                return fail(err, "source %s: column %s: a date-time pattern or zone on a column that is not a date",
                            s->name, t->columns[f->column].name);
            const char *why;
            if (f->pattern && vouch_datetime_pattern_check(f->pattern, &why) != 0)
                return fail(err, "source %s: column %s: bad date-time pattern", s->name, t->columns[f->column].name);
            if (f->nmap && !f->map)
                return fail(err, "source %s: feed %u has no map", s->name, k);
            for (uint32_t m = 0; m < f->nmap; m++)
                if (!f->map[m].from && m + 1 != f->nmap)
                    return fail(err, "source %s: feed %u: its map's `else` is not last", s->name, k);
        }
        for (uint32_t c = 0; c < t->ncolumns; c++) {
            if (t->columns[c].optional)
                continue;
            uint32_t k = 0;
            while (k < s->nfeeds && s->feeds[k].column != c)
                k++;
            if (k == s->nfeeds)
                return fail(err, "source %s: required column %s is not fed", s->name, t->columns[c].name);
        }
        for (uint32_t k = 0; k < s->nskips; k++) {
            const vouch_source_skip *sk = &s->skips[k];
            if (!sk->path || sk->kind >= SKIP__COUNT || (sk->nvalues && !sk->values) ||
                ((sk->kind == SKIP_EQ || sk->kind == SKIP_NE) && sk->nvalues != 1))
                return fail(err, "source %s: skip condition %u is malformed", s->name, k);
        }
    }
    return VOUCH_OK;
}

static vouch_status check_rules(const vouch_program *p, vouch_error *err)
{
    if (p->nrules && !p->rules)
        return fail(err, "%u rules but no rule list", p->nrules);
    if (p->ncode && !p->code)
        return fail(err, "%u code words but no code", p->ncode);
    if (p->nrules == 0) {
        if (p->ncode)
            return fail(err, "pc 0: %u code words belong to no rule", p->ncode);
        return VOUCH_OK;
    }
    for (uint32_t r = 0; r < p->nrules; r++) {
        const vouch_rule_info *ri = &p->rules[r];
        if (!ri->id)
            return fail(err, "rule %u has no id", r);
        if (ri->severity >= SEV__COUNT)
            return fail(err, "rule %s: unknown severity %u", ri->id, ri->severity);
        if (ri->nlocals > VOUCH_MAX_LOCALS)
            return fail(err, "rule %s: %u locals (at most %d)", ri->id, ri->nlocals,
                        VOUCH_MAX_LOCALS);
        if (ri->entry >= p->ncode)
            return fail(err, "rule %s: entry %u is past the end of the code (%u words)", ri->id,
                        ri->entry, p->ncode);
        if (r == 0 && ri->entry != 0)
            return fail(err, "pc 0: code before rule %s's entry %u belongs to no rule", ri->id,
                        ri->entry);
        if (r > 0 && ri->entry <= p->rules[r - 1].entry)
            return fail(err, "rule %s: entry %u is not after the previous rule's entry %u",
                        ri->id, ri->entry, p->rules[r - 1].entry);
    }
    return VOUCH_OK;
}

/* ---- code ---------------------------------------------------------------- */

/* The per-pc arrays cover one rule at a time, indexed by pc - lo and sized
 * for the longest rule: a pack of 10,000 rules then needs a few kilobytes
 * here instead of nine bytes per code word of the whole program. */
typedef struct vstate {
    const vouch_program *p;
    vouch_error *err;
    uint32_t r;              /* rule being checked */
    uint32_t lo, hi;         /* its code range */
    unsigned char *start;    /* start[pc - lo]: 1 if an instruction begins at pc */
    int32_t *depth;          /* stack depth on entry to pc, -1 if not reached yet */
    uint32_t *work;          /* worklist of pcs whose depth is set */
    uint32_t nwork;
} vstate;

static vouch_status at(vstate *v, uint32_t pc, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static vouch_status at(vstate *v, uint32_t pc, const char *fmt, ...)
{
    char buf[800];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    return vouch_error_set(v->err, VOUCH_EINPUT, "program: rule %s pc %u: %s",
                           v->p->rules[v->r].id, pc, buf);
}

/* Pass 1: decodes the rule's instructions in order, marking their starts and
 * checking every operand except jump targets (which need all starts). */
static vouch_status decode(vstate *v)
{
    const vouch_program *p = v->p;
    const uint32_t *code = p->code;
    uint32_t pc = v->lo;
    while (pc < v->hi) {
        uint32_t op = code[pc];
        if (op >= OP__COUNT)
            return at(v, pc, "unknown opcode %u", op);
        const char *fmt = op_operands[op];
        uint32_t len = op_words[op];
        if (len > v->hi - pc)
            return at(v, pc, "%s needs %u operand words but the %s ends at %u",
                      vouch_opcode_name(op), len - 1, v->hi == p->ncode ? "code" : "rule",
                      v->hi);
        v->start[pc - v->lo] = 1;
        uint32_t plan = UINT32_MAX, builtin = UINT32_MAX;
        for (uint32_t k = 0; fmt[k]; k++) {
            uint32_t a = code[pc + 1 + k];
            switch (fmt[k]) {
            case 'K':
                if (a >= p->nconsts)
                    return at(v, pc, "constant %u out of range (%u constants)", a, p->nconsts);
                break;
            case 'L':
                if (a >= p->rules[v->r].nlocals)
                    return at(v, pc, "local %u out of range (rule has %u locals)", a,
                              p->rules[v->r].nlocals);
                break;
            case 'J':
                break; /* checked once all instruction starts are known */
            case 'P':
                if (a >= p->nplans)
                    return at(v, pc, "plan %u out of range (%u plans)", a, p->nplans);
                plan = a;
                break;
            case 'C': {
                if (plan == UINT32_MAX)
                    return at(v, pc, "column operand without a plan");
                const vouch_plan *pl = &p->plans[plan];
                uint32_t ncol = pl->mode == PLAN_ROWS ? pl->ncolumns
                              : pl->mode == PLAN_EXISTS ? 0 : 1;
                if (a >= ncol)
                    return at(v, pc, "column %u out of range (plan %u has %u columns)", a, plan,
                              ncol);
                break;
            }
            case 'B':
                if (a >= BI__COUNT)
                    return at(v, pc, "builtin %u out of range (%d builtins)", a, (int)BI__COUNT);
                builtin = a;
                break;
            case 'N':
                if (builtin != UINT32_MAX) {
                    int arity = vouch_builtin_arity(builtin);
                    if ((int64_t)a != arity)
                        return at(v, pc, "%s takes %d arguments, not %u",
                                  vouch_builtin_name(builtin), arity, a);
                } else if (a < 1 || a > VOUCH_MAX_INTERP) {
                    return at(v, pc, "%s count %u out of range (1..%d)", vouch_opcode_name(op),
                              a, VOUCH_MAX_INTERP);
                }
                break;
            case 'E':
                if (a >= VOUCH_ENV__COUNT)
                    return at(v, pc, "run value %u out of range (%d)", a, VOUCH_ENV__COUNT);
                break;
            case 'T':
                if (a >= p->npoints)
                    return at(v, pc, "trace point %u out of range (%u points)", a, p->npoints);
                break;
            default:
                return at(v, pc, "opcode %s has unknown operand kind '%c'",
                          vouch_opcode_name(op), fmt[k]);
            }
        }
        pc += len;
    }
    return VOUCH_OK;
}

/* Pass 2: every jump operand names an instruction start of this rule.
 * decode() accepted the rule, so stepping by instruction length from lo
 * visits exactly the starts it marked. */
static vouch_status check_jumps(vstate *v)
{
    const uint32_t *code = v->p->code;
    for (uint32_t pc = v->lo; pc < v->hi; pc += op_words[code[pc]]) {
        const char *fmt = op_operands[code[pc]];
        for (uint32_t k = 0; fmt[k]; k++) {
            if (fmt[k] != 'J')
                continue;
            uint32_t t = code[pc + 1 + k];
            if (t < v->lo || t >= v->hi)
                return at(v, pc, "jump target %u is outside the rule (pc %u..%u)", t, v->lo,
                          v->hi - 1);
            if (!v->start[t - v->lo])
                return at(v, pc, "jump target %u is not an instruction", t);
        }
    }
    return VOUCH_OK;
}

/* Records that control reaches pc `to` from `from` with stack depth d. */
static vouch_status flow(vstate *v, uint32_t from, uint32_t to, int32_t d)
{
    if (to >= v->hi)
        return at(v, from, "%s runs off the end of the %s without HALT",
                  vouch_opcode_name(v->p->code[from]), v->hi == v->p->ncode ? "code" : "rule");
    int32_t *seen = &v->depth[to - v->lo];
    if (*seen < 0) {
        *seen = d;
        v->work[v->nwork++] = to;
        return VOUCH_OK;
    }
    if (*seen != d)
        return at(v, from, "stack depth %d on the way to pc %u, which another path reaches "
                  "with depth %d", d, to, *seen);
    return VOUCH_OK;
}

/* Pass 3: abstract interpretation of the stack depth over every path. */
static vouch_status check_stack(vstate *v)
{
    const vouch_program *p = v->p;
    const uint32_t *code = p->code;
    vouch_status st;
    v->nwork = 0;
    v->depth[0] = 0;
    v->work[v->nwork++] = v->lo;
    while (v->nwork) {
        uint32_t pc = v->work[--v->nwork];
        int32_t d = v->depth[pc - v->lo];
        uint32_t op = code[pc];
        uint32_t len = op_words[op];
        int32_t pops = op_pops[op], pushes = op_pushes[op];
        if (pops < 0) {
            switch (op) {
            case OP_CALL: pops = (int32_t)code[pc + 2]; break;
            case OP_INTERP: pops = (int32_t)code[pc + 1]; break;
            case OP_SEEK: pops = (int32_t)p->plans[code[pc + 1]].nparams; break;
            default: return at(v, pc, "%s has no known stack effect", vouch_opcode_name(op));
            }
        }
        if (d < pops)
            return at(v, pc, "stack underflow: %s pops %d with %d on the stack",
                      vouch_opcode_name(op), pops, d);
        int32_t nd = d - pops + pushes;
        if (nd > VOUCH_STACK_MAX)
            return at(v, pc, "stack overflow: depth %d exceeds %d", nd, VOUCH_STACK_MAX);
        switch (op) {
        case OP_HALT:
            if (d != 0)
                return at(v, pc, "HALT with %d values left on the stack", d);
            break;
        case OP_JUMP:
            st = flow(v, pc, code[pc + 1], nd);
            if (st) return st;
            break;
        case OP_JUMP_FALSE:
        case OP_JUMP_TRUE:
            if ((st = flow(v, pc, code[pc + 1], nd)) || (st = flow(v, pc, pc + len, nd)))
                return st;
            break;
        case OP_AND_JUMP:
        case OP_OR_JUMP:
            /* The jump keeps the tested value; the fall-through pops it. */
            if ((st = flow(v, pc, code[pc + 1], d)) || (st = flow(v, pc, pc + len, nd)))
                return st;
            break;
        case OP_NEXT:
            if ((st = flow(v, pc, code[pc + 2], nd)) || (st = flow(v, pc, pc + len, nd)))
                return st;
            break;
        default:
            if ((st = flow(v, pc, pc + len, nd)))
                return st;
            break;
        }
    }
    return VOUCH_OK;
}

/* Trace points: each parent comes before its child (so walking up always
 * ends), each plan exists, and every point has its text. */
static vouch_status check_points(const vouch_program *p, vouch_error *err)
{
    if (p->npoints && !p->points)
        return fail(err, "%u trace points but no point list", p->npoints);
    for (uint32_t i = 0; i < p->npoints; i++) {
        const vouch_trace_point *t = &p->points[i];
        if (!t->text || !t->file)
            return fail(err, "trace point %u has no text", i);
        if (t->parent < -1 || t->parent >= (int32_t)i)
            return fail(err, "trace point %u: parent %d out of range", i, t->parent);
        if (t->plan < -1 || (t->plan >= 0 && (uint32_t)t->plan >= p->nplans))
            return fail(err, "trace point %u: plan %d out of range", i, t->plan);
        if (t->kind > POINT_LOOP)
            return fail(err, "trace point %u: unknown kind %u", i, t->kind);
    }
    return VOUCH_OK;
}

/* The position table's own consistency (check_subjects checks it against
 * the code). */
static vouch_status check_positions(const vouch_program *p, vouch_error *err)
{
    if ((p->nfiles && !p->files) || (p->npositions && !p->positions))
        return fail(err, "%u positions in %u files but no list", p->npositions, p->nfiles);
    for (uint32_t i = 0; i < p->nfiles; i++)
        if (!p->files[i])
            return fail(err, "source file %u has no name", i);
    for (uint32_t i = 0; i < p->npositions; i++) {
        const vouch_position *e = &p->positions[i];
        if (e->pc >= p->ncode)
            return fail(err, "position %u: pc %u outside the code (%u words)", i, e->pc, p->ncode);
        if (i && e->pc <= p->positions[i - 1].pc)
            return fail(err, "position %u: pc %u not after the previous position's %u", i, e->pc,
                        p->positions[i - 1].pc);
        if (e->file >= p->nfiles)
            return fail(err, "position %u: file %u out of range (%u files)", i, e->file, p->nfiles);
        if (e->subject >= SUBJ__COUNT)
            return fail(err, "position %u: unknown subject place %u", i, e->subject);
    }
    return VOUCH_OK;
}

/* Pass 4: wherever the positions put the subject on the stack, every path
 * reaches the instruction with a value there. *k is the first position
 * that may cover the rule (positions are in pc order, rules too). */
static vouch_status check_subjects(vstate *v, uint32_t *k)
{
    const vouch_program *p = v->p;
    for (uint32_t pc = v->lo; pc < v->hi; pc += op_words[p->code[pc]]) {
        while (*k + 1 < p->npositions && p->positions[*k + 1].pc <= pc)
            ++*k;
        if (*k >= p->npositions || p->positions[*k].pc > pc ||
            p->positions[*k].subject != SUBJ_STACK)
            continue;
        if (v->depth[pc - v->lo] == 0)
            return at(v, pc, "position %u puts the subject on an empty stack", *k);
    }
    return VOUCH_OK;
}

vouch_status vouch_verify(const vouch_program *p, vouch_error *err)
{
    vouch_status st;
    if (!p)
        return fail(err, "no program");
    if (p->version != VOUCH_PROGRAM_VERSION)
        return fail(err, "version %u, this runtime reads version %d", p->version,
                    VOUCH_PROGRAM_VERSION);
    if ((st = check_consts(p, err)) || (st = check_enums(p, err)) ||
        (st = check_tables(p, err)) || (st = check_plans(p, err)) ||
        (st = check_rules(p, err)) || (st = check_catalogue(p, err)) || (st = check_sources(p, err)) ||
        (st = check_points(p, err)) ||
        (st = check_positions(p, err)))
        return st;
    if (p->ncode == 0)
        return VOUCH_OK;

    /* check_rules made the entries increasing and in range, so every span
     * below is non-empty. */
    uint32_t longest = 0;
    for (uint32_t r = 0; r < p->nrules; r++) {
        uint32_t hi = r + 1 < p->nrules ? p->rules[r + 1].entry : p->ncode;
        if (hi - p->rules[r].entry > longest)
            longest = hi - p->rules[r].entry;
    }
    vstate v;
    memset(&v, 0, sizeof v);
    v.p = p;
    v.err = err;
    v.start = vouch_malloc(longest);
    v.depth = vouch_malloc((size_t)longest * sizeof *v.depth);
    v.work = vouch_malloc((size_t)longest * sizeof *v.work);
    if (!v.start || !v.depth || !v.work) {
        st = vouch_error_set(err, VOUCH_ENOMEM, "program: out of memory while verifying");
        goto done;
    }
    uint32_t k = 0; /* check_subjects' place in the positions */
    for (uint32_t r = 0; r < p->nrules; r++) {
        v.r = r;
        v.lo = p->rules[r].entry;
        v.hi = r + 1 < p->nrules ? p->rules[r + 1].entry : p->ncode;
        memset(v.start, 0, v.hi - v.lo);
        for (uint32_t i = 0; i < v.hi - v.lo; i++)
            v.depth[i] = -1;
        if ((st = decode(&v)) || (st = check_jumps(&v)) || (st = check_stack(&v)) ||
            (st = check_subjects(&v, &k)))
            goto done;
    }
    st = VOUCH_OK;
done:
    vouch_free(v.start);
    vouch_free(v.depth);
    vouch_free(v.work);
    return st;
}
