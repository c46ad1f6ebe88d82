/*
 * catalogue_csv.c: writes the catalogues and crosswalks the packs declare
 * as CSV files of the standard fact model (framework, control, mapping),
 * so `vouch load --catalogues` puts them in the store through the same
 * validated, transactional loader as any other facts. Rules can then
 * iterate a framework's controls as facts ("the SoA covers every Annex A
 * control").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "catalogue_csv.h"
#include "crosswalk.h"

/* One RFC 4180 field: quoted when it holds a comma, quote or line break. */
static void field(FILE *f, const char *s, int last)
{
    s = s ? s : "";
    if (strpbrk(s, ",\"\r\n")) {
        fputc('"', f);
        for (; *s; s++) {
            if (*s == '"')
                fputc('"', f);
            fputc(*s, f);
        }
        fputc('"', f);
    } else {
        fputs(s, f);
    }
    fputc(last ? '\n' : ',', f);
}

static const char *attr(const vouch_control_info *c, const char *name)
{
    for (uint32_t i = 0; i < c->nattrs; i++)
        if (strcmp(c->attr_names[i], name) == 0)
            return c->attr_values[i];
    return "";
}

static FILE *open_csv(const char *dir, const char *name, char **paths, int *n)
{
    size_t len = strlen(dir) + strlen(name) + 2;
    char *path = malloc(len);
    if (!path)
        return NULL;
    snprintf(path, len, "%s/%s", dir, name);
    FILE *f = fopen(path, "w");
    if (!f) {
        free(path);
        return NULL;
    }
    paths[(*n)++] = path;
    return f;
}

static int close_csv(FILE *f)
{
    int bad = ferror(f);
    return fclose(f) != 0 || bad ? -1 : 0;
}

int cli_write_catalogue_csv(const vouch_program *p, const char *dir, char **paths, int *n)
{
    *n = 0;
    FILE *f = open_csv(dir, "framework.csv", paths, n);
    if (!f)
        return -1;
    fputs("id,title,version\n", f);
    for (uint32_t i = 0; i < p->nframeworks; i++) {
        field(f, p->frameworks[i].id, 0);
        field(f, p->frameworks[i].title, 0);
        field(f, p->frameworks[i].version, 1);
    }
    if (close_csv(f) != 0 || !(f = open_csv(dir, "control.csv", paths, n)))
        return -1;
    fputs("framework,id,title,theme,category\n", f);
    for (uint32_t i = 0; i < p->nframeworks; i++)
        for (uint32_t j = 0; j < p->frameworks[i].ncontrols; j++) {
            const vouch_control_info *c = &p->frameworks[i].controls[j];
            field(f, p->frameworks[i].id, 0);
            field(f, c->id, 0);
            field(f, c->title, 0);
            field(f, attr(c, "theme"), 0);
            field(f, attr(c, "category"), 1);
        }
    if (close_csv(f) != 0)
        return -1;
    if (p->npairs == 0)
        return 0;
    /* A derived pair rests on the controls its two ends share through the
     * walked pairs (crosswalk.h); counted here so rules can tell a pair one
     * shared check decides from one many do. */
    vouch_crosswalk *cw = vouch_crosswalk_new(p);
    if (!cw) {
        errno = ENOMEM;
        return -1;
    }
    FILE *g = NULL;
    if (!(f = open_csv(dir, "mapping.csv", paths, n)) || !(g = open_csv(dir, "mapping_origin.csv", paths, n))) {
        if (f)
            fclose(f);
        vouch_crosswalk_free(cw);
        return -1;
    }
    fputs("src_framework,src_control,dst_framework,dst_control,relation\n", f);
    fputs("src_framework,src_control,dst_framework,dst_control,relation,origin,source,note,rests_on,weak\n", g);
    for (uint32_t i = 0; i < p->npairs; i++) {
        const vouch_crosswalk_pair *pr = &p->pairs[i];
        const vouch_framework_info *a = &p->frameworks[pr->src.framework], *b = &p->frameworks[pr->dst.framework];
        for (int k = 0; k < 2; k++) {
            FILE *o = k ? g : f;
            field(o, a->id, 0);
            field(o, a->controls[pr->src.control].id, 0);
            field(o, b->id, 0);
            field(o, b->controls[pr->dst.control].id, 0);
            field(o, vouch_relation_name(pr->relation), !k);
        }
        field(g, vouch_origin_name(pr->origin), 0);
        field(g, pr->source, 0);
        field(g, pr->note, 0);
        if (pr->origin == ORIGIN_DERIVED) {
            uint32_t shared = vouch_crosswalk_shared(cw, pr->src, pr->dst);
            fprintf(g, "%u,", shared);
            field(g, shared <= 1 ? "1" : "0", 1);
        } else {
            field(g, "", 0);
            field(g, "0", 1);
        }
    }
    vouch_crosswalk_free(cw);
    int bad = close_csv(f);
    return close_csv(g) != 0 || bad ? -1 : 0;
}
