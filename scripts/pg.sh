#!/usr/bin/env bash
# Project-local PostgreSQL cluster.
#
#   scripts/pg.sh start    create the cluster if needed, start it, wait until ready
#   scripts/pg.sh stop     stop it (fast shutdown)
#   scripts/pg.sh status   print folder, port, owner and state
#   scripts/pg.sh psql ... psql on the cluster as the "odoo" superuser
#
# Cluster: $PROJECT/.pgdata (or /var/tmp/factoring-ccm-pg/<hash> when the
# cluster owner cannot enter the project folder), listening on 127.0.0.1 only,
# no unix socket, port 54000 + (cksum of project path mod 900) or
# $FACTORING_PGPORT. Superuser "odoo", password "odoo" (scram-sha-256).
# This file can also be sourced (by setup.sh): it then only defines functions.
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

pg_ctl_status() {
    # 0 = running, 3 = not running, 4 = no/invalid data directory
    local rc=0
    as_pg "$PG_BINDIR/pg_ctl" status -D "$PG_ROOT" >/dev/null 2>&1 || rc=$?
    return "$rc"
}

pg_running_port() {
    # 4th line of postmaster.pid is the port of a running server
    sed -n 4p "$PG_ROOT/postmaster.pid" 2>/dev/null || true
}

pg_init() {
    local pwfile
    log "Creating PostgreSQL cluster in $PG_ROOT (owner: $PG_OS_USER${PG_ROOT_REASON:+; outside the project because $PG_ROOT_REASON})"
    mkdir -p "$(dirname "$PG_ROOT")"
    [[ "$PG_ROOT" == "$PROJECT"/* ]] || chmod 755 "$(dirname "$PG_ROOT")"
    rm -rf "$PG_ROOT"
    mkdir -m 700 "$PG_ROOT"
    pwfile="$(mktemp)"
    printf '%s\n' "$PG_PASSWORD" > "$pwfile"
    if is_root; then
        chown "$PG_OS_USER": "$PG_ROOT" "$pwfile"
    fi
    local rc=0
    as_pg "$PG_BINDIR/initdb" -D "$PG_ROOT" -U "$PG_SUPERUSER" --pwfile="$pwfile" \
        --auth-host=scram-sha-256 --auth-local=peer \
        --encoding=UTF8 --locale=C --no-instructions >"$LOG_DIR/initdb.log" 2>&1 || rc=$?
    rm -f "$pwfile"
    if [ "$rc" -ne 0 ]; then
        cat "$LOG_DIR/initdb.log" >&2
        rm -rf "$PG_ROOT"
        die "initdb failed (see above)"
    fi
    # Local dev/test cluster: TCP on 127.0.0.1 only (port given at start), no
    # unix socket (avoids socket path-length and permission issues).
    as_pg sh -c "cat >> '$PG_ROOT/postgresql.conf'" <<'EOF'

# ---- factoring-ccm local cluster (written by scripts/pg.sh) ----
listen_addresses = '127.0.0.1'
unix_socket_directories = ''
# dev/test cluster: do not wait for the WAL flush at each commit
synchronous_commit = off
max_connections = 100
EOF
}

pg_start() {
    local port st=0 pid
    find_pg_bindir
    pg_os_user
    pg_root
    port="$(pg_port)"
    mkdir -p "$LOG_DIR"
    if is_root && [ -d "$PG_ROOT" ] && [ "$(stat -c %U "$PG_ROOT")" != "$PG_OS_USER" ]; then
        die "$PG_ROOT belongs to $(stat -c %U "$PG_ROOT"), not $PG_OS_USER; run 'make clean' to recreate the cluster"
    fi
    [ -f "$PG_ROOT/PG_VERSION" ] || pg_init
    if [ "$(cat "$PG_ROOT/PG_VERSION")" != "$("$PG_BINDIR/postgres" --version | awk '{print $3}' | cut -d. -f1)" ]; then
        die "cluster $PG_ROOT was made by PostgreSQL $(cat "$PG_ROOT/PG_VERSION"), binaries in $PG_BINDIR are another major version; run 'make clean'"
    fi

    pg_ctl_status || st=$?
    if [ "$st" -eq 0 ]; then
        pid="$(head -1 "$PG_ROOT/postmaster.pid" 2>/dev/null || true)"
        if [ -n "$pid" ] && [ "$(cat "/proc/$pid/comm" 2>/dev/null || true)" != postgres ]; then
            warn "postmaster.pid names pid $pid which is not a postgres process: removing the stale pid file"
            rm -f "$PG_ROOT/postmaster.pid"
            st=3
        elif [ "$(pg_running_port)" != "$port" ]; then
            log "PostgreSQL is running on port $(pg_running_port), wanted $port: restarting it"
            as_pg "$PG_BINDIR/pg_ctl" stop -D "$PG_ROOT" -m fast -w >/dev/null
            st=3
        fi
    fi
    if [ "$st" -ne 0 ]; then
        if [ -f "$PG_ROOT/postmaster.pid" ]; then
            warn "pg_ctl says the server is not running: removing stale $PG_ROOT/postmaster.pid"
            rm -f "$PG_ROOT/postmaster.pid"
        fi
        if port_in_use "$port"; then
            # Another program (another clone's cluster, a system server...) has
            # the port: take the next free one and remember it, unless the user
            # chose the port.
            [ -z "${FACTORING_PGPORT:-}" ] || die "port $port (FACTORING_PGPORT) is taken by another program"
            local free="$port"
            while port_in_use "$free"; do
                free=$((free + 1))
                [ "$free" -lt $((port + 100)) ] || die "no free port in $port-$free; set FACTORING_PGPORT"
            done
            warn "port $port is taken by another program: using $free (remembered in .pgport)"
            printf '%s\n' "$free" > "$PGPORT_FILE"
            port="$free"
        fi
        log "Starting PostgreSQL ($PG_BINDIR) as '$PG_OS_USER' on 127.0.0.1:$port, data in $PG_ROOT"
        if ! as_pg "$PG_BINDIR/pg_ctl" start -D "$PG_ROOT" -w -t 60 -l "$(pg_logfile)" \
                -o "-p $port" >/dev/null; then
            tail -n 20 "$(pg_logfile)" >&2 || true
            die "PostgreSQL did not start (log: $(pg_logfile)). If port $port is taken, set FACTORING_PGPORT to a free port."
        fi
    fi
    for _ in $(seq 1 60); do
        if "$PG_BINDIR/pg_isready" -q -h 127.0.0.1 -p "$port"; then
            return 0
        fi
        sleep 0.5
    done
    die "PostgreSQL on 127.0.0.1:$port is not ready after 30 s (log: $(pg_logfile))"
}

pg_stop() {
    pg_os_user
    pg_root
    if [ ! -f "$PG_ROOT/PG_VERSION" ]; then
        log "No PostgreSQL cluster ($PG_ROOT)"
        return 0
    fi
    find_pg_bindir
    if pg_ctl_status; then
        log "Stopping PostgreSQL ($PG_ROOT)"
        as_pg "$PG_BINDIR/pg_ctl" stop -D "$PG_ROOT" -m fast -w >/dev/null
    else
        log "PostgreSQL cluster is not running ($PG_ROOT)"
    fi
}

pg_show_status() {
    find_pg_bindir
    pg_os_user
    pg_root
    local state="not running"
    if [ ! -f "$PG_ROOT/PG_VERSION" ]; then
        state="not created"
    elif pg_ctl_status; then
        state="running (port $(pg_running_port))"
    fi
    printf 'cluster : %s\nowner   : %s\nport    : %s\nbinaries: %s\nlog     : %s\nstate   : %s\n' \
        "$PG_ROOT" "$PG_OS_USER" "$(pg_port)" "$PG_BINDIR" "$(pg_logfile)" "$state"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    case "${1:-}" in
        start)  pg_start ;;
        stop)   pg_stop ;;
        status) pg_show_status ;;
        psql)   shift; pg_client psql -d postgres "$@" ;;
        *) echo "usage: $0 start|stop|status|psql [args]" >&2; exit 2 ;;
    esac
fi
