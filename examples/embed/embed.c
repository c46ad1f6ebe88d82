/*
 * embed.c: a program that embeds vouch through its public interface alone
 * (<vouch.h>, libvouch; docs/api.md walks through it). It does what
 *
 *   vouch load --facts STORE --pack PACK CSV...     (only if CSVs are given)
 *   vouch check --facts STORE --as-of DATE PACK...
 *
 * do, and prints each outcome as a line
 *
 *   KIND<TAB>RULE<TAB>SUBJECT<TAB>blocking|-
 *
 * (KIND: fail, waived, not_applicable, error) or, with -f FORMAT, the
 * report `vouch check --format FORMAT` writes. It exits as `vouch check`
 * does: 2 on an error (of the input or of a rule), 1 when findings fail
 * the run, 0 otherwise.
 *
 *   embed [-f FORMAT] DATE STORE PACK... [-- CSV...]
 *
 * Built by `make test` (tests/install.sh) against the installed header
 * and library, static and shared, with pkg-config:
 *
 *   cc embed.c $(pkg-config --cflags --libs vouch)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <vouch.h>

/* The compiler's messages, as the command line prints them. */
static void print_diagnostic(void *ctx, const vouch_diagnostic *d)
{
    (void)ctx;
    fputs(d->text, stderr);
}

/* Reports a failed step and says the run cannot go on: 2. */
static int failed(const char *step, const vouch_error *err)
{
    fprintf(stderr, "embed: %s: %s (%s)\n", step, err->msg, vouch_status_name(err->status));
    return 2;
}

int main(int argc, char **argv)
{
    const char *format = NULL;
    int a = 1;
    if (a + 1 < argc && strcmp(argv[a], "-f") == 0) {
        format = argv[a + 1];
        a += 2;
    }
    if (argc - a < 3) {
        fprintf(stderr, "usage: embed [-f FORMAT] DATE STORE PACK... [-- CSV...]\n");
        return 2;
    }
    const char *date = argv[a], *store = argv[a + 1];
    const char *const *packs = (const char *const *)&argv[a + 2];
    size_t npacks = 0, ncsv = 0;
    while (a + 2 + (int)npacks < argc && strcmp(packs[npacks], "--") != 0)
        npacks++;
    const char *const *csv = packs + npacks + (a + 2 + (int)npacks < argc);
    if (a + 2 + (int)npacks < argc)
        ncsv = (size_t)(argc - (a + 3 + (int)npacks));

    vouch_error err;
    vouch *v = vouch_new(&err);
    if (!v)
        return failed("vouch_new", &err);
    int rc = 2;
    if (vouch_set_as_of(v, date, &err) != VOUCH_OK) {
        rc = failed("the as-of date", &err);
        goto out;
    }
    vouch_set_diagnostics(v, print_diagnostic, NULL, &err);
    /* The HTML and OSCAL reports show why each finding fired, as those of
     * `vouch check` do: the packs are compiled for explanations. */
    if (format && (strcmp(format, "html") == 0 || strcmp(format, "oscal") == 0))
        vouch_set_explain(v, 1, &err);
    if (vouch_compile_files(v, packs, npacks, &err) != VOUCH_OK) {
        rc = failed("compiling the packs", &err);
        goto out;
    }
    /* The facts, if given, go in with the types the packs declare. */
    if (ncsv && vouch_load_csv(v, store, csv, ncsv, 1, &err) != VOUCH_OK) {
        rc = failed("loading the facts", &err);
        goto out;
    }
    if (vouch_open_store(v, store, &err) != VOUCH_OK) {
        rc = failed("opening the store", &err);
        goto out;
    }
    if (vouch_run(v, &err) != VOUCH_OK) {
        rc = failed("running the rules", &err);
        goto out;
    }
    if (format) {
        if (vouch_write_report(v, format, stdout, &err) != VOUCH_OK) {
            rc = failed("writing the report", &err);
            goto out;
        }
    } else {
        for (size_t i = 0; i < vouch_outcome_count(v); i++) {
            const vouch_outcome *o = vouch_outcome_at(v, i);
            printf("%s\t%s\t%s\t%s\n", vouch_outcome_kind_name(o->kind), o->rule, o->subject,
                   o->blocking ? "blocking" : "-");
        }
    }
    rc = vouch_errored(v) ? 2 : vouch_failing(v) ? 1 : 0;
out:
    vouch_close(v);
    return rc;
}
