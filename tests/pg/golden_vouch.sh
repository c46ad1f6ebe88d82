#!/bin/sh
# tests/pg/golden_vouch.sh: stands in for `vouch` in the golden cases run
# against PostgreSQL (tests/pg/golden.sh), so that every case that runs a
# command on a SQLite facts file runs it on the same facts in a schema.
#
# `vouch load|check|coverage|soa|explain ... --facts FILE` (FILE a path,
# not a connection string) is mapped to a schema of the test server of its
# own per case and FILE (s_ + a hash of the case, the folder and FILE):
#
#   load   runs on FILE (the case sees this output, so that the file exists
#          for what the case does next) and then the same load on the
#          schema; the two outputs, each store's name replaced by FACTS,
#          and the exit statuses must agree, or the difference is logged
#          (the case then fails, tests/pg/golden.sh).
#   other  run on the schema alone: the case sees PostgreSQL's output,
#          with the store's name (the connection string in reports,
#          `postgres:postgres (schema S)` in messages) replaced by FILE,
#          the one thing that must differ, so the golden expect judges it.
#
# Before either, if FILE is not as the last mapped load left it (made or
# changed by the sqlite3 command line, copied, given), the schema is
# rebuilt from it (tests/pg/golden_sync.py); a file that cannot be told
# to PostgreSQL as it is (a column mixing types, a file that is not a
# database) runs that command on SQLite alone and says why in the log.
# A missing FILE for a command that reads runs on SQLite alone too (its
# message is about the file). Cases named in the skip list run on SQLite
# alone.
#
# The environment (set by tests/pg/golden.sh): PGGOLDEN_REAL (the vouch
# binary), PGGOLDEN_BASE (the server's connection string), PGGOLDEN_STATE
# (a folder for the schemas' state), PGGOLDEN_LOG (the log: one line per
# mapped command, CASE<TAB>EVENT<TAB>DETAIL), PGGOLDEN_SKIP (case names,
# one a line); GOLDEN_CASE and GOLDEN_CASE_NAME (set by tests/golden/run.sh).
real=$PGGOLDEN_REAL
case ${1:-} in load|check|coverage|soa|explain) ;; *) exec "$real" "$@" ;; esac
cname=${GOLDEN_CASE_NAME:-?}
note() { printf '%s\t%s\t%s\n' "$cname" "$1" "$2" >> "$PGGOLDEN_LOG"; }
if [ -s "$PGGOLDEN_SKIP" ] && grep -qxF -- "$cname" "$PGGOLDEN_SKIP"; then
    note skipped "$1"
    exec "$real" "$@"
fi

# The store named by --facts FILE or --facts=FILE (the last one).
facts=""
prev=""
for a do
    [ "$prev" = --facts ] && facts=$a
    case $a in --facts=*) facts=${a#--facts=} ;; esac
    prev=$a
done
case $facts in
""|postgres://*|postgresql://*|*=*) exec "$real" "$@" ;;
esac

schema=s_$(printf '%s|%s|%s' "${GOLDEN_CASE:-}" "$(pwd)" "$facts" | md5sum | cut -c1-20)
conn="$PGGOLDEN_BASE options=-csearch_path=$schema"
st=$PGGOLDEN_STATE/$schema
tmp=$PGGOLDEN_STATE/$schema.$$
trap 'rm -f "$tmp".*' EXIT

sum() { if [ -f "$1" ]; then md5sum < "$1" | cut -c1-32; else echo none; fi; }

# sync: the schema made to hold FILE's rows, unless the last mapped load
# left FILE as it is.
sync() {
    now=$(sum "$facts")
    [ -f "$st.sum" ] && [ "$(cat "$st.sum")" = "$now" ] && return 0
    if ! timeout 20 /usr/bin/python3 "$PGGOLDEN_SYNC" "$facts" "$schema" > "$tmp.sql" 2> "$tmp.why"; then
        w=$(head -n 1 "$tmp.why")
        note sqlite-only "$1: ${w:-reading it took over 20 s (a view that never ends?)}"
        return 1
    fi
    if ! psql -X -q -v ON_ERROR_STOP=1 "$PGGOLDEN_BASE" -f "$tmp.sql" > "$tmp.why" 2>&1; then
        note sqlite-only "$1: psql refused the copy: $(grep -m 1 ERROR "$tmp.why")"
        return 1
    fi
    [ "$now" = none ] || note synced "$1 $facts"
    echo "$now" > "$st.sum"
    return 0
}

# Is stdout where stderr goes (the case did not redirect either)? Then the
# output is captured as one stream, keeping the order of the two.
same_out=0
[ "$(stat -L -c %d:%i /proc/$$/fd/1 2>/dev/null)" = "$(stat -L -c %d:%i /proc/$$/fd/2 2>/dev/null)" ] && same_out=1

# run PREFIX ARGS...: runs ARGS with stdout and stderr in PREFIX.out and
# PREFIX.err (one file, .out, when same_out); the status in $rc.
run() {
    p=$1
    shift
    if [ "$same_out" = 1 ]; then
        "$@" > "$p.out" 2>&1
        rc=$?
        : > "$p.err"
    else
        "$@" > "$p.out" 2> "$p.err"
        rc=$?
    fi
}

# The arguments with the store replaced by the connection string.
mapped() {
    first=1
    prev=""
    for a do
        if [ "$first" = 1 ]; then set --; first=0; fi
        if [ "$prev" = --facts ] && [ "$a" = "$facts" ]; then a=$conn
        elif [ "$a" = "--facts=$facts" ]; then a=--facts=$conn
        fi
        set -- "$@" "$a"
        prev=$a
    done
    "$real" "$@"
}

# PostgreSQL's names of the store, and SQLite's, as FILE.
esc() { printf '%s' "$1" | sed 's/[][\.*^$|/]/\\&/g'; }
pgname() { sed -e "s/$(esc "$conn")/$(esc "$facts")/g" -e "s/postgres:postgres (schema $schema)/$(esc "$facts")/g" "$1"; }

# On a terminal (a case that runs vouch under a pty) the output must stay
# there: a load runs on SQLite with the terminal and on PostgreSQL with its
# output captured, and only their statuses are compared; another command
# runs on PostgreSQL with the terminal, its output as it is.
tty=0
{ [ -t 1 ] || [ -t 2 ]; } && tty=1

if [ "$1" = load ]; then
    sync load || exec "$real" "$@"
    # Both loads read the same standard input (`-`, a pipe into the case).
    if [ "$tty" = 1 ] || [ -t 0 ]; then
        exec 3<&0
    else
        cat > "$tmp.in"
        exec 3< "$tmp.in"
    fi
    if [ "$tty" = 1 ]; then
        "$real" "$@" <&3
        sa=$?
        [ -f "$tmp.in" ] && exec 3< "$tmp.in"
        run "$tmp.b" mapped "$@" <&3
        sb=$rc
        echo "$(sum "$facts")" > "$st.sum"
        if [ "$sa" != "$sb" ]; then
            note DIFF "load on a terminal (exit $sa on SQLite, $sb on PostgreSQL): vouch $*"
            { echo "== $cname: vouch $* (on a terminal)"; echo "--- PostgreSQL (exit $sb)"; cat "$tmp.b.out" "$tmp.b.err"; } >> "$PGGOLDEN_LOG.detail"
        else
            note pg "load (on a terminal: the statuses compared)"
        fi
        exit "$sa"
    fi
    run "$tmp.a" "$real" "$@" <&3
    sa=$rc
    exec 3< "$tmp.in"
    run "$tmp.b" mapped "$@" <&3
    sb=$rc
    echo "$(sum "$facts")" > "$st.sum"
    for f in out err; do pgname "$tmp.b.$f" > "$tmp.b.$f.n"; done
    if [ "$sa" != "$sb" ] || ! cmp -s "$tmp.a.out" "$tmp.b.out.n" || ! cmp -s "$tmp.a.err" "$tmp.b.err.n"; then
        note DIFF "load (exit $sa on SQLite, $sb on PostgreSQL): vouch $*"
        { echo "== $cname: vouch $*"; echo "--- SQLite (exit $sa)"; cat "$tmp.a.out" "$tmp.a.err"
          echo "--- PostgreSQL (exit $sb)"; cat "$tmp.b.out.n" "$tmp.b.err.n"; } >> "$PGGOLDEN_LOG.detail"
    else
        note pg "load"
    fi
    cat "$tmp.a.out"
    cat "$tmp.a.err" >&2
    exit "$sa"
fi

if [ ! -f "$facts" ]; then
    note sqlite-only "$1: no file $facts"
    exec "$real" "$@"
fi
sync "$1" || exec "$real" "$@"
if [ "$tty" = 1 ]; then
    note pg "$1 (on a terminal)"
    mapped "$@"
    exit $?
fi
# Reports written to files (--output, --junit, ...) name the store too:
# each file of the folder the run wrote is renamed in the same way.
touch "$tmp.stamp"
run "$tmp.b" mapped "$@"
note pg "$1"
find . -type f -newer "$tmp.stamp" ! -name "$(basename "$facts")*" 2>/dev/null | while IFS= read -r f; do
    grep -qF "$schema" "$f" && pgname "$f" > "$tmp.f" && cat "$tmp.f" > "$f"
done
pgname "$tmp.b.out"
pgname "$tmp.b.err" >&2
exit "$rc"
