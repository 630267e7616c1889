#!/usr/bin/env bash
# `make clean`: stop the cluster and delete everything the scripts created:
# .venv/, .venv-lint/, dist/ (make wheels), the PostgreSQL cluster (.pgdata/ or its /var/tmp fallback),
# .odoo-data/, .odoo-local.conf and .logs/. The Odoo source cache is kept.
set -euo pipefail
# shellcheck source=scripts/pg.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg.sh"

pg_stop || warn "could not stop PostgreSQL cleanly"
for d in "$PG_ROOT" "$PROJECT/.pgdata" "$PGPORT_FILE" "$VENV" "$PROJECT/.venv-lint" "$PROJECT/dist" "$DATA_DIR" "$LOCAL_CONF" "$LOG_DIR"; do
    if [ -e "$d" ]; then
        log "Removing $d"
        rm -rf "$d"
    fi
done
