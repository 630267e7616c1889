#!/usr/bin/env bash
# `make bench`: set up, make sure the benchmark database exists (our modules,
# WITHOUT demo data; an existing one is updated), then run
#   .venv/bin/python tests/benchmarks/bench_schedule.py \
#       --odoo-src $ODOO_SRC --config .odoo-local.conf -d $BENCH_DB [BENCH_ARGS...]
#
#   BENCH_DB    database name (default: factoring_bench)
#   BENCH_ARGS  extra arguments for bench_schedule.py (word-split), also "$@"
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

script="$PROJECT/tests/benchmarks/bench_schedule.py"
[ -f "$script" ] || die "$script does not exist yet"
do_setup
if ! db_exists "$BENCH_DB"; then
    create_db "$BENCH_DB"
else
    # Measure the code as it is: bring the existing database's schema (fields,
    # indexes) up to date with it.
    log "Updating our modules in database '$BENCH_DB'"
    odoo_bin -d "$BENCH_DB" -u "$(our_modules)" --stop-after-init --log-level=warn </dev/null
fi
cd "$PROJECT"
# shellcheck disable=SC2086
exec "$VENV/bin/python" "$script" --odoo-src "$ODOO_SRC" --config "$LOCAL_CONF" \
    -d "$BENCH_DB" ${BENCH_ARGS:-} "$@"
