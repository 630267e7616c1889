"""19.0.1.1.0: the dunning reminder reads precomputed fields (no QWeb compiled
per e-mail). Its template is noupdate, so a database that kept the body shipped
before gets the new one here; a customised template is left alone."""

from odoo import SUPERUSER_ID, api

from odoo.addons.factoring_collections.models.dunning_template_upgrade import (
    upgrade_dunning_template,
)


def migrate(cr, version):
    if not version:
        return
    upgrade_dunning_template(api.Environment(cr, SUPERUSER_ID, {}))
