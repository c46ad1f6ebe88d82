# bench/bench_pg.sh: the PostgreSQL rows of `make bench` (docs/postgres.md),
# sourced by bench/bench.sh after its own rows (it uses its best_ms, ratio,
# target, facts, $out, $runs, $asof, $pack, $refsql, $scales).
#
#   pg_bench    on a throwaway server (tests/pg/server.sh), for M (and L
#               with BENCH_L=1): the scale's facts exported to CSV and
#               loaded by `vouch load --facts postgresql...` into a schema
#               (timed once: rows per second); then, with the four
#               secondary indexes of the SQLite bench store created and
#               after dropping them (ANALYZE each time), vouch check of
#               the reference pack against `psql -f` of reference.sql in
#               PostgreSQL's dialect (the sqlite3 dot commands dropped, the
#               derived table named, trim(x, char(...)) as btrim), same
#               findings checked, best of N each. Then BENCH_ORGS (200)
#               organisations of scale S in one database (the first loaded
#               by vouch load, the others copied from it on the server),
#               every one checked by vouch in parallel processes (xargs -P
#               the CPUs) and by psql the same way: organisations per second.
#   pg_tables   prints the rows.
# Skipped, with a line saying so, when no PostgreSQL server binaries or psql
# are installed.

pg_rows=
pg_orgs=
pg_note=

pg_sql() { psql -X -q -v ON_ERROR_STOP=1 "$pg_base" "$@" >/dev/null; }

pg_bench() {
    if ! command -v psql >/dev/null 2>&1 || ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1; then
        pg_note="PostgreSQL rows skipped: no server binaries or psql (apt-get install postgresql)"
        return 0
    fi
    pg_srv=$(mktemp -u /tmp/vouch-pgbench.XXXXXX)
    pg_base=$(sh tests/pg/server.sh start "$pg_srv") || { pg_note="PostgreSQL rows skipped: the server did not start"; return 0; }
    # PostgreSQL's dialect of the reference SQL.
    sed -e '/^\./d' -e "s/trim(s.justification, char(32,9,10,13))/btrim(s.justification, E' \\\\t\\\\n\\\\r')/" \
        -e 's/^)$/) AS findings/' "$refsql" > "$out/reference_pg.sql"
    pg_scales=M
    [ "${BENCH_L:-0}" = 1 ] && pg_scales="M L"
    for ps in $pg_scales; do
        case " $scales " in *" $ps "*) ;; *) facts "$ps" ;; esac
        echo "bench: PostgreSQL at $ps ..." >&2
        pg_csv "$ps"
        sch=ref_$(echo "$ps" | tr 'A-Z' 'a-z')
        pg_sql -c "CREATE SCHEMA $sch"
        conn="$pg_base options=-csearch_path=$sch"
        nev=$(($(wc -l < "$out/pgcsv-$ps/evidence.csv") - 1))
        t0=$(date +%s%N)
        ./vouch load --facts "$conn" --pack "$pack" "$out/pgcsv-$ps"/*.csv >/dev/null 2>"$out/pg-load.err" ||
            { sed 's/^/    /' "$out/pg-load.err" >&2; pg_note="vouch load into PostgreSQL failed"; break; }
        t1=$(date +%s%N)
        lms=$(awk -v ns=$((t1 - t0)) 'BEGIN { printf "%.1f", ns / 1e6 }')
        pg_rows="${pg_rows}load-$ps $lms $(awk -v n="$nev" -v ms="$lms" 'BEGIN { printf "%.0f", n / (ms / 1000) }') - -
"
        for v in "" "-noindex"; do
            if [ -z "$v" ]; then
                pg_sql -c "SET search_path = $sch; CREATE INDEX evidence_fw_ctl_date ON evidence(framework, control, collected_on);
                           CREATE INDEX risk_asset ON risk(asset); CREATE INDEX risk_control_risk ON risk_control(risk);
                           CREATE INDEX mapping_dst ON mapping(dst_framework, dst_control); ANALYZE"
            else
                pg_sql -c "SET search_path = $sch; DROP INDEX evidence_fw_ctl_date, risk_asset, risk_control_risk, mapping_dst; ANALYZE"
            fi
            psqlcmd="PGOPTIONS=-csearch_path=$sch psql -X -At -F '	' '$pg_base' -f '$out/reference_pg.sql'"
            sh -c "$psqlcmd" 2>/dev/null | LC_ALL=C sort > "$out/pg.ref.tsv"
            ./vouch check --facts "$conn" --as-of "$asof" --format tsv "$pack" 2>/dev/null </dev/null | LC_ALL=C sort > "$out/pg.vouch.tsv"
            if [ -s "$out/pg.ref.tsv" ] && cmp -s "$out/pg.ref.tsv" "$out/pg.vouch.tsv"; then
                same="same ($(wc -l < "$out/pg.ref.tsv" | tr -d ' '))"
            else
                same=DIFFER
                status=1
            fi
            n=$runs
            [ "$ps" = L ] && [ "$runs" -gt 3 ] && n=3
            r_ms=$(best_ms "$n" "$psqlcmd")
            v_ms=$(best_ms "$n" "./vouch check --facts '$conn' --as-of $asof --format json '$pack'")
            ra=$(ratio "$v_ms" "$r_ms")
            pg_rows="${pg_rows}pg-$ps$v $r_ms $v_ms $ra $same
"
            case $ps$v in
            M) target "PostgreSQL, 6 rules, M, with indexes: vouch/psql" "$ra" "<=" 1.0 ;;
            M-noindex) target "PostgreSQL, 6 rules, M, without indexes: vouch/psql" "$ra" "<=" 0.2 ;;
            esac
        done
    done
    pg_many
    sh tests/pg/server.sh stop "$pg_srv"
}

# pg_csv SCALE: the scale's tables as CSV files, once.
pg_csv() {
    d=$out/pgcsv-$1
    if [ ! -f "$d/.done" ] || newer "$out/$1.db" "$d/.done"; then
        rm -rf "$d" && mkdir -p "$d"
        for t in framework control mapping soa person asset evidence risk risk_control; do
            sqlite3 -header -csv "$out/$1.db" "SELECT * FROM $t" > "$d/$t.csv" || die "exporting $t of $out/$1.db failed"
        done
        touch "$d/.done"
    fi
}

# pg_many: BENCH_ORGS organisations of scale S, each in its schema.
pg_many() {
    norgs=${BENCH_ORGS:-200}
    echo "bench: PostgreSQL, $norgs organisations of scale S ..." >&2
    facts S
    pg_csv S
    pg_sql -c "CREATE SCHEMA org_0"
    ./vouch load --facts "$pg_base options=-csearch_path=org_0" --pack "$pack" "$out/pgcsv-S"/*.csv >/dev/null 2>"$out/pg-load.err" ||
        { sed 's/^/    /' "$out/pg-load.err" >&2; pg_note="vouch load of org_0 failed"; return; }
    pg_sql -c "SET search_path = org_0; CREATE INDEX evidence_fw_ctl_date ON evidence(framework, control, collected_on);
               CREATE INDEX risk_asset ON risk(asset); CREATE INDEX risk_control_risk ON risk_control(risk);
               CREATE INDEX mapping_dst ON mapping(dst_framework, dst_control)"
    pg_sql -c "DO \$\$ DECLARE i int; t text; BEGIN
        FOR i IN 1..$((norgs - 1)) LOOP
            EXECUTE format('CREATE SCHEMA org_%s', i);
            FOR t IN SELECT tablename FROM pg_tables WHERE schemaname = 'org_0' LOOP
                EXECUTE format('CREATE TABLE org_%s.%I (LIKE org_0.%I INCLUDING ALL)', i, t, t);
                EXECUTE format('INSERT INTO org_%s.%I SELECT * FROM org_0.%I', i, t, t);
            END LOOP;
        END LOOP; END \$\$; ANALYZE"
    jobs=$(nproc 2>/dev/null || echo 2)
    t0=$(date +%s%N)
    seq 0 $((norgs - 1)) | xargs -P "$jobs" -I{} sh -c \
        "./vouch check --facts '$pg_base options=-csearch_path=org_{}' --as-of $asof --format json '$pack' >/dev/null 2>&1 </dev/null; [ \$? -le 1 ]"
    vst=$?
    t1=$(date +%s%N)
    seq 0 $((norgs - 1)) | xargs -P "$jobs" -I{} sh -c \
        "PGOPTIONS=-csearch_path=org_{} psql -X -At '$pg_base' -f '$out/reference_pg.sql' >/dev/null 2>&1"
    t2=$(date +%s%N)
    [ "$vst" = 0 ] || status=1
    pg_orgs=$(awk -v n="$norgs" -v v=$((t1 - t0)) -v r=$((t2 - t1)) -v j="$jobs" 'BEGIN {
        printf "%d organisations of scale S, %d processes at a time: vouch %.1f orgs/s (%.1f s), psql %.1f orgs/s (%.1f s), vouch/psql time %.2f",
            n, j, n / (v / 1e9), v / 1e9, n / (r / 1e9), r / 1e9, v / r }')
}

pg_tables() {
    [ -n "$pg_note" ] && { echo; echo "$pg_note"; }
    [ -n "$pg_rows" ] || return 0
    echo
    echo "PostgreSQL (docs/postgres.md): the reference pack against psql -f reference.sql (PostgreSQL's dialect), same database, best of $runs; load: vouch load of the scale's CSV files (rows/s of evidence)"
    printf '%-18s %10s %10s %7s  %s\n' facts "psql ms" "vouch ms" ratio findings
    printf '%s' "$pg_rows" | while read -r n r v ra sa; do
        case $n in load-*) printf '%-18s %10s %10s %7s  %s\n' "$n" "-" "$r" "-" "$v evidence rows/s" ;;
        *) printf '%-18s %10s %10s %7s  %s\n' "$n" "$r" "$v" "$ra" "$sa" ;; esac
    done
    [ -n "$pg_orgs" ] && echo "$pg_orgs"
    return 0
}
