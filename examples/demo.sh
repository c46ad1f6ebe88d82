#!/bin/sh
# examples/demo.sh: `make demo`. Loads the Acme Ledger example organisation
# (examples/acme/*.csv) and the catalogues of its packs into a fresh facts
# store and checks it against its own pack (examples/acme/pack.vouch, which
# adopts the shipped ISO/IEC 27001:2022 pack with Acme's parameters) as of
# 2026-11-21 and explains one finding (vouch explain); then loads it again
# and checks it against the ISO/IEC 27001:2022 auditor's pack as shipped
# (rules/iso27001) and shows the SOC 2 and NIST CSF 2.0 coverage that
# implies. The example has planted shortfalls (examples/README.md), so
# `vouch check` exiting 1 is the expected outcome; any other failure is an
# error.
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

# The ISO pack and the published catalogues, found by pack name.
VOUCH_PATH=rules:rules/catalogues:rules/crosswalks
export VOUCH_PATH
echo "\$ export VOUCH_PATH=rules:rules/catalogues:rules/crosswalks"
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

# Why one of those findings fired: the risk row, each condition's value,
# and the search for an acceptance by the CISO that found nothing.
echo
echo "\$ vouch explain --facts acme.db --as-of 2026-11-21 residual_risk_accepted RSK-04 examples/acme/pack.vouch"
if ! ./vouch explain --facts "$db" --as-of 2026-11-21 residual_risk_accepted RSK-04 \
        examples/acme/pack.vouch </dev/null; then
    echo "demo: vouch explain failed" >&2
    exit 1
fi

# What the ISO 27001 results imply for SOC 2, through Acme's crosswalk.
echo
echo "\$ vouch coverage --facts acme.db --as-of 2026-11-21 --framework soc2-2017 examples/acme/pack.vouch"
./vouch coverage --facts "$db" --as-of 2026-11-21 --framework soc2-2017 examples/acme/pack.vouch </dev/null
st=$?
if [ "$st" -ne 0 ]; then
    echo "demo: vouch coverage failed (exit status $st)" >&2
    exit "$st"
fi

# The ISO/IEC 27001:2022 auditor's pack as shipped, without Acme's
# parameters, skip and waivers. Its catalogues and crosswalks are the
# published ones, found by pack name on VOUCH_PATH and loaded as facts
# with --catalogues, so the catalogue rows of Acme's store (framework.csv,
# control.csv, mapping.csv) stay out of this one.
iso=$work/iso.db
org=""
for f in examples/acme/*.csv; do
    case ${f##*/} in framework.csv|control.csv|mapping.csv) ;; *) org="$org $f" ;; esac
done
soc2=rules/crosswalks/iso27001-2022-to-soc2-2017.vouch
csf=rules/crosswalks/csf2-to-iso27001-2022.vouch
echo
echo "\$ vouch load --facts iso.db --catalogues --pack rules/iso27001/pack.vouch --pack $soc2 --pack $csf" \
     "examples/acme/*.csv (but framework, control and mapping.csv: the catalogues of Acme's store)"
# shellcheck disable=SC2086 # $org is a list of file names without spaces
if ! ./vouch load --facts "$iso" --catalogues --pack rules/iso27001/pack.vouch --pack "$soc2" \
        --pack "$csf" $org </dev/null; then
    echo "demo: loading the example facts with the catalogues failed" >&2
    exit 1
fi
echo
echo "\$ vouch check --facts iso.db --as-of 2026-11-21 rules/iso27001/pack.vouch"
./vouch check --facts "$iso" --as-of 2026-11-21 rules/iso27001/pack.vouch </dev/null
st=$?
echo
case $st in
0)  echo "demo: the ISO pack found nothing, but the example has planted shortfalls (examples/README.md)" ;;
1)  echo "demo: vouch check exited 1: findings at or above --fail-on, as planted (see examples/README.md)" ;;
*)  echo "demo: vouch check of the ISO pack failed (exit status $st)" >&2
    exit "$st" ;;
esac

# What the ISO results imply for SOC 2 and NIST CSF 2.0, through the
# crosswalk packs: one line per control the results reach, and the totals;
# without the filter, each line is followed by the rules and paths behind
# it, and the controls no rule reaches are listed as not assessed.
drop='^    \|not assessed  '
for fw in soc2-2017 nist-csf-2.0; do
    if [ "$fw" = soc2-2017 ]; then cw=$soc2; else cw=$csf; fi
    echo
    echo "\$ vouch coverage --facts iso.db --as-of 2026-11-21 --framework $fw $cw rules/iso27001/pack.vouch | grep -v '$drop'"
    ./vouch coverage --facts "$iso" --as-of 2026-11-21 --framework "$fw" "$cw" rules/iso27001/pack.vouch \
        </dev/null >"$work/coverage.txt"
    st=$?
    if [ "$st" -ne 0 ]; then
        cat "$work/coverage.txt"
        echo "demo: vouch coverage --framework $fw failed (exit status $st)" >&2
        exit "$st"
    fi
    grep -v "$drop" "$work/coverage.txt"
done
exit 0
