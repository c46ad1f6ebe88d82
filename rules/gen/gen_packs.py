#!/usr/bin/python3
"""gen_packs.py: writes vouch's framework catalogue and crosswalk packs from
the reference data in shared/data (its README gives every file's source and
licence).

    /usr/bin/python3 rules/gen/gen_packs.py [--out DIR] [DATA_DIR]
    make packs

DATA_DIR defaults to <repo>/../shared/data, then /work/shared/data. The packs
go to DIR/catalogues/ and DIR/crosswalks/ (DIR defaults to <repo>/rules);
a file is rewritten only when its text changes. The output depends only on
the input files: the same data gives byte-identical packs (sorted, no dates,
no absolute paths), which tests/packs.py checks.

Python 3 standard library only. The packs are committed, so users need no
Python; rerun this when a catalogue or crosswalk release changes.

Framework ids are those of the facts store and the benchmark:
iso27001-2022, soc2-2017, nist-csf-2.0, nist-sp800-53r5.

How the packs find each other: a crosswalk pack imports the catalogue packs
it names, and a derived crosswalk imports the crosswalks it is derived from.
Imports resolve to NAME.vouch beside the importing file, then in the
directories of $VOUCH_PATH, so run with
VOUCH_PATH=rules/catalogues:rules/crosswalks (see rules/README.md).
"""
import argparse
import csv
import hashlib
import os
import re
import sys
import textwrap

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PACK_VERSION = "1.0.0"
GEN_CMD = "make packs  (= /usr/bin/python3 rules/gen/gen_packs.py [DATA_DIR])"

# ---- provenance, as the data README states it ---------------------------------
# file -> (upstream source, licence). Copied from shared/data/README.md.
PROVENANCE = {
    "iso27001-2022/iso27001_2022_annex_a.csv": (
        "derived by tools/build_iso27001_annex_a.py from prowler-cloud/prowler @ "
        "3e000faa3109230b748e4418a13c11c9e59f5cfb : prowler/compliance/*/iso27001_2022_*.json "
        "(not kept: they contain ISO control text). A.8.28 \"Secure coding\" is missing from "
        "every prowler file and is added by the script. Titles are prowler's paraphrases "
        "(Title Case, sometimes shortened), not ISO's exact wording. No ISO control text.",
        "Apache-2.0 (prowler; shared/data/LICENSES/Apache-2.0.txt); ids are facts"),
    "soc2-tsc/soc2_tsc2017_criteria.csv": (
        "derived by tools/build_soc2_tsc.py from strongdm/comply @ "
        "aab484948d71417e35a079c0395bcf42e16a8dd9 : example/standards/TSC-2017.yml (not kept: "
        "its descriptions are AICPA text). SOC 2 Trust Services Criteria (2017, ids unchanged "
        "by the 2022 points-of-focus revision). No AICPA text.",
        "Apache-2.0 (strongDM labels; shared/data/LICENSES/Apache-2.0.txt); ids/headings are facts"),
    "nist-csf-2.0/csf2_core.csv": (
        "derived by tools/build_csf2.py from the NIST OSCAL catalog of CSF 2.0 "
        "(usnistgov/oscal-content @ 3b3cdee8f9f9f3e9f18dd70d89a58d6287ae433f (branch develop) : "
        "src/nist.gov/CSF/v2.0/xml/NIST_CSF_v2.0_catalog.xml, CPRT CSF_2_0_0, published "
        "2025-05-29) + csf2_withdrawals.csv (NIST's CSF 2.0 Reference Tool export).",
        "CC0 / U.S. Gov work (NIST). Source: NIST"),
    "nist-sp800-53r5/sp800-53r5_controls.csv": (
        "derived by tools/build_sp800_53r5.py from the NIST OSCAL catalog 5.0.1 "
        "(usnistgov/oscal-content @ a849dbca4649e0cc626fefdd46cf5232c8308f4c : "
        "nist.gov/SP800-53/rev5/json/NIST_SP-800-53_rev5_catalog-min.json), the SP 800-53B "
        "baselines 5.1.1+u4 as OSCAL profiles (usnistgov/oscal-content @ "
        "88bb8deeaa815f8914d68ea7e31a622ebbc1719d : nist.gov/SP800-53/rev5/json/) and "
        "sp800-53r5_addenda_5.1.1_5.2.0.csv (the 7 ids added in 5.1.1 and 5.2.0).",
        "U.S. Gov work / CC0 (NIST). Source: NIST"),
    "crosswalks/csf2_to_sp800-53r5_olir186.csv": (
        "Official NIST crosswalk CSF 2.0 -> SP 800-53 Release 5.2.0 (OLIR "
        "\"Cybersecurity-Framework-v2.0-to-SP-800-53-Rev-5-2-0\", OLIR id 186), derived by "
        "tools/build_olir_crosswalks.py from NIST's workbook (degenaro/example-mapping @ "
        "7c28395263818582d5d97080f54159400f2779c9 : "
        "data/Cybersecurity_Framework_v2-0_Concept_Crosswalk_800-53_5_2_0_draft.xlsx).",
        "U.S. Gov work (NIST). Source: NIST"),
    "crosswalks/sp800-53r5_to_iso27001-2022_olir155.csv": (
        "Official NIST crosswalk SP 800-53 Rev 5 -> ISO/IEC 27001:2022 (OLIR "
        "\"800-53-Rev5-to-ISO 27001-2022\", OLIR id 155, 2023-10-12 update), ISO ids only, no "
        "ISO text; derived by tools/build_olir_crosswalks.py from NIST's workbook "
        "sp800-53r5-to-iso-27001-mapping-2022-OLIR-2023-10-12-UPDATED.xlsx "
        "(intuitem/ciso-assistant-community @ 7585fba0bedccae90f4ce05c473d3208036ed850 : "
        "tools/excel/nist/sp-800-53/; NIST's unmodified publication).",
        "U.S. Gov work (NIST). Source: NIST"),
    "prowler/prowler_check_requirement_map.csv": (
        "derived by tools/build_prowler_checkmap.py from prowler-cloud/prowler @ "
        "3e000faa3109230b748e4418a13c11c9e59f5cfb : prowler/compliance/<provider>/"
        "{iso27001_2022,soc2,nist_800_53_revision_5,nist_csf_2.0}_<provider>.json. "
        "Tool-derived and unofficial: two requirements sharing a check are related.",
        "Apache-2.0 (prowler; shared/data/LICENSES/Apache-2.0.txt)"),
}

# ---- ISO/IEC 27001:2022 management-system clauses ---------------------------------
# Clause ids and short headings written for vouch (headings are facts, not
# ISO text). "...: general" and the "(operation)" suffixes are vouch's, to
# tell apart headings the standard repeats (6.1.1, 7.5.1, 9.2.1, 9.3.1 are
# all "General"; 8.2 and 8.3 repeat 6.1.2 and 6.1.3). Every clause id of
# OLIR 155 must be here (the generator stops otherwise).
ISO_CLAUSES = [
    ("4.1", "Understanding the organization and its context"),
    ("4.2", "Understanding the needs and expectations of interested parties"),
    ("4.3", "Determining the scope of the information security management system"),
    ("4.4", "Information security management system"),
    ("5.1", "Leadership and commitment"),
    ("5.2", "Policy"),
    ("5.3", "Organizational roles, responsibilities and authorities"),
    ("6.1", "Actions to address risks and opportunities"),
    ("6.1.1", "Actions to address risks and opportunities: general"),
    ("6.1.2", "Information security risk assessment"),
    ("6.1.3", "Information security risk treatment"),
    ("6.2", "Information security objectives and planning to achieve them"),
    ("6.3", "Planning of changes"),
    ("7.1", "Resources"),
    ("7.2", "Competence"),
    ("7.3", "Awareness"),
    ("7.4", "Communication"),
    ("7.5", "Documented information"),
    ("7.5.1", "Documented information: general"),
    ("7.5.2", "Creating and updating documented information"),
    ("7.5.3", "Control of documented information"),
    ("8.1", "Operational planning and control"),
    ("8.2", "Information security risk assessment (operation)"),
    ("8.3", "Information security risk treatment (operation)"),
    ("9.1", "Monitoring, measurement, analysis and evaluation"),
    ("9.2", "Internal audit"),
    ("9.2.1", "Internal audit: general"),
    ("9.2.2", "Internal audit programme"),
    ("9.3", "Management review"),
    ("9.3.1", "Management review: general"),
    ("9.3.2", "Management review inputs"),
    ("9.3.3", "Management review results"),
    ("10.1", "Continual improvement"),
    ("10.2", "Nonconformity and corrective action"),
]

# ---- Annex A categories ----------------------------------------------------------------
# `category` is vouch's own coarse grouping of Annex A controls, the one the
# benchmark's facts (shared/bench/gen_facts.py) and the reference rules use
# (`c.category == "access"`), so a rule reads the same against the catalogue
# and the store. Controls not listed: governance (A.5), hr (A.6), physical
# (A.7), ops (A.8).
ISO_CATEGORY = {}
for _cat, _ids in (
        ("access", "A.5.3 A.5.15 A.5.16 A.5.17 A.5.18 A.8.2 A.8.3 A.8.4 A.8.5 A.8.18"),
        ("supplier", "A.5.19 A.5.20 A.5.21 A.5.22 A.5.23"),
        ("logging", "A.8.15 A.8.16 A.8.17"),
        ("backup", "A.8.13 A.8.14"),
        ("crypto", "A.8.24"),
        ("dev", " ".join("A.8.%d" % n for n in range(25, 34))),
        ("incident", "A.5.24 A.5.25 A.5.26 A.5.27 A.5.28"),
        ("continuity", "A.5.29 A.5.30"),
        ("compliance", "A.5.31 A.5.32 A.5.33 A.5.34 A.5.35 A.5.36")):
    for _id in _ids.split():
        ISO_CATEGORY[_id] = _cat
ISO_DEFAULT_CATEGORY = {"A.5": "governance", "A.6": "hr", "A.7": "physical", "A.8": "ops"}


# ---- helpers ---------------------------------------------------------------------------
class Data:
    """The data folder: reads its CSV files and remembers their digests."""

    def __init__(self, root):
        self.root = root

    def path(self, rel):
        return os.path.join(self.root, rel)

    def rows(self, rel):
        with open(self.path(rel), newline="", encoding="utf-8") as f:
            return list(csv.DictReader(f))

    def sha256(self, rel):
        with open(self.path(rel), "rb") as f:
            return hashlib.sha256(f.read()).hexdigest()


def q(s):
    """A vouch string literal: escapes \\ \" { } (braces start interpolation)."""
    s = re.sub(r"\s+", " ", s).strip()
    for a, b in (("\\", "\\\\"), ('"', '\\"'), ("{", "\\{"), ("}", "\\}")):
        s = s.replace(a, b)
    return '"' + s + '"'


def attrs(pairs):
    """` name "value"` for each (name, value) whose value is not empty."""
    return "".join(" %s %s" % (k, q(v)) for k, v in pairs if v)


def comment(text, indent=""):
    """Wraps text into `# ` lines (an empty string gives a bare `#`)."""
    if not text:
        return ["#"]
    return ["# " + indent + line for line in
            textwrap.wrap(text, 76 - len(indent), break_long_words=False, break_on_hyphens=False)]


def header(data, title, what, sources, notes):
    """The comment every pack starts with: what it is, that it is generated
    and how, each source file with its digest, upstream and licence, and
    notes (what was left out and why)."""
    out = comment(title) + ["#"] + comment(what) + ["#"]
    out += comment("generated: do not edit. Made by rules/gen/gen_packs.py from shared/data; "
                   "regenerate with: " + GEN_CMD)
    for rel in sources:
        up, lic = PROVENANCE[rel]
        out += ["#", "# source: shared/data/" + rel, "#   sha256 " + data.sha256(rel)]
        out += comment("upstream: " + up, "  ")
        out += comment("licence: " + lic, "  ")
    for n in notes:
        out += ["#"] + comment(n)
    return out


def natural(s):
    return [int(p) if p.isdigit() else p for p in re.split(r"(\d+)", s)]


def wrap_ids(ids):
    return ", ".join(ids)


class Catalogue:
    """A catalogue as generated: its ids in order (for ordering derived pairs)."""

    def __init__(self, fw, ids):
        self.fw = fw
        self.ids = ids
        self.rank = {c: i for i, c in enumerate(ids)}


# ---- catalogues ------------------------------------------------------------------------
def gen_iso(data, o155):
    rel = "iso27001-2022/iso27001_2022_annex_a.csv"
    rows = data.rows(rel)
    known = {c for c, _ in ISO_CLAUSES}
    olir_clauses = sorted({r["iso27001_2022_id"] for r in o155 if r["iso_kind"] == "clause"}, key=natural)
    missing = [c for c in olir_clauses if c not in known]
    if missing:
        sys.exit("gen_packs: OLIR 155 names ISO clauses without a heading here: %s "
                 "(add them to ISO_CLAUSES)" % ", ".join(missing))
    extra = [c for c, _ in ISO_CLAUSES if c not in olir_clauses]
    lines = header(
        data, "iso27001-2022: ISO/IEC 27001:2022, its Annex A controls and management-system clauses.",
        "The %d Annex A controls (ids, themes and short titles; kind \"annex_a\") and the "
        "%d requirements of clauses 4 to 10 (kind \"clause\"). No ISO text: ids and short "
        "titles only." % (len(rows), len(ISO_CLAUSES)),
        [rel, "crosswalks/sp800-53r5_to_iso27001-2022_olir155.csv"],
        ["Clauses: the %d clause ids that OLIR 155 references, plus %s from the standard's "
         "clause list; their short headings are written for vouch (rules/gen/gen_packs.py, "
         "ISO_CLAUSES), not taken from a data file." % (len(olir_clauses), wrap_ids(extra)),
         "Annex A attributes: theme is the CSV's theme (\"Organizational controls\" -> "
         "\"organizational\", ...); category is vouch's own coarse grouping (access, backup, "
         "logging, supplier, ...), the one the benchmark facts and the reference rules use."])
    lines += ["", 'pack "iso27001-2022" version "%s"' % PACK_VERSION, ""]
    lines.append('framework "iso27001-2022" "ISO/IEC 27001:2022" version "2022" source %s {' % q(
        "ISO/IEC 27001:2022 ids and short titles: shared/data/" + rel + " (from prowler, Apache-2.0); "
        "clause headings by vouch"))
    for cid, title in ISO_CLAUSES:
        lines.append("  control %s %s%s" % (q(cid), q(title), attrs([("kind", "clause"), ("clause", cid.split(".")[0])])))
    ids = [c for c, _ in ISO_CLAUSES]
    for r in rows:
        theme = r["theme"].lower()
        if theme.endswith(" controls"):
            theme = theme[:-len(" controls")]
        cat = ISO_CATEGORY.get(r["id"], ISO_DEFAULT_CATEGORY[r["theme_id"]])
        lines.append("  control %s %s%s" % (q(r["id"]), q(r["title"]),
                                             attrs([("kind", "annex_a"), ("theme", theme), ("category", cat)])))
        ids.append(r["id"])
    lines.append("}")
    return "catalogues/iso27001-2022.vouch", lines, Catalogue("iso27001-2022", ids)


def gen_soc2(data):
    rel = "soc2-tsc/soc2_tsc2017_criteria.csv"
    rows = data.rows(rel)
    lines = header(
        data, "soc2-2017: the AICPA Trust Services Criteria (SOC 2), 2017.",
        "The %d criteria with their series (CC1 ... P8), series heading, TSC category and, for "
        "the common criteria CC1-CC5, the COSO principle. Titles are strongDM's short labels; "
        "no AICPA text." % len(rows),
        [rel], [])
    lines += ["", 'pack "soc2-2017" version "%s"' % PACK_VERSION, ""]
    lines.append('framework "soc2-2017" "AICPA Trust Services Criteria (SOC 2)" version %s source %s {' % (
        q("2017 (points of focus revised 2022)"),
        q("AICPA TSC 2017 ids and short labels: shared/data/" + rel + " (from strongDM comply, Apache-2.0)")))
    ids = []
    for r in rows:
        lines.append("  control %s %s%s" % (q(r["id"]), q(r["short_label_strongdm"]), attrs([
            ("series", r["series"]), ("series_title", r["series_title"]),
            ("category", r["tsc_category"]), ("coso_principle", r["coso_principle"])])))
        ids.append(r["id"])
    lines.append("}")
    return "catalogues/soc2-2017.vouch", lines, Catalogue("soc2-2017", ids)


def gen_csf(data):
    rel = "nist-csf-2.0/csf2_core.csv"
    rows = data.rows(rel)
    act = [r for r in rows if r["status"] == "active"]
    wd = [r for r in rows if r["status"] != "active"]
    n = {lv: sum(1 for r in act if r["level"] == lv) for lv in ("function", "category", "subcategory")}
    nw = {lv: sum(1 for r in wd if r["level"] == lv) for lv in ("category", "subcategory")}
    lines = header(
        data, "nist-csf-2.0: the NIST Cybersecurity Framework 2.0 Core.",
        "The %d functions, %d categories and %d subcategories of CSF 2.0, with attributes level "
        "(function, category, subcategory), function and category. Titles: a function's or "
        "category's name; a subcategory's outcome statement (NIST text)."
        % (n["function"], n["category"], n["subcategory"]),
        [rel],
        ["Left out: the %d categories and %d subcategories withdrawn from the CSF 1.1 lineage "
         "(status=withdrawn in the CSV, e.g. PR.AC-01): CSF 2.0 no longer has them, and the CSV "
         "gives NIST's \"incorporated into / moved to\" targets." % (nw["category"], nw["subcategory"])])
    lines += ["", 'pack "nist-csf-2.0" version "%s"' % PACK_VERSION, ""]
    lines.append('framework "nist-csf-2.0" "NIST Cybersecurity Framework (CSF) 2.0" version "2.0" source %s {' % q(
        "NIST CSF 2.0 (OSCAL catalog, CPRT CSF_2_0_0): shared/data/" + rel))
    ids = []
    for r in act:
        title = r["name"] if r["level"] in ("function", "category") else r["statement"]
        lines.append("  control %s %s%s" % (q(r["id"]), q(title), attrs([
            ("level", r["level"]), ("function", r["function_id"]), ("category", r["category_id"])])))
        ids.append(r["id"])
    lines.append("}")
    return "catalogues/nist-csf-2.0.vouch", lines, Catalogue("nist-csf-2.0", ids)


def gen_sp800_53(data):
    rel = "nist-sp800-53r5/sp800-53r5_controls.csv"
    rows = data.rows(rel)
    act = [r for r in rows if r["status"] == "active"]
    bl = {b: sum(1 for r in act if r["baseline_" + b] == "Y") for b in ("low", "moderate", "high", "privacy")}
    lines = header(
        data, "nist-sp800-53r5: NIST SP 800-53 Rev. 5 security and privacy controls.",
        "The %d active controls and enhancements (%d controls, %d enhancements), with attributes "
        "family, family_title, kind (control or enhancement), parent (an enhancement's base "
        "control), baseline_low / baseline_moderate / baseline_high / baseline_privacy = \"yes\" "
        "when the SP 800-53B 5.1.1 baseline selects it (absent otherwise; LOW %d, MODERATE %d, "
        "HIGH %d, PRIVACY %d), and release_added for the 7 ids of releases 5.1.1 and 5.2.0. Titles "
        "are as of 5.0.1/5.1.1."
        % (len(act), sum(1 for r in act if r["kind"] == "control"),
           sum(1 for r in act if r["kind"] == "enhancement"), bl["low"], bl["moderate"], bl["high"], bl["privacy"]),
        [rel],
        ["Left out: the %d withdrawn ids (status=withdrawn in the CSV; it names what each was "
         "incorporated into or moved to)." % (len(rows) - len(act))])
    lines += ["", 'pack "nist-sp800-53r5" version "%s"' % PACK_VERSION, ""]
    lines.append('framework "nist-sp800-53r5" "NIST SP 800-53 Rev. 5" version %s source %s {' % (
        q("5.0.1 catalogue, 5.1.1 baselines, 7 ids of 5.1.1 and 5.2.0"),
        q("NIST SP 800-53 Rev. 5 (OSCAL catalog and SP 800-53B profiles): shared/data/" + rel)))
    ids = []
    for r in act:
        lines.append("  control %s %s%s" % (q(r["id"]), q(r["title"]), attrs(
            [("family", r["family_id"]), ("family_title", r["family_title"]), ("kind", r["kind"]),
             ("parent", r["parent_id"])] +
            [("baseline_" + b, "yes" if r["baseline_" + b] == "Y" else "") for b in ("low", "moderate", "high", "privacy")] +
            [("release_added", r["release_added"])])))
        ids.append(r["id"])
    lines.append("}")
    return "catalogues/nist-sp800-53r5.vouch", lines, Catalogue("nist-sp800-53r5", ids)


# ---- crosswalks --------------------------------------------------------------------------
OLIR186_SOURCE = ("NIST OLIR 186: Cybersecurity Framework v2.0 to SP 800-53 Rev. 5 Release 5.2.0 "
                  "(concept crosswalk; NIST states no set-theory relation)")
OLIR155_SOURCE = ("NIST OLIR 155: SP 800-53 Rev. 5 to ISO/IEC 27001:2022 (2023-10-12 update; "
                  "concept crosswalk; NIST states no set-theory relation)")
CHAIN_DERIVED = "via nist-sp800-53r5 (OLIR 186, OLIR 155)"
PROWLER_DERIVED = ("via prowler checks (pack prowler-checks: requirements of both frameworks "
                   "that one prowler check tests; unofficial, tool-derived)")


def olir_pairs(rows, src_col, dst_col, src_cat, dst_cat):
    """The distinct pairs of an OLIR CSV in file order, split into those
    both catalogues name and those left out (with the reason)."""
    kept, left, seen = [], [], set()
    for r in rows:
        p = (r[src_col], r[dst_col])
        if p in seen:
            continue
        seen.add(p)
        why = []
        for cid, cat in ((p[0], src_cat), (p[1], dst_cat)):
            if cid not in cat.rank:
                why.append(cid)
        if why:
            left.append((p, why))
        else:
            kept.append(p)
    return kept, left


def crosswalk_lines(src, dst, attr, pairs):
    out = ['crosswalk "%s" -> "%s" %s {' % (src, dst, attr)]
    for p in pairs:
        note = " note %s" % q(p[2]) if len(p) > 2 and p[2] else ""
        out.append("  %s unspecified %s%s" % (q(p[0]), q(p[1]), note))
    out.append("}")
    return out


def gen_olir186(data, csf, sp):
    rel = "crosswalks/csf2_to_sp800-53r5_olir186.csv"
    rows = data.rows(rel)
    kept, left = olir_pairs(rows, "csf_id", "sp800_53_id", csf, sp)
    by = {(r["csf_id"], r["sp800_53_id"]): r for r in rows}
    why = []
    for p, _ in left:
        r = by[p]
        if r["sp800_53_ref_level"] == "family":
            why.append("%s -> %s (a family-level reference: the catalogue has no control for a whole family)" % p)
        elif r["sp800_53_status"] == "withdrawn":
            why.append("%s -> %s (%s is withdrawn in SP 800-53 Rev. 5, so the catalogue leaves it out)" % (p + (p[1],)))
        else:
            why.append("%s -> %s (not in the catalogues)" % p)
    lines = header(
        data, "csf2-to-sp800-53r5: NIST's official crosswalk from CSF 2.0 to SP 800-53 Rev. 5 (OLIR 186).",
        "%d pairs, relation unspecified: NIST's concept crosswalks state no set-theory relation "
        "(NIST IR 8477), so read none of them as \"equal\". Imports the two catalogues it pairs."
        % len(kept),
        [rel],
        ["Left out: %d of the %d distinct pairs of the CSV, because a catalogue cannot name "
         "their 800-53 reference: %s." % (len(left), len(kept) + len(left), "; ".join(why))])
    lines += ["", 'pack "csf2-to-sp800-53r5" version "%s"' % PACK_VERSION,
              'import "nist-csf-2.0"', 'import "nist-sp800-53r5"', ""]
    lines += crosswalk_lines("nist-csf-2.0", "nist-sp800-53r5", "origin official source " + q(OLIR186_SOURCE), kept)
    return "crosswalks/csf2-to-sp800-53r5.vouch", lines, kept


def gen_olir155(data, sp, iso):
    rel = "crosswalks/sp800-53r5_to_iso27001-2022_olir155.csv"
    rows = data.rows(rel)
    kept, left = olir_pairs(rows, "sp800_53_id", "iso27001_2022_id", sp, iso)
    if left:
        sys.exit("gen_packs: OLIR 155 pairs name ids the catalogues lack: %s" % left)
    lines = header(
        data, "sp800-53r5-to-iso27001-2022: NIST's official crosswalk from SP 800-53 Rev. 5 to "
              "ISO/IEC 27001:2022 (OLIR 155).",
        "%d pairs (%d to Annex A controls, %d to clauses), relation unspecified: NIST's concept "
        "crosswalks state no set-theory relation (NIST IR 8477), so read none of them as "
        "\"equal\". ISO ids only, no ISO text. Imports the two catalogues it pairs."
        % (len(kept), sum(1 for p in kept if p[1].startswith("A.")),
           sum(1 for p in kept if not p[1].startswith("A."))),
        [rel], ["Left out: nothing; every pair of the CSV is here."])
    lines += ["", 'pack "sp800-53r5-to-iso27001-2022" version "%s"' % PACK_VERSION,
              'import "nist-sp800-53r5"', 'import "iso27001-2022"', ""]
    lines += crosswalk_lines("nist-sp800-53r5", "iso27001-2022", "origin official source " + q(OLIR155_SOURCE), kept)
    return "crosswalks/sp800-53r5-to-iso27001-2022.vouch", lines, kept


def gen_chain(data, csf, sp, iso, p186, p155):
    """CSF 2.0 -> ISO 27001 by joining OLIR 186 and OLIR 155 on the 800-53 id."""
    to_iso = {}
    for s, d in p155:
        to_iso.setdefault(s, []).append(d)
    via = {}
    for c, s in p186:
        for d in to_iso.get(s, ()):
            via.setdefault((c, d), set()).add(s)
    pairs = sorted(via, key=lambda p: (csf.rank[p[0]], iso.rank[p[1]]))
    out = [(c, d, "via " + ", ".join(sorted(via[(c, d)], key=lambda x: sp.rank[x]))) for c, d in pairs]
    subs = [c for c in csf.ids if c.count("-") == 1]
    none = [c for c in subs if not any(p[0] == c for p in pairs)]
    lines = header(
        data, "csf2-to-iso27001-2022: CSF 2.0 -> ISO/IEC 27001:2022, derived by chaining NIST's "
              "OLIR 186 and OLIR 155 through SP 800-53 Rev. 5.",
        "%d pairs over %d CSF ids and %d ISO ids: a CSF id and an ISO id are paired when OLIR 186 "
        "maps the CSF id to an 800-53 id that OLIR 155 maps to the ISO id; each pair's note names "
        "those 800-53 ids. Derived, not an official CSF <-> ISO mapping; relation unspecified. "
        "The pairs are marked derived, so vouch lists and reports them but does not walk them: "
        "it walks the two crosswalks they come from, which this pack imports. %d pairs rest on "
        "one 800-53 id: vouch marks them weak (`vouch load --catalogues` writes mapping.weak)."
        % (len(out), len({p[0] for p in out}), len({p[1] for p in out}),
           sum(1 for p in out if "," not in p[2])),
        ["crosswalks/csf2_to_sp800-53r5_olir186.csv", "crosswalks/sp800-53r5_to_iso27001-2022_olir155.csv"],
        ["Built from the pairs of the packs csf2-to-sp800-53r5 and sp800-53r5-to-iso27001-2022 "
         "(so the pairs those leave out take no part). Active CSF subcategories with no pair: %s "
         "(their 800-53 ids have no ISO reference in OLIR 155)." % wrap_ids(none)])
    lines += ["", 'pack "csf2-to-iso27001-2022" version "%s"' % PACK_VERSION,
              'import "nist-csf-2.0"', 'import "iso27001-2022"',
              'import "csf2-to-sp800-53r5"', 'import "sp800-53r5-to-iso27001-2022"', ""]
    lines += crosswalk_lines("nist-csf-2.0", "iso27001-2022", "derived " + q(CHAIN_DERIVED), out)
    return "crosswalks/csf2-to-iso27001-2022.vouch", lines, out


def prowler_rows(data, iso, soc):
    """(framework, requirement id, check) of prowler's ISO 27001 and SOC 2
    rows; a check is named provider:check_id (prowler's checks live per
    provider; a few names recur in two providers as different checks)."""
    rel = "prowler/prowler_check_requirement_map.csv"
    out = {"iso27001-2022": set(), "soc2-tsc2017": set()}
    skipped = {}
    for r in data.rows(rel):
        fw = r["framework"]
        if fw not in out:
            skipped[fw] = skipped.get(fw, 0) + 1
            continue
        cat = iso if fw == "iso27001-2022" else soc
        if r["requirement_id"] not in cat.rank:
            sys.exit("gen_packs: prowler names %s %s, which the catalogue lacks" % (fw, r["requirement_id"]))
        out[fw].add((r["requirement_id"], r["provider"] + ":" + r["check_id"]))
    return out, skipped


def gen_prowler_checks(data, iso, soc):
    """The prowler checks as a pivot catalogue, and the requirements of
    ISO 27001 and SOC 2 each check tests as two crosswalks to it, so that
    vouch walks ISO -> check -> SOC 2 itself (derived pairs are not walked)."""
    rel = "prowler/prowler_check_requirement_map.csv"
    pr, skipped = prowler_rows(data, iso, soc)
    checks = sorted({c for s in pr.values() for _, c in s})
    iso_p = sorted(pr["iso27001-2022"], key=lambda p: (iso.rank[p[0]], p[1]))
    soc_p = sorted(pr["soc2-tsc2017"], key=lambda p: (soc.rank[p[0]], p[1]))
    lines = header(
        data, "prowler-checks: the checks of the Prowler cloud-security tool, as a pivot between "
              "ISO/IEC 27001:2022 and SOC 2.",
        "%d checks (control id provider:check_id, attribute provider) and two crosswalks: %d "
        "pairs ISO 27001:2022 requirement -> check and %d pairs SOC 2 criterion -> check, "
        "relation unspecified, each the distinct (requirement, check) rows of prowler's "
        "compliance files. Unofficial and tool-derived: a check tests part of a requirement at "
        "most. The derived crosswalk iso27001-2022-to-soc2-2017 pairs the requirements that "
        "share a check; vouch reaches SOC 2 from ISO 27001 (and back) through these pairs."
        % (len(checks), len(iso_p), len(soc_p)),
        [rel],
        ["Left out: prowler's %s rows (%s): the official NIST OLIR crosswalks cover SP 800-53, "
         "and the data README warns that prowler's \"CSF 2.0\" file is CSF 1.1 content "
         "relabelled. SOC 2 rows flagged prowler-id-disagrees-with-name (cc_a_1_1) are kept "
         "under the id prowler's Name gives (A1.2), as the CSV's requirement_id does."
         % (" and ".join(sorted(skipped)), ", ".join("%s %d" % (k, skipped[k]) for k in sorted(skipped)))])
    lines += ["", 'pack "prowler-checks" version "%s"' % PACK_VERSION,
              'import "iso27001-2022"', 'import "soc2-2017"', ""]
    lines.append('framework "prowler-checks" "Prowler checks" version "3e000faa" source %s {' % q(
        "prowler-cloud/prowler @ 3e000faa3109230b748e4418a13c11c9e59f5cfb, compliance files "
        "(Apache-2.0): shared/data/" + rel))
    for c in checks:
        prov, name = c.split(":", 1)
        lines.append("  control %s %s%s" % (q(c), q(name), attrs([("provider", prov)])))
    lines.append("}")
    lines.append("")
    lines += crosswalk_lines("iso27001-2022", "prowler-checks", "origin unofficial source " + q(
        "prowler compliance/<provider>/iso27001_2022_<provider>.json (unofficial, tool-derived)"), iso_p)
    lines.append("")
    lines += crosswalk_lines("soc2-2017", "prowler-checks", "origin unofficial source " + q(
        "prowler compliance/<provider>/soc2_<provider>.json (unofficial, tool-derived)"), soc_p)
    return "crosswalks/prowler-checks.vouch", lines, Catalogue("prowler-checks", checks), iso_p, soc_p


def gen_iso_soc2(data, iso, soc, iso_p, soc_p):
    by_check = {}
    for s, c in soc_p:
        by_check.setdefault(c, []).append(s)
    via = {}
    for i, c in iso_p:
        for s in by_check.get(c, ()):
            via.setdefault((i, s), set()).add(c)
    pairs = sorted(via, key=lambda p: (iso.rank[p[0]], soc.rank[p[1]]))
    out = []
    for p in pairs:
        cs = sorted(via[p])
        out.append((p[0], p[1], "%d shared check%s: %s" % (len(cs), "" if len(cs) == 1 else "s", ", ".join(cs))))
    lines = header(
        data, "iso27001-2022-to-soc2-2017: ISO/IEC 27001:2022 -> SOC 2, derived from the Prowler "
              "checks the two share.",
        "%d pairs over %d ISO ids and %d SOC 2 criteria: an ISO requirement and a SOC 2 criterion "
        "are paired when one prowler check (provider:check_id) is mapped to both; each pair's "
        "note names the shared checks. There is no official (NIST or AICPA) mapping between the "
        "two: this one is unofficial and tool-derived, relation unspecified. The pairs are marked "
        "derived, so vouch lists and reports them but does not walk them: it walks the "
        "crosswalks of the prowler-checks pack, which this pack imports. %d pairs rest on one "
        "shared check: vouch marks them weak (`vouch load --catalogues` writes mapping.weak)."
        % (len(out), len({p[0] for p in out}), len({p[1] for p in out}),
           sum(1 for p in out if p[2].startswith("1 shared check:"))),
        ["prowler/prowler_check_requirement_map.csv"],
        ["Built from the pairs of the pack prowler-checks (prowler's ISO 27001 and SOC 2 rows "
         "only; see its header for what it leaves out)."])
    lines += ["", 'pack "iso27001-2022-to-soc2-2017" version "%s"' % PACK_VERSION,
              'import "iso27001-2022"', 'import "soc2-2017"', 'import "prowler-checks"', ""]
    lines += crosswalk_lines("iso27001-2022", "soc2-2017", "derived " + q(PROWLER_DERIVED), out)
    return "crosswalks/iso27001-2022-to-soc2-2017.vouch", lines, out


# ---- main ------------------------------------------------------------------------------
def generate(data):
    """Every pack: [(relative path, text)]."""
    o155 = data.rows("crosswalks/sp800-53r5_to_iso27001-2022_olir155.csv")
    packs = []
    f, l, iso = gen_iso(data, o155)
    packs.append((f, l))
    f, l, soc = gen_soc2(data)
    packs.append((f, l))
    f, l, csf = gen_csf(data)
    packs.append((f, l))
    f, l, sp = gen_sp800_53(data)
    packs.append((f, l))
    f, l, p186 = gen_olir186(data, csf, sp)
    packs.append((f, l))
    f, l, p155 = gen_olir155(data, sp, iso)
    packs.append((f, l))
    f, l, _ = gen_chain(data, csf, sp, iso, p186, p155)
    packs.append((f, l))
    f, l, _, iso_p, soc_p = gen_prowler_checks(data, iso, soc)
    packs.append((f, l))
    f, l, _ = gen_iso_soc2(data, iso, soc, iso_p, soc_p)
    packs.append((f, l))
    return [(f, "\n".join(l) + "\n") for f, l in packs]


def default_data():
    for d in (os.path.join(os.path.dirname(REPO), "shared", "data"), "/work/shared/data"):
        if os.path.isfile(os.path.join(d, "README.md")):
            return d
    sys.exit("gen_packs: no data folder (tried <repo>/../shared/data and /work/shared/data); give its path")


def main():
    ap = argparse.ArgumentParser(description="Writes vouch's catalogue and crosswalk packs from shared/data.")
    ap.add_argument("data", nargs="?", help="the data folder (default: <repo>/../shared/data, then /work/shared/data)")
    ap.add_argument("--out", default=os.path.join(REPO, "rules"),
                    help="where catalogues/ and crosswalks/ go (default: <repo>/rules)")
    ap.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    a = ap.parse_args()
    data = Data(a.data or default_data())
    for rel, text in generate(data):
        path = os.path.join(a.out, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        try:
            with open(path, encoding="utf-8") as f:
                same = f.read() == text
        except FileNotFoundError:
            same = False
        if not same:
            tmp = path + ".tmp"
            with open(tmp, "w", encoding="utf-8", newline="\n") as f:
                f.write(text)
            os.replace(tmp, path)
        if not a.quiet:
            print("%s %s (%d lines)" % ("unchanged" if same else "wrote", os.path.relpath(path), text.count("\n")))


if __name__ == "__main__":
    main()
