#!/bin/sh
# tests/robust/concurrent_load.sh: two `vouch load` into one store path that
# does not exist yet, at the same time, each with a table of its own (issue
# 13, item 2). Each load builds its new store in a temporary file; the first
# to finish publishes it, the other finds a store there and loads into it
# (runtime/store/load.c). So both exit 0 and both tables are in the store, every
# time. Release and asan binaries.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir a b
printf 'id,name,role\nP1,Ada,CISO\nP2,Bo,engineer\n' > a/person.csv
awk 'BEGIN { print "id,framework,control,kind,collected_on,asset,result"
             for (i = 1; i <= 2000; i++) printf "%d,iso,A.%d,scan,2026-01-%02d,,pass\n", i, i % 9, 1 + i % 28 }' > b/evidence.csv
for v in release asan; do
    bin=$VOUCH; [ "$v" = asan ] && bin=$ASAN_VOUCH
    n=20; [ "$v" = asan ] && n=8
    lost=0 failed=0
    i=0
    while [ "$i" -lt "$n" ]; do
        i=$((i + 1))
        rm -f s.db s.db-*
        "$bin" load --facts s.db a/person.csv > a.out 2>&1 &
        pa=$!
        "$bin" load --facts s.db b/evidence.csv > b.out 2>&1 &
        pb=$!
        wait $pa; sa=$?
        wait $pb; sb=$?
        if [ "$sa" -ne 0 ] || [ "$sb" -ne 0 ]; then
            failed=$((failed + 1))
            echo "    try $i: exits $sa and $sb"; sed 's/^/    /' a.out b.out | head -n 6
            continue
        fi
        got=$(sqlite3 s.db 'SELECT (SELECT count(*) FROM person) || "," || (SELECT count(*) FROM evidence)' 2>&1)
        [ "$got" = "2,2000" ] || { lost=$((lost + 1)); echo "    try $i: person,evidence rows: $got"; }
    done
    leftovers=$(ls | grep -c 'tmp' || true)
    if [ "$failed" -eq 0 ] && [ "$lost" -eq 0 ]; then
        ok "$v: $n pairs of loads into a new store: both exit 0, both tables kept"
    else
        bad "$v: $n pairs of loads into a new store: $failed with a failed load, $lost lost a table"
    fi
    [ "$leftovers" -eq 0 ] && ok "$v: no temporary store left behind" || bad "$v: $leftovers temporary files left: $(ls)"
done
finish
