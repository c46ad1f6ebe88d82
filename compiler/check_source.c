/*
 * check_source.c: `source` declarations, the mappings that say how a file
 * of another shape becomes rows of a fact type (docs/language.md,
 * "Sources"), checked here as everything else is: the fact and its fields
 * must exist, constants and map values must fit their field's type, every
 * required field must be fed, time zones must exist and date-time
 * patterns must make sense. What passes is kept as a vouch_source_decl
 * (program.h), which `vouch load --source` runs; check_source_emit
 * copies them into the program.
 *
 * Run by check_program after the facts are declared, in source order.
 * Values stay text, as a CSV cell holds them: the loader checks each row
 * it makes exactly as it checks a CSV file's, so a source can never write
 * what a plain load could not.
 */
#include <string.h>
#include <strings.h>
#include "check_int.h"
#include "datetime.h"

static const char *const FORMATS[] = {"csv", "json", "jsonl"};

static const char *text(const ast_node *s) { return s && s->u.s.text ? s->u.s.text : ""; }

static const char *first_at(compiler *c, const ast_node *n)
{
    uint32_t line, col;
    source_position(n->src, n->off, &line, &col);
    return arena_printf(c->a, "the first is at %s:%u:%u", n->src->name, line, col);
}

/* How many arrays a json root iterates around the records' own: one per
 * `[].` (`"runs[].results"`: 1, a record's run is `^`). */
static int root_levels(const char *root)
{
    int n = 0;
    for (const char *q = root; (q = strstr(q, "[].")) != NULL; q += 3)
        n++;
    return n;
}

/* A path names a CSV column as its header writes it, or JSON keys joined
 * by `.`: then no key may be empty. A JSON path may start with one `^`
 * per enclosing record it reads from (`^.tool.driver.name`), at most
 * levels of them; levels < 0: p is a root, whose parts `[].` joins. */
static int check_path(compiler *c, const ast_node *p, int format, int levels)
{
    const char *s = text(p);
    if (format != SRC_CSV && levels >= 0 && *s == '^') {
        int up = 0;
        while (s[up] == '^')
            up++;
        if (s[up] != '.' || up > levels) {
            ERR_AT(c, p, levels ? "`^.key` reads the record around this one, `^^.key` the one around that"
                                : "the root path names no enclosing records: iterate them with `[]`, as in `\"runs[].results\"`",
                   "`%s`: %s", s, s[up] != '.' ? "`^` is followed by `.` and a key"
                                               : "more `^` than records around the record");
            return 0;
        }
        s += up + 1;
    }
    if (format != SRC_CSV && levels < 0) {
        size_t n = strlen(s);
        if (n >= 2 && strcmp(s + n - 2, "[]") == 0) {
            ERR_AT(c, p, "the last part names the array of records: `\"runs[].results\"`",
                   "`%s`: a root ends with the records' array, not `[]`", s);
            return 0;
        }
        /* each part between `[].` is a path of its own, not empty */
        const char *part = s, *q;
        int empty = 0, brackets = 0;
        for (;;) {
            q = strstr(part, "[].");
            size_t len = q ? (size_t)(q - part) : strlen(part);
            empty |= len == 0 || part[0] == '.' || part[len - 1] == '.';
            for (size_t k = 0; k < len; k++)
                brackets |= part[k] == '[' || part[k] == ']';
            if (!q)
                break;
            part = q + 3;
        }
        if (empty || brackets) {
            ERR_AT(c, p, "parts of a root are joined by `[].`: `\"runs[].results\"`", "`%s`: %s", s,
                   empty ? "a part of the root is empty" : "`[` and `]` only make `[].`");
            return 0;
        }
    }
    if (!*s) {
        ERR_AT(c, p, format == SRC_CSV ? "name the column as the file's header writes it"
                                       : "name the key, e.g. `\"principal.displayName\"`",
               "an empty path");
        return 0;
    }
    if (format != SRC_CSV) {
        size_t n = strlen(s);
        const char *dots = strstr(s, "..");
        /* a root's `[].` reads as `..` here: its parts were checked above */
        while (levels < 0 && dots && dots > s + 1 && dots[-1] == ']' && dots[-2] == '[')
            dots = strstr(dots + 1, "..");
        if (s[0] == '.' || s[n - 1] == '.' || dots) {
            ERR_AT(c, p, "JSON keys are joined by one `.`: `\"principal.displayName\"`",
                   "`%s`: a JSON path with an empty key", s);
            return 0;
        }
    }
    return 1;
}

/* `from format "<cloud.provider>:<metadata.event_code>"`: text with paths
 * in angle brackets (JSON paths, or a CSV source's column names), `<<` for
 * a `<` itself (a `>` outside a path is text). Not braces: in a string
 * they interpolate. The runtime reads the template again
 * (load_source.c), trusting nothing checked here. */
static int check_template(compiler *c, const ast_node *p, int format, int levels)
{
    const char *s = text(p);
    int paths = 0;
    for (const char *q = s; *q; q++) {
        if (*q != '<')
            continue;
        if (q[1] == '<') {
            q++;
            continue;
        }
        int up = 0;
        while (format != SRC_CSV && q[1 + up] == '^')
            up++;
        if (up && (q[1 + up] != '.' || up > levels)) {
            ERR_AT(c, p, "`<^.key>` reads the record around this one; the root iterates them with `[]`",
                   "`%s`: a `<^...>` that reaches no enclosing record", s);
            return 0;
        }
        if (up)
            q += up + 1;
        const char *end = strchr(q + 1, '>');
        size_t n = end ? (size_t)(end - q - 1) : 0;
        int empty_key = 0;
        for (const char *k = q + 1; format != SRC_CSV && end && k + 1 < end; k++)
            empty_key |= k[0] == '.' && k[1] == '.';
        if (!end || !n || memchr(q + 1, '<', n) ||
            (format != SRC_CSV && (q[1] == '.' || q[n] == '.' || empty_key))) {
            ERR_AT(c, p,
                   format == SRC_CSV ? "name a column in angle brackets: `\"<Project>-<Issue id>\"`; `<<` for a `<`"
                                     : "name a JSON path in angle brackets: `\"<cloud.provider>:<metadata.event_code>\"`; `<<` for a `<`",
                   "`%s`: %s", s, !end ? "a `<` that is not closed"
                                       : format == SRC_CSV ? "a `<...>` that names no column" : "a `<...>` that is not a JSON path");
            return 0;
        }
        paths++;
        q = end;
    }
    if (!paths) {
        ERR_AT(c, p, "give every row the same text with `field = \"...\"`",
               "`%s`: a format reads at least one `<path>`", s);
        return 0;
    }
    return 1;
}

/* How a feed (or one of its `else`s) reads its value: a path, a template
 * (`from format`), or the JSON text at a path (`from json`, JSON sources
 * only). The vouch_feed_kind, or -1 after reporting. */
static int check_read(compiler *c, const ast_node *how, const ast_node *p, int format, int levels)
{
    if (!how)
        return check_path(c, p, format, levels) ? FEED_INPUT : -1;
    ast_name w = how->u.name;
    if (w.len == 6 && memcmp(w.p, "format", 6) == 0)
        return check_template(c, p, format, levels) ? FEED_FORMAT : -1;
    if (w.len == 4 && memcmp(w.p, "json", 4) == 0) {
        if (format == SRC_CSV) {
            ERR_AT(c, how, "read the column itself (`from \"Column\"`)",
                   "`from json` keeps a JSON value as its text; a csv source has none");
            return -1;
        }
        return check_path(c, p, format, levels) ? FEED_JSON : -1;
    }
    ERR_AT(c, how, "a field is fed `from \"path\"`, `from format \"...<path>...\"` or `from json \"path\"`",
           "`%.*s` is not a way to read a field", (int)w.len, w.p);
    return -1;
}

/* One `from` feed's options: a pattern and a zone for a date field, or a
 * map. */
static int check_input_feed(compiler *c, const fact_table *t, int col, ast_node *f, vouch_feed *out, int format,
                            int levels)
{
    const fact_column *fc = &t->cols[col];
    int kind = check_read(c, f->u.feed.how, f->u.feed.path, format, levels), ok = kind >= 0;
    out->kind = (uint8_t)(kind >= 0 ? kind : FEED_INPUT);
    out->path = text(f->u.feed.path);
    VEC(vouch_feed_alt) alts = {NULL, 0, 0};
    for (ast_node *a = f->u.feed.elses; a; a = a->next) {
        int ak = check_read(c, a->u.feed.how, a->u.feed.path, format, levels);
        vouch_feed_alt alt = {(uint8_t)(ak >= 0 ? ak : FEED_INPUT), text(a->u.feed.path)};
        ok &= ak >= 0;
        VEC_PUSH(c->a, alts, alt);
    }
    out->nelse = alts.n;
    out->elses = alts.v;
    ast_node *pat = f->u.feed.pattern, *zone = f->u.feed.zone;
    if (pat && pat->next) {
        ERR_AT(c, pat->next, "keep one", "a field has one date-time pattern");
        ok = 0;
    }
    if (zone && zone->next) {
        ERR_AT(c, zone->next, "keep one", "a field has one time zone");
        ok = 0;
    }
    if ((pat || zone) && fc->type.kind != TY_DATE) {
        ast_node *at = pat ? pat : zone;
        ERR_AT(c, at, "`as` and `in` turn date-times into dates, for date fields only",
               "`%s.%s` is %s, not a date", t->name, fc->cname, check_type_name(c, fc->type));
        return 0;
    }
    if (pat) {
        const char *why = NULL;
        if (vouch_datetime_pattern_check(text(pat), &why) != 0) {
            ERR_AT(c, pat, why, "`%s` is not a date-time pattern", text(pat));
            ok = 0;
        }
        out->pattern = text(pat);
    }
    if (zone) {
        if (!vouch_zone_exists(text(zone))) {
            ERR_AT(c, zone, "zones are names of the tz database, such as `Europe/Paris`, `America/New_York` or `UTC`",
                   "unknown time zone `%s`", text(zone));
            ok = 0;
        }
        out->zone = text(zone);
    } else if (pat && vouch_datetime_pattern_has_offset(text(pat))) {
        ERR_AT(c, pat, "add the zone the instants become dates in: `in \"UTC\"`",
               "the pattern reads a UTC offset, but the field names no time zone");
        ok = 0;
    }
    if (!f->u.feed.has_map)
        return ok;
    if (f->u.feed.has_map > 1) {
        ERR_AT(c, f, "put every entry in one map", "a field has one value map");
        return 0;
    }
    if (pat || zone) {
        ERR_AT(c, pat ? pat : zone, "a mapped field takes its values from the map",
               "a field with a value map takes no `as` or `in`");
        return 0;
    }
    VEC(vouch_map_entry) map = {NULL, 0, 0};
    ast_node *otherwise = NULL;
    for (ast_node *e = f->u.feed.map; e; e = e->next) {
        ast_node *key = e->u.binary.lhs;
        vouch_map_entry me;
        memset(&me, 0, sizeof me);
        if (!key) {
            if (otherwise) {
                ERR_AT(c, e, first_at(c, otherwise), "the map has two `else` entries");
                ok = 0;
                continue;
            }
            otherwise = e;
        } else {
            me.from = text(key);
            for (ast_node *o = f->u.feed.map; o != e; o = o->next)
                if (o->u.binary.lhs && strcasecmp(text(o->u.binary.lhs), me.from) == 0) {
                    ERR_AT(c, key, first_at(c, o), "`%s` is mapped twice (map keys ignore case)", me.from);
                    ok = 0;
                    break;
                }
        }
        int vok = 1;
        me.to = check_cell_text(c, t, col, e->u.binary.rhs, &vok);
        if (!vok) {
            ok = 0;
            continue;
        }
        if (key)
            VEC_PUSH(c->a, map, me);
    }
    if (!f->u.feed.map) {
        ERR_AT(c, f, "list the values: `map { \"Approve\" -> pass, \"Deny\" -> fail }`", "an empty value map");
        return 0;
    }
    if (otherwise) {
        vouch_map_entry me = {NULL, NULL};
        int vok = 1;
        me.to = check_cell_text(c, t, col, otherwise->u.binary.rhs, &vok);
        if (vok)
            VEC_PUSH(c->a, map, me);
    }
    out->nmap = map.n;
    out->map = map.v;
    return ok;
}

static int check_skip(compiler *c, ast_node *k, vouch_source_skip *out, int format, int levels)
{
    static const uint8_t kinds[] = {[SKIP_IF_EQ] = SKIP_EQ, [SKIP_IF_NE] = SKIP_NE, [SKIP_IF_IN] = SKIP_IN,
                                    [SKIP_IF_NOT_IN] = SKIP_NOT_IN};
    int ok = check_path(c, k->u.skip.path, format, levels);
    out->path = text(k->u.skip.path);
    out->kind = kinds[k->op];
    uint32_t n = 0;
    for (ast_node *v = k->u.skip.values; v; v = v->next)
        n++;
    out->values = arena_alloc(c->a, (n + 1) * sizeof *out->values);
    if (!out->values)
        return 0;
    out->nvalues = 0;
    for (ast_node *v = k->u.skip.values; v; v = v->next)
        out->values[out->nvalues++] = v->kind == AST_NONE ? NULL : text(v);
    return ok;
}

void check_declare_source(compiler *c, ast_node *n)
{
    ast_name nm = n->u.source.name;
    int ok = 1;
    for (uint32_t i = 0; i < c->source_decls.n; i++)
        if (check_names_equal(nm, c->source_decls.v[i]->u.source.name)) {
            ERR_NAME(c, n, nm, first_at(c, c->source_decls.v[i]), "source `%.*s` is declared twice", (int)nm.len,
                     nm.p);
            return;
        }
    if (!VEC_PUSH(c->a, c->source_decls, n))
        return;
    int format = -1;
    for (int i = 0; i < SRC__COUNT; i++)
        if (check_name_is(n->u.source.format, FORMATS[i]))
            format = i;
    if (format < 0) {
        const char *hint = check_hint_closest(c, n->u.source.format, FORMATS, SRC__COUNT);
        ERR_NAME(c, n, n->u.source.format, hint ? hint : "a source reads `csv`, `json` or `jsonl`",
                 "unknown source format `%.*s`", (int)n->u.source.format.len, n->u.source.format.p);
        ok = 0;
    } else if (n->u.source.root && format != SRC_JSON) {
        ERR_AT(c, n->u.source.root, "only a `json` document names where its records are",
               "a %s source has no root path", FORMATS[format]);
        ok = 0;
    } else if (n->u.source.root && *text(n->u.source.root) && !check_path(c, n->u.source.root, format, -1)) {
        ok = 0;
    }
    int t = check_lookup_table(c, n, n->u.source.table);
    if (t < 0)
        return;
    const fact_table *ft = &c->tables.v[t];
    ast_node **fed = arena_alloc(c->a, (ft->ncols + 1) * sizeof *fed);
    if (!fed)
        return;
    memset(fed, 0, (ft->ncols + 1) * sizeof *fed);
    vouch_source_decl d;
    memset(&d, 0, sizeof d);
    d.name = arena_strndup(c->a, nm.p, nm.len);
    d.table = (uint32_t)t;
    d.format = (uint8_t)(format < 0 ? 0 : format);
    d.root = n->u.source.root ? text(n->u.source.root) : "";
    d.file = n->src->name;
    source_position(n->src, n->off, &d.line, &(uint32_t){0});
    VEC(vouch_feed) feeds = {NULL, 0, 0};
    int unknown = 0;         /* a misspelt field: its "not fed" would say it again */
    for (ast_node *f = n->u.source.feeds; f; f = f->next) {
        ast_name fn = f->u.feed.field;
        int col = check_find_column(ft, fn);
        if (col < 0) {
            const char *hint = check_hint_closest(c, fn, check_column_names(c, ft), ft->ncols);
            ERR_NAME(c, f, fn, hint, "`%s` has no field `%.*s`", ft->name, (int)fn.len, fn.p);
            ok = 0;
            unknown = 1;
            continue;
        }
        if (fed[col]) {
            ERR_NAME(c, f, fn, first_at(c, fed[col]), "field `%.*s` is fed twice", (int)fn.len, fn.p);
            ok = 0;
            continue;
        }
        fed[col] = f;
        vouch_feed out;
        memset(&out, 0, sizeof out);
        out.column = (uint32_t)col;
        if (f->u.feed.value) {
            int vok = 1;
            out.kind = FEED_CONSTANT;
            out.value = check_cell_text(c, ft, col, f->u.feed.value, &vok);
            ok &= vok;
        } else if (!check_input_feed(c, ft, col, f, &out, d.format, root_levels(d.root))) {
            ok = 0;
        }
        VEC_PUSH(c->a, feeds, out);
    }
    /* Every required field fed: a row the source makes must be loadable
     * whatever the input says. */
    const char *missing = NULL;
    uint32_t nmissing = 0;
    for (uint32_t i = 0; i < ft->ncols; i++)
        if (!fed[i] && !ft->cols[i].type.optional) {
            missing = missing ? arena_printf(c->a, "%s, %s", missing, ft->cols[i].cname) : ft->cols[i].cname;
            nmissing++;
        }
    if (unknown)
        ok = 0;
    if (missing && !unknown) {
        const char *f = nmissing > 1 ? "FIELD" : missing;
        ERR_NAME(c, n, nm,
                 arena_printf(c->a, "feed %s from the input (`%s from \"...\"`) or give %s a constant (`%s = ...`)",
                              nmissing > 1 ? "each" : "it", f, nmissing > 1 ? "each" : "it", f),
                 "source `%s` does not feed the required field%s of `%s`: %s", d.name, nmissing > 1 ? "s" : "",
                 ft->name, missing);
        ok = 0;
    }
    VEC(vouch_source_skip) skips = {NULL, 0, 0};
    for (ast_node *k = n->u.source.skips; k; k = k->next) {
        vouch_source_skip sk;
        memset(&sk, 0, sizeof sk);
        if (check_skip(c, k, &sk, d.format, root_levels(d.root)))
            VEC_PUSH(c->a, skips, sk);
        else
            ok = 0;
    }
    if (!ok)
        return;
    d.nfeeds = feeds.n;
    d.feeds = feeds.v;
    d.nskips = skips.n;
    d.skips = skips.v;
    VEC_PUSH(c->a, c->sources, d);
}

/* ---- into the program ------------------------------------------------------- */

static const char *pstr(vouch_program *p, const char *s)
{
    return s ? vouch_program_strdup(p, s, strlen(s)) : NULL;
}

int check_source_emit(const compiler *c, vouch_program *p)
{
    p->nsources = c->sources.n;
    p->sources = vouch_program_alloc(p, (c->sources.n + 1) * sizeof *p->sources);
    if (!p->sources)
        return 0;
    for (uint32_t i = 0; i < c->sources.n; i++) {
        const vouch_source_decl *s = &c->sources.v[i];
        vouch_source_decl *o = &p->sources[i];
        *o = *s;
        o->name = pstr(p, s->name);
        o->root = pstr(p, s->root);
        o->file = pstr(p, s->file);
        o->feeds = vouch_program_alloc(p, (s->nfeeds + 1) * sizeof *o->feeds);
        o->skips = vouch_program_alloc(p, (s->nskips + 1) * sizeof *o->skips);
        if (!o->feeds || !o->skips)
            return 0;
        for (uint32_t k = 0; k < s->nfeeds; k++) {
            const vouch_feed *f = &s->feeds[k];
            vouch_feed *of = &o->feeds[k];
            *of = *f;
            of->path = pstr(p, f->path);
            of->value = pstr(p, f->value);
            of->pattern = pstr(p, f->pattern);
            of->zone = pstr(p, f->zone);
            of->elses = vouch_program_alloc(p, (f->nelse + 1) * sizeof *of->elses);
            if (!of->elses)
                return 0;
            for (uint32_t a = 0; a < f->nelse; a++) {
                of->elses[a].kind = f->elses[a].kind;
                of->elses[a].path = pstr(p, f->elses[a].path);
            }
            of->map = vouch_program_alloc(p, (f->nmap + 1) * sizeof *of->map);
            if (!of->map)
                return 0;
            for (uint32_t m = 0; m < f->nmap; m++) {
                of->map[m].from = pstr(p, f->map[m].from);
                of->map[m].to = pstr(p, f->map[m].to);
            }
        }
        for (uint32_t k = 0; k < s->nskips; k++) {
            const vouch_source_skip *sk = &s->skips[k];
            vouch_source_skip *os = &o->skips[k];
            *os = *sk;
            os->path = pstr(p, sk->path);
            os->values = vouch_program_alloc(p, (sk->nvalues + 1) * sizeof *os->values);
            if (!os->values)
                return 0;
            for (uint32_t v = 0; v < sk->nvalues; v++)
                os->values[v] = pstr(p, sk->values[v]);
        }
    }
    return 1;
}
