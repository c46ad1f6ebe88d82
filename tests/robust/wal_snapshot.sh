#!/bin/sh
# tests/robust/wal_snapshot.sh: `vouch check` opens the store read-only and
# sees one consistent snapshot while another process writes (WAL mode).
#
# A writer flips a framework's title and a person's name together, in one
# transaction, as fast as it can; a rule compares the two on every month
# of 5000 years (60000 reads spread over the run, which spans many of the
# writer's commits). A check that mixed two
# commits would report a finding; every check must report none, and none
# may fail for a lock. Then a writer that holds a write transaction open
# for two seconds: a check meanwhile is not blocked and sees the old data.
# And a check never writes to the store (its dump is the same after).
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir csv
empty_tables csv
printf 'id,title,version\nF,A,1\n' > csv/framework.csv
printf 'id,name,role\nP,A,CISO\n' > csv/person.csv
"$VOUCH" load --facts facts.db csv/*.csv > out 2>&1 || { cat out; bad "load failed"; finish; exit 1; }
cat > p.vouch <<'PACK'
pack "snap" version "1"
import "isms"
rule SAME "the framework's title and the person's name agree" severity high {
  for f in framework
  for q in months(0001-01-01..5000-12-31)
  require exists p in person where p.id == "P" and p.name == f.title
  subject "{f.id}/{q.start}"
}
PACK

# flip.py DB SECONDS [PAUSE]: flips both, one commit at a time, pausing
# PAUSE seconds between commits (default none).
cat > flip.py <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
end = time.time() + float(sys.argv[2])
pause = float(sys.argv[3]) if len(sys.argv) > 3 else 0
n = 0
while time.time() < end:
    v = "B" if n % 2 == 0 else "A"
    db.execute("BEGIN IMMEDIATE")
    db.execute("UPDATE framework SET title = ?", (v,))
    db.execute("UPDATE person SET name = ?", (v,))
    db.execute("COMMIT")
    n += 1
    if pause:
        time.sleep(pause)
print(n)
PY
python3 flip.py facts.db 3 > flips.out 2>&1 &
writer=$!
i=0; good=0; bad_runs=0
while kill -0 "$writer" 2>/dev/null && [ "$i" -lt 40 ]; do
    i=$((i + 1))
    "$VOUCH" check --facts facts.db --format tsv p.vouch > run.out 2>&1
    st=$?
    if [ "$st" = 0 ] && [ ! -s run.out ]; then
        good=$((good + 1))
    else
        bad_runs=$((bad_runs + 1))
        echo "check $i: exit $st:"; head -n 5 run.out
    fi
done
wait "$writer"
flips=$(cat flips.out)
if [ "$bad_runs" -eq 0 ] && [ "$good" -ge 3 ]; then
    ok "$good checks during $flips writer commits: each saw one snapshot, none was locked out"
else
    bad "$bad_runs of $i checks during writes saw mixed data or failed"
fi

# Two rules on two threads (runtime/vm/vm_parallel.c), each with its own
# connection: one fires when the title is A, the other when the name is B.
# Flipped together, one snapshot gives exactly one finding; two different
# snapshots would give none or two. The writer pauses between commits so
# that some checks find a moment without one and do run on two threads.
cat > p2.vouch <<'PACK'
pack "snap2" version "1"
import "isms"
rule TITLE_A "the title is not A" severity high {
  for f in framework where f.title == "A"
  for q in months(0001-01-01..3000-12-31) where q.start == 2000-01-01
  require false
  subject f.id
}
rule NAME_B "the name is not B" severity high {
  for p in person where p.name == "B"
  for q in months(0001-01-01..3000-12-31) where q.start == 2000-01-01
  require false
  subject p.id
}
PACK
python3 flip.py facts.db 4 0.003 > flips.out 2>&1 &
writer=$!
i=0; good=0; bad_runs=0; two=0
while kill -0 "$writer" 2>/dev/null && [ "$i" -lt 60 ]; do
    i=$((i + 1))
    "$VOUCH" check --facts facts.db --format tsv --stats p2.vouch > run.out 2> stats.out
    st=$?
    if [ "$st" = 1 ] && [ "$(wc -l < run.out)" -eq 1 ]; then
        good=$((good + 1))
    else
        bad_runs=$((bad_runs + 1))
        echo "check $i: exit $st, $(wc -l < run.out) findings:"; head -n 5 run.out
    fi
    grep -q '; 2 threads$' stats.out && two=$((two + 1))
done
wait "$writer"
flips=$(cat flips.out)
if [ "$bad_runs" -eq 0 ] && [ "$good" -ge 3 ] && [ "$two" -ge 1 ]; then
    ok "$good two-rule checks during $flips writer commits ($two of them on two threads): each saw one snapshot"
else
    bad "two-rule checks during writes: $bad_runs of $i saw mixed data or failed; $two ran on two threads"
fi

# A write transaction held open for 2 s: the check is not blocked.
cat > hold.py <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=10, isolation_level=None)
db.execute("BEGIN IMMEDIATE")
db.execute("UPDATE framework SET title = 'C'")
db.execute("UPDATE person SET name = 'D'")
print("holding", flush=True)
time.sleep(2)
db.execute("COMMIT")
PY
python3 hold.py facts.db > hold.out 2>&1 &
holder=$!
while ! grep -q holding hold.out 2>/dev/null; do sleep 0.05; done
t0=$(date +%s%N)
"$VOUCH" check --facts facts.db --format tsv p.vouch > run.out 2>&1
st=$?
t1=$(date +%s%N)
wait "$holder"
ms=$(( (t1 - t0) / 1000000 ))
if [ "$st" = 0 ] && [ ! -s run.out ] && [ "$ms" -lt 1500 ]; then
    ok "a check while a writer holds a transaction: not blocked ($ms ms), sees the committed data"
else
    bad "a check while a writer holds a transaction: exit $st after $ms ms"
    head -n 5 run.out
fi
# After the commit the mismatch is there for all to see.
"$VOUCH" check --facts facts.db --format tsv p.vouch > run.out 2>&1
[ "$?" = 1 ] && ok "after the writer's commit, the check sees it" || bad "the check did not see the commit"

# The check writes nothing to the store.
s1=$(store_sum facts.db)
"$VOUCH" check --facts facts.db --format tsv p.vouch > /dev/null 2>&1
"$ASAN_VOUCH" check --facts facts.db --format tsv p.vouch > /dev/null 2>&1
s2=$(store_sum facts.db)
[ "$s1" = "$s2" ] && ok "a check leaves the store's content unchanged" || bad "a check changed the store"
finish
