from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.factoring_base.models.factoring_guard import (
    check_groups,
    check_protected,
    guarded,
    is_guarded,
)
from odoo.addons.factoring_base.models.res_company_day import factoring_today

from .factoring_dispute import SUPERVISOR_GROUP

RESOLUTION_KINDS = [
    ("credit_note", "Credit note"),
    ("recourse", "Recourse to client"),
    ("debtor_pays", "Debtor pays"),
    ("write_off", "Write-off"),
    ("rejected", "Rejected"),
]


class FactoringDisputeResolution(models.Model):
    """How (part of) the disputed amount of one item was settled, and the
    native accounting document that settled it:

    - credit_note: own invoice; a customer credit note (Odoo's reversal of the
      invoice, with its lines and taxes; prorated for a part of the invoice)
      posted and reconciled with the invoice's receivable item;
    - recourse: factored item; an entry in the factoring journal moving the
      amount off the debtor's item (credit, reconciled with it) onto the
      client's current account (debit): the client bears it;
    - write_off: an entry in the factoring journal, write-off account debited,
      item credited and reconciled;
    - debtor_pays: no document; pending until the item is paid;
    - rejected: no document; the claim is refused.

    The amount is in the item's currency (``currency_id``), as the disputed
    amount of its line. Created and changed only by the dispute's methods
    (nobody writes them)."""

    _name = "factoring.dispute.resolution"
    _description = "Dispute Resolution"
    _order = "id"

    dispute_id = fields.Many2one("factoring.dispute", required=True, index=True,
                                 ondelete="cascade", readonly=True)
    line_id = fields.Many2one("factoring.dispute.line", string="Item", required=True,
                              index=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one(related="dispute_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="line_id.currency_id", string="Currency")
    kind = fields.Selection(RESOLUTION_KINDS, required=True, readonly=True)
    amount = fields.Monetary(required=True, readonly=True, help="In the item's currency.")
    state = fields.Selection(
        [("done", "Done"), ("pending", "Awaiting Payment"),
         ("to_approve", "Awaiting Approval"), ("cancelled", "Refused")],
        required=True, default="done", readonly=True)
    move_id = fields.Many2one("account.move", string="Accounting Document", readonly=True,
                              index="btree_not_null")
    user_id = fields.Many2one("res.users", string="Resolved By", readonly=True,
                              default=lambda self: self.env.user)
    approved_user_id = fields.Many2one("res.users", string="Approved By", readonly=True)
    date = fields.Date(default=factoring_today, readonly=True)
    note = fields.Text(readonly=True)

    _amount_positive = models.Constraint("CHECK(amount > 0)",
                                         "A resolved amount is positive.")

    @api.model_create_multi
    def create(self, vals_list):
        if not is_guarded(self):
            raise UserError(self.env._(
                "Resolutions are recorded by the dispute's Resolve action, not created "
                "directly."))
        return super().create(vals_list)

    def write(self, vals):
        check_protected(self, [vals], list(self._fields), lambda _vals: ", ".join(
            self.dispute_id.mapped("name")))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_never(self):
        if not self.env.su or not self.env.context.get("module_uninstall"):
            raise UserError(self.env._("Resolutions of disputes cannot be deleted."))

    def _check_allocation(self):
        """The resolutions of an item never exceed its disputed amount."""
        for line in self.line_id:
            if line.currency_id.compare_amounts(line.amount_resolved, line.amount) > 0:
                raise ValidationError(self.env._(
                    "Dispute %(dispute)s, item %(item)s: resolutions of %(resolved)s exceed "
                    "the disputed amount %(amount)s.", dispute=line.dispute_id.name,
                    item=line.invoice_number, resolved=line.amount_resolved,
                    amount=line.amount))

    # ------------------------------------------------------------------
    # Approval of write-offs above the allowance
    # ------------------------------------------------------------------
    def action_approve(self):
        check_groups(self.env, [SUPERVISOR_GROUP], self.env._("approve write-offs"))
        self.check_access("read")
        for resolution in self:
            if resolution.state != "to_approve":
                raise UserError(self.env._(
                    "Dispute %s: this write-off is not awaiting approval.",
                    resolution.dispute_id.name))
            resolution.dispute_id._check_open()
        guarded(self.sudo()).write({"state": "done", "approved_user_id": self.env.uid})
        self.sudo()._post_documents()
        for dispute in self.dispute_id:
            dispute.sudo().message_post(body=self.env._(
                "Write-off of %(amount)s approved by %(user)s.",
                amount=sum(self.filtered(lambda r, d=dispute: r.dispute_id == d).mapped(
                    "amount")), user=self.env.user.name))
        self.dispute_id.sudo()._factoring_after_resolution()
        return True

    def action_refuse(self):
        check_groups(self.env, [SUPERVISOR_GROUP], self.env._("refuse write-offs"))
        self.check_access("read")
        if self.filtered(lambda r: r.state != "to_approve"):
            raise UserError(self.env._("Only write-offs awaiting approval can be refused."))
        guarded(self.sudo()).write({"state": "cancelled", "approved_user_id": self.env.uid})
        for dispute in self.dispute_id:
            dispute.sudo().message_post(body=self.env._(
                "Write-off refused by %s: the amount is unresolved again.", self.env.user.name))
        return True

    # ------------------------------------------------------------------
    # Accounting documents
    # ------------------------------------------------------------------
    def _post_documents(self):
        for resolution in self:
            method = {
                "credit_note": resolution._post_credit_note,
                "recourse": resolution._post_recourse,
                "write_off": resolution._post_write_off,
            }.get(resolution.kind)
            if method:
                resolution._check_item_residual()
                move = method()
                guarded(resolution.sudo()).write({"move_id": move.id})

    def _check_item_residual(self):
        """A document credits at most what is still open on the item now (in
        its currency): the debtor may have paid part of it since the dispute
        was opened."""
        self.ensure_one()
        item = self._item()
        currency = item.currency_id
        if item.reconciled or currency.compare_amounts(
                self.amount, item.amount_residual_currency) > 0:
            raise ValidationError(self.env._(
                "Dispute %(dispute)s, item %(item)s: %(amount)s %(currency)s is more than "
                "what is still open on the item (%(residual)s %(currency)s, paid meanwhile); "
                "nothing was posted. Resolve at most the open residual and the rest as "
                "debtor pays.", dispute=self.dispute_id.name, item=self.line_id.invoice_number,
                amount=self.amount, currency=currency.name,
                residual=0.0 if item.reconciled else item.amount_residual_currency))

    def _item(self):
        return self.line_id.move_line_id.sudo()

    def _item_amounts(self, item):
        """(balance, amount in the item's currency) of this resolution's amount,
        which is in the item's currency. The balance is taken at the item's
        residual rate, so that an entry settling the item's whole residual in
        currency settles its company-currency residual too (no exchange
        difference: the item leaves the books at its carrying amount)."""
        amount = self.amount
        if item.currency_id == item.company_currency_id:
            return amount, amount
        if item.currency_id.compare_amounts(amount, item.amount_residual_currency) == 0:
            return item.amount_residual, amount
        rate = item.amount_residual / item.amount_residual_currency
        return item.company_currency_id.round(amount * rate), amount

    def _post_credit_note(self):
        """A customer credit note on the own invoice, made by Odoo's own
        reversal (``account.move.reversal``: the invoice's lines, taxes,
        journal, payment reference and the "reversed" log on the invoice),
        posted and reconciled with the invoice's receivable item. The whole
        invoice credited: the reversal as is. A part: the reversal prorated (see
        :meth:`_prorate_credit_note`) so that its total, taxes included, is the
        credited amount. In the invoice's currency, at the credit note's date
        rate (as Odoo's Credit Note button); Odoo books the exchange difference
        when the invoice is fully settled."""
        self.ensure_one()
        item = self._item()
        invoice = item.move_id
        if invoice.move_type != "out_invoice":
            raise UserError(self.env._(
                "Dispute %(dispute)s: %(item)s is not a customer invoice; resolve it with a "
                "write-off or reject it.", dispute=self.dispute_id.name,
                item=item.display_name))
        currency = invoice.currency_id
        amount = self.amount  # in the item's currency, the invoice's
        reversal = self.env["account.move.reversal"].sudo().with_company(
            item.company_id).with_context(active_model="account.move",
                                          active_ids=invoice.ids).create({
                "reason": self.env._("Dispute %(dispute)s (%(reason)s)",
                                     dispute=self.dispute_id.name,
                                     reason=self.dispute_id.reason_id.name),
                "date": item.company_id._factoring_today(),
                "journal_id": invoice.journal_id.id,
            })
        reversal.refund_moves()
        # without the wizard's active_model/active_ids in the context
        refund = self.env["account.move"].sudo().with_company(item.company_id).browse(
            reversal.new_move_ids.ids)
        if currency.compare_amounts(amount, invoice.amount_total) != 0:
            self._prorate_credit_note(refund, invoice, amount)
        if currency.compare_amounts(refund.amount_total, amount) != 0:
            raise UserError(self.env._(
                "Dispute %(dispute)s: the credit note on %(invoice)s comes to %(total)s "
                "instead of %(amount)s; nothing was credited.", dispute=self.dispute_id.name,
                invoice=invoice.name, total=refund.amount_total, amount=amount))
        refund.action_post()
        counterpart = refund.line_ids.filtered(
            lambda rec: rec.account_id == item.account_id and not rec.reconciled)
        # posting a reversal of the whole invoice may already match it
        if counterpart and not item.reconciled:
            (counterpart + item).reconcile()
        return refund

    def _prorate_credit_note(self, refund, invoice, amount):
        """Scale the draft reversal ``refund`` of ``invoice`` to ``amount``
        (taxes included, invoice currency): every product line's unit price
        times amount / invoice total, so that each line keeps its taxes and
        account and the tax amounts follow; a line whose quantity would round
        the scaled price off by a cent is credited as one unit of its prorated
        subtotal. A cent left over by the tax rounding is put on the largest
        tax amount, as Odoo's own tax-amount edit of an invoice does
        (``tax_totals``); without taxes, on the largest line."""
        currency = invoice.currency_id
        ratio = amount / invoice.amount_total
        products = refund.invoice_line_ids.filtered(lambda rec: rec.display_type == "product")
        originals = {line: (line.price_unit, line.quantity, line.price_subtotal)
                     for line in products}
        refund.write({"invoice_line_ids": [
            fields.Command.update(line.id, {"price_unit": price * ratio})
            for line, (price, _qty, _subtotal) in originals.items()]})
        inexact = [
            fields.Command.update(line.id, {"quantity": 1.0,
                                            "price_unit": price * quantity * ratio})
            for line, (price, quantity, subtotal) in originals.items()
            if quantity != 1.0 and currency.compare_amounts(
                line.price_subtotal, currency.round(subtotal * ratio)) != 0]
        if inexact:
            refund.write({"invoice_line_ids": inexact})
        delta = currency.round(amount - refund.amount_total)
        if currency.is_zero(delta):
            return
        totals = refund.tax_totals
        groups = [group for subtotal in (totals or {}).get("subtotals", [])
                  for group in subtotal["tax_groups"]]
        if groups:
            largest = max(groups, key=lambda group: abs(group["tax_amount_currency"]))
            largest["tax_amount_currency"] += delta
            refund.tax_totals = totals
        elif products:
            line = max(products, key=lambda rec: abs(rec.price_subtotal))
            refund.write({"invoice_line_ids": [fields.Command.update(line.id, {
                "quantity": 1.0, "discount": 0.0,
                "price_unit": line.price_subtotal + delta})]})

    def _post_entry(self, debit_vals, label):
        """An entry in the factoring journal: ``debit_vals`` debited, the item
        credited by this resolution's amount and reconciled with it."""
        self.ensure_one()
        item = self._item()
        company = item.company_id
        company._factoring_check_accounting()
        balance, amount_currency = self._item_amounts(item)
        credit = {
            "name": label,
            "account_id": item.account_id.id,
            "partner_id": item.partner_id.id,
            "currency_id": item.currency_id.id,
            "amount_currency": -amount_currency,
            "balance": -balance,
        }
        debit = {
            "name": label,
            "currency_id": item.currency_id.id,
            "amount_currency": amount_currency,
            "balance": balance,
            **debit_vals,
        }
        move = self.env["account.move"].sudo().with_company(company).create({
            "move_type": "entry",
            "journal_id": company.factoring_journal_id.id,
            "date": company._factoring_today(),
            "ref": self.env._("Dispute %(dispute)s - %(item)s", dispute=self.dispute_id.name,
                              item=self.line_id.invoice_number),
            "line_ids": [fields.Command.create(debit), fields.Command.create(credit)],
        })
        move.action_post()
        counterpart = move.line_ids.filtered(lambda rec: rec.account_id == item.account_id
                                             and rec.partner_id == item.partner_id)
        (counterpart + item).reconcile()
        return move

    def _post_recourse(self):
        item = self._item()
        company = item.company_id
        return self._post_entry({
            "account_id": company.factoring_client_account_id.id,
            "partner_id": item.factoring_client_id.id,
        }, self.env._("Recourse: %(item)s disputed by %(debtor)s (%(reason)s)",
                      item=self.line_id.invoice_number, debtor=item.partner_id.name,
                      reason=self.dispute_id.reason_id.name))

    def _post_write_off(self):
        item = self._item()
        company = item.company_id
        if not company.factoring_dispute_writeoff_account_id:
            company._factoring_dispute_setup_accounting()
        return self._post_entry({
            "account_id": company.factoring_dispute_writeoff_account_id.id,
            "partner_id": item.partner_id.id,
        }, self.env._("Write-off: %(item)s disputed by %(debtor)s (%(reason)s)",
                      item=self.line_id.invoice_number, debtor=item.partner_id.name,
                      reason=self.dispute_id.reason_id.name))
