#!/bin/sh
# tests/pg/server.sh: a throwaway PostgreSQL server for the tests and the
# bench, from Debian's binaries (postgresql-NN: initdb, pg_ctl).
#
#   sh tests/pg/server.sh start DIR   creates DIR (it must not exist), a
#                                     cluster in DIR/data listening only on
#                                     the Unix socket DIR/.s.PGSQL.5432 (no
#                                     TCP), trust authentication for the
#                                     superuser `vouch`; prints the
#                                     connection string (host=DIR user=vouch
#                                     dbname=postgres)
#   sh tests/pg/server.sh stop DIR    stops it and removes DIR
#
# initdb refuses to run as root: as root the cluster belongs to the
# unprivileged user `postgres` (which the Debian package creates), and the
# commands run as that user through setpriv (util-linux) or su; the
# superuser role inside the cluster is `vouch` either way, so clients
# connect the same whoever they run as. Exits 2 with a message when no
# PostgreSQL binaries are installed.
set -u

die() { echo "tests/pg/server.sh: $*" >&2; exit 2; }

bindir=""
for d in /usr/lib/postgresql/*/bin; do
    [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && bindir=$d
done
[ -n "$bindir" ] || die "no PostgreSQL server binaries (apt-get install postgresql)"

# as CMD...: runs CMD as the cluster's owner.
as() {
    if [ "$(id -u)" != 0 ]; then
        "$@"
    elif command -v setpriv >/dev/null 2>&1; then
        setpriv --reuid=postgres --regid=postgres --init-groups --reset-env "$@"
    else
        su -s /bin/sh postgres -c '"$0" "$@"' -- "$@"
    fi
}

[ $# = 2 ] || die "usage: server.sh start|stop DIR"
dir=$2
case $1 in
start)
    [ -e "$dir" ] && die "$dir exists"
    mkdir -p "$dir" || die "cannot create $dir"
    if [ "$(id -u)" = 0 ]; then
        id postgres >/dev/null 2>&1 || die "running as root needs the user postgres (the postgresql package creates it)"
        chown postgres "$dir" || die "cannot give $dir to postgres"
    fi
    chmod 700 "$dir"
    as "$bindir/initdb" -D "$dir/data" -U vouch --auth=trust --encoding=UTF8 --locale=C >"$dir/initdb.log" 2>&1 ||
        { cat "$dir/initdb.log" >&2; die "initdb failed"; }
    # No TCP; the socket in DIR; fsync off: a throwaway cluster.
    as "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
        -o "-c listen_addresses= -c unix_socket_directories=$dir -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
        start >/dev/null 2>&1 || { cat "$dir/server.log" >&2; die "the server did not start"; }
    # The socket directory must let clients of any user in.
    chmod 755 "$dir"
    echo "host=$dir user=vouch dbname=postgres"
    ;;
stop)
    [ -d "$dir/data" ] || die "no cluster in $dir"
    as "$bindir/pg_ctl" -D "$dir/data" -m immediate -w stop >/dev/null 2>&1
    rm -rf "$dir"
    ;;
*)
    die "usage: server.sh start|stop DIR"
    ;;
esac
