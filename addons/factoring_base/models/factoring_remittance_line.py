from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError

from .factoring_remittance import invoice_key


class FactoringRemittanceLine(models.Model):
    _name = "factoring.remittance.line"
    _description = "Debtor Remittance Line"
    _order = "remittance_id, sequence, id"
    _rec_name = "invoice_ref"
    _check_company_auto = True

    remittance_id = fields.Many2one(
        "factoring.remittance", required=True, ondelete="cascade", index=True)
    sequence = fields.Integer(default=10, help="Line or row in the remittance advice.")
    company_id = fields.Many2one(related="remittance_id.company_id", store=True, index=True)
    currency_id = fields.Many2one(related="remittance_id.currency_id")
    debtor_id = fields.Many2one(related="remittance_id.debtor_id")
    remittance_state = fields.Selection(related="remittance_id.state", string="Remittance Status")
    invoice_ref = fields.Char(string="Invoice Number", required=True)
    amount = fields.Monetary(string="Amount Paid", required=True)
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", index="btree_not_null", check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', debtor_id),"
               " ('parent_state', '=', 'posted'), ('reconciled', '=', False),"
               " ('account_id.account_type', '=', 'asset_receivable'),"
               " ('amount_residual', '>', 0)]",
        help="The receivable item this line pays: found by invoice number, or chosen.")
    match_note = fields.Char(readonly=True, copy=False,
                             help="Why no item was found for the invoice number.")
    kind = fields.Selection(
        [("factored", "Factored"), ("own", "Own Invoice")], compute="_compute_status")
    client_id = fields.Many2one(related="move_line_id.factoring_client_id",
                                string="Factoring Client")
    due_date = fields.Date(related="move_line_id.date_maturity", string="Due Date")
    amount_open = fields.Monetary(
        compute="_compute_status", string="Open Amount",
        help="What the item still owes now.")
    amount_left = fields.Monetary(
        compute="_compute_status", string="Left Open",
        help="What the item still owes once this remittance is posted.")
    status = fields.Selection(
        [("full", "Pays in Full"), ("partial", "Partial Payment"), ("over", "Over-payment"),
         ("error", "Cannot Apply"), ("applied", "Applied")],
        compute="_compute_status")
    status_message = fields.Char(compute="_compute_status", string="Check")

    @api.depends("move_line_id", "amount", "match_note", "remittance_id.state",
                 "remittance_id.currency_id", "remittance_id.debtor_id",
                 "remittance_id.line_ids.amount", "remittance_id.line_ids.move_line_id",
                 "move_line_id.amount_residual_currency")
    def _compute_status(self):
        # what all lines of a remittance put on one item (an invoice listed twice)
        on_item = defaultdict(float)
        for line in self.remittance_id.line_ids:
            if line.move_line_id:
                on_item[(line.remittance_id, line.move_line_id)] += line.amount
        for line in self:
            item = line.move_line_id
            remittance = line.remittance_id
            currency = remittance.currency_id
            line.kind = item and ("factored" if item.factoring_schedule_line_id else "own")
            line.amount_open = item.amount_residual_currency if item else 0.0
            line.amount_left = 0.0
            line.status_message = False
            if remittance.state == "posted":
                line.status = "applied"
                continue
            if not item:
                line.status = "error"
                line.status_message = line.match_note or self.env._(
                    "no open invoice %s of this debtor", line.invoice_ref or "")
                continue
            problem = line._item_problem()
            if problem:
                line.status = "error"
                line.status_message = problem
                continue
            if currency.compare_amounts(line.amount, 0) <= 0:
                line.status = "error"
                line.status_message = self.env._("the amount paid must be positive")
                continue
            total = on_item[(remittance, item)]
            left = item.amount_residual_currency - total
            line.amount_left = left
            if currency.compare_amounts(left, 0) < 0:
                line.status = "over"
                line.status_message = self.env._(
                    "pays %(paid)s but only %(open)s is open: lower the amount, the rest "
                    "stays as an open credit",
                    paid=remittance._format(total),
                    open=remittance._format(item.amount_residual_currency))
            elif currency.is_zero(left):
                line.status = "full"
            else:
                line.status = "partial"
                line.status_message = self.env._("%s stays open", remittance._format(left))

    def _item_problem(self):
        """Why the chosen item cannot take this line's money, or None."""
        item = self.move_line_id
        remittance = self.remittance_id
        if item.partner_id.commercial_partner_id != remittance.debtor_id.commercial_partner_id:
            return self.env._("%(item)s is owed by %(partner)s, not by the debtor",
                     item=item.display_name, partner=item.partner_id.display_name)
        if item.company_id != remittance.company_id:
            return self.env._("%s belongs to another company", item.display_name)
        if item.parent_state != "posted" or item.account_id.account_type != "asset_receivable" \
                or item.amount_residual <= 0 and not item.reconciled:
            return self.env._("%s is not an amount the debtor owes", item.display_name)
        if item.reconciled:
            return self.env._("invoice %s is already paid", self.invoice_ref)
        if item.currency_id != remittance.currency_id:
            return self.env._("invoice %(invoice)s is in %(item)s, the payment in %(payment)s",
                     invoice=self.invoice_ref, item=item.currency_id.name,
                     payment=remittance.currency_id.name)
        return None

    # super() below is write(), not this method: nothing to return
    def _match_items(self):  # pylint: disable=missing-return
        """Find each line's item by invoice number, one query per remittance."""
        for remittance in self.remittance_id:
            lines = self.filtered(lambda rec: rec.remittance_id == remittance)
            keys = {invoice_key(line.invoice_ref) for line in lines} - {""}
            found = remittance._find_items(keys)
            values = defaultdict(lambda: self.env["factoring.remittance.line"])
            for line in lines:
                candidates = found.get(invoice_key(line.invoice_ref), [])
                open_ids = [item_id for item_id, reconciled in candidates if not reconciled]
                if len(open_ids) == 1:
                    vals = (open_ids[0], False)
                elif len(open_ids) > 1:
                    vals = (False, self.env._("%(count)s open items of this debtor have invoice number "
                                     "%(invoice)s: choose the item", count=len(open_ids),
                                     invoice=line.invoice_ref))
                elif candidates:
                    vals = (False, self.env._("invoice %s is already paid", line.invoice_ref))
                else:
                    vals = (False, self.env._("no invoice %s of this debtor", line.invoice_ref))
                values[vals] |= line
            for (item_id, note), group in values.items():
                super(FactoringRemittanceLine, group).write(
                    {"move_line_id": item_id, "match_note": note})

    @api.onchange("invoice_ref")
    def _onchange_invoice_ref(self):
        """Live preview while typing: match the number in the form."""
        for line in self:
            remittance = line.remittance_id
            if not line.invoice_ref or not remittance.debtor_id:
                continue
            if line.move_line_id and invoice_key(line.invoice_ref) in {
                    invoice_key(line.move_line_id.name), invoice_key(line.move_line_id.move_id.name)}:
                continue
            found = remittance._find_items({invoice_key(line.invoice_ref)})
            open_ids = [i for i, reconciled in found.get(invoice_key(line.invoice_ref), [])
                        if not reconciled]
            line.move_line_id = open_ids[0] if len(open_ids) == 1 else False
            line.match_note = False if len(open_ids) == 1 else (
                self.env._("several open items have this number: choose the item") if open_ids
                else self.env._("no open invoice %s of this debtor", line.invoice_ref))

    @api.onchange("move_line_id")
    def _onchange_move_line_id(self):
        for line in self:
            if line.move_line_id and not line.invoice_ref:
                item = line.move_line_id
                line.invoice_ref = item.factoring_schedule_line_id.invoice_number \
                    or item.move_id.name
            if line.move_line_id and not line.amount:
                line.amount = line.move_line_id.amount_residual_currency

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    def _check_remittance_draft(self, remittances):
        done = remittances.filtered(lambda r: r.state != "draft")
        if done:
            raise UserError(self.env._(
                "Remittance %(remittance)s is %(state)s: its invoices can no longer change.",
                remittance=done[0].name, state=done[0].state))

    @api.model_create_multi
    def create(self, vals_list):
        remittances = self.env["factoring.remittance"].browse(
            {vals.get("remittance_id") for vals in vals_list} - {None, False})
        self._check_remittance_draft(remittances)
        lines = super().create(vals_list)
        lines.filtered(lambda rec: not rec.move_line_id)._match_items()
        return lines

    def write(self, vals):
        self._check_remittance_draft(self.remittance_id)
        if "remittance_id" in vals:
            self._check_remittance_draft(
                self.env["factoring.remittance"].browse(vals["remittance_id"]))
        if "invoice_ref" in vals and "move_line_id" not in vals:
            # another number: the item is found again
            vals = {**vals, "move_line_id": False}
        res = super().write(vals)
        if "invoice_ref" in vals or "move_line_id" in vals:
            self.filtered(lambda rec: not rec.move_line_id)._match_items()
        if vals.get("move_line_id"):
            super().write({"match_note": False})
        return res

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        self._check_remittance_draft(self.remittance_id)
