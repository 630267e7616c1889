import babel.dates

from odoo import api, fields, models
from odoo.tools import format_amount
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml

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
    # What the dunning e-mail shows, computed for a whole batch at once: the
    # template reads them as plain field paths, which Odoo renders without
    # compiling a QWeb template per e-mail.
    amount_text = fields.Char(compute="_compute_email_parts", string="Amount (text)")
    email_items_html = fields.Html(compute="_compute_email_parts", sanitize=False,
                                   string="Items Table")

    # Database guarantee of idempotence: one communication per debtor, level
    # and day, whatever runs at the same time.
    _debtor_level_day_uniq = models.UniqueIndex(
        "(company_id, partner_id, level_id, date)",
        "A debtor gets a dunning level once a day at most.")

    @api.model
    def mail_allowed_qweb_expressions(self):
        return (*super().mail_allowed_qweb_expressions(), "object.amount_text",
                "object.email_items_html", "object.company_id.name", "object.level_id.name",
                "object.email_to")

    @api.depends("item_ids", "amount", "currency_id")
    def _compute_email_parts(self):
        # one read of every communication's items (prefetched), the language
        # looked up once for the batch, one compiled view
        fmt_amount, fmt_date = self._formatters()
        for comm in self:
            comm.amount_text = fmt_amount(comm.amount, comm.currency_id)
            comm.email_items_html = comm._email_items_html(fmt_amount, fmt_date)

    @api.model
    def _formatters(self):
        """(amount, currency) and date formatters of the current language, as
        Odoo's format_amount and format_date write them, with the language
        looked up once (they look it up on every call)."""
        lang = self.env["res.lang"].browse(get_lang(self.env).id)
        locale = babel_locale_parse(lang.code)
        date_pattern = posix_to_ldml(lang.date_format, locale=locale)

        def fmt_amount(amount, currency):
            text = lang.format(f"%.{currency.decimal_places}f", currency.round(amount),
                               grouping=True).replace(" ", "\N{NO-BREAK SPACE}").replace(
                "-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
            if currency.position == "before":
                return f"{currency.symbol or ''}\N{NO-BREAK SPACE}{text}"
            return f"{text}\N{NO-BREAK SPACE}{currency.symbol or ''}"

        def fmt_date(value):
            return babel.dates.format_date(value, format=date_pattern, locale=locale) \
                if value else ""

        return fmt_amount, fmt_date

    def _sorted_items(self):
        self.ensure_one()
        return self.item_ids.sorted(lambda line: (line.date_maturity, line.id))

    def _email_items_html(self, fmt_amount=None, fmt_date=None):
        """The items' table of the e-mail, from a compiled view."""
        self.ensure_one()
        if not fmt_amount:
            fmt_amount, fmt_date = self._formatters()
        rows = [(item.factoring_invoice_number or item.move_name,
                 fmt_date(item.date_maturity),
                 fmt_amount(item.amount_residual, self.currency_id))
                for item in self._sorted_items()]
        return self.env["ir.qweb"]._render(
            "factoring_collections.dunning_email_items", {"rows": rows})

    def _format_amount(self, amount):
        return format_amount(self.env, amount, self.currency_id)
