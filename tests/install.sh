#!/bin/sh
# tests/install.sh: make install and make uninstall.
#
#   sh tests/install.sh
#
# 1. make install PREFIX=$tmp/p: the installed binary, with no VOUCH_PATH,
#    loads the installed example's facts and checks them with a pack that
#    imports the installed ISO 27001 pack by name (exit 1: the example's
#    planted findings); the source tree's binary cannot find that import
#    (exit 2). man -l renders both pages without warnings.
# 2. make install DESTDIR=$tmp/stage PREFIX=/usr: everything lands under
#    the stage, and the binary names /usr/share/vouch/packs.
# 3. make uninstall, with the same PREFIX and DESTDIR, leaves no file.
# The library (include/vouch.h, libvouch.a, libvouch.so, vouch.pc):
# 4. in PREFIX=$tmp/p: the header compiles alone as C89, C99 and C++98 with
#    -pedantic -Werror; every function it declares carries VOUCH_API; the
#    global symbols of libvouch.so (dynamic) and of libvouch.a are exactly
#    the header's functions, every one vouch_* (and the check catches a
#    planted leak); examples/embed/embed.c built with pkg-config against the
#    static and the shared library, and examples/embed/embed_cxx.cpp with
#    g++, run on the installed Acme example: their outcomes are those of
#    the installed `vouch check` (kind, rule, subject, blocking), their
#    JSON, SARIF, HTML and OSCAL reports byte-identical to its, their exit statuses
#    its; the static one links beside an embedder's own arena_alloc and
#    sqlite3_libversion; docs/api.md's example builds and prints the
#    blocking findings; the installed library finds the installed packs.
# 5. in DESTDIR=$tmp/stage PREFIX=/usr: pkg-config with
#    PKG_CONFIG_SYSROOT_DIR finds the staged header and library, and the
#    example built that way runs.
# Ends with "install: N passed, M failed".
set -u
cd "$(dirname "$0")/.." || exit 2
exec </dev/null
work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-install.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
passed=0
failed=0
ok() { passed=$((passed + 1)); }
no() { echo "install: $*"; failed=$((failed + 1)); }
unset VOUCH_PATH

p=$work/p
if make --no-print-directory install PREFIX="$p" > "$work/make.log" 2>&1; then ok; else no "make install PREFIX=$p failed:"; tail -n 20 "$work/make.log"; fi
for f in bin/vouch share/man/man1/vouch.1 share/man/man7/vouch-language.7 share/vouch/packs/iso27001-2022.vouch \
         share/vouch/packs/csf2-to-iso27001-2022.vouch share/vouch/packs/reference.vouch \
         share/vouch/packs/iso27001/pack.vouch share/vouch/examples/acme/pack.vouch; do
    if [ -f "$p/$f" ]; then ok; else no "make install did not install $f"; fi
done

printf 'pack "installed" version "1.0.0"\nimport "isms"\nimport "iso27001"\n' > "$work/my.vouch"
ex=$p/share/vouch/examples/acme
org=""
for f in "$ex"/*.csv; do
    case ${f##*/} in framework.csv|control.csv|mapping.csv) ;; *) org="$org $f" ;; esac
done
# shellcheck disable=SC2086 # file names without spaces
if "$p/bin/vouch" load --facts "$work/org.db" --catalogues --pack "$work/my.vouch" $org > "$work/load.out" 2>&1; then ok
else no "the installed vouch cannot load the example with the installed packs:"; cat "$work/load.out"; fi
"$p/bin/vouch" check --facts "$work/org.db" --as-of 2026-11-21 --format tsv "$work/my.vouch" > "$work/check.out" 2>&1
st=$?
if [ "$st" = 1 ] && grep -q . "$work/check.out"; then ok
else no "the installed vouch check of the example: exit $st (want 1, findings):"; head -n 20 "$work/check.out"; fi
./vouch disasm "$work/my.vouch" > "$work/tree.out" 2>&1
st=$?
if [ "$st" = 2 ]; then ok; else no "the source tree's ./vouch found import \"iso27001\" with no VOUCH_PATH (exit $st)"; fi
for m in man1/vouch.1 man7/vouch-language.7; do
    LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$p/share/man/$m" > "$work/man.out" 2> "$work/man.err"
    st=$?
    if [ "$st" = 0 ] && [ ! -s "$work/man.err" ] && grep -q 'vouch' "$work/man.out"; then ok
    else no "man -l $m: exit $st:"; cat "$work/man.err"; fi
    if groff -man -Tutf8 -ww -z "man/${m#*/}" > "$work/groff.err" 2>&1 && [ ! -s "$work/groff.err" ]; then ok
    else no "groff -ww man/${m#*/}:"; cat "$work/groff.err"; fi
done
# ---- 4. the library, installed in $p --------------------------------------------
for f in include/vouch.h lib/libvouch.a lib/libvouch.so lib/libvouch.so.0 lib/pkgconfig/vouch.pc; do
    if [ -e "$p/$f" ]; then ok; else no "make install did not install $f"; fi
done
hdr=$p/include/vouch.h
printf '#include <vouch.h>\nint main(void) { return vouch_version() == 0; }\n' > "$work/h.c"
if cc -std=c99 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$p/include" "$work/h.c" 2> "$work/cc.err"; then ok
else no "vouch.h does not compile as C99:"; head -n 20 "$work/cc.err"; fi
if cc -std=c89 -pedantic -Wall -Werror -fsyntax-only -I"$p/include" "$work/h.c" 2> "$work/cc.err"; then ok
else no "vouch.h does not compile as C89:"; head -n 20 "$work/cc.err"; fi
cp "$work/h.c" "$work/h.cpp"
if g++ -std=c++98 -pedantic -Wall -Wextra -Werror -fsyntax-only -I"$p/include" "$work/h.cpp" 2> "$work/cc.err"; then ok
else no "vouch.h does not compile as C++98:"; head -n 20 "$work/cc.err"; fi
# Every function declaration of the header is exported: none without VOUCH_API.
bare=$(grep -n '^[a-z][^(]*[ *]vouch_[a-z0-9_]*(' "$hdr" | grep -v '^[0-9]*:typedef')
if [ -z "$bare" ]; then ok; else no "vouch.h declares functions without VOUCH_API: $bare"; fi
sed -n 's/^VOUCH_API .*[ *]\(vouch_[a-z0-9_]*\)(.*/\1/p' "$hdr" | sort > "$work/header.syms"
if [ "$(wc -l < "$work/header.syms")" -ge 20 ]; then ok; else no "vouch.h: only $(wc -l < "$work/header.syms") functions found"; fi

# symcheck LIB: 0 if LIB's global defined symbols (dynamic ones for a .so)
# are exactly the header's functions, all vouch_*; else says what differs.
symcheck() {
    case $1 in
    *.a) nm -g --defined-only "$1" | awk 'NF == 3 { print $3 }' ;;
    *) nm -D --defined-only "$1" | awk '{ print $NF }' ;;
    esac | sort -u > "$work/lib.syms"
    r=0
    other=$(grep -v '^vouch_' "$work/lib.syms")
    [ -z "$other" ] || { echo "  $1 exports symbols not named vouch_*: $(echo $other | head -c 300)"; r=1; }
    extra=$(comm -23 "$work/lib.syms" "$work/header.syms")
    [ -z "$extra" ] || { echo "  $1 exports what vouch.h does not declare: $(echo $extra | head -c 300)"; r=1; }
    missing=$(comm -13 "$work/lib.syms" "$work/header.syms")
    [ -z "$missing" ] || { echo "  $1 does not export: $(echo $missing | head -c 300)"; r=1; }
    return $r
}
for l in "$p/lib/libvouch.so" "$p/lib/libvouch.a"; do
    if symcheck "$l" > "$work/sym.out"; then ok; else no "symbols of ${l##*/}:"; cat "$work/sym.out"; fi
done
# The check catches a leak: a library with one internal name too many.
printf 'int vouch_version(void);\nint vouch_version(void) { return 0; }\nint arena_alloc(void) { return 1; }\n' > "$work/leak.c"
if cc -shared -fPIC -o "$work/libleak.so" "$work/leak.c" 2> "$work/cc.err" && ! symcheck "$work/libleak.so" > "$work/sym.out" &&
   grep -q 'not named vouch_\*: arena_alloc' "$work/sym.out"; then ok
else no "the symbol check missed a planted leak:"; cat "$work/sym.out" "$work/cc.err"; fi

export PKG_CONFIG_PATH="$p/lib/pkgconfig"
unset PKG_CONFIG_SYSROOT_DIR PKG_CONFIG_LIBDIR
ver=$(sed -n 's/^#define VOUCH_VERSION_STRING "\(.*\)"/\1/p' "$hdr")
if [ "$(pkg-config --modversion vouch 2>&1)" = "$ver" ] && [ "$(pkg-config --cflags vouch | sed 's/ *$//')" = "-I$p/include" ]; then ok
else no "pkg-config vouch: version $(pkg-config --modversion vouch 2>&1), cflags $(pkg-config --cflags vouch 2>&1) (want $ver, -I$p/include)"; fi
cflags=$(pkg-config --cflags vouch)
libs=$(pkg-config --libs vouch)
# Static: the archive by name, then what it needs (Libs.private).
private=$(pkg-config --static --libs-only-l vouch | sed 's/-lvouch//')
strict="-std=c99 -pedantic -Wall -Wextra -Werror"
# shellcheck disable=SC2086 # flag lists
if cc $strict $cflags -o "$work/embed-so" examples/embed/embed.c $libs 2> "$work/cc.err"; then ok
else no "examples/embed/embed.c against libvouch.so:"; head -n 20 "$work/cc.err"; fi
# shellcheck disable=SC2086
if cc $strict $cflags -o "$work/embed-a" examples/embed/embed.c "$p/lib/libvouch.a" $private 2> "$work/cc.err"; then ok
else no "examples/embed/embed.c against libvouch.a:"; head -n 20 "$work/cc.err"; fi
# The embedder's own names beside the archive's internal ones.
printf 'int arena_alloc(void);\nconst char *sqlite3_libversion(void);\nint arena_alloc(void) { return 7; }\nconst char *sqlite3_libversion(void) { return "mine"; }\n' > "$work/clash.c"
# shellcheck disable=SC2086
if cc $strict $cflags -o "$work/embed-clash" examples/embed/embed.c "$work/clash.c" "$p/lib/libvouch.a" $private 2> "$work/cc.err"; then ok
else no "libvouch.a clashes with an embedder's arena_alloc or sqlite3_libversion:"; head -n 20 "$work/cc.err"; fi
# shellcheck disable=SC2086
if g++ -std=c++11 -pedantic -Wall -Wextra -Werror $cflags -o "$work/embed-cxx" examples/embed/embed_cxx.cpp $libs 2> "$work/cc.err"; then ok
else no "examples/embed/embed_cxx.cpp (vouch.h as C++):"; head -n 20 "$work/cc.err"; fi
if readelf -d "$work/embed-a" 2>/dev/null | grep -q 'libvouch'; then no "the static example needs libvouch.so"; else ok; fi
if readelf -d "$work/embed-so" 2>/dev/null | grep -q 'NEEDED.*libvouch\.so\.0'; then ok; else no "the shared example does not link libvouch.so.0"; fi

# The outcomes of `vouch check` on the same run: kind, rule, subject, blocking.
cli_outcomes() {
    /usr/bin/python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
for r in d["rules"]:
    if r.get("error"):
        print("error\t%s\t\t-" % r["id"])
for f in d["findings"]:
    print("%s\t%s\t%s\t%s" % (f["status"], f["rule"], f["subject"], "blocking" if f.get("blocking") else "-"))
' "$1" | sort
}
ex=$p/share/vouch/examples/acme
db=$work/embed.db
csvs=$(ls "$ex"/*.csv)
# shellcheck disable=SC2086 # file names without spaces
LD_LIBRARY_PATH=$p/lib "$work/embed-so" 2026-11-21 "$db" "$ex/pack.vouch" -- $csvs > "$work/so.out" 2> "$work/so.err"
st=$?
if [ "$st" = 1 ] && [ -s "$work/so.out" ]; then ok; else no "the shared example (load + check): exit $st (want 1):"; head -n 10 "$work/so.err"; fi
"$work/embed-a" 2026-11-21 "$db" "$ex/pack.vouch" > "$work/a.out" 2> "$work/a.err"
st=$?
if [ "$st" = 1 ]; then ok; else no "the static example: exit $st (want 1):"; head -n 10 "$work/a.err"; fi
"$work/embed-clash" 2026-11-21 "$db" "$ex/pack.vouch" > "$work/clash.out" 2>&1
if cmp -s "$work/a.out" "$work/clash.out"; then ok; else no "the example linked beside clashing names differs:"; diff "$work/a.out" "$work/clash.out" | head; fi
"$p/bin/vouch" check --facts "$db" --as-of 2026-11-21 --format json "$ex/pack.vouch" > "$work/cli.json" 2> "$work/cli.err"
st=$?
if [ "$st" = 1 ]; then ok; else no "the installed vouch check on the example's store: exit $st"; head -n 5 "$work/cli.err"; fi
cli_outcomes "$work/cli.json" > "$work/cli.out"
for k in so a; do
    sort "$work/$k.out" > "$work/$k.sorted"
    if [ -s "$work/cli.out" ] && cmp -s "$work/$k.sorted" "$work/cli.out"; then ok
    else no "the $k example's outcomes are not vouch check's:"; diff "$work/$k.sorted" "$work/cli.out" | head -n 20; fi
done
for fmt in json sarif html oscal; do
    LD_LIBRARY_PATH=$p/lib "$work/embed-so" -f "$fmt" 2026-11-21 "$db" "$ex/pack.vouch" > "$work/embed.$fmt" 2>&1
    "$p/bin/vouch" check --facts "$db" --as-of 2026-11-21 --format "$fmt" "$ex/pack.vouch" > "$work/cli.$fmt" 2>&1
    if cmp -s "$work/embed.$fmt" "$work/cli.$fmt"; then ok
    else no "the example's $fmt report is not vouch check's:"; diff "$work/embed.$fmt" "$work/cli.$fmt" | head -n 10; fi
done
# From C++: a pack given as text; the same rule from a file through the CLI.
printf 'pack "cxx" version "1"\nimport "isms"\nrule active_assets "Every asset is active"\n  severity low\n{\n  for a in asset\n  require a.status == active\n  subject "{a.id}"\n  else "{a.id} is {a.status}"\n}\n' > "$work/cxx.vouch"
LD_LIBRARY_PATH=$p/lib "$work/embed-cxx" "$db" > "$work/cxx.out" 2>&1
st=$?
"$p/bin/vouch" check --facts "$db" --as-of 2026-11-21 --format tsv "$work/cxx.vouch" > "$work/cxx.tsv" 2>&1
{ echo "vouch $ver"; cat "$work/cxx.tsv"; } > "$work/cxx.want"
if [ "$st" = 0 ] && [ "$(wc -l < "$work/cxx.want")" -gt 1 ] && cmp -s "$work/cxx.out" "$work/cxx.want"; then ok
else no "the C++ example: exit $st:"; diff "$work/cxx.out" "$work/cxx.want" | head -n 10; fi
# docs/api.md's complete example: its findings are the blocking ones.
awk '/^```c$/ { on = 1; next } /^```$/ { on = 0 } on' docs/api.md > "$work/check.c"
# shellcheck disable=SC2086
if [ -s "$work/check.c" ] && cc $strict $cflags -o "$work/check" "$work/check.c" $libs 2> "$work/cc.err"; then ok
else no "docs/api.md's example does not build:"; head -n 20 "$work/cc.err"; fi
LD_LIBRARY_PATH=$p/lib "$work/check" "$db" 2026-11-21 "$ex/pack.vouch" > "$work/check.out" 2>&1
st=$?
nblock=$(grep -c 'blocking$' "$work/cli.out")
if [ "$st" = 1 ] && [ "$nblock" -gt 0 ] && [ "$(wc -l < "$work/check.out")" = "$nblock" ]; then ok
else no "docs/api.md's example: exit $st, $(wc -l < "$work/check.out") lines (want 1, $nblock):"; head -n 5 "$work/check.out"; fi
# The installed library finds the installed packs (import "iso27001") with
# no VOUCH_PATH, as the installed binary does.
"$work/embed-a" 2026-11-21 "$work/org.db" "$work/my.vouch" > "$work/my.out" 2> "$work/my.err"
st=$?
"$p/bin/vouch" check --facts "$work/org.db" --as-of 2026-11-21 --format json "$work/my.vouch" > "$work/my.json" 2>/dev/null
cli_outcomes "$work/my.json" > "$work/my.want"
sort "$work/my.out" > "$work/my.sorted"
if [ "$st" = 1 ] && [ -s "$work/my.want" ] && cmp -s "$work/my.sorted" "$work/my.want"; then ok
else no "the installed library with the installed packs: exit $st (want 1):"; head -n 5 "$work/my.err"; diff "$work/my.sorted" "$work/my.want" | head; fi
unset PKG_CONFIG_PATH
if make --no-print-directory uninstall PREFIX="$p" > "$work/make.log" 2>&1; then ok; else no "make uninstall failed:"; tail -n 20 "$work/make.log"; fi
left=$(find "$p" ! -type d 2>/dev/null)
if [ -z "$left" ]; then ok; else no "make uninstall left: $left"; fi
if [ ! -e "$p/share/vouch" ]; then ok; else no "make uninstall left $p/share/vouch"; fi

s=$work/stage
if make --no-print-directory install DESTDIR="$s" PREFIX=/usr > "$work/make.log" 2>&1; then ok; else no "make install DESTDIR= PREFIX=/usr failed:"; tail -n 20 "$work/make.log"; fi
if [ -x "$s/usr/bin/vouch" ] && [ -f "$s/usr/share/vouch/packs/iso27001/pack.vouch" ]; then ok; else no "make install DESTDIR=$s did not stage under it"; fi
if grep -q -a '/usr/share/vouch/packs' "$s/usr/bin/vouch"; then ok; else no "the binary for PREFIX=/usr does not name /usr/share/vouch/packs"; fi
VOUCH_PATH=$s/usr/share/vouch/packs "$s/usr/bin/vouch" disasm "$work/my.vouch" > "$work/out" 2>&1
st=$?
if [ "$st" = 0 ]; then ok; else no "the staged binary with VOUCH_PATH: exit $st"; head -n 5 "$work/out"; fi
# ---- 5. the library, staged -------------------------------------------------------
# pkg-config of a staged install: the .pc names /usr; the sysroot maps it.
cflags=$(PKG_CONFIG_PATH=$s/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$s pkg-config --cflags vouch 2>&1 | sed 's/ *$//')
libs=$(PKG_CONFIG_PATH=$s/usr/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$s pkg-config --libs vouch 2>&1)
if [ "$cflags" = "-I$s/usr/include" ]; then ok; else no "staged pkg-config --cflags vouch: $cflags"; fi
# shellcheck disable=SC2086
if cc -std=c99 -Wall -Werror $cflags -o "$work/embed-stage" examples/embed/embed.c $libs 2> "$work/cc.err"; then ok
else no "examples/embed/embed.c against the staged library ($libs):"; head -n 20 "$work/cc.err"; fi
# The example imports the ISO pack: staged, the packs are not where the
# library looks (/usr/share/vouch/packs), so VOUCH_PATH points at them.
VOUCH_PATH=$s/usr/share/vouch/packs LD_LIBRARY_PATH=$s/usr/lib "$work/embed-stage" 2026-11-21 "$db" \
    "$s/usr/share/vouch/examples/acme/pack.vouch" > "$work/stage.out" 2>&1
st=$?
if [ "$st" = 1 ] && [ -s "$work/stage.out" ]; then ok; else no "the example against the staged library: exit $st"; head -n 5 "$work/stage.out"; fi
if make --no-print-directory uninstall DESTDIR="$s" PREFIX=/usr > "$work/make.log" 2>&1; then ok; else no "make uninstall DESTDIR= failed:"; tail -n 20 "$work/make.log"; fi
left=$(find "$s" ! -type d 2>/dev/null)
if [ -z "$left" ]; then ok; else no "make uninstall DESTDIR= left: $left"; fi

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]
