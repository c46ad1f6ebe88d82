#!/bin/sh
# tests/fuzz/keep.sh: keeps, in the repository's corpus, the inputs a fuzz
# session found that cover something the corpus does not yet.
#
#   sh tests/fuzz/keep.sh TARGET [MAX_BYTES [MAX_FILES]]     (after make fuzz)
#
# libFuzzer's -merge=1 (edges only: -use_counters=0) runs the corpus
# tests/fuzz/corpus/TARGET, then the inputs of build/fuzz/corpus/TARGET up
# to MAX_BYTES (default 16384, to keep the replay in `make test` quick),
# smallest first, and records the edges each one covers that no input
# before it did. The inputs that add edges are kept, those adding most
# first, at most MAX_FILES of them (default: every one; after a long
# session on a young target that is thousands, each adding a few edges).
# Each is copied to the corpus as cov-SHA1 of its bytes. Prints the edges
# the corpus reaches before and after (a replay of it, -runs=0). Review
# with git status.
set -eu
cd "$(dirname "$0")/../.." || exit 2
t=$1
max=${2:-16384}
nmax=${3:-0}
bin=build/fuzz/fuzz_$t
[ -x "$bin" ] || { echo "keep: $bin is not built (make fuzz)"; exit 2; }
[ -d "build/fuzz/corpus/$t" ] || { echo "keep: no build/fuzz/corpus/$t"; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vouch-keep.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir "$tmp/merged" "$tmp/small"
cp tests/fuzz/corpus/$t/* "$tmp/merged/"
find "build/fuzz/corpus/$t" -type f -size -$((max + 1))c -exec cp {} "$tmp/small/" \;
before=$(ls "$tmp/merged" | wc -l)
# edges the corpus reaches: libFuzzer's INITED line after replaying it
edges() {
    "$bin" -runs=0 -use_counters=0 -use_cmp=0 -use_value_profile=0 "tests/fuzz/corpus/$t" 2>&1 |
        grep -a -o 'INITED cov: [0-9]*' | tail -n 1 | sed 's/.* //'
}
e0=$(edges)
"$bin" -merge=1 -merge_control_file="$tmp/control" -use_counters=0 -use_cmp=0 -use_value_profile=0 \
    -max_len="$max" "$tmp/merged" "$tmp/small" > "$tmp/log" 2>&1 || { tail -n 20 "$tmp/log"; exit 1; }
# The control file: the number of files, how many are the first corpus,
# their paths, then per file run `STARTED i size`, `FT i ...`, `COV i
# edges` (the edges no file run before it covered).
python3 - "$tmp/control" "$nmax" > "$tmp/picked" <<'PY'
import sys
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().split("\n")
nfiles, nfirst, cap = int(lines[0]), int(lines[1]), int(sys.argv[2])
paths = lines[2:2 + nfiles]
size, new = {}, {}
for line in lines[2 + nfiles:]:
    f = line.split()
    if len(f) >= 3 and f[0] == "STARTED":
        size[int(f[1])] = int(f[2])
    elif f and f[0] == "COV" and int(f[1]) >= nfirst and len(f) > 2:
        new[int(f[1])] = len(f) - 2
ranked = sorted(new, key=lambda i: (-new[i], size.get(i, 0), i))
for i in ranked[:cap] if cap > 0 else ranked:
    print(paths[i])
PY
n=0
while IFS= read -r f; do
    h=$(sha1sum "$f" | cut -d' ' -f1)
    [ -e "tests/fuzz/corpus/$t/cov-$h" ] && continue
    cp "$f" "tests/fuzz/corpus/$t/cov-$h"
    n=$((n + 1))
done < "$tmp/picked"
e1=$(edges)
echo "keep $t: $n inputs added to tests/fuzz/corpus/$t ($before before); edges reached by the corpus: ${e0:-?} -> ${e1:-?}"
