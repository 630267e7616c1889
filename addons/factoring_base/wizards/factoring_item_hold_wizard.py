from odoo import fields, models


class FactoringItemHoldWizard(models.TransientModel):
    """Asks for the reason of a manual hold on the items selected in the open
    items list; the rights are checked by account.move.line.action_factoring_hold."""

    _name = "factoring.item.hold.wizard"
    _description = "Put Receivable Items on Hold"

    move_line_ids = fields.Many2many(
        "account.move.line", string="Items",
        default=lambda self: self._default_move_lines())
    reason = fields.Char(required=True)

    def _default_move_lines(self):
        if self.env.context.get("active_model") != "account.move.line":
            return self.env["account.move.line"]
        return self.env["account.move.line"].browse(self.env.context.get("active_ids") or [])

    def action_confirm(self):
        self.ensure_one()
        self.move_line_ids.action_factoring_hold(self.reason)
        return {"type": "ir.actions.act_window_close"}
