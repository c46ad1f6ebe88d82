#!/bin/sh
# tests/fuzz/keep.sh: keeps, in the repository's corpus, the inputs a fuzz
# session found that cover something the corpus does not yet.
#
#   sh tests/fuzz/keep.sh TARGET [MAX_BYTES]     (after make fuzz)
#
# libFuzzer's -merge=1 (edges only: -use_counters=0) picks, from
# build/fuzz/corpus/TARGET, a small set of
# inputs that add coverage (features) to tests/fuzz/corpus/TARGET; each is
# copied there as cov-SHA1 (inputs over MAX_BYTES, default 16384, are left
# out, to keep the replay in `make test` quick). Review with git status.
set -eu
cd "$(dirname "$0")/../.." || exit 2
t=$1
max=${2:-16384}
bin=build/fuzz/fuzz_$t
[ -x "$bin" ] || { echo "keep: $bin is not built (make fuzz)"; exit 2; }
[ -d "build/fuzz/corpus/$t" ] || { echo "keep: no build/fuzz/corpus/$t"; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vouch-keep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/merged" "$tmp/small"
cp tests/fuzz/corpus/$t/* "$tmp/merged/"
find "build/fuzz/corpus/$t" -type f -size -$((max + 1))c -exec cp {} "$tmp/small/" \;
before=$(ls "$tmp/merged" | wc -l)
"$bin" -merge=1 -use_counters=0 -use_cmp=0 -use_value_profile=0 -max_len="$max" "$tmp/merged" "$tmp/small" > "$tmp/log" 2>&1 || { tail -n 20 "$tmp/log"; exit 1; }
n=0
for f in "$tmp"/merged/*; do
    b=$(basename "$f")
    [ -e "tests/fuzz/corpus/$t/$b" ] && continue
    cp "$f" "tests/fuzz/corpus/$t/cov-$b"
    n=$((n + 1))
done
echo "keep $t: $n inputs added to tests/fuzz/corpus/$t ($before before)"
