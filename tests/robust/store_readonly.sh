#!/bin/sh
# tests/robust/store_readonly.sh: a facts store vouch cannot write is read
# when reading it is safe, and is a plain error (exit 2) saying what vouch
# cannot do when it is not; either way nothing is left beside it (no -wal,
# no -shm) and the store is unchanged (docs/robustness.md, "Stores vouch
# cannot write").
#
#   - a WAL-mode store (as `vouch load` leaves it) in a read-only directory
#     with no -wal: read as it is (nothing can write it there);
#   - the same with committed writes still in its -wal and the -shm index
#     beside it: read, those writes included;
#   - the same with a -wal but no -shm, which vouch cannot make there: an
#     error naming both files (reading the file alone would miss commits);
#   - a rollback-journal store left with a hot journal by a writer killed
#     mid-transaction, in a writable and in a read-only directory: an error
#     naming the journal (the file may hold half the transaction);
#   - check, explain, coverage and soa all open stores the same way.
#
# The tests run as root, whom chmod does not stop: a read-only directory is
# a read-only bind mount in a mount namespace of its own (unshare -m). If
# that cannot be made here, the read-only cases are skipped with a note.
. "$(dirname "$0")/lib.sh"
cd "$work" || exit 2
cat > p.vouch <<'PACK'
pack "p" version "1"
fact reading key (id) {
  id: text
  a: int
}
rule r "a over one" severity low {
  for x in reading
  require x.a > 1
}
PACK
printf 'id,a\nr1,4\nr2,0\n' > reading.csv
"$VOUCH" load --facts good.db --pack p.vouch reading.csv > out 2>&1 || { cat out; bad "load failed"; finish; exit 1; }

# ro DIR CMD...: runs CMD with DIR mounted read-only over itself.
ro() {
    d=$1
    shift
    unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,bind,ro "$1" && shift && exec "$@"' ro "$d" "$@"
}
can_ro=0
mkdir probe
if ro probe sh -c '! touch probe/x 2>/dev/null' 2>/dev/null && [ ! -e probe/x ]; then can_ro=1; fi

# leftovers DIR: the files beside the store that should not be there.
leftovers() { ls "$1" | grep -E -- '-(wal|shm)$' | tr '\n' ' '; }

# A hot journal: a rollback-mode store whose writer died mid-transaction,
# with pages of the transaction already in the file (a tiny page cache).
mkdir hot
cp good.db hot/s.db
sqlite3 hot/s.db 'PRAGMA journal_mode=DELETE' > /dev/null
python3 - hot/s.db <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA cache_size=1")
db.execute("BEGIN")
db.execute("UPDATE reading SET a = 100")
for i in range(2000):
    db.execute("INSERT INTO reading VALUES (?, 5)", ("x%d" % i,))
os._exit(0)
PY
[ -s hot/s.db-journal ] || bad "the test could not make a hot journal"
hot_size=$(wc -c < hot/s.db)
hot_sum=$(sha256sum hot/s.db hot/s.db-journal | cut -c1-64 | tr '\n' ' ')
for v in release asan; do
    bin=$VOUCH; [ "$v" = asan ] && bin=$ASAN_VOUCH
    expect "$v: a hot journal is an error naming it" 2 \
        'hot/s\.db: it has an unfinished write transaction \(hot journal hot/s\.db-journal,' \
        "$bin" check --facts hot/s.db --as-of 2026-11-21 p.vouch
    expect "$v: explain says the same" 2 'hot journal hot/s\.db-journal' \
        "$bin" explain --facts hot/s.db --as-of 2026-11-21 r p.vouch
done
[ "$(sha256sum hot/s.db hot/s.db-journal | cut -c1-64 | tr '\n' ' ')" = "$hot_sum" ] &&
    ok "the store and its journal are unchanged" || bad "check changed the store or its journal"
[ -z "$(leftovers hot)" ] && ok "nothing left beside the hot store" || bad "left beside the hot store: $(leftovers hot)"
echo "(the hot store is $hot_size bytes, the good one $(wc -c < good.db))"

if [ "$can_ro" = 0 ]; then
    ok "skipped: no read-only bind mount here (unshare -m, mount --bind)"
    finish
    exit 0
fi

# A WAL store with no -wal: read as it is.
mkdir walro
cp good.db walro/s.db
[ "$(sqlite3 walro/s.db 'PRAGMA journal_mode')" = wal ] || bad "vouch load did not leave WAL mode"
"$VOUCH" check --facts good.db --as-of 2026-11-21 --format tsv p.vouch > want.tsv 2>&1
for v in release asan; do
    bin=$VOUCH; [ "$v" = asan ] && bin=$ASAN_VOUCH
    ro walro "$bin" check --facts walro/s.db --as-of 2026-11-21 --format tsv p.vouch > got.tsv 2>&1
    st=$?
    if [ "$st" = 1 ] && cmp -s want.tsv got.tsv; then ok "$v: a WAL store in a read-only directory is read"
    else bad "$v: a WAL store in a read-only directory: exit $st: $(cat got.tsv)"; fi
    expect "$v: explain reads it too" 0 'r2' ro walro "$bin" explain --facts walro/s.db --as-of 2026-11-21 r p.vouch
done
[ -z "$(leftovers walro)" ] && ok "nothing left beside the read-only WAL store" || bad "left: $(leftovers walro)"

# Committed writes still in the -wal, with the -shm beside it.
mkdir walidx
cp good.db walidx/s.db
python3 - walidx/s.db <<'PY'
import os, sqlite3, sys
db = sqlite3.connect(sys.argv[1], isolation_level=None)
db.execute("PRAGMA wal_autocheckpoint=0")
db.execute("INSERT INTO reading VALUES ('r3', 0)")
os._exit(0)
PY
[ -s walidx/s.db-wal ] && [ -e walidx/s.db-shm ] || bad "the test could not leave writes in the -wal"
ro walidx "$VOUCH" check --facts walidx/s.db --as-of 2026-11-21 --format tsv p.vouch > got.tsv 2>&1
st=$?
if [ "$st" = 1 ] && grep -q 'r3' got.tsv; then ok "the -wal's committed rows are read (r3)"
else bad "the -wal's rows: exit $st: $(cat got.tsv)"; fi

# The -wal without its -shm: vouch cannot make the index there.
mkdir walnoidx
cp walidx/s.db walidx/s.db-wal walnoidx/
sum=$(sha256sum walnoidx/s.db walnoidx/s.db-wal | cut -c1-64 | tr '\n' ' ')
for v in release asan; do
    bin=$VOUCH; [ "$v" = asan ] && bin=$ASAN_VOUCH
    expect "$v: a -wal without its -shm in a read-only directory is an error naming both" 2 \
        'walnoidx/s\.db-wal.*walnoidx/s\.db-shm' \
        ro walnoidx "$bin" check --facts walnoidx/s.db --as-of 2026-11-21 p.vouch
done
[ "$(sha256sum walnoidx/s.db walnoidx/s.db-wal | cut -c1-64 | tr '\n' ' ')" = "$sum" ] &&
    ok "that store is unchanged" || bad "that store changed"

# The hot journal in a read-only directory: the same error.
expect "a hot journal in a read-only directory" 2 'hot journal hot/s\.db-journal' \
    ro hot "$VOUCH" check --facts hot/s.db --as-of 2026-11-21 p.vouch

# coverage and soa open stores the same way. (The example adopts the ISO
# pack, found by name on VOUCH_PATH.)
VOUCH_PATH="$REPO/rules:$REPO/rules/catalogues"
export VOUCH_PATH
mkdir isoro
"$VOUCH" load --facts isoro/iso.db --pack "$REPO/examples/acme/pack.vouch" "$REPO"/examples/acme/*.csv > out 2>&1 ||
    { cat out; bad "the example's load failed"; }
expect "coverage of a WAL store in a read-only directory" 0 'A\.5\.' \
    ro isoro "$VOUCH" coverage --facts isoro/iso.db --framework iso27001-2022 --as-of 2026-11-21 "$REPO/examples/acme/pack.vouch"
expect "soa of a WAL store in a read-only directory" 0 'A\.5\.1' \
    ro isoro "$VOUCH" soa --facts isoro/iso.db --framework iso27001-2022 --as-of 2026-11-21 "$REPO/examples/acme/pack.vouch"
[ -z "$(leftovers isoro)" ] && ok "nothing left beside it" || bad "left: $(leftovers isoro)"
finish
