#!/bin/sh
# tests/layers.sh: no layer reaches up (README.md, "Layout").
#
#   sh tests/layers.sh [BUILD_DIR]
#
# The layers, lowest first: runtime/base, runtime/program (the contract),
# then beside each other compiler/ (with grammar/ and what is generated
# from it) and runtime/store, then runtime/vm, then runtime/report, then
# runtime/session (the one layer that uses the compiler and the runtime
# together); cli/ is the top and is not checked. Each may use its own layer and these:
#
#   base      -
#   program   base
#   compiler  base program
#   store     base program
#   vm        base program store
#   report    base program store vm
#   session   base program compiler store vm report
#
# Two checks, both on the tree as it is:
#   includes  every #include "X" of a source or header (X resolved beside
#             the file, then in the layer folders, then build/gen/);
#   calls     every undefined symbol of each layer's archive
#             (BUILD_DIR/libvouch_LAYER.a, default build/release) that
#             another layer's archive defines, by nm.
# A violation is one line naming the file (or archive member), what it
# includes or calls and the layer that owns it. Then the checks are run
# once more on copies with a planted upward include and a planted upward
# call, which they must catch. Ends with "layers: N passed, M failed".
#
# `sh tests/layers.sh --includes ROOT` and `--calls LIBDIR` run one check
# on another tree or set of archives (exit 1 on a violation).
set -u

cd "$(dirname "$0")/.." || exit 2
LAYERS="base program compiler store vm report session"

# may LAYER: the layers LAYER may use.
may() {
    case $1 in
    base) echo "base" ;;
    program) echo "base program" ;;
    compiler) echo "base program compiler" ;;
    store) echo "base program store" ;;
    vm) echo "base program store vm" ;;
    report) echo "base program store vm report" ;;
    session) echo "base program compiler store vm report session" ;;
    *) echo "$LAYERS" ;;
    esac
}

# layer_of PATH (relative to the root): its layer, or nothing.
layer_of() {
    case $1 in
    compiler/*|grammar/*|build/gen/*) echo compiler ;;
    runtime/*/*) p=${1#runtime/}; echo "${p%%/*}" ;;
    esac
}

# allowed LAYER OTHER: 0 if LAYER may use OTHER.
allowed() {
    for a in $(may "$1"); do [ "$a" = "$2" ] && return 0; done
    return 1
}

# includes ROOT: prints a line per upward include; returns 1 if any.
includes() {
    root=$1
    bad=0
    files=$(cd "$root" && ls compiler/*.[ch] grammar/*.re grammar/*.y runtime/*/*.[ch] runtime/*/*.def 2>/dev/null)
    for f in $files; do
        from=$(layer_of "$f")
        [ -n "$from" ] || continue
        dir=$(dirname "$f")
        for h in $(sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' "$root/$f"); do
            to=""
            if [ -f "$root/$dir/$h" ]; then
                to=$from
            else
                for d in compiler runtime/base runtime/program runtime/store runtime/vm runtime/report runtime/session; do
                    if [ -f "$root/$d/$h" ]; then to=$(layer_of "$d/$h"); break; fi
                done
                case $to in '') case $h in parser.h|lexer.h|stdlib_embed*) to=compiler ;; esac ;; esac
            fi
            [ -n "$to" ] || continue
            if ! allowed "$from" "$to"; then
                echo "layers: $f ($from) includes \"$h\" ($to): a layer may not reach up"
                bad=1
            fi
        done
    done
    return $bad
}

# calls LIBDIR: prints a line per upward call; returns 1 if any.
calls() {
    libdir=$1
    tmp=$(mktemp -d) || return 2
    for l in $LAYERS; do
        a=$libdir/libvouch_$l.a
        if [ ! -f "$a" ]; then
            echo "layers: $a is missing (make VARIANT=... builds it)"
            rm -rf "$tmp"
            return 2
        fi
        nm -g --defined-only "$a" 2>/dev/null | awk -v l="$l" 'NF >= 3 && $2 != "U" && $2 != "w" && $2 != "v" { print $3, l }' >> "$tmp/defs"
        nm -u -A "$a" 2>/dev/null | awk -v l="$l" '{ m = $1; sub(/:$/, "", m); n = split(m, p, ":"); print $NF, l, p[n] }' >> "$tmp/uses"
    done
    sort -u "$tmp/defs" > "$tmp/defs.s"
    bad=0
    out=$(awk 'NR == FNR { owner[$1] = $2; next }
        ($1 in owner) { print $3, $2, $1, owner[$1] }' "$tmp/defs.s" "$tmp/uses" | sort -u)
    rm -rf "$tmp"
    [ -n "$out" ] || return 0
    echo "$out" | {
        bad=0
        while read -r member from sym to; do
            if ! allowed "$from" "$to"; then
                echo "layers: $member ($from, libvouch_$from.a) calls $sym, defined in $to: a layer may not reach up"
                bad=1
            fi
        done
        return $bad
    }
}

case ${1:-} in
--includes) includes "$2"; exit $? ;;
--calls) calls "$2"; exit $? ;;
esac

bd=${1:-build/release}
passed=0
failed=0
ok() { passed=$((passed + 1)); echo "ok: $1"; }
no() { failed=$((failed + 1)); echo "FAILED: $1"; }

if includes .; then ok "includes: no layer includes a header of a layer above it"; else no "includes"; fi
if calls "$bd"; then ok "calls: no layer's archive calls a layer above it ($bd)"; else no "calls"; fi

# The checks must catch what they are for: an upward include planted in a
# copy of the tree, an upward call planted in a copy of the archives.
work=$(mktemp -d) || exit 2
trap 'rm -rf "$work"' EXIT
mkdir -p "$work/tree"
cp -R compiler grammar runtime "$work/tree/"
echo '#include "vm.h"' >> "$work/tree/runtime/program/value.c"
echo '#include "facts.h"' >> "$work/tree/compiler/plan.c"
includes "$work/tree" > "$work/inc.out"
st=$?
if [ "$st" = 1 ] && grep -q 'runtime/program/value.c (program) includes "vm.h" (vm)' "$work/inc.out" &&
   grep -q 'compiler/plan.c (compiler) includes "facts.h" (store)' "$work/inc.out" &&
   [ "$(wc -l < "$work/inc.out")" = 2 ]; then
    ok "includes: catches a planted upward include (program -> vm, compiler -> store)"
else
    no "includes: a planted upward include went unnoticed (exit $st):"
    sed 's/^/    /' "$work/inc.out"
fi

mkdir -p "$work/lib"
cp "$bd"/libvouch_*.a "$work/lib/" 2>/dev/null
printf 'int vouch_vm_run(void);\nint layers_planted(void);\nint layers_planted(void) { return vouch_vm_run(); }\n' > "$work/planted.c"
if ${CC:-cc} -c -o "$work/planted.o" "$work/planted.c" 2>"$work/cc.err" &&
   ar rs "$work/lib/libvouch_store.a" "$work/planted.o" >/dev/null 2>&1; then
    calls "$work/lib" > "$work/calls.out"
    st=$?
    if [ "$st" = 1 ] && grep -q '^layers: planted.o (store, libvouch_store.a) calls vouch_vm_run, defined in vm' "$work/calls.out" &&
       [ "$(wc -l < "$work/calls.out")" = 1 ]; then
        ok "calls: catches a planted upward call (store -> vm)"
    else
        no "calls: a planted upward call went unnoticed (exit $st):"
        sed 's/^/    /' "$work/calls.out"
    fi
else
    no "calls: cannot plant a call:"
    sed 's/^/    /' "$work/cc.err"
fi

echo "layers: $passed passed, $failed failed"
[ "$failed" = 0 ]
