#!/usr/bin/env bash
# Formats the whole repository the OCA way: every hook of
# .pre-commit-config.yaml, the formatters included (ruff format, prettier for
# XML/JS/CSS/Markdown/YAML, whitespace and end-of-file fixers), allowed to
# rewrite files. Runs pre-commit until nothing changes any more (at most 3
# times), then prints what changed (git diff --stat). Commit the result, then
# make the formatters part of `make lint` (FACTORING_LINT_FORMATTERS defaults to
# run in scripts/lint.sh).
#
# It rewrites many files: run it when nobody has unmerged work on them.
set -euo pipefail
# shellcheck source=scripts/lint.sh
source "$(dirname "${BASH_SOURCE[0]}")/lint.sh"

setup_lint_venv
ensure_node
cd "$PROJECT"
mkdir -p "$LOG_DIR"
FACTORING_LINT_FORMATTERS=run
for pass in 1 2 3; do
    log "format_all: pre-commit run --all-files, pass $pass"
    if run_pre_commit >"$LOG_DIR/format_all-$pass.log" 2>&1; then
        log "format_all: clean after pass $pass"
        git diff --stat | tail -n 1
        exit 0
    fi
    grep -E '^\S.*\.{3,}(Failed|Passed)' "$LOG_DIR/format_all-$pass.log" | grep Failed || true
done
tail -n 60 "$LOG_DIR/format_all-3.log" >&2
die "format_all: still failing after 3 passes: what is left (above, full log $LOG_DIR/format_all-3.log) needs a fix by hand"
