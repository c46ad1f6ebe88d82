#!/bin/sh
# tests/robust/csv_caps.sh: a CSV cell or record that never ends is not
# buffered whole (issue 13, item 4; docs/limits.md "Facts"): a cell over
# 1 MiB, a record over 16 MiB, more than 4096 fields, and /dev/zero given as
# a CSV each stop the load with exit 2 and FILE:ROW:COL, in bounded memory
# (peak resident size under 64 MiB, measured by GNU time where it is
# installed), and write nothing. A cell just under the limit loads.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir csv
empty_tables csv
"$VOUCH" load --facts facts.db csv/*.csv > out 2>&1 || { cat out; bad "load failed"; finish; exit 1; }
before=$(store_sum facts.db)
if [ -x /usr/bin/time ] && /usr/bin/time -f %M true > /dev/null 2>&1; then gtime=/usr/bin/time; else gtime=""; fi

# peak NAME MAX_KIB CMD...: runs CMD (exit 2 expected, output in $work/out)
# and checks its peak resident size, where GNU time can tell it.
peak() {
    name=$1 max=$2
    shift 2
    if [ -z "$gtime" ]; then "$@" > out 2>&1; echo "exit $?" >> out; return; fi
    $gtime -f 'peak %M' -o rss "$@" > out 2>&1
    echo "exit $?" >> out
    kib=$(sed -n 's/^peak \([0-9]*\)$/\1/p' rss)
    if [ -n "$kib" ] && [ "$kib" -le "$max" ]; then ok "$name: peak $kib KiB"; else bad "$name: peak ${kib:-?} KiB, more than $max"; fi
}
# one of the person rows' name cell: N bytes of `a`
cell() { printf 'id,name,role\nP1,'; head -c "$1" /dev/zero | tr '\0' a; printf ',CISO\n'; }

cell 1048576 > csv/person.csv
"$VOUCH" load --facts ok.db csv/person.csv > out 2>&1 && [ "$(sqlite3 ok.db "SELECT length(name) FROM person")" = 1048576 ] && ok "a cell of exactly 1 MiB loads" || { bad "a cell of 1 MiB:"; head -c 600 out; }
mkdir big
for v in release asan; do
    bin=$VOUCH; [ "$v" = asan ] && bin=$ASAN_VOUCH
    # a 300 MB cell, from a FIFO so it is never on disk
    rm -f big/person.csv; mkfifo big/person.csv
    cell 300000000 > big/person.csv &
    peak "$v: a 300 MB cell" 65536 "$bin" load --facts facts.db big/person.csv
    kill $! 2>/dev/null; wait $! 2>/dev/null
    grep -Eq '^big/person\.csv:2:2: error: a cell of more than 1048576 bytes \(the limit of one CSV cell\)$' out && grep -q '^exit 2$' out \
        && ok "$v: the cell is named" || { bad "$v: a 300 MB cell:"; head -c 600 out; }
    # /dev/zero as the CSV: a header cell that never ends
    rm -f big/person.csv; ln -s /dev/zero big/person.csv
    peak "$v: /dev/zero as a CSV" 65536 "$bin" load --facts facts.db big/person.csv
    grep -Eq '^big/person\.csv:1:1: error: a cell of more than 1048576 bytes' out && grep -q '^exit 2$' out \
        && ok "$v: /dev/zero is refused" || { bad "$v: /dev/zero:"; head -c 600 out; }
    # a record of 20 cells of 1 MiB each: over the 16 MiB of a record
    rm -f big/person.csv
    { printf 'id,name,role\nP1,'; i=0; while [ $i -lt 20 ]; do head -c 1000000 /dev/zero | tr '\0' b; printf ','; i=$((i + 1)); done; echo; } > big/person.csv
    expect "$v: a record over 16 MiB" 2 '^big/person\.csv:2:18: error: a record of more than 16777216 bytes \(the limit of one CSV record\)$' \
        "$bin" load --facts facts.db big/person.csv
    # more fields than any table has columns
    awk 'BEGIN { printf "id,name,role\nP1"; for (i = 0; i < 5000; i++) printf ","; print "" }' > big/person.csv
    expect "$v: a record of 5001 fields" 2 '^big/person\.csv:2:4097: error: a record of more than 4096 fields \(the limit of one CSV record\)$' \
        "$bin" load --facts facts.db big/person.csv
done
[ "$before" = "$(store_sum facts.db)" ] && ok "the store is unchanged" || bad "the store changed"
finish
