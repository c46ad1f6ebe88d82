#!/bin/sh
# tests/robust/valgrind.sh: a few end-to-end runs of the release binary
# under valgrind's memcheck: no invalid read or write, no use of
# uninitialised memory, and no leak (definite, indirect or possible) --
# the same promise LeakSanitizer checks in every asan run, from a second
# tool and on the optimised build. The example organisation: load, check
# (text and JSON), compile to .vbc and check that, and a failing load.
# Skipped (counted as passed, with a note) where valgrind is not installed.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
if ! command -v valgrind >/dev/null 2>&1; then
    ok "skipped: valgrind is not installed"
    finish
    exit 0
fi
cp "$REPO"/examples/acme/*.vouch "$REPO"/examples/acme/*.csv .
# the example adopts the ISO pack, found by name
VOUCH_PATH="$REPO/rules:$REPO/rules/catalogues"
export VOUCH_PATH
vg() {
    name=$1 want=$2
    shift 2
    valgrind -q --error-exitcode=99 --leak-check=full --show-leak-kinds=definite,indirect,possible \
        --errors-for-leak-kinds=definite,indirect,possible "$@" > vg.out 2> vg.err
    st=$?
    if [ "$st" = "$want" ]; then
        ok "valgrind: $name (exit $st, no error, no leak)"
    else
        bad "valgrind: $name: exit $st, expected $want"
        grep -E '==[0-9]+==' vg.err | head -n 20 | sed 's/^/    /'
    fi
}
vg "load the example organisation" 0 "$VOUCH" load --facts facts.db ./*.csv
vg "check it, text" 1 "$VOUCH" check --facts facts.db --as-of 2026-11-21 pack.vouch
vg "check it, json to a file" 1 "$VOUCH" check --facts facts.db --as-of 2026-11-21 --format json --output r.json pack.vouch
vg "compile it" 0 "$VOUCH" compile -o acme.vbc pack.vouch
vg "check the compiled program" 1 "$VOUCH" check --facts facts.db --as-of 2026-11-21 --format tsv acme.vbc
printf 'id,name,role\nP9,Bo\n' > person.csv
vg "a failing load" 2 "$VOUCH" load --facts facts.db person.csv
finish
