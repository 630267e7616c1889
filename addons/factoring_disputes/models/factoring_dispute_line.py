from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from odoo.addons.factoring_base.models.factoring_guard import check_protected, is_guarded

# Computed from the disputed amount and the item (never written).
LINE_PROTECTED = ("amount_company",)


class FactoringDisputeLine(models.Model):
    """One disputed receivable item of a dispute and the amount disputed on it
    (at most its open residual), in the item's currency: a USD item of a EUR
    company is disputed, checked and resolved in USD. ``amount_company`` is
    that amount at the item's own rate (its balance / its amount in currency),
    for the dispute's totals and the analysis in company currency. While the
    dispute holds an unresolved amount on it, the item is on hold (source
    "dispute")."""

    _name = "factoring.dispute.line"
    _description = "Disputed Item"
    _order = "dispute_id, id"
    _check_company_auto = True

    dispute_id = fields.Many2one("factoring.dispute", required=True, index=True,
                                 ondelete="cascade")
    company_id = fields.Many2one(related="dispute_id.company_id", store=True, index=True)
    company_currency_id = fields.Many2one(related="dispute_id.currency_id",
                                          string="Company Currency")
    move_line_id = fields.Many2one(
        "account.move.line", string="Item", required=True, index=True, ondelete="restrict",
        check_company=True,
        domain="[('parent_state', '=', 'posted'), ('reconciled', '=', False), "
               "('account_id.account_type', '=', 'asset_receivable'), "
               "('company_id', '=', company_id)]")
    debtor_id = fields.Many2one(related="move_line_id.partner_id", string="Debtor")
    client_id = fields.Many2one(related="move_line_id.factoring_client_id", string="Client")
    invoice_number = fields.Char(related="move_line_id.factoring_invoice_number",
                                 string="Invoice Number")
    date_maturity = fields.Date(related="move_line_id.date_maturity", string="Due Date")
    # the item's currency (the company's for an item in company currency)
    currency_id = fields.Many2one(related="move_line_id.currency_id", string="Currency")
    item_residual = fields.Monetary(related="move_line_id.amount_residual_currency",
                                    string="Open Residual",
                                    help="What is still open on the item, in its currency.")
    amount = fields.Monetary(string="Disputed Amount", required=True,
                             help="In the item's currency.")
    amount_company = fields.Monetary(
        string="Disputed (Company Currency)", compute="_compute_amount_company", store=True,
        currency_field="company_currency_id",
        help="The disputed amount at the item's own rate, in the company's currency.")
    resolution_ids = fields.One2many("factoring.dispute.resolution", "line_id",
                                     string="Resolutions", readonly=True)
    amount_resolved = fields.Monetary(compute="_compute_amount_resolved", string="Resolved")
    amount_unresolved = fields.Monetary(compute="_compute_amount_resolved",
                                        string="Unresolved")
    dispute_open = fields.Boolean(compute="_compute_dispute_open", store=True, string="Open")

    _dispute_item_uniq = models.Constraint(
        "UNIQUE(dispute_id, move_line_id)", "An item is listed once per dispute.")
    # One open dispute per item, in the database: two collectors opening a
    # dispute on the same invoice at once cannot both succeed.
    _item_open_uniq = models.UniqueIndex(
        "(move_line_id) WHERE dispute_open IS TRUE",
        "This item is already disputed in another open dispute.")

    @api.depends("dispute_id.state")
    def _compute_dispute_open(self):
        for line in self:
            line.dispute_open = line.dispute_id.state == "open"

    @api.depends("amount", "move_line_id.balance", "move_line_id.amount_currency")
    def _compute_amount_company(self):
        for line in self:
            line.amount_company = line._to_company(line.amount)

    def _company_rate(self):
        """Company currency per unit of the item's currency, at the item's own
        rate (1 for an item in company currency)."""
        self.ensure_one()
        item = self.move_line_id.sudo()
        if not item or item.currency_id == item.company_currency_id \
                or not item.amount_currency:
            return 1.0
        return abs(item.balance / item.amount_currency)

    def _to_company(self, amount):
        """``amount`` of the item's currency in company currency (item's rate)."""
        self.ensure_one()
        currency = self.company_currency_id or self.env.company.currency_id
        return currency.round(amount * self._company_rate())

    @api.depends("amount", "resolution_ids.amount", "resolution_ids.state")
    def _compute_amount_resolved(self):
        for line in self:
            resolved = sum(line.resolution_ids.filtered(
                lambda r: r.state != "cancelled").mapped("amount"))
            line.amount_resolved = resolved
            line.amount_unresolved = line.amount - resolved

    @api.depends("move_line_id", "amount")
    def _compute_display_name(self):
        for line in self:
            line.display_name = line.move_line_id.factoring_invoice_number or \
                line.move_line_id.display_name or ""

    # ------------------------------------------------------------------
    # Checks
    # ------------------------------------------------------------------
    def _check_item(self, amounts=True):
        """The item is an open receivable of the dispute's debtor (and client), in
        its company, in no other open dispute, and the disputed amount is
        positive and at most the item's open residual. Raises naming the
        dispute, the item and the reason."""
        for line in self:
            dispute = line.dispute_id
            self._check_item_values(
                dispute.name, dispute.debtor_id, dispute.client_id, dispute.company_id,
                line.move_line_id, line.amount if amounts else None,
                exclude=line if line.dispute_open else None)

    @api.model
    def _check_item_values(self, name, debtor, client, company, item, amount, exclude=None):
        """See :meth:`_check_item`; also called before anything is written
        (``exclude``: the line itself, or None to skip the other-dispute check
        of a closed dispute's line)."""
        item = item.sudo()
        label = item.factoring_invoice_number or item.display_name
        if item.parent_state != "posted" or item.reconciled \
                or item.account_id.account_type != "asset_receivable":
            raise ValidationError(self.env._(
                "Dispute %(dispute)s: %(item)s is not an open receivable item (posted, "
                "not fully paid).", dispute=name, item=label))
        if debtor and item.partner_id.commercial_partner_id != debtor:
            raise ValidationError(self.env._(
                "Dispute %(dispute)s: item %(item)s belongs to %(other)s, not to the "
                "disputing debtor %(debtor)s.", dispute=name, item=label,
                other=item.partner_id.display_name, debtor=debtor.display_name))
        if item.factoring_client_id != client:
            raise ValidationError(self.env._(
                "Dispute %(dispute)s: item %(item)s was sold by %(other)s, not by the "
                "dispute's client %(client)s; open one dispute per client.",
                dispute=name, item=label,
                other=item.factoring_client_id.display_name
                or self.env._("nobody (own invoice)"),
                client=client.display_name or self.env._("none (own invoices)")))
        if item.company_id != company:
            raise ValidationError(self.env._(
                "Dispute %(dispute)s: item %(item)s is in company %(company)s.",
                dispute=name, item=label, company=item.company_id.name))
        if exclude is not None:
            other = self.sudo().search([
                ("move_line_id", "=", item.id), ("dispute_open", "=", True),
                ("id", "not in", exclude.ids)], limit=1)
            if other:
                raise ValidationError(self.env._(
                    "Dispute %(dispute)s: item %(item)s is already disputed in %(other)s; "
                    "add to that dispute instead.", dispute=name, item=label,
                    other=other.dispute_id.name))
        if amount is None:
            return
        # in the item's currency: a USD item is disputed for at most its USD residual
        currency = item.currency_id
        if currency.compare_amounts(amount, 0) <= 0:
            raise ValidationError(self.env._(
                "Dispute %(dispute)s, item %(item)s: the disputed amount must be positive "
                "(%(amount)s %(currency)s).", dispute=name, item=label, amount=amount,
                currency=currency.name))
        if currency.compare_amounts(amount, item.amount_residual_currency) > 0:
            raise ValidationError(self.env._(
                "Dispute %(dispute)s, item %(item)s: the disputed amount %(amount)s "
                "%(currency)s is above the item's open residual %(residual)s %(currency)s.",
                dispute=name, item=label, amount=amount, currency=currency.name,
                residual=item.amount_residual_currency))

    @api.constrains("move_line_id", "amount")
    def _constrain_item(self):
        self._check_item()

    def _check_dispute_editable(self, action):
        if is_guarded(self):
            return
        self.dispute_id._check_open()
        if not self.env.su:
            self.dispute_id._check_work_rights(action)

    # ------------------------------------------------------------------
    # ORM: the holds follow the lines
    # ------------------------------------------------------------------
    @api.model_create_multi
    def create(self, vals_list):
        check_protected(self, vals_list, LINE_PROTECTED,
                        lambda _vals: self.env._("A disputed item"))
        disputes = self.env["factoring.dispute"].browse(
            [vals["dispute_id"] for vals in vals_list if vals.get("dispute_id")])
        disputes._check_open()
        Item = self.env["account.move.line"]
        for vals in vals_list:
            # before anything is written (the open-item index would refuse the
            # row with a database error rather than this message)
            dispute = disputes.browse(vals.get("dispute_id"))
            if dispute and vals.get("move_line_id"):
                self._check_item_values(
                    dispute.name, dispute.debtor_id, dispute.client_id, dispute.company_id,
                    Item.browse(vals["move_line_id"]), vals.get("amount", 0.0),
                    exclude=self.browse())
        if not self.env.su:
            # creating a dispute with its lines: the creator completes it
            disputes.filtered(lambda d: d.create_uid != self.env.user)._check_work_rights(
                self.env._("add items to it"))
        lines = super().create(vals_list)
        lines._set_holds()
        return lines

    def write(self, vals):
        check_protected(self, [vals], LINE_PROTECTED,
                        lambda _vals: self.dispute_id._names())
        if "move_line_id" in vals or "dispute_id" in vals:
            raise UserError(self.env._(
                "Dispute %s: a disputed item cannot be replaced; remove the line and add the "
                "other item.", self.dispute_id._names()))
        self._check_dispute_editable(self.env._("change its items"))
        if "amount" in vals:
            for line in self:
                if line.currency_id.compare_amounts(vals["amount"], line.amount_resolved) < 0:
                    raise ValidationError(self.env._(
                        "Dispute %(dispute)s, item %(item)s: %(resolved)s is already resolved; "
                        "the disputed amount cannot go below it.",
                        dispute=line.dispute_id.name, item=line.invoice_number,
                        resolved=line.amount_resolved))
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_except_resolved(self):
        self._check_dispute_editable(self.env._("remove its items"))
        resolved = self.filtered("resolution_ids")
        if resolved:
            raise UserError(self.env._(
                "Dispute %(dispute)s: item %(item)s has resolutions and stays in the dispute.",
                dispute=resolved[0].dispute_id.name, item=resolved[0].invoice_number))

    def unlink(self):
        for line in self:
            line.move_line_id._factoring_lift_holds("dispute", line.dispute_id)
        return super().unlink()

    def _set_holds(self):
        for dispute in self.dispute_id:
            lines = self.filtered(lambda rec, d=dispute: rec.dispute_id == d)
            lines.move_line_id._factoring_set_hold(
                self.env._("Disputed (%(dispute)s: %(reason)s)", dispute=dispute.name,
                           reason=dispute.reason_id.name), "dispute", dispute)
