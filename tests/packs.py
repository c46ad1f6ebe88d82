#!/usr/bin/python3
"""tests/packs.py: the generated catalogue and crosswalk packs
(rules/catalogues/, rules/crosswalks/) against their source files.

    /usr/bin/python3 tests/packs.py [-v] [VOUCH_BINARY]      (default: ./vouch)

Checks (each a line `FAIL ...` with details when it fails; with -v also a
line `ok   ...` when it passes):
  1. the packs are up to date: rules/gen/gen_packs.py, run into a temp dir
     (twice: same input, byte-identical output), writes exactly the
     committed files, and no other .vouch file lies beside them;
  2. every pack compiles on its own (`vouch disasm PACK`, exit 0);
  3. every catalogue against its source CSV: counts and the exact set of
     ids, titles and attributes, read from what vouch compiled (`vouch
     coverage --format json` lists each control of a framework with its
     attributes);
  4. every crosswalk against its source: the pairs written in the pack
     equal the CSV's pairs (set equality) once the left-out pairs, which the
     header lists and which the catalogues cannot name, are accounted for;
     derived pairs and their notes are recomputed here from the sources;
  5. the pairs vouch compiled: a pack with one rule per source control,
     run through `vouch coverage`, reaches exactly the pairs of a crosswalk
     (one hop), and through two official crosswalks exactly the pairs of
     the crosswalk derived from them (two hops; derived pairs are not
     walked).
The data folder is <repo>/../shared/data, else /work/shared/data, or
$VOUCH_DATA. Ends with `packs: N passed, M failed`; exits 1 on a failure.
Python 3 standard library only.
"""
import csv
import filecmp
import json
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
GEN = os.path.join(ROOT, "rules", "gen", "gen_packs.py")
CATS = os.path.join(ROOT, "rules", "catalogues")
XWS = os.path.join(ROOT, "rules", "crosswalks")
ASOF = "2026-11-21"

passed = 0
failed = 0
verbose = False


def check(cond, what, detail=None):
    global passed, failed
    if cond:
        passed += 1
        if verbose:
            print("ok   " + what)
    else:
        failed += 1
        print("FAIL " + what)
        if detail:
            for line in str(detail).splitlines()[:40]:
                print("     " + line)
    return cond


def set_diff(a, b):
    """Why two sets differ, shortly."""
    a, b = set(a), set(b)
    return "only in the pack: %s\nonly in the source: %s" % (sorted(a - b)[:20], sorted(b - a)[:20])


def finish():
    print("packs: %d passed, %d failed" % (passed, failed))
    sys.exit(1 if failed else 0)


def data_dir():
    for d in (os.environ.get("VOUCH_DATA"), os.path.join(os.path.dirname(ROOT), "shared", "data"),
              "/work/shared/data"):
        if d and os.path.isfile(os.path.join(d, "README.md")):
            return d
    return None


def rows(data, rel):
    with open(os.path.join(data, rel), newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# ---- running vouch -----------------------------------------------------------------------
class Vouch:
    def __init__(self, binary, work):
        self.bin = binary
        self.work = work
        self.env = dict(os.environ, VOUCH_PATH=CATS + ":" + XWS, LC_ALL="C", TZ="UTC")
        # A facts store with an empty person table: the test rules loop over
        # it, so they evaluate nothing and report every control they reach.
        person = os.path.join(work, "person.csv")
        with open(person, "w") as f:
            f.write("id,name,role\n")
        self.db = os.path.join(work, "facts.db")
        r = self.run(["load", "--facts", self.db, person])
        if r.returncode != 0:
            raise RuntimeError("vouch load failed: " + r.stdout + r.stderr)

    def run(self, args):
        return subprocess.run([self.bin] + args, cwd=self.work, env=self.env, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                              timeout=300)

    def coverage(self, framework, packs):
        """The coverage JSON of framework, or None (the reason is printed)."""
        r = self.run(["coverage", "--facts", self.db, "--as-of", ASOF, "--framework", framework,
                      "--format", "json"] + packs)
        if r.returncode != 0:
            check(False, "vouch coverage --framework %s %s" % (framework, " ".join(packs)), r.stdout + r.stderr)
            return None
        return json.loads(r.stdout)

    def mappings(self, pack):
        """{(src fw, src, dst fw, dst): (origin, source, note, rests_on, weak)}
        of the mapping_origin rows `vouch load --catalogues` writes for pack."""
        db = os.path.join(self.work, "catalogues.db")
        if os.path.exists(db):
            os.remove(db)
        r = self.run(["load", "--facts", db, "--catalogues", "--pack", pack])
        if not check(r.returncode == 0, "vouch load --catalogues --pack %s" % pack, r.stdout + r.stderr):
            return {}
        con = sqlite3.connect(db)
        try:
            return {(a, b, c, d): (o, s, n, k, w) for a, b, c, d, o, s, n, k, w in con.execute(
                "SELECT src_framework, src_control, dst_framework, dst_control, origin, source, note, "
                "rests_on, weak FROM mapping_origin")}
        finally:
            con.close()

    def controls(self, framework, pack):
        """{id: (title, attributes)} of framework as vouch compiled pack."""
        cov = self.coverage(framework, [pack])
        if cov is None:
            return None, None
        return cov["framework"], {c["id"]: (c["title"], c["attributes"]) for c in cov["controls"]}

    def reach(self, src_fw, src_ids, dst_fw, imports, hops):
        """Compiles a pack that imports `imports` and has one rule mapping
        each src id; returns the set of (src id, dst id) that vouch reaches
        in dst_fw at exactly `hops` hops, and the hop counts seen."""
        lines = ['pack "reach" version "0"', 'import "isms"'] + ['import "%s"' % i for i in imports]
        for n, cid in enumerate(src_ids):
            lines += ['rule r%d "reach %s" severity low maps "%s" "%s" {' % (n, cid, src_fw, cid),
                      "  for p in person", '  require p.role != ""', "}"]
        path = os.path.join(self.work, "reach.vouch")
        with open(path, "w") as f:
            f.write("\n".join(lines) + "\n")
        cov = self.coverage(dst_fw, [path])
        if cov is None:
            return None, None
        got, seen = set(), {}
        for c in cov["controls"]:
            for s in c["sources"]:
                seen[s["hops"]] = seen.get(s["hops"], 0) + 1
                if s["hops"] == hops:
                    origin = s["path"][0]
                    if origin["framework"] == src_fw:
                        got.add((origin["control"], c["id"]))
        return got, seen


# ---- the .vouch text ---------------------------------------------------------------------
PAIR_RE = re.compile(r'^  "((?:[^"\\]|\\.)*)" (?:([a-z_]+) )?"((?:[^"\\]|\\.)*)"(?: note "((?:[^"\\]|\\.)*)")?$')
CW_RE = re.compile(r'^crosswalk "([^"]+)" -> "([^"]+)" (?:origin (official|unofficial) )?(source|derived) '
                   r'"((?:[^"\\]|\\.)*)" \{$')


def unq(s):
    return re.sub(r"\\(.)", r"\1", s or "")


def read_pack(path):
    """(header comment text, imports, crosswalks) of a generated pack, where
    crosswalks is [(src fw, dst fw, attr, value, [(src, rel, dst, note)], origin)]."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().split("\n")
    head = []
    for line in lines:
        if not line.startswith("#"):
            break
        head.append(line[1:].strip())
    imports = [m.group(1) for m in (re.match(r'^import "([^"]+)"$', l) for l in lines) if m]
    cws, cur = [], None
    for line in lines:
        m = CW_RE.match(line)
        if m:
            cur = (m.group(1), m.group(2), m.group(4), unq(m.group(5)), [], m.group(3))
            cws.append(cur)
            continue
        if cur is not None:
            if line == "}":
                cur = None
                continue
            p = PAIR_RE.match(line)
            if not p:
                cur[4].append(("?", "?", line, ""))
                continue
            cur[4].append((unq(p.group(1)), p.group(2) or "unspecified", unq(p.group(3)), unq(p.group(4))))
    return " ".join(head), imports, cws


def one_crosswalk(path, src, dst, kind, what, origin=None):
    """The pairs of the only crosswalk src -> dst of a pack; checks its
    attribute kind (source or derived), its origin (official, unofficial,
    or None for a derived one) and that every relation is unspecified."""
    head, imports, cws = read_pack(path)
    mine = [c for c in cws if c[0] == src and c[1] == dst]
    if not check(len(mine) == 1 and mine[0][2] == kind and mine[0][5] == origin,
                 "%s: one crosswalk %s -> %s marked `%s`, origin %s" % (what, src, dst, kind, origin),
                 [c[:4] + c[5:] for c in cws]):
        return head, imports, []
    pairs = mine[0][4]
    check(all(p[1] == "unspecified" for p in pairs), "%s: every relation is unspecified" % what,
          [p for p in pairs if p[1] != "unspecified"][:5])
    return head, imports, pairs


# ---- 1. up to date -------------------------------------------------------------------------
def test_up_to_date(data, work):
    outs = []
    for k in (1, 2):
        out = os.path.join(work, "gen%d" % k)
        r = subprocess.run(["/usr/bin/python3", GEN, "-q", "--out", out, data], stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, universal_newlines=True, stdin=subprocess.DEVNULL)
        if not check(r.returncode == 0, "generator runs (pass %d)" % k, r.stdout):
            return False
        outs.append(out)
    rel = sorted(os.path.join(d, f) for d in ("catalogues", "crosswalks")
                 for f in os.listdir(os.path.join(outs[0], d)))
    same = [r for r in rel if filecmp.cmp(os.path.join(outs[0], r), os.path.join(outs[1], r), shallow=False)]
    check(len(same) == len(rel) and sorted(os.listdir(os.path.join(outs[1], "catalogues"))) ==
          sorted(os.listdir(os.path.join(outs[0], "catalogues"))),
          "generator is deterministic: two runs give byte-identical packs (%d files)" % len(rel))
    ok = True
    for r in rel:
        committed = os.path.join(ROOT, "rules", r)
        fresh = os.path.join(outs[0], r)
        good = os.path.isfile(committed) and filecmp.cmp(committed, fresh, shallow=False)
        if not good:
            d = subprocess.run(["diff", "-u", committed, fresh], stdout=subprocess.PIPE,
                               universal_newlines=True).stdout if os.path.isfile(committed) else "missing"
        ok &= check(good, "rules/%s is up to date with the generator" % r,
                    None if good else d + "\n(run `make packs`)")
    committed = sorted(os.path.join(d, f) for d in ("catalogues", "crosswalks")
                       for f in os.listdir(os.path.join(ROOT, "rules", d)) if f.endswith(".vouch"))
    check(committed == rel, "rules/catalogues and rules/crosswalks hold only generated packs",
          set_diff(committed, rel))
    for r in rel:
        with open(os.path.join(ROOT, "rules", r), encoding="utf-8") as f:
            text = f.read(4000)
        check("generated: do not edit" in text and "# source: shared/data/" in text and "licence:" in text
              and "rules/gen/gen_packs.py" in text,
              "rules/%s says it is generated, how, from which file and under which licence" % r)
    return ok


# ---- 2. compiles ---------------------------------------------------------------------------
def test_compiles(v):
    for d in (CATS, XWS):
        for f in sorted(os.listdir(d)):
            if f.endswith(".vouch"):
                r = v.run(["disasm", os.path.join(d, f)])
                check(r.returncode == 0 and r.stderr == "",
                      "vouch disasm %s exits 0" % os.path.relpath(os.path.join(d, f), ROOT),
                      r.stdout[-2000:] + r.stderr[-2000:])


# ---- 3. catalogues ----------------------------------------------------------------------------
def attrs_ok(what, got, want):
    bad = {i: (got.get(i), w) for i, w in want.items() if got.get(i) != w}
    return check(not bad, what, "\n".join("%s: pack %s, source %s" % (i, g, w)
                                          for i, (g, w) in sorted(bad.items())[:10]))


# The clauses of ISO/IEC 27001:2022 the catalogue carries: the standard's
# list 4.1 ... 10.2 (written here independently of the generator).
ISO_CLAUSES = ("4.1 4.2 4.3 4.4 5.1 5.2 5.3 6.1 6.1.1 6.1.2 6.1.3 6.2 6.3 7.1 7.2 7.3 7.4 7.5 "
               "7.5.1 7.5.2 7.5.3 8.1 8.2 8.3 9.1 9.2 9.2.1 9.2.2 9.3 9.3.1 9.3.2 9.3.3 10.1 10.2").split()


def test_iso(v, data):
    fw, ctl = v.controls("iso27001-2022", os.path.join(CATS, "iso27001-2022.vouch"))
    if ctl is None:
        return None
    check(fw["id"] == "iso27001-2022" and fw["version"] == "2022" and "shared/data/" in fw["source"],
          "iso27001-2022: framework id, version and source", fw)
    src = rows(data, "iso27001-2022/iso27001_2022_annex_a.csv")
    annex = {i: c for i, c in ctl.items() if c[1].get("kind") == "annex_a"}
    clauses = {i: c for i, c in ctl.items() if c[1].get("kind") == "clause"}
    check(len(annex) == 93 and len(src) == 93, "iso27001-2022: 93 Annex A controls (pack %d, CSV %d)"
          % (len(annex), len(src)))
    th = {}
    for i in annex:
        t = ".".join(i.split(".")[:2])
        th[t] = th.get(t, 0) + 1
    check(th == {"A.5": 37, "A.6": 8, "A.7": 14, "A.8": 34}, "iso27001-2022: A.5 37 + A.6 8 + A.7 14 + A.8 34", th)
    check(set(annex) == {r["id"] for r in src}, "iso27001-2022: Annex A ids == the CSV's",
          set_diff(annex, [r["id"] for r in src]))
    attrs_ok("iso27001-2022: Annex A titles == the CSV's", {i: c[0] for i, c in annex.items()},
             {r["id"]: r["title"] for r in src})
    attrs_ok("iso27001-2022: Annex A theme == the CSV's (\"Organizational controls\" -> \"organizational\")",
             {i: c[1].get("theme") for i, c in annex.items()},
             {r["id"]: r["theme"].lower().replace(" controls", "") for r in src})
    cats = {c[1].get("category") for c in annex.values()}
    check(cats <= {"access", "supplier", "logging", "backup", "crypto", "dev", "incident", "continuity",
                   "compliance", "governance", "hr", "physical", "ops"}
          and annex["A.5.15"][1].get("category") == "access" and annex["A.8.13"][1].get("category") == "backup",
          "iso27001-2022: every Annex A control has a category of the benchmark's set", sorted(cats, key=str))
    o155 = rows(data, "crosswalks/sp800-53r5_to_iso27001-2022_olir155.csv")
    olir = {r["iso27001_2022_id"] for r in o155 if r["iso_kind"] == "clause"}
    check(len(olir) == 30 and olir <= set(clauses), "iso27001-2022: the 30 clause ids of OLIR 155 are clauses",
          sorted(olir - set(clauses)))
    check(set(clauses) == set(ISO_CLAUSES), "iso27001-2022: clauses == 4.1 ... 10.2 (%d)" % len(ISO_CLAUSES),
          set_diff(clauses, ISO_CLAUSES))
    check(all(c[0] and c[1].get("clause") == i.split(".")[0] for i, c in clauses.items()),
          "iso27001-2022: every clause has a title and its clause number")
    check(len(ctl) == 93 + len(ISO_CLAUSES), "iso27001-2022: nothing else (%d controls)" % len(ctl))
    return set(ctl)


def test_soc2(v, data):
    fw, ctl = v.controls("soc2-2017", os.path.join(CATS, "soc2-2017.vouch"))
    if ctl is None:
        return None
    src = rows(data, "soc2-tsc/soc2_tsc2017_criteria.csv")
    check(fw["id"] == "soc2-2017" and "shared/data/" in fw["source"], "soc2-2017: framework id and source", fw)
    check(len(ctl) == 61 and len(src) == 61, "soc2-2017: 61 criteria (pack %d, CSV %d)" % (len(ctl), len(src)))
    check(set(ctl) == {r["id"] for r in src}, "soc2-2017: ids == the CSV's", set_diff(ctl, [r["id"] for r in src]))
    n = {}
    for c in ctl.values():
        n[c[1].get("category")] = n.get(c[1].get("category"), 0) + 1
    check(n == {"Security (Common Criteria)": 33, "Availability": 3, "Confidentiality": 2,
                "Processing Integrity": 5, "Privacy": 18}, "soc2-2017: CC 33 + A 3 + C 2 + PI 5 + P 18", n)
    want = {}
    for r in src:
        a = {"series": r["series"], "series_title": r["series_title"], "category": r["tsc_category"]}
        if r["coso_principle"]:
            a["coso_principle"] = r["coso_principle"]
        want[r["id"]] = (r["short_label_strongdm"], a)
    attrs_ok("soc2-2017: titles, series, series_title, category, coso_principle == the CSV's", ctl, want)
    return set(ctl)


def test_csf(v, data):
    fw, ctl = v.controls("nist-csf-2.0", os.path.join(CATS, "nist-csf-2.0.vouch"))
    if ctl is None:
        return None
    src = rows(data, "nist-csf-2.0/csf2_core.csv")
    act = [r for r in src if r["status"] == "active"]
    check(fw["id"] == "nist-csf-2.0" and fw["version"] == "2.0", "nist-csf-2.0: framework id and version", fw)
    n = {}
    for c in ctl.values():
        n[c[1].get("level")] = n.get(c[1].get("level"), 0) + 1
    check(n == {"function": 6, "category": 22, "subcategory": 106},
          "nist-csf-2.0: 6 functions, 22 categories, 106 subcategories", n)
    check(set(ctl) == {r["id"] for r in act}, "nist-csf-2.0: ids == the CSV's active ids",
          set_diff(ctl, [r["id"] for r in act]))
    wd = {r["id"] for r in src if r["status"] != "active"}
    check(len(wd) == 91 and not (wd & set(ctl)), "nist-csf-2.0: none of the 91 withdrawn ids")
    want = {}
    for r in act:
        a = {"level": r["level"], "function": r["function_id"]}
        if r["category_id"]:
            a["category"] = r["category_id"]
        want[r["id"]] = (r["name"] if r["level"] != "subcategory" else r["statement"], a)
    attrs_ok("nist-csf-2.0: titles (name or outcome statement), level, function, category == the CSV's", ctl, want)
    return set(ctl)


def test_sp800_53(v, data):
    fw, ctl = v.controls("nist-sp800-53r5", os.path.join(CATS, "nist-sp800-53r5.vouch"))
    if ctl is None:
        return None
    src = rows(data, "nist-sp800-53r5/sp800-53r5_controls.csv")
    act = [r for r in src if r["status"] == "active"]
    check(fw["id"] == "nist-sp800-53r5", "nist-sp800-53r5: framework id", fw)
    check(len(ctl) == 1014 and len(act) == 1014, "nist-sp800-53r5: 1,014 active controls and enhancements "
          "(pack %d, CSV %d)" % (len(ctl), len(act)))
    check(set(ctl) == {r["id"] for r in act}, "nist-sp800-53r5: ids == the CSV's active ids",
          set_diff(ctl, [r["id"] for r in act]))
    kinds = {}
    for c in ctl.values():
        kinds[c[1].get("kind")] = kinds.get(c[1].get("kind"), 0) + 1
    check(kinds == {"control": 300, "enhancement": 714}, "nist-sp800-53r5: 300 controls + 714 enhancements", kinds)
    wd = {r["id"] for r in src if r["status"] == "withdrawn"}
    check(len(wd) == 182 and not (wd & set(ctl)), "nist-sp800-53r5: none of the 182 withdrawn ids")
    for b, want in (("low", 149), ("moderate", 287), ("high", 370), ("privacy", 96)):
        got = {i for i, c in ctl.items() if c[1].get("baseline_" + b) == "yes"}
        exp = {r["id"] for r in act if r["baseline_" + b] == "Y"}
        check(len(got) == want and got == exp, "nist-sp800-53r5: baseline %s: %d ids == the CSV's"
              % (b.upper(), want), "pack %d; " % len(got) + set_diff(got, exp))
    check(all(set(c[1]) <= {"family", "family_title", "kind", "parent", "baseline_low", "baseline_moderate",
                            "baseline_high", "baseline_privacy", "release_added"} for c in ctl.values()),
          "nist-sp800-53r5: no other attribute")
    want = {}
    for r in act:
        a = {"family": r["family_id"], "family_title": r["family_title"], "kind": r["kind"]}
        if r["parent_id"]:
            a["parent"] = r["parent_id"]
        if r["release_added"]:
            a["release_added"] = r["release_added"]
        for b in ("low", "moderate", "high", "privacy"):
            if r["baseline_" + b] == "Y":
                a["baseline_" + b] = "yes"
        want[r["id"]] = (r["title"], a)
    attrs_ok("nist-sp800-53r5: titles, family, kind, parent, baselines, release_added == the CSV's", ctl, want)
    fams = {c[1]["family"] for c in ctl.values()}
    check(len(fams) == 20, "nist-sp800-53r5: 20 families", sorted(fams))
    return set(ctl)


# ---- 4. and 5. crosswalks ---------------------------------------------------------------------
def test_olir186(v, data, csf, sp):
    what = "csf2-to-sp800-53r5"
    path = os.path.join(XWS, what + ".vouch")
    head, imports, pairs = one_crosswalk(path, "nist-csf-2.0", "nist-sp800-53r5", "source", what, "official")
    check(set(imports) == {"nist-csf-2.0", "nist-sp800-53r5"}, what + ": imports the two catalogues", imports)
    src = rows(data, "crosswalks/csf2_to_sp800-53r5_olir186.csv")
    allp = {(r["csf_id"], r["sp800_53_id"]) for r in src}
    check(len(src) == 746 and len(allp) == 746, what + ": the CSV has 746 distinct pairs")
    left = {p for p in allp if p[0] not in csf or p[1] not in sp}
    # What the catalogues cannot name: three family-level references and
    # one withdrawn 800-53 id.
    check(left == {("GV.OC-03", "PT"), ("PR.IR-03", "CP"), ("PR.IR-03", "IR"), ("DE.AE-06", "RA-4")},
          what + ": left out exactly the family refs CP/IR/PT and withdrawn RA-4", sorted(left))
    byp = {(r["csf_id"], r["sp800_53_id"]): r for r in src}
    check(all(byp[p]["sp800_53_ref_level"] == "family" or byp[p]["sp800_53_status"] == "withdrawn" for p in left),
          what + ": each left-out pair is a family-level or withdrawn reference in the CSV")
    check(all("%s -> %s" % p in head for p in left), what + ": the header lists each left-out pair")
    got = {(p[0], p[2]) for p in pairs}
    check(len(pairs) == 742 and got == allp - left, what + ": 742 pairs == the CSV's 746 minus the 4 left out",
          "pack %d; " % len(pairs) + set_diff(got, allp - left))
    check({p[0] for p in got} == {r["csf_id"] for r in src}, what + ": 108 CSF ids (106 subcategories + RS.MA, RC.RP)")
    walked, _ = v.reach("nist-csf-2.0", sorted({p[0] for p in got}), "nist-sp800-53r5", [what], 1)
    if walked is not None:
        check(walked == got, what + ": vouch walks exactly these pairs (one hop, %d)" % len(walked),
              set_diff(walked, got))
    return got


def test_olir155(v, data, sp, iso):
    what = "sp800-53r5-to-iso27001-2022"
    path = os.path.join(XWS, what + ".vouch")
    head, imports, pairs = one_crosswalk(path, "nist-sp800-53r5", "iso27001-2022", "source", what, "official")
    check(set(imports) == {"nist-sp800-53r5", "iso27001-2022"}, what + ": imports the two catalogues", imports)
    src = rows(data, "crosswalks/sp800-53r5_to_iso27001-2022_olir155.csv")
    allp = {(r["sp800_53_id"], r["iso27001_2022_id"]) for r in src}
    check(all(p[0] in sp and p[1] in iso for p in allp), what + ": the catalogues name every id of the CSV",
          sorted(p for p in allp if p[0] not in sp or p[1] not in iso)[:10])
    got = {(p[0], p[2]) for p in pairs}
    check(len(pairs) == 643 and got == allp, what + ": 643 pairs == the CSV's",
          "pack %d; " % len(pairs) + set_diff(got, allp))
    n_annex = sum(1 for p in got if p[1].startswith("A."))
    check(n_annex == 439 and len(got) - n_annex == 204, what + ": 439 to Annex A, 204 to clauses")
    check(len({p[0] for p in got}) == 220 and len({p[1] for p in got}) == 121,
          what + ": 220 800-53 ids, 121 ISO ids (30 clauses + 91 Annex A)")
    walked, _ = v.reach("nist-sp800-53r5", sorted({p[0] for p in got}), "iso27001-2022", [what], 1)
    if walked is not None:
        check(walked == got, what + ": vouch walks exactly these pairs (one hop, %d)" % len(walked),
              set_diff(walked, got))
    return got


def test_chain(v, csf, p186, p155):
    what = "csf2-to-iso27001-2022"
    path = os.path.join(XWS, what + ".vouch")
    head, imports, pairs = one_crosswalk(path, "nist-csf-2.0", "iso27001-2022", "derived", what)
    check(set(imports) >= {"csf2-to-sp800-53r5", "sp800-53r5-to-iso27001-2022"},
          what + ": imports the two crosswalks it is derived from", imports)
    via = {}
    for c, s in p186:
        for s2, i in p155:
            if s == s2:
                via.setdefault((c, i), set()).add(s)
    got = {(p[0], p[2]) for p in pairs}
    check(len(pairs) == 1279 and got == set(via), what + ": 1,279 pairs == OLIR 186 joined with OLIR 155 on 800-53",
          "pack %d; " % len(pairs) + set_diff(got, via))
    check(len({p[0] for p in got}) == 104 and len({p[1] for p in got}) == 108, what + ": 104 CSF ids, 108 ISO ids")
    subs = {c for c in csf if c.count("-") == 1}
    none = sorted(subs - {p[0] for p in got})
    check(none == ["ID.AM-07", "PR.AA-02", "PR.AA-04", "PR.PS-03"],
          what + ": ID.AM-07, PR.AA-02, PR.AA-04, PR.PS-03 get no pair (and the header says so)", none)
    check(all(c in head for c in none), what + ": the header names the subcategories without a pair")
    check_rests_on(v, path, "nist-csf-2.0", "iso27001-2022", via, what, "800-53 ids")
    bad = [p for p in pairs if not p[3].startswith("via ") or set(p[3][4:].split(", ")) != via.get((p[0], p[2]))]
    check(not bad, what + ": each note names the 800-53 ids of the path", bad[:5])
    check(len({s for c, s in p186} & {s for s, i in p155}) == 137, what + ": 137 800-53 ids occur in both crosswalks")
    walked, seen = v.reach("nist-csf-2.0", sorted({p[0] for p in got}), "iso27001-2022", [what], 2)
    if walked is not None:
        check(walked == got, what + ": vouch walks OLIR 186 then OLIR 155 to exactly these pairs (two hops, %d)"
              % len(walked), set_diff(walked, got))
        check(set(seen) == {2}, what + ": the derived pairs themselves are not walked (every ISO control "
              "is two hops away)", seen)


def check_rests_on(v, path, src_fw, dst_fw, via, what, pivots):
    """The mapping rows vouch writes for a derived crosswalk: origin derived,
    its `derived` text as source, and rests_on (counted by vouch from the
    pairs it walks) equal to the pivots the sources give each pair; weak
    exactly when that is one."""
    m = v.mappings(path)
    mine = {(k[1], k[3]): x for k, x in m.items() if k[0] == src_fw and k[2] == dst_fw}
    check(set(mine) == set(via), what + ": load --catalogues writes one mapping row per derived pair",
          set_diff(set(mine), set(via)))
    bad = [(p, x) for p, x in mine.items() if p in via and
           (x[0] != "derived" or not x[1].startswith("via ") or x[3] != len(via[p]) or x[4] != (len(via[p]) <= 1))]
    check(not bad, what + ": each mapping row is derived, rests on as many %s as the sources give it, and is "
          "weak exactly when that is one" % pivots, bad[:3])
    weak = sum(1 for x in mine.values() if x[4])
    check(weak > 0 and weak == sum(1 for p in via.values() if len(p) == 1),
          what + ": %d pairs rest on one of the %s (weak)" % (weak, pivots))
    others = {x[0] for k, x in m.items() if not (k[0] == src_fw and k[2] == dst_fw)}
    check(others == {"official"} or others == {"unofficial"},
          what + ": the crosswalks it rests on are written with their origin", others)


def prowler_pairs(data, iso, soc):
    out = {"iso27001-2022": set(), "soc2-tsc2017": set()}
    for r in rows(data, "prowler/prowler_check_requirement_map.csv"):
        if r["framework"] in out:
            out[r["framework"]].add((r["requirement_id"], r["provider"] + ":" + r["check_id"]))
    return out["iso27001-2022"], out["soc2-tsc2017"]


def test_prowler(v, data, iso, soc):
    what = "prowler-checks"
    path = os.path.join(XWS, what + ".vouch")
    head, imports, cws = read_pack(path)
    want_iso, want_soc = prowler_pairs(data, iso, soc)
    check(all(p[0] in iso for p in want_iso) and all(p[0] in soc for p in want_soc),
          what + ": the catalogues name every ISO 27001 and SOC 2 id prowler uses (A1.2 for cc_a_1_1)")
    fw, ctl = v.controls("prowler-checks", path)
    checks = {c for _, c in want_iso | want_soc}
    if ctl is not None:
        check(set(ctl) == checks and len(ctl) == 690, what + ": 690 checks == the CSV's (provider:check_id)",
              set_diff(ctl, checks))
        check(all(c[1] == {"provider": i.split(":")[0]} for i, c in ctl.items()), what + ": provider attribute")
    got = {}
    for fwid, want, n in (("iso27001-2022", want_iso, 1609), ("soc2-2017", want_soc, 731)):
        _, _, pairs = one_crosswalk(path, fwid, "prowler-checks", "source", what, "unofficial")
        g = {(p[0], p[2]) for p in pairs}
        check(len(pairs) == n and g == want, "%s: %s -> check: %d pairs == the CSV's distinct rows" % (what, fwid, n),
              "pack %d; " % len(pairs) + set_diff(g, want))
        walked, _ = v.reach(fwid, sorted({p[0] for p in g}), "prowler-checks", [what], 1)
        if walked is not None:
            check(walked == g, "%s: vouch walks exactly the %s pairs (one hop, %d)" % (what, fwid, len(walked)),
                  set_diff(walked, g))
        got[fwid] = g
    return got["iso27001-2022"], got["soc2-2017"]


def test_iso_soc2(v, iso_p, soc_p):
    what = "iso27001-2022-to-soc2-2017"
    path = os.path.join(XWS, what + ".vouch")
    head, imports, pairs = one_crosswalk(path, "iso27001-2022", "soc2-2017", "derived", what)
    check("prowler-checks" in imports, what + ": imports prowler-checks, the crosswalks it is derived from", imports)
    via = {}
    for i, c in iso_p:
        for s, c2 in soc_p:
            if c == c2:
                via.setdefault((i, s), set()).add(c)
    got = {(p[0], p[2]) for p in pairs}
    check(len(pairs) == 315 and got == set(via), what + ": 315 pairs == the ISO and SOC 2 requirements that share "
          "a prowler check", "pack %d; " % len(pairs) + set_diff(got, via))
    bad = []
    for p in pairs:
        m = re.match(r"^(\d+) shared checks?: (.*)$", p[3])
        if not m or set(m.group(2).split(", ")) != via.get((p[0], p[2])) or int(m.group(1)) != len(via[(p[0], p[2])]):
            bad.append(p)
    check(not bad, what + ": each note counts and names the shared checks", bad[:3])
    check_rests_on(v, path, "iso27001-2022", "soc2-2017", via, what, "prowler checks")
    walked, seen = v.reach("iso27001-2022", sorted({p[0] for p in got}), "soc2-2017", [what], 2)
    if walked is not None:
        check(walked == got, what + ": vouch walks ISO -> check -> SOC 2 to exactly these pairs (two hops, %d)"
              % len(walked), set_diff(walked, got))
        check(set(seen) == {2}, what + ": the derived pairs themselves are not walked", seen)


def main():
    global verbose
    args = sys.argv[1:]
    if args[:1] == ["-v"]:
        verbose = True
        args = args[1:]
    binary = args[0] if args else os.path.join(ROOT, "vouch")
    binary = os.path.abspath(binary)
    if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
        check(False, "%s: no such executable" % binary)
        finish()
    data = data_dir()
    if not data:
        check(False, "the data folder (shared/data) is there: looked in $VOUCH_DATA, <repo>/../shared/data, "
                     "/work/shared/data")
        finish()
    work = tempfile.mkdtemp(prefix="vouch-packs.")
    try:
        test_up_to_date(data, work)
        v = Vouch(binary, work)
        test_compiles(v)
        iso = test_iso(v, data)
        soc = test_soc2(v, data)
        csf = test_csf(v, data)
        sp = test_sp800_53(v, data)
        if None in (iso, soc, csf, sp):
            check(False, "the crosswalk checks need every catalogue")
        else:
            p186 = test_olir186(v, data, csf, sp)
            p155 = test_olir155(v, data, sp, iso)
            test_chain(v, csf, p186, p155)
            iso_p, soc_p = test_prowler(v, data, iso, soc)
            test_iso_soc2(v, iso_p, soc_p)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    finish()


if __name__ == "__main__":
    main()
