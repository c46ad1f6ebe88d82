#!/bin/sh
# tests/robust/sandbox.sh: vouch never runs a program or a shell, never opens
# a socket, and writes only where it is told: checked with strace on the
# commands that write (load, check --output, compile -o) and on a failing
# load, following every thread and child (-f).
#
#   - execve: only vouch's own start; no fork, vfork, clone of a process,
#     no socket, connect, bind or sendto;
#   - every open for writing (O_WRONLY, O_RDWR, O_CREAT, O_TRUNC), rename,
#     unlink, mkdir and truncate names a path the command was given: the
#     store and SQLite's files beside it (-journal, -wal, -shm, and the
#     DB.tmp-XXXXXX a new store is built in), or the output and its
#     OUTPUT.tmp.PID.
#
# If strace is missing or cannot trace here, the checks are skipped (and
# counted as passed with a note); the code paths are also small enough to
# read: cli/main.c write_report, cli/cmd_compile.c write_whole,
# runtime/store/load.c (the store), and SQLite.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
mkdir csv
empty_tables csv
printf 'id,name,role\nP1,Ada,CISO\n' > csv/person.csv
cp "$REPO/rules/reference/reference.vouch" .

if ! command -v strace >/dev/null 2>&1 || ! strace -f -qq -o /dev/null true >/dev/null 2>&1; then
    echo "strace cannot run here: skipped"
    ok "skipped: no strace (see the code paths in this file's header)"
    finish
    exit 0
fi

calls=execve,execveat,fork,vfork,clone,clone3,socket,connect,bind,sendto,open,openat,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,truncate,ftruncate,link,linkat,symlink,symlinkat,chmod,fchmodat

# traced NAME ALLOWED-REGEX CMD...: runs CMD under strace and checks it.
traced() {
    name=$1 allowed=$2
    shift 2
    strace -f -qq -e trace=$calls -o trace.out "$@" > cmd.out 2>&1
    st=$?
    execs=$(grep -c ' execve(' trace.out)
    procs=$(grep -E ' (fork|vfork)\(|clone3?\(' trace.out | grep -v 'CLONE_THREAD' | grep -c .)
    net=$(grep -cE ' (socket|connect|bind|sendto)\(' trace.out)
    # paths opened for writing or changed: the first quoted argument (and
    # the second of rename/link)
    grep -E ' (open|openat|creat)\(' trace.out | grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(' |
        sed -n 's/^[^"]*"\([^"]*\)".*/\1/p' > writes.out
    grep -E ' (rename|renameat|renameat2|link|linkat|symlink|symlinkat)\(' trace.out |
        sed -n 's/^[^"]*"\([^"]*\)"[^"]*"\([^"]*\)".*/\1\n\2/p' >> writes.out
    grep -E ' (unlink|unlinkat|mkdir|mkdirat|truncate|chmod|fchmodat)\(' trace.out |
        sed -n 's/^[^"]*"\([^"]*\)".*/\1/p' >> writes.out
    # relative to here, and without /dev/null
    sed "s|^$work/||" writes.out | grep -v '^/dev/null$' | sort -u > writes.rel
    stray=$(grep -Ev "^($allowed)\$" writes.rel)
    if [ "$execs" -eq 1 ] && [ "$procs" -eq 0 ] && [ "$net" -eq 0 ] && [ -z "$stray" ]; then
        ok "$name (exit $st): one execve, no process, no socket; writes only $(tr '\n' ' ' < writes.rel)"
    else
        bad "$name (exit $st): execve $execs, processes $procs, network calls $net, stray writes: $stray"
        grep -E ' (execve|fork|vfork|clone|socket|connect)' trace.out | head -n 5 | sed 's/^/    /'
    fi
}

traced "load into a new store" 'facts\.db|facts\.db\.tmp-[A-Za-z0-9]{6}(-journal|-wal|-shm)?' "$VOUCH" load --facts facts.db csv/*.csv
traced "load into the store" 'facts\.db(-journal|-wal|-shm)?' "$VOUCH" load --facts facts.db --replace csv/person.csv
traced "a failing load" 'facts\.db(-journal|-wal|-shm)?' "$VOUCH" load --facts facts.db csv/person.csv
traced "check to stdout" 'facts\.db(-wal|-shm)' "$VOUCH" check --facts facts.db --as-of 2026-11-21 reference.vouch
traced "check --output" 'facts\.db(-wal|-shm)|out\.json|out\.json\.tmp\.[0-9]+' "$VOUCH" check --facts facts.db --as-of 2026-11-21 --format json --output out.json reference.vouch
traced "compile -o" 'ref\.vbc|ref\.vbc\.tmp\.[0-9]+' "$VOUCH" compile -o ref.vbc reference.vouch
traced "check a compiled program" 'facts\.db(-wal|-shm)' "$VOUCH" check --facts facts.db --as-of 2026-11-21 ref.vbc
# (LeakSanitizer's exit-time tracer is a cloned process: off for this one)
saved=${ASAN_OPTIONS:-}
ASAN_OPTIONS="${saved:+$saved:}detect_leaks=0"
export ASAN_OPTIONS
traced "the asan binary, check --output" 'facts\.db(-wal|-shm)|out\.json|out\.json\.tmp\.[0-9]+' "$ASAN_VOUCH" check --facts facts.db --as-of 2026-11-21 --format json --output out.json reference.vouch
ASAN_OPTIONS=$saved
finish
