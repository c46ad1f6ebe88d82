#!/bin/sh
# bench/bench.sh: `make bench`. vouch against the hand-written SQL of
# shared/bench/reference.sql (and of a bigger generated pack), on the
# benchmark facts of shared/bench/gen_facts.py.
#
#   sh bench/bench.sh          (from anywhere; it works from the repo root)
#
#   BENCH_L=1           also scale L (5 million evidence rows; its facts take
#                       about 30 s to generate, once, into bench/out/)
#   BENCH_LOAD=SCALE    the scale of the load throughput (default L, whose
#                       facts are then generated even without BENCH_L;
#                       BENCH_LOAD=M for a quicker run, BENCH_LOAD=0 none)
#   BENCH_SCALES="S M"  the scales to run (default S M, plus L with BENCH_L=1)
#   BENCH_RUNS=N        timed runs per command, best one counts (default 5; 3 at L)
#   BENCH_RULES=N       rules in the bigger pack (default 120)
#   BENCH_SLOW=1        also time the SQL of the bigger pack on the stores
#                       without indexes (minutes: every probe is a scan)
#   BENCH_STRICT=1      exit 1 when a target is missed, too
#
# For each scale, on SCALE.db as generated and on a copy with its four
# secondary indexes dropped (SCALE-noindex.db, then ANALYZE):
#   1. checks that `vouch check --format tsv` reports exactly the SQL's
#      findings (both sorted bytewise), for the six rules and the big pack;
#   2. times end to end (start, compile, evaluate, write JSON findings)
#      `./vouch check --facts FILE --as-of 2026-11-21 --format json PACK`
#      and `sqlite3 -readonly -batch FILE < PACK.sql`: best of N, with
#      hyperfine if it is installed, else a loop over `date +%s%N`;
#   3. measures peak RSS with /usr/bin/time -v, if present.
# Then the rules scaling (6, 30 and BENCH_RULES rules at M), the load
# throughput (the evidence table as CSV, JSON and JSON Lines through
# `vouch load` into a new store, beside `sqlite3 .import` of the CSV; at L:
# 5 million rows, BENCH_LOAD), the compile
# time of a generated pack of 10,000 rules (bench/probe.c), and one table
# with the targets: with the indexes vouch <= 0.8x the SQL's wall time at M
# and L, without them <= 0.2x; peak RSS at L < 256 MiB; `vouch check` at S
# < 20 ms; 10,000 rules compile in < 200 ms; `vouch load` of the CSV <=
# LOAD_X x the time of `sqlite3 .import` of it.
#
# Then the PostgreSQL rows (bench/bench_pg.sh; BENCH_ORGS=N organisations,
# default 200): the reference pack at M (and L with BENCH_L=1) against psql
# running reference.sql on the same database, with and without the
# secondary indexes (targets: <= 1.0x with, <= 0.2x without), the load into
# PostgreSQL, and organisations per second over N schemas of scale S.
#
# Exits 1 if findings differ or a command fails (or a target is missed
# with BENCH_STRICT=1), 2 if something needed is missing, 0 otherwise.
set -u

cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
runs=${BENCH_RUNS:-5}
strict=${BENCH_STRICT:-0}
nrules=${BENCH_RULES:-120}
slow=${BENCH_SLOW:-0}
asof=2026-11-21
pack=rules/reference/reference.vouch
python=/usr/bin/python3
out=bench/out

die() { echo "bench: $*" >&2; exit 2; }

scales=${BENCH_SCALES:-"S M"}
lscale=${BENCH_LOAD:-L}
case $lscale in S|M|L) ;; 0) lscale= ;; *) die "BENCH_LOAD is S, M, L or 0 (not '$lscale')" ;; esac
# vouch load of the CSV at most this many times sqlite3 .import of it
# (measured: about 1.0 at M and L on 2 shared CPUs; docs/loading.md)
load_x=1.25
[ "${BENCH_L:-0}" = 1 ] && [ -z "${BENCH_SCALES:-}" ] && scales="S M L"
for s in $scales; do case $s in S|M|L) ;; *) die "scales are S, M and L (not '$s')" ;; esac; done
case $runs in ''|*[!0-9]*|0) die "BENCH_RUNS must be a positive number" ;; esac
case $nrules in ''|*[!0-9]*|0) die "BENCH_RULES must be a positive number" ;; esac
[ -x ./vouch ] || die "./vouch is missing: run \`make vouch\` (or \`make bench\`) first"
[ -f build/release/libvouch.a ] || die "build/release/libvouch.a is missing: run \`make vouch\`"
[ -x "$python" ] || die "$python is needed to generate the facts"
command -v sqlite3 >/dev/null 2>&1 || die "the sqlite3 command is needed for the SQL reference"

shared=$root/../shared
[ -f "$shared/bench/reference.sql" ] || shared=/work/shared
[ -f "$shared/bench/reference.sql" ] && [ -f "$shared/bench/gen_facts.py" ] ||
    die "cannot find the shared bench folder (looked in $root/../shared and /work/shared)"
shared=$(cd "$shared" && pwd)
refsql=$shared/bench/reference.sql

mkdir -p "$out" || die "cannot create $out"
[ -f "$out/.gitignore" ] || echo '*' > "$out/.gitignore"

# newer A B: A was modified after B (POSIX has no test -nt).
newer() { [ -n "$(find "$1" -prune -newer "$2" 2>/dev/null)" ]; }

# ---- tools: the probe (compile timings) and the packs --------------------------
probe=$out/probe
if [ ! -x "$probe" ] || newer bench/probe.c "$probe" || newer build/release/libvouch.a "$probe"; then
    ${CC:-cc} -O2 -std=c11 -D_POSIX_C_SOURCE=200809L -D_DEFAULT_SOURCE -Iinclude -Ibuild/gen -Icompiler -Iruntime/base \
        -Iruntime/program -Iruntime/store -Iruntime/vm -Iruntime/report -o "$probe" bench/probe.c build/release/libvouch.a -lsqlite3 -lnettle -ljansson -lpq -lm ||
        die "building bench/probe.c failed"
fi
genpack() {   # genpack N: bench/out/packN.{vouch,sql}
    if [ ! -f "$out/pack$1.vouch" ] || newer bench/gen_pack.py "$out/pack$1.vouch"; then
        "$python" bench/gen_pack.py --rules "$1" --as-of "$asof" --out "$out/pack$1" ||
            die "bench/gen_pack.py --rules $1 failed"
    fi
}
genpack "$nrules"
genpack 30
if [ ! -f "$out/pack10000.vouch" ] || newer bench/gen_pack.py "$out/pack10000.vouch"; then
    "$python" bench/gen_pack.py --rules 10000 --no-sql --out "$out/pack10000" ||
        die "bench/gen_pack.py --rules 10000 failed"
fi

# ---- facts, generated once per scale ---------------------------------------------
# store SCALE: bench/out/SCALE.db, generated, its evidence ids text, recorded
store() {
    db=$out/$1.db
    noidx=$out/$1-noindex.db
    if [ ! -f "$db" ] || newer "$shared/bench/gen_facts.py" "$db"; then
        echo "bench: generating scale $1 facts into $db"
        rm -f "$db" "$noidx"
        "$python" "$shared/bench/gen_facts.py" --scale "$1" --out "$db.tmp" ||
            { rm -f "$db.tmp"; die "generating the facts failed"; }
        mv "$db.tmp" "$db"
    fi
    # The generator makes evidence.id an INTEGER column, as stores made
    # before schema v1's text evidence ids did; vouch refuses such a column
    # in --explain and in rules that read it (docs/facts.md, "Text ids"), so
    # it is converted as that section says (bench/text_ids.sql).
    if [ "$(sqlite3 "$db" "SELECT type FROM pragma_table_info('evidence') WHERE name = 'id'")" = INTEGER ]; then
        echo "bench: converting evidence.id of $db to text"
        sqlite3 "$db" < bench/text_ids.sql || die "converting evidence.id of $db failed"
    fi
    # Nor does it write the optional columns soa and risk gained in issue 16
    # (docs/facts.md): they are added, empty (bench/seed_columns.sql).
    if [ -z "$(sqlite3 "$db" "SELECT 1 FROM pragma_table_info('soa') WHERE name = 'implementation'")" ]; then
        echo "bench: adding the columns of issue 16 to $db"
        sqlite3 "$db" < bench/seed_columns.sql || die "adding the columns of issue 16 to $db failed"
    fi
    # The generator writes the store with SQLite as any other tool would:
    # `vouch load` with no CSV checks every value once and records each
    # table's digest (docs/facts.md, "Stored values"), as a user does
    # after writing a store with other tools; without the record every
    # check would scan and hash all the tables again.
    if [ "$(sqlite3 "$db" "SELECT count(*) FROM sqlite_master WHERE name = 'vouch_digest'")" != 1 ]; then
        echo "bench: checking and recording the values of $db (vouch load)"
        ./vouch load --facts "$db" || die "vouch load --facts $db failed"
    fi
}
facts() {   # facts SCALE: bench/out/SCALE.db and SCALE-noindex.db
    store "$1"
    if [ ! -f "$noidx" ] || newer "$db" "$noidx"; then
        echo "bench: making $noidx (secondary indexes dropped)"
        cp "$db" "$noidx.tmp" &&
            sqlite3 "$noidx.tmp" 'DROP INDEX evidence_fw_ctl_date; DROP INDEX risk_asset;
                                  DROP INDEX risk_control_risk; DROP INDEX mapping_dst; ANALYZE;' &&
            mv "$noidx.tmp" "$noidx" ||
            { rm -f "$noidx.tmp"; die "making the copy without indexes failed"; }
    fi
}

if command -v hyperfine >/dev/null 2>&1; then timer=hyperfine; else timer=loop; fi
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then rss=1; else rss=0; fi

# best_ms N CMD: best wall time in ms (one decimal) of the shell command CMD,
# N runs after one warm-up run.
best_ms() {
    n=$1
    shift
    if [ "$timer" = hyperfine ]; then
        hyperfine --runs "$n" --warmup 1 --ignore-failure --style none \
            --export-json "$out/hf.json" "$1" >/dev/null 2>&1 || { echo "-"; return; }
        "$python" -c 'import json,sys; print("%.1f" % (min(json.load(open(sys.argv[1]))["results"][0]["times"]) * 1000))' "$out/hf.json"
        return
    fi
    sh -c "$1" >/dev/null 2>&1
    best=
    i=0
    while [ "$i" -lt "$n" ]; do
        i=$((i + 1))
        t0=$(date +%s%N)
        sh -c "$1" >/dev/null 2>&1
        t1=$(date +%s%N)
        d=$((t1 - t0))
        if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.1f", ns / 1e6 }'
}

# rss_mb CMD: peak RSS in MiB of the shell command CMD, or "-".
rss_mb() {
    [ "$rss" = 1 ] || { echo -; return; }
    /usr/bin/time -v sh -c "exec $1" >/dev/null 2>"$out/time.log"
    awk -F': *' '/Maximum resident set size/ { printf "%.1f", $2 / 1024; found = 1 }
                 END { if (!found) printf "-" }' "$out/time.log"
}

ratio() { awk -v v="$1" -v r="$2" 'BEGIN { if (v == "-" || r == "-" || r <= 0) print "-"; else printf "%.2f", v / r }'; }
# verdict VALUE OP LIMIT: PASS or MISS (or - when there is no value)
verdict() { awk -v v="$1" -v op="$2" -v l="$3" 'BEGIN {
    if (v == "-") { print "-"; exit }
    ok = op == "<=" ? v + 0 <= l + 0 : v + 0 < l + 0; print ok ? "PASS" : "MISS" }'; }

status=0
targets=
target() {   # target NAME VALUE OP LIMIT
    tv=$(verdict "$2" "$3" "$4")
    [ "$tv" = MISS ] && [ "$strict" = 1 ] && status=1
    targets="$targets$1|$2|$3 $4|$tv
"
}

# same NAME DB VOUCHPACK SQLFILE SQLDB: compares vouch's findings on DB with
# the SQL's on SQLDB (the same facts; the copy with indexes answers faster);
# prints "same (N)" or DIFFER.
same() {
    sqlite3 -readonly -batch "$5" < "$4" 2>/dev/null | LC_ALL=C sort > "$out/$1.ref.tsv"
    ./vouch check --facts "$2" --as-of "$asof" --format tsv "$3" </dev/null \
        2>"$out/$1.vouch.err" | LC_ALL=C sort > "$out/$1.vouch.tsv"
    nref=$(wc -l < "$out/$1.ref.tsv" | tr -d ' ')
    if [ "$nref" -gt 0 ] && cmp -s "$out/$1.ref.tsv" "$out/$1.vouch.tsv"; then
        echo "same ($nref)"
    else
        echo "DIFFER"
        {
            echo "bench: $1: vouch's findings differ from the SQL's ($nref lines):"
            sed 's/^/    /' "$out/$1.vouch.err" | head -n 5
            diff -u -L sql -L vouch "$out/$1.ref.tsv" "$out/$1.vouch.tsv" | head -n 20
        } >&2
    fi
}

# row NAME DB PACK SQL RUNS TIMESQL SQLDB: one line of a table
rows=
row() {
    name=$1 db=$2 vp=$3 sq=$4 n=$5 timesql=$6
    file=$(echo "$name" | tr / _)    # bench/out/FILE.*: the row's outputs
    sm=$(same "$file" "$db" "$vp" "$sq" "$7")
    case $sm in DIFFER) status=1 ;; esac
    vcmd="./vouch check --facts '$db' --as-of $asof --format json '$vp' > '$out/$file.out.json'"
    sh -c "$vcmd" </dev/null 2>"$out/$file.vouch.err"
    if [ $? -gt 1 ]; then
        echo "bench: $name: vouch check failed:" >&2
        sed 's/^/    /' "$out/$file.vouch.err" | head -n 5 >&2
        status=1
        rows="$rows$name - - - - $sm
"
        return
    fi
    if [ "$timesql" = 1 ]; then
        r_ms=$(best_ms "$n" "sqlite3 -readonly -batch '$db' < '$sq' > '$out/$file.ref.out'")
    else
        r_ms=-
    fi
    v_ms=$(best_ms "$n" "$vcmd")
    v_rss=$(rss_mb "$vcmd")
    rows="$rows$name $r_ms $v_ms $(ratio "$v_ms" "$r_ms") $v_rss $sm
"
    last_ratio=$(ratio "$v_ms" "$r_ms")
    last_ms=$v_ms
    last_rss=$v_rss
}

machine="$(nproc 2>/dev/null || echo ?) CPUs, $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo 2>/dev/null | head -n 1)"
echo "bench: $(./vouch --version 2>/dev/null | head -n 1); $machine; timer $timer, best of $runs"

for s in $scales; do
    facts "$s"
    n=$runs
    [ "$s" = L ] && [ "$runs" -gt 3 ] && n=3
    for v in "" "-noindex"; do
        db=$out/$s$v.db
        echo "bench: scale $s$v ..." >&2
        row "$s$v" "$db" "$pack" "$refsql" "$n" 1 "$db"
        case $s$v in
        M|L) target "6 rules, $s, with indexes: vouch/SQL" "$last_ratio" "<=" 0.8 ;;
        M-noindex|L-noindex) target "6 rules, $s, without indexes: vouch/SQL" "$last_ratio" "<=" 0.2 ;;
        S) target "vouch check at S, ms" "$last_ms" "<" 20 ;;
        esac
        [ "$s" = L ] && target "peak RSS at L$v, MiB" "$last_rss" "<" 256
        tsql=1
        [ -n "$v" ] && [ "$slow" != 1 ] && tsql=0
        sqldb=$db
        [ "$tsql" = 0 ] && sqldb=$out/$s.db
        row "$s$v/$nrules" "$db" "$out/pack$nrules.vouch" "$out/pack$nrules.sql" "$n" "$tsql" "$sqldb"
    done
done

# ---- rules scaling at M -----------------------------------------------------------
srows=
case " $scales " in *" M "*)
    for v in "" "-noindex"; do
        db=$out/M$v.db
        for k in 6 30 "$nrules"; do
            if [ "$k" = 6 ]; then vp=$pack sq=$refsql; else vp=$out/pack$k.vouch sq=$out/pack$k.sql; fi
            tsql=1
            [ -n "$v" ] && [ "$k" != 6 ] && [ "$slow" != 1 ] && tsql=0
            v_ms=$(best_ms "$runs" "./vouch check --facts '$db' --as-of $asof --format json '$vp'")
            if [ "$tsql" = 1 ]; then r_ms=$(best_ms "$runs" "sqlite3 -readonly -batch '$db' < '$sq'"); else r_ms=-; fi
            srows="${srows}M$v $k $r_ms $v_ms $(ratio "$v_ms" "$r_ms")
"
        done
    done
    ;;
esac

# ---- load throughput ----------------------------------------------------------------
# `vouch load` of the evidence table into a new store, as CSV, as a JSON
# array and as JSON Lines (each value checked, one transaction, indexes and
# records), beside `sqlite3 .import` of the same CSV into a new database
# (no checks, every column TEXT) as a reference: rows per second.
lrows=
if [ -n "$lscale" ]; then
    store "$lscale"
    echo "bench: load throughput at $lscale ..." >&2
    ldir=$out/load-$lscale
    mkdir -p "$ldir"
    db=$out/$lscale.db
    if [ ! -f "$ldir/evidence.jsonl" ] || newer "$db" "$ldir/evidence.jsonl"; then
        sqlite3 -header -csv "$db" "SELECT * FROM evidence" > "$ldir/evidence.csv" &&
            sqlite3 -json "$db" "SELECT * FROM evidence" > "$ldir/evidence.json" &&
            sed -e 's/^\[//' -e 's/[],]$//' "$ldir/evidence.json" > "$ldir/evidence.jsonl" ||
            die "exporting the evidence of $db failed"
    fi
    nload=$(sqlite3 "$db" "SELECT count(*) FROM evidence")
    ln=$runs
    [ "$lscale" = L ] && [ "$runs" -gt 3 ] && ln=3
    for f in import csv json jsonl; do
        if [ "$f" = import ]; then
            cmd="rm -f '$ldir/t.db'; sqlite3 '$ldir/t.db' '.import --csv $ldir/evidence.csv evidence'"
        else
            cmd="rm -f '$ldir/t.db'; ./vouch load --facts '$ldir/t.db' '$ldir/evidence.$f'"
        fi
        ms=$(best_ms "$ln" "$cmd")
        rps=$(awk -v n="$nload" -v ms="$ms" 'BEGIN { if (ms == "-" || ms <= 0) print "-"; else printf "%.0f", n / (ms / 1000) }')
        lrows="$lrows$f $ms $rps $(ratio "$ms" "${import_ms:-$ms}")
"
        [ "$f" = import ] && import_ms=$ms
        [ "$f" = csv ] && target "vouch load CSV at $lscale: time / sqlite3 .import" \
            "$(ratio "$ms" "$import_ms")" "<=" "$load_x"
    done
    rm -f "$ldir/t.db"
fi

# ---- compile time -------------------------------------------------------------------
ctime=$("$probe" compile "$out/pack10000.vouch" 2>"$out/compile.err")
cms=$(echo "$ctime" | awk '{ print $2 }')
[ -n "$cms" ] || { cat "$out/compile.err" >&2; cms=-; status=1; }
target "compile 10,000 rules, ms" "$cms" "<" 200

# ---- PostgreSQL ------------------------------------------------------------------------
. bench/bench_pg.sh
pg_bench

# ---- tables --------------------------------------------------------------------------
echo
echo "vouch bench, as of $asof: $machine"
echo
echo "End to end (start, compile, evaluate, write JSON), best of $runs ($timer); RSS = vouch's peak"
printf '%-18s %10s %10s %7s %9s  %s\n' facts/pack "SQL ms" "vouch ms" ratio "RSS MiB" findings
printf '%s' "$rows" | while read -r n r v ra mb sa; do
    case $n in */*) ;; *) n="$n/6" ;; esac
    printf '%-18s %10s %10s %7s %9s  %s\n' "$n" "$r" "$v" "$ra" "$mb" "$sa"
done
if [ -n "$srows" ]; then
    echo
    echo "Rules scaling at M: time as the pack grows (SQL without indexes needs BENCH_SLOW=1)"
    printf '%-12s %6s %10s %10s %7s\n' facts rules "SQL ms" "vouch ms" ratio
    printf '%s' "$srows" | while read -r f k r v ra; do
        printf '%-12s %6s %10s %10s %7s\n' "$f" "$k" "$r" "$v" "$ra"
    done
fi
if [ -n "$lrows" ]; then
    echo
    echo "Load throughput at $lscale: $nload evidence rows into a new store, best of $ln; ratio = time / sqlite3's"
    printf '%-22s %10s %10s %7s\n' input ms rows/s ratio
    printf '%s' "$lrows" | while read -r f ms rps ra; do
        case $f in
        import) f="sqlite3 .import CSV" ;;
        csv) f="vouch load CSV" ;;
        json) f="vouch load JSON" ;;
        jsonl) f="vouch load JSON Lines" ;;
        esac
        printf '%-22s %10s %10s %7s\n' "$f" "$ms" "$rps" "$ra"
    done
fi
echo
echo "Compile: $ctime (bench/out/pack10000.vouch)"
pg_tables
echo
echo "Targets"
printf '%s' "$targets" | while IFS='|' read -r n v l res; do
    printf '  %-44s %9s  %-8s %s\n' "$n" "$v" "$l" "$res"
done
exit "$status"
