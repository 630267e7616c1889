from odoo import fields, models


class FactoringItemHold(models.Model):
    _inherit = "factoring.item.hold"

    # A pending promise to pay holds the items it covers from dunning; the
    # promise lifts its own holds when it ends (kept, partly kept, broken).
    source = fields.Selection(
        selection_add=[("promise", "Promise to Pay")], ondelete={"promise": "cascade"})
