#!/usr/bin/env bash
# `make test`: set up, recreate the test database with our modules and their
# demo data, then run the tests with pytest-odoo.
#
#   FACTORING_TEST_DB    database name (default: factoring_test)
#   FACTORING_MODULES    modules to install (default: factoring_base + every addon of addons/)
#   FACTORING_TEST_PATHS what pytest collects (default: "addons tests", the existing ones)
#   PYTEST_ADDOPTS       extra pytest options (standard pytest variable), e.g. "-k limits -x"
#   Arguments given to this script are passed to pytest as well.
#
# Fails (non-zero) when the install fails, when a test fails, and when no
# test is collected.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

# pytest cannot import an addon's tests (relative imports fail with a confusing
# "attempted relative import with no known parent package") when the tests
# folder is not a package; Odoo would not run them either.
for t in "$PROJECT"/addons/*/tests; do
    if compgen -G "$t/test_*.py" >/dev/null && [ ! -f "$t/__init__.py" ]; then
        die "${t#"$PROJECT"/}/ has test_*.py files but no __init__.py (is it committed?)"
    fi
done

kill_children_on_exit
do_setup
log_odoo_source
create_db "$FACTORING_TEST_DB" --with-demo

paths=()
for p in ${FACTORING_TEST_PATHS:-addons tests}; do
    if [ -e "$PROJECT/$p" ] || [ -e "$p" ]; then paths+=("$p"); fi
done
[ "${#paths[@]}" -gt 0 ] || die "nothing to test: none of '${FACTORING_TEST_PATHS:-addons tests}' exists"

cd "$PROJECT"
# The HTTP server of the tests serves the test database only: odoo.conf's
# dbfilter (^factoring.*$) matches every database of the cluster (test-odoo's,
# the core suites', the demo), and a request without a session (the tours'
# asset warm-up) finds no database when several match: 404.
rm -rf "$LOG_DIR/screenshots"  # the browser tours' screenshots of this run only
log "Running pytest-odoo on ${paths[*]} (database '$FACTORING_TEST_DB')"
rc=0
PYTHONPATH="$ODOO_SRC${PYTHONPATH:+:$PYTHONPATH}" "$VENV/bin/python" -m pytest \
    --odoo-database="$FACTORING_TEST_DB" \
    --odoo-config="$LOCAL_CONF" \
    --odoo-addons-path="$ODOO_SRC/addons,$PROJECT/addons" \
    --odoo-http --odoo-extra="screenshots=$LOG_DIR/screenshots" \
    --odoo-extra="db-filter=^${FACTORING_TEST_DB}\$" \
    -p no:cacheprovider -ra \
    "${paths[@]}" "$@" </dev/null &
wait $! || rc=$?

case "$rc" in
    0) log "All tests passed" ;;
    5) die "pytest collected NO tests in: ${paths[*]} (a test suite must exist: test_*.py files with test cases)" ;;
    *) die "pytest failed (exit code $rc)" ;;
esac
