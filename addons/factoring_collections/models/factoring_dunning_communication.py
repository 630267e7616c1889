from odoo import fields, models
from odoo.tools import format_amount, format_date

STATUSES = [
    ("sent", "Sent"),
    ("fallback", "Call instead of e-mail"),
    ("failed", "Failed"),
]


class FactoringDunningCommunication(models.Model):
    """One communication of a dunning run: one debtor, one level, the overdue
    items it lists, and what was done on each channel of the level."""

    _name = "factoring.dunning.communication"
    _description = "Dunning Communication"
    _order = "date desc, id desc"
    _rec_name = "partner_id"

    run_id = fields.Many2one("factoring.dunning.run", required=True, readonly=True,
                             index=True, ondelete="cascade")
    date = fields.Date(required=True, readonly=True)
    company_id = fields.Many2one("res.company", required=True, readonly=True, index=True)
    currency_id = fields.Many2one(related="company_id.currency_id")
    partner_id = fields.Many2one("res.partner", string="Debtor", required=True, readonly=True,
                                 index=True)
    collector_id = fields.Many2one("res.users", string="Collector", readonly=True, index=True)
    level_id = fields.Many2one("factoring.dunning.level", required=True, readonly=True,
                               ondelete="restrict")
    item_ids = fields.Many2many(
        "account.move.line", "factoring_dunning_communication_item_rel", "communication_id",
        "move_line_id", string="Overdue Items", readonly=True)
    item_count = fields.Integer(readonly=True)
    amount = fields.Monetary(string="Amount Listed", readonly=True)
    channel_email = fields.Boolean(string="E-mail", readonly=True)
    channel_letter = fields.Boolean(string="Letter", readonly=True)
    channel_call = fields.Boolean(string="Call", readonly=True)
    channel_escalation = fields.Boolean(string="Escalation", readonly=True)
    email_to = fields.Char(string="E-mailed to", readonly=True)
    status = fields.Selection(STATUSES, required=True, default="sent", readonly=True)
    note = fields.Char(readonly=True, help="Why the e-mail was replaced by a call activity.")

    # Database guarantee of idempotence: one communication per debtor, level
    # and day, whatever runs at the same time.
    _debtor_level_day_uniq = models.UniqueIndex(
        "(company_id, partner_id, level_id, date)",
        "A debtor gets a dunning level once a day at most.")

    def _sorted_items(self):
        self.ensure_one()
        return self.item_ids.sorted(lambda line: (line.date_maturity, line.id))

    def _email_items_html(self):
        """The items' table of the e-mail, from a compiled view."""
        self.ensure_one()
        rows = [(item.factoring_invoice_number or item.move_name,
                 format_date(self.env, item.date_maturity),
                 self._format_amount(item.amount_residual))
                for item in self._sorted_items()]
        return self.env["ir.qweb"]._render(
            "factoring_collections.dunning_email_items", {"rows": rows})

    def _format_amount(self, amount):
        return format_amount(self.env, amount, self.currency_id)
