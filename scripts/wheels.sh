#!/usr/bin/env bash
# `make wheels`: one wheel per addon, named and versioned as OCA's are
# (odoo_addon_factoring_base-19.0.1.0.0.N-py3-none-any.whl: the manifest's
# version, .N = commits since it last changed), built by whool (the build
# backend of addons/<addon>/pyproject.toml) into dist/ (or $WHEELS_DIR).
#
# whool packages the files git tracks: commit new files before building.
# Needs no database and no Odoo source. The wheels install with
#   pip install dist/odoo_addon_factoring_*.whl   (see docs/install-pip.md)
set -euo pipefail
# shellcheck source=scripts/lint.sh
source "$(dirname "${BASH_SOURCE[0]}")/lint.sh"

WHEELS_DIR="${WHEELS_DIR:-$PROJECT/dist}"

setup_lint_venv
cd "$PROJECT"
mkdir -p "$WHEELS_DIR"
rm -f "$WHEELS_DIR"/odoo_addon_*.whl
addons=()
for m in addons/*/__manifest__.py; do
    d="$(dirname "$m")"
    [ -f "$d/pyproject.toml" ] || die "$d has no pyproject.toml: run make lint (its whool-init hook creates it) and commit it"
    addons+=("$d")
done
[ "${#addons[@]}" -gt 0 ] || die "no addon in addons/"
if [ -n "$(git status --porcelain -- "${addons[@]}")" ]; then
    warn "uncommitted changes in addons/: the wheels hold the committed files only (whool packages what git tracks)"
fi
log "Building ${#addons[@]} wheels with whool $("$LINT_VENV/bin/python" -c 'import importlib.metadata as m; print(m.version("whool"))') into ${WHEELS_DIR#"$PROJECT"/}"
PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1 \
    "$LINT_VENV/bin/python" -m pip wheel -q --no-deps --no-build-isolation -w "$WHEELS_DIR" "${addons[@]}" </dev/null
ls -1 "$WHEELS_DIR"/odoo_addon_*.whl | sed "s|^$WHEELS_DIR/|    |"
