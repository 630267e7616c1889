#!/usr/bin/env bash
# `make run`: set up, create the demo database on first use, then run Odoo in
# the foreground on http://127.0.0.1:8069 (Ctrl-C to stop).
#
#   FACTORING_DB       database name (default: factoring)
#   FACTORING_MODULES  modules to install (default: factoring_base + every addon of addons/)
#   Extra arguments are passed to odoo-bin (e.g. scripts/run.sh --dev=all).
#
# First run: odoo-bin -d factoring -i <modules> --with-demo --stop-after-init
# Later runs: when the files of addons/ changed since the last run, the
# modules are updated first (-u, and -i for addons added meanwhile).
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

addons_hash() {
    (cd "$PROJECT" && find addons -type f ! -name '*.pyc' ! -path '*/__pycache__/*' -print0 2>/dev/null \
        | sort -z | xargs -0 -r sha256sum) | { echo "modules=$(our_modules)"; cat; } | sha256sum | cut -d' ' -f1
}

do_setup
mods="$(our_modules)"
stamp="$DATA_DIR/.addons-hash-$FACTORING_DB"

if ! db_exists "$FACTORING_DB"; then
    create_db "$FACTORING_DB" --with-demo
    addons_hash > "$stamp"
elif [ "$(cat "$stamp" 2>/dev/null || true)" != "$(addons_hash)" ]; then
    mkdir -p "$LOG_DIR"
    logf="$LOG_DIR/update-$FACTORING_DB.log"
    log "addons/ changed since the last run: updating $mods in '$FACTORING_DB' (log: ${logf#"$PROJECT"/})"
    rc=0
    odoo_bin -d "$FACTORING_DB" -i "$mods" -u "$mods" --stop-after-init --log-level=warn \
        </dev/null 2>&1 | tee "$logf" || rc=$?
    if [ "$rc" -ne 0 ] || grep -Eq '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logf"; then
        grep -E '^[0-9-]+ [0-9:,]+ [0-9]+ (ERROR|CRITICAL) ' "$logf" >&2 || true
        die "updating $mods in '$FACTORING_DB' failed (exit code $rc, log: $logf). Fix the addon, or drop the database: scripts/pg.sh psql -c 'DROP DATABASE \"$FACTORING_DB\"'"
    fi
    addons_hash > "$stamp"
fi

http_port="$(sed -nE 's/^[[:space:]]*http_port[[:space:]]*=[[:space:]]*([0-9]+).*/\1/p' "$LOCAL_CONF" | tail -1)"
echo
echo "============================================================"
echo " Open http://127.0.0.1:${http_port:-8069}, log in as admin / admin"
echo " (database '$FACTORING_DB'; Ctrl-C to stop Odoo)"
echo "============================================================"
echo
exec "$VENV/bin/python" "$ODOO_SRC/odoo-bin" -c "$LOCAL_CONF" -d "$FACTORING_DB" \
    --db-filter="^${FACTORING_DB}\$" "$@"
