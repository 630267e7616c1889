"""19.0.1.2.0: a promise to pay without chosen items holds the debtor's oldest
overdue items up to the promised amount, no longer all its open items: the
pending promises' holds are set again to that scope."""

from odoo import SUPERUSER_ID, api


def migrate(cr, version):
    if not version:
        return
    env = api.Environment(cr, SUPERUSER_ID, {})
    promises = env["factoring.promise"].search(
        [("state", "=", "pending"), ("item_ids", "=", False)])
    promises._lift_holds()
    promises._set_holds()
