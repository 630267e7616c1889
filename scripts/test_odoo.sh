#!/usr/bin/env bash
# `make test-odoo`: our addons' tests with Odoo's own test runner, as
# integrators' CI runs them: a fresh database, our addons installed with their
# demo data and their tests (at_install tests while each addon installs,
# post_install tests once all are installed):
#
#   odoo-bin -c .odoo-local.conf -d factoring_odootest -i <our addons> --with-demo \
#       --test-enable --test-tags /factoring_base,/<every addon of addons/> --stop-after-init
#
#   FACTORING_ODOO_TEST_DB  database name (default: factoring_odootest; dropped and recreated)
#   FACTORING_MODULES       addons to install and test (default: every addon of addons/)
#   FACTORING_TEST_TAGS     --test-tags value (default: /<addon> for each of them)
#   Arguments given to this script are passed to odoo-bin.
#
# Fails (non-zero) when odoo-bin exits non-zero, when a test fails or errors,
# when the log has ERROR/CRITICAL lines, and when no test ran.
# Full log: .logs/test-odoo.log; the console shows warnings, errors and the summary.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

DB="${FACTORING_ODOO_TEST_DB:-factoring_odootest}"

kill_children_on_exit
do_setup
log_odoo_source
mods="$(our_modules)"
tags="${FACTORING_TEST_TAGS:-$(printf '%s' "$mods" | sed -E 's#(^|,)#\1/#g')}"
mkdir -p "$LOG_DIR"
logf="$LOG_DIR/test-odoo.log"
drop_db "$DB"
port="$(test_http_port)"
log "odoo-bin: installing $mods with demo data into a new database '$DB' and running --test-tags $tags (log: ${logf#"$PROJECT"/})"
t0=$(now)
set +e
odoo_bin -d "$DB" -i "$mods" --with-demo --test-enable --test-tags "$tags" \
    --http-port="$port" --db-filter="^${DB}\$" --stop-after-init --log-level=info "$@" </dev/null 2>&1 \
    | tee "$logf" | odoo_log_filter
rc="${PIPESTATUS[0]}"
set -e
check_odoo_test_log "$logf" "$rc" "odoo-bin tests of $mods" "$(( $(now) - t0 ))"
