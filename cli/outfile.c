/*
 * outfile.c: writing the command line's outputs (outfile.h).
 *
 * Invariants: nothing is ever renamed over a path that is not a regular
 * file; a regular file is replaced only by a complete, synced file with its
 * mode; an input of the run is never opened for writing. A file is named
 * by its device and inode when it exists, else by its directory's real
 * path and its base name, so two spellings of one path compare equal.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "say.h"
#include "outfile.h"
#include "common.h"
#include "alloc.h"

/* ---- inputs ------------------------------------------------------------ */

enum { IN_PACK, IN_STORE, IN_BASELINE };

typedef struct input {
    char *path;              /* a copy: imported packs' names die early */
    int kind;
} input;

static input *inputs;
static size_t ninputs, capinputs;

static void free_inputs(void)
{
    for (size_t i = 0; i < ninputs; i++)
        vouch_free(inputs[i].path);
    vouch_free(inputs);
    inputs = NULL;
    ninputs = capinputs = 0;
}

static void note(const char *path, int kind)
{
    if (!path)
        return;
    for (size_t i = 0; i < ninputs; i++)
        if (inputs[i].kind == kind && strcmp(inputs[i].path, path) == 0)
            return; /* noted before the run and again when opened */
    static int registered;
    if (!registered)
        registered = atexit(free_inputs) == 0;
    if (ninputs == capinputs) {
        size_t cap = capinputs ? capinputs * 2 : 16;
        input *n = vouch_realloc(inputs, cap * sizeof *n);
        if (!n)
            return;  /* out of memory: the check below then knows less */
        inputs = n;
        capinputs = cap;
    }
    if (!(inputs[ninputs].path = vouch_strdup(path)))
        return;
    inputs[ninputs++].kind = kind;
}

void cli_input_pack(const char *path) { note(path, IN_PACK); }
void cli_input_store(const char *path) { note(path, IN_STORE); }
void cli_input_baseline(const char *path) { note(path, IN_BASELINE); }

/* ---- naming a file ------------------------------------------------------ */

/* What a path names: standard output, an existing file (dev, ino) or a
 * file that does not exist yet (its resolved name). */
typedef struct fileid {
    enum { ID_STDOUT, ID_FILE, ID_NEW } kind;
    dev_t dev;
    ino_t ino;
    char name[PATH_MAX + 256];
} fileid;

static int is_stdout(const char *path) { return !path || strcmp(path, "-") == 0; }

static void identify(const char *path, fileid *id)
{
    struct stat st, out;
    memset(id, 0, sizeof *id);
    if (is_stdout(path)) {
        id->kind = ID_STDOUT;
        return;
    }
    if (stat(path, &st) == 0) {
        /* the file standard output already writes to: /dev/stdout, or the
         * file the shell redirected it to */
        if (fstat(STDOUT_FILENO, &out) == 0 && out.st_dev == st.st_dev && out.st_ino == st.st_ino) {
            id->kind = ID_STDOUT;
            return;
        }
        id->kind = ID_FILE;
        id->dev = st.st_dev;
        id->ino = st.st_ino;
        return;
    }
    id->kind = ID_NEW;
    const char *slash = strrchr(path, '/');
    char dir[PATH_MAX], real[PATH_MAX];
    if (!slash)
        snprintf(dir, sizeof dir, ".");
    else
        snprintf(dir, sizeof dir, "%.*s", (int)(slash == path ? 1 : slash - path), path);
    if (realpath(dir, real))
        snprintf(id->name, sizeof id->name, "%s/%s", real, slash ? slash + 1 : path);
    else
        snprintf(id->name, sizeof id->name, "%s", path);
}

static int same(const fileid *a, const fileid *b)
{
    if (a->kind != b->kind)
        return 0;
    if (a->kind == ID_STDOUT)
        return 1;
    if (a->kind == ID_FILE)
        return a->dev == b->dev && a->ino == b->ino;
    return strcmp(a->name, b->name) == 0;
}

/* 1 (and a usage error printed) if out names an input of the run. */
static int clashes_with_input(const char *path, const char *opt, const fileid *out)
{
    static const char *const sides[] = {"-wal", "-shm", "-journal"};
    fileid in;
    if (out->kind == ID_STDOUT)
        return 0;
    for (size_t i = 0; i < ninputs; i++) {
        identify(inputs[i].path, &in);
        if (same(out, &in)) {
            cli_say(stderr, "vouch: %s %s is the %s %s: writing it would destroy an input\n"
                    "Run `vouch --help` for usage.\n", opt, path,
                    inputs[i].kind == IN_STORE      ? "facts store"
                    : inputs[i].kind == IN_BASELINE ? "baseline"
                                                    : "pack",
                    inputs[i].path);
            return 1;
        }
        for (size_t k = 0; inputs[i].kind == IN_STORE && k < sizeof sides / sizeof sides[0]; k++) {
            char side[PATH_MAX + 16];
            snprintf(side, sizeof side, "%s%s", inputs[i].path, sides[k]);
            identify(side, &in);
            if (same(out, &in)) {
                cli_say(stderr, "vouch: %s %s is the facts store's %s: writing it would destroy an "
                        "input\nRun `vouch --help` for usage.\n", opt, path, side);
                return 1;
            }
        }
    }
    return 0;
}

int cli_outputs_check(const char *const *paths, int n, const char *opt)
{
    fileid *ids = vouch_calloc((size_t)n + 1, sizeof *ids);
    if (!ids)
        return cli_usage("%s", "out of memory");
    int rc = 0;
    for (int i = 0; i < n && !rc; i++) {
        identify(paths[i], &ids[i]);
        for (int j = 0; j < i && !rc; j++)
            if (same(&ids[i], &ids[j])) {
                cli_say(stderr, "vouch: %s %s and %s %s name the same file\nRun `vouch --help` for "
                        "usage.\n", opt, paths[j] ? paths[j] : "-", opt, paths[i] ? paths[i] : "-");
                rc = 2;
            }
        if (!rc && clashes_with_input(paths[i], opt, &ids[i]))
            rc = 2;
    }
    vouch_free(ids);
    return rc;
}

int cli_output_once(const char *const *paths, int n, const char *opt, const char *what)
{
    if (n < 2)
        return 0;
    cli_say(stderr, "vouch: %s %s and %s %s: %s; give %s once\nRun `vouch --help` for usage.\n", opt,
            paths[0] ? paths[0] : "-", opt, paths[1] ? paths[1] : "-", what, opt);
    return 2;
}

/* ---- writing -------------------------------------------------------------- */

/* Runs writer on f and closes f: 0, or -1 with errno set. */
static int write_and_close(FILE *f, cli_writer writer, void *ctx, int sync)
{
    errno = 0;
    int rc = writer(ctx, f);
    int saved = errno;
    if (fflush(f) != 0 || ferror(f)) {
        rc = -1;
        saved = errno ? errno : saved;
    }
    if (rc == 0 && sync && fsync(fileno(f)) != 0) {
        rc = -1;
        saved = errno;
    }
    if (fclose(f) != 0 && rc == 0) {
        rc = -1;
        saved = errno;
    }
    errno = saved ? saved : EIO;
    return rc;
}

/* A device or a FIFO: opened as it is, written in place. */
static int write_in_place(const char *path, cli_writer writer, void *ctx)
{
    int fd = open(path, O_WRONLY | O_NOCTTY | O_CLOEXEC);
    FILE *f = fd >= 0 ? fdopen(fd, "wb") : NULL;
    if (!f) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return write_and_close(f, writer, ctx, 0);
}

/* A regular file (old: its stat, or NULL for a new one) replaced through
 * target.tmp.PID. */
static int write_replacing(const char *target, const struct stat *old, cli_writer writer, void *ctx)
{
    size_t n = strlen(target) + 32;
    char *tmp = vouch_malloc(n);
    if (!tmp) {
        errno = ENOMEM;
        return -1;
    }
    snprintf(tmp, n, "%s.tmp.%ld", target, (long)getpid());
    /* O_EXCL | O_NOFOLLOW: never through a file or link someone left there */
    int fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, old ? 0600 : 0666);
    int rc = -1;
    if (fd >= 0) {
        rc = 0;
        if (old) {
            if (fchmod(fd, old->st_mode & 0777) != 0)
                rc = -1;
            /* as root, replacing another user's report: keep it theirs
             * (an ordinary user cannot give a file away; that is no error) */
            if (rc == 0 && (old->st_uid != geteuid() || old->st_gid != getegid()) &&
                fchown(fd, old->st_uid, old->st_gid) != 0 && errno != EPERM)
                rc = -1;
        }
        FILE *f = rc == 0 ? fdopen(fd, "wb") : NULL;
        if (!f) {
            int saved = errno;
            close(fd);
            errno = saved;
            rc = -1;
        } else {
            rc = write_and_close(f, writer, ctx, 1);
        }
        if (rc == 0 && rename(tmp, target) != 0)
            rc = -1;
        int saved = errno;
        if (rc != 0)
            unlink(tmp);
        errno = saved;
    }
    vouch_free(tmp);
    return rc;
}

static int fail(const char *path, const char *why)
{
    cli_say(stderr, "vouch: error: cannot write %s: %s\n", path, why);
    return -1;
}

int cli_write_file(const char *path, const char *opt, cli_writer writer, void *ctx)
{
    fileid id;
    identify(path, &id);
    if (clashes_with_input(path, opt, &id))
        return -1;
    if (id.kind == ID_STDOUT) {
        errno = 0;
        if (writer(ctx, stdout) != 0 || fflush(stdout) != 0 || ferror(stdout))
            return fail("standard output", errno ? strerror(errno) : "write error");
        return 0;
    }
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno != ENOENT)
            return fail(path, strerror(errno));
        return write_replacing(path, NULL, writer, ctx) == 0 ? 0 : fail(path, strerror(errno));
    }
    if (S_ISDIR(st.st_mode))
        return fail(path, "is a directory");
    if (S_ISCHR(st.st_mode) || S_ISFIFO(st.st_mode))
        return write_in_place(path, writer, ctx) == 0 ? 0 : fail(path, strerror(errno));
    if (!S_ISREG(st.st_mode))
        return fail(path, S_ISBLK(st.st_mode) ? "a block device (outputs go to files, character "
                    "devices and FIFOs)" : "not a file, a character device or a FIFO");
    if ((st.st_mode & 0222) == 0) {
        char why[96];
        snprintf(why, sizeof why, "the file is read-only (mode %o): make it writable or remove it first",
                 (unsigned)(st.st_mode & 0777));
        return fail(path, why);
    }
    if (access(path, W_OK) != 0)
        return fail(path, strerror(errno));
    /* A symbolic link stays one: its target is what gets replaced. */
    char *real = realpath(path, NULL);
    if (!real)
        return fail(path, strerror(errno));
    int rc = write_replacing(real, &st, writer, ctx);
    int saved = errno;
    free(real);
    return rc == 0 ? 0 : fail(path, strerror(saved));
}

typedef struct bytes {
    const void *p;
    size_t n;
} bytes;

static int write_bytes(void *ctx, FILE *out)
{
    const bytes *b = ctx;
    return fwrite(b->p, 1, b->n, out) == b->n ? 0 : -1;
}

int cli_write_buf(const char *path, const char *opt, const void *buf, size_t len)
{
    bytes b = {buf, len};
    return cli_write_file(path, opt, write_bytes, &b);
}
