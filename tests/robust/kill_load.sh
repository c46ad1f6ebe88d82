#!/bin/sh
# tests/robust/kill_load.sh: `vouch load` is one transaction. A load killed
# with SIGKILL at a random point leaves the store exactly as it was (the
# checksum of its SQL dump, PRAGMA integrity_check), or, if the load got to
# commit first, exactly as a finished load leaves it; `vouch check` reads it
# right after. A new store killed half-made is not left behind (only a
# DB.tmp-XXXXXX file may be). And `vouch load` leaves the store in WAL mode.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir base
empty_tables base
# evidence big enough that a load takes a good fraction of a second
awk 'BEGIN {
    print "id,framework,control,kind,collected_on,asset,result"
    for (i = 1; i <= 150000; i++)
        printf "%d,iso,A.%d,access_review,2026-%02d-%02d,db,%s\n", i, i % 97, 1 + i % 12, 1 + i % 28, i % 3 ? "pass" : "fail"
}' > base/evidence.csv
printf 'id,title,version\niso,ISO 27001,2022\n' > base/framework.csv
mkdir next
sed 's/,pass$/,fail/' base/evidence.csv > next/evidence.csv
# the same, with a bad date in its last row: a load of it always fails, late
mkdir badend
{ cat next/evidence.csv; echo "999999,iso,A.1,access_review,2026-02-30,db,pass"; } > badend/evidence.csv
cat > p.vouch <<'PACK'
pack "p" version "1"
import "isms"
rule EV "evidence passes" severity low { for e in evidence where e.id == "1" or e.id == "2" or e.id == "3" require e.result == pass }
PACK

"$VOUCH" load --facts facts.db base/*.csv > out 2>&1 || { cat out; bad "the first load failed"; finish; exit 1; }
mode=$(sqlite3 facts.db 'PRAGMA journal_mode')
if [ "$mode" = wal ]; then ok "vouch load leaves the store in WAL mode"; else bad "journal mode after vouch load: $mode"; fi
before=$(store_sum facts.db)

# A clean load of next/ gives the other state the store may be in.
cp facts.db done.db
"$VOUCH" load --facts done.db --replace next/evidence.csv > out 2>&1 || { cat out; bad "the clean reload failed"; }
after=$(store_sum done.db)
[ "$before" != "$after" ] || bad "the reload did not change the store"
rm -f done.db*

# How long an undisturbed load takes, to spread the kills over it.
t0=$(date +%s%N)
cp facts.db timing.db
"$VOUCH" load --facts timing.db --replace next/evidence.csv >/dev/null 2>&1
t1=$(date +%s%N)
rm -f timing.db*
ms=$(( (t1 - t0) / 1000000 ))
[ "$ms" -ge 20 ] || ms=20
echo "an undisturbed load takes $ms ms"

# kill ITER FILE BIN: one load of FILE killed after a random delay.
kill_once() {
    delay=$(awk -v s="$1" -v ms="$ms" 'BEGIN { srand(s * 7919 + 17); printf "%.3f", rand() * ms * 1.2 / 1000 }')
    "$3" load --facts facts.db --replace "$2" >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    echo $?
}

# 1. A load that would fail at its last row: whatever happens, nothing changes.
i=0; n=0; killed=0
while [ "$i" -lt 12 ]; do
    i=$((i + 1))
    st=$(kill_once "$i" badend/evidence.csv "$VOUCH")
    [ "$st" = 137 ] && killed=$((killed + 1))
    s=$(store_sum facts.db)
    ic=$(sqlite3 facts.db 'PRAGMA integrity_check' 2>&1)
    "$VOUCH" check --facts facts.db --format tsv p.vouch >/dev/null 2>&1
    cst=$?            # 1: the pack's one finding; 2 would be an error
    if [ "$s" = "$before" ] && [ "$ic" = ok ] && [ "$cst" = 1 ]; then
        n=$((n + 1))
    else
        bad "failing load $i (exit $st): the store changed or cannot be read ($ic)"
    fi
done
[ "$n" -eq 12 ] && ok "12 loads that fail late, killed at random points ($killed killed before they failed): the store is as before"

# 2. A load that succeeds: the store is before or after, nothing between.
i=0; n=0; nb=0; na=0
while [ "$i" -lt 12 ]; do
    i=$((i + 1))
    cp facts.db work.db 2>/dev/null
    st=$(kill_once "$((i + 100))" next/evidence.csv "$VOUCH")
    s=$(store_sum facts.db)
    ic=$(sqlite3 facts.db 'PRAGMA integrity_check' 2>&1)
    if [ "$ic" != ok ]; then
        bad "load $i (exit $st): integrity_check says $ic"
    elif [ "$s" = "$before" ]; then
        n=$((n + 1)); nb=$((nb + 1))
    elif [ "$s" = "$after" ]; then
        n=$((n + 1)); na=$((na + 1))
        # back to the first state for the next round
        "$VOUCH" load --facts facts.db --replace base/evidence.csv >/dev/null 2>&1
    else
        bad "load $i (exit $st): the store is neither as before nor as after"
    fi
    rm -f work.db
done
[ "$n" -eq 12 ] && ok "12 loads killed at random points: $nb left the store as before, $na as after, none in between"

# 3. The asan binary, killed too (a few rounds).
i=0; n=0
while [ "$i" -lt 3 ]; do
    i=$((i + 1))
    kill_once "$((i + 200))" badend/evidence.csv "$ASAN_VOUCH" >/dev/null
    [ "$(store_sum facts.db)" = "$before" ] && n=$((n + 1))
done
if [ "$n" -eq 3 ]; then ok "asan binary: 3 killed loads, store as before"; else bad "asan binary: a killed load changed the store"; fi

# 4. A new store killed half-made is not left behind. A load killed after
# it published the store (the rename) leaves a whole one: the same as a
# finished load's.
mkdir whole
"$VOUCH" load --facts whole/new.db base/*.csv >/dev/null 2>&1 || bad "a load into a new store failed"
whole=$(store_sum whole/new.db)
rm -rf whole
i=0; n=0
while [ "$i" -lt 6 ]; do
    i=$((i + 1))
    rm -f new.db new.db.tmp-*
    delay=$(awk -v s="$i" -v ms="$ms" 'BEGIN { srand(s * 31 + 5); printf "%.3f", rand() * ms / 1000 }')
    "$VOUCH" load --facts new.db base/*.csv >/dev/null 2>&1 &
    pid=$!
    sleep "$delay"
    kill -9 "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
    st=$?
    if [ "$st" = 0 ] || { [ -e new.db ] && [ "$(store_sum new.db)" = "$whole" ]; }; then
        [ "$(sqlite3 new.db 'PRAGMA integrity_check')" = ok ] && n=$((n + 1))
    elif [ ! -e new.db ] && [ -z "$(ls | grep -v -e '^new\.db\.tmp-' -e '^base$' -e '^next$' -e '^badend$' -e '^facts\.db' -e '^p\.vouch$' -e '^out$')" ]; then
        n=$((n + 1))
    else
        bad "a killed new load (exit $st) left: $(ls)"
    fi
done
rm -f new.db new.db.tmp-*
[ "$n" -eq 6 ] && ok "6 loads into a new store killed at random points: no store, or a whole one"

finish
