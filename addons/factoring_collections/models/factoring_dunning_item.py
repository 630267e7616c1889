from odoo import fields, models


class FactoringDunningItem(models.Model):
    """The dunning state of one receivable item: the last level it was sent and
    when. Kept in this addon's own table (not as columns on account_move_line),
    so that uninstalling drops it cleanly. Written by the dunning run only, in
    SQL (an upsert per batch)."""

    _name = "factoring.dunning.item"
    _description = "Dunning State of a Receivable Item"
    _order = "date desc, id desc"

    move_line_id = fields.Many2one(
        "account.move.line", string="Receivable Item", required=True, readonly=True,
        ondelete="cascade")
    partner_id = fields.Many2one("res.partner", string="Debtor", readonly=True, index=True)
    company_id = fields.Many2one("res.company", readonly=True, index=True)
    level_id = fields.Many2one("factoring.dunning.level", readonly=True, ondelete="set null")
    level_days = fields.Integer(readonly=True,
                                help="Days past due of the level reached (compared with the "
                                "next levels even if the policy changes).")
    date = fields.Date(string="Level Date", readonly=True)
    communication_id = fields.Many2one(
        "factoring.dunning.communication", readonly=True, ondelete="set null")

    _move_line_uniq = models.UniqueIndex(
        "(move_line_id)", "A receivable item has one dunning state.")
