#!/bin/sh
# tests/robust/run.sh: the robustness suite of `make test`.
#
#   sh tests/robust/run.sh VOUCH ASAN_VOUCH
#
# Runs every other tests/robust/*.sh (see lib.sh for their contract), with
# the release and the asan binary; each ends with `robust: N passed, M
# failed`. Prints the failing scripts' output and ends with the totals.
set -u
cd "$(dirname "$0")/../.." || exit 2
[ $# -ge 2 ] || { echo "usage: sh tests/robust/run.sh VOUCH ASAN_VOUCH" >&2; exit 2; }
if command -v timeout >/dev/null 2>&1; then tmo="timeout 300"; else tmo=""; fi
passed=0
failed=0
logs=build/test-logs
mkdir -p "$logs"
for t in tests/robust/*.sh; do
    case $(basename "$t") in run.sh|lib.sh) continue ;; esac
    name=$(basename "$t" .sh)
    log=$logs/robust-$name.log
    start=$(date +%s)
    $tmo sh "$t" "$1" "$2" > "$log" 2>&1
    st=$?
    counts=$(sed -n 's/^robust: \([0-9][0-9]*\) passed, \([0-9][0-9]*\) failed$/\1 \2/p' "$log" | tail -n 1)
    if [ -z "$counts" ]; then
        echo "robust $name: no summary line (exit $st):"
        tail -n 20 "$log" | sed 's/^/    /'
        failed=$((failed + 1))
        continue
    fi
    set -- "$1" "$2" $counts
    p=$3 f=$4
    set -- "$1" "$2"
    passed=$((passed + p))
    failed=$((failed + f))
    if [ "$f" -ne 0 ] || [ "$st" -ne 0 ]; then
        grep -v '^ok: ' "$log" | head -n 60 | sed 's/^/    /'
        [ "$f" -eq 0 ] && failed=$((failed + 1))
    fi
    echo "robust $name: $p passed, $f failed ($(( $(date +%s) - start )) s)"
done
echo "robust: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
