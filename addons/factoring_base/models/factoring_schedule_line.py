from odoo import api, fields, models


class FactoringScheduleLine(models.Model):
    _name = "factoring.schedule.line"
    _description = "Assigned Invoice"
    _order = "schedule_id desc, sequence, id"
    _rec_name = "invoice_number"
    _check_company_auto = True

    sequence = fields.Integer(default=10, help="Row number in the imported file.")
    schedule_id = fields.Many2one(
        "factoring.schedule", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="schedule_id.company_id", store=True, index=True)
    client_id = fields.Many2one(
        related="schedule_id.client_id", store=True, index=True, string="Client")
    schedule_state = fields.Selection(related="schedule_id.state", string="Schedule Status")
    debtor_id = fields.Many2one(
        "res.partner", string="Debtor", index=True, ondelete="restrict",
        domain="[('is_factoring_debtor', '=', True)]")
    agreement_debtor_ids = fields.Many2many(
        related="schedule_id.agreement_id.approved_debtor_ids", string="Approved Debtors",
        help="The debtors the line's debtor is picked from.")
    invoice_number = fields.Char(required=True)
    invoice_date = fields.Date(required=True)
    due_date = fields.Date(required=True)
    amount = fields.Monetary(required=True)
    currency_id = fields.Many2one(
        "res.currency", required=True,
        default=lambda self: self._default_currency())
    check_message = fields.Text(string="Verification Errors", readonly=True, copy=False)
    move_line_ids = fields.One2many(
        "account.move.line", "factoring_schedule_line_id", string="Journal Items")
    move_line_id = fields.Many2one(
        "account.move.line", compute="_compute_item", string="Receivable Item")
    # Stored so that lists grouped by client or debtor sum what is still due.
    amount_residual = fields.Monetary(
        compute="_compute_amount_residual", store=True, string="Amount Due",
        help="What the debtor still owes on the invoice: the open residual of its "
        "receivable item once funded, the face value before.")
    payment_state = fields.Selection(
        [("not_funded", "Not Funded"), ("open", "Open"), ("partial", "Partially Paid"),
         ("paid", "Paid"), ("cancelled", "Cancelled")],
        compute="_compute_item", string="Payment Status")
    paid_date = fields.Date(readonly=True, copy=False)
    fee_amount = fields.Monetary(string="Discount Fee", readonly=True, copy=False)
    fee_move_id = fields.Many2one("account.move", string="Fee Entry", readonly=True, copy=False)

    # The duplicate-invoice check (factoring.schedule._get_verification_errors)
    # looks a schedule's invoice numbers up among the client's other lines.
    _duplicate_lookup_idx = models.Index("(client_id, upper(btrim(invoice_number)))")

    @api.model
    def _default_currency(self):
        schedule = self.env["factoring.schedule"].browse(
            self.env.context.get("default_schedule_id"))
        return schedule.currency_id or self.env.company.currency_id

    @api.depends("move_line_ids.amount_residual_currency", "schedule_id.state")
    def _compute_item(self):
        for line in self:
            item = line.move_line_ids.filtered(
                lambda rec: rec.move_id == line.schedule_id.move_id)[:1]
            line.move_line_id = item
            if line.schedule_id.state == "cancelled":
                line.payment_state = "cancelled"
            elif not item:
                line.payment_state = "not_funded"
            elif item.reconciled:
                line.payment_state = "paid"
            elif item.matched_credit_ids:
                line.payment_state = "partial"
            else:
                line.payment_state = "open"

    @api.depends("amount", "move_line_ids.amount_residual_currency", "schedule_id.move_id")
    def _compute_amount_residual(self):
        for line in self:
            item = line.move_line_ids.filtered(
                lambda rec: rec.move_id == line.schedule_id.move_id)[:1]
            line.amount_residual = item.amount_residual_currency if item else line.amount

    @api.onchange("debtor_id", "invoice_number", "invoice_date", "due_date", "amount",
                  "currency_id")
    def _onchange_clear_message(self):
        self.check_message = False

    @api.depends("invoice_number", "debtor_id")
    def _compute_display_name(self):
        for line in self:
            line.display_name = (
                f"{line.invoice_number} ({line.debtor_id.name})" if line.debtor_id
                else line.invoice_number or "")
