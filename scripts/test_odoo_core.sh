#!/usr/bin/env bash
# `make test-odoo-core` / `make test-odoo-account`: Odoo's own test suites with
# our addons installed, compared with a baseline database without them.
#
#   scripts/test_odoo_core.sh core     crm's whole suite + the account test classes our code
#                                      touches (reconciliation, payment register, payment
#                                      methods, chart template, branches, partners, journal
#                                      entries, payments); a few minutes per database
#   scripts/test_odoo_core.sh account  the whole /account suite (about 33 minutes per database)
#
# Two databases, both WITHOUT demo data:
#   ours      factoring_core: every addon of addons/ (and so what they depend on)
#   baseline  factoring_core_base: only the Odoo modules our addons depend on
# In each, the selected tests run through scripts/odoo_tests_post_install.py:
# at_install tests run in the post-install phase too, so our overrides are active
# while crm's at_install tests run. Both runs go at once (2 processes).
#
# Fails when a test fails or errors with our addons but passes (or is skipped)
# on the baseline, or ran on the baseline and not with our addons; prints both
# lists of failing tests. Failures the baseline shares are shown, not counted.
#
# The baseline's outcomes depend only on the Odoo source, the virtualenv and the
# selection, so they are cached in ~/.cache/factoring-ccm/odoo-test-baseline/,
# keyed by the Odoo source tree hash, the baseline modules, the test tags and the
# virtualenv's requirements. FACTORING_BASELINE_CACHE=0 runs the baseline again.
#
#   FACTORING_CORE_TAGS   --test-tags of the "core" selection (default below)
#   FACTORING_CORE_DB     database with our addons (default: factoring_core)
#   FACTORING_CORE_BASE_DB baseline database (default: factoring_core_base)
# Logs and results: .logs/odoo-<mode>-{ours,baseline}.{log,json}, .logs/odoo-<mode>-report.txt
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# The account classes: what factoring_base changes or relies on.
#   TestAccountMoveReconcile      reconciliation (fees follow what settled an item)
#   TestAccountPaymentRegister    Odoo's payment wizard (debtor payments, reserve release)
#   TestAccountPaymentMethodLine  payment methods of journals (our factoring journal)
#   TestAccountPayment            payments
#   TestCompanyBranch             branches share their root company's journals and accounts
#   TestChartTemplate             chart loading (our accounts and journal per company)
#   TestAccountPartner, TestMergePartner  partners (ratings, roles, copy, merge)
#   TestAccountMove               journal entries (post, reverse, reset to draft)
CORE_TAGS_DEFAULT="/crm,/account:TestAccountMoveReconcile,/account:TestAccountPaymentRegister,\
/account:TestAccountPaymentMethodLine,/account:TestAccountPayment,/account:TestCompanyBranch,\
/account:TestChartTemplate,/account:TestAccountPartner,/account:TestMergePartner,/account:TestAccountMove"

mode="${1:-core}"
case "$mode" in
    core) tags="${FACTORING_CORE_TAGS:-$CORE_TAGS_DEFAULT}" ;;
    account) tags="/account" ;;
    *) die "usage: $0 core|account" ;;
esac
OURS_DB="${FACTORING_CORE_DB:-factoring_core}"
BASE_DB="${FACTORING_CORE_BASE_DB:-factoring_core_base}"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/factoring-ccm/odoo-test-baseline"

kill_children_on_exit
do_setup
log_odoo_source
ours="$(our_modules)"
# The Odoo modules our addons depend on (directly), minus our own addons.
base_mods="$("$VENV/bin/python" - "$PROJECT/addons" "$ours" <<'PY'
import ast, os, sys
root, ours = sys.argv[1], set(sys.argv[2].split(","))
deps = set()
for mod in ours:
    with open(os.path.join(root, mod, "__manifest__.py"), encoding="utf-8") as f:
        deps.update(ast.literal_eval(f.read()).get("depends", []))
print(",".join(sorted(deps - ours)))
PY
)"
[ -n "$base_mods" ] || die "our addons depend on no Odoo module?"

mkdir -p "$LOG_DIR" "$CACHE_DIR"
key="$( {
    echo "tree=$(odoo_tree_hash)"
    echo "modules=$base_mods"
    echo "tags=$tags"
    cat "$VENV/.factoring-stamp" 2>/dev/null || true
    echo "runner=$(sha256sum "$PROJECT/scripts/odoo_tests_post_install.py" | cut -d' ' -f1)"
} | sha256sum | cut -c1-16)"
cached="$CACHE_DIR/$mode-$key.json"

# run_suite DB LABEL: run the selection in DB, results in .logs/odoo-<mode>-LABEL.json
run_suite() {
    local db="$1" label="$2" port="$3" rc=0 t0
    local logf="$LOG_DIR/odoo-$mode-$label.log" json="$LOG_DIR/odoo-$mode-$label.json"
    rm -f "$json"
    t0=$(now)
    log "[$label] running Odoo's tests $tags in '$db' (log: ${logf#"$PROJECT"/})"
    FACTORING_TEST_RESULTS="$json" "$VENV/bin/python" "$PROJECT/scripts/odoo_tests_post_install.py" \
        -c "$LOCAL_CONF" -d "$db" --test-enable --test-tags "$tags" --http-port="$port" --db-filter="^${db}\$" \
        --stop-after-init --log-level=info </dev/null >"$logf" 2>&1 || rc=$?
    # exit code 1 = some test failed: judged by the comparison. Anything else is a crash.
    if [ "$rc" -gt 1 ] || [ ! -s "$json" ]; then
        grep -E "${ODOO_LOG_HEAD}(ERROR|CRITICAL) " "$logf" | tail -20 >&2 || true
        die "[$label] odoo-bin failed (exit code $rc) before reporting test results: see $logf"
    fi
    log "[$label] done in $(( $(now) - t0 )) s: $(grep -E 'when loading database' "$logf" | tail -1 | sed -E "s/${ODOO_LOG_HEAD}[A-Z]+ [^ ]+ [^ ]+: //")"
}

# prepare_and_run DB MODULES LABEL PORT
prepare_and_run() {
    local db="$1" mods="$2" label="$3" port="$4"
    FACTORING_MODULES="$mods" create_db "$db" 2>&1 | sed -u "s/^/[$label] /"
    [ "${PIPESTATUS[0]}" -eq 0 ] || die "[$label] could not create database '$db'"
    run_suite "$db" "$label" "$port"
}

t0=$(now)
pids=()
if [ "${FACTORING_BASELINE_CACHE:-1}" != 0 ] && [ -s "$cached" ]; then
    log "[baseline] reusing cached results $cached (same Odoo tree, modules $base_mods, tags, venv; FACTORING_BASELINE_CACHE=0 to rerun)"
    cp "$cached" "$LOG_DIR/odoo-$mode-baseline.json"
else
    log "[baseline] database '$BASE_DB' with $base_mods (no demo data)"
    ( prepare_and_run "$BASE_DB" "$base_mods" baseline "$(test_http_port 5)" \
        && cp "$LOG_DIR/odoo-$mode-baseline.json" "$cached.tmp" && mv "$cached.tmp" "$cached" ) &
    pids+=($!)
fi
log "[ours] database '$OURS_DB' with $ours (no demo data)"
( prepare_and_run "$OURS_DB" "$ours" ours "$(test_http_port 1)" ) &
pids+=($!)
failed=0
for pid in "${pids[@]}"; do wait "$pid" || failed=1; done
[ "$failed" -eq 0 ] || die "a test run failed to complete (see above)"

echo
log "Odoo's tests $tags: with our addons vs baseline ($(( $(now) - t0 )) s)"
rc=0
regressions="$LOG_DIR/odoo-$mode-regressions.txt"
FACTORING_REGRESSIONS_OUT="$regressions" "$VENV/bin/python" "$PROJECT/scripts/odoo_tests_compare.py" \
    "$LOG_DIR/odoo-$mode-baseline.json" "$LOG_DIR/odoo-$mode-ours.json" \
    "$LOG_DIR/odoo-$mode-report.txt" || rc=$?
if [ "$rc" -eq 1 ] && [ -s "$regressions" ] && [ "${FACTORING_CORE_RERUN:-1}" != 0 ] \
        && grep -qE '^odoo\.addons\.[^.]+\.tests\.' "$regressions"; then
    # Browser tours time out on a busy machine (a step gets 10 s). Each test
    # failing with our addons only runs once more, alone; the verdict is the
    # second run's; the report lists the tests that passed only the second time.
    rerun_tags="$(sed -nE 's/^odoo\.addons\.([^.]+)\.tests\.[^.]+\.([^.]+)\.([^.]+)$/\/\1:\2.\3/p' "$regressions" | paste -sd, -)"
    log "Running the $(wc -l <"$regressions") test(s) that failed with our addons once more: $rerun_tags"
    tags="$rerun_tags" run_suite "$OURS_DB" ours-rerun "$(test_http_port 1)"
    "$VENV/bin/python" - "$LOG_DIR/odoo-$mode-ours.json" "$LOG_DIR/odoo-$mode-ours-rerun.json" \
        <<'PY' | tee "$LOG_DIR/odoo-$mode-flaky.txt"
import json, sys
first, rerun = (json.load(open(path, encoding="utf-8")) for path in sys.argv[1:3])
flaky = sorted(t for t, outcome in rerun.items() if first.get(t) in ("fail", "error") and outcome == "pass")
for test_id in flaky:
    print(f"flaky (failed, then passed alone): {test_id}")
first.update(rerun)
json.dump(first, open(sys.argv[1], "w", encoding="utf-8"), indent=1, sort_keys=True)
PY
    rc=0
    "$VENV/bin/python" "$PROJECT/scripts/odoo_tests_compare.py" \
        "$LOG_DIR/odoo-$mode-baseline.json" "$LOG_DIR/odoo-$mode-ours.json" \
        "$LOG_DIR/odoo-$mode-report.txt" || rc=$?
    cat "$LOG_DIR/odoo-$mode-flaky.txt" >>"$LOG_DIR/odoo-$mode-report.txt"
fi
case "$rc" in
    0) log "No regression in Odoo's own tests (report: ${LOG_DIR#"$PROJECT"/}/odoo-$mode-report.txt)" ;;
    1) die "Odoo's own tests fail with our addons where they pass without them (tracebacks: .logs/odoo-$mode-ours.log)" ;;
    *) die "comparing the results failed (exit code $rc)" ;;
esac
