#!/usr/bin/env bash
# `make bench`: set up, make sure the benchmark database exists (our modules,
# WITHOUT demo data; an existing one is updated), then run the benchmarks of
# tests/benchmarks/ one after the other, each as
#   .venv/bin/python tests/benchmarks/bench_<name>.py \
#       --odoo-src $ODOO_SRC --config .odoo-local.conf -d $BENCH_DB [BENCH_ARGS...]
#
#   BENCH       which ones, comma-separated names (default: every bench_*.py),
#               e.g. BENCH=schedule or BENCH=limits,collections
#   BENCH_DB    database name (default: factoring_bench)
#   BENCH_ARGS  extra arguments (word-split), also "$@"; only with one BENCH,
#               since each benchmark has its own options
# Fails when any benchmark fails (a target missed is printed, not a failure).
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

names=()
if [ -n "${BENCH:-}" ]; then
    IFS=, read -r -a names <<<"$BENCH"
else
    for f in "$PROJECT"/tests/benchmarks/bench_*.py; do
        [ -e "$f" ] || continue
        n="${f##*/bench_}"; names+=("${n%.py}")
    done
fi
[ "${#names[@]}" -gt 0 ] || die "no benchmark in tests/benchmarks/ (bench_*.py)"
for n in "${names[@]}"; do
    [ -f "$PROJECT/tests/benchmarks/bench_$n.py" ] || die "no benchmark tests/benchmarks/bench_$n.py"
done
if [ "${#names[@]}" -gt 1 ] && { [ -n "${BENCH_ARGS:-}" ] || [ "$#" -gt 0 ]; }; then
    die "BENCH_ARGS apply to one benchmark: choose it with BENCH=<name> (one of: ${names[*]})"
fi
kill_children_on_exit
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
failed=()
for n in "${names[@]}"; do
    log "Benchmark $n: tests/benchmarks/bench_$n.py"
    # shellcheck disable=SC2086
    "$VENV/bin/python" "tests/benchmarks/bench_$n.py" --odoo-src "$ODOO_SRC" \
        --config "$LOCAL_CONF" -d "$BENCH_DB" ${BENCH_ARGS:-} "$@" </dev/null &
    wait $! || failed+=("$n")
done
[ "${#failed[@]}" -eq 0 ] || die "benchmark(s) failed: ${failed[*]}"
