from odoo import fields, models


class FactoringItemHoldWizard(models.TransientModel):
    """Asks for the reason and the effects of a manual hold on the items
    selected in the open items list (stop dunning, make ineligible for
    funding, or both); the rights are checked by
    account.move.line.action_factoring_hold."""

    _name = "factoring.item.hold.wizard"
    _description = "Put Receivable Items on Hold"

    move_line_ids = fields.Many2many(
        "account.move.line", string="Items",
        default=lambda self: self._default_move_lines())
    reason = fields.Char(required=True)
    stops_dunning = fields.Boolean(
        string="Stop Dunning", default=True,
        help="Dunning and the collectors' overdue to chase skip the items.")
    makes_ineligible = fields.Boolean(
        string="Ineligible for Funding", default=True,
        help="Funding availability leaves the items out.")

    def _default_move_lines(self):
        if self.env.context.get("active_model") != "account.move.line":
            return self.env["account.move.line"]
        return self.env["account.move.line"].browse(self.env.context.get("active_ids") or [])

    def action_confirm(self):
        self.ensure_one()
        self.move_line_ids.action_factoring_hold(
            self.reason, stops_dunning=self.stops_dunning, makes_ineligible=self.makes_ineligible)
        return {"type": "ir.actions.act_window_close"}
