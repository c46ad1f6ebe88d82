/*
 * program_io.c: writing and reading precompiled programs (see
 * program_io.h for the file layout and the order of the checks).
 *
 * The payload lists the program's fields in the order of program.h:
 *
 *   code      u32 n, n x u32
 *   consts    u32 n, each: u8 type, then i64 (bool/int/date/duration) or
 *             str (text); none has nothing more
 *   enums     u32 n, each: str name, u32 nvalues, nvalues x str
 *   tables    u32 n, each: str name, u32 ncolumns, each column: str name,
 *             u8 type, u8 optional, i32 enum_id; u32 nkey, nkey x u32;
 *             u8 first_used, u32 dated
 *   plans     u32 n, each: u32 table, u8 mode, u8 repeated, u32 agg_column,
 *             u32 nterms, each term: u32 column, u8 cmp, u8 bound,
 *             u32 param; u32 nparams, u32 ncolumns, ncolumns x u32,
 *             u32 rule, u32 nfilter, nfilter x u32
 *   rules     u32 n, each: str id, str title, u8 severity, str file,
 *             u32 line, u32 col, u32 entry, u32 nlocals, str pack,
 *             u32 nmaps, nmaps x ref, u8 skipped, str skip_reason,
 *             u8 declared_severity, str override_by, u8 enforcement,
 *             u8 declared_enforcement, u32 outer_plan
 *             (a ref is u32 framework, u32 control)
 *   frameworks u32 n, each: str id, str title, str version, str source,
 *             u32 ncontrols, each control: str id, str title, u32 nattrs,
 *             nattrs x (str name, str value)
 *   pairs     u32 n, each: ref src, ref dst, u8 relation, u8 origin,
 *             str source, str note, str file, u32 line
 *   waivers   u32 n, each: u32 rule, str subject, i64 granted, i64 until,
 *             str because, str approved_by, str file, u32 line, u32 col
 *   i64 waiver_max_days, i64 waiver_max_months
 *   pack      str name, str version
 *   positions u32 nfiles, nfiles x str; u32 n, each: u32 pc, u32 file,
 *             u32 line, u32 col, u8 subject (program.h: source positions)
 *   sources   u32 n, each: str name, u32 table, u8 format, str root,
 *             u32 nfeeds, each feed: u32 column, u8 kind, ostr path,
 *             ostr value, ostr pattern, ostr zone, u32 nelse, nelse x
 *             (u8 kind, ostr path), u32 nmap, nmap x
 *             (ostr from, ostr to); u32 nskips, each: str path, u8 kind,
 *             u32 nvalues, nvalues x ostr; str file, u32 line
 *             (an ostr is u8 0 for NULL, or u8 1 then a str)
 *
 * Trace points (explain programs) are not written: such a program is
 * refused, and a program read back has none.
 *
 * A change to program.h's structures changes this list, and then
 * VOUCH_PROGRAM_VERSION (which the header carries) must be bumped.
 *
 * The reader trusts nothing: every read is bounds-checked against the
 * payload, every count is checked against the bytes left (each element
 * takes at least a known number of bytes, so a forged count cannot make a
 * large allocation) and against vouch_limits.h, every byte that stands for
 * an enum is range-checked, date constants must be real dates, and the
 * payload must be used up exactly. What the decoder cannot see (indices
 * between sections, the code itself) vouch_verify checks afterwards.
 * Everything the program holds is allocated in the program's own memory,
 * so any failure frees it with one vouch_program_free.
 */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "program_io.h"
#include "alloc.h"
#include "strbuf.h"
#include "date.h"
#include "verify.h"
#include "vouch_limits.h"

/* ---- CRC-32 ------------------------------------------------------------------ */

static uint32_t crc_table[256];
static int crc_ready;

static void crc_init(void)
{
    for (uint32_t i = 0; i < 256; i++) {
        uint32_t c = i;
        for (int k = 0; k < 8; k++)
            c = c & 1 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        crc_table[i] = c;
    }
    crc_ready = 1;
}

uint32_t vouch_crc32(uint32_t crc, const void *buf, size_t len)
{
    const unsigned char *p = buf;
    if (!crc_ready)
        crc_init();
    crc = ~crc;
    for (size_t i = 0; i < len; i++)
        crc = crc_table[(crc ^ p[i]) & 0xff] ^ (crc >> 8);
    return ~crc;
}

/* ---- writing ------------------------------------------------------------------ */

static void put_u8(sbuf *b, uint32_t v)
{
    unsigned char c = (unsigned char)v;
    sb_add(b, &c, 1);
}

static void put_u32(sbuf *b, uint32_t v)
{
    unsigned char c[4] = {(unsigned char)v, (unsigned char)(v >> 8), (unsigned char)(v >> 16),
                          (unsigned char)(v >> 24)};
    sb_add(b, c, 4);
}

static void put_i64(sbuf *b, int64_t v)
{
    uint64_t u = (uint64_t)v;
    put_u32(b, (uint32_t)u);
    put_u32(b, (uint32_t)(u >> 32));
}

static void put_bytes(sbuf *b, const char *s, size_t n)
{
    put_u32(b, (uint32_t)n);
    sb_add(b, s, n);
}

static void put_str(sbuf *b, const char *s) { put_bytes(b, s ? s : "", s ? strlen(s) : 0); }

static void put_ref(sbuf *b, const vouch_control_ref *r)
{
    put_u32(b, r->framework);
    put_u32(b, r->control);
}

/* A string that may be NULL (none, in a source). */
static void put_ostr(sbuf *b, const char *s)
{
    put_u8(b, s != NULL);
    if (s)
        put_str(b, s);
}

static void put_sources(sbuf *b, const vouch_program *p)
{
    put_u32(b, p->nsources);
    for (uint32_t i = 0; i < p->nsources; i++) {
        const vouch_source_decl *s = &p->sources[i];
        put_str(b, s->name);
        put_u32(b, s->table);
        put_u8(b, s->format);
        put_str(b, s->root);
        put_u32(b, s->nfeeds);
        for (uint32_t k = 0; k < s->nfeeds; k++) {
            const vouch_feed *f = &s->feeds[k];
            put_u32(b, f->column);
            put_u8(b, f->kind);
            put_ostr(b, f->path);
            put_ostr(b, f->value);
            put_ostr(b, f->pattern);
            put_ostr(b, f->zone);
            put_u32(b, f->nelse);
            for (uint32_t a = 0; a < f->nelse; a++) {
                put_u8(b, f->elses[a].kind);
                put_ostr(b, f->elses[a].path);
            }
            put_u32(b, f->nmap);
            for (uint32_t m = 0; m < f->nmap; m++) {
                put_ostr(b, f->map[m].from);
                put_ostr(b, f->map[m].to);
            }
        }
        put_u32(b, s->nskips);
        for (uint32_t k = 0; k < s->nskips; k++) {
            const vouch_source_skip *sk = &s->skips[k];
            put_str(b, sk->path);
            put_u8(b, sk->kind);
            put_u32(b, sk->nvalues);
            for (uint32_t v = 0; v < sk->nvalues; v++)
                put_ostr(b, sk->values[v]);
        }
        put_str(b, s->file);
        put_u32(b, s->line);
    }
}

static void set_u32(unsigned char *p, uint32_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* NULL where the writer needs a list or a string: not a program the
 * compiler made. */
static const char *missing_part(const vouch_program *p)
{
    if ((p->ncode && !p->code) || (p->nconsts && !p->consts) || (p->nenums && !p->enums) ||
        (p->ntables && !p->tables) || (p->nplans && !p->plans) || (p->nrules && !p->rules) ||
        (p->nframeworks && !p->frameworks) || (p->npairs && !p->pairs) ||
        (p->nwaivers && !p->waivers) || (p->nfiles && !p->files) ||
        (p->npositions && !p->positions) || (p->nsources && !p->sources))
        return "a list";
    for (uint32_t i = 0; i < p->nsources; i++) {
        const vouch_source_decl *s = &p->sources[i];
        if ((s->nfeeds && !s->feeds) || (s->nskips && !s->skips))
            return "a source's feeds";
        for (uint32_t k = 0; k < s->nfeeds; k++)
            if ((s->feeds[k].nmap && !s->feeds[k].map) || (s->feeds[k].nelse && !s->feeds[k].elses))
                return "a source's value map";
        for (uint32_t k = 0; k < s->nskips; k++)
            if (s->skips[k].nvalues && !s->skips[k].values)
                return "a source's skip values";
    }
    for (uint32_t i = 0; i < p->nfiles; i++)
        if (!p->files[i])
            return "a file name";
    for (uint32_t i = 0; i < p->nrules; i++)
        if (p->rules[i].nmaps && !p->rules[i].maps)
            return "a rule's maps";
    for (uint32_t i = 0; i < p->nframeworks; i++) {
        const vouch_framework_info *fw = &p->frameworks[i];
        if (fw->ncontrols && !fw->controls)
            return "a framework's controls";
        for (uint32_t c = 0; c < fw->ncontrols; c++)
            if (fw->controls[c].nattrs && (!fw->controls[c].attr_names || !fw->controls[c].attr_values))
                return "a control's attributes";
    }
    for (uint32_t i = 0; i < p->nconsts; i++)
        if (p->consts[i].type == VT_TEXT && !p->consts[i].u.s)
            return "a text constant";
    for (uint32_t i = 0; i < p->nenums; i++)
        if (p->enums[i].nvalues && !p->enums[i].values)
            return "an enum's members";
    for (uint32_t i = 0; i < p->ntables; i++)
        if ((p->tables[i].ncolumns && !p->tables[i].columns) ||
            (p->tables[i].nkey && !p->tables[i].key))
            return "a table's columns";
    for (uint32_t i = 0; i < p->nplans; i++)
        if ((p->plans[i].nterms && !p->plans[i].terms) ||
            (p->plans[i].ncolumns && !p->plans[i].columns))
            return "a plan's terms";
    return NULL;
}

static void put_positions(sbuf *b, const vouch_program *p)
{
    put_u32(b, p->nfiles);
    for (uint32_t i = 0; i < p->nfiles; i++)
        put_str(b, p->files[i]);
    put_u32(b, p->npositions);
    for (uint32_t i = 0; i < p->npositions; i++) {
        const vouch_position *e = &p->positions[i];
        put_u32(b, e->pc);
        put_u32(b, e->file);
        put_u32(b, e->line);
        put_u32(b, e->col);
        put_u8(b, e->subject);
    }
}

vouch_status vouch_program_write_buf(const vouch_program *p, unsigned char **out, size_t *len,
                                     vouch_error *err)
{
    *out = NULL;
    *len = 0;
    const char *miss = p ? missing_part(p) : "everything";
    if (miss)
        return vouch_error_set(err, VOUCH_EINPUT, "program: cannot write it: %s is missing", miss);
    if (p->npoints)
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program: cannot write it: an explain program is never saved (compile without explain)");

    sbuf b = {0};
    unsigned char hdr[VOUCH_VBC_HEADER_LEN];
    memset(hdr, 0, sizeof hdr);
    sb_add(&b, hdr, sizeof hdr); /* filled in at the end */

    put_u32(&b, p->ncode);
    for (uint32_t i = 0; i < p->ncode; i++)
        put_u32(&b, p->code[i]);

    put_u32(&b, p->nconsts);
    for (uint32_t i = 0; i < p->nconsts; i++) {
        const vouch_value *v = &p->consts[i];
        put_u8(&b, v->type);
        if (v->type == VT_TEXT)
            put_bytes(&b, v->u.s, v->len);
        else if (v->type != VT_NONE)
            put_i64(&b, v->u.i);
    }

    put_u32(&b, p->nenums);
    for (uint32_t i = 0; i < p->nenums; i++) {
        const vouch_enum_decl *e = &p->enums[i];
        put_str(&b, e->name);
        put_u32(&b, e->nvalues);
        for (uint32_t k = 0; k < e->nvalues; k++)
            put_str(&b, e->values[k]);
    }

    put_u32(&b, p->ntables);
    for (uint32_t i = 0; i < p->ntables; i++) {
        const vouch_table_decl *t = &p->tables[i];
        put_str(&b, t->name);
        put_u32(&b, t->ncolumns);
        for (uint32_t c = 0; c < t->ncolumns; c++) {
            put_str(&b, t->columns[c].name);
            put_u8(&b, t->columns[c].type);
            put_u8(&b, t->columns[c].optional);
            put_u32(&b, (uint32_t)t->columns[c].enum_id);
        }
        put_u32(&b, t->nkey);
        for (uint32_t k = 0; k < t->nkey; k++)
            put_u32(&b, t->key[k]);
        put_u8(&b, t->first_used ? 1 : 0);
        put_u32(&b, t->dated);
    }

    put_u32(&b, p->nplans);
    for (uint32_t i = 0; i < p->nplans; i++) {
        const vouch_plan *pl = &p->plans[i];
        put_u32(&b, pl->table);
        put_u8(&b, pl->mode);
        put_u8(&b, pl->repeated);
        put_u32(&b, pl->agg_column);
        put_u32(&b, pl->nterms);
        for (uint32_t k = 0; k < pl->nterms; k++) {
            put_u32(&b, pl->terms[k].column);
            put_u8(&b, pl->terms[k].cmp);
            put_u8(&b, pl->terms[k].bound);
            put_u32(&b, pl->terms[k].param);
        }
        put_u32(&b, pl->nparams);
        put_u32(&b, pl->ncolumns);
        for (uint32_t c = 0; c < pl->ncolumns; c++)
            put_u32(&b, pl->columns[c]);
        put_u32(&b, pl->rule);
        put_u32(&b, pl->nfilter);
        for (uint32_t k = 0; k < pl->nfilter; k++)
            put_u32(&b, pl->filter[k]);
    }

    put_u32(&b, p->nrules);
    for (uint32_t i = 0; i < p->nrules; i++) {
        const vouch_rule_info *r = &p->rules[i];
        put_str(&b, r->id);
        put_str(&b, r->title);
        put_u8(&b, r->severity);
        put_str(&b, r->file);
        put_u32(&b, r->line);
        put_u32(&b, r->col);
        put_u32(&b, r->entry);
        put_u32(&b, r->nlocals);
        put_str(&b, r->pack);
        put_u32(&b, r->nmaps);
        for (uint32_t k = 0; k < r->nmaps; k++)
            put_ref(&b, &r->maps[k]);
        put_u8(&b, r->skipped ? 1 : 0);
        put_str(&b, r->skip_reason);
        put_u8(&b, r->declared_severity);
        put_str(&b, r->override_by);
        put_u8(&b, r->enforcement);
        put_u8(&b, r->declared_enforcement);
        put_u32(&b, r->outer_plan);
    }

    put_u32(&b, p->nframeworks);
    for (uint32_t i = 0; i < p->nframeworks; i++) {
        const vouch_framework_info *fw = &p->frameworks[i];
        put_str(&b, fw->id);
        put_str(&b, fw->title);
        put_str(&b, fw->version);
        put_str(&b, fw->source);
        put_u32(&b, fw->ncontrols);
        for (uint32_t c = 0; c < fw->ncontrols; c++) {
            const vouch_control_info *ci = &fw->controls[c];
            put_str(&b, ci->id);
            put_str(&b, ci->title);
            put_u32(&b, ci->nattrs);
            for (uint32_t k = 0; k < ci->nattrs; k++) {
                put_str(&b, ci->attr_names[k]);
                put_str(&b, ci->attr_values[k]);
            }
        }
    }

    put_u32(&b, p->npairs);
    for (uint32_t i = 0; i < p->npairs; i++) {
        const vouch_crosswalk_pair *pr = &p->pairs[i];
        put_ref(&b, &pr->src);
        put_ref(&b, &pr->dst);
        put_u8(&b, pr->relation);
        put_u8(&b, pr->origin);
        put_str(&b, pr->source);
        put_str(&b, pr->note);
        put_str(&b, pr->file);
        put_u32(&b, pr->line);
    }

    put_u32(&b, p->nwaivers);
    for (uint32_t i = 0; i < p->nwaivers; i++) {
        const vouch_waiver *w = &p->waivers[i];
        put_u32(&b, w->rule);
        put_str(&b, w->subject);
        put_i64(&b, w->granted);
        put_i64(&b, w->until);
        put_str(&b, w->because);
        put_str(&b, w->approved_by);
        put_str(&b, w->file);
        put_u32(&b, w->line);
        put_u32(&b, w->col);
    }
    put_i64(&b, p->waiver_max_days);
    put_i64(&b, p->waiver_max_months);
    put_str(&b, p->pack);
    put_str(&b, p->pack_version);
    put_positions(&b, p);
    put_sources(&b, p);

    if (b.oom) {
        vouch_free(b.p);
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory while writing the program");
    }
    size_t payload = b.n - VOUCH_VBC_HEADER_LEN;
    if (b.n > VOUCH_MAX_PROGRAM_BYTES) {
        vouch_free(b.p);
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program: %zu bytes, more than the limit of %u for a program file",
                               b.n, VOUCH_MAX_PROGRAM_BYTES);
    }
    unsigned char *bytes = (unsigned char *)b.p;
    memcpy(bytes, VOUCH_VBC_MAGIC, VOUCH_VBC_MAGIC_LEN);
    set_u32(bytes + 8, VOUCH_VBC_FORMAT);
    set_u32(bytes + 12, p->version);
    set_u32(bytes + 16, (uint32_t)payload);
    uint32_t crc = vouch_crc32(0, bytes, 20);
    crc = vouch_crc32(crc, bytes + VOUCH_VBC_HEADER_LEN, payload);
    set_u32(bytes + 20, crc);
    *out = bytes;
    *len = b.n;
    return VOUCH_OK;
}

/* ---- reading ------------------------------------------------------------------ */

typedef struct rbuf {
    const unsigned char *p;
    size_t n, at;
    vouch_program *prog;
    vouch_error *err;
    vouch_status st;         /* the first failure; VOUCH_OK while all is well */
} rbuf;

static int bad(rbuf *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int bad(rbuf *r, const char *fmt, ...)
{
    if (r->st == VOUCH_OK) {
        char msg[700];
        va_list ap;
        va_start(ap, fmt);
        vsnprintf(msg, sizeof msg, fmt, ap);
        va_end(ap);
        r->st = vouch_error_set(r->err, VOUCH_EINPUT, "program file: %s (at payload byte %zu)",
                                msg, r->at);
    }
    return -1;
}

static int oom(rbuf *r)
{
    if (r->st == VOUCH_OK)
        r->st = vouch_error_set(r->err, VOUCH_ENOMEM, "out of memory while reading the program");
    return -1;
}

static size_t left(const rbuf *r) { return r->n - r->at; }

static int get_u8(rbuf *r, uint32_t *v)
{
    if (r->st || left(r) < 1)
        return r->st ? -1 : bad(r, "ends early");
    *v = r->p[r->at++];
    return 0;
}

static int get_u32(rbuf *r, uint32_t *v)
{
    if (r->st || left(r) < 4)
        return r->st ? -1 : bad(r, "ends early");
    const unsigned char *q = r->p + r->at;
    *v = (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
    r->at += 4;
    return 0;
}

static int get_i64(rbuf *r, int64_t *v)
{
    uint32_t lo = 0, hi = 0; /* set on success; zero quiets gcc once inlined */
    if (get_u32(r, &lo) || get_u32(r, &hi))
        return -1;
    *v = (int64_t)((uint64_t)hi << 32 | lo);
    return 0;
}

/* A u8 that must be below limit. */
static int get_small(rbuf *r, uint32_t limit, const char *what, uint8_t *out)
{
    uint32_t v = 0;
    if (get_u8(r, &v))
        return -1;
    if (v >= limit)
        return bad(r, "%s %u out of range (0..%u)", what, v, limit - 1);
    *out = (uint8_t)v;
    return 0;
}

/* A string: a NUL-terminated copy in the program's memory (*len its
 * length, if wanted). Names are at most `max` bytes. */
static int get_bytes(rbuf *r, uint32_t max, const char **out, uint32_t *len)
{
    uint32_t n;
    if (get_u32(r, &n))
        return -1;
    if (n > left(r))
        return bad(r, "a string of %u bytes, but only %zu are left", n, left(r));
    if (n > max)
        return bad(r, "a string of %u bytes, more than the limit of %u", n, max);
    char *s = vouch_program_strdup(r->prog, (const char *)r->p + r->at, n);
    if (!s)
        return oom(r);
    r->at += n;
    *out = s;
    if (len)
        *len = n;
    return 0;
}

static int get_name(rbuf *r, const char **out)
{
    /* "table.column" enum names and file paths are longer than one name */
    return get_bytes(r, 4096, out, NULL);
}

/* A count of elements that take at least `size` bytes each, at most `max`,
 * and its array (elem bytes each) in the program's memory. */
static int get_count(rbuf *r, size_t size, uint32_t max, const char *what, uint32_t *n)
{
    if (get_u32(r, n))
        return -1;
    if (*n > max)
        return bad(r, "%u %s, more than the limit of %u", *n, what, max);
    if ((size_t)*n > left(r) / size)
        return bad(r, "%u %s, but only %zu bytes are left", *n, what, left(r));
    return 0;
}

static void *array(rbuf *r, uint32_t n, size_t elem)
{
    void *a = vouch_program_alloc(r->prog, ((size_t)n + 1) * elem);
    if (!a)
        oom(r);
    return a;
}

static int get_ref(rbuf *r, vouch_control_ref *ref)
{
    return get_u32(r, &ref->framework) || get_u32(r, &ref->control) ? -1 : 0;
}

static int read_code(rbuf *r, vouch_program *p)
{
    if (get_count(r, 4, UINT32_MAX, "code words", &p->ncode) ||
        !(p->code = array(r, p->ncode, sizeof *p->code)))
        return -1;
    for (uint32_t i = 0; i < p->ncode; i++)
        if (get_u32(r, &p->code[i]))
            return -1;
    return 0;
}

static int read_consts(rbuf *r, vouch_program *p)
{
    if (get_count(r, 1, UINT32_MAX, "constants", &p->nconsts) ||
        !(p->consts = array(r, p->nconsts, sizeof *p->consts)))
        return -1;
    for (uint32_t i = 0; i < p->nconsts; i++) {
        vouch_value *v = &p->consts[i];
        uint8_t type = 0;
        if (get_small(r, VT__COUNT, "constant type", &type))
            return -1;
        v->type = type;
        if (type == VT_TEXT) {
            const char *s;
            uint32_t n;
            if (get_bytes(r, VOUCH_MAX_STRING_BYTES, &s, &n))
                return -1;
            v->u.s = s;
            v->len = n;
        } else if (type != VT_NONE) {
            if (get_i64(r, &v->u.i))
                return -1;
            if (type == VT_BOOL && v->u.i != 0 && v->u.i != 1)
                return bad(r, "constant %u: bool %lld is neither 0 nor 1", i, (long long)v->u.i);
            if (type == VT_DATE && !date_in_range(v->u.i))
                return bad(r, "constant %u: day %lld is not a date in years %d..%d", i,
                           (long long)v->u.i, VOUCH_DATE_MIN_YEAR, VOUCH_DATE_MAX_YEAR);
        }
    }
    return 0;
}

static int read_enums(rbuf *r, vouch_program *p)
{
    if (get_count(r, 8, VOUCH_MAX_TABLES * VOUCH_MAX_COLUMNS, "enums", &p->nenums) ||
        !(p->enums = array(r, p->nenums, sizeof *p->enums)))
        return -1;
    for (uint32_t i = 0; i < p->nenums; i++) {
        vouch_enum_decl *e = &p->enums[i];
        if (get_name(r, &e->name) ||
            get_count(r, 4, VOUCH_MAX_ENUM_MEMBERS, "enum members", &e->nvalues) ||
            !(e->values = array(r, e->nvalues, sizeof *e->values)))
            return -1;
        for (uint32_t k = 0; k < e->nvalues; k++)
            if (get_bytes(r, VOUCH_MAX_NAME_BYTES, &e->values[k], NULL))
                return -1;
    }
    return 0;
}

static int read_tables(rbuf *r, vouch_program *p)
{
    if (get_count(r, 13, VOUCH_MAX_TABLES, "tables", &p->ntables) ||
        !(p->tables = array(r, p->ntables, sizeof *p->tables)))
        return -1;
    for (uint32_t i = 0; i < p->ntables; i++) {
        vouch_table_decl *t = &p->tables[i];
        if (get_bytes(r, VOUCH_MAX_NAME_BYTES, &t->name, NULL) ||
            get_count(r, 10, VOUCH_MAX_COLUMNS, "columns", &t->ncolumns) ||
            !(t->columns = array(r, t->ncolumns, sizeof *t->columns)))
            return -1;
        for (uint32_t c = 0; c < t->ncolumns; c++) {
            vouch_column_decl *col = &t->columns[c];
            uint32_t eid;
            if (get_bytes(r, VOUCH_MAX_NAME_BYTES, &col->name, NULL) ||
                get_small(r, VT__COUNT, "column type", &col->type) ||
                get_small(r, 2, "column optional flag", &col->optional) || get_u32(r, &eid))
                return -1;
            col->enum_id = (int32_t)eid;
        }
        if (get_count(r, 4, VOUCH_MAX_KEY_COLUMNS, "key columns", &t->nkey) ||
            !(t->key = array(r, t->nkey, sizeof *t->key)))
            return -1;
        for (uint32_t k = 0; k < t->nkey; k++)
            if (get_u32(r, &t->key[k]))
                return -1;
        uint8_t used;
        if (get_small(r, 2, "table used flag", &used))
            return -1;
        t->first_used = used;
        if (get_u32(r, &t->dated))   /* the verifier checks the column */
            return -1;
    }
    return 0;
}

static int read_plans(rbuf *r, vouch_program *p)
{
    if (get_count(r, 30, UINT32_MAX, "plans", &p->nplans) ||
        !(p->plans = array(r, p->nplans, sizeof *p->plans)))
        return -1;
    for (uint32_t i = 0; i < p->nplans; i++) {
        vouch_plan *pl = &p->plans[i];
        if (get_u32(r, &pl->table) || get_small(r, PLAN_MAX + 1, "plan mode", &pl->mode) ||
            get_small(r, 2, "plan repeated flag", &pl->repeated) || get_u32(r, &pl->agg_column) ||
            get_count(r, 10, VOUCH_STACK_MAX, "plan terms", &pl->nterms) ||
            !(pl->terms = array(r, pl->nterms, sizeof *pl->terms)))
            return -1;
        for (uint32_t k = 0; k < pl->nterms; k++) {
            vouch_plan_term *tm = &pl->terms[k];
            if (get_u32(r, &tm->column) || get_small(r, CMP_GE + 1, "term comparison", &tm->cmp) ||
                get_small(r, 2, "term bound flag", &tm->bound) || get_u32(r, &tm->param))
                return -1;
        }
        if (get_u32(r, &pl->nparams) ||
            get_count(r, 4, VOUCH_MAX_COLUMNS, "plan columns", &pl->ncolumns) ||
            !(pl->columns = array(r, pl->ncolumns, sizeof *pl->columns)))
            return -1;
        for (uint32_t c = 0; c < pl->ncolumns; c++)
            if (get_u32(r, &pl->columns[c]))
                return -1;
        if (get_u32(r, &pl->rule) ||
            get_count(r, 4, VOUCH_FILTER_MAX_WORDS, "filter words", &pl->nfilter) ||
            !(pl->filter = array(r, pl->nfilter, sizeof *pl->filter)))
            return -1;
        for (uint32_t k = 0; k < pl->nfilter; k++)
            if (get_u32(r, &pl->filter[k]))
                return -1;
    }
    return 0;
}

static int read_rules(rbuf *r, vouch_program *p)
{
    if (get_count(r, 50, VOUCH_MAX_RULES, "rules", &p->nrules) ||
        !(p->rules = array(r, p->nrules, sizeof *p->rules)))
        return -1;
    for (uint32_t i = 0; i < p->nrules; i++) {
        vouch_rule_info *ri = &p->rules[i];
        if (get_bytes(r, VOUCH_MAX_NAME_BYTES, &ri->id, NULL) ||
            get_bytes(r, VOUCH_MAX_STRING_BYTES, &ri->title, NULL) ||
            get_small(r, SEV__COUNT, "severity", &ri->severity) || get_name(r, &ri->file) ||
            get_u32(r, &ri->line) || get_u32(r, &ri->col) || get_u32(r, &ri->entry) ||
            get_u32(r, &ri->nlocals) || get_bytes(r, VOUCH_MAX_STRING_BYTES, &ri->pack, NULL) ||
            get_count(r, 8, UINT32_MAX, "mapped controls", &ri->nmaps) ||
            !(ri->maps = array(r, ri->nmaps, sizeof *ri->maps)))
            return -1;
        for (uint32_t k = 0; k < ri->nmaps; k++)
            if (get_ref(r, &ri->maps[k]))
                return -1;
        if (get_small(r, 2, "skipped flag", &ri->skipped) ||
            get_bytes(r, VOUCH_MAX_STRING_BYTES, &ri->skip_reason, NULL) ||
            get_small(r, SEV__COUNT, "declared severity", &ri->declared_severity) ||
            get_bytes(r, VOUCH_MAX_STRING_BYTES, &ri->override_by, NULL) ||
            get_small(r, ENF__COUNT, "enforcement", &ri->enforcement) ||
            get_small(r, ENF__COUNT, "declared enforcement", &ri->declared_enforcement) ||
            get_u32(r, &ri->outer_plan))
            return -1;
    }
    return 0;
}

static int get_str(rbuf *r, const char **out) { return get_bytes(r, VOUCH_MAX_STRING_BYTES, out, NULL); }

static int read_frameworks(rbuf *r, vouch_program *p)
{
    if (get_count(r, 20, UINT32_MAX, "frameworks", &p->nframeworks) ||
        !(p->frameworks = array(r, p->nframeworks, sizeof *p->frameworks)))
        return -1;
    for (uint32_t i = 0; i < p->nframeworks; i++) {
        vouch_framework_info *fw = &p->frameworks[i];
        if (get_str(r, &fw->id) || get_str(r, &fw->title) || get_str(r, &fw->version) ||
            get_str(r, &fw->source) || get_count(r, 12, UINT32_MAX, "controls", &fw->ncontrols) ||
            !(fw->controls = array(r, fw->ncontrols, sizeof *fw->controls)))
            return -1;
        for (uint32_t c = 0; c < fw->ncontrols; c++) {
            vouch_control_info *ci = &fw->controls[c];
            if (get_str(r, &ci->id) || get_str(r, &ci->title) ||
                get_count(r, 8, UINT32_MAX, "control attributes", &ci->nattrs) ||
                !(ci->attr_names = array(r, ci->nattrs, sizeof *ci->attr_names)) ||
                !(ci->attr_values = array(r, ci->nattrs, sizeof *ci->attr_values)))
                return -1;
            for (uint32_t k = 0; k < ci->nattrs; k++)
                if (get_str(r, &ci->attr_names[k]) || get_str(r, &ci->attr_values[k]))
                    return -1;
        }
    }
    return 0;
}

static int read_pairs(rbuf *r, vouch_program *p)
{
    if (get_count(r, 34, UINT32_MAX, "crosswalk pairs", &p->npairs) ||
        !(p->pairs = array(r, p->npairs, sizeof *p->pairs)))
        return -1;
    for (uint32_t i = 0; i < p->npairs; i++) {
        vouch_crosswalk_pair *pr = &p->pairs[i];
        if (get_ref(r, &pr->src) || get_ref(r, &pr->dst) ||
            get_small(r, REL__COUNT, "relation", &pr->relation) ||
            get_small(r, ORIGIN__COUNT, "origin", &pr->origin) || get_str(r, &pr->source) || get_str(r, &pr->note) ||
            get_name(r, &pr->file) || get_u32(r, &pr->line))
            return -1;
    }
    return 0;
}

static int read_waivers(rbuf *r, vouch_program *p)
{
    if (get_count(r, 48, UINT32_MAX, "waivers", &p->nwaivers) ||
        !(p->waivers = array(r, p->nwaivers, sizeof *p->waivers)))
        return -1;
    for (uint32_t i = 0; i < p->nwaivers; i++) {
        vouch_waiver *w = &p->waivers[i];
        if (get_u32(r, &w->rule) || get_str(r, &w->subject) || get_i64(r, &w->granted) ||
            get_i64(r, &w->until) || get_str(r, &w->because) || get_str(r, &w->approved_by) ||
            get_name(r, &w->file) || get_u32(r, &w->line) || get_u32(r, &w->col))
            return -1;
        if (w->granted != INT64_MIN && !date_in_range(w->granted))
            return bad(r, "waiver %u: granted day %lld is not a date", i, (long long)w->granted);
        if (!date_in_range(w->until))
            return bad(r, "waiver %u: day %lld is not a date", i, (long long)w->until);
    }
    if (get_i64(r, &p->waiver_max_days) || get_i64(r, &p->waiver_max_months))
        return -1;
    if (p->waiver_max_days < 0 || p->waiver_max_months < 0 || p->waiver_max_months > 120000)
        return bad(r, "waiver caps %lld days, %lld months are out of range", (long long)p->waiver_max_days,
                   (long long)p->waiver_max_months);
    return 0;
}

/* Indices (file, pc order) are the verifier's to check. */
static int read_positions(rbuf *r, vouch_program *p)
{
    if (get_count(r, 4, UINT32_MAX, "source files", &p->nfiles) ||
        !(p->files = array(r, p->nfiles, sizeof *p->files)))
        return -1;
    for (uint32_t i = 0; i < p->nfiles; i++)
        if (get_name(r, &p->files[i]))
            return -1;
    if (get_count(r, 17, UINT32_MAX, "source positions", &p->npositions) ||
        !(p->positions = array(r, p->npositions, sizeof *p->positions)))
        return -1;
    for (uint32_t i = 0; i < p->npositions; i++) {
        vouch_position *e = &p->positions[i];
        if (get_u32(r, &e->pc) || get_u32(r, &e->file) || get_u32(r, &e->line) ||
            get_u32(r, &e->col) || get_small(r, SUBJ__COUNT, "subject place", &e->subject))
            return -1;
    }
    return 0;
}

static int get_ostr(rbuf *r, const char **out)
{
    uint8_t present = 0;
    *out = NULL;
    if (get_small(r, 2, "string presence flag", &present))
        return -1;
    return present ? get_str(r, out) : 0;
}

/* Indices (table, columns) and the rules a source must keep (every
 * required column fed, none twice) are the verifier's to check. */
static int read_sources(rbuf *r, vouch_program *p)
{
    if (get_count(r, 29, UINT32_MAX, "sources", &p->nsources) ||
        !(p->sources = array(r, p->nsources, sizeof *p->sources)))
        return -1;
    for (uint32_t i = 0; i < p->nsources; i++) {
        vouch_source_decl *s = &p->sources[i];
        if (get_name(r, &s->name) || get_u32(r, &s->table) ||
            get_small(r, SRC__COUNT, "source format", &s->format) || get_str(r, &s->root) ||
            get_count(r, 12, VOUCH_MAX_COLUMNS, "source feeds", &s->nfeeds) ||
            !(s->feeds = array(r, s->nfeeds, sizeof *s->feeds)))
            return -1;
        for (uint32_t k = 0; k < s->nfeeds; k++) {
            vouch_feed *f = &s->feeds[k];
            if (get_u32(r, &f->column) || get_small(r, FEED__COUNT, "feed kind", &f->kind) ||
                get_ostr(r, &f->path) || get_ostr(r, &f->value) || get_ostr(r, &f->pattern) ||
                get_ostr(r, &f->zone) || get_count(r, 2, UINT32_MAX, "feed alternatives", &f->nelse) ||
                !(f->elses = array(r, f->nelse, sizeof *f->elses)))
                return -1;
            for (uint32_t a = 0; a < f->nelse; a++)
                if (get_small(r, FEED__COUNT, "feed kind", &f->elses[a].kind) || get_ostr(r, &f->elses[a].path))
                    return -1;
            if (get_count(r, 2, UINT32_MAX, "value map entries", &f->nmap) ||
                !(f->map = array(r, f->nmap, sizeof *f->map)))
                return -1;
            for (uint32_t m = 0; m < f->nmap; m++)
                if (get_ostr(r, &f->map[m].from) || get_ostr(r, &f->map[m].to))
                    return -1;
        }
        if (get_count(r, 9, UINT32_MAX, "source skips", &s->nskips) ||
            !(s->skips = array(r, s->nskips, sizeof *s->skips)))
            return -1;
        for (uint32_t k = 0; k < s->nskips; k++) {
            vouch_source_skip *sk = &s->skips[k];
            if (get_str(r, &sk->path) || get_small(r, SKIP__COUNT, "skip kind", &sk->kind) ||
                get_count(r, 1, UINT32_MAX, "skip values", &sk->nvalues) ||
                !(sk->values = array(r, sk->nvalues, sizeof *sk->values)))
                return -1;
            for (uint32_t v = 0; v < sk->nvalues; v++)
                if (get_ostr(r, &sk->values[v]))
                    return -1;
        }
        if (get_name(r, &s->file) || get_u32(r, &s->line))
            return -1;
    }
    return 0;
}

int vouch_program_is_vbc(const void *buf, size_t len)
{
    return len >= VOUCH_VBC_MAGIC_LEN && memcmp(buf, VOUCH_VBC_MAGIC, VOUCH_VBC_MAGIC_LEN) == 0;
}

static uint32_t le32(const unsigned char *q)
{
    return (uint32_t)q[0] | (uint32_t)q[1] << 8 | (uint32_t)q[2] << 16 | (uint32_t)q[3] << 24;
}

vouch_status vouch_program_read(const void *buf, size_t len, unsigned flags, vouch_program **out,
                                vouch_error *err)
{
    const unsigned char *b = buf;
    *out = NULL;
    if (!vouch_program_is_vbc(buf, len))
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program file: not a compiled vouch program (no .vbc signature)");
    if (len < VOUCH_VBC_HEADER_LEN)
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program file: %zu bytes, shorter than the %d-byte header", len,
                               VOUCH_VBC_HEADER_LEN);
    if (le32(b + 8) != VOUCH_VBC_FORMAT)
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program file: layout %u, this vouch reads layout %d "
                               "(compile the pack again with this vouch)", le32(b + 8),
                               VOUCH_VBC_FORMAT);
    if (le32(b + 12) != VOUCH_PROGRAM_VERSION)
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program file: program version %u, this vouch runs version %d "
                               "(compile the pack again with this vouch)", le32(b + 12),
                               VOUCH_PROGRAM_VERSION);
    if (len > VOUCH_MAX_PROGRAM_BYTES)
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program file: %zu bytes, more than the limit of %u", len,
                               VOUCH_MAX_PROGRAM_BYTES);
    size_t payload = le32(b + 16);
    if (payload != len - VOUCH_VBC_HEADER_LEN)
        return vouch_error_set(err, VOUCH_EINPUT,
                               "program file: the header says %zu payload bytes but the file has "
                               "%zu (truncated or damaged)", payload, len - VOUCH_VBC_HEADER_LEN);
    if (!(flags & VOUCH_VBC_NO_CHECKSUM)) {
        uint32_t crc = vouch_crc32(0, b, 20);
        crc = vouch_crc32(crc, b + VOUCH_VBC_HEADER_LEN, payload);
        if (crc != le32(b + 20))
            return vouch_error_set(err, VOUCH_EINPUT,
                                   "program file: checksum mismatch (the file is damaged)");
    }

    vouch_program *p = vouch_program_new();
    if (!p)
        return vouch_error_set(err, VOUCH_ENOMEM, "out of memory while reading the program");
    rbuf r = {b + VOUCH_VBC_HEADER_LEN, payload, 0, p, err, VOUCH_OK};
    if (read_code(&r, p) || read_consts(&r, p) || read_enums(&r, p) || read_tables(&r, p) ||
        read_plans(&r, p) || read_rules(&r, p) || read_frameworks(&r, p) || read_pairs(&r, p) ||
        read_waivers(&r, p) || get_bytes(&r, VOUCH_MAX_STRING_BYTES, &p->pack, NULL) ||
        get_bytes(&r, VOUCH_MAX_STRING_BYTES, &p->pack_version, NULL) ||
        read_positions(&r, p) || read_sources(&r, p)) {
        vouch_program_free(p);
        return r.st ? r.st : vouch_error_set(err, VOUCH_EINPUT, "program file: damaged");
    }
    /* The verifier leaves plan->rule alone (it only names the rule in
     * messages), but the command line indexes rules with it. */
    for (uint32_t i = 0; i < p->nplans && r.st == VOUCH_OK; i++)
        if (p->plans[i].rule >= p->nrules)
            bad(&r, "plan %u: rule %u out of range (%u rules)", i, p->plans[i].rule, p->nrules);
    if (r.st == VOUCH_OK && left(&r))
        bad(&r, "%zu bytes left over after the program", left(&r));
    if (r.st != VOUCH_OK) {
        vouch_program_free(p);
        return r.st;
    }
    vouch_status st = vouch_verify(p, err);
    if (st != VOUCH_OK) {
        vouch_program_free(p);
        return st;
    }
    *out = p;
    return VOUCH_OK;
}
