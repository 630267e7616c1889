from collections import defaultdict

from odoo import _, api, fields, models
from odoo.fields import Domain


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    factoring_client_id = fields.Many2one(
        "res.partner", string="Factoring Client", index="btree_not_null", copy=False,
        readonly=True, help="Client who sold this invoice to us (factored items only).")
    factoring_schedule_line_id = fields.Many2one(
        "factoring.schedule.line", string="Assigned Invoice", index="btree_not_null",
        copy=False, readonly=True, ondelete="restrict")

    @api.model
    def _factoring_open_items_domain(self):
        """Open receivable items: posted, unreconciled lines on receivable accounts,
        factored or own."""
        return Domain([
            ("parent_state", "=", "posted"),
            ("reconciled", "=", False),
            ("account_id.account_type", "=", "asset_receivable"),
        ])

    def _reconcile_post_hook(self, data):
        # Private on purpose: every reconciliation (reconcile(), the reversal of
        # an entry, exchange differences, the bank reconciliation of other apps
        # that call _reconcile_plan directly) ends here, once the partials and
        # full reconciles exist. Pinned by test_fee_payment.test_pin_post_hook.
        res = super()._reconcile_post_hook(data)
        items = self.filtered(lambda l: l.factoring_schedule_line_id and l.reconciled)
        if items:
            items._factoring_post_discount_fees()
        return res

    def _factoring_settlement(self):
        """How each factored item was settled, from its reconciliations.

        A payment (an entry of an account.payment), a bank statement line or a
        cash application entry brings the debtor's money; exchange difference
        entries are neutral; anything else (the reversal of the funding entry, a
        credit note, a write-off, a manual entry) closes the item without
        payment.
        :return: {item: (amount paid in the item's currency, last payment date)}
        """
        result = {}
        for item in self:
            paid = 0.0
            last = False
            partials = item.matched_credit_ids | item.matched_debit_ids
            for partial in partials:
                counterpart = (partial.credit_move_id if partial.debit_move_id == item
                               else partial.debit_move_id)
                move = counterpart.move_id
                if move.exchange_diff_partial_ids or not move._factoring_is_payment():
                    continue
                paid += (partial.debit_amount_currency if partial.debit_move_id == item
                         else partial.credit_amount_currency)
                last = max(last, counterpart.date) if last else counterpart.date
            result[item] = (paid, last)
        return result

    def _factoring_post_discount_fees(self):
        """Charge the discount fee of factored items that are now settled.

        The fee is charged only on what the debtor paid (payments, bank
        statement lines, cash application entries), from the day the schedule
        was funded to the last payment; an item closed by a reversal, credit
        note, write-off or manual matching carries no fee for the part so
        closed. The client's current account is debited, fee income credited:
        one entry per client and currency.
        """
        lines = self.factoring_schedule_line_id.filtered(
            lambda l: not l.paid_date and l.schedule_id.state == "funded")
        items = self.filtered(lambda l: l.factoring_schedule_line_id in lines)
        by_key = defaultdict(list)
        for item, (paid, paid_date) in items._factoring_settlement().items():
            if not paid_date:
                continue  # closed without any payment: no fee, not paid
            schedule_line = item.factoring_schedule_line_id
            agreement = schedule_line.schedule_id.agreement_id
            days = (paid_date - schedule_line.schedule_id.funded_date).days
            fee = agreement._compute_fee(paid, days)
            by_key[(item.company_id, item.factoring_client_id, agreement.currency_id)].append(
                (schedule_line, paid_date, days, fee))
        for (company, client, currency), entries in by_key.items():
            fee_total = sum(e[3] for e in entries)
            move = self.env["account.move"]
            if not currency.is_zero(fee_total):
                company._factoring_check_accounting()
                move = self._factoring_create_fee_move(company, client, currency, entries)
            for schedule_line, paid_date, _days, fee in entries:
                schedule_line.sudo().write({
                    "paid_date": paid_date,
                    "fee_amount": fee,
                    "fee_move_id": move.id if fee else False,
                })
    def _factoring_undo_fees(self):
        """Factored items that were paid and are open again (their payment was
        unmatched, reset or cancelled) are no longer paid: their fee is taken
        back by an entry crediting the client's current account, and their paid
        date and fee are cleared, so the next settlement charges afresh."""
        items = self.filtered(
            lambda l: l.factoring_schedule_line_id.paid_date and not l.reconciled)
        if not items:
            return
        today = fields.Date.context_today(self)
        by_key = defaultdict(list)
        for item in items:
            schedule_line = item.factoring_schedule_line_id
            currency = schedule_line.schedule_id.agreement_id.currency_id
            if not currency.is_zero(schedule_line.fee_amount):
                by_key[(item.company_id, item.factoring_client_id, currency)].append(
                    (schedule_line, today, 0, -schedule_line.fee_amount))
        for (company, client, currency), entries in by_key.items():
            self._factoring_create_fee_move(
                company, client, currency, entries,
                ref=_("Discount fees taken back (payment undone) - %s", client.display_name),
                label=_("Discount fee %(invoice)s taken back"))
        items.factoring_schedule_line_id.sudo().write({
            "paid_date": False, "fee_amount": 0.0, "fee_move_id": False})

    def _factoring_create_fee_move(self, company, client, currency, entries, ref=None,
                                   label=None):
        date = max(e[1] for e in entries)
        company_currency = company.currency_id

        def balance(amount):
            if currency == company_currency:
                return amount
            return currency._convert(amount, company_currency, company, date)

        line_vals = []
        for schedule_line, _paid_date, days, fee in entries:
            if currency.is_zero(fee):
                continue
            line_vals.append({
                "name": label % {"invoice": schedule_line.invoice_number} if label else _(
                    "Discount fee %(invoice)s (%(days)s days)",
                    invoice=schedule_line.invoice_number, days=days),
                "account_id": company.factoring_client_account_id.id,
                "partner_id": client.id,
                "currency_id": currency.id,
                "amount_currency": fee,
                "balance": balance(fee),
            })
        line_vals.append({
            "name": _("Discount fees - %s", client.display_name),
            "account_id": company.factoring_fee_account_id.id,
            "partner_id": client.id,
            "currency_id": currency.id,
            "amount_currency": -sum(v["amount_currency"] for v in line_vals),
            "balance": -sum(v["balance"] for v in line_vals),
        })
        move = self.env["account.move"].sudo().with_company(company).create({
            "move_type": "entry",
            "journal_id": company.factoring_journal_id.id,
            "date": date,
            "ref": ref or _("Factoring discount fees - %s", client.display_name),
            "line_ids": [fields.Command.create(v) for v in line_vals],
        })
        move.action_post()
        return move
