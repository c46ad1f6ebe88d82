/*
 * explain_text.c: the text and JSON forms of an explanation (explain_text.h),
 * shared by `vouch check --explain`, `vouch explain` and the report writers.
 * Values go through the escapers (escape.h), like every other output.
 */
#include <stdio.h>
#include <string.h>

#include "explain_text.h"
#include "escape.h"
#include "report_util.h"
#include "date.h"
#include "facts.h"

static void text_value(FILE *out, uint8_t type, const char *s)
{
    if (type == VT_TEXT)
        fputc('"', out);
    vouch_text_chars(out, s);
    if (type == VT_TEXT)
        fputc('"', out);
}

static int is_key(const vouch_table_decl *tb, const char *name)
{
    for (uint32_t k = 0; k < tb->nkey; k++)
        if (strcmp(tb->columns[tb->key[k]].name, name) == 0)
            return 1;
    return 0;
}

/* 1 if the search's table is dated and the store bounded it by an as-of:
 * rows dated after it were not seen (facts.h). */
static int search_bounded(const vouch_program *p, const vouch_why *w, const vouch_why_step *s)
{
    const vouch_table_decl *tb = &p->tables[s->table];
    return w->as_of != VOUCH_AS_OF_ANY && tb->dated && tb->dated <= tb->ncolumns;
}

static const char *dated_column(const vouch_program *p, const vouch_why_step *s)
{
    const vouch_table_decl *tb = &p->tables[s->table];
    return tb->columns[tb->dated - 1].name;
}

void vouch_why_text(const vouch_program *p, const vouch_why *w, int indent, FILE *out)
{
    for (uint32_t i = 0; w && i < w->nsteps; i++) {
        const vouch_why_step *s = &w->steps[i];
        fprintf(out, "%*s", indent + 2 * s->depth, "");
        switch (s->kind) {
        case WHY_ROW: {
            const vouch_table_decl *tb = &p->tables[s->table];
            vouch_text_chars(out, tb->name);
            fputc(' ', out);
            vouch_text_chars(out, *s->text ? s->text : "row");
            int n = 0;
            for (uint32_t k = 0; k < s->nfields; k++) {
                if (is_key(tb, s->fields[k].name))
                    continue;
                fputs(n++ ? ", " : ": ", out);
                vouch_text_chars(out, s->fields[k].name);
                fputs(" = ", out);
                text_value(out, s->fields[k].type, s->fields[k].value);
            }
            fputc('\n', out);
            break;
        }
        case WHY_SEARCH:
            fputs("search ", out);
            vouch_text_chars(out, p->tables[s->table].name);
            fputs(*s->text ? " where " : " (every row)", out);
            vouch_text_chars(out, s->text);
            if (search_bounded(p, w, s)) {
                /* the store's bound, so a later row's absence is explained */
                char d[11];
                date_format(w->as_of, d);
                fprintf(out, ", as of %s (", d);
                vouch_text_chars(out, dated_column(p, s));
                fputs(" after it not seen)", out);
            }
            if (s->rows == -1)
                fputs(": stopped at the first row that decided it\n", out);
            else if (s->rows >= 0)
                fprintf(out, ": %lld row%s\n", (long long)s->rows, s->rows == 1 ? "" : "s");
            else
                fputc('\n', out);
            break;
        default: {
            const vouch_trace_point *pt = &p->points[s->point];
            if (pt->kind == POINT_SPAN) {
                fputs("span from ", out);
                vouch_text_chars(out, s->text);
                fputs(" (", out);
                vouch_text_chars(out, pt->text);
                fputs(")\n", out);
                break;
            }
            vouch_text_chars(out, pt->text);
            fputs(" -> ", out);
            text_value(out, s->type, s->text);
            if (pt->require)
            {
                fputs("   (require, ", out);
                vouch_text_chars(out, pt->file);
                fprintf(out, ":%u:%u)", pt->line, pt->col);
            }
            fputc('\n', out);
        }
        }
    }
    if (w && w->cut)
        fprintf(out, "%*s... (the rest of this explanation is cut: it was too long)\n", indent, "");
}

static void json_value(FILE *out, uint8_t type, const char *s)
{
    switch (type) {
    case VT_NONE: fputs("null", out); break;
    case VT_BOOL:
    case VT_INT:
    case VT_DECIMAL: fputs(s, out); break;
    default: vouch_json_text(out, s);
    }
}

void vouch_why_json(const vouch_program *p, const vouch_why *w, FILE *out)
{
    static const char *const point_kinds[] = {"condition", "value", "span"};
    fputc('[', out);
    for (uint32_t i = 0; w && i < w->nsteps; i++) {
        const vouch_why_step *s = &w->steps[i];
        fprintf(out, "%s{\"depth\": %u, \"kind\": ", i ? ", " : "", s->depth);
        switch (s->kind) {
        case WHY_ROW: {
            fputs("\"row\", \"table\": ", out);
            vouch_json_text(out, p->tables[s->table].name);
            vouch_json_member(out, "key", s->text);
            fputs(", \"values\": {", out);
            for (uint32_t k = 0; k < s->nfields; k++) {
                if (k)
                    fputs(", ", out);
                vouch_json_text(out, s->fields[k].name);
                fputs(": ", out);
                json_value(out, s->fields[k].type, s->fields[k].value);
            }
            fputs("}}", out);
            break;
        }
        case WHY_SEARCH:
            fputs("\"search\", \"table\": ", out);
            vouch_json_text(out, p->tables[s->table].name);
            vouch_json_member(out, "filter", s->text);
            if (s->rows >= 0)
                fprintf(out, ", \"rows\": %lld", (long long)s->rows);
            else
                fputs(", \"rows\": null", out);
            if (search_bounded(p, w, s)) {
                char d[11];
                date_format(w->as_of, d);
                fputs(", \"dated\": {\"column\": ", out);
                vouch_json_text(out, dated_column(p, s));
                fprintf(out, ", \"as_of\": \"%s\"}}", d);
            } else {
                fputs(", \"dated\": null}", out);
            }
            break;
        default: {
            const vouch_trace_point *pt = &p->points[s->point];
            fprintf(out, "\"%s\", \"text\": ", point_kinds[pt->kind <= POINT_SPAN ? pt->kind : POINT_VALUE]);
            vouch_json_text(out, pt->text);
            fputs(", \"value\": ", out);
            json_value(out, pt->kind == POINT_SPAN ? VT_DATE : s->type, s->text);
            fprintf(out, ", \"require\": %s, \"location\": {\"file\": ", pt->require ? "true" : "false");
            vouch_json_text(out, pt->file);
            fprintf(out, ", \"line\": %u, \"column\": %u}}", pt->line, pt->col);
        }
        }
    }
    fputc(']', out);
}
