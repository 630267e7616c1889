from collections import defaultdict

from odoo import _, api, fields, models
from odoo.exceptions import AccessError, UserError
from odoo.fields import Domain

# Who may apply a debtor's money to receivable items: Odoo's own invoicing group
# (billing), which accountants and accounting managers imply. Factoring roles
# (operations included) do not, unless the company gives them this group too.
CASH_GROUP = "account.group_account_invoice"


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

    @api.model
    def _factoring_check_cash_rights(self):
        if not self.env.su and not self.env.user.has_group(CASH_GROUP):
            raise AccessError(_(
                "Only accounting (Invoicing: Billing or Accountant) may register and apply "
                "debtors' payments."))

    def action_factoring_register_payment(self):
        """Open Odoo's payment wizard on open receivable items of one debtor (the
        Register Payment button of Factoring > Open Receivable Items). The wizard
        posts one native payment and reconciles it with the items."""
        self._factoring_check_cash_rights()
        if not self:
            raise UserError(_("Select the open items the debtor pays."))
        self.check_access("read")
        not_open = self.filtered(lambda l: (
            l.parent_state != "posted" or l.reconciled
            or l.account_id.account_type != "asset_receivable"))
        if not_open:
            raise UserError(_(
                "Only open receivable items can be paid; %(items)s are not.",
                items=", ".join(not_open[:10].mapped("display_name"))))
        debtors = self.partner_id.commercial_partner_id
        if len(debtors) != 1 or not all(self.mapped("partner_id")):
            raise UserError(_(
                "A payment comes from one debtor: the selected items belong to "
                "%(debtors)s. Select the items of one debtor.",
                debtors=", ".join(debtors.mapped("display_name")) or _("no partner")))
        credits = self.filtered(lambda l: l.amount_residual < 0)
        if credits:
            raise UserError(_(
                "%(items)s are open credits of the debtor, not amounts it owes.",
                items=", ".join(credits[:10].mapped("display_name"))))
        return self.action_register_payment()

    def _reconcile_post_hook(self, data):
        res = super()._reconcile_post_hook(data)
        if not self.env.context.get("factoring_no_fee"):
            items = self.filtered(lambda l: l.factoring_schedule_line_id and l.reconciled)
            if items:
                items._factoring_post_discount_fees()
        return res

    def _factoring_post_discount_fees(self):
        """Post the discount fee of factored items that are now fully paid: the
        client's current account is debited, fee income credited. One entry per
        client and currency; days are counted from funding to the last payment."""
        lines = self.factoring_schedule_line_id.filtered(
            lambda l: not l.paid_date and l.schedule_id.state == "funded")
        by_key = defaultdict(list)
        for item in self.filtered(lambda l: l.factoring_schedule_line_id in lines):
            schedule_line = item.factoring_schedule_line_id
            counterparts = item.matched_credit_ids.credit_move_id
            paid_date = max(counterparts.mapped("date"), default=fields.Date.today())
            agreement = schedule_line.schedule_id.agreement_id
            days = (paid_date - schedule_line.schedule_id.funded_date).days
            fee = agreement._compute_fee(schedule_line.amount, days)
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

    def _factoring_create_fee_move(self, company, client, currency, entries):
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
                "name": _("Discount fee %(invoice)s (%(days)s days)",
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
            "ref": _("Factoring discount fees - %s", client.display_name),
            "line_ids": [fields.Command.create(v) for v in line_vals],
        })
        move.action_post()
        return move
