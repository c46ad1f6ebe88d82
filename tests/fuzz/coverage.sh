#!/bin/sh
# tests/fuzz/coverage.sh: `make fuzz-cov`. Line and branch coverage of
# vouch's sources reached by the fuzz corpora: the repository's
# (tests/fuzz/corpus/T) and the working ones make fuzz grew
# (build/fuzz/corpus/T), replayed through clang source-coverage builds of
# the targets (build/cov/fuzz-replay/fuzz_T).
#
#   sh tests/fuzz/coverage.sh TARGET...
#
# Prints, per target, llvm-cov's TOTAL line over compiler/, runtime/,
# stdlib/ and the generated lexer and parser, then the per-file table of
# all targets together (also in build/cov/report.txt).
set -u
cd "$(dirname "$0")/../.." || exit 2
[ $# -gt 0 ] || set -- parse compile program csv
prof=build/cov/profiles
rm -rf "$prof"
mkdir -p "$prof"
ignore='tests/|stdlib_embed|/usr/'
objects=""
for t in "$@"; do
    bin=build/cov/fuzz-replay/fuzz_$t
    [ -x "$bin" ] || { echo "coverage: $bin is not built (make fuzz-cov builds it)"; exit 2; }
    dirs="tests/fuzz/corpus/$t"
    [ -d "build/fuzz/corpus/$t" ] && dirs="$dirs build/fuzz/corpus/$t"
    n=$(ls $dirs | wc -l)
    LLVM_PROFILE_FILE="$prof/$t-%p.profraw" "$bin" $dirs > /dev/null 2>"$prof/$t.err" ||
        { echo "coverage: $t: replay failed:"; tail -n 5 "$prof/$t.err"; }
    llvm-profdata merge -sparse "$prof"/$t-*.profraw -o "$prof/$t.profdata"
    total=$(llvm-cov report "$bin" -instr-profile="$prof/$t.profdata" -ignore-filename-regex="$ignore" | tail -n 1)
    echo "$t ($n inputs): $total"
    objects="$objects -object $bin"
done
llvm-profdata merge -sparse "$prof"/*.profraw -o build/cov/all.profdata
first=$(echo $objects | awk '{print $2}')
rest=$(echo $objects | cut -d' ' -f3-)
llvm-cov report "$first" $rest -instr-profile=build/cov/all.profdata -ignore-filename-regex="$ignore" > build/cov/report.txt
echo
echo "all targets together (columns: regions, missed, cover, functions, missed, executed, lines, missed, cover, branches, missed, cover):"
cat build/cov/report.txt
