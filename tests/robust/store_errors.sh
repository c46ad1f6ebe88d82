#!/bin/sh
# tests/robust/store_errors.sh: a facts store that is missing, a directory,
# empty, not SQLite, damaged, locked, or made for another schema is a clear
# error (exit 2) naming the store, the table or the column; a value of the
# wrong type names table, column and row. With the release and the asan
# binary.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir csv
empty_tables csv
awk 'BEGIN {
    print "id,framework,control,kind,collected_on,asset,result"
    for (i = 1; i <= 20000; i++)
        printf "%d,iso,A.%d,access_review,2026-%02d-%02d,db,%s\n", i, i % 97, 1 + i % 12, 1 + i % 28, i % 3 ? "pass" : "fail"
}' > csv/evidence.csv
"$VOUCH" load --facts good.db csv/*.csv > out 2>&1 || { cat out; bad "load failed"; finish; exit 1; }
cat > p.vouch <<'PACK'
pack "p" version "1"
import "isms"
rule E "evidence is fresh" severity low { for e in evidence require e.collected_on > 2026-06-01 and e.result == pass }
PACK
mkdir d.db
: > empty.db
head -c 8192 /dev/urandom > junk.db
cp good.db damaged.db
python3 -c "
import os
f = open('damaged.db', 'r+b'); n = os.path.getsize('damaged.db'); f.seek(n // 2); f.write(b'\x07' * 8192); f.close()"
cp good.db short.db
truncate -s 5000 short.db
cp good.db notable.db
sqlite3 notable.db 'DROP TABLE evidence'
cp good.db nocolumn.db
sqlite3 nocolumn.db 'ALTER TABLE evidence DROP COLUMN result'
cp good.db badvalue.db
sqlite3 badvalue.db "UPDATE evidence SET collected_on = 'last week' WHERE id = 7"

for v in release asan; do
    bin=$VOUCH; [ "$v" = asan ] && bin=$ASAN_VOUCH
    expect "$v: missing" 2 'cannot open facts store nope\.db: no such file' "$bin" check --facts nope.db p.vouch
    expect "$v: a directory" 2 'd\.db: is a directory' "$bin" check --facts d.db p.vouch
    expect "$v: empty" 2 'empty\.db: the file is empty, not a SQLite database' "$bin" check --facts empty.db p.vouch
    expect "$v: not SQLite" 2 'junk\.db: not a SQLite database' "$bin" check --facts junk.db p.vouch
    expect "$v: damaged pages" 2 'damaged\.db.*malformed' "$bin" check --facts damaged.db p.vouch
    expect "$v: truncated" 2 'short\.db: not a SQLite database \(or a damaged one\)' "$bin" check --facts short.db p.vouch
    expect "$v: a table missing" 2 'notable\.db has no table `evidence`' "$bin" check --facts notable.db p.vouch
    expect "$v: a column missing" 2 'table `evidence` in facts store nocolumn\.db has no column `result`' "$bin" check --facts nocolumn.db p.vouch
    expect "$v: a stored value of the wrong type" 2 'evidence \(id = `7`\): collected_on holds `last week`' "$bin" check --facts badvalue.db p.vouch
    expect "$v: load into a store of another schema" 2 'table `evidence` in the store has no column `result`' "$bin" load --facts nocolumn.db csv/evidence.csv
    expect "$v: load into a file that is not SQLite" 2 'junk\.db: not a SQLite database' "$bin" load --facts junk.db csv/evidence.csv
done

# Locked: another process holds an exclusive lock (locking_mode=EXCLUSIVE
# shuts out WAL readers too). Both commands wait 5 s, then say so.
cp good.db locked.db
cat > lock.py <<'PY'
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA locking_mode=EXCLUSIVE")
db.execute("BEGIN EXCLUSIVE")
db.execute("UPDATE evidence SET kind = 'x' WHERE id = 1")
print("locked", flush=True)
time.sleep(float(sys.argv[2]))
db.execute("ROLLBACK")
PY
python3 lock.py locked.db 6.5 > lock.out 2>&1 &
locker=$!
while ! grep -q locked lock.out 2>/dev/null; do sleep 0.05; done
"$VOUCH" check --facts locked.db p.vouch > check.out 2>&1 &
c=$!
"$VOUCH" load --facts locked.db csv/evidence.csv > load.out 2>&1 &
l=$!
wait "$c"; cst=$?
wait "$l"; lst=$?
wait "$locker"
if [ "$cst" = 2 ] && grep -q 'locked\.db: it is locked by another process' check.out; then
    ok "check on a locked store: waits, then says it is locked"
else
    bad "check on a locked store: exit $cst: $(cat check.out)"
fi
if [ "$lst" = 2 ] && grep -q 'locked\.db: it is locked by another process' load.out; then
    ok "load into a locked store: waits, then says it is locked"
else
    bad "load into a locked store: exit $lst: $(cat load.out)"
fi
[ "$(store_sum locked.db)" = "$(store_sum good.db)" ] && ok "the locked store is unchanged" || bad "the locked store changed"
finish
