#!/bin/sh
# tests/outputs.sh: every output format of `vouch check`, validated against
# its official schema and checked for content (docs/outputs.md).
#
#   sh tests/outputs.sh [VOUCH_BINARY]        (default: ./vouch)
#
# Three runs: the reference pack on the benchmark's scale-S facts, the
# example organisation (examples/acme, loaded as examples/demo.sh does:
# waivers, not-applicable subjects, a skipped rule, catalogues and
# crosswalks), and the ISO 27001 pack on it with the published catalogues. Each writes json, tsv, sarif, junit, oscal, markdown and html
# in one `vouch check` (--output FORMAT=FILE), then:
#   - SARIF and OSCAL against shared/schemas with its check.py, JUnit with
#     xmllint against both XSDs (the exact commands of
#     shared/schemas/README.md);
#   - content against the JSON and TSV of the same run: SARIF results =
#     TSV findings (+ waived ones, suppressed), JUnit failures = failing
#     findings, OSCAL findings = rules evaluated, not-satisfied = rules with
#     failures, risks = waived findings, oscal-version 1.2.1, unique UUIDs;
#     Markdown and HTML summaries;
#   - the same run again gives byte-identical files (no clock, no random);
#   - SARIF with Microsoft's SARIF multitool and its GitHub rules
#     (tests/tools/sarif, installed by npm ci), GitHub's limits (20 tags per
#     rule, 25,000 results: a run of 25,010 findings), and `vouch explain
#     --format json` against docs/results.schema.json;
#   - the HTML page in headless Chromium: a screenshot (a PNG over 10 KB) and
#     the DOM's summary counts equal to the JSON summary.
# Files go to $OUTPUTS_OUT (default build/test-logs/outputs). Ends with
# `outputs: N passed, M failed`.
set -u

cd "$(dirname "$0")/.." || exit 2
root=$(pwd)
bin=${1:-./vouch}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
python=/usr/bin/python3
asof=2026-11-21

passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL: $1"; failed=$((failed + 1)); }
finish() {
    echo "outputs: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# The shared folder sits beside the repository (../shared), in CI too.
shared=$root/../shared
[ -f "$shared/schemas/check.py" ] || shared=/work/shared
if [ ! -f "$shared/schemas/check.py" ] || [ ! -f "$shared/bench/gen_facts.py" ]; then
    bad "cannot find the shared folder (schemas/, bench/) in $root/../shared or /work/shared"
    finish
fi
shared=$(cd "$shared" && pwd)
schemas=$shared/schemas
[ -x "$python" ] || { bad "$python not found"; finish; }
command -v xmllint >/dev/null 2>&1 || { bad "xmllint is missing: apt-get install libxml2-utils"; finish; }
"$python" -c 'import jsonschema, regex' 2>/dev/null ||
    { bad "python3-jsonschema or python3-regex is missing: apt-get install python3-jsonschema python3-regex"; finish; }
[ -f "$bin" ] && [ -x "$bin" ] || { bad "$bin: no such executable"; finish; }

out=${OUTPUTS_OUT:-build/test-logs/outputs}
rm -rf "$out"
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
if command -v timeout >/dev/null 2>&1; then tmo="timeout 120"; else tmo=""; fi

# ---- facts ----------------------------------------------------------------------
"$python" "$shared/bench/gen_facts.py" --scale S --out "$out/S.db" >"$out/gen.log" 2>&1 ||
    { cat "$out/gen.log"; bad "generating the scale-S facts failed"; finish; }
# the generator's evidence.id is an INTEGER column (docs/facts.md, "Text ids")
sqlite3 "$out/S.db" < bench/text_ids.sql >"$out/gen.log" 2>&1 ||
    { cat "$out/gen.log"; bad "converting the scale-S evidence ids failed"; finish; }
# nor the optional columns of issue 16 (docs/facts.md, "soa")
sqlite3 "$out/S.db" < bench/seed_columns.sql >"$out/gen.log" 2>&1 ||
    { cat "$out/gen.log"; bad "adding the columns of issue 16 to the scale-S facts failed"; finish; }
# examples/acme adopts the ISO pack, found on VOUCH_PATH with the published
# catalogues and crosswalks (as examples/demo.sh loads it).
VOUCH_PATH=rules:rules/catalogues:rules/crosswalks
export VOUCH_PATH
"$bin" load --facts "$out/acme.db" --pack examples/acme/pack.vouch examples/acme/*.csv </dev/null \
    >"$out/load.log" 2>&1 || { cat "$out/load.log"; bad "loading examples/acme failed"; finish; }
# The ISO/IEC 27001 auditor's pack as shipped on the same organisation:
# many controls, clause ids that are not OSCAL tokens ("4.1").
org=""
for f in examples/acme/*.csv; do
    case ${f##*/} in framework.csv|control.csv|mapping.csv) ;; *) org="$org $f" ;; esac
done
# shellcheck disable=SC2086 # $org is a list of file names without spaces
"$bin" load --facts "$out/iso.db" --catalogues --pack rules/iso27001/pack.vouch \
    --pack rules/crosswalks/iso27001-2022-to-soc2-2017.vouch $org </dev/null >>"$out/load.log" 2>&1 ||
    { cat "$out/load.log"; bad "loading examples/acme with the catalogues failed"; finish; }
ok "facts: scale S, examples/acme, examples/acme with the published catalogues"

formats="sarif junit oscal markdown html"

# run NAME DB PACK: every format of one check into $out/NAME.*
run() {
    name=$1 db=$2 pack=$3 dir=${4:-$out}
    "$bin" check --facts "$db" --as-of "$asof" --format json --output "$dir/$name.json" \
        --output "tsv=$dir/$name.tsv" --output "sarif=$dir/$name.sarif" --output "junit=$dir/$name.xml" \
        --output "oscal=$dir/$name.oscal.json" --output "markdown=$dir/$name.md" \
        --output "html=$dir/$name.html" "$pack" </dev/null >"$dir/$name.log" 2>&1
}

for case in "reference:$out/S.db:rules/reference/reference.vouch" "acme:$out/acme.db:examples/acme/pack.vouch" \
    "iso:$out/iso.db:rules/iso27001/pack.vouch"; do
    name=${case%%:*}
    rest=${case#*:}
    db=${rest%%:*}
    pack=${rest#*:}
    run "$name" "$db" "$pack"
    st=$?
    if [ "$st" -ne 1 ]; then
        bad "$name: vouch check exited $st (want 1: the facts have findings):"
        cat "$out/$name.log"
        continue
    fi
    missing=""
    for f in json tsv sarif xml oscal.json md html; do [ -s "$out/$name.$f" ] || missing="$missing $f"; done
    if [ -n "$missing" ]; then bad "$name: not written:$missing"; continue; fi
    ok "$name: one check wrote json, tsv and$(echo " $formats")"

    # ---- schemas (shared/schemas/README.md) ----
    if (cd "$schemas" && "$python" check.py sarif/sarif-schema-2.1.0.json "$out/$name.sarif") >"$out/$name.sarif.check" 2>&1; then
        ok "$name: SARIF valid against sarif-schema-2.1.0.json"
    else
        bad "$name: SARIF invalid:"; head -n 20 "$out/$name.sarif.check"
    fi
    if (cd "$schemas" && "$python" check.py oscal/v1.2.1/oscal_assessment-results_schema.json "$out/$name.oscal.json") \
        >"$out/$name.oscal.check" 2>&1; then
        ok "$name: OSCAL valid against v1.2.1 assessment-results"
    else
        bad "$name: OSCAL invalid:"; head -n 20 "$out/$name.oscal.check"
    fi
    for xsd in junit/jenkins-xunit/junit-10.xsd junit/windyroad/JUnit.xsd; do
        if (cd "$schemas" && xmllint --noout --schema "$xsd" "$out/$name.xml") >"$out/$name.xml.check" 2>&1; then
            ok "$name: JUnit valid against $xsd"
        else
            bad "$name: JUnit invalid against $xsd:"; head -n 20 "$out/$name.xml.check"
        fi
    done

    # ---- content ----
    "$python" - "$out/$name" > "$out/$name.content" 2>&1 <<'PY'
import json, re, sys, xml.etree.ElementTree as ET
base = sys.argv[1]
def check(cond, what):
    print(("ok: " if cond else "FAIL: ") + what)
j = json.load(open(base + ".json"))
s = j["summary"]
tsv = [l for l in open(base + ".tsv", encoding="utf-8").read().split("\n") if l]
records = j["findings"]
fail = [f for f in records if f["status"] == "fail"]
waived = [f for f in records if f["status"] == "waived"]
na = [f for f in records if f["status"] == "not_applicable"]
ran = [r for r in j["rules"] if not r["skipped"]]
check(len(tsv) == s["failed"] == len(fail), "json: %d failing records, tsv %d lines, summary %d" % (len(fail), len(tsv), s["failed"]))

# SARIF
sa = json.load(open(base + ".sarif", encoding="utf-8"))
run = sa["runs"][0]
res = run["results"]
unsup = [r for r in res if not r.get("suppressions")]
sup = [r for r in res if r.get("suppressions")]
check(len(unsup) == len(tsv), "sarif: %d unsuppressed results, tsv %d findings" % (len(unsup), len(tsv)))
check(len(sup) == len(waived) and all(x["suppressions"][0]["kind"] == "external" for x in sup),
      "sarif: %d results suppressed (external), %d waived" % (len(sup), len(waived)))
pairs = sorted("%s\t%s" % (r["ruleId"], r["properties"]["subject"]) for r in unsup)
check(pairs == sorted(tsv), "sarif: the (rule, subject) pairs are the tsv's")
rules = run["tool"]["driver"]["rules"]
check([r["id"] for r in rules] == [r["id"] for r in j["rules"]], "sarif: one reportingDescriptor per rule, in order")
lv = {"critical": "error", "high": "error", "medium": "warning", "low": "note", "info": "note"}
check(all(d["defaultConfiguration"]["level"] == lv[r["severity"]] for d, r in zip(rules, j["rules"])),
      "sarif: levels follow the severities")
check(all(x["locations"][0]["physicalLocation"]["region"]["startLine"] == j["rules"][x["ruleIndex"]]["location"]["line"]
          and x["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] == j["rules"][x["ruleIndex"]]["location"]["file"]
          for x in res), "sarif: each result sits at its rule's file and line")
fps = [x["partialFingerprints"]["vouchRuleSubject/v1"] for x in res]
check(len(set(fps)) == len(set((x["ruleId"], x["properties"]["subject"]) for x in res)),
      "sarif: one fingerprint per (rule, subject)")
inv = run["invocations"][0]["properties"]
check(inv["asOf"] == j["run"]["as_of"] and inv["period"]["start"] == j["run"]["period"]["start"],
      "sarif: the invocation carries the as-of date and period")

# JUnit
t = ET.parse(base + ".xml").getroot()
suites = t.findall("testsuite")
nfail = sum(int(x.get("failures")) for x in suites)
blockrules = set(f["rule"] for f in records if f["blocking"])
erred = set(r["id"] for r in j["rules"] if r["error"])
check(nfail == len(blockrules - erred) == len(t.findall(".//failure")),
      "junit: %d failures, %d <failure>, %d rules with findings that fail the run" % (nfail, len(t.findall(".//failure")), len(blockrules - erred)))
nblocking = sum(1 for f in records if f["blocking"] and f["rule"] not in erred)
inside = sum(1 for x in t.findall(".//failure") for l in (x.text or "").split("\n")
             if not (l.startswith("rule ") or l.startswith("at ") or l.startswith("controls:")))
check(inside == nblocking, "junit: the <failure>s list the %d findings that fail the run (%d)" % (nblocking, inside))
nskip = sum(int(x.get("skipped")) for x in suites)
want = s["skipped"] + s["no_subjects"]
check(nskip == want == len(t.findall(".//skipped")), "junit: %d skipped = %d skipped rules + %d that examined no subject" % (nskip, s["skipped"], s["no_subjects"]))
packs = []
for r in j["rules"]:
    if r["pack"] not in packs: packs.append(r["pack"])
check([x.get("name") for x in suites] == packs, "junit: one testsuite per pack %r" % packs)
keys = [(c.get("classname"), c.get("name")) for c in t.iter("testcase")]
check(keys == [(r["pack"], r["id"]) for r in sorted(j["rules"], key=lambda r: packs.index(r["pack"]))],
      "junit: one testcase per rule, named by its id (%d)" % len(keys))
out_lines = "".join(x.findtext("system-out") or "" for x in suites).split("\n")
nonblock = [f for f in records if not (f["blocking"] and f["rule"] not in erred)]
counts_re = re.compile(r"^\S+: \d+ passed, \d+ failed, \d+ waived, \d+ not applicable(, stopped with an error)?$")
check(sum(1 for l in out_lines if l and not counts_re.match(l)) == len(nonblock),
      "junit: system-out has a line per record that does not fail the run (%d)" % len(nonblock))

# OSCAL
o = json.load(open(base + ".oscal.json", encoding="utf-8"))["assessment-results"]
check(o["metadata"]["oscal-version"] == "1.2.1", "oscal: oscal-version 1.2.1")
r0 = o["results"][0]
fs = r0.get("findings", [])
touched = {}
for r in ran:
    for c in r["controls"]:
        touched.setdefault(c["framework"], set()).add(c["control"])
unmapped = [r for r in ran if not r["controls"]]
ctl_f = [f for f in fs if f["target"]["type"] == "statement-id"]
check(len(ctl_f) == sum(len(v) for v in touched.values()) and len(fs) == len(ctl_f) + len(unmapped),
      "oscal: %d findings: one per control reached (%d) and per rule reaching none (%d)" % (len(fs), len(ctl_f), len(unmapped)))
fwp = lambda x: [p["value"] for p in x.get("props", []) if p["name"] == "framework"]
check(all(fwp(f["target"]) and [p["value"] for p in f["target"]["props"] if p["name"] == "control-id"][0] in touched[fwp(f["target"])[0]]
          for f in ctl_f), "oscal: each control finding's target names its framework and control")
sels = r0["reviewed-controls"]["control-selections"]
check(sorted(fwp(x)[0] for x in sels if "include-controls" in x) == sorted(touched) and
      all(len(x["include-controls"]) == len(touched[fwp(x)[0]]) for x in sels if "include-controls" in x),
      "oscal: reviewed-controls has a selection per framework with its controls (%d)" % len(sels))
obs = r0.get("observations", [])
recobs = [x for x in obs if "finding" in x["types"]]
check(len(obs) == len(ran) + len(fail) + len(waived) and len(recobs) == len(fail) + len(waived),
      "oscal: %d observations (rules + failing and waived records)" % len(obs))
check(all(x.get("subjects") and x["subjects"][0]["title"] for x in recobs),
      "oscal: every record observation names its subject")
check(sum(1 for x in recobs if x.get("relevant-evidence")) > 0, "oscal: record observations carry the facts rows behind them")
res_ids = [x["uuid"] for x in o.get("back-matter", {}).get("resources", [])]
check(o["import-ap"]["href"].startswith("#") and o["import-ap"]["href"][1:] in res_ids,
      "oscal: import-ap points at a back-matter resource (%s)" % o["import-ap"]["href"])
risks = r0.get("risks", [])
check(len(risks) == len(waived) and all(x.get("deadline") for x in risks), "oscal: %d risks with deadlines, %d waived" % (len(risks), len(waived)))
uu = re.findall(r'"(?:uuid|observation-uuid|risk-uuid)": "([^"]+)"', open(base + ".oscal.json").read())
defs = [x["uuid"] for x in obs + risks + fs] + [o["uuid"], r0["uuid"]] + res_ids
check(len(defs) == len(set(defs)) and all(u in defs for u in uu), "oscal: %d UUIDs unique, every reference resolves" % len(defs))
check(r0["start"] == j["run"]["as_of"] + "T00:00:00Z", "oscal: start is the as-of date")

# SARIF as GitHub code scanning takes it (beyond the schema)
check(all(d.get("fullDescription", {}).get("text") for d in rules), "sarif: every rule has a fullDescription")
check(max([len(d["properties"]["tags"]) for d in rules] or [0]) <= 20, "sarif: at most 20 tags per rule (most: %d)" % max([len(d["properties"]["tags"]) for d in rules] or [0]))
check(len(res) <= 25000, "sarif: at most 25000 results (%d)" % len(res))
bases = set(run.get("originalUriBaseIds", {}))
uris = [l["physicalLocation"]["artifactLocation"] for x in res for l in x["locations"]]
check(all(a.get("uriBaseId") in bases for a in uris if "uriBaseId" in a), "sarif: every uriBaseId is declared in originalUriBaseIds")
check(not any(a["uri"].startswith("../") or "/../" in a["uri"] for a in uris), "sarif: no ../ URIs")

# Markdown
md = open(base + ".md", encoding="utf-8").read()
head = md.split("\n")[1]
want = "## vouch: %d failing finding%s" % (s["failed"], "" if s["failed"] == 1 else "s") if s["failed"] else "## vouch: no failing findings"
check(head == want, "markdown: heading %r" % head)
m = re.search(r"^\| \*\*total\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \| \*\*(\d+)\*\* \|$", md, re.M)
check(m and tuple(map(int, m.groups())) == (s["failed"], s["waived"], s["not_applicable"]), "markdown: totals row")
rows = len(re.findall(r"^\| (critical|high|medium|low|info) \| [^|]", md, re.M)) - 5
left = re.search(r"_(\d+) more failing findings? not shown", md)
check(rows + (int(left.group(1)) if left else 0) == s["failed"] and rows <= 30,
      "markdown: %d failing rows shown + %s left out = %d" % (rows, left.group(1) if left else 0, s["failed"]))
check(len(md) < 65536, "markdown: %d characters, fits a pull-request comment" % len(md))
PY
    while IFS= read -r line; do
        case $line in
        "ok: "*) ok "$name: ${line#ok: }" ;;
        "FAIL: "*) bad "$name: ${line#FAIL: }" ;;
        *) bad "$name: $line" ;;
        esac
    done < "$out/$name.content"

    # ---- deterministic ----
    mkdir -p "$out/again"
    run "$name" "$db" "$pack" "$out/again"
    diffs=""
    for f in json sarif xml oscal.json md html; do
        cmp -s "$out/$name.$f" "$out/again/$name.$f" || diffs="$diffs $f"
    done
    if [ -z "$diffs" ]; then ok "$name: a second run writes byte-identical files"; else bad "$name: a second run differs in:$diffs"; fi
done

# ---- SARIF as GitHub code scanning takes it: Microsoft's SARIF multitool ----------------
# tests/tools/sarif pins @microsoft/sarif-multitool (package.json and
# package-lock.json); `npm ci` installs it there once (node_modules is not
# committed). Its GitHub rules (GH*) and SARIF rules run over every SARIF
# file; an error, or a warning other than SARIF2005 (no informationUri:
# vouch has no web page), fails. When npm cannot install it the suite fails
# saying so: it never skips.
tools=$root/tests/tools/sarif
multitool=""
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    multitool=$(cd "$tools" && node -e 'process.stdout.write(require("@microsoft/sarif-multitool"))' 2>/dev/null)
    if [ -z "$multitool" ] || [ ! -f "$multitool" ]; then
        (cd "$tools" && $tmo npm ci --no-audit --no-fund) >"$out/npm.log" 2>&1
        multitool=$(cd "$tools" && node -e 'process.stdout.write(require("@microsoft/sarif-multitool"))' 2>/dev/null)
    fi
fi
if [ -z "$multitool" ] || [ ! -f "$multitool" ]; then
    bad "cannot install Microsoft's SARIF multitool (npm ci in tests/tools/sarif; needs node, npm and the npm registry):"
    [ -f "$out/npm.log" ] && tail -n 20 "$out/npm.log"
else
    chmod u+x "$multitool" 2>/dev/null
    for name in reference acme iso; do
        rm -f "$out/$name.mt.sarif"
        $tmo "$multitool" validate --rule-kind "Gh;Sarif" -o "$out/$name.mt.sarif" "$out/$name.sarif" \
            >"$out/$name.mt.log" 2>&1
        st=$?
        problems=$(grep -E ': (error|warning) [A-Z]+[0-9]+' "$out/$name.mt.log" | grep -v ' warning SARIF2005: ')
        if [ "$st" -eq 0 ] && [ -z "$problems" ] && grep -q 'Analysis completed successfully' "$out/$name.mt.log"; then
            ok "$name: SARIF passes the multitool's GitHub and SARIF rules"
        else
            bad "$name: the SARIF multitool (exit $st) reports:"
            if [ -n "$problems" ]; then echo "$problems" | head -n 10; else tail -n 10 "$out/$name.mt.log"; fi
        fi
    done
fi

# More results than GitHub takes (25,000 per run): the most important are
# kept, and the log says how many were left out.
mkdir -p "$out/many"
cat > "$out/many/pack.vouch" <<'VOUCH'
pack "many" version "1"
fact item key (id) {
  id: text
  sev: text
}
rule high_items "High items" severity high {
  for i in item where i.sev == "high"
  require false
}
rule low_items "Low items" severity low {
  for i in item where i.sev == "low"
  require false
}
VOUCH
awk 'BEGIN { print "id,sev"; for (i = 0; i < 25010; i++) printf "i%05d,%s\n", i, (i < 10 ? "high" : "low") }' > "$out/many/item.csv"
if "$bin" load --facts "$out/many/many.db" --pack "$out/many/pack.vouch" "$out/many/item.csv" >"$out/many/load.log" 2>&1 &&
    { "$bin" check --facts "$out/many/many.db" --as-of "$asof" --format sarif "$out/many/pack.vouch" >"$out/many/many.sarif" 2>"$out/many/check.log"; [ $? -eq 1 ]; } &&
    "$python" - "$out/many/many.sarif" >"$out/many/checks" 2>&1 <<'PY'
import json, sys
run = json.load(open(sys.argv[1]))["runs"][0]
res = run["results"]
notes = [n["message"]["text"] for n in run["invocations"][0]["toolExecutionNotifications"]]
ok = len(res) == 25000 and sum(1 for r in res if r["ruleId"] == "high_items") == 10 and \
     run["properties"]["omittedResults"] == 10 and any(t.startswith("10 results left out") for t in notes)
print("ok" if ok else "bad: %d results, %d high, omitted %r, notes %r" % (len(res), sum(1 for r in res if r["ruleId"] == "high_items"), run["properties"].get("omittedResults"), notes[:2]))
PY
then
    if [ "$(cat "$out/many/checks")" = ok ]; then
        ok "sarif: 25,010 findings give 25,000 results, every high one kept, 10 counted as left out"
    else
        bad "sarif: over 25,000 findings: $(cat "$out/many/checks")"
    fi
else
    bad "sarif: the 25,010-finding run failed:"; cat "$out/many/load.log" "$out/many/check.log" "$out/many/checks" 2>/dev/null | head -n 10
fi

# ---- vouch explain --format json against the published schema ------------------------
rule=$("$python" -c 'import json, sys; j = json.load(open(sys.argv[1])); print(next(f["rule"] for f in j["findings"] if f["status"] == "waived"))' "$out/acme.json")
if "$bin" explain --facts "$out/acme.db" --as-of "$asof" --format json "$rule" examples/acme/pack.vouch \
        >"$out/explain.json" 2>"$out/explain.log" &&
    "$python" tests/validate_json.py docs/results.schema.json "$out/explain.json" >"$out/explain.check" 2>&1; then
    ok "explain: vouch explain --format json $rule (waived, failing and passing subjects) is valid against docs/results.schema.json"
else
    bad "explain: vouch explain --format json $rule is not valid:"; cat "$out/explain.log" "$out/explain.check" | head -n 10
fi

# ---- the command line --------------------------------------------------------------
"$bin" check --facts "$out/acme.db" --as-of "$asof" --format yaml examples/acme/pack.vouch </dev/null >"$out/cli.log" 2>&1
st=$?
if [ "$st" -eq 2 ]; then ok "cli: --format yaml is a usage error (exit 2)"; else bad "cli: --format yaml exited $st (want 2)"; fi
"$bin" check --facts "$out/acme.db" --as-of "$asof" --format sarif examples/acme/pack.vouch </dev/null >"$out/stdout.sarif" 2>"$out/cli.log"
st=$?
if [ "$st" -eq 1 ] && cmp -s "$out/stdout.sarif" "$out/acme.sarif"; then
    ok "cli: --format sarif on stdout is the --output sarif=FILE document"
else
    bad "cli: --format sarif to stdout exited $st or differs from acme.sarif"
fi

# ---- the HTML page in a browser ------------------------------------------------------
browser=""
for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then browser=$c; break; fi
done
if [ -z "$browser" ]; then
    bad "no headless browser: chromium is not installed (apt-get install chromium)"
    finish
fi
profile=$(mktemp -d "${TMPDIR:-/tmp}/vouch-chromium.XXXXXX") || exit 2
trap 'rm -rf "$profile"' EXIT
trap 'exit 130' INT TERM HUP
chromium() {
    cname=$1
    shift
    $tmo "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
        "$@" 2>"$out/chromium-$cname.log"
}
for name in acme reference iso; do
    url=file://$out/$name.html
    chromium "$name-png" --screenshot="$out/$name.png" --window-size=1280,1600 "$url"
    st=$?
    size=$(wc -c < "$out/$name.png" 2>/dev/null || echo 0)
    sig=$(od -An -tx1 -N8 "$out/$name.png" 2>/dev/null | tr -d ' \n')
    if [ "$st" -eq 0 ] && [ "$sig" = 89504e470d0a1a0a ] && [ "$size" -gt 10240 ]; then
        ok "$name: html screenshot $out/$name.png ($size bytes)"
    else
        bad "$name: html screenshot: chromium exited $st, ${size} bytes, signature '$sig'"
    fi
    chromium "$name-dom" --dump-dom "$url" > "$out/$name.dom.html"
    "$python" - "$out/$name.dom.html" "$out/$name.json" > "$out/$name.dom.checks" 2>&1 <<'PY'
import json, sys
from html.parser import HTMLParser
dom_path, json_path = sys.argv[1], sys.argv[2]
class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.counts = {}; self.rows = []; self.in_rows = False; self.external = []; self.th = 0; self.why = 0
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        for k in ("src", "href"):
            if k in a and not a[k].startswith("#"):
                self.external.append((tag, k, a[k]))
        if (a.get("id") or "").startswith("count-") and "data-count" in a:
            self.counts[a["id"]] = int(a["data-count"])
        if tag == "tbody" and a.get("id") == "finding-rows":
            self.in_rows = True
        elif tag == "tr" and self.in_rows:
            self.rows.append(a)
        if tag == "th" and "data-sort" in a:
            self.th += 1
        if tag == "details" and a.get("class") == "why" and self.in_rows:
            self.why += 1
    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_rows = False
d = Dom()
d.feed(open(dom_path, encoding="utf-8").read())
j = json.load(open(json_path))
s = j["summary"]
def check(c, what): print(("ok: " if c else "FAIL: ") + what)
for k, v in (("failed", s["failed"]), ("waived", s["waived"]), ("not_applicable", s["not_applicable"]),
             ("passed", s["passed"]), ("rules", s["rules"]), ("skipped", s["skipped"]), ("errors", s["errors"])):
    check(d.counts.get("count-" + k) == v, "dom: count-%s %s, json %d" % (k, d.counts.get("count-" + k), v))
for sev, v in s["by_severity"].items():
    check(d.counts.get("count-failing-" + sev) == v, "dom: count-failing-%s %s, json %d" % (sev, d.counts.get("count-failing-" + sev), v))
for fw in s["frameworks"]:
    got = d.counts.get("count-fw-" + fw["framework"] + "-failed")
    check(got == fw["failed"], "dom: framework %s failed %s, json %d" % (fw["framework"], got, fw["failed"]))
recs = [f for f in j["findings"] if f["status"] != "not_applicable"]
check(len(d.rows) == len(recs), "dom: %d finding rows, %d failing and waived records" % (len(d.rows), len(recs)))
st = sorted((r.get("data-status"), r.get("data-rule")) for r in d.rows)
check(st == sorted((f["status"], f["rule"]) for f in recs), "dom: each row's status and rule match the records")
check(d.th >= 4, "dom: %d sortable column headers" % d.th)
check(d.why == len(recs) and not any(f.get("explanation") for f in recs),
      "dom: each of the %d finding rows has its explanation (%d); the JSON of the same run (no --explain) has none" % (len(recs), d.why))
check(not d.external, "dom: nothing external: %r" % d.external[:3])
PY
    if [ ! -s "$out/$name.dom.checks" ]; then bad "$name: the DOM checks printed nothing"; fi
    while IFS= read -r line; do
        case $line in
        "ok: "*) ok "$name: ${line#ok: }" ;;
        "FAIL: "*) bad "$name: ${line#FAIL: }" ;;
        *) bad "$name: $line" ;;
        esac
    done < "$out/$name.dom.checks"
done

finish
