#!/bin/sh
# tests/help.sh: the help says what the parser accepts.
#
#   sh tests/help.sh VOUCH_BINARY
#
# The commands are the ones cli/main.c dispatches; the candidate options
# are every "-x" or "--name" string literal of cli/*.c. Each candidate is
# given alone to each command: unless the parser answers "unknown option",
# the command accepts it, and then `vouch help COMMAND` must list it as an
# option line and man/vouch.1 must name it in the command's subsection.
# The other way round, every option `vouch help COMMAND` lists must be
# accepted. Also: `vouch COMMAND --help` and `-h` print the same help,
# exit 0; `vouch help` is `vouch --help`; `vouch help nosuch` exits 2 with
# a "did you mean". Ends with "help: N passed, M failed".
set -u

[ $# -eq 1 ] || { echo "usage: sh tests/help.sh VOUCH_BINARY" >&2; exit 2; }
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
cd "$(dirname "$0")/.." || exit 2
work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-help.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT INT TERM
exec </dev/null

passed=0
failed=0
ok() { passed=$((passed + 1)); }
no() { echo "help: $*"; failed=$((failed + 1)); }

commands=$(grep -o 'strcmp(cmd, "[a-z]*") == 0)$' cli/main.c | sed 's/.*"\([a-z]*\)".*/\1/' |
           grep -v -x -e help -e version | sort -u)
candidates=$(grep -oh '"--*[a-z][a-z-]*' cli/*.c | tr -d '"' | grep -v -x -e --help -e -h | sort -u)
[ -n "$commands" ] && [ -n "$candidates" ] || { no "found no commands or no options in cli/"; echo "help: $passed passed, $failed failed"; exit 1; }

# The text of man/vouch.1's subsection of a command, roff escapes removed.
man_section() {
    awk -v want="$1" '
        /^\.S[SH] / { on = ($0 == ".SS " want || $0 == ".SS \"" want "\"") ; next }
        on' man/vouch.1 | sed -e 's/\\-/-/g' -e 's/\\f[BIRP]//g'
}

for c in $commands; do
    if ! "$bin" help "$c" > "$work/help.$c" 2>"$work/err"; then
        no "vouch help $c failed: $(cat "$work/err")"
        continue
    fi
    ok
    for flag in --help -h; do
        if "$bin" "$c" "$flag" > "$work/h" 2>&1 && cmp -s "$work/h" "$work/help.$c"; then ok
        else no "vouch $c $flag is not vouch help $c (exit 0)"; fi
    done
    for part in Usage: Options: Example:; do
        if grep -q "^$part\$" "$work/help.$c"; then ok; else no "vouch help $c has no $part"; fi
    done
    man_section "$c" > "$work/man.$c"
    if [ -s "$work/man.$c" ]; then ok; else no "man/vouch.1 has no subsection .SS $c"; fi
    # the option lines: two spaces, the option (", -h" after --help)
    sed -n '/^Options:$/,/^$/s/^  \(-[-a-z]*\).*/\1/p' "$work/help.$c" | sort -u > "$work/listed.$c"
    for o in $candidates; do
        "$bin" "$c" "$o" > "$work/out" 2>&1
        if grep -q -F -e "unknown option $o for this command" "$work/out"; then
            if grep -q -x -F -e "$o" "$work/listed.$c"; then
                no "vouch help $c lists $o, which vouch $c does not accept"
            fi
            continue
        fi
        if grep -q -x -F -e "$o" "$work/listed.$c"; then ok; else no "vouch $c accepts $o but vouch help $c does not list it"; fi
        if grep -q -E -e "(^|[^a-z-])$o([^a-z-]|\$)" "$work/man.$c"; then ok; else no "vouch $c accepts $o but man/vouch.1 does not name it under .SS $c"; fi
    done
    grep -v -x -e --help "$work/listed.$c" | while read -r o; do
        echo "$candidates" | grep -q -x -F -e "$o" || echo "vouch help $c lists $o, found in no string of cli/"
    done > "$work/orphans"
    if [ -s "$work/orphans" ]; then no "$(cat "$work/orphans")"; else ok; fi
done

# vouch help alone, and an unknown command
"$bin" --help > "$work/general" 2>&1
if "$bin" help > "$work/h" 2>&1 && cmp -s "$work/h" "$work/general"; then ok; else no "vouch help is not vouch --help"; fi
for c in $commands; do
    if grep -q "^  $c " "$work/general"; then ok; else no "vouch --help does not list $c"; fi
done
"$bin" help chek > "$work/h" 2>&1
st=$?
if [ "$st" = 2 ] && grep -q 'did you mean `check`' "$work/h"; then ok; else no "vouch help chek: exit $st, $(cat "$work/h")"; fi
"$bin" help zzzzzz > "$work/h" 2>&1
st=$?
if [ "$st" = 2 ]; then ok; else no "vouch help zzzzzz: exit $st"; fi

echo "help: $passed passed, $failed failed"
[ "$failed" = 0 ]
