#!/usr/bin/env bash
# `make pot`: set up, install our addons (no demo) into database factoring_pot
# and export each addon's translation template to addons/<addon>/i18n/<addon>.pot
# with Odoo's own exporter (odoo-bin i18n export).
set -euo pipefail
# shellcheck source=scripts/setup.sh
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

POT_DB="${POT_DB:-factoring_pot}"
do_setup
create_db "$POT_DB"
mods="$(our_modules)"
log "Exporting translation templates of: $mods"
# shellcheck disable=SC2046
"$VENV/bin/python" "$ODOO_SRC/odoo-bin" i18n export -c "$LOCAL_CONF" -d "$POT_DB" \
    $(printf '%s' "$mods" | tr ',' ' ') </dev/null
drop_db "$POT_DB"
log "Done: $(cd "$PROJECT" && ls addons/*/i18n/*.pot | tr '\n' ' ')"
