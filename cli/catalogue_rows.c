/*
 * catalogue_rows.c: the catalogues and crosswalks the packs declare as
 * rows of the standard fact model (framework, control, mapping,
 * mapping_origin), which `vouch load --catalogues` hands to the same
 * validated, transactional loader as any other facts (facts.h,
 * vouch_facts_load_inputs), with no file in between. Rules can then
 * iterate a framework's controls as facts ("the SoA covers every Annex A
 * control").
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue_rows.h"
#include "crosswalk.h"

static const char *const framework_cols[] = {"id", "title", "version"};
static const char *const control_cols[] = {"framework", "id", "title", "theme", "category"};
static const char *const mapping_cols[] = {"src_framework", "src_control", "dst_framework",
                                           "dst_control", "relation", "origin", "source", "note",
                                           "rests_on", "weak"};

static const char *attr(const vouch_control_info *c, const char *name)
{
    for (uint32_t i = 0; i < c->nattrs; i++)
        if (strcmp(c->attr_names[i], name) == 0)
            return c->attr_values[i];
    return NULL;
}

/* Table i of c: ncolumns of cols, nrows rows; its cells, or NULL. */
static const char **table(cli_catalogue *c, const char *name, const char *const *cols,
                          uint32_t ncolumns, uint32_t nrows)
{
    const char **cells = calloc((size_t)nrows * ncolumns + 1, sizeof *cells);
    if (!cells)
        return NULL;
    c->cells[c->n] = cells;
    c->rows[c->n] = (vouch_load_rows){name, "catalogue", ncolumns, cols, nrows, cells};
    c->n++;
    return cells;
}

int cli_catalogue_rows(const vouch_program *p, cli_catalogue *c)
{
    memset(c, 0, sizeof *c);
    uint32_t ncontrols = 0;
    for (uint32_t i = 0; i < p->nframeworks; i++)
        ncontrols += p->frameworks[i].ncontrols;
    const char **f = table(c, "framework", framework_cols, 3, p->nframeworks);
    const char **k = table(c, "control", control_cols, 5, ncontrols);
    if (!f || !k)
        goto oom;
    for (uint32_t i = 0; i < p->nframeworks; i++) {
        const vouch_framework_info *fw = &p->frameworks[i];
        *f++ = fw->id;
        *f++ = fw->title;
        *f++ = fw->version;
        for (uint32_t j = 0; j < fw->ncontrols; j++) {
            const vouch_control_info *ctl = &fw->controls[j];
            *k++ = fw->id;
            *k++ = ctl->id;
            *k++ = ctl->title;
            *k++ = attr(ctl, "theme");
            *k++ = attr(ctl, "category");
        }
    }
    if (p->npairs == 0)
        return 0;
    /* A derived pair rests on the controls its two ends share through the
     * walked pairs (crosswalk.h); counted here so rules can tell a pair one
     * shared check decides from one many do. mapping keeps the standard
     * five columns; mapping_origin repeats them with where the pair comes
     * from. */
    const char **m = table(c, "mapping", mapping_cols, 5, p->npairs);
    const char **o = table(c, "mapping_origin", mapping_cols, 10, p->npairs);
    c->counts = calloc((size_t)p->npairs + 1, sizeof *c->counts);
    vouch_crosswalk *cw = m && o && c->counts ? vouch_crosswalk_new(p) : NULL;
    if (!cw)
        goto oom;
    for (uint32_t i = 0; i < p->npairs; i++) {
        const vouch_crosswalk_pair *pr = &p->pairs[i];
        const vouch_framework_info *a = &p->frameworks[pr->src.framework];
        const vouch_framework_info *b = &p->frameworks[pr->dst.framework];
        const char *five[5] = {a->id, a->controls[pr->src.control].id, b->id,
                               b->controls[pr->dst.control].id, vouch_relation_name(pr->relation)};
        memcpy(m, five, sizeof five);
        memcpy(o, five, sizeof five);
        m += 5;
        o += 5;
        *o++ = vouch_origin_name(pr->origin);
        *o++ = pr->source;
        *o++ = pr->note;
        if (pr->origin == ORIGIN_DERIVED) {
            uint32_t shared = vouch_crosswalk_shared(cw, pr->src, pr->dst);
            snprintf(c->counts[i], sizeof c->counts[i], "%u", shared);
            *o++ = c->counts[i];
            *o++ = shared <= 1 ? "1" : "0";
        } else {
            *o++ = NULL;
            *o++ = "0";
        }
    }
    vouch_crosswalk_free(cw);
    return 0;
oom:
    cli_catalogue_free(c);
    return -1;
}

void cli_catalogue_free(cli_catalogue *c)
{
    for (uint32_t i = 0; i < c->n; i++)
        free(c->cells[i]);
    free(c->counts);
    memset(c, 0, sizeof *c);
}
