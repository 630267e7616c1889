# shellcheck shell=bash
# Common helpers for the set-up / run / test scripts. Sourced, never executed.
#
# Everything project-local lives in gitignored folders at the repository root:
#   .venv/            Python virtualenv (Odoo requirements + requirements.txt)
#   .pgdata/          PostgreSQL cluster (or /var/tmp/factoring-ccm-pg/<hash>, see pg_root)
#   .odoo-data/       Odoo data_dir (filestore, sessions)
#   .odoo-local.conf  generated Odoo config (odoo.conf + absolute paths + port)
#   .logs/            logs of the scripts (install logs, ...)

PROJECT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
VENV="$PROJECT/.venv"
LOCAL_CONF="$PROJECT/.odoo-local.conf"
DATA_DIR="$PROJECT/.odoo-data"
LOG_DIR="$PROJECT/.logs"
ODOO_CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/factoring-ccm/odoo-19.0"
ODOO_TARBALL_URL="${ODOO_TARBALL_URL:-https://github.com/odoo/odoo/archive/refs/heads/19.0.tar.gz}"

# Database names (overridable from the environment).
FACTORING_DB="${FACTORING_DB:-factoring}"
FACTORING_TEST_DB="${FACTORING_TEST_DB:-factoring_test}"
BENCH_DB="${BENCH_DB:-factoring_bench}"

# Fixed credentials of the local cluster (a throw-away dev/test cluster).
PG_SUPERUSER=odoo
PG_PASSWORD=odoo

# Odoo 19 reads PG* variables from the environment and they take precedence
# over the config file: make sure a shell set up for another server cannot
# redirect us there.
unset PGHOST PGHOSTADDR PGPORT PGUSER PGPASSWORD PGDATABASE PGSERVICE PGSSLMODE \
      PGHOST_REPLICA PGPORT_REPLICA PGPATH ODOO_RC 2>/dev/null || true

log()  { printf '==> %s\n' "$*" >&2; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die()  { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" -eq 0 ]; }

now() { date +%s; }

# True when something listens on 127.0.0.1:$1.
port_in_use() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# ---------------------------------------------------------------- PostgreSQL

# Port: 54000 + (cksum of the absolute project path mod 900), so that two
# clones on the same machine get different clusters/ports.
# Override with FACTORING_PGPORT.
# A port chosen because the derived one was taken is remembered in .pgport.
PGPORT_FILE="$PROJECT/.pgport"
pg_port() {
    if [ -n "${FACTORING_PGPORT:-}" ]; then
        printf '%s\n' "$FACTORING_PGPORT"
    elif [ -s "$PGPORT_FILE" ]; then
        cat "$PGPORT_FILE"
    else
        local sum
        sum="$(printf '%s' "$PROJECT" | cksum | cut -d' ' -f1)"
        printf '%s\n' $((54000 + sum % 900))
    fi
}

# Directory holding the PostgreSQL binaries (initdb, pg_ctl, psql, ...).
# Installs the Debian "postgresql" package when nothing is found and we are root.
PG_BINDIR=""
find_pg_bindir() {
    [ -n "$PG_BINDIR" ] && return 0
    local d candidates=()
    if command -v pg_config >/dev/null 2>&1; then
        candidates+=("$(pg_config --bindir 2>/dev/null || true)")
    fi
    # newest version first
    while IFS= read -r d; do candidates+=("$d"); done < <(
        ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -V -r)
    if command -v initdb >/dev/null 2>&1; then
        candidates+=("$(dirname "$(command -v initdb)")")
    fi
    for d in "${candidates[@]}"; do
        if [ -n "$d" ] && [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ] && [ -x "$d/postgres" ]; then
            PG_BINDIR="$d"
            return 0
        fi
    done
    if is_root && command -v apt-get >/dev/null 2>&1; then
        log "PostgreSQL server binaries not found: installing them with apt-get (postgresql)"
        export DEBIAN_FRONTEND=noninteractive
        apt-get update -qq </dev/null
        apt-get install -y -qq --no-install-recommends postgresql </dev/null
        PG_BINDIR=""
        for d in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -t/ -k4,4 -V -r); do
            if [ -x "$d/initdb" ] && [ -x "$d/pg_ctl" ]; then PG_BINDIR="$d"; return 0; fi
        done
    fi
    die "PostgreSQL server binaries (initdb, pg_ctl, postgres) not found.
Install them (Debian/Ubuntu: sudo apt-get install postgresql) or put their folder on PATH."
}

# System user that owns and runs the cluster. PostgreSQL refuses to run as
# root: when we are root we use "postgres" if it exists, else we create a
# system user "factoring".
PG_OS_USER=""
pg_os_user() {
    if [ -n "$PG_OS_USER" ]; then return 0; fi
    if ! is_root; then
        PG_OS_USER="$(id -un)"
    elif id postgres >/dev/null 2>&1; then
        PG_OS_USER=postgres
    else
        if ! id factoring >/dev/null 2>&1; then
            log "Creating system user 'factoring' to run PostgreSQL (it refuses to run as root)"
            useradd --system --no-create-home --home-dir /nonexistent \
                    --shell /usr/sbin/nologin factoring
        fi
        PG_OS_USER=factoring
    fi
}

# Run a command as the cluster owner (from / so that an unreadable cwd does not matter).
as_pg() {
    pg_os_user
    if is_root && [ "$PG_OS_USER" != root ]; then
        (cd / && runuser -u "$PG_OS_USER" -- "$@")
    else
        "$@"
    fi
}

# Folder of the cluster: $PROJECT/.pgdata, unless the cluster owner cannot
# traverse into the project (e.g. project under /root, mode 700): then
# /var/tmp/factoring-ccm-pg/<short hash of the project path>.
PG_ROOT=""
PG_ROOT_REASON=""
pg_root() {
    [ -n "$PG_ROOT" ] && return 0
    local fallback
    fallback="/var/tmp/factoring-ccm-pg/$(printf '%s' "$PROJECT" | sha256sum | cut -c1-12)"
    pg_os_user
    if [ -f "$PROJECT/.pgdata/PG_VERSION" ]; then
        PG_ROOT="$PROJECT/.pgdata"
    elif [ -f "$fallback/PG_VERSION" ]; then
        PG_ROOT="$fallback"
    elif ! is_root || [ "$PG_OS_USER" = root ] || as_pg test -x "$PROJECT" 2>/dev/null; then
        PG_ROOT="$PROJECT/.pgdata"
    else
        PG_ROOT="$fallback"
        PG_ROOT_REASON="user '$PG_OS_USER' cannot enter $PROJECT"
    fi
}

pg_logfile() { pg_root; printf '%s\n' "$PG_ROOT/postgresql.log"; }

# psql & co against our cluster, as the "odoo" superuser over TCP.
pg_client() {
    local tool="$1"; shift
    find_pg_bindir
    PGPASSWORD="$PG_PASSWORD" "$PG_BINDIR/$tool" -h 127.0.0.1 -p "$(pg_port)" -U "$PG_SUPERUSER" "$@"
}

db_exists() {
    local out
    out="$(pg_client psql -d postgres -XAtqc "SELECT 1 FROM pg_database WHERE datname = '$1'")"
    [ "$out" = 1 ]
}

drop_db() {
    local db="$1"
    PGOPTIONS='-c client_min_messages=warning' pg_client dropdb --if-exists --force "$db"
    rm -rf "$DATA_DIR/filestore/$db"
}

# ---------------------------------------------------------------- Odoo

# Odoo source folder: $ODOO_SRC, else the per-user cache. Sets ODOO_SRC.
# (setup.sh downloads it when missing; the other scripts only read it.)
odoo_src_ok() { [ -f "$1/odoo-bin" ] && [ -f "$1/odoo/release.py" ]; }

check_odoo_version() {
    grep -Eq '^version_info = \(19, ' "$1/odoo/release.py" \
        || die "$1 is not an Odoo 19.0 source tree (odoo/release.py: $(grep -E '^version_info' "$1/odoo/release.py" || echo 'no version_info')).
Set ODOO_SRC to an Odoo 19.0 source tree (the folder that contains odoo-bin)."
}

# Modules to install: $FACTORING_MODULES (comma separated) if set, else
# factoring_base followed by every other folder of addons/ with a __manifest__.py.
our_modules() {
    if [ -n "${FACTORING_MODULES:-}" ]; then
        printf '%s\n' "$FACTORING_MODULES" | tr -d ' '
        return 0
    fi
    local mods=() m
    [ -f "$PROJECT/addons/factoring_base/__manifest__.py" ] && mods+=(factoring_base)
    for m in "$PROJECT"/addons/*/__manifest__.py; do
        [ -e "$m" ] || continue
        m="$(basename "$(dirname "$m")")"
        [ "$m" = factoring_base ] && continue
        mods+=("$m")
    done
    [ "${#mods[@]}" -gt 0 ] || die "no addon found under $PROJECT/addons (no */__manifest__.py). Set FACTORING_MODULES=mod1,mod2 to choose modules."
    local IFS=,
    printf '%s\n' "${mods[*]}"
}

odoo_bin() {
    "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$LOCAL_CONF" "$@"
}

# First port >= $1 on which nothing listens on 127.0.0.1 (for odoo-bin
# --test-enable, which starts the HTTP server: two runs at once, or another
# clone's Odoo, must not fight over 8069).
free_port() {
    local port="$1"
    while port_in_use "$port"; do port=$((port + 1)); done
    printf '%s\n' "$port"
}

# HTTP port for test runs of this clone: derived from the PostgreSQL port so
# that clones differ, then the first free one.
test_http_port() { free_port $((20000 + ($(pg_port) % 1000) * 10 + ${1:-0})); }

# One line naming the exact Odoo source: path, version, commit (when known)
# and the git tree hash of its content (cached, see scripts/odoo_source_id.py).
# Sets ODOO_SOURCE_ID.
ODOO_SOURCE_ID=""
odoo_source_id() {
    [ -n "$ODOO_SOURCE_ID" ] && { printf '%s\n' "$ODOO_SOURCE_ID"; return 0; }
    local cache=()
    # cached next to the source (<ODOO_SRC>.source-id) when that folder is writable
    if [ ! -w "$(dirname "$ODOO_SRC")" ]; then
        mkdir -p "$DATA_DIR"
        cache=("$DATA_DIR/odoo-source-id")
    fi
    ODOO_SOURCE_ID="$("$VENV/bin/python" "$PROJECT/scripts/odoo_source_id.py" "$ODOO_SRC" "${cache[@]}")" \
        || die "could not identify the Odoo source tree $ODOO_SRC"
    printf '%s\n' "$ODOO_SOURCE_ID"
}

log_odoo_source() {
    odoo_source_id >/dev/null
    log "Tests run against Odoo source $ODOO_SOURCE_ID"
}

# The tree hash alone (from ODOO_SOURCE_ID), e.g. for cache keys.
odoo_tree_hash() { odoo_source_id >/dev/null; printf '%s\n' "${ODOO_SOURCE_ID##* tree }"; }

# Create database $1 with our modules (extra odoo-bin args after it), failing
# hard on a non-zero exit code or on ERROR/CRITICAL lines in the log. On
# failure the half-created database is dropped so that the next run retries.
create_db() {
    local db="$1"; shift
    local mods logf rc=0 t0
    mods="$(our_modules)"
    mkdir -p "$LOG_DIR"
    logf="$LOG_DIR/install-$db.log"
    drop_db "$db"
    log "Creating database '$db' with: $mods${*:+ $*} (log: ${logf#"$PROJECT"/})"
    t0=$(now)
    odoo_bin -d "$db" -i "$mods" --stop-after-init --log-level=warn "$@" \
        </dev/null 2>&1 | tee "$logf" || rc=$?
    if [ "$rc" -ne 0 ] || grep -Eq '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logf"; then
        {
            echo
            echo "ERROR: installing '$mods' into database '$db' failed (odoo-bin exit code $rc)."
            echo "ERROR/CRITICAL lines of $logf:"
            grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logf" || echo "  (none; see the full log)"
        } >&2
        drop_db "$db" || true
        return 1
    fi
    # Our own addons must load without warnings (missing access rules, ignored
    # constraints, deprecated API, view problems...): Odoo only warns on those.
    if grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$logf" | grep -Eq 'factoring[._]'; then
        {
            echo
            echo "ERROR: installing '$mods' into '$db' logged warnings about our addons:"
            grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ WARNING ' "$logf" | grep -E 'factoring[._]'
        } >&2
        drop_db "$db" || true
        return 1
    fi
    # odoo-bin exits 0 even when a module name is unknown: check the states.
    local missing
    missing="$(pg_client psql -d "$db" -XAtqc "
        SELECT string_agg(m, ',') FROM unnest(string_to_array('$mods', ',')) AS m
        WHERE m NOT IN (SELECT name FROM ir_module_module WHERE state = 'installed')")"
    if [ -n "$missing" ]; then
        echo "ERROR: module(s) not installed in '$db' after odoo-bin: $missing (see $logf)" >&2
        drop_db "$db" || true
        return 1
    fi
    log "Database '$db' created in $(( $(now) - t0 )) s"
}

# ---------------------------------------------------------------- Odoo's test runner

# Start of an Odoo log line: "2026-11-24 03:40:00,123 4242 "
ODOO_LOG_HEAD='^[0-9-]+ [0-9:,]+ [0-9]+ '

# What the console shows of an odoo-bin --test-enable run (the full log goes
# to a file): warnings, errors, test failures, per-module test timings, totals.
odoo_log_filter() {
    grep --line-buffered -E "${ODOO_LOG_HEAD}(WARNING|ERROR|CRITICAL) |post-tests in|when loading database|Module [a-z0-9_]+ loaded in .*test" \
        || true
}

# check_odoo_test_log LOG RC WHAT SECONDS: judge an odoo-bin --test-enable run
# from its exit code and its log (odoo-bin's exit code alone is not enough:
# it is 0 when no test ran, and errors logged outside a test do not change it).
# Prints "<label>: N passed, N failed" and fails unless tests ran, none failed
# or errored, odoo-bin exited 0 and the log has no ERROR/CRITICAL line.
check_odoo_test_log() {
    local logf="$1" rc="$2" what="$3" secs="$4" summary failed=0 errors=0 total=0 skipped errlines
    summary="$(grep -E '[0-9]+ failed, [0-9]+ error\(s\) of [0-9]+ tests when loading database' "$logf" | tail -1 || true)"
    if [[ "$summary" =~ ([0-9]+)\ failed,\ ([0-9]+)\ error\(s\)\ of\ ([0-9]+)\ tests ]]; then
        failed="${BASH_REMATCH[1]}"; errors="${BASH_REMATCH[2]}"; total="${BASH_REMATCH[3]}"
    fi
    skipped="$(grep -cE "${ODOO_LOG_HEAD}INFO [^ ]+ [^ ]+: skipped " "$logf" || true)"
    errlines="$(grep -cE "${ODOO_LOG_HEAD}(ERROR|CRITICAL) " "$logf" || true)"
    echo
    echo "---- $what: $total tests run in ${secs} s: $((failed + errors)) failed or errored, $skipped skipped (odoo-bin exit code $rc, $errlines ERROR/CRITICAL log lines; log: ${logf#"$PROJECT"/})"
    if [ "$((failed + errors))" -gt 0 ]; then
        echo "Failing tests:"
        grep -E "${ODOO_LOG_HEAD}ERROR [^ ]+ [^ ]+: (FAIL|ERROR): " "$logf" \
            | sed -E "s/${ODOO_LOG_HEAD}ERROR [^ ]+ ([^ ]+): /  \1: /" || true
    fi
    echo "odoo-bin: $((total - failed - errors)) passed, $((failed + errors)) failed"
    if [ -z "$summary" ]; then
        die "$what: odoo-bin did not report a test summary (crashed? exit code $rc): see $logf"
    elif [ "$total" -eq 0 ]; then
        die "$what: NO test ran (are the test modules imported in tests/__init__.py? do the tags match?)"
    elif [ "$((failed + errors))" -gt 0 ]; then
        die "$what: $failed failed, $errors errors"
    elif [ "$rc" -ne 0 ]; then
        die "$what: odoo-bin exited with code $rc"
    elif [ "$errlines" -gt 0 ]; then
        grep -E "${ODOO_LOG_HEAD}(ERROR|CRITICAL) " "$logf" >&2
        die "$what: the log has $errlines ERROR/CRITICAL lines (above)"
    fi
    log "$what: all $total tests passed"
}

# ------------------------------------------------------------ child processes

# kill_tree PID: SIGTERM to PID and everything below it, deepest first.
kill_tree() {
    local child
    for child in $(pgrep -P "$1" 2>/dev/null); do kill_tree "$child"; done
    kill -TERM "$1" 2>/dev/null || true
}

# A test script stopped from outside (a CI time limit, Ctrl-C) must not leave
# odoo-bin, pytest or Chromium running, holding the database and the CPU:
# on exit, whatever the reason, stop every process the script started. The
# PostgreSQL cluster is not among them (pg_ctl detaches it).
kill_children_on_exit() {
    trap 'for _c in $(pgrep -P $$ 2>/dev/null); do kill_tree "$_c"; done' EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
}
