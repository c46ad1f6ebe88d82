/*
 * facts_vfs.c: the "vouch" SQLite VFS, through which the facts store is
 * read. One read-only memory map of each store file, shared by every
 * connection of the process that reads it; everything else is the default
 * VFS's, called through.
 *
 * Why: a run on two threads has two connections to the store (a second
 * reader of the snapshot: facts_snapshot.c). With SQLite's own memory map
 * each connection maps the file itself, so a page both threads read is
 * faulted into two maps, and two threads faulting the same page-cache
 * pages slow each other down (measured at scale M: rule R2 took about 8.3
 * ms next to a rule reading another copy of the file, about 10 ms next to
 * one reading the same file). Unmapping, at close, also costs by the page. Here the first
 * connection to fetch a page maps the file, and every later one uses that
 * map: a page is faulted in once per process.
 *
 * How SQLite uses it: with PRAGMA mmap_size above 0, the pager asks xFetch
 * for a pointer to a page instead of reading it, and gives it back with
 * xUnfetch; xFetch may answer no page, and the pager then reads it with
 * xRead. xUnfetch(0, NULL) says the file may have changed size, so
 * pointers must be checked against its size again. Here:
 *   - only the main database file of a read-only connection is shared;
 *     journals, WAL and other files (and every other call) go straight to
 *     the default VFS;
 *   - a page is served from the shared map if it lies inside the map,
 *     inside the file's size when the connection last looked (so a file
 *     that shrank is never read past its end) and inside the connection's
 *     own mmap_size; otherwise SQLite reads it;
 *   - the map is made, at the first fetch, from a descriptor this file
 *     opens on the store before SQLite opens it, and is used only if the
 *     path still names that file after SQLite has opened it
 *     (SQLITE_FCNTL_HAS_MOVED and the path's inode): a store replaced by a
 *     rename in between gets SQLite's own map, never another file's pages.
 *
 * Descriptors: closing any descriptor of a file drops every POSIX lock the
 * process holds on it, and a reading connection's shared lock is what keeps
 * writers off its snapshot. So a descriptor opened here is closed only when
 * no connection of this VFS has that file open any more (a file's entry
 * keeps the descriptors of all its connections until then). A connection to
 * the same file through another VFS of the same process, holding a lock at
 * that moment, would lose it: vouch opens stores for reading through this
 * VFS only, and writes (vouch load) in a process of their own.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "facts_int.h"
#include "alloc.h"

typedef struct shared_map {    /* one store file of the process */
    dev_t dev;
    ino_t ino;
    int *fds;                  /* descriptors opened here on it, closed with the entry */
    int nfds, capfds;
    const unsigned char *base; /* the map, made at the first fetch; NULL: none (yet) */
    size_t len;
    int failed;                /* mmap failed: SQLite reads every page */
    int refs;                  /* connections attached */
    struct shared_map *next;
} shared_map;

typedef struct vfile {
    sqlite3_file base;         /* its pMethods: vfile_methods */
    sqlite3_file *real;        /* the default VFS's file, allocated after this struct */
    shared_map *map;           /* NULL: not shared, calls go through */
    sqlite3_int64 limit;       /* the connection's mmap_size */
    sqlite3_int64 usable;      /* bytes of the map this connection may serve */
    int sized;                 /* usable is up to date */
} vfile;

static pthread_mutex_t maps_lock = PTHREAD_MUTEX_INITIALIZER;
static shared_map *maps;
static sqlite3_vfs *real_vfs;
static sqlite3_vfs vouch_vfs;
static const sqlite3_io_methods vfile_methods;

/* ---- the shared maps (maps_lock held) ------------------------------------------ */

static shared_map *map_find(dev_t dev, ino_t ino)
{
    for (shared_map *m = maps; m; m = m->next)
        if (m->dev == dev && m->ino == ino)
            return m;
    return NULL;
}

static int map_keep_fd(shared_map *m, int fd)
{
    if (m->nfds == m->capfds) {
        int cap = m->capfds ? m->capfds * 2 : 4;
        int *n = vouch_realloc(m->fds, (size_t)cap * sizeof *n);
        if (!n)
            return -1;
        m->fds = n;
        m->capfds = cap;
    }
    m->fds[m->nfds++] = fd;
    return 0;
}

static void map_release(shared_map *m)
{
    if (--m->refs > 0)
        return;
    if (m->base)
        munmap((void *)m->base, m->len);
    for (int i = 0; i < m->nfds; i++)
        close(m->fds[i]);
    for (shared_map **p = &maps; *p; p = &(*p)->next)
        if (*p == m) {
            *p = m->next;
            break;
        }
    vouch_free(m->fds);
    vouch_free(m);
}

/* ---- the file methods ------------------------------------------------------------ */

#define REAL(f) (((vfile *)(f))->real)
#define RM(f) (REAL(f)->pMethods)

static int vf_close(sqlite3_file *f)
{
    vfile *v = (vfile *)f;
    int rc = RM(f)->xClose(REAL(f));
    if (v->map) {
        pthread_mutex_lock(&maps_lock);
        map_release(v->map);
        pthread_mutex_unlock(&maps_lock);
        v->map = NULL;
    }
    return rc;
}

static int vf_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) { return RM(f)->xRead(REAL(f), b, n, o); }
static int vf_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) { return RM(f)->xWrite(REAL(f), b, n, o); }
static int vf_truncate(sqlite3_file *f, sqlite3_int64 n) { return RM(f)->xTruncate(REAL(f), n); }
static int vf_sync(sqlite3_file *f, int fl) { return RM(f)->xSync(REAL(f), fl); }
static int vf_size(sqlite3_file *f, sqlite3_int64 *n) { return RM(f)->xFileSize(REAL(f), n); }
static int vf_lock(sqlite3_file *f, int l) { return RM(f)->xLock(REAL(f), l); }
static int vf_unlock(sqlite3_file *f, int l) { return RM(f)->xUnlock(REAL(f), l); }
static int vf_reserved(sqlite3_file *f, int *r) { return RM(f)->xCheckReservedLock(REAL(f), r); }
static int vf_sector(sqlite3_file *f) { return RM(f)->xSectorSize(REAL(f)); }
static int vf_device(sqlite3_file *f) { return RM(f)->xDeviceCharacteristics(REAL(f)); }

static int vf_control(sqlite3_file *f, int op, void *arg)
{
    vfile *v = (vfile *)f;
    if (op == SQLITE_FCNTL_MMAP_SIZE && v->map) {
        sqlite3_int64 *want = arg, old = v->limit;
        if (*want >= 0) {
            v->limit = *want;
            v->sized = 0;
        }
        *want = old;
        return SQLITE_OK;
    }
    return RM(f)->xFileControl(REAL(f), op, arg);
}

static int vf_shm_map(sqlite3_file *f, int pg, int sz, int extend, void volatile **pp)
{
    return RM(f)->xShmMap(REAL(f), pg, sz, extend, pp);
}
static int vf_shm_lock(sqlite3_file *f, int o, int n, int fl) { return RM(f)->xShmLock(REAL(f), o, n, fl); }
static void vf_shm_barrier(sqlite3_file *f) { RM(f)->xShmBarrier(REAL(f)); }
static int vf_shm_unmap(sqlite3_file *f, int del) { return RM(f)->xShmUnmap(REAL(f), del); }

/* How much of the shared map this connection may serve: the map, made now
 * if it is the first fetch, within the file's current size and the
 * connection's limit. */
static int size_view(vfile *v)
{
    sqlite3_int64 size;
    int rc = RM(v)->xFileSize(v->real, &size);
    if (rc != SQLITE_OK)
        return rc;
    pthread_mutex_lock(&maps_lock);
    shared_map *m = v->map;
    if (!m->base && !m->failed && size > 0 && v->limit > 0) {
        size_t len = (size_t)(size < v->limit ? size : v->limit);
        void *p = mmap(NULL, len, PROT_READ, MAP_SHARED, m->fds[0], 0);
        if (p == MAP_FAILED) {
            m->failed = 1;
        } else {
            m->base = p;
            m->len = len;
        }
    }
    sqlite3_int64 usable = m->base ? (sqlite3_int64)m->len : 0;
    pthread_mutex_unlock(&maps_lock);
    if (usable > size)
        usable = size;
    if (usable > v->limit)
        usable = v->limit;
    v->usable = usable;
    v->sized = 1;
    return SQLITE_OK;
}

static int vf_fetch(sqlite3_file *f, sqlite3_int64 off, int n, void **pp)
{
    vfile *v = (vfile *)f;
    *pp = NULL;
    if (!v->map)
        return RM(f)->iVersion >= 3 ? RM(f)->xFetch(REAL(f), off, n, pp) : SQLITE_OK;
    if (!v->sized) {
        int rc = size_view(v);
        if (rc != SQLITE_OK)
            return rc;
    }
    if (off >= 0 && n >= 0 && off + n <= v->usable)
        *pp = (void *)(v->map->base + off);
    return SQLITE_OK;
}

static int vf_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    vfile *v = (vfile *)f;
    if (!v->map)
        return RM(f)->iVersion >= 3 ? RM(f)->xUnfetch(REAL(f), off, p) : SQLITE_OK;
    if (!p)
        v->sized = 0; /* the file may have changed size: look again at the next fetch */
    return SQLITE_OK;
}

static const sqlite3_io_methods vfile_methods = {
    3,          vf_close,   vf_read,        vf_write,       vf_truncate,  vf_sync,
    vf_size,    vf_lock,    vf_unlock,      vf_reserved,    vf_control,   vf_sector,
    vf_device,  vf_shm_map, vf_shm_lock,    vf_shm_barrier, vf_shm_unmap, vf_fetch,
    vf_unfetch,
};

/* ---- open ----------------------------------------------------------------------- */

/* Whether the file SQLite opened at path is (dev, ino): the path names it
 * now (SQLite's own check) and names (dev, ino) now. */
static int same_file(sqlite3_file *real, const char *path, dev_t dev, ino_t ino)
{
    int moved = 1;
    struct stat st;
    return real->pMethods->xFileControl(real, SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && !moved &&
           stat(path, &st) == 0 && st.st_dev == dev && st.st_ino == ino;
}

/* Gives up a descriptor opened here on a store file (maps_lock held). If
 * connections of this VFS have that file open, closing it would drop their
 * locks: it joins their entry's descriptors instead (or, without the memory
 * for that, stays open). */
static void drop_fd(int fd)
{
    struct stat st;
    shared_map *m = fstat(fd, &st) == 0 ? map_find(st.st_dev, st.st_ino) : NULL;
    if (!m)
        close(fd);
    else
        (void)map_keep_fd(m, fd);
}

/* Attaches v, whose file SQLite has just opened at path, to its file's
 * shared map (maps_lock held). m: the entry the path named before SQLite
 * opened it, if there was one; fd: else a descriptor opened on path then.
 * A file that may not be the one SQLite opened is not shared; SQLITE_NOMEM
 * if the memory to share it is missing. */
static int attach(vfile *v, const char *path, shared_map *m, int fd)
{
    struct stat st;
    if (!m && fd >= 0 && fstat(fd, &st) == 0 && (m = map_find(st.st_dev, st.st_ino)) != NULL) {
        drop_fd(fd); /* renamed in between, to a file that has an entry */
        fd = -1;
    }
    if (!m) {
        if (fd < 0)
            return SQLITE_OK;
        if (fstat(fd, &st) != 0 || !same_file(v->real, path, st.st_dev, st.st_ino)) {
            drop_fd(fd);
            return SQLITE_OK;
        }
        if (!(m = vouch_calloc(1, sizeof *m)) || map_keep_fd(m, fd) != 0) {
            vouch_free(m);
            drop_fd(fd);
            return SQLITE_NOMEM;
        }
        m->dev = st.st_dev;
        m->ino = st.st_ino;
        m->next = maps;
        maps = m;
    } else if (!same_file(v->real, path, m->dev, m->ino)) {
        return SQLITE_OK;
    }
    m->refs++;
    v->map = m;
    return SQLITE_OK;
}

static int vfs_open(sqlite3_vfs *vfs, const char *path, sqlite3_file *f, int flags, int *out)
{
    (void)vfs;
    vfile *v = (vfile *)f;
    memset(v, 0, sizeof *v);
    v->real = (sqlite3_file *)(v + 1);
    int share = path && (flags & SQLITE_OPEN_MAIN_DB) && (flags & SQLITE_OPEN_READONLY);
    shared_map *m = NULL;
    int fd = -1;
    if (share) {
        struct stat st;
        pthread_mutex_lock(&maps_lock);
        m = stat(path, &st) == 0 ? map_find(st.st_dev, st.st_ino) : NULL;
        if (!m)
            fd = open(path, O_RDONLY | O_CLOEXEC);
    }
    int rc = real_vfs->xOpen(real_vfs, path, v->real, flags, out);
    if (share) {
        if (rc == SQLITE_OK && v->real->pMethods) {
            rc = attach(v, path, m, fd);
            if (rc != SQLITE_OK) {
                v->real->pMethods->xClose(v->real);
                v->real->pMethods = NULL;
            }
        } else if (fd >= 0) {
            drop_fd(fd);
        }
        pthread_mutex_unlock(&maps_lock);
    }
    /* SQLite calls xClose if pMethods is set, even after a failed open. */
    f->pMethods = v->real->pMethods ? &vfile_methods : NULL;
    return rc;
}

/* ---- the rest of the VFS: the default one's ------------------------------------- */

static int vfs_delete(sqlite3_vfs *x, const char *p, int sync) { (void)x; return real_vfs->xDelete(real_vfs, p, sync); }
static int vfs_access(sqlite3_vfs *x, const char *p, int fl, int *r) { (void)x; return real_vfs->xAccess(real_vfs, p, fl, r); }
static int vfs_full(sqlite3_vfs *x, const char *p, int n, char *o) { (void)x; return real_vfs->xFullPathname(real_vfs, p, n, o); }
static void *vfs_dlopen(sqlite3_vfs *x, const char *p) { (void)x; return real_vfs->xDlOpen(real_vfs, p); }
static void vfs_dlerror(sqlite3_vfs *x, int n, char *m) { (void)x; real_vfs->xDlError(real_vfs, n, m); }
static void (*vfs_dlsym(sqlite3_vfs *x, void *h, const char *s))(void) { (void)x; return real_vfs->xDlSym(real_vfs, h, s); }
static void vfs_dlclose(sqlite3_vfs *x, void *h) { (void)x; real_vfs->xDlClose(real_vfs, h); }
static int vfs_random(sqlite3_vfs *x, int n, char *o) { (void)x; return real_vfs->xRandomness(real_vfs, n, o); }
static int vfs_sleep(sqlite3_vfs *x, int us) { (void)x; return real_vfs->xSleep(real_vfs, us); }
static int vfs_time(sqlite3_vfs *x, double *t) { (void)x; return real_vfs->xCurrentTime(real_vfs, t); }
static int vfs_lasterr(sqlite3_vfs *x, int n, char *o) { (void)x; return real_vfs->xGetLastError(real_vfs, n, o); }
static int vfs_time64(sqlite3_vfs *x, sqlite3_int64 *t)
{
    (void)x;
    if (real_vfs->iVersion >= 2 && real_vfs->xCurrentTimeInt64)
        return real_vfs->xCurrentTimeInt64(real_vfs, t);
    double d;
    int rc = real_vfs->xCurrentTime(real_vfs, &d);
    *t = (sqlite3_int64)(d * 86400000.0);
    return rc;
}

static pthread_once_t registered = PTHREAD_ONCE_INIT;
static int register_rc = SQLITE_ERROR;

static void register_vfs(void)
{
    real_vfs = sqlite3_vfs_find(NULL);
    if (!real_vfs)
        return;
    vouch_vfs = (sqlite3_vfs){
        .iVersion = 2,
        .szOsFile = (int)sizeof(vfile) + real_vfs->szOsFile,
        .mxPathname = real_vfs->mxPathname,
        .zName = FACTS_VFS_NAME,
        .xOpen = vfs_open,
        .xDelete = vfs_delete,
        .xAccess = vfs_access,
        .xFullPathname = vfs_full,
        .xDlOpen = vfs_dlopen,
        .xDlError = vfs_dlerror,
        .xDlSym = vfs_dlsym,
        .xDlClose = vfs_dlclose,
        .xRandomness = vfs_random,
        .xSleep = vfs_sleep,
        .xCurrentTime = vfs_time,
        .xGetLastError = vfs_lasterr,
        .xCurrentTimeInt64 = vfs_time64,
    };
    register_rc = sqlite3_vfs_register(&vouch_vfs, 0);
}

int facts_shares_map(vouch_facts *f)
{
    sqlite3_file *file = NULL;
    return sqlite3_file_control(f->db, "main", SQLITE_FCNTL_FILE_POINTER, &file) == SQLITE_OK && file &&
           file->pMethods == &vfile_methods && ((vfile *)file)->map != NULL;
}

const char *facts_vfs(void)
{
    pthread_once(&registered, register_vfs);
    return register_rc == SQLITE_OK ? FACTS_VFS_NAME : NULL;
}
