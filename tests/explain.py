#!/usr/bin/python3
"""tests/explain.py: explanations agree with evaluation, over whole packs.

    python3 tests/explain.py [VOUCH_BINARY]

For each setup (the Acme example pack on the Acme facts; the ISO/IEC 27001
auditor's pack on the same facts with the published catalogues; the six
reference rules on the benchmark facts at scale S):

  1. `check --explain --format json` reports exactly what `check --format
     json` reports, once the explanations are taken out: explaining changes
     no outcome, no count, no message;
  2. every failing, waived and not-applicable finding carries an
     explanation; a failing or waived one's `require` step is false (or
     none), a not-applicable one has no `require` step and a false scope
     condition;
  3. for every rule, `vouch explain --format json RULE PACKS` lists exactly
     the subjects `check` counted: its passing subjects number the rule's
     `passed`, each with a `require` step that is true; its other outcomes
     are check's findings of that rule, subject for subject, status for
     status;
  4. for one failing and one passing subject of each rule, `vouch explain
     RULE SUBJECT` shows that subject alone (and, for a cadence rule, each
     of its spans), with the outcome check gave it.

Ends with "explain: N passed, M failed"; exits 1 if anything failed.
"""
import json
import os
import subprocess
import sys
import tempfile

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
VOUCH = os.path.abspath(sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "vouch"))
ASOF = "2026-11-21"
passed = 0
failed = 0


def ok(cond, what):
    global passed, failed
    if cond:
        passed += 1
    else:
        failed += 1
        print("FAIL: " + what)
    return cond


def run(args, env=None, expect=(0, 1)):
    p = subprocess.run([VOUCH] + args, cwd=ROOT, capture_output=True, text=True, env=env, stdin=subprocess.DEVNULL)
    if p.returncode not in expect:
        raise RuntimeError("vouch %s: exit %d\n%s" % (" ".join(args), p.returncode, p.stderr[-2000:]))
    return p.stdout


def strip(doc):
    for f in doc["findings"]:
        f.pop("explanation", None)
    return doc


def require_value(expl):
    for s in expl:
        if s["kind"] == "condition" and s.get("require") and s["depth"] == 0:
            return s["value"]
    return "absent"


def schema_errors(doc, part=None):
    """Violations of docs/results.schema.json (or of its $defs/PART)."""
    try:
        import jsonschema
    except ImportError:
        return ["python3-jsonschema is not installed (apt-get install python3-jsonschema)"]
    with open(os.path.join(ROOT, "docs", "results.schema.json"), encoding="utf-8") as f:
        schema = json.load(f)
    if part:
        schema = {"$schema": schema.get("$schema"), "$defs": schema["$defs"], "$ref": "#/$defs/" + part}
    v = jsonschema.validators.validator_for(schema)(schema)
    return ["at %s: %s" % ("/".join(str(p) for p in e.absolute_path), e.message) for e in v.iter_errors(doc)][:5]


def check_setup(name, facts, packs, env=None):
    plain = json.loads(run(["check", "--facts", facts, "--as-of", ASOF, "--format", "json"] + packs, env))
    expl = json.loads(run(["check", "--facts", facts, "--as-of", ASOF, "--explain", "--format", "json"] + packs, env))
    errs = schema_errors(expl)
    ok(not errs, "%s: check --explain's JSON is valid against docs/results.schema.json: %s" % (name, errs))
    ok(strip(json.loads(json.dumps(expl))) == plain, "%s: check --explain reports what check reports" % name)

    for f in expl["findings"]:
        e = f.get("explanation")
        where = "%s: %s %s (%s)" % (name, f["rule"], f["subject"], f["status"])
        if not ok(isinstance(e, list) and len(e) > 0, where + " has an explanation"):
            continue
        v = require_value(e)
        if f["status"] == "not_applicable":
            scope = [s for s in e if s["kind"] == "condition" and s["depth"] == 0]
            ok(v == "absent" and scope and scope[-1]["value"] is False,
               where + ": the require condition is not reached and the scope test is false")
        else:
            ok(v in (False, None), where + ": the require condition is false (got %r)" % (v,))

    by_rule = {}
    for f in plain["findings"]:
        by_rule.setdefault(f["rule"], set()).add((f["subject"], f["status"]))
    for r in plain["rules"]:
        if r["skipped"] or r["error"]:
            continue
        out = json.loads(run(["explain", "--facts", facts, "--as-of", ASOF, "--format", "json", r["id"]] + packs, env,
                             expect=(0,)))
        outcomes = out["outcomes"]
        errs = [e for o in outcomes for e in schema_errors(o["explanation"], "explanation")][:5]
        ok(not errs, "%s: explain %s: each explanation is valid against $defs/explanation: %s" % (name, r["id"], errs))
        passes = [o for o in outcomes if o["status"] == "pass"]
        others = set((o["subject"], o["status"]) for o in outcomes if o["status"] != "pass")
        where = "%s: explain %s" % (name, r["id"])
        ok(len(passes) == r["passed"], where + ": %d passing subjects, check counted %d" % (len(passes), r["passed"]))
        ok(others == by_rule.get(r["id"], set()), where + ": the other outcomes are check's findings")
        bad = [o["subject"] for o in passes if require_value(o["explanation"]) is not True]
        ok(not bad, where + ": every pass has a true require condition (not: %s)" % bad[:3])
        bad = [o["subject"] for o in outcomes
               if o["status"] in ("fail", "waived") and require_value(o["explanation"]) not in (False, None)]
        ok(not bad, where + ": every failing outcome has a false require condition (not: %s)" % bad[:3])

        samples = []
        for status in ("fail", "pass"):
            subj = [o["subject"] for o in outcomes if o["status"] == status]
            if subj:
                samples.append(subj[0].split("@")[0])
        for s in samples:
            one = json.loads(run(["explain", "--facts", facts, "--as-of", ASOF, "--format", "json", r["id"], s] + packs,
                                 env, expect=(0,)))
            want = sorted((o["subject"], o["status"]) for o in outcomes
                          if o["subject"] == s or o["subject"].startswith(s + "@"))
            got = sorted((o["subject"], o["status"]) for o in one["outcomes"])
            ok(got == want, "%s: explain %s %s shows that subject alone (%s, want %s)" % (name, r["id"], s, got, want))


def main():
    work = tempfile.mkdtemp(prefix="vouch-explain.")
    acme = os.path.join(work, "acme.db")
    acme_iso = os.path.join(work, "acme-iso.db")
    env = dict(os.environ, VOUCH_PATH="rules:rules/catalogues:rules/crosswalks")
    csvs = sorted(os.path.join("examples/acme", f) for f in os.listdir(os.path.join(ROOT, "examples/acme"))
                  if f.endswith(".csv"))
    try:
        run(["load", "--facts", acme, "--pack", "examples/acme/pack.vouch"] + csvs, env, expect=(0,))
        check_setup("acme", acme, ["examples/acme/pack.vouch"], env)

        iso = ["rules/iso27001/pack.vouch"]
        cat = [c for c in csvs if os.path.basename(c) not in ("framework.csv", "control.csv", "mapping.csv")]
        run(["load", "--facts", acme_iso, "--pack", iso[0], "--catalogues"] + cat, env, expect=(0,))
        check_setup("iso27001", acme_iso, iso, env)

        shared = os.path.join(ROOT, "..", "shared")
        if not os.path.isfile(os.path.join(shared, "bench", "gen_facts.py")):
            shared = "/work/shared"
        s_db = os.path.join(work, "S.db")
        subprocess.run(["/usr/bin/python3", os.path.join(shared, "bench", "gen_facts.py"), "--scale", "S", "--out",
                        s_db], check=True, capture_output=True)
        # the generator's evidence.id is an INTEGER column (docs/facts.md, "Text ids")
        with open(os.path.join(ROOT, "bench", "text_ids.sql"), "rb") as sql:
            subprocess.run(["sqlite3", s_db], stdin=sql, check=True, capture_output=True)
        # nor the optional columns of issue 16 (docs/facts.md, "soa")
        with open(os.path.join(ROOT, "bench", "seed_columns.sql"), "rb") as sql:
            subprocess.run(["sqlite3", s_db], stdin=sql, check=True, capture_output=True)
        check_setup("reference-S", s_db, ["rules/reference/reference.vouch"])
    except (RuntimeError, subprocess.CalledProcessError, OSError, ValueError) as e:
        ok(False, "setup: %s" % e)
    finally:
        subprocess.run(["rm", "-rf", work])
    print("explain: %d passed, %d failed" % (passed, failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
