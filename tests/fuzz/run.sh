#!/bin/sh
# tests/fuzz/run.sh: `make fuzz`. Runs each libFuzzer target for SECONDS.
#
#   sh tests/fuzz/run.sh SECONDS TARGET...
#
# Each target starts from its corpus in the repository (tests/fuzz/corpus/T,
# read only) and its working corpus build/fuzz/corpus/T (where new inputs
# go, kept between runs); fuzz_program also gets fresh seeds compiled by
# the current ./build/release/vouch. Crashes are written to
# build/fuzz/crashes/T-*; copy each into tests/fuzz/corpus/T/crash-NAME
# once fixed. The parse and compile targets use the token dictionary
# vouch.dict. Logs: build/fuzz/logs/T.log. Prints per target the inputs
# run, the CPU time, the coverage libFuzzer reached (cov: edges, ft:
# features) and the crashes found, then `fuzzing: N passed, M failed` (a
# target passes if it ran its time without a crash); exits 1 if any target
# crashed. `make test` runs every target this way for FUZZ_SECONDS (20 s
# each by default: a smoke run that also replays the corpus under clang's
# sanitizers, which see more than gcc's), `make fuzz` for as long as asked.
set -u
cd "$(dirname "$0")/../.." || exit 2
secs=${1:-60}
shift
[ $# -gt 0 ] || set -- parse compile program csv store
mkdir -p build/fuzz/logs build/fuzz/crashes build/fuzz/seeds
rc=0
npass=0
nfail=0

# Fresh program seeds from the current compiler.
if [ -x build/release/vouch ]; then
    rm -rf build/fuzz/seeds/program
    sh tests/fuzz/seeds.sh build/release/vouch build/fuzz/seeds >/dev/null 2>&1 || true
fi

for t in "$@"; do
    bin=build/fuzz/fuzz_$t
    if [ ! -x "$bin" ]; then
        echo "fuzz $t: $bin is not built (make fuzz builds it)"
        rc=1
        nfail=$((nfail + 1))
        continue
    fi
    mkdir -p "build/fuzz/corpus/$t"
    # The dictionary for the language targets; inputs up to 16 KiB (the
    # catalogue seeds are bigger: they are replayed whole, mutated cut).
    dict="-max_len=32768"
    case $t in parse|compile) dict="-dict=tests/fuzz/vouch.dict -max_len=16384" ;; esac
    extra=""
    [ "$t" = program ] && [ -d build/fuzz/seeds/program ] && extra=build/fuzz/seeds/program
    log=build/fuzz/logs/$t.log
    before=$(ls build/fuzz/crashes | grep -c "^$t-" || true)
    start=$(date +%s)
    # -timeout: an input that runs longer than 10 s is a hang (reported as
    # a crash); -rss_limit_mb: more than 2 GiB is a leak or a missing limit.
    timer=""
    [ -x /usr/bin/time ] && timer="/usr/bin/time -o build/fuzz/logs/$t.cpu -f %U+%S"
    ASAN_OPTIONS="detect_leaks=1:${ASAN_OPTIONS:-}" \
    $timer "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="build/fuzz/crashes/$t-" $dict \
        "build/fuzz/corpus/$t" "tests/fuzz/corpus/$t" $extra >"$log" 2>&1
    st=$?
    end=$(date +%s)
    after=$(ls build/fuzz/crashes | grep -c "^$t-" || true)
    cov=$(grep -a -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1)
    cpu=$(tail -n 1 "build/fuzz/logs/$t.cpu" 2>/dev/null | awk -F+ '$1 ~ /^[0-9.]+$/ { printf "%.0f", $1 + $2 }')
    runs=$(LC_ALL=C sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    echo "fuzz $t: ${runs:-?} inputs in $((end - start)) s (${cpu:-?} s CPU); ${cov:-no coverage line}; crashes: $((after - before)) new (exit $st)"
    # a ledger of every session, for the totals (build/fuzz/ledger.txt)
    echo "$(date -u +%Y-%m-%dT%H:%M:%SZ) $t seconds=$((end - start)) cpu=${cpu:-?} inputs=${runs:-0} $cov crashes=$((after - before))" >> build/fuzz/ledger.txt
    if [ "$st" -ne 0 ] || [ "$after" -gt "$before" ]; then
        rc=1
        grep -a -m 5 -e 'ERROR:' -e 'SUMMARY:' -e 'broken promise' "$log" | sed 's/^/    /'
        echo "    (log: $log)"
        nfail=$((nfail + 1))
    else
        npass=$((npass + 1))
    fi
done
echo "fuzzing: $npass passed, $nfail failed"
exit $rc
