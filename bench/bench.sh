#!/bin/sh
# bench/bench.sh: `make bench`. vouch's reference pack against the hand-written
# SQL of shared/bench/reference.sql, on the benchmark facts.
#
#   sh bench/bench.sh          (from anywhere; it works from the repo root)
#
#   BENCH_SCALE=S|M|L   facts scale (default M); generated once into bench/out/
#   BENCH_RUNS=N        timed runs per command, best one counts (default 5)
#   BENCH_STRICT=1      exit 1 when a speed target is missed, too
#
# For SCALE.db and a copy with the four secondary indexes dropped
# (SCALE-noindex.db, then ANALYZE) it
#   1. checks that `vouch check --format tsv` reports exactly the reference's
#      findings (sorted bytewise on both sides);
#   2. times, end to end, `sh ../shared/bench/reference.sh FILE > ref.out` and
#      `./vouch check --facts FILE --as-of 2026-11-21 --format json
#      rules/reference/reference.vouch > out.json`: best of N, with hyperfine
#      if it is installed, else a loop over `date +%s%N`;
#   3. measures vouch's peak RSS with /usr/bin/time -v, if present.
# Then prints a table: the ratio vouch/reference and its target (<= 1.0 with
# the indexes, <= 0.33 without), PASS or MISS.
#
# Exits 1 if the findings differ or a command fails (or a target is missed
# with BENCH_STRICT=1), 0 otherwise.
set -u

cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
scale=${BENCH_SCALE:-M}
runs=${BENCH_RUNS:-5}
strict=${BENCH_STRICT:-0}
asof=2026-11-21
pack=rules/reference/reference.vouch
python=/usr/bin/python3
out=bench/out

die() { echo "bench: $*" >&2; exit 2; }

case $scale in S|M|L) ;; *) die "BENCH_SCALE must be S, M or L (not '$scale')" ;; esac
case $runs in ''|*[!0-9]*|0) die "BENCH_RUNS must be a positive number" ;; esac
[ -x ./vouch ] || die "./vouch is missing: run \`make vouch\` (or \`make bench\`) first"
[ -x "$python" ] || die "$python is needed to generate the facts"
command -v sqlite3 >/dev/null 2>&1 || die "the sqlite3 command is needed for the SQL reference"

shared=$root/../shared
[ -f "$shared/bench/reference.sh" ] || shared=/work/shared
[ -f "$shared/bench/reference.sh" ] && [ -f "$shared/bench/gen_facts.py" ] ||
    die "cannot find the shared bench folder (looked in $root/../shared and /work/shared)"
shared=$(cd "$shared" && pwd)
refsh=$shared/bench/reference.sh

mkdir -p "$out" || die "cannot create $out"
[ -f "$out/.gitignore" ] || echo '*' > "$out/.gitignore"

# ---- facts, generated once per scale -----------------------------------------
db=$out/$scale.db
noidx=$out/$scale-noindex.db
# newer A B: A was modified after B (POSIX has no test -nt).
newer() { [ -n "$(find "$1" -prune -newer "$2" 2>/dev/null)" ]; }
if [ ! -f "$db" ] || newer "$shared/bench/gen_facts.py" "$db"; then
    echo "bench: generating scale $scale facts into $db"
    rm -f "$db" "$noidx"
    "$python" "$shared/bench/gen_facts.py" --scale "$scale" --out "$db.tmp" ||
        { rm -f "$db.tmp"; die "generating the facts failed"; }
    mv "$db.tmp" "$db"
fi
if [ ! -f "$noidx" ] || newer "$db" "$noidx"; then
    echo "bench: making $noidx (secondary indexes dropped)"
    cp "$db" "$noidx.tmp" &&
        sqlite3 "$noidx.tmp" 'DROP INDEX evidence_fw_ctl_date; DROP INDEX risk_asset;
                              DROP INDEX risk_control_risk; DROP INDEX mapping_dst; ANALYZE;' &&
        mv "$noidx.tmp" "$noidx" ||
        { rm -f "$noidx.tmp"; die "making the copy without indexes failed"; }
fi

if command -v hyperfine >/dev/null 2>&1; then timer=hyperfine; else timer=loop; fi
if [ -x /usr/bin/time ] && /usr/bin/time -v true >/dev/null 2>&1; then rss=1; else rss=0; fi

# Best wall time in ms (one decimal) of running the shell command $1, $runs
# times after one warm-up run, with the loop timer.
loop_ms() {
    sh -c "$1" >/dev/null 2>&1
    best=
    i=0
    while [ "$i" -lt "$runs" ]; do
        i=$((i + 1))
        t0=$(date +%s%N)
        sh -c "$1" >/dev/null 2>&1
        t1=$(date +%s%N)
        d=$((t1 - t0))
        if [ -z "$best" ] || [ "$d" -lt "$best" ]; then best=$d; fi
    done
    awk -v ns="$best" 'BEGIN { printf "%.1f", ns / 1e6 }'
}

# Peak RSS in MB of the shell command $1, or "-".
rss_mb() {
    [ "$rss" = 1 ] || { echo -; return; }
    /usr/bin/time -v sh -c "exec $1" >/dev/null 2>"$out/time.log"
    awk -F': *' '/Maximum resident set size/ { printf "%.1f", $2 / 1024; found = 1 }
                 END { if (!found) printf "-" }' "$out/time.log"
}

status=0
rows=
for file in "$db" "$noidx"; do
    name=$(basename "$file" .db)
    case $name in *-noindex) target=0.33 ;; *) target=1.0 ;; esac
    refcmd="sh '$refsh' '$file' > '$out/$name.ref.out'"
    vcmd="./vouch check --facts '$file' --as-of $asof --format json $pack > '$out/$name.out.json'"

    # 1. the same findings
    sh "$refsh" "$file" 2>/dev/null | LC_ALL=C sort > "$out/$name.ref.tsv"
    ./vouch check --facts "$file" --as-of "$asof" --format tsv "$pack" </dev/null \
        2>"$out/$name.vouch.err" | LC_ALL=C sort > "$out/$name.vouch.tsv"
    nref=$(wc -l < "$out/$name.ref.tsv" | tr -d ' ')
    if [ "$nref" -gt 0 ] && cmp -s "$out/$name.ref.tsv" "$out/$name.vouch.tsv"; then
        same="same ($nref)"
    else
        same="DIFFER"
        status=1
        echo "bench: $name: vouch's findings differ from the reference ($nref lines):"
        sed 's/^/    /' "$out/$name.vouch.err" | head -n 5
        if [ -s "$out/$name.vouch.tsv" ]; then
            diff -u -L reference -L vouch "$out/$name.ref.tsv" "$out/$name.vouch.tsv" | head -n 20
        else
            echo "    (vouch printed no findings)"
        fi
    fi

    # 2. end-to-end wall time
    sh -c "$vcmd" </dev/null 2>"$out/$name.vouch.err"
    vst=$?
    if [ "$vst" -gt 1 ]; then
        echo "bench: $name: vouch check --format json exited $vst:"
        sed 's/^/    /' "$out/$name.vouch.err" | head -n 5
        status=1
        rows="$rows$name - - - ERROR <=$target - $same
"
        continue
    fi
    if ! "$python" -c 'import json, sys; json.load(open(sys.argv[1]))' "$out/$name.out.json" 2>/dev/null; then
        echo "bench: $name: warning: $out/$name.out.json is not valid JSON"
    fi
    if [ "$timer" = hyperfine ]; then
        hyperfine --runs "$runs" --warmup 1 --ignore-failure --style basic \
            --export-json "$out/$name.hyperfine.json" \
            -n reference "$refcmd" -n vouch "$vcmd" >"$out/$name.hyperfine.log" 2>&1 ||
            { cat "$out/$name.hyperfine.log"; die "hyperfine failed"; }
        set -- $("$python" -c '
import json, sys
r = {x["command"]: x["min"] for x in json.load(open(sys.argv[1]))["results"]}
print("%.1f %.1f" % (r["reference"] * 1000, r["vouch"] * 1000))' "$out/$name.hyperfine.json")
        ref_ms=$1
        v_ms=$2
    else
        ref_ms=$(loop_ms "$refcmd")
        v_ms=$(loop_ms "$vcmd")
    fi

    # 3. peak memory
    vrss=$(rss_mb "$vcmd")

    verdict=$(awk -v v="$v_ms" -v r="$ref_ms" -v t="$target" \
        'BEGIN { ratio = r > 0 ? v / r : 0; printf "%.2f %s", ratio, (r > 0 && ratio <= t) ? "PASS" : "MISS" }')
    case $verdict in *MISS) [ "$strict" = 1 ] && status=1 ;; esac
    rows="$rows$name $ref_ms $v_ms $verdict <=$target $vrss $same
"
done

echo
echo "vouch bench: scale $scale, best of $runs ($timer), as of $asof, $(./vouch --version 2>/dev/null | head -n 1)"
printf '%-14s %13s %10s %7s %8s %6s %12s  %s\n' file "reference ms" "vouch ms" ratio target result "vouch RSS MB" findings
printf '%s' "$rows" | while read -r n r v ratio verdict target mb same; do
    printf '%-14s %13s %10s %7s %8s %6s %12s  %s\n' "$n" "$r" "$v" "$ratio" "$target" "$verdict" "$mb" "$same"
done
exit "$status"
