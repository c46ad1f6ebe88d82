/*
 * help.c: the one table of the command line's help (help.h). Each command
 * has a summary (one line), its usage lines, its options (one line each,
 * every option its parser accepts: tests/help.sh fails otherwise) and an
 * example. The general help is built from the same rows.
 */
#include <string.h>

#include "help.h"
#include "closest.h"

typedef struct help_option {
    const char *name;   /* "--facts FILE.db"; the option is the first word */
    const char *text;   /* one line */
} help_option;

#define MAX_OPTIONS 20

typedef struct help_command {
    const char *name;
    const char *summary;
    const char *usage;  /* lines, each "vouch NAME ...", '\n'-separated */
    help_option options[MAX_OPTIONS];
    const char *example;
} help_command;

/* The options of every command that evaluates packs against a store. */
#define RUN_DATES                                                                                        \
    {"--facts FILE.db", "the facts store (SQLite), written by `vouch load`"},                            \
    {"--as-of DATE", "the evaluation date, YYYY-MM-DD: `today` in rules (default: the current date)"},   \
    {"--period A..B", "the audit period (default: the four calendar quarters before the as-of quarter)"}, \
    {"--period-to-date", "a --period that ends after the as-of date stands for its part up to it"}
#define RUN_LIMITS                                                                                       \
    {"--max-steps N", "stop a rule after N instructions or N SQLite steps (at most 2000000000)"},        \
    {"--max-memory MIB", "stop the run when it holds more than MIB MiB (at most 1024)"},                 \
    {"--timeout SECONDS", "stop the run after SECONDS seconds (1 to 86400; default: none)"}

static const help_command COMMANDS[] = {
    {"check", "evaluate packs against a facts store and report findings",
     "vouch check --facts FILE.db [--as-of DATE] [--period A..B] [--format FORMAT] [--fail-on SEVERITY]\n"
     "            [--allow-soft] [--explain] [--output FILE] [--output FORMAT=FILE]... PACK.vouch...",
     {RUN_DATES,
      {"--format FORMAT", "text (default), json, tsv, sarif, junit, oscal, markdown or html (docs/outputs.md)"},
      {"--fail-on SEVERITY", "exit 1 if a soft rule's finding is this severe or more: info (default) .. critical"},
      {"--allow-soft", "soft rules' findings are reported but do not fail the run"},
      {"--explain", "with each finding, why: its rows, each condition's value, each search of the facts"},
      {"--output FILE", "write the report to FILE, whole or not at all (- is stdout); also -o FILE"},
      {"--output FORMAT=FILE", "(repeatable) also write FORMAT to FILE: several formats in one run"},
      {"-o FILE", "the same as --output"},
      {"--baseline OLD.json", "mark each finding new or unchanged against an earlier --format json report"},
      {"--fail-on-new", "(with --baseline) only new findings fail the run"},
      {"--stats", "print how each access plan was answered, to stderr"},
      RUN_LIMITS},
     "vouch check --facts org.db --as-of 2026-11-21 --format sarif --output out.sarif pack.vouch"},
    {"load", "import CSV, JSON or JSON Lines facts into a store, checked against the declared facts",
     "vouch load --facts FILE.db [--pack PACK.vouch]... [--replace | --upsert] [--catalogues]\n"
     "           [--time-zone ZONE] [--quiet] [TABLE.csv | TABLE.json | TABLE.jsonl]... [--table TABLE -]\n"
     "           [--source NAME]... [FILE...]",
     {{"--facts FILE.db", "the facts store to create or add to"},
      {"--pack PACK.vouch", "(repeatable) a pack whose declared facts the inputs may fill"},
      {"--replace", "replace the rows of each table loaded instead of adding to them"},
      {"--upsert", "a row whose key is stored replaces that row; other rows are added"},
      {"--catalogues", "also load the packs' frameworks, controls and crosswalk pairs"},
      {"--table TABLE", "the table standard input (`-`) fills: CSV, a JSON array or JSON Lines"},
      {"--time-zone ZONE", "the zone date-times become dates in: UTC (default) or an offset such as +02:00"},
      {"--quiet", "no progress or summary on a terminal (errors only)"},
      {"--source NAME", "(repeatable) read every input with the packs' `source NAME` (a mapping of another tool's export); with several, each file is read by each"}},
     "vouch load --facts org.db --pack my-pack.vouch control.csv evidence.csv"},
    {"explain", "show why a rule passed, failed or did not apply, for one subject or all",
     "vouch explain --facts FILE.db [--as-of DATE] [--period A..B] [--format text|json]\n"
     "              RULE [SUBJECT] PACK.vouch...",
     {RUN_DATES,
      {"--format FORMAT", "text (default) or json"},
      {"--output FILE", "write the explanation to FILE, whole or not at all; also -o FILE"},
      {"-o FILE", "the same as --output"},
      RUN_LIMITS},
     "vouch explain --facts org.db --as-of 2026-11-21 access_review_fresh alice pack.vouch"},
    {"test", "run the packs' `test` blocks: fixtures in, exact outcomes expected",
     "vouch test [--junit FILE] [--min-coverage PCT] PACK.vouch...",
     {{"--junit FILE", "also write the results as JUnit XML to FILE"},
      {"--min-coverage PCT", "exit 1 unless the tests exercise at least PCT% of the rules"}},
     "vouch test --junit tests.xml pack.vouch"},
    {"lint", "warn about what compiles but is suspicious; exit 1 if there is any warning",
     "vouch lint PACK.vouch...", {{NULL, NULL}}, "vouch lint pack.vouch"},
    {"fmt", "rewrite files in the canonical layout (comments kept)",
     "vouch fmt [--check] FILE.vouch...",
     {{"--check", "change nothing: list the files that are not formatted and exit 1 if any"}},
     "vouch fmt --check rules/*.vouch"},
    {"coverage", "report for each control of a framework whether the packs' results satisfy it",
     "vouch coverage --facts FILE.db --framework ID [--as-of DATE] [--period A..B]\n"
     "               [--format text|json] [--output FILE] PACK.vouch...",
     {RUN_DATES,
      {"--framework ID", "the framework whose controls are reported (crosswalks included)"},
      {"--format FORMAT", "text (default) or json"},
      {"--output FILE", "write the report to FILE, whole or not at all; also -o FILE"},
      {"-o FILE", "the same as --output"},
      RUN_LIMITS},
     "vouch coverage --facts org.db --framework soc2-2017 pack.vouch"},
    {"soa", "write the Statement of Applicability of one framework (docs/soa.md)",
     "vouch soa --facts FILE.db --framework ID [--only ATTR=VALUE] [--as-of DATE] [--period A..B]\n"
     "          [--format markdown|csv|html] [--output FILE] PACK.vouch...",
     {RUN_DATES,
      {"--framework ID", "the framework whose controls the statement lists"},
      {"--only ATTR=VALUE", "only the controls whose attribute ATTR is VALUE (for example kind=annex_a; "
                            "without it, every control but the mandatory requirements, kind clause)"},
      {"--format FORMAT", "markdown (default), csv or html"},
      {"--output FILE", "write the statement to FILE, whole or not at all; also -o FILE"},
      {"-o FILE", "the same as --output"},
      RUN_LIMITS},
     "vouch soa --facts org.db --framework iso27001-2022 --format html -o soa.html pack.vouch"},
    {"compile", "compile packs into one checked program file, run by giving it in place of the packs",
     "vouch compile -o PACK.vbc PACK.vouch...",
     {{"-o FILE.vbc", "the program file to write (whole or not at all)"},
      {"--output FILE.vbc", "the same as -o"}},
     "vouch compile -o pack.vbc pack.vouch && vouch check --facts org.db pack.vbc"},
    {"disasm", "compile packs and print their bytecode and access plans",
     "vouch disasm [--positions] PACK.vouch...",
     {{"--positions", "also show where in the source each instruction comes from"}},
     "vouch disasm --positions pack.vouch"},
    {"lsp", "the language server: diagnostics, hover, definition, completion, formatting (docs/editors.md)",
     "vouch lsp [--stdio]",
     {{"--stdio", "speak the protocol on standard input and output (the default, and the only way)"}},
     "nvim: vim.lsp.start({ name = \"vouch\", cmd = { \"vouch\", \"lsp\" } })"},
};

#define NCOMMANDS (sizeof COMMANDS / sizeof COMMANDS[0])

static const help_command *find(const char *name)
{
    for (size_t i = 0; i < NCOMMANDS; i++)
        if (strcmp(COMMANDS[i].name, name) == 0)
            return &COMMANDS[i];
    return NULL;
}

int cli_help_is_command(const char *name) { return find(name) != NULL; }

const char *cli_help_closest(const char *name)
{
    return vouch_closest(name, strlen(name), &COMMANDS[0].name, sizeof COMMANDS[0], NCOMMANDS, 0);
}

/* Usage lines, each indented by indent spaces. */
static void put_usage(const char *usage, int indent, FILE *out)
{
    for (const char *s = usage; *s;) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        fprintf(out, "%*s%.*s\n", indent, "", (int)n, s);
        s += n + (nl != NULL);
    }
}

void cli_help_general(FILE *out)
{
    fputs("usage: vouch <command> [options] [files]\n\nCommands:\n", out);
    for (size_t i = 0; i < NCOMMANDS; i++) {
        fprintf(out, "  %-9s %s\n", COMMANDS[i].name, COMMANDS[i].summary);
        put_usage(COMMANDS[i].usage, 12, out);
    }
    fputs("\n"
          "  vouch help COMMAND, or vouch COMMAND --help: a command's options, each explained, and an example.\n"
          "  vouch --version: the version.\n"
          "\n"
          "Environment: VOUCH_PATH, directories (colon-separated) where imports are looked for, before\n"
          "the installed standard packs; VOUCH_THREADS=1 runs check's rules on one thread.\n"
          "\n"
          "Exit status: 0 no finding fails the run; 1 a finding fails it (a hard rule's finding, or a\n"
          "soft rule's at or above --fail-on unless --allow-soft; advisory rules' never do);\n"
          "2 usage or input error (bad source, bad facts, missing or unreadable file, unknown\n"
          "command or option).\n"
          "\n"
          "See vouch(1), vouch-language(7) and docs/ for the details.\n",
          out);
}

int cli_help_command(const char *name, FILE *out)
{
    const help_command *c = find(name);
    if (!c)
        return -1;
    fprintf(out, "vouch %s: %s\n\nUsage:\n", c->name, c->summary);
    put_usage(c->usage, 2, out);
    fputs("\nOptions:\n", out);
    for (int i = 0; i < MAX_OPTIONS && c->options[i].name; i++)
        fprintf(out, "  %-22s %s\n", c->options[i].name, c->options[i].text);
    fprintf(out, "  %-22s %s\n", "--help, -h", "this help");
    fprintf(out, "\nExample:\n  %s\n", c->example);
    return 0;
}
