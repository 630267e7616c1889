from odoo import fields, models


class FactoringItemHold(models.Model):
    _inherit = "factoring.item.hold"

    # Set when a dispute is opened on the item, lifted when the disputed amount
    # of the item is resolved (or the dispute closes). Uninstalling the addon
    # lifts these holds first (hooks.uninstall_hook), then drops them.
    source = fields.Selection(selection_add=[("dispute", "Dispute")],
                              ondelete={"dispute": "cascade"})
