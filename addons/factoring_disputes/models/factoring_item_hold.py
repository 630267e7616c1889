from odoo import api, fields, models


class FactoringItemHold(models.Model):
    _inherit = "factoring.item.hold"

    # Set when a dispute is opened on the item, lifted when the disputed amount
    # of the item is resolved (or the dispute closes). Uninstalling the addon
    # lifts these holds first (hooks.uninstall_hook), then drops them.
    source = fields.Selection(selection_add=[("dispute", "Dispute")],
                              ondelete={"dispute": "cascade"})

    @api.model
    def _factoring_sources(self):
        # A disputed item is neither chased nor funded while the dispute is open.
        return {**super()._factoring_sources(), "dispute": {
            "stops_dunning": True, "makes_ineligible": True,
            "held": self.env._("disputed")}}
