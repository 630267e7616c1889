from odoo import api, fields, models


class FactoringItemHold(models.Model):
    _inherit = "factoring.item.hold"

    # A pending promise to pay holds the items it covers from dunning; the
    # promise lifts its own holds when it ends (kept, partly kept, broken).
    source = fields.Selection(
        selection_add=[("promise", "Promise to Pay")], ondelete={"promise": "cascade"})

    @api.model
    def _factoring_sources(self):
        # A promise makes payment likelier, not the invoice worse: it stops
        # dunning and leaves the items eligible for funding.
        return {**super()._factoring_sources(), "promise": {
            "stops_dunning": True, "makes_ineligible": False,
            "held": self.env._("promised")}}
