#!/bin/sh
# tests/pg/golden.sh: the golden suite (tests/golden/*.test) against facts
# in PostgreSQL, on a throwaway server started and stopped here
# (tests/pg/server.sh).
#
#   sh tests/pg/golden.sh [VOUCH_BINARY [FILE.test...]]   (default: ./vouch)
#
# Every golden case whose commands name a facts store (--facts) runs with
# tests/pg/golden_vouch.sh standing in for `vouch`: each load, check,
# coverage, soa and explain on a SQLite file runs on the same facts in a
# schema of the server instead (a load on both, their outputs compared),
# and the case's expected output must come out as on SQLite, the store's
# name aside (golden_vouch.sh says what is replaced and why). The .test
# files are shared among PGGOLDEN_JOBS (3) golden runners in parallel, on
# one server, a schema per case and store.
#
# Two lists, each line `CASE NAME<TAB>REASON`:
#   tests/pg/golden.skip    cases that test SQLite itself (its files,
#                           journal, locks, modes): run on SQLite alone;
#   tests/pg/golden.known   known differences between the backends, each a
#                           bug to fix: the case runs, its difference is
#                           printed with the reason, and it does not fail
#                           the suite (a listed case that passes is
#                           reported, so the list is kept short).
# Prints the counts: cases run on PostgreSQL, on SQLite alone (skipped, or
# a store the test server cannot hold as it is: the reason), known
# differences. Ends with `pg-golden: N passed, M failed`.
set -u

cd "$(dirname "$0")/../.." || exit 2
root=$(pwd)
bin=${1:-./vouch}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
[ $# -gt 0 ] && shift
[ $# -gt 0 ] || set -- tests/golden/*.test
jobs=${PGGOLDEN_JOBS:-3}

fail_setup() {
    echo "pg-golden: $*"
    echo "pg-golden: 0 passed, 1 failed"
    exit 1
}
[ -x "$bin" ] || fail_setup "$bin: no such executable"
command -v psql >/dev/null 2>&1 || fail_setup "psql is not installed (apt-get install postgresql)"
[ -x /usr/bin/python3 ] || fail_setup "/usr/bin/python3 not found"

work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-pggolden.XXXXXX") || exit 2
srv=$(mktemp -u /tmp/vouch-pgsrv.XXXXXX)
cleanup() {
    [ -d "$srv" ] && sh tests/pg/server.sh stop "$srv" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
base=$(sh tests/pg/server.sh start "$srv" 2>"$work/server.err") ||
    { cat "$work/server.err"; fail_setup "cannot start a PostgreSQL server"; }

mkdir "$work/state"
cp tests/pg/golden_vouch.sh "$work/vouch"
chmod +x "$work/vouch"
cut -f1 tests/pg/golden.skip > "$work/skip"
: > "$work/log"
PGGOLDEN_REAL=$bin PGGOLDEN_BASE=$base PGGOLDEN_STATE=$work/state PGGOLDEN_LOG=$work/log
PGGOLDEN_SKIP=$work/skip PGGOLDEN_SYNC=$root/tests/pg/golden_sync.py GOLDEN_NEED=--facts
export PGGOLDEN_REAL PGGOLDEN_BASE PGGOLDEN_STATE PGGOLDEN_LOG PGGOLDEN_SKIP PGGOLDEN_SYNC GOLDEN_NEED

# ---- the reference pack on PostgreSQL (beside the golden runners) ----------
# The facts of tests/reference.sh at REFERENCE_SCALE (S), exported to CSV
# and loaded by `vouch load` into a schema: vouch's findings must be those
# of the SQL reference (shared/bench/reference.sql in PostgreSQL's dialect,
# as bench/bench_pg.sh runs it) through psql on the same schema, and those
# of the SQL reference on the SQLite file; with the four secondary indexes
# and without them. Prints `ok:`/`FAIL:` lines into $work/reference.
reference() {
    scale=${REFERENCE_SCALE:-S}
    pack=rules/reference/reference.vouch
    shared=$root/../shared
    [ -f "$shared/bench/reference.sh" ] || shared=/work/shared
    r=$work/ref
    mkdir "$r" "$r/csv"
    if ! [ -f "$shared/bench/gen_facts.py" ] ||
        ! /usr/bin/python3 "$shared/bench/gen_facts.py" --scale "$scale" --out "$r/$scale.db" >/dev/null 2>&1; then
        echo "FAIL: reference: cannot generate the facts ($shared/bench/gen_facts.py)"
        return
    fi
    for t in framework control mapping soa person asset evidence risk risk_control; do
        sqlite3 -header -csv "$r/$scale.db" "SELECT * FROM $t" > "$r/csv/$t.csv"
    done
    sed -e '/^\./d' -e "s/trim(s.justification, char(32,9,10,13))/btrim(s.justification, E' \\\\t\\\\n\\\\r')/" \
        -e 's/^)$/) AS findings/' "$shared/bench/reference.sql" > "$r/reference_pg.sql"
    sh "$shared/bench/reference.sh" "$r/$scale.db" 2>/dev/null | LC_ALL=C sort > "$r/sqlite.tsv"
    psql -X -q -v ON_ERROR_STOP=1 "$base" -c "CREATE SCHEMA ref" >/dev/null 2>"$r/psql.err"
    c="$base options=-csearch_path=ref"
    if ! "$bin" load --facts "$c" --pack "$pack" "$r"/csv/*.csv >/dev/null 2>"$r/load.err" </dev/null; then
        echo "FAIL: reference: vouch load into PostgreSQL failed: $(head -n 1 "$r/load.err")"
        return
    fi
    for v in indexes noindex; do
        if [ "$v" = indexes ]; then
            q="CREATE INDEX evidence_fw_ctl_date ON evidence(framework, control, collected_on);
               CREATE INDEX risk_asset ON risk(asset); CREATE INDEX risk_control_risk ON risk_control(risk);
               CREATE INDEX mapping_dst ON mapping(dst_framework, dst_control); ANALYZE"
        else
            q="DROP INDEX evidence_fw_ctl_date, risk_asset, risk_control_risk, mapping_dst; ANALYZE"
        fi
        psql -X -q -v ON_ERROR_STOP=1 "$c" -c "$q" >/dev/null 2>>"$r/psql.err"
        psql -X -At -F "$(printf '\t')" "$c" -f "$r/reference_pg.sql" 2>>"$r/psql.err" | LC_ALL=C sort > "$r/psql.tsv"
        "$bin" check --facts "$c" --as-of 2026-11-21 --format tsv "$pack" </dev/null 2>"$r/vouch.err" | LC_ALL=C sort > "$r/vouch.tsv"
        n=$(wc -l < "$r/psql.tsv" | tr -d ' ')
        if [ ! -s "$r/psql.tsv" ]; then
            echo "FAIL: reference $scale on PostgreSQL ($v): psql printed nothing: $(head -n 1 "$r/psql.err")"
        elif ! cmp -s "$r/psql.tsv" "$r/sqlite.tsv"; then
            echo "FAIL: reference $scale ($v): the SQL reference finds other things through psql than through sqlite3"
            diff "$r/sqlite.tsv" "$r/psql.tsv" | head | sed 's/^/    /'
        elif cmp -s "$r/psql.tsv" "$r/vouch.tsv"; then
            echo "ok: reference $scale on PostgreSQL ($v): $n findings, as the SQL reference through psql"
        else
            echo "FAIL: reference $scale on PostgreSQL ($v): vouch's findings differ from the SQL reference's"
            diff -u -L psql -L vouch "$r/psql.tsv" "$r/vouch.tsv" | head -n 30 | sed 's/^/    /'
            sed 's/^/    /' "$r/vouch.err" | head -n 5
        fi
    done
}
reference > "$work/reference" 2>&1 &

# The files, largest first, dealt to the runners in turn.
j=0
for f in $(ls -S "$@"); do
    echo "$f" >> "$work/files.$((j % jobs))"
    j=$((j + 1))
done
j=0
while [ "$j" -lt "$jobs" ]; do
    [ -f "$work/files.$j" ] && sh tests/golden/run.sh "$work/vouch" $(cat "$work/files.$j") > "$work/golden.$j" 2>&1 &
    j=$((j + 1))
done
wait

# The cases that failed the golden expect, and those whose loads differ.
cat "$work"/golden.* > "$work/golden"
sed -n 's/^FAIL: \(.*\) (tests\/golden\/[^ ]*:[0-9]*)$/\1/p' "$work/golden" | sort -u > "$work/failed"
awk -F'\t' '$2 == "DIFF" { print $1 }' "$work/log" | sort -u >> "$work/failed"
sort -u -o "$work/failed" "$work/failed"
awk -F'\t' '$2 == "pg" { print $1 }' "$work/log" | sort -u > "$work/onpg"
total=$(sed -n 's/^golden: \([0-9]*\) passed, \([0-9]*\) failed$/\1 \2/p' "$work"/golden.* | awk '{ s += $1 + $2 } END { print s + 0 }')

passed=0
failed=0
known=0
while IFS= read -r c; do
    if grep -qxF -- "$c" "$work/failed"; then
        continue
    fi
    passed=$((passed + 1))
done < "$work/onpg"
# Failures: listed as known, or not.
cut -f1 tests/pg/golden.known > "$work/known"
while IFS= read -r c; do
    [ -n "$c" ] || continue
    if grep -qxF -- "$c" "$work/known"; then
        known=$((known + 1))
        echo "known difference: $c: $(awk -F'\t' -v c="$c" '$1 == c { print $2 }' tests/pg/golden.known)"
        continue
    fi
    failed=$((failed + 1))
    echo "FAIL: $c"
done < "$work/failed"
if [ "$failed" -gt 0 ] || [ "$known" -gt 0 ]; then
    echo
    echo "The golden runners' failures (expected: SQLite's output; actual: PostgreSQL's):"
    grep -v '^golden: ' "$work/golden" | sed 's/^/    /'
    if [ -s "$work/log.detail" ]; then
        echo "Loads whose outputs differ:"
        sed 's/^/    /' "$work/log.detail"
    fi
fi
while IFS= read -r c; do
    [ -n "$c" ] || continue
    grep -qxF -- "$c" "$work/onpg" && ! grep -qxF -- "$c" "$work/failed" && echo "note: $c is listed in tests/pg/golden.known but passes: take it off the list"
done < "$work/known"

# The reference pack.
cat "$work/reference"
rp=$(grep -c '^ok: ' "$work/reference")
rf=$(grep -c '^FAIL: ' "$work/reference")
[ $((rp + rf)) -gt 0 ] || { rf=1; echo "FAIL: reference: no result"; }
passed=$((passed + rp))
failed=$((failed + rf))

# Counts.
awk -F'\t' '$2 == "sqlite-only" && !($1 in s) { s[$1] = $3 } END { for (c in s) print c "\t" s[c] }' "$work/log" |
    sort > "$work/sqlonly"
echo "pg-golden: $total golden cases name a facts store; $(wc -l < "$work/onpg" | tr -d ' ') ran commands on PostgreSQL"
echo "pg-golden: $(awk -F'\t' '$2 == "pg"' "$work/log" | wc -l | tr -d ' ') commands on PostgreSQL, $(awk -F'\t' '$2 == "synced"' "$work/log" | wc -l | tr -d ' ') stores copied from a SQLite file another tool made or changed"
echo "pg-golden: $(grep -c . "$work/skip") cases skipped by tests/pg/golden.skip (SQLite alone):"
sed 's/^/    /' tests/pg/golden.skip
n=0
while IFS="$(printf '\t')" read -r c why; do
    grep -qxF -- "$c" "$work/onpg" && continue
    grep -qxF -- "$c" "$work/skip" && continue
    n=$((n + 1))
    echo "    on SQLite alone: $c: $why"
done < "$work/sqlonly"
echo "pg-golden: $n more cases ran on SQLite alone (reasons above)"
echo "pg-golden: $known known differences (tests/pg/golden.known)"
if [ "$total" -eq 0 ]; then
    echo "pg-golden: no golden case ran"
    failed=$((failed + 1))
fi
echo "pg-golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
