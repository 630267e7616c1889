from odoo import api, fields, models


class FactoringItemHold(models.Model):
    """A hold on a receivable item: while it is active, dunning skips the item and
    funding availability leaves it out. Whoever set a hold lifts it (the source
    and origin say who: a manual hold, a dispute, a promise to pay...). Lifting
    archives the hold, so an item's holds are its history.

    Holds are written only through ``account.move.line._factoring_set_hold`` and
    ``_factoring_lift_holds`` (and the manual-hold actions that check the
    caller's role): every factoring role reads them, nobody writes them directly.
    Addons add their source with ``selection_add`` on ``source``."""

    _name = "factoring.item.hold"
    _description = "Hold on a Receivable Item"
    _order = "date desc, id desc"

    move_line_id = fields.Many2one(
        "account.move.line", string="Receivable Item", required=True, index=True,
        ondelete="cascade", readonly=True)
    company_id = fields.Many2one(
        related="move_line_id.company_id", store=True, index=True)
    partner_id = fields.Many2one(
        related="move_line_id.partner_id", store=True, string="Debtor", index=True)
    factoring_client_id = fields.Many2one(
        related="move_line_id.factoring_client_id", string="Client")
    reason = fields.Char(required=True, readonly=True)
    source = fields.Selection(
        [("manual", "Manual")], required=True, default="manual", readonly=True, index=True,
        help="What set the hold; only the same source lifts it.")
    res_model = fields.Char(string="Origin Model", readonly=True, index=True)
    res_id = fields.Many2oneReference(
        string="Origin Record", model_field="res_model", readonly=True, index=True)
    user_id = fields.Many2one(
        "res.users", string="Set by", required=True, readonly=True,
        default=lambda self: self.env.user)
    date = fields.Datetime(
        string="Since", required=True, readonly=True, default=fields.Datetime.now)
    lifted_date = fields.Datetime(string="Lifted on", readonly=True)
    lifted_user_id = fields.Many2one("res.users", string="Lifted by", readonly=True)
    active = fields.Boolean(default=True, readonly=True, index=True)

    @api.depends("reason", "move_line_id")
    def _compute_display_name(self):
        for hold in self:
            hold.display_name = f"{hold.move_line_id.name or ''}: {hold.reason or ''}"

    def action_open_origin(self):
        self.ensure_one()
        if not self.res_model or not self.res_id:
            return False
        return {
            "type": "ir.actions.act_window",
            "res_model": self.res_model,
            "res_id": self.res_id,
            "view_mode": "form",
        }
