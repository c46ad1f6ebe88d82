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
#include "session.h"
#include "vouch_limits.h"

#define EXIT_USAGE 2

static int usage(const char *fmt, const char *arg)
{
    fputs("vouch: ", stderr);
    cli_say(stderr, fmt, arg);
    fputs("\nRun `vouch --help` for usage.\n", stderr);
    return EXIT_USAGE;
}

int cli_is_program_file(const char *path) { return vouch_session_is_program_file(path); }

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
