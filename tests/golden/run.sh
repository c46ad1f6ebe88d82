#!/bin/sh
# tests/golden/run.sh: runs the golden tests, tests/golden/*.test.
#
#   sh tests/golden/run.sh [--update] VOUCH_BINARY [FILE.test...]
#
# A .test file holds cases in the manner of jq's tests/jq.test. Each case
# starts with a line `### NAME`; lines before the first case are comments.
# Inside a case, sections start with a line `--- KIND`:
#
#   --- file NAME [noeol]  the lines up to the next section are written to
#                          NAME (a plain file name) in a fresh temp dir
#   --- run                shell command lines, run by sh in that dir
#   --- expect [noeol]     the exact stdout+stderr of the commands, in order
#   --- exit N             the exit status of the last command (default 0)
#
# Lines between `### NAME` and the first section are notes (`# to confirm`).
# Every line of a section counts, byte for byte, and ends with a newline,
# except that trailing blank lines of a section are dropped (they separate
# cases) and `noeol` drops the last line's newline. A case without
# `--- expect` expects no output at all.
#
# The commands run with:
#   vouch      the binary under test (a symlink named vouch, first on PATH)
#   $DB        facts.db, a facts file path in the temp dir (relative, so
#              messages that quote it stay the same from run to run)
#   $REPO      the repository root (e.g. cp "$REPO"/rules/reference/reference.vouch .)
#   empty-tables  writes a header-only CSV for every table of the standard
#              fact model (stdlib/isms.vouch) that has no CSV in the dir yet
#   LC_ALL=C, TZ=UTC, no stdin.
#
# On a mismatch the case name, file:line and a unified diff are printed.
# Ends with `golden: N passed, M failed`; exits 1 if anything failed.
#
# --update rewrites each expect (and exit) section with what the binary
# did, keeping everything else; review the result with git diff.
# GOLDEN_ONLY=TEXT runs only the cases whose name contains TEXT;
# GOLDEN_NEED=TEXT only those whose run section contains TEXT. Each case's
# commands see GOLDEN_CASE (an id unique to the case and this run) and
# GOLDEN_CASE_NAME (its name), for a stand-in binary (tests/pg/golden.sh).
set -u

usage() {
    echo "usage: sh tests/golden/run.sh [--update] VOUCH_BINARY [FILE.test...]" >&2
    exit 2
}

update=0
if [ "${1:-}" = "--update" ]; then update=1; shift; fi
[ $# -ge 1 ] || usage
bin=$1
shift
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
if [ ! -f "$bin" ] || [ ! -x "$bin" ]; then
    echo "golden: $bin: no such executable" >&2
    exit 2
fi

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
[ $# -gt 0 ] || set -- "$here"/*.test
only=${GOLDEN_ONLY:-}
need=${GOLDEN_NEED:-}

work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-golden.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP

# ---- the case environment ---------------------------------------------------
mkdir "$work/bin"
ln -s "$bin" "$work/bin/vouch"

# empty-tables: the column lists come from stdlib/isms.vouch itself.
{
    echo '#!/bin/sh'
    echo '# Writes a header-only CSV for each standard table that has no CSV here yet.'
    awk '
        /^fact [a-z_]+/ { t = $2; cols = ""; infact = 1; next }
        infact && /^}/ { printf "[ -e %s.csv ] || echo %s > %s.csv\n", t, cols, t; infact = 0; next }
        infact && /^[ \t]*[a-z_][a-z_0-9]*[ \t]*:/ {
            c = $0; sub(/^[ \t]+/, "", c); sub(/[ \t]*:.*/, "", c)
            cols = cols (cols == "" ? "" : ",") c
        }' "$repo/stdlib/isms.vouch"
} > "$work/bin/empty-tables"
chmod +x "$work/bin/empty-tables"

if command -v timeout >/dev/null 2>&1; then
    tmo="timeout 120"
else
    tmo=""
fi

# ---- splitting a .test file into case directories ----------------------------
# Writes DIR/cN/{name,line,exit,hasexit,hasexpect,run,expect,files/} per case
# and prints the number of cases. Format errors go to stderr (exit 1).
split_awk='
function fail(msg) { printf "%s:%d: golden format error: %s\n", disp, NR, msg > "/dev/stderr"; bad = 1 }
function flush(   n, i, f) {
    if (sect == "") return
    n = nl
    while (n > 0 && buf[n] == "") n--
    if (sect == "exit") {
        if (n > 0) fail("text after --- exit")
    } else {
        if (sect == "file") f = cdir "/files/" fname
        else f = cdir "/" sect
        printf "" > f
        for (i = 1; i <= n; i++)
            if (i < n || !noeol) printf "%s\n", buf[i] > f
            else printf "%s", buf[i] > f
        close(f)
    }
    sect = ""; nl = 0; noeol = 0
}
function endcase(   f) {
    if (!ncase) return
    if (!hasrun) { printf "%s:%d: golden format error: case has no --- run\n", disp, cline > "/dev/stderr"; bad = 1 }
    if (!hasexpect) { f = cdir "/expect"; printf "" > f; close(f) }
    f = cdir "/name";      print cname > f;      close(f)
    f = cdir "/line";      print cline > f;      close(f)
    f = cdir "/exit";      print exitv > f;      close(f)
    f = cdir "/hasexit";   print hasexit > f;    close(f)
    f = cdir "/hasexpect"; print hasexpect > f;  close(f)
}
/^### / {
    flush(); endcase()
    ncase++; cdir = out "/c" ncase
    system("mkdir -p \"" cdir "/files\"")
    cname = substr($0, 5); cline = NR
    hasrun = 0; hasexpect = 0; hasexit = 0; exitv = 0
    for (k in seen) delete seen[k]
    next
}
/^--- / {
    if (!ncase) { fail("section before the first ### case"); next }
    flush()
    nw = split(substr($0, 5), w, " ")
    kind = w[1]
    if (kind == "file") {
        if (nw < 2 || nw > 3 || (nw == 3 && w[3] != "noeol")) { fail("expected --- file NAME [noeol]"); next }
        if (w[2] !~ /^[A-Za-z0-9_.-]+$/ || w[2] == "." || w[2] == "..") { fail("bad file name " w[2]); next }
        if (w[2] in seen) { fail("file " w[2] " given twice"); next }
        seen[w[2]] = 1; fname = w[2]; noeol = (nw == 3)
    } else if (kind == "run") {
        if (nw != 1) { fail("expected --- run"); next }
        if (hasrun) { fail("second --- run in one case"); next }
        hasrun = 1
    } else if (kind == "expect") {
        if (nw > 2 || (nw == 2 && w[2] != "noeol")) { fail("expected --- expect [noeol]"); next }
        if (hasexpect) { fail("second --- expect in one case"); next }
        hasexpect = 1; noeol = (nw == 2)
    } else if (kind == "exit") {
        if (nw != 2 || w[2] !~ /^[0-9]+$/) { fail("expected --- exit N"); next }
        if (hasexit) { fail("second --- exit in one case"); next }
        hasexit = 1; exitv = w[2] + 0
    } else { fail("unknown section --- " kind); next }
    sect = kind
    next
}
{ if (sect != "") buf[++nl] = $0 }
END { flush(); endcase(); print ncase + 0; exit bad }
'

# ---- rewriting a .test file's expect/exit sections (--update) -----------------
update_awk='
function getv(f,   v) { v = ""; if ((getline v < f) <= 0) v = ""; close(f); return v }
function blanks() { while (pend > 0) { print ""; pend-- } }
function actual(   f, l) {
    print "--- expect" (getv(cdir "/noeol_actual") == "1" ? " noeol" : "")
    f = cdir "/actual"
    while ((getline l < f) > 0) print l
    close(f)
}
function addexit() { if (!hasexit && st != 0) print "--- exit " st }
function endskip() { skipping = 0; addexit(); pend = tb; tb = 0 }
function endcase() {
    if (!ncase) { blanks(); return }
    if (!hasexpect && (getv(cdir "/size") != "0" || st != 0)) {
        if (getv(cdir "/size") != "0") actual()
        addexit()
    }
    blanks()
}
/^### / {
    if (skipping) endskip()
    endcase()
    ncase++; cdir = out "/c" ncase
    st = getv(cdir "/status") + 0
    hasexit = getv(cdir "/hasexit") + 0
    hasexpect = getv(cdir "/hasexpect") + 0
    print; next
}
/^--- / && ncase {
    if (skipping) endskip()
    blanks()
    split(substr($0, 5), w, " ")
    if (w[1] == "expect") { actual(); skipping = 1; tb = 0; next }
    if (w[1] == "exit") { print "--- exit " st; next }
    print; next
}
{
    if (skipping) { if ($0 == "") tb++; else tb = 0; next }
    if ($0 == "") { pend++; next }
    blanks(); print
}
END { if (skipping) endskip(); endcase() }
'

# ---- running ------------------------------------------------------------------
passed=0
failed=0
k=0
for file in "$@"; do
    k=$((k + 1))
    case $file in "$repo"/*) disp=${file#"$repo"/} ;; *) disp=$file ;; esac
    if [ ! -f "$file" ]; then
        echo "golden: $disp: no such file"
        failed=$((failed + 1))
        continue
    fi
    fdir=$work/f$k
    mkdir "$fdir"
    if ! n=$(awk -v out="$fdir" -v disp="$disp" "$split_awk" "$file" 2>"$fdir/errors"); then
        cat "$fdir/errors"
        echo "golden: $disp: not in the golden format"
        failed=$((failed + 1))
        continue
    fi
    i=0
    while [ "$i" -lt "$n" ]; do
        i=$((i + 1))
        cdir=$fdir/c$i
        name=$(cat "$cdir/name")
        if [ -n "$only" ]; then
            case $name in *"$only"*) ;; *) continue ;; esac
        fi
        if [ -n "$need" ] && ! grep -qF -- "$need" "$cdir/run"; then
            continue
        fi
        want=$(cat "$cdir/exit")
        t=$work/t
        rm -rf "$t"
        mkdir "$t"
        cp -R "$cdir/files/." "$t/"
        (
            cd "$t" || exit 125
            DB=facts.db REPO=$repo PATH=$work/bin:$PATH LC_ALL=C TZ=UTC
            GOLDEN_CASE=$work/$k/$i GOLDEN_CASE_NAME=$name
            export DB REPO PATH LC_ALL TZ GOLDEN_CASE GOLDEN_CASE_NAME
            exec $tmo sh "$cdir/run"
        ) </dev/null >"$cdir/actual" 2>&1
        got=$?
        echo "$got" > "$cdir/status"
        wc -c < "$cdir/actual" | tr -d ' ' > "$cdir/size"
        if [ -s "$cdir/actual" ] && [ "$(tail -c 1 "$cdir/actual" | wc -l)" -eq 0 ]; then
            echo 1 > "$cdir/noeol_actual"
        else
            echo 0 > "$cdir/noeol_actual"
        fi
        if [ "$got" = "$want" ] && cmp -s "$cdir/expect" "$cdir/actual"; then
            passed=$((passed + 1))
            continue
        fi
        failed=$((failed + 1))
        echo "FAIL: $name ($disp:$(cat "$cdir/line"))"
        [ "$got" = "$want" ] || echo "  exit status: expected $want, got $got"
        if ! cmp -s "$cdir/expect" "$cdir/actual"; then
            diff -u -L expected -L actual "$cdir/expect" "$cdir/actual"
        fi
        echo
    done
    if [ "$update" = 1 ]; then
        if [ -n "$only" ]; then
            echo "golden: --update with GOLDEN_ONLY is not supported; $disp left as it was" >&2
            continue
        fi
        if grep -q -e '^--- ' -e '^### ' "$fdir"/c*/actual 2>/dev/null; then
            echo "golden: warning: an output has a line starting '--- ' or '### '; $disp will not read back the same" >&2
        fi
        for a in "$fdir"/c*/actual; do
            if [ -s "$a" ] && [ -z "$(tail -n 1 "$a")" ]; then
                echo "golden: warning: $(cat "${a%/actual}/name"): output ends in a blank line, which the format drops" >&2
            fi
        done
        awk -v out="$fdir" "$update_awk" "$file" > "$fdir/updated" &&
            if ! cmp -s "$file" "$fdir/updated"; then
                cat "$fdir/updated" > "$file"
                echo "golden: updated $disp"
            fi
    fi
done

echo "golden: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
