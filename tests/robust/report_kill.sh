#!/bin/sh
# tests/robust/report_kill.sh: reports are written to a temporary file and
# renamed (cli/main.c write_report; `vouch compile` does the same), so a
# run killed at any point leaves the report file as it was or whole, never
# half-written. A killed run may leave its temporary file (REPORT.tmp.PID)
# behind, never a partial REPORT.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir csv
empty_tables csv
cat > hog.vouch <<'PACK'
pack "many" version "1"
rule MANY "a finding for every month of 3000 years" severity low {
  for m in months(0001-01-01..3000-12-31)
  require m.start > today
  subject "{m.start}"
  else "the month {m.start}..{m.end} starts on or before {today}, which is a finding with a long message"
}
PACK
"$VOUCH" load --facts facts.db csv/*.csv > out 2>&1 || { cat out; bad "load failed"; finish; exit 1; }
# The report as it is (as of 2000-01-01) and as a finished run rewrites it
# (as of 2020-01-01): different contents.
"$VOUCH" check --facts facts.db --as-of 2000-01-01 --format json --output old.json hog.vouch >/dev/null 2>&1
"$VOUCH" check --facts facts.db --as-of 2020-01-01 --format json --output new.json hog.vouch >/dev/null 2>&1
cmp -s old.json new.json && bad "the two reports should differ"
python3 -c 'import json,sys; json.load(open(sys.argv[1]))' new.json || bad "the report is not JSON"
t0=$(date +%s%N)
cp old.json r.json
"$VOUCH" check --facts facts.db --as-of 2020-01-01 --format json --output r.json hog.vouch >/dev/null 2>&1
t1=$(date +%s%N)
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -ge 20 ] || ms=20
echo "a run takes $ms ms; its report is $(wc -c < new.json) bytes"

i=0; n=0; nold=0; nnew=0
while [ "$i" -lt 15 ]; do
    i=$((i + 1))
    cp old.json r.json
    rm -f r.json.tmp.*
    delay=$(awk -v s="$i" -v ms="$ms" 'BEGIN { srand(s * 101 + 3); printf "%.3f", rand() * ms * 1.1 / 1000 }')
    "$VOUCH" check --facts facts.db --as-of 2020-01-01 --format json --output r.json hog.vouch >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if cmp -s r.json old.json; then
        n=$((n + 1)); nold=$((nold + 1))
    elif cmp -s r.json new.json; then
        n=$((n + 1)); nnew=$((nnew + 1))
    else
        bad "kill $i after ${delay}s: r.json is neither the old report nor the new one ($(wc -c < r.json) bytes)"
    fi
done
[ "$n" -eq 15 ] && ok "15 runs killed at random points: the report was the old one $nold times, the new one $nnew times, never partial"

# The same for `vouch compile -o`.
cp new.json prog.vbc
"$VOUCH" compile -o whole.vbc "$REPO/rules/reference/reference.vouch" >/dev/null 2>&1
i=0; n=0
while [ "$i" -lt 5 ]; do
    i=$((i + 1))
    cp new.json prog.vbc
    "$VOUCH" compile -o prog.vbc "$REPO/rules/reference/reference.vouch" >/dev/null 2>&1 &
    pid=$!
    sleep "0.00$i"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    if cmp -s prog.vbc new.json || cmp -s prog.vbc whole.vbc; then n=$((n + 1)); else bad "compile killed: a partial prog.vbc"; fi
done
[ "$n" -eq 5 ] && ok "compile -o killed at random points: the old file or the whole program"

# A report that cannot be written (the directory is missing) is an error
# and leaves nothing.
expect "an output in a missing directory" 2 'cannot write nodir/r\.json' "$VOUCH" check --facts facts.db --format json --output nodir/r.json hog.vouch
finish
