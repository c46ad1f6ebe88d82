/*
 * facts_readonly.c: what to do when the facts store cannot be read the
 * ordinary way because vouch may not write beside it (docs/robustness.md,
 * "Stores vouch cannot write").
 *
 * vouch opens every store read-only, and a read-only SQLite connection
 * still needs, depending on the store's state, to write next to it:
 *
 *   - a rollback-journal store with a hot journal (a writer stopped in
 *     the middle of a transaction, so the file may hold half of it) must
 *     be rolled back before anyone reads it, which takes write access.
 *     Reading the file as it is would read a half-written store, so this
 *     is an error, saying so and how to get out of it; never a fallback.
 *   - a WAL-mode store (how `vouch load` leaves it) is read through its
 *     WAL index, the -shm file, which SQLite creates if it is missing.
 *     Where it cannot (a read-only directory or file system), the store
 *     can still be read safely when there is no -wal file, or an empty
 *     one: then the database file holds every committed write, and as
 *     nobody can create a -wal there, no writer can change it while vouch
 *     reads. SQLite's `immutable` open reads exactly that file, taking no
 *     locks and creating nothing. With a non-empty -wal, committed writes
 *     may be in it, and reading the file alone would miss them: an error.
 *
 * Everything else keeps SQLite's own message.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "facts_int.h"

/* 1 if path names an existing file: *size gets its size. */
static int file_size(const char *path, off_t *size)
{
    struct stat st;
    if (stat(path, &st) != 0)
        return 0;
    *size = st.st_size;
    return 1;
}

/* 1 if the store's header says WAL mode (file format versions 2 at bytes
 * 18 and 19). */
static int is_wal_store(const char *path)
{
    unsigned char hdr[20];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(hdr, 1, sizeof hdr, f);
    fclose(f);
    return n == sizeof hdr && hdr[18] == 2 && hdr[19] == 2;
}

/* 1 if vouch may not create files in the store's directory. */
static int dir_read_only(const char *path)
{
    const char *slash = strrchr(path, '/');
    char dir[4096];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else if (slash == path)
        snprintf(dir, sizeof dir, "/");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash - path), path);
    return access(dir, W_OK) != 0 && (errno == EROFS || errno == EACCES || errno == EPERM);
}

facts_readonly_action facts_readonly_diagnose(const char *path, int xrc, vouch_error *err)
{
    char side[4200];
    off_t size = 0;
    if (xrc == SQLITE_READONLY_ROLLBACK) {
        snprintf(side, sizeof side, "%s-journal", path);
        vouch_error_set(err, VOUCH_EINPUT,
                        "cannot read facts store %s: it has an unfinished write transaction (hot "
                        "journal %s, left by a writer that stopped before it finished), so the "
                        "file may hold half of it; only a connection that can write the store can "
                        "roll it back, and vouch never writes a store it reads: open it once with "
                        "write access where it can be written (for example `sqlite3 %s 'PRAGMA "
                        "quick_check'`), or load it again",
                        path, side, path);
        return FACTS_RO_FAIL;
    }
    int base = xrc & 0xff;
    if ((base != SQLITE_CANTOPEN && base != SQLITE_READONLY) || !is_wal_store(path) ||
        !dir_read_only(path))
        return FACTS_RO_NONE;
    snprintf(side, sizeof side, "%s-shm", path);
    if (file_size(side, &size))
        return FACTS_RO_NONE; /* the index is there: SQLite's own message says why it failed */
    snprintf(side, sizeof side, "%s-wal", path);
    if (!file_size(side, &size) || size == 0)
        return FACTS_RO_IMMUTABLE;
    vouch_error_set(err, VOUCH_EINPUT,
                    "cannot read facts store %s: writes to it may still be in %s, which SQLite "
                    "reads only through the index %s-shm, and vouch cannot create that file here "
                    "(the directory is read-only); reading the store without them could miss "
                    "committed rows. Checkpoint the store where it can be written (`sqlite3 %s "
                    "'PRAGMA wal_checkpoint(TRUNCATE)'`), or copy it with its -wal file to a "
                    "directory vouch can write",
                    path, side, path, path);
    return FACTS_RO_FAIL;
}
