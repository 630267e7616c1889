from odoo import api, fields, models

KINDS = [
    ("credit_note", "Credit note (own invoices)"),
    ("recourse", "Recourse to client (factored items)"),
    ("debtor_pays", "Debtor pays"),
    ("write_off", "Write-off"),
    ("rejected", "Rejected"),
]


class FactoringDisputeResolve(models.TransientModel):
    """Collects how much of each item is resolved and how; the dispute does
    the rest (rights, amounts, accounting documents, holds, closing). Several
    resolutions in a row make a partial resolution (part credited, rest
    rejected)."""

    _name = "factoring.dispute.resolve"
    _description = "Resolve a Dispute"

    dispute_id = fields.Many2one("factoring.dispute", required=True, ondelete="cascade")
    currency_id = fields.Many2one(related="dispute_id.currency_id")
    kind = fields.Selection(
        KINDS, string="Resolution", required=True, default="credit_note",
        help="Credit note: a customer credit note on own invoices.\n"
        "Recourse to client: on factored items, the amount is charged back to the "
        "client's current account (the client bears it).\n"
        "Either way each item gets the document of its kind: a credit note when it is "
        "an own invoice, recourse when it is factored.\n"
        "Debtor pays: the claim is withdrawn, the dispute closes when the items are paid.\n"
        "Write-off: the amount goes to the write-off account (within your allowance, or "
        "approved by a supervisor).\nRejected: the claim is refused; dunning resumes.")
    line_ids = fields.One2many("factoring.dispute.resolve.line", "wizard_id",
                               string="Items")
    has_factored = fields.Boolean(compute="_compute_item_kinds")
    has_own = fields.Boolean(compute="_compute_item_kinds")
    amount_total = fields.Monetary(
        compute="_compute_amount_total", string="Total",
        help="In company currency (each item's amount at the item's rate).")
    request_approval = fields.Boolean(
        help="A write-off above your allowance waits for a collections supervisor's "
        "approval instead of being refused.")
    note = fields.Text()

    @api.model
    def default_get(self, fields_list):
        values = super().default_get(fields_list)
        dispute = self.env["factoring.dispute"].browse(values.get("dispute_id"))
        if dispute and "line_ids" in fields_list:
            values["line_ids"] = [
                fields.Command.create({"dispute_line_id": line.id,
                                       "amount": line.amount_unresolved})
                for line in dispute._lines_unresolved()]
        lines = dispute._lines_unresolved() if dispute else dispute
        if lines and "kind" in fields_list and not self.env.context.get("default_kind") \
                and all(line.client_id for line in lines):
            # factored items only: crediting them is recourse to the client
            values["kind"] = "recourse"
        return values

    @api.depends("line_ids.dispute_line_id")
    def _compute_item_kinds(self):
        for wizard in self:
            clients = [bool(line.dispute_line_id.client_id) for line in wizard.line_ids]
            wizard.has_factored = any(clients)
            wizard.has_own = not all(clients)

    @api.depends("line_ids.amount")
    def _compute_amount_total(self):
        for wizard in self:
            wizard.amount_total = sum(line.dispute_line_id._to_company(line.amount)
                                      for line in wizard.line_ids if line.dispute_line_id)

    def action_confirm(self):
        self.ensure_one()
        self.dispute_id._factoring_resolve(
            self.kind, {line.dispute_line_id: line.amount for line in self.line_ids},
            note=self.note, request_approval=self.request_approval)
        return {"type": "ir.actions.act_window_close"}


class FactoringDisputeResolveLine(models.TransientModel):
    _name = "factoring.dispute.resolve.line"
    _description = "Resolve a Dispute: Item"

    wizard_id = fields.Many2one("factoring.dispute.resolve", required=True, ondelete="cascade")
    dispute_line_id = fields.Many2one("factoring.dispute.line", string="Item", required=True,
                                      readonly=True)
    # the item's currency: the amounts below are in it
    currency_id = fields.Many2one(related="dispute_line_id.currency_id")
    invoice_number = fields.Char(related="dispute_line_id.invoice_number")
    disputed = fields.Monetary(related="dispute_line_id.amount", string="Disputed")
    unresolved = fields.Monetary(related="dispute_line_id.amount_unresolved",
                                 string="Unresolved")
    amount = fields.Monetary(string="Resolve Now", help="In the item's currency.")
