from collections import defaultdict

import babel.dates
from markupsafe import Markup

from odoo import api, fields, models
from odoo.tools import SQL, format_amount
from odoo.tools.misc import babel_locale_parse, get_lang, posix_to_ldml

from .common import number_formatter

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
        # the items of every communication in one query (not the items as
        # records: that would fetch all their columns), the language looked up
        # once for the batch, the table written with escaped values
        fmt_amount, fmt_date = self._formatters()
        rows = defaultdict(list)
        if self.ids:
            links = self.env.execute_query(SQL(
                """
                SELECT r.communication_id, aml.id, aml.move_name, aml.date_maturity,
                       aml.amount_residual
                  FROM factoring_dunning_communication_item_rel r
                  JOIN account_move_line aml ON aml.id = r.move_line_id
                 WHERE r.communication_id = ANY(%s)
              ORDER BY r.communication_id, aml.date_maturity, aml.id
                """, self.ids))
            # the invoice numbers as base writes them (schedule line, invoice, entry)
            numbers = self.env["account.move.line"].sudo().browse(
                [link[1] for link in links])._factoring_item_data()
            for comm_id, item_id, move_name, due, residual in links:
                number = numbers.get(item_id, {}).get("number") or move_name
                rows[comm_id].append((number, due, residual))
        header = self._email_items_header()
        for comm in self:
            currency = comm.currency_id
            comm.amount_text = fmt_amount(comm.amount, currency)
            comm.email_items_html = self._email_items_table(header, [
                (number or "", fmt_date(due), fmt_amount(residual, currency))
                for number, due, residual in rows.get(comm.id, ())])

    @api.model
    def _email_items_header(self):
        return Markup("<tr><th>%s</th><th>%s</th><th>%s</th></tr>") % (
            self.env._("Invoice"), self.env._("Due date"), self.env._("Open amount"))

    @api.model
    def _email_items_table(self, header, rows):
        """The items' table of the e-mail: our own markup, every value escaped."""
        return Markup('<table border="1" style="border-collapse: collapse;">%s%s</table>') % (
            header, Markup("").join(
                Markup('<tr><td>%s</td><td>%s</td><td style="text-align: right;">%s</td></tr>')
                % row for row in rows))

    @api.model
    def _formatters(self):
        """(amount, currency) and date formatters of the current language, as
        Odoo's format_amount and format_date write them, with the language
        looked up once (they look it up on every call)."""
        lang = self.env["res.lang"].browse(get_lang(self.env).id)
        locale = babel_locale_parse(lang.code)
        date_pattern = posix_to_ldml(lang.date_format, locale=locale)
        fmt_number = number_formatter(lang)

        def fmt_amount(amount, currency):
            text = fmt_number(currency.round(float(amount)), currency.decimal_places).replace(
                " ", "\N{NO-BREAK SPACE}").replace("-", "-\N{ZERO WIDTH NO-BREAK SPACE}")
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
        """The items' table of one communication (read by the bodies of the
        dunning template shipped before 19.0.1.1.0)."""
        self.ensure_one()
        if not fmt_amount:
            fmt_amount, fmt_date = self._formatters()
        return self._email_items_table(self._email_items_header(), [
            (item.factoring_invoice_number or item.move_name or "",
             fmt_date(item.date_maturity), fmt_amount(item.amount_residual, self.currency_id))
            for item in self._sorted_items()])

    def _format_amount(self, amount):
        return format_amount(self.env, amount, self.currency_id)
