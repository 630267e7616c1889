#!/usr/bin/env bash
# `make lint`: the pre-commit checks of .pre-commit-config.yaml (OCA's 19.0
# template: ruff, pylint-odoo, oca-odoo-pre-commit-hooks, prettier, eslint, whool,
# the readme and hygiene hooks) on every file of the repository:
#
#   pre-commit run --all-files
#
# pre-commit itself lives in its own virtualenv .venv-lint (created here from
# requirements-lint.txt; never the shared .venv, so that the linters' pins
# cannot change what Odoo runs with). Each hook installs its tool from PyPI or
# npm into pre-commit's cache (PRE_COMMIT_HOME, default ~/.cache/pre-commit)
# on the first run; later runs reuse it. Hooks that fix what they find (ruff
# --fix, whitespace) rewrite the files and fail, as in OCA's repositories.
#
#   FACTORING_LINT_FORMATTERS=skip|run   the formatters ruff-format and prettier
#       (FORMAT_HOOKS below). Default: skip, until the repository has been
#       formatted once with scripts/format_all.sh; then the default becomes run.
#
# Needs no database and no Odoo source; needs git, Node.js and npm (installed
# with apt-get when missing and root).
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

LINT_VENV="$PROJECT/.venv-lint"
LINT_REQ="$PROJECT/requirements-lint.txt"
FORMAT_HOOKS=(ruff-format prettier)
FACTORING_LINT_FORMATTERS="${FACTORING_LINT_FORMATTERS:-skip}"

setup_lint_venv() {
    local py want stamp="$LINT_VENV/.factoring-stamp"
    if [ -x "$LINT_VENV/bin/python" ] && ! "$LINT_VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 10))' 2>/dev/null; then
        rm -rf "$LINT_VENV"
    fi
    if [ ! -x "$LINT_VENV/bin/python" ]; then
        py="$(find_python)"
        log "Creating lint virtualenv ${LINT_VENV#"$PROJECT"/} with $py"
        "$py" -m venv "$LINT_VENV"
    fi
    want="$( { "$LINT_VENV/bin/python" --version 2>&1; sha256sum "$LINT_REQ" | cut -d' ' -f1; } | sha256sum | cut -d' ' -f1)"
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$want" ]; then
        rm -f "$stamp"
        log "Installing $(grep -vE '^\s*(#|$)' "$LINT_REQ" | tr '\n' ' ')into ${LINT_VENV#"$PROJECT"/}"
        PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
            "$LINT_VENV/bin/python" -m pip install -q --progress-bar off -r "$LINT_REQ" </dev/null
        echo "$want" > "$stamp"
    fi
}

# prettier's hook is a `language: node` hook on the machine's Node.js
# (default_language_version: system).
ensure_node() {
    command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 && return 0
    apt_install nodejs Node.js && apt_install npm npm && return 0
    die "Node.js and npm are needed by the prettier hook of make lint (Debian/Ubuntu: sudo apt-get install nodejs npm)"
}

# pre-commit run --all-files [extra args], with the formatters skipped unless
# FACTORING_LINT_FORMATTERS=run.
run_pre_commit() {
    local skip="${SKIP:-}"
    case "$FACTORING_LINT_FORMATTERS" in
        run) ;;
        skip) skip="${skip:+$skip,}$(IFS=,; echo "${FORMAT_HOOKS[*]}")" ;;
        *) die "FACTORING_LINT_FORMATTERS must be skip or run, not '$FACTORING_LINT_FORMATTERS'" ;;
    esac
    SKIP="$skip" "$LINT_VENV/bin/pre-commit" run --all-files --show-diff-on-failure --color=never "$@" </dev/null
}

# Only when executed (scripts/format_all.sh sources this file for the functions).
if [ "${BASH_SOURCE[0]}" = "$0" ]; then
    setup_lint_venv
    ensure_node
    cd "$PROJECT"
    [ -d .git ] || [ -f .git ] || die "make lint needs a git checkout (pre-commit checks the files git tracks)"
    log "pre-commit $("$LINT_VENV/bin/pre-commit" --version | cut -d' ' -f2): run --all-files" \
        "(formatters ${FORMAT_HOOKS[*]}: $FACTORING_LINT_FORMATTERS)"
    run_pre_commit || die "lint: pre-commit reported problems (above); files that a hook fixed are modified in the work tree"
    log "lint: the pre-commit checks are clean"
fi
