/*
 * cmd_compile.c: `vouch compile` and loading .vbc files (see
 * cmd_compile.h). Prints, like the rest of cli/; exit status 2 for every
 * error.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "say.h"
#include "cmd_compile.h"
#include "outfile.h"
#include "alloc.h"
#include "program_io.h"
#include "vouch_limits.h"

#define EXIT_USAGE 2

static int usage(const char *fmt, const char *arg)
{
    fputs("vouch: ", stderr);
    cli_say(stderr, fmt, arg);
    fputs("\nRun `vouch --help` for usage.\n", stderr);
    return EXIT_USAGE;
}

int cli_is_program_file(const char *path)
{
    unsigned char head[VOUCH_VBC_MAGIC_LEN];
    FILE *f = fopen(path, "rb");
    if (!f)
        return 0;
    size_t n = fread(head, 1, sizeof head, f);
    fclose(f);
    return vouch_program_is_vbc(head, n);
}

vouch_program *cli_load_program(char **paths, int n)
{
    if (n != 1) {
        cli_say(stderr, "vouch: error: %s is a compiled program: give it alone, without other "
                "packs (compile them together instead)\n", paths[0]);
        return NULL;
    }
    const char *path = paths[0];
    FILE *f = fopen(path, "rb");
    struct stat st;
    if (!f || fstat(fileno(f), &st) != 0) {
        cli_say(stderr, "vouch: error: cannot read %s: %s\n", path, strerror(errno));
        if (f)
            fclose(f);
        return NULL;
    }
    if (st.st_size > (off_t)VOUCH_MAX_PROGRAM_BYTES) {
        cli_say(stderr, "vouch: error: %s: a program file of %lld bytes is larger than the limit "
                "of %u\n", path, (long long)st.st_size, VOUCH_MAX_PROGRAM_BYTES);
        fclose(f);
        return NULL;
    }
    size_t len = (size_t)st.st_size;
    unsigned char *buf = malloc(len ? len : 1);
    if (!buf) {
        cli_say(stderr, "vouch: error: %s: out of memory\n", path);
        fclose(f);
        return NULL;
    }
    size_t got = fread(buf, 1, len, f);
    int rerr = ferror(f) || got != len;
    fclose(f);
    if (rerr) {
        cli_say(stderr, "vouch: error: cannot read %s\n", path);
        free(buf);
        return NULL;
    }
    vouch_program *p = NULL;
    vouch_error err;
    cli_input_pack(path);
    if (vouch_program_read(buf, len, 0, &p, &err) != VOUCH_OK)
        cli_say(stderr, "vouch: error: %s: %s\n", path, err.msg);
    free(buf);
    return p;
}

/* One -o: a second one is a usage error (2), naming the first's file or
 * not. */
static int set_output(const char **out, const char *path)
{
    const char *two[2] = {*out, path};
    if (*out && (cli_outputs_check(two, 2, "-o") != 0 || cli_output_once(two, 2, "-o", "compile writes one output") != 0))
        return EXIT_USAGE;
    *out = path;
    return 0;
}

int cmd_compile(int argc, char **argv, cli_compile_fn compile)
{
    const char *out = NULL;
    char **files = calloc((size_t)argc + 1, sizeof *files);
    int nfiles = 0, only_files = 0, rc = EXIT_USAGE;
    if (!files)
        return usage("%s", "out of memory");
    for (int i = 0; i < argc; i++) {
        const char *s = argv[i];
        if (only_files || s[0] != '-' || strcmp(s, "-") == 0) {
            files[nfiles++] = argv[i];
        } else if (strcmp(s, "--") == 0) {
            only_files = 1;
        } else if (strcmp(s, "-o") == 0 || strcmp(s, "--output") == 0) {
            if (i + 1 >= argc) {
                usage("option %s needs a value", s);
                goto out;
            }
            if (set_output(&out, argv[++i]) != 0)
                goto out;
        } else if (strncmp(s, "--output=", 9) == 0) {
            if (set_output(&out, s + 9) != 0)
                goto out;
        } else {
            usage("unknown option %s for this command", s);
            goto out;
        }
    }
    if (!out) {
        usage("%s", "compile needs -o FILE.vbc");
        goto out;
    }
    if (nfiles == 0) {
        usage("%s", "compile needs at least one pack file");
        goto out;
    }
    vouch_program *p = compile(files, nfiles);
    if (!p)
        goto out;
    unsigned char *buf;
    size_t len;
    vouch_error err;
    if (vouch_program_write_buf(p, &buf, &len, &err) != VOUCH_OK) {
        cli_say(stderr, "vouch: error: %s\n", err.msg);
    } else {
        if (cli_write_buf(out, "-o", buf, len) == 0)
            rc = 0;
        vouch_free(buf);
    }
    vouch_program_free(p);
out:
    free(files);
    return rc;
}
