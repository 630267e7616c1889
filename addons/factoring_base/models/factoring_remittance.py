import re
from collections import defaultdict

from odoo import api, fields, models
from odoo.exceptions import UserError
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from .res_company_day import factoring_today

# Fields that only the remittance's own methods set.
PROTECTED_FIELDS = {"state", "payment_id", "transfer_move_id", "posted_by_id", "posted_date"}
# What may still change on a posted or cancelled remittance (notes and chatter).
POSTED_WRITABLE = {"note"}
# Separators between an invoice number and its amount in a pasted remittance advice.
ADVICE_SPLIT = re.compile(r"[;\t|]+")
CURRENCY_TOKEN = re.compile(r"^(?:[A-Za-z]{3}|[€$£₺])$")
CURRENCY_AFFIX = re.compile(r"^\s*(?:[A-Za-z]{3}|[€$£₺])\s*|\s*(?:[A-Za-z]{3}|[€$£₺])\s*$")


def invoice_key(value):
    """Invoice number as matched: upper case, letters and digits only, so that
    'INV/2026/0001', 'inv-2026-0001' and 'INV 2026 0001' are the same invoice."""
    return re.sub(r"[^0-9A-Z]", "", str(value or "").upper())


class FactoringRemittance(models.Model):
    """A debtor's payment and what it pays: one native payment (or an open credit
    the debtor already has) applied to several receivable items, factored or own.

    Draft: lines (invoice number, amount paid) are typed, read from the pasted
    remittance advice or imported from Excel; each line shows the item it matched
    and what the payment leaves open, or why it cannot be applied. Posting
    creates the payment, moves the factored part onto the factored items with a
    cash-application entry, reconciles everything and leaves the rest as an open
    credit on the debtor.
    """

    _name = "factoring.remittance"
    _description = "Debtor Remittance"
    _inherit = ["mail.thread", "mail.activity.mixin"]
    _order = "date desc, id desc"
    _check_company_auto = True

    name = fields.Char(string="Reference", required=True, copy=False, readonly=True,
                       default="/")
    company_id = fields.Many2one(
        "res.company", required=True, index=True, default=lambda self: self.env.company)
    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", required=True, index=True, tracking=True,
        domain="[('parent_id', '=', False)]", check_company=True)
    credit_line_id = fields.Many2one(
        "account.move.line", string="Open Credit", tracking=True, check_company=True,
        domain="[('partner_id.commercial_partner_id', '=', debtor_id),"
               " ('parent_state', '=', 'posted'), ('reconciled', '=', False),"
               " ('account_id.account_type', '=', 'asset_receivable'),"
               " ('amount_residual', '<', 0), '|', ('move_id.origin_payment_id', '!=', False),"
               " ('move_id.statement_line_id', '!=', False)]",
        help="Apply money the debtor has already paid (a payment entered the usual way, "
             "or what an earlier remittance left unapplied) instead of registering a new "
             "payment.")
    journal_id = fields.Many2one(
        "account.journal", string="Bank Journal", tracking=True, check_company=True,
        domain="[('type', 'in', ('bank', 'cash'))]")
    date = fields.Date(required=True, default=factoring_today, tracking=True)
    currency_id = fields.Many2one(
        "res.currency", compute="_compute_currency_id", store=True, readonly=False,
        required=True, precompute=True)
    amount = fields.Monetary(
        string="Amount Received", compute="_compute_amount", store=True, readonly=False,
        precompute=True, tracking=True)
    memo = fields.Char(string="Debtor's Reference",
                       help="The reference of the debtor's payment or remittance advice.")
    advice_text = fields.Text(
        string="Remittance Advice",
        help="Paste the debtor's remittance advice: one invoice per line, its number then "
             "the amount paid (separated by spaces, tabs, ';' or '|').")
    note = fields.Html()
    line_ids = fields.One2many("factoring.remittance.line", "remittance_id", string="Invoices",
                               copy=True)
    state = fields.Selection(
        [("draft", "Draft"), ("posted", "Posted"), ("cancelled", "Cancelled")],
        default="draft", required=True, readonly=True, copy=False, tracking=True, index=True)
    payment_id = fields.Many2one("account.payment", string="Payment", readonly=True,
                                 copy=False, index="btree_not_null")
    transfer_move_id = fields.Many2one(
        "account.move", string="Cash Application Entry", readonly=True, copy=False,
        help="Moves the debtor's money from the payment to the items it pays on other "
             "receivable accounts (factored items) and to partly paid invoices.")
    posted_by_id = fields.Many2one("res.users", readonly=True, copy=False)
    posted_date = fields.Datetime(readonly=True, copy=False)
    amount_applied = fields.Monetary(compute="_compute_totals", string="Applied")
    amount_unapplied = fields.Monetary(
        compute="_compute_totals", string="Left as Open Credit",
        help="What the payment does not apply to any invoice: it stays on the debtor as "
             "an open credit, visible among its open items.")
    error_count = fields.Integer(compute="_compute_totals", string="Lines with Errors")
    check_message = fields.Text(compute="_compute_totals", string="Problems")

    _name_company_uniq = models.Constraint(
        "UNIQUE(name, company_id)", "The remittance reference must be unique per company.")

    @api.depends("journal_id", "credit_line_id", "company_id")
    def _compute_currency_id(self):
        for remittance in self:
            remittance.currency_id = (
                remittance.credit_line_id.currency_id
                or remittance.journal_id.currency_id
                or remittance.company_id.currency_id
            )

    @api.depends("credit_line_id")
    def _compute_amount(self):
        for remittance in self:
            if remittance.credit_line_id:
                remittance.amount = -remittance.credit_line_id.amount_residual_currency
            elif not remittance.amount:
                remittance.amount = 0.0

    @api.depends("amount", "state", "line_ids.amount", "line_ids.status",
                 "line_ids.status_message")
    def _compute_totals(self):
        for remittance in self:
            applied = sum(remittance.line_ids.mapped("amount"))
            remittance.amount_applied = applied
            remittance.amount_unapplied = remittance.amount - applied
            if remittance.state != "draft":
                remittance.error_count = 0
                remittance.check_message = False
                continue
            bad = remittance.line_ids.filtered(lambda rec: rec.status in ("error", "over"))
            remittance.error_count = len(bad)
            remittance.check_message = "\n".join(remittance._check_errors()) or False

    # ------------------------------------------------------------------
    # Guards
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        for vals in vals_list:
            protected = PROTECTED_FIELDS.intersection(vals) - {"state"}
            if protected or vals.get("state", "draft") != "draft":
                raise UserError(self.env._(
                    "A remittance is created as a draft; %s are set by posting it.",
                    ", ".join(sorted(protected or {"state"}))))
            if vals.get("name", "/") == "/":
                company = self.env["res.company"].browse(
                    vals.get("company_id") or self.env.company.id)
                vals["name"] = self.env["ir.sequence"].with_company(company).next_by_code(
                    "factoring.remittance") or "/"
        return super().create(vals_list)

    def write(self, vals):
        protected = PROTECTED_FIELDS.intersection(vals)
        if protected:
            raise UserError(self.env._(
                "%(fields)s of remittance %(remittance)s change only by posting or cancelling "
                "it.", fields=", ".join(sorted(protected)),
                remittance=", ".join(self.mapped("name"))))
        done = self.filtered(lambda r: r.state != "draft")
        changed = {f for f in vals if not f.startswith(("message_", "activity_"))}
        if done and changed - POSTED_WRITABLE:
            raise UserError(self.env._(
                "Remittance %(remittance)s is %(state)s: it can no longer change.",
                remittance=done[0].name, state=done[0].state))
        res = super().write(vals)
        if "debtor_id" in vals or "company_id" in vals:
            # other debtor: every line is matched again
            self.line_ids.write({"move_line_id": False})
        return res

    def _write_internal(self, vals):
        """State and accounting links, written only by the remittance's methods."""
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_only_draft(self):
        for remittance in self:
            if remittance.state == "posted":
                raise UserError(self.env._(
                    "Remittance %s is posted: reverse its payment in accounting instead of "
                    "deleting it.", remittance.name))

    def _check_cash_rights(self):
        self.env["account.move.line"]._factoring_check_cash_rights()

    # ------------------------------------------------------------------
    # Lines: typed, pasted or imported
    # ------------------------------------------------------------------
    @api.model
    def _parse_advice(self, text):
        """Read a pasted remittance advice: one 'number amount' per line.

        :return: (list of (line number, invoice number, amount), {line number: [reasons]})
        """
        reader = self.env["factoring.spreadsheet.import"]
        rows, errors = [], {}
        lines = [(n, raw.strip()) for n, raw in enumerate((text or "").splitlines(), start=1)]
        lines = [(n, raw) for n, raw in lines if raw]
        for position, (number, raw) in enumerate(lines):
            parts = [p.strip() for p in ADVICE_SPLIT.split(raw) if p.strip()]
            if len(parts) < 2:
                parts = raw.split()
            # a currency written after the amount ("1.250,00 EUR") is not part of it
            while len(parts) > 2 and CURRENCY_TOKEN.match(parts[-1]):
                parts.pop()
            ref = parts[0] if len(parts) > 1 else ""
            if len(parts) > 2 and not ADVICE_SPLIT.search(raw):
                ref = " ".join(parts[:-1])  # "INV 2026 0012 1250.00"
            amount_text = CURRENCY_AFFIX.sub("", parts[-1]) if parts else ""
            try:
                amount = reader._parse_amount(amount_text)
            except ValueError:
                if position == 0:
                    continue  # a header line ("Invoice  Amount")
                errors[number] = [self.env._("'%s' is not 'invoice number amount'", raw)]
                continue
            if not ref:
                errors[number] = [self.env._("no invoice number before the amount in '%s'", raw)]
                continue
            rows.append((number, ref, amount))
        return rows, errors

    def action_read_advice(self):
        """Replace the lines with those of the pasted remittance advice (all or
        nothing: a line that cannot be read is named and nothing changes)."""
        self._check_cash_rights()
        self.ensure_one()
        self._check_draft()
        rows, errors = self._parse_advice(self.advice_text)
        if errors:
            rows_text = "\n".join(
                self.env._("Line %(line)s: %(reasons)s", line=n, reasons="; ".join(errors[n]))
                for n in sorted(errors))
            raise UserError(self.env._(
                "The remittance advice was not read: %(count)s line(s) cannot be read. "
                "Nothing was changed.\n%(rows)s", count=len(errors), rows=rows_text))
        if not rows:
            raise UserError(self.env._("Paste the remittance advice first: one invoice number and "
                              "amount per line."))
        self._replace_lines([
            {"sequence": number, "invoice_ref": ref, "amount": amount}
            for number, ref, amount in rows])
        self.message_post(body=self.env._("%s invoice(s) read from the remittance advice.", len(rows)))
        return True

    def _replace_lines(self, values):
        self.line_ids.unlink()
        return self.env["factoring.remittance.line"].create(
            [{**vals, "remittance_id": self.id} for vals in values])

    def action_open_import(self):
        self._check_cash_rights()
        self.ensure_one()
        self._check_draft()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Import Remittance Advice"),
            "res_model": "factoring.remittance.import",
            "view_mode": "form",
            "target": "new",
            "context": {"default_remittance_id": self.id},
        }

    def _check_draft(self):
        for remittance in self:
            if remittance.state != "draft":
                raise UserError(self.env._("Remittance %s is not a draft.", remittance.name))

    # ------------------------------------------------------------------
    # Matching
    # ------------------------------------------------------------------
    def _find_items(self, keys):
        """Receivable items of the debtor whose invoice number is one of *keys*
        (normalised): factored items by their schedule line's invoice number, own
        invoices by number, payment reference or reference. One query.

        :return: {key: [(item id, reconciled)]}
        """
        self.ensure_one()
        found = defaultdict(list)
        if not keys or not self.debtor_id:
            return found
        self.env["account.move.line"].flush_model()
        norm = "upper(regexp_replace(COALESCE(%s, ''), '[^[:alnum:]]', '', 'g'))"
        rows = self.env.execute_query(SQL(
            f"""
            SELECT aml.id, aml.reconciled,
                   CASE WHEN aml.factoring_schedule_line_id IS NOT NULL
                        THEN ARRAY[{norm % 'sl.invoice_number'}]
                        ELSE ARRAY[{norm % 'm.name'}, {norm % 'm.payment_reference'},
                                   {norm % 'm.ref'}]
                   END
              FROM account_move_line aml
              JOIN account_move m ON m.id = aml.move_id
              JOIN account_account acc ON acc.id = aml.account_id
              JOIN res_partner p ON p.id = aml.partner_id
         LEFT JOIN factoring_schedule_line sl ON sl.id = aml.factoring_schedule_line_id
             WHERE aml.company_id = %(company)s
               AND p.commercial_partner_id = %(debtor)s
               AND aml.parent_state = 'posted'
               AND acc.account_type = 'asset_receivable'
               AND aml.balance > 0
               AND (
                    (aml.factoring_schedule_line_id IS NOT NULL
                     AND {norm % 'sl.invoice_number'} = ANY(%(keys)s))
                 OR (aml.factoring_schedule_line_id IS NULL
                     AND m.move_type IN ('out_invoice', 'out_receipt')
                     AND ({norm % 'm.name'} = ANY(%(keys)s)
                          OR {norm % 'm.payment_reference'} = ANY(%(keys)s)
                          OR {norm % 'm.ref'} = ANY(%(keys)s)))
               )
             ORDER BY aml.id
            """,
            company=self.company_id.id, debtor=self.debtor_id.commercial_partner_id.id,
            keys=list(keys)))
        for item_id, reconciled, item_keys in rows:
            for key in set(item_keys) & set(keys):
                found[key].append((item_id, reconciled))
        return found

    # ------------------------------------------------------------------
    # Checks (the preview) and posting
    # ------------------------------------------------------------------
    def _check_errors(self):
        """Everything that stops posting, as readable sentences: the remittance's
        own problems, then each line's by its position."""
        self.ensure_one()
        errors = []
        currency = self.currency_id
        if currency.compare_amounts(self.amount, 0) <= 0:
            errors.append(self.env._("The amount received must be positive."))
        if not self.credit_line_id and not self.journal_id:
            errors.append(self.env._("Choose the bank journal the money was received on, or an open "
                            "credit of the debtor to apply."))
        if self.credit_line_id:
            credit = self.credit_line_id
            if credit.reconciled or credit.partner_id.commercial_partner_id != \
                    self.debtor_id.commercial_partner_id or credit.amount_residual >= 0 \
                    or credit.account_id.account_type != "asset_receivable":
                errors.append(self.env._("%s is no longer an open credit of the debtor.",
                                credit.display_name))
            elif not credit._factoring_is_money():
                # a credit note or a write-off is not a payment: applied to a
                # factored item it would charge the client a discount fee
                errors.append(self.env._("%s is not a payment of the debtor (a payment or a bank "
                                "statement line).", credit.display_name))
        if not self.line_ids:
            errors.append(self.env._("Add the invoices the debtor pays."))
        applied = sum(self.line_ids.mapped("amount"))
        if currency.compare_amounts(applied, self.amount) > 0:
            errors.append(self.env._(
                "The invoices add up to %(applied)s, more than the %(amount)s received.",
                applied=self._format(applied), amount=self._format(self.amount)))
        for position, line in enumerate(self.line_ids.sorted(lambda rec: (rec.sequence, rec.id)),
                                        start=1):
            if line.status in ("error", "over"):
                errors.append(self.env._("Line %(position)s (%(invoice)s): %(reason)s",
                                position=position, invoice=line.invoice_ref or "?",
                                reason=line.status_message))
        return errors

    def _format(self, amount):
        return formatLang(self.env, amount, currency_obj=self.currency_id)

    def action_check(self):
        """Match the lines without an item again and show what posting would do."""
        self._check_cash_rights()
        self._check_draft()
        self.line_ids.filtered(lambda rec: not rec.move_line_id)._match_items()
        return True

    def action_post(self):
        self._check_cash_rights()
        for remittance in self:
            remittance._post()
        return True

    def _post(self):
        self.ensure_one()
        self._check_draft()
        self.line_ids.filtered(lambda rec: not rec.move_line_id)._match_items()
        # checked with fresh residuals: what the preview showed may have changed
        self.env.flush_all()
        self.env["account.move.line"].invalidate_model(
            ["amount_residual", "amount_residual_currency", "reconciled"])
        errors = self._check_errors()
        if errors:
            raise UserError(self.env._(
                "Remittance %(remittance)s was not posted; nothing was changed:\n%(errors)s",
                remittance=self.name, errors="\n".join(errors)))
        company = self.company_id
        debtor = self.debtor_id.commercial_partner_id
        payment = self.env["account.payment"]
        if self.credit_line_id:
            credit_line = self.credit_line_id
        else:
            account = debtor.with_company(company).property_account_receivable_id
            payment = self.env["account.payment"].with_company(company).create({
                "payment_type": "inbound",
                "partner_type": "customer",
                "partner_id": debtor.id,
                "amount": self.amount,
                "currency_id": self.currency_id.id,
                "date": self.date,
                "journal_id": self.journal_id.id,
                "destination_account_id": account.id,
                "memo": self.memo or self.name,
            })
            payment.action_post()
            credit_line = payment.move_id.line_ids.filtered(
                lambda rec: rec.account_id == account and not rec.reconciled)
        transfer = self._apply(credit_line)
        # A concurrent posting of the same remittance (or of the same items) fails
        # here or on the items' rows with a serialisation error: one wins.
        self._write_internal({
            "state": "posted", "payment_id": payment.id, "transfer_move_id": transfer.id,
            "posted_by_id": self.env.uid, "posted_date": fields.Datetime.now()})
        self.message_post(body=self.env._(
            "Posted: %(applied)s applied to %(count)s invoice(s), %(left)s left as an open "
            "credit on the debtor.", applied=self._format(self.amount_applied),
            count=len(self.line_ids), left=self._format(self.amount_unapplied)))

    def _apply(self, credit_line):
        """Reconcile *credit_line* (the debtor's money) with the lines' items.

        Own invoices on the payment's account that are paid in full are
        reconciled with it directly, as Odoo's payment wizard does. Every other
        item (factored items on the factoring receivable account, partly paid
        invoices) gets a line of its exact amount on a cash-application entry,
        whose one debit takes the money from *credit_line*.

        :return: the cash-application entry (or an empty recordset)
        """
        self.ensure_one()
        currency = self.currency_id
        company = self.company_id
        by_item = defaultdict(float)
        for line in self.line_ids:
            by_item[line.move_line_id] += line.amount
        direct = self.env["account.move.line"]
        transfer_items = []
        for item, amount in by_item.items():
            if not item.factoring_schedule_line_id and item.account_id == credit_line.account_id \
                    and currency.compare_amounts(amount, item.amount_residual_currency) == 0:
                direct |= item
            else:
                transfer_items.append((item, amount))
        transfer = self.env["account.move"]
        to_reconcile = credit_line | direct
        if transfer_items:
            def balance(amount):
                if currency == company.currency_id:
                    return amount
                return currency._convert(amount, company.currency_id, company, self.date)

            total = sum(a for _i, a in transfer_items)
            line_vals = [{
                "name": self.env._("Debtor payment %(remittance)s applied", remittance=self.name),
                "account_id": credit_line.account_id.id,
                "partner_id": credit_line.partner_id.id,
                "currency_id": currency.id,
                "amount_currency": total,
                "balance": balance(total),
            }]
            for item, amount in transfer_items:
                line_vals.append({
                    "name": item.name or item.move_id.name,
                    "account_id": item.account_id.id,
                    "partner_id": item.partner_id.id,
                    "currency_id": currency.id,
                    "amount_currency": -amount,
                    "balance": -balance(amount),
                })
            line_vals[0]["balance"] = -sum(v["balance"] for v in line_vals[1:])
            company._factoring_check_accounting()
            transfer = self.env["account.move"].with_company(company).create({
                "move_type": "entry",
                "journal_id": company.factoring_journal_id.id,
                "date": self.date,
                "ref": self.env._("Debtor remittance %(remittance)s - %(debtor)s",
                         remittance=self.name, debtor=self.debtor_id.display_name),
                "factoring_cash_application": True,
                "line_ids": [fields.Command.create(v) for v in line_vals],
            })
            transfer.action_post()
            debit, *credit_lines = transfer.line_ids.sorted(lambda rec: (rec.balance < 0, rec.id))
            to_reconcile |= debit
            for (item, _amount), credit in zip(transfer_items, credit_lines, strict=True):
                (item | credit).reconcile()
        to_reconcile.reconcile()
        return transfer

    def action_cancel(self):
        self._check_cash_rights()
        self._check_draft()
        self._write_internal({"state": "cancelled"})
        return True

    def action_reset_draft(self):
        self._check_cash_rights()
        for remittance in self:
            if remittance.state != "cancelled":
                raise UserError(self.env._("Only a cancelled remittance goes back to draft; %s is "
                                  "not cancelled.", remittance.name))
        self._write_internal({"state": "draft"})
        return True

    def action_view_payment(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "account.payment",
                "res_id": self.payment_id.id, "view_mode": "form"}

    def action_view_transfer(self):
        self.ensure_one()
        return {"type": "ir.actions.act_window", "res_model": "account.move",
                "res_id": self.transfer_move_id.id, "view_mode": "form"}

    def action_view_debtor_items(self):
        self.ensure_one()
        return self.debtor_id.action_view_factoring_open_items()
