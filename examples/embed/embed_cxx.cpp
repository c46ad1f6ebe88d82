// embed_cxx.cpp: <vouch.h> from C++ (tests/install.sh builds it with
// g++ -std=c++11 -Wall -Wextra -pedantic -Werror against the installed
// library, and runs it). Compiles a one-rule pack given as text, runs it
// against the store given (the Acme example's), and prints the library's
// version and each failing subject: "vouch 0.1.0", then "active_assets
// SUBJECT" per asset that is not active (what `vouch check --format tsv`
// prints for the same pack). Exits 1 if the header's and the library's
// versions differ.
#include <cstddef>
#include <cstdio>
#include <cstring>
#include <string>

#include <vouch.h>

namespace {

// The handle, closed however the scope ends.
struct handle {
    vouch *v;
    handle() : v(vouch_new(nullptr)) {}
    ~handle() { vouch_close(v); }
    handle(const handle &) = delete;
    handle &operator=(const handle &) = delete;
};

int fail(const char *step, const vouch_error &err)
{
    std::fprintf(stderr, "embed_cxx: %s: %s\n", step, err.msg);
    return 2;
}

}  // namespace

int main(int argc, char **argv)
{
    if (argc != 2) {
        std::fprintf(stderr, "usage: embed_cxx STORE\n");
        return 2;
    }
    static_assert(VOUCH_VERSION_NUMBER >= 100, "a version number");
    const std::string pack =
        "pack \"cxx\" version \"1\"\n"
        "import \"isms\"\n"
        "rule active_assets \"Every asset is active\"\n"
        "  severity low\n"
        "{\n"
        "  for a in asset\n"
        "  require a.status == active\n"
        "  subject \"{a.id}\"\n"
        "  else \"{a.id} is {a.status}\"\n"
        "}\n";
    handle h;
    vouch_error err;
    if (!h.v)
        return 2;
    if (vouch_set_as_of(h.v, "2026-11-21", &err) != VOUCH_OK)
        return fail("as-of", err);
    if (vouch_compile_source(h.v, "cxx.vouch", pack.data(), pack.size(), &err) != VOUCH_OK)
        return fail("compile", err);
    if (vouch_open_store(h.v, argv[1], &err) != VOUCH_OK)
        return fail("open", err);
    if (vouch_run(h.v, &err) != VOUCH_OK)
        return fail("run", err);
    std::printf("vouch %s\n", vouch_version());
    for (std::size_t i = 0; i < vouch_outcome_count(h.v); i++) {
        const vouch_outcome *o = vouch_outcome_at(h.v, i);
        if (o->kind == VOUCH_OUTCOME_FAIL)
            std::printf("%s\t%s\n", o->rule, o->subject);
    }
    return std::strcmp(vouch_version(), VOUCH_VERSION_STRING) == 0 ? 0 : 1;
}
