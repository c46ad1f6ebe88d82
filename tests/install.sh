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
if make --no-print-directory uninstall DESTDIR="$s" PREFIX=/usr > "$work/make.log" 2>&1; then ok; else no "make uninstall DESTDIR= failed:"; tail -n 20 "$work/make.log"; fi
left=$(find "$s" ! -type d 2>/dev/null)
if [ -z "$left" ]; then ok; else no "make uninstall DESTDIR= left: $left"; fi

echo "install: $passed passed, $failed failed"
[ "$failed" = 0 ]
