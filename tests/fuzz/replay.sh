#!/bin/sh
# tests/fuzz/replay.sh: replays every file of the fuzz corpora through the
# plain builds of the fuzz targets (part of `make test`).
#
#   sh tests/fuzz/replay.sh VARIANT      (release or asan)
#
# For each target T, build/VARIANT/fuzz-replay/fuzz_T runs every file of
# tests/fuzz/corpus/T/ (tests/fuzz/replay.c). Each file is one test: it
# passes if the target returns normally (under asan: no memory error, no
# undefined behaviour, no leak). After a crash the rest of the files still
# run. Ends with `fuzz: N passed, M failed`.
set -u
cd "$(dirname "$0")/../.." || exit 2
v=${1:-release}
passed=0
failed=0
work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-replay.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
for dir in tests/fuzz/corpus/*/; do
    t=$(basename "$dir")
    bin=build/$v/fuzz-replay/fuzz_$t
    ls "$dir" > "$work/all"
    total=$(wc -l < "$work/all")
    if [ ! -x "$bin" ]; then
        echo "fuzz ($v): $bin was not built: $total inputs not run"
        failed=$((failed + total))
        continue
    fi
    # Run all files; after a crash, go on after the file that crashed.
    sed "s|^|$dir|; s|//|/|" "$work/all" > "$work/todo"
    while [ -s "$work/todo" ]; do
        # shellcheck disable=SC2046
        $bin $(cat "$work/todo") > "$work/out" 2> "$work/err"
        st=$?
        ok=$(grep -c '^ok ' "$work/out")
        passed=$((passed + ok))
        if [ "$st" -eq 0 ]; then
            break
        fi
        crashed=$(grep '^run ' "$work/out" | tail -n 1 | cut -c5-)
        failed=$((failed + 1))
        echo "fuzz ($v): $t: $crashed: exit $st:"
        grep -m 8 -e 'ERROR' -e 'SUMMARY' -e 'runtime error' -e 'broken promise' -e '#[0-3] ' "$work/err" | sed 's/^/    /'
        # the files after the one that crashed
        awk -v c="$crashed" 'f { print } $0 == c { f = 1 }' "$work/todo" > "$work/rest"
        mv "$work/rest" "$work/todo"
    done
done
echo "fuzz: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
