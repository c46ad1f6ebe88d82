#!/bin/sh
# tests/docs.sh: the examples in docs/language.md and docs/lint.md must compile.
#
#   sh tests/docs.sh [VOUCH_BINARY] [DOC.md...]     (defaults: ./vouch, docs/language.md docs/lint.md)
#
# Every fenced block whose info string starts with `vouch` is written to a
# file and compiled with `vouch disasm`, which must exit 0; a block tagged
# `vouch-error` must be rejected with exit 2 (a compile error, not a crash).
# A block right after the line `<!-- docs-test: skip -->` is not checked
# (for fragments that are not whole packs). Blocks may import the shipped
# packs (rules/, rules/catalogues, rules/crosswalks are on VOUCH_PATH).
# Other comments, such as
# `<!-- facts: DIR -->`, are ignored: this is a compile check only.
#
# Prints the file:line of each failing block with vouch's output, then
# `docs: N passed, M failed`; exits 1 if any block failed.
set -u

cd "$(dirname "$0")/.." || exit 2
bin=${1:-./vouch}
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- docs/language.md docs/lint.md
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
    echo "docs: $bin: no such executable" >&2
    exit 2
fi

# Examples may import the packs the repository ships (the ISO pack, the
# catalogues), as an installed vouch finds them.
VOUCH_PATH=$(pwd)/rules:$(pwd)/rules/catalogues:$(pwd)/rules/crosswalks
export VOUCH_PATH

work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-docs.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

passed=0
failed=0
for doc in "$@"; do
    if [ ! -f "$doc" ]; then
        echo "docs: $doc: no such file"
        failed=$((failed + 1))
        continue
    fi
    rm -rf "$work/blocks"
    mkdir "$work/blocks"
    # One file per block, named NNN.KIND.LINE.vouch (KIND ok|error, LINE the
    # fence's line), so the list sorts in document order.
    if ! awk -v out="$work/blocks" '
        function closing(s) { return s ~ /^[ \t]*```[ \t]*$/ }
        inblock { if (closing($0)) { close(f); inblock = 0 } else print > f; next }
        inother { if (closing($0)) inother = 0; next }
        /^[ \t]*<!--[ \t]*docs-test:[ \t]*skip[ \t]*-->/ { skip = 1; next }
        /^[ \t]*```/ {
            info = $0; sub(/^[ \t]*```[ \t]*/, "", info); sub(/[ \t].*/, "", info)
            start = NR
            if ((info == "vouch" || info == "vouch-error" || info == "vouch-lint") && !skip) {
                n++
                f = sprintf("%s/%03d.%s.%d.vouch", out, n, info == "vouch" ? "ok" : info == "vouch-lint" ? "lint" : "error", NR)
                printf "" > f
                inblock = 1
            } else inother = 1
            skip = 0
            next
        }
        /[^ \t]/ { skip = 0 }
        END { if (inblock || inother) { printf "%s:%d: unclosed code block\n", FILENAME, start; exit 1 } }
    ' "$doc"; then
        echo "docs: $doc: could not extract the code blocks"
        failed=$((failed + 1))
        continue
    fi
    for block in "$work/blocks"/*.vouch; do
        [ -e "$block" ] || continue
        base=${block##*/}
        rest=${base#*.}
        kind=${rest%%.*}
        line=${rest#*.}
        line=${line%.vouch}
        if [ "$kind" = lint ]; then
            (cd "$work/blocks" && "$bin" lint "$base") </dev/null >"$work/out" 2>&1
        else
            (cd "$work/blocks" && "$bin" disasm "$base") </dev/null >"$work/out" 2>&1
        fi
        st=$?
        case $kind in ok) want=0 ;; lint) want=1 ;; *) want=2 ;; esac
        if [ "$st" = "$want" ]; then
            passed=$((passed + 1))
        else
            failed=$((failed + 1))
            if [ "$kind" = ok ]; then
                echo "FAIL: $doc:$line: a \`\`\`vouch block does not compile (vouch disasm exit $st, want 0)"
            elif [ "$kind" = lint ]; then
                echo "FAIL: $doc:$line: a \`\`\`vouch-lint block gave vouch lint exit $st, want 1 (a warning)"
            else
                echo "FAIL: $doc:$line: a \`\`\`vouch-error block gave exit $st, want 2"
            fi
            sed 's/^/    /' "$work/out" | head -n 20
        fi
    done
done

echo "docs: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
