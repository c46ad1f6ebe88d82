#!/bin/sh
# tests/pg/run.sh: facts in PostgreSQL (docs/postgres.md) against a real
# server, started and stopped here (tests/pg/server.sh).
#
#   sh tests/pg/run.sh [VOUCH_BINARY]        (default: ./vouch)
#
# 1. Both backends, the same outcomes: each example (acme with its pack and
#    with the ISO 27001 pack over the catalogues, the evidence sources, the
#    scans) and the reference pack at scale S are loaded by `vouch load`
#    into a SQLite file and into a schema of their own; check (json, text,
#    tsv), coverage, soa and explain must print the same bytes on both,
#    once the store's name is replaced by FACTS (the run and facts digests
#    included: they do not depend on the backend). The reference pack's
#    findings must also be the SQL reference's (shared/bench/reference.sh).
# 2. A bad stored value: the same error outcome, naming table, key, column
#    and value, on both.
# 3. Loading: a bad row fails the load with the SQLite load's message and
#    writes nothing; a key the schema already holds is refused as on a file;
#    --replace replaces.
# 4. Tenants: a schema per organisation; a run of one sees its rows only;
#    a role granted one schema cannot read another's (exit 2).
#    A password in the connection string is not in the reports.
#    A small step budget gives the same outcomes; --timeout stops a view
#    the server never finishes (statement_timeout).
# 5. Errors exit 2 with a clear message: a bad connection string, no
#    server, a missing table, a role without SELECT, a server that closes
#    the connection mid-run.
# Ends with `pg: N passed, M failed`.
set -u

cd "$(dirname "$0")/../.." || exit 2
root=$(pwd)
bin=${1:-./vouch}
case $bin in /*) ;; *) bin=$root/$bin ;; esac
asof=2026-11-21

fail_setup() {
    echo "pg: $*"
    echo "pg: 0 passed, 1 failed"
    exit 1
}
[ -x "$bin" ] || fail_setup "$bin: no such executable"
command -v psql >/dev/null 2>&1 || fail_setup "psql is not installed (apt-get install postgresql)"

work=$(mktemp -d "${TMPDIR:-/tmp}/vouch-pg.XXXXXX") || exit 2
# The socket path must stay short (108 bytes): the server lives in /tmp.
srv=$(mktemp -u /tmp/vouch-pgsrv.XXXXXX)
cleanup() {
    [ -d "$srv" ] && sh tests/pg/server.sh stop "$srv" >/dev/null 2>&1
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP
base=$(sh tests/pg/server.sh start "$srv" 2>"$work/server.err") ||
    { cat "$work/server.err"; fail_setup "cannot start a PostgreSQL server"; }

passed=0
failed=0
ok() { echo "ok: $*"; passed=$((passed + 1)); }
bad() { echo "FAIL: $*"; failed=$((failed + 1)); }
sql() { psql -X -q -v ON_ERROR_STOP=1 "$base" "$@" >/dev/null 2>>"$work/psql.err"; }
# conn SCHEMA [USER]: the connection string of one organisation's schema.
conn() { echo "host=$srv user=${2:-vouch} dbname=postgres options=-csearch_path=$1"; }

# same NAME DB CONN ARGS...: runs vouch ARGS with --facts DB and with
# --facts CONN; the outputs (stores' names replaced) and statuses must match.
same() {
    name=$1 db=$2 pg=$3
    shift 3
    "$bin" "$@" --facts "$db" >"$work/a.out" 2>"$work/a.err" </dev/null
    sa=$?
    "$bin" "$@" --facts "$pg" >"$work/b.out" 2>"$work/b.err" </dev/null
    sb=$?
    for f in a.out a.err b.out b.err; do
        sed -e "s|$db|FACTS|g" -e "s|$pg|FACTS|g" -e 's|postgres:postgres (schema [a-z_]*)|FACTS|g' \
            "$work/$f" > "$work/$f.n"
    done
    if [ "$sa" != "$sb" ]; then
        bad "$name: exit $sa on SQLite, $sb on PostgreSQL"; sed 's/^/    /' "$work/b.err" | head -n 5
    elif [ "$sa" -ge 2 ] && [ -z "${SAME_EXIT2:-}" ]; then
        bad "$name: exit $sa on both"; sed 's/^/    /' "$work/a.err" | head -n 5
    elif ! cmp -s "$work/a.out.n" "$work/b.out.n" || ! cmp -s "$work/a.err.n" "$work/b.err.n"; then
        bad "$name: the outputs differ"
        diff "$work/a.out.n" "$work/b.out.n" | head -n 10 | cut -c1-300 | sed 's/^/    /'
        diff "$work/a.err.n" "$work/b.err.n" | head -n 10 | sed 's/^/    /'
    else
        ok "$name: $(wc -c < "$work/a.out" | tr -d ' ') bytes, exit $sa, on both"
    fi
}

# load NAME SCHEMA DB ARGS...: vouch load ARGS into DB and into SCHEMA.
load() {
    name=$1 schema=$2 db=$3
    shift 3
    sql -c "CREATE SCHEMA $schema" || { bad "$name: cannot create schema $schema"; return 1; }
    "$bin" load --facts "$db" "$@" >"$work/la.out" 2>&1 </dev/null ||
        { bad "$name: vouch load into SQLite failed"; sed 's/^/    /' "$work/la.out" | head; return 1; }
    "$bin" load --facts "$(conn "$schema")" "$@" >"$work/lb.out" 2>&1 </dev/null ||
        { bad "$name: vouch load into PostgreSQL failed"; sed 's/^/    /' "$work/lb.out" | head; return 1; }
    if cmp -s "$work/la.out" "$work/lb.out"; then ok "$name: load says the same on both"
    else bad "$name: load's output differs"; diff "$work/la.out" "$work/lb.out" | head | sed 's/^/    /'; fi
}

# fails NAME WANT-TEXT ARGS...: vouch ARGS must exit 2 saying WANT-TEXT.
fails() {
    name=$1 want=$2
    shift 2
    "$bin" "$@" >"$work/f.out" 2>"$work/f.err" </dev/null
    st=$?
    if [ "$st" = 2 ] && grep -qF -- "$want" "$work/f.err"; then
        ok "$name: exit 2: $(head -n 1 "$work/f.err" | cut -c1-160)"
    else
        bad "$name: exit $st, wanted 2 and \"$want\""; sed 's/^/    /' "$work/f.err" | head -n 5
    fi
}

# ---- 1. the same outcomes --------------------------------------------------------
# examples/acme imports the ISO pack, found on VOUCH_PATH with the catalogues
VOUCH_PATH=rules:rules/catalogues:rules/crosswalks
export VOUCH_PATH
acme=examples/acme/pack.vouch
if load "acme" org_acme "$work/acme.db" --pack "$acme" examples/acme/*.csv; then
    A=$(conn org_acme)
    same "acme check json" "$work/acme.db" "$A" check --as-of $asof --format json "$acme"
    same "acme check text" "$work/acme.db" "$A" check --as-of $asof "$acme"
    same "acme coverage" "$work/acme.db" "$A" coverage --as-of $asof --framework soc2-2017 --format json "$acme"
    same "acme soa" "$work/acme.db" "$A" soa --as-of $asof --framework iso27001-2022 --format csv "$acme"
    same "acme explain" "$work/acme.db" "$A" explain --as-of $asof --format json access_reviewed_quarterly "$acme"
fi

iso=rules/iso27001/pack.vouch
x1=rules/crosswalks/iso27001-2022-to-soc2-2017.vouch
if load "iso27001" org_iso "$work/iso.db" --catalogues --pack "$iso" --pack "$x1" \
    examples/acme/soa.csv examples/acme/person.csv examples/acme/employment.csv examples/acme/training.csv \
    examples/acme/asset.csv examples/acme/evidence.csv examples/acme/risk.csv examples/acme/risk_control.csv \
    examples/acme/supplier.csv examples/acme/supplier_review.csv examples/acme/internal_audit.csv \
    examples/acme/audit_item.csv examples/acme/management_review.csv \
    examples/acme/management_review_input.csv examples/acme/nonconformity.csv; then
    I=$(conn org_iso)
    same "iso27001 check" "$work/iso.db" "$I" check --as-of $asof --format json "$iso"
    same "iso27001 coverage soc2" "$work/iso.db" "$I" coverage --as-of $asof --framework soc2-2017 "$x1" "$iso"
fi

ev=examples/evidence/pack.vouch
if load "evidence sources" org_ev "$work/ev.db" --pack "$ev" \
    --source entra_access_review examples/evidence/entra-access-review.json; then
    same "evidence sources check" "$work/ev.db" "$(conn org_ev)" check --as-of 2026-02-01 --format json "$ev"
fi

P="rules/catalogues/iso27001-2022.vouch rules/catalogues/soc2-2017.vouch rules/crosswalks/prowler-checks.vouch rules/sources/prowler.vouch rules/sources/sarif.vouch examples/scans/pack.vouch"
if load "scans" org_scan "$work/scan.db" --pack rules/sources/prowler.vouch --pack rules/sources/sarif.vouch \
    --pack rules/crosswalks/prowler-checks.vouch --pack examples/scans/pack.vouch \
    --source prowler_ocsf examples/scans/prowler-output-123456789012-20261120.ocsf.json; then
    same "scans check" "$work/scan.db" "$(conn org_scan)" check --as-of 2026-12-01 --format json $P
    same "scans coverage" "$work/scan.db" "$(conn org_scan)" coverage --as-of 2026-12-01 --framework iso27001-2022 $P
fi

# The reference pack at scale S, its findings the SQL reference's.
shared=$root/../shared
[ -f "$shared/bench/reference.sh" ] || shared=/work/shared
ref=rules/reference/reference.vouch
if [ -f "$shared/bench/gen_facts.py" ] &&
    /usr/bin/python3 "$shared/bench/gen_facts.py" --scale S --out "$work/S.db" >/dev/null 2>&1; then
    mkdir "$work/csv"
    for t in framework control mapping soa person asset evidence risk risk_control; do
        sqlite3 -header -csv "$work/S.db" "SELECT * FROM $t" > "$work/csv/$t.csv"
    done
    if load "reference S" org_ref "$work/ref.db" --pack "$ref" "$work"/csv/*.csv; then
        R=$(conn org_ref)
        same "reference S json" "$work/ref.db" "$R" check --as-of $asof --format json "$ref"
        sh "$shared/bench/reference.sh" "$work/S.db" 2>/dev/null | LC_ALL=C sort > "$work/ref.sql.tsv"
        "$bin" check --facts "$R" --as-of $asof --format tsv "$ref" </dev/null | LC_ALL=C sort > "$work/ref.pg.tsv"
        if [ -s "$work/ref.sql.tsv" ] && cmp -s "$work/ref.sql.tsv" "$work/ref.pg.tsv"; then
            ok "reference S on PostgreSQL: $(wc -l < "$work/ref.sql.tsv" | tr -d ' ') findings, as the SQL reference"
        else
            bad "reference S on PostgreSQL: findings differ from the SQL reference"
            diff "$work/ref.sql.tsv" "$work/ref.pg.tsv" | head | sed 's/^/    /'
        fi
    fi
else
    bad "reference S: cannot generate the facts ($shared/bench/gen_facts.py)"
fi

# The step budget bounds the rules, not the copy: a small one stops a rule
# on both backends with the same error. Where exactly it stops may differ,
# since the budget also counts the store's own statement steps and the two
# stores lay out the same rows differently (docs/postgres.md); the time
# limit bounds the server's side too.
if [ -f "$work/acme.db" ]; then
    "$bin" check --facts "$work/acme.db" --as-of $asof --max-steps 10000 "$acme" >/dev/null 2>"$work/a.err" </dev/null
    sa=$?
    "$bin" check --facts "$A" --as-of $asof --max-steps 10000 "$acme" >/dev/null 2>"$work/b.err" </dev/null
    sb=$?
    if [ "$sa" = 2 ] && [ "$sb" = 2 ] && grep -q "step budget of 10000 instructions exhausted" "$work/a.err" &&
        grep -q "step budget of 10000 instructions exhausted" "$work/b.err"; then
        ok "a small step budget: exit 2 and a rule's budget exhausted, on both"
    else
        bad "a small step budget: exit $sa on SQLite, $sb on PostgreSQL"; head -n 3 "$work/b.err" | sed 's/^/    /'
    fi
    sql -c "CREATE SCHEMA org_slow; CREATE VIEW org_slow.evidence AS SELECT e.* FROM org_acme.evidence e, pg_sleep(20)"
    for t in $(psql -X -At "$base" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'org_acme' AND tablename <> 'evidence'"); do
        sql -c "CREATE TABLE org_slow.$t AS SELECT * FROM org_acme.$t"
    done
    t0=$(date +%s)
    fails "a view that outlasts --timeout" "statement timeout" check --facts "$(conn org_slow)" --timeout 2 --as-of $asof "$acme"
    t1=$(date +%s)
    [ $((t1 - t0)) -lt 10 ] && ok "--timeout 2 stopped the server's side in $((t1 - t0)) s" ||
        bad "--timeout 2 took $((t1 - t0)) s"
fi

# ---- 2. a bad stored value ---------------------------------------------------------
if [ -f "$work/acme.db" ]; then
    cp "$work/acme.db" "$work/bad.db"
    id=$(sqlite3 "$work/bad.db" "SELECT id FROM evidence ORDER BY id LIMIT 1")
    sqlite3 "$work/bad.db" "DROP TRIGGER IF EXISTS x; UPDATE evidence SET collected_on = '15/01/2026' WHERE id = '$id'"
    sql -c "CREATE SCHEMA org_bad; CREATE TABLE org_bad.evidence AS SELECT * FROM org_acme.evidence;
            UPDATE org_bad.evidence SET collected_on = '15/01/2026' WHERE id = '$id'" &&
    for t in $(psql -X -At "$base" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'org_acme' AND tablename <> 'evidence'"); do
        sql -c "CREATE TABLE org_bad.$t AS SELECT * FROM org_acme.$t"
    done
    # Rules that read the value are errors (exit 2), the others run.
    SAME_EXIT2=1 same "a bad stored date" "$work/bad.db" "$(conn org_bad)" check --as-of $asof --format json "$acme"
    if grep -q "15/01/2026" "$work/b.out"; then ok "a bad stored date: the outcome names the value"
    else bad "a bad stored date: no outcome names 15/01/2026"; fi
fi

# The record (docs/postgres.md, "The record"): a load records each table's
# rows and digest in the schema's vouch_digest, so a run need not check it
# again; any write behind vouch's back must still be seen. Each case loads
# acme into a schema of its own, changes one stored date to 15/01/2026 its
# way, and the run must report it (exit 2, the value named).
if [ -f "$work/acme.db" ]; then
    id=$(sqlite3 "$work/acme.db" "SELECT id FROM evidence ORDER BY id LIMIT 1")
    sql -c "CREATE SCHEMA org_rec0"
    "$bin" load --facts "$(conn org_rec0)" --pack "$acme" examples/acme/*.csv >/dev/null 2>&1 </dev/null
    n=$(psql -X -At "$base" -c "SELECT count(*) FROM org_rec0.vouch_digest" 2>/dev/null)
    [ "${n:-0}" -gt 0 ] && ok "load records $n tables' digests in vouch_digest" ||
        bad "load recorded no digest (vouch_digest: ${n:-none})"
    "$bin" check --facts "$(conn org_rec0)" --as-of $asof --format json "$acme" >"$work/rec.out" 2>&1 </dev/null
    "$bin" check --facts "$work/acme.db" --as-of $asof --format json "$acme" >"$work/rec.ref" 2>&1 </dev/null
    ids='"identity": {"run": "[0-9a-f]*"\|"facts": {"sha256": "[0-9a-f]*"'
    if grep -o "$ids" "$work/rec.out" >"$work/rec.d1" && [ "$(wc -l < "$work/rec.d1")" = 2 ] &&
        grep -o "$ids" "$work/rec.ref" | cmp -s - "$work/rec.d1"; then
        ok "a run on recorded tables: the run and facts digests of the SQLite file"
    else
        bad "a run on recorded tables: facts digest differs from the file's ($(head -c 80 "$work/rec.d1"))"
    fi
    k=0
    tamper() {
        k=$((k + 1))
        name=$1 want=${3:-15/01/2026}
        sql -c "CREATE SCHEMA org_rec$k"
        "$bin" load --facts "$(conn org_rec$k)" --pack "$acme" examples/acme/*.csv >/dev/null 2>&1 </dev/null
        sql -c "SET search_path = org_rec$k; $2" || { bad "$name: the change failed"; return; }
        "$bin" check --facts "$(conn org_rec$k)" --as-of $asof --format json "$acme" >"$work/t.out" 2>&1 </dev/null
        st=$?
        if [ "$st" = 2 ] && grep -q "$want" "$work/t.out"; then ok "$name: the run reports the value"
        else bad "$name: exit $st, the bad value not reported (the record was trusted)"; fi
    }
    tamper "an UPDATE" "UPDATE evidence SET collected_on = '15/01/2026' WHERE id = '$id'"
    tamper "an UPDATE as a replica" "SET session_replication_role = replica;
        UPDATE evidence SET collected_on = '15/01/2026' WHERE id = '$id'"
    tamper "TRUNCATE and COPY" "CREATE TEMP TABLE x AS SELECT * FROM evidence; TRUNCATE evidence;
        UPDATE x SET collected_on = '15/01/2026' WHERE id = '$id'; INSERT INTO evidence SELECT * FROM x"
    tamper "ALTER COLUMN TYPE ... USING" "ALTER TABLE evidence ALTER COLUMN collected_on TYPE text
        USING CASE WHEN id = '$id' THEN '15/01/2026' ELSE collected_on END"
    tamper "the trigger disabled" "ALTER TABLE evidence DISABLE TRIGGER vouch_digest_forget;
        UPDATE evidence SET collected_on = '15/01/2026' WHERE id = '$id'"
    tamper "the trigger's function replaced" "CREATE OR REPLACE FUNCTION vouch_digest_forget() RETURNS trigger
        LANGUAGE plpgsql AS 'BEGIN RETURN NULL; END'; UPDATE evidence SET collected_on = '15/01/2026' WHERE id = '$id'"
    # A role that may write the rows but not make the record loads all the
    # same, without a record; a dropped vouch_digest stops no write.
    sql -c "CREATE SCHEMA org_w"
    "$bin" load --facts "$(conn org_w)" --pack "$acme" examples/acme/*.csv >/dev/null 2>&1 </dev/null
    sql -c "CREATE ROLE writer LOGIN; GRANT USAGE ON SCHEMA org_w TO writer;
            GRANT ALL ON ALL TABLES IN SCHEMA org_w TO writer"
    if "$bin" load --facts "$(conn org_w writer)" --pack "$acme" --replace examples/acme/evidence.csv \
        >"$work/w.out" 2>&1 </dev/null; then ok "a role without CREATE on the schema loads (no record)"
    else bad "a role without CREATE on the schema: load failed"; sed 's/^/    /' "$work/w.out" | head -n 3; fi
    sql -c "DROP TABLE org_w.vouch_digest; UPDATE org_w.evidence SET collected_on = collected_on" &&
        ok "vouch_digest dropped: writes to the tables go on" || bad "vouch_digest dropped: a write failed"
    "$bin" check --facts "$(conn org_w)" --as-of $asof --format json "$acme" >"$work/w.out" 2>&1 </dev/null
    grep -o "$ids" "$work/w.out" | cmp -s - "$work/rec.d1" &&
        ok "without records: the same run and facts digests" || bad "without records: the digests differ"
    tamper "columns renamed" "ALTER TABLE evidence RENAME COLUMN collected_on TO c0;
        ALTER TABLE evidence RENAME COLUMN kind TO collected_on; ALTER TABLE evidence RENAME COLUMN c0 TO kind" \
        "collected_on holds"
fi

# ---- 3. loading ------------------------------------------------------------------
rows() { psql -X -At "$base" -c "SELECT count(*) FROM $1"; }
if [ -f "$work/acme.db" ]; then
    n0=$(rows org_acme.evidence)
    head -n 3 examples/acme/evidence.csv > "$work/evidence.csv"
    sed -n 2p examples/acme/evidence.csv | awk -F, 'BEGIN{OFS=","} {$1=$1"x"; $NF="not-a-date"; print}' >> "$work/evidence.csv"
    "$bin" load --facts "$work/acme.db" --pack "$acme" "$work/evidence.csv" >/dev/null 2>"$work/la.err" </dev/null
    sa=$?
    "$bin" load --facts "$A" --pack "$acme" "$work/evidence.csv" >/dev/null 2>"$work/lb.err" </dev/null
    sb=$?
    if [ "$sa" = 2 ] && [ "$sb" = 2 ] && cmp -s "$work/la.err" "$work/lb.err" && [ "$(rows org_acme.evidence)" = "$n0" ]; then
        ok "a bad row: exit 2, the same message, nothing written ($(head -n 1 "$work/lb.err" | cut -c1-120))"
    else
        bad "a bad row: exit $sa / $sb, rows $n0 -> $(rows org_acme.evidence)"; diff "$work/la.err" "$work/lb.err" | head | sed 's/^/    /'
    fi
    head -n 2 examples/acme/evidence.csv > "$work/dup.csv"
    "$bin" load --facts "$work/acme.db" --pack "$acme" "$work/dup.csv" >/dev/null 2>"$work/la.err" </dev/null
    sa=$?
    "$bin" load --facts "$A" --pack "$acme" "$work/dup.csv" >/dev/null 2>"$work/lb.err" </dev/null
    sb=$?
    if [ "$sa" = "$sb" ] && [ "$sa" != 0 ] && cmp -s "$work/la.err" "$work/lb.err" && [ "$(rows org_acme.evidence)" = "$n0" ]; then
        ok "a key already stored: exit $sa, the same message as on a file"
    else
        bad "a key already stored: exit $sa / $sb"; diff "$work/la.err" "$work/lb.err" | head | sed 's/^/    /'
    fi
fi

# --replace and --upsert change the schema as they change a file.
if load "a store to replace into" org_rep "$work/rep.db" --pack "$acme" examples/acme/*.csv; then
    mkdir -p "$work/rep"
    head -n 30 examples/acme/evidence.csv > "$work/rep/evidence.csv"
    R=$(conn org_rep)
    "$bin" load --facts "$work/rep.db" --replace --pack "$acme" "$work/rep/evidence.csv" >/dev/null 2>&1 </dev/null &&
        "$bin" load --facts "$R" --replace --pack "$acme" "$work/rep/evidence.csv" >/dev/null 2>&1 </dev/null &&
        [ "$(rows org_rep.evidence)" = 29 ] && ok "--replace: 29 evidence rows left" ||
        bad "--replace: $(rows org_rep.evidence) evidence rows"
    same "after --replace" "$work/rep.db" "$R" check --as-of $asof --format json "$acme"
    { head -n 1 examples/acme/evidence.csv; sed -n 2p examples/acme/evidence.csv | sed 's/,pass$/,fail/'; } > "$work/rep/evidence.csv"
    nfail=$(rows "org_rep.evidence WHERE result = 'fail'")
    "$bin" load --facts "$work/rep.db" --upsert --pack "$acme" "$work/rep/evidence.csv" >/dev/null 2>&1 </dev/null &&
        "$bin" load --facts "$R" --upsert --pack "$acme" "$work/rep/evidence.csv" >/dev/null 2>&1 </dev/null &&
        [ "$(rows "org_rep.evidence WHERE result = 'fail'")" = $((nfail + 1)) ] &&
        [ "$(rows "org_rep.evidence WHERE result = 'fail'")" = "$(sqlite3 "$work/rep.db" "SELECT count(*) FROM evidence WHERE result = 'fail'")" ] &&
        ok "--upsert: one more row fails, on both" || bad "--upsert: the rows differ"
    same "after --upsert" "$work/rep.db" "$R" check --as-of $asof --format json "$acme"
fi

# A table another tool wrote, with a value the pack does not declare:
# `vouch load` with no inputs reports it as on a file (the store named).
sqlite3 "$work/other.db" "CREATE TABLE asset(id TEXT, kind TEXT, env TEXT, owner TEXT, criticality TEXT, status TEXT);
    INSERT INTO asset VALUES ('x', 'server', 'prod', NULL, 'Critical', 'active')"
sql -c "CREATE SCHEMA org_other; CREATE TABLE org_other.asset(id text, kind text, env text, owner text, criticality text, status text);
        INSERT INTO org_other.asset VALUES ('x', 'server', 'prod', NULL, 'Critical', 'active')"
"$bin" load --facts "$work/other.db" --pack "$acme" >"$work/la.out" 2>&1 </dev/null
sa=$?
"$bin" load --facts "$(conn org_other)" --pack "$acme" >"$work/lb.out" 2>&1 </dev/null
sb=$?
sed -e "s|$work/other.db|FACTS|g" "$work/la.out" > "$work/la.n"
sed -e 's|postgres:postgres (schema [a-z_]*)|FACTS|g' "$work/lb.out" > "$work/lb.n"
if [ "$sa" = 2 ] && [ "$sb" = 2 ] && cmp -s "$work/la.n" "$work/lb.n" && grep -q Critical "$work/lb.n"; then
    ok "a bad value another tool wrote: load reports it as on a file ($(head -n 1 "$work/lb.out" | cut -c1-100))"
else
    bad "a bad value another tool wrote: exit $sa / $sb"; diff "$work/la.n" "$work/lb.n" | head | sed 's/^/    /'
fi
sql -c "CREATE SCHEMA org_empty_load"
fails "checking an empty schema" "holds no table the packs declare" load --facts "$(conn org_empty_load)" --pack "$acme"

# ---- 4. tenants ----------------------------------------------------------------------
if [ -f "$work/acme.db" ]; then
    # A second organisation: acme's files, but a tenth of the evidence.
    mkdir "$work/small"
    cp examples/acme/*.csv "$work/small/"
    head -n 30 examples/acme/evidence.csv > "$work/small/evidence.csv"
    if load "a second organisation" org_small "$work/small.db" --pack "$acme" "$work/small"/*.csv; then
        same "the second organisation's run" "$work/small.db" "$(conn org_small)" check --as-of $asof --format json "$acme"
        same "the first organisation's run, after" "$work/acme.db" "$A" check --as-of $asof --format json "$acme"
        sql -c "CREATE ROLE acme LOGIN; GRANT USAGE ON SCHEMA org_acme TO acme;
                GRANT SELECT ON ALL TABLES IN SCHEMA org_acme TO acme"
        same "a tenant's own role" "$work/acme.db" "$(conn org_acme acme)" check --as-of $asof --format json "$acme"
        fails "a tenant's role on another schema" "no schema of the search path" \
            check --facts "$(conn org_small acme)" --as-of $asof "$acme"
    fi
fi

# A password in the connection string stays out of the reports.
if [ -f "$work/acme.db" ]; then
    for fmt in json sarif html; do
        "$bin" check --facts "$A password=sekrit-pw" --as-of $asof --format $fmt "$acme" >"$work/pw.out" 2>&1 </dev/null
        st=$?
        if [ "$st" = 1 ] && ! grep -q sekrit-pw "$work/pw.out" && grep -q "search_path=org_acme" "$work/pw.out"; then
            ok "a password in the connection string: not in the $fmt report"
        else
            bad "a password in the connection string: exit $st, $(grep -c sekrit-pw "$work/pw.out") lines of the $fmt report show it"
        fi
    done
fi

# ---- 5. errors -----------------------------------------------------------------------
fails "no server" "cannot connect to PostgreSQL" check --facts "host=$work/nowhere user=vouch dbname=postgres" --as-of $asof "$acme"
fails "a bad URI" "cannot connect to PostgreSQL" check --facts "postgresql://x/y?nosuchparameter=1" --as-of $asof "$acme"
fails "no such database" "cannot connect to PostgreSQL" check --facts "host=$srv user=vouch dbname=nosuchdb" --as-of $asof "$acme"
fails "no such schema" "no schema of the search path" check --facts "$(conn org_nosuch)" --as-of $asof "$acme"
sql -c "CREATE SCHEMA org_empty"
fails "a missing table" "has no table" check --facts "$(conn org_empty)" --as-of $asof "$acme"
fails "a load into a missing schema" "no schema of the search path" load --facts "$(conn org_nosuch)" --pack "$acme" examples/acme/asset.csv
sql -c "CREATE ROLE nosel LOGIN; GRANT USAGE ON SCHEMA org_acme TO nosel"
fails "a role without SELECT" "permission denied" check --facts "$(conn org_acme nosel)" --as-of $asof "$acme"
# The server closes the connection while the run reads: a relation whose
# query ends its own session.
sql -c "CREATE SCHEMA org_gone; CREATE TABLE org_gone.asset AS SELECT * FROM org_acme.asset;
        CREATE VIEW org_gone.evidence AS SELECT e.* FROM org_acme.evidence e
        WHERE pg_terminate_backend(pg_backend_pid())"
for t in $(psql -X -At "$base" -c "SELECT tablename FROM pg_tables WHERE schemaname = 'org_acme' AND tablename NOT IN ('evidence', 'asset')"); do
    sql -c "CREATE TABLE org_gone.$t AS SELECT * FROM org_acme.$t"
done
fails "the server gone mid-run" "the server closed the connection" check --facts "$(conn org_gone)" --as-of $asof "$acme"

if [ -s "$work/psql.err" ]; then
    bad "psql reported errors:"; sed 's/^/    /' "$work/psql.err" | head
fi
echo "pg: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
