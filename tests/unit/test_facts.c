/*
 * test_facts.c: the facts store (runtime/store/facts.c, runtime/store/load.c) and the
 * value and date helpers it rests on (runtime/program/value.c, runtime/base/date.c).
 *
 * Programs are built by hand with vouch_program_new/alloc; stores are made
 * with SQLite directly or with vouch_facts_load, in a temporary directory.
 * The central check runs the same seeks three ways (hash index: repeated
 * plans on a store without indexes; SQL with an index; SQL because the plan
 * is not repeated) and requires identical answers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sqlite3.h>
#include "clock.h"
#include "facts.h"
#include "facts_int.h"   /* the store's own view: its choices and its files */
#include "date.h"
#include "value.h"

static char tmpdir[64];

static const char *tpath(const char *name)
{
    static char bufs[64][256];   /* a ring: a path stays valid for 63 more calls */
    static int k;
    char *b = bufs[k++ & 63];
    snprintf(b, 256, "%s/%s", tmpdir, name);
    return b;
}

#define assert_contains(hay, needle)                                                   \
    do {                                                                               \
        const char *h_ = (hay), *n_ = (needle);                                        \
        if (!strstr(h_, n_))                                                           \
            fail_msg("expected `%s` in message:\n%s", n_, h_);                         \
    } while (0)

#define assert_ok(call, err)                                                           \
    do {                                                                               \
        vouch_status s_ = (call);                                                      \
        if (s_ != VOUCH_OK)                                                            \
            fail_msg("%s failed (%d): %s", #call, (int)s_, (err).msg);                 \
    } while (0)

static int64_t D(const char *s)
{
    int64_t d = 0;
    assert_int_equal(date_parse(s, strlen(s), &d), 0);
    return d;
}

static vouch_value T(const char *s) { return vouch_text(s, strlen(s)); }

static void exec_sql(const char *path, const char *sql)
{
    sqlite3 *db;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    char *msg = NULL;
    if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
        fail_msg("sql failed: %s\n%s", msg, sql);
    sqlite3_close(db);
}

static long long query_int(const char *path, const char *sql)
{
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open_v2(path, &db, SQLITE_OPEN_READONLY, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(st), SQLITE_ROW);
    long long v = sqlite3_column_int64(st, 0);
    sqlite3_finalize(st);
    sqlite3_close(db);
    return v;
}

static void write_file(const char *path, const char *text, size_t n)
{
    FILE *fp = fopen(path, "wb");
    assert_non_null(fp);
    assert_int_equal(fwrite(text, 1, n, fp), n);
    fclose(fp);
}

static uint64_t file_sum(const char *path)
{
    FILE *fp = fopen(path, "rb");
    assert_non_null(fp);
    uint64_t h = 1469598103934665603ull;
    int c;
    while ((c = fgetc(fp)) != EOF)
        h = (h ^ (unsigned)c) * 1099511628211ull;
    fclose(fp);
    return h;
}

static int exists(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0;
}

/* ---- a hand-built program ------------------------------------------------ */

enum { EV = 0, SOA = 1 };
enum { E_ID, E_FW, E_CTL, E_KIND, E_ON, E_ASSET, E_RESULT, E_SCORE, E_OK, E_EVERY, E_N };
enum { S_FW, S_CTL, S_APPLICABLE, S_JUST, S_N };

static vouch_program *make_program(void)
{
    vouch_program *p = vouch_program_new();
    assert_non_null(p);
    p->nenums = 1;
    p->enums = vouch_program_alloc(p, sizeof *p->enums);
    p->enums[0].name = "evidence.result";
    p->enums[0].nvalues = 2;
    p->enums[0].values = vouch_program_alloc(p, 2 * sizeof(char *));
    p->enums[0].values[0] = "pass";
    p->enums[0].values[1] = "fail";

    p->ntables = 2;
    p->tables = vouch_program_alloc(p, 2 * sizeof *p->tables);
    vouch_table_decl *t = &p->tables[EV];
    static const struct { const char *name; uint8_t type, opt; int32_t en; } ev[E_N] = {
        {"id", VT_INT, 0, -1},         {"framework", VT_TEXT, 0, -1},
        {"control", VT_TEXT, 0, -1},   {"kind", VT_TEXT, 0, -1},
        {"collected_on", VT_DATE, 0, -1}, {"asset", VT_TEXT, 1, -1},
        {"result", VT_TEXT, 0, 0},     {"score", VT_INT, 1, -1},
        {"ok", VT_BOOL, 0, -1},        {"every", VT_DUR, 1, -1},
    };
    t->name = "evidence";
    t->ncolumns = E_N;
    t->columns = vouch_program_alloc(p, E_N * sizeof *t->columns);
    for (int i = 0; i < E_N; i++) {
        t->columns[i].name = ev[i].name;
        t->columns[i].type = ev[i].type;
        t->columns[i].optional = ev[i].opt;
        t->columns[i].enum_id = ev[i].en;
    }
    t->nkey = 1;
    t->key = vouch_program_alloc(p, sizeof *t->key);
    t->key[0] = E_ID;

    t = &p->tables[SOA];
    static const struct { const char *name; uint8_t type, opt; } so[S_N] = {
        {"framework", VT_TEXT, 0}, {"control", VT_TEXT, 0},
        {"applicable", VT_BOOL, 0}, {"justification", VT_TEXT, 1},
    };
    t->name = "soa";
    t->ncolumns = S_N;
    t->columns = vouch_program_alloc(p, S_N * sizeof *t->columns);
    for (int i = 0; i < S_N; i++) {
        t->columns[i].name = so[i].name;
        t->columns[i].type = so[i].type;
        t->columns[i].optional = so[i].opt;
        t->columns[i].enum_id = -1;
    }
    t->nkey = 2;
    t->key = vouch_program_alloc(p, 2 * sizeof *t->key);
    t->key[0] = S_FW;
    t->key[1] = S_CTL;

    p->plans = vouch_program_alloc(p, 64 * sizeof *p->plans);
    return p;
}

static uint32_t add_plan(vouch_program *p, uint32_t table, int mode, int repeated, uint32_t agg,
                         const vouch_plan_term *terms, uint32_t nterms, const uint32_t *cols,
                         uint32_t ncols)
{
    vouch_plan *pl = &p->plans[p->nplans];
    pl->table = table;
    pl->mode = (uint8_t)mode;
    pl->repeated = (uint8_t)repeated;
    pl->agg_column = agg;
    pl->nterms = nterms;
    pl->terms = vouch_program_alloc(p, (nterms + 1) * sizeof *pl->terms);
    if (nterms)
        memcpy(pl->terms, terms, nterms * sizeof *terms);
    for (uint32_t j = 0; j < nterms; j++)
        if (terms[j].param + 1 > pl->nparams)
            pl->nparams = terms[j].param + 1;
    pl->ncolumns = ncols;
    pl->columns = vouch_program_alloc(p, (ncols + 1) * sizeof *pl->columns);
    if (ncols)
        memcpy(pl->columns, cols, ncols * sizeof *cols);
    return p->nplans++;
}

#define TERMS(...) (vouch_plan_term[]){__VA_ARGS__}, \
    (uint32_t)(sizeof((vouch_plan_term[]){__VA_ARGS__}) / sizeof(vouch_plan_term))
#define COLS(...) (uint32_t[]){__VA_ARGS__}, \
    (uint32_t)(sizeof((uint32_t[]){__VA_ARGS__}) / sizeof(uint32_t))
#define NOCOLS NULL, 0

/* term: column, cmp, bound, param */
#define B(col, cmp, param) {col, cmp, 1, param}
#define K(col, cmp, param) {col, cmp, 0, param}

static const char *EV_SCHEMA =
    "CREATE TABLE evidence(id INTEGER PRIMARY KEY, framework TEXT NOT NULL, control TEXT NOT NULL,"
    " kind TEXT NOT NULL, collected_on TEXT NOT NULL, asset TEXT, result TEXT NOT NULL,"
    " score INTEGER, ok INTEGER NOT NULL, every INTEGER);"
    "CREATE TABLE soa(framework TEXT NOT NULL, control TEXT NOT NULL, applicable INTEGER NOT NULL,"
    " justification TEXT, PRIMARY KEY(framework, control));";

static const char *FWS[] = {"F0", "F1", "F2"};
static const char *KINDS[] = {"review", "scan", "test"};

/* A deterministic store of 600 evidence rows over 3 x 6 (framework,
 * control) keys, with NULL assets, scores and durations sprinkled in. */
static void make_store(const char *path, int with_index)
{
    unlink(path);
    exec_sql(path, EV_SCHEMA);
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO evidence VALUES (?,?,?,?,?,?,?,?,?,?)",
                                        -1, &st, NULL), SQLITE_OK);
    int64_t base = D("2025-06-01");
    for (int i = 1; i <= 600; i++) {
        char ctl[8], asset[8], day[11];
        snprintf(ctl, sizeof ctl, "C%d", (i / 2) % 6);
        snprintf(asset, sizeof asset, "A%d", i % 5);
        date_format(base + (i * 37) % 400, day);
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, FWS[(i / 7) % 3], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 3, ctl, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 4, KINDS[(i / 3) % 3], -1, SQLITE_STATIC);
        sqlite3_bind_text(st, 5, day, -1, SQLITE_TRANSIENT);
        if (i % 4 == 0)
            sqlite3_bind_null(st, 6);
        else
            sqlite3_bind_text(st, 6, asset, -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(st, 7, i % 5 == 0 ? "fail" : "pass", -1, SQLITE_STATIC);
        if (i % 7 == 0)
            sqlite3_bind_null(st, 8);
        else
            sqlite3_bind_int(st, 8, i % 11);
        sqlite3_bind_int(st, 9, i % 2);
        if (i % 3 == 0)
            sqlite3_bind_null(st, 10);
        else
            sqlite3_bind_int(st, 10, i % 30);
        assert_int_equal(sqlite3_step(st), SQLITE_DONE);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "INSERT INTO soa VALUES ('F0','C0',1,NULL),('F0','C1',0,'n/a')", NULL, NULL,
                 NULL);
    if (with_index) {
        sqlite3_exec(db, "CREATE INDEX ev_fcd ON evidence(framework, control, collected_on)",
                     NULL, NULL, NULL);
        sqlite3_exec(db, "CREATE INDEX ev_fk ON evidence(framework, kind)", NULL, NULL, NULL);
    }
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);
}

/* ---- running seeks -------------------------------------------------------- */

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* The answer of one seek as text: rows (sorted, since the two paths may
 * return them in different orders), each value with its type. */
static char *run(vouch_facts *f, const vouch_program *p, uint32_t plan, const vouch_value *params)
{
    vouch_error err;
    const vouch_plan *pl = &p->plans[plan];
    assert_ok(vouch_facts_seek(f, plan, params, &err), err);
    char *lines[1024];
    int n = 0, has;
    uint32_t ncol = pl->mode == PLAN_ROWS || pl->mode == PLAN_EXISTS ? pl->ncolumns : 1;
    for (;;) {
        assert_ok(vouch_facts_next(f, plan, &has, &err), err);
        if (!has)
            break;
        char line[512];
        size_t used = 0;
        line[0] = 0;
        for (uint32_t i = 0; i < ncol; i++) {
            vouch_value v;
            char buf[128];
            assert_ok(vouch_facts_column(f, plan, i, &v, &err), err);
            vouch_value_format(&v, buf, sizeof buf);
            used += (size_t)snprintf(line + used, sizeof line - used, "%s%d:%s", i ? "|" : "",
                                     v.type, buf);
        }
        if (pl->mode == PLAN_EXISTS && ncol == 0)
            snprintf(line, sizeof line, "exists");
        assert_true(n < 1024);
        lines[n++] = strdup(line);
        if (pl->mode != PLAN_ROWS)
            assert_true(n == 1);   /* at most one row */
    }
    /* after the end, next keeps saying no */
    assert_ok(vouch_facts_next(f, plan, &has, &err), err);
    assert_int_equal(has, 0);
    qsort(lines, (size_t)n, sizeof *lines, cmp_str);
    size_t total = 32;
    for (int i = 0; i < n; i++)
        total += strlen(lines[i]) + 1;
    char *out = malloc(total);
    size_t at = 0;
    at += (size_t)sprintf(out, "%d rows\n", n);
    for (int i = 0; i < n; i++) {
        at += (size_t)sprintf(out + at, "%s\n", lines[i]);
        free(lines[i]);
    }
    return out;
}

static vouch_facts *open_bind(const char *path, const vouch_program *p)
{
    vouch_facts *f = NULL;
    vouch_error err;
    assert_ok(vouch_facts_open(path, &f, &err), err);
    assert_ok(vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err), err);
    return f;
}

/* The plans the comparison runs; every one is repeated (so it may be a hash
 * plan) and has bound equality terms on (framework, control) or framework. */
static void add_compare_plans(vouch_program *p, int repeated)
{
    /* 0: every row in a date window */
    add_plan(p, EV, PLAN_ROWS, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), B(E_ON, CMP_GE, 2),
                   B(E_ON, CMP_LE, 3)),
             COLS(E_ID, E_KIND, E_ON, E_ASSET, E_RESULT, E_SCORE, E_OK, E_EVERY));
    /* 1: exists a passing row since a bound date */
    add_plan(p, EV, PLAN_EXISTS, repeated, 0,
             TERMS(B(E_CTL, CMP_EQ, 1), B(E_FW, CMP_EQ, 0), K(E_RESULT, CMP_EQ, 2),
                   B(E_ON, CMP_GE, 3)), NOCOLS);
    /* 2: count of a kind before a constant date */
    add_plan(p, EV, PLAN_COUNT, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), K(E_KIND, CMP_EQ, 2),
                   K(E_ON, CMP_LT, 3)), NOCOLS);
    /* 3: earliest passing date */
    add_plan(p, EV, PLAN_MIN, repeated, E_ON,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), K(E_RESULT, CMP_EQ, 2)), NOCOLS);
    /* 4: greatest score after a bound date (scores may be none) */
    add_plan(p, EV, PLAN_MAX, repeated, E_SCORE,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), B(E_ON, CMP_GT, 2)), NOCOLS);
    /* 5, 6: optional column == / != a bound value that may be none */
    add_plan(p, EV, PLAN_ROWS, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), B(E_ASSET, CMP_EQ, 2)), COLS(E_ID));
    add_plan(p, EV, PLAN_ROWS, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), B(E_ASSET, CMP_NE, 2)), COLS(E_ID));
    /* 7: ordering against a bound value that may be none */
    add_plan(p, EV, PLAN_COUNT, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), B(E_SCORE, CMP_LT, 2)), NOCOLS);
    /* 8: another key (framework only), a constant control */
    add_plan(p, EV, PLAN_ROWS, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), K(E_CTL, CMP_EQ, 1)), COLS(E_ID, E_CTL, E_ON));
    /* 9: the shape of 2 (shares its hash spec) with other constant values */
    add_plan(p, EV, PLAN_COUNT, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), K(E_KIND, CMP_EQ, 2),
                   K(E_ON, CMP_LT, 3)), NOCOLS);
    /* 10: least score among rows with a constant bool */
    add_plan(p, EV, PLAN_MIN, repeated, E_SCORE,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), K(E_OK, CMP_EQ, 2)), NOCOLS);
    /* 11: exists with a constant != and constant window, reading columns */
    add_plan(p, EV, PLAN_EXISTS, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), K(E_KIND, CMP_NE, 2),
                   K(E_ON, CMP_GE, 3), K(E_ON, CMP_LE, 4)), COLS(E_FW, E_CTL));
    /* 12: duration and bound strict range, all rows */
    add_plan(p, EV, PLAN_ROWS, repeated, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), B(E_ON, CMP_GT, 2),
                   B(E_ON, CMP_LT, 3), B(E_EVERY, CMP_GE, 4)), COLS(E_EVERY, E_ID));
}

#define NPLANS 13

/* Runs the grid of seeks for plan i and returns all answers, concatenated. */
static char *grid(vouch_facts *f, const vouch_program *p, uint32_t plan)
{
    static const char *ctls[] = {"C0", "C1", "C2", "C3", "C4", "C5", "zz"};
    static const char *fws[] = {"F0", "F1", "F2", "nope"};
    static const char *days[][2] = {
        {"2025-06-01", "2025-09-30"}, {"2025-10-01", "2025-12-31"}, {"2026-01-01", "2026-03-31"},
        {"2025-01-01", "2027-01-01"}, {"2026-03-31", "2026-03-01"}, {"2025-08-08", "2025-08-08"},
    };
    size_t cap = 1 << 16, len = 0;
    char *all = malloc(cap);
    all[0] = 0;
    for (size_t a = 0; a < sizeof fws / sizeof *fws; a++)
        for (size_t b = 0; b < sizeof ctls / sizeof *ctls; b++)
            for (size_t d = 0; d < sizeof days / sizeof *days; d++) {
                vouch_value pv[6];
                vouch_value fw = T(fws[a]), ctl = T(ctls[b]);
                vouch_value d0 = vouch_date(D(days[d][0])), d1 = vouch_date(D(days[d][1]));
                int variants = 1;
                switch (plan) {
                case 0: pv[0] = fw; pv[1] = ctl; pv[2] = d0; pv[3] = d1; break;
                case 1: pv[0] = fw; pv[1] = ctl; pv[2] = T("pass"); pv[3] = d0; break;
                case 2: pv[0] = fw; pv[1] = ctl; pv[2] = T("scan"); pv[3] = vouch_date(D("2026-01-01")); break;
                case 3: pv[0] = fw; pv[1] = ctl; pv[2] = T("pass"); break;
                case 4: pv[0] = fw; pv[1] = ctl; pv[2] = d0; break;
                case 5:
                case 6:
                case 7: pv[0] = fw; pv[1] = ctl; pv[2] = vouch_none(); variants = 3; break;
                case 8: pv[0] = fw; pv[1] = ctl; break;
                case 9: pv[0] = fw; pv[1] = ctl; pv[2] = T("review"); pv[3] = vouch_date(D("2025-12-01")); break;
                case 10: pv[0] = fw; pv[1] = ctl; pv[2] = vouch_bool(d & 1); break;
                case 11: pv[0] = fw; pv[1] = ctl; pv[2] = T("review"); pv[3] = vouch_date(D("2026-02-01")); pv[4] = vouch_date(D("2026-03-15")); break;
                case 12: pv[0] = fw; pv[1] = ctl; pv[2] = d0; pv[3] = d1; pv[4] = vouch_dur(10); break;
                }
                for (int v = 0; v < variants; v++) {
                    if (plan >= 5 && plan <= 7)
                        pv[2] = v == 0 ? vouch_none() : plan == 7 ? vouch_int(3 * v) : T(v == 1 ? "A1" : "A3");
                    char *ans = run(f, p, plan, pv);
                    size_t n = strlen(ans);
                    while (len + n + 64 > cap) {
                        cap *= 2;
                        all = realloc(all, cap);
                    }
                    len += (size_t)sprintf(all + len, "[%zu %zu %zu %d] %s", a, b, d, v, ans);
                    free(ans);
                }
            }
    return all;
}

static void test_paths_agree(void **state)
{
    const char *noidx = tpath("noidx.db"), *idx = tpath("idx.db");
    make_store(noidx, 0);
    make_store(idx, 1);
    vouch_program *rep = make_program(), *once = make_program();
    add_compare_plans(rep, 1);
    add_compare_plans(once, 0);
    assert_int_equal(rep->nplans, NPLANS);

    vouch_facts *fh = open_bind(noidx, rep);   /* hash */
    vouch_facts *fs = open_bind(idx, rep);     /* sql through an index */
    vouch_facts *fo = open_bind(noidx, once);  /* sql, not repeated */
    for (uint32_t i = 0; i < NPLANS; i++) {
        if (strncmp(vouch_facts_describe(fh, i), "hash: ", 6) != 0)
            fail_msg("plan %u: expected a hash plan, got %s", i, vouch_facts_describe(fh, i));
        if (strncmp(vouch_facts_describe(fs, i), "sql: ", 5) != 0)
            fail_msg("plan %u: expected an sql plan, got %s", i, vouch_facts_describe(fs, i));
        assert_int_equal(strncmp(vouch_facts_describe(fo, i), "sql: ", 5), 0);
    }
    vouch_facts_stats st;
    vouch_facts_get_stats(fh, &st);
    assert_int_equal(st.hash_plans, NPLANS);
    assert_int_equal(st.sql_plans, 0);
    vouch_facts_get_stats(fs, &st);
    assert_int_equal(st.sql_plans, NPLANS);
    assert_int_equal(st.hash_plans, 0);

    for (uint32_t i = 0; i < NPLANS; i++) {
        char *h = grid(fh, rep, i), *s = grid(fs, rep, i), *o = grid(fo, once, i);
        if (strcmp(h, s) != 0 || strcmp(s, o) != 0) {
            /* show the first difference */
            size_t k = 0;
            while (h[k] && h[k] == s[k])
                k++;
            size_t from = k > 200 ? k - 200 : 0;
            fail_msg("plan %u differs (%s) at %zu:\nhash: %.400s\nsql:  %.400s", i,
                     vouch_facts_describe(fh, i), k, h + from, s + from);
        }
        assert_true(strlen(h) > 100);
        free(h);
        free(s);
        free(o);
    }
    vouch_facts_get_stats(fh, &st);
    assert_true(st.seeks > 1000);
    assert_true(st.rows > 100);

    /* Some answers by hand, to be sure all three are not equally wrong. */
    vouch_value pv[5] = {T("F0"), T("C0"), T("pass")};
    char *a = run(fh, rep, 3, pv);
    sqlite3 *db;
    sqlite3_stmt *q;
    assert_int_equal(sqlite3_open(noidx, &db), SQLITE_OK);
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT min(collected_on), count(*) FROM evidence "
                                            "WHERE framework='F0' AND control='C0' AND result='pass'",
                                        -1, &q, NULL), SQLITE_OK);
    assert_int_equal(sqlite3_step(q), SQLITE_ROW);
    char want[64];
    snprintf(want, sizeof want, "1 rows\n%d:%s\n", VT_DATE, sqlite3_column_text(q, 0));
    assert_true(sqlite3_column_int(q, 1) > 5);
    assert_string_equal(a, want);
    free(a);
    sqlite3_finalize(q);
    sqlite3_close(db);

    pv[0] = T("nope");
    a = run(fh, rep, 3, pv);                   /* min over nothing: none */
    snprintf(want, sizeof want, "1 rows\n%d:none\n", VT_NONE);
    assert_string_equal(a, want);
    free(a);
    a = run(fh, rep, 2, (vouch_value[]){T("nope"), T("C0"), T("scan"), vouch_date(0)});
    snprintf(want, sizeof want, "1 rows\n%d:0\n", VT_INT);
    assert_string_equal(a, want);
    free(a);

    /* Rebinding starts over and gives the same answers. */
    vouch_error err;
    assert_ok(vouch_facts_bind(fh, rep, VOUCH_AS_OF_ANY, &err), err);
    char *h = grid(fh, rep, 0), *s = grid(fs, rep, 0);
    assert_string_equal(h, s);
    free(h);
    free(s);

    vouch_facts_close(fh);
    vouch_facts_close(fs);
    vouch_facts_close(fo);
    vouch_program_free(rep);
    vouch_program_free(once);
}

/* ---- every way of answering gives the same answers ------------------------ */

static vouch_facts *open_with(const char *path, const vouch_program *p, int hash, int cache,
                              size_t mmap_bytes, uint64_t switch_ns)
{
    vouch_facts *f = NULL;
    vouch_error err;
    vouch_facts_options o;
    vouch_facts_options_default(&o);
    o.hash = hash;
    o.cache = cache;
    o.mmap_bytes = mmap_bytes;
    o.switch_ns = switch_ns;
    assert_ok(vouch_facts_open(path, &f, &err), err);
    vouch_facts_set_options(f, &o);
    assert_ok(vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err), err);
    return f;
}

/* The compare plans answered by SQL with and without the result cache, by
 * hash indexes taken up in the middle of the run (switch_ns 1: after the
 * first probe step), with no memory map, and by hash indexes from the
 * start: all give what the hash indexes of the store without indexes give,
 * and so does every seek asked a second time (answered from the cache). */
static void test_options_agree(void **state)
{
    const char *noidx = tpath("noidx2.db"), *idx = tpath("idx2.db");
    make_store(noidx, 0);
    make_store(idx, 1);
    vouch_program *rep = make_program();
    add_compare_plans(rep, 1);
    static const struct { int idx, hash, cache; size_t mmap; uint64_t sw; } v[] = {
        {1, VOUCH_HASH_NEVER, 0, 1 << 20, 0},  {1, VOUCH_HASH_NEVER, 1, 1 << 20, 0},
        {1, VOUCH_HASH_AUTO, 1, 1 << 20, 0},   {1, VOUCH_HASH_AUTO, 1, 1 << 20, 1},
        {1, VOUCH_HASH_AUTO, 0, 1 << 20, 1},   {1, VOUCH_HASH_NOINDEX, 1, 0, 0},
        {0, VOUCH_HASH_NEVER, 1, 0, 0},        {0, VOUCH_HASH_AUTO, 0, 1 << 20, 0},
    };
    enum { NV = sizeof v / sizeof *v };
    vouch_facts *ref = open_with(noidx, rep, VOUCH_HASH_AUTO, 1, 1 << 20, 0);
    vouch_facts *f[NV];
    for (int k = 0; k < NV; k++)
        f[k] = open_with(v[k].idx ? idx : noidx, rep, v[k].hash, v[k].cache, v[k].mmap, v[k].sw);
    for (uint32_t i = 0; i < NPLANS; i++) {
        char *want = grid(ref, rep, i);
        for (int k = 0; k < NV; k++)
            for (int pass = 0; pass < 2; pass++) {
                char *got = grid(f[k], rep, i);
                if (strcmp(want, got) != 0) {
                    size_t at = 0;
                    while (want[at] && want[at] == got[at])
                        at++;
                    size_t from = at > 200 ? at - 200 : 0;
                    fail_msg("plan %u, variant %d, pass %d (%s) differs at %zu:\nwant: %.400s\n"
                             "got:  %.400s", i, k, pass, vouch_facts_describe(f[k], i), at,
                             want + from, got + from);
                }
                free(got);
            }
        free(want);
    }
    vouch_facts_stats st;
    for (int k = 0; k < NV; k++) {
        vouch_facts_get_stats(f[k], &st);
        if (v[k].cache && v[k].hash == VOUCH_HASH_NEVER)
            assert_true(st.cache_hits > 100);     /* the second passes */
        if (!v[k].cache)
            assert_int_equal(st.cache_hits, 0);
        if (v[k].sw) {                            /* every plan moved to its hash index */
            assert_true(st.hash_switched > 0);
            for (uint32_t i = 0; i < NPLANS; i++)
                assert_int_equal(strncmp(vouch_facts_describe(f[k], i), "hash: ", 6), 0);
        }
        if (v[k].hash == VOUCH_HASH_NEVER || (v[k].idx && v[k].hash == VOUCH_HASH_NOINDEX)) {
            assert_int_equal(st.hash_builds, 0);
            for (uint32_t i = 0; i < NPLANS; i++)
                assert_int_equal(strncmp(vouch_facts_describe(f[k], i), "sql: ", 5), 0);
        }
        vouch_facts_close(f[k]);
    }
    vouch_facts_close(ref);
    vouch_program_free(rep);
}

/* ---- the as-of bound: rows dated after it are seen by no path ------------- */

static vouch_facts *open_as_of(const char *path, const vouch_program *p, int hash, int cache, uint64_t switch_ns,
                               int64_t as_of)
{
    vouch_facts *f = NULL;
    vouch_error err;
    vouch_facts_options o;
    vouch_facts_options_default(&o);
    o.hash = hash;
    o.cache = cache;
    o.switch_ns = switch_ns;
    assert_ok(vouch_facts_open(path, &f, &err), err);
    vouch_facts_set_options(f, &o);
    assert_ok(vouch_facts_bind(f, p, as_of, &err), err);
    return f;
}

/* The compare plans over evidence dated by collected_on, bound as of
 * 2026-01-15 and answered every way (statements with and without an index
 * and the cache, hash indexes from the start and taken up mid-run, plans
 * repeated or not): each answer equals that of an undated program over a
 * copy of the store from which the later rows were deleted. The same
 * dated program bound with no as-of sees the later rows (so the test can
 * fail), and a bind on a later as-of sees them again. */
static void test_as_of_bound(void **state)
{
    const char *noidx = tpath("asof-noidx.db"), *idx = tpath("asof-idx.db"), *cut = tpath("asof-cut.db");
    make_store(noidx, 0);
    make_store(idx, 1);
    make_store(cut, 0);
    exec_sql(cut, "DELETE FROM evidence WHERE collected_on > '2026-01-15'");
    int64_t as_of = D("2026-01-15");
    vouch_program *rep = make_program(), *once = make_program(), *plain = make_program();
    rep->tables[EV].dated = E_ON + 1;
    once->tables[EV].dated = E_ON + 1;
    add_compare_plans(rep, 1);
    add_compare_plans(once, 0);
    add_compare_plans(plain, 1);
    static const struct { int idx, hash, cache, once; uint64_t sw; } v[] = {
        {0, VOUCH_HASH_AUTO, 1, 0, 0},  {1, VOUCH_HASH_NEVER, 0, 0, 0}, {1, VOUCH_HASH_NEVER, 1, 0, 0},
        {1, VOUCH_HASH_AUTO, 1, 0, 1},  {1, VOUCH_HASH_NOINDEX, 1, 0, 0}, {0, VOUCH_HASH_NEVER, 1, 1, 0},
        {1, VOUCH_HASH_AUTO, 1, 1, 0},
    };
    enum { NV = sizeof v / sizeof *v };
    vouch_facts *ref = open_as_of(cut, plain, VOUCH_HASH_NEVER, 0, 0, VOUCH_AS_OF_ANY);
    vouch_facts *all = open_as_of(noidx, rep, VOUCH_HASH_NEVER, 0, 0, VOUCH_AS_OF_ANY);
    vouch_facts *f[NV];
    for (int k = 0; k < NV; k++)
        f[k] = open_as_of(v[k].idx ? idx : noidx, v[k].once ? once : rep, v[k].hash, v[k].cache, v[k].sw, as_of);
    assert_non_null(strstr(vouch_facts_describe(f[1], 0), "date(\"collected_on\")"));
    assert_null(strstr(vouch_facts_describe(all, 0), "date(\"collected_on\")"));
    int differs = 0;
    for (uint32_t i = 0; i < NPLANS; i++) {
        char *want = grid(ref, plain, i);
        char *seen = grid(all, rep, i);
        differs += strcmp(want, seen) != 0;
        free(seen);
        for (int k = 0; k < NV; k++)
            for (int pass = 0; pass < 2; pass++) {
                char *got = grid(f[k], v[k].once ? once : rep, i);
                if (strcmp(want, got) != 0) {
                    size_t at = 0;
                    while (want[at] && want[at] == got[at])
                        at++;
                    size_t from = at > 200 ? at - 200 : 0;
                    fail_msg("as-of: plan %u, variant %d, pass %d (%s) differs at %zu:\nwant: %.400s\n"
                             "got:  %.400s", i, k, pass, vouch_facts_describe(f[k], i), at, want + from,
                             got + from);
                }
                free(got);
            }
        free(want);
    }
    assert_true(differs >= 8);   /* most plans see some later row when unbounded */
    vouch_facts_stats st;
    vouch_facts_get_stats(f[0], &st);
    assert_true(st.hash_builds > 0);
    vouch_facts_get_stats(f[3], &st);
    assert_true(st.hash_switched > 0);
    /* a later as-of on the same connection sees the later rows again */
    vouch_error err;
    assert_ok(vouch_facts_bind(f[1], rep, D("2027-01-01"), &err), err);
    assert_int_equal(vouch_facts_as_of(f[1]), D("2027-01-01"));
    for (uint32_t i = 0; i < NPLANS; i++) {
        char *a = grid(all, rep, i), *b = grid(f[1], rep, i);
        assert_string_equal(a, b);
        free(a);
        free(b);
    }
    /* an as-of outside years 1..9999 is refused */
    assert_int_equal(vouch_facts_bind(f[1], rep, D("9999-12-31") + 1, &err), VOUCH_EINPUT);
    for (int k = 0; k < NV; k++)
        vouch_facts_close(f[k]);
    vouch_facts_close(ref);
    vouch_facts_close(all);
    vouch_program_free(rep);
    vouch_program_free(once);
    vouch_program_free(plain);
}

/* Hash index filters on compact columns: a date ordering, a bool, a text
 * != and an enum == on rows sorted by an int; and a text sort column with
 * ranges answered by binary search. Each against the same plans by SQL. */
static void test_hash_codes(void **state)
{
    const char *noidx = tpath("noidx3.db");
    make_store(noidx, 0);
    vouch_program *p = make_program();
    uint32_t a = add_plan(p, EV, PLAN_ROWS, 1, 0,
                          TERMS(B(E_FW, CMP_EQ, 0), B(E_SCORE, CMP_GE, 1), B(E_ON, CMP_GE, 2),
                                K(E_OK, CMP_EQ, 3), B(E_KIND, CMP_NE, 4), K(E_RESULT, CMP_EQ, 5)),
                          COLS(E_ID, E_SCORE, E_ON, E_OK, E_KIND));
    uint32_t b = add_plan(p, EV, PLAN_ROWS, 1, 0,
                          TERMS(B(E_CTL, CMP_EQ, 0), B(E_KIND, CMP_GT, 1), B(E_KIND, CMP_LE, 2),
                                B(E_ON, CMP_LT, 3)),
                          COLS(E_ID, E_KIND));
    uint32_t c = add_plan(p, EV, PLAN_COUNT, 1, 0,
                          TERMS(B(E_FW, CMP_EQ, 0), B(E_SCORE, CMP_LT, 1), B(E_OK, CMP_GE, 2),
                                B(E_ASSET, CMP_NE, 3)), NOCOLS);
    vouch_facts *fh = open_with(noidx, p, VOUCH_HASH_AUTO, 0, 1 << 20, 0);
    vouch_facts *fs = open_with(noidx, p, VOUCH_HASH_NEVER, 0, 1 << 20, 0);
    assert_int_equal(strncmp(vouch_facts_describe(fh, a), "hash: evidence(framework) sorted by score", 41), 0);
    assert_non_null(strstr(vouch_facts_describe(fh, a),
                           "filtering collected_on >=, ok ==, kind !=, result =="));
    assert_non_null(strstr(vouch_facts_describe(fh, c), "filtering ok >=, asset !="));
    assert_int_equal(strncmp(vouch_facts_describe(fh, b), "hash: evidence(control) sorted by kind", 38), 0);
    static const char *fws[] = {"F0", "F1", "F2", "nope"};
    static const char *kinds[] = {"", "review", "scan", "test", "zz", "unseen"};
    static const char *days[] = {"2025-05-01", "2025-09-30", "2026-01-01", "2027-01-01"};
    for (int i = 0; i < 4; i++)
        for (int k = 0; k < 6; k++)
            for (int d = 0; d < 4; d++)
                for (int n = 0; n < 3; n++) {
                    vouch_value pa[6] = {T(fws[i]), n == 2 ? vouch_none() : vouch_int(3 * n + d),
                                         vouch_date(D(days[d])), vouch_bool((k + n) & 1),
                                         T(kinds[k]), T(n ? "pass" : "fail")};
                    char ctl[8];
                    snprintf(ctl, sizeof ctl, "C%d", i + n);
                    vouch_value pb[4] = {T(ctl), T(kinds[k]), T(kinds[(k + d) % 6]),
                                         vouch_date(D(days[d]))};
                    vouch_value pc[4] = {T(fws[i]), vouch_int(k + d), vouch_bool(n & 1),
                                         n == 2 ? vouch_none() : T(n ? "A1" : "A4")};
                    const vouch_value *pp[3] = {pa, pb, pc};
                    uint32_t pl[3] = {a, b, c};
                    for (int j = 0; j < 3; j++) {
                        char *h = run(fh, p, pl[j], pp[j]), *q = run(fs, p, pl[j], pp[j]);
                        if (strcmp(h, q) != 0)
                            fail_msg("plan %u [%d %d %d %d]:\nhash: %s\nsql:  %s", pl[j], i, k, d, n,
                                     h, q);
                        free(h);
                        free(q);
                    }
                }
    vouch_facts_close(fh);
    vouch_facts_close(fs);
    vouch_program_free(p);
}

/* none in terms: == none matches absent values, != none present ones, an
 * ordering with none nothing; a required column never equals none. */
static void test_none_semantics(void **state)
{
    const char *path = tpath("none.db");
    make_store(path, 0);
    for (int repeated = 0; repeated < 2; repeated++) {
        vouch_program *p = make_program();
        uint32_t eq = add_plan(p, EV, PLAN_COUNT, repeated, 0,
                               TERMS(B(E_FW, CMP_EQ, 0), B(E_ASSET, CMP_EQ, 1)), NOCOLS);
        uint32_t ne = add_plan(p, EV, PLAN_COUNT, repeated, 0,
                               TERMS(B(E_FW, CMP_EQ, 0), B(E_ASSET, CMP_NE, 1)), NOCOLS);
        uint32_t lt = add_plan(p, EV, PLAN_COUNT, repeated, 0,
                               TERMS(B(E_FW, CMP_EQ, 0), B(E_SCORE, CMP_GE, 1)), NOCOLS);
        uint32_t req = add_plan(p, EV, PLAN_COUNT, repeated, 0,
                                TERMS(B(E_FW, CMP_EQ, 0), B(E_KIND, CMP_EQ, 1)), NOCOLS);
        uint32_t reqne = add_plan(p, EV, PLAN_COUNT, repeated, 0,
                                  TERMS(B(E_FW, CMP_EQ, 0), B(E_KIND, CMP_NE, 1)), NOCOLS);
        vouch_facts *f = open_bind(path, p);
        if (repeated)
            assert_int_equal(strncmp(vouch_facts_describe(f, eq), "hash", 4), 0);
        long long absent = query_int(path, "SELECT count(*) FROM evidence WHERE framework='F1' "
                                           "AND asset IS NULL");
        long long present = query_int(path, "SELECT count(*) FROM evidence WHERE "
                                            "framework='F1' AND asset IS NOT NULL");
        assert_true(absent > 0 && present > 0);
        char want[64];
        vouch_value pv[2] = {T("F1"), vouch_none()};
        char *a = run(f, p, eq, pv);
        snprintf(want, sizeof want, "1 rows\n%d:%lld\n", VT_INT, absent);
        assert_string_equal(a, want);
        free(a);
        a = run(f, p, ne, pv);
        snprintf(want, sizeof want, "1 rows\n%d:%lld\n", VT_INT, present);
        assert_string_equal(a, want);
        free(a);
        a = run(f, p, lt, pv);
        snprintf(want, sizeof want, "1 rows\n%d:0\n", VT_INT);
        assert_string_equal(a, want);
        free(a);
        a = run(f, p, req, pv);
        assert_string_equal(a, want);
        free(a);
        a = run(f, p, reqne, pv);   /* every F1 row: kind is never none */
        snprintf(want, sizeof want, "1 rows\n%d:%lld\n", VT_INT, absent + present);
        assert_string_equal(a, want);
        free(a);
        vouch_facts_close(f);
        vouch_program_free(p);
    }
}

/* A seek's parameters may die right after the seek: the store copies them. */
static void test_params_copied(void **state)
{
    const char *path = tpath("copy.db");
    make_store(path, 0);
    for (int repeated = 0; repeated < 2; repeated++) {
        vouch_program *p = make_program();
        uint32_t pl = add_plan(p, EV, PLAN_ROWS, repeated, 0,
                               TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1),
                                     B(E_ASSET, CMP_NE, 2)), COLS(E_ID));
        vouch_facts *f = open_bind(path, p);
        vouch_error err;
        char fw[8] = "F2", ctl[8] = "C3", as[8] = "A2";
        vouch_value pv[3] = {T(fw), T(ctl), T(as)};
        assert_ok(vouch_facts_seek(f, pl, pv, &err), err);
        strcpy(fw, "XX");
        strcpy(ctl, "YY");
        strcpy(as, "ZZ");
        int has, n = 0;
        for (;;) {
            assert_ok(vouch_facts_next(f, pl, &has, &err), err);
            if (!has)
                break;
            n++;
        }
        long long want = query_int(path, "SELECT count(*) FROM evidence WHERE framework='F2' AND "
                                         "control='C3' AND asset IS NOT 'A2'");
        assert_int_equal(n, want);
        assert_true(n > 0);
        /* reset releases; a column read then is an error, not a crash */
        vouch_facts_reset(f, pl);
        vouch_value v;
        assert_int_equal(vouch_facts_column(f, pl, 0, &v, &err), VOUCH_ERUNTIME);
        vouch_facts_close(f);
        vouch_program_free(p);
    }
}

static void test_open_errors(void **state)
{
    vouch_facts *f = NULL;
    vouch_error err;
    const char *missing = tpath("missing.db");
    assert_int_equal(vouch_facts_open(missing, &f, &err), VOUCH_EINPUT);
    assert_null(f);
    assert_contains(err.msg, "cannot open facts store");
    assert_contains(err.msg, missing);
    assert_contains(err.msg, "no such file");
    assert_false(exists(missing));   /* SQLite did not create it */

    const char *junk = tpath("junk.db");
    const char text[] = "framework,control\nnot,a database at all, just text\n";
    char big[8192];
    for (size_t i = 0; i < sizeof big; i++)
        big[i] = text[i % (sizeof text - 1)];
    write_file(junk, big, sizeof big);
    assert_int_equal(vouch_facts_open(junk, &f, &err), VOUCH_EINPUT);
    assert_contains(err.msg, junk);
    assert_contains(err.msg, "not a SQLite database");

    const char *empty = tpath("empty.db");
    write_file(empty, "", 0);
    assert_int_equal(vouch_facts_open(empty, &f, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "empty");

    assert_int_equal(vouch_facts_open(tmpdir, &f, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "directory");
}

static void test_schema_errors(void **state)
{
    vouch_facts *f;
    vouch_error err;
    vouch_program *p = make_program();
    add_plan(p, SOA, PLAN_ROWS, 0, 0, TERMS(K(S_APPLICABLE, CMP_EQ, 0)), COLS(S_FW));

    /* no soa table */
    const char *path = tpath("schema1.db");
    unlink(path);
    exec_sql(path, "CREATE TABLE evidence(id INTEGER PRIMARY KEY)");
    assert_ok(vouch_facts_open(path, &f, &err), err);
    assert_int_equal(vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "`soa`");
    assert_contains(err.msg, "vouch load");
    assert_string_equal(vouch_facts_describe(f, 0), "unbound");
    vouch_facts_close(f);

    /* soa lacks a declared column */
    path = tpath("schema2.db");
    unlink(path);
    exec_sql(path, "CREATE TABLE soa(framework TEXT, control TEXT, applicable INTEGER)");
    assert_ok(vouch_facts_open(path, &f, &err), err);
    assert_int_equal(vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "`soa`");
    assert_contains(err.msg, "`justification`");
    assert_contains(err.msg, "vouch load");
    vouch_facts_close(f);

    /* extra columns in the store are fine, and names match case-insensitively */
    path = tpath("schema3.db");
    unlink(path);
    exec_sql(path, "CREATE TABLE soa(Framework TEXT, control TEXT, applicable INTEGER,"
                   " justification TEXT, extra BLOB); INSERT INTO soa VALUES"
                   " ('F','C',1,NULL,x'00')");
    f = open_bind(path, p);
    char *a = run(f, p, 0, (vouch_value[]){vouch_bool(1)});
    char want[64];
    snprintf(want, sizeof want, "1 rows\n%d:F\n", VT_TEXT);
    assert_string_equal(a, want);
    free(a);
    vouch_facts_close(f);
    vouch_program_free(p);
}

/* A fact that is a view over a query that never ends: the first read of
 * it, the check of its stored values at bind (facts_check.h), stops at the
 * SQLite step budget (VOUCH_ERUNTIME) or at the deadline (VOUCH_EINPUT),
 * naming the table, instead of spinning in sqlite3_step. */
static void test_sql_limits(void **state)
{
    vouch_facts *f;
    vouch_error err;
    vouch_program *p = make_program();
    add_plan(p, SOA, PLAN_ROWS, 0, 0, TERMS(K(S_APPLICABLE, CMP_EQ, 0)), COLS(S_FW));
    const char *path = tpath("endless.db");
    unlink(path);
    exec_sql(path, "CREATE VIEW soa AS WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 "
                   "FROM c) SELECT 'F' AS framework, 'C' AS control, 1 AS applicable, NULL AS "
                   "justification FROM c WHERE x < 0");
    assert_ok(vouch_facts_open(path, &f, &err), err);
    vouch_facts_set_limits(f, 100000, 0, 0);
    assert_int_equal(vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err), VOUCH_ERUNTIME);
    assert_contains(err.msg, "checking the values of `soa`");
    assert_contains(err.msg, "step budget of 100000 SQLite instructions exhausted");
    vouch_facts_close(f);
    /* the deadline, with the default budget (which would take minutes) */
    assert_ok(vouch_facts_open(path, &f, &err), err);
    uint64_t t0 = vouch_clock_ns();
    vouch_facts_set_limits(f, 0, t0 + 200000000u, 1);
    assert_int_equal(vouch_facts_bind(f, p, VOUCH_AS_OF_ANY, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "time limit of 1 s");
    assert_true(vouch_clock_ns() - t0 < 5000000000u);
    vouch_facts_close(f);
    vouch_program_free(p);
}

/* Stored values that do not fit the declared type are errors naming the
 * table, column and row (and the value), on both paths. */
static void test_bad_stored_values(void **state)
{
    const char *path = tpath("bad.db");
    unlink(path);
    exec_sql(path, EV_SCHEMA);
    exec_sql(path, "INSERT INTO evidence VALUES (1,'F','C','k','2026-01-05',NULL,'pass',1,1,NULL);"
                   "INSERT INTO evidence VALUES (2,'F','C','k','2026-13-01',NULL,'pass',2,1,NULL);"
                   "INSERT INTO evidence VALUES (3,'G','C','k','2026-01-05',NULL,'pass','abc',1,NULL);"
                   "INSERT INTO evidence VALUES (4,'H','C','k','2026-01-05',NULL,'maybe',1,1,NULL);"
                   "INSERT INTO evidence VALUES (5,'I','C','k','2026-01-05',NULL,'pass',1,7,NULL);");
    for (int repeated = 0; repeated < 2; repeated++) {
        vouch_program *p = make_program();
        uint32_t on = add_plan(p, EV, PLAN_ROWS, repeated, 0, TERMS(B(E_FW, CMP_EQ, 0)),
                               COLS(E_ON));
        uint32_t sc = add_plan(p, EV, PLAN_ROWS, repeated, 0,
                               TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1)), COLS(E_SCORE));
        /* (a hash index converts every row its scan covers, so each of
         * these has its own key, hence its own scan) */
        uint32_t rs = add_plan(p, EV, PLAN_ROWS, repeated, 0, TERMS(B(E_CTL, CMP_EQ, 0)),
                               COLS(E_RESULT));
        uint32_t ok = add_plan(p, EV, PLAN_ROWS, repeated, 0, TERMS(B(E_KIND, CMP_EQ, 0)),
                               COLS(E_OK));
        vouch_facts *f = open_bind(path, p);
        vouch_error err;
        vouch_value v;
        int has = 0;
        vouch_status s;

        /* date */
        s = vouch_facts_seek(f, on, (vouch_value[]){T("F")}, &err);
        while (s == VOUCH_OK && (s = vouch_facts_next(f, on, &has, &err)) == VOUCH_OK && has)
            s = vouch_facts_column(f, on, 0, &v, &err);
        assert_int_equal(s, VOUCH_ERUNTIME);
        assert_contains(err.msg, "evidence.collected_on");
        assert_contains(err.msg, "2026-13-01");
        assert_contains(err.msg, "rowid 2");
        /* a table with bad values is read through SQL only, even where a
         * hash index would serve: no rule trips on a value only another
         * rule reads (facts.h) */
        assert_true(strncmp(vouch_facts_describe(f, on), "sql:", 4) == 0);
        {
            char msg[512];
            assert_int_equal(vouch_facts_rule_problem(f, 0, msg, sizeof msg), 1);
            assert_contains(msg, "evidence (id = 2): collected_on holds `2026-13-01`");
            /* (the first plan of rule 0 reads framework and collected_on:
             * the other bad values are in columns it does not read) */
            assert_null(strstr(msg, "more bad value"));
        }
        /* text in an int column */
        s = vouch_facts_seek(f, sc, (vouch_value[]){T("G"), T("C")}, &err);
        while (s == VOUCH_OK && (s = vouch_facts_next(f, sc, &has, &err)) == VOUCH_OK && has)
            s = vouch_facts_column(f, sc, 0, &v, &err);
        assert_int_equal(s, VOUCH_ERUNTIME);
        assert_contains(err.msg, "evidence.score");
        assert_contains(err.msg, "abc");
        assert_contains(err.msg, "rowid 3");
        /* not an enum member */
        s = vouch_facts_seek(f, rs, (vouch_value[]){T("C")}, &err);
        while (s == VOUCH_OK && (s = vouch_facts_next(f, rs, &has, &err)) == VOUCH_OK && has)
            s = vouch_facts_column(f, rs, 0, &v, &err);
        assert_int_equal(s, VOUCH_ERUNTIME);
        assert_contains(err.msg, "evidence.result");
        assert_contains(err.msg, "maybe");
        /* a bool that is not 0/1 */
        s = vouch_facts_seek(f, ok, (vouch_value[]){T("k")}, &err);
        while (s == VOUCH_OK && (s = vouch_facts_next(f, ok, &has, &err)) == VOUCH_OK && has)
            s = vouch_facts_column(f, ok, 0, &v, &err);
        assert_int_equal(s, VOUCH_ERUNTIME);
        assert_contains(err.msg, "evidence.ok");
        vouch_facts_close(f);
        vouch_program_free(p);
    }
}

/* Enum values come back as the program's own member strings, and stored
 * integers in int columns written as text are converted; but such a store
 * (columns without affinity) is flagged by the value check, since a term
 * inside SQLite would compare '7' and 7 as different. */
static void test_conversions(void **state)
{
    const char *path = tpath("conv.db");
    unlink(path);
    exec_sql(path, "CREATE TABLE evidence(id, framework, control, kind, collected_on, asset,"
                   " result, score, ok, every);"
                   "INSERT INTO evidence VALUES ('7','F','C','k','2026-01-05',NULL,'fail','-12',"
                   "'1','30')");
    for (int repeated = 0; repeated < 2; repeated++) {
        vouch_program *p = make_program();
        uint32_t pl = add_plan(p, EV, PLAN_ROWS, repeated, 0, TERMS(B(E_FW, CMP_EQ, 0)),
                               COLS(E_ID, E_RESULT, E_SCORE, E_OK, E_EVERY, E_ON, E_ASSET));
        vouch_facts *f = open_bind(path, p);
        vouch_error err;
        int has;
        vouch_value v;
        assert_ok(vouch_facts_seek(f, pl, (vouch_value[]){T("F")}, &err), err);
        assert_ok(vouch_facts_next(f, pl, &has, &err), err);
        assert_int_equal(has, 1);
        assert_ok(vouch_facts_column(f, pl, 0, &v, &err), err);
        assert_int_equal(v.type, VT_INT);
        assert_int_equal(v.u.i, 7);
        assert_ok(vouch_facts_column(f, pl, 1, &v, &err), err);
        assert_int_equal(v.type, VT_TEXT);
        assert_ptr_equal(v.u.s, p->enums[0].values[1]);
        assert_ok(vouch_facts_column(f, pl, 2, &v, &err), err);
        assert_int_equal(v.u.i, -12);
        assert_ok(vouch_facts_column(f, pl, 3, &v, &err), err);
        assert_int_equal(v.type, VT_BOOL);
        assert_int_equal(v.u.i, 1);
        assert_ok(vouch_facts_column(f, pl, 4, &v, &err), err);
        assert_int_equal(v.type, VT_DUR);
        assert_int_equal(v.u.i, 30);
        assert_ok(vouch_facts_column(f, pl, 5, &v, &err), err);
        assert_int_equal(v.type, VT_DATE);
        assert_int_equal(v.u.i, D("2026-01-05"));
        assert_ok(vouch_facts_column(f, pl, 6, &v, &err), err);
        assert_int_equal(v.type, VT_NONE);
        assert_int_equal(vouch_facts_column(f, pl, 7, &v, &err), VOUCH_ERUNTIME);
        char msg[512];
        assert_int_equal(vouch_facts_rule_problem(f, 0, msg, sizeof msg), 1);
        assert_contains(msg, "evidence (id = `7`): id holds `7`, which is TEXT, but an int column holds INTEGER values");
        vouch_facts_close(f);
        vouch_program_free(p);
    }
}

/* ---- loading ---------------------------------------------------------------- */

static const char *HEADER = "id,framework,control,kind,collected_on,asset,result,score,ok,every\n";

static vouch_status load1(const char *db, const vouch_program *p, const char *csv,
                          vouch_error *err, int replace)
{
    const char *paths[1] = {csv};
    vouch_load_options opt = {0};
    opt.replace = replace;
    return vouch_facts_load(db, p, paths, 1, &opt, err);
}

static int temp_leftovers(void)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    int n = 0;
    while ((e = readdir(d)) != NULL)
        n += strstr(e->d_name, ".tmp-") != NULL;
    closedir(d);
    return n;
}

static void test_load_good(void **state)
{
    vouch_program *p = make_program();
    /* wants (control, framework): served by plan 1's index, made first */
    add_plan(p, EV, PLAN_COUNT, 1, 0, TERMS(B(E_CTL, CMP_EQ, 0), B(E_FW, CMP_EQ, 1)), NOCOLS);
    add_plan(p, EV, PLAN_EXISTS, 1, 0,
             TERMS(B(E_FW, CMP_EQ, 0), B(E_CTL, CMP_EQ, 1), K(E_RESULT, CMP_EQ, 2),
                   B(E_ON, CMP_GE, 3)), NOCOLS);
    add_plan(p, EV, PLAN_COUNT, 1, 0, TERMS(B(E_ASSET, CMP_EQ, 0)), NOCOLS);
    const char *db = tpath("load.db"), *csv = tpath("evidence.csv");
    unlink(db);
    /* quoted fields with commas, doubled quotes and a line break; CRLF;
     * bools, durations, optional cells left empty; a BOM */
    const char text[] =
        "\xef\xbb\xbfid,framework,control,kind,collected_on,asset,result,score,ok,every\r\n"
        "1,F0,C0,\"review, \"\"quarterly\"\"\nsecond line\",2026-01-05,A1,pass,3,Yes,92d\r\n"
        "2,F0,C0,scan,2026-02-05,,fail,,no,2w\r\n"
        "\"3\",F1,\"C1\",scan,2024-02-29,A2,pass,-4,TRUE,5\r\n"
        "4,F1,C1,scan,2024-03-01,A2,pass,9223372036854775807,0,\r\n";
    write_file(csv, text, sizeof text - 1);
    vouch_error err;
    assert_ok(load1(db, p, csv, &err, 0), err);
    assert_true(exists(db));
    assert_int_equal(temp_leftovers(), 0);
    assert_int_equal(query_int(db, "SELECT count(*) FROM evidence"), 4);
    assert_int_equal(query_int(db, "SELECT every FROM evidence WHERE id = 2"), 14);
    assert_int_equal(query_int(db, "SELECT every FROM evidence WHERE id = 1"), 92);
    assert_int_equal(query_int(db, "SELECT every FROM evidence WHERE id = 3"), 5);
    assert_int_equal(query_int(db, "SELECT every IS NULL FROM evidence WHERE id = 4"), 1);
    assert_int_equal(query_int(db, "SELECT sum(ok) FROM evidence"), 2);
    assert_int_equal(query_int(db, "SELECT asset IS NULL AND score IS NULL FROM evidence "
                                   "WHERE id = 2"), 1);
    assert_int_equal(query_int(db, "SELECT kind = 'review, \"quarterly\"' || char(10) || "
                                   "'second line' FROM evidence WHERE id = 1"), 1);
    assert_int_equal(query_int(db, "SELECT collected_on = '2024-02-29' FROM evidence "
                                   "WHERE id = 3"), 1);
    assert_int_equal(query_int(db, "SELECT score FROM evidence WHERE id = 4"), INT64_MAX);
    /* the created table has the declared key and checks */
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE sql LIKE "
                                   "'%CHECK(\"result\" IN (''pass'', ''fail''))%'"), 1);
    /* the repeated plans' indexes, then ANALYZE */
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = "
                                   "'vouch_evidence_framework_control_collected_on'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = "
                                   "'vouch_evidence_asset'"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name = "
                                   "'sqlite_stat1'"), 1);
    /* ... which make those plans SQL index seeks */
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE type = 'index'"
                                   " AND name LIKE 'vouch_%'"), 2);
    vouch_facts *f = open_bind(db, p);
    for (uint32_t i = 0; i < 3; i++)
        assert_int_equal(strncmp(vouch_facts_describe(f, i), "sql: ", 5), 0);
    char *a = run(f, p, 1, (vouch_value[]){T("F0"), T("C0"), T("pass"), vouch_date(D("2026-01-01"))});
    assert_string_equal(a, "1 rows\nexists\n");
    free(a);
    vouch_facts_close(f);

    /* loading again: the same keys are duplicates ... */
    uint64_t before = file_sum(db);
    assert_int_equal(load1(db, p, csv, &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "evidence.csv:2: error: duplicate key (id = 1)");
    assert_int_equal(file_sum(db), before);
    /* ... unless the table is replaced, in the same transaction */
    const char text2[] = "id,framework,control,kind,collected_on,result,ok\n"
                         "1000,F9,C9,scan,2026-01-05,pass,1\n";
    write_file(csv, text2, sizeof text2 - 1);
    assert_ok(load1(db, p, csv, &err, 1), err);
    assert_int_equal(query_int(db, "SELECT count(*) FROM evidence"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM sqlite_master WHERE name LIKE "
                                   "'vouch_evidence_%'"), 2);
    /* a store made elsewhere whose index already serves gets no second one */
    const char *db2 = tpath("load2.db");
    make_store(db2, 1);
    write_file(csv, text2, sizeof text2 - 1);
    assert_ok(load1(db2, p, csv, &err, 0), err);
    assert_int_equal(query_int(db2, "SELECT count(*) FROM sqlite_master WHERE name = "
                                    "'vouch_evidence_framework_control_collected_on'"), 0);
    assert_int_equal(query_int(db2, "SELECT count(*) FROM sqlite_master WHERE name = "
                                    "'vouch_evidence_asset'"), 1);
    assert_int_equal(query_int(db2, "SELECT count(*) FROM evidence"), 601);
    vouch_program_free(p);
}

/* One bad cell per case, after a good row: FILE:ROW:COL and the problem. */
static void test_load_bad_cells(void **state)
{
    static const struct { const char *row; const char *want; } cases[] = {
        {"12x,F,C,k,2026-01-01,,pass,,1,", "evidence.csv:3:1: error: column `id`: `12x` is not an integer"},
        {"99999999999999999999,F,C,k,2026-01-01,,pass,,1,", "evidence.csv:3:1: error: column `id`: 99999999999999999999 is out of range"},
        {"5,F,C,k,2026-01-01,,pass,,maybe,", "evidence.csv:3:9: error: column `ok`: `maybe` is not a bool"},
        {"5,F,C,k,2026-02-30,,pass,,1,", "evidence.csv:3:5: error: column `collected_on`: `2026-02-30` is not a date"},
        {"5,F,C,k,2026-2-01,,pass,,1,", "evidence.csv:3:5: error: column `collected_on`: `2026-2-01` is not a date"},
        {"5,F,C,k,2026-01-01,,pass,,1,3m", "evidence.csv:3:10: error: column `every`: `3m` is not a duration"},
        {"5,F,C,k,2026-01-01,,passed,,1,", "evidence.csv:3:7: error: column `result`: `passed` is not one of: pass, fail"},
        {"5,F,C,k\xff,2026-01-01,,pass,,1,", "evidence.csv:3:4: error: column `kind`: is not valid UTF-8 at byte 2"},
        {"5,F,C,k\xc0\xaf,2026-01-01,,pass,,1,", "evidence.csv:3:4: error: column `kind`: is not valid UTF-8"},
        {"5,,C,k,2026-01-01,,pass,,1,", "evidence.csv:3:2: error: column `framework`: empty, but the column is required"},
        {"5,F,C,k,2026-01-01,,pass,,1", "evidence.csv:3:10: error: 9 fields, but the header has 10"},
        {"5,F,C,\"k,2026-01-01,,pass,,1,", "evidence.csv:3:4: error: quoted field never closed"},
        {"5,F,C,\"k\"x,2026-01-01,,pass,,1,", "evidence.csv:3:4: error: unexpected `x` after a closing quote"},
        {"5,F,C,k\"x,2026-01-01,,pass,,1,", "evidence.csv:3:4: error: `\"` inside an unquoted field"},
        {"2,F,C,k,2026-01-01,,pass,,1,", "evidence.csv:3: error: duplicate key (id = 2)"},
        {"1,F,C,k,2026-01-01,,pass,,1,", NULL},   /* in the store already: existing only */
    };
    vouch_program *p = make_program();
    const char *db = tpath("cells.db"), *csv = tpath("evidence.csv"), *fresh = tpath("fresh.db");
    unlink(db);
    char good[256];
    snprintf(good, sizeof good, "%s1,F,C,k,2026-01-01,,pass,,1,\n", HEADER);
    write_file(csv, good, strlen(good));
    vouch_error err;
    assert_ok(load1(db, p, csv, &err, 0), err);
    uint64_t before = file_sum(db);
    for (size_t i = 0; i < sizeof cases / sizeof *cases; i++) {
        char text[512];
        snprintf(text, sizeof text, "%s2,F,C,k,2026-01-01,,pass,,1,\n%s\n", HEADER, cases[i].row);
        write_file(csv, text, strlen(text));
        /* into the existing store: nothing changes, not even the good row */
        assert_int_equal(load1(db, p, csv, &err, 0), VOUCH_EINPUT);
        assert_contains(err.msg, cases[i].want ? cases[i].want
                                               : "evidence.csv:3: error: duplicate key (id = 1): an "
                                                 "earlier row or the store has the same key");
        assert_int_equal(file_sum(db), before);
        assert_int_equal(query_int(db, "SELECT count(*) FROM evidence"), 1);
        if (!cases[i].want)
            continue;
        /* into a new store: no file is left behind */
        unlink(fresh);
        assert_int_equal(load1(fresh, p, csv, &err, 0), VOUCH_EINPUT);
        assert_contains(err.msg, cases[i].want);
        assert_false(exists(fresh));
        assert_int_equal(temp_leftovers(), 0);
    }
    /* a NUL byte in a cell */
    char nul[256];
    int n = snprintf(nul, sizeof nul, "%s5,F,C,kX,2026-01-01,,pass,,1,\n", HEADER);
    *strchr(nul + strlen(HEADER), 'X') = 0;
    write_file(csv, nul, (size_t)n);
    assert_int_equal(load1(db, p, csv, &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "evidence.csv:2:4: error: column `kind`: contains a NUL byte at byte 2");
    assert_int_equal(file_sum(db), before);
    vouch_program_free(p);
}

static void test_load_file_errors(void **state)
{
    vouch_program *p = make_program();
    const char *db = tpath("ferr.db");
    unlink(db);
    vouch_error err;

    /* unknown table: did you mean, and the declared list */
    const char *csv = tpath("evidnce.csv");
    write_file(csv, HEADER, strlen(HEADER));
    assert_int_equal(load1(db, p, csv, &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "evidnce.csv: error: no declared fact `evidnce`");
    assert_contains(err.msg, "did you mean `evidence.csv`?");
    assert_contains(err.msg, "(declared: evidence, soa)");
    assert_false(exists(db));

    /* unknown header column, twice a column, missing required column */
    csv = tpath("evidence.csv");
    const char h1[] = "id,framework,control,kind,colected_on,result,ok,ok\n";
    write_file(csv, h1, sizeof h1 - 1);
    assert_int_equal(load1(db, p, csv, &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "evidence.csv:1:5: error: `colected_on` is not a column of `evidence`; "
                             "did you mean `collected_on`?");
    assert_contains(err.msg, "evidence.csv:1:8: error: column `ok` appears twice");
    assert_contains(err.msg, "evidence.csv:1: error: required column `collected_on` of `evidence` is "
                             "missing");
    assert_false(exists(db));

    /* empty file */
    write_file(csv, "", 0);
    assert_int_equal(load1(db, p, csv, &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "evidence.csv:1: error: empty file");

    /* a missing file */
    assert_int_equal(load1(db, p, tpath("soa.csv"), &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "soa.csv: error: cannot read");
    assert_false(exists(db));

    /* many bad rows: stops at 20, says how many more */
    char text[8192];
    size_t at = (size_t)snprintf(text, sizeof text, "%s", HEADER);
    for (int i = 0; i < 40; i++)
        at += (size_t)snprintf(text + at, sizeof text - at, "%d,F,C,k,2026-01-%02d,,pass,,1,\n",
                               i + 1, 40 + i);
    write_file(csv, text, at);
    assert_int_equal(load1(db, p, csv, &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "evidence.csv:2:5: error: column `collected_on`: `2026-01-40`");
    assert_contains(err.msg, "more error");
    assert_true(strlen(err.msg) < sizeof err.msg);
    assert_false(exists(db));

    /* several files: one transaction; a bad second file undoes the first */
    const char *soa = tpath("soa.csv");
    const char s1[] = "framework,control,applicable,justification\nF,C,yes,\n";
    write_file(soa, s1, sizeof s1 - 1);
    const char e1[] = "id,framework,control,kind,collected_on,result,ok\n1,F,C,k,2026-01-01,nope,1\n";
    write_file(csv, e1, sizeof e1 - 1);
    const char *two[2] = {soa, csv};
    assert_int_equal(vouch_facts_load(db, p, two, 2, NULL, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "evidence.csv:2:6: error: column `result`");
    assert_false(exists(db));
    const char e2[] = "id,framework,control,kind,collected_on,result,ok\n1,F,C,k,2026-01-01,pass,1\n";
    write_file(csv, e2, sizeof e2 - 1);
    assert_ok(vouch_facts_load(db, p, two, 2, NULL, &err), err);
    assert_int_equal(query_int(db, "SELECT count(*) FROM soa"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM evidence"), 1);

    /* not a database */
    const char *junk = tpath("junk2.db");
    char big[4096];
    memset(big, 'x', sizeof big);
    write_file(junk, big, sizeof big);
    assert_int_equal(vouch_facts_load(junk, p, two, 2, NULL, &err), VOUCH_EINPUT);
    assert_contains(err.msg, "not a SQLite database");
    vouch_program_free(p);
}

/* ---- row sources: rows in memory, JSON, progress ---------------------------- */

static int progress_calls, progress_done;
static uint64_t progress_last;

static void count_progress(void *ctx, const char *table, uint64_t rows, int done)
{
    (void)ctx;
    assert_string_equal(table, "evidence");
    progress_calls++;
    progress_done += done;
    progress_last = rows;
}

/* Rows handed over in memory are checked like a file's, and a message
 * names them as their producer does; the progress callback sees every
 * 65536 rows and the end. */
static void test_load_rows(void **state)
{
    (void)state;
    vouch_program *p = make_program();
    const char *db = tpath("rows.db");
    unlink(db);
    vouch_error err;
    static const char *const cols[] = {"id", "framework", "control", "kind", "collected_on",
                                       "result", "ok", "every"};
    enum { NR = 70000, NC = 8 };
    const char **cells = calloc((size_t)NR * NC, sizeof *cells);
    char (*ids)[12] = calloc(NR, sizeof *ids);
    assert_non_null(cells);
    assert_non_null(ids);
    for (int r = 0; r < NR; r++) {
        snprintf(ids[r], sizeof ids[r], "%d", r + 1);
        const char *row[NC] = {ids[r], "F", "C", "k", "2026-01-05T23:30:00-05:00", "pass", "yes", NULL};
        memcpy(cells + (size_t)r * NC, row, sizeof row);
    }
    vouch_load_rows rows = {"evidence", "t.vouch:3: test \"x\"", NC, cols, NR, cells};
    vouch_load_input in = {NULL, NULL, &rows, NULL};
    vouch_load_options opt = {0};
    opt.progress = count_progress;
    progress_calls = progress_done = 0;
    assert_ok(vouch_facts_load_inputs(db, p, &in, 1, &opt, &err), err);
    assert_int_equal(progress_calls, 2);   /* at 65536, and the end */
    assert_int_equal(progress_done, 1);
    assert_int_equal(progress_last, NR);
    assert_int_equal(query_int(db, "SELECT count(*) FROM evidence WHERE collected_on = '2026-01-06'"), NR);
    unlink(db);

    /* a bad value: named by the rows' own words, and nothing written */
    cells[(size_t)4 * NC + 5] = "passed";
    rows.nrows = 5;
    assert_int_equal(vouch_facts_load_inputs(db, p, &in, 1, NULL, &err), VOUCH_EINPUT);
    assert_string_equal(err.msg, "t.vouch:3: test \"x\", evidence row 5: error: field `result`: "
                                 "`passed` is not one of: pass, fail");
    assert_false(exists(db));
    free(cells);
    free(ids);
    vouch_program_free(p);
}

/* JSON: values in their JSON types; the strictness that keeps a verdict
 * from turning on a guess; errors at line:column. */
static void test_load_json(void **state)
{
    (void)state;
    vouch_program *p = make_program();
    const char *db = tpath("json.db");
    unlink(db);
    vouch_error err;
    const char *path = tpath("evidence.json");
    const char good[] = "[{\"id\": 1, \"framework\": \"F\", \"control\": \"C\", \"kind\": \"k\",\n"
                        "  \"collected_on\": \"2026-01-05\", \"result\": \"pass\", \"ok\": true,\n"
                        "  \"every\": 14, \"score\": null},\n"
                        " {\"id\": 2, \"framework\": \"F\", \"control\": \"C\", \"kind\": \"k\",\n"
                        "  \"collected_on\": \"2026-01-06\", \"result\": \"fail\", \"ok\": false,\n"
                        "  \"every\": \"2w\"}]";
    write_file(path, good, sizeof good - 1);
    assert_int_equal(load1(db, p, path, &err, 0), VOUCH_OK);
    assert_int_equal(query_int(db, "SELECT sum(every) FROM evidence"), 28);
    assert_int_equal(query_int(db, "SELECT sum(ok) FROM evidence"), 1);
    assert_int_equal(query_int(db, "SELECT count(*) FROM evidence WHERE score IS NULL"), 2);

    const char bad[] = "[{\"id\": \"3\", \"framework\": \"F\", \"control\": \"C\", \"kind\": \"k\",\n"
                       "  \"collected_on\": \"2026-01-05\", \"result\": \"pass\", \"ok\": 1, \"x\": 2}]";
    write_file(path, bad, sizeof bad - 1);
    assert_int_equal(load1(db, p, path, &err, 0), VOUCH_EINPUT);
    assert_contains(err.msg, "evidence.json:2:60: error: `x` is not a field of `evidence`");
    assert_contains(err.msg, "evidence.json:1:3: error: field `id`: `\"3\"` is a string; an int field "
                             "takes a JSON number");
    assert_contains(err.msg, "evidence.json:2:51: error: field `ok`: `1` is a number; a bool field "
                             "takes JSON true or false");
    assert_int_equal(query_int(db, "SELECT count(*) FROM evidence"), 2);
    vouch_program_free(p);
}

/* ---- hash index at size ----------------------------------------------------
 * Many keys, big buckets, nones in the sort column, and a bound range that
 * hits bucket edges: the binary searches against a plain scan. */
static void test_hash_ranges(void **state)
{
    const char *path = tpath("ranges.db");
    unlink(path);
    exec_sql(path, "CREATE TABLE evidence(id INTEGER PRIMARY KEY, framework TEXT NOT NULL,"
                   " control TEXT NOT NULL, kind TEXT NOT NULL, collected_on TEXT NOT NULL,"
                   " asset TEXT, result TEXT NOT NULL, score INTEGER, ok INTEGER NOT NULL,"
                   " every INTEGER)");
    sqlite3 *db;
    sqlite3_stmt *st;
    assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
    sqlite3_exec(db, "BEGIN", NULL, NULL, NULL);
    sqlite3_prepare_v2(db, "INSERT INTO evidence VALUES (?,?,'C','k','2026-01-01',NULL,'pass',?,1,NULL)",
                       -1, &st, NULL);
    unsigned x = 12345;
    for (int i = 1; i <= 20000; i++) {
        char fw[16];
        x = x * 1103515245u + 12345u;
        snprintf(fw, sizeof fw, "F%u", (x >> 8) % 300);
        sqlite3_bind_int(st, 1, i);
        sqlite3_bind_text(st, 2, fw, -1, SQLITE_TRANSIENT);
        /* even keys: a wide span with negatives (several radix passes) */
        unsigned k = (x >> 8) % 300;
        long long mult = k % 2 ? 1 : 1000003, off = k % 3 ? 0 : -5000000000ll;
        if ((x >> 4) % 9 == 0)
            sqlite3_bind_null(st, 3);
        else
            sqlite3_bind_int64(st, 3, (long long)((x >> 12) % 50) * mult + off);
        sqlite3_step(st);
        sqlite3_reset(st);
    }
    sqlite3_finalize(st);
    sqlite3_exec(db, "COMMIT", NULL, NULL, NULL);
    sqlite3_close(db);

    vouch_program *rep = make_program(), *once = make_program();
    for (int r = 0; r < 2; r++) {
        vouch_program *p = r ? rep : once;
        add_plan(p, EV, PLAN_COUNT, r, 0,
                 TERMS(B(E_FW, CMP_EQ, 0), B(E_SCORE, CMP_GE, 1), B(E_SCORE, CMP_LT, 2)), NOCOLS);
        add_plan(p, EV, PLAN_MAX, r, E_ID,
                 TERMS(B(E_FW, CMP_EQ, 0), B(E_SCORE, CMP_GT, 1), B(E_SCORE, CMP_LE, 2)), NOCOLS);
    }
    vouch_facts *fh = open_bind(path, rep), *fs = open_bind(path, once);
    assert_int_equal(strncmp(vouch_facts_describe(fh, 0), "hash: evidence(framework) sorted by "
                                                         "score", 35), 0);
    for (int k = 0; k < 310; k += 7)
        for (int lo = -1; lo <= 51; lo += 4)
            for (int hi = lo - 1; hi <= 52; hi += 5) {
                char fw[16];
                snprintf(fw, sizeof fw, "F%d", k);
                long long mult = k % 2 ? 1 : 1000003, off = k % 3 ? 0 : -5000000000ll;
                vouch_value pv[3] = {T(fw), vouch_int(lo * mult + off), vouch_int(hi * mult + off)};
                for (uint32_t pl = 0; pl < 2; pl++) {
                    char *a = run(fh, rep, pl, pv), *b = run(fs, once, pl, pv);
                    if (strcmp(a, b) != 0)
                        fail_msg("plan %u %s [%d,%d): hash %s sql %s", pl, fw, lo, hi, a, b);
                    free(a);
                    free(b);
                }
            }
    vouch_facts_close(fh);
    vouch_facts_close(fs);
    vouch_program_free(rep);
    vouch_program_free(once);
}

/* ---- values and dates --------------------------------------------------------- */

static void test_dates(void **state)
{
    assert_int_equal(date_from_civil(1970, 1, 1), 0);
    assert_int_equal(date_from_civil(2000, 3, 1), 11017);
    assert_int_equal(date_from_civil(1969, 12, 31), -1);
    assert_int_equal(date_from_civil(1, 1, 1), -719162);
    assert_int_equal(date_from_civil(9999, 12, 31), 2932896);
    int y, m, d;
    date_to_civil(D("2024-02-29"), &y, &m, &d);
    assert_int_equal(y * 10000 + m * 100 + d, 20240229);
    /* every day of the range round-trips */
    char buf[11];
    for (int64_t day = -719162; day <= 2932896; day += 1) {
        date_to_civil(day, &y, &m, &d);
        if (!date_valid(y, m, d) || date_from_civil(y, m, d) != day)
            fail_msg("day %lld", (long long)day);
        if (day % 997 == 0) {
            int64_t back;
            date_format(day, buf);
            assert_int_equal(date_parse(buf, 10, &back), 0);
            assert_int_equal(back, day);
        }
    }
    /* leap years */
    assert_true(date_valid(2024, 2, 29));
    assert_false(date_valid(2023, 2, 29));
    assert_false(date_valid(1900, 2, 29));
    assert_true(date_valid(2000, 2, 29));
    assert_false(date_valid(2026, 4, 31));
    assert_false(date_valid(0, 1, 1));
    assert_false(date_valid(10000, 1, 1));
    /* strict parse */
    int64_t out;
    static const char *bad[] = {"2026-02-30", "2026-2-01", "2026-02-1", "20260201", "2026-02-01 ",
                                " 2026-02-01", "+026-02-01", "0000-01-01", "2026-00-10",
                                "2026-13-01", "2026/02/01", "2026-02-00", "2025-02-29", ""};
    for (size_t i = 0; i < sizeof bad / sizeof *bad; i++)
        if (date_parse(bad[i], strlen(bad[i]), &out) != -1)
            fail_msg("accepted `%s`", bad[i]);
    assert_int_equal(date_parse("0001-01-01", 10, &out), 0);
    assert_int_equal(date_parse("9999-12-31", 10, &out), 0);
    assert_int_equal(date_parse("2026-11-21xx", 10, &out), 0);  /* n bytes only */
    /* months, clamped */
    date_format(date_add_months(D("2026-01-31"), 1), buf);
    assert_string_equal(buf, "2026-02-28");
    date_format(date_add_months(D("2024-01-31"), 1), buf);
    assert_string_equal(buf, "2024-02-29");
    date_format(date_add_months(D("2026-03-31"), -1), buf);
    assert_string_equal(buf, "2026-02-28");
    date_format(date_add_months(D("2026-12-15"), 1), buf);
    assert_string_equal(buf, "2027-01-15");
    date_format(date_add_months(D("2026-01-15"), -13), buf);
    assert_string_equal(buf, "2024-12-15");
    date_format(date_add_months(D("2024-02-29"), 12), buf);
    assert_string_equal(buf, "2025-02-28");
    date_format(date_add_months(D("2026-05-31"), 0), buf);
    assert_string_equal(buf, "2026-05-31");
    assert_false(date_in_range(date_add_months(D("9999-12-01"), 1)));
    assert_false(date_in_range(date_add_months(D("0001-01-01"), -1)));
    assert_false(date_in_range(date_add_months(0, INT64_MAX)));
    /* periods */
    static const char *q[][3] = {
        {"2026-05-17", "2026-04-01", "2026-06-30"}, {"2026-11-21", "2026-10-01", "2026-12-31"},
        {"2026-02-10", "2026-01-01", "2026-03-31"}, {"2026-07-01", "2026-07-01", "2026-09-30"},
        {"2026-03-31", "2026-01-01", "2026-03-31"},
    };
    for (size_t i = 0; i < sizeof q / sizeof *q; i++) {
        date_format(date_quarter_start(D(q[i][0])), buf);
        assert_string_equal(buf, q[i][1]);
        date_format(date_quarter_end(D(q[i][0])), buf);
        assert_string_equal(buf, q[i][2]);
    }
    date_format(date_month_end(D("2024-02-10")), buf);
    assert_string_equal(buf, "2024-02-29");
    date_format(date_month_end(D("2023-02-10")), buf);
    assert_string_equal(buf, "2023-02-28");
    date_format(date_month_start(D("2023-02-10")), buf);
    assert_string_equal(buf, "2023-02-01");
    date_format(date_year_start(D("2023-02-10")), buf);
    assert_string_equal(buf, "2023-01-01");
    date_format(date_year_end(D("2023-02-10")), buf);
    assert_string_equal(buf, "2023-12-31");
    assert_true(date_in_range(D("0001-01-01")));
    assert_true(date_in_range(D("9999-12-31")));
    assert_false(date_in_range(D("0001-01-01") - 1));
    assert_false(date_in_range(D("9999-12-31") + 1));
}

/* `avg` gives exact fractions: compared exactly with ints and with each
 * other (a rounded 1.5 would equal 2, a truncated one 1), written rounded
 * half away from zero to two places. */
static void test_decimals(void **state)
{
    (void)state;
    char buf[64];
    vouch_value half = vouch_decimal(3, 2), one = vouch_int(1), two = vouch_int(2);
    assert_true(vouch_value_compare(&half, &one) > 0);
    assert_true(vouch_value_compare(&half, &two) < 0);
    assert_true(vouch_value_compare(&one, &half) < 0);
    assert_false(vouch_value_equal(&half, &two));
    vouch_value six_halves = vouch_decimal(6, 2), three = vouch_int(3), third = vouch_decimal(1, 3);
    assert_true(vouch_value_equal(&six_halves, &three));
    assert_true(vouch_value_equal(&three, &six_halves));
    vouch_value two_sixths = vouch_decimal(2, 6);
    assert_true(vouch_value_equal(&third, &two_sixths));
    assert_int_equal(vouch_value_compare(&third, &two_sixths), 0);
    vouch_value text = vouch_text("3", 1);
    assert_false(vouch_value_equal(&three, &text) || vouch_value_equal(&six_halves, &text));
    /* no overflow on the cross products */
    vouch_value big = vouch_decimal(INT64_MAX, 1), big2 = vouch_decimal(INT64_MAX - 1, 1);
    assert_true(vouch_value_compare(&big, &big2) > 0);
    vouch_value big3 = vouch_decimal(INT64_MAX, 3);
    vouch_value big4 = vouch_int(INT64_MAX / 3);
    assert_true(vouch_value_compare(&big3, &big4) > 0);
    static const struct { int64_t n; uint32_t d; const char *text; } forms[] = {
        {3, 2, "1.5"}, {7, 3, "2.33"}, {2, 3, "0.67"}, {10, 2, "5"}, {-3, 2, "-1.5"}, {-1, 1000, "0"},
        {1999, 1000, "2"}, {1, 8, "0.13"}, {INT64_MIN, 1, "-9223372036854775808"}, {0, 5, "0"}};
    for (size_t i = 0; i < sizeof forms / sizeof *forms; i++) {
        vouch_value v = vouch_decimal(forms[i].n, forms[i].d);
        vouch_value_format(&v, buf, sizeof buf);
        assert_string_equal(buf, forms[i].text);
    }
}

static void test_values(void **state)
{
    char buf[64];
    vouch_value v = vouch_int(-5);
    assert_int_equal(vouch_value_format(&v, buf, sizeof buf), 2);
    assert_string_equal(buf, "-5");
    v = vouch_int(INT64_MIN);
    vouch_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "-9223372036854775808");
    v = vouch_dur(92);
    vouch_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "92d");
    v = vouch_date(D("2026-11-21"));
    vouch_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "2026-11-21");
    v = vouch_bool(7);
    vouch_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "true");
    v = vouch_bool(0);
    vouch_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "false");
    v = vouch_none();
    vouch_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "none");
    v = vouch_text("hello world", 5);
    vouch_value_format(&v, buf, sizeof buf);
    assert_string_equal(buf, "hello");
    /* truncation, like snprintf */
    assert_int_equal(vouch_value_format(&v, buf, 3), 5);
    assert_string_equal(buf, "he");
    assert_int_equal(vouch_value_format(&v, NULL, 0), 5);

    vouch_value a = vouch_none(), b = vouch_none();
    assert_true(vouch_value_equal(&a, &b));
    b = vouch_int(0);
    assert_false(vouch_value_equal(&a, &b));
    a = vouch_dur(0);
    assert_false(vouch_value_equal(&a, &b));   /* same number, other type */
    a = vouch_text("abc", 3);
    b = vouch_text("abcd", 3);
    assert_true(vouch_value_equal(&a, &b));
    assert_int_equal(vouch_value_hash(&a), vouch_value_hash(&b));
    b = vouch_text("abd", 3);
    assert_false(vouch_value_equal(&a, &b));
    assert_true(vouch_value_compare(&a, &b) < 0);
    b = vouch_text("ab", 2);
    assert_true(vouch_value_compare(&a, &b) > 0);   /* longer after its prefix */
    assert_true(vouch_value_compare(&b, &a) < 0);
    b = vouch_text("", 0);
    assert_true(vouch_value_compare(&b, &a) < 0);
    a = vouch_text("\xc3\xa9", 2);
    b = vouch_text("z", 1);
    assert_true(vouch_value_compare(&a, &b) > 0);   /* bytewise, unsigned */
    a = vouch_date(5);
    b = vouch_date(-5);
    assert_true(vouch_value_compare(&a, &b) > 0);
    assert_int_equal(vouch_value_compare(&a, &a), 0);
    /* hashes of distinct short texts differ (no trivial collisions) */
    char s1[16], s2[16];
    for (int i = 0; i < 1000; i++) {
        snprintf(s1, sizeof s1, "A.5.%d", i);
        snprintf(s2, sizeof s2, "A.5.%d", i + 1);
        vouch_value x = vouch_text(s1, strlen(s1)), y = vouch_text(s2, strlen(s2));
        assert_true(vouch_value_hash(&x) != vouch_value_hash(&y));
    }
    a = vouch_text("a", 1);
    b = vouch_text("a\0", 2);
    assert_true(vouch_value_hash(&a) != vouch_value_hash(&b));
}

/* ---- the shared memory map (runtime/store/facts_vfs.c) ------------------------------ */

/* A writer in another process: 1 if it committed, 0 if the store was
 * locked (any other failure fails the test). */
static int other_process_writes(const char *path)
{
    char cmd[1024];
    const char *errs = tpath("writer.err");
    snprintf(cmd, sizeof cmd,
             "sqlite3 -bail '%s' \"BEGIN IMMEDIATE; INSERT INTO soa SELECT 'F9', 'C' || count(*), 1, NULL FROM soa; "
             "COMMIT;\" >/dev/null 2>'%s'", path, errs);
    int st = system(cmd);
    assert_true(st != -1 && WIFEXITED(st));
    if (WEXITSTATUS(st) == 0)
        return 1;
    char msg[512] = "";
    FILE *fp = fopen(errs, "r");
    assert_non_null(fp);
    size_t n = fread(msg, 1, sizeof msg - 1, fp);
    msg[n] = 0;
    fclose(fp);
    assert_contains(msg, "database is locked");
    return 0;
}

static void test_shared_map(void **state)
{
    const char *path = tpath("shared.db");
    make_store(path, 1);
    vouch_program *p = make_program();
    add_compare_plans(p, 0);
    vouch_error err;

    /* Two connections to one file read it through one map; a third reads
     * without a map. All three give the same answers. */
    vouch_facts *a = open_bind(path, p), *b = open_bind(path, p), *c = NULL;
    assert_true(facts_shares_map(a));
    assert_true(facts_shares_map(b));
    facts_fileid ia, ib;
    assert_int_equal(facts_file_id(a, &ia), 0);
    assert_int_equal(facts_file_id(b, &ib), 0);
    assert_true(ia.dev == ib.dev && ia.ino == ib.ino);
    vouch_facts_options o;
    vouch_facts_options_default(&o);
    o.mmap_bytes = 0;
    assert_ok(vouch_facts_open(path, &c, &err), err);
    vouch_facts_set_options(c, &o);
    assert_ok(vouch_facts_bind(c, p, VOUCH_AS_OF_ANY, &err), err);
    for (uint32_t i = 0; i < NPLANS; i++) {
        char *ga = grid(a, p, i), *gb = grid(b, p, i), *gc = grid(c, p, i);
        assert_string_equal(ga, gc);
        assert_string_equal(gb, gc);
        free(ga);
        free(gb);
        free(gc);
    }
    vouch_facts_close(c);

    /* Closing b (which opened descriptors of its own on the file) must not
     * drop a's shared lock: the process's POSIX locks on a file go with
     * any close of it. A writer in another process stays locked out until
     * a is closed too. */
    vouch_facts_close(b);
    assert_int_equal(other_process_writes(path), 0);
    vouch_facts_close(a);
    assert_int_equal(other_process_writes(path), 1);

    /* A store replaced by a rename: a connection opened before reads the
     * old file, one opened after the new one, and their ids tell. */
    const char *next = tpath("shared-next.db");
    a = open_bind(path, p);
    make_store(next, 0);
    assert_int_equal(rename(next, path), 0);
    assert_int_not_equal(facts_file_id(a, &ia), 0);
    b = open_bind(path, p);
    assert_true(facts_shares_map(b));
    assert_int_equal(facts_file_id(b, &ib), 0);
    char *ga = grid(a, p, 0), *gb = grid(b, p, 0);
    assert_string_equal(ga, gb);   /* same rows, from two files */
    free(ga);
    free(gb);
    vouch_facts_close(a);
    vouch_facts_close(b);
    vouch_program_free(p);
}

/* ---- the access paths behind the cursors (facts_int.h, facts_choose.c) ------------ */

/* The chooser gives each plan one of the three paths, as the options and
 * the indexes say; every seek goes through the path the chooser picks for
 * it; describe and stats come from the path; and the answers are the same
 * whichever path gives them (each plan's grid, twice: the second time the
 * cache answers from memory). A plan moved to its hash index mid-run
 * takes it from its next seek, while an answer already started finishes
 * on its statement. */
static void test_access_paths(void **state)
{
    const char *noidx = tpath("path-noidx.db"), *idx = tpath("path-idx.db");
    make_store(noidx, 0);
    make_store(idx, 1);
    vouch_program *p = make_program();
    add_compare_plans(p, 1);
    enum { SQL, HASH, CACHE, SWITCH, NK };
    vouch_facts *f[NK];
    f[SQL] = open_with(idx, p, VOUCH_HASH_NEVER, 0, 1 << 20, 0);
    f[HASH] = open_with(noidx, p, VOUCH_HASH_AUTO, 1, 1 << 20, 0);
    f[CACHE] = open_with(idx, p, VOUCH_HASH_NEVER, 1, 1 << 20, 0);
    f[SWITCH] = open_with(idx, p, VOUCH_HASH_AUTO, 1, 1 << 20, 1);
    for (uint32_t i = 0; i < NPLANS; i++) {
        const vouch_plan *pl = &p->plans[i];
        /* the chooser's picks at bind */
        assert_ptr_equal(f[SQL]->cur[i].base, &facts_sql_path);
        assert_ptr_equal(f[HASH]->cur[i].base, &facts_hash_path);
        /* remembered: a repeated plan of one row at most, or a group of
         * plans of one shape (2 and 9) */
        int cached = pl->mode != PLAN_ROWS || i == 2 || i == 9;
        assert_ptr_equal(f[CACHE]->cur[i].base, cached ? &facts_cache_path : &facts_sql_path);
        assert_int_equal(f[SWITCH]->cur[i].want, 2);
        assert_true(f[SWITCH]->cur[i].timed);
        assert_ptr_not_equal(f[SWITCH]->cur[i].base, &facts_hash_path);
        /* describe is the path's */
        for (int k = 0; k < NK; k++)
            assert_string_equal(vouch_facts_describe(f[k], i), f[k]->cur[i].base->describe(f[k], &f[k]->cur[i]));
    }
    /* the plan counts are the paths' stats */
    vouch_facts_stats st;
    vouch_facts_get_stats(f[SQL], &st);
    assert_int_equal(st.sql_plans, NPLANS);
    assert_int_equal(st.hash_plans, 0);
    vouch_facts_get_stats(f[HASH], &st);
    assert_int_equal(st.sql_plans, 0);
    assert_int_equal(st.hash_plans, NPLANS);
    vouch_facts_get_stats(f[CACHE], &st);
    assert_int_equal(st.sql_plans, NPLANS);

    /* a seek goes through the path chosen for it, and a reset leaves the
     * cursor idle */
    vouch_error err;
    vouch_value pv[4] = {T("F1"), T("C2"), vouch_date(D("2025-01-01")), vouch_date(D("2027-01-01"))};
    int has;
    for (int k = 0; k < SWITCH; k++) {
        assert_ok(vouch_facts_seek(f[k], 0, pv, &err), err);
        assert_ptr_equal(f[k]->cur[0].path, facts_choose_seek(&f[k]->cur[0]));
        assert_ok(vouch_facts_next(f[k], 0, &has, &err), err);
        assert_true(has);
        vouch_facts_reset(f[k], 0);
        assert_int_equal(f[k]->cur[0].state, ST_IDLE);
        assert_int_equal(vouch_facts_column(f[k], 0, 0, &(vouch_value){0}, &err), VOUCH_ERUNTIME);
    }
    /* the switch (after 1 ns of probes): an answer started on the
     * statement ends there, the next seek takes the hash index */
    vouch_facts *sw = f[SWITCH];
    assert_ok(vouch_facts_seek(sw, 0, pv, &err), err);
    const facts_path *first = sw->cur[0].path;
    assert_ptr_not_equal(first, &facts_hash_path);
    int n = 0;
    for (;;) {
        assert_ok(vouch_facts_next(sw, 0, &has, &err), err);
        if (!has)
            break;
        assert_ptr_equal(sw->cur[0].path, first);
        n++;
    }
    assert_true(n > 9);
    assert_ok(vouch_facts_seek(sw, 0, pv, &err), err);
    assert_ptr_equal(sw->cur[0].path, &facts_hash_path);
    assert_ptr_equal(sw->cur[0].path, facts_choose_seek(&sw->cur[0]));
    vouch_facts_reset(sw, 0);
    assert_int_equal(sw->cur[0].state, ST_IDLE);

    /* the same answers, whichever path; the second pass of the cache
     * connection is answered from memory */
    for (uint32_t i = 0; i < NPLANS; i++) {
        char *want = grid(f[SQL], p, i);
        for (int k = 1; k < NK; k++)
            for (int pass = 0; pass < 2; pass++) {
                char *got = grid(f[k], p, i);
                if (strcmp(want, got) != 0)
                    fail_msg("plan %u, path %s, pass %d: answers differ", i, f[k]->cur[i].base->name, pass);
                free(got);
            }
        free(want);
    }
    vouch_facts_get_stats(f[CACHE], &st);
    assert_true(st.cache_hits > 100);
    vouch_facts_get_stats(f[HASH], &st);
    assert_true(st.hash_builds > 0 && st.cache_hits == 0);
    for (int k = 0; k < NK; k++)
        vouch_facts_close(f[k]);
    vouch_program_free(p);
}

/* ---- readers on other threads (runtime/store/facts_snapshot.c) --------------------- */

/* The answers of every plan of p on f, concatenated. */
static char *all_grids(vouch_facts *f, const vouch_program *p, uint32_t nplans)
{
    size_t len = 0;
    char *all = strdup("");
    for (uint32_t i = 0; i < nplans; i++) {
        char *g = i < NPLANS ? grid(f, p, i) : run(f, p, i, NULL);
        all = realloc(all, len + strlen(g) + 1);
        strcpy(all + len, g);
        len += strlen(g);
        free(g);
    }
    return all;
}

static void test_snapshot_readers(void **state)
{
    vouch_program *p = make_program();
    add_compare_plans(p, 0);   /* not repeated: every plan by SQL */
    uint32_t soa = add_plan(p, SOA, PLAN_ROWS, 0, 0, NULL, 0, COLS(S_FW, S_CTL));
    vouch_facts *f, *r;
    vouch_facts_snapshot *snap;

    for (int wal = 0; wal < 2; wal++) {
        const char *path = tpath(wal ? "snap-wal.db" : "snap-rollback.db");
        make_store(path, 1);
        if (wal)
            exec_sql(path, "PRAGMA journal_mode=wal");
        f = open_bind(path, p);
        char *want = all_grids(f, p, soa + 1);
        /* a reader of f's snapshot answers every plan as f does */
        assert_int_equal(vouch_facts_snapshot_take(f, &snap), VOUCH_READER);
        assert_int_equal(vouch_facts_reader_open(snap, &r), VOUCH_READER);
        char *got = all_grids(r, p, soa + 1);
        assert_string_equal(got, want);
        free(got);
        vouch_facts_close(r);
        if (!wal) {
            /* a rollback journal: f's read transaction keeps the writer
             * out, so a reader opened later still reads f's data */
            assert_int_equal(other_process_writes(path), 0);
            assert_int_equal(vouch_facts_reader_open(snap, &r), VOUCH_READER);
            got = all_grids(r, p, soa + 1);
            assert_string_equal(got, want);
            free(got);
            vouch_facts_close(r);
        } else {
            /* WAL: a writer commits past f; a reader opened after the
             * commit would read it: there is none, and f keeps its data */
            assert_int_equal(other_process_writes(path), 1);
            r = (vouch_facts *)1;
            assert_int_equal(vouch_facts_reader_open(snap, &r), VOUCH_NO_READER);
            assert_null(r);
            got = all_grids(f, p, soa + 1);
            assert_string_equal(got, want);
            free(got);
        }
        vouch_facts_snapshot_free(snap);
        vouch_facts_close(f);
        free(want);

        if (wal) {
            /* a commit between f's bind and the snapshot: f reads (and has
             * checked) the data of its bind, a reader would read the
             * commit: no second reader */
            f = open_bind(path, p);
            want = all_grids(f, p, soa + 1);
            assert_int_equal(other_process_writes(path), 1);
            vouch_reader_status st = vouch_facts_snapshot_take(f, &snap);
            if (st == VOUCH_READER) {
                assert_int_equal(vouch_facts_reader_open(snap, &r), VOUCH_NO_READER);
                vouch_facts_snapshot_free(snap);
            }
            got = all_grids(f, p, soa + 1);
            assert_string_equal(got, want);
            free(got);
            free(want);
            vouch_facts_close(f);
            /* bound after it, with no writer about: two readers again */
            f = open_bind(path, p);
            assert_int_equal(vouch_facts_snapshot_take(f, &snap), VOUCH_READER);
            assert_int_equal(vouch_facts_reader_open(snap, &r), VOUCH_READER);
            vouch_facts_close(r);
            vouch_facts_snapshot_free(snap);
            vouch_facts_close(f);
        }
    }

    /* the store replaced by a rename after the snapshot: another file */
    const char *path = tpath("snap-rename.db"), *next = tpath("snap-next.db");
    make_store(path, 1);
    f = open_bind(path, p);
    assert_int_equal(vouch_facts_snapshot_take(f, &snap), VOUCH_READER);
    make_store(next, 1);
    assert_int_equal(rename(next, path), 0);
    assert_int_equal(vouch_facts_reader_open(snap, &r), VOUCH_NO_READER);
    vouch_facts_snapshot_free(snap);
    vouch_facts_close(f);

    /* plans answered by hash indexes: each reader would build its own */
    vouch_program *ph = make_program();
    add_compare_plans(ph, 1);
    path = tpath("snap-noidx.db");
    make_store(path, 0);
    f = open_bind(path, ph);
    vouch_facts_stats fs;
    vouch_facts_get_stats(f, &fs);
    assert_true(fs.hash_plans > 0);
    snap = (vouch_facts_snapshot *)1;
    assert_int_equal(vouch_facts_snapshot_take(f, &snap), VOUCH_NO_READER);
    assert_null(snap);
    vouch_facts_close(f);
    vouch_program_free(ph);
    vouch_program_free(p);
}

/* The ids plan 0 gives on f for one seek, one row per next, into ids
 * (at most cap): how many. */
static int take_row(vouch_facts *f, uint32_t plan, int *id)
{
    vouch_error err;
    int has;
    assert_ok(vouch_facts_next(f, plan, &has, &err), err);
    if (!has)
        return 0;
    vouch_value v;
    assert_ok(vouch_facts_column(f, plan, 0, &v, &err), err);
    *id = (int)v.u.i;
    return 1;
}

/* Two readers share the rows of one plan: each row goes to exactly one of
 * them, whatever the order they ask in, and across two seeks. */
static void test_shared_rows(void **state)
{
    const char *path = tpath("share.db");
    make_store(path, 1);
    vouch_program *p = make_program();
    add_compare_plans(p, 0);
    vouch_error err;
    vouch_facts *f = open_bind(path, p), *r;
    vouch_facts_snapshot *snap;
    assert_int_equal(vouch_facts_snapshot_take(f, &snap), VOUCH_READER);
    assert_int_equal(vouch_facts_reader_open(snap, &r), VOUCH_READER);
    vouch_value pv[2][4] = {
        {T("F1"), T("C2"), vouch_date(D("2025-01-01")), vouch_date(D("2027-01-01"))},
        {T("F0"), T("C3"), vouch_date(D("2025-01-01")), vouch_date(D("2027-01-01"))},
    };
    /* what one reader alone sees: every row once */
    int alone[2] = {0, 0}, id;
    for (int k = 0; k < 2; k++) {
        assert_ok(vouch_facts_seek(f, 0, pv[k], &err), err);
        while (take_row(f, 0, &id))
            alone[k]++;
    }
    assert_true(alone[0] > 9 && alone[1] > 9);

    for (int pattern = 0; pattern < 3; pattern++) {
        vouch_facts_share share;
        memset(&share, 0, sizeof share);
        vouch_facts_share_rows(f, 0, &share);
        vouch_facts_share_rows(r, 0, &share);
        unsigned char seen[601];
        int n[2] = {0, 0};
        memset(seen, 0, sizeof seen);
        for (int k = 0; k < 2; k++) {
            assert_ok(vouch_facts_seek(f, 0, pv[k], &err), err);
            assert_ok(vouch_facts_seek(r, 0, pv[k], &err), err);
            int more_f = 1, more_r = 1;
            for (int turn = 0; more_f || more_r; turn++) {
                /* 0: alternate; 1: f takes three for r's one; 2: r first to its end */
                int use_f = pattern == 0 ? turn % 2 == 0 : pattern == 1 ? turn % 4 != 3 : !more_r;
                if (use_f ? !more_f : !more_r)
                    use_f = !use_f;
                int got = take_row(use_f ? f : r, 0, &id);
                if (!got) {
                    *(use_f ? &more_f : &more_r) = 0;
                    continue;
                }
                assert_true(id > 0 && id <= 600);
                assert_int_equal(seen[id], 0);   /* never given twice */
                seen[id] = 1;
                n[use_f ? 0 : 1]++;
            }
            assert_int_equal(n[0] + n[1], alone[0] + (k ? alone[1] : 0));
        }
        assert_true(n[0] > 0 && n[1] > 0);
        vouch_facts_share_rows(f, 0, NULL);
        vouch_facts_share_rows(r, 0, NULL);
    }
    /* unshared again: every row */
    int again = 0;
    assert_ok(vouch_facts_seek(r, 0, pv[0], &err), err);
    while (take_row(r, 0, &id))
        again++;
    assert_int_equal(again, alone[0]);
    vouch_facts_close(r);
    vouch_facts_snapshot_free(snap);
    vouch_facts_close(f);
    vouch_program_free(p);
}

/* ---- setup -------------------------------------------------------------------- */

static int setup(void **state)
{
    snprintf(tmpdir, sizeof tmpdir, "/tmp/vouch_test_facts_XXXXXX");
    return mkdtemp(tmpdir) ? 0 : -1;
}

static int teardown(void **state)
{
    DIR *d = opendir(tmpdir);
    struct dirent *e;
    char path[512];
    while (d && (e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        snprintf(path, sizeof path, "%s/%s", tmpdir, e->d_name);
        unlink(path);
    }
    if (d)
        closedir(d);
    rmdir(tmpdir);
    return 0;
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_values),
        cmocka_unit_test(test_decimals),
        cmocka_unit_test(test_dates),
        cmocka_unit_test(test_open_errors),
        cmocka_unit_test(test_schema_errors),
        cmocka_unit_test(test_sql_limits),
        cmocka_unit_test(test_paths_agree),
        cmocka_unit_test(test_options_agree),
        cmocka_unit_test(test_as_of_bound),
        cmocka_unit_test(test_hash_codes),
        cmocka_unit_test(test_none_semantics),
        cmocka_unit_test(test_params_copied),
        cmocka_unit_test(test_bad_stored_values),
        cmocka_unit_test(test_conversions),
        cmocka_unit_test(test_hash_ranges),
        cmocka_unit_test(test_load_good),
        cmocka_unit_test(test_load_bad_cells),
        cmocka_unit_test(test_load_file_errors),
        cmocka_unit_test(test_load_rows),
        cmocka_unit_test(test_load_json),
        cmocka_unit_test(test_shared_map),
        cmocka_unit_test(test_access_paths),
        cmocka_unit_test(test_snapshot_readers),
        cmocka_unit_test(test_shared_rows),
    };
    return cmocka_run_group_tests(tests, setup, teardown);
}
