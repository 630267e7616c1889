from odoo import api, fields, models
from odoo.exceptions import UserError


class AccountMoveLine(models.Model):
    _inherit = "account.move.line"

    factoring_dispute_id = fields.Many2one(
        "factoring.dispute", string="Open Dispute", compute="_compute_factoring_dispute",
        search="_search_factoring_dispute_id")
    factoring_disputed_amount = fields.Monetary(
        string="Disputed", compute="_compute_factoring_dispute",
        currency_field="currency_id",
        help="Amount of the item still disputed in an open dispute, in the item's currency.")

    @api.depends_context("uid")
    def _compute_factoring_dispute(self):
        """One grouped query for the whole list (the open dispute lines of these
        items), read as superuser: whoever reads the item sees it is disputed."""
        ids = [i for i in self.ids if isinstance(i, int)]
        by_item = {}
        if ids:
            lines = self.env["factoring.dispute.line"].sudo().search_fetch(
                [("move_line_id", "in", ids), ("dispute_open", "=", True)],
                ["move_line_id", "dispute_id", "amount"])
            for line in lines:
                by_item[line.move_line_id.id] = (line.dispute_id.id, line.amount_unresolved)
        for item in self:
            dispute_id, amount = by_item.get(item.id, (False, 0.0))
            item.factoring_dispute_id = dispute_id
            item.factoring_disputed_amount = amount

    def _search_factoring_dispute_id(self, operator, value):
        if operator not in ("in", "not in"):
            return NotImplemented
        Line = self.env["factoring.dispute.line"].sudo()
        if operator == "not in" and list(value) == [False]:
            # disputed at all: any open dispute line
            return [("id", "in", Line._search([("dispute_open", "=", True)]).subselect(
                "move_line_id"))]
        if operator == "in" and list(value) == [False]:
            return [("id", "not in", Line._search([("dispute_open", "=", True)]).subselect(
                "move_line_id"))]
        return [("id", operator if operator == "in" else "not in",
                 Line._search([("dispute_id", "in", list(value))]).subselect("move_line_id"))]

    def action_factoring_open_dispute(self):
        """Open a new dispute on the selected open items (one debtor, one client
        or own invoices), each disputed for its open residual by default."""
        self.env["factoring.dispute"]._check_open_rights()
        self.check_access("read")
        if not self:
            raise UserError(self.env._("Select the disputed items."))
        not_open = self.filtered(lambda rec: (
            rec.parent_state != "posted" or rec.reconciled or rec.amount_residual <= 0
            or rec.account_id.account_type != "asset_receivable"))
        if not_open:
            raise UserError(self.env._(
                "Only open receivable items can be disputed; %(items)s are not.",
                items=", ".join(not_open[:10].mapped("display_name"))))
        debtors = self.partner_id.commercial_partner_id
        if len(debtors) != 1:
            raise UserError(self.env._(
                "A dispute is raised by one debtor: the selected items belong to "
                "%(debtors)s.", debtors=", ".join(debtors.mapped("display_name"))))
        if len(self.factoring_client_id) > 1 or (
                self.factoring_client_id and self.filtered(lambda r: not r.factoring_client_id)):
            raise UserError(self.env._(
                "Select the items of one client (or own invoices only): one dispute per client."))
        disputed = self.env["factoring.dispute.line"].sudo().search(
            [("move_line_id", "in", self.ids), ("dispute_open", "=", True)], limit=1)
        if disputed:
            raise UserError(self.env._(
                "%(items)s is already disputed in %(dispute)s.",
                items=disputed.move_line_id.factoring_invoice_number,
                dispute=disputed.dispute_id.name))
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("New Dispute"),
            "res_model": "factoring.dispute",
            "view_mode": "form",
            "target": "current",
            "context": {
                "default_debtor_id": debtors.id,
                "default_client_id": self.factoring_client_id.id,
                "default_company_id": self.company_id[:1].id,
                "default_line_ids": [
                    fields.Command.create({"move_line_id": item.id,
                                           "amount": item.amount_residual_currency})
                    for item in self],
            },
        }
