# tests/robust/lib.sh: helpers for the robustness scripts (sourced).
#
# Each script is run as `sh tests/robust/NAME.sh VOUCH ASAN_VOUCH` from the
# repository root (tests/robust/run.sh does it), gets a fresh temporary
# directory $work (removed at exit), counts its checks with ok/bad and ends
# with `finish`, which prints `robust: N passed, M failed`.
set -u
VOUCH=${1:?usage: sh $0 VOUCH ASAN_VOUCH}
ASAN_VOUCH=${2:-$1}
case $VOUCH in /*) ;; *) VOUCH=$(pwd)/$VOUCH ;; esac
case $ASAN_VOUCH in /*) ;; *) ASAN_VOUCH=$(pwd)/$ASAN_VOUCH ;; esac
REPO=$(pwd)
work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-robust.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
npass=0
nfail=0

ok() { npass=$((npass + 1)); echo "ok: $*"; }
bad() { nfail=$((nfail + 1)); echo "FAIL: $*"; }

# expect NAME WANT_EXIT PATTERN CMD...: runs CMD (output in $work/out) and
# checks its exit status and that its output matches the grep -E PATTERN.
expect() {
    name=$1 want=$2 pat=$3
    shift 3
    "$@" > "$work/out" 2>&1
    got=$?
    if [ "$got" != "$want" ]; then
        bad "$name: exit $got, expected $want"
        sed 's/^/    /' "$work/out" | head -n 10
    elif ! grep -Eq -- "$pat" "$work/out"; then
        bad "$name: no line matches /$pat/ in:"
        sed 's/^/    /' "$work/out" | head -n 10
    else
        ok "$name"
    fi
}

# The standard fact model's tables, as header-only CSV files in DIR.
empty_tables() {
    awk -v dir="$1" '
        /^fact [a-z_]+/ { t = $2; cols = ""; infact = 1; next }
        infact && /^}/ { f = dir "/" t ".csv"; if (system("test -e " f) != 0) print cols > f; infact = 0; next }
        infact && /^[ \t]*[a-z_][a-z_0-9]*[ \t]*:/ {
            c = $0; sub(/^[ \t]+/, "", c); sub(/[ \t]*:.*/, "", c)
            cols = cols (cols == "" ? "" : ",") c
        }' "$REPO/stdlib/isms.vouch"
}

# A checksum of a store's content: its SQL dump (the sqlite3 command reads
# it as any reader would, rolling back a crashed writer's journal first),
# its lines sorted: a load drops and re-creates a table's staleness
# triggers (facts_check.h), which moves them in the schema's order without
# changing what the store holds.
store_sum() {
    sqlite3 "$1" .dump 2>&1 | LC_ALL=C sort | sha256sum | cut -c1-64
}

finish() {
    echo "robust: $npass passed, $nfail failed"
    [ "$nfail" -eq 0 ]
}
