/*
 * source_opt.c: finds the source `vouch load --source NAME` names among
 * the compiled packs' (source_opt.h).
 */
#include <stdio.h>
#include <string.h>
#include "source_opt.h"
#include "common.h"
#include "closest.h"

const vouch_source_decl *cli_find_source(const vouch_program *p, const char *name)
{
    for (uint32_t i = 0; i < p->nsources; i++)
        if (strcmp(p->sources[i].name, name) == 0)
            return &p->sources[i];
    if (p->nsources == 0) {
        cli_usage("--source %s: the packs declare no source (docs/language.md, \"Sources\")", name);
        return NULL;
    }
    const char *dym = vouch_closest(name, strlen(name), &p->sources[0].name, sizeof p->sources[0], p->nsources,
                                    VOUCH_CLOSEST_FOLD);
    char list[400];
    size_t used = 0;
    list[0] = 0;
    for (uint32_t i = 0; i < p->nsources && used + 4 < sizeof list; i++) {
        int w = snprintf(list + used, sizeof list - used, "%s%s", i ? ", " : "", p->sources[i].name);
        if (w < 0)
            break;
        used = used + (size_t)w < sizeof list ? used + (size_t)w : sizeof list - 1;
    }
    char msg[600];
    snprintf(msg, sizeof msg, "--source %%s: no such source%s%s%s (declared: %s)", dym ? "; did you mean `" : "",
             dym ? dym : "", dym ? "`?" : "", list);
    cli_usage(msg, name);
    return NULL;
}
