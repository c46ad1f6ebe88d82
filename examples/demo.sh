#!/bin/sh
# examples/demo.sh: `make demo`. Loads the Acme Ledger example organisation
# (examples/acme/*.csv) into a fresh facts store and checks it against its
# pack (examples/acme/pack.vouch) as of 2026-11-21. The example has planted
# shortfalls (examples/README.md), so `vouch check` exiting 1 is the expected
# outcome; any other failure is an error.
set -u

cd "$(dirname "$0")/.." || exit 2
if [ ! -x ./vouch ]; then
    echo "demo: ./vouch is missing: run \`make vouch\` (\`make demo\` does)" >&2
    exit 2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-demo.XXXXXX") || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM HUP
db=$work/acme.db

echo "\$ vouch load --facts acme.db --pack examples/acme/pack.vouch examples/acme/*.csv"
if ! ./vouch load --facts "$db" --pack examples/acme/pack.vouch examples/acme/*.csv </dev/null; then
    echo "demo: loading the example facts failed" >&2
    exit 1
fi
echo
echo "\$ vouch check --facts acme.db --as-of 2026-11-21 examples/acme/pack.vouch"
./vouch check --facts "$db" --as-of 2026-11-21 examples/acme/pack.vouch </dev/null
st=$?
echo
case $st in
0)  echo "demo: vouch check found nothing, but the example has planted shortfalls (examples/README.md)" ;;
1)  echo "demo: vouch check exited 1: findings at or above --fail-on, as planted (see examples/README.md)" ;;
*)  echo "demo: vouch check failed (exit status $st)" >&2
    exit "$st" ;;
esac

# What the ISO 27001 results imply for SOC 2, through Acme's crosswalk.
echo
echo "\$ vouch coverage --facts acme.db --as-of 2026-11-21 --framework soc2-2017 examples/acme/pack.vouch"
./vouch coverage --facts "$db" --as-of 2026-11-21 --framework soc2-2017 examples/acme/pack.vouch </dev/null
st=$?
if [ "$st" -ne 0 ]; then
    echo "demo: vouch coverage failed (exit status $st)" >&2
    exit "$st"
fi
exit 0
