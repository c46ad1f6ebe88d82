#!/bin/sh
# tests/browser/soa_html.sh: the SoA's HTML page in a real browser.
#
#   sh tests/browser/soa_html.sh VOUCH_BINARY
#
# Renders the example organisation's Statement of Applicability
# (examples/acme, ISO/IEC 27001:2022, as of 2026-11-21) to HTML and CSV, then
# opens the page in headless Chromium (Debian's `chromium`, which `make`
# installs when run as root):
#   - a screenshot (1280x2000) that must be a PNG of more than 10 KB;
#   - the DOM as Chromium parsed it (--dump-dom): one row per control, the
#     header's counts by status and applicability equal to the CSV's, each
#     row's data-status/data-applicable/data-implementation-status equal to
#     its CSV row, nothing that
#     runs or loads (no script, no external resource);
#   - a PDF print (the page is meant to be printed): a PDF of some size.
# Without chromium the suite fails: it never passes without a browser.
# Files go to $BROWSER_OUT (default build/test-logs/browser): soa.html,
# soa.csv, soa.png, soa.pdf, dom.html. Ends with `browser: N passed, M failed`.
set -u

cd "$(dirname "$0")/../.." || exit 2
[ $# -ge 1 ] || { echo "usage: sh tests/browser/soa_html.sh VOUCH_BINARY" >&2; exit 2; }
bin=$1
case $bin in /*) ;; *) bin=$(pwd)/$bin ;; esac
out=${BROWSER_OUT:-build/test-logs/browser}
mkdir -p "$out" || exit 2
out=$(cd "$out" && pwd)
rm -f "$out"/soa.* "$out"/dom.html "$out"/acme.db*

passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL: $1"; failed=$((failed + 1)); }
finish() {
    echo "browser: $passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit $?
}

# ---- the browser ----------------------------------------------------------------
browser=""
for c in chromium chromium-browser; do
    if command -v "$c" >/dev/null 2>&1; then browser=$c; break; fi
done
if [ -z "$browser" ]; then
    bad "no headless browser: chromium is not installed. Install it with:
  sudo apt-get install -y chromium
(\`make\` does this itself when run as root; this suite never passes without a browser)"
    finish
fi
ok "browser: $($browser --version 2>/dev/null | head -n 1)"

if command -v timeout >/dev/null 2>&1; then tmo="timeout 120"; else tmo=""; fi
profile=$(mktemp -d "${TMPDIR:-/tmp}/vouch-chromium.XXXXXX") || exit 2
trap 'rm -rf "$profile"' EXIT
trap 'exit 130' INT TERM HUP
# chromium NAME ARGS...: one headless run, its chatter in $out/NAME.log
chromium() {
    name=$1
    shift
    $tmo "$browser" --headless --no-sandbox --disable-gpu --disable-background-networking \
        --disable-component-update --disable-sync --no-first-run --user-data-dir="$profile" \
        "$@" 2>"$out/$name.log"
}

# ---- the SoA --------------------------------------------------------------------
db=$out/acme.db
pack=examples/acme/pack.vouch
# the example adopts the ISO pack, found by name
VOUCH_PATH=rules:rules/catalogues
export VOUCH_PATH
if "$bin" load --facts "$db" --pack "$pack" examples/acme/*.csv </dev/null >"$out/load.log" 2>&1 &&
   "$bin" soa --facts "$db" --as-of 2026-11-21 --framework iso27001-2022 --format html \
       --output "$out/soa.html" "$pack" </dev/null >"$out/soa.log" 2>&1 &&
   "$bin" soa --facts "$db" --as-of 2026-11-21 --framework iso27001-2022 --format csv \
       --output "$out/soa.csv" "$pack" </dev/null >>"$out/soa.log" 2>&1; then
    ok "vouch soa wrote soa.html and soa.csv"
else
    bad "vouch load/soa failed:"
    cat "$out/load.log" "$out/soa.log"
    finish
fi
url=file://$out/soa.html

# ---- a screenshot ----------------------------------------------------------------
chromium screenshot --screenshot="$out/soa.png" --window-size=1280,2000 "$url"
st=$?
size=$(wc -c < "$out/soa.png" 2>/dev/null || echo 0)
sig=$(od -An -tx1 -N8 "$out/soa.png" 2>/dev/null | tr -d ' \n')
if [ "$st" -eq 0 ] && [ "$sig" = 89504e470d0a1a0a ] && [ "$size" -gt 10240 ]; then
    ok "screenshot: $out/soa.png, a PNG of $size bytes"
else
    bad "screenshot: chromium exited $st; $out/soa.png is ${size} bytes, signature '${sig}' (want a PNG over 10 KB); the end of its log:"
    tail -n 20 "$out/screenshot.log"
fi

# ---- the DOM Chromium built --------------------------------------------------------
chromium dom --dump-dom "$url" > "$out/dom.html"
st=$?
if [ "$st" -ne 0 ] || [ ! -s "$out/dom.html" ]; then
    bad "dump-dom: chromium exited $st with no DOM; the end of its log:"
    tail -n 20 "$out/dom.log"
else
    # One line per check: "ok: ..." or "FAIL: ...".
    python3 - "$out/dom.html" "$out/soa.csv" > "$out/dom-checks.txt" 2>&1 <<'PY'
import csv, sys
from html.parser import HTMLParser

dom_path, csv_path = sys.argv[1], sys.argv[2]

class Dom(HTMLParser):
    def __init__(self):
        super().__init__()
        self.rows = []          # attrs of each <tr class="control"> in tbody#soa-rows
        self.counts = {}        # id -> data-count
        self.in_rows = False
        self.tags = {}          # tag -> count
        self.external = []
    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        self.tags[tag] = self.tags.get(tag, 0) + 1
        for k in ("src", "href"):
            if k in a:
                self.external.append((tag, k, a[k]))
        if tag == "tbody" and a.get("id") == "soa-rows":
            self.in_rows = True
        elif tag == "tr" and self.in_rows and "control" in (a.get("class") or "").split():
            self.rows.append(a)
        if (a.get("id") or "").startswith("count-") and "data-count" in a:
            self.counts[a["id"]] = int(a["data-count"])
    def handle_endtag(self, tag):
        if tag == "tbody":
            self.in_rows = False

dom = Dom()
with open(dom_path, encoding="utf-8") as f:
    dom.feed(f.read())
with open(csv_path, newline="", encoding="utf-8") as f:
    rows = list(csv.DictReader(f))

def check(ok, what):
    print(("ok: " if ok else "FAIL: ") + what)

n = len(rows)
check(n > 0, "the CSV has %d controls" % n)
check(len(dom.rows) == n, "the DOM has one row per control: %d rows, %d controls" % (len(dom.rows), n))
check(dom.counts.get("count-controls") == n,
      "the header counts %s controls, the CSV %d" % (dom.counts.get("count-controls"), n))
for st in ("satisfied", "partial", "not_satisfied", "not_assessed"):
    want = sum(1 for r in rows if r["status"] == st)
    got = dom.counts.get("count-status-" + st)
    check(got == want, "header status %s: %s, CSV %d" % (st, got, want))
for ap in ("yes", "no", "unstated"):
    want = sum(1 for r in rows if r["applicable"] == ap)
    got = dom.counts.get("count-applicable-" + ap)
    check(got == want, "header applicable %s: %s, CSV %d" % (ap, got, want))
want = sum(1 for r in rows if r["with_waivers"] == "yes")
check(dom.counts.get("count-waivers") == want, "header with waivers: %s, CSV %d" % (dom.counts.get("count-waivers"), want))
want = sum(1 for r in rows if int(r["findings_failing"]) > 0)
check(dom.counts.get("count-failing") == want,
      "header with failing findings: %s, CSV %d" % (dom.counts.get("count-failing"), want))
mism = [(r["control"], d.get("data-control"), r["status"], d.get("data-status"), r["applicable"], d.get("data-applicable"))
        for r, d in zip(rows, dom.rows)
        if (r["control"], r["status"], r["applicable"], r["findings_failing"]) !=
           (d.get("data-control"), d.get("data-status"), d.get("data-applicable"), d.get("data-failing"))]
check(not mism, "each row's data attributes match its CSV row%s" % ("" if not mism else ": %r" % mism[:3]))
mism = [(r["control"], r["implementation_status"], d.get("data-implementation-status"))
        for r, d in zip(rows, dom.rows) if r["implementation_status"] != d.get("data-implementation-status")]
check(not mism, "each row's implementation status matches its CSV row%s" % ("" if not mism else ": %r" % mism[:3]))
want = sum(1 for r in rows if r["implementation_status"] == "implemented")
check(want > 0, "the CSV states %d controls implemented" % want)
ids = [d.get("id") for d in dom.rows]
check(len(set(ids)) == len(ids) and all(i and i.startswith("ctl-") for i in ids), "row ids are unique ctl-... ids")
check("ctl-A.5.18" in ids and "ctl-A.7.10" in ids, "rows ctl-A.5.18 and ctl-A.7.10 are there")
check(dom.tags.get("script", 0) == 0, "no script element (%d)" % dom.tags.get("script", 0))
check(not dom.external, "no external resource: %r" % dom.external[:3])
PY
    if [ ! -s "$out/dom-checks.txt" ]; then
        bad "the DOM checks printed nothing"
    fi
    while IFS= read -r line; do
        case $line in
        "ok: "*) ok "dom: ${line#ok: }" ;;
        "FAIL: "*) bad "dom: ${line#FAIL: }" ;;
        *) bad "dom: $line" ;;
        esac
    done < "$out/dom-checks.txt"
fi

# ---- printing ----------------------------------------------------------------------
chromium pdf --no-pdf-header-footer --print-to-pdf="$out/soa.pdf" "$url"
st=$?
size=$(wc -c < "$out/soa.pdf" 2>/dev/null || echo 0)
if [ "$st" -eq 0 ] && [ "$(head -c 5 "$out/soa.pdf" 2>/dev/null)" = "%PDF-" ] && [ "$size" -gt 10240 ]; then
    ok "print: $out/soa.pdf, a PDF of $size bytes"
else
    bad "print: chromium exited $st; $out/soa.pdf is $size bytes (want a PDF over 10 KB); the end of its log:"
    tail -n 20 "$out/pdf.log"
fi

finish
