#!/bin/sh
# tests/reference.sh: vouch's reference pack must report exactly the findings
# of the hand-written SQL reference (shared/bench/reference.sql).
#
#   sh tests/reference.sh [VOUCH_BINARY]        (default: ./vouch)
#
# Generates the benchmark facts at scale S (REFERENCE_SCALE=M|L for more),
# runs the SQL reference and
#   vouch check --facts S.db --as-of 2026-11-21 --format tsv rules/reference/reference.vouch
# and compares the two sorted outputs byte for byte; then does the same on a
# copy of the facts with the four secondary indexes dropped, where vouch must
# find its own access paths. On a mismatch prints the per-rule counts of both
# sides and a diff. Ends with `reference: N passed, M failed`.
set -u

cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
bin=${1:-./vouch}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
scale=${REFERENCE_SCALE:-S}
asof=2026-11-21
pack=rules/reference/reference.vouch
python=/usr/bin/python3

# The shared folder sits beside the repository (../shared), in CI too.
shared=$root/../shared
[ -f "$shared/bench/reference.sh" ] || shared=/work/shared
if [ ! -f "$shared/bench/reference.sh" ] || [ ! -f "$shared/bench/gen_facts.py" ]; then
    echo "reference: cannot find the shared bench folder (looked in $root/../shared and /work/shared)"
    echo "reference: 0 passed, 1 failed"
    exit 1
fi
shared=$(cd "$shared" && pwd)

fail_setup() {
    echo "reference: $*"
    echo "reference: 0 passed, 1 failed"
    exit 1
}
[ -x "$python" ] || fail_setup "$python not found"
command -v sqlite3 >/dev/null 2>&1 || fail_setup "the sqlite3 command is not installed"
[ -f "$bin" ] && [ -x "$bin" ] || fail_setup "$bin: no such executable"

work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-reference.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

"$python" "$shared/bench/gen_facts.py" --scale "$scale" --out "$work/$scale.db" 2>"$work/gen.log" ||
    { cat "$work/gen.log"; fail_setup "generating scale $scale facts failed"; }
# the generator writes the design's nine tables without the optional
# columns of issue 16 (docs/facts.md, "soa"): they are added, empty
sqlite3 "$work/$scale.db" < bench/seed_columns.sql ||
    fail_setup "adding the columns of issue 16 failed"
cp "$work/$scale.db" "$work/$scale-noindex.db"
sqlite3 "$work/$scale-noindex.db" \
    'DROP INDEX evidence_fw_ctl_date; DROP INDEX risk_asset; DROP INDEX risk_control_risk; DROP INDEX mapping_dst; ANALYZE;' ||
    fail_setup "dropping the indexes failed"

# Per-rule counts of two RULE<TAB>SUBJECT files, side by side.
counts() {
    printf '    %-28s %10s %10s\n' rule reference vouch
    cut -f1 "$1" "$2" | LC_ALL=C sort -u | while read -r rule; do
        [ -n "$rule" ] || continue
        a=$(grep -c "^$rule	" "$1")
        b=$(grep -c "^$rule	" "$2")
        printf '    %-28s %10s %10s\n' "$rule" "$a" "$b"
    done
    printf '    %-28s %10s %10s\n' total "$(wc -l < "$1" | tr -d ' ')" "$(wc -l < "$2" | tr -d ' ')"
}

# The same facts through `vouch load`: every table exported to CSV by the
# sqlite3 CLI, loaded (validated, with the indexes the pack needs) into a new
# store. The findings must not change.
mkdir "$work/csv"
for t in framework control mapping soa person asset evidence risk risk_control; do
    sqlite3 -header -csv "$work/$scale.db" "SELECT * FROM $t" > "$work/csv/$t.csv" ||
        fail_setup "exporting $t to CSV failed"
done
"$bin" load --facts "$work/$scale-loaded.db" --pack "$pack" "$work"/csv/*.csv </dev/null 2>"$work/load.err" ||
    { sed 's/^/    /' "$work/load.err" | head -n 20; fail_setup "vouch load of the exported CSV files failed"; }

passed=0
failed=0
for db in "$scale.db" "$scale-noindex.db" "$scale-loaded.db"; do
    name=${db%.db}
    sh "$shared/bench/reference.sh" "$work/$db" 2>"$work/$name.ref.err" | LC_ALL=C sort > "$work/$name.ref.tsv"
    if [ ! -s "$work/$name.ref.tsv" ]; then
        echo "FAIL: $db: the SQL reference printed nothing"
        sed 's/^/    /' "$work/$name.ref.err"
        failed=$((failed + 1))
        continue
    fi
    "$bin" check --facts "$work/$db" --as-of "$asof" --format tsv "$pack" \
        </dev/null >"$work/$name.out" 2>"$work/$name.err"
    st=$?
    LC_ALL=C sort "$work/$name.out" > "$work/$name.vouch.tsv"
    if [ "$st" -ne 0 ] && [ "$st" -ne 1 ]; then
        echo "FAIL: $db: vouch check exited $st"
        sed 's/^/    /' "$work/$name.err" | head -n 20
        failed=$((failed + 1))
        continue
    fi
    if cmp -s "$work/$name.ref.tsv" "$work/$name.vouch.tsv"; then
        # The exit status must agree with the findings (the default --fail-on
        # fails on any finding, and every reference rule has a severity).
        if [ "$st" -ne 1 ]; then
            echo "FAIL: $db: same findings, but vouch check exited $st with findings (want 1)"
            failed=$((failed + 1))
        else
            echo "ok: $db: $(wc -l < "$work/$name.ref.tsv" | tr -d ' ') findings, as the SQL reference"
            cmp -s "$work/$name.out" "$work/$name.vouch.tsv" ||
                echo "    warning: vouch's tsv output was not sorted bytewise"
            passed=$((passed + 1))
        fi
        continue
    fi
    echo "FAIL: $db: vouch's findings differ from the SQL reference"
    counts "$work/$name.ref.tsv" "$work/$name.vouch.tsv"
    if ! cmp -s "$work/$name.out" "$work/$name.vouch.tsv"; then
        echo "    (vouch's tsv output was not sorted bytewise)"
    fi
    if [ -s "$work/$name.err" ]; then
        echo "    vouch's stderr:"
        sed 's/^/      /' "$work/$name.err" | head -n 10
    fi
    diff -u -L reference -L vouch "$work/$name.ref.tsv" "$work/$name.vouch.tsv" | head -n 60
    failed=$((failed + 1))
done

echo "reference: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
