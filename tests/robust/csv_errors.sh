#!/bin/sh
# tests/robust/csv_errors.sh: `vouch load` names FILE:ROW:COL for a bad row,
# a wrong number of cells, invalid UTF-8, a NUL byte, an absurd date or
# number, broken quoting and a bad header, exits 2, and writes nothing (the
# store's checksum is unchanged). ROW is the line the record starts on (the
# header is row 1), COL the cell's position. Release and asan binaries.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir csv
empty_tables csv
printf 'id,name,role\nP1,Ada Ames,CISO\n' > csv/person.csv
"$VOUCH" load --facts facts.db csv/*.csv > out 2>&1 || { cat out; bad "load failed"; finish; exit 1; }
before=$(store_sum facts.db)
mkdir bad

# case NAME FILE PATTERN: writes nothing but the file (made by the caller
# in bad/), loads it with both binaries, expects exit 2 and PATTERN.
case_() {
    for v in release asan; do
        bin=$VOUCH; [ "$v" = asan ] && bin=$ASAN_VOUCH
        expect "$v: $1" 2 "$3" "$bin" load --facts facts.db "bad/$2"
    done
}

printf 'id,name,role\nP2,Bo,engineer\nP3,B\377o,engineer\n' > bad/person.csv
case_ "invalid UTF-8" person.csv '^bad/person\.csv:3:2: error: column `name`: is not valid UTF-8 at byte 2$'
printf 'id,name,role\nP2,Bo,engineer\nP3,B\000o,engineer\n' > bad/person.csv
case_ "a NUL byte" person.csv '^bad/person\.csv:3:2: error: column `name`: contains a NUL byte at byte 2$'
printf 'id,name,role\nP2,Bo\nP3,Cy,eng,extra\n' > bad/person.csv
case_ "too few cells" person.csv '^bad/person\.csv:2:3: error: 2 fields, but the header has 3$'
case_ "too many cells" person.csv '^bad/person\.csv:3:4: error: 4 fields, but the header has 3$'
printf 'id,name,role\nP2,"Bo,engineer\n' > bad/person.csv
case_ "a quote never closed" person.csv '^bad/person\.csv:2:2: error: quoted field never closed'
printf 'id,name,role\nP2,B"o,engineer\n' > bad/person.csv
case_ "a quote inside a field" person.csv '^bad/person\.csv:2:2: error: `"` inside an unquoted field'
printf 'id,name,role\nP2,"Bo"x,engineer\n' > bad/person.csv
case_ "text after a closing quote" person.csv '^bad/person\.csv:2:2: error: unexpected `x` after a closing quote'
printf 'id,name,role\377\nP2,Bo,engineer\n' > bad/person.csv
case_ "a header name that is not UTF-8" person.csv '^bad/person\.csv:1:3: error: the column name is not valid UTF-8 at byte 5$'
printf 'id,na\000me,role\nP2,Bo,engineer\n' > bad/person.csv
case_ "a NUL byte in the header" person.csv '^bad/person\.csv:1:2: error: the column name contains a NUL byte at byte 3$'
: > bad/person.csv
case_ "an empty file" person.csv '^bad/person\.csv:1: error: empty file'
H=id,framework,control,kind,collected_on,asset,result
printf '%s\n1,iso,A.1,k,99999-01-01,,pass\n' "$H" > bad/evidence.csv
case_ "a five-digit year" evidence.csv '^bad/evidence\.csv:2:5: error: column `collected_on`: `99999-01-01` is not a date'
printf '%s\n1,iso,A.1,k,2026-02-30,,pass\n' "$H" > bad/evidence.csv
case_ "the 30th of February" evidence.csv '^bad/evidence\.csv:2:5: error: column `collected_on`: `2026-02-30` is not a date'
printf '%s\n1,iso,A.1,k,0000-12-31,,pass\n' "$H" > bad/evidence.csv
case_ "year zero" evidence.csv '^bad/evidence\.csv:2:5: error: column `collected_on`: `0000-12-31` is not a date'
printf 'id,title,likelihood,impact,residual_likelihood,residual_impact,treatment\nR1,t,99999999999999999999,1,1,1,accept\n' > bad/risk.csv
case_ "an integer over 64 bits" risk.csv '^bad/risk\.csv:2:3: error: column `likelihood`: 99999999999999999999 is out of range'
printf '%s\n1,iso,A.1,k,2026-01-01,,maybe\n' "$H" > bad/evidence.csv
case_ "a value outside the enum" evidence.csv '^bad/evidence\.csv:2:7: error: column `result`: `maybe` is not one of: pass, fail'
# the row of a record that spans lines is where it starts
printf '%s\n1,iso,"A.1\nmore",k,2026-01-01,,pass\n2,iso,A.1,k,someday,,pass\n' "$H" > bad/evidence.csv
case_ "a row after a multi-line cell" evidence.csv '^bad/evidence\.csv:4:5: error: column `collected_on`: `someday` is not a date'
# many errors: the first ones are listed, then how many more (the load
# stops after twenty)
awk -v H="$H" 'BEGIN { print H; for (i = 1; i <= 50; i++) printf "%d,iso,A.1,k,bad%d,,pass\n", i, i }' > bad/evidence.csv
case_ "fifty bad rows" evidence.csv '^\(and [0-9]+ more errors\)$'

if [ "$(store_sum facts.db)" = "$before" ]; then
    ok "after all the failed loads the store is unchanged"
else
    bad "a failed load changed the store"
fi
finish
