#!/usr/bin/env bash
# Idempotent set-up shared by `make run`, `make test` and `make bench`:
#   1. find Odoo 19.0 ($ODOO_SRC, else ~/.cache/factoring-ccm/odoo-19.0, else download it there)
#   2. virtualenv .venv with Odoo's requirements (minus python-ldap) + requirements.txt
#      (skipped when the stamp .venv/.factoring-stamp is up to date)
#   3. start the project-local PostgreSQL cluster (scripts/pg.sh)
#   4. write .odoo-local.conf from odoo.conf (absolute addons_path, db_port, data_dir)
#   5. Chromium for the browser tours and wkhtmltopdf for PDF reports
#      (apt-get install when root, else a warning)
# A second run reuses everything and takes a few seconds.
# When sourced, only defines do_setup (which exports ODOO_SRC).
set -euo pipefail
# shellcheck source=scripts/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# shellcheck source=scripts/pg.sh
source "$(dirname "${BASH_SOURCE[0]}")/pg.sh"

ODOO_SRC_HINT="Set ODOO_SRC to an Odoo 19.0 source tree (the folder that contains odoo-bin and odoo/release.py), e.g. ODOO_SRC=/path/to/odoo make test"

download_odoo() {
    local dest="$1" parent tmp
    parent="$(dirname "$dest")"
    mkdir -p "$parent" || return 1
    command -v curl >/dev/null 2>&1 || { warn "curl not found, cannot download Odoo"; return 1; }
    tmp="$(mktemp -d "$parent/.download.XXXXXX")" || return 1
    log "Downloading Odoo 19.0 source from $ODOO_TARBALL_URL (a few hundred MB) ..."
    local progress=-sS
    [ -t 2 ] && progress=-#
    if curl "$progress" -fL --retry 3 --connect-timeout 20 -o "$tmp/odoo.tar.gz" "$ODOO_TARBALL_URL" </dev/null \
        && mkdir "$tmp/src" \
        && tar -xzf "$tmp/odoo.tar.gz" --strip-components=1 -C "$tmp/src" \
        && odoo_src_ok "$tmp/src"; then
        if [ -e "$dest" ]; then
            # an incomplete earlier attempt: keep it aside, never delete user files
            mv "$dest" "$dest.incomplete.$(date +%Y%m%d%H%M%S)"
        fi
        mv "$tmp/src" "$dest"
        # The commit the tarball was made from (GitHub archives carry it in a
        # pax header): scripts/odoo_source_id.py prints it with the tree hash.
        rm -f "$dest.commit" "$dest.source-id"
        local commit=""
        if command -v git >/dev/null 2>&1; then
            commit="$(gzip -dc "$tmp/odoo.tar.gz" 2>/dev/null | git get-tar-commit-id 2>/dev/null || true)"
        fi
        if [[ "$commit" =~ ^[0-9a-f]{40}$ ]]; then
            printf '%s\n' "$commit" > "$dest.commit"
            log "Odoo source commit $commit (from the tarball)"
        fi
        rm -rf "$tmp"
        return 0
    fi
    rm -rf "$tmp"
    return 1
}

find_odoo() {
    if [ -n "${ODOO_SRC:-}" ]; then
        [ -d "$ODOO_SRC" ] && odoo_src_ok "$ODOO_SRC" \
            || die "ODOO_SRC=$ODOO_SRC does not contain odoo-bin and odoo/release.py.
$ODOO_SRC_HINT"
        ODOO_SRC="$(cd "$ODOO_SRC" && pwd -P)"
    elif odoo_src_ok "$ODOO_CACHE_DIR"; then
        ODOO_SRC="$ODOO_CACHE_DIR"
    elif download_odoo "$ODOO_CACHE_DIR"; then
        ODOO_SRC="$ODOO_CACHE_DIR"
    else
        die "Odoo 19.0 source not found: ODOO_SRC is not set, $ODOO_CACHE_DIR has no odoo-bin and downloading $ODOO_TARBALL_URL failed.
$ODOO_SRC_HINT"
    fi
    check_odoo_version "$ODOO_SRC"
    export ODOO_SRC
}

find_python() {
    local py
    for py in "${PYTHON:-}" python3.11 python3.12 python3.13 python3; do
        [ -n "$py" ] && command -v "$py" >/dev/null 2>&1 || continue
        if "$py" -c 'import sys, venv; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
            command -v "$py"
            return 0
        fi
    done
    die "Python >= 3.11 (with the venv module; Debian: apt-get install python3-venv) not found. Set PYTHON=/path/to/python3.11."
}

setup_venv() {
    local py stamp want odoo_req
    odoo_req="$VENV/odoo-requirements.txt"
    stamp="$VENV/.factoring-stamp"
    if [ -x "$VENV/bin/python" ] && ! "$VENV/bin/python" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
        warn "$VENV is broken or uses Python < 3.11: recreating it"
        rm -rf "$VENV"
    fi
    if [ ! -x "$VENV/bin/python" ]; then
        py="$(find_python)"
        log "Creating virtualenv $VENV with $py ($("$py" --version 2>&1))"
        rm -rf "$VENV"
        "$py" -m venv "$VENV"
    fi
    want="$( {
        echo "odoo_src=$ODOO_SRC"
        "$VENV/bin/python" --version 2>&1
        sha256sum "$ODOO_SRC/requirements.txt" | cut -d' ' -f1
        sha256sum "$PROJECT/requirements.txt" | cut -d' ' -f1
    } | sha256sum | cut -d' ' -f1)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
        log "Virtualenv up to date ($VENV)"
    else
        local t0
        t0=$(now)
        rm -f "$stamp"
        # python-ldap needs libldap headers to build and is only used by auth_ldap.
        grep -viE '^[[:space:]]*python-ldap([^a-z0-9_-]|$)' "$ODOO_SRC/requirements.txt" > "$odoo_req"
        log "Installing Odoo requirements (without python-ldap) and requirements.txt into $VENV ..."
        export PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_INPUT=1
        "$VENV/bin/python" -m pip install -q --progress-bar off -r "$odoo_req" </dev/null
        "$VENV/bin/python" -m pip install -q --progress-bar off -r "$PROJECT/requirements.txt" </dev/null
        echo "$want" > "$stamp"
        log "Virtualenv ready in $(( $(now) - t0 )) s"
    fi
    # Make "import odoo" work for any venv python (pytest, benchmarks) without PYTHONPATH.
    local site
    site="$("$VENV/bin/python" -c 'import sysconfig; print(sysconfig.get_paths()["purelib"])')"
    printf '%s\n' "$ODOO_SRC" > "$site/factoring_odoo_src.pth"
}

write_local_conf() {
    local addons_path="$ODOO_SRC/addons" entry raw tmp
    raw="$(sed -nE 's/^[[:space:]]*addons_path[[:space:]]*=[[:space:]]*(.*)$/\1/p' "$PROJECT/odoo.conf" | tail -1)"
    IFS=',' read -r -a entries <<< "${raw:-addons}"
    for entry in "${entries[@]}"; do
        entry="$(printf '%s' "$entry" | sed -E 's/^[[:space:]]+|[[:space:]]+$//g')"
        [ -n "$entry" ] || continue
        case "$entry" in
            /*) ;;
            *) entry="$PROJECT/$entry" ;;
        esac
        addons_path="$addons_path,$entry"
    done
    mkdir -p "$DATA_DIR"
    tmp="$(mktemp "$PROJECT/.odoo-local.conf.XXXXXX")"
    {
        echo "# GENERATED by scripts/setup.sh from odoo.conf -- do not edit, edit odoo.conf instead."
        grep -vE '^[[:space:]]*(addons_path|db_port|data_dir|pg_path)[[:space:]]*=' "$PROJECT/odoo.conf"
        echo ""
        echo "# ---- machine-specific values added by scripts/setup.sh ----"
        echo "addons_path = $addons_path"
        echo "db_port = $(pg_port)"
        echo "data_dir = $DATA_DIR"
        echo "pg_path = $PG_BINDIR"
    } > "$tmp"
    mv "$tmp" "$LOCAL_CONF"
}

# apt_install PACKAGE WHAT: install a Debian package with apt-get when we are
# root (the package lists are refreshed once per set-up); false otherwise.
APT_UPDATED=0
apt_install() {
    is_root && command -v apt-get >/dev/null 2>&1 || return 1
    export DEBIAN_FRONTEND=noninteractive
    if [ "$APT_UPDATED" = 0 ]; then
        apt-get update -qq </dev/null || true
        APT_UPDATED=1
    fi
    log "$2 not found: installing it with apt-get ($1)"
    apt-get install -y -qq --no-install-recommends "$1" </dev/null
}

# Chromium for the browser tours of `make test` (Odoo's HttpCase looks for
# google-chrome, chromium, chromium-browser or $ODOO_BROWSER_BIN). Installed
# with apt-get when missing and we are root; otherwise a warning says how, and
# the tours fail (they never skip).
ensure_browser() {
    local b
    if [ -n "${ODOO_BROWSER_BIN:-}" ] && [ -x "$ODOO_BROWSER_BIN" ]; then return 0; fi
    for b in google-chrome chromium chromium-browser google-chrome-stable; do
        command -v "$b" >/dev/null 2>&1 && return 0
    done
    apt_install chromium Chromium && return 0
    warn "Chromium is not installed: the browser tours of make test will fail.
Install it (Debian/Ubuntu: sudo apt-get install chromium) or set ODOO_BROWSER_BIN to a Chrome/Chromium binary."
}

# wkhtmltopdf turns Odoo's QWeb reports into PDF (the debtor statement, the
# dunning letters, the aging report, Odoo's own invoices). Without it Odoo
# offers only HTML and our PDF tests fail, naming it.
ensure_wkhtmltopdf() {
    command -v wkhtmltopdf >/dev/null 2>&1 && return 0
    apt_install wkhtmltopdf wkhtmltopdf && return 0
    warn "wkhtmltopdf is not installed: PDF reports cannot be printed and their tests fail.
Install it (Debian/Ubuntu: sudo apt-get install wkhtmltopdf)."
}

do_setup() {
    local t0
    t0=$(now)
    find_odoo
    log "Odoo 19.0 source: $ODOO_SRC"
    setup_venv
    ensure_browser
    ensure_wkhtmltopdf
    pg_start
    write_local_conf
    log "Setup done in $(( $(now) - t0 )) s (config: ${LOCAL_CONF#"$PROJECT"/}, PostgreSQL 127.0.0.1:$(pg_port))"
}

if [[ "${BASH_SOURCE[0]}" == "$0" ]]; then
    do_setup
fi
