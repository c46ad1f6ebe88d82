#!/bin/sh
# tests/fuzz/seeds.sh: (re)makes the seed inputs of the fuzz corpora from
# the repository's own packs and data:
#
#   sh tests/fuzz/seeds.sh VOUCH_BINARY OUTDIR
#
# writes OUTDIR/{parse,compile,program,csv}/seed-*:
#   parse, compile  every .vouch file (rules/, examples/, stdlib/), every
#                   ```vouch block of docs/, every .vouch file of the golden
#                   tests;
#   program         each of those packs that compiles, as a .vbc file;
#   csv             every .csv file of examples/ and of the golden tests,
#                   prefixed by the byte that selects its table.
# The repository's corpora (tests/fuzz/corpus/) hold these seeds, the
# inputs that once crashed (crash-*), and inputs the fuzzers found that
# cover more (cov-*); make fuzz also adds fresh program seeds made by the
# current compiler, since a change of program version makes old ones stale.
set -eu
bin=$1
out=$2
cd "$(dirname "$0")/../.." || exit 2
tmp=$(mktemp -d "${TMPDIR:-/tmp}/vouch-seeds.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$out/parse" "$out/compile" "$out/program" "$out/csv" "$tmp/packs" "$tmp/csv"

# ---- packs ----------------------------------------------------------------
# One seed per file; packs that import one another also together, as one
# input with the files separated by "%%file" lines (fuzz_compile.c), the
# importing pack last.
for f in rules/*/*.vouch examples/*/*.vouch stdlib/*.vouch; do
    [ -f "$f" ] || continue
    b=$(echo "${f%.vouch}" | tr / -)
    cp "$f" "$tmp/packs/$b.vouch"
    # .vbc seeds straight from the repository, where imports resolve
    "$bin" compile -o "$out/program/seed-$b.vbc" "$f" >/dev/null 2>&1 || true
done
for d in examples/*/; do
    main=${d}pack.vouch
    [ -f "$main" ] || continue
    {
        for f in "$d"*.vouch; do [ "$f" = "$main" ] || { cat "$f"; printf '\n%%%%file\n'; }; done
        cat "$main"
    } > "$tmp/packs/multi-$(basename "$d").vouch"
done
# ```vouch blocks of the docs
for d in docs/*.md; do
    awk -v dir="$tmp/packs" -v base="$(basename "$d" .md)" '
        /^```vouch/ { n++; f = sprintf("%s/doc-%s-%03d.vouch", dir, base, n); inb = 1; next }
        /^```/ && inb { inb = 0; close(f); next }
        inb { print > f }' "$d"
done
# --- file X.vouch / X.csv sections of the golden tests: each .vouch file
# alone, and all of a case's .vouch files as one multi-file input
for t in tests/golden/*.test; do
    awk -v dir="$tmp" -v base="$(basename "$t" .test)" '
        function stop() { if (f != "") close(f); f = "" }
        /^### / { stop(); c++; m = sprintf("%s/packs/golden-%s-%03d-all.vouch", dir, base, c); nm = 0; next }
        /^--- file / { stop(); name = $3;
            if (name ~ /\.vouch$/) {
                f = sprintf("%s/packs/golden-%s-%03d-%s", dir, base, c, name)
                if (nm++) printf "\n%%%%file\n" >> m
            } else if (name ~ /\.csv$/) f = sprintf("%s/csv/golden-%s-%03d-%s", dir, base, c, name)
            next }
        /^--- / { stop(); next }
        f != "" { print > f; if (f ~ /\.vouch$/) print >> m }' "$t"
done
for f in "$tmp"/packs/*-all.vouch; do
    grep -q '^%%file$' "$f" || rm -f "$f"     # one file: the same as the single seed
done
for f in "$tmp"/packs/*.vouch; do
    b=$(basename "$f" .vouch)
    cp "$f" "$out/parse/seed-$b"
    cp "$f" "$out/compile/seed-$b"
    case $b in
    multi-*|*-all)
        # the files apart again, compiled together
        rm -rf "$tmp/split"; mkdir "$tmp/split"
        awk -v dir="$tmp/split" 'BEGIN { n = 0 } /^%%file$/ { n++; next } { print > sprintf("%s/f%d.vouch", dir, n) }' "$f"
        "$bin" compile -o "$out/program/seed-$b.vbc" $(ls "$tmp"/split/*.vouch | sort -V) >/dev/null 2>&1 || true ;;
    esac
done

# ---- csv: the table's index in the standard fact model, then the file ----
tables="framework control mapping soa person asset evidence risk risk_control"
for f in examples/*/*.csv "$tmp"/csv/*.csv; do
    [ -f "$f" ] || continue
    t=$(basename "$f" .csv); t=${t##*-}
    i=0; found=-1
    for x in $tables; do [ "$x" = "$t" ] && found=$i; i=$((i + 1)); done
    [ "$found" -ge 0 ] || continue
    b=$(basename "$f" .csv)
    { printf "\\$(printf %03o "$found")"; cat "$f"; } > "$out/csv/seed-$b"
done
echo "seeds: $(ls "$out/parse" | wc -l) packs, $(ls "$out/program" | wc -l) programs, $(ls "$out/csv" | wc -l) csv files"
