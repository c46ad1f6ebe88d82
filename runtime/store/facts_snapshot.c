/*
 * facts_snapshot.c: the read transaction a bind opens, and second readers
 * of it for other threads (facts.h, "Readers on other threads").
 *
 * A run must read one snapshot of the store, whatever thread reads it. A
 * second reader is a second connection, bound after the first; it reads
 * the first's data when:
 *   - both read one file: the path names, when the second is bound, the
 *     file the first opened (device and inode, and SQLite's
 *     SQLITE_FCNTL_HAS_MOVED): a store replaced by a rename in between is
 *     another file, whose locks are not the first's;
 *   - in a rollback-journal store, the first's read transaction holds a
 *     shared lock that keeps every writer from committing until it ends;
 *   - in WAL mode, where writers commit past readers and Debian's SQLite
 *     has no snapshot API to hand one connection's snapshot to another,
 *     the header of the WAL index (which every commit changes) is read
 *     just before the first connection's transaction begins and just after
 *     its first read, and again after the second's first read: three equal
 *     readings mean no commit came between, so both snapshots are the one
 *     the first bound, the one whose stored values it checked (facts.c). A
 *     torn reading (a commit in progress) or two that differ means no
 *     second reader.
 * Whatever cannot be promised means no second reader, never an error: the
 * run then stays on the first connection.
 *
 * Taking the snapshot also tunes the first connection for sharing the run
 * (the answer cache halved, no new hash indexes: see take_options), and a
 * store whose plans use hash indexes gets no second reader: each
 * connection would build its own, doubling the memory a large store needs.
 *
 * Invariant: the WAL index is read through the connection's own map of it,
 * never by opening the -shm file here: closing a descriptor of it would
 * drop every POSIX lock the process holds on it, the read lock that keeps
 * checkpoints off this snapshot included.
 */
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include "facts_int.h"

struct vouch_facts_snapshot {
    vouch_facts *first;      /* the bound connection it was taken from */
    const vouch_program *p;
    int64_t as_of;
    vouch_facts_options opt;  /* for the second reader */
    facts_fileid file;      /* the file the first reads */
};

static int exec(sqlite3 *db, const char *sql) { return sqlite3_exec(db, sql, NULL, NULL, NULL); }

/* Copies the header of the store's WAL index into mark: 0, or -1 if there
 * is none or it is being written. The index begins with two copies of its
 * 48-byte header, written one after the other at each commit; copies that
 * differ are a commit in progress (SQLite's own readers retry then; we
 * give up). */
static int wal_mark(vouch_facts *f, unsigned char mark[FACTS_MARK_BYTES])
{
    sqlite3_file *file = NULL;
    volatile void *region = NULL;
    if (sqlite3_file_control(f->db, "main", SQLITE_FCNTL_FILE_POINTER, &file) != SQLITE_OK ||
        !file || !file->pMethods || file->pMethods->iVersion < 2 || !file->pMethods->xShmMap ||
        file->pMethods->xShmMap(file, 0, 32768, 0, &region) != SQLITE_OK || !region)
        return -1;
    file->pMethods->xShmBarrier(file);
    const volatile unsigned char *hdr = region;
    for (int i = 0; i < FACTS_MARK_BYTES; i++)
        mark[i] = hdr[i];
    file->pMethods->xShmBarrier(file);
    return memcmp(mark, mark + FACTS_MARK_BYTES / 2, FACTS_MARK_BYTES / 2) == 0 ? 0 : -1;
}

/* 1 if the store is in a rollback-journal mode, where a read transaction
 * keeps writers from committing; 0 in WAL mode, or when it cannot tell. */
static int journal_blocks_writers(vouch_facts *f)
{
    sqlite3_stmt *st = NULL;
    int blocks = 0;
    if (sqlite3_prepare_v2(f->db, "PRAGMA journal_mode", -1, &st, NULL) == SQLITE_OK &&
        sqlite3_step(st) == SQLITE_ROW) {
        const char *mode = (const char *)sqlite3_column_text(st, 0);
        blocks = mode && sqlite3_stricmp(mode, "wal") != 0;
    }
    sqlite3_finalize(st);
    return blocks;
}

vouch_status facts_begin_read(vouch_facts *f, vouch_error *err)
{
    unsigned char before[FACTS_MARK_BYTES];
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA mmap_size=%zu", f->opt.mmap_bytes);
    int rc = exec(f->db, pragma);
    f->marked = 0;
    f->blocks_writers = rc == SQLITE_OK && journal_blocks_writers(f);
    int wal_ok = !f->blocks_writers && wal_mark(f, before) == 0;
    /* BEGIN, then a read: the snapshot is taken now and kept until the
     * next bind or close. */
    if (rc == SQLITE_OK)
        rc = exec(f->db, "BEGIN");
    if (rc == SQLITE_OK) {
        f->in_txn = 1;
        rc = exec(f->db, "SELECT count(*) FROM sqlite_master");
    }
    if (rc != SQLITE_OK)
        return facts_db_error(f, rc, err, "starting the read transaction");
    f->marked = wal_ok && wal_mark(f, f->mark) == 0 && memcmp(before, f->mark, sizeof before) == 0;
    return VOUCH_OK;
}

int facts_file_id(vouch_facts *f, facts_fileid *id)
{
    struct stat a, b;
    int moved = 1;
    if (stat(f->path, &a) != 0 ||
        sqlite3_file_control(f->db, "main", SQLITE_FCNTL_HAS_MOVED, &moved) != SQLITE_OK || moved ||
        stat(f->path, &b) != 0 || a.st_dev != b.st_dev || a.st_ino != b.st_ino)
        return -1;
    id->dev = (uint64_t)a.st_dev;
    id->ino = (uint64_t)a.st_ino;
    return 0;
}

/* Applies to f, bound, the options that can change after a bind: the
 * memory map's and the answer cache's sizes, and whether probes may still
 * move to a hash index (VOUCH_HASH_AUTO) or not (the others). */
static void retune(vouch_facts *f, const vouch_facts_options *o)
{
    f->opt.mmap_bytes = o->mmap_bytes;
    f->opt.cache_bytes = o->cache_bytes;
    if (o->hash != VOUCH_HASH_AUTO && f->opt.hash == VOUCH_HASH_AUTO)
        f->opt.hash = VOUCH_HASH_NOINDEX; /* the hash indexes it has stay; no new switches */
    char pragma[64];
    snprintf(pragma, sizeof pragma, "PRAGMA mmap_size=%zu", o->mmap_bytes);
    (void)exec(f->db, pragma); /* only a size: if it fails, the old one stays */
}

/* The options both connections of a shared run read with. They share the
 * answer cache one would have had, and no probe moves to a hash index:
 * each connection would build its own (twice the memory and the scan), and
 * a timed switch is not worth it when two threads already share the
 * probes. The memory map of the file is one for both (facts_vfs.c);
 * should the first not read through it, a store larger than the map gets
 * half a map per connection, so peak memory stays as one connection's (120
 * rules at scale L: 323 -> 216 MiB), and a smaller one is mapped whole by
 * each (halving the map of a 50 MB store sent its reads through read(),
 * which cost more than the thread saved). */
static void take_options(vouch_facts *f, vouch_facts_options *o)
{
    struct stat sb;
    *o = f->opt;
    o->cache_bytes /= 2;
    if (!facts_shares_map(f) && (stat(f->path, &sb) != 0 || (uint64_t)sb.st_size > o->mmap_bytes))
        o->mmap_bytes /= 2;
    if (o->hash == VOUCH_HASH_AUTO)
        o->hash = VOUCH_HASH_NOINDEX;
    retune(f, o);
}

vouch_reader_status vouch_facts_snapshot_take(vouch_facts *f, vouch_facts_snapshot **out)
{
    facts_fileid id;
    *out = NULL;
    /* A PostgreSQL store's copy is in this connection's memory alone. */
    if (f->pg || !f->p || !f->in_txn || f->stats.hash_plans || facts_file_id(f, &id) != 0 ||
        (!f->blocks_writers && !f->marked))
        return VOUCH_NO_READER;
    vouch_facts_snapshot *s = vouch_calloc(1, sizeof *s);
    if (!s)
        return VOUCH_NO_READER;
    s->first = f;
    s->p = f->p;
    s->as_of = f->as_of;
    s->file = id;
    take_options(f, &s->opt);
    *out = s;
    return VOUCH_READER;
}

vouch_reader_status vouch_facts_reader_open(const vouch_facts_snapshot *s, vouch_facts **out)
{
    vouch_facts *r = NULL;
    vouch_error e;
    facts_fileid id;
    *out = NULL;
    if (vouch_facts_open(s->first->path, &r, &e) != VOUCH_OK)
        return VOUCH_NO_READER;
    vouch_facts_set_options(r, &s->opt);
    const vouch_facts *f = s->first;
    r->defer_prepare = 1; /* f has prepared them all: they prepare */
    r->checked = f;       /* and has checked the stored values of this snapshot */
    if (vouch_facts_bind(r, s->p, s->as_of, &e) != VOUCH_OK || facts_file_id(r, &id) != 0 ||
        id.dev != s->file.dev || id.ino != s->file.ino ||
        (!f->blocks_writers && (!r->marked || memcmp(r->mark, f->mark, sizeof f->mark) != 0))) {
        vouch_facts_close(r);
        return VOUCH_NO_READER;
    }
    *out = r;
    return VOUCH_READER;
}

void vouch_facts_snapshot_free(vouch_facts_snapshot *s) { vouch_free(s); }
