#!/usr/bin/env python3
"""gen_pack.py: a bigger benchmark pack and its SQL equivalent.

Generates N rules (default 120) that are variants of the six reference rules
of shared/bench/reference.sql -- other categories, evidence kinds, windows,
frequencies, thresholds, environments, severities and frameworks -- over the
same facts (the standard fact model), as a vouch pack and as one SQL query
that reports the same findings (RULE<TAB>SUBJECT per line, sorted
bytewise, like shared/bench/reference.sh).

    python3 bench/gen_pack.py --rules 120 --out bench/out/pack120
        -> bench/out/pack120.vouch and bench/out/pack120.sql

The rules come from six families, interleaved, so every prefix of the list
is a mix of all six; --rules N takes the first N. Up to the size of the
grid the rules are all different queries; past it (--rules 10000, for the
compile-time benchmark) the windows keep growing by a day per rule, so the
rules stay distinct. --as-of fixes the dates the SQL is written with (the
vouch pack reads `today` and `period` from the command line instead).

Deterministic: the same arguments give byte-identical files.
"""
import argparse
import datetime
import sys

SEVERITIES = ["info", "low", "medium", "high", "critical"]

# (category, evidence kind) pairs the generator's controls have.
CAT_KIND = [
    ("access", "access_review"), ("logging", "log_review"), ("backup", "backup_test"),
    ("hr", "training_record"), ("ops", "config_scan"), ("dev", "config_scan"),
    ("governance", "policy_approval"), ("compliance", "policy_approval"),
    ("supplier", "policy_approval"), ("crypto", "config_scan"),
]
KINDS = ["access_review", "config_scan", "training_record", "backup_test", "log_review",
         "policy_approval"]


def quarters(start, end):
    """Calendar quarters meeting [start, end], clipped to it."""
    out = []
    y, m = start.year, (start.month - 1) // 3 * 3 + 1
    while True:
        qs = datetime.date(y, m, 1)
        ny, nm = (y + 1, 1) if m == 10 else (y, m + 3)
        qe = datetime.date(ny, nm, 1) - datetime.timedelta(days=1)
        if qs > end:
            break
        out.append((max(qs, start), min(qe, end)))
        y, m = ny, nm
    return out


def months(start, end):
    out = []
    y, m = start.year, start.month
    while True:
        ms = datetime.date(y, m, 1)
        ny, nm = (y + 1, 1) if m == 12 else (y, m + 1)
        me = datetime.date(ny, nm, 1) - datetime.timedelta(days=1)
        if ms > end:
            break
        out.append((max(ms, start), min(me, end)))
        y, m = ny, nm
    return out


class Gen:
    def __init__(self, asof):
        self.asof = asof
        qs = datetime.date(asof.year, (asof.month - 1) // 3 * 3 + 1, 1)
        y, m = qs.year, qs.month - 12
        while m < 1:
            m += 12
            y -= 1
        self.pstart = datetime.date(y, m, 1)
        self.pend = qs - datetime.timedelta(days=1)

    def day(self, ndays):
        return (self.asof - datetime.timedelta(days=ndays)).isoformat()

    # Each family returns (vouch rule text, SQL select) for variant i; the
    # SQL select has two columns, the rule name and the subject.

    def f1(self, name, sev, cat, kind, win):
        """R1: applicable controls of a category have a passing piece of
        evidence of a kind in the last `win` days (cat None: every
        applicable control)."""
        ctl = ("\n  for c in control where c.framework == s.framework and c.id == s.control\n"
               "                     and c.category == \"%s\"" % cat) if cat else ""
        v = f'''rule {name} "Evidence of kind {kind} within {win} days{' for ' + cat + ' controls' if cat else ''}"
  severity {sev}
{{
  for s in soa where s.applicable{ctl}
  require exists e in evidence
    where e.framework == s.framework and e.control == s.control
      and e.kind == "{kind}" and e.result == pass
      and e.collected_on >= today - {win}d and e.collected_on <= today
  subject "{{s.framework}}/{{s.control}}"
  else "no passing {kind} of {{s.framework}}/{{s.control}} in {win} days"
}}
'''
        join = (" JOIN control c ON c.framework = s.framework AND c.id = s.control"
                f" AND c.category = '{cat}'") if cat else ""
        q = f'''  SELECT '{name}' AS rule, s.framework || '/' || s.control AS subject
  FROM soa s{join}
  WHERE s.applicable = 1
    AND NOT EXISTS (SELECT 1 FROM evidence e
                    WHERE e.framework = s.framework AND e.control = s.control
                      AND e.collected_on BETWEEN '{self.day(win)}' AND '{self.asof.isoformat()}'
                      AND e.kind = '{kind}' AND e.result = 'pass')'''
        return v, q

    def f2(self, name, sev, freq, spans, kind):
        """R2: applicable controls of a frequency have passing evidence
        (of a kind, or any) in every quarter (or month) of the period."""
        fn = "quarters" if spans == "q" else "months"
        kv = f' and e.kind == "{kind}"' if kind else ""
        v = f'''rule {name} "{freq.capitalize()} controls have passing{' ' + kind if kind else ''} evidence in every {'quarter' if spans == 'q' else 'month'}"
  severity {sev}
{{
  for s in soa where s.applicable and s.frequency == {freq}
  for q in {fn}(period)
  require exists e in evidence
    where e.framework == s.framework and e.control == s.control
      and e.collected_on >= q.start and e.collected_on <= q.end
      and e.result == pass{kv}
  subject "{{s.framework}}/{{s.control}}@{{q.start}}"
  else "no passing evidence for {{s.framework}}/{{s.control}} in {{q.name}}"
}}
'''
        lst = (quarters if spans == "q" else months)(self.pstart, self.pend)
        vals = ", ".join("('%s','%s')" % (a.isoformat(), b.isoformat()) for a, b in lst)
        kq = f" AND e.kind = '{kind}'" if kind else ""
        q = f'''  SELECT '{name}' AS rule, s.framework || '/' || s.control || '@' || q.qs AS subject
  FROM soa s CROSS JOIN (SELECT column1 AS qs, column2 AS qe FROM (VALUES {vals})) q
  WHERE s.applicable = 1 AND s.frequency = '{freq}'
    AND NOT EXISTS (SELECT 1 FROM evidence e
                    WHERE e.framework = s.framework AND e.control = s.control
                      AND e.collected_on BETWEEN q.qs AND q.qe
                      AND e.result = 'pass'{kq})'''
        return v, q

    def f3(self, name, sev, score, grace):
        """R3: risks over a score are accepted by a CISO with a review due
        no earlier than today - grace days."""
        v = f'''rule {name} "Risks scoring over {score} are accepted by the CISO and reviewed"
  severity {sev}
{{
  for r in risk where r.residual_likelihood * r.residual_impact > {score}
  require r.treatment == accept
      and r.accepted_on != none
      and r.review_due != none and r.review_due >= today - {grace}d
      and exists p in person where p.id == r.accepted_by and p.role == "CISO"
  subject r.id
  else "risk {{r.id}} is over {score} and not accepted by a CISO with a current review"
}}
'''
        q = f'''  SELECT '{name}' AS rule, r.id AS subject
  FROM risk r
  WHERE r.residual_likelihood * r.residual_impact > {score}
    AND NOT (r.treatment = 'accept'
             AND r.accepted_on IS NOT NULL
             AND r.review_due IS NOT NULL AND r.review_due >= '{self.day(grace)}'
             AND EXISTS (SELECT 1 FROM person p WHERE p.id = r.accepted_by AND p.role = 'CISO'))'''
        return v, q

    def f4(self, name, sev, env, crits):
        """R4: active assets of an environment and criticality have an
        owner and a risk."""
        cl = ", ".join(crits)
        v = f'''rule {name} "Active {env} assets ({cl}) have an owner and a risk assessment"
  severity {sev}
{{
  for a in asset where a.env == "{env}" and a.status == active
                   and a.criticality in [{cl}]
  require a.owner != none and exists r in risk where r.asset == a.id
  subject a.id
  else "asset {{a.id}} lacks an owner or a risk assessment"
}}
'''
        cq = ",".join("'%s'" % c for c in crits)
        q = f'''  SELECT '{name}' AS rule, a.id AS subject
  FROM asset a
  WHERE a.env = '{env}' AND a.status = 'active' AND a.criticality IN ({cq})
    AND (a.owner IS NULL OR NOT EXISTS (SELECT 1 FROM risk r WHERE r.asset = a.id))'''
        return v, q

    def f5(self, name, sev, what):
        """R5: SoA hygiene: exclusions justified, applicable rows owned or
        given a frequency."""
        if what == "justification":
            cond_v, cond_q, fld = "not s.applicable", "s.applicable = 0", "justification"
        elif what == "owner":
            cond_v, cond_q, fld = "s.applicable", "s.applicable = 1", "owner"
        else:
            cond_v, cond_q, fld = "s.applicable", "s.applicable = 1", None
        if fld:
            req = f"not blank(s.{fld})"
            qreq = f"(s.{fld} IS NULL OR trim(s.{fld}, char(32,9,10,13)) = '')"
        else:
            req = "s.frequency != none"
            qreq = "s.frequency IS NULL"
        v = f'''rule {name} "SoA rows are complete ({what})"
  severity {sev}
{{
  for s in soa where {cond_v}
  require {req}
  subject "{{s.framework}}/{{s.control}}"
  else "{{s.framework}}/{{s.control}}: {what} missing"
}}
'''
        q = f'''  SELECT '{name}' AS rule, s.framework || '/' || s.control AS subject
  FROM soa s
  WHERE {cond_q} AND {qreq}'''
        return v, q

    def f6(self, name, sev, dst, win, kind):
        """R6: every control of a framework is covered by an applicable ISO
        control with passing evidence (of a kind, or any) in a window."""
        kv = f'\n                                  and e.kind == "{kind}"' if kind else ""
        v = f'''rule {name} "Every {dst} control is covered by an evidenced ISO 27001 control ({win} days)"
  severity {sev}
{{
  for c in control where c.framework == "{dst}"
  require exists m in mapping
    where m.dst_framework == c.framework and m.dst_control == c.id
      and m.src_framework == "iso27001-2022"
      and (exists s in soa where s.framework == m.src_framework
                             and s.control == m.src_control and s.applicable)
      and (exists e in evidence where e.framework == m.src_framework
                                  and e.control == m.src_control
                                  and e.collected_on >= today - {win}d
                                  and e.collected_on <= today
                                  and e.result == pass{kv})
  subject "{{c.framework}}/{{c.id}}"
  else "{{c.framework}}/{{c.id}} has no covering ISO 27001 control with evidence in {win} days"
}}
'''
        kq = f" AND e.kind = '{kind}'" if kind else ""
        q = f'''  SELECT '{name}' AS rule, c.framework || '/' || c.id AS subject
  FROM control c
  WHERE c.framework = '{dst}'
    AND NOT EXISTS (
      SELECT 1 FROM mapping m
      JOIN soa s ON s.framework = m.src_framework AND s.control = m.src_control
      WHERE m.dst_framework = c.framework AND m.dst_control = c.id
        AND m.src_framework = 'iso27001-2022' AND s.applicable = 1
        AND EXISTS (SELECT 1 FROM evidence e
                    WHERE e.framework = m.src_framework AND e.control = m.src_control
                      AND e.collected_on BETWEEN '{self.day(win)}' AND '{self.asof.isoformat()}'
                      AND e.result = 'pass'{kq}))'''
        return v, q


def families(g):
    """Six lists of (name, make(severity, extra_days)) variants."""
    fam = [[], [], [], [], [], []]
    for cat, kind in CAT_KIND:
        for win in (30, 92, 183, 365):
            fam[0].append((f"f1_{cat}_{kind}_{win}d",
                           lambda sev, x, cat=cat, kind=kind, win=win: (cat, kind, win + x)))
    for kind in KINDS:
        for win in (92, 365):
            fam[0].append((f"f1_any_{kind}_{win}d",
                           lambda sev, x, kind=kind, win=win: (None, kind, win + x)))
    for freq in ("quarterly", "monthly", "annual", "continuous", "weekly", "daily"):
        for kind in [None] + KINDS[:3]:
            for spans in ("q",) if freq != "monthly" else ("q", "m"):
                fam[1].append((f"f2_{freq}_{spans}_{kind or 'any'}",
                               lambda sev, x, freq=freq, spans=spans, kind=kind: (freq, spans, kind)))
    for score in (4, 6, 8, 9, 10, 12, 15, 16, 20):
        for grace in (0, 30, 90):
            fam[2].append((f"f3_score{score}_grace{grace}d",
                           lambda sev, x, score=score, grace=grace: (score, grace + x)))
    for env in ("prod", "staging", "dev"):
        for crits in (("high", "critical"), ("critical",), ("medium", "high", "critical"),
                      ("low", "medium")):
            fam[3].append((f"f4_{env}_{'_'.join(crits)}",
                           lambda sev, x, env=env, crits=crits: (env, crits)))
    for what in ("justification", "owner", "frequency"):
        fam[4].append((f"f5_{what}", lambda sev, x, what=what: (what,)))
    for dst in ("soc2-2017", "nist-csf-2.0"):
        for win in (90, 180, 365, 730):
            for kind in (None, "policy_approval"):
                fam[5].append((f"f6_{dst.split('-')[0]}_{win}d_{kind or 'any'}",
                               lambda sev, x, dst=dst, win=win, kind=kind: (dst, win + x, kind)))
    return fam


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--rules", type=int, default=120, help="number of rules (default 120)")
    ap.add_argument("--as-of", default="2026-11-21", help="as-of date of the SQL (default 2026-11-21)")
    ap.add_argument("--out", required=True, help="output path without extension")
    ap.add_argument("--no-sql", action="store_true", help="write only the .vouch file")
    a = ap.parse_args()
    if a.rules < 1:
        sys.exit("gen_pack: --rules must be at least 1")
    asof = datetime.date.fromisoformat(a.as_of)
    g = Gen(asof)
    fam = families(g)
    makers = [g.f1, g.f2, g.f3, g.f4, g.f5, g.f6]
    # Interleave: round r takes the r-th variant of each family that has one;
    # after the grid is used up, start again with longer windows.
    order = []
    rnd = 0
    while len(order) < a.rules:
        lap = rnd // max(len(f) for f in fam)
        r = rnd % max(len(f) for f in fam)
        for fi, f in enumerate(fam):
            # f5 (3 variants) would repeat every lap: only in the first one
            if r < len(f) and (lap == 0 or fi != 4):
                order.append((fi, f[r], lap))
        rnd += 1
    order = order[:a.rules]
    vouch = [f'# Generated by bench/gen_pack.py --rules {a.rules}: variants of the six reference\n'
             f'# rules. Run with --as-of {a.as_of}.\n\npack "bench{a.rules}" version "1.0.0"\n'
             'import "isms"\n']
    sql = [f'-- Generated by bench/gen_pack.py --rules {a.rules}: the SQL equivalent of\n'
           f'-- bench{a.rules}.vouch, as of {a.as_of}.\n.headers off\n.mode list\n'
           '.separator "\\t" "\\n"\nSELECT rule, subject FROM (\n']
    selects = []
    names = set()
    for i, (fi, (name, make), lap) in enumerate(order):
        sev = SEVERITIES[i % len(SEVERITIES)]
        extra = lap * 7 + (lap and (i % 7))   # distinct windows after the first lap
        if lap:
            name = f"{name}_v{lap}"
        # rule names sort like the SQL's output: unique, ASCII
        name = name.replace("-", "_").replace(".", "_")
        assert name not in names, name
        names.add(name)
        args = make(sev, extra)
        v, q = makers[fi](name, sev, *args)
        vouch.append("\n" + v)
        selects.append(f"  -- {name}\n{q}")
    sql.append("\n  UNION ALL\n".join(selects))
    sql.append("\n)\nORDER BY rule, subject;\n")
    with open(a.out + ".vouch", "w") as f:
        f.write("".join(vouch))
    if not a.no_sql:
        with open(a.out + ".sql", "w") as f:
            f.write("".join(sql))


if __name__ == "__main__":
    main()
