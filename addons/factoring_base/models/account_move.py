from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMove(models.Model):
    _inherit = "account.move"

    factoring_cash_application = fields.Boolean(
        copy=False, readonly=True,
        help="Set on an entry that applies a debtor's money (a payment or an open "
        "credit already received) to factored receivable items. Such an entry "
        "counts as a payment for the discount fee, as a payment or a bank "
        "statement line does; reversals, credit notes and write-offs do not.")
    factoring_show_lines = fields.Boolean(
        compute="_compute_factoring_show_lines",
        help="Whether the entry's form shows its journal items: to Odoo's accounting "
        "readers as in plain Odoo, and to the accounting and factoring roles on the "
        "entries of the factoring journal (funding, cash application, recourse, "
        "write-off), which Odoo's Invoicing would otherwise open without lines.")

    @api.depends("journal_id")
    @api.depends_context("uid")
    def _compute_factoring_show_lines(self):
        reader = self.env.user.has_group("account.group_account_readonly")
        for move in self:
            journal = move.sudo().company_id.factoring_journal_id
            move.factoring_show_lines = reader or bool(journal and move.journal_id == journal)

    def _factoring_is_payment(self):
        """Whether this entry brings the debtor's money: a payment, a bank
        statement line or a cash application entry. Reversals, credit notes,
        write-offs and other manual entries do not."""
        self.ensure_one()
        return bool(self.origin_payment_id or self.statement_line_id
                    or self.factoring_cash_application)

    def _factoring_check_funding_change(self):
        """A funding entry changes (reversal, reset to draft, cancellation,
        deletion) only through its schedule's Cancel, which marks the schedule
        cancelled before it reverses the entry: refuse any other way."""
        if not self:
            return
        schedules = self.env["factoring.schedule"].sudo().search([
            ("move_id", "in", self.ids), ("state", "!=", "cancelled")])
        if schedules:
            schedule = schedules[0]
            raise UserError(self.env._(
                "Entry %(move)s funds assignment schedule %(schedule)s: it cannot be "
                "reversed, reset to draft, cancelled or deleted from accounting. Cancel the "
                "schedule instead (Factoring > Assignment Schedules > %(schedule)s > Cancel), "
                "which reverses the entry while none of its invoices is paid.",
                move=schedule.move_id.name, schedule=schedule.name))

    @api.model_create_multi
    def create(self, vals_list):
        reversed_ids = [vals["reversed_entry_id"] for vals in vals_list
                        if vals.get("reversed_entry_id")]
        if reversed_ids:
            self.browse(reversed_ids)._factoring_check_funding_change()
        return super().create(vals_list)

    def write(self, vals):
        if vals.get("state") in ("draft", "cancel"):
            self._factoring_check_funding_change()
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_factoring_funding(self):
        self._factoring_check_funding_change()
