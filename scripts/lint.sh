#!/usr/bin/env bash
# `make lint`: ruff and pylint-odoo (OCA's checks for Odoo 19.0) on the whole
# repository, from their own virtualenv .venv-lint (created here from
# requirements-lint.txt; never the shared .venv, so the linters' pins cannot
# change what Odoo runs with).
#
#   ruff check --no-fix .                          config: .ruff.toml
#   pylint --rcfile=.pylintrc addons/<each> tests  config: .pylintrc (OCA's mandatory + optional checks)
#
# Fails when either reports anything. Fixes: .venv-lint/bin/ruff check --fix .
# Last, a separate step: scripts/gen_addon_readme.py --check (each addon's
# README.rst and static/description/index.html up to date with its readme/).
# Needs no database and no Odoo source.
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

LINT_VENV="$PROJECT/.venv-lint"
LINT_REQ="$PROJECT/requirements-lint.txt"

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

setup_lint_venv
cd "$PROJECT"
targets=()
for d in addons/*/; do
    [ -f "$d/__manifest__.py" ] && targets+=("${d%/}")
done
[ -d tests ] && targets+=(tests)
[ "${#targets[@]}" -gt 0 ] || die "nothing to lint: no addon in addons/"

failed=()
log "ruff $("$LINT_VENV/bin/ruff" --version | cut -d' ' -f2): ruff check --no-fix ."
"$LINT_VENV/bin/ruff" check --no-fix --output-format=concise . || failed+=(ruff)
log "pylint-odoo $("$LINT_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("pylint-odoo"))'): pylint --rcfile=.pylintrc ${targets[*]}"
"$LINT_VENV/bin/pylint" --rcfile=.pylintrc --output-format=text "${targets[@]}" || failed+=(pylint-odoo)
if [ "${#failed[@]}" -gt 0 ]; then
    die "lint: ${failed[*]} reported problems (above)"
fi
log "lint: ruff and pylint-odoo are clean"

# --- addon manuals (a separate step): README.rst and index.html ---------------
# Generated from each addon's readme/*.md by scripts/gen_addon_readme.py with
# the docutils of requirements-lint.txt; fails when one is out of date.
log "addon manuals: scripts/gen_addon_readme.py --check"
"$LINT_VENV/bin/python" scripts/gen_addon_readme.py --check \
    || die "lint: an addon's README.rst or index.html is out of date: run .venv/bin/python scripts/gen_addon_readme.py"
log "lint: the addon manuals are up to date"
# --- end of addon manuals ------------------------------------------------------
