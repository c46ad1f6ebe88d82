/*
 * fuzz_common.h: helpers shared by the fuzz targets (tests/fuzz/fuzz_*.c).
 *
 * Each target defines LLVMFuzzerTestOneInput (and, if it needs set-up,
 * LLVMFuzzerInitialize). Built with clang's -fsanitize=fuzzer it is a
 * libFuzzer binary (`make fuzz`); linked with tests/fuzz/replay.c instead
 * it is a plain program that feeds the files it is given to the same
 * function (`make test` replays the corpus that way, without clang).
 *
 * A target returns normally for every input that vouch handles correctly,
 * error or not; it calls fuzz_fail (abort) when vouch breaks a promise the
 * sanitizers cannot see (a compiled program that does not verify, a
 * program that does not survive a write/read round trip).
 */
#ifndef VOUCH_FUZZ_COMMON_H
#define VOUCH_FUZZ_COMMON_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <dirent.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

static inline void fuzz_fail(const char *what, const char *detail)
{
    fprintf(stderr, "fuzz: broken promise: %s%s%s\n", what, detail ? ": " : "",
            detail ? detail : "");
    abort();
}

/* A FILE that discards what is written (diagnostics, listings). */
static inline FILE *fuzz_null(void)
{
    static FILE *f;
    if (!f)
        f = fopen("/dev/null", "w");
    return f;
}

/* A private temporary directory for the process, removed at exit. */
static char fuzz_dir_path[256];

static inline void fuzz_dir_cleanup(void)
{
    DIR *d = opendir(fuzz_dir_path);
    if (d) {
        struct dirent *e;
        char p[600];
        while ((e = readdir(d))) {
            if (e->d_name[0] == '.')
                continue;
            snprintf(p, sizeof p, "%s/%s", fuzz_dir_path, e->d_name);
            unlink(p);
        }
        closedir(d);
    }
    rmdir(fuzz_dir_path);
}

static inline const char *fuzz_dir(void)
{
    if (!fuzz_dir_path[0]) {
        struct stat st;
        const char *base = stat("/dev/shm", &st) == 0 && S_ISDIR(st.st_mode) ? "/dev/shm" : "/tmp";
        snprintf(fuzz_dir_path, sizeof fuzz_dir_path, "%s/vouch-fuzz.XXXXXX", base);
        if (!mkdtemp(fuzz_dir_path)) {
            perror("fuzz: mkdtemp");
            exit(2);
        }
        atexit(fuzz_dir_cleanup);
    }
    return fuzz_dir_path;
}

static inline const char *fuzz_path(char *buf, size_t n, const char *name)
{
    snprintf(buf, n, "%s/%s", fuzz_dir(), name);
    return buf;
}

static inline int fuzz_write(const char *path, const void *data, size_t n)
{
    FILE *f = fopen(path, "wb");
    if (!f)
        return -1;
    int ok = fwrite(data, 1, n, f) == n;
    return fclose(f) == 0 && ok ? 0 : -1;
}

#endif
